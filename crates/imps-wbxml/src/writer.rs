//! The writer.

use bytes::BytesMut;

use crate::{AttrStart, AttrValue, Charset, Error, Extension, PublicId, Tag, WbxmlVersion};

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
    pub public_id: PublicId<'static>,
    /// Always UTF-8 for writing (other charsets are read-only).
    pub charset: Charset,
}

impl WriterHeader {
    /// A WBXML 1.3, UTF-8 header with this public id.
    pub fn new(public_id: PublicId<'static>) -> Self {
        WriterHeader { version: WbxmlVersion::V1_3, public_id, charset: Charset::Utf8 }
    }
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
    _buf: BytesMut,
}

impl Writer {
    /// A writer with this header and string-table mode.
    pub fn new(header: WriterHeader, mode: StringTableMode) -> Self {
        let _ = (header, mode);
        todo!()
    }

    /// Starts an element.
    pub fn start(&mut self, tag: Tag<'_>) -> Result<(), Error> {
        let _ = tag;
        todo!()
    }

    /// Starts an attribute of the element just started (before any content).
    pub fn attribute(&mut self, start: AttrStart<'_>) -> Result<(), Error> {
        let _ = start;
        todo!()
    }

    /// Appends a part to the current attribute's value.
    pub fn attr_value(&mut self, value: AttrValue<'_>) -> Result<(), Error> {
        let _ = value;
        todo!()
    }

    /// Writes character data.
    pub fn text(&mut self, text: &str) -> Result<(), Error> {
        let _ = text;
        todo!()
    }

    /// Writes a character entity.
    pub fn entity(&mut self, code_point: u32) -> Result<(), Error> {
        let _ = code_point;
        todo!()
    }

    /// Writes an extension token in content.
    pub fn extension(&mut self, ext: Extension<'_>) -> Result<(), Error> {
        let _ = ext;
        todo!()
    }

    /// Writes opaque data.
    pub fn opaque(&mut self, data: &[u8]) -> Result<(), Error> {
        let _ = data;
        todo!()
    }

    /// Writes a processing instruction: target and value parts.
    pub fn pi(&mut self, target: AttrStart<'_>, value: &[AttrValue<'_>]) -> Result<(), Error> {
        let _ = (target, value);
        todo!()
    }

    /// Ends the current element.
    pub fn end(&mut self) -> Result<(), Error> {
        todo!()
    }

    /// Finishes the document: every element must be closed and there must be a root element.
    pub fn finish(self) -> Result<BytesMut, Error> {
        todo!()
    }
}
