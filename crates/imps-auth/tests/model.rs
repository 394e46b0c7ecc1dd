//! Model-based test: random operation sequences run against the engine and against the
//! reference model (`model/reference.rs`), which must give identical observable results —
//! answers, effects, notifications, get results, watcher lists, reactive states, list contents,
//! authorisations, deadlines and messaging decisions — while invariants are checked after
//! every step.
//!
//! `PROPTEST_CASES` sets the number of sequences (default 10,000).

#[path = "model/reference.rs"]
mod reference;

use imps_auth::{
    AccessListKind, AttrTarget, AuthEngine, Contact, Effect, Entity, Error, GetOutcome, Limits, ListProperties,
    ListPropertiesUpdate, Response, Sender, SubscribeOutcome, Timestamp,
};
use imps_csp::ids::{ContactListId, GroupId, SName, UserId};
use imps_csp::presence::{
    AttrSet, Availability, FlagAttr, GeoLocation, Mood, PresenceAttr, PresenceSubList, StatusMood, TextAttr,
    UserAvailability,
};
use imps_csp::RawElement;
use std::cell::RefCell;
use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reference::{AllAttrs, Model};

const USERS: usize = 5;

/// User `i`, spelt in one of several ways that normalise to the same id (or, for 5, an id that
/// names nobody).
fn user(i: u8, spelling: u8) -> UserId {
    if i as usize >= USERS {
        return UserId::from(if spelling % 2 == 0 { "wv:" } else { "wv:@x" });
    }
    UserId::from(match spelling % 3 {
        0 => format!("wv:u{i}@x"),
        1 => format!("WV:U{i}@X"),
        _ => format!(" u{i}@x"),
    })
}

fn list(i: u8) -> ContactListId {
    ContactListId::from(match i {
        0 => "wv:friends",
        1 => "WV:Friends",
        2 => "wv:work",
        3 => "wv:family",
        _ => "wv:",
    })
}

const EXT: [&str; 3] = ["X-Ext", "X-Two", "X-Three"];
const POOL: [PresenceAttr; 5] = [
    PresenceAttr::OnlineStatus,
    PresenceAttr::StatusText,
    PresenceAttr::UserAvailability,
    PresenceAttr::GeoLocation,
    PresenceAttr::StatusMood,
];

/// An attribute set from a bit mask over the pool and the extension names.
fn attrs(mask: u8) -> AttrSet {
    let mut s = AttrSet::new();
    for (i, a) in POOL.iter().enumerate() {
        if mask & (1 << i) != 0 {
            s.insert(*a);
        }
    }
    for (i, e) in EXT.iter().enumerate() {
        if mask & (1 << (5 + i)) != 0 {
            s.insert_name(e);
        }
    }
    s
}

/// A presence update: for each pool attribute, absent or one of two values.
fn presence(values: [u8; 7]) -> PresenceSubList {
    let mut p = PresenceSubList::default();
    let text = |v: &str| {
        let mut t = TextAttr::default();
        t.value = Some(v.to_owned());
        t
    };
    if values[0] > 0 {
        let mut f = FlagAttr::default();
        f.value = Some(values[0] == 1);
        p.online_status = Some(f);
    }
    if values[1] > 0 {
        p.status_text = Some(text(if values[1] == 1 { "a" } else { "b" }));
    }
    if values[2] > 0 {
        let mut u = UserAvailability::default();
        u.value = Some(if values[2] == 1 { Availability::Available } else { Availability::NotAvailable });
        p.user_availability = Some(u);
    }
    if values[3] > 0 {
        let mut g = GeoLocation::default();
        g.latitude = Some(values[3].to_string());
        p.geo_location = Some(g);
    }
    if values[4] > 0 {
        let mut m = StatusMood::default();
        m.value = Some(if values[4] == 1 { Mood::Happy } else { Mood::Sad });
        p.status_mood = Some(m);
    }
    for (i, name) in EXT[..2].iter().enumerate() {
        if values[5 + i] > 0 {
            p.extensions.push(RawElement::text(*name, if values[5 + i] == 1 { "a" } else { "b" }));
        }
    }
    p
}

