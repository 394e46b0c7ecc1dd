//! Reader unit tests: exact bytes in, exact events or exact errors (kind and offset) out.

use std::borrow::Cow;

use crate::{
    AttrStart, AttrValue, Charset, Error, ErrorKind, Event, Extension, Limits, PublicId, Reader, Tag, WbxmlVersion,
};

/// WBXML 1.3, public id unknown, UTF-8, empty string table: 4 bytes.
const H: [u8; 4] = [0x03, 0x01, 0x6A, 0x00];

fn doc(body: &[u8]) -> Vec<u8> {
    let mut d = H.to_vec();
    d.extend_from_slice(body);
    d
}

/// A document with a string table.
fn doc_st(table: &[u8], body: &[u8]) -> Vec<u8> {
    let mut d = vec![0x03, 0x01, 0x6A, table.len() as u8];
    d.extend_from_slice(table);
    d.extend_from_slice(body);
    d
}

fn read_all(input: &[u8]) -> Result<Vec<Event<'_>>, Error> {
    read_all_with(input, Limits::DEFAULT)
}

fn read_all_with(input: &[u8], limits: Limits) -> Result<Vec<Event<'_>>, Error> {
    let mut r = Reader::with_limits(input, limits)?;
    let mut out = Vec::new();
    while let Some(ev) = r.next()? {
        out.push(ev);
    }
    // The end is sticky.
    assert_eq!(r.next(), Ok(None));
    Ok(out)
}

fn err(input: &[u8]) -> Error {
    read_all(input).expect_err("expected an error")
}

fn e(kind: ErrorKind, offset: usize) -> Error {
    Error::new(kind, offset)
}

fn tok(page: u8, token: u8) -> Tag<'static> {
    Tag::Token { page, token }
}

fn start(tag: Tag<'static>, has_attributes: bool, has_content: bool) -> Event<'static> {
    Event::Start { tag, has_attributes, has_content }
}

fn text(s: &str) -> Event<'_> {
    Event::Text(Cow::Borrowed(s))
}

fn is_borrowed(ev: &Event<'_>) -> bool {
    match ev {
        Event::Text(c) => matches!(c, Cow::Borrowed(_)),
        Event::Opaque(c) => matches!(c, Cow::Borrowed(_)),
        Event::Start { tag: Tag::Literal(c), .. } => matches!(c, Cow::Borrowed(_)),
        _ => true,
    }
}

// ---------------------------------------------------------------- header forms

#[test]
fn header_wbxml_1_0_has_no_charset() {
    let input = [0x00, 0x01, 0x00, 0x05];
    let r = Reader::new(&input).unwrap();
    assert_eq!(r.header().version, WbxmlVersion::V1_0);
    assert_eq!(r.header().public_id, PublicId::Unknown);
    assert_eq!(r.header().charset, Charset::Unknown);
    assert_eq!(r.offset(), 3);
    assert_eq!(read_all(&input).unwrap(), [start(tok(0, 5), false, false), Event::End]);
}

#[test]
fn header_versions_1_1_and_1_2() {
    for v in [0x01, 0x02] {
        let input = [v, 0x01, 0x6A, 0x00, 0x05];
        let r = Reader::new(&input).unwrap();
        assert_eq!(r.header().version, WbxmlVersion(v));
        assert_eq!(r.header().charset, Charset::Utf8);
        assert_eq!(r.offset(), 4);
    }
}

#[test]
fn header_known_public_id() {
    let input = [0x03, 0x11, 0x6A, 0x00, 0x05];
    let r = Reader::new(&input).unwrap();
    assert_eq!(r.header().public_id, PublicId::Known(0x11));
    // Multi-byte public id.
    let input = [0x03, 0x81, 0x00, 0x6A, 0x00, 0x05];
    let r = Reader::new(&input).unwrap();
    assert_eq!(r.header().public_id, PublicId::Known(0x80));
    assert_eq!(r.offset(), 5);
}

