//! The HTTP binding (spec notes section 7) on hyper: every POST, to any path, carries one
//! `WV-CSP-Message`; the response body carries the engine's reply in the same encoding and
//! version.
//!
//! | request | answer |
//! | --- | --- |
//! | not `POST` | 405, `Allow: POST` |
//! | `Content-Type` not a CSP type (`application/vnd.wv.csp.xml`, `.wbxml`, 1.3 `+xml`, `+wbxml`; parameters ignored) | 415 |
//! | no `Content-Type` | accepted: the encoding is sniffed from the first byte |
//! | `Content-Length` over the limit | 413 at once, the body unread, the connection closed |
//! | body over the limit while streaming (chunked) | 413 as soon as the limit is passed |
//! | not a CSP message (wrong root, unknown version) | 415 |
//! | malformed CSP | 400 |
//! | storage commit failed | 503 (the request may or may not have taken effect) |
//! | otherwise | 200 with the CSP reply (a CSP error such as `Status` 604 is a CSP answer) |
//!
//! HTTP/1.1 connections are kept alive.

use std::convert::Infallible;
use std::sync::mpsc::Sender;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use imps_csp::Encoding;
use tokio::sync::oneshot;

use super::worker::{Job, Refused};

/// What every connection task shares.
pub struct Shared {
    /// The engine thread's queue.
    pub jobs: Sender<Job>,
    /// Largest accepted body, in bytes.
    pub max_body: usize,
    /// Write a log line for requests refused before the engine.
    pub log: bool,
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(format!("{text}\n"))));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

fn refuse(shared: &Shared, status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    if shared.log {
        eprintln!("INFO - - {} ({text})", status.as_u16());
    }
    plain(status, text)
}

/// Answers one HTTP request.
pub async fn handle(req: Request<Incoming>, shared: Arc<Shared>) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != Method::POST {
        let mut r = refuse(&shared, StatusCode::METHOD_NOT_ALLOWED, "only POST carries CSP messages");
        r.headers_mut().insert(ALLOW, HeaderValue::from_static("POST"));
        return Ok(r);
    }
    if let Some(ct) = req.headers().get(CONTENT_TYPE) {
        let known = ct.to_str().ok().and_then(Encoding::from_content_type).is_some();
        if !known {
            return Ok(refuse(
                &shared,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content type must be application/vnd.wv.csp.xml or .wbxml (1.3: +xml, +wbxml)",
            ));
        }
    }
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > shared.max_body as u64) {
        let mut r = refuse(&shared, StatusCode::PAYLOAD_TOO_LARGE, &format!("body over {} bytes", shared.max_body));
        // The body stays unread: the connection cannot be reused.
        r.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
        return Ok(r);
    }
    let body = match Limited::new(req.into_body(), shared.max_body).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            let mut r = refuse(&shared, StatusCode::PAYLOAD_TOO_LARGE, &format!("body over {} bytes", shared.max_body));
            r.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
            return Ok(r);
        }
        Err(_) => return Ok(refuse(&shared, StatusCode::BAD_REQUEST, "body could not be read")),
    };
    let (tx, rx) = oneshot::channel();
    if shared.jobs.send(Job::Request { body, reply: tx }).is_err() {
        return Ok(plain(StatusCode::SERVICE_UNAVAILABLE, "server stopping"));
    }
    Ok(match rx.await {
        Ok(Ok(reply)) => {
            let mut r = Response::new(Full::new(Bytes::from(reply.bytes)));
            r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
            r
        }
        Ok(Err(Refused::Request(e))) => {
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            refuse(&shared, status, &e.to_string())
        }
        Ok(Err(Refused::Storage)) => plain(StatusCode::SERVICE_UNAVAILABLE, "storage failure"),
        Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, "server stopping"),
    })
}
