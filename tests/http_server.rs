//! The server over real HTTP on loopback: conversations in XML and WBXML (1.1, 1.2, 1.3),
//! the HTTP binding's refusals, SQLite persistence across a restart, the CIR channel, and the
//! exact command line.
//!
//! Most tests run the server in-process: this file includes the server module of
//! `examples/imps-server` with `#[path]` (the example's `main.rs` only parses the command line
//! around it), so the tests need no binary and no build order. The command-line tests run the
//! example binary that `cargo test` builds next to this test (`target/<profile>/examples/`);
//! when it is absent (a run limited with `--test http_server`) they say so and pass.

#[path = "../examples/common/mod.rs"]
mod common;
#[path = "../examples/imps-server/server/mod.rs"]
mod server;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use common::{cir_connect, Client, ClientError, HttpClient};
use http_body_util::Full;
use hyper::{Method, Request};
use imps_csp::elements::ClientId;
use imps_csp::primitive::access::{LoginRequest, PollingRequest};
use imps_csp::primitive::group::{AccessType, CreateGroupRequest, GetGroupPropsRequest, GroupProperties};
use imps_csp::primitive::im::{AccessList, BlockEntityRequest, EntityList};
use imps_csp::primitive::lists::{CreateListRequest, GetListRequest, NickEntry, NickList};
use imps_csp::{Encoding, Message, Primitive, ResultCode, SessionDescriptor, Transaction, Version};
use imps_session::client::ClientConfig;

const DOMAIN: &str = "example.com";
const ACCOUNTS: &str = "# test accounts\nwv:alice@example.com pw-alice\n\nwv:bob@example.com pw-bob\ncarol pw-carol\n";

fn uid(n: &str) -> String {
    format!("wv:{n}@example.com")
}

fn options(db: Option<PathBuf>) -> server::Options {
    let mut o = server::Options::new(DOMAIN);
    o.accounts = server::accounts::parse(ACCOUNTS, DOMAIN).expect("accounts");
    o.db = db;
    o
}

fn start(db: Option<PathBuf>) -> server::Server {
    server::start(options(db)).expect("server starts")
}

fn client(addr: SocketAddr, name: &str, version: Version, encoding: Encoding) -> Client {
    let config = ClientConfig::new(uid(name), format!("pw-{name}"), ClientId::url(format!("http://test/{name}")))
        .with_version(version)
        .with_encoding(encoding)
        .with_session_cookie(format!("cookie-{name}"));
    Client::new(addr, config)
}

/// The messages a client received (pushed or fetched): (sender, text).
async fn texts(c: &mut Client) -> Vec<(String, String)> {
    c.take_messages().await.expect("messages").into_iter().map(|m| (m.from(), m.text)).collect()
}

