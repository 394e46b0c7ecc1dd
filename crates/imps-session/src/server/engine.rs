//! The engine: sessions, request dispatch, server-originated queues, time, write-through.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use imps_csp::elements::{ClientId, CspResult};
use imps_csp::ids::{GroupId, MessageId, SessionId, TransactionId, UserId};
use imps_csp::presence::ClientType;
use imps_csp::primitive::access::{CirMethod, DeliveryMethod, Function, FunctionSet, Status};
use imps_csp::{
    DecodeOptions, Encoding, Message, Originator, Primitive, PrimitiveKind, ResultCode, SessionDescriptor, SessionType,
    Transaction, TransactionMode, Version,
};
use serde::{Deserialize, Serialize};

use super::common::CommonState;
use super::config::ServerConfig;
use super::group::GroupsState;
use super::im::ImState;
use super::presence::PresenceState;
use super::storage::{Account, Batch, Storage, StorageError};
use crate::random::Random;
use crate::Timestamp;

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SessionEnd {
    /// The client logged out.
    Logout,
    /// Nothing arrived within the keep-alive time (result code 600).
    Expired,
    /// The server disconnected it (result code 601 or as given).
    Disconnected,
    /// A new login of the same client replaced it.
    Replaced,
}

/// What the engine asks of its transport, besides replies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// Server-originated transactions wait for this session. A transport with a push channel
    /// (a CIR, a kept-open connection) tells the client to poll, or fetches them with
    /// [`Engine::take_pending`]; over plain HTTP the next reply carries `Poll=T`.
    Wake {
        /// The session.
        session: SessionId,
    },
    /// A session ended; the transport may drop what it holds for it.
    SessionEnded {
        /// The session.
        session: SessionId,
        /// Its user.
        user: UserId,
        /// Why.
        reason: SessionEnd,
    },
    /// One request was handled (one line of a request log).
    Handled(RequestLog),
    /// The storage refused a batch; the engine's memory is ahead of the storage.
    StorageFailed(StorageError),
}

/// One handled request, for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog {
    /// The session, if any.
    pub session: Option<SessionId>,
    /// The user, if known.
    pub user: Option<UserId>,
    /// The request primitive's name.
    pub primitive: &'static str,
    /// The result code answered, when the answer carries one.
    pub code: Option<ResultCode>,
}

/// The encoded answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The message bytes.
    pub bytes: Vec<u8>,
    /// Its HTTP content type.
    pub content_type: &'static str,
    /// The version it is written in (the request's).
    pub version: Version,
    /// Its encoding (the request's).
    pub encoding: Encoding,
}

/// A request the engine cannot answer with a CSP message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Larger than the configured limit (HTTP 413).
    #[error("request of {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// Size.
        size: usize,
        /// Limit.
        limit: usize,
    },
    /// Not a decodable CSP message (HTTP 400).
    #[error("malformed request: {0}")]
    Malformed(#[from] imps_csp::Error),
}

impl RequestError {
    /// The HTTP status a transport answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            RequestError::TooLarge { .. } => 413,
            RequestError::Malformed(e) if e.is_not_csp() => 415,
            RequestError::Malformed(_) => 400,
        }
    }
}

/// What a server transaction waits for from the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Awaiting {
    /// A `Status` (or any response).
    Ack,
    /// `MessageDelivered` for a pushed message.
    MessageDelivery(MessageId),
    /// `InviteUser-Response` for an invitation.
    Invitation(imps_csp::ids::InviteId),
}

