//! Bad input: for each class of malformed message, the exact typed error (variant, and the element
//! path or byte offset it names), in XML and in WBXML where the class applies to both; entity
//! bombs refused quickly without expansion; nesting and size limits; truncations of every corpus
//! message at every length. Nothing may panic, hang or allocate without bound.
//!
//! WBXML inputs are built with `imps-wbxml`'s generic writer (see [`Wb`]), so they can be as
//! wrong as needed; XML inputs are text.

use std::path::Path;
use std::time::{Duration, Instant};

use imps_csp::schema::Elem;
use imps_csp::{DecodeOptions, Error, Message, Version};
use imps_wbxml::{Extension, PublicId, StringTableMode, Tag, Writer, WriterHeader};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

const TC: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent";

/// A complete XML message of `v` around `inner` (the XML of one primitive).
fn xml(v: Version, inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<WV-CSP-Message xmlns=\"{}\"><Session><SessionDescriptor>\
         <SessionType>Inband</SessionType><SessionID>s1</SessionID></SessionDescriptor><Transaction>\
         <TransactionDescriptor><TransactionMode>Request</TransactionMode><TransactionID>t1</TransactionID>\
         </TransactionDescriptor><TransactionContent xmlns=\"{}\">{inner}</TransactionContent></Transaction>\
         </Session></WV-CSP-Message>",
        v.csp_namespace(),
        v.trc_namespace()
    )
}

/// A WBXML document under construction: CSP element names become the version's tokens.
struct Wb {
    w: Writer,
    v: Version,
}

impl Wb {
    fn new(v: Version) -> Self {
        let header = WriterHeader::new(PublicId::Known(v.wbxml_public_id()));
        Wb { w: Writer::new(header, StringTableMode::Inline), v }
    }

    /// Starts `name`: its token in the version, else a literal.
    fn start(&mut self, name: &str) -> &mut Self {
        let tag = match Elem::from_name(name).and_then(|e| e.token(self.v)) {
            Some((page, token)) => Tag::Token { page, token },
            None => Tag::Literal(name.to_owned().into()),
        };
        self.w.start(tag).unwrap();
        self
    }

    fn token(&mut self, page: u8, token: u8) -> &mut Self {
        self.w.start(Tag::Token { page, token }).unwrap();
        self
    }

    fn end(&mut self) -> &mut Self {
        self.w.end().unwrap();
        self
    }

    fn text(&mut self, name: &str, text: &str) -> &mut Self {
        self.start(name);
        self.w.text(text).unwrap();
        self.end()
    }

    fn opaque(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.start(name);
        self.w.opaque(data).unwrap();
        self.end()
    }

    fn ext(&mut self, name: &str, index: u32) -> &mut Self {
        self.start(name);
        self.w.extension(Extension::Token { n: 0, value: index }).unwrap();
        self.end()
    }

    /// The envelope up to and including the `TransactionContent` start.
    fn envelope(v: Version) -> Self {
        let mut b = Wb::new(v);
        b.start("WV-CSP-Message").start("Session").start("SessionDescriptor");
        b.text("SessionType", "Inband").text("SessionID", "s1").end();
        b.start("Transaction").start("TransactionDescriptor");
        b.text("TransactionMode", "Request").text("TransactionID", "t1").end();
        b.start("TransactionContent");
        b
    }

    /// Closes the envelope (TransactionContent, Transaction, Session, root) and returns the bytes.
    fn finish_envelope(mut self) -> Vec<u8> {
        self.end().end().end().end();
        self.w.finish().unwrap().to_vec()
    }

    fn finish(self) -> Vec<u8> {
        self.w.finish().unwrap().to_vec()
    }
}

/// The WBXML of one primitive of version `v` written by `f` inside the envelope.
fn wbxml(v: Version, f: impl FnOnce(&mut Wb)) -> Vec<u8> {
    let mut b = Wb::envelope(v);
    f(&mut b);
    b.finish_envelope()
}

