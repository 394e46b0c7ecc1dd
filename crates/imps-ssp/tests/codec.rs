//! The SSP XML codec on messages shaped as the public record shows them (Baraza, spec notes
//! section 8), and its refusals.

use imps_csp::ResultCode;
use imps_ssp::model::common::{Party, Service};
use imps_ssp::model::{self, Body, Message, Mode, Primitive, PrimitiveKind, CONTENT_TYPE};
use imps_ssp::Error;

type Check = fn(&Error) -> bool;

fn one(xml: &str) -> (Mode, String, Primitive) {
    match Message::decode(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}")).body {
        Body::Setup(s) => (s.mode, s.transaction_id, s.primitive),
        Body::Session { mut transactions, .. } => {
            let t = transactions.remove(0);
            (t.mode, t.transaction_id, t.primitive)
        }
    }
}

#[test]
fn session_setup_as_baraza_writes_it() {
    let xml = r#"<?xml version='1.0'?>
<WV-SSP-Message xmlns="http://www.openmobilealliance.org/DTD/WV-SSP1.3">
 <SetupTransaction mode="Request" transactionID="42">
 <SendSecretToken serviceID="wv:@a.example" protocol="WV-SSP"
   protocolVersion="1.3">
<SecretToken>
abc</SecretToken>
</SendSecretToken>
</SetupTransaction>
</WV-SSP-Message>"#;
    let (mode, tid, p) = one(xml);
    assert_eq!((mode, tid.as_str()), (Mode::Request, "42"));
    let Primitive::SendSecretToken(t) = p else { panic!() };
    assert_eq!(t.service_id, "wv:@a.example");
    assert_eq!((t.protocol.as_str(), t.protocol_version.as_str()), ("WV-SSP", "1.3"));
    // Text is kept exactly.
    assert_eq!(t.secret_token.value, "\nabc");

    let xml = r#"<WV-SSP-Message xmlns="http://www.openmobilealliance.org/DTD/WV-SSP1.3"><SetupTransaction mode="Response" transactionID="43"><LoginResponse sessionID="s1@b.example" timeToLive="600"><Status code="200"/></LoginResponse></SetupTransaction></WV-SSP-Message>"#;
    let (mode, _, p) = one(xml);
    assert_eq!(mode, Mode::Response);
    let Primitive::LoginResponse(l) = p else { panic!() };
    assert_eq!((l.session_id.as_deref(), l.time_to_live), (Some("s1@b.example"), Some(600)));
    assert!(l.status.is_success());
    assert_eq!(p_kind("LoginResponse"), PrimitiveKind::Setup);
}

fn p_kind(name: &str) -> PrimitiveKind {
    let xml = match name {
        "LoginResponse" => {
            r#"<WV-SSP-Message><SetupTransaction mode="Response" transactionID="1"><LoginResponse><Status code="200"/></LoginResponse></SetupTransaction></WV-SSP-Message>"#
        }
        _ => unreachable!(),
    };
    one(xml).2.kind()
}

#[test]
fn a_relayed_message_with_meta_information() {
    let xml = r#"<WV-SSP-Message xmlns="http://www.openmobilealliance.org/DTD/WV-SSP1.3">
<Session sessionID="s1@b.example">
<Transaction mode="Request" transactionID="7">
<SendMessageRequest deliveryReport="Yes">
<MetaInfo clientOriginated="Yes"><Requestor serviceID="wv:@a.example"><User userID="wv:alice@a.example"><ClientID url="http://phone"/></User></Requestor></MetaInfo>
<MessageInfo messageID="m1" contentType="text/plain" contentSize="5" validity="60">
<Recipient><User userID="wv:bob@b.example"/></Recipient>
<Recipient><GroupID groupID="wv:bob/chat@b.example"/></Recipient>
<Sender><User userID="wv:alice@a.example"/></Sender>
<DateTime format="iso8601">2026-01-02T03:04:05Z</DateTime>
</MessageInfo>
<ContentData contentType="text/plain" encoding="base64">aGVs
bG8=</ContentData>
</SendMessageRequest>
</Transaction>
</Session>
</WV-SSP-Message>"#;
    let (_, tid, p) = one(xml);
    assert_eq!(tid, "7");
    assert_eq!(p.service(), Some(Service::Im));
    assert_eq!(p.kind(), PrimitiveKind::Request);
    let meta = p.meta_info().expect("meta").clone();
    assert_eq!(meta.requesting_domain(), Some("a.example"));
    assert_eq!(meta.user().map(|u| u.as_str()), Some("wv:alice@a.example"));
    let Primitive::SendMessageRequest(s) = p else { panic!() };
    assert!(s.delivery_report);
    assert_eq!(s.message_info.recipients.len(), 2);
    assert!(
        matches!(&s.message_info.recipients[1].0, Party::Group(g) if g.group_id.as_str() == "wv:bob/chat@b.example")
    );
    assert_eq!(s.message_info.date_time.as_ref().map(|d| d.value.to_unix_seconds()), Some(1_767_323_045));
    assert_eq!(s.content_data.as_ref().map(|c| c.data.as_str()), Some("hello"));
}

