//! A property test without extra crates: random operation sequences run against three
//! stores, compared after every operation:
//! - the in-memory [`TaskStore`] (indexes calling the rules);
//! - [`Naive`], a deliberately naive store: a plain `Vec` of [`TaskRecord`]s, linear scans,
//!   every decision taken by the core's record functions ([`TaskRecord::update_status`],
//!   [`cursor::resolve`], [`TaskRecord::is_live_at`], …) — the rules alone, no indexes;
//! - [`Model`], a reference written from the spec without the core's rules.
//!
//! A tiny deterministic PRNG (splitmix64) with fixed seeds drives the sequences, so a
//! failure names its seed and operation index and replays exactly.

use mcp_task_store_core::*;

/// Start of the test clock (2025-11-25T10:30:00.000Z).
const T0: Millis = 1_764_066_600_000;
/// Sequences per configuration.
const SEQUENCES: u64 = 150;
/// Operations per sequence.
const OPS: usize = 200;
/// The sessions a call may name (besides none).
const SESSIONS: [&str; 3] = ["alice", "bob", "carol"];

/// splitmix64: small, fast, good enough to pick operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the slight modulo bias does not matter here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A task as the model keeps it.
#[derive(Clone, Debug)]
struct MTask {
    task: Task,
    text: String,
    seq: u64,
    owner: Option<usize>,
    deadline: Option<Millis>,
    result: Option<String>,
}

/// The reference model: tasks in creation order, everything by linear scan.
struct Model {
    config: StoreConfig,
    tasks: Vec<MTask>,
    next_seq: u64,
}

/// What kind of answer a call gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ok,
    NotFound,
    TerminalUpdate,
    TerminalResult,
    NoResult,
    InvalidCursor,
    InvalidParam,
    Internal,
    Other,
}

fn kind<T>(r: &Result<T, StoreError>) -> Kind {
    match r {
        Ok(_) => Kind::Ok,
        Err(StoreError::NotFound { .. }) => Kind::NotFound,
        Err(StoreError::TerminalUpdate { .. }) => Kind::TerminalUpdate,
        Err(StoreError::TerminalResult { .. }) => Kind::TerminalResult,
        Err(StoreError::NoResult { .. }) => Kind::NoResult,
        Err(StoreError::InvalidCursor { .. }) => Kind::InvalidCursor,
        Err(StoreError::InvalidParam { .. }) => Kind::InvalidParam,
        Err(StoreError::Internal { .. }) => Kind::Internal,
        // Errors of other parts of the core (message queues) never come from the store.
        Err(_) => Kind::Other,
    }
}

fn is_terminal(s: TaskStatus) -> bool {
    matches!(
        s,
        TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled
    )
}

impl Model {
    fn grant(&self, requested: Option<u64>) -> Option<u64> {
        let min = self.config.min_ttl;
        match (requested, self.config.max_ttl) {
            (None, max) => max,
            (Some(t), None) => Some(t.max(min)),
            (Some(t), Some(max)) => Some(if t < min {
                min
            } else if t > max {
                max
            } else {
                t
            }),
        }
    }

    fn expire(&mut self, now: Millis) -> usize {
        let before = self.tasks.len();
        self.tasks.retain(|t| t.deadline.is_none_or(|d| d > now));
        before - self.tasks.len()
    }

    fn sees(owner: Option<usize>, session: Option<usize>) -> bool {
        match (session, owner) {
            (None, _) | (_, None) => true,
            (Some(me), Some(o)) => me == o,
        }
    }

    fn find(&self, id: &str, session: Option<usize>) -> Option<usize> {
        self.tasks
            .iter()
            .position(|t| t.text == id && Model::sees(t.owner, session))
    }

    fn visible(&self, session: Option<usize>, after: Option<u64>) -> Vec<&MTask> {
        self.tasks
            .iter()
            .filter(|t| Model::sees(t.owner, session) && after.is_none_or(|a| t.seq > a))
            .collect()
    }

    fn next_deadline(&self) -> Option<Millis> {
        self.tasks.iter().filter_map(|t| t.deadline).min()
    }

    fn touch(t: &mut MTask, now: Millis) {
        t.task.last_updated_at = t.task.last_updated_at.max(now);
        if is_terminal(t.task.status) {
            if let Some(ttl) = t.task.ttl {
                // From the end's lastUpdatedAt (which never moves back, even if the clock does).
                t.deadline = Some(t.task.last_updated_at.saturating_add(ttl));
            }
        }
    }
}

