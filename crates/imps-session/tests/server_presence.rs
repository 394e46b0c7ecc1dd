//! Seed section 3 (presence) through the server engine: contact lists, proactive and reactive
//! authorisation, watcher lists, withdrawal, subscriptions, one-shot gets, updates, and the
//! `OnlineStatus` the server keeps.

mod support;

use imps_csp::elements::User;
use imps_csp::ids::UserId;
use imps_csp::presence::{AttrSet, PresenceAttr, PresenceSubList, TextAttr};
use imps_csp::primitive::access::PollingRequest;
use imps_csp::primitive::lists::*;
use imps_csp::primitive::presence::*;
use imps_csp::{Encoding, Message, Primitive, ResultCode, Version};
use support::*;

fn attrs(a: &[PresenceAttr]) -> AttrSet {
    a.iter().copied().collect()
}

fn text(s: &str) -> Option<TextAttr> {
    let mut t = TextAttr::default();
    t.value = Some(s.into());
    Some(t)
}

/// Everything the server has queued for a session, fetched by a Polling-Request.
fn poll(e: &mut TestEngine, s: &str) -> Vec<Primitive> {
    let r = req(e, T0, Some(s), PollingRequest::default());
    r.transactions
        .into_iter()
        .map(|t| t.primitive)
        .filter(|p| !matches!(p, Primitive::Status(st) if st.result.code == ResultCode::SUCCESSFUL))
        .collect()
}

/// The presence notifications a session received: (publisher, values).
fn notifications(e: &mut TestEngine, s: &str) -> Vec<(UserId, PresenceSubList)> {
    poll(e, s)
        .into_iter()
        .filter_map(|p| match p {
            Primitive::PresenceNotificationRequest(n) => Some(n),
            _ => None,
        })
        .flat_map(|n| n.presences)
        .filter_map(|p| match p.subject {
            PresenceSubject::UserId(u) => Some((u.normalized(), p.sub_lists.into_iter().next().unwrap_or_default())),
            _ => None,
        })
        .collect()
}

fn friends_of(owner: &str) -> String {
    format!("wv:{owner}/friends@example.com")
}

/// `owner` creates a friends list holding `members`, whose attribute list is `a`.
fn friends_list(e: &mut TestEngine, s: &str, owner: &str, members: &[&str], a: &[PresenceAttr]) {
    let nicks = NickList::new(members.iter().map(|m| NickEntry::user(uid(m))).collect());
    let r = req(e, T0, Some(s), CreateListRequest::new(friends_of(owner)).with_members(nicks));
    assert_eq!(status_code(&r), 200);
    let mut cal = CreateAttributeListRequest::default();
    cal.presence_sub_list = attrs(a);
    cal.contact_lists = vec![friends_of(owner).into()];
    assert_eq!(status_code(&req(e, T0, Some(s), cal)), 200);
}

fn update(e: &mut TestEngine, s: &str, status_text: &str, alias: &str) {
    let mut p = PresenceSubList::default();
    p.status_text = text(status_text);
    p.alias = text(alias);
    assert_eq!(status_code(&req(e, T0, Some(s), UpdatePresenceRequest::new(p))), 200);
}

#[test]
fn seed_3_2_contact_lists_create_list_manage_get_delete() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let mut props = ContactListProperties::with_display_name("Friends");
    props.set_default(true);
    let nicks = NickList::new(vec![NickEntry::nick("Bobby", uid("bob")), NickEntry::user(uid("carol"))]);
    let r = req(
        &mut e,
        T0,
        Some(&a),
        CreateListRequest::new(friends_of("alice")).with_members(nicks).with_properties(props),
    );
    assert_eq!(status_code(&r), 200);
    // Creating it again: 701.
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), CreateListRequest::new(friends_of("alice")))), 701);
    let r = req(&mut e, T0, Some(&a), GetListRequest::default());
    let Primitive::GetListResponse(l) = only(&r) else { panic!("{r:?}") };
    assert_eq!(l.contact_lists, vec![friends_of("alice").into()]);
    assert_eq!(l.default_contact_list, Some(friends_of("alice").into()));
    // Add dave, remove carol, read the content back.
    let mut m = ListManageRequest::new(friends_of("alice"));
    m.change = Some(ListChange::AddNickList(NickList::new(vec![NickEntry::user(uid("dave"))])));
    m.receive_list = Some(true);
    let r = req(&mut e, T0, Some(&a), m);
    let Primitive::ListManageResponse(lm) = only(&r) else { panic!("{r:?}") };
    assert_eq!(lm.result.code, ResultCode::SUCCESSFUL);
    let members: Vec<&str> = lm.nick_list.as_ref().unwrap().user_ids().map(|u| u.as_str()).collect();
    assert_eq!(members, ["wv:bob@example.com", "wv:carol@example.com", "wv:dave@example.com"]);
    let mut rm = RemoveNickList::default();
    rm.user_ids = vec![uid("carol")];
    let mut m = ListManageRequest::new(friends_of("alice"));
    m.change = Some(ListChange::RemoveNickList(rm));
    m.receive_list = Some(true);
    let r = req(&mut e, T0, Some(&a), m);
    let Primitive::ListManageResponse(lm) = only(&r) else { panic!() };
    assert_eq!(lm.nick_list.as_ref().unwrap().entries.len(), 2);
    assert_eq!(lm.nick_list.as_ref().unwrap().entries[0].nickname(), Some("Bobby"));
    assert_eq!(lm.properties.as_ref().unwrap().display_name(), Some("Friends"));
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), DeleteListRequest::new(friends_of("alice")))), 200);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), DeleteListRequest::new(friends_of("alice")))), 700);
}

