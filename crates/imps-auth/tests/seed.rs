//! One plain example per rule of the seed (sections 3.2-3.4 and 4.3), named after its section,
//! plus the decisions of the crate README for the cases the seed leaves open.

use imps_auth::{
    AccessListKind, AttrTarget, AuthEngine, CancelOutcome, Contact, Effect, EndReason, Entity, Error, GetOutcome,
    Limits, ListProperties, ListPropertiesUpdate, ReactiveAuthStatus, ReactiveState, Response, Sender,
    SubscribeOutcome, Timestamp, UnsubscribeOutcome, WatcherInfo,
};
use imps_csp::ids::{ContactListId, GroupId, SName, UserId};
use imps_csp::presence::{AttrSet, Availability, PresenceAttr, PresenceSubList, TextAttr, UserAvailability};
use imps_csp::ResultCode;
use PresenceAttr::*;

const T0: Timestamp = Timestamp(1_000_000);

fn id(s: &str) -> UserId {
    UserId::from(format!("wv:{s}@example.com"))
}

fn cl(s: &str) -> ContactListId {
    ContactListId::from(format!("wv:alice/{s}@example.com"))
}

fn set(attrs: &[PresenceAttr]) -> AttrSet {
    attrs.iter().copied().collect()
}

fn text(v: &str) -> Option<TextAttr> {
    let mut t = TextAttr::default();
    t.value = Some(v.to_owned());
    Some(t)
}

/// An update setting StatusText, FreeTextLocation and UserAvailability.
fn update(status: &str, location: &str, available: bool) -> PresenceSubList {
    let mut p = PresenceSubList::default();
    p.status_text = text(status);
    p.free_text_location = text(location);
    let mut a = UserAvailability::default();
    a.value = Some(if available { Availability::Available } else { Availability::NotAvailable });
    p.user_availability = Some(a);
    p
}

/// Alice with a "friends" list holding Bob, attributes `attrs`, and a first presence.
fn alice_with_friends(attrs: &[PresenceAttr]) -> AuthEngine {
    let mut e = AuthEngine::new();
    e.create_contact_list(T0, &id("alice"), &cl("friends"), ListProperties::default(), &[Contact::new(id("bob"))])
        .unwrap();
    e.set_attribute_list(T0, &id("alice"), &[AttrTarget::ContactList(cl("friends"))], &set(attrs)).unwrap();
    e.update_presence(T0, &id("alice"), &update("hello", "Helsinki", true)).unwrap();
    e
}

fn subscribed(r: Response<SubscribeOutcome>) -> PresenceSubList {
    match r.outcome {
        SubscribeOutcome::Subscribed { initial } => *initial,
        other => panic!("not subscribed: {other:?}"),
    }
}

fn got(r: Response<GetOutcome>) -> PresenceSubList {
    match r.outcome {
        GetOutcome::Presence(p) => *p,
        other => panic!("no presence: {other:?}"),
    }
}

/// Who got what from an update.
fn sent(e: &mut AuthEngine, publisher: &UserId, u: &PresenceSubList) -> Vec<(UserId, AttrSet)> {
    let r = e.update_presence(T0, publisher, u).unwrap();
    let mut out: Vec<_> = r.outcome.notifications().map(|(to, p)| (to.clone(), p.attributes())).collect();
    out.sort();
    out
}

fn watchers(e: &AuthEngine, publisher: &UserId) -> Vec<UserId> {
    e.watcher_list(T0, publisher).into_iter().map(|w| w.user).collect()
}

// ---------------------------------------------------------------- 3.2 contact lists

