//! Presence delivery and reactive authorisation primitives (spec notes 2.3, 4, 4.1; seed 3.3-3.4).
//!
//! Requests name presence attributes with an [`AttrSet`] (a `PresenceSubList` of empty
//! elements); updates and notifications carry values in a [`PresenceSubList`].
//!
//! Version notes (token tables, spec notes 2.3 and 9): `AutoSubscribe`, `HistoryPeriod`,
//! `MaxWatcherList`, `Watcher` and `GetReactiveAuthStatus-*` are new in 1.2; `CancelAuth-Request`,
//! `PresenceAuth-Request`, `PresenceAuth-User` and `GetReactiveAuthStatus-*` are absent from the
//! 1.3 table, so encoding them for 1.3 fails with [`Error::NotInVersion`].

use crate::codec::{
    csp_enum, csp_open_enum, csp_struct, encode_element, encode_field, Child, Codec, Field, Sink, Source,
};
use crate::elements::{CspResult, User};
use crate::ids::{ContactListId, UserId};
use crate::presence::{AttrSet, PresenceSubList};
use crate::primitive::v13::{ContactListIdList, UserIdList};
use crate::schema::Elem;
use crate::{Error, ResultCode, Version};

/// The 1.3 list wrappers `UserIDList (UserID*)` and `ContactListIDList (ContactList*)`, which 1.3
/// puts where 1.1/1.2 list `User*`/`UserID*` and `ContactList*` (spec notes appendix A: Baraza's
/// union model lists both forms in `SubscribePresence-Request`, `UnsubscribePresence-Request`,
/// `GetPresence-Request`, the attribute-list requests and `GetList-Response`). Decoding reads a
/// wrapper into the same field as the flat form (each wrapper at most once per primitive);
/// encoding keeps the flat form in every version, because the record does not say that 1.3
/// requires the wrappers (inferred).
#[derive(Default)]
pub(crate) struct Wrappers {
    user_id_list: bool,
    contact_list_id_list: bool,
}

impl Wrappers {
    /// The user ids of a `UserIDList` just started.
    pub(crate) fn user_ids<'a, S: Source<'a>>(&mut self, src: &mut S) -> Result<Vec<UserId>, Error> {
        if std::mem::replace(&mut self.user_id_list, true) {
            return Err(src.unexpected(&Child::Known(Elem::UserIDList)));
        }
        Ok(UserIdList::decode(src, Elem::UserIDList)?.user_ids)
    }

    /// The user ids of a `UserIDList` just started, as `User`s without client.
    pub(crate) fn users<'a, S: Source<'a>>(&mut self, src: &mut S) -> Result<Vec<User>, Error> {
        Ok(users_of(self.user_ids(src)?))
    }

    /// The contact lists of a `ContactListIDList` just started.
    pub(crate) fn contact_lists<'a, S: Source<'a>>(&mut self, src: &mut S) -> Result<Vec<ContactListId>, Error> {
        if std::mem::replace(&mut self.contact_list_id_list, true) {
            return Err(src.unexpected(&Child::Known(Elem::ContactListIDList)));
        }
        Ok(ContactListIdList::decode(src, Elem::ContactListIDList)?.contact_lists)
    }
}

/// `User` elements (without `ClientID`) for user ids.
fn users_of<I: IntoIterator>(ids: I) -> Vec<User>
where
    I::Item: Into<UserId>,
{
    ids.into_iter().map(User::new).collect()
}

/// `SubscribePresence-Request (User*, ContactList*, PresenceSubList?, AutoSubscribe)`:
/// subscribe to the presence of users and of the members of contact lists (spec notes 2.3;
/// seed 3.4.1). Without `PresenceSubList` every authorised attribute is asked for. Decoding also
/// reads 1.3's `UserIDList` and `ContactListIDList` wrappers into `users` and `contact_lists`
/// (encoding writes the flat form: the record does not say 1.3 requires the wrappers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct SubscribePresenceRequest {
    /// Users to subscribe to.
    pub users: Vec<User>,
    /// Contact lists whose members to subscribe to.
    pub contact_lists: Vec<ContactListId>,
    /// The attributes wanted (names only).
    pub presence_sub_list: Option<AttrSet>,
    /// `AutoSubscribe` (T/F): automatic subscription (status 760 when the server does not
    /// support it; the exact semantics are not in the public record). 1.2 only, and
    /// mandatory there; absent in 1.1 and removed in 1.3 (spec notes 2.3, 4.1). Decoding also
    /// accepts libwbxml's 1.2 spelling `Auto-Subscribe`.
    pub auto_subscribe: Option<bool>,
}

impl Codec for SubscribePresenceRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut out = SubscribePresenceRequest::default();
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::User) => out.users.push(User::decode(src, Elem::User)?),
                Child::Known(Elem::UserIDList) => out.users.extend(wrappers.users(src)?),
                Child::Known(Elem::ContactList) => {
                    out.contact_lists.push(ContactListId::decode(src, Elem::ContactList)?)
                }
                Child::Known(Elem::ContactListIDList) => out.contact_lists.extend(wrappers.contact_lists(src)?),
                Child::Known(Elem::PresenceSubList) => {
                    <Option<AttrSet>>::accept(&mut out.presence_sub_list, src, Elem::PresenceSubList)?
                }
                Child::Known(Elem::AutoSubscribe) => {
                    <Option<bool>>::accept(&mut out.auto_subscribe, src, Elem::AutoSubscribe)?
                }
                other => return Err(src.unexpected(&other)),
            }
        }
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        Field::encode(&self.users, w, Elem::User)?;
        Field::encode(&self.contact_lists, w, Elem::ContactList)?;
        Field::encode(&self.presence_sub_list, w, Elem::PresenceSubList)?;
        encode_field(w, &self.auto_subscribe, Elem::AutoSubscribe, &[Version::V1_2])
    }
}

impl SubscribePresenceRequest {
    /// Subscribes to users (all authorised attributes).
    pub fn users<I: IntoIterator>(ids: I) -> Self
    where
        I::Item: Into<UserId>,
    {
        SubscribePresenceRequest { users: users_of(ids), ..Default::default() }
    }

    /// Subscribes to the members of contact lists (all authorised attributes).
    pub fn contact_lists<I: IntoIterator>(lists: I) -> Self
    where
        I::Item: Into<ContactListId>,
    {
        SubscribePresenceRequest { contact_lists: lists.into_iter().map(Into::into).collect(), ..Default::default() }
    }

    /// Asks for these attributes only.
    pub fn with_attributes(mut self, attributes: AttrSet) -> Self {
        self.presence_sub_list = Some(attributes);
        self
    }

    /// Sets `AutoSubscribe` (mandatory in 1.2, refused by 1.1 and 1.3 encoders).
    pub fn with_auto_subscribe(mut self, auto: bool) -> Self {
        self.auto_subscribe = Some(auto);
        self
    }
}

