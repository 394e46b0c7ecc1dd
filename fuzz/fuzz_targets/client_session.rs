//! Drives a logged-in client session with arbitrary input and timings: raw bytes, well-formed
//! server messages built from the fuzz input (responses to real or made-up transaction ids,
//! server requests, `Poll` flags, foreign sessions), bit-flipped valid messages, empty bodies,
//! application calls and time advances, draining the outputs after every input.
//!
//! It must never panic, and:
//! - every transmit decodes, in the session's version and encoding;
//! - the client never reuses a transaction id;
//! - after `handle_timeout(now)` the next deadline lies after `now` (no busy loop);
//! - the event and transmit queues stay within their bounds.
#![no_main]

use std::collections::HashSet;

use imps_csp::elements::{ClientId, Recipient, Sender, User};
use imps_csp::ids::{MessageId, SessionId, TransactionId};
use imps_csp::presence::PresenceSubList;
use imps_csp::primitive::access::{
    AgreedCapabilityList, ClientCapabilityResponse, DigestSchema, Disconnect, ExtendedRequest, Function, FunctionSet,
    KeepAliveResponse, LoginResponse, ServiceResponse, ServiceTree, Status,
};
use imps_csp::primitive::common::{CancelInviteUserRequest, InviteResponse, InviteType, InviteUserRequest};
use imps_csp::primitive::group::{GroupChangeNotice, LeaveGroupResponse};
use imps_csp::primitive::im::{
    DeliveryReportRequest, GetMessageResponse, MessageInfo, MessageNotification, NewMessage, SendMessageResponse,
};
use imps_csp::primitive::presence::{
    GetPresenceRequest, GetPresenceResponse, PresenceAuthRequest, PresenceNotificationRequest,
};
use imps_csp::{
    CspResult, Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version,
};
use imps_session::client::{ClientConfig, Limits, Session, Timestamp};
use imps_session::digest::DigestAlgorithm;
use libfuzzer_sys::fuzz_target;

const LIMITS_EVENTS: usize = 16;
const LIMITS_TRANSMITS: usize = 8;

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

struct World {
    session: Session,
    now: Timestamp,
    version: Version,
    encoding: Encoding,
    /// Every request transaction id the client used.
    client_ids: Vec<TransactionId>,
    seen: HashSet<TransactionId>,
    /// Requests seen in the last drain, by primitive.
    last_requests: Vec<(TransactionId, Primitive)>,
}

impl World {
    fn drain(&mut self) {
        self.last_requests.clear();
        let mut n = 0;
        while let Some(t) = self.session.poll_transmit() {
            n += 1;
            assert!(n <= LIMITS_TRANSMITS + 8, "transmit queue beyond its bound");
            assert_eq!(t.content_type, self.encoding.content_type(self.version));
            let d = Message::decode(&t.bytes).expect("every transmit decodes");
            assert_eq!((d.version, d.encoding), (self.version, self.encoding));
            for tr in d.message.transactions {
                if tr.mode == TransactionMode::Request {
                    let id = tr.id.clone().expect("requests carry an id");
                    assert!(self.seen.insert(id.clone()), "transaction id {id} reused");
                    self.client_ids.push(id.clone());
                    self.last_requests.push((id, tr.primitive));
                }
            }
        }
        let mut n = 0;
        while self.session.poll_event().is_some() {
            n += 1;
            assert!(n <= LIMITS_EVENTS + 1, "event queue beyond its bound");
        }
    }

    fn descriptor(&self) -> SessionDescriptor {
        match self.session.session_id() {
            Some(s) => SessionDescriptor::inband(s.clone()),
            None => SessionDescriptor::outband(),
        }
    }

    fn deliver(&mut self, m: &Message, encoding: Encoding) {
        if let Ok(bytes) = m.encode(self.version, encoding) {
            self.session.handle_incoming(self.now, &bytes);
        }
    }

    fn respond(&mut self, id: TransactionId, p: Primitive) {
        let m = Message::new(self.descriptor(), Transaction::response(id, p));
        self.deliver(&m, self.encoding);
        self.drain();
    }

    fn find(&self, pred: impl Fn(&Primitive) -> bool) -> Option<TransactionId> {
        self.last_requests.iter().find(|(_, p)| pred(p)).map(|(id, _)| id.clone())
    }
}

fn info(id: Option<&str>) -> MessageInfo {
    let mut i = MessageInfo::text(Sender::User(User::new("wv:bob@x")), Recipient::user("wv:alice@x"), "hi");
    i.message_id = id.map(MessageId::new);
    i
}

fn code(b: u8) -> ResultCode {
    const CODES: [u32; 12] = [200, 201, 101, 400, 401, 409, 500, 506, 531, 600, 601, 604];
    ResultCode(CODES[b as usize % CODES.len()])
}

