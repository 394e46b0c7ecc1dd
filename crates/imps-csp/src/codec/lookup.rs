//! Hash lookups for the codec's hot paths, built once from the schema: element by XML name (the
//! XML source looks one up per start tag), and `EXT_T_0` value by index and index by value (the
//! WBXML source and sink, per text value). Each agrees with the schema function it stands for;
//! the tests below check that over every entry.

use std::sync::OnceLock;

use crate::schema::{self, Elem};
use crate::Version;

/// FNV-1a: short ASCII keys, no allocation, good enough spread for open addressing.
fn fnv(bytes: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize
}

/// An open-addressing table from `&'static str` keys to small values; `""` marks a free slot.
struct StrTable<V: Copy> {
    slots: Box<[(&'static str, V)]>,
    mask: usize,
}

impl<V: Copy> StrTable<V> {
    fn new(entries: impl Iterator<Item = (&'static str, V)> + Clone, empty: V) -> Self {
        let n = entries.clone().count();
        let size = (n * 4).next_power_of_two().max(16);
        let mut slots = vec![("", empty); size].into_boxed_slice();
        let mask = size - 1;
        for (k, v) in entries {
            debug_assert!(!k.is_empty());
            let mut i = fnv(k.as_bytes()) & mask;
            loop {
                if slots[i].0.is_empty() {
                    slots[i] = (k, v);
                    break;
                }
                if slots[i].0 == k {
                    break; // the first entry wins, as in the schema's lookups
                }
                i = (i + 1) & mask;
            }
        }
        StrTable { slots, mask }
    }

    #[inline]
    fn get(&self, key: &str) -> Option<V> {
        let mut i = fnv(key.as_bytes()) & self.mask;
        loop {
            let (k, v) = self.slots[i];
            if k.is_empty() {
                return None;
            }
            if k == key {
                return Some(v);
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// A name's key: its length and its first and last 8 bytes (4 and 4 below 8 bytes, the bytes
/// themselves below 4), which together are the whole name when it is at most 16 bytes long (every CSP name but a few); longer names are compared in
/// full as well.
#[derive(Clone, Copy, PartialEq, Eq)]
struct NameKey {
    len: usize,
    head: u64,
    tail: u64,
}

impl NameKey {
    #[inline]
    fn of(name: &[u8]) -> NameKey {
        let len = name.len();
        let (head, tail) = if len >= 8 {
            (word(&name[..8]), word(&name[len - 8..]))
        } else if len >= 4 {
            // Two overlapping halves: with the length, the whole name.
            (u64::from(half(&name[..4])) | u64::from(half(&name[len - 4..])) << 32, 0)
        } else {
            (name.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b)), 0)
        };
        NameKey { len, head, tail }
    }

    #[inline]
    fn hash(self) -> usize {
        let h = (self.head ^ self.tail.rotate_left(23) ^ self.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 40) as usize
    }
}

#[inline]
fn half(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(b);
    u32::from_le_bytes(w)
}

#[inline]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// An open-addressing table of element names; a slot with `len == 0` is free.
struct NameTable {
    slots: Box<[(NameKey, &'static str, Elem)]>,
    mask: usize,
}

impl NameTable {
    fn new(entries: impl Iterator<Item = (&'static str, Elem)> + Clone) -> Self {
        let n = entries.clone().count();
        let size = (n * 4).next_power_of_two().max(16);
        let free = (NameKey { len: 0, head: 0, tail: 0 }, "", Elem::ALL[0]);
        let mut slots = vec![free; size].into_boxed_slice();
        let mask = size - 1;
        for (k, v) in entries {
            debug_assert!(!k.is_empty());
            let key = NameKey::of(k.as_bytes());
            let mut i = key.hash() & mask;
            loop {
                if slots[i].0.len == 0 {
                    slots[i] = (key, k, v);
                    break;
                }
                if slots[i].1 == k {
                    break; // the first entry wins
                }
                i = (i + 1) & mask;
            }
        }
        NameTable { slots, mask }
    }

    #[inline(always)]
    fn get(&self, name: &[u8]) -> Option<Elem> {
        let key = NameKey::of(name);
        let mut i = key.hash() & self.mask;
        loop {
            let (k, s, e) = self.slots[i];
            if k == key && (key.len <= 16 || s.as_bytes() == name) {
                return Some(e);
            }
            if k.len == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// [`Elem::from_name`]: every name of every version, then every other name the schema knows
/// (known misspellings), by hash.
#[inline]
pub(crate) fn elem_from_name(name: &str) -> Option<Elem> {
    elem_from_name_bytes(name.as_bytes())
}

/// [`elem_from_name`] of a name's bytes (no element name holds anything but ASCII).
#[inline]
pub(crate) fn elem_from_name_bytes(name: &[u8]) -> Option<Elem> {
    static TABLE: OnceLock<NameTable> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let names = Elem::ALL.iter().flat_map(|&e| Version::ALL.into_iter().map(move |v| (e.name(v), e)));
        // Other known names as the schema's own search resolves them.
        let others = schema::NAMES.iter().filter_map(|&(n, _)| Some((n, Elem::from_name(n)?)));
        NameTable::new(names.chain(others))
    });
    if name.is_empty() {
        return None;
    }
    table.get(name)
}

struct ExtTables {
    /// Value by index, per version.
    values: [Vec<Option<&'static str>>; 3],
    /// Index by value, per version.
    indices: [StrTable<u32>; 3],
}

fn ext_tables() -> &'static ExtTables {
    static TABLES: OnceLock<ExtTables> = OnceLock::new();
    TABLES.get_or_init(|| {
        // Built through the schema's own lookups, which stay the definition.
        let values = Version::ALL.map(|v| {
            let len = v.wbxml_language().ext_t0_values.iter().map(|(i, _)| *i + 1).max().unwrap_or(0);
            (0..len).map(|i| schema::ext_value(v, i)).collect()
        });
        let indices = Version::ALL.map(|v| {
            let entries =
                v.wbxml_language().ext_t0_values.iter().filter_map(move |&(_, s)| Some((s, schema::ext_index(v, s)?)));
            StrTable::new(entries, 0)
        });
        ExtTables { values, indices }
    })
}

const fn vidx(v: Version) -> usize {
    match v {
        Version::V1_1 => 0,
        Version::V1_2 => 1,
        Version::V1_3 => 2,
    }
}

/// `schema::ext_value`: the value an `EXT_T_0` index stands for.
#[inline]
pub(crate) fn ext_value(version: Version, index: u32) -> Option<&'static str> {
    ext_tables().values[vidx(version)].get(index as usize).copied().flatten()
}

/// `schema::ext_index`: the `EXT_T_0` index of a whole text value.
#[inline]
pub(crate) fn ext_index(version: Version, value: &str) -> Option<u32> {
    // Every table entry is 1..=31 bytes long; most text is not in the table.
    if value.is_empty() || value.len() > 31 {
        return None;
    }
    ext_tables().indices[vidx(version)].get(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_the_schema() {
        for &e in Elem::ALL {
            for v in Version::ALL {
                assert_eq!(elem_from_name(e.name(v)), Elem::from_name(e.name(v)), "{}", e.name(v));
            }
        }
        for &(name, _) in schema::NAMES {
            // The XML source looks a prefixed name up whole first.
            assert!(!name.contains(':'), "{name}");
            assert_eq!(elem_from_name(name), Elem::from_name(name), "{name}");
        }
        for name in [
            "Auto-Subscribe",
            "PreferredContent",
            "PreferredvCard",
            "",
            "x",
            "WV-CSP-Message ",
            "token 0x01:0x35",
            "WV-CSP-Messag",
            "WV-CSP-Messagf",
            "PresenceSubLisT",
            "\0",
            "x\0",
            "\0\0\0\0\0\0\0\0\0",
            "TransactionContentX",
            "TransactionContenX",
        ] {
            assert_eq!(elem_from_name(name), Elem::from_name(name), "{name:?}");
        }
        for v in Version::ALL {
            for &(i, s) in v.wbxml_language().ext_t0_values {
                assert_eq!(ext_value(v, i), schema::ext_value(v, i));
                assert_eq!(ext_index(v, s), schema::ext_index(v, s), "{v} {s}");
            }
            for i in 0..300 {
                assert_eq!(ext_value(v, i), schema::ext_value(v, i));
            }
            for s in ["", "t", "Inband ", "IM", "http://", "a-value-longer-than-thirty-one-bytes"] {
                assert_eq!(ext_index(v, s), schema::ext_index(v, s), "{v} {s:?}");
            }
        }
    }
}