/// `UnsubscribePresence-Request (User*, ContactList*)` (spec notes 2.3; seed 3.4.1). Decoding
/// also reads 1.3's `UserIDList` and `ContactListIDList` wrappers into `users` and
/// `contact_lists` (encoding writes the flat form).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct UnsubscribePresenceRequest {
    /// Users to unsubscribe from.
    pub users: Vec<User>,
    /// Contact lists whose members to unsubscribe from.
    pub contact_lists: Vec<ContactListId>,
}

impl Codec for UnsubscribePresenceRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut out = UnsubscribePresenceRequest::default();
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::User) => out.users.push(User::decode(src, Elem::User)?),
                Child::Known(Elem::UserIDList) => out.users.extend(wrappers.users(src)?),
                Child::Known(Elem::ContactList) => {
                    out.contact_lists.push(ContactListId::decode(src, Elem::ContactList)?)
                }
                Child::Known(Elem::ContactListIDList) => out.contact_lists.extend(wrappers.contact_lists(src)?),
                other => return Err(src.unexpected(&other)),
            }
        }
        Ok(out)
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        Field::encode(&self.users, w, Elem::User)?;
        Field::encode(&self.contact_lists, w, Elem::ContactList)
    }
}

impl UnsubscribePresenceRequest {
    /// Unsubscribes from users.
    pub fn users<I: IntoIterator>(ids: I) -> Self
    where
        I::Item: Into<UserId>,
    {
        UnsubscribePresenceRequest { users: users_of(ids), contact_lists: Vec::new() }
    }

    /// Unsubscribes from the members of contact lists.
    pub fn contact_lists<I: IntoIterator>(lists: I) -> Self
    where
        I::Item: Into<ContactListId>,
    {
        UnsubscribePresenceRequest { users: Vec::new(), contact_lists: lists.into_iter().map(Into::into).collect() }
    }
}

/// Whose presence a [`Presence`] carries: the choice `(UserID | ContactList)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum PresenceSubject {
    /// A user.
    UserId(UserId),
    /// A contact list (in attribute-list responses: the list's attribute list).
    ContactList(ContactListId),
}

impl Default for PresenceSubject {
    fn default() -> Self {
        PresenceSubject::UserId(UserId::default())
    }
}

impl PresenceSubject {
    /// The user, when the subject is a user.
    pub fn user_id(&self) -> Option<&UserId> {
        match self {
            PresenceSubject::UserId(u) => Some(u),
            PresenceSubject::ContactList(_) => None,
        }
    }
}

/// `Presence ((UserID | ContactList), PresenceSubList*)` (spec notes 2.3).
///
/// With values (`L` = [`PresenceSubList`], the default) in `GetPresence-Response` and
/// `PresenceNotification-Request`: a user with several clients has one `PresenceSubList` per
/// client (client status attributes differ per client), and all are kept in order. With names
/// (`L` = [`AttrSet`], see [`AttributeListPresence`]) in `GetAttributeList-Response`, where it
/// tells which attributes a user or contact list is authorised to see (spec notes 2.4, 4.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct Presence<L = PresenceSubList> {
    /// Whose presence.
    pub subject: PresenceSubject,
    /// The attribute sub-lists, in the order they came.
    pub sub_lists: Vec<L>,
}

/// A `Presence` of attribute names, as `GetAttributeList-Response` carries it.
pub type AttributeListPresence = Presence<AttrSet>;

impl<L> Presence<L> {
    /// A user's presence with one sub-list.
    pub fn user(user_id: impl Into<UserId>, sub_list: L) -> Self {
        Presence { subject: PresenceSubject::UserId(user_id.into()), sub_lists: vec![sub_list] }
    }

    /// A contact list's entry with one sub-list.
    pub fn contact_list(list: impl Into<ContactListId>, sub_list: L) -> Self {
        Presence { subject: PresenceSubject::ContactList(list.into()), sub_lists: vec![sub_list] }
    }

    /// A presence with any number of sub-lists.
    pub fn new(subject: PresenceSubject, sub_lists: Vec<L>) -> Self {
        Presence { subject, sub_lists }
    }
}

impl<L: Codec> Codec for Presence<L> {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut subject = None;
        let mut sub_lists = Vec::new();
        while let Some(child) = src.next_child()? {
            match child {
                Child::Known(Elem::UserID) if subject.is_none() => {
                    subject = Some(PresenceSubject::UserId(UserId::decode(src, Elem::UserID)?));
                }
                Child::Known(Elem::ContactList) if subject.is_none() => {
                    subject = Some(PresenceSubject::ContactList(ContactListId::decode(src, Elem::ContactList)?));
                }
                Child::Known(Elem::PresenceSubList) => sub_lists.push(L::decode(src, Elem::PresenceSubList)?),
                other => return Err(src.unexpected(&other)),
            }
        }
        let subject =
            subject.ok_or_else(|| Error::MissingElement { path: src.path(), element: "UserID | ContactList" })?;
        Ok(Presence { subject, sub_lists })
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        match &self.subject {
            PresenceSubject::UserId(u) => encode_element(w, Elem::UserID, u)?,
            PresenceSubject::ContactList(c) => encode_element(w, Elem::ContactList, c)?,
        }
        self.sub_lists.encode(w, Elem::PresenceSubList)
    }
}

csp_struct! {
    /// `PresenceNotification-Request (Presence+)` (server to client; answered with `Status`):
    /// pushes subscribed presence (spec notes 2.3; seed 3.4.1). At least one `Presence`.
    pub struct PresenceNotificationRequest {
        /// The changed presence, at least one.
        pub presences: Vec<Presence> = Presence,
    }
}

impl PresenceNotificationRequest {
    /// A notification of one user's presence (one client's sub-list).
    pub fn new(user_id: impl Into<UserId>, sub_list: PresenceSubList) -> Self {
        PresenceNotificationRequest { presences: vec![Presence::user(user_id, sub_list)] }
    }

    /// A notification of several presences.
    pub fn from_presences(presences: Vec<Presence>) -> Self {
        PresenceNotificationRequest { presences }
    }
}

/// Whose presence `GetPresence-Request` asks for: the choice `(User+ | ContactList+)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum PresenceTargets {
    /// Users, at least one.
    Users(Vec<User>),
    /// Contact lists (their members), at least one.
    ContactLists(Vec<ContactListId>),
}

impl Default for PresenceTargets {
    fn default() -> Self {
        PresenceTargets::Users(Vec::new())
    }
}

