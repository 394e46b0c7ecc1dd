//! The reference model: the seed's sentences (sections 3.2-3.4, 4.3) written as directly as
//! possible, with the decisions of the crate README for the cases the seed leaves open.
//!
//! Deliberately simple and slow: flat vectors of facts, linear scans, and every question
//! (who is authorised for what, who watches) recomputed from those facts each time it is
//! asked. No caches, no indexes. It shares only the input and output types with the engine.

use imps_auth::{
    AccessListKind, AttrTarget, AttributeLists, CancelOutcome, Contact, ContactList, Effect, EndReason, Entity, Error,
    GetOutcome, Limits, ListProperties, ListPropertiesUpdate, ReactiveAuthStatus, ReactiveState, Response, Sender,
    SubscribeOutcome, Timestamp, UnsubscribeOutcome, WatcherInfo,
};
use imps_csp::ids::{ContactListId, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};

/// A contact list fact.
#[derive(Clone, Debug)]
struct MList {
    owner: UserId,
    id: ContactListId,
    display_name: Option<String>,
    default: bool,
    members: Vec<(UserId, Option<String>)>,
    attributes: Option<AttrSet>,
}

/// A reactive authorisation fact.
#[derive(Clone, Debug)]
struct MReactive {
    publisher: UserId,
    requester: UserId,
    state: ReactiveState,
    requested: Option<AttrSet>,
}

/// A subscription fact: `live` ones form the watcher list; the others wait for the answer to
/// a reactive request.
#[derive(Clone, Debug)]
struct MSub {
    publisher: UserId,
    subscriber: UserId,
    attributes: Option<AttrSet>,
    until: Option<Timestamp>,
    live: bool,
}

/// Result of a presence update as the model states it: who gets which values.
pub type Fanout = Vec<(UserId, PresenceSubList)>;

#[derive(Clone, Debug, Default)]
pub struct Model {
    limits: Limits,
    lists: Vec<MList>,
    default_lists: Vec<(UserId, AttrSet)>,
    user_lists: Vec<(UserId, UserId, AttrSet)>,
    reactive: Vec<MReactive>,
    subs: Vec<MSub>,
    presence: Vec<(UserId, PresenceSubList)>,
    in_use: Vec<(UserId, AccessListKind)>,
    entries: Vec<(UserId, AccessListKind, Entity)>,
}

fn valid_id(s: &str, max: usize) -> bool {
    // Normalised ids start with "wv:"; something must follow, and not just a domain.
    let rest = &s[3..];
    !rest.is_empty() && !rest.starts_with('@') && s.len() <= max
}

fn ended(publisher: &UserId, subscriber: &UserId, reason: EndReason) -> Effect {
    Effect::SubscriptionEnded { publisher: publisher.clone(), subscriber: subscriber.clone(), reason }
}

fn ok<T>(outcome: T, effects: Vec<Effect>) -> Result<Response<T>, Error> {
    Ok(Response { outcome, effects })
}

impl Model {
    pub fn new(limits: Limits) -> Self {
        Model { limits, ..Default::default() }
    }

    // ------------------------------------------------------------------ checks

    fn user(&self, u: &UserId) -> Result<UserId, Error> {
        let n = u.normalized();
        if valid_id(n.as_str(), self.limits.max_id_len) {
            Ok(n)
        } else {
            Err(Error::UnknownUser(u.clone()))
        }
    }

    fn list_id(&self, id: &ContactListId) -> Result<ContactListId, Error> {
        let n = id.normalized();
        if valid_id(n.as_str(), self.limits.max_id_len) {
            Ok(n)
        } else {
            Err(Error::InvalidContactListId(id.clone()))
        }
    }

    fn ext_names_ok(&self, names: &[String]) -> Result<(), Error> {
        for (i, n) in names.iter().enumerate() {
            if n.is_empty() || n.len() > self.limits.max_extension_name_len || i >= self.limits.max_extension_attributes
            {
                return Err(Error::InvalidAttribute(n.clone()));
            }
        }
        Ok(())
    }

