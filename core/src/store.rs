//! The in-memory store: indexes over [`TaskRecord`]s that call the rules and decide
//! nothing on their own.
//!
//! Layout: records live in a slab (`slots`), found by id through a hash map. An ordered
//! index keeps creation order, each task filed both under its owning session and under
//! "everyone", so a page costs O(page size + log n); an ordered map of deadlines gives the
//! next expiry in O(log n). Each slot also holds the task's result and its message queue,
//! so both go when the task does.
//!
//! Every operation first drops the tasks that are no longer live ([`crate::is_live_at`]),
//! so an expired task is gone from every answer from its deadline on, whether or not a
//! timer has fired yet. Every change is logged as a [`TaskEvent`] when the log is on.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::task::IdHashBuilder;
use super::{
    cursor,
    cursor::CursorKey,
    is_live_at, params,
    snapshot::{Snapshot, SnapshotTask, SNAPSHOT_FORMAT, SNAPSHOT_VERSION},
    ChangeKind, Fifo, Millis, Outcome, RemovalReason, StoreConfig, StoreError, Task, TaskEvent,
    TaskId, TaskRecord, TaskStatus,
};

/// A reference to a stored task, valid until that task is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    slot: u32,
    seq: u64,
}

impl Handle {
    /// The slot number: small, dense, reused after the task is removed. A binding may keep
    /// it (in a JS `Map` from id to slot, say) and get the handle back with
    /// [`TaskStore::handle_at`].
    pub fn slot(self) -> u32 {
        self.slot
    }
}

/// How a caller names a task: by its id, or by a [`Handle`] the store gave it earlier (a
/// binding's own index, say). A handle of a removed task is simply "not found".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskRef<'a> {
    /// The task id as text (anything; only this store's ids are found).
    Id(&'a str),
    /// A handle from [`TaskStore::create`] or a lookup.
    Handle(Handle),
}

impl<'a> From<&'a str> for TaskRef<'a> {
    fn from(id: &'a str) -> Self {
        TaskRef::Id(id)
    }
}

impl<'a> From<&'a String> for TaskRef<'a> {
    fn from(id: &'a String) -> Self {
        TaskRef::Id(id)
    }
}

impl From<Handle> for TaskRef<'_> {
    fn from(handle: Handle) -> Self {
        TaskRef::Handle(handle)
    }
}

/// Index key of tasks created without a session.
const UNOWNED: u64 = 0;
/// Index key under which the creation-order index holds every task, whatever its owner.
const EVERYONE: u64 = u64::MAX;

/// A stored task: its record, its result once stored, its message queue, and the caller's
/// own data for it.
#[derive(Debug)]
pub struct Stored<R, M = (), X = ()> {
    record: TaskRecord,
    result: Option<R>,
    /// Only while messages wait (most tasks never have any).
    queue: Option<Box<Fifo<M>>>,
    extra: X,
}

impl<R, M, X> Stored<R, M, X> {
    /// The task.
    pub fn task(&self) -> &Task {
        &self.record.task
    }

    /// The task's record (owner, creation position, deadline, version).
    pub fn record(&self) -> &TaskRecord {
        &self.record
    }

    /// The stored result, once one has been stored.
    pub fn result(&self) -> Option<&R> {
        self.result.as_ref()
    }

    /// When the task will be removed, if ever.
    pub fn deadline(&self) -> Option<Millis> {
        self.record.deadline
    }

    /// The caller's own data for this task (see [`TaskStore::extra_mut`]).
    pub fn extra(&self) -> &X {
        &self.extra
    }

    /// The messages queued for the task, oldest first.
    pub fn queued(&self) -> impl Iterator<Item = &M> {
        self.queue.iter().flat_map(|q| q.iter())
    }
}

/// What `create` is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreateParams {
    /// Requested retention in ms; `None` asks for unlimited. The store grants a value
    /// within its configured bounds and reports it in the task.
    pub ttl: Option<u64>,
    /// Requested poll interval in ms; `None` takes the configured default.
    pub poll_interval: Option<u64>,
}

