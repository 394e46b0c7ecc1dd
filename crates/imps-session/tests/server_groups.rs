//! Seed section 5 (groups; spec notes 2.6): public and private groups, joining with screen names,
//! leaving and forced leave, members and roles, properties, reject lists, change notices,
//! anonymity of screen names, persistence.

mod support;

use imps_csp::elements::{ClientId, Property, ScreenName, User, UserList};
use imps_csp::ids::{GroupId, SName};
use imps_csp::primitive::access::{LoginRequest, LogoutRequest, PollingRequest};
use imps_csp::primitive::group::*;
use imps_csp::primitive::im::EntityList;
use imps_csp::{Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version};
use imps_session::server::{Engine, Output, PublicGroupConfig, RequestLog, ServerConfig, Storage};
use imps_session::SplitMix64;
use support::*;

const CHESS: &str = "wv:alice/chess@example.com";
const LOBBY: &str = "wv:chat/lobby@example.com";

/// A session in one version and encoding; `tag` tells several sessions of a user apart.
#[derive(Clone)]
struct S {
    id: String,
    v: Version,
    enc: Encoding,
}

fn login_as(e: &mut TestEngine, name: &str, tag: &str, v: Version, enc: Encoding) -> S {
    let client = ClientId::url(format!("http://client/{name}/{tag}"));
    let r = request(e, T0, None, LoginRequest::with_password(uid(name), client, format!("pw-{name}"), "ck"), v, enc);
    match only(&r) {
        Primitive::LoginResponse(l) => {
            assert_eq!(l.result.code, ResultCode::SUCCESSFUL, "{l:?}");
            S { id: l.session_id.clone().unwrap().0, v, enc }
        }
        other => panic!("expected Login-Response, got {other:?}"),
    }
}

fn login12(e: &mut TestEngine, name: &str) -> S {
    login_as(e, name, "main", Version::V1_2, Encoding::Xml)
}

/// One request in the session's version and encoding; the reply's single primitive.
fn ask(e: &mut TestEngine, s: &S, p: impl Into<Primitive>) -> Primitive {
    let r = request(e, T0, Some(&s.id), p, s.v, s.enc);
    only(&r).clone()
}

/// Like [`ask`] in XML, also returning the reply's text (for anonymity checks).
fn ask_raw(e: &mut TestEngine, s: &S, p: impl Into<Primitive>) -> (Vec<Primitive>, String) {
    let msg = Message::new(SessionDescriptor::inband(s.id.clone().into()), Transaction::request("t1", p));
    let bytes = msg.encode(s.v, Encoding::Xml).unwrap();
    let reply = e.handle_request(T0, &bytes).unwrap();
    let text = String::from_utf8(reply.bytes.clone()).unwrap();
    let m = Message::decode(&reply.bytes).unwrap().message;
    (m.transactions.into_iter().map(|t| t.primitive).collect(), text)
}

fn code(p: &Primitive) -> u32 {
    match p {
        Primitive::Status(s) => s.result.code.0,
        Primitive::LeaveGroupResponse(r) => r.result.code.0,
        other => panic!("expected Status, got {other:?}"),
    }
}

/// The server-originated requests waiting for a session.
fn poll(e: &mut TestEngine, s: &S) -> Vec<Primitive> {
    let r = request(e, T0, Some(&s.id), PollingRequest::default(), s.v, s.enc);
    r.transactions.into_iter().filter(|t| t.mode == TransactionMode::Request).map(|t| t.primitive).collect()
}

fn notices(ps: Vec<Primitive>) -> Vec<GroupChangeNotice> {
    ps.into_iter()
        .map(|p| match p {
            Primitive::GroupChangeNotice(n) => n,
            other => panic!("expected GroupChangeNotice, got {other:?}"),
        })
        .collect()
}

fn sn(name: &str, group: &str) -> ScreenName {
    let mut s = ScreenName::default();
    s.sname = SName::new(name);
    s.group_id = GroupId::new(group);
    s
}

fn users(names: &[&str]) -> UserList {
    let mut l = UserList::default();
    l.users = names.iter().map(|n| User::new(uid(n))).collect();
    l
}

fn props() -> GroupProperties {
    GroupProperties::default()
        .with_name("Chess")
        .with_topic("Openings")
        .with_access_type(AccessType::Open)
        .with_welcome_note(WelcomeNote::text("Welcome to the chess club"))
}

fn create(
    e: &mut TestEngine,
    s: &S,
    group: &str,
    props: GroupProperties,
    screen: Option<&str>,
    subscribe: bool,
) -> u32 {
    let mut r = CreateGroupRequest::new(group, props);
    if let Some(n) = screen {
        r = r.with_screen_name(n);
    }
    r.subscribe_notification = subscribe;
    code(&ask(e, s, r))
}

fn join(e: &mut TestEngine, s: &S, group: &str, screen: Option<&str>, subscribe: bool) -> Primitive {
    let mut r = JoinGroupRequest::new(group).with_subscribe_notification(subscribe);
    if let Some(n) = screen {
        r = r.with_screen_name(n);
    }
    ask(e, s, r)
}

fn join_ok(e: &mut TestEngine, s: &S, group: &str, screen: Option<&str>, subscribe: bool) -> JoinGroupResponse {
    match join(e, s, group, screen, subscribe) {
        Primitive::JoinGroupResponse(r) => r,
        other => panic!("expected JoinGroup-Response, got {other:?}"),
    }
}

fn add_members(e: &mut TestEngine, s: &S, group: &str, names: &[&str]) -> Primitive {
    let mut r = AddGroupMembersRequest::default();
    r.group_id = group.into();
    r.user_list = users(names);
    ask(e, s, r)
}

fn mapping(name: &str, user: Option<&str>) -> Mapping {
    Mapping::new(name, user.map(uid))
}

fn group_props(e: &mut TestEngine, s: &S, group: &str) -> GetGroupPropsResponse {
    match ask(e, s, GetGroupPropsRequest::new(group)) {
        Primitive::GetGroupPropsResponse(r) => r,
        other => panic!("expected GetGroupProps-Response, got {other:?}"),
    }
}

fn members(e: &mut TestEngine, s: &S, group: &str) -> GetGroupMembersResponse {
    match ask(e, s, GetGroupMembersRequest::new(group)) {
        Primitive::GetGroupMembersResponse(r) => r,
        other => panic!("expected GetGroupMembers-Response, got {other:?}"),
    }
}

fn joined_users(e: &mut TestEngine, s: &S, group: &str) -> AdminMapList {
    match ask(e, s, GetJoinedUsersRequest::new(group)) {
        Primitive::GetJoinedUsersResponse(GetJoinedUsersResponse::AdminMapList(a)) => a,
        other => panic!("expected GetJoinedUsers-Response, got {other:?}"),
    }
}

fn mappings(l: &Option<MappingList>) -> Vec<Mapping> {
    l.as_ref().map(|l| l.mappings.clone()).unwrap_or_default()
}

fn ids(w: &Option<WrappedUserList>) -> Vec<String> {
    w.as_ref().map(|w| w.user_list.users.iter().map(|u| u.user_id.0.clone()).collect()).unwrap_or_default()
}

fn set_props(e: &mut TestEngine, s: &S, group: &str, gp: Option<GroupProperties>, own: Option<OwnProperties>) -> u32 {
    let mut r = SetGroupPropsRequest::default();
    r.group_id = group.into();
    r.group_properties = gp;
    r.own_properties = own;
    code(&ask(e, s, r))
}

