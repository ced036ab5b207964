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

use js_sys::{Array, Function, Map, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{self, describe, field, is_absent, object, only_known_keys};
use super::error::{settle, throw_on_err};
use super::json::{object_copy, Freeze};
use super::queue::InMemoryTaskMessageQueue;
use super::task_view::{iso_time, resolve_copy, resolve_page, task_object};
use super::timer::{now, Timer};
use crate::core::params;
use crate::core::{
    CreateParams, ErrorClass, Handle, IdSource, MessageQueues, Outcome, StoreConfig, StoreError,
    TaskRef, TaskStatus, TaskStore, ALL_STATUSES,
};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// The place of a status name in `ALL_STATUSES`: -1 for another string, -2 for a
    /// non-string.
    #[wasm_bindgen(js_name = statusIndex)]
    fn status_index(value: &JsValue) -> f64;
    /// `map.get(key)` as a number, -1 if absent: no `JsValue` to inspect afterwards, which
    /// would cost more than the lookup itself.
    #[wasm_bindgen(js_name = numberAt)]
    fn number_at_or_minus_one(map: &Map, key: &JsValue) -> f64;
}

/// The number `map` holds for `key`, if any (our maps hold only non-negative numbers).
fn number_at(map: &Map, key: &JsValue) -> Option<f64> {
    let n = number_at_or_minus_one(map, key);
    (n >= 0.0).then_some(n)
}

/// Results and cached Task objects stay JS values.
type Store = TaskStore<JsValue, JsValue>;

/// The state behind one JS store object (and the message queue linked to it, if any).
pub(super) struct Inner {
    store: Store,
    ids: IdSource,
    /// Task id string → slot, exactly the live tasks (kept in step with the core's
    /// removal log after every call).
    index: Map,
    /// Slot → the strings of a task that never change, made once per task.
    slot_strings: Vec<TaskStrings>,
    sessions: SessionCache,
    timer: Timer,
    on_timer: Option<Function>,
    queues: Option<MessageQueues<JsValue>>,
}

/// A task's id and `createdAt` as JS strings.
#[derive(Clone)]
struct TaskStrings {
    id: JsValue,
    created_at: JsValue,
}

/// Session ids seen recently, so a session string is copied into wasm memory once rather
/// than on every call. A JS `Map` from the string to its place in `names`.
#[derive(Default)]
struct SessionCache {
    index: Map,
    names: Vec<String>,
}

impl SessionCache {
    /// Past this many distinct sessions the cache starts over.
    const MAX: usize = 1024;

    /// Reads a `sessionId` argument: `None` for absent, else its place in the cache.
    fn resolve(&mut self, value: &JsValue) -> Result<Option<usize>, StoreError> {
        if args::is_absent(value) {
            return Ok(None);
        }
        if let Some(i) = number_at(&self.index, value) {
            return Ok(Some(i as usize));
        }
        let name = args::string("sessionId", value)?;
        params::session(Some(&name))?;
        if self.names.len() >= Self::MAX {
            self.names.clear();
            self.index.clear();
        }
        self.index
            .set(value, &JsValue::from(self.names.len() as f64));
        self.names.push(name);
        Ok(Some(self.names.len() - 1))
    }

    /// The session name at a place from [`SessionCache::resolve`].
    fn name(&self, place: Option<usize>) -> Option<&str> {
        place.and_then(|i| self.names.get(i)).map(String::as_str)
    }
}

/// A task id as the caller gave it: found in the index, or text to hand to the core (which
/// then answers "not found" or rejects it).
enum Key {
    Slot(u32),
    Text(String),
}

impl Inner {
    /// After every call: forget removed tasks (index, linked queues), and make sure the
    /// timer fires by the earliest deadline.
    fn settle_up(&mut self, now: u64) {
        for id in self.store.drain_removed() {
            let text = id.to_string();
            self.index.delete(&JsValue::from_str(&text));
            if let Some(queues) = self.queues.as_mut() {
                queues.remove_task(&text);
            }
        }
        if let Some(callback) = &self.on_timer {
            self.timer.arm(self.store.next_deadline(), now, callback);
        }
    }

