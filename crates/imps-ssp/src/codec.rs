//! The typed codec core, table-driven in the spirit of the CSP one.
//!
//! Every SSP element is described once, by [`ssp_struct!`] (or a hand-written [`Element`] impl
//! for choices and embedded CSP): its element name and, per field, where the field lives —
//! `attr("name")` an attribute, `text` the element's own text, `child` a child element named by
//! the field type, `text_child("Name")` the text of a child element — with the cardinality
//! taken from the Rust type (`T` mandatory, `Option<T>` optional, `Vec<T>` repeated). That one
//! description drives both decoding (from the [`XElement`] tree) and encoding.
//!
//! Decoding is strict about elements (an unknown or repeated child is an error naming the path)
//! and tolerant about attributes (unknown ones, `xmlns` declarations included, are ignored), so
//! a peer adding attributes does not break it. Children may come in any order; encoding writes
//! them in the order of the description.

use imps_csp::ids::{GroupId, InviteId, MessageId, SName, UserId};
use imps_csp::{DateTime, ResultCode};

use crate::xml::XElement;
use crate::Error;

/// A value carried in an attribute or as text.
pub(crate) trait Value: Sized {
    /// What a valid value looks like, for errors.
    const EXPECTED: &'static str;
    fn parse(s: &str) -> Option<Self>;
    fn format(&self) -> String;
}

impl Value for String {
    const EXPECTED: &'static str = "text";
    fn parse(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
    fn format(&self) -> String {
        self.clone()
    }
}

impl Value for u32 {
    const EXPECTED: &'static str = "an unsigned integer";
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
    fn format(&self) -> String {
        self.to_string()
    }
}

/// SSP booleans are `Yes`/`No` (Baraza); `T`/`F` and `true`/`false` are accepted too.
impl Value for bool {
    const EXPECTED: &'static str = "Yes or No";
    fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "t" | "true" => Some(true),
            "no" | "f" | "false" => Some(false),
            _ => None,
        }
    }
    fn format(&self) -> String {
        if *self { "Yes" } else { "No" }.to_owned()
    }
}

impl Value for ResultCode {
    const EXPECTED: &'static str = "a result code";
    fn parse(s: &str) -> Option<Self> {
        u32::parse(s).filter(|c| *c <= 999).map(ResultCode)
    }
    fn format(&self) -> String {
        self.0.to_string()
    }
}

impl Value for DateTime {
    const EXPECTED: &'static str = "an ISO 8601 date and time";
    fn parse(s: &str) -> Option<Self> {
        DateTime::parse(s).filter(DateTime::is_valid)
    }
    fn format(&self) -> String {
        self.to_string()
    }
}

macro_rules! string_value {
    ($($t:ty),*) => {$(
        impl Value for $t {
            const EXPECTED: &'static str = "text";
            fn parse(s: &str) -> Option<Self> {
                Some(<$t>::new(s))
            }
            fn format(&self) -> String {
                self.as_str().to_owned()
            }
        }
    )*};
}
string_value!(UserId, GroupId, SName, MessageId, InviteId);

/// Random values for the property tests: every model type implements it (derived by the same
/// descriptions as the codec), driven by a seed.
#[cfg(test)]
pub(crate) trait Sample: Sized {
    fn sample(g: &mut Gen) -> Self;
}

/// A deterministic generator (SplitMix64) for [`Sample`].
#[cfg(test)]
pub(crate) struct Gen(pub u64);

#[cfg(test)]
impl Gen {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self) -> bool {
        self.next() & 1 == 1
    }
    /// Text with what XML must escape, multi-byte characters and layout characters.
    pub fn text(&mut self) -> String {
        const ALPHABET: &[&str] = &[
            "a", "b", "Z", "0", "9", " ", "&", "<", ">", "\"", "'", "\n", "\t", "\r", "ä", "€", "😀", ".", "@", ":",
            "/",
        ];
        let n = self.below(9);
        (0..n).map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize]).collect()
    }
    /// A plain word (for values the embedded CSP codec normalises).
    pub fn word(&mut self) -> String {
        let n = 1 + self.below(8);
        (0..n).map(|_| (b'a' + self.below(26) as u8) as char).collect()
    }
}

#[cfg(test)]
impl Sample for String {
    fn sample(g: &mut Gen) -> Self {
        g.text()
    }
}

#[cfg(test)]
impl Sample for u32 {
    fn sample(g: &mut Gen) -> Self {
        if g.chance() {
            g.below(100) as u32
        } else {
            g.next() as u32
        }
    }
}

