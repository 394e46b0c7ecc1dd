//! Typed CSP decode of arbitrary bytes as XML: an `Ok` or a typed error, never a panic, a hang or
//! unbounded allocation (default limits, and tight ones).
#![no_main]

use imps_csp::{DecodeOptions, Encoding, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for opts in [DecodeOptions::default(), DecodeOptions::default().with_max_depth(6).with_max_size(2048)] {
        match Message::decode_xml_with(data, &opts) {
            Ok(d) => assert_eq!(d.encoding, Encoding::Xml),
            Err(e) => {
                // Errors render and map to a result code.
                let _ = (e.to_string(), e.result_code(), e.is_not_csp());
            }
        }
    }
});
