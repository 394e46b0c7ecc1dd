//! A domain: the CSP service engine and the SSP relay around it, sans-IO.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use imps_csp::ids::{SessionId, TransactionId, UserId};
use imps_csp::primitive::access as ca;
use imps_csp::{Message as CspMessage, Primitive as Csp, ResultCode, SessionDescriptor, TransactionMode, Version};
use imps_session::digest::{password_digest, DigestAlgorithm};
use imps_session::server::{Engine, Output, RemoteRequest, Reply, RequestError, Storage};
use imps_session::{Random, Timestamp};
use serde::{Deserialize, Serialize};

use crate::config::DomainConfig;
use crate::map;
use crate::model::common::{
    domain_of_service_id, service_id, DetailedResult, MetaInfo, Service, ServiceRef, Status, UserIdRef,
};
use crate::model::session::{
    GetUserProfileResponse, KeepAliveRequest, KeepAliveResponse, LoginRequest, LoginResponse, LogoutRequest,
    PasswordDigest, ProfileStatus, SecretToken, SendSecretToken, ServiceDiscoveryRequest, ServiceDiscoveryResponse,
    ServiceNegotiationRequest, ServiceNegotiationResponse, UpdateUserProfileRequest, UserProfile,
};
use crate::model::{
    Body, DecodeOptions, Message, Mode, Primitive, PrimitiveKind, Transaction, CONTENT_TYPE, PROTOCOL, PROTOCOL_VERSION,
};
use crate::table::{Downstream, Origin, ServiceTable, SessionRecord, TransactionRecord, TransactionTable, Upstream};

/// One SSP message for another domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The domain to send it to (its server is found by the DNS SRV record
    /// `_imps-server._tcp.<domain>`, [`crate::model::srv_name`]).
    pub to: String,
    /// `application/vnd.wv.ssp+xml`.
    pub content_type: &'static str,
    /// The message.
    pub bytes: Vec<u8>,
}

/// This domain's role in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// It holds the session at the peer (it asks for services).
    Requestor,
    /// The peer holds the session here (it provides services).
    Provider,
}

/// Why something from another domain was refused (each is an [`Event::Refused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// No agreement with the domain (516).
    NoAgreement,
    /// The digest did not prove the shared secret (409), or a login came without a challenge
    /// (401).
    AuthenticationFailed,
    /// The session id is unknown, expired, or another domain's (604).
    InvalidSession,
    /// The service was not agreed for the session (506).
    ServiceNotAgreed,
    /// No route toward the destination (516).
    NoRoute,
    /// A request on behalf of a user of a domain other than the requestor's (403).
    UserDomainMismatch,
    /// A primitive that does not belong where it came (400).
    BadRequest,
}

/// Something the relay reports (seed 9.1: refusals are logged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A session is set up.
    SessionEstablished {
        /// The other domain.
        peer: String,
        /// This domain's role.
        role: Role,
        /// The session id.
        session_id: String,
    },
    /// A session ended.
    SessionEnded {
        /// The other domain.
        peer: String,
        /// This domain's role.
        role: Role,
        /// The code (200 logout, 600 expired).
        code: ResultCode,
    },
    /// Setting up a session with a peer failed (as requestor).
    SessionFailed {
        /// The peer.
        peer: String,
        /// Why.
        code: ResultCode,
    },
    /// Something from another domain was refused.
    Refused {
        /// The sending domain.
        from: String,
        /// Why.
        reason: Refusal,
        /// The code answered.
        code: ResultCode,
        /// The primitive refused.
        primitive: String,
    },
    /// A request from upstream was relayed downstream (Transaction Table entry made).
    Forwarded {
        /// Upstream transaction.
        upstream: Upstream,
        /// Downstream transaction.
        downstream: Downstream,
    },
    /// A downstream result was forwarded upstream (Transaction Table entry removed).
    ResultForwarded {
        /// Upstream transaction.
        upstream: Upstream,
        /// Downstream transaction.
        downstream: Downstream,
        /// The result code.
        code: ResultCode,
    },
    /// A request got no response in time (answered 504 on its origin's behalf).
    TimedOut {
        /// The provider.
        peer: String,
        /// The transaction.
        transaction_id: String,
    },
    /// A service discovery answered.
    ServicesDiscovered {
        /// The peer.
        peer: String,
        /// Its services.
        services: BTreeSet<Service>,
    },
    /// A user profile query answered.
    ProfilesReceived {
        /// The peer.
        peer: String,
        /// The result.
        code: ResultCode,
        /// The profiles.
        profiles: Vec<UserProfile>,
    },
    /// Input that is not a valid SSP message.
    Malformed {
        /// The sending domain.
        from: String,
        /// The decoder's error.
        error: String,
    },
}

/// Where a session this domain holds at a provider stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutState {
    /// `SendSecretToken` sent, waiting for the provider's.
    AwaitToken,
    /// `LoginRequest` sent.
    AwaitLogin,
    /// Logged in, `ServiceNegotiationRequest` sent.
    Negotiating,
    /// Usable.
    Open,
}

/// A session this domain holds at a provider (its requestor side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutSession {
    /// The provider.
    pub peer: String,
    /// Where it stands.
    pub state: OutState,
    /// The session id, once logged in.
    pub session_id: Option<String>,
    /// Granted time to live, seconds.
    pub ttl_secs: u32,
    /// Services agreed.
    pub agreed: BTreeSet<Service>,
    /// Last message sent in it.
    pub last_sent: Timestamp,
    our_nonce: String,
    setup_tid: String,
    setup_deadline: Timestamp,
    /// Transactions waiting for the session (their records exist).
    queue: VecDeque<String>,
}

/// A setup in progress here (provider side), by peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ProviderSetup {
    their_nonce: String,
    our_nonce: String,
    expires: Timestamp,
}

/// The relay's state (serialisable; the engine's state is the engine's).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainState {
    out_sessions: BTreeMap<String, OutSession>,
    sessions: BTreeMap<String, SessionRecord>,
    setups: BTreeMap<String, ProviderSetup>,
    records: BTreeMap<(String, String), TransactionRecord>,
    transaction_table: TransactionTable,
    /// Relayed requests the engine deferred: (remote session, engine transaction) ->
    /// (upstream, the request).
    deferred: BTreeMap<(SessionId, TransactionId), (Upstream, Primitive)>,
    profiles: BTreeMap<UserId, UserProfile>,
    transmits: VecDeque<(String, Vec<u8>)>,
    events: VecDeque<Event>,
    events_dropped: u64,
    next_id: u64,
}

