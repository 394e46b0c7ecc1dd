//! Criterion benchmarks of the server engine (`imps-session`'s `server::Engine`):
//!
//! * `one_to_one`: complete one-to-one deliveries per second among 1,000 logged-in users on push
//!   delivery: `SendMessage-Request` from A to B, B's `Polling-Request` (answered with the
//!   `NewMessage`), B's `MessageDelivered`. Through bytes (`handle_request`, XML 1.2 and
//!   WBXML 1.2) and through decoded messages (`handle_message`), so the codec share shows.
//!   Only the engine calls (and draining its outputs) are timed; what the client side does
//!   between them (encoding the confirmation, decoding the poll reply) is not.
//! * `group_fanout`: one `SendMessage-Request` to a group with 1,001 joined sessions (the sender
//!   and 1,000 receivers): the time until all 1,000 copies are queued, and separately until all
//!   1,000 receivers have polled them. Throughput is in copies.
//! * Bytes per idle session, printed before the measurements: 10,000 users (accounts created up
//!   front) log in; the engine state grows by so many bytes per session, as JSON of
//!   `Engine::state()` and as live heap counted by a counting global allocator. Logging them
//!   all out again leaves the users' own data (presence record, written-through storage), which
//!   is subtracted.
//!
//! Run with `cargo bench --bench server`.

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use criterion::{BenchmarkId, Criterion, Throughput};
use imps_csp::elements::ClientId;
use imps_csp::ids::{MessageId, SessionId, TransactionId, UserId};
use imps_csp::presence::ClientType;
use imps_csp::primitive::access::{
    CapabilityList, ClientCapabilityRequest, DeliveryMethod, LoginRequest, LogoutRequest, PollingRequest,
    ServiceRequest, ServiceTree,
};
use imps_csp::primitive::group::{AccessType, CreateGroupRequest, GroupProperties, JoinGroupRequest};
use imps_csp::primitive::im::{MessageDelivered, SendMessageRequest};
use imps_csp::{Encoding, Message, Primitive, SessionDescriptor, Transaction, TransactionMode, Version};
use imps_session::server::{Account, Engine, MemoryStorage, ServerConfig};
use imps_session::{SplitMix64, Timestamp};

type Server = Engine<MemoryStorage, SplitMix64>;

/// The time of every request: constant, so nothing expires during a measurement.
const NOW: Timestamp = Timestamp(1_795_600_000_000);
const V12: Version = Version::V1_2;
const DOMAIN: &str = "bench.example";
/// Users logged in for the one-to-one benchmark.
const USERS: usize = 1_000;
/// Receivers of the group message (the sender is joined as well).
const RECEIVERS: usize = 1_000;
const GROUP: &str = "wv:user00000/chat@bench.example";

fn uid(i: usize) -> UserId {
    UserId::from(format!("wv:user{i:05}@{DOMAIN}"))
}

fn password(i: usize) -> String {
    format!("pw-{i}")
}

/// An engine with `n` accounts `user00000`.. and a configuration fit for `n` users.
fn server(n: usize) -> Server {
    let mut config = ServerConfig::new(DOMAIN);
    config.limits.max_group_size = config.limits.max_group_size.max(n + 1);
    let accounts = (0..n).map(|i| Account::new(&uid(i), password(i)));
    Engine::new(config, MemoryStorage::with_accounts(accounts), SplitMix64(7)).expect("memory storage loads")
}

/// The drain rule: every output is taken before the next input.
fn drain(e: &mut Server) {
    while let Some(o) = e.poll_output() {
        black_box(o);
    }
}

fn request(session: Option<&SessionId>, tid: &str, p: impl Into<Primitive>) -> Message {
    let sd = match session {
        Some(s) => SessionDescriptor::inband(s.clone()),
        None => SessionDescriptor::outband(),
    };
    Message::new(sd, Transaction::request(tid, p))
}

fn response(session: &SessionId, tid: TransactionId, p: impl Into<Primitive>) -> Message {
    Message::new(SessionDescriptor::inband(session.clone()), Transaction::response(tid, p))
}

/// One request through the decoded-message interface; the reply's first primitive.
fn ask(e: &mut Server, session: Option<&SessionId>, p: impl Into<Primitive>) -> Primitive {
    let reply = e.handle_message(NOW, request(session, "t1", p), V12);
    drain(e);
    reply.transactions.into_iter().next().expect("a reply transaction").primitive
}

/// Logs user `i` in (1.2, push delivery by default); the session id.
fn login(e: &mut Server, i: usize) -> SessionId {
    let client = ClientId::url(format!("http://client.{DOMAIN}/{i}"));
    match ask(e, None, LoginRequest::with_password(uid(i), client, password(i), "cookie")) {
        Primitive::LoginResponse(r) => r.session_id.expect("logged in"),
        other => panic!("expected Login-Response, got {other:?}"),
    }
}

