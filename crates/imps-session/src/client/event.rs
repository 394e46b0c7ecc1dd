//! What the session reports: events, transmissions, local refusals and counters.

use imps_csp::ids::{GroupId, SessionId, TransactionId};
use imps_csp::primitive::access::{ClientCapabilityResponse, DeliveryMethod, Function, ServiceTree};
use imps_csp::primitive::common::{CancelInviteUserRequest, InviteResponse, InviteUserRequest};
use imps_csp::primitive::group::GroupChangeNotice;
use imps_csp::primitive::im::{DeliveryReportRequest, MessageNotification, NewMessage};
use imps_csp::primitive::presence::{PresenceAuthRequest, PresenceNotificationRequest};
use imps_csp::schema::Elem;
use imps_csp::{CspResult, Primitive, ResultCode, Version};
use serde::{Deserialize, Serialize};

/// Where the session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// Not logged in (never, or after a failed login). [`Session::login`](super::Session::login)
    /// starts a login.
    Idle,
    /// A `Login-Request` is in flight.
    LoggingIn,
    /// The session is open.
    LoggedIn,
    /// A `Logout-Request` is in flight; server requests are still handled.
    LoggingOut,
    /// The session has ended (logout, server `Disconnect`, expiry). A new login may start.
    Ended,
}

/// One message to send: the body of one HTTP POST (spec notes 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The encoded `WV-CSP-Message`.
    pub bytes: Vec<u8>,
    /// Its HTTP `Content-Type` (from the configured version and encoding).
    pub content_type: &'static str,
    /// The transactions it carries (one request, or the answers to server requests).
    pub transaction_ids: Vec<TransactionId>,
}

/// Why the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The server answered the client's `Logout-Request` (with `Disconnect` or `Status`).
    LoggedOut,
    /// The server sent an unsolicited `Disconnect` (e.g. 601 forced logout).
    Server,
    /// The server reported the session expired or unknown (600 or 604 in a response or a
    /// `Disconnect`).
    Expired,
    /// The `Logout-Request` went unanswered; the session is considered closed.
    LogoutTimedOut,
    /// [`max_keep_alive_failures`](super::ClientConfig::max_keep_alive_failures) keep-alives in a
    /// row went unanswered.
    KeepAliveFailed,
}

/// Why a response was ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum UnexpectedReason {
    /// The transaction was already answered.
    Duplicate,
    /// The transaction had already timed out.
    Late,
    /// No transaction of this client has this id (or it was forgotten).
    Unknown,
    /// The response carries no `TransactionID` (possible in 1.1).
    MissingId,
    /// The primitive does not answer the request of that transaction (e.g. a `Login-Response`
    /// to a `GetPresence-Request`); the transaction stays in flight.
    WrongPrimitive,
}

/// Input that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum InputError {
    /// An empty body while no `Polling-Request` was waiting for one.
    Empty,
    /// The bytes are not a well-formed CSP message.
    Decode {
        /// The decoder's message.
        message: String,
        /// The result code a server would answer such input with.
        code: ResultCode,
        /// Not a CSP message at all (wrong root, unknown version), rather than a malformed one.
        not_csp: bool,
    },
    /// A well-formed message of another CSP version than the session's.
    VersionMismatch {
        /// The session's version.
        expected: Version,
        /// The message's version.
        found: Version,
    },
    /// A message for another session.
    WrongSession {
        /// The session id in the message.
        found: SessionId,
    },
}

