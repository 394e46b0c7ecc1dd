//! Drains the WBXML reader over arbitrary bytes: it must end (`None` or an error) within a
//! number of events proportional to the input, stay fused after an error, and never panic.
#![no_main]

use imps_wbxml::{Limits, Reader};
use libfuzzer_sys::fuzz_target;

fn drain(data: &[u8], limits: Limits) {
    let Ok(mut reader) = Reader::with_limits(data, limits) else {
        return;
    };
    let bound = 2 * data.len() + 2;
    for _ in 0..bound {
        match reader.next() {
            Ok(Some(_)) => assert!(reader.offset() <= data.len()),
            Ok(None) => {
                assert_eq!(reader.next(), Ok(None));
                return;
            }
            Err(e) => {
                assert!(e.offset <= data.len());
                assert_eq!(reader.next(), Err(e));
                return;
            }
        }
    }
    panic!("reader did not finish within {bound} events");
}

fuzz_target!(|data: &[u8]| {
    drain(data, Limits::DEFAULT);
    drain(data, Limits::DEFAULT.with_max_depth(4).with_max_attributes(2).with_max_opaque(16).with_max_string_table(32));
});