/// The rules alone: records in a `Vec`, every decision taken by the core's pure functions,
/// as a second backend would use them.
struct Naive {
    config: StoreConfig,
    records: Vec<(TaskRecord, Option<String>)>,
    next_seq: u64,
    /// The store's cursor secret (a setting shared with it, not a rule).
    cursor_key: CursorKey,
}

impl Naive {
    fn expire(&mut self, now: Millis) -> usize {
        let before = self.records.len();
        self.records.retain(|(r, _)| r.is_live_at(now));
        before - self.records.len()
    }

    /// The place of task `id` if `session` may reach it at `now`.
    fn find(&self, id: &str, session: Option<&str>, now: Millis) -> Option<usize> {
        self.records.iter().position(|(r, _)| {
            r.task.task_id.to_string() == id && r.check_reachable(session, now).is_ok()
        })
    }

    /// Expires, then finds `id` for `session` or answers "not found".
    fn reach(&mut self, id: &str, session: Option<&str>, now: Millis) -> Result<usize, StoreError> {
        params::session(session)?;
        self.expire(now);
        self.find(id, session, now)
            .ok_or_else(|| StoreError::not_found(id))
    }

    fn create(
        &mut self,
        id: TaskId,
        params: CreateParams,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Task, StoreError> {
        params::session(session)?;
        self.expire(now);
        if self.records.iter().any(|(r, _)| r.task.task_id == id) {
            return Err(StoreError::internal(format!("task id {id} already exists")));
        }
        let owner = session.map(std::sync::Arc::from);
        let record = TaskRecord::create(id, params, owner, self.next_seq, &self.config, now)?;
        self.next_seq += 1;
        let task = record.task.clone();
        self.records.push((record, None));
        Ok(task)
    }

    fn update(
        &mut self,
        id: &str,
        status: TaskStatus,
        message: Option<String>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Task, StoreError> {
        let i = self.reach(id, session, now)?;
        let (record, _) = &mut self.records[i];
        record.update_status(status, message, now)?;
        Ok(record.task.clone())
    }

    fn store_result(
        &mut self,
        id: &str,
        outcome: Outcome,
        result: String,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Task, StoreError> {
        let i = self.reach(id, session, now)?;
        let (record, stored) = &mut self.records[i];
        record.store_result(outcome, now)?;
        *stored = Some(result);
        Ok(record.task.clone())
    }

    fn result(
        &mut self,
        id: &str,
        session: Option<&str>,
        now: Millis,
    ) -> Result<String, StoreError> {
        let i = self.reach(id, session, now)?;
        let (record, stored) = &self.records[i];
        record.check_result()?;
        stored
            .clone()
            .ok_or_else(|| StoreError::internal("no result beside the record"))
    }

    fn list(
        &mut self,
        cursor_text: Option<&str>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<(Vec<TaskId>, Option<String>), StoreError> {
        params::session(session)?;
        self.expire(now);
        let after = match cursor_text {
            None => None,
            Some(text) => Some(
                self.cursor_key
                    .resolve(text, session, self.next_seq, |id| {
                        let i = self.find(id, session, now)?;
                        Some(self.records[i].0.seq)
                    })?,
            ),
        };
        let start = cursor::start_after(after);
        let visible: Vec<&TaskRecord> = self
            .records
            .iter()
            .map(|(r, _)| r)
            .filter(|r| r.seq >= start && r.visible_to(session))
            .collect();
        let size = self.config.page_size;
        let page: Vec<&TaskRecord> = visible.iter().take(size).copied().collect();
        let next = (visible.len() > size)
            .then(|| page.last().map(|r| self.cursor_key.encode(r.seq, session)))
            .flatten();
        Ok((page.iter().map(|r| r.task.task_id).collect(), next))
    }
}

/// One running sequence: the store, the naive store, the model, the clock and what the
/// test has seen.
struct Run {
    seed: u64,
    op: usize,
    log: Vec<String>,
    rng: Rng,
    store: TaskStore<String>,
    naive: Naive,
    model: Model,
    now: Millis,
    next_id: u128,
    /// Every id ever created, live or not.
    known: Vec<TaskId>,
    /// Cursors the store handed out, with the position (seq) the model expects behind them
    /// and the session they were handed to.
    cursors: Vec<(String, u64, Option<usize>)>,
    /// The store's cursor secret.
    cursor_key: CursorKey,
}

macro_rules! check {
    ($run:expr, $cond:expr, $($fmt:tt)+) => {
        if !$cond {
            $run.fail(format!($($fmt)+));
        }
    };
}

macro_rules! check_eq {
    ($run:expr, $left:expr, $right:expr, $($fmt:tt)+) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            $run.fail(format!("{}\n  store: {:?}\n  model: {:?}", format!($($fmt)+), l, r));
        }
    }};
}

impl Run {
    fn new(seed: u64, config: StoreConfig) -> Run {
        let store = TaskStore::new(config.clone()).unwrap();
        let cursor_key = store.cursor_key();
        Run {
            seed,
            op: 0,
            log: Vec::new(),
            rng: Rng(seed),
            store,
            naive: Naive {
                config: config.clone(),
                records: Vec::new(),
                next_seq: 0,
                cursor_key,
            },
            model: Model {
                config,
                tasks: Vec::new(),
                next_seq: 0,
            },
            now: T0,
            next_id: 0,
            known: Vec::new(),
            cursors: Vec::new(),
            cursor_key,
        }
    }

