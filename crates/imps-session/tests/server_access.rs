//! Seed section 7 (access): login, 4-way digest login, keep-alive, capabilities, services,
//! service provider information, logout, disconnect.

mod support;

use imps_csp::elements::ClientId;
use imps_csp::presence::ClientType;
use imps_csp::primitive::access::*;
use imps_csp::{Encoding, Primitive, ResultCode, Version};
use imps_session::digest::{password_digest, DigestAlgorithm};
use imps_session::server::{Output, ServerConfig, SessionEnd};
use support::*;

#[test]
fn seed_7_1_login_with_password_in_every_version_and_encoding() {
    let mut e = engine();
    for v in Version::ALL {
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            let r = request(
                &mut e,
                T0,
                None,
                LoginRequest::with_password(uid("alice"), ClientId::url(format!("c-{v}-{enc:?}")), "pw-alice", "ck"),
                v,
                enc,
            );
            let Primitive::LoginResponse(l) = only(&r) else { panic!() };
            assert_eq!(l.result.code, ResultCode::SUCCESSFUL);
            assert_eq!(l.keep_alive_time, Some(300));
            assert_eq!(l.session_id.as_ref().unwrap().as_str().len(), 32, "128 random bits, hex");
        }
    }
    assert_eq!(e.sessions().count(), 6);
}

#[test]
fn seed_7_1_wrong_password_and_unknown_user_look_the_same() {
    let mut e = engine();
    for (user, pw) in [("alice", "nope"), ("zed", "pw-zed")] {
        let r = req(&mut e, T0, None, LoginRequest::with_password(uid(user), ClientId::url("c"), pw, "ck"));
        let Primitive::LoginResponse(l) = only(&r) else { panic!() };
        assert_eq!(l.result.code, ResultCode::INVALID_PASSWORD);
        assert_eq!(l.session_id, None);
    }
    assert_eq!(e.sessions().count(), 0);
}

#[test]
fn seed_7_1_four_way_digest_login() {
    for alg in [DigestAlgorithm::Sha1, DigestAlgorithm::Md5] {
        let mut e = engine();
        let mut first = LoginRequest::new(uid("bob"), ClientId::url("c"), "ck");
        first.digest_schemas = vec![DigestSchema::parse(alg.schema_name())];
        let r = req(&mut e, T0, None, first);
        let Primitive::LoginResponse(ch) = only(&r) else { panic!() };
        assert_eq!(ch.result.code, ResultCode::UNAUTHORIZED);
        assert!(ch.is_challenge());
        assert_eq!(ch.digest_schema.as_ref().map(|s| s.as_str()), Some(alg.schema_name()));
        let nonce = ch.nonce.clone().unwrap();
        // A wrong digest fails and uses the challenge up.
        let mut bad = LoginRequest::new(uid("bob"), ClientId::url("c"), "ck");
        bad.digest_bytes = Some(password_digest(alg, &nonce, "wrong"));
        let Primitive::LoginResponse(l) = only(&req(&mut e, T0, None, bad)).clone() else { panic!() };
        assert_eq!(l.result.code, ResultCode::INVALID_PASSWORD);
        // A new challenge, then the right digest.
        let r = req(&mut e, T0, None, LoginRequest::new(uid("bob"), ClientId::url("c"), "ck"));
        let Primitive::LoginResponse(ch) = only(&r) else { panic!() };
        let nonce2 = ch.nonce.clone().unwrap();
        assert_ne!(nonce, nonce2);
        let schema = DigestAlgorithm::from_schema_name(ch.digest_schema.as_ref().unwrap().as_str()).unwrap();
        let mut good = LoginRequest::new(uid("bob"), ClientId::url("c"), "ck");
        good.digest_bytes = Some(password_digest(schema, &nonce2, "pw-bob"));
        let Primitive::LoginResponse(l) = only(&req(&mut e, T0, None, good)).clone() else { panic!() };
        assert_eq!(l.result.code, ResultCode::SUCCESSFUL);
        assert!(l.session_id.is_some());
    }
}

#[test]
fn seed_7_1_expired_challenge_is_refused() {
    let mut e = engine();
    let r = req(&mut e, T0, None, LoginRequest::new(uid("bob"), ClientId::url("c"), "ck"));
    let Primitive::LoginResponse(ch) = only(&r) else { panic!() };
    let (nonce, schema) = (
        ch.nonce.clone().unwrap(),
        DigestAlgorithm::from_schema_name(ch.digest_schema.as_ref().unwrap().as_str()).unwrap(),
    );
    let mut good = LoginRequest::new(uid("bob"), ClientId::url("c"), "ck");
    good.digest_bytes = Some(password_digest(schema, &nonce, "pw-bob"));
    let later = T0.add_secs(121);
    let Primitive::LoginResponse(l) = only(&req(&mut e, later, None, good)).clone() else { panic!() };
    assert_eq!(l.result.code, ResultCode::INVALID_PASSWORD);
}

#[test]
fn requests_outside_a_session_get_604() {
    let mut e = engine();
    assert_eq!(status_code(&req(&mut e, T0, None, PollingRequest::default())), 604);
    assert_eq!(status_code(&req(&mut e, T0, Some("forged"), KeepAliveRequest::default())), 604);
}

#[test]
fn seed_7_3_keep_alive_and_expiry() {
    let mut e = engine();
    let s = login(&mut e, T0, "alice");
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(300 + 60)));
    let r = req(&mut e, T0.add_secs(200), Some(&s), KeepAliveRequest::new(Some(120)));
    let Primitive::KeepAliveResponse(k) = only(&r) else { panic!() };
    assert_eq!(k.keep_alive_time, Some(120));
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(200 + 120 + 60)));
    outputs(&mut e);
    e.handle_timeout(T0.add_secs(200 + 180));
    assert!(outputs(&mut e).iter().any(|o| matches!(o, Output::SessionEnded { reason: SessionEnd::Expired, .. })));
    assert_eq!(status_code(&req(&mut e, T0.add_secs(400), Some(&s), PollingRequest::default())), 604);
}

