//! The simulator's movable clock: real wall-clock time plus an offset that tests push
//! forward with `advance_clock`. Every expiry rule (5-minute codes, access token
//! lifetime, the 30-minute refresh grace, 60-day idle refresh tokens, rate-limit
//! windows) reads this clock, never the system clock directly.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall clock shifted by a test-controlled offset.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

impl Clock {
    /// Milliseconds since the Unix epoch on the simulated clock.
    pub(crate) fn now_ms(&self) -> u64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_millis() as u64;
        real + self.offset_ms.load(Ordering::SeqCst)
    }

    /// Seconds since the Unix epoch on the simulated clock (JWT `iat`/`exp`).
    pub(crate) fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }

    /// Moves simulated time forward.
    pub(crate) fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}