#[test]
fn s3_2_contact_lists_create_list_manage_read_delete() {
    let mut e = AuthEngine::new();
    let a = id("alice");
    e.create_contact_list(
        T0,
        &a,
        &cl("friends"),
        ListProperties { display_name: Some("Friends".into()), default: true },
        &[Contact::with_nickname(id("bob"), "Bobby"), Contact::new(id("carol"))],
    )
    .unwrap();
    e.create_contact_list(T0, &a, &cl("work"), ListProperties::default(), &[]).unwrap();
    // "obtain a list of contact lists"
    assert_eq!(e.contact_list_ids(&a), (vec![cl("friends"), cl("work")], Some(cl("friends"))));
    // "modify the content of a contact list"
    e.add_members(T0, &a, &cl("work"), &[Contact::with_nickname(id("dave"), "D")]).unwrap();
    e.remove_members(T0, &a, &cl("friends"), &[id("carol")]).unwrap();
    e.set_list_properties(
        T0,
        &a,
        &cl("work"),
        ListPropertiesUpdate { display_name: Some("Colleagues".into()), default: Some(true) },
    )
    .unwrap();
    // "retrieve the content of a contact list"
    let friends = e.contact_list(&a, &cl("friends")).unwrap();
    assert_eq!(friends.members.iter().collect::<Vec<_>>(), [(&id("bob"), &Some("Bobby".to_owned()))]);
    assert!(!friends.default, "one default list: making work the default cleared it here");
    let work = e.contact_list(&a, &cl("work")).unwrap();
    assert_eq!(work.display_name.as_deref(), Some("Colleagues"));
    assert!(work.default);
    // "delete"
    e.delete_contact_list(T0, &a, &cl("friends")).unwrap();
    assert_eq!(e.contact_list_ids(&a).0, vec![cl("work")]);
    assert_eq!(e.contact_list(&a, &cl("friends")), Err(Error::ContactListNotFound(cl("friends"))));
}

#[test]
fn s3_2_errors_and_limits_map_to_result_codes() {
    let limits =
        Limits { max_contact_lists: 1, max_contacts_per_list: 1, max_user_attribute_lists: 1, ..Limits::default() };
    let mut e = AuthEngine::with_limits(limits);
    let a = id("alice");
    let code = |r: Result<Response<()>, Error>| r.unwrap_err().result_code();
    e.create_contact_list(T0, &a, &cl("friends"), ListProperties::default(), &[]).unwrap();
    assert_eq!(code(e.create_contact_list(T0, &a, &cl("FRIENDS"), ListProperties::default(), &[])), ResultCode(701));
    assert_eq!(code(e.create_contact_list(T0, &a, &cl("work"), ListProperties::default(), &[])), ResultCode(753));
    assert_eq!(code(e.delete_contact_list(T0, &a, &cl("work"))), ResultCode(700));
    assert_eq!(
        code(e.add_members(T0, &a, &cl("friends"), &[Contact::new(id("bob")), Contact::new(id("carol"))])),
        ResultCode(754)
    );
    e.set_attribute_list(T0, &a, &[AttrTarget::User(id("bob"))], &set(&[OnlineStatus])).unwrap();
    assert_eq!(
        code(e.set_attribute_list(T0, &a, &[AttrTarget::User(id("carol"))], &set(&[OnlineStatus]))),
        ResultCode(755)
    );
    let mut too_many = AttrSet::new();
    for i in 0..=Limits::default().max_extension_attributes {
        too_many.insert_name(&format!("X-Ext{i}"));
    }
    assert_eq!(code(e.set_attribute_list(T0, &a, &[AttrTarget::Default], &too_many)), ResultCode(750));
    assert_eq!(code(e.add_members(T0, &a, &cl("friends"), &[Contact::new("wv:")])), ResultCode(531));
    // A refused operation changes nothing.
    assert_eq!(e.contact_list(&a, &cl("friends")).unwrap().members.len(), 0);
}

// ---------------------------------------------------------------- 3.3.2 proactive

#[test]
fn s3_3_2_contact_list_members_are_authorised_for_its_attribute_list() {
    let mut e = alice_with_friends(&[StatusText, UserAvailability]);
    let initial = subscribed(e.subscribe(T0, &id("bob"), &id("alice"), None, None).unwrap());
    assert_eq!(initial.attributes(), set(&[StatusText, UserAvailability]));
    assert_eq!(initial.status_text, text("hello"));
    // A non-member is not authorised: its get becomes a reactive request.
    let r = e.get_presence(T0, &id("carol"), &id("alice"), None).unwrap();
    assert_eq!(r.outcome, GetOutcome::PendingAuthorisation);
}

