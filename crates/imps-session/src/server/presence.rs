//! Presence features (seed section 3; spec notes 2.3, 2.4) through imps-auth: contact lists,
//! attribute lists, subscriptions and one-shot gets, reactive authorisation, watcher lists, and
//! the `OnlineStatus` the server keeps from logins and logouts.
//!
//! Decisions where the public record is silent:
//! - `OnlineStatus` belongs to the server: login sets it true, the end of a user's last session
//!   false; a client's `UpdatePresence-Request` cannot set it (the attribute is dropped from the
//!   update, the rest applies).
//! - Subscriptions belong to the user, not to the session: they survive logout and re-login
//!   (notifications reach whichever sessions the watcher has; none while it is offline), and end
//!   by unsubscribe, withdrawal or their validity. They do not survive a server restart.
//! - A reactive authorisation request (`PresenceAuth-Request`) reaches the publisher's sessions
//!   at once, and again at each of its logins while it stays pending. 1.3 sessions have no
//!   reactive-authorisation primitives and are not asked.
//! - A one-shot get or a subscription waiting for reactive authorisation is answered with 521
//!   (unresponded presence request) for that user; a denied one with 403.

use imps_auth::{
    AttrTarget, AuthEngine, Contact, Effect, GetOutcome, ListProperties, ListPropertiesUpdate, ReactiveState,
    SubscribeOutcome,
};
use imps_csp::elements::{CspResult, DetailedResult, User};
use imps_csp::ids::{ContactListId, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};
use imps_csp::primitive::access::Status;
use imps_csp::primitive::lists::{
    ContactListProperties, CreateListResponse, DefaultAttributeList, GetAttributeListResponse, GetListResponse,
    ListChange, ListManageResponse, NickEntry, NickList,
};
use imps_csp::primitive::presence::{
    AttributeListPresence, GetPresenceResponse, GetReactiveAuthStatusResponse, GetWatcherListResponse, Presence,
    PresenceAuthRequest, PresenceNotificationRequest, PresenceSubject, PresenceTargets, ReactiveAuthState,
    ReactiveAuthStatus, Watcher,
};
use imps_csp::{Primitive, ResultCode, Version};
use serde::{Deserialize, Serialize};

use super::config::ServerConfig;
use super::engine::{status, Awaiting, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// What the server stores per user for presence and access control: contact lists, attribute
/// lists, reactive grants and denials, block and grant lists.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserRecord {
    /// The lasting part of the user's authorisation state.
    pub auth: imps_auth::StoredUser,
}

/// Presence working state: the authorisation engine holds contact lists, attribute lists,
/// reactive authorisations, watcher lists, current presence and block/grant lists.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PresenceState {
    pub(crate) auth: AuthEngine,
}

impl PresenceState {
    pub(crate) fn restore(config: &ServerConfig, users: Vec<(UserId, UserRecord)>) -> Self {
        let mut limits = imps_auth::Limits::default();
        limits.max_contact_lists = config.limits.max_contact_lists;
        limits.max_contacts_per_list = config.limits.max_contacts_per_list;
        let mut auth = AuthEngine::with_limits(limits);
        for (user, rec) in users {
            auth.import_user(&user, rec.auth);
        }
        PresenceState { auth }
    }
}

/// The answer code for an auth-engine error.
fn code(e: imps_auth::Error) -> ResultCode {
    e.result_code()
}

fn ok_or_status(r: Result<(), ResultCode>) -> Primitive {
    status(r.err().unwrap_or(ResultCode::SUCCESSFUL))
}

/// Builds a Status from per-entity outcomes: 200 when all succeeded, 201 with details when
/// some did, the single failure code when all failed.
fn aggregate(failures: Vec<(ResultCode, UserId)>, total: usize) -> Primitive {
    if failures.is_empty() {
        return status(ResultCode::SUCCESSFUL);
    }
    let mut details: Vec<DetailedResult> = Vec::new();
    for (c, u) in failures.iter() {
        match details.iter_mut().find(|d| d.code == *c) {
            Some(d) => d.user_ids.push(u.clone()),
            None => {
                let mut d = DetailedResult::default();
                d.code = *c;
                d.user_ids.push(u.clone());
                details.push(d);
            }
        }
    }
    let top =
        if failures.len() == total && details.len() == 1 { details[0].code } else { ResultCode::PARTIALLY_SUCCESSFUL };
    let mut result = CspResult::new(top);
    result.detailed_results = details;
    Status::new(result).into()
}

impl<S: Storage, R: Random> Engine<S, R> {
    fn auth(&mut self) -> &mut AuthEngine {
        &mut self.st.presence.auth
    }

