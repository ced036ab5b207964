//! The rules of the shared store's events and waits (feature `sync`), one test per rule.
//!
//! Time comes from a hand-driven clock, so expiry is deterministic; threads are used only
//! where the rule is about concurrency.
#![cfg(feature = "sync")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::Duration;

use futures::executor::block_on;
use futures::{FutureExt, StreamExt};
use mcp_task_store_core::shared::{
    Lagged, SharedTaskStore, StatusEvent, StatusEvents, TaskWait, WaitError,
};
use mcp_task_store_core::*;

/// Start of the test clock (2025-11-25T10:30:00.000Z).
const T0: Millis = 1_764_066_600_000;

/// A store on a clock the test moves by hand.
struct Fx {
    store: SharedTaskStore<String>,
    time: Arc<AtomicU64>,
}

impl Fx {
    fn new() -> Fx {
        let time = Arc::new(AtomicU64::new(T0));
        let clock = Arc::clone(&time);
        let store = SharedTaskStore::with_clock(
            StoreConfig::default(),
            Arc::new(move || clock.load(Ordering::SeqCst)),
        )
        .unwrap();
        Fx { store, time }
    }

    fn advance(&self, ms: u64) {
        self.time.fetch_add(ms, Ordering::SeqCst);
    }

    /// A new task for `session`, by id.
    fn task(&self, ttl: Option<u64>, session: Option<&str>) -> String {
        let params = CreateParams {
            ttl,
            poll_interval: None,
        };
        self.store
            .create(params, session)
            .unwrap()
            .task_id
            .to_string()
    }
}

/// The next event if one is buffered; `None` if the stream would wait.
fn try_next(events: &mut StatusEvents<String>) -> Option<Option<Result<StatusEvent, Lagged>>> {
    events.next().now_or_never()
}

/// The next buffered event, which must be there.
fn next_event(events: &mut StatusEvents<String>) -> StatusEvent {
    try_next(events)
        .expect("an event is buffered")
        .expect("the stream has not ended")
        .expect("no lag")
}

/// The outcome of a wait that must have resolved already.
fn resolved(wait: &mut TaskWait<String>) -> Result<Task, WaitError> {
    wait.now_or_never().expect("the wait has resolved")
}

fn pending(wait: &mut TaskWait<String>) -> bool {
    wait.now_or_never().is_none()
}

fn removed_reason(outcome: Result<Task, WaitError>) -> RemovalReason {
    match outcome {
        Err(WaitError::Removed { reason, .. }) => reason,
        other => panic!("expected a removal, got {other:?}"),
    }
}

#[test]
fn every_waiter_on_a_task_wakes() {
    let fx = Fx::new();
    let id = fx.task(None, Some("s"));
    let mut updates: Vec<_> = (0..5)
        .map(|_| fx.store.wait_for_update(&id, Some("s")))
        .collect();
    let mut terminals: Vec<_> = (0..5)
        .map(|_| fx.store.wait_for_terminal(&id, Some("s")))
        .collect();
    for wait in updates.iter_mut().chain(terminals.iter_mut()) {
        assert!(pending(wait));
    }
    assert_eq!(fx.store.stats().waiters, 10);

    fx.store
        .update_status(
            &id,
            TaskStatus::InputRequired,
            Some("need input".into()),
            None,
        )
        .unwrap();
    for wait in &mut updates {
        let task = resolved(wait).unwrap();
        assert_eq!(task.status, TaskStatus::InputRequired);
    }
    for wait in &mut terminals {
        assert!(pending(wait), "not terminal yet");
    }
    assert_eq!(fx.store.stats().waiters, 5);

    fx.store
        .store_result(&id, Outcome::Failed, "boom".into(), None)
        .unwrap();
    for wait in &mut terminals {
        assert_eq!(resolved(wait).unwrap().status, TaskStatus::Failed);
    }
    assert_eq!(fx.store.stats().waiters, 0);

    // Woken from other threads too: each waiter blocks on its own thread.
    let id = fx.task(None, None);
    let (done_tx, done_rx) = mpsc::channel();
    let waiting: Vec<_> = (0..4)
        .map(|_| {
            let wait = fx.store.wait_for_terminal(&id, None);
            let done = done_tx.clone();
            thread::spawn(move || done.send(block_on(wait)).unwrap())
        })
        .collect();
    fx.store.cancel(&id, None, None).unwrap();
    for _ in 0..4 {
        let task = done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert_eq!(task.unwrap().status, TaskStatus::Cancelled);
    }
    for handle in waiting {
        handle.join().unwrap();
    }
}

