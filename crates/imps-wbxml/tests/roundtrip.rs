//! Property tests: arbitrary well-formed documents written in both string-table modes read back
//! as the same events; `write_event` reproduces a reader's event stream exactly.

use std::borrow::Cow;

use imps_wbxml::{
    AttrStart, AttrValue, Charset, Event, Extension, PublicId, Reader, StringTableMode, Tag, WbxmlVersion, Writer,
    WriterHeader,
};
use proptest::prelude::*;

/// A processing instruction: target and value parts.
#[derive(Debug, Clone)]
struct Pi {
    target: AttrStart<'static>,
    value: Vec<AttrValue<'static>>,
}

#[derive(Debug, Clone)]
struct Element {
    tag: Tag<'static>,
    attrs: Vec<(AttrStart<'static>, Vec<AttrValue<'static>>)>,
    children: Vec<Node>,
    /// Write the content flag even when there are no children (only via `write_event`).
    force_content: bool,
}

#[derive(Debug, Clone)]
enum Node {
    Element(Element),
    Text(String),
    Entity(u32),
    Ext(Extension<'static>),
    Opaque(Vec<u8>),
    Pi(Pi),
}

#[derive(Debug, Clone)]
struct Doc {
    version: WbxmlVersion,
    public_id: PublicId<'static>,
    charset: Charset,
    before: Vec<Pi>,
    root: Element,
    after: Vec<Pi>,
}

// ---------------------------------------------------------------- strategies

/// Strings without NUL, including non-ASCII (Latin-1, CJK, emoji).
fn string() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,8}"
}

fn page() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0u8), Just(1), Just(4), Just(5), Just(6), Just(255), any::<u8>()]
}

fn tag() -> impl Strategy<Value = Tag<'static>> {
    prop_oneof![
        4 => (page(), 0x05u8..=0x3F).prop_map(|(page, token)| Tag::Token { page, token }),
        1 => string().prop_map(|s| Tag::Literal(Cow::Owned(s))),
    ]
}

fn attr_start() -> impl Strategy<Value = AttrStart<'static>> {
    prop_oneof![
        4 => (page(), prop_oneof![0x05u8..=0x3F, 0x45u8..=0x7F])
            .prop_map(|(page, token)| AttrStart::Token { page, token }),
        1 => string().prop_map(|s| AttrStart::Literal(Cow::Owned(s))),
    ]
}

fn extension() -> impl Strategy<Value = Extension<'static>> {
    prop_oneof![
        (0u8..=2, string()).prop_map(|(n, v)| Extension::Inline { n, value: Cow::Owned(v) }),
        (0u8..=2, any::<u32>()).prop_map(|(n, value)| Extension::Token { n, value }),
        (0u8..=2).prop_map(|n| Extension::Single { n }),
    ]
}

fn opaque() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..6)
}

fn attr_value() -> impl Strategy<Value = AttrValue<'static>> {
    prop_oneof![
        string().prop_map(|s| AttrValue::Text(Cow::Owned(s))),
        (page(), prop_oneof![0x85u8..=0xBF, 0xC5u8..=0xFF]).prop_map(|(page, token)| AttrValue::Token { page, token }),
        any::<u32>().prop_map(AttrValue::Entity),
        extension().prop_map(AttrValue::Extension),
        opaque().prop_map(|d| AttrValue::Opaque(Cow::Owned(d))),
    ]
}

fn pi() -> impl Strategy<Value = Pi> {
    (attr_start(), proptest::collection::vec(attr_value(), 0..3)).prop_map(|(target, value)| Pi { target, value })
}

fn attrs() -> impl Strategy<Value = Vec<(AttrStart<'static>, Vec<AttrValue<'static>>)>> {
    proptest::collection::vec((attr_start(), proptest::collection::vec(attr_value(), 0..3)), 0..3)
}

fn leaf_element() -> impl Strategy<Value = Element> {
    (tag(), attrs(), any::<bool>()).prop_map(|(tag, attrs, force_content)| Element {
        tag,
        attrs,
        children: Vec::new(),
        force_content,
    })
}

fn element() -> impl Strategy<Value = Element> {
    leaf_element().prop_recursive(5, 48, 6, |inner| {
        let node = prop_oneof![
            3 => inner.prop_map(Node::Element),
            2 => string().prop_map(Node::Text),
            1 => any::<u32>().prop_map(Node::Entity),
            1 => extension().prop_map(Node::Ext),
            1 => opaque().prop_map(Node::Opaque),
            1 => pi().prop_map(Node::Pi),
        ];
        (tag(), attrs(), proptest::collection::vec(node, 0..6), any::<bool>())
            .prop_map(|(tag, attrs, children, force_content)| Element { tag, attrs, children, force_content })
    })
}

