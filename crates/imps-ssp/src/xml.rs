//! The XML layer: a bounded element tree read with quick-xml, and a direct writer.
//!
//! SSP carries its data in attributes and in small elements, so the codec reads a whole message
//! into a tree of [`XElement`]s first (bounded by size and depth), then the typed layer
//! ([`crate::codec`]) reads the tree. Reading never expands entities beyond the predefined ones
//! and character references, so entity bombs cannot happen; a DOCTYPE is skipped. An element
//! holds either child elements (text between them must be whitespace, which is layout) or text,
//! never both. Text is kept exactly (no trimming); attribute values are normalised as XML 1.0
//! says, so the writer escapes tab, line feed and carriage return in attributes as character
//! references, and carriage return in text.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::Error;

/// One element of a read document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct XElement {
    /// Local name (a prefix, if any, is dropped).
    pub name: String,
    /// Attributes in document order, namespace declarations included.
    pub attrs: Vec<(String, String)>,
    /// Child elements.
    pub children: Vec<XElement>,
    /// Text content (for elements without children).
    pub text: String,
}

impl XElement {
    pub fn new(name: impl Into<String>) -> Self {
        XElement { name: name.into(), ..Default::default() }
    }

    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        self.attrs.push((name.to_owned(), value.into()));
    }
}

/// Limits of the reader.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadLimits {
    pub max_size: usize,
    pub max_depth: usize,
}

fn xml_err(reader: &Reader<&[u8]>, e: impl std::fmt::Display) -> Error {
    Error::Xml { offset: reader.error_position(), message: e.to_string() }
}

fn local(s: &str) -> String {
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => s.to_owned(),
    }
}

fn path_of(stack: &[XElement]) -> String {
    let mut p = String::new();
    for e in stack {
        p.push('/');
        p.push_str(&e.name);
    }
    p
}

fn resolve_ref(reader: &Reader<&[u8]>, r: &str) -> Result<char, Error> {
    Ok(match r {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "apos" => '\'',
        "quot" => '"',
        _ => {
            let bad = || Error::Xml {
                offset: reader.buffer_position(),
                message: format!("entity &{}; is not allowed", r.chars().take(32).collect::<String>()),
            };
            let num = r.strip_prefix('#').ok_or_else(bad)?;
            let n = match num.strip_prefix('x') {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.and_then(char::from_u32).filter(|c| *c != '\0').ok_or_else(bad)?
        }
    })
}

fn start(reader: &Reader<&[u8]>, s: &quick_xml::events::BytesStart<'_>) -> Result<XElement, Error> {
    let mut e = XElement::new(local(s.name().as_ref()));
    for a in s.attributes() {
        let a = a.map_err(|err| xml_err(reader, err))?;
        let key = a.key.as_ref().to_owned();
        let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|err| xml_err(reader, err))?;
        e.attrs.push((key, v.into_owned()));
    }
    Ok(e)
}

/// Closes the innermost open element, attaching it to its parent (or returning it as the root).
fn close(stack: &mut Vec<XElement>, text: &mut String) -> Result<Option<XElement>, Error> {
    let mut e = stack.pop().expect("an open element");
    let t = std::mem::take(text);
    if e.children.is_empty() {
        e.text = t;
    } else if !t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
        let mut p = path_of(stack);
        p.push('/');
        p.push_str(&e.name);
        return Err(Error::UnexpectedContent {
            path: p,
            found: format!("text {:?} beside elements", t.trim().chars().take(32).collect::<String>()),
        });
    }
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(e);
            Ok(None)
        }
        None => Ok(Some(e)),
    }
}

