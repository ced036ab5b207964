//! The message queues' rules: FIFO per task, atomic overflow, drained queues freed, and
//! the session rule.

use mcp_task_store_core::*;

#[test]
fn fifo_per_task_and_drained_queues_are_freed() {
    let mut q = MessageQueues::default();
    q.enqueue("a", 1, None, None).unwrap();
    q.enqueue("a", 2, None, None).unwrap();
    q.enqueue("b", 3, None, None).unwrap();
    assert_eq!(q.dequeue("a", None).unwrap(), Some(1));
    assert_eq!(q.dequeue("a", None).unwrap(), Some(2));
    assert_eq!(q.dequeue("a", None).unwrap(), None);
    assert_eq!(q.task_count(), 1);
    assert_eq!(q.dequeue_all("b", None).unwrap(), vec![3]);
    assert_eq!(q.task_count(), 0);
}

#[test]
fn overflow_rejects_atomically_with_the_sdk_wording() {
    let mut q = MessageQueues::default();
    q.enqueue("a", 1, None, Some(2)).unwrap();
    q.enqueue("a", 2, None, Some(2)).unwrap();
    let err = q.enqueue("a", 3, None, Some(2)).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("Task message queue overflow: queue size (2) exceeds maximum (2)"));
    assert_eq!(q.len_of("a"), 2);
    assert!(q.enqueue("z", 1, None, Some(0)).is_err());
    assert_eq!(q.task_count(), 1);
}

#[test]
fn other_sessions_neither_see_nor_change_a_queue() {
    let mut q = MessageQueues::default();
    q.enqueue("t", 1, Some("A"), None).unwrap();
    assert!(q.enqueue("t", 2, Some("B"), None).is_err());
    assert_eq!(q.dequeue("t", Some("B")).unwrap(), None);
    assert_eq!(q.dequeue_all("t", Some("B")).unwrap(), Vec::<i32>::new());
    assert_eq!(q.len_of("t"), 1);
    assert_eq!(q.dequeue("t", Some("A")).unwrap(), Some(1));
    q.enqueue("open", 1, None, None).unwrap();
    q.enqueue("open", 2, Some("B"), None).unwrap();
    assert_eq!(q.dequeue_all("open", Some("C")).unwrap(), vec![1, 2]);
    q.enqueue("t2", 5, Some("A"), None).unwrap();
    assert_eq!(q.dequeue("t2", None).unwrap(), Some(5));
}

/// A store whose queues hold numbers, with one task per session given.
fn store_with(sessions: &[Option<&str>]) -> (TaskStore<(), u32>, Vec<TaskId>) {
    let mut store = TaskStore::new(StoreConfig::default()).unwrap();
    let ids = sessions
        .iter()
        .enumerate()
        .map(|(i, &session)| {
            let id = TaskId::from_random_bytes([i as u8 + 1; 16]);
            let params = CreateParams {
                ttl: Some(10_000),
                poll_interval: None,
            };
            store.create(id, params, session, 0).unwrap();
            id
        })
        .collect();
    (store, ids)
}

#[test]
fn a_stores_queue_holds_messages_only_for_its_live_tasks() {
    let (mut store, ids) = store_with(&[None]);
    let id = ids[0].to_string();
    let unknown = TaskId::from_random_bytes([0xee; 16]).to_string();
    assert!(matches!(
        store.enqueue(unknown.as_str(), 1, None, None, 0),
        Err(StoreError::NotFound { .. })
    ));
    store.enqueue(id.as_str(), 1, None, None, 0).unwrap();
    store.enqueue(id.as_str(), 2, None, None, 0).unwrap();
    assert_eq!(store.queued_tasks(0), 1);
    assert_eq!(store.dequeue(id.as_str(), None, 0).unwrap(), Some(1));
    // The task expires at 10 s: its queue goes with it.
    assert_eq!(store.queued_tasks(10_000), 0);
    assert_eq!(store.dequeue(id.as_str(), None, 10_000).unwrap(), None);
    assert!(store.enqueue(id.as_str(), 3, None, None, 10_000).is_err());
}

#[test]
fn a_stores_queue_is_reached_exactly_when_the_task_is_visible() {
    let (mut store, ids) = store_with(&[Some("A"), None]);
    let (own, open) = (ids[0].to_string(), ids[1].to_string());
    store.enqueue(own.as_str(), 1, Some("A"), None, 0).unwrap();
    assert!(matches!(
        store.enqueue(own.as_str(), 2, Some("B"), None, 0),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.dequeue(own.as_str(), Some("B"), 0).unwrap(), None);
    assert_eq!(store.dequeue_all(own.as_str(), Some("B"), 0).unwrap(), []);
    assert_eq!(store.dequeue(own.as_str(), None, 0).unwrap(), Some(1));
    // An unowned task's queue is open to every session.
    store.enqueue(open.as_str(), 1, Some("A"), None, 0).unwrap();
    store.enqueue(open.as_str(), 2, Some("B"), None, 0).unwrap();
    assert_eq!(
        store.dequeue_all(open.as_str(), Some("C"), 0).unwrap(),
        [1, 2]
    );
    assert_eq!(store.queued_tasks(0), 0, "drained queues are not counted");
}

#[test]
fn a_stores_queue_overflows_atomically_and_clear_drops_every_queue() {
    let (mut store, ids) = store_with(&[None, None]);
    let (a, b) = (ids[0].to_string(), ids[1].to_string());
    store.enqueue(a.as_str(), 1, None, Some(1), 0).unwrap();
    let err = store.enqueue(a.as_str(), 2, None, Some(1), 0).unwrap_err();
    assert_eq!(err.code(), INTERNAL_ERROR);
    assert_eq!(store.dequeue_all(a.as_str(), None, 0).unwrap(), [1]);
    store.enqueue(a.as_str(), 1, None, None, 0).unwrap();
    store.enqueue(b.as_str(), 1, None, None, 0).unwrap();
    assert_eq!(store.queued_tasks(0), 2);
    store.delete(b.as_str(), None, 0).unwrap();
    assert_eq!(
        store.queued_tasks(0),
        1,
        "a deleted task's queue goes with it"
    );
    store.clear();
    assert_eq!(store.queued_tasks(0), 0);
}