fn nick(n: u8) -> Option<String> {
    match n {
        0 => None,
        1 => Some("Al".into()),
        2 => Some("Bee".into()),
        _ => Some("a-nickname-that-is-too-long".into()),
    }
}

fn display(n: u8) -> Option<String> {
    match n {
        0 => None,
        1 => Some("Friends".into()),
        2 => Some("Work".into()),
        _ => Some("a-display-name-that-is-too-long".into()),
    }
}

/// A user reference: (index 0..=5, spelling).
type U = (u8, u8);

#[derive(Debug, Clone)]
enum Op {
    CreateList {
        p: U,
        list: u8,
        display: u8,
        default: bool,
        members: Vec<(U, u8)>,
    },
    DeleteList {
        p: U,
        list: u8,
    },
    AddMembers {
        p: U,
        list: u8,
        members: Vec<(U, u8)>,
    },
    RemoveMembers {
        p: U,
        list: u8,
        users: Vec<U>,
    },
    SetProps {
        p: U,
        list: u8,
        display: Option<u8>,
        default: Option<bool>,
    },
    SetAttrList {
        p: U,
        targets: Vec<(u8, U)>,
        mask: u8,
    },
    DeleteAttrList {
        p: U,
        targets: Vec<(u8, U)>,
    },
    Subscribe {
        s: U,
        p: U,
        mask: Option<u8>,
        until: Option<u8>,
    },
    Unsubscribe {
        s: U,
        p: U,
    },
    Get {
        r: U,
        p: U,
        mask: Option<u8>,
    },
    Update {
        p: U,
        values: [u8; 7],
    },
    /// `pick` < 3: the requester is the `pick`-th (mod count) of the publisher's reactive
    /// records, when there are any; otherwise `r`.
    Respond {
        p: U,
        r: U,
        pick: u8,
        accept: bool,
    },
    Cancel {
        p: U,
        u: U,
        pick: u8,
    },
    Removal {
        s: U,
        p: U,
    },
    Expire,
    SetInUse {
        u: U,
        block: bool,
        in_use: bool,
    },
    AddEntries {
        u: U,
        block: bool,
        entries: Vec<(u8, U, u8)>,
    },
    RemoveEntries {
        u: U,
        block: bool,
        entries: Vec<(u8, U, u8)>,
    },
    RoundTrip,
}

/// A step: time advance (ms) and an operation.
type Step = (u8, Op);

/// Decodes operations from random bits. Proptest generates and shrinks plain `u128`s (cheap,
/// even in debug builds); the weights of the old strategy tree live here instead. Shrinking a
/// word towards zero shrinks the operation towards the first choices.
struct Bits(u128);

impl Bits {
    fn take(&mut self, n: u32) -> u8 {
        let v = (self.0 & ((1u128 << n) - 1)) as u8;
        self.0 >>= n;
        v
    }

