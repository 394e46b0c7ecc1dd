//! The message envelope (spec notes section 3): `WV-CSP-Message (Session)`,
//! `Session (SessionDescriptor, Transaction+, Poll?, CIR?)`,
//! `Transaction (TransactionDescriptor, TransactionContent, ExtBlock*)`.

use bytes::BytesMut;
use imps_wbxml::StringTableMode;

use crate::codec::wbxml::{WbxmlSink, WbxmlSource};
use crate::codec::xml::{XmlSink, XmlSource};
use crate::codec::{csp_enum, csp_struct, encode_element, Child, Codec, Field, Sink, Source};
use crate::ids::{SessionId, TransactionId};
use crate::primitive::v13::SegmentInfo;
use crate::raw::RawNode;
use crate::schema::Elem;
use crate::{Error, Primitive, Version};

csp_enum! {
    /// `SessionType`: inside a session or not.
    pub enum SessionType {
        "`Inband`: inside a session (a `SessionID` is present)." Inband = "Inband",
        "`Outband`: outside a session (login, GetSPInfo)." Outband = "Outband",
    }
}

csp_enum! {
    /// `TransactionMode`.
    pub enum TransactionMode {
        "`Request`" Request = "Request",
        "`Response`" Response = "Response",
    }
}

csp_struct! {
    /// `SessionDescriptor (SessionType, SessionID?)`.
    pub struct SessionDescriptor {
        /// Inband or outband.
        pub session_type: SessionType = SessionType,
        /// The session, for inband messages.
        pub session_id: Option<SessionId> = SessionID,
    }
}

impl SessionDescriptor {
    /// Outside a session.
    pub fn outband() -> Self {
        SessionDescriptor { session_type: SessionType::Outband, session_id: None }
    }

    /// Inside session `id`.
    pub fn inband(id: SessionId) -> Self {
        SessionDescriptor { session_type: SessionType::Inband, session_id: Some(id) }
    }
}

csp_struct! {
    /// `TransactionDescriptor (TransactionMode, TransactionID?, SegmentInfo?, Poll?)` as on the
    /// wire; `Poll` lives here in 1.1 only, `SegmentInfo` is 1.3 (inferred from the Baraza union
    /// model `(TransactionMode, TransactionID, SegmentInfo, Poll)`, spec notes 9 and appendix A).
    pub struct TransactionDescriptor {
        pub mode: TransactionMode = TransactionMode,
        pub id: Option<TransactionId> = TransactionID,
        pub segment_info: Option<SegmentInfo> = SegmentInfo [V1_3],
        pub poll: Option<bool> = Poll [V1_1],
    }
}

/// `ExtBlock` (1.2+): transaction extension data, kept as it came.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ExtBlock {
    /// The content.
    pub content: Vec<RawNode>,
}

impl ExtBlock {
    /// An extension block with this content.
    pub fn new(content: Vec<RawNode>) -> Self {
        ExtBlock { content }
    }
}

#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for ExtBlock {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=2u8)?;
        let content = (0..n)
            .map(|_| crate::raw::RawElement::arbitrary(u).map(RawNode::Element))
            .collect::<arbitrary::Result<_>>()?;
        Ok(ExtBlock { content })
    }
}

impl Codec for ExtBlock {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        // Element content (`ExtBlock (APIClient?)`): whitespace-only text is layout, even alone.
        let mut content = src.raw_content()?;
        content.retain(|n| !matches!(n, RawNode::Text(t) if t.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))));
        Ok(ExtBlock { content })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        w.raw_nodes(&self.content)
    }
}

/// One transaction: a request or response carrying exactly one primitive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Transaction {
    /// Request or response.
    pub mode: TransactionMode,
    /// The transaction id (mandatory in 1.2 and 1.3; optional in 1.1).
    pub id: Option<TransactionId>,
    /// The primitive (`TransactionContent`).
    pub primitive: Primitive,
    /// `ExtBlock`s (1.2+).
    pub ext_blocks: Vec<ExtBlock>,
    /// `SegmentInfo` of the `TransactionDescriptor` (1.3): this transaction is one segment of a
    /// segmented one (fetch the others with `GetSegment-Request`). 1.3; inferred from the
    /// Baraza union model.
    pub segment_info: Option<SegmentInfo>,
}

