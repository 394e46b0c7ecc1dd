//! Group primitives (spec notes 2.6; seed section 5).
//!
//! Groups are chat rooms, private (created by a user) or public (created by the service
//! provider). Users join under their user id or a screen name, and group messages travel through
//! the instant-messaging primitives with a `Group` recipient. Group and own properties stay
//! property lists on the wire ([`GroupProperties`], [`OwnProperties`]) with typed accessors for
//! the known names.
//!
//! Version differences (spec notes 2.6, 9):
//! - 1.1 `JoinGroup-Request` has `JoinedRequest` optional and no `OwnProperties`;
//!   `JoinGroup-Response` lists the joined users as a `UserList` (libwbxml's 1.1 sample),
//!   1.2+ as a `UserMapList`.
//! - `GroupChangeNotice`: 1.1 `Joined/Left (ScreenName+)`; 1.2 `Joined (UserMapList)`,
//!   `Left (UserList)`.
//! - `GetJoinedUsers-*` are new in 1.2.
//! - 1.3 drops the `Users` element; `GetGroupMembers-Response` and `MemberAccess-Request` carry
//!   the plain members as a bare `UserList` (inferred from the Baraza union model). 1.3 adds
//!   `JoinedBlocked` / `LeftBlocked` to `GroupChangeNotice` and `OwnProperties` to
//!   `CreateGroup-Request` (names and order from the Baraza union model, spec notes appendix A).

use crate::codec::{csp_enum, csp_struct, Codec, Sink, Source};
use crate::elements::{decode_choice, ContentEncoding, Property, ScreenName, UserList};
use crate::ids::{GroupId, SName, UserId};
use crate::primitive::im::EntityList;
use crate::schema::Elem;
use crate::{CspResult, Error, ResultCode, Version};

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

csp_enum! {
    /// `AccessType` group property: who may join.
    pub enum AccessType {
        "`Open`: anyone (not on the reject list)." Open = "Open",
        "`Restricted`: only members (the members' list)." Restricted = "Restricted",
    }
}

csp_enum! {
    /// `Type` group property.
    pub enum GroupType {
        "`Public`: created by the service provider." Public = "Public",
        "`Private`: created by a user." Private = "Private",
    }
}

csp_enum! {
    /// `PrivilegeLevel` own property: the user's role in the group.
    pub enum PrivilegeLevel {
        "`Admin`: administrator." Admin = "Admin",
        "`Mod`: moderator." Mod = "Mod",
        "`User`: ordinary member." User = "User",
    }
}

/// A typed property value: how it reads from and writes to the `Value` text.
trait PropValue: Sized {
    fn from_prop(s: &str) -> Option<Self>;
    fn to_prop(&self) -> String;
}

impl PropValue for bool {
    fn from_prop(s: &str) -> Option<Self> {
        match s.trim() {
            "T" => Some(true),
            "F" => Some(false),
            _ => None,
        }
    }
    fn to_prop(&self) -> String {
        if *self { "T" } else { "F" }.to_owned()
    }
}

impl PropValue for u32 {
    fn from_prop(s: &str) -> Option<Self> {
        crate::codec::value::parse_integer(s)
    }
    fn to_prop(&self) -> String {
        self.to_string()
    }
}

macro_rules! enum_prop_value {
    ($($t:ty),*) => {$(
        impl PropValue for $t {
            fn from_prop(s: &str) -> Option<Self> {
                <$t>::parse(s.trim())
            }
            fn to_prop(&self) -> String {
                self.as_str().to_owned()
            }
        }
    )*};
}
enum_prop_value!(AccessType, GroupType, PrivilegeLevel);

fn prop_get<'a>(props: &'a [Property], name: &str) -> Option<&'a str> {
    props.iter().find(|p| p.name.eq_ignore_ascii_case(name)).and_then(|p| p.value.as_deref())
}

fn prop_set(props: &mut Vec<Property>, name: &str, value: String) {
    match props.iter_mut().find(|p| p.name.eq_ignore_ascii_case(name)) {
        Some(p) => p.value = Some(value),
        None => props.push(Property::new(name, value)),
    }
}

fn prop_remove(props: &mut Vec<Property>, name: &str) -> Option<Property> {
    let i = props.iter().position(|p| p.name.eq_ignore_ascii_case(name))?;
    Some(props.remove(i))
}

/// Generic and typed accessors over a `properties: Vec<Property>` field. Names match
/// ASCII-case-insensitively (libwbxml's 1.1 sample writes `Accesstype`); typed getters return
/// `None` when the property is absent or its value is not of the type (the text stays
/// available through `get`).
macro_rules! property_list {
    ($t:ty;
     text { $( $tname:literal => $tget:ident, $tset:ident, $twith:ident; )* }
     typed { $( $name:literal => $get:ident, $set:ident, $with:ident : $vt:ty; )* }
    ) => {
        impl $t {
            /// The value of property `name` (case-insensitive), if present.
            pub fn get(&self, name: &str) -> Option<&str> {
                prop_get(&self.properties, name)
            }

            /// Sets property `name` (replacing the value of an existing one, whatever its case).
            pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
                prop_set(&mut self.properties, name, value.into());
                self
            }

            /// Builder form of [`set`](Self::set).
            pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
                self.set(name, value);
                self
            }

            /// Removes property `name`, returning it.
            pub fn remove(&mut self, name: &str) -> Option<Property> {
                prop_remove(&mut self.properties, name)
            }

            $(
                #[doc = concat!("The `", $tname, "` property.")]
                pub fn $tget(&self) -> Option<&str> {
                    self.get($tname)
                }
                #[doc = concat!("Sets the `", $tname, "` property.")]
                pub fn $tset(&mut self, value: impl Into<String>) -> &mut Self {
                    self.set($tname, value)
                }
                #[doc = concat!("Builder form: sets the `", $tname, "` property.")]
                pub fn $twith(mut self, value: impl Into<String>) -> Self {
                    self.set($tname, value);
                    self
                }
            )*
            $(
                #[doc = concat!("The `", $name, "` property, typed.")]
                pub fn $get(&self) -> Option<$vt> {
                    self.get($name).and_then(<$vt as PropValue>::from_prop)
                }
                #[doc = concat!("Sets the `", $name, "` property.")]
                pub fn $set(&mut self, value: $vt) -> &mut Self {
                    self.set($name, PropValue::to_prop(&value))
                }
                #[doc = concat!("Builder form: sets the `", $name, "` property.")]
                pub fn $with(mut self, value: $vt) -> Self {
                    self.$set(value);
                    self
                }
            )*
        }
    };
}

csp_struct! {
    /// `WelcomeNote (ContentType, ContentEncoding?, ContentData)`: shown to users who join.
    pub struct WelcomeNote {
        /// MIME type, e.g. `text/plain`.
        pub content_type: String = ContentType,
        /// Encoding of the data.
        pub content_encoding: Option<ContentEncoding> = ContentEncoding,
        /// The note.
        pub content_data: String = ContentData,
    }
}

impl WelcomeNote {
    /// A `text/plain` note.
    pub fn text(text: impl Into<String>) -> Self {
        WelcomeNote { content_type: "text/plain".to_owned(), content_encoding: None, content_data: text.into() }
    }
}

csp_struct! {
    /// `GroupProperties (Property+, WelcomeNote?)`: the group's common properties (spec notes
    /// 2.6). Known names: `Name`, `AccessType` (`Open`|`Restricted`), `Type` (`Public`|`Private`),
    /// `PrivateMessaging` (T/F), `Searchable` (T/F), `Topic`, `MaxActiveUsers`, `ActiveUsers`,
    /// `AutoJoin`, `AutoDelete` (1.2), `Validity` (1.2), `ShowID` (1.2), `DisplayName`, `Default`.
    pub struct GroupProperties {
        /// The properties (at least one on the wire).
        pub properties: Vec<Property> = Property,
        /// The welcome note.
        pub welcome_note: Option<WelcomeNote> = WelcomeNote,
    }
}

