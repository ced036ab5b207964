//! The task store: every rule of the spec's task lifecycle, independent of JS and of the
//! wire shape.
//!
//! Layout: tasks live in a slab (`slots`), found by id through a hash map. An ordered index
//! keeps creation order, each task filed both under its owning session and under
//! "everyone", so a page costs O(page size + log n); an ordered map of deadlines gives the
//! next expiry in O(log n).
//! Every operation first drops the tasks whose deadline has passed, so an expired task is
//! gone from every answer from its deadline on, whether or not a timer has fired yet.

use std::collections::{BTreeMap, HashMap};

use super::task::IdHashBuilder;
use super::{cursor, params, Millis, Outcome, StoreConfig, StoreError, Task, TaskId, TaskStatus};

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

/// Owner key of tasks created without a session (visible to every caller).
const UNOWNED: u64 = 0;
/// Key under which the creation-order index holds every task, whatever its owner.
const EVERYONE: u64 = u64::MAX;

/// What a caller may see.
#[derive(Clone, Copy, Debug)]
enum Scope {
    /// No session given: every task (the SDK's rule).
    All,
    /// A session: its own tasks and unowned ones. `None` when the session owns no task.
    Session(Option<u64>),
}

impl Scope {
    fn sees(self, owner: u64) -> bool {
        match self {
            Scope::All => true,
            Scope::Session(me) => owner == UNOWNED || Some(owner) == me,
        }
    }
}

/// A stored task: the Task, its result once stored, and a cache slot for the binding.
#[derive(Debug)]
pub struct Stored<R, V> {
    task: Task,
    seq: u64,
    owner: u64,
    deadline: Option<Millis>,
    result: Option<R>,
    view: Option<V>,
}

impl<R, V> Stored<R, V> {
    /// The task.
    pub fn task(&self) -> &Task {
        &self.task
    }

    /// The stored result, once `store_result` has been called.
    pub fn result(&self) -> Option<&R> {
        self.result.as_ref()
    }

    /// When the task will be removed, if ever.
    pub fn deadline(&self) -> Option<Millis> {
        self.deadline
    }

    /// A cached rendering of the task for the caller's use (a binding keeps the JS object
    /// here). The store empties it whenever the task changes.
    pub fn view_mut(&mut self) -> &mut Option<V> {
        &mut self.view
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

/// Session names interned to small integers, counted by the tasks they own.
#[derive(Debug, Default)]
struct Sessions {
    by_name: HashMap<Box<str>, (u64, usize)>,
    names: HashMap<u64, Box<str>>,
    next: u64,
}

impl Sessions {
    fn lookup(&self, name: &str) -> Option<u64> {
        self.by_name.get(name).map(|&(owner, _)| owner)
    }

    fn acquire(&mut self, name: &str) -> u64 {
        if let Some((owner, count)) = self.by_name.get_mut(name) {
            *count += 1;
            return *owner;
        }
        self.next += 1;
        let owner = self.next;
        self.by_name.insert(name.into(), (owner, 1));
        self.names.insert(owner, name.into());
        owner
    }

    fn release(&mut self, owner: u64) {
        let Some(name) = self.names.get(&owner) else {
            return;
        };
        let gone = match self.by_name.get_mut(name) {
            Some((_, count)) => {
                *count = count.saturating_sub(1);
                *count == 0
            }
            None => false,
        };
        if gone {
            self.by_name.remove(name);
            self.names.remove(&owner);
        }
    }
}

/// An in-memory task store. `R` is the stored result type; `V` is a per-task cache the
/// caller may fill (see [`Stored::view_mut`]).
///
/// Time is passed into every operation as `now` (milliseconds since the epoch).
#[derive(Debug)]
pub struct TaskStore<R, V = ()> {
    config: StoreConfig,
    slots: Vec<Option<Stored<R, V>>>,
    free: Vec<u32>,
    ids: HashMap<TaskId, u32, IdHashBuilder>,
    /// Creation order: every task under `(EVERYONE, seq)` and under `(owner, seq)`.
    order: BTreeMap<(u64, u64), u32>,
    /// Expiry schedule: `(deadline, slot)` → slot. One map type for both indexes keeps
    /// the wasm module small.
    deadlines: BTreeMap<(Millis, u64), u32>,
    sessions: Sessions,
    next_seq: u64,
    removed: Option<Vec<TaskId>>,
}

impl<R, V> Default for TaskStore<R, V> {
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
            removed: None,
        }
    }
}

