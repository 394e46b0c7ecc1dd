//! Interoperability management (seed 9.1-9.5): session setup with the shared secret, session
//! maintenance and termination, service discovery and negotiation, user profiles.

use imps_csp::ids::UserId;

use super::common::{MetaInfo, ServiceRef, Status, UserIdRef};
use crate::codec::{ssp_enum, ssp_struct};

ssp_struct! {
    /// `SecretToken` (Baraza): a token, BASE64 when `encoding="base64"`. Here it carries the
    /// sender's random challenge (see the crate docs on the security model).
    pub struct SecretToken = "SecretToken" {
        /// `base64` or absent.
        pub encoding: Option<String> = attr("encoding"),
        /// The token.
        pub value: String = text,
    }
}

ssp_struct! {
    /// `SendSecretToken serviceID="wv:@domain" protocol="WV-SSP" protocolVersion="1.3"`
    /// (Baraza): the first step of session setup, sent in a `SetupTransaction` by the requestor
    /// (mode `Request`) and answered with the provider's own (mode `Response`).
    pub struct SendSecretToken = "SendSecretToken" {
        /// The sending domain, `wv:@domain`.
        pub service_id: String = attr("serviceID"),
        /// Always `WV-SSP`.
        pub protocol: String = attr("protocol"),
        /// `1.3`.
        pub protocol_version: String = attr("protocolVersion"),
        /// The challenge.
        pub secret_token: SecretToken = child,
    }
}

ssp_struct! {
    /// `PasswordDigest encoding="base64"` (Baraza): proof of the shared secret.
    pub struct PasswordDigest = "PasswordDigest" {
        /// `base64`.
        pub encoding: Option<String> = attr("encoding"),
        /// The digest.
        pub value: String = text,
    }
}

ssp_struct! {
    /// `LoginRequest serviceID="…" timeToLive="…"` with a `PasswordDigest` (Baraza).
    pub struct LoginRequest = "LoginRequest" {
        /// The requesting domain, `wv:@domain`.
        pub service_id: String = attr("serviceID"),
        /// Requested session time to live, seconds.
        pub time_to_live: Option<u32> = attr("timeToLive"),
        /// Digest of the provider's challenge with the shared secret.
        pub password_digest: PasswordDigest = child,
    }
}

ssp_struct! {
    /// `LoginResponse sessionID="…" timeToLive="…"` with `Status` (Baraza). The provider's
    /// own `PasswordDigest` (inferred; Baraza has each side log in to the other) proves it holds
    /// the secret too.
    pub struct LoginResponse = "LoginResponse" {
        /// The session, on success.
        pub session_id: Option<String> = attr("sessionID"),
        /// Granted time to live, seconds.
        pub time_to_live: Option<u32> = attr("timeToLive"),
        /// Result.
        pub status: Status = child,
        /// Digest of the requestor's challenge with the shared secret.
        pub password_digest: Option<PasswordDigest> = child,
    }
}

ssp_struct! {
    /// `KeepAliveRequest timeToLive="…"` (inferred, as CSP `KeepAlive-Request`): session
    /// maintenance.
    pub struct KeepAliveRequest = "KeepAliveRequest" {
        /// Requested time to live, seconds.
        pub time_to_live: Option<u32> = attr("timeToLive"),
    }
}

ssp_struct! {
    /// `KeepAliveResponse timeToLive="…"` with `Status` (inferred).
    pub struct KeepAliveResponse = "KeepAliveResponse" {
        /// Granted time to live, seconds.
        pub time_to_live: Option<u32> = attr("timeToLive"),
        /// Result.
        pub status: Status = child,
    }
}

ssp_struct! {
    /// `LogoutRequest` (inferred): the requestor ends its session; answered with `Status`.
    pub struct LogoutRequest = "LogoutRequest" {}
}

ssp_struct! {
    /// `ServiceDiscoveryRequest` (inferred, seed 9.4.1): which services does the provider
    /// support at all?
    pub struct ServiceDiscoveryRequest = "ServiceDiscoveryRequest" {}
}

