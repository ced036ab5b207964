//! A thread-safe task store for native Rust servers, with change streams and waits
//! (feature `sync`).
//!
//! [`SharedTaskStore`] is a [`TaskStore`] behind an `Arc<Mutex<…>>` with a clock of its
//! own: clones share one store, every call reads the clock, and answers are owned
//! [`Task`]s. On top of the store's change log ([`crate::TaskEvent`]) it offers:
//!
//! - [`SharedTaskStore::subscribe`]: a [`Stream`] of [`StatusEvent`]s, each carrying the
//!   task's state after the change (for a removal, its last state). With a session, only
//!   the tasks that session may see ([`crate::visible_to`]).
//! - [`SharedTaskStore::wait_for_update`] and [`SharedTaskStore::wait_for_terminal`]:
//!   futures that resolve with the task at its next change, or once it is terminal.
//!
//! Events are handed out after every call, from the log that call wrote, in the order the
//! changes happened. The store's lock is held while the call runs and while the events
//! are filed (a queue push per subscriber, a hand-over per waiter); wakers run after it
//! is released, so a woken task may call straight back into the store.
//!
//! # No timer
//!
//! The store holds no timer and needs no runtime. A task whose deadline has passed is
//! dropped by the next call that touches the store (any call: `get`, `list`, `create`,
//! …), and that call emits its [`ChangeKind::Removed`]`(`[`RemovalReason::Expired`]`)`
//! event and wakes its waiters. To have expiry announced on time rather than at the next
//! call, drive [`SharedTaskStore::expire`] from your runtime at
//! [`SharedTaskStore::next_deadline`] (see the second example).
//!
//! # Example
//!
//! A worker thread finishes a task while the caller waits for it; a subscriber sees each
//! change with the task's state after it.
//!
//! ```
//! use futures::executor::block_on;
//! use futures::StreamExt;
//! use mcp_task_store_core::shared::SharedTaskStore;
//! use mcp_task_store_core::{ChangeKind, CreateParams, Outcome, StoreConfig, TaskStatus};
//!
//! let store: SharedTaskStore<String> = SharedTaskStore::new(StoreConfig::default())?;
//! let mut events = store.subscribe(Some("alice"))?;
//!
//! let task = store.create(CreateParams::default(), Some("alice"))?;
//! let id = task.task_id.to_string();
//!
//! // The wait is registered here, before the worker starts: it cannot miss the change.
//! let finished = store.wait_for_terminal(&id, Some("alice"));
//! let worker = {
//!     let (store, id) = (store.clone(), id.clone());
//!     std::thread::spawn(move || {
//!         store.update_status(&id, TaskStatus::InputRequired, Some("which file?".into()), None)?;
//!         store.store_result(&id, Outcome::Completed, "done".to_string(), None)
//!     })
//! };
//! let task = block_on(finished)?;
//! assert_eq!(task.status, TaskStatus::Completed);
//! worker.join().expect("the worker thread")?;
//! assert_eq!(store.result(&id, Some("alice"))?, "done");
//!
//! // The subscriber got every change, in order, each with the state after it.
//! let mut seen = Vec::new();
//! for _ in 0..3 {
//!     let event = block_on(events.next()).expect("an event")?;
//!     seen.push((event.kind, event.task.status));
//! }
//! assert_eq!(
//!     seen,
//!     [
//!         (ChangeKind::Created, TaskStatus::Working),
//!         (ChangeKind::Status, TaskStatus::InputRequired),
//!         (ChangeKind::Result, TaskStatus::Completed),
//!     ]
//! );
//!
//! // A wait registered after a change resolves at the next one.
//! let task = store.create(CreateParams::default(), None)?;
//! let id = task.task_id.to_string();
//! let next = store.wait_for_update(&id, None);
//! store.cancel(&id, Some("no longer needed".into()), None)?;
//! assert_eq!(block_on(next)?.status, TaskStatus::Cancelled);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Driving expiry from a runtime: sleep until the next deadline, then expire. Here with a
//! plain thread; with an async runtime, its own sleep does the same.
//!
//! ```
//! use std::time::Duration;
//! use mcp_task_store_core::shared::SharedTaskStore;
//!
//! /// Announces expiries within `slack` ms of their deadline, for as long as it runs.
//! fn drive_expiry(store: &SharedTaskStore<String>, slack: u64) {
//!     loop {
//!         // A task created meanwhile may have an earlier deadline: look again at least
//!         // every `slack` ms.
//!         let due = store.next_deadline().map_or(slack, |at| at.saturating_sub(store.now()));
//!         std::thread::sleep(Duration::from_millis(due.min(slack)));
//!         store.expire();
//!     }
//! }
//! # let _ = drive_expiry;
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use futures::channel::oneshot;
use futures::stream::{FusedStream, Stream};

