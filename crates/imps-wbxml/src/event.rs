//! The events a [`Reader`](crate::Reader) yields and a [`Writer`](crate::Writer) accepts.
//!
//! Events are *logical*: a string is a string whether it travelled inline (`STR_I`) or through the
//! string table (`STR_T`); how it is written is the writer's choice
//! ([`StringTableMode`](crate::StringTableMode)). Everything else in the token stream is kept
//! exactly (tokens, code pages, entities, extensions, opaque data, processing instructions), so a
//! document read and written again carries the same information.

use std::borrow::Cow;

/// An element's tag: a token on a tag code page, or a literal name (`LITERAL*`, via the string table).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag<'a> {
    /// A tag token (low 6 bits of the tag byte, `0x05..=0x3F`) on a tag code page.
    Token {
        /// Tag code page (`SWITCH_PAGE` state).
        page: u8,
        /// Token without the attribute/content flags.
        token: u8,
    },
    /// A literal tag name (`LITERAL`, `LITERAL_A`, `LITERAL_C`, `LITERAL_AC`).
    Literal(Cow<'a, str>),
}

/// The start of an attribute (or of a processing instruction's target).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttrStart<'a> {
    /// An attribute-start token (`0x05..=0x7F`) on an attribute code page. Such a token may name the
    /// attribute and a prefix of its value (e.g. `xmlns="http://www.wireless-village.org/CSP"`).
    Token {
        /// Attribute code page.
        page: u8,
        /// Attribute-start token.
        token: u8,
    },
    /// A literal attribute name (`LITERAL`, through the string table).
    Literal(Cow<'a, str>),
}

/// The three extension token families of WBXML (section 5.8.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Extension<'a> {
    /// `EXT_I_0..2`: an inline string.
    Inline {
        /// Which extension (0, 1 or 2).
        n: u8,
        /// The string.
        value: Cow<'a, str>,
    },
    /// `EXT_T_0..2`: an `mb_u_int32`. In standard WBXML it is a string-table offset; some languages
    /// (WV-CSP) use it as an index into their own value table, so it is reported raw.
    Token {
        /// Which extension (0, 1 or 2).
        n: u8,
        /// The integer following the token.
        value: u32,
    },
    /// `EXT_0..2`: a single-byte extension token.
    Single {
        /// Which extension (0, 1 or 2).
        n: u8,
    },
}

/// One part of an attribute value (or processing-instruction value).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttrValue<'a> {
    /// A string (`STR_I` or `STR_T`).
    Text(Cow<'a, str>),
    /// An attribute-value token (`0x80..=0xFF`) on an attribute code page.
    Token {
        /// Attribute code page.
        page: u8,
        /// Attribute-value token.
        token: u8,
    },
    /// A character entity (`ENTITY`): a UCS-4 code point.
    Entity(u32),
    /// An extension token.
    Extension(Extension<'a>),
    /// Opaque data (`OPAQUE`, WBXML 1.3 allows it in attribute values).
    Opaque(Cow<'a, [u8]>),
}

/// One event of a WBXML body.
///
/// The sequence for an element is: `Start`, then (when `has_attributes`) one or more attributes
/// each as `AttrStart` followed by zero or more `AttrValue`, then `AttrEnd`; then (when
/// `has_content`) the content events; then `End`. `End` is reported for every element, also for
/// elements without the content flag. A processing instruction is `Pi`, `AttrStart`,
/// zero or more `AttrValue`, `AttrEnd`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event<'a> {
    /// An element starts.
    Start {
        /// Its tag.
        tag: Tag<'a>,
        /// The tag carried the attribute flag (`0x80`, or `LITERAL_A`/`LITERAL_AC`).
        has_attributes: bool,
        /// The tag carried the content flag (`0x40`, or `LITERAL_C`/`LITERAL_AC`).
        has_content: bool,
    },
    /// An attribute (or a PI target) starts.
    AttrStart(AttrStart<'a>),
    /// One part of the current attribute's value.
    AttrValue(AttrValue<'a>),
    /// The attribute list (or PI) ends.
    AttrEnd,
    /// Character data (`STR_I` or `STR_T`).
    Text(Cow<'a, str>),
    /// A character entity (`ENTITY`) in content.
    Entity(u32),
    /// An extension token in content.
    Extension(Extension<'a>),
    /// Opaque data (`OPAQUE`) in content.
    Opaque(Cow<'a, [u8]>),
    /// A processing instruction starts (followed by `AttrStart`, `AttrValue*`, `AttrEnd`).
    Pi,
    /// The current element ends.
    End,
}
