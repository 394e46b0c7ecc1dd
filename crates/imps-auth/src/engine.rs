//! The engine: every operation of seed 3.2-3.4 and 4.3.

use std::collections::{BTreeMap, BTreeSet};

use imps_csp::ids::{ContactListId, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};
use serde::{Deserialize, Serialize};

use crate::access::{AccessListKind, AccessLists, Entity, Sender};
use crate::publisher::PublisherState;
use crate::types::{
    AttrTarget, AttributeLists, CancelOutcome, Contact, ContactList, Effect, EndReason, GetOutcome, ListProperties,
    ListPropertiesUpdate, PendingSubscription, PresenceUpdate, ReactiveAuthStatus, ReactiveRecord, ReactiveState,
    Response, SubscribeOutcome, UnsubscribeOutcome, WatcherInfo,
};
use crate::watchers::Watcher;
use crate::{Error, Limits, Timestamp};

/// Deadline index entry: `(until, publisher, subscriber)`. A (publisher, subscriber) pair has
/// at most one live or pending subscription, so the entry is unique.
type Deadline = (Timestamp, UserId, UserId);

/// The presence authorisation engine (seed sections 3.2-3.4) and messaging access control
/// (seed 4.3). Pure data: no I/O, no clock, no callbacks; serde-serialisable.
///
/// # Identity and sharding
/// Every user, contact list and group id is normalised ([`UserId::normalized`]) on the way
/// in; state is keyed by the normalised id. The **normalised publisher id is the sharding
/// key**: each operation concerns exactly one publisher (or, for messaging access control,
/// one recipient), so users can be spread over several engines by that id. The engine keeps
/// no user directory: whether a user exists is the server's business (it answers 531 before
/// calling the engine); the engine refuses with 531 only ids that cannot name a user.
///
/// # Time
/// Operations that change presence state take `now`. Each first checks its request (a refused
/// request changes nothing), then **ends every subscription whose end time is at or before
/// `now`** (live or pending; `until` is exclusive) and reports those ends as
/// [`EndReason::Expired`] effects ahead of its own, then does its work. [`expire`] does only
/// the first step; call it at [`next_deadline`] so ends are reported on time.
///
/// [`expire`]: AuthEngine::expire
/// [`next_deadline`]: AuthEngine::next_deadline
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AuthEngine {
    limits: Limits,
    publishers: BTreeMap<UserId, PublisherState>,
    access: BTreeMap<UserId, AccessLists>,
    deadlines: BTreeSet<Deadline>,
}

fn no_effects<T>(outcome: T) -> Response<T> {
    Response { outcome, effects: Vec::new() }
}

/// "No specific attributes" (seed 3.3.3): an absent or empty attribute set.
fn requested(attrs: Option<&AttrSet>) -> Option<AttrSet> {
    attrs.filter(|a| !a.is_empty()).cloned()
}

/// Whether the text after the `wv:` scheme of a normalised id can name something.
fn id_ok(normalised: &str, max: usize) -> bool {
    let rest = &normalised[3..];
    !rest.is_empty() && !rest.starts_with('@') && normalised.len() <= max
}

// ---- state helpers: keep the watcher table, the pending subscriptions and the deadline index
// in step. They take the publisher's state and the index separately (disjoint borrows).

fn remove_watcher(ps: &mut PublisherState, dl: &mut BTreeSet<Deadline>, p: &UserId, s: &UserId) -> bool {
    match ps.watchers.remove(s) {
        Some(w) => {
            if let Some(t) = w.until {
                dl.remove(&(t, p.clone(), s.clone()));
            }
            true
        }
        None => false,
    }
}

fn insert_watcher(ps: &mut PublisherState, dl: &mut BTreeSet<Deadline>, p: &UserId, w: Watcher) {
    let key = w.until.map(|t| (t, p.clone(), w.user.clone()));
    if let Some(old) = ps.watchers.upsert(w) {
        if let Some(t) = old.until {
            dl.remove(&(t, p.clone(), old.user));
        }
    }
    if let Some(k) = key {
        dl.insert(k);
    }
}

fn take_pending(
    ps: &mut PublisherState,
    dl: &mut BTreeSet<Deadline>,
    p: &UserId,
    s: &UserId,
) -> Option<PendingSubscription> {
    let pending = ps.reactive.get_mut(s)?.pending_subscription.take()?;
    if let Some(t) = pending.until {
        dl.remove(&(t, p.clone(), s.clone()));
    }
    Some(pending)
}

fn set_pending(
    ps: &mut PublisherState,
    dl: &mut BTreeSet<Deadline>,
    p: &UserId,
    s: &UserId,
    pending: PendingSubscription,
) {
    take_pending(ps, dl, p, s);
    if let Some(t) = pending.until {
        dl.insert((t, p.clone(), s.clone()));
    }
    if let Some(r) = ps.reactive.get_mut(s) {
        r.pending_subscription = Some(pending);
    }
}

