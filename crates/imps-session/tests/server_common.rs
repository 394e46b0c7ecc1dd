//! Seed sections 5.2.3, 5.2.4, 6 and 8 (common features): search for users and groups, and
//! invitations (group, presence, shared content) with their answers, cancellation and expiry.

mod support;

use imps_csp::elements::{ClientId, Group, Recipient, ScreenName, Sender, UrlList, User};
use imps_csp::ids::{InviteId, SearchId};
use imps_csp::presence::{AttrSet, PresenceAttr};
use imps_csp::primitive::access::{LoginRequest, LogoutRequest, PollingRequest};
use imps_csp::primitive::common::*;
use imps_csp::primitive::group::{AccessType, CreateGroupRequest, GroupProperties, JoinGroupRequest};
use imps_csp::primitive::im::{AccessList, BlockEntityRequest, EntityList};
use imps_csp::primitive::lists::{CreateAttributeListRequest, CreateListRequest, NickEntry, NickList};
use imps_csp::{Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version};
use imps_session::server::{Account, EngineState, ServerConfig};
use imps_session::Timestamp;
use support::*;

const ENCODINGS: [Encoding; 2] = [Encoding::Xml, Encoding::Wbxml];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Sets the searchable profile of an account (creating it when missing).
fn profile(e: &mut TestEngine, name: &str, first: &str, last: &str, email: &str, alias: &str, mobile: Option<&str>) {
    let mut a = Account::new(&uid(name), format!("pw-{name}"));
    a.profile.first_name = Some(first.into());
    a.profile.last_name = Some(last.into());
    a.profile.email = Some(email.into());
    a.profile.alias = Some(alias.into());
    a.profile.mobile_number = mobile.map(Into::into);
    e.put_account(a);
}

/// alice, bob, carol, dave with profiles, and `extra` users `tester01`... named "Tester".
fn directory(config: ServerConfig, extra: usize) -> TestEngine {
    let mut e = engine_with(config);
    profile(&mut e, "alice", "Alice", "Anderson", "alice@mail.example", "Ally", Some("+358 40 123-4567"));
    profile(&mut e, "bob", "Bob", "Brown", "bob@work.example", "Bobby", Some("+1 (555) 010 999"));
    profile(&mut e, "carol", "Carol", "Anders", "carol@mail.example", "Caz", None);
    profile(&mut e, "dave", "Dave", "Davis", "dave@work.example", "Ðávíð", None);
    for i in 1..=extra {
        profile(
            &mut e,
            &format!("tester{i:02}"),
            "Tester",
            &format!("Number{i:02}"),
            &format!("t{i:02}@test.example"),
            "tt",
            None,
        );
    }
    e
}

/// Logs `name` in with `client` in `v`/`enc`; returns the session id.
fn login_as(e: &mut TestEngine, now: Timestamp, name: &str, client: &str, v: Version, enc: Encoding) -> String {
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
            l.session_id.clone().expect("session id").0
        }
        other => panic!("expected Login-Response, got {other:?}"),
    }
}

/// The server-originated requests a `Polling-Request` fetches.
fn poll_v(e: &mut TestEngine, now: Timestamp, sid: &str, v: Version, enc: Encoding) -> Vec<Transaction> {
    let r = request(e, now, Some(sid), PollingRequest::default(), v, enc);
    let reqs: Vec<Transaction> = r.transactions.into_iter().filter(|t| t.mode == TransactionMode::Request).collect();
    reqs
}

fn poll(e: &mut TestEngine, now: Timestamp, sid: &str) -> Vec<Transaction> {
    poll_v(e, now, sid, Version::V1_2, Encoding::Xml)
}

/// The primitives a poll fetches.
fn polled(e: &mut TestEngine, now: Timestamp, sid: &str) -> Vec<Primitive> {
    poll(e, now, sid).into_iter().map(|t| t.primitive).collect()
}

/// Sends `p` as the response to server transaction `tid`; returns the reply.
fn respond(
    e: &mut TestEngine,
    now: Timestamp,
    sid: &str,
    tid: &str,
    p: impl Into<Primitive>,
    v: Version,
    enc: Encoding,
) -> Message {
    let msg = Message::new(SessionDescriptor::inband(sid.into()), Transaction::response(tid, p));
    let bytes = msg.encode(v, enc).expect("encode response");
    let reply = e.handle_request(now, &bytes).expect("engine answers");
    Message::decode(&reply.bytes).expect("decode reply").message
}

fn search(
    e: &mut TestEngine,
    now: Timestamp,
    sid: &str,
    pairs: &[(SearchElement, &str)],
    limit: Option<u32>,
) -> Message {
    let pairs = pairs.iter().map(|(el, s)| SearchPairList::new(*el, *s)).collect();
    req(e, now, Some(sid), SearchRequest::new(pairs, limit))
}

fn search_response(m: &Message) -> SearchResponse {
    match only(m) {
        Primitive::SearchResponse(r) => r.clone(),
        other => panic!("expected Search-Response, got {other:?}"),
    }
}

/// The user ids of a Search-Response page.
fn found_users(r: &SearchResponse) -> Vec<String> {
    r.result
        .as_ref()
        .and_then(|x| x.user_list.as_ref())
        .map(|l| l.users.iter().map(|u| u.user_id.0.clone()).collect())
        .unwrap_or_default()
}

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| uid(n).0).collect()
}

fn invite(id: &str, ty: InviteType, recipient: Recipient) -> InviteRequest {
    InviteRequest::new(id, ty, recipient)
}

fn user_sender(name: &str) -> Sender {
    Sender::User(User::new(uid(name)))
}

fn result_of(m: &Message) -> imps_csp::CspResult {
    match only(m) {
        Primitive::Status(s) => s.result.clone(),
        other => panic!("expected Status, got {other:?}"),
    }
}

fn invite_user_request(p: &Primitive) -> &InviteUserRequest {
    match p {
        Primitive::InviteUserRequest(r) => r,
        other => panic!("expected InviteUser-Request, got {other:?}"),
    }
}

fn invite_response(p: &Primitive) -> &InviteResponse {
    match p {
        Primitive::InviteResponse(r) => r,
        other => panic!("expected Invite-Response, got {other:?}"),
    }
}

fn urls(list: &[&str]) -> UrlList {
    let mut u = UrlList::default();
    u.urls = list.iter().map(|s| s.to_string()).collect();
    u
}

fn attrs(list: &[PresenceAttr]) -> AttrSet {
    list.iter().copied().collect()
}

// ---------------------------------------------------------------------------------------------
// Search (seed 5.2.4, 8.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_8_1_users_found_by_each_profile_field_partially_and_case_insensitively() {
    use SearchElement as E;
    let cases: &[(E, &str, &[&str])] = &[
        (E::UserId, "ALI", &["alice"]),
        (E::UserId, "wv:bo", &["bob"]),
        (E::UserId, "@example.com", &["alice", "bob", "carol", "dave"]),
        (E::UserFirstName, "ca", &["carol"]),
        (E::UserLastName, "ANDER", &["alice", "carol"]),
        (E::UserEmailAddress, "@work.", &["bob", "dave"]),
        (E::UserAlias, "bb", &["bob"]),
        (E::UserAlias, "ðÁV", &["dave"]),
        (E::UserMobileNumber, "40123", &["alice"]),
        (E::UserMobileNumber, "555-010", &["bob"]),
        (E::UserFirstName, "zz", &[]),
    ];
    for v in Version::ALL {
        for enc in ENCODINGS {
            let mut e = directory(ServerConfig::new("example.com"), 0);
            let s = login_as(&mut e, T0, "alice", "c", v, enc);
            for (el, text, want) in cases {
                let r = request(
                    &mut e,
                    T0,
                    Some(&s),
                    SearchRequest::new(vec![SearchPairList::new(*el, *text)], None),
                    v,
                    enc,
                );
                let r = search_response(&r);
                assert_eq!(found_users(&r), ids(want), "{el:?} {text:?} in {v} {enc:?}");
                assert_eq!(r.findings as usize, want.len());
                assert!(r.completion_flag);
                assert_eq!(r.index as usize, want.len());
                assert_eq!(r.search_id, None, "a complete first page keeps no search open");
            }
            assert_eq!(e.open_searches(), 0);
        }
    }
}

