//! The symmetric codec core.
//!
//! Every CSP element is described once, by `csp_struct!` (containers) or a
//! [`Codec`] impl (leaf values): its children, each child's element name and cardinality (from the
//! Rust type: `T` mandatory, `Option<T>` optional, `Vec<T>` repeated) and the versions that carry
//! it. That description drives decode and encode, over XML and WBXML alike, through the
//! [`Source`] and [`Sink`] abstractions that the two encodings implement.

pub(crate) mod lookup;
mod path;
pub(crate) mod value;
pub(crate) mod wbxml;
pub(crate) mod xml;

use std::borrow::Cow;

use crate::raw::{RawElement, RawNode};
use crate::schema::Elem;
use crate::{DateTime, Error, Version};

/// A child element met while decoding a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Child {
    /// A CSP element.
    Known(Elem),
    /// An element name that no CSP version defines (or a WBXML token the version's table lacks,
    /// reported as `page:token`): [`Source::current_name`] tells it while it is open.
    Unknown,
}

/// The content of a leaf element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Leaf<'a> {
    /// Text (XML character data; WBXML inline/table strings, entities and `EXT_T_0` values).
    Text(Cow<'a, str>),
    /// WBXML `OPAQUE` data (integers, DateTime, binary content).
    Opaque(Cow<'a, [u8]>),
}

/// The content of an element that may hold either a value or child elements (see
/// [`Source::leaf_or_child`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Content<'a> {
    /// A value: the whole content, through the element's end (as from [`Source::leaf`]).
    Leaf(Leaf<'a>),
    /// Child elements: the first one has started (as from [`Source::next_child`]); continue
    /// with [`Resumed`] or `next_child`.
    Child(Child),
}

/// A decoding position in an XML or WBXML document, seen as a tree of [`Elem`]s.
///
/// Protocol: after [`next_child`](Self::next_child) returns `Some`, the child's start has been
/// consumed and the caller must consume the child entirely, with `next_child` until `None`
/// (containers), [`leaf`](Self::leaf) (values), [`raw_content`](Self::raw_content) (extension data)
/// or [`skip`](Self::skip).
pub(crate) trait Source<'a> {
    /// The document's version.
    fn version(&self) -> Version;

    /// The next child of the current element; `None` when the current element ends (its end is
    /// consumed). Whitespace between children is skipped; other text is an error.
    fn next_child(&mut self) -> Result<Option<Child>, Error>;

    /// The whole content of the current element as a leaf value, through its end.
    fn leaf(&mut self) -> Result<Leaf<'a>, Error>;

    /// The content of the current element when it may be either a value or child elements (an
    /// element that is text in one version and structured in another, e.g. 1.3's
    /// `AcceptedContentType`): [`Content::Leaf`] with the whole content through the end (an
    /// empty element is empty text), or [`Content::Child`] with the first child started.
    /// Whitespace before a first child is layout; other text or `OPAQUE` data mixed with
    /// elements is [`Error::UnexpectedContent`].
    fn leaf_or_child(&mut self) -> Result<Content<'a>, Error>;

    /// The whole content of the current element as text (WBXML `OPAQUE` accepted when it is
    /// UTF-8), through its end.
    fn leaf_text(&mut self) -> Result<Cow<'a, str>, Error> {
        let leaf = self.leaf()?;
        leaf_into_text(self, leaf)
    }

    /// The whole content of the current element as raw nodes, through its end.
    fn raw_content(&mut self) -> Result<Vec<RawNode>, Error>;

    /// Skips the rest of the current element, through its end.
    fn skip(&mut self) -> Result<(), Error> {
        self.raw_content().map(drop)
    }

    /// The path errors name, e.g. `/WV-CSP-Message/Session/Transaction`: after a start, the
    /// element just started; after an end, the element just ended (so a missing child is
    /// reported at the element that lacks it, and a bad value at its leaf).
    fn path(&self) -> String;

    /// [`path`](Self::path) without its last step: the parent of a child just started.
    fn parent_path(&self) -> String {
        let mut p = self.path();
        p.truncate(p.rfind('/').unwrap_or(0));
        p
    }

    /// The name of the innermost open element (of a child just started).
    fn current_name(&self) -> String;

    /// The name of `child`, just started.
    fn child_name(&self, child: &Child) -> String {
        match child {
            Child::Known(e) => e.name(self.version()).to_owned(),
            Child::Unknown => self.current_name(),
        }
    }

    /// An [`Error::UnexpectedElement`] for `child`, just started, naming its parent's path.
    fn unexpected(&self, child: &Child) -> Error {
        Error::UnexpectedElement { path: self.parent_path(), found: self.child_name(child) }
    }

    /// An [`Error::InvalidValue`] for the current element.
    fn invalid(&self, value: &str, expected: &'static str) -> Error {
        let value: String = value.chars().take(64).collect();
        Error::InvalidValue { path: self.path(), value, expected }
    }
}

