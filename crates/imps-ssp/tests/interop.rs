//! Seed 9, Figure 2 (minimal interoperability): a user of domain A and a user of domain B, each
//! served by its own home domain, chat, see each other's presence, meet in a group and invite
//! each other, all through SSP.

mod support;

use imps_csp::elements::{Group, Recipient, Sender, User};
use imps_csp::presence::{AttrSet, PresenceAttr, PresenceSubList, TextAttr};
use imps_csp::primitive::common::{CancelInviteRequest, InviteRequest, InviteType, InviteUserResponse};
use imps_csp::primitive::group::{
    CreateGroupRequest, GetJoinedUsersRequest, GroupProperties, JoinGroupRequest, LeaveGroupRequest,
};
use imps_csp::primitive::im::SendMessageRequest;
use imps_csp::primitive::lists::CreateAttributeListRequest;
use imps_csp::primitive::presence::{
    GetPresenceRequest, PresenceAuthUser, SubscribePresenceRequest, UpdatePresenceRequest,
};
use imps_csp::Primitive;
use imps_ssp::config::{Agreement, DomainConfig};
use imps_ssp::domain::{Event, Role};
use imps_ssp::model::common::Service;
use support::{code, uid, wire_count, Net};

const A: &str = "a.example";
const B: &str = "b.example";

fn all() -> Vec<Service> {
    vec![Service::Im, Service::Presence, Service::Group, Service::Invitation, Service::UserProfile]
}

fn net() -> Net {
    let mut n = Net::new();
    n.add(DomainConfig::new(A).with_agreement(Agreement::mutual(B, "a-b secret", &all())), &["alice", "ann"]);
    n.add(DomainConfig::new(B).with_agreement(Agreement::mutual(A, "a-b secret", &all())), &["bob", "bea"]);
    n
}

fn status_text(text: &str) -> PresenceSubList {
    let mut t = TextAttr::default();
    t.qualifier = Some(true);
    t.value = Some(text.into());
    let mut p = PresenceSubList::default();
    p.status_text = Some(t);
    p
}

#[test]
fn users_of_two_domains_chat_with_delivery_reports() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");

    let send = SendMessageRequest::text(uid("alice", A), uid("bob", B), "hello bob").with_delivery_report(true);
    let r = n.ask(&mut alice, send);
    let Primitive::SendMessageResponse(r) = r else { panic!("{r:?}") };
    assert_eq!(r.result.code.0, 200);
    let mid = r.message_id.expect("message id");

    n.poll(&mut bob);
    let got = bob.take_inbox();
    let Some(Primitive::NewMessage(m)) = got.first() else { panic!("{got:?}") };
    assert_eq!(m.content_data.as_deref(), Some("hello bob"));
    assert_eq!(m.message_info.sender.user_id(), Some(&uid("alice", A)));

    // Bob's client confirmed the push: alice gets her report, through SSP.
    n.poll(&mut alice);
    let reports: Vec<_> = alice
        .take_inbox()
        .into_iter()
        .filter_map(|p| match p {
            Primitive::DeliveryReportRequest(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(reports.len(), 1, "one delivery report");
    assert_eq!(reports[0].result.code.0, 200);
    assert_eq!(reports[0].message_info.message_id.as_ref(), Some(&mid));

    // And back.
    let r = n.ask(&mut bob, SendMessageRequest::text(uid("bob", B), uid("alice", A), "hi alice"));
    assert_eq!(code(&r), 200);
    n.poll(&mut alice);
    let got = alice.take_inbox();
    assert!(
        got.iter().any(|p| matches!(p, Primitive::NewMessage(m) if m.content_data.as_deref() == Some("hi alice"))),
        "{got:?}"
    );

    // One session each way, set up with the shared secret.
    let ev = n.events_of(B);
    assert!(ev.iter().any(|e| matches!(e, Event::SessionEstablished { peer, role: Role::Provider, .. } if peer == A)));
    assert!(ev.iter().any(|e| matches!(e, Event::SessionEstablished { peer, role: Role::Requestor, .. } if peer == A)));
    // A's challenge to B, and A's answer to B's challenge (B holds a session at A too).
    assert_eq!(wire_count(&n, A, B, "<SendSecretToken"), 2);
    assert_eq!(wire_count(&n, A, B, "<LoginRequest"), 1);
    assert_eq!(wire_count(&n, A, B, "<SendMessageRequest deliveryReport=\"Yes\""), 1);
    assert_eq!(wire_count(&n, B, A, "<DeliveryStatusReport"), 1);
}

#[test]
fn a_message_to_users_of_both_domains_merges_the_results() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let _ann = n.login(A, "ann");
    let mut bob = n.login(B, "bob");
    let mut rec = Recipient::user(uid("ann", A));
    rec.users.push(User::new(uid("bob", B)));
    rec.users.push(User::new(uid("nobody", B)));
    let r = n.ask(&mut alice, SendMessageRequest::text_to(uid("alice", A), rec, "to all"));
    let Primitive::SendMessageResponse(r) = r else { panic!("{r:?}") };
    assert_eq!(r.result.code.0, 201, "{r:?}");
    assert!(r.message_id.is_some());
    let d = &r.result.detailed_results;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.0, 531);
    assert_eq!(d[0].user_ids, vec![uid("nobody", B)]);
    n.poll(&mut bob);
    assert!(bob.take_inbox().iter().any(|p| matches!(p, Primitive::NewMessage(_))));
}