/// The `NewMessage` server transaction in a poll reply: its transaction id and message id.
fn pushed(reply: &Message) -> (TransactionId, MessageId) {
    let t = reply
        .transactions
        .iter()
        .find(|t| t.mode == TransactionMode::Request)
        .unwrap_or_else(|| panic!("nothing pushed: {reply:?}"));
    match &t.primitive {
        Primitive::NewMessage(m) => {
            (t.id.clone().expect("server transaction id"), m.message_info.message_id.clone().expect("message id"))
        }
        other => panic!("expected NewMessage, got {other:?}"),
    }
}

fn decode(bytes: &[u8]) -> Message {
    Message::decode(bytes).expect("engine reply decodes").message
}

// ---- one-to-one ----

/// How requests reach the engine.
#[derive(Clone, Copy)]
enum Path {
    Bytes(Encoding),
    Messages,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Bytes(Encoding::Xml) => "bytes_xml_1.2",
            Path::Bytes(Encoding::Wbxml) => "bytes_wbxml_1.2",
            Path::Messages => "messages_1.2",
        }
    }
}

/// 1,000 logged-in users; requests prepared per user: the message to the next user, a poll.
struct OneToOne {
    e: Server,
    sessions: Vec<SessionId>,
    send: Vec<Message>,
    poll: Vec<Message>,
    send_bytes: Vec<Vec<u8>>,
    poll_bytes: Vec<Vec<u8>>,
    next: usize,
}

impl OneToOne {
    fn new(path: Path) -> Self {
        let mut e = server(USERS);
        let sessions: Vec<SessionId> = (0..USERS).map(|i| login(&mut e, i)).collect();
        let send: Vec<Message> = (0..USERS)
            .map(|i| {
                let text = format!("Hello user {}, a short text message of ordinary length.", (i + 1) % USERS);
                request(Some(&sessions[i]), "s1", SendMessageRequest::text(uid(i), uid((i + 1) % USERS), text))
            })
            .collect();
        let poll: Vec<Message> = sessions.iter().map(|s| request(Some(s), "p1", PollingRequest::default())).collect();
        let enc = match path {
            Path::Bytes(enc) => enc,
            Path::Messages => Encoding::Xml,
        };
        let encode = |m: &Message| m.encode(V12, enc).expect("encodes");
        let send_bytes = send.iter().map(encode).collect();
        let poll_bytes = poll.iter().map(encode).collect();
        OneToOne { e, sessions, send, poll, send_bytes, poll_bytes, next: 0 }
    }

    /// One complete delivery; returns the time spent inside the engine.
    fn deliver(&mut self, path: Path) -> Duration {
        let a = self.next;
        let b = (a + 1) % USERS;
        self.next = b;
        let e = &mut self.e;
        match path {
            Path::Bytes(enc) => {
                let t0 = Instant::now();
                black_box(e.handle_request(NOW, &self.send_bytes[a]).expect("send answered"));
                drain(e);
                let got = e.handle_request(NOW, &self.poll_bytes[b]).expect("poll answered");
                drain(e);
                let mut spent = t0.elapsed();
                let (tid, mid) = pushed(&decode(&got.bytes));
                let confirm =
                    response(&self.sessions[b], tid, MessageDelivered::new(mid)).encode(V12, enc).expect("encodes");
                let t1 = Instant::now();
                black_box(e.handle_request(NOW, &confirm).expect("confirmation answered"));
                drain(e);
                spent += t1.elapsed();
                spent
            }
            Path::Messages => {
                let (send, poll) = (self.send[a].clone(), self.poll[b].clone());
                let t0 = Instant::now();
                black_box(e.handle_message(NOW, send, V12));
                drain(e);
                let got = e.handle_message(NOW, poll, V12);
                drain(e);
                let mut spent = t0.elapsed();
                let (tid, mid) = pushed(&got);
                let confirm = response(&self.sessions[b], tid, MessageDelivered::new(mid));
                let t1 = Instant::now();
                black_box(e.handle_message(NOW, confirm, V12));
                drain(e);
                spent += t1.elapsed();
                spent
            }
        }
    }

    /// Nothing accumulates: every copy was confirmed and left the store.
    fn check(&self) {
        assert_eq!(self.e.storage().messages().count(), 0, "every copy confirmed");
        assert!(self.e.sessions().all(|s| s.pending() == 0), "every queue empty");
    }
}

