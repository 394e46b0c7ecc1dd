//! Client configuration: who logs in, how, what to negotiate, timers and bounds.

use imps_csp::elements::ClientId;
use imps_csp::ids::UserId;
use imps_csp::presence::ClientType;
use imps_csp::primitive::access::{Bearer, CapabilityList, DeliveryMethod, FunctionSet, ServiceTree};
use imps_csp::{Encoding, Version};
use serde::{Deserialize, Serialize};

use crate::digest::DigestAlgorithm;

/// How the client proves its identity at login (seed 7.1; spec notes 2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStyle {
    /// 2-way login: the password travels in clear in `Login-Request/Password`. If the server
    /// nevertheless answers with a challenge (`Nonce`), the client answers it with any digest
    /// schema it supports (MD5 or SHA).
    Password,
    /// 4-way login: the first `Login-Request` carries no password, only the schemas offered (in
    /// order of preference; CSP 1.1 carries the first only). The server's first `Login-Response`
    /// carries a `Nonce` and the `DigestSchema` to use, which must be one of those offered; the
    /// second `Login-Request` carries `DigestBytes = BASE64(hash(nonce ‖ password))`.
    Digest {
        /// The schemas offered, preferred first. Must not be empty.
        schemas: Vec<DigestAlgorithm>,
    },
}

/// The service functions asked for in `Service-Request` (spec notes 2.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Services {
    /// Every function of the session's version: the `MF`/`MP`/`MM`/`MG` markers in 1.2 and 1.3,
    /// the explicit list of every 1.1 function in 1.1 (which has no markers).
    All,
    /// Exactly this tree.
    Only(ServiceTree),
}

impl Services {
    /// The tree to send in `version`.
    pub fn tree(&self, version: Version) -> ServiceTree {
        match self {
            Services::All if version == Version::V1_1 => ServiceTree::from_functions(FunctionSet::all_in(version)),
            Services::All => ServiceTree::all(),
            Services::Only(t) => t.clone(),
        }
    }
}

/// Bounds on everything the session queues. What happens at each bound is documented on the
/// field; nothing is dropped without being counted in [`Stats`](super::Stats) and reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Limits {
    /// Application transactions awaiting their response. A request beyond it is refused with
    /// [`SessionError::TooManyInFlight`](super::SessionError::TooManyInFlight). The session's
    /// own transactions (login, logout, keep-alive, polling, negotiation) are at most one of each
    /// kind and are not counted. Default 32.
    pub max_in_flight: usize,
    /// Messages waiting in [`poll_transmit`](super::Session::poll_transmit). An application
    /// request beyond it is refused with [`SessionError::QueueFull`](super::SessionError::QueueFull);
    /// the answers to server requests that do not fit are dropped, counted in
    /// [`Stats::answers_dropped`](super::Stats::answers_dropped) and reported with
    /// [`Event::AnswersDropped`](super::Event::AnswersDropped) (the server sends them again).
    /// The session's own requests are not refused. Default 64.
    pub max_queued_transmits: usize,
    /// Events waiting in [`poll_event`](super::Session::poll_event). When the queue is full,
    /// further events are counted instead of queued and reported by one
    /// [`Event::EventsDropped`](super::Event::EventsDropped) once the queue has been drained,
    /// and server requests that would surface as events (`NewMessage`, notifications, ...) are
    /// answered with `Status` 507 (message queue full) instead of being acknowledged, so that
    /// the server keeps them. Default 1024.
    pub max_queued_events: usize,
    /// Largest accepted incoming message in bytes; larger input is reported as
    /// [`Event::MalformedInput`](super::Event::MalformedInput). Default 1 MiB.
    pub max_message_bytes: usize,
    /// Transaction ids remembered after completion or timeout, to tell a duplicate or late
    /// response from an unknown one, and a repeated server request from a new one. Default 64.
    pub remembered_transactions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_in_flight: 32,
            max_queued_transmits: 64,
            max_queued_events: 1024,
            max_message_bytes: 1024 * 1024,
            remembered_transactions: 64,
        }
    }
}