use super::{
    params, visible_to, ChangeKind, CreateParams, Handle, IdSource, Millis, Outcome, RemovalReason,
    StoreConfig, StoreError, Task, TaskEvent, TaskId, TaskStatus, TaskStore, MAX_MILLIS,
};

/// Where a [`SharedTaskStore`] reads the time: milliseconds since the Unix epoch.
///
/// It is called with the store's lock held, so it must not call into the store.
pub type Clock = Arc<dyn Fn() -> Millis + Send + Sync>;

/// How many undelivered events a subscriber may hold, unless it asks for another bound
/// ([`SharedTaskStore::subscribe_with_capacity`]).
pub const DEFAULT_SUBSCRIBER_CAPACITY: usize = 1000;

/// A thread-safe in-memory task store: a [`TaskStore`] shared by every clone, with its own
/// clock, change streams ([`SharedTaskStore::subscribe`]) and waits
/// ([`SharedTaskStore::wait_for_update`], [`SharedTaskStore::wait_for_terminal`]).
///
/// `R` is the stored result type, `M` the type of queued messages. The store is `Send` and
/// `Sync` when `R` and `M` are `Send`. See the [module documentation](self) for an example
/// and for how expiry is driven.
pub struct SharedTaskStore<R, M = ()> {
    shared: Arc<Shared<R, M>>,
}

/// One change, as a subscriber receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEvent {
    /// What happened.
    pub kind: ChangeKind,
    /// The task as it is after the change; for a removal, as it was last.
    pub task: Task,
    /// The task record's version after the change (its last version, for a removal):
    /// within one task, versions only grow.
    pub version: u64,
}

/// The end of a subscription whose buffer filled up: the subscriber was holding `capacity`
/// undelivered events when another one came, so that event and every later one were not
/// given to it. Subscribe again and read the current state (`list`, `get`) to catch up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lagged {
    /// The subscriber's buffer size.
    pub capacity: usize,
}

impl fmt::Display for Lagged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "subscriber lagged: {} events were waiting to be read when another came; later \
             events were not delivered (subscribe again and re-read the tasks)",
            self.capacity
        )
    }
}

impl std::error::Error for Lagged {}

/// Why a wait ended without the task it waited for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitError {
    /// The wait was refused when it was made: no such task for the caller
    /// ([`StoreError::NotFound`]: never created, expired, deleted, or another session's),
    /// or an invalid session.
    Store(StoreError),
    /// The task left the store while it was waited for.
    Removed {
        /// Why it left.
        reason: RemovalReason,
        /// Its last state.
        last: Box<Task>,
    },
}

impl From<StoreError> for WaitError {
    fn from(error: StoreError) -> Self {
        WaitError::Store(error)
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Store(error) => fmt::Display::fmt(error, f),
            WaitError::Removed { reason, last } => write!(
                f,
                "Task {} was removed ({}) while it was waited for",
                last.task_id,
                reason.as_str()
            ),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Store(error) => Some(error),
            WaitError::Removed { .. } => None,
        }
    }
}

/// What a [`SharedTaskStore`] holds, for monitoring and for checking that nothing leaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Tasks held (a task past its deadline counts until the next call drops it).
    pub tasks: usize,
    /// Pending waits ([`TaskWait`]s neither resolved nor dropped).
    pub waiters: usize,
    /// Live subscriptions ([`StatusEvents`] neither dropped nor ended by a lag).
    pub subscribers: usize,
}

