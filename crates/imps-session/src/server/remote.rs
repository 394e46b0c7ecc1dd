//! The seam toward other domains (seed section 9): what the engine hands to a server-to-server
//! layer (the `imps-ssp` crate wraps the engine and speaks SSP) and what it takes back.
//!
//! Without a [`RemotePolicy`] (the default) nothing here is active and every id is local, as
//! before. With one, three things change:
//!
//! 1. **Requests about other domains leave the engine.** Before a client request reaches its
//!    feature, the engine routes every entity it names by *(feature, domain)*: users for IM,
//!    presence and invitations, groups (and screen names in groups) for groups, group messages
//!    and group recipients of invitations. An entity is local when its domain is this server's
//!    (ids without a domain are) and the feature is not provided elsewhere for it
//!    ([`RemotePolicy::provided_elsewhere`]), or when this server serves that domain for the
//!    feature ([`RemotePolicy::served`], seed 9 Figure 3). Requests that name no entity
//!    (`GetMessage`, `UpdatePresence`, contact lists…) concern the requester's own service:
//!    they are routed by the requester's domain. Whatever is not local becomes one
//!    [`RemoteRequest`] per *(feature, domain)*, holding the CSP request restricted to that
//!    part (contact lists are expanded to their members when a member is remote); the local
//!    part, if any, runs at once. The client's transaction is answered later ("deferred"): when
//!    every part is [complete](Engine::complete_remote), the answers are merged (result codes
//!    as one request would give them: 200, 201 with the failures' `DetailedResult`s, the one
//!    failure code, or 900) and the response is queued in the client's session as a response
//!    transaction carrying the client's `TransactionID`, delivered like server-originated
//!    transactions (the next poll, or a push). A request whose only transactions are deferred
//!    is answered with an empty body. The server-to-server layer must complete every request it
//!    takes (with 504 on a timeout, 516 with no route, 501 for what it cannot relay).
//! 2. **Requests of remote users run here in a proxy session.** The server-to-server layer
//!    hands a request that another domain relays on behalf of one of its users to
//!    [`handle_remote_request`](Engine::handle_remote_request): it runs in a *remote session*
//!    of that user (opened on demand, [`open_remote_session`](Engine::open_remote_session)),
//!    exactly as if the user were logged in here; every feature works unchanged. What the
//!    features queue for that session (new messages, notifications, change notices,
//!    invitations, delivery reports, deferred answers) is what the layer fetches with
//!    [`take_pending`](Engine::take_pending) and forwards to the user's domain; the answers it
//!    gets back it feeds to [`handle_message`](Engine::handle_message) as response
//!    transactions. A remote user gets a *guest account* here (random password, so nobody can
//!    log in with it) so that features that need a known user (group members, stored
//!    messages) accept it. A remote session never expires by keep-alive; the layer closes it
//!    ([`close_remote_session`](Engine::close_remote_session)) when the user's domain reports
//!    it inactive, and it is bounded by [`RemotePolicy::max_remote_sessions`].
//! 3. **Deliveries for local users arrive from other domains.**
//!    [`deliver_remote`](Engine::deliver_remote) queues a server-originated primitive for a
//!    local user's sessions and says whether any took it.
//!
//! The layer learns logins and logouts from the engine's outputs (`Handled` with
//! `Login-Request` and 200; `SessionEnded`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use imps_csp::elements::{ClientId, CspResult, DetailedResult, Group, Recipient, User};
use imps_csp::ids::{GroupId, InviteId, SessionId, TransactionId, UserId};
use imps_csp::primitive::access::DeliveryMethod;
use imps_csp::primitive::im::SendMessageResponse;
use imps_csp::primitive::presence::{GetPresenceResponse, PresenceTargets};
use imps_csp::{Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version};
use serde::{Deserialize, Serialize};

use super::engine::{status, Answer, Ctx, Engine, Output, RequestLog, SessionEnd, SessionState};
use super::storage::{Account, Storage};
use crate::random::Random;
use crate::Timestamp;

/// A feature as routing between domains sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RemoteFeature {
    /// Instant messaging: user recipients, and the user's own message store.
    Im,
    /// Presence: publishers, and the user's own presence, lists and authorisations.
    Presence,
    /// Groups: everything naming a group, group messages included.
    Group,
    /// Invitations: user recipients, and answers to invitations held elsewhere.
    Invitation,
}

/// How this server shares the work with other domains; the server-to-server layer sets it from
/// its service table ([`Engine::set_remote_policy`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemotePolicy {
    /// *(feature, domain)* pairs of other domains this server provides the feature for (it is
    /// the primary service element of their users, seed 9 Figure 3): their users and groups
    /// are handled here.
    pub served: BTreeSet<(RemoteFeature, String)>,
    /// Features another domain provides for this server's own users and groups: everything
    /// about them is relayed.
    pub provided_elsewhere: BTreeSet<RemoteFeature>,
    /// Deferred requests per session; beyond it a request is answered 503.
    pub max_pending_per_session: usize,
    /// Remote (proxy) sessions; beyond it a relayed request is refused with 503.
    pub max_remote_sessions: usize,
    /// Invitations remembered across domains (to route cancellations and answers); the oldest
    /// is forgotten beyond it.
    pub max_remote_invitations: usize,
}

impl Default for RemotePolicy {
    fn default() -> Self {
        RemotePolicy {
            served: BTreeSet::new(),
            provided_elsewhere: BTreeSet::new(),
            max_pending_per_session: 64,
            max_remote_sessions: 10_000,
            max_remote_invitations: 10_000,
        }
    }
}

/// Identifies a [`RemoteRequest`] until it is completed.
pub type RemoteRequestId = u64;

