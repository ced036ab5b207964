//! `snapshot()` and `InMemoryTaskStore.restore()`: the core's snapshot document as JSON text.
//!
//! The document's shape is the core's ([`crate::core::Snapshot`]), written and read by the
//! core's hand-written JSON ([`crate::core::json`]: the shape of its serde derive, without
//! serde in the wasm module), so a Rust process reads what a Node process wrote and the other
//! way round. Results and queued messages are the JS values the store holds: written with
//! `JSON.stringify`, read back with `JSON.parse` of their text in the document.

use wasm_bindgen::prelude::*;

use super::error::{throw_on_err, type_error};
use super::json::object_copy;
use super::state::{with_state, Store};
use super::task_store::{config_from, InMemoryTaskStore};
use super::timer::now;
use crate::core::snapshot::invalid;
use crate::core::{Snapshot, SnapshotTask, StoreError};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// `JSON.stringify(value)`.
    #[wasm_bindgen(js_name = jsonText)]
    fn json_text(value: &JsValue) -> String;
    /// `JSON.parse(text)`, or `undefined` if it is not JSON (see `jsonParseError`).
    #[wasm_bindgen(js_name = parseJsonText)]
    fn parse_json_text(text: &str) -> JsValue;
    /// Why the last `parseJsonText` failed.
    #[wasm_bindgen(js_name = jsonParseError)]
    fn json_parse_error() -> String;
}

fn not_a_snapshot(why: impl std::fmt::Display) -> StoreError {
    invalid("snapshot", "a document", &format!("not a snapshot: {why}"))
}

/// A result or message of the document (its JSON text there), as the store holds it: parsed,
/// then given the check it got when it was stored (JSON, at most 64 levels deep), so a
/// restored document cannot hand the store what it would have refused. `path` names it.
fn held_value(path: &str, text: &str) -> Result<JsValue, StoreError> {
    let value = parse_json_text(text);
    if value.is_undefined() {
        return Err(invalid(
            path,
            "a value",
            &format!("not JSON: {}", json_parse_error()),
        ));
    }
    object_copy(path, &value)
}

#[wasm_bindgen]
impl InMemoryTaskStore {
    /// Everything the store holds (tasks, results, owners, creation order, deadlines as
    /// absolute times, the linked queue's messages) as a versioned JSON document.
    pub fn snapshot(&self) -> Result<String, JsValue> {
        throw_on_err(with_state(self.state(), |inner, t| {
            inner.store.expire(t);
            let mut text = String::new();
            let value = |value: &JsValue, out: &mut String| out.push_str(&json_text(value));
            inner.store.snapshot(t).write_json(&mut text, value, value);
            Ok(text)
        }))
    }

    /// A store with `options` holding what `snapshot` (from `snapshot()`) holds, as the
    /// store it was taken from would be now: tasks whose deadline passed meanwhile are
    /// left out. A damaged, truncated or future-version snapshot is rejected (-32602,
    /// naming what is wrong and where) and nothing is created.
    pub fn restore(
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TaskStoreOptions | undefined")] options: JsValue,
    ) -> Result<InMemoryTaskStore, JsValue> {
        let text = snapshot
            .as_string()
            .ok_or_else(|| type_error("snapshot", super::args::describe(&snapshot), "a string"));
        let text = throw_on_err(text)?;
        let (config, on_error) = throw_on_err(config_from(&options))?;
        let parsed = throw_on_err(Snapshot::from_json(&text).map_err(not_a_snapshot))?;
        throw_on_err(parsed.check())?;
        let mut tasks = Vec::with_capacity(parsed.tasks.len());
        for (i, task) in parsed.tasks.into_iter().enumerate() {
            let result = match task.result {
                Some(text) => Some(throw_on_err(held_value(
                    &format!("snapshot.tasks[{i}].result"),
                    text,
                ))?),
                None => None,
            };
            let mut queue = Vec::with_capacity(task.queue.len());
            for (j, text) in task.queue.into_iter().enumerate() {
                let path = format!("snapshot.tasks[{i}].queue[{j}]");
                queue.push(throw_on_err(held_value(&path, text))?);
            }
            tasks.push(SnapshotTask {
                record: task.record,
                result,
                queue,
            });
        }
        let values = Snapshot {
            format: parsed.format,
            version: parsed.version,
            taken_at: parsed.taken_at,
            config: parsed.config,
            cursor_key: parsed.cursor_key,
            next_seq: parsed.next_seq,
            tasks,
        };
        let store = throw_on_err(Store::restore(values, config, now()))?;
        Ok(InMemoryTaskStore::around(store, on_error))
    }
}