/// One page of [`SharedTaskStore::list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskPage {
    /// The tasks, in creation order.
    pub tasks: Vec<Task>,
    /// Present if and only if more tasks follow.
    pub next_cursor: Option<String>,
}

/// What every clone of a store shares.
struct Shared<R, M> {
    inner: Mutex<Inner<R, M>>,
    clock: Clock,
}

impl<R, M> Shared<R, M> {
    /// The store's state; a lock poisoned by a panic elsewhere is taken over as it is (the
    /// store's own rules leave it consistent between calls).
    fn lock(&self) -> MutexGuard<'_, Inner<R, M>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The state behind the lock.
struct Inner<R, M> {
    store: TaskStore<R, M>,
    ids: IdSource,
    /// Pending waits, by task and then by key, so a task's waiters are one range.
    waiters: BTreeMap<(TaskId, u64), Waiter>,
    subscribers: BTreeMap<u64, Subscriber>,
    /// The key of the next waiter or subscriber.
    next_key: u64,
}

/// A registered wait: what it waits for and where its answer goes.
struct Waiter {
    until_terminal: bool,
    reply: oneshot::Sender<Answer>,
}

/// A registered subscription.
struct Subscriber {
    session: Option<Arc<str>>,
    feed: Arc<Mutex<Feed>>,
}

/// A subscriber's buffer, shared by the store (which fills it) and the stream (which
/// empties it).
struct Feed {
    events: VecDeque<StatusEvent>,
    capacity: usize,
    /// Set when an event found the buffer full; the subscription then ends.
    lagged: bool,
    waker: Option<Waker>,
}

fn lock_feed(feed: &Mutex<Feed>) -> MutexGuard<'_, Feed> {
    feed.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How a wait ends.
type Answer = Result<Task, WaitError>;

/// What a call has to hand out once the lock is released.
#[derive(Default)]
struct Deliveries {
    replies: Vec<(oneshot::Sender<Answer>, Answer)>,
    wakers: Vec<Waker>,
}

impl Deliveries {
    fn deliver(self) {
        for (reply, outcome) in self.replies {
            // A wait dropped since its entry was taken has no one to tell.
            let _ = reply.send(outcome);
        }
        for waker in self.wakers {
            waker.wake();
        }
    }
}

impl<R, M> Inner<R, M> {
    fn next_key(&mut self) -> u64 {
        let key = self.next_key;
        self.next_key = self.next_key.wrapping_add(1);
        key
    }

    /// Takes the change log and files each change with the waiters and subscribers it
    /// concerns; what to wake is returned, to be woken after the lock is released.
    fn dispatch(&mut self) -> Deliveries {
        let mut out = Deliveries::default();
        if self.waiters.is_empty() && self.subscribers.is_empty() {
            self.store.drain_events().for_each(drop);
            return out;
        }
        let events: Vec<TaskEvent> = self.store.drain_events().collect();
        for event in events {
            let kind = event.kind;
            let version = event.version;
            let Some(task) = self.state_after(event.handle, event.last) else {
                continue;
            };
            self.wake_waiters(kind, &task, &mut out);
            self.feed_subscribers(
                StatusEvent {
                    kind,
                    task,
                    version,
                },
                event.owner.as_deref(),
                &mut out,
            );
        }
        out
    }

    /// The task's state after a change: carried by a removal, else the record held now
    /// (the log is drained after every call, so that is the state the change left).
    fn state_after(&self, handle: Option<Handle>, last: Option<Box<Task>>) -> Option<Task> {
        match last {
            Some(task) => Some(*task),
            None => Some(self.store.stored(handle?)?.task().clone()),
        }
    }

    fn wake_waiters(&mut self, kind: ChangeKind, task: &Task, out: &mut Deliveries) {
        let id = task.task_id;
        let outcome = match kind {
            ChangeKind::Removed(reason) => Err(WaitError::Removed {
                reason,
                last: Box::new(task.clone()),
            }),
            ChangeKind::Created | ChangeKind::Status | ChangeKind::Result => Ok(task.clone()),
        };
        let terminal = task.status.is_terminal();
        let due: Vec<(TaskId, u64)> = self
            .waiters
            .range((id, 0)..=(id, u64::MAX))
            .filter(|(_, w)| outcome.is_err() || !w.until_terminal || terminal)
            .map(|(&key, _)| key)
            .collect();
        for key in due {
            if let Some(waiter) = self.waiters.remove(&key) {
                out.replies.push((waiter.reply, outcome.clone()));
            }
        }
    }

