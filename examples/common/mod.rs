//! Client-side plumbing shared by the examples and the HTTP tests: a keep-alive HTTP/1.1
//! connection ([`HttpClient`]), a driver that runs the sans-IO client
//! [`Session`](imps_session::client::Session) over it ([`Client`]), and the client end of the
//! standalone TCP CIR channel ([`cir_connect`]).
//!
//! Included with `#[path]`; every user takes what it needs.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use imps_csp::elements::{Group, Recipient, Sender};
use imps_csp::ids::{MessageId, SessionId, TransactionId};
use imps_csp::primitive::im::{GetMessageRequest, SendMessageRequest};
use imps_csp::{Encoding, Message, Primitive, ResultCode};
use imps_session::client::{ClientConfig, Event, Session, SessionError};
use imps_session::Timestamp;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Notify;

/// The wall clock as a [`Timestamp`].
pub fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    Timestamp::from_millis(ms)
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct HttpReply {
    /// The status code.
    pub status: u16,
    /// Its `Content-Type`.
    pub content_type: Option<String>,
    /// The body.
    pub body: Bytes,
}

/// One keep-alive HTTP/1.1 connection to a server, reopened when the server closed it.
pub struct HttpClient {
    addr: SocketAddr,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// The path POSTed to.
    pub path: String,
    /// Connections opened so far.
    pub connections: u64,
}

impl HttpClient {
    /// A client for the server at `addr` (connects on first use).
    pub fn new(addr: SocketAddr) -> Self {
        HttpClient { addr, sender: None, path: "/".to_owned(), connections: 0 }
    }

    async fn ready(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, String> {
        if let Some(s) = &mut self.sender {
            if s.ready().await.is_err() {
                self.sender = None;
            }
        }
        if self.sender.is_none() {
            let stream = TcpStream::connect(self.addr).await.map_err(|e| format!("connect {}: {e}", self.addr))?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake: {e}"))?;
            tokio::spawn(conn);
            self.connections += 1;
            self.sender = Some(sender);
        }
        Ok(self.sender.as_mut().expect("connected"))
    }

    /// Sends any request on the connection (the `Host` header is added).
    pub async fn send(&mut self, mut req: Request<Full<Bytes>>) -> Result<HttpReply, String> {
        let host = self.addr.to_string();
        req.headers_mut().insert(HOST, host.parse().expect("host header"));
        let sender = self.ready().await?;
        let resp = match sender.send_request(req).await {
            Ok(r) => r,
            Err(e) => {
                self.sender = None;
                return Err(format!("request: {e}"));
            }
        };
        let status = resp.status().as_u16();
        let content_type = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = resp.into_body().collect().await.map_err(|e| format!("body: {e}"))?.to_bytes();
        Ok(HttpReply { status, content_type, body })
    }

    /// POSTs `body` with `content_type` (none when `None`).
    pub async fn post(&mut self, content_type: Option<&str>, body: impl Into<Bytes>) -> Result<HttpReply, String> {
        let mut b = Request::builder().method(Method::POST).uri(self.path.as_str());
        if let Some(ct) = content_type {
            b = b.header(CONTENT_TYPE, ct);
        }
        self.send(b.body(Full::new(body.into())).expect("request")).await
    }
}

/// Why a client call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// Transport failure.
    Io(String),
    /// The server answered with an HTTP error.
    Http(u16, String),
    /// The session refused the call locally.
    Session(SessionError),
    /// The server answered with a failure code.
    Failed(ResultCode, Option<String>),
    /// The login failed.
    LoginFailed(ResultCode, Option<String>),
    /// No answer to the transaction came back.
    NoResponse,
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Io(e) => write!(f, "transport: {e}"),
            ClientError::Http(s, b) => write!(f, "HTTP {s}: {}", b.trim()),
            ClientError::Session(e) => write!(f, "refused locally: {e}"),
            ClientError::Failed(c, d) => {
                write!(f, "failed with {}{}", c.0, d.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())
            }
            ClientError::LoginFailed(c, d) => {
                write!(f, "login failed with {}{}", c.0, d.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())
            }
            ClientError::NoResponse => f.write_str("no response"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<SessionError> for ClientError {
    fn from(e: SessionError) -> Self {
        ClientError::Session(e)
    }
}

/// The client [`Session`] driven over one HTTP connection: every transmit is POSTed, every
/// answer fed back, every event kept until the caller takes it (the drain rule).
pub struct Client {
    /// The state machine.
    pub session: Session,
    /// The connection.
    pub http: HttpClient,
    /// When set, every exchange is printed under this name (→ sent, ← received).
    pub trace: Option<String>,
    events: VecDeque<Event>,
}

/// An instant message received, pushed (`NewMessage`) or notified and fetched
/// (`MessageNotification`, `GetMessage-Request`).
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// The server's message id.
    pub message_id: Option<MessageId>,
    /// Who sent it (a user, or a group / screen name).
    pub sender: Sender,
    /// The content.
    pub text: String,
    /// Pushed (`true`) or fetched after a notification.
    pub pushed: bool,
}

impl Received {
    /// The sender as text: the user id, or `screen name in group`.
    pub fn from(&self) -> String {
        match &self.sender {
            Sender::User(u) => u.user_id.normalized().as_str().to_owned(),
            Sender::Group(Group::ScreenName(s)) => format!("{} in {}", s.sname.as_str(), s.group_id.as_str()),
            Sender::Group(Group::GroupId(g)) => g.as_str().to_owned(),
        }
    }
}

impl Client {
    /// A client for the server at `addr`.
    pub fn new(addr: SocketAddr, config: ClientConfig) -> Self {
        Client { session: Session::new(config), http: HttpClient::new(addr), trace: None, events: VecDeque::new() }
    }

