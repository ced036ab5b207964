//! The state behind one JS store object and the message queue linked to it: the core's
//! store plus the binding's JS caches, and the one way every call gets at it.
//!
//! The caches exist because crossing the JS/wasm boundary costs more than the core's own
//! work: a JS `Map` from id string to slot (the id never enters wasm memory on the hot
//! path; kept in step with the core by its change log after every call), whose entry per
//! task holds the fields of its Task as JS values (the strings made once; status, message
//! and time written per change, from what the core decided), and session ids copied into
//! wasm once. None of them decides anything.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Map};
use wasm_bindgen::prelude::*;

use super::args;
use super::error::{busy, internal};
use super::events::{deliver, Change, Hub};
use super::task_view::{message_value, status_value, task_object};
use super::timer::{now, Timer};

use crate::core::{
    params, ChangeKind, Handle, IdSource, Millis, StoreError, TaskEvent, TaskRef, TaskStore,
};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    /// `map.get(key)` as a number, -1 if absent: no `JsValue` to inspect afterwards, which
    /// would cost more than the lookup itself.
    #[wasm_bindgen(js_name = numberAt)]
    fn number_at_or_minus_one(map: &Map, key: &JsValue) -> f64;
    /// The slot of the index entry for `key`, -1 if absent.
    #[wasm_bindgen(js_name = slotAt)]
    fn slot_at(map: &Map, key: &JsValue) -> f64;
    /// Files a task's entry under its id, from its wire Task (see `helpers.js`); returns
    /// the entry.
    #[wasm_bindgen(js_name = fileEntry)]
    fn file_entry(map: &Map, task: &JsValue, slot: u32, owner: &JsValue, last_ms: f64) -> JsValue;
    /// Writes a task's status, status message and last update time into its entry.
    fn restate(entry: &JsValue, status: &JsValue, status_message: &JsValue, last_ms: f64);
    /// Marks an entry out of date.
    fn stale(entry: &JsValue);
    /// The wire Task of an up-to-date entry, a fresh object.
    #[wasm_bindgen(js_name = taskOf)]
    fn task_of(entry: &JsValue) -> JsValue;
    /// The object the JS fast path reads: `{ index, h }`.
    #[wasm_bindgen(js_name = makeFast)]
    fn make_fast(index: &Map) -> JsValue;
    /// Publishes the earliest deadline of the store (`Infinity` for none).
    #[wasm_bindgen(js_name = setHorizon)]
    fn set_horizon(fast: &JsValue, h: f64);
    /// Publishes a task's stored result in its entry.
    #[wasm_bindgen(js_name = publishResult)]
    fn publish_result(entry: &JsValue, result: &JsValue);
}

/// The number `map` holds for `key`, if any (our maps hold only non-negative numbers).
fn number_at(map: &Map, key: &JsValue) -> Option<f64> {
    let n = number_at_or_minus_one(map, key);
    (n >= 0.0).then_some(n)
}

/// Results, queued messages and cached Task objects stay JS values.
pub(super) type Store = TaskStore<JsValue, JsValue, TaskCache>;

/// What the binding keeps beside each record: its entry in the index, and the record's
/// version the entry's fields were last written for.
#[derive(Default)]
pub(super) struct TaskCache {
    built_for: u64,
    /// The task's entry in the index, which the JS fast path reads (see [`Inner::fast`]).
    pub(super) entry: JsValue,
}

