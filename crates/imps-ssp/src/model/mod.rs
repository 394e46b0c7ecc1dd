//! The SSP message model: the `WV-SSP-Message` envelope and every primitive.
//!
//! ```text
//! WV-SSP-Message xmlns="http://www.openmobilealliance.org/DTD/WV-SSP1.3"
//!   ( SetupTransaction mode="Request|Response" transactionID="…"   -- session setup
//!       ( SendSecretToken | LoginRequest | LoginResponse | Status )
//!   | Session sessionID="…"
//!       Transaction+ mode="Request|Response" transactionID="…"
//!         <one primitive> )
//! ```
//!
//! (Baraza, spec notes section 8.) Primitives are grouped by feature in the submodules; the
//! [`Primitive`] enum names them all with their [`PrimitiveKind`] and [`Service`].

pub mod common;
pub mod group;
pub mod im;
pub mod invite;
pub mod presence;
pub mod session;

use crate::codec::{child_path, ssp_enum, unexpected, Element, Value};
use crate::xml::{self, ReadLimits, XElement};
use crate::Error;
use common::{MetaInfo, Service, Status};

/// The SSP 1.3 namespace (Baraza).
pub const NAMESPACE: &str = "http://www.openmobilealliance.org/DTD/WV-SSP1.3";
/// The HTTP content type of SSP messages (spec notes section 8).
pub const CONTENT_TYPE: &str = "application/vnd.wv.ssp+xml";
/// The DNS SRV service of SSP servers: `_imps-server._tcp.<domain>` (spec notes section 8).
pub const SRV_SERVICE: &str = "_imps-server._tcp";
/// The `protocol` of `SendSecretToken`.
pub const PROTOCOL: &str = "WV-SSP";
/// The `protocolVersion` of `SendSecretToken`.
pub const PROTOCOL_VERSION: &str = "1.3";

/// The DNS name to look up (SRV) to find a domain's SSP server.
pub fn srv_name(domain: &str) -> String {
    format!("{SRV_SERVICE}.{domain}")
}

/// What a primitive is, for the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PrimitiveKind {
    /// Session setup (inside `SetupTransaction`).
    Setup,
    /// A request of the requestor's session: session maintenance, service management, or a
    /// relayed service request.
    Request,
    /// A server-originated delivery for a user of the receiving domain (a request too,
    /// answered with `Status`).
    Delivery,
    /// A response.
    Response,
}

