//! Test harness for the client session: a scripted peer in memory, virtual time, no sockets.
//!
//! The harness drains the session after every input (the drain rule), decodes every transmit
//! with `Message::decode` and keeps the decoded messages and the events for the test to
//! inspect. The peer's messages are hand-built and encoded in the session's version.
//!
//! Included by the `client*` tests with `#[path]`; compiled alone it is an empty test target.
#![allow(dead_code)]

use imps_csp::elements::ClientId;
use imps_csp::ids::{SessionId, TransactionId};
use imps_csp::primitive::access::{
    AgreedCapabilityList, ClientCapabilityResponse, LoginResponse, ServiceResponse, ServiceTree,
};
use imps_csp::{Encoding, Message, Primitive, SessionDescriptor, Transaction, TransactionMode, Version};
use imps_session::client::{ClientConfig, Event, Session, Timestamp, Transmit};

/// The start of virtual time.
pub const T0: Timestamp = Timestamp::from_secs(1_700_000_000);

/// The client id every test uses.
pub fn client_id() -> ClientId {
    ClientId::url("http://client.example/app")
}

/// A configuration for `wv:alice@example.com` / `secret` in `version` and `encoding`.
pub fn config(version: Version, encoding: Encoding) -> ClientConfig {
    ClientConfig::new("wv:alice@example.com", "secret", client_id())
        .with_version(version)
        .with_encoding(encoding)
        .with_session_cookie("cookie-1")
}

/// One transmit, decoded.
#[derive(Debug, Clone)]
pub struct Sent {
    /// As the session produced it.
    pub transmit: Transmit,
    /// Decoded.
    pub message: Message,
}

impl Sent {
    /// The single transaction of a request transmit.
    pub fn only(&self) -> (&TransactionId, &Primitive) {
        assert_eq!(self.message.transactions.len(), 1, "expected one transaction: {:?}", self.message);
        let t = &self.message.transactions[0];
        (t.id.as_ref().expect("transaction id"), &t.primitive)
    }
}

/// The session, its virtual clock, and what it produced.
pub struct Harness {
    /// The client under test.
    pub session: Session,
    /// Virtual time.
    pub now: Timestamp,
    /// Transmits not yet taken by the test, decoded.
    pub sent: Vec<Sent>,
    /// Events not yet taken by the test.
    pub events: Vec<Event>,
    /// The encoding the peer answers in.
    pub peer_encoding: Encoding,
    /// The next server transaction id.
    pub server_tid: u64,
}

impl Harness {
    /// A harness around a new session.
    pub fn new(config: ClientConfig) -> Self {
        let peer_encoding = config.encoding;
        Harness {
            session: Session::new(config),
            now: T0,
            sent: Vec::new(),
            events: Vec::new(),
            peer_encoding,
            server_tid: 1,
        }
    }

    /// The session's version.
    pub fn version(&self) -> Version {
        self.session.version()
    }

    /// Drains transmits and events (the drain rule), checking each transmit decodes in the
    /// session's version and encoding with the matching content type.
    pub fn drain(&mut self) {
        let version = self.session.version();
        let encoding = self.session.config().encoding;
        while let Some(transmit) = self.session.poll_transmit() {
            assert_eq!(transmit.content_type, encoding.content_type(version));
            let decoded = Message::decode(&transmit.bytes).unwrap_or_else(|e| panic!("undecodable transmit: {e}"));
            assert_eq!(decoded.version, version);
            assert_eq!(decoded.encoding, encoding);
            let ids: Vec<TransactionId> = decoded.message.transactions.iter().filter_map(|t| t.id.clone()).collect();
            assert_eq!(ids, transmit.transaction_ids);
            self.sent.push(Sent { transmit, message: decoded.message });
        }
        while let Some(e) = self.session.poll_event() {
            self.events.push(e);
        }
    }

    /// Runs a call on the session at the current time, then drains.
    pub fn call<T>(&mut self, f: impl FnOnce(&mut Session, Timestamp) -> T) -> T {
        let now = self.now;
        let r = f(&mut self.session, now);
        self.drain();
        r
    }

    /// Advances virtual time by `ms` and handles the timeout.
    pub fn advance(&mut self, ms: u64) {
        self.now = self.now.add_millis(ms);
        self.session.handle_timeout(self.now);
        self.drain();
    }

    /// Jumps to the session's next deadline (if any) and handles it; returns it.
    pub fn run_to_timeout(&mut self) -> Option<Timestamp> {
        let t = self.session.poll_timeout()?;
        self.now = self.now.max(t);
        self.session.handle_timeout(self.now);
        self.drain();
        Some(t)
    }

    /// Takes every transmit so far.
    pub fn take_sent(&mut self) -> Vec<Sent> {
        std::mem::take(&mut self.sent)
    }

