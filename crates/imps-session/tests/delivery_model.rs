//! Model-based property of instant-message delivery (seed 4.1-4.3, group messages seed 5).
//!
//! Random sequences of logins, logouts, sends (to users, contact lists and a group, with and
//! without delivery report and validity), block and unblock, polls, confirmations, fetches,
//! rejections, delivery-method changes, group joins and leaves, and time advances, for four
//! users, run against the engine through encoded CSP messages. A simple model tracks every
//! accepted copy and checks, after every step and once everything is drained at the end:
//!
//! * each accepted copy is exactly one of: waiting (in the storage, retrievable), delivered
//!   once (confirmed after a push, or fetched), or failed — and a failure or delivery is
//!   reported, once, to a sender who asked for a report;
//! * nothing is handed to a recipient after it was delivered, rejected or expired (never
//!   delivered twice), and content arrives byte for byte;
//! * nothing reaches a recipient who blocked the sender when it was sent (532 instead), or a
//!   user who was not joined to the group, or the sender of a group message;
//! * a copy disappears unobserved only by expiring, never before its validity ends, and does
//!   not outlive its validity unless its push is in the client's hands;
//! * at the end, with everyone logged in and every message fetched, the store is empty and
//!   every report owed has arrived.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use imps_csp::elements::{Recipient, User};
use imps_csp::ids::{ContactListId, GroupId, MessageId, TransactionId, UserId};
use imps_csp::primitive::access::{DeliveryMethod, LogoutRequest, PollingRequest};
use imps_csp::primitive::group::{
    AccessType, CreateGroupRequest, GroupProperties, JoinGroupRequest, LeaveGroupRequest,
};
use imps_csp::primitive::im::*;
use imps_csp::primitive::lists::{CreateListRequest, NickEntry, NickList};
use imps_csp::{Encoding, Message, Primitive, SessionDescriptor, Transaction, TransactionMode, Version};
use imps_session::server::ServerConfig;
use imps_session::Timestamp;
use proptest::prelude::*;
use support::*;

/// Whether the generator sends group messages and joins and leaves the group. Needs the group
/// feature (`group_message_targets`, `JoinGroup-Request`).
const GROUPS_IN_GENERATOR: bool = true;
/// Whether the generator sends to contact lists. Needs the presence feature
/// (`contact_list_members`, `CreateList-Request`).
const CONTACT_LISTS_IN_GENERATOR: bool = true;

const USERS: [&str; 4] = ["alice", "bob", "carol", "dave"];
const GROUP: &str = "wv:alice/chat@example.com";
const MAX_STORE: usize = 6;
const DEFAULT_VALIDITY: u64 = 7 * 24 * 3600;

fn config() -> ServerConfig {
    let mut c = ServerConfig::new("example.com");
    c.limits.max_stored_messages_per_user = MAX_STORE;
    c.limits.max_session_queue = 6;
    c.limits.max_poll_batch = 4;
    c
}

fn list_of(owner: usize) -> ContactListId {
    ContactListId::new(format!("wv:{}/friends@example.com", USERS[owner]))
}

/// The members of `owner`'s contact list in the fixture: the next two users.
fn list_members(owner: usize) -> [usize; 2] {
    [(owner + 1) % 4, (owner + 2) % 4]
}

#[derive(Debug, Clone)]
enum To {
    User(usize),
    Users(usize, usize),
    List,
    Group,
}

#[derive(Debug, Clone)]
enum Action {
    Login(usize),
    Logout(usize),
    Send { from: usize, to: To, report: bool, validity: Option<u32>, big: bool },
    Block { who: usize, whom: usize, on: bool },
    Poll(usize),
    Confirm(usize),
    Fetch(usize, usize),
    Reject(usize, usize),
    SetMethod { who: usize, notify: bool, limit: bool },
    Join(usize),
    Leave(usize),
    Advance(u64),
}