fn one_to_one(c: &mut Criterion) {
    let mut g = c.benchmark_group("one_to_one");
    g.throughput(Throughput::Elements(1));
    for path in [Path::Bytes(Encoding::Xml), Path::Bytes(Encoding::Wbxml), Path::Messages] {
        let mut s = OneToOne::new(path);
        // Warm the path and check the conversation works before measuring it.
        for _ in 0..USERS {
            s.deliver(path);
        }
        s.check();
        g.bench_function(BenchmarkId::new("delivery", path.name()), |bench| {
            bench.iter_custom(|iters| (0..iters).map(|_| s.deliver(path)).sum())
        });
        s.check();
        let allocs = counting_alloc::allocs();
        const N: usize = 1_000;
        for _ in 0..N {
            s.deliver(path);
        }
        let per = (counting_alloc::allocs() - allocs) as f64 / N as f64;
        println!("one_to_one/{}: {per:.0} allocations per delivery (client side included)", path.name());
        // The drain rule also asks the transport to re-read `poll_timeout` after each input.
        let t0 = Instant::now();
        for _ in 0..N {
            black_box(s.e.poll_timeout());
        }
        println!(
            "one_to_one/{}: poll_timeout with {USERS} sessions: {:?} per call",
            path.name(),
            t0.elapsed() / N as u32
        );
    }
    g.finish();
}

// ---- group fan-out ----

/// A group with 1,001 joined sessions: user 0 (the owner and sender) and 1,000 receivers.
struct Fanout {
    e: Server,
    sessions: Vec<SessionId>,
    send_bytes: Vec<u8>,
    poll: Vec<Message>,
    poll_bytes: Vec<Vec<u8>>,
}

impl Fanout {
    fn new() -> Self {
        let mut e = server(RECEIVERS + 1);
        let sessions: Vec<SessionId> = (0..=RECEIVERS).map(|i| login(&mut e, i)).collect();
        let props = GroupProperties::default().with_name("Chat").with_access_type(AccessType::Open);
        let created = ask(&mut e, Some(&sessions[0]), CreateGroupRequest::new(GROUP, props));
        assert!(matches!(&created, Primitive::Status(s) if s.result.code.0 == 200), "{created:?}");
        // The creator joined with the creation; the receivers join.
        for s in &sessions[1..] {
            let joined = ask(&mut e, Some(s), JoinGroupRequest::new(GROUP));
            assert!(matches!(joined, Primitive::JoinGroupResponse(_)), "{joined:?}");
        }
        let text = "Hello everyone, a short text message of ordinary length.";
        let send = request(Some(&sessions[0]), "s1", SendMessageRequest::text_to_group(uid(0), GROUP, text));
        let send_bytes = send.encode(V12, Encoding::Xml).expect("encodes");
        let poll: Vec<Message> = sessions.iter().map(|s| request(Some(s), "p1", PollingRequest::default())).collect();
        let poll_bytes = poll.iter().map(|m| m.encode(V12, Encoding::Xml).expect("encodes")).collect();
        Fanout { e, sessions, send_bytes, poll, poll_bytes }
    }

    /// Sends the group message; returns the time until every copy is queued.
    fn send(&mut self) -> Duration {
        let t0 = Instant::now();
        black_box(self.e.handle_request(NOW, &self.send_bytes).expect("send answered"));
        drain(&mut self.e);
        t0.elapsed()
    }

    /// Every receiver polls (through `path`); returns the time spent and the pushed copies.
    fn polls(&mut self, path: Path) -> (Duration, Vec<(TransactionId, MessageId)>) {
        let mut got = Vec::with_capacity(RECEIVERS);
        let mut spent = Duration::ZERO;
        for r in 1..=RECEIVERS {
            let reply = match path {
                Path::Bytes(_) => {
                    let t0 = Instant::now();
                    let reply = self.e.handle_request(NOW, &self.poll_bytes[r]).expect("poll answered");
                    drain(&mut self.e);
                    spent += t0.elapsed();
                    decode(&reply.bytes)
                }
                Path::Messages => {
                    let poll = self.poll[r].clone();
                    let t0 = Instant::now();
                    let reply = self.e.handle_message(NOW, poll, V12);
                    drain(&mut self.e);
                    spent += t0.elapsed();
                    reply
                }
            };
            got.push(pushed(&reply));
        }
        (spent, got)
    }

    /// Untimed: every receiver confirms its copy, so nothing accumulates between iterations.
    fn confirm(&mut self, got: Vec<(TransactionId, MessageId)>) {
        for (r, (tid, mid)) in (1..=RECEIVERS).zip(got) {
            black_box(self.e.handle_message(NOW, response(&self.sessions[r], tid, MessageDelivered::new(mid)), V12));
            drain(&mut self.e);
        }
    }

    fn round(&mut self, path: Path) -> (Duration, Duration) {
        let queued = self.send();
        let (polled, got) = self.polls(path);
        self.confirm(got);
        (queued, polled)
    }

    fn check(&self) {
        assert!(self.e.sessions().all(|s| s.pending() == 0), "every queue empty");
    }
}

