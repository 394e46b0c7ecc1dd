//! Criterion benchmarks of the typed CSP codec (`imps-csp`) against quick-xml's bare event loop
//! and libwbxml's C library (through the bench-only `libwbxml-ffi` crate), over one mixed set of
//! 20 corpus messages (CSP 1.1 and 1.2: libwbxml has no 1.3 tables).
//!
//! Every comparison uses the same bytes on both sides:
//! * XML input: the corpus document with the DOCTYPE libwbxml needs (our decoder skips it);
//! * WBXML input: libwbxml's own `xml2wbxml` output of that document, which libwbxml parses and
//!   our decoder reads to the same typed value (see `tests/interop_libwbxml.rs`).
//!
//! Run with `cargo bench --bench csp`; `BENCHMARKS.md` in `crates/imps-csp` has the numbers and
//! the goal ratios (typed WBXML decode at least 5x libwbxml's parse; typed XML decode within
//! 1.5x of quick-xml's event loop). Each iteration processes the whole set; throughput is in
//! bytes of input (encoders: bytes of output).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use imps_csp::{Message, Version};

macro_rules! corpus {
    ($($v:literal / $f:literal),* $(,)?) => {
        &[$(($v, include_bytes!(concat!("../crates/imps-csp/tests/corpus/", $v, "/", $f)) as &[u8])),*]
    };
}

/// A mixed set: logins, presence with values, messages with (non-ASCII) text, group changes,
/// searches, lists, service trees, statuses.
const SET: &[(&str, &[u8])] = corpus![
    "1.1" / "001-Login-Request.xml",
    "1.1" / "044-UpdatePresence-Request.xml",
    "1.1" / "064-SendMessage-Request.xml",
    "1.1" / "046-PresenceNotification-Request.xml",
    "1.2" / "003-Login-Request.xml",
    "1.2" / "004-Login-Response.xml",
    "1.2" / "021-Service-Response.xml",
    "1.2" / "030-Status.xml",
    "1.2" / "041-Search-Response.xml",
    "1.2" / "067-GetPresence-Response.xml",
    "1.2" / "070-UpdatePresence-Request.xml",
    "1.2" / "073-PresenceNotification-Request.xml",
    "1.2" / "088-GetList-Response.xml",
    "1.2" / "107-SendMessage-Request.xml",
    "1.2" / "113-NewMessage.xml",
    "1.2" / "142-JoinGroup-Response.xml",
    "1.2" / "159-GetGroupProps-Response.xml",
    "1.2" / "170-GroupChangeNotice.xml",
    "1.2" / "173-GetList-Request+GetBlockedList-Request+KeepAlive-Request.xml",
    "1.2" / "174-NewMessage+PresenceNotification-Request+Status.xml",
];

fn doctype(v: &str) -> &'static str {
    match v {
        "1.1" => {
            r#"<!DOCTYPE WV-CSP-Message PUBLIC "-//OMA//DTD WV-CSP 1.1//EN" "http://www.openmobilealliance.org/DTD/WV-CSP.XML">"#
        }
        _ => {
            r#"<!DOCTYPE WV-CSP-Message PUBLIC "-//OMA//DTD WV-CSP 1.2//EN" "http://www.openmobilealliance.org/DTD/WV-CSP.DTD">"#
        }
    }
}

struct Doc {
    version: Version,
    /// The XML, with the DOCTYPE libwbxml needs.
    xml: Vec<u8>,
    /// libwbxml's WBXML of `xml`.
    wbxml: Vec<u8>,
    /// Our WBXML of the same value (with the xmlns attribute tokens libwbxml drops).
    own_wbxml: Vec<u8>,
    message: Message,
}

