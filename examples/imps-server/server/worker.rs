//! The engine thread: the only owner of the [`Engine`] and its [`Store`].
//!
//! The HTTP and CIR tasks send it [`Job`]s over a channel. It takes a burst of waiting jobs
//! (up to [`MAX_BURST`]), hands each request to the engine, drains the engine's outputs (the
//! request log, CIR wake-ups, ended sessions, storage failures), commits the burst's storage
//! batches in one SQLite transaction, and only then answers the burst's requests: no reply goes
//! out before what it acknowledges is durable. Between bursts it sleeps until the next job or
//! the engine's `poll_timeout`, when it calls `handle_timeout` (session expiry, message
//! validity, ...).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use imps_csp::ids::SessionId;
use imps_session::server::{Engine, Output, Reply, RequestError};
use imps_session::{Random, Timestamp};
use tokio::sync::{mpsc, oneshot};

use super::store::Store;

/// Most jobs handled before one commit.
pub const MAX_BURST: usize = 512;

/// The answer to one HTTP request.
pub type Answer = Result<Reply, Refused>;

/// A request the engine thread did not answer with a CSP message.
#[derive(Debug)]
pub enum Refused {
    /// The engine refused the bytes (413, 415, 400).
    Request(RequestError),
    /// The storage failed to commit: the request may or may not have taken effect (503).
    Storage,
}

/// Work for the engine thread.
pub enum Job {
    /// One HTTP POST body.
    Request {
        /// The body.
        body: Bytes,
        /// Where the answer goes.
        reply: oneshot::Sender<Answer>,
    },
    /// A CIR channel says `HELO <SessionID>`: register it if the session is live (the answer),
    /// and queue a `WVCI` on it at once when something already waits.
    CirHello {
        /// The session.
        session: SessionId,
        /// Where `WVCI` lines for it go.
        lines: mpsc::UnboundedSender<String>,
        /// Whether the session is live.
        reply: oneshot::Sender<bool>,
    },
    /// Commit and stop.
    Stop,
}

/// The wall clock as the engine's [`Timestamp`].
pub fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    Timestamp::from_millis(ms)
}

/// A cryptographically secure [`Random`] from the operating system (session ids and nonces).
pub struct OsRandom {
    buf: [u64; 32],
    next: usize,
}

impl OsRandom {
    /// A generator; the first values are drawn on first use.
    pub fn new() -> Self {
        OsRandom { buf: [0; 32], next: 32 }
    }
}

impl Default for OsRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl Random for OsRandom {
    fn next_u64(&mut self) -> u64 {
        if self.next == self.buf.len() {
            let mut bytes = [0u8; 256];
            getrandom::fill(&mut bytes).expect("the operating system's random source");
            for (slot, chunk) in self.buf.iter_mut().zip(bytes.chunks_exact(8)) {
                *slot = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            }
            self.next = 0;
        }
        self.next += 1;
        self.buf[self.next - 1]
    }
}

/// The engine type the server runs.
pub type ServerEngine = Engine<Store, OsRandom>;

/// The engine thread's state besides the engine.
struct Worker {
    engine: ServerEngine,
    /// CIR channels by session.
    cir: HashMap<SessionId, mpsc::UnboundedSender<String>>,
    /// Write the request log.
    log: bool,
    /// The log lines of the current burst.
    lines: String,
}

