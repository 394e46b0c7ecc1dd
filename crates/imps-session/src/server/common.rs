//! Common features (seed section 8, shared content 6): search for users and groups,
//! invitations and their cancellation.
//!
//! # Search (seed 5.2.4, 8.1; spec notes 2.2)
//!
//! `Search-Request` with criteria starts a search: users are found among the accounts (user id,
//! first and last name, email address, alias, mobile number), groups among
//! [`group_search_entries`](Engine::group_search_entries) (group id, name, topic, owner, joined
//! user). Results are sorted by id. One page of at most `SearchLimit` results (capped by
//! `Limits::max_search_results`) is answered; when more remain, the search stays open under a
//! `SearchID` for `Search-Request`s with `SearchID` and `SearchIndex`, until `StopSearch-Request`
//! or `Limits::search_validity_secs` without use. See [`Engine::search`] for every rule.
//!
//! # Invitations (seed 5.2.3, 6, 8.2)
//!
//! `Invite-Request` (group `GR`, presence `PR`, content `SC`, messaging `IM`) goes to every
//! recipient as an `InviteUser-Request`; the invitee answers with `InviteUser-Response`, which
//! reaches the inviter as `Invite-Response`; `CancelInvite-Request` withdraws it
//! (`CancelInviteUser-Request` to those who have not answered). Invitations to offline users are
//! kept and delivered when they are next logged in; answers to an offline inviter likewise.
//! Everything ends at the invitation's validity. See [`Engine::invite`],
//! [`Engine::answer_invitation`], [`Engine::cancel_invite`] and [`Engine::expire_invitation`].
//!
//! Searches and invitations live in [`CommonState`] (part of the serialisable
//! [`EngineState`](super::EngineState)); they are working state, not written to the
//! [`Storage`]: a restarted engine has none (a client's answer to an invitation from before the
//! restart gets 423, a continued search 424).

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use imps_csp::elements::UrlList;
use imps_csp::elements::{CspResult, DetailedResult, Group, Recipient, ScreenName, Sender, User, UserList};
use imps_csp::ids::{GroupId, InviteId, SearchId, SessionId, UserId};
use imps_csp::presence::{AttrSet, PresenceAttr};
use imps_csp::primitive::access::Status;
use imps_csp::primitive::common::{
    CancelInviteRequest, CancelInviteUserRequest, GroupList, InviteRequest, InviteResponse, InviteType,
    InviteUserRequest, InviteUserResponse, SearchElement, SearchPairList, SearchRequest, SearchResponse, SearchResult,
    SearchTarget, StopSearchRequest,
};
use imps_csp::{Message, Primitive, ResultCode, SessionDescriptor, Transaction, Version};
use serde::{Deserialize, Serialize};

use super::engine::{status, Awaiting, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// `ResponseNote` of the `Invite-Response` (Acceptance `F`) an inviter gets for each recipient
/// that had not answered when the invitation expired.
pub(crate) const INVITATION_EXPIRED_NOTE: &str = "Invitation expired";

/// Searches and invitations in progress.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CommonState {
    /// Open searches by `SearchID`.
    pub(crate) searches: BTreeMap<u32, SearchRecord>,
    /// The last `SearchID` handed out.
    pub(crate) last_search_id: u32,
    /// Open invitations by server key.
    pub(crate) invitations: BTreeMap<u64, Invitation>,
    /// The last invitation key handed out.
    pub(crate) last_invitation: u64,
    /// Inviter -> its `InviteID`s -> key.
    pub(crate) by_inviter: BTreeMap<UserId, BTreeMap<InviteId, u64>>,
    /// Invitee -> keys of invitations it has not answered (delivered or waiting).
    pub(crate) by_invitee: BTreeMap<UserId, BTreeSet<u64>>,
    /// Invitee -> keys of invitations waiting for its login (or for room in its queue).
    pub(crate) undelivered: BTreeMap<UserId, BTreeSet<u64>>,
    /// Inviter -> keys of invitations with answers it has not been told yet.
    pub(crate) unnotified: BTreeMap<UserId, BTreeSet<u64>>,
    /// (expiry, key) of every invitation.
    pub(crate) expiry: BTreeSet<(Timestamp, u64)>,
}

/// One open search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SearchRecord {
    /// The session that started it (only it may continue or stop it).
    pub session: SessionId,
    /// The criteria, as sent.
    pub pairs: Vec<SearchPairList>,
    /// Users or groups.
    pub target: SearchTarget,
    /// Every result (user or group ids), sorted.
    pub results: Vec<String>,
    /// Page size.
    pub limit: u32,
    /// Index after the last page delivered.
    pub next_index: u32,
    /// Last use (for replacing the least recently used).
    pub last_used: Timestamp,
    /// When it is dropped unless used again.
    pub expires: Timestamp,
}

/// One open invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Invitation {
    pub inviter: UserId,
    pub invite_id: InviteId,
    pub invite_type: InviteType,
    pub group_id: Option<GroupId>,
    pub presence_attrs: Option<AttrSet>,
    pub url_list: Option<UrlList>,
    pub note: Option<String>,
    /// The inviter as invitees see it: its user id, or its screen name in a group.
    pub sender: Sender,
    pub created: Timestamp,
    pub expires: Timestamp,
    /// Recipients not yet settled (cancelled ones and those whose answer reached the inviter are
    /// removed).
    pub recipients: BTreeMap<UserId, Invitee>,
}

/// One recipient of an invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Invitee {
    /// The recipient as the inviter knows it: a user id, or a screen name in a group.
    pub shown_as: Sender,
    /// The group recipient it was reached through, if any.
    pub via_group: Option<GroupId>,
    pub state: InviteeState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum InviteeState {
    /// Waiting for the recipient to be logged in with room in a queue.
    Undelivered,
    /// `InviteUser-Request` queued; no answer yet.
    Delivered,
    /// Answered; the inviter has not been told yet.
    Answered { acceptance: bool, note: Option<String> },
}

/// One parsed search criterion.
#[derive(Debug, Clone, PartialEq)]
enum Criterion {
    /// Case-insensitive substring of a text field (already lower-cased and normalised).
    Text(SearchElement, String),
    /// `USER_ONLINE_STATUS`.
    Online(bool),
    /// `GROUP_USER_ID_OWNER` / `GROUP_USER_ID_JOINED`: exactly this (normalised) user.
    User(SearchElement, UserId),
}

/// Failures per result code, for a `DetailedResult` list.
#[derive(Default)]
struct Failures {
    by_code: BTreeMap<u32, DetailedResult>,
    version: Option<Version>,
}