    /// The linked message queues if the store shows `session` the live task `task_id`
    /// (made on first use); `None` otherwise.
    pub(super) fn visible_queues(
        &mut self,
        task_id: &str,
        session: Option<&str>,
        now: u64,
    ) -> Result<Option<&mut MessageQueues<JsValue>>, StoreError> {
        let visible = self.store.get(task_id, session, now)?.is_some();
        self.settle_up(now);
        Ok(visible.then(|| self.queues.get_or_insert_with(MessageQueues::default)))
    }

    /// Tasks with messages waiting in the linked queues (expired tasks' queues dropped).
    pub(super) fn queue_count(&mut self, now: u64) -> usize {
        self.store.expire(now);
        self.settle_up(now);
        self.queues.as_ref().map_or(0, MessageQueues::task_count)
    }

    /// Looks a task id up in the index (no copy of the string into wasm memory).
    fn key(&self, task_id: &JsValue) -> Result<Key, StoreError> {
        match number_at(&self.index, task_id) {
            Some(slot) => Ok(Key::Slot(slot as u32)),
            None => args::string("taskId", task_id).map(Key::Text),
        }
    }

    /// The cached JS Task object of `handle`, built if the task changed since last time.
    fn view(&mut self, handle: Handle) -> Result<JsValue, StoreError> {
        let stored = self
            .store
            .stored_mut(handle)
            .ok_or_else(|| StoreError::Internal {
                message: "handle of a removed task".into(),
            })?;
        if let Some(view) = stored.view_mut() {
            return Ok(view.clone());
        }
        let strings = match self.slot_strings.get(handle.slot() as usize) {
            Some(known) if !known.id.is_undefined() => known.clone(),
            _ => TaskStrings {
                id: JsValue::from_str(&stored.task().task_id.to_string()),
                created_at: iso_time(stored.task().created_at as f64),
            },
        };
        let built = task_object(stored.task(), &strings.id, &strings.created_at);
        *stored.view_mut() = Some(built.clone());
        Ok(built)
    }

    /// The task named by `key`, as the core takes it.
    fn task_ref<'k>(&self, key: &'k Key) -> TaskRef<'k> {
        match key {
            // The index holds live tasks only, so the slot has a task.
            Key::Slot(slot) => self
                .store
                .handle_at(*slot)
                .map_or(TaskRef::Id(""), TaskRef::Handle),
            Key::Text(text) => TaskRef::Id(text),
        }
    }
}

/// A task store for `@modelcontextprotocol/sdk`, kept in WebAssembly memory.
#[wasm_bindgen]
pub struct InMemoryTaskStore {
    inner: Rc<RefCell<Inner>>,
}

const OPTIONS: [&str; 4] = ["pageSize", "defaultPollInterval", "minTtl", "maxTtl"];

