//! `InMemoryTaskStore`: the JS class over [`crate::core::TaskStore`].
//!
//! Each method reads its arguments (checking types), takes `Date.now()`, asks the core,
//! re-arms the one timer if the earliest deadline moved, and returns a settled Promise.
//! Arguments are checked and results copied before the store is borrowed, so user code
//! (a getter, say) can never run while the store is mid-change.
//!
//! Crossing the boundary is what costs (strings and objects far more than calls), so task
//! ids are looked up in a JS `Map` from id to slot (the id string never enters wasm memory
//! on the hot path), session ids are cached the same way, Task objects are built once per
//! change and kept, and results stay JS values.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{self, describe, field, is_absent, object, only_known_keys};
use super::error::{range_error, settle, throw_on_err, type_error};
use super::json::{object_copy, Freeze};
use super::queue::InMemoryTaskMessageQueue;
use super::state::{with_state, Inner, Store};
use super::task_view::{resolve_copy, resolve_page};
use crate::core::{
    CreateParams, ErrorKind, Outcome, StoreConfig, StoreError, TaskStatus, ALL_STATUSES,
};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// The place of a status name in `ALL_STATUSES`: -1 for another string, -2 for a
    /// non-string.
    #[wasm_bindgen(js_name = statusIndex)]
    fn status_index(value: &JsValue) -> f64;
}

/// A task store for `@modelcontextprotocol/sdk`, kept in WebAssembly memory.
#[wasm_bindgen]
pub struct InMemoryTaskStore {
    inner: Rc<RefCell<Inner>>,
}

/// How an option's number is checked (`args::count`, `args::millis`).
type ReadOption = fn(&str, f64) -> Result<u64, StoreError>;
/// Where an option's value goes in the config.
type SetOption = fn(&mut StoreConfig, u64);

/// The numeric options: key, how its value is read, where it goes in the config.
const OPTIONS: [(&str, ReadOption, SetOption); 4] = [
    ("pageSize", args::count, |c, n| {
        c.page_size = usize::try_from(n).unwrap_or(usize::MAX)
    }),
    ("defaultPollInterval", args::millis, |c, n| {
        c.default_poll_interval = n
    }),
    ("minTtl", args::millis, |c, n| c.min_ttl = n),
    ("maxTtl", args::millis, |c, n| c.max_ttl = Some(n)),
];

fn config_from(options: &JsValue) -> Result<StoreConfig, StoreError> {
    let mut config = StoreConfig::default();
    if is_absent(options) {
        return Ok(config);
    }
    object("options", options)?;
    only_known_keys("options", options, &OPTIONS.map(|(key, ..)| key))?;
    for (key, read, set) in OPTIONS {
        let name = format!("options.{key}");
        let value = field(&name, options, key)?;
        if is_absent(&value) {
            continue;
        }
        let n = value
            .as_f64()
            .ok_or_else(|| type_error(&name, describe(&value), "a number"))?;
        set(&mut config, read(&name, n)?);
    }
    config.validate()?;
    Ok(config)
}

/// Resolves to a copy of a cached Task object (or `null`), or rejects.
fn resolve_task(outcome: Result<JsValue, StoreError>) -> Promise {
    match outcome {
        Ok(task) if !task.is_null() => resolve_copy(&task),
        other => settle(other),
    }
}

/// A status argument, matched in JS (no copy of the string into wasm memory).
fn status_arg(value: &JsValue) -> Result<TaskStatus, StoreError> {
    let index = status_index(value);
    if index == -2.0 {
        return Err(type_error("status", describe(value), "a string"));
    }
    usize::try_from(index as i64)
        .ok()
        .and_then(|i| ALL_STATUSES.get(i).copied())
        .ok_or_else(|| {
            range_error(
                "status",
                describe(value),
                "must be one of 'working', 'input_required', 'completed', 'failed', 'cancelled'",
            )
        })
}

