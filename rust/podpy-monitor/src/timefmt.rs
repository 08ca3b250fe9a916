//! RFC 3339 timestamps with nanoseconds, as Podman writes them.

use std::fmt::Write;

/// Days since 1970-01-01 to a (year, month, day) civil date (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Format an instant shifted by `offset` seconds; `utc_z` writes `Z` instead of `+00:00`.
pub fn format(out: &mut String, secs: i64, nanos: u32, offset: i64, utc_z: bool) {
    let local = secs + offset;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    let sod = local.rem_euclid(86_400);
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{nanos:09}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if utc_z && offset == 0 {
        out.push('Z');
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.abs();
        let _ = write!(out, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60);
    }
}

/// Local time with a numeric offset, as in k8s-file log lines.
pub fn local(secs: i64, nanos: u32) -> String {
    let mut s = String::with_capacity(36);
    format(&mut s, secs, nanos, crate::sys::utc_offset(secs), false);
    s
}

/// UTC with a `Z`, as podpy stores its other timestamps.
pub fn utc(secs: i64, nanos: u32) -> String {
    let mut s = String::with_capacity(31);
    format(&mut s, secs, nanos, 0, true);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(secs: i64, nanos: u32, offset: i64, z: bool) -> String {
        let mut s = String::new();
        format(&mut s, secs, nanos, offset, z);
        s
    }

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(fmt(0, 0, 0, true), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(fmt(0, 5, 0, false), "1970-01-01T00:00:00.000000005+00:00");
        // 2026-11-28T19:30:00Z
        assert_eq!(
            fmt(1_795_894_200, 123_456_789, 0, false),
            "2026-11-28T19:30:00.123456789+00:00"
        );
        // leap day 2024-02-29T12:00:00Z
        assert_eq!(
            fmt(1_709_208_000, 0, 0, true),
            "2024-02-29T12:00:00.000000000Z"
        );
    }

    #[test]
    fn offsets() {
        assert_eq!(
            fmt(1_795_894_200, 1, 3600 + 1800, false),
            "2026-11-28T21:00:00.000000001+01:30"
        );
        assert_eq!(
            fmt(1_795_894_200, 1, -5 * 3600, true),
            "2026-11-28T14:30:00.000000001-05:00"
        );
        assert_eq!(
            fmt(0, 0, -3600, false),
            "1969-12-31T23:00:00.000000000-01:00"
        );
    }
}
