//! XML encoding (quick-xml for reading; a direct writer for output).
//!
//! Reading borrows from the input; a DOCTYPE is skipped, never expanded: only the predefined
//! entities and character references are accepted, so entity bombs cannot happen. Namespace
//! declarations (`xmlns`, `xmlns:*`) and `xsi:*`/`xml:*` attributes are tolerated anywhere; the
//! root's default namespace tells the version.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::path::ElementPath;
use super::{Child, Content, Leaf, Sink, Source};
use crate::raw::{RawElement, RawNode};
use crate::schema::Elem;
use crate::{DateTime, DecodeOptions, Error, Version};

/// Where an XML document's version came from.
pub(crate) fn version_from_namespace(ns: &str) -> Option<Version> {
    Version::ALL.into_iter().find(|v| v.csp_namespace() == ns)
}

/// The version a DOCTYPE's public id names (ours, and libwbxml's spelling of 1.1).
pub(crate) fn version_from_public_id(id: &str) -> Option<Version> {
    let id = id.trim();
    if id.eq_ignore_ascii_case("-//OMA//DTD WV-CSP 1.1//EN") {
        return Some(Version::V1_1);
    }
    Version::ALL.into_iter().find(|v| v.public_id_string().eq_ignore_ascii_case(id))
}

fn doctype_public_id(doctype: &str) -> Option<&str> {
    let i = doctype.find("PUBLIC")?;
    let rest = doctype[i + 6..].trim_start();
    let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    rest.find(q).map(|j| &rest[..j])
}

/// Which attributes a CSP element may carry without them meaning anything to CSP.
fn tolerated_attribute(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:") || name.starts_with("xml:")
}

enum Pending {
    None,
    /// The last start was an empty element: its end is implied.
    EmptyEnd,
}

pub(crate) struct XmlSource<'a> {
    /// The whole document.
    input: &'a str,
    reader: Reader<&'a [u8]>,
    version: Version,
    path: ElementPath,
    pending: Pending,
    max_depth: usize,
}

fn xml_err(reader: &Reader<&[u8]>, e: impl std::fmt::Display) -> Error {
    Error::Xml { offset: reader.error_position(), message: e.to_string() }
}

impl<'a> XmlSource<'a> {
    /// Reads the prolog and the root start; the source is then positioned inside the root.
    pub(crate) fn new(input: &'a [u8], opts: &DecodeOptions) -> Result<Self, Error> {
        if input.len() > opts.max_size {
            return Err(Error::TooLarge { size: input.len(), limit: opts.max_size });
        }
        let text = std::str::from_utf8(input).map_err(|e| Error::InvalidUtf8 { offset: e.valid_up_to() })?;
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut doctype_version = None;
        loop {
            let ev = reader.read_event().map_err(|e| xml_err(&reader, e))?;
            match ev {
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if super::is_layout(t.as_bytes()) => {}
                Event::DocType(d) => {
                    let d = d.xml10_content();
                    doctype_version = doctype_public_id(&d).and_then(version_from_public_id);
                }
                Event::Start(ref s) | Event::Empty(ref s) if s.local_name().as_ref() == "WV-CSP-Message" => {
                    let mut version = None;
                    let mut found_ns = None;
                    for a in s.attributes() {
                        let a = a.map_err(|e| xml_err(&reader, e))?;
                        if a.key.as_ref() == "xmlns" {
                            let v = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map_err(|e| xml_err(&reader, e))?;
                            version = version_from_namespace(&v);
                            found_ns = Some(v.into_owned());
                        } else if !tolerated_attribute(a.key.as_ref()) {
                            return Err(Error::UnexpectedContent {
                                path: "/WV-CSP-Message".into(),
                                found: format!("attribute {}", a.key.as_ref()),
                            });
                        }
                    }
                    let version = match (version, found_ns, doctype_version) {
                        (Some(v), _, _) => v,
                        (None, None, Some(v)) => v,
                        (None, found, _) => {
                            return Err(Error::UnknownVersion {
                                found: found.unwrap_or_else(|| "no namespace or DOCTYPE".into()),
                            })
                        }
                    };
                    let empty = matches!(ev, Event::Empty(_));
                    return Ok(XmlSource {
                        input: text,
                        reader,
                        version,
                        path: ElementPath::root(),
                        pending: if empty { Pending::EmptyEnd } else { Pending::None },
                        max_depth: opts.max_depth,
                    });
                }
                Event::Start(s) | Event::Empty(s) => {
                    return Err(Error::WrongRoot { found: s.name().as_ref().to_owned() })
                }
                Event::Eof => return Err(Error::WrongRoot { found: "nothing (empty document)".into() }),
                other => return Err(Error::WrongRoot { found: format!("{other:?}").chars().take(64).collect() }),
            }
        }
    }