fn response_primitive(r: &mut Bytes, version: Version) -> Primitive {
    let c = code(r.byte());
    match r.byte() % 12 {
        0 => Status::code(c).into(),
        1 => LoginResponse::success(
            ClientId::url("c"),
            format!("s-{}", r.byte() % 3),
            u32::from(r.byte()),
            r.byte() & 1 == 1,
        )
        .into(),
        2 => LoginResponse::challenge(
            ClientId::url("c"),
            "nonce",
            DigestSchema::parse(["MD5", "SHA", "MD4"][r.byte() as usize % 3]),
        )
        .into(),
        3 => LoginResponse::failure(ClientId::url("c"), CspResult::new(c)).into(),
        4 => {
            let mut k = KeepAliveResponse::ok(Some(u32::from(r.byte())));
            k.result = CspResult::new(c);
            k.into()
        }
        5 => Disconnect::new(c).into(),
        6 => GetPresenceResponse::new(CspResult::new(c), vec![]).into(),
        7 => SendMessageResponse::new(CspResult::new(c), Some(MessageId::new("m"))).into(),
        8 => {
            let set: FunctionSet = Function::ALL.iter().copied().filter(|_| r.byte() & 1 == 1).collect();
            let mut s = ServiceResponse::agreed(ServiceTree::from_functions(set.in_version(version)));
            if r.byte() & 1 == 1 {
                s.functions = None;
            }
            s.into()
        }
        9 => {
            let mut a = AgreedCapabilityList::default();
            a.server_poll_min = Some(u32::from(r.byte()));
            if version == Version::V1_1 {
                ClientCapabilityResponse::default().into()
            } else {
                ClientCapabilityResponse::agreed(a).into()
            }
        }
        10 => GetMessageResponse::new(info(Some("m-1")), Some("x".into())).into(),
        _ => LeaveGroupResponse::new(None, CspResult::new(c)).into(),
    }
}

fn server_primitive(r: &mut Bytes) -> Primitive {
    let bob = Sender::User(User::new("wv:bob@x"));
    match r.byte() % 15 {
        0 => NewMessage::new(info(Some("m-1")), Some("hi".into())).into(),
        1 => NewMessage::new(info(None), None).into(),
        2 => MessageNotification::new(info(Some("m-2"))).into(),
        3 => {
            let mut p = PresenceSubList::default();
            p.set_online(r.byte() & 1 == 1);
            PresenceNotificationRequest::new("wv:bob@x", p).into()
        }
        4 => PresenceAuthRequest::new("wv:eve@x", None).into(),
        5 => InviteUserRequest::new("i-1", InviteType::Im, bob).into(),
        6 => CancelInviteUserRequest::new("i-1", bob).into(),
        7 => InviteResponse::new("i-2", r.byte() & 1 == 1, bob).into(),
        8 => GroupChangeNotice::new("wv:g@x").into(),
        9 => DeliveryReportRequest::new(CspResult::new(code(r.byte())), info(Some("m-3"))).into(),
        10 => LeaveGroupResponse::new(None, CspResult::new(code(r.byte()))).into(),
        11 => Disconnect::new(code(r.byte())).into(),
        12 => GetPresenceRequest::users(["wv:x@y"]).into(),
        13 => ExtendedRequest::new(vec![]).into(),
        _ => Status::ok().into(),
    }
}

fn call(w: &mut World, r: &mut Bytes) {
    let now = w.now;
    let s = &mut w.session;
    let _ = match r.byte() % 16 {
        0 => s.login(now),
        1 => s.logout(now),
        2 => s.send_message_to_user(now, "wv:bob@x", "hello"),
        3 => s.send_message_to_group(now, "wv:g@x", "hello"),
        4 => s.get_presence(now, ["wv:bob@x"], None),
        5 => s.subscribe_presence(now, ["wv:bob@x"], None),
        6 => s.poll(now),
        7 => s.set_delivery_method(
            now,
            if r.byte() & 1 == 1 {
                imps_csp::primitive::access::DeliveryMethod::Notify
            } else {
                imps_csp::primitive::access::DeliveryMethod::Push
            },
            None,
        ),
        8 => s.get_message(now, "m-1"),
        9 => s.join_group(now, "wv:g@x", None),
        10 => s.leave_group(now, "wv:g@x"),
        11 => s.keep_alive(now, Some(u32::from(r.byte()))),
        12 => s.negotiate_services(now),
        13 => s.negotiate_capabilities(now),
        14 => s.authorize_presence(now, "wv:eve@x", r.byte() & 1 == 1, None),
        _ => s.respond_invitation(now, "i-1", true, None),
    };
}

