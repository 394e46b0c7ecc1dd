//! Contact list and attribute list primitives (spec notes 2.4, 4.1; seed 3.2, 3.3.2).
//!
//! Contact lists are named lists of users kept by the server (`ContactList` is the list's id);
//! attribute lists are the proactive authorisation (which attributes a user, the members of a
//! contact list, or everyone by default may see).
//!
//! Version notes: `ReceiveList` is 1.2+; `CreateList-Response` is 1.3 only. The notes say
//! attribute lists are 1.1/1.2 (the 1.3 table drops `AttListFunc` and `CALI`/`DALI`/`GALS`), but
//! the 1.3 token table this crate follows still has `CreateAttributeList-Request`,
//! `DeleteAttributeList-Request`, `GetAttributeList-*`, `DefaultList` and
//! `DefaultAttributeList`, so they encode in 1.3 with the 1.2 content model.

use crate::codec::{csp_struct, encode_element, encode_field, Child, Codec, Field, Sink, Source};
use crate::elements::{CspResult, NickName, Property, User};
use crate::ids::{ContactListId, UserId};
use crate::presence::AttrSet;
use crate::primitive::presence::{AttributeListPresence, Wrappers};
use crate::schema::Elem;
use crate::{Error, ResultCode, Version};

csp_struct! {
    /// `GetList-Request` (EMPTY): the ids of one's contact lists (spec notes 2.4).
    pub struct GetListRequest {}
}

/// `GetList-Response (ContactList*, DefaultContactList?)` (spec notes 2.4). Decoding also reads
/// 1.3's `ContactListIDList` wrapper into `contact_lists` (Baraza's union model lists
/// `ContactListIDList, ContactList*` here, spec notes appendix A); encoding writes the flat form
/// in every version, since the record does not say 1.3 requires the wrapper (inferred).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct GetListResponse {
    /// The user's contact lists.
    pub contact_lists: Vec<ContactListId>,
    /// The default contact list.
    pub default_contact_list: Option<ContactListId>,
}

impl Codec for GetListResponse {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut out = GetListResponse::default();
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::ContactList) => {
                    out.contact_lists.push(ContactListId::decode(src, Elem::ContactList)?)
                }
                Child::Known(Elem::ContactListIDList) => out.contact_lists.extend(wrappers.contact_lists(src)?),
                Child::Known(Elem::DefaultContactList) => {
                    <Option<ContactListId>>::accept(&mut out.default_contact_list, src, Elem::DefaultContactList)?
                }
                other => return Err(src.unexpected(&other)),
            }
        }
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        Field::encode(&self.contact_lists, w, Elem::ContactList)?;
        Field::encode(&self.default_contact_list, w, Elem::DefaultContactList)
    }
}

impl GetListResponse {
    /// The lists, and the default one.
    pub fn new(contact_lists: Vec<ContactListId>, default_contact_list: Option<ContactListId>) -> Self {
        GetListResponse { contact_lists, default_contact_list }
    }
}

/// One entry of a `NickList` or `AddNickList`: the choice `(NickName | UserID)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum NickEntry {
    /// A member with the nickname the owner gave it.
    NickName(NickName),
    /// A member without nickname.
    UserId(UserId),
}

impl NickEntry {
    /// A member with a nickname.
    pub fn nick(name: impl Into<String>, user_id: impl Into<UserId>) -> Self {
        NickEntry::NickName(NickName { name: name.into(), user_id: user_id.into() })
    }

    /// A member without nickname.
    pub fn user(user_id: impl Into<UserId>) -> Self {
        NickEntry::UserId(user_id.into())
    }

    /// The member.
    pub fn user_id(&self) -> &UserId {
        match self {
            NickEntry::NickName(n) => &n.user_id,
            NickEntry::UserId(u) => u,
        }
    }

    /// The nickname, if any.
    pub fn nickname(&self) -> Option<&str> {
        match self {
            NickEntry::NickName(n) => Some(&n.name),
            NickEntry::UserId(_) => None,
        }
    }
}

/// `NickList ((NickName | UserID)*)`: contact-list members, in the order they came. The same
/// content serves `AddNickList ((NickName | UserID)+)`, where at least one entry is required
/// (spec notes 2.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct NickList {
    /// The members.
    pub entries: Vec<NickEntry>,
}

impl NickList {
    /// A list of these entries.
    pub fn new(entries: Vec<NickEntry>) -> Self {
        NickList { entries }
    }

    /// The members' ids, in order.
    pub fn user_ids(&self) -> impl Iterator<Item = &UserId> {
        self.entries.iter().map(NickEntry::user_id)
    }
}

impl FromIterator<NickEntry> for NickList {
    fn from_iter<I: IntoIterator<Item = NickEntry>>(iter: I) -> Self {
        NickList { entries: iter.into_iter().collect() }
    }
}

impl Codec for NickList {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut entries = Vec::new();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::NickName) => {
                    entries.push(NickEntry::NickName(NickName::decode(src, Elem::NickName)?))
                }
                Child::Known(Elem::UserID) => entries.push(NickEntry::UserId(UserId::decode(src, Elem::UserID)?)),
                other => return Err(src.unexpected(&other)),
            }
        }
        Ok(NickList { entries })
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        self.entries.iter().try_for_each(|e| match e {
            NickEntry::NickName(n) => encode_element(w, Elem::NickName, n),
            NickEntry::UserId(u) => encode_element(w, Elem::UserID, u),
        })
    }
}

