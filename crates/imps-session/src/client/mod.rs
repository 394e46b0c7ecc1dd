//! The CSP client session: a sans-IO state machine for a client application (a phone app, a
//! bot, a gateway, a test tool) that brings its own transport and clock.
//!
//! It covers access (seed 7): password and 4-way digest login, capability and service
//! negotiation, keep-alive, polling, logout and disconnection; the delivery methods of instant
//! messaging (seed 4.1, push or notify/pull, chosen at login and changeable); the transactions
//! with their ids, timeouts and matching; and the server-originated transactions, surfaced as
//! events and answered as the spec requires (`MessageDelivered` for `NewMessage`, `Status` for
//! the rest).
//!
//! # Shape
//!
//! The session is shaped after the HTTP binding (spec notes 7): every [`Transmit`] is the body
//! of one POST to the server; the body of the HTTP response goes back in through
//! [`Session::handle_incoming`] (a decoded message through [`Session::handle_message`]). The
//! server's own transactions arrive in any response body, typically the answer to a
//! `Polling-Request`, several per message; the client's answers to one message are queued as
//! one further transmit.
//!
//! - **Inputs**: [`handle_incoming`](Session::handle_incoming) /
//!   [`handle_message`](Session::handle_message), [`handle_timeout`](Session::handle_timeout),
//!   and one call per primitive the client sends ([`login`](Session::login),
//!   [`send_message`](Session::send_message), ..., and the generic
//!   [`request`](Session::request)). Every input takes the current time as a [`Timestamp`];
//!   the session never reads a clock.
//! - **Outputs**: [`poll_transmit`](Session::poll_transmit) (bytes and content type, in the
//!   version and encoding chosen at construction), [`poll_event`](Session::poll_event) and
//!   [`poll_timeout`](Session::poll_timeout) (the next instant at which
//!   [`handle_timeout`](Session::handle_timeout) must be called: the earliest of the keep-alive,
//!   the due poll and the transaction timeouts).
//!
//! **Drain rule**: after each input (an incoming body, a timeout, a call), drain the outputs
//! before the next input: send every [`poll_transmit`](Session::poll_transmit) until `None`,
//! handle every [`poll_event`](Session::poll_event) until `None`, then read
//! [`poll_timeout`](Session::poll_timeout) and wait for it or for the next input. Outputs are
//! bounded ([`Limits`]); a session whose outputs are not drained refuses new requests
//! ([`SessionError::QueueFull`]) and counts what it has to drop ([`Event::EventsDropped`],
//! [`Event::AnswersDropped`]).
//!
//! # Decisions where the spec notes are silent
//!
//! - **Keep-alive**: a `KeepAlive-Request` is due when nothing was sent for `KeepAliveTime`
//!   minus a margin ([`ClientConfig::keep_alive_margin_ms`], 5 s by default as in the Android
//!   engine, at most half the interval). Everything sent counts, answers included. Without a
//!   `KeepAliveTime` in the `Login-Response` the interval is the `TimeToLive` asked for, else
//!   [`ClientConfig::fallback_keep_alive_time`]. A `KeepAliveTime` in a `KeepAlive-Response`
//!   replaces the interval. After [`ClientConfig::max_keep_alive_failures`] unanswered
//!   keep-alives in a row the session is considered lost.
//! - **Polling**: `Poll` T in any message makes a `Polling-Request` due, no sooner than
//!   `ServerPollMin` after the previous one; one poll is in flight at a time. A
//!   `Polling-Request` is complete when a `Status` answers it, when a message carrying server
//!   requests arrives, or when an empty body arrives (nothing pending).
//! - **Services**: until a `Service-Response` has been received nothing is refused locally (the
//!   server answers 506 itself). Afterwards a request for a function outside the agreed tree
//!   (by [`Function::for_request`]) is refused with [`SessionError::ServiceNotAgreed`]; requests
//!   that no single function names (e.g. `SubscribePresence`, `JoinGroup`) are always allowed.
//!   A `Service-Response` without `Functions`, or a `Status` 200, agrees to what was asked.
//! - **Digest login**: only MD5 and SHA are computed; a challenge with another schema (or, in
//!   digest style, one not offered) fails the login with 543. One challenge per login.
//! - **Responses**: a response is matched by its `TransactionID`; its primitive must be `Status`
//!   or the request's own response (`Disconnect` for `Logout-Request`), otherwise it is
//!   reported and the transaction stays in flight. Result codes from 300 up are failures. Any
//!   response with 600 or 604 ends the session ([`DisconnectReason::Expired`]), and so does a
//!   `Disconnect`, whether sent as a request or as the response to any transaction.
//! - **Server requests**: `Disconnect` is not answered (the session is gone). Requests of a kind
//!   the client does not expect are answered with `Status` 400 (client-originated primitives)
//!   or 501 (the rest). A request repeating a recent transaction id is answered again but not
//!   surfaced again. Incoming messages of another CSP version are refused; the encoding of
//!   incoming messages may differ from the outgoing one.
//! - **Notify/pull**: after a successful `GetMessage-Response` the client acknowledges the
//!   message with a `MessageDelivered` request ([`ClientConfig::ack_fetched_messages`]).
//! - **Transaction ids** are `<prefix><counter>`, unique within the session (the counter is
//!   part of the persisted state).
//!
//! The whole state is `Clone` and `serde`-serialisable, so an application can persist a session
//! and restore it later.
//!
//! # Example
//!
//! A password login against a hand-made `Login-Response`:
//!
//! ```
//! use imps_csp::elements::ClientId;
//! use imps_csp::primitive::access::LoginResponse;
//! use imps_csp::{Message, Primitive, SessionDescriptor, Transaction, Version};
//! use imps_session::client::{ClientConfig, Event, Session, Timestamp};
//!
//! let client_id = ClientId::url("http://app.example/alice");
//! let config = ClientConfig::new("wv:alice@example.com", "secret", client_id.clone())
//!     .with_version(Version::V1_2)
//!     .with_auto_negotiate(false);
//! let mut session = Session::new(config);
//! let now = Timestamp::from_secs(1_700_000_000);
//!
//! // The Login-Request: POST these bytes with this content type.
//! let tid = session.login(now).unwrap();
//! let transmit = session.poll_transmit().unwrap();
//! assert_eq!(transmit.content_type, "application/vnd.wv.csp.xml");
//! let sent = Message::decode(&transmit.bytes).unwrap().message;
//! assert!(matches!(sent.transactions[0].primitive, Primitive::LoginRequest(_)));
//! assert!(session.poll_transmit().is_none());
//!
//! // The HTTP response body: a successful Login-Response with a 60 s keep-alive.
//! let reply = Message::new(
//!     SessionDescriptor::outband(),
//!     Transaction::response(tid, LoginResponse::success(client_id, "s-1", 60, false)),
//! );
//! session.handle_incoming(now, &reply.to_xml(Version::V1_2).unwrap());
//! assert!(matches!(session.poll_event(), Some(Event::LoggedIn { keep_alive_time: 60, .. })));
//! assert!(session.poll_event().is_none());
//! assert!(session.is_logged_in());
//!
//! // Nothing else to send: the next deadline is the keep-alive, 5 s before the interval ends.
//! assert_eq!(session.poll_timeout(), Some(now.add_secs(55)));
//! session.handle_timeout(now.add_secs(55));
//! let keep_alive = Message::decode(&session.poll_transmit().unwrap().bytes).unwrap().message;
//! assert!(matches!(keep_alive.transactions[0].primitive, Primitive::KeepAliveRequest(_)));
//! ```

