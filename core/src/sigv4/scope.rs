//! The credential scope, `YYYYMMDD/region/service/aws4_request` (SigV4 "Create a string to
//! sign"); for CreateSession the service is `rolesanywhere` (SPEC §1).

use alloc::string::String;
use core::fmt;

use crate::error::{Error, Result};
use crate::time::AmzDate;

const TERMINATOR: &str = "aws4_request";

/// `YYYYMMDD/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialScope {
    date: String,
    region: String,
    service: String,
}

/// A scope part: non-empty, no `/`, no whitespace or control characters.
fn valid_part(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
}

impl CredentialScope {
    /// The scope of a request signed at `date` for `region` and `service`.
    pub fn new(date: AmzDate, region: &str, service: &str) -> Result<Self> {
        if !valid_part(region) {
            return Err(Error::InvalidRegion {
                region: String::from(region),
            });
        }
        if !valid_part(service) {
            return Err(Error::InvalidRequest {
                reason: alloc::format!("bad service name {service:?}"),
            });
        }
        Ok(CredentialScope {
            date: date.date_stamp(),
            region: String::from(region),
            service: String::from(service),
        })
    }

    /// Parse the wire form strictly (an [`Error::MalformedAuthorization`] otherwise).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| Error::MalformedAuthorization {
            reason: alloc::format!("credential scope {text:?}: {why}"),
        };
        let mut parts = text.split('/');
        let (Some(date), Some(region), Some(service), Some(term), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad("not DATE/REGION/SERVICE/aws4_request"));
        };
        if term != TERMINATOR {
            return Err(bad("does not end in aws4_request"));
        }
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("date is not YYYYMMDD"));
        }
        if AmzDate::parse(&alloc::format!("{date}T000000Z")).is_err() {
            return Err(bad("date is not a calendar date"));
        }
        if !valid_part(region) || !valid_part(service) {
            return Err(bad("empty or malformed region or service"));
        }
        Ok(CredentialScope {
            date: String::from(date),
            region: String::from(region),
            service: String::from(service),
        })
    }

    /// `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service signing name.
    pub fn service(&self) -> &str {
        &self.service
    }
}

impl fmt::Display for CredentialScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn round_trips() {
        let date = AmzDate::parse("20211103T120000Z").unwrap();
        let s = CredentialScope::new(date, "us-east-1", "rolesanywhere").unwrap();
        assert_eq!(
            s.to_string(),
            "20211103/us-east-1/rolesanywhere/aws4_request"
        );
        assert_eq!(CredentialScope::parse(&s.to_string()).unwrap(), s);
        assert_eq!(
            (s.date(), s.region(), s.service()),
            ("20211103", "us-east-1", "rolesanywhere")
        );
        for bad in [
            "",
            "20211103/us-east-1/rolesanywhere",
            "20211103/us-east-1/rolesanywhere/aws4_request/x",
            "20211103/us-east-1/rolesanywhere/aws5_request",
            "2021110/us-east-1/s/aws4_request",
            "20211340/us-east-1/s/aws4_request",
            "20211103//s/aws4_request",
        ] {
            assert_eq!(
                CredentialScope::parse(bad).unwrap_err().code(),
                "malformed_authorization",
                "{bad}"
            );
        }
        assert_eq!(
            CredentialScope::new(date, "", "s").unwrap_err().code(),
            "invalid_region"
        );
    }
}
