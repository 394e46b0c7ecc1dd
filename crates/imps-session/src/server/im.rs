//! Instant messaging (seed section 4; spec notes 2.5): send, push and notify/pull delivery, store
//! and forward, delivery reports, forward and reject, block and grant lists.
//!
//! # Copies
//!
//! A `SendMessage-Request` is accepted under one `MessageID` (the one the sender is given) and
//! becomes one **copy** per receiving user (one-to-one and contact-list recipients) or per
//! receiving joined session (group recipients). A single copy carries the sender's id; several
//! copies carry `<id>.<n>`, so that each recipient confirms, fetches, rejects or forwards its own.
//! Every copy is in exactly one state:
//!
//! * **stored**: waiting for its recipient (offline, or every session's queue full); listed by
//!   `GetMessageList`, fetched with `GetMessage`, announced again at the next login or at the
//!   user's next IM request;
//! * **pushed** to one session (`NewMessage`, waiting for `MessageDelivered`);
//! * **notified** to one session (`MessageNotification`, waiting for `GetMessage`,
//!   `RejectMessage` or `ForwardMessage`).
//!
//! A one-to-one copy is offered to **one** session at a time, never to several, so it is never
//! delivered twice: to the recipient's most recently active session (latest request; the newest
//! login when equal). When that session ends before the copy is delivered, the copy goes back to
//! stored and is offered to the user's next most recently active session, if any. A copy leaves
//! the store only by being delivered (`MessageDelivered` after a push, or `GetMessage`), rejected,
//! forwarded or expired; the sender learns which when it asked for a delivery report.
//!
//! Group copies (seed 5: groups reach joined users only) are bound to the session that joined:
//! they are neither stored for later nor persisted, and are dropped when that session ends.
//!
//! # What is persisted
//!
//! [`StoredMessage`] is the record the [`Storage`](super::Storage) holds, keyed by message id:
//! every one-to-one copy, whatever its state, and every delivery report waiting for a sender who
//! is offline. Sessions do not survive a restart, so a restored copy is stored again whatever
//! state it was in.

use std::collections::{BTreeMap, BTreeSet};

use imps_auth::{AccessListKind, Entity};
use imps_csp::elements::{CspResult, DetailedResult, Group, Recipient, ScreenName, Sender, User};
use imps_csp::ids::{ContactListId, GroupId, MessageId, SName, SessionId, TransactionId, UserId};
use imps_csp::primitive::access::{DeliveryMethod, Status};
use imps_csp::primitive::im::{
    AccessList, BlockEntityRequest, DeliveryReportRequest, EntityList, ForwardMessageRequest, ForwardMessageResponse,
    GetBlockedListResponse, GetMessageListRequest, GetMessageListResponse, GetMessageRequest, GetMessageResponse,
    ListEntries, MessageInfo, MessageNotification, NewMessage, RejectMessageRequest, SendMessageRequest,
    SendMessageResponse, SetDeliveryMethodRequest,
};
use imps_csp::{Primitive, ResultCode, Version};
use serde::{Deserialize, Serialize};

use super::engine::{status, Awaiting, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// Where a record of the message store stands.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) enum DeliveryState {
    /// Waiting for its recipient; no session holds it.
    #[default]
    Stored,
    /// `NewMessage` queued for (or fetched by) `session`, waiting for `MessageDelivered`.
    Pushed { session: SessionId, transaction: TransactionId },
    /// `MessageNotification` queued for (or fetched by) `session`.
    Notified { session: SessionId, transaction: TransactionId },
    /// Not a message: a delivery report (`code`) waiting for its recipient (the message's
    /// sender) to log in.
    Report { code: ResultCode, delivered_at: Option<Timestamp> },
}

/// One record of the message store: a copy of a message waiting for its recipient, or a
/// delivery report waiting for the sender who asked for it. This is what the
/// [`Storage`](super::Storage) persists (serialise it as a whole; the fields are the engine's).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoredMessage {
    /// As the recipient is shown it (its `MessageID` is this record's key). For a report: the
    /// `MessageInfo` the report carries.
    pub(crate) info: MessageInfo,
    /// `ContentData`, exactly as the sender gave it.
    pub(crate) content: Option<String>,
    /// The sending user (normalised).
    pub(crate) sender: UserId,
    /// The session it was sent from (delivery reports go there first).
    pub(crate) sender_session: Option<SessionId>,
    /// The id the sender was given in `SendMessage-Response`.
    pub(crate) sender_message_id: MessageId,
    /// Who the record waits for (normalised): the recipient, or for a report the sender.
    pub(crate) recipient: UserId,
    /// For a group copy: the group it came through.
    pub(crate) group: Option<GroupId>,
    /// Acceptance order.
    pub(crate) seq: u64,
    /// When the copy expires (542) or the waiting report is dropped.
    pub(crate) expires: Timestamp,
    /// Whether the sender asked for a delivery report.
    pub(crate) delivery_report: bool,
    pub(crate) state: DeliveryState,
}

impl StoredMessage {
    /// The user the record waits for: the message's recipient, or for a delivery report the
    /// sender it goes to.
    pub fn recipient(&self) -> &UserId {
        &self.recipient
    }

    /// The sending user.
    pub fn sender(&self) -> &UserId {
        &self.sender
    }

    /// The `MessageInfo` (the recipient's view; for a report, the reported message).
    pub fn message_info(&self) -> &MessageInfo {
        &self.info
    }

    /// The content, as sent.
    pub fn content(&self) -> Option<&str> {
        self.content.as_deref()
    }

    /// When the copy expires.
    pub fn expires(&self) -> Timestamp {
        self.expires
    }

    /// Whether this record is a delivery report waiting for its sender rather than a message.
    pub fn is_delivery_report(&self) -> bool {
        matches!(self.state, DeliveryState::Report { .. })
    }

    fn is_copy(&self) -> bool {
        !self.is_delivery_report()
    }

    /// The session holding the copy and the transaction it was sent in.
    fn held_by(&self) -> Option<(&SessionId, &TransactionId)> {
        match &self.state {
            DeliveryState::Pushed { session, transaction } | DeliveryState::Notified { session, transaction } => {
                Some((session, transaction))
            }
            _ => None,
        }
    }
}

/// A per-group delivery method of one session (`SetDeliveryMethod-Request` with `GroupID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DeliveryPref {
    pub method: DeliveryMethod,
    pub accepted_content_length: Option<u32>,
}