/// Recomputes the cached authorisation of each watcher among `users`; a watcher left with no
/// authorisation at all loses its subscription (seed 3.3.5: withdrawal takes effect at once).
fn refresh<'a>(
    ps: &mut PublisherState,
    dl: &mut BTreeSet<Deadline>,
    p: &UserId,
    users: impl IntoIterator<Item = &'a UserId>,
    fx: &mut Vec<Effect>,
) {
    for u in users {
        if ps.watchers.get(u).is_none() {
            continue;
        }
        match ps.authorisation(u) {
            Some(a) => ps.watchers.set_authorised(u, a),
            None => {
                remove_watcher(ps, dl, p, u);
                fx.push(Effect::SubscriptionEnded {
                    publisher: p.clone(),
                    subscriber: u.clone(),
                    reason: EndReason::AuthorisationWithdrawn,
                });
            }
        }
    }
}

fn refresh_all(ps: &mut PublisherState, dl: &mut BTreeSet<Deadline>, p: &UserId, fx: &mut Vec<Effect>) {
    let users: Vec<UserId> = ps.watchers.users().cloned().collect();
    refresh(ps, dl, p, &users, fx);
}

impl AuthEngine {
    /// An empty engine with the default [`Limits`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty engine with these limits.
    pub fn with_limits(limits: Limits) -> Self {
        AuthEngine { limits, ..Self::default() }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    // ---- checks (no state change) ----

    fn user(&self, u: &UserId) -> Result<UserId, Error> {
        let n = u.normalized();
        if id_ok(n.as_str(), self.limits.max_id_len) {
            Ok(n)
        } else {
            Err(Error::UnknownUser(u.clone()))
        }
    }

    fn list_id(&self, id: &ContactListId) -> Result<ContactListId, Error> {
        let n = id.normalized();
        if id_ok(n.as_str(), self.limits.max_id_len) {
            Ok(n)
        } else {
            Err(Error::InvalidContactListId(id.clone()))
        }
    }

    fn check_ext_names<'a>(&self, names: impl Iterator<Item = &'a str>) -> Result<(), Error> {
        let mut count = 0;
        for n in names {
            count += 1;
            if n.is_empty() || n.len() > self.limits.max_extension_name_len {
                return Err(Error::InvalidAttribute(n.to_owned()));
            }
            if count > self.limits.max_extension_attributes {
                return Err(Error::InvalidAttribute(n.to_owned()));
            }
        }
        Ok(())
    }

    fn attrs(&self, a: &AttrSet) -> Result<(), Error> {
        self.check_ext_names(a.extensions())
    }

    fn state(&self, p: &UserId) -> Option<&PublisherState> {
        self.publishers.get(p)
    }

    fn list_exists(&self, p: &UserId, id: &ContactListId) -> bool {
        self.state(p).is_some_and(|s| s.contact_lists.contains_key(id))
    }

    /// A new reactive record for `r` would exceed the limit.
    fn reactive_full(&self, p: &UserId, r: &UserId) -> bool {
        self.state(p).is_some_and(|s| {
            s.authorisation(r).is_none()
                && !s.reactive.contains_key(r)
                && s.reactive.len() >= self.limits.max_reactive_records
        })
    }

    /// The expiry step of every state-changing operation, then the publisher's state (created
    /// when first needed).
    fn begin(&mut self, now: Timestamp) -> Vec<Effect> {
        self.expire(now)
    }

    fn split(&mut self, p: &UserId) -> (&mut PublisherState, &mut BTreeSet<Deadline>) {
        (self.publishers.entry(p.clone()).or_default(), &mut self.deadlines)
    }

    // ---- time ----

    /// Ends every live or pending subscription whose end time is at or before `now`, in
    /// order of (end time, publisher, subscriber), and reports each as
    /// [`EndReason::Expired`].
    pub fn expire(&mut self, now: Timestamp) -> Vec<Effect> {
        let mut fx = Vec::new();
        while self.deadlines.first().is_some_and(|d| d.0 <= now) {
            let Some((t, p, s)) = self.deadlines.pop_first() else { break };
            if let Some(ps) = self.publishers.get_mut(&p) {
                if ps.watchers.get(&s).is_some_and(|w| w.until == Some(t)) {
                    ps.watchers.remove(&s);
                } else if let Some(r) = ps.reactive.get_mut(&s) {
                    r.pending_subscription = None;
                }
            }
            fx.push(Effect::SubscriptionEnded { publisher: p, subscriber: s, reason: EndReason::Expired });
        }
        fx
    }

