//! The JS `Task` object: built once per change of a task, then handed out as copies.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::core::{format_iso8601, Task, TaskStatus, ALL_STATUSES};

/// Property names and status strings, made once instead of on every call.
pub struct Names {
    task_id: JsValue,
    status: JsValue,
    status_message: JsValue,
    created_at: JsValue,
    last_updated_at: JsValue,
    ttl: JsValue,
    poll_interval: JsValue,
    pub tasks: JsValue,
    pub next_cursor: JsValue,
    statuses: [JsValue; 5],
}

impl Names {
    fn new() -> Names {
        let s = JsValue::from_str;
        Names {
            task_id: s("taskId"),
            status: s("status"),
            status_message: s("statusMessage"),
            created_at: s("createdAt"),
            last_updated_at: s("lastUpdatedAt"),
            ttl: s("ttl"),
            poll_interval: s("pollInterval"),
            tasks: s("tasks"),
            next_cursor: s("nextCursor"),
            statuses: ALL_STATUSES.map(|st| s(st.as_str())),
        }
    }

    fn status(&self, status: TaskStatus) -> &JsValue {
        let index = ALL_STATUSES.iter().position(|&s| s == status).unwrap_or(0);
        self.statuses.get(index).unwrap_or(&self.statuses[0])
    }
}

thread_local! {
    static NAMES: Names = Names::new();
}

/// Runs `f` with the shared names.
pub fn with_names<T>(f: impl FnOnce(&Names) -> T) -> T {
    NAMES.with(f)
}

/// The wire `Task` object: `taskId`, `status`, `statusMessage` (only when set),
/// `createdAt`, `lastUpdatedAt`, `ttl` (number or `null`), `pollInterval`.
pub fn task_object(task: &Task) -> Object {
    with_names(|n| {
        let o = Object::new();
        let set = |k: &JsValue, v: &JsValue| {
            let _ = Reflect::set(&o, k, v);
        };
        set(&n.task_id, &JsValue::from_str(&task.task_id.to_string()));
        set(&n.status, n.status(task.status));
        if let Some(message) = &task.status_message {
            set(&n.status_message, &JsValue::from_str(message));
        }
        let created = format_iso8601(task.created_at);
        set(&n.created_at, &JsValue::from_str(&created));
        if task.last_updated_at == task.created_at {
            set(&n.last_updated_at, &JsValue::from_str(&created));
        } else {
            set(
                &n.last_updated_at,
                &JsValue::from_str(&format_iso8601(task.last_updated_at)),
            );
        }
        set(
            &n.ttl,
            &task.ttl.map_or(JsValue::NULL, |t| JsValue::from(t as f64)),
        );
        set(&n.poll_interval, &JsValue::from(task.poll_interval as f64));
        o
    })
}

/// A shallow copy of a cached Task object (the caller may mutate it freely).
pub fn copy_of(task: &Object) -> JsValue {
    Object::assign(&Object::new(), task).into()
}