property_list! {
    GroupProperties;
    text {
        "Name" => name, set_name, with_name;
        "Topic" => topic, set_topic, with_topic;
        "Validity" => validity, set_validity, with_validity;
        "DisplayName" => display_name, set_display_name, with_display_name;
    }
    typed {
        "AccessType" => access_type, set_access_type, with_access_type: AccessType;
        "Type" => group_type, set_group_type, with_group_type: GroupType;
        "PrivateMessaging" => private_messaging, set_private_messaging, with_private_messaging: bool;
        "Searchable" => searchable, set_searchable, with_searchable: bool;
        "MaxActiveUsers" => max_active_users, set_max_active_users, with_max_active_users: u32;
        "ActiveUsers" => active_users, set_active_users, with_active_users: u32;
        "AutoJoin" => auto_join, set_auto_join, with_auto_join: bool;
        "AutoDelete" => auto_delete, set_auto_delete, with_auto_delete: bool;
        "ShowID" => show_id, set_show_id, with_show_id: bool;
        "Default" => default_group, set_default_group, with_default_group: bool;
    }
}

impl GroupProperties {
    /// Sets the welcome note.
    pub fn with_welcome_note(mut self, note: WelcomeNote) -> Self {
        self.welcome_note = Some(note);
        self
    }

    /// Applies an update (`SetGroupProps-Request`): every property in `update` replaces or adds
    /// to these, and its welcome note, if any, replaces this one.
    pub fn apply(&mut self, update: &GroupProperties) {
        for p in &update.properties {
            match self.properties.iter_mut().find(|q| q.name.eq_ignore_ascii_case(&p.name)) {
                Some(q) => q.value = p.value.clone(),
                None => self.properties.push(p.clone()),
            }
        }
        if update.welcome_note.is_some() {
            self.welcome_note = update.welcome_note.clone();
        }
    }
}

csp_struct! {
    /// `OwnProperties (Property+)`: the requesting user's own properties in a group (spec notes
    /// 2.6). Known names: `IsMember` (T/F), `PrivilegeLevel` (`Admin`|`Mod`|`User`).
    pub struct OwnProperties {
        /// The properties (at least one on the wire).
        pub properties: Vec<Property> = Property,
    }
}

property_list! {
    OwnProperties;
    text {}
    typed {
        "IsMember" => is_member, set_is_member, with_is_member: bool;
        "PrivilegeLevel" => privilege_level, set_privilege_level, with_privilege_level: PrivilegeLevel;
    }
}

// ---------------------------------------------------------------------------------------------
// Member lists and screen-name mappings
// ---------------------------------------------------------------------------------------------

csp_struct! {
    /// An element whose content is one `UserList`: `Admin`, `Mod`, `Users` (1.1/1.2),
    /// `JoinedBlocked`, `LeftBlocked` (1.3) (spec notes 2.6).
    pub struct WrappedUserList {
        /// The users and screen names.
        pub user_list: UserList = UserList,
    }
}

impl From<UserList> for WrappedUserList {
    fn from(user_list: UserList) -> Self {
        WrappedUserList { user_list }
    }
}

impl WrappedUserList {
    /// A list of users (by user id).
    pub fn users<I: IntoIterator<Item = U>, U: Into<UserId>>(users: I) -> Self {
        UserList { users: users.into_iter().map(crate::elements::User::new).collect(), screen_names: Vec::new() }.into()
    }
}

csp_struct! {
    /// `Mapping (SName, UserID?)`: a joined user's screen name and, when the group shows ids,
    /// the user behind it (1.2+).
    pub struct Mapping {
        /// The screen name.
        pub sname: SName = SName,
        /// The user (absent when the group hides ids).
        pub user_id: Option<UserId> = UserID,
    }
}

impl Mapping {
    /// A screen name with its user, if shown.
    pub fn new(sname: impl Into<SName>, user_id: Option<UserId>) -> Self {
        Mapping { sname: sname.into(), user_id }
    }
}

csp_struct! {
    /// `AdminMapping`, `ModMapping`, `UserMapping (Mapping+)` (1.2+).
    pub struct MappingList {
        /// The mappings (at least one on the wire).
        pub mappings: Vec<Mapping> = Mapping,
    }
}

csp_struct! {
    /// `AdminMapList (AdminMapping?, ModMapping?, UserMapping?)`: joined users by role (1.2+).
    pub struct AdminMapList {
        /// Administrators.
        pub admin_mapping: Option<MappingList> = AdminMapping,
        /// Moderators.
        pub mod_mapping: Option<MappingList> = ModMapping,
        /// Ordinary users.
        pub user_mapping: Option<MappingList> = UserMapping,
    }
}

csp_struct! {
    /// `UserMapList (UserMapping?)`: joined users (1.2+).
    pub struct UserMapList {
        /// The users.
        pub user_mapping: Option<MappingList> = UserMapping,
    }
}

impl UserMapList {
    /// A list of these mappings (`UserMapping` is left out when there are none).
    pub fn new(mappings: Vec<Mapping>) -> Self {
        UserMapList { user_mapping: (!mappings.is_empty()).then_some(MappingList { mappings }) }
    }

    /// The mappings.
    pub fn mappings(&self) -> &[Mapping] {
        self.user_mapping.as_ref().map_or(&[], |m| &m.mappings)
    }
}

csp_struct! {
    /// `Joined`: users who joined, in `GroupChangeNotice`. 1.1 `(ScreenName+)`; 1.2
    /// `(UserMapList)`; 1.3 may also carry a `UserList` (inferred from the Baraza union model).
    /// Fill the form of the target version; the others are refused with `NotInVersion`.
    pub struct Joined {
        /// 1.1: the joined screen names.
        pub screen_names: Vec<ScreenName> = ScreenName [V1_1],
        /// 1.2+: the joined users.
        pub user_map_list: Option<UserMapList> = UserMapList [V1_2, V1_3],
        /// 1.3 (inferred): the joined users as a `UserList`.
        pub user_list: Option<UserList> = UserList [V1_3],
    }
}

impl Joined {
    /// The 1.2+ form.
    pub fn mapped(mappings: Vec<Mapping>) -> Self {
        Joined { user_map_list: Some(UserMapList::new(mappings)), ..Default::default() }
    }

    /// The 1.1 form.
    pub fn screen_names(screen_names: Vec<ScreenName>) -> Self {
        Joined { screen_names, ..Default::default() }
    }
}

csp_struct! {
    /// `Left`: users who left, in `GroupChangeNotice`. 1.1 `(ScreenName+)`; 1.2+ `(UserList)`.
    /// Fill the form of the target version; the other is refused with `NotInVersion`.
    pub struct Left {
        /// 1.1: the screen names that left.
        pub screen_names: Vec<ScreenName> = ScreenName [V1_1],
        /// 1.2+: the users that left.
        pub user_list: Option<UserList> = UserList [V1_2, V1_3],
    }
}

impl Left {
    /// The 1.2+ form.
    pub fn user_list(user_list: UserList) -> Self {
        Left { user_list: Some(user_list), ..Default::default() }
    }

    /// The 1.1 form.
    pub fn screen_names(screen_names: Vec<ScreenName>) -> Self {
        Left { screen_names, ..Default::default() }
    }
}

// ---------------------------------------------------------------------------------------------
// Primitives
// ---------------------------------------------------------------------------------------------

csp_struct! {
    /// `CreateGroup-Request (GroupID, GroupProperties, JoinGroup, ScreenName?,
    /// SubscribeNotification)` (spec notes 2.6; seed 5.3.1). 1.3 adds `OwnProperties` after
    /// `GroupProperties` (inferred from the Baraza union model).
    pub struct CreateGroupRequest {
        /// The new group's id.
        pub group_id: GroupId = GroupID,
        /// Its initial properties.
        pub group_properties: GroupProperties = GroupProperties,
        /// 1.3 (inferred): the creator's own properties.
        pub own_properties: Option<OwnProperties> = OwnProperties [V1_3],
        /// Whether the creator joins at once.
        pub join_group: bool = JoinGroup,
        /// The screen name to join with.
        pub screen_name: Option<ScreenName> = ScreenName,
        /// Whether the creator subscribes to `GroupChangeNotice`s.
        pub subscribe_notification: bool = SubscribeNotification,
    }
}