fn action() -> impl Strategy<Value = Action> {
    let u = || 0..4usize;
    let mut to: Vec<(u32, BoxedStrategy<To>)> =
        vec![(5, u().prop_map(To::User).boxed()), (1, (u(), u()).prop_map(|(a, b)| To::Users(a, b)).boxed())];
    if CONTACT_LISTS_IN_GENERATOR {
        to.push((1, Just(To::List).boxed()));
    }
    if GROUPS_IN_GENERATOR {
        to.push((3, Just(To::Group).boxed()));
    }
    let to = proptest::strategy::Union::new_weighted(to);
    let validity = prop_oneof![Just(None), (20u32..400).prop_map(Some)];
    let mut actions: Vec<(u32, BoxedStrategy<Action>)> = vec![
        (3, u().prop_map(Action::Login).boxed()),
        (1, u().prop_map(Action::Logout).boxed()),
        (
            6,
            (u(), to, any::<bool>(), validity, any::<bool>())
                .prop_map(|(from, to, report, validity, big)| Action::Send { from, to, report, validity, big })
                .boxed(),
        ),
        (1, (u(), u(), any::<bool>()).prop_map(|(who, whom, on)| Action::Block { who, whom, on }).boxed()),
        (5, u().prop_map(Action::Poll).boxed()),
        (3, u().prop_map(Action::Confirm).boxed()),
        (2, (u(), 0..4usize).prop_map(|(a, n)| Action::Fetch(a, n)).boxed()),
        (1, (u(), 0..4usize).prop_map(|(a, n)| Action::Reject(a, n)).boxed()),
        (
            1,
            (u(), any::<bool>(), any::<bool>())
                .prop_map(|(who, notify, limit)| Action::SetMethod { who, notify, limit })
                .boxed(),
        ),
        (2, (1u64..400).prop_map(Action::Advance).boxed()),
    ];
    if GROUPS_IN_GENERATOR {
        actions.push((3, u().prop_map(Action::Join).boxed()));
        actions.push((1, u().prop_map(Action::Leave).boxed()));
    }
    proptest::strategy::Union::new_weighted(actions)
}

/// What the model knows of a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Waiting,
    Delivered,
    Failed(u32),
}

#[derive(Debug)]
struct Copy {
    mid: MessageId,
    sender: usize,
    recipient: usize,
    report: bool,
    deadline: Timestamp,
    st: St,
    /// The session that holds its pushed `NewMessage` (fetched, not confirmed).
    pushed_to: Option<String>,
}

#[derive(Debug)]
struct GroupMsg {
    sender: usize,
    /// Who may receive it: joined, other than the sender, not blocking the sender.
    allowed: BTreeSet<usize>,
    /// Copies delivered, fetched or rejected (each at most once).
    done: BTreeSet<MessageId>,
}

#[derive(Debug)]
struct Client {
    sid: String,
    /// Pushes fetched and not confirmed yet: (transaction, copy id).
    pushes: Vec<(TransactionId, MessageId)>,
    joined: bool,
}

struct Harness {
    e: TestEngine,
    now: Timestamp,
    clients: [Option<Client>; 4],
    /// (blocker, blocked): the blocker's block list, in use, names the blocked user.
    blocks: BTreeSet<(usize, usize)>,
    /// One-to-one copies by copy id.
    copies: BTreeMap<MessageId, Copy>,
    groups: BTreeMap<MessageId, GroupMsg>,
    contents: BTreeMap<MessageId, String>,
    /// Reports owed: (message id, recipient (None: the group), code, sender).
    owed: Vec<(MessageId, Option<usize>, u32, usize)>,
    counter: u64,
}

fn user_index(u: &UserId) -> usize {
    let n = u.normalized();
    USERS.iter().position(|name| uid(name) == n).unwrap_or_else(|| panic!("unknown user {u}"))
}

fn base(cid: &MessageId) -> MessageId {
    MessageId::new(cid.as_str().split('.').next().unwrap())
}

fn is_group(info: &MessageInfo) -> bool {
    !info.recipient.groups.is_empty()
}