/// A client request (or the part of one) for another domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteRequest {
    /// Pass it back to [`Engine::complete_remote`].
    pub id: RemoteRequestId,
    /// The feature.
    pub feature: RemoteFeature,
    /// The domain whose feature is wanted: the entities' domain, or the requester's own
    /// domain for requests about its own service.
    pub domain: String,
    /// On whose behalf.
    pub user: UserId,
    /// The CSP request, restricted to this part.
    pub primitive: Primitive,
}

/// How the parts' answers become one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Merge {
    /// One part: its answer is the answer.
    Single,
    SendMessage,
    Status,
    GetPresence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Part {
    /// The entities of the part, named in a `DetailedResult` when it fails without details.
    users: Vec<UserId>,
    groups: Vec<GroupId>,
    answer: Option<Primitive>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Pending {
    session: SessionId,
    transaction: TransactionId,
    user: UserId,
    request: String,
    merge: Merge,
    local: Option<Primitive>,
    parts: BTreeMap<RemoteRequestId, Part>,
}

/// Where the remote invitations of one inviter went.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
struct InviteRoutes {
    local: bool,
    remote: BTreeSet<(RemoteFeature, String)>,
}

/// The remote side of the engine's state (serialisable with it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RemoteState {
    policy: Option<RemotePolicy>,
    outbox: VecDeque<RemoteRequest>,
    pending: BTreeMap<RemoteRequestId, Pending>,
    /// Part id -> the pending answer it belongs to.
    parts: BTreeMap<RemoteRequestId, RemoteRequestId>,
    next_id: u64,
    /// Remote users' proxy sessions.
    proxies: BTreeMap<UserId, SessionId>,
    proxy_users: BTreeMap<SessionId, UserId>,
    /// Guest accounts created for remote users.
    guests: BTreeSet<UserId>,
    /// Invitations local inviters sent to other domains: (inviter, id) -> routes.
    invites_out: BTreeMap<(UserId, InviteId), InviteRoutes>,
    invites_out_order: VecDeque<(UserId, InviteId)>,
    /// Invitations delivered to local invitees from other domains: (invitee, id) -> origin.
    invites_in: BTreeMap<(UserId, InviteId), String>,
    invites_in_order: VecDeque<(UserId, InviteId)>,
}

/// Where an entity is handled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Route {
    Local,
    Remote(RemoteFeature, String),
}

/// One remote part being planned.
#[derive(Debug, Default)]
struct PlanPart {
    users: Vec<UserId>,
    groups: Vec<Group>,
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

/// `Status` with a code and a `DetailedResult` naming what failed.
fn merged_result(parts: &[(CspResult, Vec<UserId>, Vec<GroupId>)]) -> CspResult {
    let mut accepted = 0;
    let mut details: Vec<DetailedResult> = Vec::new();
    for (r, users, groups) in parts {
        match r.code.0 {
            200 => accepted += 1,
            201 | 900 => {
                if r.code.0 == 201 {
                    accepted += 1;
                }
                details.extend(r.detailed_results.iter().cloned());
            }
            _ if !r.detailed_results.is_empty() => details.extend(r.detailed_results.iter().cloned()),
            _ => {
                let mut d = DetailedResult::default();
                d.code = r.code;
                d.description = r.description.clone();
                d.user_ids = users.clone();
                d.group_ids = groups.clone();
                details.push(d);
            }
        }
    }
    if details.is_empty() {
        return CspResult::new(ResultCode::SUCCESSFUL);
    }
    let mut codes: Vec<ResultCode> = details.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let code = if accepted > 0 {
        ResultCode::PARTIALLY_SUCCESSFUL
    } else if codes.len() == 1 {
        codes[0]
    } else {
        ResultCode::MULTIPLE_ERRORS
    };
    let mut r = CspResult::described(code);
    r.detailed_results = details;
    r
}

/// The result a response primitive carries (200 for responses without one).
fn result_of(p: &Primitive) -> CspResult {
    match p {
        Primitive::Status(s) => s.result.clone(),
        Primitive::SendMessageResponse(r) => r.result.clone(),
        Primitive::GetPresenceResponse(r) => r.result.clone(),
        Primitive::LeaveGroupResponse(r) => r.result.clone(),
        Primitive::ListManageResponse(r) => r.result.clone(),
        _ => CspResult::new(ResultCode::SUCCESSFUL),
    }
}

impl<S: Storage, R: Random> Engine<S, R> {
    // ---- configuration ----

    /// Enables (or, with `None`, disables) routing to other domains.
    pub fn set_remote_policy(&mut self, policy: Option<RemotePolicy>) {
        self.st.remote.policy = policy;
    }

    /// The routing policy, if enabled.
    pub fn remote_policy(&self) -> Option<&RemotePolicy> {
        self.st.remote.policy.as_ref()
    }

    fn local_domain(&self) -> String {
        lower(&self.config.domain)
    }

    /// Where `feature` for an entity of `domain` (`None`: this server's) is handled.
    fn route_of(&self, feature: RemoteFeature, domain: Option<&str>) -> Route {
        let Some(policy) = &self.st.remote.policy else { return Route::Local };
        let local = self.local_domain();
        let d = domain.map(lower).unwrap_or_else(|| local.clone());
        if d == local {
            if policy.provided_elsewhere.contains(&feature) {
                return Route::Remote(feature, d);
            }
            return Route::Local;
        }
        if policy.served.contains(&(feature, d.clone())) {
            return Route::Local;
        }
        Route::Remote(feature, d)
    }

    fn user_route(&self, feature: RemoteFeature, u: &UserId) -> Route {
        self.route_of(feature, u.normalized().domain())
    }

    fn group_route(&self, g: &GroupId) -> Route {
        self.route_of(RemoteFeature::Group, g.normalized().domain())
    }

    /// Whether a group id is handled here (always, without a policy).
    pub(crate) fn is_local_group(&self, g: &GroupId) -> bool {
        self.group_route(g) == Route::Local
    }

