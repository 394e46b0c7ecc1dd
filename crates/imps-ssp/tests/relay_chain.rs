//! Seed 9, Figure 4 (service relay): A -> B -> C, where only C provides instant messaging.
//! A's users reach their IM provider C through B; B relays requests on a per-service basis and
//! forwards results on the same path, with a one-to-one Transaction Table.

mod support;

use imps_csp::primitive::im::SendMessageRequest;
use imps_csp::Primitive;
use imps_ssp::config::{Agreement, DomainConfig, ServiceRoute, Timers};
use imps_ssp::domain::Event;
use imps_ssp::model::common::Service;
use imps_ssp::model::{Body, Message, Mode};
use imps_ssp::table::{Downstream, Upstream};
use support::{code, uid, Client, Net};

const A: &str = "a.example";
const B: &str = "b.example";
const C: &str = "c.example";

fn svc() -> Vec<Service> {
    vec![Service::Im, Service::UserProfile]
}

fn net() -> Net {
    let mut n = Net::new();
    let mut a = DomainConfig::new(A)
        .with_agreement(Agreement::mutual(B, "a-b", &svc()))
        .with_route(ServiceRoute::via(Service::Im, A, C, B))
        .with_route(ServiceRoute::via(Service::Im, C, C, B));
    // A waits longer than B, so that B's timeout is the one that answers.
    let mut timers = Timers::default();
    timers.transaction_timeout_ms = 60_000;
    a.timers = timers;
    let b = DomainConfig::new(B).with_agreement(Agreement::mutual(A, "a-b", &svc())).with_agreement(Agreement::mutual(
        C,
        "b-c",
        &svc(),
    ));
    let c = DomainConfig::new(C)
        .with_agreement(Agreement::mutual(B, "b-c", &svc()))
        .with_route(ServiceRoute::direct(Service::Im, A, C))
        .with_path(A, B);
    n.add(a, &["alice", "ann"]);
    n.add(b, &["bert"]);
    n.add(c, &["carol"]);
    n
}

fn messages(c: &mut Client) -> Vec<String> {
    c.take_inbox()
        .into_iter()
        .filter_map(|p| match p {
            Primitive::NewMessage(m) => m.content_data,
            _ => None,
        })
        .collect()
}

/// The (mode, transaction id, first element name) of every session transaction on one link.
fn link(n: &Net, from: &str, to: &str) -> Vec<(Mode, String, String)> {
    n.wire
        .iter()
        .filter(|w| w.from == from && w.to == to)
        .filter_map(|w| match Message::decode(w.xml.as_bytes()).expect("decodes").body {
            Body::Session { transactions, .. } => Some(transactions),
            Body::Setup(_) => None,
        })
        .flatten()
        .map(|t| (t.mode, t.transaction_id, t.primitive.name().to_owned()))
        .collect()
}