#[test]
fn seed_8_1_several_criteria_must_all_match() {
    use SearchElement as E;
    let mut e = directory(ServerConfig::new("example.com"), 0);
    let s = login(&mut e, T0, "alice");
    let r =
        search_response(&search(&mut e, T0, &s, &[(E::UserLastName, "ander"), (E::UserEmailAddress, "carol")], None));
    assert_eq!(found_users(&r), ids(&["carol"]));
    let r = search_response(&search(&mut e, T0, &s, &[(E::UserLastName, "ander"), (E::UserLastName, "son")], None));
    assert_eq!(found_users(&r), ids(&["alice"]));
    let r = search_response(&search(&mut e, T0, &s, &[(E::UserLastName, "ander"), (E::UserAlias, "bobby")], None));
    assert_eq!((r.findings, r.completion_flag, r.index, r.result), (0, true, 0, None));
}

#[test]
fn seed_8_1_paging_with_search_id_and_search_index() {
    for v in Version::ALL {
        for enc in ENCODINGS {
            let mut e = directory(ServerConfig::new("example.com"), 12);
            let s = login_as(&mut e, T0, "alice", "c", v, enc);
            let start = SearchRequest::new(vec![SearchPairList::new(SearchElement::UserFirstName, "tester")], Some(5));
            let r = search_response(&request(&mut e, T0, Some(&s), start, v, enc));
            let all: Vec<String> = (1..=12).map(|i| uid(&format!("tester{i:02}")).0).collect();
            assert_eq!(found_users(&r), all[..5]);
            assert_eq!((r.findings, r.completion_flag, r.index), (12, false, 5));
            let id = r.search_id.expect("an incomplete search has an id");
            assert_eq!(e.open_searches(), 1);
            // Continue at the index given.
            let r = search_response(&request(&mut e, T0, Some(&s), SearchRequest::continue_at(id, 5), v, enc));
            assert_eq!(found_users(&r), all[5..10]);
            assert_eq!((r.search_id, r.findings, r.completion_flag, r.index), (Some(id), 12, false, 10));
            // Without an index: after the last page.
            let mut next = SearchRequest::default();
            next.search_id = Some(id);
            let r = search_response(&request(&mut e, T0, Some(&s), next, v, enc));
            assert_eq!(found_users(&r), all[10..]);
            assert_eq!((r.completion_flag, r.index), (true, 12));
            // Back to the start, with a page size of its own.
            let mut back = SearchRequest::continue_at(id, 0);
            back.limit = Some(2);
            let r = search_response(&request(&mut e, T0, Some(&s), back, v, enc));
            assert_eq!(found_users(&r), all[..2]);
            assert_eq!((r.completion_flag, r.index), (false, 2));
            // Beyond the last result: 425.
            let r = request(&mut e, T0, Some(&s), SearchRequest::continue_at(id, 12), v, enc);
            assert_eq!(status_code(&r), 425);
            // Stop it; it is gone.
            let r = request(&mut e, T0, Some(&s), StopSearchRequest::new(id), v, enc);
            assert_eq!(status_code(&r), 200);
            assert_eq!(e.open_searches(), 0);
            let r = request(&mut e, T0, Some(&s), SearchRequest::continue_at(id, 5), v, enc);
            assert_eq!(status_code(&r), 424);
            let r = request(&mut e, T0, Some(&s), StopSearchRequest::new(id), v, enc);
            assert_eq!(status_code(&r), 424);
        }
    }
}

#[test]
fn seed_8_1_search_limit_is_capped_by_the_server() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_search_results = 3;
    let mut e = directory(config, 7);
    let s = login(&mut e, T0, "alice");
    for limit in [None, Some(3), Some(50)] {
        let r = search_response(&search(&mut e, T0, &s, &[(SearchElement::UserAlias, "tt")], limit));
        assert_eq!(found_users(&r).len(), 3, "{limit:?}");
        assert_eq!((r.findings, r.index, r.completion_flag), (7, 3, false));
    }
    let r = search_response(&search(&mut e, T0, &s, &[(SearchElement::UserAlias, "tt")], Some(2)));
    assert_eq!(found_users(&r).len(), 2);
    assert_eq!(status_code(&search(&mut e, T0, &s, &[(SearchElement::UserAlias, "tt")], Some(0))), 402);
}

#[test]
fn seed_8_1_a_new_search_may_start_at_an_index() {
    let mut e = directory(ServerConfig::new("example.com"), 6);
    let s = login(&mut e, T0, "alice");
    let mut r = SearchRequest::new(vec![SearchPairList::new(SearchElement::UserAlias, "tt")], Some(2));
    r.index = Some(4);
    let r = search_response(&req(&mut e, T0, Some(&s), r));
    assert_eq!(found_users(&r), ids(&["tester05", "tester06"]));
    assert_eq!((r.findings, r.index, r.completion_flag, r.search_id), (6, 6, true, None));
    let mut r = SearchRequest::new(vec![SearchPairList::new(SearchElement::UserAlias, "tt")], None);
    r.index = Some(6);
    assert_eq!(status_code(&req(&mut e, T0, Some(&s), r)), 425);
}

#[test]
fn seed_8_1_empty_too_broad_and_unsupported_criteria() {
    use SearchElement as E;
    let mut e = directory(ServerConfig::new("example.com"), 0);
    let s = login_as(&mut e, T0, "alice", "c", Version::V1_3, Encoding::Wbxml);
    let code = |e: &mut TestEngine, pairs: Vec<SearchPairList>| {
        let r = request(e, T0, Some(&s), SearchRequest::new(pairs, None), Version::V1_3, Encoding::Wbxml);
        status_code(&r)
    };
    assert_eq!(code(&mut e, vec![]), 537, "no criteria");
    assert_eq!(code(&mut e, vec![SearchPairList::new(E::UserFirstName, "a")]), 537, "one character");
    assert_eq!(code(&mut e, vec![SearchPairList::new(E::UserFirstName, "  b ")]), 537, "one character once trimmed");
    assert_eq!(code(&mut e, vec![SearchPairList::new(E::UserId, "wv:a")]), 537, "the scheme does not count");
    assert_eq!(code(&mut e, vec![SearchPairList::new(E::UserOnlineStatus, "T")]), 537, "everyone online");
    assert_eq!(
        code(&mut e, vec![SearchPairList::new(E::UserAlias, "bobby"), SearchPairList::new(E::GroupName, "chat")]),
        402,
        "users and groups mixed"
    );
    assert_eq!(code(&mut e, vec![SearchPairList::new(E::UserCity, "Helsinki")]), 402, "not indexed");
    assert_eq!(code(&mut e, vec![SearchPairList::new(E::GroupUserIdAutojoin, "wv:bob@example.com")]), 402);
    assert_eq!(
        code(
            &mut e,
            vec![SearchPairList::new(E::UserAlias, "bobby"), SearchPairList::new(E::UserOnlineStatus, "maybe")]
        ),
        402
    );
    assert_eq!(e.open_searches(), 0);
}

#[test]
fn seed_8_1_too_many_hits() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_search_findings = 5;
    let mut e = directory(config, 6);
    let s = login(&mut e, T0, "alice");
    assert_eq!(status_code(&search(&mut e, T0, &s, &[(SearchElement::UserAlias, "tt")], None)), 536);
    // Narrower criteria are fine.
    let r = search_response(&search(
        &mut e,
        T0,
        &s,
        &[(SearchElement::UserAlias, "tt"), (SearchElement::UserLastName, "number01")],
        None,
    ));
    assert_eq!(found_users(&r), ids(&["tester01"]));
}

#[test]
fn seed_8_1_a_search_belongs_to_its_session() {
    let mut e = directory(ServerConfig::new("example.com"), 4);
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let a2 = login_as(&mut e, T0, "alice", "second-client", Version::V1_2, Encoding::Xml);
    let id = search_response(&search(&mut e, T0, &a, &[(SearchElement::UserAlias, "tt")], Some(1))).search_id.unwrap();
    for other in [&b, &a2] {
        assert_eq!(status_code(&req(&mut e, T0, Some(other), SearchRequest::continue_at(id, 1))), 424);
        assert_eq!(status_code(&req(&mut e, T0, Some(other), StopSearchRequest::new(id))), 424);
    }
    let r = search_response(&req(&mut e, T0, Some(&a), SearchRequest::continue_at(id, 1)));
    assert_eq!(found_users(&r), ids(&["tester02"]));
    // Criteria sent with a continuation must be the search's own.
    let mut same = SearchRequest::new(vec![SearchPairList::new(SearchElement::UserAlias, "tt")], None);
    same.search_id = Some(id);
    same.index = Some(2);
    assert_eq!(found_users(&search_response(&req(&mut e, T0, Some(&a), same.clone()))), ids(&["tester03"]));
    same.pairs = vec![SearchPairList::new(SearchElement::UserAlias, "bobby")];
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), same)), 402);
    // An id never handed out.
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), SearchRequest::continue_at(SearchId(9999), 0))), 424);
}

