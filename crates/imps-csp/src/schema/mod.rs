//! The element schema: every CSP element name and its WBXML token in each version.
//!
//! The tables are the WBXML token tables of WV-CSP 1.1/1.2 (OMA-WV-CSP_WBXML V1.1/V1.2) and
//! IMPS-CSP 1.3 (OMA-TS-IMPS_CSP_WBXML-V1_3). An element exists in a version exactly when it has a
//! token there; the encoder refuses elements a version lacks.

mod tables;

pub use tables::Elem;
/// Every XML name `Elem::from_name` knows (version names and known misspellings).
pub(crate) use tables::NAMES;

use crate::Version;
use imps_wbxml::{AttrPage, AttrStartEntry, Language};

const PAGES: usize = 12;

type ByToken = [[Option<Elem>; 64]; PAGES];

const fn by_token(t: &[(u8, u8, Elem)]) -> ByToken {
    let mut out = [[None; 64]; PAGES];
    let mut i = 0;
    while i < t.len() {
        let (page, token, elem) = t[i];
        out[page as usize][token as usize] = Some(elem);
        i += 1;
    }
    out
}

const NO_TOKEN: u16 = u16::MAX;

const fn by_elem(t: &[(u8, u8, Elem)]) -> [u16; Elem::ALL.len()] {
    let mut out = [NO_TOKEN; Elem::ALL.len()];
    let mut i = 0;
    while i < t.len() {
        let (page, token, elem) = t[i];
        out[elem as usize] = ((page as u16) << 8) | token as u16;
        i += 1;
    }
    out
}

static BY_TOKEN: [ByToken; 3] = [by_token(tables::TAGS_1_1), by_token(tables::TAGS_1_2), by_token(tables::TAGS_1_3)];

static BY_ELEM: [[u16; Elem::ALL.len()]; 3] =
    [by_elem(tables::TAGS_1_1), by_elem(tables::TAGS_1_2), by_elem(tables::TAGS_1_3)];

const fn vidx(v: Version) -> usize {
    match v {
        Version::V1_1 => 0,
        Version::V1_2 => 1,
        Version::V1_3 => 2,
    }
}

impl Elem {
    /// The XML name of this element in `version` (e.g. `BlockUser-Request` in 1.1 for what 1.2
    /// calls `BlockEntity-Request`).
    pub fn name(self, version: Version) -> &'static str {
        tables::version_name(self, version).unwrap_or(self.canonical_name())
    }

    /// The element an XML name denotes, in any version (known misspellings included).
    pub fn from_name(name: &str) -> Option<Elem> {
        tables::NAMES
            .binary_search_by(|(n, _)| n.len().cmp(&name.len()).then_with(|| n.as_bytes().cmp(name.as_bytes())))
            .ok()
            .map(|i| tables::NAMES[i].1)
    }

    /// The WBXML `(code page, token)` of this element in `version`, or `None` when the version
    /// lacks the element.
    pub fn token(self, version: Version) -> Option<(u8, u8)> {
        let t = BY_ELEM[vidx(version)][self as usize];
        (t != NO_TOKEN).then_some(((t >> 8) as u8, t as u8))
    }

    /// Whether `version` has this element.
    pub fn exists_in(self, version: Version) -> bool {
        self.token(version).is_some()
    }

    /// The element of a WBXML tag token in `version`.
    pub fn from_token(version: Version, page: u8, token: u8) -> Option<Elem> {
        *BY_TOKEN[vidx(version)].get(page as usize)?.get(token as usize)?
    }
}

/// The `EXT_T_0` value-table index of a whole text value, if the table has it.
pub(crate) fn ext_index(version: Version, value: &str) -> Option<u32> {
    // Every table entry is 1..=31 bytes long; most text is not in the table, so filter cheaply.
    if value.is_empty() || value.len() > 31 {
        return None;
    }
    ext_table(version).iter().find(|(_, v)| *v == value).map(|(i, _)| *i)
}

