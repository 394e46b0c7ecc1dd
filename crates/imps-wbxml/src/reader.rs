//! The pull reader (WAP-192-WBXML sections 5.3–5.8).

use std::borrow::Cow;

use crate::event::{AttrStart, AttrValue, Event, Extension, Tag};
use crate::token::*;
use crate::{mb, Charset, Error, ErrorKind, Header, Limits, PublicId, WbxmlVersion};

/// Where the reader is in the body grammar (section 5.3):
/// `body = *pi element *pi`, `element = stag [1*attribute END] [*content END]`,
/// `pi = PI attrStart *attrValue END`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the root element: processing instructions or the root's start tag.
    BeforeRoot,
    /// Inside an element with content.
    Content,
    /// After a start tag with the attribute flag, or after `PI`: an attribute start must follow.
    AttrFirst(AttrCtx),
    /// After an attribute start: values, another attribute start (elements only) or `END`.
    AttrValues(AttrCtx),
    /// An element without the content flag has been reported; its `End` is next.
    PendingEnd,
    /// After the root element: processing instructions or the end of input.
    AfterRoot,
}

/// What an attribute list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AttrCtx {
    /// The attribute list of an element.
    Element {
        /// The element carried the content flag.
        has_content: bool,
        /// Attributes seen so far.
        count: usize,
    },
    /// The target and value of a processing instruction, and the state to return to.
    Pi(Resume),
}

/// The state a processing instruction returns to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resume {
    BeforeRoot,
    Content,
    AfterRoot,
}

impl Resume {
    fn state(self) -> State {
        match self {
            Resume::BeforeRoot => State::BeforeRoot,
            Resume::Content => State::Content,
            Resume::AfterRoot => State::AfterRoot,
        }
    }
}

/// A pull reader over one WBXML document held in memory.
///
/// [`Reader::new`] parses the header and string table; [`Reader::next`] then yields the body's
/// [`Event`]s in document order and `Ok(None)` once the root element (and any trailing
/// processing instructions) has been read. After an error, every further call returns the same
/// error: the reader never panics, never loops without consuming input, and never allocates in
/// proportion to a length read from the input before the bytes are there.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    limits: Limits,
    header: Header<'a>,
    string_table: &'a [u8],
    tag_page: u8,
    attr_page: u8,
    depth: usize,
    state: State,
    failed: Option<Error>,
}

impl<'a> Reader<'a> {
    /// Parses the header with the default [`Limits`].
    pub fn new(input: &'a [u8]) -> Result<Self, Error> {
        Self::with_limits(input, Limits::DEFAULT)
    }

    /// Parses the header with the given limits.
    ///
    /// The header is `version publicid [charset] strtbl` (section 5.4–5.7); WBXML 1.0 has no
    /// charset field.
    pub fn with_limits(input: &'a [u8], limits: Limits) -> Result<Self, Error> {
        if input.len() > limits.max_input {
            return Err(Error::new(ErrorKind::InputTooLarge(input.len()), 0));
        }
        let mut pos = 0;

        let version = *input.first().ok_or(Error::new(ErrorKind::UnexpectedEof, 0))?;
        if version > WbxmlVersion::V1_3.0 {
            return Err(Error::new(ErrorKind::UnsupportedVersion(version), 0));
        }
        pos += 1;

        // publicid = mb_u_int32 | (zero index)
        let public_id_at = pos;
        let (raw_id, n) = read_mb(input, pos, pos)?;
        pos += n;
        let public_id_index = if raw_id == 0 {
            let (index, n) = read_mb(input, pos, public_id_at)?;
            pos += n;
            Some(index)
        } else {
            None
        };

        let charset = if version == WbxmlVersion::V1_0.0 {
            Charset::Unknown
        } else {
            let at = pos;
            let (mib, n) = read_mb(input, pos, at)?;
            pos += n;
            Charset::from_mib_enum(mib).ok_or(Error::new(ErrorKind::UnsupportedCharset(mib), at))?
        };

        // strtbl = length *byte; the declared length is checked before anything is sliced.
        let table_at = pos;
        let (table_len, n) = read_mb(input, pos, table_at)?;
        pos += n;
        let too_large = usize::try_from(table_len).map_or(true, |len| len > limits.max_string_table);
        if too_large {
            return Err(Error::new(ErrorKind::StringTableTooLarge(table_len), table_at));
        }
        let string_table = take(input, pos, table_len).ok_or(Error::new(ErrorKind::UnexpectedEof, table_at))?;
        pos += string_table.len();

        let public_id = match (raw_id, public_id_index) {
            (0, Some(index)) => {
                let bytes = table_string(string_table, index).map_err(|kind| Error::new(kind, public_id_at))?;
                PublicId::String(decode_str(charset, bytes).map_err(|kind| Error::new(kind, public_id_at))?)
            }
            (1, _) => PublicId::Unknown,
            (id, _) => PublicId::Known(id),
        };

        Ok(Reader {
            input,
            pos,
            limits,
            header: Header { version: WbxmlVersion(version), public_id, charset },
            string_table,
            tag_page: 0,
            attr_page: 0,
            depth: 0,
            state: State::BeforeRoot,
            failed: None,
        })
    }