impl Limits {
    /// Sets [`max_in_flight`](Self::max_in_flight).
    pub fn with_max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n;
        self
    }
    /// Sets [`max_queued_transmits`](Self::max_queued_transmits).
    pub fn with_max_queued_transmits(mut self, n: usize) -> Self {
        self.max_queued_transmits = n;
        self
    }
    /// Sets [`max_queued_events`](Self::max_queued_events).
    pub fn with_max_queued_events(mut self, n: usize) -> Self {
        self.max_queued_events = n;
        self
    }
    /// Sets [`max_message_bytes`](Self::max_message_bytes).
    pub fn with_max_message_bytes(mut self, n: usize) -> Self {
        self.max_message_bytes = n;
        self
    }
    /// Sets [`remembered_transactions`](Self::remembered_transactions).
    pub fn with_remembered_transactions(mut self, n: usize) -> Self {
        self.remembered_transactions = n;
        self
    }
}

/// Everything a [`Session`](super::Session) needs to know before it starts.
///
/// Build one with [`ClientConfig::new`] and adjust with the `with_*` methods or the public
/// fields. The configuration is part of the session state and is serialised with it, password
/// included: treat persisted session state as a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The user logging in (`wv:alice@example.com`).
    pub user_id: UserId,
    /// The user's password (sent in clear or digested, see [`login`](Self::login)).
    pub password: String,
    /// This client application instance.
    pub client_id: ClientId,
    /// The CSP version spoken. Incoming messages of another version are refused. Default 1.2.
    pub version: Version,
    /// XML or WBXML for outgoing messages (incoming messages may use either). Default XML.
    pub encoding: Encoding,
    /// Password or digest login. Default [`LoginStyle::Password`].
    pub login: LoginStyle,
    /// `TimeToLive` asked for at login, in seconds (`None`: the server's default).
    pub time_to_live: Option<u32>,
    /// `SessionCookie` of the login requests. Should differ between logins; default `"imps"`.
    pub session_cookie: String,
    /// The capabilities offered in `ClientCapability-Request` (delivery method, content types,
    /// transfer encodings, accepted content length, bearers, CIR methods). Its
    /// `InitialDeliveryMethod` is the delivery method chosen at login. Elements the session's
    /// version lacks (`TCPAddress`/`TCPPort` after 1.1, `AcceptedContentLength` and
    /// `AcceptedCharset` in 1.3) are left out when sending.
    pub capabilities: CapabilityList,
    /// The functions asked for in `Service-Request`. Default [`Services::All`].
    pub services: Services,
    /// Whether to negotiate after login without being asked: `ClientCapability-Request` when the
    /// `Login-Response` says `CapabilityRequest` T, then `Service-Request`. Default true.
    pub auto_negotiate: bool,
    /// How long a transaction waits for its response, in milliseconds. Default 30 000.
    pub transaction_timeout_ms: u64,
    /// How much earlier than `KeepAliveTime` after the last transmission the keep-alive is sent,
    /// in milliseconds; at most half the keep-alive time is used. Default 5 000 (the Android
    /// engine's margin, spec notes 7).
    pub keep_alive_margin_ms: u64,
    /// Keep-alive interval in seconds when the `Login-Response` has no `KeepAliveTime`:
    /// [`time_to_live`](Self::time_to_live) if set, otherwise this. Default 300.
    pub fallback_keep_alive_time: u32,
    /// Consecutive unanswered `KeepAlive-Request`s after which the session is considered lost
    /// ([`DisconnectReason::KeepAliveFailed`](super::DisconnectReason::KeepAliveFailed)); 0
    /// never gives up. Default 3.
    pub max_keep_alive_failures: u32,
    /// Send a `Polling-Request` every this many seconds whatever the `Poll` flags say (for an
    /// HTTP binding without CIR whose server rarely sets `Poll`). Default `None`: poll only when
    /// a message says `Poll` T.
    pub poll_interval: Option<u32>,
    /// Acknowledge a message fetched with `GetMessage-Request` with a `MessageDelivered`
    /// request (spec notes 2.5). Default true.
    pub ack_fetched_messages: bool,
    /// Prefix of the transaction ids this client allocates (`<prefix><counter>`). Default empty.
    pub transaction_id_prefix: String,
    /// Queue bounds.
    pub limits: Limits,
}