    fn fail(&self, what: String) -> ! {
        let start = self.log.len().saturating_sub(15);
        panic!(
            "seed {} (config {:?}), op index {}: {what}\nlast ops:\n  {}\n\
             (replay just this sequence with STORE_MODEL_SEED={})",
            self.seed,
            self.model.config,
            self.op,
            self.log[start..].join("\n  "),
            self.seed
        );
    }

    fn session(&mut self) -> Option<usize> {
        let i = self.rng.below(4) as usize;
        (i < SESSIONS.len()).then_some(i)
    }

    fn fresh_id(&mut self) -> TaskId {
        self.next_id += 1;
        // Random-looking high bits (hex letters included), a counter in the low bits.
        let high = u128::from(self.rng.next()) << 64;
        TaskId::from_random_bytes((high | self.next_id).to_be_bytes())
    }

    /// An id to act on: mostly a live task's, else one that was created (maybe expired
    /// since), sometimes unknown or malformed.
    fn pick_id(&mut self) -> String {
        let roll = self.rng.below(100);
        if roll < 55 && !self.model.tasks.is_empty() {
            self.rng.pick(&self.model.tasks).text.clone()
        } else if roll < 85 && !self.known.is_empty() {
            self.rng.pick(&self.known).to_string()
        } else if roll < 92 {
            TaskId::from_random_bytes([0xee; 16]).to_string()
        } else if roll < 96 && !self.known.is_empty() {
            self.rng.pick(&self.known).to_string().to_uppercase()
        } else {
            self.rng.pick(&["", "nope", "c1", "00000000"]).to_string()
        }
    }

    /// An id and the session calling with it: often the task's own session (so calls
    /// succeed), otherwise any caller.
    fn pick_call(&mut self) -> (String, Option<usize>) {
        let id = self.pick_id();
        let owner = self
            .model
            .tasks
            .iter()
            .find(|t| t.text == id)
            .map(|t| t.owner);
        let session = match owner {
            Some(owner) if self.rng.chance(50) => owner,
            _ => self.session(),
        };
        (id, session)
    }

    fn status(&mut self) -> TaskStatus {
        *self.rng.pick(&[
            TaskStatus::Working,
            TaskStatus::Working,
            TaskStatus::InputRequired,
            TaskStatus::InputRequired,
            TaskStatus::Completed,
            TaskStatus::Failed,
            TaskStatus::Cancelled,
        ])
    }

    fn step(&mut self) {
        // Most operations also let a little time pass.
        if self.rng.chance(50) {
            self.now += self.rng.below(6);
        }
        let roll = self.rng.below(1000);
        match roll {
            0..=279 => self.op_create(),
            280..=379 => self.op_get(),
            380..=529 => self.op_update(),
            530..=629 => self.op_store_result(),
            630..=719 => self.op_result(),
            720..=819 => self.op_list(),
            820..=949 => self.op_advance(),
            950..=989 => self.op_expire(),
            990..=994 => self.op_all(),
            _ => self.op_clear(),
        }
        self.compare_state();
    }