    // ---- outbound: the intercept ----

    /// Called by the core for every client request that passed the session and service
    /// checks: `Err(p)` gives the request back to run locally; `Ok` is the answer (deferred,
    /// or an immediate refusal).
    #[allow(clippy::result_large_err)]
    pub(crate) fn remote_route(&mut self, ctx: &Ctx, tid: &TransactionId, p: Primitive) -> Result<Answer, Primitive> {
        if self.st.remote.policy.is_none() {
            return Err(p);
        }
        let request = p.elem().canonical_name().to_owned();
        let (merge, local, parts) = self.plan(ctx, p)?;
        let max = self.st.remote.policy.as_ref().map_or(0, |p| p.max_pending_per_session);
        if self.st.remote.pending.values().filter(|a| a.session == ctx.session).count() >= max {
            return Ok(Answer::Response(status(ResultCode::SERVICE_UNAVAILABLE)));
        }
        let local = match local {
            Some(lp) => match self.route(ctx, lp) {
                Answer::Response(r) => Some(r),
                _ => None,
            },
            None => None,
        };
        self.st.remote.next_id += 1;
        let aid = self.st.remote.next_id;
        let mut pending_parts = BTreeMap::new();
        for (feature, domain, users, groups, primitive) in parts {
            self.st.remote.next_id += 1;
            let id = self.st.remote.next_id;
            self.st.remote.parts.insert(id, aid);
            pending_parts.insert(id, Part { users, groups, answer: None });
            self.st.remote.outbox.push_back(RemoteRequest { id, feature, domain, user: ctx.user.clone(), primitive });
        }
        self.st.remote.pending.insert(
            aid,
            Pending {
                session: ctx.session.clone(),
                transaction: tid.clone(),
                user: ctx.user.clone(),
                request,
                merge,
                local,
                parts: pending_parts,
            },
        );
        Ok(Answer::Deferred)
    }

