//! Time as data: the core never reads a clock. [`Timestamp`] is seconds since the Unix epoch
//! (UTC); [`AmzDate`] is its `X-Amz-Date` wire form (`YYYYMMDDTHHMMSSZ`, SigV4).

use alloc::string::String;
use core::fmt;

use crate::error::{Error, Result};

/// A UTC instant with one-second resolution. `Display` is ISO 8601 (`2021-11-03T12:00:00Z`),
/// the form of `expiration` in a CreateSession answer (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Civil date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a civil date (inverse of [`civil_from_days`]).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Timestamp {
    /// From seconds since the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// From civil UTC fields; fields out of range are an error.
    pub fn from_civil(year: i64, month: u32, day: u32, h: u32, min: u32, s: u32) -> Result<Self> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || h > 23
            || min > 59
            || s > 60
        {
            return Err(Error::InvalidTime {
                reason: String::from("field out of range"),
            });
        }
        let days = days_from_civil(year, month, day);
        Ok(Timestamp(
            days * 86_400 + i64::from(h) * 3600 + i64::from(min) * 60 + i64::from(s),
        ))
    }

    /// The civil UTC fields: (year, month, day, hour, minute, second).
    pub fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// Parse RFC 3339 / ISO 8601 as AWS writes it: `2021-11-03T12:00:00Z`, optionally with
    /// fractional seconds (dropped) and a `Z` or `±HH:MM` offset; also the `X-Amz-Date` form.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || Error::InvalidTime {
            reason: alloc::format!("not an ISO 8601 time: {text:?}"),
        };
        let b = text.as_bytes();
        let num = |s: &[u8]| -> Result<u32> {
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            Ok(s.iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0')))
        };
        if b.len() == 16 && b[8] == b'T' && b[15] == b'Z' {
            return Self::from_civil(
                i64::from(num(&b[0..4])?),
                num(&b[4..6])?,
                num(&b[6..8])?,
                num(&b[9..11])?,
                num(&b[11..13])?,
                num(&b[13..15])?,
            );
        }
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(bad());
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let base = Self::from_civil(
            i64::from(num(&b[0..4])?),
            num(&b[5..7])?,
            num(&b[8..10])?,
            num(&b[11..13])?,
            num(&b[14..16])?,
            num(&b[17..19])?,
        )?;
        let mut rest = &b[19..];
        if let Some(frac) = rest.strip_prefix(b".") {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(bad());
            }
            rest = &frac[n..];
        }
        let offset = match rest {
            b"Z" | b"z" => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let secs = i64::from(num(&[*h1, *h2])? * 3600 + num(&[*m1, *m2])? * 60);
                if *sign == b'+' { secs } else { -secs }
            }
            _ => return Err(bad()),
        };
        Ok(Timestamp(base.0 - offset))
    }

    /// The `X-Amz-Date` form of this instant.
    pub fn amz_date(self) -> AmzDate {
        AmzDate(self)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// The SigV4 request time, `Display`ed as its wire form `YYYYMMDDTHHMMSSZ` (`X-Amz-Date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AmzDate(Timestamp);

impl AmzDate {
    /// From seconds since the Unix epoch.
    pub const fn from_unix(seconds: i64) -> Self {
        AmzDate(Timestamp::from_unix(seconds))
    }
    /// Parse the wire form (`20211103T120000Z`).
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() != 16 {
            return Err(Error::InvalidTime {
                reason: alloc::format!("not an X-Amz-Date: {text:?}"),
            });
        }
        Timestamp::parse(text).map(AmzDate)
    }
    /// The instant.
    pub const fn timestamp(self) -> Timestamp {
        self.0
    }
    /// The `YYYYMMDD` date of the credential scope.
    pub fn date_stamp(self) -> String {
        let (y, m, d, ..) = self.0.civil();
        alloc::format!("{y:04}{m:02}{d:02}")
    }
}

impl From<Timestamp> for AmzDate {
    fn from(t: Timestamp) -> Self {
        AmzDate(t)
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.0.civil();
        write!(f, "{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn round_trips() {
        let t = Timestamp::parse("2021-11-03T12:00:00Z").unwrap();
        assert_eq!(t.unix(), 1_635_940_800);
        assert_eq!(t.to_string(), "2021-11-03T12:00:00Z");
        assert_eq!(t.amz_date().to_string(), "20211103T120000Z");
        assert_eq!(AmzDate::parse("20211103T120000Z").unwrap().timestamp(), t);
        assert_eq!(
            Timestamp::parse("2021-11-03T13:00:00.123+01:00").unwrap(),
            t
        );
        assert_eq!(
            Timestamp::parse("2000-02-29T00:00:00Z")
                .unwrap()
                .to_string(),
            "2000-02-29T00:00:00Z"
        );
        assert!(Timestamp::parse("2021-02-29T00:00:00Z").is_err());
        assert!(Timestamp::parse("garbage").is_err());
        assert_eq!(Timestamp::from_unix(-1).to_string(), "1969-12-31T23:59:59Z");
    }
}