csp_struct! {
    /// `RemoveNickList (UserID+)`: members to remove from a contact list (at least one).
    pub struct RemoveNickList {
        /// The members.
        pub user_ids: Vec<UserId> = UserID,
    }
}

csp_struct! {
    /// `ContactListProperties (Property+)`: known property names are `DisplayName` and `Default`
    /// (T/F: the user's default contact list) (spec notes 2.4).
    pub struct ContactListProperties {
        /// The properties, at least one.
        pub properties: Vec<Property> = Property,
    }
}

impl ContactListProperties {
    /// Property name of the list's display name.
    pub const DISPLAY_NAME: &'static str = "DisplayName";
    /// Property name of the default-list flag (`T`/`F`).
    pub const DEFAULT: &'static str = "Default";

    /// The value of property `name`, if present with a value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.properties.iter().find(|p| p.name == name).and_then(|p| p.value.as_deref())
    }

    /// Sets property `name` (replacing an existing one, else appending).
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        let value = Some(value.into());
        match self.properties.iter_mut().find(|p| p.name == name) {
            Some(p) => p.value = value,
            None => self.properties.push(Property { name: name.to_owned(), value }),
        }
        self
    }

    /// `DisplayName`.
    pub fn display_name(&self) -> Option<&str> {
        self.get(Self::DISPLAY_NAME)
    }

    /// Sets `DisplayName`.
    pub fn set_display_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.set(Self::DISPLAY_NAME, name)
    }

    /// `Default`: `Some(true)` for `T`, `Some(false)` for `F`, `None` when absent or another
    /// value.
    pub fn is_default(&self) -> Option<bool> {
        match self.get(Self::DEFAULT)?.trim() {
            "T" => Some(true),
            "F" => Some(false),
            _ => None,
        }
    }

    /// Sets `Default` (`T`/`F`).
    pub fn set_default(&mut self, default: bool) -> &mut Self {
        self.set(Self::DEFAULT, if default { "T" } else { "F" })
    }

    /// Properties with just a display name.
    pub fn with_display_name(name: impl Into<String>) -> Self {
        let mut p = ContactListProperties::default();
        p.set_display_name(name);
        p
    }
}

csp_struct! {
    /// `CreateList-Request (ContactList, NickList?, ContactListProperties?)` (answered with
    /// `Status`, in 1.3 with `CreateList-Response`; spec notes 2.4).
    pub struct CreateListRequest {
        /// The new list's id.
        pub contact_list: ContactListId = ContactList,
        /// Initial members.
        pub nick_list: Option<NickList> = NickList,
        /// Initial properties.
        pub properties: Option<ContactListProperties> = ContactListProperties,
    }
}

impl CreateListRequest {
    /// Creates an empty list.
    pub fn new(contact_list: impl Into<ContactListId>) -> Self {
        CreateListRequest { contact_list: contact_list.into(), nick_list: None, properties: None }
    }

    /// Adds initial members.
    pub fn with_members(mut self, members: NickList) -> Self {
        self.nick_list = Some(members);
        self
    }

    /// Adds initial properties.
    pub fn with_properties(mut self, properties: ContactListProperties) -> Self {
        self.properties = Some(properties);
        self
    }
}

csp_struct! {
    /// `CreateList-Response (ContactList, ContactListProperties?)` (1.3 only). Inferred: no
    /// public content model; element order from the Baraza union model (spec notes appendix A),
    /// cardinalities assumed.
    pub struct CreateListResponse {
        /// The list created (its id as the server assigned it).
        pub contact_list: ContactListId = ContactList,
        /// Its properties.
        pub properties: Option<ContactListProperties> = ContactListProperties,
    }
}

impl CreateListResponse {
    /// An answer naming the list created.
    pub fn new(contact_list: impl Into<ContactListId>) -> Self {
        CreateListResponse { contact_list: contact_list.into(), properties: None }
    }
}

csp_struct! {
    /// `DeleteList-Request (ContactList)` (answered with `Status`; spec notes 2.4).
    pub struct DeleteListRequest {
        /// The list to delete.
        pub contact_list: ContactListId = ContactList,
    }
}

impl DeleteListRequest {
    /// Deletes `contact_list`.
    pub fn new(contact_list: impl Into<ContactListId>) -> Self {
        DeleteListRequest { contact_list: contact_list.into() }
    }
}

/// The optional change of a `ListManage-Request`: the choice
/// `(AddNickList | RemoveNickList | ContactListProperties)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum ListChange {
    /// `AddNickList`: members to add (at least one).
    AddNickList(NickList),
    /// `RemoveNickList`: members to remove.
    RemoveNickList(RemoveNickList),
    /// `ContactListProperties`: properties to set.
    ContactListProperties(ContactListProperties),
}

/// `ListManage-Request (ContactList, (AddNickList | RemoveNickList | ContactListProperties)?,
/// ReceiveList)`: changes a contact list and/or fetches it (spec notes 2.4). At most one change
/// per request: decoding refuses a second one with [`Error::UnexpectedElement`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct ListManageRequest {
    /// The list.
    pub contact_list: ContactListId,
    /// The change, if any.
    pub change: Option<ListChange>,
    /// `ReceiveList` (T/F): whether the response carries the list's members. 1.2+, mandatory
    /// there; absent in 1.1.
    pub receive_list: Option<bool>,
    /// `AuthorizeAndGrant` (T/F): presumably also authorise the added members' presence and put
    /// them on the grant list (1.3 authorises through contact lists, spec notes 2.3; meaning
    /// not public). 1.3; inferred from the Baraza union model `(ContactList, (AddNickList |
    /// RemoveNickList | ContactListProperties), ReceiveList, AuthorizeAndGrant)`.
    pub authorize_and_grant: Option<bool>,
}

