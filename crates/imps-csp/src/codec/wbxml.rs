//! WBXML encoding through `imps-wbxml`, with the CSP conventions (spec notes section 6):
//! `EXT_T_0` is an index into the CSP value table, integers and DateTime travel as `OPAQUE`,
//! `xmlns` is an attribute-start token followed by the version as an inline string.

use std::borrow::Cow;

use bytes::BytesMut;
use imps_wbxml::{
    AttrStart, AttrValue, Event, Extension, PublicId, Reader, StringTableMode, Tag, Writer, WriterHeader,
};

use super::path::ElementPath;
use super::{Child, Content, Leaf, Sink, Source};
use crate::raw::{RawElement, RawNode};
use crate::schema::{self, Elem};
use crate::{DateTime, DecodeOptions, Error, Version};

/// The version a WBXML public id names.
fn version_from_public_id(id: &PublicId<'_>) -> Option<Version> {
    match id {
        PublicId::Known(n) => Version::ALL.into_iter().find(|v| v.wbxml_public_id() == *n),
        PublicId::String(s) => super::xml::version_from_public_id(s),
        PublicId::Unknown => None,
    }
}

/// The version an `xmlns` attribute (start token + inline suffix) names.
fn version_from_xmlns(token: u8, suffix: &str) -> Option<Version> {
    let family = schema::ATTR_STARTS.iter().find(|e| e.token == token)?;
    Version::ALL.into_iter().find(|v| {
        let ns = v.csp_namespace();
        ns.strip_prefix(family.value_prefix) == Some(suffix)
    })
}

pub(crate) struct WbxmlSource<'a> {
    reader: Reader<'a>,
    version: Version,
    path: ElementPath,
}

impl<'a> WbxmlSource<'a> {
    /// Reads the header and the root start; the source is then positioned inside the root.
    pub(crate) fn new(input: &'a [u8], opts: &DecodeOptions) -> Result<Self, Error> {
        if input.len() > opts.max_size {
            return Err(Error::TooLarge { size: input.len(), limit: opts.max_size });
        }
        let limits = imps_wbxml::Limits::DEFAULT.with_max_input(opts.max_size).with_max_depth(opts.max_depth);
        let mut reader = Reader::with_limits(input, limits)?;
        let header_version = version_from_public_id(&reader.header().public_id);
        let mut ns_version = None;
        let mut found_ns = None;
        loop {
            match reader.next()? {
                Some(Event::Pi) => skip_attribute_events(&mut reader)?,
                Some(Event::Start { tag, has_attributes, .. }) => {
                    let is_root = match &tag {
                        Tag::Token { page: 0, token: 0x09 } => true,
                        Tag::Literal(n) => n == "WV-CSP-Message",
                        Tag::Token { .. } => false,
                    };
                    if !is_root {
                        return Err(Error::WrongRoot { found: format!("{tag:?}") });
                    }
                    if has_attributes {
                        // xmlns = start token + inline version suffix.
                        let mut current: Option<u8> = None;
                        let mut suffix = String::new();
                        loop {
                            match reader.next()? {
                                Some(Event::AttrStart(AttrStart::Token { page: 0, token })) => {
                                    current = Some(token);
                                    suffix.clear();
                                }
                                Some(Event::AttrStart(_)) => current = None,
                                Some(Event::AttrValue(AttrValue::Text(t))) => suffix.push_str(&t),
                                Some(Event::AttrValue(_)) => {}
                                Some(Event::AttrEnd) => break,
                                _ => {
                                    return Err(Error::Wbxml(imps_wbxml::Error::new(
                                        imps_wbxml::ErrorKind::UnexpectedEof,
                                        reader.offset(),
                                    )))
                                }
                            }
                            if let Some(t) = current {
                                if let Some(v) = version_from_xmlns(t, &suffix) {
                                    ns_version = Some(v);
                                }
                                if let Some(family) = schema::ATTR_STARTS.iter().find(|e| e.token == t) {
                                    found_ns = Some(format!("{}{}", family.value_prefix, suffix));
                                }
                            }
                        }
                    }
                    let version = match (header_version, ns_version) {
                        (_, Some(v)) => v,
                        (Some(v), None) => v,
                        (None, None) => {
                            return Err(Error::UnknownVersion {
                                found: found_ns.unwrap_or_else(|| format!("public id {:?}", reader.header().public_id)),
                            })
                        }
                    };
                    return Ok(WbxmlSource { reader, version, path: ElementPath::root() });
                }
                Some(other) => return Err(Error::WrongRoot { found: format!("{other:?}") }),
                None => return Err(Error::WrongRoot { found: "nothing (empty body)".into() }),
            }
        }
    }