    /// Whether `user` has an account here.
    fn known_user(&self, user: &UserId) -> bool {
        self.st.accounts.contains_key(user)
    }

    pub(crate) fn presence_request(&mut self, ctx: &Ctx, p: Primitive) -> Primitive {
        let now = ctx.now;
        let me = ctx.user.clone();
        match p {
            // --- Contact lists (seed 3.2)
            Primitive::GetListRequest(_) => {
                let (lists, default) = self.st.presence.auth.contact_list_ids(&me);
                GetListResponse::new(lists, default).into()
            }
            Primitive::CreateListRequest(req) => {
                let props = req.properties.as_ref();
                let properties = ListProperties {
                    display_name: props.and_then(|p| p.display_name()).map(str::to_owned),
                    default: props.and_then(|p| p.is_default()).unwrap_or(false),
                };
                let members: Vec<Contact> = req.nick_list.as_ref().map(contacts).unwrap_or_default();
                let r = self.auth().create_contact_list(now, &me, &req.contact_list, properties, &members);
                match r {
                    Ok(resp) => {
                        self.apply_effects(now, resp.effects);
                        self.dirty.users.insert(me);
                        if ctx.version == Version::V1_3 {
                            let mut c = CreateListResponse::new(req.contact_list);
                            c.properties = req.properties;
                            c.into()
                        } else {
                            status(ResultCode::SUCCESSFUL)
                        }
                    }
                    Err(e) => status(code(e)),
                }
            }
            Primitive::DeleteListRequest(req) => {
                let r = self.auth().delete_contact_list(now, &me, &req.contact_list);
                self.dirty.users.insert(me);
                ok_or_status(r.map(|resp| self.apply_effects(now, resp.effects)).map_err(code))
            }
            Primitive::ListManageRequest(req) => self.list_manage(ctx, req),
            // --- Attribute lists (seed 3.3.2)
            Primitive::CreateAttributeListRequest(req) => {
                let targets = attr_targets(&req.user_ids, &req.contact_lists, req.default_list);
                let r = self.auth().set_attribute_list(now, &me, &targets, &req.presence_sub_list);
                self.dirty.users.insert(me);
                ok_or_status(r.map(|resp| self.apply_effects(now, resp.effects)).map_err(code))
            }
            Primitive::DeleteAttributeListRequest(req) => {
                let targets = attr_targets(&req.user_ids, &req.contact_lists, req.default_list);
                let r = self.auth().delete_attribute_list(now, &me, &targets);
                self.dirty.users.insert(me);
                ok_or_status(r.map(|resp| self.apply_effects(now, resp.effects)).map_err(code))
            }
            Primitive::GetAttributeListRequest(req) => {
                let lists = self.st.presence.auth.attribute_lists(&me);
                let mut resp = GetAttributeListResponse::default();
                resp.result = CspResult::new(ResultCode::SUCCESSFUL);
                if req.default_list {
                    let mut d = DefaultAttributeList::default();
                    d.presence_sub_lists = lists.default.clone().into_iter().collect();
                    resp.default_attribute_list = Some(d);
                }
                let everything = !req.default_list && req.contact_lists.is_empty() && req.users.is_empty();
                for (list, attrs) in &lists.contact_lists {
                    if everything || req.contact_lists.iter().any(|l| l.normalized() == *list) {
                        resp.presences.push(AttributeListPresence::contact_list(list.clone(), attrs.clone()));
                    }
                }
                for (user, attrs) in &lists.users {
                    if everything || req.users.iter().any(|u| u.user_id.normalized() == *user) {
                        resp.presences.push(AttributeListPresence::user(user.clone(), attrs.clone()));
                    }
                }
                resp.into()
            }
            // --- Delivery (seed 3.4)
            Primitive::UpdatePresenceRequest(req) => {
                let mut update = *req.presence_sub_list;
                update.online_status = None;
                self.publish(now, &me, &update);
                status(ResultCode::SUCCESSFUL)
            }
            Primitive::GetPresenceRequest(req) => self.get_presence(ctx, req.targets, req.presence_sub_list),
            Primitive::SubscribePresenceRequest(req) => {
                let mut users: Vec<UserId> = req.users.iter().map(|u| u.user_id.normalized()).collect();
                for l in &req.contact_lists {
                    match self.contact_list_members(&me, l) {
                        Some(m) => users.extend(m),
                        None => return status(ResultCode::CONTACT_LIST_DOES_NOT_EXIST),
                    }
                }
                users.sort();
                users.dedup();
                let total = users.len();
                let mut failures = Vec::new();
                for publisher in users {
                    if !self.known_user(&publisher) {
                        failures.push((ResultCode::UNKNOWN_USER, publisher));
                        continue;
                    }
                    match self.auth().subscribe(now, &me, &publisher, req.presence_sub_list.as_ref(), None) {
                        Ok(resp) => {
                            let outcome = resp.outcome.clone();
                            self.apply_effects(now, resp.effects);
                            match outcome {
                                SubscribeOutcome::Subscribed { initial } => {
                                    // Seed 3.4.1: the subscriber receives the presence initially.
                                    if !initial.is_empty() {
                                        self.notify(&me, &publisher, *initial);
                                    }
                                }
                                SubscribeOutcome::PendingAuthorisation => {}
                                SubscribeOutcome::Denied => failures.push((ResultCode::FORBIDDEN, publisher)),
                            }
                        }
                        Err(e) => failures.push((code(e), publisher)),
                    }
                }
                aggregate(failures, total)
            }
            Primitive::UnsubscribePresenceRequest(req) => {
                let mut users: Vec<UserId> = req.users.iter().map(|u| u.user_id.normalized()).collect();
                for l in &req.contact_lists {
                    match self.contact_list_members(&me, l) {
                        Some(m) => users.extend(m),
                        None => return status(ResultCode::CONTACT_LIST_DOES_NOT_EXIST),
                    }
                }
                users.sort();
                users.dedup();
                for publisher in &users {
                    if let Ok(resp) = self.auth().unsubscribe(now, &me, publisher) {
                        self.apply_effects(now, resp.effects);
                    }
                }
                status(ResultCode::SUCCESSFUL)
            }
            // --- Reactive authorisation (seed 3.3.3) and withdrawal (3.3.5)
            Primitive::PresenceAuthUser(req) => {
                let requester = req.user_id.normalized();
                let r = self.auth().respond_authorisation(now, &me, &requester, req.acceptance);
                self.dirty.users.insert(me);
                ok_or_status(r.map(|resp| self.apply_effects(now, resp.effects)).map_err(code))
            }
            Primitive::CancelAuthRequest(req) => {
                let user = req.user_id.normalized();
                let r = self.auth().cancel_authorisation(now, &me, &user);
                self.dirty.users.insert(me);
                ok_or_status(r.map(|resp| self.apply_effects(now, resp.effects)).map_err(code))
            }
            Primitive::GetWatcherListRequest(req) => {
                let mut list = self.st.presence.auth.watcher_list(now, &me);
                if let Some(max) = req.max_watcher_list {
                    list.truncate(max as usize);
                }
                let watchers: Vec<Watcher> = list.into_iter().map(|w| Watcher::new(w.user)).collect();
                if ctx.version == Version::V1_1 {
                    let mut r = GetWatcherListResponse::default();
                    r.users = watchers.into_iter().map(|w| w.user).collect();
                    r.into()
                } else {
                    GetWatcherListResponse::new(watchers).into()
                }
            }
            Primitive::GetReactiveAuthStatusRequest(req) => {
                let users: Vec<UserId> = req.user_ids.iter().map(UserId::normalized).collect();
                let filter = (!users.is_empty()).then_some(&users[..]);
                let statuses = self
                    .st
                    .presence
                    .auth
                    .reactive_status(&me, filter)
                    .into_iter()
                    .map(|s| {
                        let state = match s.state {
                            ReactiveState::Pending => ReactiveAuthState::Pending,
                            ReactiveState::Granted => ReactiveAuthState::Granted,
                            ReactiveState::Denied => ReactiveAuthState::Denied,
                        };
                        let mut r = ReactiveAuthStatus::new(s.user, state);
                        r.presence_sub_list = s.attributes;
                        r
                    })
                    .collect();
                GetReactiveAuthStatusResponse::new(statuses).into()
            }
            _ => status(ResultCode::NOT_IMPLEMENTED),
        }
    }