impl ListManageRequest {
    /// No change (with `receive_list`, a fetch of the list).
    pub fn new(contact_list: impl Into<ContactListId>) -> Self {
        ListManageRequest { contact_list: contact_list.into(), ..Default::default() }
    }

    /// Adds members.
    pub fn add(contact_list: impl Into<ContactListId>, members: NickList) -> Self {
        ListManageRequest { change: Some(ListChange::AddNickList(members)), ..Self::new(contact_list) }
    }

    /// Removes members.
    pub fn remove<I: IntoIterator>(contact_list: impl Into<ContactListId>, members: I) -> Self
    where
        I::Item: Into<UserId>,
    {
        let r = RemoveNickList { user_ids: members.into_iter().map(Into::into).collect() };
        ListManageRequest { change: Some(ListChange::RemoveNickList(r)), ..Self::new(contact_list) }
    }

    /// Sets properties.
    pub fn set_properties(contact_list: impl Into<ContactListId>, properties: ContactListProperties) -> Self {
        ListManageRequest { change: Some(ListChange::ContactListProperties(properties)), ..Self::new(contact_list) }
    }

    /// Sets `ReceiveList` (mandatory in 1.2/1.3, refused by the 1.1 encoder).
    pub fn with_receive_list(mut self, receive: bool) -> Self {
        self.receive_list = Some(receive);
        self
    }

    /// Sets `AuthorizeAndGrant` (1.3, refused by the 1.1 and 1.2 encoders).
    pub fn with_authorize_and_grant(mut self, authorize: bool) -> Self {
        self.authorize_and_grant = Some(authorize);
        self
    }
}

impl Codec for ListManageRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut contact_list = None;
        let mut change = None;
        let mut receive_list = None;
        let mut authorize_and_grant = None;
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::ContactList) => {
                    <ContactListId as Field>::accept(&mut contact_list, src, Elem::ContactList)?
                }
                Child::Known(Elem::AddNickList) if change.is_none() => {
                    change = Some(ListChange::AddNickList(NickList::decode(src, Elem::AddNickList)?));
                }
                Child::Known(Elem::RemoveNickList) if change.is_none() => {
                    change = Some(ListChange::RemoveNickList(RemoveNickList::decode(src, Elem::RemoveNickList)?));
                }
                Child::Known(Elem::ContactListProperties) if change.is_none() => {
                    let p = ContactListProperties::decode(src, Elem::ContactListProperties)?;
                    change = Some(ListChange::ContactListProperties(p));
                }
                Child::Known(Elem::ReceiveList) => {
                    <Option<bool> as Field>::accept(&mut receive_list, src, Elem::ReceiveList)?
                }
                Child::Known(Elem::AuthorizeAndGrant) => {
                    <Option<bool> as Field>::accept(&mut authorize_and_grant, src, Elem::AuthorizeAndGrant)?
                }
                other => return Err(src.unexpected(&other)),
            }
        }
        let contact_list = <ContactListId as Field>::finish(contact_list, src, Elem::ContactList)?;
        Ok(ListManageRequest { contact_list, change, receive_list, authorize_and_grant })
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        encode_element(w, Elem::ContactList, &self.contact_list)?;
        match &self.change {
            Some(ListChange::AddNickList(n)) => encode_element(w, Elem::AddNickList, n)?,
            Some(ListChange::RemoveNickList(r)) => encode_element(w, Elem::RemoveNickList, r)?,
            Some(ListChange::ContactListProperties(p)) => encode_element(w, Elem::ContactListProperties, p)?,
            None => {}
        }
        encode_field(w, &self.receive_list, Elem::ReceiveList, &[Version::V1_2, Version::V1_3])?;
        encode_field(w, &self.authorize_and_grant, Elem::AuthorizeAndGrant, &[Version::V1_3])
    }
}

csp_struct! {
    /// `ListManage-Response (Result, NickList?, ContactListProperties?)` (spec notes 2.4).
    pub struct ListManageResponse {
        /// The outcome.
        pub result: CspResult = Result,
        /// The list's members (when asked for with `ReceiveList`).
        pub nick_list: Option<NickList> = NickList,
        /// The list's properties.
        pub properties: Option<ContactListProperties> = ContactListProperties,
    }
}

impl ListManageResponse {
    /// A successful answer (code 200) with the members, if asked for.
    pub fn ok(nick_list: Option<NickList>, properties: Option<ContactListProperties>) -> Self {
        ListManageResponse { result: CspResult::new(ResultCode::SUCCESSFUL), nick_list, properties }
    }
}

