//! Writer unit tests: calls in, exact bytes or exact errors out.

use std::borrow::Cow;

use crate::{
    AttrStart, AttrValue, Charset, Error, ErrorKind, Event, Extension, PublicId, Reader, StringTableMode, Tag,
    WbxmlVersion, Writer, WriterHeader,
};

/// The header `03 01 6A` (1.3, unknown public id, UTF-8) before the string table length.
const H: [u8; 3] = [0x03, 0x01, 0x6A];

fn w() -> Writer {
    Writer::new(WriterHeader::new(PublicId::Unknown), StringTableMode::Inline)
}

fn shared() -> Writer {
    Writer::new(WriterHeader::new(PublicId::Unknown), StringTableMode::Shared)
}

fn tok(page: u8, token: u8) -> Tag<'static> {
    Tag::Token { page, token }
}

fn astart(page: u8, token: u8) -> AttrStart<'static> {
    AttrStart::Token { page, token }
}

/// Expected document: header, string table, body.
fn expect(table: &[u8], body: &[u8]) -> Vec<u8> {
    let mut d = H.to_vec();
    d.push(table.len() as u8);
    d.extend_from_slice(table);
    d.extend_from_slice(body);
    d
}

/// Any `InvalidWriterState` (the message is not compared by `assert_kind`).
const STATE: ErrorKind = ErrorKind::InvalidWriterState("");

/// Compares an error's kind, ignoring the message of `InvalidWriterState`.
fn assert_kind(result: Result<(), Error>, kind: ErrorKind) {
    let got = result.expect_err("expected an error").kind;
    match (&got, &kind) {
        (ErrorKind::InvalidWriterState(_), ErrorKind::InvalidWriterState(_)) => {}
        _ => assert_eq!(got, kind),
    }
}

// ---------------------------------------------------------------- tags and flags

#[test]
fn empty_element_has_no_flags() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x05]));
}

#[test]
fn content_flag_and_end() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.start(tok(0, 6)).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x45, 0x06, 0x01]));
}

#[test]
fn attribute_flag_and_list_end() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.attribute(astart(0, 6)).unwrap();
    w.attr_value(AttrValue::Token { page: 0, token: 0x85 }).unwrap();
    w.attribute(astart(0, 7)).unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x85, 0x06, 0x85, 0x07, 0x01]));
}

#[test]
fn attributes_and_content() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.attribute(astart(0, 6)).unwrap();
    w.text("x").unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0xC5, 0x06, 0x01, 0x03, b'x', 0x00, 0x01]));
}

#[test]
fn nested_flags_set_on_the_right_tag() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.start(tok(0, 6)).unwrap();
    w.attribute(astart(0, 8)).unwrap();
    w.start(tok(0, 7)).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.start(tok(0, 6)).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x45, 0xC6, 0x08, 0x01, 0x07, 0x01, 0x06, 0x01]));
}

#[test]
fn tag_page_switches_only_on_change() {
    let mut w = w();
    w.start(tok(0, 0x09)).unwrap();
    w.start(tok(1, 0x1D)).unwrap();
    w.start(tok(1, 0x21)).unwrap();
    w.end().unwrap();
    w.start(tok(0, 0x3A)).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x49, 0x00, 0x01, 0x5D, 0x21, 0x00, 0x00, 0x3A, 0x01, 0x01]));
}

#[test]
fn attribute_page_is_tracked_separately() {
    let mut w = w();
    w.start(tok(1, 5)).unwrap();
    w.attribute(astart(1, 6)).unwrap();
    w.attr_value(AttrValue::Token { page: 2, token: 0x90 }).unwrap();
    w.start(tok(1, 7)).unwrap();
    w.attribute(astart(2, 6)).unwrap();
    w.end().unwrap();
    w.end().unwrap();
    // Tag page 1 set once; attr page 1, then 2, and 2 again needs no switch.
    assert_eq!(
        &w.finish().unwrap()[..],
        expect(&[], &[0x00, 0x01, 0xC5, 0x00, 0x01, 0x06, 0x00, 0x02, 0x90, 0x01, 0x87, 0x06, 0x01, 0x01])
    );
}