#[test]
fn a_message_is_relayed_through_b_and_its_result_comes_back_the_same_way() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut carol = n.login(C, "carol");
    let mark = n.wire.len();
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("carol", C), "via b"));
    let Primitive::SendMessageResponse(r) = r else { panic!("{r:?}") };
    assert_eq!(r.result.code.0, 200);
    assert!(r.message_id.is_some());
    n.poll(&mut carol);
    assert_eq!(messages(&mut carol), vec!["via b".to_string()]);

    // The transaction mapping at B: exactly one upstream <-> downstream pair, used both ways.
    let forwarded: Vec<(Upstream, Downstream)> = n
        .events_of(B)
        .iter()
        .filter_map(|e| match e {
            Event::Forwarded { upstream, downstream } => Some((upstream.clone(), downstream.clone())),
            _ => None,
        })
        .collect();
    let results: Vec<(Upstream, Downstream, u32)> = n
        .events_of(B)
        .iter()
        .filter_map(|e| match e {
            Event::ResultForwarded { upstream, downstream, code } => {
                Some((upstream.clone(), downstream.clone(), code.0))
            }
            _ => None,
        })
        .collect();
    // Alice's login profile (A -> C) and the message: two relayed transactions.
    let msg = forwarded.last().expect("forwarded").clone();
    assert_eq!(msg.0.peer, A);
    assert_eq!(msg.1.peer, C);
    assert!(results.contains(&(msg.0.clone(), msg.1.clone(), 200)));
    assert_eq!(forwarded.len(), results.len(), "every relayed transaction got its result");
    assert!(n.domains[B].transaction_table().is_empty(), "entries leave the table with their result");

    // On the wire: A's id on A<->B, B's own id on B<->C, each answered with the same id.
    assert!(n.wire[mark..].iter().any(|w| w.from == A && w.to == B));
    let ab = link(&n, A, B);
    let bc = link(&n, B, C);
    let cb = link(&n, C, B);
    let ba = link(&n, B, A);
    assert!(ab.contains(&(Mode::Request, msg.0.transaction_id.clone(), "SendMessageRequest".into())));
    assert!(bc.contains(&(Mode::Request, msg.1.transaction_id.clone(), "SendMessageRequest".into())));
    assert!(cb.contains(&(Mode::Response, msg.1.transaction_id.clone(), "SendMessageResponse".into())));
    assert!(ba.contains(&(Mode::Response, msg.0.transaction_id.clone(), "SendMessageResponse".into())));
    // One-to-one: no other transaction reused either id.
    assert_eq!(bc.iter().filter(|(m, id, _)| *m == Mode::Request && *id == msg.1.transaction_id).count(), 1);
    assert_eq!(ab.iter().filter(|(m, id, _)| *m == Mode::Request && *id == msg.0.transaction_id).count(), 1);
    // A never talks to C directly.
    assert!(!n.wire.iter().any(|w| (w.from == A && w.to == C) || (w.from == C && w.to == A)));
}

#[test]
fn deliveries_from_c_reach_a_through_b() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut carol = n.login(C, "carol");
    let r = n.ask(&mut carol, SendMessageRequest::text(uid("carol", C), uid("alice", A), "from c"));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut alice);
    assert_eq!(messages(&mut alice), vec!["from c".to_string()]);
    assert!(link(&n, C, B).iter().any(|(m, _, p)| *m == Mode::Request && p == "NewMessage"));
    assert!(link(&n, B, A).iter().any(|(m, _, p)| *m == Mode::Request && p == "NewMessage"));

    // Two users of A talk through their provider C, two hops away.
    let mut ann = n.login(A, "ann");
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("ann", A), "hi ann"));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut ann);
    assert_eq!(messages(&mut ann), vec!["hi ann".to_string()]);
}

#[test]
fn a_failure_at_c_reaches_the_client_in_a_with_its_code() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("nobody", C), "lost"));
    let Primitive::SendMessageResponse(r) = r else { panic!("{r:?}") };
    assert_eq!(r.result.code.0, 531, "C's unknown user");
    assert!(r.message_id.is_none());
    assert!(n.events_of(B).iter().any(|e| matches!(e, Event::ResultForwarded { code, .. } if code.0 == 531)));
}

#[test]
fn a_silent_c_times_out_at_b_and_a_gets_504() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    n.down.push(C.into());
    let tid = n.send(&mut alice, SendMessageRequest::text(uid("alice", A), uid("carol", C), "anyone?"));
    n.poll(&mut alice);
    assert!(!alice.responses.contains_key(&tid), "nothing yet");
    n.advance(31_000);
    n.poll(&mut alice);
    let r = alice.responses.remove(&tid).expect("answered");
    assert_eq!(code(&r), 504);
    assert!(n.events_of(B).iter().any(|e| matches!(e, Event::TimedOut { peer, .. } if peer == C)));
    assert!(n.events_of(B).iter().any(|e| matches!(e, Event::ResultForwarded { code, .. } if code.0 == 504)));
    assert!(n.domains[B].transaction_table().is_empty());
    assert_eq!(n.domains[A].transaction_records().count(), 0);
}