    /// After the root ends: the reader must reach the end of the document.
    pub(crate) fn finish(mut self) -> Result<(), Error> {
        loop {
            match self.reader.next()? {
                None => return Ok(()),
                Some(Event::Pi) => skip_attribute_events(&mut self.reader)?,
                Some(other) => {
                    return Err(Error::UnexpectedContent {
                        path: String::new(),
                        found: format!("after the root element: {other:?}"),
                    })
                }
            }
        }
    }

    /// The child a start tag names, entered on the path.
    #[inline(always)]
    fn enter(&mut self, tag: &Tag<'a>) -> Child {
        match tag {
            Tag::Token { page, token } => match Elem::from_token(self.version, *page, *token) {
                Some(e) => {
                    self.path.push_known(e);
                    Child::Known(e)
                }
                None => {
                    self.path.push_unknown(format!("token {page:#04x}:{token:#04x}"));
                    Child::Unknown
                }
            },
            Tag::Literal(n) => match super::lookup::elem_from_name(n) {
                Some(e) => {
                    self.path.push_known(e);
                    Child::Known(e)
                }
                None => {
                    self.path.push_unknown(n.to_string());
                    Child::Unknown
                }
            },
        }
    }

    fn tag_name(&self, tag: &Tag<'_>) -> String {
        match tag {
            Tag::Token { page, token } => match Elem::from_token(self.version, *page, *token) {
                Some(e) => e.name(self.version).to_owned(),
                None => format!("token {page:#04x}:{token:#04x}"),
            },
            Tag::Literal(n) => n.to_string(),
        }
    }

    fn eof(&self) -> Error {
        Error::Wbxml(imps_wbxml::Error::new(imps_wbxml::ErrorKind::UnexpectedEof, self.reader.offset()))
    }

    fn ext_text(&self, ext: &Extension<'_>) -> Result<&'static str, Error> {
        match ext {
            Extension::Token { n: 0, value } => {
                super::lookup::ext_value(self.version, *value).ok_or_else(|| Error::InvalidValue {
                    path: self.open_path(),
                    value: format!("EXT_T_0 {value:#x}"),
                    expected: "an index into the CSP value table",
                })
            }
            other => Err(Error::UnexpectedContent {
                path: self.open_path(),
                found: format!("{other:?} (CSP uses only EXT_T_0)"),
            }),
        }
    }

    fn entity(&self, cp: u32) -> Result<char, Error> {
        char::from_u32(cp).filter(|c| *c != '\0').ok_or_else(|| Error::InvalidValue {
            path: self.open_path(),
            value: format!("ENTITY {cp:#x}"),
            expected: "a Unicode scalar value",
        })
    }

    /// Reads the attributes of a non-root element and returns the literal ones (kept for raw
    /// content); xmlns tokens are dropped.
    fn read_attributes(&mut self) -> Result<Vec<(String, String)>, Error> {
        let mut out: Vec<(String, String)> = Vec::new();
        let mut keep = false;
        loop {
            match self.reader.next()?.ok_or_else(|| self.eof())? {
                Event::AttrStart(AttrStart::Literal(n)) => {
                    keep = true;
                    out.push((n.into_owned(), String::new()));
                }
                Event::AttrStart(AttrStart::Token { .. }) => keep = false,
                Event::AttrValue(AttrValue::Text(t)) if keep => {
                    if let Some(last) = out.last_mut() {
                        last.1.push_str(&t);
                    }
                }
                Event::AttrValue(_) => {}
                Event::AttrEnd => return Ok(out),
                other => {
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("{other:?} in attributes"),
                    })
                }
            }
        }
    }
}

fn skip_attribute_events(reader: &mut Reader<'_>) -> Result<(), Error> {
    loop {
        match reader.next()? {
            Some(Event::AttrEnd) => return Ok(()),
            Some(Event::AttrStart(_)) | Some(Event::AttrValue(_)) => {}
            _ => {
                return Err(Error::Wbxml(imps_wbxml::Error::new(imps_wbxml::ErrorKind::UnexpectedEof, reader.offset())))
            }
        }
    }
}

