//! Generic elements shared by many primitives (CSP section 2, "Generic elements").

use crate::codec::{csp_enum, csp_struct, Child, Codec, Sink, Source};
use crate::ids::{ContactListId, Domain, GroupId, MessageId, SName, UserId};
use crate::primitive::v13::SystemMessageList;
use crate::schema::Elem;
use crate::{Error, ResultCode};

csp_struct! {
    /// `Result (Code, Description?, DetailedResult*)`: the outcome of a request. 1.3 adds
    /// `SystemMessageList?` and `TryAgainTimeout?` (spec notes appendix A; 1.3; inferred from the
    /// Baraza union model, optionality assumed).
    pub struct CspResult {
        /// The status code.
        pub code: ResultCode = Code,
        /// Free-text description.
        pub description: Option<String> = Description,
        /// Per-entity details (for 201 and 900).
        pub detailed_results: Vec<DetailedResult> = DetailedResult,
        /// System messages for the user (e.g. terms to accept before a login succeeds). 1.3;
        /// inferred from the Baraza union model.
        pub system_message_list: Option<SystemMessageList> = SystemMessageList [V1_3],
        /// Seconds to wait before retrying (an integer, spec notes 6.2). 1.3; inferred from the
        /// Baraza union model.
        pub try_again_timeout: Option<u32> = TryAgainTimeout [V1_3],
    }
}

impl CspResult {
    /// A result with just a code.
    pub fn new(code: ResultCode) -> Self {
        CspResult { code, ..Default::default() }
    }

    /// A result with a code and its standard description.
    pub fn described(code: ResultCode) -> Self {
        CspResult { code, description: code.description().map(str::to_owned), ..Default::default() }
    }
}

csp_struct! {
    /// `DetailedResult (Code, Description?, UserID*, GroupID*, ScreenName*, MessageID*,
    /// ContactList*, Domain*)` (1.1: only UserID, GroupID, ScreenName).
    pub struct DetailedResult {
        /// The status code for these entities.
        pub code: ResultCode = Code,
        /// Free-text description.
        pub description: Option<String> = Description,
        /// Users concerned.
        pub user_ids: Vec<UserId> = UserID,
        /// Groups concerned.
        pub group_ids: Vec<GroupId> = GroupID,
        /// Screen names concerned.
        pub screen_names: Vec<ScreenName> = ScreenName,
        /// Messages concerned (1.2+).
        pub message_ids: Vec<MessageId> = MessageID [V1_2, V1_3],
        /// Contact lists concerned (1.2+).
        pub contact_lists: Vec<ContactListId> = ContactList [V1_2, V1_3],
        /// Domains concerned (1.2+).
        pub domains: Vec<Domain> = Domain [V1_2, V1_3],
    }
}

csp_struct! {
    /// `ClientID (URL?, MSISDN?)`: identifies the client application instance.
    pub struct ClientId {
        /// The client's URL.
        pub url: Option<String> = URL,
        /// The device's MSISDN.
        pub msisdn: Option<String> = MSISDN,
    }
}

impl ClientId {
    /// A client id given by URL.
    pub fn url(url: impl Into<String>) -> Self {
        ClientId { url: Some(url.into()), msisdn: None }
    }
}

csp_struct! {
    /// `User (UserID, ClientID?)`; 1.3 adds `FriendlyName?` and `ApplicationID?` (1.3; inferred
    /// from the Baraza union model, where `User` is `(UserID, FriendlyName, (ApplicationID |
    /// ClientID))`: appendix A shows `(UserID, FriendlyName)`, the choice comes from
    /// `cspmessages.def`). The choice is kept flat: set `application_id` or `client_id`.
    pub struct User {
        /// The user.
        pub user_id: UserId = UserID,
        /// The user's display name. 1.3; inferred from the Baraza union model.
        pub friendly_name: Option<String> = FriendlyName [V1_3],
        /// The client application (instead of `client_id`). 1.3; inferred from the Baraza union
        /// model.
        pub application_id: Option<String> = ApplicationID [V1_3],
        /// One of the user's clients.
        pub client_id: Option<ClientId> = ClientID,
    }
}

impl User {
    /// A user without client id.
    pub fn new(user_id: impl Into<UserId>) -> Self {
        User { user_id: user_id.into(), ..Default::default() }
    }
}

csp_struct! {
    /// `ScreenName (SName, GroupID)`: a name a user goes by inside a group.
    pub struct ScreenName {
        /// The screen name.
        pub sname: SName = SName,
        /// The group it belongs to.
        pub group_id: GroupId = GroupID,
    }
}

