//! The relay's tables (seed 9, Figure 4): the Service Table, the Session Records (this domain as
//! the "logical" service provider of each requestor), the Transaction Records (this domain as
//! the "logical" service requestor of each provider) and the Transaction Table mapping each
//! transaction received from upstream one-to-one to the transaction started downstream.

use std::collections::{BTreeMap, BTreeSet};

use imps_csp::ids::{SessionId, TransactionId, UserId};
use imps_csp::Primitive as Csp;
use imps_session::server::{RemoteFeature, RemotePolicy, RemoteRequestId};
use imps_session::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::{DomainConfig, ServiceRoute};
use crate::model::common::Service;
use crate::model::Primitive;

/// The service of a routing feature.
pub fn service_of(f: RemoteFeature) -> Service {
    match f {
        RemoteFeature::Im => Service::Im,
        RemoteFeature::Presence => Service::Presence,
        RemoteFeature::Group => Service::Group,
        RemoteFeature::Invitation => Service::Invitation,
    }
}

const FEATURES: [RemoteFeature; 4] =
    [RemoteFeature::Im, RemoteFeature::Presence, RemoteFeature::Group, RemoteFeature::Invitation];

/// Where a service for a domain's users and groups is provided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The providing domain.
    pub provider: String,
    /// The next hop toward it (the provider itself when direct; this domain when local).
    pub next_hop: String,
}

/// The Service Table: agreed services per peer and, per service, where it is provided and the
/// next hop toward the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTable {
    domain: String,
    routes: Vec<ServiceRoute>,
    /// Configured paths: destination -> next hop.
    paths: Vec<(String, String)>,
    /// Services provided to each peer (from the agreements).
    provides: BTreeMap<String, BTreeSet<Service>>,
    /// Services used from each peer.
    uses: BTreeMap<String, BTreeSet<Service>>,
}

fn lower(s: &str) -> String {
    s.trim().to_lowercase()
}

impl ServiceTable {
    /// The table of a configuration.
    pub fn new(config: &DomainConfig) -> Self {
        let mut routes = config.routes.clone();
        for r in &mut routes {
            r.domain = lower(&r.domain);
            r.provider = lower(&r.provider);
            r.next_hop = r.next_hop.as_deref().map(lower);
        }
        ServiceTable {
            domain: lower(&config.domain),
            routes,
            paths: config.paths.iter().map(|(d, v)| (lower(d), lower(v))).collect(),
            provides: config.agreements.iter().map(|a| (lower(&a.peer), a.provides.clone())).collect(),
            uses: config.agreements.iter().map(|a| (lower(&a.peer), a.uses.clone())).collect(),
        }
    }

    /// Whether there is an agreement with `peer`.
    pub fn has_agreement(&self, peer: &str) -> bool {
        self.provides.contains_key(&lower(peer))
    }

    /// Services provided to `peer`.
    pub fn provided_to(&self, peer: &str) -> BTreeSet<Service> {
        self.provides.get(&lower(peer)).cloned().unwrap_or_default()
    }

    /// Services used from `peer`.
    pub fn used_from(&self, peer: &str) -> BTreeSet<Service> {
        self.uses.get(&lower(peer)).cloned().unwrap_or_default()
    }

    /// Where `service` for users and groups of `domain` is provided: the table's entry for
    /// the domain, else its `*` entry; without one, a domain provides its own services and a
    /// peer with an agreement provides its own, directly. `None`: no route.
    pub fn route(&self, service: Service, domain: &str) -> Option<Route> {
        let d = lower(domain);
        let entry = self
            .routes
            .iter()
            .find(|r| r.service == service && r.domain == d)
            .or_else(|| self.routes.iter().find(|r| r.service == service && r.domain == "*" && d != self.domain));
        match entry {
            Some(r) => {
                let next_hop = if r.provider == self.domain {
                    self.domain.clone()
                } else {
                    r.next_hop.clone().unwrap_or_else(|| r.provider.clone())
                };
                Some(Route { provider: r.provider.clone(), next_hop })
            }
            None if d == self.domain => Some(Route { provider: d.clone(), next_hop: d }),
            None if self.has_agreement(&d) => Some(Route { provider: d.clone(), next_hop: d }),
            None => None,
        }
    }

    /// The next hop toward `destination` (this domain's name when it is the destination): the
    /// configured path to it, else the next hop of any entry it provides, else the destination
    /// itself when there is an agreement with it.
    pub fn next_hop(&self, destination: &str) -> Option<String> {
        let d = lower(destination);
        if d == self.domain {
            return Some(d);
        }
        if let Some((_, via)) = self.paths.iter().find(|(dest, _)| *dest == d) {
            return Some(via.clone());
        }
        if let Some(r) = self.routes.iter().find(|r| r.provider == d) {
            return Some(r.next_hop.clone().unwrap_or(d));
        }
        self.has_agreement(&d).then_some(d)
    }