impl Failures {
    fn entry(&mut self, code: ResultCode) -> &mut DetailedResult {
        self.by_code.entry(code.0).or_insert_with(|| {
            let mut d = DetailedResult::default();
            d.code = code;
            d.description = code.description().map(str::to_owned);
            d
        })
    }
    fn user(&mut self, code: ResultCode, u: UserId) {
        let d = self.entry(code);
        if !d.user_ids.contains(&u) {
            d.user_ids.push(u);
        }
    }
    fn shown(&mut self, code: ResultCode, who: &Sender) {
        match who {
            Sender::User(u) => self.user(code, u.user_id.clone()),
            Sender::Group(Group::ScreenName(sn)) => self.entry(code).screen_names.push(sn.clone()),
            Sender::Group(Group::GroupId(g)) => self.entry(code).group_ids.push(g.clone()),
        }
    }
    fn group(&mut self, code: ResultCode, g: &Group) {
        match g {
            Group::GroupId(g) => self.entry(code).group_ids.push(g.clone()),
            Group::ScreenName(sn) => self.entry(code).screen_names.push(sn.clone()),
        }
    }
    fn contact_list(&mut self, code: ResultCode, list: &imps_csp::ids::ContactListId) {
        let v11 = self.version == Some(Version::V1_1);
        let d = self.entry(code);
        if v11 {
            // 1.1's DetailedResult has no ContactList: name it in the description.
            let text = format!("{} {}", d.description.take().unwrap_or_default(), list).trim().to_owned();
            d.description = Some(text);
        } else {
            d.contact_lists.push(list.clone());
        }
    }
    fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
    /// The result of a request that reached `delivered` recipients.
    fn result(self, delivered: usize) -> CspResult {
        let details: Vec<DetailedResult> = self.by_code.into_values().collect();
        let code = if details.is_empty() {
            ResultCode::SUCCESSFUL
        } else if delivered > 0 {
            ResultCode::PARTIALLY_SUCCESSFUL
        } else if details.len() == 1 {
            details[0].code
        } else {
            ResultCode::MULTIPLE_ERRORS
        };
        let mut r = CspResult::described(code);
        r.detailed_results = details;
        r
    }
}

fn status_with(result: CspResult) -> Primitive {
    Status::new(result).into()
}

fn described(code: ResultCode, text: &str) -> Primitive {
    let mut r = CspResult::new(code);
    r.description = Some(text.to_owned());
    Status::new(r).into()
}

/// `wv:` dropped, for substring matching of ids (every id starts with it).
fn strip_scheme(s: &str) -> &str {
    match s.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("wv:") => &s[3..],
        _ => s,
    }
}

/// Mobile numbers compare without their punctuation.
fn phone_digits(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/')).collect::<String>().to_lowercase()
}

fn contains_ci(field: Option<&str>, needle: &str) -> bool {
    field.is_some_and(|f| f.to_lowercase().contains(needle))
}

fn screen_name(sname: imps_csp::ids::SName, group_id: GroupId) -> ScreenName {
    let mut sn = ScreenName::default();
    sn.sname = sname;
    sn.group_id = group_id;
    sn
}