    /// Takes every event so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Takes the one transmit expected, which must carry one request; returns its id and
    /// primitive.
    pub fn expect_request(&mut self) -> (TransactionId, Primitive) {
        let sent = self.take_sent();
        assert_eq!(sent.len(), 1, "expected exactly one transmit, got {sent:#?}");
        let t = &sent[0].message.transactions[0];
        assert_eq!(sent[0].message.transactions.len(), 1);
        assert_eq!(t.mode, TransactionMode::Request);
        (t.id.clone().expect("request id"), t.primitive.clone())
    }

    /// Asserts nothing was transmitted.
    pub fn expect_silence(&mut self) {
        let sent = self.take_sent();
        assert!(sent.is_empty(), "unexpected transmits: {sent:#?}");
    }

    /// The session descriptor the peer uses: inband with the session's id when there is one.
    pub fn descriptor(&self) -> SessionDescriptor {
        match self.session.session_id() {
            Some(s) => SessionDescriptor::inband(s.clone()),
            None => SessionDescriptor::outband(),
        }
    }

    /// Encodes `message` as the peer and feeds it to the session.
    pub fn deliver(&mut self, message: &Message) {
        let bytes = message.encode(self.version(), self.peer_encoding).expect("peer message encodes");
        self.deliver_bytes(&bytes);
    }

    /// Feeds raw bytes to the session.
    pub fn deliver_bytes(&mut self, bytes: &[u8]) {
        let now = self.now;
        self.session.handle_incoming(now, bytes);
        self.drain();
    }

    /// Answers transaction `id` with `primitive`.
    pub fn respond(&mut self, id: &TransactionId, primitive: impl Into<Primitive>) {
        let m = Message::new(self.descriptor(), Transaction::response(id.clone(), primitive));
        self.deliver(&m);
    }

    /// A fresh server transaction id.
    pub fn next_server_tid(&mut self) -> TransactionId {
        let id = TransactionId::new(format!("srv-{}", self.server_tid));
        self.server_tid += 1;
        id
    }

    /// A message of server requests (with fresh ids).
    pub fn server_message(&mut self, primitives: Vec<Primitive>) -> (Message, Vec<TransactionId>) {
        let mut ids = Vec::new();
        let mut transactions = Vec::new();
        for p in primitives {
            let id = self.next_server_tid();
            ids.push(id.clone());
            transactions.push(Transaction::request(id, p));
        }
        let mut m = Message::new(self.descriptor(), transactions[0].clone());
        m.transactions = transactions;
        (m, ids)
    }

    /// Delivers server requests in one message; returns their ids.
    pub fn server_requests(&mut self, primitives: Vec<Primitive>) -> Vec<TransactionId> {
        let (m, ids) = self.server_message(primitives);
        self.deliver(&m);
        ids
    }

    /// Logs in with the scripted peer: password or digest as configured by the caller before,
    /// a `Login-Response` with session `s-1`, keep-alive 60 s and `CapabilityRequest` T, then
    /// answers the capability and service negotiations (agreeing to `agreed`). Events are
    /// consumed.
    pub fn log_in(&mut self, agreed: ServiceTree) {
        let (id, p) = {
            self.call(|s, now| s.login(now)).expect("login starts");
            self.expect_request()
        };
        assert!(matches!(p, Primitive::LoginRequest(_)));
        self.respond(&id, LoginResponse::success(client_id(), "s-1", 60, true));
        assert!(self.session.is_logged_in());
        let (id, p) = self.expect_request();
        assert!(matches!(p, Primitive::ClientCapabilityRequest(_)), "{p:?}");
        let mut caps = ClientCapabilityResponse::agreed(AgreedCapabilityList::default());
        if self.version() == Version::V1_1 {
            caps = ClientCapabilityResponse::default();
            caps.client_id = Some(client_id());
        }
        self.respond(&id, caps);
        let (id, p) = self.expect_request();
        assert!(matches!(p, Primitive::ServiceRequest(_)), "{p:?}");
        let mut resp = ServiceResponse::agreed(agreed);
        if self.version() == Version::V1_1 {
            resp.client_id = Some(client_id());
        }
        self.respond(&id, resp);
        self.expect_silence();
        let events = self.take_events();
        assert!(matches!(events.last(), Some(Event::ServicesAgreed(_))), "{events:#?}");
    }

    /// A harness logged in with every function agreed.
    pub fn logged_in(config: ClientConfig) -> Self {
        let mut h = Harness::new(config);
        h.log_in(ServiceTree::from_functions(imps_csp::primitive::access::FunctionSet::all_in(h.version())));
        h
    }

    /// The session id the scripted peer hands out.
    pub fn session_id() -> SessionId {
        SessionId::new("s-1")
    }
}

/// Every (version, encoding) pair.
pub fn all_flavours() -> Vec<(Version, Encoding)> {
    Version::ALL.iter().flat_map(|v| [(*v, Encoding::Xml), (*v, Encoding::Wbxml)]).collect()
}
