//! The rules of the task store, one test per rule, against the public core API.
//!
//! The clock is always passed in by hand and ids come from a counter, so every test is
//! deterministic.

use mcp_task_store_core::record::MAX_COUNT;
use mcp_task_store_core::*;

/// Start of the test clock (2025-11-25T10:30:00.000Z).
const T0: Millis = 1_764_066_600_000;

/// A store plus a counter for ids.
struct Fx {
    store: TaskStore<String>,
    next: u128,
}

impl Fx {
    fn new() -> Fx {
        Fx::with(StoreConfig::default())
    }

    fn with(config: StoreConfig) -> Fx {
        Fx {
            store: TaskStore::new(config).unwrap(),
            next: 0,
        }
    }

    /// The next deterministic id.
    fn next_id(&mut self) -> TaskId {
        self.next += 1;
        // Letters in the id, so an uppercased id differs from it.
        TaskId::from_random_bytes((self.next | 0xabcd << 112).to_be_bytes())
    }

    /// Creates a task and returns its id as text.
    fn create(&mut self, ttl: Option<u64>, session: Option<&str>, now: Millis) -> String {
        let id = self.next_id();
        let h = self
            .store
            .create(
                id,
                CreateParams {
                    ttl,
                    poll_interval: None,
                },
                session,
                now,
            )
            .unwrap();
        let text = self.store.stored(h).unwrap().task().task_id.to_string();
        assert_eq!(text, id.to_string());
        text
    }

    /// The task `id` as seen without a session at `now`, if any.
    fn task(&mut self, id: &str, now: Millis) -> Option<Task> {
        let h = self.store.get(id, None, now).unwrap()?;
        Some(self.store.stored(h).unwrap().task().clone())
    }

    /// The deadline of task `id` at `now`.
    fn deadline(&mut self, id: &str, now: Millis) -> Option<Millis> {
        let h = self.store.get(id, None, now).unwrap().unwrap();
        self.store.stored(h).unwrap().deadline()
    }

    /// The status of task `id` at `now` (the task must exist).
    fn status(&mut self, id: &str, now: Millis) -> TaskStatus {
        self.task(id, now).unwrap().status
    }

    /// Ids of one page.
    fn page(
        &mut self,
        cursor: Option<&str>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<(Vec<String>, Option<String>), StoreError> {
        let page = self.store.list(cursor, session, now)?;
        let ids = page
            .items
            .iter()
            .map(|&h| self.store.stored(h).unwrap().task().task_id.to_string())
            .collect();
        Ok((ids, page.next_cursor))
    }

    /// Every id visible to `session`, following `next_cursor` to the end; checks that every
    /// page but the last is full and carries a cursor.
    fn list_all(&mut self, session: Option<&str>, now: Millis) -> Vec<String> {
        let size = self.store.config().page_size;
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let (ids, next) = self.page(cursor.as_deref(), session, now).unwrap();
            assert!(ids.len() <= size);
            out.extend(ids.iter().cloned());
            match next {
                Some(c) => {
                    assert_eq!(ids.len(), size, "a page with a next cursor is full");
                    cursor = Some(c);
                }
                None => return out,
            }
        }
    }

    fn update(
        &mut self,
        id: &str,
        status: TaskStatus,
        message: Option<&str>,
        now: Millis,
    ) -> Result<(), StoreError> {
        self.store
            .update_status(id, status, message.map(str::to_owned), None, now)
            .map(|_| ())
    }

    fn store_result(
        &mut self,
        id: &str,
        outcome: Outcome,
        result: &str,
        now: Millis,
    ) -> Result<(), StoreError> {
        self.store
            .store_result(id, outcome, result.to_owned(), None, now)
            .map(|_| ())
    }

    fn result(&mut self, id: &str, now: Millis) -> Result<String, StoreError> {
        self.store.result(id, None, now).cloned()
    }

    /// Everything observable about task `id`: the task, its deadline, its result.
    fn snapshot(
        &mut self,
        id: &str,
        now: Millis,
    ) -> Option<(Task, Option<Millis>, Option<String>)> {
        let h = self.store.get(id, None, now).unwrap()?;
        let s = self.store.stored(h).unwrap();
        Some((s.task().clone(), s.deadline(), s.result().cloned()))
    }
}

const TERMINAL: [TaskStatus; 3] = [
    TaskStatus::Completed,
    TaskStatus::Failed,
    TaskStatus::Cancelled,
];
const ALL: [TaskStatus; 5] = [
    TaskStatus::Working,
    TaskStatus::InputRequired,
    TaskStatus::Completed,
    TaskStatus::Failed,
    TaskStatus::Cancelled,
];

/// A well-formed id that no store in these tests hands out.
const UNKNOWN_ID: &str = "ffffffff-ffff-4fff-bfff-ffffffffffff";

#[test]
fn new_task_starts_working_with_equal_timestamps() {
    let mut fx = Fx::new();
    let id = fx.create(Some(60_000), None, T0);
    let task = fx.task(&id, T0).unwrap();
    assert_eq!(task.task_id.to_string(), id);
    assert_eq!(task.status, TaskStatus::Working);
    assert_eq!(task.status_message, None);
    assert_eq!(task.created_at, T0);
    assert_eq!(task.last_updated_at, T0);
    assert_eq!(task.ttl, Some(60_000));
    assert_eq!(format_iso8601(task.created_at), "2025-11-25T10:30:00.000Z");
    assert!(matches!(
        fx.result(&id, T0),
        Err(StoreError::NoResult { .. })
    ));
    assert_eq!(fx.store.len(), 1);
}

#[test]
fn non_terminal_status_moves_anywhere() {
    let mut fx = Fx::new();
    for to in ALL {
        for from in [TaskStatus::Working, TaskStatus::InputRequired] {
            let id = fx.create(None, None, T0);
            fx.update(&id, from, None, T0 + 1).unwrap();
            fx.update(&id, to, None, T0 + 2).unwrap();
            assert_eq!(fx.status(&id, T0 + 2), to, "{from} -> {to}");
        }
    }
    // And back and forth between the two non-terminal ones.
    let id = fx.create(None, None, T0);
    for (i, s) in [
        TaskStatus::InputRequired,
        TaskStatus::Working,
        TaskStatus::InputRequired,
    ]
    .into_iter()
    .enumerate()
    {
        fx.update(&id, s, None, T0 + i as u64).unwrap();
        assert_eq!(fx.status(&id, T0 + i as u64), s);
    }
}

#[test]
fn terminal_status_is_final() {
    let mut fx = Fx::new();
    for end in TERMINAL {
        // Reached by a status update.
        let id = fx.create(None, None, T0);
        fx.update(&id, end, None, T0 + 1).unwrap();
        for to in ALL {
            let err = fx.update(&id, to, Some("again"), T0 + 2).unwrap_err();
            assert!(
                matches!(err, StoreError::TerminalUpdate { from, to: t, .. } if from == end && t == to)
            );
            assert_eq!(fx.status(&id, T0 + 2), end);
        }
        for outcome in [Outcome::Completed, Outcome::Failed] {
            assert!(fx.store_result(&id, outcome, "late", T0 + 3).is_err());
            assert_eq!(fx.status(&id, T0 + 3), end);
        }
    }
    // Reached by storing a result.
    for outcome in [Outcome::Completed, Outcome::Failed] {
        let id = fx.create(None, None, T0);
        fx.store_result(&id, outcome, "r", T0 + 1).unwrap();
        for to in ALL {
            assert!(fx.update(&id, to, None, T0 + 2).is_err());
        }
        assert_eq!(fx.status(&id, T0 + 2), TaskStatus::from(outcome));
        assert_eq!(fx.result(&id, T0 + 2).unwrap(), "r");
    }
}