fn member_access(
    e: &mut TestEngine,
    s: &S,
    group: &str,
    admin: &[&str],
    moderators: &[&str],
    plain: &[&str],
) -> Primitive {
    let mut r = MemberAccessRequest::default();
    r.group_id = group.into();
    if !admin.is_empty() {
        r.admin = Some(users(admin).into());
    }
    if !moderators.is_empty() {
        r.moderators = Some(users(moderators).into());
    }
    if !plain.is_empty() {
        r.set_plain_members(s.v, users(plain));
    }
    ask(e, s, r)
}

fn reject(e: &mut TestEngine, s: &S, group: &str, add: Option<EntityList>, remove: Option<EntityList>) -> Primitive {
    let mut r = RejectListRequest::default();
    r.group_id = group.into();
    r.add_list = add;
    r.remove_list = remove;
    ask(e, s, r)
}

fn entity_names(names: &[&str], group: &str) -> EntityList {
    let mut l = EntityList::default();
    l.screen_names = names.iter().map(|n| sn(n, group)).collect();
    l
}

fn leave_response(p: &Primitive) -> (Option<String>, u32) {
    match p {
        Primitive::LeaveGroupResponse(r) => (r.group_id.as_ref().map(|g| g.0.clone()), r.result.code.0),
        other => panic!("expected LeaveGroup-Response, got {other:?}"),
    }
}

fn detailed(p: &Primitive) -> Vec<(u32, Vec<String>, Vec<String>)> {
    match p {
        Primitive::Status(s) => s
            .result
            .detailed_results
            .iter()
            .map(|d| {
                (
                    d.code.0,
                    d.user_ids.iter().map(|u| u.0.clone()).collect(),
                    d.screen_names.iter().map(|s| s.sname.0.clone()).collect(),
                )
            })
            .collect(),
        other => panic!("expected Status, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 5.3.1 Create group
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_3_1_create_group_with_properties_in_every_version_and_encoding() {
    for v in Version::ALL {
        for enc in [Encoding::Xml, Encoding::Wbxml] {
            let mut e = engine();
            let alice = login_as(&mut e, "alice", "c", v, enc);
            let p = props().with_max_active_users(10).with_searchable(true);
            assert_eq!(create(&mut e, &alice, CHESS, p, Some("Queen"), true), 200, "{v} {enc:?}");
            let r = group_props(&mut e, &alice, CHESS);
            let gp = &r.group_properties;
            assert_eq!(gp.name(), Some("Chess"));
            assert_eq!(gp.topic(), Some("Openings"));
            assert_eq!(gp.access_type(), Some(AccessType::Open));
            assert_eq!(gp.group_type(), Some(GroupType::Private), "the server sets Type");
            assert_eq!(gp.private_messaging(), Some(true), "default");
            assert_eq!(gp.searchable(), Some(true));
            assert_eq!(gp.max_active_users(), Some(10));
            assert_eq!(gp.active_users(), Some(1), "the creator joined");
            assert_eq!(gp.welcome_note.as_ref().unwrap().content_data, "Welcome to the chess club");
            assert_eq!(r.own_properties.is_member(), Some(true));
            assert_eq!(r.own_properties.privilege_level(), Some(PrivilegeLevel::Admin));
            // The creator is joined: leaving works, a second leave does not.
            let left = ask(&mut e, &alice, LeaveGroupRequest::new(CHESS));
            assert_eq!(leave_response(&left), (Some(CHESS.to_owned()), 200));
        }
    }
}

#[test]
fn seed_5_3_1_user_groups_are_not_searchable_unless_said_and_creating_without_joining() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    let mut r = CreateGroupRequest::new(CHESS, GroupProperties::default().with_name("Chess"));
    r.join_group = false;
    assert_eq!(code(&ask(&mut e, &alice, r)), 200);
    let gp = group_props(&mut e, &alice, CHESS).group_properties;
    assert_eq!(gp.searchable(), Some(false));
    assert_eq!(gp.access_type(), Some(AccessType::Open));
    assert_eq!(gp.active_users(), Some(0));
    assert_eq!(leave_response(&ask(&mut e, &alice, LeaveGroupRequest::new(CHESS))), (Some(CHESS.to_owned()), 808));
}

#[test]
fn seed_5_3_1_create_group_refusals() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_groups_per_user = 2;
    let mut e = engine_with(config);
    let alice = login12(&mut e, "alice");
    let plain = || GroupProperties::default().with_name("x");
    // Namespace and domain.
    assert_eq!(
        create(&mut e, &alice, "wv:bob/chess@example.com", plain(), None, false),
        402,
        "someone else's namespace"
    );
    assert_eq!(create(&mut e, &alice, "wv:alicia/chess@example.com", plain(), None, false), 402);
    assert_eq!(create(&mut e, &alice, "wv:alice/@example.com", plain(), None, false), 402);
    assert_eq!(create(&mut e, &alice, "wv:alice/two words@example.com", plain(), None, false), 402);
    assert_eq!(create(&mut e, &alice, "wv:chess@example.com", plain(), None, false), 402);
    assert_eq!(create(&mut e, &alice, "wv:alice/chess@elsewhere.org", plain(), None, false), 516);
    // Property values.
    for bad in [
        GroupProperties::default().with("AccessType", "Closed"),
        GroupProperties::default().with_group_type(GroupType::Public),
        GroupProperties::default().with("MaxActiveUsers", "0"),
        GroupProperties::default().with("MaxActiveUsers", "many"),
        GroupProperties::default().with("Searchable", "yes"),
        GroupProperties::default().with("PrivateMessaging", "maybe"),
        GroupProperties::default().with("Validity", "-5"),
        GroupProperties::default().with("Name", " "),
        GroupProperties::default().with("Topic", "x".repeat(2000)),
    ] {
        assert_eq!(create(&mut e, &alice, CHESS, bad.clone(), None, false), 806, "{bad:?}");
    }
    // A bad screen name.
    assert_eq!(create(&mut e, &alice, CHESS, plain(), Some("wv:bob@example.com"), false), 402);
    assert!(
        matches!(ask(&mut e, &alice, GetGroupPropsRequest::new(CHESS)), Primitive::Status(s) if s.result.code.0 == 800),
        "nothing was created"
    );
    // Created once; any spelling of the id is the same group.
    assert_eq!(create(&mut e, &alice, CHESS, plain().with_access_type(AccessType::Restricted), None, false), 200);
    assert_eq!(create(&mut e, &alice, "WV:Alice/Chess@Example.COM", plain(), None, false), 801);
    assert_eq!(create(&mut e, &alice, "alice/chess", plain(), None, false), 801, "no scheme, no domain: ours");
    assert_eq!(create(&mut e, &alice, "wv:alice/go@example.com", plain(), None, false), 200);
    assert_eq!(create(&mut e, &alice, "wv:alice/poker@example.com", plain(), None, false), 814);

    let mut config = ServerConfig::new("example.com");
    config.limits.max_groups = 1;
    config.public_groups =
        vec![PublicGroupConfig { group_id: LOBBY.into(), name: "Lobby".into(), ..Default::default() }];
    let mut e = engine_with(config);
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, plain(), None, false), 815, "the public group counts");
}

