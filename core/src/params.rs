//! The store's settings and the checks on what a caller passes in that are rules of the
//! store (a binding checks its own language's types before calling the core).

use super::error::Param;
use super::StoreError;

/// A session id: absent, or a non-empty string. An empty string is rejected rather than
/// read as "no session", which would widen what the caller may see.
pub fn session(value: Option<&str>) -> Result<Option<&str>, StoreError> {
    match value {
        Some("") => Err(StoreError::range_error(
            Param::SessionId,
            "\"\"",
            "must be a non-empty string (an empty one is not read as no session)",
        )),
        other => Ok(other),
    }
}

/// The largest duration a request is granted as asked, in ms: 2^53 - 1, the largest
/// integer a JSON number carries exactly.
pub const MAX_REQUESTED_MILLIS: u64 = 9_007_199_254_740_991;

/// A duration a client asked for (`ttl`, `pollInterval`: a JSON number in a request), as the
/// store reads it: a number out of range is brought into range, never rejected, since the
/// request came from a peer and the task reports what was granted. Negative (or -∞) is read
/// as 0, a fraction is rounded up to the next millisecond, and anything above
/// [`MAX_REQUESTED_MILLIS`] (+∞ included) is lowered to it. Only NaN, which no JSON number
/// is, is rejected.
pub fn requested_millis(param: Param, value: f64) -> Result<u64, StoreError> {
    if value.is_nan() {
        return Err(StoreError::range_error(
            param,
            "NaN",
            "must be a number of milliseconds",
        ));
    }
    let ceiling = value.ceil();
    Ok(if ceiling <= 0.0 {
        0
    } else if ceiling >= MAX_REQUESTED_MILLIS as f64 {
        MAX_REQUESTED_MILLIS
    } else {
        // Exact: an integer in (0, 2^53 - 1) converts without loss.
        ceiling as u64
    })
}

/// The store's settings. Every field has a documented default.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct StoreConfig {
    /// Tasks per listing page. Default 10 (as the SDK's store); 1 to 1000.
    pub page_size: usize,
    /// `pollInterval` of tasks created without one, in ms. Default 1000 (as the SDK's store).
    pub default_poll_interval: u64,
    /// The shortest ttl granted, in ms: a smaller requested ttl (0 included) is raised to
    /// it. Default 1, so every ttl a client asks for is granted as asked (as the TypeScript
    /// SDK's store does) except 0 or less, which would make a task that is gone at its own
    /// creation.
    pub min_ttl: u64,
    /// The longest ttl granted, in ms: a larger requested ttl, or a request for unlimited
    /// retention (`null`), is lowered to it. Default `None`: no maximum.
    pub max_ttl: Option<u64>,
    /// The most tasks the store holds at once; creating one more is refused (-32603).
    /// Default 1,000,000. `u64::MAX`: no limit.
    pub max_tasks: u64,
    /// The most tasks one session owns at once (the spec's "limit concurrent tasks per
    /// requestor"); unowned tasks count only toward `max_tasks`. Default 100,000.
    pub max_tasks_per_session: u64,
    /// The largest result stored, measured as the length of its JSON text as the binding
    /// counts it (the JS binding: string units, escapes not counted);
    /// a larger one is refused and the task is left as it was. Default 64 MiB.
    pub max_result_bytes: u64,
    /// The most messages a task's queue holds when the caller gives no smaller `maxSize`.
    /// Default 10,000.
    pub max_queue_size: u64,
}

/// Default [`StoreConfig::page_size`].
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// Largest [`StoreConfig::page_size`].
pub const MAX_PAGE_SIZE: usize = 1000;
/// Default [`StoreConfig::default_poll_interval`].
pub const DEFAULT_POLL_INTERVAL: u64 = 1000;
/// Default [`StoreConfig::min_ttl`].
pub const DEFAULT_MIN_TTL: u64 = 1;
/// Default [`StoreConfig::max_tasks`].
pub const DEFAULT_MAX_TASKS: u64 = 1_000_000;
/// Default [`StoreConfig::max_tasks_per_session`].
pub const DEFAULT_MAX_TASKS_PER_SESSION: u64 = 100_000;
/// Default [`StoreConfig::max_result_bytes`].
pub const DEFAULT_MAX_RESULT_BYTES: u64 = 64 * 1024 * 1024;
/// Default [`StoreConfig::max_queue_size`].
pub const DEFAULT_MAX_QUEUE_SIZE: u64 = 10_000;

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            page_size: DEFAULT_PAGE_SIZE,
            default_poll_interval: DEFAULT_POLL_INTERVAL,
            min_ttl: DEFAULT_MIN_TTL,
            max_ttl: None,
            max_tasks: DEFAULT_MAX_TASKS,
            max_tasks_per_session: DEFAULT_MAX_TASKS_PER_SESSION,
            max_result_bytes: DEFAULT_MAX_RESULT_BYTES,
            max_queue_size: DEFAULT_MAX_QUEUE_SIZE,
        }
    }
}