#[test]
fn cancelled_task_stays_cancelled_when_result_arrives() {
    let mut fx = Fx::new();
    let id = fx.create(Some(60_000), None, T0);
    fx.update(&id, TaskStatus::Cancelled, Some("user cancelled"), T0 + 10)
        .unwrap();
    for outcome in [Outcome::Completed, Outcome::Failed] {
        let err = fx
            .store_result(&id, outcome, "finished anyway", T0 + 20)
            .unwrap_err();
        assert!(matches!(
            err,
            StoreError::TerminalResult {
                status: TaskStatus::Cancelled,
                ..
            }
        ));
        assert!(err
            .to_string()
            .starts_with(&format!("Cannot store result for task {id}")));
    }
    let err = fx
        .update(&id, TaskStatus::Failed, Some("work failed"), T0 + 30)
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::TerminalUpdate {
            from: TaskStatus::Cancelled,
            ..
        }
    ));
    let task = fx.task(&id, T0 + 30).unwrap();
    assert_eq!(task.status, TaskStatus::Cancelled);
    assert_eq!(task.status_message.as_deref(), Some("user cancelled"));
    assert_eq!(task.last_updated_at, T0 + 10);
    assert!(matches!(
        fx.result(&id, T0 + 30),
        Err(StoreError::NoResult { .. })
    ));
}

#[test]
fn store_result_only_from_non_terminal() {
    let mut fx = Fx::new();
    for (from, outcome) in [
        (TaskStatus::Working, Outcome::Completed),
        (TaskStatus::Working, Outcome::Failed),
        (TaskStatus::InputRequired, Outcome::Completed),
        (TaskStatus::InputRequired, Outcome::Failed),
    ] {
        let id = fx.create(None, None, T0);
        fx.update(&id, from, None, T0).unwrap();
        fx.store_result(&id, outcome, "ok", T0 + 1).unwrap();
        assert_eq!(fx.status(&id, T0 + 1), TaskStatus::from(outcome));
        assert_eq!(fx.result(&id, T0 + 1).unwrap(), "ok");
    }
    for from in TERMINAL {
        let id = fx.create(None, None, T0);
        fx.update(&id, from, None, T0).unwrap();
        let err = fx
            .store_result(&id, Outcome::Completed, "late", T0 + 1)
            .unwrap_err();
        assert!(matches!(err, StoreError::TerminalResult { status, .. } if status == from));
        assert!(matches!(
            fx.result(&id, T0 + 1),
            Err(StoreError::NoResult { .. })
        ));
    }
    // A result is stored once: a second one is refused and the first kept.
    let id = fx.create(None, None, T0);
    fx.store_result(&id, Outcome::Completed, "first", T0)
        .unwrap();
    assert!(fx
        .store_result(&id, Outcome::Failed, "second", T0 + 1)
        .is_err());
    assert_eq!(fx.result(&id, T0 + 1).unwrap(), "first");
    assert_eq!(fx.status(&id, T0 + 1), TaskStatus::Completed);
}

#[test]
fn terminal_without_result_has_no_result() {
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    fx.update(&id, TaskStatus::Completed, None, T0).unwrap();
    let err = fx.result(&id, T0).unwrap_err();
    assert!(matches!(
        err,
        StoreError::NoResult {
            status: TaskStatus::Completed,
            ..
        }
    ));
    let id = fx.create(None, None, T0);
    assert!(matches!(
        fx.result(&id, T0),
        Err(StoreError::NoResult {
            status: TaskStatus::Working,
            ..
        })
    ));
}

#[test]
fn ttl_counts_from_creation() {
    let mut fx = Fx::new();
    let id = fx.create(Some(5_000), None, T0);
    assert_eq!(fx.deadline(&id, T0), Some(T0 + 5_000));
    // Non-terminal changes do not move the deadline.
    fx.update(
        &id,
        TaskStatus::InputRequired,
        Some("need input"),
        T0 + 1_000,
    )
    .unwrap();
    fx.update(&id, TaskStatus::Working, None, T0 + 4_000)
        .unwrap();
    assert_eq!(fx.deadline(&id, T0 + 4_000), Some(T0 + 5_000));
    assert!(fx.task(&id, T0 + 4_999).is_some());
    assert!(fx.task(&id, T0 + 5_000).is_none());
}

#[test]
fn ttl_restarts_when_task_turns_terminal() {
    // By storing a result.
    let mut fx = Fx::new();
    let id = fx.create(Some(5_000), None, T0);
    fx.store_result(&id, Outcome::Completed, "done", T0 + 3_000)
        .unwrap();
    assert_eq!(fx.deadline(&id, T0 + 3_000), Some(T0 + 8_000));
    assert_eq!(fx.task(&id, T0 + 3_000).unwrap().ttl, Some(5_000));
    assert_eq!(fx.result(&id, T0 + 7_999).unwrap(), "done");
    assert!(fx.task(&id, T0 + 8_000).is_none());
    // By a status update to a terminal status.
    for end in TERMINAL {
        let id = fx.create(Some(5_000), None, T0);
        fx.update(&id, end, None, T0 + 4_000).unwrap();
        assert_eq!(fx.deadline(&id, T0 + 4_000), Some(T0 + 9_000));
        assert!(fx.task(&id, T0 + 8_999).is_some());
        assert!(fx.task(&id, T0 + 9_000).is_none());
    }
    assert_eq!(fx.store.next_deadline(), None);
}

#[test]
fn null_ttl_never_expires() {
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    assert_eq!(fx.task(&id, T0).unwrap().ttl, None);
    assert_eq!(fx.deadline(&id, T0), None);
    assert_eq!(fx.store.next_deadline(), None);
    fx.store_result(&id, Outcome::Completed, "r", T0 + 1)
        .unwrap();
    assert_eq!(fx.deadline(&id, T0 + 1), None);
    assert_eq!(fx.store.next_deadline(), None);
    assert_eq!(fx.store.expire(u64::MAX), 0);
    assert_eq!(fx.result(&id, u64::MAX).unwrap(), "r");
}

#[test]
fn zero_ttl_is_raised_to_the_minimum() {
    let mut fx = Fx::new();
    let id = fx.create(Some(0), None, T0);
    let task = fx.task(&id, T0).unwrap();
    assert_eq!(task.ttl, Some(params::DEFAULT_MIN_TTL));
    assert!(fx.task(&id, T0 + params::DEFAULT_MIN_TTL - 1).is_some());
    assert!(fx.task(&id, T0 + params::DEFAULT_MIN_TTL).is_none());
}

#[test]
fn zero_ttl_with_zero_minimum_is_gone_at_its_creation_instant() {
    let mut fx = Fx::with(StoreConfig {
        min_ttl: 0,
        ..StoreConfig::default()
    });
    let id = fx.next_id();
    let h = fx
        .store
        .create(
            id,
            CreateParams {
                ttl: Some(0),
                poll_interval: None,
            },
            None,
            T0,
        )
        .unwrap();
    // The handle still reads until the next operation drops the task.
    assert_eq!(fx.store.stored(h).unwrap().task().ttl, Some(0));
    assert_eq!(fx.store.next_deadline(), Some(T0));
    assert!(fx.task(&id.to_string(), T0).is_none());
    assert!(fx.store.is_empty());
}

#[test]
fn expired_task_is_gone_from_get_list_result_at_its_deadline_before_any_timer() {
    let mut fx = Fx::new();
    let keep = fx.create(None, Some("s"), T0);
    let id = fx.create(Some(5_000), Some("s"), T0);
    fx.store_result(&id, Outcome::Completed, "r", T0 + 1_000)
        .unwrap();
    let at = T0 + 6_000;
    assert_eq!(fx.store.next_deadline(), Some(at));
    // Just before the deadline: everything answers.
    assert!(fx.store.get(&id, Some("s"), at - 1).unwrap().is_some());
    assert_eq!(fx.store.result(&id, Some("s"), at - 1).unwrap(), "r");
    assert_eq!(fx.list_all(Some("s"), at - 1), [keep.clone(), id.clone()]);
    // At the deadline, with no call to expire: gone from every answer.
    assert_eq!(fx.list_all(Some("s"), at), vec![keep.clone()]);
    assert_eq!(fx.list_all(None, at), vec![keep.clone()]);
    assert!(fx.store.get(&id, Some("s"), at).unwrap().is_none());
    assert!(fx.store.get(&id, None, at).unwrap().is_none());
    assert!(matches!(
        fx.store.result(&id, Some("s"), at),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        fx.store
            .update_status(&id, TaskStatus::Cancelled, None, None, at),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        fx.store
            .store_result(&id, Outcome::Failed, "x".into(), None, at),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        fx.page(Some(&id), None, at),
        Err(StoreError::InvalidCursor { .. })
    ));
    assert_eq!(fx.store.all(at).len(), 1);
    assert_eq!(fx.store.len(), 1);
    assert_eq!(fx.store.next_deadline(), None);
    assert_eq!(fx.store.expire(at), 0);
}

