//! Seed section 4 (instant messaging) end to end through encoded CSP messages: push and
//! notify/pull delivery, delivery reports, store and forward, validity, forward and reject,
//! block and grant lists, content carried byte for byte.

mod support;

use imps_csp::elements::{ClientId, ContentEncoding, CspResult, Group, Recipient, ScreenName, Sender, User};
use imps_csp::ids::{ContactListId, MessageId, TransactionId};
use imps_csp::primitive::access::{DeliveryMethod, LoginRequest, LogoutRequest, PollingRequest, Status};
use imps_csp::primitive::im::*;
use imps_csp::{Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version};
use imps_session::server::{Engine, Limits, MemoryStorage, ServerConfig};
use imps_session::SplitMix64;
use imps_session::Timestamp;
use support::*;

const V12: Version = Version::V1_2;
const XML: Encoding = Encoding::Xml;

// ---- helpers ----

/// Logs `name` in with its own client id `client`, in `v`/`enc`; returns the session id.
fn login_with(e: &mut TestEngine, now: Timestamp, name: &str, client: &str, v: Version, enc: Encoding) -> String {
    let r = request(
        e,
        now,
        None,
        LoginRequest::with_password(uid(name), ClientId::url(client), format!("pw-{name}"), "ck"),
        v,
        enc,
    );
    match only(&r) {
        Primitive::LoginResponse(l) => {
            assert_eq!(l.result.code, ResultCode::SUCCESSFUL, "{l:?}");
            l.session_id.clone().unwrap().0
        }
        other => panic!("expected Login-Response, got {other:?}"),
    }
}

/// Polls in `v`/`enc`; returns the server-originated transactions handed out.
fn poll_in(e: &mut TestEngine, now: Timestamp, sid: &str, v: Version, enc: Encoding) -> Vec<Transaction> {
    let r = request(e, now, Some(sid), PollingRequest::default(), v, enc);
    r.transactions.into_iter().filter(|t| t.mode == TransactionMode::Request).collect()
}

fn poll(e: &mut TestEngine, now: Timestamp, sid: &str) -> Vec<Transaction> {
    poll_in(e, now, sid, V12, XML)
}

/// Sends a client response transaction (e.g. `MessageDelivered`) in `v`/`enc`.
fn respond_in(
    e: &mut TestEngine,
    now: Timestamp,
    sid: &str,
    tid: &TransactionId,
    p: impl Into<Primitive>,
    v: Version,
    enc: Encoding,
) -> Message {
    let msg = Message::new(SessionDescriptor::inband(sid.into()), Transaction::response(tid.clone(), p));
    let bytes = msg.encode(v, enc).expect("encode response");
    let reply = e.handle_request(now, &bytes).expect("engine answers");
    Message::decode(&reply.bytes).expect("decode reply").message
}

fn respond(e: &mut TestEngine, now: Timestamp, sid: &str, tid: &TransactionId, p: impl Into<Primitive>) -> Message {
    respond_in(e, now, sid, tid, p, V12, XML)
}

fn send_in(
    e: &mut TestEngine,
    now: Timestamp,
    sid: &str,
    req: SendMessageRequest,
    v: Version,
    enc: Encoding,
) -> SendMessageResponse {
    match only(&request(e, now, Some(sid), req, v, enc)) {
        Primitive::SendMessageResponse(r) => r.clone(),
        other => panic!("expected SendMessage-Response, got {other:?}"),
    }
}

fn send(e: &mut TestEngine, now: Timestamp, sid: &str, req: SendMessageRequest) -> SendMessageResponse {
    send_in(e, now, sid, req, V12, XML)
}

/// A text message from `from` to `to`.
fn text(from: &str, to: &str, body: &str) -> SendMessageRequest {
    SendMessageRequest::text(uid(from), uid(to), body)
}

fn new_message(t: &Transaction) -> &NewMessage {
    match &t.primitive {
        Primitive::NewMessage(m) => m,
        other => panic!("expected NewMessage, got {other:?}"),
    }
}

fn notification(t: &Transaction) -> &MessageNotification {
    match &t.primitive {
        Primitive::MessageNotification(m) => m,
        other => panic!("expected MessageNotification, got {other:?}"),
    }
}

fn report(t: &Transaction) -> &DeliveryReportRequest {
    match &t.primitive {
        Primitive::DeliveryReportRequest(r) => r,
        other => panic!("expected DeliveryReport-Request, got {other:?}"),
    }
}

fn tid(t: &Transaction) -> TransactionId {
    t.id.clone().expect("server transactions carry an id")
}

fn get_message(e: &mut TestEngine, now: Timestamp, sid: &str, id: &MessageId) -> Result<GetMessageResponse, u32> {
    match only(&req(e, now, Some(sid), GetMessageRequest::new(id.clone()))) {
        Primitive::GetMessageResponse(r) => Ok(r.clone()),
        Primitive::Status(s) => Err(s.result.code.0),
        other => panic!("unexpected {other:?}"),
    }
}

fn set_delivery(e: &mut TestEngine, now: Timestamp, sid: &str, method: DeliveryMethod, limit: Option<u32>) {
    let mut r = SetDeliveryMethodRequest::new(method);
    r.accepted_content_length = limit;
    assert_eq!(status_code(&req(e, now, Some(sid), r)), 200);
}

fn stored(e: &TestEngine) -> usize {
    e.storage().messages().count()
}

fn detail_codes(r: &CspResult) -> Vec<u32> {
    r.detailed_results.iter().map(|d| d.code.0).collect()
}

// ---- seed 4.1: delivery ----

#[test]
fn seed_4_1_push_delivery_confirmed_with_message_delivered_and_reported_to_the_sender() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let r = send(&mut e, T0, &a, text("alice", "bob", "hello bob").with_delivery_report(true));
    assert_eq!(r.result.code, ResultCode::SUCCESSFUL);
    let mid = r.message_id.clone().expect("MessageID");
    // Stored (persisted) until confirmed.
    assert_eq!(stored(&e), 1);

    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 1);
    let m = new_message(&got[0]);
    assert_eq!(m.message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(m.message_info.sender, Sender::User(User::new(uid("alice"))));
    assert_eq!(m.message_info.recipient, Recipient::user(uid("bob")));
    assert_eq!(m.message_info.date_time, Some(T0.to_datetime()));
    assert_eq!(m.content_data.as_deref(), Some("hello bob"));
    // Nothing for alice yet: not confirmed.
    assert!(poll(&mut e, T0, &a).is_empty());

    respond(&mut e, T0.add_secs(1), &b, &tid(&got[0]), MessageDelivered::new(mid.clone()));
    assert_eq!(stored(&e), 0);
    let rep = poll(&mut e, T0.add_secs(2), &a);
    assert_eq!(rep.len(), 1);
    let rep = report(&rep[0]);
    assert_eq!(rep.result.code, ResultCode::SUCCESSFUL);
    assert_eq!(rep.delivery_time, Some(T0.add_secs(1).to_datetime()));
    assert_eq!(rep.message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(rep.message_info.recipient, Recipient::user(uid("bob")));
    // Confirming again changes nothing: no second report.
    respond(&mut e, T0.add_secs(3), &b, &tid(&got[0]), MessageDelivered::new(mid));
    assert!(poll(&mut e, T0.add_secs(3), &a).is_empty());
}

#[test]
fn seed_4_1_no_report_unless_asked() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mid = send(&mut e, T0, &a, text("alice", "bob", "hi")).message_id.unwrap();
    let got = poll(&mut e, T0, &b);
    respond(&mut e, T0, &b, &tid(&got[0]), MessageDelivered::new(mid));
    assert!(poll(&mut e, T0, &a).is_empty());
}

