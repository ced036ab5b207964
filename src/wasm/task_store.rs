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
use super::error::{internal, range_error, settle, throw_on_err, to_js_error, type_error};
use super::events::{
    abort_reason, deliver, end_watch, make_watch, on_abort, set_watch_off, signal_state,
    unsubscriber, Target, Until, Waiter,
};
use super::json::{owned_copy, sized_object_copy};
use super::queue::InMemoryTaskMessageQueue;
use super::state::{with_state, Inner, Store};
use super::task_view::resolve_page;
use crate::core::{
    CreateParams, ErrorKind, Handle, Outcome, StoreConfig, StoreError, TaskId, TaskStatus,
    ALL_STATUSES,
};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// The object `stats()` returns.
    #[wasm_bindgen(js_name = makeStats)]
    fn make_stats(
        tasks: u32,
        working: u32,
        input_required: u32,
        completed: u32,
        failed: u32,
        cancelled: u32,
        sessions: u32,
        pending_timers: u32,
        waiters: u32,
        listeners: u32,
    ) -> JsValue;
}

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

/// A limit: a count, or `Infinity` for none (2^53 - 1, which no store reaches, so the
/// setting stays a JS number in a snapshot).
fn limit(name: &str, n: f64) -> Result<u64, StoreError> {
    if n == f64::INFINITY {
        Ok(crate::core::params::MAX_REQUESTED_MILLIS)
    } else {
        args::count(name, n)
    }
}

/// The numeric options: key, how its value is read, where it goes in the config.
const OPTIONS: [(&str, ReadOption, SetOption); 8] = [
    ("pageSize", args::count, |c, n| {
        c.page_size = usize::try_from(n).unwrap_or(usize::MAX)
    }),
    ("defaultPollInterval", args::millis, |c, n| {
        c.default_poll_interval = n
    }),
    ("minTtl", args::millis, |c, n| c.min_ttl = n),
    ("maxTtl", args::millis, |c, n| c.max_ttl = Some(n)),
    ("maxTasks", limit, |c, n| c.max_tasks = n),
    ("maxTasksPerSession", limit, |c, n| {
        c.max_tasks_per_session = n
    }),
    ("maxResultBytes", limit, |c, n| c.max_result_bytes = n),
    ("maxQueueSize", limit, |c, n| c.max_queue_size = n),
];

/// The options that are not numbers.
const ON_LISTENER_ERROR: &str = "onListenerError";

/// The store's settings and its `onListenerError` function (`undefined` if not given).
pub(super) fn config_from(options: &JsValue) -> Result<(StoreConfig, JsValue), StoreError> {
    let mut config = StoreConfig::default();
    if is_absent(options) {
        return Ok((config, JsValue::UNDEFINED));
    }
    object("options", options)?;
    let mut known = OPTIONS.map(|(key, ..)| key).to_vec();
    known.push(ON_LISTENER_ERROR);
    only_known_keys("options", options, &known)?;
    let name = format!("options.{ON_LISTENER_ERROR}");
    let on_error = field(&name, options, ON_LISTENER_ERROR)?;
    let on_error = if is_absent(&on_error) {
        JsValue::UNDEFINED
    } else if on_error.is_function() {
        on_error
    } else {
        return Err(type_error(&name, describe(&on_error), "a function"));
    };
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
    Ok((config, on_error))
}

/// Reads an options object (absent = all defaults) with only `known` keys; `name` names it.
fn options<const N: usize>(
    name: &str,
    value: &JsValue,
    known: [&str; N],
) -> Result<[JsValue; N], StoreError> {
    let mut out = [(); N].map(|()| JsValue::UNDEFINED);
    if is_absent(value) {
        return Ok(out);
    }
    object(name, value)?;
    only_known_keys(name, value, &known)?;
    for (slot, key) in out.iter_mut().zip(known) {
        *slot = field(&format!("{name}.{key}"), value, key)?;
    }
    Ok(out)
}

/// An optional `signal` option: `undefined`, or an AbortSignal.
fn signal_arg(name: &str, value: JsValue) -> Result<JsValue, StoreError> {
    if is_absent(&value) {
        Ok(JsValue::UNDEFINED)
    } else if signal_state(&value) >= 0 {
        Ok(value)
    } else {
        Err(type_error(name, describe(&value), "an AbortSignal"))
    }
}