    fn op_create(&mut self) {
        let ttl = match self.rng.below(100) {
            0..=24 => None,
            25..=29 => Some(0),
            30..=39 => Some(self.rng.range(1, 20)),
            40..=64 => Some(self.rng.range(100, 5_000)),
            _ => Some(self.rng.range(10_000, 10_000_000)),
        };
        let poll_interval = self.rng.chance(30).then(|| self.rng.below(10_000));
        let session = self.session();
        // Now and then reuse an id (live: rejected as internal; expired: accepted).
        let id = if self.rng.chance(4) && !self.known.is_empty() {
            *self.rng.pick(&self.known)
        } else {
            self.fresh_id()
        };
        self.log.push(format!(
            "{}: create {id} ttl {ttl:?} session {session:?}",
            self.now
        ));
        let params = CreateParams { ttl, poll_interval };
        let got = self
            .store
            .create(id, params, session.map(|s| SESSIONS[s]), self.now);
        let naive = self
            .naive
            .create(id, params, session.map(|s| SESSIONS[s]), self.now);
        let from_store = got
            .as_ref()
            .map(|&h| self.store.stored(h).map(|s| s.task().clone()))
            .map_err(Clone::clone);
        check_eq!(self, from_store, naive.clone().map(Some), "create, naive");
        self.model.expire(self.now);
        let text = id.to_string();
        let want = if self.model.tasks.iter().any(|t| t.text == text) {
            Kind::Internal
        } else {
            let granted = self.model.grant(ttl);
            self.model.tasks.push(MTask {
                task: Task {
                    task_id: id,
                    status: TaskStatus::Working,
                    status_message: None,
                    created_at: self.now,
                    last_updated_at: self.now,
                    ttl: granted,
                    poll_interval: poll_interval.unwrap_or(self.model.config.default_poll_interval),
                },
                text,
                seq: self.model.next_seq,
                owner: session,
                deadline: granted.map(|t| self.now.saturating_add(t)),
                result: None,
            });
            self.model.next_seq += 1;
            Kind::Ok
        };
        check_eq!(self, kind(&got), want, "create");
        if let Ok(h) = got {
            let task = self.store.stored(h).map(|s| s.task().clone());
            let expect = self.model.tasks.last().map(|t| t.task.clone());
            check_eq!(self, task, expect, "created task");
            if !self.known.contains(&id) {
                self.known.push(id);
            }
        }
    }

    fn op_get(&mut self) {
        let (id, session) = self.pick_call();
        self.log
            .push(format!("{}: get {id:?} session {session:?}", self.now));
        let got = self.store.get(&id, session.map(|s| SESSIONS[s]), self.now);
        self.model.expire(self.now);
        let want = self
            .model
            .find(&id, session)
            .map(|i| self.model.tasks[i].task.clone());
        let got = match got {
            Ok(h) => h.map(|h| self.store.stored(h).map(|s| s.task().clone())),
            Err(e) => self.fail(format!("get failed: {e}")),
        };
        check_eq!(self, got, want.map(Some), "get {id:?} as {session:?}");
    }

    fn op_update(&mut self) {
        let (id, session) = self.pick_call();
        let status = self.status();
        let message = self
            .rng
            .chance(50)
            .then(|| format!("m{}", self.rng.below(1000)));
        self.log.push(format!(
            "{}: update {id:?} -> {status} msg {message:?} session {session:?}",
            self.now
        ));
        let got = self.store.update_status(
            &id,
            status,
            message.clone(),
            session.map(|s| SESSIONS[s]),
            self.now,
        );
        let naive = self.naive.update(
            &id,
            status,
            message.clone(),
            session.map(|s| SESSIONS[s]),
            self.now,
        );
        self.same_as_naive(&got, naive, "update_status");
        self.model.expire(self.now);
        let now = self.now;
        let want = match self.model.find(&id, session) {
            None => Kind::NotFound,
            Some(i) => {
                let t = &mut self.model.tasks[i];
                if is_terminal(t.task.status) {
                    Kind::TerminalUpdate
                } else {
                    if let Some(m) = message.filter(|m| !m.is_empty()) {
                        t.task.status_message = Some(m);
                    }
                    t.task.status = status;
                    Model::touch(t, now);
                    Kind::Ok
                }
            }
        };
        check_eq!(self, kind(&got), want, "update_status");
        self.check_handle(got.ok(), &id);
    }

