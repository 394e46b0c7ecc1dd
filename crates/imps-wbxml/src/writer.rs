//! The writer (WAP-192-WBXML sections 5.3–5.8, written in the shortest form).

use std::borrow::Cow;
use std::collections::HashMap;

use bytes::{BufMut, BytesMut};

use crate::event::Event;
use crate::token::*;
use crate::{mb, AttrStart, AttrValue, Charset, Error, ErrorKind, Extension, PublicId, Tag, WbxmlVersion};

/// How the writer stores strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StringTableMode {
    /// Text as inline strings (`STR_I`); the string table holds only what must live there
    /// (literal names, a string public id).
    #[default]
    Inline,
    /// Text through the string table (`STR_T`), each distinct string stored once.
    Shared,
}

/// The header the writer emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterHeader {
    /// Version byte; default WBXML 1.3.
    pub version: WbxmlVersion,
    /// Public id; [`PublicId::String`] is written as `0` plus a string-table reference.
    /// `Known(1)` is the same as `Unknown`; `Known(0)` is rejected by [`Writer::finish`].
    pub public_id: PublicId<'static>,
    /// The charset written in the header (not in WBXML 1.0) and used to encode strings:
    /// UTF-8 by default. `Unknown` writes UTF-8 bytes under MIBenum 0; `UsAscii` and `Latin1`
    /// reject strings they cannot encode with [`ErrorKind::InvalidString`].
    pub charset: Charset,
}

impl WriterHeader {
    /// A WBXML 1.3, UTF-8 header with this public id.
    pub fn new(public_id: PublicId<'static>) -> Self {
        WriterHeader { version: WbxmlVersion::V1_3, public_id, charset: Charset::Utf8 }
    }
}

/// One open element.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Position of the tag byte (or `LITERAL*` token) in the body, where flags are set.
    flag_at: usize,
    /// The attribute flag is set.
    has_attributes: bool,
    /// Attributes may still be added (no `END` of the list, no content yet).
    attrs_open: bool,
    /// An attribute has started, so values may follow.
    in_attribute: bool,
    /// The content flag is set.
    has_content: bool,
    /// Flags the caller declared through [`Writer::write_event`] (attributes, content).
    declared: Option<(bool, bool)>,
}

/// A processing instruction being written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PiState {
    /// `PI` written; the target is next.
    Target,
    /// The target is written; values or the end follow.
    Values,
}

/// Builds one WBXML document.
///
/// Calls mirror the reader's [`Event`](crate::Event)s: [`start`](Self::start) an element, then
/// optionally [`attribute`](Self::attribute)s each followed by [`attr_value`](Self::attr_value)s,
/// then content ([`text`](Self::text), [`start`](Self::start) of a child, [`opaque`](Self::opaque),
/// [`entity`](Self::entity), [`extension`](Self::extension), [`pi`](Self::pi)), then
/// [`end`](Self::end). The attribute and content flags of a tag are set from what actually
/// follows it, and code pages are switched as needed. [`finish`](Self::finish) checks that
/// every element is closed and returns the document.
#[derive(Debug)]
#[must_use]
pub struct Writer {
    header: WriterHeader,
    mode: StringTableMode,
    /// The body; joined with the header and string table by `finish`.
    body: BytesMut,
    string_table: Vec<u8>,
    interned: HashMap<Box<str>, u32>,
    tag_page: u8,
    attr_page: u8,
    stack: Vec<Open>,
    root_written: bool,
    pi: Option<PiState>,
}

impl Writer {
    /// A writer with this header and string-table mode.
    pub fn new(header: WriterHeader, mode: StringTableMode) -> Self {
        Writer {
            header,
            mode,
            body: BytesMut::new(),
            string_table: Vec::new(),
            interned: HashMap::new(),
            tag_page: 0,
            attr_page: 0,
            stack: Vec::new(),
            root_written: false,
            pi: None,
        }
    }

    /// Starts an element.
    pub fn start(&mut self, tag: Tag<'_>) -> Result<(), Error> {
        self.start_inner(tag, None)
    }

