//! Date formats Xero uses on the wire: `/Date(ms)/` in the Accounting API,
//! `2019-12-07T18:46:19.5165400` (UTC, seven fractional digits, no zone) in
//! `/connections`, and `11/22/2026 10:00:00` in the TokenExpired problem detail.
//! Implemented by hand from the civil-calendar algorithm to avoid a date crate.

/// (year, month, day, hour, minute, second, millisecond) in UTC for epoch milliseconds.
fn civil(ms: u64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let secs = (ms / 1000) as i64;
    let millis = (ms % 1000) as u32;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y, m, d, sod / 3600, (sod / 60) % 60, sod % 60, millis)
}

/// Days since the Unix epoch of a civil date (for comparing app creation dates).
pub(crate) fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let (y, m, d) = (y as i64, m as i64, d as i64);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `/Date(1552404447003)/`, the Accounting API's JSON date.
pub(crate) fn ms_date(ms: u64) -> String {
    format!("/Date({ms})/")
}

/// `2019-12-07T18:46:19.5165400`, the `/connections` timestamp shape.
pub(crate) fn connection_ts(ms: u64) -> String {
    let (y, mo, d, h, mi, s, milli) = civil(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}0000")
}

/// `2026-11-22T10:00:00`, ISO date-time used in XML answers.
pub(crate) fn iso(ms: u64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
}

/// `11/22/2026 10:00:00`, as in Xero's "TokenExpired: token expired at …" detail.
pub(crate) fn us_datetime(secs: u64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(secs * 1000);
    format!("{mo:02}/{d:02}/{y:04} {h:02}:{mi:02}:{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        // 2019-12-07T18:46:19.516Z
        assert_eq!(connection_ts(1_575_744_379_516), "2019-12-07T18:46:19.5160000");
        assert_eq!(us_datetime(1_795_341_600), "11/22/2026 10:00:00");
        assert_eq!(iso(0), "1970-01-01T00:00:00");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2026, 3, 2) - days_from_civil(2026, 3, 1), 1);
        assert_eq!(ms_date(5), "/Date(5)/");
    }
}