impl<R, V> TaskStore<R, V> {
    /// An empty store with these settings.
    pub fn new(config: StoreConfig) -> Result<Self, StoreError> {
        config.validate()?;
        Ok(TaskStore {
            config,
            ..TaskStore::default()
        })
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

    /// The earliest deadline of any task, for arming one timer.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.deadlines.first_key_value().map(|(&(at, _), _)| at)
    }

    /// Starts (or stops) recording the ids of removed tasks, for [`TaskStore::drain_removed`].
    /// Turning it on again keeps what was recorded and not yet drained.
    pub fn record_removals(&mut self, on: bool) {
        if !on {
            self.removed = None;
        } else if self.removed.is_none() {
            self.removed = Some(Vec::new());
        }
    }

    /// The ids removed since the last call (expired or cleared), when recording is on.
    pub fn drain_removed(&mut self) -> Vec<TaskId> {
        self.removed
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The stored task behind a handle.
    pub fn stored(&self, handle: Handle) -> Option<&Stored<R, V>> {
        self.slots
            .get(handle.slot as usize)
            .and_then(Option::as_ref)
            .filter(|s| s.seq == handle.seq)
    }

    /// The stored task behind a handle, for filling its view cache.
    pub fn stored_mut(&mut self, handle: Handle) -> Option<&mut Stored<R, V>> {
        self.slots
            .get_mut(handle.slot as usize)
            .and_then(Option::as_mut)
            .filter(|s| s.seq == handle.seq)
    }

    /// The handle of the task now in `slot`, if any.
    pub fn handle_at(&self, slot: u32) -> Option<Handle> {
        let stored = self.slots.get(slot as usize)?.as_ref()?;
        Some(Handle {
            slot,
            seq: stored.seq,
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
            return Err(StoreError::Internal {
                message: format!("task id {id} already exists"),
            });
        }
        let ttl = self.config.grant_ttl(params.ttl);
        let task = Task {
            task_id: id,
            status: TaskStatus::Working,
            status_message: None,
            created_at: now,
            last_updated_at: now,
            ttl,
            poll_interval: params
                .poll_interval
                .unwrap_or(self.config.default_poll_interval),
        };
        let owner = session.map_or(UNOWNED, |name| self.sessions.acquire(name));
        let seq = self.next_seq;
        self.next_seq += 1;
        let deadline = ttl.map(|t| now.saturating_add(t));
        let stored = Stored {
            task,
            seq,
            owner,
            deadline,
            result: None,
            view: None,
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
        self.order.insert((owner, seq), slot);
        if let Some(at) = deadline {
            self.deadlines.insert((at, u64::from(slot)), slot);
        }
        Ok(Handle { slot, seq })
    }

    /// The task `id` if the caller may see it; `Ok(None)` when there is no such task for
    /// the caller.
    pub fn get<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Option<Handle>, StoreError> {
        let scope = self.scope(session)?;
        self.expire(now);
        Ok(self.find(id.into(), scope))
    }

    /// Moves a non-terminal task to `status`, with an optional message.
    ///
    /// A repeated non-terminal status is allowed (it updates the message and
    /// `lastUpdatedAt`). Without a message, a change of status clears the old message and
    /// a repeated status keeps it. Reaching a terminal status restarts the ttl clock.
    pub fn update_status<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        status: TaskStatus,
        message: Option<String>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        let id = id.into();
        let handle = self.find_or_err(id, session, now)?;
        let stored = self.stored_ok(handle)?;
        let from = stored.task.status;
        if !from.can_move_to(status) {
            return Err(StoreError::TerminalUpdate {
                task_id: self.label(id),
                from,
                to: status,
            });
        }
        if message.is_some() || status != from {
            stored.task.status_message = message;
        }
        stored.task.status = status;
        self.touch(handle, now);
        Ok(handle)
    }

    /// Stores the result of a non-terminal task and ends it as `outcome`, at once.
    /// The ttl clock restarts, so the result stays readable for `ttl` from now.
    pub fn store_result<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        outcome: Outcome,
        result: R,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        let id = id.into();
        let handle = self.find_or_err(id, session, now)?;
        let stored = self.stored_ok(handle)?;
        let status = stored.task.status;
        if status.is_terminal() {
            return Err(StoreError::TerminalResult {
                task_id: self.label(id),
                status,
            });
        }
        stored.task.status = outcome.into();
        stored.task.status_message = None;
        stored.result = Some(result);
        self.touch(handle, now);
        Ok(handle)
    }

    /// The stored result of task `id`.
    pub fn result<'a>(
        &mut self,
        id: impl Into<TaskRef<'a>>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<&R, StoreError> {
        let id = id.into();
        let handle = self.find_or_err(id, session, now)?;
        let stored = self.stored(handle).ok_or_else(dangling)?;
        match &stored.result {
            Some(result) => Ok(result),
            None => Err(StoreError::NoResult {
                task_id: self.label(id),
                status: stored.task.status,
            }),
        }
    }

