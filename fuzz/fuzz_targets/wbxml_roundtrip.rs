//! Read -> write every event -> read again: whenever the first read succeeds, the second read
//! succeeds too and yields identical events (strings compare by value, so whether they came
//! inline or through the string table does not matter), in both string-table modes.
#![no_main]

use std::borrow::Cow;

use imps_wbxml::{Charset, Event, Limits, PublicId, Reader, StringTableMode, Writer, WriterHeader};
use libfuzzer_sys::fuzz_target;

fn read_all(data: &[u8], limits: Limits) -> Option<(Reader<'_>, Vec<Event<'_>>)> {
    let mut reader = Reader::with_limits(data, limits).ok()?;
    let header = reader.clone();
    let mut events = Vec::new();
    while let Some(ev) = reader.next().ok()? {
        events.push(ev);
    }
    Some((header, events))
}

fuzz_target!(|data: &[u8]| {
    let Some((first, events)) = read_all(data, Limits::DEFAULT) else {
        return;
    };
    let public_id = match &first.header().public_id {
        PublicId::Known(n) => PublicId::Known(*n),
        PublicId::Unknown => PublicId::Unknown,
        PublicId::String(s) => PublicId::String(Cow::Owned(s.to_string())),
    };
    let header = WriterHeader { version: first.header().version, public_id, charset: Charset::Utf8 };
    // Re-encoding may grow the document (a string-table string referenced many times becomes
    // inline text; references into the middle of strings become new table entries), so the
    // second read lifts the size limits; structure limits stay.
    let relaxed = Limits::DEFAULT.with_max_input(usize::MAX).with_max_string_table(usize::MAX);
    for mode in [StringTableMode::Shared, StringTableMode::Inline] {
        if mode == StringTableMode::Inline && data.len() > 1024 {
            continue; // keep the worst-case inline expansion small
        }
        let mut writer = Writer::new(header.clone(), mode);
        for ev in &events {
            writer.write_event(ev).expect("every event a reader yields can be written");
        }
        let bytes = writer.finish().expect("a read document finishes");
        let (second, again) = read_all(&bytes, relaxed).expect("the written document reads back");
        assert_eq!(second.header().public_id, first.header().public_id);
        assert_eq!(second.header().version, first.header().version);
        assert_eq!(again, events);
    }
});
