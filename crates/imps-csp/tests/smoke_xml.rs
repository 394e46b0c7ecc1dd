use imps_csp::primitive::access::PollingRequest;
use imps_csp::{Message, SessionDescriptor, Transaction, Version};

#[test]
fn polling_round_trips_in_xml() {
    let msg =
        Message::new(SessionDescriptor::inband("s-1".into()), Transaction::request("t-1", PollingRequest::default()));
    for v in Version::ALL {
        let xml = msg.to_xml(v).unwrap();
        let text = String::from_utf8(xml.clone()).unwrap();
        eprintln!("{text}");
        let d = Message::decode(&xml).unwrap();
        assert_eq!(d.version, v);
        assert_eq!(d.message, msg);
    }
}