ssp_struct! {
    /// `ServiceDiscoveryResponse`: every service the provider supports.
    pub struct ServiceDiscoveryResponse = "ServiceDiscoveryResponse" {
        /// Result.
        pub status: Status = child,
        /// The services.
        pub services: Vec<ServiceRef> = child,
    }
}

ssp_struct! {
    /// `ServiceNegotiationRequest` (inferred, seed 9.4.2): the services the requestor wants
    /// within its session.
    pub struct ServiceNegotiationRequest = "ServiceNegotiationRequest" {
        /// The services asked for.
        pub services: Vec<ServiceRef> = child,
    }
}

ssp_struct! {
    /// `ServiceNegotiationResponse`: the services agreed for the session (those asked for that
    /// the provider's agreement with the requestor allows).
    pub struct ServiceNegotiationResponse = "ServiceNegotiationResponse" {
        /// Result.
        pub status: Status = child,
        /// The agreed services.
        pub services: Vec<ServiceRef> = child,
    }
}

ssp_enum! {
    /// Whether a user's service is active (seed 9.5: "the service status (active /
    /// inactive)"). A domain reports its user `Active` at login and `Inactive` at logout to the
    /// domains that provide services to it.
    pub enum ProfileStatus {
        /// Logged in, using the services.
        Active = "Active",
        /// Not using them now.
        Inactive = "Inactive",
    }
}

ssp_struct! {
    /// `Privacy` (inferred, seed 9.5: "privacy status with regard to network service
    /// capabilities (e.g. user location, user interaction)").
    pub struct Privacy = "Privacy" {
        /// Whether the user's location may be disclosed.
        pub location: Option<bool> = attr("location"),
        /// Whether the user may be interacted with (e.g. invited).
        pub interaction: Option<bool> = attr("interaction"),
    }
}

ssp_struct! {
    /// `TerminalCapabilities` (inferred, seed 9.5, modelled on CSP `CapabilityList`).
    pub struct TerminalCapabilities = "TerminalCapabilities" {
        /// CSP `ClientType` (`MOBILE_PHONE`, `COMPUTER`…).
        pub client_type: Option<String> = attr("clientType"),
        /// Largest content accepted, bytes.
        pub accepted_content_length: Option<u32> = attr("acceptedContentLength"),
        /// Accepted content types.
        pub accepted_content_types: Vec<String> = text_child("AcceptedContentType"),
    }
}

ssp_struct! {
    /// `UserProfile userID="…" status="…"` (inferred, seed 9.5): the services a user
    /// subscribes to, their status, privacy and terminal capabilities.
    pub struct UserProfile = "UserProfile" {
        /// The user.
        pub user_id: UserId = attr("userID"),
        /// Active or inactive.
        pub status: Option<ProfileStatus> = attr("status"),
        /// Services subscribed to.
        pub services: Vec<ServiceRef> = child,
        /// Privacy settings.
        pub privacy: Option<Privacy> = child,
        /// Terminal capabilities.
        pub terminal: Option<TerminalCapabilities> = child,
    }
}

ssp_struct! {
    /// `GetUserProfileRequest` (seed 9.5 "Get-User-Profile").
    pub struct GetUserProfileRequest = "GetUserProfileRequest" {
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// The users.
        pub users: Vec<UserIdRef> = child,
    }
}

ssp_struct! {
    /// `GetUserProfileResponse`: the profiles known (201 with details when some are not).
    pub struct GetUserProfileResponse = "GetUserProfileResponse" {
        /// Result.
        pub status: Status = child,
        /// Profiles.
        pub profiles: Vec<UserProfile> = child,
    }
}

ssp_struct! {
    /// `UpdateUserProfileRequest` (seed 9.5 "Update-User-Profile"), answered with `Status`.
    pub struct UpdateUserProfileRequest = "UpdateUserProfileRequest" {
        /// Requestor.
        pub meta_info: Option<MetaInfo> = child,
        /// The profiles (whole replacements).
        pub profiles: Vec<UserProfile> = child,
    }
}