#[test]
fn seed_4_1_and_4_4_utf8_text_round_trips_in_every_version_and_encoding() {
    let body = "Grüße, ñandú — 日本語 👋🏽 \u{1F600}";
    for v in Version::ALL {
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            let mut e = engine();
            let a = login_with(&mut e, T0, "alice", "ca", v, enc);
            let b = login_with(&mut e, T0, "bob", "cb", v, enc);
            let r = send_in(&mut e, T0, &a, text("alice", "bob", body).with_delivery_report(true), v, enc);
            assert_eq!(r.result.code, ResultCode::SUCCESSFUL, "{v} {enc:?}");
            let mid = r.message_id.unwrap();
            let got = poll_in(&mut e, T0, &b, v, enc);
            let m = new_message(&got[0]);
            assert_eq!(m.content_data.as_deref(), Some(body), "{v} {enc:?}");
            assert_eq!(m.message_info.content_size, body.len() as u32);
            respond_in(&mut e, T0, &b, &tid(&got[0]), MessageDelivered::new(mid.clone()), v, enc);
            let rep = poll_in(&mut e, T0, &a, v, enc);
            let rep = report(&rep[0]);
            assert_eq!(rep.result.code, ResultCode::SUCCESSFUL);
            // 1.1 has no DeliveryTime.
            assert_eq!(rep.delivery_time.is_some(), v != Version::V1_1, "{v}");
        }
    }
}

#[test]
fn seed_4_4_any_content_type_and_base64_carried_byte_for_byte() {
    // BASE64 content (with padding and line breaks, as some clients send), an MMS content type,
    // and a vCard with CRLF: passed through untouched, pushed and pulled, XML and WBXML.
    let base64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let vcard = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Mäkinen;Matti\r\nTEL;CELL:+358401234567\r\nEND:VCARD\r\n";
    let cases: [(&str, Option<ContentEncoding>, &str); 3] = [
        ("image/png", Some(ContentEncoding::Base64), base64),
        ("application/vnd.wap.mms-message", Some(ContentEncoding::Base64), "AAEC/f7/\nAAEC/f7/"),
        ("text/x-vcard", Some(ContentEncoding::None), vcard),
    ];
    for v in Version::ALL {
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            for (ct, ce, data) in &cases {
                for method in [DeliveryMethod::Push, DeliveryMethod::Notify] {
                    let mut e = engine();
                    let a = login_with(&mut e, T0, "alice", "ca", v, enc);
                    let b = login_with(&mut e, T0, "bob", "cb", v, enc);
                    let mut sm = text("alice", "bob", data);
                    sm.message_info.content_type = Some(ct.to_string());
                    sm.message_info.content_encoding = *ce;
                    let mut sd = SetDeliveryMethodRequest::new(method);
                    sd.accepted_content_length = None;
                    assert_eq!(status_code(&request(&mut e, T0, Some(&b), sd, v, enc)), 200);
                    let mid = send_in(&mut e, T0, &a, sm, v, enc).message_id.unwrap();
                    let got = poll_in(&mut e, T0, &b, v, enc);
                    let (info, content) = match method {
                        DeliveryMethod::Push => {
                            let m = new_message(&got[0]);
                            (m.message_info.clone(), m.content_data.clone())
                        }
                        DeliveryMethod::Notify => {
                            assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&mid));
                            let r = request(&mut e, T0, Some(&b), GetMessageRequest::new(mid.clone()), v, enc);
                            let Primitive::GetMessageResponse(g) = only(&r) else { panic!("{r:?}") };
                            (g.message_info.clone(), g.content_data.clone())
                        }
                    };
                    assert_eq!(content.as_deref(), Some(*data), "{v} {enc:?} {ct} {method:?}");
                    assert_eq!(info.content_type.as_deref(), Some(*ct));
                    assert_eq!(info.content_encoding, *ce);
                }
            }
        }
    }
}

#[test]
fn seed_4_1_notify_pull_delivery_with_get_message() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let mid = send(&mut e, T0, &a, text("alice", "bob", "pull me").with_delivery_report(true)).message_id.unwrap();
    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 1);
    let n = notification(&got[0]);
    assert_eq!(n.message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(n.message_info.content_size, 7);
    // Acknowledging the notification is not delivery.
    respond(&mut e, T0, &b, &tid(&got[0]), Status::new(CspResult::new(ResultCode::SUCCESSFUL)));
    assert!(poll(&mut e, T0, &a).is_empty());
    assert_eq!(stored(&e), 1);

    let g = get_message(&mut e, T0.add_secs(5), &b, &mid).unwrap();
    assert_eq!(g.content_data.as_deref(), Some("pull me"));
    assert_eq!(g.message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(stored(&e), 0);
    let rep = poll(&mut e, T0.add_secs(6), &a);
    assert_eq!(report(&rep[0]).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(report(&rep[0]).delivery_time, Some(T0.add_secs(5).to_datetime()));
    // Fetched once only; a late MessageDelivered is accepted and changes nothing.
    assert_eq!(get_message(&mut e, T0, &b, &mid).unwrap_err(), 426);
    respond(&mut e, T0, &b, &TransactionId::new("x"), MessageDelivered::new(mid));
    assert!(poll(&mut e, T0, &a).is_empty());
}

#[test]
fn seed_4_1_get_message_of_someone_else_is_426() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let _b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let mid = send(&mut e, T0, &a, text("alice", "bob", "private")).message_id.unwrap();
    assert_eq!(get_message(&mut e, T0, &c, &mid).unwrap_err(), 426);
    assert_eq!(get_message(&mut e, T0, &c, &MessageId::new("nope")).unwrap_err(), 426);
    assert_eq!(stored(&e), 1);
}

#[test]
fn seed_4_1_accepted_content_length_notifies_instead_of_pushing_large_content() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Push, Some(10));
    send(&mut e, T0, &a, text("alice", "bob", "0123456789"));
    let big = send(&mut e, T0, &a, text("alice", "bob", "0123456789A")).message_id.unwrap();
    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 2);
    assert_eq!(new_message(&got[0]).content_data.as_deref(), Some("0123456789"));
    assert_eq!(notification(&got[1]).message_info.message_id.as_ref(), Some(&big));
    assert_eq!(get_message(&mut e, T0, &b, &big).unwrap().content_data.as_deref(), Some("0123456789A"));
}

#[test]
fn seed_4_1_switching_to_notify_withdraws_unfetched_pushes() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mid = send(&mut e, T0, &a, text("alice", "bob", "queued")).message_id.unwrap();
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&mid));
    // And back to push: new messages are pushed again.
    set_delivery(&mut e, T0, &b, DeliveryMethod::Push, None);
    send(&mut e, T0, &a, text("alice", "bob", "pushed"));
    assert_eq!(new_message(&poll(&mut e, T0, &b)[0]).content_data.as_deref(), Some("pushed"));
}

#[test]
fn seed_4_1_reject_message_reports_538() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let mid = send(&mut e, T0, &a, text("alice", "bob", "spam?").with_delivery_report(true)).message_id.unwrap();
    poll(&mut e, T0, &b);
    let r = req(&mut e, T0, Some(&b), RejectMessageRequest::new([mid.clone(), MessageId::new("m-unknown")]));
    let Primitive::Status(s) = only(&r) else { panic!("{r:?}") };
    assert_eq!(s.result.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(detail_codes(&s.result), vec![426]);
    assert_eq!(s.result.detailed_results[0].message_ids, vec![MessageId::new("m-unknown")]);
    assert_eq!(stored(&e), 0);
    let rep = poll(&mut e, T0, &a);
    assert_eq!(report(&rep[0]).result.code, ResultCode::MESSAGE_HAS_BEEN_REJECTED);
    assert_eq!(report(&rep[0]).delivery_time, None);
    // Gone: rejecting or fetching again fails.
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), RejectMessageRequest::new([mid.clone()]))), 426);
    assert_eq!(get_message(&mut e, T0, &b, &mid).unwrap_err(), 426);
}