    /// Splits a request: `Err(p)` when all of it is local; else the merge rule, the local
    /// part and the remote parts.
    #[allow(clippy::type_complexity, clippy::result_large_err)]
    fn plan(
        &mut self,
        ctx: &Ctx,
        p: Primitive,
    ) -> Result<(Merge, Option<Primitive>, Vec<(RemoteFeature, String, Vec<UserId>, Vec<GroupId>, Primitive)>), Primitive>
    {
        use Primitive as P;
        use RemoteFeature as F;
        let own = |e: &Self, f: F| e.user_route(f, &ctx.user);
        #[allow(clippy::result_large_err)]
        let single = |route: Route, p: Primitive, users: Vec<UserId>, groups: Vec<GroupId>| match route {
            Route::Local => Err(p),
            Route::Remote(f, d) => Ok((Merge::Single, None, vec![(f, d, users, groups, p)])),
        };
        match p {
            // Messages: user recipients by IM, group recipients by groups.
            P::SendMessageRequest(req) => {
                let r = req.message_info.recipient.clone();
                let (local, parts) = self.split_recipient(ctx, F::Im, &r, true);
                if parts.is_empty() {
                    return Err(P::SendMessageRequest(req));
                }
                let with = |rec: Recipient| {
                    let mut q = req.clone();
                    q.message_info.recipient = rec;
                    P::SendMessageRequest(q)
                };
                Ok((
                    Merge::SendMessage,
                    local.map(with),
                    parts.into_iter().map(|(f, d, u, g, rec)| (f, d, u, g, with(rec))).collect(),
                ))
            }
            P::InviteRequest(req) => {
                let (local, parts) = self.split_recipient(ctx, F::Invitation, &req.recipient, true);
                if parts.is_empty() {
                    return Err(P::InviteRequest(req));
                }
                self.remember_invite_out(&ctx.user, &req.invite_id, local.is_some(), &parts);
                let with = |rec: Recipient| {
                    let mut q = req.clone();
                    q.recipient = rec;
                    P::InviteRequest(q)
                };
                Ok((
                    Merge::Status,
                    local.map(with),
                    parts.into_iter().map(|(f, d, u, g, rec)| (f, d, u, g, with(rec))).collect(),
                ))
            }
            P::CancelInviteRequest(req) => {
                let key = (ctx.user.clone(), req.invite_id.clone());
                let Some(routes) = self.st.remote.invites_out.get(&key).cloned() else {
                    return Err(P::CancelInviteRequest(req));
                };
                let targets: Vec<(F, String)> = match &req.recipient {
                    Some(r) => {
                        let (_, parts) = self.split_recipient(ctx, F::Invitation, r, true);
                        parts.into_iter().map(|(f, d, ..)| (f, d)).collect()
                    }
                    None => routes.remote.iter().cloned().collect(),
                };
                if targets.is_empty() {
                    return Err(P::CancelInviteRequest(req));
                }
                let local = routes.local.then(|| P::CancelInviteRequest(req.clone()));
                let parts = targets
                    .into_iter()
                    .map(|(f, d)| (f, d, vec![], vec![], P::CancelInviteRequest(req.clone())))
                    .collect();
                Ok((Merge::Status, local, parts))
            }
            P::InviteUserResponse(r) => {
                let key = (ctx.user.clone(), r.invite_id.clone());
                match self.st.remote.invites_in.get(&key).cloned() {
                    Some(origin) => Ok((
                        Merge::Single,
                        None,
                        vec![(F::Invitation, origin, vec![], vec![], P::InviteUserResponse(r))],
                    )),
                    None => Err(P::InviteUserResponse(r)),
                }
            }
            // Presence: publishers by presence.
            P::SubscribePresenceRequest(req) => {
                let users = self.expand_users(
                    ctx,
                    F::Presence,
                    req.users.iter().map(|u| u.user_id.clone()).collect(),
                    &req.contact_lists,
                );
                let Some(users) = users else { return Err(P::SubscribePresenceRequest(req)) };
                let (local, parts) = self.split_users(F::Presence, users);
                if parts.is_empty() {
                    return Err(P::SubscribePresenceRequest(req));
                }
                let with = |us: Vec<UserId>| {
                    let mut q = req.clone();
                    q.users = us.into_iter().map(User::new).collect();
                    q.contact_lists.clear();
                    P::SubscribePresenceRequest(q)
                };
                Ok((
                    Merge::Status,
                    local.map(with),
                    parts.into_iter().map(|(f, d, u)| (f, d, u.clone(), vec![], with(u))).collect(),
                ))
            }
            P::UnsubscribePresenceRequest(req) => {
                let users = self.expand_users(
                    ctx,
                    F::Presence,
                    req.users.iter().map(|u| u.user_id.clone()).collect(),
                    &req.contact_lists,
                );
                let Some(users) = users else { return Err(P::UnsubscribePresenceRequest(req)) };
                let (local, parts) = self.split_users(F::Presence, users);
                if parts.is_empty() {
                    return Err(P::UnsubscribePresenceRequest(req));
                }
                let with = |us: Vec<UserId>| {
                    let mut q = req.clone();
                    q.users = us.into_iter().map(User::new).collect();
                    q.contact_lists.clear();
                    P::UnsubscribePresenceRequest(q)
                };
                Ok((
                    Merge::Status,
                    local.map(with),
                    parts.into_iter().map(|(f, d, u)| (f, d, u.clone(), vec![], with(u))).collect(),
                ))
            }
            P::GetPresenceRequest(req) => {
                let (named, lists) = match &req.targets {
                    PresenceTargets::Users(us) => (us.iter().map(|u| u.user_id.clone()).collect(), Vec::new()),
                    PresenceTargets::ContactLists(ls) => (Vec::new(), ls.clone()),
                };
                let Some(users) = self.expand_users(ctx, F::Presence, named, &lists) else {
                    return Err(P::GetPresenceRequest(req));
                };
                let (local, parts) = self.split_users(F::Presence, users);
                if parts.is_empty() {
                    return Err(P::GetPresenceRequest(req));
                }
                let with = |us: Vec<UserId>| {
                    let mut q = req.clone();
                    q.targets = PresenceTargets::Users(us.into_iter().map(User::new).collect());
                    P::GetPresenceRequest(q)
                };
                Ok((
                    Merge::GetPresence,
                    local.map(with),
                    parts.into_iter().map(|(f, d, u)| (f, d, u.clone(), vec![], with(u))).collect(),
                ))
            }
            // The requester's own services.
            P::UpdatePresenceRequest(_)
            | P::PresenceAuthUser(_)
            | P::CancelAuthRequest(_)
            | P::GetWatcherListRequest(_)
            | P::GetReactiveAuthStatusRequest(_)
            | P::GetListRequest(_)
            | P::CreateListRequest(_)
            | P::DeleteListRequest(_)
            | P::ListManageRequest(_)
            | P::CreateAttributeListRequest(_)
            | P::DeleteAttributeListRequest(_)
            | P::GetAttributeListRequest(_) => {
                let route = own(self, F::Presence);
                single(route, p, vec![], vec![])
            }
            P::GetMessageRequest(_)
            | P::ForwardMessageRequest(_)
            | P::RejectMessageRequest(_)
            | P::GetMessageListRequest(_)
            | P::SetDeliveryMethodRequest(_)
            | P::GetBlockedListRequest(_)
            | P::BlockEntityRequest(_) => {
                let route = own(self, F::Im);
                single(route, p, vec![], vec![])
            }
            // Groups: by the group's domain.
            P::CreateGroupRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::DeleteGroupRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::JoinGroupRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::LeaveGroupRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::GetGroupMembersRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::GetJoinedUsersRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::AddGroupMembersRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::RemoveGroupMembersRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::MemberAccessRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::GetGroupPropsRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::SetGroupPropsRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::RejectListRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            P::SubscribeGroupNoticeRequest(ref r) => {
                let g = r.group_id.clone();
                single(self.group_route(&g), p, vec![], vec![g])
            }
            other => Err(other),
        }
    }

    /// Users named directly and through the requester's contact lists; `None` when no contact
    /// list holds a remote member (the lists then stay for the local feature to expand).
    fn expand_users(
        &self,
        ctx: &Ctx,
        feature: RemoteFeature,
        mut users: Vec<UserId>,
        lists: &[imps_csp::ids::ContactListId],
    ) -> Option<Vec<UserId>> {
        let mut expanded = false;
        for l in lists {
            let members = self.contact_list_members(&ctx.user, l)?;
            if members.iter().any(|m| self.user_route(feature, m) != Route::Local) {
                expanded = true;
            }
            users.extend(members);
        }
        if !lists.is_empty() && !expanded {
            return None;
        }
        Some(users)
    }

    /// Users split by route: the local ones (if any) and one group per remote route.
    #[allow(clippy::type_complexity)]
    fn split_users(
        &self,
        feature: RemoteFeature,
        users: Vec<UserId>,
    ) -> (Option<Vec<UserId>>, Vec<(RemoteFeature, String, Vec<UserId>)>) {
        let mut local = Vec::new();
        let mut remote: BTreeMap<(RemoteFeature, String), Vec<UserId>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for u in users {
            if !seen.insert(u.normalized()) {
                continue;
            }
            match self.user_route(feature, &u) {
                Route::Local => local.push(u),
                Route::Remote(f, d) => remote.entry((f, d)).or_default().push(u),
            }
        }
        let local = (!local.is_empty()).then_some(local);
        (local, remote.into_iter().map(|((f, d), u)| (f, d, u)).collect())
    }

