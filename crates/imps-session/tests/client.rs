//! The client session against a scripted peer (see `client_harness.rs`): login, negotiation,
//! keep-alive, transactions, server-originated transactions, polling, delivery methods, logout
//! and disconnection, and robustness against malformed, late, duplicated and unexpected input.

#[path = "client_harness.rs"]
mod harness;

use harness::{all_flavours, client_id, config, Harness, T0};
use imps_csp::elements::{ClientId, Recipient, Sender, User};
use imps_csp::ids::{GroupId, MessageId, SessionId, TransactionId, UserId};
use imps_csp::presence::PresenceSubList;
use imps_csp::primitive::access::{
    AgreedCapabilityList, ClientCapabilityResponse, DeliveryMethod, DigestSchema, Disconnect, Function, FunctionSet,
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
use imps_csp::primitive::v13::{NotificationRequest, NotificationType, SystemMessageRequest};
use imps_csp::schema::Elem;
use imps_csp::{
    CspResult, Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version,
};
use imps_session::client::{
    ClientConfig, DisconnectReason, Event, InputError, Limits, Phase, Services, Session, SessionError, Timestamp,
    UnexpectedReason,
};
use imps_session::digest::{password_digest, DigestAlgorithm};

fn all_functions(v: Version) -> ServiceTree {
    ServiceTree::from_functions(FunctionSet::all_in(v))
}

fn text_info(id: &str, from: &str, text: &str) -> MessageInfo {
    let mut info = MessageInfo::text(Sender::User(User::new(from)), Recipient::user("wv:alice@example.com"), text);
    info.message_id = Some(MessageId::new(id));
    info
}

fn result(code: u32, description: &str) -> CspResult {
    let mut r = CspResult::new(ResultCode(code));
    r.description = Some(description.to_owned());
    r
}

fn only_event(h: &mut Harness) -> Event {
    let mut events = h.take_events();
    assert_eq!(events.len(), 1, "expected one event: {events:#?}");
    events.remove(0)
}

// ---------------------------------------------------------------------------------------------
// Login
// ---------------------------------------------------------------------------------------------

#[test]
fn password_login_then_automatic_negotiation() {
    for (v, e) in all_flavours() {
        let mut h = Harness::new(config(v, e).with_time_to_live(600));
        let id = h.call(|s, now| s.login(now)).unwrap();
        assert_eq!(h.session.phase(), Phase::LoggingIn);
        let sent = h.take_sent();
        assert_eq!(sent.len(), 1);
        assert!(sent[0].message.session.session_id.is_none(), "login is outband");
        let (tid, p) = sent[0].only();
        assert_eq!(tid, &id);
        let Primitive::LoginRequest(req) = p else { panic!("{p:?}") };
        assert_eq!(req.user_id, UserId::new("wv:alice@example.com"));
        assert_eq!(req.password.as_deref(), Some("secret"));
        assert_eq!(req.session_cookie, "cookie-1");
        assert_eq!(req.time_to_live, Some(600));
        assert!(req.digest_bytes.is_none());

        h.respond(&id, LoginResponse::success(client_id(), "s-1", 120, true));
        assert_eq!(
            h.take_events(),
            vec![Event::LoggedIn { session_id: SessionId::new("s-1"), keep_alive_time: 120, capability_request: true }]
        );
        assert!(h.session.is_logged_in());
        assert_eq!(h.session.keep_alive_time(), Some(120));

        // CapabilityRequest T: ClientCapability-Request first, inband.
        let sent = h.take_sent();
        assert_eq!(sent[0].message.session.session_id, Some(SessionId::new("s-1")));
        let (cid, p) = sent[0].only();
        let Primitive::ClientCapabilityRequest(c) = p else { panic!("{p:?}") };
        let list = c.capability_list.as_ref().unwrap();
        assert_eq!(list.initial_delivery_method, DeliveryMethod::Push);
        assert_eq!(list.accepted_content_types, vec!["text/plain".to_owned()]);
        assert_eq!(c.client_id.is_some(), v == Version::V1_1, "ClientID only in 1.1");
        assert_eq!(list.accepted_content_length.is_some(), v != Version::V1_3, "no AcceptedContentLength in 1.3");
        let cid = cid.clone();
        let mut agreed = AgreedCapabilityList::default();
        agreed.server_poll_min = Some(10);
        let caps = if v == Version::V1_1 {
            let mut r = ClientCapabilityResponse::default();
            r.client_id = Some(client_id());
            r
        } else {
            ClientCapabilityResponse::agreed(agreed)
        };
        h.respond(&cid, caps.clone());
        assert_eq!(h.take_events(), vec![Event::CapabilitiesAgreed(Box::new(caps))]);

        // Then Service-Request: markers in 1.2+, the explicit 1.1 list in 1.1.
        let (sid, p) = h.expect_request();
        let Primitive::ServiceRequest(s) = p else { panic!("{p:?}") };
        let asked = s.functions.unwrap();
        if v == Version::V1_1 {
            assert_eq!(asked, all_functions(Version::V1_1));
            assert!(s.client_id.is_some());
        } else {
            assert_eq!(asked, ServiceTree::all());
        }
        let tree = ServiceTree::from_functions([Function::SendMessage, Function::GetPresence].into());
        let mut resp = ServiceResponse::agreed(tree.clone());
        if v == Version::V1_1 {
            resp.client_id = Some(client_id());
        }
        h.respond(&sid, resp);
        assert_eq!(h.take_events(), vec![Event::ServicesAgreed(tree.clone())]);
        assert_eq!(h.session.agreed_services(), Some(&tree));
        h.expect_silence();
    }
}

#[test]
fn digest_login_md5_and_sha_in_every_flavour() {
    for (v, e) in all_flavours() {
        for (alg, schema) in [(DigestAlgorithm::Md5, DigestSchema::Md5), (DigestAlgorithm::Sha1, DigestSchema::Sha)] {
            let mut h = Harness::new(
                config(v, e)
                    .with_digest_login([DigestAlgorithm::Sha1, DigestAlgorithm::Md5])
                    .with_auto_negotiate(false),
            );
            let id = h.call(|s, now| s.login(now)).unwrap();
            let (_, p) = h.expect_request();
            let Primitive::LoginRequest(first) = p else { panic!() };
            assert!(first.password.is_none() && first.digest_bytes.is_none());
            let offered =
                if v == Version::V1_1 { vec![DigestSchema::Sha] } else { vec![DigestSchema::Sha, DigestSchema::Md5] };
            assert_eq!(first.digest_schemas, offered, "1.1 carries one DigestSchema");

            h.respond(&id, LoginResponse::challenge(client_id(), "n0nce", schema.clone()));
            assert!(h.take_events().is_empty());
            assert_eq!(h.session.phase(), Phase::LoggingIn);
            let (id2, p) = h.expect_request();
            assert_ne!(id2, id, "the second request is a new transaction");
            let Primitive::LoginRequest(second) = p else { panic!() };
            assert_eq!(second.digest_bytes, Some(password_digest(alg, "n0nce", "secret")));
            assert_eq!(second.digest_schemas, vec![schema]);
            assert!(second.password.is_none(), "the password never travels in digest login");

            h.respond(&id2, LoginResponse::success(client_id(), "s-1", 30, false));
            assert!(matches!(
                only_event(&mut h),
                Event::LoggedIn { keep_alive_time: 30, capability_request: false, .. }
            ));
            h.expect_silence();
        }
    }
}

#[test]
fn password_login_answers_a_challenge_with_a_digest() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml).with_auto_negotiate(false));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::challenge(client_id(), "abc", DigestSchema::Md5));
    let (id2, p) = h.expect_request();
    let Primitive::LoginRequest(second) = p else { panic!() };
    assert_eq!(second.digest_bytes.as_deref(), Some(password_digest(DigestAlgorithm::Md5, "abc", "secret").as_str()));
    h.respond(&id2, LoginResponse::success(client_id(), "s-1", 30, false));
    assert!(h.session.is_logged_in());
}

