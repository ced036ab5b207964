//! `listTasks` cursors: opaque to clients, stable across deletions.
//!
//! A cursor names a position in creation order (the sequence number of the last task on
//! the previous page), not a task, so it stays valid when that task expires or is deleted.
//! On the wire it is `c` followed by the number in lowercase hex.

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
}
