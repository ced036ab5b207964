//! One suite of the JS classes, run in Node (`tests/node.rs`) and in headless Chrome
//! (`tests/browser.rs`): the binding's conversions, errors and timer, as JS sees them.

use js_sys::{Array, Function, Object, Reflect, JSON};
use mcp_task_store_wasm::{InMemoryTaskMessageQueue, InMemoryTaskStore};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const NO: JsValue = JsValue::UNDEFINED;

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON parses")
}

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &s(key)).expect("property read")
}

fn keys(value: &JsValue) -> Vec<String> {
    Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect()
}

async fn ok(p: js_sys::Promise) -> JsValue {
    JsFuture::from(p).await.expect("call resolves")
}

/// Awaits a rejection and returns (error class name, code, message).
async fn err(p: js_sys::Promise) -> (String, f64, String) {
    let e = JsFuture::from(p).await.expect_err("call rejects");
    let class = get(&get(&e, "constructor"), "name")
        .as_string()
        .unwrap_or_default();
    let code = get(&e, "code").as_f64().unwrap_or(0.0);
    let message = get(&e, "message").as_string().unwrap_or_default();
    (class, code, message)
}

fn store() -> InMemoryTaskStore {
    InMemoryTaskStore::new(NO).expect("store")
}

async fn create(st: &InMemoryTaskStore, params: &str, session: JsValue) -> String {
    let task = ok(st.create_task(
        js(params),
        JsValue::from(1),
        js(r#"{"method":"tools/call"}"#),
        session,
    ))
    .await;
    get(&task, "taskId").as_string().expect("taskId")
}

#[wasm_bindgen_test]
async fn new_task_has_exactly_the_spec_fields() {
    let st = store();
    let task = ok(st.create_task(
        js(r#"{"ttl":60000}"#),
        s("r1"),
        js(r#"{"method":"tools/call"}"#),
        NO,
    ))
    .await;
    assert_eq!(
        keys(&task),
        [
            "taskId",
            "status",
            "createdAt",
            "lastUpdatedAt",
            "ttl",
            "pollInterval"
        ]
    );
    assert_eq!(get(&task, "status").as_string().as_deref(), Some("working"));
    assert_eq!(get(&task, "ttl").as_f64(), Some(60000.0));
    assert_eq!(get(&task, "pollInterval").as_f64(), Some(1000.0));
    let created = get(&task, "createdAt").as_string().unwrap_or_default();
    assert_eq!(created.len(), 24);
    assert!(created.ends_with('Z'));
    assert_eq!(get(&task, "lastUpdatedAt").as_string(), Some(created));
    let id = get(&task, "taskId").as_string().unwrap_or_default();
    assert_eq!(id.len(), 36);
    assert_eq!(id.as_bytes()[14], b'4');
    let none = ok(st.create_task(js("{}"), JsValue::from(2), js(r#"{"method":"m"}"#), NO)).await;
    assert!(get(&none, "ttl").is_null());
}

#[wasm_bindgen_test]
async fn returned_tasks_are_copies() {
    let st = store();
    let id = create(&st, "{}", NO).await;
    let a = ok(st.get_task(s(&id), NO)).await;
    Reflect::set(&a, &s("status"), &s("completed")).expect("set");
    let b = ok(st.get_task(s(&id), NO)).await;
    assert_eq!(get(&b, "status").as_string().as_deref(), Some("working"));
}

#[wasm_bindgen_test]
async fn terminal_status_is_final_with_sdk_wording() {
    let st = store();
    let id = create(&st, "{}", NO).await;
    ok(st.update_task_status(s(&id), s("cancelled"), NO, NO)).await;
    let (class, code, message) = err(st.update_task_status(s(&id), s("working"), NO, NO)).await;
    assert_eq!((class.as_str(), code), ("Error", -32602.0));
    assert!(message.starts_with(&format!(
        "Cannot update task {id} from terminal status 'cancelled'"
    )));
    let (_, _, message) = err(st.store_task_result(s(&id), s("completed"), js("{}"), NO, NO)).await;
    assert!(message.starts_with(&format!("Cannot store result for task {id}")));
    let task = ok(st.get_task(s(&id), NO)).await;
    assert_eq!(
        get(&task, "status").as_string().as_deref(),
        Some("cancelled")
    );
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_with_typed_errors_naming_the_parameter() {
    let st = store();
    let id = create(&st, "{}", NO).await;
    let nan_ttl = Object::new();
    Reflect::set(&nan_ttl, &s("ttl"), &JsValue::from(f64::NAN)).expect("set");
    let cases: Vec<(js_sys::Promise, &str, &str)> = vec![
        (st.get_task(JsValue::from(5), NO), "TypeError", "taskId"),
        (st.get_task(s(&id), s("")), "RangeError", "sessionId"),
        (
            st.create_task(nan_ttl.into(), JsValue::from(1), js("{}"), NO),
            "RangeError",
            "ttl",
        ),
        (
            st.create_task(js(r#"{"ttl":"5"}"#), JsValue::from(1), js("{}"), NO),
            "TypeError",
            "ttl",
        ),
        (
            st.create_task(js("{}"), JsValue::TRUE, js("{}"), NO),
            "TypeError",
            "requestId",
        ),
        (
            st.update_task_status(s(&id), s("done"), NO, NO),
            "RangeError",
            "status",
        ),
        (
            st.update_task_status(s(&id), s("working"), JsValue::from(3), NO),
            "TypeError",
            "statusMessage",
        ),
        (
            st.store_task_result(s(&id), s("cancelled"), js("{}"), NO, NO),
            "RangeError",
            "status",
        ),
        (
            st.store_task_result(s(&id), s("completed"), js("[1]"), NO, NO),
            "TypeError",
            "result",
        ),
        (
            st.list_tasks(s("garbage"), NO),
            "Error",
            "Invalid cursor: garbage",
        ),
        (
            st.get_task_result(s(&id), NO),
            "Error",
            "has no result stored",
        ),
    ];
    for (promise, class, needle) in cases {
        let (c, code, message) = err(promise).await;
        assert_eq!(c, class, "{message}");
        assert_eq!(code, -32602.0, "{message}");
        assert!(
            message.contains(needle),
            "{message} should mention {needle}"
        );
    }
    let after = ok(st.get_task(s(&id), NO)).await;
    assert_eq!(
        get(&after, "status").as_string().as_deref(),
        Some("working")
    );
    assert_eq!(st.size().ok(), Some(1));
}

#[wasm_bindgen_test]
async fn results_are_copied_as_json_and_handed_out_as_owned_copies() {
    let st = store();
    let id = create(&st, "{}", NO).await;
    let result = js(r#"{"content":[{"type":"text","text":"hi"}],"n":1.5}"#);
    Reflect::set(&result, &s("skipped"), &JsValue::UNDEFINED).expect("set");
    ok(st.store_task_result(s(&id), s("completed"), result.clone(), NO, NO)).await;
    Reflect::set(&result, &s("n"), &JsValue::from(2)).expect("set");
    let back = ok(st.get_task_result(s(&id), NO)).await;
    assert_eq!(
        JSON::stringify(&back)
            .ok()
            .and_then(|t| t.as_string())
            .as_deref(),
        Some(r#"{"content":[{"type":"text","text":"hi"}],"n":1.5}"#)
    );
    assert!(!Object::is_frozen(back.unchecked_ref::<Object>()));
    assert!(!keys(&back).contains(&"skipped".to_string()));
    Reflect::set(&back, &s("n"), &JsValue::from(3)).expect("set");
    let again = ok(st.get_task_result(s(&id), NO)).await;
    assert_eq!(
        get(&again, "n").as_f64(),
        Some(1.5),
        "a reader's change stays its own"
    );

    let id2 = create(&st, "{}", NO).await;
    let bad = js(r#"{"a":[1,{"b":null}]}"#);
    let inner = get(&get(&bad, "a"), "1");
    Reflect::set(&inner, &s("b"), &JsValue::bigint_from_str("1")).expect("set");
    let (class, _, message) = err(st.store_task_result(s(&id2), s("completed"), bad, NO, NO)).await;
    assert_eq!(class, "TypeError");
    assert!(message.contains("result.a[1].b"), "{message}");
    let cyclic = js("{}");
    Reflect::set(&cyclic, &s("me"), &cyclic).expect("set");
    let (_, _, message) = err(st.store_task_result(s(&id2), s("completed"), cyclic, NO, NO)).await;
    assert!(message.contains("cycle"), "{message}");
    let task = ok(st.get_task(s(&id2), NO)).await;
    assert_eq!(get(&task, "status").as_string().as_deref(), Some("working"));
}

#[wasm_bindgen_test]
async fn sessions_are_isolated() {
    let st = store();
    let mine = create(&st, "{}", s("A")).await;
    let open = create(&st, "{}", NO).await;
    assert!(ok(st.get_task(s(&mine), s("B"))).await.is_null());
    assert!(!ok(st.get_task(s(&open), s("B"))).await.is_null());
    assert!(!ok(st.get_task(s(&mine), NO)).await.is_null());
    let (_, code, message) = err(st.update_task_status(s(&mine), s("cancelled"), NO, s("B"))).await;
    assert_eq!(code, -32602.0);
    assert!(message.starts_with(&format!("Task with ID {mine} not found")));
    let page = ok(st.list_tasks(NO, s("B"))).await;
    assert_eq!(Array::from(&get(&page, "tasks")).length(), 1);
    let page = ok(st.list_tasks(NO, s("A"))).await;
    assert_eq!(Array::from(&get(&page, "tasks")).length(), 2);
}

#[wasm_bindgen_test]
async fn listing_pages_with_next_cursor_iff_more() {
    let st = InMemoryTaskStore::new(js(r#"{"pageSize":4}"#)).expect("store");
    for _ in 0..9 {
        create(&st, "{}", NO).await;
    }
    let mut cursor = NO;
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let page = ok(st.list_tasks(cursor.clone(), NO)).await;
        seen += Array::from(&get(&page, "tasks")).length();
        pages += 1;
        cursor = get(&page, "nextCursor");
        if cursor.is_undefined() {
            assert!(!keys(&page).contains(&"nextCursor".to_string()));
            break;
        }
    }
    assert_eq!((seen, pages), (9, 3));
}

#[wasm_bindgen_test]
async fn one_timer_for_many_tasks_and_cleanup_clears_it() {
    let st = store();
    assert!(!st.has_pending_timer());
    for i in 0..200 {
        create(&st, &format!(r#"{{"ttl":{}}}"#, 3_600_000 + i), NO).await;
    }
    assert!(st.has_pending_timer());
    st.cleanup().expect("cleanup");
    assert!(!st.has_pending_timer());
    assert_eq!(st.size().ok(), Some(0));
}

#[wasm_bindgen_test]
async fn options_are_validated() {
    for (options, needle) in [
        (r#"{"pageSize":0}"#, "pageSize"),
        (r#"{"pagesize":5}"#, "pagesize"),
        (r#"{"minTtl":-1}"#, "minTtl"),
        (r#"{"minTtl":5000,"maxTtl":10}"#, "maxTtl"),
    ] {
        let e = InMemoryTaskStore::new(js(options))
            .err()
            .expect("constructor throws");
        let message = get(&e, "message").as_string().unwrap_or_default();
        assert!(message.contains(needle), "{message}");
        assert_eq!(get(&e, "code").as_f64(), Some(-32602.0));
    }
    let st = InMemoryTaskStore::new(js(
        r#"{"minTtl":0,"maxTtl":5000,"defaultPollInterval":250}"#,
    ))
    .expect("store");
    let task = ok(st.create_task(js(r#"{"ttl":null}"#), JsValue::from(1), js("{}"), NO)).await;
    assert_eq!(get(&task, "ttl").as_f64(), Some(5000.0));
    assert_eq!(get(&task, "pollInterval").as_f64(), Some(250.0));
}

#[wasm_bindgen_test]
async fn queue_is_fifo_bounded_and_freed_when_drained() {
    let q = InMemoryTaskMessageQueue::new();
    let msg = |n: u32| {
        js(&format!(
            r#"{{"type":"notification","message":{{"jsonrpc":"2.0","method":"m{n}"}},"timestamp":{n}}}"#
        ))
    };
    ok(q.enqueue(s("t"), msg(1), NO, JsValue::from(2))).await;
    ok(q.enqueue(s("t"), msg(2), NO, JsValue::from(2))).await;
    let (_, code, message) = err(q.enqueue(s("t"), msg(3), NO, JsValue::from(2))).await;
    assert!(
        message.starts_with("Task message queue overflow"),
        "{message}"
    );
    assert_eq!(code, -32603.0);
    let first = ok(q.dequeue(s("t"), NO)).await;
    assert_eq!(get(&first, "timestamp").as_f64(), Some(1.0));
    let rest = Array::from(&ok(q.dequeue_all(s("t"), NO)).await);
    assert_eq!(rest.length(), 1);
    assert!(ok(q.dequeue(s("t"), NO)).await.is_undefined());
    assert_eq!(q.queue_count().ok(), Some(0));
    let (class, _, _) = err(q.enqueue(
        s("t"),
        js(r#"{"type":"weird","message":{},"timestamp":1}"#),
        NO,
        NO,
    ))
    .await;
    assert_eq!(class, "RangeError");
}

#[wasm_bindgen_test]
async fn linked_queue_is_dropped_with_its_task() {
    let st = store();
    let q = st.message_queue();
    let id = create(&st, "{}", NO).await;
    let msg = js(
        r#"{"type":"request","message":{"jsonrpc":"2.0","id":1,"method":"elicitation/create"},"timestamp":1}"#,
    );
    ok(q.enqueue(s(&id), msg, NO, NO)).await;
    assert_eq!(q.queue_count().ok(), Some(1));
    st.cleanup().expect("cleanup");
    assert_eq!(q.queue_count().ok(), Some(0));
}

#[wasm_bindgen_test]
async fn every_status_name_is_understood() {
    let st = store();
    for status in mcp_task_store_wasm::core::ALL_STATUSES {
        let id = create(&st, "{}", NO).await;
        ok(st.update_task_status(s(&id), s(status.as_str()), NO, NO)).await;
        let task = ok(st.get_task(s(&id), NO)).await;
        assert_eq!(
            get(&task, "status").as_string().as_deref(),
            Some(status.as_str())
        );
    }
    let id = create(&st, "{}", NO).await;
    let (class, _, _) = err(st.store_task_result(s(&id), JsValue::from(1), js("{}"), NO, NO)).await;
    assert_eq!(class, "TypeError");
}

/// The core's ISO 8601 formatting (what a native Rust backend puts on the wire) and the
/// binding's JS formatting agree: on the store's own timestamps and on instants across the
/// whole range, leap days and the year-9999 clamp included.
#[wasm_bindgen_test]
async fn timestamps_match_the_cores_formatting() {
    use mcp_task_store_wasm::core::{format_iso8601, MAX_MILLIS};
    let st = store();
    let task = ok(st.create_task(js("{}"), JsValue::from(1), js(r#"{"method":"m"}"#), NO)).await;
    let created = get(&task, "createdAt").as_string().unwrap_or_default();
    let ms = js_sys::Date::parse(&created);
    assert_eq!(format_iso8601(ms as u64), created);
    let mut instant: u64 = 0;
    while instant <= MAX_MILLIS {
        let js_text = js_sys::Date::new(&JsValue::from(instant as f64)).to_iso_string();
        assert_eq!(format_iso8601(instant), String::from(js_text), "{instant}");
        instant += 86_400_000 * 97 + 3_600_000 * 7 + 59_999;
    }
    let end = js_sys::Date::new(&JsValue::from(MAX_MILLIS as f64)).to_iso_string();
    assert_eq!(format_iso8601(u64::MAX), String::from(end));
}

fn stat(st: &InMemoryTaskStore, key: &str) -> f64 {
    get(&st.stats().expect("stats"), key)
        .as_f64()
        .expect("a count")
}

#[wasm_bindgen_test]
async fn every_waiter_wakes_with_the_state_after_the_change() {
    let st = store();
    let id = create(&st, r#"{"ttl":60000}"#, NO).await;
    let update_a = st.wait_for_update(s(&id), NO);
    let update_b = st.wait_for_update(s(&id), NO);
    let terminal = st.wait_for_terminal(s(&id), NO);
    assert_eq!(stat(&st, "waiters"), 3.0);
    ok(st.update_task_status(s(&id), s("input_required"), s("why"), NO)).await;
    for task in [ok(update_a).await, ok(update_b).await] {
        assert_eq!(
            get(&task, "status").as_string().as_deref(),
            Some("input_required")
        );
        assert_eq!(
            get(&task, "statusMessage").as_string().as_deref(),
            Some("why")
        );
    }
    assert_eq!(stat(&st, "waiters"), 1.0);
    ok(st.store_task_result(s(&id), s("failed"), js(r#"{"content":[]}"#), NO, NO)).await;
    let task = ok(terminal).await;
    assert_eq!(get(&task, "status").as_string().as_deref(), Some("failed"));
    assert_eq!(stat(&st, "waiters"), 0.0);
    // Already terminal: at once.
    let task = ok(st.wait_for_terminal(s(&id), NO)).await;
    assert_eq!(get(&task, "status").as_string().as_deref(), Some("failed"));
}

#[wasm_bindgen_test]
async fn listeners_get_frozen_events_in_order_and_session_scoped() {
    let st = store();
    let seen = Array::new();
    let record = Function::new_with_args(
        "seen",
        "return (e) => seen.push(e.type + ':' + e.task.status + ':' + Object.isFrozen(e) + Object.isFrozen(e.task) + (e.reason ? ':' + e.reason : ''))",
    )
    .call1(&NO, &seen)
    .expect("listener");
    let options = js(r#"{"sessionId":"A"}"#);
    let off = st.on_status_change(record, options).expect("subscribed");
    let mine = create(&st, r#"{"ttl":60000}"#, s("A")).await;
    let _theirs = create(&st, r#"{"ttl":60000}"#, s("B")).await;
    ok(st.update_task_status(s(&mine), s("working"), s("m"), NO)).await;
    ok(st.delete_task(s(&mine), NO)).await;
    let seen: Vec<String> = seen.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(
        seen,
        [
            "created:working:truetrue",
            "status:working:truetrue",
            "removed:working:truetrue:deleted"
        ]
    );
    assert_eq!(stat(&st, "listeners"), 1.0);
    off.unchecked_ref::<Function>()
        .call0(&NO)
        .expect("unsubscribe");
    assert_eq!(stat(&st, "listeners"), 0.0);
}

#[wasm_bindgen_test]
async fn wait_timeout_and_abort_reject_and_leave_nothing_behind() {
    let st = store();
    let id = create(&st, r#"{"ttl":null}"#, NO).await;
    assert!(!st.has_pending_timer(), "an unlimited task needs no timer");
    let timed = st.wait_for_update(s(&id), js(r#"{"timeout":5}"#));
    assert!(
        st.has_pending_timer(),
        "the timeout is on the store's one timer"
    );
    let (class, code, message) = err(timed).await;
    assert_eq!((class.as_str(), code), ("Error", -32001.0));
    assert!(message.starts_with("Timed out after 5 ms"), "{message}");
    let controller = Function::new_no_args("return new AbortController()")
        .call0(&NO)
        .expect("AbortController");
    let options = Object::new();
    Reflect::set(&options, &s("signal"), &get(&controller, "signal")).expect("set");
    let aborted = st.wait_for_terminal(s(&id), options.into());
    let abort: Function = get(&controller, "abort").unchecked_into();
    abort.call1(&controller, &s("stop")).expect("abort");
    let reason = JsFuture::from(aborted).await.expect_err("rejects");
    assert_eq!(reason.as_string().as_deref(), Some("stop"));
    assert_eq!(stat(&st, "waiters"), 0.0);
    assert_eq!(stat(&st, "pendingTimers"), 0.0);
}