#[test]
fn seed_4_1_reject_withdraws_an_unfetched_notification() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let mid = send(&mut e, T0, &a, text("alice", "bob", "x")).message_id.unwrap();
    // Listed, rejected before the notification was fetched: the notification is withdrawn.
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), RejectMessageRequest::new([mid]))), 200);
    assert!(poll(&mut e, T0, &b).is_empty());
}

#[test]
fn seed_4_1_forward_message_reaches_the_new_recipient_and_reports_541() {
    for v in [Version::V1_2, Version::V1_3] {
        let mut e = engine();
        let a = login_with(&mut e, T0, "alice", "ca", v, XML);
        let b = login_with(&mut e, T0, "bob", "cb", v, XML);
        let c = login_with(&mut e, T0, "carol", "cc", v, XML);
        let mut sd = SetDeliveryMethodRequest::new(DeliveryMethod::Notify);
        sd.accepted_content_length = None;
        assert_eq!(status_code(&request(&mut e, T0, Some(&b), sd, v, XML)), 200);
        let mut sm = text("alice", "bob", "pass it on");
        sm.message_info.content_type = Some("text/plain; charset=utf-8".into());
        let mid = send_in(&mut e, T0, &a, sm.with_delivery_report(true), v, XML).message_id.unwrap();
        poll_in(&mut e, T0, &b, v, XML);
        let r = request(
            &mut e,
            T0,
            Some(&b),
            ForwardMessageRequest::new(mid.clone(), Recipient::user(uid("carol"))),
            v,
            XML,
        );
        let fwd_id = match (v, only(&r)) {
            (Version::V1_3, Primitive::ForwardMessageResponse(f)) => Some(f.message_id.clone()),
            (Version::V1_2, Primitive::Status(s)) if s.result.code == ResultCode::SUCCESSFUL => None,
            (_, other) => panic!("{v}: {other:?}"),
        };
        let got = poll_in(&mut e, T0, &c, v, XML);
        let m = new_message(&got[0]);
        assert_eq!(m.content_data.as_deref(), Some("pass it on"));
        assert_eq!(m.message_info.content_type.as_deref(), Some("text/plain; charset=utf-8"));
        assert_eq!(m.message_info.sender, Sender::User(User::new(uid("bob"))), "the forwarder sends it");
        assert_ne!(m.message_info.message_id.as_ref(), Some(&mid));
        if let Some(f) = fwd_id {
            assert_eq!(m.message_info.message_id, Some(f));
        }
        let rep = poll_in(&mut e, T0, &a, v, XML);
        assert_eq!(report(&rep[0]).result.code, ResultCode::MESSAGE_HAS_BEEN_FORWARDED);
        assert_eq!(get_message(&mut e, T0, &b, &mid).unwrap_err(), 426, "forwarding disposes of the original");
    }
}

#[test]
fn seed_4_1_forward_to_nobody_valid_keeps_the_original() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let mid = send(&mut e, T0, &a, text("alice", "bob", "keep")).message_id.unwrap();
    let r = req(&mut e, T0, Some(&b), ForwardMessageRequest::new(mid.clone(), Recipient::user("wv:zed@example.com")));
    let Primitive::Status(s) = only(&r) else { panic!() };
    assert_eq!(s.result.code, ResultCode::UNKNOWN_USER);
    assert_eq!(get_message(&mut e, T0, &b, &mid).unwrap().content_data.as_deref(), Some("keep"));
    // Not one's own message: 426.
    let c = login(&mut e, T0, "carol");
    let r = req(&mut e, T0, Some(&c), ForwardMessageRequest::new(mid, Recipient::user(uid("dave"))));
    assert_eq!(status_code(&r), 426);
}

#[test]
fn seed_4_1_several_recipients_get_their_own_copies_and_failures_are_detailed() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let mut to = Recipient::user(uid("bob"));
    to.users.push(User::new("WV:Carol@Example.COM"));
    to.users.push(User::new("wv:zed@example.com"));
    to.users.push(User::new("wv:someone@elsewhere.org"));
    to.users.push(User::new(uid("bob")));
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to(uid("alice"), to, "to all").with_delivery_report(true));
    assert_eq!(r.result.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(detail_codes(&r.result), vec![531, 516]);
    assert_eq!(r.result.detailed_results[0].user_ids, vec![imps_csp::ids::UserId::new("wv:zed@example.com")]);
    assert_eq!(r.result.detailed_results[1].user_ids, vec![imps_csp::ids::UserId::new("wv:someone@elsewhere.org")]);
    let mid = r.message_id.unwrap();
    let gb = poll(&mut e, T0, &b);
    let gc = poll(&mut e, T0, &c);
    assert_eq!((gb.len(), gc.len()), (1, 1), "bob named twice gets one copy");
    let (ib, ic) = (
        new_message(&gb[0]).message_info.message_id.clone().unwrap(),
        new_message(&gc[0]).message_info.message_id.clone().unwrap(),
    );
    assert_eq!(ib.as_str(), format!("{mid}.1"));
    assert_eq!(ic.as_str(), format!("{mid}.2"));
    respond(&mut e, T0, &b, &tid(&gb[0]), MessageDelivered::new(ib));
    respond(&mut e, T0, &c, &tid(&gc[0]), MessageDelivered::new(ic));
    let reps = poll(&mut e, T0, &a);
    let mut who: Vec<_> = reps
        .iter()
        .map(|t| (report(t).message_info.message_id.clone().unwrap(), report(t).message_info.recipient.clone()))
        .collect();
    who.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
    assert_eq!(who, vec![(mid.clone(), Recipient::user(uid("bob"))), (mid, Recipient::user(uid("carol")))]);
}

#[test]
fn seed_4_1_all_recipients_failing_gives_the_failure_code_and_no_message_id() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let r = send(&mut e, T0, &a, text("alice", "zed", "?"));
    assert_eq!(r.result.code, ResultCode::UNKNOWN_USER);
    assert_eq!(r.message_id, None);
    let mut to = Recipient::user("wv:zed@example.com");
    to.contact_lists.push(ContactListId::new("wv:alice/nolist@example.com"));
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to(uid("alice"), to.clone(), "?"));
    assert_eq!(r.result.code, ResultCode::MULTIPLE_ERRORS);
    let mut codes = detail_codes(&r.result);
    codes.sort();
    assert_eq!(codes, vec![531, 700]);
    // 1.1 cannot carry ContactList in DetailedResult: it is named in the description.
    let a11 = login_with(&mut e, T0, "alice", "c11", Version::V1_1, XML);
    let r = send_in(&mut e, T0, &a11, SendMessageRequest::text_to(uid("alice"), to, "?"), Version::V1_1, XML);
    assert_eq!(r.result.code, ResultCode::MULTIPLE_ERRORS);
    let d700 = r.result.detailed_results.iter().find(|d| d.code.0 == 700).unwrap();
    assert!(d700.description.as_deref().unwrap().contains("wv:alice/nolist@example.com"), "{d700:?}");
    assert_eq!(stored(&e), 0);
}