impl CreateGroupRequest {
    /// Create `group_id` with `group_properties`; the creator joins (under its user id) and does
    /// not subscribe to change notices.
    pub fn new(group_id: impl Into<GroupId>, group_properties: GroupProperties) -> Self {
        CreateGroupRequest {
            group_id: group_id.into(),
            group_properties,
            own_properties: None,
            join_group: true,
            screen_name: None,
            subscribe_notification: false,
        }
    }

    /// Joins under screen name `sname` in the new group.
    pub fn with_screen_name(mut self, sname: impl Into<SName>) -> Self {
        self.screen_name = Some(ScreenName { sname: sname.into(), group_id: self.group_id.clone() });
        self
    }
}

csp_struct! {
    /// `DeleteGroup-Request (GroupID)` (spec notes 2.6; seed 5.3.2).
    pub struct DeleteGroupRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
    }
}

csp_struct! {
    /// `JoinGroup-Request (GroupID, ScreenName?, JoinedRequest, SubscribeNotification,
    /// OwnProperties?)` (spec notes 2.6; seed 5.2.1). 1.1: `JoinedRequest` optional, no
    /// `OwnProperties`. `joined_request` is optional here so 1.1 messages decode; a 1.2+ message
    /// should carry it (the constructor sets it).
    pub struct JoinGroupRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// The screen name to use in the group.
        pub screen_name: Option<ScreenName> = ScreenName,
        /// Whether the response should list the joined users.
        pub joined_request: Option<bool> = JoinedRequest,
        /// Whether to subscribe to `GroupChangeNotice`s.
        pub subscribe_notification: bool = SubscribeNotification,
        /// Own properties to set on joining (1.2+).
        pub own_properties: Option<OwnProperties> = OwnProperties [V1_2, V1_3],
    }
}

impl JoinGroupRequest {
    /// Join `group_id` under the user id, asking for the joined users, without subscribing to
    /// change notices.
    pub fn new(group_id: impl Into<GroupId>) -> Self {
        JoinGroupRequest {
            group_id: group_id.into(),
            screen_name: None,
            joined_request: Some(true),
            subscribe_notification: false,
            own_properties: None,
        }
    }

    /// Joins under screen name `sname`.
    pub fn with_screen_name(mut self, sname: impl Into<SName>) -> Self {
        self.screen_name = Some(ScreenName { sname: sname.into(), group_id: self.group_id.clone() });
        self
    }

    /// Sets `SubscribeNotification`.
    pub fn with_subscribe_notification(mut self, subscribe: bool) -> Self {
        self.subscribe_notification = subscribe;
        self
    }
}

csp_struct! {
    /// `JoinGroup-Response`: 1.2+ `(UserMapList?, WelcomeNote?)` (spec notes 2.6). The 1.1
    /// model is not public; libwbxml's 1.1 sample (wv-105) has `(UserList?, WelcomeNote?)`,
    /// which is modelled here for 1.1. 1.3 adds `Joined?` and `ScreenName?` first (1.3; inferred
    /// from the Baraza union model `(Joined, ScreenName, UserList, UserMapList, WelcomeNote)`,
    /// spec notes appendix A).
    pub struct JoinGroupResponse {
        /// The joined users (in its 1.3 form, see [`Joined`]). 1.3; inferred from the Baraza
        /// union model.
        pub joined: Option<Joined> = Joined [V1_3],
        /// The screen name the user joined with (e.g. one the server chose). 1.3; inferred from
        /// the Baraza union model.
        pub screen_name: Option<ScreenName> = ScreenName [V1_3],
        /// 1.1: the joined users.
        pub user_list: Option<UserList> = UserList [V1_1],
        /// 1.2+: the joined users (when `JoinedRequest` asked for them).
        pub user_map_list: Option<UserMapList> = UserMapList [V1_2, V1_3],
        /// The group's welcome note.
        pub welcome_note: Option<WelcomeNote> = WelcomeNote,
    }
}

csp_struct! {
    /// `LeaveGroup-Request (GroupID)` (spec notes 2.6; seed 5.2.2).
    pub struct LeaveGroupRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
    }
}

csp_struct! {
    /// `LeaveGroup-Response (GroupID?, Result)`: the answer to `LeaveGroup-Request`, and also sent
    /// unsolicited by the server when it removes a user from a group (spec notes 2.6).
    pub struct LeaveGroupResponse {
        /// The group left.
        pub group_id: Option<GroupId> = GroupID,
        /// The outcome (or the reason of a forced leave).
        pub result: CspResult = Result,
    }
}

impl LeaveGroupResponse {
    /// A response with `result` for `group_id`.
    pub fn new(group_id: Option<GroupId>, result: CspResult) -> Self {
        LeaveGroupResponse { group_id, result }
    }

    /// Success (200) for `group_id`.
    pub fn ok(group_id: impl Into<GroupId>) -> Self {
        Self::new(Some(group_id.into()), CspResult::new(ResultCode::SUCCESSFUL))
    }
}

csp_struct! {
    /// `GetGroupMembers-Request (GroupID)`: the members' list (spec notes 2.6; seed 5.1.3).
    pub struct GetGroupMembersRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
    }
}

csp_struct! {
    /// `GetGroupMembers-Response (Admin?, Mod?, Users?)`, each `(UserList)` (spec notes 2.6).
    /// 1.3 has no `Users` element; there the plain members come as a bare `UserList` (inferred
    /// from the Baraza union model). [`plain_members`](Self::plain_members) reads either.
    pub struct GetGroupMembersResponse {
        /// Administrators.
        pub admin: Option<WrappedUserList> = Admin,
        /// Moderators.
        pub moderators: Option<WrappedUserList> = Mod,
        /// Ordinary members (1.1/1.2).
        pub users: Option<WrappedUserList> = Users [V1_1, V1_2],
        /// Ordinary members (1.3, inferred).
        pub user_list: Option<UserList> = UserList [V1_3],
    }
}

csp_struct! {
    /// `GetJoinedUsers-Request (GroupID)`: who is in the group now (1.2+; spec notes 2.6).
    pub struct GetJoinedUsersRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
    }
}

/// `GetJoinedUsers-Response (AdminMapList | UserMapList)` (1.2+; spec notes 2.6): joined users
/// by role, or all together.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub enum GetJoinedUsersResponse {
    /// By role.
    AdminMapList(AdminMapList),
    /// All together.
    UserMapList(UserMapList),
}

impl Default for GetJoinedUsersResponse {
    fn default() -> Self {
        GetJoinedUsersResponse::UserMapList(UserMapList::default())
    }
}

impl GetJoinedUsersResponse {
    /// Every mapping, whatever the form (administrators, moderators, then users).
    pub fn mappings(&self) -> impl Iterator<Item = &Mapping> {
        let lists: [Option<&MappingList>; 3] = match self {
            GetJoinedUsersResponse::AdminMapList(a) => {
                [a.admin_mapping.as_ref(), a.mod_mapping.as_ref(), a.user_mapping.as_ref()]
            }
            GetJoinedUsersResponse::UserMapList(u) => [u.user_mapping.as_ref(), None, None],
        };
        lists.into_iter().flatten().flat_map(|l| l.mappings.iter())
    }
}

impl Codec for GetJoinedUsersResponse {
    fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Result<Self, Error> {
        decode_choice(src, elem, |src, e| match e {
            Elem::AdminMapList => Some(AdminMapList::decode(src, e).map(GetJoinedUsersResponse::AdminMapList)),
            Elem::UserMapList => Some(UserMapList::decode(src, e).map(GetJoinedUsersResponse::UserMapList)),
            _ => None,
        })
    }
    fn encode<W: Sink>(&self, w: &mut W, _: Elem) -> Result<(), Error> {
        match self {
            GetJoinedUsersResponse::AdminMapList(a) => crate::codec::encode_element(w, Elem::AdminMapList, a),
            GetJoinedUsersResponse::UserMapList(u) => crate::codec::encode_element(w, Elem::UserMapList, u),
        }
    }
}

