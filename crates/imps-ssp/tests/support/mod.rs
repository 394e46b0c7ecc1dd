//! A deterministic multi-domain simulator: domains (CSP engine + SSP relay) exchange SSP
//! messages through an in-memory network, clients speak raw CSP to their home domain. No
//! sockets, no clock: time advances only when a test says so.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};

use imps_csp::elements::ClientId;
use imps_csp::ids::UserId;
use imps_csp::primitive::access::{LoginRequest, PollingRequest, Status};
use imps_csp::primitive::im::MessageDelivered;
use imps_csp::{
    CspResult, Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, TransactionMode, Version,
};
use imps_session::server::{Account, Engine, MemoryStorage, ServerConfig};
use imps_session::{SplitMix64, Timestamp};
use imps_ssp::config::DomainConfig;
use imps_ssp::domain::{Domain, Event};

pub type TestDomain = Domain<MemoryStorage, SplitMix64>;

pub const T0: Timestamp = Timestamp(1_795_600_000_000);

/// `wv:<name>@<domain>`.
pub fn uid(name: &str, domain: &str) -> UserId {
    format!("wv:{name}@{domain}").into()
}

/// One SSP message seen on the network.
#[derive(Debug, Clone)]
pub struct Wire {
    pub from: String,
    pub to: String,
    pub xml: String,
}

pub struct Net {
    pub now: Timestamp,
    pub domains: BTreeMap<String, TestDomain>,
    /// Every SSP message delivered, in order.
    pub wire: Vec<Wire>,
    /// Every event, per domain.
    pub events: BTreeMap<String, Vec<Event>>,
    /// Domains whose traffic is dropped (to test timeouts).
    pub down: Vec<String>,
    seed: u64,
}

/// A CSP client of one domain, speaking raw CSP 1.2 XML.
pub struct Client {
    pub domain: String,
    pub user: UserId,
    pub session: String,
    next: u64,
    /// Server-originated requests received, in order.
    pub inbox: Vec<Primitive>,
    /// Responses received, by transaction id.
    pub responses: BTreeMap<String, Primitive>,
}

impl Client {
    /// Takes the server requests received so far.
    pub fn take_inbox(&mut self) -> Vec<Primitive> {
        std::mem::take(&mut self.inbox)
    }
}

impl Default for Net {
    fn default() -> Self {
        Self::new()
    }
}

impl Net {
    pub fn new() -> Self {
        Net { now: T0, domains: BTreeMap::new(), wire: Vec::new(), events: BTreeMap::new(), down: Vec::new(), seed: 1 }
    }

    /// Adds a domain with users `names` (password `pw-<name>`).
    pub fn add(&mut self, config: DomainConfig, names: &[&str]) {
        let d = config.domain.clone();
        let accounts = names.iter().map(|n| Account::new(&uid(n, &d), format!("pw-{n}")));
        self.seed += 1;
        let engine = Engine::new(
            ServerConfig::new(d.clone()),
            MemoryStorage::with_accounts(accounts),
            SplitMix64(self.seed * 1000),
        )
        .expect("engine");
        self.seed += 1;
        let domain = Domain::new(config, engine, SplitMix64(self.seed * 7919));
        self.domains.insert(d.clone(), domain);
        self.events.insert(d, Vec::new());
    }

    pub fn domain(&mut self, d: &str) -> &mut TestDomain {
        self.domains.get_mut(d).expect("domain")
    }