#[test]
fn s3_3_2_individual_attributes_override_the_contact_list() {
    let mut e = alice_with_friends(&[StatusText, UserAvailability]);
    e.set_attribute_list(T0, &id("alice"), &[AttrTarget::User(id("bob"))], &set(&[FreeTextLocation])).unwrap();
    assert_eq!(e.authorised_attributes(&id("alice"), &id("bob")), Some(set(&[FreeTextLocation])));
    let p = got(e.get_presence(T0, &id("bob"), &id("alice"), None).unwrap());
    assert_eq!(p.attributes(), set(&[FreeTextLocation]), "not the union: the individual list wins");
    // Deleting the individual list falls back to the contact list.
    e.delete_attribute_list(T0, &id("alice"), &[AttrTarget::User(id("bob"))]).unwrap();
    assert_eq!(e.authorised_attributes(&id("alice"), &id("bob")), Some(set(&[StatusText, UserAvailability])));
}

#[test]
fn s3_3_2_membership_in_several_lists_gives_the_union() {
    let mut e = alice_with_friends(&[StatusText]);
    e.create_contact_list(T0, &id("alice"), &cl("work"), ListProperties::default(), &[Contact::new(id("bob"))])
        .unwrap();
    e.set_attribute_list(T0, &id("alice"), &[AttrTarget::ContactList(cl("work"))], &set(&[UserAvailability])).unwrap();
    assert_eq!(e.authorised_attributes(&id("alice"), &id("bob")), Some(set(&[StatusText, UserAvailability])));
}

#[test]
fn s3_3_2_list_without_attribute_list_gives_the_default_public_list() {
    // Decision (README): members of a list with no attribute list attached see the Default
    // Public Attribute List; with none, such a list authorises nothing.
    let mut e = AuthEngine::new();
    let a = id("alice");
    e.create_contact_list(T0, &a, &cl("friends"), ListProperties::default(), &[Contact::new(id("bob"))]).unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("bob")), None);
    e.set_attribute_list(T0, &a, &[AttrTarget::Default], &set(&[OnlineStatus])).unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("bob")), Some(set(&[OnlineStatus])));
    let lists = e.attribute_lists(&a);
    assert_eq!(lists.default, Some(set(&[OnlineStatus])));
    assert!(lists.contact_lists.is_empty() && lists.users.is_empty());
}

// ---------------------------------------------------------------- 3.3.3 reactive

#[test]
fn s3_3_3_reactive_request_accepted_for_the_named_attributes() {
    let mut e = alice_with_friends(&[StatusText]);
    let (a, carol) = (id("alice"), id("carol"));
    let r = e.subscribe(T0, &carol, &a, Some(&set(&[UserAvailability])), None).unwrap();
    assert_eq!(r.outcome, SubscribeOutcome::PendingAuthorisation);
    assert_eq!(
        r.effects,
        [Effect::AuthorisationRequest {
            publisher: a.clone(),
            requester: carol.clone(),
            attributes: Some(set(&[UserAvailability]))
        }]
    );
    assert!(!watchers(&e, &a).contains(&carol), "not a watcher before acceptance");
    let r = e.respond_authorisation(T0, &a, &carol, true).unwrap();
    // Acceptance adds the user to the watcher list, with its initial presence.
    let [Effect::Notify { to, presence, .. }] = &r.effects[..] else { panic!("{:?}", r.effects) };
    assert_eq!((to, presence.attributes()), (&carol, set(&[UserAvailability])));
    assert!(watchers(&e, &a).contains(&carol));
    assert_eq!(e.authorised_attributes(&a, &carol), Some(set(&[UserAvailability])));
}

#[test]
fn s3_3_3_request_without_attributes_gets_the_default_public_attribute_list() {
    let mut e = alice_with_friends(&[StatusText]);
    let a = id("alice");
    e.set_attribute_list(T0, &a, &[AttrTarget::Default], &set(&[UserAvailability, StatusText])).unwrap();
    e.subscribe(T0, &id("carol"), &a, None, None).unwrap();
    e.respond_authorisation(T0, &a, &id("carol"), true).unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("carol")), Some(set(&[UserAvailability, StatusText])));
    // Decision (README): the grant follows the default list as it is now.
    e.set_attribute_list(T0, &a, &[AttrTarget::Default], &set(&[UserAvailability])).unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("carol")), Some(set(&[UserAvailability])));
}