fn append<'a>(acc: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
    match acc {
        None => *acc = Some(piece),
        Some(a) => a.to_mut().push_str(&piece),
    }
}

impl<'a> Source<'a> for WbxmlSource<'a> {
    fn version(&self) -> Version {
        self.version
    }

    fn next_child(&mut self) -> Result<Option<Child>, Error> {
        loop {
            match self.next_event()? {
                Event::Start { tag, has_attributes, .. } => return self.start_child(&tag, has_attributes).map(Some),
                Event::End => {
                    self.pop();
                    return Ok(None);
                }
                Event::Text(t) if t.chars().all(char::is_whitespace) => {}
                Event::Pi => skip_attribute_events(&mut self.reader)?,
                other => {
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("{other:?}").chars().take(64).collect(),
                    })
                }
            }
        }
    }

    fn leaf(&mut self) -> Result<Leaf<'a>, Error> {
        match self.value(false)? {
            Content::Leaf(l) => Ok(l),
            Content::Child(_) => unreachable!("value(false) refuses child elements"),
        }
    }

    fn leaf_or_child(&mut self) -> Result<Content<'a>, Error> {
        self.value(true)
    }

    fn leaf_text(&mut self) -> Result<Cow<'a, str>, Error> {
        self.text_leaf()
    }

    fn raw_content(&mut self) -> Result<Vec<RawNode>, Error> {
        let mut nodes = Vec::new();
        let mut text: Option<Cow<'a, str>> = None;
        fn flush(text: &mut Option<Cow<'_, str>>, nodes: &mut Vec<RawNode>) {
            // Empty text (`STR_I ""`) is no content: encoding writes none for it.
            if let Some(t) = text.take().filter(|t| !t.is_empty()) {
                nodes.push(RawNode::Text(t.into_owned()));
            }
        }
        loop {
            match self.reader.next()?.ok_or_else(|| self.eof())? {
                Event::Text(t) => append(&mut text, t),
                Event::Extension(ext) => {
                    let v = self.ext_text(&ext)?;
                    append(&mut text, Cow::Borrowed(v));
                }
                Event::Entity(cp) => {
                    let c = self.entity(cp)?;
                    append(&mut text, Cow::Owned(c.to_string()));
                }
                Event::Opaque(b) => {
                    let s = std::str::from_utf8(&b).map_err(|_| Error::InvalidValue {
                        path: self.open_path(),
                        value: "<binary OPAQUE>".into(),
                        expected: "text",
                    })?;
                    append(&mut text, Cow::Owned(s.to_owned()));
                }
                Event::Start { tag, has_attributes, .. } => {
                    flush(&mut text, &mut nodes);
                    let name = self.tag_name(&tag);
                    self.enter(&tag);
                    let attributes = if has_attributes { self.read_attributes()? } else { Vec::new() };
                    let children = self.raw_content()?;
                    nodes.push(RawNode::Element(RawElement { name, attributes, children }));
                }
                Event::End => {
                    flush(&mut text, &mut nodes);
                    self.pop();
                    super::drop_layout_whitespace(&mut nodes);
                    return Ok(nodes);
                }
                Event::Pi => skip_attribute_events(&mut self.reader)?,
                other => {
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("{other:?}").chars().take(64).collect(),
                    })
                }
            }
        }
    }

    fn path(&self) -> String {
        self.path.current(self.version)
    }

    fn current_name(&self) -> String {
        self.path.top_name(self.version)
    }
}

impl<'a> WbxmlSource<'a> {
    /// Starts child element `tag`, reading (and dropping) its attributes.
    fn start_child(&mut self, tag: &Tag<'a>, has_attributes: bool) -> Result<Child, Error> {
        let child = self.enter(tag);
        if has_attributes {
            self.read_attributes()?;
        }
        Ok(child)
    }