fn config_from(options: &JsValue) -> Result<StoreConfig, StoreError> {
    let mut config = StoreConfig::default();
    if is_absent(options) {
        return Ok(config);
    }
    object("options", options)?;
    only_known_keys("options", options, &OPTIONS)?;
    let read = |key: &str| {
        let name = format!("options.{key}");
        let value = field(&name, options, key)?;
        if is_absent(&value) {
            return Ok(None);
        }
        let n = value
            .as_f64()
            .ok_or_else(|| StoreError::type_error(name.as_str(), describe(&value), "a number"))?;
        let whole = if key == "pageSize" {
            params::count
        } else {
            params::millis
        };
        whole(&name, n).map(Some)
    };
    if let Some(n) = read("pageSize")? {
        config.page_size = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if let Some(n) = read("defaultPollInterval")? {
        config.default_poll_interval = n;
    }
    if let Some(n) = read("minTtl")? {
        config.min_ttl = n;
    }
    config.max_ttl = read("maxTtl")?;
    config.validate().map_err(|err| match err {
        StoreError::InvalidParam {
            name,
            value,
            rule,
            class,
        } => StoreError::InvalidParam {
            name: format!("options.{name}"),
            value,
            rule,
            class,
        },
        other => other,
    })?;
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
        return Err(StoreError::type_error(
            "status",
            describe(value),
            "a string",
        ));
    }
    usize::try_from(index as i64)
        .ok()
        .and_then(|i| ALL_STATUSES.get(i).copied())
        .ok_or_else(|| {
            StoreError::range_error(
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
        Err(
            err @ StoreError::InvalidParam {
                class: ErrorClass::TypeError,
                ..
            },
        ) => Err(err),
        _ => Err(StoreError::range_error(
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
        Err(StoreError::type_error(
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
        #[wasm_bindgen(unchecked_param_type = "TaskStoreOptions")] options: JsValue,
    ) -> Result<InMemoryTaskStore, JsValue> {
        let config = throw_on_err(config_from(&options))?;
        let mut store = throw_on_err(Store::new(config))?;
        store.record_removals(true);
        let inner = Rc::new(RefCell::new(Inner {
            store,
            ids: IdSource::default(),
            index: Map::new(),
            slot_strings: Vec::new(),
            sessions: SessionCache::default(),
            timer: Timer::default(),
            on_timer: None,
            queues: None,
        }));
        // The callback belongs to the JS garbage collector (`into_js_value`), so a timer that
        // outlives the store (fake timers that never clear a real handle) still finds a
        // live function; it holds the store weakly and does nothing once the store is gone.
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&inner);
        let on_timer = Closure::<dyn FnMut()>::new(move || {
            let Some(inner) = weak.upgrade() else { return };
            let Ok(mut inner) = inner.try_borrow_mut() else {
                return;
            };
            let t = now();
            inner.timer.fired();
            inner.store.expire(t);
            inner.settle_up(t);
        })
        .into_js_value();
        if let Ok(mut state) = inner.try_borrow_mut() {
            state.on_timer = Some(on_timer.unchecked_into());
        }
        Ok(InMemoryTaskStore { inner })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Inner, u64) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut inner = self
            .inner
            .try_borrow_mut()
            .map_err(|_| StoreError::Internal {
                message: "the store was called from inside one of its own calls".into(),
            })?;
        let t = now();
        let out = f(&mut inner, t);
        inner.settle_up(t);
        out
    }

    /// Creates a task in `working` for a request; resolves to the new Task.
    #[wasm_bindgen(js_name = createTask, unchecked_return_type = "Promise<Task>")]
    pub fn create_task(
        &self,
        #[wasm_bindgen(js_name = taskParams, unchecked_param_type = "CreateTaskOptions")]
        task_params: JsValue,
        #[wasm_bindgen(js_name = requestId, unchecked_param_type = "RequestId")]
        request_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        let params = create_params(&task_params);
        let checked = request_id_arg(&request_id).and_then(|()| object("request", &request));
        resolve_task(self.with(|inner, t| {
            let params = params?;
            checked?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.ids.next_id().map_err(|e| StoreError::Internal {
                message: format!("no random bytes for a task id: {e}"),
            })?;
            let handle = inner
                .store
                .create(id, params, inner.sessions.name(session), t)?;
            let strings = TaskStrings {
                id: JsValue::from_str(&id.to_string()),
                created_at: iso_time(t as f64),
            };
            inner.index.set(&strings.id, &JsValue::from(handle.slot()));
            let slot = handle.slot() as usize;
            if inner.slot_strings.len() <= slot {
                let blank = TaskStrings {
                    id: JsValue::UNDEFINED,
                    created_at: JsValue::UNDEFINED,
                };
                inner.slot_strings.resize(slot + 1, blank);
            }
            if let Some(place) = inner.slot_strings.get_mut(slot) {
                *place = strings;
            }
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
        #[wasm_bindgen(unchecked_param_type = "Result")] result: JsValue,
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
    #[wasm_bindgen(js_name = getTaskResult, unchecked_return_type = "Promise<Result>")]
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
        let message = args::opt_string("statusMessage", &status_message);
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
        unchecked_return_type = "Promise<{ tasks: Task[]; nextCursor?: string }>"
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
            inner.store.clear();
            inner.store.drain_removed();
            inner.index.clear();
            inner.slot_strings.clear();
            inner.sessions = SessionCache::default();
            if let Some(queues) = inner.queues.as_mut() {
                queues.clear();
            }
            inner.timer.cancel();
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
            inner.on_timer = None;
        }
    }
}
