//! JSON values handed to the store (results, queued messages): checked and copied.
//!
//! The store keeps its own deep copy, so a caller mutating its object later changes nothing.
//! Results are frozen (every reader gets the same object, which nobody can change); queued
//! messages are not (each is handed to exactly one reader, who then owns it). Only what JSON carries
//! faithfully is accepted: plain objects, arrays, strings, finite numbers, booleans and
//! `null`. An object property whose value is `undefined` is left out, as `JSON.stringify`
//! does; anything else JSON would drop or change (`undefined` elsewhere, functions,
//! symbols, bigints, non-finite numbers, class instances such as `Date`, cycles) is
//! rejected with the path to it.

use wasm_bindgen::prelude::*;

use super::args::{describe, describe_thrown};
use super::error::{internal, type_error};
use crate::core::{ErrorKind, Param, StoreError};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = copyJson)]
    fn copy_json(value: &JsValue, name: &str, freeze: bool) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = jsonFailure)]
    fn json_failure() -> Option<CopyFailure>;

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

/// Whether a copy is frozen.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Freeze {
    /// `Object.freeze` every object and array of the copy.
    Yes,
    /// Leave the copy mutable.
    No,
}

/// Checks `value` is a JSON object and returns a deep copy. `name` names it in errors
/// (`result`, `message`). The walk runs in JS (`helpers.js`): one boundary crossing per
/// call instead of several per property.
pub fn object_copy(name: &str, value: &JsValue, freeze: Freeze) -> Result<JsValue, StoreError> {
    match copy_json(value, name, freeze == Freeze::Yes) {
        Ok(copy) if !copy.is_undefined() => Ok(copy),
        Ok(_) => Err(failure()),
        Err(thrown) => Err(type_error(
            name,
            "an object whose reading throws",
            &describe_thrown(&thrown),
        )),
    }
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