#[test]
fn expire_drops_due_tasks_and_counts_them() {
    let mut fx = Fx::new();
    let a = fx.create(Some(1_000), None, T0);
    let b = fx.create(Some(2_000), None, T0);
    let c = fx.create(Some(2_000), None, T0);
    let d = fx.create(None, None, T0);
    assert_eq!(fx.store.expire(T0 + 999), 0);
    assert_eq!(fx.store.len(), 4);
    assert_eq!(fx.store.expire(T0 + 1_000), 1);
    assert_eq!(fx.store.expire(T0 + 5_000), 2);
    assert_eq!(fx.store.len(), 1);
    for gone in [&a, &b, &c] {
        assert!(fx.task(gone, T0 + 5_000).is_none());
    }
    assert!(fx.task(&d, T0 + 5_000).is_some());
    // Time running backwards brings nothing back.
    assert!(fx.task(&a, T0).is_none());
}

#[test]
fn other_session_cannot_get_update_store_read_or_list() {
    let mut fx = Fx::new();
    let id = fx.create(Some(60_000), Some("a"), T0);
    let other = fx.create(Some(60_000), Some("a"), T0);
    fx.store
        .store_result(&other, Outcome::Completed, "secret".into(), Some("a"), T0)
        .unwrap();
    let before = fx.snapshot(&id, T0).unwrap();
    let before_other = fx.snapshot(&other, T0).unwrap();
    let s = &mut fx.store;
    for (session, now) in [("b", T0 + 1), ("a2", T0 + 2), ("A", T0 + 3)] {
        assert!(s.get(&id, Some(session), now).unwrap().is_none());
        let err = s
            .update_status(
                &id,
                TaskStatus::Cancelled,
                Some("x".into()),
                Some(session),
                now,
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }));
        assert!(err
            .to_string()
            .starts_with(&format!("Task with ID {id} not found")));
        let err = s
            .store_result(&id, Outcome::Completed, "x".into(), Some(session), now)
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }));
        assert!(matches!(
            s.result(&other, Some(session), now),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.result(&id, Some(session), now),
            Err(StoreError::NotFound { .. })
        ));
        let page = s.list(None, Some(session), now).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.next_cursor, None);
        // Another session's task id is no cursor either.
        assert!(matches!(
            s.list(Some(&id), Some(session), now),
            Err(StoreError::InvalidCursor { .. })
        ));
    }
    assert_eq!(fx.snapshot(&id, T0 + 4).unwrap(), before);
    assert_eq!(fx.snapshot(&other, T0 + 4).unwrap(), before_other);
    // The owner still sees both.
    assert_eq!(fx.list_all(Some("a"), T0 + 4), [id.clone(), other.clone()]);
    assert!(fx.store.get(&id, Some("a"), T0 + 4).unwrap().is_some());
}

#[test]
fn unowned_tasks_visible_to_every_session() {
    let mut fx = Fx::new();
    let open = fx.create(None, None, T0);
    let mine = fx.create(None, Some("a"), T0);
    let open2 = fx.create(None, None, T0);
    for session in ["a", "b", "never-seen"] {
        assert!(fx.store.get(&open, Some(session), T0).unwrap().is_some());
        let listed = fx.list_all(Some(session), T0);
        let expect: Vec<&String> = if session == "a" {
            vec![&open, &mine, &open2]
        } else {
            vec![&open, &open2]
        };
        assert_eq!(listed.iter().collect::<Vec<_>>(), expect, "{session}");
    }
    // Any session may drive an unowned task.
    fx.store
        .update_status(
            &open,
            TaskStatus::InputRequired,
            Some("b asks".into()),
            Some("b"),
            T0 + 1,
        )
        .unwrap();
    fx.store
        .store_result(&open, Outcome::Completed, "r".into(), Some("a"), T0 + 2)
        .unwrap();
    assert_eq!(fx.store.result(&open, Some("c"), T0 + 3).unwrap(), "r");
}

#[test]
fn calls_without_session_are_unrestricted() {
    let mut fx = Fx::new();
    let a = fx.create(None, Some("a"), T0);
    let b = fx.create(None, Some("b"), T0);
    let open = fx.create(None, None, T0);
    assert_eq!(fx.list_all(None, T0), [a.clone(), b.clone(), open.clone()]);
    fx.update(&a, TaskStatus::InputRequired, None, T0 + 1)
        .unwrap();
    fx.store_result(&b, Outcome::Failed, "boom", T0 + 2)
        .unwrap();
    assert_eq!(fx.result(&b, T0 + 3).unwrap(), "boom");
    assert_eq!(fx.status(&a, T0 + 3), TaskStatus::InputRequired);
    // A task id of any session is a cursor for an unrestricted caller.
    assert_eq!(
        fx.page(Some(&a), None, T0 + 3).unwrap().0,
        [b.clone(), open.clone()]
    );
    let all: Vec<String> = fx
        .store
        .all(T0 + 3)
        .into_iter()
        .map(|h| fx.store.stored(h).unwrap().task().task_id.to_string())
        .collect();
    assert_eq!(all, [a, b, open]);
}

#[test]
fn session_is_still_bound_after_all_its_tasks_expired() {
    let mut fx = Fx::new();
    fx.create(Some(1_000), Some("a"), T0);
    fx.create(Some(1_000), Some("b"), T0);
    assert_eq!(fx.store.expire(T0 + 1_000), 2);
    // New tasks for the same session names after the old ones are gone.
    let b = fx.create(None, Some("b"), T0 + 2_000);
    let a = fx.create(None, Some("a"), T0 + 2_000);
    assert_eq!(fx.list_all(Some("a"), T0 + 2_000), vec![a.clone()]);
    assert_eq!(fx.list_all(Some("b"), T0 + 2_000), vec![b.clone()]);
    assert!(fx.store.get(&a, Some("b"), T0 + 2_000).unwrap().is_none());
    assert!(fx.store.get(&b, Some("a"), T0 + 2_000).unwrap().is_none());
}

#[test]
fn empty_session_is_rejected_not_read_as_none() {
    let mut fx = Fx::new();
    let id = fx.create(None, Some("a"), T0);
    let s = &mut fx.store;
    let check = |r: Result<(), StoreError>| {
        let err = r.unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidParam { ref param, .. } if *param == Param::SessionId)
        );
        assert_eq!(err.code(), INVALID_PARAMS);
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
    };
    let new_id = TaskId::from_random_bytes([7; 16]);
    check(
        s.create(new_id, CreateParams::default(), Some(""), T0)
            .map(|_| ()),
    );
    check(s.get(&id, Some(""), T0).map(|_| ()));
    check(
        s.update_status(&id, TaskStatus::Failed, None, Some(""), T0)
            .map(|_| ()),
    );
    check(
        s.store_result(&id, Outcome::Completed, "r".into(), Some(""), T0)
            .map(|_| ()),
    );
    check(s.result(&id, Some(""), T0).map(|_| ()));
    check(s.list(None, Some(""), T0).map(|_| ()));
    assert_eq!(s.len(), 1);
    assert!(s.get(&new_id.to_string(), None, T0).unwrap().is_none());
    assert_eq!(fx.status(&id, T0), TaskStatus::Working);
}

#[test]
fn unknown_or_malformed_ids_are_not_found() {
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    for bad in [
        UNKNOWN_ID,
        "",
        "nonexistent",
        &id.to_uppercase(),
        &id.replace('-', ""),
    ] {
        assert!(fx.store.get(bad, None, T0).unwrap().is_none(), "{bad}");
        assert!(matches!(
            fx.result(bad, T0),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            fx.update(bad, TaskStatus::Cancelled, None, T0),
            Err(StoreError::NotFound { .. })
        ));
    }
    let long = "x".repeat(10_000);
    let msg = fx.result(&long, T0).unwrap_err().to_string();
    assert!(msg.starts_with("Task with ID xxx"));
    assert!(msg.len() < 1_000, "caller input is shortened in messages");
}