#[test]
fn seed_4_1_empty_recipient_and_oversized_content_are_refused_with_402() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_message_bytes = 16;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to(uid("alice"), Recipient::default(), "x"));
    assert_eq!((r.result.code, r.message_id), (ResultCode::BAD_PARAMETER, None));
    assert_eq!(send(&mut e, T0, &a, text("alice", "bob", "0123456789abcdef")).result.code, ResultCode::SUCCESSFUL);
    let r = send(&mut e, T0, &a, text("alice", "bob", "0123456789abcdefg"));
    assert_eq!((r.result.code, r.message_id), (ResultCode::BAD_PARAMETER, None));
    assert_eq!(stored(&e), 1);
}

#[test]
fn seed_4_1_the_server_sets_sender_and_time() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mut sm = text("carol", "bob", "it's me, carol");
    sm.message_info.date_time = Some(imps_csp::DateTime::utc(1999, 1, 1, 0, 0, 0).unwrap());
    sm.message_info.sender = Sender::User(User::new(uid("carol")));
    send(&mut e, T0, &a, sm);
    let got = poll(&mut e, T0, &b);
    let info = &new_message(&got[0]).message_info;
    assert_eq!(info.sender, Sender::User(User::new(uid("alice"))));
    assert_eq!(info.date_time, Some(T0.to_datetime()));
}

#[test]
fn seed_4_1_one_copy_goes_to_the_most_recently_active_session_only() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b1 = login_with(&mut e, T0, "bob", "phone", V12, XML);
    let b2 = login_with(&mut e, T0.add_secs(1), "bob", "desktop", V12, XML);
    // b1 is the more recently active one now.
    poll(&mut e, T0.add_secs(2), &b1);
    let mid = send(&mut e, T0.add_secs(3), &a, text("alice", "bob", "once")).message_id.unwrap();
    assert!(poll(&mut e, T0.add_secs(4), &b2).is_empty());
    let got = poll(&mut e, T0.add_secs(5), &b1);
    assert_eq!(new_message(&got[0]).message_info.message_id.as_ref(), Some(&mid));
    // b1 logs out without confirming: the copy moves to b2, as a push per b2's method.
    req(&mut e, T0.add_secs(6), Some(&b1), LogoutRequest::default());
    let got = poll(&mut e, T0.add_secs(7), &b2);
    assert_eq!(new_message(&got[0]).content_data.as_deref(), Some("once"));
    respond(&mut e, T0.add_secs(8), &b2, &tid(&got[0]), MessageDelivered::new(mid));
    assert_eq!(stored(&e), 0);
}

#[test]
fn seed_4_1_error_status_answering_a_push_falls_back_to_notification() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mid = send(&mut e, T0, &a, text("alice", "bob", "too fancy").with_delivery_report(true)).message_id.unwrap();
    let got = poll(&mut e, T0, &b);
    new_message(&got[0]);
    // The reply to a message holding only responses carries what waits for the session.
    let r = respond(&mut e, T0, &b, &tid(&got[0]), Status::new(CspResult::new(ResultCode::UNSUPPORTED_MEDIA_TYPE)));
    assert_eq!(notification(&r.transactions[0]).message_info.message_id.as_ref(), Some(&mid));
    assert!(poll(&mut e, T0, &b).is_empty());
    assert!(poll(&mut e, T0, &a).is_empty(), "not delivered, not failed");
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), RejectMessageRequest::new([mid]))), 200);
    assert_eq!(report(&poll(&mut e, T0, &a)[0]).result.code, ResultCode::MESSAGE_HAS_BEEN_REJECTED);
}

#[test]
fn seed_4_1_a_status_200_answering_a_push_counts_as_delivered() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    send(&mut e, T0, &a, text("alice", "bob", "ok").with_delivery_report(true));
    let got = poll(&mut e, T0, &b);
    respond(&mut e, T0, &b, &tid(&got[0]), Status::new(CspResult::new(ResultCode::SUCCESSFUL)));
    assert_eq!(report(&poll(&mut e, T0, &a)[0]).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(stored(&e), 0);
}

// ---- seed 4.2: offline messaging ----

#[test]
fn seed_4_2_offline_message_is_stored_notified_after_login_and_listed() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let r = send(&mut e, T0, &a, text("alice", "bob", "while you were out").with_delivery_report(true));
    assert_eq!(r.result.code, ResultCode::SUCCESSFUL);
    let mid = r.message_id.unwrap();
    assert_eq!(stored(&e), 1);
    let (_, rec) = e.storage().messages().next().unwrap();
    assert_eq!(rec.recipient(), &uid("bob"));
    assert_eq!(rec.content(), Some("while you were out"));

    let b = login(&mut e, T0.add_secs(60), "bob");
    let got = poll(&mut e, T0.add_secs(61), &b);
    assert_eq!(got.len(), 1);
    assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&mid));
    let r = req(&mut e, T0.add_secs(62), Some(&b), GetMessageListRequest::default());
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!("{r:?}") };
    assert_eq!(list.message_infos.len(), 1);
    assert_eq!(list.message_infos[0].message_id.as_ref(), Some(&mid));
    assert_eq!(list.message_infos[0].date_time, Some(T0.to_datetime()));
    let g = get_message(&mut e, T0.add_secs(63), &b, &mid).unwrap();
    assert_eq!(g.content_data.as_deref(), Some("while you were out"));
    let rep = poll(&mut e, T0.add_secs(64), &a);
    assert_eq!(report(&rep[0]).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(stored(&e), 0);
    let r = req(&mut e, T0.add_secs(65), Some(&b), GetMessageListRequest::default());
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!("{r:?}") };
    assert!(list.message_infos.is_empty());
}

#[test]
fn seed_4_2_get_message_list_count_order_and_1_3_total() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(send(&mut e, T0.add_secs(i), &a, text("alice", "bob", &format!("#{i}"))).message_id.unwrap());
    }
    let b = login_with(&mut e, T0.add_secs(10), "bob", "cb13", Version::V1_3, Encoding::Wbxml);
    let mut lr = GetMessageListRequest::default();
    lr.message_count = Some(3);
    let r = request(&mut e, T0.add_secs(11), Some(&b), lr, Version::V1_3, Encoding::Wbxml);
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!("{r:?}") };
    let got: Vec<_> = list.message_infos.iter().map(|i| i.message_id.clone().unwrap()).collect();
    assert_eq!(got, ids[..3].to_vec(), "oldest first");
    assert_eq!(list.message_total_count, Some(5));
}

