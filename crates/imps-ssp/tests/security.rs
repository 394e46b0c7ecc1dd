//! Seed 9.1 (security): a domain accepts SSP sessions only from domains it has an agreement
//! with, authenticated by the shared secret; requests from unknown domains, for services not
//! agreed, or in a session that is not the sender's are refused with the matching status,
//! logged as events, and deliver nothing.

mod support;

use imps_csp::ids::UserId;
use imps_csp::primitive::im::SendMessageRequest;
use imps_csp::primitive::presence::SubscribePresenceRequest;
use imps_csp::ResultCode;
use imps_ssp::config::{Agreement, DomainConfig};
use imps_ssp::domain::{Event, Refusal};
use imps_ssp::model::common::{MetaInfo, Party, Recipient, Service, Status, User, UserIdRef};
use imps_ssp::model::im::{MessageInfo, SendMessageRequest as SspSend};
use imps_ssp::model::presence::SubscribeRequest;
use imps_ssp::model::session::{LoginRequest, PasswordDigest, SecretToken, SendSecretToken};
use imps_ssp::model::{Body, Message, Mode, Primitive as Ssp, Transaction};
use support::{code, uid, wire_count, Net};

const A: &str = "a.example";
const B: &str = "b.example";
const D: &str = "d.example";
const E: &str = "e.example";

fn refusals(n: &Net, d: &str) -> Vec<(String, Refusal, u32)> {
    n.events_of(d)
        .iter()
        .filter_map(|e| match e {
            Event::Refused { from, reason, code, .. } => Some((from.clone(), *reason, code.0)),
            _ => None,
        })
        .collect()
}

/// The responses `to` got from `from`, as (transaction id, status code).
fn answers(n: &Net, from: &str, to: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for w in n.wire.iter().filter(|w| w.from == from && w.to == to) {
        let m = Message::decode(w.xml.as_bytes()).expect("decodes");
        match m.body {
            Body::Session { transactions, .. } => {
                for t in transactions.into_iter().filter(|t| t.mode == Mode::Response) {
                    let c = t.primitive.status().map_or(200, |s| s.code.0);
                    out.push((t.transaction_id, c));
                }
            }
            Body::Setup(s) if s.mode == Mode::Response => {
                let c = s.primitive.status().map_or(200, |s| s.code.0);
                out.push((s.transaction_id, c));
            }
            Body::Setup(_) => {}
        }
    }
    out
}

/// A trusts D, but D has no agreement with A; B and A agree on IM only.
fn net() -> Net {
    let mut n = Net::new();
    let a = DomainConfig::new(A)
        .with_agreement(Agreement {
            peer: B.into(),
            secret: "a-b".into(),
            provides: [Service::Im].into_iter().collect(),
            uses: [Service::Im, Service::Presence].into_iter().collect(),
        })
        .with_agreement(Agreement::mutual(D, "a-d", &[Service::Im]))
        .with_agreement(Agreement::mutual(E, "the right one", &[Service::Im]));
    let b = DomainConfig::new(B).with_agreement(Agreement::mutual(A, "a-b", &[Service::Im]));
    let d = DomainConfig::new(D);
    let e = DomainConfig::new(E).with_agreement(Agreement::mutual(A, "a wrong one", &[Service::Im]));
    n.add(a, &["alice"]);
    n.add(b, &["bob"]);
    n.add(d, &["dan"]);
    n.add(e, &["eve"]);
    n
}

fn inbox_len(n: &mut Net, c: &mut support::Client) -> usize {
    n.poll(c);
    c.take_inbox().len()
}

