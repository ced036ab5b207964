//! `TaskRules`: the core's rules for a store whose records live elsewhere (the Redis store,
//! `mcp-task-store-wasm/redis`).
//!
//! Such a store keeps each [`TaskRecord`] as JSON text. For every call it reads the text,
//! asks a method here what the core decides (a new record, a Task to show, or a rejection
//! with the same error the in-memory store gives), and writes the new text back if the
//! record's `version` is still the one it read. Nothing here holds a task: the methods are
//! the core's pure rules plus argument checks, so the JS store keeps no rule of its own,
//! only keys, scripts and connections.
//!
//! Every method that decides on a record returns a *decision* object: `text` (the record as
//! JSON, to write), `previous` (the version read; 0 for a new task), `version`, `deadline`
//! (ms, or `null`), `task` (a fresh wire Task), `owner`, `seq`, `terminal`, and `event` (the
//! frozen event of the change, as the in-memory store emits it) when something changed, with
//! `code`: the change as a short string which, followed by `text`, is the message that
//! tells other processes of the change ([`TaskRules::from_message`]).

use std::sync::Arc;

use wasm_bindgen::prelude::*;

use super::args::{self, count, describe, is_absent};
use super::error::{internal, throw_on_err};
use super::events::{end_watch, make_watch, removed_error, timeout_error};
use super::json::sized_object_copy;
use super::queue::{max_size_arg, queued_message};
use super::task_store::{
    config_from, create_params, outcome_arg, request_id_arg, status_arg, wait_options,
    watch_options,
};
use super::task_view::task_object;
use super::timer::now;
use crate::core::{
    cursor, params, visible_to, ChangeKind, CursorKey, IdSource, RemovalReason, StoreConfig,
    StoreError, TaskId, TaskRecord,
};

#[wasm_bindgen(module = "/src/wasm/helpers.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeDecision)]
    fn make_decision(
        text: &str,
        previous: f64,
        version: f64,
        deadline: &JsValue,
        task: &JsValue,
        owner: &JsValue,
        seq: f64,
        terminal: bool,
        event: &JsValue,
        code: &str,
    ) -> JsValue;
    #[wasm_bindgen(js_name = makeEvent)]
    fn make_event(kind: u8, task: &JsValue, reason: u8) -> JsValue;
    #[wasm_bindgen(js_name = jsonText)]
    fn json_text(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = parseJsonText)]
    fn parse_json_text(text: &str) -> JsValue;
}

/// The core's rules, for a JS store that keeps its records elsewhere.
#[wasm_bindgen]
pub struct TaskRules {
    config: StoreConfig,
    cursor_key: CursorKey,
    ids: IdSource,
    on_error: JsValue,
}

/// The code of a change: its event's kind and removal reason (0 when not a removal).
fn kind_code(kind: ChangeKind) -> (u8, u8) {
    match kind {
        ChangeKind::Created => (0, 0),
        ChangeKind::Status => (1, 0),
        ChangeKind::Result => (2, 0),
        ChangeKind::Removed(reason) => (
            3,
            match reason {
                RemovalReason::Expired => 0,
                RemovalReason::Deleted => 1,
                RemovalReason::Cleared => 2,
            },
        ),
    }
}

/// A removal reason by its name (`RemovalReason::as_str`).
fn removal_reason(name: &str) -> Option<RemovalReason> {
    [
        RemovalReason::Expired,
        RemovalReason::Deleted,
        RemovalReason::Cleared,
    ]
    .into_iter()
    .find(|r| r.as_str() == name)
}

fn kind_from_code(kind: u8, reason: u8) -> Option<ChangeKind> {
    Some(match (kind, reason) {
        (0, _) => ChangeKind::Created,
        (1, _) => ChangeKind::Status,
        (2, _) => ChangeKind::Result,
        (3, 0) => ChangeKind::Removed(RemovalReason::Expired),
        (3, 1) => ChangeKind::Removed(RemovalReason::Deleted),
        (3, 2) => ChangeKind::Removed(RemovalReason::Cleared),
        _ => return None,
    })
}