macro_rules! primitives {
    ($( $(#[doc = $doc:literal])* $v:ident($t:ty) = $kind:ident, $svc:expr, $meta:ident; )*) => {
        /// Every SSP primitive.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[allow(clippy::large_enum_variant)]
        pub enum Primitive {
            $( $(#[doc = $doc])* $v($t), )*
        }

        $(
            impl From<$t> for Primitive {
                fn from(p: $t) -> Self {
                    Primitive::$v(p)
                }
            }
        )*

        impl Primitive {
            /// The element name.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Primitive::$v(_) => <$t as Element>::NAME, )*
                }
            }

            /// What it is.
            pub fn kind(&self) -> PrimitiveKind {
                match self {
                    $( Primitive::$v(_) => PrimitiveKind::$kind, )*
                }
            }

            fn base_service(&self) -> Option<Service> {
                match self {
                    $( Primitive::$v(_) => $svc, )*
                }
            }

            /// The requestor's meta information, for requests and deliveries that carry it.
            pub fn meta_info(&self) -> Option<&MetaInfo> {
                match self {
                    $( Primitive::$v(p) => primitives!(@meta $meta p), )*
                }
            }

            /// Mutable [`meta_info`](Self::meta_info) (`None` for primitives without one).
            pub fn meta_info_mut(&mut self) -> Option<&mut Option<MetaInfo>> {
                match self {
                    $( Primitive::$v(p) => primitives!(@meta_mut $meta p), )*
                }
            }

            fn decode(e: &XElement, path: &str) -> Result<Self, Error> {
                let p = child_path(path, &e.name);
                $( if e.name == <$t as Element>::NAME { return <$t as Element>::decode(e, &p).map(Primitive::$v); } )*
                Err(Error::UnknownPrimitive { path: path.to_owned(), found: e.name.chars().take(64).collect() })
            }

            fn encode(&self) -> Result<XElement, Error> {
                match self {
                    $( Primitive::$v(p) => p.encode(), )*
                }
            }
        }

        #[cfg(test)]
        impl crate::codec::Sample for Primitive {
            fn sample(g: &mut crate::codec::Gen) -> Self {
                let all: &[fn(&mut crate::codec::Gen) -> Primitive] =
                    &[$( |g| Primitive::$v(<$t as crate::codec::Sample>::sample(g)), )*];
                all[g.below(all.len() as u64) as usize](g)
            }
        }

        /// The names of every primitive.
        pub const PRIMITIVE_NAMES: &[&str] = &[$( <$t as Element>::NAME, )*];
    };
    (@meta meta $p:ident) => { $p.meta_info.as_ref() };
    (@meta none $p:ident) => {{ let _ = $p; None }};
    (@meta_mut meta $p:ident) => { Some(&mut $p.meta_info) };
    (@meta_mut none $p:ident) => {{ let _ = $p; None }};
}

use common::Service as S;

primitives! {
    /// Generic response, and a refusal.
    Status(Status) = Response, None, none;
    /// Session setup: the challenges.
    SendSecretToken(session::SendSecretToken) = Setup, None, none;
    /// Session setup: login with the digest.
    LoginRequest(session::LoginRequest) = Setup, None, none;
    /// Session setup: the session.
    LoginResponse(session::LoginResponse) = Setup, None, none;
    /// Session maintenance.
    KeepAliveRequest(session::KeepAliveRequest) = Request, None, none;
    /// Session maintenance.
    KeepAliveResponse(session::KeepAliveResponse) = Response, None, none;
    /// Session termination.
    LogoutRequest(session::LogoutRequest) = Request, None, none;
    /// Service discovery.
    ServiceDiscoveryRequest(session::ServiceDiscoveryRequest) = Request, None, none;
    /// Service discovery.
    ServiceDiscoveryResponse(session::ServiceDiscoveryResponse) = Response, None, none;
    /// Service negotiation.
    ServiceNegotiationRequest(session::ServiceNegotiationRequest) = Request, None, none;
    /// Service negotiation.
    ServiceNegotiationResponse(session::ServiceNegotiationResponse) = Response, None, none;
    /// User profile.
    GetUserProfileRequest(session::GetUserProfileRequest) = Request, Some(S::UserProfile), meta;
    /// User profile.
    GetUserProfileResponse(session::GetUserProfileResponse) = Response, None, none;
    /// User profile.
    UpdateUserProfileRequest(session::UpdateUserProfileRequest) = Request, Some(S::UserProfile), meta;
    /// IM.
    SendMessageRequest(im::SendMessageRequest) = Request, Some(S::Im), meta;
    /// IM.
    SendMessageResponse(im::SendMessageResponse) = Response, None, none;
    /// IM delivery.
    NewMessage(im::NewMessage) = Delivery, Some(S::Im), meta;
    /// IM delivery.
    MessageNotification(im::MessageNotification) = Delivery, Some(S::Im), meta;
    /// IM retrieval.
    GetMessageRequest(im::GetMessageRequest) = Request, Some(S::Im), meta;
    /// IM retrieval.
    GetMessageResponse(im::GetMessageResponse) = Response, None, none;
    /// IM delivery report.
    DeliveryStatusReport(im::DeliveryStatusReport) = Delivery, Some(S::Im), meta;
    /// Presence.
    SubscribeRequest(presence::SubscribeRequest) = Request, Some(S::Presence), meta;
    /// Presence.
    UnsubscribeRequest(presence::UnsubscribeRequest) = Request, Some(S::Presence), meta;
    /// Presence.
    GetPresenceRequest(presence::GetPresenceRequest) = Request, Some(S::Presence), meta;
    /// Presence.
    GetPresenceResponse(presence::GetPresenceResponse) = Response, None, none;
    /// Presence.
    UpdatePresenceRequest(presence::UpdatePresenceRequest) = Request, Some(S::Presence), meta;
    /// Presence delivery.
    PresenceNotification(presence::PresenceNotification) = Delivery, Some(S::Presence), meta;
    /// Presence delivery.
    PresenceAuthRequest(presence::PresenceAuthRequest) = Delivery, Some(S::Presence), meta;
    /// Presence.
    PresenceAuthUser(presence::PresenceAuthUser) = Request, Some(S::Presence), meta;
    /// Presence (authorisation lists).
    CreateAttributeListRequest(presence::CreateAttributeListRequest) = Request, Some(S::Presence), meta;
    /// Presence (authorisation lists).
    DeleteAttributeListRequest(presence::DeleteAttributeListRequest) = Request, Some(S::Presence), meta;
    /// Groups.
    JoinGroupRequest(group::JoinGroupRequest) = Request, Some(S::Group), meta;
    /// Groups.
    JoinGroupResponse(group::JoinGroupResponse) = Response, None, none;
    /// Groups.
    LeaveGroupRequest(group::LeaveGroupRequest) = Request, Some(S::Group), meta;
    /// Groups.
    LeaveGroupResponse(group::LeaveGroupResponse) = Response, None, none;
    /// Group delivery.
    LeaveGroupIndication(group::LeaveGroupIndication) = Delivery, Some(S::Group), meta;
    /// Groups.
    GetGroupMemberRequest(group::GetGroupMemberRequest) = Request, Some(S::Group), meta;
    /// Groups.
    GetGroupMemberResponse(group::GetGroupMemberResponse) = Response, None, none;
    /// Groups.
    AddGroupMemberRequest(group::AddGroupMemberRequest) = Request, Some(S::Group), meta;
    /// Groups.
    RemoveGroupMemberRequest(group::RemoveGroupMemberRequest) = Request, Some(S::Group), meta;
    /// Groups.
    MemberAccessRequest(group::MemberAccessRequest) = Request, Some(S::Group), meta;
    /// Groups.
    GetGroupPropsRequest(group::GetGroupPropsRequest) = Request, Some(S::Group), meta;
    /// Groups.
    GetGroupPropsResponse(group::GetGroupPropsResponse) = Response, None, none;
    /// Groups.
    SetGroupPropsRequest(group::SetGroupPropsRequest) = Request, Some(S::Group), meta;
    /// Groups.
    RejectListRequest(group::RejectListRequest) = Request, Some(S::Group), meta;
    /// Groups.
    RejectListResponse(group::RejectListResponse) = Response, None, none;
    /// Groups.
    GetJoinedUsersRequest(group::GetJoinedUsersRequest) = Request, Some(S::Group), meta;
    /// Groups.
    GetJoinedUsersResponse(group::GetJoinedUsersResponse) = Response, None, none;
    /// Groups.
    SubscribeGroupChangeRequest(group::SubscribeGroupChangeRequest) = Request, Some(S::Group), meta;
    /// Groups.
    UnsubscribeGroupChangeRequest(group::UnsubscribeGroupChangeRequest) = Request, Some(S::Group), meta;
    /// Groups.
    GetGroupSubStatusRequest(group::GetGroupSubStatusRequest) = Request, Some(S::Group), meta;
    /// Groups.
    GetGroupSubStatusResponse(group::GetGroupSubStatusResponse) = Response, None, none;
    /// Group delivery.
    GroupChangeNotice(group::GroupChangeNotice) = Delivery, Some(S::Group), meta;
    /// Groups.
    DeleteGroupRequest(group::DeleteGroupRequest) = Request, Some(S::Group), meta;
    /// Invitations.
    InviteRequest(invite::InviteRequest) = Request, Some(S::Invitation), meta;
    /// Invitation delivery.
    InviteUserRequest(invite::InviteUserRequest) = Delivery, Some(S::Invitation), meta;
    /// Invitations.
    InviteUserResponse(invite::InviteUserResponse) = Request, Some(S::Invitation), meta;
    /// Invitation delivery.
    InviteResponse(invite::InviteResponse) = Delivery, Some(S::Invitation), meta;
    /// Invitations.
    CancelInviteRequest(invite::CancelInviteRequest) = Request, Some(S::Invitation), meta;
    /// Invitation delivery.
    CancelInviteUserRequest(invite::CancelInviteUserRequest) = Delivery, Some(S::Invitation), meta;
}

impl Primitive {
    /// The service it belongs to, for agreements (`None`: session and service management, and
    /// responses). A message addressed to groups only is a group service request: the group's
    /// provider distributes it (seed 5: groups as distribution mechanism).
    pub fn service(&self) -> Option<Service> {
        match self {
            Primitive::SendMessageRequest(r)
                if !r.message_info.recipients.is_empty()
                    && r.message_info.recipients.iter().all(|x| !matches!(x.0, common::Party::User(_))) =>
            {
                Some(Service::Group)
            }
            _ => self.base_service(),
        }
    }

    /// The result code of a response primitive (`None` for requests).
    pub fn status(&self) -> Option<&Status> {
        use Primitive as P;
        Some(match self {
            P::Status(s) => s,
            P::LoginResponse(r) => &r.status,
            P::KeepAliveResponse(r) => &r.status,
            P::ServiceDiscoveryResponse(r) => &r.status,
            P::ServiceNegotiationResponse(r) => &r.status,
            P::GetUserProfileResponse(r) => &r.status,
            P::SendMessageResponse(r) => &r.status,
            P::GetMessageResponse(r) => &r.status,
            P::GetPresenceResponse(r) => &r.status,
            P::JoinGroupResponse(r) => &r.status,
            P::LeaveGroupResponse(r) => &r.status,
            P::GetGroupMemberResponse(r) => &r.status,
            P::GetGroupPropsResponse(r) => &r.status,
            P::RejectListResponse(r) => &r.status,
            P::GetJoinedUsersResponse(r) => &r.status,
            P::GetGroupSubStatusResponse(r) => &r.status,
            _ => return None,
        })
    }
}

ssp_enum! {
    /// `mode` of a transaction.
    pub enum Mode {
        /// A request.
        Request = "Request",
        /// A response.
        Response = "Response",
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Mode {
    fn default() -> Self {
        Mode::Request
    }
}

/// `SetupTransaction mode= transactionID=`: session setup, outside any session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetupTransaction {
    /// Request or response.
    pub mode: Mode,
    /// Transaction id.
    pub transaction_id: String,
    /// The primitive.
    pub primitive: Primitive,
}

/// `Transaction mode= transactionID=` inside a session.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Transaction {
    /// Request or response.
    pub mode: Mode,
    /// Transaction id (the requestor's; the response repeats it).
    pub transaction_id: String,
    /// The primitive.
    pub primitive: Primitive,
}

impl Transaction {
    /// A request.
    pub fn request(id: impl Into<String>, p: impl Into<Primitive>) -> Self {
        Transaction { mode: Mode::Request, transaction_id: id.into(), primitive: p.into() }
    }

    /// A response.
    pub fn response(id: impl Into<String>, p: impl Into<Primitive>) -> Self {
        Transaction { mode: Mode::Response, transaction_id: id.into(), primitive: p.into() }
    }
}

/// What a message carries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum Body {
    /// Session setup.
    Setup(SetupTransaction),
    /// Transactions of a session.
    Session {
        /// `sessionID` (the requestor's session at the provider).
        session_id: String,
        /// The transactions (at least one).
        transactions: Vec<Transaction>,
    },
}

/// A whole SSP message (`WV-SSP-Message`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The content.
    pub body: Body,
}