/// `Group (GroupID | ScreenName)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum Group {
    /// The group itself.
    GroupId(GroupId),
    /// A screen name inside the group.
    ScreenName(ScreenName),
}

impl Default for Group {
    fn default() -> Self {
        Group::GroupId(GroupId::default())
    }
}

/// Decodes a choice element: exactly one child, one of the listed alternatives.
pub(crate) fn decode_choice<'a, S: Source<'a>, T>(
    src: &mut S,
    elem: Elem,
    pick: impl FnOnce(&mut S, Elem) -> Option<Result<T, Error>>,
) -> Result<T, Error> {
    let child = src
        .next_child()?
        .ok_or_else(|| Error::MissingElement { path: src.path(), element: "(one of its alternatives)" })?;
    let value = match child {
        Child::Known(e) => match pick(src, e) {
            Some(r) => r?,
            None => return Err(src.unexpected(&Child::Known(e))),
        },
        other => return Err(src.unexpected(&other)),
    };
    match src.next_child()? {
        None => Ok(value),
        Some(extra) => {
            let _ = elem;
            Err(src.unexpected(&extra))
        }
    }
}

impl Codec for Group {
    fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Self, Error> {
        decode_choice(src, elem, |src, e| match e {
            Elem::GroupID => Some(GroupId::decode(src, e).map(Group::GroupId)),
            Elem::ScreenName => Some(ScreenName::decode(src, e).map(Group::ScreenName)),
            _ => None,
        })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        match self {
            Group::GroupId(g) => crate::codec::encode_element(w, Elem::GroupID, g),
            Group::ScreenName(s) => crate::codec::encode_element(w, Elem::ScreenName, s),
        }
    }
}

/// `Sender (User | Group)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum Sender {
    /// A user.
    User(User),
    /// A group (or a screen name in it).
    Group(Group),
}

impl Default for Sender {
    fn default() -> Self {
        Sender::User(User::default())
    }
}

impl Sender {
    /// The sending user, when the sender is a user.
    pub fn user_id(&self) -> Option<&UserId> {
        match self {
            Sender::User(u) => Some(&u.user_id),
            Sender::Group(_) => None,
        }
    }
}

impl Codec for Sender {
    fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Self, Error> {
        decode_choice(src, elem, |src, e| match e {
            Elem::User => Some(User::decode(src, e).map(Sender::User)),
            Elem::Group => Some(Group::decode(src, e).map(Sender::Group)),
            _ => None,
        })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        match self {
            Sender::User(u) => crate::codec::encode_element(w, Elem::User, u),
            Sender::Group(g) => crate::codec::encode_element(w, Elem::Group, g),
        }
    }
}

csp_struct! {
    /// `Recipient (User*, Group*, ContactList*)`: users, groups and contact lists addressed.
    pub struct Recipient {
        /// Individual users.
        pub users: Vec<User> = User,
        /// Groups (or screen names in groups).
        pub groups: Vec<Group> = Group,
        /// Contact lists of the sender.
        pub contact_lists: Vec<ContactListId> = ContactList,
    }
}

impl Recipient {
    /// One user.
    pub fn user(user_id: impl Into<UserId>) -> Self {
        Recipient { users: vec![User::new(user_id)], ..Default::default() }
    }

    /// One group.
    pub fn group(group_id: impl Into<GroupId>) -> Self {
        Recipient { groups: vec![Group::GroupId(group_id.into())], ..Default::default() }
    }
}

csp_struct! {
    /// `UserList (User*, ScreenName*)`.
    pub struct UserList {
        /// Users.
        pub users: Vec<User> = User,
        /// Screen names.
        pub screen_names: Vec<ScreenName> = ScreenName,
    }
}

csp_struct! {
    /// `NickName (Name, UserID)`: a contact-list member with the nickname the owner gave it.
    pub struct NickName {
        /// The nickname.
        pub name: String = Name,
        /// The member.
        pub user_id: UserId = UserID,
    }
}

csp_struct! {
    /// `Property (Name, Value?)`: a named property (group, contact list).
    pub struct Property {
        /// Property name, e.g. `Topic`, `DisplayName`.
        pub name: String = Name,
        /// Property value.
        pub value: Option<String> = Value,
    }
}

impl Property {
    /// A property with a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Property { name: name.into(), value: Some(value.into()) }
    }
}

csp_struct! {
    /// `URLList (URL+)`: content shared by invitation.
    pub struct UrlList {
        /// The URLs.
        pub urls: Vec<String> = URL,
    }
}