    /// A `Recipient` split by route: users by `feature`, groups and screen names by groups;
    /// contact lists with a remote member are expanded (when `expand`).
    #[allow(clippy::type_complexity)]
    fn split_recipient(
        &self,
        ctx: &Ctx,
        feature: RemoteFeature,
        r: &Recipient,
        expand: bool,
    ) -> (Option<Recipient>, Vec<(RemoteFeature, String, Vec<UserId>, Vec<GroupId>, Recipient)>) {
        let mut local = Recipient::default();
        let mut users: Vec<User> = r.users.clone();
        for l in &r.contact_lists {
            match self.contact_list_members(&ctx.user, l) {
                Some(m) if expand && m.iter().any(|u| self.user_route(feature, u) != Route::Local) => {
                    users.extend(m.into_iter().map(User::new));
                }
                _ => local.contact_lists.push(l.clone()),
            }
        }
        let mut parts: BTreeMap<Route, PlanPart> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for u in users {
            if !seen.insert(u.user_id.normalized()) {
                continue;
            }
            match self.user_route(feature, &u.user_id) {
                Route::Local => local.users.push(u),
                route => parts.entry(route).or_default().users.push(u.user_id),
            }
        }
        for g in &r.groups {
            let gid = match g {
                Group::GroupId(id) => id,
                Group::ScreenName(s) => &s.group_id,
            };
            match self.group_route(gid) {
                Route::Local => local.groups.push(g.clone()),
                route => parts.entry(route).or_default().groups.push(g.clone()),
            }
        }
        let local =
            (!local.users.is_empty() || !local.groups.is_empty() || !local.contact_lists.is_empty()).then_some(local);
        let parts = parts
            .into_iter()
            .filter_map(|(route, p)| match route {
                Route::Local => None,
                Route::Remote(f, d) => {
                    let mut rec = Recipient::default();
                    rec.users = p.users.iter().cloned().map(User::new).collect();
                    rec.groups = p.groups.clone();
                    let gids = p
                        .groups
                        .iter()
                        .map(|g| match g {
                            Group::GroupId(id) => id.clone(),
                            Group::ScreenName(s) => s.group_id.clone(),
                        })
                        .collect();
                    Some((f, d, p.users, gids, rec))
                }
            })
            .collect();
        (local, parts)
    }

    #[allow(clippy::type_complexity)]
    fn remember_invite_out(
        &mut self,
        inviter: &UserId,
        id: &InviteId,
        local: bool,
        parts: &[(RemoteFeature, String, Vec<UserId>, Vec<GroupId>, Recipient)],
    ) {
        let max = self.st.remote.policy.as_ref().map_or(0, |p| p.max_remote_invitations);
        let key = (inviter.clone(), id.clone());
        let routes = InviteRoutes { local, remote: parts.iter().map(|(f, d, ..)| (*f, d.clone())).collect() };
        if self.st.remote.invites_out.insert(key.clone(), routes).is_none() {
            self.st.remote.invites_out_order.push_back(key);
        }
        while self.st.remote.invites_out_order.len() > max {
            if let Some(old) = self.st.remote.invites_out_order.pop_front() {
                self.st.remote.invites_out.remove(&old);
            }
        }
    }

    /// The next request for another domain. Drain after every input, as the outputs.
    pub fn poll_remote(&mut self) -> Option<RemoteRequest> {
        self.st.remote.outbox.pop_front()
    }

    /// The answer to a [`RemoteRequest`] (a CSP response primitive: the request's own
    /// response, or `Status`). When every part of the client's request is answered, the merged
    /// response is queued for its session. Unknown ids are ignored.
    pub fn complete_remote(&mut self, now: Timestamp, id: RemoteRequestId, response: Primitive) {
        let _ = now;
        let Some(aid) = self.st.remote.parts.remove(&id) else { return };
        let Some(pending) = self.st.remote.pending.get_mut(&aid) else { return };
        if let Some(part) = pending.parts.get_mut(&id) {
            part.answer = Some(response);
        }
        if pending.parts.values().any(|p| p.answer.is_none()) {
            return;
        }
        let pending = self.st.remote.pending.remove(&aid).expect("present");
        let answer = merge(&pending);
        let code = result_of(&answer).code;
        let sid = pending.session.clone();
        let Some(s) = self.st.sessions.get_mut(&sid) else { return };
        if s.closing {
            return;
        }
        let was_empty = s.queue.is_empty();
        s.queue.push_back(Transaction::response(pending.transaction.clone(), answer));
        if was_empty {
            self.outputs.push_back(Output::Wake { session: sid.clone() });
        }
        // The request's log line, now that its result is known.
        let primitive = imps_csp::schema::Elem::from_name(&pending.request).map_or("remote", |e| e.canonical_name());
        self.outputs.push_back(Output::Handled(RequestLog {
            session: Some(sid),
            user: Some(pending.user),
            primitive,
            code: Some(code),
        }));
        self.flush();
    }

    /// Requests waiting for other domains' answers (parts).
    pub fn remote_in_flight(&self) -> usize {
        self.st.remote.parts.len()
    }

    // ---- inbound: deliveries for local users ----