/// What the session tells the application. Drain with [`Session::poll_event`](super::Session::poll_event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Event {
    // --- login and negotiation -----------------------------------------------------------
    /// The login succeeded.
    LoggedIn {
        /// The new session.
        session_id: SessionId,
        /// The keep-alive interval in effect, in seconds (the server's `KeepAliveTime`, or the
        /// fallback).
        keep_alive_time: u32,
        /// Whether the server asked for capability negotiation (`CapabilityRequest` T).
        capability_request: bool,
    },
    /// The login failed: the server refused it, or it could not be completed locally (408 when
    /// unanswered, 543 when the server's digest schema is not one the client can use, the
    /// server's code with a description when the answer made no sense).
    LoginFailed {
        /// The result code.
        code: ResultCode,
        /// The server's description, or the local reason.
        description: Option<String>,
    },
    /// `ClientCapability-Response` received: what the server agreed to.
    CapabilitiesAgreed(Box<ClientCapabilityResponse>),
    /// `Service-Response` received: the agreed service tree, now used to refuse requests for
    /// functions not agreed.
    ServicesAgreed(ServiceTree),
    /// A `SetDeliveryMethod-Request` succeeded.
    DeliveryMethodChanged {
        /// The new method.
        method: DeliveryMethod,
        /// The group it applies to, or every message.
        group_id: Option<GroupId>,
    },

    // --- the application's transactions --------------------------------------------------
    /// A successful (2xx, or no result code) response to an application request.
    Response {
        /// The transaction.
        transaction_id: TransactionId,
        /// The request's primitive.
        #[serde(with = "elem_serde")]
        request: Elem,
        /// The response.
        primitive: Box<Primitive>,
    },
    /// A response with a failure code to a request (the application's or the session's own).
    TransactionFailed {
        /// The transaction.
        transaction_id: TransactionId,
        /// The request's primitive.
        #[serde(with = "elem_serde")]
        request: Elem,
        /// The result code.
        code: ResultCode,
        /// The server's description.
        description: Option<String>,
        /// The response (with any `DetailedResult`s).
        primitive: Box<Primitive>,
    },
    /// No response within the transaction timeout. A response arriving later is reported as
    /// [`UnexpectedResponse`](Event::UnexpectedResponse) with [`UnexpectedReason::Late`].
    TransactionTimedOut {
        /// The transaction.
        transaction_id: TransactionId,
        /// The request's primitive.
        #[serde(with = "elem_serde")]
        request: Elem,
    },
    /// The session ended while the transaction was in flight.
    TransactionAbandoned {
        /// The transaction.
        transaction_id: TransactionId,
        /// The request's primitive.
        #[serde(with = "elem_serde")]
        request: Elem,
    },

    // --- server-originated transactions (already answered) ------------------------------
    /// `NewMessage` (push delivery), answered with `MessageDelivered`.
    NewMessage {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The message.
        message: Box<NewMessage>,
    },
    /// `MessageNotification` (notify/pull delivery), answered with `Status`; fetch the message
    /// with [`Session::get_message`](super::Session::get_message).
    MessageNotification {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The notification.
        notification: Box<MessageNotification>,
    },
    /// `PresenceNotification-Request`, answered with `Status`.
    PresenceNotification {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The presence values.
        notification: Box<PresenceNotificationRequest>,
    },
    /// `PresenceAuth-Request` (a watcher asks for attributes), answered with `Status`; decide
    /// with [`Session::authorize_presence`](super::Session::authorize_presence).
    PresenceAuthRequest {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The request.
        request: Box<PresenceAuthRequest>,
    },
    /// `InviteUser-Request`, answered with `Status`; reply with
    /// [`Session::respond_invitation`](super::Session::respond_invitation).
    Invitation {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The invitation.
        invitation: Box<InviteUserRequest>,
    },
    /// `CancelInviteUser-Request`, answered with `Status`.
    InvitationCancelled {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The cancellation.
        cancel: Box<CancelInviteUserRequest>,
    },
    /// `Invite-Response`: an invitee's answer to this client's invitation, answered with
    /// `Status`.
    InvitationAnswered {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The answer.
        response: Box<InviteResponse>,
    },
    /// `GroupChangeNotice`, answered with `Status`.
    GroupChange {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The notice.
        notice: Box<GroupChangeNotice>,
    },
    /// `DeliveryReport-Request`, answered with `Status`.
    DeliveryReport {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The report.
        report: Box<DeliveryReportRequest>,
    },
    /// An unsolicited `LeaveGroup-Response`: the user was removed from a group. Answered with
    /// `Status`.
    LeftGroup {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The group.
        group_id: Option<GroupId>,
        /// Why.
        result: CspResult,
    },
    /// Another server request the session acknowledged with `Status` 200 without interpreting
    /// it (1.3 `Notification-Request`, `SystemMessage-Request`).
    ServerRequest {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The request.
        primitive: Box<Primitive>,
    },
    /// A server request the client does not handle (a primitive the server does not send, an
    /// `Extended-Request`, or any request outside a session), answered with `Status` of
    /// `answered` (400 for client-originated primitives, 501 for others) or not at all.
    UnexpectedRequest {
        /// The server's transaction.
        transaction_id: Option<TransactionId>,
        /// The primitive.
        #[serde(with = "elem_serde")]
        request: Elem,
        /// The code answered with, if answered.
        answered: Option<ResultCode>,
    },
    /// A server request whose transaction id was seen a moment ago: answered again as before and
    /// not surfaced a second time.
    DuplicateRequest {
        /// The server's transaction.
        transaction_id: TransactionId,
        /// The primitive.
        #[serde(with = "elem_serde")]
        request: Elem,
    },

    // --- end of session ------------------------------------------------------------------
    /// The session ended; in-flight transactions were reported as
    /// [`TransactionAbandoned`](Event::TransactionAbandoned) just before.
    Disconnected {
        /// Why.
        reason: DisconnectReason,
        /// The server's result code, or 408 for a local timeout.
        code: ResultCode,
        /// The server's description.
        description: Option<String>,
    },

    // --- problems with the input ---------------------------------------------------------
    /// Input that could not be used; the session is unchanged.
    MalformedInput {
        /// What was wrong.
        error: InputError,
    },
    /// A response that was ignored (counted in [`Stats`]).
    UnexpectedResponse {
        /// Its transaction id.
        transaction_id: Option<TransactionId>,
        /// Its primitive.
        #[serde(with = "elem_serde")]
        primitive: Elem,
        /// Why it was ignored.
        reason: UnexpectedReason,
    },
    /// Events were lost because the event queue was full
    /// ([`Limits::max_queued_events`](super::Limits::max_queued_events)); reported once the
    /// queue has been drained.
    EventsDropped {
        /// How many.
        count: u64,
    },
    /// Answers to server requests could not be queued because the transmit queue was full
    /// ([`Limits::max_queued_transmits`](super::Limits::max_queued_transmits)).
    AnswersDropped {
        /// The server transactions left unanswered.
        transaction_ids: Vec<TransactionId>,
    },
}