#[test]
fn seed_3_3_2_proactive_authorisation_through_a_contact_list() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    friends_list(&mut e, &a, "alice", &["bob"], &[PresenceAttr::StatusText, PresenceAttr::OnlineStatus]);
    update(&mut e, &a, "at lunch", "Ally");
    // Bob gets only what the list grants: no Alias.
    let r = req(&mut e, T0, Some(&b), GetPresenceRequest::users([uid("alice")]));
    let Primitive::GetPresenceResponse(g) = only(&r) else { panic!("{r:?}") };
    assert_eq!(g.result.code, ResultCode::SUCCESSFUL);
    let p = &g.presences[0].sub_lists[0];
    assert_eq!(p.status_text.as_ref().unwrap().value.as_deref(), Some("at lunch"));
    assert_eq!(p.alias, None);
    assert_eq!(p.online_status.as_ref().unwrap().value, Some(true));
}

#[test]
fn seed_3_3_3_reactive_authorisation_accept_and_deny() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    poll(&mut e, &a);
    update(&mut e, &a, "busy", "Ally");
    // Alice's Default Public Attribute List: StatusText.
    let mut cal = CreateAttributeListRequest::default();
    cal.presence_sub_list = attrs(&[PresenceAttr::StatusText]);
    cal.default_list = true;
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), cal)), 200);
    // Carol subscribes without naming attributes: Alice is asked.
    let r = req(&mut e, T0, Some(&c), SubscribePresenceRequest::users([uid("alice")]).with_auto_subscribe(false));
    assert_eq!(status_code(&r), 200);
    let asked = poll(&mut e, &a);
    assert!(
        matches!(&asked[..], [Primitive::PresenceAuthRequest(p)] if p.user_id.normalized() == uid("carol")),
        "{asked:?}"
    );
    // A one-shot get while pending: 521 for Alice.
    let r = req(&mut e, T0, Some(&c), GetPresenceRequest::users([uid("alice")]));
    let Primitive::GetPresenceResponse(g) = only(&r) else { panic!() };
    assert_eq!(g.result.code, ResultCode::UNRESPONDED_PRESENCE_REQUEST);
    assert!(g.presences.is_empty());
    // Alice accepts: Carol sees the default list's attributes, and is on the watcher list.
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), PresenceAuthUser::accept(uid("carol")))), 200);
    let n = notifications(&mut e, &c);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].1.attributes(), attrs(&[PresenceAttr::StatusText]));
    let r = req(&mut e, T0, Some(&a), GetWatcherListRequest::default());
    let Primitive::GetWatcherListResponse(w) = only(&r) else { panic!() };
    assert_eq!(w.watchers.iter().map(|w| w.user.user_id.normalized()).collect::<Vec<_>>(), vec![uid("carol")]);
    // Dave asks for Alias; Alice denies; the denial is remembered.
    let r = req(
        &mut e,
        T0,
        Some(&d),
        GetPresenceRequest::users([uid("alice")]).with_attributes(attrs(&[PresenceAttr::Alias])),
    );
    assert!(
        matches!(only(&r), Primitive::GetPresenceResponse(g) if g.result.code == ResultCode::UNRESPONDED_PRESENCE_REQUEST)
    );
    poll(&mut e, &a);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), PresenceAuthUser::deny(uid("dave")))), 200);
    let r = req(&mut e, T0, Some(&d), GetPresenceRequest::users([uid("alice")]));
    assert!(matches!(only(&r), Primitive::GetPresenceResponse(g) if g.result.code == ResultCode::FORBIDDEN));
    assert!(poll(&mut e, &a).is_empty(), "no new request after a denial");
    let r = req(&mut e, T0, Some(&a), GetReactiveAuthStatusRequest::default());
    let Primitive::GetReactiveAuthStatusResponse(s) = only(&r) else { panic!() };
    let states: Vec<(UserId, ReactiveAuthState)> =
        s.list.statuses.iter().map(|s| (s.user_id.clone(), s.state)).collect();
    assert_eq!(states, vec![(uid("carol"), ReactiveAuthState::Granted), (uid("dave"), ReactiveAuthState::Denied)]);
}

