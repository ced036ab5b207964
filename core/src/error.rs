//! The one error type of the store, with its MCP (JSON-RPC) code.
//!
//! Where the TypeScript SDK's own store rejects the same call, the message starts with the
//! SDK's wording (so code matching on it keeps working) and adds detail after it. The core
//! names parameters with [`Param`]; a binding renders them in its own language's names
//! (see [`StoreError::message_with`]).

use std::fmt;

use super::TaskStatus;

/// JSON-RPC error code for invalid params (unknown task, bad argument, bad cursor, terminal
/// task).
pub const INVALID_PARAMS: i32 = -32602;
/// JSON-RPC error code for an internal error.
pub const INTERNAL_ERROR: i32 = -32603;

/// What kind of mistake an invalid argument is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The call was well-formed but the store's state forbids it.
    State,
    /// An argument has the wrong type.
    WrongType,
    /// An argument has the right type but a value outside what is allowed.
    OutOfRange,
}

/// A parameter or setting the core checks, named neutrally; a binding maps each to the
/// name its callers use (`Param::MinTtl` is `options.minTtl` in JS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// The session a call is made for.
    SessionId,
    /// [`crate::StoreConfig::page_size`].
    PageSize,
    /// [`crate::StoreConfig::min_ttl`].
    MinTtl,
    /// [`crate::StoreConfig::max_ttl`].
    MaxTtl,
    /// [`crate::StoreConfig::max_tasks`].
    MaxTasks,
    /// [`crate::StoreConfig::max_tasks_per_session`].
    MaxTasksPerSession,
    /// [`crate::StoreConfig::max_result_bytes`].
    MaxResultBytes,
    /// [`crate::StoreConfig::max_queue_size`].
    MaxQueueSize,
    /// A parameter only a binding knows (a path into a JS argument, say), by the name the
    /// binding gives it.
    Named(String),
}

impl Param {
    /// The parameter's Rust name, as the core's own messages show it.
    pub fn rust_name(&self) -> &str {
        match self {
            Param::SessionId => "session",
            Param::PageSize => "page_size",
            Param::MinTtl => "min_ttl",
            Param::MaxTtl => "max_ttl",
            Param::MaxTasks => "max_tasks",
            Param::MaxTasksPerSession => "max_tasks_per_session",
            Param::MaxResultBytes => "max_result_bytes",
            Param::MaxQueueSize => "max_queue_size",
            Param::Named(name) => name,
        }
    }
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
    /// A cancel asked for a task that already ended.
    TerminalCancel {
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
    /// A listing cursor this store did not hand out, or whose task is not listed for the
    /// caller.
    InvalidCursor {
        /// The cursor as given (shortened if long).
        cursor: String,
    },
    /// An argument with the wrong type or value.
    InvalidParam {
        /// The parameter.
        param: Param,
        /// The value, rendered for a message (shortened if long).
        value: String,
        /// What the value must be.
        rule: String,
        /// [`ErrorKind::WrongType`] or [`ErrorKind::OutOfRange`].
        kind: ErrorKind,
    },
    /// A message queue already holds `max` messages.
    QueueFull {
        /// Messages in the queue.
        size: usize,
        /// The caller's maximum.
        max: u64,
    },
    /// One of the store's limits would be passed; nothing was changed.
    LimitReached {
        /// The setting: [`Param::MaxTasks`], [`Param::MaxTasksPerSession`] or
        /// [`Param::MaxResultBytes`].
        limit: Param,
        /// Its value.
        max: u64,
        /// What the call would have made it (tasks held, result size).
        actual: u64,
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
    /// The JSON-RPC code: -32603 for [`StoreError::Internal`], [`StoreError::QueueFull`] and
    /// [`StoreError::LimitReached`] (the server's own limits), -32602 for everything else.
    pub fn code(&self) -> i32 {
        match self {
            StoreError::Internal { .. }
            | StoreError::QueueFull { .. }
            | StoreError::LimitReached { .. } => INTERNAL_ERROR,
            _ => INVALID_PARAMS,
        }
    }

    /// What kind of mistake this is: [`ErrorKind::State`] for all but invalid arguments.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::InvalidParam { kind, .. } => *kind,
            _ => ErrorKind::State,
        }
    }