// ---------------------------------------------------------------------------------------------
// 5.2.1 Join group
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_2_1_join_with_and_without_screen_name_lists_the_joined_users() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), false), 200);
    let bob = login12(&mut e, "bob");
    let r = join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    assert_eq!(r.welcome_note.as_ref().unwrap().content_data, "Welcome to the chess club");
    assert_eq!(r.user_map_list.unwrap().mappings(), &[mapping("Knight", None), mapping("Queen", None)]);
    // Without a screen name carol is known by her user id.
    let carol = login12(&mut e, "carol");
    let r = join_ok(&mut e, &carol, CHESS, None, false);
    assert_eq!(
        r.user_map_list.unwrap().mappings(),
        &[mapping("Knight", None), mapping("Queen", None), mapping("wv:carol@example.com", Some("carol"))]
    );
    // JoinedRequest=F: no list.
    let dave = login12(&mut e, "dave");
    let mut req = JoinGroupRequest::new(CHESS);
    req.joined_request = Some(false);
    let Primitive::JoinGroupResponse(r) = ask(&mut e, &dave, req) else { panic!() };
    assert_eq!(r.user_map_list, None);
    assert!(r.welcome_note.is_some());
    // 1.1: a UserList, users by id and the others by screen name.
    let dave11 = login_as(&mut e, "dave", "old", Version::V1_1, Encoding::Wbxml);
    let r = join_ok(&mut e, &dave11, CHESS, Some("Rook"), false);
    let l = r.user_list.unwrap();
    assert_eq!(l.users, vec![User::new(uid("carol")), User::new(uid("dave"))]);
    assert_eq!(l.screen_names, vec![sn("Knight", CHESS), sn("Queen", CHESS), sn("Rook", CHESS)]);
    // GetJoinedUsers (1.2+): everybody, ordered by name.
    let all = joined_users(&mut e, &carol, CHESS);
    let everyone: Vec<Mapping> =
        [mappings(&all.admin_mapping), mappings(&all.mod_mapping), mappings(&all.user_mapping)].concat();
    assert_eq!(everyone.len(), 5);
    assert_eq!(mappings(&all.admin_mapping), vec![], "alice is anonymous as Queen: no role shown");
}

#[test]
fn seed_5_2_1_join_refusals_with_exact_codes() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props().with_max_active_users(2), Some("Queen"), false), 200);
    let bob = login12(&mut e, "bob");
    let carol = login12(&mut e, "carol");
    assert_eq!(code(&join(&mut e, &bob, "wv:alice/nothing@example.com", None, false)), 800);
    // Screen names: unique per group, case-insensitively; no ids; sane length.
    assert_eq!(code(&join(&mut e, &bob, CHESS, Some("queen"), false)), 811);
    assert_eq!(code(&join(&mut e, &bob, CHESS, Some("  QUEEN "), false)), 811);
    for bad in ["", "   ", "wv:alice@example.com", "WV:x"] {
        assert_eq!(code(&join(&mut e, &bob, CHESS, Some(bad), false)), 402, "{bad:?}");
    }
    assert_eq!(code(&join(&mut e, &bob, CHESS, Some(&"k".repeat(65)), false)), 402);
    join_ok(&mut e, &bob, CHESS, Some(&"k".repeat(64)), false);
    assert_eq!(code(&join(&mut e, &bob, CHESS, Some("Knight"), false)), 807, "this session has joined");
    // MaxActiveUsers=2: alice and bob are there.
    assert_eq!(code(&join(&mut e, &carol, CHESS, Some("Bishop"), false)), 817);
    // Alice from a second session under the same screen name is the same participant.
    let alice2 = login_as(&mut e, "alice", "tablet", Version::V1_3, Encoding::Xml);
    let r = join_ok(&mut e, &alice2, CHESS, Some("Queen"), false);
    assert_eq!(r.user_map_list.unwrap().mappings().len(), 2);
    // A screen name is free again once its user has left.
    assert_eq!(leave_response(&ask(&mut e, &bob, LeaveGroupRequest::new(CHESS))).1, 200);
    join_ok(&mut e, &carol, CHESS, Some(&"K".repeat(64)), false);
}

// ---------------------------------------------------------------------------------------------
// 5.2.2 Leave group
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_2_2_leave_group() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    assert_eq!(notices(poll(&mut e, &alice)).len(), 1);
    // The response echoes the request's spelling.
    let r = ask(&mut e, &bob, LeaveGroupRequest::new("WV:Alice/Chess@example.com"));
    assert_eq!(leave_response(&r), (Some("WV:Alice/Chess@example.com".to_owned()), 200));
    assert_eq!(leave_response(&ask(&mut e, &bob, LeaveGroupRequest::new(CHESS))).1, 808);
    assert_eq!(leave_response(&ask(&mut e, &bob, LeaveGroupRequest::new("wv:alice/none@example.com"))).1, 800);
    let n = notices(poll(&mut e, &alice));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].group_id.0, CHESS);
    assert_eq!(n[0].joined, None);
    assert_eq!(n[0].left.as_ref().unwrap().user_list.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
    // Rejoining is possible; the user's other sessions are not affected by one leaving.
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    let bob2 = login_as(&mut e, "bob", "second", Version::V1_2, Encoding::Xml);
    join_ok(&mut e, &bob2, CHESS, None, false);
    assert_eq!(leave_response(&ask(&mut e, &bob, LeaveGroupRequest::new(CHESS))).1, 200);
    let all = joined_users(&mut e, &bob2, CHESS);
    assert_eq!(mappings(&all.user_mapping), vec![mapping("Queen", None), mapping("wv:bob@example.com", Some("bob"))]);
}

#[test]
fn seed_5_2_2_a_session_that_ends_leaves_its_groups() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    let carol = login_as(&mut e, "carol", "c", Version::V1_2, Encoding::Xml);
    join_ok(&mut e, &carol, CHESS, None, false);
    poll(&mut e, &alice);
    // Logout.
    ask(&mut e, &bob, LogoutRequest::default());
    let n = notices(poll(&mut e, &alice));
    assert_eq!(n[0].left.as_ref().unwrap().user_list.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
    // Expiry: carol says nothing, alice keeps alive.
    let later = T0.add_secs(300);
    request(
        &mut e,
        later,
        Some(&alice.id),
        imps_csp::primitive::access::KeepAliveRequest::default(),
        Version::V1_2,
        Encoding::Xml,
    );
    e.handle_timeout(T0.add_secs(361));
    let r = request(&mut e, T0.add_secs(362), Some(&alice.id), PollingRequest::default(), Version::V1_2, Encoding::Xml);
    let Primitive::GroupChangeNotice(n) = &r.transactions[0].primitive else { panic!("{r:?}") };
    assert_eq!(n.left.as_ref().unwrap().user_list.as_ref().unwrap().users, vec![User::new(uid("carol"))]);
    let Primitive::GetGroupPropsResponse(p) = only(&request(
        &mut e,
        T0.add_secs(362),
        Some(&alice.id),
        GetGroupPropsRequest::new(CHESS),
        Version::V1_2,
        Encoding::Xml,
    ))
    .clone() else {
        panic!()
    };
    assert_eq!(p.group_properties.active_users(), Some(1));
}