#[test]
fn list_pages_in_creation_order_with_next_cursor_iff_more() {
    let mut fx = Fx::new();
    // Empty store: one empty page, no cursor.
    assert_eq!(fx.page(None, None, T0).unwrap(), (vec![], None));
    let ids: Vec<String> = (0..25).map(|i| fx.create(None, None, T0 + i)).collect();
    let (p1, c1) = fx.page(None, None, T0 + 100).unwrap();
    assert_eq!(p1, ids[..10]);
    let c1 = c1.unwrap();
    let (p2, c2) = fx.page(Some(&c1), None, T0 + 100).unwrap();
    assert_eq!(p2, ids[10..20]);
    let (p3, c3) = fx.page(Some(&c2.unwrap()), None, T0 + 100).unwrap();
    assert_eq!(p3, ids[20..]);
    assert_eq!(c3, None);
    // A cursor can be reused: the same page comes back.
    assert_eq!(fx.page(Some(&c1), None, T0 + 100).unwrap().0, p2);
    // An exact multiple of the page size: the last full page has no cursor.
    let mut fx = Fx::new();
    let ids: Vec<String> = (0..20).map(|i| fx.create(None, None, T0 + i)).collect();
    let (p1, c1) = fx.page(None, None, T0 + 100).unwrap();
    assert_eq!(p1, ids[..10]);
    let (p2, c2) = fx.page(Some(&c1.unwrap()), None, T0 + 100).unwrap();
    assert_eq!(p2, ids[10..]);
    assert_eq!(c2, None);
    // Own and unowned tasks interleaved: one merged creation order per session.
    let mut fx = Fx::new();
    let mut mine = Vec::new();
    for i in 0..40u64 {
        let session = match i % 4 {
            0 => None,
            1 => Some("a"),
            2 => Some("b"),
            _ => Some("a"),
        };
        let id = fx.create(None, session, T0 + i);
        if session != Some("b") {
            mine.push(id);
        }
    }
    assert_eq!(mine.len(), 30);
    assert_eq!(fx.list_all(Some("a"), T0 + 100), mine);
    assert_eq!(fx.list_all(None, T0 + 100).len(), 40);
    assert_eq!(fx.list_all(Some("nobody"), T0 + 100).len(), 10);
}

#[test]
fn list_follows_tasks_created_between_pages() {
    let mut fx = Fx::new();
    let mut ids: Vec<String> = (0..10).map(|i| fx.create(None, None, T0 + i)).collect();
    // A full page and nothing more: no cursor.
    let (p1, c1) = fx.page(None, None, T0 + 10).unwrap();
    assert_eq!(p1, ids);
    assert_eq!(c1, None);
    ids.push(fx.create(None, None, T0 + 11));
    // Resuming after the last task seen (the SDK's way) shows the new one.
    let last = ids[9].clone();
    assert_eq!(
        fx.page(Some(&last), None, T0 + 12).unwrap(),
        (vec![ids[10].clone()], None)
    );
}

#[test]
fn cursor_survives_deletion_of_its_task() {
    let mut fx = Fx::new();
    // Tasks 0..10 expire at +1000, tasks 10..20 at +3000, the rest never.
    let mut ids = Vec::new();
    for i in 0..25u64 {
        let ttl = match i {
            0..=9 => Some(1_000),
            10..=19 => Some(3_000),
            _ => None,
        };
        ids.push(fx.create(ttl, None, T0));
    }
    let (p1, c1) = fx.page(None, None, T0).unwrap();
    assert_eq!(p1, ids[..10]);
    let c1 = c1.unwrap();
    // The whole first page (the cursor's own task included) expires.
    assert_eq!(fx.store.expire(T0 + 1_000), 10);
    let (p2, c2) = fx.page(Some(&c1), None, T0 + 1_000).unwrap();
    assert_eq!(p2, ids[10..20]);
    let c2 = c2.unwrap();
    // The second page expires too, with no explicit expire: both cursors still work.
    assert_eq!(
        fx.page(Some(&c2), None, T0 + 3_000).unwrap(),
        (ids[20..].to_vec(), None)
    );
    assert_eq!(
        fx.page(Some(&c1), None, T0 + 3_000).unwrap(),
        (ids[20..].to_vec(), None)
    );
}

#[test]
fn cursor_is_bound_to_the_session_it_was_handed_to_and_reveals_no_count() {
    let small = StoreConfig {
        page_size: 2,
        ..StoreConfig::default()
    };
    let mut fx = Fx::with(small);
    for i in 0..3 {
        fx.create(None, Some("a"), T0 + i);
    }
    let (_, cursor) = fx.page(None, Some("a"), T0 + 5).unwrap();
    let cursor = cursor.unwrap();
    for other in [Some("b"), None] {
        let err = fx.page(Some(&cursor), other, T0 + 5).unwrap_err();
        assert!(matches!(err, StoreError::InvalidCursor { .. }), "{other:?}");
    }
    assert_eq!(
        fx.page(Some(&cursor), Some("a"), T0 + 5).unwrap().0.len(),
        1
    );
    // Opaque: 24 hex digits, the position enciphered under the store's key and the session.
    assert_eq!(cursor.len(), 24);
    assert!(cursor.bytes().all(|b| b.is_ascii_hexdigit()));
    let key = fx.store.cursor_key();
    assert_eq!(key.decode(&cursor, Some("a")), Some(1));
    assert_eq!(key.decode(&cursor, Some("b")), None);
    assert_ne!(key.encode(1, Some("b")), cursor);
}

#[test]
fn task_id_accepted_as_cursor() {
    let mut fx = Fx::new();
    let ids: Vec<String> = (0..15)
        .map(|i| fx.create(None, Some("a"), T0 + i))
        .collect();
    // The SDK's nextCursor is a task id: "after this task".
    assert_eq!(
        fx.page(Some(&ids[2]), Some("a"), T0 + 20).unwrap().0,
        ids[3..13]
    );
    let (page, next) = fx.page(Some(&ids[4]), Some("a"), T0 + 20).unwrap();
    assert_eq!(page, ids[5..15]);
    assert_eq!(next, None);
    let (page, next) = fx.page(Some(&ids[14]), Some("a"), T0 + 20).unwrap();
    assert!(page.is_empty());
    assert_eq!(next, None);
    // Our own cursors and task ids mix: a next cursor from a page started at an id.
    let (_, next) = fx.page(Some(&ids[0]), None, T0 + 20).unwrap();
    assert_eq!(
        fx.page(Some(&next.unwrap()), None, T0 + 20).unwrap().0,
        ids[11..]
    );
}

#[test]
fn malformed_cursor_rejected_with_invalid_params() {
    let mut fx = Fx::new();
    let gone = fx.create(Some(1_000), None, T0);
    let ids: Vec<String> = (0..3).map(|i| fx.create(None, None, T0 + i)).collect();
    let now = T0 + 5_000; // `gone` has expired
    let key = fx.store.cursor_key();
    let too_far = key.encode(4, None); // seqs 0..=3 were handed out
    let foreign = key.encode(1, Some("other")); // a valid position, another session's
    let upper = ids[0].to_uppercase();
    for bad in [
        "garbage",
        "",
        "c",
        "cFF",
        "c01",
        "c-1",
        UNKNOWN_ID,
        upper.as_str(),
        gone.as_str(),
        too_far.as_str(),
        foreign.as_str(),
        "c10000000000000000",
    ] {
        let err = fx.page(Some(bad), None, now).unwrap_err();
        assert!(matches!(err, StoreError::InvalidCursor { .. }), "{bad}");
        assert_eq!(err.code(), INVALID_PARAMS);
        assert!(
            err.to_string()
                .starts_with(&format!("Invalid cursor: {bad}")),
            "{err}"
        );
    }
    // The last handed-out position is a valid cursor (nothing after it).
    assert_eq!(
        fx.page(Some(&key.encode(3, None)), None, now).unwrap(),
        (vec![], None)
    );
    assert_eq!(
        fx.page(Some(&key.encode(0, None)), None, now).unwrap().0,
        ids
    );
}