/// The value an `EXT_T_0` index stands for.
pub(crate) fn ext_value(version: Version, index: u32) -> Option<&'static str> {
    ext_table(version).iter().find(|(i, _)| *i == index).map(|(_, v)| *v)
}

fn ext_table(version: Version) -> &'static [(u32, &'static str)] {
    match version {
        Version::V1_1 => tables::EXT_1_1,
        Version::V1_2 => tables::EXT_1_2,
        Version::V1_3 => tables::EXT_1_3,
    }
}

/// Attribute-start tokens of code page 0 (spec notes 6.3.3): the `xmlns` of each namespace family;
/// the version suffix (`1.1`, `1.2`, `1.3`) follows as an inline string.
pub(crate) const ATTR_STARTS: &[AttrStartEntry] = &[
    AttrStartEntry { token: 0x05, name: "xmlns", value_prefix: "http://www.wireless-village.org/CSP" },
    AttrStartEntry { token: 0x06, name: "xmlns", value_prefix: "http://www.wireless-village.org/PA" },
    AttrStartEntry { token: 0x07, name: "xmlns", value_prefix: "http://www.wireless-village.org/TRC" },
    AttrStartEntry { token: 0x08, name: "xmlns", value_prefix: "http://www.openmobilealliance.org/DTD/WV-CSP" },
    AttrStartEntry { token: 0x09, name: "xmlns", value_prefix: "http://www.openmobilealliance.org/DTD/WV-PA" },
    AttrStartEntry { token: 0x0A, name: "xmlns", value_prefix: "http://www.openmobilealliance.org/DTD/WV-TRC" },
    AttrStartEntry { token: 0x0B, name: "xmlns", value_prefix: "http://www.openmobilealliance.org/DTD/IMPS-CSP" },
    AttrStartEntry { token: 0x0C, name: "xmlns", value_prefix: "http://www.openmobilealliance.org/DTD/IMPS-PA" },
    AttrStartEntry { token: 0x0D, name: "xmlns", value_prefix: "http://www.openmobilealliance.org/DTD/IMPS-TRC" },
];

/// The WBXML token tables of WV-CSP 1.1 as a generic [`Language`].
pub static CSP_1_1: Language = Language {
    name: "WV-CSP 1.1",
    public_id: Some(0x10),
    public_id_string: "-//WIRELESSVILLAGE//DTD CSP 1.1//EN",
    tag_pages: tables::PAGES_1_1,
    attr_pages: &[AttrPage { page: 0, starts: ATTR_STARTS, values: &[] }],
    ext_t0_values: tables::EXT_1_1,
};

/// The WBXML token tables of OMA WV-CSP 1.2 as a generic [`Language`].
pub static CSP_1_2: Language = Language {
    name: "WV-CSP 1.2",
    public_id: Some(0x11),
    public_id_string: "-//OMA//DTD WV-CSP 1.2//EN",
    tag_pages: tables::PAGES_1_2,
    attr_pages: &[AttrPage { page: 0, starts: ATTR_STARTS, values: &[] }],
    ext_t0_values: tables::EXT_1_2,
};

/// The WBXML token tables of OMA IMPS-CSP 1.3 as a generic [`Language`].
pub static CSP_1_3: Language = Language {
    name: "IMPS-CSP 1.3",
    public_id: Some(0x12),
    public_id_string: "-//OMA//DTD IMPS-CSP 1.3//EN",
    tag_pages: tables::PAGES_1_3,
    attr_pages: &[AttrPage { page: 0, starts: ATTR_STARTS, values: &[] }],
    ext_t0_values: tables::EXT_1_3,
};

impl Version {
    /// This version's WBXML tables as a generic [`Language`].
    pub fn wbxml_language(self) -> &'static Language {
        match self {
            Version::V1_1 => &CSP_1_1,
            Version::V1_2 => &CSP_1_2,
            Version::V1_3 => &CSP_1_3,
        }
    }
}