#[test]
fn seed_3_3_5_withdrawal_stops_notifications_at_once() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    friends_list(&mut e, &a, "alice", &["bob"], &[PresenceAttr::StatusText]);
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), SubscribePresenceRequest::users([uid("alice")]))), 200);
    notifications(&mut e, &b);
    update(&mut e, &a, "one", "x");
    assert_eq!(notifications(&mut e, &b).len(), 1);
    // Alice removes Bob from the list: nothing more reaches him.
    let mut rm = RemoveNickList::default();
    rm.user_ids = vec![uid("bob")];
    let mut m = ListManageRequest::new(friends_of("alice"));
    m.change = Some(ListChange::RemoveNickList(rm));
    assert!(matches!(only(&req(&mut e, T0, Some(&a), m)), Primitive::ListManageResponse(r) if r.result.code.0 == 200));
    update(&mut e, &a, "two", "y");
    assert!(notifications(&mut e, &b).is_empty());
    let r = req(&mut e, T0, Some(&a), GetWatcherListRequest::default());
    assert!(matches!(only(&r), Primitive::GetWatcherListResponse(w) if w.watchers.is_empty()));
}

#[test]
fn seed_3_4_1_subscription_gets_initial_then_changed_authorised_attributes() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    friends_list(&mut e, &a, "alice", &["bob"], &[PresenceAttr::StatusText]);
    update(&mut e, &a, "first", "x");
    let r = req(&mut e, T0, Some(&b), SubscribePresenceRequest::users([uid("alice")]).with_auto_subscribe(false));
    assert_eq!(status_code(&r), 200);
    let n = notifications(&mut e, &b);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].1.status_text.as_ref().unwrap().value.as_deref(), Some("first"));
    // Alias changes only: nothing Bob may see changed, nothing sent.
    let mut p = PresenceSubList::default();
    p.alias = text("other");
    req(&mut e, T0, Some(&a), UpdatePresenceRequest::new(p));
    assert!(notifications(&mut e, &b).is_empty());
    // Unsubscribe: nothing more.
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), UnsubscribePresenceRequest::users([uid("alice")]))), 200);
    update(&mut e, &a, "second", "z");
    assert!(notifications(&mut e, &b).is_empty());
}

#[test]
fn online_status_follows_login_and_logout() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    friends_list(&mut e, &a, "alice", &["bob"], &[PresenceAttr::OnlineStatus]);
    req(&mut e, T0, Some(&b), SubscribePresenceRequest::users([uid("alice")]));
    notifications(&mut e, &b);
    // A client cannot set OnlineStatus itself.
    let mut p = PresenceSubList::default();
    p.set_online(false);
    req(&mut e, T0, Some(&a), UpdatePresenceRequest::new(p));
    assert!(notifications(&mut e, &b).is_empty());
    req(&mut e, T0, Some(&a), imps_csp::primitive::access::LogoutRequest::default());
    let n = notifications(&mut e, &b);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].1.online_status.as_ref().unwrap().value, Some(false));
    login(&mut e, T0, "alice");
    let n = notifications(&mut e, &b);
    assert_eq!(n[0].1.online_status.as_ref().unwrap().value, Some(true));
}

#[test]
fn unknown_users_and_lists_get_their_codes() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let r = req(&mut e, T0, Some(&a), GetPresenceRequest::users([uid("zed")]));
    let Primitive::GetPresenceResponse(g) = only(&r) else { panic!() };
    assert_eq!(g.result.code, ResultCode::UNKNOWN_USER);
    assert_eq!(g.result.detailed_results[0].user_ids, vec![uid("zed")]);
    let r = req(&mut e, T0, Some(&a), GetPresenceRequest::contact_lists(["wv:alice/none@example.com"]));
    assert_eq!(status_code(&r), 700);
    let r = req(&mut e, T0, Some(&a), SubscribePresenceRequest::users([uid("zed"), uid("bob")]));
    let Primitive::Status(s) = only(&r) else { panic!() };
    assert_eq!(s.result.code, ResultCode::PARTIALLY_SUCCESSFUL);
}

