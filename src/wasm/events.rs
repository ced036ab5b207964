//! Status events and waits of one store: `onStatusChange` listeners, `watch` iterators and
//! pending `waitForUpdate` / `waitForTerminal` calls, fed from the core's change log after
//! every call.
//!
//! Nothing here decides a rule: which events a session may see is the core's
//! [`visible_to`], whether a status is terminal is the core's. What the hub adds is
//! bookkeeping and the order of delivery: after a call has changed the store, the calls
//! into user code it causes (listeners, Promise settlements) are queued in the outbox and
//! made only once the store is released ([`super::state::with_state`]), one at a time, in
//! order; events caused by a listener's own store calls are queued behind them.

use std::collections::{BTreeMap, HashMap, VecDeque};

use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::core::{visible_to, ChangeKind, Millis, RemovalReason, TaskId};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// A frozen event object: `kind` 0 created, 1 status, 2 result, 3 removed; `reason`
    /// 0 expired, 1 deleted, 2 cleared (read only for removed).
    #[wasm_bindgen(js_name = makeEvent)]
    fn make_event(kind: u8, task: &JsValue, reason: u8) -> JsValue;
    /// Calls a listener; what it throws or rejects with goes to `on_error` (or
    /// `console.error`). Never throws.
    #[wasm_bindgen(js_name = callListener)]
    fn call_listener(listener: &Function, event: &JsValue, on_error: &JsValue);
    /// Hands an event to a `watch` iterator (`last`: the iterator ends after it).
    #[wasm_bindgen(js_name = pushWatch)]
    pub fn push_watch(watch: &JsValue, event: &JsValue, last: bool);
    /// Ends a `watch` iterator (it yields what it holds, then is done).
    #[wasm_bindgen(js_name = endWatch)]
    pub fn end_watch(watch: &JsValue);
    /// A `watch` iterator holding at most `size` unread events, ended when `signal` aborts.
    #[wasm_bindgen(js_name = makeWatch)]
    pub fn make_watch(size: f64, signal: &JsValue) -> JsValue;
    /// Gives a `watch` iterator the function that unsubscribes it.
    #[wasm_bindgen(js_name = setWatchOff)]
    pub fn set_watch_off(watch: &JsValue, off: &JsValue);
    /// The unsubscribe function of listener `key` (calls `control(0, key)` once).
    pub fn unsubscriber(control: &Function, key: f64) -> JsValue;
    /// Listens for `signal`'s abort (calls `control(1, key, reason)`); returns the remover.
    #[wasm_bindgen(js_name = onAbort)]
    pub fn on_abort(signal: &JsValue, control: &Function, key: f64) -> JsValue;
    /// -1: not an AbortSignal, 0: not aborted, 1: aborted.
    #[wasm_bindgen(js_name = signalState)]
    pub fn signal_state(value: &JsValue) -> i32;
    /// `signal.reason`.
    #[wasm_bindgen(js_name = abortReason)]
    pub fn abort_reason(signal: &JsValue) -> JsValue;
    /// Calls `settle(value)`, then `off()` if it is a function. Never throws.
    #[wasm_bindgen(js_name = settleWith)]
    fn settle_with(settle: &Function, value: &JsValue, off: &JsValue);
    /// An `Error` with `code`, and `name` / `reason` when given.
    #[wasm_bindgen(js_name = codedError)]
    pub fn coded_error(
        message: &str,
        code: i32,
        name: Option<String>,
        reason: Option<String>,
    ) -> JsValue;
}

/// The rejection of a wait whose `timeout` (ms) passed (-32001, `name` `TimeoutError`).
pub(super) fn timeout_error(timeout: u64, task_id: &str) -> JsValue {
    let message = format!("Timed out after {timeout} ms waiting for task {task_id}");
    coded_error(&message, -32001, Some("TimeoutError".into()), None)
}

/// The rejection of a wait whose task left the store (-32602, `reason` says why).
pub(super) fn removed_error(task_id: &str, why: RemovalReason) -> JsValue {
    let message = format!(
        "Task with ID {task_id} was removed while waiting for it: {}",
        match why {
            RemovalReason::Expired => "its ttl ran out",
            RemovalReason::Deleted => "it was deleted",
            RemovalReason::Cleared => "the store was cleaned up",
        }
    );
    coded_error(&message, -32602, None, Some(why.as_str().into()))
}

/// Who receives a listener's events.
#[derive(Clone)]
pub(super) enum Target {
    /// An `onStatusChange` callback.
    Callback(Function),
    /// A `watch` iterator (the JS object `makeWatch` made).
    Watch(JsValue),
}

struct Listener {
    key: u64,
    target: Target,
    /// Only events this session may see.
    session: Option<String>,
    /// Only this task's events (a `watch` with `taskId`).
    task: Option<TaskId>,
}

/// What a pending wait is waiting for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Until {
    /// The task's next change.
    Update,
    /// The task's terminal change.
    Terminal,
}