/// One logged-in session (seed 7.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// Session id (unguessable).
    pub id: SessionId,
    /// Normalised user id.
    pub user: UserId,
    /// The client's id from the login.
    pub client_id: ClientId,
    /// Version of the login request; server-originated messages use it.
    pub version: Version,
    /// Encoding of the login request.
    pub encoding: Encoding,
    /// Login time.
    pub created: Timestamp,
    /// Last request time (keep-alive, seed 7.3).
    pub last_seen: Timestamp,
    /// Agreed keep-alive time, seconds.
    pub keep_alive_secs: u32,
    /// The client type the client announced in `ClientCapability-Request` (seed 7.2). Of its
    /// capability list the session keeps what a server acts on: this, the CIR methods, the
    /// initial delivery method (`delivery`) and `accepted_content_length`; the whole list
    /// would double an idle session's size.
    pub client_type: Option<ClientType>,
    /// The CIR methods the client supports (for a transport choosing how to wake it).
    pub cir_methods: Vec<CirMethod>,
    /// Agreed functions; `None` until service negotiation.
    pub agreed: Option<FunctionSet>,
    /// Current delivery method (seed 4.1): push or notify/pull.
    pub delivery: DeliveryMethod,
    /// Largest content the client accepts pushed, in bytes.
    pub accepted_content_length: Option<u32>,
    /// Server-originated transactions waiting for a `Polling-Request` (or a push transport).
    pub(crate) queue: VecDeque<Transaction>,
    /// Server transactions sent and not yet answered.
    pub(crate) awaiting: BTreeMap<TransactionId, Awaiting>,
    /// Counter for server transaction ids.
    pub(crate) next_tid: u64,
    /// Set when a `Disconnect` is queued: the session ends once it has been fetched.
    pub(crate) closing: bool,
}

impl SessionState {
    /// When the session expires without further requests.
    pub fn expires_at(&self, grace_secs: u32) -> Timestamp {
        self.last_seen.add_secs(self.keep_alive_secs as u64 + grace_secs as u64)
    }

    /// Server-originated transactions waiting.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// A login challenge of the 4-way login, waiting for the digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Challenge {
    pub user: UserId,
    pub schema: crate::digest::DigestAlgorithm,
    pub expires: Timestamp,
}

/// All working state: serde-serialisable, so a deployment can persist or move it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EngineState {
    pub(crate) sessions: BTreeMap<SessionId, SessionState>,
    /// Each user's live sessions, sorted (a user has a few at most: a sorted `Vec` costs one
    /// small allocation where a `BTreeSet` costs a whole B-tree node).
    pub(crate) user_sessions: BTreeMap<UserId, Vec<SessionId>>,
    pub(crate) challenges: BTreeMap<String, Challenge>,
    pub(crate) accounts: BTreeMap<UserId, Account>,
    pub(crate) presence: PresenceState,
    pub(crate) im: ImState,
    pub(crate) groups: GroupsState,
    pub(crate) common: CommonState,
    /// Routing to other domains (remote.rs).
    #[serde(default)]
    pub(crate) remote: super::remote::RemoteState,
    pub(crate) next_id: u64,
}

/// Records changed by the current input, written through at its end.
#[derive(Debug, Default)]
pub(crate) struct Dirty {
    pub accounts: BTreeSet<UserId>,
    pub users: BTreeSet<UserId>,
    pub groups: BTreeSet<GroupId>,
    pub messages: BTreeSet<MessageId>,
}

/// The context of one request inside a session.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub now: Timestamp,
    pub session: SessionId,
    pub user: UserId,
    pub version: Version,
}

/// What handling one request transaction yields (short-lived, so its size does not matter).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Answer {
    /// A response primitive.
    Response(Primitive),
    /// A `Polling-Request`: answered with the session's queued transactions.
    Poll,
    /// Answered later, by another domain (see `remote.rs`): the response is queued for the
    /// session as a response transaction.
    Deferred,
}

impl From<Primitive> for Answer {
    fn from(p: Primitive) -> Self {
        Answer::Response(p)
    }
}

/// `Status` with a code.
pub(crate) fn status(code: ResultCode) -> Primitive {
    Status::new(CspResult::new(code)).into()
}