// ---------------------------------------------------------------------------------------------
// 5.2.5 Subscribe to group change
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_2_5_change_notices_in_each_version_form() {
    let mut e = engine();
    let alice = login_as(&mut e, "alice", "c", Version::V1_1, Encoding::Wbxml);
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let carol = login_as(&mut e, "carol", "c", Version::V1_2, Encoding::Xml);
    join_ok(&mut e, &carol, CHESS, None, true);
    let dave = login_as(&mut e, "dave", "c", Version::V1_3, Encoding::Wbxml);
    join_ok(&mut e, &dave, CHESS, Some("Rook"), true);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    // 1.1: Joined (ScreenName+), users without screen name under their user id.
    let n = notices(poll(&mut e, &alice));
    assert_eq!(n.len(), 3, "carol, dave, bob");
    assert_eq!(n[0].joined.as_ref().unwrap().screen_names, vec![sn("wv:carol@example.com", CHESS)]);
    assert_eq!(n[2].joined.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
    // 1.2 and 1.3: Joined (UserMapList) without the user id behind a screen name.
    let n = notices(poll(&mut e, &carol));
    assert_eq!(n.len(), 2, "dave, bob; not her own join");
    assert_eq!(n[1].joined.as_ref().unwrap().user_map_list.as_ref().unwrap().mappings(), &[mapping("Knight", None)]);
    let n = notices(poll(&mut e, &dave));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].joined.as_ref().unwrap().user_map_list.as_ref().unwrap().mappings(), &[mapping("Knight", None)]);
    // Bob is not subscribed.
    assert_eq!(poll(&mut e, &bob), vec![]);
    // Leaving, in each form.
    ask(&mut e, &carol, LeaveGroupRequest::new(CHESS));
    ask(&mut e, &bob, LeaveGroupRequest::new(CHESS));
    let n = notices(poll(&mut e, &alice));
    assert_eq!(n[0].left.as_ref().unwrap().screen_names, vec![sn("wv:carol@example.com", CHESS)]);
    assert_eq!(n[1].left.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
    let n = notices(poll(&mut e, &dave));
    assert_eq!(n[0].left.as_ref().unwrap().user_list.as_ref().unwrap().users, vec![User::new(uid("carol"))]);
    assert_eq!(n[1].left.as_ref().unwrap().user_list.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
}

#[test]
fn seed_5_2_5_subscribe_get_set_unset() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), None, false), 200);
    let bob = login12(&mut e, "bob");
    let sub = |t| SubscribeGroupNoticeRequest::new(CHESS, t);
    assert_eq!(code(&ask(&mut e, &bob, sub(SubscribeType::Set))), 808, "not joined");
    assert_eq!(
        code(&ask(&mut e, &bob, SubscribeGroupNoticeRequest::new("wv:alice/x@example.com", SubscribeType::Get))),
        800
    );
    let get = |e: &mut TestEngine, s: &S| match ask(e, s, sub(SubscribeType::Get)) {
        Primitive::SubscribeGroupNoticeResponse(r) => r.is_subscribed().unwrap(),
        other => panic!("{other:?}"),
    };
    assert!(!get(&mut e, &alice));
    assert_eq!(code(&ask(&mut e, &alice, sub(SubscribeType::Set))), 200);
    assert!(get(&mut e, &alice));
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    assert_eq!(notices(poll(&mut e, &alice)).len(), 1);
    assert_eq!(code(&ask(&mut e, &alice, sub(SubscribeType::Unset))), 200);
    assert!(!get(&mut e, &alice));
    ask(&mut e, &bob, LeaveGroupRequest::new(CHESS));
    assert_eq!(poll(&mut e, &alice), vec![]);
}

// ---------------------------------------------------------------------------------------------
// 5.3.4 Modify group properties
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_3_4_set_group_props_notifies_the_changes() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    poll(&mut e, &alice);
    // Only the owner or an administrator changes group properties.
    assert_eq!(set_props(&mut e, &bob, CHESS, Some(GroupProperties::default().with_topic("Mine")), None), 816);
    // Name unchanged, Topic changed: the notice holds the topic only.
    let update = GroupProperties::default().with_name("Chess").with_topic("Endgames");
    assert_eq!(set_props(&mut e, &alice, CHESS, Some(update), None), 200);
    let n = notices(poll(&mut e, &bob));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].group_properties.as_ref().unwrap().properties, vec![Property::new("Topic", "Endgames")]);
    assert_eq!(poll(&mut e, &alice), vec![], "not to the requester");
    // A new welcome note.
    let update = GroupProperties::default().with_name("Chess").with_welcome_note(WelcomeNote::text("Mind the clock"));
    assert_eq!(set_props(&mut e, &alice, CHESS, Some(update), None), 200);
    let n = notices(poll(&mut e, &bob));
    assert_eq!(n[0].group_properties.as_ref().unwrap().welcome_note.as_ref().unwrap().content_data, "Mind the clock");
    assert_eq!(group_props(&mut e, &bob, CHESS).group_properties.topic(), Some("Endgames"));
    // Invalid values change nothing.
    for bad in [
        GroupProperties::default().with("AccessType", "Secret"),
        GroupProperties::default().with_group_type(GroupType::Public),
        GroupProperties::default().with("MaxActiveUsers", "5001"),
        GroupProperties::default().with("ShowID", "1"),
        GroupProperties::default().with_topic("ok").with("AutoDelete", "X"),
    ] {
        assert_eq!(set_props(&mut e, &alice, CHESS, Some(bad.clone()), None), 806, "{bad:?}");
    }
    assert_eq!(group_props(&mut e, &alice, CHESS).group_properties.topic(), Some("Endgames"));
    // Restating Type and sending ActiveUsers back is harmless.
    let echo = GroupProperties::default().with_group_type(GroupType::Private).with_active_users(7);
    assert_eq!(set_props(&mut e, &alice, CHESS, Some(echo), None), 200);
    assert_eq!(poll(&mut e, &bob), vec![], "nothing changed");
    assert_eq!(set_props(&mut e, &alice, "wv:alice/none@example.com", None, None), 800);
}

