//! Snapshots: a restored store answers as the original would at the same instant; damaged,
//! truncated and future-version snapshots are rejected with what is wrong and where.
#![cfg(feature = "serde")]

use mcp_task_store_core::*;

const T0: Millis = 1_764_066_600_000;

type Store = TaskStore<String, String>;

fn id(n: u128) -> TaskId {
    TaskId::from_random_bytes((n | 0xabcd << 112).to_be_bytes())
}

fn params(ttl: Option<u64>) -> CreateParams {
    CreateParams {
        ttl,
        poll_interval: None,
    }
}

/// A store with a bit of everything: owned and unowned tasks, results, queues, statuses,
/// short and unlimited ttls.
fn sample() -> Store {
    let mut s = Store::new(StoreConfig::default()).unwrap();
    let a = s
        .create(id(1), params(Some(60_000)), Some("a"), T0)
        .unwrap();
    s.store_result(
        a,
        Outcome::Completed,
        "{\"content\":[]}".into(),
        None,
        T0 + 5,
    )
    .unwrap();
    let b = s.create(id(2), params(None), None, T0 + 1).unwrap();
    s.update_status(
        b,
        TaskStatus::InputRequired,
        Some("which?".into()),
        None,
        T0 + 6,
    )
    .unwrap();
    s.enqueue(b, "m1".to_string(), None, None, T0 + 7).unwrap();
    s.enqueue(b, "m2".to_string(), None, None, T0 + 7).unwrap();
    s.create(id(3), params(Some(100)), Some("b"), T0 + 2)
        .unwrap();
    s.create(id(4), params(Some(60_000)), Some("a"), T0 + 3)
        .unwrap();
    s
}

#[test]
fn snapshot_round_trips_through_json_and_restores_the_same_store() {
    let store = sample();
    let snap = store.snapshot(T0 + 10);
    assert_eq!(snap.tasks.len(), 4);
    assert_eq!(snap.next_seq, 4);
    let text = serde_json::to_string(&snap).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], SNAPSHOT_FORMAT);
    assert_eq!(json["version"], SNAPSHOT_VERSION);
    assert_eq!(json["cursorKey"].as_str().unwrap().len(), 32);
    assert_eq!(json["tasks"][1]["queue"], serde_json::json!(["m1", "m2"]));
    let back: Snapshot<String, String> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, snap);
    let restored = Store::restore(back, StoreConfig::default(), T0 + 10).unwrap();
    assert_eq!(restored.snapshot(T0 + 10), snap);
    assert_eq!(restored.next_deadline(), store.next_deadline());
}

#[test]
fn tasks_whose_deadline_passed_while_down_are_dropped() {
    let snap = sample().snapshot(T0 + 10);
    // id(3) has a 100 ms ttl from T0 + 2.
    let restored = Store::restore(snap.clone(), StoreConfig::default(), T0 + 102).unwrap();
    assert_eq!(restored.len(), 3);
    assert!(restored.handle_of(id(3)).is_none());
    let restored = Store::restore(snap, StoreConfig::default(), T0 + 101).unwrap();
    assert_eq!(restored.len(), 4);
}

#[test]
fn cursors_handed_out_before_a_restore_stay_valid() {
    let mut store = Store::new(StoreConfig {
        page_size: 2,
        ..StoreConfig::default()
    })
    .unwrap();
    for n in 0..5 {
        store.create(id(n), params(None), Some("a"), T0).unwrap();
    }
    let page = store.list(None, Some("a"), T0).unwrap();
    let cursor = page.next_cursor.unwrap();
    let config = store.config().clone();
    let mut restored = Store::restore(store.snapshot(T0), config, T0).unwrap();
    let ids = |s: &Store, items: &[Handle]| -> Vec<TaskId> {
        items
            .iter()
            .map(|&h| s.stored(h).unwrap().task().task_id)
            .collect()
    };
    let a = store.list(Some(&cursor), Some("a"), T0).unwrap();
    let b = restored.list(Some(&cursor), Some("a"), T0).unwrap();
    assert_eq!(ids(&store, &a.items), ids(&restored, &b.items));
    assert_eq!(a.next_cursor, b.next_cursor);
    assert!(restored.list(Some(&cursor), Some("b"), T0).is_err());
}

/// A tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

const SESSIONS: [Option<&str>; 3] = [None, Some("a"), Some("b")];