#[test]
fn header_unknown_public_id() {
    let r = Reader::new(&[0x03, 0x01, 0x6A, 0x00, 0x05]).unwrap();
    assert_eq!(r.header().public_id, PublicId::Unknown);
}

#[test]
fn header_string_public_id() {
    // publicid 0, index 2 into "a\0-//X\0".
    let input = [0x03, 0x00, 0x02, 0x6A, 0x07, b'a', 0x00, b'-', b'/', b'/', b'X', 0x00, 0x05];
    let r = Reader::new(&input).unwrap();
    assert_eq!(r.header().public_id, PublicId::String(Cow::Borrowed("-//X")));
    assert!(matches!(r.header().public_id, PublicId::String(Cow::Borrowed(_))));
    assert_eq!(r.string_table(), b"a\0-//X\0");
    assert_eq!(r.offset(), 12);
    // In WBXML 1.0 too.
    let input = [0x00, 0x00, 0x00, 0x02, b'X', 0x00, 0x05];
    let r = Reader::new(&input).unwrap();
    assert_eq!(r.header().public_id, PublicId::String(Cow::Borrowed("X")));
}

#[test]
fn header_each_charset() {
    for (mib, cs) in [(106u8, Charset::Utf8), (3, Charset::UsAscii), (4, Charset::Latin1), (0, Charset::Unknown)] {
        let input = [0x03, 0x01, mib, 0x00, 0x05];
        let r = Reader::new(&input).unwrap();
        assert_eq!(r.header().charset, cs, "mib {mib}");
    }
}

#[test]
fn header_string_table_is_exposed_raw() {
    let input = doc_st(b"ab\0c\0", &[0x05]);
    let r = Reader::new(&input).unwrap();
    assert_eq!(r.string_table(), b"ab\0c\0");
    assert_eq!(r.offset(), 9);
    assert_eq!(r.depth(), 0);
}

// ---------------------------------------------------------------- tokens

#[test]
fn tag_flags() {
    // 0x05 plain, 0x45 content, 0x85 attributes, 0xC5 both.
    assert_eq!(read_all(&doc(&[0x05])).unwrap(), [start(tok(0, 5), false, false), Event::End]);
    assert_eq!(read_all(&doc(&[0x45, 0x01])).unwrap(), [start(tok(0, 5), false, true), Event::End]);
    assert_eq!(
        read_all(&doc(&[0x85, 0x05, 0x01])).unwrap(),
        [
            start(tok(0, 5), true, false),
            Event::AttrStart(AttrStart::Token { page: 0, token: 5 }),
            Event::AttrEnd,
            Event::End
        ]
    );
    assert_eq!(
        read_all(&doc(&[0xC5, 0x05, 0x01, 0x06, 0x01])).unwrap(),
        [
            start(tok(0, 5), true, true),
            Event::AttrStart(AttrStart::Token { page: 0, token: 5 }),
            Event::AttrEnd,
            start(tok(0, 6), false, false),
            Event::End,
            Event::End
        ]
    );
    assert_eq!(read_all(&doc(&[0x3F])).unwrap(), [start(tok(0, 0x3F), false, false), Event::End]);
}

#[test]
fn switch_page_and_end() {
    let input = doc(&[0x00, 0x01, 0x45, 0x00, 0x04, 0x07, 0x06, 0x01]);
    assert_eq!(
        read_all(&input).unwrap(),
        [
            start(tok(1, 5), false, true),
            start(tok(4, 7), false, false),
            Event::End,
            start(tok(4, 6), false, false),
            Event::End,
            Event::End
        ]
    );
}

#[test]
fn depth_tracks_nesting() {
    let input = doc(&[0x45, 0x46, 0x07, 0x01, 0x01]);
    let mut r = Reader::new(&input).unwrap();
    let mut depths = Vec::new();
    while let Some(ev) = r.next().unwrap() {
        depths.push((ev, r.depth()));
    }
    let d: Vec<usize> = depths.iter().map(|(_, d)| *d).collect();
    assert_eq!(d, [1, 2, 3, 2, 1, 0]);
}