impl Harness {
    fn new() -> Self {
        let mut h = Harness {
            e: engine_with(config()),
            now: T0,
            clients: [None, None, None, None],
            blocks: BTreeSet::new(),
            copies: BTreeMap::new(),
            groups: BTreeMap::new(),
            contents: BTreeMap::new(),
            owed: Vec::new(),
            counter: 0,
        };
        // Fixture: contact lists and the group, created and left again.
        if CONTACT_LISTS_IN_GENERATOR {
            for (u, name) in USERS.iter().enumerate() {
                let s = login(&mut h.e, h.now, name);
                let members = NickList::new(list_members(u).iter().map(|m| NickEntry::user(uid(USERS[*m]))).collect());
                let r = req(&mut h.e, h.now, Some(&s), CreateListRequest::new(list_of(u)).with_members(members));
                assert!(
                    matches!(only(&r), Primitive::Status(s) if s.result.code.0 == 200)
                        || matches!(only(&r), Primitive::CreateListResponse(_)),
                    "{r:?}"
                );
                req(&mut h.e, h.now, Some(&s), LogoutRequest::default());
            }
        }
        if GROUPS_IN_GENERATOR {
            let s = login(&mut h.e, h.now, "alice");
            let mut c = CreateGroupRequest::new(
                GROUP,
                GroupProperties::default().with_access_type(AccessType::Open).with_name("chat"),
            );
            c.join_group = false;
            assert_eq!(status_code(&req(&mut h.e, h.now, Some(&s), c)), 200);
            req(&mut h.e, h.now, Some(&s), LogoutRequest::default());
        }
        outputs(&mut h.e);
        h
    }

    fn sid(&self, u: usize) -> Option<String> {
        self.clients[u].as_ref().map(|c| c.sid.clone())
    }

    /// Advances the clock by a second and lets the engine act on it first (sessions expiring
    /// now must not be used by the next step).
    fn tick(&mut self) {
        self.now = self.now.add_secs(1);
        self.e.handle_timeout(self.now);
        self.sync();
    }

    // ---- actions ----

    fn run(&mut self, a: &Action) {
        self.tick();
        // Sending, blocking, joining and choosing a delivery method log the user in first
        // (so that generated sequences do not waste most sends on offline senders).
        if let Action::Send { from: u, .. }
        | Action::Block { who: u, .. }
        | Action::Join(u)
        | Action::SetMethod { who: u, .. } = a
        {
            if self.clients[*u].is_none() {
                self.login(*u);
            }
        }
        match a.clone() {
            Action::Login(u) => self.login(u),
            Action::Logout(u) => {
                if let Some(s) = self.sid(u) {
                    let r = req(&mut self.e, self.now, Some(&s), LogoutRequest::default());
                    assert!(matches!(only(&r), Primitive::Disconnect(_)), "{r:?}");
                }
            }
            Action::Send { from, to, report, validity, big } => self.send(from, to, report, validity, big),
            Action::Block { who, whom, on } => self.block(who, whom, on),
            Action::Poll(u) => self.poll(u),
            Action::Confirm(u) => self.confirm(u),
            Action::Fetch(u, n) => self.fetch_or_reject(u, n, false),
            Action::Reject(u, n) => self.fetch_or_reject(u, n, true),
            Action::SetMethod { who, notify, limit } => {
                if let Some(s) = self.sid(who) {
                    let mut r = SetDeliveryMethodRequest::new(if notify {
                        DeliveryMethod::Notify
                    } else {
                        DeliveryMethod::Push
                    });
                    r.accepted_content_length = limit.then_some(64);
                    assert_eq!(status_code(&req(&mut self.e, self.now, Some(&s), r)), 200);
                }
            }
            Action::Join(u) => {
                if let Some(c) = self.clients[u].as_ref().filter(|c| !c.joined) {
                    let s = c.sid.clone();
                    let mut j = JoinGroupRequest::new(GROUP);
                    if u % 2 == 1 {
                        j = j.with_screen_name(format!("{}-sn", USERS[u]));
                    }
                    let r = req(&mut self.e, self.now, Some(&s), j);
                    match only(&r) {
                        Primitive::JoinGroupResponse(_) => self.clients[u].as_mut().unwrap().joined = true,
                        other => panic!("join: {other:?}"),
                    }
                }
            }
            Action::Leave(u) => {
                if let Some(c) = self.clients[u].as_ref().filter(|c| c.joined) {
                    let s = c.sid.clone();
                    let mut l = LeaveGroupRequest::default();
                    l.group_id = GroupId::new(GROUP);
                    req(&mut self.e, self.now, Some(&s), l);
                    self.clients[u].as_mut().unwrap().joined = false;
                }
            }
            Action::Advance(secs) => self.now = self.now.add_secs(secs),
        }
        self.e.handle_timeout(self.now);
        self.sync();
    }