#[test]
fn event_carries_the_new_state_not_the_old() {
    let fx = Fx::new();
    let mut events = fx.store.subscribe(None).unwrap();
    let id = fx.task(Some(60_000), None);
    let created = next_event(&mut events);
    assert_eq!(created.kind, ChangeKind::Created);
    assert_eq!(created.task.status, TaskStatus::Working);
    assert_eq!(created.version, 1);

    fx.advance(10);
    fx.store
        .update_status(
            &id,
            TaskStatus::InputRequired,
            Some("which file?".into()),
            None,
        )
        .unwrap();
    let changed = next_event(&mut events);
    assert_eq!(changed.kind, ChangeKind::Status);
    assert_eq!(changed.task.status, TaskStatus::InputRequired);
    assert_eq!(changed.task.status_message.as_deref(), Some("which file?"));
    assert_eq!(changed.task.last_updated_at, T0 + 10);
    assert_eq!(changed.version, 2);

    fx.advance(10);
    let mut update = fx.store.wait_for_update(&id, None);
    let after = fx
        .store
        .store_result(&id, Outcome::Completed, "ok".into(), None)
        .unwrap();
    let stored = next_event(&mut events);
    assert_eq!(stored.kind, ChangeKind::Result);
    assert_eq!(stored.task, after);
    assert_eq!(stored.task.status, TaskStatus::Completed);
    assert_eq!(stored.task.last_updated_at, T0 + 20);
    assert_eq!(resolved(&mut update).unwrap(), after);

    fx.store.delete(&id, None).unwrap();
    let gone = next_event(&mut events);
    assert_eq!(gone.kind, ChangeKind::Removed(RemovalReason::Deleted));
    assert_eq!(gone.task, after, "a removal carries the last state");
    assert!(try_next(&mut events).is_none());
}

#[test]
fn no_lost_wakeup_when_change_lands_between_check_and_wait() {
    let fx = Fx::new();
    for round in 0..300 {
        let id = fx.task(None, None);
        let barrier = Arc::new(Barrier::new(2));
        let finisher = {
            let (store, id, barrier) = (fx.store.clone(), id.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                if round % 2 == 0 {
                    store.store_result(&id, Outcome::Completed, "r".into(), None)
                } else {
                    store.cancel(&id, None, None)
                }
            })
        };
        let (done_tx, done_rx) = mpsc::channel();
        let waiter = {
            let (store, id, barrier) = (fx.store.clone(), id.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                // Either the task is already terminal here, or the wait is registered
                // before the change lands: both must resolve.
                let wait = store.wait_for_terminal(&id, None);
                done_tx.send(block_on(wait)).unwrap();
            })
        };
        let task = done_rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("round {round}: the wait missed the change"))
            .unwrap();
        assert!(task.status.is_terminal());
        finisher.join().unwrap().unwrap();
        waiter.join().unwrap();
    }
    assert_eq!(fx.store.stats().waiters, 0);
}

