//! A domain's SSP configuration: its agreements with other domains and its service table.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::model::common::Service;

/// A service agreement with one other domain (seed 9.1, 9.4.2): the shared secret that
/// authenticates the two servers to each other, and the services each provides to the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The other domain.
    pub peer: String,
    /// The secret both servers were given out of band.
    pub secret: String,
    /// Services this domain provides to the peer: its requests for them are accepted.
    pub provides: BTreeSet<Service>,
    /// Services this domain uses from the peer: asked for in service negotiation.
    pub uses: BTreeSet<Service>,
}

impl Agreement {
    /// An agreement providing and using `services` both ways.
    pub fn mutual(peer: impl Into<String>, secret: impl Into<String>, services: &[Service]) -> Self {
        let s: BTreeSet<Service> = services.iter().copied().collect();
        Agreement { peer: peer.into(), secret: secret.into(), provides: s.clone(), uses: s }
    }
}

/// One entry of the service table (seed 9, Figure 4): requests for `service` about users and
/// groups of `domain` are provided by `provider`, reached through `next_hop`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRoute {
    /// The service.
    pub service: Service,
    /// Whose users and groups (`*`: any domain without an entry of its own).
    pub domain: String,
    /// The domain that provides the service (this domain's own name when it does).
    pub provider: String,
    /// The next domain toward the provider (`None`: the provider itself).
    pub next_hop: Option<String>,
}

impl ServiceRoute {
    /// `service` for `domain` is provided by `provider`, reached directly.
    pub fn direct(service: Service, domain: impl Into<String>, provider: impl Into<String>) -> Self {
        ServiceRoute { service, domain: domain.into(), provider: provider.into(), next_hop: None }
    }

    /// `service` for `domain` is provided by `provider`, reached through `next_hop`.
    pub fn via(
        service: Service,
        domain: impl Into<String>,
        provider: impl Into<String>,
        next_hop: impl Into<String>,
    ) -> Self {
        ServiceRoute { service, domain: domain.into(), provider: provider.into(), next_hop: Some(next_hop.into()) }
    }
}

/// Timers, in milliseconds and seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Timers {
    /// How long a request waits for its response (then 504), milliseconds.
    pub transaction_timeout_ms: u64,
    /// Session time to live asked for and granted, seconds.
    pub session_ttl_secs: u32,
    /// Grace after the time to live before a silent session is dropped, seconds.
    pub session_grace_secs: u32,
}

impl Default for Timers {
    fn default() -> Self {
        Timers { transaction_timeout_ms: 30_000, session_ttl_secs: 1_800, session_grace_secs: 60 }
    }
}

/// Bounds on everything the relay keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SspLimits {
    /// Largest SSP message accepted, bytes.
    pub max_message_bytes: usize,
    /// Requests in flight toward other domains (transaction records).
    pub max_in_flight: usize,
    /// Requests waiting for a session to one peer to be set up.
    pub max_queued_per_peer: usize,
    /// Sessions other domains hold here.
    pub max_sessions: usize,
    /// Remote users' profiles kept.
    pub max_profiles: usize,
    /// Events kept until polled (older ones are dropped and counted).
    pub max_events: usize,
}

impl Default for SspLimits {
    fn default() -> Self {
        SspLimits {
            max_message_bytes: 1024 * 1024,
            max_in_flight: 10_000,
            max_queued_per_peer: 1_024,
            max_sessions: 1_024,
            max_profiles: 100_000,
            max_events: 4_096,
        }
    }
}

/// Everything a domain's SSP side is configured with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DomainConfig {
    /// This domain (as in the engine's `ServerConfig`).
    pub domain: String,
    /// Agreements with other domains; SSP sessions are accepted from these only.
    pub agreements: Vec<Agreement>,
    /// The service table. Without an entry, a domain provides every service for its own users
    /// and groups, and those of a peer are provided by the peer, directly.
    pub routes: Vec<ServiceRoute>,
    /// Paths to domains this one has no agreement with: (destination, next hop). Deliveries
    /// and profile updates for a destination follow it (and otherwise the next hop of an
    /// entry whose provider it is).
    pub paths: Vec<(String, String)>,
    /// Timers.
    pub timers: Timers,
    /// Limits.
    pub limits: SspLimits,
}

impl DomainConfig {
    /// A configuration with no agreement yet.
    pub fn new(domain: impl Into<String>) -> Self {
        DomainConfig {
            domain: domain.into().trim().to_lowercase(),
            agreements: Vec::new(),
            routes: Vec::new(),
            paths: Vec::new(),
            timers: Timers::default(),
            limits: SspLimits::default(),
        }
    }

    /// Adds an agreement.
    pub fn with_agreement(mut self, a: Agreement) -> Self {
        self.agreements.push(a);
        self
    }

    /// Adds a service table entry.
    pub fn with_route(mut self, r: ServiceRoute) -> Self {
        self.routes.push(r);
        self
    }

    /// Adds a path: `destination` is reached through `next_hop`.
    pub fn with_path(mut self, destination: impl Into<String>, next_hop: impl Into<String>) -> Self {
        self.paths.push((destination.into(), next_hop.into()));
        self
    }

    /// The agreement with `peer`.
    pub fn agreement(&self, peer: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.peer.eq_ignore_ascii_case(peer))
    }
}