fn grant() -> AttrSet {
    let mut a = AttrSet::default();
    a.insert(PresenceAttr::OnlineStatus).insert(PresenceAttr::StatusText);
    a
}

#[test]
fn a_user_sees_the_presence_of_a_user_of_another_domain() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    // Bob's Default Public Attribute List, which a reactive grant gives (seed 3.3.3).
    let mut cal = CreateAttributeListRequest::default();
    cal.presence_sub_list = grant();
    cal.default_list = true;
    assert_eq!(code(&n.ask(&mut bob, cal)), 200);

    let r = n.ask(&mut alice, SubscribePresenceRequest::users([uid("bob", B)]));
    assert_eq!(code(&r), 200, "{r:?}");
    // Reactive authorisation: bob is asked, in his domain.
    n.poll(&mut bob);
    let asked = bob.take_inbox();
    assert!(
        asked.iter().any(|p| matches!(p, Primitive::PresenceAuthRequest(a) if a.user_id == uid("alice", A))),
        "{asked:?}"
    );
    let r = n.ask(&mut bob, PresenceAuthUser::accept(uid("alice", A)));
    assert_eq!(code(&r), 200);
    n.poll(&mut alice);
    let notes = alice.take_inbox();
    assert!(
        notes.iter().any(|p| matches!(p, Primitive::PresenceNotificationRequest(n)
            if n.presences.iter().any(|x| x.subject.user_id() == Some(&uid("bob", B))))),
        "{notes:?}"
    );

    // Bob's update reaches alice.
    let r = n.ask(&mut bob, UpdatePresenceRequest::new(status_text("at lunch")));
    assert_eq!(code(&r), 200);
    n.poll(&mut alice);
    let notes = alice.take_inbox();
    let texts: Vec<String> = notes
        .iter()
        .filter_map(|p| match p {
            Primitive::PresenceNotificationRequest(n) => Some(n),
            _ => None,
        })
        .flat_map(|n| n.presences.iter())
        .flat_map(|p| p.sub_lists.iter())
        .filter_map(|l| l.status_text.as_ref().and_then(|t| t.value.clone()))
        .collect();
    assert_eq!(texts, vec!["at lunch".to_string()]);

    // A one-shot get.
    let r = n.ask(&mut alice, GetPresenceRequest::users([uid("bob", B)]));
    let Primitive::GetPresenceResponse(g) = r else { panic!("{r:?}") };
    assert_eq!(g.result.code.0, 200);
    assert_eq!(g.presences.len(), 1);
    assert_eq!(g.presences[0].subject.user_id(), Some(&uid("bob", B)));
    let text = g.presences[0].sub_lists[0].status_text.as_ref().and_then(|t| t.value.clone());
    assert_eq!(text.as_deref(), Some("at lunch"));

    // An unknown user of the other domain: B's answer, 531.
    let r = n.ask(&mut alice, GetPresenceRequest::users([uid("nobody", B)]));
    assert_eq!(code(&r), 531, "{r:?}");
}

