//! Elements shared by many primitives: users, groups, screen names, the requestor's meta
//! information, `Status`, services, and presence values.

use imps_csp::ids::{GroupId, MessageId, SName, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};
use imps_csp::ResultCode;

use crate::codec::{child_path, ssp_enum, ssp_struct, unexpected, Element};
use crate::xml::XElement;
use crate::{fragment, Error};

ssp_struct! {
    /// `ClientID url="…"`: the client a user is logged in with.
    pub struct ClientId = "ClientID" {
        /// The client's URL.
        pub url: Option<String> = attr("url"),
        /// The client's MSISDN (inferred: CSP `ClientID` has one).
        pub msisdn: Option<String> = attr("msisdn"),
    }
}

ssp_struct! {
    /// `User userID="…"` (Baraza), optionally with the client.
    pub struct User = "User" {
        /// The user.
        pub user_id: UserId = attr("userID"),
        /// The client.
        pub client_id: Option<ClientId> = child,
    }
}

impl User {
    /// A user without a client.
    pub fn new(user_id: impl Into<UserId>) -> Self {
        User { user_id: user_id.into(), client_id: None }
    }
}

ssp_struct! {
    /// `UserID userID="…"`: a user named in a list (Baraza).
    pub struct UserIdRef = "UserID" {
        /// The user.
        pub user_id: UserId = attr("userID"),
    }
}

impl From<UserId> for UserIdRef {
    fn from(user_id: UserId) -> Self {
        UserIdRef { user_id }
    }
}

ssp_struct! {
    /// `GroupID groupID="…"` (Baraza).
    pub struct GroupIdRef = "GroupID" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
    }
}

ssp_struct! {
    /// `ScreenName groupID="…"`name`</ScreenName>` (Baraza): a screen name in a group.
    pub struct ScreenName = "ScreenName" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// The screen name.
        pub sname: SName = text,
    }
}

ssp_struct! {
    /// `MessageID messageID="…"`: a message named in a `DetailedResult`.
    pub struct MessageIdRef = "MessageID" {
        /// The message.
        pub message_id: MessageId = attr("messageID"),
    }
}

ssp_struct! {
    /// `Requestor serviceID="wv:@domain"` (Baraza): the requesting domain and, for
    /// client-originated requests, the user on whose behalf.
    pub struct Requestor = "Requestor" {
        /// The requesting domain as `wv:@domain`.
        pub service_id: String = attr("serviceID"),
        /// The user.
        pub user: Option<User> = child,
    }
}

ssp_struct! {
    /// `MetaInfo clientOriginated="Yes|No"` (Baraza) with the `Requestor`. The `destination`
    /// attribute (inferred: the record shows no relay addressing) names the domain that provides
    /// the service at the end of a relay chain (seed 9, Figure 4), as `wv:@domain`; intermediate
    /// domains forward the request toward it.
    pub struct MetaInfo = "MetaInfo" {
        /// Whether a client's request started it (`No` for server-originated deliveries).
        pub client_originated: bool = attr("clientOriginated"),
        /// The providing domain, `wv:@domain`.
        pub destination: Option<String> = attr("destination"),
        /// Who asks.
        pub requestor: Requestor = child,
    }
}

impl MetaInfo {
    /// Meta information for a request of `user` from `domain` toward `destination`.
    pub fn client(domain: &str, user: &UserId, destination: &str) -> Self {
        MetaInfo {
            client_originated: true,
            destination: Some(service_id(destination)),
            requestor: Requestor { service_id: service_id(domain), user: Some(User::new(user.clone())) },
        }
    }

    /// Meta information for a server-originated request from `domain` toward `destination`.
    pub fn server(domain: &str, destination: &str) -> Self {
        MetaInfo {
            client_originated: false,
            destination: Some(service_id(destination)),
            requestor: Requestor { service_id: service_id(domain), user: None },
        }
    }

    /// The requesting domain (from `wv:@domain`).
    pub fn requesting_domain(&self) -> Option<&str> {
        domain_of_service_id(&self.requestor.service_id)
    }

    /// The destination domain (from `wv:@domain`).
    pub fn destination_domain(&self) -> Option<&str> {
        self.destination.as_deref().and_then(domain_of_service_id)
    }

    /// The user on whose behalf, if any.
    pub fn user(&self) -> Option<&UserId> {
        self.requestor.user.as_ref().map(|u| &u.user_id)
    }
}

/// `wv:@domain`, the service id form of a domain (Baraza).
pub fn service_id(domain: &str) -> String {
    format!("wv:@{domain}")
}

/// The domain of a `wv:@domain` service id (`None` when it is not one).
pub fn domain_of_service_id(s: &str) -> Option<&str> {
    let rest = s.trim();
    let rest = rest.strip_prefix("wv:").or_else(|| rest.strip_prefix("WV:")).unwrap_or(rest);
    rest.strip_prefix('@').filter(|d| !d.is_empty())
}