/// `GetPresence-Request ((User+ | ContactList+), PresenceSubList?)`: one-shot presence fetch
/// (spec notes 2.3; seed 3.4.2). Users and contact lists cannot be mixed in one request: decoding
/// refuses the second kind with [`Error::UnexpectedElement`], and a request naming neither with
/// [`Error::MissingElement`]. Without `PresenceSubList` every authorised attribute is asked for.
/// Decoding also reads 1.3's `UserIDList` / `ContactListIDList` wrappers (Baraza's union model
/// has `(UserIDList | ContactListIDList | User* | ContactList*)` here) as users / contact lists;
/// encoding writes the flat form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
#[non_exhaustive]
pub struct GetPresenceRequest {
    /// The users or the contact lists.
    pub targets: PresenceTargets,
    /// The attributes wanted (names only).
    pub presence_sub_list: Option<AttrSet>,
}

impl GetPresenceRequest {
    /// Asks for users' presence (all authorised attributes).
    pub fn users<I: IntoIterator>(ids: I) -> Self
    where
        I::Item: Into<UserId>,
    {
        GetPresenceRequest { targets: PresenceTargets::Users(users_of(ids)), presence_sub_list: None }
    }

    /// Asks for the presence of contact lists' members (all authorised attributes).
    pub fn contact_lists<I: IntoIterator>(lists: I) -> Self
    where
        I::Item: Into<ContactListId>,
    {
        let lists = lists.into_iter().map(Into::into).collect();
        GetPresenceRequest { targets: PresenceTargets::ContactLists(lists), presence_sub_list: None }
    }

    /// Asks for these attributes only.
    pub fn with_attributes(mut self, attributes: AttrSet) -> Self {
        self.presence_sub_list = Some(attributes);
        self
    }
}

impl Codec for GetPresenceRequest {
    fn decode<'a, S: Source<'a>>(src: &mut S, _: Elem) -> Result<Self, Error> {
        let mut targets: Option<PresenceTargets> = None;
        let mut presence_sub_list = None;
        let mut wrappers = Wrappers::default();
        while let Some(child) = src.next_child()? {
            match (&child, &mut targets) {
                (Child::Known(Elem::UserIDList), None) => targets = Some(PresenceTargets::Users(wrappers.users(src)?)),
                (Child::Known(Elem::UserIDList), Some(PresenceTargets::Users(v))) => v.extend(wrappers.users(src)?),
                (Child::Known(Elem::ContactListIDList), None) => {
                    targets = Some(PresenceTargets::ContactLists(wrappers.contact_lists(src)?))
                }
                (Child::Known(Elem::ContactListIDList), Some(PresenceTargets::ContactLists(v))) => {
                    v.extend(wrappers.contact_lists(src)?)
                }
                (Child::Known(Elem::User), None) => {
                    targets = Some(PresenceTargets::Users(vec![User::decode(src, Elem::User)?]))
                }
                (Child::Known(Elem::User), Some(PresenceTargets::Users(v))) => v.push(User::decode(src, Elem::User)?),
                (Child::Known(Elem::ContactList), None) => {
                    targets = Some(PresenceTargets::ContactLists(vec![ContactListId::decode(src, Elem::ContactList)?]));
                }
                (Child::Known(Elem::ContactList), Some(PresenceTargets::ContactLists(v))) => {
                    v.push(ContactListId::decode(src, Elem::ContactList)?);
                }
                (Child::Known(Elem::PresenceSubList), _) => {
                    <Option<AttrSet> as Field>::accept(&mut presence_sub_list, src, Elem::PresenceSubList)?;
                }
                _ => return Err(src.unexpected(&child)),
            }
        }
        // No target at all, or only empty 1.3 wrappers: `User+ | ContactList+` is missing.
        let targets = targets
            .filter(|t| !matches!(t, PresenceTargets::Users(v) if v.is_empty()))
            .filter(|t| !matches!(t, PresenceTargets::ContactLists(v) if v.is_empty()))
            .ok_or_else(|| Error::MissingElement { path: src.path(), element: "User | ContactList" })?;
        Ok(GetPresenceRequest { targets, presence_sub_list })
    }

    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        if matches!(&self.targets, PresenceTargets::Users(u) if u.is_empty())
            || matches!(&self.targets, PresenceTargets::ContactLists(c) if c.is_empty())
        {
            // `User+ | ContactList+`: an empty list would not decode.
            return Err(Error::Unencodable { element: "GetPresence-Request", reason: "no User or ContactList" });
        }
        match &self.targets {
            PresenceTargets::Users(u) => u.encode(w, Elem::User)?,
            PresenceTargets::ContactLists(c) => c.encode(w, Elem::ContactList)?,
        }
        encode_field(w, &self.presence_sub_list, Elem::PresenceSubList, &Version::ALL)
    }
}

csp_struct! {
    /// `GetPresence-Response (Result, Presence*)` (spec notes 2.3).
    pub struct GetPresenceResponse {
        /// The outcome (201 with `DetailedResult`s when some users failed).
        pub result: CspResult = Result,
        /// The presence fetched.
        pub presences: Vec<Presence> = Presence,
    }
}

impl GetPresenceResponse {
    /// A successful answer (code 200).
    pub fn ok(presences: Vec<Presence>) -> Self {
        GetPresenceResponse { result: CspResult::new(ResultCode::SUCCESSFUL), presences }
    }

    /// An answer with any result.
    pub fn new(result: CspResult, presences: Vec<Presence>) -> Self {
        GetPresenceResponse { result, presences }
    }
}

csp_struct! {
    /// `UpdatePresence-Request (PresenceSubList)`: publish own attribute values (answered with
    /// `Status`; spec notes 2.3; seed 3.4.3).
    pub struct UpdatePresenceRequest {
        /// The attributes with their new values (boxed: a full `PresenceSubList` is large, and
        /// [`Primitive`](crate::Primitive) stays small).
        pub presence_sub_list: Box<PresenceSubList> = PresenceSubList,
    }
}

impl UpdatePresenceRequest {
    /// Publishes these values.
    pub fn new(presence_sub_list: PresenceSubList) -> Self {
        UpdatePresenceRequest { presence_sub_list: Box::new(presence_sub_list) }
    }
}

csp_struct! {
    /// `PresenceAuth-Request (UserID, PresenceSubList?)` (server to client): a watcher asks for
    /// the recipient's attributes (reactive authorisation; spec notes 4.1; seed 3.3.3). Without
    /// `PresenceSubList` the watcher asks for all attributes. 1.1 and 1.2 only.
    pub struct PresenceAuthRequest {
        /// The would-be watcher.
        pub user_id: UserId = UserID,
        /// The attributes asked for (names only).
        pub presence_sub_list: Option<AttrSet> = PresenceSubList,
    }
}

impl PresenceAuthRequest {
    /// A request from `user_id`, for `attributes` (`None`: all).
    pub fn new(user_id: impl Into<UserId>, attributes: Option<AttrSet>) -> Self {
        PresenceAuthRequest { user_id: user_id.into(), presence_sub_list: attributes }
    }
}