mod config;
mod event;

use std::collections::{BTreeMap, VecDeque};

use imps_csp::elements::{Recipient, Sender, User};
use imps_csp::ids::{GroupId, InviteId, MessageId, SName, SessionId, TransactionId, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};
use imps_csp::primitive::access::{
    ClientCapabilityRequest, ClientCapabilityResponse, DeliveryMethod, DigestSchema, Disconnect, Function,
    KeepAliveRequest, LoginRequest, LoginResponse, LogoutRequest, PollingRequest, ServiceRequest, ServiceTree, Status,
};
use imps_csp::primitive::common::InviteUserResponse;
use imps_csp::primitive::group::{JoinGroupRequest, LeaveGroupRequest};
use imps_csp::primitive::im::{GetMessageRequest, MessageDelivered, SendMessageRequest, SetDeliveryMethodRequest};
use imps_csp::primitive::presence::{
    GetPresenceRequest, PresenceAuthUser, SubscribePresenceRequest, UnsubscribePresenceRequest, UpdatePresenceRequest,
};
use imps_csp::schema::Elem;
use imps_csp::{
    CspResult, DecodeOptions, Message, Originator, Primitive, PrimitiveKind, ResultCode, SessionDescriptor,
    Transaction, TransactionMode, Version,
};
use serde::{Deserialize, Serialize};

pub use self::config::{ClientConfig, Limits, LoginStyle, Services};
pub use self::event::{DisconnectReason, Event, InputError, Phase, SessionError, Stats, Transmit, UnexpectedReason};
pub use crate::digest::DigestAlgorithm;
pub use imps_auth::Timestamp;

use self::event::elem_serde;

/// What a transaction of this client is for: decides what its response does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Purpose {
    /// `Login-Request`; `second` for the digest answer of a 4-way login.
    Login {
        second: bool,
    },
    Logout,
    KeepAlive,
    Capability,
    Service {
        requested: ServiceTree,
    },
    Poll,
    /// `MessageDelivered` acknowledging a fetched message.
    Ack,
    SetDelivery {
        method: DeliveryMethod,
        group_id: Option<GroupId>,
    },
    GetMessage,
    App,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    #[serde(with = "elem_serde")]
    request: Elem,
    purpose: Purpose,
    /// Counted against [`Limits::max_in_flight`].
    app: bool,
    /// Allocation order, to report abandoned transactions in order.
    seq: u64,
    deadline: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Finished {
    Answered,
    TimedOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Outgoing {
    bytes: Vec<u8>,
    transaction_ids: Vec<TransactionId>,
}

/// A CSP client session. See the [module documentation](self) for the shape and the drain
/// rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    config: ClientConfig,
    phase: Phase,
    session_id: Option<SessionId>,
    keep_alive_time: Option<u32>,
    agreed_services: Option<ServiceTree>,
    agreed_capabilities: Option<ClientCapabilityResponse>,
    server_poll_min: Option<u32>,
    delivery_method: DeliveryMethod,
    next_tid: u64,
    pending: BTreeMap<TransactionId, Pending>,
    recent: VecDeque<(TransactionId, Finished)>,
    recent_server: VecDeque<TransactionId>,
    outgoing: VecDeque<Outgoing>,
    events: VecDeque<Event>,
    unreported_drops: u64,
    last_sent: Timestamp,
    last_poll_sent: Option<Timestamp>,
    poll_due: Option<Timestamp>,
    next_periodic_poll: Option<Timestamp>,
    keep_alive_failures: u32,
    stats: Stats,
}

impl Session {
    /// A session that has not logged in yet.
    pub fn new(config: ClientConfig) -> Self {
        let delivery_method = config.capabilities.initial_delivery_method;
        Session {
            config,
            phase: Phase::Idle,
            session_id: None,
            keep_alive_time: None,
            agreed_services: None,
            agreed_capabilities: None,
            server_poll_min: None,
            delivery_method,
            next_tid: 1,
            pending: BTreeMap::new(),
            recent: VecDeque::new(),
            recent_server: VecDeque::new(),
            outgoing: VecDeque::new(),
            events: VecDeque::new(),
            unreported_drops: 0,
            last_sent: Timestamp::EPOCH,
            last_poll_sent: None,
            poll_due: None,
            next_periodic_poll: None,
            keep_alive_failures: 0,
            stats: Stats::default(),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Queries
    // -----------------------------------------------------------------------------------------

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The CSP version spoken.
    pub fn version(&self) -> Version {
        self.config.version
    }

    /// Where the session stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the session is open (logged in and not logging out).
    pub fn is_logged_in(&self) -> bool {
        self.phase == Phase::LoggedIn
    }

    /// The current session id, or the last one after the session ended.
    pub fn session_id(&self) -> Option<&SessionId> {
        self.session_id.as_ref()
    }

    /// The keep-alive interval in effect, in seconds.
    pub fn keep_alive_time(&self) -> Option<u32> {
        self.keep_alive_time
    }

    /// The agreed service tree, once a `Service-Response` has been received.
    pub fn agreed_services(&self) -> Option<&ServiceTree> {
        self.agreed_services.as_ref()
    }

    /// Whether a request needing `function` would pass the local service check: true before
    /// service negotiation, then whether the agreed tree has it.
    pub fn function_allowed(&self, function: Function) -> bool {
        self.agreed_services.as_ref().is_none_or(|t| t.contains(function))
    }

    /// The server's `ClientCapability-Response`, once received.
    pub fn agreed_capabilities(&self) -> Option<&ClientCapabilityResponse> {
        self.agreed_capabilities.as_ref()
    }

    /// The delivery method for messages outside groups: the configured initial one, then the
    /// last one a `SetDeliveryMethod-Request` (without group) set.
    pub fn delivery_method(&self) -> DeliveryMethod {
        self.delivery_method
    }

    /// The transactions in flight, with their request primitives.
    pub fn in_flight(&self) -> impl Iterator<Item = (&TransactionId, Elem)> {
        self.pending.iter().map(|(id, p)| (id, p.request))
    }

    /// Whether the server said `Poll` T and the `Polling-Request` has not been sent yet.
    pub fn poll_wanted(&self) -> bool {
        self.poll_due.is_some()
    }

    /// Counters of what was ignored, refused or dropped.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    // -----------------------------------------------------------------------------------------
    // Outputs
    // -----------------------------------------------------------------------------------------

    /// The next message to send (one HTTP POST), oldest first.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        let o = self.outgoing.pop_front()?;
        Some(Transmit {
            bytes: o.bytes,
            content_type: self.config.encoding.content_type(self.config.version),
            transaction_ids: o.transaction_ids,
        })
    }

    /// The next event, oldest first. When events were dropped because the queue was full, one
    /// [`Event::EventsDropped`] follows the last queued event.
    pub fn poll_event(&mut self) -> Option<Event> {
        if let Some(e) = self.events.pop_front() {
            return Some(e);
        }
        if self.unreported_drops > 0 {
            let count = std::mem::take(&mut self.unreported_drops);
            return Some(Event::EventsDropped { count });
        }
        None
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called: the earliest of the
    /// transaction timeouts, the keep-alive and the due poll. `None` when nothing is scheduled.
    /// A deadline in the past means "now".
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        let tx = self.pending.values().map(|p| p.deadline).min();
        [tx, self.keep_alive_deadline(), self.poll_deadline()].into_iter().flatten().min()
    }

    // -----------------------------------------------------------------------------------------
    // Inputs
    // -----------------------------------------------------------------------------------------

    /// Handles the body of an HTTP response (or any message from the server): XML or WBXML.
    /// Malformed input, an empty body nobody waits for, or a message of another version is
    /// reported as [`Event::MalformedInput`] and changes nothing else.
    pub fn handle_incoming(&mut self, now: Timestamp, bytes: &[u8]) {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            if !self.complete_poll() {
                self.malformed(InputError::Empty);
            }
            return;
        }
        let opts = DecodeOptions::default().with_max_size(self.config.limits.max_message_bytes);
        match Message::decode_with(bytes, &opts) {
            Err(e) => self.malformed(InputError::Decode {
                message: e.to_string(),
                code: e.result_code(),
                not_csp: e.is_not_csp(),
            }),
            Ok(d) if d.version != self.config.version => {
                self.malformed(InputError::VersionMismatch { expected: self.config.version, found: d.version })
            }
            Ok(d) => self.handle_message(now, d.message),
        }
    }

