//! The task record and the spec's rules as pure functions over it.
//!
//! A [`TaskRecord`] is everything a backend keeps about one task apart from its result:
//! the Task itself, its owner, its place in creation order, its deadline, whether a result
//! is held, and a `version` that moves on every change. Each rule reads a record and the
//! time `now` and either changes the record (returning what kind of change it was) or
//! rejects with a [`StoreError`], leaving the record exactly as it was. No rule reads a
//! clock, an index or any other task, so any backend applies them the same way: the
//! in-memory store calls them on the records in its slab; a store in a database reads a
//! record, calls the same function, and writes the record back if its `version` is still
//! the one it read.

use std::sync::Arc;

use super::{
    json, params, ChangeKind, CreateParams, Millis, Outcome, StoreConfig, StoreError, Task, TaskId,
    TaskStatus, MAX_MILLIS,
};

/// One task as a backend stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct TaskRecord {
    /// The task as the spec shows it.
    pub task: Task,
    /// The session that created it; `None` for a task visible to every caller.
    pub owner: Option<Arc<str>>,
    /// Its place in the store's creation order (0, 1, 2, … per store; never reused).
    pub seq: u64,
    /// When the task stops being live, if ever: from this instant on it is gone.
    pub deadline: Option<Millis>,
    /// 1 at creation, one more on every change.
    pub version: u64,
    /// Whether a result has been stored (the result itself is kept beside the record).
    pub has_result: bool,
}

/// The largest version or creation position a record may hold (2^53 - 1: a JS number, and
/// far from overflow).
pub const MAX_COUNT: u64 = 9_007_199_254_740_991;

/// Whether a task with this deadline is still live at `now`: a task is gone from its
/// deadline on (at `deadline` itself it is already gone).
pub fn is_live_at(deadline: Option<Millis>, now: Millis) -> bool {
    deadline.is_none_or(|at| now < at)
}

/// Whether a caller of `session` may see a task of `owner`: a call without a session sees
/// every task; a session sees its own tasks and the tasks created without a session.
pub fn visible_to(owner: Option<&str>, session: Option<&str>) -> bool {
    match (owner, session) {
        (Some(owner), Some(me)) => owner == me,
        _ => true,
    }
}

/// The deadline of a task whose ttl clock starts at `now`: at most 2^53 - 1 ms, past any
/// instant a JS `Date` can hold (so a deadline always stays a JS number, and a capped one is
/// never reached).
pub fn deadline_from(ttl: Option<u64>, now: Millis) -> Option<Millis> {
    ttl.map(|t| now.saturating_add(t).min(MAX_COUNT))
}

impl TaskRecord {
    /// A new task: `working`, created and last updated at `now`, the ttl granted under
    /// `config`, the poll interval asked for or the configured default, version 1.
    pub fn create(
        id: TaskId,
        params: CreateParams,
        owner: Option<Arc<str>>,
        seq: u64,
        config: &StoreConfig,
        now: Millis,
    ) -> Result<TaskRecord, StoreError> {
        params::session(owner.as_deref())?;
        let ttl = config.grant_ttl(params.ttl);
        Ok(TaskRecord {
            task: Task {
                task_id: id,
                status: TaskStatus::Working,
                status_message: None,
                created_at: now,
                last_updated_at: now,
                ttl,
                poll_interval: params.poll_interval.unwrap_or(config.default_poll_interval),
            },
            owner,
            seq,
            deadline: deadline_from(ttl, now),
            version: 1,
            has_result: false,
        })
    }

    /// Whether the task is still live at `now` ([`is_live_at`]).
    pub fn is_live_at(&self, now: Millis) -> bool {
        is_live_at(self.deadline, now)
    }

    /// Whether a caller of `session` may see it ([`visible_to`]).
    pub fn visible_to(&self, session: Option<&str>) -> bool {
        visible_to(self.owner.as_deref(), session)
    }