csp_struct! {
    /// `PresenceAuth-User (UserID, Acceptance, PresenceSubList?)`: the publisher's answer to
    /// `PresenceAuth-Request` (spec notes 4.1). 1.1 has no `PresenceSubList`; 1.1 and 1.2 only.
    pub struct PresenceAuthUser {
        /// The watcher answered.
        pub user_id: UserId = UserID,
        /// Granted (T) or denied (F).
        pub acceptance: bool = Acceptance,
        /// The attributes granted (names only; 1.2+).
        pub presence_sub_list: Option<AttrSet> = PresenceSubList [V1_2, V1_3],
    }
}

impl PresenceAuthUser {
    /// Grants `user_id` the attributes it asked for.
    pub fn accept(user_id: impl Into<UserId>) -> Self {
        PresenceAuthUser { user_id: user_id.into(), acceptance: true, presence_sub_list: None }
    }

    /// Denies `user_id`.
    pub fn deny(user_id: impl Into<UserId>) -> Self {
        PresenceAuthUser { user_id: user_id.into(), acceptance: false, presence_sub_list: None }
    }

    /// Names the attributes granted (1.2).
    pub fn with_attributes(mut self, attributes: AttrSet) -> Self {
        self.presence_sub_list = Some(attributes);
        self
    }
}

csp_struct! {
    /// `CancelAuth-Request (UserID)`: withdraws a reactive authorisation (answered with `Status`;
    /// spec notes 4.1; seed 3.3.5). 1.1 and 1.2 only.
    pub struct CancelAuthRequest {
        /// The watcher whose authorisation is withdrawn.
        pub user_id: UserId = UserID,
    }
}

impl CancelAuthRequest {
    /// Withdraws `user_id`'s authorisation.
    pub fn new(user_id: impl Into<UserId>) -> Self {
        CancelAuthRequest { user_id: user_id.into() }
    }
}

csp_struct! {
    /// `GetWatcherList-Request (HistoryPeriod?, MaxWatcherList?)` (spec notes 2.3; seed 3.3.7);
    /// EMPTY in 1.1.
    pub struct GetWatcherListRequest {
        /// How far back former watchers are wanted (integer; 1.2+).
        pub history_period: Option<u32> = HistoryPeriod [V1_2, V1_3],
        /// At most this many watchers (integer; 1.2+).
        pub max_watcher_list: Option<u32> = MaxWatcherList [V1_2, V1_3],
    }
}

csp_open_enum! {
    /// `WatcherStatus` values. The normative list is not public; the known values are the three
    /// watcher-related strings of the 1.3 `EXT_T_0` value table (an inference: the table does not
    /// say which element uses them). Other values are kept as they come.
    pub enum WatcherStatus {
        "`CURRENT_SUBSCRIBER` (presumably: subscribed now)." CurrentSubscriber = "CURRENT_SUBSCRIBER",
        "`FORMER_SUBSCRIBER` (presumably: subscribed within the history period)." FormerSubscriber = "FORMER_SUBSCRIBER",
        "`PRESENCE_ACCESS` (presumably: fetched presence without subscribing)." PresenceAccess = "PRESENCE_ACCESS",
    }
}

csp_struct! {
    /// `Watcher (User, WatcherStatus?)` (1.2+). 1.3 adds `UserID?` before `User` and
    /// `FriendlyName?` after it (1.3; inferred from the Baraza union model `(UserID, User,
    /// FriendlyName, WatcherStatus)`, spec notes appendix A; `User` stays mandatory).
    pub struct Watcher {
        /// The watcher's id. 1.3; inferred from the Baraza union model.
        pub user_id: Option<UserId> = UserID [V1_3],
        /// The watcher.
        pub user: User = User,
        /// The watcher's display name. 1.3; inferred from the Baraza union model.
        pub friendly_name: Option<String> = FriendlyName [V1_3],
        /// Its status.
        pub watcher_status: Option<WatcherStatus> = WatcherStatus,
    }
}

impl Watcher {
    /// A watcher without status.
    pub fn new(user_id: impl Into<UserId>) -> Self {
        Watcher { user: User::new(user_id), ..Default::default() }
    }
}

csp_struct! {
    /// `GetWatcherList-Response (HistoryPeriod?, Watcher*)` (1.2; spec notes 2.3).
    ///
    /// Inferred (not in the notes' content models): the 1.1 response model is not public and 1.1
    /// has no `Watcher` token; the Baraza union model lists a trailing `User*`, taken here as the
    /// 1.1 form (`users`, 1.1 only). It also lists `WatcherCount`, a 1.3-only token, taken as an
    /// optional 1.3 field.
    pub struct GetWatcherListResponse {
        /// The history period applied (integer; 1.2+).
        pub history_period: Option<u32> = HistoryPeriod [V1_2, V1_3],
        /// Number of watchers (integer; 1.3, inferred).
        pub watcher_count: Option<u32> = WatcherCount [V1_3],
        /// The watchers (1.2+).
        pub watchers: Vec<Watcher> = Watcher [V1_2, V1_3],
        /// The watchers, 1.1 form (inferred).
        pub users: Vec<User> = User [V1_1],
    }
}

impl GetWatcherListResponse {
    /// A 1.2/1.3 answer listing `watchers`.
    pub fn new(watchers: Vec<Watcher>) -> Self {
        GetWatcherListResponse { watchers, ..Default::default() }
    }
}

csp_struct! {
    /// `GetReactiveAuthStatus-Request (UserID*)`: the state of reactive authorisations, for
    /// these users or (none listed) for all (1.2 only; spec notes 2.3, 4.1).
    pub struct GetReactiveAuthStatusRequest {
        /// The watchers asked about.
        pub user_ids: Vec<UserId> = UserID,
    }
}

csp_enum! {
    /// `ReactiveAuthState` values (1.2).
    pub enum ReactiveAuthState {
        "`GRANTED`" Granted = "GRANTED",
        "`DENIED`" Denied = "DENIED",
        "`PENDING`: not answered yet." Pending = "PENDING",
    }
}

csp_struct! {
    /// `ReactiveAuthStatus (UserID, ReactiveAuthState, PresenceSubList?)` (1.2).
    pub struct ReactiveAuthStatus {
        /// The watcher.
        pub user_id: UserId = UserID,
        /// The state of its authorisation.
        pub state: ReactiveAuthState = ReactiveAuthState,
        /// The attributes concerned (names only).
        pub presence_sub_list: Option<AttrSet> = PresenceSubList,
    }
}

impl ReactiveAuthStatus {
    /// A status without attribute list.
    pub fn new(user_id: impl Into<UserId>, state: ReactiveAuthState) -> Self {
        ReactiveAuthStatus { user_id: user_id.into(), state, presence_sub_list: None }
    }
}

