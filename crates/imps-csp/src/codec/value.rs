//! Leaf value codecs: text, integers, booleans, DateTime, identifiers, empty markers.

use std::borrow::Cow;

use super::{Codec, Leaf, Sink, Source};
use crate::ids::*;
use crate::schema::Elem;
use crate::{DateTime, Error, ResultCode};

/// The leaf's content as text (WBXML `OPAQUE` accepted when it is UTF-8).
#[inline]
pub(crate) fn leaf_text<'a, S: Source<'a>>(src: &mut S) -> Result<Cow<'a, str>, Error> {
    src.leaf_text()
}

/// Parses a CSP integer: decimal digits, surrounding whitespace allowed.
pub(crate) fn parse_integer(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Decodes an integer: text, or WBXML `OPAQUE` big-endian of 0-4 bytes (spec notes 6.2).
pub(crate) fn decode_integer<'a, S: Source<'a>>(src: &mut S) -> Result<u32, Error> {
    match src.leaf()? {
        Leaf::Text(t) => parse_integer(&t).ok_or_else(|| src.invalid(&t, "an integer")),
        Leaf::Opaque(b) if b.len() <= 4 => Ok(b.iter().fold(0u32, |acc, &x| (acc << 8) | x as u32)),
        Leaf::Opaque(b) => Err(src.invalid(&format!("<{}-byte OPAQUE>", b.len()), "an integer of at most 4 bytes")),
    }
}

/// A boxed value codes as the value (for large, rarely present children such as a
/// `PresenceSubList` inside a primitive that usually carries something else).
impl<T: Codec> Codec for Box<T> {
    fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Self, Error> {
        T::decode(src, elem).map(Box::new)
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        (**self).encode(w, elem)
    }
}

impl Codec for String {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        leaf_text(src).map(Cow::into_owned)
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        w.text(elem, self)
    }
}

impl Codec for u32 {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        decode_integer(src)
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        w.integer(*self)
    }
}

/// CSP booleans are the strings `T` and `F`.
impl Codec for bool {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let t = leaf_text(src)?;
        match t.trim() {
            "T" => Ok(true),
            "F" => Ok(false),
            _ => Err(src.invalid(&t, "T or F")),
        }
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        w.text(elem, if *self { "T" } else { "F" })
    }
}

/// An empty marker element (e.g. a service-tree function such as `<GETSPI/>`).
impl Codec for () {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let t = leaf_text(src)?;
        if t.trim().is_empty() {
            Ok(())
        } else {
            Err(src.invalid(&t, "an empty element"))
        }
    }
    fn encode<W: Sink>(&self, _: &mut W, _: Elem) -> Result<(), Error> {
        Ok(())
    }
}

impl Codec for DateTime {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        match src.leaf()? {
            Leaf::Text(t) => DateTime::parse(&t).ok_or_else(|| src.invalid(&t, "an ISO 8601 DateTime")),
            Leaf::Opaque(b) => DateTime::from_opaque(&b)
                .ok_or_else(|| src.invalid(&format!("<{}-byte OPAQUE>", b.len()), "a 6-byte OPAQUE DateTime")),
        }
    }
    fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
        w.datetime(elem, self)
    }
}

macro_rules! text_id_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
                leaf_text(src).map(|t| Self(t.into_owned()))
            }
            fn encode<W: Sink>(&self, w: &mut W, elem: Elem) -> Result<(), Error> {
                w.text(elem, &self.0)
            }
        }
    )*};
}
text_id_codec!(UserId, ContactListId, GroupId, SName, MessageId, TransactionId, SessionId, InviteId, Domain);

impl Codec for SearchId {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        decode_integer(src).map(SearchId)
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        w.integer(self.0)
    }
}

impl Codec for ResultCode {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        decode_integer(src).map(ResultCode)
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        w.integer(self.0)
    }
}