    /// The earliest end time of a live or pending subscription: when to call
    /// [`expire`](Self::expire) next.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        self.deadlines.first().map(|d| d.0)
    }

    // ---- contact lists (seed 3.2) ----

    /// `CreateList-Request`: creates contact list `id` of `publisher` with properties and
    /// initial members (duplicates collapse, the last nickname wins). The members become
    /// proactively authorised through it (seed 3.3.2).
    pub fn create_contact_list(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        id: &ContactListId,
        properties: ListProperties,
        members: &[Contact],
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let id = self.list_id(id)?;
        let mut map = BTreeMap::new();
        for c in members {
            map.insert(self.user(&c.user)?, c.nickname.clone());
        }
        if properties.display_name.as_ref().is_some_and(|n| n.len() > self.limits.max_name_len) {
            return Err(Error::InvalidContactListProperty("DisplayName too long"));
        }
        if members.iter().any(|c| c.nickname.as_ref().is_some_and(|n| n.len() > self.limits.max_name_len)) {
            return Err(Error::InvalidUserProperty("NickName too long"));
        }
        if self.list_exists(&p, &id) {
            return Err(Error::ContactListExists(id));
        }
        if self.state(&p).map_or(0, |s| s.contact_lists.len()) >= self.limits.max_contact_lists {
            return Err(Error::TooManyContactLists);
        }
        if map.len() > self.limits.max_contacts_per_list {
            return Err(Error::TooManyContacts);
        }
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        if properties.default {
            ps.contact_lists.values_mut().for_each(|l| l.default = false);
        }
        let users: Vec<UserId> = map.keys().cloned().collect();
        ps.contact_lists.insert(
            id,
            ContactList {
                display_name: properties.display_name,
                default: properties.default,
                members: map,
                attributes: None,
            },
        );
        refresh(ps, dl, &p, &users, &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    /// `DeleteList-Request`: deletes the list and its attribute list; its members lose what it
    /// authorised at once (seed 3.3.5), and watchers left with no authorisation are dropped.
    pub fn delete_contact_list(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        id: &ContactListId,
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let id = self.list_id(id)?;
        if !self.list_exists(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        let users = ps.members_of(&id);
        ps.contact_lists.remove(&id);
        refresh(ps, dl, &p, &users, &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    /// `ListManage-Request` with `AddNickList`: adds members (or changes the nickname of
    /// existing ones).
    pub fn add_members(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        id: &ContactListId,
        members: &[Contact],
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let id = self.list_id(id)?;
        let mut add = BTreeMap::new();
        for c in members {
            add.insert(self.user(&c.user)?, c.nickname.clone());
        }
        if members.iter().any(|c| c.nickname.as_ref().is_some_and(|n| n.len() > self.limits.max_name_len)) {
            return Err(Error::InvalidUserProperty("NickName too long"));
        }
        let Some(list) = self.state(&p).and_then(|s| s.contact_lists.get(&id)) else {
            return Err(Error::ContactListNotFound(id));
        };
        let new = add.keys().filter(|u| !list.members.contains_key(*u)).count();
        if list.members.len() + new > self.limits.max_contacts_per_list {
            return Err(Error::TooManyContacts);
        }
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        let users: Vec<UserId> = add.keys().cloned().collect();
        if let Some(list) = ps.contact_lists.get_mut(&id) {
            list.members.extend(add);
        }
        refresh(ps, dl, &p, &users, &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    /// `ListManage-Request` with `RemoveNickList`: removes members (ids not on the list are
    /// ignored). Removal withdraws what the list authorised (seed 3.3.5).
    pub fn remove_members(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        id: &ContactListId,
        users: &[UserId],
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let id = self.list_id(id)?;
        let users = users.iter().map(|u| self.user(u)).collect::<Result<BTreeSet<_>, _>>()?;
        if !self.list_exists(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        if let Some(list) = ps.contact_lists.get_mut(&id) {
            for u in &users {
                list.members.remove(u);
            }
        }
        refresh(ps, dl, &p, &users, &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    /// `ListManage-Request` with `ContactListProperties`: changes the display name and/or the
    /// default flag (making a list the default clears the flag on the others).
    pub fn set_list_properties(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        id: &ContactListId,
        update: ListPropertiesUpdate,
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let id = self.list_id(id)?;
        if update.display_name.as_ref().is_some_and(|n| n.len() > self.limits.max_name_len) {
            return Err(Error::InvalidContactListProperty("DisplayName too long"));
        }
        if !self.list_exists(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let fx = self.begin(now);
        let (ps, _) = self.split(&p);
        if update.default == Some(true) {
            ps.contact_lists.values_mut().for_each(|l| l.default = false);
        }
        if let Some(list) = ps.contact_lists.get_mut(&id) {
            if let Some(name) = update.display_name {
                list.display_name = Some(name);
            }
            if let Some(d) = update.default {
                list.default = d;
            }
        }
        Ok(Response { outcome: (), effects: fx })
    }

    /// `GetList-Request`: the publisher's contact list ids and its default list.
    pub fn contact_list_ids(&self, publisher: &UserId) -> (Vec<ContactListId>, Option<ContactListId>) {
        let Some(ps) = self.state(&publisher.normalized()) else { return (Vec::new(), None) };
        let ids = ps.contact_lists.keys().cloned().collect();
        let default = ps.contact_lists.iter().find(|(_, l)| l.default).map(|(id, _)| id.clone());
        (ids, default)
    }

    /// `ListManage-Request` without changes: the content of a contact list (members with
    /// nicknames, properties, attached attribute list).
    pub fn contact_list(&self, publisher: &UserId, id: &ContactListId) -> Result<&ContactList, Error> {
        let id = id.normalized();
        self.state(&publisher.normalized()).and_then(|s| s.contact_lists.get(&id)).ok_or(Error::ContactListNotFound(id))
    }

    // ---- attribute lists (seed 3.3.2) ----

    /// `CreateAttributeList-Request`: creates, replaces or attaches the attribute list
    /// `attributes` for each target (the Default Public Attribute List, contact lists,
    /// individual users). An empty list is allowed: for a user, it overrides its contact lists
    /// with nothing. Takes effect at once for watchers, both ways (seed 3.3.5).
    pub fn set_attribute_list(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        targets: &[AttrTarget],
        attributes: &AttrSet,
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let targets = self.targets(targets)?;
        self.attrs(attributes)?;
        self.targets_exist(&p, &targets)?;
        let existing = self.state(&p).map(|s| &s.user_attributes);
        let new_users = targets
            .iter()
            .filter_map(|t| match t {
                AttrTarget::User(u) if !existing.is_some_and(|e| e.contains_key(u)) => Some(u),
                _ => None,
            })
            .collect::<BTreeSet<_>>()
            .len();
        if existing.map_or(0, BTreeMap::len) + new_users > self.limits.max_user_attribute_lists {
            return Err(Error::TooManyAttributeLists);
        }
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        for t in &targets {
            match t {
                AttrTarget::Default => ps.default_attributes = Some(attributes.clone()),
                AttrTarget::ContactList(id) => {
                    if let Some(l) = ps.contact_lists.get_mut(id) {
                        l.attributes = Some(attributes.clone());
                    }
                }
                AttrTarget::User(u) => {
                    ps.user_attributes.insert(u.clone(), attributes.clone());
                }
            }
        }
        Self::refresh_targets(ps, dl, &p, &targets, &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    /// `DeleteAttributeList-Request`: detaches and deletes the attribute lists of the targets
    /// (absent ones are ignored). Members of a contact list without attribute list fall back to
    /// the Default Public Attribute List (see
    /// [`PublisherState::proactive_attributes`]).
    pub fn delete_attribute_list(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        targets: &[AttrTarget],
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let targets = self.targets(targets)?;
        self.targets_exist(&p, &targets)?;
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        for t in &targets {
            match t {
                AttrTarget::Default => ps.default_attributes = None,
                AttrTarget::ContactList(id) => {
                    if let Some(l) = ps.contact_lists.get_mut(id) {
                        l.attributes = None;
                    }
                }
                AttrTarget::User(u) => {
                    ps.user_attributes.remove(u);
                }
            }
        }
        Self::refresh_targets(ps, dl, &p, &targets, &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    fn targets(&self, targets: &[AttrTarget]) -> Result<Vec<AttrTarget>, Error> {
        targets
            .iter()
            .map(|t| {
                Ok(match t {
                    AttrTarget::Default => AttrTarget::Default,
                    AttrTarget::ContactList(id) => AttrTarget::ContactList(self.list_id(id)?),
                    AttrTarget::User(u) => AttrTarget::User(self.user(u)?),
                })
            })
            .collect()
    }

    fn targets_exist(&self, p: &UserId, targets: &[AttrTarget]) -> Result<(), Error> {
        for t in targets {
            if let AttrTarget::ContactList(id) = t {
                if !self.list_exists(p, id) {
                    return Err(Error::ContactListNotFound(id.clone()));
                }
            }
        }
        Ok(())
    }

    fn refresh_targets(
        ps: &mut PublisherState,
        dl: &mut BTreeSet<Deadline>,
        p: &UserId,
        targets: &[AttrTarget],
        fx: &mut Vec<Effect>,
    ) {
        if targets.contains(&AttrTarget::Default) {
            return refresh_all(ps, dl, p, fx);
        }
        let mut users = BTreeSet::new();
        for t in targets {
            match t {
                AttrTarget::Default => {}
                AttrTarget::ContactList(id) => users.extend(ps.members_of(id)),
                AttrTarget::User(u) => {
                    users.insert(u.clone());
                }
            }
        }
        refresh(ps, dl, p, &users, fx);
    }

    /// `GetAttributeList-Request`: all of the publisher's attribute lists.
    pub fn attribute_lists(&self, publisher: &UserId) -> AttributeLists {
        self.state(&publisher.normalized()).map(PublisherState::attribute_lists).unwrap_or_default()
    }

    /// The attribute list attached to one target, if any.
    pub fn attribute_list(&self, publisher: &UserId, target: &AttrTarget) -> Option<&AttrSet> {
        let ps = self.state(&publisher.normalized())?;
        match target {
            AttrTarget::Default => ps.default_attributes.as_ref(),
            AttrTarget::ContactList(id) => ps.contact_lists.get(&id.normalized())?.attributes.as_ref(),
            AttrTarget::User(u) => ps.user_attributes.get(&u.normalized()),
        }
    }

    // ---- authorisation queries ----

    /// The attributes of `publisher` that `user` may see now, or `None` when it is not
    /// authorised at all (see [`PublisherState::authorisation`]). A user is authorised for
    /// every attribute of its own presence: this returns all defined attributes for it.
    pub fn authorised_attributes(&self, publisher: &UserId, user: &UserId) -> Option<AttrSet> {
        let (p, u) = (publisher.normalized(), user.normalized());
        if p == u {
            return Some(AttrSet::all_defined());
        }
        match self.state(&p) {
            Some(ps) => ps.authorisation(&u),
            None => None,
        }
    }

    /// `GetReactiveAuthStatus-Request` (CSP 1.2): the reactive records of the publisher,
    /// sorted by requester; with `users`, only theirs.
    pub fn reactive_status(&self, publisher: &UserId, users: Option<&[UserId]>) -> Vec<ReactiveAuthStatus> {
        let Some(ps) = self.state(&publisher.normalized()) else { return Vec::new() };
        let wanted: Option<BTreeSet<UserId>> = users.map(|us| us.iter().map(UserId::normalized).collect());
        ps.reactive
            .iter()
            .filter(|(u, _)| wanted.as_ref().is_none_or(|w| w.contains(*u)))
            .map(|(u, r)| ReactiveAuthStatus { user: u.clone(), state: r.state, attributes: r.requested.clone() })
            .collect()
    }

    /// `GetWatcherList-Request` (seed 3.3.7): who subscribes to `publisher` at `now`, sorted,
    /// with the subscribed attributes. One-shot gets never appear.
    pub fn watcher_list(&self, now: Timestamp, publisher: &UserId) -> Vec<WatcherInfo> {
        self.state(&publisher.normalized()).map(|s| s.watcher_list(now)).unwrap_or_default()
    }

    /// The state kept for a publisher, if any.
    pub fn publisher(&self, publisher: &UserId) -> Option<&PublisherState> {
        self.state(&publisher.normalized())
    }

    /// Publishers with state, sorted.
    pub fn publishers(&self) -> impl Iterator<Item = (&UserId, &PublisherState)> {
        self.publishers.iter()
    }

    // ---- delivery (seed 3.4) and reactive authorisation (seed 3.3.3) ----

    /// `SubscribePresence-Request` from `subscriber` for `publisher`'s `attributes` (`None` or
    /// empty: all attributes, now and later), optionally `until` an end time (seed 3.4.1).
    ///
    /// * Authorised (see [`PublisherState::authorisation`]): the subscriber goes on the
    ///   watcher list — replacing an earlier subscription, and superseding a pending one — and
    ///   gets the current presence it may see (`Subscribed { initial }`).
    /// * Not authorised, no reactive record: a reactive request is made (seed 3.3.3): an
    ///   [`Effect::AuthorisationRequest`] to the publisher with the named attributes, and the
    ///   subscription waits for the answer (`PendingAuthorisation`).
    /// * Not authorised, request pending: no new request; the waiting subscription is replaced
    ///   by this one.
    /// * Not authorised, denied: `Denied`, nothing asked (the denial is remembered).
    ///
    /// Subscribing to oneself is refused ([`Error::SelfSubscription`]); so is an `until` not
    /// after `now`.
    pub fn subscribe(
        &mut self,
        now: Timestamp,
        subscriber: &UserId,
        publisher: &UserId,
        attributes: Option<&AttrSet>,
        until: Option<Timestamp>,
    ) -> Result<Response<SubscribeOutcome>, Error> {
        let s = self.user(subscriber)?;
        let p = self.user(publisher)?;
        if let Some(a) = attributes {
            self.attrs(a)?;
        }
        if s == p {
            return Err(Error::SelfSubscription);
        }
        if until.is_some_and(|t| t <= now) {
            return Err(Error::InvalidDeadline);
        }
        if self.reactive_full(&p, &s) {
            return Err(Error::TooManyAuthorisationRecords);
        }
        let attributes = requested(attributes);
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        let outcome = match ps.authorisation(&s) {
            Some(auth) => {
                take_pending(ps, dl, &p, &s);
                let visible = match &attributes {
                    None => auth.clone(),
                    Some(a) => auth.intersection(a),
                };
                let initial = ps.presence.filtered(&visible);
                insert_watcher(
                    ps,
                    dl,
                    &p,
                    Watcher { user: s.clone(), subscribed: attributes, authorised: auth, until },
                );
                SubscribeOutcome::Subscribed { initial: Box::new(initial) }
            }
            None => match ps.reactive.get(&s).map(|r| r.state) {
                Some(ReactiveState::Denied) => SubscribeOutcome::Denied,
                Some(_) => {
                    set_pending(ps, dl, &p, &s, PendingSubscription { attributes, until });
                    SubscribeOutcome::PendingAuthorisation
                }
                None => {
                    ps.reactive.insert(
                        s.clone(),
                        ReactiveRecord {
                            state: ReactiveState::Pending,
                            requested: attributes.clone(),
                            pending_subscription: None,
                        },
                    );
                    set_pending(ps, dl, &p, &s, PendingSubscription { attributes: attributes.clone(), until });
                    fx.push(Effect::AuthorisationRequest { publisher: p.clone(), requester: s.clone(), attributes });
                    SubscribeOutcome::PendingAuthorisation
                }
            },
        };
        Ok(Response { outcome, effects: fx })
    }

    /// `UnsubscribePresence-Request`: ends the live or pending subscription of `subscriber` to
    /// `publisher`; nothing more is delivered on it.
    pub fn unsubscribe(
        &mut self,
        now: Timestamp,
        subscriber: &UserId,
        publisher: &UserId,
    ) -> Result<Response<UnsubscribeOutcome>, Error> {
        let s = self.user(subscriber)?;
        let p = self.user(publisher)?;
        let fx = self.begin(now);
        let Some(ps) = self.publishers.get_mut(&p) else {
            return Ok(Response { outcome: UnsubscribeOutcome::NotSubscribed, effects: fx });
        };
        let dl = &mut self.deadlines;
        let done = remove_watcher(ps, dl, &p, &s) || take_pending(ps, dl, &p, &s).is_some();
        let outcome = if done { UnsubscribeOutcome::Unsubscribed } else { UnsubscribeOutcome::NotSubscribed };
        Ok(Response { outcome, effects: fx })
    }

    /// `GetPresence-Request` (seed 3.4.2): `requester` gets `publisher`'s presence once, "as
    /// widely as the presence owner has authorised it" and restricted to `attributes` (`None`
    /// or empty: all). Never puts the requester on the watcher list.
    ///
    /// * Oneself: the whole own presence (restricted to `attributes`).
    /// * Authorised: the authorised part.
    /// * Otherwise as for [`subscribe`](Self::subscribe), without a waiting subscription: a
    ///   first get makes a reactive request (`PendingAuthorisation` plus the
    ///   [`Effect::AuthorisationRequest`]); later ones answer `PendingAuthorisation` or
    ///   `Denied`. After acceptance the requester gets again.
    pub fn get_presence(
        &mut self,
        now: Timestamp,
        requester: &UserId,
        publisher: &UserId,
        attributes: Option<&AttrSet>,
    ) -> Result<Response<GetOutcome>, Error> {
        let r = self.user(requester)?;
        let p = self.user(publisher)?;
        if let Some(a) = attributes {
            self.attrs(a)?;
        }
        if r != p && self.reactive_full(&p, &r) {
            return Err(Error::TooManyAuthorisationRecords);
        }
        let attributes = requested(attributes);
        let mut fx = self.begin(now);
        let (ps, _) = self.split(&p);
        let auth = if r == p { None } else { ps.authorisation(&r) };
        let outcome = match auth {
            _ if r == p => GetOutcome::Presence(Box::new(match &attributes {
                None => ps.presence.clone(),
                Some(a) => ps.presence.filtered(a),
            })),
            Some(auth) => GetOutcome::Presence(Box::new(ps.presence.filtered(&match &attributes {
                None => auth,
                Some(a) => auth.intersection(a),
            }))),
            None => match ps.reactive.get(&r).map(|x| x.state) {
                Some(ReactiveState::Denied) => GetOutcome::Denied,
                Some(_) => GetOutcome::PendingAuthorisation,
                None => {
                    ps.reactive.insert(
                        r.clone(),
                        ReactiveRecord {
                            state: ReactiveState::Pending,
                            requested: attributes.clone(),
                            pending_subscription: None,
                        },
                    );
                    fx.push(Effect::AuthorisationRequest { publisher: p.clone(), requester: r.clone(), attributes });
                    GetOutcome::PendingAuthorisation
                }
            },
        };
        Ok(Response { outcome, effects: fx })
    }

    /// `UpdatePresence-Request` (seed 3.4.3): applies `update` to the publisher's presence and
    /// fans the change out. Each live watcher gets the changed attributes it is authorised for
    /// and subscribed to — one delivery per watcher, none when it may see no change. Changes of
    /// authorisation never cause deliveries by themselves.
    pub fn update_presence(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        update: &PresenceSubList,
    ) -> Result<Response<PresenceUpdate>, Error> {
        let p = self.user(publisher)?;
        self.check_ext_names(update.extensions.iter().map(|e| e.name.as_str()))?;
        let mut names: BTreeSet<&str> = update.extensions.iter().map(|e| e.name.as_str()).collect();
        if let Some(ps) = self.state(&p) {
            names.extend(ps.presence.extensions.iter().map(|e| e.name.as_str()));
        }
        if names.len() > self.limits.max_extension_attributes {
            return Err(Error::InvalidAttribute("too many extension attributes".into()));
        }
        let fx = self.begin(now);
        let (ps, _) = self.split(&p);
        let changed = ps.presence.apply_update(update);
        let (views, deliveries) = ps.watchers.fan_out(&ps.presence, &changed);
        Ok(Response { outcome: PresenceUpdate { changed, views, deliveries }, effects: fx })
    }

    /// `PresenceAuth-User`: the publisher's answer to a reactive request of `requester`
    /// (seed 3.3.3; "there is no mechanism of partial authorization").
    ///
    /// * Accept: the record becomes `GRANTED` for the requested attributes (or the Default
    ///   Public Attribute List when none were named). A subscription waiting for the answer
    ///   goes live — the requester is put on the watcher list and gets its initial presence
    ///   ([`Effect::Notify`]).
    /// * Deny: the record becomes `DENIED` and is remembered; a waiting subscription is dropped
    ///   ([`EndReason::AuthorisationDenied`]); a live one that relied on an earlier grant ends
    ///   ([`EndReason::AuthorisationWithdrawn`]).
    ///
    /// The publisher may answer again later to change its mind (the request is kept); an answer
    /// without any request is refused ([`Error::NoAuthorisationRequest`]).
    pub fn respond_authorisation(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        requester: &UserId,
        accept: bool,
    ) -> Result<Response<()>, Error> {
        let p = self.user(publisher)?;
        let r = self.user(requester)?;
        if !self.state(&p).is_some_and(|s| s.reactive.contains_key(&r)) {
            return Err(Error::NoAuthorisationRequest(r));
        }
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        let record = ps.reactive.get_mut(&r).expect("checked");
        record.state = if accept { ReactiveState::Granted } else { ReactiveState::Denied };
        let pending = take_pending(ps, dl, &p, &r);
        match (accept, pending) {
            (true, Some(pending)) => {
                let auth = ps.authorisation(&r).unwrap_or_default();
                let visible = match &pending.attributes {
                    None => auth.clone(),
                    Some(a) => auth.intersection(a),
                };
                let presence = ps.presence.filtered(&visible);
                insert_watcher(
                    ps,
                    dl,
                    &p,
                    Watcher { user: r.clone(), subscribed: pending.attributes, authorised: auth, until: pending.until },
                );
                fx.push(Effect::Notify { publisher: p.clone(), to: r.clone(), presence: Box::new(presence) });
            }
            (false, Some(_)) => fx.push(Effect::SubscriptionEnded {
                publisher: p.clone(),
                subscriber: r.clone(),
                reason: EndReason::AuthorisationDenied,
            }),
            (_, None) => {}
        }
        refresh(ps, dl, &p, [&r], &mut fx);
        Ok(Response { outcome: (), effects: fx })
    }

    /// `CancelAuth-Request` (seed 3.3.5): the publisher withdraws `user`'s reactive grant (or
    /// drops its pending request). The record is forgotten, so the user may ask again; a
    /// denial is not a grant and stays. A waiting subscription is dropped and a live one that
    /// relied on the grant ends, both with [`EndReason::AuthorisationWithdrawn`].
    pub fn cancel_authorisation(
        &mut self,
        now: Timestamp,
        publisher: &UserId,
        user: &UserId,
    ) -> Result<Response<CancelOutcome>, Error> {
        let p = self.user(publisher)?;
        let u = self.user(user)?;
        let mut fx = self.begin(now);
        let Some(ps) = self.publishers.get_mut(&p) else {
            return Ok(Response { outcome: CancelOutcome::NothingToCancel, effects: fx });
        };
        let dl = &mut self.deadlines;
        if !ps.reactive.get(&u).is_some_and(|r| r.state != ReactiveState::Denied) {
            return Ok(Response { outcome: CancelOutcome::NothingToCancel, effects: fx });
        }
        if take_pending(ps, dl, &p, &u).is_some() {
            fx.push(Effect::SubscriptionEnded {
                publisher: p.clone(),
                subscriber: u.clone(),
                reason: EndReason::AuthorisationWithdrawn,
            });
        }
        ps.reactive.remove(&u);
        refresh(ps, dl, &p, [&u], &mut fx);
        Ok(Response { outcome: CancelOutcome::Cancelled, effects: fx })
    }

    /// The subscriber asks `publisher` to remove its authorisation (seed 3.3.5: "The publisher
    /// shall withdraw the authorization upon the removal request"). The engine withdraws
    /// everything that authorises `subscriber`: its memberships of the publisher's contact
    /// lists, its individual attribute list, and a reactive grant or pending request (a denial
    /// stays). Its live or waiting subscription ends ([`EndReason::RemovalRequested`]) and the
    /// publisher is told ([`Effect::AuthorisationRemoved`]).
    pub fn request_removal(
        &mut self,
        now: Timestamp,
        subscriber: &UserId,
        publisher: &UserId,
    ) -> Result<Response<()>, Error> {
        let s = self.user(subscriber)?;
        let p = self.user(publisher)?;
        let mut fx = self.begin(now);
        let (ps, dl) = self.split(&p);
        let mut lists = Vec::new();
        for (id, l) in ps.contact_lists.iter_mut() {
            if l.members.remove(&s).is_some() {
                lists.push(id.clone());
            }
        }
        let individual_list = ps.user_attributes.remove(&s).is_some();
        let waiting = take_pending(ps, dl, &p, &s).is_some();
        let reactive = ps.reactive.get(&s).is_some_and(|r| r.state != ReactiveState::Denied);
        if reactive {
            ps.reactive.remove(&s);
        }
        if remove_watcher(ps, dl, &p, &s) || waiting {
            fx.push(Effect::SubscriptionEnded {
                publisher: p.clone(),
                subscriber: s.clone(),
                reason: EndReason::RemovalRequested,
            });
        }
        fx.push(Effect::AuthorisationRemoved {
            publisher: p.clone(),
            subscriber: s.clone(),
            contact_lists: lists,
            individual_list,
            reactive,
        });
        Ok(Response { outcome: (), effects: fx })
    }

    // ---- messaging access control (seed 4.3) ----

    /// Whether `recipient` accepts a message from `sender` — one-to-one or through a group.
    /// Normalises the ids and applies [`AccessLists::allows`], the one rule.
    pub fn may_message(&self, recipient: &UserId, sender: &Sender) -> bool {
        match self.access.get(&recipient.normalized()) {
            Some(lists) => lists.allows(&sender.normalized()),
            None => true,
        }
    }

    /// A user's block and grant lists (`GetBlockedList-Request`).
    pub fn access_lists(&self, user: &UserId) -> Option<&AccessLists> {
        self.access.get(&user.normalized())
    }

    /// `BlockEntity-Request` `InUse`: switches a list on or off (entries are kept).
    pub fn set_access_list_in_use(
        &mut self,
        user: &UserId,
        kind: AccessListKind,
        in_use: bool,
    ) -> Result<Response<()>, Error> {
        let u = self.user(user)?;
        self.access.entry(u).or_default().list_mut(kind).in_use = in_use;
        Ok(no_effects(()))
    }

    /// `BlockEntity-Request` `AddList`: adds entries to a list.
    pub fn add_access_entries(
        &mut self,
        user: &UserId,
        kind: AccessListKind,
        entries: &[Entity],
    ) -> Result<Response<()>, Error> {
        let u = self.user(user)?;
        let entries = self.entities(entries)?;
        let list = self.access.get(&u).map(|a| a.list(kind));
        let new = entries.iter().filter(|e| !list.is_some_and(|l| l.entries.contains(*e))).count();
        if list.map_or(0, |l| l.entries.len()) + new > self.limits.max_access_entries {
            return Err(Error::TooManyAccessEntries);
        }
        self.access.entry(u).or_default().list_mut(kind).entries.extend(entries);
        Ok(no_effects(()))
    }

    /// `BlockEntity-Request` `RemoveList`: removes entries from a list (absent ones are
    /// ignored).
    pub fn remove_access_entries(
        &mut self,
        user: &UserId,
        kind: AccessListKind,
        entries: &[Entity],
    ) -> Result<Response<()>, Error> {
        let u = self.user(user)?;
        let entries = self.entities(entries)?;
        if let Some(a) = self.access.get_mut(&u) {
            let list = a.list_mut(kind);
            for e in &entries {
                list.entries.remove(e);
            }
        }
        Ok(no_effects(()))
    }

    fn entities(&self, entries: &[Entity]) -> Result<BTreeSet<Entity>, Error> {
        entries
            .iter()
            .map(|e| {
                let n = e.normalized();
                let ok = match &n {
                    Entity::User(u) => id_ok(u.as_str(), self.limits.max_id_len),
                    Entity::Group(g) => id_ok(g.as_str(), self.limits.max_id_len),
                    Entity::ScreenName { group, name } => {
                        id_ok(group.as_str(), self.limits.max_id_len)
                            && !name.as_str().is_empty()
                            && name.as_str().len() <= self.limits.max_id_len
                    }
                };
                if ok {
                    Ok(n)
                } else {
                    Err(Error::InvalidEntity(format!("{e:?}")))
                }
            })
            .collect()
    }

    // ---- consistency ----

    /// Checks every cache against a recomputation from the rules: each watcher's cached
    /// authorisation equals [`PublisherState::authorisation`] (and exists: a live
    /// subscription implies authorisation), the watcher table is consistent, pending
    /// subscriptions only wait on pending requests, and the deadline index holds exactly the
    /// end times of live and pending subscriptions. For tests; `Err` names the first problem.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut expected = BTreeSet::new();
        for (p, ps) in &self.publishers {
            ps.watchers.check()?;
            for w in ps.watchers.iter_sorted() {
                match ps.authorisation(&w.user) {
                    Some(a) if a == w.authorised => {}
                    other => {
                        return Err(format!("{p}: watcher {} cached {:?}, rules say {:?}", w.user, w.authorised, other))
                    }
                }
                if &w.user == p {
                    return Err(format!("{p} watches itself"));
                }
                if let Some(t) = w.until {
                    expected.insert((t, p.clone(), w.user.clone()));
                }
            }
            for (u, r) in &ps.reactive {
                if let Some(pending) = &r.pending_subscription {
                    if r.state != ReactiveState::Pending {
                        return Err(format!("{p}: waiting subscription of {u} on a {:?} record", r.state));
                    }
                    if ps.watchers.get(u).is_some() {
                        return Err(format!("{p}: {u} both live and waiting"));
                    }
                    if let Some(t) = pending.until {
                        expected.insert((t, p.clone(), u.clone()));
                    }
                }
            }
        }
        if expected != self.deadlines {
            return Err(format!("deadline index {:?} != {:?}", self.deadlines, expected));
        }
        Ok(())
    }
}

impl AuthEngine {
    /// One user's publisher state and access lists, created when absent (restoring stored
    /// state, see [`StoredUser`](crate::StoredUser)). The publisher state is reset: presence,
    /// watchers and waiting subscriptions start empty and leave the deadline index, so no
    /// watcher keeps an authorisation cached from the state being replaced.
    pub(crate) fn restore_slot(&mut self, user: &UserId) -> (&mut PublisherState, &mut AccessLists) {
        self.deadlines.retain(|(_, p, _)| p != user);
        let ps = self.publishers.entry(user.clone()).or_default();
        *ps = PublisherState::default();
        (ps, self.access.entry(user.clone()).or_default())
    }
}