/// A domain (seed 9): the CSP service [`Engine`] of its users and the SSP relay that connects
/// it with other domains.
///
/// Inputs: [`handle_csp`](Self::handle_csp) (a client's HTTP POST),
/// [`handle_incoming`](Self::handle_incoming) (an SSP message from another domain),
/// [`handle_timeout`](Self::handle_timeout). Outputs: the CSP reply (returned),
/// [`poll_csp_output`](Self::poll_csp_output) (the engine's outputs for local sessions),
/// [`take_pending`](Self::take_pending) for push transports, [`poll_transmit`](Self::poll_transmit),
/// [`poll_event`](Self::poll_event), [`poll_timeout`](Self::poll_timeout).
///
/// **Drain rule**: after each input, drain `poll_transmit`, `poll_csp_output` and `poll_event`,
/// then re-read `poll_timeout`.
pub struct Domain<S: Storage, R: Random> {
    config: DomainConfig,
    table: ServiceTable,
    engine: Engine<S, R>,
    rng: R,
    st: DomainState,
    csp_outputs: VecDeque<Output>,
    /// Remote sessions with something queued.
    to_drain: BTreeSet<SessionId>,
    /// Transactions of remote sessions taken from the engine and not yet handled.
    stash: BTreeMap<SessionId, VecDeque<imps_csp::Transaction>>,
}

impl<S: Storage, R: Random> std::fmt::Debug for Domain<S, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Domain")
            .field("domain", &self.config.domain)
            .field("sessions", &self.st.sessions.len())
            .field("out_sessions", &self.st.out_sessions.len())
            .field("in_flight", &self.st.records.len())
            .finish_non_exhaustive()
    }
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

fn status(code: ResultCode) -> Primitive {
    Primitive::Status(Status::new(code))
}

fn csp_status(code: ResultCode) -> Csp {
    ca::Status::new(imps_csp::CspResult::new(code)).into()
}

fn code_of(p: &Primitive) -> ResultCode {
    p.status().map_or(ResultCode::SUCCESSFUL, |s| s.code)
}

fn domain_of(u: &UserId) -> Option<String> {
    u.normalized().domain().map(lower)
}

impl<S: Storage, R: Random> Domain<S, R> {
    /// A domain around `engine` (configured for the same domain). `rng` makes nonces and
    /// session ids: cryptographically secure in production. The engine's routing policy is set
    /// from the service table.
    pub fn new(config: DomainConfig, mut engine: Engine<S, R>, rng: R) -> Self {
        let mut config = config;
        config.domain = lower(&config.domain);
        let table = ServiceTable::new(&config);
        engine.set_remote_policy(Some(table.policy()));
        Domain {
            config,
            table,
            engine,
            rng,
            st: DomainState::default(),
            csp_outputs: VecDeque::new(),
            to_drain: BTreeSet::new(),
            stash: BTreeMap::new(),
        }
    }

    /// The domain name.
    pub fn domain(&self) -> &str {
        &self.config.domain
    }

    /// The configuration.
    pub fn config(&self) -> &DomainConfig {
        &self.config
    }

    /// The Service Table.
    pub fn service_table(&self) -> &ServiceTable {
        &self.table
    }

    /// The CSP engine.
    pub fn engine(&self) -> &Engine<S, R> {
        &self.engine
    }

    /// The CSP engine, to configure it (accounts…). After feeding it inputs directly, call
    /// [`process`](Self::process).
    pub fn engine_mut(&mut self) -> &mut Engine<S, R> {
        &mut self.engine
    }

    /// The relay's state.
    pub fn state(&self) -> &DomainState {
        &self.st
    }

    /// The Session Records: sessions other domains hold here.
    pub fn session_records(&self) -> impl Iterator<Item = &SessionRecord> {
        self.st.sessions.values()
    }

    /// The session this domain holds at `peer`, if any.
    pub fn out_session(&self, peer: &str) -> Option<&OutSession> {
        self.st.out_sessions.get(&lower(peer))
    }

    /// The Transaction Records: requests waiting for a provider, by (peer, transaction id).
    pub fn transaction_records(&self) -> impl Iterator<Item = (&(String, String), &TransactionRecord)> {
        self.st.records.iter()
    }

    /// The Transaction Table.
    pub fn transaction_table(&self) -> &TransactionTable {
        &self.st.transaction_table
    }

    /// Remote users' profiles received (seed 9.5).
    pub fn profiles(&self) -> impl Iterator<Item = &UserProfile> {
        self.st.profiles.values()
    }

    // ---------------------------------------------------------------------------------------
    // Outputs
    // ---------------------------------------------------------------------------------------

