//! Primitives added in IMPS-CSP 1.3 (spec notes 2.1, section 9).

use crate::codec::csp_struct;

csp_struct! {
    /// `GetSegment-Request`.
    pub struct GetSegmentRequest {}
}

csp_struct! {
    /// `DropSegment-Request`.
    pub struct DropSegmentRequest {}
}

csp_struct! {
    /// `SubscribeNotification-Request`.
    pub struct SubscribeNotificationRequest {}
}

csp_struct! {
    /// `UnsubscribeNotification-Request`.
    pub struct UnsubscribeNotificationRequest {}
}

csp_struct! {
    /// `GetPublicProfile-Request`.
    pub struct GetPublicProfileRequest {}
}

csp_struct! {
    /// `UpdatePublicProfile-Request`.
    pub struct UpdatePublicProfileRequest {}
}

csp_struct! {
    /// `GetMap-Request`.
    pub struct GetMapRequest {}
}

csp_struct! {
    /// `ExtendConversation-Request`.
    pub struct ExtendConversationRequest {}
}

csp_struct! {
    /// `GetSegment-Response`.
    pub struct GetSegmentResponse {}
}

csp_struct! {
    /// `GetPublicProfile-Response`.
    pub struct GetPublicProfileResponse {}
}

csp_struct! {
    /// `GetMap-Response`.
    pub struct GetMapResponse {}
}

csp_struct! {
    /// `ExtendConversation-Response`.
    pub struct ExtendConversationResponse {}
}

csp_struct! {
    /// `Notification-Request`.
    pub struct NotificationRequest {}
}

csp_struct! {
    /// `SystemMessage-Request`.
    pub struct SystemMessageRequest {}
}

csp_struct! {
    /// `SystemMessage-User`.
    pub struct SystemMessageUser {}
}
