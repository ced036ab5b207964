//! `listTasks` cursors: opaque to clients, stable across deletions, bound to the session
//! they were handed to.
//!
//! A cursor names a position in creation order (the sequence number of the last task on
//! the previous page), not a task, so it stays valid when that task expires or is deleted.
//! On the wire the position is enciphered under the store's secret [`CursorKey`] and the
//! caller's session, and carries a tag: a session cannot read from its cursors how many
//! tasks other sessions created, and a cursor handed to one session is an invalid cursor
//! for any other (calls without a session are a session of their own here). A cursor is 24
//! lowercase hex digits.
//!
//! Callers of the TypeScript SDK's store also pass a task's id as a cursor, meaning "after
//! this task"; [`CursorKey::resolve`] accepts both.

#![allow(deprecated)] // `SipHasher`: std's keyed SipHash-2-4, all a cursor needs.

use std::hash::{Hasher, SipHasher};

use super::{error::quote_input, StoreError};

/// The secret a store enciphers and tags its cursors with. A store draws a random one
/// (feature `random`); a backend that shares tasks between processes shares the key too,
/// and a snapshot keeps it so cursors survive a restart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CursorKey(pub [u64; 2]);

/// As 32 lowercase hex digits (JSON numbers cannot carry 64 bits exactly).
#[cfg(feature = "serde")]
impl serde::Serialize for CursorKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CursorKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        CursorKey::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("a cursor key is 32 lowercase hex digits"))
    }
}

/// Hex digits of a cursor: 16 for the enciphered position, 8 for the tag.
const CURSOR_LEN: usize = 24;
/// Rounds of the Feistel network that enciphers a position.
const ROUNDS: u8 = 4;

impl CursorKey {
    /// A key from the operating system's random source, or `None` if it failed.
    #[cfg(feature = "random")]
    pub fn random() -> Option<CursorKey> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).ok()?;
        let (a, b) = bytes.split_at(8);
        Some(CursorKey([
            u64::from_le_bytes(a.try_into().ok()?),
            u64::from_le_bytes(b.try_into().ok()?),
        ]))
    }

    /// The key written as 32 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        format!("{:016x}{:016x}", self.0[0], self.0[1])
    }

    /// A key from [`CursorKey::to_hex`]'s text; `None` for anything else.
    pub fn from_hex(text: &str) -> Option<CursorKey> {
        let canonical = text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !canonical {
            return None;
        }
        Some(CursorKey([
            u64::from_str_radix(text.get(..16)?, 16).ok()?,
            u64::from_str_radix(text.get(16..)?, 16).ok()?,
        ]))
    }

    /// A keyed hash of (`domain`, `session`, `value`).
    fn mix(&self, domain: u8, session: Option<&str>, value: u64) -> u64 {
        let mut h = SipHasher::new_with_keys(self.0[0], self.0[1]);
        h.write_u8(domain);
        match session {
            // The length first, so no two (session, value) pairs feed the same bytes.
            Some(name) => {
                h.write_u8(1);
                h.write_u64(name.len() as u64);
                h.write(name.as_bytes());
            }
            None => h.write_u8(0),
        }
        h.write_u64(value);
        h.finish()
    }

    fn round(&self, i: u8, session: Option<&str>, half: u32) -> u32 {
        self.mix(i, session, u64::from(half)) as u32
    }

    /// The cursor for position `seq`, as handed to `session`.
    pub fn encode(&self, seq: u64, session: Option<&str>) -> String {
        let (mut left, mut right) = ((seq >> 32) as u32, seq as u32);
        for i in 0..ROUNDS {
            (left, right) = (right, left ^ self.round(i, session, right));
        }
        let sealed = (u64::from(left) << 32) | u64::from(right);
        let tag = self.mix(ROUNDS, session, sealed) as u32;
        format!("{sealed:016x}{tag:08x}")
    }

    /// The position in a cursor made by [`CursorKey::encode`] for this `session`; `None` for
    /// anything else (another session's cursor, another store's, a non-canonical spelling).
    pub fn decode(&self, cursor: &str, session: Option<&str>) -> Option<u64> {
        let canonical = cursor.len() == CURSOR_LEN
            && cursor
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !canonical {
            return None;
        }
        let sealed = u64::from_str_radix(cursor.get(..16)?, 16).ok()?;
        let tag = u32::from_str_radix(cursor.get(16..)?, 16).ok()?;
        if self.mix(ROUNDS, session, sealed) as u32 != tag {
            return None;
        }
        let (mut left, mut right) = ((sealed >> 32) as u32, sealed as u32);
        for i in (0..ROUNDS).rev() {
            (left, right) = (right ^ self.round(i, session, left), left);
        }
        Some((u64::from(left) << 32) | u64::from(right))
    }

    /// The position a listing continues after, for a cursor given by a caller of `session`.
    ///
    /// `next_seq` is the next creation position the store will hand out (a cursor at or
    /// past it was never issued). `task_seq` looks text that is not a cursor up as a task
    /// id and gives that task's position if the task is live and visible to the caller; the
    /// store supplies it from whatever index it has. Anything else is an invalid cursor.
    pub fn resolve(
        &self,
        text: &str,
        session: Option<&str>,
        next_seq: u64,
        task_seq: impl FnOnce(&str) -> Option<u64>,
    ) -> Result<u64, StoreError> {
        let seq = match self.decode(text, session) {
            Some(seq) => (seq < next_seq).then_some(seq),
            None => task_seq(text),
        };
        seq.ok_or_else(|| StoreError::InvalidCursor {
            cursor: quote_input(text),
        })
    }
}