#[test]
fn literal_tags_use_the_string_table_once() {
    let mut w = w();
    w.start(Tag::Literal("a".into())).unwrap();
    w.start(Tag::Literal("bc".into())).unwrap();
    w.attribute(AttrStart::Literal("a".into())).unwrap();
    w.end().unwrap();
    w.start(Tag::Literal("bc".into())).unwrap();
    w.text("t").unwrap();
    w.end().unwrap();
    w.start(Tag::Literal("a".into())).unwrap();
    w.attribute(astart(0, 5)).unwrap();
    w.text("u").unwrap();
    w.end().unwrap();
    w.end().unwrap();
    assert_eq!(
        &w.finish().unwrap()[..],
        expect(
            b"a\0bc\0",
            &[
                0x44, 0x00, // LITERAL_C "a"
                0x84, 0x02, 0x04, 0x00, 0x01, // LITERAL_A "bc", attr LITERAL "a", END
                0x44, 0x02, 0x03, b't', 0x00, 0x01, // LITERAL_C "bc"
                0xC4, 0x00, 0x05, 0x01, 0x03, b'u', 0x00, 0x01, // LITERAL_AC "a"
                0x01,
            ]
        )
    );
    // LITERAL without flags.
    let mut w2 = shared();
    w2.start(Tag::Literal("z".into())).unwrap();
    w2.end().unwrap();
    assert_eq!(&w2.finish().unwrap()[..], expect(b"z\0", &[0x04, 0x00]));
}

// ---------------------------------------------------------------- content tokens

#[test]
fn text_inline_and_shared() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.text("ab").unwrap();
    w.text("").unwrap();
    w.text("ab").unwrap();
    w.end().unwrap();
    assert_eq!(
        &w.finish().unwrap()[..],
        expect(&[], &[0x45, 0x03, b'a', b'b', 0x00, 0x03, 0x00, 0x03, b'a', b'b', 0x00, 0x01])
    );

    let mut w = shared();
    w.start(tok(0, 5)).unwrap();
    w.text("ab").unwrap();
    w.text("").unwrap();
    w.text("ab").unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(b"ab\0\0", &[0x45, 0x83, 0x00, 0x83, 0x03, 0x83, 0x00, 0x01]));
}

#[test]
fn shared_mode_shares_text_with_literal_names() {
    let mut w = shared();
    w.start(Tag::Literal("n".into())).unwrap();
    w.attribute(AttrStart::Literal("n".into())).unwrap();
    w.attr_value(AttrValue::Text("n".into())).unwrap();
    w.text("n").unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(b"n\0", &[0xC4, 0x00, 0x04, 0x00, 0x83, 0x00, 0x01, 0x83, 0x00, 0x01]));
}

#[test]
fn entity_extension_opaque() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.entity(0x80).unwrap();
    w.extension(Extension::Inline { n: 0, value: "a".into() }).unwrap();
    w.extension(Extension::Inline { n: 1, value: "".into() }).unwrap();
    w.extension(Extension::Inline { n: 2, value: "c".into() }).unwrap();
    w.extension(Extension::Token { n: 0, value: 0x19 }).unwrap();
    w.extension(Extension::Token { n: 1, value: 0x80 }).unwrap();
    w.extension(Extension::Token { n: 2, value: 0 }).unwrap();
    w.extension(Extension::Single { n: 0 }).unwrap();
    w.extension(Extension::Single { n: 1 }).unwrap();
    w.extension(Extension::Single { n: 2 }).unwrap();
    w.opaque(&[0x01, 0x00]).unwrap();
    w.opaque(&[]).unwrap();
    w.end().unwrap();
    assert_eq!(
        &w.finish().unwrap()[..],
        expect(
            &[],
            &[
                0x45, 0x02, 0x81, 0x00, // ENTITY 0x80
                0x40, b'a', 0x00, 0x41, 0x00, 0x42, b'c', 0x00, // EXT_I_0..2
                0x80, 0x19, 0x81, 0x81, 0x00, 0x82, 0x00, // EXT_T_0..2
                0xC0, 0xC1, 0xC2, // EXT_0..2
                0xC3, 0x02, 0x01, 0x00, 0xC3, 0x00, // OPAQUE
                0x01,
            ]
        )
    );
}