/// The service element (seed 2): every feature of seed sections 3-8 over CSP, sans-IO.
///
/// Inputs: [`handle_request`](Self::handle_request) (bytes of one HTTP POST, or
/// [`handle_message`](Self::handle_message) for decoded messages),
/// [`handle_timeout`](Self::handle_timeout), [`disconnect`](Self::disconnect).
/// Outputs: the reply to each request (returned), [`poll_output`](Self::poll_output),
/// [`take_pending`](Self::take_pending) for push transports, and
/// [`poll_timeout`](Self::poll_timeout).
///
/// **Drain rule**: after each input, call `poll_output` until it returns `None` (and act on
/// each output) before the next input; then re-read `poll_timeout`, which any input may move.
pub struct Engine<S: Storage, R: Random> {
    pub(crate) config: ServerConfig,
    pub(crate) storage: S,
    pub(crate) rng: R,
    pub(crate) st: EngineState,
    pub(crate) dirty: Dirty,
    pub(crate) outputs: VecDeque<Output>,
    /// No live session expires before this instant (a lower bound): [`expire`](Self::expire)
    /// walks every session only once it has passed, instead of at every input. Whatever can
    /// bring a session's expiry forward lowers it ([`session_expiry_moved`](Self::session_expiry_moved)).
    pub(crate) sessions_expire_from: Timestamp,
    /// The sessions with a `Disconnect` queued (`SessionState::closing`), so that ending them
    /// once it is fetched does not walk every session at every input.
    pub(crate) closing_sessions: BTreeSet<SessionId>,
}

impl<S: Storage, R: Random> std::fmt::Debug for Engine<S, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("domain", &self.config.domain)
            .field("sessions", &self.st.sessions.len())
            .field("accounts", &self.st.accounts.len())
            .finish_non_exhaustive()
    }
}

