//! Groups relayed between domains (seed 5 through 9.6). Group requests go to the domain that
//! provides the group (its id's domain, or the domain the service table names for it).

use imps_csp::ids::{GroupId, UserId};

use super::common::{DeliverTo, MetaInfo, ScreenName, Status, User, UserIdRef};
use crate::codec::ssp_struct;

ssp_struct! {
    /// `Property name="…" value="…"` (Baraza): one group or own property.
    pub struct Property = "Property" {
        /// Name.
        pub name: String = attr("name"),
        /// Value.
        pub value: Option<String> = attr("value"),
    }
}

ssp_struct! {
    /// `WelcomeNote contentType="…"` (Baraza): the group's welcome note, its text as content.
    pub struct WelcomeNote = "WelcomeNote" {
        /// MIME type.
        pub content_type: String = attr("contentType"),
        /// CSP content encoding (`None`, `BASE64`).
        pub encoding: Option<String> = attr("encoding"),
        /// The note.
        pub data: String = text,
    }
}

ssp_struct! {
    /// `GroupProperties` (Baraza).
    pub struct GroupProperties = "GroupProperties" {
        /// Properties.
        pub properties: Vec<Property> = child,
        /// Welcome note.
        pub welcome_note: Option<WelcomeNote> = child,
    }
}

ssp_struct! {
    /// `OwnProperties` (Baraza): a user's own properties in the group.
    pub struct OwnProperties = "OwnProperties" {
        /// Properties.
        pub properties: Vec<Property> = child,
    }
}

ssp_struct! {
    /// `Mapping name="…" userID="…"` (Baraza `Mapping (SName, UserID?)` as attributes): a
    /// joined user's screen name and, when shown, its id.
    pub struct Mapping = "Mapping" {
        /// Screen name.
        pub name: String = attr("name"),
        /// User id, when the user shows it.
        pub user_id: Option<UserId> = attr("userID"),
    }
}

ssp_struct! {
    /// `JoinedList` (Baraza): who is in the group, answering a join.
    pub struct JoinedList = "JoinedList" {
        /// Mappings.
        pub mappings: Vec<Mapping> = child,
    }
}

ssp_struct! {
    /// `JoinGroupRequest groupID= joinedListRequest= subscribeNotif=` (Baraza).
    pub struct JoinGroupRequest = "JoinGroupRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Whether the joined users are wanted in the answer.
        pub joined_list_request: Option<bool> = attr("joinedListRequest"),
        /// Whether to subscribe to change notices.
        pub subscribe_notif: bool = attr("subscribeNotif"),
        /// Requestor: the joining user.
        pub meta_info: Option<MetaInfo> = child,
        /// Screen name to join with.
        pub screen_name: Option<ScreenName> = child,
        /// Own properties.
        pub own_properties: Option<OwnProperties> = child,
    }
}

ssp_struct! {
    /// `JoinGroupResponse` with `Status` (Baraza).
    pub struct JoinGroupResponse = "JoinGroupResponse" {
        /// Result.
        pub status: Status = child,
        /// Welcome note.
        pub welcome_note: Option<WelcomeNote> = child,
        /// Joined users.
        pub joined_list: Option<JoinedList> = child,
    }
}

ssp_struct! {
    /// `LeaveGroupRequest groupID=` (Baraza).
    pub struct LeaveGroupRequest = "LeaveGroupRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `LeaveGroupResponse groupID=` with `Status` (inferred, CSP `LeaveGroup-Response`).
    pub struct LeaveGroupResponse = "LeaveGroupResponse" {
        /// The group.
        pub group_id: Option<GroupId> = attr("groupID"),
        /// Result.
        pub status: Status = child,
    }
}

ssp_struct! {
    /// `LeaveGroupIndication groupID=` (Baraza): a user of the receiving domain was made to
    /// leave the group.
    pub struct LeaveGroupIndication = "LeaveGroupIndication" {
        /// The group.
        pub group_id: Option<GroupId> = attr("groupID"),
        /// Requestor (the group's provider).
        pub meta_info: Option<MetaInfo> = child,
        /// The user.
        pub deliver_to: DeliverTo = child,
        /// Why.
        pub status: Status = child,
    }
}

