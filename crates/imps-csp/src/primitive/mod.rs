//! Every CSP primitive as a typed struct, gathered in the [`Primitive`] enum.
//!
//! One struct serves every version; the encoder refuses what a version lacks (a primitive new in
//! 1.2, a field removed in 1.3). Each struct is plain data named after its element.

pub mod access;
pub mod common;
pub mod group;
pub mod im;
pub mod lists;
pub mod presence;
pub mod v13;

use crate::codec::{encode_element, Codec, Sink, Source};
use crate::schema::Elem;
use crate::{Error, Version};

/// Who sends a primitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Originator {
    /// The client (phone, desktop, bot).
    Client,
    /// The server.
    Server,
    /// Either side (`Status`, `Extended-*`, `LeaveGroup-Response`).
    Either,
}

/// Whether a primitive asks or answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrimitiveKind {
    /// It starts a transaction.
    Request,
    /// It answers one.
    Response,
}

macro_rules! primitives {
    ($( $(#[doc = $doc:literal])* $var:ident($ty:path) = $elem:ident, $orig:ident $kind:ident; )*) => {
        /// A CSP primitive: the content of one transaction.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
        #[non_exhaustive]
        pub enum Primitive {
            $( $(#[doc = $doc])* $var($ty), )*
        }

        impl Primitive {
            /// The primitive's element.
            pub fn elem(&self) -> Elem {
                match self { $( Primitive::$var(_) => Elem::$elem, )* }
            }

            /// Who sends it.
            pub fn originator(&self) -> Originator {
                match self { $( Primitive::$var(_) => Originator::$orig, )* }
            }

            /// Request or response.
            pub fn kind(&self) -> PrimitiveKind {
                match self { $( Primitive::$var(_) => PrimitiveKind::$kind, )* }
            }

            /// Every primitive element, with originator and kind.
            pub const ALL: &'static [(Elem, Originator, PrimitiveKind)] = &[
                $( (Elem::$elem, Originator::$orig, PrimitiveKind::$kind), )*
            ];

            pub(crate) fn decode<'a, S: Source<'a>>(src: &mut S, elem: Elem) -> Option<Result<Self, Error>> {
                Some(match elem {
                    $( Elem::$elem => <$ty as Codec>::decode(src, elem).map(Primitive::$var), )*
                    _ => return None,
                })
            }

            pub(crate) fn encode<W: Sink>(&self, w: &mut W) -> Result<(), Error> {
                match self { $( Primitive::$var(p) => encode_element(w, Elem::$elem, p), )* }
            }
        }

        $(
            impl From<$ty> for Primitive {
                fn from(p: $ty) -> Self {
                    Primitive::$var(p)
                }
            }
        )*
    };
}

impl Primitive {
    /// The primitive's element name in `version`.
    pub fn name(&self, version: Version) -> &'static str {
        self.elem().name(version)
    }

    /// Whether `version` has this primitive.
    pub fn exists_in(&self, version: Version) -> bool {
        self.elem().exists_in(version)
    }
}

primitives! {
/// `Login-Request`.
LoginRequest(access::LoginRequest) = LoginRequest, Client Request;
/// `Logout-Request`.
LogoutRequest(access::LogoutRequest) = LogoutRequest, Client Request;
/// `KeepAlive-Request`.
KeepAliveRequest(access::KeepAliveRequest) = KeepAliveRequest, Client Request;
/// `GetSPInfo-Request`.
GetSPInfoRequest(access::GetSPInfoRequest) = GetSPInfoRequest, Client Request;
/// `Service-Request`.
ServiceRequest(access::ServiceRequest) = ServiceRequest, Client Request;
/// `ClientCapability-Request`.
ClientCapabilityRequest(access::ClientCapabilityRequest) = ClientCapabilityRequest, Client Request;
/// `Polling-Request`.
PollingRequest(access::PollingRequest) = PollingRequest, Client Request;
/// `VerifyID-Request`.
VerifyIDRequest(access::VerifyIDRequest) = VerifyIDRequest, Client Request;
/// `WV-CSP-VersionDiscovery-Request`.
VersionDiscoveryRequest(access::VersionDiscoveryRequest) = WVCSPVersionDiscoveryRequest, Client Request;
/// `Login-Response`.
LoginResponse(access::LoginResponse) = LoginResponse, Server Response;
/// `KeepAlive-Response`.
KeepAliveResponse(access::KeepAliveResponse) = KeepAliveResponse, Server Response;
/// `GetSPInfo-Response`.
GetSPInfoResponse(access::GetSPInfoResponse) = GetSPInfoResponse, Server Response;
/// `Service-Response`.
ServiceResponse(access::ServiceResponse) = ServiceResponse, Server Response;
/// `ClientCapability-Response`.
ClientCapabilityResponse(access::ClientCapabilityResponse) = ClientCapabilityResponse, Server Response;
/// `WV-CSP-VersionDiscovery-Response`.
VersionDiscoveryResponse(access::VersionDiscoveryResponse) = WVCSPVersionDiscoveryResponse, Server Response;
/// `Disconnect`.
Disconnect(access::Disconnect) = Disconnect, Server Request;
/// `Status`.
Status(access::Status) = Status, Either Response;
/// `Extended-Request`.
ExtendedRequest(access::ExtendedRequest) = ExtendedRequest, Either Request;
/// `Extended-Response`.
ExtendedResponse(access::ExtendedResponse) = ExtendedResponse, Either Response;
/// `Search-Request`.
SearchRequest(common::SearchRequest) = SearchRequest, Client Request;
/// `StopSearch-Request`.
StopSearchRequest(common::StopSearchRequest) = StopSearchRequest, Client Request;
/// `Invite-Request`.
InviteRequest(common::InviteRequest) = InviteRequest, Client Request;
/// `CancelInvite-Request`.
CancelInviteRequest(common::CancelInviteRequest) = CancelInviteRequest, Client Request;
/// `Search-Response`.
SearchResponse(common::SearchResponse) = SearchResponse, Server Response;
/// `Invite-Response`.
InviteResponse(common::InviteResponse) = InviteResponse, Server Request;
/// `InviteUser-Request`.
InviteUserRequest(common::InviteUserRequest) = InviteUserRequest, Server Request;
/// `CancelInviteUser-Request`.
CancelInviteUserRequest(common::CancelInviteUserRequest) = CancelInviteUserRequest, Server Request;
/// `InviteUser-Response`.
InviteUserResponse(common::InviteUserResponse) = InviteUserResponse, Client Response;
/// `SubscribePresence-Request`.
SubscribePresenceRequest(presence::SubscribePresenceRequest) = SubscribePresenceRequest, Client Request;
/// `UnsubscribePresence-Request`.
UnsubscribePresenceRequest(presence::UnsubscribePresenceRequest) = UnsubscribePresenceRequest, Client Request;
/// `GetPresence-Request`.
GetPresenceRequest(presence::GetPresenceRequest) = GetPresenceRequest, Client Request;
/// `UpdatePresence-Request`.
UpdatePresenceRequest(presence::UpdatePresenceRequest) = UpdatePresenceRequest, Client Request;
/// `CancelAuth-Request`.
CancelAuthRequest(presence::CancelAuthRequest) = CancelAuthRequest, Client Request;
/// `GetWatcherList-Request`.
GetWatcherListRequest(presence::GetWatcherListRequest) = GetWatcherListRequest, Client Request;
/// `GetReactiveAuthStatus-Request`.
GetReactiveAuthStatusRequest(presence::GetReactiveAuthStatusRequest) = GetReactiveAuthStatusRequest, Client Request;
/// `GetPresence-Response`.
GetPresenceResponse(presence::GetPresenceResponse) = GetPresenceResponse, Server Response;
/// `GetWatcherList-Response`.
GetWatcherListResponse(presence::GetWatcherListResponse) = GetWatcherListResponse, Server Response;
/// `GetReactiveAuthStatus-Response`.
GetReactiveAuthStatusResponse(presence::GetReactiveAuthStatusResponse) = GetReactiveAuthStatusResponse, Server Response;
/// `PresenceNotification-Request`.
PresenceNotificationRequest(presence::PresenceNotificationRequest) = PresenceNotificationRequest, Server Request;
/// `PresenceAuth-Request`.
PresenceAuthRequest(presence::PresenceAuthRequest) = PresenceAuthRequest, Server Request;
/// `PresenceAuth-User`.
PresenceAuthUser(presence::PresenceAuthUser) = PresenceAuthUser, Client Response;
/// `GetList-Request`.
GetListRequest(lists::GetListRequest) = GetListRequest, Client Request;
/// `CreateList-Request`.
CreateListRequest(lists::CreateListRequest) = CreateListRequest, Client Request;
/// `DeleteList-Request`.
DeleteListRequest(lists::DeleteListRequest) = DeleteListRequest, Client Request;
/// `ListManage-Request`.
ListManageRequest(lists::ListManageRequest) = ListManageRequest, Client Request;
/// `CreateAttributeList-Request`.
CreateAttributeListRequest(lists::CreateAttributeListRequest) = CreateAttributeListRequest, Client Request;
/// `DeleteAttributeList-Request`.
DeleteAttributeListRequest(lists::DeleteAttributeListRequest) = DeleteAttributeListRequest, Client Request;
/// `GetAttributeList-Request`.
GetAttributeListRequest(lists::GetAttributeListRequest) = GetAttributeListRequest, Client Request;
/// `GetList-Response`.
GetListResponse(lists::GetListResponse) = GetListResponse, Server Response;
/// `ListManage-Response`.
ListManageResponse(lists::ListManageResponse) = ListManageResponse, Server Response;
/// `GetAttributeList-Response`.
GetAttributeListResponse(lists::GetAttributeListResponse) = GetAttributeListResponse, Server Response;
/// `CreateList-Response`.
CreateListResponse(lists::CreateListResponse) = CreateListResponse, Server Response;
/// `SendMessage-Request`.
SendMessageRequest(im::SendMessageRequest) = SendMessageRequest, Client Request;
/// `GetMessage-Request`.
GetMessageRequest(im::GetMessageRequest) = GetMessageRequest, Client Request;
/// `ForwardMessage-Request`.
ForwardMessageRequest(im::ForwardMessageRequest) = ForwardMessageRequest, Client Request;
/// `RejectMessage-Request`.
RejectMessageRequest(im::RejectMessageRequest) = RejectMessageRequest, Client Request;
/// `GetMessageList-Request`.
GetMessageListRequest(im::GetMessageListRequest) = GetMessageListRequest, Client Request;
/// `SetDeliveryMethod-Request`.
SetDeliveryMethodRequest(im::SetDeliveryMethodRequest) = SetDeliveryMethodRequest, Client Request;
/// `GetBlockedList-Request`.
GetBlockedListRequest(im::GetBlockedListRequest) = GetBlockedListRequest, Client Request;
/// `BlockEntity-Request`.
BlockEntityRequest(im::BlockEntityRequest) = BlockEntityRequest, Client Request;
/// `SendMessage-Response`.
SendMessageResponse(im::SendMessageResponse) = SendMessageResponse, Server Response;
/// `GetMessage-Response`.
GetMessageResponse(im::GetMessageResponse) = GetMessageResponse, Server Response;
/// `GetMessageList-Response`.
GetMessageListResponse(im::GetMessageListResponse) = GetMessageListResponse, Server Response;
/// `GetBlockedList-Response`.
GetBlockedListResponse(im::GetBlockedListResponse) = GetBlockedListResponse, Server Response;
/// `ForwardMessage-Response`.
ForwardMessageResponse(im::ForwardMessageResponse) = ForwardMessageResponse, Server Response;
/// `NewMessage`.
NewMessage(im::NewMessage) = NewMessage, Server Request;
/// `MessageNotification`.
MessageNotification(im::MessageNotification) = MessageNotification, Server Request;
/// `DeliveryReport-Request`.
DeliveryReportRequest(im::DeliveryReportRequest) = DeliveryReportRequest, Server Request;
/// `MessageDelivered`.
MessageDelivered(im::MessageDelivered) = MessageDelivered, Client Response;
/// `CreateGroup-Request`.
CreateGroupRequest(group::CreateGroupRequest) = CreateGroupRequest, Client Request;
/// `DeleteGroup-Request`.
DeleteGroupRequest(group::DeleteGroupRequest) = DeleteGroupRequest, Client Request;
/// `JoinGroup-Request`.
JoinGroupRequest(group::JoinGroupRequest) = JoinGroupRequest, Client Request;
/// `LeaveGroup-Request`.
LeaveGroupRequest(group::LeaveGroupRequest) = LeaveGroupRequest, Client Request;
/// `GetGroupMembers-Request`.
GetGroupMembersRequest(group::GetGroupMembersRequest) = GetGroupMembersRequest, Client Request;
/// `GetJoinedUsers-Request`.
GetJoinedUsersRequest(group::GetJoinedUsersRequest) = GetJoinedUsersRequest, Client Request;
/// `AddGroupMembers-Request`.
AddGroupMembersRequest(group::AddGroupMembersRequest) = AddGroupMembersRequest, Client Request;
/// `RemoveGroupMembers-Request`.
RemoveGroupMembersRequest(group::RemoveGroupMembersRequest) = RemoveGroupMembersRequest, Client Request;
/// `MemberAccess-Request`.
MemberAccessRequest(group::MemberAccessRequest) = MemberAccessRequest, Client Request;
/// `GetGroupProps-Request`.
GetGroupPropsRequest(group::GetGroupPropsRequest) = GetGroupPropsRequest, Client Request;
/// `SetGroupProps-Request`.
SetGroupPropsRequest(group::SetGroupPropsRequest) = SetGroupPropsRequest, Client Request;
/// `RejectList-Request`.
RejectListRequest(group::RejectListRequest) = RejectListRequest, Client Request;
/// `SubscribeGroupNotice-Request`.
SubscribeGroupNoticeRequest(group::SubscribeGroupNoticeRequest) = SubscribeGroupNoticeRequest, Client Request;
/// `JoinGroup-Response`.
JoinGroupResponse(group::JoinGroupResponse) = JoinGroupResponse, Server Response;
/// `GetGroupMembers-Response`.
GetGroupMembersResponse(group::GetGroupMembersResponse) = GetGroupMembersResponse, Server Response;
/// `GetJoinedUsers-Response`.
GetJoinedUsersResponse(group::GetJoinedUsersResponse) = GetJoinedUsersResponse, Server Response;
/// `GetGroupProps-Response`.
GetGroupPropsResponse(group::GetGroupPropsResponse) = GetGroupPropsResponse, Server Response;
/// `RejectList-Response`.
RejectListResponse(group::RejectListResponse) = RejectListResponse, Server Response;
/// `SubscribeGroupNotice-Response`.
SubscribeGroupNoticeResponse(group::SubscribeGroupNoticeResponse) = SubscribeGroupNoticeResponse, Server Response;
/// `LeaveGroup-Response`.
LeaveGroupResponse(group::LeaveGroupResponse) = LeaveGroupResponse, Either Response;
/// `GroupChangeNotice`.
GroupChangeNotice(group::GroupChangeNotice) = GroupChangeNotice, Server Request;
/// `GetSegment-Request`.
GetSegmentRequest(v13::GetSegmentRequest) = GetSegmentRequest, Client Request;
/// `DropSegment-Request`.
DropSegmentRequest(v13::DropSegmentRequest) = DropSegmentRequest, Client Request;
/// `SubscribeNotification-Request`.
SubscribeNotificationRequest(v13::SubscribeNotificationRequest) = SubscribeNotificationRequest, Client Request;
/// `UnsubscribeNotification-Request`.
UnsubscribeNotificationRequest(v13::UnsubscribeNotificationRequest) = UnsubscribeNotificationRequest, Client Request;
/// `GetPublicProfile-Request`.
GetPublicProfileRequest(v13::GetPublicProfileRequest) = GetPublicProfileRequest, Client Request;
/// `UpdatePublicProfile-Request`.
UpdatePublicProfileRequest(v13::UpdatePublicProfileRequest) = UpdatePublicProfileRequest, Client Request;
/// `GetMap-Request`.
GetMapRequest(v13::GetMapRequest) = GetMapRequest, Client Request;
/// `ExtendConversation-Request`.
ExtendConversationRequest(v13::ExtendConversationRequest) = ExtendConversationRequest, Client Request;
/// `GetSegment-Response`.
GetSegmentResponse(v13::GetSegmentResponse) = GetSegmentResponse, Server Response;
/// `GetPublicProfile-Response`.
GetPublicProfileResponse(v13::GetPublicProfileResponse) = GetPublicProfileResponse, Server Response;
/// `GetMap-Response`.
GetMapResponse(v13::GetMapResponse) = GetMapResponse, Server Response;
/// `ExtendConversation-Response`.
ExtendConversationResponse(v13::ExtendConversationResponse) = ExtendConversationResponse, Server Response;
/// `Notification-Request`.
NotificationRequest(v13::NotificationRequest) = NotificationRequest, Server Request;
/// `SystemMessage-Request`.
SystemMessageRequest(v13::SystemMessageRequest) = SystemMessageRequest, Server Request;
/// `SystemMessage-User`.
SystemMessageUser(v13::SystemMessageUser) = SystemMessageUser, Client Response;}