#[test]
fn seed_5_3_4_own_properties_are_each_users_own() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    let dave = login12(&mut e, "dave");
    let own = |name: &str, value: &str| OwnProperties::default().with(name, value);
    assert_eq!(set_props(&mut e, &bob, CHESS, None, Some(own("ShowID", "T"))), 810, "neither member nor joined");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    poll(&mut e, &alice);
    // Roles are the server's: restating them is fine, changing them is not.
    assert_eq!(set_props(&mut e, &bob, CHESS, None, Some(own("PrivilegeLevel", "Admin"))), 816);
    assert_eq!(set_props(&mut e, &bob, CHESS, None, Some(own("IsMember", "T"))), 816);
    assert_eq!(set_props(&mut e, &bob, CHESS, None, Some(own("PrivilegeLevel", "User").with("IsMember", "F"))), 200);
    assert_eq!(set_props(&mut e, &bob, CHESS, None, Some(own("ShowID", "perhaps"))), 806);
    assert_eq!(set_props(&mut e, &bob, CHESS, None, Some(own("ShowID", "T").with("Colour", "blue"))), 200);
    let r = group_props(&mut e, &bob, CHESS);
    assert_eq!(r.own_properties.is_member(), Some(false));
    assert_eq!(r.own_properties.privilege_level(), Some(PrivilegeLevel::User));
    assert_eq!(r.own_properties.get("ShowID"), Some("T"));
    assert_eq!(r.own_properties.get("Colour"), Some("blue"));
    // With ShowID=T bob's id is shown next to his screen name, to everybody.
    let carol = login12(&mut e, "carol");
    let r = join_ok(&mut e, &carol, CHESS, Some("Bishop"), false);
    assert!(r.user_map_list.unwrap().mappings().contains(&mapping("Knight", Some("bob"))));
    // Alice's own properties are hers: she sees none of bob's.
    let r = group_props(&mut e, &alice, CHESS);
    assert_eq!(r.own_properties.get("ShowID"), None);
    assert_eq!(r.own_properties.privilege_level(), Some(PrivilegeLevel::Admin));
    // A guest's own properties end with its stay.
    ask(&mut e, &bob, LeaveGroupRequest::new(CHESS));
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    assert_eq!(group_props(&mut e, &bob, CHESS).own_properties.get("ShowID"), None);
    // Own properties on joining (1.2+).
    let mut req = JoinGroupRequest::new(CHESS).with_screen_name("Pawn");
    req.own_properties = Some(own("ShowID", "T"));
    let Primitive::JoinGroupResponse(r) = ask(&mut e, &dave, req) else { panic!() };
    assert!(r.user_map_list.unwrap().mappings().contains(&mapping("Pawn", Some("dave"))));
    let mut req = JoinGroupRequest::new(CHESS).with_screen_name("Pawn2");
    req.own_properties = Some(own("PrivilegeLevel", "Mod"));
    let dave2 = login_as(&mut e, "dave", "2", Version::V1_2, Encoding::Xml);
    assert_eq!(code(&ask(&mut e, &dave2, req)), 816, "nothing joined");
}

// ---------------------------------------------------------------------------------------------
// 5.3.2 Delete group
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_3_2_delete_group_by_owner_or_admin_forces_everyone_out() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), false), 200);
    let bob = login12(&mut e, "bob");
    let carol = login12(&mut e, "carol");
    let dave = login_as(&mut e, "dave", "c", Version::V1_1, Encoding::Xml);
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    join_ok(&mut e, &carol, CHESS, None, false);
    join_ok(&mut e, &dave, CHESS, None, false);
    assert_eq!(code(&add_members(&mut e, &alice, CHESS, &["bob"])), 200);
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &["carol"], &[], &[])), 200);
    poll(&mut e, &bob);
    assert_eq!(code(&ask(&mut e, &bob, DeleteGroupRequest::new(CHESS))), 816, "a plain member");
    assert_eq!(code(&ask(&mut e, &dave, DeleteGroupRequest::new(CHESS))), 816, "a joined stranger");
    assert_eq!(code(&ask(&mut e, &carol, DeleteGroupRequest::new(CHESS))), 200, "an administrator");
    // Everyone joined gets the forced leave (800), the requester excepted.
    for s in [&alice, &bob, &dave] {
        let got = poll(&mut e, s);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(leave_response(&got[0]), (Some(CHESS.to_owned()), 800));
    }
    assert_eq!(poll(&mut e, &carol), vec![]);
    assert_eq!(code(&join(&mut e, &bob, CHESS, None, false)), 800);
    assert_eq!(code(&ask(&mut e, &alice, DeleteGroupRequest::new(CHESS))), 800);
    // Gone from storage too: an engine restarted from it does not know the group.
    let mut e2 = Engine::new(ServerConfig::new("example.com"), e.storage().clone(), SplitMix64(7)).unwrap();
    let alice = login12(&mut e2, "alice");
    assert_eq!(code(&ask(&mut e2, &alice, GetGroupPropsRequest::new(CHESS))), 800);
    // The name is free again.
    assert_eq!(create(&mut e2, &alice, CHESS, props(), None, false), 200);
}

// ---------------------------------------------------------------------------------------------
// 5.3.3 Members' list, 5.1.3 roles
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_3_3_members_list_and_roles() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), None, false), 200);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    let mut add = AddGroupMembersRequest::default();
    add.group_id = CHESS.into();
    add.user_list = users(&["bob", "Carol", "zed"]);
    add.user_list.screen_names = vec![sn("Knight", CHESS)];
    let r = ask(&mut e, &alice, add);
    assert_eq!(code(&r), 201);
    assert_eq!(
        detailed(&r),
        vec![(402, vec![], vec!["Knight".to_owned()]), (531, vec!["wv:zed@example.com".to_owned()], vec![])]
    );
    // Bob was told he became a member.
    let n = notices(poll(&mut e, &bob));
    let own = n[0].own_properties.as_ref().unwrap();
    assert_eq!((own.is_member(), own.privilege_level()), (Some(true), Some(PrivilegeLevel::User)));
    let m = members(&mut e, &alice, CHESS);
    assert_eq!(ids(&m.admin), vec!["wv:alice@example.com"]);
    assert_eq!(m.moderators, None);
    assert_eq!(m.plain_members().unwrap().users, users(&["bob", "carol"]).users);
    // Plain members neither read nor manage the list.
    assert_eq!(code(&ask(&mut e, &bob, GetGroupMembersRequest::new(CHESS))), 816);
    assert_eq!(code(&add_members(&mut e, &bob, CHESS, &["dave"])), 816);
    // Roles.
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &[], &["bob"], &[])), 200);
    let n = notices(poll(&mut e, &bob));
    assert_eq!(n[0].own_properties.as_ref().unwrap().privilege_level(), Some(PrivilegeLevel::Mod));
    let m = members(&mut e, &bob, CHESS);
    assert_eq!(ids(&m.moderators), vec!["wv:bob@example.com"]);
    assert_eq!(code(&member_access(&mut e, &bob, CHESS, &[], &[], &["carol"])), 816, "moderators do not set roles");
    // MemberAccess adds users who were not members; the owner's role is fixed.
    let r = member_access(&mut e, &alice, CHESS, &["dave"], &[], &["alice"]);
    assert_eq!(code(&r), 201);
    assert_eq!(detailed(&r), vec![(816, vec!["wv:alice@example.com".to_owned()], vec![])]);
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &[], &["alice"], &[])), 816);
    let m = members(&mut e, &alice, CHESS);
    assert_eq!(ids(&m.admin), vec!["wv:alice@example.com", "wv:dave@example.com"], "the owner first");
    // The new administrator manages members too, but not the owner.
    let dave = login12(&mut e, "dave");
    let mut rm = RemoveGroupMembersRequest::default();
    rm.group_id = CHESS.into();
    rm.user_list = users(&["carol", "alice", "carol"]);
    let r = ask(&mut e, &dave, rm);
    assert_eq!(code(&r), 201);
    assert_eq!(
        detailed(&r),
        vec![
            (810, vec!["wv:carol@example.com".to_owned()], vec![]),
            (816, vec!["wv:alice@example.com".to_owned()], vec![])
        ]
    );
    // 1.3: plain members as a bare UserList.
    let alice13 = login_as(&mut e, "alice", "13", Version::V1_3, Encoding::Wbxml);
    let m = members(&mut e, &alice13, CHESS);
    assert_eq!(m.users, None);
    assert_eq!(m.user_list, None, "bob is a moderator, carol is gone");
    assert_eq!(code(&member_access(&mut e, &alice13, CHESS, &[], &[], &["bob"])), 200);
    let m = members(&mut e, &alice13, CHESS);
    assert_eq!(m.user_list.unwrap().users, users(&["bob"]).users);
    assert_eq!(code(&ask(&mut e, &alice, GetGroupMembersRequest::new("wv:alice/none@example.com"))), 800);
}