#[test]
fn rejected_call_changes_nothing() {
    let mut fx = Fx::new();
    let live = fx.create(Some(60_000), Some("a"), T0);
    let done = fx.create(Some(60_000), Some("a"), T0);
    fx.store
        .store_result(&done, Outcome::Completed, "r".into(), Some("a"), T0 + 1)
        .unwrap();
    let before = (
        fx.snapshot(&live, T0 + 2).unwrap(),
        fx.snapshot(&done, T0 + 2).unwrap(),
    );
    let deadline = fx.store.next_deadline();
    let now = T0 + 10;
    let s = &mut fx.store;
    // Terminal update, result on terminal task, wrong session, unknown id, bad session,
    // bad cursor.
    assert!(s
        .update_status(&done, TaskStatus::Working, Some("m".into()), Some("a"), now)
        .is_err());
    assert!(s
        .store_result(&done, Outcome::Failed, "x".into(), None, now)
        .is_err());
    assert!(s
        .update_status(
            &live,
            TaskStatus::Cancelled,
            Some("m".into()),
            Some("b"),
            now
        )
        .is_err());
    assert!(s
        .store_result(&live, Outcome::Failed, "x".into(), Some("b"), now)
        .is_err());
    assert!(s
        .update_status(UNKNOWN_ID, TaskStatus::Cancelled, None, None, now)
        .is_err());
    assert!(s
        .update_status(&live, TaskStatus::Cancelled, None, Some(""), now)
        .is_err());
    assert!(s.list(Some("nope"), None, now).is_err());
    assert!(s.result(&live, None, now).is_err());
    // A duplicate id: rejected as internal, the first task unchanged, no position used up.
    let dup = TaskId::parse(&live).unwrap();
    let err = s
        .create(
            dup,
            CreateParams {
                ttl: None,
                poll_interval: Some(5),
            },
            None,
            now,
        )
        .unwrap_err();
    assert_eq!(err.code(), INTERNAL_ERROR);
    assert!(
        s.list(Some(&s.cursor_key().encode(2, None)), None, now)
            .is_err(),
        "seq 2 was never handed out"
    );
    assert_eq!(s.len(), 2);
    assert_eq!(s.next_deadline(), deadline);
    let after = (
        fx.snapshot(&live, now).unwrap(),
        fx.snapshot(&done, now).unwrap(),
    );
    assert_eq!(after, before);
    assert_eq!(fx.list_all(Some("a"), now), [live, done]);
}

#[test]
fn last_updated_moves_on_every_change() {
    let mut fx = Fx::new();
    let id = fx.create(Some(60_000), None, T0);
    let at = |fx: &mut Fx, now| fx.task(&id, now).unwrap().last_updated_at;
    // Reads change nothing.
    fx.store.list(None, None, T0 + 5).unwrap();
    let _ = fx.result(&id, T0 + 5);
    assert_eq!(at(&mut fx, T0 + 5), T0);
    fx.update(&id, TaskStatus::InputRequired, None, T0 + 10)
        .unwrap();
    assert_eq!(at(&mut fx, T0 + 10), T0 + 10);
    fx.update(
        &id,
        TaskStatus::InputRequired,
        Some("same status, new message"),
        T0 + 20,
    )
    .unwrap();
    assert_eq!(at(&mut fx, T0 + 20), T0 + 20);
    fx.update(&id, TaskStatus::InputRequired, None, T0 + 25)
        .unwrap();
    assert_eq!(at(&mut fx, T0 + 25), T0 + 25);
    fx.update(&id, TaskStatus::Working, None, T0 + 30).unwrap();
    assert_eq!(at(&mut fx, T0 + 30), T0 + 30);
    // Never backwards, even if the clock is.
    fx.update(&id, TaskStatus::Working, Some("clock skew"), T0 + 15)
        .unwrap();
    assert_eq!(at(&mut fx, T0 + 30), T0 + 30);
    fx.store_result(&id, Outcome::Completed, "r", T0 + 40)
        .unwrap();
    assert_eq!(at(&mut fx, T0 + 40), T0 + 40);
    // Rejected changes do not count.
    assert!(fx.update(&id, TaskStatus::Failed, None, T0 + 50).is_err());
    assert_eq!(at(&mut fx, T0 + 50), T0 + 40);
    // created_at never moves.
    assert_eq!(fx.task(&id, T0 + 50).unwrap().created_at, T0);
}

#[test]
fn every_change_moves_the_version_and_reads_do_not() {
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    let h = fx.store.get(&id, None, T0).unwrap().unwrap();
    let version = |fx: &Fx| fx.store.stored(h).unwrap().record().version;
    assert_eq!(version(&fx), 1);
    fx.store.get(&id, None, T0 + 1).unwrap();
    fx.store.list(None, None, T0 + 1).unwrap();
    assert_eq!(version(&fx), 1, "reads keep the version");
    fx.update(&id, TaskStatus::Working, Some("m"), T0 + 2)
        .unwrap();
    assert_eq!(version(&fx), 2);
    assert!(fx
        .update(&id, TaskStatus::Working, Some("m"), T0 + 2)
        .is_ok());
    assert_eq!(version(&fx), 3, "a repeated status is a change");
    fx.store_result(&id, Outcome::Completed, "r", T0 + 3)
        .unwrap();
    assert_eq!(version(&fx), 4);
    assert!(fx.update(&id, TaskStatus::Working, None, T0 + 4).is_err());
    assert_eq!(version(&fx), 4, "a rejected change moves nothing");
}

#[test]
fn repeated_non_terminal_status_updates_message() {
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    fx.update(&id, TaskStatus::Working, Some("step 1 of 3"), T0 + 1)
        .unwrap();
    fx.update(&id, TaskStatus::Working, Some("step 2 of 3"), T0 + 2)
        .unwrap();
    let task = fx.task(&id, T0 + 2).unwrap();
    assert_eq!(task.status, TaskStatus::Working);
    assert_eq!(task.status_message.as_deref(), Some("step 2 of 3"));
    assert_eq!(task.last_updated_at, T0 + 2);
    fx.update(&id, TaskStatus::InputRequired, Some("need a"), T0 + 3)
        .unwrap();
    fx.update(&id, TaskStatus::InputRequired, Some("need b"), T0 + 4)
        .unwrap();
    let task = fx.task(&id, T0 + 4).unwrap();
    assert_eq!(task.status, TaskStatus::InputRequired);
    assert_eq!(task.status_message.as_deref(), Some("need b"));
}

#[test]
fn status_message_rules() {
    // As the TypeScript SDK's store: a message sets it; none (or an empty one) keeps the
    // current message, on any status change and when a result is stored.
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    let msg = |fx: &mut Fx| fx.task(&id, T0).unwrap().status_message;
    fx.update(&id, TaskStatus::InputRequired, Some("need input"), T0)
        .unwrap();
    assert_eq!(msg(&mut fx).as_deref(), Some("need input"));
    fx.update(&id, TaskStatus::InputRequired, None, T0).unwrap();
    assert_eq!(msg(&mut fx).as_deref(), Some("need input"));
    fx.update(&id, TaskStatus::Working, None, T0).unwrap();
    assert_eq!(msg(&mut fx).as_deref(), Some("need input"), "change keeps");
    fx.update(&id, TaskStatus::InputRequired, Some(""), T0)
        .unwrap();
    assert_eq!(msg(&mut fx).as_deref(), Some("need input"), "empty keeps");
    fx.update(&id, TaskStatus::Failed, Some("crashed"), T0)
        .unwrap();
    assert_eq!(msg(&mut fx).as_deref(), Some("crashed"));
    let id2 = fx.create(None, None, T0);
    fx.update(&id2, TaskStatus::Working, Some("busy"), T0)
        .unwrap();
    fx.update(&id2, TaskStatus::Cancelled, None, T0).unwrap();
    assert_eq!(
        fx.task(&id2, T0).unwrap().status_message.as_deref(),
        Some("busy")
    );
    let id3 = fx.create(None, None, T0);
    assert_eq!(fx.task(&id3, T0).unwrap().status_message, None);
    fx.update(&id3, TaskStatus::InputRequired, Some("need input"), T0)
        .unwrap();
    fx.store_result(&id3, Outcome::Completed, "r", T0).unwrap();
    assert_eq!(
        fx.task(&id3, T0).unwrap().status_message.as_deref(),
        Some("need input"),
        "storing a result keeps it"
    );
}