#[test]
fn seed_4_2_stored_messages_survive_a_restart() {
    let config = ServerConfig::new("example.com");
    let mut e = engine_with(config.clone());
    let a = login(&mut e, T0, "alice");
    let mid = send(&mut e, T0, &a, text("alice", "bob", "durable").with_delivery_report(true)).message_id.unwrap();
    // Bob is online and has fetched the push but not confirmed when the server restarts.
    let b = login(&mut e, T0, "bob");
    let _ = b;
    let storage: MemoryStorage = e.storage().clone();
    drop(e);
    let mut e: TestEngine = Engine::new(config, storage, SplitMix64(7)).unwrap();
    let b = login(&mut e, T0.add_secs(100), "bob");
    let got = poll(&mut e, T0.add_secs(100), &b);
    assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(get_message(&mut e, T0.add_secs(101), &b, &mid).unwrap().content_data.as_deref(), Some("durable"));
    // Alice's report waits for her next login (her session did not survive the restart).
    assert_eq!(stored(&e), 1);
    assert!(e.storage().messages().next().unwrap().1.is_delivery_report());
    let a = login(&mut e, T0.add_secs(200), "alice");
    let rep = poll(&mut e, T0.add_secs(200), &a);
    assert_eq!(report(&rep[0]).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(report(&rep[0]).message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(stored(&e), 0);
}

#[test]
fn seed_4_2_expired_message_is_removed_and_reported_542() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let mut sm = text("alice", "bob", "soon stale").with_delivery_report(true);
    sm.message_info.validity = Some(60);
    let mid = send(&mut e, T0, &a, sm).message_id.unwrap();
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(60)));
    e.handle_timeout(T0.add_secs(59));
    assert_eq!(stored(&e), 1);
    e.handle_timeout(T0.add_secs(60));
    assert_eq!(stored(&e), 0);
    let rep = poll(&mut e, T0.add_secs(61), &a);
    assert_eq!(report(&rep[0]).result.code, ResultCode::MESSAGE_HAS_EXPIRED);
    assert_eq!(report(&rep[0]).message_info.message_id.as_ref(), Some(&mid));
    let b = login(&mut e, T0.add_secs(62), "bob");
    assert!(poll(&mut e, T0.add_secs(62), &b).is_empty());
}

#[test]
fn seed_4_2_validity_is_capped_and_defaulted() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_message_validity_secs = 100;
    config.limits.default_message_validity_secs = 50;
    config.max_keep_alive_secs = 3600;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let mut sm = text("alice", "bob", "long");
    sm.message_info.validity = Some(10_000);
    send(&mut e, T0, &a, sm);
    send(&mut e, T0, &a, text("alice", "carol", "default"));
    let mut exp: Vec<_> = e.storage().messages().map(|(_, m)| m.expires()).collect();
    exp.sort();
    assert_eq!(exp, vec![T0.add_secs(50), T0.add_secs(100)]);
    let b = login(&mut e, T0, "bob");
    let r = req(&mut e, T0, Some(&b), GetMessageListRequest::default());
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!() };
    assert_eq!(list.message_infos[0].validity, Some(100));
}

#[test]
fn seed_4_2_a_pushed_message_is_not_expired_under_the_client_until_its_session_ends() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mut sm = text("alice", "bob", "x").with_delivery_report(true);
    sm.message_info.validity = Some(10);
    let mid = send(&mut e, T0, &a, sm).message_id.unwrap();
    let got = poll(&mut e, T0, &b);
    e.handle_timeout(T0.add_secs(20));
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(300 + 60)), "no busy deadline left behind");
    respond(&mut e, T0.add_secs(21), &b, &tid(&got[0]), MessageDelivered::new(mid.clone()));
    assert_eq!(report(&poll(&mut e, T0.add_secs(21), &a)[0]).result.code, ResultCode::SUCCESSFUL);

    // Unfetched pushes do expire (and are withdrawn from the queue).
    let mut sm = text("alice", "bob", "y").with_delivery_report(true);
    sm.message_info.validity = Some(10);
    send(&mut e, T0.add_secs(30), &a, sm);
    e.handle_timeout(T0.add_secs(40));
    assert!(poll(&mut e, T0.add_secs(41), &b).is_empty());
    assert_eq!(report(&poll(&mut e, T0.add_secs(41), &a)[0]).result.code, ResultCode::MESSAGE_HAS_EXPIRED);

    // Fetched, past validity, and the session ends unconfirmed: expired then.
    let mut sm = text("alice", "bob", "z").with_delivery_report(true);
    sm.message_info.validity = Some(10);
    send(&mut e, T0.add_secs(50), &a, sm);
    poll(&mut e, T0.add_secs(51), &b);
    e.handle_timeout(T0.add_secs(70));
    req(&mut e, T0.add_secs(71), Some(&b), LogoutRequest::default());
    assert_eq!(report(&poll(&mut e, T0.add_secs(72), &a)[0]).result.code, ResultCode::MESSAGE_HAS_EXPIRED);
    assert_eq!(stored(&e), 0);
}

#[test]
fn seed_4_2_store_is_bounded_per_user_507() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_stored_messages_per_user = 2;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    assert_eq!(send(&mut e, T0, &a, text("alice", "bob", "1")).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(send(&mut e, T0, &a, text("alice", "bob", "2")).result.code, ResultCode::SUCCESSFUL);
    let r = send(&mut e, T0, &a, text("alice", "bob", "3"));
    assert_eq!((r.result.code, r.message_id), (ResultCode::MESSAGE_QUEUE_FULL, None));
    let mut to = Recipient::user(uid("bob"));
    to.users.push(User::new(uid("carol")));
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to(uid("alice"), to, "4"));
    assert_eq!(r.result.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(detail_codes(&r.result), vec![507]);
    assert_eq!(r.result.detailed_results[0].user_ids, vec![uid("bob")]);
}

#[test]
fn seed_4_2_report_for_an_offline_sender_waits_for_its_login() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let mid = send(&mut e, T0, &a, text("alice", "bob", "bye").with_delivery_report(true)).message_id.unwrap();
    req(&mut e, T0, Some(&a), LogoutRequest::default());
    get_message(&mut e, T0.add_secs(5), &b, &mid).unwrap();
    assert_eq!(stored(&e), 1, "the report waits");
    let a = login(&mut e, T0.add_secs(10), "alice");
    let rep = poll(&mut e, T0.add_secs(10), &a);
    assert_eq!(rep.len(), 1);
    assert_eq!(report(&rep[0]).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(report(&rep[0]).delivery_time, Some(T0.add_secs(5).to_datetime()));
    assert_eq!(stored(&e), 0);
}

#[test]
fn seed_4_2_unfetched_report_is_kept_when_the_session_ends() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let mid = send(&mut e, T0, &a, text("alice", "bob", "r").with_delivery_report(true)).message_id.unwrap();
    get_message(&mut e, T0, &b, &mid).unwrap();
    // The report is queued for alice's session, which expires before she polls.
    e.handle_timeout(T0.add_secs(1000));
    assert!(e.session(&a.clone().into()).is_none());
    assert_eq!(stored(&e), 1);
    let a = login(&mut e, T0.add_secs(2000), "alice");
    assert_eq!(report(&poll(&mut e, T0.add_secs(2000), &a)[0]).result.code, ResultCode::SUCCESSFUL);
}

#[test]
fn seed_4_2_unconfirmed_push_goes_back_to_the_store_and_is_never_delivered_twice() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mid = send(&mut e, T0, &a, text("alice", "bob", "again?").with_delivery_report(true)).message_id.unwrap();
    poll(&mut e, T0, &b);
    req(&mut e, T0, Some(&b), LogoutRequest::default());
    assert_eq!(stored(&e), 1);
    let b = login(&mut e, T0.add_secs(1), "bob");
    let got = poll(&mut e, T0.add_secs(1), &b);
    assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&mid));
    get_message(&mut e, T0.add_secs(2), &b, &mid).unwrap();
    assert_eq!(get_message(&mut e, T0.add_secs(2), &b, &mid).unwrap_err(), 426);
    let reps = poll(&mut e, T0.add_secs(3), &a);
    assert_eq!(reps.len(), 1);
    assert_eq!(report(&reps[0]).result.code, ResultCode::SUCCESSFUL);
}