/// One random call on `store`, described by what it answered.
fn step(store: &mut Store, rng: &mut Rng, next_id: &mut u128, now: Millis) -> String {
    let session = SESSIONS[rng.below(3) as usize];
    let target = id(u128::from(rng.below(*next_id as u64 + 2)));
    let target = target.to_string();
    match rng.below(9) {
        0 | 1 => {
            *next_id += 1;
            let ttl = [None, Some(50), Some(500), Some(5_000)][rng.below(4) as usize];
            let made = store.create(id(*next_id), params(ttl), session, now);
            format!(
                "create {:?}",
                made.map(|h| store.stored(h).map(|s| s.task().clone()))
            )
        }
        2 => format!(
            "get {:?}",
            store
                .get(target.as_str(), session, now)
                .map(|h| h.and_then(|h| store.stored(h).map(|s| s.task().clone())))
        ),
        3 => {
            let status = ALL_STATUSES[rng.below(5) as usize];
            let changed = store.update_status(target.as_str(), status, None, session, now);
            format!(
                "update {:?}",
                changed.map(|h| store.stored(h).map(|s| s.record().clone()))
            )
        }
        4 => format!(
            "result {:?}",
            store
                .store_result(
                    target.as_str(),
                    Outcome::Completed,
                    "r".into(),
                    session,
                    now
                )
                .map(|h| store.stored(h).map(|s| s.record().clone()))
        ),
        5 => format!(
            "read {:?}",
            store.result(target.as_str(), session, now).cloned()
        ),
        6 => {
            let page = store.list(None, session, now);
            format!(
                "list {:?}",
                page.map(|p| (
                    p.items
                        .iter()
                        .map(|&h| store.stored(h).map(|s| s.task().task_id))
                        .collect::<Vec<_>>(),
                    p.next_cursor
                ))
            )
        }
        7 => format!(
            "enqueue {:?} dequeue {:?}",
            store.enqueue(target.as_str(), "q".into(), session, Some(3), now),
            store.dequeue(target.as_str(), session, now)
        ),
        _ => format!(
            "cancel {:?}",
            store.cancel(target.as_str(), None, session, now).is_ok()
        ),
    }
}

#[test]
fn a_restored_store_answers_every_call_as_the_original_would() {
    for seed in 1..=120u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let config = StoreConfig {
            page_size: 3,
            ..StoreConfig::default()
        };
        let mut original = Store::new(config.clone()).unwrap();
        let mut next_id = 0u128;
        let mut now = T0;
        for _ in 0..rng.below(60) {
            now += rng.below(40);
            step(&mut original, &mut rng, &mut next_id, now);
        }
        // Through JSON, as a real save would go; restored later than taken, sometimes.
        let taken = now;
        now += rng.below(100);
        let text = serde_json::to_string(&original.snapshot(taken)).unwrap();
        let back: Snapshot<String, String> = serde_json::from_str(&text).unwrap();
        let mut restored = Store::restore(back, config, now).unwrap();
        // The same calls on both: `twin` replays `rng`'s draws.
        let mut twin = Rng(rng.0);
        let mut twin_id = next_id;
        for op in 0..80 {
            now += rng.below(40);
            twin.below(40);
            let a = step(&mut original, &mut rng, &mut next_id, now);
            let b = step(&mut restored, &mut twin, &mut twin_id, now);
            assert_eq!(a, b, "seed {seed}, op {op} after restore");
        }
    }
}

fn sample_json() -> serde_json::Value {
    serde_json::to_value(sample().snapshot(T0 + 10)).unwrap()
}

fn restore_json(json: &serde_json::Value) -> Result<Store, String> {
    let snap: Snapshot<String, String> =
        serde_json::from_value(json.clone()).map_err(|e| format!("parse: {e}"))?;
    Store::restore(snap, StoreConfig::default(), T0 + 10).map_err(|e| e.to_string())
}

