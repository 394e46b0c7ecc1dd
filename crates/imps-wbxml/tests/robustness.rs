//! Arbitrary input never panics or hangs the reader.

use imps_wbxml::{Error, Limits, Reader};
use proptest::prelude::*;

/// Reads until `None` or an error, with a bound proportional to the input length; checks that
/// the reader is fused and that error offsets lie within the input.
fn drain(input: &[u8], limits: Limits) -> Result<usize, Error> {
    let mut r = Reader::with_limits(input, limits)?;
    let bound = 2 * input.len() + 2;
    for n in 0..bound {
        match r.next() {
            Ok(Some(_)) => assert!(r.offset() <= input.len()),
            Ok(None) => {
                assert_eq!(r.next(), Ok(None));
                return Ok(n);
            }
            Err(e) => {
                assert!(e.offset <= input.len(), "{e} beyond {} bytes", input.len());
                assert_eq!(r.next(), Err(e.clone()), "reader must be fused");
                return Err(e);
            }
        }
    }
    panic!("no end after {bound} events for {} bytes", input.len());
}

/// Small limits so that every limit can trip.
fn small_limits() -> Limits {
    Limits::DEFAULT.with_max_depth(4).with_max_attributes(3).with_max_opaque(8).with_max_string_table(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = drain(&input, Limits::DEFAULT);
        let _ = drain(&input, small_limits());
    }

    /// A valid header (1.3, UTF-8, a small string table) then arbitrary body bytes: reaches
    /// deep into the body grammar.
    #[test]
    fn arbitrary_body(
        table in proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..12),
        body in proptest::collection::vec(
            prop_oneof![
                // Bias towards global tokens and small tags.
                3 => prop::sample::select(vec![
                    0x00u8, 0x01, 0x02, 0x03, 0x04, 0x40, 0x41, 0x42, 0x43, 0x44, 0x80, 0x81,
                    0x82, 0x83, 0x84, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0x05, 0x45, 0x85, 0xC5,
                ]),
                2 => any::<u8>(),
            ],
            0..256,
        ),
    ) {
        let mut input = vec![0x03, 0x01, 0x6A, table.len() as u8];
        input.extend_from_slice(&table);
        input.extend_from_slice(&body);
        let _ = drain(&input, Limits::DEFAULT);
        let _ = drain(&input, small_limits());
    }
}

/// Regression-style checks on long degenerate inputs: deep nesting stops at the limit, long
/// runs of page switches do not hang.
#[test]
fn degenerate_inputs() {
    let mut deep = vec![0x03, 0x01, 0x6A, 0x00];
    deep.extend(std::iter::repeat_n(0x45, 100_000));
    let err = drain(&deep, Limits::DEFAULT).unwrap_err();
    assert_eq!(err, Error::new(imps_wbxml::ErrorKind::TooDeep(64), 4 + 64));

    let mut switches = vec![0x03, 0x01, 0x6A, 0x00];
    for _ in 0..100_000 {
        switches.extend_from_slice(&[0x00, 0x07]);
    }
    let err = drain(&switches, Limits::DEFAULT).unwrap_err();
    assert_eq!(err, Error::new(imps_wbxml::ErrorKind::NoRootElement, switches.len()));

    let mut empties = vec![0x03, 0x01, 0x6A, 0x00, 0x45];
    empties.extend(std::iter::repeat_n(0x05, 100_000));
    empties.push(0x01);
    assert_eq!(drain(&empties, Limits::DEFAULT), Ok(200_002));
}