#[test]
fn seed_4_2_a_full_session_queue_leaves_the_message_stored() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_session_queue = 1;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let m1 = send(&mut e, T0, &a, text("alice", "bob", "1")).message_id.unwrap();
    let m2 = send(&mut e, T0, &a, text("alice", "bob", "2")).message_id.unwrap();
    let r = req(&mut e, T0, Some(&b), GetMessageListRequest::default());
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!() };
    assert_eq!(list.message_infos.len(), 2);
    let got = poll(&mut e, T0, &b);
    assert_eq!(new_message(&got[0]).message_info.message_id.as_ref(), Some(&m1));
    // The next poll finds room in the queue: the stored message is announced then.
    let got = poll(&mut e, T0, &b);
    assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&m2));
    assert_eq!(get_message(&mut e, T0, &b, &m2).unwrap().content_data.as_deref(), Some("2"));
}

#[test]
fn seed_4_2_a_report_kept_while_the_queue_was_full_reaches_the_sender_at_its_next_poll() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_session_queue = 1;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let m1 = send(&mut e, T0, &a, text("alice", "bob", "1").with_delivery_report(true)).message_id.unwrap();
    let m2 = send(&mut e, T0, &a, text("alice", "bob", "2").with_delivery_report(true)).message_id.unwrap();
    get_message(&mut e, T0, &b, &m1).unwrap();
    get_message(&mut e, T0, &b, &m2).unwrap();
    // Alice's queue holds one report; the other is kept.
    assert_eq!(stored(&e), 1);
    let got = poll(&mut e, T0, &a);
    assert_eq!(got.len(), 1);
    assert_eq!(report(&got[0]).message_info.message_id.as_ref(), Some(&m1));
    // The next poll finds room: the kept report is handed over then.
    let got = poll(&mut e, T0, &a);
    assert_eq!(report(&got[0]).message_info.message_id.as_ref(), Some(&m2));
    assert_eq!(stored(&e), 0);
}

// ---- seed 4.3: access control ----

#[test]
fn seed_4_3_block_lists_in_1_1_1_2_and_1_3_forms() {
    let mut e = engine();
    let b = login(&mut e, T0, "bob");
    // 1.2: add two users and a screen name to the block list, switch it on.
    let mut add = EntityList::users([uid("alice"), "WV:Carol@Example.com".into()]);
    let mut sn = ScreenName::default();
    sn.sname = "Troll".into();
    sn.group_id = "wv:chat/lobby@example.com".into();
    add.screen_names.push(sn.clone());
    let mut be = BlockEntityRequest::default();
    be.block_list = Some(AccessList::changes(Some(add), None).with_in_use(true));
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), be)), 200);
    let r = req(&mut e, T0, Some(&b), GetBlockedListRequest::default());
    let Primitive::GetBlockedListResponse(l) = only(&r) else { panic!("{r:?}") };
    assert_eq!(l.block_list_applied(), Some(true));
    assert_eq!(l.grant_list_applied(), Some(false));
    let bl = l.block_list.as_ref().unwrap().entity_list().unwrap();
    assert_eq!(bl.user_ids, vec![uid("alice"), uid("carol")]);
    assert_eq!(bl.screen_names, vec![sn]);

    // 1.1: BlockUser-Request removes carol; 1.3 flags at primitive level.
    let b11 = login_with(&mut e, T0, "bob", "c11", Version::V1_1, Encoding::Wbxml);
    let r = request(
        &mut e,
        T0,
        Some(&b11),
        BlockEntityRequest::unblock_users([uid("carol")]),
        Version::V1_1,
        Encoding::Wbxml,
    );
    assert_eq!(status_code(&r), 200);
    let b13 = login_with(&mut e, T0, "bob", "c13", Version::V1_3, XML);
    let mut be = BlockEntityRequest::default();
    be.block_list_in_use = Some(false);
    be.grant_list = Some(AccessList::entities(EntityList::users([uid("dave")])));
    be.grant_list_in_use = Some(true);
    assert_eq!(status_code(&request(&mut e, T0, Some(&b13), be, Version::V1_3, XML)), 200);
    let r = request(&mut e, T0, Some(&b13), GetBlockedListRequest::default(), Version::V1_3, XML);
    let Primitive::GetBlockedListResponse(l) = only(&r) else { panic!("{r:?}") };
    assert_eq!((l.block_list_in_use, l.grant_list_in_use), (Some(false), Some(true)));
    assert_eq!(l.block_list.as_ref().unwrap().in_use, None);
    assert_eq!(l.block_list.as_ref().unwrap().entity_list().unwrap().user_ids, vec![uid("alice")]);
    assert_eq!(l.grant_list.as_ref().unwrap().entity_list().unwrap().user_ids, vec![uid("dave")]);
}

#[test]
fn seed_4_3_block_entity_is_all_or_nothing() {
    let mut e = engine();
    let b = login(&mut e, T0, "bob");
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), BlockEntityRequest::block_users([uid("alice")]))), 200);
    // A valid block-list change and an invalid grant-list entry (empty screen name): 402, and
    // the block list is as it was.
    let mut bad = EntityList::default();
    let mut sn = ScreenName::default();
    sn.group_id = "wv:chat/lobby@example.com".into();
    bad.screen_names.push(sn);
    let mut be = BlockEntityRequest::block_users([uid("carol")]);
    be.grant_list = Some(AccessList::changes(Some(bad), None));
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), be)), 402);
    let r = req(&mut e, T0, Some(&b), GetBlockedListRequest::default());
    let Primitive::GetBlockedListResponse(l) = only(&r) else { panic!() };
    assert_eq!(l.block_list.as_ref().unwrap().entity_list().unwrap().user_ids, vec![uid("alice")]);
    assert!(l.grant_list.as_ref().unwrap().entity_list().unwrap().is_empty());
    // 1.3 ContactList entries are not supported.
    let b13 = login_with(&mut e, T0, "bob", "c13", Version::V1_3, XML);
    let mut l = EntityList::default();
    l.contact_lists.push("wv:bob/friends@example.com".into());
    let mut be = BlockEntityRequest::default();
    be.block_list = Some(AccessList::changes(Some(l), None));
    assert_eq!(status_code(&request(&mut e, T0, Some(&b13), be, Version::V1_3, XML)), 402);
}

#[test]
fn seed_4_3_contact_list_recipient_that_does_not_exist_is_700() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let mut to = Recipient::default();
    to.contact_lists.push("wv:alice/nothere@example.com".into());
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to(uid("alice"), to, "x"));
    assert_eq!(r.result.code, ResultCode::CONTACT_LIST_DOES_NOT_EXIST);
    assert_eq!(r.result.detailed_results[0].contact_lists, vec![ContactListId::new("wv:alice/nothere@example.com")]);
}

#[test]
fn seed_4_1_group_recipient_of_a_missing_group_is_800() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to_group(uid("alice"), "wv:alice/nogroup@example.com", "x"));
    assert_eq!(r.result.code, ResultCode::GROUP_DOES_NOT_EXIST);
    assert_eq!(r.result.detailed_results[0].group_ids, vec!["wv:alice/nogroup@example.com".into()]);
    let mut to = Recipient::default();
    let mut sn = ScreenName::default();
    sn.sname = "Bob".into();
    sn.group_id = "wv:alice/nogroup@example.com".into();
    to.groups.push(Group::ScreenName(sn));
    let r = send(&mut e, T0, &a, SendMessageRequest::text_to(uid("alice"), to, "x"));
    assert_eq!(r.result.code, ResultCode::GROUP_DOES_NOT_EXIST);
    // Per-group delivery settings need an existing group.
    let mut sd = SetDeliveryMethodRequest::new(DeliveryMethod::Notify);
    sd.group_id = Some("wv:alice/nogroup@example.com".into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), sd)), 800);
}