/// `CreateAttributeList-Request (PresenceSubList, UserID*, ContactList*, DefaultList)`:
/// authorises attributes proactively for users, contact lists' members, and (with `DefaultList`
/// T) everyone by default (answered with `Status`; spec notes 2.4, 4.1; seed 3.3.2).
///
/// 1.3 adds `DefaultNotify?`, `UserNotify?` and `ContactListNotify?` (T/F) at the end, and may
/// wrap the ids in `UserIDList` / `ContactListIDList` (1.3; inferred from the Baraza union model
/// `(PresenceSubList, UserIDList, UserID*, ContactListIDList, ContactList*, DefaultList,
/// DefaultNotify, UserNotify, ContactListNotify)`, spec notes appendix A). Decoding reads the
/// wrappers into `user_ids` / `contact_lists`; encoding writes the flat form in every version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct CreateAttributeListRequest {
    /// The attributes authorised (names only).
    pub presence_sub_list: AttrSet,
    /// Users it applies to.
    pub user_ids: Vec<UserId>,
    /// Contact lists it applies to.
    pub contact_lists: Vec<ContactListId>,
    /// Whether it is (also) the default attribute list.
    pub default_list: bool,
    /// Presumably: notify the default list's watchers of the change (meaning not public). 1.3;
    /// inferred from the Baraza union model.
    pub default_notify: Option<bool>,
    /// Presumably: notify the users of the change (meaning not public). 1.3; inferred from the
    /// Baraza union model.
    pub user_notify: Option<bool>,
    /// Presumably: notify the contact lists' members of the change (meaning not public). 1.3;
    /// inferred from the Baraza union model.
    pub contact_list_notify: Option<bool>,
}

impl Codec for CreateAttributeListRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut presence_sub_list = None;
        let mut default_list = None;
        let mut out = CreateAttributeListRequest::default();
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::PresenceSubList) => {
                    <AttrSet as Field>::accept(&mut presence_sub_list, src, Elem::PresenceSubList)?
                }
                Child::Known(Elem::UserID) => out.user_ids.push(UserId::decode(src, Elem::UserID)?),
                Child::Known(Elem::UserIDList) => out.user_ids.extend(wrappers.user_ids(src)?),
                Child::Known(Elem::ContactList) => {
                    out.contact_lists.push(ContactListId::decode(src, Elem::ContactList)?)
                }
                Child::Known(Elem::ContactListIDList) => out.contact_lists.extend(wrappers.contact_lists(src)?),
                Child::Known(Elem::DefaultList) => <bool as Field>::accept(&mut default_list, src, Elem::DefaultList)?,
                Child::Known(Elem::DefaultNotify) => {
                    <Option<bool>>::accept(&mut out.default_notify, src, Elem::DefaultNotify)?
                }
                Child::Known(Elem::UserNotify) => <Option<bool>>::accept(&mut out.user_notify, src, Elem::UserNotify)?,
                Child::Known(Elem::ContactListNotify) => {
                    <Option<bool>>::accept(&mut out.contact_list_notify, src, Elem::ContactListNotify)?
                }
                other => return Err(src.unexpected(&other)),
            }
        }
        out.presence_sub_list = <AttrSet as Field>::finish(presence_sub_list, src, Elem::PresenceSubList)?;
        out.default_list = <bool as Field>::finish(default_list, src, Elem::DefaultList)?;
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        encode_element(w, Elem::PresenceSubList, &self.presence_sub_list)?;
        Field::encode(&self.user_ids, w, Elem::UserID)?;
        Field::encode(&self.contact_lists, w, Elem::ContactList)?;
        encode_element(w, Elem::DefaultList, &self.default_list)?;
        encode_field(w, &self.default_notify, Elem::DefaultNotify, &[Version::V1_3])?;
        encode_field(w, &self.user_notify, Elem::UserNotify, &[Version::V1_3])?;
        encode_field(w, &self.contact_list_notify, Elem::ContactListNotify, &[Version::V1_3])
    }
}

impl CreateAttributeListRequest {
    /// Authorises `attributes` for nobody yet (add users or lists, or set `default_list`).
    pub fn new(attributes: AttrSet) -> Self {
        CreateAttributeListRequest { presence_sub_list: attributes, ..Default::default() }
    }

    /// The default attribute list.
    pub fn default_list(attributes: AttrSet) -> Self {
        CreateAttributeListRequest { presence_sub_list: attributes, default_list: true, ..Default::default() }
    }
}

/// `DeleteAttributeList-Request (UserID*, ContactList*, DefaultList)` (answered with `Status`;
/// spec notes 2.4). Decoding also reads 1.3's `UserIDList` / `ContactListIDList` wrappers into
/// `user_ids` / `contact_lists` (Baraza's union model `(UserIDList, UserID*, ContactListIDList,
/// ContactList*, DefaultList)`, spec notes appendix A); encoding writes the flat form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct DeleteAttributeListRequest {
    /// Users whose attribute lists go.
    pub user_ids: Vec<UserId>,
    /// Contact lists whose attribute lists go.
    pub contact_lists: Vec<ContactListId>,
    /// Whether the default attribute list goes.
    pub default_list: bool,
}

impl Codec for DeleteAttributeListRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut default_list = None;
        let mut out = DeleteAttributeListRequest::default();
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::UserID) => out.user_ids.push(UserId::decode(src, Elem::UserID)?),
                Child::Known(Elem::UserIDList) => out.user_ids.extend(wrappers.user_ids(src)?),
                Child::Known(Elem::ContactList) => {
                    out.contact_lists.push(ContactListId::decode(src, Elem::ContactList)?)
                }
                Child::Known(Elem::ContactListIDList) => out.contact_lists.extend(wrappers.contact_lists(src)?),
                Child::Known(Elem::DefaultList) => <bool as Field>::accept(&mut default_list, src, Elem::DefaultList)?,
                other => return Err(src.unexpected(&other)),
            }
        }
        out.default_list = <bool as Field>::finish(default_list, src, Elem::DefaultList)?;
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        Field::encode(&self.user_ids, w, Elem::UserID)?;
        Field::encode(&self.contact_lists, w, Elem::ContactList)?;
        encode_element(w, Elem::DefaultList, &self.default_list)
    }
}