    /// The document header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The raw string table.
    pub fn string_table(&self) -> &'a [u8] {
        self.string_table
    }

    /// The byte offset of the next token to read.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The current element nesting depth (0 outside the root element).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The next event, or `None` at the end of the document.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Event<'a>>, Error> {
        if let Some(err) = &self.failed {
            return Err(err.clone());
        }
        let result = self.step();
        if let Err(err) = &result {
            self.failed = Some(err.clone());
        }
        result
    }

    /// One event. Every iteration of the loop consumes at least one byte (a `SWITCH_PAGE`).
    fn step(&mut self) -> Result<Option<Event<'a>>, Error> {
        loop {
            let at = self.pos;
            match self.state {
                State::PendingEnd => return Ok(Some(self.close_element())),
                State::BeforeRoot | State::AfterRoot => {
                    let before = self.state == State::BeforeRoot;
                    let Some(byte) = self.peek() else {
                        return if before { Err(Error::new(ErrorKind::NoRootElement, at)) } else { Ok(None) };
                    };
                    match byte {
                        PI => {
                            self.pos += 1;
                            let resume = if before { Resume::BeforeRoot } else { Resume::AfterRoot };
                            self.state = State::AttrFirst(AttrCtx::Pi(resume));
                            return Ok(Some(Event::Pi));
                        }
                        _ if !before => return Err(Error::new(ErrorKind::TrailingData, at)),
                        SWITCH_PAGE => self.switch_page(true)?,
                        _ if is_tag_start(byte) => return self.start_tag(byte).map(Some),
                        _ => return Err(Error::new(ErrorKind::UnexpectedToken(byte), at)),
                    }
                }
                State::Content => {
                    let byte = self.peek().ok_or(Error::new(ErrorKind::UnexpectedEof, at))?;
                    match byte {
                        SWITCH_PAGE => self.switch_page(true)?,
                        END => {
                            self.pos += 1;
                            return Ok(Some(self.close_element()));
                        }
                        PI => {
                            self.pos += 1;
                            self.state = State::AttrFirst(AttrCtx::Pi(Resume::Content));
                            return Ok(Some(Event::Pi));
                        }
                        _ if is_tag_start(byte) => return self.start_tag(byte).map(Some),
                        _ => {
                            let event = match self.value_part(byte)? {
                                AttrValue::Text(s) => Event::Text(s),
                                AttrValue::Entity(c) => Event::Entity(c),
                                AttrValue::Extension(e) => Event::Extension(e),
                                AttrValue::Opaque(d) => Event::Opaque(d),
                                // `value_part` never yields page tokens (those are attribute-state
                                // bytes, handled by the caller); kept total rather than panicking.
                                AttrValue::Token { .. } => {
                                    return Err(Error::new(ErrorKind::UnexpectedToken(byte), at))
                                }
                            };
                            return Ok(Some(event));
                        }
                    }
                }
                State::AttrFirst(ctx) | State::AttrValues(ctx) => {
                    let first = matches!(self.state, State::AttrFirst(_));
                    let byte = self.peek().ok_or(Error::new(ErrorKind::UnexpectedEof, at))?;
                    match byte {
                        SWITCH_PAGE => self.switch_page(false)?,
                        LITERAL => {
                            self.check_attr_start(ctx, first, byte)?;
                            self.pos += 1;
                            let name = self.table_ref(at)?;
                            return Ok(Some(Event::AttrStart(AttrStart::Literal(name))));
                        }
                        _ if is_attr_start(byte) => {
                            self.check_attr_start(ctx, first, byte)?;
                            self.pos += 1;
                            let page = self.attr_page;
                            return Ok(Some(Event::AttrStart(AttrStart::Token { page, token: byte })));
                        }
                        _ if first => return Err(Error::new(ErrorKind::UnexpectedToken(byte), at)),
                        END => {
                            self.pos += 1;
                            self.state = match ctx {
                                AttrCtx::Element { has_content: true, .. } => State::Content,
                                AttrCtx::Element { has_content: false, .. } => State::PendingEnd,
                                AttrCtx::Pi(resume) => resume.state(),
                            };
                            return Ok(Some(Event::AttrEnd));
                        }
                        _ if is_attr_value(byte) => {
                            self.pos += 1;
                            let page = self.attr_page;
                            return Ok(Some(Event::AttrValue(AttrValue::Token { page, token: byte })));
                        }
                        _ => return self.value_part(byte).map(|v| Some(Event::AttrValue(v))),
                    }
                }
            }
        }
    }

    /// Counts an attribute start against the limits and moves to the value state.
    fn check_attr_start(&mut self, ctx: AttrCtx, first: bool, byte: u8) -> Result<(), Error> {
        let at = self.pos;
        self.state = match ctx {
            AttrCtx::Element { has_content, count } => {
                let count = count.saturating_add(1);
                if count > self.limits.max_attributes {
                    return Err(Error::new(ErrorKind::TooManyAttributes(self.limits.max_attributes), at));
                }
                State::AttrValues(AttrCtx::Element { has_content, count })
            }
            // A PI has exactly one target.
            AttrCtx::Pi(_) if !first => return Err(Error::new(ErrorKind::UnexpectedToken(byte), at)),
            AttrCtx::Pi(resume) => State::AttrValues(AttrCtx::Pi(resume)),
        };
        Ok(())
    }

    /// A start tag: a tag token with flags, or a literal tag (section 5.8.2).
    fn start_tag(&mut self, byte: u8) -> Result<Event<'a>, Error> {
        let at = self.pos;
        let depth = self.depth.saturating_add(1);
        if depth > self.limits.max_depth {
            return Err(Error::new(ErrorKind::TooDeep(self.limits.max_depth), at));
        }
        self.pos += 1;
        let has_attributes = byte & TAG_ATTRIBUTES != 0;
        let has_content = byte & TAG_CONTENT != 0;
        let tag = if byte & 0x3F == LITERAL {
            Tag::Literal(self.table_ref(at)?)
        } else {
            Tag::Token { page: self.tag_page, token: byte & 0x3F }
        };
        self.depth = depth;
        self.state = if has_attributes {
            State::AttrFirst(AttrCtx::Element { has_content, count: 0 })
        } else if has_content {
            State::Content
        } else {
            State::PendingEnd
        };
        Ok(Event::Start { tag, has_attributes, has_content })
    }

    /// Leaves the current element and reports its `End`.
    fn close_element(&mut self) -> Event<'a> {
        self.depth = self.depth.saturating_sub(1);
        self.state = if self.depth == 0 { State::AfterRoot } else { State::Content };
        Event::End
    }

    /// `SWITCH_PAGE pageindex` (section 5.8.4.7), in tag or attribute state.
    fn switch_page(&mut self, tag_state: bool) -> Result<(), Error> {
        let at = self.pos;
        let page = *self.input.get(at + 1).ok_or(Error::new(ErrorKind::UnexpectedEof, at))?;
        if tag_state {
            self.tag_page = page;
        } else {
            self.attr_page = page;
        }
        self.pos += 2;
        Ok(())
    }

    /// A global token that is content or an attribute-value part: strings, entities,
    /// extensions and opaque data (sections 5.8.4.1–5.8.4.6).
    fn value_part(&mut self, byte: u8) -> Result<AttrValue<'a>, Error> {
        let at = self.pos;
        match byte {
            STR_I => {
                self.pos += 1;
                Ok(AttrValue::Text(self.inline_str(at)?))
            }
            STR_T => {
                self.pos += 1;
                Ok(AttrValue::Text(self.table_ref(at)?))
            }
            ENTITY => {
                self.pos += 1;
                Ok(AttrValue::Entity(self.mb(at)?))
            }
            EXT_I_0 | EXT_I_1 | EXT_I_2 => {
                self.pos += 1;
                let value = self.inline_str(at)?;
                Ok(AttrValue::Extension(Extension::Inline { n: byte - EXT_I_0, value }))
            }
            EXT_T_0 | EXT_T_1 | EXT_T_2 => {
                self.pos += 1;
                let value = self.mb(at)?;
                Ok(AttrValue::Extension(Extension::Token { n: byte - EXT_T_0, value }))
            }
            EXT_0 | EXT_1 | EXT_2 => {
                self.pos += 1;
                Ok(AttrValue::Extension(Extension::Single { n: byte - EXT_0 }))
            }
            OPAQUE => {
                self.pos += 1;
                let len = self.mb(at)?;
                let too_large = usize::try_from(len).map_or(true, |l| l > self.limits.max_opaque);
                if too_large {
                    return Err(Error::new(ErrorKind::OpaqueTooLarge(len), at));
                }
                let data = take(self.input, self.pos, len).ok_or(Error::new(ErrorKind::UnexpectedEof, at))?;
                self.pos += data.len();
                Ok(AttrValue::Opaque(Cow::Borrowed(data)))
            }
            _ => Err(Error::new(ErrorKind::UnexpectedToken(byte), at)),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// An `mb_u_int32` at the current position; errors are reported at `token_at`.
    fn mb(&mut self, token_at: usize) -> Result<u32, Error> {
        let (value, n) = read_mb(self.input, self.pos, token_at)?;
        self.pos += n;
        Ok(value)
    }

    /// A NUL-terminated inline string at the current position (`STR_I`, `EXT_I_*`).
    fn inline_str(&mut self, token_at: usize) -> Result<Cow<'a, str>, Error> {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        let len = rest.iter().position(|&b| b == 0).ok_or(Error::new(ErrorKind::UnterminatedString, token_at))?;
        let bytes = rest.get(..len).unwrap_or_default();
        let s = decode_str(self.header.charset, bytes).map_err(|kind| Error::new(kind, token_at))?;
        self.pos += len + 1;
        Ok(s)
    }

    /// A string-table reference at the current position (`STR_T`, `LITERAL*`).
    fn table_ref(&mut self, token_at: usize) -> Result<Cow<'a, str>, Error> {
        let index = self.mb(token_at)?;
        let bytes = table_string(self.string_table, index).map_err(|kind| Error::new(kind, token_at))?;
        decode_str(self.header.charset, bytes).map_err(|kind| Error::new(kind, token_at))
    }
}