/// Instant messaging working state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImState {
    /// Every copy and waiting report, by id.
    records: BTreeMap<MessageId, StoredMessage>,
    /// The records each user is the recipient of.
    by_user: BTreeMap<UserId, BTreeSet<MessageId>>,
    /// Expiry times. A pushed copy whose `NewMessage` the client has fetched leaves this index
    /// when it falls due (it waits for `MessageDelivered` or its session's end).
    deadlines: BTreeSet<(Timestamp, MessageId)>,
    /// Per-session, per-group delivery methods.
    group_prefs: BTreeMap<SessionId, BTreeMap<GroupId, DeliveryPref>>,
    /// Next acceptance sequence number.
    next_seq: u64,
}

impl ImState {
    /// Rebuilds the store from the persisted records. Sessions do not survive a restart: copies
    /// pushed or notified to a session are stored again. Group copies are never persisted.
    pub(crate) fn restore(messages: Vec<(MessageId, StoredMessage)>) -> Self {
        let mut st = ImState::default();
        for (id, mut rec) in messages {
            if rec.group.is_some() {
                continue;
            }
            if rec.held_by().is_some() {
                rec.state = DeliveryState::Stored;
            }
            st.next_seq = st.next_seq.max(rec.seq + 1);
            st.insert(id, rec);
        }
        st
    }

    /// The persisted form of a record (`None`: deleted, or a group copy, which lives with its
    /// session only).
    pub(crate) fn stored_record(&self, id: &MessageId) -> Option<StoredMessage> {
        self.records.get(id).filter(|r| r.group.is_none()).cloned()
    }

    /// The records (copies and waiting reports), for tests and inspection.
    pub fn records(&self) -> impl Iterator<Item = (&MessageId, &StoredMessage)> {
        self.records.iter()
    }

    fn insert(&mut self, id: MessageId, rec: StoredMessage) {
        self.by_user.entry(rec.recipient.clone()).or_default().insert(id.clone());
        self.deadlines.insert((rec.expires, id.clone()));
        self.records.insert(id, rec);
    }

    fn remove(&mut self, id: &MessageId) -> Option<StoredMessage> {
        let rec = self.records.remove(id)?;
        if let Some(set) = self.by_user.get_mut(&rec.recipient) {
            set.remove(id);
            if set.is_empty() {
                self.by_user.remove(&rec.recipient);
            }
        }
        self.deadlines.remove(&(rec.expires, id.clone()));
        Some(rec)
    }

    /// The ids of `user`'s records, in acceptance order.
    fn of_user(&self, user: &UserId) -> Vec<MessageId> {
        let mut ids: Vec<(u64, MessageId)> = self
            .by_user
            .get(user)
            .into_iter()
            .flatten()
            .filter_map(|id| self.records.get(id).map(|r| (r.seq, id.clone())))
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }

    fn count_of_user(&self, user: &UserId, reports: bool) -> usize {
        self.by_user
            .get(user)
            .into_iter()
            .flatten()
            .filter(|id| self.records.get(*id).is_some_and(|r| r.is_delivery_report() == reports))
            .count()
    }
}

/// An addressee named in a request, for `DetailedResult`.
#[derive(Debug, Clone)]
enum Target {
    User(UserId),
    Group(GroupId),
    ScreenName(ScreenName),
    ContactList(ContactListId),
    Message(MessageId),
}

/// A message accepted for distribution.
struct Outgoing {
    /// The id the sender is given.
    id: MessageId,
    /// The template: sender, date, content description; `Recipient` as addressed.
    info: MessageInfo,
    content: Option<String>,
    sender: UserId,
    report: bool,
    expires: Timestamp,
}

/// One copy to create.
struct Planned {
    recipient: UserId,
    /// Group copies: the group, the joined session, the sender's screen name there, and the
    /// recipient shown (the group or the screen name).
    group: Option<(GroupId, SessionId, Option<SName>, Group)>,
}

/// What distributing a message did.
struct Distribution {
    /// Addressees (users, groups, screen names, contact lists) that took the message.
    accepted: usize,
    failures: Vec<(ResultCode, Target)>,
}

/// A `Result`: 200 when nothing failed, 201 when some addressees took it, else the one failure
/// code (900 when they differ), with a `DetailedResult` per failure code. Entities a version
/// cannot carry in `DetailedResult` (contact lists and message ids in 1.1) are named in its
/// `Description` instead.
fn result_of(version: Version, accepted: usize, failures: &[(ResultCode, Target)]) -> CspResult {
    if failures.is_empty() {
        return CspResult::new(ResultCode::SUCCESSFUL);
    }
    let codes: Vec<ResultCode> = failures.iter().fold(Vec::new(), |mut v, (c, _)| {
        if !v.contains(c) {
            v.push(*c);
        }
        v
    });
    let code = if accepted > 0 {
        ResultCode::PARTIALLY_SUCCESSFUL
    } else if codes.len() == 1 {
        codes[0]
    } else {
        ResultCode::MULTIPLE_ERRORS
    };
    let mut result = CspResult::described(code);
    for c in codes {
        let mut d = DetailedResult::default();
        d.code = c;
        let mut unnamed = Vec::new();
        for (_, t) in failures.iter().filter(|(fc, _)| *fc == c) {
            match t {
                Target::User(u) => d.user_ids.push(u.clone()),
                Target::Group(g) => d.group_ids.push(g.clone()),
                Target::ScreenName(s) => d.screen_names.push(s.clone()),
                Target::ContactList(l) if version != Version::V1_1 => d.contact_lists.push(l.clone()),
                Target::Message(m) if version != Version::V1_1 => d.message_ids.push(m.clone()),
                Target::ContactList(l) => unnamed.push(l.to_string()),
                Target::Message(m) => unnamed.push(m.to_string()),
            }
        }
        d.description = if unnamed.is_empty() {
            c.description().map(str::to_owned)
        } else {
            Some(format!("{}: {}", c.description().unwrap_or("failed"), unnamed.join(" ")))
        };
        result.detailed_results.push(d);
    }
    result
}

/// `MessageInfo` as a session of `version` can carry it (`ContentName` is 1.3 only).
fn info_for(mut info: MessageInfo, version: Version) -> MessageInfo {
    if version != Version::V1_3 {
        info.content_name = None;
    }
    info
}

/// CSP block/grant entries as the authorisation engine's entities. `ContactList` and
/// `ApplicationID` entries (1.3, inferred) are not supported: `None`.
fn entities_of(list: &EntityList) -> Option<Vec<Entity>> {
    if !list.contact_lists.is_empty() || !list.application_ids.is_empty() {
        return None;
    }
    let mut out: Vec<Entity> = list.user_ids.iter().map(|u| Entity::User(u.normalized())).collect();
    out.extend(
        list.screen_names.iter().map(|s| Entity::ScreenName { group: s.group_id.normalized(), name: s.sname.clone() }),
    );
    out.extend(list.group_ids.iter().map(|g| Entity::Group(g.normalized())));
    Some(out)
}