    fn login(&mut self, u: usize) {
        let s = login(&mut self.e, self.now, USERS[u]);
        // A login of the same client replaces the earlier session.
        self.sync();
        self.clients[u] = Some(Client { sid: s, pushes: Vec::new(), joined: false });
    }

    fn send(&mut self, from: usize, to: To, report: bool, validity: Option<u32>, big: bool) {
        let Some(s) = self.sid(from) else { return };
        self.counter += 1;
        let body = if big {
            format!("{} #{} {}", "Ωμέγα ".repeat(8), self.counter, "👋🏽")
        } else {
            format!("hé 👋 #{}", self.counter)
        };
        let mut recipient = Recipient::default();
        let mut named: Vec<usize> = Vec::new();
        let mut group = false;
        match to {
            To::User(r) => named.push(r),
            To::Users(a, b) => named.extend([a, b]),
            To::List => recipient.contact_lists.push(list_of(from)),
            To::Group => {
                recipient = Recipient::group(GROUP);
                group = true;
            }
        }
        for r in &named {
            recipient.users.push(User::new(uid(USERS[*r])));
        }
        let mut users: Vec<usize> = named.clone();
        if matches!(to, To::List) {
            users.extend(list_members(from));
        }
        users.sort();
        users.dedup();

        let before: BTreeSet<MessageId> = self.stored_copies().into_keys().collect();
        let counts = self.store_counts();
        let mut sm =
            SendMessageRequest::text_to(uid(USERS[from]), recipient, body.clone()).with_delivery_report(report);
        sm.message_info.validity = validity;
        let r = req(&mut self.e, self.now, Some(&s), sm);
        let Primitive::SendMessageResponse(resp) = only(&r).clone() else { panic!("{r:?}") };

        // The engine's verdict per user and for the group.
        let mut failed: BTreeMap<usize, u32> = BTreeMap::new();
        let mut group_failed = None;
        for d in &resp.result.detailed_results {
            for u in &d.user_ids {
                failed.insert(user_index(u), d.code.0);
            }
            if !d.group_ids.is_empty() {
                group_failed = Some(d.code.0);
            }
        }
        if resp.result.detailed_results.is_empty() && resp.result.code.0 != 200 {
            panic!("failure without details: {resp:?}");
        }
        for &u in &users {
            let expected = if self.blocks.contains(&(u, from)) {
                Some(532)
            } else if counts.get(&u).copied().unwrap_or(0) >= MAX_STORE {
                Some(507)
            } else {
                None
            };
            let got = failed.get(&u).copied();
            let ok = got == expected || (GROUPS_IN_GENERATOR && expected.is_none() && got == Some(507));
            assert!(ok, "send {from}->{u}: expected {expected:?}, engine {got:?} ({resp:?})");
        }
        let accepted: BTreeSet<usize> = users.iter().copied().filter(|u| !failed.contains_key(u)).collect();
        let sender_joined = self.clients[from].as_ref().is_some_and(|c| c.joined);
        if group {
            let expected = if sender_joined { None } else { Some(808) };
            assert_eq!(group_failed, expected, "group send by {from}: {resp:?}");
        }
        let any_accepted = !accepted.is_empty() || (group && sender_joined) || matches!(to, To::List);
        assert_eq!(resp.message_id.is_some(), any_accepted, "{resp:?}");
        let Some(mid) = resp.message_id else { return };
        self.contents.insert(mid.clone(), body);

        // The new copies in the storage are exactly the accepted users'.
        let new: BTreeMap<MessageId, (usize, Timestamp)> =
            self.stored_copies().into_iter().filter(|(id, _)| !before.contains(id)).collect();
        let got: BTreeSet<usize> = new.values().map(|(u, _)| *u).collect();
        assert_eq!(got, accepted, "copies stored for {mid}");
        let secs = validity.map_or(DEFAULT_VALIDITY, |v| v as u64);
        for (cid, (u, expires)) in new {
            assert_eq!(base(&cid), mid);
            assert_eq!(expires, self.now.add_secs(secs));
            self.copies.insert(
                cid,
                Copy {
                    mid: mid.clone(),
                    sender: from,
                    recipient: u,
                    report,
                    deadline: expires,
                    st: St::Waiting,
                    pushed_to: None,
                },
            );
        }
        if group && sender_joined {
            let allowed = (0..4)
                .filter(|&u| u != from)
                .filter(|&u| self.clients[u].as_ref().is_some_and(|c| c.joined))
                .filter(|&u| !self.blocks.contains(&(u, from)))
                .collect();
            self.groups.insert(mid.clone(), GroupMsg { sender: from, allowed, done: BTreeSet::new() });
            if report {
                self.owed.push((mid, None, 200, from));
            }
        }
    }