#[test]
fn s3_3_3_no_partial_acceptance() {
    // The answer is yes or no for everything requested: there is no way to accept a part.
    let mut e = AuthEngine::new();
    let a = id("alice");
    let asked = set(&[StatusText, FreeTextLocation, UserAvailability]);
    e.get_presence(T0, &id("carol"), &a, Some(&asked)).unwrap();
    e.respond_authorisation(T0, &a, &id("carol"), true).unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("carol")), Some(asked));
}

#[test]
fn s3_3_3_denial_is_remembered_and_states_are_queryable() {
    let mut e = AuthEngine::new();
    let a = id("alice");
    for u in ["bob", "carol", "dave"] {
        e.get_presence(T0, &id(u), &a, None).unwrap();
    }
    e.respond_authorisation(T0, &a, &id("bob"), true).unwrap();
    e.respond_authorisation(T0, &a, &id("carol"), false).unwrap();
    let status = e.reactive_status(&a, None);
    let states: Vec<_> = status.iter().map(|s| (s.user.clone(), s.state)).collect();
    assert_eq!(
        states,
        [
            (id("bob"), ReactiveState::Granted),
            (id("carol"), ReactiveState::Denied),
            (id("dave"), ReactiveState::Pending)
        ]
    );
    assert_eq!(
        e.reactive_status(&a, Some(&[id("DAVE")])),
        [ReactiveAuthStatus { user: id("dave"), state: ReactiveState::Pending, attributes: None }]
    );
    // Carol asks again: refused at once, nothing sent to Alice.
    let r = e.subscribe(T0, &id("carol"), &a, None, None).unwrap();
    assert_eq!((r.outcome, r.effects), (SubscribeOutcome::Denied, vec![]));
    // Dave asks again while pending: no second request.
    let r = e.subscribe(T0, &id("dave"), &a, None, None).unwrap();
    assert_eq!((r.outcome, r.effects), (SubscribeOutcome::PendingAuthorisation, vec![]));
    // Answering a request never made.
    assert_eq!(e.respond_authorisation(T0, &a, &id("erin"), true).unwrap_err().result_code(), ResultCode(404));
}

// ---------------------------------------------------------------- 3.3.4 / 3.3.7 watcher list

#[test]
fn s3_3_4_watcher_list_holds_every_subscriber_and_its_attributes() {
    let mut e = alice_with_friends(&[StatusText, UserAvailability]);
    let a = id("alice");
    e.subscribe(T0, &id("bob"), &a, Some(&set(&[StatusText])), None).unwrap();
    e.get_presence(T0, &id("carol"), &a, None).unwrap();
    e.subscribe(T0, &id("carol"), &a, None, None).unwrap();
    e.respond_authorisation(T0, &a, &id("carol"), true).unwrap();
    assert_eq!(
        e.watcher_list(T0, &a),
        [
            WatcherInfo { user: id("bob"), attributes: Some(set(&[StatusText])), until: None },
            WatcherInfo { user: id("carol"), attributes: None, until: None },
        ]
    );
}

#[test]
fn s3_3_7_one_shot_gets_are_not_in_the_watcher_list() {
    let mut e = alice_with_friends(&[StatusText]);
    got(e.get_presence(T0, &id("bob"), &id("alice"), None).unwrap());
    assert!(e.watcher_list(T0, &id("alice")).is_empty());
    // Nor does an accepted request that came from a get.
    e.get_presence(T0, &id("carol"), &id("alice"), None).unwrap();
    e.respond_authorisation(T0, &id("alice"), &id("carol"), true).unwrap();
    assert!(e.watcher_list(T0, &id("alice")).is_empty());
}

// ---------------------------------------------------------------- 3.3.5 withdrawal and removal