/// Unread events a `watch` keeps by default, and at most.
const WATCH_BUFFER: (u64, u64) = (1_000, 1_000_000);

/// The options of `watch`, checked: `sessionId`, `taskId` (as given), `signal` and the
/// buffer size.
pub(super) fn watch_options(
    options: &JsValue,
) -> Result<(JsValue, JsValue, JsValue, u64), StoreError> {
    let [session, task_id, signal, size] = self::options(
        "options",
        options,
        ["sessionId", "taskId", "signal", "bufferSize"],
    )?;
    let signal = signal_arg("options.signal", signal)?;
    let size = if is_absent(&size) {
        WATCH_BUFFER.0
    } else {
        let n = size
            .as_f64()
            .ok_or_else(|| type_error("options.bufferSize", describe(&size), "a number"))?;
        let n = args::count("options.bufferSize", n)?;
        if n == 0 || n > WATCH_BUFFER.1 {
            return Err(range_error(
                "options.bufferSize",
                describe(&size),
                "must be from 1 to 1000000",
            ));
        }
        n
    };
    Ok((session, task_id, signal, size))
}

/// The options of `waitForUpdate` / `waitForTerminal`, checked: `sessionId` (as given),
/// `signal`, `timeout`.
pub(super) fn wait_options(
    options: &JsValue,
) -> Result<(JsValue, JsValue, Option<u64>), StoreError> {
    let [session, signal, timeout] =
        self::options("options", options, ["sessionId", "signal", "timeout"])?;
    let signal = signal_arg("options.signal", signal)?;
    let timeout = args::opt_millis("options.timeout", &timeout)?;
    Ok((session, signal, timeout))
}

/// "Not found" for a task id argument the store does not show the caller.
fn not_found(task_id: &JsValue) -> StoreError {
    StoreError::not_found(&task_id.as_string().unwrap_or_default())
}

/// Settles the Promise made by a wait that ended at once.
enum Waited {
    Resolved(JsValue),
    Rejected(JsValue),
    /// Filed under this key; its signal (or `undefined`) and the store's control function.
    Pending(u64, JsValue, js_sys::Function),
}

/// A status argument, matched in JS (no copy of the string into wasm memory).
pub(super) fn status_arg(value: &JsValue) -> Result<TaskStatus, StoreError> {
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

/// The id of the task behind `handle`, and whether its status is terminal.
fn task_state(inner: &Inner, handle: Handle) -> Result<(TaskId, bool), StoreError> {
    let stored = inner
        .store
        .stored(handle)
        .ok_or_else(|| internal("handle of a removed task"))?;
    Ok((stored.task().task_id, stored.task().status.is_terminal()))
}

pub(super) fn outcome_arg(value: &JsValue) -> Result<Outcome, StoreError> {
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

pub(super) fn create_params(params: &JsValue) -> Result<CreateParams, StoreError> {
    object("taskParams", params)?;
    let ttl = field("taskParams.ttl", params, "ttl")?;
    let ttl = args::opt_requested_millis("taskParams.ttl", &ttl)?;
    let poll = field("taskParams.pollInterval", params, "pollInterval")?;
    let poll_interval = args::opt_requested_millis("taskParams.pollInterval", &poll)?;
    Ok(CreateParams { ttl, poll_interval })
}

pub(super) fn request_id_arg(value: &JsValue) -> Result<(), StoreError> {
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
    /// (default 1000 ms), `minTtl` (default 1 ms), `maxTtl` (default none).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TaskStoreOptions | undefined")] options: JsValue,
    ) -> Result<InMemoryTaskStore, JsValue> {
        let (config, on_error) = throw_on_err(config_from(&options))?;
        let store = throw_on_err(Store::new(config))?;
        Ok(InMemoryTaskStore::around(store, on_error))
    }
}

impl InMemoryTaskStore {
    /// The JS object over a core store (a new one, or one restored from a snapshot): its
    /// caches filled for every task it holds, its timer armed.
    pub(super) fn around(mut store: Store, on_error: JsValue) -> InMemoryTaskStore {
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
                inner.hub.time_out(t);
                Ok(())
            });
        })
        .into_js_value();
        // One function per store for what JS hands back later: 0 = unsubscribe listener
        // `key`, 1 = wait `key`'s signal aborted with `reason`. Held weakly, as the timer's.
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&inner);
        let control = Closure::<dyn FnMut(f64, f64, JsValue)>::new(
            move |op: f64, key: f64, reason: JsValue| {
                let Some(state) = weak.upgrade() else { return };
                let key = key as u64;
                let _ = with_state(&state, |inner, _| {
                    if op == 0.0 {
                        inner.hub.unlisten(key);
                    } else {
                        inner.hub.abort(key, reason);
                    }
                    Ok(())
                });
            },
        )
        .into_js_value();
        if let Ok(mut state) = inner.try_borrow_mut() {
            state.set_callbacks(
                Some(on_timer.unchecked_into()),
                Some(control.unchecked_into()),
            );
            state.hub.on_error = on_error;
        }
        let _ = with_state(&inner, |inner, t| inner.file_all(t));
        InMemoryTaskStore { inner }
    }

    /// The shared state (for the snapshot methods).
    pub(super) fn state(&self) -> &Rc<RefCell<Inner>> {
        &self.inner
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Inner, u64) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        with_state(&self.inner, f)
    }
}

