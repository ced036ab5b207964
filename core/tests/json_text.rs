//! The hand-written JSON text (`json` module) is the serde derive's: what it writes is what
//! `serde_json` writes, and it reads what `serde_json` (and the JS package before it) wrote,
//! the committed snapshot fixtures included.
#![cfg(feature = "serde")]

use std::sync::Arc;

use mcp_task_store_core::*;
use serde_json::{json, Value};

const T0: Millis = 1_764_066_600_000;

fn record(owner: Option<&str>, message: Option<&str>, ttl: Option<u64>) -> TaskRecord {
    TaskRecord {
        task: Task {
            task_id: TaskId::from_random_bytes([0xab; 16]),
            status: TaskStatus::InputRequired,
            status_message: message.map(String::from),
            created_at: T0,
            last_updated_at: T0 + 5,
            ttl,
            poll_interval: 500,
        },
        owner: owner.map(Arc::from),
        seq: 3,
        deadline: ttl.map(|t| T0 + 5 + t),
        version: 4,
        has_result: true,
    }
}

fn records() -> Vec<TaskRecord> {
    vec![
        record(Some("session-1"), Some("which?"), Some(60_000)),
        record(None, None, None),
        record(
            Some("\"q\" \\ \n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f} é 😀 \u{2028} </script>"),
            Some("line\nbreak \u{0}"),
            Some(MAX_MILLIS),
        ),
    ]
}

#[test]
fn a_record_is_written_as_serde_json_writes_it_and_read_back() {
    for r in records() {
        let text = r.to_json();
        assert_eq!(text, serde_json::to_string(&r).unwrap());
        assert_eq!(TaskRecord::from_json(&text).unwrap(), r);
        let pretty = serde_json::to_string_pretty(&r).unwrap();
        assert_eq!(TaskRecord::from_json(&pretty).unwrap(), r);
    }
}

#[test]
fn a_record_reads_as_the_js_package_always_read_it() {
    let text = records()[0].to_json();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    // Unknown fields are ignored; absent optional fields are null; fields in any order; the
    // last of a repeated field wins; integers in any JSON notation of a whole number.
    doc["surprise"] = json!({ "deep": [[[1, "x", null]]] });
    doc.as_object_mut().unwrap().remove("owner");
    doc["task"].as_object_mut().unwrap().remove("statusMessage");
    doc["task"]["ttl"] = Value::Null;
    let text = serde_json::to_string(&doc)
        .unwrap()
        .replace("\"seq\":3", "\"seq\":3e0");
    let read = TaskRecord::from_json(&format!("{text}  \n")).unwrap();
    assert_eq!(read.owner, None);
    assert_eq!(read.task.status_message, None);
    assert_eq!(read.task.ttl, None);
    assert_eq!(read.seq, 3);
    let repeated = text.replacen("{", "{\"version\":1,", 1);
    assert_eq!(TaskRecord::from_json(&repeated).unwrap().version, 4);
}

#[test]
fn a_malformed_record_is_rejected_naming_the_field() {
    let good = records()[0].to_json();
    for (from, to, path) in [
        ("\"seq\":3", "\"seq\":\"3\"", "seq"),
        ("\"seq\":3", "\"seq\":-1", "seq"),
        ("\"seq\":3", "\"seq\":1.5", "seq"),
        ("\"seq\":3", "\"seq\":9007199254740992", "seq"),
        ("\"version\":4", "\"version\":null", "version"),
        ("\"hasResult\":true", "\"hasResult\":1", "hasResult"),
        (
            "\"status\":\"input_required\"",
            "\"status\":\"done\"",
            "task.status",
        ),
        (
            "\"pollInterval\":500",
            "\"pollInterval\":-0.5",
            "task.pollInterval",
        ),
        ("\"ttl\":60000", "\"ttl\":\"60000\"", "task.ttl"),
        ("\"owner\":\"session-1\"", "\"owner\":7", "owner"),
        ("\"seq\":3,", "", "seq"),
    ] {
        let text = good.replacen(from, to, 1);
        assert_ne!(text, good);
        let err = TaskRecord::from_json(&text).unwrap_err();
        assert_eq!(err.path(), path, "{text}: {err}");
    }
    let id = TaskId::from_random_bytes([0xab; 16]).to_string();
    for bad in [id.to_uppercase(), "nope".into()] {
        let err = TaskRecord::from_json(&good.replace(&id, &bad)).unwrap_err();
        assert_eq!(err.path(), "task.taskId");
        assert!(err.why().starts_with("not a task id"), "{err}");
    }
    for bad in [
        "",
        "{",
        "[]",
        "null",
        &good[..good.len() - 1],
        &format!("{good},"),
        &format!("{good} {good}"),
    ] {
        assert!(TaskRecord::from_json(bad).is_err(), "{bad}");
    }
}

/// A snapshot with results and messages of every JSON shape.
fn snapshot() -> Snapshot<Value, Value> {
    let rs = records();
    Snapshot {
        format: SNAPSHOT_FORMAT.into(),
        version: SNAPSHOT_VERSION,
        taken_at: T0 + 10,
        config: StoreConfig {
            max_ttl: Some(3_600_000),
            page_size: 7,
            ..StoreConfig::default()
        },
        cursor_key: CursorKey([0x0123_4567_89ab_cdef, u64::MAX]),
        next_seq: 9,
        tasks: vec![
            SnapshotTask {
                record: rs[0].clone(),
                result: Some(
                    json!({ "content": [{ "type": "text", "text": "a\n\"b\"" }], "n": -1.5e-7 }),
                ),
                queue: vec![
                    json!({ "type": "request", "message": { "id": 1 } }),
                    json!("m2"),
                ],
            },
            SnapshotTask {
                record: TaskRecord {
                    has_result: false,
                    seq: 5,
                    ..rs[1].clone()
                },
                result: None,
                queue: vec![],
            },
            SnapshotTask {
                record: TaskRecord {
                    seq: 8,
                    ..rs[2].clone()
                },
                result: Some(json!([[[[]]], {}, null, true, 0])),
                queue: vec![Value::Null],
            },
        ],
    }
}

