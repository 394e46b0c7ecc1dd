//! Session and access primitives (spec notes 2.1; seed section 7).

use crate::codec::csp_struct;

csp_struct! {
    /// `Login-Request`.
    pub struct LoginRequest {}
}

csp_struct! {
    /// `Logout-Request`.
    pub struct LogoutRequest {}
}

csp_struct! {
    /// `KeepAlive-Request`.
    pub struct KeepAliveRequest {}
}

csp_struct! {
    /// `GetSPInfo-Request`.
    pub struct GetSPInfoRequest {}
}

csp_struct! {
    /// `Service-Request`.
    pub struct ServiceRequest {}
}

csp_struct! {
    /// `ClientCapability-Request`.
    pub struct ClientCapabilityRequest {}
}

csp_struct! {
    /// `Polling-Request`.
    pub struct PollingRequest {}
}

csp_struct! {
    /// `VerifyID-Request`.
    pub struct VerifyIDRequest {}
}

csp_struct! {
    /// `WV-CSP-VersionDiscovery-Request`.
    pub struct VersionDiscoveryRequest {}
}

csp_struct! {
    /// `Login-Response`.
    pub struct LoginResponse {}
}

csp_struct! {
    /// `KeepAlive-Response`.
    pub struct KeepAliveResponse {}
}

csp_struct! {
    /// `GetSPInfo-Response`.
    pub struct GetSPInfoResponse {}
}

csp_struct! {
    /// `Service-Response`.
    pub struct ServiceResponse {}
}

csp_struct! {
    /// `ClientCapability-Response`.
    pub struct ClientCapabilityResponse {}
}

csp_struct! {
    /// `WV-CSP-VersionDiscovery-Response`.
    pub struct VersionDiscoveryResponse {}
}

csp_struct! {
    /// `Disconnect`.
    pub struct Disconnect {}
}

csp_struct! {
    /// `Status`.
    pub struct Status {}
}

csp_struct! {
    /// `Extended-Request`.
    pub struct ExtendedRequest {}
}

csp_struct! {
    /// `Extended-Response`.
    pub struct ExtendedResponse {}
}