    /// Starts an attribute of the element just started (before any content).
    pub fn attribute(&mut self, start: AttrStart<'_>) -> Result<(), Error> {
        match self.pi {
            Some(PiState::Target) => {
                self.write_attr_start(&start)?;
                self.pi = Some(PiState::Values);
                return Ok(());
            }
            Some(PiState::Values) => return Err(self.state_error("a processing instruction has one target")),
            None => {}
        }
        let Some(open) = self.stack.last().copied() else {
            return Err(self.state_error("attribute with no open element"));
        };
        if !open.attrs_open {
            return Err(self.state_error("attribute after content or after the attribute list"));
        }
        if open.declared.is_some_and(|(attrs, _)| !attrs) {
            return Err(self.state_error("attribute on an element declared without attributes"));
        }
        self.validate_attr_start(&start)?;
        if !open.has_attributes {
            self.set_flag(open.flag_at, TAG_ATTRIBUTES);
        }
        self.write_attr_start(&start)?;
        if let Some(top) = self.stack.last_mut() {
            top.has_attributes = true;
            top.in_attribute = true;
        }
        Ok(())
    }

    /// Appends a part to the current attribute's value.
    pub fn attr_value(&mut self, value: AttrValue<'_>) -> Result<(), Error> {
        match self.pi {
            Some(PiState::Values) => return self.write_attr_value(&value),
            Some(PiState::Target) => return Err(self.state_error("processing instruction value before its target")),
            None => {}
        }
        let in_attribute = self.stack.last().is_some_and(|o| o.attrs_open && o.in_attribute);
        if !in_attribute {
            return Err(self.state_error("attribute value without an attribute"));
        }
        self.write_attr_value(&value)
    }

    /// Writes character data.
    pub fn text(&mut self, text: &str) -> Result<(), Error> {
        self.encode_str(text)?;
        self.begin_content()?;
        self.write_string(text)
    }

    /// Writes a character entity.
    pub fn entity(&mut self, code_point: u32) -> Result<(), Error> {
        self.begin_content()?;
        self.body.put_u8(ENTITY);
        mb::encode(code_point, &mut self.body);
        Ok(())
    }

    /// Writes an extension token in content.
    pub fn extension(&mut self, ext: Extension<'_>) -> Result<(), Error> {
        self.validate_extension(&ext)?;
        self.begin_content()?;
        self.write_extension(&ext)
    }

    /// Writes opaque data.
    pub fn opaque(&mut self, data: &[u8]) -> Result<(), Error> {
        let len = self.opaque_len(data)?;
        self.begin_content()?;
        self.write_opaque(len, data);
        Ok(())
    }