#[test]
fn status_with_details() {
    let xml = r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Response" transactionID="7">
<Status code="201"><StatusDescription>partly</StatusDescription>
<DetailedResult code="531"><UserID userID="wv:nobody@b.example"/></DetailedResult>
<TryAgainTimeout>30</TryAgainTimeout></Status></Transaction></Session></WV-SSP-Message>"#;
    let (mode, _, p) = one(xml);
    assert_eq!(mode, Mode::Response);
    let s = p.status().expect("status");
    assert_eq!(s.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(s.detailed[0].code, ResultCode::UNKNOWN_USER);
    assert_eq!(s.detailed[0].user_ids[0].user_id.as_str(), "wv:nobody@b.example");
    assert_eq!(s.try_again_timeout, Some(30));
}

#[test]
fn presence_travels_as_csp_presence_sub_lists() {
    let xml = r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Request" transactionID="9">
<PresenceNotification><DeliverTo userID="wv:alice@a.example"/>
<PresenceValue userID="wv:bob@b.example"><PresenceSubList xmlns="http://www.openmobilealliance.org/DTD/WV-PA1.2"><OnlineStatus><Qualifier>T</Qualifier><PresenceValue>T</PresenceValue></OnlineStatus></PresenceSubList></PresenceValue>
</PresenceNotification></Transaction></Session></WV-SSP-Message>"#;
    let (_, _, p) = one(xml);
    assert_eq!(p.kind(), PrimitiveKind::Delivery);
    let Primitive::PresenceNotification(n) = p else { panic!() };
    assert_eq!(n.deliver_to.user_id.as_str(), "wv:alice@a.example");
    assert!(n.values[0].presence.online_status.is_some());
    // Written back in CSP 1.3 form.
    let out =
        String::from_utf8(Message::session("x", vec![model::Transaction::request("9", n)]).to_xml().unwrap()).unwrap();
    assert!(out.contains(r#"<PresenceSubList xmlns="http://www.openmobilealliance.org/DTD/IMPS-PA1.3">"#), "{out}");
}

#[test]
fn refusals_name_what_is_wrong() {
    let cases: &[(&str, Check)] = &[
        ("<CSP/>", |e| matches!(e, Error::WrongRoot { .. })),
        (r#"<WV-SSP-Message xmlns="urn:other"/>"#, |e| matches!(e, Error::UnknownVersion { .. })),
        ("<WV-SSP-Message/>", |e| matches!(e, Error::MissingElement { .. })),
        (r#"<WV-SSP-Message><Session sessionID="x"/></WV-SSP-Message>"#, |e| {
            matches!(e, Error::MissingElement { element: "Transaction", .. })
        }),
        (
            r#"<WV-SSP-Message><Session><Transaction mode="Request" transactionID="1"><Status code="200"/></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::MissingAttribute { attribute: "sessionID", .. }),
        ),
        (
            r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Maybe" transactionID="1"><Status code="200"/></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::InvalidValue { path, .. } if path.ends_with("Transaction/@mode")),
        ),
        (
            r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Request" transactionID="1"><Frobnicate/></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::UnknownPrimitive { found, .. } if found == "Frobnicate"),
        ),
        (
            r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Request" transactionID="1"><Status code="200"><Bogus/></Status></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::UnexpectedElement { path, found } if path.ends_with("/Status") && found == "Bogus"),
        ),
        (
            r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Request" transactionID="1"><Status code="abc"/></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::InvalidValue { .. }),
        ),
        (
            r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Request" transactionID="1"><LogoutRequest/><LogoutRequest/></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::UnexpectedElement { .. }),
        ),
        (r#"<!DOCTYPE x [<!ENTITY e "boom">]><WV-SSP-Message><Session sessionID="&e;"/></WV-SSP-Message>"#, |e| {
            matches!(e, Error::Xml { .. })
        }),
        (
            r#"<WV-SSP-Message><Session sessionID="x"><Transaction mode="Request" transactionID="1"><SendMessageRequest deliveryReport="No"><MessageInfo/><ContentData encoding="base64">!!!</ContentData></SendMessageRequest></Transaction></Session></WV-SSP-Message>"#,
            |e| matches!(e, Error::InvalidValue { expected: "BASE64", .. }),
        ),
    ];
    for (xml, ok) in cases {
        let e = Message::decode(xml.as_bytes()).expect_err(xml);
        assert!(ok(&e), "{xml}: {e:?}");
        assert!(e.result_code().0 >= 400, "{e:?}");
    }
}

#[test]
fn limits_bound_every_input() {
    let big = format!(r#"<WV-SSP-Message><Session sessionID="{}"/></WV-SSP-Message>"#, "x".repeat(2 << 20));
    assert!(matches!(Message::decode(big.as_bytes()), Err(Error::TooLarge { .. })));
    let deep = format!("<WV-SSP-Message>{}{}</WV-SSP-Message>", "<a>".repeat(100), "</a>".repeat(100));
    assert!(matches!(Message::decode(deep.as_bytes()), Err(Error::TooDeep { .. })));
    let t = r#"<Transaction mode="Request" transactionID="1"><LogoutRequest/></Transaction>"#;
    let many = format!(r#"<WV-SSP-Message><Session sessionID="x">{}</Session></WV-SSP-Message>"#, t.repeat(65));
    assert!(matches!(Message::decode(many.as_bytes()), Err(Error::UnexpectedElement { .. })));
    assert_eq!(CONTENT_TYPE, "application/vnd.wv.ssp+xml");
    assert_eq!(model::srv_name("b.example"), "_imps-server._tcp.b.example");
}