#[test]
fn digest_schema_the_client_cannot_use_fails_with_543() {
    // A schema the client cannot compute (MD4) and one it did not offer (MD5 when only SHA was).
    for (offered, asked) in [
        (vec![DigestAlgorithm::Sha1, DigestAlgorithm::Md5], DigestSchema::Md4),
        (vec![DigestAlgorithm::Sha1], DigestSchema::Md5),
    ] {
        let mut h = Harness::new(config(Version::V1_2, Encoding::Xml).with_digest_login(offered));
        let id = h.call(|s, now| s.login(now)).unwrap();
        h.take_sent();
        h.respond(&id, LoginResponse::challenge(client_id(), "n", asked));
        let Event::LoginFailed { code, .. } = only_event(&mut h) else { panic!() };
        assert_eq!(code, ResultCode::NO_MATCHING_DIGEST_SCHEME);
        assert_eq!(h.session.phase(), Phase::Idle);
        h.expect_silence();
    }
}

#[test]
fn refused_login_gives_the_code_and_a_retry_works() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Wbxml).with_auto_negotiate(false));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::failure(client_id(), result(409, "Invalid password")));
    assert_eq!(
        only_event(&mut h),
        Event::LoginFailed { code: ResultCode::INVALID_PASSWORD, description: Some("Invalid password".into()) }
    );
    assert_eq!(h.session.phase(), Phase::Idle);
    assert!(matches!(
        h.call(|s, now| s.send_message_to_user(now, "wv:bob@x", "hi")),
        Err(SessionError::NotLoggedIn { .. })
    ));

    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-2", 60, false));
    assert!(h.session.is_logged_in());
    assert_eq!(h.session.session_id(), Some(&SessionId::new("s-2")));
}

#[test]
fn odd_login_answers_fail_the_login() {
    // Challenged twice; success without SessionID; a Status error.
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml).with_digest_login([DigestAlgorithm::Md5]));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::challenge(client_id(), "1", DigestSchema::Md5));
    let (id2, _) = h.expect_request();
    h.respond(&id2, LoginResponse::challenge(client_id(), "2", DigestSchema::Md5));
    assert!(matches!(only_event(&mut h), Event::LoginFailed { code: ResultCode::UNAUTHORIZED, .. }));
    h.expect_silence();

    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    let mut r = LoginResponse::success(client_id(), "x", 60, false);
    r.session_id = None;
    h.respond(&id, r);
    let Event::LoginFailed { description, .. } = only_event(&mut h) else { panic!() };
    assert!(description.unwrap().contains("SessionID"));

    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, Status::code(ResultCode::SERVICE_UNAVAILABLE));
    assert!(matches!(only_event(&mut h), Event::LoginFailed { code: ResultCode::SERVICE_UNAVAILABLE, .. }));
    assert_eq!(h.session.phase(), Phase::Idle);
}

#[test]
fn login_timeout_then_late_response() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    assert_eq!(h.session.poll_timeout(), Some(T0.add_millis(30_000)));
    h.advance(29_999);
    assert!(h.take_events().is_empty());
    h.advance(1);
    let events = h.take_events();
    assert_eq!(events[0], Event::TransactionTimedOut { transaction_id: id.clone(), request: Elem::LoginRequest });
    assert!(matches!(events[1], Event::LoginFailed { code: ResultCode::REQUEST_TIMEOUT, .. }));
    assert_eq!(h.session.phase(), Phase::Idle);
    assert_eq!(h.session.poll_timeout(), None);

    h.respond(&id, LoginResponse::success(client_id(), "s-1", 60, false));
    assert_eq!(
        only_event(&mut h),
        Event::UnexpectedResponse {
            transaction_id: Some(id),
            primitive: Elem::LoginResponse,
            reason: UnexpectedReason::Late
        }
    );
    assert_eq!(h.session.phase(), Phase::Idle);
    assert_eq!(h.session.stats().late_responses, 1);
}

#[test]
fn login_is_refused_while_logged_in() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    assert_eq!(h.call(|s, now| s.login(now)), Err(SessionError::WrongPhase { phase: Phase::LoggedIn }));
    h.expect_silence();
}

#[test]
fn keep_alive_time_falls_back_to_time_to_live_then_the_default() {
    for (ttl, expected) in [(Some(90), 90), (None, 300)] {
        let mut cfg = config(Version::V1_2, Encoding::Xml).with_auto_negotiate(false);
        cfg.time_to_live = ttl;
        let mut h = Harness::new(cfg);
        let id = h.call(|s, now| s.login(now)).unwrap();
        h.take_sent();
        let mut r = LoginResponse::success(client_id(), "s-1", 0, false);
        r.keep_alive_time = None;
        h.respond(&id, r);
        assert_eq!(h.session.keep_alive_time(), Some(expected));
        assert_eq!(h.session.poll_timeout(), Some(T0.add_millis(expected as u64 * 1000 - 5000)));
    }
}

// ---------------------------------------------------------------------------------------------
// Negotiation
// ---------------------------------------------------------------------------------------------

#[test]
fn functions_not_agreed_are_refused_locally_with_506() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml));
    h.log_in(ServiceTree::from_functions([Function::GetPresence, Function::GetMessage].into()));
    assert!(h.session.function_allowed(Function::GetPresence));
    assert!(!h.session.function_allowed(Function::SendMessage));

    let err = h.call(|s, now| s.send_message_to_user(now, "wv:bob@example.com", "hi")).unwrap_err();
    assert_eq!(err, SessionError::ServiceNotAgreed { function: Function::SendMessage });
    assert_eq!(err.result_code(), ResultCode::SERVICE_NOT_AGREED);
    let err = h.call(|s, now| s.set_delivery_method(now, DeliveryMethod::Notify, None)).unwrap_err();
    assert_eq!(err.result_code(), ResultCode(506));
    h.expect_silence();
    assert!(h.take_events().is_empty());

    // Agreed functions and requests no function names go through.
    h.call(|s, now| s.get_presence(now, ["wv:bob@example.com"], None)).unwrap();
    let (_, p) = h.expect_request();
    assert!(matches!(p, Primitive::GetPresenceRequest(_)));
    h.call(|s, now| s.join_group(now, "wv:chat@example.com", None)).unwrap();
    h.expect_request();
}

#[test]
fn nothing_is_refused_before_services_are_agreed() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml).with_auto_negotiate(false));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-1", 60, true));
    assert!(matches!(only_event(&mut h), Event::LoggedIn { capability_request: true, .. }));
    h.expect_silence(); // no automatic negotiation
    assert!(h.session.agreed_services().is_none());
    h.call(|s, now| s.send_message_to_user(now, "wv:bob@example.com", "hi")).unwrap();
    h.expect_request();

    // Manual negotiation; a Service-Response without Functions agrees to what was asked.
    let id = h.call(|s, now| s.negotiate_services(now)).unwrap();
    h.expect_request();
    let mut resp = ServiceResponse::agreed(ServiceTree::new());
    resp.functions = None;
    h.respond(&id, resp);
    assert_eq!(only_event(&mut h), Event::ServicesAgreed(ServiceTree::all()));
}