/// A fresh directory under the target directory's tmp.
fn temp_dir(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("imps-http-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("temp dir");
    base
}

async fn conversation(version: Version, encoding: Encoding) {
    let srv = start(None);
    let mut alice = client(srv.addr, "alice", version, encoding);
    let mut bob = client(srv.addr, "bob", version, encoding);
    alice.login().await.expect("alice logs in");
    bob.login().await.expect("bob logs in");
    let text = "Grüße, Bob — 你好 👋 <&> \"quoted\"";
    let r = alice.send_text(&uid("bob"), text).await.expect("sent");
    assert!(matches!(r, Primitive::SendMessageResponse(ref s) if s.result.code == ResultCode::SUCCESSFUL), "{r:?}");
    bob.poll_all().await.expect("bob polls");
    assert_eq!(texts(&mut bob).await, vec![(uid("alice"), text.to_owned())]);
    // Bob's MessageDelivered went out with the poll's follow-up: nothing waits any more.
    bob.poll_all().await.expect("bob polls again");
    assert!(texts(&mut bob).await.is_empty(), "delivered once");
    bob.send_text(&uid("alice"), "and back").await.expect("sent back");
    alice.poll_all().await.expect("alice polls");
    assert_eq!(texts(&mut alice).await, vec![(uid("bob"), "and back".to_owned())]);
    alice.logout().await.expect("logout");
    bob.logout().await.expect("logout");
    assert!(!alice.session.is_logged_in());
}

#[tokio::test]
async fn conversation_in_xml_1_2() {
    conversation(Version::V1_2, Encoding::Xml).await;
}

#[tokio::test]
async fn conversation_in_wbxml_1_2() {
    conversation(Version::V1_2, Encoding::Wbxml).await;
}

#[tokio::test]
async fn conversation_in_xml_1_3() {
    conversation(Version::V1_3, Encoding::Xml).await;
}

#[tokio::test]
async fn conversation_in_wbxml_1_3() {
    conversation(Version::V1_3, Encoding::Wbxml).await;
}

#[tokio::test]
async fn conversation_in_wbxml_1_1() {
    conversation(Version::V1_1, Encoding::Wbxml).await;
}

#[tokio::test]
async fn xml_and_wbxml_clients_talk_to_each_other() {
    let srv = start(None);
    let mut alice = client(srv.addr, "alice", Version::V1_2, Encoding::Xml);
    let mut bob = client(srv.addr, "bob", Version::V1_2, Encoding::Wbxml);
    alice.login().await.unwrap();
    bob.login().await.unwrap();
    alice.send_text(&uid("bob"), "from XML").await.unwrap();
    bob.send_text(&uid("alice"), "from WBXML").await.unwrap();
    bob.poll_all().await.unwrap();
    alice.poll_all().await.unwrap();
    assert_eq!(texts(&mut bob).await, vec![(uid("alice"), "from XML".to_owned())]);
    assert_eq!(texts(&mut alice).await, vec![(uid("bob"), "from WBXML".to_owned())]);
}

fn login_message(name: &str) -> Message {
    Message::new(
        SessionDescriptor::outband(),
        Transaction::request(
            "t-1",
            LoginRequest::with_password(uid(name), ClientId::url("http://raw/client"), format!("pw-{name}"), "c"),
        ),
    )
}

/// Every version and encoding: the reply comes in the request's, with its content type.
#[tokio::test]
async fn replies_follow_the_request_encoding_version_and_content_type() {
    let srv = start(None);
    let mut http = HttpClient::new(srv.addr);
    for version in Version::ALL {
        for encoding in [Encoding::Xml, Encoding::Wbxml] {
            let body = login_message("alice").encode(version, encoding).unwrap();
            let ct = encoding.content_type(version);
            let r = http.post(Some(ct), body).await.unwrap();
            assert_eq!(r.status, 200, "{version:?} {encoding:?}");
            assert_eq!(r.content_type.as_deref(), Some(ct));
            let d = Message::decode(&r.body).unwrap();
            assert_eq!((d.version, d.encoding), (version, encoding));
            match &d.message.transactions[0].primitive {
                Primitive::LoginResponse(l) => {
                    assert_eq!(l.result.code, ResultCode::SUCCESSFUL);
                    assert!(l.session_id.is_some());
                }
                other => panic!("{other:?}"),
            }
        }
    }
    // A content type with parameters, and none at all (sniffed).
    let body = login_message("bob").to_xml(Version::V1_2).unwrap();
    let r = http.post(Some("application/vnd.wv.csp.xml; charset=utf-8"), body.clone()).await.unwrap();
    assert_eq!(r.status, 200);
    let r = http.post(None, body).await.unwrap();
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("Login-Response"));
}