/// A leaf's content as text (WBXML `OPAQUE` accepted when it is UTF-8); `src` has just read it.
pub(crate) fn leaf_into_text<'a, S: Source<'a> + ?Sized>(src: &S, leaf: Leaf<'a>) -> Result<Cow<'a, str>, Error> {
    match leaf {
        Leaf::Text(t) => Ok(t),
        Leaf::Opaque(Cow::Borrowed(b)) => {
            std::str::from_utf8(b).map(Cow::Borrowed).map_err(|_| src.invalid("<binary OPAQUE>", "text"))
        }
        Leaf::Opaque(Cow::Owned(b)) => {
            String::from_utf8(b).map(Cow::Owned).map_err(|_| src.invalid("<binary OPAQUE>", "text"))
        }
    }
}

/// A source whose first child has already been started (after [`Source::leaf_or_child`]
/// returned [`Content::Child`]): `next_child` returns that child first, then continues. Lets a
/// container's ordinary decoder (e.g. a `csp_struct!`) read such content.
pub(crate) struct Resumed<'s, S> {
    src: &'s mut S,
    first: Option<Child>,
}

impl<'s, S> Resumed<'s, S> {
    /// `src`, positioned just after the start of `first`.
    pub(crate) fn new(src: &'s mut S, first: Child) -> Self {
        Resumed { src, first: Some(first) }
    }
}

impl<'a, S: Source<'a>> Source<'a> for Resumed<'_, S> {
    fn version(&self) -> Version {
        self.src.version()
    }
    fn next_child(&mut self) -> Result<Option<Child>, Error> {
        match self.first.take() {
            Some(c) => Ok(Some(c)),
            None => self.src.next_child(),
        }
    }
    fn leaf(&mut self) -> Result<Leaf<'a>, Error> {
        self.src.leaf()
    }
    fn leaf_or_child(&mut self) -> Result<Content<'a>, Error> {
        self.src.leaf_or_child()
    }
    fn leaf_text(&mut self) -> Result<Cow<'a, str>, Error> {
        self.src.leaf_text()
    }
    fn raw_content(&mut self) -> Result<Vec<RawNode>, Error> {
        self.src.raw_content()
    }
    fn path(&self) -> String {
        self.src.path()
    }
    fn current_name(&self) -> String {
        self.src.current_name()
    }
}

/// Raw content that holds elements is element content: whitespace-only text between them is
/// layout (XML indentation; libwbxml drops it too), not data, so decoding drops it and the same
/// document pretty-printed, compact or in WBXML gives the same value.
pub(crate) fn drop_layout_whitespace(nodes: &mut Vec<RawNode>) {
    if nodes.iter().any(|n| matches!(n, RawNode::Element(_))) {
        nodes.retain(|n| !matches!(n, RawNode::Text(t) if t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))));
    }
}

/// Whether `text` is all ASCII whitespace ([`u8::is_ascii_whitespace`]): layout between
/// elements. Indentation (line breaks, then spaces) is checked eight spaces at a time.
#[inline]
pub(crate) fn is_layout(text: &[u8]) -> bool {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let mut t = text;
    while let [b'\n' | b'\r', rest @ ..] = t {
        t = rest;
    }
    let mut chunks = t.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        if u64::from_le_bytes(w) != SPACES {
            return t.iter().all(u8::is_ascii_whitespace);
        }
    }
    let r = chunks.remainder();
    r.iter().all(|&b| b == b' ') || r.iter().all(u8::is_ascii_whitespace)
}