fn public_id() -> impl Strategy<Value = PublicId<'static>> {
    prop_oneof![
        (2u32..).prop_map(PublicId::Known),
        Just(PublicId::Unknown),
        string().prop_map(|s| PublicId::String(Cow::Owned(s))),
    ]
}

fn doc_with(after: impl Strategy<Value = Vec<Pi>>) -> impl Strategy<Value = Doc> {
    (
        0u8..=3,
        public_id(),
        prop_oneof![Just(Charset::Utf8), Just(Charset::Unknown)],
        proptest::collection::vec(pi(), 0..2),
        element(),
        after,
    )
        .prop_map(|(v, public_id, charset, before, root, after)| Doc {
            version: WbxmlVersion(v),
            public_id,
            charset,
            before,
            root,
            after,
        })
}

fn doc() -> impl Strategy<Value = Doc> {
    doc_with(proptest::collection::vec(pi(), 0..2))
}

// ---------------------------------------------------------------- model -> events / writer

fn pi_events(pi: &Pi, out: &mut Vec<Event<'static>>) {
    out.push(Event::Pi);
    out.push(Event::AttrStart(pi.target.clone()));
    out.extend(pi.value.iter().cloned().map(Event::AttrValue));
    out.push(Event::AttrEnd);
}

/// The events the reader reports; `exact_flags` honours `force_content`.
fn element_events(e: &Element, exact_flags: bool, out: &mut Vec<Event<'static>>) {
    let has_attributes = !e.attrs.is_empty();
    let has_content = !e.children.is_empty() || (exact_flags && e.force_content);
    out.push(Event::Start { tag: e.tag.clone(), has_attributes, has_content });
    for (start, values) in &e.attrs {
        out.push(Event::AttrStart(start.clone()));
        out.extend(values.iter().cloned().map(Event::AttrValue));
    }
    if has_attributes {
        out.push(Event::AttrEnd);
    }
    for child in &e.children {
        match child {
            Node::Element(c) => element_events(c, exact_flags, out),
            Node::Text(s) => out.push(Event::Text(Cow::Owned(s.clone()))),
            Node::Entity(c) => out.push(Event::Entity(*c)),
            Node::Ext(x) => out.push(Event::Extension(x.clone())),
            Node::Opaque(d) => out.push(Event::Opaque(Cow::Owned(d.clone()))),
            Node::Pi(p) => pi_events(p, out),
        }
    }
    out.push(Event::End);
}

fn doc_events(d: &Doc, exact_flags: bool) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    d.before.iter().for_each(|p| pi_events(p, &mut out));
    element_events(&d.root, exact_flags, &mut out);
    d.after.iter().for_each(|p| pi_events(p, &mut out));
    out
}

fn header(d: &Doc) -> WriterHeader {
    WriterHeader { version: d.version, public_id: d.public_id.clone(), charset: d.charset }
}

/// Writes through the call API (flags derived by the writer).
fn write_calls(w: &mut Writer, e: &Element) {
    w.start(e.tag.clone()).unwrap();
    for (start, values) in &e.attrs {
        w.attribute(start.clone()).unwrap();
        for v in values {
            w.attr_value(v.clone()).unwrap();
        }
    }
    for child in &e.children {
        match child {
            Node::Element(c) => write_calls(w, c),
            Node::Text(s) => w.text(s).unwrap(),
            Node::Entity(c) => w.entity(*c).unwrap(),
            Node::Ext(x) => w.extension(x.clone()).unwrap(),
            Node::Opaque(d) => w.opaque(d).unwrap(),
            Node::Pi(p) => w.pi(p.target.clone(), &p.value).unwrap(),
        }
    }
    w.end().unwrap();
}

fn write_doc_calls(d: &Doc, mode: StringTableMode) -> Vec<u8> {
    let mut w = Writer::new(header(d), mode);
    for p in &d.before {
        w.pi(p.target.clone(), &p.value).unwrap();
    }
    write_calls(&mut w, &d.root);
    for p in &d.after {
        w.pi(p.target.clone(), &p.value).unwrap();
    }
    w.finish().unwrap().to_vec()
}