#[test]
fn configured_service_tree_is_asked_for_and_capability_failure_does_not_stop_negotiation() {
    let asked = ServiceTree::from_functions([Function::SendMessage, Function::NewMessage].into());
    let mut h = Harness::new(config(Version::V1_3, Encoding::Wbxml).with_services(Services::Only(asked.clone())));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-1", 60, true));
    h.take_events();
    let (cid, _) = h.expect_request();
    h.respond(&cid, Status::code(ResultCode::NOT_IMPLEMENTED));
    let events = h.take_events();
    assert!(matches!(
        events[0],
        Event::TransactionFailed { code: ResultCode::NOT_IMPLEMENTED, request: Elem::ClientCapabilityRequest, .. }
    ));
    let (_, p) = h.expect_request();
    let Primitive::ServiceRequest(s) = p else { panic!() };
    assert_eq!(s.functions, Some(asked));
}

#[test]
fn capability_request_is_skipped_when_the_server_does_not_ask() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-1", 60, false));
    let (_, p) = h.expect_request();
    assert!(matches!(p, Primitive::ServiceRequest(_)));
}

// ---------------------------------------------------------------------------------------------
// Keep-alive
// ---------------------------------------------------------------------------------------------

#[test]
fn keep_alive_is_sent_when_nothing_else_was_sent_in_time() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    // Negotiation finished at T0; keep-alive 60 s minus the 5 s margin.
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(55)));
    h.advance(20_000);
    h.expect_silence();
    // Sending something postpones the keep-alive.
    let id = h.call(|s, now| s.get_presence(now, ["wv:bob@example.com"], None)).unwrap();
    h.take_sent();
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(50)), "the transaction timeout comes first");
    h.respond(&id, GetPresenceResponse::ok(vec![]));
    h.take_events();
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(75)));
    h.advance(54_999);
    h.expect_silence();
    h.advance(1);
    let (ka, p) = h.expect_request();
    assert!(matches!(p, Primitive::KeepAliveRequest(_)));
    // While it is in flight only its timeout is scheduled.
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(105)));
    // The response may change the interval.
    h.respond(&ka, KeepAliveResponse::ok(Some(30)));
    assert!(h.take_events().is_empty());
    assert_eq!(h.session.keep_alive_time(), Some(30));
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(75 + 25)));
    h.run_to_timeout();
    let (_, p) = h.expect_request();
    assert!(matches!(p, Primitive::KeepAliveRequest(_)));
}

#[test]
fn keep_alive_margin_is_at_most_half_the_interval() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml).with_auto_negotiate(false));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-1", 4, false));
    assert_eq!(h.session.poll_timeout(), Some(T0.add_millis(2_000)));
}

#[test]
fn unanswered_keep_alives_end_the_session() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let mut ids = Vec::new();
    for _ in 0..3 {
        h.run_to_timeout();
        let (id, p) = h.expect_request();
        assert!(matches!(p, Primitive::KeepAliveRequest(_)));
        ids.push(id);
        h.run_to_timeout();
    }
    let events = h.take_events();
    let timeouts = events.iter().filter(|e| matches!(e, Event::TransactionTimedOut { .. })).count();
    assert_eq!(timeouts, 3);
    assert!(matches!(
        events.last(),
        Some(Event::Disconnected { reason: DisconnectReason::KeepAliveFailed, code: ResultCode::REQUEST_TIMEOUT, .. })
    ));
    assert_eq!(h.session.phase(), Phase::Ended);
    assert_eq!(h.session.poll_timeout(), None);
}

#[test]
fn answering_server_requests_counts_as_activity() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    h.advance(50_000);
    h.server_requests(vec![MessageNotification::new(text_info("m1", "wv:bob@x", "hi")).into()]);
    assert_eq!(h.take_sent().len(), 1);
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(50 + 55)));
}

// ---------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------

#[test]
fn several_transactions_in_flight_matched_by_id_in_any_order() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Wbxml));
    let ids: Vec<TransactionId> = (0..5)
        .map(|i| h.call(|s, now| s.send_message_to_user(now, format!("wv:u{i}@example.com"), "hi")).unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "transaction ids are unique");
    assert_eq!(h.take_sent().len(), 5, "one POST per request");
    assert_eq!(h.session.in_flight().count(), 5);

    for i in [3usize, 0, 4, 1, 2] {
        h.respond(&ids[i], SendMessageResponse::ok(format!("msg-{i}")));
        let Event::Response { transaction_id, request, primitive } = only_event(&mut h) else { panic!() };
        assert_eq!(transaction_id, ids[i]);
        assert_eq!(request, Elem::SendMessageRequest);
        let Primitive::SendMessageResponse(r) = *primitive else { panic!() };
        assert_eq!(r.message_id, Some(MessageId::new(format!("msg-{i}"))));
    }
    assert_eq!(h.session.in_flight().count(), 0);
}

#[test]
fn transaction_ids_use_the_prefix() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml).with_transaction_id_prefix("app-"));
    let id = h.call(|s, now| s.login(now)).unwrap();
    assert!(id.as_str().starts_with("app-"), "{id}");
}

#[test]
fn failure_codes_are_typed_events_with_the_response() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.send_message_to_user(now, "wv:nobody@example.com", "hi")).unwrap();
    h.take_sent();
    let r = SendMessageResponse::new(result(531, "Unknown user"), None);
    h.respond(&id, r.clone());
    assert_eq!(
        only_event(&mut h),
        Event::TransactionFailed {
            transaction_id: id,
            request: Elem::SendMessageRequest,
            code: ResultCode::UNKNOWN_USER,
            description: Some("Unknown user".into()),
            primitive: Box::new(r.into()),
        }
    );
    assert!(h.session.is_logged_in());
}

#[test]
fn timeout_then_late_duplicate_and_unknown_responses_are_counted_and_ignored() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let slow = h.call(|s, now| s.get_presence(now, ["wv:bob@example.com"], None)).unwrap();
    h.advance(10_000);
    let quick = h.call(|s, now| s.get_presence(now, ["wv:carol@example.com"], None)).unwrap();
    h.take_sent();
    h.advance(20_000);
    assert_eq!(
        only_event(&mut h),
        Event::TransactionTimedOut { transaction_id: slow.clone(), request: Elem::GetPresenceRequest }
    );

    // Late.
    h.respond(&slow, GetPresenceResponse::ok(vec![]));
    assert!(matches!(only_event(&mut h), Event::UnexpectedResponse { reason: UnexpectedReason::Late, .. }));
    // Answered, then duplicated.
    h.respond(&quick, GetPresenceResponse::ok(vec![]));
    assert!(matches!(only_event(&mut h), Event::Response { .. }));
    h.respond(&quick, GetPresenceResponse::ok(vec![]));
    assert!(matches!(only_event(&mut h), Event::UnexpectedResponse { reason: UnexpectedReason::Duplicate, .. }));
    // Unknown.
    h.respond(&TransactionId::new("never-sent"), Status::ok());
    assert_eq!(
        only_event(&mut h),
        Event::UnexpectedResponse {
            transaction_id: Some(TransactionId::new("never-sent")),
            primitive: Elem::Status,
            reason: UnexpectedReason::Unknown
        }
    );
    let st = *h.session.stats();
    assert_eq!((st.late_responses, st.duplicate_responses, st.unknown_responses, st.timeouts), (1, 1, 1, 1));
    h.expect_silence();
    assert!(h.session.is_logged_in());
    // Still usable.
    h.call(|s, now| s.get_presence(now, ["wv:dave@example.com"], None)).unwrap();
    h.expect_request();
}