    /// Writes a processing instruction: target and value parts.
    pub fn pi(&mut self, target: AttrStart<'_>, value: &[AttrValue<'_>]) -> Result<(), Error> {
        self.validate_attr_start(&target)?;
        for part in value {
            self.validate_attr_value(part)?;
        }
        self.begin_pi()?;
        self.attribute(target)?;
        for part in value {
            self.attr_value(part.clone())?;
        }
        self.end_pi()
    }

    /// Ends the current element.
    pub fn end(&mut self) -> Result<(), Error> {
        if self.pi.is_some() {
            return Err(self.state_error("element end inside a processing instruction"));
        }
        let Some(open) = self.stack.last().copied() else {
            return Err(self.state_error("end with no open element"));
        };
        if open.declared.is_some_and(|(_, content)| content) && !open.has_content {
            // Declared with the content flag but empty: `tag|0x40 ... END`.
            self.begin_content()?;
        }
        let open = self.stack.last().copied().unwrap_or(open);
        if open.has_content {
            self.body.put_u8(END);
        } else {
            self.close_attributes()?;
        }
        self.stack.pop();
        Ok(())
    }

    /// Writes one event as the [`Reader`](crate::Reader) reports it, reproducing it exactly:
    /// unlike [`start`](Self::start), an [`Event::Start`] fixes the element's flags (so an
    /// element with the content flag and no content is written as such); an
    /// [`Event::AttrStart`] after [`Event::Pi`] is the PI's target and [`Event::AttrEnd`] ends
    /// the PI or the attribute list. Events that do not fit the current state, or flags that
    /// disagree with what follows, are [`ErrorKind::InvalidWriterState`].
    pub fn write_event(&mut self, event: &Event<'_>) -> Result<(), Error> {
        match event {
            Event::Start { tag, has_attributes, has_content } => {
                self.start_inner(tag.clone(), Some((*has_attributes, *has_content)))
            }
            Event::AttrStart(start) => self.attribute(start.clone()),
            Event::AttrValue(value) => self.attr_value(value.clone()),
            Event::AttrEnd => {
                if self.pi.is_some() {
                    return self.end_pi();
                }
                match self.stack.last() {
                    Some(open) if open.attrs_open && open.has_attributes => self.close_attributes(),
                    _ => Err(self.state_error("attribute list end without an attribute list")),
                }
            }
            Event::Text(text) => self.text(text),
            Event::Entity(code_point) => self.entity(*code_point),
            Event::Extension(ext) => self.extension(ext.clone()),
            Event::Opaque(data) => self.opaque(data),
            Event::Pi => self.begin_pi(),
            Event::End => self.end(),
        }
    }

    /// Finishes the document: every element must be closed and there must be a root element.
    ///
    /// Assembles `version publicid [charset] strtbl body` (section 5.3).
    pub fn finish(mut self) -> Result<BytesMut, Error> {
        if self.pi.is_some() {
            return Err(self.state_error("finish inside a processing instruction"));
        }
        if !self.stack.is_empty() {
            return Err(self.state_error("finish with open elements"));
        }
        if !self.root_written {
            return Err(self.state_error("finish with no root element"));
        }
        let public_id_index = match &self.header.public_id {
            PublicId::String(s) => {
                let s = s.clone();
                Some(self.intern(&s)?)
            }
            _ => None,
        };
        let table_len =
            u32::try_from(self.string_table.len()).map_err(|_| self.state_error("string table longer than 4 GiB"))?;

        let mut out =
            BytesMut::with_capacity(self.string_table.len().saturating_add(self.body.len()).saturating_add(16));
        out.put_u8(self.header.version.0);
        match (&self.header.public_id, public_id_index) {
            (_, Some(index)) => {
                out.put_u8(0);
                mb::encode(index, &mut out);
            }
            (PublicId::Known(0), _) => {
                return Err(self.state_error("public id 0 is reserved for string public ids"));
            }
            (PublicId::Known(id), _) => mb::encode(*id, &mut out),
            (_, None) => out.put_u8(1),
        }
        if self.header.version != WbxmlVersion::V1_0 {
            mb::encode(self.header.charset.mib_enum(), &mut out);
        }
        mb::encode(table_len, &mut out);
        out.put_slice(&self.string_table);
        out.put_slice(&self.body);
        Ok(out)
    }

    fn start_inner(&mut self, tag: Tag<'_>, declared: Option<(bool, bool)>) -> Result<(), Error> {
        match &tag {
            Tag::Token { token, .. } if !(0x05..=0x3F).contains(token) => {
                return Err(self.error(ErrorKind::TokenOutOfRange(*token)));
            }
            Tag::Literal(name) => {
                self.encode_str(name)?;
            }
            Tag::Token { .. } => {}
        }
        if self.stack.is_empty() {
            if self.pi.is_some() {
                return Err(self.state_error("element inside a processing instruction"));
            }
            if self.root_written {
                return Err(self.state_error("content after the root element closed"));
            }
        } else {
            self.begin_content()?;
        }
        let flag_at = match tag {
            Tag::Token { page, token } => {
                if page != self.tag_page {
                    self.body.put_slice(&[SWITCH_PAGE, page]);
                    self.tag_page = page;
                }
                let at = self.body.len();
                self.body.put_u8(token);
                at
            }
            Tag::Literal(ref name) => {
                let index = self.intern(name)?;
                let at = self.body.len();
                self.body.put_u8(LITERAL);
                mb::encode(index, &mut self.body);
                at
            }
        };
        self.root_written = true;
        self.stack.push(Open {
            flag_at,
            has_attributes: false,
            attrs_open: true,
            in_attribute: false,
            has_content: false,
            declared,
        });
        Ok(())
    }

    /// Makes the current element's content begin: ends its attribute list and sets its
    /// content flag.
    fn begin_content(&mut self) -> Result<(), Error> {
        if self.pi.is_some() {
            return Err(self.state_error("content inside a processing instruction"));
        }
        let Some(open) = self.stack.last().copied() else {
            return Err(if self.root_written {
                self.state_error("content after the root element closed")
            } else {
                self.state_error("content outside the root element")
            });
        };
        if open.has_content {
            return Ok(());
        }
        if open.declared.is_some_and(|(_, content)| !content) {
            return Err(self.state_error("content in an element declared without content"));
        }
        self.close_attributes()?;
        self.set_flag(open.flag_at, TAG_CONTENT);
        if let Some(top) = self.stack.last_mut() {
            top.has_content = true;
        }
        Ok(())
    }

    /// Ends the current element's attribute list (writing `END` when it has attributes).
    fn close_attributes(&mut self) -> Result<(), Error> {
        let Some(open) = self.stack.last().copied() else {
            return Ok(());
        };
        if !open.attrs_open {
            return Ok(());
        }
        if open.declared.is_some_and(|(attrs, _)| attrs) && !open.has_attributes {
            return Err(self.state_error("element declared with attributes has none"));
        }
        if open.has_attributes {
            self.body.put_u8(END);
        }
        if let Some(top) = self.stack.last_mut() {
            top.attrs_open = false;
            top.in_attribute = false;
        }
        Ok(())
    }

    fn begin_pi(&mut self) -> Result<(), Error> {
        if self.pi.is_some() {
            return Err(self.state_error("processing instruction inside a processing instruction"));
        }
        if !self.stack.is_empty() {
            self.begin_content()?;
        }
        self.body.put_u8(PI);
        self.pi = Some(PiState::Target);
        Ok(())
    }

    fn end_pi(&mut self) -> Result<(), Error> {
        match self.pi {
            Some(PiState::Values) => {
                self.body.put_u8(END);
                self.pi = None;
                Ok(())
            }
            Some(PiState::Target) => Err(self.state_error("processing instruction without a target")),
            None => Err(self.state_error("no processing instruction to end")),
        }
    }

    fn set_flag(&mut self, at: usize, flag: u8) {
        if let Some(byte) = self.body.get_mut(at) {
            *byte |= flag;
        }
    }

    fn validate_attr_start(&self, start: &AttrStart<'_>) -> Result<(), Error> {
        match start {
            AttrStart::Token { token, .. } if !(*token < 0x80 && token & 0x3F >= 0x05) => {
                Err(self.error(ErrorKind::TokenOutOfRange(*token)))
            }
            AttrStart::Token { .. } => Ok(()),
            AttrStart::Literal(name) => self.encode_str(name).map(drop),
        }
    }

    fn validate_extension(&self, ext: &Extension<'_>) -> Result<(), Error> {
        let n = match ext {
            Extension::Inline { n, .. } | Extension::Token { n, .. } | Extension::Single { n } => *n,
        };
        if n > 2 {
            return Err(self.error(ErrorKind::TokenOutOfRange(n)));
        }
        if let Extension::Inline { value, .. } = ext {
            self.encode_str(value)?;
        }
        Ok(())
    }

    /// Checks a value part without writing it.
    fn validate_attr_value(&self, value: &AttrValue<'_>) -> Result<(), Error> {
        match value {
            AttrValue::Text(text) => self.encode_str(text).map(drop),
            AttrValue::Token { token, .. } if !(*token >= 0x80 && token & 0x3F >= 0x05) => {
                Err(self.error(ErrorKind::TokenOutOfRange(*token)))
            }
            AttrValue::Token { .. } | AttrValue::Entity(_) => Ok(()),
            AttrValue::Extension(ext) => self.validate_extension(ext),
            AttrValue::Opaque(data) => self.opaque_len(data).map(drop),
        }
    }

    fn write_attr_start(&mut self, start: &AttrStart<'_>) -> Result<(), Error> {
        self.validate_attr_start(start)?;
        match start {
            AttrStart::Token { page, token } => {
                self.attr_page_switch(*page);
                self.body.put_u8(*token);
            }
            AttrStart::Literal(name) => {
                let index = self.intern(name)?;
                self.body.put_u8(LITERAL);
                mb::encode(index, &mut self.body);
            }
        }
        Ok(())
    }

    fn write_attr_value(&mut self, value: &AttrValue<'_>) -> Result<(), Error> {
        self.validate_attr_value(value)?;
        match value {
            AttrValue::Text(text) => self.write_string(text),
            AttrValue::Token { page, token } => {
                self.attr_page_switch(*page);
                self.body.put_u8(*token);
                Ok(())
            }
            AttrValue::Entity(code_point) => {
                self.body.put_u8(ENTITY);
                mb::encode(*code_point, &mut self.body);
                Ok(())
            }
            AttrValue::Extension(ext) => self.write_extension(ext),
            AttrValue::Opaque(data) => {
                let len = self.opaque_len(data)?;
                self.write_opaque(len, data);
                Ok(())
            }
        }
    }

    fn attr_page_switch(&mut self, page: u8) {
        if page != self.attr_page {
            self.body.put_slice(&[SWITCH_PAGE, page]);
            self.attr_page = page;
        }
    }

    fn write_extension(&mut self, ext: &Extension<'_>) -> Result<(), Error> {
        match ext {
            Extension::Inline { n, value } => {
                let bytes = self.encode_str(value)?;
                self.body.put_u8(EXT_I_0 + n);
                self.body.put_slice(&bytes);
                self.body.put_u8(0);
            }
            Extension::Token { n, value } => {
                self.body.put_u8(EXT_T_0 + n);
                mb::encode(*value, &mut self.body);
            }
            Extension::Single { n } => self.body.put_u8(EXT_0 + n),
        }
        Ok(())
    }

    fn opaque_len(&self, data: &[u8]) -> Result<u32, Error> {
        u32::try_from(data.len()).map_err(|_| self.state_error("opaque data longer than 4 GiB"))
    }

    fn write_opaque(&mut self, len: u32, data: &[u8]) {
        self.body.put_u8(OPAQUE);
        mb::encode(len, &mut self.body);
        self.body.put_slice(data);
    }

    /// A text string, inline or through the string table as the mode says.
    fn write_string(&mut self, text: &str) -> Result<(), Error> {
        match self.mode {
            StringTableMode::Inline => {
                let bytes = self.encode_str(text)?;
                self.body.put_u8(STR_I);
                self.body.put_slice(&bytes);
                self.body.put_u8(0);
            }
            StringTableMode::Shared => {
                let index = self.intern(text)?;
                self.body.put_u8(STR_T);
                mb::encode(index, &mut self.body);
            }
        }
        Ok(())
    }

    /// The string-table offset of `s`, adding it on first use.
    fn intern(&mut self, s: &str) -> Result<u32, Error> {
        if let Some(&index) = self.interned.get(s) {
            return Ok(index);
        }
        let bytes = self.encode_str(s)?;
        let index =
            u32::try_from(self.string_table.len()).map_err(|_| self.state_error("string table longer than 4 GiB"))?;
        self.string_table.extend_from_slice(&bytes);
        self.string_table.push(0);
        self.interned.insert(s.into(), index);
        Ok(index)
    }

    /// `s` in the header charset; strings cannot hold NUL (section 5.8.4.1).
    fn encode_str<'s>(&self, s: &'s str) -> Result<Cow<'s, [u8]>, Error> {
        if s.as_bytes().contains(&0) {
            return Err(self.error(ErrorKind::NulInString));
        }
        match self.header.charset {
            Charset::Utf8 | Charset::Unknown => Ok(Cow::Borrowed(s.as_bytes())),
            _ if s.is_ascii() => Ok(Cow::Borrowed(s.as_bytes())),
            Charset::UsAscii => Err(self.error(ErrorKind::InvalidString("US-ASCII"))),
            Charset::Latin1 => s
                .chars()
                .map(|c| u8::try_from(u32::from(c)).ok())
                .collect::<Option<Vec<u8>>>()
                .map(Cow::Owned)
                .ok_or_else(|| self.error(ErrorKind::InvalidString("ISO-8859-1"))),
        }
    }

    fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.body.len())
    }

    fn state_error(&self, what: &'static str) -> Error {
        self.error(ErrorKind::InvalidWriterState(what))
    }
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;
