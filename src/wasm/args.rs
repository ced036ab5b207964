//! Reading JS arguments into Rust values, with errors that name the parameter and value.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error::type_error;
use crate::core::error::quote_input;
use crate::core::{Param, StoreError};
pub use crate::numbers::{count, js_number, millis};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// -1 for a non-string, 0 for a string with a lone surrogate, 1 for a well-formed one.
    #[wasm_bindgen(js_name = wellFormed)]
    fn well_formed(value: &JsValue) -> f64;
}

// Every import that can run user code (a getter, a Proxy trap) is `catch`: an exception
// thrown through wasm frames would leave the store borrowed and leak wasm stack space.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(value: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array_or_throw(value: &JsValue) -> Result<bool, JsValue>;
}

/// `Array.isArray`, which throws for a revoked Proxy (then: not an array).
pub fn is_array(value: &JsValue) -> bool {
    is_array_or_throw(value).unwrap_or(false)
}

/// A JS value rendered for an error message: strings quoted (and shortened), numbers as JS
/// prints them, other kinds by name.
pub fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        format!(
            "\"{}\"",
            quote_input(&s).replace('\\', "\\\\").replace('"', "\\\"")
        )
    } else if let Some(n) = value.as_f64() {
        js_number(n)
    } else if let Some(b) = value.as_bool() {
        b.to_string()
    } else if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "undefined".into()
    } else if value.is_bigint() {
        "a bigint".into()
    } else if value.is_symbol() {
        "a symbol".into()
    } else if value.is_function() {
        "a function".into()
    } else if is_array(value) {
        "an array".into()
    } else {
        "an object".into()
    }
}

/// Whether a value counts as "not given": `undefined` or `null`.
pub fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// A required string.
pub fn string(name: &str, value: &JsValue) -> Result<String, StoreError> {
    value
        .as_string()
        .ok_or_else(|| type_error(name, describe(value), "a string"))
}

/// A required string that crosses into wasm unchanged: one with a lone surrogate is
/// rejected, since UTF-8 would turn it into U+FFFD and make it equal to another string (two
/// sessions would become one).
pub fn exact_string(name: &str, value: &JsValue) -> Result<String, StoreError> {
    if well_formed(value) == 0.0 {
        return Err(super::error::range_error(
            name,
            describe(value),
            "must be a well-formed string: a lone surrogate (U+D800 to U+DFFF unpaired) cannot \
             be told apart from U+FFFD",
        ));
    }
    string(name, value)
}

/// An optional [`exact_string`] (`undefined`/`null` = absent).
pub fn opt_exact_string(name: &str, value: &JsValue) -> Result<Option<String>, StoreError> {
    if is_absent(value) {
        Ok(None)
    } else {
        exact_string(name, value).map(Some)
    }
}

/// An optional string (`undefined`/`null` = absent).
pub fn opt_string(name: &str, value: &JsValue) -> Result<Option<String>, StoreError> {
    if is_absent(value) {
        Ok(None)
    } else {
        string(name, value).map(Some)
    }
}

/// An optional duration in ms (`undefined`/`null` = absent).
pub fn opt_millis(name: &str, value: &JsValue) -> Result<Option<u64>, StoreError> {
    if is_absent(value) {
        return Ok(None);
    }
    let n = value
        .as_f64()
        .ok_or_else(|| type_error(name, describe(value), "a number of milliseconds"))?;
    millis(name, n).map(Some)
}

/// An optional duration a client asked for (`undefined`/`null` = absent): any number is
/// brought into range by the core's rule ([`crate::core::params::requested_millis`]).
pub fn opt_requested_millis(name: &str, value: &JsValue) -> Result<Option<u64>, StoreError> {
    if is_absent(value) {
        return Ok(None);
    }
    let n = value
        .as_f64()
        .ok_or_else(|| type_error(name, describe(value), "a number of milliseconds"))?;
    crate::core::params::requested_millis(Param::Named(name.into()), n).map(Some)
}

/// A plain options-like object: not null, not an array, not a function.
pub fn object<'a>(name: &str, value: &'a JsValue) -> Result<&'a js_sys::Object, StoreError> {
    if value.is_object() && !is_array(value) {
        Ok(value.unchecked_ref())
    } else {
        Err(type_error(name, describe(value), "an object"))
    }
}

/// Reads `object[key]`; a throwing getter becomes a TypeError naming `name`.
pub fn field(name: &str, object: &JsValue, key: &str) -> Result<JsValue, StoreError> {
    Reflect::get(object, &JsValue::from_str(key)).map_err(|thrown| {
        type_error(
            name,
            "a property that throws when read",
            &describe_thrown(&thrown),
        )
    })
}

/// Describes an exception for a message.
pub fn describe_thrown(thrown: &JsValue) -> String {
    let message = thrown
        .is_object()
        .then(|| Reflect::get(thrown, &JsValue::from_str("message")).ok())
        .flatten();
    let text = message
        .and_then(|m| m.as_string())
        .or_else(|| thrown.as_string())
        .unwrap_or_else(|| describe(thrown));
    format!("a readable value; reading it threw: {}", quote_input(&text))
}

/// Rejects keys of `object` that are not in `known` (catches misspelt options).
pub fn only_known_keys(name: &str, object: &JsValue, known: &[&str]) -> Result<(), StoreError> {
    let keys = own_keys(object).map_err(|t| type_error(name, "an object", &describe_thrown(&t)))?;
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(type_error(
                &format!("{name}.{}", quote_input(&key)),
                "an unknown option",
                &format!("one of: {}", known.join(", ")),
            ));
        }
    }
    Ok(())
}