/// Where a listing starts for an optional resolved cursor: just after it, or at 0.
pub fn start_after(after: Option<u64>) -> u64 {
    after.map_or(0, |seq| seq.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: CursorKey = CursorKey([0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210]);

    #[test]
    fn cursors_round_trip_per_session_and_reject_other_spellings() {
        for seq in [0, 1, 15, 16, 255, 1 << 32, u64::MAX] {
            for session in [None, Some("a"), Some("b"), Some("")] {
                let text = KEY.encode(seq, session);
                assert_eq!(text.len(), CURSOR_LEN);
                assert_eq!(KEY.decode(&text, session), Some(seq));
            }
        }
        let text = KEY.encode(7, Some("a"));
        assert_eq!(KEY.decode(&text, Some("b")), None, "another session's");
        assert_eq!(
            KEY.decode(&text, None),
            None,
            "a session's, used without one"
        );
        assert_eq!(
            CursorKey([1, 2]).decode(&text, Some("a")),
            None,
            "another store's"
        );
        for bad in [
            String::new(),
            "c1".into(),
            text.to_uppercase(),
            format!("{text}0"),
            text[1..].into(),
            format!(" {}", &text[1..]),
        ] {
            assert_eq!(KEY.decode(&bad, Some("a")), None, "{bad}");
        }
        // Every single-digit change breaks the tag or the position's range check.
        let mut forged = 0;
        for i in 0..CURSOR_LEN {
            let mut bytes = text.clone().into_bytes();
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            let changed = String::from_utf8(bytes).unwrap();
            forged += usize::from(KEY.decode(&changed, Some("a")).is_some());
        }
        assert_eq!(forged, 0);
    }

    #[test]
    fn cursors_reveal_nothing_of_their_order() {
        // Consecutive positions give unrelated cursors, and the same position differs per session.
        let a: Vec<String> = (0..4).map(|s| KEY.encode(s, Some("a"))).collect();
        assert!(a.windows(2).all(|w| w[0][..16] != w[1][..16]));
        assert_ne!(KEY.encode(3, Some("a")), KEY.encode(3, Some("b")));
        let common = a[0]
            .bytes()
            .zip(a[1].bytes())
            .take_while(|(x, y)| x == y)
            .count();
        assert!(common < 8, "{} / {}", a[0], a[1]);
    }

    #[test]
    fn resolve_takes_issued_cursors_and_visible_task_ids() {
        let none = |_: &str| None;
        assert_eq!(KEY.resolve(&KEY.encode(4, None), None, 5, none), Ok(4));
        assert!(
            KEY.resolve(&KEY.encode(5, None), None, 5, none).is_err(),
            "never issued"
        );
        assert_eq!(
            KEY.resolve("some-id", None, 5, |t| (t == "some-id").then_some(2)),
            Ok(2)
        );
        let err = KEY.resolve("zz", None, 5, none).unwrap_err();
        assert!(err.to_string().starts_with("Invalid cursor: zz"));
        assert_eq!(start_after(None), 0);
        assert_eq!(start_after(Some(3)), 4);
        assert_eq!(start_after(Some(u64::MAX)), u64::MAX);
    }
}