csp_struct! {
    /// `AddGroupMembers-Request (GroupID, UserList)`: add to the members' list (spec notes 2.6;
    /// seed 5.3.3).
    pub struct AddGroupMembersRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// The users to add.
        pub user_list: UserList = UserList,
    }
}

csp_struct! {
    /// `RemoveGroupMembers-Request (GroupID, UserList)`: remove from the members' list (spec
    /// notes 2.6; seed 5.3.3).
    pub struct RemoveGroupMembersRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// The users to remove.
        pub user_list: UserList = UserList,
    }
}

csp_struct! {
    /// `MemberAccess-Request (GroupID, Admin?, Mod?, Users?)`: set members' roles (spec notes
    /// 2.6). 1.3 has no `Users` element; there the plain members go as a bare `UserList`
    /// (inferred from the Baraza union model).
    pub struct MemberAccessRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// Users to make administrators.
        pub admin: Option<WrappedUserList> = Admin,
        /// Users to make moderators.
        pub moderators: Option<WrappedUserList> = Mod,
        /// Users to make ordinary members (1.1/1.2).
        pub users: Option<WrappedUserList> = Users [V1_1, V1_2],
        /// Users to make ordinary members (1.3, inferred).
        pub user_list: Option<UserList> = UserList [V1_3],
    }
}

macro_rules! plain_members {
    ($($t:ty),*) => {$(
        impl $t {
            /// The ordinary members: `Users` (1.1/1.2) or the bare `UserList` (1.3).
            pub fn plain_members(&self) -> Option<&UserList> {
                self.users.as_ref().map(|u| &u.user_list).or(self.user_list.as_ref())
            }

            /// Sets the ordinary members in the form of `version` (`Users` or `UserList`).
            pub fn set_plain_members(&mut self, version: Version, members: UserList) -> &mut Self {
                if version == Version::V1_3 {
                    self.users = None;
                    self.user_list = Some(members);
                } else {
                    self.users = Some(members.into());
                    self.user_list = None;
                }
                self
            }
        }
    )*};
}
plain_members!(GetGroupMembersResponse, MemberAccessRequest);

csp_struct! {
    /// `GetGroupProps-Request (GroupID)` (spec notes 2.6).
    pub struct GetGroupPropsRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
    }
}

csp_struct! {
    /// `GetGroupProps-Response (GroupProperties, OwnProperties)` (spec notes 2.6).
    pub struct GetGroupPropsResponse {
        /// The group's properties.
        pub group_properties: GroupProperties = GroupProperties,
        /// The requester's own properties.
        pub own_properties: OwnProperties = OwnProperties,
    }
}

csp_struct! {
    /// `SetGroupProps-Request (GroupID, GroupProperties?, OwnProperties?)` (spec notes 2.6; seed
    /// 5.3.4).
    pub struct SetGroupPropsRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// Group properties to change.
        pub group_properties: Option<GroupProperties> = GroupProperties,
        /// Own properties to change.
        pub own_properties: Option<OwnProperties> = OwnProperties,
    }
}

csp_struct! {
    /// `RejectList-Request (GroupID, AddList?, RemoveList?)`: change the users barred from
    /// joining (spec notes 2.6; seed 5.3.5). `AddList`/`RemoveList` are `(UserID*, ScreenName*,
    /// GroupID*)` as for block lists.
    pub struct RejectListRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// Entities to bar.
        pub add_list: Option<EntityList> = AddList,
        /// Entities to allow again.
        pub remove_list: Option<EntityList> = RemoveList,
    }
}

csp_struct! {
    /// `RejectList-Response (UserList?)`: the reject list after the change (spec notes 2.6).
    pub struct RejectListResponse {
        /// The barred users.
        pub user_list: Option<UserList> = UserList,
    }
}

csp_enum! {
    /// `SubscribeType` of `SubscribeGroupNotice-Request`.
    pub enum SubscribeType {
        "`G`: get the current subscription state." Get = "G",
        "`S`: subscribe to `GroupChangeNotice`s." Set = "S",
        "`U`: unsubscribe." Unset = "U",
    }
}

csp_struct! {
    /// `SubscribeGroupNotice-Request (GroupID, SubscribeType)` (spec notes 2.6; seed 5.2.5).
    pub struct SubscribeGroupNoticeRequest {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// Get, set or unset.
        pub subscribe_type: SubscribeType = SubscribeType,
    }
}

impl SubscribeGroupNoticeRequest {
    /// A request of `subscribe_type` for `group_id`.
    pub fn new(group_id: impl Into<GroupId>, subscribe_type: SubscribeType) -> Self {
        SubscribeGroupNoticeRequest { group_id: group_id.into(), subscribe_type }
    }
}

csp_struct! {
    /// `SubscribeGroupNotice-Response (Value)`: the subscription state, `T` or `F` (spec notes
    /// 2.6). Kept as text, since `Value` is a generic element; see
    /// [`is_subscribed`](Self::is_subscribed).
    pub struct SubscribeGroupNoticeResponse {
        /// `T` subscribed, `F` not.
        pub value: String = Value,
    }
}

impl SubscribeGroupNoticeResponse {
    /// The state as `T` / `F`.
    pub fn new(subscribed: bool) -> Self {
        SubscribeGroupNoticeResponse { value: PropValue::to_prop(&subscribed) }
    }

    /// The state, when the value is `T` or `F`.
    pub fn is_subscribed(&self) -> Option<bool> {
        bool::from_prop(&self.value)
    }
}

csp_struct! {
    /// `GroupChangeNotice (GroupID, Joined?, Left?, GroupProperties?, OwnProperties?)`: pushed to
    /// subscribers when users join or leave or properties change (spec notes 2.6; seed 5.2.5).
    /// 1.3 adds `JoinedBlocked` / `LeftBlocked (UserList)` after `Left` (inferred from the Baraza
    /// union model).
    pub struct GroupChangeNotice {
        /// The group.
        pub group_id: GroupId = GroupID,
        /// Users who joined.
        pub joined: Option<Joined> = Joined,
        /// Users who left.
        pub left: Option<Left> = Left,
        /// 1.3 (inferred): blocked users who joined.
        pub joined_blocked: Option<WrappedUserList> = JoinedBlocked [V1_3],
        /// 1.3 (inferred): blocked users who left.
        pub left_blocked: Option<WrappedUserList> = LeftBlocked [V1_3],
        /// Changed group properties.
        pub group_properties: Option<GroupProperties> = GroupProperties,
        /// Changed own properties.
        pub own_properties: Option<OwnProperties> = OwnProperties,
    }
}

impl GroupChangeNotice {
    /// A notice for `group_id` with nothing changed yet.
    pub fn new(group_id: impl Into<GroupId>) -> Self {
        GroupChangeNotice { group_id: group_id.into(), ..Default::default() }
    }
}