    /// An index into `weights`, chosen in proportion to them (8 bits).
    fn pick(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.take(8) as u32 * total / 256;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    fn flag(&mut self) -> bool {
        self.take(1) == 1
    }

    /// True with probability `n`/16.
    fn chance(&mut self, n: u8) -> bool {
        self.take(4) < n
    }

    /// A user: mostly valid; index 5 is an id naming nobody.
    fn u(&mut self) -> U {
        let i = if self.chance(1) && self.flag() { 5 } else { self.take(8) % 5 };
        (i, self.take(2) % 3)
    }

    /// A publisher: mostly users 0 and 1, so that their state grows dense.
    fn publ(&mut self) -> U {
        let i = [0, 1, 2, 3, 4, 5][self.pick(&[16, 5, 1, 1, 1, 1])];
        (i, self.take(2) % 3)
    }

    /// A publisher and another user: rarely the publisher itself or an invalid id.
    fn pair(&mut self) -> (U, U) {
        let p = self.publ();
        let k = [1, 0, 5][self.pick(&[40, 1, 1])];
        let other = match (p.0, k) {
            (5, _) => self.take(8) % 6,
            (_, 5) => 5,
            (_, 1) => (p.0 + 1 + self.take(8) % 4) % 5,
            _ => p.0,
        };
        (p, (other, self.take(2) % 3))
    }

    /// A contact list index: mostly "friends" (0 and 1 name it), rarely an invalid id.
    fn li(&mut self) -> u8 {
        [0, 1, 2, 3, 4][self.pick(&[10, 10, 8, 3, 1])] as u8
    }

    /// A nickname or display name index: rarely too long.
    fn name(&mut self) -> u8 {
        [0, 1, 2, 3][self.pick(&[10, 10, 10, 1])] as u8
    }

    /// An attribute mask: pool bits, rarely extension names (all three exceed the limit).
    fn mask(&mut self) -> u8 {
        let pool = self.take(5);
        let ext = [0u8, 1, 2, 3, 7][self.pick(&[12, 3, 2, 2, 1])];
        pool | (ext << 5)
    }

    fn members(&mut self) -> Vec<(U, u8)> {
        (0..self.take(2)).map(|_| (self.u(), self.name())).collect()
    }

    fn targets(&mut self) -> Vec<(u8, U)> {
        (0..self.take(2) % 3).map(|_| (self.take(2), self.u())).collect()
    }

    fn entries(&mut self) -> Vec<(u8, U, u8)> {
        (0..self.take(2) % 3).map(|_| (self.take(2) % 3, self.u(), self.take(1))).collect()
    }

    fn step(&mut self) -> Step {
        let dt = self.take(2);
        let weights = [6, 2, 8, 3, 1, 6, 2, 20, 2, 4, 14, 14, 2, 1, 1, 2, 2, 1, 1];
        let op = match self.pick(&weights) {
            0 => Op::CreateList {
                p: self.publ(),
                list: self.li(),
                display: self.name(),
                default: self.flag(),
                members: self.members(),
            },
            1 => Op::DeleteList { p: self.publ(), list: self.li() },
            2 => Op::AddMembers { p: self.publ(), list: self.li(), members: self.members() },
            3 => Op::RemoveMembers {
                p: self.publ(),
                list: self.li(),
                users: (0..self.take(2) % 3).map(|_| self.u()).collect(),
            },
            4 => Op::SetProps {
                p: self.publ(),
                list: self.li(),
                display: self.flag().then(|| self.name()),
                default: self.flag().then(|| self.flag()),
            },
            5 => Op::SetAttrList { p: self.publ(), targets: self.targets(), mask: self.mask() },
            6 => Op::DeleteAttrList { p: self.publ(), targets: self.targets() },
            7 => {
                let (p, s) = self.pair();
                let mask = self.chance(5).then(|| self.mask());
                let until = self.chance(5).then(|| 1 + self.take(6) % 59);
                Op::Subscribe { s, p, mask, until }
            }
            8 => {
                let (p, s) = self.pair();
                Op::Unsubscribe { s, p }
            }
            9 => {
                let (p, r) = self.pair();
                Op::Get { r, p, mask: self.flag().then(|| self.mask()) }
            }
            10 => {
                let p = self.publ();
                let mut values = [0u8; 7];
                for v in values.iter_mut() {
                    *v = [1, 2, 0][self.pick(&[3, 3, 2])];
                }
                // Extension attributes now and then.
                let ext = self.take(3);
                values[5] = if ext & 1 == 1 { values[5] } else { 0 };
                values[6] = if ext & 6 == 6 { values[6] } else { 0 };
                Op::Update { p, values }
            }
            11 => {
                let (p, r) = self.pair();
                Op::Respond { p, r, pick: self.take(2), accept: self.chance(13) }
            }
            12 => {
                let (p, u) = self.pair();
                Op::Cancel { p, u, pick: self.take(2) }
            }
            13 => {
                let (p, s) = self.pair();
                Op::Removal { s, p }
            }
            14 => Op::Expire,
            15 => Op::SetInUse { u: self.u(), block: self.flag(), in_use: self.flag() },
            16 => Op::AddEntries { u: self.u(), block: self.flag(), entries: self.entries() },
            17 => Op::RemoveEntries { u: self.u(), block: self.flag(), entries: self.entries() },
            _ => Op::RoundTrip,
        };
        (dt, op)
    }
}

fn target(kind: u8, x: U) -> AttrTarget {
    match kind % 4 {
        0 => AttrTarget::Default,
        1 => AttrTarget::ContactList(list(if x.0 == 5 { 4 } else { x.0 % 3 })),
        _ => AttrTarget::User(user(x.0, x.1)),
    }
}

fn entity(kind: u8, x: U, group: u8) -> Entity {
    let g = GroupId::from(if group == 0 { "wv:chat@x" } else { "WV:Games@X" });
    match kind % 3 {
        0 => Entity::User(user(x.0, x.1)),
        1 => Entity::Group(g),
        _ => Entity::ScreenName { group: g, name: SName::from(if x.0 % 2 == 0 { "Ace" } else { "Bo" }) },
    }
}

/// Sequences of 1 to 50 operations.
fn steps() -> impl Strategy<Value = Vec<u128>> {
    prop::collection::vec(any::<u128>(), 1..=50)
}

/// Small limits, so that every limit is reached now and then.
fn limits() -> Limits {
    Limits {
        max_contact_lists: 2,
        max_contacts_per_list: 3,
        max_user_attribute_lists: 2,
        max_reactive_records: 3,
        max_access_entries: 3,
        max_extension_attributes: 2,
        max_extension_name_len: 16,
        max_name_len: 10,
        max_id_len: 64,
    }
}

/// A requester with a reactive record at `p`, chosen by `pick`, or `fallback`.
fn picked(model: &Model, p: &UserId, fallback: UserId, pick: u8) -> UserId {
    let records = model.reactive_status(p);
    if pick < 3 && !records.is_empty() {
        records[pick as usize % records.len()].user.clone()
    } else {
        fallback
    }
}

fn kind(block: bool) -> AccessListKind {
    if block {
        AccessListKind::Block
    } else {
        AccessListKind::Grant
    }
}

static USER_IDS: std::sync::OnceLock<Vec<UserId>> = std::sync::OnceLock::new();

/// The normalised ids of the users.
fn all_users() -> &'static [UserId] {
    USER_IDS.get_or_init(|| (0..USERS as u8).map(|i| user(i, 0).normalized()).collect())
}