#[test]
fn a_domain_without_agreement_is_refused_and_nothing_is_delivered() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut dan = n.login(D, "dan");
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("dan", D), "hello?"));
    assert_eq!(code(&r), 516, "{r:?}");
    assert_eq!(inbox_len(&mut n, &mut dan), 0);
    assert_eq!(refusals(&n, D), vec![(A.into(), Refusal::NoAgreement, 516)]);
    assert!(n
        .events_of(A)
        .iter()
        .any(|e| matches!(e, Event::SessionFailed { peer, code } if peer == D && code.0 == 516)));
    assert!(n.domains[D].session_records().next().is_none());

    // A domain A has no agreement with, knocking at A: refused as well.
    let token = SendSecretToken {
        service_id: "wv:@d.example".into(),
        protocol: "WV-SSP".into(),
        protocol_version: "1.3".into(),
        secret_token: SecretToken { encoding: None, value: "n".into() },
    };
    let m = Message::setup(Mode::Request, "x1", token.clone());
    let now = n.now;
    let d_to_a = m.to_xml().unwrap();
    n.domain(A).handle_incoming(now, D, &d_to_a);
    n.run();
    // (A does have an agreement with D: accepted. From an unknown domain, say c.example:)
    n.domain(A).handle_incoming(now, "c.example", &d_to_a);
    n.run();
    assert!(refusals(&n, A).iter().any(|(from, r, c)| from == "c.example" && *r == Refusal::NoAgreement && *c == 516));
    // A domain claiming another's name in the token is refused too.
    n.domain(A).handle_incoming(now, B, &d_to_a);
    n.run();
    assert!(refusals(&n, A).iter().any(|(from, r, _)| from == B && *r == Refusal::NoAgreement));
}

#[test]
fn a_wrong_secret_fails_authentication() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut eve = n.login(E, "eve");
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("eve", E), "psst"));
    assert_eq!(code(&r), 409, "{r:?}");
    assert_eq!(inbox_len(&mut n, &mut eve), 0);
    assert_eq!(refusals(&n, E), vec![(A.into(), Refusal::AuthenticationFailed, 409)]);
    assert!(n.domains[E].session_records().next().is_none());

    // A login without a challenge first.
    let login = LoginRequest {
        service_id: "wv:@a.example".into(),
        time_to_live: None,
        password_digest: PasswordDigest { encoding: None, value: "guess".into() },
    };
    let now = n.now;
    n.domain(E).handle_incoming(now, A, &Message::setup(Mode::Request, "y", login).to_xml().unwrap());
    n.run();
    assert!(refusals(&n, E).iter().any(|(_, r, c)| *r == Refusal::AuthenticationFailed && *c == 401));
}

#[test]
fn a_service_not_agreed_is_refused_locally_and_by_the_provider() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    // The session A holds at B agreed IM only (B provides nothing else to A).
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "hi"));
    assert_eq!(code(&r), 200);
    n.poll(&mut bob);
    bob.take_inbox();
    let agreed = n.domains[A].out_session(B).expect("session").agreed.clone();
    assert_eq!(agreed, [Service::Im].into_iter().collect());
    // A knows: it does not even send the subscription.
    let r = n.ask(&mut alice, SubscribePresenceRequest::users([uid("bob", B)]));
    assert_eq!(code(&r), 506, "{r:?}");
    assert_eq!(wire_count(&n, A, B, "<SubscribeRequest"), 0);

    // A misbehaving A sends it anyway, in its own valid session: B refuses it.
    let sid = n.domains[A].out_session(B).and_then(|o| o.session_id.clone()).expect("session id");
    let sub = SubscribeRequest {
        meta_info: Some(MetaInfo::client(A, &uid("alice", A), B)),
        users: vec![UserIdRef::from(uid("bob", B))],
        attribute_list: None,
    };
    let m = Message::session(sid, vec![Transaction::request("evil-1", sub)]);
    let now = n.now;
    n.domain(B).handle_incoming(now, A, &m.to_xml().unwrap());
    n.run();
    assert!(refusals(&n, B).contains(&(A.into(), Refusal::ServiceNotAgreed, 506)));
    assert!(answers(&n, B, A).contains(&("evil-1".into(), 506)));
    n.poll(&mut bob);
    assert!(bob.take_inbox().is_empty(), "no PresenceAuth-Request reached bob");
}