    /// The next SSP message to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.st.transmits.pop_front().map(|(to, bytes)| Transmit { to, content_type: CONTENT_TYPE, bytes })
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.st.events.pop_front()
    }

    /// Events dropped because they were not polled (bounded by `SspLimits::max_events`).
    pub fn events_dropped(&self) -> u64 {
        self.st.events_dropped
    }

    /// The next engine output about local sessions (`Wake`, `SessionEnded`, `Handled`…).
    pub fn poll_csp_output(&mut self) -> Option<Output> {
        self.csp_outputs.pop_front()
    }

    /// The next instant [`handle_timeout`](Self::handle_timeout) has work.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        let grace = self.config.timers.session_grace_secs as u64;
        [
            self.st.records.values().map(|r| r.deadline).min(),
            self.st.setups.values().map(|s| s.expires).min(),
            self.st
                .out_sessions
                .values()
                .map(|o| match o.state {
                    OutState::Open => o.last_sent.add_secs((o.ttl_secs as u64 / 2).max(1)),
                    _ => o.setup_deadline,
                })
                .min(),
            self.st.sessions.values().map(|s| s.last_seen.add_secs(s.ttl_secs as u64 + grace)).min(),
            self.engine.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn event(&mut self, e: Event) {
        if self.st.events.len() >= self.config.limits.max_events {
            self.st.events.pop_front();
            self.st.events_dropped += 1;
        }
        self.st.events.push_back(e);
    }

    fn refuse(&mut self, from: &str, reason: Refusal, code: ResultCode, primitive: &str) {
        self.event(Event::Refused { from: from.to_owned(), reason, code, primitive: primitive.to_owned() });
    }

    fn send(&mut self, to: &str, m: &Message) {
        match m.to_xml() {
            Ok(bytes) => self.st.transmits.push_back((to.to_owned(), bytes)),
            // Only what XML 1.0 cannot carry (control characters in a value) ends here.
            Err(e) => self.event(Event::Malformed { from: self.config.domain.clone(), error: e.to_string() }),
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.st.next_id += 1;
        format!("{prefix}{}", self.st.next_id)
    }

    fn secret(&self, peer: &str) -> Option<String> {
        self.config.agreement(peer).map(|a| a.secret.clone())
    }

    // ---------------------------------------------------------------------------------------
    // CSP side
    // ---------------------------------------------------------------------------------------

    /// Handles one client request (the body of an HTTP POST), as the engine does, then relays
    /// what it hands to other domains.
    pub fn handle_csp(&mut self, now: Timestamp, bytes: &[u8]) -> Result<Reply, RequestError> {
        let r = self.engine.handle_request(now, bytes);
        self.process(now);
        r
    }

    /// For push transports: a local session's waiting transactions (see the engine's).
    pub fn take_pending(
        &mut self,
        now: Timestamp,
        sid: &SessionId,
    ) -> Option<(CspMessage, Version, imps_csp::Encoding)> {
        let r = self.engine.take_pending(now, sid);
        self.process(now);
        r
    }

    /// Drains the engine: outputs, requests for other domains, remote sessions' queues.
    pub fn process(&mut self, now: Timestamp) {
        loop {
            let mut busy = false;
            while let Some(o) = self.engine.poll_output() {
                busy = true;
                self.engine_output(now, o);
            }
            while let Some(r) = self.engine.poll_remote() {
                busy = true;
                self.outbound(now, r);
            }
            let drain: Vec<SessionId> = std::mem::take(&mut self.to_drain).into_iter().collect();
            for sid in drain {
                busy = true;
                self.drain_remote_session(now, &sid);
            }
            if !busy {
                break;
            }
        }
    }

    fn engine_output(&mut self, now: Timestamp, o: Output) {
        match &o {
            Output::Wake { session } if self.engine.remote_session_user(session).is_some() => {
                self.to_drain.insert(session.clone());
                return;
            }
            Output::Handled(log) if log.primitive == "Login-Request" && log.code == Some(ResultCode::SUCCESSFUL) => {
                if let Some(u) = log.user.clone() {
                    self.user_status(now, &u, ProfileStatus::Active);
                }
            }
            Output::SessionEnded { session, user, .. } => {
                if self.engine.is_guest(user) {
                    // A remote session ended: what it still owed upstream cannot come any more.
                    let owed: Vec<(SessionId, TransactionId)> =
                        self.st.deferred.keys().filter(|(s, _)| s == session).cloned().collect();
                    for key in owed {
                        if let Some((up, _)) = self.st.deferred.remove(&key) {
                            self.respond(&up, status(ResultCode::SERVICE_UNAVAILABLE));
                        }
                    }
                    self.stash.remove(session);
                    return;
                }
                let user = user.clone();
                if !self.engine.sessions().any(|s| s.user == user) {
                    self.user_status(now, &user, ProfileStatus::Inactive);
                }
            }
            _ => {}
        }
        self.csp_outputs.push_back(o);
    }

    /// Tells the domains that provide services for local users that `user` is (in)active
    /// (Update-User-Profile, seed 9.5).
    fn user_status(&mut self, now: Timestamp, user: &UserId, status: ProfileStatus) {
        if self.engine.is_guest(user) {
            return;
        }
        for (provider, services) in self.table.providers_for_own_users() {
            let Some(hop) = self.table.next_hop(&provider) else { continue };
            let profile = UserProfile {
                user_id: user.normalized(),
                status: Some(status),
                services: services.iter().copied().map(ServiceRef::from).collect(),
                privacy: None,
                terminal: None,
            };
            let p = UpdateUserProfileRequest {
                meta_info: Some(MetaInfo::server(&self.config.domain, &provider)),
                profiles: vec![profile],
            };
            let _ = self.send_request(now, &hop, p.into(), Origin::Internal, None);
        }
    }

    /// A local client's request (part) for another domain.
    fn outbound(&mut self, now: Timestamp, r: RemoteRequest) {
        let service = crate::table::service_of(r.feature);
        let fail = |d: &mut Self, code: ResultCode| d.engine.complete_remote(now, r.id, csp_status(code));
        let Some(route) = self.table.route(service, &r.domain) else {
            return fail(self, ResultCode::DOMAIN_NOT_SUPPORTED);
        };
        if route.provider == self.config.domain {
            // The engine's policy and the table disagree: nothing to relay to.
            return fail(self, ResultCode::DOMAIN_NOT_SUPPORTED);
        }
        let meta = MetaInfo::client(&self.config.domain, &r.user, &route.provider);
        let Some(ssp) = map::request_to_ssp(&r.primitive, meta) else {
            return fail(self, ResultCode::NOT_IMPLEMENTED);
        };
        let origin = Origin::Engine { id: r.id, request: Box::new(r.primitive.clone()) };
        if let Err(code) = self.send_request(now, &route.next_hop, ssp, origin, Some(r.user.clone())) {
            fail(self, code);
        }
    }

    /// What a remote user's session holds: deferred answers of relayed requests go back
    /// upstream; server-originated primitives go to the user's domain.
    fn drain_remote_session(&mut self, now: Timestamp, sid: &SessionId) {
        let Some(user) = self.engine.remote_session_user(sid).cloned() else { return };
        let mut work: VecDeque<imps_csp::Transaction> = self.stash.remove(sid).unwrap_or_default();
        while let Some((m, ..)) = self.engine.take_pending(now, sid) {
            work.extend(m.transactions);
        }
        while let Some(t) = work.pop_front() {
            let Some(tid) = t.id.clone() else { continue };
            match t.mode {
                TransactionMode::Response => {
                    if let Some((up, req)) = self.st.deferred.remove(&(sid.clone(), tid)) {
                        let resp = map::response_to_ssp(&req, &t.primitive);
                        self.respond(&up, resp);
                    }
                }
                TransactionMode::Request => {
                    let Some(dest) = domain_of(&user) else { continue };
                    let meta = MetaInfo::server(&self.config.domain, &dest);
                    let Some(ssp) = map::delivery_to_ssp(&t.primitive, &user, meta) else { continue };
                    let origin = Origin::Delivery { session: sid.clone(), transaction: tid.clone() };
                    let sent = match self.table.next_hop(&dest) {
                        Some(hop) => self.send_request(now, &hop, ssp, origin, None),
                        None => Err(ResultCode::DOMAIN_NOT_SUPPORTED),
                    };
                    if let Err(code) = sent {
                        work.extend(self.answer_remote_session(now, sid, &tid, code));
                    }
                }
            }
        }
    }

    /// Feeds a remote session the answer to one of its server transactions; returns what the
    /// engine's reply drained from its queue.
    fn answer_remote_session(
        &mut self,
        now: Timestamp,
        sid: &SessionId,
        tid: &TransactionId,
        code: ResultCode,
    ) -> Vec<imps_csp::Transaction> {
        let msg = CspMessage::new(
            SessionDescriptor::inband(sid.clone()),
            imps_csp::Transaction::response(tid.clone(), csp_status(code)),
        );
        let reply = self.engine.handle_message(now, msg, Version::V1_2);
        // Without anything queued the engine answers with a Status of its own: not a
        // transaction of the session's.
        reply
            .transactions
            .into_iter()
            .filter(|t| !(t.mode == TransactionMode::Response && t.id.as_ref() == Some(tid)))
            .collect()
    }

    // ---------------------------------------------------------------------------------------
    // Requestor side: sessions at providers, transaction records
    // ---------------------------------------------------------------------------------------

    /// Sends (or queues until the session is up) a request to `peer`. Errors: 503 beyond the
    /// limits, 516 without an agreement, 506 when the open session has not agreed the service.
    fn send_request(
        &mut self,
        now: Timestamp,
        peer: &str,
        p: Primitive,
        origin: Origin,
        user: Option<UserId>,
    ) -> Result<String, ResultCode> {
        let peer = lower(peer);
        if self.st.records.len() >= self.config.limits.max_in_flight {
            return Err(ResultCode::SERVICE_UNAVAILABLE);
        }
        if self.secret(&peer).is_none() {
            return Err(ResultCode::DOMAIN_NOT_SUPPORTED);
        }
        if let Some(o) = self.st.out_sessions.get(&peer) {
            if o.state == OutState::Open {
                if let Some(s) = p.service() {
                    if !o.agreed.contains(&s) {
                        return Err(ResultCode::SERVICE_NOT_AGREED);
                    }
                }
            } else if o.queue.len() >= self.config.limits.max_queued_per_peer {
                return Err(ResultCode::SERVICE_UNAVAILABLE);
            }
        }
        let tid = self.fresh("t");
        if let Origin::Relay(up) = &origin {
            let down = Downstream { peer: peer.clone(), transaction_id: tid.clone() };
            if !self.st.transaction_table.insert(up.clone(), down.clone()) {
                return Err(ResultCode::INVALID_TRANSACTION_ID);
            }
            self.event(Event::Forwarded { upstream: up.clone(), downstream: down });
        }
        let deadline = now.add_millis(self.config.timers.transaction_timeout_ms);
        self.st.records.insert(
            (peer.clone(), tid.clone()),
            TransactionRecord {
                peer: peer.clone(),
                origin,
                request: p.clone(),
                sent: now,
                deadline,
                user,
                retried: false,
            },
        );
        let open = self.st.out_sessions.get(&peer).map(|o| o.state);
        match open {
            Some(OutState::Open) => self.transmit_request(now, &peer, &tid),
            Some(_) => self.st.out_sessions.get_mut(&peer).expect("present").queue.push_back(tid.clone()),
            None => {
                self.start_setup(now, &peer);
                self.st.out_sessions.get_mut(&peer).expect("started").queue.push_back(tid.clone());
            }
        }
        Ok(tid)
    }

    fn transmit_request(&mut self, now: Timestamp, peer: &str, tid: &str) {
        let Some(rec) = self.st.records.get(&(peer.to_owned(), tid.to_owned())) else { return };
        let Some(o) = self.st.out_sessions.get_mut(peer) else { return };
        let Some(sid) = o.session_id.clone() else { return };
        o.last_sent = now;
        let m = Message::session(sid, vec![Transaction::request(tid, rec.request.clone())]);
        self.send(peer, &m);
    }

    fn start_setup(&mut self, now: Timestamp, peer: &str) {
        let nonce = self.rng.token(16);
        let tid = self.fresh("s");
        let deadline = now.add_millis(self.config.timers.transaction_timeout_ms);
        self.st.out_sessions.insert(
            peer.to_owned(),
            OutSession {
                peer: peer.to_owned(),
                state: OutState::AwaitToken,
                session_id: None,
                ttl_secs: self.config.timers.session_ttl_secs,
                agreed: BTreeSet::new(),
                last_sent: now,
                our_nonce: nonce.clone(),
                setup_tid: tid.clone(),
                setup_deadline: deadline,
                queue: VecDeque::new(),
            },
        );
        let token = SendSecretToken {
            service_id: service_id(&self.config.domain),
            protocol: PROTOCOL.into(),
            protocol_version: PROTOCOL_VERSION.into(),
            secret_token: SecretToken { encoding: None, value: nonce },
        };
        self.send(peer, &Message::setup(Mode::Request, tid, token));
    }

    /// The session with `peer` failed: its waiting requests fail with `code`.
    fn fail_out_session(&mut self, now: Timestamp, peer: &str, code: ResultCode) {
        let Some(o) = self.st.out_sessions.remove(peer) else { return };
        self.event(Event::SessionFailed { peer: peer.to_owned(), code });
        for tid in o.queue {
            if let Some(rec) = self.st.records.remove(&(peer.to_owned(), tid)) {
                self.finish(now, rec, &status(code));
            }
        }
    }

    /// A request's result reached its origin.
    fn finish(&mut self, now: Timestamp, rec: TransactionRecord, response: &Primitive) {
        match rec.origin {
            Origin::Engine { id, request } => {
                let csp = map::response_to_csp(&request, response);
                self.engine.complete_remote(now, id, csp);
            }
            Origin::Relay(up) => {
                let tid =
                    self.st.transaction_table.downstream(&up).map(|d| d.transaction_id.clone()).unwrap_or_default();
                let down = Downstream { peer: rec.peer.clone(), transaction_id: tid };
                self.st.transaction_table.remove_down(&down);
                self.event(Event::ResultForwarded { upstream: up.clone(), downstream: down, code: code_of(response) });
                self.respond(&up, response.clone());
            }
            Origin::Delivery { session, transaction } => {
                let drained = self.answer_remote_session(now, &session, &transaction, code_of(response));
                if !drained.is_empty() {
                    self.stash.entry(session.clone()).or_default().extend(drained);
                    self.to_drain.insert(session);
                }
            }
            Origin::Internal => {}
        }
    }

    /// Sends a response to an upstream transaction.
    fn respond(&mut self, up: &Upstream, p: Primitive) {
        let m = Message::session(up.session_id.clone(), vec![Transaction::response(up.transaction_id.clone(), p)]);
        self.send(&up.peer.clone(), &m);
    }

    // ---------------------------------------------------------------------------------------
    // Incoming SSP
    // ---------------------------------------------------------------------------------------

    /// Handles one SSP message from `from` (the domain the transport authenticated as the
    /// sender, e.g. by its connection).
    pub fn handle_incoming(&mut self, now: Timestamp, from: &str, bytes: &[u8]) {
        let from = lower(from);
        let opts = DecodeOptions { max_size: self.config.limits.max_message_bytes, ..DecodeOptions::default() };
        let m = match Message::decode_with(bytes, &opts) {
            Ok(m) => m,
            Err(e) => {
                self.event(Event::Malformed { from, error: e.to_string() });
                return;
            }
        };
        match m.body {
            Body::Setup(s) => self.handle_setup(now, &from, s.mode, &s.transaction_id, s.primitive),
            Body::Session { session_id, transactions } => {
                for t in transactions {
                    match t.mode {
                        Mode::Request => self.handle_request(now, &from, &session_id, t.transaction_id, t.primitive),
                        Mode::Response => self.handle_response(now, &from, &session_id, &t.transaction_id, t.primitive),
                    }
                }
            }
        }
        self.process(now);
    }

    fn handle_setup(&mut self, now: Timestamp, from: &str, mode: Mode, tid: &str, p: Primitive) {
        match mode {
            Mode::Request => self.setup_request(now, from, tid, p),
            Mode::Response => self.setup_response(now, from, tid, p),
        }
    }

    /// Provider side of session setup.
    fn setup_request(&mut self, now: Timestamp, from: &str, tid: &str, p: Primitive) {
        let reply = |d: &mut Self, p: Primitive| d.send(from, &Message::setup(Mode::Response, tid, p));
        let name = p.name();
        match p {
            Primitive::SendSecretToken(t) => {
                let claimed = domain_of_service_id(&t.service_id).map(lower);
                if !self.table.has_agreement(from) || claimed.as_deref() != Some(from) {
                    self.refuse(from, Refusal::NoAgreement, ResultCode::DOMAIN_NOT_SUPPORTED, name);
                    return reply(self, status(ResultCode::DOMAIN_NOT_SUPPORTED));
                }
                if t.protocol != PROTOCOL {
                    self.refuse(from, Refusal::BadRequest, ResultCode::VERSION_NOT_SUPPORTED, name);
                    return reply(self, status(ResultCode::VERSION_NOT_SUPPORTED));
                }
                if self.st.sessions.len() + self.st.setups.len() >= self.config.limits.max_sessions
                    && !self.st.setups.contains_key(from)
                {
                    return reply(self, status(ResultCode::SERVICE_UNAVAILABLE));
                }
                let ours = self.rng.token(16);
                let expires = now.add_millis(self.config.timers.transaction_timeout_ms);
                self.st.setups.insert(
                    from.to_owned(),
                    ProviderSetup { their_nonce: t.secret_token.value.clone(), our_nonce: ours.clone(), expires },
                );
                let token = SendSecretToken {
                    service_id: service_id(&self.config.domain),
                    protocol: PROTOCOL.into(),
                    protocol_version: PROTOCOL_VERSION.into(),
                    secret_token: SecretToken { encoding: None, value: ours },
                };
                reply(self, token.into());
            }
            Primitive::LoginRequest(l) => {
                let claimed = domain_of_service_id(&l.service_id).map(lower);
                let failed = |d: &mut Self, code: ResultCode, reason: Refusal| {
                    d.refuse(from, reason, code, name);
                    let r = LoginResponse { status: Status::new(code), ..Default::default() };
                    reply(d, r.into());
                };
                let (Some(secret), Some(setup)) = (self.secret(from), self.st.setups.remove(from)) else {
                    return failed(self, ResultCode::UNAUTHORIZED, Refusal::AuthenticationFailed);
                };
                if claimed.as_deref() != Some(from) {
                    return failed(self, ResultCode::DOMAIN_NOT_SUPPORTED, Refusal::NoAgreement);
                }
                let expected = password_digest(DigestAlgorithm::Sha1, &setup.our_nonce, &secret);
                if l.password_digest.value.trim() != expected {
                    return failed(self, ResultCode::INVALID_PASSWORD, Refusal::AuthenticationFailed);
                }
                let ttl = l
                    .time_to_live
                    .unwrap_or(self.config.timers.session_ttl_secs)
                    .clamp(60, self.config.timers.session_ttl_secs.max(60));
                let session_id = format!("{}@{}", self.rng.token(16), self.config.domain);
                // One session per requestor: a new login replaces the old.
                self.st.sessions.retain(|_, s| s.peer != from);
                self.st.sessions.insert(
                    session_id.clone(),
                    SessionRecord {
                        session_id: session_id.clone(),
                        peer: from.to_owned(),
                        created: now,
                        last_seen: now,
                        ttl_secs: ttl,
                        agreed: BTreeSet::new(),
                    },
                );
                let proof = password_digest(DigestAlgorithm::Sha1, &setup.their_nonce, &secret);
                let r = LoginResponse {
                    session_id: Some(session_id.clone()),
                    time_to_live: Some(ttl),
                    status: Status::new(ResultCode::SUCCESSFUL),
                    password_digest: Some(PasswordDigest { encoding: Some("base64".into()), value: proof }),
                };
                reply(self, r.into());
                self.event(Event::SessionEstablished { peer: from.to_owned(), role: Role::Provider, session_id });
            }
            _ => {
                self.refuse(from, Refusal::BadRequest, ResultCode::BAD_REQUEST, name);
                reply(self, status(ResultCode::BAD_REQUEST));
            }
        }
    }

    /// Requestor side of session setup.
    fn setup_response(&mut self, now: Timestamp, from: &str, tid: &str, p: Primitive) {
        let Some(o) = self.st.out_sessions.get(from) else { return };
        if o.setup_tid != tid {
            return;
        }
        let (state, our_nonce) = (o.state, o.our_nonce.clone());
        let Some(secret) = self.secret(from) else { return };
        match (state, p) {
            (OutState::AwaitToken, Primitive::SendSecretToken(t)) => {
                if domain_of_service_id(&t.service_id).map(lower).as_deref() != Some(from) {
                    return self.fail_out_session(now, from, ResultCode::UNAUTHORIZED);
                }
                let digest = password_digest(DigestAlgorithm::Sha1, &t.secret_token.value, &secret);
                let ltid = self.fresh("s");
                let login = LoginRequest {
                    service_id: service_id(&self.config.domain),
                    time_to_live: Some(self.config.timers.session_ttl_secs),
                    password_digest: PasswordDigest { encoding: Some("base64".into()), value: digest },
                };
                let o = self.st.out_sessions.get_mut(from).expect("present");
                o.state = OutState::AwaitLogin;
                o.setup_tid = ltid.clone();
                self.send(from, &Message::setup(Mode::Request, ltid, login));
            }
            (OutState::AwaitLogin, Primitive::LoginResponse(r)) => {
                if !r.status.is_success() {
                    return self.fail_out_session(now, from, r.status.code);
                }
                let expected = password_digest(DigestAlgorithm::Sha1, &our_nonce, &secret);
                let proved = r.password_digest.as_ref().is_some_and(|d| d.value.trim() == expected);
                let (Some(session_id), true) = (r.session_id, proved) else {
                    self.refuse(from, Refusal::AuthenticationFailed, ResultCode::INVALID_PASSWORD, "LoginResponse");
                    return self.fail_out_session(now, from, ResultCode::INVALID_PASSWORD);
                };
                let o = self.st.out_sessions.get_mut(from).expect("present");
                o.state = OutState::Negotiating;
                o.session_id = Some(session_id.clone());
                o.ttl_secs = r.time_to_live.unwrap_or(o.ttl_secs).max(2);
                self.event(Event::SessionEstablished { peer: from.to_owned(), role: Role::Requestor, session_id });
                // The services of requests this domain sends, and of deliveries it sends back.
                let mut wanted = self.table.used_from(from);
                wanted.extend(self.table.provided_to(from));
                let req = ServiceNegotiationRequest { services: wanted.into_iter().map(ServiceRef::from).collect() };
                let tid = self.fresh("t");
                let deadline = now.add_millis(self.config.timers.transaction_timeout_ms);
                self.st.records.insert(
                    (from.to_owned(), tid.clone()),
                    TransactionRecord {
                        peer: from.to_owned(),
                        origin: Origin::Internal,
                        request: req.into(),
                        sent: now,
                        deadline,
                        user: None,
                        retried: false,
                    },
                );
                self.transmit_request(now, from, &tid);
            }
            (_, Primitive::Status(s)) => self.fail_out_session(now, from, s.code),
            (_, Primitive::LoginResponse(r)) => self.fail_out_session(now, from, r.status.code),
            _ => {}
        }
    }

    /// A request in a session another domain holds here.
    fn handle_request(&mut self, now: Timestamp, from: &str, sid: &str, tid: String, p: Primitive) {
        let up = Upstream { peer: from.to_owned(), session_id: sid.to_owned(), transaction_id: tid };
        let name = p.name();
        let valid = self.st.sessions.get(sid).is_some_and(|s| {
            s.peer == from
                && s.last_seen.add_secs(s.ttl_secs as u64 + self.config.timers.session_grace_secs as u64) > now
        });
        if !valid {
            self.refuse(from, Refusal::InvalidSession, ResultCode::INVALID_SESSION, name);
            return self.respond(&up, status(ResultCode::INVALID_SESSION));
        }
        let rec = self.st.sessions.get_mut(sid).expect("valid");
        rec.last_seen = now;
        let agreed = rec.agreed.clone();
        let ttl = rec.ttl_secs;
        match p {
            Primitive::KeepAliveRequest(_) => {
                let r = KeepAliveResponse { time_to_live: Some(ttl), status: Status::new(ResultCode::SUCCESSFUL) };
                self.respond(&up, r.into());
            }
            Primitive::LogoutRequest(_) => {
                self.st.sessions.remove(sid);
                self.respond(&up, status(ResultCode::SUCCESSFUL));
                self.event(Event::SessionEnded {
                    peer: from.to_owned(),
                    role: Role::Provider,
                    code: ResultCode::SUCCESSFUL,
                });
            }
            Primitive::ServiceDiscoveryRequest(_) => {
                let r = ServiceDiscoveryResponse {
                    status: Status::new(ResultCode::SUCCESSFUL),
                    services: self.table.supported().into_iter().map(ServiceRef::from).collect(),
                };
                self.respond(&up, r.into());
            }
            Primitive::ServiceNegotiationRequest(n) => {
                // Requests need `provides`; deliveries come for services either way.
                let mut offered = self.table.provided_to(from);
                offered.extend(self.table.used_from(from));
                let agreed: BTreeSet<Service> =
                    n.services.iter().map(|s| s.name).filter(|s| offered.contains(s)).collect();
                if let Some(rec) = self.st.sessions.get_mut(sid) {
                    rec.agreed = agreed.clone();
                }
                let r = ServiceNegotiationResponse {
                    status: Status::new(ResultCode::SUCCESSFUL),
                    services: agreed.into_iter().map(ServiceRef::from).collect(),
                };
                self.respond(&up, r.into());
            }
            p if matches!(p.kind(), PrimitiveKind::Request | PrimitiveKind::Delivery) => {
                let Some(service) = p.service() else {
                    self.refuse(from, Refusal::BadRequest, ResultCode::BAD_REQUEST, name);
                    return self.respond(&up, status(ResultCode::BAD_REQUEST));
                };
                let provided = p.kind() == PrimitiveKind::Delivery || self.table.provided_to(from).contains(&service);
                if !agreed.contains(&service) || !provided {
                    self.refuse(from, Refusal::ServiceNotAgreed, ResultCode::SERVICE_NOT_AGREED, name);
                    return self.respond(&up, status(ResultCode::SERVICE_NOT_AGREED));
                }
                let destination = p
                    .meta_info()
                    .and_then(|m| m.destination_domain())
                    .map(lower)
                    .unwrap_or_else(|| self.config.domain.clone());
                if destination != self.config.domain {
                    return self.relay(now, up, &destination, p);
                }
                self.execute(now, up, p);
            }
            _ => {
                self.refuse(from, Refusal::BadRequest, ResultCode::BAD_REQUEST, name);
                self.respond(&up, status(ResultCode::BAD_REQUEST));
            }
        }
    }

    /// Relays a request toward its destination (seed 9, Figure 4).
    fn relay(&mut self, now: Timestamp, up: Upstream, destination: &str, p: Primitive) {
        let Some(hop) = self.table.next_hop(destination).filter(|h| *h != up.peer) else {
            self.refuse(&up.peer, Refusal::NoRoute, ResultCode::DOMAIN_NOT_SUPPORTED, p.name());
            return self.respond(&up, status(ResultCode::DOMAIN_NOT_SUPPORTED));
        };
        let user = p.meta_info().and_then(|m| m.user().cloned());
        if let Err(code) = self.send_request(now, &hop, p, Origin::Relay(up.clone()), user) {
            self.respond(&up, status(code));
        }
    }

    /// Runs a request addressed to this domain.
    fn execute(&mut self, now: Timestamp, up: Upstream, p: Primitive) {
        let name = p.name();
        let requesting =
            p.meta_info().and_then(|m| m.requesting_domain()).map(lower).unwrap_or_else(|| up.peer.clone());
        match &p {
            Primitive::UpdateUserProfileRequest(r) => {
                let resp = self.update_profiles(now, &requesting, &r.profiles);
                return self.respond(&up, resp);
            }
            Primitive::GetUserProfileRequest(r) => {
                let resp = self.get_profiles(&r.users);
                return self.respond(&up, resp);
            }
            _ => {}
        }
        if p.kind() == PrimitiveKind::Delivery {
            let code = match map::delivery_to_csp(&p) {
                Some((to, csp)) => self.engine.deliver_remote(now, &requesting, &to, csp),
                None => ResultCode::BAD_PARAMETER,
            };
            return self.respond(&up, status(code));
        }
        let Some(user) = p.meta_info().and_then(|m| m.user().cloned()) else {
            self.refuse(&up.peer, Refusal::BadRequest, ResultCode::BAD_PARAMETER, name);
            return self.respond(&up, status(ResultCode::BAD_PARAMETER));
        };
        if domain_of(&user).as_deref() != Some(requesting.as_str()) || requesting == self.config.domain {
            self.refuse(&up.peer, Refusal::UserDomainMismatch, ResultCode::FORBIDDEN, name);
            return self.respond(&up, status(ResultCode::FORBIDDEN));
        }
        let Some(csp) = map::request_to_csp(&p) else {
            return self.respond(&up, status(ResultCode::NOT_IMPLEMENTED));
        };
        let tid = TransactionId::new(self.fresh("x"));
        match self.engine.handle_remote_request(now, &user, tid.clone(), csp) {
            Err(code) => self.respond(&up, status(code)),
            Ok(Some(answer)) => {
                let resp = map::response_to_ssp(&p, &answer);
                self.respond(&up, resp);
            }
            Ok(None) => {
                if let Some(sid) = self.engine.remote_session(&user).cloned() {
                    self.st.deferred.insert((sid.clone(), tid), (up, p));
                    self.to_drain.insert(sid);
                }
            }
        }
        if let Some(sid) = self.engine.remote_session(&user).cloned() {
            self.to_drain.insert(sid);
        }
    }

    fn update_profiles(&mut self, now: Timestamp, requesting: &str, profiles: &[UserProfile]) -> Primitive {
        let mut failures: Vec<(ResultCode, UserId)> = Vec::new();
        for prof in profiles {
            let user = prof.user_id.normalized();
            if domain_of(&user).as_deref() != Some(requesting) {
                failures.push((ResultCode::FORBIDDEN, user));
                continue;
            }
            if !self.st.profiles.contains_key(&user) && self.st.profiles.len() >= self.config.limits.max_profiles {
                failures.push((ResultCode::SERVICE_UNAVAILABLE, user));
                continue;
            }
            let mut stored = prof.clone();
            stored.user_id = user.clone();
            self.st.profiles.insert(user.clone(), stored);
            match prof.status {
                Some(ProfileStatus::Active) => {
                    if let Err(code) = self.engine.open_remote_session(now, &user) {
                        failures.push((code, user));
                    }
                }
                Some(ProfileStatus::Inactive) => {
                    self.engine.close_remote_session(now, &user);
                }
                None => {}
            }
        }
        Primitive::Status(aggregate(failures, profiles.len()))
    }

    fn get_profiles(&self, users: &[UserIdRef]) -> Primitive {
        let mut profiles = Vec::new();
        let mut failures = Vec::new();
        for u in users {
            let user = u.user_id.normalized();
            if domain_of(&user).is_none_or(|d| d == self.config.domain) {
                let known = self.engine.has_local_account(&user);
                if !known {
                    failures.push((ResultCode::UNKNOWN_USER, user));
                    continue;
                }
                let active = self.engine.sessions().any(|s| s.user == user);
                let services = self.table.supported().into_iter().filter(|s| *s != Service::UserProfile);
                profiles.push(UserProfile {
                    user_id: user,
                    status: Some(if active { ProfileStatus::Active } else { ProfileStatus::Inactive }),
                    services: services.map(ServiceRef::from).collect(),
                    privacy: None,
                    terminal: None,
                });
            } else if let Some(p) = self.st.profiles.get(&user) {
                profiles.push(p.clone());
            } else {
                failures.push((ResultCode::UNKNOWN_USER, user));
            }
        }
        let status = aggregate(failures, users.len());
        GetUserProfileResponse { status, profiles }.into()
    }

    /// A response in a session this domain holds at `from`.
    fn handle_response(&mut self, now: Timestamp, from: &str, sid: &str, tid: &str, p: Primitive) {
        let ours = self.st.out_sessions.get(from).is_some_and(|o| o.session_id.as_deref() == Some(sid));
        if !ours {
            self.refuse(from, Refusal::InvalidSession, ResultCode::INVALID_SESSION, p.name());
            return;
        }
        let Some(rec) = self.st.records.remove(&(from.to_owned(), tid.to_owned())) else { return };
        match (&rec.request, &p) {
            (Primitive::ServiceNegotiationRequest(_), resp) => {
                let agreed: BTreeSet<Service> = match resp {
                    Primitive::ServiceNegotiationResponse(r) => r.services.iter().map(|s| s.name).collect(),
                    _ => BTreeSet::new(),
                };
                let queue = match self.st.out_sessions.get_mut(from) {
                    Some(o) => {
                        o.state = OutState::Open;
                        o.agreed = agreed.clone();
                        std::mem::take(&mut o.queue)
                    }
                    None => VecDeque::new(),
                };
                for qtid in queue {
                    let key = (from.to_owned(), qtid.clone());
                    let service = self.st.records.get(&key).and_then(|r| r.request.service());
                    if service.is_some_and(|s| !agreed.contains(&s)) {
                        if let Some(r) = self.st.records.remove(&key) {
                            self.finish(now, r, &status(ResultCode::SERVICE_NOT_AGREED));
                        }
                    } else {
                        self.transmit_request(now, from, &qtid);
                    }
                }
            }
            (Primitive::ServiceDiscoveryRequest(_), Primitive::ServiceDiscoveryResponse(r)) => {
                let services = r.services.iter().map(|s| s.name).collect();
                self.event(Event::ServicesDiscovered { peer: from.to_owned(), services });
            }
            (Primitive::GetUserProfileRequest(_), Primitive::GetUserProfileResponse(r)) => {
                let e = Event::ProfilesReceived {
                    peer: from.to_owned(),
                    code: r.status.code,
                    profiles: r.profiles.clone(),
                };
                self.event(e);
            }
            _ if code_of(&p) == ResultCode::INVALID_SESSION
                && !rec.retried
                && !matches!(rec.origin, Origin::Internal) =>
            {
                // The provider lost the session (expired): set up a new one and send again.
                self.st.out_sessions.remove(from);
                let key = (from.to_owned(), tid.to_owned());
                self.start_setup(now, from);
                self.st.out_sessions.get_mut(from).expect("started").queue.push_back(tid.to_owned());
                self.st.records.insert(key, TransactionRecord { sent: now, retried: true, ..rec });
            }
            _ => self.finish(now, rec, &p),
        }
    }

    // ---------------------------------------------------------------------------------------
    // Time and management
    // ---------------------------------------------------------------------------------------

    /// Advances time: transaction timeouts (504), setup timeouts, keep-alives of sessions held
    /// at providers, expiry of sessions held here, and the engine's timers.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        let due: Vec<(String, String)> =
            self.st.records.iter().filter(|(_, r)| r.deadline <= now).map(|(k, _)| k.clone()).collect();
        for key in due {
            let Some(rec) = self.st.records.remove(&key) else { continue };
            if let Some(o) = self.st.out_sessions.get_mut(&key.0) {
                o.queue.retain(|t| *t != key.1);
            }
            self.event(Event::TimedOut { peer: key.0.clone(), transaction_id: key.1.clone() });
            if matches!(rec.request, Primitive::ServiceNegotiationRequest(_)) {
                self.fail_out_session(now, &key.0, ResultCode::TIMEOUT);
                continue;
            }
            self.finish(now, rec, &status(ResultCode::TIMEOUT));
        }
        self.st.setups.retain(|_, s| s.expires > now);
        let stalled: Vec<String> = self
            .st
            .out_sessions
            .values()
            .filter(|o| o.state != OutState::Open && o.setup_deadline <= now)
            .map(|o| o.peer.clone())
            .collect();
        for peer in stalled {
            self.fail_out_session(now, &peer, ResultCode::TIMEOUT);
        }
        let keep: Vec<String> = self
            .st
            .out_sessions
            .values()
            .filter(|o| o.state == OutState::Open && o.last_sent.add_secs((o.ttl_secs as u64 / 2).max(1)) <= now)
            .map(|o| o.peer.clone())
            .collect();
        for peer in keep {
            let ttl = self.st.out_sessions.get(&peer).map(|o| o.ttl_secs);
            let _ =
                self.send_request(now, &peer, KeepAliveRequest { time_to_live: ttl }.into(), Origin::Internal, None);
        }
        let grace = self.config.timers.session_grace_secs as u64;
        let expired: Vec<String> = self
            .st
            .sessions
            .values()
            .filter(|s| s.last_seen.add_secs(s.ttl_secs as u64 + grace) <= now)
            .map(|s| s.session_id.clone())
            .collect();
        for sid in expired {
            if let Some(s) = self.st.sessions.remove(&sid) {
                self.event(Event::SessionEnded {
                    peer: s.peer,
                    role: Role::Provider,
                    code: ResultCode::SESSION_EXPIRED,
                });
            }
        }
        self.engine.handle_timeout(now);
        self.process(now);
    }

    /// Asks `peer` which services it supports (seed 9.4.1); the answer is an
    /// [`Event::ServicesDiscovered`].
    pub fn discover_services(&mut self, now: Timestamp, peer: &str) -> Result<(), ResultCode> {
        self.send_request(now, peer, ServiceDiscoveryRequest {}.into(), Origin::Internal, None).map(drop)
    }

    /// Asks `peer` for users' profiles (seed 9.5 Get-User-Profile); the answer is an
    /// [`Event::ProfilesReceived`].
    pub fn get_user_profiles(&mut self, now: Timestamp, peer: &str, users: &[UserId]) -> Result<(), ResultCode> {
        let p = crate::model::session::GetUserProfileRequest {
            meta_info: Some(MetaInfo::server(&self.config.domain, peer)),
            users: users.iter().cloned().map(UserIdRef::from).collect(),
        };
        self.send_request(now, peer, p.into(), Origin::Internal, None).map(drop)
    }

    /// Ends the session this domain holds at `peer` (session termination, seed 9.3).
    pub fn end_session(&mut self, now: Timestamp, peer: &str) {
        let peer = lower(peer);
        if self.st.out_sessions.get(&peer).is_some_and(|o| o.state == OutState::Open) {
            let _ = self.send_request(now, &peer, LogoutRequest {}.into(), Origin::Internal, None);
            self.st.out_sessions.remove(&peer);
            self.event(Event::SessionEnded { peer, role: Role::Requestor, code: ResultCode::SUCCESSFUL });
        }
    }
}

/// A `Status` from per-user failures: 200, 201 with details, or the one failure code.
fn aggregate(failures: Vec<(ResultCode, UserId)>, total: usize) -> Status {
    if failures.is_empty() {
        return Status::new(ResultCode::SUCCESSFUL);
    }
    let mut details: Vec<DetailedResult> = Vec::new();
    for (code, u) in failures.iter() {
        match details.iter_mut().find(|d| d.code == *code) {
            Some(d) => d.user_ids.push(UserIdRef::from(u.clone())),
            None => details.push(DetailedResult {
                code: *code,
                user_ids: vec![UserIdRef::from(u.clone())],
                ..Default::default()
            }),
        }
    }
    let code = if failures.len() < total {
        ResultCode::PARTIALLY_SUCCESSFUL
    } else if details.len() == 1 {
        details[0].code
    } else {
        ResultCode::MULTIPLE_ERRORS
    };
    Status { code, detailed: details, ..Default::default() }
}