fn group_fanout(c: &mut Criterion) {
    let mut g = c.benchmark_group("group_fanout");
    g.sample_size(20);
    g.throughput(Throughput::Elements(RECEIVERS as u64));
    let mut f = Fanout::new();
    for _ in 0..3 {
        f.round(Path::Messages);
    }
    f.check();
    g.bench_function("queued_1000", |bench| {
        bench.iter_custom(|iters| (0..iters).map(|_| f.round(Path::Messages).0).sum())
    });
    for path in [Path::Bytes(Encoding::Xml), Path::Messages] {
        g.bench_function(BenchmarkId::new("queued_and_polled_1000", path.name()), |bench| {
            bench.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let (queued, polled) = f.round(path);
                        queued + polled
                    })
                    .sum()
            })
        });
    }
    f.check();
    g.finish();
}

// ---- bytes per idle session ----

fn live() -> isize {
    counting_alloc::live()
}

fn json_len(e: &Server) -> usize {
    serde_json::to_vec(e.state()).expect("state serialises").len()
}

/// Ends every session with a `Logout-Request`.
fn logout_all(e: &mut Server) {
    let ids: Vec<SessionId> = e.sessions().map(|s| s.id.clone()).collect();
    for s in &ids {
        black_box(ask(e, Some(s), LogoutRequest::default()));
    }
    assert_eq!(e.sessions().count(), 0);
}

/// A typical mobile client's capabilities, and its service negotiation (all functions).
fn negotiate(e: &mut Server, s: &SessionId) {
    let mut caps = CapabilityList::new(ClientType::MobilePhone, DeliveryMethod::Push, 1, 100_000);
    caps.accepted_content_types = vec!["text/plain".into()];
    caps.accepted_transfer_encodings = vec!["BASE64".into()];
    caps.accepted_content_length = Some(10_000);
    caps.accepted_charsets = vec![106];
    caps.server_poll_min = Some(30);
    black_box(ask(e, Some(s), ClientCapabilityRequest::new(caps)));
    black_box(ask(e, Some(s), ServiceRequest::new(ServiceTree::all(), false)));
}

fn per(bytes: isize, n: usize) -> f64 {
    bytes as f64 / n as f64
}

fn idle_sessions(n: usize) {
    println!("bytes per idle session ({n} users, one session each, 1.2, no other activity)");
    println!(
        "  size_of: SessionState {} B (of which capabilities Option<CapabilityList> {} B, client_id {} B)",
        std::mem::size_of::<imps_session::server::SessionState>(),
        std::mem::size_of::<Option<CapabilityList>>(),
        std::mem::size_of::<ClientId>(),
    );
    let mut e = server(n);
    drain(&mut e);
    let (heap0, json0) = (live(), json_len(&e));

    // Bare logins.
    for i in 0..n {
        login(&mut e, i);
    }
    let (heap1, json1) = (live(), json_len(&e));
    let session_json: usize =
        e.sessions().map(|s| serde_json::to_vec(s).expect("session serialises").len()).sum::<usize>();
    let owned = {
        let before = live();
        let copies: Vec<imps_session::server::SessionState> = e.sessions().cloned().collect();
        let heap = live() - before - (copies.capacity() * std::mem::size_of_val(&copies[0])) as isize;
        drop(copies);
        heap
    };
    logout_all(&mut e);
    let (heap2, json2) = (live(), json_len(&e));
    println!(
        "  logged in:  heap +{:.0} B/user, JSON +{:.0} B/user",
        per(heap1 - heap0, n),
        per((json1 - json0) as isize, n)
    );
    println!(
        "  logged out: heap +{:.0} B/user, JSON +{:.0} B/user (the user's own data: presence record, stored record)",
        per(heap2 - heap0, n),
        per((json2 - json0) as isize, n)
    );
    println!(
        "  session (logged in - logged out): heap {:.0} B, JSON {:.0} B",
        per(heap1 - heap2, n),
        per((json1 - json2) as isize, n)
    );
    println!(
        "    of which the SessionState itself: JSON {:.0} B, heap owned beyond the struct {:.0} B",
        session_json as f64 / n as f64,
        per(owned, n)
    );

    // Logins with capability and service negotiation, as a real client does.
    for i in 0..n {
        let s = login(&mut e, i);
        negotiate(&mut e, &s);
    }
    let (heap3, json3) = (live(), json_len(&e));
    println!(
        "  negotiated session (ClientCapability + Service): heap {:.0} B, JSON {:.0} B",
        per(heap3 - heap2, n),
        per((json3 - json2) as isize, n)
    );
    logout_all(&mut e);
    drop(e);
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not and wants a quick run.
    let full = std::env::args().any(|a| a == "--bench");
    idle_sessions(if full { 10_000 } else { 200 });
    let mut c = Criterion::default().configure_from_args();
    one_to_one(&mut c);
    group_fanout(&mut c);
    c.final_summary();
}