    fn list_manage(&mut self, ctx: &Ctx, req: imps_csp::primitive::lists::ListManageRequest) -> Primitive {
        let (now, me) = (ctx.now, ctx.user.clone());
        let r = match &req.change {
            None => self.st.presence.auth.contact_list(&me, &req.contact_list).map(|_| Vec::new()).map_err(code),
            Some(ListChange::AddNickList(nicks)) => {
                self.auth().add_members(now, &me, &req.contact_list, &contacts(nicks)).map(|r| r.effects).map_err(code)
            }
            Some(ListChange::RemoveNickList(rm)) => {
                let users: Vec<UserId> = rm.user_ids.iter().map(UserId::normalized).collect();
                self.auth().remove_members(now, &me, &req.contact_list, &users).map(|r| r.effects).map_err(code)
            }
            Some(ListChange::ContactListProperties(props)) => {
                let update = ListPropertiesUpdate {
                    display_name: props.display_name().map(str::to_owned),
                    default: props.is_default(),
                };
                self.auth().set_list_properties(now, &me, &req.contact_list, update).map(|r| r.effects).map_err(code)
            }
        };
        let mut resp = ListManageResponse::default();
        match r {
            Ok(effects) => {
                self.apply_effects(now, effects);
                self.dirty.users.insert(me.clone());
                resp.result = CspResult::new(ResultCode::SUCCESSFUL);
                // ReceiveList=T asks for the resulting content (1.2); 1.1 always returns it.
                if req.receive_list.unwrap_or(ctx.version == Version::V1_1) {
                    if let Ok(list) = self.st.presence.auth.contact_list(&me, &req.contact_list) {
                        let entries = list
                            .members
                            .iter()
                            .map(|(u, nick)| match nick {
                                Some(n) => NickEntry::nick(n.clone(), u.clone()),
                                None => NickEntry::user(u.clone()),
                            })
                            .collect();
                        resp.nick_list = Some(NickList::new(entries));
                        let mut props = ContactListProperties::default();
                        if let Some(d) = &list.display_name {
                            props.set_display_name(d.clone());
                        }
                        props.set_default(list.default);
                        resp.properties = Some(props);
                    }
                }
            }
            Err(c) => resp.result = CspResult::new(c),
        }
        resp.into()
    }