// ---------------------------------------------------------------------------------------------
// 5.3.5 Access control, 5.2.2 forced leave
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_3_5_restricted_group_admits_members_only_and_removal_forces_out() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    let restricted = props().with_access_type(AccessType::Restricted);
    assert_eq!(create(&mut e, &alice, CHESS, restricted, Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    let carol = login12(&mut e, "carol");
    assert_eq!(code(&join(&mut e, &bob, CHESS, Some("Knight"), false)), 431);
    assert_eq!(code(&ask(&mut e, &bob, GetGroupPropsRequest::new(CHESS))), 810, "a closed group's properties");
    assert_eq!(code(&ask(&mut e, &bob, GetJoinedUsersRequest::new(CHESS))), 808);
    assert_eq!(code(&add_members(&mut e, &alice, CHESS, &["bob", "carol"])), 200);
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    join_ok(&mut e, &carol, CHESS, None, false);
    poll(&mut e, &alice);
    // Removing bob from the members' list forces him out.
    let mut rm = RemoveGroupMembersRequest::default();
    rm.group_id = CHESS.into();
    rm.user_list = users(&["bob"]);
    assert_eq!(code(&ask(&mut e, &alice, rm)), 200);
    let got = poll(&mut e, &bob);
    assert_eq!(got.len(), 1);
    assert_eq!(leave_response(&got[0]), (Some(CHESS.to_owned()), 431));
    let n = notices(poll(&mut e, &alice));
    assert_eq!(n[0].left.as_ref().unwrap().user_list.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
    assert_eq!(code(&join(&mut e, &bob, CHESS, Some("Knight"), false)), 431);
    assert_eq!(leave_response(&ask(&mut e, &bob, LeaveGroupRequest::new(CHESS))).1, 808);
    // Carol is still in.
    assert_eq!(poll(&mut e, &carol), vec![]);
    assert_eq!(mappings(&joined_users(&mut e, &carol, CHESS).user_mapping).len(), 2);
}

#[test]
fn seed_5_3_5_closing_an_open_group_forces_out_non_members() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    let carol = login_as(&mut e, "carol", "c", Version::V1_3, Encoding::Wbxml);
    assert_eq!(code(&add_members(&mut e, &alice, CHESS, &["bob"])), 200);
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    join_ok(&mut e, &carol, CHESS, Some("Bishop"), true);
    poll(&mut e, &alice);
    poll(&mut e, &bob);
    poll(&mut e, &carol);
    let close = GroupProperties::default().with_access_type(AccessType::Restricted);
    assert_eq!(set_props(&mut e, &alice, CHESS, Some(close.clone()), None), 200);
    // Carol (not a member) gets the change and is forced out.
    let got = poll(&mut e, &carol);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        matches!(&got[0], Primitive::GroupChangeNotice(n) if n.group_properties.as_ref().unwrap().access_type() == Some(AccessType::Restricted))
    );
    assert_eq!(leave_response(&got[1]), (Some(CHESS.to_owned()), 431));
    // Bob (a member) stays and learns both.
    let n = notices(poll(&mut e, &bob));
    assert_eq!(n.len(), 2);
    assert_eq!(n[1].left.as_ref().unwrap().user_list.as_ref().unwrap().screen_names, vec![sn("Bishop", CHESS)]);
    assert_eq!(code(&join(&mut e, &carol, CHESS, None, false)), 431);
    // Restating Restricted changes nothing and forces nobody.
    assert_eq!(set_props(&mut e, &alice, CHESS, Some(close), None), 200);
    assert_eq!(poll(&mut e, &bob), vec![]);
}

#[test]
fn seed_5_3_5_reject_list_by_user_id_and_by_screen_name() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    let carol = login12(&mut e, "carol");
    let dave = login12(&mut e, "dave");
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &[], &["bob"], &[])), 200);
    join_ok(&mut e, &dave, CHESS, Some("Troll"), false);
    poll(&mut e, &alice);
    // Plain users cannot touch the list; moderators can, but not against admins or moderators.
    assert_eq!(code(&reject(&mut e, &carol, CHESS, None, None)), 816);
    let r = reject(&mut e, &bob, CHESS, Some(EntityList::users([uid("alice")])), None);
    assert_eq!(code(&r), 816);
    assert_eq!(
        code(&reject(&mut e, &alice, CHESS, Some(EntityList::users([uid("alice")])), None)),
        816,
        "not even the owner"
    );
    // A moderator rejects the troll by screen name: out with 809, listed by screen name only.
    let r = reject(&mut e, &bob, CHESS, Some(entity_names(&["troll"], CHESS)), None);
    let Primitive::RejectListResponse(list) = r else { panic!("{r:?}") };
    let list = list.user_list.unwrap();
    assert_eq!(list.users, vec![]);
    assert_eq!(list.screen_names, vec![sn("Troll", CHESS)]);
    let got = poll(&mut e, &dave);
    assert_eq!(leave_response(&got[0]), (Some(CHESS.to_owned()), 809));
    assert_eq!(code(&join(&mut e, &dave, CHESS, Some("Angel"), false)), 809, "under any name");
    // Removing dave's *id* does not lift a screen-name entry (that would link the two).
    let r =
        reject(&mut e, &alice, CHESS, Some(EntityList::users([uid("carol")])), Some(EntityList::users([uid("dave")])));
    let Primitive::RejectListResponse(list) = r else { panic!("{r:?}") };
    let list = list.user_list.unwrap();
    assert_eq!(list.users, vec![User::new(uid("carol"))]);
    assert_eq!(list.screen_names, vec![sn("Troll", CHESS)]);
    assert_eq!(code(&join(&mut e, &dave, CHESS, None, false)), 809);
    assert_eq!(code(&join(&mut e, &carol, CHESS, None, false)), 809);
    // Unknown entries.
    let mut add = entity_names(&["Nobody"], CHESS);
    add.user_ids = vec![uid("zed")];
    let r = reject(&mut e, &alice, CHESS, Some(add), None);
    assert_eq!(code(&r), 531);
    assert_eq!(detailed(&r), vec![(531, vec!["wv:zed@example.com".to_owned()], vec!["Nobody".to_owned()])]);
    // Lifting by screen name.
    let r = reject(&mut e, &alice, CHESS, None, Some(entity_names(&["TROLL"], CHESS)));
    let Primitive::RejectListResponse(list) = r else { panic!("{r:?}") };
    assert_eq!(list.user_list.unwrap().screen_names, vec![]);
    join_ok(&mut e, &dave, CHESS, Some("Angel"), false);
}

