//! The emulator's time source: the system clock plus an adjustable offset, so tests can
//! move "now" (expired credentials, a request date outside the 5-minute window) without
//! sleeping. Handlers read time only through this.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use roles_anywhere_core::Timestamp;

/// System time shifted by an offset shared by every clone.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock, no offset.
    pub fn system() -> Self {
        Clock::default()
    }

    /// Now, as the emulator sees it.
    pub fn now(&self) -> Timestamp {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_unix(system.saturating_add(self.offset_seconds.load(Ordering::Relaxed)))
    }

    /// Shift "now" by `seconds` (negative: into the past), for every clone of this clock.
    pub fn set_offset(&self, seconds: i64) {
        self.offset_seconds.store(seconds, Ordering::Relaxed);
    }

    /// The current offset.
    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }
}