#[test]
fn seed_8_1_a_search_expires_after_its_validity_without_use() {
    let mut config = ServerConfig::new("example.com");
    config.limits.search_validity_secs = 60;
    let mut e = directory(config, 5);
    let s = login(&mut e, T0, "alice");
    let id = search_response(&search(&mut e, T0, &s, &[(SearchElement::UserAlias, "tt")], Some(1))).search_id.unwrap();
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(60)));
    // Each page renews the validity.
    let t1 = T0.add_secs(59);
    assert_eq!(
        found_users(&search_response(&req(&mut e, t1, Some(&s), SearchRequest::continue_at(id, 1)))),
        ids(&["tester02"])
    );
    assert_eq!(e.poll_timeout(), Some(t1.add_secs(60)));
    e.handle_timeout(t1.add_secs(59));
    assert_eq!(e.open_searches(), 1);
    e.handle_timeout(t1.add_secs(60));
    assert_eq!(e.open_searches(), 0);
    assert_eq!(status_code(&req(&mut e, t1.add_secs(61), Some(&s), SearchRequest::continue_at(id, 2))), 424);
}

#[test]
fn seed_8_1_open_searches_per_session_are_bounded() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_searches_per_session = 2;
    let mut e = directory(config, 5);
    let s = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mut ids_ = Vec::new();
    for i in 0..3u64 {
        let r = search_response(&search(&mut e, T0.add_secs(i), &s, &[(SearchElement::UserAlias, "tt")], Some(1)));
        ids_.push(r.search_id.unwrap());
    }
    assert_eq!(ids_.iter().collect::<std::collections::BTreeSet<_>>().len(), 3, "ids are distinct");
    let bob_id =
        search_response(&search(&mut e, T0, &b, &[(SearchElement::UserAlias, "tt")], Some(1))).search_id.unwrap();
    assert_eq!(e.open_searches(), 3);
    // The least recently used one was replaced.
    let t = T0.add_secs(10);
    assert_eq!(status_code(&req(&mut e, t, Some(&s), SearchRequest::continue_at(ids_[0], 1))), 424);
    for id in &ids_[1..] {
        assert!(matches!(
            only(&req(&mut e, t, Some(&s), SearchRequest::continue_at(*id, 1))),
            Primitive::SearchResponse(_)
        ));
    }
    // Using the second makes the third the least recently used.
    search_response(&req(&mut e, t.add_secs(1), Some(&s), SearchRequest::continue_at(ids_[1], 2)));
    search(&mut e, t.add_secs(2), &s, &[(SearchElement::UserAlias, "tt")], Some(1));
    assert_eq!(status_code(&req(&mut e, t.add_secs(3), Some(&s), SearchRequest::continue_at(ids_[2], 1))), 424);
    assert!(matches!(
        only(&req(&mut e, t.add_secs(3), Some(&s), SearchRequest::continue_at(ids_[1], 1))),
        Primitive::SearchResponse(_)
    ));
    // Another session's search is untouched.
    assert!(matches!(
        only(&req(&mut e, t, Some(&b), SearchRequest::continue_at(bob_id, 1))),
        Primitive::SearchResponse(_)
    ));
}

#[test]
fn seed_8_1_searches_end_with_their_session() {
    let mut e = directory(ServerConfig::new("example.com"), 5);
    let s = login(&mut e, T0, "alice");
    search(&mut e, T0, &s, &[(SearchElement::UserAlias, "tt")], Some(1));
    assert_eq!(e.open_searches(), 1);
    req(&mut e, T0, Some(&s), LogoutRequest::default());
    e.handle_timeout(T0.add_secs(1));
    assert_eq!(e.open_searches(), 0);
}

#[test]
fn seed_8_1_online_status_criterion_shows_only_what_the_searcher_may_see() {
    use SearchElement as E;
    let mut e = directory(ServerConfig::new("example.com"), 0);
    let a = login(&mut e, T0, "alice");
    let _b = login(&mut e, T0, "bob");
    // Alice is online and sees her own status; Bob is online but has not authorised Alice to
    // see his OnlineStatus; Carol and Dave are offline, equally unauthorised.
    let r = search_response(&search(&mut e, T0, &a, &[(E::UserId, "example.com"), (E::UserOnlineStatus, "T")], None));
    assert_eq!(found_users(&r), ids(&["alice"]));
    let r = search_response(&search(&mut e, T0, &a, &[(E::UserId, "example.com"), (E::UserOnlineStatus, "F")], None));
    assert_eq!(found_users(&r), Vec::<String>::new());
    let r =
        search_response(&search(&mut e, T0, &a, &[(E::UserId, "example.com"), (E::UserOnlineStatus, "true")], None));
    assert_eq!(found_users(&r), ids(&["alice"]));
}

#[test]
fn seed_5_2_4_group_search_without_groups_finds_nothing() {
    use SearchElement as E;
    let mut e = directory(ServerConfig::new("example.com"), 0);
    let s = login(&mut e, T0, "alice");
    for (el, text) in [
        (E::GroupId, "chat"),
        (E::GroupName, "chat"),
        (E::GroupTopic, "rust"),
        (E::GroupUserIdOwner, "wv:alice@example.com"),
        (E::GroupUserIdJoined, "bob@example.com"),
    ] {
        let r = search_response(&search(&mut e, T0, &s, &[(el, text)], None));
        assert_eq!((r.findings, r.completion_flag, r.index, r.search_id, r.result), (0, true, 0, None, None), "{el:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Invitations (seed 5.2.3, 6, 8.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_8_2_presence_invitation_accepted_in_every_version_and_encoding() {
    for v in Version::ALL {
        for enc in ENCODINGS {
            let mut e = engine();
            let a = login_as(&mut e, T0, "alice", "ca", v, enc);
            let b = login_as(&mut e, T0, "bob", "cb", v, enc);
            let mut inv = invite("inv-1", InviteType::Presence, Recipient::user(uid("bob")));
            inv.presence_attrs = Some(attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::StatusText]));
            inv.invite_note = Some("See my status".into());
            inv.validity = Some(3600);
            let r = request(&mut e, T0, Some(&a), inv, v, enc);
            assert_eq!(status_code(&r), 200, "{v} {enc:?}");
            assert_eq!(e.open_invitations(), 1);
            // Bob gets the invitation.
            let t1 = T0.add_secs(10);
            let got = poll_v(&mut e, t1, &b, v, enc);
            assert_eq!(got.len(), 1, "{got:?}");
            let iu = invite_user_request(&got[0].primitive);
            assert_eq!(iu.invite_id, InviteId::new("inv-1"));
            assert_eq!(iu.invite_type, InviteType::Presence);
            assert_eq!(iu.sender, user_sender("alice"));
            assert_eq!(iu.presence_attrs, Some(attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::StatusText])));
            assert_eq!(iu.invite_note.as_deref(), Some("See my status"));
            assert_eq!(iu.validity, Some(3600));
            // He acknowledges the transaction, then answers in a transaction of his own.
            let ack = respond(
                &mut e,
                t1,
                &b,
                got[0].id.as_ref().unwrap().as_str(),
                imps_csp::primitive::access::Status::new(imps_csp::CspResult::new(ResultCode::SUCCESSFUL)),
                v,
                enc,
            );
            assert_eq!(status_code(&ack), 200);
            let sender = (v != Version::V1_1).then(|| user_sender("alice"));
            let mut answer = InviteUserResponse::new("inv-1", true, sender);
            answer.response_note = Some("Sure".into());
            assert_eq!(status_code(&request(&mut e, t1, Some(&b), answer, v, enc)), 200);
            // Alice learns it.
            let got = poll_v(&mut e, t1, &a, v, enc);
            assert_eq!(got.len(), 1, "{got:?}");
            let ir = invite_response(&got[0].primitive);
            assert_eq!((ir.invite_id.as_str(), ir.acceptance, &ir.sender), ("inv-1", true, &user_sender("bob")));
            assert_eq!(ir.response_note.as_deref(), Some("Sure"));
            assert_eq!(e.open_invitations(), 0, "settled");
            assert!(poll_v(&mut e, t1, &a, v, enc).is_empty());
        }
    }
}