fn forged_send(session: &str, to: &UserId) -> Vec<u8> {
    let send = SspSend {
        delivery_report: false,
        meta_info: Some(MetaInfo::client(A, &uid("alice", A), B)),
        message_info: MessageInfo {
            recipients: vec![Recipient(Party::User(User::new(to.clone())))],
            ..Default::default()
        },
        content_data: Some(imps_ssp::model::im::ContentData { content_type: None, data: "forged".into() }),
    };
    Message::session(session, vec![Transaction::request("f-1", send)]).to_xml().unwrap()
}

#[test]
fn a_forged_session_id_is_refused_and_nothing_is_delivered() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "real"))), 200);
    n.poll(&mut bob);
    bob.take_inbox();
    let now = n.now;
    // A made-up session id.
    n.domain(B).handle_incoming(now, A, &forged_send("0123456789abcdef@b.example", &uid("bob", B)));
    n.run();
    // A's real session id, presented by another domain.
    let sid = n.domains[A].out_session(B).and_then(|o| o.session_id.clone()).expect("session id");
    n.domain(B).handle_incoming(now, D, &forged_send(&sid, &uid("bob", B)));
    n.run();
    let r = refusals(&n, B);
    assert!(r.contains(&(A.into(), Refusal::InvalidSession, 604)), "{r:?}");
    assert!(r.contains(&(D.into(), Refusal::InvalidSession, 604)), "{r:?}");
    assert!(answers(&n, B, D).contains(&("f-1".into(), 604)));
    n.poll(&mut bob);
    assert!(bob.take_inbox().is_empty(), "nothing forged reached bob");

    // A response in a session that is not the receiver's is ignored and logged.
    let bogus = Message::session("nope@x", vec![Transaction::response("t1", Status::new(ResultCode::SUCCESSFUL))]);
    n.domain(A).handle_incoming(now, B, &bogus.to_xml().unwrap());
    n.run();
    assert!(refusals(&n, A).iter().any(|(from, r, _)| from == B && *r == Refusal::InvalidSession));
}

#[test]
fn a_request_for_a_user_of_another_domain_than_the_requestor_is_forbidden() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "real"))), 200);
    n.poll(&mut bob);
    bob.take_inbox();
    let sid = n.domains[A].out_session(B).and_then(|o| o.session_id.clone()).expect("session id");
    let mut send = SspSend {
        delivery_report: false,
        meta_info: Some(MetaInfo::client(A, &uid("mallory", D), B)),
        message_info: MessageInfo {
            recipients: vec![Recipient(Party::User(User::new(uid("bob", B))))],
            ..Default::default()
        },
        content_data: None,
    };
    send.meta_info.as_mut().unwrap().requestor.service_id = "wv:@a.example".into();
    let m = Message::session(sid, vec![Transaction::request("m-1", Ssp::from(send))]);
    let now = n.now;
    n.domain(B).handle_incoming(now, A, &m.to_xml().unwrap());
    n.run();
    assert!(refusals(&n, B).contains(&(A.into(), Refusal::UserDomainMismatch, 403)));
    n.poll(&mut bob);
    assert!(bob.take_inbox().is_empty());
}

#[test]
fn malformed_input_is_an_event() {
    let mut n = net();
    let now = n.now;
    n.domain(B).handle_incoming(
        now,
        A,
        b"<WV-SSP-Message xmlns=\"http://www.openmobilealliance.org/DTD/WV-SSP1.3\"><Session/></WV-SSP-Message>",
    );
    n.domain(B).handle_incoming(now, A, b"not xml at all");
    n.run();
    let bad = n.events_of(B).iter().filter(|e| matches!(e, Event::Malformed { .. })).count();
    assert_eq!(bad, 2);
}