#[test]
fn expiry_wakes_waiters_and_emits_removed_expired() {
    let fx = Fx::new();
    let mut events = fx.store.subscribe(None).unwrap();
    let a = fx.task(Some(1_000), None);
    let b = fx.task(Some(2_000), None);
    let keep = fx.task(None, None);
    for _ in 0..3 {
        next_event(&mut events);
    }
    let mut a_update = fx.store.wait_for_update(&a, None);
    let mut a_terminal = fx.store.wait_for_terminal(&a, None);
    let mut b_update = fx.store.wait_for_update(&b, None);
    assert_eq!(fx.store.next_deadline(), Some(T0 + 1_000));

    // Lazily: the deadline passes, and the next call (on another task) drops it.
    fx.advance(1_000);
    assert!(
        pending(&mut a_update),
        "no timer: nothing happens until a call"
    );
    fx.store.get(&keep, None).unwrap();
    assert_eq!(
        removed_reason(resolved(&mut a_update)),
        RemovalReason::Expired
    );
    assert_eq!(
        removed_reason(resolved(&mut a_terminal)),
        RemovalReason::Expired
    );
    let gone = next_event(&mut events);
    assert_eq!(gone.kind, ChangeKind::Removed(RemovalReason::Expired));
    assert_eq!(gone.task.task_id.to_string(), a);
    assert!(pending(&mut b_update));

    // Driven: expire() at next_deadline().
    let at = fx.store.next_deadline().unwrap();
    assert_eq!(at, T0 + 2_000);
    fx.time.store(at, Ordering::SeqCst);
    assert_eq!(fx.store.expire(), 1);
    match resolved(&mut b_update) {
        Err(WaitError::Removed { reason, last }) => {
            assert_eq!(reason, RemovalReason::Expired);
            assert_eq!(last.task_id.to_string(), b);
            assert_eq!(last.status, TaskStatus::Working);
        }
        other => panic!("expected expiry, got {other:?}"),
    }
    let gone = next_event(&mut events);
    assert_eq!(gone.kind, ChangeKind::Removed(RemovalReason::Expired));
    assert_eq!(gone.task.task_id.to_string(), b);
    assert!(try_next(&mut events).is_none());
    assert_eq!(fx.store.next_deadline(), None);
    assert_eq!(fx.store.stats().waiters, 0);

    // A wait on an expired task is refused as not found.
    match block_on(fx.store.wait_for_update(&a, None)) {
        Err(WaitError::Store(StoreError::NotFound { .. })) => {}
        other => panic!("expected not found, got {other:?}"),
    }
}

#[test]
fn delete_and_clear_reject_waiters_with_reason() {
    let fx = Fx::new();
    let a = fx.task(None, Some("s"));
    let b = fx.task(None, Some("s"));
    let c = fx.task(None, None);
    let mut on_a = fx.store.wait_for_terminal(&a, Some("s"));
    let mut on_b = fx.store.wait_for_update(&b, Some("s"));
    let mut on_c = fx.store.wait_for_terminal(&c, None);

    let last = fx.store.delete(&a, Some("s")).unwrap();
    match resolved(&mut on_a) {
        Err(WaitError::Removed { reason, last: seen }) => {
            assert_eq!(reason, RemovalReason::Deleted);
            assert_eq!(*seen, last);
        }
        other => panic!("expected deletion, got {other:?}"),
    }
    assert!(pending(&mut on_b));

    fx.store.clear();
    assert_eq!(removed_reason(resolved(&mut on_b)), RemovalReason::Cleared);
    assert_eq!(removed_reason(resolved(&mut on_c)), RemovalReason::Cleared);
    let error = WaitError::Removed {
        reason: RemovalReason::Cleared,
        last: Box::new(last),
    };
    assert!(error.to_string().contains("removed (cleared)"));
    assert_eq!(fx.store.stats(), StoreStats::default());
}