    fn feed_subscribers(&mut self, event: StatusEvent, owner: Option<&str>, out: &mut Deliveries) {
        let mut lagged = Vec::new();
        for (&key, subscriber) in &self.subscribers {
            if !visible_to(owner, subscriber.session.as_deref()) {
                continue;
            }
            let mut feed = lock_feed(&subscriber.feed);
            if feed.events.len() >= feed.capacity {
                feed.lagged = true;
                lagged.push(key);
            } else {
                feed.events.push_back(event.clone());
            }
            out.wakers.extend(feed.waker.take());
        }
        for key in lagged {
            self.subscribers.remove(&key);
        }
    }
}

/// The system clock in ms since the epoch, clamped to what a timestamp can show (a clock
/// before 1970 reads 0).
fn system_now() -> Millis {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    ms.min(MAX_MILLIS)
}

/// The error for a handle the store just gave out that finds no task, which the store's
/// bookkeeping rules out.
fn vanished() -> StoreError {
    StoreError::internal("a task the store just reported is not held")
}

fn task_at<R, M>(store: &TaskStore<R, M>, handle: crate::Handle) -> Result<Task, StoreError> {
    store
        .stored(handle)
        .map(|s| s.task().clone())
        .ok_or_else(vanished)
}

impl<R, M> Clone for SharedTaskStore<R, M> {
    /// Another handle on the same store.
    fn clone(&self) -> Self {
        SharedTaskStore {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<R, M> fmt::Debug for SharedTaskStore<R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedTaskStore")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl<R, M> SharedTaskStore<R, M> {
    /// An empty store with these settings, reading the system clock (where there is
    /// none, as on `wasm32-unknown-unknown`, pass one to [`SharedTaskStore::with_clock`]).
    pub fn new(config: StoreConfig) -> Result<Self, StoreError> {
        SharedTaskStore::with_clock(config, Arc::new(system_now))
    }

    /// An empty store with these settings, reading the time from `clock` (tests drive
    /// time with it). The clock is read under the store's lock, once per call.
    pub fn with_clock(config: StoreConfig, clock: Clock) -> Result<Self, StoreError> {
        let mut store = TaskStore::new(config)?;
        store.record_events(true);
        Ok(SharedTaskStore {
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner {
                    store,
                    ids: IdSource::default(),
                    waiters: BTreeMap::new(),
                    subscribers: BTreeMap::new(),
                    next_key: 0,
                }),
                clock,
            }),
        })
    }

    /// Runs `op` on the store under the lock at the clock's time, files the changes it
    /// made, and wakes whoever they concern once the lock is released.
    fn call<T>(&self, op: impl FnOnce(&mut Inner<R, M>, Millis) -> T) -> T {
        let mut inner = self.shared.lock();
        let now = (self.shared.clock)();
        let out = op(&mut inner, now);
        let deliveries = inner.dispatch();
        drop(inner);
        deliveries.deliver();
        out
    }

    /// The time by the store's clock.
    pub fn now(&self) -> Millis {
        (self.shared.clock)()
    }

    /// The settings.
    pub fn config(&self) -> StoreConfig {
        self.shared.lock().store.config().clone()
    }

    /// Creates a task in `working` with a fresh random id, owned by `session` if one is
    /// given ([`TaskStore::create`]).
    pub fn create(&self, params: CreateParams, session: Option<&str>) -> Result<Task, StoreError> {
        self.call(|inner, now| {
            let id = inner
                .ids
                .next_random()
                .map_err(|e| StoreError::internal(format!("the random source failed: {e}")))?;
            let handle = inner.store.create(id, params, session, now)?;
            task_at(&inner.store, handle)
        })
    }

    /// Task `id` if `session` may see it; `None` if there is no such task for it.
    pub fn get(&self, id: &str, session: Option<&str>) -> Result<Option<Task>, StoreError> {
        self.call(|inner, now| {
            let handle = inner.store.get(id, session, now)?;
            handle.map(|h| task_at(&inner.store, h)).transpose()
        })
    }

