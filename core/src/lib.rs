//! The rules of MCP tasks (protocol 2025-11-25, `basic/utilities/tasks`) in plain Rust: no
//! JS, no wire format, no clock of its own (every call takes `now`).
//!
//! - [`record`]: the [`TaskRecord`] every backend stores, and the spec's rules as pure
//!   functions over it (create, status update, store result, cancel; liveness, visibility,
//!   ttl).
//! - [`event`]: the change log ([`TaskEvent`]).
//! - [`snapshot`]: everything a store holds, to save and restore ([`Snapshot`]).
//! - [`json`]: the JSON text of records and snapshots, without serde.
//! - [`store`]: the in-memory store, indexes that call the rules (creation order per
//!   session, deadlines, ids) with each task's result and message queue.
//! - [`status`]: the status state machine.
//! - [`task`]: task ids and the Task object.
//! - [`queue`]: message queues.
//! - [`cursor`]: listing cursors.
//! - [`params`]: settings and argument rules.
//! - [`error`]: the error type with MCP codes.
//! - [`time`]: milliseconds and timestamps.
//! - `shared` (feature `sync`): a thread-safe store with change streams and waits.
//!
//! Features: `random` (default) draws ids from the operating system
//! ([`TaskId::random`]); `serde` derives `Serialize`/`Deserialize` for the record types;
//! `sync` (implies `random`) adds the `shared` module: `SharedTaskStore`, a thread-safe
//! store (`Send + Sync`, clones share it, its own clock) whose changes are streams and
//! futures (the `futures` crate's traits, no runtime).

pub mod cursor;
pub mod error;
pub mod event;
pub mod json;
pub mod params;
pub mod queue;
pub mod record;
#[cfg(feature = "sync")]
pub mod shared;
pub mod snapshot;
pub mod status;
pub mod store;
pub mod task;
pub mod time;

pub use cursor::CursorKey;
pub use error::{ErrorKind, Param, StoreError, INTERNAL_ERROR, INVALID_PARAMS};
pub use event::{ChangeKind, RemovalReason, TaskEvent};
pub use json::JsonError;
pub use params::StoreConfig;
pub use queue::{Fifo, MessageQueues};
pub use record::{deadline_from, is_live_at, visible_to, TaskRecord};
#[cfg(feature = "sync")]
pub use shared::{
    Clock, Lagged, SharedTaskStore, StatusEvent, StatusEvents, StoreStats, TaskPage, TaskWait,
    WaitError, DEFAULT_SUBSCRIBER_CAPACITY,
};
pub use snapshot::{Snapshot, SnapshotTask, SNAPSHOT_FORMAT, SNAPSHOT_VERSION};
pub use status::{Outcome, TaskStatus, ALL_STATUSES};
pub use store::{CreateParams, Handle, Page, Stored, TaskRef, TaskStore};
pub use task::{IdSource, Task, TaskId};
pub use time::{format_iso8601, Millis, MAX_MILLIS};