    /// Checks that a caller of `session` may reach this task at `now`: it is live and
    /// visible, else "not found" naming the task.
    pub fn check_reachable(&self, session: Option<&str>, now: Millis) -> Result<(), StoreError> {
        params::session(session)?;
        if self.is_live_at(now) && self.visible_to(session) {
            Ok(())
        } else {
            Err(StoreError::not_found(&self.task.task_id.to_string()))
        }
    }

    /// Moves a non-terminal task to `status`, with an optional message.
    ///
    /// A repeated non-terminal status is allowed (it updates the message and
    /// `lastUpdatedAt`). A message sets the status message; without one (or with an empty
    /// one) the current message stays, whatever the status, as in the TypeScript SDK's
    /// store. Reaching a terminal status restarts the ttl clock.
    pub fn update_status(
        &mut self,
        status: TaskStatus,
        message: Option<String>,
        now: Millis,
    ) -> Result<ChangeKind, StoreError> {
        let from = self.task.status;
        if !from.can_move_to(status) {
            return Err(StoreError::TerminalUpdate {
                task_id: self.task.task_id.to_string(),
                from,
                to: status,
            });
        }
        if let Some(message) = message.filter(|m| !m.is_empty()) {
            self.task.status_message = Some(message);
        }
        self.task.status = status;
        self.touch(now);
        Ok(ChangeKind::Status)
    }

    /// Ends a non-terminal task as `outcome` because its result was stored (the caller keeps
    /// the result beside the record). The status message stays (as in the TypeScript SDK's
    /// store) and the ttl clock restarts, so the result stays readable for `ttl` from now.
    pub fn store_result(
        &mut self,
        outcome: Outcome,
        now: Millis,
    ) -> Result<ChangeKind, StoreError> {
        self.store_result_with_message(outcome, None, now)
    }

    /// [`TaskRecord::store_result`] that also sets the status message, in the same change
    /// (the status-message rule of [`TaskRecord::update_status`]: a non-empty message
    /// replaces the current one, none keeps it).
    pub fn store_result_with_message(
        &mut self,
        outcome: Outcome,
        message: Option<String>,
        now: Millis,
    ) -> Result<ChangeKind, StoreError> {
        let status = self.task.status;
        if status.is_terminal() {
            return Err(StoreError::TerminalResult {
                task_id: self.task.task_id.to_string(),
                status,
            });
        }
        if let Some(message) = message.filter(|m| !m.is_empty()) {
            self.task.status_message = Some(message);
        }
        self.task.status = outcome.into();
        self.has_result = true;
        self.touch(now);
        Ok(ChangeKind::Result)
    }

    /// Cancels a task at a requestor's asking (`tasks/cancel`): a task already terminal is
    /// rejected (-32602), any other becomes `cancelled` with the given message.
    pub fn cancel(
        &mut self,
        message: Option<String>,
        now: Millis,
    ) -> Result<ChangeKind, StoreError> {
        let status = self.task.status;
        if status.is_terminal() {
            return Err(StoreError::TerminalCancel {
                task_id: self.task.task_id.to_string(),
                status,
            });
        }
        self.update_status(TaskStatus::Cancelled, message, now)
    }