#[test]
fn entity() {
    let input = doc(&[0x45, 0x02, 0x81, 0x00, 0x02, 0x00, 0x01]);
    assert_eq!(
        read_all(&input).unwrap(),
        [start(tok(0, 5), false, true), Event::Entity(0x80), Event::Entity(0), Event::End]
    );
}

#[test]
fn str_i_borrowed() {
    let input = doc(&[0x45, 0x03, b'h', b'i', 0x00, 0x03, 0x00, 0x01]);
    let events = read_all(&input).unwrap();
    assert_eq!(events, [start(tok(0, 5), false, true), text("hi"), text(""), Event::End]);
    assert!(events.iter().all(is_borrowed));
}

#[test]
fn str_i_utf8_multibyte() {
    let mut body = vec![0x45, 0x03];
    body.extend_from_slice("grüße €".as_bytes());
    body.extend_from_slice(&[0x00, 0x01]);
    assert_eq!(read_all(&doc(&body)).unwrap()[1], text("grüße €"));
}

#[test]
fn str_t_reads_to_next_nul_and_borrows() {
    // Table "abc\0de\0"; references at 0, 4 and into the middle (1).
    let input = doc_st(b"abc\0de\0", &[0x45, 0x83, 0x00, 0x83, 0x04, 0x83, 0x01, 0x01]);
    let events = read_all(&input).unwrap();
    assert_eq!(events, [start(tok(0, 5), false, true), text("abc"), text("de"), text("bc"), Event::End]);
    assert!(events.iter().all(is_borrowed));
}

#[test]
fn literal_tags_all_four_forms() {
    // Table "x\0"; LITERAL, LITERAL_C, LITERAL_A, LITERAL_AC.
    let input = doc_st(b"x\0", &[0x44, 0x00, 0x04, 0x00, 0x84, 0x00, 0x05, 0x01, 0xC4, 0x00, 0x05, 0x01, 0x01, 0x01]);
    let lit = || Tag::Literal(Cow::Borrowed("x"));
    let a = || Event::AttrStart(AttrStart::Token { page: 0, token: 5 });
    let events = read_all(&input).unwrap();
    assert_eq!(
        events,
        [
            start(lit(), false, true),
            start(lit(), false, false),
            Event::End,
            start(lit(), true, false),
            a(),
            Event::AttrEnd,
            Event::End,
            start(lit(), true, true),
            a(),
            Event::AttrEnd,
            Event::End,
            Event::End
        ]
    );
    assert!(events.iter().all(is_borrowed));
}

#[test]
fn extensions_in_content() {
    let input = doc(&[
        0x45, // element with content
        0x40, b'a', 0x00, // EXT_I_0
        0x41, b'b', 0x00, // EXT_I_1
        0x42, 0x00, // EXT_I_2 ""
        0x80, 0x19, // EXT_T_0
        0x81, 0x81, 0x00, // EXT_T_1
        0x82, 0x00, // EXT_T_2
        0xC0, 0xC1, 0xC2, // EXT_0..2
        0x01,
    ]);
    let inline = |n, v: &'static str| Event::Extension(Extension::Inline { n, value: Cow::Borrowed(v) });
    assert_eq!(
        read_all(&input).unwrap(),
        [
            start(tok(0, 5), false, true),
            inline(0, "a"),
            inline(1, "b"),
            inline(2, ""),
            Event::Extension(Extension::Token { n: 0, value: 0x19 }),
            Event::Extension(Extension::Token { n: 1, value: 0x80 }),
            Event::Extension(Extension::Token { n: 2, value: 0 }),
            Event::Extension(Extension::Single { n: 0 }),
            Event::Extension(Extension::Single { n: 1 }),
            Event::Extension(Extension::Single { n: 2 }),
            Event::End
        ]
    );
}