    fn attrs_ok(&self, a: &AttrSet) -> Result<(), Error> {
        self.ext_names_ok(&a.extensions().map(str::to_owned).collect::<Vec<_>>())
    }

    fn name_too_long(&self, n: &Option<String>) -> bool {
        n.as_ref().is_some_and(|n| n.len() > self.limits.max_name_len)
    }

    fn has_list(&self, p: &UserId, id: &ContactListId) -> bool {
        self.lists.iter().any(|l| &l.owner == p && &l.id == id)
    }

    fn list_mut(&mut self, p: &UserId, id: &ContactListId) -> &mut MList {
        self.lists.iter_mut().find(|l| &l.owner == p && &l.id == id).unwrap()
    }

    // ------------------------------------------------------------------ the rules

    fn default_list(&self, p: &UserId) -> Option<AttrSet> {
        self.default_lists.iter().find(|(o, _)| o == p).map(|(_, a)| a.clone())
    }

    fn user_list(&self, p: &UserId, u: &UserId) -> Option<AttrSet> {
        self.user_lists.iter().find(|(o, x, _)| o == p && x == u).map(|(_, _, a)| a.clone())
    }

    fn record(&self, p: &UserId, r: &UserId) -> Option<&MReactive> {
        self.reactive.iter().find(|x| &x.publisher == p && &x.requester == r)
    }

    /// Seed 3.3.2: the individual attribute list overrides; otherwise the combination of
    /// the attribute lists of every contact list the user is on (a list without one: the
    /// Default Public Attribute List).
    fn proactive(&self, p: &UserId, u: &UserId) -> AttrSet {
        if let Some(a) = self.user_list(p, u) {
            return a;
        }
        let mut all = AttrSet::new();
        for l in &self.lists {
            if &l.owner == p && l.members.iter().any(|(m, _)| m == u) {
                let a = l.attributes.clone().or_else(|| self.default_list(p)).unwrap_or_default();
                all = all.union(&a);
            }
        }
        all
    }

    /// Seed 3.3.6: proactive first (when it authorises something); otherwise an accepted
    /// reactive request: the requested attributes, or the default list; otherwise nothing.
    pub fn authorised(&self, p: &UserId, u: &UserId) -> Option<AttrSet> {
        let pro = self.proactive(p, u);
        if !pro.is_empty() {
            return Some(pro);
        }
        match self.record(p, u) {
            Some(r) if r.state == ReactiveState::Granted => {
                Some(r.requested.clone().or_else(|| self.default_list(p)).unwrap_or_default())
            }
            _ => None,
        }
    }