#[test]
fn limits_default_is_sane_for_im() {
    let l = Limits::default();
    assert!(l.max_message_bytes < l.max_request_bytes);
    assert!(l.default_message_validity_secs <= l.max_message_validity_secs);
}

// ---- group messages (seed 4.1, seed 5) ----

const CHAT: &str = "wv:alice/chat@example.com";

/// Alice creates the open group `CHAT` and joins it under her user id.
fn open_chat(e: &mut TestEngine, now: Timestamp, alice: &str) {
    use imps_csp::primitive::group::{AccessType, CreateGroupRequest, GroupProperties};
    let props = GroupProperties::default().with_name("Chat").with_access_type(AccessType::Open);
    assert_eq!(status_code(&req(e, now, Some(alice), CreateGroupRequest::new(CHAT, props))), 200);
}

fn join_chat(e: &mut TestEngine, now: Timestamp, sid: &str, screen: Option<&str>) {
    use imps_csp::primitive::group::JoinGroupRequest;
    let mut j = JoinGroupRequest::new(CHAT);
    if let Some(n) = screen {
        j = j.with_screen_name(n);
    }
    let r = req(e, now, Some(sid), j);
    assert!(matches!(only(&r), Primitive::JoinGroupResponse(_)), "{r:?}");
}

fn screen(name: &str) -> ScreenName {
    let mut s = ScreenName::default();
    s.sname = name.into();
    s.group_id = CHAT.into();
    s
}

#[test]
fn seed_5_group_message_reaches_every_joined_session_but_the_senders_under_its_screen_name() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    open_chat(&mut e, T0, &a);
    join_chat(&mut e, T0, &b, Some("Bobby"));
    join_chat(&mut e, T0, &c, None);
    let r =
        send(&mut e, T0, &b, SendMessageRequest::text_to_group(uid("bob"), CHAT, "hi all").with_delivery_report(true));
    assert_eq!(r.result.code, ResultCode::SUCCESSFUL);
    let mid = r.message_id.unwrap();
    let mut ids = Vec::new();
    for s in [&a, &c] {
        let got = poll(&mut e, T0, s);
        assert_eq!(got.len(), 1, "{got:?}");
        let m = new_message(&got[0]);
        assert_eq!(m.content_data.as_deref(), Some("hi all"));
        assert_eq!(
            m.message_info.sender,
            Sender::Group(Group::ScreenName(screen("Bobby"))),
            "anonymous by screen name"
        );
        assert_eq!(m.message_info.recipient, Recipient::group(CHAT));
        ids.push(m.message_info.message_id.clone().unwrap());
        respond(&mut e, T0, s, &tid(&got[0]), MessageDelivered::new(m.message_info.message_id.clone().unwrap()));
    }
    ids.sort();
    assert_eq!(ids, vec![MessageId::new(format!("{mid}.1")), MessageId::new(format!("{mid}.2"))]);
    assert!(poll(&mut e, T0, &d).is_empty(), "not joined");
    // The sender gets no copy, and one report: delivery to the group, at once.
    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 1, "{got:?}");
    let rep = report(&got[0]);
    assert_eq!(rep.result.code, ResultCode::SUCCESSFUL);
    assert_eq!(rep.message_info.message_id.as_ref(), Some(&mid));
    assert_eq!(rep.message_info.recipient, Recipient::group(CHAT));
    assert_eq!(rep.delivery_time, Some(T0.to_datetime()));
    // Group copies live with their sessions: nothing is persisted.
    assert_eq!(stored(&e), 0);

    // Without a screen name the sender is the user.
    send(&mut e, T0, &c, SendMessageRequest::text_to_group(uid("carol"), CHAT, "me too"));
    let got = poll(&mut e, T0, &b);
    assert_eq!(new_message(&got[0]).message_info.sender, Sender::User(User::new(uid("carol"))));
}

#[test]
fn seed_5_sender_not_joined_gets_808_for_the_group_only() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let d = login(&mut e, T0, "dave");
    open_chat(&mut e, T0, &a);
    let mut to = Recipient::group(CHAT);
    to.users.push(User::new(uid("bob")));
    let r = send(&mut e, T0, &d, SendMessageRequest::text_to(uid("dave"), to, "hello?"));
    assert_eq!(r.result.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(detail_codes(&r.result), vec![808]);
    assert_eq!(r.result.detailed_results[0].group_ids, vec![CHAT.into()]);
    assert_eq!(new_message(&poll(&mut e, T0, &b)[0]).content_data.as_deref(), Some("hello?"));
    assert!(poll(&mut e, T0, &a).is_empty());
}

#[test]
fn seed_5_private_message_inside_a_group_by_screen_name() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    open_chat(&mut e, T0, &a);
    join_chat(&mut e, T0, &b, Some("Bobby"));
    join_chat(&mut e, T0, &c, Some("Cee"));
    let mut to = Recipient::default();
    to.groups.push(Group::ScreenName(screen("Bobby")));
    let r = send(&mut e, T0, &c, SendMessageRequest::text_to(uid("carol"), to.clone(), "psst"));
    assert_eq!(r.result.code, ResultCode::SUCCESSFUL);
    let got = poll(&mut e, T0, &b);
    let m = new_message(&got[0]);
    assert_eq!(m.content_data.as_deref(), Some("psst"));
    assert_eq!(m.message_info.sender, Sender::Group(Group::ScreenName(screen("Cee"))));
    assert_eq!(m.message_info.recipient, to);
    assert!(poll(&mut e, T0, &a).is_empty(), "private: nobody else");
    // An unknown screen name: 531 with the screen name in the details.
    let mut to = Recipient::default();
    to.groups.push(Group::ScreenName(screen("Nobody")));
    let r = send(&mut e, T0, &c, SendMessageRequest::text_to(uid("carol"), to, "?"));
    assert_eq!(r.result.code, ResultCode::UNKNOWN_USER);
    assert_eq!(r.result.detailed_results[0].screen_names, vec![screen("Nobody")]);
}

#[test]
fn seed_4_1_delivery_method_per_group() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    open_chat(&mut e, T0, &a);
    join_chat(&mut e, T0, &b, None);
    let mut sd = SetDeliveryMethodRequest::new(DeliveryMethod::Notify);
    sd.group_id = Some("WV:Alice/Chat@Example.com".into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), sd)), 200);
    let g =
        send(&mut e, T0, &a, SendMessageRequest::text_to_group(uid("alice"), CHAT, "to the group")).message_id.unwrap();
    send(&mut e, T0, &a, text("alice", "bob", "to bob"));
    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 2);
    assert_eq!(notification(&got[0]).message_info.message_id.as_ref(), Some(&g));
    assert_eq!(new_message(&got[1]).content_data.as_deref(), Some("to bob"));
    // GetMessageList by group lists the group's messages only.
    let mut lr = GetMessageListRequest::default();
    lr.group_id = Some(CHAT.into());
    let r = req(&mut e, T0, Some(&b), lr);
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!("{r:?}") };
    let listed: Vec<_> = list.message_infos.iter().map(|i| i.message_id.clone().unwrap()).collect();
    assert_eq!(listed, vec![g.clone()]);
    assert_eq!(get_message(&mut e, T0, &b, &g).unwrap().content_data.as_deref(), Some("to the group"));
}

