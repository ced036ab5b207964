//! `snapshot()` and `InMemoryTaskStore.restore()`: the core's snapshot document as JSON text.
//!
//! The document's shape is the core's ([`crate::core::Snapshot`], its serde derive), so a
//! Rust process reads what a Node process wrote and the other way round. It is converted to
//! and from a JS object directly (`serde-wasm-bindgen`), with results and queued messages
//! passed through as the JS values the store holds; the text is `JSON.stringify` /
//! `JSON.parse` in JS.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
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
    /// `JSON.stringify(document)`.
    #[wasm_bindgen(js_name = jsonText)]
    fn json_text(value: &JsValue) -> String;
    /// `JSON.parse(text)`, or `undefined` if it is not JSON (see `jsonParseError`).
    #[wasm_bindgen(js_name = parseJsonText)]
    fn parse_json_text(text: &str) -> JsValue;
    /// Why the last `parseJsonText` failed.
    #[wasm_bindgen(js_name = jsonParseError)]
    fn json_parse_error() -> String;
}

/// A JS value inside the document (a result, a queued message), passed through as is.
struct Held(JsValue);

impl Serialize for Held {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Held {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_wasm_bindgen::preserve::deserialize(deserializer).map(Held)
    }
}

/// The snapshot with its JS values wrapped (`wrap`) or unwrapped (`unwrap`).
fn map_values<A, B>(snapshot: Snapshot<A, A>, f: impl Fn(A) -> B) -> Snapshot<B, B> {
    Snapshot {
        format: snapshot.format,
        version: snapshot.version,
        taken_at: snapshot.taken_at,
        config: snapshot.config,
        cursor_key: snapshot.cursor_key,
        next_seq: snapshot.next_seq,
        tasks: snapshot
            .tasks
            .into_iter()
            .map(|task| SnapshotTask {
                record: task.record,
                result: task.result.map(&f),
                queue: task.queue.into_iter().map(&f).collect(),
            })
            .collect(),
    }
}

fn not_a_snapshot(why: impl std::fmt::Display) -> StoreError {
    let why = why.to_string();
    let why = why.strip_prefix("Error: ").unwrap_or(&why);
    invalid("snapshot", "a document", &format!("not a snapshot: {why}"))
}

#[wasm_bindgen]
impl InMemoryTaskStore {
    /// Everything the store holds (tasks, results, owners, creation order, deadlines as
    /// absolute times, the linked queue's messages) as a versioned JSON document.
    pub fn snapshot(&self) -> Result<String, JsValue> {
        let document = throw_on_err(with_state(self.state(), |inner, t| {
            inner.store.expire(t);
            let snapshot = map_values(inner.store.snapshot(t), Held);
            snapshot
                .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
                .map_err(|e| super::error::internal(format!("the snapshot did not convert: {e}")))
        }))?;
        Ok(json_text(&document))
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
        let document = parse_json_text(&text);
        if document.is_undefined() {
            return Err(super::error::to_js_error(&not_a_snapshot(
                json_parse_error(),
            )));
        }
        let parsed: Snapshot<Held, Held> =
            throw_on_err(serde_wasm_bindgen::from_value(document).map_err(not_a_snapshot))?;
        throw_on_err(parsed.check())?;
        let mut values = map_values(parsed, |held| held.0);
        // Results and messages pass the same check as when they were stored (JSON, at most 64
        // levels deep): a restored document cannot hand the store what it would have refused.
        for (i, task) in values.tasks.iter_mut().enumerate() {
            if let Some(result) = task.result.take() {
                let path = format!("snapshot.tasks[{i}].result");
                task.result = Some(throw_on_err(object_copy(&path, &result))?);
            }
            for (j, message) in task.queue.iter_mut().enumerate() {
                let path = format!("snapshot.tasks[{i}].queue[{j}]");
                *message = throw_on_err(object_copy(&path, message))?;
            }
        }
        let store = throw_on_err(Store::restore(values, config, now()))?;
        Ok(InMemoryTaskStore::around(store, on_error))
    }
}