#[test]
fn a_response_of_the_wrong_kind_leaves_the_transaction_in_flight() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.get_presence(now, ["wv:bob@example.com"], None)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-9", 60, false));
    assert_eq!(
        only_event(&mut h),
        Event::UnexpectedResponse {
            transaction_id: Some(id.clone()),
            primitive: Elem::LoginResponse,
            reason: UnexpectedReason::WrongPrimitive
        }
    );
    assert_eq!(h.session.stats().mismatched_responses, 1);
    assert_eq!(h.session.session_id(), Some(&SessionId::new("s-1")));
    h.respond(&id, GetPresenceResponse::ok(vec![]));
    assert!(matches!(only_event(&mut h), Event::Response { .. }));
}

#[test]
fn a_1_1_response_without_transaction_id_is_reported() {
    let mut h = Harness::logged_in(config(Version::V1_1, Encoding::Xml));
    let mut t = Transaction::response("x", Status::ok());
    t.id = None;
    let m = Message::new(h.descriptor(), t);
    h.deliver(&m);
    assert!(matches!(
        only_event(&mut h),
        Event::UnexpectedResponse { transaction_id: None, reason: UnexpectedReason::MissingId, .. }
    ));
}

#[test]
fn bounds_refuse_new_requests_with_typed_errors() {
    let limits = Limits::default().with_max_in_flight(2).with_max_queued_transmits(3);
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml).with_limits(limits));
    let now = h.now;
    h.session.get_presence(now, ["wv:a@x"], None).unwrap();
    h.session.get_presence(now, ["wv:b@x"], None).unwrap();
    let err = h.session.get_presence(now, ["wv:c@x"], None).unwrap_err();
    assert_eq!(err, SessionError::TooManyInFlight { limit: 2 });
    assert_eq!(err.result_code(), ResultCode::MESSAGE_QUEUE_FULL);
    h.drain();
    h.take_sent();

    // Undrained transmits: the queue bound.
    let mut h = Harness::logged_in(
        config(Version::V1_2, Encoding::Xml).with_limits(Limits::default().with_max_queued_transmits(2)),
    );
    let now = h.now;
    h.session.get_presence(now, ["wv:a@x"], None).unwrap();
    h.session.get_presence(now, ["wv:b@x"], None).unwrap();
    assert_eq!(h.session.get_presence(now, ["wv:c@x"], None), Err(SessionError::QueueFull { limit: 2 }));
    h.drain();
    assert_eq!(h.take_sent().len(), 2);
    h.call(|s, now| s.get_presence(now, ["wv:c@x"], None)).unwrap();
}

#[test]
fn the_generic_request_checks_what_it_is_given() {
    let mut h = Harness::logged_in(config(Version::V1_3, Encoding::Xml));
    let now = h.now;
    // A server primitive.
    assert!(matches!(
        h.session.request(now, NewMessage::new(text_info("m", "wv:b@x", "x"), None)),
        Err(SessionError::NotAClientRequest { .. })
    ));
    // Not in 1.3.
    let err = h.session.request(now, imps_csp::primitive::presence::CancelAuthRequest::new("wv:bob@x")).unwrap_err();
    assert!(matches!(err, SessionError::NotInVersion { version: Version::V1_3, .. }), "{err:?}");
    // Login goes through login().
    let login = imps_csp::primitive::access::LoginRequest::new("wv:a@x", client_id(), "c");
    assert!(matches!(h.session.request(now, login), Err(SessionError::NotAClientRequest { .. })));
    h.drain();
    h.expect_silence();
    // A plain request works and answers with Event::Response.
    let id = h.call(|s, now| s.request(now, GetPresenceRequest::users(["wv:bob@x"]))).unwrap();
    h.take_sent();
    h.respond(&id, Status::ok());
    assert!(matches!(only_event(&mut h), Event::Response { request: Elem::GetPresenceRequest, .. }));
}

#[test]
fn requests_need_an_open_session() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml));
    let err = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap_err();
    assert_eq!(err, SessionError::NotLoggedIn { phase: Phase::Idle });
    assert_eq!(err.result_code(), ResultCode::INVALID_SESSION);
    assert!(h.call(|s, now| s.logout(now)).is_err());
    assert!(h.call(|s, now| s.poll(now)).is_err());
    h.expect_silence();
}

// ---------------------------------------------------------------------------------------------
// Server-originated transactions
// ---------------------------------------------------------------------------------------------

#[test]
fn new_message_is_surfaced_and_answered_with_message_delivered() {
    for (v, e) in all_flavours() {
        let mut h = Harness::logged_in(config(v, e));
        let nm = NewMessage::new(text_info("m-42", "wv:bob@example.com", "hello"), Some("hello".into()));
        let ids = h.server_requests(vec![nm.clone().into()]);
        assert_eq!(
            only_event(&mut h),
            Event::NewMessage { transaction_id: Some(ids[0].clone()), message: Box::new(nm) }
        );
        let sent = h.take_sent();
        assert_eq!(sent.len(), 1);
        let t = &sent[0].message.transactions[0];
        assert_eq!((t.mode, t.id.as_ref()), (TransactionMode::Response, Some(&ids[0])));
        assert_eq!(t.primitive, Primitive::MessageDelivered(imps_csp::primitive::im::MessageDelivered::new("m-42")));
        assert_eq!(sent[0].message.session.session_id, Some(SessionId::new("s-1")));
    }
}

fn every_surfaced_request() -> Vec<Primitive> {
    let bob = Sender::User(User::new("wv:bob@example.com"));
    let mut presence = PresenceSubList::default();
    presence.set_online(true);
    vec![
        MessageNotification::new(text_info("m-1", "wv:bob@example.com", "big")).into(),
        PresenceNotificationRequest::new("wv:bob@example.com", presence).into(),
        PresenceAuthRequest::new("wv:eve@example.com", None).into(),
        InviteUserRequest::new("inv-1", InviteType::Group, bob.clone()).into(),
        CancelInviteUserRequest::new("inv-1", bob.clone()).into(),
        InviteResponse::new("inv-2", true, bob.clone()).into(),
        GroupChangeNotice::new("wv:chat@example.com").into(),
        DeliveryReportRequest::new(
            CspResult::new(ResultCode::SUCCESSFUL),
            text_info("m-2", "wv:alice@example.com", "x"),
        )
        .into(),
        LeaveGroupResponse::new(Some(GroupId::new("wv:chat@example.com")), result(810, "Not a group member")).into(),
    ]
}

/// Whether `event` is the one the session surfaces for server request `request` (with id `id`).
fn surfaces(event: &Event, request: &Primitive, id: &TransactionId) -> bool {
    let tid = Some(id.clone());
    match (event, request) {
        (Event::MessageNotification { transaction_id, notification }, Primitive::MessageNotification(n)) => {
            *transaction_id == tid && **notification == *n
        }
        (Event::PresenceNotification { transaction_id, notification }, Primitive::PresenceNotificationRequest(n)) => {
            *transaction_id == tid && **notification == *n
        }
        (Event::PresenceAuthRequest { transaction_id, request }, Primitive::PresenceAuthRequest(r)) => {
            *transaction_id == tid && **request == *r
        }
        (Event::Invitation { transaction_id, invitation }, Primitive::InviteUserRequest(r)) => {
            *transaction_id == tid && **invitation == *r
        }
        (Event::InvitationCancelled { transaction_id, cancel }, Primitive::CancelInviteUserRequest(r)) => {
            *transaction_id == tid && **cancel == *r
        }
        (Event::InvitationAnswered { transaction_id, response }, Primitive::InviteResponse(r)) => {
            *transaction_id == tid && **response == *r
        }
        (Event::GroupChange { transaction_id, notice }, Primitive::GroupChangeNotice(r)) => {
            *transaction_id == tid && **notice == *r
        }
        (Event::DeliveryReport { transaction_id, report }, Primitive::DeliveryReportRequest(r)) => {
            *transaction_id == tid && **report == *r
        }
        (Event::LeftGroup { transaction_id, group_id, result }, Primitive::LeaveGroupResponse(r)) => {
            *transaction_id == tid && *group_id == r.group_id && *result == r.result
        }
        (Event::ServerRequest { transaction_id, primitive }, p) => *transaction_id == tid && **primitive == *p,
        _ => false,
    }
}