    /// Delivers SSP messages until the network is quiet.
    pub fn run(&mut self) {
        for _ in 0..10_000 {
            let mut moved = false;
            let names: Vec<String> = self.domains.keys().cloned().collect();
            for name in &names {
                let d = self.domains.get_mut(name).expect("domain");
                let mut out = Vec::new();
                while let Some(t) = d.poll_transmit() {
                    out.push(t);
                }
                while let Some(e) = d.poll_event() {
                    self.events.get_mut(name).expect("events").push(e);
                }
                while d.poll_csp_output().is_some() {}
                for t in out {
                    moved = true;
                    let xml = String::from_utf8(t.bytes.clone()).expect("utf-8");
                    self.wire.push(Wire { from: name.clone(), to: t.to.clone(), xml });
                    if self.down.contains(&t.to) || self.down.contains(name) {
                        continue;
                    }
                    if let Some(target) = self.domains.get_mut(&t.to) {
                        target.handle_incoming(self.now, name, &t.bytes);
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("the network does not settle");
    }

    /// Advances time by `ms`, firing every due timeout, and runs the network.
    pub fn advance(&mut self, ms: u64) {
        let end = self.now.add_millis(ms);
        loop {
            let next = self.domains.values().filter_map(|d| d.poll_timeout()).filter(|t| *t <= end).min();
            let Some(t) = next else { break };
            self.now = t.max(self.now);
            let names: Vec<String> = self.domains.keys().cloned().collect();
            for n in names {
                let d = self.domains.get_mut(&n).expect("domain");
                if d.poll_timeout().is_some_and(|x| x <= self.now) {
                    d.handle_timeout(self.now);
                }
            }
            self.run();
        }
        self.now = end;
        self.run();
    }

    /// The events of a domain so far.
    pub fn events_of(&self, d: &str) -> &[Event] {
        &self.events[d]
    }

    /// Sends one CSP message from a client and returns the reply transactions.
    fn csp(&mut self, domain: &str, session: Option<&str>, t: Vec<Transaction>) -> Vec<Transaction> {
        let sd = match session {
            Some(s) => SessionDescriptor::inband(s.into()),
            None => SessionDescriptor::outband(),
        };
        let mut it = t.into_iter();
        let mut m = Message::new(sd, it.next().expect("a transaction"));
        m.transactions.extend(it);
        let bytes = m.encode(Version::V1_2, Encoding::Xml).expect("encode");
        let now = self.now;
        let reply = self.domain(domain).handle_csp(now, &bytes).expect("handled");
        self.run();
        if reply.bytes.is_empty() {
            return Vec::new();
        }
        Message::decode(&reply.bytes).expect("decode reply").message.transactions
    }

    /// Logs a user in.
    pub fn login(&mut self, domain: &str, name: &str) -> Client {
        let user = uid(name, domain);
        let req = LoginRequest::with_password(
            user.clone(),
            ClientId::url(format!("http://{name}")),
            format!("pw-{name}"),
            "c",
        );
        let r = self.csp(domain, None, vec![Transaction::request("login", req)]);
        let sid = match &r[0].primitive {
            Primitive::LoginResponse(l) => {
                assert_eq!(l.result.code, ResultCode::SUCCESSFUL, "{l:?}");
                l.session_id.clone().expect("session").0
            }
            other => panic!("login: {other:?}"),
        };
        Client { domain: domain.into(), user, session: sid, next: 0, inbox: Vec::new(), responses: BTreeMap::new() }
    }

    /// Logs a client out.
    pub fn logout(&mut self, c: &mut Client) {
        let tid = self.send(c, imps_csp::primitive::access::LogoutRequest::default());
        let _ = tid;
        self.poll(c);
    }

    fn absorb(&mut self, c: &mut Client, ts: Vec<Transaction>) {
        let mut answers = Vec::new();
        for t in ts {
            let id = t.id.clone().map(|i| i.0).unwrap_or_default();
            match t.mode {
                TransactionMode::Response => {
                    c.responses.insert(id, t.primitive);
                }
                TransactionMode::Request => {
                    let answer: Primitive = match &t.primitive {
                        Primitive::NewMessage(n) => {
                            MessageDelivered::new(n.message_info.message_id.clone().unwrap_or_default()).into()
                        }
                        _ => Status::new(CspResult::new(ResultCode::SUCCESSFUL)).into(),
                    };
                    c.inbox.push(t.primitive);
                    answers.push(Transaction::response(id, answer));
                }
            }
        }
        if !answers.is_empty() {
            let ts = self.csp(&c.domain.clone(), Some(&c.session.clone()), answers);
            self.absorb(c, ts);
        }
    }

    /// Sends a request; returns its transaction id. The immediate reply is absorbed.
    pub fn send(&mut self, c: &mut Client, p: impl Into<Primitive>) -> String {
        c.next += 1;
        let tid = format!("c{}", c.next);
        let ts = self.csp(&c.domain.clone(), Some(&c.session.clone()), vec![Transaction::request(tid.clone(), p)]);
        self.absorb(c, ts);
        tid
    }

    /// Polls until nothing more waits.
    pub fn poll(&mut self, c: &mut Client) {
        for _ in 0..100 {
            c.next += 1;
            let tid = format!("p{}", c.next);
            let ts = self.csp(
                &c.domain.clone(),
                Some(&c.session.clone()),
                vec![Transaction::request(tid.clone(), PollingRequest::default())],
            );
            let only_status = ts.len() == 1 && ts[0].id.as_ref().map(|i| i.as_str()) == Some(tid.as_str());
            let empty = ts.is_empty() || only_status;
            self.absorb(c, ts);
            c.responses.remove(&tid);
            if empty {
                return;
            }
        }
        panic!("polling does not end");
    }

    /// Sends a request and returns its response (polling for a deferred one).
    pub fn ask(&mut self, c: &mut Client, p: impl Into<Primitive>) -> Primitive {
        let tid = self.send(c, p);
        if let Some(r) = c.responses.remove(&tid) {
            return r;
        }
        self.poll(c);
        c.responses.remove(&tid).unwrap_or_else(|| panic!("no response to {tid} for {}", c.user))
    }
}

/// The result code of a CSP response.
pub fn code(p: &Primitive) -> u32 {
    match p {
        Primitive::Status(s) => s.result.code.0,
        Primitive::SendMessageResponse(r) => r.result.code.0,
        Primitive::GetPresenceResponse(r) => r.result.code.0,
        Primitive::LeaveGroupResponse(r) => r.result.code.0,
        _ => 200,
    }
}

/// The SSP messages on the wire between two domains containing `needle`.
pub fn wire_count(net: &Net, from: &str, to: &str, needle: &str) -> usize {
    net.wire.iter().filter(|w| w.from == from && w.to == to && w.xml.contains(needle)).count()
}

pub fn queue<T>(v: Vec<T>) -> VecDeque<T> {
    v.into()
}
