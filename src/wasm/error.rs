//! Core errors as JS `Error`s, the binding's own argument errors, and the Promise helpers
//! every method ends in.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::{ErrorKind, Param, StoreError};

/// The JS name of a parameter the core names.
pub fn js_name(param: &Param) -> String {
    match param {
        Param::SessionId => "sessionId".into(),
        Param::PageSize => "options.pageSize".into(),
        Param::MinTtl => "options.minTtl".into(),
        Param::MaxTtl => "options.maxTtl".into(),
        Param::MaxTasks => "options.maxTasks".into(),
        Param::MaxTasksPerSession => "options.maxTasksPerSession".into(),
        Param::MaxResultBytes => "options.maxResultBytes".into(),
        Param::MaxQueueSize => "options.maxQueueSize".into(),
        Param::Named(name) => name.clone(),
    }
}

/// A wrong-type argument (thrown as a `TypeError`): `name` got `value`, not `expected`.
pub fn type_error(name: &str, value: impl Into<String>, expected: &str) -> StoreError {
    StoreError::type_error(Param::Named(name.into()), value, expected)
}

/// An out-of-range argument (thrown as a `RangeError`): `name` got `value`, against `rule`.
pub fn range_error(name: &str, value: impl Into<String>, rule: &str) -> StoreError {
    StoreError::range_error(Param::Named(name.into()), value, rule)
}

/// A failure of the binding itself (-32603).
pub fn internal(message: impl Into<String>) -> StoreError {
    StoreError::internal(message)
}

/// The error for a call made from inside one of the store's own calls.
pub fn busy() -> StoreError {
    internal("the store was called from inside one of its own calls")
}

/// The JS error for a core error: `Error`, `TypeError` or `RangeError` as its kind says,
/// parameters under their JS names, with the MCP code in `code`.
pub fn to_js_error(err: &StoreError) -> JsValue {
    let message = err.message_with(js_name);
    let error: js_sys::Error = match err.kind() {
        ErrorKind::State => js_sys::Error::new(&message),
        ErrorKind::WrongType => js_sys::TypeError::new(&message).unchecked_into(),
        ErrorKind::OutOfRange => js_sys::RangeError::new(&message).unchecked_into(),
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
