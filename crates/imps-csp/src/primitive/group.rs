//! Group primitives (spec notes 2.6; seed section 5).

use crate::codec::csp_struct;

csp_struct! {
    /// `CreateGroup-Request`.
    pub struct CreateGroupRequest {}
}

csp_struct! {
    /// `DeleteGroup-Request`.
    pub struct DeleteGroupRequest {}
}

csp_struct! {
    /// `JoinGroup-Request`.
    pub struct JoinGroupRequest {}
}

csp_struct! {
    /// `LeaveGroup-Request`.
    pub struct LeaveGroupRequest {}
}

csp_struct! {
    /// `GetGroupMembers-Request`.
    pub struct GetGroupMembersRequest {}
}

csp_struct! {
    /// `GetJoinedUsers-Request`.
    pub struct GetJoinedUsersRequest {}
}

csp_struct! {
    /// `AddGroupMembers-Request`.
    pub struct AddGroupMembersRequest {}
}

csp_struct! {
    /// `RemoveGroupMembers-Request`.
    pub struct RemoveGroupMembersRequest {}
}

csp_struct! {
    /// `MemberAccess-Request`.
    pub struct MemberAccessRequest {}
}

csp_struct! {
    /// `GetGroupProps-Request`.
    pub struct GetGroupPropsRequest {}
}

csp_struct! {
    /// `SetGroupProps-Request`.
    pub struct SetGroupPropsRequest {}
}

csp_struct! {
    /// `RejectList-Request`.
    pub struct RejectListRequest {}
}

csp_struct! {
    /// `SubscribeGroupNotice-Request`.
    pub struct SubscribeGroupNoticeRequest {}
}

csp_struct! {
    /// `JoinGroup-Response`.
    pub struct JoinGroupResponse {}
}

csp_struct! {
    /// `GetGroupMembers-Response`.
    pub struct GetGroupMembersResponse {}
}

csp_struct! {
    /// `GetJoinedUsers-Response`.
    pub struct GetJoinedUsersResponse {}
}

csp_struct! {
    /// `GetGroupProps-Response`.
    pub struct GetGroupPropsResponse {}
}

csp_struct! {
    /// `RejectList-Response`.
    pub struct RejectListResponse {}
}

csp_struct! {
    /// `SubscribeGroupNotice-Response`.
    pub struct SubscribeGroupNoticeResponse {}
}

csp_struct! {
    /// `LeaveGroup-Response`.
    pub struct LeaveGroupResponse {}
}

csp_struct! {
    /// `GroupChangeNotice`.
    pub struct GroupChangeNotice {}
}