/// One page of `list`.
#[derive(Debug, PartialEq, Eq)]
pub struct Page {
    /// The tasks, in creation order.
    pub items: Vec<Handle>,
    /// Present if and only if more tasks follow.
    pub next_cursor: Option<String>,
}

/// Session names interned to small integers (keys of the creation-order index), counted
/// by the tasks they own; records share the interned name.
#[derive(Debug, Default)]
struct Sessions {
    by_name: HashMap<Arc<str>, (u64, Cell<usize>)>,
    next: u64,
}

impl Sessions {
    fn lookup(&self, name: &str) -> Option<u64> {
        self.by_name.get(name).map(|&(key, _)| key)
    }

    /// The key and shared name of `name`, counting one more task for it.
    fn acquire(&mut self, name: &str) -> (u64, Arc<str>) {
        if let Some((shared, (key, count))) = self.by_name.get_key_value(name) {
            count.set(count.get() + 1);
            return (*key, shared.clone());
        }
        self.next += 1;
        let shared: Arc<str> = name.into();
        self.by_name
            .insert(shared.clone(), (self.next, Cell::new(1)));
        (self.next, shared)
    }

    /// The store's shared copy of `name` if it owns tasks, else a new one (not counted).
    fn share(&self, name: &str) -> Arc<str> {
        match self.by_name.get_key_value(name) {
            Some((shared, _)) => shared.clone(),
            None => name.into(),
        }
    }

    /// How many live tasks `name` owns.
    fn count(&self, name: &str) -> usize {
        self.by_name.get(name).map_or(0, |(_, count)| count.get())
    }

    /// Counts one task less for `name`, forgetting it at none; returns its key.
    fn release(&mut self, name: &str) -> Option<u64> {
        let &(key, ref count) = self.by_name.get(name)?;
        count.set(count.get().saturating_sub(1));
        if count.get() == 0 {
            self.by_name.remove(name);
        }
        Some(key)
    }
}

/// What a caller may list.
#[derive(Clone, Copy, Debug)]
enum Scope {
    /// No session given: every task.
    All,
    /// A session: its own tasks (`None` when it owns none) and unowned ones.
    Session(Option<u64>),
}

/// An in-memory task store. `R` is the stored result type, `M` the type of queued
/// messages, `X` the caller's own per-task data: kept beside each record in the same slot
/// (so reading both costs one memory access), made with `X::default()` at creation,
/// dropped with the task, never read or changed by the store (a binding keeps the strings
/// and the rendering of a task there, checked against [`TaskRecord::version`]).
///
/// Time is passed into every operation as `now` (milliseconds since the epoch).
#[derive(Debug)]
pub struct TaskStore<R, M = (), X = ()> {
    config: StoreConfig,
    slots: Vec<Option<Stored<R, M, X>>>,
    free: Vec<u32>,
    ids: HashMap<TaskId, u32, IdHashBuilder>,
    /// Creation order: every task under `(EVERYONE, seq)` and under `(owner, seq)`.
    order: BTreeMap<(u64, u64), u32>,
    /// Expiry schedule: `(deadline, slot)` → slot. One map type for both indexes keeps
    /// the wasm module small.
    deadlines: BTreeMap<(Millis, u64), u32>,
    sessions: Sessions,
    next_seq: u64,
    /// The secret listing cursors are enciphered and tagged with.
    cursor_key: CursorKey,
    /// Tasks whose queue holds messages.
    queued: usize,
    events: Option<Vec<TaskEvent>>,
    /// Always empty: what [`TaskStore::drain_events`] drains when logging is off.
    no_events: Vec<TaskEvent>,
}

impl<R, M, X> Default for TaskStore<R, M, X> {
    fn default() -> Self {
        TaskStore {
            config: StoreConfig::default(),
            slots: Vec::new(),
            free: Vec::new(),
            ids: HashMap::default(),
            order: BTreeMap::new(),
            deadlines: BTreeMap::new(),
            sessions: Sessions::default(),
            next_seq: 0,
            cursor_key: CursorKey::default(),
            queued: 0,
            events: None,
            no_events: Vec::new(),
        }
    }
}