macro_rules! group_id_new {
    ($($t:ident),*) => {$(
        impl $t {
            #[doc = concat!("A `", stringify!($t), "` for `group_id`.")]
            pub fn new(group_id: impl Into<GroupId>) -> Self {
                $t { group_id: group_id.into() }
            }
        }
    )*};
}
group_id_new!(
    DeleteGroupRequest,
    LeaveGroupRequest,
    GetGroupMembersRequest,
    GetJoinedUsersRequest,
    GetGroupPropsRequest
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elements::User;
    use crate::testutil::{assert_not_in_version, decode_xml, message, round_trip};
    use crate::Primitive;

    use Version::{V1_1, V1_2, V1_3};
    const ALL: &[Version] = &[V1_1, V1_2, V1_3];
    const G: &str = "wv:liisa/sauna@im.example.fi";

    fn xml(p: impl Into<Primitive>, v: Version) -> String {
        String::from_utf8(message(p.into()).to_xml(v).unwrap()).unwrap()
    }

    fn sn(s: &str) -> ScreenName {
        ScreenName { sname: s.into(), group_id: G.into() }
    }

    fn users(ids: &[&str]) -> UserList {
        UserList { users: ids.iter().map(|u| User::new(*u)).collect(), screen_names: Vec::new() }
    }

    const PROPS_XML: &str = "<GroupProperties><Property><Name>Name</Name><Value>Saunaseura</Value></Property>\
        <Property><Name>Accesstype</Name><Value>Restricted</Value></Property>\
        <Property><Name>Type</Name><Value>Private</Value></Property>\
        <Property><Name>PrivateMessaging</Name><Value>F</Value></Property>\
        <Property><Name>Searchable</Name><Value>T</Value></Property>\
        <Property><Name>Topic</Name><Value>Löylyä &amp; makkaraa</Value></Property>\
        <Property><Name>MaxActiveUsers</Name><Value>30</Value></Property>\
        <WelcomeNote><ContentType>text/plain</ContentType><ContentData>Tervetuloa!</ContentData></WelcomeNote>\
        </GroupProperties>";

    fn props() -> GroupProperties {
        GroupProperties {
            properties: vec![
                Property::new("Name", "Saunaseura"),
                Property::new("Accesstype", "Restricted"),
                Property::new("Type", "Private"),
                Property::new("PrivateMessaging", "F"),
                Property::new("Searchable", "T"),
                Property::new("Topic", "Löylyä & makkaraa"),
                Property::new("MaxActiveUsers", "30"),
            ],
            welcome_note: Some(WelcomeNote::text("Tervetuloa!")),
        }
    }

    #[test]
    fn create_and_delete_group() {
        let got = decode_xml(
            V1_1,
            &format!(
                "<CreateGroup-Request><GroupID>{G}</GroupID>{PROPS_XML}<JoinGroup>T</JoinGroup>\
                 <ScreenName><SName>Liisa</SName><GroupID>{G}</GroupID></ScreenName>\
                 <SubscribeNotification>T</SubscribeNotification></CreateGroup-Request>"
            ),
        )
        .unwrap();
        let want = CreateGroupRequest {
            group_id: G.into(),
            group_properties: props(),
            own_properties: None,
            join_group: true,
            screen_name: Some(sn("Liisa")),
            subscribe_notification: true,
        };
        assert_eq!(got, Primitive::CreateGroupRequest(want.clone()));
        round_trip(want.clone(), ALL);
        assert_eq!(
            CreateGroupRequest {
                subscribe_notification: true,
                ..CreateGroupRequest::new(G, props()).with_screen_name("Liisa")
            },
            want
        );

        let with_own = CreateGroupRequest {
            own_properties: Some(OwnProperties::default().with_privilege_level(PrivilegeLevel::Admin)),
            ..want
        };
        round_trip(with_own.clone(), &[V1_3]);
        assert_not_in_version(with_own, V1_2, "OwnProperties");

        let got =
            decode_xml(V1_2, &format!("<DeleteGroup-Request><GroupID>{G}</GroupID></DeleteGroup-Request>")).unwrap();
        assert_eq!(got, Primitive::DeleteGroupRequest(DeleteGroupRequest::new(G)));
        round_trip(DeleteGroupRequest::new(G), ALL);
    }

    #[test]
    fn group_property_accessors() {
        let p = props();
        assert_eq!(p.name(), Some("Saunaseura"));
        assert_eq!(p.access_type(), Some(AccessType::Restricted), "case-insensitive name");
        assert_eq!(p.get("ACCESSTYPE"), Some("Restricted"));
        assert_eq!(p.group_type(), Some(GroupType::Private));
        assert_eq!(p.private_messaging(), Some(false));
        assert_eq!(p.searchable(), Some(true));
        assert_eq!(p.topic(), Some("Löylyä & makkaraa"));
        assert_eq!(p.max_active_users(), Some(30));
        assert_eq!(p.active_users(), None);
        assert_eq!(p.auto_delete(), None);

        let mut q = GroupProperties::default()
            .with_name("Chess")
            .with_access_type(AccessType::Open)
            .with_group_type(GroupType::Public)
            .with_searchable(true)
            .with_max_active_users(20)
            .with_auto_join(false)
            .with_auto_delete(true)
            .with_show_id(true)
            .with_default_group(false)
            .with_display_name("Chess club")
            .with_validity("3600")
            .with_topic("Openings");
        assert_eq!(
            q.properties.iter().map(|p| (p.name.as_str(), p.value.as_deref().unwrap())).collect::<Vec<_>>(),
            [
                ("Name", "Chess"),
                ("AccessType", "Open"),
                ("Type", "Public"),
                ("Searchable", "T"),
                ("MaxActiveUsers", "20"),
                ("AutoJoin", "F"),
                ("AutoDelete", "T"),
                ("ShowID", "T"),
                ("Default", "F"),
                ("DisplayName", "Chess club"),
                ("Validity", "3600"),
                ("Topic", "Openings"),
            ]
        );
        // Replacing keeps one entry; values of the wrong type read as None.
        q.set_max_active_users(25).set("maxactiveusers", "lots");
        assert_eq!(q.properties.iter().filter(|p| p.name == "MaxActiveUsers").count(), 1);
        assert_eq!((q.max_active_users(), q.get("MaxActiveUsers")), (None, Some("lots")));
        assert_eq!(q.remove("Topic").map(|p| p.value), Some(Some("Openings".into())));
        assert_eq!(q.topic(), None);

        let mut stored = props();
        stored.apply(&GroupProperties::default().with_topic("Joulusauna").with_active_users(3));
        assert_eq!(
            (stored.topic(), stored.active_users(), stored.name()),
            (Some("Joulusauna"), Some(3), Some("Saunaseura"))
        );
        assert_eq!(stored.welcome_note, Some(WelcomeNote::text("Tervetuloa!")));

        let own = OwnProperties::default().with_is_member(true).with_privilege_level(PrivilegeLevel::Mod);
        assert_eq!(own.properties, vec![Property::new("IsMember", "T"), Property::new("PrivilegeLevel", "Mod")]);
        assert_eq!((own.is_member(), own.privilege_level()), (Some(true), Some(PrivilegeLevel::Mod)));
        assert_eq!(OwnProperties::default().with("PrivilegeLevel", "Boss").privilege_level(), None);
    }

    #[test]
    fn join_group() {
        // 1.1: JoinedRequest optional (libwbxml wv-104 has it; the corpus shape omits it).
        let got = decode_xml(
            V1_1,
            &format!(
                "<JoinGroup-Request><GroupID>{G}</GroupID><ScreenName><SName>Pekka</SName><GroupID>{G}</GroupID></ScreenName>\
                 <SubscribeNotification>T</SubscribeNotification></JoinGroup-Request>"
            ),
        )
        .unwrap();
        let want = JoinGroupRequest {
            group_id: G.into(),
            screen_name: Some(sn("Pekka")),
            joined_request: None,
            subscribe_notification: true,
            own_properties: None,
        };
        assert_eq!(got, Primitive::JoinGroupRequest(want.clone()));
        round_trip(want, ALL);

        let got = decode_xml(
            V1_2,
            &format!(
                "<JoinGroup-Request><GroupID>{G}</GroupID><JoinedRequest>T</JoinedRequest><SubscribeNotification>F</SubscribeNotification>\
                 <OwnProperties><Property><Name>IsMember</Name><Value>T</Value></Property></OwnProperties></JoinGroup-Request>"
            ),
        )
        .unwrap();
        let want = JoinGroupRequest {
            own_properties: Some(OwnProperties::default().with_is_member(true)),
            ..JoinGroupRequest::new(G)
        };
        assert_eq!(got, Primitive::JoinGroupRequest(want.clone()));
        round_trip(want.clone(), &[V1_2, V1_3]);
        assert_not_in_version(want, V1_1, "OwnProperties");
        round_trip(JoinGroupRequest::new(G).with_screen_name("Pekka").with_subscribe_notification(true), ALL);

        // 1.1 response: libwbxml wv-105.
        let got = decode_xml(
            V1_1,
            &format!(
                "<JoinGroup-Response><UserList><ScreenName><SName>Johnny</SName><GroupID>{G}</GroupID></ScreenName>\
                 <ScreenName><SName>He</SName><GroupID>{G}</GroupID></ScreenName></UserList>\
                 <WelcomeNote><ContentType>text/plain</ContentType><ContentData>Welcome</ContentData></WelcomeNote></JoinGroup-Response>"
            ),
        )
        .unwrap();
        let want = JoinGroupResponse {
            user_list: Some(UserList { users: vec![], screen_names: vec![sn("Johnny"), sn("He")] }),
            user_map_list: None,
            welcome_note: Some(WelcomeNote::text("Welcome")),
            ..Default::default()
        };
        assert_eq!(got, Primitive::JoinGroupResponse(want.clone()));
        round_trip(want.clone(), &[V1_1]);
        assert_not_in_version(want, V1_2, "UserList");

        // 1.2 response.
        let got = decode_xml(
            V1_2,
            "<JoinGroup-Response><UserMapList><UserMapping><Mapping><SName>Øystein</SName><UserID>wv:alice@x</UserID></Mapping>\
             <Mapping><SName>anon42</SName></Mapping></UserMapping></UserMapList>\
             <WelcomeNote><ContentType>text/plain</ContentType><ContentEncoding>None</ContentEncoding><ContentData>Hi ♞</ContentData></WelcomeNote>\
             </JoinGroup-Response>",
        )
        .unwrap();
        let want = JoinGroupResponse {
            user_list: None,
            user_map_list: Some(UserMapList::new(vec![
                Mapping::new("Øystein", Some("wv:alice@x".into())),
                Mapping::new("anon42", None),
            ])),
            welcome_note: Some(WelcomeNote {
                content_encoding: Some(ContentEncoding::None),
                ..WelcomeNote::text("Hi ♞")
            }),
            ..Default::default()
        };
        assert_eq!(got, Primitive::JoinGroupResponse(want.clone()));
        assert_eq!(want.user_map_list.as_ref().unwrap().mappings().len(), 2);
        round_trip(want.clone(), &[V1_2, V1_3]);
        assert_not_in_version(want, V1_1, "UserMapList");
        round_trip(JoinGroupResponse::default(), ALL);
    }

    #[test]
    fn leave_group() {
        let got =
            decode_xml(V1_2, &format!("<LeaveGroup-Request><GroupID>{G}</GroupID></LeaveGroup-Request>")).unwrap();
        assert_eq!(got, Primitive::LeaveGroupRequest(LeaveGroupRequest::new(G)));
        round_trip(LeaveGroupRequest::new(G), ALL);

        let got = decode_xml(
            V1_1,
            &format!(
                "<LeaveGroup-Response><GroupID>{G}</GroupID><Result><Code>200</Code></Result></LeaveGroup-Response>"
            ),
        )
        .unwrap();
        assert_eq!(got, Primitive::LeaveGroupResponse(LeaveGroupResponse::ok(G)));
        round_trip(LeaveGroupResponse::ok(G), ALL);
        round_trip(LeaveGroupResponse::new(None, CspResult::new(ResultCode(404))), ALL);
    }

    #[test]
    fn group_members() {
        let got =
            decode_xml(V1_1, &format!("<GetGroupMembers-Request><GroupID>{G}</GroupID></GetGroupMembers-Request>"))
                .unwrap();
        assert_eq!(got, Primitive::GetGroupMembersRequest(GetGroupMembersRequest::new(G)));
        round_trip(GetGroupMembersRequest::new(G), ALL);

        let got = decode_xml(
            V1_2,
            "<GetGroupMembers-Response><Admin><UserList><User><UserID>wv:liisa@x</UserID></User></UserList></Admin>\
             <Users><UserList><User><UserID>wv:pekka@x</UserID></User><User><UserID>wv:anna@x</UserID></User></UserList></Users>\
             </GetGroupMembers-Response>",
        )
        .unwrap();
        let want = GetGroupMembersResponse {
            admin: Some(WrappedUserList::users(["wv:liisa@x"])),
            moderators: None,
            users: Some(users(&["wv:pekka@x", "wv:anna@x"]).into()),
            user_list: None,
        };
        assert_eq!(got, Primitive::GetGroupMembersResponse(want.clone()));
        assert_eq!(want.plain_members(), Some(&users(&["wv:pekka@x", "wv:anna@x"])));
        round_trip(want.clone(), &[V1_1, V1_2]);
        assert_not_in_version(want.clone(), V1_3, "Users");

        // 1.3: the plain members as a bare UserList.
        let got = decode_xml(
            V1_3,
            "<GetGroupMembers-Response><Mod><UserList><User><UserID>wv:m@x</UserID></User></UserList></Mod>\
             <UserList><User><UserID>wv:pekka@x</UserID></User></UserList></GetGroupMembers-Response>",
        )
        .unwrap();
        let mut want13 =
            GetGroupMembersResponse { moderators: Some(WrappedUserList::users(["wv:m@x"])), ..Default::default() };
        want13.set_plain_members(V1_3, users(&["wv:pekka@x"]));
        assert_eq!(got, Primitive::GetGroupMembersResponse(want13.clone()));
        assert_eq!(want13.plain_members(), Some(&users(&["wv:pekka@x"])));
        round_trip(want13.clone(), &[V1_3]);
        assert_not_in_version(want13.clone(), V1_2, "UserList");
        want13.set_plain_members(V1_2, users(&["wv:pekka@x"]));
        assert_eq!((want13.users.is_some(), want13.user_list.is_none()), (true, true));
        round_trip(want13, &[V1_1, V1_2]);

        for (p, name) in [
            (
                AddGroupMembersRequest { group_id: G.into(), user_list: users(&["wv:anna@x", "wv:jose@x"]) }.into(),
                "AddGroupMembers-Request",
            ),
            (
                RemoveGroupMembersRequest { group_id: G.into(), user_list: users(&["wv:anna@x", "wv:jose@x"]) }.into(),
                "RemoveGroupMembers-Request",
            ),
        ] {
            let p: Primitive = p;
            let got = decode_xml(
                V1_2,
                &format!("<{name}><GroupID>{G}</GroupID><UserList><User><UserID>wv:anna@x</UserID></User><User><UserID>wv:jose@x</UserID></User></UserList></{name}>"),
            )
            .unwrap();
            assert_eq!(got, p);
            round_trip(p, ALL);
        }
    }

    #[test]
    fn member_access() {
        let got = decode_xml(
            V1_1,
            &format!(
                "<MemberAccess-Request><GroupID>{G}</GroupID><Mod><UserList><User><UserID>wv:pekka@x</UserID></User></UserList></Mod>\
                 <Users><UserList><ScreenName><SName>Anna</SName><GroupID>{G}</GroupID></ScreenName></UserList></Users></MemberAccess-Request>"
            ),
        )
        .unwrap();
        let want = MemberAccessRequest {
            group_id: G.into(),
            admin: None,
            moderators: Some(WrappedUserList::users(["wv:pekka@x"])),
            users: Some(UserList { users: vec![], screen_names: vec![sn("Anna")] }.into()),
            user_list: None,
        };
        assert_eq!(got, Primitive::MemberAccessRequest(want.clone()));
        round_trip(want.clone(), &[V1_1, V1_2]);
        assert_not_in_version(want.clone(), V1_3, "Users");
        let mut m13 = want;
        m13.set_plain_members(V1_3, UserList { users: vec![], screen_names: vec![sn("Anna")] });
        round_trip(m13, &[V1_3]);
    }

    #[test]
    fn joined_users() {
        let got = decode_xml(V1_2, &format!("<GetJoinedUsers-Request><GroupID>{G}</GroupID></GetJoinedUsers-Request>"))
            .unwrap();
        assert_eq!(got, Primitive::GetJoinedUsersRequest(GetJoinedUsersRequest::new(G)));
        round_trip(GetJoinedUsersRequest::new(G), &[V1_2, V1_3]);
        assert_not_in_version(GetJoinedUsersRequest::new(G), V1_1, "GetJoinedUsers-Request");

        let got = decode_xml(
            V1_2,
            "<GetJoinedUsers-Response><AdminMapList><AdminMapping><Mapping><SName>Alice</SName><UserID>wv:alice@x</UserID></Mapping></AdminMapping>\
             <ModMapping><Mapping><SName>Bobby</SName><UserID>wv:bob@x</UserID></Mapping></ModMapping>\
             <UserMapping><Mapping><SName>Zoë</SName><UserID>wv:zoe@x</UserID></Mapping><Mapping><SName>たろう</SName></Mapping></UserMapping>\
             </AdminMapList></GetJoinedUsers-Response>",
        )
        .unwrap();
        let ml = |m: Vec<Mapping>| Some(MappingList { mappings: m });
        let want = GetJoinedUsersResponse::AdminMapList(AdminMapList {
            admin_mapping: ml(vec![Mapping::new("Alice", Some("wv:alice@x".into()))]),
            mod_mapping: ml(vec![Mapping::new("Bobby", Some("wv:bob@x".into()))]),
            user_mapping: ml(vec![Mapping::new("Zoë", Some("wv:zoe@x".into())), Mapping::new("たろう", None)]),
        });
        assert_eq!(got, Primitive::GetJoinedUsersResponse(want.clone()));
        assert_eq!(want.mappings().map(|m| m.sname.as_str()).collect::<Vec<_>>(), ["Alice", "Bobby", "Zoë", "たろう"]);
        round_trip(want.clone(), &[V1_2, V1_3]);
        assert_not_in_version(want, V1_1, "GetJoinedUsers-Response");

        let got = decode_xml(
            V1_3,
            "<GetJoinedUsers-Response><UserMapList><UserMapping><Mapping><SName>Zoë</SName></Mapping></UserMapping></UserMapList></GetJoinedUsers-Response>",
        )
        .unwrap();
        let want = GetJoinedUsersResponse::UserMapList(UserMapList::new(vec![Mapping::new("Zoë", None)]));
        assert_eq!(got, Primitive::GetJoinedUsersResponse(want.clone()));
        round_trip(want, &[V1_2, V1_3]);
        round_trip(GetJoinedUsersResponse::default(), &[V1_2, V1_3]);
    }

    #[test]
    fn group_props() {
        let got = decode_xml(V1_2, &format!("<GetGroupProps-Request><GroupID>{G}</GroupID></GetGroupProps-Request>"))
            .unwrap();
        assert_eq!(got, Primitive::GetGroupPropsRequest(GetGroupPropsRequest::new(G)));
        round_trip(GetGroupPropsRequest::new(G), ALL);

        let got = decode_xml(
            V1_1,
            &format!(
                "<GetGroupProps-Response>{PROPS_XML}<OwnProperties><Property><Name>IsMember</Name><Value>T</Value></Property>\
                 <Property><Name>PrivilegeLevel</Name><Value>User</Value></Property></OwnProperties></GetGroupProps-Response>"
            ),
        )
        .unwrap();
        let want = GetGroupPropsResponse {
            group_properties: props(),
            own_properties: OwnProperties::default().with_is_member(true).with_privilege_level(PrivilegeLevel::User),
        };
        assert_eq!(got, Primitive::GetGroupPropsResponse(want.clone()));
        round_trip(want, ALL);

        let got = decode_xml(
            V1_3,
            &format!(
                "<SetGroupProps-Request><GroupID>{G}</GroupID><GroupProperties><Property><Name>Topic</Name><Value>🎤</Value></Property>\
                 </GroupProperties></SetGroupProps-Request>"
            ),
        )
        .unwrap();
        let want = SetGroupPropsRequest {
            group_id: G.into(),
            group_properties: Some(GroupProperties::default().with_topic("🎤")),
            own_properties: None,
        };
        assert_eq!(got, Primitive::SetGroupPropsRequest(want.clone()));
        round_trip(want.clone(), ALL);
        round_trip(
            SetGroupPropsRequest { own_properties: Some(OwnProperties::default().with_is_member(false)), ..want },
            ALL,
        );
    }

    #[test]
    fn reject_list() {
        let got = decode_xml(
            V1_1,
            &format!(
                "<RejectList-Request><GroupID>{G}</GroupID><AddList><UserID>wv:troll@x</UserID></AddList>\
                 <RemoveList><ScreenName><SName>Ex</SName><GroupID>{G}</GroupID></ScreenName></RemoveList></RejectList-Request>"
            ),
        )
        .unwrap();
        let want = RejectListRequest {
            group_id: G.into(),
            add_list: Some(EntityList::users(["wv:troll@x"])),
            remove_list: Some(EntityList { screen_names: vec![sn("Ex")], ..Default::default() }),
        };
        assert_eq!(got, Primitive::RejectListRequest(want.clone()));
        round_trip(want, ALL);

        let got = decode_xml(
            V1_2,
            "<RejectList-Response><UserList><User><UserID>wv:troll@x</UserID></User></UserList></RejectList-Response>",
        )
        .unwrap();
        let want = RejectListResponse { user_list: Some(users(&["wv:troll@x"])) };
        assert_eq!(got, Primitive::RejectListResponse(want.clone()));
        round_trip(want, ALL);
        assert_eq!(
            decode_xml(V1_3, "<RejectList-Response/>").unwrap(),
            Primitive::RejectListResponse(RejectListResponse::default())
        );
    }

    #[test]
    fn subscribe_group_notice() {
        let got = decode_xml(
            V1_1,
            &format!("<SubscribeGroupNotice-Request><GroupID>{G}</GroupID><SubscribeType>U</SubscribeType></SubscribeGroupNotice-Request>"),
        )
        .unwrap();
        assert_eq!(
            got,
            Primitive::SubscribeGroupNoticeRequest(SubscribeGroupNoticeRequest::new(G, SubscribeType::Unset))
        );
        for t in SubscribeType::ALL {
            round_trip(SubscribeGroupNoticeRequest::new(G, *t), ALL);
        }
        assert_eq!(SubscribeType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(), ["G", "S", "U"]);

        let got = decode_xml(V1_3, "<SubscribeGroupNotice-Response><Value>T</Value></SubscribeGroupNotice-Response>")
            .unwrap();
        assert_eq!(got, Primitive::SubscribeGroupNoticeResponse(SubscribeGroupNoticeResponse::new(true)));
        assert_eq!(SubscribeGroupNoticeResponse::new(false).value, "F");
        assert_eq!(SubscribeGroupNoticeResponse { value: "maybe".into() }.is_subscribed(), None);
        round_trip(SubscribeGroupNoticeResponse::new(false), ALL);
    }

    #[test]
    fn group_change_notice_1_1() {
        let got = decode_xml(
            V1_1,
            &format!(
                "<GroupChangeNotice><GroupID>{G}</GroupID>\
                 <Joined><ScreenName><SName>Anna</SName><GroupID>{G}</GroupID></ScreenName><ScreenName><SName>José</SName><GroupID>{G}</GroupID></ScreenName></Joined>\
                 <Left><ScreenName><SName>Pekka</SName><GroupID>{G}</GroupID></ScreenName></Left>\
                 <GroupProperties><Property><Name>ActiveUsers</Name><Value>4</Value></Property></GroupProperties></GroupChangeNotice>"
            ),
        )
        .unwrap();
        let want = GroupChangeNotice {
            joined: Some(Joined::screen_names(vec![sn("Anna"), sn("José")])),
            left: Some(Left::screen_names(vec![sn("Pekka")])),
            group_properties: Some(GroupProperties::default().with_active_users(4)),
            ..GroupChangeNotice::new(G)
        };
        assert_eq!(got, Primitive::GroupChangeNotice(want.clone()));
        round_trip(want.clone(), &[V1_1]);
        assert_not_in_version(want, V1_2, "ScreenName");
    }

    #[test]
    fn group_change_notice_1_2_and_1_3() {
        let got = decode_xml(
            V1_2,
            &format!(
                "<GroupChangeNotice><GroupID>{G}</GroupID>\
                 <Joined><UserMapList><UserMapping><Mapping><SName>Zoë</SName><UserID>wv:zoe@x</UserID></Mapping></UserMapping></UserMapList></Joined>\
                 <Left><UserList><User><UserID>wv:dave@x</UserID></User><ScreenName><SName>Troll</SName><GroupID>{G}</GroupID></ScreenName></UserList></Left>\
                 <OwnProperties><Property><Name>PrivilegeLevel</Name><Value>Mod</Value></Property></OwnProperties></GroupChangeNotice>"
            ),
        )
        .unwrap();
        let want = GroupChangeNotice {
            joined: Some(Joined::mapped(vec![Mapping::new("Zoë", Some("wv:zoe@x".into()))])),
            left: Some(Left::user_list(UserList {
                users: vec![User::new("wv:dave@x")],
                screen_names: vec![sn("Troll")],
            })),
            own_properties: Some(OwnProperties::default().with_privilege_level(PrivilegeLevel::Mod)),
            ..GroupChangeNotice::new(G)
        };
        assert_eq!(got, Primitive::GroupChangeNotice(want.clone()));
        round_trip(want.clone(), &[V1_2, V1_3]);
        assert_not_in_version(want, V1_1, "UserMapList");

        // 1.3 additions (inferred): JoinedBlocked / LeftBlocked, a UserList in Joined.
        let got = decode_xml(
            V1_3,
            &format!(
                "<GroupChangeNotice><GroupID>{G}</GroupID><Joined><UserList><User><UserID>wv:a@x</UserID></User></UserList></Joined>\
                 <JoinedBlocked><UserList><User><UserID>wv:spam@x</UserID></User></UserList></JoinedBlocked>\
                 <LeftBlocked><UserList/></LeftBlocked></GroupChangeNotice>"
            ),
        )
        .unwrap();
        let want = GroupChangeNotice {
            joined: Some(Joined { user_list: Some(users(&["wv:a@x"])), ..Default::default() }),
            joined_blocked: Some(WrappedUserList::users(["wv:spam@x"])),
            left_blocked: Some(WrappedUserList::default()),
            ..GroupChangeNotice::new(G)
        };
        assert_eq!(got, Primitive::GroupChangeNotice(want.clone()));
        round_trip(want.clone(), &[V1_3]);
        assert_not_in_version(want, V1_2, "UserList");
        let blocked = GroupChangeNotice { left_blocked: Some(WrappedUserList::default()), ..GroupChangeNotice::new(G) };
        assert_not_in_version(blocked, V1_2, "LeftBlocked");
    }

    #[test]
    fn encoding_order_follows_the_dtd() {
        let p = CreateGroupRequest::new(G, GroupProperties::default().with_name("x")).with_screen_name("Me");
        let x = xml(p, V1_2);
        let pos = |s: &str| x.find(s).unwrap_or_else(|| panic!("{s} missing in {x}"));
        assert!(pos("<GroupID>") < pos("<GroupProperties>"));
        assert!(pos("<GroupProperties>") < pos("<JoinGroup>"));
        assert!(pos("<JoinGroup>") < pos("<ScreenName>"));
        assert!(pos("<ScreenName>") < pos("<SubscribeNotification>"));
    }

    #[test]
    fn malformed_input() {
        // JoinGroup is mandatory in CreateGroup-Request.
        let err = decode_xml(
            V1_2,
            &format!("<CreateGroup-Request><GroupID>{G}</GroupID>{PROPS_XML}<SubscribeNotification>T</SubscribeNotification></CreateGroup-Request>"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::MissingElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/CreateGroup-Request".into(),
                element: "JoinGroup"
            }
        );
        // SubscribeType outside G/S/U (the codec reports leaf errors at the container's path).
        let err = decode_xml(
            V1_2,
            &format!("<SubscribeGroupNotice-Request><GroupID>{G}</GroupID><SubscribeType>X</SubscribeType></SubscribeGroupNotice-Request>"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::InvalidValue {
                path:
                    "/WV-CSP-Message/Session/Transaction/TransactionContent/SubscribeGroupNotice-Request/SubscribeType"
                        .into(),
                value: "X".into(),
                expected: "SubscribeType",
            }
        );
        // Both alternatives of GetJoinedUsers-Response.
        let err = decode_xml(V1_2, "<GetJoinedUsers-Response><UserMapList/><AdminMapList/></GetJoinedUsers-Response>")
            .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/GetJoinedUsers-Response".into(),
                found: "AdminMapList".into(),
            }
        );
        // Neither.
        let err = decode_xml(V1_2, "<GetJoinedUsers-Response/>").unwrap_err();
        assert!(matches!(err, Error::MissingElement { element: "(one of its alternatives)", .. }), "{err:?}");
        // A child outside the content model.
        let err =
            decode_xml(V1_2, &format!("<LeaveGroup-Request><GroupID>{G}</GroupID><Result/></LeaveGroup-Request>"))
                .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/LeaveGroup-Request".into(),
                found: "Result".into(),
            }
        );
        // A boolean that is not T/F.
        let err = decode_xml(
            V1_2,
            &format!("<JoinGroup-Request><GroupID>{G}</GroupID><JoinedRequest>yes</JoinedRequest><SubscribeNotification>T</SubscribeNotification></JoinGroup-Request>"),
        )
        .unwrap_err();
        assert!(matches!(err, Error::InvalidValue { ref value, expected: "T or F", .. } if value == "yes"), "{err:?}");
    }

    #[test]
    fn join_group_response_1_3() {
        let got = decode_xml(
            V1_3,
            "<JoinGroup-Response><Joined><UserMapList><UserMapping><Mapping><SName>Al</SName><UserID>wv:alice@x</UserID>\
             </Mapping></UserMapping></UserMapList></Joined>\
             <ScreenName><SName>Bob</SName><GroupID>wv:alice/chat@x</GroupID></ScreenName>\
             <WelcomeNote><ContentType>text/plain</ContentType><ContentData>Hi</ContentData></WelcomeNote></JoinGroup-Response>",
        )
        .unwrap();
        let sn = ScreenName { sname: "Bob".into(), group_id: "wv:alice/chat@x".into() };
        let want = JoinGroupResponse {
            joined: Some(Joined::mapped(vec![Mapping::new("Al", Some("wv:alice@x".into()))])),
            screen_name: Some(sn.clone()),
            welcome_note: Some(WelcomeNote::text("Hi")),
            ..Default::default()
        };
        assert_eq!(got, Primitive::JoinGroupResponse(want.clone()));
        round_trip(want, &[V1_3]);
        for v in [V1_1, V1_2] {
            let joined = JoinGroupResponse { joined: Some(Joined::mapped(vec![])), ..Default::default() };
            assert_not_in_version(joined, v, "Joined");
            let named = JoinGroupResponse { screen_name: Some(sn.clone()), ..Default::default() };
            assert_not_in_version(named, v, "ScreenName");
        }
        let err = decode_xml(
            V1_3,
            "<JoinGroup-Response><ScreenName><SName>a</SName><GroupID>g</GroupID></ScreenName>\
             <ScreenName><SName>b</SName><GroupID>g</GroupID></ScreenName></JoinGroup-Response>",
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::UnexpectedElement {
                path: "/WV-CSP-Message/Session/Transaction/TransactionContent/JoinGroup-Response".into(),
                found: "ScreenName".into()
            }
        );
    }
}