#[test]
fn damaged_snapshots_are_rejected_naming_what_and_where() {
    assert!(restore_json(&sample_json()).is_ok());
    type Damage = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "future version",
            Box::new(|j| j["version"] = 2.into()),
            "snapshot.version",
        ),
        (
            "version 0",
            Box::new(|j| j["version"] = 0.into()),
            "snapshot.version",
        ),
        (
            "another format",
            Box::new(|j| j["format"] = "x".into()),
            "snapshot.format",
        ),
        (
            "status not a status",
            Box::new(|j| j["tasks"][0]["record"]["task"]["status"] = "done".into()),
            "parse",
        ),
        (
            "wrong type",
            Box::new(|j| j["tasks"][0]["record"]["seq"] = "0".into()),
            "parse",
        ),
        (
            "unknown field",
            Box::new(|j| j["tasks"][0]["record"]["extra"] = 1.into()),
            "parse",
        ),
        (
            "bad task id",
            Box::new(|j| j["tasks"][0]["record"]["task"]["taskId"] = "nope".into()),
            "parse",
        ),
        (
            "bad cursor key",
            Box::new(|j| j["cursorKey"] = "xyz".into()),
            "parse",
        ),
        (
            "an id twice",
            Box::new(|j| {
                let first = j["tasks"][0]["record"]["task"]["taskId"].clone();
                j["tasks"][1]["record"]["task"]["taskId"] = first;
            }),
            "snapshot.tasks[1].record.task.taskId",
        ),
        (
            "seq past nextSeq",
            Box::new(|j| j["nextSeq"] = 2.into()),
            "snapshot.tasks[2].record.seq",
        ),
        (
            "seqs out of order",
            Box::new(|j| j["tasks"][1]["record"]["seq"] = 0.into()),
            "snapshot.tasks[1].record.seq",
        ),
        (
            "result missing",
            Box::new(|j| {
                j["tasks"][0].as_object_mut().unwrap().remove("result");
            }),
            "snapshot.tasks[0].result",
        ),
        (
            "result without flag",
            Box::new(|j| j["tasks"][1]["result"] = "r".into()),
            "snapshot.tasks[1].result",
        ),
        (
            "deadline moved",
            Box::new(|j| j["tasks"][2]["record"]["deadline"] = (T0 + 999_999).into()),
            "snapshot.tasks[2].record",
        ),
        (
            "empty owner",
            Box::new(|j| j["tasks"][0]["record"]["owner"] = "".into()),
            "snapshot.tasks[0].record",
        ),
        (
            "result on a working task",
            Box::new(|j| {
                j["tasks"][3]["record"]["hasResult"] = true.into();
                j["tasks"][3]["result"] = "r".into();
            }),
            "snapshot.tasks[3].record",
        ),
        (
            "updated before created",
            Box::new(|j| j["tasks"][3]["record"]["task"]["lastUpdatedAt"] = 0.into()),
            "snapshot.tasks[3].record",
        ),
    ];
    for (name, damage, place) in cases {
        let mut json = sample_json();
        damage(&mut json);
        let err = restore_json(&json)
            .err()
            .unwrap_or_else(|| panic!("{name}: accepted"));
        assert!(err.contains(place), "{name}: {err}");
    }
    // Truncated text.
    let text = serde_json::to_string(&sample_json()).unwrap();
    for cut in [0, 1, text.len() / 2, text.len() - 1] {
        assert!(serde_json::from_str::<Snapshot<String, String>>(&text[..cut]).is_err());
    }
    // A snapshot with more tasks than the restoring store allows.
    let snap: Snapshot<String, String> = serde_json::from_value(sample_json()).unwrap();
    let small = StoreConfig {
        max_tasks: 2,
        ..StoreConfig::default()
    };
    let err = Store::restore(snap, small, T0 + 10).err().unwrap();
    assert_eq!(err.code(), INTERNAL_ERROR);
}

#[test]
fn the_first_format_stays_readable() {
    let text = include_str!("fixtures/snapshot-v1.json");
    let snap: Snapshot<serde_json::Value, serde_json::Value> = serde_json::from_str(text).unwrap();
    assert_eq!(snap.version, 1);
    let mut store: TaskStore<serde_json::Value, serde_json::Value> =
        TaskStore::restore(snap, StoreConfig::default(), T0 + 10).unwrap();
    assert_eq!(store.len(), 4);
    let h = store
        .get(id(1).to_string().as_str(), Some("a"), T0 + 10)
        .unwrap()
        .unwrap();
    assert_eq!(
        store.stored(h).unwrap().task().status,
        TaskStatus::Completed
    );
    assert_eq!(
        store
            .result(id(1).to_string().as_str(), Some("a"), T0 + 10)
            .unwrap(),
        &serde_json::json!({ "content": [{ "type": "text", "text": "done" }] })
    );
    let b = id(2).to_string();
    assert_eq!(
        store.dequeue_all(b.as_str(), None, T0 + 10).unwrap().len(),
        2
    );
}

#[test]
fn a_snapshot_written_by_the_js_package_is_read() {
    // Written by `InMemoryTaskStore.snapshot()` (tests/js/snapshot.test.mjs checks the package
    // still writes this shape).
    let text = include_str!("fixtures/snapshot-js-v1.json");
    let snap: Snapshot<serde_json::Value, serde_json::Value> = serde_json::from_str(text).unwrap();
    let at = snap.taken_at;
    let mut store: TaskStore<serde_json::Value, serde_json::Value> =
        TaskStore::restore(snap, StoreConfig::default(), at).unwrap();
    assert_eq!(store.len(), 4);
    let all = store.all(at);
    let first = store.stored(all[0]).unwrap();
    assert_eq!(first.task().status, TaskStatus::Completed);
    assert_eq!(first.record().owner.as_deref(), Some("A"));
    assert_eq!(
        first.result().unwrap()["content"][0]["text"],
        serde_json::json!("done")
    );
    let second = store.stored(all[1]).unwrap().task().task_id.to_string();
    assert_eq!(
        store.dequeue_all(second.as_str(), None, at).unwrap().len(),
        1
    );
}