#[test]
fn seed_8_2_answer_as_response_transaction_counts_once() {
    for enc in ENCODINGS {
        let mut e = engine();
        let a = login(&mut e, T0, "alice");
        let b = login(&mut e, T0, "bob");
        assert_eq!(
            status_code(&req(&mut e, T0, Some(&a), invite("x", InviteType::Im, Recipient::user(uid("bob"))))),
            200
        );
        let got = poll(&mut e, T0, &b);
        let tid = got[0].id.clone().unwrap();
        let mut answer = InviteUserResponse::new("x", false, Some(user_sender("alice")));
        answer.response_note = Some("busy".into());
        respond(&mut e, T0, &b, tid.as_str(), answer.clone(), Version::V1_2, enc);
        let got = polled(&mut e, T0, &a);
        assert_eq!(got.len(), 1);
        let ir = invite_response(&got[0]);
        assert_eq!((ir.acceptance, ir.response_note.as_deref()), (false, Some("busy")));
        // The same answer again, now as a request: the invitation is settled.
        assert_eq!(status_code(&req(&mut e, T0, Some(&b), answer)), 423);
        assert!(polled(&mut e, T0, &a).is_empty());
    }
}

#[test]
fn seed_5_2_3_rejection_reason_reaches_the_inviter() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mut inv = invite("why", InviteType::Im, Recipient::user("WV:Bob@Example.COM"));
    inv.invite_note = Some("Let's talk".into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    let got = polled(&mut e, T0, &b);
    assert_eq!(invite_user_request(&got[0]).invite_note.as_deref(), Some("Let's talk"));
    let mut no = InviteUserResponse::new("why", false, Some(user_sender("alice")));
    no.response_note = Some("In a meeting".into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), no)), 200);
    let got = polled(&mut e, T0, &a);
    let ir = invite_response(&got[0]);
    assert_eq!(
        (ir.acceptance, ir.response_note.as_deref(), &ir.sender),
        (false, Some("In a meeting"), &user_sender("bob"))
    );
}

#[test]
fn seed_6_shared_content_invitation_and_its_cancellation() {
    for v in Version::ALL {
        for enc in ENCODINGS {
            let mut e = engine();
            let a = login_as(&mut e, T0, "alice", "ca", v, enc);
            let b = login_as(&mut e, T0, "bob", "cb", v, enc);
            // Shared content is the invitation of a URL: without one, 402.
            let mut inv = invite("photo", InviteType::Content, Recipient::user(uid("bob")));
            inv.validity = Some(600);
            assert_eq!(status_code(&request(&mut e, T0, Some(&a), inv.clone(), v, enc)), 402);
            inv.url_list = Some(urls(&[]));
            assert_eq!(status_code(&request(&mut e, T0, Some(&a), inv.clone(), v, enc)), 402);
            inv.url_list = Some(urls(&["http://photos.example/p1.jpg", "http://photos.example/p2.jpg"]));
            inv.invite_note = Some("Holiday".into());
            assert_eq!(status_code(&request(&mut e, T0, Some(&a), inv.clone(), v, enc)), 200);
            let got = poll_v(&mut e, T0, &b, v, enc);
            let iu = invite_user_request(&got[0].primitive);
            assert_eq!(iu.invite_type, InviteType::Content);
            assert_eq!(iu.url_list, inv.url_list);
            // Alice stops sharing.
            let mut cancel = CancelInviteRequest::new("photo", Some(Recipient::user(uid("bob"))));
            cancel.invite_note = Some("Taken down".into());
            assert_eq!(status_code(&request(&mut e, T0, Some(&a), cancel.clone(), v, enc)), 200);
            let got = poll_v(&mut e, T0, &b, v, enc);
            assert_eq!(got.len(), 1);
            let Primitive::CancelInviteUserRequest(c) = &got[0].primitive else { panic!("{got:?}") };
            assert_eq!(
                (c.invite_id.as_str(), &c.sender, c.invite_note.as_deref()),
                ("photo", &user_sender("alice"), Some("Taken down"))
            );
            assert_eq!(c.url_list, inv.url_list, "the content no longer shared");
            assert_eq!(e.open_invitations(), 0);
            // Answering a cancelled invitation, cancelling it again: 423.
            let sender = (v != Version::V1_1).then(|| user_sender("alice"));
            assert_eq!(
                status_code(&request(&mut e, T0, Some(&b), InviteUserResponse::new("photo", true, sender), v, enc)),
                423
            );
            assert_eq!(status_code(&request(&mut e, T0, Some(&a), cancel, v, enc)), 423);
            assert!(poll_v(&mut e, T0, &a, v, enc).is_empty(), "no Invite-Response for a cancelled invitation");
        }
    }
}

#[test]
fn seed_8_2_cancel_reaches_only_those_who_have_not_answered() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    let mut r = Recipient::user(uid("bob"));
    r.users.push(User::new(uid("carol")));
    r.users.push(User::new(uid("dave")));
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite("party", InviteType::Im, r))), 200);
    for s in [&b, &c, &d] {
        assert_eq!(polled(&mut e, T0, s).len(), 1);
    }
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("party", true, Some(user_sender("alice"))))),
        200
    );
    // Cancel for Carol only, then for everyone left.
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), CancelInviteRequest::new("party", Some(Recipient::user(uid("carol")))))),
        200
    );
    assert!(matches!(&polled(&mut e, T0, &c)[..], [Primitive::CancelInviteUserRequest(_)]));
    assert!(polled(&mut e, T0, &d).is_empty());
    assert_eq!(status_code(&req(&mut e, T0, Some(&c), InviteUserResponse::new("party", true, None))), 423);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), CancelInviteRequest::new("party", None))), 200);
    assert!(polled(&mut e, T0, &b).is_empty(), "Bob had answered");
    assert!(matches!(&polled(&mut e, T0, &d)[..], [Primitive::CancelInviteUserRequest(_)]));
    let got = polled(&mut e, T0, &a);
    assert_eq!(got.len(), 1, "Bob's answer, once");
    assert!(invite_response(&got[0]).acceptance);
    assert_eq!(e.open_invitations(), 0);
}

#[test]
fn seed_8_2_unknown_recipients_531_partial_success_201() {
    for v in Version::ALL {
        let mut e = engine();
        let a = login_as(&mut e, T0, "alice", "ca", v, Encoding::Xml);
        let b = login_as(&mut e, T0, "bob", "cb", v, Encoding::Xml);
        let mut r = Recipient::user(uid("bob"));
        r.users.push(User::new(uid("zed")));
        let res = result_of(&request(&mut e, T0, Some(&a), invite("i1", InviteType::Im, r), v, Encoding::Wbxml));
        assert_eq!(res.code, ResultCode::PARTIALLY_SUCCESSFUL);
        assert_eq!(res.detailed_results.len(), 1);
        assert_eq!(res.detailed_results[0].code, ResultCode::UNKNOWN_USER);
        assert_eq!(res.detailed_results[0].user_ids, vec![uid("zed")]);
        assert_eq!(poll_v(&mut e, T0, &b, v, Encoding::Xml).len(), 1);
        // Nobody known: 531.
        let res = result_of(&request(
            &mut e,
            T0,
            Some(&a),
            invite("i2", InviteType::Im, Recipient::user(uid("zed"))),
            v,
            Encoding::Xml,
        ));
        assert_eq!(res.code, ResultCode::UNKNOWN_USER);
        assert_eq!(res.detailed_results[0].user_ids, vec![uid("zed")]);
        // Several different failures: 900.
        let mut r = Recipient::user(uid("zed"));
        r.users.push(User::new(uid("alice")));
        let res = result_of(&request(&mut e, T0, Some(&a), invite("i3", InviteType::Im, r), v, Encoding::Xml));
        assert_eq!(res.code, ResultCode::MULTIPLE_ERRORS);
        let codes: Vec<u32> = res.detailed_results.iter().map(|d| d.code.0).collect();
        assert_eq!(codes, vec![402, 531], "inviting oneself is 402");
        // No recipient at all: 402.
        assert_eq!(
            status_code(&request(
                &mut e,
                T0,
                Some(&a),
                invite("i4", InviteType::Im, Recipient::default()),
                v,
                Encoding::Xml
            )),
            402
        );
        assert_eq!(e.open_invitations(), 1);
    }
}