#[test]
fn every_server_request_becomes_an_event_and_gets_status_in_one_answer_message() {
    for (v, e) in all_flavours() {
        let mut h = Harness::logged_in(config(v, e));
        let mut requests = every_surfaced_request();
        requests.push(NotificationRequest::new(NotificationType::AuthorizationNeededUser).into());
        requests.push(SystemMessageRequest::new([]).into());
        // The primitives this version has (1.3 dropped PresenceAuth-Request, 1.1 and 1.2 lack the
        // 1.3 notification and system messages).
        requests.retain(|p| p.exists_in(v));
        assert!(requests.len() >= 9, "{v}: {}", requests.len());
        let ids = h.server_requests(requests.clone());
        let events = h.take_events();
        assert_eq!(events.len(), requests.len(), "{events:#?}");
        for ((event, request), id) in events.iter().zip(&requests).zip(&ids) {
            assert!(surfaces(event, request, id), "{v} {e:?}: {event:#?} for {request:#?}");
        }

        let sent = h.take_sent();
        assert_eq!(sent.len(), 1, "the answers to one message travel together");
        let answers = &sent[0].message.transactions;
        assert_eq!(answers.len(), ids.len());
        for (a, id) in answers.iter().zip(&ids) {
            assert_eq!(a.mode, TransactionMode::Response);
            assert_eq!(a.id.as_ref(), Some(id));
            assert_eq!(a.primitive, Primitive::Status(Status::ok()));
        }
    }
}

#[test]
fn server_requests_of_unexpected_kinds_are_answered_400_or_501() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let ext = imps_csp::primitive::access::ExtendedRequest::new(vec![]);
    let ids = h.server_requests(vec![GetPresenceRequest::users(["wv:x@y"]).into(), ext.into()]);
    let events = h.take_events();
    assert_eq!(
        events,
        vec![
            Event::UnexpectedRequest {
                transaction_id: Some(ids[0].clone()),
                request: Elem::GetPresenceRequest,
                answered: Some(ResultCode::BAD_REQUEST)
            },
            Event::UnexpectedRequest {
                transaction_id: Some(ids[1].clone()),
                request: Elem::ExtendedRequest,
                answered: Some(ResultCode::NOT_IMPLEMENTED)
            },
        ]
    );
    let sent = h.take_sent();
    let codes: Vec<_> = sent[0]
        .message
        .transactions
        .iter()
        .map(|t| match &t.primitive {
            Primitive::Status(s) => s.result.code,
            p => panic!("{p:?}"),
        })
        .collect();
    assert_eq!(codes, vec![ResultCode::BAD_REQUEST, ResultCode::NOT_IMPLEMENTED]);
    assert_eq!(h.session.stats().unexpected_requests, 2);
    assert!(h.session.is_logged_in());
}

#[test]
fn a_repeated_server_request_is_answered_again_but_surfaced_once() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let nm = NewMessage::new(text_info("m-7", "wv:bob@x", "hi"), Some("hi".into()));
    let (m, ids) = h.server_message(vec![nm.into()]);
    h.deliver(&m);
    assert!(matches!(only_event(&mut h), Event::NewMessage { .. }));
    let first = h.take_sent();
    h.deliver(&m);
    assert_eq!(
        only_event(&mut h),
        Event::DuplicateRequest { transaction_id: ids[0].clone(), request: Elem::NewMessage }
    );
    let second = h.take_sent();
    assert_eq!(first[0].message, second[0].message);
    assert_eq!(h.session.stats().duplicate_requests, 1);
}

#[test]
fn presence_authorisation_and_invitation_answers_are_requests() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    h.call(|s, now| s.authorize_presence(now, "wv:eve@example.com", true, None)).unwrap();
    let (_, p) = h.expect_request();
    let Primitive::PresenceAuthUser(a) = p else { panic!() };
    assert!(a.acceptance);
    let id = h.call(|s, now| s.respond_invitation(now, "inv-1", false, Some("busy".into()))).unwrap();
    let (_, p) = h.expect_request();
    let Primitive::InviteUserResponse(r) = p else { panic!() };
    assert!(!r.acceptance);
    assert_eq!(r.sender.and_then(|s| s.user_id().cloned()), Some(UserId::new("wv:alice@example.com")));
    h.respond(&id, Status::ok());
    assert!(matches!(only_event(&mut h), Event::Response { request: Elem::InviteUserResponse, .. }));
}

#[test]
fn server_requests_outside_a_session_are_not_answered() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml));
    h.server_requests(vec![NewMessage::new(text_info("m", "wv:b@x", "x"), None).into()]);
    assert!(matches!(only_event(&mut h), Event::UnexpectedRequest { answered: None, .. }));
    h.expect_silence();
}

#[test]
fn a_full_event_queue_refuses_server_requests_with_507_and_reports_the_drop() {
    let cfg = config(Version::V1_2, Encoding::Xml).with_limits(Limits::default().with_max_queued_events(2));
    let mut h = Harness::logged_in(cfg);
    let requests: Vec<Primitive> =
        (0..4).map(|i| NewMessage::new(text_info(&format!("m{i}"), "wv:b@x", "x"), None).into()).collect();
    let (m, _) = h.server_message(requests);
    let now = h.now;
    h.session.handle_incoming(now, &m.to_xml(Version::V1_2).unwrap());
    h.drain();
    let events = h.take_events();
    assert!(matches!(events[0], Event::NewMessage { .. }));
    assert!(matches!(events[1], Event::NewMessage { .. }));
    assert_eq!(events[2], Event::EventsDropped { count: 2 });
    let sent = h.take_sent();
    let answers: Vec<_> = sent[0].message.transactions.iter().map(|t| t.primitive.elem()).collect();
    assert_eq!(answers, vec![Elem::MessageDelivered, Elem::MessageDelivered, Elem::Status, Elem::Status]);
    let Primitive::Status(s) = &sent[0].message.transactions[3].primitive else { panic!() };
    assert_eq!(s.result.code, ResultCode::MESSAGE_QUEUE_FULL);
    assert_eq!(h.session.stats().refused_requests, 2);
}

#[test]
fn a_full_transmit_queue_drops_answers_visibly() {
    let cfg = config(Version::V1_2, Encoding::Xml).with_limits(Limits::default().with_max_queued_transmits(1));
    let mut h = Harness::logged_in(cfg);
    let now = h.now;
    h.session.get_presence(now, ["wv:a@x"], None).unwrap(); // fills the queue, not drained
    let (m, ids) = h.server_message(vec![MessageNotification::new(text_info("m", "wv:b@x", "x")).into()]);
    h.session.handle_incoming(now, &m.to_xml(Version::V1_2).unwrap());
    h.drain();
    let events = h.take_events();
    assert!(matches!(events[0], Event::MessageNotification { .. }));
    assert_eq!(events[1], Event::AnswersDropped { transaction_ids: ids });
    assert_eq!(h.take_sent().len(), 1);
    assert_eq!(h.session.stats().answers_dropped, 1);
}

// ---------------------------------------------------------------------------------------------
// Disconnection and expiry
// ---------------------------------------------------------------------------------------------