/// A pending wait: its Promise's functions, and what to undo when it settles.
pub(super) struct Waiter {
    pub(super) task: TaskId,
    pub(super) until: Until,
    pub(super) resolve: Function,
    pub(super) reject: Function,
    /// When it times out, if it has a `timeout`.
    pub(super) deadline: Option<Millis>,
    /// Removes its `abort` listener from the signal (or `undefined`).
    pub(super) off: JsValue,
    /// The `timeout` asked for, for the message.
    pub(super) timeout: Millis,
}

/// A call into user code, made once the store is released.
enum Call {
    Listen {
        key: u64,
        target: Target,
        event: JsValue,
        last: bool,
    },
    Settle {
        with: Function,
        value: JsValue,
        off: JsValue,
    },
}

/// One change as the hub sees it.
pub(super) struct Change<'a> {
    pub(super) kind: ChangeKind,
    pub(super) task_id: TaskId,
    pub(super) owner: Option<&'a str>,
    /// Whether the task's status after the change is terminal.
    pub(super) terminal: bool,
}

/// The listeners, waiters and pending calls of one store.
#[derive(Default)]
pub(super) struct Hub {
    listeners: Vec<Listener>,
    waiters: HashMap<u64, Waiter>,
    /// Each task's waits: their keys, ascending (the order they were made in).
    by_task: HashMap<TaskId, Vec<u64>>,
    /// Pending timeouts by (deadline, wait key). A map (of nothing: the values are 0) of the
    /// same type as the core's indexes, so the module holds one B-tree's code, not two.
    timeouts: BTreeMap<(Millis, u64), u32>,
    next_key: u64,
    outbox: VecDeque<Call>,
    /// Whether calls are being made (by an outer `with_state`): a nested one leaves the
    /// outbox to it, so events are delivered in order.
    pub(super) delivering: bool,
    /// The `onListenerError` option (`undefined`: `console.error`).
    pub(super) on_error: JsValue,
}

impl Hub {
    fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    /// Whether no one listens or waits: changes need no event objects.
    pub(super) fn is_idle(&self) -> bool {
        self.listeners.is_empty() && self.waiters.is_empty()
    }

    /// Whether a change of `change.task_id` concerns anyone (so its Task object is needed).
    pub(super) fn wants(&self, change: &Change) -> bool {
        self.by_task.contains_key(&change.task_id)
            || self.listeners.iter().any(|l| l.accepts(change))
    }

    /// Subscribes a listener; returns its key.
    pub(super) fn listen(
        &mut self,
        target: Target,
        session: Option<String>,
        task: Option<TaskId>,
    ) -> u64 {
        let key = self.key();
        self.listeners.push(Listener {
            key,
            target,
            session,
            task,
        });
        key
    }

    /// Unsubscribes a listener (no-op if already gone).
    pub(super) fn unlisten(&mut self, key: u64) {
        self.listeners.retain(|l| l.key != key);
    }

    /// Files a pending wait; returns its key.
    pub(super) fn wait(&mut self, waiter: Waiter) -> u64 {
        let key = self.key();
        if let Some(at) = waiter.deadline {
            self.timeouts.insert((at, key), 0);
        }
        self.by_task.entry(waiter.task).or_default().push(key);
        self.waiters.insert(key, waiter);
        key
    }

    /// Sets the function that removes a wait's `abort` listener (called at once, once the
    /// store is released, if the wait has already settled).
    pub(super) fn set_off(&mut self, key: u64, off: JsValue) {
        match self.waiters.get_mut(&key) {
            Some(waiter) => waiter.off = off,
            None if off.is_function() => self.outbox.push_back(Call::Settle {
                with: off.unchecked_into(),
                value: JsValue::UNDEFINED,
                off: JsValue::UNDEFINED,
            }),
            None => {}
        }
    }

    fn take_waiter(&mut self, key: u64) -> Option<Waiter> {
        let waiter = self.waiters.remove(&key)?;
        if let Some(at) = waiter.deadline {
            self.timeouts.remove(&(at, key));
        }
        if let Some(keys) = self.by_task.get_mut(&waiter.task) {
            if let Ok(i) = keys.binary_search(&key) {
                keys.remove(i);
            }
            if keys.is_empty() {
                self.by_task.remove(&waiter.task);
            }
        }
        Some(waiter)
    }

    fn settle(&mut self, waiter: Waiter, ok: bool, value: JsValue) {
        self.outbox.push_back(Call::Settle {
            with: if ok { waiter.resolve } else { waiter.reject },
            value,
            off: waiter.off,
        });
    }

    /// A wait's signal aborted: it rejects with the signal's reason.
    pub(super) fn abort(&mut self, key: u64, reason: JsValue) {
        if let Some(waiter) = self.take_waiter(key) {
            self.settle(waiter, false, reason);
        }
    }

    /// Rejects the waits whose `timeout` has passed at `now`.
    pub(super) fn time_out(&mut self, now: Millis) {
        while let Some((&(at, key), _)) = self.timeouts.first_key_value() {
            if at > now {
                break;
            }
            self.timeouts.remove(&(at, key));
            if let Some(waiter) = self.take_waiter(key) {
                let error = timeout_error(waiter.timeout, &waiter.task.to_string());
                self.settle(waiter, false, error);
            }
        }
    }