#[test]
fn seed_8_2_unknown_contact_list_700_in_each_version() {
    for v in Version::ALL {
        let mut e = engine();
        let a = login_as(&mut e, T0, "alice", "ca", v, Encoding::Xml);
        let mut r = Recipient::default();
        r.contact_lists.push("wv:alice/nolist@example.com".into());
        let res = result_of(&request(&mut e, T0, Some(&a), invite("i1", InviteType::Im, r), v, Encoding::Wbxml));
        assert_eq!(res.code, ResultCode::CONTACT_LIST_DOES_NOT_EXIST, "{v}");
        let d = &res.detailed_results[0];
        assert_eq!(d.code, ResultCode::CONTACT_LIST_DOES_NOT_EXIST);
        if v == Version::V1_1 {
            assert!(d.description.as_deref().unwrap().contains("wv:alice/nolist@example.com"), "{d:?}");
        } else {
            assert_eq!(d.contact_lists, vec!["wv:alice/nolist@example.com".into()]);
        }
    }
}

#[test]
fn seed_8_2_invite_id_in_use_by_the_same_inviter_is_423() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), invite("dup", InviteType::Im, Recipient::user(uid("bob"))))),
        200
    );
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), invite("dup", InviteType::Im, Recipient::user(uid("carol"))))),
        423
    );
    // Another inviter may use the same id.
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&c), invite("dup", InviteType::Im, Recipient::user(uid("bob"))))),
        200
    );
    assert_eq!(polled(&mut e, T0, &b).len(), 2);
    // Once settled, the id is free again.
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("dup", true, Some(user_sender("alice"))))),
        200
    );
    assert_eq!(polled(&mut e, T0, &a).len(), 1);
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), invite("dup", InviteType::Im, Recipient::user(uid("bob"))))),
        200
    );
    // An empty id: 402.
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite(" ", InviteType::Im, Recipient::user(uid("bob"))))), 402);
}

#[test]
fn seed_8_2_the_sender_picks_among_invitations_with_the_same_id() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    for s in [&a, &c] {
        assert_eq!(
            status_code(&req(&mut e, T0, Some(s), invite("same", InviteType::Im, Recipient::user(uid("bob"))))),
            200
        );
    }
    assert_eq!(polled(&mut e, T0, &b).len(), 2);
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("same", false, Some(user_sender("carol"))))),
        200
    );
    assert!(polled(&mut e, T0, &a).is_empty());
    assert!(!invite_response(&polled(&mut e, T0, &c)[0]).acceptance);
    // 1.1 has no Sender: the one left.
    assert_eq!(
        status_code(&request(
            &mut e,
            T0,
            Some(&b),
            InviteUserResponse::new("same", true, None),
            Version::V1_1,
            Encoding::Xml
        )),
        200
    );
    assert!(invite_response(&polled(&mut e, T0, &a)[0]).acceptance);
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("same", true, None))), 423);
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("never-sent", true, None))), 423);
}

#[test]
fn seed_8_2_invitation_to_an_offline_user_is_delivered_at_login() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let mut inv = invite("later", InviteType::Im, Recipient::user(uid("bob")));
    inv.validity = Some(3600);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    assert_eq!(e.poll_timeout().map(|t| t <= T0.add_secs(3600)), Some(true));
    // Bob logs in 100 s later: the invitation is queued at login, with the validity left.
    let t1 = T0.add_secs(100);
    outputs(&mut e);
    let b = login(&mut e, t1, "bob");
    assert!(outputs(&mut e)
        .iter()
        .any(|o| matches!(o, imps_session::server::Output::Wake { session } if session.as_str() == b)));
    assert!(e.poll_timeout().unwrap() > t1);
    let got = polled(&mut e, t1, &b);
    assert_eq!(got.len(), 1);
    assert_eq!(invite_user_request(&got[0]).validity, Some(3500));
    // Delivered once only.
    let b2 = login_as(&mut e, t1, "bob", "another-phone", Version::V1_2, Encoding::Xml);
    assert!(polled(&mut e, t1, &b2).is_empty());
    assert!(polled(&mut e, t1, &b).is_empty());
}

#[test]
fn seed_8_2_invitation_kept_for_login_is_fetched_by_the_first_poll() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), invite("p", InviteType::Im, Recipient::user(uid("carol"))))),
        200
    );
    let c = login(&mut e, T0.add_secs(5), "carol");
    // No timer input in between: the poll itself delivers it.
    let got = polled(&mut e, T0.add_secs(6), &c);
    assert_eq!(got.len(), 1);
    assert_eq!(invite_user_request(&got[0]).invite_id.as_str(), "p");
}

#[test]
fn seed_8_2_answer_to_an_offline_inviter_is_delivered_at_its_login() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite("i", InviteType::Im, Recipient::user(uid("bob"))))), 200);
    req(&mut e, T0, Some(&a), LogoutRequest::default());
    assert_eq!(polled(&mut e, T0, &b).len(), 1);
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("i", true, Some(user_sender("alice"))))),
        200
    );
    assert_eq!(e.open_invitations(), 1, "kept for Alice");
    let a2 = login(&mut e, T0.add_secs(30), "alice");
    let got = polled(&mut e, T0.add_secs(31), &a2);
    assert_eq!(got.len(), 1);
    assert!(invite_response(&got[0]).acceptance);
    assert_eq!(e.open_invitations(), 0);
}

#[test]
fn seed_8_2_expired_invitation_cannot_be_answered_and_the_inviter_is_told() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let mut inv = invite("soon", InviteType::Im, Recipient::user(uid("bob")));
    inv.validity = Some(60);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    assert_eq!(invite_user_request(&polled(&mut e, T0, &b)[0]).validity, Some(60));
    assert_eq!(e.poll_timeout(), Some(T0.add_secs(60)));
    e.handle_timeout(T0.add_secs(59));
    assert_eq!(e.open_invitations(), 1);
    e.handle_timeout(T0.add_secs(60));
    assert_eq!(e.open_invitations(), 0);
    assert_eq!(
        status_code(&req(
            &mut e,
            T0.add_secs(61),
            Some(&b),
            InviteUserResponse::new("soon", true, Some(user_sender("alice")))
        )),
        423
    );
    let got = polled(&mut e, T0.add_secs(61), &a);
    assert_eq!(got.len(), 1);
    let ir = invite_response(&got[0]);
    assert_eq!(
        (ir.acceptance, ir.response_note.as_deref(), &ir.sender),
        (false, Some("Invitation expired"), &user_sender("bob"))
    );
    // The id is free again.
    assert_eq!(
        status_code(&req(
            &mut e,
            T0.add_secs(62),
            Some(&a),
            invite("soon", InviteType::Im, Recipient::user(uid("bob")))
        )),
        200
    );
}

#[test]
fn seed_8_2_validity_default_cap_and_zero() {
    let mut config = ServerConfig::new("example.com");
    config.limits.default_invitation_validity_secs = 300;
    config.limits.max_invitation_validity_secs = 1000;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite("d", InviteType::Im, Recipient::user(uid("bob"))))), 200);
    let mut long = invite("l", InviteType::Im, Recipient::user(uid("bob")));
    long.validity = Some(1_000_000);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), long)), 200);
    let got = polled(&mut e, T0, &b);
    let validities: Vec<Option<u32>> = got.iter().map(|p| invite_user_request(p).validity).collect();
    assert_eq!(validities, vec![Some(300), Some(1000)]);
    let mut zero = invite("z", InviteType::Im, Recipient::user(uid("bob")));
    zero.validity = Some(0);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), zero)), 402);
}

#[test]
fn seed_5_2_3_group_invitation_needs_an_existing_group() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), invite("g", InviteType::Group, Recipient::user(uid("bob"))))),
        402
    );
    let mut inv = invite("g", InviteType::Group, Recipient::user(uid("bob")));
    inv.group_id = Some("wv:alice/nosuch@example.com".into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 800);
    // A recipient group that does not exist, and a screen name the inviter does not have.
    let res = result_of(&req(
        &mut e,
        T0,
        Some(&a),
        invite("g2", InviteType::Im, Recipient::group("wv:alice/nosuch@example.com")),
    ));
    assert_eq!(res.code, ResultCode::GROUP_DOES_NOT_EXIST);
    assert_eq!(res.detailed_results[0].group_ids, vec!["wv:alice/nosuch@example.com".into()]);
    let mut inv = invite("g3", InviteType::Im, Recipient::user(uid("bob")));
    let mut sn = ScreenName::default();
    sn.sname = "Al".into();
    sn.group_id = "wv:alice/nosuch@example.com".into();
    inv.screen_name = Some(sn.clone());
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 800);
    let mut r = Recipient::default();
    r.groups.push(Group::ScreenName(sn.clone()));
    let res = result_of(&req(&mut e, T0, Some(&a), invite("g4", InviteType::Im, r)));
    assert_eq!(res.code, ResultCode::GROUP_DOES_NOT_EXIST);
    assert_eq!(res.detailed_results[0].screen_names, vec![sn]);
    assert_eq!(e.open_invitations(), 0);
}