/// Senders of every kind (direct; through a group without and with screen names), spelt
/// unnormalised as a server might pass them.
fn senders() -> Vec<Sender> {
    let mut out = Vec::new();
    for i in 0..USERS as u8 {
        out.push(Sender::user(user(i, 1)));
        out.push(Sender::via_group(user(i, 0), "wv:chat@x", None));
        out.push(Sender::via_group(user(i, 2), "WV:CHAT@X", Some(SName::from("Ace"))));
        out.push(Sender::via_group(user(i, 0), "wv:games@x", Some(SName::from("Bo"))));
    }
    out
}

static SENDERS: std::sync::OnceLock<Vec<(Sender, Sender)>> = std::sync::OnceLock::new();

/// Every attribute a published value may have.
fn universe() -> AttrSet {
    AttrSet::all_defined().union(&attrs(0xff))
}

struct Run<'a> {
    engine: AuthEngine,
    model: Model,
    now: Timestamp,
    stats: &'a RefCell<BTreeMap<String, u64>>,
}

/// A short name for an answer or effect, for the coverage counts.
fn label<T: std::fmt::Debug>(x: &T) -> String {
    let s = format!("{x:?}");
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(2).collect::<Vec<_>>().join(" ")
}

fn fail<T>(msg: String) -> Result<T, TestCaseError> {
    Err(TestCaseError::fail(msg))
}

macro_rules! same {
    ($step:expr, $what:expr, $engine:expr, $model:expr) => {{
        let (e, m) = ($engine, $model);
        if e != m {
            return fail(format!("step {}: {} differ\nengine: {:?}\nmodel:  {:?}", $step, $what, e, m));
        }
    }};
}