    /// A wrong-type argument: `param` got `value`, which is not `expected`.
    pub fn type_error(param: Param, value: impl Into<String>, expected: &str) -> Self {
        StoreError::InvalidParam {
            param,
            value: value.into(),
            rule: format!("expected {expected}"),
            kind: ErrorKind::WrongType,
        }
    }

    /// An out-of-range argument: `param` got `value`, which breaks `rule`.
    pub fn range_error(param: Param, value: impl Into<String>, rule: &str) -> Self {
        StoreError::InvalidParam {
            param,
            value: value.into(),
            rule: rule.to_owned(),
            kind: ErrorKind::OutOfRange,
        }
    }

    /// No task `task_id` for the caller (the id is quoted, shortened if long).
    pub fn not_found(task_id: &str) -> Self {
        StoreError::NotFound {
            task_id: quote_input(task_id),
        }
    }

    /// A failure of the store itself.
    pub fn internal(message: impl Into<String>) -> Self {
        StoreError::Internal {
            message: message.into(),
        }
    }

    /// The message, with parameters named by `name` (a binding passes its own naming;
    /// [`fmt::Display`] uses [`Param::rust_name`]).
    pub fn message_with(&self, name: impl Fn(&Param) -> String) -> String {
        match self {
            StoreError::InvalidParam {
                param, value, rule, ..
            } => format!("Invalid {}: {value} ({rule})", name(param)),
            StoreError::LimitReached { limit, max, actual } => {
                limit_message(&name(limit), limit, *max, *actual)
            }
            other => other.to_string(),
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
            StoreError::TerminalCancel { task_id, status } => write!(
                f,
                "Cannot cancel task in terminal status: {status} (task {task_id})"
            ),
            StoreError::NoResult { task_id, status } => write!(
                f,
                "Task {task_id} has no result stored (status '{status}': a result exists \
                 once one has been stored)"
            ),
            StoreError::InvalidCursor { cursor } => write!(
                f,
                "Invalid cursor: {cursor} (pass a nextCursor from an earlier listing, or \
                 the id of a task listed for this session)"
            ),
            StoreError::InvalidParam {
                param, value, rule, ..
            } => write!(f, "Invalid {}: {value} ({rule})", param.rust_name()),
            StoreError::QueueFull { size, max } => write!(
                f,
                "Task message queue overflow: queue size ({size}) exceeds maximum ({max}); \
                 nothing was enqueued"
            ),
            StoreError::LimitReached { limit, max, actual } => {
                f.write_str(&limit_message(limit.rust_name(), limit, *max, *actual))
            }
            StoreError::Internal { message } => write!(f, "Internal error: {message}"),
        }
    }
}

/// The message of a limit reached, with the setting under the caller's name for it.
fn limit_message(name: &str, limit: &Param, max: u64, actual: u64) -> String {
    match limit {
        Param::MaxResultBytes => format!(
            "Result too large: about {actual} bytes of JSON, over the store's limit of {max} \
             ({name}); nothing was stored"
        ),
        Param::MaxTasksPerSession => format!(
            "Task limit reached: this session already holds {max} tasks ({name}); no task \
             was created"
        ),
        _ => format!(
            "Task limit reached: the store already holds {max} tasks ({name}); no task was \
             created"
        ),
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
        let e = StoreError::internal("x");
        assert_eq!(e.code(), INTERNAL_ERROR);
        assert_eq!(
            StoreError::range_error(Param::MinTtl, "-1", "r").kind(),
            ErrorKind::OutOfRange
        );
    }

    #[test]
    fn parameters_are_named_by_the_caller_of_message_with() {
        let e = StoreError::range_error(Param::MaxTtl, "5", "must not be below min_ttl (10)");
        assert_eq!(
            e.to_string(),
            "Invalid max_ttl: 5 (must not be below min_ttl (10))"
        );
        assert_eq!(
            e.message_with(|_| "options.maxTtl".into()),
            "Invalid options.maxTtl: 5 (must not be below min_ttl (10))"
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