/// Limits of decoding (every input is bounded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Largest message, bytes.
    pub max_size: usize,
    /// Deepest nesting.
    pub max_depth: usize,
    /// Most transactions in a message.
    pub max_transactions: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { max_size: 1024 * 1024, max_depth: 48, max_transactions: 64 }
    }
}

const ROOT: &str = "WV-SSP-Message";

fn mode_and_id(e: &XElement, path: &str) -> Result<(Mode, String), Error> {
    let mode = <Mode as crate::codec::AttrField>::get(e, path, "mode")?;
    let id = <String as crate::codec::AttrField>::get(e, path, "transactionID")?;
    Ok((mode, id))
}

fn single_primitive(e: &XElement, path: &str) -> Result<Primitive, Error> {
    let mut it = e.children.iter();
    let p = it.next().ok_or_else(|| Error::MissingElement { path: path.to_owned(), element: "(a primitive)" })?;
    if let Some(extra) = it.next() {
        return Err(unexpected(path, &extra.name));
    }
    Primitive::decode(p, path)
}

fn transaction_element(name: &'static str, mode: Mode, id: &str, p: &Primitive) -> Result<XElement, Error> {
    let mut t = XElement::new(name);
    t.set_attr("mode", mode.format());
    t.set_attr("transactionID", id);
    t.children.push(p.encode()?);
    Ok(t)
}

