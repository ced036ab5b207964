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
use wasm_bindgen::JsCast;

use super::args::{describe, describe_thrown};
use crate::core::{ErrorClass, StoreError};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = copyJson)]
    fn copy_json(value: &JsValue, name: &str, freeze: bool) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = jsonFailure)]
    fn json_failure() -> JsValue;
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
        Err(thrown) => Err(StoreError::type_error(
            name,
            "an object whose reading throws",
            &describe_thrown(&thrown),
        )),
    }
}

/// The error for the last failed copy: `[path, value, rule, 'type' | 'range' | 'read']`
/// ('read': reading the value threw, a TypeError).
fn failure() -> StoreError {
    let parts = json_failure();
    if !super::args::is_array(&parts) {
        return StoreError::Internal {
            message: "the JSON check gave no reason".into(),
        };
    }
    let parts: js_sys::Array = parts.unchecked_into();
    let text = |i: u32| parts.get(i).as_string().unwrap_or_default();
    let class = if text(3) == "range" {
        ErrorClass::RangeError
    } else {
        ErrorClass::TypeError
    };
    StoreError::InvalidParam {
        name: text(0),
        value: match parts.get(1) {
            _ if text(3) == "read" => "a property".into(),
            v => describe(&v),
        },
        rule: text(2),
        class,
    }
}