fn screen_name(sname: SName, group_id: GroupId) -> ScreenName {
    let mut s = ScreenName::default();
    s.sname = sname;
    s.group_id = group_id;
    s
}

/// A `Recipient` naming one group (or screen name in a group).
fn group_recipient(g: Group) -> Recipient {
    let mut r = Recipient::default();
    r.groups.push(g);
    r
}

fn entity_list_of(entries: &BTreeSet<Entity>) -> EntityList {
    let mut l = EntityList::default();
    for e in entries {
        match e {
            Entity::User(u) => l.user_ids.push(u.clone()),
            Entity::ScreenName { group, name } => l.screen_names.push(screen_name(name.clone(), group.clone())),
            Entity::Group(g) => l.group_ids.push(g.clone()),
        }
    }
    l
}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn im_request(&mut self, ctx: &Ctx, p: Primitive) -> Primitive {
        self.offer_waiting(&ctx.session, &ctx.user);
        match p {
            Primitive::SendMessageRequest(r) => self.send_message(ctx, r),
            Primitive::GetMessageRequest(r) => self.get_message(ctx, r),
            Primitive::ForwardMessageRequest(r) => self.forward_message(ctx, r),
            Primitive::RejectMessageRequest(r) => self.reject_message(ctx, r),
            Primitive::GetMessageListRequest(r) => self.get_message_list(ctx, r),
            Primitive::SetDeliveryMethodRequest(r) => self.set_delivery_method(ctx, r),
            Primitive::GetBlockedListRequest(_) => self.get_blocked_list(ctx),
            Primitive::BlockEntityRequest(r) => self.block_entity(ctx, r),
            _ => status(ResultCode::NOT_IMPLEMENTED),
        }
    }

    // ---- sending ----

    /// `SendMessage-Request` (seed 4.1).
    ///
    /// * Content larger than `limits.max_message_bytes` (counted as the `ContentData` text
    ///   carries it, BASE64 included) is refused whole with **402** (bad parameter; CSP has no
    ///   "too large" code), as is a `Recipient` naming nobody.
    /// * The server, not the client, says who sent it and when: `Sender` becomes the session's
    ///   user (or its screen name in a group) and `DateTime` the time of acceptance, whatever the
    ///   request carried. `Validity` is capped at `limits.max_message_validity_secs`; without
    ///   one a copy keeps `limits.default_message_validity_secs`. Everything else, the content
    ///   above all, travels untouched: any `ContentType`, `ContentEncoding` passed through, the
    ///   `ContentData` text byte for byte.
    /// * Per addressee: unknown user 531 (516 for an unknown user of another domain), blocked by
    ///   the recipient's block or grant list 532, recipient's store full 507, contact list
    ///   missing 700, group errors as the group feature reports them (800, 808, 812, 531). An
    ///   offline recipient is not an error: the copy is stored (200).
    /// * The answer is `SendMessage-Response` with the `MessageID` when at least one addressee
    ///   took the message: 200, or 201 with a `DetailedResult` per failure code; when none did,
    ///   the failure code (900 when several) with the details and no `MessageID`.
    fn send_message(&mut self, ctx: &Ctx, req: SendMessageRequest) -> Primitive {
        let wants_report = req.wants_delivery_report();
        let size = req.content_data.as_ref().map_or(0, String::len);
        let limit = self.config.limits.max_message_bytes;
        if size > limit {
            let mut r = CspResult::new(ResultCode::BAD_PARAMETER);
            r.description = Some(format!("content of {size} bytes exceeds the limit of {limit}"));
            return SendMessageResponse::new(r, None).into();
        }
        let recipient = req.message_info.recipient.clone();
        if recipient.users.is_empty() && recipient.groups.is_empty() && recipient.contact_lists.is_empty() {
            let mut r = CspResult::new(ResultCode::BAD_PARAMETER);
            r.description = Some("no recipient".into());
            return SendMessageResponse::new(r, None).into();
        }
        let id = self.new_message_id();
        let (info, expires) = self.accepted_info(ctx, req.message_info);
        let out = Outgoing {
            id: id.clone(),
            info,
            content: req.content_data,
            sender: ctx.user.clone(),
            report: wants_report,
            expires,
        };
        let d = self.distribute(ctx, &out, &recipient);
        let result = result_of(ctx.version, d.accepted, &d.failures);
        SendMessageResponse::new(result, (d.accepted > 0).then_some(id)).into()
    }

    /// The `MessageInfo` of an accepted message: server-set sender and date, capped validity;
    /// and its expiry time.
    fn accepted_info(&self, ctx: &Ctx, mut info: MessageInfo) -> (MessageInfo, Timestamp) {
        let limits = &self.config.limits;
        info.message_id = None;
        info.sender = Sender::User(User::new(ctx.user.clone()));
        info.date_time = Some(ctx.now.to_datetime());
        if let Some(v) = info.validity.as_mut() {
            *v = (*v as u64).min(limits.max_message_validity_secs) as u32;
        }
        let secs = info.validity.map_or(limits.default_message_validity_secs, |v| v as u64);
        (info, ctx.now.add_secs(secs.min(limits.max_message_validity_secs)))
    }

    /// A fresh message id: `m` and 12 random hex digits, unused.
    fn new_message_id(&mut self) -> MessageId {
        loop {
            let id = MessageId::new(format!("m{}", self.rng.token(6)));
            if !self.st.im.records.contains_key(&id) {
                return id;
            }
        }
    }

    /// Resolves `recipient` (users, contact lists, groups, screen names in groups), checks each
    /// addressee, creates the copies and offers them. See [`send_message`](Self::send_message)
    /// for the codes.
    ///
    /// A user named twice (directly and through a contact list, say) gets one copy. A group
    /// message goes to every joined session except the sender's own user's (a sender does not
    /// receive its own group messages), with the block and grant lists of each receiver applied
    /// to the sender as seen through the group (user, group, screen name). Receivers who block
    /// the sender, or whose store is full, are skipped silently: for a group the sender learns
    /// only about delivery to the group (seed 4.1), and that is what its report says.
    fn distribute(&mut self, ctx: &Ctx, out: &Outgoing, recipient: &Recipient) -> Distribution {
        let mut failures: Vec<(ResultCode, Target)> = Vec::new();
        let mut accepted = 0usize;
        let mut planned: Vec<Planned> = Vec::new();
        // Pending copies per user, for the store bound.
        let mut planned_for: BTreeMap<UserId, usize> = BTreeMap::new();
        let max_store = self.config.limits.max_stored_messages_per_user;

        // Users: named directly, then members of the sender's contact lists.
        let mut users: Vec<(UserId, Target)> =
            recipient.users.iter().map(|u| (u.user_id.clone(), Target::User(u.user_id.clone()))).collect();
        for list in &recipient.contact_lists {
            match self.contact_list_members(&out.sender, list) {
                Some(members) => {
                    accepted += 1;
                    users.extend(members.into_iter().map(|m| (m.clone(), Target::User(m))));
                }
                None => failures.push((ResultCode::CONTACT_LIST_DOES_NOT_EXIST, Target::ContactList(list.clone()))),
            }
        }
        let direct = recipient.users.len();
        let mut seen = BTreeSet::new();
        for (i, (user, target)) in users.into_iter().enumerate() {
            let u = user.normalized();
            if !seen.insert(u.clone()) {
                continue;
            }
            let code = if !self.st.accounts.contains_key(&u) {
                let foreign = u.domain().is_some_and(|d| !d.eq_ignore_ascii_case(&self.config.domain));
                Some(if foreign { ResultCode::DOMAIN_NOT_SUPPORTED } else { ResultCode::UNKNOWN_USER })
            } else if !self.may_message(&u, &imps_auth::Sender::user(out.sender.clone())) {
                Some(ResultCode::RECIPIENT_BLOCKED_THE_SENDER)
            } else if self.st.im.count_of_user(&u, false) + planned_for.get(&u).copied().unwrap_or(0) >= max_store {
                Some(ResultCode::MESSAGE_QUEUE_FULL)
            } else {
                None
            };
            match code {
                Some(c) => failures.push((c, target)),
                None => {
                    if i < direct {
                        accepted += 1;
                    }
                    *planned_for.entry(u.clone()).or_default() += 1;
                    planned.push(Planned { recipient: u, group: None });
                }
            }
        }

        // Groups, and screen names inside groups (private messages).
        let mut group_reports: Vec<Group> = Vec::new();
        let mut seen_groups = BTreeSet::new();
        for g in &recipient.groups {
            match g {
                Group::GroupId(gid) => {
                    if !seen_groups.insert(gid.normalized()) {
                        continue;
                    }
                    match self.group_message_targets(gid, &ctx.session) {
                        Err(code) => failures.push((code, Target::Group(gid.clone()))),
                        Ok((sname, targets)) => {
                            accepted += 1;
                            group_reports.push(g.clone());
                            let via = imps_auth::Sender::via_group(out.sender.clone(), gid.clone(), sname.clone());
                            for t in targets {
                                let u = t.user.normalized();
                                if u == out.sender
                                    || !self.may_message(&u, &via)
                                    || self.st.im.count_of_user(&u, false) + planned_for.get(&u).copied().unwrap_or(0)
                                        >= max_store
                                {
                                    continue;
                                }
                                *planned_for.entry(u.clone()).or_default() += 1;
                                planned.push(Planned {
                                    recipient: u,
                                    group: Some((gid.clone(), t.session, sname.clone(), g.clone())),
                                });
                            }
                        }
                    }
                }
                Group::ScreenName(sn) => match self.group_private_target(&sn.group_id, &sn.sname, &ctx.session) {
                    Err(code) => failures.push((code, Target::ScreenName(sn.clone()))),
                    Ok((sname, t)) => {
                        let u = t.user.normalized();
                        let via = imps_auth::Sender::via_group(out.sender.clone(), sn.group_id.clone(), sname.clone());
                        if !self.may_message(&u, &via) {
                            failures.push((ResultCode::RECIPIENT_BLOCKED_THE_SENDER, Target::ScreenName(sn.clone())));
                        } else if self.st.im.count_of_user(&u, false) + planned_for.get(&u).copied().unwrap_or(0)
                            >= max_store
                        {
                            failures.push((ResultCode::MESSAGE_QUEUE_FULL, Target::ScreenName(sn.clone())));
                        } else {
                            accepted += 1;
                            group_reports.push(g.clone());
                            *planned_for.entry(u.clone()).or_default() += 1;
                            planned.push(Planned {
                                recipient: u,
                                group: Some((sn.group_id.clone(), t.session, sname, g.clone())),
                            });
                        }
                    }
                },
            }
        }

        // Create and offer the copies.
        let several = planned.len() > 1;
        let mut one_to_one_recipient = recipient.clone();
        one_to_one_recipient.groups.clear();
        for (n, p) in planned.into_iter().enumerate() {
            let cid = if several { MessageId::new(format!("{}.{}", out.id, n + 1)) } else { out.id.clone() };
            let mut info = out.info.clone();
            info.message_id = Some(cid.clone());
            let seq = self.st.im.next_seq;
            self.st.im.next_seq += 1;
            let mut rec = StoredMessage {
                info,
                content: out.content.clone(),
                sender: out.sender.clone(),
                sender_session: Some(ctx.session.clone()),
                sender_message_id: out.id.clone(),
                recipient: p.recipient.clone(),
                group: None,
                seq,
                expires: out.expires,
                delivery_report: out.report,
                state: DeliveryState::Stored,
            };
            match p.group {
                None => {
                    rec.info.recipient = one_to_one_recipient.clone();
                    self.dirty.messages.insert(cid.clone());
                    self.st.im.insert(cid.clone(), rec);
                    self.offer_to_user(&cid, &p.recipient, None);
                }
                Some((gid, session, sname, shown)) => {
                    rec.info.recipient = group_recipient(shown);
                    if let Some(name) = sname {
                        rec.info.sender = Sender::Group(Group::ScreenName(screen_name(name, gid.clone())));
                    }
                    rec.group = Some(gid);
                    // The sender's report covers delivery to the group, given below.
                    rec.delivery_report = false;
                    self.st.im.insert(cid.clone(), rec);
                    if !self.offer(&cid, &session, true) {
                        // The joined session cannot take it (queue full): a group message is not
                        // stored for later.
                        self.st.im.remove(&cid);
                    }
                }
            }
        }
        if out.report {
            for g in group_reports {
                let mut info = out.info.clone();
                info.message_id = Some(out.id.clone());
                info.recipient = group_recipient(g);
                self.report(
                    ctx.now,
                    &out.sender,
                    Some(&ctx.session),
                    None,
                    info,
                    ResultCode::SUCCESSFUL,
                    Some(ctx.now),
                );
            }
        }
        Distribution { accepted, failures }
    }

    // ---- offering copies to sessions ----

    /// The live sessions of `user` that can take deliveries, most recently active first (latest
    /// request, then newest login), without `exclude`.
    fn delivery_sessions(&self, user: &UserId, exclude: Option<&SessionId>) -> Vec<SessionId> {
        let mut v: Vec<_> = self
            .sessions_of(user)
            .into_iter()
            .filter(|sid| Some(sid) != exclude)
            .filter_map(|sid| self.st.sessions.get(&sid).filter(|s| !s.closing).map(|s| (s.last_seen, s.created, sid)))
            .collect();
        v.sort_by(|a, b| b.cmp(a));
        v.into_iter().map(|(_, _, sid)| sid).collect()
    }

    /// Offers a stored one-to-one copy to the first of its recipient's sessions that takes it;
    /// it stays stored when none does.
    fn offer_to_user(&mut self, id: &MessageId, user: &UserId, exclude: Option<&SessionId>) {
        for sid in self.delivery_sessions(user, exclude) {
            if self.offer(id, &sid, true) {
                return;
            }
        }
    }

    /// The delivery method and push size limit of a session, for messages of `group` (or
    /// one-to-one when `None`): the group's own setting when the session made one, else the
    /// session's.
    fn delivery_pref(&self, sid: &SessionId, group: Option<&GroupId>) -> Option<DeliveryPref> {
        let s = self.st.sessions.get(sid)?;
        let own = DeliveryPref { method: s.delivery, accepted_content_length: s.accepted_content_length };
        Some(
            group
                .and_then(|g| self.st.im.group_prefs.get(sid).and_then(|m| m.get(&g.normalized())))
                .copied()
                .unwrap_or(own),
        )
    }

    /// Whether copy `id` would be pushed to `sid`: the session (or its setting for the copy's
    /// group) is on push and the content, counted as carried, fits its `AcceptedContentLength`.
    /// Otherwise it is notified (seed 4.1: notify/pull for large content).
    fn would_push(&self, id: &MessageId, sid: &SessionId) -> bool {
        let Some(rec) = self.st.im.records.get(id) else { return false };
        let Some(pref) = self.delivery_pref(sid, rec.group.as_ref()) else { return false };
        let size = rec.content.as_ref().map_or(0, String::len);
        pref.method == DeliveryMethod::Push && pref.accepted_content_length.is_none_or(|l| size <= l as usize)
    }

    /// Queues copy `id` for session `sid`: `NewMessage` when it would be pushed and
    /// `allow_push`, else `MessageNotification`. False (and nothing changes) when the session's
    /// queue is full or it is closing.
    fn offer(&mut self, id: &MessageId, sid: &SessionId, allow_push: bool) -> bool {
        let push = allow_push && self.would_push(id, sid);
        let Some(version) = self.st.sessions.get(sid).map(|s| s.version) else { return false };
        let Some(rec) = self.st.im.records.get(id) else { return false };
        let info = info_for(rec.info.clone(), version);
        let (p, awaiting): (Primitive, _) = if push {
            (NewMessage::new(info, rec.content.clone()).into(), Awaiting::MessageDelivery(id.clone()))
        } else {
            (MessageNotification::new(info).into(), Awaiting::Ack)
        };
        let Some(transaction) = self.enqueue(sid, p, awaiting) else { return false };
        let session = sid.clone();
        let rec = self.st.im.records.get_mut(id).expect("checked");
        rec.state = if push {
            DeliveryState::Pushed { session, transaction }
        } else {
            DeliveryState::Notified { session, transaction }
        };
        if rec.group.is_none() {
            self.dirty.messages.insert(id.clone());
        }
        true
    }

    /// Removes a transaction from a session's queue (if not fetched yet) and from what the
    /// session awaits. Returns whether it was still queued.
    fn unqueue(&mut self, sid: &SessionId, tid: &TransactionId) -> bool {
        let Some(s) = self.st.sessions.get_mut(sid) else { return false };
        s.awaiting.remove(tid);
        let before = s.queue.len();
        s.queue.retain(|t| t.id.as_ref() != Some(tid));
        before != s.queue.len()
    }

    /// Whether a transaction still waits in a session's queue.
    fn still_queued(&self, sid: &SessionId, tid: &TransactionId) -> bool {
        self.st.sessions.get(sid).is_some_and(|s| s.queue.iter().any(|t| t.id.as_ref() == Some(tid)))
    }

    // ---- the end of a copy ----

    /// Ends copy `id` with `code` (200 delivered, 538 rejected, 541 forwarded, 542 expired):
    /// removes it, withdraws a notification or push its session has not fetched, and reports to
    /// the sender when it asked.
    fn finish(&mut self, now: Timestamp, id: &MessageId, code: ResultCode) {
        let Some(rec) = self.st.im.remove(id) else { return };
        self.dirty.messages.insert(id.clone());
        if let Some((sid, tid)) = rec.held_by() {
            self.unqueue(sid, tid);
        }
        if rec.delivery_report {
            let mut info = rec.info;
            info.message_id = Some(rec.sender_message_id);
            info.recipient = Recipient::user(rec.recipient.clone());
            let at = (code == ResultCode::SUCCESSFUL).then_some(now);
            self.report(now, &rec.sender, rec.sender_session.as_ref(), None, info, code, at);
        }
    }

    /// Sends a `DeliveryReport-Request` to `to`: to `prefer` (the session the message was sent
    /// from) when it is live, else to its most recently active session. When no session takes
    /// it (offline, queues full), the report is stored and handed to the next session `to`
    /// logs in with, or to one of its sessions at its next IM request; a stored report is dropped after `limits.default_message_validity_secs`,
    /// or at once when `to` already has `limits.max_stored_messages_per_user` reports waiting.
    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        now: Timestamp,
        to: &UserId,
        prefer: Option<&SessionId>,
        exclude: Option<&SessionId>,
        info: MessageInfo,
        code: ResultCode,
        delivered_at: Option<Timestamp>,
    ) {
        let mut sessions: Vec<SessionId> =
            prefer.filter(|p| Some(*p) != exclude && self.sessions_of(to).contains(p)).cloned().into_iter().collect();
        sessions.extend(self.delivery_sessions(to, exclude).into_iter().filter(|s| Some(s) != prefer));
        for sid in sessions {
            if self.queue_report(&sid, &info, code, delivered_at) {
                return;
            }
        }
        if self.st.im.count_of_user(to, true) >= self.config.limits.max_stored_messages_per_user {
            return;
        }
        let id = loop {
            let id = MessageId::new(format!("r{}", self.rng.token(6)));
            if !self.st.im.records.contains_key(&id) {
                break id;
            }
        };
        let seq = self.st.im.next_seq;
        self.st.im.next_seq += 1;
        let sender_message_id = info.message_id.clone().unwrap_or_default();
        let rec = StoredMessage {
            info,
            content: None,
            sender: to.clone(),
            sender_session: None,
            sender_message_id,
            recipient: to.clone(),
            group: None,
            seq,
            expires: now.add_secs(self.config.limits.default_message_validity_secs),
            delivery_report: false,
            state: DeliveryState::Report { code, delivered_at },
        };
        self.dirty.messages.insert(id.clone());
        self.st.im.insert(id, rec);
    }

    /// Queues one `DeliveryReport-Request` for a session, in the session's version.
    fn queue_report(&mut self, sid: &SessionId, info: &MessageInfo, code: ResultCode, at: Option<Timestamp>) -> bool {
        let Some(version) = self.st.sessions.get(sid).map(|s| s.version) else { return false };
        let mut r = DeliveryReportRequest::new(CspResult::described(code), info_for(info.clone(), version));
        if version != Version::V1_1 {
            r.delivery_time = at.map(Timestamp::to_datetime);
        }
        self.enqueue(sid, r.into(), Awaiting::Ack).is_some()
    }

    // ---- hooks ----

    /// Expires copies whose validity is over (542 to a sender who asked for a report) and drops
    /// reports that waited too long. A pushed copy whose `NewMessage` the client has already
    /// fetched is not expired under its feet: it waits for `MessageDelivered`, or for its
    /// session's end (then it is expired at once).
    pub(crate) fn im_timeout(&mut self, now: Timestamp) {
        while let Some((t, id)) = self.st.im.deadlines.first().cloned() {
            if t > now {
                break;
            }
            let Some(rec) = self.st.im.records.get(&id) else {
                self.st.im.deadlines.remove(&(t, id));
                continue;
            };
            match &rec.state {
                DeliveryState::Report { .. } => {
                    self.st.im.remove(&id);
                    self.dirty.messages.insert(id);
                }
                DeliveryState::Pushed { session, transaction } if !self.still_queued(session, transaction) => {
                    self.st.im.deadlines.remove(&(t, id));
                }
                _ => self.finish(now, &id, ResultCode::MESSAGE_HAS_EXPIRED),
            }
        }
    }

    pub(crate) fn im_deadline(&self) -> Option<Timestamp> {
        self.st.im.deadlines.first().map(|(t, _)| *t)
    }

    /// A new session (seed 4.2): what waits for its user is offered to it
    /// ([`offer_waiting`](Self::offer_waiting)).
    pub(crate) fn im_session_start(&mut self, ctx: &Ctx) {
        self.offer_waiting(&ctx.session, &ctx.user);
    }

    /// A `Polling-Request`: what waits for the user and now fits the session's queue is
    /// offered before the queue is drained.
    pub(crate) fn im_poll(&mut self, ctx: &Ctx) {
        self.offer_waiting(&ctx.session, &ctx.user);
    }

    /// Hands what waits for `user` to session `sid`, as far as its queue takes: first the
    /// delivery reports kept for it, then its stored messages announced with
    /// `MessageNotification`s, oldest first (`GetMessageList` lists them all in any case). Runs
    /// when a session starts (seed 4.2) and again at each of its IM requests, so that what was
    /// kept while the user's queues were full reaches it once there is room (the core has no
    /// hook at polling) and at each `Polling-Request`.
    ///
    /// Notification rather than push: at login the session's delivery method and content limit
    /// are not known yet (the client states them with `ClientCapability-Request` afterwards),
    /// and a notification always fits and lets the user fetch, forward or reject each message
    /// (seed 4.1). Messages arriving while the user is online follow its delivery method.
    fn offer_waiting(&mut self, sid: &SessionId, user: &UserId) {
        if !self.st.im.by_user.contains_key(user) {
            return;
        }
        let ids = self.st.im.of_user(user);
        for id in &ids {
            let Some(rec) = self.st.im.records.get(id) else { continue };
            let DeliveryState::Report { code, delivered_at } = rec.state.clone() else { continue };
            let info = rec.info.clone();
            if !self.queue_report(sid, &info, code, delivered_at) {
                break;
            }
            self.st.im.remove(id);
            self.dirty.messages.insert(id.clone());
        }
        for id in &ids {
            let stored = self.st.im.records.get(id).is_some_and(|r| r.state == DeliveryState::Stored);
            if stored && !self.offer(id, sid, false) {
                break;
            }
        }
    }

    /// A session stops: what it holds and has not confirmed is taken back. Its one-to-one
    /// copies (pushed and unconfirmed, or notified) are stored again and offered to the user's
    /// other sessions, if any (one past its validity is expired); its group copies are
    /// dropped; delivery reports still in its queue go to the user's other sessions or are
    /// stored for the next login; its per-group delivery methods are forgotten.
    pub(crate) fn im_session_end(&mut self, now: Timestamp, sid: &SessionId, user: &UserId) {
        let mut back = Vec::new();
        for id in self.st.im.of_user(user) {
            let Some(rec) = self.st.im.records.get(&id) else { continue };
            let Some((s, tid)) = rec.held_by() else { continue };
            if s != sid {
                continue;
            }
            let tid = tid.clone();
            self.unqueue(sid, &tid);
            let rec = self.st.im.records.get_mut(&id).expect("present");
            if rec.group.is_some() {
                self.st.im.remove(&id);
                continue;
            }
            rec.state = DeliveryState::Stored;
            let expires = rec.expires;
            self.dirty.messages.insert(id.clone());
            if expires <= now {
                self.finish(now, &id, ResultCode::MESSAGE_HAS_EXPIRED);
            } else {
                self.st.im.deadlines.insert((expires, id.clone()));
                back.push(id);
            }
        }
        // Delivery reports the client has not fetched.
        let mut reports = Vec::new();
        if let Some(s) = self.st.sessions.get_mut(sid) {
            let mut kept = std::collections::VecDeque::with_capacity(s.queue.len());
            for t in s.queue.drain(..) {
                match t.primitive {
                    Primitive::DeliveryReportRequest(r) => {
                        if let Some(tid) = &t.id {
                            s.awaiting.remove(tid);
                        }
                        reports.push(r);
                    }
                    _ => kept.push_back(t),
                }
            }
            s.queue = kept;
        }
        for r in reports {
            let at = r.delivery_time.as_ref().map(Timestamp::from_datetime);
            self.report(now, user, None, Some(sid), r.message_info, r.result.code, at);
        }
        self.st.im.group_prefs.remove(sid);
        for id in back {
            self.offer_to_user(&id, user, Some(sid));
        }
    }

    /// The client's answer to a `NewMessage` (routed by the core), or a `MessageDelivered`
    /// outside any awaited transaction.
    ///
    /// * `MessageDelivered` for a copy pushed to one of the user's sessions: delivered (200 to a
    ///   sender who asked). For a copy that is gone (already fetched with `GetMessage`, which
    ///   delivers by itself) or only notified, it changes nothing.
    /// * A `Status` 2xx answering the `NewMessage`: delivered too (clients that answer with a
    ///   plain status).
    /// * Any other answer (an error `Status`): the client could not take the push; the copy is
    ///   announced to the same session with a `MessageNotification` instead, so the user can
    ///   still fetch, forward or reject it (it stays stored if the queue is full; a group copy is
    ///   dropped then).
    pub(crate) fn im_delivered(
        &mut self,
        now: Timestamp,
        sid: &SessionId,
        user: &UserId,
        mid: &MessageId,
        p: &Primitive,
    ) {
        let Some(rec) = self.st.im.records.get(mid) else { return };
        if rec.recipient != *user {
            return;
        }
        let DeliveryState::Pushed { session, .. } = &rec.state else { return };
        let own = session == sid;
        match p {
            Primitive::MessageDelivered(_) => self.finish(now, mid, ResultCode::SUCCESSFUL),
            Primitive::Status(s) if own && (200..300).contains(&s.result.code.0) => {
                self.finish(now, mid, ResultCode::SUCCESSFUL)
            }
            _ if own => {
                let group = rec.group.is_some();
                let rec = self.st.im.records.get_mut(mid).expect("present");
                rec.state = DeliveryState::Stored;
                if !group {
                    self.dirty.messages.insert(mid.clone());
                }
                if !self.offer(mid, sid, false) && group {
                    self.st.im.remove(mid);
                }
            }
            _ => {}
        }
    }

    // ---- the recipient's side ----

    /// The copy `id` if it is one of `user`'s (any state); else 426.
    fn own_copy(&self, user: &UserId, id: &MessageId) -> Result<&StoredMessage, ResultCode> {
        self.st.im.records.get(id).filter(|r| r.recipient == *user && r.is_copy()).ok_or(ResultCode::INVALID_MESSAGE_ID)
    }

    /// `GetMessage-Request`: the copy's `MessageInfo` and content, from any session of its
    /// recipient. Handing it over in the response is the delivery: the copy leaves the store
    /// (200 to a sender who asked); a later `MessageDelivered` for it is accepted and changes
    /// nothing. Unknown, already delivered or someone else's message: 426.
    fn get_message(&mut self, ctx: &Ctx, req: GetMessageRequest) -> Primitive {
        let (info, content) = match self.own_copy(&ctx.user, &req.message_id) {
            Ok(rec) => (rec.info.clone(), rec.content.clone()),
            Err(code) => return status(code),
        };
        self.finish(ctx.now, &req.message_id, ResultCode::SUCCESSFUL);
        GetMessageResponse::new(info_for(info, ctx.version), content).into()
    }

    /// `RejectMessage-Request`: each listed copy of the user is discarded (538 to a sender who
    /// asked). `Status` 200; 201 with 426 details for ids that are not the user's undelivered
    /// messages; 426 when none is; 402 for an empty list.
    fn reject_message(&mut self, ctx: &Ctx, req: RejectMessageRequest) -> Primitive {
        if req.message_ids.is_empty() {
            return status(ResultCode::BAD_PARAMETER);
        }
        let mut ok = 0;
        let mut failures = Vec::new();
        for id in req.message_ids {
            match self.own_copy(&ctx.user, &id) {
                Ok(_) => {
                    self.finish(ctx.now, &id, ResultCode::MESSAGE_HAS_BEEN_REJECTED);
                    ok += 1;
                }
                Err(code) => failures.push((code, Target::Message(id))),
            }
        }
        Status::new(result_of(ctx.version, ok, &failures)).into()
    }

    /// `ForwardMessage-Request`: the user passes one of its undelivered messages on without
    /// fetching it (seed 4.1). The forwarded message is a new message **from the forwarder**
    /// (its `Sender`, checked against the new recipients' block lists as the forwarder), with the
    /// original content and content description, a new `MessageID`, no delivery report, and the
    /// same per-recipient rules and codes as `SendMessage-Request`.
    ///
    /// When at least one new recipient takes it, the original copy is disposed of: it leaves
    /// the store and its sender, if it asked for a report, gets 541 (forwarded). When none does,
    /// the original stays where it was.
    ///
    /// The answer: 1.3 `ForwardMessage-Response` with the new id when every recipient took it;
    /// otherwise (and in 1.1 and 1.2) `Status` with 200, 201 or the failure code and details.
    /// 426 when the message is not the user's.
    fn forward_message(&mut self, ctx: &Ctx, req: ForwardMessageRequest) -> Primitive {
        let (info, content) = match self.own_copy(&ctx.user, &req.message_id) {
            Ok(rec) => (rec.info.clone(), rec.content.clone()),
            Err(code) => return status(code),
        };
        let r = &req.recipient;
        if r.users.is_empty() && r.groups.is_empty() && r.contact_lists.is_empty() {
            return status(ResultCode::BAD_PARAMETER);
        }
        let id = self.new_message_id();
        let mut info = info;
        info.recipient = req.recipient.clone();
        let (info, expires) = self.accepted_info(ctx, info);
        let out = Outgoing { id: id.clone(), info, content, sender: ctx.user.clone(), report: false, expires };
        let d = self.distribute(ctx, &out, &req.recipient);
        if d.accepted > 0 {
            self.finish(ctx.now, &req.message_id, ResultCode::MESSAGE_HAS_BEEN_FORWARDED);
        }
        if ctx.version == Version::V1_3 && d.failures.is_empty() {
            return ForwardMessageResponse::new(id).into();
        }
        Status::new(result_of(ctx.version, d.accepted, &d.failures)).into()
    }

    /// `GetMessageList-Request` (seed 4.2): the user's undelivered messages, oldest first,
    /// whatever their state (stored, notified, or pushed and not yet confirmed), one-to-one and
    /// group alike; only those of `GroupID` when given; at most `MessageCount`. Listing changes
    /// nothing. In 1.3 `MessageTotalCount` says how many match in all.
    fn get_message_list(&mut self, ctx: &Ctx, req: GetMessageListRequest) -> Primitive {
        let group = req.group_id.as_ref().map(GroupId::normalized);
        let matching: Vec<MessageInfo> = self
            .st
            .im
            .of_user(&ctx.user)
            .iter()
            .filter_map(|id| self.st.im.records.get(id))
            .filter(|r| r.is_copy())
            .filter(|r| group.is_none() || r.group.as_ref().map(GroupId::normalized) == group)
            .map(|r| info_for(r.info.clone(), ctx.version))
            .collect();
        let total = matching.len();
        let count = req.message_count.map_or(usize::MAX, |c| c as usize);
        let mut resp = GetMessageListResponse::new(matching.into_iter().take(count).collect());
        if ctx.version == Version::V1_3 {
            resp.message_total_count = Some(u32::try_from(total).unwrap_or(u32::MAX));
        }
        resp.into()
    }

    /// `SetDeliveryMethod-Request` (seed 4.1: the receiving method chosen at login "may be
    /// altered at later phase").
    ///
    /// Without `GroupID` it sets the session's method; `AcceptedContentLength`, when present,
    /// replaces the session's push size limit (absent keeps the current one). With `GroupID` it
    /// sets the method (and limit: `AcceptedContentLength`, or 1.3 `GroupContentLimit`) for that
    /// group's messages in this session only, until the session ends; 800 when the group does
    /// not exist, 503 beyond `limits.max_groups_per_user` groups per session.
    ///
    /// Pushes this session has not fetched yet and that the new setting would not push are
    /// withdrawn and announced with `MessageNotification` instead.
    fn set_delivery_method(&mut self, ctx: &Ctx, req: SetDeliveryMethodRequest) -> Primitive {
        let group = req.group_id.as_ref().map(GroupId::normalized);
        match &group {
            Some(g) => {
                if !self.group_exists(g) {
                    return status(ResultCode::GROUP_DOES_NOT_EXIST);
                }
                let max = self.config.limits.max_groups_per_user;
                let prefs = self.st.im.group_prefs.entry(ctx.session.clone()).or_default();
                if !prefs.contains_key(g) && prefs.len() >= max {
                    return status(ResultCode::SERVICE_UNAVAILABLE);
                }
                let limit = req.accepted_content_length.or(req.group_content_limit);
                prefs.insert(g.clone(), DeliveryPref { method: req.delivery_method, accepted_content_length: limit });
            }
            None => {
                let s = self.st.sessions.get_mut(&ctx.session).expect("live session");
                s.delivery = req.delivery_method;
                if let Some(l) = req.accepted_content_length {
                    s.accepted_content_length = Some(l);
                }
            }
        }
        // Re-route unfetched pushes the new setting no longer pushes.
        for id in self.st.im.of_user(&ctx.user) {
            let Some(DeliveryState::Pushed { session, transaction }) =
                self.st.im.records.get(&id).map(|r| r.state.clone())
            else {
                continue;
            };
            if session != ctx.session || self.would_push(&id, &session) || !self.unqueue(&session, &transaction) {
                continue;
            }
            let rec = self.st.im.records.get_mut(&id).expect("present");
            rec.state = DeliveryState::Stored;
            let is_group = rec.group.is_some();
            if !self.offer(&id, &session, false) && is_group {
                self.st.im.remove(&id);
            }
        }
        status(ResultCode::SUCCESSFUL)
    }

    // ---- block and grant lists (seed 4.3) ----

    /// `GetBlockedList-Request`: both lists, always present, with their in-use flags (`InUse`
    /// in 1.1/1.2, `BlockListInUse`/`GrantListInUse` in 1.3).
    fn get_blocked_list(&mut self, ctx: &Ctx) -> Primitive {
        let lists = self.st.presence.auth.access_lists(&ctx.user).cloned().unwrap_or_default();
        let mut r = GetBlockedListResponse::default();
        let block = AccessList::entities(entity_list_of(&lists.block.entries));
        let grant = AccessList::entities(entity_list_of(&lists.grant.entries));
        if ctx.version == Version::V1_3 {
            r.block_list = Some(block);
            r.grant_list = Some(grant);
            r.block_list_in_use = Some(lists.block.in_use);
            r.grant_list_in_use = Some(lists.grant.in_use);
        } else {
            r.block_list = Some(block.with_in_use(lists.block.in_use));
            r.grant_list = Some(grant.with_in_use(lists.grant.in_use));
        }
        r.into()
    }

    /// `BlockEntity-Request` (`BlockUser-Request` in 1.1): changes the block and grant lists.
    /// An `EntityList` replaces the list's entries; `AddList` then `RemoveList` change them;
    /// `InUse` (or 1.3 `BlockListInUse`/`GrantListInUse`) switches the list on or off. Entries
    /// are users, screen names in groups and groups (the rule is
    /// [`imps_auth::AccessLists::allows`]: blocked wins; a grant list in use admits only whom it
    /// names). All or nothing: on any error no list changes. 402 for an invalid entry or for
    /// 1.3 `ContactList`/`ApplicationID` entries (not supported), 754 when a list would exceed
    /// its size limit.
    fn block_entity(&mut self, ctx: &Ctx, req: BlockEntityRequest) -> Primitive {
        let user = ctx.user.clone();
        let before = self.st.presence.auth.access_lists(&user).cloned().unwrap_or_default();
        let changes = [
            (AccessListKind::Block, req.block_list, req.block_list_in_use),
            (AccessListKind::Grant, req.grant_list, req.grant_list_in_use),
        ];
        let mut result = Ok(());
        for (kind, list, in_use_13) in changes {
            result = self.apply_access_change(&user, kind, list, in_use_13);
            if result.is_err() {
                break;
            }
        }
        if let Err(code) = result {
            // Put both lists back as they were.
            let auth = &mut self.st.presence.auth;
            for kind in [AccessListKind::Block, AccessListKind::Grant] {
                let current: Vec<Entity> = auth
                    .access_lists(&user)
                    .map(|a| a.list(kind).entries.iter().cloned().collect())
                    .unwrap_or_default();
                let old = before.list(kind);
                let _ = auth.remove_access_entries(&user, kind, &current);
                let _ = auth.add_access_entries(&user, kind, &old.entries.iter().cloned().collect::<Vec<_>>());
                let _ = auth.set_access_list_in_use(&user, kind, old.in_use);
            }
            return status(code);
        }
        self.dirty.users.insert(user);
        status(ResultCode::SUCCESSFUL)
    }

    fn apply_access_change(
        &mut self,
        user: &UserId,
        kind: AccessListKind,
        list: Option<AccessList>,
        in_use_13: Option<bool>,
    ) -> Result<(), ResultCode> {
        let auth = &mut self.st.presence.auth;
        let code = |e: imps_auth::Error| e.result_code();
        let in_use = list.as_ref().and_then(|l| l.in_use).or(in_use_13);
        match list.and_then(|l| l.entries) {
            None => {}
            Some(ListEntries::Entities(l)) => {
                let new = entities_of(&l).ok_or(ResultCode::BAD_PARAMETER)?;
                let current: Vec<Entity> =
                    auth.access_lists(user).map(|a| a.list(kind).entries.iter().cloned().collect()).unwrap_or_default();
                auth.remove_access_entries(user, kind, &current).map_err(code)?;
                auth.add_access_entries(user, kind, &new).map_err(code)?;
            }
            Some(ListEntries::Changes { add, remove }) => {
                if let Some(a) = add {
                    let a = entities_of(&a).ok_or(ResultCode::BAD_PARAMETER)?;
                    auth.add_access_entries(user, kind, &a).map_err(code)?;
                }
                if let Some(r) = remove {
                    let r = entities_of(&r).ok_or(ResultCode::BAD_PARAMETER)?;
                    auth.remove_access_entries(user, kind, &r).map_err(code)?;
                }
            }
        }
        if let Some(b) = in_use {
            auth.set_access_list_in_use(user, kind, b).map_err(code)?;
        }
        Ok(())
    }
}