    /// Handles a decoded message from the server (its version is taken to be the session's).
    pub fn handle_message(&mut self, now: Timestamp, message: Message) {
        if matches!(self.phase, Phase::LoggedIn | Phase::LoggingOut | Phase::Ended) {
            if let (Some(theirs), Some(ours)) = (&message.session.session_id, &self.session_id) {
                if theirs != ours {
                    self.malformed(InputError::WrongSession { found: theirs.clone() });
                    return;
                }
            }
        }
        let mut answers = Vec::new();
        let mut server_requests = false;
        for t in message.transactions {
            match t.mode {
                TransactionMode::Response => self.on_response(now, t.id, t.primitive),
                TransactionMode::Request => {
                    server_requests = true;
                    self.on_server_request(t.id, t.primitive, &mut answers);
                }
            }
        }
        if server_requests {
            self.complete_poll();
        }
        self.queue_answers(now, answers);
        if message.poll == Some(true) {
            self.schedule_poll(now);
        }
    }

    /// Handles the passing of time: transaction timeouts, then a due poll, then a due
    /// keep-alive. Call it at [`poll_timeout`](Self::poll_timeout) (calling it earlier or more
    /// often is harmless).
    pub fn handle_timeout(&mut self, now: Timestamp) {
        while let Some(id) = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .min_by_key(|(_, p)| (p.deadline, p.seq))
            .map(|(id, _)| id.clone())
        {
            if let Some(p) = self.pending.remove(&id) {
                self.on_timeout(now, id, p);
            }
        }
        if self.poll_deadline().is_some_and(|d| d <= now) {
            self.send_poll(now);
        }
        if self.keep_alive_deadline().is_some_and(|d| d <= now) {
            let _ = self.submit(now, KeepAliveRequest::new(None).into(), Purpose::KeepAlive, false);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Session calls
    // -----------------------------------------------------------------------------------------

    /// Starts a login (from [`Phase::Idle`] or [`Phase::Ended`]): a `Login-Request` with the
    /// password, or the first request of a 4-way digest login. Completes with
    /// [`Event::LoggedIn`] or [`Event::LoginFailed`]; with
    /// [`auto_negotiate`](ClientConfig::auto_negotiate), capability and service negotiation
    /// follow.
    pub fn login(&mut self, now: Timestamp) -> Result<TransactionId, SessionError> {
        if !matches!(self.phase, Phase::Idle | Phase::Ended) {
            return Err(SessionError::WrongPhase { phase: self.phase });
        }
        let c = &self.config;
        let mut req = LoginRequest::new(c.user_id.clone(), c.client_id.clone(), c.session_cookie.clone());
        req.time_to_live = c.time_to_live;
        match &c.login {
            LoginStyle::Password => req.password = Some(c.password.clone()),
            LoginStyle::Digest { schemas } => {
                let take = if c.version == Version::V1_1 { 1 } else { usize::MAX };
                req.digest_schemas = schemas.iter().take(take).map(|a| DigestSchema::parse(a.schema_name())).collect();
            }
        }
        self.session_id = None;
        let id = self.submit(now, req.into(), Purpose::Login { second: false }, false)?;
        self.phase = Phase::LoggingIn;
        Ok(id)
    }

    /// Logs out: a `Logout-Request`; the server's `Disconnect` (or `Status`) ends the session
    /// with [`DisconnectReason::LoggedOut`], as does a timeout
    /// ([`DisconnectReason::LogoutTimedOut`]).
    pub fn logout(&mut self, now: Timestamp) -> Result<TransactionId, SessionError> {
        let id = self.submit(now, LogoutRequest::default().into(), Purpose::Logout, false)?;
        self.phase = Phase::LoggingOut;
        Ok(id)
    }

    /// Sends `ClientCapability-Request` with the configured capabilities; completes with
    /// [`Event::CapabilitiesAgreed`].
    pub fn negotiate_capabilities(&mut self, now: Timestamp) -> Result<TransactionId, SessionError> {
        let mut req = ClientCapabilityRequest::new(self.config.capabilities_for(self.config.version));
        if self.config.version == Version::V1_1 {
            req.client_id = Some(self.config.client_id.clone());
        }
        self.submit(now, req.into(), Purpose::Capability, false)
    }

    /// Sends `Service-Request` with the configured functions; completes with
    /// [`Event::ServicesAgreed`].
    pub fn negotiate_services(&mut self, now: Timestamp) -> Result<TransactionId, SessionError> {
        let tree = self.config.services.tree(self.config.version);
        let mut req = ServiceRequest::new(tree, false);
        if self.config.version == Version::V1_1 {
            req.client_id = Some(self.config.client_id.clone());
        }
        self.send_service_request(now, req)
    }

    /// Sends a `KeepAlive-Request` now (optionally asking for a new `TimeToLive`).
    pub fn keep_alive(&mut self, now: Timestamp, time_to_live: Option<u32>) -> Result<TransactionId, SessionError> {
        self.submit(now, KeepAliveRequest::new(time_to_live).into(), Purpose::KeepAlive, false)
    }

    /// Sends a `Polling-Request` now, e.g. after a CIR (`WVCI`) arrived. Unlike the automatic
    /// polls it ignores `ServerPollMin` and counts against the application's bounds.
    pub fn poll(&mut self, now: Timestamp) -> Result<TransactionId, SessionError> {
        let id = self.submit(now, PollingRequest::default().into(), Purpose::Poll, true)?;
        self.polled(now);
        Ok(id)
    }

    // -----------------------------------------------------------------------------------------
    // Application calls: all go through `request`'s checks
    // -----------------------------------------------------------------------------------------

    /// Sends any client request (the generic call behind the convenience calls). It is refused
    /// locally when the session is not open, when the primitive is not a client request or not
    /// in the session's version, when its function (by [`Function::for_request`]) was not
    /// agreed, or when the bounds are reached. The session's own primitives are routed:
    /// `Logout-Request`, `KeepAlive-Request`, `Polling-Request`, `Service-Request` and
    /// `ClientCapability-Request` behave as [`logout`](Self::logout),
    /// [`keep_alive`](Self::keep_alive), [`poll`](Self::poll) and the negotiations (with the
    /// given content); a `Login-Request` is refused (use [`login`](Self::login)).
    ///
    /// The response arrives as [`Event::Response`] or [`Event::TransactionFailed`], or
    /// [`Event::TransactionTimedOut`].
    pub fn request(&mut self, now: Timestamp, primitive: impl Into<Primitive>) -> Result<TransactionId, SessionError> {
        match primitive.into() {
            Primitive::LoginRequest(_) => Err(SessionError::NotAClientRequest { element: "Login-Request" }),
            Primitive::LogoutRequest(_) => self.logout(now),
            Primitive::KeepAliveRequest(k) => self.keep_alive(now, k.time_to_live),
            Primitive::PollingRequest(_) => self.poll(now),
            Primitive::ServiceRequest(s) => self.send_service_request(now, s),
            Primitive::ClientCapabilityRequest(c) => self.submit(now, c.into(), Purpose::Capability, false),
            p => {
                let purpose = match &p {
                    Primitive::SetDeliveryMethodRequest(s) => {
                        Purpose::SetDelivery { method: s.delivery_method, group_id: s.group_id.clone() }
                    }
                    Primitive::GetMessageRequest(_) => Purpose::GetMessage,
                    _ => Purpose::App,
                };
                self.submit(now, p, purpose, true)
            }
        }
    }

    /// Sends a `text/plain` instant message to `recipient` (`SendMessage-Request`, `MDELIV`).
    pub fn send_message(
        &mut self,
        now: Timestamp,
        recipient: Recipient,
        text: impl Into<String>,
    ) -> Result<TransactionId, SessionError> {
        let req = SendMessageRequest::text_to(self.config.user_id.clone(), recipient, text);
        self.request(now, req)
    }

    /// Sends a `text/plain` instant message to one user.
    pub fn send_message_to_user(
        &mut self,
        now: Timestamp,
        user: impl Into<UserId>,
        text: impl Into<String>,
    ) -> Result<TransactionId, SessionError> {
        self.send_message(now, Recipient::user(user), text)
    }

    /// Sends a `text/plain` instant message to a group.
    pub fn send_message_to_group(
        &mut self,
        now: Timestamp,
        group: impl Into<GroupId>,
        text: impl Into<String>,
    ) -> Result<TransactionId, SessionError> {
        self.send_message(now, Recipient::group(group), text)
    }

    /// Fetches a notified message (`GetMessage-Request`, `GETM`); with
    /// [`ack_fetched_messages`](ClientConfig::ack_fetched_messages) the session acknowledges it
    /// with `MessageDelivered` once fetched.
    pub fn get_message(
        &mut self,
        now: Timestamp,
        message_id: impl Into<MessageId>,
    ) -> Result<TransactionId, SessionError> {
        self.request(now, GetMessageRequest::new(message_id))
    }

    /// Switches between push and notify/pull delivery, for every message or one group's
    /// (`SetDeliveryMethod-Request`, `SETD`); success is reported with
    /// [`Event::DeliveryMethodChanged`] followed by [`Event::Response`].
    pub fn set_delivery_method(
        &mut self,
        now: Timestamp,
        method: DeliveryMethod,
        group_id: Option<GroupId>,
    ) -> Result<TransactionId, SessionError> {
        let mut req = SetDeliveryMethodRequest::new(method);
        req.group_id = group_id;
        self.request(now, req)
    }

    /// Fetches users' presence (`GetPresence-Request`, `GETPR`), all authorised attributes or
    /// `attributes`.
    pub fn get_presence<I>(
        &mut self,
        now: Timestamp,
        users: I,
        attributes: Option<AttrSet>,
    ) -> Result<TransactionId, SessionError>
    where
        I: IntoIterator,
        I::Item: Into<UserId>,
    {
        let mut req = GetPresenceRequest::users(users);
        req.presence_sub_list = attributes;
        self.request(now, req)
    }

    /// Subscribes to users' presence (`SubscribePresence-Request`; `AutoSubscribe` F in 1.2,
    /// where it is mandatory).
    pub fn subscribe_presence<I>(
        &mut self,
        now: Timestamp,
        users: I,
        attributes: Option<AttrSet>,
    ) -> Result<TransactionId, SessionError>
    where
        I: IntoIterator,
        I::Item: Into<UserId>,
    {
        let mut req = SubscribePresenceRequest::users(users);
        req.presence_sub_list = attributes;
        if self.config.version == Version::V1_2 {
            req.auto_subscribe = Some(false);
        }
        self.request(now, req)
    }

    /// Ends presence subscriptions (`UnsubscribePresence-Request`).
    pub fn unsubscribe_presence<I>(&mut self, now: Timestamp, users: I) -> Result<TransactionId, SessionError>
    where
        I: IntoIterator,
        I::Item: Into<UserId>,
    {
        self.request(now, UnsubscribePresenceRequest::users(users))
    }

    /// Publishes own presence values (`UpdatePresence-Request`, `UPDPR`).
    pub fn update_presence(&mut self, now: Timestamp, values: PresenceSubList) -> Result<TransactionId, SessionError> {
        self.request(now, UpdatePresenceRequest::new(values))
    }

    /// Answers a [`Event::PresenceAuthRequest`]: grants or denies `user` the attributes
    /// (`PresenceAuth-User`, `REACT`; `attributes` are 1.2 only).
    pub fn authorize_presence(
        &mut self,
        now: Timestamp,
        user: impl Into<UserId>,
        accept: bool,
        attributes: Option<AttrSet>,
    ) -> Result<TransactionId, SessionError> {
        let mut req = if accept { PresenceAuthUser::accept(user) } else { PresenceAuthUser::deny(user) };
        req.presence_sub_list = attributes;
        self.request(now, req)
    }

    /// Joins a group (`JoinGroup-Request`), optionally under a screen name.
    pub fn join_group(
        &mut self,
        now: Timestamp,
        group_id: impl Into<GroupId>,
        screen_name: Option<SName>,
    ) -> Result<TransactionId, SessionError> {
        let mut req = JoinGroupRequest::new(group_id);
        if let Some(s) = screen_name {
            req = req.with_screen_name(s);
        }
        self.request(now, req)
    }

    /// Leaves a group (`LeaveGroup-Request`).
    pub fn leave_group(&mut self, now: Timestamp, group_id: impl Into<GroupId>) -> Result<TransactionId, SessionError> {
        self.request(now, LeaveGroupRequest::new(group_id))
    }

    /// Answers an [`Event::Invitation`] (`InviteUser-Response`, sent as a request and answered
    /// with `Status`; `Sender` is this user in 1.2 and 1.3).
    pub fn respond_invitation(
        &mut self,
        now: Timestamp,
        invite_id: impl Into<InviteId>,
        accept: bool,
        note: Option<String>,
    ) -> Result<TransactionId, SessionError> {
        let sender =
            (self.config.version != Version::V1_1).then(|| Sender::User(User::new(self.config.user_id.clone())));
        let mut req = InviteUserResponse::new(invite_id, accept, sender);
        req.response_note = note;
        self.request(now, req)
    }

    // -----------------------------------------------------------------------------------------
    // Internals: sending
    // -----------------------------------------------------------------------------------------

    fn send_service_request(&mut self, now: Timestamp, req: ServiceRequest) -> Result<TransactionId, SessionError> {
        let requested = req.functions.clone().unwrap_or_default();
        self.submit(now, req.into(), Purpose::Service { requested }, false)
    }

    /// Checks, encodes and queues one request transaction.
    fn submit(
        &mut self,
        now: Timestamp,
        primitive: Primitive,
        purpose: Purpose,
        app: bool,
    ) -> Result<TransactionId, SessionError> {
        let elem = primitive.elem();
        let version = self.config.version;
        match &purpose {
            Purpose::Login { second: false } if !matches!(self.phase, Phase::Idle | Phase::Ended) => {
                return Err(SessionError::WrongPhase { phase: self.phase });
            }
            Purpose::Login { second: true } if self.phase != Phase::LoggingIn => {
                return Err(SessionError::WrongPhase { phase: self.phase });
            }
            Purpose::Login { .. } => {}
            _ if self.phase != Phase::LoggedIn => return Err(SessionError::NotLoggedIn { phase: self.phase }),
            _ => {}
        }
        if app {
            let client_request = match primitive.originator() {
                Originator::Client => true,
                Originator::Either => primitive.kind() == PrimitiveKind::Request,
                Originator::Server => false,
            };
            if !client_request {
                return Err(SessionError::NotAClientRequest { element: elem.name(version) });
            }
        }
        if !elem.exists_in(version) {
            return Err(SessionError::NotInVersion { element: elem.canonical_name(), version });
        }
        if app {
            if let Some(function) = Function::for_request(elem) {
                if !self.function_allowed(function) {
                    return Err(SessionError::ServiceNotAgreed { function });
                }
            }
            let limit = self.config.limits.max_in_flight;
            if self.pending.values().filter(|p| p.app).count() >= limit {
                return Err(SessionError::TooManyInFlight { limit });
            }
            let limit = self.config.limits.max_queued_transmits;
            if self.outgoing.len() >= limit {
                return Err(SessionError::QueueFull { limit });
            }
        }
        let id = TransactionId::new(format!("{}{}", self.config.transaction_id_prefix, self.next_tid));
        let descriptor = match (&purpose, &self.session_id) {
            (Purpose::Login { .. }, _) | (_, None) => SessionDescriptor::outband(),
            (_, Some(s)) => SessionDescriptor::inband(s.clone()),
        };
        let message = Message::new(descriptor, Transaction::request(id.clone(), primitive));
        let bytes = message.encode(version, self.config.encoding)?;
        let seq = self.next_tid;
        self.next_tid += 1;
        let deadline = now.add_millis(self.config.transaction_timeout_ms);
        self.pending.insert(id.clone(), Pending { request: elem, purpose, app, seq, deadline });
        self.outgoing.push_back(Outgoing { bytes, transaction_ids: vec![id.clone()] });
        self.last_sent = self.last_sent.max(now);
        Ok(id)
    }

    fn send_poll(&mut self, now: Timestamp) {
        if self.submit(now, PollingRequest::default().into(), Purpose::Poll, false).is_ok() {
            self.polled(now);
        }
    }

    fn polled(&mut self, now: Timestamp) {
        self.poll_due = None;
        self.last_poll_sent = Some(now);
        self.next_periodic_poll = self.config.poll_interval.map(|s| now.add_secs(u64::from(s)));
    }

    fn schedule_poll(&mut self, now: Timestamp) {
        if self.phase != Phase::LoggedIn {
            return;
        }
        let min = u64::from(self.server_poll_min.unwrap_or(0));
        let due = match self.last_poll_sent {
            Some(last) => now.max(last.add_secs(min)),
            None => now,
        };
        self.poll_due = Some(self.poll_due.map_or(due, |d| d.min(due)));
    }

    fn keep_alive_deadline(&self) -> Option<Timestamp> {
        if self.phase != Phase::LoggedIn || self.pending.values().any(|p| p.purpose == Purpose::KeepAlive) {
            return None;
        }
        let interval = u64::from(self.keep_alive_time?) * 1000;
        if interval == 0 {
            return None;
        }
        let margin = self.config.keep_alive_margin_ms.min(interval / 2);
        Some(self.last_sent.add_millis(interval - margin))
    }

    fn poll_deadline(&self) -> Option<Timestamp> {
        if self.phase != Phase::LoggedIn || self.pending.values().any(|p| p.purpose == Purpose::Poll) {
            return None;
        }
        [self.poll_due, self.next_periodic_poll].into_iter().flatten().min()
    }

    /// Completes the oldest `Polling-Request` in flight, if any.
    fn complete_poll(&mut self) -> bool {
        let oldest = self
            .pending
            .iter()
            .filter(|(_, p)| p.purpose == Purpose::Poll)
            .min_by_key(|(_, p)| p.seq)
            .map(|(id, _)| id.clone());
        match oldest {
            Some(id) => {
                self.pending.remove(&id);
                self.remember(id, Finished::Answered);
                true
            }
            None => false,
        }
    }

    /// Queues the answers to one incoming message's server requests as one message.
    fn queue_answers(&mut self, now: Timestamp, answers: Vec<Transaction>) {
        if answers.is_empty() || !matches!(self.phase, Phase::LoggedIn | Phase::LoggingOut) {
            return;
        }
        let Some(session_id) = self.session_id.clone() else { return };
        let ids: Vec<TransactionId> = answers.iter().filter_map(|t| t.id.clone()).collect();
        let n = answers.len() as u64;
        let mut message = Message::new(SessionDescriptor::inband(session_id), answers[0].clone());
        message.transactions = answers;
        let encoded = message.encode(self.config.version, self.config.encoding);
        match encoded {
            Ok(bytes) if self.outgoing.len() < self.config.limits.max_queued_transmits => {
                self.outgoing.push_back(Outgoing { bytes, transaction_ids: ids });
                self.last_sent = self.last_sent.max(now);
            }
            _ => {
                self.stats.answers_dropped += n;
                self.push_event(Event::AnswersDropped { transaction_ids: ids });
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Internals: receiving
    // -----------------------------------------------------------------------------------------

    fn malformed(&mut self, error: InputError) {
        self.stats.malformed_inputs += 1;
        self.push_event(Event::MalformedInput { error });
    }

    fn push_event(&mut self, e: Event) {
        if self.events.len() < self.config.limits.max_queued_events {
            self.events.push_back(e);
        } else {
            self.stats.events_dropped += 1;
            self.unreported_drops += 1;
        }
    }

    fn remember(&mut self, id: TransactionId, how: Finished) {
        let cap = self.config.limits.remembered_transactions;
        if cap == 0 {
            return;
        }
        while self.recent.len() >= cap {
            self.recent.pop_front();
        }
        self.recent.push_back((id, how));
    }

    fn remember_server(&mut self, id: TransactionId) {
        let cap = self.config.limits.remembered_transactions;
        if cap == 0 {
            return;
        }
        while self.recent_server.len() >= cap {
            self.recent_server.pop_front();
        }
        self.recent_server.push_back(id);
    }

    fn on_timeout(&mut self, now: Timestamp, id: TransactionId, p: Pending) {
        self.remember(id.clone(), Finished::TimedOut);
        self.stats.timeouts += 1;
        self.push_event(Event::TransactionTimedOut { transaction_id: id, request: p.request });
        match p.purpose {
            Purpose::Login { .. } if self.phase == Phase::LoggingIn => {
                self.login_failed(ResultCode::REQUEST_TIMEOUT, Some("no Login-Response in time".into()))
            }
            Purpose::Logout if self.phase == Phase::LoggingOut => {
                self.end(DisconnectReason::LogoutTimedOut, ResultCode::REQUEST_TIMEOUT, None)
            }
            Purpose::KeepAlive => {
                self.keep_alive_failures += 1;
                let max = self.config.max_keep_alive_failures;
                if max > 0 && self.keep_alive_failures >= max && self.phase == Phase::LoggedIn {
                    self.end(DisconnectReason::KeepAliveFailed, ResultCode::REQUEST_TIMEOUT, None);
                }
            }
            Purpose::Capability => self.after_capabilities(now),
            _ => {}
        }
    }

    /// The server's `Disconnect`, however it came: the session ends.
    fn disconnected(&mut self, d: Disconnect) {
        let reason = if self.phase == Phase::LoggingOut {
            DisconnectReason::LoggedOut
        } else if matches!(d.result.code, ResultCode::SESSION_EXPIRED | ResultCode::INVALID_SESSION) {
            DisconnectReason::Expired
        } else {
            DisconnectReason::Server
        };
        self.end(reason, d.result.code, d.result.description);
    }

    fn on_response(&mut self, now: Timestamp, id: Option<TransactionId>, primitive: Primitive) {
        let elem = primitive.elem();
        // A `Disconnect` ends an open session whichever transaction it claims to answer.
        if matches!(self.phase, Phase::LoggedIn | Phase::LoggingOut) {
            if let Primitive::Disconnect(d) = primitive {
                if let Some(p) = id.as_ref().and_then(|id| self.pending.remove(id)) {
                    if p.purpose != Purpose::Logout {
                        self.push_event(Event::TransactionAbandoned {
                            transaction_id: id.clone().unwrap_or_default(),
                            request: p.request,
                        });
                    }
                }
                if let Some(id) = id {
                    self.remember(id, Finished::Answered);
                }
                return self.disconnected(d);
            }
        }
        let Some(id) = id else {
            self.stats.unknown_responses += 1;
            self.push_event(Event::UnexpectedResponse {
                transaction_id: None,
                primitive: elem,
                reason: UnexpectedReason::MissingId,
            });
            return;
        };
        let Some(p) = self.pending.get(&id) else {
            let reason = match self.recent.iter().rev().find(|(r, _)| *r == id) {
                Some((_, Finished::Answered)) => {
                    self.stats.duplicate_responses += 1;
                    UnexpectedReason::Duplicate
                }
                Some((_, Finished::TimedOut)) => {
                    self.stats.late_responses += 1;
                    UnexpectedReason::Late
                }
                None => {
                    self.stats.unknown_responses += 1;
                    UnexpectedReason::Unknown
                }
            };
            self.push_event(Event::UnexpectedResponse { transaction_id: Some(id), primitive: elem, reason });
            return;
        };
        if !answers(p.request, elem) {
            self.stats.mismatched_responses += 1;
            self.push_event(Event::UnexpectedResponse {
                transaction_id: Some(id),
                primitive: elem,
                reason: UnexpectedReason::WrongPrimitive,
            });
            return;
        }
        let Some(p) = self.pending.remove(&id) else { return };
        self.remember(id.clone(), Finished::Answered);
        let result = result_of(&primitive).cloned();
        let failed = result.as_ref().filter(|r| r.code.0 >= 300);

        // A session the server no longer knows ends here, whatever the request was.
        if let Some(r) = failed {
            let expired = matches!(r.code, ResultCode::SESSION_EXPIRED | ResultCode::INVALID_SESSION);
            let in_session = matches!(self.phase, Phase::LoggedIn | Phase::LoggingOut);
            if expired && in_session && !matches!(p.purpose, Purpose::Login { .. } | Purpose::Logout) {
                let (code, description) = (r.code, r.description.clone());
                self.fail(id, p.request, r.clone(), primitive);
                self.end(DisconnectReason::Expired, code, description);
                return;
            }
        }

        match p.purpose {
            Purpose::Login { second } => self.on_login_response(now, primitive, second),
            Purpose::Logout => {
                let (code, description) = result.map_or((ResultCode::SUCCESSFUL, None), |r| (r.code, r.description));
                self.end(DisconnectReason::LoggedOut, code, description);
            }
            _ if failed.is_some() => {
                let r = result.unwrap_or_else(|| CspResult::new(ResultCode::BAD_REQUEST));
                let capability = p.purpose == Purpose::Capability;
                if p.purpose == Purpose::KeepAlive {
                    self.keep_alive_failures = 0;
                }
                self.fail(id, p.request, r, primitive);
                if capability {
                    self.after_capabilities(now);
                }
            }
            Purpose::KeepAlive => {
                self.keep_alive_failures = 0;
                if let Primitive::KeepAliveResponse(k) = &primitive {
                    if let Some(t) = k.keep_alive_time.filter(|t| *t > 0) {
                        self.keep_alive_time = Some(t);
                    }
                }
            }
            Purpose::Capability => {
                let response = match primitive {
                    Primitive::ClientCapabilityResponse(r) => r,
                    _ => ClientCapabilityResponse::default(),
                };
                self.server_poll_min = response
                    .agreed_capability_list
                    .as_ref()
                    .and_then(|a| a.server_poll_min)
                    .or_else(|| response.capability_list.as_ref().and_then(|c| c.server_poll_min));
                self.agreed_capabilities = Some(response.clone());
                self.push_event(Event::CapabilitiesAgreed(Box::new(response)));
                self.after_capabilities(now);
            }
            Purpose::Service { requested } => {
                let tree = match primitive {
                    Primitive::ServiceResponse(r) => r.functions.unwrap_or(requested),
                    _ => requested,
                };
                self.agreed_services = Some(tree.clone());
                self.push_event(Event::ServicesAgreed(tree));
            }
            Purpose::Poll | Purpose::Ack => {}
            Purpose::SetDelivery { method, group_id } => {
                if group_id.is_none() {
                    self.delivery_method = method;
                }
                self.push_event(Event::DeliveryMethodChanged { method, group_id });
                self.respond(id, p.request, primitive);
            }
            Purpose::GetMessage => {
                let ack = match &primitive {
                    Primitive::GetMessageResponse(r) if self.config.ack_fetched_messages => {
                        r.message_info.message_id.clone()
                    }
                    _ => None,
                };
                self.respond(id, p.request, primitive);
                if let Some(mid) = ack {
                    let _ = self.submit(now, MessageDelivered::new(mid).into(), Purpose::Ack, false);
                }
            }
            Purpose::App => self.respond(id, p.request, primitive),
        }
    }

    fn respond(&mut self, transaction_id: TransactionId, request: Elem, primitive: Primitive) {
        self.push_event(Event::Response { transaction_id, request, primitive: Box::new(primitive) });
    }

    fn fail(&mut self, transaction_id: TransactionId, request: Elem, result: CspResult, primitive: Primitive) {
        self.push_event(Event::TransactionFailed {
            transaction_id,
            request,
            code: result.code,
            description: result.description,
            primitive: Box::new(primitive),
        });
    }

    fn on_login_response(&mut self, now: Timestamp, primitive: Primitive, second: bool) {
        if self.phase != Phase::LoggingIn {
            return;
        }
        let r: LoginResponse = match primitive {
            Primitive::LoginResponse(r) => r,
            Primitive::Status(s) => {
                let description = s.result.description.or_else(|| Some("Status instead of Login-Response".into()));
                return self.login_failed(s.result.code, description);
            }
            _ => return self.login_failed(ResultCode::BAD_REQUEST, Some("not a Login-Response".into())),
        };
        if r.is_challenge() {
            if second {
                let description = r.result.description.or_else(|| Some("challenged twice".into()));
                return self.login_failed(r.result.code, description);
            }
            return self.answer_challenge(now, r);
        }
        if !r.result.code.is_success() {
            return self.login_failed(r.result.code, r.result.description);
        }
        let Some(session_id) = r.session_id else {
            return self.login_failed(r.result.code, Some("Login-Response without SessionID".into()));
        };
        self.phase = Phase::LoggedIn;
        self.session_id = Some(session_id.clone());
        let fallback = self.config.time_to_live.unwrap_or(self.config.fallback_keep_alive_time);
        let keep_alive_time = r.keep_alive_time.filter(|t| *t > 0).unwrap_or(fallback);
        self.keep_alive_time = Some(keep_alive_time);
        self.keep_alive_failures = 0;
        self.agreed_services = None;
        self.agreed_capabilities = None;
        self.server_poll_min = None;
        self.delivery_method = self.config.capabilities.initial_delivery_method;
        self.last_poll_sent = None;
        self.poll_due = None;
        self.next_periodic_poll = self.config.poll_interval.map(|s| now.add_secs(u64::from(s)));
        let capability_request = r.capability_request == Some(true);
        self.push_event(Event::LoggedIn { session_id, keep_alive_time, capability_request });
        if self.config.auto_negotiate {
            if capability_request {
                let _ = self.negotiate_capabilities(now);
            } else {
                let _ = self.negotiate_services(now);
            }
        }
    }

    fn answer_challenge(&mut self, now: Timestamp, r: LoginResponse) {
        let offered: Option<&[DigestAlgorithm]> = match &self.config.login {
            LoginStyle::Password => None,
            LoginStyle::Digest { schemas } => Some(schemas),
        };
        let alg = match &r.digest_schema {
            Some(s) => DigestAlgorithm::from_schema_name(s.as_str()).filter(|a| offered.is_none_or(|o| o.contains(a))),
            None => offered.and_then(|o| o.first().copied()),
        };
        let Some(alg) = alg else {
            let asked = r.digest_schema.as_ref().map_or("none", |s| s.as_str());
            return self.login_failed(
                ResultCode::NO_MATCHING_DIGEST_SCHEME,
                Some(format!("server asked for digest schema {asked}")),
            );
        };
        let nonce = r.nonce.unwrap_or_default();
        let c = &self.config;
        let digest = crate::digest::password_digest(alg, &nonce, &c.password);
        let mut req = LoginRequest::with_digest(
            c.user_id.clone(),
            c.client_id.clone(),
            DigestSchema::parse(alg.schema_name()),
            digest,
            c.session_cookie.clone(),
        );
        req.time_to_live = c.time_to_live;
        if let Err(e) = self.submit(now, req.into(), Purpose::Login { second: true }, false) {
            self.login_failed(ResultCode::INTERNAL_SERVER_ERROR, Some(e.to_string()));
        }
    }

    fn login_failed(&mut self, code: ResultCode, description: Option<String>) {
        self.phase = Phase::Idle;
        self.push_event(Event::LoginFailed { code, description });
    }

    fn after_capabilities(&mut self, now: Timestamp) {
        if self.config.auto_negotiate && self.phase == Phase::LoggedIn {
            let _ = self.negotiate_services(now);
        }
    }

    /// Ends the session: in-flight transactions are abandoned, queued transmits dropped.
    fn end(&mut self, reason: DisconnectReason, code: ResultCode, description: Option<String>) {
        let mut abandoned: Vec<(TransactionId, Pending)> = std::mem::take(&mut self.pending).into_iter().collect();
        abandoned.sort_by_key(|(_, p)| p.seq);
        for (id, p) in abandoned {
            self.push_event(Event::TransactionAbandoned { transaction_id: id, request: p.request });
        }
        self.outgoing.clear();
        self.phase = Phase::Ended;
        self.poll_due = None;
        self.next_periodic_poll = None;
        self.keep_alive_failures = 0;
        self.push_event(Event::Disconnected { reason, code, description });
    }

    fn on_server_request(&mut self, id: Option<TransactionId>, primitive: Primitive, answers: &mut Vec<Transaction>) {
        let elem = primitive.elem();
        if !matches!(self.phase, Phase::LoggedIn | Phase::LoggingOut) {
            self.stats.unexpected_requests += 1;
            self.push_event(Event::UnexpectedRequest { transaction_id: id, request: elem, answered: None });
            return;
        }
        if let Primitive::Disconnect(d) = primitive {
            answers.clear();
            self.disconnected(d);
            return;
        }
        if let Some(tid) = id.as_ref().filter(|t| self.recent_server.contains(t)) {
            self.stats.duplicate_requests += 1;
            let tid = tid.clone();
            self.answer(answers, Some(tid.clone()), normal_answer(&primitive));
            self.push_event(Event::DuplicateRequest { transaction_id: tid, request: elem });
            return;
        }
        let transaction_id = id.clone();
        let event = match primitive {
            Primitive::NewMessage(message) => Event::NewMessage { transaction_id, message: Box::new(message) },
            Primitive::MessageNotification(n) => {
                Event::MessageNotification { transaction_id, notification: Box::new(n) }
            }
            Primitive::PresenceNotificationRequest(n) => {
                Event::PresenceNotification { transaction_id, notification: Box::new(n) }
            }
            Primitive::PresenceAuthRequest(r) => Event::PresenceAuthRequest { transaction_id, request: Box::new(r) },
            Primitive::InviteUserRequest(i) => Event::Invitation { transaction_id, invitation: Box::new(i) },
            Primitive::CancelInviteUserRequest(c) => Event::InvitationCancelled { transaction_id, cancel: Box::new(c) },
            Primitive::InviteResponse(r) => Event::InvitationAnswered { transaction_id, response: Box::new(r) },
            Primitive::GroupChangeNotice(n) => Event::GroupChange { transaction_id, notice: Box::new(n) },
            Primitive::DeliveryReportRequest(r) => Event::DeliveryReport { transaction_id, report: Box::new(r) },
            Primitive::LeaveGroupResponse(l) => {
                Event::LeftGroup { transaction_id, group_id: l.group_id, result: l.result }
            }
            p @ (Primitive::NotificationRequest(_) | Primitive::SystemMessageRequest(_)) => {
                Event::ServerRequest { transaction_id, primitive: Box::new(p) }
            }
            p => {
                let code = if p.originator() == Originator::Client {
                    ResultCode::BAD_REQUEST
                } else {
                    ResultCode::NOT_IMPLEMENTED
                };
                self.stats.unexpected_requests += 1;
                let answered = self.answer(answers, id, Status::code(code).into()).then_some(code);
                self.push_event(Event::UnexpectedRequest { transaction_id, request: elem, answered });
                return;
            }
        };
        if self.events.len() >= self.config.limits.max_queued_events {
            // Refuse rather than acknowledge what the application will never see.
            self.stats.refused_requests += 1;
            self.stats.events_dropped += 1;
            self.unreported_drops += 1;
            self.answer(answers, id, Status::code(ResultCode::MESSAGE_QUEUE_FULL).into());
            return;
        }
        let answer = match &event {
            Event::NewMessage { message, .. } => match &message.message_info.message_id {
                Some(mid) => MessageDelivered::new(mid.clone()).into(),
                None => Status::ok().into(),
            },
            _ => Status::ok().into(),
        };
        if let Some(tid) = &id {
            self.remember_server(tid.clone());
        }
        self.answer(answers, id, answer);
        self.push_event(event);
    }

    /// Adds an answer to server transaction `id`; false when it cannot be answered (no id
    /// outside 1.1).
    fn answer(&self, answers: &mut Vec<Transaction>, id: Option<TransactionId>, primitive: Primitive) -> bool {
        match id {
            Some(id) => answers.push(Transaction::response(id, primitive)),
            None if self.config.version == Version::V1_1 => {
                let mut t = Transaction::response("", primitive);
                t.id = None;
                answers.push(t);
            }
            None => return false,
        }
        true
    }
}

/// The answer to a server request the session surfaces.
fn normal_answer(request: &Primitive) -> Primitive {
    match request {
        Primitive::NewMessage(m) => match &m.message_info.message_id {
            Some(mid) => MessageDelivered::new(mid.clone()).into(),
            None => Status::ok().into(),
        },
        _ => Status::ok().into(),
    }
}

/// Whether `response` may answer `request`: `Status`, the request's own `-Response`, or
/// `Disconnect` for `Logout-Request`.
fn answers(request: Elem, response: Elem) -> bool {
    if response == Elem::Status {
        return true;
    }
    if request == Elem::LogoutRequest {
        return response == Elem::Disconnect;
    }
    let Some(stem) = request.canonical_name().strip_suffix("-Request") else { return false };
    let Some(expected) = Elem::from_name(&format!("{stem}-Response")) else { return false };
    expected == response && Primitive::ALL.iter().any(|(e, _, kind)| *e == expected && *kind == PrimitiveKind::Response)
}

/// The `Result` of a response primitive, for those that carry one.
fn result_of(p: &Primitive) -> Option<&CspResult> {
    Some(match p {
        Primitive::Status(s) => &s.result,
        Primitive::LoginResponse(r) => &r.result,
        Primitive::KeepAliveResponse(r) => &r.result,
        Primitive::Disconnect(r) => &r.result,
        Primitive::SendMessageResponse(r) => &r.result,
        Primitive::GetPresenceResponse(r) => &r.result,
        Primitive::LeaveGroupResponse(r) => &r.result,
        Primitive::ListManageResponse(r) => &r.result,
        Primitive::GetAttributeListResponse(r) => &r.result,
        Primitive::GetPublicProfileResponse(r) => &r.result,
        Primitive::ExtendConversationResponse(r) => &r.result,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_matching_table() {
        assert!(answers(Elem::GetPresenceRequest, Elem::GetPresenceResponse));
        assert!(answers(Elem::GetPresenceRequest, Elem::Status));
        assert!(!answers(Elem::GetPresenceRequest, Elem::LoginResponse));
        assert!(answers(Elem::LogoutRequest, Elem::Disconnect));
        // Invite-Response is a server request, not the answer to Invite-Request.
        assert!(!answers(Elem::InviteRequest, Elem::InviteResponse));
        assert!(answers(Elem::LeaveGroupRequest, Elem::LeaveGroupResponse));
        assert!(!answers(Elem::PollingRequest, Elem::NewMessage));
        assert!(answers(Elem::WVCSPVersionDiscoveryRequest, Elem::WVCSPVersionDiscoveryResponse));
        assert!(!answers(Elem::PresenceAuthUser, Elem::PresenceAuthRequest));
    }
}