#[test]
fn s3_3_5_removal_from_the_contact_list_withdraws_at_once() {
    let mut e = alice_with_friends(&[StatusText]);
    let a = id("alice");
    e.subscribe(T0, &id("bob"), &a, None, None).unwrap();
    let r = e.remove_members(T0, &a, &cl("friends"), &[id("bob")]).unwrap();
    assert_eq!(
        r.effects,
        [Effect::SubscriptionEnded {
            publisher: a.clone(),
            subscriber: id("bob"),
            reason: EndReason::AuthorisationWithdrawn
        }]
    );
    assert!(watchers(&e, &a).is_empty());
    assert!(sent(&mut e, &a, &update("bye", "Espoo", false)).is_empty());
}

#[test]
fn s3_3_5_attribute_list_change_withdraws_the_removed_attributes_at_once() {
    let mut e = alice_with_friends(&[StatusText, FreeTextLocation]);
    let a = id("alice");
    e.subscribe(T0, &id("bob"), &a, None, None).unwrap();
    e.set_attribute_list(T0, &a, &[AttrTarget::ContactList(cl("friends"))], &set(&[StatusText])).unwrap();
    assert_eq!(sent(&mut e, &a, &update("bye", "Espoo", false)), [(id("bob"), set(&[StatusText]))]);
    // Deleting it (no default list either) withdraws everything: the subscription ends.
    let r = e.delete_attribute_list(T0, &a, &[AttrTarget::ContactList(cl("friends"))]).unwrap();
    assert_eq!(r.effects.len(), 1);
    assert!(watchers(&e, &a).is_empty());
}

#[test]
fn s3_3_5_cancel_withdraws_a_reactive_authorisation() {
    let mut e = AuthEngine::new();
    let a = id("alice");
    e.subscribe(T0, &id("carol"), &a, None, None).unwrap();
    e.respond_authorisation(T0, &a, &id("carol"), true).unwrap();
    let r = e.cancel_authorisation(T0, &a, &id("carol")).unwrap();
    assert_eq!(r.outcome, CancelOutcome::Cancelled);
    assert_eq!(
        r.effects,
        [Effect::SubscriptionEnded {
            publisher: a.clone(),
            subscriber: id("carol"),
            reason: EndReason::AuthorisationWithdrawn
        }]
    );
    assert!(e.reactive_status(&a, None).is_empty(), "forgotten: Carol may ask again");
    // A denial is not cancelled.
    e.get_presence(T0, &id("dave"), &a, None).unwrap();
    e.respond_authorisation(T0, &a, &id("dave"), false).unwrap();
    assert_eq!(e.cancel_authorisation(T0, &a, &id("dave")).unwrap().outcome, CancelOutcome::NothingToCancel);
}

#[test]
fn s3_3_5_subscriber_asks_for_removal_and_the_engine_withdraws() {
    let mut e = alice_with_friends(&[StatusText]);
    let a = id("alice");
    e.set_attribute_list(T0, &a, &[AttrTarget::User(id("bob"))], &set(&[UserAvailability])).unwrap();
    e.subscribe(T0, &id("bob"), &a, None, None).unwrap();
    let r = e.request_removal(T0, &id("bob"), &a).unwrap();
    assert_eq!(
        r.effects,
        [
            Effect::SubscriptionEnded {
                publisher: a.clone(),
                subscriber: id("bob"),
                reason: EndReason::RemovalRequested
            },
            Effect::AuthorisationRemoved {
                publisher: a.clone(),
                subscriber: id("bob"),
                contact_lists: vec![cl("friends")],
                individual_list: true,
                reactive: false,
            },
        ]
    );
    assert_eq!(e.authorised_attributes(&a, &id("bob")), None);
    assert!(e.contact_list(&a, &cl("friends")).unwrap().members.is_empty());
}

// ---------------------------------------------------------------- 3.3.6 combination

