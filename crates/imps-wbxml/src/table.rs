//! Token tables of a WBXML language, supplied by the caller as static data.
//!
//! The reader and writer work on raw tokens (`page`, `token`); a [`Language`] maps them to names
//! and back, so that one generic codec serves WV-CSP 1.1, 1.2, 1.3 or any other WBXML language.

/// The tag tokens of one code page.
#[derive(Debug, Clone, Copy)]
pub struct TagPage {
    /// The code page number.
    pub page: u8,
    /// `(token, element name)` pairs; tokens are `0x05..=0x3F`.
    pub tags: &'static [(u8, &'static str)],
}

/// One attribute-start token: an attribute name and the prefix of its value the token stands for.
#[derive(Debug, Clone, Copy)]
pub struct AttrStartEntry {
    /// The token, `0x05..=0x7F`.
    pub token: u8,
    /// The attribute name.
    pub name: &'static str,
    /// The value prefix the token implies (often empty).
    pub value_prefix: &'static str,
}

/// The attribute tokens of one code page.
#[derive(Debug, Clone, Copy)]
pub struct AttrPage {
    /// The code page number.
    pub page: u8,
    /// Attribute-start tokens.
    pub starts: &'static [AttrStartEntry],
    /// `(token, value)` attribute-value tokens; tokens are `0x80..=0xFF`.
    pub values: &'static [(u8, &'static str)],
}

/// A WBXML language: its public identifiers and token tables.
#[derive(Debug, Clone, Copy)]
pub struct Language {
    /// A human-readable name, e.g. `"WV-CSP 1.2"`.
    pub name: &'static str,
    /// The well-known public id, when one is registered (e.g. `0x11`).
    pub public_id: Option<u32>,
    /// The formal public identifier string, e.g. `"-//OMA//DTD WV-CSP 1.2//EN"`.
    pub public_id_string: &'static str,
    /// Tag code pages.
    pub tag_pages: &'static [TagPage],
    /// Attribute code pages.
    pub attr_pages: &'static [AttrPage],
    /// Values of `EXT_T_0`, for languages that use it as an index into a value table (WV-CSP)
    /// rather than as a string-table offset: `(index, value)` pairs.
    pub ext_t0_values: &'static [(u32, &'static str)],
}

impl Language {
    /// The element name of a tag token.
    pub fn tag_name(&self, page: u8, token: u8) -> Option<&'static str> {
        self.tag_pages.iter().find(|p| p.page == page)?.tags.iter().find(|(t, _)| *t == token).map(|(_, n)| *n)
    }

    /// The `(page, token)` of an element name.
    pub fn tag_token(&self, name: &str) -> Option<(u8, u8)> {
        self.tag_pages.iter().find_map(|p| p.tags.iter().find(|(_, n)| *n == name).map(|(t, _)| (p.page, *t)))
    }

    /// The attribute name and implied value prefix of an attribute-start token.
    pub fn attr_start(&self, page: u8, token: u8) -> Option<&'static AttrStartEntry> {
        self.attr_pages.iter().find(|p| p.page == page)?.starts.iter().find(|e| e.token == token)
    }

    /// The attribute-start token that best encodes `name="value"`: the entry for `name` with the
    /// longest `value_prefix` that `value` starts with. Returns `(page, entry)`; the caller writes
    /// the rest of the value after the prefix.
    pub fn attr_start_token(&self, name: &str, value: &str) -> Option<(u8, &'static AttrStartEntry)> {
        self.attr_pages
            .iter()
            .flat_map(|p| p.starts.iter().map(move |e| (p.page, e)))
            .filter(|(_, e)| e.name == name && value.starts_with(e.value_prefix))
            .max_by_key(|(_, e)| e.value_prefix.len())
    }

    /// The string an attribute-value token stands for.
    pub fn attr_value(&self, page: u8, token: u8) -> Option<&'static str> {
        self.attr_pages.iter().find(|p| p.page == page)?.values.iter().find(|(t, _)| *t == token).map(|(_, v)| *v)
    }

    /// The value an `EXT_T_0` index stands for, in value-table languages.
    pub fn ext_t0_value(&self, index: u32) -> Option<&'static str> {
        self.ext_t0_values.iter().find(|(i, _)| *i == index).map(|(_, v)| *v)
    }

    /// The `EXT_T_0` index of a whole value, in value-table languages.
    pub fn ext_t0_index(&self, value: &str) -> Option<u32> {
        self.ext_t0_values.iter().find(|(_, v)| *v == value).map(|(i, _)| *i)
    }
}