/// `GetAttributeList-Request (DefaultList, ContactList*, User*)` (spec notes 2.4). Decoding also
/// reads 1.3's `ContactListIDList` / `UserIDList` wrappers into `contact_lists` / `users`
/// (Baraza's union model `(DefaultList, ContactListIDList, ContactList*, UserIDList, User*)`,
/// spec notes appendix A); encoding writes the flat form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct GetAttributeListRequest {
    /// Whether the default attribute list is wanted.
    pub default_list: bool,
    /// Contact lists whose attribute lists are wanted.
    pub contact_lists: Vec<ContactListId>,
    /// Users whose attribute lists are wanted.
    pub users: Vec<User>,
}

impl Codec for GetAttributeListRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut default_list = None;
        let mut out = GetAttributeListRequest::default();
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::DefaultList) => <bool as Field>::accept(&mut default_list, src, Elem::DefaultList)?,
                Child::Known(Elem::ContactList) => {
                    out.contact_lists.push(ContactListId::decode(src, Elem::ContactList)?)
                }
                Child::Known(Elem::ContactListIDList) => out.contact_lists.extend(wrappers.contact_lists(src)?),
                Child::Known(Elem::User) => out.users.push(User::decode(src, Elem::User)?),
                Child::Known(Elem::UserIDList) => out.users.extend(wrappers.users(src)?),
                other => return Err(src.unexpected(&other)),
            }
        }
        out.default_list = <bool as Field>::finish(default_list, src, Elem::DefaultList)?;
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        encode_element(w, Elem::DefaultList, &self.default_list)?;
        Field::encode(&self.contact_lists, w, Elem::ContactList)?;
        Field::encode(&self.users, w, Elem::User)
    }
}

csp_struct! {
    /// `DefaultAttributeList (PresenceSubList*)`: the attributes everyone is authorised for.
    pub struct DefaultAttributeList {
        /// The attributes (names only).
        pub presence_sub_lists: Vec<AttrSet> = PresenceSubList,
    }
}

csp_struct! {
    /// `GetAttributeList-Response (Result, DefaultAttributeList?, Presence*)` (spec notes 2.4).
    /// Each `Presence` names a user or contact list and, as attribute names, the attributes its
    /// attribute list authorises ([`AttributeListPresence`]).
    pub struct GetAttributeListResponse {
        /// The outcome.
        pub result: CspResult = Result,
        /// The default attribute list.
        pub default_attribute_list: Option<DefaultAttributeList> = DefaultAttributeList,
        /// Per-user and per-contact-list attribute lists.
        pub presences: Vec<AttributeListPresence> = Presence,
    }
}