/// Like the derive, except that the 1.3-only `SegmentInfo`, which every transaction can carry,
/// comes one time in sixteen: at one time in two it would make most arbitrary messages
/// unencodable in 1.1 and 1.2.
#[cfg(any(test, feature = "arbitrary"))]
impl<'a> arbitrary::Arbitrary<'a> for Transaction {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Transaction {
            mode: u.arbitrary()?,
            id: u.arbitrary()?,
            primitive: u.arbitrary()?,
            ext_blocks: u.arbitrary()?,
            segment_info: if u.ratio(1u8, 16)? { Some(u.arbitrary()?) } else { None },
        })
    }
}

impl Transaction {
    /// A request transaction.
    pub fn request(id: impl Into<TransactionId>, primitive: impl Into<Primitive>) -> Self {
        Transaction {
            mode: TransactionMode::Request,
            id: Some(id.into()),
            primitive: primitive.into(),
            ext_blocks: Vec::new(),
            segment_info: None,
        }
    }

    /// A response transaction.
    pub fn response(id: impl Into<TransactionId>, primitive: impl Into<Primitive>) -> Self {
        Transaction {
            mode: TransactionMode::Response,
            id: Some(id.into()),
            primitive: primitive.into(),
            ext_blocks: Vec::new(),
            segment_info: None,
        }
    }

    /// Sets `SegmentInfo` (1.3; refused with [`Error::NotInVersion`] by 1.1 and 1.2 encoders).
    pub fn with_segment_info(mut self, segment_info: SegmentInfo) -> Self {
        self.segment_info = Some(segment_info);
        self
    }
}

/// A `WV-CSP-Message`: one session descriptor and one or more transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct Message {
    /// `SessionDescriptor`.
    pub session: SessionDescriptor,
    /// The transactions (at least one).
    pub transactions: Vec<Transaction>,
    /// `Poll`: the server has server-originated transactions waiting for a `Polling-Request`.
    /// On `Session` in 1.2+; written into every `TransactionDescriptor` in 1.1.
    pub poll: Option<bool>,
    /// `CIR` (1.2+): whether the server will use a communication initiation request channel.
    pub cir: Option<bool>,
}

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Encoding {
    /// XML (`application/vnd.wv.csp.xml`).
    Xml,
    /// WBXML (`application/vnd.wv.csp.wbxml`).
    Wbxml,
}

impl Encoding {
    /// The HTTP content type of this encoding in `version` (spec notes section 7).
    pub fn content_type(self, version: Version) -> &'static str {
        match self {
            Encoding::Xml => version.xml_content_type(),
            Encoding::Wbxml => version.wbxml_content_type(),
        }
    }

    /// The encoding and version an HTTP content type names (the version is `None` where the
    /// content type is shared by 1.1 and 1.2). Parameters such as `; charset=utf-8` are ignored.
    pub fn from_content_type(ct: &str) -> Option<(Encoding, Option<Version>)> {
        let ct = ct.split(';').next()?.trim();
        match ct.to_ascii_lowercase().as_str() {
            "application/vnd.wv.csp.xml" => Some((Encoding::Xml, None)),
            "application/vnd.wv.csp.wbxml" => Some((Encoding::Wbxml, None)),
            "application/vnd.wv.csp+xml" => Some((Encoding::Xml, Some(Version::V1_3))),
            "application/vnd.wv.csp+wbxml" => Some((Encoding::Wbxml, Some(Version::V1_3))),
            _ => None,
        }
    }

    /// Guesses the encoding from the first bytes: WBXML starts with a version byte 0x00-0x03,
    /// XML with `<`, whitespace or a byte-order mark.
    pub fn sniff(bytes: &[u8]) -> Option<Encoding> {
        match bytes.first()? {
            0x00..=0x03 => Some(Encoding::Wbxml),
            b'<' | b' ' | b'\t' | b'\r' | b'\n' | 0xEF => Some(Encoding::Xml),
            _ => None,
        }
    }
}