    /// After the root ends: only comments, PIs and whitespace may follow.
    pub(crate) fn finish(mut self) -> Result<(), Error> {
        loop {
            match self.read_event(false)? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if super::is_layout(t.as_bytes()) => {}
                other => {
                    return Err(Error::UnexpectedContent {
                        path: String::new(),
                        found: format!("after the root element: {other:?}").chars().take(80).collect(),
                    })
                }
            }
        }
    }

    fn take_pending_end(&mut self) -> bool {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::EmptyEnd => {
                self.pop();
                true
            }
            Pending::None => false,
        }
    }

    #[cold]
    fn check_attributes(&self, s: &BytesStart<'_>) -> Result<(), Error> {
        // Usually a single tolerated attribute (an xmlns): no duplicates to look for.
        let mut single = s.attributes();
        single.with_checks(false);
        if let (Some(Ok(a)), None) = (single.next(), single.next()) {
            if tolerated_attribute(a.key.as_ref()) {
                return Ok(());
            }
        }
        for a in s.attributes() {
            let a = a.map_err(|e| xml_err(&self.reader, e))?;
            if !tolerated_attribute(a.key.as_ref()) {
                return Err(Error::UnexpectedContent {
                    path: self.open_path(),
                    found: format!("attribute {}", a.key.as_ref()),
                });
            }
        }
        Ok(())
    }

    /// After a start that made the path `depth` deep: checks the depth, notes an empty element.
    #[inline]
    fn started(&mut self, depth: usize, empty: bool) -> Result<(), Error> {
        if depth > self.max_depth {
            return Err(Error::TooDeep { path: self.open_path(), limit: self.max_depth });
        }
        self.pending = if empty { Pending::EmptyEnd } else { Pending::None };
        Ok(())
    }

    fn eof(&self) -> Error {
        Error::Xml {
            offset: self.reader.buffer_position(),
            message: format!("document ends inside {}", self.open_path()),
        }
    }

    fn resolve_ref(&self, r: &str) -> Result<char, Error> {
        Ok(match r {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let num = r.strip_prefix('#').ok_or_else(|| Error::Xml {
                    offset: self.reader.buffer_position(),
                    message: format!("entity &{r}; is not allowed (no DTD entities are expanded)"),
                })?;
                let n = match num.strip_prefix('x') {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => num.parse::<u32>().ok(),
                };
                n.and_then(char::from_u32).filter(|c| *c != '\0').ok_or_else(|| Error::Xml {
                    offset: self.reader.buffer_position(),
                    message: format!("invalid character reference &{r};"),
                })?
            }
        })
    }

    fn raw_element(&mut self, s: &BytesStart<'_>, empty: bool) -> Result<RawElement, Error> {
        let name = s.local_name().as_ref().to_owned();
        let mut attributes = Vec::new();
        for a in s.attributes() {
            let a = a.map_err(|e| xml_err(&self.reader, e))?;
            let key = a.key.as_ref();
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| xml_err(&self.reader, e))?;
            attributes.push((key.to_owned(), v.into_owned()));
        }
        let depth = self.path.push_name(&name);
        self.started(depth, empty)?;
        let children = self.raw_content()?;
        Ok(RawElement { name, attributes, children })
    }
}

fn append<'a>(acc: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
    match acc {
        None => *acc = Some(piece),
        Some(a) => a.to_mut().push_str(&piece),
    }
}