#[test]
fn seed_8_2_every_session_of_the_invitee_gets_it_and_the_first_answer_counts() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b1 = login(&mut e, T0, "bob");
    let b2 = login_as(&mut e, T0, "bob", "bob-desktop", Version::V1_3, Encoding::Wbxml);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite("m", InviteType::Im, Recipient::user(uid("bob"))))), 200);
    let got1 = poll(&mut e, T0, &b1);
    let got2 = poll_v(&mut e, T0, &b2, Version::V1_3, Encoding::Wbxml);
    assert_eq!((got1.len(), got2.len()), (1, 1));
    assert_eq!(invite_user_request(&got2[0].primitive).invite_id.as_str(), "m");
    // The desktop answers in its transaction's response; the phone's later answer is 423.
    let tid = got2[0].id.clone().unwrap();
    respond(
        &mut e,
        T0,
        &b2,
        tid.as_str(),
        InviteUserResponse::new("m", true, Some(user_sender("alice"))),
        Version::V1_3,
        Encoding::Wbxml,
    );
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b1), InviteUserResponse::new("m", false, Some(user_sender("alice"))))),
        423
    );
    let got = polled(&mut e, T0, &a);
    assert_eq!(got.len(), 1);
    assert!(invite_response(&got[0]).acceptance);
}

#[test]
fn seed_8_2_invitation_limits() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_invitations_per_user = 2;
    config.limits.max_pending_invitations_per_user = 2;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let c = login(&mut e, T0, "carol");
    // Open invitations per inviter.
    for id in ["1", "2"] {
        assert_eq!(
            status_code(&req(&mut e, T0, Some(&a), invite(id, InviteType::Im, Recipient::user(uid("bob"))))),
            200
        );
    }
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), invite("3", InviteType::Im, Recipient::user(uid("carol"))))),
        507
    );
    // Unanswered invitations waiting for one recipient (Bob, offline, has two).
    let res = result_of(&req(&mut e, T0, Some(&c), invite("c1", InviteType::Im, Recipient::user(uid("bob")))));
    assert_eq!(
        (res.code, res.detailed_results[0].code, res.detailed_results[0].user_ids.clone()),
        (ResultCode::MESSAGE_QUEUE_FULL, ResultCode::MESSAGE_QUEUE_FULL, vec![uid("bob")])
    );
    let mut r2 = Recipient::user(uid("bob"));
    r2.users.push(User::new(uid("alice")));
    let res = result_of(&req(&mut e, T0, Some(&c), invite("c2", InviteType::Im, r2)));
    assert_eq!(res.code, ResultCode::PARTIALLY_SUCCESSFUL);
    // Recipients per invitation, counted after expansion.
    let mut e = engine_with(config_with_recipients(2));
    let d = login(&mut e, T0, "dave");
    let mut r3 = Recipient::user(uid("alice"));
    r3.users.push(User::new(uid("bob")));
    r3.users.push(User::new(uid("carol")));
    assert_eq!(status_code(&req(&mut e, T0, Some(&d), invite("d1", InviteType::Im, r3.clone()))), 402);
    r3.users.pop();
    assert_eq!(status_code(&req(&mut e, T0, Some(&d), invite("d1", InviteType::Im, r3))), 200);
}

fn config_with_recipients(n: usize) -> ServerConfig {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_invitation_recipients = n;
    config
}

#[test]
fn seed_8_2_state_is_serialisable() {
    let mut e = directory(ServerConfig::new("example.com"), 5);
    let a = login(&mut e, T0, "alice");
    search(&mut e, T0, &a, &[(SearchElement::UserAlias, "tt")], Some(2));
    let mut inv = invite("s", InviteType::Presence, Recipient::user(uid("bob")));
    inv.presence_attrs = Some(attrs(&[PresenceAttr::OnlineStatus]));
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    let json = serde_json::to_string(e.state()).expect("serialise");
    let back: EngineState = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(&back, e.state());
}

#[test]
fn seed_8_2_a_full_queue_keeps_invitations_and_answers_until_there_is_room() {
    let mut config = ServerConfig::new("example.com");
    config.limits.max_session_queue = 1;
    let mut e = engine_with(config);
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    for (s, id) in [(&a, "from-alice"), (&c, "from-carol")] {
        assert_eq!(
            status_code(&req(&mut e, T0, Some(s), invite(id, InviteType::Im, Recipient::user(uid("bob"))))),
            200
        );
    }
    // Bob's queue holds one: the second waits, and is due as soon as there is room.
    let first = polled(&mut e, T0, &b);
    assert_eq!(first.len(), 1);
    assert_eq!(invite_user_request(&first[0]).invite_id.as_str(), "from-alice");
    assert!(e.poll_timeout().unwrap() <= T0);
    let second = polled(&mut e, T0, &b);
    assert_eq!(invite_user_request(&second[0]).invite_id.as_str(), "from-carol");
    // Alice's queue is full when Bob answers: the answer waits for room too.
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&c), invite("c2", InviteType::Im, Recipient::user(uid("alice"))))),
        200
    );
    assert_eq!(
        status_code(&req(
            &mut e,
            T0,
            Some(&b),
            InviteUserResponse::new("from-alice", true, Some(user_sender("alice")))
        )),
        200
    );
    let got = polled(&mut e, T0, &a);
    assert_eq!(invite_user_request(&got[0]).invite_id.as_str(), "c2");
    let got = polled(&mut e, T0, &a);
    assert_eq!(invite_response(&got[0]).invite_id.as_str(), "from-alice");
    assert!(e.poll_timeout().unwrap() > T0);
}