#[test]
fn other_session_never_receives_events_or_waits_on_foreign_tasks() {
    let fx = Fx::new();
    let mut alice = fx.store.subscribe(Some("alice")).unwrap();
    let mut bob = fx.store.subscribe(Some("bob")).unwrap();
    let mut everyone = fx.store.subscribe(None).unwrap();

    let hers = fx.task(None, Some("alice"));
    fx.store
        .update_status(&hers, TaskStatus::InputRequired, None, Some("alice"))
        .unwrap();
    let shared = fx.task(None, None);

    // Bob may not wait on Alice's task: not found, as for a task that never existed.
    for outcome in [
        block_on(fx.store.wait_for_update(&hers, Some("bob"))),
        block_on(fx.store.wait_for_terminal(&hers, Some("bob"))),
    ] {
        match outcome {
            Err(WaitError::Store(e @ StoreError::NotFound { .. })) => {
                assert_eq!(e.code(), INVALID_PARAMS)
            }
            other => panic!("expected not found, got {other:?}"),
        }
    }
    assert!(matches!(
        block_on(fx.store.wait_for_update(&hers, Some(""))),
        Err(WaitError::Store(StoreError::InvalidParam { .. }))
    ));
    assert!(fx.store.subscribe(Some("")).is_err());
    assert_eq!(fx.store.stats().waiters, 0);

    fx.store
        .store_result(&hers, Outcome::Completed, "r".into(), Some("alice"))
        .unwrap();
    fx.store.delete(&hers, None).unwrap();
    fx.store.cancel(&shared, None, Some("bob")).unwrap();

    let kinds = |events: &mut StatusEvents<String>| {
        let mut seen = Vec::new();
        while let Some(Some(Ok(event))) = try_next(events) {
            seen.push((event.task.task_id.to_string(), event.kind));
        }
        seen
    };
    let her_changes = [
        (hers.clone(), ChangeKind::Created),
        (hers.clone(), ChangeKind::Status),
    ];
    let after = [
        (hers.clone(), ChangeKind::Result),
        (hers.clone(), ChangeKind::Removed(RemovalReason::Deleted)),
    ];
    let shared_changes = [
        (shared.clone(), ChangeKind::Created),
        (shared.clone(), ChangeKind::Status),
    ];
    // Bob sees only the unowned task; Alice sees hers and the unowned one; a subscriber
    // without a session sees everything.
    assert_eq!(kinds(&mut bob), shared_changes);
    let mut expected: Vec<_> = her_changes.to_vec();
    expected.push(shared_changes[0].clone());
    expected.extend(after.iter().cloned());
    expected.push(shared_changes[1].clone());
    assert_eq!(kinds(&mut alice), expected);
    assert_eq!(kinds(&mut everyone), expected);
}

#[test]
fn dropped_waits_and_streams_leave_nothing_behind() {
    let fx = Fx::new();
    let id = fx.task(None, None);
    for i in 0..100_000 {
        let mut wait = if i % 2 == 0 {
            fx.store.wait_for_update(&id, None)
        } else {
            fx.store.wait_for_terminal(&id, None)
        };
        if i % 10 == 0 {
            // Some are polled first (their waker registered), then dropped.
            assert!(pending(&mut wait));
        }
    }
    assert_eq!(fx.store.stats().waiters, 0);

    for _ in 0..1_000 {
        let mut events = fx.store.subscribe(None).unwrap();
        assert!(try_next(&mut events).is_none());
    }
    assert_eq!(fx.store.stats().subscribers, 0);

    // Resolved and lagged ones are gone as well, before they are dropped.
    let wait = fx.store.wait_for_update(&id, None);
    let mut events = fx.store.subscribe_with_capacity(None, 1).unwrap();
    assert_eq!(
        fx.store.stats(),
        StoreStats {
            tasks: 1,
            waiters: 1,
            subscribers: 1
        }
    );
    fx.store
        .update_status(&id, TaskStatus::InputRequired, None, None)
        .unwrap();
    fx.store.cancel(&id, None, None).unwrap();
    assert_eq!(fx.store.stats().waiters, 0);
    assert_eq!(fx.store.stats().subscribers, 0);
    assert!(block_on(wait).is_ok());
    assert!(next_event(&mut events).kind == ChangeKind::Status);
    drop(events);
    assert_eq!(
        fx.store.stats(),
        StoreStats {
            tasks: 1,
            waiters: 0,
            subscribers: 0
        }
    );
}

