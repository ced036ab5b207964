//! JSON values handed to the store (results, queued messages): copied as the wire would
//! carry them.
//!
//! The store keeps its own deep copy of what `JSON.stringify` would send (`toJSON` called,
//! so a `Date` becomes its ISO string; `undefined`, functions and symbols left out of
//! objects and `null` in arrays; non-finite numbers `null`; any object's own enumerable
//! keys), so a caller mutating its object later changes nothing and a reader sees what a
//! client over the wire would. What JSON cannot carry (a bigint, a cycle), nesting deeper
//! than 64 and a value whose reading throws are rejected with the path to them. Readers get
//! copies they own ([`owned_copy`]).

use wasm_bindgen::prelude::*;

use super::args::{describe, describe_thrown};
use super::error::{internal, type_error};
use crate::core::{ErrorKind, Param, StoreError};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = copyJson)]
    fn copy_json(value: &JsValue, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = jsonFailure)]
    fn json_failure() -> Option<CopyFailure>;
    /// About how many bytes the JSON text of the last copy takes.
    #[wasm_bindgen(js_name = jsonBytes)]
    fn json_bytes() -> f64;
    /// A deep copy of a JSON value the store holds, for a reader to own.
    #[wasm_bindgen(js_name = cloneJson)]
    pub fn owned_copy(value: &JsValue) -> JsValue;

    /// Why a copy failed: where, what value, which rule.
    type CopyFailure;
    /// The path to the offending value (`result.content[0].text`).
    #[wasm_bindgen(method, getter)]
    fn path(this: &CopyFailure) -> String;
    /// The offending value.
    #[wasm_bindgen(method, getter)]
    fn value(this: &CopyFailure) -> JsValue;
    /// What the value must be.
    #[wasm_bindgen(method, getter)]
    fn rule(this: &CopyFailure) -> String;
    /// The value has the right type but not an allowed value (a `RangeError`).
    #[wasm_bindgen(method, getter)]
    fn range(this: &CopyFailure) -> bool;
    /// Reading the value threw.
    #[wasm_bindgen(method, getter)]
    fn unreadable(this: &CopyFailure) -> bool;
}

/// The deep copy of what `value` is in JSON, which must be an object. `name` names it in
/// errors (`result`, `message`). The walk runs in JS (`helpers.js`): one boundary crossing
/// per call instead of several per property.
pub fn object_copy(name: &str, value: &JsValue) -> Result<JsValue, StoreError> {
    match copy_json(value, name) {
        Ok(copy) if !copy.is_undefined() => Ok(copy),
        Ok(_) => Err(failure()),
        Err(thrown) => Err(type_error(
            name,
            "an object whose reading throws",
            &describe_thrown(&thrown),
        )),
    }
}

/// [`object_copy`], with about how many bytes its JSON text takes (for the core's
/// `max_result_bytes` rule).
pub fn sized_object_copy(name: &str, value: &JsValue) -> Result<(JsValue, u64), StoreError> {
    let copy = object_copy(name, value)?;
    Ok((copy, json_bytes() as u64))
}

/// The error for the last failed copy.
fn failure() -> StoreError {
    let Some(why) = json_failure() else {
        return internal("the JSON check gave no reason");
    };
    let value = if why.unreadable() {
        "a property".into()
    } else {
        describe(&why.value())
    };
    let kind = if why.range() {
        ErrorKind::OutOfRange
    } else {
        ErrorKind::WrongType
    };
    StoreError::InvalidParam {
        param: Param::Named(why.path()),
        value,
        rule: why.rule(),
        kind,
    }
}