    fn op_store_result(&mut self) {
        let (id, session) = self.pick_call();
        let outcome = if self.rng.chance(70) {
            Outcome::Completed
        } else {
            Outcome::Failed
        };
        let result = format!("r{}", self.rng.below(1_000_000));
        self.log.push(format!(
            "{}: store_result {id:?} {outcome:?} {result} session {session:?}",
            self.now
        ));
        let got = self.store.store_result(
            &id,
            outcome,
            result.clone(),
            session.map(|s| SESSIONS[s]),
            self.now,
        );
        let naive = self.naive.store_result(
            &id,
            outcome,
            result.clone(),
            session.map(|s| SESSIONS[s]),
            self.now,
        );
        self.same_as_naive(&got, naive, "store_result");
        self.model.expire(self.now);
        let now = self.now;
        let want = match self.model.find(&id, session) {
            None => Kind::NotFound,
            Some(i) => {
                let t = &mut self.model.tasks[i];
                if is_terminal(t.task.status) {
                    Kind::TerminalResult
                } else {
                    t.task.status = outcome.into();
                    t.result = Some(result);
                    Model::touch(t, now);
                    Kind::Ok
                }
            }
        };
        check_eq!(self, kind(&got), want, "store_result");
        self.check_handle(got.ok(), &id);
    }

    fn op_result(&mut self) {
        let (id, session) = self.pick_call();
        self.log
            .push(format!("{}: result {id:?} session {session:?}", self.now));
        let got = self
            .store
            .result(&id, session.map(|s| SESSIONS[s]), self.now)
            .cloned();
        let naive = self
            .naive
            .result(&id, session.map(|s| SESSIONS[s]), self.now);
        check_eq!(self, got, naive, "result, naive");
        self.model.expire(self.now);
        let want = match self.model.find(&id, session) {
            None => Err(Kind::NotFound),
            Some(i) => self.model.tasks[i].result.clone().ok_or(Kind::NoResult),
        };
        let got = got.map_err(|e| kind::<()>(&Err(e)));
        check_eq!(self, got, want, "result");
    }

    /// Lists from a random starting cursor and follows `next_cursor` to the end, checking
    /// every page against the model.
    fn op_list(&mut self) {
        let session = self.session();
        let start: Option<String> = match self.rng.below(100) {
            0..=59 => None,
            60..=74 if !self.cursors.is_empty() => Some(self.rng.pick(&self.cursors).0.clone()),
            75..=89 if !self.known.is_empty() => Some(self.rng.pick(&self.known).to_string()),
            90..=94 => {
                let seq = self.rng.below(self.model.next_seq + 3);
                // Handed to this session, or (sometimes) to another one.
                let to = match self.rng.below(4) {
                    0 => self.session(),
                    _ => session,
                };
                Some(self.cursor_key.encode(seq, to.map(|s| SESSIONS[s])))
            }
            _ => Some(self.rng.pick(&["", "garbage", "cFF", "c01"]).to_string()),
        };
        self.log.push(format!(
            "{}: list from {start:?} session {session:?}",
            self.now
        ));
        self.walk(start, session);
    }