impl<S: Storage, R: Random> Engine<S, R> {
    /// An engine over `storage`, restoring everything it holds; `rng` must be
    /// cryptographically secure in production (session ids and nonces come from it).
    pub fn new(config: ServerConfig, mut storage: S, rng: R) -> Result<Self, StorageError> {
        let snapshot = storage.load()?;
        let mut st = EngineState::default();
        for a in snapshot.accounts {
            st.accounts.insert(a.user_id.normalized(), a);
        }
        st.presence = PresenceState::restore(&config, snapshot.users);
        st.im = ImState::restore(snapshot.messages);
        st.groups = GroupsState::restore(&config, snapshot.groups);
        let mut engine = Engine {
            config,
            storage,
            rng,
            st,
            dirty: Dirty::default(),
            outputs: VecDeque::new(),
            sessions_expire_from: Timestamp(0),
            closing_sessions: BTreeSet::new(),
        };
        engine.install_public_groups();
        engine.flush();
        Ok(engine)
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The storage.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The working state (serialisable).
    pub fn state(&self) -> &EngineState {
        &self.st
    }

    /// The live sessions.
    pub fn sessions(&self) -> impl Iterator<Item = &SessionState> {
        self.st.sessions.values()
    }

    /// A live session.
    pub fn session(&self, id: &SessionId) -> Option<&SessionState> {
        self.st.sessions.get(id)
    }

    /// Creates or replaces an account (written through to storage).
    pub fn put_account(&mut self, account: Account) {
        let id = account.user_id.normalized();
        self.dirty.accounts.insert(id.clone());
        self.st.accounts.insert(id, account);
        self.flush();
    }

    /// The next output for the transport; see the drain rule on [`Engine`].
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// Handles one request message given as bytes (XML or WBXML, any version), and returns the
    /// reply in the same encoding and version.
    pub fn handle_request(&mut self, now: Timestamp, bytes: &[u8]) -> Result<Reply, RequestError> {
        let limit = self.config.limits.max_request_bytes;
        if bytes.len() > limit {
            return Err(RequestError::TooLarge { size: bytes.len(), limit });
        }
        let opts = DecodeOptions::default().with_max_size(limit);
        let decoded = Message::decode_with(bytes, &opts)?;
        let (version, encoding) = (decoded.version, decoded.encoding);
        let reply = self.handle_message(now, decoded.message, version);
        if reply.transactions.is_empty() {
            // Every request was deferred and nothing waits: an empty body (see `remote.rs`).
            return Ok(Reply { bytes: Vec::new(), content_type: encoding.content_type(version), version, encoding });
        }
        let bytes = match reply.encode(version, encoding) {
            Ok(b) => b,
            // The reply holds something this version cannot carry: answer 500 instead.
            Err(_) => {
                let id = reply.transactions.first().and_then(|t| t.id.clone()).unwrap_or_else(|| "0".into());
                let fallback = Message::new(
                    reply.session.clone(),
                    Transaction::response(id, status(ResultCode::INTERNAL_SERVER_ERROR)),
                );
                fallback.encode(version, encoding).unwrap_or_default()
            }
        };
        Ok(Reply { bytes, content_type: encoding.content_type(version), version, encoding })
    }

    /// Handles one decoded request message of `version`, returning the reply message. A reply
    /// without transactions means that every request was deferred to another domain and
    /// nothing waits (an empty body; see `remote.rs`).
    pub fn handle_message(&mut self, now: Timestamp, msg: Message, version: Version) -> Message {
        self.expire(now);
        let mut replies = Vec::new();
        let mut poll = false;
        let mut deferred = false;
        let mut first_id = None;
        let session_id = match msg.session.session_type {
            SessionType::Inband => msg.session.session_id.clone(),
            SessionType::Outband => None,
        };
        for t in msg.transactions {
            if first_id.is_none() {
                first_id = t.id.clone();
            }
            match t.mode {
                TransactionMode::Request => {
                    let id = t.id.clone().unwrap_or_else(|| TransactionId::new(""));
                    match self.dispatch(now, session_id.as_ref(), version, &id, t.primitive) {
                        Answer::Response(p) => replies.push(Transaction::response(id, p)),
                        Answer::Poll => poll = true,
                        Answer::Deferred => deferred = true,
                    }
                }
                TransactionMode::Response => {
                    if let Some(sid) = &session_id {
                        self.client_response(now, sid, t);
                    }
                }
            }
        }
        // Deliver waiting server transactions on a poll, or when there is nothing else to say.
        let session_ok = session_id.as_ref().is_some_and(|s| self.st.sessions.contains_key(s));
        if session_ok && (poll || replies.is_empty()) {
            let sid = session_id.clone().expect("checked");
            replies.extend(self.drain_queue(now, &sid));
        }
        if replies.is_empty() && deferred {
            let mut reply = Message::new(
                SessionDescriptor::inband(session_id.clone().unwrap_or_default()),
                Transaction::response("0", status(ResultCode::SUCCESSFUL)),
            );
            reply.transactions.clear();
            self.flush();
            return reply;
        }
        if replies.is_empty() {
            let code =
                if session_id.is_some() && !session_ok { ResultCode::INVALID_SESSION } else { ResultCode::SUCCESSFUL };
            replies.push(Transaction::response(first_id.unwrap_or_else(|| "0".into()), status(code)));
        }
        let descriptor = match (&session_id, session_ok) {
            (Some(sid), true) => SessionDescriptor::inband(sid.clone()),
            _ => SessionDescriptor::outband(),
        };
        let mut reply = Message::new(descriptor, replies.remove(0));
        reply.transactions.extend(replies);
        if let Some(s) = session_id.as_ref().and_then(|s| self.st.sessions.get(s)) {
            if !s.queue.is_empty() {
                reply.poll = Some(true);
            }
        }
        self.end_closing_sessions(now);
        self.flush();
        reply
    }

    /// Ends sessions whose `Disconnect` has been fetched.
    fn end_closing_sessions(&mut self, now: Timestamp) {
        if self.closing_sessions.is_empty() {
            return;
        }
        let sessions = &self.st.sessions;
        let done: Vec<SessionId> = self
            .closing_sessions
            .iter()
            .filter(|sid| sessions.get(*sid).is_some_and(|s| s.closing && s.queue.is_empty()))
            .cloned()
            .collect();
        for sid in done {
            self.end_session(now, &sid, SessionEnd::Disconnected);
        }
    }

    /// Routes one request transaction.
    fn dispatch(
        &mut self,
        now: Timestamp,
        session: Option<&SessionId>,
        version: Version,
        tid: &TransactionId,
        p: Primitive,
    ) -> Answer {
        let name = p.elem().canonical_name();
        // Outside a session: login, provider information, version discovery.
        match p {
            Primitive::LoginRequest(req) => {
                let (resp, user) = self.login(now, version, req);
                let code = match &resp {
                    Primitive::LoginResponse(r) => Some(r.result.code),
                    _ => None,
                };
                self.log(None, user, name, code);
                return resp.into();
            }
            Primitive::GetSPInfoRequest(req) => return self.sp_info(req).into(),
            Primitive::VersionDiscoveryRequest(req) => return self.version_discovery(req).into(),
            _ => {}
        }
        let Some(sid) = session.filter(|s| self.st.sessions.contains_key(*s)).cloned() else {
            self.log(session.cloned(), None, name, Some(ResultCode::INVALID_SESSION));
            return status(ResultCode::INVALID_SESSION).into();
        };
        let (user, agreed, expires) = {
            let s = self.st.sessions.get_mut(&sid).expect("checked");
            s.last_seen = now;
            (s.user.clone(), s.agreed, s.expires_at(self.config.keep_alive_grace_secs))
        };
        self.session_expiry_moved(expires);
        // Client answers to server requests may also come as request transactions of their own
        // (clients differ; spec notes 2.2, 2.3): accept them as such.
        let answer = matches!(
            p,
            Primitive::InviteUserResponse(_) | Primitive::PresenceAuthUser(_) | Primitive::MessageDelivered(_)
        );
        if p.originator() == Originator::Server || (p.kind() == PrimitiveKind::Response && !answer) {
            self.log(Some(sid), Some(user), name, Some(ResultCode::BAD_REQUEST));
            return status(ResultCode::BAD_REQUEST).into();
        }
        if let Some(f) = Function::for_request(p.elem()) {
            if !self.function_agreed(agreed, f) {
                self.log(Some(sid), Some(user), name, Some(ResultCode::SERVICE_NOT_AGREED));
                return status(ResultCode::SERVICE_NOT_AGREED).into();
            }
        }
        let ctx = Ctx { now, session: sid.clone(), user: user.clone(), version };
        // Requests about other domains leave here (remote.rs; inactive without a policy).
        let answer = match self.remote_route(&ctx, tid, p) {
            Ok(answer) => answer,
            Err(p) => self.route(&ctx, p),
        };
        let code = match &answer {
            Answer::Response(r) => result_code_of(r),
            Answer::Poll | Answer::Deferred => None,
        };
        self.log(Some(sid), Some(user), name, code);
        answer
    }

    /// Whether a session may use `f`: agreed in negotiation, or (when negotiation is not
    /// required and has not happened) offered.
    fn function_agreed(&self, agreed: Option<FunctionSet>, f: Function) -> bool {
        match agreed {
            Some(set) => set.contains(f),
            None => !self.config.require_service_negotiation && self.config.offered.contains(f),
        }
    }

    pub(crate) fn route(&mut self, ctx: &Ctx, p: Primitive) -> Answer {
        use Primitive as P;
        match p {
            P::PollingRequest(_) => {
                self.im_poll(ctx);
                Answer::Poll
            }
            P::LogoutRequest(_)
            | P::KeepAliveRequest(_)
            | P::ServiceRequest(_)
            | P::ClientCapabilityRequest(_)
            | P::VerifyIDRequest(_)
            | P::ExtendedRequest(_) => self.access_request(ctx, p).into(),
            P::SearchRequest(_)
            | P::StopSearchRequest(_)
            | P::InviteRequest(_)
            | P::CancelInviteRequest(_)
            | P::InviteUserResponse(_) => self.common_request(ctx, p).into(),
            P::SubscribePresenceRequest(_)
            | P::UnsubscribePresenceRequest(_)
            | P::GetPresenceRequest(_)
            | P::UpdatePresenceRequest(_)
            | P::CancelAuthRequest(_)
            | P::GetWatcherListRequest(_)
            | P::GetReactiveAuthStatusRequest(_)
            | P::PresenceAuthUser(_)
            | P::GetListRequest(_)
            | P::CreateListRequest(_)
            | P::DeleteListRequest(_)
            | P::ListManageRequest(_)
            | P::CreateAttributeListRequest(_)
            | P::DeleteAttributeListRequest(_)
            | P::GetAttributeListRequest(_) => self.presence_request(ctx, p).into(),
            P::MessageDelivered(d) => {
                let mid = d.message_id.clone();
                self.im_delivered(ctx.now, &ctx.session, &ctx.user, &mid, &Primitive::MessageDelivered(d));
                status(ResultCode::SUCCESSFUL).into()
            }
            P::SendMessageRequest(_)
            | P::GetMessageRequest(_)
            | P::ForwardMessageRequest(_)
            | P::RejectMessageRequest(_)
            | P::GetMessageListRequest(_)
            | P::SetDeliveryMethodRequest(_)
            | P::GetBlockedListRequest(_)
            | P::BlockEntityRequest(_) => self.im_request(ctx, p).into(),
            P::CreateGroupRequest(_)
            | P::DeleteGroupRequest(_)
            | P::JoinGroupRequest(_)
            | P::LeaveGroupRequest(_)
            | P::GetGroupMembersRequest(_)
            | P::GetJoinedUsersRequest(_)
            | P::AddGroupMembersRequest(_)
            | P::RemoveGroupMembersRequest(_)
            | P::MemberAccessRequest(_)
            | P::GetGroupPropsRequest(_)
            | P::SetGroupPropsRequest(_)
            | P::RejectListRequest(_)
            | P::SubscribeGroupNoticeRequest(_) => self.group_request(ctx, p).into(),
            _ => status(ResultCode::NOT_IMPLEMENTED).into(),
        }
    }

    /// A response transaction from the client to one of ours.
    fn client_response(&mut self, now: Timestamp, sid: &SessionId, t: Transaction) {
        let Some(s) = self.st.sessions.get_mut(sid) else { return };
        s.last_seen = now;
        let awaited = t.id.as_ref().and_then(|id| s.awaiting.remove(id));
        let user = s.user.clone();
        let expires = s.expires_at(self.config.keep_alive_grace_secs);
        self.session_expiry_moved(expires);
        match (awaited, t.primitive) {
            (Some(Awaiting::MessageDelivery(mid)), p) => self.im_delivered(now, sid, &user, &mid, &p),
            (Some(Awaiting::Invitation(_)) | None, Primitive::InviteUserResponse(r)) => {
                let ctx = Ctx { now, session: sid.clone(), user, version: Version::V1_2 };
                self.common_request(&ctx, Primitive::InviteUserResponse(r));
            }
            (None, Primitive::MessageDelivered(d)) => {
                let mid = d.message_id.clone();
                self.im_delivered(now, sid, &user, &mid, &Primitive::MessageDelivered(d));
            }
            _ => {}
        }
    }

    /// Queues a server-originated request for a session. Returns the transaction id, or `None`
    /// when the session is gone, closing, its queue is full, or its CSP version has no such
    /// primitive (the caller decides the fallback).
    pub(crate) fn enqueue(&mut self, sid: &SessionId, p: Primitive, awaiting: Awaiting) -> Option<TransactionId> {
        let max = self.config.limits.max_session_queue;
        let s = self.st.sessions.get_mut(sid)?;
        if s.queue.len() >= max || s.closing || !p.exists_in(s.version) {
            return None;
        }
        s.next_tid += 1;
        let tid = TransactionId::new(format!("srv-{}", s.next_tid));
        let was_empty = s.queue.is_empty();
        s.queue.push_back(Transaction::request(tid.clone(), p));
        s.awaiting.insert(tid.clone(), awaiting);
        if was_empty {
            self.outputs.push_back(Output::Wake { session: sid.clone() });
        }
        Some(tid)
    }

    /// Queues `p` for every session of `user`; returns how many took it.
    pub(crate) fn send_to_user(&mut self, user: &UserId, p: &Primitive) -> usize {
        let sessions: Vec<SessionId> = self.sessions_of(user);
        sessions.iter().filter(|sid| self.enqueue(sid, p.clone(), Awaiting::Ack).is_some()).count()
    }

    /// The live sessions of a (normalised) user.
    pub(crate) fn sessions_of(&self, user: &UserId) -> Vec<SessionId> {
        self.st.user_sessions.get(user).map(|s| s.to_vec()).unwrap_or_default()
    }

    /// Whether a user has a live session.
    pub(crate) fn is_online(&self, user: &UserId) -> bool {
        self.st.user_sessions.get(user).is_some_and(|s| !s.is_empty())
    }

    fn drain_queue(&mut self, _now: Timestamp, sid: &SessionId) -> Vec<Transaction> {
        let max = self.config.limits.max_poll_batch.max(1);
        let Some(s) = self.st.sessions.get_mut(sid) else { return Vec::new() };
        let n = s.queue.len().min(max);
        s.queue.drain(..n).collect()
    }

    /// For push transports: the session's waiting server-originated transactions as one message
    /// (in the session's version), as a `Polling-Request` would return them.
    pub fn take_pending(&mut self, now: Timestamp, sid: &SessionId) -> Option<(Message, Version, Encoding)> {
        let (version, encoding) = {
            let s = self.st.sessions.get(sid)?;
            (s.version, s.encoding)
        };
        let mut txs = self.drain_queue(now, sid).into_iter();
        let first = txs.next()?;
        let mut m = Message::new(SessionDescriptor::inband(sid.clone()), first);
        m.transactions.extend(txs);
        if self.st.sessions.get(sid).is_some_and(|s| !s.queue.is_empty()) {
            m.poll = Some(true);
        }
        self.end_closing_sessions(now);
        self.flush();
        Some((m, version, encoding))
    }

    /// Disconnects a session from the server side (seed 7.1): a `Disconnect` with `code`
    /// (601 forced logout when in doubt) is queued, and the session ends once it is fetched.
    pub fn disconnect(&mut self, now: Timestamp, sid: &SessionId, code: ResultCode) {
        let Some(s) = self.st.sessions.get_mut(sid) else { return };
        if s.closing {
            return;
        }
        let disconnect = imps_csp::primitive::access::Disconnect::new(code);
        s.next_tid += 1;
        let tid = TransactionId::new(format!("srv-{}", s.next_tid));
        s.queue.push_back(Transaction::request(tid, disconnect));
        s.closing = true;
        self.closing_sessions.insert(sid.clone());
        self.outputs.push_back(Output::Wake { session: sid.clone() });
        self.session_stops(now, sid);
        self.flush();
    }

    /// Advances time: expires sessions, stored messages, invitations, searches,
    /// subscriptions, challenges.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.expire(now);
        self.flush();
    }

