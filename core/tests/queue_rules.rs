//! The message queues' rules: FIFO per task, atomic overflow, drained queues freed, and
//! the session rule.

use mcp_task_store_core::MessageQueues;

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