csp_struct! {
    /// `ReactiveAuthStatusList (ReactiveAuthStatus*)` (1.2).
    pub struct ReactiveAuthStatusList {
        /// The statuses.
        pub statuses: Vec<ReactiveAuthStatus> = ReactiveAuthStatus,
    }
}

csp_struct! {
    /// `GetReactiveAuthStatus-Response (ReactiveAuthStatusList)` (1.2 only; spec notes 2.3).
    pub struct GetReactiveAuthStatusResponse {
        /// The statuses.
        pub list: ReactiveAuthStatusList = ReactiveAuthStatusList,
    }
}

impl GetReactiveAuthStatusResponse {
    /// An answer listing `statuses`.
    pub fn new(statuses: Vec<ReactiveAuthStatus>) -> Self {
        GetReactiveAuthStatusResponse { list: ReactiveAuthStatusList { statuses } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::ClientId;
    use crate::presence::{Availability, FlagAttr, PresenceAttr, TextAttr, UserAvailability};
    use crate::testutil::{assert_not_in_version, decode_xml, round_trip};
    use crate::Primitive;
    use Version::{V1_1, V1_2, V1_3};

    /// Error paths are where the decoder stands when it notices: a missing child is reported after
    /// its parent ended (so at the grandparent), an unexpected child at the child itself, a bad
    /// value after the leaf ended (at its parent).
    const PATH: &str = "/WV-CSP-Message/Session/Transaction/TransactionContent";

    fn attrs(list: &[PresenceAttr]) -> AttrSet {
        list.iter().copied().collect()
    }

    /// Two clients' worth of values: a phone online and available, a desktop offline.
    fn phone() -> PresenceSubList {
        PresenceSubList {
            online_status: Some(FlagAttr { qualifier: Some(true), value: Some(true) }),
            user_availability: Some(UserAvailability { qualifier: Some(true), value: Some(Availability::Available) }),
            status_text: Some(TextAttr { qualifier: Some(true), value: Some("at lunch".into()) }),
            ..Default::default()
        }
    }

    const PHONE_XML: &str = "<PresenceSubList><OnlineStatus><Qualifier>T</Qualifier><PresenceValue>T</PresenceValue></OnlineStatus><UserAvailability><Qualifier>T</Qualifier><PresenceValue>AVAILABLE</PresenceValue></UserAvailability><StatusText><Qualifier>T</Qualifier><PresenceValue>at lunch</PresenceValue></StatusText></PresenceSubList>";

    fn desktop() -> PresenceSubList {
        PresenceSubList {
            online_status: Some(FlagAttr { qualifier: Some(true), value: Some(false) }),
            ..Default::default()
        }
    }

    const DESKTOP_XML: &str =
        "<PresenceSubList><OnlineStatus><Qualifier>T</Qualifier><PresenceValue>F</PresenceValue></OnlineStatus></PresenceSubList>";

    #[test]
    fn subscribe_presence_decodes() {
        let p = decode_xml(
            V1_2,
            "<SubscribePresence-Request><User><UserID>wv:bob@x</UserID><ClientID><URL>http://c/1</URL></ClientID></User><User><UserID>wv:carol@x</UserID></User><ContactList>wv:alice/friends@x</ContactList><PresenceSubList xmlns=\"http://www.openmobilealliance.org/DTD/WV-PA1.2\"><OnlineStatus/><StatusText/></PresenceSubList><AutoSubscribe>T</AutoSubscribe></SubscribePresence-Request>",
        )
        .unwrap();
        let expected = SubscribePresenceRequest {
            users: vec![
                User { client_id: Some(ClientId::url("http://c/1")), ..User::new("wv:bob@x") },
                User::new("wv:carol@x"),
            ],
            contact_lists: vec!["wv:alice/friends@x".into()],
            presence_sub_list: Some(attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::StatusText])),
            auto_subscribe: Some(true),
        };
        assert_eq!(p, Primitive::SubscribePresenceRequest(expected));
    }

    #[test]
    fn subscribe_presence_accepts_libwbxml_spelling() {
        let p = decode_xml(V1_2, "<SubscribePresence-Request><ContactList>wv:a/l@x</ContactList><Auto-Subscribe>F</Auto-Subscribe></SubscribePresence-Request>").unwrap();
        let expected = SubscribePresenceRequest::contact_lists(["wv:a/l@x"]).with_auto_subscribe(false);
        assert_eq!(p, Primitive::SubscribePresenceRequest(expected));
    }

    #[test]
    fn subscribe_presence_versions() {
        let base =
            SubscribePresenceRequest::users(["wv:bob@x"]).with_attributes(attrs(&[PresenceAttr::UserAvailability]));
        round_trip(base.clone(), &[V1_1, V1_2, V1_3]);
        let auto = base.with_auto_subscribe(true);
        round_trip(auto.clone(), &[V1_2]);
        // 1.1 has no AutoSubscribe; 1.3 removed it (spec notes 2.3, 9).
        assert_not_in_version(auto.clone(), V1_1, "AutoSubscribe");
        assert_not_in_version(auto, V1_3, "AutoSubscribe");
    }

    #[test]
    fn unsubscribe_presence() {
        let p = decode_xml(
            V1_1,
            "<UnsubscribePresence-Request><User><UserID>wv:bob@x</UserID></User><ContactList>wv:a/l@x</ContactList></UnsubscribePresence-Request>",
        )
        .unwrap();
        let expected =
            UnsubscribePresenceRequest { users: vec![User::new("wv:bob@x")], contact_lists: vec!["wv:a/l@x".into()] };
        assert_eq!(p, Primitive::UnsubscribePresenceRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(UnsubscribePresenceRequest::contact_lists(["wv:a/l@x"]), &Version::ALL);
    }

    #[test]
    fn presence_notification_keeps_every_client_sub_list() {
        let p = decode_xml(
            V1_2,
            &format!(
                "<PresenceNotification-Request><Presence><UserID>wv:bob@x</UserID>{PHONE_XML}{DESKTOP_XML}</Presence><Presence><UserID>wv:carol@x</UserID>{DESKTOP_XML}</Presence></PresenceNotification-Request>"
            ),
        )
        .unwrap();
        let expected = PresenceNotificationRequest::from_presences(vec![
            Presence::new(PresenceSubject::UserId("wv:bob@x".into()), vec![phone(), desktop()]),
            Presence::user("wv:carol@x", desktop()),
        ]);
        assert_eq!(p, Primitive::PresenceNotificationRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
        round_trip(PresenceNotificationRequest::new("wv:bob@x", phone()), &Version::ALL);
    }

    #[test]
    fn presence_subject_is_a_choice() {
        let e = decode_xml(
            V1_2,
            "<PresenceNotification-Request><Presence><UserID>wv:bob@x</UserID><ContactList>wv:a/l@x</ContactList></Presence></PresenceNotification-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/PresenceNotification-Request/Presence"
                    .into(),
                found: "ContactList".into()
            }
        );
        let e = decode_xml(
            V1_2,
            &format!("<PresenceNotification-Request><Presence>{DESKTOP_XML}</Presence></PresenceNotification-Request>"),
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/PresenceNotification-Request/Presence"
                    .into(),
                element: "UserID | ContactList"
            }
        );
    }