#[wasm_bindgen]
impl InMemoryTaskStore {
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
        settle(self.with(|inner, t| {
            let params = params?;
            checked?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.next_id()?;
            let handle = inner
                .store
                .create(id, params, inner.sessions.name(session), t)?;
            let owner = if session.is_some() {
                session_id.clone()
            } else {
                JsValue::UNDEFINED
            };
            inner.file_new(handle, &owner)?;
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
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.task_ref(&key);
            match inner.store.get(id, inner.sessions.name(session), t)? {
                Some(handle) => inner.view(handle),
                None => Ok(JsValue::NULL),
            }
        }))
    }

    /// Stores the result of a non-terminal task and ends it as `completed` or `failed`; with
    /// `statusMessage`, sets that too, in the same change.
    #[wasm_bindgen(js_name = storeTaskResult, unchecked_return_type = "Promise<void>")]
    pub fn store_task_result(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'completed' | 'failed'")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "JsonObject")] result: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
        #[wasm_bindgen(js_name = statusMessage, unchecked_param_type = "string | undefined")]
        status_message: JsValue,
    ) -> Promise {
        let outcome = outcome_arg(&status);
        let message = args::opt_exact_string("statusMessage", &status_message);
        let copy = sized_object_copy("result", &result);
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let outcome = outcome?;
            let session = inner.sessions.resolve(&session_id)?;
            let (copy, bytes) = copy?;
            let message = message?;
            inner.store.config().check_result_bytes(bytes)?;
            let id = inner.task_ref(&key);
            let session = inner.sessions.name(session);
            let text = message.clone();
            let handle = inner
                .store
                .store_result_with_message(id, outcome, copy, message, session, t)?;
            inner.publish_result(handle);
            inner.publish_change(handle, &status_message, text.as_deref());
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// The stored result of a task: a copy the caller owns of what was stored.
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
                .map(owned_copy)
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
            let text = message.clone();
            let handle = inner.store.update_status(id, status, message, session, t)?;
            inner.publish_change(handle, &status_message, text.as_deref());
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

    /// Calls `listener` with every change of a task (with `options.sessionId`: of a task
    /// that session may see), after the change and before the call that made it returns.
    /// Returns the function that unsubscribes it.
    #[wasm_bindgen(js_name = onStatusChange, unchecked_return_type = "() => void")]
    pub fn on_status_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: TaskEvent) => void")] listener: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StatusChangeOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let listener = match listener.dyn_into::<js_sys::Function>() {
            Ok(f) => Ok(f),
            Err(other) => Err(type_error("listener", describe(&other), "a function")),
        };
        let opts = self::options("options", &options, ["sessionId"]);
        let (key, control) = throw_on_err(self.with(|inner, _| {
            let listener = listener?;
            let [session] = opts?;
            let session = inner.sessions.resolve(&session)?;
            let session = inner.sessions.name(session).map(str::to_owned);
            let control = inner
                .control
                .clone()
                .ok_or_else(|| internal("no control"))?;
            Ok((
                inner.hub.listen(Target::Callback(listener), session, None),
                control,
            ))
        }))?;
        Ok(unsubscriber(&control, key as f64))
    }

    /// The same events as an async iterator; ends on `return()`, when `options.signal`
    /// aborts, or (with `options.taskId`) after that task's terminal or removal event.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterableIterator<TaskEvent>")]
    pub fn watch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WatchOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (session, task_id, signal, size) = throw_on_err(watch_options(&options))?;
        let iterator = make_watch(size as f64, &signal);
        let aborted = signal_state(&signal) == 1;
        let subscribed = self.with(|inner, t| {
            let session = inner.sessions.resolve(&session)?;
            let task = if is_absent(&task_id) {
                None
            } else {
                let key = inner.key(&task_id)?;
                let id = inner.task_ref(&key);
                let handle = inner
                    .store
                    .get(id, inner.sessions.name(session), t)?
                    .ok_or_else(|| not_found(&task_id))?;
                let (id, terminal) = task_state(inner, handle)?;
                if terminal {
                    return Ok(None);
                }
                Some(id)
            };
            if aborted {
                return Ok(None);
            }
            let name = inner.sessions.name(session).map(str::to_owned);
            let control = inner
                .control
                .clone()
                .ok_or_else(|| internal("no control"))?;
            let key = inner
                .hub
                .listen(Target::Watch(iterator.clone()), name, task);
            Ok(Some((key, control)))
        });
        let subscribed = match subscribed {
            Ok(subscribed) => subscribed,
            Err(err) => {
                // Lets go of the signal the iterator listens to.
                end_watch(&iterator);
                return Err(to_js_error(&err));
            }
        };
        match subscribed {
            Some((key, control)) => set_watch_off(&iterator, &unsubscriber(&control, key as f64)),
            None => end_watch(&iterator),
        }
        Ok(iterator)
    }

    /// Resolves with the task at its next change after the call.
    #[wasm_bindgen(js_name = waitForUpdate, unchecked_return_type = "Promise<Task>")]
    pub fn wait_for_update(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WaitOptions | undefined")] options: JsValue,
    ) -> Promise {
        self.wait(task_id, options, Until::Update)
    }

    /// Resolves with the task once it is terminal (at once if it already is).
    #[wasm_bindgen(js_name = waitForTerminal, unchecked_return_type = "Promise<Task>")]
    pub fn wait_for_terminal(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WaitOptions | undefined")] options: JsValue,
    ) -> Promise {
        self.wait(task_id, options, Until::Terminal)
    }

    fn wait(&self, task_id: JsValue, options: JsValue, until: Until) -> Promise {
        let opts = wait_options(&options);
        let mut functions = None;
        let promise = Promise::new(&mut |resolve, reject| functions = Some((resolve, reject)));
        let Some((resolve, reject)) = functions else {
            return Promise::reject(&to_js_error(&internal("a Promise without its functions")));
        };
        // The signal is read (user code, for a signal-like object) before the store is
        // borrowed, and its listener added after.
        let opts = opts.map(|(session, signal, timeout)| {
            let aborted = signal_state(&signal) == 1;
            (session, signal, timeout, aborted)
        });
        let waited = self.with(|inner, t| {
            let (session, signal, timeout, aborted) = opts?;
            let key = inner.key(&task_id)?;
            let session = inner.sessions.resolve(&session)?;
            let id = inner.task_ref(&key);
            let handle = inner
                .store
                .get(id, inner.sessions.name(session), t)?
                .ok_or_else(|| not_found(&task_id))?;
            let (task, terminal) = task_state(inner, handle)?;
            if until == Until::Terminal && terminal {
                return Ok(Waited::Resolved(inner.view(handle)?));
            }
            if aborted {
                return Ok(Waited::Rejected(abort_reason(&signal)));
            }
            let control = inner
                .control
                .clone()
                .ok_or_else(|| internal("no control"))?;
            let key = inner.hub.wait(Waiter {
                task,
                until,
                resolve: resolve.clone(),
                reject: reject.clone(),
                deadline: timeout.map(|ms| t.saturating_add(ms)),
                off: JsValue::UNDEFINED,
                timeout: timeout.unwrap_or(0),
            });
            Ok(Waited::Pending(key, signal, control))
        });
        let _ = match waited {
            Ok(Waited::Resolved(task)) => resolve.call1(&JsValue::UNDEFINED, &task),
            Ok(Waited::Rejected(reason)) => reject.call1(&JsValue::UNDEFINED, &reason),
            Ok(Waited::Pending(key, signal, control)) => {
                if !signal.is_undefined() {
                    let off = on_abort(&signal, &control, key as f64);
                    // User code may have run since the signal was read (a listener of this
                    // very call): an abort that came before the listener was added still ends
                    // the wait.
                    let aborted = signal_state(&signal) == 1;
                    // Kept until the wait settles; removed at once if it already has.
                    let _ = self.with(|inner, _| {
                        inner.hub.set_off(key, off);
                        if aborted {
                            inner.hub.abort(key, abort_reason(&signal));
                        }
                        Ok(())
                    });
                }
                Ok(JsValue::UNDEFINED)
            }
            Err(err) => reject.call1(&JsValue::UNDEFINED, &to_js_error(&err)),
        };
        promise
    }

    /// Removes a task with its result and queued messages, whatever its status; resolves to
    /// `false` if the caller sees no such task.
    #[wasm_bindgen(js_name = deleteTask, unchecked_return_type = "Promise<boolean>")]
    pub fn delete_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.task_ref(&key);
            match inner.store.delete(id, inner.sessions.name(session), t) {
                Ok(_) => Ok(JsValue::TRUE),
                Err(StoreError::NotFound { .. }) => Ok(JsValue::FALSE),
                Err(err) => Err(err),
            }
        }))
    }

    /// `tasks/cancel`: rejects if the task is not found or already terminal, else resolves
    /// with it `cancelled`.
    #[wasm_bindgen(js_name = cancelTask, unchecked_return_type = "Promise<Task>")]
    pub fn cancel_task(
        &self,
        #[wasm_bindgen(js_name = taskId, unchecked_param_type = "string")] task_id: JsValue,
        #[wasm_bindgen(js_name = sessionId, unchecked_param_type = "string | undefined")]
        session_id: JsValue,
    ) -> Promise {
        settle(self.with(|inner, t| {
            let key = inner.key(&task_id)?;
            let session = inner.sessions.resolve(&session_id)?;
            let id = inner.task_ref(&key);
            let handle = inner
                .store
                .cancel(id, None, inner.sessions.name(session), t)?;
            inner.view(handle)
        }))
    }

    /// The object the package's JS fast path of `getTask` / `getTaskResult` reads (internal;
    /// see `pkg-template/guard.mjs`).
    #[wasm_bindgen(js_name = __fastReads, skip_typescript)]
    pub fn fast_reads(&self) -> Result<JsValue, JsValue> {
        throw_on_err(self.with(|inner, _| Ok(inner.fast())))
    }

    /// The Task object of the task in `slot`, built for its current version and published
    /// in its index entry (`undefined` for an empty slot or a store in use). Internal: the
    /// fast path calls it for a task whose entry it found and may answer for (see
    /// `pkg-template/guard.mjs`); it shows server code nothing `getAllTasks()` does not.
    #[wasm_bindgen(js_name = __view, skip_typescript)]
    pub fn view_at(&self, slot: u32) -> JsValue {
        let Ok(mut inner) = self.inner.try_borrow_mut() else {
            return JsValue::UNDEFINED;
        };
        match inner.store.handle_at(slot) {
            Some(handle) => inner.view(handle).unwrap_or(JsValue::UNDEFINED),
            None => JsValue::UNDEFINED,
        }
    }

    /// Counts of what the store holds.
    #[wasm_bindgen(unchecked_return_type = "TaskStoreStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        throw_on_err(self.with(|inner, t| {
            let mut by_status = [0u32; 5];
            let mut owners = std::collections::HashSet::new();
            let handles = inner.store.all(t);
            for handle in &handles {
                let Some(stored) = inner.store.stored(*handle) else {
                    continue;
                };
                if let Some(n) = by_status.get_mut(stored.task().status as usize) {
                    *n += 1;
                }
                if let Some(owner) = &stored.record().owner {
                    owners.insert(owner.clone());
                }
            }
            let [w, i, c, f, x] = by_status;
            Ok(make_stats(
                handles.len() as u32,
                w,
                i,
                c,
                f,
                x,
                owners.len() as u32,
                u32::from(inner.timer.is_pending()),
                inner.hub.waiter_count() as u32,
                inner.hub.listener_count() as u32,
            ))
        }))
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
                out.set(i as u32, inner.view(handle)?);
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
        let watches = match self.inner.try_borrow_mut() {
            Ok(mut inner) => {
                inner.timer.cancel();
                inner.set_callbacks(None, None);
                inner.hub.close()
            }
            Err(_) => Vec::new(),
        };
        // Pending waits reject and watches end, now that the state is released.
        deliver(&self.inner);
        for watch in watches {
            end_watch(&watch);
        }
    }
}