#[test]
fn attribute_value_parts() {
    let mut w = shared();
    w.start(tok(0, 5)).unwrap();
    w.attribute(astart(0, 0x45)).unwrap();
    w.attr_value(AttrValue::Text("v".into())).unwrap();
    w.attr_value(AttrValue::Token { page: 0, token: 0xFF }).unwrap();
    w.attr_value(AttrValue::Entity(0x20)).unwrap();
    w.attr_value(AttrValue::Extension(Extension::Token { n: 0, value: 7 })).unwrap();
    w.attr_value(AttrValue::Extension(Extension::Inline { n: 2, value: "e".into() })).unwrap();
    w.attr_value(AttrValue::Extension(Extension::Single { n: 1 })).unwrap();
    w.attr_value(AttrValue::Opaque(Cow::Borrowed(&[0xAA]))).unwrap();
    w.end().unwrap();
    assert_eq!(
        &w.finish().unwrap()[..],
        expect(
            b"v\0",
            &[0x85, 0x45, 0x83, 0x00, 0xFF, 0x02, 0x20, 0x80, 0x07, 0x42, b'e', 0x00, 0xC1, 0xC3, 0x01, 0xAA, 0x01]
        )
    );
}

#[test]
fn processing_instructions() {
    let mut w = w();
    w.pi(astart(0, 5), &[]).unwrap();
    w.start(tok(0, 6)).unwrap();
    w.pi(AttrStart::Literal("t".into()), &[AttrValue::Text("v".into())]).unwrap();
    w.end().unwrap();
    w.pi(astart(1, 7), &[AttrValue::Token { page: 1, token: 0x86 }]).unwrap();
    assert_eq!(
        &w.finish().unwrap()[..],
        expect(
            b"t\0",
            &[
                0x43, 0x05, 0x01, // PI before the root
                0x46, 0x43, 0x04, 0x00, 0x03, b'v', 0x00, 0x01, 0x01, // PI sets the content flag
                0x43, 0x00, 0x01, 0x07, 0x86, 0x01, // PI after the root, attr page 1
            ]
        )
    );
}

#[test]
fn pi_closes_the_attribute_list() {
    let mut w = w();
    w.start(tok(0, 5)).unwrap();
    w.attribute(astart(0, 6)).unwrap();
    w.pi(astart(0, 7), &[]).unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0xC5, 0x06, 0x01, 0x43, 0x07, 0x01, 0x01]));
}

// ---------------------------------------------------------------- headers

#[test]
fn header_known_multibyte_public_id() {
    let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x80)), StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], [0x03, 0x81, 0x00, 0x6A, 0x00, 0x05]);
}

#[test]
fn header_version_1_0_has_no_charset() {
    let mut h = WriterHeader::new(PublicId::Known(0x11));
    h.version = WbxmlVersion::V1_0;
    let mut w = Writer::new(h, StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], [0x00, 0x11, 0x00, 0x05]);
}

#[test]
fn header_versions_1_1_1_2() {
    for v in [WbxmlVersion::V1_1, WbxmlVersion::V1_2] {
        let mut h = WriterHeader::new(PublicId::Unknown);
        h.version = v;
        let mut w = Writer::new(h, StringTableMode::Inline);
        w.start(tok(0, 5)).unwrap();
        w.end().unwrap();
        assert_eq!(&w.finish().unwrap()[..], [v.0, 0x01, 0x6A, 0x00, 0x05]);
    }
}

#[test]
fn header_string_public_id_shares_the_table() {
    let mut w = Writer::new(WriterHeader::new(PublicId::String("-//X".into())), StringTableMode::Shared);
    w.start(tok(0, 5)).unwrap();
    w.text("-//X").unwrap();
    w.text("y").unwrap();
    w.end().unwrap();
    assert_eq!(
        &w.finish().unwrap()[..],
        [0x03, 0x00, 0x00, 0x6A, 0x07, b'-', b'/', b'/', b'X', 0x00, b'y', 0x00, 0x45, 0x83, 0x00, 0x83, 0x05, 0x01]
    );
    // Without other strings, the public id is the table.
    let mut w = Writer::new(WriterHeader::new(PublicId::String("P".into())), StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], [0x03, 0x00, 0x00, 0x6A, 0x02, b'P', 0x00, 0x05]);
}

#[test]
fn header_charsets() {
    for (cs, mib) in [(Charset::UsAscii, 0x03), (Charset::Latin1, 0x04), (Charset::Unknown, 0x00)] {
        let mut h = WriterHeader::new(PublicId::Unknown);
        h.charset = cs;
        let mut w = Writer::new(h, StringTableMode::Inline);
        w.start(tok(0, 5)).unwrap();
        w.text("a").unwrap();
        w.end().unwrap();
        assert_eq!(&w.finish().unwrap()[..], [0x03, 0x01, mib, 0x00, 0x45, 0x03, b'a', 0x00, 0x01]);
    }
}

