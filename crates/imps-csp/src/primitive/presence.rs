//! Presence delivery and reactive authorisation primitives (spec notes 2.3; seed 3.3-3.4).

use crate::codec::csp_struct;

csp_struct! {
    /// `SubscribePresence-Request`.
    pub struct SubscribePresenceRequest {}
}

csp_struct! {
    /// `UnsubscribePresence-Request`.
    pub struct UnsubscribePresenceRequest {}
}

csp_struct! {
    /// `GetPresence-Request`.
    pub struct GetPresenceRequest {}
}

csp_struct! {
    /// `UpdatePresence-Request`.
    pub struct UpdatePresenceRequest {}
}

csp_struct! {
    /// `CancelAuth-Request`.
    pub struct CancelAuthRequest {}
}

csp_struct! {
    /// `GetWatcherList-Request`.
    pub struct GetWatcherListRequest {}
}

csp_struct! {
    /// `GetReactiveAuthStatus-Request`.
    pub struct GetReactiveAuthStatusRequest {}
}

csp_struct! {
    /// `GetPresence-Response`.
    pub struct GetPresenceResponse {}
}

csp_struct! {
    /// `GetWatcherList-Response`.
    pub struct GetWatcherListResponse {}
}

csp_struct! {
    /// `GetReactiveAuthStatus-Response`.
    pub struct GetReactiveAuthStatusResponse {}
}

csp_struct! {
    /// `PresenceNotification-Request`.
    pub struct PresenceNotificationRequest {}
}

csp_struct! {
    /// `PresenceAuth-Request`.
    pub struct PresenceAuthRequest {}
}

csp_struct! {
    /// `PresenceAuth-User`.
    pub struct PresenceAuthUser {}
}