fn err(bytes: &[u8]) -> Error {
    match Message::decode(bytes) {
        Ok(d) => panic!("decoded: {:?}\n{}", d.message, String::from_utf8_lossy(bytes)),
        Err(e) => e,
    }
}

fn err_with(bytes: &[u8], opts: &DecodeOptions) -> Error {
    match Message::decode_with(bytes, opts) {
        Ok(d) => panic!("decoded: {:?}", d.message),
        Err(e) => e,
    }
}

fn missing(path: &str, element: &'static str) -> Error {
    Error::MissingElement { path: path.to_owned(), element }
}

fn invalid(path: &str, value: &str, expected: &'static str) -> Error {
    Error::InvalidValue { path: path.to_owned(), value: value.to_owned(), expected }
}

// ---------------------------------------------------------------------------------------------
// Wrong root, unknown version
// ---------------------------------------------------------------------------------------------

#[test]
fn wrong_root() {
    assert_eq!(err(b"<?xml version=\"1.0\"?>\n<html><body/></html>"), Error::WrongRoot { found: "html".into() });
    assert_eq!(err(b""), Error::WrongRoot { found: "neither XML nor WBXML".into() });
    assert_eq!(err(b"\x89PNG\r\n"), Error::WrongRoot { found: "neither XML nor WBXML".into() });
    assert_eq!(err(b"<?xml version=\"1.0\"?>\n"), Error::WrongRoot { found: "nothing (empty document)".into() });
    // WBXML: a CSP token that is not WV-CSP-Message (Session, 0x00/0x2D), and a literal.
    let mut b = Wb::new(Version::V1_2);
    b.start("Session").end();
    assert_eq!(err(&b.finish()), Error::WrongRoot { found: "Token { page: 0, token: 45 }".into() });
    let mut b = Wb::new(Version::V1_2);
    b.start("html").end();
    assert_eq!(err(&b.finish()), Error::WrongRoot { found: "Literal(\"html\")".into() });
    assert!(err(b"<html/>").is_not_csp());
}

#[test]
fn unknown_version() {
    let doc = xml(Version::V1_2, "<Polling-Request/>").replace("WV-CSP1.2\"", "WV-CSP9.9\"");
    assert_eq!(
        err(doc.as_bytes()),
        Error::UnknownVersion { found: "http://www.openmobilealliance.org/DTD/WV-CSP9.9".into() }
    );
    // WBXML: an unregistered public id and no xmlns.
    let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x55)), StringTableMode::Inline);
    w.start(Tag::Token { page: 0, token: 0x09 }).unwrap();
    w.end().unwrap();
    let e = err(&w.finish().unwrap());
    assert!(matches!(e, Error::UnknownVersion { .. }), "{e:?}");
    assert_eq!(e.result_code().0, 505);
}

// ---------------------------------------------------------------------------------------------
// Missing mandatory elements
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_mandatory_element() {
    // Login-Request without UserID (and ClientID); the path is the element that lacks it.
    let path = format!("{TC}/Login-Request");
    let doc = xml(Version::V1_2, "<Login-Request><Password>x</Password></Login-Request>");
    assert_eq!(err(doc.as_bytes()), missing(&path, "UserID"));
    let doc = wbxml(Version::V1_2, |b| {
        b.start("Login-Request").text("Password", "x").end();
    });
    assert_eq!(err(&doc), missing(&path, "UserID"));

    // Status without Result.
    let doc = xml(Version::V1_1, "<Status/>");
    assert_eq!(err(doc.as_bytes()), missing(&format!("{TC}/Status"), "Result"));
    let doc = wbxml(Version::V1_1, |b| {
        b.start("Status").end();
    });
    assert_eq!(err(&doc), missing(&format!("{TC}/Status"), "Result"));

    // Result without Code, deeper down.
    let doc = xml(Version::V1_3, "<Status><Result><Description>d</Description></Result></Status>");
    assert_eq!(err(doc.as_bytes()), missing(&format!("{TC}/Status/Result"), "Code"));

    // Envelope: an empty TransactionContent, a Session without a Transaction.
    let doc = xml(Version::V1_2, "");
    assert_eq!(err(doc.as_bytes()), missing(TC, "(a primitive)"));
    let doc = wbxml(Version::V1_2, |_| {});
    assert_eq!(err(&doc), missing(TC, "(a primitive)"));
    let doc = format!(
        "<WV-CSP-Message xmlns=\"{}\"><Session><SessionDescriptor><SessionType>Outband</SessionType>\
         </SessionDescriptor></Session></WV-CSP-Message>",
        Version::V1_2.csp_namespace()
    );
    assert_eq!(err(doc.as_bytes()), missing("/WV-CSP-Message/Session", "Transaction"));
}