/// A record read back from storage, checked: JSON of a record whose fields hold together
/// and whose id is `task_id` (when given). Anything else is damage (-32603).
fn parse_record(text: &str, task_id: Option<&str>) -> Result<TaskRecord, StoreError> {
    let damaged = |why: String| internal(format!("a stored task record is damaged: {why}"));
    let record = TaskRecord::from_json(text).map_err(|e| damaged(e.to_string()))?;
    record.check_consistent().map_err(damaged)?;
    if let Some(id) = task_id {
        if record.task.task_id.to_string() != id {
            return Err(damaged(format!(
                "it holds task {} under the key of {id}",
                record.task.task_id
            )));
        }
    }
    Ok(record)
}

/// The stored text argument: a string, or `null`/`undefined` for "no such record".
fn text_arg(value: &JsValue) -> Result<Option<String>, StoreError> {
    if is_absent(value) {
        Ok(None)
    } else {
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| internal(format!("a stored record read as {}", describe(value))))
    }
}

/// A session argument: absent, or a well-formed non-empty string.
fn session_arg(value: &JsValue) -> Result<Option<String>, StoreError> {
    let session = args::opt_exact_string("sessionId", value)?;
    params::session(session.as_deref())?;
    Ok(session)
}

/// A count the JS store read from storage (a sequence number, a number of tasks).
fn stored_count(name: &str, n: f64) -> Result<u64, StoreError> {
    count(name, n).map_err(|_| {
        internal(format!(
            "{name} read from storage is {}",
            crate::numbers::js_number(n)
        ))
    })
}

impl TaskRules {
    /// The decision object for `record` after a change of `kind` (`None`: a read).
    fn decision(
        &self,
        record: &TaskRecord,
        previous: u64,
        kind: Option<ChangeKind>,
    ) -> Result<JsValue, StoreError> {
        let text = record.to_json();
        let task = self.task_value(record);
        let (event, code) = match kind {
            Some(kind) => {
                let (code, reason) = kind_code(kind);
                let text = if code == 3 {
                    format!("3{reason}")
                } else {
                    code.to_string()
                };
                (make_event(code, &task, reason), text)
            }
            None => (JsValue::UNDEFINED, String::new()),
        };
        Ok(make_decision(
            &text,
            previous as f64,
            record.version as f64,
            &record
                .deadline
                .map_or(JsValue::NULL, |d| JsValue::from(d as f64)),
            &task,
            &record
                .owner
                .as_deref()
                .map_or(JsValue::UNDEFINED, JsValue::from_str),
            record.seq as f64,
            record.task.status.is_terminal(),
            &event,
            &code,
        ))
    }

    fn task_value(&self, record: &TaskRecord) -> JsValue {
        task_object(&record.task)
    }

    /// The record of `task_id` that a caller of `session` may reach now, or "not found".
    fn reachable(
        &self,
        text: &JsValue,
        task_id: &str,
        session: Option<&str>,
    ) -> Result<TaskRecord, StoreError> {
        let record = match text_arg(text)? {
            Some(text) => parse_record(&text, Some(task_id))?,
            None => return Err(StoreError::not_found(task_id)),
        };
        record.check_reachable(session, now())?;
        Ok(record)
    }

    /// The decision for a stored record a caller of `session_id` may reach now (after a
    /// change of `kind`, or a read), `null` when it may not.
    fn if_reachable(
        &self,
        text: &JsValue,
        task_id: &JsValue,
        session_id: &JsValue,
        kind: Option<ChangeKind>,
    ) -> Result<JsValue, StoreError> {
        let task_id = args::string("taskId", task_id)?;
        let session = session_arg(session_id)?;
        match self.reachable(text, &task_id, session.as_deref()) {
            Ok(record) => self.decision(&record, record.version, kind),
            Err(StoreError::NotFound { .. }) => Ok(JsValue::NULL),
            Err(other) => Err(other),
        }
    }