    /// Moves a non-terminal task to `status`, with an optional message
    /// ([`TaskStore::update_status`]); returns the task after the change.
    pub fn update_status(
        &self,
        id: &str,
        status: TaskStatus,
        message: Option<String>,
        session: Option<&str>,
    ) -> Result<Task, StoreError> {
        self.call(|inner, now| {
            let handle = inner
                .store
                .update_status(id, status, message, session, now)?;
            task_at(&inner.store, handle)
        })
    }

    /// Cancels a non-terminal task ([`TaskStore::cancel`]); returns the task after the
    /// change.
    pub fn cancel(
        &self,
        id: &str,
        message: Option<String>,
        session: Option<&str>,
    ) -> Result<Task, StoreError> {
        self.call(|inner, now| {
            let handle = inner.store.cancel(id, message, session, now)?;
            task_at(&inner.store, handle)
        })
    }

    /// Stores the result of a non-terminal task and ends it as `outcome`
    /// ([`TaskStore::store_result`]); returns the task after the change.
    pub fn store_result(
        &self,
        id: &str,
        outcome: Outcome,
        result: R,
        session: Option<&str>,
    ) -> Result<Task, StoreError> {
        self.call(|inner, now| {
            let handle = inner
                .store
                .store_result(id, outcome, result, session, now)?;
            task_at(&inner.store, handle)
        })
    }

    /// A copy of the stored result of task `id` ([`TaskStore::result`]).
    pub fn result(&self, id: &str, session: Option<&str>) -> Result<R, StoreError>
    where
        R: Clone,
    {
        self.call(|inner, now| inner.store.result(id, session, now).cloned())
    }

    /// Removes task `id` with its result and messages ([`TaskStore::delete`]); returns its
    /// last state. Its waiters end with [`WaitError::Removed`]
    /// ([`RemovalReason::Deleted`]).
    pub fn delete(&self, id: &str, session: Option<&str>) -> Result<Task, StoreError> {
        self.call(|inner, now| Ok(inner.store.delete(id, session, now)?.task))
    }

    /// One page of the tasks `session` may see, in creation order, after `cursor`
    /// ([`TaskStore::list`]).
    pub fn list(
        &self,
        cursor: Option<&str>,
        session: Option<&str>,
    ) -> Result<TaskPage, StoreError> {
        self.call(|inner, now| {
            let page = inner.store.list(cursor, session, now)?;
            let tasks = page
                .items
                .into_iter()
                .map(|h| task_at(&inner.store, h))
                .collect::<Result<_, _>>()?;
            Ok(TaskPage {
                tasks,
                next_cursor: page.next_cursor,
            })
        })
    }

    /// Removes every task; each one's waiters end with [`WaitError::Removed`]
    /// ([`RemovalReason::Cleared`]) and subscribers get its removal.
    pub fn clear(&self) {
        self.call(|inner, _| inner.store.clear());
    }

    /// Drops every task whose deadline has passed, emitting their removals and ending
    /// their waits; returns how many. Every other call does the same first, so this is
    /// only needed to announce expiry on time (see the [module documentation](self)).
    pub fn expire(&self) -> usize {
        self.call(|inner, now| inner.store.expire(now))
    }