/// Bad requests get HTTP 4xx (or a CSP error) and the server goes on serving, on the same
/// connection where HTTP allows it.
#[tokio::test]
async fn bad_requests_are_refused_and_the_server_goes_on() {
    let mut opts = options(None);
    opts.max_body = 4096;
    let srv = server::start(opts).unwrap();
    let mut http = HttpClient::new(srv.addr);
    let xml = "application/vnd.wv.csp.xml";
    let ok = login_message("alice").to_xml(Version::V1_2).unwrap();

    // Other methods: 405 with Allow.
    let get = Request::builder().method(Method::GET).uri("/").body(Full::new(Bytes::new())).unwrap();
    assert_eq!(http.send(get).await.unwrap().status, 405);
    // Wrong content type: 415.
    assert_eq!(http.post(Some("text/plain"), ok.clone()).await.unwrap().status, 415);
    assert_eq!(http.post(Some("application/json"), ok.clone()).await.unwrap().status, 415);
    // Malformed CSP: 400; not CSP at all (an empty body too): 415.
    let truncated = ok[..ok.len() / 2].to_vec();
    assert_eq!(http.post(Some(xml), truncated).await.unwrap().status, 400);
    assert_eq!(http.post(Some(xml), "<html><body>hi</body></html>").await.unwrap().status, 415);
    assert_eq!(http.post(Some(xml), Bytes::new()).await.unwrap().status, 415);
    assert_eq!(http.post(Some("application/vnd.wv.csp.wbxml"), vec![0x03, 0x7f, 0x6a]).await.unwrap().status, 400);
    // Still serving on the same connection.
    let r = http.post(Some(xml), ok.clone()).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(http.connections, 1, "one keep-alive connection so far");
    // Oversize with Content-Length: 413 without reading; the connection is closed.
    let big = vec![b' '; 10_000];
    assert_eq!(http.post(Some(xml), big).await.unwrap().status, 413);
    // Oversize while streaming (chunked, no Content-Length): 413.
    let stream_req = Request::builder()
        .method(Method::POST)
        .uri("/")
        .header("content-type", xml)
        .header("host", srv.addr.to_string())
        .body(Chunks(8))
        .unwrap();
    let status = raw_request(srv.addr, stream_req).await;
    assert_eq!(status, 413);
    // The server still answers, on a new connection.
    let r = http.post(Some(xml), ok.clone()).await.unwrap();
    assert_eq!(r.status, 200);
    // A CSP-level error: a request with an unknown session gets Status 604 over HTTP 200.
    let poll = Message::new(
        SessionDescriptor::inband("no-such-session".into()),
        Transaction::request("t-9", PollingRequest::default()),
    );
    let r = http.post(Some(xml), poll.to_xml(Version::V1_2).unwrap()).await.unwrap();
    assert_eq!(r.status, 200);
    let d = Message::decode(&r.body).unwrap();
    assert!(
        matches!(&d.message.transactions[0].primitive, Primitive::Status(s) if s.result.code == ResultCode::INVALID_SESSION)
    );
    // Any path works.
    http.path = "/wv/csp".to_owned();
    assert_eq!(http.post(Some(xml), ok).await.unwrap().status, 200);
}

/// A chunked body of `n` chunks of 1 KiB (no length known in advance).
struct Chunks(usize);

impl hyper::body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        if self.0 == 0 {
            return std::task::Poll::Ready(None);
        }
        self.0 -= 1;
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(Bytes::from(vec![b' '; 1024])))))
    }
}

/// Sends one request on a fresh connection; its status (0 when the connection broke).
async fn raw_request<B>(addr: SocketAddr, req: Request<B>) -> u16
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    sender.send_request(req).await.map(|r| r.status().as_u16()).unwrap_or(0)
}