    fn block(&mut self, who: usize, whom: usize, on: bool) {
        let Some(s) = self.sid(who) else { return };
        let users = EntityList::users([uid(USERS[whom])]);
        let list = if on { AccessList::changes(Some(users), None) } else { AccessList::changes(None, Some(users)) };
        let mut be = BlockEntityRequest::default();
        be.block_list = Some(list.with_in_use(true));
        assert_eq!(status_code(&req(&mut self.e, self.now, Some(&s), be)), 200);
        if on {
            self.blocks.insert((who, whom));
        } else {
            self.blocks.remove(&(who, whom));
        }
    }

    fn poll(&mut self, u: usize) {
        let Some(s) = self.sid(u) else { return };
        let r = req(&mut self.e, self.now, Some(&s), PollingRequest::default());
        self.observe(u, &r);
    }

    fn confirm(&mut self, u: usize) {
        let Some(c) = self.clients[u].as_mut() else { return };
        let s = c.sid.clone();
        let pushes = std::mem::take(&mut c.pushes);
        for (tid, cid) in pushes {
            let msg = Message::new(
                SessionDescriptor::inband(s.clone().into()),
                Transaction::response(tid, MessageDelivered::new(cid.clone())),
            );
            let bytes = msg.encode(Version::V1_2, Encoding::Xml).unwrap();
            let reply = self.e.handle_request(self.now, &bytes).unwrap();
            let reply = Message::decode(&reply.bytes).unwrap().message;
            // The model moves first: the reply may already carry the report.
            let in_store = self.stored_copies().contains_key(&cid);
            if let Some(g) = self.groups.get_mut(&base(&cid)) {
                if g.allowed.contains(&u) {
                    g.done.insert(cid);
                }
            } else {
                let c = self.copies.get_mut(&cid).expect("known copy");
                if c.st == St::Waiting {
                    assert!(!in_store, "confirmed push {cid} still stored");
                    c.st = St::Delivered;
                    c.pushed_to = None;
                    if c.report {
                        self.owed.push((c.mid.clone(), Some(c.recipient), 200, c.sender));
                    }
                }
            }
            self.observe(u, &reply);
        }
    }

    /// Lists `u`'s messages, then fetches (`GetMessage`) or rejects the `n`-th.
    fn fetch_or_reject(&mut self, u: usize, n: usize, reject: bool) {
        let Some(s) = self.sid(u) else { return };
        let r = req(&mut self.e, self.now, Some(&s), GetMessageListRequest::default());
        let Primitive::GetMessageListResponse(list) = only(&r).clone() else { panic!("{r:?}") };
        for info in &list.message_infos {
            let cid = info.message_id.clone().unwrap();
            self.check_offer(u, &cid, info);
        }
        if list.message_infos.is_empty() {
            return;
        }
        let info = &list.message_infos[n % list.message_infos.len()];
        let cid = info.message_id.clone().unwrap();
        let outcome = if reject {
            let r = req(&mut self.e, self.now, Some(&s), RejectMessageRequest::new([cid.clone()]));
            assert_eq!(status_code(&r), 200, "reject {cid}");
            St::Failed(538)
        } else {
            let r = req(&mut self.e, self.now, Some(&s), GetMessageRequest::new(cid.clone()));
            let Primitive::GetMessageResponse(g) = only(&r) else { panic!("get {cid}: {r:?}") };
            assert_eq!(g.content_data.as_ref(), self.contents.get(&base(&cid)), "content of {cid}");
            St::Delivered
        };
        if let Some(g) = self.groups.get_mut(&base(&cid)) {
            assert!(g.done.insert(cid.clone()), "group copy {cid} handed over twice");
            return;
        }
        assert!(!self.stored_copies().contains_key(&cid), "{cid} still stored after {outcome:?}");
        let c = self.copies.get_mut(&cid).expect("known copy");
        assert_eq!(c.st, St::Waiting);
        c.st = outcome;
        c.pushed_to = None;
        if c.report {
            let code = match outcome {
                St::Failed(code) => code,
                _ => 200,
            };
            self.owed.push((c.mid.clone(), Some(c.recipient), code, c.sender));
        }
    }