#[test]
fn opaque_borrowed() {
    let input = doc(&[0x45, 0xC3, 0x03, 0x01, 0x00, 0xFF, 0xC3, 0x00, 0x01]);
    let events = read_all(&input).unwrap();
    assert_eq!(
        events,
        [
            start(tok(0, 5), false, true),
            Event::Opaque(Cow::Borrowed(&[0x01, 0x00, 0xFF])),
            Event::Opaque(Cow::Borrowed(&[])),
            Event::End
        ]
    );
    assert!(events.iter().all(is_borrowed));
}

#[test]
fn attributes_all_value_parts_and_pages() {
    let input = doc_st(
        b"id\0v\0",
        &[
            0x85, // tag 5 with attributes
            0x05, // attr start 5 (page 0)
            0x03, b'x', 0x00, // STR_I
            0x83, 0x03, // STR_T "v"
            0x85, // attr value token 0x85 (page 0)
            0x00, 0x02, // SWITCH_PAGE attr page 2
            0xC5, // value token on page 2
            0x02, 0x20, // ENTITY
            0x80, 0x07, // EXT_T_0
            0x40, b'e', 0x00, // EXT_I_0
            0xC2, // EXT_2
            0xC3, 0x01, 0xAA, // OPAQUE
            0x45, // attr start 0x45 on page 2
            0x04, 0x00, // LITERAL attr name "id"
            0x7F, // attr start 0x7F
            0x01, // END of attributes
        ],
    );
    assert_eq!(
        read_all(&input).unwrap(),
        [
            start(tok(0, 5), true, false),
            Event::AttrStart(AttrStart::Token { page: 0, token: 5 }),
            Event::AttrValue(AttrValue::Text("x".into())),
            Event::AttrValue(AttrValue::Text("v".into())),
            Event::AttrValue(AttrValue::Token { page: 0, token: 0x85 }),
            Event::AttrValue(AttrValue::Token { page: 2, token: 0xC5 }),
            Event::AttrValue(AttrValue::Entity(0x20)),
            Event::AttrValue(AttrValue::Extension(Extension::Token { n: 0, value: 7 })),
            Event::AttrValue(AttrValue::Extension(Extension::Inline { n: 0, value: "e".into() })),
            Event::AttrValue(AttrValue::Extension(Extension::Single { n: 2 })),
            Event::AttrValue(AttrValue::Opaque(Cow::Borrowed(&[0xAA]))),
            Event::AttrStart(AttrStart::Token { page: 2, token: 0x45 }),
            Event::AttrStart(AttrStart::Literal("id".into())),
            Event::AttrStart(AttrStart::Token { page: 2, token: 0x7F }),
            Event::AttrEnd,
            Event::End
        ]
    );
}

#[test]
fn tag_and_attribute_pages_are_separate() {
    // Attribute page switch to 3 does not move the tag page; tag switch to 1 does not move the
    // attribute page.
    let input = doc(&[0xC5, 0x00, 0x03, 0x06, 0x01, 0x00, 0x01, 0x87, 0x06, 0x01, 0x01]);
    assert_eq!(
        read_all(&input).unwrap(),
        [
            start(tok(0, 5), true, true),
            Event::AttrStart(AttrStart::Token { page: 3, token: 6 }),
            Event::AttrEnd,
            start(tok(1, 7), true, false),
            Event::AttrStart(AttrStart::Token { page: 3, token: 6 }),
            Event::AttrEnd,
            Event::End,
            Event::End
        ]
    );
}

#[test]
fn processing_instructions_before_inside_after_root() {
    let input = doc_st(
        b"t\0",
        &[
            0x43, 0x05, 0x01, // PI target 5, no value
            0x45, // root
            0x43, 0x04, 0x00, 0x03, b'v', 0x00, 0x86, 0x01, // PI literal "t" = "v" + token
            0x01, // end root
            0x43, 0x06, 0x01, // trailing PI
        ],
    );
    assert_eq!(
        read_all(&input).unwrap(),
        [
            Event::Pi,
            Event::AttrStart(AttrStart::Token { page: 0, token: 5 }),
            Event::AttrEnd,
            start(tok(0, 5), false, true),
            Event::Pi,
            Event::AttrStart(AttrStart::Literal("t".into())),
            Event::AttrValue(AttrValue::Text("v".into())),
            Event::AttrValue(AttrValue::Token { page: 0, token: 0x86 }),
            Event::AttrEnd,
            Event::End,
            Event::Pi,
            Event::AttrStart(AttrStart::Token { page: 0, token: 6 }),
            Event::AttrEnd,
        ]
    );
}