impl<'a> Source<'a> for XmlSource<'a> {
    fn version(&self) -> Version {
        self.version
    }

    fn next_child(&mut self) -> Result<Option<Child>, Error> {
        if self.take_pending_end() {
            return Ok(None);
        }
        loop {
            let start = self.reader.buffer_position() as usize;
            // Layout between elements (quick-xml's whitespace: space, tab, CR, LF) is skipped by
            // the reader itself, without an event.
            let ev = self.read_event(true)?;
            match ev {
                Event::Start(ref s) | Event::Empty(ref s) => {
                    let empty = matches!(ev, Event::Empty(_));
                    return self.start_child(s, empty).map(Some);
                }
                Event::End(_) => {
                    self.pop();
                    return Ok(None);
                }
                // Other ASCII whitespace (form feed) after the skipped layout.
                Event::Text(t) if super::is_layout(t.as_bytes()) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.eof()),
                Event::Text(_) => {
                    // The text as it came, with the layout the reader skipped.
                    let end = self.reader.buffer_position() as usize;
                    let t = self.input.get(start..end).unwrap_or_default();
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("text {:?}", t.chars().take(32).collect::<String>()),
                    });
                }
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
        if self.take_pending_end() {
            return Ok(nodes);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let ev = self.read_event(false)?;
            let flush = |text: &mut Option<Cow<'a, str>>, nodes: &mut Vec<RawNode>| {
                // Empty text (`<![CDATA[]]>`) is no content: encoding writes none for it.
                if let Some(t) = text.take().filter(|t| !t.is_empty()) {
                    nodes.push(RawNode::Text(t.into_owned()));
                }
            };
            match ev {
                Event::Text(t) => append(&mut text, t.xml10_content()),
                Event::CData(c) => append(&mut text, c.xml10_content()),
                Event::GeneralRef(r) => {
                    let c = self.resolve_ref(&r)?;
                    append(&mut text, Cow::Owned(c.to_string()));
                }
                Event::Start(ref s) | Event::Empty(ref s) => {
                    flush(&mut text, &mut nodes);
                    let empty = matches!(ev, Event::Empty(_));
                    let el = self.raw_element(s, empty)?;
                    nodes.push(RawNode::Element(el));
                }
                Event::End(_) => {
                    flush(&mut text, &mut nodes);
                    self.pop();
                    super::drop_layout_whitespace(&mut nodes);
                    return Ok(nodes);
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.eof()),
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

impl<'a> XmlSource<'a> {
    /// The content of the current element as a value, through its end; with `children`, a
    /// first child element (after whitespace only) is started and returned instead.
    fn value(&mut self, children: bool) -> Result<Content<'a>, Error> {
        if self.take_pending_end() {
            return Ok(Content::Leaf(Leaf::Text(Cow::Borrowed(""))));
        }
        let ev = self.read_event(false)?;
        self.value_from(children, None, ev)
    }

    /// [`value`](Self::value) after the text `acc`, with event `ev` just read.
    fn value_from(
        &mut self,
        children: bool,
        mut acc: Option<Cow<'a, str>>,
        mut ev: Event<'a>,
    ) -> Result<Content<'a>, Error> {
        loop {
            match ev {
                Event::Text(t) => append(&mut acc, t.xml10_content()),
                Event::CData(c) => append(&mut acc, c.xml10_content()),
                Event::GeneralRef(r) => {
                    let c = self.resolve_ref(&r)?;
                    append(&mut acc, Cow::Owned(c.to_string()));
                }
                Event::End(_) => {
                    self.pop();
                    return Ok(Content::Leaf(Leaf::Text(acc.unwrap_or(Cow::Borrowed("")))));
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.eof()),
                Event::Start(ref s) | Event::Empty(ref s) => {
                    if !children {
                        return Err(Error::UnexpectedContent {
                            path: self.open_path(),
                            found: format!("element {} where a value belongs", s.name().as_ref()),
                        });
                    }
                    if let Some(t) = acc.as_deref().filter(|t| !t.chars().all(|c| c.is_ascii_whitespace())) {
                        return Err(Error::UnexpectedContent {
                            path: self.open_path(),
                            found: format!("text {:?} mixed with elements", t.chars().take(32).collect::<String>()),
                        });
                    }
                    let empty = matches!(ev, Event::Empty(_));
                    return self.start_child(s, empty).map(Content::Child);
                }
                other => {
                    return Err(Error::UnexpectedContent {
                        path: self.open_path(),
                        found: format!("{other:?}").chars().take(64).collect(),
                    })
                }
            }
            ev = self.read_event(false)?;
        }
    }

    /// [`Source::leaf_text`]: the common `text</end>` and `</end>` read directly.
    #[inline]
    fn text_leaf(&mut self) -> Result<Cow<'a, str>, Error> {
        if self.take_pending_end() {
            return Ok(Cow::Borrowed(""));
        }
        let (acc, ev) = match self.read_event(false)? {
            Event::Text(t) => {
                let text = t.xml10_content();
                match self.read_event(false)? {
                    Event::End(_) => {
                        self.pop();
                        return Ok(text);
                    }
                    ev => (Some(text), ev),
                }
            }
            Event::End(_) => {
                self.pop();
                return Ok(Cow::Borrowed(""));
            }
            ev => (None, ev),
        };
        match self.value_from(false, acc, ev)? {
            Content::Leaf(Leaf::Text(t)) => Ok(t),
            _ => unreachable!("value_from(false) refuses child elements and yields text"),
        }
    }

    /// Starts child element `s` (read as `Start`, or `Empty` when `empty`).
    #[inline(always)]
    fn start_child(&mut self, s: &BytesStart<'_>, empty: bool) -> Result<Child, Error> {
        if !s.attributes_raw().is_empty() {
            self.check_attributes(s)?;
        }
        // No known name holds a ':', so a name found whole is its own local name.
        let (child, depth) = match super::lookup::elem_from_name(s.name().as_ref()) {
            Some(e) => (Child::Known(e), self.path.push_known(e)),
            None => self.start_other(s),
        };
        self.started(depth, empty)?;
        Ok(child)
    }

    /// [`start_child`](Self::start_child) of a prefixed or unknown name.
    #[cold]
    fn start_other(&mut self, s: &BytesStart<'_>) -> (Child, usize) {
        let name = s.local_name();
        match super::lookup::elem_from_name(name.as_ref()) {
            Some(e) => (Child::Known(e), self.path.push_known(e)),
            None => (Child::Unknown, self.path.push_unknown(name.as_ref().to_owned())),
        }
    }

    /// The next event; with `skip_layout`, whitespace before it is skipped (in element content).
    #[inline]
    fn read_event(&mut self, skip_layout: bool) -> Result<Event<'a>, Error> {
        self.reader.config_mut().trim_text_start = skip_layout;
        match self.reader.read_event() {
            Ok(ev) => Ok(ev),
            Err(e) => Err(self.read_error(e)),
        }
    }

    #[cold]
    #[inline(never)]
    fn read_error(&self, e: quick_xml::Error) -> Error {
        xml_err(&self.reader, e)
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

/// Writes XML directly (no intermediate events): `<?xml ...?>` then the elements, namespace
/// declarations on `WV-CSP-Message`, `TransactionContent` and `PresenceSubList`.
pub(crate) struct XmlSink {
    out: Vec<u8>,
    version: Version,
    stack: Vec<&'static str>,
    open_tag: bool,
}

impl XmlSink {
    pub(crate) fn new(version: Version) -> Self {
        let mut out = Vec::with_capacity(1024);
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        XmlSink { out, version, stack: Vec::with_capacity(16), open_tag: false }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.out
    }

    fn close_open_tag(&mut self) {
        if self.open_tag {
            self.out.push(b'>');
            self.open_tag = false;
        }
    }

    fn start_named(&mut self, name: &'static str) {
        self.close_open_tag();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        self.stack.push(name);
        self.open_tag = true;
    }

    fn escape(&mut self, element: &'static str, s: &str, attr: bool) -> Result<(), Error> {
        let bytes = s.as_bytes();
        let mut last = 0;
        for (i, c) in s.char_indices() {
            let rep: Option<&str> = match c {
                '&' => Some("&amp;"),
                '<' => Some("&lt;"),
                '>' => Some("&gt;"),
                '"' if attr => Some("&quot;"),
                '\r' => Some("&#13;"),
                '\t' | '\n' => None,
                '\0' => return Err(Error::Unencodable { element, reason: "NUL character" }),
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                    return Err(Error::Unencodable { element, reason: "character not allowed in XML 1.0" })
                }
                _ => None,
            };
            if let Some(rep) = rep {
                self.out.extend_from_slice(&bytes[last..i]);
                self.out.extend_from_slice(rep.as_bytes());
                last = i + c.len_utf8();
            }
        }
        self.out.extend_from_slice(&bytes[last..]);
        Ok(())
    }

    fn top(&self) -> &'static str {
        self.stack.last().copied().unwrap_or("")
    }
}