/// A message to an offline user survives a restart of the server (SQLite), and so do contact
/// lists, block lists and groups.
#[tokio::test]
async fn offline_message_and_lists_survive_a_restart() {
    let dir = temp_dir("restart");
    let db = dir.join("imps.db");
    let text = "Nach dem Neustart noch da? ✓";
    {
        let srv = start(Some(db.clone()));
        let mut alice = client(srv.addr, "alice", Version::V1_2, Encoding::Xml);
        alice.login().await.unwrap();
        let r = alice.send_text(&uid("bob"), text).await.unwrap();
        assert!(matches!(r, Primitive::SendMessageResponse(ref s) if s.result.code == ResultCode::SUCCESSFUL));
        let nicks = NickList::new(vec![NickEntry::nick("Bobby", uid("bob"))]);
        alice.call(CreateListRequest::new("wv:alice/friends@example.com").with_members(nicks)).await.unwrap();
        let mut block = BlockEntityRequest::default();
        block.block_list = Some(AccessList::changes(Some(EntityList::users([uid("carol")])), None).with_in_use(true));
        alice.call(block).await.unwrap();
        let props = GroupProperties::default().with_name("Club").with_access_type(AccessType::Open);
        alice.call(CreateGroupRequest::new("wv:alice/club@example.com", props)).await.unwrap();
        // No logout: the server is stopped with the session open.
        srv.stop();
    }
    let srv = start(Some(db.clone()));
    let mut bob = client(srv.addr, "bob", Version::V1_2, Encoding::Wbxml);
    bob.login().await.unwrap();
    bob.poll_all().await.unwrap();
    assert_eq!(texts(&mut bob).await, vec![(uid("alice"), text.to_owned())]);
    let mut alice = client(srv.addr, "alice", Version::V1_2, Encoding::Xml);
    alice.login().await.unwrap();
    match alice.call(GetListRequest::default()).await.unwrap() {
        Primitive::GetListResponse(l) => {
            assert_eq!(l.contact_lists.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["wv:alice/friends@example.com"])
        }
        other => panic!("{other:?}"),
    }
    let props = alice.call(GetGroupPropsRequest::new("wv:alice/club@example.com")).await.unwrap();
    assert!(matches!(props, Primitive::GetGroupPropsResponse(_)), "{props:?}");
    let mut carol = client(srv.addr, "carol", Version::V1_2, Encoding::Xml);
    carol.login().await.unwrap();
    match carol.send_text(&uid("alice"), "let me in").await {
        Err(ClientError::Failed(code, _)) => assert_eq!(code, ResultCode::RECIPIENT_BLOCKED_THE_SENDER),
        Ok(Primitive::SendMessageResponse(r)) => assert_eq!(r.result.code, ResultCode::RECIPIENT_BLOCKED_THE_SENDER),
        other => panic!("{other:?}"),
    }
    // Delivered: after another restart nothing is delivered twice.
    drop((alice, carol));
    bob.poll_all().await.unwrap();
    srv.stop();
    let srv = start(Some(db));
    let mut bob = client(srv.addr, "bob", Version::V1_2, Encoding::Xml);
    bob.login().await.unwrap();
    bob.poll_all().await.unwrap();
    assert!(texts(&mut bob).await.is_empty(), "not delivered twice");
    srv.stop();
    let _ = std::fs::remove_dir_all(dir);
}

/// Accounts from the accounts file replace stored passwords at the next start.
#[tokio::test]
async fn accounts_file_replaces_stored_passwords() {
    let dir = temp_dir("accounts");
    let db = dir.join("imps.db");
    start(Some(db.clone())).stop();
    let mut opts = options(Some(db));
    opts.accounts = server::accounts::parse("wv:alice@example.com new-pw\n", DOMAIN).unwrap();
    let srv = server::start(opts).unwrap();
    let mut old = client(srv.addr, "alice", Version::V1_2, Encoding::Xml);
    assert!(matches!(old.login().await, Err(ClientError::LoginFailed(c, _)) if c == ResultCode::INVALID_PASSWORD));
    let config = ClientConfig::new(uid("alice"), "new-pw", ClientId::url("http://test/alice2"));
    let mut new = Client::new(srv.addr, config);
    new.login().await.expect("new password");
    // Bob's account is still there (from the first start).
    let mut bob = client(srv.addr, "bob", Version::V1_2, Encoding::Xml);
    bob.login().await.expect("stored account");
    srv.stop();
    let _ = std::fs::remove_dir_all(dir);
}

