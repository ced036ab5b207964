//! Native benchmark of the pure Rust core (`TaskStore<String>`), without JS or wasm.
//!
//! Run with `cargo bench --bench core`. It measures the same operations as the JS
//! benchmark (`bench/run.mjs`) on the same shape of workload, so the two can be set side by
//! side: the difference is what the wasm binding (argument conversion, Task objects,
//! Promises) adds on top of the core's own work.
//!
//! Workload per repetition, for each size N (10k and 100k live tasks):
//! - `createTask`: N tasks, ttl 1 hour, spread round-robin over 4 sessions (ids drawn from
//!   [`IdSource`], the clock read on every call, as the binding does);
//! - `getTask`, `updateTaskStatus`, `getTaskResult`: [`OPS`] calls cycling over
//!   `min(N, OPS)` distinct tasks visited in a scattered order, each call passing the id as
//!   text and the task's session (the binding receives both as JS strings);
//! - `storeTaskResult`: `min(N, OPS)` distinct tasks, each given its own 1 KB result;
//! - `listTasks`: every page of one session's tasks (N/4 of them, 10 per page);
//! - `cleanup`: clearing the whole store.
//!
//! Medians of [`REPS`] repetitions are printed and written to `bench/results/native.json`.
//! No external crates: `std::time::Instant` for timing, `std::hint::black_box` to keep the
//! optimiser from dropping the work.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use mcp_task_store_core::{
    CreateParams, IdSource, Millis, Outcome, StoreConfig, TaskId, TaskStatus, TaskStore,
};

/// Live-task counts measured.
const SIZES: [usize; 2] = [10_000, 100_000];
/// Repetitions per size; the median is reported.
const REPS: usize = 5;
/// Calls per repeatable operation, and the cap on distinct tasks touched per operation.
const OPS: usize = 200_000;
/// Sessions the tasks are spread over (as in the JS benchmark).
const SESSIONS: usize = 4;
/// The ttl every task asks for: one hour, so nothing expires during a run.
const TTL_MS: u64 = 3_600_000;
/// Step between visited task indexes: a prime, so `(k * STRIDE) % n` visits distinct tasks
/// in a scattered order for any n that is a product of 2s and 5s.
const STRIDE: usize = 7_919;
/// Length of each stored result text, in bytes.
const RESULT_BYTES: usize = 1024;

/// Operation names, in report order; the same keys as the JS benchmark's.
const OP_NAMES: [&str; 7] = [
    "createTask",
    "getTask",
    "updateTaskStatus",
    "storeTaskResult",
    "getTaskResult",
    "listTasks",
    "cleanup",
];

/// One timed operation: how many calls (or, for `listTasks`, pages) took how long.
#[derive(Clone, Copy, Debug)]
struct Timing {
    ops: usize,
    seconds: f64,
}

impl Timing {
    fn per_second(self) -> f64 {
        self.ops as f64 / self.seconds.max(f64::MIN_POSITIVE)
    }
}

/// Times `f`, which reports how many operations it did.
fn time(f: impl FnOnce() -> usize) -> Timing {
    let start = Instant::now();
    let ops = f();
    Timing {
        ops,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// The wall clock in ms since the epoch, read per call as the binding reads `Date.now()`.
fn now_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as Millis)
}

/// A small deterministic generator (xorshift64*) for distinct result texts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A distinct text of `RESULT_BYTES` hex digits, standing in for a tool's 1 KB output.
    fn text(&mut self) -> String {
        let mut out = String::with_capacity(RESULT_BYTES);
        while out.len() < RESULT_BYTES {
            let _ = write!(out, "{:016x}", self.next());
        }
        out.truncate(RESULT_BYTES);
        out
    }
}

/// Session name of task `i`.
fn session_of(sessions: &[String], i: usize) -> &str {
    &sessions[i % sessions.len()]
}