impl Sink for XmlSink {
    fn version(&self) -> Version {
        self.version
    }

    fn start(&mut self, elem: Elem) -> Result<(), Error> {
        if !elem.exists_in(self.version) {
            return Err(Error::NotInVersion { element: elem.name(self.version), version: self.version });
        }
        self.start_named(elem.name(self.version));
        let ns = match elem {
            Elem::WVCSPMessage => Some(self.version.csp_namespace()),
            Elem::TransactionContent => Some(self.version.trc_namespace()),
            Elem::PresenceSubList => Some(self.version.pa_namespace()),
            _ => None,
        };
        if let Some(ns) = ns {
            self.out.extend_from_slice(b" xmlns=\"");
            self.out.extend_from_slice(ns.as_bytes());
            self.out.push(b'"');
        }
        Ok(())
    }

    fn text(&mut self, elem: Elem, text: &str) -> Result<(), Error> {
        if text.is_empty() {
            return Ok(());
        }
        self.close_open_tag();
        self.escape(elem.name(self.version), text, false)
    }

    fn integer(&mut self, value: u32) -> Result<(), Error> {
        self.close_open_tag();
        self.out.extend_from_slice(value.to_string().as_bytes());
        Ok(())
    }

    fn datetime(&mut self, _: Elem, value: &DateTime) -> Result<(), Error> {
        self.close_open_tag();
        self.out.extend_from_slice(value.to_string().as_bytes());
        Ok(())
    }