fn same_screen_name(a: &ScreenName, b: &ScreenName) -> bool {
    a.sname == b.sname && a.group_id.normalized() == b.group_id.normalized()
}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn common_request(&mut self, ctx: &Ctx, p: Primitive) -> Primitive {
        match p {
            Primitive::SearchRequest(r) => self.search(ctx, r),
            Primitive::StopSearchRequest(r) => self.stop_search(ctx, r),
            Primitive::InviteRequest(r) => self.invite(ctx, r),
            Primitive::CancelInviteRequest(r) => self.cancel_invite(ctx, r),
            Primitive::InviteUserResponse(r) => self.answer_invitation(ctx, r),
            _ => status(ResultCode::NOT_IMPLEMENTED),
        }
    }

    /// Expires searches (unused for `search_validity_secs`, or of sessions that ended) and
    /// invitations, and delivers invitations and answers kept for users who are now logged in.
    pub(crate) fn common_timeout(&mut self, now: Timestamp) {
        let sessions = &self.st.sessions;
        self.st.common.searches.retain(|_, s| s.expires > now && sessions.contains_key(&s.session));
        while let Some(&(at, key)) = self.st.common.expiry.first() {
            if at > now {
                break;
            }
            self.expire_invitation(now, key);
        }
        self.deliver_kept(now);
    }

    /// The next search or invitation expiry; a time already past when something kept for a
    /// logged-in user can be delivered now (a user who just logged in).
    pub(crate) fn common_deadline(&self) -> Option<Timestamp> {
        let c = &self.st.common;
        let searches = c.searches.values().map(|s| s.expires).min();
        let invitations = c.expiry.first().map(|(t, _)| *t);
        let due = |map: &BTreeMap<UserId, BTreeSet<u64>>| {
            map.iter()
                .filter(|(u, _)| self.has_room(u))
                .flat_map(|(_, keys)| keys.iter().filter_map(|k| c.invitations.get(k).map(|i| i.created)))
                .min()
        };
        [searches, invitations, due(&c.undelivered), due(&c.unnotified)].into_iter().flatten().min()
    }

    /// Open searches on the server (for monitoring).
    pub fn open_searches(&self) -> usize {
        self.st.common.searches.len()
    }

    /// Open invitations on the server (for monitoring).
    pub fn open_invitations(&self) -> usize {
        self.st.common.invitations.len()
    }

    // ---------------------------------------------------------------------------------------
    // Search
    // ---------------------------------------------------------------------------------------

    /// `Search-Request` (seed 5.2.4, 8.1) -> `Search-Response`, or `Status` with an error.
    ///
    /// A request with a `SearchID` continues an open search of this session (see
    /// [`continue_search`](Self::continue_search)); anything else starts one:
    /// * Criteria: every `SearchPairList` must match (they are ANDed; the same element twice
    ///   means both strings must match). Text matching is a case-insensitive (Unicode lower-case)
    ///   substring match; ids (`USER_ID`, `GROUP_ID`) are matched without their `wv:` scheme,
    ///   mobile numbers without spaces, `-`, `(`, `)`, `.` and `/`. `GROUP_USER_ID_OWNER` and
    ///   `GROUP_USER_ID_JOINED` name one user exactly (normalised id). `USER_ONLINE_STATUS`
    ///   (`T` or `F`) keeps users logged in (or not) — only those whose `OnlineStatus` the
    ///   searcher is authorised to see (seed 3.3), and the searcher itself.
    /// * Groups whose `Searchable` property is false are found only by their owner and joined
    ///   users.
    /// * No criteria, a `SearchString` shorter than `Limits::min_search_string_chars`
    ///   characters (after trimming and the normalisation above), or only `USER_ONLINE_STATUS`
    ///   (which would list everyone online): 537 (too broad).
    /// * User and group elements mixed, an element this server does not index (the 1.3 profile
    ///   elements, `GROUP_USER_ID_AUTOJOIN`), `USER_ONLINE_STATUS` other than `T`/`F`,
    ///   `SearchLimit` 0: 402.
    /// * More than `Limits::max_search_findings` results: 536 (too many hits).
    /// * Results are sorted by (normalised) id, users and groups alike. `SearchFindings` is their
    ///   total, the page starts at `SearchIndex` (default 0) and holds at most `SearchLimit`
    ///   (default and cap `Limits::max_search_results`) results; the response's `SearchIndex`
    ///   is the index after the page, `CompletionFlag` is `T` when the page reaches the end.
    ///   An index other than 0 beyond the last result: 425.
    /// * A search whose first page is complete keeps no state and has no `SearchID`; otherwise
    ///   it gets a new integer `SearchID`, and stays open until `StopSearch-Request`, the end of
    ///   the session, or `Limits::search_validity_secs` after its last use. A session keeps at
    ///   most `Limits::max_searches_per_session` open: a new one replaces the least recently
    ///   used.
    pub(crate) fn search(&mut self, ctx: &Ctx, req: SearchRequest) -> Primitive {
        let max = self.config.limits.max_search_results.max(1);
        let limit = match req.limit {
            Some(0) => return described(ResultCode::BAD_PARAMETER, "SearchLimit must be at least 1"),
            Some(n) => n.min(max),
            None => max,
        };
        if let Some(id) = req.search_id {
            return self.continue_search(ctx, id, &req, limit);
        }
        if req.pairs.is_empty() {
            return status(ResultCode::TOO_BROAD_SEARCH_CRITERIA);
        }
        let Some(target) = req.target() else {
            return described(ResultCode::BAD_PARAMETER, "user and group search elements are mixed");
        };
        let criteria = match self.parse_criteria(&req.pairs) {
            Ok(c) => c,
            Err(p) => return *p,
        };
        let results = match target {
            SearchTarget::Users => self.find_users(&ctx.user, &criteria),
            SearchTarget::Groups => self.find_groups(&ctx.user, &criteria),
        };
        if results.len() > self.config.limits.max_search_findings {
            return status(ResultCode::TOO_MANY_HITS);
        }
        let index = req.index.unwrap_or(0);
        if index != 0 && index as usize >= results.len() {
            return status(ResultCode::INVALID_SEARCH_INDEX);
        }
        let end = (index as usize + limit as usize).min(results.len());
        let page = Self::search_page(target, &results[index as usize..end]);
        let total = results.len() as u32;
        let complete = end == results.len();
        let search_id =
            if complete { None } else { Some(self.open_search(ctx, req.pairs, target, results, limit, end as u32)) };
        let mut resp = SearchResponse::default();
        resp.search_id = search_id.map(SearchId);
        resp.findings = total;
        resp.completion_flag = complete;
        resp.index = end as u32;
        resp.result = page;
        resp.into()
    }

    /// The next page of an open search: `SearchID` of this session (another session's, a
    /// stopped or an expired search: 424); `SearchIndex` where to start (default: after the last
    /// page; beyond the last result: 425); `SearchLimit` this page's size (default: the search's).
    /// Criteria sent along must be the search's own (else 402). Each page renews the search's
    /// validity.
    pub(crate) fn continue_search(&mut self, ctx: &Ctx, id: SearchId, req: &SearchRequest, limit: u32) -> Primitive {
        let validity = self.config.limits.search_validity_secs;
        let Some(rec) =
            self.st.common.searches.get_mut(&id.0).filter(|r| r.session == ctx.session && r.expires > ctx.now)
        else {
            return status(ResultCode::INVALID_SEARCH_ID);
        };
        if !req.pairs.is_empty() && req.pairs != rec.pairs {
            return described(ResultCode::BAD_PARAMETER, "criteria differ from the search's");
        }
        let limit = if req.limit.is_some() { limit } else { rec.limit };
        let index = req.index.unwrap_or(rec.next_index);
        if index != 0 && index as usize >= rec.results.len() {
            return status(ResultCode::INVALID_SEARCH_INDEX);
        }
        let end = (index as usize + limit as usize).min(rec.results.len());
        rec.next_index = end as u32;
        rec.last_used = ctx.now;
        rec.expires = ctx.now.add_secs(validity);
        let mut resp = SearchResponse::default();
        resp.search_id = Some(id);
        resp.findings = rec.results.len() as u32;
        resp.completion_flag = end == rec.results.len();
        resp.index = end as u32;
        resp.result = Self::search_page(rec.target, &rec.results[index as usize..end]);
        resp.into()
    }

    /// `StopSearch-Request`: 200, or 424 for a search this session does not have open.
    pub(crate) fn stop_search(&mut self, ctx: &Ctx, req: StopSearchRequest) -> Primitive {
        let id = req.search_id.0;
        match self.st.common.searches.get(&id) {
            Some(r) if r.session == ctx.session => {
                self.st.common.searches.remove(&id);
                status(ResultCode::SUCCESSFUL)
            }
            _ => status(ResultCode::INVALID_SEARCH_ID),
        }
    }

    fn search_page(target: SearchTarget, ids: &[String]) -> Option<SearchResult> {
        if ids.is_empty() {
            return None;
        }
        let mut r = SearchResult::default();
        match target {
            SearchTarget::Users => {
                let mut list = UserList::default();
                list.users = ids.iter().map(|u| User::new(u.as_str())).collect();
                r.user_list = Some(list);
            }
            SearchTarget::Groups => {
                let mut list = GroupList::default();
                list.group_ids = ids.iter().map(|g| GroupId::new(g.as_str())).collect();
                r.group_list = Some(list);
            }
        }
        Some(r)
    }

    fn open_search(
        &mut self,
        ctx: &Ctx,
        pairs: Vec<SearchPairList>,
        target: SearchTarget,
        results: Vec<String>,
        limit: u32,
        next_index: u32,
    ) -> u32 {
        let max = self.config.limits.max_searches_per_session.max(1);
        let c = &mut self.st.common;
        let mut mine: Vec<(Timestamp, u32)> =
            c.searches.iter().filter(|(_, s)| s.session == ctx.session).map(|(id, s)| (s.last_used, *id)).collect();
        mine.sort();
        for (_, id) in mine.iter().take((mine.len() + 1).saturating_sub(max)) {
            c.searches.remove(id);
        }
        let mut id = c.last_search_id;
        loop {
            id = id.wrapping_add(1);
            if id != 0 && !c.searches.contains_key(&id) {
                break;
            }
        }
        c.last_search_id = id;
        let expires = ctx.now.add_secs(self.config.limits.search_validity_secs);
        c.searches.insert(
            id,
            SearchRecord {
                session: ctx.session.clone(),
                pairs,
                target,
                results,
                limit,
                next_index,
                last_used: ctx.now,
                expires,
            },
        );
        id
    }

    /// The criteria, or the error `Status` (see [`search`](Self::search)).
    fn parse_criteria(&self, pairs: &[SearchPairList]) -> Result<Vec<Criterion>, Box<Primitive>> {
        use SearchElement as E;
        let min = self.config.limits.min_search_string_chars.max(1);
        let mut out = Vec::with_capacity(pairs.len());
        for p in pairs {
            let raw = p.string.trim();
            let c = match p.element {
                E::UserOnlineStatus => match raw.to_ascii_uppercase().as_str() {
                    "T" | "TRUE" => Criterion::Online(true),
                    "F" | "FALSE" => Criterion::Online(false),
                    _ => return Err(Box::new(described(ResultCode::BAD_PARAMETER, "USER_ONLINE_STATUS is T or F"))),
                },
                E::UserId | E::GroupId => Criterion::Text(p.element, strip_scheme(raw).to_lowercase()),
                E::UserMobileNumber => Criterion::Text(p.element, phone_digits(raw)),
                E::UserFirstName
                | E::UserLastName
                | E::UserEmailAddress
                | E::UserAlias
                | E::GroupName
                | E::GroupTopic => Criterion::Text(p.element, raw.to_lowercase()),
                E::GroupUserIdOwner | E::GroupUserIdJoined => {
                    if raw.chars().count() < min {
                        return Err(Box::new(status(ResultCode::TOO_BROAD_SEARCH_CRITERIA)));
                    }
                    Criterion::User(p.element, UserId::new(raw).normalized())
                }
                other => {
                    return Err(Box::new(described(
                        ResultCode::BAD_PARAMETER,
                        &format!("search element {} is not supported", other.as_str()),
                    )))
                }
            };
            if let Criterion::Text(_, s) = &c {
                if s.chars().count() < min {
                    return Err(Box::new(status(ResultCode::TOO_BROAD_SEARCH_CRITERIA)));
                }
            }
            out.push(c);
        }
        if out.iter().all(|c| matches!(c, Criterion::Online(_))) {
            return Err(Box::new(status(ResultCode::TOO_BROAD_SEARCH_CRITERIA)));
        }
        Ok(out)
    }

    /// Whether `searcher` may learn `user`'s online status (seed 3.3: its `OnlineStatus`
    /// attribute is authorised for the searcher, or it is the searcher).
    fn online_status_visible(&self, user: &UserId, searcher: &UserId) -> bool {
        user == searcher
            || self
                .st
                .presence
                .auth
                .authorised_attributes(user, searcher)
                .is_some_and(|a| a.contains(PresenceAttr::OnlineStatus))
    }

    fn find_users(&self, searcher: &UserId, criteria: &[Criterion]) -> Vec<String> {
        use SearchElement as E;
        let limit = self.config.limits.max_search_findings;
        let mut out = Vec::new();
        for (id, account) in &self.st.accounts {
            let p = &account.profile;
            let matches = criteria.iter().all(|c| match c {
                Criterion::Text(E::UserId, s) => strip_scheme(id.as_str()).to_lowercase().contains(s.as_str()),
                Criterion::Text(E::UserFirstName, s) => contains_ci(p.first_name.as_deref(), s),
                Criterion::Text(E::UserLastName, s) => contains_ci(p.last_name.as_deref(), s),
                Criterion::Text(E::UserEmailAddress, s) => contains_ci(p.email.as_deref(), s),
                Criterion::Text(E::UserAlias, s) => contains_ci(p.alias.as_deref(), s),
                Criterion::Text(E::UserMobileNumber, s) => {
                    p.mobile_number.as_deref().is_some_and(|m| phone_digits(m).contains(s.as_str()))
                }
                Criterion::Online(want) => self.is_online(id) == *want && self.online_status_visible(id, searcher),
                _ => false,
            });
            if matches {
                out.push(id.as_str().to_owned());
                if out.len() > limit {
                    break;
                }
            }
        }
        out
    }

    fn find_groups(&self, searcher: &UserId, criteria: &[Criterion]) -> Vec<String> {
        use SearchElement as E;
        let mut out: Vec<String> = Vec::new();
        for g in self.group_search_entries() {
            let owner = g.owner.as_ref().map(|o| o.normalized());
            let joined: Vec<UserId> = g.joined.iter().map(|u| u.normalized()).collect();
            if !g.searchable && owner.as_ref() != Some(searcher) && !joined.contains(searcher) {
                continue;
            }
            let matches = criteria.iter().all(|c| match c {
                Criterion::Text(E::GroupId, s) => strip_scheme(g.id.as_str()).to_lowercase().contains(s.as_str()),
                Criterion::Text(E::GroupName, s) => contains_ci(g.name.as_deref(), s),
                Criterion::Text(E::GroupTopic, s) => contains_ci(g.topic.as_deref(), s),
                Criterion::User(E::GroupUserIdOwner, u) => owner.as_ref() == Some(u),
                Criterion::User(E::GroupUserIdJoined, u) => joined.contains(u),
                _ => false,
            });
            if matches {
                out.push(g.id.normalized().0);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    // ---------------------------------------------------------------------------------------
    // Invitations
    // ---------------------------------------------------------------------------------------

    /// `Invite-Request` (seed 5.2.3, 6, 8.2) -> `Status`.
    ///
    /// * `InviteID` must not name an open invitation of the same inviter (423), nor be empty
    ///   (402); an inviter has at most `Limits::max_invitations_per_user` open (507).
    /// * `GR` needs a `GroupID` (402) of an existing group (800); `SC` (shared content, seed 6)
    ///   needs a `URLList` with at least one URL (402); `PR` may carry a `PresenceSubList` (the
    ///   attributes offered), passed on as sent (accepting does not authorise anything by itself:
    ///   the inviter authorises through the presence features, seed 3.3).
    /// * `Validity` in seconds (0: 402), default `Limits::default_invitation_validity_secs`,
    ///   capped to `Limits::max_invitation_validity_secs`.
    /// * With `ScreenName`, invitees see the inviter as that screen name; it must be the
    ///   inviter's own in that group (402; not joined: 808, no such group: 800). Otherwise they
    ///   see its user id.
    /// * Recipients: users (unknown: 531; the inviter itself: 402); the inviter's contact lists,
    ///   expanded to their members (unknown list: 700); groups, expanded to their joined users
    ///   other than the inviter, who must have joined (800, 808); screen names in groups (the
    ///   group's answer for private messages: 800, 808, 812, 531). A group's joined users are
    ///   shown to the inviter by their screen names when they have one. Each recipient's block
    ///   and grant lists apply as for a message (seed 4.3; through a group as a group message):
    ///   a named user or contact-list member who blocks the inviter gives 532; a group's joined
    ///   users who block it are skipped silently. A recipient with
    ///   `Limits::max_pending_invitations_per_user` unanswered invitations: 507. More than
    ///   `Limits::max_invitation_recipients` recipients in all: 402, nothing sent.
    /// * Each remaining recipient gets an `InviteUser-Request` (with the validity left) on every
    ///   live session; a recipient who is not logged in (or whose queues are full) gets it when
    ///   next logged in, within the validity. Sessions that log in after delivery do not.
    /// * The answer: 200 when every recipient was invited, 201 with `DetailedResult`s when some
    ///   were, else the one failure code (or 900 for several) with `DetailedResult`s. Recipients
    ///   that resolve to nobody (a group where no one else is joined) give 200 and store nothing.
    pub(crate) fn invite(&mut self, ctx: &Ctx, req: InviteRequest) -> Primitive {
        let limits = self.config.limits.clone();
        let inviter = ctx.user.clone();
        if req.invite_id.as_str().trim().is_empty() {
            return described(ResultCode::BAD_PARAMETER, "empty InviteID");
        }
        match req.invite_type {
            InviteType::Group => match &req.group_id {
                None => return described(ResultCode::BAD_PARAMETER, "a group invitation needs a GroupID"),
                // A group of another domain (remote.rs) is that domain's to check.
                Some(g) if !self.group_exists(&g.normalized()) && self.is_local_group(g) => {
                    return status(ResultCode::GROUP_DOES_NOT_EXIST)
                }
                Some(_) => {}
            },
            InviteType::Content => {
                if req.url_list.as_ref().is_none_or(|l| l.urls.iter().all(|u| u.trim().is_empty())) {
                    return described(ResultCode::BAD_PARAMETER, "a content invitation needs a URLList");
                }
            }
            InviteType::Presence | InviteType::Im => {}
        }
        let open = self.st.common.by_inviter.get(&inviter);
        if open.is_some_and(|m| m.contains_key(&req.invite_id)) {
            return described(ResultCode::INVALID_INVITATION_ID, "InviteID already in use");
        }
        if open.is_some_and(|m| m.len() >= limits.max_invitations_per_user) {
            return described(ResultCode::MESSAGE_QUEUE_FULL, "too many open invitations");
        }
        let validity = match req.validity {
            Some(0) => return described(ResultCode::BAD_PARAMETER, "Validity must be at least 1 second"),
            Some(v) => (v as u64).min(limits.max_invitation_validity_secs),
            None => limits.default_invitation_validity_secs,
        };
        // How invitees see the inviter.
        let (sender, auth_sender) = match &req.screen_name {
            Some(sn) => {
                let group = sn.group_id.normalized();
                match self.group_message_targets(&group, &ctx.session) {
                    Ok((Some(own), _)) if own == sn.sname => (
                        Sender::Group(Group::ScreenName(sn.clone())),
                        imps_auth::Sender::via_group(inviter.clone(), group, Some(own)),
                    ),
                    Ok(_) => return described(ResultCode::BAD_PARAMETER, "not the inviter's screen name"),
                    Err(code) => return status(code),
                }
            }
            None => (Sender::User(User::new(inviter.clone())), imps_auth::Sender::user(inviter.clone())),
        };
        let (recipients, failures) = self.resolve_invitees(ctx, &req.recipient, &auth_sender);
        if recipients.len() > limits.max_invitation_recipients {
            return described(ResultCode::BAD_PARAMETER, "too many recipients");
        }
        if recipients.is_empty() {
            let r = &req.recipient;
            if failures.is_empty() && r.users.is_empty() && r.groups.is_empty() && r.contact_lists.is_empty() {
                return described(ResultCode::BAD_PARAMETER, "no recipient");
            }
            return status_with(failures.result(0));
        }
        let delivered = recipients.len();
        let c = &mut self.st.common;
        c.last_invitation += 1;
        let key = c.last_invitation;
        let expires = ctx.now.add_secs(validity);
        for u in recipients.keys() {
            c.by_invitee.entry(u.clone()).or_default().insert(key);
        }
        c.by_inviter.entry(inviter.clone()).or_default().insert(req.invite_id.clone(), key);
        c.expiry.insert((expires, key));
        let users: Vec<UserId> = recipients.keys().cloned().collect();
        c.invitations.insert(
            key,
            Invitation {
                inviter,
                invite_id: req.invite_id,
                invite_type: req.invite_type,
                group_id: req.group_id,
                presence_attrs: req.presence_attrs,
                url_list: req.url_list,
                note: req.invite_note,
                sender,
                created: ctx.now,
                expires,
                recipients,
            },
        );
        for u in users {
            self.deliver_invitation(ctx.now, key, &u);
        }
        status_with(failures.result(delivered))
    }

    /// The recipients of an invitation (see [`invite`](Self::invite)), each with how the
    /// inviter knows it, and the failures.
    fn resolve_invitees(
        &self,
        ctx: &Ctx,
        recipient: &Recipient,
        auth_sender: &imps_auth::Sender,
    ) -> (BTreeMap<UserId, Invitee>, Failures) {
        let inviter = &ctx.user;
        let max_pending = self.config.limits.max_pending_invitations_per_user;
        let mut out: BTreeMap<UserId, Invitee> = BTreeMap::new();
        let mut failures = Failures { version: Some(ctx.version), ..Failures::default() };
        let pending = |u: &UserId| self.st.common.by_invitee.get(u).map_or(0, |s| s.len());
        let invitee = |shown_as: Sender, via_group: Option<GroupId>| Invitee {
            shown_as,
            via_group,
            state: InviteeState::Undelivered,
        };
        // Named users and contact-list members.
        let mut named: Vec<(UserId, UserId)> =
            recipient.users.iter().map(|u| (u.user_id.clone(), u.user_id.normalized())).collect();
        for list in &recipient.contact_lists {
            match self.contact_list_members(inviter, &list.normalized()) {
                Some(members) => named.extend(
                    members.into_iter().filter(|m| m.normalized() != *inviter).map(|m| (m.clone(), m.normalized())),
                ),
                None => failures.contact_list(ResultCode::CONTACT_LIST_DOES_NOT_EXIST, list),
            }
        }
        for (given, u) in named {
            if out.contains_key(&u) {
                continue;
            }
            if u == *inviter {
                failures.user(ResultCode::BAD_PARAMETER, given);
            } else if !self.st.accounts.contains_key(&u) {
                failures.user(ResultCode::UNKNOWN_USER, given);
            } else if !self.may_message(&u, auth_sender) {
                failures.user(ResultCode::RECIPIENT_BLOCKED_THE_SENDER, given);
            } else if pending(&u) >= max_pending {
                failures.user(ResultCode::MESSAGE_QUEUE_FULL, given);
            } else {
                out.insert(u.clone(), invitee(Sender::User(User::new(u)), None));
            }
        }
        // Groups and screen names.
        for g in &recipient.groups {
            match g {
                Group::GroupId(gid) => {
                    let gid = gid.normalized();
                    match self.group_message_targets(&gid, &ctx.session) {
                        Err(code) => failures.group(code, g),
                        Ok((own, targets)) => {
                            let via = imps_auth::Sender::via_group(inviter.clone(), gid.clone(), own);
                            for t in targets {
                                let u = t.user.normalized();
                                if u == *inviter || out.contains_key(&u) || !self.may_message(&u, &via) {
                                    continue;
                                }
                                let shown = match t.screen_name {
                                    Some(sname) => Sender::Group(Group::ScreenName(screen_name(sname, gid.clone()))),
                                    None => Sender::User(User::new(u.clone())),
                                };
                                if pending(&u) >= max_pending {
                                    failures.shown(ResultCode::MESSAGE_QUEUE_FULL, &shown);
                                    continue;
                                }
                                out.insert(u, invitee(shown, Some(gid.clone())));
                            }
                        }
                    }
                }
                Group::ScreenName(sn) => {
                    let gid = sn.group_id.normalized();
                    match self.group_private_target(&gid, &sn.sname, &ctx.session) {
                        Err(code) => failures.group(code, g),
                        Ok((own, t)) => {
                            let u = t.user.normalized();
                            let shown = Sender::Group(Group::ScreenName(sn.clone()));
                            let via = imps_auth::Sender::via_group(inviter.clone(), gid.clone(), own);
                            if u == *inviter {
                                failures.shown(ResultCode::BAD_PARAMETER, &shown);
                                continue;
                            }
                            // Already a recipient (named, or through a group): once is enough.
                            let Entry::Vacant(slot) = out.entry(u.clone()) else { continue };
                            if !self.may_message(&u, &via) {
                                failures.shown(ResultCode::RECIPIENT_BLOCKED_THE_SENDER, &shown);
                            } else if pending(&u) >= max_pending {
                                failures.shown(ResultCode::MESSAGE_QUEUE_FULL, &shown);
                            } else {
                                slot.insert(invitee(shown, Some(gid)));
                            }
                        }
                    }
                }
            }
        }
        (out, failures)
    }

    /// Queues the `InviteUser-Request` of invitation `key` for every live session of `user`;
    /// the recipient becomes delivered when one took it, else it stays kept for later.
    fn deliver_invitation(&mut self, now: Timestamp, key: u64, user: &UserId) {
        let Some(inv) = self.st.common.invitations.get(&key) else { return };
        let mut p = InviteUserRequest::new(inv.invite_id.clone(), inv.invite_type, inv.sender.clone());
        p.group_id = inv.group_id.clone();
        p.presence_attrs = inv.presence_attrs.clone();
        p.url_list = inv.url_list.clone();
        p.invite_note = inv.note.clone();
        let left_ms = inv.expires.0.saturating_sub(now.0);
        p.validity = Some(left_ms.div_ceil(1000).min(u32::MAX as u64) as u32);
        let invite_id = inv.invite_id.clone();
        let mut done = false;
        for sid in self.sessions_of(user) {
            if !self.session_has_room(&sid) {
                continue;
            }
            // A session with room takes it, or can never take it (its version cannot carry it):
            // either way this recipient is done with.
            done = true;
            if let Some(prim) = self.fitted_invitation(&sid, &p) {
                self.enqueue(&sid, prim, Awaiting::Invitation(invite_id.clone()));
            }
        }
        let c = &mut self.st.common;
        let Some(r) = c.invitations.get_mut(&key).and_then(|i| i.recipients.get_mut(user)) else { return };
        if done {
            r.state = InviteeState::Delivered;
            if let Some(set) = c.undelivered.get_mut(user) {
                set.remove(&key);
                if set.is_empty() {
                    c.undelivered.remove(user);
                }
            }
        } else {
            c.undelivered.entry(user.clone()).or_default().insert(key);
        }
    }

    /// The invitation as the session's version can carry it: presence attributes that version
    /// does not have are left out; `None` when it still does not fit.
    fn fitted_invitation(&self, sid: &SessionId, p: &InviteUserRequest) -> Option<Primitive> {
        let prim: Primitive = p.clone().into();
        if self.fits(sid, &prim) {
            return Some(prim);
        }
        let attrs = p.presence_attrs.as_ref()?;
        let mut kept = AttrSet::new();
        for a in attrs.iter() {
            let mut one = InviteUserRequest::new(p.invite_id.clone(), p.invite_type, p.sender.clone());
            one.presence_attrs = Some([a].into_iter().collect());
            if self.fits(sid, &one.into()) {
                kept.insert(a);
            }
        }
        let mut q = p.clone();
        q.presence_attrs = (!kept.is_empty()).then_some(kept);
        let prim: Primitive = q.into();
        self.fits(sid, &prim).then_some(prim)
    }

    /// Whether `p` can be encoded in the version and encoding of session `sid`.
    fn fits(&self, sid: &SessionId, p: &Primitive) -> bool {
        let Some(s) = self.st.sessions.get(sid) else { return false };
        let m = Message::new(SessionDescriptor::inband(sid.clone()), Transaction::request("0", p.clone()));
        m.encode(s.version, s.encoding).is_ok()
    }

    /// Whether `user` has a live session with room in its queue.
    fn has_room(&self, user: &UserId) -> bool {
        self.sessions_of(user).iter().any(|sid| self.session_has_room(sid))
    }

    /// Whether session `sid` is live, not closing, with room in its queue.
    fn session_has_room(&self, sid: &SessionId) -> bool {
        let max = self.config.limits.max_session_queue;
        self.st.sessions.get(sid).is_some_and(|s| !s.closing && s.queue.len() < max)
    }

    /// Queues `p` for every live session of `user` with room in its queue, where its version
    /// can carry it. Returns whether there was such a session (`false`: keep it for later).
    fn push_to_user(&mut self, user: &UserId, p: Primitive) -> bool {
        let mut done = false;
        for sid in self.sessions_of(user) {
            if !self.session_has_room(&sid) {
                continue;
            }
            done = true;
            if self.fits(&sid, &p) {
                self.enqueue(&sid, p.clone(), Awaiting::Ack);
            }
        }
        done
    }

    /// `InviteUser-Response` (seed 5.2.3, 8.2) -> `Status`, whether it came as a request
    /// transaction or as the response to the server's `InviteUser-Request`.
    ///
    /// The invitation is the one with this `InviteID` delivered to the answering user and not
    /// yet answered; when several inviters used the same `InviteID`, the `Sender` (1.2+) picks
    /// the inviter (a user id or the screen name the invitation came from), else the oldest is
    /// taken. None (never sent, already answered, cancelled, expired): 423. The answer reaches
    /// every live session of the inviter as `Invite-Response` (`Acceptance`, `ResponseNote`, and
    /// the invitee as the inviter knows it); when the inviter is not logged in it is kept and
    /// delivered at its next login, until the invitation expires. Accepting does not act on the
    /// invitee's behalf: it joins a group, subscribes to presence or fetches content itself. An
    /// accepted group invitation (`GR`) from the group's owner, an administrator or a moderator
    /// is a pass into the group until the invitation's validity ends (see
    /// [`group_invitation_accepted`](Self::group_invitation_accepted)): the invitee may then join
    /// a restricted group it is not a member of.
    pub(crate) fn answer_invitation(&mut self, ctx: &Ctx, r: InviteUserResponse) -> Primitive {
        let invitee = ctx.user.clone();
        let c = &self.st.common;
        let candidates: Vec<u64> = c
            .by_invitee
            .get(&invitee)
            .into_iter()
            .flatten()
            .copied()
            .filter(|k| {
                c.invitations.get(k).is_some_and(|i| {
                    i.invite_id == r.invite_id
                        && i.recipients.get(&invitee).is_some_and(|x| x.state == InviteeState::Delivered)
                })
            })
            .collect();
        let by_sender: Vec<u64> = match &r.sender {
            Some(s) => candidates
                .iter()
                .copied()
                .filter(|k| {
                    let i = &c.invitations[k];
                    match (s, &i.sender) {
                        (Sender::User(u), _) => u.user_id.normalized() == i.inviter,
                        (Sender::Group(Group::ScreenName(a)), Sender::Group(Group::ScreenName(b))) => {
                            same_screen_name(a, b)
                        }
                        _ => false,
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        let Some(key) = by_sender.first().or(candidates.first()).copied() else {
            return status(ResultCode::INVALID_INVITATION_ID);
        };
        let c = &mut self.st.common;
        if let Some(set) = c.by_invitee.get_mut(&invitee) {
            set.remove(&key);
            if set.is_empty() {
                c.by_invitee.remove(&invitee);
            }
        }
        let inv = c.invitations.get_mut(&key).expect("candidate exists");
        let inviter = inv.inviter.clone();
        let pass = match (&inv.invite_type, &inv.group_id, r.acceptance) {
            (InviteType::Group, Some(g), true) => Some((g.normalized(), inv.expires)),
            _ => None,
        };
        if let Some(x) = inv.recipients.get_mut(&invitee) {
            x.state = InviteeState::Answered { acceptance: r.acceptance, note: r.response_note };
        }
        c.unnotified.entry(inviter.clone()).or_default().insert(key);
        if let Some((group, until)) = pass {
            self.group_invitation_accepted(&group, &inviter, &invitee, until);
        }
        self.notify_answers(key);
        status(ResultCode::SUCCESSFUL)
    }

    /// Delivers the answers of invitation `key` its inviter has not been told, to every live
    /// session of the inviter; answers delivered leave the invitation, which ends when nobody
    /// is left.
    fn notify_answers(&mut self, key: u64) {
        let Some(inv) = self.st.common.invitations.get(&key) else { return };
        let inviter = inv.inviter.clone();
        let answers: Vec<(UserId, Primitive)> = inv
            .recipients
            .iter()
            .filter_map(|(u, x)| match &x.state {
                InviteeState::Answered { acceptance, note } => {
                    let mut p = InviteResponse::new(inv.invite_id.clone(), *acceptance, x.shown_as.clone());
                    p.response_note = note.clone();
                    Some((u.clone(), p.into()))
                }
                _ => None,
            })
            .collect();
        let mut left = false;
        for (u, p) in answers {
            if self.push_to_user(&inviter, p) {
                if let Some(i) = self.st.common.invitations.get_mut(&key) {
                    i.recipients.remove(&u);
                }
            } else {
                left = true;
            }
        }
        if !left {
            let c = &mut self.st.common;
            if let Some(set) = c.unnotified.get_mut(&inviter) {
                set.remove(&key);
                if set.is_empty() {
                    c.unnotified.remove(&inviter);
                }
            }
        }
        self.settle_invitation(key);
    }

    /// Removes invitation `key` when no recipient is left.
    fn settle_invitation(&mut self, key: u64) {
        let c = &mut self.st.common;
        if c.invitations.get(&key).is_some_and(|i| i.recipients.is_empty()) {
            let inv = c.invitations.remove(&key).expect("checked");
            Self::forget_invitation(c, key, &inv);
        }
    }

    /// Drops invitation `key` from every index.
    fn forget_invitation(c: &mut CommonState, key: u64, inv: &Invitation) {
        c.expiry.remove(&(inv.expires, key));
        if let Some(m) = c.by_inviter.get_mut(&inv.inviter) {
            if m.get(&inv.invite_id) == Some(&key) {
                m.remove(&inv.invite_id);
            }
            if m.is_empty() {
                c.by_inviter.remove(&inv.inviter);
            }
        }
        for map in [&mut c.by_invitee, &mut c.undelivered] {
            for u in inv.recipients.keys() {
                if let Some(set) = map.get_mut(u) {
                    set.remove(&key);
                    if set.is_empty() {
                        map.remove(u);
                    }
                }
            }
        }
        if let Some(set) = c.unnotified.get_mut(&inv.inviter) {
            set.remove(&key);
            if set.is_empty() {
                c.unnotified.remove(&inv.inviter);
            }
        }
    }

    /// `CancelInvite-Request` (seed 6, 8.2) -> `Status`: 423 when the inviter has no open
    /// invitation with this `InviteID`, else 200. Without `Recipient` it concerns every
    /// recipient who has not answered; with one, those of them it names (users, members of the
    /// inviter's contact lists, recipients reached through a named group, screen names); others
    /// named are ignored. Recipients the invitation reached get `CancelInviteUser-Request` (the
    /// inviter as they saw it, with the cancel's `InviteNote` and `URLList`, or the
    /// invitation's `URLList` when the cancel has none) on their live sessions; those it had not
    /// reached yet never will. Answers already given still reach the inviter.
    pub(crate) fn cancel_invite(&mut self, ctx: &Ctx, req: CancelInviteRequest) -> Primitive {
        let Some(key) = self.st.common.by_inviter.get(&ctx.user).and_then(|m| m.get(&req.invite_id)).copied() else {
            return status(ResultCode::INVALID_INVITATION_ID);
        };
        let Some(inv) = self.st.common.invitations.get(&key) else {
            return status(ResultCode::INVALID_INVITATION_ID);
        };
        let named: Option<(BTreeSet<UserId>, Vec<&Group>)> = req.recipient.as_ref().map(|r| {
            let mut users: BTreeSet<UserId> = r.users.iter().map(|u| u.user_id.normalized()).collect();
            for list in &r.contact_lists {
                if let Some(members) = self.contact_list_members(&ctx.user, &list.normalized()) {
                    users.extend(members.iter().map(|m| m.normalized()));
                }
            }
            (users, r.groups.iter().collect())
        });
        let concerned: Vec<(UserId, bool)> = inv
            .recipients
            .iter()
            .filter(|(_, x)| !matches!(x.state, InviteeState::Answered { .. }))
            .filter(|(u, x)| match &named {
                None => true,
                Some((users, groups)) => {
                    users.contains(*u)
                        || groups.iter().any(|g| match (g, &x.shown_as) {
                            (Group::GroupId(g), _) => x.via_group.as_ref() == Some(&g.normalized()),
                            (Group::ScreenName(a), Sender::Group(Group::ScreenName(b))) => same_screen_name(a, b),
                            _ => false,
                        })
                }
            })
            .map(|(u, x)| (u.clone(), x.state == InviteeState::Delivered))
            .collect();
        let mut cancel = CancelInviteUserRequest::new(inv.invite_id.clone(), inv.sender.clone());
        cancel.invite_note = req.invite_note.clone();
        cancel.url_list = req.url_list.clone().or_else(|| inv.url_list.clone());
        let cancel: Primitive = cancel.into();
        for (u, delivered) in concerned {
            if delivered {
                self.push_to_user(&u, cancel.clone());
            }
            let c = &mut self.st.common;
            if let Some(i) = c.invitations.get_mut(&key) {
                i.recipients.remove(&u);
            }
            for map in [&mut c.by_invitee, &mut c.undelivered] {
                if let Some(set) = map.get_mut(&u) {
                    set.remove(&key);
                    if set.is_empty() {
                        map.remove(&u);
                    }
                }
            }
        }
        self.settle_invitation(key);
        status(ResultCode::SUCCESSFUL)
    }

    /// An invitation reaches its validity: it ends, and answering it gives 423. The inviter,
    /// when logged in, gets the answers it had not been told yet and, for every recipient that
    /// had not answered, an `Invite-Response` with `Acceptance` `F` and the `ResponseNote`
    /// [`INVITATION_EXPIRED_NOTE`]; when not logged in it gets nothing (nothing outlives the
    /// validity). Invitees are not told: they got the validity with the invitation.
    pub(crate) fn expire_invitation(&mut self, _now: Timestamp, key: u64) {
        let c = &mut self.st.common;
        let Some(inv) = c.invitations.remove(&key) else {
            c.expiry.retain(|(_, k)| *k != key);
            return;
        };
        Self::forget_invitation(c, key, &inv);
        for x in inv.recipients.values() {
            let (acceptance, note) = match &x.state {
                InviteeState::Answered { acceptance, note } => (*acceptance, note.clone()),
                InviteeState::Undelivered | InviteeState::Delivered => {
                    (false, Some(INVITATION_EXPIRED_NOTE.to_owned()))
                }
            };
            let mut p = InviteResponse::new(inv.invite_id.clone(), acceptance, x.shown_as.clone());
            p.response_note = note;
            self.push_to_user(&inv.inviter, p.into());
        }
    }

    /// Login: invitations and answers kept for the user are handed over at once.
    pub(crate) fn common_session_start(&mut self, ctx: &Ctx) {
        self.deliver_kept(ctx.now);
    }

    /// Delivers what was kept for users who are now logged in with room in a queue:
    /// invitations to invitees, answers to inviters.
    fn deliver_kept(&mut self, now: Timestamp) {
        for (user, keys) in self.ready_users(&self.st.common.undelivered) {
            for key in keys {
                self.deliver_invitation(now, key, &user);
            }
        }
        for (_, keys) in self.ready_users(&self.st.common.unnotified) {
            for key in keys {
                self.notify_answers(key);
            }
        }
    }

    /// The users of `map` who are logged in with room in a queue, with their keys (walking the
    /// smaller of `map` and the logged-in users).
    fn ready_users(&self, map: &BTreeMap<UserId, BTreeSet<u64>>) -> Vec<(UserId, Vec<u64>)> {
        let keys = |k: &BTreeSet<u64>| k.iter().copied().collect::<Vec<u64>>();
        if map.len() <= self.st.user_sessions.len() {
            map.iter().filter(|(u, _)| self.has_room(u)).map(|(u, k)| (u.clone(), keys(k))).collect()
        } else {
            self.st
                .user_sessions
                .keys()
                .filter_map(|u| map.get(u).filter(|_| self.has_room(u)).map(|k| (u.clone(), keys(k))))
                .collect()
        }
    }
}
