//! Builds a small WV-CSP 1.2 Login-Request in WBXML, prints it as hex, reads it back and prints
//! the element tree. Run with `cargo run --example wbxml-roundtrip`.

use imps::wbxml::{Event, Extension, PublicId, Reader, StringTableMode, Tag, Writer, WriterHeader};

/// Names of the few WV-CSP tokens this example uses, as `(page, token, name)`.
const NAMES: &[(u8, u8, &str)] = &[
    (0x00, 0x09, "WV-CSP-Message"),
    (0x00, 0x2D, "Session"),
    (0x00, 0x2E, "SessionDescriptor"),
    (0x00, 0x30, "SessionType"),
    (0x00, 0x32, "Transaction"),
    (0x00, 0x33, "TransactionContent"),
    (0x00, 0x34, "TransactionDescriptor"),
    (0x00, 0x35, "TransactionID"),
    (0x00, 0x36, "TransactionMode"),
    (0x00, 0x3A, "UserID"),
    (0x01, 0x1D, "Login-Request"),
    (0x01, 0x21, "Password"),
];

/// WV-CSP `EXT_T_0` value-table entries used here.
const VALUES: &[(u32, &str)] = &[(0x19, "Outband"), (0x20, "Request")];

fn tag(page: u8, token: u8) -> Tag<'static> {
    Tag::Token { page, token }
}

fn build() -> Result<Vec<u8>, imps::wbxml::Error> {
    let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x11)), StringTableMode::Inline);
    w.start(tag(0x00, 0x09))?; // WV-CSP-Message
    w.start(tag(0x00, 0x2D))?; // Session
    w.start(tag(0x00, 0x2E))?; // SessionDescriptor
    w.start(tag(0x00, 0x30))?; // SessionType = Outband
    w.extension(Extension::Token { n: 0, value: 0x19 })?;
    w.end()?;
    w.end()?;
    w.start(tag(0x00, 0x32))?; // Transaction
    w.start(tag(0x00, 0x34))?; // TransactionDescriptor
    w.start(tag(0x00, 0x36))?; // TransactionMode = Request
    w.extension(Extension::Token { n: 0, value: 0x20 })?;
    w.end()?;
    w.start(tag(0x00, 0x35))?; // TransactionID
    w.text("login-1")?;
    w.end()?;
    w.end()?;
    w.start(tag(0x00, 0x33))?; // TransactionContent
    w.start(tag(0x01, 0x1D))?; // Login-Request (page 1)
    w.start(tag(0x00, 0x3A))?; // UserID (page 0)
    w.text("wv:alice@imps.example.com")?;
    w.end()?;
    w.start(tag(0x01, 0x21))?; // Password (page 1)
    w.text("s3cret")?;
    w.end()?;
    w.end()?; // Login-Request
    w.end()?; // TransactionContent
    w.end()?; // Transaction
    w.end()?; // Session
    w.end()?; // WV-CSP-Message
    Ok(w.finish()?.to_vec())
}

fn hex_dump(bytes: &[u8]) {
    for (i, line) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String =
            line.iter().map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' }).collect();
        println!("{:04x}  {:<47}  {}", i * 16, hex.join(" "), ascii);
    }
}

fn name(t: &Tag<'_>) -> String {
    match t {
        Tag::Token { page, token } => NAMES
            .iter()
            .find(|(p, k, _)| p == page && k == token)
            .map(|(_, _, n)| n.to_string())
            .unwrap_or_else(|| format!("{page:#04x}/{token:#04x}")),
        Tag::Literal(s) => s.to_string(),
    }
}

fn main() -> Result<(), imps::wbxml::Error> {
    let bytes = build()?;
    println!("{} bytes of WBXML:", bytes.len());
    hex_dump(&bytes);

    let mut r = Reader::new(&bytes)?;
    println!(
        "\nversion {:#04x}, public id {:?}, charset {:?}",
        r.header().version.0,
        r.header().public_id,
        r.header().charset
    );
    let mut events = Vec::new();
    while let Some(ev) = r.next()? {
        // After a Start the reader's depth counts the new element; content sits one deeper.
        let indent = "  ".repeat(r.depth().saturating_sub(usize::from(matches!(ev, Event::Start { .. }))));
        match &ev {
            Event::Start { tag, .. } => println!("{indent}{}", name(tag)),
            Event::End => {}
            Event::Text(s) => println!("{indent}\"{s}\""),
            Event::Extension(Extension::Token { n: 0, value }) => {
                let v = VALUES.iter().find(|(i, _)| i == value).map_or("?", |(_, v)| *v);
                println!("{indent}EXT_T_0 {value:#04x} ({v})");
            }
            other => println!("{indent}{other:?}"),
        }
        events.push(ev);
    }

    // Writing the events read gives the same bytes, and reading those gives the same events.
    let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x11)), StringTableMode::Inline);
    for ev in &events {
        w.write_event(ev)?;
    }
    let again = w.finish()?;
    assert_eq!(&again[..], &bytes[..]);
    let mut r2 = Reader::new(&again)?;
    for ev in &events {
        assert_eq!(r2.next()?.as_ref(), Some(ev));
    }
    assert_eq!(r2.next()?, None);
    println!("\nround trip OK: {} events", events.len());
    Ok(())
}
