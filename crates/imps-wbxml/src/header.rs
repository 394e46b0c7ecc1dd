//! The document header: version, public identifier, charset (WAP-192-WBXML section 5.4).

use std::borrow::Cow;

/// A WBXML version as carried in the first byte: major `(byte >> 4) + 1`, minor `byte & 0x0F`.
/// The reader accepts 1.0 (`0x00`) to 1.3 (`0x03`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WbxmlVersion(pub u8);

impl WbxmlVersion {
    /// WBXML 1.0: its header has no charset field.
    pub const V1_0: Self = Self(0x00);
    /// WBXML 1.1.
    pub const V1_1: Self = Self(0x01);
    /// WBXML 1.2.
    pub const V1_2: Self = Self(0x02);
    /// WBXML 1.3, the version written by default.
    pub const V1_3: Self = Self(0x03);
}

/// The document's public identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PublicId<'a> {
    /// A well-known id (`mb_u_int32`, not zero), e.g. `0x11` for `-//OMA//DTD WV-CSP 1.2//EN`.
    Known(u32),
    /// Public id `0` followed by a string-table reference; the string is resolved.
    String(Cow<'a, str>),
    /// Public id `1`: unknown or missing.
    Unknown,
}

/// A document character set, as an IANA MIBenum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Charset {
    /// `106`: UTF-8.
    Utf8,
    /// `3`: US-ASCII.
    UsAscii,
    /// `4`: ISO-8859-1 (Latin-1).
    Latin1,
    /// `0`: unknown; treated as UTF-8 (what WBXML 1.0 documents, which carry no charset, get too).
    Unknown,
}

impl Charset {
    /// The IANA MIBenum of this charset.
    pub fn mib_enum(self) -> u32 {
        match self {
            Charset::Utf8 => 106,
            Charset::UsAscii => 3,
            Charset::Latin1 => 4,
            Charset::Unknown => 0,
        }
    }

    /// The charset for a MIBenum, or `None` when this crate cannot decode it.
    pub fn from_mib_enum(mib: u32) -> Option<Self> {
        match mib {
            106 => Some(Charset::Utf8),
            3 => Some(Charset::UsAscii),
            4 => Some(Charset::Latin1),
            0 => Some(Charset::Unknown),
            _ => None,
        }
    }
}

/// A parsed header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The WBXML version byte.
    pub version: WbxmlVersion,
    /// The public identifier.
    pub public_id: PublicId<'a>,
    /// The character set of every string in the document.
    pub charset: Charset,
}