impl Run<'_> {
    fn count(&self, what: String) {
        *self.stats.borrow_mut().entry(what).or_default() += 1;
    }

    /// Invariant: a delivered presence holds only attributes the watcher is authorised for now
    /// (per the model), subscribed to, and the watcher is live.
    fn check_delivery(
        &self,
        step: usize,
        p: &UserId,
        to: &UserId,
        presence: &PresenceSubList,
    ) -> Result<(), TestCaseError> {
        let auth = self.model.authorised(p, to).unwrap_or_default();
        let attrs = presence.attributes();
        if !attrs.is_subset(&auth) {
            return fail(format!("step {step}: {to} got {attrs:?} of {p}, authorised only {auth:?}"));
        }
        let watchers = self.model.watcher_list(self.now, p);
        match watchers.iter().find(|w| &w.user == to) {
            None => fail(format!("step {step}: delivery to {to}, not a watcher of {p}")),
            Some(w) if w.attributes.as_ref().is_some_and(|s| !attrs.is_subset(s)) => {
                fail(format!("step {step}: {to} got {attrs:?}, subscribed to {:?}", w.attributes))
            }
            Some(_) => Ok(()),
        }
    }

    fn check_effects(&self, step: usize, effects: &[Effect]) -> Result<(), TestCaseError> {
        for e in effects {
            if let Effect::Notify { publisher, to, presence } = e {
                self.check_delivery(step, publisher, to, presence)?;
            }
        }
        Ok(())
    }

    fn step(&mut self, i: usize, (dt, op): &Step) -> Result<(), TestCaseError> {
        self.now = self.now.add_millis(*dt as u64);
        let now = self.now;
        let (e, m) = (&mut self.engine, &mut self.model);
        let us = |x: &U| user(x.0, x.1);
        let members =
            |ms: &Vec<(U, u8)>| ms.iter().map(|(x, n)| Contact { user: us(x), nickname: nick(*n) }).collect::<Vec<_>>();
        let mut effects: Vec<Effect> = Vec::new();
        macro_rules! both {
            ($what:expr, $call:ident ( $($arg:expr),* )) => {{
                let a = e.$call($($arg),*);
                let b = m.$call($($arg),*);
                same!(i, $what, &a, &b);
                match &a {
                    Ok(r) => {
                        effects.extend(r.effects.iter().cloned());
                        self.stats.borrow_mut().entry(format!("{}: {}", $what, label(&r.outcome))).and_modify(|n| *n += 1).or_insert(1);
                    }
                    Err(x) => *self.stats.borrow_mut().entry(format!("{}: error {}", $what, label(x))).or_default() += 1,
                }
                a
            }};
        }
        match op {
            Op::CreateList { p, list: l, display: d, default, members: ms } => {
                let props = ListProperties { display_name: display(*d), default: *default };
                let _ = both!("create list", create_contact_list(now, &us(p), &list(*l), props.clone(), &members(ms)));
            }
            Op::DeleteList { p, list: l } => {
                let _ = both!("delete list", delete_contact_list(now, &us(p), &list(*l)));
            }
            Op::AddMembers { p, list: l, members: ms } => {
                let _ = both!("add members", add_members(now, &us(p), &list(*l), &members(ms)));
            }
            Op::RemoveMembers { p, list: l, users } => {
                let users: Vec<UserId> = users.iter().map(us).collect();
                let _ = both!("remove members", remove_members(now, &us(p), &list(*l), &users));
            }
            Op::SetProps { p, list: l, display: d, default } => {
                let upd = ListPropertiesUpdate { display_name: d.and_then(display), default: *default };
                let _ = both!("list properties", set_list_properties(now, &us(p), &list(*l), upd.clone()));
            }
            Op::SetAttrList { p, targets, mask } => {
                let ts: Vec<AttrTarget> = targets.iter().map(|(k, x)| target(*k, *x)).collect();
                let _ = both!("set attribute list", set_attribute_list(now, &us(p), &ts, &attrs(*mask)));
            }
            Op::DeleteAttrList { p, targets } => {
                let ts: Vec<AttrTarget> = targets.iter().map(|(k, x)| target(*k, *x)).collect();
                let _ = both!("delete attribute list", delete_attribute_list(now, &us(p), &ts));
            }
            Op::Subscribe { s, p, mask, until } => {
                let a = mask.map(attrs);
                let until = until.map(|d| now.add_millis(d as u64 - 1));
                let r = both!("subscribe", subscribe(now, &us(s), &us(p), a.as_ref(), until));
                if let Ok(Response { outcome: SubscribeOutcome::Subscribed { initial }, .. }) = &r {
                    let (s, p) = (us(s).normalized(), us(p).normalized());
                    self.check_delivery(i, &p, &s, initial)?;
                }
            }
            Op::Unsubscribe { s, p } => {
                let _ = both!("unsubscribe", unsubscribe(now, &us(s), &us(p)));
            }
            Op::Get { r, p, mask } => {
                let a = mask.map(attrs);
                let res = both!("get", get_presence(now, &us(r), &us(p), a.as_ref()));
                if let Ok(Response { outcome: GetOutcome::Presence(got), .. }) = &res {
                    let (r, p) = (us(r).normalized(), us(p).normalized());
                    let wanted = a.filter(|x| !x.is_empty()).unwrap_or_else(universe);
                    let allowed = if r == p {
                        wanted
                    } else {
                        self.model.authorised(&p, &r).unwrap_or_default().intersection(&wanted)
                    };
                    if !got.attributes().is_subset(&allowed) {
                        return fail(format!(
                            "step {i}: get by {r} of {p} returned {:?}, allowed {allowed:?}",
                            got.attributes()
                        ));
                    }
                }
            }
            Op::Update { p, values } => {
                let upd = presence(*values);
                let a = e.update_presence(now, &us(p), &upd);
                let b = m.update_presence(now, &us(p), &upd);
                let a2 = a.as_ref().map(|r| {
                    let mut sent: Vec<(UserId, PresenceSubList)> =
                        r.outcome.notifications().map(|(to, v)| (to.clone(), v.clone())).collect();
                    sent.sort_by(|x, y| x.0.cmp(&y.0));
                    Response { outcome: (r.outcome.changed.clone(), sent), effects: r.effects.clone() }
                });
                let a2 = a2.map_err(Clone::clone);
                same!(i, "update", &a2, &b);
                if let Ok(r) = a2 {
                    effects.extend(r.effects);
                    let p = us(p).normalized();
                    let (changed, sent) = r.outcome;
                    self.count(format!("update: {} deliveries", sent.len().min(3)));
                    for (to, v) in &sent {
                        self.check_delivery(i, &p, to, v)?;
                        if !v.attributes().is_subset(&changed) {
                            return fail(format!("step {i}: {to} got unchanged attributes"));
                        }
                        if v.attributes().is_empty() {
                            return fail(format!("step {i}: empty notification to {to}"));
                        }
                    }
                    // Views are shared: every view must be used and distinct.
                    let up = a.unwrap().outcome;
                    for (vi, v) in up.views.iter().enumerate() {
                        if !up.deliveries.iter().any(|d| d.view == vi) || up.views[..vi].contains(v) {
                            return fail(format!("step {i}: view {vi} unused or duplicated"));
                        }
                    }
                }
            }
            Op::Respond { p, r, pick, accept } => {
                let r = picked(m, &us(p), us(r), *pick);
                let _ = both!("respond", respond_authorisation(now, &us(p), &r, *accept));
            }
            Op::Cancel { p, u, pick } => {
                let u = picked(m, &us(p), us(u), *pick);
                let _ = both!("cancel", cancel_authorisation(now, &us(p), &u));
            }
            Op::Removal { s, p } => {
                let _ = both!("removal", request_removal(now, &us(s), &us(p)));
            }
            Op::Expire => {
                let a = e.expire(now);
                let b = m.expire(now);
                same!(i, "expire", &a, &b);
                effects.extend(a);
            }
            Op::SetInUse { u, block, in_use } => {
                let a = e.set_access_list_in_use(&us(u), kind(*block), *in_use);
                let b = m.set_in_use(&us(u), kind(*block), *in_use);
                same!(i, "set in use", &a, &b);
            }
            Op::AddEntries { u, block, entries } => {
                let es: Vec<Entity> = entries.iter().map(|(k, x, g)| entity(*k, *x, *g)).collect();
                let a = e.add_access_entries(&us(u), kind(*block), &es);
                let b = m.add_entries(&us(u), kind(*block), &es);
                same!(i, "add entries", &a, &b);
            }
            Op::RemoveEntries { u, block, entries } => {
                let es: Vec<Entity> = entries.iter().map(|(k, x, g)| entity(*k, *x, *g)).collect();
                let a = e.remove_access_entries(&us(u), kind(*block), &es);
                let b = m.remove_entries(&us(u), kind(*block), &es);
                same!(i, "remove entries", &a, &b);
            }
            Op::RoundTrip => {
                let json = serde_json::to_string(&*e).map_err(|x| TestCaseError::fail(x.to_string()))?;
                let back: AuthEngine = serde_json::from_str(&json).map_err(|x| TestCaseError::fail(x.to_string()))?;
                same!(i, "serde round trip", &back, &*e);
                *e = back;
            }
        }
        for fx in &effects {
            self.count(format!(
                "effect {}",
                match fx {
                    Effect::SubscriptionEnded { reason, .. } => format!("SubscriptionEnded {reason:?}"),
                    other => label(other),
                }
            ));
        }
        self.check_effects(i, &effects)?;
        // Every step compares the watcher lists of every publisher (expiry touches them all),
        // the next deadline, and everything observable of the one user the operation concerns:
        // an operation changes the lists, authorisations and reactive records of its publisher
        // only, and block and grant lists of its user only. A serde round trip, and the end of
        // every sequence, compare everything.
        let touched = match op {
            Op::CreateList { p, .. }
            | Op::DeleteList { p, .. }
            | Op::AddMembers { p, .. }
            | Op::RemoveMembers { p, .. }
            | Op::SetProps { p, .. }
            | Op::SetAttrList { p, .. }
            | Op::DeleteAttrList { p, .. }
            | Op::Subscribe { p, .. }
            | Op::Unsubscribe { p, .. }
            | Op::Get { p, .. }
            | Op::Update { p, .. }
            | Op::Respond { p, .. }
            | Op::Cancel { p, .. }
            | Op::Removal { p, .. } => Scope::Presence(user(p.0, 0).normalized()),
            Op::SetInUse { u, .. } | Op::AddEntries { u, .. } | Op::RemoveEntries { u, .. } => {
                Scope::Messaging(user(u.0, 0).normalized())
            }
            Op::Expire => Scope::Watchers,
            Op::RoundTrip => Scope::All,
        };
        self.compare(i, touched)
    }

    /// Every observable of the engine equals the model's, and the invariants hold.
    fn compare(&self, i: usize, scope: Scope) -> Result<(), TestCaseError> {
        let (e, m, now) = (&self.engine, &self.model, self.now);
        self.count(format!("watchers of u0: {}", e.watcher_list(now, &user(0, 0)).len()));
        if let Err(msg) = e.check_invariants() {
            return fail(format!("step {i}: engine invariant: {msg}"));
        }
        same!(i, "next deadline", e.next_deadline(), m.next_deadline());
        let users = all_users();
        for p in users {
            // The watcher list equals the set of live subscriptions.
            same!(i, format!("watcher list of {p}"), e.watcher_list(now, p), m.watcher_list(now, p));
            let (presence, messaging) = match &scope {
                Scope::All => (true, true),
                Scope::Presence(u) => (u == p, false),
                Scope::Messaging(u) => (false, u == p),
                Scope::Watchers => (false, false),
            };
            if presence {
                self.compare_presence(i, p)?;
            }
            // Messaging: the decision matches, and a blocked sender is never let through.
            for (s, normalised) in SENDERS
                .get_or_init(|| senders().into_iter().map(|s| (s.clone(), s.normalized())).collect())
                .iter()
                .filter(|_| messaging)
            {
                let allowed = e.may_message(p, s);
                same!(i, format!("may_message({p}, {s:?})"), allowed, m.may_message(p, s));
                if allowed && m.blocked(p, normalised) {
                    return fail(format!("step {i}: blocked sender {s:?} allowed to message {p}"));
                }
            }
        }
        Ok(())
    }

    /// Everything observable about publisher `p`.
    fn compare_presence(&self, i: usize, p: &UserId) -> Result<(), TestCaseError> {
        let (e, m, now) = (&self.engine, &self.model, self.now);
        let users = all_users();
        {
            same!(i, format!("reactive status of {p}"), e.reactive_status(p, None), m.reactive_status(p));
            let ids = e.contact_list_ids(p);
            same!(i, format!("contact lists of {p}"), ids.clone(), m.contact_list_ids(p));
            for id in &ids.0 {
                same!(i, format!("contact list {id} of {p}"), e.contact_list(p, id).cloned(), m.contact_list(p, id));
            }
            same!(i, format!("attribute lists of {p}"), e.attribute_lists(p), m.attribute_lists(p));
            for t in [AttrTarget::Default, AttrTarget::User(users[i % USERS].clone())] {
                same!(
                    i,
                    format!("attribute list {t:?} of {p}"),
                    e.attribute_list(p, &t).cloned(),
                    m.attribute_list(p, &t)
                );
            }
            for s in users {
                same!(
                    i,
                    format!("authorisation of {s} at {p}"),
                    e.authorised_attributes(p, s),
                    m.authorised_attributes(p, s)
                );
            }
            for w in e.watcher_list(now, p) {
                if e.authorised_attributes(p, &w.user).is_none() {
                    return fail(format!("step {i}: watcher {} of {p} not authorised", w.user));
                }
            }
        }
        Ok(())
    }
}