// ---------------------------------------------------------------------------------------------
// 5 Anonymity
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_a_screen_name_never_reveals_the_user_id() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), None, true), 200);
    let carol = login_as(&mut e, "carol", "c", Version::V1_1, Encoding::Xml);
    join_ok(&mut e, &carol, CHESS, Some("Bishop"), true);
    poll(&mut e, &alice);
    // Bob is a moderator on the members' list, and joins anonymously.
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &[], &["bob"], &[])), 200);
    let bob = login12(&mut e, "bob");
    let (got, _) = ask_raw(
        &mut e,
        &bob,
        JoinGroupRequest::new(CHESS).with_screen_name("Knight").with_subscribe_notification(true),
    );
    assert!(matches!(got[0], Primitive::JoinGroupResponse(_)));
    // What the owner and carol see: notices, joined users, joining, the reject list.
    let mut seen = Vec::new();
    seen.push(ask_raw(&mut e, &alice, PollingRequest::default()).1);
    seen.push(ask_raw(&mut e, &carol, PollingRequest::default()).1);
    let (ju, text) = ask_raw(&mut e, &alice, GetJoinedUsersRequest::new(CHESS));
    seen.push(text);
    let Primitive::GetJoinedUsersResponse(GetJoinedUsersResponse::AdminMapList(a)) = &ju[0] else { panic!("{ju:?}") };
    assert_eq!(mappings(&a.admin_mapping), vec![mapping("wv:alice@example.com", Some("alice"))]);
    assert_eq!(a.mod_mapping, None, "bob's role would point at him");
    assert_eq!(mappings(&a.user_mapping), vec![mapping("Bishop", None), mapping("Knight", None)]);
    let dave = login12(&mut e, "dave");
    let (jr, text) = ask_raw(&mut e, &dave, JoinGroupRequest::new(CHESS).with_screen_name("Rook"));
    seen.push(text);
    assert!(
        matches!(&jr[0], Primitive::JoinGroupResponse(r) if r.user_map_list.as_ref().unwrap().mappings().len() == 4)
    );
    seen.push(ask_raw(&mut e, &alice, PollingRequest::default()).1);
    seen.push(ask_raw(&mut e, &alice, reject_req(Some(entity_names(&["Rook"], CHESS)))).1);
    seen.push(ask_raw(&mut e, &alice, GetGroupPropsRequest::new(CHESS)).1);
    ask_raw(&mut e, &bob, LeaveGroupRequest::new(CHESS));
    seen.push(ask_raw(&mut e, &alice, PollingRequest::default()).1);
    seen.push(ask_raw(&mut e, &carol, PollingRequest::default()).1);
    for text in &seen {
        assert!(text.contains("Knight") || text.contains("GroupProperties") || text.contains("Rook"), "{text}");
        assert!(!text.to_lowercase().contains("wv:bob"), "bob unmasked: {text}");
        assert!(!text.to_lowercase().contains("wv:dave"), "dave unmasked: {text}");
    }
    // The one who chose no screen name is known by id, to everyone.
    assert!(seen[0].contains("wv:alice@example.com") || seen[2].contains("wv:alice@example.com"));
}

fn reject_req(add: Option<EntityList>) -> RejectListRequest {
    let mut r = RejectListRequest::default();
    r.group_id = CHESS.into();
    r.add_list = add;
    r
}

// ---------------------------------------------------------------------------------------------
// 5.1.2 Public groups
// ---------------------------------------------------------------------------------------------

fn lobby_config(topic: &str) -> ServerConfig {
    let mut config = ServerConfig::new("example.com");
    config.public_groups = vec![PublicGroupConfig {
        group_id: LOBBY.into(),
        name: "Lobby".into(),
        topic: Some(topic.into()),
        searchable: true,
        max_active_users: Some(2),
        welcome_note: Some("Be nice".into()),
    }];
    config
}

#[test]
fn seed_5_1_2_public_groups_come_from_the_configuration() {
    let mut e = engine_with(lobby_config("Anything"));
    let bob = login12(&mut e, "bob");
    let r = join_ok(&mut e, &bob, "WV:Chat/Lobby@Example.com", Some("Bobby"), false);
    assert_eq!(r.welcome_note.unwrap().content_data, "Be nice");
    let p = group_props(&mut e, &bob, LOBBY);
    assert_eq!(p.group_properties.group_type(), Some(GroupType::Public));
    assert_eq!(p.group_properties.access_type(), Some(AccessType::Open));
    assert_eq!(p.group_properties.topic(), Some("Anything"));
    assert_eq!(p.own_properties.is_member(), Some(false));
    // Nobody owns it: not deleted, not changed, no members managed through CSP.
    assert_eq!(code(&ask(&mut e, &bob, DeleteGroupRequest::new(LOBBY))), 804);
    assert_eq!(set_props(&mut e, &bob, LOBBY, Some(GroupProperties::default().with_topic("mine")), None), 816);
    assert_eq!(code(&ask(&mut e, &bob, GetGroupMembersRequest::new(LOBBY))), 816);
    let carol = login12(&mut e, "carol");
    join_ok(&mut e, &carol, LOBBY, None, false);
    let dave = login12(&mut e, "dave");
    assert_eq!(code(&join(&mut e, &dave, LOBBY, None, false)), 817, "MaxActiveUsers from the configuration");
    // A restart with an edited configuration: the group is there, its topic follows, nobody is in.
    let storage = e.storage().clone();
    let mut e = Engine::new(lobby_config("Chess only"), storage.clone(), SplitMix64(9)).unwrap();
    let dave = login12(&mut e, "dave");
    let p = group_props(&mut e, &dave, LOBBY);
    assert_eq!(p.group_properties.topic(), Some("Chess only"));
    assert_eq!(p.group_properties.active_users(), Some(0));
    join_ok(&mut e, &dave, LOBBY, None, false);
    // Without it in the configuration, it stays (stored) but the configuration no longer manages it.
    let mut e = Engine::new(ServerConfig::new("example.com"), storage, SplitMix64(9)).unwrap();
    let dave = login12(&mut e, "dave");
    assert_eq!(group_props(&mut e, &dave, LOBBY).group_properties.topic(), Some("Anything"));
}

// ---------------------------------------------------------------------------------------------
// Persistence, AutoDelete, Validity
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_5_groups_outlive_the_engine_but_joined_users_do_not() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    let p = props().with_access_type(AccessType::Restricted).with_searchable(true).with("Colour", "green");
    assert_eq!(create(&mut e, &alice, CHESS, p, Some("Queen"), true), 200);
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &["carol"], &["bob"], &["dave"])), 200);
    assert_eq!(set_props(&mut e, &alice, CHESS, None, Some(OwnProperties::default().with("ShowID", "T"))), 200);
    assert!(matches!(
        reject(&mut e, &alice, CHESS, Some(EntityList::users([uid("dave")])), None),
        Primitive::RejectListResponse(_)
    ));
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    let before_props = group_props(&mut e, &alice, CHESS);
    let before_members = members(&mut e, &alice, CHESS);
    assert_eq!(before_props.group_properties.active_users(), Some(2));

    let mut e = Engine::new(ServerConfig::new("example.com"), e.storage().clone(), SplitMix64(1234)).unwrap();
    assert_eq!(code(&ask(&mut e, &alice, GetGroupPropsRequest::new(CHESS))), 604, "sessions did not survive");
    let alice = login12(&mut e, "alice");
    let after = group_props(&mut e, &alice, CHESS);
    assert_eq!(after.group_properties.active_users(), Some(0), "nobody is joined");
    let mut expected = before_props.group_properties.clone();
    expected.set_active_users(0);
    assert_eq!(after.group_properties, expected);
    assert_eq!(after.own_properties, before_props.own_properties, "alice's ShowID survived");
    assert_eq!(members(&mut e, &alice, CHESS), before_members);
    let Primitive::RejectListResponse(list) = reject(&mut e, &alice, CHESS, None, None) else { panic!() };
    assert_eq!(list.user_list.unwrap().users, vec![User::new(uid("dave"))]);
    let a = joined_users(&mut e, &alice, CHESS);
    assert_eq!((a.admin_mapping, a.mod_mapping, a.user_mapping), (None, None, None));
    // The rules still hold: dave is rejected, bob (a member) joins.
    let dave = login12(&mut e, "dave");
    assert_eq!(code(&join(&mut e, &dave, CHESS, None, false)), 809);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
}