    /// One page of the tasks the caller may see, in creation order, after `cursor`.
    ///
    /// A cursor is a `next_cursor` from an earlier page (valid even if its task is gone) or,
    /// as the SDK's callers do, the id of a live task the caller may see ("after this
    /// task").
    pub fn list(
        &mut self,
        cursor: Option<&str>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Page, StoreError> {
        let scope = self.scope(session)?;
        self.expire(now);
        let after = match cursor {
            None => None,
            Some(text) => Some(self.resolve_cursor(text, scope)?),
        };
        let start = after.map_or(0, |seq| seq.saturating_add(1));
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
            items.last().map(|&(seq, _)| cursor::encode(seq))
        } else {
            None
        };
        Ok(Page {
            items: items
                .into_iter()
                .map(|(seq, slot)| Handle { slot, seq })
                .collect(),
            next_cursor,
        })
    }

    /// Every live task, in creation order, whatever its session.
    pub fn all(&mut self, now: Millis) -> Vec<Handle> {
        self.expire(now);
        self.owner_range(EVERYONE, 0)
            .map(|(seq, slot)| Handle { slot, seq })
            .collect()
    }

    /// Drops every task whose deadline is at or before `now`; returns how many.
    pub fn expire(&mut self, now: Millis) -> usize {
        let mut count = 0;
        while let Some((&(at, _), &slot)) = self.deadlines.first_key_value() {
            if at > now {
                break;
            }
            self.remove(slot);
            count += 1;
        }
        count
    }

    /// Removes every task.
    ///
    /// Creation positions keep counting, so a cursor handed out before the clear resumes
    /// before every task created after it rather than part-way through them.
    pub fn clear(&mut self) {
        if let Some(log) = self.removed.as_mut() {
            log.extend(self.ids.keys().copied());
        }
        let config = self.config.clone();
        let recording = self.removed.take();
        let next_seq = self.next_seq;
        *self = TaskStore {
            config,
            removed: recording,
            next_seq,
            ..TaskStore::default()
        };
    }

    fn scope(&self, session: Option<&str>) -> Result<Scope, StoreError> {
        Ok(match params::session(session)? {
            None => Scope::All,
            Some(name) => Scope::Session(self.sessions.lookup(name)),
        })
    }

