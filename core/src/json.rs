//! The JSON text of records and snapshots, written and read by hand (no serde).
//!
//! The shape is the one the `serde` feature derives: camelCase fields in declaration order,
//! `null` for an absent optional value, the task id and the cursor key as strings, and in a
//! snapshot's task no `result` when there is none and no `queue` when it is empty. The text
//! is compact and escaped as JS `JSON.stringify` escapes strings, so a record written here
//! is byte for byte what `JSON.stringify` makes of the same object (and what `serde_json`
//! writes). A backend that keeps records as text ([`TaskRecord::to_json`],
//! [`TaskRecord::from_json`]) or saves snapshots ([`Snapshot::write_json`],
//! [`Snapshot::from_json`]) needs no serde for it; the wasm binding uses this.
//!
//! Reading accepts any JSON text of that shape: whitespace anywhere, fields in any order
//! (the last of a repeated one wins), unknown fields ignored (the `serde` derive rejects
//! them), an absent optional field read as `null`, and in [`StoreConfig`] an absent field
//! read as its default. Integers must be whole numbers from 0 to 2^53 - 1 (`1e3` and `2.0`
//! are whole numbers); a lone surrogate escape (`"\ud800"`) reads as U+FFFD. A value of
//! the wrong type, or text that is not JSON, is a [`JsonError`] naming the field
//! (`tasks[1].record.seq`). Nothing here recurses on the input's nesting: a value of any
//! depth (a snapshot's results and messages, an unknown field) is checked and skipped with
//! an explicit stack.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::{CursorKey, Snapshot, SnapshotTask, StoreConfig, Task, TaskId, TaskRecord, TaskStatus};

/// JSON text that is not what was expected: where (`tasks[1].record.seq`; empty for the
/// whole text) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    path: String,
    why: String,
}

impl JsonError {
    fn new(why: impl Into<String>) -> JsonError {
        JsonError {
            path: String::new(),
            why: why.into(),
        }
    }

    /// The same error, one level further out: inside field `key`.
    fn in_field(mut self, key: &str) -> JsonError {
        self.path = match self.path.as_bytes().first() {
            None => key.to_string(),
            Some(b'[') => format!("{key}{}", self.path),
            Some(_) => format!("{key}.{}", self.path),
        };
        self
    }

    /// The same error, one level further out: inside item `index` of an array.
    fn in_item(mut self, index: usize) -> JsonError {
        self.path = match self.path.as_bytes().first() {
            None => format!("[{index}]"),
            Some(b'[') => format!("[{index}]{}", self.path),
            Some(_) => format!("[{index}].{}", self.path),
        };
        self
    }

    /// Where: the field's path from the top (`tasks[1].record.seq`), empty for the whole text.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn why(&self) -> &str {
        &self.why
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.why)
        } else {
            write!(f, "{}: {}", self.path, self.why)
        }
    }
}

impl std::error::Error for JsonError {}

/// `text[from..to]`, where both ends are known to fall before or after an ASCII byte (the
/// empty string otherwise, which cannot happen): no panicking slice, whose message
/// formatting would add some 4 KB to a wasm module.
fn part(text: &str, from: usize, to: usize) -> &str {
    text.get(from..to).unwrap_or_default()
}

/// The largest integer a field holds (2^53 - 1: exact as a JS number).
const MAX_INTEGER: u64 = 9_007_199_254_740_991;

// ---- writing ----

/// Appends `text` as a JSON string, escaped as `JSON.stringify` escapes it.
pub fn push_string(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(part(text, start, i));
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(part(text, start, text.len()));
    out.push('"');
}

/// `text` as a JSON string literal, for a message: `"a\"b"` (what `{:?}` gives for most text,
/// without the Debug machinery in a wasm module).
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_string(&mut out, text);
    out
}

/// `value` for a message: the number, or `null`.
pub fn number_or_null(value: Option<u64>) -> String {
    let mut out = String::new();
    push_opt_u64(&mut out, value);
    out
}

/// Appends `n` in decimal.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// Appends `"key":` (after a `,` unless it is the object's first field).
fn push_key(out: &mut String, key: &str, first: bool) {
    if !first {
        out.push(',');
    }
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
}

