//! The change log: one [`TaskEvent`] per change of a task, in the order they happened.

use super::{Task, TaskId};

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

/// One change of one task: what happened, and the task as it is after the change (for a
/// removal, as it was last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskEvent {
    /// What happened.
    pub kind: ChangeKind,
    /// The task after the change (its last state, for a removal).
    pub task: Task,
    /// The record's version after the change (its last version, for a removal).
    pub version: u64,
}

impl TaskEvent {
    /// The task's id.
    pub fn task_id(&self) -> TaskId {
        self.task.task_id
    }
}
