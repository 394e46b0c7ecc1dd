//! SSP decode of arbitrary bytes: an `Ok` or a typed error, never a panic, a hang or unbounded
//! allocation; what decodes re-encodes canonically to the same value; and a domain fed the same
//! bytes (from a peer it has an agreement with) neither panics nor leaves unbounded state.
#![no_main]

use imps_session::server::{Engine, MemoryStorage, ServerConfig};
use imps_session::{SplitMix64, Timestamp};
use imps_ssp::config::{Agreement, DomainConfig};
use imps_ssp::model::common::Service;
use imps_ssp::{DecodeOptions, Domain, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tight = DecodeOptions { max_size: 4096, max_depth: 8, max_transactions: 4 };
    for opts in [DecodeOptions::default(), tight] {
        match Message::decode_with(data, &opts) {
            Ok(m) => {
                if let Ok(xml) = m.to_xml() {
                    let again = Message::decode(&xml).expect("what decodes re-decodes");
                    assert_eq!(again, m);
                    assert_eq!(again.to_xml().expect("re-encodes"), xml);
                }
            }
            Err(e) => {
                let _ = (e.to_string(), e.result_code());
            }
        }
    }
    let engine = Engine::new(ServerConfig::new("b.example"), MemoryStorage::new(), SplitMix64(1)).expect("engine");
    let all = [Service::Im, Service::Presence, Service::Group, Service::Invitation, Service::UserProfile];
    let config = DomainConfig::new("b.example").with_agreement(Agreement::mutual("a.example", "k", &all));
    let mut d = Domain::new(config, engine, SplitMix64(2));
    let now = Timestamp(1_800_000_000_000);
    d.handle_incoming(now, "a.example", data);
    while d.poll_transmit().is_some() {}
    while d.poll_event().is_some() {}
    d.handle_timeout(now.add_secs(3600));
});