fn push_opt_u64(out: &mut String, value: Option<u64>) {
    match value {
        Some(n) => push_u64(out, n),
        None => out.push_str("null"),
    }
}

fn push_opt_string(out: &mut String, value: Option<&str>) {
    match value {
        Some(text) => push_string(out, text),
        None => out.push_str("null"),
    }
}

impl Task {
    fn write_json(&self, out: &mut String) {
        push_key(out, "taskId", true);
        out.push('"');
        out.push_str(&self.task_id.to_string());
        out.push('"');
        push_key(out, "status", false);
        push_string(out, self.status.as_str());
        push_key(out, "statusMessage", false);
        push_opt_string(out, self.status_message.as_deref());
        push_key(out, "createdAt", false);
        push_u64(out, self.created_at);
        push_key(out, "lastUpdatedAt", false);
        push_u64(out, self.last_updated_at);
        push_key(out, "ttl", false);
        push_opt_u64(out, self.ttl);
        push_key(out, "pollInterval", false);
        push_u64(out, self.poll_interval);
    }
}

impl TaskRecord {
    /// The record as compact JSON text (see the [module](self) documentation).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write_json(&mut out);
        out
    }

    /// Appends the record as compact JSON text.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"task\":{");
        self.task.write_json(out);
        out.push('}');
        push_key(out, "owner", false);
        push_opt_string(out, self.owner.as_deref());
        push_key(out, "seq", false);
        push_u64(out, self.seq);
        push_key(out, "deadline", false);
        push_opt_u64(out, self.deadline);
        push_key(out, "version", false);
        push_u64(out, self.version);
        push_key(out, "hasResult", false);
        out.push_str(if self.has_result { "true" } else { "false" });
        out.push('}');
    }

    /// A record from JSON text of its shape. The fields are read, not checked against
    /// each other: see [`TaskRecord::check_consistent`].
    pub fn from_json(text: &str) -> Result<TaskRecord, JsonError> {
        let mut reader = Reader::new(text);
        let record = reader.record()?;
        reader.end()?;
        Ok(record)
    }
}

impl StoreConfig {
    fn write_json(&self, out: &mut String) {
        push_key(out, "pageSize", true);
        push_u64(out, self.page_size as u64);
        push_key(out, "defaultPollInterval", false);
        push_u64(out, self.default_poll_interval);
        push_key(out, "minTtl", false);
        push_u64(out, self.min_ttl);
        push_key(out, "maxTtl", false);
        push_opt_u64(out, self.max_ttl);
        push_key(out, "maxTasks", false);
        push_u64(out, self.max_tasks);
        push_key(out, "maxTasksPerSession", false);
        push_u64(out, self.max_tasks_per_session);
        push_key(out, "maxResultBytes", false);
        push_u64(out, self.max_result_bytes);
        push_key(out, "maxQueueSize", false);
        push_u64(out, self.max_queue_size);
    }
}

impl<R, M> Snapshot<R, M> {
    /// Appends the snapshot as compact JSON text; `result` and `message` append the JSON
    /// text of a task's result and of one queued message.
    pub fn write_json(
        &self,
        out: &mut String,
        mut result: impl FnMut(&R, &mut String),
        mut message: impl FnMut(&M, &mut String),
    ) {
        out.push('{');
        push_key(out, "format", true);
        push_string(out, &self.format);
        push_key(out, "version", false);
        push_u64(out, u64::from(self.version));
        push_key(out, "takenAt", false);
        push_u64(out, self.taken_at);
        push_key(out, "config", false);
        out.push('{');
        self.config.write_json(out);
        out.push('}');
        push_key(out, "cursorKey", false);
        push_string(out, &self.cursor_key.to_hex());
        push_key(out, "nextSeq", false);
        push_u64(out, self.next_seq);
        push_key(out, "tasks", false);
        out.push('[');
        for (i, task) in self.tasks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"record\":");
            task.record.write_json(out);
            if let Some(value) = &task.result {
                push_key(out, "result", false);
                result(value, out);
            }
            if !task.queue.is_empty() {
                push_key(out, "queue", false);
                out.push('[');
                for (j, value) in task.queue.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    message(value, out);
                }
                out.push(']');
            }
            out.push('}');
        }
        out.push_str("]}");
    }
}

