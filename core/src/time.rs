//! Time as the store sees it: milliseconds since the Unix epoch, passed in by the caller.
//!
//! The core never reads a clock. Every operation takes `now`, so the binding decides where
//! time comes from (`Date.now()` in JS) and tests drive it by hand.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = u64;

/// The last millisecond of year 9999 (`9999-12-31T23:59:59.999Z`): the largest instant an
/// ISO 8601 timestamp of the spec's shape can hold. A binding clamps its clock to it.
pub const MAX_MILLIS: Millis = 253_402_300_799_999;

/// Formats `ms` as an RFC 3339 / ISO 8601 UTC timestamp with milliseconds, the shape of JS
/// `Date.prototype.toISOString()`: `2025-11-25T10:30:00.000Z`. Years past 9999 are clamped
/// to 9999-12-31T23:59:59.999Z, the largest value that shape can hold.
pub fn format_iso8601(ms: Millis) -> String {
    let ms = ms.min(MAX_MILLIS);
    let days = ms / 86_400_000;
    let rem = ms % 86_400_000;
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let mut out = String::with_capacity(24);
    push_digits(&mut out, y, 4);
    out.push('-');
    push_digits(&mut out, m, 2);
    out.push('-');
    push_digits(&mut out, d, 2);
    out.push('T');
    push_digits(&mut out, h, 2);
    out.push(':');
    push_digits(&mut out, min, 2);
    out.push(':');
    push_digits(&mut out, s, 2);
    out.push('.');
    push_digits(&mut out, milli, 3);
    out.push('Z');
    out
}

fn push_digits(out: &mut String, value: u64, width: u32) {
    let mut div = 10u64.pow(width - 1);
    while div > 0 {
        let digit = (value / div % 10) as u8;
        out.push(char::from(b'0' + digit));
        div /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`, for non-negative day counts).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_to_iso_string() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_iso8601(1_764_066_600_000),
            "2025-11-25T10:30:00.000Z"
        );
        assert_eq!(format_iso8601(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(
            format_iso8601(4_107_542_399_999),
            "2100-02-28T23:59:59.999Z"
        );
        assert_eq!(format_iso8601(u64::MAX), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        // Walk day by day and check month/day stay consistent with a simple counter.
        let month_len = |y: u64, m: u64| match m {
            2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let (mut y, mut m, mut d) = (1970, 1, 1);
        for days in 0..146_097 {
            assert_eq!(civil_from_days(days), (y, m, d));
            d += 1;
            if d > month_len(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