#[test]
fn server_disconnect_ends_the_session_and_abandons_transactions() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap();
    h.take_sent();
    h.server_requests(vec![Disconnect::forced_logout().into()]);
    assert_eq!(
        h.take_events(),
        vec![
            Event::TransactionAbandoned { transaction_id: id.clone(), request: Elem::GetPresenceRequest },
            Event::Disconnected {
                reason: DisconnectReason::Server,
                code: ResultCode::FORCED_LOGOUT,
                description: None
            },
        ]
    );
    h.expect_silence(); // Disconnect is not answered
    assert_eq!(h.session.phase(), Phase::Ended);
    assert_eq!(h.session.poll_timeout(), None);
    assert!(matches!(h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)), Err(SessionError::NotLoggedIn { .. })));
    // Later input is reported, nothing answered.
    h.respond(&id, GetPresenceResponse::ok(vec![]));
    assert!(matches!(only_event(&mut h), Event::UnexpectedResponse { reason: UnexpectedReason::Unknown, .. }));
    h.server_requests(vec![MessageNotification::new(text_info("m", "wv:b@x", "x")).into()]);
    assert!(matches!(only_event(&mut h), Event::UnexpectedRequest { answered: None, .. }));
    h.expect_silence();
    // A new login starts a new session.
    let lid = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&lid, LoginResponse::success(client_id(), "s-2", 60, false));
    assert!(h.session.is_logged_in());
}

#[test]
fn session_expiry_in_a_response_ends_the_session() {
    for code in [ResultCode::SESSION_EXPIRED, ResultCode::INVALID_SESSION] {
        let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
        h.run_to_timeout();
        let (ka, _) = h.expect_request();
        let mut r = KeepAliveResponse::ok(None);
        r.result = CspResult::new(code);
        h.respond(&ka, r);
        let events = h.take_events();
        assert!(matches!(events[0], Event::TransactionFailed { request: Elem::KeepAliveRequest, .. }));
        assert_eq!(events[1], Event::Disconnected { reason: DisconnectReason::Expired, code, description: None });
        assert_eq!(h.session.phase(), Phase::Ended);
    }
}

#[test]
fn disconnect_with_600_is_expiry() {
    let mut h = Harness::logged_in(config(Version::V1_3, Encoding::Wbxml));
    h.server_requests(vec![Disconnect::new(ResultCode::SESSION_EXPIRED).into()]);
    assert!(matches!(only_event(&mut h), Event::Disconnected { reason: DisconnectReason::Expired, .. }));
}

// ---------------------------------------------------------------------------------------------
// Logout
// ---------------------------------------------------------------------------------------------

#[test]
fn logout_ends_with_the_servers_disconnect() {
    for (v, e) in all_flavours() {
        let mut h = Harness::logged_in(config(v, e));
        let id = h.call(|s, now| s.logout(now)).unwrap();
        assert_eq!(h.session.phase(), Phase::LoggingOut);
        let (_, p) = h.expect_request();
        assert!(matches!(p, Primitive::LogoutRequest(_)));
        assert!(matches!(
            h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)),
            Err(SessionError::NotLoggedIn { .. })
        ));
        // Server requests are still handled while logging out.
        h.server_requests(vec![NewMessage::new(text_info("m-1", "wv:b@x", "x"), None).into()]);
        assert!(matches!(only_event(&mut h), Event::NewMessage { .. }));
        assert_eq!(h.take_sent().len(), 1);
        // The HTTP binding answers the Logout-Request with a Disconnect (server request).
        h.server_requests(vec![Disconnect::logged_out().into()]);
        let events = h.take_events();
        assert_eq!(events[0], Event::TransactionAbandoned { transaction_id: id, request: Elem::LogoutRequest });
        assert_eq!(
            events[1],
            Event::Disconnected {
                reason: DisconnectReason::LoggedOut,
                code: ResultCode::SUCCESSFUL,
                description: None
            }
        );
        assert_eq!(h.session.phase(), Phase::Ended);
        h.expect_silence();
    }
}

#[test]
fn logout_answered_as_a_response() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.logout(now)).unwrap();
    h.take_sent();
    h.respond(&id, Disconnect::logged_out());
    assert!(matches!(only_event(&mut h), Event::Disconnected { reason: DisconnectReason::LoggedOut, .. }));

    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.logout(now)).unwrap();
    h.take_sent();
    h.respond(&id, Status::ok());
    assert!(matches!(only_event(&mut h), Event::Disconnected { reason: DisconnectReason::LoggedOut, .. }));
}

#[test]
fn unanswered_logout_times_out_and_ends_the_session() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.logout(now)).unwrap();
    h.take_sent();
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(30)), "no keep-alive while logging out");
    h.run_to_timeout();
    let events = h.take_events();
    assert_eq!(events[0], Event::TransactionTimedOut { transaction_id: id, request: Elem::LogoutRequest });
    assert!(matches!(events[1], Event::Disconnected { reason: DisconnectReason::LogoutTimedOut, .. }));
}

// ---------------------------------------------------------------------------------------------
// Polling
// ---------------------------------------------------------------------------------------------

#[test]
fn poll_flag_makes_a_polling_request_due_in_every_version() {
    for (v, e) in all_flavours() {
        let mut h = Harness::logged_in(config(v, e));
        let id = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap();
        h.take_sent();
        // Poll T on the response: on TransactionDescriptor in 1.1, on Session in 1.2+.
        let mut m = Message::new(h.descriptor(), Transaction::response(id, GetPresenceResponse::ok(vec![])));
        m.poll = Some(true);
        let bytes = m.encode(v, e).unwrap();
        if e == Encoding::Xml {
            let xml = String::from_utf8(bytes.clone()).unwrap();
            let descriptor_end = xml.find("</TransactionDescriptor>").unwrap();
            let poll = xml.find("<Poll>").unwrap();
            assert_eq!(poll < descriptor_end, v == Version::V1_1, "{xml}");
        }
        h.deliver_bytes(&bytes);
        h.take_events();
        assert!(h.session.poll_wanted());
        assert_eq!(h.session.poll_timeout(), Some(h.now));
        h.run_to_timeout();
        let (pid, p) = h.expect_request();
        assert!(matches!(p, Primitive::PollingRequest(_)));
        assert!(!h.session.poll_wanted());
        // The answer: pending server transactions (and Poll F); the poll is complete.
        let (mut m, _) = h.server_message(vec![MessageNotification::new(text_info("m", "wv:b@x", "x")).into()]);
        m.poll = Some(false);
        h.deliver(&m);
        assert!(h.session.in_flight().all(|(id, _)| *id != pid), "poll completed");
        assert_eq!(h.take_sent().len(), 1, "the Status answer");
        assert_eq!(h.session.poll_timeout(), Some(h.now.add_secs(55)), "back to the keep-alive");
    }
}

#[test]
fn server_poll_min_spaces_automatic_polls_and_one_poll_is_in_flight_at_a_time() {
    let mut h = Harness::new(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.login(now)).unwrap();
    h.take_sent();
    h.respond(&id, LoginResponse::success(client_id(), "s-1", 600, true));
    let (cid, _) = h.expect_request();
    let mut agreed = AgreedCapabilityList::default();
    agreed.server_poll_min = Some(20);
    h.respond(&cid, ClientCapabilityResponse::agreed(agreed));
    let (sid, _) = h.expect_request();
    let mut m = Message::new(h.descriptor(), Transaction::response(sid, ServiceResponse::agreed(ServiceTree::all())));
    m.poll = Some(true);
    h.deliver(&m);
    h.take_events();
    h.run_to_timeout();
    let (p1, _) = h.expect_request();
    // Poll T again while the poll is in flight: nothing more until it completes.
    let (mut m, _) = h.server_message(vec![MessageNotification::new(text_info("m", "wv:b@x", "x")).into()]);
    m.poll = Some(true);
    h.advance(1_000);
    h.deliver(&m);
    assert!(matches!(only_event(&mut h), Event::MessageNotification { .. }));
    assert_eq!(h.take_sent().len(), 1, "only the Status answer");
    assert!(h.session.in_flight().all(|(id, _)| *id != p1));
    // The next poll waits for ServerPollMin after the previous one.
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(20)));
    h.advance(18_999);
    h.expect_silence();
    h.advance(1);
    let (p2, p) = h.expect_request();
    assert!(matches!(p, Primitive::PollingRequest(_)));
    // An empty body completes it too (nothing pending).
    h.deliver_bytes(b"");
    assert!(h.take_events().is_empty());
    assert!(h.session.in_flight().all(|(id, _)| *id != p2));
    // An empty body nobody waits for is reported.
    h.deliver_bytes(b"  \r\n");
    assert_eq!(only_event(&mut h), Event::MalformedInput { error: InputError::Empty });
}