    /// Sends everything the session has to send, feeding each answer back, until it has
    /// nothing more; keeps the events.
    pub async fn pump(&mut self) -> Result<(), ClientError> {
        while let Some(t) = self.session.poll_transmit() {
            if let Some(name) = &self.trace {
                println!("      {name:>5} → {}", describe(&t.bytes));
            }
            let r = self.http.post(Some(t.content_type), t.bytes).await.map_err(ClientError::Io)?;
            if let Some(name) = &self.trace {
                let what = if r.status == 200 { describe(&r.body) } else { format!("HTTP {}", r.status) };
                println!("      {name:>5} ← {what}");
            }
            if r.status != 200 {
                self.drain_events();
                return Err(ClientError::Http(r.status, String::from_utf8_lossy(&r.body).into_owned()));
            }
            self.session.handle_incoming(now(), &r.body);
            self.drain_events();
        }
        self.drain_events();
        Ok(())
    }

    fn drain_events(&mut self) {
        while let Some(e) = self.session.poll_event() {
            self.events.push_back(e);
        }
    }

    /// Logs in (and, with automatic negotiation, negotiates capabilities and services).
    pub async fn login(&mut self) -> Result<SessionId, ClientError> {
        self.session.login(now())?;
        self.pump().await?;
        // A 4-way digest login or the negotiation may take further round trips.
        for _ in 0..4 {
            if let Some(i) =
                self.events.iter().position(|e| matches!(e, Event::LoggedIn { .. } | Event::LoginFailed { .. }))
            {
                match self.events.remove(i).expect("found") {
                    Event::LoggedIn { session_id, .. } => {
                        self.pump().await?;
                        return Ok(session_id);
                    }
                    Event::LoginFailed { code, description } => {
                        return Err(ClientError::LoginFailed(code, description))
                    }
                    _ => unreachable!(),
                }
            }
            self.pump().await?;
        }
        Err(ClientError::NoResponse)
    }

    /// Sends one request and returns its response primitive.
    pub async fn call(&mut self, p: impl Into<Primitive>) -> Result<Primitive, ClientError> {
        let tid = self.session.request(now(), p)?;
        self.pump().await?;
        self.take_response(&tid)
    }

    /// Sends a `Polling-Request` now and handles what comes back (and the answers to it).
    pub async fn poll(&mut self) -> Result<(), ClientError> {
        self.session.poll(now())?;
        self.pump().await
    }

    /// Polls until nothing waits on the server (answers to what arrived included).
    pub async fn poll_all(&mut self) -> Result<(), ClientError> {
        for _ in 0..64 {
            self.poll().await?;
            if !self.session.poll_wanted() {
                break;
            }
        }
        Ok(())
    }

    /// Takes the instant messages among the events: pushed ones as they are, notified ones
    /// fetched with `GetMessage-Request` (and acknowledged by the session). Other events stay.
    pub async fn take_messages(&mut self) -> Result<Vec<Received>, ClientError> {
        self.drain_events();
        let mut out = Vec::new();
        let mut notified = Vec::new();
        let mut rest = VecDeque::new();
        for e in self.events.drain(..) {
            match e {
                Event::NewMessage { message, .. } => out.push(Received {
                    message_id: message.message_info.message_id.clone(),
                    sender: message.message_info.sender.clone(),
                    text: message.content_data.clone().unwrap_or_default(),
                    pushed: true,
                }),
                Event::MessageNotification { notification, .. } => {
                    if let Some(id) = notification.message_info.message_id.clone() {
                        notified.push(id);
                    }
                }
                other => rest.push_back(other),
            }
        }
        self.events = rest;
        for id in notified {
            match self.call(GetMessageRequest::new(id)).await? {
                Primitive::GetMessageResponse(r) => out.push(Received {
                    message_id: r.message_info.message_id.clone(),
                    sender: r.message_info.sender.clone(),
                    text: r.content_data.clone().unwrap_or_default(),
                    pushed: false,
                }),
                other => return Err(ClientError::Io(format!("GetMessage answered with {other:?}"))),
            }
        }
        Ok(out)
    }

