//! Seed 9, Figure 3 (complementary services): domain A provides presence and groups, domain B
//! provides instant messaging, each for the users of both; the user of A and the user of B use
//! every feature.

mod support;

use imps_csp::elements::{Recipient, Sender, User};
use imps_csp::presence::{AttrSet, PresenceAttr, PresenceSubList, TextAttr};
use imps_csp::primitive::common::{InviteRequest, InviteType, InviteUserResponse};
use imps_csp::primitive::group::{CreateGroupRequest, GetGroupMembersRequest, GroupProperties, JoinGroupRequest};
use imps_csp::primitive::im::SendMessageRequest;
use imps_csp::primitive::lists::CreateAttributeListRequest;
use imps_csp::primitive::presence::{PresenceAuthUser, SubscribePresenceRequest, UpdatePresenceRequest};
use imps_csp::Primitive;
use imps_session::server::RemoteFeature;
use imps_ssp::config::{Agreement, DomainConfig, ServiceRoute};
use imps_ssp::model::common::Service;
use support::{code, uid, wire_count, Client, Net};

const A: &str = "a.example";
const B: &str = "b.example";

fn set(s: &[Service]) -> std::collections::BTreeSet<Service> {
    s.iter().copied().collect()
}

fn net() -> Net {
    let mut n = Net::new();
    let a = DomainConfig::new(A)
        .with_agreement(Agreement {
            peer: B.into(),
            secret: "complement".into(),
            provides: set(&[Service::Presence, Service::Group, Service::Invitation, Service::UserProfile]),
            uses: set(&[Service::Im, Service::Invitation, Service::UserProfile]),
        })
        // B is the IM provider of A's users (and of its own).
        .with_route(ServiceRoute::direct(Service::Im, A, B))
        // A is the presence and group provider of B's users and groups.
        .with_route(ServiceRoute::direct(Service::Presence, B, A))
        .with_route(ServiceRoute::direct(Service::Group, B, A));
    let b = DomainConfig::new(B)
        .with_agreement(Agreement {
            peer: A.into(),
            secret: "complement".into(),
            provides: set(&[Service::Im, Service::Invitation, Service::UserProfile]),
            uses: set(&[Service::Presence, Service::Group, Service::Invitation, Service::UserProfile]),
        })
        .with_route(ServiceRoute::direct(Service::Im, A, B))
        .with_route(ServiceRoute::direct(Service::Presence, B, A))
        .with_route(ServiceRoute::direct(Service::Group, B, A));
    n.add(a, &["alice", "ann"]);
    n.add(b, &["bob"]);
    n
}

fn grant() -> AttrSet {
    let mut a = AttrSet::default();
    a.insert(PresenceAttr::OnlineStatus).insert(PresenceAttr::StatusText);
    a
}

fn status_text(text: &str) -> PresenceSubList {
    let mut t = TextAttr::default();
    t.qualifier = Some(true);
    t.value = Some(text.into());
    let mut p = PresenceSubList::default();
    p.status_text = Some(t);
    p
}