impl GetAttributeListResponse {
    /// A successful answer (code 200).
    pub fn ok(default_attribute_list: Option<DefaultAttributeList>, presences: Vec<AttributeListPresence>) -> Self {
        GetAttributeListResponse { result: CspResult::new(ResultCode::SUCCESSFUL), default_attribute_list, presences }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::PresenceAttr;
    use crate::primitive::presence::{Presence, PresenceSubject};
    use crate::testutil::{assert_not_in_version, decode_xml, round_trip};
    use crate::Primitive;
    use Version::{V1_1, V1_2, V1_3};

    /// See the note in `primitive::presence::tests` on where error paths point.
    const PATH: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent";

    fn attrs(list: &[PresenceAttr]) -> AttrSet {
        list.iter().copied().collect()
    }

    fn friends() -> ContactListProperties {
        let mut p = ContactListProperties::with_display_name("Friends");
        p.set_default(true);
        p
    }

    const FRIENDS_XML: &str = "<ContactListProperties><Property><Name>DisplayName</Name><Value>Friends</Value></Property><Property><Name>Default</Name><Value>T</Value></Property></ContactListProperties>";

    fn members() -> NickList {
        NickList::new(vec![
            NickEntry::nick("Bobby", "wv:bob@x"),
            NickEntry::user("wv:carol@x"),
            NickEntry::nick("D", "wv:dave@x"),
        ])
    }

    const MEMBERS_XML: &str = "<NickName><Name>Bobby</Name><UserID>wv:bob@x</UserID></NickName><UserID>wv:carol@x</UserID><NickName><Name>D</Name><UserID>wv:dave@x</UserID></NickName>";

    #[test]
    fn get_list() {
        assert_eq!(decode_xml(V1_1, "<GetList-Request/>").unwrap(), Primitive::GetListRequest(GetListRequest {}));
        round_trip(GetListRequest {}, &Version::ALL);
        let p = decode_xml(
            V1_2,
            "<GetList-Response><ContactList>wv:a/friends@x</ContactList><ContactList>wv:a/work@x</ContactList><DefaultContactList>wv:a/friends@x</DefaultContactList></GetList-Response>",
        )
        .unwrap();
        let expected =
            GetListResponse::new(vec!["wv:a/friends@x".into(), "wv:a/work@x".into()], Some("wv:a/friends@x".into()));
        assert_eq!(p, Primitive::GetListResponse(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(GetListResponse::default(), &Version::ALL);
    }

    #[test]
    fn contact_list_properties_helpers() {
        let mut p = friends();
        assert_eq!(p.display_name(), Some("Friends"));
        assert_eq!(p.is_default(), Some(true));
        p.set_default(false).set_display_name("Pals");
        assert_eq!((p.display_name(), p.is_default()), (Some("Pals"), Some(false)));
        assert_eq!(p.properties.len(), 2, "set replaces, never duplicates");
        p.set(ContactListProperties::DEFAULT, "maybe");
        assert_eq!(p.is_default(), None);
        assert_eq!(ContactListProperties::default().display_name(), None);
    }

    #[test]
    fn create_list() {
        let p = decode_xml(
            V1_2,
            &format!("<CreateList-Request><ContactList>wv:a/friends@x</ContactList><NickList>{MEMBERS_XML}</NickList>{FRIENDS_XML}</CreateList-Request>"),
        )
        .unwrap();
        let expected = CreateListRequest::new("wv:a/friends@x").with_members(members()).with_properties(friends());
        assert_eq!(p, Primitive::CreateListRequest(expected.clone()));
        assert_eq!(
            members().user_ids().map(UserId::as_str).collect::<Vec<_>>(),
            ["wv:bob@x", "wv:carol@x", "wv:dave@x"]
        );
        round_trip(expected, &Version::ALL);
        round_trip(CreateListRequest::new("wv:a/empty@x").with_members(NickList::default()), &Version::ALL);

        let e = decode_xml(
            V1_2,
            "<CreateList-Request><ContactList>wv:a/l@x</ContactList><NickList><User><UserID>wv:b@x</UserID></User></NickList></CreateList-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/CreateList-Request/NickList"), found: "User".into() }
        );
        let e = decode_xml(V1_2, &format!("<CreateList-Request>{FRIENDS_XML}</CreateList-Request>")).unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/CreateList-Request"), element: "ContactList" });
    }

    #[test]
    fn create_list_response_is_1_3_only() {
        let p = decode_xml(
            V1_3,
            &format!(
                "<CreateList-Response><ContactList>wv:a/friends@x</ContactList>{FRIENDS_XML}</CreateList-Response>"
            ),
        )
        .unwrap();
        let expected = CreateListResponse { contact_list: "wv:a/friends@x".into(), properties: Some(friends()) };
        assert_eq!(p, Primitive::CreateListResponse(expected.clone()));
        round_trip(expected.clone(), &[V1_3]);
        round_trip(CreateListResponse::new("wv:a/l@x"), &[V1_3]);
        assert_not_in_version(expected.clone(), V1_1, "CreateList-Response");
        assert_not_in_version(expected, V1_2, "CreateList-Response");
    }

    #[test]
    fn delete_list() {
        let p =
            decode_xml(V1_1, "<DeleteList-Request><ContactList>wv:a/l@x</ContactList></DeleteList-Request>").unwrap();
        assert_eq!(p, Primitive::DeleteListRequest(DeleteListRequest::new("wv:a/l@x")));
        round_trip(DeleteListRequest::new("wv:a/l@x"), &Version::ALL);
    }

    #[test]
    fn list_manage_request_changes() {
        let cases = [
            (format!("<AddNickList>{MEMBERS_XML}</AddNickList>"), ListManageRequest::add("wv:a/l@x", members())),
            (
                "<RemoveNickList><UserID>wv:bob@x</UserID><UserID>wv:carol@x</UserID></RemoveNickList>".to_owned(),
                ListManageRequest::remove("wv:a/l@x", ["wv:bob@x", "wv:carol@x"]),
            ),
            (FRIENDS_XML.to_owned(), ListManageRequest::set_properties("wv:a/l@x", friends())),
            (String::new(), ListManageRequest::new("wv:a/l@x")),
        ];
        for (change_xml, expected) in cases {
            let expected = expected.with_receive_list(true);
            let xml = format!(
                "<ListManage-Request><ContactList>wv:a/l@x</ContactList>{change_xml}<ReceiveList>T</ReceiveList></ListManage-Request>"
            );
            assert_eq!(decode_xml(V1_2, &xml).unwrap(), Primitive::ListManageRequest(expected.clone()), "{xml}");
            round_trip(expected.clone(), &[V1_2, V1_3]);
            // 1.1 has no ReceiveList.
            assert_not_in_version(expected.clone(), V1_1, "ReceiveList");
            round_trip(ListManageRequest { receive_list: None, ..expected }, &Version::ALL);
        }
    }

    #[test]
    fn list_manage_request_takes_one_change() {
        let e = decode_xml(
            V1_2,
            &format!("<ListManage-Request><ContactList>wv:a/l@x</ContactList><RemoveNickList><UserID>wv:b@x</UserID></RemoveNickList>{FRIENDS_XML}<ReceiveList>F</ReceiveList></ListManage-Request>"),
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement {
                path: format!("{PATH}/ListManage-Request"),
                found: "ContactListProperties".into()
            }
        );
        let e = decode_xml(V1_2, "<ListManage-Request><ReceiveList>T</ReceiveList></ListManage-Request>").unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/ListManage-Request"), element: "ContactList" });
        let e = decode_xml(
            V1_2,
            "<ListManage-Request><ContactList>wv:a/l@x</ContactList><ReceiveList>Y</ReceiveList></ListManage-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!("{PATH}/ListManage-Request/ReceiveList"),
                value: "Y".into(),
                expected: "T or F"
            }
        );
    }

