//! Typed CSP decode of arbitrary bytes as WBXML: an `Ok` or a typed error, never a panic, a hang
//! or unbounded allocation (default limits, and tight ones).
#![no_main]

use imps_csp::{DecodeOptions, Encoding, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for opts in [DecodeOptions::default(), DecodeOptions::default().with_max_depth(6).with_max_size(2048)] {
        match Message::decode_wbxml_with(data, &opts) {
            Ok(d) => assert_eq!(d.encoding, Encoding::Wbxml),
            Err(e) => {
                let _ = (e.to_string(), e.result_code(), e.is_not_csp());
            }
        }
    }
});