/// A tag in tag state: a tag token (low six bits `0x05..=0x3F`) or one of the `LITERAL*` tokens.
fn is_tag_start(byte: u8) -> bool {
    let low = byte & 0x3F;
    low >= 0x05 || low == LITERAL
}

/// An attribute-start token in attribute state (`0x05..=0x7F` less the globals `0x40..=0x44`).
fn is_attr_start(byte: u8) -> bool {
    byte < 0x80 && byte & 0x3F >= 0x05
}

/// An attribute-value token in attribute state (`0x85..=0xBF`, `0xC5..=0xFF`).
fn is_attr_value(byte: u8) -> bool {
    byte >= 0x80 && byte & 0x3F >= 0x05
}

/// Reads an `mb_u_int32` at `pos`, reporting errors at `token_at`.
fn read_mb(input: &[u8], pos: usize, token_at: usize) -> Result<(u32, usize), Error> {
    let rest = input.get(pos..).unwrap_or_default();
    mb::decode(rest).map_err(|kind| Error::new(kind, token_at))
}

/// `len` bytes of `input` at `pos`, if they are all there.
fn take(input: &[u8], pos: usize, len: u32) -> Option<&[u8]> {
    let len = usize::try_from(len).ok()?;
    let end = pos.checked_add(len)?;
    input.get(pos..end)
}