#[test]
fn a_status_answering_the_poll_completes_it_and_explicit_polls_are_immediate() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.poll(now)).unwrap();
    let (pid, p) = h.expect_request();
    assert_eq!(pid, id);
    assert!(matches!(p, Primitive::PollingRequest(_)));
    h.respond(&id, Status::ok());
    assert!(h.take_events().is_empty());
    assert_eq!(h.session.in_flight().count(), 0);
}

#[test]
fn periodic_polling_when_configured() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml).with_poll_interval(Some(15)));
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(15)));
    h.run_to_timeout();
    let (id, p) = h.expect_request();
    assert!(matches!(p, Primitive::PollingRequest(_)));
    h.respond(&id, Status::ok());
    assert_eq!(h.session.poll_timeout(), Some(T0.add_secs(30)));
}

// ---------------------------------------------------------------------------------------------
// Delivery methods
// ---------------------------------------------------------------------------------------------

#[test]
fn notify_pull_delivery_chosen_at_login_fetches_with_get_message_and_acknowledges() {
    for (v, e) in all_flavours() {
        let mut h = Harness::logged_in(config(v, e).with_delivery_method(DeliveryMethod::Notify));
        assert_eq!(h.session.delivery_method(), DeliveryMethod::Notify);
        let info = text_info("m-9", "wv:bob@example.com", "a picture");
        h.server_requests(vec![MessageNotification::new(info.clone()).into()]);
        let Event::MessageNotification { notification, .. } = only_event(&mut h) else { panic!() };
        let mid = notification.message_info.message_id.clone().unwrap();
        h.take_sent();

        let id = h.call(|s, now| s.get_message(now, mid.clone())).unwrap();
        let (_, p) = h.expect_request();
        assert_eq!(p, Primitive::GetMessageRequest(imps_csp::primitive::im::GetMessageRequest::new("m-9")));
        let resp = GetMessageResponse::new(info.clone(), Some("data".into()));
        h.respond(&id, resp.clone());
        assert_eq!(
            only_event(&mut h),
            Event::Response { transaction_id: id, request: Elem::GetMessageRequest, primitive: Box::new(resp.into()) }
        );
        // The fetched message is acknowledged with a MessageDelivered request.
        let (ack, p) = h.expect_request();
        assert_eq!(p, Primitive::MessageDelivered(imps_csp::primitive::im::MessageDelivered::new("m-9")));
        h.respond(&ack, Status::ok());
        assert!(h.take_events().is_empty(), "the acknowledgement is the session's own");
    }
}

#[test]
fn set_delivery_method_changes_the_method() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    assert_eq!(h.session.delivery_method(), DeliveryMethod::Push);
    let id = h.call(|s, now| s.set_delivery_method(now, DeliveryMethod::Notify, None)).unwrap();
    let (_, p) = h.expect_request();
    let Primitive::SetDeliveryMethodRequest(r) = p else { panic!() };
    assert_eq!(r.delivery_method, DeliveryMethod::Notify);
    h.respond(&id, Status::ok());
    let events = h.take_events();
    assert_eq!(events[0], Event::DeliveryMethodChanged { method: DeliveryMethod::Notify, group_id: None });
    assert!(matches!(events[1], Event::Response { request: Elem::SetDeliveryMethodRequest, .. }));
    assert_eq!(h.session.delivery_method(), DeliveryMethod::Notify);

    // For one group only: the global method stays.
    let group = GroupId::new("wv:chat@example.com");
    let id = h.call(|s, now| s.set_delivery_method(now, DeliveryMethod::Push, Some(group.clone()))).unwrap();
    h.take_sent();
    h.respond(&id, Status::ok());
    assert_eq!(
        h.take_events()[0],
        Event::DeliveryMethodChanged { method: DeliveryMethod::Push, group_id: Some(group) }
    );
    assert_eq!(h.session.delivery_method(), DeliveryMethod::Notify);

    // A refusal leaves it unchanged.
    let id = h.call(|s, now| s.set_delivery_method(now, DeliveryMethod::Push, None)).unwrap();
    h.take_sent();
    h.respond(&id, Status::code(ResultCode::NOT_IMPLEMENTED));
    assert!(matches!(only_event(&mut h), Event::TransactionFailed { .. }));
    assert_eq!(h.session.delivery_method(), DeliveryMethod::Notify);
}

// ---------------------------------------------------------------------------------------------
// Convenience calls produce the right primitives
// ---------------------------------------------------------------------------------------------