#[test]
fn seed_5_group_copies_end_with_their_session() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    open_chat(&mut e, T0, &a);
    join_chat(&mut e, T0, &b, None);
    set_delivery(&mut e, T0, &b, DeliveryMethod::Notify, None);
    let g = send(&mut e, T0, &a, SendMessageRequest::text_to_group(uid("alice"), CHAT, "x")).message_id.unwrap();
    assert_eq!(notification(&poll(&mut e, T0, &b)[0]).message_info.message_id.as_ref(), Some(&g));
    req(&mut e, T0, Some(&b), LogoutRequest::default());
    let b = login(&mut e, T0, "bob");
    assert!(poll(&mut e, T0, &b).is_empty());
    let r = req(&mut e, T0, Some(&b), GetMessageListRequest::default());
    let Primitive::GetMessageListResponse(list) = only(&r) else { panic!() };
    assert!(list.message_infos.is_empty(), "a group message is not kept for a user who is no longer joined");
    assert_eq!(get_message(&mut e, T0, &b, &g).unwrap_err(), 426);
}

// ---- access control and contact lists through the presence feature (seed 4.3, 4.1) ----

fn block(e: &mut TestEngine, now: Timestamp, sid: &str, list: EntityList, grant: bool) {
    let mut be = BlockEntityRequest::default();
    let l = Some(AccessList::changes(Some(list), None).with_in_use(true));
    if grant {
        be.grant_list = l;
    } else {
        be.block_list = l;
    }
    assert_eq!(status_code(&req(e, now, Some(sid), be)), 200);
}

#[test]
fn seed_4_3_a_blocked_sender_gets_532_and_the_recipient_nothing() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    block(&mut e, T0, &b, EntityList::users(["WV:Alice@example.com"]), false);
    let r = send(&mut e, T0, &a, text("alice", "bob", "let me in").with_delivery_report(true));
    assert_eq!((r.result.code, r.message_id.clone()), (ResultCode::RECIPIENT_BLOCKED_THE_SENDER, None));
    assert_eq!(r.result.detailed_results[0].user_ids, vec![uid("bob")]);
    assert!(poll(&mut e, T0, &b).is_empty());
    assert!(poll(&mut e, T0, &a).is_empty(), "no report for a refused message");
    assert_eq!(send(&mut e, T0, &c, text("carol", "bob", "hi")).result.code, ResultCode::SUCCESSFUL);
    poll(&mut e, T0, &b);
    // A grant list in use admits only whom it names; blocked still wins.
    block(&mut e, T0, &b, EntityList::users([uid("dave"), uid("alice")]), true);
    assert_eq!(send(&mut e, T0, &c, text("carol", "bob", "?")).result.code, ResultCode::RECIPIENT_BLOCKED_THE_SENDER);
    assert_eq!(send(&mut e, T0, &d, text("dave", "bob", "ok")).result.code, ResultCode::SUCCESSFUL);
    assert_eq!(send(&mut e, T0, &a, text("alice", "bob", "?")).result.code, ResultCode::RECIPIENT_BLOCKED_THE_SENDER);
    // Unblocking alice lets her through (she is on the grant list).
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), BlockEntityRequest::unblock_users([uid("alice")]))), 200);
    assert_eq!(send(&mut e, T0, &a, text("alice", "bob", "finally")).result.code, ResultCode::SUCCESSFUL);
    let got: Vec<_> = poll(&mut e, T0, &b).iter().map(|t| new_message(t).content_data.clone().unwrap()).collect();
    assert_eq!(got, vec!["ok", "finally"]);
}

#[test]
fn seed_4_3_block_lists_apply_to_group_messages() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    open_chat(&mut e, T0, &a);
    join_chat(&mut e, T0, &b, Some("Bobby"));
    join_chat(&mut e, T0, &c, Some("Cee"));
    join_chat(&mut e, T0, &d, None);
    // Carol blocks Bobby's screen name, dave the whole group.
    let mut l = EntityList::default();
    l.screen_names.push(screen("Bobby"));
    block(&mut e, T0, &c, l, false);
    let mut l = EntityList::default();
    l.group_ids.push(CHAT.into());
    block(&mut e, T0, &d, l, false);
    let r = send(&mut e, T0, &b, SendMessageRequest::text_to_group(uid("bob"), CHAT, "hello group"));
    assert_eq!(r.result.code, ResultCode::SUCCESSFUL, "the sender learns about delivery to the group only");
    assert_eq!(poll(&mut e, T0, &a).len(), 1);
    assert!(poll(&mut e, T0, &c).is_empty());
    assert!(poll(&mut e, T0, &d).is_empty());
    // A private message to Cee from Bobby is refused: 532 naming the screen name.
    let mut to = Recipient::default();
    to.groups.push(Group::ScreenName(screen("Cee")));
    let r = send(&mut e, T0, &b, SendMessageRequest::text_to(uid("bob"), to, "psst"));
    assert_eq!(r.result.code, ResultCode::RECIPIENT_BLOCKED_THE_SENDER);
    assert_eq!(r.result.detailed_results[0].screen_names, vec![screen("Cee")]);
    // Bob one-to-one is neither his screen name nor the group: carol and dave get it.
    send(&mut e, T0, &b, text("bob", "carol", "direct"));
    send(&mut e, T0, &b, text("bob", "dave", "direct"));
    assert_eq!(poll(&mut e, T0, &c).len(), 1);
    assert_eq!(poll(&mut e, T0, &d).len(), 1);
}

#[test]
fn seed_4_3_block_lists_survive_a_restart() {
    let config = ServerConfig::new("example.com");
    let mut e = engine_with(config.clone());
    let b = login(&mut e, T0, "bob");
    block(&mut e, T0, &b, EntityList::users([uid("alice")]), false);
    let storage = e.storage().clone();
    drop(e);
    let mut e: TestEngine = Engine::new(config, storage, SplitMix64(9)).unwrap();
    let a = login(&mut e, T0, "alice");
    assert_eq!(send(&mut e, T0, &a, text("alice", "bob", "x")).result.code, ResultCode::RECIPIENT_BLOCKED_THE_SENDER);
    let b = login(&mut e, T0, "bob");
    let r = req(&mut e, T0, Some(&b), GetBlockedListRequest::default());
    let Primitive::GetBlockedListResponse(l) = only(&r) else { panic!("{r:?}") };
    assert_eq!(l.block_list_applied(), Some(true));
    assert_eq!(l.block_list.as_ref().unwrap().entity_list().unwrap().user_ids, vec![uid("alice")]);
}

#[test]
fn seed_4_1_message_to_a_contact_list_reaches_its_members() {
    use imps_csp::primitive::lists::{CreateListRequest, NickEntry, NickList};
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let d = login(&mut e, T0, "dave");
    let list = ContactListId::new("wv:alice/friends@example.com");
    let members = NickList::new(vec![NickEntry::user(uid("bob")), NickEntry::user(uid("carol"))]);
    let r = req(&mut e, T0, Some(&a), CreateListRequest::new(list.clone()).with_members(members));
    assert!(matches!(only(&r), Primitive::Status(s) if s.result.code.0 == 200), "{r:?}");
    let mut to = Recipient::default();
    to.contact_lists.push(list.clone());
    to.users.push(User::new(uid("bob")));
    let r = send(
        &mut e,
        T0,
        &a,
        SendMessageRequest::text_to(uid("alice"), to.clone(), "friends!").with_delivery_report(true),
    );
    assert_eq!(r.result.code, ResultCode::SUCCESSFUL);
    let got = poll(&mut e, T0, &b);
    assert_eq!(got.len(), 1, "bob named twice gets one copy");
    assert_eq!(new_message(&got[0]).message_info.recipient, to);
    assert!(poll(&mut e, T0, &d).is_empty());
    // Carol is offline: her copy is stored.
    assert_eq!(stored(&e), 2);
    assert!(e.storage().messages().any(|(_, m)| m.recipient() == &uid("carol")));
}