    // ---- observation ----

    /// The server-originated transactions a reply carried to `u`.
    fn observe(&mut self, u: usize, reply: &Message) {
        // Whatever expired while the engine handled the request is known before its reports.
        self.reconcile_store();
        for t in reply.transactions.iter().filter(|t| t.mode == TransactionMode::Request) {
            match &t.primitive {
                Primitive::NewMessage(m) => {
                    let cid = m.message_info.message_id.clone().expect("MessageID");
                    self.check_offer(u, &cid, &m.message_info);
                    assert_eq!(m.content_data.as_ref(), self.contents.get(&base(&cid)), "content of {cid}");
                    let c = self.clients[u].as_mut().unwrap();
                    c.pushes.push((t.id.clone().unwrap(), cid.clone()));
                    let sid = c.sid.clone();
                    if let Some(copy) = self.copies.get_mut(&cid) {
                        copy.pushed_to = Some(sid);
                    }
                }
                Primitive::MessageNotification(n) => {
                    let cid = n.message_info.message_id.clone().expect("MessageID");
                    self.check_offer(u, &cid, &n.message_info);
                }
                Primitive::DeliveryReportRequest(r) => {
                    let mid = r.message_info.message_id.clone().expect("MessageID");
                    let to = r.message_info.recipient.users.first().map(|x| user_index(&x.user_id));
                    let entry = (mid.clone(), to, r.result.code.0, u);
                    let at = self.owed.iter().position(|o| *o == entry);
                    let at = at.unwrap_or_else(|| panic!("report not owed: {entry:?}; owed {:?}", self.owed));
                    self.owed.remove(at);
                    assert_eq!(r.delivery_time.is_some(), r.result.code.0 == 200);
                }
                _ => {}
            }
        }
    }

    /// A copy handed or listed to `u` must be `u`'s and still waiting.
    fn check_offer(&self, u: usize, cid: &MessageId, info: &MessageInfo) {
        if is_group(info) {
            let g = self.groups.get(&base(cid)).unwrap_or_else(|| panic!("unknown group message {cid}"));
            assert!(g.allowed.contains(&u), "group message {cid} of {} reached {u}", g.sender);
            assert!(!g.done.contains(cid), "group copy {cid} offered again after delivery");
            return;
        }
        let c = self.copies.get(cid).unwrap_or_else(|| panic!("unknown copy {cid} offered to {u}"));
        assert_eq!(c.recipient, u, "{cid} offered to the wrong user");
        // (Copies for a recipient blocking the sender are never created: checked at send.)
        assert_eq!(c.st, St::Waiting, "{cid} offered after it was {:?}", c.st);
    }

    /// One-to-one copies in the storage: id -> (recipient, expiry).
    fn stored_copies(&self) -> BTreeMap<MessageId, (usize, Timestamp)> {
        self.e
            .storage()
            .messages()
            .filter(|(_, m)| !m.is_delivery_report())
            .map(|(id, m)| (id.clone(), (user_index(m.recipient()), m.expires())))
            .collect()
    }

    fn store_counts(&self) -> BTreeMap<usize, usize> {
        let mut m = BTreeMap::new();
        for (u, _) in self.stored_copies().values() {
            *m.entry(*u).or_default() += 1;
        }
        m
    }