    /// The earliest deadline of any task: when to call [`SharedTaskStore::expire`] next.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.shared.lock().store.next_deadline()
    }

    /// Appends `message` to the queue of task `id` ([`TaskStore::enqueue`]).
    pub fn enqueue(
        &self,
        id: &str,
        message: M,
        session: Option<&str>,
        max_size: Option<u64>,
    ) -> Result<(), StoreError> {
        self.call(|inner, now| inner.store.enqueue(id, message, session, max_size, now))
    }

    /// Takes the oldest message queued for task `id` ([`TaskStore::dequeue`]).
    pub fn dequeue(&self, id: &str, session: Option<&str>) -> Result<Option<M>, StoreError> {
        self.call(|inner, now| inner.store.dequeue(id, session, now))
    }

    /// Takes every message queued for task `id`, oldest first ([`TaskStore::dequeue_all`]).
    pub fn dequeue_all(&self, id: &str, session: Option<&str>) -> Result<Vec<M>, StoreError> {
        self.call(|inner, now| inner.store.dequeue_all(id, session, now))
    }

    /// Tasks held, pending waits and live subscriptions. Reads only: a task past its
    /// deadline counts until a call drops it.
    pub fn stats(&self) -> StoreStats {
        let inner = self.shared.lock();
        StoreStats {
            tasks: inner.store.len(),
            waiters: inner.waiters.len(),
            subscribers: inner.subscribers.len(),
        }
    }

    /// The changes from now on of the tasks `session` may see (every task without a
    /// session), buffering up to [`DEFAULT_SUBSCRIBER_CAPACITY`] undelivered events. See
    /// [`SharedTaskStore::subscribe_with_capacity`].
    pub fn subscribe(&self, session: Option<&str>) -> Result<StatusEvents<R, M>, StoreError> {
        self.subscribe_with_capacity(session, DEFAULT_SUBSCRIBER_CAPACITY)
    }

    /// The changes from now on of the tasks `session` may see ([`crate::visible_to`]; every
    /// task without a session), as a stream of [`StatusEvent`]s in the order they happened.
    ///
    /// The store never waits for a subscriber: each has a buffer of `capacity` events (at
    /// least 1). When an event finds it full, the subscription ends there: the stream
    /// yields the events it holds, then one `Err(`[`Lagged`]`)`, then ends; the missed
    /// event and later ones are not delivered. Dropping the stream unsubscribes. An empty
    /// session is rejected, as by every call.
    pub fn subscribe_with_capacity(
        &self,
        session: Option<&str>,
        capacity: usize,
    ) -> Result<StatusEvents<R, M>, StoreError> {
        let session = params::session(session)?;
        let feed = Arc::new(Mutex::new(Feed {
            events: VecDeque::new(),
            capacity: capacity.max(1),
            lagged: false,
            waker: None,
        }));
        let mut inner = self.shared.lock();
        let key = inner.next_key();
        inner.subscribers.insert(
            key,
            Subscriber {
                session: session.map(Arc::from),
                feed: Arc::clone(&feed),
            },
        );
        drop(inner);
        Ok(StatusEvents {
            store: Arc::clone(&self.shared),
            key,
            feed,
            done: false,
        })
    }

    /// Waits for the next change of task `id` after this call: resolves with the task's
    /// state after that change, or fails with [`WaitError::Removed`] if the change is its
    /// removal. A terminal task changes no more, so a wait on one resolves only with its
    /// removal.
    ///
    /// The task is looked up and the wait registered under one lock, so no change can slip
    /// between the two. Fails at once with [`WaitError::Store`] (not found) if `session`
    /// may not see the task. Dropping the future cancels the wait.
    pub fn wait_for_update(&self, id: &str, session: Option<&str>) -> TaskWait<R, M> {
        self.wait(id, session, false)
    }

    /// Waits until task `id` is terminal: resolves at once (with the task) if it already
    /// is, else at the change that ends it; fails with [`WaitError::Removed`] if it is
    /// removed first, or at once with [`WaitError::Store`] (not found) if `session` may not
    /// see it. Dropping the future cancels the wait.
    pub fn wait_for_terminal(&self, id: &str, session: Option<&str>) -> TaskWait<R, M> {
        self.wait(id, session, true)
    }

    fn wait(&self, id: &str, session: Option<&str>, until_terminal: bool) -> TaskWait<R, M> {
        let (reply, answer) = oneshot::channel();
        let registered = self.call(|inner, now| {
            let handle = inner
                .store
                .get(id, session, now)?
                .ok_or_else(|| StoreError::not_found(id))?;
            let task = task_at(&inner.store, handle)?;
            if until_terminal && task.status.is_terminal() {
                return Ok(Err(task));
            }
            let key = (task.task_id, inner.next_key());
            inner.waiters.insert(
                key,
                Waiter {
                    until_terminal,
                    reply,
                },
            );
            Ok(Ok(key))
        });
        let state = match registered {
            Ok(Ok(key)) => WaitState::Pending {
                store: Arc::clone(&self.shared),
                key,
                answer,
            },
            Ok(Err(task)) => WaitState::Ready(Ok(task)),
            Err(error) => WaitState::Ready(Err(WaitError::Store(error))),
        };
        TaskWait { state }
    }
}