#[test]
fn seed_5_3_2_auto_delete_when_the_last_user_leaves() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    let p = props().with_auto_delete(true);
    assert_eq!(create(&mut e, &alice, CHESS, p, Some("Queen"), false), 200);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, None, false);
    ask(&mut e, &alice, LeaveGroupRequest::new(CHESS));
    assert!(matches!(ask(&mut e, &bob, GetGroupPropsRequest::new(CHESS)), Primitive::GetGroupPropsResponse(_)));
    ask(&mut e, &bob, LogoutRequest::default());
    assert_eq!(code(&ask(&mut e, &alice, GetGroupPropsRequest::new(CHESS))), 800);
    assert_eq!(create(&mut e, &alice, CHESS, props(), None, false), 200, "the name is free");
    // Public groups do not vanish.
    let mut e = engine_with(lobby_config("x"));
    let bob = login12(&mut e, "bob");
    assert_eq!(set_props(&mut e, &bob, LOBBY, Some(GroupProperties::default().with_auto_delete(true)), None), 816);
}

#[test]
fn seed_5_3_4_validity_deletes_the_group_when_it_runs_out() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props().with_validity("600"), Some("Queen"), false), 200);
    let bob = login12(&mut e, "bob");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(360)), "sessions expire first");
    // Keep both sessions alive; extend the validity from a later point.
    let t1 = T0.add_secs(300);
    for s in [&alice, &bob] {
        request(
            &mut e,
            t1,
            Some(&s.id),
            imps_csp::primitive::access::KeepAliveRequest::new(Some(3600)),
            Version::V1_2,
            Encoding::Xml,
        );
    }
    let r = request(&mut e, t1, Some(&alice.id), set_validity("900"), Version::V1_2, Encoding::Xml);
    assert_eq!(code(only(&r)), 200);
    assert_eq!(e.poll_timeout(), Some(t1.add_secs(900)));
    e.handle_timeout(t1.add_secs(899));
    let r = request(
        &mut e,
        t1.add_secs(899),
        Some(&bob.id),
        GetGroupPropsRequest::new(CHESS),
        Version::V1_2,
        Encoding::Xml,
    );
    assert!(matches!(only(&r), Primitive::GetGroupPropsResponse(_)));
    e.handle_timeout(t1.add_secs(900));
    let r = request(&mut e, t1.add_secs(901), Some(&bob.id), PollingRequest::default(), Version::V1_2, Encoding::Xml);
    assert_eq!(leave_response(&r.transactions[0].primitive), (Some(CHESS.to_owned()), 800));
    let r = request(
        &mut e,
        t1.add_secs(901),
        Some(&alice.id),
        GetGroupPropsRequest::new(CHESS),
        Version::V1_2,
        Encoding::Xml,
    );
    assert_eq!(code(only(&r)), 800);
}

fn set_validity(v: &str) -> SetGroupPropsRequest {
    let mut r = SetGroupPropsRequest::default();
    r.group_id = CHESS.into();
    r.group_properties = Some(GroupProperties::default().with_validity(v));
    r
}

#[test]
fn group_requests_in_1_1_wbxml_round_trip_through_the_engine() {
    // Every 1.1 group primitive through WBXML, end to end.
    let mut e = engine();
    let alice = login_as(&mut e, "alice", "c", Version::V1_1, Encoding::Wbxml);
    let bob = login_as(&mut e, "bob", "c", Version::V1_1, Encoding::Wbxml);
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    join_ok(&mut e, &bob, CHESS, Some("Knight"), true);
    assert_eq!(notices(poll(&mut e, &alice))[0].joined.as_ref().unwrap().screen_names, vec![sn("Knight", CHESS)]);
    assert_eq!(code(&add_members(&mut e, &alice, CHESS, &["bob"])), 200);
    assert_eq!(code(&member_access(&mut e, &alice, CHESS, &[], &["bob"], &["carol"])), 200);
    let m = members(&mut e, &alice, CHESS);
    assert_eq!(m.users.unwrap().user_list.users, users(&["carol"]).users);
    assert_eq!(set_props(&mut e, &alice, CHESS, Some(GroupProperties::default().with_topic("Blitz")), None), 200);
    let n = notices(poll(&mut e, &bob));
    assert_eq!(n.len(), 3, "member, moderator, then the topic: {n:?}");
    assert_eq!(n[1].own_properties.as_ref().unwrap().privilege_level(), Some(PrivilegeLevel::Mod));
    assert_eq!(n[2].group_properties.as_ref().unwrap().topic(), Some("Blitz"));
    assert!(matches!(reject(&mut e, &bob, CHESS, None, None), Primitive::RejectListResponse(_)));
    assert_eq!(code(&ask(&mut e, &alice, SubscribeGroupNoticeRequest::new(CHESS, SubscribeType::Unset))), 200);
    assert_eq!(leave_response(&ask(&mut e, &bob, LeaveGroupRequest::new(CHESS))).1, 200);
    assert_eq!(poll(&mut e, &alice), vec![]);
    assert_eq!(code(&ask(&mut e, &alice, DeleteGroupRequest::new(CHESS))), 200);
}

#[test]
fn storage_keys_are_canonical_group_ids() {
    let mut e = engine();
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, "WV:ALICE/Chess", props(), None, false), 200);
    let mut storage = e.storage().clone();
    let groups = storage.load().unwrap().groups;
    let keys: Vec<(String, String)> = groups.iter().map(|(k, g)| (k.0.clone(), g.id.0.clone())).collect();
    assert_eq!(keys, vec![(CHESS.to_owned(), CHESS.to_owned())]);
    assert_eq!(groups[0].1.owner, Some(uid("alice")));
}

#[test]
fn seed_5_2_5_a_notice_that_finds_the_queue_full_is_reported() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_session_queue = 1;
    let mut e = engine_with(config);
    let alice = login12(&mut e, "alice");
    assert_eq!(create(&mut e, &alice, CHESS, props(), Some("Queen"), true), 200);
    let bob = login12(&mut e, "bob");
    let carol = login12(&mut e, "carol");
    join_ok(&mut e, &bob, CHESS, Some("Knight"), false);
    outputs(&mut e);
    join_ok(&mut e, &carol, CHESS, Some("Bishop"), false);
    let full: Vec<RequestLog> = outputs(&mut e)
        .into_iter()
        .filter_map(|o| match o {
            Output::Handled(l) if l.code == Some(ResultCode::MESSAGE_QUEUE_FULL) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(full.len(), 1);
    assert_eq!(full[0].primitive, "GroupChangeNotice");
    assert_eq!(full[0].session.as_ref().map(|s| s.0.clone()), Some(alice.id.clone()));
    assert_eq!(full[0].user, Some(uid("alice")));
    // The one that fitted is there.
    let n = notices(poll(&mut e, &alice));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].joined.as_ref().unwrap().user_map_list.as_ref().unwrap().mappings(), &[mapping("Knight", None)]);
}