#[test]
fn seed_8_2_presence_attributes_a_1_1_invitee_cannot_carry_are_left_out() {
    for enc in ENCODINGS {
        let mut e = engine();
        let a = login_as(&mut e, T0, "alice", "ca", Version::V1_2, enc);
        let b = login_as(&mut e, T0, "bob", "cb", Version::V1_1, enc);
        let mut inv = invite("pr", InviteType::Presence, Recipient::user(uid("bob")));
        inv.presence_attrs = Some(attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::InfoLink]));
        inv.validity = Some(60);
        assert_eq!(status_code(&request(&mut e, T0, Some(&a), inv, Version::V1_2, enc)), 200);
        let got = poll_v(&mut e, T0, &b, Version::V1_1, enc);
        assert_eq!(got.len(), 1, "{enc:?}");
        assert_eq!(
            invite_user_request(&got[0].primitive).presence_attrs,
            Some(attrs(&[PresenceAttr::OnlineStatus])),
            "{enc:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Groups in search and invitations (seed 5.2.3, 5.2.4)
// ---------------------------------------------------------------------------------------------

const CHESS: &str = "wv:alice/chess@example.com";
const GO: &str = "wv:bob/go@example.com";
const HIDDEN: &str = "wv:dave/hidden@example.com";

fn group_props(name: &str, topic: &str, searchable: bool) -> GroupProperties {
    GroupProperties::default().with_name(name).with_topic(topic).with_searchable(searchable)
}

fn create_group(e: &mut TestEngine, s: &str, id: &str, props: GroupProperties, screen: Option<&str>) {
    let mut r = CreateGroupRequest::new(id, props);
    if let Some(n) = screen {
        r = r.with_screen_name(n);
    }
    assert_eq!(status_code(&req(e, T0, Some(s), r)), 200);
}

fn join_group(e: &mut TestEngine, s: &str, id: &str, screen: Option<&str>) -> Primitive {
    let mut r = JoinGroupRequest::new(id);
    if let Some(n) = screen {
        r = r.with_screen_name(n);
    }
    only(&req(e, T0, Some(s), r)).clone()
}

fn screen_name(name: &str, group: &str) -> ScreenName {
    let mut sn = ScreenName::default();
    sn.sname = name.into();
    sn.group_id = group.into();
    sn
}

fn found_groups(r: &SearchResponse) -> Vec<String> {
    r.result
        .as_ref()
        .and_then(|x| x.group_list.as_ref())
        .map(|l| l.group_ids.iter().map(|g| g.0.clone()).collect())
        .unwrap_or_default()
}

/// alice owns Chess (searchable), bob owns Go (searchable; carol joined), dave owns Hidden (not
/// searchable); the owners joined at creation.
fn groups_world() -> (TestEngine, [String; 4]) {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    create_group(&mut e, &a, CHESS, group_props("Chess", "Openings", true), None);
    create_group(&mut e, &b, GO, group_props("Go club", "Joseki and OPENINGS", true), None);
    create_group(&mut e, &d, HIDDEN, group_props("Hidden chess", "Secret openings", false), None);
    assert!(matches!(join_group(&mut e, &c, GO, None), Primitive::JoinGroupResponse(_)));
    (e, [a, b, c, d])
}

#[test]
fn seed_5_2_4_groups_found_by_id_name_topic_owner_and_joined_user() {
    use SearchElement as E;
    let (mut e, [_a, _b, c, d]) = groups_world();
    type Case<'a> = (&'a [(E, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (&[(E::GroupName, "CHESS")], &[CHESS]),
        (&[(E::GroupTopic, "openings")], &[CHESS, GO]),
        (&[(E::GroupId, "bob/")], &[GO]),
        (&[(E::GroupId, "wv:alice/ch")], &[CHESS]),
        (&[(E::GroupUserIdOwner, "wv:alice@example.com")], &[CHESS]),
        (&[(E::GroupUserIdOwner, "BOB@example.com")], &[GO]),
        (&[(E::GroupUserIdJoined, "carol@example.com")], &[GO]),
        (&[(E::GroupUserIdJoined, "wv:carol")], &[]),
        (&[(E::GroupTopic, "openings"), (E::GroupUserIdOwner, "wv:bob@example.com")], &[GO]),
        (&[(E::GroupUserIdOwner, "wv:dave@example.com")], &[]),
    ];
    for enc in ENCODINGS {
        for (pairs, want) in cases {
            let pairs: Vec<SearchPairList> = pairs.iter().map(|(el, s)| SearchPairList::new(*el, *s)).collect();
            let r = request(&mut e, T0, Some(&c), SearchRequest::new(pairs.clone(), None), Version::V1_2, enc);
            let r = search_response(&r);
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(found_groups(&r), want, "{pairs:?}");
            assert_eq!((r.findings as usize, r.completion_flag), (want.len(), true));
            assert_eq!(found_users(&r), Vec::<String>::new());
        }
    }
    // A group that is not searchable is found by its owner (and its joined users) only.
    let r = search_response(&search(&mut e, T0, &d, &[(E::GroupName, "chess")], None));
    assert_eq!(found_groups(&r), vec![CHESS.to_string(), HIDDEN.to_string()]);
    // Paging works for groups as for users.
    let r = search_response(&search(&mut e, T0, &c, &[(E::GroupTopic, "openings")], Some(1)));
    assert_eq!((found_groups(&r), r.completion_flag), (vec![CHESS.to_string()], false));
    let r = search_response(&req(&mut e, T0, Some(&c), SearchRequest::continue_at(r.search_id.unwrap(), 1)));
    assert_eq!((found_groups(&r), r.completion_flag), (vec![GO.to_string()], true));
}

#[test]
fn seed_5_2_4_users_joined_under_a_screen_name_stay_anonymous_in_search() {
    use SearchElement as E;
    let (mut e, [_a, b, c, _d]) = groups_world();
    assert!(matches!(join_group(&mut e, &b, CHESS, Some("Knight")), Primitive::JoinGroupResponse(_)));
    let r = search_response(&search(&mut e, T0, &c, &[(E::GroupUserIdJoined, "wv:bob@example.com")], None));
    assert_eq!(found_groups(&r), vec![GO.to_string()], "Bob's Go (joined at creation), not Chess");
}

#[test]
fn seed_5_2_3_group_invitation_accepted_lets_the_invitee_into_a_restricted_group() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let props = group_props("Chess", "Openings", true).with_access_type(AccessType::Restricted);
    create_group(&mut e, &a, CHESS, props, None);
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), JoinGroupRequest::new(CHESS))), 431, "not a member");
    let mut inv = invite("chess", InviteType::Group, Recipient::user(uid("bob")));
    inv.group_id = Some(CHESS.into());
    inv.invite_note = Some("Join my chess club".into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    let got = polled(&mut e, T0, &b);
    let iu = invite_user_request(&got[0]);
    assert_eq!((iu.invite_type, iu.group_id.clone()), (InviteType::Group, Some(CHESS.into())));
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("chess", true, Some(user_sender("alice"))))),
        200
    );
    assert!(invite_response(&polled(&mut e, T0, &a)[0]).acceptance);
    assert!(matches!(join_group(&mut e, &b, CHESS, Some("Rook")), Primitive::JoinGroupResponse(_)));
}

#[test]
fn seed_5_2_3_declined_group_invitation_grants_nothing() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let props = group_props("Chess", "Openings", true).with_access_type(AccessType::Restricted);
    create_group(&mut e, &a, CHESS, props, None);
    let mut inv = invite("chess", InviteType::Group, Recipient::user(uid("bob")));
    inv.group_id = Some(CHESS.into());
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    polled(&mut e, T0, &b);
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("chess", false, Some(user_sender("alice"))))),
        200
    );
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), JoinGroupRequest::new(CHESS))), 431);
}

#[test]
fn seed_5_2_3_inviting_a_group_reaches_its_joined_users_under_their_screen_names() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let d = login(&mut e, T0, "dave");
    create_group(&mut e, &a, CHESS, group_props("Chess", "Openings", true), None);
    assert!(matches!(join_group(&mut e, &b, CHESS, Some("Rook")), Primitive::JoinGroupResponse(_)));
    assert!(matches!(join_group(&mut e, &c, CHESS, None), Primitive::JoinGroupResponse(_)));
    for s in [&a, &b, &c] {
        polled(&mut e, T0, s);
    }
    // Only joined users may invite the group.
    let res = result_of(&req(&mut e, T0, Some(&d), invite("g", InviteType::Im, Recipient::group(CHESS))));
    assert_eq!(
        (res.code, res.detailed_results[0].group_ids.clone()),
        (ResultCode::GROUP_IS_NOT_JOINED, vec![CHESS.into()])
    );
    let mut inv = invite("tourney", InviteType::Content, Recipient::group(CHESS));
    inv.url_list = Some(urls(&["http://chess.example/tourney"]));
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv)), 200);
    assert!(polled(&mut e, T0, &a).is_empty(), "not the inviter");
    assert!(polled(&mut e, T0, &d).is_empty(), "not joined");
    for s in [&b, &c] {
        let got = polled(&mut e, T0, s);
        assert_eq!(invite_user_request(&got[0]).sender, user_sender("alice"));
    }
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&b), InviteUserResponse::new("tourney", false, Some(user_sender("alice"))))),
        200
    );
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&c), InviteUserResponse::new("tourney", true, Some(user_sender("alice"))))),
        200
    );
    let got = polled(&mut e, T0, &a);
    let answers: Vec<(bool, Sender)> =
        got.iter().map(invite_response).map(|r| (r.acceptance, r.sender.clone())).collect();
    assert_eq!(
        answers,
        vec![(false, Sender::Group(Group::ScreenName(screen_name("Rook", CHESS)))), (true, user_sender("carol"))],
        "Bob stays behind his screen name"
    );
}

