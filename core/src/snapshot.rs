//! Snapshots: everything a store holds, as one value to save and to build a store from.
//!
//! A [`Snapshot`] lists the live tasks in creation order, each with its record, its result
//! and its queued messages, and keeps what makes later answers the same: the next creation
//! position and the cursor key (so a cursor handed out before a restart is still valid
//! after it), deadlines as absolute times. With the `serde` feature it is the versioned
//! JSON document every backend writes and reads (camelCase; the cursor key as hex text).
//! [`TaskStore::restore`](crate::TaskStore::restore) checks a snapshot before it builds
//! anything from it.

use super::{CursorKey, Millis, StoreConfig, StoreError, TaskRecord};
use crate::error::Param;

/// The `format` every snapshot names.
pub const SNAPSHOT_FORMAT: &str = "mcp-task-store-snapshot";
/// The format version this crate writes. It reads every version from 1 to this one.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Everything a store holds at one instant.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        rename_all = "camelCase",
        deny_unknown_fields,
        bound(deserialize = "R: serde::Deserialize<'de>, M: serde::Deserialize<'de>")
    )
)]
pub struct Snapshot<R, M = ()> {
    /// Always [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// The format version ([`SNAPSHOT_VERSION`] when written by this crate).
    pub version: u32,
    /// When it was taken (ms since the epoch).
    pub taken_at: Millis,
    /// The settings of the store it was taken from (a restore may give others).
    pub config: StoreConfig,
    /// The store's cursor secret.
    pub cursor_key: CursorKey,
    /// The creation position the next task gets.
    pub next_seq: u64,
    /// The live tasks, in creation order.
    pub tasks: Vec<SnapshotTask<R, M>>,
}

/// One task of a [`Snapshot`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        rename_all = "camelCase",
        deny_unknown_fields,
        bound(deserialize = "R: serde::Deserialize<'de>, M: serde::Deserialize<'de>")
    )
)]
pub struct SnapshotTask<R, M = ()> {
    /// The record.
    pub record: TaskRecord,
    /// Its result, exactly when `record.has_result`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub result: Option<R>,
    /// Its queued messages, oldest first.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub queue: Vec<M>,
}

/// A snapshot that cannot be restored: what is wrong, and where (`snapshot.tasks[3].record`).
pub fn invalid(path: &str, value: impl Into<String>, rule: &str) -> StoreError {
    StoreError::range_error(Param::Named(path.into()), value, rule)
}

impl<R, M> Snapshot<R, M> {
    /// Checks the parts of a snapshot that do not depend on a store: format, version, and
    /// each task's record on its own ([`TaskRecord::check_consistent`]), its result present
    /// exactly when the record says so, ids and creation positions unique and below
    /// `next_seq`.
    pub fn check(&self) -> Result<(), StoreError> {
        if self.format != SNAPSHOT_FORMAT {
            return Err(invalid(
                "snapshot.format",
                crate::json::quoted(&self.format),
                &format!("must be \"{SNAPSHOT_FORMAT}\""),
            ));
        }
        if !(1..=SNAPSHOT_VERSION).contains(&self.version) {
            return Err(invalid(
                "snapshot.version",
                self.version.to_string(),
                &format!("this version reads snapshot formats 1 to {SNAPSHOT_VERSION}"),
            ));
        }
        if self.next_seq > crate::record::MAX_COUNT {
            return Err(invalid(
                "snapshot.nextSeq",
                self.next_seq.to_string(),
                "must be at most 2^53 - 1",
            ));
        }
        let mut ids = std::collections::HashSet::with_capacity(self.tasks.len());
        let mut last_seq = None;
        for (i, entry) in self.tasks.iter().enumerate() {
            let path = format!("snapshot.tasks[{i}]");
            let record = &entry.record;
            record
                .check_consistent()
                .map_err(|why| invalid(&format!("{path}.record"), "a record", &why))?;
            if record.has_result != entry.result.is_some() {
                return Err(invalid(
                    &format!("{path}.result"),
                    if entry.result.is_some() {
                        "a result"
                    } else {
                        "none"
                    },
                    "must be present exactly when the record has a result",
                ));
            }
            if !ids.insert(record.task.task_id) {
                return Err(invalid(
                    &format!("{path}.record.task.taskId"),
                    record.task.task_id.to_string(),
                    "must be unique: the id appears twice",
                ));
            }
            if record.seq >= self.next_seq || last_seq.is_some_and(|last| record.seq <= last) {
                return Err(invalid(
                    &format!("{path}.record.seq"),
                    record.seq.to_string(),
                    "must increase from task to task and stay below nextSeq",
                ));
            }
            last_seq = Some(record.seq);
        }
        Ok(())
    }
}