/// The core store and the binding's caches.
pub(super) struct Inner {
    pub(super) store: Store,
    ids: IdSource,
    /// Task id string → slot, exactly the live tasks.
    index: Map,
    pub(super) sessions: SessionCache,
    pub(super) timer: Timer,
    on_timer: Option<Function>,
    /// Listeners, watches and waits.
    pub(super) hub: Hub,
    /// The store's one function for unsubscribing and aborting (see `InMemoryTaskStore::new`).
    pub(super) control: Option<Function>,
    /// The change log of the current call, when someone listens (kept to reuse its memory).
    scratch: Vec<TaskEvent>,
    /// What the JS fast path of `getTask` / `getTaskResult` reads (`guard.mjs`): the index,
    /// whose entries hold the fields of the task's Task for its current version (or are
    /// marked out of date) and its stored result, and `h`, the core's earliest deadline in
    /// the store. The fast path answers only when the caller's session is the task's owner
    /// token (both absent, or the same string), the entry is current, and `Date.now() < h`
    /// (so the core's lazy expiry would remove nothing): then it is what the core would
    /// answer. It decides nothing; every entry is written here from what the core decided,
    /// and the core's change log marks out of date every entry a change was not written
    /// into.
    fast: JsValue,
    /// The `h` last published.
    horizon: f64,
}

/// Session ids seen recently, so a session string is copied into wasm memory once rather
/// than on every call. A JS `Map` from the string to its place in `names`.
#[derive(Default)]
pub(super) struct SessionCache {
    index: Map,
    names: Vec<String>,
}

impl SessionCache {
    /// Past this many distinct sessions the cache starts over.
    const MAX: usize = 1024;

    /// Reads a `sessionId` argument: `None` for absent, else its place in the cache.
    pub(super) fn resolve(&mut self, value: &JsValue) -> Result<Option<usize>, StoreError> {
        if args::is_absent(value) {
            return Ok(None);
        }
        if let Some(i) = number_at(&self.index, value) {
            return Ok(Some(i as usize));
        }
        let name = args::exact_string("sessionId", value)?;
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
    pub(super) fn name(&self, place: Option<usize>) -> Option<&str> {
        place.and_then(|i| self.names.get(i)).map(String::as_str)
    }
}

/// A task id as the caller gave it: found in the index, or text to hand to the core (which
/// then answers "not found").
pub(super) enum Key {
    Slot(u32),
    Text(String),
}

impl Inner {
    /// A new store's state; `on_timer` is set by [`Inner::set_timer_callback`].
    pub(super) fn new(store: Store) -> Inner {
        Inner {
            store,
            ids: IdSource::default(),
            index: Map::new(),
            sessions: SessionCache::default(),
            timer: Timer::default(),
            on_timer: None,
            hub: Hub::default(),
            control: None,
            scratch: Vec::new(),
            fast: JsValue::UNDEFINED,
            horizon: f64::NAN,
        }
    }

    /// The object the JS fast path reads (made on first use).
    pub(super) fn fast(&mut self) -> JsValue {
        if self.fast.is_undefined() {
            self.fast = make_fast(&self.index);
            self.horizon = f64::NAN;
            self.publish_horizon(self.store.next_deadline());
        }
        self.fast.clone()
    }

    /// Publishes `next_deadline` (the store's earliest) as `h` if it moved.
    fn publish_horizon(&mut self, next_deadline: Option<Millis>) {
        if self.fast.is_undefined() {
            return;
        }
        let h = next_deadline.map_or(f64::INFINITY, |d| d as f64);
        if h != self.horizon {
            self.horizon = h;
            set_horizon(&self.fast, h);
        }
    }

    /// Marks the entry of the task `event` changed out of date, unless it was already
    /// written for the record's current version.
    fn mark_changed(&self, event: &TaskEvent) {
        if let Some(stored) = event.handle.and_then(|h| self.store.stored(h)) {
            let cache = stored.extra();
            if cache.built_for != stored.record().version {
                stale(&cache.entry);
            }
        }
    }

    /// After a change made with the caller's status `message` (its JS string and its
    /// text), writes the task's new state into its entry at once when that reads no string
    /// out of wasm memory: the record now has no status message, or has exactly the
    /// caller's. Otherwise the entry is left for the change log to mark out of date.
    pub(super) fn publish_change(&mut self, handle: Handle, message: &JsValue, text: Option<&str>) {
        let Some(stored) = self.store.stored(handle) else {
            return;
        };
        let task = stored.task();
        let message = match (task.status_message.as_deref(), text) {
            (None, _) => JsValue::UNDEFINED,
            (Some(kept), Some(given)) if kept == given => message.clone(),
            _ => return,
        };
        self.restate_entry(handle, &message);
    }