    /// The content of the current element as a value, through its end; with `children`, a
    /// first child element (after whitespace only) is started and returned instead.
    fn value(&mut self, children: bool) -> Result<Content<'a>, Error> {
        let ev = self.next_event()?;
        self.value_from(children, None, ev)
    }

    /// [`value`](Self::value) after the text `text`, with event `ev` just read.
    fn value_from(
        &mut self,
        children: bool,
        mut text: Option<Cow<'a, str>>,
        mut ev: Event<'a>,
    ) -> Result<Content<'a>, Error> {
        let mut opaque: Option<Cow<'a, [u8]>> = None;
        loop {
            match ev {
                Event::Text(t) => append(&mut text, t),
                Event::Extension(ext) => {
                    let v = self.ext_text(&ext)?;
                    append(&mut text, Cow::Borrowed(v));
                }
                Event::Entity(cp) => {
                    let c = self.entity(cp)?;
                    append(&mut text, Cow::Owned(c.to_string()));
                }
                Event::Opaque(b) => {
                    if opaque.is_some() {
                        return Err(Error::UnexpectedContent {
                            path: self.open_path(),
                            found: "a second OPAQUE block".into(),
                        });
                    }
                    opaque = Some(b);
                }
                Event::End => {
                    self.pop();
                    return match (text, opaque) {
                        (None, Some(b)) => Ok(Content::Leaf(Leaf::Opaque(b))),
                        (t, None) => Ok(Content::Leaf(Leaf::Text(t.unwrap_or(Cow::Borrowed(""))))),
                        (Some(_), Some(_)) => Err(Error::UnexpectedContent {
                            path: self.open_path(),
                            found: "OPAQUE mixed with text".into(),
                        }),
                    };
                }
                Event::Pi => skip_attribute_events(&mut self.reader)?,
                Event::Start { tag, .. } if !children => {
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("element {} where a value belongs", self.tag_name(&tag)),
                    })
                }
                Event::Start { tag, has_attributes, .. } => {
                    let value =
                        opaque.is_some() || text.as_deref().is_some_and(|t| !t.chars().all(char::is_whitespace));
                    if value {
                        return Err(Error::UnexpectedContent {
                            path: self.open_path(),
                            found: format!("a value mixed with element {}", self.tag_name(&tag)),
                        });
                    }
                    return self.start_child(&tag, has_attributes).map(Content::Child);
                }
                other => {
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("{other:?}").chars().take(64).collect(),
                    })
                }
            }
            ev = self.next_event()?;
        }
    }

    /// The next event; the end of the document is an error (the root is still open).
    #[inline(always)]
    fn next_event(&mut self) -> Result<Event<'a>, Error> {
        match self.reader.next() {
            Ok(Some(ev)) => Ok(ev),
            Ok(None) => Err(self.eof()),
            Err(e) => Err(Error::Wbxml(e)),
        }
    }

    /// [`Source::leaf_text`]: the common `text END`, `EXT_T_0 END` and `END` read directly.
    #[inline]
    fn text_leaf(&mut self) -> Result<Cow<'a, str>, Error> {
        let (first, ev) = match self.next_event()? {
            Event::Text(t) => (t, self.next_event()?),
            Event::Extension(Extension::Token { n: 0, value })
                if super::lookup::ext_value(self.version, value).is_some() =>
            {
                let v = super::lookup::ext_value(self.version, value).unwrap_or_default();
                (Cow::Borrowed(v), self.next_event()?)
            }
            Event::End => {
                self.pop();
                return Ok(Cow::Borrowed(""));
            }
            ev => {
                return self.leaf_text_from(None, ev);
            }
        };
        if let Event::End = ev {
            self.pop();
            return Ok(first);
        }
        self.leaf_text_from(Some(first), ev)
    }

    /// [`text_leaf`](Self::text_leaf) through the general value loop.
    fn leaf_text_from(&mut self, text: Option<Cow<'a, str>>, ev: Event<'a>) -> Result<Cow<'a, str>, Error> {
        match self.value_from(false, text, ev)? {
            Content::Leaf(leaf) => super::leaf_into_text(self, leaf),
            Content::Child(_) => unreachable!("value_from(false) refuses child elements"),
        }
    }

    /// Ends the innermost open element; errors raised next name it.
    fn pop(&mut self) {
        self.path.pop();
    }

    /// The path of the open elements (for errors raised inside an element).
    fn open_path(&self) -> String {
        self.path.open(self.version)
    }
}