    fn expire(&mut self, now: Timestamp) {
        if now >= self.sessions_expire_from {
            let grace = self.config.keep_alive_grace_secs;
            let mut expired = Vec::new();
            let mut next = Timestamp(u64::MAX);
            for s in self.st.sessions.values() {
                let at = s.expires_at(grace);
                if at <= now {
                    expired.push(s.id.clone());
                } else {
                    next = next.min(at);
                }
            }
            self.sessions_expire_from = next;
            for sid in expired {
                self.end_session(now, &sid, SessionEnd::Expired);
            }
        }
        self.st.challenges.retain(|_, c| c.expires > now);
        self.presence_timeout(now);
        self.im_timeout(now);
        self.group_timeout(now);
        self.common_timeout(now);
    }

    /// The next instant [`handle_timeout`](Self::handle_timeout) has work.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        let grace = self.config.keep_alive_grace_secs;
        [
            self.st.sessions.values().map(|s| s.expires_at(grace)).min(),
            self.st.challenges.values().map(|c| c.expires).min(),
            self.presence_deadline(),
            self.im_deadline(),
            self.group_deadline(),
            self.common_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// A session's expiry changed (its last request, its keep-alive time): keeps
    /// `sessions_expire_from` a lower bound. A later expiry needs nothing (the bound stays
    /// valid); an earlier one (a shorter keep-alive time, a clock set back) lowers it.
    pub(crate) fn session_expiry_moved(&mut self, expires: Timestamp) {
        self.sessions_expire_from = self.sessions_expire_from.min(expires);
    }

    /// Registers a new session.
    pub(crate) fn start_session(&mut self, s: SessionState) {
        self.session_expiry_moved(s.expires_at(self.config.keep_alive_grace_secs));
        let ids = self.st.user_sessions.entry(s.user.clone()).or_insert_with(|| Vec::with_capacity(1));
        if let Err(i) = ids.binary_search(&s.id) {
            ids.insert(i, s.id.clone());
        }
        self.st.sessions.insert(s.id.clone(), s);
    }

    /// The feature hooks that run when a session stops being usable (logout, expiry, forced
    /// disconnect, replacement).
    fn session_stops(&mut self, now: Timestamp, sid: &SessionId) {
        let Some(s) = self.st.sessions.get(sid) else { return };
        let user = s.user.clone();
        let last = self.st.user_sessions.get(&user).map(|set| set.len() <= 1).unwrap_or(true);
        self.group_session_end(now, sid, &user);
        self.im_session_end(now, sid, &user);
        if last {
            self.presence_user_offline(now, &user);
        }
    }

    /// Ends a session now.
    pub(crate) fn end_session(&mut self, now: Timestamp, sid: &SessionId, reason: SessionEnd) {
        let closing = self.st.sessions.get(sid).map(|s| s.closing);
        let Some(closing) = closing else { return };
        if !closing {
            self.session_stops(now, sid);
        }
        let Some(s) = self.st.sessions.remove(sid) else { return };
        self.closing_sessions.remove(sid);
        if let Some(set) = self.st.user_sessions.get_mut(&s.user) {
            if let Ok(i) = set.binary_search(sid) {
                set.remove(i);
            }
            if set.is_empty() {
                self.st.user_sessions.remove(&s.user);
            }
        }
        self.outputs.push_back(Output::SessionEnded { session: sid.clone(), user: s.user, reason });
    }

    fn log(
        &mut self,
        session: Option<SessionId>,
        user: Option<UserId>,
        primitive: &'static str,
        code: Option<ResultCode>,
    ) {
        self.outputs.push_back(Output::Handled(RequestLog { session, user, primitive, code }));
    }

    /// Writes the records the current input changed.
    pub(crate) fn flush(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let mut batch = Batch::default();
        for u in dirty.accounts {
            if let Some(a) = self.st.accounts.get(&u) {
                batch.accounts.push(a.clone());
            }
        }
        for u in dirty.users {
            let rec = self.presence_user_record(&u);
            batch.users.push((u, rec));
        }
        for g in dirty.groups {
            let rec = self.group_record(&g);
            batch.groups.push((g, rec));
        }
        for m in dirty.messages {
            let rec = self.st.im.stored_record(&m);
            batch.messages.push((m, rec));
        }
        if batch.is_empty() {
            return;
        }
        if let Err(e) = self.storage.apply(&batch) {
            self.outputs.push_back(Output::StorageFailed(e));
        }
    }
}

/// The result code a response primitive carries, for logs.
fn result_code_of(p: &Primitive) -> Option<ResultCode> {
    use Primitive as P;
    Some(match p {
        P::Status(s) => s.result.code,
        P::LoginResponse(r) => r.result.code,
        P::KeepAliveResponse(r) => r.result.code,
        P::Disconnect(r) => r.result.code,
        P::SendMessageResponse(r) => r.result.code,
        P::GetPresenceResponse(r) => r.result.code,
        P::ListManageResponse(r) => r.result.code,
        P::LeaveGroupResponse(r) => r.result.code,
        _ => ResultCode::SUCCESSFUL,
    })
}