macro_rules! user_list {
    ($(#[$meta:meta])* $name:ident = $tag:literal) => {
        ssp_struct! {
            $(#[$meta])*
            pub struct $name = $tag {
                /// Users.
                pub users: Vec<User> = child,
                /// Screen names.
                pub screen_names: Vec<ScreenName> = child,
            }
        }
    };
}

user_list!(
    /// `Admins` (Baraza).
    Admins = "Admins"
);
user_list!(
    /// `Moderators` (Baraza).
    Moderators = "Moderators"
);
user_list!(
    /// `OrdinaryUsers` (Baraza).
    OrdinaryUsers = "OrdinaryUsers"
);
user_list!(
    /// `RejectList` (Baraza).
    RejectList = "RejectList"
);
user_list!(
    /// `Left` (Baraza): who left, in a change notice.
    Left = "Left"
);

ssp_struct! {
    /// `GetGroupMemberRequest groupID=` (Baraza).
    pub struct GetGroupMemberRequest = "GetGroupMemberRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `GetGroupMemberResponse` (Baraza).
    pub struct GetGroupMemberResponse = "GetGroupMemberResponse" {
        /// Result.
        pub status: Status = child,
        /// Administrators.
        pub admins: Option<Admins> = child,
        /// Moderators.
        pub moderators: Option<Moderators> = child,
        /// Ordinary members.
        pub ordinary_users: Option<OrdinaryUsers> = child,
    }
}

ssp_struct! {
    /// `AddGroupMemberRequest groupID=` (Baraza), answered with `Status`.
    pub struct AddGroupMemberRequest = "AddGroupMemberRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// Users.
        pub users: Vec<User> = child,
        /// Screen names.
        pub screen_names: Vec<ScreenName> = child,
    }
}

ssp_struct! {
    /// `RemoveGroupMemberRequest groupID=` (Baraza), answered with `Status`.
    pub struct RemoveGroupMemberRequest = "RemoveGroupMemberRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// Users.
        pub users: Vec<User> = child,
        /// Screen names.
        pub screen_names: Vec<ScreenName> = child,
    }
}

ssp_struct! {
    /// `MemberAccessRequest groupID=` (Baraza): roles, answered with `Status`.
    pub struct MemberAccessRequest = "MemberAccessRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// New administrators.
        pub admins: Option<Admins> = child,
        /// New moderators.
        pub moderators: Option<Moderators> = child,
        /// New ordinary members.
        pub ordinary_users: Option<OrdinaryUsers> = child,
    }
}

ssp_struct! {
    /// `GetGroupPropsRequest groupID=` (Baraza).
    pub struct GetGroupPropsRequest = "GetGroupPropsRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `GetGroupPropsResponse` (Baraza).
    pub struct GetGroupPropsResponse = "GetGroupPropsResponse" {
        /// Result.
        pub status: Status = child,
        /// Group properties.
        pub group_properties: Option<GroupProperties> = child,
        /// The requestor's own properties.
        pub own_properties: Option<OwnProperties> = child,
    }
}

ssp_struct! {
    /// `SetGroupPropsRequest groupID=` (Baraza), answered with `Status`.
    pub struct SetGroupPropsRequest = "SetGroupPropsRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// Group properties.
        pub group_properties: Option<GroupProperties> = child,
        /// Own properties.
        pub own_properties: Option<OwnProperties> = child,
    }
}