#[test]
fn slow_subscriber_does_not_block_and_overflow_is_reported() {
    let fx = Fx::new();
    let mut slow = fx.store.subscribe_with_capacity(None, 3).unwrap();
    let mut fast = fx.store.subscribe(None).unwrap();

    // Ten changes while the slow subscriber reads nothing, on another thread: each call
    // returns (a blocked store would trip the timeout).
    let (done_tx, done_rx) = mpsc::channel();
    let writer = {
        let store = fx.store.clone();
        thread::spawn(move || {
            for _ in 0..5 {
                let id = store.create(CreateParams::default(), None).unwrap().task_id;
                store.cancel(&id.to_string(), None, None).unwrap();
            }
            done_tx.send(()).unwrap();
        })
    };
    done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the store did not wait for the slow subscriber");
    writer.join().unwrap();

    // The lagging subscriber is gone from the store at once.
    assert_eq!(fx.store.stats().subscribers, 1);

    // It yields the three it holds, then the lag, then ends.
    for expected in [ChangeKind::Created, ChangeKind::Status, ChangeKind::Created] {
        assert_eq!(next_event(&mut slow).kind, expected);
    }
    let lag = block_on(slow.next()).unwrap().unwrap_err();
    assert_eq!(lag, Lagged { capacity: 3 });
    assert!(lag.to_string().contains("lagged"));
    assert_eq!(block_on(slow.next()), None);
    assert!(futures::stream::FusedStream::is_terminated(&slow));

    // The other subscriber got all ten.
    let mut count = 0;
    while let Some(Some(Ok(_))) = try_next(&mut fast) {
        count += 1;
    }
    assert_eq!(count, 10);

    // A reader blocked on another thread is woken by each event.
    let (first_tx, first_rx) = mpsc::channel();
    let mut events = fx.store.subscribe_with_capacity(None, 1).unwrap();
    let reader = thread::spawn(move || {
        let first = block_on(events.next()).unwrap().unwrap().kind;
        first_tx.send(()).unwrap();
        let second = block_on(events.next()).unwrap().unwrap().kind;
        [first, second]
    });
    let id = fx.task(None, None);
    first_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    fx.store.cancel(&id, None, None).unwrap();
    assert_eq!(
        reader.join().unwrap(),
        [ChangeKind::Created, ChangeKind::Status]
    );
}

#[test]
fn store_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<SharedTaskStore<String>>();
    send_sync::<SharedTaskStore<String, String>>();
    // Results need only be `Send`: the store keeps them behind its lock.
    send_sync::<SharedTaskStore<std::cell::Cell<u8>>>();
    send_sync::<TaskWait<String>>();
    send_sync::<StatusEvents<String>>();
    send::<WaitError>();

    // Clones share one store, across threads.
    let fx = Fx::new();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let store = fx.store.clone();
            thread::spawn(move || {
                for _ in 0..25 {
                    store.create(CreateParams::default(), None).unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(fx.store.stats().tasks, 100);
}

#[test]
fn wait_for_terminal_resolves_at_once_when_already_terminal() {
    let fx = Fx::new();
    let done = fx.task(None, Some("s"));
    let after = fx
        .store
        .store_result(&done, Outcome::Completed, "r".into(), Some("s"))
        .unwrap();
    let mut wait = fx.store.wait_for_terminal(&done, Some("s"));
    assert_eq!(fx.store.stats().waiters, 0, "nothing registered");
    assert_eq!(resolved(&mut wait).unwrap(), after);

    let cancelled = fx.task(None, None);
    fx.store.cancel(&cancelled, None, None).unwrap();
    let task = block_on(fx.store.wait_for_terminal(&cancelled, None)).unwrap();
    assert_eq!(task.status, TaskStatus::Cancelled);

    // A wait for an update of a terminal task resolves only with its removal.
    let mut update = fx.store.wait_for_update(&cancelled, None);
    assert!(pending(&mut update));
    fx.store.delete(&cancelled, None).unwrap();
    assert_eq!(
        removed_reason(resolved(&mut update)),
        RemovalReason::Deleted
    );
}

#[test]
fn a_panic_under_the_lock_does_not_break_the_store() {
    use std::sync::atomic::AtomicBool;
    let explode = Arc::new(AtomicBool::new(false));
    let fuse = Arc::clone(&explode);
    let store: SharedTaskStore<String> = SharedTaskStore::with_clock(
        StoreConfig::default(),
        Arc::new(move || {
            assert!(!fuse.swap(false, Ordering::SeqCst), "clock failure");
            T0
        }),
    )
    .unwrap();
    let id = store
        .create(CreateParams::default(), None)
        .unwrap()
        .task_id
        .to_string();
    let mut wait = store.wait_for_terminal(&id, None);

    // The clock panics while the store's lock is held, poisoning it.
    explode.store(true, Ordering::SeqCst);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| store.expire()));
    assert!(caught.is_err());

    // Every call still works, and waiters are still woken.
    assert_eq!(store.stats().waiters, 1);
    store.cancel(&id, None, None).unwrap();
    assert_eq!(resolved(&mut wait).unwrap().status, TaskStatus::Cancelled);
}