    #[test]
    fn get_presence_request() {
        let p = decode_xml(
            V1_2,
            "<GetPresence-Request><User><UserID>wv:bob@x</UserID></User><User><UserID>wv:carol@x</UserID></User><PresenceSubList><OnlineStatus/><X-Mood-Ring/></PresenceSubList></GetPresence-Request>",
        )
        .unwrap();
        let mut wanted = attrs(&[PresenceAttr::OnlineStatus]);
        wanted.insert_name("X-Mood-Ring");
        let expected = GetPresenceRequest::users(["wv:bob@x", "wv:carol@x"]).with_attributes(wanted);
        assert_eq!(p, Primitive::GetPresenceRequest(expected.clone()));
        round_trip(expected, &Version::ALL);

        let p = decode_xml(V1_1, "<GetPresence-Request><ContactList>wv:a/l@x</ContactList><ContactList>wv:a/m@x</ContactList></GetPresence-Request>")
            .unwrap();
        let expected = GetPresenceRequest::contact_lists(["wv:a/l@x", "wv:a/m@x"]);
        assert_eq!(p, Primitive::GetPresenceRequest(expected.clone()));
        round_trip(expected, &Version::ALL);
    }

    #[test]
    fn get_presence_request_refuses_mixed_or_no_targets() {
        let e = decode_xml(
            V1_2,
            "<GetPresence-Request><User><UserID>wv:bob@x</UserID></User><ContactList>wv:a/l@x</ContactList></GetPresence-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/GetPresence-Request"), found: "ContactList".into() }
        );
        let e =
            decode_xml(V1_2, "<GetPresence-Request><PresenceSubList><Alias/></PresenceSubList></GetPresence-Request>")
                .unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/GetPresence-Request"), element: "User | ContactList" }
        );
        let e = decode_xml(
            V1_2,
            "<GetPresence-Request><User><UserID>wv:bob@x</UserID></User><PresenceSubList/><PresenceSubList/></GetPresence-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/GetPresence-Request"), found: "PresenceSubList".into() }
        );
    }

    #[test]
    fn get_presence_response() {
        let p = decode_xml(
            V1_2,
            &format!(
                "<GetPresence-Response><Result><Code>200</Code></Result><Presence><UserID>wv:bob@x</UserID>{PHONE_XML}</Presence><Presence><UserID>wv:dave@x</UserID></Presence></GetPresence-Response>"
            ),
        )
        .unwrap();
        let expected = GetPresenceResponse::ok(vec![
            Presence::user("wv:bob@x", phone()),
            Presence::new(PresenceSubject::UserId("wv:dave@x".into()), vec![]),
        ]);
        assert_eq!(p, Primitive::GetPresenceResponse(expected.clone()));
        round_trip(expected, &Version::ALL);
        let e = decode_xml(
            V1_2,
            "<GetPresence-Response><Presence><UserID>wv:bob@x</UserID></Presence></GetPresence-Response>",
        )
        .unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/GetPresence-Response"), element: "Result" });
    }

    #[test]
    fn update_presence() {
        let p = decode_xml(V1_1, &format!("<UpdatePresence-Request>{PHONE_XML}</UpdatePresence-Request>")).unwrap();
        assert_eq!(p, Primitive::UpdatePresenceRequest(UpdatePresenceRequest::new(phone())));
        round_trip(UpdatePresenceRequest::new(phone()), &Version::ALL);
        let e = decode_xml(V1_2, "<UpdatePresence-Request></UpdatePresence-Request>").unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/UpdatePresence-Request"), element: "PresenceSubList" }
        );
    }

    #[test]
    fn presence_auth_request() {
        let p = decode_xml(
            V1_2,
            "<PresenceAuth-Request><UserID>wv:eve@x</UserID><PresenceSubList><OnlineStatus/><GeoLocation/></PresenceSubList></PresenceAuth-Request>",
        )
        .unwrap();
        let expected =
            PresenceAuthRequest::new("wv:eve@x", Some(attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::GeoLocation])));
        assert_eq!(p, Primitive::PresenceAuthRequest(expected.clone()));
        round_trip(expected.clone(), &[V1_1, V1_2]);
        round_trip(PresenceAuthRequest::new("wv:eve@x", None), &[V1_1, V1_2]);
        assert_not_in_version(expected, V1_3, "PresenceAuth-Request");
    }

    #[test]
    fn presence_auth_user() {
        let p = decode_xml(
            V1_2,
            "<PresenceAuth-User><UserID>wv:eve@x</UserID><Acceptance>T</Acceptance><PresenceSubList><OnlineStatus/></PresenceSubList></PresenceAuth-User>",
        )
        .unwrap();
        let expected = PresenceAuthUser::accept("wv:eve@x").with_attributes(attrs(&[PresenceAttr::OnlineStatus]));
        assert_eq!(p, Primitive::PresenceAuthUser(expected.clone()));
        round_trip(expected.clone(), &[V1_2]);
        round_trip(PresenceAuthUser::deny("wv:eve@x"), &[V1_1, V1_2]);
        // The 1.1 model has no PresenceSubList; 1.3 has no PresenceAuth-User.
        assert_not_in_version(expected.clone(), V1_1, "PresenceSubList");
        assert_not_in_version(PresenceAuthUser::deny("wv:eve@x"), V1_3, "PresenceAuth-User");

        let e = decode_xml(
            V1_2,
            "<PresenceAuth-User><UserID>wv:eve@x</UserID><Acceptance>yes</Acceptance></PresenceAuth-User>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!("{PATH}/PresenceAuth-User/Acceptance"),
                value: "yes".into(),
                expected: "T or F"
            }
        );
    }

    #[test]
    fn cancel_auth() {
        let p = decode_xml(V1_1, "<CancelAuth-Request><UserID>wv:eve@x</UserID></CancelAuth-Request>").unwrap();
        assert_eq!(p, Primitive::CancelAuthRequest(CancelAuthRequest::new("wv:eve@x")));
        round_trip(CancelAuthRequest::new("wv:eve@x"), &[V1_1, V1_2]);
        assert_not_in_version(CancelAuthRequest::new("wv:eve@x"), V1_3, "CancelAuth-Request");
        let e = decode_xml(V1_2, "<CancelAuth-Request/>").unwrap_err();
        assert_eq!(e, Error::MissingElement { path: format!("{PATH}/CancelAuth-Request"), element: "UserID" });
        let e = decode_xml(V1_2, "<CancelAuth-Request><UserID>a</UserID><UserID>b</UserID></CancelAuth-Request>")
            .unwrap_err();
        assert_eq!(e, Error::UnexpectedElement { path: format!("{PATH}/CancelAuth-Request"), found: "UserID".into() });
    }

    #[test]
    fn get_watcher_list_request() {
        let p = decode_xml(
            V1_2,
            "<GetWatcherList-Request><HistoryPeriod>3600</HistoryPeriod><MaxWatcherList>50</MaxWatcherList></GetWatcherList-Request>",
        )
        .unwrap();
        let expected = GetWatcherListRequest { history_period: Some(3600), max_watcher_list: Some(50) };
        assert_eq!(p, Primitive::GetWatcherListRequest(expected.clone()));
        round_trip(expected.clone(), &[V1_2, V1_3]);
        round_trip(GetWatcherListRequest::default(), &Version::ALL);
        // EMPTY in 1.1.
        assert_not_in_version(expected, V1_1, "HistoryPeriod");
        let e =
            decode_xml(V1_2, "<GetWatcherList-Request><MaxWatcherList>many</MaxWatcherList></GetWatcherList-Request>")
                .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/GetWatcherList-Request/MaxWatcherList"
                    .into(),
                value: "many".into(),
                expected: "an integer"
            }
        );
    }

    #[test]
    fn get_watcher_list_response() {
        let p = decode_xml(
            V1_2,
            "<GetWatcherList-Response><HistoryPeriod>60</HistoryPeriod><Watcher><User><UserID>wv:eve@x</UserID></User><WatcherStatus>CURRENT_SUBSCRIBER</WatcherStatus></Watcher><Watcher><User><UserID>wv:mal@x</UserID></User><WatcherStatus>SOMETHING_ELSE</WatcherStatus></Watcher><Watcher><User><UserID>wv:tom@x</UserID></User></Watcher></GetWatcherList-Response>",
        )
        .unwrap();
        let expected = GetWatcherListResponse {
            history_period: Some(60),
            watchers: vec![
                Watcher { watcher_status: Some(WatcherStatus::CurrentSubscriber), ..Watcher::new("wv:eve@x") },
                Watcher {
                    watcher_status: Some(WatcherStatus::Other("SOMETHING_ELSE".into())),
                    ..Watcher::new("wv:mal@x")
                },
                Watcher::new("wv:tom@x"),
            ],
            ..Default::default()
        };
        assert_eq!(p, Primitive::GetWatcherListResponse(expected.clone()));
        round_trip(expected.clone(), &[V1_2, V1_3]);
        let counted = GetWatcherListResponse { watcher_count: Some(3), ..expected.clone() };
        round_trip(counted.clone(), &[V1_3]);
        assert_not_in_version(counted, V1_2, "WatcherCount");
        // 1.1 form (inferred): plain users.
        let v11 = GetWatcherListResponse { users: vec![User::new("wv:eve@x")], ..Default::default() };
        assert_eq!(
            decode_xml(
                V1_1,
                "<GetWatcherList-Response><User><UserID>wv:eve@x</UserID></User></GetWatcherList-Response>"
            )
            .unwrap(),
            Primitive::GetWatcherListResponse(v11.clone())
        );
        round_trip(v11.clone(), &[V1_1]);
        assert_not_in_version(v11, V1_2, "User");
        assert_not_in_version(GetWatcherListResponse::new(vec![Watcher::new("wv:eve@x")]), V1_1, "Watcher");
    }

    #[test]
    fn get_reactive_auth_status() {
        let p = decode_xml(
            V1_2,
            "<GetReactiveAuthStatus-Request><UserID>wv:eve@x</UserID><UserID>wv:mal@x</UserID></GetReactiveAuthStatus-Request>",
        )
        .unwrap();
        let req = GetReactiveAuthStatusRequest { user_ids: vec!["wv:eve@x".into(), "wv:mal@x".into()] };
        assert_eq!(p, Primitive::GetReactiveAuthStatusRequest(req.clone()));
        round_trip(req.clone(), &[V1_2]);
        assert_not_in_version(req.clone(), V1_1, "GetReactiveAuthStatus-Request");
        assert_not_in_version(req, V1_3, "GetReactiveAuthStatus-Request");

        let p = decode_xml(
            V1_2,
            "<GetReactiveAuthStatus-Response><ReactiveAuthStatusList><ReactiveAuthStatus><UserID>wv:eve@x</UserID><ReactiveAuthState>GRANTED</ReactiveAuthState><PresenceSubList><OnlineStatus/></PresenceSubList></ReactiveAuthStatus><ReactiveAuthStatus><UserID>wv:mal@x</UserID><ReactiveAuthState>PENDING</ReactiveAuthState></ReactiveAuthStatus></ReactiveAuthStatusList></GetReactiveAuthStatus-Response>",
        )
        .unwrap();
        let resp = GetReactiveAuthStatusResponse::new(vec![
            ReactiveAuthStatus {
                user_id: "wv:eve@x".into(),
                state: ReactiveAuthState::Granted,
                presence_sub_list: Some(attrs(&[PresenceAttr::OnlineStatus])),
            },
            ReactiveAuthStatus::new("wv:mal@x", ReactiveAuthState::Pending),
        ]);
        assert_eq!(p, Primitive::GetReactiveAuthStatusResponse(resp.clone()));
        round_trip(resp.clone(), &[V1_2]);
        round_trip(
            GetReactiveAuthStatusResponse::new(vec![ReactiveAuthStatus::new("wv:x@x", ReactiveAuthState::Denied)]),
            &[V1_2],
        );
        assert_not_in_version(resp.clone(), V1_1, "GetReactiveAuthStatus-Response");
        assert_not_in_version(resp, V1_3, "GetReactiveAuthStatus-Response");

        let e = decode_xml(
            V1_2,
            "<GetReactiveAuthStatus-Response><ReactiveAuthStatusList><ReactiveAuthStatus><UserID>wv:eve@x</UserID><ReactiveAuthState>MAYBE</ReactiveAuthState></ReactiveAuthStatus></ReactiveAuthStatusList></GetReactiveAuthStatus-Response>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::InvalidValue {
                path: format!(
                    "{PATH}/GetReactiveAuthStatus-Response/ReactiveAuthStatusList/ReactiveAuthStatus/ReactiveAuthState"
                ),
                value: "MAYBE".into(),
                expected: "ReactiveAuthState",
            }
        );
    }

    #[test]
    fn removed_in_1_3_per_token_table() {
        for e in [
            Elem::CancelAuthRequest,
            Elem::PresenceAuthRequest,
            Elem::PresenceAuthUser,
            Elem::GetReactiveAuthStatusRequest,
        ] {
            assert!(e.exists_in(V1_2) && !e.exists_in(V1_3), "{e:?}");
        }
        assert!(!Elem::GetReactiveAuthStatusResponse.exists_in(V1_1));
    }

    // --- 1.3 additions -------------------------------------------------------------------------

    #[test]
    fn subscribe_and_unsubscribe_read_1_3_wrappers() {
        // 1.3 wraps the ids (Baraza union model); they land in the same fields as the flat form.
        let p = decode_xml(
            V1_3,
            "<SubscribePresence-Request><UserIDList><UserID>wv:bob@x</UserID><UserID>wv:carol@x</UserID></UserIDList>\
             <User><UserID>wv:dave@x</UserID></User>\
             <ContactListIDList><ContactList>wv:alice/friends@x</ContactList></ContactListIDList>\
             <PresenceSubList><OnlineStatus/></PresenceSubList></SubscribePresence-Request>",
        )
        .unwrap();
        let want = SubscribePresenceRequest {
            users: vec![User::new("wv:bob@x"), User::new("wv:carol@x"), User::new("wv:dave@x")],
            contact_lists: vec!["wv:alice/friends@x".into()],
            presence_sub_list: Some(attrs(&[PresenceAttr::OnlineStatus])),
            auto_subscribe: None,
        };
        assert_eq!(p, Primitive::SubscribePresenceRequest(want.clone()));
        // Encoding keeps the flat form (the record does not say 1.3 requires the wrappers).
        let xml = String::from_utf8(crate::testutil::message(want.clone().into()).to_xml(V1_3).unwrap()).unwrap();
        assert!(xml.contains("<User><UserID>wv:bob@x</UserID></User>") && !xml.contains("UserIDList"), "{xml}");
        round_trip(want, &Version::ALL);

        let p = decode_xml(
            V1_3,
            "<UnsubscribePresence-Request><ContactListIDList><ContactList>wv:a/l@x</ContactList></ContactListIDList>\
             <UserIDList><UserID>wv:bob@x</UserID></UserIDList></UnsubscribePresence-Request>",
        )
        .unwrap();
        let want =
            UnsubscribePresenceRequest { users: vec![User::new("wv:bob@x")], contact_lists: vec!["wv:a/l@x".into()] };
        assert_eq!(p, Primitive::UnsubscribePresenceRequest(want.clone()));
        round_trip(want, &Version::ALL);

        // A wrapper comes at most once; other children stay refused.
        let e =
            decode_xml(V1_3, "<UnsubscribePresence-Request><UserIDList/><UserIDList/></UnsubscribePresence-Request>")
                .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement {
                path: format!("{PATH}/UnsubscribePresence-Request"),
                found: "UserIDList".into()
            }
        );
        let e = decode_xml(
            V1_3,
            "<SubscribePresence-Request><UserIDList><User><UserID>wv:bob@x</UserID></User></UserIDList></SubscribePresence-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement {
                path: format!("{PATH}/SubscribePresence-Request/UserIDList"),
                found: "User".into()
            }
        );
    }

    #[test]
    fn get_presence_reads_1_3_wrappers() {
        let p = decode_xml(
            V1_3,
            "<GetPresence-Request><UserIDList><UserID>wv:bob@x</UserID><UserID>wv:carol@x</UserID></UserIDList>\
             <PresenceSubList><StatusText/></PresenceSubList></GetPresence-Request>",
        )
        .unwrap();
        let want =
            GetPresenceRequest::users(["wv:bob@x", "wv:carol@x"]).with_attributes(attrs(&[PresenceAttr::StatusText]));
        assert_eq!(p, Primitive::GetPresenceRequest(want.clone()));
        round_trip(want, &Version::ALL);
        let p = decode_xml(
            V1_3,
            "<GetPresence-Request><ContactListIDList><ContactList>wv:a/l@x</ContactList></ContactListIDList></GetPresence-Request>",
        )
        .unwrap();
        assert_eq!(p, Primitive::GetPresenceRequest(GetPresenceRequest::contact_lists(["wv:a/l@x"])));
        // Users and contact lists still do not mix, wrapped or not.
        let e = decode_xml(
            V1_3,
            "<GetPresence-Request><UserIDList><UserID>wv:bob@x</UserID></UserIDList><ContactList>wv:a/l@x</ContactList></GetPresence-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/GetPresence-Request"), found: "ContactList".into() }
        );
        let e = decode_xml(
            V1_3,
            "<GetPresence-Request><ContactList>wv:a/l@x</ContactList><UserIDList><UserID>wv:bob@x</UserID></UserIDList></GetPresence-Request>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::UnexpectedElement { path: format!("{PATH}/GetPresence-Request"), found: "UserIDList".into() }
        );
        // An empty wrapper names nobody: the targets are missing, as without it.
        let e = decode_xml(V1_3, "<GetPresence-Request><UserIDList/></GetPresence-Request>").unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/GetPresence-Request"), element: "User | ContactList" }
        );
    }

    #[test]
    fn watcher_1_3() {
        let p = decode_xml(
            V1_3,
            "<GetWatcherList-Response><WatcherCount>1</WatcherCount><Watcher><UserID>wv:eve@x</UserID>\
             <User><UserID>wv:eve@x</UserID></User><FriendlyName>Eve</FriendlyName>\
             <WatcherStatus>FORMER_SUBSCRIBER</WatcherStatus></Watcher></GetWatcherList-Response>",
        )
        .unwrap();
        let watcher = Watcher {
            user_id: Some("wv:eve@x".into()),
            friendly_name: Some("Eve".into()),
            watcher_status: Some(WatcherStatus::FormerSubscriber),
            ..Watcher::new("wv:eve@x")
        };
        let want = GetWatcherListResponse { watcher_count: Some(1), ..GetWatcherListResponse::new(vec![watcher]) };
        assert_eq!(p, Primitive::GetWatcherListResponse(want.clone()));
        round_trip(want, &[V1_3]);
        let id =
            GetWatcherListResponse::new(vec![Watcher { user_id: Some("wv:eve@x".into()), ..Watcher::new("wv:eve@x") }]);
        assert_not_in_version(id, V1_2, "UserID");
        let named =
            GetWatcherListResponse::new(vec![Watcher { friendly_name: Some("E".into()), ..Watcher::new("wv:eve@x") }]);
        assert_not_in_version(named, V1_2, "FriendlyName");
        // `User` stays mandatory.
        let e = decode_xml(
            V1_3,
            "<GetWatcherList-Response><Watcher><UserID>wv:eve@x</UserID></Watcher></GetWatcherList-Response>",
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::MissingElement { path: format!("{PATH}/GetWatcherList-Response/Watcher"), element: "User" }
        );
    }
}