// ---------------------------------------------------------------------------------------------
// Unknown primitives
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_primitive() {
    let e = err(xml(Version::V1_2, "<Teleport-Request/>").as_bytes());
    assert_eq!(e, Error::UnknownPrimitive { path: TC.into(), found: "Teleport-Request".into() });
    assert_eq!(e.result_code().0, 501);
    // A CSP element that is not a primitive.
    let e = err(xml(Version::V1_2, "<UserID>u</UserID>").as_bytes());
    assert_eq!(e, Error::UnknownPrimitive { path: TC.into(), found: "UserID".into() });
    // WBXML: a literal, and a token the version's table does not assign (0x01/0x35 in 1.2).
    let e = err(&wbxml(Version::V1_2, |b| {
        b.start("Teleport-Request").end();
    }));
    assert_eq!(e, Error::UnknownPrimitive { path: TC.into(), found: "Teleport-Request".into() });
    let e = err(&wbxml(Version::V1_2, |b| {
        b.token(1, 0x35).end();
    }));
    assert_eq!(e, Error::UnknownPrimitive { path: TC.into(), found: "token 0x01:0x35".into() });
}

// ---------------------------------------------------------------------------------------------
// Values outside their type
// ---------------------------------------------------------------------------------------------

const SESSION_TYPE: &str = "/WV-CSP-Message/Session/SessionDescriptor/SessionType";

#[test]
fn value_outside_its_enum() {
    let doc = xml(Version::V1_2, "<Polling-Request/>").replace(">Inband<", ">Sideband<");
    let e = err(doc.as_bytes());
    assert_eq!(e, invalid(SESSION_TYPE, "Sideband", "SessionType"));
    assert_eq!(e.result_code().0, 402);
    // WBXML: as a string, and as an EXT_T_0 index the value table lacks (0x3A in 1.2).
    let mut b = Wb::new(Version::V1_2);
    b.start("WV-CSP-Message").start("Session").start("SessionDescriptor").text("SessionType", "Sideband");
    b.end().end().end();
    assert_eq!(err(&b.finish()), invalid(SESSION_TYPE, "Sideband", "SessionType"));
    let mut b = Wb::new(Version::V1_2);
    b.start("WV-CSP-Message").start("Session").start("SessionDescriptor").ext("SessionType", 0x3A);
    b.end().end().end();
    assert_eq!(err(&b.finish()), invalid(SESSION_TYPE, "EXT_T_0 0x3a", "an index into the CSP value table"));
    // A valid table value of the wrong enum (EXT_T_0 0x20 = "Request").
    let mut b = Wb::new(Version::V1_2);
    b.start("WV-CSP-Message").start("Session").start("SessionDescriptor").ext("SessionType", 0x20);
    b.end().end().end();
    assert_eq!(err(&b.finish()), invalid(SESSION_TYPE, "Request", "SessionType"));
    // Booleans are T or F.
    let doc = xml(Version::V1_2, "<Polling-Request/>").replace("</Transaction>", "</Transaction><Poll>yes</Poll>");
    assert_eq!(err(doc.as_bytes()), invalid("/WV-CSP-Message/Session/Poll", "yes", "T or F"));
}