/// Decoding limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Largest accepted message in bytes. Default 4 MiB.
    pub max_size: usize,
    /// Deepest accepted element nesting. Default 32 (CSP messages nest about 12 deep).
    pub max_depth: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { max_size: 4 * 1024 * 1024, max_depth: 32 }
    }
}

impl DecodeOptions {
    /// Sets [`max_size`](Self::max_size).
    pub fn with_max_size(mut self, v: usize) -> Self {
        self.max_size = v;
        self
    }
    /// Sets [`max_depth`](Self::max_depth).
    pub fn with_max_depth(mut self, v: usize) -> Self {
        self.max_depth = v;
        self
    }
}

/// A decoded message with what the input told about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The message.
    pub message: Message,
    /// The version detected.
    pub version: Version,
    /// The encoding detected.
    pub encoding: Encoding,
}

impl Message {
    /// A message of one transaction.
    pub fn new(session: SessionDescriptor, transaction: Transaction) -> Self {
        Message { session, transactions: vec![transaction], poll: None, cir: None }
    }

    /// Decodes XML or WBXML (told apart by [`Encoding::sniff`]) with default limits.
    pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
        Self::decode_with(bytes, &DecodeOptions::default())
    }

    /// Decodes XML or WBXML with the given limits.
    pub fn decode_with(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, Error> {
        match Encoding::sniff(bytes) {
            Some(Encoding::Wbxml) => Self::decode_wbxml_with(bytes, opts),
            Some(Encoding::Xml) => Self::decode_xml_with(bytes, opts),
            None => Err(Error::WrongRoot { found: "neither XML nor WBXML".into() }),
        }
    }

    /// Decodes an XML message; the version comes from the root namespace (or the DOCTYPE).
    pub fn decode_xml(bytes: &[u8]) -> Result<Decoded, Error> {
        Self::decode_xml_with(bytes, &DecodeOptions::default())
    }

    /// Decodes an XML message with the given limits.
    pub fn decode_xml_with(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, Error> {
        let mut src = XmlSource::new(bytes, opts)?;
        let message = decode_root(&mut src)?;
        let version = src.version();
        src.finish()?;
        Ok(Decoded { message, version, encoding: Encoding::Xml })
    }

    /// Decodes a WBXML message; the version comes from the public id or the root `xmlns`.
    pub fn decode_wbxml(bytes: &[u8]) -> Result<Decoded, Error> {
        Self::decode_wbxml_with(bytes, &DecodeOptions::default())
    }

    /// Decodes a WBXML message with the given limits.
    pub fn decode_wbxml_with(bytes: &[u8], opts: &DecodeOptions) -> Result<Decoded, Error> {
        let mut src = WbxmlSource::new(bytes, opts)?;
        let message = decode_root(&mut src)?;
        let version = src.version();
        src.finish()?;
        Ok(Decoded { message, version, encoding: Encoding::Wbxml })
    }

    /// Encodes as XML for `version`.
    pub fn to_xml(&self, version: Version) -> Result<Vec<u8>, Error> {
        let mut sink = XmlSink::new(version);
        self.encode_root(&mut sink)?;
        Ok(sink.finish())
    }

    /// Encodes as WBXML for `version`, strings inline.
    pub fn to_wbxml(&self, version: Version) -> Result<BytesMut, Error> {
        self.to_wbxml_with(version, StringTableMode::Inline)
    }

    /// Encodes as WBXML for `version` with the given string-table mode.
    pub fn to_wbxml_with(&self, version: Version, mode: StringTableMode) -> Result<BytesMut, Error> {
        let mut sink = WbxmlSink::new(version, mode);
        self.encode_root(&mut sink)?;
        sink.finish()
    }

    /// Encodes in `encoding` for `version`.
    pub fn encode(&self, version: Version, encoding: Encoding) -> Result<Vec<u8>, Error> {
        match encoding {
            Encoding::Xml => self.to_xml(version),
            Encoding::Wbxml => self.to_wbxml(version).map(|b| b.to_vec()),
        }
    }

    fn encode_root<W: Sink>(&self, w: &mut W) -> Result<(), Error> {
        let v = w.version();
        if self.transactions.is_empty() {
            return Err(Error::Unencodable { element: "Session", reason: "a session needs at least one transaction" });
        }
        w.start(Elem::WVCSPMessage)?;
        w.start(Elem::Session)?;
        encode_element(w, Elem::SessionDescriptor, &self.session)?;
        for t in &self.transactions {
            w.start(Elem::Transaction)?;
            if t.id.is_none() && v != Version::V1_1 {
                return Err(Error::Unencodable { element: "TransactionID", reason: "mandatory in CSP 1.2 and 1.3" });
            }
            let descriptor = TransactionDescriptor {
                mode: t.mode,
                id: t.id.clone(),
                segment_info: t.segment_info.clone(),
                poll: if v == Version::V1_1 { self.poll } else { None },
            };
            encode_element(w, Elem::TransactionDescriptor, &descriptor)?;
            w.start(Elem::TransactionContent)?;
            t.primitive.encode(w)?;
            w.end()?;
            crate::codec::encode_field(w, &t.ext_blocks, Elem::ExtBlock, &[Version::V1_2, Version::V1_3])?;
            w.end()?;
        }
        if v != Version::V1_1 {
            self.poll.encode(w, Elem::Poll)?;
        }
        // Refuses CIR in 1.1 (which has no such element) rather than dropping it.
        crate::codec::encode_field(w, &self.cir, Elem::CIR, &[Version::V1_2, Version::V1_3])?;
        w.end()?;
        w.end()
    }
}

fn missing<'a, S: Source<'a>>(src: &S, element: Elem) -> Error {
    Error::MissingElement { path: src.path(), element: element.name(src.version()) }
}

fn decode_root<'a, S: Source<'a>>(src: &mut S) -> Result<Message, Error> {
    let mut message = None;
    while let Some(child) = src.next_child()? {
        match child {
            Child::Known(Elem::Session) if message.is_none() => message = Some(decode_session(src)?),
            other => return Err(src.unexpected(&other)),
        }
    }
    message.ok_or_else(|| missing(src, Elem::Session))
}

fn decode_session<'a, S: Source<'a>>(src: &mut S) -> Result<Message, Error> {
    let mut session = None;
    let mut transactions = Vec::new();
    let mut poll = None;
    let mut cir = None;
    let mut descriptor_poll: Option<bool> = None;
    while let Some(child) = src.next_child()? {
        match child {
            Child::Known(Elem::SessionDescriptor) => {
                SessionDescriptor::accept(&mut session, src, Elem::SessionDescriptor)?
            }
            Child::Known(Elem::Transaction) => {
                let (t, p) = decode_transaction(src)?;
                if let Some(p) = p {
                    descriptor_poll = Some(descriptor_poll.unwrap_or(false) || p);
                }
                transactions.push(t);
            }
            Child::Known(Elem::Poll) => <Option<bool>>::accept(&mut poll, src, Elem::Poll)?,
            Child::Known(Elem::CIR) => <Option<bool>>::accept(&mut cir, src, Elem::CIR)?,
            other => return Err(src.unexpected(&other)),
        }
    }
    let session = session.ok_or_else(|| missing(src, Elem::SessionDescriptor))?;
    if transactions.is_empty() {
        return Err(missing(src, Elem::Transaction));
    }
    Ok(Message { session, transactions, poll: poll.or(descriptor_poll), cir })
}

fn decode_transaction<'a, S: Source<'a>>(src: &mut S) -> Result<(Transaction, Option<bool>), Error> {
    let mut descriptor: Option<TransactionDescriptor> = None;
    let mut primitive = None;
    let mut ext_blocks = Vec::new();
    while let Some(child) = src.next_child()? {
        match child {
            Child::Known(Elem::TransactionDescriptor) => {
                TransactionDescriptor::accept(&mut descriptor, src, Elem::TransactionDescriptor)?
            }
            Child::Known(Elem::TransactionContent) if primitive.is_none() => primitive = Some(decode_content(src)?),
            Child::Known(Elem::ExtBlock) => ext_blocks.push(ExtBlock::decode(src, Elem::ExtBlock)?),
            other => return Err(src.unexpected(&other)),
        }
    }
    let d = descriptor.ok_or_else(|| missing(src, Elem::TransactionDescriptor))?;
    let primitive = primitive.ok_or_else(|| missing(src, Elem::TransactionContent))?;
    Ok((Transaction { mode: d.mode, id: d.id, primitive, ext_blocks, segment_info: d.segment_info }, d.poll))
}

fn decode_content<'a, S: Source<'a>>(src: &mut S) -> Result<Primitive, Error> {
    let primitive = match src.next_child()? {
        Some(Child::Known(e)) => match Primitive::decode(src, e) {
            Some(p) => p?,
            None => {
                return Err(Error::UnknownPrimitive {
                    path: src.parent_path(),
                    found: e.name(src.version()).to_owned(),
                })
            }
        },
        Some(Child::Unknown) => {
            return Err(Error::UnknownPrimitive { path: src.parent_path(), found: src.current_name() })
        }
        None => return Err(Error::MissingElement { path: src.path(), element: "(a primitive)" }),
    };
    match src.next_child()? {
        None => Ok(primitive),
        Some(extra) => Err(src.unexpected(&extra)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitive::access::PollingRequest;
    use crate::primitive::v13::{SegmentId, SegmentInfo};

    fn segmented() -> Transaction {
        Transaction::response("t-7", crate::primitive::access::Status::ok())
            .with_segment_info(SegmentInfo { segment_count: 3, segment_id: Some(SegmentId::new("t-7", 1)) })
    }

    fn message_of(t: Transaction) -> Message {
        Message::new(SessionDescriptor::inband("s1".into()), t)
    }

    #[test]
    fn segment_info_in_the_1_3_transaction_descriptor() {
        let xml = "<WV-CSP-Message xmlns=\"http://www.openmobilealliance.org/DTD/IMPS-CSP1.3\"><Session>\
            <SessionDescriptor><SessionType>Inband</SessionType><SessionID>s1</SessionID></SessionDescriptor>\
            <Transaction><TransactionDescriptor><TransactionMode>Response</TransactionMode>\
            <TransactionID>t-7</TransactionID><SegmentInfo><SegmentCount>3</SegmentCount>\
            <SegmentID><TransactionID>t-7</TransactionID><SegmentReference>1</SegmentReference></SegmentID>\
            </SegmentInfo></TransactionDescriptor>\
            <TransactionContent xmlns=\"http://www.openmobilealliance.org/DTD/IMPS-TRC1.3\">\
            <Status><Result><Code>200</Code></Result></Status></TransactionContent></Transaction></Session></WV-CSP-Message>";
        let d = Message::decode(xml.as_bytes()).unwrap();
        assert_eq!(d.version, Version::V1_3);
        assert_eq!(d.message, message_of(segmented()));
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            let m = message_of(segmented());
            let bytes = m.encode(Version::V1_3, enc).unwrap();
            assert_eq!(Message::decode(&bytes).unwrap().message, m, "{enc:?}");
        }
    }

    #[test]
    fn segment_info_is_1_3_only() {
        let m = message_of(segmented());
        for v in [Version::V1_1, Version::V1_2] {
            for enc in [Encoding::Xml, Encoding::Wbxml] {
                assert_eq!(
                    m.encode(v, enc).unwrap_err(),
                    Error::NotInVersion { element: "SegmentInfo", version: v },
                    "{v} {enc:?}"
                );
            }
        }
        // Without it, nothing changes (1.1 keeps Poll in the descriptor).
        let mut plain = message_of(Transaction::request("t1", PollingRequest {}));
        plain.poll = Some(true);
        for v in Version::ALL {
            let bytes = plain.to_xml(v).unwrap();
            assert_eq!(Message::decode(&bytes).unwrap().message, plain, "{v}");
        }
    }
}