fn pick_id(w: &World, r: &mut Bytes) -> TransactionId {
    let b = r.byte();
    if b < 32 || w.client_ids.is_empty() {
        TransactionId::new(format!("x{}", b % 4))
    } else {
        // Recent ids most of the time: in flight, answered (duplicates) or timed out (late).
        let n = w.client_ids.len();
        let back = (b as usize) % n.min(8);
        w.client_ids[n - 1 - back].clone()
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Bytes(data);
    let flavour = r.byte();
    let version = Version::ALL[(flavour % 3) as usize];
    let encoding = if flavour & 4 != 0 { Encoding::Wbxml } else { Encoding::Xml };
    let mut config = ClientConfig::new("wv:alice@x", "secret", ClientId::url("c"))
        .with_version(version)
        .with_encoding(encoding)
        .with_limits(
            Limits::default()
                .with_max_in_flight(4)
                .with_max_queued_transmits(LIMITS_TRANSMITS)
                .with_max_queued_events(LIMITS_EVENTS)
                .with_remembered_transactions(8)
                .with_max_message_bytes(16 * 1024),
        );
    if flavour & 8 != 0 {
        config = config.with_digest_login([DigestAlgorithm::Sha1, DigestAlgorithm::Md5]);
    }
    if flavour & 16 != 0 {
        config = config.with_poll_interval(Some(10));
    }
    let mut w = World {
        session: Session::new(config),
        now: Timestamp::from_secs(1_000_000),
        version,
        encoding,
        client_ids: Vec::new(),
        seen: HashSet::new(),
        last_requests: Vec::new(),
    };

    // The scripted login: (challenge,) success with CapabilityRequest T, capabilities, services.
    w.session.login(w.now).expect("login starts");
    w.drain();
    let mut id = w.find(|p| matches!(p, Primitive::LoginRequest(_))).expect("login request");
    if flavour & 8 != 0 {
        w.respond(id, LoginResponse::challenge(ClientId::url("c"), "n", DigestSchema::Sha).into());
        id = w.find(|p| matches!(p, Primitive::LoginRequest(_))).expect("digest login request");
    }
    w.respond(id, LoginResponse::success(ClientId::url("c"), "s-1", 60, true).into());
    assert!(w.session.is_logged_in());
    let id = w.find(|p| matches!(p, Primitive::ClientCapabilityRequest(_))).expect("capability request");
    let caps = if version == Version::V1_1 {
        ClientCapabilityResponse::default()
    } else {
        ClientCapabilityResponse::agreed(AgreedCapabilityList::default())
    };
    w.respond(id, caps.into());
    let id = w.find(|p| matches!(p, Primitive::ServiceRequest(_))).expect("service request");
    w.respond(id, ServiceResponse::agreed(ServiceTree::from_functions(FunctionSet::all_in(version))).into());

    let mut steps = 0;
    while !r.is_empty() && steps < 200 {
        steps += 1;
        let op = r.byte();
        let a = u64::from(r.u16());
        w.now = w.now.add_millis(match op >> 6 {
            0 => 0,
            1 => a,
            2 => a * 10,
            _ => a * 1000,
        });
        match op % 8 {
            0 => {
                let n = r.u16() as usize;
                let bytes = r.take(n);
                w.session.handle_incoming(w.now, bytes);
            }
            1 => {
                let id = pick_id(&w, &mut r);
                let p = response_primitive(&mut r, version);
                let mut m = Message::new(w.descriptor(), Transaction::response(id, p));
                match r.byte() % 8 {
                    0 => m.poll = Some(true),
                    1 => m.session = SessionDescriptor::inband(SessionId::new("other")),
                    2 => m.session = SessionDescriptor::outband(),
                    3 => m.transactions[0].id = None,
                    _ => {}
                }
                let e = if r.byte() & 1 == 1 { Encoding::Xml } else { Encoding::Wbxml };
                w.deliver(&m, e);
            }
            2 => {
                let n = 1 + r.byte() as usize % 4;
                let mut transactions = Vec::new();
                for _ in 0..n {
                    let id = TransactionId::new(format!("srv-{}", r.byte() % 6));
                    transactions.push(Transaction::request(id, server_primitive(&mut r)));
                }
                let mut m = Message::new(w.descriptor(), transactions[0].clone());
                m.transactions = transactions;
                m.poll = match r.byte() % 3 {
                    0 => Some(true),
                    1 => Some(false),
                    _ => None,
                };
                w.deliver(&m, w.encoding);
            }
            3 => {
                // A valid message with bytes flipped.
                let id = pick_id(&w, &mut r);
                let p = response_primitive(&mut r, version);
                let m = Message::new(w.descriptor(), Transaction::response(id, p));
                if let Ok(mut bytes) = m.encode(version, w.encoding) {
                    for _ in 0..(1 + r.byte() % 4) {
                        let at = r.u16() as usize % bytes.len().max(1);
                        if let Some(b) = bytes.get_mut(at) {
                            *b ^= r.byte() | 1;
                        }
                    }
                    w.session.handle_incoming(w.now, &bytes);
                }
            }
            4 => call(&mut w, &mut r),
            5 => w.session.handle_incoming(w.now, b""),
            6 => {
                if let Some(t) = w.session.poll_timeout() {
                    w.now = w.now.max(t);
                }
            }
            _ => {}
        }
        w.drain();
        w.session.handle_timeout(w.now);
        w.drain();
        if let Some(t) = w.session.poll_timeout() {
            assert!(t > w.now, "deadline {t} not after now {} after handle_timeout", w.now);
        }
    }
});