    /// Queues a server-originated primitive that another domain (`from`) delivers for local
    /// user `to` (`NewMessage`, `PresenceNotification-Request`, `GroupChangeNotice`,
    /// `InviteUser-Request`…) on every session of the user. Returns 200 when a session took
    /// it, 533 when the user has no session, 507 when every queue is full, 531 for no such
    /// local user. An `InviteUser-Request` is remembered so that the invitee's answer goes
    /// back to `from`.
    pub fn deliver_remote(&mut self, now: Timestamp, from: &str, to: &UserId, p: Primitive) -> ResultCode {
        let _ = now;
        let to = to.normalized();
        let local = to.domain().is_none_or(|d| lower(d) == self.local_domain());
        if !local || !self.st.accounts.contains_key(&to) {
            return ResultCode::UNKNOWN_USER;
        }
        if let Primitive::InviteUserRequest(r) = &p {
            let max = self.st.remote.policy.as_ref().map_or(0, |p| p.max_remote_invitations);
            let key = (to.clone(), r.invite_id.clone());
            if self.st.remote.invites_in.insert(key.clone(), lower(from)).is_none() {
                self.st.remote.invites_in_order.push_back(key);
            }
            while self.st.remote.invites_in_order.len() > max {
                if let Some(old) = self.st.remote.invites_in_order.pop_front() {
                    self.st.remote.invites_in.remove(&old);
                }
            }
        }
        let sessions = self.sessions_of(&to);
        if sessions.is_empty() {
            return ResultCode::MESSAGE_RECIPIENT_NOT_LOGGED_IN;
        }
        let n = self.send_to_user(&to, &p);
        if n == 0 {
            ResultCode::MESSAGE_QUEUE_FULL
        } else {
            ResultCode::SUCCESSFUL
        }
    }

    // ---- remote users' sessions ----

    /// The remote session of a remote user, if open.
    pub fn remote_session(&self, user: &UserId) -> Option<&SessionId> {
        self.st.remote.proxies.get(&user.normalized()).filter(|s| self.st.sessions.contains_key(*s))
    }

    /// The remote user a session stands for, when it is a remote session.
    pub fn remote_session_user(&self, sid: &SessionId) -> Option<&UserId> {
        self.st.remote.proxy_users.get(sid).filter(|_| self.st.sessions.contains_key(sid))
    }

    /// The remote sessions, by user.
    pub fn remote_sessions(&self) -> impl Iterator<Item = (&UserId, &SessionId)> {
        self.st.remote.proxies.iter().filter(|(_, s)| self.st.sessions.contains_key(*s))
    }

    /// Whether `user` has an account here of its own (not a remote user's guest account).
    pub fn has_local_account(&self, user: &UserId) -> bool {
        let u = user.normalized();
        self.st.accounts.contains_key(&u) && !self.st.remote.guests.contains(&u)
    }

    /// Whether a user got a guest account here for being a remote user.
    pub fn is_guest(&self, user: &UserId) -> bool {
        self.st.remote.guests.contains(&user.normalized())
    }

    /// Opens (or returns) the remote session of `user`, a user of another domain. 503 beyond
    /// [`RemotePolicy::max_remote_sessions`]; 516 for a user of this domain or without a
    /// domain; 405 without a policy.
    pub fn open_remote_session(&mut self, now: Timestamp, user: &UserId) -> Result<SessionId, ResultCode> {
        let Some(policy) = self.st.remote.policy.clone() else { return Err(ResultCode::SERVICE_NOT_SUPPORTED) };
        let user = user.normalized();
        let Some(domain) = user.domain().map(lower).filter(|d| *d != self.local_domain()) else {
            return Err(ResultCode::DOMAIN_NOT_SUPPORTED);
        };
        if let Some(sid) = self.remote_session(&user).cloned() {
            if let Some(s) = self.st.sessions.get_mut(&sid) {
                s.last_seen = now;
            }
            return Ok(sid);
        }
        self.st.remote.proxy_users.retain(|s, _| self.st.sessions.contains_key(s));
        self.st.remote.proxies.retain(|_, s| self.st.sessions.contains_key(s));
        if self.st.remote.proxies.len() >= policy.max_remote_sessions {
            return Err(ResultCode::SERVICE_UNAVAILABLE);
        }
        if !self.st.accounts.contains_key(&user) {
            let password = self.rng.token(16);
            self.dirty.accounts.insert(user.clone());
            self.st.accounts.insert(user.clone(), Account::new(&user, password));
            self.st.remote.guests.insert(user.clone());
        }
        let sid = loop {
            let sid = SessionId::new(format!("r{}", self.rng.token(16)));
            if !self.st.sessions.contains_key(&sid) {
                break sid;
            }
        };
        let version = Version::V1_2;
        self.start_session(SessionState {
            id: sid.clone(),
            user: user.clone(),
            client_id: ClientId::url(format!("wv:@{domain}")),
            version,
            encoding: Encoding::Xml,
            created: now,
            last_seen: now,
            // Never expires by keep-alive: its domain closes it.
            keep_alive_secs: u32::MAX,
            client_type: None,
            cir_methods: Vec::new(),
            agreed: Some(self.config.offered.functions().in_version(version)),
            delivery: DeliveryMethod::Push,
            accepted_content_length: None,
            queue: VecDeque::new(),
            awaiting: Default::default(),
            next_tid: 0,
            closing: false,
        });
        self.st.remote.proxies.insert(user.clone(), sid.clone());
        self.st.remote.proxy_users.insert(sid.clone(), user.clone());
        // A user this server serves starts its features here as a login would.
        let served = |f: RemoteFeature| policy.served.contains(&(f, domain.clone()));
        let ctx = Ctx { now, session: sid.clone(), user, version };
        if served(RemoteFeature::Presence) {
            self.presence_session_start(&ctx);
        }
        if served(RemoteFeature::Im) {
            self.im_session_start(&ctx);
        }
        if served(RemoteFeature::Invitation) || served(RemoteFeature::Group) {
            self.common_session_start(&ctx);
        }
        self.flush();
        Ok(sid)
    }

    /// Closes the remote session of `user` (its domain reports it inactive): what it holds
    /// goes back as at a logout. False when it has none.
    pub fn close_remote_session(&mut self, now: Timestamp, user: &UserId) -> bool {
        let user = user.normalized();
        let Some(sid) = self.st.remote.proxies.remove(&user) else { return false };
        self.st.remote.proxy_users.remove(&sid);
        if !self.st.sessions.contains_key(&sid) {
            return false;
        }
        self.end_session(now, &sid, SessionEnd::Logout);
        self.flush();
        true
    }