fn texts(inbox: &[Primitive], of: &str) -> Vec<String> {
    inbox
        .iter()
        .filter_map(|p| match p {
            Primitive::PresenceNotificationRequest(n) => Some(n),
            _ => None,
        })
        .flat_map(|n| n.presences.iter())
        .filter(|p| p.subject.user_id().map(|u| u.as_str()) == Some(of))
        .flat_map(|p| p.sub_lists.iter())
        .filter_map(|l| l.status_text.as_ref().and_then(|t| t.value.clone()))
        .collect()
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

#[test]
fn the_policies_follow_the_service_table() {
    let n = net();
    let pa = n.domains[A].engine().remote_policy().cloned().expect("policy");
    assert!(pa.provided_elsewhere.contains(&RemoteFeature::Im));
    assert!(pa.served.contains(&(RemoteFeature::Presence, B.into())));
    assert!(pa.served.contains(&(RemoteFeature::Group, B.into())));
    let pb = n.domains[B].engine().remote_policy().cloned().expect("policy");
    assert!(pb.provided_elsewhere.contains(&RemoteFeature::Presence));
    assert!(pb.provided_elsewhere.contains(&RemoteFeature::Group));
    assert!(pb.served.contains(&(RemoteFeature::Im, A.into())));
}

#[test]
fn logins_are_announced_to_the_providing_domain() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let _bob = n.login(B, "bob");
    // A told B (its users' IM provider); B told A (its users' presence and group provider).
    assert_eq!(wire_count(&n, A, B, "status=\"Active\""), 1);
    assert_eq!(wire_count(&n, B, A, "status=\"Active\""), 1);
    assert!(n.domains[B].engine().remote_session(&uid("alice", A)).is_some());
    assert!(n.domains[A].engine().remote_session(&uid("bob", B)).is_some());
    n.logout(&mut alice);
    assert_eq!(wire_count(&n, A, B, "status=\"Inactive\""), 1);
    assert!(n.domains[B].engine().remote_session(&uid("alice", A)).is_none());
}

#[test]
fn instant_messages_are_provided_by_b_for_both_users() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut ann = n.login(A, "ann");
    let mut bob = n.login(B, "bob");

    // Alice's message to bob is handled by B, her IM provider.
    let r = n
        .ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("bob", B), "hi bob").with_delivery_report(true));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut bob);
    assert_eq!(messages(&mut bob), vec!["hi bob".to_string()]);
    n.poll(&mut alice);
    assert!(alice
        .take_inbox()
        .iter()
        .any(|p| matches!(p, Primitive::DeliveryReportRequest(d) if d.result.code.0 == 200)));

    // Bob's message to alice: B holds alice's copy and pushes it to A for her client.
    let r = n.ask(&mut bob, SendMessageRequest::text(uid("bob", B), uid("alice", A), "hi alice"));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut alice);
    assert_eq!(messages(&mut alice), vec!["hi alice".to_string()]);
    assert_eq!(wire_count(&n, B, A, "<NewMessage>"), 1);

    // Even between two users of A, IM goes through B.
    let before = wire_count(&n, A, B, "<SendMessageRequest");
    let r = n.ask(&mut alice, SendMessageRequest::text(uid("alice", A), uid("ann", A), "hi ann"));
    assert_eq!(code(&r), 200, "{r:?}");
    n.poll(&mut ann);
    assert_eq!(messages(&mut ann), vec!["hi ann".to_string()]);
    assert_eq!(wire_count(&n, A, B, "<SendMessageRequest"), before + 1);
}

#[test]
fn presence_is_provided_by_a_for_both_users() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");

    // Alice authorises by her default list (locally, A is her presence provider).
    let mut cal = CreateAttributeListRequest::default();
    cal.presence_sub_list = grant();
    cal.default_list = true;
    assert_eq!(code(&n.ask(&mut alice, cal.clone())), 200);
    // Bob's list goes to A, his presence provider.
    assert_eq!(code(&n.ask(&mut bob, cal)), 200);
    assert_eq!(wire_count(&n, B, A, "<CreateAttributeListRequest"), 1);

    // Bob watches alice: relayed to A.
    assert_eq!(code(&n.ask(&mut bob, SubscribePresenceRequest::users([uid("alice", A)]))), 200);
    n.poll(&mut alice);
    assert!(alice.take_inbox().iter().any(|p| matches!(p, Primitive::PresenceAuthRequest(_))));
    assert_eq!(code(&n.ask(&mut alice, PresenceAuthUser::accept(uid("bob", B)))), 200);
    assert_eq!(code(&n.ask(&mut alice, UpdatePresenceRequest::new(status_text("reading")))), 200);
    n.poll(&mut bob);
    assert_eq!(texts(&bob.take_inbox(), "wv:alice@a.example"), vec!["reading".to_string()]);

    // Alice watches bob: bob's presence lives at A; the authorisation request reaches bob
    // through B and his answer and updates go back to A.
    assert_eq!(code(&n.ask(&mut alice, SubscribePresenceRequest::users([uid("bob", B)]))), 200);
    n.poll(&mut bob);
    let asked = bob.take_inbox();
    assert!(
        asked.iter().any(|p| matches!(p, Primitive::PresenceAuthRequest(a) if a.user_id == uid("alice", A))),
        "{asked:?}"
    );
    assert_eq!(code(&n.ask(&mut bob, PresenceAuthUser::accept(uid("alice", A)))), 200);
    assert_eq!(code(&n.ask(&mut bob, UpdatePresenceRequest::new(status_text("cooking")))), 200);
    n.poll(&mut alice);
    assert_eq!(texts(&alice.take_inbox(), "wv:bob@b.example"), vec!["cooking".to_string()]);
    assert_eq!(wire_count(&n, B, A, "<UpdatePresenceRequest"), 1);
    assert_eq!(wire_count(&n, B, A, "<PresenceAuthUser"), 1);
}