/// Runs the engine thread until [`Job::Stop`] or until every sender is gone.
pub fn run(engine: ServerEngine, jobs: Receiver<Job>, log: bool) {
    let mut w = Worker { engine, cir: HashMap::new(), log, lines: String::new() };
    let mut burst: Vec<Job> = Vec::with_capacity(MAX_BURST);
    let mut answers: Vec<(oneshot::Sender<Answer>, Result<Reply, RequestError>)> = Vec::with_capacity(MAX_BURST);
    loop {
        // Wait for work or the engine's next deadline.
        let t = now();
        let first = match w.engine.poll_timeout() {
            Some(deadline) if deadline <= t => {
                w.engine.handle_timeout(t);
                w.drain();
                w.finish_burst(&mut answers);
                // Whatever is still due is retried after a short pause, never in a busy loop.
                if w.engine.poll_timeout().is_some_and(|d| d <= t) {
                    match jobs.recv_timeout(Duration::from_millis(50)) {
                        Ok(j) => j,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                } else {
                    continue;
                }
            }
            Some(deadline) => {
                let wait = Duration::from_millis(deadline.as_millis().saturating_sub(t.as_millis()).max(1));
                match jobs.recv_timeout(wait) {
                    Ok(j) => j,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match jobs.recv() {
                Ok(j) => j,
                Err(_) => break,
            },
        };
        burst.push(first);
        while burst.len() < MAX_BURST {
            match jobs.try_recv() {
                Ok(j) => burst.push(j),
                Err(_) => break,
            }
        }
        let mut stop = false;
        let t = now();
        for job in burst.drain(..) {
            match job {
                Job::Request { body, reply } => {
                    let r = w.engine.handle_request(t, &body);
                    w.drain();
                    answers.push((reply, r));
                }
                Job::CirHello { session, lines, reply } => {
                    let live = w.engine.session(&session).map(|s| (s.pending() > 0, s.version.as_str()));
                    if let Some((pending, version)) = live {
                        if pending {
                            let _ = lines.send(format!("WVCI {version} {}\r\n", session.as_str()));
                        }
                        w.cir.insert(session, lines);
                    }
                    let _ = reply.send(live.is_some());
                }
                Job::Stop => stop = true,
            }
        }
        w.finish_burst(&mut answers);
        if stop {
            break;
        }
    }
    let _ = w.engine.storage().commit();
}

impl Worker {
    /// Acts on every engine output (the drain rule).
    fn drain(&mut self) {
        while let Some(o) = self.engine.poll_output() {
            match o {
                Output::Handled(l) if self.log => {
                    let user = l.user.as_ref().map_or("-", |u| u.as_str());
                    let _ = match l.code {
                        Some(c) => writeln!(self.lines, "INFO {user} {} {}", l.primitive, c.0),
                        None => writeln!(self.lines, "INFO {user} {} -", l.primitive),
                    };
                }
                Output::Wake { session } => {
                    if let Some(tx) = self.cir.get(&session) {
                        let version = self.engine.session(&session).map_or("1.2", |s| s.version.as_str());
                        let line = format!("WVCI {version} {}\r\n", session.as_str());
                        if tx.send(line).is_err() {
                            self.cir.remove(&session);
                        }
                    }
                }
                Output::SessionEnded { session, .. } => {
                    // Dropping the sender closes the session's CIR connection.
                    self.cir.remove(&session);
                }
                Output::StorageFailed(e) => {
                    let _ = writeln!(self.lines, "ERROR {e}");
                }
                _ => {}
            }
        }
    }

    /// Commits, writes the burst's log lines, then sends its answers.
    fn finish_burst(&mut self, answers: &mut Vec<(oneshot::Sender<Answer>, Result<Reply, RequestError>)>) {
        let committed = self.engine.storage().commit();
        if let Err(e) = &committed {
            let _ = writeln!(self.lines, "ERROR {e}; answering the burst's {} requests with 503", answers.len());
        }
        if !self.lines.is_empty() {
            let _ = std::io::stderr().lock().write_all(self.lines.as_bytes());
            self.lines.clear();
        }
        for (tx, r) in answers.drain(..) {
            let a = match (&committed, r) {
                (Err(_), _) => Err(Refused::Storage),
                (Ok(()), Ok(reply)) => Ok(reply),
                (Ok(()), Err(e)) => Err(Refused::Request(e)),
            };
            let _ = tx.send(a);
        }
    }
}