/// A call refused locally: nothing was sent and the session is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The call needs an open session.
    #[error("not logged in (session is {phase:?})")]
    NotLoggedIn {
        /// Where the session stands.
        phase: Phase,
    },
    /// A login or logout is already under way, or the session is already open.
    #[error("not possible while the session is {phase:?}")]
    WrongPhase {
        /// Where the session stands.
        phase: Phase,
    },
    /// The request needs a service function the server did not agree to.
    #[error("service function {function} not agreed")]
    ServiceNotAgreed {
        /// The function.
        function: Function,
    },
    /// The primitive is not one a client sends as a request.
    #[error("{element} is not a client request")]
    NotAClientRequest {
        /// The primitive.
        element: &'static str,
    },
    /// The primitive does not exist in the session's version.
    #[error("{element} does not exist in CSP {version}")]
    NotInVersion {
        /// The primitive.
        element: &'static str,
        /// The session's version.
        version: Version,
    },
    /// Too many application transactions in flight.
    #[error("{limit} transactions already in flight")]
    TooManyInFlight {
        /// The limit.
        limit: usize,
    },
    /// The transmit queue is full: drain [`poll_transmit`](super::Session::poll_transmit).
    #[error("transmit queue full ({limit} messages)")]
    QueueFull {
        /// The limit.
        limit: usize,
    },
    /// The request cannot be encoded in the session's version and encoding.
    #[error("cannot encode: {0}")]
    Encode(#[from] imps_csp::Error),
}

impl SessionError {
    /// The CSP result code matching the refusal: 604 (not logged in), 506 (service not agreed),
    /// 505 (not in version), 507 (queues full), 400 otherwise.
    pub fn result_code(&self) -> ResultCode {
        match self {
            SessionError::NotLoggedIn { .. } => ResultCode::INVALID_SESSION,
            SessionError::ServiceNotAgreed { .. } => ResultCode::SERVICE_NOT_AGREED,
            SessionError::NotInVersion { .. } => ResultCode::VERSION_NOT_SUPPORTED,
            SessionError::TooManyInFlight { .. } | SessionError::QueueFull { .. } => ResultCode::MESSAGE_QUEUE_FULL,
            _ => ResultCode::BAD_REQUEST,
        }
    }
}

/// Counters of what the session ignored, refused or dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stats {
    /// Inputs reported as [`Event::MalformedInput`].
    pub malformed_inputs: u64,
    /// Responses to transactions already answered.
    pub duplicate_responses: u64,
    /// Responses to transactions that had timed out.
    pub late_responses: u64,
    /// Responses to no known transaction (or without id).
    pub unknown_responses: u64,
    /// Responses whose primitive did not answer the request.
    pub mismatched_responses: u64,
    /// Server requests reported as [`Event::UnexpectedRequest`].
    pub unexpected_requests: u64,
    /// Server requests repeated with a recent transaction id.
    pub duplicate_requests: u64,
    /// Server requests answered with 507 because the event queue was full.
    pub refused_requests: u64,
    /// Transactions timed out.
    pub timeouts: u64,
    /// Events not queued because the queue was full.
    pub events_dropped: u64,
    /// Answers to server requests not queued because the transmit queue was full.
    pub answers_dropped: u64,
}

/// Serde for [`Elem`]: its canonical name.
pub(crate) mod elem_serde {
    use imps_csp::schema::Elem;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(e: &Elem, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(e.canonical_name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Elem, D::Error> {
        let name = String::deserialize(d)?;
        Elem::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown CSP element {name:?}")))
    }
}