#[test]
fn switch_page_before_root() {
    let input = doc(&[0x00, 0x05, 0x07]);
    assert_eq!(read_all(&input).unwrap(), [start(tok(5, 7), false, false), Event::End]);
}

// ---------------------------------------------------------------- charsets

#[test]
fn us_ascii_borrowed() {
    let input = [0x03, 0x01, 0x03, 0x00, 0x45, 0x03, b'o', b'k', 0x00, 0x01];
    let events = read_all(&input).unwrap();
    assert_eq!(events[1], text("ok"));
    assert!(events.iter().all(is_borrowed));
}

#[test]
fn latin1_ascii_borrowed_and_high_bytes_converted() {
    let input = [0x03, 0x01, 0x04, 0x00, 0x45, 0x03, b'a', 0x00, 0x03, 0xE9, 0xFF, 0x00, 0x01];
    let events = read_all(&input).unwrap();
    assert_eq!(events[1], text("a"));
    assert!(is_borrowed(&events[1]));
    assert_eq!(events[2], Event::Text(Cow::Owned("éÿ".to_string())));
    assert!(!is_borrowed(&events[2]));
}

#[test]
fn unknown_charset_is_utf8() {
    let mut input = vec![0x03, 0x01, 0x00, 0x00, 0x45, 0x03];
    input.extend_from_slice("ü".as_bytes());
    input.extend_from_slice(&[0x00, 0x01]);
    assert_eq!(read_all(&input).unwrap()[1], text("ü"));
}

// ---------------------------------------------------------------- errors, one per kind

#[test]
fn error_unexpected_eof() {
    assert_eq!(Reader::new(&[]).unwrap_err(), e(ErrorKind::UnexpectedEof, 0));
    // Public id missing.
    assert_eq!(Reader::new(&[0x03]).unwrap_err(), e(ErrorKind::UnexpectedEof, 1));
    // Charset missing.
    assert_eq!(Reader::new(&[0x03, 0x01]).unwrap_err(), e(ErrorKind::UnexpectedEof, 2));
    // String-table length missing.
    assert_eq!(Reader::new(&[0x03, 0x01, 0x6A]).unwrap_err(), e(ErrorKind::UnexpectedEof, 3));
    // Declared table longer than the rest of the input.
    assert_eq!(Reader::new(&[0x03, 0x01, 0x6A, 0x05, b'a', 0x00]).unwrap_err(), e(ErrorKind::UnexpectedEof, 3));
    // Inside an element: the missing token is at the end of input.
    assert_eq!(err(&doc(&[0x45])), e(ErrorKind::UnexpectedEof, 5));
    assert_eq!(err(&doc(&[0x45, 0x46, 0x01])), e(ErrorKind::UnexpectedEof, 7));
    // Attribute list cut short.
    assert_eq!(err(&doc(&[0x85])), e(ErrorKind::UnexpectedEof, 5));
    assert_eq!(err(&doc(&[0x85, 0x05])), e(ErrorKind::UnexpectedEof, 6));
    // SWITCH_PAGE without its page byte.
    assert_eq!(err(&doc(&[0x45, 0x00])), e(ErrorKind::UnexpectedEof, 5));
    // Truncated mb_u_int32 after ENTITY and STR_T: reported at the token.
    assert_eq!(err(&doc(&[0x45, 0x02, 0x81])), e(ErrorKind::UnexpectedEof, 5));
    assert_eq!(err(&doc(&[0x45, 0x83])), e(ErrorKind::UnexpectedEof, 5));
    // OPAQUE longer than the input.
    assert_eq!(err(&doc(&[0x45, 0xC3, 0x05, 0x01])), e(ErrorKind::UnexpectedEof, 5));
    // PI cut short.
    assert_eq!(err(&doc(&[0x43])), e(ErrorKind::UnexpectedEof, 5));
}

