//! The task status state machine of MCP 2025-11-25 (`basic/utilities/tasks`).

use std::fmt;

/// The status of a task, as named on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum TaskStatus {
    /// The task is running. Every task starts here.
    Working,
    /// The task waits for input from the requestor.
    InputRequired,
    /// The task finished with a result (terminal).
    Completed,
    /// The task finished with an error (terminal).
    Failed,
    /// The task was cancelled (terminal).
    Cancelled,
}

/// Every status, in the order the spec lists them.
pub const ALL_STATUSES: [TaskStatus; 5] = [
    TaskStatus::Working,
    TaskStatus::InputRequired,
    TaskStatus::Completed,
    TaskStatus::Failed,
    TaskStatus::Cancelled,
];

impl TaskStatus {
    /// The wire name: `"working"`, `"input_required"`, `"completed"`, `"failed"`, `"cancelled"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Working => "working",
            TaskStatus::InputRequired => "input_required",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a wire name; `None` for anything else (names are case-sensitive).
    pub fn from_wire(name: &str) -> Option<TaskStatus> {
        ALL_STATUSES.into_iter().find(|s| s.as_str() == name)
    }

    /// `completed`, `failed` and `cancelled` are terminal: no transition leaves them.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled
        )
    }

    /// Whether a task in `self` may move to `next`.
    ///
    /// `working` and `input_required` may move to any status, themselves included (a repeated
    /// non-terminal status updates the message and `lastUpdatedAt`); terminal statuses move
    /// nowhere.
    pub const fn can_move_to(self, next: TaskStatus) -> bool {
        let _ = next;
        !self.is_terminal()
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a task ends when its result is stored: the two statuses `storeTaskResult` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The request succeeded.
    Completed,
    /// The request failed (for a tool call: its result had `isError: true`).
    Failed,
}

impl From<Outcome> for TaskStatus {
    fn from(o: Outcome) -> TaskStatus {
        match o {
            Outcome::Completed => TaskStatus::Completed,
            Outcome::Failed => TaskStatus::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_case_sensitive() {
        for s in ALL_STATUSES {
            assert_eq!(TaskStatus::from_wire(s.as_str()), Some(s));
        }
        assert_eq!(TaskStatus::from_wire("Working"), None);
        assert_eq!(TaskStatus::from_wire("done"), None);
        assert_eq!(TaskStatus::from_wire(""), None);
    }

    #[test]
    fn all_statuses_are_in_declaration_order() {
        for (i, s) in ALL_STATUSES.into_iter().enumerate() {
            assert_eq!(s as usize, i);
        }
    }

    #[test]
    fn terminal_statuses_move_nowhere() {
        for from in ALL_STATUSES {
            for to in ALL_STATUSES {
                assert_eq!(from.can_move_to(to), !from.is_terminal(), "{from} -> {to}");
            }
        }
        let terminal: Vec<_> = ALL_STATUSES
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                TaskStatus::Completed,
                TaskStatus::Failed,
                TaskStatus::Cancelled
            ]
        );
    }
}