/// An encoding target (XML or WBXML writer) for one version.
pub(crate) trait Sink {
    /// The target version.
    fn version(&self) -> Version;
    /// Starts an element; fails when the version lacks it.
    fn start(&mut self, elem: Elem) -> Result<(), Error>;
    /// Writes text content of the current element.
    fn text(&mut self, elem: Elem, text: &str) -> Result<(), Error>;
    /// Writes an integer value (XML decimal; WBXML `OPAQUE` big-endian).
    fn integer(&mut self, value: u32) -> Result<(), Error>;
    /// Writes a DateTime value (XML ISO 8601; WBXML `OPAQUE` when the zone allows).
    fn datetime(&mut self, elem: Elem, value: &DateTime) -> Result<(), Error>;
    /// Writes a raw (extension) element with its content.
    fn raw(&mut self, raw: &RawElement) -> Result<(), Error>;
    /// Writes raw nodes as the content of the current element.
    fn raw_nodes(&mut self, nodes: &[RawNode]) -> Result<(), Error> {
        for n in nodes {
            match n {
                RawNode::Element(e) => self.raw(e)?,
                RawNode::Text(t) => self.raw_text(t)?,
            }
        }
        Ok(())
    }
    /// Writes text inside raw content.
    fn raw_text(&mut self, text: &str) -> Result<(), Error>;
    /// Ends the current element.
    fn end(&mut self) -> Result<(), Error>;
}

/// A value that is the content of a CSP element: decoded after the element's start, encoded
/// between its start and end. One impl serves both directions and both encodings.
pub(crate) trait Codec: Sized {
    /// Decodes the content of the element just started (`elem`), through its end.
    fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Self, Error>;
    /// Encodes the content of `elem` (start and end are written by the caller).
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error>;
}

/// Writes `<elem>value</elem>`.
pub(crate) fn encode_element<W: Sink, T: Codec>(w: &mut W, elem: Elem, value: &T) -> Result<(), Error> {
    w.start(elem)?;
    value.encode(w, elem)?;
    w.end()
}

/// Cardinality of a container's field, from its Rust type: `T` exactly one, `Option<T>` zero or
/// one, `Vec<T>` any number.
pub(crate) trait Field: Sized {
    /// Accumulator while decoding.
    type Acc: Default;
    /// Decodes one occurrence of the field's element.
    fn accept<'a, S: Source<'a>>(acc: &mut Self::Acc, src: &mut S, elem: Elem) -> Result<(), Error>;
    /// The field's value once the container ends.
    fn finish<'a, S: Source<'a>>(acc: Self::Acc, src: &S, elem: Elem) -> Result<Self, Error>;
    /// Whether encoding writes anything.
    fn is_present(&self) -> bool;
    /// Writes every occurrence.
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error>;
}

fn duplicate<'a, S: Source<'a>>(src: &S, elem: Elem) -> Error {
    Error::UnexpectedElement { path: src.parent_path(), found: elem.name(src.version()).to_owned() }
}

impl<T: Codec> Field for T {
    type Acc = Option<T>;
    fn accept<'a, S: Source<'a>>(acc: &mut Option<T>, src: &mut S, elem: Elem) -> Result<(), Error> {
        if acc.is_some() {
            return Err(duplicate(src, elem));
        }
        *acc = Some(T::decode(src, elem)?);
        Ok(())
    }
    fn finish<'a, S: Source<'a>>(acc: Option<T>, src: &S, elem: Elem) -> Result<Self, Error> {
        acc.ok_or_else(|| Error::MissingElement { path: src.path(), element: elem.name(src.version()) })
    }
    fn is_present(&self) -> bool {
        true
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        encode_element(w, elem, self)
    }
}

impl<T: Codec> Field for Option<T> {
    type Acc = Option<T>;
    fn accept<'a, S: Source<'a>>(acc: &mut Option<T>, src: &mut S, elem: Elem) -> Result<(), Error> {
        if acc.is_some() {
            return Err(duplicate(src, elem));
        }
        *acc = Some(T::decode(src, elem)?);
        Ok(())
    }
    fn finish<'a, S: Source<'a>>(acc: Option<T>, _: &S, _: Elem) -> Result<Self, Error> {
        Ok(acc)
    }
    fn is_present(&self) -> bool {
        self.is_some()
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        match self {
            Some(v) => encode_element(w, elem, v),
            None => Ok(()),
        }
    }
}