    /// Handles the passing of time (keep-alive, due polls, transaction timeouts).
    pub async fn tick(&mut self) -> Result<(), ClientError> {
        let t = now();
        if self.session.poll_timeout().is_some_and(|d| d <= t) {
            self.session.handle_timeout(t);
        }
        self.pump().await
    }

    /// Sends a text message to a user.
    pub async fn send_text(&mut self, user: &str, text: &str) -> Result<Primitive, ClientError> {
        let me = self.session.config().user_id.clone();
        self.call(SendMessageRequest::text_to(me, Recipient::user(user), text)).await
    }

    /// Sends a text message to a group.
    pub async fn send_group(&mut self, group: &str, text: &str) -> Result<Primitive, ClientError> {
        let me = self.session.config().user_id.clone();
        self.call(SendMessageRequest::text_to_group(me, group, text)).await
    }

    /// Answers a presence authorisation request.
    pub async fn authorize(&mut self, user: &str, accept: bool) -> Result<Primitive, ClientError> {
        let tid = self.session.authorize_presence(now(), user, accept, None)?;
        self.pump().await?;
        self.take_response(&tid)
    }

    fn take_response(&mut self, tid: &TransactionId) -> Result<Primitive, ClientError> {
        let found = self.events.iter().position(|e| match e {
            Event::Response { transaction_id, .. } | Event::TransactionFailed { transaction_id, .. } => {
                transaction_id == tid
            }
            _ => false,
        });
        match found.and_then(|i| self.events.remove(i)) {
            Some(Event::Response { primitive, .. }) => Ok(*primitive),
            Some(Event::TransactionFailed { code, description, .. }) => Err(ClientError::Failed(code, description)),
            _ => Err(ClientError::NoResponse),
        }
    }

    /// Logs out.
    pub async fn logout(&mut self) -> Result<(), ClientError> {
        self.session.logout(now())?;
        self.pump().await
    }

    /// The events so far, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.drain_events();
        self.events.drain(..).collect()
    }
}

/// The result code a primitive carries, if any.
pub fn result_code(p: &Primitive) -> Option<ResultCode> {
    use Primitive as P;
    Some(match p {
        P::Status(s) => s.result.code,
        P::LoginResponse(r) => r.result.code,
        P::KeepAliveResponse(r) => r.result.code,
        P::Disconnect(r) => r.result.code,
        P::SendMessageResponse(r) => r.result.code,
        P::GetPresenceResponse(r) => r.result.code,
        P::ListManageResponse(r) => r.result.code,
        P::LeaveGroupResponse(r) => r.result.code,
        _ => return None,
    })
}

/// One line for a message: its primitives (with result codes), its encoding, `Poll` T.
pub fn describe(bytes: &[u8]) -> String {
    match Message::decode(bytes) {
        Ok(d) => {
            let parts: Vec<String> = d
                .message
                .transactions
                .iter()
                .map(|t| {
                    let name = t.primitive.elem().canonical_name();
                    match result_code(&t.primitive) {
                        Some(c) => format!("{name} {}", c.0),
                        None => name.to_owned(),
                    }
                })
                .collect();
            let enc = match d.encoding {
                Encoding::Xml => "XML",
                Encoding::Wbxml => "WBXML",
            };
            let poll = if d.message.poll == Some(true) { ", Poll=T" } else { "" };
            format!("{}   [{enc} {} B{poll}]", parts.join(" + "), bytes.len())
        }
        Err(e) => format!("(undecodable: {e})"),
    }
}

/// Opens the standalone TCP CIR channel for `session` (`HELO` / `OK`); the returned
/// [`Notify`] is notified at every `WVCI` line. The channel closes when the session ends.
pub async fn cir_connect(addr: SocketAddr, session: &SessionId) -> Result<Arc<Notify>, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| format!("CIR connect {addr}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    write.write_all(format!("HELO {}\r\n", session.as_str()).as_bytes()).await.map_err(|e| e.to_string())?;
    let mut lines = BufReader::new(read).lines();
    match lines.next_line().await {
        Ok(Some(l)) if l.trim() == "OK" => {}
        other => return Err(format!("CIR: no OK but {other:?}")),
    }
    let notify = Arc::new(Notify::new());
    let n = notify.clone();
    tokio::spawn(async move {
        // Keep the write half open for the connection's life.
        let _write = write;
        while let Ok(Some(l)) = lines.next_line().await {
            if l.starts_with("WVCI") {
                n.notify_one();
            }
        }
    });
    Ok(notify)
}