#[test]
fn error_mb_uint_too_long() {
    assert_eq!(Reader::new(&[0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).unwrap_err(), e(ErrorKind::MbUintTooLong, 1));
    assert_eq!(err(&doc(&[0x45, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), e(ErrorKind::MbUintTooLong, 5));
}

#[test]
fn error_mb_uint_overflow() {
    assert_eq!(Reader::new(&[0x03, 0x90, 0x80, 0x80, 0x80, 0x00]).unwrap_err(), e(ErrorKind::MbUintOverflow, 1));
    assert_eq!(err(&doc(&[0x45, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])), e(ErrorKind::MbUintOverflow, 5));
}

#[test]
fn error_unsupported_version() {
    assert_eq!(Reader::new(&[0x04, 0x01, 0x6A, 0x00]).unwrap_err(), e(ErrorKind::UnsupportedVersion(4), 0));
    assert_eq!(Reader::new(&[0x13]).unwrap_err(), e(ErrorKind::UnsupportedVersion(0x13), 0));
}

#[test]
fn error_unsupported_charset() {
    assert_eq!(Reader::new(&[0x03, 0x01, 0x05, 0x00, 0x05]).unwrap_err(), e(ErrorKind::UnsupportedCharset(5), 2));
    // Multi-byte MIBenum (2026 = UTF-16... any other) after a multi-byte public id.
    assert_eq!(
        Reader::new(&[0x03, 0x81, 0x00, 0x8F, 0x6A, 0x00, 0x05]).unwrap_err(),
        e(ErrorKind::UnsupportedCharset(0x7EA), 3)
    );
}

#[test]
fn error_invalid_string() {
    // Not UTF-8 in STR_I.
    assert_eq!(err(&doc(&[0x45, 0x03, 0xFF, 0x00, 0x01])), e(ErrorKind::InvalidString("UTF-8"), 5));
    // Not UTF-8 through STR_T.
    assert_eq!(err(&doc_st(&[0xC3, 0x28, 0x00], &[0x45, 0x83, 0x00, 0x01])), e(ErrorKind::InvalidString("UTF-8"), 8));
    // Not US-ASCII.
    assert_eq!(
        err(&[0x03, 0x01, 0x03, 0x00, 0x45, 0x03, 0x80, 0x00, 0x01]),
        e(ErrorKind::InvalidString("US-ASCII"), 5)
    );
    // A literal tag name, reported at the LITERAL token.
    assert_eq!(err(&doc_st(&[0xFE, 0x00], &[0x04, 0x00])), e(ErrorKind::InvalidString("UTF-8"), 6));
    // A string public id.
    assert_eq!(
        Reader::new(&[0x03, 0x00, 0x00, 0x6A, 0x02, 0xFF, 0x00, 0x05]).unwrap_err(),
        e(ErrorKind::InvalidString("UTF-8"), 1)
    );
    // EXT_I string.
    assert_eq!(err(&doc(&[0x45, 0x41, 0xC0, 0x00, 0x01])), e(ErrorKind::InvalidString("UTF-8"), 5));
}

#[test]
fn error_unterminated_string() {
    assert_eq!(err(&doc(&[0x45, 0x03, b'a', b'b'])), e(ErrorKind::UnterminatedString, 5));
    assert_eq!(err(&doc(&[0x45, 0x42, b'a'])), e(ErrorKind::UnterminatedString, 5));
    // STR_T into a table whose last string has no NUL.
    assert_eq!(err(&doc_st(b"a\0bc", &[0x45, 0x83, 0x02, 0x01])), e(ErrorKind::UnterminatedString, 9));
}

#[test]
fn error_bad_string_table_reference() {
    // Offset equal to the table length, beyond it, and into an empty table.
    assert_eq!(err(&doc_st(b"ab\0", &[0x45, 0x83, 0x03, 0x01])), e(ErrorKind::BadStringTableReference(3), 8));
    assert_eq!(err(&doc_st(b"ab\0", &[0x45, 0x83, 0x81, 0x00, 0x01])), e(ErrorKind::BadStringTableReference(0x80), 8));
    assert_eq!(err(&doc(&[0x04, 0x00])), e(ErrorKind::BadStringTableReference(0), 4));
    // Attribute literal.
    assert_eq!(err(&doc(&[0x85, 0x04, 0x07])), e(ErrorKind::BadStringTableReference(7), 5));
    // String public id beyond the table.
    assert_eq!(
        Reader::new(&[0x03, 0x00, 0x09, 0x6A, 0x02, b'a', 0x00, 0x05]).unwrap_err(),
        e(ErrorKind::BadStringTableReference(9), 1)
    );
    assert_eq!(
        Reader::new(&[0x03, 0x00, 0x00, 0x6A, 0x00, 0x05]).unwrap_err(),
        e(ErrorKind::BadStringTableReference(0), 1)
    );
}

#[test]
fn error_unexpected_token() {
    // Content before the root element.
    assert_eq!(err(&doc(&[0x03, b'a', 0x00])), e(ErrorKind::UnexpectedToken(0x03), 4));
    assert_eq!(err(&doc(&[0x01])), e(ErrorKind::UnexpectedToken(0x01), 4));
    assert_eq!(err(&doc(&[0xC3, 0x00])), e(ErrorKind::UnexpectedToken(0xC3), 4));
    // The attribute flag with an empty attribute list.
    assert_eq!(err(&doc(&[0x85, 0x01])), e(ErrorKind::UnexpectedToken(0x01), 5));
    // An attribute list starting with a value.
    assert_eq!(err(&doc(&[0x85, 0x03, b'a', 0x00, 0x01])), e(ErrorKind::UnexpectedToken(0x03), 5));
    assert_eq!(err(&doc(&[0x85, 0x86, 0x01])), e(ErrorKind::UnexpectedToken(0x86), 5));
    // Tag-only globals inside an attribute list.
    assert_eq!(err(&doc(&[0x85, 0x05, 0x43])), e(ErrorKind::UnexpectedToken(0x43), 6));
    assert_eq!(err(&doc(&[0x85, 0x05, 0x44])), e(ErrorKind::UnexpectedToken(0x44), 6));
    assert_eq!(err(&doc(&[0x85, 0x05, 0x84])), e(ErrorKind::UnexpectedToken(0x84), 6));
    assert_eq!(err(&doc(&[0x85, 0x05, 0xC4])), e(ErrorKind::UnexpectedToken(0xC4), 6));
    // A PI has one target.
    assert_eq!(err(&doc(&[0x43, 0x05, 0x06, 0x01])), e(ErrorKind::UnexpectedToken(0x06), 6));
    // A PI needs a target.
    assert_eq!(err(&doc(&[0x43, 0x01])), e(ErrorKind::UnexpectedToken(0x01), 5));
}

#[test]
fn error_no_root_element() {
    assert_eq!(err(&doc(&[])), e(ErrorKind::NoRootElement, 4));
    assert_eq!(err(&doc(&[0x43, 0x05, 0x01])), e(ErrorKind::NoRootElement, 7));
    assert_eq!(err(&doc(&[0x00, 0x01])), e(ErrorKind::NoRootElement, 6));
}

#[test]
fn error_trailing_data() {
    assert_eq!(err(&doc(&[0x05, 0x05])), e(ErrorKind::TrailingData, 5));
    assert_eq!(err(&doc(&[0x45, 0x01, 0x43, 0x05, 0x01, 0x00, 0x00])), e(ErrorKind::TrailingData, 9));
    assert_eq!(err(&doc(&[0x45, 0x01, 0x03, 0x00])), e(ErrorKind::TrailingData, 6));
}

#[test]
fn error_input_too_large() {
    let input = doc(&[0x05]);
    assert_eq!(
        Reader::with_limits(&input, Limits::DEFAULT.with_max_input(4)).unwrap_err(),
        e(ErrorKind::InputTooLarge(5), 0)
    );
    // Checked before anything else, even the version.
    assert_eq!(
        Reader::with_limits(&[0xFF, 0xFF], Limits::DEFAULT.with_max_input(1)).unwrap_err(),
        e(ErrorKind::InputTooLarge(2), 0)
    );
    assert!(Reader::with_limits(&input, Limits::DEFAULT.with_max_input(5)).is_ok());
}

#[test]
fn error_too_deep() {
    let input = doc(&[0x45, 0x46, 0x47, 0x08, 0x01, 0x01, 0x01]);
    let limits = Limits::DEFAULT.with_max_depth(3);
    assert_eq!(read_all_with(&input, limits).unwrap_err(), e(ErrorKind::TooDeep(3), 7));
    assert!(read_all_with(&input, Limits::DEFAULT.with_max_depth(4)).is_ok());
    assert_eq!(read_all_with(&input, Limits::DEFAULT.with_max_depth(0)).unwrap_err(), e(ErrorKind::TooDeep(0), 4));
}

#[test]
fn error_string_table_too_large() {
    // The declared length is checked before the table is sliced (here it is not even there).
    let input = [0x03, 0x01, 0x6A, 0x81, 0x00];
    assert_eq!(
        Reader::with_limits(&input, Limits::DEFAULT.with_max_string_table(0x7F)).unwrap_err(),
        e(ErrorKind::StringTableTooLarge(0x80), 3)
    );
    assert_eq!(
        Reader::new(&[0x03, 0x01, 0x6A, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F]).unwrap_err(),
        e(ErrorKind::StringTableTooLarge(u32::MAX), 3)
    );
}

#[test]
fn error_too_many_attributes() {
    let input = doc(&[0x85, 0x05, 0x06, 0x07, 0x01]);
    let limits = Limits::DEFAULT.with_max_attributes(2);
    assert_eq!(read_all_with(&input, limits).unwrap_err(), e(ErrorKind::TooManyAttributes(2), 7));
    assert!(read_all_with(&input, Limits::DEFAULT.with_max_attributes(3)).is_ok());
    // The count is per element.
    let input = doc(&[0xC5, 0x05, 0x06, 0x01, 0x86, 0x05, 0x06, 0x01, 0x01]);
    assert!(read_all_with(&input, limits).is_ok());
}

#[test]
fn error_opaque_too_large() {
    // Declared length checked before the bytes (here absent) are looked at.
    let input = doc(&[0x45, 0xC3, 0x81, 0x00]);
    let limits = Limits::DEFAULT.with_max_opaque(0x7F);
    assert_eq!(read_all_with(&input, limits).unwrap_err(), e(ErrorKind::OpaqueTooLarge(0x80), 5));
    assert_eq!(err(&doc(&[0x85, 0x05, 0xC3, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F])), e(ErrorKind::OpaqueTooLarge(u32::MAX), 6));
}

#[test]
fn errors_are_fused() {
    let input = doc(&[0x45, 0x03, 0xFF, 0x00, 0x01]);
    let mut r = Reader::new(&input).unwrap();
    assert!(r.next().unwrap().is_some());
    let first = r.next().unwrap_err();
    assert_eq!(first, e(ErrorKind::InvalidString("UTF-8"), 5));
    for _ in 0..3 {
        assert_eq!(r.next().unwrap_err(), first);
    }
}

#[test]
fn error_display_has_offset() {
    assert_eq!(e(ErrorKind::TrailingData, 9).to_string(), "trailing data after the root element at byte 9");
}