impl<'a> Snapshot<&'a str, &'a str> {
    /// A snapshot from JSON text of its shape, each result and queued message as the JSON
    /// text it is in `text` (checked to be JSON, of any type). Only the shape is checked
    /// here: see [`Snapshot::check`].
    pub fn from_json(text: &'a str) -> Result<Self, JsonError> {
        let mut reader = Reader::new(text);
        let snapshot = reader.snapshot()?;
        reader.end()?;
        Ok(snapshot)
    }
}

// ---- reading ----

/// A field that must be present.
fn required<T>(value: Option<T>, key: &str) -> Result<T, JsonError> {
    value.ok_or_else(|| JsonError::new("missing").in_field(key))
}

/// A pull reader over JSON text: each method reads one value at the current position.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Reader<'a> {
        Reader { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte after whitespace (not consumed).
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
        self.bytes().get(self.pos).copied()
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{}'", char::from(byte))))
        }
    }

    /// The error for what is next where `expected` should be.
    fn unexpected(&mut self, expected: &str) -> JsonError {
        JsonError::new(format!("expected {expected}, found {}", self.found()))
    }

    /// What is next, for a message: `a string at offset 12`.
    fn found(&mut self) -> String {
        let what = match self.peek() {
            None => "the end of the text",
            Some(b'"') => "a string",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(_) => "text that is not JSON",
        };
        format!("{what} at offset {}", self.pos)
    }

    /// The end of the text: nothing but whitespace after the value.
    fn end(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected("the end of the text")),
        }
    }

    /// Consumes `null` if it is next.
    fn null(&mut self) -> bool {
        let next = self.peek() == Some(b'n') && self.bytes()[self.pos..].starts_with(b"null");
        if next {
            self.pos += 4;
        }
        next
    }

    /// Reads an object, calling `field` with each key; `field` reads the value (or skips it).
    fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &str) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        if self.peek() != Some(b'{') {
            return Err(self.unexpected("an object"));
        }
        self.pos += 1;
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            field(self, &key).map_err(|e| e.in_field(&key))?;
            if !self.eat(b',') {
                return self.expect(b'}');
            }
        }
    }

    /// Reads an array, calling `item` for each value with its index.
    fn array(
        &mut self,
        mut item: impl FnMut(&mut Self, usize) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        if self.peek() != Some(b'[') {
            return Err(self.unexpected("an array"));
        }
        self.pos += 1;
        if self.eat(b']') {
            return Ok(());
        }
        let mut index = 0;
        loop {
            item(self, index).map_err(|e| e.in_item(index))?;
            index += 1;
            if !self.eat(b',') {
                return self.expect(b']');
            }
        }
    }

    /// Reads a string.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        self.pos += 1;
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&b) = bytes.get(self.pos) else {
                return Err(JsonError::new("a string is not closed"));
            };
            match b {
                b'"' => {
                    let last = part(text, run, self.pos);
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(last),
                        Some(mut s) => {
                            s.push_str(last);
                            Cow::Owned(s)
                        }
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(part(text, run, self.pos));
                    self.pos += 1;
                    let escaped = match bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let unit = self.hex4()?;
                            let c = self.code_point(unit)?;
                            self.pos -= 1;
                            c
                        }
                        _ => {
                            return Err(JsonError::new(format!(
                                "a bad escape in a string at offset {}",
                                self.pos
                            )))
                        }
                    };
                    s.push(escaped);
                    self.pos += 1;
                    run = self.pos;
                }
                0..=0x1f => {
                    return Err(JsonError::new(format!(
                        "a control character in a string at offset {}",
                        self.pos
                    )))
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Four hex digits at the current position (consumed): a UTF-16 code unit.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.bytes().get(self.pos..self.pos + 4);
        let unit = digits.and_then(|d| {
            d.iter()
                .try_fold(0u32, |n, &b| Some(n * 16 + char::from(b).to_digit(16)?))
        });
        self.pos += 4;
        unit.ok_or_else(|| JsonError::new("a bad \\u escape in a string"))
    }

    /// The character of the code unit `unit` just read, with its low surrogate (`\uDC00`
    /// to `\uDFFF`, consumed) if it is a high one; a lone surrogate is U+FFFD, as a JS
    /// string holding one becomes in UTF-8.
    fn code_point(&mut self, unit: u32) -> Result<char, JsonError> {
        if (0xD800..0xDC00).contains(&unit) && self.bytes()[self.pos..].starts_with(b"\\u") {
            let back = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = back;
        }
        Ok(char::from_u32(unit).unwrap_or('\u{FFFD}'))
    }

    /// A number token (checked against JSON's grammar), consumed.
    fn number_token(&mut self) -> Result<&'a str, JsonError> {
        self.peek();
        let bytes = self.bytes();
        let start = self.pos;
        let digits = |pos: &mut usize| {
            let from = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos > from
        };
        let mut pos = start;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        let int_start = pos;
        let mut ok = digits(&mut pos) && (bytes[int_start] != b'0' || pos == int_start + 1);
        if ok && bytes.get(pos) == Some(&b'.') {
            pos += 1;
            ok = digits(&mut pos);
        }
        if ok && matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            ok = digits(&mut pos);
        }
        if !ok {
            return Err(self.unexpected("a value"));
        }
        self.pos = pos;
        Ok(part(self.text, start, pos))
    }

    /// An integer from 0 to `max` (at most 2^53 - 1), written as any JSON number whose
    /// value is that integer.
    fn uint(&mut self, max: u64) -> Result<u64, JsonError> {
        let rule = || {
            if max == MAX_INTEGER {
                "expected an integer from 0 to 2^53 - 1".to_string()
            } else {
                format!("expected an integer from 0 to {max}")
            }
        };
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(JsonError::new(format!(
                "{}, found {}",
                rule(),
                self.found()
            )));
        }
        let token = self.number_token()?;
        whole_number(token)
            .filter(|&n| n <= max)
            .ok_or_else(|| JsonError::new(format!("{}, found {token}", rule())))
    }

    fn opt_uint(&mut self) -> Result<Option<u64>, JsonError> {
        if self.null() {
            Ok(None)
        } else {
            self.uint(MAX_INTEGER).map(Some)
        }
    }

    fn opt_string(&mut self) -> Result<Option<Cow<'a, str>>, JsonError> {
        if self.null() {
            Ok(None)
        } else {
            self.string().map(Some)
        }
    }

    fn boolean(&mut self) -> Result<bool, JsonError> {
        if self.peek() == Some(b't') && self.bytes()[self.pos..].starts_with(b"true") {
            self.pos += 4;
            Ok(true)
        } else if self.peek() == Some(b'f') && self.bytes()[self.pos..].starts_with(b"false") {
            self.pos += 5;
            Ok(false)
        } else {
            Err(self.unexpected("true or false"))
        }
    }

    /// Checks one JSON value of any shape and depth and returns its text (no recursion: the
    /// open containers are a stack of their closing bytes).
    fn skip(&mut self) -> Result<&'a str, JsonError> {
        self.peek();
        let start = self.pos;
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value.
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    if !self.eat(b'}') {
                        open.push(b'}');
                        self.string()?;
                        self.expect(b':')?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    if !self.eat(b']') {
                        open.push(b']');
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b't' | b'f') => {
                    self.boolean()?;
                }
                _ => {
                    if !self.null() {
                        self.number_token()?;
                    }
                }
            }
            // What follows it: the next item or field of its container, or the container's end.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(part(self.text, start, self.pos));
                };
                if self.eat(b',') {
                    if close == b'}' {
                        self.string()?;
                        self.expect(b':')?;
                    }
                    break;
                }
                self.expect(close)?;
                open.pop();
            }
        }
    }

    fn task(&mut self) -> Result<Task, JsonError> {
        let (mut task_id, mut status, mut message) = (None, None, None);
        let (mut created, mut updated, mut ttl, mut poll) = (None, None, None, None);
        self.object(|r, key| {
            match key {
                "taskId" => {
                    let text = r.string()?;
                    task_id = Some(TaskId::parse(&text).ok_or_else(|| {
                        JsonError::new(format!(
                            "not a task id (a lowercase hyphenated UUID): {}",
                            super::error::quote_input(&text)
                        ))
                    })?);
                }
                "status" => {
                    let text = r.string()?;
                    status = Some(TaskStatus::from_wire(&text).ok_or_else(|| {
                        JsonError::new(format!(
                            "not a status: {}",
                            quoted(&super::error::quote_input(&text))
                        ))
                    })?);
                }
                "statusMessage" => message = Some(r.opt_string()?.map(Cow::into_owned)),
                "createdAt" => created = Some(r.uint(MAX_INTEGER)?),
                "lastUpdatedAt" => updated = Some(r.uint(MAX_INTEGER)?),
                "ttl" => ttl = Some(r.opt_uint()?),
                "pollInterval" => poll = Some(r.uint(MAX_INTEGER)?),
                _ => {
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(Task {
            task_id: required(task_id, "taskId")?,
            status: required(status, "status")?,
            status_message: message.flatten(),
            created_at: required(created, "createdAt")?,
            last_updated_at: required(updated, "lastUpdatedAt")?,
            ttl: ttl.flatten(),
            poll_interval: required(poll, "pollInterval")?,
        })
    }

    fn record(&mut self) -> Result<TaskRecord, JsonError> {
        let (mut task, mut owner, mut seq, mut deadline) = (None, None, None, None);
        let (mut version, mut has_result) = (None, None);
        self.object(|r, key| {
            match key {
                "task" => task = Some(r.task()?),
                "owner" => owner = Some(r.opt_string()?.map(|s| Arc::<str>::from(&*s))),
                "seq" => seq = Some(r.uint(MAX_INTEGER)?),
                "deadline" => deadline = Some(r.opt_uint()?),
                "version" => version = Some(r.uint(MAX_INTEGER)?),
                "hasResult" => has_result = Some(r.boolean()?),
                _ => {
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(TaskRecord {
            task: required(task, "task")?,
            owner: owner.flatten(),
            seq: required(seq, "seq")?,
            deadline: deadline.flatten(),
            version: required(version, "version")?,
            has_result: required(has_result, "hasResult")?,
        })
    }

    /// Settings; an absent field is its default.
    fn config(&mut self) -> Result<StoreConfig, JsonError> {
        let mut config = StoreConfig::default();
        self.object(|r, key| {
            match key {
                "pageSize" => {
                    let max = u64::try_from(usize::MAX).map_or(MAX_INTEGER, |m| m.min(MAX_INTEGER));
                    config.page_size = usize::try_from(r.uint(max)?).unwrap_or(usize::MAX);
                }
                "defaultPollInterval" => config.default_poll_interval = r.uint(MAX_INTEGER)?,
                "minTtl" => config.min_ttl = r.uint(MAX_INTEGER)?,
                "maxTtl" => config.max_ttl = r.opt_uint()?,
                "maxTasks" => config.max_tasks = r.uint(MAX_INTEGER)?,
                "maxTasksPerSession" => config.max_tasks_per_session = r.uint(MAX_INTEGER)?,
                "maxResultBytes" => config.max_result_bytes = r.uint(MAX_INTEGER)?,
                "maxQueueSize" => config.max_queue_size = r.uint(MAX_INTEGER)?,
                _ => {
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(config)
    }

    fn snapshot_task(&mut self) -> Result<SnapshotTask<&'a str, &'a str>, JsonError> {
        let (mut record, mut result, mut queue) = (None, None, Vec::new());
        self.object(|r, key| {
            match key {
                "record" => record = Some(r.record()?),
                "result" => result = if r.null() { None } else { Some(r.skip()?) },
                "queue" => {
                    queue.clear();
                    r.array(|r, _| {
                        queue.push(r.skip()?);
                        Ok(())
                    })?;
                }
                _ => {
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(SnapshotTask {
            record: required(record, "record")?,
            result,
            queue,
        })
    }

    fn snapshot(&mut self) -> Result<Snapshot<&'a str, &'a str>, JsonError> {
        let (mut format, mut version, mut taken_at, mut config) = (None, None, None, None);
        let (mut cursor_key, mut next_seq, mut tasks) = (None, None, None);
        self.object(|r, key| {
            match key {
                "format" => format = Some(r.string()?.into_owned()),
                "version" => version = Some(r.uint(u64::from(u32::MAX))? as u32),
                "takenAt" => taken_at = Some(r.uint(MAX_INTEGER)?),
                "config" => config = Some(r.config()?),
                "cursorKey" => {
                    let text = r.string()?;
                    cursor_key = Some(CursorKey::from_hex(&text).ok_or_else(|| {
                        JsonError::new("a cursor key is 32 lowercase hex digits")
                    })?);
                }
                "nextSeq" => next_seq = Some(r.uint(MAX_INTEGER)?),
                "tasks" => {
                    let mut list = Vec::new();
                    r.array(|r, _| {
                        list.push(r.snapshot_task()?);
                        Ok(())
                    })?;
                    tasks = Some(list);
                }
                _ => {
                    r.skip()?;
                }
            }
            Ok(())
        })?;
        Ok(Snapshot {
            format: required(format, "format")?,
            version: required(version, "version")?,
            taken_at: required(taken_at, "takenAt")?,
            config: required(config, "config")?,
            cursor_key: required(cursor_key, "cursorKey")?,
            next_seq: required(next_seq, "nextSeq")?,
            tasks: required(tasks, "tasks")?,
        })
    }
}

/// The value of a JSON number token if it is a whole number from 0 to 2^53 - 1 (`-0`,
/// `1e3`, `2.50e1` included), computed exactly from its digits.
fn whole_number(token: &str) -> Option<u64> {
    let (negative, rest) = match token.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (part(rest, 0, at), part(rest, at + 1, rest.len())),
        None => (rest, "0"),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The digits without leading and trailing zeros, and the power of ten they are scaled by.
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some(0);
    }
    if negative {
        return None;
    }
    let exp_negative = exponent.starts_with('-');
    let exp_digits = exponent.trim_start_matches(['+', '-']);
    // Any exponent beyond 10^6 puts a non-zero value far outside 0..2^53 either way.
    let exp = if exp_digits.len() > 7 {
        1_000_000
    } else {
        exp_digits.parse::<i64>().ok()?
    };
    let exp = if exp_negative { -exp } else { exp };
    let scale = exp - fraction.len() as i64 + (digits.len() - trimmed.len()) as i64;
    if scale < 0 || trimmed.len() > 16 {
        return None;
    }
    let mut n: u64 = trimmed.parse().ok()?;
    for _ in 0..scale {
        n = n.checked_mul(10).filter(|&n| n <= MAX_INTEGER)?;
    }
    (n <= MAX_INTEGER).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_exactly() {
        for (token, value) in [
            ("0", Some(0)),
            ("-0", Some(0)),
            ("0.0e5", Some(0)),
            ("12", Some(12)),
            ("1e3", Some(1000)),
            ("2.50e1", Some(25)),
            ("1200e-2", Some(12)),
            ("9007199254740991", Some(MAX_INTEGER)),
            ("9007199254740992", None),
            ("1.5", None),
            ("-1", None),
            ("1e-1", None),
            ("1e400", None),
            ("1e99999999999", None),
            ("10000000000000000000000", None),
        ] {
            assert_eq!(whole_number(token), value, "{token}");
        }
    }

    #[test]
    fn strings_escape_as_json_stringify_and_read_back() {
        let mut out = String::new();
        push_string(&mut out, "a\"b\\c\n\u{1}\u{1f}é\u{2028}/");
        assert_eq!(
            out,
            r#""a\"b\\c\n\u0001\u001fé\u2028/""#.replace("\\u2028", "\u{2028}")
        );
        let mut reader = Reader::new(&out);
        assert_eq!(reader.string().unwrap(), "a\"b\\c\n\u{1}\u{1f}é\u{2028}/");
        let mut reader = Reader::new(r#""\ud83d\ude00 \ud800 \u00e9\/""#);
        assert_eq!(reader.string().unwrap(), "😀 \u{FFFD} é/");
    }

    #[test]
    fn skip_checks_any_depth_without_recursion() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut reader = Reader::new(&deep);
        assert_eq!(reader.skip().unwrap().len(), deep.len());
        for bad in [
            "[1,]",
            "{\"a\" 1}",
            "[1 2]",
            "{\"a\":}",
            "[",
            "tru",
            "01",
            "\"\\x\"",
            "{1:2}",
        ] {
            let mut reader = Reader::new(bad);
            assert!(reader.skip().and_then(|_| reader.end()).is_err(), "{bad}");
        }
        let mut reader =
            Reader::new(r#" {"a": [1, -2.5e3, "x", true, false, null, {}], "b": {"c": []}} "#);
        assert!(reader.skip().is_ok() && reader.end().is_ok());
    }
}
