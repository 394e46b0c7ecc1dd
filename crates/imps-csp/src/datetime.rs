//! `DateTime` values: ISO 8601 in XML, a 6-byte `OPAQUE` or inline string in WBXML.

use std::fmt;

/// The time zone of a [`DateTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum Zone {
    /// `Z`: UTC.
    #[default]
    Utc,
    /// No designator: local time of the sender.
    Local,
    /// A numeric offset from UTC, in minutes (`+hh:mm` / `-hhmm`), within ±23:59.
    Offset(i16),
}

/// A CSP `DateTime` (e.g. `20261125T101500Z`), second precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DateTime {
    /// Year, 0-4095 (the WBXML form has 12 bits).
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day, 1-31.
    pub day: u8,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-60 (a leap second allowed).
    pub second: u8,
    /// Time zone.
    pub zone: Zone,
}

impl Default for DateTime {
    fn default() -> Self {
        DateTime { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, zone: Zone::Utc }
    }
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |a, &d| a * 10 + (d - b'0') as u32))
}

impl DateTime {
    /// A UTC DateTime; `None` when a field is out of range.
    pub fn utc(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let dt = DateTime { year, month, day, hour, minute, second, zone: Zone::Utc };
        dt.is_valid().then_some(dt)
    }

    /// Whether every field is in range.
    pub fn is_valid(&self) -> bool {
        self.year <= 4095
            && (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
            && self.hour <= 23
            && self.minute <= 59
            && self.second <= 60
            && match self.zone {
                Zone::Offset(m) => m.unsigned_abs() < 24 * 60,
                _ => true,
            }
    }

    /// Parses ISO 8601 basic (`YYYYMMDDThhmmss`) or extended (`YYYY-MM-DDThh:mm:ss`) form, with an
    /// optional `Z` or `±hh[:]mm` zone and an optional fraction of a second (dropped).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().as_bytes();
        let (date, rest) = match s.iter().position(|&b| b == b'T') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => return None,
        };
        let date: Vec<u8> = date.iter().copied().filter(|&b| b != b'-').collect();
        if date.len() != 8 {
            return None;
        }
        let zone_at = rest.iter().position(|&b| matches!(b, b'Z' | b'+' | b'-')).unwrap_or(rest.len());
        let (time, zone) = rest.split_at(zone_at);
        let time = match time.iter().position(|&b| b == b'.' || b == b',') {
            Some(i) if i + 1 < time.len() && time[i + 1..].iter().all(u8::is_ascii_digit) => &time[..i],
            Some(_) => return None,
            None => time,
        };
        let mut time: Vec<u8> = time.iter().copied().filter(|&b| b != b':').collect();
        // `hhmm` without seconds occurs in real traffic (e.g. libwbxml's WV samples): seconds 0.
        if time.len() == 4 {
            time.extend_from_slice(b"00");
        }
        if time.len() != 6 {
            return None;
        }
        let zone = match zone {
            b"" => Zone::Local,
            b"Z" => Zone::Utc,
            [sign @ (b'+' | b'-'), rest @ ..] => {
                let rest: Vec<u8> = rest.iter().copied().filter(|&b| b != b':').collect();
                if rest.len() != 4 {
                    return None;
                }
                let m = (digits(&rest[..2])? * 60 + digits(&rest[2..])?) as i16;
                Zone::Offset(if *sign == b'-' { -m } else { m })
            }
            _ => return None,
        };
        let dt = DateTime {
            year: digits(&date[..4])? as u16,
            month: digits(&date[4..6])? as u8,
            day: digits(&date[6..])? as u8,
            hour: digits(&time[..2])? as u8,
            minute: digits(&time[2..4])? as u8,
            second: digits(&time[4..])? as u8,
            zone,
        };
        dt.is_valid().then_some(dt)
    }

    /// The WBXML `OPAQUE` form (spec notes 6.2): 2 zero bits, year 12 bits, month 4, day 5,
    /// hour 5, minute 6, second 6, then one time-zone character (`Z`, or 0 for local time).
    /// `None` for numeric offsets, which only the string form carries.
    pub fn to_opaque(&self) -> Option<[u8; 6]> {
        let tz = match self.zone {
            Zone::Utc => b'Z',
            Zone::Local => 0,
            Zone::Offset(_) => return None,
        };
        let v: u64 = (self.year as u64) << 26
            | (self.month as u64) << 22
            | (self.day as u64) << 17
            | (self.hour as u64) << 12
            | (self.minute as u64) << 6
            | self.second as u64;
        let b = v.to_be_bytes();
        Some([b[3], b[4], b[5], b[6], b[7], tz])
    }

    /// Decodes the 6-byte `OPAQUE` form.
    pub fn from_opaque(b: &[u8]) -> Option<Self> {
        let b: &[u8; 6] = b.try_into().ok()?;
        let v = u64::from_be_bytes([0, 0, 0, b[0], b[1], b[2], b[3], b[4]]);
        if v >> 38 != 0 {
            return None; // the two reserved bits
        }
        let zone = match b[5] {
            b'Z' => Zone::Utc,
            0 => Zone::Local,
            _ => return None,
        };
        let dt = DateTime {
            year: (v >> 26 & 0xFFF) as u16,
            month: (v >> 22 & 0xF) as u8,
            day: (v >> 17 & 0x1F) as u8,
            hour: (v >> 12 & 0x1F) as u8,
            minute: (v >> 6 & 0x3F) as u8,
            second: (v & 0x3F) as u8,
            zone,
        };
        dt.is_valid().then_some(dt)
    }

    /// Seconds since the Unix epoch, for UTC values (offsets applied; local time taken as UTC).
    pub fn to_unix_seconds(&self) -> i64 {
        // Days from civil (Howard Hinnant's algorithm).
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let offset = match self.zone {
            Zone::Offset(m) => m as i64 * 60,
            _ => 0,
        };
        days * 86_400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64 - offset
    }

    /// The UTC DateTime of a Unix time in seconds (clamped to years 0-4095).
    pub fn from_unix_seconds(secs: i64) -> Self {
        // Years 0 and 4095 bound what the WBXML form can carry.
        let secs = secs.clamp(-62_167_219_200, 67_090_118_399);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }).clamp(0, 4095) as u16;
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
            zone: Zone::Utc,
        }
    }
}