const CODE: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent/Status/Result/Code";

fn status_with_code(code: &str) -> String {
    xml(Version::V1_2, &format!("<Status><Result><Code>{code}</Code></Result></Status>"))
}

#[test]
fn bad_integer() {
    for bad in ["2OO", "-1", "+200", "4294967296", "", "0x10", "1 000"] {
        assert_eq!(err(status_with_code(bad).as_bytes()), invalid(CODE, bad, "an integer"), "{bad:?}");
    }
    // Surrounding whitespace is allowed.
    assert!(Message::decode(status_with_code(" 200\n").as_bytes()).is_ok());
    // WBXML: text, and OPAQUE longer than 4 bytes.
    let status = |f: &dyn Fn(&mut Wb)| {
        wbxml(Version::V1_2, |b| {
            b.start("Status").start("Result");
            f(b);
            b.end().end();
        })
    };
    assert_eq!(
        err(&status(&|b| {
            b.text("Code", "2OO");
        })),
        invalid(CODE, "2OO", "an integer")
    );
    assert_eq!(
        err(&status(&|b| {
            b.opaque("Code", &[0, 0, 0, 0, 200]);
        })),
        invalid(CODE, "<5-byte OPAQUE>", "an integer of at most 4 bytes")
    );
    // OPAQUE of 0-4 bytes is fine, 0 bytes being libwbxml's 0.
    for (bytes, code) in [(&[][..], 0), (&[0xC8][..], 200), (&[0, 0, 0, 0xC8][..], 200)] {
        let d = Message::decode(&status(&|b| {
            b.opaque("Code", bytes);
        }))
        .unwrap();
        match &d.message.transactions[0].primitive {
            imps_csp::Primitive::Status(s) => assert_eq!(s.result.code.0, code),
            p => panic!("{p:?}"),
        }
    }
}

const DELIVERY_TIME: &str =
    "/WV-CSP-Message/Session/Transaction/TransactionContent/DeliveryReport-Request/DeliveryTime";

fn delivery_report_xml(time: &str) -> String {
    xml(
        Version::V1_2,
        &format!(
            "<DeliveryReport-Request><Result><Code>200</Code></Result><DeliveryTime>{time}</DeliveryTime>\
             </DeliveryReport-Request>"
        ),
    )
}

#[test]
fn bad_datetime() {
    for bad in [
        "yesterday",
        "20261325T101500Z",
        "20261125T251500Z",
        "20261125T101500Q",
        "20261125",
        "2026-11-25T10:15:00+25:00",
    ] {
        assert_eq!(
            err(delivery_report_xml(bad).as_bytes()),
            invalid(DELIVERY_TIME, bad, "an ISO 8601 DateTime"),
            "{bad:?}"
        );
    }
    let report = |f: &dyn Fn(&mut Wb)| {
        wbxml(Version::V1_2, |b| {
            b.start("DeliveryReport-Request").start("Result").opaque("Code", &[200]).end();
            f(b);
            b.end();
        })
    };
    // 2026-13-25 (month 13) in the 6-byte form; a 5-byte OPAQUE; a bad zone byte; text.
    let good = imps_csp::DateTime::utc(2026, 11, 25, 10, 15, 0).unwrap().to_opaque().unwrap();
    let v: u64 = (2026 << 26) | (13 << 22) | (25 << 17) | (10 << 12) | (15 << 6);
    let b = v.to_be_bytes();
    let month13 = [b[3], b[4], b[5], b[6], b[7], b'Z'];
    let mut zone = good;
    zone[5] = b'Q';
    for (bytes, shown) in
        [(&month13[..], "<6-byte OPAQUE>"), (&good[..5], "<5-byte OPAQUE>"), (&zone[..], "<6-byte OPAQUE>")]
    {
        assert_eq!(
            err(&report(&|b| {
                b.opaque("DeliveryTime", bytes);
            })),
            invalid(DELIVERY_TIME, shown, "a 6-byte OPAQUE DateTime")
        );
    }
    assert_eq!(
        err(&report(&|b| {
            b.text("DeliveryTime", "yesterday");
        })),
        invalid(DELIVERY_TIME, "yesterday", "an ISO 8601 DateTime")
    );
}