impl StoreConfig {
    /// Checks the settings hold together.
    pub fn validate(&self) -> Result<(), StoreError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(StoreError::range_error(
                Param::PageSize,
                self.page_size.to_string(),
                "must be an integer from 1 to 1000",
            ));
        }
        if let Some(max) = self.max_ttl {
            if max < self.min_ttl {
                return Err(StoreError::range_error(
                    Param::MaxTtl,
                    max.to_string(),
                    &format!("must not be below the minimum ttl ({})", self.min_ttl),
                ));
            }
        }
        Ok(())
    }

    /// Checks a result of about `bytes` bytes of JSON may be stored.
    pub fn check_result_bytes(&self, bytes: u64) -> Result<(), StoreError> {
        if bytes > self.max_result_bytes {
            return Err(StoreError::LimitReached {
                limit: Param::MaxResultBytes,
                max: self.max_result_bytes,
                actual: bytes,
            });
        }
        Ok(())
    }

    /// Checks one more task may be created when the store holds `held` tasks and the
    /// creating session (`None`: a call without a session) holds `owned` of them
    /// (`max_tasks`, `max_tasks_per_session`).
    pub fn check_room(&self, held: u64, owned: Option<u64>) -> Result<(), StoreError> {
        if held >= self.max_tasks {
            return Err(StoreError::LimitReached {
                limit: Param::MaxTasks,
                max: self.max_tasks,
                actual: held.saturating_add(1),
            });
        }
        match owned {
            Some(owned) if owned >= self.max_tasks_per_session => Err(StoreError::LimitReached {
                limit: Param::MaxTasksPerSession,
                max: self.max_tasks_per_session,
                actual: owned.saturating_add(1),
            }),
            _ => Ok(()),
        }
    }

    /// The most messages a queue may hold for a caller asking for `max_size`.
    pub fn queue_limit(&self, max_size: Option<u64>) -> u64 {
        max_size.map_or(self.max_queue_size, |m| m.min(self.max_queue_size))
    }

    /// The ttl granted for a requested one (`None` = unlimited).
    pub fn grant_ttl(&self, requested: Option<u64>) -> Option<u64> {
        match (requested, self.max_ttl) {
            (None, max) => max,
            (Some(t), max) => Some(max.map_or(t, |m| t.min(m)).max(self.min_ttl)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_is_checked_against_both_limits() {
        let c = StoreConfig {
            max_tasks: 3,
            max_tasks_per_session: 2,
            ..StoreConfig::default()
        };
        assert!(c.check_room(2, Some(1)).is_ok());
        assert!(c.check_room(2, None).is_ok());
        let all = c.check_room(3, None).unwrap_err();
        assert!(matches!(
            all,
            StoreError::LimitReached {
                limit: Param::MaxTasks,
                max: 3,
                actual: 4
            }
        ));
        let mine = c.check_room(2, Some(2)).unwrap_err();
        assert!(matches!(
            mine,
            StoreError::LimitReached {
                limit: Param::MaxTasksPerSession,
                max: 2,
                actual: 3
            }
        ));
        assert_eq!(mine.code(), crate::INTERNAL_ERROR);
    }

    #[test]
    fn ttl_is_clamped_to_the_configured_bounds() {
        let c = StoreConfig::default();
        assert_eq!(c.grant_ttl(None), None);
        assert_eq!(c.grant_ttl(Some(0)), Some(1));
        assert_eq!(c.grant_ttl(Some(50)), Some(50));
        assert_eq!(c.grant_ttl(Some(5000)), Some(5000));
        let c = StoreConfig {
            min_ttl: 0,
            max_ttl: Some(60_000),
            ..StoreConfig::default()
        };
        assert_eq!(c.grant_ttl(None), Some(60_000));
        assert_eq!(c.grant_ttl(Some(0)), Some(0));
        assert_eq!(c.grant_ttl(Some(90_000)), Some(60_000));
    }

    #[test]
    fn requested_durations_are_brought_into_range_not_rejected() {
        let read = |v: f64| requested_millis(Param::Named("ttl".into()), v);
        assert_eq!(read(50.0), Ok(50));
        assert_eq!(read(0.0), Ok(0));
        assert_eq!(read(-5.0), Ok(0));
        assert_eq!(read(f64::NEG_INFINITY), Ok(0));
        assert_eq!(read(-0.5), Ok(0));
        assert_eq!(read(0.2), Ok(1));
        assert_eq!(read(1.5), Ok(2));
        assert_eq!(read(2f64.powi(53)), Ok(MAX_REQUESTED_MILLIS));
        assert_eq!(read(1e300), Ok(MAX_REQUESTED_MILLIS));
        assert_eq!(read(f64::INFINITY), Ok(MAX_REQUESTED_MILLIS));
        assert!(read(f64::NAN).is_err());
    }

    #[test]
    fn settings_are_validated() {
        assert!(StoreConfig::default().validate().is_ok());
        let bad = StoreConfig {
            page_size: 0,
            ..StoreConfig::default()
        };
        assert!(bad.validate().is_err());
        let bad = StoreConfig {
            min_ttl: 100,
            max_ttl: Some(10),
            ..StoreConfig::default()
        };
        assert!(bad
            .validate()
            .unwrap_err()
            .to_string()
            .contains("minimum ttl"));
    }

    #[test]
    fn empty_session_is_rejected() {
        assert!(session(Some("")).is_err());
        assert_eq!(session(Some("s")), Ok(Some("s")));
        assert_eq!(session(None), Ok(None));
    }
}