#[test]
fn s3_3_6_proactive_authorisation_prevents_reactive_requests() {
    let mut e = alice_with_friends(&[StatusText]);
    // Bob asks for more than he is proactively authorised for: no reactive request.
    let r = e.subscribe(T0, &id("bob"), &id("alice"), Some(&set(&[FreeTextLocation])), None).unwrap();
    assert!(r.effects.is_empty());
    assert_eq!(subscribed(r), PresenceSubList::default());
    assert!(e.reactive_status(&id("alice"), None).is_empty());
    // And a reactive grant adds nothing to a proactive authorisation.
    let mut e = AuthEngine::new();
    let a = id("alice");
    e.get_presence(T0, &id("bob"), &a, Some(&set(&[FreeTextLocation]))).unwrap();
    e.respond_authorisation(T0, &a, &id("bob"), true).unwrap();
    e.set_attribute_list(T0, &a, &[AttrTarget::User(id("bob"))], &set(&[StatusText])).unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("bob")), Some(set(&[StatusText])));
}

// ---------------------------------------------------------------- 3.4 delivery

#[test]
fn s3_4_1_subscription_until_a_time_ends_then() {
    let mut e = alice_with_friends(&[StatusText]);
    let a = id("alice");
    let until = T0.add_secs(60);
    e.subscribe(T0, &id("bob"), &a, None, Some(until)).unwrap();
    assert_eq!(e.next_deadline(), Some(until));
    assert_eq!(e.watcher_list(until, &a), [], "the end time is exclusive");
    assert_eq!(
        e.expire(until),
        [Effect::SubscriptionEnded { publisher: a.clone(), subscriber: id("bob"), reason: EndReason::Expired }]
    );
    assert_eq!(e.next_deadline(), None);
    assert_eq!(e.subscribe(T0, &id("bob"), &a, None, Some(T0)).unwrap_err(), Error::InvalidDeadline);
}

#[test]
fn s3_4_1_unsubscribe_stops_delivery() {
    let mut e = alice_with_friends(&[StatusText]);
    let a = id("alice");
    e.subscribe(T0, &id("bob"), &a, None, None).unwrap();
    assert_eq!(e.unsubscribe(T0, &id("bob"), &a).unwrap().outcome, UnsubscribeOutcome::Unsubscribed);
    assert!(sent(&mut e, &a, &update("x", "y", false)).is_empty());
    assert_eq!(e.unsubscribe(T0, &id("bob"), &a).unwrap().outcome, UnsubscribeOutcome::NotSubscribed);
}

#[test]
fn s3_4_2_get_presence_as_widely_as_authorised() {
    let mut e = alice_with_friends(&[StatusText, UserAvailability]);
    let a = id("alice");
    let p = got(e.get_presence(T0, &id("bob"), &a, Some(&set(&[StatusText, FreeTextLocation]))).unwrap());
    assert_eq!(p.attributes(), set(&[StatusText]));
    // The owner sees all of its own presence; it cannot subscribe to itself.
    assert_eq!(got(e.get_presence(T0, &a, &a, None).unwrap()), update("hello", "Helsinki", true));
    assert_eq!(e.subscribe(T0, &a, &a, None, None).unwrap_err(), Error::SelfSubscription);
}

#[test]
fn s3_4_3_update_notifies_only_changed_authorised_subscribed_attributes() {
    let mut e = alice_with_friends(&[StatusText, UserAvailability]);
    let a = id("alice");
    e.subscribe(T0, &id("bob"), &a, None, None).unwrap();
    e.set_attribute_list(T0, &a, &[AttrTarget::User(id("carol"))], &set(&[StatusText, FreeTextLocation])).unwrap();
    e.subscribe(T0, &id("carol"), &a, Some(&set(&[FreeTextLocation])), None).unwrap();
    // Everything changes: Bob sees his two, Carol her subscribed one.
    assert_eq!(
        sent(&mut e, &a, &update("bye", "Espoo", false)),
        [(id("bob"), set(&[StatusText, UserAvailability])), (id("carol"), set(&[FreeTextLocation]))]
    );
    // Only the location changes: Bob may not see it, so he gets nothing.
    assert_eq!(sent(&mut e, &a, &update("bye", "Turku", false)), [(id("carol"), set(&[FreeTextLocation]))]);
    // Nothing changes: nobody hears anything.
    assert!(sent(&mut e, &a, &update("bye", "Turku", false)).is_empty());
}

// ---------------------------------------------------------------- 4.3 access control