    /// Checks what every record the rules made holds true (for a record read back from
    /// storage, which may have been damaged): version at least 1, `lastUpdatedAt` not before
    /// `createdAt`, a non-empty owner, a result only on a `completed` or `failed` task, and
    /// the deadline the ttl gives (from creation, or from the end for a terminal task).
    /// `Err` says what is wrong.
    pub fn check_consistent(&self) -> Result<(), String> {
        let task = &self.task;
        if self.version == 0 || self.version > MAX_COUNT {
            return Err(format!(
                "version {} is out of range (1 to 2^53 - 1)",
                self.version
            ));
        }
        if task.created_at > MAX_MILLIS || task.last_updated_at > MAX_MILLIS {
            return Err("a timestamp is past the end of year 9999".into());
        }
        if task.last_updated_at < task.created_at {
            return Err("lastUpdatedAt is before createdAt".into());
        }
        if self.owner.as_deref() == Some("") {
            return Err("owner is an empty string".into());
        }
        if self.has_result && !matches!(task.status, TaskStatus::Completed | TaskStatus::Failed) {
            return Err(format!(
                "a result is held by a task in status '{}'",
                task.status
            ));
        }
        let clock_from = if task.status.is_terminal() {
            task.last_updated_at
        } else {
            task.created_at
        };
        let expected = deadline_from(task.ttl, clock_from);
        if self.deadline != expected {
            return Err(format!(
                "deadline {} does not follow from ttl {} (expected {})",
                json::number_or_null(self.deadline),
                json::number_or_null(task.ttl),
                json::number_or_null(expected)
            ));
        }
        Ok(())
    }

    /// Checks that a result can be read: one has been stored.
    pub fn check_result(&self) -> Result<(), StoreError> {
        if self.has_result {
            Ok(())
        } else {
            Err(StoreError::NoResult {
                task_id: self.task.task_id.to_string(),
                status: self.task.status,
            })
        }
    }