impl Message {
    /// A setup transaction.
    pub fn setup(mode: Mode, transaction_id: impl Into<String>, p: impl Into<Primitive>) -> Self {
        Message {
            body: Body::Setup(SetupTransaction { mode, transaction_id: transaction_id.into(), primitive: p.into() }),
        }
    }

    /// Transactions of a session.
    pub fn session(session_id: impl Into<String>, transactions: Vec<Transaction>) -> Self {
        Message { body: Body::Session { session_id: session_id.into(), transactions } }
    }

    /// Decodes an XML message with default limits.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode_with(bytes, &DecodeOptions::default())
    }

    /// Decodes an XML message.
    pub fn decode_with(bytes: &[u8], opts: &DecodeOptions) -> Result<Self, Error> {
        let root = xml::read(bytes, ReadLimits { max_size: opts.max_size, max_depth: opts.max_depth })?;
        if root.name != ROOT {
            return Err(Error::WrongRoot { found: root.name.chars().take(64).collect() });
        }
        if let Some(ns) = root.attr("xmlns") {
            if ns != NAMESPACE {
                return Err(Error::UnknownVersion { found: ns.chars().take(128).collect() });
            }
        }
        let path = format!("/{ROOT}");
        let mut it = root.children.iter();
        let first = it
            .next()
            .ok_or_else(|| Error::MissingElement { path: path.clone(), element: "SetupTransaction | Session" })?;
        if let Some(extra) = it.next() {
            return Err(unexpected(&path, &extra.name));
        }
        let p = child_path(&path, &first.name);
        let body = match first.name.as_str() {
            "SetupTransaction" => {
                let (mode, transaction_id) = mode_and_id(first, &p)?;
                Body::Setup(SetupTransaction { mode, transaction_id, primitive: single_primitive(first, &p)? })
            }
            "Session" => {
                let session_id = <String as crate::codec::AttrField>::get(first, &p, "sessionID")?;
                let mut transactions = Vec::new();
                for t in &first.children {
                    if t.name != "Transaction" {
                        return Err(unexpected(&p, &t.name));
                    }
                    if transactions.len() >= opts.max_transactions {
                        return Err(Error::UnexpectedElement {
                            path: p.clone(),
                            found: format!("Transaction beyond the limit of {}", opts.max_transactions),
                        });
                    }
                    let tp = child_path(&p, "Transaction");
                    let (mode, transaction_id) = mode_and_id(t, &tp)?;
                    transactions.push(Transaction { mode, transaction_id, primitive: single_primitive(t, &tp)? });
                }
                if transactions.is_empty() {
                    return Err(Error::MissingElement { path: p, element: "Transaction" });
                }
                Body::Session { session_id, transactions }
            }
            other => return Err(unexpected(&path, other)),
        };
        Ok(Message { body })
    }

    /// Encodes as XML (with an XML declaration and the SSP 1.3 namespace).
    pub fn to_xml(&self) -> Result<Vec<u8>, Error> {
        let mut root = XElement::new(ROOT);
        root.set_attr("xmlns", NAMESPACE);
        match &self.body {
            Body::Setup(s) => {
                root.children.push(transaction_element("SetupTransaction", s.mode, &s.transaction_id, &s.primitive)?)
            }
            Body::Session { session_id, transactions } => {
                let mut s = XElement::new("Session");
                s.set_attr("sessionID", session_id.as_str());
                for t in transactions {
                    s.children.push(transaction_element("Transaction", t.mode, &t.transaction_id, &t.primitive)?);
                }
                root.children.push(s);
            }
        }
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml::write(&mut out, &root)?;
        Ok(out.into_bytes())
    }
}