ssp_struct! {
    /// `DetailedResult code="…"`: the entities one result code applies to.
    pub struct DetailedResult = "DetailedResult" {
        /// The code.
        pub code: ResultCode = attr("code"),
        /// Description.
        pub description: Option<String> = text_child("StatusDescription"),
        /// Users.
        pub user_ids: Vec<UserIdRef> = child,
        /// Groups.
        pub group_ids: Vec<GroupIdRef> = child,
        /// Screen names.
        pub screen_names: Vec<ScreenName> = child,
        /// Messages.
        pub message_ids: Vec<MessageIdRef> = child,
        /// Domains.
        pub domains: Vec<String> = text_child("Domain"),
    }
}

ssp_struct! {
    /// `Status code="…"` (Baraza): the result of a request, also the generic response.
    pub struct Status = "Status" {
        /// The result code (CSP codes; spec notes section 5).
        pub code: ResultCode = attr("code"),
        /// Description.
        pub description: Option<String> = text_child("StatusDescription"),
        /// Per-entity results.
        pub detailed: Vec<DetailedResult> = child,
        /// Seconds after which a request may be retried (Baraza `TryAgainTimeout`).
        pub try_again_timeout: Option<u32> = text_child("TryAgainTimeout"),
    }
}

impl Status {
    /// A status with a code only.
    pub fn new(code: ResultCode) -> Self {
        Status { code, ..Default::default() }
    }

    /// Whether the code is a success (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code.0)
    }
}