// ---------------------------------------------------------------------------------------------
// Encoding-level errors
// ---------------------------------------------------------------------------------------------

#[test]
fn bad_utf8() {
    let doc = xml(Version::V1_2, "<Polling-Request/>");
    let at = doc.find(">s1<").unwrap() + 1;
    let mut bytes = doc.into_bytes();
    bytes[at] = 0xFF;
    assert_eq!(err(&bytes), Error::InvalidUtf8 { offset: at });
    // A truncated multi-byte sequence ("ä" without its second byte).
    let doc = xml(Version::V1_2, "<Polling-Request/>").replace(">s1<", ">\u{e4}<");
    let at = doc.find('\u{e4}').unwrap();
    let mut bytes = doc.into_bytes();
    bytes.remove(at + 1);
    assert_eq!(err(&bytes), Error::InvalidUtf8 { offset: at });
    // WBXML: an inline string with an invalid byte; OPAQUE that is not UTF-8 where text belongs.
    let mut b = Wb::new(Version::V1_2);
    b.start("WV-CSP-Message").start("Session").start("SessionDescriptor").text("SessionType", "Inband");
    b.text("SessionID", "s1").end().end().end();
    let mut bytes = b.finish();
    let at = bytes.windows(3).position(|w| w == b"s1\0").unwrap();
    bytes[at + 1] = 0xFF;
    let e = err(&bytes);
    assert!(matches!(&e, Error::Wbxml(w) if w.kind == imps_wbxml::ErrorKind::InvalidString("UTF-8")), "{e:?}");
    let Error::Wbxml(w) = e else { unreachable!() };
    assert!((at - 1..=at + 2).contains(&w.offset), "offset {} near {at}", w.offset);
    let e = err(&wbxml(Version::V1_2, |b| {
        b.start("Status").start("Result").opaque("Code", &[200]).opaque("Description", &[0xC3, 0x28]).end().end();
    }));
    assert_eq!(e, invalid(&format!("{TC}/Status/Result/Description"), "<binary OPAQUE>", "text"));
}

fn depth_doc(levels: usize) -> String {
    // ExtBlock content is kept raw, so it may nest arbitrarily (until the limit).
    let open = "<a>".repeat(levels);
    let close = "</a>".repeat(levels);
    xml(Version::V1_2, "<Polling-Request/>")
        .replace("</Transaction>", &format!("<ExtBlock>{open}{close}</ExtBlock></Transaction>"))
}

#[test]
fn too_deep() {
    // The root is depth 1 and ExtBlock depth 4, so 28 <a> reach 32 and 29 exceed it.
    assert!(Message::decode(depth_doc(28).as_bytes()).is_ok());
    let path = format!("/WV-CSP-Message/Session/Transaction/ExtBlock{}", "/a".repeat(29));
    assert_eq!(err(depth_doc(29).as_bytes()), Error::TooDeep { path: path.clone(), limit: 32 });
    // Half a million levels (3.5 MB, under the size limit) fail as fast, at the same place.
    let t = Instant::now();
    assert_eq!(err(depth_doc(500_000).as_bytes()), Error::TooDeep { path, limit: 32 });
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // A lower limit applies to ordinary messages.
    let opts = DecodeOptions::default().with_max_depth(5);
    let e = err_with(xml(Version::V1_2, "<Status><Result><Code>200</Code></Result></Status>").as_bytes(), &opts);
    assert_eq!(e, Error::TooDeep { path: format!("{TC}/Status/Result"), limit: 5 });

    // WBXML: the reader's depth limit is the same option.
    let wb = |levels: usize| {
        let mut b = Wb::envelope(Version::V1_2);
        b.start("Polling-Request").end().end();
        b.start("ExtBlock");
        for _ in 0..levels {
            b.start("a");
        }
        for _ in 0..levels {
            b.end();
        }
        b.end().end().end().end();
        b.finish()
    };
    assert!(Message::decode(&wb(28)).is_ok());
    let bytes = wb(29);
    let e = err(&bytes);
    let Error::Wbxml(w) = &e else { panic!("{e:?}") };
    assert_eq!(w.kind, imps_wbxml::ErrorKind::TooDeep(32));
    assert!(w.offset < bytes.len(), "{e:?}");
}

