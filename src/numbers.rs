//! JS numbers as the binding reads and reports them: the integer checks a JS argument must
//! pass before the core sees it, and numbers rendered for messages as JS prints them.
//! Plain Rust (no JS), so `cargo test` covers it on the host.

use crate::core::{Param, StoreError};

fn range_error(name: &str, value: String, rule: &str) -> StoreError {
    StoreError::range_error(Param::Named(name.into()), value, rule)
}

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
        Err(range_error(name, js_number(value), rule))
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
        assert_eq!(count("maxSize", 3.0), Ok(3));
        assert!(count("maxSize", 0.5).is_err());
    }
}