    /// Applies `rule` to the reachable record and returns the decision.
    fn change(
        &self,
        text: &JsValue,
        task_id: &JsValue,
        session: &JsValue,
        rule: impl FnOnce(&mut TaskRecord, u64) -> Result<ChangeKind, StoreError>,
    ) -> Result<JsValue, StoreError> {
        let task_id = args::string("taskId", task_id)?;
        let session = session_arg(session)?;
        let mut record = self.reachable(text, &task_id, session.as_deref())?;
        let previous = record.version;
        let kind = rule(&mut record, now())?;
        self.decision(&record, previous, Some(kind))
    }
}

#[wasm_bindgen]
impl TaskRules {
    /// The rules under `options` (those of `InMemoryTaskStore`), with a fresh cursor key.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TaskStoreOptions | undefined")] options: JsValue,
    ) -> Result<TaskRules, JsValue> {
        let (config, on_error) = throw_on_err(config_from(&options))?;
        let cursor_key = throw_on_err(
            CursorKey::random().ok_or_else(|| internal("no random bytes for a cursor key")),
        )?;
        Ok(TaskRules {
            config,
            cursor_key,
            ids: IdSource::default(),
            on_error,
        })
    }

    /// Tasks per listing page.
    #[wasm_bindgen(getter, js_name = pageSize)]
    pub fn page_size(&self) -> f64 {
        self.config.page_size as f64
    }

    /// The `onListenerError` option (`undefined` if not given).
    #[wasm_bindgen(getter, js_name = onListenerError)]
    pub fn on_listener_error(&self) -> JsValue {
        self.on_error.clone()
    }

    /// The cursor key as hex (to share it: every process of one store must use one key).
    #[wasm_bindgen(getter, js_name = cursorKey)]
    pub fn cursor_key(&self) -> String {
        self.cursor_key.to_hex()
    }

    /// Uses the cursor key `hex` (from [`TaskRules::cursor_key`] of another process).
    #[wasm_bindgen(js_name = useCursorKey)]
    pub fn use_cursor_key(&mut self, hex: &JsValue) -> Result<(), JsValue> {
        let key = hex.as_string().and_then(|h| CursorKey::from_hex(&h));
        self.cursor_key = throw_on_err(key.ok_or_else(|| {
            internal(format!(
                "the stored cursor key is damaged: {}",
                describe(hex)
            ))
        }))?;
        Ok(())
    }

    /// Checks a `sessionId` argument; returns it (`undefined` when absent).
    pub fn session(
        &self,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<Option<String>, JsValue> {
        throw_on_err(session_arg(session_id))
    }

    /// Checks a `taskId` argument (a string, else a TypeError) and gives the canonical id a
    /// record may be stored under, or `undefined` when no task can have this id (so it is
    /// "not found" without a read).
    #[wasm_bindgen(js_name = taskKey)]
    pub fn task_key(
        &self,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
    ) -> Result<Option<String>, JsValue> {
        let text = throw_on_err(args::string("taskId", task_id))?;
        Ok(TaskId::parse(&text).map(|id| id.to_string()))
    }

    /// Checks the arguments of `createTask` (before anything is read or counted).
    #[wasm_bindgen(js_name = checkCreate)]
    pub fn check_create(
        &self,
        #[wasm_bindgen(js_name = taskParams)] task_params: &JsValue,
        #[wasm_bindgen(js_name = requestId)] request_id: &JsValue,
        request: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<Option<String>, JsValue> {
        throw_on_err((|| {
            create_params(task_params)?;
            request_id_arg(request_id)?;
            args::object("request", request)?;
            session_arg(session_id)
        })())
    }

    /// The "not found" error for `taskId` (with the in-memory store's wording).
    #[wasm_bindgen(js_name = notFound)]
    pub fn not_found(&self, #[wasm_bindgen(js_name = taskId)] task_id: &JsValue) -> JsValue {
        let id = task_id.as_string().unwrap_or_default();
        super::error::to_js_error(&StoreError::not_found(&id))
    }

    /// The error of `enqueue` on a queue holding `size` messages, `max` at most.
    #[wasm_bindgen(js_name = queueFull)]
    pub fn queue_full(&self, size: f64, max: f64) -> JsValue {
        super::error::to_js_error(&StoreError::QueueFull {
            size: size as usize,
            max: max as u64,
        })
    }

    /// The rejection of a wait on `taskId` that ended because the task left the store
    /// (`reason`: `"expired"`, `"deleted"` or `"cleared"`).
    #[wasm_bindgen(js_name = removedError)]
    pub fn removed_error(
        &self,
        #[wasm_bindgen(js_name = taskId)] task_id: &str,
        reason: &str,
    ) -> JsValue {
        removed_error(
            task_id,
            removal_reason(reason).unwrap_or(RemovalReason::Expired),
        )
    }

    /// The rejection of a wait on `taskId` whose `timeout` (ms) passed.
    #[wasm_bindgen(js_name = timeoutError)]
    pub fn timeout_error(
        &self,
        timeout: f64,
        #[wasm_bindgen(js_name = taskId)] task_id: &str,
    ) -> JsValue {
        timeout_error(timeout as u64, task_id)
    }

    /// The options of `waitForUpdate` / `waitForTerminal`, checked as the in-memory store
    /// checks them: `[sessionId, signal, timeout]` (`undefined` where absent).
    #[wasm_bindgen(js_name = waitOptions)]
    pub fn wait_options(&self, options: &JsValue) -> Result<js_sys::Array, JsValue> {
        let (session, signal, timeout) = throw_on_err(wait_options(options))?;
        throw_on_err(session_arg(&session))?;
        let timeout = timeout.map_or(JsValue::UNDEFINED, |t| JsValue::from(t as f64));
        Ok(js_sys::Array::of3(&session, &signal, &timeout))
    }

    /// The options of `watch`, checked as the in-memory store checks them, and the iterator
    /// (the in-memory store's): `[iterator, sessionId, taskId]`. The caller feeds it with
    /// [`TaskRules::push_watch`], and gives it its unsubscribe function with
    /// [`TaskRules::set_watch_off`].
    pub fn watch(&self, options: &JsValue) -> Result<js_sys::Array, JsValue> {
        let (session, task_id, signal, size) = throw_on_err(watch_options(options))?;
        throw_on_err(session_arg(&session))?;
        if !is_absent(&task_id) {
            throw_on_err(args::string("options.taskId", &task_id))?;
        }
        let iterator = make_watch(size as f64, &signal);
        Ok(js_sys::Array::of3(&iterator, &session, &task_id))
    }

    /// Hands an event to a `watch` iterator; `last` ends it after this one.
    #[wasm_bindgen(js_name = pushWatch)]
    pub fn push_watch(&self, iterator: &JsValue, event: &JsValue, last: bool) {
        super::events::push_watch(iterator, event, last);
    }

    /// Gives a `watch` iterator the function that unsubscribes it.
    #[wasm_bindgen(js_name = setWatchOff)]
    pub fn set_watch_off(&self, iterator: &JsValue, off: &JsValue) {
        super::events::set_watch_off(iterator, off);
    }

    /// Ends a `watch` iterator: it yields what it holds, then is done.
    #[wasm_bindgen(js_name = endWatch)]
    pub fn end_watch(&self, iterator: &JsValue) {
        end_watch(iterator);
    }

    /// A queued message (`{ type, message, timestamp }`) checked as the in-memory queue
    /// checks it, as JSON text to store.
    #[wasm_bindgen(js_name = messageText)]
    pub fn message_text(&self, message: &JsValue) -> Result<String, JsValue> {
        let copy = throw_on_err(queued_message(message))?;
        Ok(json_text(&copy))
    }

    /// A new task (`createTask`): the record at creation position `seq`, given that the
    /// store holds `held` tasks and the session `owned` of them.
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        &mut self,
        #[wasm_bindgen(js_name = taskParams)] task_params: &JsValue,
        #[wasm_bindgen(js_name = requestId)] request_id: &JsValue,
        request: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
        seq: f64,
        held: f64,
        owned: f64,
    ) -> Result<JsValue, JsValue> {
        throw_on_err((|| {
            let params = create_params(task_params)?;
            request_id_arg(request_id)?;
            args::object("request", request)?;
            let session = session_arg(session_id)?;
            let seq = stored_count("the creation sequence", seq)?;
            let held = stored_count("the number of tasks", held)?;
            let owned = stored_count("the number of the session's tasks", owned)?;
            self.config
                .check_room(held, session.as_ref().map(|_| owned))?;
            let id = self
                .ids
                .next_random()
                .map_err(|e| internal(format!("no random bytes for a task id: {e}")))?;
            let owner = session.map(Arc::<str>::from);
            let record = TaskRecord::create(id, params, owner, seq, &self.config, now())?;
            self.decision(&record, 0, Some(ChangeKind::Created))
        })())
    }

    /// The decision for reading a stored record (`getTask`, listing): `null` when the
    /// caller may not reach it now (gone, expired, another session's).
    pub fn read(
        &self,
        text: &JsValue,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<JsValue, JsValue> {
        throw_on_err(self.if_reachable(text, task_id, session_id, None))
    }

    /// `updateTaskStatus` on a stored record.
    #[wasm_bindgen(js_name = updateStatus)]
    pub fn update_status(
        &self,
        text: &JsValue,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
        status: &JsValue,
        #[wasm_bindgen(js_name = statusMessage)] status_message: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let args = status_arg(status)
            .and_then(|s| Ok((s, args::opt_exact_string("statusMessage", status_message)?)));
        throw_on_err(args.and_then(|(status, message)| {
            self.change(text, task_id, session_id, |record, t| {
                record.update_status(status, message, t)
            })
        }))
    }

    /// `cancelTask` on a stored record.
    pub fn cancel(
        &self,
        text: &JsValue,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
        #[wasm_bindgen(js_name = statusMessage)] status_message: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let message = args::opt_exact_string("statusMessage", status_message);
        throw_on_err(message.and_then(|message| {
            self.change(text, task_id, session_id, |record, t| {
                record.cancel(message, t)
            })
        }))
    }

    /// `storeTaskResult` on a stored record: the decision, with `result` set to the JSON
    /// text of the result to keep beside it.
    #[wasm_bindgen(js_name = storeResult)]
    pub fn store_result(
        &self,
        text: &JsValue,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
        status: &JsValue,
        result: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
        #[wasm_bindgen(js_name = statusMessage)] status_message: &JsValue,
    ) -> Result<JsValue, JsValue> {
        throw_on_err((|| {
            let outcome = outcome_arg(status)?;
            let (copy, bytes) = sized_object_copy("result", result)?;
            let message = args::opt_exact_string("statusMessage", status_message)?;
            self.config.check_result_bytes(bytes)?;
            let decision = self.change(text, task_id, session_id, |record, t| {
                record.store_result_with_message(outcome, message, t)
            })?;
            let _ = js_sys::Reflect::set(
                &decision,
                &JsValue::from_str("result"),
                &JsValue::from_str(&json_text(&copy)),
            );
            Ok(decision)
        })())
    }

    /// `getTaskResult`: the stored result (parsed from `resultText`, so the caller owns it)
    /// of a record the caller may reach and that holds one.
    pub fn result(
        &self,
        text: &JsValue,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
        #[wasm_bindgen(js_name = resultText)] result_text: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<JsValue, JsValue> {
        throw_on_err((|| {
            let task_id = args::string("taskId", task_id)?;
            let session = session_arg(session_id)?;
            let record = self.reachable(text, &task_id, session.as_deref())?;
            record.check_result()?;
            let stored = text_arg(result_text)?
                .ok_or_else(|| internal(format!("the result of task {task_id} is missing")))?;
            let value = parse_json_text(&stored);
            if value.is_object() {
                Ok(value)
            } else {
                Err(internal(format!("the result of task {task_id} is damaged")))
            }
        })())
    }

    /// The decision for removing a stored record (`deleteTask`, `cleanup`) with `reason`
    /// `"deleted"` or `"cleared"`; `null` when the caller may not reach it.
    pub fn remove(
        &self,
        text: &JsValue,
        #[wasm_bindgen(js_name = taskId)] task_id: &JsValue,
        reason: &str,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let kind = match removal_reason(reason) {
            Some(reason @ (RemovalReason::Deleted | RemovalReason::Cleared)) => {
                Ok(ChangeKind::Removed(reason))
            }
            _ => Err(internal(format!(
                "no removal reason {}",
                crate::core::json::quoted(reason)
            ))),
        };
        throw_on_err(kind.and_then(|kind| self.if_reachable(text, task_id, session_id, Some(kind))))
    }

    /// The decision for a published message (`code` and `text` of a decision, possibly of
    /// another process's): `null` for a message that is not one.
    #[wasm_bindgen(js_name = fromMessage)]
    pub fn from_message(&self, message: &str) -> JsValue {
        let bytes = message.as_bytes();
        let (kind, rest) = match bytes.first() {
            Some(b'3') => (
                bytes
                    .get(1)
                    .and_then(|r| kind_from_code(3, r.wrapping_sub(b'0'))),
                message.get(2..),
            ),
            Some(&k) => (kind_from_code(k.wrapping_sub(b'0'), 0), message.get(1..)),
            None => (None, None),
        };
        let (Some(kind), Some(rest)) = (kind, rest) else {
            return JsValue::NULL;
        };
        match parse_record(rest, None) {
            Ok(record) => self
                .decision(&record, record.version, Some(kind))
                .unwrap_or(JsValue::NULL),
            Err(_) => JsValue::NULL,
        }
    }

    /// Whether a caller of `sessionId` sees events of a task of `owner`.
    pub fn sees(
        &self,
        owner: Option<String>,
        #[wasm_bindgen(js_name = sessionId)] session_id: Option<String>,
    ) -> bool {
        visible_to(owner.as_deref(), session_id.as_deref())
    }

    /// The cursor continuing a listing after position `seq`, for `sessionId`.
    #[wasm_bindgen(js_name = cursorAfter)]
    pub fn cursor_after(
        &self,
        seq: f64,
        #[wasm_bindgen(js_name = sessionId)] session_id: Option<String>,
    ) -> String {
        self.cursor_key.encode(seq as u64, session_id.as_deref())
    }

    /// The position a listing starts at for `cursor` (absent: 0), given the next creation
    /// position `nextSeq`. Text that is not one of our cursors may be a task id (the SDK's
    /// cursors are): with `text` `undefined`, -1 asks the caller to read that task's record
    /// and call again with it (`null` if there is none).
    #[wasm_bindgen(js_name = listStart)]
    pub fn list_start(
        &self,
        cursor: &JsValue,
        #[wasm_bindgen(js_name = sessionId)] session_id: &JsValue,
        #[wasm_bindgen(js_name = nextSeq)] next_seq: f64,
        text: &JsValue,
    ) -> Result<f64, JsValue> {
        throw_on_err((|| {
            let Some(cursor) = args::opt_string("cursor", cursor)? else {
                return Ok(0.0);
            };
            let session = session_arg(session_id)?;
            let session = session.as_deref();
            let next_seq = stored_count("the creation sequence", next_seq)?;
            if text.is_undefined() && self.cursor_key.decode(&cursor, session).is_none() {
                return Ok(-1.0);
            }
            let now = now();
            let after = self.cursor_key.resolve(&cursor, session, next_seq, |id| {
                let text = text.as_string()?;
                let record = parse_record(&text, Some(id)).ok()?;
                record.check_reachable(session, now).ok()?;
                Some(record.seq)
            })?;
            Ok(cursor::start_after(Some(after)) as f64)
        })())
    }

    /// The most messages a task's queue may hold for `maxSize` (absent or `Infinity`: the
    /// store's `maxQueueSize`).
    #[wasm_bindgen(js_name = queueLimit)]
    pub fn queue_limit(
        &self,
        #[wasm_bindgen(js_name = maxSize)] max_size: &JsValue,
    ) -> Result<f64, JsValue> {
        let max = throw_on_err(max_size_arg(max_size))?;
        Ok(self.config.queue_limit(max) as f64)
    }
}
