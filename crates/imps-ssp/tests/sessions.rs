//! Seed 9.2, 9.3: transaction and session management — keep-alives, expiry and recovery,
//! termination, and the relay's state as data.

mod support;

use imps_csp::primitive::im::SendMessageRequest;
use imps_ssp::config::{Agreement, DomainConfig, Timers};
use imps_ssp::domain::{DomainState, Event, OutState, Role};
use imps_ssp::model::common::Service;
use support::{code, uid, wire_count, Net};

const A: &str = "a.example";
const B: &str = "b.example";

fn net(ttl: u32) -> Net {
    let mut n = Net::new();
    let mut t = Timers::default();
    t.session_ttl_secs = ttl;
    let mut a = DomainConfig::new(A).with_agreement(Agreement::mutual(B, "k", &[Service::Im]));
    a.timers = t.clone();
    let mut b = DomainConfig::new(B).with_agreement(Agreement::mutual(A, "k", &[Service::Im]));
    b.timers = t;
    n.add(a, &["alice"]);
    n.add(b, &["bob"]);
    n
}

#[test]
fn idle_sessions_are_kept_alive() {
    let mut n = net(600);
    let mut alice = n.login(A, "alice");
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "x"))), 200);
    n.advance(3_600_000);
    assert!(wire_count(&n, A, B, "<KeepAliveRequest") >= 10);
    assert!(wire_count(&n, B, A, "<KeepAliveResponse") >= 10);
    assert_eq!(n.domains[B].session_records().count(), 1);
    assert!(!n.events_of(B).iter().any(|e| matches!(e, Event::SessionEnded { .. })));
    // (The CSP session of alice expired meanwhile: she logs in again.)
    let mut alice = n.login(A, "alice");
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "y"))), 200);
}

#[test]
fn an_expired_session_is_set_up_again_and_the_request_resent() {
    let mut n = net(600);
    let mut alice = n.login(A, "alice");
    let _bob = n.login(B, "bob");
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "1"))), 200);
    // The link drops: keep-alives are lost, B expires A's session.
    n.down.push(A.into());
    n.advance(700_000);
    assert!(n
        .events_of(B)
        .iter()
        .any(|e| matches!(e, Event::SessionEnded { peer, role: Role::Provider, code } if peer == A && code.0 == 600)));
    n.down.clear();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    // A still thinks it has a session: B answers 604, A sets up a new one and sends again.
    let logins = wire_count(&n, A, B, "<LoginRequest");
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "2"));
    assert_eq!(code(&r), 200, "{r:?}");
    assert_eq!(wire_count(&n, A, B, "<LoginRequest"), logins + 1);
    n.poll(&mut bob);
    let texts: Vec<_> = bob
        .take_inbox()
        .into_iter()
        .filter_map(|p| match p {
            imps_csp::Primitive::NewMessage(m) => m.content_data,
            _ => None,
        })
        .collect();
    // ("1" went to bob's earlier CSP session, which expired: it waits as a stored message.)
    assert_eq!(texts, vec!["2".to_string()]);
}

#[test]
fn a_session_can_be_ended_and_the_state_is_data() {
    let mut n = net(1800);
    let mut alice = n.login(A, "alice");
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "x"))), 200);
    let o = n.domains[A].out_session(B).expect("session");
    assert_eq!(o.state, OutState::Open);
    let state = n.domains[A].state().clone();
    let json = serde_json::to_string(&state).expect("serialise");
    let back: DomainState = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, state);

    let now = n.now;
    n.domain(A).end_session(now, B);
    n.run();
    assert!(n.domains[A].out_session(B).is_none());
    assert_eq!(n.domains[B].session_records().count(), 0);
    assert!(n
        .events_of(B)
        .iter()
        .any(|e| matches!(e, Event::SessionEnded { peer, role: Role::Provider, code } if peer == A && code.0 == 200)));
}