ssp_enum! {
    /// A service one domain provides to another (seed 9.4.2: "which SSP features are made
    /// available for another domain"). The record has no SSP service names; these are inferred
    /// from the seed's feature list (9.6) and 9.5.
    pub enum Service {
        /// Instant messaging (send, delivery reports, retrieval).
        Im = "IM",
        /// Presence (subscribe, unsubscribe, get, update, notifications, reactive authorisation).
        Presence = "Presence",
        /// Groups (join, leave, members, properties, reject list, joined users, change
        /// notices, delete; group messages).
        Group = "Group",
        /// Invitations and their cancellation (common features; shared content is an
        /// invitation, seed 6).
        Invitation = "Invitation",
        /// User profile management (seed 9.5).
        UserProfile = "UserProfile",
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Service {
    fn default() -> Self {
        Service::Im
    }
}

ssp_struct! {
    /// `Service name="…"`: one service in discovery and negotiation.
    pub struct ServiceRef = "Service" {
        /// The service.
        pub name: Service = attr("name"),
    }
}

impl From<Service> for ServiceRef {
    fn from(name: Service) -> Self {
        ServiceRef { name }
    }
}

ssp_struct! {
    /// `DeliverTo userID="…"` (inferred): the user of the receiving domain a server-originated
    /// delivery is for. Baraza lists recipients in the primitive; one element serves every
    /// delivery here.
    pub struct DeliverTo = "DeliverTo" {
        /// The user.
        pub user_id: UserId = attr("userID"),
    }
}

impl From<UserId> for DeliverTo {
    fn from(user_id: UserId) -> Self {
        DeliverTo { user_id }
    }
}

/// One party: a user, a group, or a screen name in a group (the content of `Sender`,
/// `Recipient`, `Inviting`, `Responding`, `Canceling`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Party {
    /// A user.
    User(User),
    /// A group.
    Group(GroupIdRef),
    /// A screen name in a group.
    ScreenName(ScreenName),
}

impl Default for Party {
    fn default() -> Self {
        Party::User(User::default())
    }
}

impl Party {
    /// A user party.
    pub fn user(user_id: impl Into<UserId>) -> Self {
        Party::User(User::new(user_id))
    }

    fn decode_in(e: &XElement, path: &str) -> Result<Self, Error> {
        let mut it = e.children.iter();
        let c = it
            .next()
            .ok_or_else(|| Error::MissingElement { path: path.to_owned(), element: "User | GroupID | ScreenName" })?;
        if let Some(extra) = it.next() {
            return Err(unexpected(path, &extra.name));
        }
        let p = child_path(path, &c.name);
        Ok(match c.name.as_str() {
            "User" => Party::User(User::decode(c, &p)?),
            "GroupID" => Party::Group(GroupIdRef::decode(c, &p)?),
            "ScreenName" => Party::ScreenName(ScreenName::decode(c, &p)?),
            other => return Err(unexpected(path, other)),
        })
    }

    fn encode_in(&self, name: &'static str) -> Result<XElement, Error> {
        let mut e = XElement::new(name);
        e.children.push(match self {
            Party::User(u) => u.encode()?,
            Party::Group(g) => g.encode()?,
            Party::ScreenName(s) => s.encode()?,
        });
        Ok(e)
    }
}

#[cfg(test)]
impl crate::codec::Sample for Party {
    fn sample(g: &mut crate::codec::Gen) -> Self {
        match g.below(3) {
            0 => Party::User(User::sample(g)),
            1 => Party::Group(GroupIdRef::sample(g)),
            _ => Party::ScreenName(ScreenName::sample(g)),
        }
    }
}

/// A presence value with a few attributes, in words (the embedded CSP codec's own tests cover
/// its values).
#[cfg(test)]
pub(crate) fn sample_presence(g: &mut crate::codec::Gen) -> PresenceSubList {
    let mut p = PresenceSubList::default();
    if g.chance() {
        p.set_online(g.chance());
    }
    if g.chance() {
        let mut t = imps_csp::presence::TextAttr::default();
        t.qualifier = Some(true);
        t.value = Some(g.word());
        p.status_text = Some(t);
    }
    p
}

#[cfg(test)]
impl crate::codec::Sample for PresenceValue {
    fn sample(g: &mut crate::codec::Gen) -> Self {
        PresenceValue { user_id: UserId::sample(g), presence: sample_presence(g) }
    }
}

#[cfg(test)]
impl crate::codec::Sample for AttributeList {
    fn sample(g: &mut crate::codec::Gen) -> Self {
        use imps_csp::presence::PresenceAttr as A;
        let mut a = AttrSet::default();
        for attr in [A::OnlineStatus, A::StatusText, A::UserAvailability, A::Alias, A::ClientInfo] {
            if g.chance() {
                a.insert(attr);
            }
        }
        AttributeList(a)
    }
}

macro_rules! party_element {
    ($(#[$meta:meta])* $name:ident = $tag:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub Party);

        impl Element for $name {
            const NAME: &'static str = $tag;
            fn decode(e: &XElement, path: &str) -> Result<Self, Error> {
                Party::decode_in(e, path).map($name)
            }
            fn encode(&self) -> Result<XElement, Error> {
                self.0.encode_in($tag)
            }
        }

        #[cfg(test)]
        impl crate::codec::Sample for $name {
            fn sample(g: &mut crate::codec::Gen) -> Self {
                $name(crate::codec::Sample::sample(g))
            }
        }
    };
}

party_element!(
    /// `Sender` (Baraza): who sent a message.
    Sender = "Sender"
);
party_element!(
    /// `Recipient` (Baraza): one addressee of a message.
    Recipient = "Recipient"
);
party_element!(
    /// `Inviting` (Baraza): who invites.
    Inviting = "Inviting"
);
party_element!(
    /// `Responding` (Baraza): who answers an invitation.
    Responding = "Responding"
);
party_element!(
    /// `Canceling` (Baraza): who cancels an invitation.
    Canceling = "Canceling"
);

/// `PresenceValue userID="…"` (Baraza) holding a CSP `PresenceSubList`: one user's presence.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PresenceValue {
    /// Whose presence.
    pub user_id: UserId,
    /// The values.
    pub presence: PresenceSubList,
}

impl Element for PresenceValue {
    const NAME: &'static str = "PresenceValue";
    fn decode(e: &XElement, path: &str) -> Result<Self, Error> {
        let user_id = <UserId as crate::codec::AttrField>::get(e, path, "userID")?;
        let psl = single_psl(e, path)?;
        let presence = fragment::decode_presence(psl, &child_path(path, "PresenceSubList"))?;
        Ok(PresenceValue { user_id, presence })
    }
    fn encode(&self) -> Result<XElement, Error> {
        let mut e = XElement::new(Self::NAME);
        e.set_attr("userID", self.user_id.as_str());
        e.children.push(fragment::encode_presence(&self.presence)?);
        Ok(e)
    }
}

/// `AttributeList` (Baraza) holding a CSP `PresenceSubList` of requested attributes.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct AttributeList(pub AttrSet);

impl Element for AttributeList {
    const NAME: &'static str = "AttributeList";
    fn decode(e: &XElement, path: &str) -> Result<Self, Error> {
        let psl = single_psl(e, path)?;
        fragment::decode_attrs(psl, &child_path(path, "PresenceSubList")).map(AttributeList)
    }
    fn encode(&self) -> Result<XElement, Error> {
        let mut e = XElement::new(Self::NAME);
        e.children.push(fragment::encode_attrs(&self.0)?);
        Ok(e)
    }
}

fn single_psl<'e>(e: &'e XElement, path: &str) -> Result<&'e XElement, Error> {
    let mut it = e.children.iter();
    let psl = it.next().ok_or_else(|| Error::MissingElement { path: path.to_owned(), element: "PresenceSubList" })?;
    if psl.name != "PresenceSubList" {
        return Err(unexpected(path, &psl.name));
    }
    if let Some(extra) = it.next() {
        return Err(unexpected(path, &extra.name));
    }
    Ok(psl)
}