/// A wait on one task ([`SharedTaskStore::wait_for_update`],
/// [`SharedTaskStore::wait_for_terminal`]): a future of the task, or of why it is gone.
///
/// The wait is registered when it is made, not when first polled. Dropping it before it
/// resolves removes it from the store.
#[must_use = "a wait does nothing unless awaited; dropping it cancels it"]
pub struct TaskWait<R, M = ()> {
    state: WaitState<R, M>,
}

enum WaitState<R, M> {
    /// Answered when made.
    Ready(Answer),
    /// Registered with the store under `key`.
    Pending {
        store: Arc<Shared<R, M>>,
        key: (TaskId, u64),
        answer: oneshot::Receiver<Answer>,
    },
    /// Its answer was taken.
    Done,
}

impl<R, M> fmt::Debug for TaskWait<R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            WaitState::Ready(_) => "ready",
            WaitState::Pending { .. } => "pending",
            WaitState::Done => "done",
        };
        f.debug_struct("TaskWait")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl<R, M> Future for TaskWait<R, M> {
    type Output = Result<Task, WaitError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match std::mem::replace(&mut this.state, WaitState::Done) {
            WaitState::Ready(outcome) => Poll::Ready(outcome),
            WaitState::Pending {
                store,
                key,
                mut answer,
            } => match Pin::new(&mut answer).poll(cx) {
                Poll::Pending => {
                    this.state = WaitState::Pending { store, key, answer };
                    Poll::Pending
                }
                // Answered: the store removed the entry when it answered, so the state
                // stays `Done` and dropping the wait has nothing to undo.
                Poll::Ready(Ok(outcome)) => Poll::Ready(outcome),
                // The store dropped the entry without answering, which it never does.
                Poll::Ready(Err(oneshot::Canceled)) => Poll::Ready(Err(WaitError::Store(
                    StoreError::internal("a wait was dropped by the store without an answer"),
                ))),
            },
            WaitState::Done => Poll::Ready(Err(WaitError::Store(StoreError::internal(
                "a wait was polled after it completed",
            )))),
        }
    }
}

impl<R, M> Drop for TaskWait<R, M> {
    fn drop(&mut self) {
        if let WaitState::Pending { store, key, .. } = &self.state {
            store.lock().waiters.remove(key);
        }
    }
}

/// The change stream of one subscriber ([`SharedTaskStore::subscribe`]): `Ok` events in
/// the order the changes happened; after a lag, one `Err(`[`Lagged`]`)` and the end.
///
/// Dropping it unsubscribes.
#[must_use = "a subscription buffers events until it is read or dropped"]
pub struct StatusEvents<R, M = ()> {
    store: Arc<Shared<R, M>>,
    key: u64,
    feed: Arc<Mutex<Feed>>,
    done: bool,
}

impl<R, M> fmt::Debug for StatusEvents<R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let feed = lock_feed(&self.feed);
        f.debug_struct("StatusEvents")
            .field("buffered", &feed.events.len())
            .field("capacity", &feed.capacity)
            .field("lagged", &feed.lagged)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R, M> Stream for StatusEvents<R, M> {
    type Item = Result<StatusEvent, Lagged>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let mut feed = lock_feed(&this.feed);
        if let Some(event) = feed.events.pop_front() {
            return Poll::Ready(Some(Ok(event)));
        }
        if feed.lagged {
            let capacity = feed.capacity;
            drop(feed);
            this.done = true;
            return Poll::Ready(Some(Err(Lagged { capacity })));
        }
        match &feed.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => feed.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<R, M> FusedStream for StatusEvents<R, M> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<R, M> Drop for StatusEvents<R, M> {
    fn drop(&mut self) {
        // A lagged subscription was removed when it lagged.
        if !lock_feed(&self.feed).lagged {
            self.store.lock().subscribers.remove(&self.key);
        }
    }
}