#[test]
fn ttl_clamped_to_min_and_max() {
    let mut fx = Fx::new();
    for (asked, granted) in [
        (None, None),
        (Some(0), Some(1)),
        (Some(1), Some(1)),
        (Some(50), Some(50)),
        (Some(1_000), Some(1_000)),
        (Some(u64::MAX / 4), Some(u64::MAX / 4)),
    ] {
        let id = fx.create(asked, None, T0);
        assert_eq!(fx.task(&id, T0).unwrap().ttl, granted, "{asked:?}");
        assert_eq!(
            fx.deadline(&id, T0),
            granted.map(|t| T0.saturating_add(t).min(MAX_COUNT))
        );
    }
    let config = StoreConfig {
        min_ttl: 500,
        max_ttl: Some(60_000),
        ..StoreConfig::default()
    };
    let mut fx = Fx::with(config);
    for (asked, granted) in [
        (None, 60_000),
        (Some(0), 500),
        (Some(499), 500),
        (Some(500), 500),
        (Some(30_000), 30_000),
        (Some(60_000), 60_000),
        (Some(60_001), 60_000),
        (Some(u64::MAX), 60_000),
    ] {
        let id = fx.create(asked, None, T0);
        assert_eq!(fx.task(&id, T0).unwrap().ttl, Some(granted), "{asked:?}");
        assert_eq!(fx.deadline(&id, T0), Some(T0 + granted));
    }
    // Min equal to max: every task gets exactly that.
    let mut fx = Fx::with(StoreConfig {
        min_ttl: 7,
        max_ttl: Some(7),
        ..StoreConfig::default()
    });
    for asked in [None, Some(0), Some(100)] {
        let id = fx.create(asked, None, T0);
        assert_eq!(fx.task(&id, T0).unwrap().ttl, Some(7));
    }
}

#[test]
fn huge_ttl_saturates_instead_of_overflowing() {
    // Capped at 2^53 - 1 ms (past every JS Date), so it stays a JS number.
    let mut fx = Fx::new();
    let id = fx.create(Some(u64::MAX), None, T0);
    assert_eq!(fx.deadline(&id, T0), Some(MAX_COUNT));
    fx.store_result(&id, Outcome::Completed, "r", T0 + 1)
        .unwrap();
    assert_eq!(fx.deadline(&id, T0 + 1), Some(MAX_COUNT));
    assert!(fx.task(&id, MAX_COUNT - 1).is_some());
    assert!(fx.task(&id, u64::MAX).is_none());
}

#[test]
fn default_poll_interval_and_page_size() {
    let mut fx = Fx::new();
    assert_eq!(fx.store.config().page_size, 10);
    assert_eq!(fx.store.config().default_poll_interval, 1_000);
    assert_eq!(fx.store.config().min_ttl, 1);
    assert_eq!(fx.store.config().max_ttl, None);
    assert_eq!(*fx.store.config(), StoreConfig::default());
    let id = fx.create(None, None, T0);
    assert_eq!(fx.task(&id, T0).unwrap().poll_interval, 1_000);
    let explicit = fx.next_id();
    let h = fx
        .store
        .create(
            explicit,
            CreateParams {
                ttl: None,
                poll_interval: Some(250),
            },
            None,
            T0,
        )
        .unwrap();
    assert_eq!(fx.store.stored(h).unwrap().task().poll_interval, 250);
    for i in 0..15 {
        fx.create(None, None, T0 + i);
    }
    assert_eq!(fx.store.list(None, None, T0 + 20).unwrap().items.len(), 10);
    // Configured values.
    let config = StoreConfig {
        page_size: 4,
        default_poll_interval: 500,
        ..StoreConfig::default()
    };
    let mut fx = Fx::with(config);
    let id = fx.create(None, None, T0);
    assert_eq!(fx.task(&id, T0).unwrap().poll_interval, 500);
    for i in 0..6 {
        fx.create(None, None, T0 + i);
    }
    assert_eq!(fx.store.list(None, None, T0 + 10).unwrap().items.len(), 4);
    // TaskStore::default() is the default config too.
    let store: TaskStore<String> = TaskStore::default();
    assert_eq!(*store.config(), StoreConfig::default());
}

#[test]
fn invalid_config_rejected() {
    for bad in [
        StoreConfig {
            page_size: 0,
            ..StoreConfig::default()
        },
        StoreConfig {
            page_size: params::MAX_PAGE_SIZE + 1,
            ..StoreConfig::default()
        },
        StoreConfig {
            min_ttl: 1_000,
            max_ttl: Some(999),
            ..StoreConfig::default()
        },
    ] {
        let err = TaskStore::<String>::new(bad.clone()).unwrap_err();
        assert_eq!(err.code(), INVALID_PARAMS, "{bad:?}");
        assert_eq!(err.kind(), ErrorKind::OutOfRange);
    }
    for good in [
        StoreConfig {
            page_size: 1,
            ..StoreConfig::default()
        },
        StoreConfig {
            page_size: params::MAX_PAGE_SIZE,
            ..StoreConfig::default()
        },
        StoreConfig {
            min_ttl: 0,
            max_ttl: Some(0),
            ..StoreConfig::default()
        },
    ] {
        assert!(TaskStore::<String>::new(good).is_ok());
    }
}

#[test]
fn next_deadline_tracks_earliest() {
    let mut fx = Fx::new();
    assert_eq!(fx.store.next_deadline(), None);
    fx.create(None, None, T0);
    assert_eq!(fx.store.next_deadline(), None);
    let a = fx.create(Some(5_000), None, T0);
    assert_eq!(fx.store.next_deadline(), Some(T0 + 5_000));
    let b = fx.create(Some(3_000), None, T0);
    assert_eq!(fx.store.next_deadline(), Some(T0 + 3_000));
    // b turns terminal at +1000: its deadline moves to +4000, still the earliest.
    fx.store_result(&b, Outcome::Completed, "r", T0 + 1_000)
        .unwrap();
    assert_eq!(fx.store.next_deadline(), Some(T0 + 4_000));
    // a turns terminal at +2500: its deadline moves to +7500; b's +4000 stays the earliest.
    fx.update(&a, TaskStatus::Cancelled, None, T0 + 2_500)
        .unwrap();
    assert_eq!(fx.store.next_deadline(), Some(T0 + 4_000));
    // Same deadline twice is fine.
    let c = fx.create(Some(3_000), None, T0 + 1_000);
    assert_eq!(fx.deadline(&c, T0 + 1_000), Some(T0 + 4_000));
    assert_eq!(fx.store.expire(T0 + 4_000), 2);
    assert_eq!(fx.store.next_deadline(), Some(T0 + 7_500));
    assert_eq!(fx.store.expire(T0 + 7_500), 1);
    assert_eq!(fx.store.next_deadline(), None);
    // Expired tasks still count for next_deadline until an operation drops them.
    fx.create(Some(1_000), None, T0 + 8_000);
    assert_eq!(fx.store.next_deadline(), Some(T0 + 9_000));
    fx.store.list(None, None, T0 + 9_000).unwrap();
    assert_eq!(fx.store.next_deadline(), None);
}