#[test]
fn latin1_encodes_and_reads_back() {
    let mut h = WriterHeader::new(PublicId::Unknown);
    h.charset = Charset::Latin1;
    let mut w = Writer::new(h, StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    w.text("é").unwrap();
    assert_kind(w.text("€"), ErrorKind::InvalidString("ISO-8859-1"));
    w.end().unwrap();
    let bytes = w.finish().unwrap();
    assert_eq!(&bytes[..], [0x03, 0x01, 0x04, 0x00, 0x45, 0x03, 0xE9, 0x00, 0x01]);
    let mut r = Reader::new(&bytes).unwrap();
    r.next().unwrap();
    assert_eq!(r.next().unwrap(), Some(Event::Text("é".into())));
}

#[test]
fn us_ascii_rejects_non_ascii() {
    let mut h = WriterHeader::new(PublicId::Unknown);
    h.charset = Charset::UsAscii;
    let mut w = Writer::new(h, StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    assert_eq!(w.text("ü").unwrap_err(), Error::new(ErrorKind::InvalidString("US-ASCII"), 1));
}

// ---------------------------------------------------------------- write_event

#[test]
fn write_event_keeps_declared_content_flag() {
    let mut w = w();
    w.write_event(&Event::Start { tag: tok(0, 5), has_attributes: false, has_content: true }).unwrap();
    w.write_event(&Event::End).unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x45, 0x01]));
}

#[test]
fn write_event_attribute_list_end_and_pi() {
    let events = [
        Event::Pi,
        Event::AttrStart(astart(0, 5)),
        Event::AttrEnd,
        Event::Start { tag: tok(0, 5), has_attributes: true, has_content: false },
        Event::AttrStart(astart(0, 6)),
        Event::AttrEnd,
        Event::End,
    ];
    let mut w = w();
    for ev in &events {
        w.write_event(ev).unwrap();
    }
    let bytes = w.finish().unwrap();
    assert_eq!(&bytes[..], expect(&[], &[0x43, 0x05, 0x01, 0x85, 0x06, 0x01]));
    let mut r = Reader::new(&bytes).unwrap();
    for ev in &events {
        assert_eq!(r.next().unwrap().as_ref(), Some(ev));
    }
    assert_eq!(r.next().unwrap(), None);
}

#[test]
fn write_event_rejects_flags_that_disagree() {
    let st = |has_attributes, has_content| Event::Start { tag: tok(0, 5), has_attributes, has_content };
    // Declared attributes, none given.
    let mut w = w();
    w.write_event(&st(true, false)).unwrap();
    assert_kind(w.write_event(&Event::End), STATE);
    // Declared no attributes, one given.
    let mut w = self::w();
    w.write_event(&st(false, false)).unwrap();
    assert_kind(w.write_event(&Event::AttrStart(astart(0, 5))), STATE);
    // Declared no content, content given.
    let mut w = self::w();
    w.write_event(&st(false, false)).unwrap();
    assert_kind(w.write_event(&Event::Text("x".into())), STATE);
    // AttrEnd with no attribute list.
    let mut w = self::w();
    w.write_event(&st(false, true)).unwrap();
    assert_kind(w.write_event(&Event::AttrEnd), STATE);
    // PI without target.
    let mut w = self::w();
    w.write_event(&Event::Pi).unwrap();
    assert_kind(w.write_event(&Event::AttrEnd), STATE);
    assert_kind(w.write_event(&Event::Text("x".into())), STATE);
}

// ---------------------------------------------------------------- errors

#[test]
fn nul_in_string() {
    let mut w = w();
    assert_eq!(w.start(Tag::Literal("a\0".into())).unwrap_err(), Error::new(ErrorKind::NulInString, 0));
    w.start(tok(0, 5)).unwrap();
    assert_eq!(w.text("a\0b").unwrap_err(), Error::new(ErrorKind::NulInString, 1));
    assert_kind(w.extension(Extension::Inline { n: 0, value: "\0".into() }), ErrorKind::NulInString);
    assert_kind(w.pi(AttrStart::Literal("\0".into()), &[]), ErrorKind::NulInString);
    assert_kind(w.pi(astart(0, 5), &[AttrValue::Text("\0".into())]), ErrorKind::NulInString);
    // Nothing was written by the failed calls: the element still has no content flag.
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x05]));

    let mut w = shared();
    w.start(tok(0, 5)).unwrap();
    assert_kind(w.text("\0"), ErrorKind::NulInString);
    let mut w = Writer::new(WriterHeader::new(PublicId::String("a\0".into())), StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    w.end().unwrap();
    assert_eq!(w.finish().unwrap_err().kind, ErrorKind::NulInString);
}

