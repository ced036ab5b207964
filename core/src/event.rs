//! The change log: one [`TaskEvent`] per change of a task, in the order they happened.

use std::sync::Arc;

use super::{Handle, Task, TaskId, TaskRecord};

/// What happened to a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// It was created.
    Created,
    /// Its status or status message changed (a cancel included).
    Status,
    /// Its result was stored (and it became `completed` or `failed`).
    Result,
    /// It is gone from the store.
    Removed(RemovalReason),
}

/// Why a task left the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RemovalReason {
    /// Its deadline passed.
    Expired,
    /// It was deleted on request.
    Deleted,
    /// The whole store was cleared.
    Cleared,
}

impl RemovalReason {
    /// `"expired"`, `"deleted"` or `"cleared"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RemovalReason::Expired => "expired",
            RemovalReason::Deleted => "deleted",
            RemovalReason::Cleared => "cleared",
        }
    }
}

/// One change of one task: what happened, to which task, and the record's version after
/// it.
///
/// The log is read right after the call that made the change, so for every kind but a
/// removal the task's state after the change is the record the store holds at that version;
/// a removed task is no longer held, so its last state travels in the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskEvent {
    /// What happened.
    pub kind: ChangeKind,
    /// The task.
    pub task_id: TaskId,
    /// The record's version after the change (its last version, for a removal).
    pub version: u64,
    /// The session that owns the task (`None`: visible to every session), so a listener
    /// can be given only the events its session may see ([`crate::visible_to`]).
    pub owner: Option<Arc<str>>,
    /// For a removal, the task as it was last; `None` for the other kinds. (Boxed: a
    /// change event stays small, and the log is written on every change.)
    pub last: Option<Box<Task>>,
    /// Where the store holds the task (`None` for a removal), so a caller following the
    /// log to its own per-task data needs no lookup by id.
    pub handle: Option<Handle>,
}

impl TaskEvent {
    /// The event of a change to a record still held, in `handle`.
    pub fn changed(kind: ChangeKind, record: &TaskRecord, handle: Handle) -> TaskEvent {
        TaskEvent {
            kind,
            task_id: record.task.task_id,
            version: record.version,
            owner: record.owner.clone(),
            last: None,
            handle: Some(handle),
        }
    }

    /// The event of a record's removal, carrying its last state.
    pub fn removed(record: TaskRecord, reason: RemovalReason) -> TaskEvent {
        TaskEvent {
            kind: ChangeKind::Removed(reason),
            task_id: record.task.task_id,
            version: record.version,
            owner: record.owner,
            last: Some(Box::new(record.task)),
            handle: None,
        }
    }
}