#[test]
fn convenience_calls_send_the_expected_primitives() {
    for v in Version::ALL {
        let mut h = Harness::logged_in(config(v, Encoding::Wbxml));
        h.call(|s, now| s.send_message_to_group(now, "wv:chat@example.com", "hello all")).unwrap();
        let (_, p) = h.expect_request();
        let Primitive::SendMessageRequest(m) = p else { panic!() };
        assert_eq!(m.content_data.as_deref(), Some("hello all"));
        assert_eq!(m.message_info.sender.user_id(), Some(&UserId::new("wv:alice@example.com")));
        assert_eq!(m.message_info.recipient, Recipient::group("wv:chat@example.com"));

        h.call(|s, now| s.subscribe_presence(now, ["wv:bob@example.com"], None)).unwrap();
        let (_, p) = h.expect_request();
        let Primitive::SubscribePresenceRequest(r) = p else { panic!() };
        assert_eq!(r.auto_subscribe.is_some(), v == Version::V1_2);

        h.call(|s, now| s.unsubscribe_presence(now, ["wv:bob@example.com"])).unwrap();
        assert!(matches!(h.expect_request().1, Primitive::UnsubscribePresenceRequest(_)));

        let mut values = PresenceSubList::default();
        values.set_online(true);
        h.call(|s, now| s.update_presence(now, values)).unwrap();
        assert!(matches!(h.expect_request().1, Primitive::UpdatePresenceRequest(_)));

        h.call(|s, now| s.join_group(now, "wv:chat@example.com", Some("ally".into()))).unwrap();
        let (_, p) = h.expect_request();
        let Primitive::JoinGroupRequest(j) = p else { panic!() };
        assert_eq!(j.screen_name.unwrap().sname.as_str(), "ally");
        h.call(|s, now| s.leave_group(now, "wv:chat@example.com")).unwrap();
        assert!(matches!(h.expect_request().1, Primitive::LeaveGroupRequest(_)));

        h.call(|s, now| s.keep_alive(now, Some(600))).unwrap();
        let (_, p) = h.expect_request();
        assert_eq!(p, Primitive::KeepAliveRequest(imps_csp::primitive::access::KeepAliveRequest::new(Some(600))));
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed and foreign input
// ---------------------------------------------------------------------------------------------

#[test]
fn malformed_input_is_reported_and_the_session_stays_usable() {
    for (v, e) in all_flavours() {
        let mut h = Harness::logged_in(config(v, e));
        let id = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap();
        h.take_sent();
        let good = Message::new(h.descriptor(), Transaction::response(id.clone(), GetPresenceResponse::ok(vec![])))
            .encode(v, e)
            .unwrap();
        let inputs: Vec<Vec<u8>> = vec![
            b"garbage".to_vec(),
            b"<html><body>502 Bad Gateway</body></html>".to_vec(),
            good[..good.len() / 2].to_vec(),
            vec![0x03, 0x01, 0x6a, 0x00, 0xff, 0xff],
            b"<WV-CSP-Message xmlns=\"http://www.openmobilealliance.org/DTD/WV-CSP1.2\"><Session/></WV-CSP-Message>"
                .to_vec(),
        ];
        for bytes in &inputs {
            h.deliver_bytes(bytes);
            let Event::MalformedInput { error: InputError::Decode { .. } | InputError::VersionMismatch { .. } } =
                only_event(&mut h)
            else {
                panic!("{:?}", h.events)
            };
            h.expect_silence();
        }
        assert_eq!(h.session.stats().malformed_inputs, inputs.len() as u64);
        h.deliver_bytes(&good);
        assert!(matches!(only_event(&mut h), Event::Response { .. }));
        assert!(h.session.is_logged_in());
    }
}

#[test]
fn messages_of_another_version_or_session_are_refused() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap();
    h.take_sent();
    let m = Message::new(h.descriptor(), Transaction::response(id.clone(), GetPresenceResponse::ok(vec![])));
    h.deliver_bytes(&m.to_xml(Version::V1_3).unwrap());
    assert_eq!(
        only_event(&mut h),
        Event::MalformedInput { error: InputError::VersionMismatch { expected: Version::V1_2, found: Version::V1_3 } }
    );
    let other = Message::new(
        SessionDescriptor::inband(SessionId::new("someone-else")),
        Transaction::response(id.clone(), GetPresenceResponse::ok(vec![])),
    );
    h.deliver(&other);
    assert_eq!(
        only_event(&mut h),
        Event::MalformedInput { error: InputError::WrongSession { found: SessionId::new("someone-else") } }
    );
    assert_eq!(h.session.in_flight().count(), 1, "still waiting");
    // The other encoding than the one sent is fine.
    h.peer_encoding = Encoding::Wbxml;
    h.respond(&id, GetPresenceResponse::ok(vec![]));
    assert!(matches!(only_event(&mut h), Event::Response { .. }));
}

#[test]
fn oversized_input_is_refused() {
    let cfg = config(Version::V1_2, Encoding::Xml).with_limits(Limits::default().with_max_message_bytes(4096));
    let mut h = Harness::logged_in(cfg);
    let big = NewMessage::new(text_info("m", "wv:b@x", "x"), Some("x".repeat(5000)));
    h.server_requests(vec![big.into()]);
    assert!(matches!(only_event(&mut h), Event::MalformedInput { error: InputError::Decode { .. } }));
    h.expect_silence();
}

// ---------------------------------------------------------------------------------------------
// Persistence
// ---------------------------------------------------------------------------------------------

#[test]
fn a_session_survives_serialisation_mid_flight() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Wbxml).with_digest_login([DigestAlgorithm::Sha1]));
    let id = h.call(|s, now| s.send_message_to_user(now, "wv:bob@x", "hi")).unwrap();
    h.take_sent();
    // Leave the event and the answer in the session (not drained), and persist it.
    let (m, _) = h.server_message(vec![MessageNotification::new(text_info("m", "wv:b@x", "x")).into()]);
    let now = h.now;
    h.session.handle_incoming(now, &m.to_wbxml(Version::V1_2).unwrap());
    let json = serde_json::to_string(&h.session).unwrap();
    let restored: Session = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, h.session);
    let mut r = Harness::new(config(Version::V1_2, Encoding::Wbxml));
    r.session = restored;
    r.now = h.now;
    r.respond(&id, SendMessageResponse::ok("m-1"));
    h.respond(&id, SendMessageResponse::ok("m-1"));
    assert_eq!(r.take_events(), h.take_events());
    assert_eq!(r.session.poll_timeout(), h.session.poll_timeout());
    assert_eq!(r.session, h.session);
}

#[test]
fn the_transmit_content_type_follows_version_and_encoding() {
    let cases = [
        (Version::V1_1, Encoding::Xml, "application/vnd.wv.csp.xml"),
        (Version::V1_2, Encoding::Wbxml, "application/vnd.wv.csp.wbxml"),
        (Version::V1_3, Encoding::Xml, "application/vnd.wv.csp+xml"),
        (Version::V1_3, Encoding::Wbxml, "application/vnd.wv.csp+wbxml"),
    ];
    for (v, e, ct) in cases {
        let mut s = Session::new(config(v, e));
        s.login(Timestamp::from_secs(1)).unwrap();
        assert_eq!(s.poll_transmit().unwrap().content_type, ct);
    }
}

#[test]
fn client_config_defaults() {
    let c = ClientConfig::new("wv:a@x", "p", ClientId::url("u"));
    assert_eq!((c.version, c.encoding, c.auto_negotiate), (Version::V1_2, Encoding::Xml, true));
    assert_eq!((c.transaction_timeout_ms, c.keep_alive_margin_ms), (30_000, 5_000));
}

#[test]
fn decoded_messages_go_in_through_handle_message() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let id = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap();
    h.take_sent();
    let m = Message::new(h.descriptor(), Transaction::response(id.clone(), GetPresenceResponse::ok(vec![])));
    h.call(|s, now| s.handle_message(now, m));
    assert!(matches!(only_event(&mut h), Event::Response { transaction_id, .. } if transaction_id == id));
}

#[test]
fn a_1_1_server_request_without_transaction_id_is_answered_without_one() {
    let mut h = Harness::logged_in(config(Version::V1_1, Encoding::Wbxml));
    let mut t = Transaction::request("x", NewMessage::new(text_info("m-5", "wv:b@x", "x"), Some("x".into())));
    t.id = None;
    let m = Message::new(h.descriptor(), t);
    h.deliver(&m);
    assert!(matches!(only_event(&mut h), Event::NewMessage { transaction_id: None, .. }));
    let sent = h.take_sent();
    let answer = &sent[0].message.transactions[0];
    assert_eq!(answer.id, None);
    assert_eq!(answer.primitive.elem(), Elem::MessageDelivered);
}

#[test]
fn a_disconnect_answering_any_request_ends_the_session() {
    let mut h = Harness::logged_in(config(Version::V1_2, Encoding::Xml));
    let a = h.call(|s, now| s.get_presence(now, ["wv:a@x"], None)).unwrap();
    let b = h.call(|s, now| s.send_message_to_user(now, "wv:b@x", "hi")).unwrap();
    h.take_sent();
    h.respond(&a, Disconnect::new(ResultCode::SESSION_EXPIRED));
    assert_eq!(
        h.take_events(),
        vec![
            Event::TransactionAbandoned { transaction_id: a.clone(), request: Elem::GetPresenceRequest },
            Event::TransactionAbandoned { transaction_id: b, request: Elem::SendMessageRequest },
            Event::Disconnected {
                reason: DisconnectReason::Expired,
                code: ResultCode::SESSION_EXPIRED,
                description: None
            },
        ]
    );
    assert_eq!(h.session.phase(), Phase::Ended);
    h.respond(&a, Disconnect::new(ResultCode::SESSION_EXPIRED));
    assert!(matches!(only_event(&mut h), Event::UnexpectedResponse { reason: UnexpectedReason::Duplicate, .. }));
}
