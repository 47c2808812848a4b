//! This computer's clock against Xero's: every answer's `Date` header (RFC 9110 §6.6.1) is
//! compared with the local time it arrived, and a difference of more than [`SKEW_LIMIT_SECS`] is
//! told — with how far and how to fix it on this operating system — by Test Connection and by
//! failures (issue 16). Expiry times are still computed from the local receive time plus
//! `expires_in`, so a wrong clock does not make tokens look expired or fresh.
//!
//! The last difference seen is kept for the process: it is a fact about the computer, not about
//! one connection.

use serde::Serialize;
use std::sync::Mutex;
use std::time::SystemTime;

/// A clock further than this from Xero's is told (five minutes: the usual tolerance of
/// time-checking protocols, e.g. Kerberos).
pub const SKEW_LIMIT_SECS: i64 = 300;

static LAST_SKEW: Mutex<Option<i64>> = Mutex::new(None);

/// How far this computer's clock is from Xero's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockSkew {
    /// Xero's time minus this computer's, in seconds: positive when this clock is behind.
    pub seconds: i64,
    /// The difference and how to fix it, in one or two sentences.
    pub sentence: String,
}

/// Notes the `Date` of an answer that arrived now.
pub(crate) fn observe(headers: &reqwest::header::HeaderMap) {
    let Some(date) = headers.get(reqwest::header::DATE).and_then(|v| v.to_str().ok()) else { return };
    if let Some(skew) = skew_of(date, SystemTime::now()) {
        *LAST_SKEW.lock().unwrap_or_else(|p| p.into_inner()) = Some(skew);
    }
}

/// Xero's `Date` minus `local`, in seconds; `None` when the header is unreadable.
fn skew_of(date: &str, local: SystemTime) -> Option<i64> {
    let theirs = httpdate::parse_http_date(date.trim()).ok()?;
    Some(match theirs.duration_since(local) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    })
}

/// The last difference seen in this process, whatever its size.
pub fn last_skew_secs() -> Option<i64> {
    *LAST_SKEW.lock().unwrap_or_else(|p| p.into_inner())
}

/// The difference when it is over [`SKEW_LIMIT_SECS`], worded.
pub fn skew() -> Option<ClockSkew> {
    last_skew_secs().and_then(describe)
}

/// `seconds` (Xero's time minus this computer's) worded, when over the limit.
pub fn describe(seconds: i64) -> Option<ClockSkew> {
    if seconds.abs() <= SKEW_LIMIT_SECS {
        return None;
    }
    let how_far = crate::error::human_wait(seconds.unsigned_abs()).replace("about ", "");
    let side = if seconds > 0 { "behind" } else { "ahead of" };
    let sentence = format!(
        "This computer's clock is {how_far} {side} Xero's: {} Times shown here may be off until it is.",
        how_to_fix()
    );
    Some(ClockSkew { seconds, sentence })
}

/// Where the clock is set right on this operating system.
fn how_to_fix() -> &'static str {
    if cfg!(windows) {
        "open Settings, Time & language, Date & time, turn on \"Set time automatically\" and press \"Sync now\"."
    } else if cfg!(target_os = "macos") {
        "open System Settings, General, Date & Time, and turn on \"Set time and date automatically\"."
    } else {
        "turn on network time (the desktop's Date & Time settings, or `timedatectl set-ntp true`)."
    }
}

/// The error with the clock's difference added, when Xero's clock was seen far from this one.
pub(crate) fn annotate(e: crate::Error) -> crate::Error {
    match skew() {
        Some(s) if !e.message().contains(&s.sentence) => e.with_note(&s.sentence),
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn xeros_date_against_the_local_clock() {
        let local = httpdate::parse_http_date("Tue, 01 Dec 2026 10:00:00 GMT").unwrap();
        assert_eq!(skew_of("Tue, 01 Dec 2026 10:12:00 GMT", local), Some(720));
        assert_eq!(skew_of("Tue, 01 Dec 2026 09:59:30 GMT", local + Duration::from_millis(200)), Some(-30));
        assert_eq!(skew_of("yesterday", local), None);
    }

    #[test]
    fn only_a_difference_over_five_minutes_is_told_with_its_side_and_the_fix() {
        assert!(describe(300).is_none() && describe(-299).is_none());
        let behind = describe(720).unwrap();
        assert!(
            behind.sentence.starts_with("This computer's clock is 12 minutes behind Xero's"),
            "{}",
            behind.sentence
        );
        let ahead = describe(-2 * 3600).unwrap();
        assert!(ahead.sentence.contains("2 hours ahead of Xero's"), "{}", ahead.sentence);
        assert!(ahead.sentence.contains("automatically") || ahead.sentence.contains("network time"));
    }
}