    #[test]
    fn list_manage_response() {
        let p = decode_xml(
            V1_2,
            &format!("<ListManage-Response><Result><Code>200</Code></Result><NickList>{MEMBERS_XML}</NickList>{FRIENDS_XML}</ListManage-Response>"),
        )
        .unwrap();
        let expected = ListManageResponse::ok(Some(members()), Some(friends()));
        assert_eq!(p, Primitive::ListManageResponse(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(ListManageResponse::ok(None, None), &Version::ALL);
    }

    #[test]
    fn create_attribute_list() {
        let p = decode_xml(
            V1_2,
            "<CreateAttributeList-Request><PresenceSubList><OnlineStatus/><UserAvailability/></PresenceSubList><UserID>wv:bob@x</UserID><ContactList>wv:a/friends@x</ContactList><DefaultList>F</DefaultList></CreateAttributeList-Request>",
        )
        .unwrap();
        let expected = CreateAttributeListRequest {
            presence_sub_list: attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::UserAvailability]),
            user_ids: vec!["wv:bob@x".into()],
            contact_lists: vec!["wv:a/friends@x".into()],
            default_list: false,
            ..Default::default()
        };
        assert_eq!(p, Primitive::CreateAttributeListRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(CreateAttributeListRequest::default_list(attrs(&[PresenceAttr::OnlineStatus])), &Version::ALL);
        let e = decode_xml(V1_2, "<CreateAttributeList-Request><PresenceSubList/></CreateAttributeList-Request>")
            .unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/CreateAttributeList-Request"), element: "DefaultList" }
        );
    }