#[test]
fn presence_works_in_wbxml_and_1_1() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    friends_list(&mut e, &a, "alice", &["bob"], &[PresenceAttr::StatusText]);
    update(&mut e, &a, "Grüße 🌍", "x");
    let b = login(&mut e, T0, "bob");
    for (v, enc) in [(Version::V1_1, Encoding::Wbxml), (Version::V1_2, Encoding::Wbxml), (Version::V1_3, Encoding::Xml)]
    {
        let m: Message = request(&mut e, T0, Some(&b), GetPresenceRequest::users([uid("alice")]), v, enc);
        let Primitive::GetPresenceResponse(g) = only(&m) else { panic!("{m:?}") };
        assert_eq!(g.presences[0].sub_lists[0].status_text.as_ref().unwrap().value.as_deref(), Some("Grüße 🌍"));
    }
    let _ = User::new(uid("x"));
}

#[test]
fn contact_lists_attribute_lists_and_grants_survive_a_restart() {
    let accounts = ["alice", "bob", "carol"].map(|n| imps_session::server::Account::new(&uid(n), format!("pw-{n}")));
    let mut storage = imps_session::server::MemoryStorage::with_accounts(accounts);
    let config = imps_session::server::ServerConfig::new("example.com");
    let mut e = imps_session::server::Engine::new(config.clone(), &mut storage, imps_session::SplitMix64(1)).unwrap();
    let a = login_any(&mut e, "alice");
    let c = login_any(&mut e, "carol");
    let nicks = NickList::new(vec![NickEntry::user(uid("bob"))]);
    let r = req_any(&mut e, &a, CreateListRequest::new(friends_of("alice")).with_members(nicks));
    assert!(matches!(only(&r), Primitive::Status(s) if s.result.code.0 == 200));
    req_any(&mut e, &c, GetPresenceRequest::users([uid("alice")]));
    req_any(&mut e, &a, PresenceAuthUser::accept(uid("carol")));
    drop(e);
    // A new engine over the same storage: the list and the grant are back.
    let mut e = imps_session::server::Engine::new(config, &mut storage, imps_session::SplitMix64(2)).unwrap();
    let a = login_any(&mut e, "alice");
    let r = req_any(&mut e, &a, GetListRequest::default());
    assert!(matches!(only(&r), Primitive::GetListResponse(l) if l.contact_lists == vec![friends_of("alice").into()]));
    let r = req_any(&mut e, &a, GetReactiveAuthStatusRequest::default());
    let Primitive::GetReactiveAuthStatusResponse(s) = only(&r) else { panic!() };
    assert_eq!(s.list.statuses.len(), 1);
    assert_eq!(s.list.statuses[0].state, ReactiveAuthState::Granted);
}

fn login_any<S: imps_session::server::Storage>(
    e: &mut imps_session::server::Engine<S, imps_session::SplitMix64>,
    name: &str,
) -> String {
    use imps_csp::elements::ClientId;
    use imps_csp::primitive::access::LoginRequest;
    let r =
        req_any_out(e, None, LoginRequest::with_password(uid(name), ClientId::url("c"), format!("pw-{name}"), "ck"));
    match only(&r) {
        Primitive::LoginResponse(l) => l.session_id.clone().unwrap().0,
        other => panic!("{other:?}"),
    }
}

fn req_any<S: imps_session::server::Storage>(
    e: &mut imps_session::server::Engine<S, imps_session::SplitMix64>,
    s: &str,
    p: impl Into<Primitive>,
) -> Message {
    req_any_out(e, Some(s), p)
}

fn req_any_out<S: imps_session::server::Storage>(
    e: &mut imps_session::server::Engine<S, imps_session::SplitMix64>,
    s: Option<&str>,
    p: impl Into<Primitive>,
) -> Message {
    use imps_csp::{SessionDescriptor, Transaction};
    let sd = match s {
        Some(s) => SessionDescriptor::inband(s.into()),
        None => SessionDescriptor::outband(),
    };
    let bytes = Message::new(sd, Transaction::request("t", p)).to_xml(Version::V1_2).unwrap();
    Message::decode(&e.handle_request(T0, &bytes).unwrap().bytes).unwrap().message
}