impl ClientConfig {
    /// A configuration for `user_id` with `password` on client `client_id`: CSP 1.2 in XML,
    /// password login, push delivery, every function asked for, automatic negotiation.
    ///
    /// The default capabilities: `MOBILE_PHONE`, `InitialDeliveryMethod` P, `text/plain`,
    /// `AcceptedContentLength` 65 536, bearer HTTP, no CIR method, `MultiTrans` 1, `ParserSize`
    /// 65 536.
    pub fn new(user_id: impl Into<UserId>, password: impl Into<String>, client_id: ClientId) -> Self {
        let mut capabilities = CapabilityList::new(ClientType::MobilePhone, DeliveryMethod::Push, 1, 65_536);
        capabilities.accepted_content_types = vec!["text/plain".into()];
        capabilities.accepted_content_length = Some(65_536);
        capabilities.supported_bearers = vec![Bearer::Http];
        ClientConfig {
            user_id: user_id.into(),
            password: password.into(),
            client_id,
            version: Version::V1_2,
            encoding: Encoding::Xml,
            login: LoginStyle::Password,
            time_to_live: None,
            session_cookie: "imps".to_owned(),
            capabilities,
            services: Services::All,
            auto_negotiate: true,
            transaction_timeout_ms: 30_000,
            keep_alive_margin_ms: 5_000,
            fallback_keep_alive_time: 300,
            max_keep_alive_failures: 3,
            poll_interval: None,
            ack_fetched_messages: true,
            transaction_id_prefix: String::new(),
            limits: Limits::default(),
        }
    }

    /// Sets the CSP version.
    pub fn with_version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Sets the outgoing encoding.
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// 4-way digest login offering `schemas`, preferred first.
    pub fn with_digest_login(mut self, schemas: impl IntoIterator<Item = DigestAlgorithm>) -> Self {
        self.login = LoginStyle::Digest { schemas: schemas.into_iter().collect() };
        self
    }

    /// Sets `TimeToLive`.
    pub fn with_time_to_live(mut self, seconds: u32) -> Self {
        self.time_to_live = Some(seconds);
        self
    }

    /// Sets `SessionCookie`.
    pub fn with_session_cookie(mut self, cookie: impl Into<String>) -> Self {
        self.session_cookie = cookie.into();
        self
    }

    /// Sets the capabilities offered.
    pub fn with_capabilities(mut self, capabilities: CapabilityList) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Sets the initial delivery method (in the capabilities offered).
    pub fn with_delivery_method(mut self, method: DeliveryMethod) -> Self {
        self.capabilities.initial_delivery_method = method;
        self
    }

    /// Sets the functions asked for.
    pub fn with_services(mut self, services: Services) -> Self {
        self.services = services;
        self
    }

    /// Turns automatic negotiation after login on or off.
    pub fn with_auto_negotiate(mut self, auto: bool) -> Self {
        self.auto_negotiate = auto;
        self
    }

    /// Sets the transaction timeout in milliseconds.
    pub fn with_transaction_timeout_ms(mut self, ms: u64) -> Self {
        self.transaction_timeout_ms = ms;
        self
    }

    /// Sets the periodic polling interval in seconds.
    pub fn with_poll_interval(mut self, seconds: Option<u32>) -> Self {
        self.poll_interval = seconds;
        self
    }

    /// Sets the transaction id prefix.
    pub fn with_transaction_id_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.transaction_id_prefix = prefix.into();
        self
    }

    /// Sets the queue bounds.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The capability list as sent in `version`: elements the version lacks left out.
    pub(crate) fn capabilities_for(&self, version: Version) -> CapabilityList {
        let mut c = self.capabilities.clone();
        if version != Version::V1_1 {
            c.tcp_address = None;
            c.tcp_port = None;
        }
        if version == Version::V1_3 {
            c.accepted_content_length = None;
            c.accepted_charsets.clear();
        }
        c
    }
}