/// What a step may have changed, hence what to compare after it.
enum Scope {
    /// Presence state of this publisher.
    Presence(UserId),
    /// Block and grant lists of this user.
    Messaging(UserId),
    /// Only what time changes.
    Watchers,
    /// Everything.
    All,
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

#[test]
fn engine_matches_reference_model() {
    let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    let started = std::time::Instant::now();
    let stats = RefCell::new(BTreeMap::new());
    let result = runner.run(&steps(), |words| {
        let steps: Vec<Step> = words.into_iter().map(|w| Bits(w).step()).collect();
        let mut run = Run {
            engine: AuthEngine::with_limits(limits()),
            model: Model::new(limits()),
            now: Timestamp(1_000),
            stats: &stats,
        };
        let shown =
            |e: TestCaseError, upto: usize| TestCaseError::fail(format!("{e}\noperations: {:#?}", &steps[..upto]));
        for (i, step) in steps.iter().enumerate() {
            run.step(i, step).map_err(|e| shown(e, i + 1))?;
        }
        run.compare(steps.len(), Scope::All).map_err(|e| shown(e, steps.len()))
    });
    eprintln!("model test: {} sequences in {:?}", cases(), started.elapsed());
    if let Err(e) = result {
        panic!("{e}");
    }
    let stats = stats.into_inner();
    for (what, n) in &stats {
        eprintln!("{n:>9}  {what}");
    }
    // The generator must reach every interesting situation, or agreement proves little.
    if cases() >= 1000 {
        for needed in [
            "subscribe: Subscribed initial",
            "subscribe: PendingAuthorisation",
            "subscribe: Denied",
            "get: Presence PresenceSubList",
            "get: PendingAuthorisation",
            "get: Denied",
            "update: 1 deliveries",
            "update: 3 deliveries",
            "effect Notify publisher",
            "effect AuthorisationRequest publisher",
            "effect AuthorisationRemoved publisher",
            "effect SubscriptionEnded Expired",
            "effect SubscriptionEnded AuthorisationWithdrawn",
            "effect SubscriptionEnded AuthorisationDenied",
            "effect SubscriptionEnded RemovalRequested",
            "create list: error TooManyContactLists",
            "add members: error TooManyContacts",
            "set attribute list: error TooManyAttributeLists",
            "subscribe: error TooManyAuthorisationRecords",
            "cancel: Cancelled",
        ] {
            assert!(stats.contains_key(needed), "no sequence reached {needed:?}");
        }
    }
}

/// The reference model's own sanity, so that agreement means something: a hand-checked run.
#[test]
fn reference_model_basics() {
    let mut m = Model::new(Limits::default());
    let now = Timestamp(0);
    let (a, b) = (UserId::from("wv:a"), UserId::from("wv:b"));
    let r = m.subscribe(now, &b, &a, None, None).unwrap();
    assert_eq!(r.outcome, SubscribeOutcome::PendingAuthorisation);
    m.respond_authorisation(now, &a, &b, true).unwrap();
    assert_eq!(m.watcher_list(now, &a).len(), 1);
    assert_eq!(m.authorised(&a, &b), Some(AttrSet::new()), "granted the (absent) default list");
    let _ = AttrSet::all_defined_and(&PresenceSubList::default());
    assert_eq!(Error::SelfSubscription, m.subscribe(now, &a, &a, None, None).unwrap_err());
}