fn docs() -> Vec<Doc> {
    SET.iter()
        .map(|(v, bytes)| {
            let nl = bytes.iter().position(|&b| b == b'\n').unwrap();
            let mut xml = bytes[..=nl].to_vec();
            xml.extend_from_slice(doctype(v).as_bytes());
            xml.extend_from_slice(&bytes[nl..]);
            let d = Message::decode(&xml).unwrap();
            let wbxml = libwbxml_ffi::xml2wbxml(&xml).unwrap();
            // Both decoders read the same bytes, to the same value.
            let from_lw = Message::decode(&wbxml).unwrap();
            assert_eq!((from_lw.version, &from_lw.message), (d.version, &d.message), "{v}");
            libwbxml_ffi::parse(&wbxml).unwrap();
            libwbxml_ffi::parse_tree(&wbxml, libwbxml_ffi::lang::UNKNOWN).unwrap();
            let own_wbxml = d.message.to_wbxml(d.version).unwrap().to_vec();
            Doc { version: d.version, xml, wbxml, own_wbxml, message: d.message }
        })
        .collect()
}

fn total(docs: &[Doc], f: impl Fn(&Doc) -> usize) -> u64 {
    docs.iter().map(f).sum::<usize>() as u64
}

/// quick-xml's event loop and nothing else: read events until `Eof`.
fn quick_xml_events(xml: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return n,
            Ok(_) => n += 1,
            Err(e) => panic!("{e}"),
        }
    }
}

fn lang(v: Version) -> u32 {
    match v {
        Version::V1_1 => libwbxml_ffi::lang::WV_CSP11,
        _ => libwbxml_ffi::lang::WV_CSP12,
    }
}

fn bench(c: &mut Criterion) {
    let docs = docs();
    eprintln!(
        "{} messages: {} bytes of XML, {} bytes of libwbxml WBXML, {} bytes of our WBXML",
        docs.len(),
        total(&docs, |d| d.xml.len()),
        total(&docs, |d| d.wbxml.len()),
        total(&docs, |d| d.own_wbxml.len())
    );

    let mut g = c.benchmark_group("xml_in");
    g.throughput(Throughput::Bytes(total(&docs, |d| d.xml.len())));
    g.bench_function("imps_typed_decode", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(Message::decode_xml(black_box(&d.xml)).unwrap());
            }
        })
    });
    g.bench_function("quick_xml_event_loop", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(quick_xml_events(black_box(&d.xml)));
            }
        })
    });
    g.bench_function("imps_xml_to_wbxml", |b| {
        b.iter(|| {
            for d in &docs {
                let m = Message::decode_xml(black_box(&d.xml)).unwrap();
                black_box(m.message.to_wbxml(m.version).unwrap());
            }
        })
    });
    g.bench_function("libwbxml_xml2wbxml", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(libwbxml_ffi::xml2wbxml(black_box(&d.xml)).unwrap());
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("wbxml_in");
    g.throughput(Throughput::Bytes(total(&docs, |d| d.wbxml.len())));
    g.bench_function("imps_typed_decode", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(Message::decode_wbxml(black_box(&d.wbxml)).unwrap());
            }
        })
    });
    g.bench_function("libwbxml_parse", |b| {
        b.iter(|| {
            for d in &docs {
                libwbxml_ffi::parse(black_box(&d.wbxml)).unwrap();
            }
        })
    });
    g.bench_function("libwbxml_parse_tree", |b| {
        b.iter(|| {
            for d in &docs {
                libwbxml_ffi::parse_tree(black_box(&d.wbxml), lang(d.version)).unwrap();
            }
        })
    });
    g.bench_function("imps_wbxml_to_xml", |b| {
        b.iter(|| {
            for d in &docs {
                let m = Message::decode_wbxml(black_box(&d.wbxml)).unwrap();
                black_box(m.message.to_xml(m.version).unwrap());
            }
        })
    });
    g.bench_function("libwbxml_wbxml2xml", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(libwbxml_ffi::wbxml2xml(black_box(&d.wbxml), lang(d.version)).unwrap());
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("own_wbxml_in");
    g.throughput(Throughput::Bytes(total(&docs, |d| d.own_wbxml.len())));
    g.bench_function("imps_typed_decode", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(Message::decode_wbxml(black_box(&d.own_wbxml)).unwrap());
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Bytes(total(&docs, |d| d.message.to_xml(d.version).unwrap().len())));
    g.bench_function("imps_xml", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(black_box(&d.message).to_xml(d.version).unwrap());
            }
        })
    });
    g.throughput(Throughput::Bytes(total(&docs, |d| d.own_wbxml.len())));
    g.bench_function("imps_wbxml", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(black_box(&d.message).to_wbxml(d.version).unwrap());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