    fn walk(&mut self, start: Option<String>, session: Option<usize>) {
        self.model.expire(self.now);
        // Where the model says the walk starts, or that the cursor is invalid.
        let after: Result<Option<u64>, Kind> = match &start {
            None => Ok(None),
            Some(c) => {
                let known = self
                    .cursors
                    .iter()
                    .find(|(text, _, to)| text == c && *to == session);
                if let Some(&(_, seq, _)) = known {
                    Ok(Some(seq))
                } else if let Some(seq) = self.cursor_key.decode(c, session.map(|s| SESSIONS[s])) {
                    if seq < self.model.next_seq {
                        Ok(Some(seq))
                    } else {
                        Err(Kind::InvalidCursor)
                    }
                } else {
                    match self.model.find(c, session) {
                        Some(i) => Ok(Some(self.model.tasks[i].seq)),
                        None => Err(Kind::InvalidCursor),
                    }
                }
            }
        };
        let expect: Vec<Task> = match after {
            Err(want) => {
                let got = self
                    .store
                    .list(start.as_deref(), session.map(|s| SESSIONS[s]), self.now);
                check_eq!(self, kind(&got), want, "list from {start:?}");
                let naive =
                    self.naive
                        .list(start.as_deref(), session.map(|s| SESSIONS[s]), self.now);
                check_eq!(self, got.err(), naive.err(), "list from {start:?}, naive");
                return;
            }
            Ok(after) => self
                .model
                .visible(session, after)
                .into_iter()
                .map(|t| t.task.clone())
                .collect(),
        };
        let size = self.model.config.page_size;
        let mut seen: Vec<Task> = Vec::new();
        let mut cursor_text = start;
        let mut pages = 0;
        loop {
            pages += 1;
            check!(
                self,
                pages <= expect.len() / size + 1,
                "paging does not end"
            );
            let page = self.store.list(
                cursor_text.as_deref(),
                session.map(|s| SESSIONS[s]),
                self.now,
            );
            let page = match page {
                Ok(p) => p,
                Err(e) => self.fail(format!("list page {pages} from {cursor_text:?}: {e}")),
            };
            let naive = self.naive.list(
                cursor_text.as_deref(),
                session.map(|s| SESSIONS[s]),
                self.now,
            );
            let ids: Vec<Option<TaskId>> = page
                .items
                .iter()
                .map(|&h| self.store.stored(h).map(|s| s.task().task_id))
                .collect();
            let naive_ids = naive.map(|(ids, next)| (ids.into_iter().map(Some).collect(), next));
            check_eq!(
                self,
                Ok::<_, StoreError>((ids, page.next_cursor.clone())),
                naive_ids,
                "page {pages} from {cursor_text:?}, naive"
            );
            check!(
                self,
                page.items.len() <= size,
                "page of {} > {size}",
                page.items.len()
            );
            for &h in &page.items {
                match self.store.stored(h) {
                    Some(s) => seen.push(s.task().clone()),
                    None => self.fail("page handle points at nothing".into()),
                }
            }
            let remaining = expect.len().saturating_sub(seen.len());
            check_eq!(
                self,
                page.next_cursor.is_some(),
                remaining > 0,
                "next_cursor iff more"
            );
            match page.next_cursor {
                None => break,
                Some(c) => {
                    check_eq!(
                        self,
                        page.items.len(),
                        size,
                        "a page with a next cursor is full"
                    );
                    let Some(last) = seen.last() else {
                        self.fail("cursor after empty page".into())
                    };
                    let seq = match self
                        .model
                        .tasks
                        .iter()
                        .find(|t| t.task.task_id == last.task_id)
                    {
                        Some(t) => t.seq,
                        None => self.fail("listed task unknown to the model".into()),
                    };
                    if !self.cursors.iter().any(|(text, _, _)| *text == c) {
                        self.cursors.push((c.clone(), seq, session));
                    }
                    cursor_text = Some(c);
                }
            }
        }
        check_eq!(self, seen, expect, "full paging for {session:?}");
    }

    fn op_advance(&mut self) {
        let step = match self.rng.below(100) {
            0..=44 => self.rng.below(10),
            45..=89 => self.rng.range(100, 3_000),
            90..=97 => self.rng.range(10_000, 2_000_000),
            _ => 0,
        };
        // Rarely the clock steps back a little.
        if self.rng.chance(3) {
            self.now = self.now.saturating_sub(self.rng.range(1, 50));
        } else {
            self.now += step;
        }
        self.log.push(format!("{}: clock", self.now));
    }

    fn op_expire(&mut self) {
        self.log.push(format!("{}: expire", self.now));
        let got = self.store.expire(self.now);
        let want = self.model.expire(self.now);
        check_eq!(self, got, want, "expire count");
        let naive = self.naive.expire(self.now);
        check_eq!(self, got, naive, "expire count, naive");
    }

    fn op_all(&mut self) {
        self.log.push(format!("{}: all", self.now));
        let got: Vec<Option<TaskId>> = self
            .store
            .all(self.now)
            .into_iter()
            .map(|h| self.store.stored(h).map(|s| s.task().task_id))
            .collect();
        self.model.expire(self.now);
        let want: Vec<Option<TaskId>> = self
            .model
            .tasks
            .iter()
            .map(|t| Some(t.task.task_id))
            .collect();
        check_eq!(self, got, want, "all");
    }

    fn op_clear(&mut self) {
        self.log.push(format!("{}: clear", self.now));
        self.store.clear();
        self.naive.records.clear();
        self.model.tasks.clear();
    }