#[test]
fn seed_7_1_logout_answers_disconnect_and_ends_the_session() {
    let mut e = engine();
    let s = login(&mut e, T0, "alice");
    let r = req(&mut e, T0, Some(&s), LogoutRequest::default());
    let Primitive::Disconnect(d) = only(&r) else { panic!("{r:?}") };
    assert_eq!(d.result.code, ResultCode::SUCCESSFUL);
    assert!(e.session(&s.clone().into()).is_none());
    assert!(outputs(&mut e).iter().any(|o| matches!(o, Output::SessionEnded { reason: SessionEnd::Logout, .. })));
}

#[test]
fn seed_7_1_server_side_disconnect_is_fetched_then_the_session_ends() {
    let mut e = engine();
    let s = login(&mut e, T0, "alice");
    e.disconnect(T0, &s.clone().into(), ResultCode::FORCED_LOGOUT);
    assert!(outputs(&mut e).iter().any(|o| matches!(o, Output::Wake { .. })));
    let r = req(&mut e, T0, Some(&s), PollingRequest::default());
    let Primitive::Disconnect(d) = only(&r) else { panic!("{r:?}") };
    assert_eq!(d.result.code, ResultCode::FORCED_LOGOUT);
    assert!(e.session(&s.clone().into()).is_none());
}

#[test]
fn second_login_of_the_same_client_replaces_the_first() {
    let mut e = engine();
    let s1 = login(&mut e, T0, "alice");
    let s2 = login(&mut e, T0, "alice");
    assert_ne!(s1, s2);
    assert!(e.session(&s1.clone().into()).is_none());
    assert!(e.session(&s2.clone().into()).is_some());
    // Another client of the same user is a second session.
    let r = req(
        &mut e,
        T0,
        None,
        LoginRequest::with_password(uid("alice"), ClientId::url("http://client/other"), "pw-alice", "ck"),
    );
    assert!(matches!(only(&r), Primitive::LoginResponse(l) if l.result.code.0 == 200));
    assert_eq!(e.sessions().count(), 2);
}

#[test]
fn seed_7_2_capability_and_service_negotiation() {
    let mut config = ServerConfig::new("example.com");
    config.require_service_negotiation = true;
    let mut e = engine_with(config);
    let s = login(&mut e, T0, "alice");
    // Nothing agreed yet: a feature request is refused with 506.
    assert_eq!(status_code(&req(&mut e, T0, Some(&s), imps_csp::primitive::im::GetBlockedListRequest::default())), 506);
    let mut caps = CapabilityList::new(ClientType::Computer, DeliveryMethod::Notify, 1, 100_000);
    caps.accepted_content_length = Some(4_096);
    caps.supported_cir_methods = vec![CirMethod::Stcp, CirMethod::WapSms];
    let r = req(&mut e, T0, Some(&s), ClientCapabilityRequest::new(caps));
    assert!(matches!(only(&r), Primitive::ClientCapabilityResponse(c) if c.agreed_capability_list.is_some()));
    let session = e.session(&s.clone().into()).unwrap();
    assert_eq!(session.delivery, DeliveryMethod::Notify);
    assert_eq!(session.accepted_content_length, Some(4_096));
    assert_eq!(session.client_type, Some(ClientType::Computer));
    assert_eq!(session.cir_methods, [CirMethod::Stcp, CirMethod::WapSms]);
    let mut wanted = FunctionSet::default();
    wanted.insert(Function::GetSpInfo).insert(Function::GetBlockedList);
    let r = req(&mut e, T0, Some(&s), ServiceRequest::new(ServiceTree::from_functions(wanted), false));
    let Primitive::ServiceResponse(sr) = only(&r) else { panic!("{r:?}") };
    assert_eq!(sr.agreed_functions(), wanted);
    assert_ne!(
        status_code_or_none(&req(&mut e, T0, Some(&s), imps_csp::primitive::im::GetBlockedListRequest::default())),
        Some(506)
    );
    assert_eq!(status_code(&req(&mut e, T0, Some(&s), imps_csp::primitive::im::GetMessageListRequest::default())), 506);
}

fn status_code_or_none(m: &imps_csp::Message) -> Option<u32> {
    match only(m) {
        Primitive::Status(s) => Some(s.result.code.0),
        _ => None,
    }
}

#[test]
fn seed_7_4_get_service_provider_info() {
    let mut config = ServerConfig::new("example.com");
    config.sp_info.name = "Example IM".into();
    config.sp_info.url = Some("http://example.com/".into());
    let mut e = engine_with(config);
    let r = req(&mut e, T0, None, GetSPInfoRequest::default());
    let Primitive::GetSPInfoResponse(i) = only(&r) else { panic!("{r:?}") };
    assert_eq!((i.name.as_str(), i.url.as_deref()), ("Example IM", Some("http://example.com/")));
}

#[test]
fn malformed_requests_are_typed_errors_with_http_status() {
    let mut e = engine();
    let err = e.handle_request(T0, b"<html/>").unwrap_err();
    assert_eq!(err.http_status(), 415);
    let err = e.handle_request(T0, b"\x03\x11\x6a\x00\x49").unwrap_err();
    assert_eq!(err.http_status(), 400);
    let big = vec![b' '; 2 * 1024 * 1024];
    assert_eq!(e.handle_request(T0, &big).unwrap_err().http_status(), 413);
}
