//! The one source of "now" for server logic, replaceable in tests.

use jiff::Timestamp;
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;

    /// Now as UTC seconds, the way timestamps are stored.
    fn unix(&self) -> i64 {
        self.now().as_second()
    }
}

pub type SharedClock = Arc<dyn Clock>;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved, for expiry tests.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Timestamp>>);

impl ManualClock {
    pub fn at_unix(seconds: i64) -> Self {
        ManualClock(Arc::new(Mutex::new(
            Timestamp::from_second(seconds).expect("valid timestamp"),
        )))
    }

    pub fn advance(&self, seconds: i64) {
        let mut now = self.0.lock().expect("clock lock");
        *now = Timestamp::from_second(now.as_second() + seconds).expect("valid timestamp");
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock")
    }
}

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