    /// The store and the naive store agree on a change: the same error, or the same task
    /// after it.
    fn same_as_naive(
        &self,
        got: &Result<Handle, StoreError>,
        naive: Result<Task, StoreError>,
        what: &str,
    ) {
        let from_store = got
            .as_ref()
            .map(|&h| self.store.stored(h).map(|s| s.task().clone()))
            .map_err(Clone::clone);
        check_eq!(self, from_store, naive.map(Some), "{what}, naive");
    }

    fn check_handle(&self, handle: Option<Handle>, id: &str) {
        if let Some(h) = handle {
            let got = self.store.stored(h).map(|s| s.task().task_id.to_string());
            check_eq!(self, got, Some(id.to_owned()), "handle of the changed task");
        }
    }

    /// Compares everything after an operation: size and next deadline (before anything
    /// expires), then every task, its deadline and result, and a sample of lookups.
    fn compare_state(&mut self) {
        check_eq!(self, self.store.len(), self.model.tasks.len(), "len");
        check_eq!(
            self,
            self.store.next_deadline(),
            self.model.next_deadline(),
            "next_deadline"
        );
        // Every 8th op: a full paging walk for a random session.
        if self.op % 8 == 0 {
            let session = self.session();
            self.walk(None, session);
        }
        let now = self.now;
        let handles = self.store.all(now);
        self.model.expire(now);
        self.naive.expire(now);
        check_eq!(
            self,
            self.naive.records.len(),
            self.model.tasks.len(),
            "naive len"
        );
        for ((r, result), m) in self.naive.records.iter().zip(&self.model.tasks) {
            check_eq!(self, &r.task, &m.task, "naive task {}", m.text);
            check_eq!(self, r.deadline, m.deadline, "naive deadline of {}", m.text);
            check_eq!(self, result, &m.result, "naive result of {}", m.text);
        }
        check_eq!(self, handles.len(), self.model.tasks.len(), "all() length");
        for (h, m) in handles.iter().zip(&self.model.tasks) {
            let Some(s) = self.store.stored(*h) else {
                self.fail("handle points at nothing".into())
            };
            check_eq!(self, s.task(), &m.task, "task {}", m.text);
            check_eq!(self, s.deadline(), m.deadline, "deadline of {}", m.text);
            check_eq!(self, s.result(), m.result.as_ref(), "result of {}", m.text);
        }
        // A few lookups by every kind of caller.
        for _ in 0..2 {
            let id = self.pick_id();
            for session in [None, Some(0), Some(1), Some(2)] {
                let got = match self.store.get(&id, session.map(|s| SESSIONS[s]), now) {
                    Ok(h) => h
                        .and_then(|h| self.store.stored(h))
                        .map(|s| s.task().task_id),
                    Err(e) => self.fail(format!("get: {e}")),
                };
                let want = self
                    .model
                    .find(&id, session)
                    .map(|i| self.model.tasks[i].task.task_id);
                check_eq!(self, got, want, "visibility of {id:?} to {session:?}");
            }
        }
    }
}

/// Runs every sequence of one configuration, or only the seed in `STORE_MODEL_SEED`.
fn run_all(config: StoreConfig, seed_base: u64) {
    let seeds: Vec<u64> = match std::env::var("STORE_MODEL_SEED") {
        Ok(text) => vec![text.parse().expect("STORE_MODEL_SEED is a decimal u64")],
        Err(_) => (0..SEQUENCES)
            .map(|n| seed_base.wrapping_add(n.wrapping_mul(0x9e37_79b9)))
            .collect(),
    };
    for seed in seeds {
        let mut run = Run::new(seed, config.clone());
        for op in 0..OPS {
            run.op = op;
            run.step();
        }
    }
}

#[test]
fn store_matches_model_with_default_config() {
    run_all(StoreConfig::default(), 0x5eed_0001);
}

#[test]
fn store_matches_model_with_zero_min_ttl_max_ttl_and_small_pages() {
    let config = StoreConfig {
        page_size: 3,
        min_ttl: 0,
        max_ttl: Some(50_000),
        ..StoreConfig::default()
    };
    run_all(config, 0x5eed_0002);
}

#[test]
fn store_matches_model_with_single_item_pages() {
    let config = StoreConfig {
        page_size: 1,
        min_ttl: 10,
        ..StoreConfig::default()
    };
    run_all(config, 0x5eed_0003);
}