#[test]
fn s4_3_block_and_grant_lists() {
    let mut e = AuthEngine::new();
    let a = id("alice");
    let g = GroupId::from("wv:chat@example.com");
    let bob_in_group = Sender::via_group(id("bob"), g.clone(), Some(SName::from("B")));
    assert!(e.may_message(&a, &Sender::user(id("bob"))), "no lists: everyone");
    e.add_access_entries(&a, AccessListKind::Block, &[Entity::User(UserId::from("WV:Bob@Example.com"))]).unwrap();
    assert!(e.may_message(&a, &Sender::user(id("bob"))), "block list not in use");
    e.set_access_list_in_use(&a, AccessListKind::Block, true).unwrap();
    assert!(!e.may_message(&a, &Sender::user(id("bob"))));
    assert!(!e.may_message(&a, &bob_in_group), "blocking applies to group messages too");
    assert!(e.may_message(&a, &Sender::user(id("carol"))));
    // Grant list in use: only granted senders pass; blocked wins over granted.
    e.add_access_entries(&a, AccessListKind::Grant, &[Entity::User(id("bob")), Entity::Group(g.clone())]).unwrap();
    e.set_access_list_in_use(&a, AccessListKind::Grant, true).unwrap();
    assert!(!e.may_message(&a, &Sender::user(id("bob"))), "blocked wins");
    assert!(!e.may_message(&a, &Sender::user(id("carol"))), "not granted");
    assert!(e.may_message(&a, &Sender::via_group(id("carol"), g.clone(), None)), "granted group");
    // Screen names in a group.
    e.add_access_entries(
        &a,
        AccessListKind::Block,
        &[Entity::ScreenName { group: g.clone(), name: SName::from("Troll") }],
    )
    .unwrap();
    assert!(!e.may_message(&a, &Sender::via_group(id("erin"), g, Some(SName::from("Troll")))));
    assert_eq!(
        e.access_lists(&a).unwrap().block.entries.len(),
        2,
        "entries kept normalised: Bob's id was given in capitals"
    );
}

// ---------------------------------------------------------------- plumbing

#[test]
fn ids_are_normalised_at_every_entry_point() {
    let mut e = AuthEngine::new();
    e.create_contact_list(
        T0,
        &UserId::from("Alice@Example.com"),
        &ContactListId::from("WV:alice/FRIENDS@example.com"),
        ListProperties::default(),
        &[Contact::new(" WV:BOB@EXAMPLE.COM")],
    )
    .unwrap();
    e.set_attribute_list(T0, &id("alice"), &[AttrTarget::ContactList(cl("friends"))], &set(&[OnlineStatus])).unwrap();
    assert_eq!(e.authorised_attributes(&UserId::from("wv:ALICE@example.com"), &id("bob")), Some(set(&[OnlineStatus])));
    assert_eq!(e.publishers().map(|(p, _)| p.clone()).collect::<Vec<_>>(), [id("alice")]);
}

#[test]
fn state_round_trips_through_serde() {
    let mut e = alice_with_friends(&[StatusText]);
    e.subscribe(T0, &id("bob"), &id("alice"), None, Some(T0.add_secs(5))).unwrap();
    e.subscribe(T0, &id("carol"), &id("alice"), None, None).unwrap();
    e.add_access_entries(&id("alice"), AccessListKind::Block, &[Entity::User(id("mallory"))]).unwrap();
    let json = serde_json::to_string(&e).unwrap();
    let back: AuthEngine = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e);
    back.check_invariants().unwrap();
}

#[test]
fn import_over_live_state_leaves_no_stale_authorisation() {
    // Restoring a user's stored state replaces what the engine held: its watchers go, so none
    // keeps seeing attributes the restored lists no longer authorise.
    let mut e = alice_with_friends(&[StatusText]);
    let a = id("alice");
    e.subscribe(T0, &id("bob"), &a, None, Some(T0.add_secs(9))).unwrap();
    e.import_user(&a, imps_auth::StoredUser::default());
    e.check_invariants().unwrap();
    assert_eq!(e.authorised_attributes(&a, &id("bob")), None);
    assert!(e.watcher_list(T0, &a).is_empty());
    assert_eq!(e.next_deadline(), None);
    assert!(sent(&mut e, &a, &update("x", "y", false)).is_empty());
}