    /// The engine's routing policy this table implies.
    pub fn policy(&self) -> RemotePolicy {
        let mut p = RemotePolicy::default();
        for f in FEATURES {
            let s = service_of(f);
            if self.route(s, &self.domain).is_some_and(|r| r.provider != self.domain) {
                p.provided_elsewhere.insert(f);
            }
            for r in &self.routes {
                if r.service == s && r.provider == self.domain && r.domain != self.domain && r.domain != "*" {
                    p.served.insert((f, r.domain.clone()));
                }
            }
        }
        p
    }

    /// The services this domain provides at all (service discovery, seed 9.4.1).
    pub fn supported(&self) -> BTreeSet<Service> {
        let mut s: BTreeSet<Service> = [Service::UserProfile].into_iter().collect();
        for f in FEATURES {
            let svc = service_of(f);
            let local = self.route(svc, &self.domain).is_some_and(|r| r.provider == self.domain);
            let relays = self.routes.iter().any(|r| r.service == svc);
            if local || relays {
                s.insert(svc);
            }
        }
        s
    }

    /// The other domains that provide services for this domain's own users, with the services:
    /// they are told when a user logs in and out (user profiles, seed 9.5).
    pub fn providers_for_own_users(&self) -> BTreeMap<String, BTreeSet<Service>> {
        let mut out: BTreeMap<String, BTreeSet<Service>> = BTreeMap::new();
        for f in FEATURES {
            let s = service_of(f);
            if let Some(r) = self.route(s, &self.domain) {
                if r.provider != self.domain {
                    out.entry(r.provider).or_default().insert(s);
                }
            }
        }
        out
    }
}

/// A Session Record: a session another domain (the requestor) holds here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The session id (`<random>@<this domain>`).
    pub session_id: String,
    /// The requestor.
    pub peer: String,
    /// When it was set up.
    pub created: Timestamp,
    /// Last request.
    pub last_seen: Timestamp,
    /// Granted time to live, seconds.
    pub ttl_secs: u32,
    /// Services agreed in negotiation.
    pub agreed: BTreeSet<Service>,
}

/// Where a request this domain sent came from, so that its result goes back the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Origin {
    /// A local client's request, through the engine's remote seam.
    Engine {
        /// The engine's id for it.
        id: RemoteRequestId,
        /// The CSP request (to map the result back).
        request: Box<Csp>,
    },
    /// A request received from upstream and relayed downstream (Transaction Table).
    Relay(Upstream),
    /// A server-originated delivery fetched from a remote user's session.
    Delivery {
        /// The remote session.
        session: SessionId,
        /// The engine's transaction.
        transaction: TransactionId,
    },
    /// Session maintenance and service management of this domain's own.
    Internal,
}

/// A transaction received from upstream: its requestor, the requestor's session here, and the
/// requestor's transaction id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Upstream {
    /// The upstream domain.
    pub peer: String,
    /// Its session here.
    pub session_id: String,
    /// Its transaction id.
    pub transaction_id: String,
}

/// A downstream transaction: the provider and this domain's transaction id toward it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Downstream {
    /// The downstream domain.
    pub peer: String,
    /// The transaction id this domain chose.
    pub transaction_id: String,
}

/// A Transaction Record: a request this domain sent to a provider and waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionRecord {
    /// The provider.
    pub peer: String,
    /// Where it came from.
    pub origin: Origin,
    /// The request (for mapping its response).
    pub request: Primitive,
    /// When it was sent (or queued).
    pub sent: Timestamp,
    /// When it times out (504).
    pub deadline: Timestamp,
    /// On whose behalf, if a user's.
    pub user: Option<UserId>,
    /// Whether it was sent again after a 604 (it is sent again once).
    #[serde(default)]
    pub retried: bool,
}

/// The Transaction Table: upstream transactions mapped one-to-one to downstream ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransactionTable {
    up_to_down: BTreeMap<Upstream, Downstream>,
    down_to_up: BTreeMap<Downstream, Upstream>,
}

impl TransactionTable {
    /// Maps `up` to `down`; false (and nothing changes) when either is mapped already.
    pub fn insert(&mut self, up: Upstream, down: Downstream) -> bool {
        if self.up_to_down.contains_key(&up) || self.down_to_up.contains_key(&down) {
            return false;
        }
        self.up_to_down.insert(up.clone(), down.clone());
        self.down_to_up.insert(down, up);
        true
    }

    /// Removes the mapping of a downstream transaction, returning its upstream one.
    pub fn remove_down(&mut self, down: &Downstream) -> Option<Upstream> {
        let up = self.down_to_up.remove(down)?;
        self.up_to_down.remove(&up);
        Some(up)
    }

    /// The downstream transaction of an upstream one.
    pub fn downstream(&self, up: &Upstream) -> Option<&Downstream> {
        self.up_to_down.get(up)
    }

    /// The upstream transaction of a downstream one.
    pub fn upstream(&self, down: &Downstream) -> Option<&Upstream> {
        self.down_to_up.get(down)
    }

    /// Every mapping.
    pub fn iter(&self) -> impl Iterator<Item = (&Upstream, &Downstream)> {
        self.up_to_down.iter()
    }

    /// How many mappings.
    pub fn len(&self) -> usize {
        self.up_to_down.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.up_to_down.is_empty()
    }
}
