//! Standalone TCP CIR (spec notes section 7, `STCP`): a channel on which the server tells a
//! client to poll.
//!
//! The client connects and sends `HELO <SessionID>\r\n`; the server answers `OK\r\n` for a
//! live session (and closes the connection otherwise). From then on the server writes
//! `WVCI <version> <SessionID>\r\n` whenever server-originated transactions start waiting for
//! the session (the engine's `Output::Wake`), and the client answers with a `Polling-Request`
//! over HTTP. The client may send `PING\r\n` lines to keep the connection open; they are read
//! and ignored. A repeated `HELO` re-registers. The connection is closed when the session ends.
//!
//! The engine agrees no CIR method in `ClientCapability-Response` (it serves HTTP with
//! polling); the CIR address is given to clients out of band (`--cir`).

use std::sync::mpsc::Sender;

use imps_csp::ids::SessionId;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

use super::worker::Job;

/// Longest line accepted from a client.
const MAX_LINE: usize = 512;

/// Serves one CIR connection.
pub async fn serve(stream: TcpStream, jobs: Sender<Job>) {
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    // The receiving end of the registration: the engine thread holds the only sender, and drops
    // it when the session ends.
    let mut rx: Option<mpsc::UnboundedReceiver<String>> = None;
    let mut line = String::new();
    loop {
        tokio::select! {
            n = read_line(&mut read, &mut line) => {
                let Some(n) = n else { return };
                if n == 0 {
                    return;
                }
                let text = line.trim();
                if let Some(sid) = text.strip_prefix("HELO ") {
                    let (rtx, rrx) = oneshot::channel();
                    let (tx, new_rx) = mpsc::unbounded_channel::<String>();
                    let job = Job::CirHello { session: SessionId::new(sid.trim()), lines: tx, reply: rtx };
                    if jobs.send(job).is_err() {
                        return;
                    }
                    match rrx.await {
                        Ok(true) => {
                            // A WVCI for what already waits is queued behind this OK.
                            rx = Some(new_rx);
                            if write.write_all(b"OK\r\n").await.is_err() {
                                return;
                            }
                        }
                        _ => {
                            let _ = write.write_all(b"ERROR unknown session\r\n").await;
                            return;
                        }
                    }
                }
                // PING and anything else: ignored.
                line.clear();
            }
            msg = async { rx.as_mut().expect("registered").recv().await }, if rx.is_some() => {
                match msg {
                    Some(l) => {
                        if write.write_all(l.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    // The session ended.
                    None => return,
                }
            }
        }
    }
}

/// Reads one line of at most [`MAX_LINE`] bytes; `None` on error or an overlong line.
async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R, line: &mut String) -> Option<usize> {
    let n = r.read_line(line).await.ok()?;
    (line.len() <= MAX_LINE).then_some(n)
}