/// The NUL-terminated string at `index` in the string table (section 5.7).
fn table_string(table: &[u8], index: u32) -> Result<&[u8], ErrorKind> {
    let rest = usize::try_from(index)
        .ok()
        .and_then(|i| table.get(i..))
        .filter(|rest| !rest.is_empty())
        .ok_or(ErrorKind::BadStringTableReference(index))?;
    let len = rest.iter().position(|&b| b == 0).ok_or(ErrorKind::UnterminatedString)?;
    Ok(rest.get(..len).unwrap_or_default())
}

/// Decodes string bytes in the document charset, borrowing whenever the bytes are valid UTF-8.
fn decode_str(charset: Charset, bytes: &[u8]) -> Result<Cow<'_, str>, ErrorKind> {
    match charset {
        Charset::Utf8 | Charset::Unknown => {
            std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|_| ErrorKind::InvalidString("UTF-8"))
        }
        Charset::UsAscii => match std::str::from_utf8(bytes) {
            Ok(s) if bytes.is_ascii() => Ok(Cow::Borrowed(s)),
            _ => Err(ErrorKind::InvalidString("US-ASCII")),
        },
        Charset::Latin1 => match std::str::from_utf8(bytes) {
            Ok(s) if bytes.is_ascii() => Ok(Cow::Borrowed(s)),
            _ => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
        },
    }
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