    /// Reconciles the model with the engine after a step.
    fn sync(&mut self) {
        // Sessions that ended (logout, replacement, expiry): their pushes go back.
        for u in 0..4 {
            let gone = self.clients[u].as_ref().is_some_and(|c| self.e.session(&c.sid.clone().into()).is_none());
            if gone {
                let sid = self.clients[u].take().unwrap().sid;
                for c in self.copies.values_mut().filter(|c| c.pushed_to.as_deref() == Some(sid.as_str())) {
                    c.pushed_to = None;
                }
            }
        }
        self.reconcile_store();
        outputs(&mut self.e);
    }

    /// Copies gone from the store without the model moving them expired; none outlives its
    /// validity unless its push is in the client's hands; the store holds nothing unknown.
    fn reconcile_store(&mut self) {
        let stored = self.stored_copies();
        for (cid, c) in self.copies.iter_mut() {
            if c.st != St::Waiting {
                assert!(!stored.contains_key(cid), "{cid} is {:?} but still stored", c.st);
                continue;
            }
            if !stored.contains_key(cid) {
                // Gone without being delivered, rejected or forwarded here: it expired.
                assert!(self.now >= c.deadline, "{cid} vanished before its validity ended");
                c.st = St::Failed(542);
                if c.report {
                    self.owed.push((c.mid.clone(), Some(c.recipient), 542, c.sender));
                }
            } else if self.now >= c.deadline {
                let holder = c.pushed_to.as_deref();
                let held = holder.is_some()
                    && self.clients[c.recipient].as_ref().is_some_and(|cl| Some(cl.sid.as_str()) == holder);
                assert!(held, "{cid} outlived its validity without being in the client's hands");
            }
        }
        for (cid, (u, _)) in &stored {
            let c = self.copies.get(cid).unwrap_or_else(|| panic!("stored copy {cid} unknown to the model"));
            assert_eq!(c.recipient, *u);
        }
    }

    /// Everyone logs in and takes everything; then every report owed must have arrived.
    fn drain(&mut self) {
        for _round in 0..6 {
            for u in 0..4 {
                self.tick();
                if self.clients[u].is_none() {
                    self.login(u);
                }
                for _ in 0..(MAX_STORE * 4) {
                    self.tick();
                    self.poll(u);
                    self.confirm(u);
                    self.fetch_or_reject(u, 0, false);
                    self.e.handle_timeout(self.now);
                    self.sync();
                }
            }
        }
        let waiting: Vec<_> = self.copies.iter().filter(|(_, c)| c.st == St::Waiting).collect();
        assert!(waiting.is_empty(), "still waiting after the drain: {waiting:?}");
        assert!(self.stored_copies().is_empty());
        assert!(self.owed.is_empty(), "reports never received: {:?}", self.owed);
        assert_eq!(self.e.storage().messages().count(), 0, "nothing left in the store");
    }
}

fn run(actions: &[Action]) {
    let mut h = Harness::new();
    for a in actions {
        h.run(a);
    }
    h.drain();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_accepted_message_is_delivered_once_stored_or_reported(actions in proptest::collection::vec(action(), 1..120)) {
        run(&actions);
    }
}

/// A fixed sequence through the interesting paths (push, notify, offline, expiry, block,
/// session replacement), so that the harness itself is exercised deterministically.
#[test]
fn delivery_model_fixed_sequence() {
    use Action::*;
    let seq = vec![
        Login(0),
        Login(1),
        Send { from: 0, to: To::User(1), report: true, validity: None, big: false },
        Poll(1),
        Confirm(1),
        Poll(0),
        SetMethod { who: 1, notify: true, limit: false },
        Send { from: 0, to: To::Users(1, 2), report: true, validity: Some(30), big: true },
        Poll(1),
        Fetch(1, 0),
        Block { who: 1, whom: 0, on: true },
        Send { from: 0, to: To::User(1), report: true, validity: None, big: false },
        Block { who: 1, whom: 0, on: false },
        Advance(40),
        Poll(0),
        Login(1),
        Send { from: 1, to: To::User(3), report: true, validity: Some(100), big: false },
        Logout(1),
        Reject(3, 0),
        Login(3),
        Reject(3, 0),
        Advance(500),
    ];
    run(&seq);
}
