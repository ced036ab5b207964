//! With the `serde` feature, records, tasks and settings round-trip through JSON in the
//! documented shape, and a malformed document is rejected.
#![cfg(feature = "serde")]

use mcp_task_store_core::*;

#[test]
fn a_record_round_trips_through_json_in_the_wire_shape() {
    let mut store: TaskStore<()> = TaskStore::new(StoreConfig::default()).unwrap();
    let id = TaskId::from_random_bytes([9; 16]);
    let params = CreateParams {
        ttl: Some(60_000),
        poll_interval: Some(500),
    };
    let h = store.create(id, params, Some("s1"), 1_000).unwrap();
    store
        .update_status(h, TaskStatus::InputRequired, Some("?".into()), None, 2_000)
        .unwrap();
    let record = store.stored(h).unwrap().record().clone();
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "task": {
                "taskId": id.to_string(),
                "status": "input_required",
                "statusMessage": "?",
                "createdAt": 1000,
                "lastUpdatedAt": 2000,
                "ttl": 60000,
                "pollInterval": 500
            },
            "owner": "s1",
            "seq": 0,
            "deadline": 61000,
            "version": 2,
            "hasResult": false
        })
    );
    let back: TaskRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);
    let config: StoreConfig =
        serde_json::from_str(&serde_json::to_string(store.config()).unwrap()).unwrap();
    assert_eq!(&config, store.config());
}

#[test]
fn malformed_records_are_rejected() {
    let good = serde_json::json!({
        "task": {
            "taskId": "ffffffff-ffff-4fff-bfff-ffffffffffff",
            "status": "working",
            "statusMessage": null,
            "createdAt": 0, "lastUpdatedAt": 0, "ttl": null, "pollInterval": 1000
        },
        "owner": null, "seq": 0, "deadline": null, "version": 1, "hasResult": false
    });
    assert!(serde_json::from_value::<TaskRecord>(good.clone()).is_ok());
    for (pointer, bad) in [
        (
            "/task/taskId",
            serde_json::json!("FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF"),
        ),
        ("/task/taskId", serde_json::json!("nope")),
        ("/task/status", serde_json::json!("done")),
        ("/task/createdAt", serde_json::json!(-1)),
        ("/version", serde_json::json!("1")),
    ] {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer).unwrap() = bad.clone();
        assert!(
            serde_json::from_value::<TaskRecord>(doc).is_err(),
            "{pointer} = {bad}"
        );
    }
    let mut extra = good;
    extra["surprise"] = serde_json::json!(1);
    assert!(serde_json::from_value::<TaskRecord>(extra).is_err());
}