#[test]
fn groups_and_invitations_across_the_two_providers() {
    let mut n = net();
    let mut alice = n.login(A, "alice");
    let mut bob = n.login(B, "bob");
    let g = "wv:alice/club@a.example";
    let mut props = GroupProperties::default();
    props.set("Name", "club").set("AccessType", "Open");
    let mut create = CreateGroupRequest::new(g, props).with_screen_name("Al");
    create.subscribe_notification = true;
    assert_eq!(code(&n.ask(&mut alice, create)), 200);

    // Alice invites bob to her group (the invitation goes to bob's domain).
    let mut inv = InviteRequest::new("club-1", InviteType::Group, Recipient::user(uid("bob", B)));
    inv.group_id = Some(g.into());
    assert_eq!(code(&n.ask(&mut alice, inv)), 200);
    n.poll(&mut bob);
    let got = bob.take_inbox();
    assert!(
        got.iter().any(
            |p| matches!(p, Primitive::InviteUserRequest(i) if i.group_id.as_ref().map(|g| g.as_str()) == Some(g))
        ),
        "{got:?}"
    );
    let yes = InviteUserResponse::new("club-1", true, Some(Sender::User(User::new(uid("bob", B)))));
    assert_eq!(code(&n.ask(&mut bob, yes)), 200);
    n.poll(&mut alice);
    assert!(alice.take_inbox().iter().any(|p| matches!(p, Primitive::InviteResponse(r) if r.acceptance)));

    // Bob joins (his groups provider is A, where the group is anyway).
    let r = n.ask(&mut bob, JoinGroupRequest::new(g).with_screen_name("Bo").with_subscribe_notification(true));
    assert!(matches!(r, Primitive::JoinGroupResponse(_)), "{r:?}");
    n.poll(&mut alice);
    assert!(alice.take_inbox().iter().any(|p| matches!(p, Primitive::GroupChangeNotice(_))));

    // Group messages both ways, distributed by A, the group's provider.
    assert_eq!(code(&n.ask(&mut alice, SendMessageRequest::text_to_group(uid("alice", A), g, "welcome"))), 200);
    n.poll(&mut bob);
    assert_eq!(messages(&mut bob), vec!["welcome".to_string()]);
    assert_eq!(code(&n.ask(&mut bob, SendMessageRequest::text_to_group(uid("bob", B), g, "thanks"))), 200);
    n.poll(&mut alice);
    assert_eq!(messages(&mut alice), vec!["thanks".to_string()]);

    // The owner manages members across domains.
    let r = n.ask(&mut alice, GetGroupMembersRequest::new(g));
    assert!(matches!(r, Primitive::GetGroupMembersResponse(_)), "{r:?}");
}