/// The standalone TCP CIR: HELO / OK, then WVCI when something waits; unknown sessions are
/// refused.
#[tokio::test]
async fn cir_tells_the_client_to_poll() {
    let mut opts = options(None);
    opts.cir = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    let srv = server::start(opts).unwrap();
    let cir = srv.cir_addr.expect("CIR address");
    let mut alice = client(srv.addr, "alice", Version::V1_2, Encoding::Xml);
    let mut bob = client(srv.addr, "bob", Version::V1_2, Encoding::Wbxml);
    let sid = alice.login().await.unwrap();
    bob.login().await.unwrap();
    let wake = cir_connect(cir, &sid).await.expect("HELO accepted");
    bob.send_text(&uid("alice"), "ring ring").await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), wake.notified()).await.expect("WVCI within 5 s");
    alice.poll().await.unwrap();
    assert_eq!(texts(&mut alice).await, vec![(uid("bob"), "ring ring".to_owned())]);
    assert!(cir_connect(cir, &"no-such-session".into()).await.is_err());
    srv.stop();
}

/// Many clients at once over their own connections: every message delivered exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sessions_deliver_every_message_once() {
    const USERS: usize = 40;
    const EACH: usize = 5;
    let mut opts = server::Options::new(DOMAIN);
    let text: String = (0..USERS).map(|i| format!("u{i} pw{i}\n")).collect();
    opts.accounts = server::accounts::parse(&text, DOMAIN).unwrap();
    let srv = server::start(opts).unwrap();
    let addr = srv.addr;
    let mut tasks = Vec::new();
    for i in 0..USERS {
        tasks.push(tokio::spawn(async move {
            let config =
                ClientConfig::new(uid(&format!("u{i}")), format!("pw{i}"), ClientId::url(format!("http://c/{i}")))
                    .with_encoding(if i % 2 == 0 { Encoding::Xml } else { Encoding::Wbxml });
            let mut c = Client::new(addr, config);
            c.login().await.unwrap();
            c
        }));
    }
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(t.await.unwrap());
    }
    let mut tasks = Vec::new();
    for (i, mut c) in clients.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for n in 0..EACH {
                let to = uid(&format!("u{}", (i + 1 + n) % USERS));
                c.send_text(&to, &format!("{i}:{n}")).await.unwrap();
            }
            c
        }));
    }
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(t.await.unwrap());
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in clients.iter_mut() {
        c.poll_all().await.unwrap();
        for (_, text) in texts(c).await {
            *seen.entry(text).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), USERS * EACH, "every message delivered");
    assert!(seen.values().all(|n| *n == 1), "none twice");
    srv.stop();
}

