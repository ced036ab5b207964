//! Checks on the numbers and strings a caller passes in, and the store's settings.

use super::StoreError;

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Renders a number for a message much as JS prints it (`NaN`, `-1`, `1.5`, `Infinity`,
/// `2.5e+300`, `1e-7`).
///
/// Written with integer arithmetic: Rust's float formatting would add some 15 KB to the
/// wasm module for the sake of error messages. Integers from 1e19 up are shown in exponent
/// form, where JS would print every digit.
pub fn js_number(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    let sign = if value < 0.0 { "-" } else { "" };
    let abs = value.abs();
    if abs.is_infinite() {
        return format!("{sign}Infinity");
    }
    if abs >= 1e19 || (abs > 0.0 && abs < 1e-6) {
        let mut exponent = 0i32;
        let mut mantissa = abs;
        while mantissa >= 10.0 {
            mantissa /= 10.0;
            exponent += 1;
        }
        while mantissa < 1.0 {
            mantissa *= 10.0;
            exponent -= 1;
        }
        let plus = if exponent >= 0 { "+" } else { "" };
        return format!("{sign}{}e{plus}{exponent}", decimal(mantissa, 15));
    }
    format!("{sign}{}", decimal(abs, 17))
}

/// `value` (below 1e19) with at most `places` decimals, trailing zeros dropped.
fn decimal(value: f64, places: usize) -> String {
    let whole = value.trunc();
    let mut frac = value - whole;
    let mut digits = String::new();
    for _ in 0..places {
        if frac == 0.0 {
            break;
        }
        frac *= 10.0;
        let d = frac.trunc();
        digits.push(char::from(b'0' + d as u8));
        frac -= d;
    }
    let digits = digits.trim_end_matches('0');
    let whole = whole as u64;
    if digits.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{digits}")
    }
}

/// A duration in milliseconds: a non-negative integer no larger than
/// `Number.MAX_SAFE_INTEGER`.
pub fn millis(name: &str, value: f64) -> Result<u64, StoreError> {
    whole(
        name,
        value,
        "must be a non-negative integer number of milliseconds",
    )
}

/// A count: a non-negative integer no larger than `Number.MAX_SAFE_INTEGER`.
pub fn count(name: &str, value: f64) -> Result<u64, StoreError> {
    whole(name, value, "must be a non-negative integer")
}

fn whole(name: &str, value: f64, rule: &str) -> Result<u64, StoreError> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= MAX_SAFE_INTEGER {
        // Exact: an integer in [0, 2^53) converts to u64 without loss.
        Ok(value as u64)
    } else {
        Err(StoreError::range_error(name, js_number(value), rule))
    }
}

/// A session id: absent, or a non-empty string. An empty string is rejected rather than
/// read as "no session", which would widen what the caller may see.
pub fn session(value: Option<&str>) -> Result<Option<&str>, StoreError> {
    match value {
        Some("") => Err(StoreError::range_error(
            "sessionId",
            "\"\"",
            "must be a non-empty string, or undefined for no session",
        )),
        other => Ok(other),
    }
}

/// The store's settings. Every field has a documented default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    /// Tasks per `listTasks` page. Default 10 (as the SDK's store); 1 to 1000.
    pub page_size: usize,
    /// `pollInterval` of tasks created without one, in ms. Default 1000 (as the SDK's store).
    pub default_poll_interval: u64,
    /// The shortest ttl granted, in ms: a smaller requested ttl (0 included) is raised to
    /// it. Default 1000, so a task outlives its own creation long enough to be read.
    pub min_ttl: u64,
    /// The longest ttl granted, in ms: a larger requested ttl, or a request for unlimited
    /// retention (`null`), is lowered to it. Default `None`: no maximum.
    pub max_ttl: Option<u64>,
}

/// Default [`StoreConfig::page_size`].
pub const DEFAULT_PAGE_SIZE: usize = 10;
/// Largest [`StoreConfig::page_size`].
pub const MAX_PAGE_SIZE: usize = 1000;
/// Default [`StoreConfig::default_poll_interval`].
pub const DEFAULT_POLL_INTERVAL: u64 = 1000;
/// Default [`StoreConfig::min_ttl`].
pub const DEFAULT_MIN_TTL: u64 = 1000;

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            page_size: DEFAULT_PAGE_SIZE,
            default_poll_interval: DEFAULT_POLL_INTERVAL,
            min_ttl: DEFAULT_MIN_TTL,
            max_ttl: None,
        }
    }
}

impl StoreConfig {
    /// Checks the settings hold together.
    pub fn validate(&self) -> Result<(), StoreError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(StoreError::range_error(
                "pageSize",
                self.page_size.to_string(),
                "must be an integer from 1 to 1000",
            ));
        }
        if let Some(max) = self.max_ttl {
            if max < self.min_ttl {
                return Err(StoreError::range_error(
                    "maxTtl",
                    max.to_string(),
                    &format!("must not be below minTtl ({})", self.min_ttl),
                ));
            }
        }
        Ok(())
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
    fn numbers_render_as_js_prints_them() {
        assert_eq!(js_number(f64::NAN), "NaN");
        assert_eq!(js_number(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(js_number(-1.0), "-1");
        assert_eq!(js_number(0.0), "0");
        assert_eq!(js_number(1.5), "1.5");
        assert_eq!(js_number(0.25), "0.25");
        assert_eq!(js_number(1e300), "1e+300");
        assert_eq!(js_number(1e-7), "1e-7");
        assert_eq!(js_number(-0.0), "0");
        assert_eq!(js_number(9_007_199_254_740_993.0), "9007199254740992");
    }

    #[test]
    fn millis_accepts_only_non_negative_safe_integers() {
        assert_eq!(millis("ttl", 0.0), Ok(0));
        assert_eq!(millis("ttl", 60_000.0), Ok(60_000));
        assert_eq!(millis("ttl", MAX_SAFE_INTEGER), Ok(9_007_199_254_740_991));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            let err = millis("ttl", bad).unwrap_err();
            assert!(err.to_string().starts_with("Invalid ttl: "), "{err}");
        }
        assert_eq!(
            millis("ttl", -1.0).unwrap_err().to_string(),
            "Invalid ttl: -1 (must be a non-negative integer number of milliseconds)"
        );
    }

    #[test]
    fn ttl_is_clamped_to_the_configured_bounds() {
        let c = StoreConfig::default();
        assert_eq!(c.grant_ttl(None), None);
        assert_eq!(c.grant_ttl(Some(0)), Some(1000));
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
    fn settings_are_validated() {
        assert!(StoreConfig::default().validate().is_ok());
        let bad = StoreConfig {
            page_size: 0,
            ..StoreConfig::default()
        };
        assert!(bad.validate().is_err());
        let bad = StoreConfig {
            max_ttl: Some(10),
            ..StoreConfig::default()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("minTtl"));
    }

    #[test]
    fn empty_session_is_rejected() {
        assert!(session(Some("")).is_err());
        assert_eq!(session(Some("s")), Ok(Some("s")));
        assert_eq!(session(None), Ok(None));
    }
}