#[test]
fn clear_empties_store() {
    let config = StoreConfig {
        page_size: 3,
        ..StoreConfig::default()
    };
    let mut fx = Fx::with(config.clone());
    let ids: Vec<String> = (0..5)
        .map(|i| fx.create(Some(10_000), Some("a"), T0 + i))
        .collect();
    fx.store.clear();
    assert!(fx.store.is_empty());
    assert_eq!(fx.store.len(), 0);
    assert_eq!(fx.store.next_deadline(), None);
    assert_eq!(*fx.store.config(), config);
    for id in &ids {
        assert!(fx.task(id, T0 + 10).is_none());
    }
    assert_eq!(fx.page(None, Some("a"), T0 + 10).unwrap(), (vec![], None));
    assert!(fx.store.all(T0 + 10).is_empty());
    // The store works as new, the same ids included.
    let again = TaskId::parse(&ids[0]).unwrap();
    fx.store
        .create(again, CreateParams::default(), Some("b"), T0 + 20)
        .unwrap();
    assert!(fx.store.get(&ids[0], Some("a"), T0 + 20).unwrap().is_none());
    assert!(fx.store.get(&ids[0], Some("b"), T0 + 20).unwrap().is_some());
}

#[test]
fn cursor_from_before_clear_skips_nothing_created_after() {
    let mut fx = Fx::with(StoreConfig {
        page_size: 3,
        ..StoreConfig::default()
    });
    for i in 0..5 {
        fx.create(None, None, T0 + i);
    }
    let old = fx.page(None, None, T0 + 10).unwrap().1.unwrap();
    fx.store.clear();
    let fresh: Vec<String> = (0..5).map(|i| fx.create(None, None, T0 + 20 + i)).collect();
    // Every new task comes after the old position: the old cursor resumes before all of
    // them, never part-way through.
    let (page, next) = fx.page(Some(&old), None, T0 + 30).unwrap();
    assert_eq!(page, fresh[..3]);
    assert_eq!(
        fx.page(Some(&next.unwrap()), None, T0 + 30).unwrap(),
        (fresh[3..].to_vec(), None)
    );
}

#[test]
fn error_codes() {
    let mut fx = Fx::new();
    let id = fx.create(None, None, T0);
    let done = fx.create(None, None, T0);
    fx.store_result(&done, Outcome::Completed, "r", T0).unwrap();
    let cases: Vec<(StoreError, i32, String)> = vec![
        (
            fx.result(UNKNOWN_ID, T0).unwrap_err(),
            INVALID_PARAMS,
            format!("Task with ID {UNKNOWN_ID} not found"),
        ),
        (
            fx.update(UNKNOWN_ID, TaskStatus::Cancelled, None, T0)
                .unwrap_err(),
            INVALID_PARAMS,
            format!("Task with ID {UNKNOWN_ID} not found"),
        ),
        (
            fx.store_result(UNKNOWN_ID, Outcome::Completed, "r", T0)
                .unwrap_err(),
            INVALID_PARAMS,
            format!("Task with ID {UNKNOWN_ID} not found"),
        ),
        (
            fx.update(&done, TaskStatus::Cancelled, None, T0)
                .unwrap_err(),
            INVALID_PARAMS,
            format!("Cannot update task {done} from terminal status 'completed' to 'cancelled'"),
        ),
        (
            fx.store_result(&done, Outcome::Failed, "r", T0)
                .unwrap_err(),
            INVALID_PARAMS,
            format!("Cannot store result for task {done} in terminal status 'completed'"),
        ),
        (
            fx.result(&id, T0).unwrap_err(),
            INVALID_PARAMS,
            format!("Task {id} has no result stored"),
        ),
        (
            fx.page(Some("bogus"), None, T0).unwrap_err(),
            INVALID_PARAMS,
            "Invalid cursor: bogus".into(),
        ),
        (
            fx.store.get(&id, Some(""), T0).unwrap_err(),
            INVALID_PARAMS,
            "Invalid session: ".into(),
        ),
        (
            fx.store
                .create(
                    TaskId::parse(&id).unwrap(),
                    CreateParams::default(),
                    None,
                    T0,
                )
                .unwrap_err(),
            INTERNAL_ERROR,
            "Internal error: ".into(),
        ),
        (
            TaskStore::<String>::new(StoreConfig {
                page_size: 0,
                ..StoreConfig::default()
            })
            .unwrap_err(),
            INVALID_PARAMS,
            "Invalid page_size: 0".into(),
        ),
    ];
    for (err, code, prefix) in cases {
        assert_eq!(err.code(), code, "{err}");
        assert!(
            err.to_string().starts_with(&prefix),
            "{err:?} should start with {prefix:?}"
        );
        if code == INTERNAL_ERROR {
            assert_eq!(err.kind(), ErrorKind::State);
        }
    }
    assert_eq!(INVALID_PARAMS, -32602);
    assert_eq!(INTERNAL_ERROR, -32603);
}

/// The ids of the removal events among `events`, with their reasons.
fn removals<'a>(events: impl Iterator<Item = TaskEvent> + 'a) -> Vec<(TaskId, RemovalReason)> {
    events
        .filter_map(|e| match e.kind {
            ChangeKind::Removed(why) => {
                assert_eq!(
                    e.last.map(|t| t.task_id),
                    Some(e.task_id),
                    "carries its last state"
                );
                Some((e.task_id, why))
            }
            _ => {
                assert!(e.last.is_none());
                None
            }
        })
        .collect()
}

#[test]
fn removals_are_logged_when_enabled() {
    let mut fx = Fx::new();
    // Off by default: nothing is logged.
    fx.create(Some(1_000), None, T0);
    fx.store.expire(T0 + 1_000);
    assert_eq!(fx.store.drain_events().count(), 0);
    fx.store.record_events(true);
    let a = fx.create(Some(1_000), None, T0 + 2_000);
    let b = fx.create(Some(2_000), Some("s"), T0 + 2_000);
    let keep = fx.create(None, None, T0 + 2_000);
    fx.store.drain_events();
    // Removal by any operation's implicit expiry is logged.
    assert!(fx.task(&keep, T0 + 3_000).is_some());
    let expired = RemovalReason::Expired;
    assert_eq!(
        removals(fx.store.drain_events()),
        [(TaskId::parse(&a).unwrap(), expired)]
    );
    assert_eq!(
        fx.store.drain_events().count(),
        0,
        "draining empties the log"
    );
    assert_eq!(fx.store.expire(T0 + 4_000), 1);
    assert_eq!(
        removals(fx.store.drain_events()),
        [(TaskId::parse(&b).unwrap(), expired)]
    );
    // Clear logs every live task, in creation order.
    let c = fx.create(None, None, T0 + 5_000);
    fx.store.clear();
    let cleared = RemovalReason::Cleared;
    assert_eq!(
        removals(fx.store.drain_events()),
        [
            (TaskId::parse(&keep).unwrap(), cleared),
            (TaskId::parse(&c).unwrap(), cleared)
        ]
    );
    // Logging survives clear, and can be turned off.
    let d = fx.create(Some(1_000), None, T0 + 6_000);
    fx.store.expire(T0 + 7_000);
    assert_eq!(
        removals(fx.store.drain_events()),
        [(TaskId::parse(&d).unwrap(), expired)]
    );
    fx.store.record_events(false);
    fx.create(Some(1_000), None, T0 + 8_000);
    fx.store.expire(T0 + 9_000);
    assert_eq!(fx.store.drain_events().count(), 0);
    // reset() removes everything without logging each task.
    fx.store.record_events(true);
    fx.create(None, None, T0 + 10_000);
    fx.store.drain_events();
    fx.store.reset();
    assert_eq!((fx.store.len(), fx.store.drain_events().count()), (0, 0));
}

#[test]
fn every_change_is_logged_with_the_task_after_it() {
    let mut fx = Fx::new();
    fx.store.record_events(true);
    let id = fx.create(Some(5_000), Some("s"), T0);
    fx.update(&id, TaskStatus::InputRequired, Some("?"), T0 + 1)
        .unwrap();
    fx.store_result(&id, Outcome::Failed, "r", T0 + 2).unwrap();
    assert!(fx.update(&id, TaskStatus::Working, None, T0 + 3).is_err());
    let other = fx.create(None, None, T0 + 4);
    fx.store
        .cancel(other.as_str(), Some("stop".into()), None, T0 + 5)
        .unwrap();
    fx.store.delete(other.as_str(), None, T0 + 6).unwrap();
    let events: Vec<TaskEvent> = fx.store.drain_events().collect();
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e.task_id.to_string(), e.kind, e.version))
        .collect();
    assert_eq!(
        summary,
        [
            (id.clone(), ChangeKind::Created, 1),
            (id.clone(), ChangeKind::Status, 2),
            (id.clone(), ChangeKind::Result, 3),
            (other.clone(), ChangeKind::Created, 1),
            (other.clone(), ChangeKind::Status, 2),
            (
                other.clone(),
                ChangeKind::Removed(RemovalReason::Deleted),
                2
            ),
        ]
    );
    assert!(events[..5].iter().all(|e| e.last.is_none()));
    let last = events[5].last.as_ref().unwrap();
    assert_eq!(last.status, TaskStatus::Cancelled);
    assert_eq!(last.status_message.as_deref(), Some("stop"));
    // The state after a change is the record at the event's version.
    let h = fx.store.get(id.as_str(), None, T0 + 6).unwrap().unwrap();
    let record = fx.store.stored(h).unwrap().record();
    assert_eq!(
        (record.version, record.task.status),
        (3, TaskStatus::Failed)
    );
}

