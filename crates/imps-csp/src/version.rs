//! CSP protocol versions.

use std::fmt;

/// A CSP version. Versions are a property of encoding: one typed value serves every version, and
/// the encoder refuses what a version cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum Version {
    /// WV-CSP 1.1 (Wireless Village).
    V1_1,
    /// OMA WV-CSP 1.2.
    V1_2,
    /// OMA IMPS-CSP 1.3.
    V1_3,
}

impl Version {
    /// Every supported version, oldest first.
    pub const ALL: [Version; 3] = [Version::V1_1, Version::V1_2, Version::V1_3];

    /// `"1.1"`, `"1.2"` or `"1.3"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
            Version::V1_3 => "1.3",
        }
    }

    /// Parses `"1.1"`, `"1.2"` or `"1.3"`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "1.1" => Some(Version::V1_1),
            "1.2" => Some(Version::V1_2),
            "1.3" => Some(Version::V1_3),
            _ => None,
        }
    }

    /// Namespace of the `WV-CSP-Message` root (spec notes section 3).
    pub const fn csp_namespace(self) -> &'static str {
        match self {
            Version::V1_1 => "http://www.wireless-village.org/CSP1.1",
            Version::V1_2 => "http://www.openmobilealliance.org/DTD/WV-CSP1.2",
            Version::V1_3 => "http://www.openmobilealliance.org/DTD/IMPS-CSP1.3",
        }
    }

    /// Namespace of `TransactionContent`.
    pub const fn trc_namespace(self) -> &'static str {
        match self {
            Version::V1_1 => "http://www.wireless-village.org/TRC1.1",
            Version::V1_2 => "http://www.openmobilealliance.org/DTD/WV-TRC1.2",
            Version::V1_3 => "http://www.openmobilealliance.org/DTD/IMPS-TRC1.3",
        }
    }

    /// Namespace of `PresenceSubList`.
    pub const fn pa_namespace(self) -> &'static str {
        match self {
            Version::V1_1 => "http://www.wireless-village.org/PA1.1",
            Version::V1_2 => "http://www.openmobilealliance.org/DTD/WV-PA1.2",
            Version::V1_3 => "http://www.openmobilealliance.org/DTD/IMPS-PA1.3",
        }
    }

    /// The formal public identifier (XML DOCTYPE, or WBXML string-table form).
    pub const fn public_id_string(self) -> &'static str {
        match self {
            Version::V1_1 => "-//WIRELESSVILLAGE//DTD CSP 1.1//EN",
            Version::V1_2 => "-//OMA//DTD WV-CSP 1.2//EN",
            Version::V1_3 => "-//OMA//DTD IMPS-CSP 1.3//EN",
        }
    }

    /// The WBXML well-known public id: `0x10`, `0x11`, `0x12`.
    pub const fn wbxml_public_id(self) -> u32 {
        match self {
            Version::V1_1 => 0x10,
            Version::V1_2 => 0x11,
            Version::V1_3 => 0x12,
        }
    }

    /// HTTP content type of the XML encoding (spec notes section 7).
    pub const fn xml_content_type(self) -> &'static str {
        match self {
            Version::V1_1 | Version::V1_2 => "application/vnd.wv.csp.xml",
            Version::V1_3 => "application/vnd.wv.csp+xml",
        }
    }

    /// HTTP content type of the WBXML encoding.
    pub const fn wbxml_content_type(self) -> &'static str {
        match self {
            Version::V1_1 | Version::V1_2 => "application/vnd.wv.csp.wbxml",
            Version::V1_3 => "application/vnd.wv.csp+wbxml",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