csp_enum! {
    /// `ContentEncoding`: how `ContentData` is encoded.
    pub enum ContentEncoding {
        "`None`: the content is text as is." None = "None",
        "`BASE64`: the content is BASE64-encoded binary." Base64 = "BASE64",
    }
}

csp_struct! {
    /// `Logo (ContentType, ContentSize?, ContentEncoding, ContentData)`: a service provider logo.
    pub struct Logo {
        /// MIME type, e.g. `image/gif`.
        pub content_type: String = ContentType,
        /// Size in bytes.
        pub content_size: Option<u32> = ContentSize,
        /// Encoding of the data.
        pub content_encoding: ContentEncoding = ContentEncoding,
        /// The data.
        pub content_data: String = ContentData,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitive::access::Status;
    use crate::primitive::presence::{GetPresenceRequest, PresenceTargets};
    use crate::primitive::v13::SystemMessage;
    use crate::testutil::{assert_not_in_version, decode_xml, round_trip};
    use crate::{Primitive, Version};
    use Version::{V1_1, V1_2, V1_3};

    #[test]
    fn result_1_3_additions() {
        let p = decode_xml(
            V1_3,
            "<Status><Result><Code>503</Code><Description>Busy</Description>\
             <SystemMessageList><SystemMessage><SystemMessageID>sm-1</SystemMessageID>\
             <SystemMessageText>Maintenance until 02:00</SystemMessageText></SystemMessage></SystemMessageList>\
             <TryAgainTimeout>600</TryAgainTimeout></Result></Status>",
        )
        .unwrap();
        let result = CspResult {
            description: Some("Busy".into()),
            system_message_list: Some(SystemMessageList {
                messages: vec![SystemMessage::new("sm-1", "Maintenance until 02:00")],
            }),
            try_again_timeout: Some(600),
            ..CspResult::new(ResultCode(503))
        };
        assert_eq!(p, Primitive::Status(Status::new(result.clone())));
        round_trip(Status::new(result.clone()), &[V1_3]);
        let timeout_only = CspResult { try_again_timeout: Some(5), ..CspResult::new(ResultCode(503)) };
        round_trip(Status::new(timeout_only.clone()), &[V1_3]);
        for v in [V1_1, V1_2] {
            assert_not_in_version(Status::new(result.clone()), v, "SystemMessageList");
            assert_not_in_version(Status::new(timeout_only.clone()), v, "TryAgainTimeout");
        }
        // TryAgainTimeout is an integer (spec notes 6.2).
        let e = decode_xml(
            V1_3,
            "<Status><Result><Code>503</Code><TryAgainTimeout>soon</TryAgainTimeout></Result></Status>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/Status/Result/TryAgainTimeout".into(),
                value: "soon".into(),
                expected: "an integer"
            }
        );
    }

    /// A `GetPresence-Request` for these users.
    fn get_presence(users: Vec<User>) -> GetPresenceRequest {
        GetPresenceRequest { targets: PresenceTargets::Users(users), presence_sub_list: None }
    }

    #[test]
    fn user_1_3_additions() {
        let p = decode_xml(
            V1_3,
            "<GetPresence-Request><User><UserID>wv:bob@x</UserID><FriendlyName>Bobby</FriendlyName>\
             <ApplicationID>com.example.chess</ApplicationID></User>\
             <User><UserID>wv:eve@x</UserID><FriendlyName>Eve</FriendlyName><ClientID><URL>http://c/2</URL></ClientID></User>\
             </GetPresence-Request>",
        )
        .unwrap();
        let bob = User {
            friendly_name: Some("Bobby".into()),
            application_id: Some("com.example.chess".into()),
            ..User::new("wv:bob@x")
        };
        let eve = User {
            friendly_name: Some("Eve".into()),
            client_id: Some(ClientId::url("http://c/2")),
            ..User::new("wv:eve@x")
        };
        let want = get_presence(vec![bob, eve.clone()]);
        assert_eq!(p, Primitive::GetPresenceRequest(want.clone()));
        round_trip(want, &[V1_3]);
        let app = User { application_id: Some("a".into()), ..User::new("wv:bob@x") };
        for v in [V1_1, V1_2] {
            assert_not_in_version(get_presence(vec![eve.clone()]), v, "FriendlyName");
            assert_not_in_version(get_presence(vec![app.clone()]), v, "ApplicationID");
        }
        // A user without the 1.3 fields is the same in every version.
        round_trip(get_presence(vec![User::new("wv:bob@x")]), &Version::ALL);
    }
}