    /// Writes the record's status, status `message` (its JS string) and update time into
    /// the task's entry, which is then current for the record's version.
    fn restate_entry(&mut self, handle: Handle, message: &JsValue) {
        let Some(stored) = self.store.stored(handle) else {
            return;
        };
        let task = stored.task();
        restate(
            &stored.extra().entry,
            &status_value(task.status),
            message,
            task.last_updated_at as f64,
        );
        let version = stored.record().version;
        if let Some(cache) = self.store.extra_mut(handle) {
            cache.built_for = version;
        }
    }

    /// The function the one timer calls, and the one that unsubscribes and aborts.
    pub(super) fn set_callbacks(&mut self, on_timer: Option<Function>, control: Option<Function>) {
        self.on_timer = on_timer;
        self.control = control;
    }

    /// After every call: bring the caches in step with the core's change log, queue the
    /// events for whoever listens or waits, and make sure the timer fires by the earliest
    /// deadline or wait timeout.
    pub(super) fn settle_up(&mut self, now: Millis) {
        let idle = self.hub.is_idle();
        let mut events = std::mem::take(&mut self.scratch);
        events.extend(self.store.drain_events());
        for event in events.drain(..) {
            if let ChangeKind::Removed(_) = event.kind {
                self.index
                    .delete(&JsValue::from_str(&event.task_id.to_string()));
            }
            if !idle {
                self.announce(&event);
            }
            if !matches!(event.kind, ChangeKind::Removed(_)) {
                self.mark_changed(&event);
            }
        }
        self.scratch = events;
        let next_deadline = self.store.next_deadline();
        self.publish_horizon(next_deadline);
        if let Some(callback) = &self.on_timer {
            let deadline = match (next_deadline, self.hub.next_timeout()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let keep_alive = self.hub.next_timeout().is_some();
            self.timer.arm(deadline, now, callback, keep_alive);
        }
    }

    /// Hands one change to the hub, with the task's state after it.
    fn announce(&mut self, event: &TaskEvent) {
        let handle = match &event.last {
            Some(_) => None,
            // A task changed and then removed within one call is announced by its removal.
            None => match event.handle.filter(|&h| self.store.stored(h).is_some()) {
                Some(handle) => Some(handle),
                None => return,
            },
        };
        let terminal = match (&event.last, handle) {
            (Some(last), _) => last.status.is_terminal(),
            (None, Some(h)) => self
                .store
                .stored(h)
                .is_some_and(|s| s.task().status.is_terminal()),
            (None, None) => false,
        };
        let change = Change {
            kind: event.kind,
            task_id: event.task_id,
            owner: event.owner.as_deref(),
            terminal,
        };
        if !self.hub.wants(&change) {
            return;
        }
        let task = match (&event.last, handle) {
            (Some(last), _) => task_object(last),
            (None, Some(h)) => match self.view(h) {
                Ok(view) => view,
                Err(_) => return,
            },
            (None, None) => return,
        };
        self.hub.dispatch(&change, &task);
    }

    /// Removes every task. With no one listening or waiting, every cached value is dropped
    /// at once; otherwise task by task through the change log, so each removal is announced.
    pub(super) fn clear(&mut self) {
        if self.hub.is_idle() {
            self.store.reset();
            self.index.clear();
        } else {
            self.store.clear();
        }
        self.sessions = SessionCache::default();
        self.timer.cancel();
    }

    /// A fresh random task id.
    pub(super) fn next_id(&mut self) -> Result<crate::core::TaskId, StoreError> {
        self.ids
            .next_random()
            .map_err(|e| internal(format!("no random bytes for a task id: {e}")))
    }

    /// Files a task just created (or restored) in `handle`'s slot: its index entry, with
    /// the fields of its Task. `owner` is the owning session as a JS string (the caller's
    /// own `sessionId` value), or `undefined`.
    pub(super) fn file_new(&mut self, handle: Handle, owner: &JsValue) -> Result<(), StoreError> {
        let stored = self.store.stored(handle).ok_or_else(removed)?;
        let (task, version) = (stored.task(), stored.record().version);
        let entry = file_entry(
            &self.index,
            &task_object(task),
            handle.slot(),
            owner,
            task.last_updated_at as f64,
        );
        *self.store.extra_mut(handle).ok_or_else(removed)? = TaskCache {
            built_for: version,
            entry,
        };
        // A restored task may hold a result already.
        self.publish_result(handle);
        Ok(())
    }

    /// Files every task the store holds (after a restore).
    pub(super) fn file_all(&mut self, now: Millis) -> Result<(), StoreError> {
        for handle in self.store.all(now) {
            let owner = self
                .store
                .stored(handle)
                .and_then(|s| s.record().owner.as_deref().map(JsValue::from_str))
                .unwrap_or(JsValue::UNDEFINED);
            self.file_new(handle, &owner)?;
        }
        Ok(())
    }

    /// Looks a task id up in the index (no copy of the string into wasm memory).
    pub(super) fn key(&self, task_id: &JsValue) -> Result<Key, StoreError> {
        match Some(slot_at(&self.index, task_id)).filter(|&n| n >= 0.0) {
            Some(slot) => Ok(Key::Slot(slot as u32)),
            None => args::string("taskId", task_id).map(Key::Text),
        }
    }

    /// Publishes the stored result of the task in `handle`, if it has one, in its index
    /// entry for the fast path (a stored result never changes while its task lives).
    pub(super) fn publish_result(&self, handle: Handle) {
        if let Some(stored) = self.store.stored(handle) {
            if let Some(result) = stored.result() {
                publish_result(&stored.extra().entry, result);
            }
        }
    }

    /// The task named by `key`, as the core takes it.
    pub(super) fn task_ref<'k>(&self, key: &'k Key) -> TaskRef<'k> {
        match key {
            // The index holds live tasks only, so the slot has a task.
            Key::Slot(slot) => self
                .store
                .handle_at(*slot)
                .map_or(TaskRef::Id(""), TaskRef::Handle),
            Key::Text(text) => TaskRef::Id(text),
        }
    }