#[cfg(test)]
impl Sample for bool {
    fn sample(g: &mut Gen) -> Self {
        g.chance()
    }
}

#[cfg(test)]
impl Sample for ResultCode {
    fn sample(g: &mut Gen) -> Self {
        ResultCode(100 + g.below(900) as u32)
    }
}

#[cfg(test)]
impl Sample for DateTime {
    fn sample(g: &mut Gen) -> Self {
        DateTime::from_unix_seconds(g.below(4_000_000_000) as i64)
    }
}

#[cfg(test)]
impl<T: Sample> Sample for Option<T> {
    fn sample(g: &mut Gen) -> Self {
        g.chance().then(|| T::sample(g))
    }
}

#[cfg(test)]
impl<T: Sample> Sample for Vec<T> {
    fn sample(g: &mut Gen) -> Self {
        let n = g.below(3);
        (0..n).map(|_| T::sample(g)).collect()
    }
}

#[cfg(test)]
macro_rules! sample_id {
    ($($t:ty),*) => {$(
        impl Sample for $t {
            fn sample(g: &mut Gen) -> Self {
                <$t>::new(g.text())
            }
        }
    )*};
}
#[cfg(test)]
sample_id!(UserId, GroupId, SName, MessageId, InviteId);

/// An SSP element with a fixed name.
pub(crate) trait Element: Sized {
    /// The element name.
    const NAME: &'static str;
    /// Decodes `e`, whose path is `path`.
    fn decode(e: &XElement, path: &str) -> Result<Self, Error>;
    /// Encodes into a new element named [`NAME`](Self::NAME).
    fn encode(&self) -> Result<XElement, Error>;
}

pub(crate) fn child_path(path: &str, name: &str) -> String {
    format!("{path}/{name}")
}

pub(crate) fn unexpected(path: &str, found: &str) -> Error {
    Error::UnexpectedElement { path: path.to_owned(), found: found.chars().take(64).collect() }
}