#[test]
fn sqlite_store_round_trips_batches() {
    use imps_session::server::{Account, Batch, Storage};
    let dir = temp_dir("store");
    let path = dir.join("s.db");
    {
        let mut s = server::store::SqliteStorage::open(&path).unwrap();
        let mut b = Batch::default();
        b.accounts.push(Account::new(&uid("zed").into(), "pw"));
        s.apply(&b).unwrap();
        s.commit().unwrap();
        let mut b = Batch::default();
        b.accounts.push(Account::new(&uid("yan").into(), "pw2"));
        s.apply(&b).unwrap();
        // Dropped without an explicit commit: Drop commits.
    }
    let mut s = server::store::SqliteStorage::open(&path).unwrap();
    let snap = s.load().unwrap();
    let mut ids: Vec<_> = snap.accounts.iter().map(|a| a.user_id.as_str().to_owned()).collect();
    ids.sort();
    assert_eq!(ids, [uid("yan"), uid("zed")]);
    assert!(s.get("accounts", &uid("zed")).unwrap().unwrap().contains("\"pw\""));
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------------------------
// The exact command line, on the example binary
// ---------------------------------------------------------------------------------------------

/// `target/<profile>/examples/imps-server`, built by `cargo test` along with this test.
fn server_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let bin = profile_dir.join("examples").join(format!("imps-server{}", std::env::consts::EXE_SUFFIX));
    bin.exists().then_some(bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_server(bin: &Path, args: &[&str]) -> Child {
    Child(
        std::process::Command::new(bin)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn imps-server"),
    )
}

async fn wait_for_port(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("server did not listen on {port}");
}

#[tokio::test]
async fn command_line_serves_logs_and_persists() {
    let Some(bin) = server_binary() else {
        eprintln!("skipped: examples/imps-server not built (cargo test builds it; --test alone does not)");
        return;
    };
    let dir = temp_dir("cli");
    let accounts = dir.join("accounts");
    std::fs::write(&accounts, ACCOUNTS).unwrap();
    let db = dir.join("cli.db");
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let args = [
        "--listen",
        &listen,
        "--accounts",
        accounts.to_str().unwrap(),
        "--domain",
        DOMAIN,
        "--db",
        db.to_str().unwrap(),
    ];
    let mut child = spawn_server(&bin, &args);
    wait_for_port(port).await;
    let addr: SocketAddr = listen.parse().unwrap();
    let mut alice = client(addr, "alice", Version::V1_2, Encoding::Wbxml);
    alice.login().await.unwrap();
    alice.send_text(&uid("bob"), "über die Kommandozeile").await.unwrap();
    // Kill it hard: what was acknowledged is on disk.
    let _ = child.0.kill();
    let out = child.0.wait_with_output_stderr();
    assert!(out.contains("listening on http://127.0.0.1"), "{out}");
    assert!(out.contains("INFO wv:alice@example.com Login-Request 200"), "{out}");
    assert!(out.contains("INFO wv:alice@example.com SendMessage-Request 200"), "{out}");
    let _child = spawn_server(&bin, &args);
    wait_for_port(port).await;
    let mut bob = client(addr, "bob", Version::V1_2, Encoding::Xml);
    bob.login().await.unwrap();
    bob.poll_all().await.unwrap();
    assert_eq!(texts(&mut bob).await, vec![(uid("alice"), "über die Kommandozeile".to_owned())]);
    drop(_child);
    let _ = std::fs::remove_dir_all(dir);
}

trait StderrText {
    fn wait_with_output_stderr(&mut self) -> String;
}

impl StderrText for std::process::Child {
    fn wait_with_output_stderr(&mut self) -> String {
        use std::io::Read;
        let _ = self.wait();
        let mut s = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }
}

#[test]
fn command_line_errors_name_the_problem() {
    let Some(bin) = server_binary() else {
        eprintln!("skipped: examples/imps-server not built");
        return;
    };
    let dir = temp_dir("cli-errors");
    let accounts = dir.join("accounts");
    std::fs::write(&accounts, "# ok\nwv:alice@example.com pw\nwv:bob@example.com\n").unwrap();
    let run = |args: &[&str]| std::process::Command::new(&bin).args(args).output().unwrap();
    let out = run(&["--listen", "127.0.0.1:0", "--accounts", accounts.to_str().unwrap(), "--domain", DOMAIN]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("wv:bob@example.com"), "{err}");
    let out = run(&["--listen", "127.0.0.1:0", "--domain", DOMAIN]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--accounts is required"));
    let out = run(&["--listen", "nowhere", "--accounts", "x", "--domain", DOMAIN]);
    assert_eq!(out.status.code(), Some(2));
    let out =
        run(&["--listen", "127.0.0.1:0", "--accounts", dir.join("missing").to_str().unwrap(), "--domain", DOMAIN]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read accounts file"));
    let _ = std::fs::remove_dir_all(dir);
}
