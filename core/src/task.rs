//! The task model: ids and the Task object of MCP 2025-11-25.

use std::fmt;

use super::{Millis, TaskStatus};

/// A task id: a random (version 4) UUID, shown as 36 lowercase hex digits and hyphens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(uuid::Uuid);

impl TaskId {
    /// Makes a version 4 UUID from 16 random bytes (the version and variant bits are set).
    pub fn from_random_bytes(bytes: [u8; 16]) -> TaskId {
        TaskId(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }

    /// Parses the exact form this store hands out (36 characters, lowercase, hyphenated);
    /// anything else is not an id of this store.
    pub fn parse(text: &str) -> Option<TaskId> {
        if text.len() != 36 || text.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        uuid::Uuid::try_parse(text).ok().map(TaskId)
    }

    /// A fresh id from the operating system's random source.
    #[cfg(feature = "random")]
    pub fn random() -> Result<TaskId, getrandom::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        Ok(TaskId::from_random_bytes(bytes))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for TaskId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TaskId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        TaskId::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "not a task id (a lowercase hyphenated UUID): {}",
                super::error::quote_input(&text)
            ))
        })
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

/// Hashes a [`TaskId`] by its own bits. Store ids are random (version 4 UUIDs), so their
/// bytes are already as well spread as any hash; SipHash on top would only cost time.
/// Only for maps keyed by ids this store made: an attacker who chose the keys could
/// collide them.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(29) ^ u64::from_le_bytes(word);
        }
    }
}

/// Builds [`IdHasher`]s.
pub type IdHashBuilder = std::hash::BuildHasherDefault<IdHasher>;

/// Draws task ids from a random source in batches, so making an id costs one call into
/// the system (or `crypto.getRandomValues`) per batch rather than per task. The source is
/// passed in, so the core holds no platform code.
#[derive(Debug, Default)]
pub struct IdSource {
    buf: Vec<u8>,
}

impl IdSource {
    const BATCH: usize = 64;

    /// The next id, refilling the batch with `fill` (which must fill its buffer with
    /// cryptographically random bytes) when it runs out.
    pub fn next_id<E>(
        &mut self,
        fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
    ) -> Result<TaskId, E> {
        if self.buf.len() < 16 {
            let mut fresh = vec![0u8; 16 * Self::BATCH];
            fill(&mut fresh)?;
            self.buf = fresh;
        }
        let mut bytes = [0u8; 16];
        let start = self.buf.len() - 16;
        bytes.copy_from_slice(&self.buf[start..]);
        self.buf.truncate(start);
        Ok(TaskId::from_random_bytes(bytes))
    }

    /// The next id from the operating system's random source.
    #[cfg(feature = "random")]
    pub fn next_random(&mut self) -> Result<TaskId, getrandom::Error> {
        self.next_id(getrandom::fill)
    }
}

/// A task as the spec defines it: exactly the fields of the wire `Task` object (times as
/// milliseconds; [`crate::format_iso8601`] gives the wire's timestamps).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Task {
    /// Unique among this store's tasks.
    pub task_id: TaskId,
    /// Current status.
    pub status: TaskStatus,
    /// Human-readable reason for the current status, when one was given.
    pub status_message: Option<String>,
    /// When the task was created.
    pub created_at: Millis,
    /// When the task last changed (equals `created_at` until then).
    pub last_updated_at: Millis,
    /// The actual retention in milliseconds, or `None` for unlimited.
    pub ttl: Option<u64>,
    /// Suggested milliseconds between polls.
    pub poll_interval: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v4_uuids_in_canonical_form() {
        let id = TaskId::from_random_bytes([0xff; 16]);
        let text = id.to_string();
        assert_eq!(text, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(TaskId::parse(&text), Some(id));
        assert_eq!(TaskId::parse(&text.to_uppercase()), None);
        assert_eq!(TaskId::parse(&text.replace('-', "")), None);
        assert_eq!(TaskId::parse(&format!("{{{}}}", &text[..34])), None);
        assert_eq!(TaskId::parse("nonexistent"), None);
    }

    #[test]
    fn id_source_gives_distinct_ids_drawing_a_batch_at_a_time() {
        let mut source = IdSource::default();
        let mut seen = std::collections::HashSet::new();
        let (mut counter, mut fills) = (0u64, 0);
        for _ in 0..1000 {
            let id = source
                .next_id(|buf: &mut [u8]| {
                    fills += 1;
                    for chunk in buf.chunks_mut(16) {
                        counter += 1;
                        chunk[..8].copy_from_slice(&counter.to_le_bytes());
                    }
                    Ok::<(), ()>(())
                })
                .unwrap();
            assert_eq!(id.to_string().as_bytes()[14], b'4');
            assert!(seen.insert(id));
        }
        assert_eq!(fills, 1000usize.div_ceil(IdSource::BATCH));
    }

    #[cfg(feature = "random")]
    #[test]
    fn random_ids_are_distinct() {
        let mut source = IdSource::default();
        let a = source.next_random().unwrap();
        assert_ne!(a, source.next_random().unwrap());
        assert_ne!(TaskId::random().unwrap(), TaskId::random().unwrap());
    }
}
