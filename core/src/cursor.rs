//! `listTasks` cursors: opaque to clients, stable across deletions.
//!
//! A cursor names a position in creation order (the sequence number of the last task on
//! the previous page), not a task, so it stays valid when that task expires or is deleted.
//! On the wire it is `c` followed by the number in lowercase hex.
//!
//! Callers of the TypeScript SDK's store also pass a task's id as a cursor, meaning "after
//! this task"; [`resolve`] accepts both.

use super::{error::quote_input, StoreError};

/// Encodes a position as a cursor string.
pub fn encode(seq: u64) -> String {
    format!("c{seq:x}")
}

/// Decodes a cursor made by [`encode`]; `None` for anything else (including non-canonical
/// spellings such as leading zeros or uppercase).
pub fn decode(cursor: &str) -> Option<u64> {
    let hex = cursor.strip_prefix('c')?;
    let canonical = !hex.is_empty()
        && hex.len() <= 16
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && (hex == "0" || !hex.starts_with('0'));
    if canonical {
        u64::from_str_radix(hex, 16).ok()
    } else {
        None
    }
}

/// The position a listing continues after, for a cursor given by a caller.
///
/// `next_seq` is the next creation position the store will hand out (a cursor at or past it
/// was never issued). `task_seq` looks text that is not a cursor up as a task id and gives
/// that task's position if the task is live and visible to the caller; the store supplies
/// it from whatever index it has. Anything else is an invalid cursor.
pub fn resolve(
    text: &str,
    next_seq: u64,
    task_seq: impl FnOnce(&str) -> Option<u64>,
) -> Result<u64, StoreError> {
    let seq = match decode(text) {
        Some(seq) => (seq < next_seq).then_some(seq),
        None => task_seq(text),
    };
    seq.ok_or_else(|| StoreError::InvalidCursor {
        cursor: quote_input(text),
    })
}

/// Where a listing starts for an optional resolved cursor: just after it, or at 0.
pub fn start_after(after: Option<u64>) -> u64 {
    after.map_or(0, |seq| seq.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_other_spellings() {
        for seq in [0, 1, 15, 16, 255, u64::MAX] {
            assert_eq!(decode(&encode(seq)), Some(seq));
        }
        for bad in [
            "",
            "c",
            "c0f",
            "cFF",
            "x1",
            "c-1",
            "c10000000000000000",
            "cg",
            "c 1",
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn resolve_takes_issued_cursors_and_visible_task_ids() {
        let none = |_: &str| None;
        assert_eq!(resolve("c4", 5, none), Ok(4));
        assert!(resolve("c5", 5, none).is_err(), "never issued");
        assert_eq!(
            resolve("some-id", 5, |t| (t == "some-id").then_some(2)),
            Ok(2)
        );
        let err = resolve("zz", 5, none).unwrap_err();
        assert!(err.to_string().starts_with("Invalid cursor: zz"));
        assert_eq!(start_after(None), 0);
        assert_eq!(start_after(Some(3)), 4);
        assert_eq!(start_after(Some(u64::MAX)), u64::MAX);
    }
}
