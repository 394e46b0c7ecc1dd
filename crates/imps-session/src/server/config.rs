//! Server configuration: the domain, what the service provider offers, and limits.

use imps_csp::elements::Logo;
use imps_csp::primitive::access::ServiceTree;
use serde::{Deserialize, Serialize};

use crate::digest::DigestAlgorithm;

/// Service-provider information returned by `GetSPInfo` (seed 7.4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SpInfo {
    /// Provider name.
    pub name: String,
    /// Provider logo.
    pub logo: Option<Logo>,
    /// Descriptive text.
    pub description: Option<String>,
    /// URL of the provider's web pages.
    pub url: Option<String>,
}

/// How users may authenticate (seed 7.1; spec notes 2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginPolicy {
    /// Accept a plain `Password` in `Login-Request`.
    pub allow_password: bool,
    /// Digest schemas offered for the 4-way login, in order of preference. A login without a
    /// password is challenged with a nonce and the first schema the client also lists (or the
    /// first here when the client lists none).
    pub digest_schemas: Vec<DigestAlgorithm>,
    /// How long a login challenge (nonce) stays valid, in seconds.
    pub challenge_validity_secs: u64,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            allow_password: true,
            digest_schemas: vec![DigestAlgorithm::Sha1, DigestAlgorithm::Md5],
            challenge_validity_secs: 120,
        }
    }
}

/// A public group created by the service provider (seed 5.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PublicGroupConfig {
    /// The group id, e.g. `wv:chat/lobby@example.com`.
    pub group_id: String,
    /// `Name` property.
    pub name: String,
    /// `Topic` property.
    pub topic: Option<String>,
    /// `Searchable` property.
    pub searchable: bool,
    /// `MaxActiveUsers` property.
    pub max_active_users: Option<u32>,
    /// Welcome note text.
    pub welcome_note: Option<String>,
}

/// Limits that keep every queue and table bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted request message, in bytes.
    pub max_request_bytes: usize,
    /// Largest accepted `ContentData` of an instant message, in bytes.
    pub max_message_bytes: usize,
    /// Server-originated transactions waiting per session; beyond it, deliveries fall back
    /// (messages are stored for later retrieval, notifications coalesced) or fail visibly.
    pub max_session_queue: usize,
    /// Server-originated transactions handed out per `Polling-Request` answer.
    pub max_poll_batch: usize,
    /// Concurrent sessions per user.
    pub max_sessions_per_user: usize,
    /// Undelivered messages stored per user (store and forward, seed 4.2).
    pub max_stored_messages_per_user: usize,
    /// Default validity of a stored message, in seconds.
    pub default_message_validity_secs: u64,
    /// Longest validity a sender may ask for, in seconds.
    pub max_message_validity_secs: u64,
    /// Groups a user may own.
    pub max_groups_per_user: usize,
    /// Groups on the server.
    pub max_groups: usize,
    /// Members (and joined users) per group.
    pub max_group_size: usize,
    /// Results a search returns per page (`SearchLimit` is capped to it).
    pub max_search_results: u32,
    /// How long a search stays available for paging, in seconds.
    pub search_validity_secs: u64,
    /// Default validity of an invitation, in seconds.
    pub default_invitation_validity_secs: u64,
    /// Longest validity an inviter may ask for, in seconds (longer requests are capped).
    pub max_invitation_validity_secs: u64,
    /// Searches a session keeps open for paging; a new one beyond it replaces the least
    /// recently used.
    pub max_searches_per_session: usize,
    /// Results one search may find; more is answered 536 (too many hits).
    pub max_search_findings: usize,
    /// Shortest `SearchString` accepted, in characters; shorter is answered 537 (too broad).
    pub min_search_string_chars: usize,
    /// Open invitations a user may have sent.
    pub max_invitations_per_user: usize,
    /// Recipients of one invitation, after contact lists and groups are expanded.
    pub max_invitation_recipients: usize,
    /// Unanswered invitations waiting for one recipient (delivered or kept for its login).
    pub max_pending_invitations_per_user: usize,
    /// Contact lists per user.
    pub max_contact_lists: usize,
    /// Members per contact list.
    pub max_contacts_per_list: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_bytes: 1024 * 1024,
            max_message_bytes: 256 * 1024,
            max_session_queue: 256,
            max_poll_batch: 32,
            max_sessions_per_user: 8,
            max_stored_messages_per_user: 500,
            default_message_validity_secs: 7 * 24 * 3600,
            max_message_validity_secs: 30 * 24 * 3600,
            max_groups_per_user: 50,
            max_groups: 100_000,
            max_group_size: 5_000,
            max_search_results: 100,
            search_validity_secs: 600,
            default_invitation_validity_secs: 24 * 3600,
            max_invitation_validity_secs: 7 * 24 * 3600,
            max_searches_per_session: 4,
            max_search_findings: 1_000,
            min_search_string_chars: 2,
            max_invitations_per_user: 50,
            max_invitation_recipients: 100,
            max_pending_invitations_per_user: 50,
            max_contact_lists: 50,
            max_contacts_per_list: 1_000,
        }
    }
}

/// Everything a server is configured with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The home domain, e.g. `example.com`; user ids without a domain belong to it.
    pub domain: String,
    /// `GetSPInfo` answer.
    pub sp_info: SpInfo,
    /// The functions this server offers; service negotiation agrees a subset (seed 7.2).
    pub offered: ServiceTree,
    /// Whether a session must negotiate services (`Service-Request`) before using any
    /// feature; when false, a session that never negotiates may use everything offered.
    pub require_service_negotiation: bool,
    /// Authentication.
    pub login: LoginPolicy,
    /// Keep-alive time granted when the client asks for none, in seconds (seed 7.3).
    pub default_keep_alive_secs: u32,
    /// Shortest keep-alive time granted, in seconds.
    pub min_keep_alive_secs: u32,
    /// Longest keep-alive time granted, in seconds.
    pub max_keep_alive_secs: u32,
    /// Grace beyond the keep-alive time before a silent session expires, in seconds.
    pub keep_alive_grace_secs: u32,
    /// Provider-created public groups (seed 5.1.2).
    pub public_groups: Vec<PublicGroupConfig>,
    /// Limits.
    pub limits: Limits,
}

impl ServerConfig {
    /// A configuration for `domain` offering every function, with default limits.
    pub fn new(domain: impl Into<String>) -> Self {
        let domain = domain.into();
        ServerConfig {
            sp_info: SpInfo { name: domain.clone(), ..SpInfo::default() },
            domain,
            offered: ServiceTree::all(),
            require_service_negotiation: false,
            login: LoginPolicy::default(),
            default_keep_alive_secs: 300,
            min_keep_alive_secs: 30,
            max_keep_alive_secs: 3600,
            keep_alive_grace_secs: 60,
            public_groups: Vec::new(),
            limits: Limits::default(),
        }
    }
}
