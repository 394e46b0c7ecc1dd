//! Test support for server tests: an engine with accounts, and helpers that speak raw CSP.
#![allow(dead_code)]

use imps_csp::elements::ClientId;
use imps_csp::primitive::access::LoginRequest;
use imps_csp::{Encoding, Message, Primitive, SessionDescriptor, Transaction, Version};
use imps_session::server::{Account, Engine, MemoryStorage, Output, ServerConfig};
use imps_session::{SplitMix64, Timestamp};

pub type TestEngine = Engine<MemoryStorage, SplitMix64>;

pub const T0: Timestamp = Timestamp(1_795_600_000_000);

/// An engine for `example.com` with users alice, bob, carol, dave (password `pw-<name>`).
pub fn engine() -> TestEngine {
    engine_with(ServerConfig::new("example.com"))
}

pub fn engine_with(config: ServerConfig) -> TestEngine {
    let accounts = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|n| Account::new(&format!("wv:{n}@example.com").into(), format!("pw-{n}")));
    Engine::new(config, MemoryStorage::with_accounts(accounts), SplitMix64(42)).expect("load")
}

pub fn uid(name: &str) -> imps_csp::ids::UserId {
    format!("wv:{name}@example.com").into()
}

/// Sends one request transaction through bytes in `encoding`/`version`; returns the reply.
pub fn request(
    e: &mut TestEngine,
    now: Timestamp,
    session: Option<&str>,
    p: impl Into<Primitive>,
    v: Version,
    enc: Encoding,
) -> Message {
    let sd = match session {
        Some(s) => SessionDescriptor::inband(s.into()),
        None => SessionDescriptor::outband(),
    };
    let msg = Message::new(sd, Transaction::request("t1", p));
    let bytes = msg.encode(v, enc).expect("encode request");
    let reply = e.handle_request(now, &bytes).expect("engine answers");
    assert_eq!(reply.version, v);
    assert_eq!(reply.encoding, enc);
    let d = Message::decode(&reply.bytes).expect("decode reply");
    d.message
}

/// Like [`request`] in XML 1.2.
pub fn req(e: &mut TestEngine, now: Timestamp, session: Option<&str>, p: impl Into<Primitive>) -> Message {
    request(e, now, session, p, Version::V1_2, Encoding::Xml)
}

/// The single primitive of a reply.
pub fn only(m: &Message) -> &Primitive {
    assert_eq!(m.transactions.len(), 1, "one transaction expected: {m:?}");
    &m.transactions[0].primitive
}

/// Logs `name` in with a password; returns the session id.
pub fn login(e: &mut TestEngine, now: Timestamp, name: &str) -> String {
    let r = req(
        e,
        now,
        None,
        LoginRequest::with_password(
            uid(name),
            ClientId::url(format!("http://client/{name}")),
            format!("pw-{name}"),
            "cookie",
        ),
    );
    match only(&r) {
        Primitive::LoginResponse(l) => {
            assert_eq!(l.result.code.0, 200, "{l:?}");
            l.session_id.clone().expect("session id").0
        }
        other => panic!("expected Login-Response, got {other:?}"),
    }
}

/// Drains the engine's outputs.
pub fn outputs(e: &mut TestEngine) -> Vec<Output> {
    std::iter::from_fn(|| e.poll_output()).collect()
}

/// The result code of a Status reply.
pub fn status_code(m: &Message) -> u32 {
    match only(m) {
        Primitive::Status(s) => s.result.code.0,
        other => panic!("expected Status, got {other:?}"),
    }
}