    fn find(&self, id: TaskRef<'_>, scope: Scope) -> Option<Handle> {
        let handle = match id {
            TaskRef::Id(text) => self.handle_at(*self.ids.get(&TaskId::parse(text)?)?)?,
            TaskRef::Handle(handle) => handle,
        };
        let stored = self.stored(handle)?;
        scope.sees(stored.owner).then_some(handle)
    }

    fn find_or_err(
        &mut self,
        id: TaskRef<'_>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Handle, StoreError> {
        // Note the id before `get` may expire the task (a handle of a removed task has none).
        let known = match id {
            TaskRef::Handle(handle) => self.stored(handle).map(|s| s.task.task_id),
            TaskRef::Id(_) => None,
        };
        self.get(id, session, now)?.ok_or_else(|| {
            StoreError::not_found(&known.map_or_else(|| self.label(id), |k| k.to_string()))
        })
    }

    /// The task id to quote in a message.
    fn label(&self, id: TaskRef<'_>) -> String {
        match id {
            TaskRef::Id(text) => super::error::quote_input(text),
            TaskRef::Handle(handle) => self
                .stored(handle)
                .map_or_else(|| "(removed task)".into(), |s| s.task.task_id.to_string()),
        }
    }

    fn stored_ok(&mut self, handle: Handle) -> Result<&mut Stored<R, V>, StoreError> {
        self.stored_mut(handle).ok_or_else(dangling)
    }

    /// Records a change: moves `lastUpdatedAt` (never backwards), empties the view cache,
    /// and restarts the ttl clock if the task just became terminal.
    fn touch(&mut self, handle: Handle, now: Millis) {
        let Some(stored) = self
            .slots
            .get_mut(handle.slot as usize)
            .and_then(Option::as_mut)
        else {
            return;
        };
        stored.task.last_updated_at = stored.task.last_updated_at.max(now);
        stored.view = None;
        if stored.task.status.is_terminal() {
            if let Some(ttl) = stored.task.ttl {
                let deadline = now.saturating_add(ttl);
                if let Some(old) = stored.deadline.replace(deadline) {
                    self.deadlines.remove(&(old, u64::from(handle.slot)));
                }
                self.deadlines
                    .insert((deadline, u64::from(handle.slot)), handle.slot);
            }
        }
    }

    fn resolve_cursor(&self, text: &str, scope: Scope) -> Result<u64, StoreError> {
        if let Some(seq) = cursor::decode(text) {
            if seq < self.next_seq {
                return Ok(seq);
            }
        } else if let Some(handle) = self.find(TaskRef::Id(text), scope) {
            if let Some(stored) = self.stored(handle) {
                return Ok(stored.seq);
            }
        }
        Err(StoreError::InvalidCursor {
            cursor: super::error::quote_input(text),
        })
    }

    fn owner_range(&self, owner: u64, start: u64) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.order
            .range((owner, start)..=(owner, u64::MAX))
            .map(|(&(_, s), &slot)| (s, slot))
    }

    fn remove(&mut self, slot: u32) {
        let Some(stored) = self.slots.get_mut(slot as usize).and_then(Option::take) else {
            // A deadline without a task cannot happen; drop any such entry so expiry
            // cannot loop on it.
            self.deadlines.retain(|_, s| *s != slot);
            return;
        };
        self.ids.remove(&stored.task.task_id);
        self.order.remove(&(EVERYONE, stored.seq));
        self.order.remove(&(stored.owner, stored.seq));
        if let Some(at) = stored.deadline {
            self.deadlines.remove(&(at, u64::from(slot)));
        }
        if stored.owner != UNOWNED {
            self.sessions.release(stored.owner);
        }
        if let Some(log) = self.removed.as_mut() {
            log.push(stored.task.task_id);
        }
        self.free.push(slot);
    }
}

/// The error for an index entry without its task, which the store's own bookkeeping rules
/// out.
fn dangling() -> StoreError {
    StoreError::Internal {
        message: "task index points at an empty slot".into(),
    }
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