#[test]
fn cancel_moves_a_live_task_to_cancelled_and_rejects_a_terminal_one() {
    let mut fx = Fx::new();
    let id = fx.create(Some(5_000), Some("a"), T0);
    assert!(matches!(
        fx.store.cancel(id.as_str(), None, Some("b"), T0),
        Err(StoreError::NotFound { .. })
    ));
    fx.store
        .cancel(id.as_str(), None, Some("a"), T0 + 10)
        .unwrap();
    let task = fx.task(&id, T0 + 10).unwrap();
    assert_eq!(task.status, TaskStatus::Cancelled);
    assert!(fx.task(&id, T0 + 10 + 4_999).is_some(), "ttl restarted");
    let err = fx
        .store
        .cancel(id.as_str(), None, None, T0 + 20)
        .unwrap_err();
    assert_eq!(err.code(), INVALID_PARAMS);
    assert!(err.to_string().starts_with(&format!(
        "Cannot cancel task in terminal status: cancelled (task {id})"
    )));
}

#[test]
fn delete_removes_task_result_and_queue_for_the_callers_session_only() {
    let mut fx = Fx::new();
    let mut store: TaskStore<String, u32> = TaskStore::new(StoreConfig::default()).unwrap();
    let id = fx.next_id();
    let h = store
        .create(id, CreateParams::default(), Some("a"), T0)
        .unwrap();
    let text = id.to_string();
    store.enqueue(h, 7, Some("a"), None, T0).unwrap();
    assert!(matches!(
        store.delete(text.as_str(), Some("b"), T0),
        Err(StoreError::NotFound { .. })
    ));
    let last = store.delete(text.as_str(), Some("a"), T0).unwrap();
    assert_eq!(last.task.task_id, id);
    assert_eq!(store.len(), 0);
    assert_eq!(store.queued_tasks(T0), 0);
    assert!(store.get(text.as_str(), None, T0).unwrap().is_none());
    assert!(store.delete(text.as_str(), None, T0).is_err());
}

#[test]
fn expired_id_can_be_created_again() {
    let mut fx = Fx::new();
    let id = fx.next_id();
    fx.store
        .create(
            id,
            CreateParams {
                ttl: Some(1_000),
                poll_interval: None,
            },
            Some("a"),
            T0,
        )
        .unwrap();
    assert!(fx
        .store
        .create(id, CreateParams::default(), None, T0 + 999)
        .is_err());
    // Once expired, the id is free again and the new task has none of the old one's state.
    let h = fx
        .store
        .create(id, CreateParams::default(), Some("b"), T0 + 1_000)
        .unwrap();
    let task = fx.store.stored(h).unwrap().task().clone();
    assert_eq!(task.created_at, T0 + 1_000);
    assert_eq!(task.ttl, None);
    assert!(fx
        .store
        .get(&id.to_string(), Some("a"), T0 + 1_000)
        .unwrap()
        .is_none());
    assert!(fx
        .store
        .get(&id.to_string(), Some("b"), T0 + 1_000)
        .unwrap()
        .is_some());
}

#[test]
fn handles_stay_valid_while_slots_are_reused() {
    let mut fx = Fx::new();
    let short: Vec<String> = (0..5).map(|_| fx.create(Some(1_000), None, T0)).collect();
    let long = fx.create(None, None, T0);
    let long_h = fx.store.get(&long, None, T0).unwrap().unwrap();
    fx.store.expire(T0 + 1_000);
    let fresh: Vec<String> = (0..5).map(|_| fx.create(None, None, T0 + 1_000)).collect();
    assert_eq!(
        fx.store.stored(long_h).unwrap().task().task_id.to_string(),
        long
    );
    for id in &short {
        assert!(fx.task(id, T0 + 1_000).is_none());
    }
    let mut expect = vec![long];
    expect.extend(fresh);
    assert_eq!(fx.list_all(None, T0 + 1_000), expect);
}

#[test]
fn not_found_by_handle_names_the_id_after_lazy_expiry() {
    let mut store: TaskStore<String> = TaskStore::new(StoreConfig::default()).unwrap();
    let id = TaskId::from_random_bytes([7; 16]);
    let params = CreateParams {
        ttl: Some(1000),
        poll_interval: None,
    };
    let handle = store.create(id, params, None, 0).unwrap();
    let err = store.result(handle, None, 1000).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("Task with ID {id} not found")),
        "{err}"
    );
}

#[test]
fn a_store_can_move_between_threads() {
    // Behind a `Mutex` in a multi-threaded server: the store, its records and events are Send.
    fn assert_send<T: Send>() {}
    assert_send::<TaskStore<String, String>>();
    assert_send::<TaskRecord>();
    assert_send::<TaskEvent>();
    let mut store: TaskStore<String> = TaskStore::new(StoreConfig::default()).unwrap();
    let id = TaskId::from_random_bytes([3; 16]);
    store
        .create(id, CreateParams::default(), Some("s"), T0)
        .unwrap();
    let len = std::thread::spawn(move || store.len()).join().unwrap();
    assert_eq!(len, 1);
}

#[test]
fn limits_refuse_with_internal_error_and_change_nothing() {
    let mut fx = Fx::with(StoreConfig {
        max_tasks: 3,
        max_tasks_per_session: 2,
        max_result_bytes: 100,
        max_queue_size: 2,
        ..StoreConfig::default()
    });
    let a1 = fx.create(Some(1_000), Some("a"), T0);
    fx.create(None, Some("a"), T0);
    let try_create = |fx: &mut Fx, session: Option<&str>, now: Millis| {
        let id = fx.next_id();
        fx.store.create(id, CreateParams::default(), session, now)
    };
    // Session "a" is full; "b" and unowned still fit under max_tasks.
    let err = try_create(&mut fx, Some("a"), T0).unwrap_err();
    assert_eq!(err.code(), INTERNAL_ERROR);
    assert!(
        err.to_string()
            .starts_with("Task limit reached: this session"),
        "{err}"
    );
    assert_eq!(fx.store.len(), 2);
    try_create(&mut fx, Some("b"), T0).unwrap();
    let err = try_create(&mut fx, None, T0).unwrap_err();
    assert!(matches!(
        err,
        StoreError::LimitReached {
            limit: Param::MaxTasks,
            max: 3,
            ..
        }
    ));
    assert!(err.to_string().contains("max_tasks"), "{err}");
    assert_eq!(fx.store.len(), 3);
    let next = fx.store.next_seq();
    // Room again once a task expires; the refused calls used no position.
    assert_eq!(next, 3);
    try_create(&mut fx, Some("a"), T0 + 1_000).unwrap();
    assert!(fx.task(&a1, T0 + 1_000).is_none());
    // Results: the size rule is the config's.
    let config = fx.store.config().clone();
    assert!(config.check_result_bytes(100).is_ok());
    let err = config.check_result_bytes(101).unwrap_err();
    assert_eq!(err.code(), INTERNAL_ERROR);
    assert!(err.to_string().starts_with("Result too large"), "{err}");
    // Queues: max_queue_size caps a missing or larger max_size.
    assert_eq!(config.queue_limit(None), 2);
    assert_eq!(config.queue_limit(Some(1)), 1);
    assert_eq!(config.queue_limit(Some(10)), 2);
}