    /// The wire Task of `handle` (a fresh object), its entry first brought up to date if the
    /// task changed since it was last written.
    pub(super) fn view(&mut self, handle: Handle) -> Result<JsValue, StoreError> {
        let stored = self.store.stored(handle).ok_or_else(removed)?;
        let version = stored.record().version;
        let cache = stored.extra();
        if cache.entry.is_undefined() {
            return Err(internal("a live task without its entry"));
        }
        if cache.built_for != version {
            let message = message_value(stored.task());
            self.restate_entry(handle, &message);
        }
        let stored = self.store.stored(handle).ok_or_else(removed)?;
        Ok(task_of(&stored.extra().entry))
    }
}

fn removed() -> StoreError {
    internal("handle of a removed task")
}

/// Runs `f` on the state with the time of the call, then settles up (caches, timer). The
/// only way into the state: a call from inside a call (user code run by the store calling
/// it back) is rejected rather than trapping.
pub(super) fn with_state<T>(
    state: &Rc<RefCell<Inner>>,
    f: impl FnOnce(&mut Inner, Millis) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut inner = state.try_borrow_mut().map_err(|_| busy())?;
    let t = now();
    let out = f(&mut inner, t);
    inner.settle_up(t);
    let calls = inner.hub.has_calls() && !inner.hub.delivering;
    // Released before returning: nothing that runs user code (a getter, a listener) ever
    // runs while the state is borrowed.
    drop(inner);
    if calls {
        deliver(state);
    }
    out
}
