//! Decode (XML or WBXML, told apart by the first byte) -> encode -> decode: whenever the first
//! decode succeeds, encoding the value in the detected version, as XML and as WBXML (inline
//! strings and a shared string table), either succeeds and decodes back to the same value in the
//! same version, or is refused with `NotInVersion` (decoding tolerates elements of other versions
//! that real clients send; encoding does not) or `Unencodable` (e.g. a control character from
//! WBXML, which XML cannot carry).
#![no_main]

use imps_csp::{DecodeOptions, Encoding, Error, Message};
use imps_wbxml::StringTableMode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(first) = Message::decode(data) else {
        return;
    };
    let v = first.version;
    // Re-encoding may grow the document (a string-table string referenced many times becomes
    // inline text), so the second decode lifts the size limit; the depth limit stays.
    let relaxed = DecodeOptions::default().with_max_size(usize::MAX);
    for (enc, mode) in [
        (Encoding::Xml, StringTableMode::Inline),
        (Encoding::Wbxml, StringTableMode::Inline),
        (Encoding::Wbxml, StringTableMode::Shared),
    ] {
        let encoded = match enc {
            Encoding::Xml => first.message.to_xml(v),
            Encoding::Wbxml => first.message.to_wbxml_with(v, mode).map(|b| b.to_vec()),
        };
        let bytes = match encoded {
            Ok(b) => b,
            Err(Error::NotInVersion { .. } | Error::Unencodable { .. }) => continue,
            Err(e) => panic!("{enc:?} {v}: encoding a decoded value failed: {e:?}\n{:?}", first.message),
        };
        let again = Message::decode_with(&bytes, &relaxed).unwrap_or_else(|e| {
            panic!(
                "{enc:?} {v}: our output does not decode: {e}\n{}\n{:?}",
                String::from_utf8_lossy(&bytes),
                first.message
            )
        });
        assert_eq!(again.version, v, "{enc:?}");
        assert_eq!(again.encoding, enc);
        assert_eq!(again.message, first.message, "{enc:?} {v} ({mode:?}) changed the value");
    }
});