#[test]
fn seed_5_2_3_invitation_between_screen_names_and_its_cancel_by_group() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    create_group(&mut e, &a, CHESS, group_props("Chess", "Openings", true), Some("Queen"));
    assert!(matches!(join_group(&mut e, &b, CHESS, Some("Rook")), Primitive::JoinGroupResponse(_)));
    assert!(matches!(join_group(&mut e, &c, CHESS, Some("Pawn")), Primitive::JoinGroupResponse(_)));
    for s in [&a, &b, &c] {
        polled(&mut e, T0, s);
    }
    let mut r = Recipient::default();
    r.groups.push(Group::ScreenName(screen_name("rook", CHESS)));
    r.groups.push(Group::ScreenName(screen_name("Nobody", CHESS)));
    // A screen name that is not the inviter's: 402.
    let mut inv = invite("sn", InviteType::Im, r.clone());
    inv.screen_name = Some(screen_name("King", CHESS));
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), inv.clone())), 402);
    inv.screen_name = Some(screen_name("Queen", CHESS));
    let res = result_of(&req(&mut e, T0, Some(&a), inv));
    assert_eq!(res.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(res.detailed_results[0].code, ResultCode::UNKNOWN_USER);
    assert_eq!(res.detailed_results[0].screen_names, vec![screen_name("Nobody", CHESS)]);
    let got = polled(&mut e, T0, &b);
    assert_eq!(invite_user_request(&got[0]).sender, Sender::Group(Group::ScreenName(screen_name("Queen", CHESS))));
    assert!(polled(&mut e, T0, &c).is_empty());
    // Alice also invites the whole group under her screen name, then cancels for the group.
    let mut all = invite("all", InviteType::Im, Recipient::group(CHESS));
    all.screen_name = Some(screen_name("Queen", CHESS));
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), all)), 200);
    assert_eq!(polled(&mut e, T0, &b).len(), 1);
    assert_eq!(polled(&mut e, T0, &c).len(), 1);
    assert_eq!(
        status_code(&req(&mut e, T0, Some(&a), CancelInviteRequest::new("all", Some(Recipient::group(CHESS))))),
        200
    );
    for s in [&b, &c] {
        let got = polled(&mut e, T0, s);
        let Primitive::CancelInviteUserRequest(x) = &got[0] else { panic!("{got:?}") };
        assert_eq!(x.sender, Sender::Group(Group::ScreenName(screen_name("Queen", CHESS))));
    }
    // Bob answers the first one, naming the screen name it came from.
    let answer =
        InviteUserResponse::new("sn", true, Some(Sender::Group(Group::ScreenName(screen_name("Queen", CHESS)))));
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), answer)), 200);
    let got = polled(&mut e, T0, &a);
    assert_eq!(invite_response(&got[0]).sender, Sender::Group(Group::ScreenName(screen_name("rook", CHESS))));
    assert_eq!(e.open_invitations(), 0);
}

// ---------------------------------------------------------------------------------------------
// Contact lists, block lists and presence authorisation in search and invitations
// ---------------------------------------------------------------------------------------------

const FRIENDS: &str = "wv:alice/friends@example.com";

fn create_list(e: &mut TestEngine, s: &str, id: &str, members: &[&str]) {
    let nicks = NickList::new(members.iter().map(|m| NickEntry::user(uid(m))).collect());
    assert_eq!(status_code(&req(e, T0, Some(s), CreateListRequest::new(id).with_members(nicks))), 200);
}

#[test]
fn seed_8_2_inviting_a_contact_list_reaches_its_members() {
    for v in Version::ALL {
        let mut e = engine();
        let a = login_as(&mut e, T0, "alice", "ca", v, Encoding::Wbxml);
        let b = login(&mut e, T0, "bob");
        let c = login(&mut e, T0, "carol");
        let d = login(&mut e, T0, "dave");
        create_list(&mut e, &a, FRIENDS, &["bob", "carol"]);
        let mut r = Recipient::default();
        r.contact_lists.push(FRIENDS.into());
        r.users.push(User::new(uid("bob")));
        assert_eq!(
            status_code(&request(&mut e, T0, Some(&a), invite("f", InviteType::Im, r), v, Encoding::Wbxml)),
            200
        );
        assert_eq!(polled(&mut e, T0, &b).len(), 1, "once, though named twice");
        assert_eq!(polled(&mut e, T0, &c).len(), 1);
        assert!(polled(&mut e, T0, &d).is_empty());
        // Cancelling for the list reaches its members.
        let mut r = Recipient::default();
        r.contact_lists.push(FRIENDS.into());
        let cancel = CancelInviteRequest::new("f", Some(r));
        assert_eq!(status_code(&request(&mut e, T0, Some(&a), cancel, v, Encoding::Wbxml)), 200);
        assert!(matches!(&polled(&mut e, T0, &b)[..], [Primitive::CancelInviteUserRequest(_)]));
        assert!(matches!(&polled(&mut e, T0, &c)[..], [Primitive::CancelInviteUserRequest(_)]));
        assert_eq!(e.open_invitations(), 0);
    }
}

#[test]
fn seed_4_3_block_lists_apply_to_invitations() {
    let mut e = engine();
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    let c = login(&mut e, T0, "carol");
    let mut block = BlockEntityRequest::default();
    block.block_list = Some(AccessList::changes(Some(EntityList::users([uid("alice")])), None).with_in_use(true));
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), block)), 200);
    // Named: 532.
    let res = result_of(&req(&mut e, T0, Some(&a), invite("x", InviteType::Im, Recipient::user(uid("bob")))));
    assert_eq!(
        (res.code, res.detailed_results[0].user_ids.clone()),
        (ResultCode::RECIPIENT_BLOCKED_THE_SENDER, vec![uid("bob")])
    );
    // Through a contact list: 532 for Bob, Carol invited.
    create_list(&mut e, &a, FRIENDS, &["bob", "carol"]);
    let mut r = Recipient::default();
    r.contact_lists.push(FRIENDS.into());
    let res = result_of(&req(&mut e, T0, Some(&a), invite("y", InviteType::Im, r)));
    assert_eq!(res.code, ResultCode::PARTIALLY_SUCCESSFUL);
    assert_eq!(
        (res.detailed_results[0].code, res.detailed_results[0].user_ids.clone()),
        (ResultCode::RECIPIENT_BLOCKED_THE_SENDER, vec![uid("bob")])
    );
    assert!(polled(&mut e, T0, &b).is_empty());
    assert_eq!(polled(&mut e, T0, &c).len(), 1);
    // Through a group: Bob is skipped silently.
    create_group(&mut e, &a, CHESS, group_props("Chess", "Openings", true), None);
    assert!(matches!(join_group(&mut e, &b, CHESS, Some("Rook")), Primitive::JoinGroupResponse(_)));
    assert!(matches!(join_group(&mut e, &c, CHESS, None), Primitive::JoinGroupResponse(_)));
    for s in [&a, &b, &c] {
        polled(&mut e, T0, s);
    }
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite("z", InviteType::Im, Recipient::group(CHESS)))), 200);
    assert!(polled(&mut e, T0, &b).is_empty());
    assert_eq!(polled(&mut e, T0, &c).len(), 1);
    // Unblocked, Bob is reachable again.
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), BlockEntityRequest::unblock_users([uid("alice")]))), 200);
    assert_eq!(status_code(&req(&mut e, T0, Some(&a), invite("w", InviteType::Im, Recipient::user(uid("bob"))))), 200);
    assert_eq!(polled(&mut e, T0, &b).len(), 1);
}

#[test]
fn seed_8_1_online_status_criterion_finds_users_who_authorised_it() {
    use SearchElement as E;
    let mut e = directory(ServerConfig::new("example.com"), 0);
    let a = login(&mut e, T0, "alice");
    let b = login(&mut e, T0, "bob");
    // Bob and Dave (who then logs out) let Alice see their OnlineStatus.
    let grant = |attr: PresenceAttr| {
        let mut g = CreateAttributeListRequest::new(attrs(&[attr]));
        g.user_ids.push(uid("alice"));
        g
    };
    assert_eq!(status_code(&req(&mut e, T0, Some(&b), grant(PresenceAttr::OnlineStatus))), 200);
    let d = login(&mut e, T0, "dave");
    assert_eq!(status_code(&req(&mut e, T0, Some(&d), grant(PresenceAttr::OnlineStatus))), 200);
    req(&mut e, T0, Some(&d), LogoutRequest::default());
    let r = search_response(&search(&mut e, T0, &a, &[(E::UserId, "example.com"), (E::UserOnlineStatus, "T")], None));
    assert_eq!(found_users(&r), ids(&["alice", "bob"]));
    let r = search_response(&search(&mut e, T0, &a, &[(E::UserId, "example.com"), (E::UserOnlineStatus, "F")], None));
    assert_eq!(found_users(&r), ids(&["dave"]), "Carol is offline too, but has not said so to Alice");
    // Status text alone does not reveal it.
    let c = login(&mut e, T0, "carol");
    assert_eq!(
        status_code(&req(
            &mut e,
            T0,
            Some(&c),
            CreateAttributeListRequest::default_list(attrs(&[PresenceAttr::StatusText]))
        )),
        200
    );
    let r = search_response(&search(&mut e, T0, &a, &[(E::UserId, "example.com"), (E::UserOnlineStatus, "T")], None));
    assert_eq!(found_users(&r), ids(&["alice", "bob"]));
}
