//! Criterion benchmarks of the WBXML reader and writer on a WV-CSP-shaped document.
//!
//! Run with `cargo bench --bench wbxml`; throughput is reported in bytes of WBXML.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use imps::wbxml::{
    AttrStart, AttrValue, Event, Extension, PublicId, Reader, StringTableMode, Tag, Writer, WriterHeader,
};

fn t(page: u8, token: u8) -> Tag<'static> {
    Tag::Token { page, token }
}

/// `<tag>text</tag>`
fn leaf(w: &mut Writer, tag: Tag<'_>, text: &str) {
    w.start(tag).unwrap();
    w.text(text).unwrap();
    w.end().unwrap();
}

/// `<tag>EXT_T_0 index</tag>` (a WV-CSP value-table token).
fn leaf_ext(w: &mut Writer, tag: Tag<'_>, index: u32) {
    w.start(tag).unwrap();
    w.extension(Extension::Token { n: 0, value: index }).unwrap();
    w.end().unwrap();
}

/// `<tag>OPAQUE integer</tag>` (WV-CSP encodes integers as big-endian opaque bytes).
fn leaf_int(w: &mut Writer, tag: Tag<'_>, value: u32) {
    w.start(tag).unwrap();
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(3);
    w.opaque(&bytes[skip..]).unwrap();
    w.end().unwrap();
}

/// A GetPresence-Response-like message: session and transaction envelope on page 0, the
/// response on page 1, presence values on pages 4, 5 and 6, with text, EXT_T_0 tokens and
/// OPAQUE integers. About 3 KB.
fn csp_document(mode: StringTableMode) -> Vec<u8> {
    let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x11)), mode);
    w.start(t(0, 0x09)).unwrap(); // WV-CSP-Message
    w.attribute(AttrStart::Token { page: 0, token: 0x05 }).unwrap(); // xmlns=
    w.attr_value(AttrValue::Text("http://www.openmobilealliance.org/DTD/WV-CSP1.2".into())).unwrap();
    w.start(t(0, 0x2D)).unwrap(); // Session
    w.start(t(0, 0x2E)).unwrap(); // SessionDescriptor
    leaf_ext(&mut w, t(0, 0x30), 0x20); // SessionType Inband
    leaf(&mut w, t(0, 0x2F), "a7c93f01-5d2b-4e8a-9c1d-00e0fc4a7b12"); // SessionID
    w.end().unwrap();
    w.start(t(0, 0x32)).unwrap(); // Transaction
    w.start(t(0, 0x34)).unwrap(); // TransactionDescriptor
    leaf_ext(&mut w, t(0, 0x36), 0x1A); // TransactionMode Response
    leaf(&mut w, t(0, 0x35), "tx-000417"); // TransactionID
    w.end().unwrap();
    w.start(t(0, 0x33)).unwrap(); // TransactionContent
    w.start(t(1, 0x13)).unwrap(); // GetPresence-Response
    w.start(t(0, 0x31)).unwrap(); // Result
    leaf_int(&mut w, t(0, 0x0B), 200); // Code
    leaf(&mut w, t(0, 0x0F), "Successfully completed"); // Description
    w.end().unwrap();
    for i in 0..18u32 {
        w.start(t(0, 0x21)).unwrap(); // Presence
        leaf(&mut w, t(0, 0x3A), &format!("wv:user{i:02}@imps.example.com")); // UserID
        w.start(t(5, 0x0A)).unwrap(); // PresenceSubList
        w.start(t(5, 0x36)).unwrap(); // OnlineStatus
        leaf_ext(&mut w, t(5, 0x07), 0x2D); // Qualifier T
        leaf_ext(&mut w, t(5, 0x09), 0x2D); // PresenceValue T
        w.end().unwrap();
        w.start(t(5, 0x32)).unwrap(); // UserAvailability
        leaf_ext(&mut w, t(5, 0x07), 0x2D);
        leaf_ext(&mut w, t(5, 0x09), 0x2F + i % 3); // AVAILABLE / NOT_AVAILABLE / DISCREET
        w.end().unwrap();
        w.start(t(5, 0x1A)).unwrap(); // StatusText
        leaf_ext(&mut w, t(5, 0x07), 0x2D);
        leaf(&mut w, t(5, 0x09), &format!("At the café, back at {}:30 ☕", (9 + i) % 24));
        w.end().unwrap();
        w.start(t(6, 0x08)).unwrap(); // ClientInfo (page 6)
        leaf_ext(&mut w, t(6, 0x07), 0x2D);
        leaf(&mut w, t(6, 0x0C), "MOBILE_PHONE"); // ClientType
        leaf_int(&mut w, t(6, 0x1B), 1_700_000_000 + i * 3_600); // timestamp-ish integer
        w.end().unwrap();
        w.start(t(4, 0x1B)).unwrap(); // page 4 element (e.g. Alias)
        leaf(&mut w, t(4, 0x06), &format!("User Number {i}"));
        w.end().unwrap();
        w.end().unwrap(); // PresenceSubList
        w.end().unwrap(); // Presence
    }
    w.end().unwrap(); // GetPresence-Response
    w.end().unwrap(); // TransactionContent
    w.end().unwrap(); // Transaction
    w.end().unwrap(); // Session
    w.end().unwrap(); // WV-CSP-Message
    w.finish().unwrap().to_vec()
}

fn read_events(bytes: &[u8]) -> Vec<Event<'_>> {
    let mut r = Reader::new(bytes).unwrap();
    let mut out = Vec::new();
    while let Some(ev) = r.next().unwrap() {
        out.push(ev);
    }
    out
}

fn bench(c: &mut Criterion) {
    let inline = csp_document(StringTableMode::Inline);
    let shared = csp_document(StringTableMode::Shared);
    assert!((2048..=4096).contains(&inline.len()), "document is {} bytes", inline.len());

    let mut g = c.benchmark_group("wbxml");
    for (name, doc) in [("inline", &inline), ("shared", &shared)] {
        g.throughput(Throughput::Bytes(doc.len() as u64));
        g.bench_function(format!("read/{name}"), |b| {
            b.iter(|| {
                let mut r = Reader::new(black_box(doc)).unwrap();
                // Consume each event as a decoder would: look at its payload.
                let mut n = 0usize;
                while let Some(ev) = r.next().unwrap() {
                    n += match ev {
                        Event::Start { .. } => 1,
                        Event::Text(s) => s.len(),
                        Event::Opaque(d) => d.len(),
                        Event::Extension(Extension::Token { value, .. }) => value as usize,
                        _ => 0,
                    };
                }
                n
            })
        });

        let events = read_events(doc);
        let mode = if name == "inline" { StringTableMode::Inline } else { StringTableMode::Shared };
        g.bench_function(format!("write/{name}"), |b| {
            b.iter(|| {
                let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x11)), mode);
                for ev in black_box(&events) {
                    w.write_event(ev).unwrap();
                }
                w.finish().unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
