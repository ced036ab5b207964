//! The one error type of the store, with its MCP (JSON-RPC) code.
//!
//! Where the TypeScript SDK's own store rejects the same call, the message starts with the
//! SDK's wording (so code matching on it keeps working) and adds detail after it.

use std::fmt;

use super::TaskStatus;

/// JSON-RPC error code for invalid params (unknown task, bad argument, bad cursor, terminal
/// task).
pub const INVALID_PARAMS: i32 = -32602;
/// JSON-RPC error code for an internal error.
pub const INTERNAL_ERROR: i32 = -32603;

/// Which JS error class an error maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// `Error`: the call was well-formed but the store's state forbids it.
    Error,
    /// `TypeError`: an argument has the wrong type.
    TypeError,
    /// `RangeError`: an argument has the right type but a value outside what is allowed.
    RangeError,
}

/// Why a call was rejected. A rejected call changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// No task with this id is visible to the caller (never existed, expired, deleted, or
    /// owned by another session).
    NotFound {
        /// The id as the caller gave it (shortened if long).
        task_id: String,
    },
    /// A status change out of a terminal status.
    TerminalUpdate {
        /// The task.
        task_id: String,
        /// Its (terminal) status.
        from: TaskStatus,
        /// The status asked for.
        to: TaskStatus,
    },
    /// A result stored for a task that already ended.
    TerminalResult {
        /// The task.
        task_id: String,
        /// Its (terminal) status.
        status: TaskStatus,
    },
    /// A result asked for a task that has none.
    NoResult {
        /// The task.
        task_id: String,
        /// Its status.
        status: TaskStatus,
    },
    /// A `listTasks` cursor this store did not hand out, or whose task is not listed for
    /// the caller.
    InvalidCursor {
        /// The cursor as given (shortened if long).
        cursor: String,
    },
    /// An argument with the wrong type or value.
    InvalidParam {
        /// The parameter, as named in the JS interface (`ttl`, `status`, `result.content[0]`).
        name: String,
        /// The value, rendered for a message (shortened if long).
        value: String,
        /// What the value must be.
        rule: String,
        /// `TypeError` or `RangeError`.
        class: ErrorClass,
    },
    /// A message queue already holds `max` messages.
    QueueFull {
        /// Messages in the queue.
        size: usize,
        /// The caller's `maxSize`.
        max: u64,
    },
    /// A failure of the store itself (the random source failed, a re-entrant call).
    Internal {
        /// What went wrong.
        message: String,
    },
}

/// The longest piece of caller input quoted in a message.
const QUOTE_MAX: usize = 120;

/// Shortens caller input for a message: at most 120 characters, then `…`.
pub fn quote_input(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(QUOTE_MAX).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

impl StoreError {
    /// The JSON-RPC code: -32603 for [`StoreError::Internal`] and [`StoreError::QueueFull`]
    /// (the server's own limits), -32602 for everything else.
    pub fn code(&self) -> i32 {
        match self {
            StoreError::Internal { .. } | StoreError::QueueFull { .. } => INTERNAL_ERROR,
            _ => INVALID_PARAMS,
        }
    }

    /// The JS error class this error is thrown as.
    pub fn class(&self) -> ErrorClass {
        match self {
            StoreError::InvalidParam { class, .. } => *class,
            _ => ErrorClass::Error,
        }
    }

    /// A wrong-type argument: `name` got `value`, which is not `expected`.
    pub fn type_error(name: impl Into<String>, value: impl Into<String>, expected: &str) -> Self {
        StoreError::InvalidParam {
            name: name.into(),
            value: value.into(),
            rule: format!("expected {expected}"),
            class: ErrorClass::TypeError,
        }
    }

    /// An out-of-range argument: `name` got `value`, which breaks `rule`.
    pub fn range_error(name: impl Into<String>, value: impl Into<String>, rule: &str) -> Self {
        StoreError::InvalidParam {
            name: name.into(),
            value: value.into(),
            rule: rule.to_owned(),
            class: ErrorClass::RangeError,
        }
    }

    pub(crate) fn not_found(task_id: &str) -> Self {
        StoreError::NotFound {
            task_id: quote_input(task_id),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound { task_id } => write!(
                f,
                "Task with ID {task_id} not found (no such task for this session: never \
                 created, expired, or deleted)"
            ),
            StoreError::TerminalUpdate { task_id, from, to } => write!(
                f,
                "Cannot update task {task_id} from terminal status '{from}' to '{to}'. \
                 Terminal states (completed, failed, cancelled) cannot transition to other \
                 states."
            ),
            StoreError::TerminalResult { task_id, status } => write!(
                f,
                "Cannot store result for task {task_id} in terminal status '{status}'. Task \
                 results can only be stored once."
            ),
            StoreError::NoResult { task_id, status } => write!(
                f,
                "Task {task_id} has no result stored (status '{status}': a result exists \
                 once storeTaskResult has been called)"
            ),
            StoreError::InvalidCursor { cursor } => write!(
                f,
                "Invalid cursor: {cursor} (pass a nextCursor from an earlier listTasks, or \
                 the id of a task listed for this session)"
            ),
            StoreError::InvalidParam {
                name, value, rule, ..
            } => {
                write!(f, "Invalid {name}: {value} ({rule})")
            }
            StoreError::QueueFull { size, max } => write!(
                f,
                "Task message queue overflow: queue size ({size}) exceeds maximum ({max}); \
                 nothing was enqueued"
            ),
            StoreError::Internal { message } => write!(f, "Internal error: {message}"),
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_the_sdk_wording_and_carry_codes() {
        let e = StoreError::not_found("abc");
        assert!(e.to_string().starts_with("Task with ID abc not found"));
        assert_eq!(e.code(), INVALID_PARAMS);
        let e = StoreError::TerminalUpdate {
            task_id: "t".into(),
            from: TaskStatus::Completed,
            to: TaskStatus::Working,
        };
        assert!(e
            .to_string()
            .starts_with("Cannot update task t from terminal status 'completed' to 'working'"));
        let e = StoreError::InvalidCursor {
            cursor: "zz".into(),
        };
        assert!(e.to_string().starts_with("Invalid cursor: zz"));
        let e = StoreError::Internal {
            message: "x".into(),
        };
        assert_eq!(e.code(), INTERNAL_ERROR);
        assert_eq!(
            StoreError::range_error("ttl", "-1", "r").class(),
            ErrorClass::RangeError
        );
    }

    #[test]
    fn long_input_is_shortened_on_a_char_boundary() {
        let long = "é".repeat(500);
        let q = quote_input(&long);
        assert_eq!(q.chars().count(), QUOTE_MAX + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quote_input("short"), "short");
    }
}