    fn raw(&mut self, raw: &RawElement) -> Result<(), Error> {
        if raw.name.is_empty()
            || !raw.name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            || raw.name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
        {
            return Err(Error::Unencodable { element: "extension element", reason: "not an XML name" });
        }
        self.close_open_tag();
        self.out.push(b'<');
        self.out.extend_from_slice(raw.name.as_bytes());
        for (k, v) in &raw.attributes {
            if k.is_empty()
                || !k.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
                || k.starts_with("xmlns")
            {
                return Err(Error::Unencodable { element: "extension attribute", reason: "not an XML attribute name" });
            }
            self.out.push(b' ');
            self.out.extend_from_slice(k.as_bytes());
            self.out.extend_from_slice(b"=\"");
            self.escape("extension attribute", v, true)?;
            self.out.push(b'"');
        }
        self.out.push(b'>');
        self.raw_nodes(&raw.children)?;
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(raw.name.as_bytes());
        self.out.push(b'>');
        Ok(())
    }

    fn raw_text(&mut self, text: &str) -> Result<(), Error> {
        self.close_open_tag();
        let top = self.top();
        self.escape(top, text, false)
    }

    fn end(&mut self) -> Result<(), Error> {
        let name = self.stack.pop().ok_or(Error::Unencodable { element: "document", reason: "unbalanced end" })?;
        if self.open_tag {
            self.out.extend_from_slice(b"/>");
            self.open_tag = false;
        } else {
            self.out.extend_from_slice(b"</");
            self.out.extend_from_slice(name.as_bytes());
            self.out.push(b'>');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Error, Message, Version};

    #[test]
    fn stray_text_is_reported_with_its_layout() {
        let ns = Version::V1_2.csp_namespace();
        for (text, shown) in [("\n  junk\n  ", "\n  junk\n  "), (" \u{c} y", " \u{c} y"), ("\r\n\tz", "\r\n\tz")] {
            let doc = format!("<WV-CSP-Message xmlns=\"{ns}\">{text}<Session/></WV-CSP-Message>");
            let e = Message::decode_xml(doc.as_bytes()).unwrap_err();
            let found = format!("text {shown:?}");
            assert_eq!(e, Error::UnexpectedContent { path: "/WV-CSP-Message".into(), found }, "{text:?}");
        }
    }
}