impl<R, M, X: Default> TaskStore<R, M, X> {
    /// An empty store with these settings, whose cursors are keyed with a random secret
    /// (feature `random`; without it, or if the random source fails, a fixed key: cursors
    /// are still bound to their session, but a session could tell their order).
    pub fn new(config: StoreConfig) -> Result<Self, StoreError> {
        config.validate()?;
        #[cfg(feature = "random")]
        let cursor_key = CursorKey::random().unwrap_or_default();
        #[cfg(not(feature = "random"))]
        let cursor_key = CursorKey::default();
        Ok(TaskStore {
            config,
            cursor_key,
            ..TaskStore::default()
        })
    }

    /// The secret this store's listing cursors are keyed with.
    pub fn cursor_key(&self) -> CursorKey {
        self.cursor_key
    }

    /// Keys cursors with `key` (a restored snapshot's, or one shared by processes); cursors
    /// issued under another key become invalid.
    pub fn set_cursor_key(&mut self, key: CursorKey) {
        self.cursor_key = key;
    }

    /// The settings.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Live tasks (expired ones count until the next operation drops them).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the store holds no task.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The creation position the next task will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The earliest deadline of any task, for arming one timer.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.deadlines.first_key_value().map(|(&(at, _), _)| at)
    }

    /// Starts (or stops) logging changes for [`TaskStore::drain_events`]. Turning it on
    /// again keeps what was logged and not yet drained.
    pub fn record_events(&mut self, on: bool) {
        if !on {
            self.events = None;
        } else if self.events.is_none() {
            self.events = Some(Vec::new());
        }
    }

    /// Takes the changes logged since the last call, oldest first, when logging is on (the
    /// log keeps its capacity, so logging allocates nothing in the steady state).
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, TaskEvent> {
        match self.events.as_mut() {
            Some(log) => log.drain(..),
            None => self.no_events.drain(..),
        }
    }

    /// The stored task behind a handle.
    pub fn stored(&self, handle: Handle) -> Option<&Stored<R, M, X>> {
        self.slots
            .get(handle.slot as usize)
            .and_then(Option::as_ref)
            .filter(|s| s.record.seq == handle.seq)
    }

    /// The handle of live task `id`, whatever its session (for a caller following the change
    /// log to its own per-task data).
    pub fn handle_of(&self, id: TaskId) -> Option<Handle> {
        self.handle_at(*self.ids.get(&id)?)
    }

    /// The caller's own data for the task behind a handle, to fill or change.
    pub fn extra_mut(&mut self, handle: Handle) -> Option<&mut X> {
        self.stored_mut(handle).map(|s| &mut s.extra)
    }

    /// The handle of the task now in `slot`, if any.
    pub fn handle_at(&self, slot: u32) -> Option<Handle> {
        let stored = self.slots.get(slot as usize)?.as_ref()?;
        Some(Handle {
            slot,
            seq: stored.record.seq,
        })
    }

    /// Creates a task in `working` with the given id, owned by `session` if one is given.
    pub fn create(
        &mut self,
        id: TaskId,
        params: CreateParams,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        let session = params::session(session)?;
        self.expire(now);
        if self.ids.contains_key(&id) {
            return Err(StoreError::internal(format!("task id {id} already exists")));
        }
        self.check_room(session)?;
        let owner = session.map(|name| self.sessions.share(name));
        let seq = self.next_seq;
        let record = TaskRecord::create(id, params, owner, seq, &self.config, now)?;
        self.next_seq += 1;
        let (task_id, version, owner) = (record.task.task_id, record.version, record.owner.clone());
        let slot = self.insert(record, None, None);
        let handle = Handle { slot, seq };
        self.log(TaskEvent {
            kind: ChangeKind::Created,
            task_id,
            version,
            owner,
            last: None,
            handle: Some(handle),
        });
        Ok(handle)
    }

    /// Everything the store holds that is live at `now` (results and queued messages
    /// cloned), in creation order: see [`Snapshot`]. Changes nothing (an expired task is
    /// left out, not dropped).
    pub fn snapshot(&self, now: Millis) -> Snapshot<R, M>
    where
        R: Clone,
        M: Clone,
    {
        let tasks = self
            .owner_range(EVERYONE, 0)
            .filter_map(|(_, slot)| self.slots.get(slot as usize)?.as_ref())
            .filter(|s| s.record.is_live_at(now))
            .map(|s| SnapshotTask {
                record: s.record.clone(),
                result: s.result.clone(),
                queue: s.queued().cloned().collect(),
            })
            .collect();
        Snapshot {
            format: SNAPSHOT_FORMAT.into(),
            version: SNAPSHOT_VERSION,
            taken_at: now,
            config: self.config.clone(),
            cursor_key: self.cursor_key,
            next_seq: self.next_seq,
            tasks,
        }
    }

    /// A store with `config` holding what `snapshot` holds, as the store it was taken from
    /// would be at `now`: tasks whose deadline has passed are left out (without events), the
    /// rest keep their ids, owners, creation positions, deadlines, results and queues, and
    /// cursors handed out before stay valid. A snapshot that fails [`Snapshot::check`], or
    /// holds more tasks than `config` allows, is rejected and nothing is built.
    pub fn restore(
        snapshot: Snapshot<R, M>,
        config: StoreConfig,
        now: Millis,
    ) -> Result<Self, StoreError> {
        snapshot.check()?;
        let mut store = TaskStore::new(config)?;
        store.cursor_key = snapshot.cursor_key;
        store.next_seq = snapshot.next_seq;
        for entry in snapshot.tasks {
            if !entry.record.is_live_at(now) {
                continue;
            }
            store.check_room(entry.record.owner.as_deref())?;
            let queue = if entry.queue.is_empty() {
                None
            } else {
                let mut fifo = Fifo::default();
                for message in entry.queue {
                    fifo.push(message, None)?;
                }
                Some(Box::new(fifo))
            };
            store.insert(entry.record, entry.result, queue);
        }
        Ok(store)
    }

    /// Files a record (with its result and queue) in a free slot and in every index; the
    /// owner's name is shared with the store's other tasks of that session.
    fn insert(
        &mut self,
        mut record: TaskRecord,
        result: Option<R>,
        queue: Option<Box<Fifo<M>>>,
    ) -> u32 {
        let owner_key = match record.owner.as_deref() {
            Some(name) => {
                let (key, shared) = self.sessions.acquire(name);
                record.owner = Some(shared);
                key
            }
            None => UNOWNED,
        };
        let (id, seq, deadline) = (record.task.task_id, record.seq, record.deadline);
        if queue.is_some() {
            self.queued += 1;
        }
        let stored = Stored {
            record,
            result,
            queue,
            extra: X::default(),
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(place) = self.slots.get_mut(slot as usize) {
                    *place = Some(stored);
                }
                slot
            }
            None => {
                self.slots.push(Some(stored));
                (self.slots.len() - 1) as u32
            }
        };
        self.ids.insert(id, slot);
        self.order.insert((EVERYONE, seq), slot);
        self.order.insert((owner_key, seq), slot);
        if let Some(at) = deadline {
            self.deadlines.insert((at, u64::from(slot)), slot);
        }
        slot
    }

    /// The task `id` if the caller may see it; `Ok(None)` when there is no such task for
    /// the caller.
    pub fn get<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Option<Handle>, StoreError> {
        let session = params::session(session)?;
        self.expire(now);
        Ok(self.find(id.into(), session))
    }

    /// Moves a non-terminal task to `status`, with an optional message
    /// ([`TaskRecord::update_status`]).
    pub fn update_status<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        status: TaskStatus,
        message: Option<String>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        self.change(id.into(), session, now, |s| {
            s.record.update_status(status, message, now)
        })
    }

    /// Cancels a non-terminal task ([`TaskRecord::cancel`]); a terminal one is rejected.
    pub fn cancel<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        message: Option<String>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        self.change(id.into(), session, now, |s| s.record.cancel(message, now))
    }

    /// Stores the result of a non-terminal task and ends it as `outcome`, at once
    /// ([`TaskRecord::store_result`]).
    pub fn store_result<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        outcome: Outcome,
        result: R,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        self.store_result_with_message(id, outcome, result, None, session, now)
    }

    /// [`TaskStore::store_result`] setting the status message in the same change
    /// ([`TaskRecord::store_result_with_message`]).
    pub fn store_result_with_message<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        outcome: Outcome,
        result: R,
        message: Option<String>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        self.change(id.into(), session, now, |s| {
            let kind = s.record.store_result_with_message(outcome, message, now)?;
            s.result = Some(result);
            Ok(kind)
        })
    }

    /// The stored result of task `id`.
    pub fn result<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<&R, StoreError> {
        let handle = self.find_or_err(id.into(), session, now)?;
        let stored = self.stored(handle).ok_or_else(dangling)?;
        stored.record.check_result()?;
        stored.result.as_ref().ok_or_else(dangling)
    }

    /// Removes task `id` (with its result and queued messages) at the caller's request,
    /// whatever its status; returns its last record.
    pub fn delete<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<TaskRecord, StoreError> {
        let handle = self.find_or_err(id.into(), session, now)?;
        let record = self.remove(handle.slot).ok_or_else(dangling)?;
        if self.events.is_some() {
            self.log(TaskEvent::removed(record.clone(), RemovalReason::Deleted));
        }
        Ok(record)
    }

    /// One page of the tasks the caller may see, in creation order, after `cursor`
    /// ([`CursorKey::resolve`]).
    pub fn list(
        &mut self,
        cursor: Option<&str>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Page, StoreError> {
        let session = params::session(session)?;
        self.expire(now);
        let scope = match session {
            None => Scope::All,
            Some(name) => Scope::Session(self.sessions.lookup(name)),
        };
        let after = match cursor {
            None => None,
            Some(text) => Some(
                self.cursor_key
                    .resolve(text, session, self.next_seq, |id| {
                        let handle = self.find(TaskRef::Id(id), session)?;
                        Some(handle.seq)
                    })?,
            ),
        };
        let start = cursor::start_after(after);
        let want = self.config.page_size + 1;
        let mut items: Vec<(u64, u32)> = match scope {
            Scope::All => self.owner_range(EVERYONE, start).take(want).collect(),
            Scope::Session(me) => {
                let unowned = self.owner_range(UNOWNED, start);
                match me {
                    None => unowned.take(want).collect(),
                    Some(owner) => merge(self.owner_range(owner, start), unowned, want),
                }
            }
        };
        let more = items.len() > self.config.page_size;
        items.truncate(self.config.page_size);
        let next_cursor = if more {
            items
                .last()
                .map(|&(seq, _)| self.cursor_key.encode(seq, session))
        } else {
            None
        };
        let items: Vec<Handle> = items
            .into_iter()
            .map(|(seq, slot)| Handle { slot, seq })
            .collect();
        debug_assert!(items
            .iter()
            .all(|&h| self.stored(h).is_some_and(|s| s.record.visible_to(session))));
        Ok(Page { items, next_cursor })
    }

    /// Every live task, in creation order, whatever its session.
    pub fn all(&mut self, now: Millis) -> Vec<Handle> {
        self.expire(now);
        self.owner_range(EVERYONE, 0)
            .map(|(seq, slot)| Handle { slot, seq })
            .collect()
    }

    /// Drops every task that is no longer live at `now`; returns how many.
    pub fn expire(&mut self, now: Millis) -> usize {
        let mut count = 0;
        while let Some((&(at, _), &slot)) = self.deadlines.first_key_value() {
            if is_live_at(Some(at), now) {
                break;
            }
            match self.remove(slot) {
                Some(record) => self.log(TaskEvent::removed(record, RemovalReason::Expired)),
                // A deadline without a task cannot happen; drop any such entry so expiry
                // cannot loop on it.
                None => self.deadlines.retain(|_, s| *s != slot),
            }
            count += 1;
        }
        count
    }

    /// Removes every task, logging each removal (in creation order) when logging is on.
    ///
    /// Creation positions keep counting, so a cursor handed out before the clear resumes
    /// before every task created after it rather than part-way through them.
    pub fn clear(&mut self) {
        if let Some(log) = self.events.as_mut() {
            for (_, &slot) in self.order.range((EVERYONE, 0)..=(EVERYONE, u64::MAX)) {
                if let Some(stored) = self.slots.get_mut(slot as usize).and_then(Option::take) {
                    log.push(TaskEvent::removed(stored.record, RemovalReason::Cleared));
                }
            }
        }
        self.reset();
    }

    /// Removes every task without logging each removal: for a caller that drops whatever
    /// it keeps per task wholesale and has no one to tell. Otherwise as [`TaskStore::clear`].
    pub fn reset(&mut self) {
        let config = self.config.clone();
        let events = self.events.take();
        let next_seq = self.next_seq;
        let cursor_key = self.cursor_key;
        *self = TaskStore {
            config,
            events,
            next_seq,
            cursor_key,
            ..TaskStore::default()
        };
    }

    /// Whether one more task may be created for `session` (`max_tasks`,
    /// `max_tasks_per_session`).
    fn check_room(&self, session: Option<&str>) -> Result<(), StoreError> {
        let owned = session.map(|name| self.sessions.count(name) as u64);
        self.config.check_room(self.ids.len() as u64, owned)
    }

    /// Appends `message` to the queue of task `id`, which the caller must be able to see
    /// (else "not found"). A queue already holding `max_size` messages (at most the
    /// store's `max_queue_size`) rejects it, and nothing is enqueued.
    pub fn enqueue<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        message: M,
        session: Option<&str>,
        max_size: Option<u64>,
        now: Millis,
    ) -> Result<(), StoreError> {
        let handle = self.find_or_err(id.into(), session, now)?;
        let limit = self.config.queue_limit(max_size);
        let stored = self.stored_mut(handle).ok_or_else(dangling)?;
        let queue = stored.queue.get_or_insert_with(Box::default);
        let pushed = queue.push(message, Some(limit));
        if queue.len() == 1 && pushed.is_ok() {
            self.queued += 1;
        } else if queue.is_empty() {
            stored.queue = None;
        }
        pushed
    }

    /// Takes the oldest message queued for task `id`; `None` when there is none or the
    /// caller cannot see the task.
    pub fn dequeue<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Option<M>, StoreError> {
        Ok(self
            .take_queued(id.into(), session, now, Fifo::pop)?
            .flatten())
    }

    /// Takes every message queued for task `id`, oldest first; none when the caller cannot
    /// see the task.
    pub fn dequeue_all<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Vec<M>, StoreError> {
        Ok(self
            .take_queued(id.into(), session, now, Fifo::take_all)?
            .unwrap_or_default())
    }

    /// Live tasks with queued messages.
    pub fn queued_tasks(&mut self, now: Millis) -> usize {
        self.expire(now);
        self.queued
    }

    fn take_queued<T>(
        &mut self,
        id: TaskRef<'_>,
        session: Option<&str>,
        now: Millis,
        op: impl FnOnce(&mut Fifo<M>) -> T,
    ) -> Result<Option<T>, StoreError> {
        let Some(handle) = self.get(id, session, now)? else {
            return Ok(None);
        };
        let stored = self.stored_mut(handle).ok_or_else(dangling)?;
        let Some(queue) = stored.queue.as_mut() else {
            return Ok(None);
        };
        let out = op(queue);
        if queue.is_empty() {
            stored.queue = None;
            self.queued = self.queued.saturating_sub(1);
        }
        Ok(Some(out))
    }

    fn stored_mut(&mut self, handle: Handle) -> Option<&mut Stored<R, M, X>> {
        self.slots
            .get_mut(handle.slot as usize)
            .and_then(Option::as_mut)
            .filter(|s| s.record.seq == handle.seq)
    }

    /// The task `id` if it is stored and `session` may see it (expired tasks must have
    /// been dropped already).
    fn find(&self, id: TaskRef<'_>, session: Option<&str>) -> Option<Handle> {
        let handle = match id {
            TaskRef::Id(text) => self.handle_at(*self.ids.get(&TaskId::parse(text)?)?)?,
            TaskRef::Handle(handle) => handle,
        };
        let stored = self.stored(handle)?;
        stored.record.visible_to(session).then_some(handle)
    }

    fn find_or_err(
        &mut self,
        id: TaskRef<'_>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        // Note the id before `get` may expire the task (a handle of a removed task has none).
        let known = match id {
            TaskRef::Handle(handle) => self.stored(handle).map(|s| s.record.task.task_id),
            TaskRef::Id(_) => None,
        };
        self.get(id, session, now)?
            .ok_or_else(|| match (known, id) {
                (Some(task_id), _) => StoreError::not_found(&task_id.to_string()),
                (None, TaskRef::Id(text)) => StoreError::not_found(text),
                (None, TaskRef::Handle(_)) => StoreError::not_found("(removed task)"),
            })
    }

    /// Applies a rule to the task `id` if the caller may reach it; on success files its new
    /// deadline and logs the change. A rule that rejects leaves the record as it was.
    fn change(
        &mut self,
        id: TaskRef<'_>,
        session: Option<&str>,
        now: Millis,
        rule: impl FnOnce(&mut Stored<R, M, X>) -> Result<ChangeKind, StoreError>,
    ) -> Result<Handle, StoreError> {
        let handle = self.find_or_err(id, session, now)?;
        let stored = self.stored_mut(handle).ok_or_else(dangling)?;
        let before = stored.record.deadline;
        let kind = rule(stored)?;
        let after = stored.record.deadline;
        if before != after {
            let key = u64::from(handle.slot);
            if let Some(old) = before {
                self.deadlines.remove(&(old, key));
            }
            if let Some(new) = after {
                self.deadlines.insert((new, key), handle.slot);
            }
        }
        if let (Some(log), Some(stored)) = (
            self.events.as_mut(),
            self.slots
                .get(handle.slot as usize)
                .and_then(Option::as_ref),
        ) {
            log.push(TaskEvent::changed(kind, &stored.record, handle));
        }
        Ok(handle)
    }

    fn log(&mut self, event: TaskEvent) {
        if let Some(log) = self.events.as_mut() {
            log.push(event);
        }
    }

    fn owner_range(&self, owner: u64, start: u64) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.order
            .range((owner, start)..=(owner, u64::MAX))
            .map(|(&(_, s), &slot)| (s, slot))
    }

    /// Takes the task in `slot` out of every index; returns its last record.
    fn remove(&mut self, slot: u32) -> Option<TaskRecord> {
        let stored = self.slots.get_mut(slot as usize).and_then(Option::take)?;
        let record = stored.record;
        self.ids.remove(&record.task.task_id);
        self.order.remove(&(EVERYONE, record.seq));
        let owner_key = match record.owner.as_deref() {
            Some(name) => self.sessions.release(name),
            None => Some(UNOWNED),
        };
        if let Some(key) = owner_key {
            self.order.remove(&(key, record.seq));
        }
        if let Some(at) = record.deadline {
            self.deadlines.remove(&(at, u64::from(slot)));
        }
        if stored.queue.is_some() {
            self.queued = self.queued.saturating_sub(1);
        }
        self.free.push(slot);
        Some(record)
    }
}

/// The error for an index entry without its task, which the store's own bookkeeping rules
/// out.
fn dangling() -> StoreError {
    StoreError::internal("task index points at an empty slot")
}

/// Merges two streams ordered by sequence number, taking at most `want` items.
fn merge(
    a: impl Iterator<Item = (u64, u32)>,
    b: impl Iterator<Item = (u64, u32)>,
    want: usize,
) -> Vec<(u64, u32)> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    let mut out = Vec::with_capacity(want.min(64));
    while out.len() < want {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => {
                if x.0 < y.0 {
                    a.next()
                } else {
                    b.next()
                }
            }
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(item) => out.push(item),
            None => break,
        }
    }
    out
}