#[test]
fn a_user_joins_and_chats_in_a_group_of_another_domain() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    let g = "wv:bob/chat@b.example";
    let mut props = GroupProperties::default();
    props.set("Name", "chat").set("AccessType", "Open");
    let mut create = CreateGroupRequest::new(g, props).with_screen_name("Bob");
    create.subscribe_notification = true;
    let r = n.ask(&mut bob, create);
    assert_eq!(code(&r), 200, "{r:?}");

    let join = JoinGroupRequest::new(g).with_screen_name("Alice").with_subscribe_notification(true);
    let r = n.ask(&mut alice, join);
    assert!(matches!(r, Primitive::JoinGroupResponse(_)), "{r:?}");
    // Bob, joined and subscribed at creation, hears of it.
    n.poll(&mut bob);
    assert!(bob.take_inbox().iter().any(|p| matches!(p, Primitive::GroupChangeNotice(_))));

    let r = n.ask(&mut alice, GetJoinedUsersRequest::new(g));
    let Primitive::GetJoinedUsersResponse(j) = r else { panic!("{r:?}") };
    let names: Vec<String> = j.mappings().map(|m| m.sname.as_str().to_owned()).collect();
    assert!(names.contains(&"Alice".to_string()) && names.contains(&"Bob".to_string()), "{names:?}");

    // Group messages both ways.
    let r = n.ask(&mut bob, SendMessageRequest::text_to_group(uid("bob", B), g, "welcome"));
    assert_eq!(code(&r), 200);
    n.poll(&mut alice);
    let got = alice.take_inbox();
    assert!(
        got.iter().any(|p| matches!(p, Primitive::NewMessage(m) if m.content_data.as_deref() == Some("welcome"))),
        "{got:?}"
    );
    let r = n.ask(&mut alice, SendMessageRequest::text_to_group(uid("alice", A), g, "thanks"));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut bob);
    let got = bob.take_inbox();
    let m = got.iter().find_map(|p| match p {
        Primitive::NewMessage(m) if m.content_data.as_deref() == Some("thanks") => Some(m),
        _ => None,
    });
    let m = m.unwrap_or_else(|| panic!("{got:?}"));
    // Alice speaks under her screen name.
    assert!(matches!(&m.message_info.sender, Sender::Group(Group::ScreenName(s)) if s.sname.as_str() == "Alice"));

    let r = n.ask(&mut alice, LeaveGroupRequest::new(g));
    assert_eq!(code(&r), 200, "{r:?}");
    assert!(matches!(r, Primitive::LeaveGroupResponse(_)));
    // A group of B that does not exist: B's 800.
    let r = n.ask(&mut alice, JoinGroupRequest::new("wv:bob/none@b.example"));
    assert_eq!(code(&r), 800, "{r:?}");
}

#[test]
fn invitations_and_their_cancellation_cross_domains() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    let mut inv = InviteRequest::new("inv-1", InviteType::Im, Recipient::user(uid("bob", B)));
    inv.invite_note = Some("let's talk".into());
    let r = n.ask(&mut alice, inv);
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut bob);
    let got = bob.take_inbox();
    let Some(Primitive::InviteUserRequest(i)) = got.first() else { panic!("{got:?}") };
    assert_eq!(i.invite_note.as_deref(), Some("let's talk"));
    assert!(matches!(&i.sender, Sender::User(u) if u.user_id == uid("alice", A)));

    let answer = InviteUserResponse::new("inv-1", true, Some(Sender::User(User::new(uid("bob", B)))));
    let r = n.ask(&mut bob, answer);
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut alice);
    let got = alice.take_inbox();
    assert!(got.iter().any(|p| matches!(p, Primitive::InviteResponse(r) if r.acceptance)), "{got:?}");

    // A second invitation, cancelled.
    let r = n.ask(&mut alice, InviteRequest::new("inv-2", InviteType::Im, Recipient::user(uid("bob", B))));
    assert_eq!(code(&r), 200);
    n.poll(&mut bob);
    bob.take_inbox();
    let r = n.ask(&mut alice, CancelInviteRequest::new("inv-2", None));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut bob);
    let got = bob.take_inbox();
    assert!(
        got.iter().any(|p| matches!(p, Primitive::CancelInviteUserRequest(c) if c.invite_id.as_str() == "inv-2")),
        "{got:?}"
    );
}

#[test]
fn service_discovery_and_user_profiles() {
    let mut n = net();
    let _bob = n.login(B, "bob");
    let now = n.now;
    n.domain(A).discover_services(now, B).unwrap();
    n.run();
    let found = n.events_of(A).iter().find_map(|e| match e {
        Event::ServicesDiscovered { peer, services } if peer == B => Some(services.clone()),
        _ => None,
    });
    let found = found.expect("discovered");
    assert!(found.contains(&Service::Im) && found.contains(&Service::Presence) && found.contains(&Service::Group));

    n.domain(A).get_user_profiles(now, B, &[uid("bob", B), uid("bea", B), uid("nobody", B)]).unwrap();
    n.run();
    let (code, profiles) = n
        .events_of(A)
        .iter()
        .find_map(|e| match e {
            Event::ProfilesReceived { code, profiles, .. } => Some((*code, profiles.clone())),
            _ => None,
        })
        .expect("profiles");
    assert_eq!(code.0, 201);
    assert_eq!(profiles.len(), 2);
    use imps_ssp::model::session::ProfileStatus;
    assert_eq!(profiles[0].status, Some(ProfileStatus::Active));
    assert_eq!(profiles[1].status, Some(ProfileStatus::Inactive));
}
