//! Property tests: every message the model can hold survives XML and back; no input makes the
//! decoder panic.

use std::collections::BTreeSet;

use proptest::prelude::*;

use crate::codec::{Gen, Sample};
use crate::model::{Message, Mode, Primitive, Transaction, PRIMITIVE_NAMES};

fn sample_message(seed: u64) -> Message {
    let mut g = Gen(seed);
    if g.below(4) == 0 {
        Message::setup(Mode::sample(&mut g), g.text(), Primitive::sample(&mut g))
    } else {
        let n = 1 + g.below(3);
        let txs = (0..n)
            .map(|_| Transaction {
                mode: Mode::sample(&mut g),
                transaction_id: g.text(),
                primitive: Primitive::sample(&mut g),
            })
            .collect();
        Message::session(g.text(), txs)
    }
}

#[test]
fn the_samples_cover_every_primitive() {
    let mut seen = BTreeSet::new();
    let mut g = Gen(1);
    for _ in 0..20_000 {
        seen.insert(Primitive::sample(&mut g).name());
    }
    let all: BTreeSet<&str> = PRIMITIVE_NAMES.iter().copied().collect();
    assert_eq!(seen, all);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn every_message_round_trips(seed in any::<u64>()) {
        let m = sample_message(seed);
        let xml = m.to_xml().expect("encodes");
        let back = Message::decode(&xml).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&xml)));
        prop_assert_eq!(&back, &m);
        // And the encoding is canonical.
        prop_assert_eq!(back.to_xml().expect("encodes"), xml);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn mutated_messages_decode_or_fail_cleanly(seed in any::<u64>(), at in any::<usize>(), by in any::<u8>(), cut in any::<bool>()) {
        let mut xml = sample_message(seed).to_xml().expect("encodes");
        let i = at % xml.len();
        if cut {
            xml.truncate(i);
        } else {
            xml[i] = by;
        }
        if let Ok(m) = Message::decode(&xml) {
            // What decodes, re-encodes to something that decodes the same.
            if let Ok(again) = m.to_xml() {
                prop_assert_eq!(Message::decode(&again).expect("re-decodes"), m);
            }
        }
    }
}
