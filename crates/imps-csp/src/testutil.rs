//! Test helpers shared by the unit tests of every primitive module.

use crate::{Encoding, Error, Message, Primitive, SessionDescriptor, Transaction, TransactionMode, Version};

/// Wraps `inner` (the XML of one primitive) in a complete message of `version`.
pub(crate) fn envelope(version: Version, mode: TransactionMode, inner: &str) -> String {
    let mode = match mode {
        TransactionMode::Request => "Request",
        TransactionMode::Response => "Response",
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<WV-CSP-Message xmlns=\"{}\"><Session><SessionDescriptor><SessionType>Inband</SessionType><SessionID>s1</SessionID></SessionDescriptor><Transaction><TransactionDescriptor><TransactionMode>{mode}</TransactionMode><TransactionID>t1</TransactionID></TransactionDescriptor><TransactionContent xmlns=\"{}\">{inner}</TransactionContent></Transaction></Session></WV-CSP-Message>",
        version.csp_namespace(),
        version.trc_namespace()
    )
}

/// Decodes one primitive written as XML for `version`.
pub(crate) fn decode_xml(version: Version, inner: &str) -> Result<Primitive, Error> {
    let doc = envelope(version, TransactionMode::Request, inner);
    let d = Message::decode_xml(doc.as_bytes())?;
    assert_eq!(d.version, version);
    Ok(d.message.transactions.into_iter().next().expect("one transaction").primitive)
}

/// A one-transaction message carrying `p`.
pub(crate) fn message(p: Primitive) -> Message {
    Message::new(SessionDescriptor::inband("s1".into()), Transaction::request("t1", p))
}

/// Encodes `p` in `version` and `encoding` and decodes it back; the value must survive.
pub(crate) fn round_trip_in(p: &Primitive, version: Version, encoding: Encoding) -> Result<(), Error> {
    let m = message(p.clone());
    let bytes = m.encode(version, encoding)?;
    let d = Message::decode(&bytes).unwrap_or_else(|e| {
        panic!("decoding our own {encoding:?} {version} failed: {e}\n{}", String::from_utf8_lossy(&bytes))
    });
    assert_eq!(d.version, version);
    assert_eq!(d.encoding, encoding);
    assert_eq!(d.message, m, "{encoding:?} {version} round trip changed the value");
    Ok(())
}

/// Round-trips `p` through XML and WBXML in every version listed, which must all accept it.
pub(crate) fn round_trip(p: impl Into<Primitive>, versions: &[Version]) {
    let p = p.into();
    for &v in versions {
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            round_trip_in(&p, v, enc).unwrap_or_else(|e| panic!("{enc:?} {v}: {e}"));
        }
    }
}

/// Asserts that encoding `p` in `version` fails with [`Error::NotInVersion`] naming `element`.
pub(crate) fn assert_not_in_version(p: impl Into<Primitive>, version: Version, element: &str) {
    let m = message(p.into());
    for enc in [Encoding::Xml, Encoding::Wbxml] {
        match m.encode(version, enc) {
            Err(Error::NotInVersion { element: e, version: v }) => {
                assert_eq!((e, v), (element, version), "{enc:?}");
            }
            other => panic!("{enc:?} {version}: expected NotInVersion({element}), got {other:?}"),
        }
    }
}