/// An attribute field: `T` mandatory, `Option<T>` optional.
pub(crate) trait AttrField: Sized {
    fn get(e: &XElement, path: &str, name: &'static str) -> Result<Self, Error>;
    fn put(&self, e: &mut XElement, name: &'static str);
}

fn parse_attr<T: Value>(v: &str, path: &str, name: &str) -> Result<T, Error> {
    T::parse(v).ok_or_else(|| Error::invalid(&format!("{path}/@{name}"), v, T::EXPECTED))
}

impl<T: Value> AttrField for T {
    fn get(e: &XElement, path: &str, name: &'static str) -> Result<Self, Error> {
        match e.attr(name) {
            Some(v) => parse_attr(v, path, name),
            None => Err(Error::MissingAttribute { path: path.to_owned(), attribute: name }),
        }
    }
    fn put(&self, e: &mut XElement, name: &'static str) {
        e.set_attr(name, self.format());
    }
}

impl<T: Value> AttrField for Option<T> {
    fn get(e: &XElement, path: &str, name: &'static str) -> Result<Self, Error> {
        e.attr(name).map(|v| parse_attr(v, path, name)).transpose()
    }
    fn put(&self, e: &mut XElement, name: &'static str) {
        if let Some(v) = self {
            e.set_attr(name, v.format());
        }
    }
}

/// The element's own text.
pub(crate) trait TextField: Sized {
    fn get(e: &XElement, path: &str) -> Result<Self, Error>;
    fn put(&self, e: &mut XElement);
}

impl<T: Value> TextField for T {
    fn get(e: &XElement, path: &str) -> Result<Self, Error> {
        T::parse(&e.text).ok_or_else(|| Error::invalid(path, &e.text, T::EXPECTED))
    }
    fn put(&self, e: &mut XElement) {
        e.text = self.format();
    }
}

/// A child element field: `T`, `Option<T>`, `Vec<T>` or `Box<T>` of an [`Element`].
pub(crate) trait ChildField: Sized {
    type Item: Element;
    type Acc: Default;
    fn accept(acc: &mut Self::Acc, c: &XElement, path: &str) -> Result<(), Error>;
    fn finish(acc: Self::Acc, path: &str) -> Result<Self, Error>;
    fn put(&self, e: &mut XElement) -> Result<(), Error>;
}

fn decode_child<T: Element>(c: &XElement, path: &str) -> Result<T, Error> {
    T::decode(c, &child_path(path, &c.name))
}

impl<T: Element> ChildField for T {
    type Item = T;
    type Acc = Option<T>;
    fn accept(acc: &mut Option<T>, c: &XElement, path: &str) -> Result<(), Error> {
        if acc.is_some() {
            return Err(unexpected(path, &c.name));
        }
        *acc = Some(decode_child(c, path)?);
        Ok(())
    }
    fn finish(acc: Option<T>, path: &str) -> Result<Self, Error> {
        acc.ok_or_else(|| Error::MissingElement { path: path.to_owned(), element: T::NAME })
    }
    fn put(&self, e: &mut XElement) -> Result<(), Error> {
        e.children.push(self.encode()?);
        Ok(())
    }
}

impl<T: Element> ChildField for Option<T> {
    type Item = T;
    type Acc = Option<T>;
    fn accept(acc: &mut Option<T>, c: &XElement, path: &str) -> Result<(), Error> {
        <T as ChildField>::accept(acc, c, path)
    }
    fn finish(acc: Option<T>, _: &str) -> Result<Self, Error> {
        Ok(acc)
    }
    fn put(&self, e: &mut XElement) -> Result<(), Error> {
        if let Some(v) = self {
            e.children.push(v.encode()?);
        }
        Ok(())
    }
}

impl<T: Element> ChildField for Vec<T> {
    type Item = T;
    type Acc = Vec<T>;
    fn accept(acc: &mut Vec<T>, c: &XElement, path: &str) -> Result<(), Error> {
        acc.push(decode_child(c, path)?);
        Ok(())
    }
    fn finish(acc: Vec<T>, _: &str) -> Result<Self, Error> {
        Ok(acc)
    }
    fn put(&self, e: &mut XElement) -> Result<(), Error> {
        for v in self {
            e.children.push(v.encode()?);
        }
        Ok(())
    }
}

/// The text of a child element (`<InviteNote>…</InviteNote>`): `T`, `Option<T>` or `Vec<T>`.
pub(crate) trait TextChildField: Sized {
    type Acc: Default;
    fn accept(acc: &mut Self::Acc, c: &XElement, path: &str) -> Result<(), Error>;
    fn finish(acc: Self::Acc, path: &str, name: &'static str) -> Result<Self, Error>;
    fn put(&self, e: &mut XElement, name: &'static str);
}

fn text_child<T: Value>(c: &XElement, path: &str) -> Result<T, Error> {
    if let Some(g) = c.children.first() {
        return Err(Error::UnexpectedContent {
            path: child_path(path, &c.name),
            found: format!("element {} where a value belongs", g.name),
        });
    }
    T::parse(&c.text).ok_or_else(|| Error::invalid(&child_path(path, &c.name), &c.text, T::EXPECTED))
}

fn text_element(name: &'static str, text: String) -> XElement {
    let mut e = XElement::new(name);
    e.text = text;
    e
}

impl<T: Value> TextChildField for T {
    type Acc = Option<T>;
    fn accept(acc: &mut Option<T>, c: &XElement, path: &str) -> Result<(), Error> {
        if acc.is_some() {
            return Err(unexpected(path, &c.name));
        }
        *acc = Some(text_child(c, path)?);
        Ok(())
    }
    fn finish(acc: Option<T>, path: &str, name: &'static str) -> Result<Self, Error> {
        acc.ok_or_else(|| Error::MissingElement { path: path.to_owned(), element: name })
    }
    fn put(&self, e: &mut XElement, name: &'static str) {
        e.children.push(text_element(name, self.format()));
    }
}

impl<T: Value> TextChildField for Option<T> {
    type Acc = Option<T>;
    fn accept(acc: &mut Option<T>, c: &XElement, path: &str) -> Result<(), Error> {
        <T as TextChildField>::accept(acc, c, path)
    }
    fn finish(acc: Option<T>, _: &str, _: &'static str) -> Result<Self, Error> {
        Ok(acc)
    }
    fn put(&self, e: &mut XElement, name: &'static str) {
        if let Some(v) = self {
            e.children.push(text_element(name, v.format()));
        }
    }
}

impl<T: Value> TextChildField for Vec<T> {
    type Acc = Vec<T>;
    fn accept(acc: &mut Vec<T>, c: &XElement, path: &str) -> Result<(), Error> {
        acc.push(text_child(c, path)?);
        Ok(())
    }
    fn finish(acc: Vec<T>, _: &str, _: &'static str) -> Result<Self, Error> {
        Ok(acc)
    }
    fn put(&self, e: &mut XElement, name: &'static str) {
        for v in self {
            e.children.push(text_element(name, v.format()));
        }
    }
}

/// Declares an SSP element struct and its codec from one description (see the module docs).
macro_rules! ssp_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident = $tag:literal {
            $(
                $(#[doc = $doc:literal])*
                pub $field:ident : $ty:ty = $kind:ident $(($arg:literal))?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $crate::codec::Element for $name {
            const NAME: &'static str = $tag;

            #[allow(unused_mut, unused_variables, clippy::let_unit_value)]
            fn decode(e: &$crate::xml::XElement, path: &str) -> Result<Self, $crate::Error> {
                $( let mut $field = $crate::codec::ssp_struct!(@acc $kind $ty); )*
                for c in &e.children {
                    $( if $crate::codec::ssp_struct!(@accept $kind $ty $(,$arg)?; $field, c, path) { continue; } )*
                    return Err($crate::codec::unexpected(path, &c.name));
                }
                Ok($name { $( $field: $crate::codec::ssp_struct!(@finish $kind $ty $(,$arg)?; $field, e, path), )* })
            }

            #[allow(unused_mut)]
            fn encode(&self) -> Result<$crate::xml::XElement, $crate::Error> {
                let mut e = $crate::xml::XElement::new($tag);
                $( $crate::codec::ssp_struct!(@put $kind $ty $(,$arg)?; &self.$field, &mut e); )*
                Ok(e)
            }
        }

        #[cfg(test)]
        impl $crate::codec::Sample for $name {
            #[allow(unused_variables)]
            fn sample(g: &mut $crate::codec::Gen) -> Self {
                $name { $( $field: $crate::codec::Sample::sample(g), )* }
            }
        }
    };

    (@acc attr $ty:ty) => { () };
    (@acc text $ty:ty) => { () };
    (@acc child $ty:ty) => { <<$ty as $crate::codec::ChildField>::Acc as Default>::default() };
    (@acc text_child $ty:ty) => { <<$ty as $crate::codec::TextChildField>::Acc as Default>::default() };

    (@accept attr $ty:ty, $arg:literal; $f:ident, $c:ident, $path:ident) => { false };
    (@accept text $ty:ty; $f:ident, $c:ident, $path:ident) => { false };
    (@accept child $ty:ty; $f:ident, $c:ident, $path:ident) => {
        if $c.name == <<$ty as $crate::codec::ChildField>::Item as $crate::codec::Element>::NAME {
            <$ty as $crate::codec::ChildField>::accept(&mut $f, $c, $path)?;
            true
        } else {
            false
        }
    };
    (@accept text_child $ty:ty, $arg:literal; $f:ident, $c:ident, $path:ident) => {
        if $c.name == $arg {
            <$ty as $crate::codec::TextChildField>::accept(&mut $f, $c, $path)?;
            true
        } else {
            false
        }
    };

    (@finish attr $ty:ty, $arg:literal; $f:ident, $e:ident, $path:ident) => {
        <$ty as $crate::codec::AttrField>::get($e, $path, $arg)?
    };
    (@finish text $ty:ty; $f:ident, $e:ident, $path:ident) => {
        <$ty as $crate::codec::TextField>::get($e, $path)?
    };
    (@finish child $ty:ty; $f:ident, $e:ident, $path:ident) => {
        <$ty as $crate::codec::ChildField>::finish($f, $path)?
    };
    (@finish text_child $ty:ty, $arg:literal; $f:ident, $e:ident, $path:ident) => {
        <$ty as $crate::codec::TextChildField>::finish($f, $path, $arg)?
    };

    (@put attr $ty:ty, $arg:literal; $v:expr, $e:expr) => { $crate::codec::AttrField::put($v, $e, $arg) };
    (@put text $ty:ty; $v:expr, $e:expr) => { $crate::codec::TextField::put($v, $e) };
    (@put child $ty:ty; $v:expr, $e:expr) => { $crate::codec::ChildField::put($v, $e)? };
    (@put text_child $ty:ty, $arg:literal; $v:expr, $e:expr) => { $crate::codec::TextChildField::put($v, $e, $arg) };
}
pub(crate) use ssp_struct;

/// Declares an enumerated attribute value with its wire strings (compared case-insensitively
/// when decoding).
macro_rules! ssp_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire, )*
                }
            }
        }

        impl $crate::codec::Value for $name {
            const EXPECTED: &'static str = concat!("one of" $(, " ", $wire)*);
            fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                $( if s.eq_ignore_ascii_case($wire) { return Some($name::$variant); } )*
                None
            }
            fn format(&self) -> String {
                self.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(test)]
        impl $crate::codec::Sample for $name {
            fn sample(g: &mut $crate::codec::Gen) -> Self {
                Self::ALL[g.below(Self::ALL.len() as u64) as usize]
            }
        }
    };
}
pub(crate) use ssp_enum;