    /// Runs a CSP request that another domain relays on behalf of its user `user`, in the
    /// user's remote session (opened if needed). Returns the response, or `None` when it is
    /// deferred (it needs yet another domain): it then arrives as a response transaction with
    /// `tid` in the remote session's queue ([`take_pending`](Engine::take_pending)). Errors as
    /// [`open_remote_session`](Engine::open_remote_session).
    pub fn handle_remote_request(
        &mut self,
        now: Timestamp,
        user: &UserId,
        tid: TransactionId,
        p: Primitive,
    ) -> Result<Option<Primitive>, ResultCode> {
        let sid = self.open_remote_session(now, user)?;
        let msg = Message::new(SessionDescriptor::inband(sid.clone()), Transaction::request(tid.clone(), p));
        let reply = self.handle_message(now, msg, Version::V1_2);
        let mut answer = None;
        let mut others = Vec::new();
        for t in reply.transactions {
            if answer.is_none() && t.mode == TransactionMode::Response && t.id.as_ref() == Some(&tid) {
                answer = Some(t.primitive);
            } else {
                others.push(t);
            }
        }
        // What the reply drained from the queue stays queued for the layer to fetch.
        if let Some(s) = self.st.sessions.get_mut(&sid) {
            for t in others.into_iter().rev() {
                s.queue.push_front(t);
            }
        }
        Ok(answer)
    }
}

/// The merged answer of a pending request.
fn merge(p: &Pending) -> Primitive {
    let answers: Vec<(&Part, &Primitive)> =
        p.parts.values().filter_map(|part| part.answer.as_ref().map(|a| (part, a))).collect();
    if p.merge == Merge::Single {
        if let Some((_, a)) = answers.first() {
            return (*a).clone();
        }
    }
    let mut results: Vec<(CspResult, Vec<UserId>, Vec<GroupId>)> = Vec::new();
    if let Some(l) = &p.local {
        results.push((result_of(l), Vec::new(), Vec::new()));
    }
    for (part, a) in &answers {
        results.push((result_of(a), part.users.clone(), part.groups.clone()));
    }
    let result = merged_result(&results);
    match p.merge {
        Merge::SendMessage => {
            let id = p.local.iter().chain(answers.iter().map(|(_, a)| *a)).find_map(|a| match a {
                Primitive::SendMessageResponse(r) => r.message_id.clone(),
                _ => None,
            });
            SendMessageResponse::new(result, id).into()
        }
        Merge::GetPresence => {
            let mut presences = Vec::new();
            for a in p.local.iter().chain(answers.iter().map(|(_, a)| *a)) {
                if let Primitive::GetPresenceResponse(r) = a {
                    presences.extend(r.presences.iter().cloned());
                }
            }
            GetPresenceResponse::new(result, presences).into()
        }
        _ => imps_csp::primitive::access::Status::new(result).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{MemoryStorage, ServerConfig};
    use crate::SplitMix64;
    use imps_csp::primitive::access::LoginRequest;
    use imps_csp::primitive::im::{GetMessageRequest, NewMessage, SendMessageRequest};

    const T: Timestamp = Timestamp(1_700_000_000_000);

    fn uid(n: &str, d: &str) -> UserId {
        format!("wv:{n}@{d}").into()
    }

    fn engine(policy: Option<RemotePolicy>) -> Engine<MemoryStorage, SplitMix64> {
        let accounts = ["alice", "ann"].map(|n| Account::new(&uid(n, "a.example"), "pw"));
        let mut e = Engine::new(ServerConfig::new("a.example"), MemoryStorage::with_accounts(accounts), SplitMix64(3))
            .expect("engine");
        e.set_remote_policy(policy);
        e
    }

    fn send(
        e: &mut Engine<MemoryStorage, SplitMix64>,
        sid: Option<&SessionId>,
        tid: &str,
        p: impl Into<Primitive>,
    ) -> Message {
        let sd = sid.map_or_else(SessionDescriptor::outband, |s| SessionDescriptor::inband(s.clone()));
        e.handle_message(T, Message::new(sd, Transaction::request(tid, p)), Version::V1_2)
    }

    fn login(e: &mut Engine<MemoryStorage, SplitMix64>, name: &str) -> SessionId {
        let req = LoginRequest::with_password(uid(name, "a.example"), ClientId::url("http://c"), "pw", "c");
        match &send(e, None, "l", req).transactions[0].primitive {
            Primitive::LoginResponse(l) => l.session_id.clone().expect("session"),
            other => panic!("{other:?}"),
        }
    }

    fn code(p: &Primitive) -> u32 {
        result_of(p).code.0
    }

    #[test]
    fn without_a_policy_every_id_is_local() {
        let mut e = engine(None);
        let s = login(&mut e, "alice");
        let r = send(
            &mut e,
            Some(&s),
            "t1",
            SendMessageRequest::text(uid("alice", "a.example"), uid("bob", "b.example"), "x"),
        );
        assert_eq!(code(&r.transactions[0].primitive), 516);
        assert!(e.poll_remote().is_none());
    }

    #[test]
    fn a_remote_recipient_defers_the_answer_until_the_other_domain_answers() {
        let mut e = engine(Some(RemotePolicy::default()));
        let s = login(&mut e, "alice");
        let r = send(
            &mut e,
            Some(&s),
            "t1",
            SendMessageRequest::text(uid("alice", "a.example"), uid("bob", "b.example"), "x"),
        );
        assert!(r.transactions.is_empty(), "deferred: {r:?}");
        let req = e.poll_remote().expect("a remote request");
        assert_eq!((req.feature, req.domain.as_str()), (RemoteFeature::Im, "b.example"));
        assert_eq!(req.user, uid("alice", "a.example"));
        e.complete_remote(T, req.id, SendMessageResponse::ok("m-b").into());
        let (m, ..) = e.take_pending(T, &s).expect("the answer");
        let t = &m.transactions[0];
        assert_eq!((t.mode, t.id.as_ref().map(|i| i.as_str())), (TransactionMode::Response, Some("t1")));
        assert!(
            matches!(&t.primitive, Primitive::SendMessageResponse(r) if r.message_id.as_ref().map(|m| m.as_str()) == Some("m-b"))
        );
        // Unknown or repeated completions change nothing.
        e.complete_remote(T, req.id, SendMessageResponse::ok("again").into());
        assert!(e.take_pending(T, &s).is_none());
    }

    #[test]
    fn parts_for_several_domains_merge_with_the_local_part() {
        let mut e = engine(Some(RemotePolicy::default()));
        let s = login(&mut e, "alice");
        let _ann = login(&mut e, "ann");
        let mut rec = Recipient::user(uid("ann", "a.example"));
        rec.users.push(User::new(uid("bob", "b.example")));
        rec.users.push(User::new(uid("carl", "c.example")));
        let req = SendMessageRequest::text_to(uid("alice", "a.example"), rec, "x");
        assert!(send(&mut e, Some(&s), "t1", req).transactions.is_empty());
        let parts: Vec<RemoteRequest> = std::iter::from_fn(|| e.poll_remote()).collect();
        assert_eq!(parts.len(), 2);
        for p in &parts {
            let Primitive::SendMessageRequest(r) = &p.primitive else { panic!() };
            assert_eq!(r.message_info.recipient.users.len(), 1, "each part holds its domain's users only");
        }
        e.complete_remote(T, parts[0].id, SendMessageResponse::ok("m-b").into());
        assert!(e.take_pending(T, &s).is_none(), "waits for every part");
        e.complete_remote(T, parts[1].id, status(ResultCode::UNKNOWN_USER));
        let (m, ..) = e.take_pending(T, &s).expect("the answer");
        let Primitive::SendMessageResponse(r) = &m.transactions[0].primitive else { panic!() };
        assert_eq!(r.result.code, ResultCode::PARTIALLY_SUCCESSFUL);
        assert_eq!(r.result.detailed_results[0].user_ids, vec![uid("carl", "c.example")]);
        assert!(r.message_id.is_some());
    }

    #[test]
    fn served_domains_are_local_and_features_provided_elsewhere_are_relayed() {
        let mut p = RemotePolicy::default();
        p.served.insert((RemoteFeature::Im, "b.example".into()));
        p.provided_elsewhere.insert(RemoteFeature::Presence);
        let mut e = engine(Some(p));
        let s = login(&mut e, "alice");
        // bob@b.example is served here: handled by the IM feature, which knows no such user
        // yet (no guest account): its answer for an unknown user of another domain.
        let r = send(
            &mut e,
            Some(&s),
            "t1",
            SendMessageRequest::text(uid("alice", "a.example"), uid("bob", "b.example"), "x"),
        );
        assert_eq!(code(&r.transactions[0].primitive), 516);
        // Presence is provided elsewhere: even alice's own update goes out.
        let upd = imps_csp::primitive::presence::UpdatePresenceRequest::default();
        assert!(send(&mut e, Some(&s), "t2", upd).transactions.is_empty());
        let req = e.poll_remote().expect("relayed");
        assert_eq!((req.feature, req.domain.as_str()), (RemoteFeature::Presence, "a.example"));
        // IM is provided here: a local GetMessage stays.
        let r = send(&mut e, Some(&s), "t3", GetMessageRequest::new("nope"));
        assert_eq!(code(&r.transactions[0].primitive), 426);
    }

    #[test]
    fn remote_sessions_run_relayed_requests_and_hold_deliveries() {
        let mut e = engine(Some(RemotePolicy::default()));
        let alice = login(&mut e, "alice");
        let bob = uid("bob", "b.example");
        let ans = e.handle_remote_request(
            T,
            &bob,
            "x1".into(),
            SendMessageRequest::text(bob.clone(), uid("alice", "a.example"), "hi").into(),
        );
        let ans = ans.expect("opened").expect("answered");
        assert_eq!(code(&ans), 200);
        assert!(e.is_guest(&bob) && !e.has_local_account(&bob));
        let proxy = e.remote_session(&bob).cloned().expect("proxy");
        assert_eq!(e.remote_session_user(&proxy), Some(&bob));
        let (m, ..) = e.take_pending(T, &alice).expect("alice's message");
        assert!(
            matches!(&m.transactions[0].primitive, Primitive::NewMessage(n) if n.content_data.as_deref() == Some("hi"))
        );
        assert_eq!(e.open_remote_session(T, &uid("alice", "a.example")), Err(ResultCode::DOMAIN_NOT_SUPPORTED));
        assert!(e.close_remote_session(T, &bob));
        assert!(e.remote_session(&bob).is_none());
        assert!(!e.close_remote_session(T, &bob));
    }

    #[test]
    fn deliveries_reach_local_sessions() {
        let mut e = engine(Some(RemotePolicy::default()));
        let nm: Primitive = NewMessage::new(Default::default(), Some("x".into())).into();
        assert_eq!(
            e.deliver_remote(T, "b.example", &uid("alice", "a.example"), nm.clone()),
            ResultCode::MESSAGE_RECIPIENT_NOT_LOGGED_IN
        );
        assert_eq!(e.deliver_remote(T, "b.example", &uid("zed", "a.example"), nm.clone()), ResultCode::UNKNOWN_USER);
        assert_eq!(e.deliver_remote(T, "b.example", &uid("alice", "c.example"), nm.clone()), ResultCode::UNKNOWN_USER);
        let s = login(&mut e, "alice");
        assert_eq!(e.deliver_remote(T, "b.example", &uid("alice", "a.example"), nm), ResultCode::SUCCESSFUL);
        assert!(e.take_pending(T, &s).is_some());
    }
}