#[test]
fn token_out_of_range() {
    let mut w = w();
    for t in [0x00, 0x04, 0x40, 0x45, 0xFF] {
        assert_kind(w.start(tok(0, t)), ErrorKind::TokenOutOfRange(t));
    }
    w.start(tok(0, 5)).unwrap();
    for t in [0x00, 0x04, 0x40, 0x44, 0x80, 0xC5] {
        assert_kind(w.attribute(astart(0, t)), ErrorKind::TokenOutOfRange(t));
    }
    w.attribute(astart(0, 0x7F)).unwrap();
    for t in [0x05, 0x7F, 0x80, 0x84, 0xC0, 0xC4] {
        assert_kind(w.attr_value(AttrValue::Token { page: 0, token: t }), ErrorKind::TokenOutOfRange(t));
    }
    assert_kind(w.attr_value(AttrValue::Extension(Extension::Single { n: 3 })), ErrorKind::TokenOutOfRange(3));
    assert_kind(w.extension(Extension::Token { n: 3, value: 0 }), ErrorKind::TokenOutOfRange(3));
    assert_kind(w.extension(Extension::Inline { n: 255, value: "".into() }), ErrorKind::TokenOutOfRange(255));
    assert_kind(w.pi(astart(0, 0x80), &[]), ErrorKind::TokenOutOfRange(0x80));
    assert_kind(w.pi(astart(0, 5), &[AttrValue::Token { page: 0, token: 0x10 }]), ErrorKind::TokenOutOfRange(0x10));
    w.end().unwrap();
    assert_eq!(&w.finish().unwrap()[..], expect(&[], &[0x85, 0x7F, 0x01]));
}

#[test]
fn invalid_writer_state() {
    let st = ErrorKind::InvalidWriterState("");
    // End with nothing open.
    let mut w = w();
    assert_eq!(w.end().unwrap_err(), Error::new(ErrorKind::InvalidWriterState("end with no open element"), 0));
    // Content, attribute, attribute value outside the root.
    assert_kind(w.text("x"), st.clone());
    assert_kind(w.attribute(astart(0, 5)), st.clone());
    assert_kind(w.attr_value(AttrValue::Entity(1)), st.clone());
    assert_kind(w.opaque(&[]), st.clone());
    assert_kind(w.entity(1), st.clone());
    assert_kind(w.extension(Extension::Single { n: 0 }), st.clone());
    // Finish with no root.
    assert_kind(self::w().finish().map(drop), st.clone());

    // Attribute value without an attribute; attribute after content.
    let mut w = self::w();
    w.start(tok(0, 5)).unwrap();
    assert_kind(w.attr_value(AttrValue::Entity(1)), st.clone());
    w.text("x").unwrap();
    assert_kind(w.attribute(astart(0, 5)), st.clone());
    assert_kind(w.attr_value(AttrValue::Entity(1)), st.clone());
    // Attribute on the parent after a child element.
    w.start(tok(0, 6)).unwrap();
    w.end().unwrap();
    assert_kind(w.attribute(astart(0, 5)), st.clone());
    // Finish with open elements.
    let mut w2 = self::w();
    w2.start(tok(0, 5)).unwrap();
    assert_kind(w2.finish().map(drop), st.clone());
    // Content after the root closed.
    w.end().unwrap();
    assert_eq!(
        w.start(tok(0, 5)).unwrap_err(),
        Error::new(ErrorKind::InvalidWriterState("content after the root element closed"), 6)
    );
    assert_kind(w.text("y"), st.clone());
    assert_kind(w.end(), st.clone());
    // Public id 0 is reserved.
    let mut w = Writer::new(WriterHeader::new(PublicId::Known(0)), StringTableMode::Inline);
    w.start(tok(0, 5)).unwrap();
    w.end().unwrap();
    assert_kind(w.finish().map(drop), st);
}