    fn presence_of(&self, p: &UserId) -> PresenceSubList {
        self.presence.iter().find(|(o, _)| o == p).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn sub(&self, p: &UserId, s: &UserId) -> Option<&MSub> {
        self.subs.iter().find(|x| &x.publisher == p && &x.subscriber == s)
    }

    fn drop_sub(&mut self, p: &UserId, s: &UserId) -> Option<MSub> {
        let i = self.subs.iter().position(|x| &x.publisher == p && &x.subscriber == s)?;
        Some(self.subs.remove(i))
    }

    /// What a subscriber may see of a set of attributes.
    fn visible(&self, sub: &MSub, of: &AttrSet) -> AttrSet {
        let auth = self.authorised(&sub.publisher, &sub.subscriber).unwrap_or_default();
        let v = of.intersection(&auth);
        match &sub.attributes {
            Some(a) => v.intersection(a),
            None => v,
        }
    }

    /// Seed 3.3.5: withdrawal takes effect at once — live subscriptions of users no longer
    /// authorised end (in subscriber order).
    fn sweep(&mut self, p: &UserId, fx: &mut Vec<Effect>) {
        let mut gone: Vec<UserId> = self
            .subs
            .iter()
            .filter(|x| &x.publisher == p && x.live && self.authorised(p, &x.subscriber).is_none())
            .map(|x| x.subscriber.clone())
            .collect();
        gone.sort();
        for s in gone {
            self.drop_sub(p, &s);
            fx.push(ended(p, &s, EndReason::AuthorisationWithdrawn));
        }
    }

    // ------------------------------------------------------------------ time

    pub fn expire(&mut self, now: Timestamp) -> Vec<Effect> {
        let mut due: Vec<(Timestamp, UserId, UserId)> = self
            .subs
            .iter()
            .filter_map(|x| x.until.filter(|t| *t <= now).map(|t| (t, x.publisher.clone(), x.subscriber.clone())))
            .collect();
        due.sort();
        self.subs.retain(|x| x.until.is_none_or(|t| t > now));
        due.into_iter().map(|(_, p, s)| ended(&p, &s, EndReason::Expired)).collect()
    }

    pub fn next_deadline(&self) -> Option<Timestamp> {
        self.subs.iter().filter_map(|x| x.until).min()
    }

    // ------------------------------------------------------------------ contact lists

    pub fn create_contact_list(
        &mut self,
        now: Timestamp,
        p: &UserId,
        id: &ContactListId,
        props: ListProperties,
        members: &[Contact],
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let id = self.list_id(id)?;
        let mut ms: Vec<(UserId, Option<String>)> = Vec::new();
        for c in members {
            let u = self.user(&c.user)?;
            ms.retain(|(x, _)| x != &u);
            ms.push((u, c.nickname.clone()));
        }
        if self.name_too_long(&props.display_name) {
            return Err(Error::InvalidContactListProperty("DisplayName too long"));
        }
        if members.iter().any(|c| self.name_too_long(&c.nickname)) {
            return Err(Error::InvalidUserProperty("NickName too long"));
        }
        if self.has_list(&p, &id) {
            return Err(Error::ContactListExists(id));
        }
        if self.lists.iter().filter(|l| l.owner == p).count() >= self.limits.max_contact_lists {
            return Err(Error::TooManyContactLists);
        }
        if ms.len() > self.limits.max_contacts_per_list {
            return Err(Error::TooManyContacts);
        }
        let mut fx = self.expire(now);
        if props.default {
            self.lists.iter_mut().filter(|l| l.owner == p).for_each(|l| l.default = false);
        }
        self.lists.push(MList {
            owner: p.clone(),
            id,
            display_name: props.display_name,
            default: props.default,
            members: ms,
            attributes: None,
        });
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn delete_contact_list(
        &mut self,
        now: Timestamp,
        p: &UserId,
        id: &ContactListId,
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let id = self.list_id(id)?;
        if !self.has_list(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let mut fx = self.expire(now);
        self.lists.retain(|l| !(l.owner == p && l.id == id));
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn add_members(
        &mut self,
        now: Timestamp,
        p: &UserId,
        id: &ContactListId,
        members: &[Contact],
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let id = self.list_id(id)?;
        let mut ms: Vec<(UserId, Option<String>)> = Vec::new();
        for c in members {
            ms.push((self.user(&c.user)?, c.nickname.clone()));
        }
        if members.iter().any(|c| self.name_too_long(&c.nickname)) {
            return Err(Error::InvalidUserProperty("NickName too long"));
        }
        if !self.has_list(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let mut after: Vec<UserId> = self.list_mut(&p, &id).members.iter().map(|(u, _)| u.clone()).collect();
        for (u, _) in &ms {
            if !after.contains(u) {
                after.push(u.clone());
            }
        }
        if after.len() > self.limits.max_contacts_per_list {
            return Err(Error::TooManyContacts);
        }
        let mut fx = self.expire(now);
        let list = self.list_mut(&p, &id);
        for (u, nick) in ms {
            list.members.retain(|(x, _)| x != &u);
            list.members.push((u, nick));
        }
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn remove_members(
        &mut self,
        now: Timestamp,
        p: &UserId,
        id: &ContactListId,
        users: &[UserId],
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let id = self.list_id(id)?;
        let mut us = Vec::new();
        for u in users {
            us.push(self.user(u)?);
        }
        if !self.has_list(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let mut fx = self.expire(now);
        self.list_mut(&p, &id).members.retain(|(m, _)| !us.contains(m));
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn set_list_properties(
        &mut self,
        now: Timestamp,
        p: &UserId,
        id: &ContactListId,
        update: ListPropertiesUpdate,
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let id = self.list_id(id)?;
        if self.name_too_long(&update.display_name) {
            return Err(Error::InvalidContactListProperty("DisplayName too long"));
        }
        if !self.has_list(&p, &id) {
            return Err(Error::ContactListNotFound(id));
        }
        let fx = self.expire(now);
        if update.default == Some(true) {
            self.lists.iter_mut().filter(|l| l.owner == p).for_each(|l| l.default = false);
        }
        let list = self.list_mut(&p, &id);
        if update.display_name.is_some() {
            list.display_name = update.display_name;
        }
        if let Some(d) = update.default {
            list.default = d;
        }
        ok((), fx)
    }

    pub fn contact_list_ids(&self, p: &UserId) -> (Vec<ContactListId>, Option<ContactListId>) {
        let p = p.normalized();
        let mut ids: Vec<ContactListId> = self.lists.iter().filter(|l| l.owner == p).map(|l| l.id.clone()).collect();
        ids.sort();
        let default = self.lists.iter().find(|l| l.owner == p && l.default).map(|l| l.id.clone());
        (ids, default)
    }

    pub fn contact_list(&self, p: &UserId, id: &ContactListId) -> Result<ContactList, Error> {
        let (p, id) = (p.normalized(), id.normalized());
        let l = self.lists.iter().find(|l| l.owner == p && l.id == id).ok_or(Error::ContactListNotFound(id))?;
        Ok(ContactList {
            display_name: l.display_name.clone(),
            default: l.default,
            members: l.members.iter().cloned().collect(),
            attributes: l.attributes.clone(),
        })
    }

    // ------------------------------------------------------------------ attribute lists

    fn targets(&self, p: &UserId, targets: &[AttrTarget]) -> Result<Vec<AttrTarget>, Error> {
        let mut out = Vec::new();
        for t in targets {
            out.push(match t {
                AttrTarget::Default => AttrTarget::Default,
                AttrTarget::ContactList(id) => AttrTarget::ContactList(self.list_id(id)?),
                AttrTarget::User(u) => AttrTarget::User(self.user(u)?),
            });
        }
        let _ = p;
        Ok(out)
    }

    fn targets_exist(&self, p: &UserId, targets: &[AttrTarget]) -> Result<(), Error> {
        for t in targets {
            if let AttrTarget::ContactList(id) = t {
                if !self.has_list(p, id) {
                    return Err(Error::ContactListNotFound(id.clone()));
                }
            }
        }
        Ok(())
    }

    pub fn set_attribute_list(
        &mut self,
        now: Timestamp,
        p: &UserId,
        targets: &[AttrTarget],
        attrs: &AttrSet,
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let targets = self.targets(&p, targets)?;
        self.attrs_ok(attrs)?;
        self.targets_exist(&p, &targets)?;
        let mut users: Vec<UserId> =
            self.user_lists.iter().filter(|(o, _, _)| o == &p).map(|(_, u, _)| u.clone()).collect();
        for t in &targets {
            if let AttrTarget::User(u) = t {
                if !users.contains(u) {
                    users.push(u.clone());
                }
            }
        }
        if users.len() > self.limits.max_user_attribute_lists {
            return Err(Error::TooManyAttributeLists);
        }
        let mut fx = self.expire(now);
        for t in &targets {
            match t {
                AttrTarget::Default => {
                    self.default_lists.retain(|(o, _)| o != &p);
                    self.default_lists.push((p.clone(), attrs.clone()));
                }
                AttrTarget::ContactList(id) => self.list_mut(&p, id).attributes = Some(attrs.clone()),
                AttrTarget::User(u) => {
                    self.user_lists.retain(|(o, x, _)| !(o == &p && x == u));
                    self.user_lists.push((p.clone(), u.clone(), attrs.clone()));
                }
            }
        }
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn delete_attribute_list(
        &mut self,
        now: Timestamp,
        p: &UserId,
        targets: &[AttrTarget],
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let targets = self.targets(&p, targets)?;
        self.targets_exist(&p, &targets)?;
        let mut fx = self.expire(now);
        for t in &targets {
            match t {
                AttrTarget::Default => self.default_lists.retain(|(o, _)| o != &p),
                AttrTarget::ContactList(id) => self.list_mut(&p, id).attributes = None,
                AttrTarget::User(u) => self.user_lists.retain(|(o, x, _)| !(o == &p && x == u)),
            }
        }
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn attribute_lists(&self, p: &UserId) -> AttributeLists {
        let p = p.normalized();
        AttributeLists {
            default: self.default_list(&p),
            contact_lists: self
                .lists
                .iter()
                .filter(|l| l.owner == p)
                .filter_map(|l| l.attributes.clone().map(|a| (l.id.clone(), a)))
                .collect(),
            users: self.user_lists.iter().filter(|(o, _, _)| o == &p).map(|(_, u, a)| (u.clone(), a.clone())).collect(),
        }
    }

    pub fn attribute_list(&self, p: &UserId, target: &AttrTarget) -> Option<AttrSet> {
        let p = p.normalized();
        match target {
            AttrTarget::Default => self.default_list(&p),
            AttrTarget::ContactList(id) => {
                let id = id.normalized();
                self.lists.iter().find(|l| l.owner == p && l.id == id).and_then(|l| l.attributes.clone())
            }
            AttrTarget::User(u) => self.user_list(&p, &u.normalized()),
        }
    }

    // ------------------------------------------------------------------ delivery

    fn reactive_full(&self, p: &UserId, r: &UserId) -> bool {
        self.authorised(p, r).is_none()
            && self.record(p, r).is_none()
            && self.reactive.iter().filter(|x| &x.publisher == p).count() >= self.limits.max_reactive_records
    }

    fn ask(&mut self, p: &UserId, r: &UserId, requested: Option<AttrSet>, fx: &mut Vec<Effect>) {
        self.reactive.push(MReactive {
            publisher: p.clone(),
            requester: r.clone(),
            state: ReactiveState::Pending,
            requested: requested.clone(),
        });
        fx.push(Effect::AuthorisationRequest { publisher: p.clone(), requester: r.clone(), attributes: requested });
    }

    pub fn subscribe(
        &mut self,
        now: Timestamp,
        s: &UserId,
        p: &UserId,
        attrs: Option<&AttrSet>,
        until: Option<Timestamp>,
    ) -> Result<Response<SubscribeOutcome>, Error> {
        let s = self.user(s)?;
        let p = self.user(p)?;
        if let Some(a) = attrs {
            self.attrs_ok(a)?;
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
        let attrs = attrs.filter(|a| !a.is_empty()).cloned();
        let mut fx = self.expire(now);
        let new = MSub { publisher: p.clone(), subscriber: s.clone(), attributes: attrs.clone(), until, live: true };
        if self.authorised(&p, &s).is_some() {
            self.drop_sub(&p, &s);
            let initial =
                self.presence_of(&p).filtered(&self.visible(&new, &AttrSet::all_defined_and(&self.presence_of(&p))));
            self.subs.push(new);
            return ok(SubscribeOutcome::Subscribed { initial: Box::new(initial) }, fx);
        }
        let outcome = match self.record(&p, &s).map(|r| r.state) {
            Some(ReactiveState::Denied) => SubscribeOutcome::Denied,
            Some(_) => {
                self.drop_sub(&p, &s);
                self.subs.push(MSub { live: false, ..new });
                SubscribeOutcome::PendingAuthorisation
            }
            None => {
                self.ask(&p, &s, attrs, &mut fx);
                self.subs.push(MSub { live: false, ..new });
                SubscribeOutcome::PendingAuthorisation
            }
        };
        ok(outcome, fx)
    }

    pub fn unsubscribe(
        &mut self,
        now: Timestamp,
        s: &UserId,
        p: &UserId,
    ) -> Result<Response<UnsubscribeOutcome>, Error> {
        let s = self.user(s)?;
        let p = self.user(p)?;
        let fx = self.expire(now);
        let outcome = match self.drop_sub(&p, &s) {
            Some(_) => UnsubscribeOutcome::Unsubscribed,
            None => UnsubscribeOutcome::NotSubscribed,
        };
        ok(outcome, fx)
    }

    pub fn get_presence(
        &mut self,
        now: Timestamp,
        r: &UserId,
        p: &UserId,
        attrs: Option<&AttrSet>,
    ) -> Result<Response<GetOutcome>, Error> {
        let r = self.user(r)?;
        let p = self.user(p)?;
        if let Some(a) = attrs {
            self.attrs_ok(a)?;
        }
        if r != p && self.reactive_full(&p, &r) {
            return Err(Error::TooManyAuthorisationRecords);
        }
        let attrs = attrs.filter(|a| !a.is_empty()).cloned();
        let mut fx = self.expire(now);
        let presence = self.presence_of(&p);
        let everything = AttrSet::all_defined_and(&presence);
        let wanted = attrs.clone().unwrap_or(everything);
        if r == p {
            return ok(GetOutcome::Presence(Box::new(presence.filtered(&wanted))), fx);
        }
        if let Some(auth) = self.authorised(&p, &r) {
            return ok(GetOutcome::Presence(Box::new(presence.filtered(&wanted.intersection(&auth)))), fx);
        }
        let outcome = match self.record(&p, &r).map(|x| x.state) {
            Some(ReactiveState::Denied) => GetOutcome::Denied,
            Some(_) => GetOutcome::PendingAuthorisation,
            None => {
                self.ask(&p, &r, attrs, &mut fx);
                GetOutcome::PendingAuthorisation
            }
        };
        ok(outcome, fx)
    }

    pub fn update_presence(
        &mut self,
        now: Timestamp,
        p: &UserId,
        update: &PresenceSubList,
    ) -> Result<Response<(AttrSet, Fanout)>, Error> {
        let p = self.user(p)?;
        let names: Vec<String> = update.extensions.iter().map(|e| e.name.clone()).collect();
        self.ext_names_ok(&names)?;
        let mut all = names.clone();
        for e in &self.presence_of(&p).extensions {
            all.push(e.name.clone());
        }
        all.sort();
        all.dedup();
        if all.len() > self.limits.max_extension_attributes {
            return Err(Error::InvalidAttribute("too many extension attributes".into()));
        }
        let fx = self.expire(now);
        let mut presence = self.presence_of(&p);
        let changed = presence.apply_update(update);
        self.presence.retain(|(o, _)| o != &p);
        self.presence.push((p.clone(), presence.clone()));
        let mut out: Fanout = Vec::new();
        for sub in self.subs.iter().filter(|x| x.publisher == p && x.live) {
            let v = self.visible(sub, &changed);
            if !v.is_empty() {
                out.push((sub.subscriber.clone(), presence.filtered(&v)));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        ok((changed, out), fx)
    }

    // ------------------------------------------------------------------ reactive answers

    pub fn respond_authorisation(
        &mut self,
        now: Timestamp,
        p: &UserId,
        r: &UserId,
        accept: bool,
    ) -> Result<Response<()>, Error> {
        let p = self.user(p)?;
        let r = self.user(r)?;
        if self.record(&p, &r).is_none() {
            return Err(Error::NoAuthorisationRequest(r));
        }
        let mut fx = self.expire(now);
        let rec = self.reactive.iter_mut().find(|x| x.publisher == p && x.requester == r).unwrap();
        rec.state = if accept { ReactiveState::Granted } else { ReactiveState::Denied };
        let waiting = self.sub(&p, &r).is_some_and(|x| !x.live);
        if waiting {
            let mut sub = self.drop_sub(&p, &r).unwrap();
            if accept {
                sub.live = true;
                let presence = self.presence_of(&p);
                let initial = presence.filtered(&self.visible(&sub, &AttrSet::all_defined_and(&presence)));
                self.subs.push(sub);
                fx.push(Effect::Notify { publisher: p.clone(), to: r.clone(), presence: Box::new(initial) });
            } else {
                fx.push(ended(&p, &r, EndReason::AuthorisationDenied));
            }
        }
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    pub fn cancel_authorisation(
        &mut self,
        now: Timestamp,
        p: &UserId,
        u: &UserId,
    ) -> Result<Response<CancelOutcome>, Error> {
        let p = self.user(p)?;
        let u = self.user(u)?;
        let mut fx = self.expire(now);
        let cancellable = self.record(&p, &u).is_some_and(|x| x.state != ReactiveState::Denied);
        if !cancellable {
            return ok(CancelOutcome::NothingToCancel, fx);
        }
        self.reactive.retain(|x| !(x.publisher == p && x.requester == u));
        if self.sub(&p, &u).is_some_and(|x| !x.live) {
            self.drop_sub(&p, &u);
            fx.push(ended(&p, &u, EndReason::AuthorisationWithdrawn));
        }
        self.sweep(&p, &mut fx);
        ok(CancelOutcome::Cancelled, fx)
    }

    pub fn request_removal(&mut self, now: Timestamp, s: &UserId, p: &UserId) -> Result<Response<()>, Error> {
        let s = self.user(s)?;
        let p = self.user(p)?;
        let mut fx = self.expire(now);
        let mut lists = Vec::new();
        for l in self.lists.iter_mut().filter(|l| l.owner == p) {
            if l.members.iter().any(|(m, _)| m == &s) {
                l.members.retain(|(m, _)| m != &s);
                lists.push(l.id.clone());
            }
        }
        lists.sort();
        let individual_list = self.user_list(&p, &s).is_some();
        self.user_lists.retain(|(o, x, _)| !(o == &p && x == &s));
        let reactive = self.record(&p, &s).is_some_and(|x| x.state != ReactiveState::Denied);
        if reactive {
            self.reactive.retain(|x| !(x.publisher == p && x.requester == s));
        }
        if self.drop_sub(&p, &s).is_some() {
            fx.push(ended(&p, &s, EndReason::RemovalRequested));
        }
        fx.push(Effect::AuthorisationRemoved {
            publisher: p.clone(),
            subscriber: s.clone(),
            contact_lists: lists,
            individual_list,
            reactive,
        });
        self.sweep(&p, &mut fx);
        ok((), fx)
    }

    // ------------------------------------------------------------------ queries

    pub fn watcher_list(&self, now: Timestamp, p: &UserId) -> Vec<WatcherInfo> {
        let p = p.normalized();
        let mut out: Vec<WatcherInfo> = self
            .subs
            .iter()
            .filter(|x| x.publisher == p && x.live && x.until.is_none_or(|t| t > now))
            .map(|x| WatcherInfo { user: x.subscriber.clone(), attributes: x.attributes.clone(), until: x.until })
            .collect();
        out.sort_by(|a, b| a.user.cmp(&b.user));
        out
    }

    pub fn reactive_status(&self, p: &UserId) -> Vec<ReactiveAuthStatus> {
        let p = p.normalized();
        let mut out: Vec<ReactiveAuthStatus> = self
            .reactive
            .iter()
            .filter(|x| x.publisher == p)
            .map(|x| ReactiveAuthStatus { user: x.requester.clone(), state: x.state, attributes: x.requested.clone() })
            .collect();
        out.sort_by(|a, b| a.user.cmp(&b.user));
        out
    }

    pub fn authorised_attributes(&self, p: &UserId, u: &UserId) -> Option<AttrSet> {
        let (p, u) = (p.normalized(), u.normalized());
        if p == u {
            return Some(AttrSet::all_defined());
        }
        self.authorised(&p, &u)
    }

    // ------------------------------------------------------------------ access control (4.3)

    pub fn set_in_use(&mut self, u: &UserId, kind: AccessListKind, in_use: bool) -> Result<Response<()>, Error> {
        let u = self.user(u)?;
        self.in_use.retain(|(x, k)| !(x == &u && *k == kind));
        if in_use {
            self.in_use.push((u, kind));
        }
        ok((), vec![])
    }

    fn entity(&self, e: &Entity) -> Result<Entity, Error> {
        let bad = || Error::InvalidEntity(format!("{e:?}"));
        let max = self.limits.max_id_len;
        Ok(match e {
            Entity::User(u) => {
                let n = u.normalized();
                if !valid_id(n.as_str(), max) {
                    return Err(bad());
                }
                Entity::User(n)
            }
            Entity::Group(g) => {
                let n = g.normalized();
                if !valid_id(n.as_str(), max) {
                    return Err(bad());
                }
                Entity::Group(n)
            }
            Entity::ScreenName { group, name } => {
                let n = group.normalized();
                if !valid_id(n.as_str(), max) || name.as_str().is_empty() || name.as_str().len() > max {
                    return Err(bad());
                }
                Entity::ScreenName { group: n, name: name.clone() }
            }
        })
    }

    pub fn add_entries(&mut self, u: &UserId, kind: AccessListKind, es: &[Entity]) -> Result<Response<()>, Error> {
        let u = self.user(u)?;
        let mut new = Vec::new();
        for e in es {
            new.push(self.entity(e)?);
        }
        let mut after: Vec<Entity> =
            self.entries.iter().filter(|(x, k, _)| x == &u && *k == kind).map(|(_, _, e)| e.clone()).collect();
        for e in new {
            if !after.contains(&e) {
                after.push(e);
            }
        }
        if after.len() > self.limits.max_access_entries {
            return Err(Error::TooManyAccessEntries);
        }
        self.entries.retain(|(x, k, _)| !(x == &u && *k == kind));
        self.entries.extend(after.into_iter().map(|e| (u.clone(), kind, e)));
        ok((), vec![])
    }

    pub fn remove_entries(&mut self, u: &UserId, kind: AccessListKind, es: &[Entity]) -> Result<Response<()>, Error> {
        let u = self.user(u)?;
        let mut gone = Vec::new();
        for e in es {
            gone.push(self.entity(e)?);
        }
        self.entries.retain(|(x, k, e)| !(x == &u && *k == kind && gone.contains(e)));
        ok((), vec![])
    }

    fn listed(&self, u: &UserId, kind: AccessListKind, sender: &Sender) -> bool {
        self.entries.iter().filter(|(x, k, _)| x == u && *k == kind).any(|(_, _, e)| match e {
            Entity::User(v) => v == &sender.user,
            Entity::Group(g) => sender.via_group.as_ref().is_some_and(|via| &via.group == g),
            Entity::ScreenName { group, name } => sender
                .via_group
                .as_ref()
                .is_some_and(|via| &via.group == group && via.screen_name.as_ref() == Some(name)),
        })
    }

    /// Whether list `kind` of (normalised) user `u` is in use.
    fn in_use(&self, u: &UserId, kind: AccessListKind) -> bool {
        self.in_use.contains(&(u.clone(), kind))
    }

    /// Whether the recipient's block list (in use) names the sender (both normalised).
    fn blocked_normalised(&self, u: &UserId, sender: &Sender) -> bool {
        self.in_use(u, AccessListKind::Block) && self.listed(u, AccessListKind::Block, sender)
    }

    /// Whether the recipient's block list (in use) names the sender (both normalised).
    pub fn blocked(&self, recipient: &UserId, sender: &Sender) -> bool {
        self.blocked_normalised(recipient, sender)
    }

    /// Seed 4.3 with the strict priority: blocked wins; with the grant list in use, only
    /// granted senders pass.
    pub fn may_message(&self, recipient: &UserId, sender: &Sender) -> bool {
        let u = recipient.normalized();
        let sender = sender.normalized();
        if self.blocked_normalised(&u, &sender) {
            return false;
        }
        if self.in_use(&u, AccessListKind::Grant) {
            return self.listed(&u, AccessListKind::Grant, &sender);
        }
        true
    }
}

/// Every attribute named anywhere: all defined ones plus the extension attributes present in
/// a presence (what "all" means for a subscription or get without named attributes).
pub trait AllAttrs {
    fn all_defined_and(presence: &PresenceSubList) -> AttrSet;
}

impl AllAttrs for AttrSet {
    fn all_defined_and(presence: &PresenceSubList) -> AttrSet {
        AttrSet::all_defined().union(&presence.attributes())
    }
}