    /// The earliest wait timeout, for the store's one timer.
    pub(super) fn next_timeout(&self) -> Option<Millis> {
        self.timeouts.first_key_value().map(|(&(at, _), _)| at)
    }

    /// Queues the calls one change causes. `task` is the task after the change (a Task
    /// object the caller may not mutate; waiters get copies).
    pub(super) fn dispatch(&mut self, change: &Change, task: &JsValue) {
        let (kind, reason) = match change.kind {
            ChangeKind::Created => (0, 0),
            ChangeKind::Status => (1, 0),
            ChangeKind::Result => (2, 0),
            ChangeKind::Removed(RemovalReason::Expired) => (3, 0),
            ChangeKind::Removed(RemovalReason::Deleted) => (3, 1),
            ChangeKind::Removed(RemovalReason::Cleared) => (3, 2),
        };
        let removed = matches!(change.kind, ChangeKind::Removed(_));
        let mut event = JsValue::UNDEFINED;
        for listener in self.listeners.iter().filter(|l| l.accepts(change)) {
            if event.is_undefined() {
                event = make_event(kind, task, reason);
            }
            self.outbox.push_back(Call::Listen {
                key: listener.key,
                target: listener.target.clone(),
                event: event.clone(),
                last: listener.task.is_some() && (removed || change.terminal),
            });
        }
        let Some(keys) = self.by_task.remove(&change.task_id) else {
            return;
        };
        // The waits this change ends leave the task's list at once (all of them in one pass,
        // however many wait on the task); the others stay, in order.
        let (due, stay): (Vec<u64>, Vec<u64>) = keys.into_iter().partition(|key| {
            self.waiters
                .get(key)
                .is_some_and(|w| removed || w.until == Until::Update || change.terminal)
        });
        if !stay.is_empty() {
            self.by_task.insert(change.task_id, stay);
        }
        for key in due {
            let Some(waiter) = self.take_waiter(key) else {
                continue;
            };
            match change.kind {
                ChangeKind::Removed(why) => {
                    let error = removed_error(&change.task_id.to_string(), why);
                    self.settle(waiter, false, error);
                }
                _ => {
                    let copy = super::task_view::shallow_copy(task);
                    self.settle(waiter, true, copy);
                }
            }
        }
    }

    /// Rejects every pending wait and unsubscribes everyone (the store is being freed);
    /// returns the `watch` iterators, to be ended once the store is released.
    pub(super) fn close(&mut self) -> Vec<JsValue> {
        let keys: Vec<u64> = self.waiters.keys().copied().collect();
        for key in keys {
            if let Some(waiter) = self.take_waiter(key) {
                let message = format!("The store was freed while waiting for task {}", waiter.task);
                let error = coded_error(&message, -32603, None, None);
                self.settle(waiter, false, error);
            }
        }
        std::mem::take(&mut self.listeners)
            .into_iter()
            .filter_map(|listener| match listener.target {
                Target::Watch(watch) => Some(watch),
                Target::Callback(_) => None,
            })
            .collect()
    }

    /// The next call to make, if any (a listener unsubscribed since is skipped).
    fn next_call(&mut self) -> Option<Call> {
        while let Some(call) = self.outbox.pop_front() {
            match &call {
                Call::Listen { key, .. } if !self.listeners.iter().any(|l| l.key == *key) => {}
                _ => return Some(call),
            }
        }
        None
    }

    /// Whether calls are waiting to be made.
    pub(super) fn has_calls(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// Subscribed listeners and open `watch` iterators.
    pub(super) fn listener_count(&self) -> usize {
        self.listeners.len()
    }

    /// Pending waits.
    pub(super) fn waiter_count(&self) -> usize {
        self.waiters.len()
    }
}

impl Listener {
    fn accepts(&self, change: &Change) -> bool {
        self.task.is_none_or(|id| id == change.task_id)
            && visible_to(change.owner, self.session.as_deref())
    }
}

/// Makes the calls queued in the hub of `state`, one at a time, each with the store
/// released, until none is left. A nested call (from a listener calling the store) leaves
/// them to the outer one.
pub(super) fn deliver(state: &std::rc::Rc<std::cell::RefCell<super::state::Inner>>) {
    match state.try_borrow_mut() {
        Ok(mut inner) if !inner.hub.delivering && inner.hub.has_calls() => {
            inner.hub.delivering = true;
        }
        _ => return,
    }
    loop {
        let (call, on_error) = match state.try_borrow_mut() {
            Ok(mut inner) => (inner.hub.next_call(), inner.hub.on_error.clone()),
            Err(_) => break,
        };
        match call {
            Some(Call::Listen {
                target: Target::Callback(listener),
                event,
                ..
            }) => call_listener(&listener, &event, &on_error),
            Some(Call::Listen {
                target: Target::Watch(watch),
                event,
                last,
                ..
            }) => push_watch(&watch, &event, last),
            Some(Call::Settle { with, value, off }) => settle_with(&with, &value, &off),
            None => break,
        }
    }
    if let Ok(mut inner) = state.try_borrow_mut() {
        inner.hub.delivering = false;
    }
}
