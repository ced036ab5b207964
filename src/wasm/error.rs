//! Core errors as JS `Error`s, and the Promise helpers every method ends in.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::{ErrorClass, StoreError};

/// The JS error for a core error: `Error`, `TypeError` or `RangeError` as the error says,
/// with its MCP code in `code`.
pub fn to_js_error(err: &StoreError) -> JsValue {
    let message = err.to_string();
    let error: js_sys::Error = match err.class() {
        ErrorClass::Error => js_sys::Error::new(&message),
        ErrorClass::TypeError => js_sys::TypeError::new(&message).unchecked_into(),
        ErrorClass::RangeError => js_sys::RangeError::new(&message).unchecked_into(),
    };
    // Setting a property on a fresh Error cannot fail; if it somehow did, the error still
    // carries its message.
    let _ = Reflect::set(
        &error,
        &JsValue::from_str("code"),
        &JsValue::from(err.code()),
    );
    error.into()
}

/// A Promise settled with the outcome of a call.
pub fn settle(outcome: Result<JsValue, StoreError>) -> Promise {
    match outcome {
        Ok(value) => Promise::resolve(&value),
        Err(err) => Promise::reject(&to_js_error(&err)),
    }
}

/// Returns the value, or throws the error as a JS exception (for synchronous methods).
pub fn throw_on_err<T>(outcome: Result<T, StoreError>) -> Result<T, JsValue> {
    outcome.map_err(|err| to_js_error(&err))
}