/// Reads a whole document into its root element.
pub(crate) fn read(input: &[u8], limits: ReadLimits) -> Result<XElement, Error> {
    if input.len() > limits.max_size {
        return Err(Error::TooLarge { size: input.len(), limit: limits.max_size });
    }
    let text = std::str::from_utf8(input).map_err(|e| Error::InvalidUtf8 { offset: e.valid_up_to() })?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<XElement> = Vec::new();
    // Text of the innermost open element, collected across events.
    let mut acc = String::new();
    let mut root = None;
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(&reader, e))?;
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                if root.is_some() {
                    return Err(Error::UnexpectedContent {
                        path: String::new(),
                        found: "a second root element".into(),
                    });
                }
                if let Some(parent) = stack.last() {
                    if !acc.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                        return Err(Error::UnexpectedContent {
                            path: format!("{}/{}", path_of(&stack[..stack.len() - 1]), parent.name),
                            found: format!(
                                "text {:?} beside elements",
                                acc.trim().chars().take(32).collect::<String>()
                            ),
                        });
                    }
                }
                acc.clear();
                let e = start(&reader, s)?;
                stack.push(e);
                if stack.len() > limits.max_depth {
                    return Err(Error::TooDeep { path: path_of(&stack), limit: limits.max_depth });
                }
                if matches!(ev, Event::Empty(_)) {
                    root = close(&mut stack, &mut acc)?;
                }
            }
            Event::End(_) => {
                root = close(&mut stack, &mut acc)?;
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                if stack.is_empty() {
                    if !t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
                        return Err(Error::UnexpectedContent {
                            path: String::new(),
                            found: "text outside the root".into(),
                        });
                    }
                } else {
                    acc.push_str(&t);
                }
            }
            Event::CData(c) => {
                if stack.is_empty() {
                    return Err(Error::UnexpectedContent {
                        path: String::new(),
                        found: "CDATA outside the root".into(),
                    });
                }
                let t = c.xml10_content();
                acc.push_str(&t);
            }
            Event::GeneralRef(r) => {
                let c = resolve_ref(&reader, r.as_ref())?;
                if stack.is_empty() {
                    return Err(Error::UnexpectedContent {
                        path: String::new(),
                        found: "text outside the root".into(),
                    });
                }
                acc.push(c);
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => {
                return match (root, stack.is_empty()) {
                    (Some(r), true) => Ok(r),
                    (None, true) => Err(Error::WrongRoot { found: "nothing (empty document)".into() }),
                    _ => Err(Error::Xml {
                        offset: reader.buffer_position(),
                        message: format!("document ends inside {}", path_of(&stack)),
                    }),
                };
            }
        }
    }
}

/// Appends `s` escaped for XML 1.0 text (`attr` false) or a double-quoted attribute value.
pub(crate) fn escape(out: &mut String, element: &'static str, s: &str, attr: bool) -> Result<(), Error> {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            '\0' => return Err(Error::Unencodable { element, reason: "NUL character" }),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return Err(Error::Unencodable { element, reason: "character not allowed in XML 1.0" })
            }
            c => out.push(c),
        }
    }
    Ok(())
}

/// Writes an element tree as compact XML.
pub(crate) fn write(out: &mut String, e: &XElement) -> Result<(), Error> {
    out.push('<');
    out.push_str(&e.name);
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape(out, "attribute", v, true)?;
        out.push('"');
    }
    if e.children.is_empty() && e.text.is_empty() {
        out.push_str("/>");
        return Ok(());
    }
    out.push('>');
    if e.children.is_empty() {
        escape(out, "text", &e.text, false)?;
    }
    for c in &e.children {
        write(out, c)?;
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: ReadLimits = ReadLimits { max_size: 1 << 20, max_depth: 16 };

    #[test]
    fn reads_a_tree_and_writes_it_back() {
        let doc = "<?xml version='1.0'?>\n<a x=\"1\">\n  <b y='&amp;&#10;'>t &lt;x&gt;&#13;</b>\n  <c/>\n</a>";
        let t = read(doc.as_bytes(), L).unwrap();
        assert_eq!(t.name, "a");
        assert_eq!(t.children.len(), 2);
        assert_eq!(t.children[0].attr("y"), Some("&\n"));
        assert_eq!(t.children[0].text, "t <x>\r");
        let mut out = String::new();
        write(&mut out, &t).unwrap();
        assert_eq!(read(out.as_bytes(), L).unwrap(), t);
    }

    #[test]
    fn refuses_mixed_content_entities_depth_and_trailing_roots() {
        assert!(matches!(read(b"<a>x<b/></a>", L), Err(Error::UnexpectedContent { .. })));
        assert!(matches!(read(b"<a><b/>x</a>", L), Err(Error::UnexpectedContent { .. })));
        assert!(matches!(read(b"<a>&foo;</a>", L), Err(Error::Xml { .. })));
        assert!(matches!(read(b"<a/><b/>", L), Err(Error::UnexpectedContent { .. })));
        assert!(matches!(read(b"<a>", L), Err(Error::Xml { .. })));
        assert!(matches!(read(b"", L), Err(Error::WrongRoot { .. })));
        let deep = "<a>".repeat(20) + &"</a>".repeat(20);
        assert!(matches!(read(deep.as_bytes(), L), Err(Error::TooDeep { .. })));
        assert!(matches!(read(&[b' '; 10], ReadLimits { max_size: 5, max_depth: 4 }), Err(Error::TooLarge { .. })));
    }

    #[test]
    fn escaping_refuses_control_characters() {
        let mut s = String::new();
        assert!(escape(&mut s, "x", "a\u{1}", false).is_err());
        assert!(escape(&mut s, "x", "a\0", true).is_err());
    }
}