    fn get_presence(&mut self, ctx: &Ctx, targets: PresenceTargets, attrs: Option<AttrSet>) -> Primitive {
        let (now, me) = (ctx.now, ctx.user.clone());
        let mut subjects: Vec<(PresenceSubject, UserId)> = Vec::new();
        match targets {
            PresenceTargets::Users(users) => {
                for u in users {
                    let n = u.user_id.normalized();
                    subjects.push((PresenceSubject::UserId(u.user_id), n));
                }
            }
            PresenceTargets::ContactLists(lists) => {
                for l in lists {
                    match self.contact_list_members(&me, &l) {
                        Some(members) => {
                            subjects.extend(members.into_iter().map(|m| (PresenceSubject::UserId(m.clone()), m)))
                        }
                        None => return status(ResultCode::CONTACT_LIST_DOES_NOT_EXIST),
                    }
                }
            }
        }
        let total = subjects.len();
        let mut presences = Vec::new();
        let mut failures = Vec::new();
        for (subject, publisher) in subjects {
            if !self.known_user(&publisher) {
                failures.push((ResultCode::UNKNOWN_USER, publisher));
                continue;
            }
            match self.auth().get_presence(now, &me, &publisher, attrs.as_ref()) {
                Ok(resp) => {
                    let outcome = resp.outcome.clone();
                    self.apply_effects(now, resp.effects);
                    match outcome {
                        GetOutcome::Presence(p) => presences.push(Presence::new(subject, vec![*p])),
                        GetOutcome::PendingAuthorisation => {
                            failures.push((ResultCode::UNRESPONDED_PRESENCE_REQUEST, publisher))
                        }
                        GetOutcome::Denied => failures.push((ResultCode::FORBIDDEN, publisher)),
                    }
                }
                Err(e) => failures.push((code(e), publisher)),
            }
        }
        let result = match aggregate(failures, total) {
            Primitive::Status(s) => s.result,
            _ => CspResult::new(ResultCode::SUCCESSFUL),
        };
        GetPresenceResponse::new(result, presences).into()
    }

    /// Applies `update` to `publisher`'s presence and notifies every watcher that may see a
    /// changed attribute (seed 3.4.3).
    pub(crate) fn publish(&mut self, now: Timestamp, publisher: &UserId, update: &PresenceSubList) {
        let Ok(resp) = self.auth().update_presence(now, publisher, update) else { return };
        let effects = resp.effects.clone();
        self.apply_effects(now, effects);
        let notes: Vec<(UserId, PresenceSubList)> =
            resp.outcome.notifications().map(|(to, p)| (to.clone(), p.clone())).collect();
        for (to, presence) in notes {
            self.notify(&to, publisher, presence);
        }
    }