/// ISO 8601 basic form, e.g. `20261125T101500Z`, `20261125T101500`, `20261125T101500+0130`.
impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        match self.zone {
            Zone::Utc => f.write_str("Z"),
            Zone::Local => Ok(()),
            Zone::Offset(m) => {
                write!(f, "{}{:02}{:02}", if m < 0 { '-' } else { '+' }, m.unsigned_abs() / 60, m.unsigned_abs() % 60)
            }
        }
    }
}

#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for DateTime {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let zone = match u.int_in_range(0..=2)? {
            0 => Zone::Utc,
            1 => Zone::Local,
            _ => Zone::Offset(u.int_in_range(-1439..=1439)?),
        };
        Ok(DateTime {
            year: u.int_in_range(0..=4095)?,
            month: u.int_in_range(1..=12)?,
            day: u.int_in_range(1..=31)?,
            hour: u.int_in_range(0..=23)?,
            minute: u.int_in_range(0..=59)?,
            second: u.int_in_range(0..=60)?,
            zone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_matches_libwbxml_bytes() {
        // libwbxml encodes 20011019T095031 as 1F 46 A6 9C 9F 00 (spec notes 6.4).
        let dt = DateTime::parse("20011019T095031").unwrap();
        assert_eq!(dt.zone, Zone::Local);
        assert_eq!(dt.to_opaque().unwrap(), [0x1F, 0x46, 0xA6, 0x9C, 0x9F, 0x00]);
        assert_eq!(DateTime::from_opaque(&[0x1F, 0x46, 0xA6, 0x9C, 0x9F, 0x00]), Some(dt));
    }

    #[test]
    fn text_forms() {
        let dt = DateTime::parse("2026-11-25T10:15:00Z").unwrap();
        assert_eq!(dt.to_string(), "20261125T101500Z");
        assert_eq!(DateTime::parse("20261125T101500.250Z"), Some(dt));
        assert_eq!(DateTime::parse("20261125T1015Z"), Some(dt));
        assert_eq!(DateTime::parse("2026-11-25T10:15Z"), Some(dt));
        let off = DateTime::parse("20261125T101500-05:30").unwrap();
        assert_eq!(off.zone, Zone::Offset(-330));
        assert_eq!(off.to_string(), "20261125T101500-0530");
        assert_eq!(off.to_opaque(), None);
        for bad in [
            "",
            "T",
            "20261325T101500Z",
            "20261125T246000Z",
            "20261125T101500Q",
            "2026112T101500Z",
            "20261125T101500+99:00",
            "20261125 101500",
        ] {
            assert_eq!(DateTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn unix_round_trip() {
        let dt = DateTime::utc(2026, 11, 25, 10, 15, 0).unwrap();
        assert_eq!(dt.to_unix_seconds(), 1_795_601_700);
        assert_eq!(DateTime::from_unix_seconds(1_795_601_700), dt);
        assert_eq!(DateTime::from_unix_seconds(0), DateTime::default());
    }
}