    /// Records a change at `now`: `lastUpdatedAt` moves (never backwards), the version
    /// moves, and the ttl clock restarts if the task is now terminal.
    fn touch(&mut self, now: Millis) {
        self.task.last_updated_at = self.task.last_updated_at.max(now);
        self.version += 1;
        if self.task.status.is_terminal() && self.task.ttl.is_some() {
            // From `lastUpdatedAt`, so the deadline follows from the record alone (and a
            // clock that moved back does not shorten a result's life).
            self.deadline = deadline_from(self.task.ttl, self.task.last_updated_at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_764_066_600_000;

    fn record(ttl: Option<u64>, owner: Option<&str>) -> TaskRecord {
        let params = CreateParams {
            ttl,
            poll_interval: None,
        };
        let id = TaskId::from_random_bytes([7; 16]);
        TaskRecord::create(
            id,
            params,
            owner.map(Arc::from),
            0,
            &StoreConfig::default(),
            T0,
        )
        .unwrap()
    }

    #[test]
    fn create_grants_ttl_and_sets_the_deadline() {
        let r = record(Some(5000), None);
        assert_eq!(r.task.status, TaskStatus::Working);
        assert_eq!((r.task.created_at, r.task.last_updated_at), (T0, T0));
        assert_eq!(r.deadline, Some(T0 + 5000));
        assert_eq!(r.version, 1);
        assert_eq!(record(Some(0), None).task.ttl, Some(1));
        assert_eq!(record(None, None).deadline, None);
        let params = CreateParams::default();
        let id = TaskId::from_random_bytes([1; 16]);
        let config = StoreConfig::default();
        assert!(TaskRecord::create(id, params, Some("".into()), 0, &config, T0).is_err());
    }

    #[test]
    fn liveness_ends_at_the_deadline() {
        assert!(is_live_at(None, u64::MAX));
        assert!(is_live_at(Some(10), 9));
        assert!(!is_live_at(Some(10), 10));
        assert!(!is_live_at(Some(10), 11));
    }

    #[test]
    fn visibility_is_the_session_rule() {
        assert!(visible_to(None, None));
        assert!(visible_to(None, Some("a")));
        assert!(visible_to(Some("a"), None));
        assert!(visible_to(Some("a"), Some("a")));
        assert!(!visible_to(Some("a"), Some("b")));
        let r = record(Some(5000), Some("a"));
        assert!(r.check_reachable(Some("a"), T0).is_ok());
        assert!(matches!(
            r.check_reachable(Some("b"), T0),
            Err(StoreError::NotFound { .. })
        ));
        assert!(r.check_reachable(None, T0 + 5000).is_err());
        assert!(r.check_reachable(Some(""), T0).is_err());
    }

    #[test]
    fn a_deadline_past_every_date_is_capped_to_a_js_number() {
        assert_eq!(deadline_from(Some(MAX_COUNT), T0), Some(MAX_COUNT));
        assert_eq!(deadline_from(Some(u64::MAX), T0), Some(MAX_COUNT));
        assert_eq!(deadline_from(Some(5), T0), Some(T0 + 5));
        let r = record(Some(MAX_COUNT), None);
        assert_eq!(r.deadline, Some(MAX_COUNT));
        assert!(r.check_consistent().is_ok());
        assert!(
            r.is_live_at(8_640_000_000_000_000),
            "live at the last instant a Date can hold"
        );
    }

    #[test]
    fn a_result_with_a_message_sets_both_in_one_change() {
        let mut r = record(None, None);
        r.update_status(TaskStatus::Working, Some("step".into()), T0 + 1)
            .unwrap();
        assert_eq!(
            r.store_result_with_message(Outcome::Failed, Some("boom".into()), T0 + 2),
            Ok(ChangeKind::Result)
        );
        assert_eq!(r.task.status, TaskStatus::Failed);
        assert_eq!(r.task.status_message.as_deref(), Some("boom"));
        assert_eq!(r.version, 3, "one change, not two");
        let mut kept = record(None, None);
        kept.update_status(TaskStatus::Working, Some("step".into()), T0 + 1)
            .unwrap();
        kept.store_result_with_message(Outcome::Completed, Some(String::new()), T0 + 2)
            .unwrap();
        assert_eq!(
            kept.task.status_message.as_deref(),
            Some("step"),
            "an empty message keeps the current one"
        );
    }

    #[test]
    fn every_change_moves_the_version_and_a_rejected_one_changes_nothing() {
        let mut r = record(Some(5000), None);
        assert_eq!(
            r.update_status(TaskStatus::InputRequired, Some("?".into()), T0 + 1),
            Ok(ChangeKind::Status)
        );
        assert_eq!((r.version, r.task.last_updated_at), (2, T0 + 1));
        assert_eq!(
            r.store_result(Outcome::Completed, T0 + 2),
            Ok(ChangeKind::Result)
        );
        assert_eq!(r.version, 3);
        assert!(r.has_result);
        assert_eq!(r.deadline, Some(T0 + 2 + 5000), "ttl restarts at terminal");
        let before = r.clone();
        assert!(r.update_status(TaskStatus::Working, None, T0 + 3).is_err());
        assert!(r.store_result(Outcome::Failed, T0 + 3).is_err());
        assert!(matches!(
            r.cancel(None, T0 + 3),
            Err(StoreError::TerminalCancel { .. })
        ));
        assert_eq!(r, before);
    }

    #[test]
    fn last_updated_never_moves_back_and_messages_follow_the_rule() {
        let mut r = record(None, None);
        r.update_status(TaskStatus::Working, Some("a".into()), T0 - 50)
            .unwrap();
        assert_eq!(r.task.last_updated_at, T0);
        r.update_status(TaskStatus::Working, None, T0).unwrap();
        assert_eq!(r.task.status_message.as_deref(), Some("a"), "repeat keeps");
        r.update_status(TaskStatus::InputRequired, None, T0)
            .unwrap();
        assert_eq!(r.task.status_message.as_deref(), Some("a"), "change keeps");
        r.update_status(TaskStatus::Working, Some(String::new()), T0)
            .unwrap();
        assert_eq!(r.task.status_message.as_deref(), Some("a"), "empty keeps");
        r.cancel(Some("stop".into()), T0 + 9).unwrap();
        assert_eq!(r.task.status, TaskStatus::Cancelled);
        assert_eq!(r.deadline, None, "no ttl, no deadline");
        assert!(matches!(r.check_result(), Err(StoreError::NoResult { .. })));
    }
}