fn write(snapshot: &Snapshot<Value, Value>) -> String {
    let mut out = String::new();
    let value = |v: &Value, out: &mut String| out.push_str(&serde_json::to_string(v).unwrap());
    snapshot.write_json(&mut out, value, value);
    out
}

fn read(text: &str) -> Result<Snapshot<Value, Value>, JsonError> {
    let raw = Snapshot::<&str, &str>::from_json(text)?;
    let value = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    Ok(Snapshot {
        format: raw.format,
        version: raw.version,
        taken_at: raw.taken_at,
        config: raw.config,
        cursor_key: raw.cursor_key,
        next_seq: raw.next_seq,
        tasks: raw
            .tasks
            .into_iter()
            .map(|t| SnapshotTask {
                record: t.record,
                result: t.result.map(value),
                queue: t.queue.into_iter().map(value).collect(),
            })
            .collect(),
    })
}

#[test]
fn a_snapshot_is_written_as_serde_json_writes_it_and_read_back() {
    let snap = snapshot();
    let text = write(&snap);
    assert_eq!(text, serde_json::to_string(&snap).unwrap());
    assert_eq!(read(&text).unwrap(), snap);
    assert_eq!(
        read(&serde_json::to_string_pretty(&snap).unwrap()).unwrap(),
        snap
    );
    // Each result and message is handed over as its own text, exactly as it stands.
    let raw = Snapshot::<&str, &str>::from_json(&text).unwrap();
    assert_eq!(raw.tasks[2].result, Some("[[[[]]],{},null,true,0]"));
    assert_eq!(raw.tasks[0].queue[1], "\"m2\"");
}

#[test]
fn the_committed_fixtures_read_as_serde_reads_them() {
    for text in [
        include_str!("fixtures/snapshot-v1.json"),
        include_str!("fixtures/snapshot-js-v1.json"),
    ] {
        let by_serde: Snapshot<Value, Value> = serde_json::from_str(text).unwrap();
        assert_eq!(read(text).unwrap(), by_serde);
        let rewritten = write(&by_serde);
        assert_eq!(rewritten, serde_json::to_string(&by_serde).unwrap());
    }
}

#[test]
fn a_snapshot_reads_as_the_js_package_always_read_it() {
    let mut doc: Value = serde_json::from_str(&write(&snapshot())).unwrap();
    // Absent settings take their defaults; a null result is no result; unknown fields are
    // ignored.
    doc["config"] = json!({ "pageSize": 3, "maxTtl": null, "extra": 1 });
    doc["tasks"][1]["result"] = Value::Null;
    doc["tasks"][0]["record"]["later"] = json!(true);
    let snap = read(&doc.to_string()).unwrap();
    assert_eq!(
        snap.config,
        StoreConfig {
            page_size: 3,
            ..StoreConfig::default()
        }
    );
    assert_eq!(snap.tasks[1].result, None);
}

#[test]
fn a_malformed_snapshot_is_rejected_naming_where() {
    let doc: Value = serde_json::from_str(&write(&snapshot())).unwrap();
    type Damage = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Damage, &str)> = vec![
        (
            Box::new(|d| d["tasks"][1]["record"]["seq"] = json!("0")),
            "tasks[1].record.seq",
        ),
        (
            Box::new(|d| d["tasks"][2]["record"]["task"]["status"] = json!("waiting")),
            "tasks[2].record.task.status",
        ),
        (
            Box::new(|d| d["tasks"][0]["queue"] = Value::Null),
            "tasks[0].queue",
        ),
        (
            Box::new(|d| d["config"]["pageSize"] = json!(-1)),
            "config.pageSize",
        ),
        (Box::new(|d| d["cursorKey"] = json!("xyz")), "cursorKey"),
        (
            Box::new(|d| d["version"] = json!(4_294_967_296u64)),
            "version",
        ),
        (
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("nextSeq");
            }),
            "nextSeq",
        ),
        (
            Box::new(|d| {
                d["tasks"][1].as_object_mut().unwrap().remove("record");
            }),
            "tasks[1].record",
        ),
        (Box::new(|d| d["tasks"] = json!({})), "tasks"),
    ];
    for (damage, path) in cases {
        let mut bad = doc.clone();
        damage(&mut bad);
        let err = Snapshot::<&str, &str>::from_json(&bad.to_string()).unwrap_err();
        assert_eq!(err.path(), path, "{err}");
    }
    let text = write(&snapshot());
    for cut in [1, text.len() / 3, text.len() / 2, text.len() - 1] {
        assert!(
            Snapshot::<&str, &str>::from_json(&text[..cut]).is_err(),
            "{cut}"
        );
    }
    let bad_result = text.replacen("[[[[]]]", "[[[[}]]", 1);
    assert!(Snapshot::<&str, &str>::from_json(&bad_result).is_err());
}