#[test]
fn too_large() {
    let doc = xml(Version::V1_2, "<Polling-Request/>");
    let opts = DecodeOptions::default().with_max_size(doc.len() - 1);
    assert_eq!(err_with(doc.as_bytes(), &opts), Error::TooLarge { size: doc.len(), limit: doc.len() - 1 });
    assert!(Message::decode_with(doc.as_bytes(), &DecodeOptions::default().with_max_size(doc.len())).is_ok());
    let wb = wbxml(Version::V1_2, |b| {
        b.start("Polling-Request").end();
    });
    let opts = DecodeOptions::default().with_max_size(wb.len() - 1);
    assert_eq!(err_with(&wb, &opts), Error::TooLarge { size: wb.len(), limit: wb.len() - 1 });
    // The default limit (4 MiB), refused before any parsing.
    let big = xml(Version::V1_2, &format!("<Extended-Request>{}</Extended-Request>", "x".repeat(4 * 1024 * 1024)));
    let t = Instant::now();
    assert_eq!(err(big.as_bytes()), Error::TooLarge { size: big.len(), limit: 4 * 1024 * 1024 });
    let mut big_wb = wbxml(Version::V1_2, |b| {
        b.start("Polling-Request").end();
    });
    big_wb.resize(4 * 1024 * 1024 + 1, 0x01);
    assert_eq!(err(&big_wb), Error::TooLarge { size: big_wb.len(), limit: 4 * 1024 * 1024 });
    assert!(t.elapsed() < Duration::from_millis(500), "{:?}", t.elapsed());
}

// ---------------------------------------------------------------------------------------------
// Entity bombs
// ---------------------------------------------------------------------------------------------

fn billion_laughs() -> String {
    let mut dtd = String::from("<!DOCTYPE WV-CSP-Message [\n  <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 { "lol".to_owned() } else { format!("lol{}", i - 1) };
        dtd.push_str(&format!("  <!ENTITY lol{i} \"{}\">\n", format!("&{prev};").repeat(10)));
    }
    dtd.push_str("]>\n");
    dtd
}

fn with_dtd(dtd: &str, doc: &str) -> String {
    doc.replacen("\n", &format!("\n{dtd}"), 1)
}

fn assert_refused_quickly(doc: &str, entity: &str) {
    let t = Instant::now();
    let e = err(doc.as_bytes());
    assert!(t.elapsed() < Duration::from_millis(200), "{entity}: took {:?}", t.elapsed());
    let at = doc.find(&format!("&{entity};")).unwrap();
    match e {
        Error::Xml { offset, message } => {
            assert_eq!(message, format!("entity &{entity}; is not allowed (no DTD entities are expanded)"));
            assert!((at as u64..=(at + entity.len() + 2) as u64).contains(&offset), "offset {offset}, entity at {at}");
        }
        other => panic!("{entity}: {other:?}"),
    }
}