fn write_doc_events(d: &Doc, events: &[Event<'_>], mode: StringTableMode) -> Vec<u8> {
    let mut w = Writer::new(header(d), mode);
    for ev in events {
        w.write_event(ev).unwrap();
    }
    w.finish().unwrap().to_vec()
}

fn read(bytes: &[u8]) -> (Reader<'_>, Vec<Event<'_>>) {
    let mut r = Reader::new(bytes).unwrap();
    let mut out = Vec::new();
    let probe = r.clone();
    while let Some(ev) = r.next().unwrap() {
        out.push(ev);
    }
    (probe, out)
}

fn check_header(r: &Reader<'_>, d: &Doc) {
    assert_eq!(r.header().version, d.version);
    assert_eq!(r.header().public_id, d.public_id);
    let expected = if d.version == WbxmlVersion::V1_0 { Charset::Unknown } else { d.charset };
    assert_eq!(r.header().charset, expected);
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Writer calls -> bytes -> reader gives the model's events, in both string-table modes.
    #[test]
    fn calls_round_trip_both_modes(d in doc()) {
        let expected = doc_events(&d, false);
        for mode in [StringTableMode::Inline, StringTableMode::Shared] {
            let bytes = write_doc_calls(&d, mode);
            let (r, events) = read(&bytes);
            check_header(&r, &d);
            prop_assert_eq!(&events, &expected, "mode {:?}", mode);
        }
    }

    /// `write_event` reproduces exact flags (content flag on an empty element included), and
    /// both modes give the same events; Inline text borrows from the input.
    #[test]
    fn events_round_trip_both_modes(d in doc()) {
        let expected = doc_events(&d, true);
        let inline = write_doc_events(&d, &expected, StringTableMode::Inline);
        let shared = write_doc_events(&d, &expected, StringTableMode::Shared);
        let (_, a) = read(&inline);
        let (r, b) = read(&shared);
        check_header(&r, &d);
        prop_assert_eq!(&a, &expected);
        prop_assert_eq!(&b, &expected);
        for ev in a.iter().chain(&b) {
            if let Event::Text(s) = ev {
                prop_assert!(matches!(s, Cow::Borrowed(_)));
            }
        }
        // Writing the read events again gives identical bytes.
        prop_assert_eq!(write_doc_events(&d, &a, StringTableMode::Inline), inline);
        prop_assert_eq!(write_doc_events(&d, &b, StringTableMode::Shared), shared);
    }

    /// Shared mode stores each distinct string once.
    #[test]
    fn shared_table_has_no_duplicates(d in doc()) {
        let bytes = write_doc_calls(&d, StringTableMode::Shared);
        let r = Reader::new(&bytes).unwrap();
        let table = r.string_table();
        let mut strings: Vec<&[u8]> = table.split(|&b| b == 0).collect();
        prop_assert_eq!(strings.pop(), Some(&[][..]));
        let n = strings.len();
        strings.sort();
        strings.dedup();
        prop_assert_eq!(strings.len(), n);
    }

    /// Every proper prefix of a valid document (without trailing PIs) is an error, never a
    /// panic, and every error is reported inside the input.
    #[test]
    fn truncations_are_errors(
        d in doc_with(Just(Vec::new())),
        shared in any::<bool>(),
        cut in any::<proptest::sample::Index>(),
    ) {
        let mode = if shared { StringTableMode::Shared } else { StringTableMode::Inline };
        let bytes = write_doc_calls(&d, mode);
        let k = cut.index(bytes.len());
        let prefix = &bytes[..k];
        let err = drain(prefix).expect_err("a proper prefix must not be a document");
        prop_assert!(err.offset <= k, "offset {} beyond {}", err.offset, k);
    }
}

/// Reads until `None` or an error, with a bound proportional to the input length.
fn drain(input: &[u8]) -> Result<usize, imps_wbxml::Error> {
    let mut r = Reader::new(input)?;
    let bound = 2 * input.len() + 2;
    for n in 0..bound {
        match r.next() {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(n),
            Err(e) => {
                assert_eq!(r.next(), Err(e.clone()), "reader must be fused");
                return Err(e);
            }
        }
    }
    panic!("no end after {bound} events for {} bytes", input.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Valid documents with a few bytes overwritten, inserted or removed never panic or hang
    /// the reader; whenever the damaged input still reads, writing its events gives a document
    /// that reads back as the same events.
    #[test]
    fn mutated_documents_never_panic(
        d in doc(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut bytes = write_doc_calls(&d, StringTableMode::Shared);
        for (at, byte, op) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => bytes.push(byte),
            }
        }
        if drain(&bytes).is_ok() {
            let (r, events) = read(&bytes);
            let h = WriterHeader {
                version: r.header().version,
                public_id: match &r.header().public_id {
                    PublicId::String(s) => PublicId::String(Cow::Owned(s.to_string())),
                    PublicId::Known(n) => PublicId::Known(*n),
                    PublicId::Unknown => PublicId::Unknown,
                },
                charset: Charset::Utf8,
            };
            let mut w = Writer::new(h, StringTableMode::Shared);
            for ev in &events {
                w.write_event(ev).unwrap();
            }
            let again = w.finish().unwrap();
            let (_, events2) = read(&again);
            prop_assert_eq!(events2, events);
        }
    }
}