    /// Queues a `PresenceNotification-Request` with `publisher`'s presence for `to`.
    fn notify(&mut self, to: &UserId, publisher: &UserId, presence: PresenceSubList) {
        let p: Primitive = PresenceNotificationRequest::new(publisher.clone(), presence).into();
        self.send_to_user(to, &p);
    }

    /// Turns the authorisation engine's effects into server-originated transactions.
    pub(crate) fn apply_effects(&mut self, now: Timestamp, effects: Vec<Effect>) {
        let _ = now;
        for e in effects {
            match e {
                Effect::AuthorisationRequest { publisher, requester, attributes } => {
                    self.ask_publisher(&publisher, &requester, attributes);
                    self.dirty.users.insert(publisher);
                }
                Effect::Notify { publisher, to, presence } => self.notify(&to, &publisher, *presence),
                // Nothing on the wire says a subscription ended; the watcher simply stops
                // receiving notifications. The publisher's record changed.
                Effect::SubscriptionEnded { publisher, .. } | Effect::AuthorisationRemoved { publisher, .. } => {
                    self.dirty.users.insert(publisher);
                }
            }
        }
    }

    /// Sends `PresenceAuth-Request` to the publisher's sessions that can carry it.
    fn ask_publisher(&mut self, publisher: &UserId, requester: &UserId, attributes: Option<AttrSet>) {
        let p: Primitive = PresenceAuthRequest::new(requester.clone(), attributes).into();
        for sid in self.sessions_of(publisher) {
            self.enqueue(&sid, p.clone(), Awaiting::Ack);
        }
    }

    pub(crate) fn presence_timeout(&mut self, now: Timestamp) {
        let effects = self.auth().expire(now);
        self.apply_effects(now, effects);
    }

    pub(crate) fn presence_deadline(&self) -> Option<Timestamp> {
        self.st.presence.auth.next_deadline()
    }

    /// Login: `OnlineStatus` true, and pending reactive requests asked again.
    pub(crate) fn presence_session_start(&mut self, ctx: &Ctx) {
        let mut online = PresenceSubList::default();
        online.set_online(true);
        self.publish(ctx.now, &ctx.user, &online);
        let pending: Vec<(UserId, Option<AttrSet>)> = self
            .st
            .presence
            .auth
            .reactive_status(&ctx.user, None)
            .into_iter()
            .filter(|s| s.state == ReactiveState::Pending)
            .map(|s| (s.user, s.attributes))
            .collect();
        let p: Vec<Primitive> = pending.into_iter().map(|(u, a)| PresenceAuthRequest::new(u, a).into()).collect();
        for prim in p {
            self.enqueue(&ctx.session, prim, Awaiting::Ack);
        }
    }

    /// The user's last session ended: `OnlineStatus` false.
    pub(crate) fn presence_user_offline(&mut self, now: Timestamp, user: &UserId) {
        let mut offline = PresenceSubList::default();
        offline.set_online(false);
        self.publish(now, user, &offline);
    }

    pub(crate) fn presence_user_record(&self, user: &UserId) -> Option<UserRecord> {
        self.st.presence.auth.export_user(user).map(|auth| UserRecord { auth })
    }

    /// The members of `owner`'s contact list `list` (for messages and invitations addressed to a
    /// contact list, seed 4.1), or `None` when the list does not exist.
    pub(crate) fn contact_list_members(&self, owner: &UserId, list: &ContactListId) -> Option<Vec<UserId>> {
        self.st.presence.auth.contact_list(owner, list).ok().map(|l| l.members.keys().cloned().collect())
    }

    /// Seed 4.3: whether `recipient`'s block and grant lists let `sender`'s message through
    /// (one-to-one, or through a group with the sender's screen name and group).
    pub(crate) fn may_message(&self, recipient: &UserId, sender: &imps_auth::Sender) -> bool {
        self.st.presence.auth.may_message(recipient, sender)
    }
}

fn contacts(nicks: &NickList) -> Vec<Contact> {
    nicks
        .entries
        .iter()
        .map(|e| match e.nickname() {
            Some(n) => Contact::with_nickname(e.user_id().clone(), n),
            None => Contact::new(e.user_id().clone()),
        })
        .collect()
}

fn attr_targets(users: &[UserId], lists: &[ContactListId], default: bool) -> Vec<AttrTarget> {
    let mut t: Vec<AttrTarget> = users.iter().map(|u| AttrTarget::User(u.normalized())).collect();
    t.extend(lists.iter().map(|l| AttrTarget::ContactList(l.clone())));
    if default {
        t.push(AttrTarget::Default);
    }
    t
}

#[allow(dead_code)]
fn user(u: &UserId) -> User {
    User::new(u.clone())
}