fn outcome_arg(value: &JsValue) -> Result<Outcome, StoreError> {
    match status_arg(value) {
        Ok(TaskStatus::Completed) => Ok(Outcome::Completed),
        Ok(TaskStatus::Failed) => Ok(Outcome::Failed),
        Err(err) if err.kind() == ErrorKind::WrongType => Err(err),
        _ => Err(range_error(
            "status",
            describe(value),
            "storeTaskResult takes 'completed' or 'failed'",
        )),
    }
}

fn create_params(params: &JsValue) -> Result<CreateParams, StoreError> {
    object("taskParams", params)?;
    let ttl = args::opt_millis("taskParams.ttl", &field("taskParams.ttl", params, "ttl")?)?;
    let poll = field("taskParams.pollInterval", params, "pollInterval")?;
    let poll_interval = args::opt_millis("taskParams.pollInterval", &poll)?;
    Ok(CreateParams { ttl, poll_interval })
}

fn request_id_arg(value: &JsValue) -> Result<(), StoreError> {
    let ok = value.is_string() || value.as_f64().is_some_and(f64::is_finite);
    if ok {
        Ok(())
    } else {
        Err(type_error(
            "requestId",
            describe(value),
            "a string or a finite number",
        ))
    }
}

#[wasm_bindgen]
impl InMemoryTaskStore {
    /// Makes an empty store. `options`: `pageSize` (default 10), `defaultPollInterval`
    /// (default 1000 ms), `minTtl` (default 1000 ms), `maxTtl` (default none).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TaskStoreOptions | undefined")] options: JsValue,
    ) -> Result<InMemoryTaskStore, JsValue> {
        let config = throw_on_err(config_from(&options))?;
        let mut store = throw_on_err(Store::new(config))?;
        store.record_events(true);
        let inner = Rc::new(RefCell::new(Inner::new(store)));
        // The callback belongs to the JS garbage collector (`into_js_value`), so a timer that
        // outlives the store (fake timers that never clear a real handle) still finds a
        // live function; it holds the store weakly and does nothing once the store is gone.
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&inner);
        let on_timer = Closure::<dyn FnMut()>::new(move || {
            let Some(state) = weak.upgrade() else { return };
            let _ = with_state(&state, |inner, t| {
                inner.timer.fired();
                inner.store.expire(t);
                Ok(())
            });
        })
        .into_js_value();
        if let Ok(mut state) = inner.try_borrow_mut() {
            state.set_timer_callback(Some(on_timer.unchecked_into()));
        }
        Ok(InMemoryTaskStore { inner })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Inner, u64) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        with_state(&self.inner, f)
    }

    /// Creates a task in `working` for a request; resolves to the new Task.
    #[wasm_bindgen(js_name = createTask, unchecked_return_type = "Promise<Task>")]
    pub fn create_task(
        &self,
        #[wasm_bindgen(js_name = taskParams, unchecked_param_type = "CreateTaskOptions")]
        task_params: JsValue,
        #[wasm_bindgen(js_name = requestId, unchecked_param_type = "RequestId")]
        request_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TaskRequest")] request: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let params = create_params(&task_params);
        let checked = request_id_arg(&request_id).and_then(|()| object("request", &request));
        resolve_task(self.with(|inner, t| {
            let params = params?;
            checked?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.next_id()?;
            let handle = inner
                .store
                .create(id, params, inner.sessions.name(session), t)?;
            inner.file_new(handle)?;
            inner.view(handle)
        }))
    }

    /// The task, or `null` if there is no such task for this session.
    #[wasm_bindgen(js_name = getTask, unchecked_return_type = "Promise<Task | null>")]
    pub fn get_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        resolve_task(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.task_ref(&key);
            match inner.store.get(id, inner.sessions.name(session), t)? {
                Some(handle) => inner.view(handle),
                None => Ok(JsValue::NULL),
            }
        }))
    }

    /// Stores the result of a non-terminal task and ends it as `completed` or `failed`.
    #[wasm_bindgen(js_name = storeTaskResult, unchecked_return_type = "Promise<void>")]
    pub fn store_task_result(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'completed' | 'failed'")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "JsonObject")] result: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let outcome = outcome_arg(&status);
        let copy = object_copy("result", &result, Freeze::Yes);
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let outcome = outcome?;
            let session = inner.sessions.resolve(&session_id)?;
            let copy = copy?;
            let id = inner.task_ref(&key);
            let session = inner.sessions.name(session);
            inner.store.store_result(id, outcome, copy, session, t)?;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// The stored result of a task (a frozen copy of what was stored).
    #[wasm_bindgen(js_name = getTaskResult, unchecked_return_type = "Promise<JsonObject>")]
    pub fn get_task_result(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.task_ref(&key);
            inner
                .store
                .result(id, inner.sessions.name(session), t)
                .cloned()
        }))
    }

    /// Moves a non-terminal task to `status`, with an optional message.
    #[wasm_bindgen(js_name = updateTaskStatus, unchecked_return_type = "Promise<void>")]
    pub fn update_task_status(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TaskStatus")] status: JsValue,
        #[wasm_bindgen(js_name = statusMessage, unchecked_param_type = "string | undefined")]
        status_message: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let status = status_arg(&status);
        let message = args::opt_exact_string("statusMessage", &status_message);
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let (status, message) = (status?, message?);
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.task_ref(&key);
            let session = inner.sessions.name(session);
            inner.store.update_status(id, status, message, session, t)?;
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// One page of this session's tasks in creation order: `{ tasks, nextCursor? }`.
    #[wasm_bindgen(
        js_name = listTasks,
        unchecked_return_type = "Promise<ListTasksPage>"
    )]
    pub fn list_tasks(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] cursor: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let cursor = args::opt_string("cursor", &cursor);
        let page = self.with(|inner, t| {
            let cursor = cursor?;
            let session = inner.sessions.resolve(&session_id)?;
            let session = inner.sessions.name(session);
            let page = inner.store.list(cursor.as_deref(), session, t)?;
            let tasks = Array::new_with_length(page.items.len() as u32);
            for (i, handle) in page.items.iter().enumerate() {
                tasks.set(i as u32, inner.view(*handle)?);
            }
            Ok((tasks, page.next_cursor))
        });
        match page {
            Ok((tasks, next)) => resolve_page(&tasks, next),
            Err(err) => settle(Err(err)),
        }
    }

    /// Clears the timer and removes every task (as the SDK store's `cleanup`).
    pub fn cleanup(&self) -> Result<(), JsValue> {
        throw_on_err(self.with(|inner, _| {
            inner.clear();
            Ok(())
        }))
    }

    /// Every live task in creation order, whatever its session (synchronous, as the SDK's).
    #[wasm_bindgen(js_name = getAllTasks, unchecked_return_type = "Task[]")]
    pub fn get_all_tasks(&self) -> Result<Array, JsValue> {
        throw_on_err(self.with(|inner, t| {
            let handles = inner.store.all(t);
            let out = Array::new_with_length(handles.len() as u32);
            for (i, handle) in handles.into_iter().enumerate() {
                out.set(
                    i as u32,
                    super::task_view::shallow_copy(&inner.view(handle)?),
                );
            }
            Ok(out)
        }))
    }

    /// How many tasks the store holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<u32, JsValue> {
        throw_on_err(self.with(|inner, t| {
            inner.store.expire(t);
            Ok(inner.store.len() as u32)
        }))
    }

    /// The message queue linked to this store: a task's queue is dropped when the task
    /// expires or the store is cleaned up (and, as with any queue, once drained). Every call
    /// returns a view of the same queues.
    #[wasm_bindgen(js_name = messageQueue)]
    pub fn message_queue(&self) -> InMemoryTaskMessageQueue {
        InMemoryTaskMessageQueue::linked(self.inner.clone())
    }

    /// Whether a cleanup timer is pending (there is never more than one).
    #[wasm_bindgen(getter, js_name = hasPendingTimer)]
    pub fn has_pending_timer(&self) -> bool {
        self.inner
            .try_borrow()
            .map(|i| i.timer.is_pending())
            .unwrap_or(false)
    }
}

impl Drop for InMemoryTaskStore {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.inner.try_borrow_mut() {
            inner.timer.cancel();
            inner.set_timer_callback(None);
        }
    }
}