macro_rules! id_list {
    ($(#[$meta:meta])* $name:ident = $tag:literal) => {
        ssp_struct! {
            $(#[$meta])*
            pub struct $name = $tag {
                /// Users.
                pub users: Vec<UserIdRef> = child,
                /// Screen names.
                pub screen_names: Vec<ScreenName> = child,
            }
        }
    };
}

id_list!(
    /// `AddUsers` (Baraza): added to a reject list.
    AddUsers = "AddUsers"
);
id_list!(
    /// `RemoveUsers` (Baraza): removed from a reject list.
    RemoveUsers = "RemoveUsers"
);

ssp_struct! {
    /// `RejectListRequest groupID=` (Baraza).
    pub struct RejectListRequest = "RejectListRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// To reject.
        pub add_users: Option<AddUsers> = child,
        /// To admit again.
        pub remove_users: Option<RemoveUsers> = child,
    }
}

ssp_struct! {
    /// `RejectListResponse` (Baraza).
    pub struct RejectListResponse = "RejectListResponse" {
        /// Result.
        pub status: Status = child,
        /// The reject list.
        pub reject_list: Option<RejectList> = child,
    }
}

ssp_struct! {
    /// `GetJoinedUsersRequest groupID=` (Baraza).
    pub struct GetJoinedUsersRequest = "GetJoinedUsersRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

macro_rules! mapping_list {
    ($(#[$meta:meta])* $name:ident = $tag:literal) => {
        ssp_struct! {
            $(#[$meta])*
            pub struct $name = $tag {
                /// Mappings.
                pub mappings: Vec<Mapping> = child,
            }
        }
    };
}

mapping_list!(
    /// `JoinedAdmin` (Baraza): joined administrators.
    JoinedAdmin = "JoinedAdmin"
);
mapping_list!(
    /// `JoinedModerator` (inferred beside Baraza's `JoinedAdmin`): joined moderators.
    JoinedModerator = "JoinedModerator"
);
mapping_list!(
    /// `JoinedUsers` (Baraza): joined users (all of them when no roles are shown).
    JoinedUsers = "JoinedUsers"
);
mapping_list!(
    /// `Joined` (Baraza): who joined, in a change notice.
    Joined = "Joined"
);

ssp_struct! {
    /// `GetJoinedUsersResponse` (Baraza). With `JoinedAdmin` or `JoinedModerator` it is CSP's
    /// `AdminMapList`, otherwise its `UserMapList`.
    pub struct GetJoinedUsersResponse = "GetJoinedUsersResponse" {
        /// Result.
        pub status: Status = child,
        /// Administrators.
        pub joined_admin: Option<JoinedAdmin> = child,
        /// Moderators.
        pub joined_moderator: Option<JoinedModerator> = child,
        /// Users.
        pub joined_users: Option<JoinedUsers> = child,
    }
}

ssp_struct! {
    /// `SubscribeGroupChangeRequest groupID=` (Baraza), answered with `Status`.
    pub struct SubscribeGroupChangeRequest = "SubscribeGroupChangeRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `UnsubscribeGroupChangeRequest groupID=` (Baraza), answered with `Status`.
    pub struct UnsubscribeGroupChangeRequest = "UnsubscribeGroupChangeRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `GetGroupSubStatusRequest groupID=` (Baraza): is the requestor subscribed?
    pub struct GetGroupSubStatusRequest = "GetGroupSubStatusRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}

ssp_struct! {
    /// `GetGroupSubStatusResponse subscribed="Yes|No"` (Baraza).
    pub struct GetGroupSubStatusResponse = "GetGroupSubStatusResponse" {
        /// Whether subscribed.
        pub subscribed: bool = attr("subscribed"),
        /// Result.
        pub status: Status = child,
    }
}

ssp_struct! {
    /// `GroupChangeNotice groupID=` (Baraza): for a joined user of the receiving domain.
    pub struct GroupChangeNotice = "GroupChangeNotice" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor (the group's provider).
        pub meta_info: Option<MetaInfo> = child,
        /// The user.
        pub deliver_to: DeliverTo = child,
        /// Who joined.
        pub joined: Option<Joined> = child,
        /// Who left.
        pub left: Option<Left> = child,
        /// Changed group properties.
        pub group_properties: Option<GroupProperties> = child,
        /// Changed own properties.
        pub own_properties: Option<OwnProperties> = child,
    }
}

ssp_struct! {
    /// `DeleteGroupRequest groupID=` (Baraza), answered with `Status`.
    pub struct DeleteGroupRequest = "DeleteGroupRequest" {
        /// The group.
        pub group_id: GroupId = attr("groupID"),
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
    }
}