/// Writes CSP WBXML: the version's public id, `xmlns` attribute tokens on `WV-CSP-Message`,
/// `TransactionContent` and `PresenceSubList`, whole-value `EXT_T_0` tokens, `OPAQUE` integers.
pub(crate) struct WbxmlSink {
    w: Writer,
    version: Version,
}

fn wb(e: imps_wbxml::Error) -> Error {
    match e.kind {
        imps_wbxml::ErrorKind::NulInString => Error::Unencodable { element: "string", reason: "NUL character" },
        _ => Error::Wbxml(e),
    }
}

impl WbxmlSink {
    pub(crate) fn new(version: Version, mode: StringTableMode) -> Self {
        let header = WriterHeader::new(PublicId::Known(version.wbxml_public_id()));
        WbxmlSink { w: Writer::new(header, mode), version }
    }

    pub(crate) fn finish(self) -> Result<BytesMut, Error> {
        self.w.finish().map_err(wb)
    }

    fn xmlns(&mut self, family: usize) -> Result<(), Error> {
        // family: 0 CSP, 1 PA, 2 TRC; tokens per spec notes 6.3.3.
        let base = match self.version {
            Version::V1_1 => 0x05,
            Version::V1_2 => 0x08,
            Version::V1_3 => 0x0B,
        };
        let token = base + family as u8;
        self.w.attribute(AttrStart::Token { page: 0, token }).map_err(wb)?;
        self.w.attr_value(AttrValue::Text(Cow::Borrowed(self.version.as_str()))).map_err(wb)
    }

    fn checked_text(&mut self, element: &'static str, text: &str) -> Result<(), Error> {
        if text.contains('\0') {
            return Err(Error::Unencodable { element, reason: "NUL character" });
        }
        self.w.text(text).map_err(wb)
    }
}

impl Sink for WbxmlSink {
    fn version(&self) -> Version {
        self.version
    }

    fn start(&mut self, elem: Elem) -> Result<(), Error> {
        let (page, token) = elem
            .token(self.version)
            .ok_or(Error::NotInVersion { element: elem.name(self.version), version: self.version })?;
        self.w.start(Tag::Token { page, token }).map_err(wb)?;
        match elem {
            Elem::WVCSPMessage => self.xmlns(0),
            Elem::PresenceSubList => self.xmlns(1),
            Elem::TransactionContent => self.xmlns(2),
            _ => Ok(()),
        }
    }

    fn text(&mut self, elem: Elem, text: &str) -> Result<(), Error> {
        if text.is_empty() {
            return Ok(());
        }
        match super::lookup::ext_index(self.version, text) {
            Some(i) => self.w.extension(Extension::Token { n: 0, value: i }).map_err(wb),
            None => self.checked_text(elem.name(self.version), text),
        }
    }

    fn integer(&mut self, value: u32) -> Result<(), Error> {
        let bytes = value.to_be_bytes();
        let skip = (value.leading_zeros() / 8).min(3) as usize;
        self.w.opaque(&bytes[skip..]).map_err(wb)
    }

    fn datetime(&mut self, elem: Elem, value: &DateTime) -> Result<(), Error> {
        match value.to_opaque() {
            Some(b) => self.w.opaque(&b).map_err(wb),
            None => self.checked_text(elem.name(self.version), &value.to_string()),
        }
    }

    fn raw(&mut self, raw: &RawElement) -> Result<(), Error> {
        let tag = match super::lookup::elem_from_name(&raw.name).and_then(|e| e.token(self.version)) {
            Some((page, token)) => Tag::Token { page, token },
            None => Tag::Literal(Cow::Borrowed(raw.name.as_str())),
        };
        self.w.start(tag).map_err(wb)?;
        for (k, v) in &raw.attributes {
            self.w.attribute(AttrStart::Literal(Cow::Borrowed(k.as_str()))).map_err(wb)?;
            if !v.is_empty() {
                self.w.attr_value(AttrValue::Text(Cow::Borrowed(v.as_str()))).map_err(wb)?;
            }
        }
        self.raw_nodes(&raw.children)?;
        self.w.end().map_err(wb)
    }

    fn raw_text(&mut self, text: &str) -> Result<(), Error> {
        if text.is_empty() {
            return Ok(());
        }
        self.checked_text("extension element", text)
    }

    fn end(&mut self) -> Result<(), Error> {
        self.w.end().map_err(wb)
    }
}