#[test]
fn entity_bombs_are_refused_without_expansion() {
    let dtd = billion_laughs();
    // In element content (the 10^9-"lol" entity), in the session id.
    let doc = with_dtd(&dtd, &xml(Version::V1_2, "<Polling-Request/>").replace(">s1<", ">&lol9;<"));
    assert_refused_quickly(&doc, "lol9");
    // Quadratic blowup: one large entity referenced many times.
    let big = format!("<!DOCTYPE WV-CSP-Message [<!ENTITY a \"{}\">]>", "x".repeat(100_000));
    let doc = with_dtd(
        &big,
        &xml(Version::V1_2, "<Polling-Request/>").replace(">s1<", &format!(">{}<", "&a;".repeat(10_000))),
    );
    assert_refused_quickly(&doc, "a");
    // External entities (file and network): never fetched.
    for decl in ["<!ENTITY xxe SYSTEM \"file:///etc/passwd\">", "<!ENTITY xxe SYSTEM \"http://example.invalid/x\">"] {
        let dtd = format!("<!DOCTYPE WV-CSP-Message [{decl}]>");
        let doc = with_dtd(&dtd, &xml(Version::V1_2, "<Polling-Request/>").replace(">s1<", ">&xxe;<"));
        assert_refused_quickly(&doc, "xxe");
    }
    // In an attribute value (the root's xmlns).
    let doc =
        with_dtd(&dtd, &xml(Version::V1_2, "<Polling-Request/>")).replacen(Version::V1_2.csp_namespace(), "&lol9;", 1);
    let t = Instant::now();
    let e = err(doc.as_bytes());
    assert!(t.elapsed() < Duration::from_millis(200));
    assert!(matches!(e, Error::Xml { .. }), "{e:?}");
    // A DTD that declares entities but whose document never uses them is skipped, not expanded.
    let doc = with_dtd(&billion_laughs(), &xml(Version::V1_2, "<Polling-Request/>"));
    assert!(Message::decode(doc.as_bytes()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Truncations, and fuzz regressions
// ---------------------------------------------------------------------------------------------

fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    for v in Version::ALL {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(v.as_str()))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        paths.sort();
        for p in paths {
            out.push((format!("{v}/{}", p.file_name().unwrap().to_string_lossy()), std::fs::read(&p).unwrap()));
        }
    }
    out
}

#[test]
fn every_truncation_of_every_corpus_wbxml_is_an_error() {
    let mut checked = 0usize;
    for (name, xml) in corpus() {
        let d = Message::decode(&xml).unwrap();
        for mode in [StringTableMode::Inline, StringTableMode::Shared] {
            let full = d.message.to_wbxml_with(d.version, mode).unwrap();
            for len in 0..full.len() {
                let cut = &full[..len];
                match Message::decode(cut) {
                    Ok(_) => panic!("{name} ({mode:?}) cut at {len} of {} decodes", full.len()),
                    Err(Error::Wbxml(e)) => assert!(e.offset <= len, "{name} cut at {len}: offset {}", e.offset),
                    Err(Error::WrongRoot { .. }) if len < 5 => {}
                    Err(e) => panic!("{name} ({mode:?}) cut at {len}: {e:?}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100_000, "{checked}");
}

#[test]
fn every_truncation_of_every_corpus_xml_is_an_error() {
    for (name, xml) in corpus() {
        let end = xml.windows(17).rposition(|w| w == b"</WV-CSP-Message>").unwrap() + 17;
        for len in 0..end {
            if let Ok(d) = Message::decode(&xml[..len]) {
                panic!("{name} cut at {len} of {end} decodes: {:?}", d.message);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the property tests and libwbxml interop
// ---------------------------------------------------------------------------------------------

fn message_of(p: impl Into<imps_csp::Primitive>) -> Message {
    Message::new(imps_csp::SessionDescriptor::inband("s1".into()), imps_csp::Transaction::request("t1", p))
}

/// `CIR` (1.2+) used to be dropped silently when encoding 1.1; it is refused like every other
/// element the version lacks.
#[test]
fn regression_cir_is_not_in_1_1() {
    let mut m = message_of(imps_csp::primitive::access::PollingRequest::default());
    m.cir = Some(false);
    for enc in [imps_csp::Encoding::Xml, imps_csp::Encoding::Wbxml] {
        assert_eq!(m.encode(Version::V1_1, enc), Err(Error::NotInVersion { element: "CIR", version: Version::V1_1 }));
        let bytes = m.encode(Version::V1_2, enc).unwrap();
        assert_eq!(Message::decode(&bytes).unwrap().message, m);
    }
}

/// A `GetPresence-Request` with an empty `User+ | ContactList+` choice used to encode to a
/// document its decoder refuses; the encoder refuses it.
#[test]
fn regression_get_presence_without_targets_is_unencodable() {
    let m = message_of(imps_csp::primitive::presence::GetPresenceRequest::default());
    for v in Version::ALL {
        assert_eq!(
            m.to_xml(v),
            Err(Error::Unencodable { element: "GetPresence-Request", reason: "no User or ContactList" })
        );
    }
}

/// Whitespace between the elements of raw content (`ExtBlock`, extension elements) is layout:
/// the same document pretty-printed, compact, or through libwbxml (which drops it) decodes to the
/// same value.
#[test]
fn regression_layout_whitespace_in_raw_content() {
    let compact = xml(Version::V1_2, "<Polling-Request/>").replace(
        "</Transaction>",
        "<ExtBlock><APIClient>x</APIClient><X><Y>y</Y></X></ExtBlock><ExtBlock/></Transaction>",
    );
    let pretty = compact
        .replace("<ExtBlock>", "<ExtBlock>\n  ")
        .replace("</APIClient>", "</APIClient>\n  ")
        .replace("<X>", "<X>\n    ")
        .replace("</Y>", "</Y>\n  ")
        .replace("<ExtBlock/>", "<ExtBlock>\n</ExtBlock>");
    let a = Message::decode(compact.as_bytes()).unwrap().message;
    let b = Message::decode(pretty.as_bytes()).unwrap().message;
    assert_eq!(a, b);
    // Text that is not whitespace-only is data and stays.
    let texty = compact.replace("<APIClient>x</APIClient>", " <APIClient> x </APIClient> z ");
    assert_ne!(Message::decode(texty.as_bytes()).unwrap().message, a);
}

/// Inputs the fuzz targets found, kept in `tests/regressions`: each decodes, and re-encodes in
/// its version (XML when it can carry the value, WBXML in both string-table modes) to the same
/// value.
#[test]
fn regression_fuzz_inputs_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let d = Message::decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for mode in [StringTableMode::Inline, StringTableMode::Shared] {
            let again = Message::decode(&d.message.to_wbxml_with(d.version, mode).unwrap()).unwrap();
            assert_eq!(again.message, d.message, "{} through WBXML ({mode:?})", path.display());
        }
        if let Ok(xml) = d.message.to_xml(d.version) {
            assert_eq!(Message::decode(&xml).unwrap().message, d.message, "{} through XML", path.display());
        }
        n += 1;
    }
    assert!(n >= 1);
}

/// Empty text in raw content (`STR_I ""`, `<![CDATA[]]>`) is no content, as the encoders
/// write it: `empty-text-in-raw-content.wbxml` (found by `csp_roundtrip`) decoded an
/// extension element's `STR_I ""` as a text node the WBXML encoder then left out.
#[test]
fn regression_empty_text_in_raw_content_is_no_content() {
    let with = |ext: &str| {
        xml(Version::V1_2, "<Polling-Request/>")
            .replace("</Transaction>", &format!("<ExtBlock>{ext}</ExtBlock></Transaction>"))
    };
    let empty = Message::decode(with("<X/>").as_bytes()).unwrap().message;
    let cdata = Message::decode(with("<X><![CDATA[]]></X>").as_bytes()).unwrap().message;
    assert_eq!(cdata, empty);
    let raw = &empty.transactions[0].ext_blocks[0].content[0];
    assert!(matches!(raw, imps_csp::RawNode::Element(e) if e.children.is_empty()), "{raw:?}");
}
