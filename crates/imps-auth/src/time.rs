//! Time as the caller passes it: the engine never reads a clock.

use std::fmt;

use imps_csp::DateTime;
use serde::{Deserialize, Serialize};

/// A point in time: milliseconds since the Unix epoch (1970-01-01T00:00:00Z).
///
/// The engine has no clock; every operation that depends on time takes the current
/// `Timestamp` from the caller, so a run is reproducible from its inputs alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// The epoch itself.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// A timestamp from milliseconds since the epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Timestamp(ms)
    }

    /// A timestamp from whole seconds since the epoch (saturating).
    pub const fn from_secs(s: u64) -> Self {
        Timestamp(s.saturating_mul(1000))
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// This time plus `ms` milliseconds (saturating).
    pub const fn add_millis(self, ms: u64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }

    /// This time plus `s` seconds (saturating), e.g. a CSP `SubscribePresence` validity.
    pub const fn add_secs(self, s: u64) -> Self {
        self.add_millis(s.saturating_mul(1000))
    }

    /// The instant a CSP [`DateTime`] denotes (times before the epoch clamp to it).
    pub fn from_datetime(dt: &DateTime) -> Self {
        Timestamp::from_secs(dt.to_unix_seconds().max(0) as u64)
    }

    /// The CSP [`DateTime`] (UTC, second precision) of this instant.
    pub fn to_datetime(self) -> DateTime {
        DateTime::from_unix_seconds((self.0 / 1000).min(i64::MAX as u64) as i64)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_round_trip() {
        let dt = DateTime::utc(2026, 11, 25, 10, 15, 0).unwrap();
        let t = Timestamp::from_datetime(&dt);
        assert_eq!(t.as_millis() % 1000, 0);
        assert_eq!(t.to_datetime(), dt);
        assert_eq!(Timestamp::from_secs(3).add_millis(5), Timestamp(3005));
        assert_eq!(Timestamp(u64::MAX).add_secs(1), Timestamp(u64::MAX));
    }
}