/// One repetition at size `n`: every operation once, in the JS benchmark's order.
fn run_once(n: usize, rng: &mut Rng) -> BTreeMap<&'static str, Timing> {
    let sessions: Vec<String> = (0..SESSIONS).map(|s| format!("session-{s}")).collect();
    let distinct = n.min(OPS);
    let order: Vec<usize> = (0..distinct).map(|k| (k * STRIDE) % n).collect();
    let config = StoreConfig::default();
    let page_size = config.page_size;
    let mut store: TaskStore<String> = TaskStore::new(config).expect("default settings");
    let mut ids = IdSource::default();
    let params = CreateParams {
        ttl: Some(TTL_MS),
        poll_interval: None,
    };
    let mut out = BTreeMap::new();

    let mut created: Vec<TaskId> = Vec::with_capacity(n);
    out.insert(
        "createTask",
        time(|| {
            for i in 0..n {
                let id = ids.next_random().expect("random bytes");
                let handle = store.create(id, params, Some(session_of(&sessions, i)), now_ms());
                black_box(handle.expect("create"));
                created.push(id);
            }
            n
        }),
    );
    // The binding receives ids as text; render them once, outside the timings.
    let id_text: Vec<String> = created.iter().map(TaskId::to_string).collect();

    out.insert(
        "getTask",
        time(|| {
            for k in 0..OPS {
                let i = order[k % distinct];
                let found = store.get(&id_text[i], Some(session_of(&sessions, i)), now_ms());
                let handle = found.expect("get").expect("task exists");
                black_box(store.stored(handle).map(|s| s.task().status));
            }
            OPS
        }),
    );

    out.insert(
        "updateTaskStatus",
        time(|| {
            for k in 0..OPS {
                let i = order[k % distinct];
                // Alternate rounds between the two non-terminal statuses, as the JS bench does.
                let status = if (k / distinct) % 2 == 0 {
                    TaskStatus::InputRequired
                } else {
                    TaskStatus::Working
                };
                let message = Some(format!("step {k}"));
                let session = Some(session_of(&sessions, i));
                let handle = store.update_status(&id_text[i], status, message, session, now_ms());
                black_box(handle.expect("update"));
            }
            OPS
        }),
    );

    let mut results: Vec<String> = (0..distinct).map(|_| rng.text()).collect();
    out.insert(
        "storeTaskResult",
        time(|| {
            for (k, result) in results.drain(..).enumerate() {
                let i = order[k];
                let session = Some(session_of(&sessions, i));
                let handle =
                    store.store_result(&id_text[i], Outcome::Completed, result, session, now_ms());
                black_box(handle.expect("store result"));
            }
            distinct
        }),
    );

    out.insert(
        "getTaskResult",
        time(|| {
            for k in 0..OPS {
                let i = order[k % distinct];
                let result = store.result(&id_text[i], Some(session_of(&sessions, i)), now_ms());
                black_box(result.expect("result").len());
            }
            OPS
        }),
    );

    let expected = n.div_ceil(SESSIONS);
    out.insert(
        "listTasks",
        time(|| {
            let (mut pages, mut listed) = (0, 0);
            let mut cursor: Option<String> = None;
            loop {
                let page = store
                    .list(cursor.as_deref(), Some(&sessions[0]), now_ms())
                    .expect("list");
                pages += 1;
                listed += page.items.len();
                black_box(&page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            assert_eq!(
                listed, expected,
                "full pagination lists every task of the session"
            );
            assert!(pages >= expected.div_ceil(page_size));
            pages
        }),
    );

    out.insert(
        "cleanup",
        time(|| {
            store.clear();
            black_box(store.len());
            n
        }),
    );
    out
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter is accepted and ignored.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut json = String::from("{\n  \"tool\": \"benches/core.rs\",\n");
    let _ = writeln!(json, "  \"reps\": {REPS},\n  \"opsPerOperation\": {OPS},");
    let _ = writeln!(
        json,
        "  \"unit\": \"median operations per second (listTasks: pages per second)\","
    );
    json.push_str("  \"sizes\": {\n");

    println!("native core (TaskStore<String>), median of {REPS} runs, operations per second");
    println!("{:<18} {:>14} {:>14}", "operation", "N = 10k", "N = 100k");
    let mut table: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (si, &n) in SIZES.iter().enumerate() {
        let runs: Vec<_> = (0..REPS).map(|_| run_once(n, &mut rng)).collect();
        let _ = writeln!(json, "    \"{n}\": {{");
        for (oi, name) in OP_NAMES.iter().enumerate() {
            let rates: Vec<f64> = runs.iter().map(|r| r[name].per_second()).collect();
            let ops = runs[0][name].ops;
            let m = median(rates);
            table.entry(name).or_default().push(m);
            let comma = if oi + 1 < OP_NAMES.len() { "," } else { "" };
            let _ = writeln!(
                json,
                "      \"{name}\": {{ \"opsPerSec\": {m:.1}, \"ops\": {ops} }}{comma}"
            );
        }
        let comma = if si + 1 < SIZES.len() { "," } else { "" };
        let _ = writeln!(json, "    }}{comma}");
    }
    json.push_str("  }\n}\n");
    for name in OP_NAMES {
        let row = &table[name];
        println!("{name:<18} {:>14.0} {:>14.0}", row[0], row[1]);
    }

    // The workspace root's bench/results, beside the JS benchmark's output.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("bench")
        .join("results");
    let path = dir.join("native.json");
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, json)) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}
