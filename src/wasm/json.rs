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

use std::cell::OnceCell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{describe, describe_thrown};
use crate::core::StoreError;

/// Nesting deeper than this is rejected (it also bounds the copy's recursion).
pub const MAX_DEPTH: usize = 64;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(value: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = getPrototypeOf)]
    fn prototype_of(value: &JsValue) -> Result<JsValue, JsValue>;
}

thread_local! {
    static OBJECT_PROTOTYPE: OnceCell<JsValue> = const { OnceCell::new() };
}

fn is_plain_prototype(proto: &JsValue) -> bool {
    proto.is_null()
        || OBJECT_PROTOTYPE.with(|cell| {
            cell.get_or_init(|| Object::get_prototype_of(&Object::new()).into()) == proto
        })
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
/// (`result`, `message`).
pub fn object_copy(name: &str, value: &JsValue, freeze: Freeze) -> Result<JsValue, StoreError> {
    if !value.is_object() || Array::is_array(value) || value.is_function() {
        return Err(StoreError::type_error(
            name,
            describe(value),
            "a JSON object",
        ));
    }
    let mut walk = Walk {
        path: name.to_owned(),
        ancestors: Vec::new(),
        freeze,
    };
    walk.copy(value)
}

/// Own enumerable string keys; a throwing Proxy becomes an error naming `name`.
pub fn keys_of(name: &str, value: &JsValue) -> Result<Array, StoreError> {
    own_keys(value).map_err(|t| StoreError::type_error(name, "an object", &describe_thrown(&t)))
}

struct Walk {
    path: String,
    ancestors: Vec<JsValue>,
    freeze: Freeze,
}

impl Walk {
    fn fail(&self, value: &JsValue, expected: &str) -> StoreError {
        StoreError::type_error(self.path.clone(), describe(value), expected)
    }

    fn copy(&mut self, value: &JsValue) -> Result<JsValue, StoreError> {
        if value.is_string() || value.is_null() || value.as_bool().is_some() {
            return Ok(value.clone());
        }
        if let Some(n) = value.as_f64() {
            return if n.is_finite() {
                Ok(value.clone())
            } else {
                Err(StoreError::range_error(
                    self.path.clone(),
                    describe(value),
                    "must be a finite number; JSON has no NaN or Infinity",
                ))
            };
        }
        if !value.is_object() || value.is_function() {
            return Err(self.fail(
                value,
                "a JSON value (object, array, string, number, boolean or null)",
            ));
        }
        if self.ancestors.iter().any(|a| a == value) {
            return Err(self.fail(value, "a JSON value without cycles; it contains itself"));
        }
        if self.ancestors.len() >= MAX_DEPTH {
            return Err(self.fail(value, &format!("at most {MAX_DEPTH} levels of nesting")));
        }
        self.ancestors.push(value.clone());
        let copy = if Array::is_array(value) {
            self.copy_array(value)
        } else {
            self.copy_object(value)
        };
        self.ancestors.pop();
        let copy = copy?;
        if self.freeze == Freeze::Yes {
            Object::freeze(copy.unchecked_ref::<Object>());
        }
        Ok(copy)
    }

    fn read(&self, value: &JsValue, key: &JsValue) -> Result<JsValue, StoreError> {
        Reflect::get(value, key).map_err(|t| self.fail(value, &describe_thrown(&t)))
    }

    fn copy_array(&mut self, value: &JsValue) -> Result<JsValue, StoreError> {
        let len = self
            .read(value, &JsValue::from_str("length"))?
            .as_f64()
            .unwrap_or(0.0);
        let out = Array::new();
        let base = self.path.len();
        let mut i = 0u32;
        while f64::from(i) < len {
            self.path.push_str(&format!("[{i}]"));
            let item = self.read(value, &JsValue::from(i))?;
            if item.is_undefined() {
                return Err(self.fail(&item, "a JSON value; arrays cannot hold undefined"));
            }
            out.push(&self.copy(&item)?);
            self.path.truncate(base);
            i += 1;
        }
        Ok(out.into())
    }

    fn copy_object(&mut self, value: &JsValue) -> Result<JsValue, StoreError> {
        let proto = prototype_of(value).map_err(|t| self.fail(value, &describe_thrown(&t)))?;
        if !is_plain_prototype(&proto) {
            return Err(self.fail(value, "a plain object or array; class instances such as Date, Map or Uint8Array are not JSON"));
        }
        let keys = keys_of(&self.path, value)?;
        let out = Object::new();
        let base = self.path.len();
        for key in keys.iter() {
            let key_text = key.as_string().unwrap_or_default();
            self.path.push('.');
            self.path.push_str(&key_text);
            let item = self.read(value, &key)?;
            if !item.is_undefined() {
                let copied = self.copy(&item)?;
                define(&out, &key, &copied);
            }
            self.path.truncate(base);
        }
        Ok(out.into())
    }
}

/// Adds an own data property, even for the key `__proto__` (which plain assignment would
/// treat as setting the prototype).
fn define(target: &Object, key: &JsValue, value: &JsValue) {
    if key.as_string().as_deref() == Some("__proto__") {
        let descriptor = Object::new();
        let _ = Reflect::set(&descriptor, &JsValue::from_str("value"), value);
        for flag in ["enumerable", "writable", "configurable"] {
            let _ = Reflect::set(&descriptor, &JsValue::from_str(flag), &JsValue::TRUE);
        }
        Object::define_property(target, key, &descriptor);
    } else {
        let _ = Reflect::set(target, key, value);
    }
}