    #[test]
    fn delete_attribute_list() {
        let p = decode_xml(
            V1_1,
            "<DeleteAttributeList-Request><UserID>wv:bob@x</UserID><ContactList>wv:a/l@x</ContactList><DefaultList>T</DefaultList></DeleteAttributeList-Request>",
        )
        .unwrap();
        let expected = DeleteAttributeListRequest {
            user_ids: vec!["wv:bob@x".into()],
            contact_lists: vec!["wv:a/l@x".into()],
            default_list: true,
        };
        assert_eq!(p, Primitive::DeleteAttributeListRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
    }

    #[test]
    fn get_attribute_list() {
        let p = decode_xml(
            V1_2,
            "<GetAttributeList-Request><DefaultList>T</DefaultList><ContactList>wv:a/l@x</ContactList><User><UserID>wv:bob@x</UserID></User></GetAttributeList-Request>",
        )
        .unwrap();
        let req = GetAttributeListRequest {
            default_list: true,
            contact_lists: vec!["wv:a/l@x".into()],
            users: vec![User::new("wv:bob@x")],
        };
        assert_eq!(p, Primitive::GetAttributeListRequest(req.clone()));
        round_trip(req, &Version::ALL);

        let p = decode_xml(
            V1_2,
            "<GetAttributeList-Response><Result><Code>200</Code></Result><DefaultAttributeList><PresenceSubList><OnlineStatus/></PresenceSubList></DefaultAttributeList><Presence><UserID>wv:bob@x</UserID><PresenceSubList><OnlineStatus/><StatusText/></PresenceSubList></Presence><Presence><ContactList>wv:a/l@x</ContactList><PresenceSubList><Alias/></PresenceSubList></Presence></GetAttributeList-Response>",
        )
        .unwrap();
        let resp = GetAttributeListResponse::ok(
            Some(DefaultAttributeList { presence_sub_lists: vec![attrs(&[PresenceAttr::OnlineStatus])] }),
            vec![
                Presence::user("wv:bob@x", attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::StatusText])),
                Presence::new(PresenceSubject::ContactList("wv:a/l@x".into()), vec![attrs(&[PresenceAttr::Alias])]),
            ],
        );
        assert_eq!(p, Primitive::GetAttributeListResponse(resp.clone()));
        round_trip(resp, &Version::ALL);
    }

    /// The notes (2.4) say attribute lists are 1.1/1.2 only, but the 1.3 token table keeps their
    /// elements (only the service functions `AttListFunc`, `CALI`, `DALI`, `GALS` went), so the
    /// encoder accepts them in 1.3. This pins what the table says.
    #[test]
    fn attribute_lists_per_the_1_3_token_table() {
        for e in [
            Elem::CreateAttributeListRequest,
            Elem::DeleteAttributeListRequest,
            Elem::GetAttributeListRequest,
            Elem::GetAttributeListResponse,
            Elem::DefaultList,
            Elem::DefaultAttributeList,
        ] {
            assert!(e.exists_in(V1_3), "{e:?}");
        }
        for e in [Elem::AttListFunc, Elem::CALI, Elem::DALI, Elem::GALS] {
            assert!(e.exists_in(V1_2) && !e.exists_in(V1_3), "{e:?}");
        }
    }

    // --- 1.3 additions -------------------------------------------------------------------------

    #[test]
    fn get_list_response_reads_the_1_3_wrapper() {
        let p = decode_xml(
            V1_3,
            "<GetList-Response><ContactListIDList><ContactList>wv:a/friends@x</ContactList>\
             <ContactList>wv:a/work@x</ContactList></ContactListIDList>\
             <DefaultContactList>wv:a/friends@x</DefaultContactList></GetList-Response>",
        )
        .unwrap();
        let want =
            GetListResponse::new(vec!["wv:a/friends@x".into(), "wv:a/work@x".into()], Some("wv:a/friends@x".into()));
        assert_eq!(p, Primitive::GetListResponse(want.clone()));
        let xml = String::from_utf8(crate::testutil::message(want.clone().into()).to_xml(V1_3).unwrap()).unwrap();
        assert!(!xml.contains("ContactListIDList"), "flat form expected: {xml}");
        round_trip(want, &Version::ALL);
        let e = decode_xml(V1_3, "<GetList-Response><ContactListIDList/><ContactListIDList/></GetList-Response>")
            .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/GetList-Response"), found: "ContactListIDList".into() }
        );
    }

    #[test]
    fn create_attribute_list_1_3() {
        let p = decode_xml(
            V1_3,
            "<CreateAttributeList-Request><PresenceSubList><OnlineStatus/></PresenceSubList>\
             <UserIDList><UserID>wv:bob@x</UserID></UserIDList><UserID>wv:carol@x</UserID>\
             <ContactListIDList><ContactList>wv:a/friends@x</ContactList></ContactListIDList>\
             <DefaultList>F</DefaultList><DefaultNotify>T</DefaultNotify><UserNotify>F</UserNotify>\
             <ContactListNotify>T</ContactListNotify></CreateAttributeList-Request>",
        )
        .unwrap();
        let want = CreateAttributeListRequest {
            user_ids: vec!["wv:bob@x".into(), "wv:carol@x".into()],
            contact_lists: vec!["wv:a/friends@x".into()],
            default_notify: Some(true),
            user_notify: Some(false),
            contact_list_notify: Some(true),
            ..CreateAttributeListRequest::new(attrs(&[PresenceAttr::OnlineStatus]))
        };
        assert_eq!(p, Primitive::CreateAttributeListRequest(want.clone()));
        round_trip(want, &[V1_3]);
        let base = || CreateAttributeListRequest::default_list(attrs(&[PresenceAttr::OnlineStatus]));
        for v in [V1_1, V1_2] {
            assert_not_in_version(
                CreateAttributeListRequest { default_notify: Some(true), ..base() },
                v,
                "DefaultNotify",
            );
            assert_not_in_version(CreateAttributeListRequest { user_notify: Some(true), ..base() }, v, "UserNotify");
            assert_not_in_version(
                CreateAttributeListRequest { contact_list_notify: Some(true), ..base() },
                v,
                "ContactListNotify",
            );
        }
        let e = decode_xml(
            V1_3,
            "<CreateAttributeList-Request><PresenceSubList/><DefaultList>T</DefaultList><UserNotify>yes</UserNotify></CreateAttributeList-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!("{PATH}/CreateAttributeList-Request/UserNotify"),
                value: "yes".into(),
                expected: "T or F"
            }
        );
        let e =
            decode_xml(V1_3, "<CreateAttributeList-Request><DefaultList>T</DefaultList></CreateAttributeList-Request>")
                .unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/CreateAttributeList-Request"), element: "PresenceSubList" }
        );
    }

    #[test]
    fn delete_and_get_attribute_list_read_1_3_wrappers() {
        let p = decode_xml(
            V1_3,
            "<DeleteAttributeList-Request><UserIDList><UserID>wv:bob@x</UserID></UserIDList>\
             <ContactListIDList><ContactList>wv:a/l@x</ContactList></ContactListIDList><DefaultList>F</DefaultList>\
             </DeleteAttributeList-Request>",
        )
        .unwrap();
        let want = DeleteAttributeListRequest {
            user_ids: vec!["wv:bob@x".into()],
            contact_lists: vec!["wv:a/l@x".into()],
            default_list: false,
        };
        assert_eq!(p, Primitive::DeleteAttributeListRequest(want.clone()));
        round_trip(want, &Version::ALL);
        let e =
            decode_xml(V1_3, "<DeleteAttributeList-Request><UserIDList/></DeleteAttributeList-Request>").unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/DeleteAttributeList-Request"), element: "DefaultList" }
        );

        let p = decode_xml(
            V1_3,
            "<GetAttributeList-Request><DefaultList>T</DefaultList>\
             <ContactListIDList><ContactList>wv:a/l@x</ContactList></ContactListIDList>\
             <UserIDList><UserID>wv:bob@x</UserID></UserIDList></GetAttributeList-Request>",
        )
        .unwrap();
        let want = GetAttributeListRequest {
            default_list: true,
            contact_lists: vec!["wv:a/l@x".into()],
            users: vec![User::new("wv:bob@x")],
        };
        assert_eq!(p, Primitive::GetAttributeListRequest(want.clone()));
        round_trip(want, &Version::ALL);
    }

    #[test]
    fn list_manage_authorize_and_grant() {
        let p = decode_xml(
            V1_3,
            "<ListManage-Request><ContactList>wv:a/friends@x</ContactList><AddNickList><UserID>wv:bob@x</UserID></AddNickList>\
             <ReceiveList>F</ReceiveList><AuthorizeAndGrant>T</AuthorizeAndGrant></ListManage-Request>",
        )
        .unwrap();
        let want = ListManageRequest::add("wv:a/friends@x", NickList::new(vec![NickEntry::user("wv:bob@x")]))
            .with_receive_list(false)
            .with_authorize_and_grant(true);
        assert_eq!(p, Primitive::ListManageRequest(want.clone()));
        round_trip(want.clone(), &[V1_3]);
        assert_not_in_version(want.clone(), V1_2, "AuthorizeAndGrant");
        let e = decode_xml(
            V1_3,
            "<ListManage-Request><ContactList>l</ContactList><AuthorizeAndGrant>T</AuthorizeAndGrant>\
             <AuthorizeAndGrant>F</AuthorizeAndGrant></ListManage-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/ListManage-Request"), found: "AuthorizeAndGrant".into() }
        );
    }
}