impl<T: Codec> Field for Vec<T> {
    type Acc = Vec<T>;
    fn accept<'a, S: Source<'a>>(acc: &mut Vec<T>, src: &mut S, elem: Elem) -> Result<(), Error> {
        acc.push(T::decode(src, elem)?);
        Ok(())
    }
    fn finish<'a, S: Source<'a>>(acc: Vec<T>, _: &S, _: Elem) -> Result<Self, Error> {
        Ok(acc)
    }
    fn is_present(&self) -> bool {
        !self.is_empty()
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        self.iter().try_for_each(|v| encode_element(w, elem, v))
    }
}

/// Encodes a field, refusing a present field in a version whose content model lacks it.
pub(crate) fn encode_field<W: Sink, F: Field>(
    w: &mut W,
    field: &F,
    elem: Elem,
    versions: &[Version],
) -> Result<(), Error> {
    if !field.is_present() {
        return Ok(());
    }
    if !versions.contains(&w.version()) {
        return Err(Error::NotInVersion { element: elem.name(w.version()), version: w.version() });
    }
    field.encode(w, elem)
}

/// Describes a CSP container element once; generates the struct and its [`Codec`] impl.
///
/// ```text
/// csp_struct! {
///     /// Doc.
///     pub struct LoginRequest {
///         /// Doc of the field.
///         pub user_id: UserId = UserID,
///         pub digest_schema: Vec<DigestSchema> = DigestSchema,
///         pub auto_subscribe: Option<bool> = AutoSubscribe [V1_2],   // versions carrying it
///     }
/// }
/// ```
/// Decoding accepts children in any order and refuses unknown or repeated single children;
/// encoding writes them in declaration order (the DTD's).
macro_rules! csp_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : $ty:ty = $elem:ident $([$($ver:ident),+])?
            ),* $(,)?
        }
    ) => {
        $crate::codec::csp_struct! { @impl $(#[$meta])* $name [$( $(#[doc = $doc])* $field : $ty = $elem $([$($ver),+])? ),*] [] }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : $ty:ty = $elem:ident $([$($ver:ident),+])?
            ,)*
            @extensions $ext:ident
            $(,)?
        }
    ) => {
        $crate::codec::csp_struct! { @impl $(#[$meta])* $name [$( $(#[doc = $doc])* $field : $ty = $elem $([$($ver),+])? ),*] [
            #[doc = "Child elements outside the content model, kept as they came."] $ext
        ] }
    };
    (@impl
        $(#[$meta:meta])* $name:ident
        [$( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $elem:ident $([$($ver:ident),+])? ),*]
        [$($(#[doc = $edoc:literal])* $ext:ident)?]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            $( $(#[doc = $edoc])* pub $ext: Vec<$crate::raw::RawElement>, )?
        }

        impl $crate::codec::Codec for $name {
            #[allow(unused_variables, unused_mut)]
            fn decode<'a, S: $crate::codec::Source<'a>>(src: &mut S, elem: $crate::schema::Elem) -> Result<Self, $crate::Error> {
                $( let mut $field = <<$ty as $crate::codec::Field>::Acc as Default>::default(); )*
                $( let mut $ext: Vec<$crate::raw::RawElement> = Vec::new(); )?
                while let Some(child) = src.next_child()? {
                    match child {
                        $( $crate::codec::Child::Known($crate::schema::Elem::$elem) =>
                            <$ty as $crate::codec::Field>::accept(&mut $field, src, $crate::schema::Elem::$elem)?, )*
                        other => {
                            $(
                                let name = $crate::codec::Source::child_name(src, &other);
                                let children = src.raw_content()?;
                                $ext.push($crate::raw::RawElement { name, attributes: Vec::new(), children });
                                continue;
                            )?
                            #[allow(unreachable_code)]
                            return Err(src.unexpected(&other));
                        }
                    }
                }
                Ok($name {
                    $( $field: <$ty as $crate::codec::Field>::finish($field, src, $crate::schema::Elem::$elem)?, )*
                    $( $ext, )?
                })
            }

            #[allow(unused_variables)]
            fn encode<W: $crate::codec::Sink>(&self, w: &mut W, elem: $crate::schema::Elem) -> Result<(), $crate::Error> {
                $(
                    $crate::codec::encode_field(
                        w,
                        &self.$field,
                        $crate::schema::Elem::$elem,
                        $crate::codec::csp_struct!(@versions $([$($ver),+])?),
                    )?;
                )*
                $( for raw in &self.$ext { w.raw(raw)?; } )?
                Ok(())
            }
        }
    };
    (@versions) => { &$crate::Version::ALL };
    (@versions [$($ver:ident),+]) => { &[$($crate::Version::$ver),+] };
}

pub(crate) use csp_struct;

/// Describes a closed CSP value set once: the enum, its wire strings, and its [`Codec`] impl.
/// A value outside the set is [`Error::InvalidValue`]. The first variant is the `Default`.
macro_rules! csp_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $first_doc:literal $first:ident = $first_s:literal,
            $( $doc:literal $var:ident = $s:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
        pub enum $name {
            #[doc = $first_doc]
            #[default]
            $first,
            $( #[doc = $doc] $var, )*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$name::$first, $($name::$var),*];

            /// The wire string.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $name::$first => $first_s,
                    $( $name::$var => $s, )*
                }
            }

            /// The value of a wire string.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $first_s => Some($name::$first),
                    $( $s => Some($name::$var), )*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::codec::Codec for $name {
            fn decode<'a, S: $crate::codec::Source<'a>>(src: &mut S, _: $crate::schema::Elem) -> Result<Self, $crate::Error> {
                let text = $crate::codec::value::leaf_text(src)?;
                $name::parse(text.trim()).ok_or_else(|| src.invalid(&text, stringify!($name)))
            }
            fn encode<W: $crate::codec::Sink>(&self, w: &mut W, elem: $crate::schema::Elem) -> Result<(), $crate::Error> {
                w.text(elem, self.as_str())
            }
        }
    };
}

pub(crate) use csp_enum;

/// Like `csp_enum!`, for value sets whose normative list is open or not fixed by the public
/// record: known values are variants, anything else is kept in `Other`.
macro_rules! csp_open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $doc:literal $var:ident = $s:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub enum $name {
            $( #[doc = $doc] $var, )*
            /// A value outside the known list, kept as it came.
            Other(String),
        }

        #[cfg(any(test, feature = "arbitrary"))]
        impl<'a> arbitrary::Arbitrary<'a> for $name {
            fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                // `Other` never holds a known value, so values round-trip through the wire.
                const KNOWN: &[&str] = &[$($s),*];
                if u.arbitrary()? {
                    Ok($name::parse(u.choose(KNOWN)?))
                } else {
                    Ok($name::parse(&String::arbitrary(u)?))
                }
            }
        }

        impl $name {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$var => $s, )*
                    $name::Other(s) => s,
                }
            }

            /// The value of a wire string (unknown strings become `Other`).
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $s => $name::$var, )*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::codec::Codec for $name {
            fn decode<'a, S: $crate::codec::Source<'a>>(src: &mut S, _: $crate::schema::Elem) -> Result<Self, $crate::Error> {
                Ok($name::parse(&$crate::codec::value::leaf_text(src)?))
            }
            fn encode<W: $crate::codec::Sink>(&self, w: &mut W, elem: $crate::schema::Elem) -> Result<(), $crate::Error> {
                w.text(elem, self.as_str())
            }
        }
    };
}

pub(crate) use csp_open_enum;

#[cfg(test)]
mod tests {
    #[test]
    fn is_layout_is_ascii_whitespace() {
        let pieces: &[&[u8]] = &[b" ", b"\t", b"\n", b"\r", b"\x0c", b"\x0b", b"x", b"\0", b"\xc2\xa0", b"        "];
        let mut cases: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for c in &cases {
                for p in pieces {
                    let mut n = c.clone();
                    n.extend_from_slice(p);
                    next.push(n);
                }
            }
            cases.extend(next.into_iter().filter(|c| c.len() <= 40));
            cases.dedup();
        }
        for c in &cases {
            assert_eq!(super::is_layout(c), c.iter().all(u8::is_ascii_whitespace), "{c:?}");
        }
    }
}
