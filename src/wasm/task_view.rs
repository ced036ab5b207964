//! The JS `Task` object: built once per change of a task (by a JS helper, in one call),
//! then handed out as copies.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::{Task, TaskStatus, ALL_STATUSES};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeTask)]
    fn make_task(
        entry: &JsValue,
        task_id: &JsValue,
        status: &JsValue,
        status_message: &JsValue,
        created_at: &JsValue,
        created_ms: f64,
        last_updated_ms: f64,
        ttl: &JsValue,
        poll_interval: f64,
    ) -> JsValue;
    /// An instant as an ISO 8601 string (`2025-11-25T10:30:00.000Z`).
    #[wasm_bindgen(js_name = isoTime)]
    pub fn iso_time(ms: f64) -> JsValue;
    /// A shallow copy of a cached Task object.
    #[wasm_bindgen(js_name = shallowCopy)]
    pub fn shallow_copy(task: &JsValue) -> JsValue;
    /// A Promise of a shallow copy of a cached Task object.
    #[wasm_bindgen(js_name = resolveCopy)]
    pub fn resolve_copy(task: &JsValue) -> Promise;
    /// A Promise of `{ tasks, nextCursor? }`.
    #[wasm_bindgen(js_name = resolvePage)]
    pub fn resolve_page(tasks: &JsValue, next_cursor: Option<String>) -> Promise;
}

thread_local! {
    static STATUSES: [JsValue; 5] = ALL_STATUSES.map(|s| JsValue::from_str(s.as_str()));
}

fn status_value(status: TaskStatus) -> JsValue {
    // ALL_STATUSES lists the variants in declaration order.
    STATUSES.with(|all| {
        all.get(status as usize)
            .cloned()
            .unwrap_or(JsValue::UNDEFINED)
    })
}

/// The wire `Task` object: `taskId`, `status`, `statusMessage` (only when set),
/// `createdAt`, `lastUpdatedAt`, `ttl` (number or `null`), `pollInterval`. The id and
/// `createdAt` strings are made once per task and passed in. With a fast-read `entry`
/// (see `state.rs`), the object is published in it as the task's current state.
pub fn task_object(
    task: &Task,
    task_id: &JsValue,
    created_at: &JsValue,
    entry: &JsValue,
) -> JsValue {
    let message = task
        .status_message
        .as_deref()
        .map_or(JsValue::UNDEFINED, JsValue::from_str);
    task_object_with(task, task_id, created_at, entry, &message)
}

/// [`task_object`] with the status message given as the JS string it is (`undefined` when
/// the task has none), so no string is read out of wasm memory.
pub fn task_object_with(
    task: &Task,
    task_id: &JsValue,
    created_at: &JsValue,
    entry: &JsValue,
    message: &JsValue,
) -> JsValue {
    let ttl = task.ttl.map_or(JsValue::NULL, |t| JsValue::from(t as f64));
    make_task(
        entry,
        task_id,
        &status_value(task.status),
        message,
        created_at,
        task.created_at as f64,
        task.last_updated_at as f64,
        &ttl,
        task.poll_interval as f64,
    )
}
