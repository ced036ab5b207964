//! The JS `Task` object: built once per change of a task (by a JS helper, in one call),
//! then handed out as copies.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::{Task, TaskStatus, ALL_STATUSES};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeTask)]
    fn make_task(
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
    /// A Promise of `{ tasks, nextCursor? }`.
    #[wasm_bindgen(js_name = resolvePage)]
    pub fn resolve_page(tasks: &JsValue, next_cursor: Option<String>) -> Promise;
}

thread_local! {
    static STATUSES: [JsValue; 5] = ALL_STATUSES.map(|s| JsValue::from_str(s.as_str()));
}

/// The JS string of a status (made once per status).
pub fn status_value(status: TaskStatus) -> JsValue {
    // ALL_STATUSES lists the variants in declaration order.
    STATUSES.with(|all| {
        all.get(status as usize)
            .cloned()
            .unwrap_or(JsValue::UNDEFINED)
    })
}

/// The wire `Task` object: `taskId`, `status`, `statusMessage` (only when set),
/// `createdAt`, `lastUpdatedAt`, `ttl` (number or `null`), `pollInterval`, built from the
/// core's `Task` (a live task's entry is filed from it once; reads build theirs from the
/// entry).
pub fn task_object(task: &Task) -> JsValue {
    make_task(
        &JsValue::from_str(&task.task_id.to_string()),
        &status_value(task.status),
        &message_value(task),
        &iso_time(task.created_at as f64),
        task.created_at as f64,
        task.last_updated_at as f64,
        &ttl_value(task),
        task.poll_interval as f64,
    )
}

/// A task's status message as a JS string (read out of wasm memory), or `undefined`.
pub fn message_value(task: &Task) -> JsValue {
    task.status_message
        .as_deref()
        .map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// A task's ttl as the wire has it: a number, or `null` for none.
fn ttl_value(task: &Task) -> JsValue {
    task.ttl.map_or(JsValue::NULL, |t| JsValue::from(t as f64))
}
