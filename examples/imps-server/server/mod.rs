//! The imps HTTP server: the sans-IO [`Engine`](imps_session::server::Engine) behind hyper on
//! tokio, with SQLite persistence and a standalone TCP CIR channel.
//!
//! This module is the whole server; `examples/imps-server/main.rs` only parses the command
//! line. The other examples (`demo`, `load`) and the integration tests
//! (`tests/http_server.rs`) include it with `#[path]` to run a server in-process.
//!
//! Threads: one engine thread owns the engine and its storage ([`worker`]); a tokio runtime
//! (two worker threads by default) runs the HTTP connections ([`http`]) and the CIR channels
//! ([`cir`]), which hand requests to the engine thread over a channel and await its answer.
#![allow(dead_code)]

pub mod accounts;
pub mod cir;
pub mod http;
pub mod store;
pub mod worker;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use imps_session::server::{Account, Engine, ServerConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;

use self::accounts::AccountLine;
use self::store::Store;
use self::worker::{Job, OsRandom};

/// The default body limit: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// How to run a server.
#[derive(Debug, Clone)]
pub struct Options {
    /// HTTP address (port 0: any free port).
    pub listen: SocketAddr,
    /// Standalone TCP CIR address, if any (port 0: any free port).
    pub cir: Option<SocketAddr>,
    /// The server's domain.
    pub domain: String,
    /// Accounts to create or update at start.
    pub accounts: Vec<AccountLine>,
    /// SQLite file; `None` keeps everything in memory.
    pub db: Option<PathBuf>,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// One log line per request on stderr.
    pub log: bool,
    /// Tokio worker threads for the connections.
    pub io_threads: usize,
}

impl Options {
    /// Defaults: loopback on a free port, no CIR, memory store, 1 MiB bodies, quiet.
    pub fn new(domain: impl Into<String>) -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            cir: None,
            domain: domain.into(),
            accounts: Vec::new(),
            db: None,
            max_body: DEFAULT_MAX_BODY,
            log: false,
            io_threads: 2,
        }
    }

    /// The engine configuration these options give.
    pub fn engine_config(&self) -> ServerConfig {
        let mut config = ServerConfig::new(self.domain.clone());
        config.limits.max_request_bytes = self.max_body;
        config
    }
}

/// A running server. Dropping it stops it (see [`Server::stop`]).
pub struct Server {
    /// The HTTP address it listens on.
    pub addr: SocketAddr,
    /// The CIR address, if any.
    pub cir_addr: Option<SocketAddr>,
    /// What the store is ("memory", "sqlite PATH").
    pub store: String,
    shutdown: watch::Sender<bool>,
    jobs: std::sync::mpsc::Sender<Job>,
    io: Option<JoinHandle<()>>,
    engine: Option<JoinHandle<()>>,
}

/// Why a server did not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Starts a server: opens the store, loads the engine, writes the accounts, binds the ports,
/// and runs the engine thread and the connection runtime in the background.
pub fn start(opts: Options) -> Result<Server, StartError> {
    let store = Store::open(opts.db.as_deref()).map_err(|e| StartError(e.to_string()))?;
    let described = store.describe();
    let mut engine = Engine::new(opts.engine_config(), store, OsRandom::new())
        .map_err(|e| StartError(format!("loading the store: {e}")))?;
    for a in &opts.accounts {
        engine.put_account(Account::new(&a.user_id, a.password.clone()));
    }
    while engine.poll_output().is_some() {}
    engine.storage().commit().map_err(|e| StartError(format!("writing the accounts: {e}")))?;

    let http = std::net::TcpListener::bind(opts.listen)
        .map_err(|e| StartError(format!("cannot listen on {}: {e}", opts.listen)))?;
    http.set_nonblocking(true).map_err(|e| StartError(e.to_string()))?;
    let addr = http.local_addr().map_err(|e| StartError(e.to_string()))?;
    let cir = match opts.cir {
        Some(a) => {
            let l = std::net::TcpListener::bind(a).map_err(|e| StartError(format!("cannot listen on {a}: {e}")))?;
            l.set_nonblocking(true).map_err(|e| StartError(e.to_string()))?;
            Some(l)
        }
        None => None,
    };
    let cir_addr = cir.as_ref().and_then(|l| l.local_addr().ok());

    let (jobs, rx) = std::sync::mpsc::channel();
    let log = opts.log;
    let engine = std::thread::Builder::new()
        .name("imps-engine".into())
        .spawn(move || worker::run(engine, rx, log))
        .map_err(|e| StartError(e.to_string()))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(opts.io_threads.max(1))
        .thread_name("imps-io")
        .enable_all()
        .build()
        .map_err(|e| StartError(e.to_string()))?;
    let (shutdown, stop) = watch::channel(false);
    let shared = Arc::new(http::Shared { jobs: jobs.clone(), max_body: opts.max_body, log: opts.log });
    let cir_jobs = jobs.clone();
    let io = std::thread::Builder::new()
        .name("imps-accept".into())
        .spawn(move || {
            runtime.block_on(async move {
                let http = TcpListener::from_std(http).expect("listener in runtime");
                if let Some(cir) = cir {
                    let cir = TcpListener::from_std(cir).expect("listener in runtime");
                    tokio::spawn(accept_cir(cir, cir_jobs, stop.clone()));
                }
                accept_http(http, shared, stop).await;
            });
            // Dropping the runtime ends every connection task.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        })
        .map_err(|e| StartError(e.to_string()))?;
    Ok(Server { addr, cir_addr, store: described, shutdown, jobs, io: Some(io), engine: Some(engine) })
}

async fn accept_http(listener: TcpListener, shared: Arc<http::Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            r = listener.accept() => r,
            _ = stop.changed() => return,
        };
        let stream = match stream {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of descriptors or a reset: say so, pause, go on serving.
                if shared.log {
                    eprintln!("WARN accept: {e}");
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| http::handle(req, shared.clone()));
            let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}

async fn accept_cir(listener: TcpListener, jobs: std::sync::mpsc::Sender<Job>, mut stop: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            r = listener.accept() => r,
            _ = stop.changed() => return,
        };
        match stream {
            Ok((s, _)) => {
                tokio::spawn(cir::serve(s, jobs.clone()));
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
}

impl Server {
    /// Blocks until the server stops (it runs until the process ends).
    pub fn wait(mut self) {
        if let Some(io) = self.io.take() {
            let _ = io.join();
        }
        self.stop_engine();
    }

    /// Stops the server: no more connections, every connection closed, the engine thread
    /// commits and ends, the store is closed. What was acknowledged is in the store.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(io) = self.io.take() {
            let _ = io.join();
        }
        self.stop_engine();
    }

    fn stop_engine(&mut self) {
        let _ = self.jobs.send(Job::Stop);
        if let Some(e) = self.engine.take() {
            let _ = e.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_now();
    }
}
