//! Load generator: N concurrent sessions over loopback against the `imps-server` example,
//! each on its own keep-alive HTTP connection, sending instant messages to each other and
//! fetching them, for a fixed time.
//!
//! ```text
//! cargo build --release --examples
//! cargo run --release --example load -- --sessions 1000 --duration 10 [--db] [--rate R] [--poll-ms MS] [--wbxml]
//! cargo run --release --example load -- --sessions 10000 --idle --duration 60
//! ```
//!
//! It starts the server binary (`target/<profile>/examples/imps-server`, built on demand) on
//! free loopback ports with a generated accounts file, so the server's memory can be read from
//! `/proc`; `--server PATH` names another binary.
//!
//! Each session logs in (Login, ClientCapability and Service requests), opens the standalone
//! TCP CIR channel, then loops: send a `SendMessage-Request` to a random other session (at
//! `--rate` messages per second, or back to back when 0), and whenever the CIR says `WVCI`,
//! send a `Polling-Request` and take what came (answering each `NewMessage` with
//! `MessageDelivered`, as the client state machine does). With `--poll-ms` there is no CIR: every
//! session polls on that period instead. Each message carries its sender, a sequence number and
//! its send time; latency is send to receipt. After the run the sessions stop sending and
//! drain, and every accepted message is checked to have arrived exactly once.
//!
//! `--idle` logs the sessions in and only keeps them alive (`KeepAlive-Request` at the agreed
//! interval, `--ttl` seconds) for the duration, then checks every session is still live.
//!
//! Reported: logins/s, delivered messages/s, p50/p90/p99/max delivery latency, lost and
//! duplicated messages, the server's resident memory per session and its CPU use.

#[path = "common/mod.rs"]
mod common;

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{cir_connect, Client, ClientError};
use imps_csp::elements::ClientId;
use imps_csp::primitive::im::SendMessageRequest;
use imps_csp::{Encoding, Primitive, ResultCode, Version};
use imps_session::client::ClientConfig;
use tokio::sync::Semaphore;

const DOMAIN: &str = "load.example";

const USAGE: &str = "\
usage: load [--sessions N] [--duration SECS] [--db] [--rate MSGS_PER_SEC_PER_SESSION]
            [--poll-ms MS] [--wbxml] [--idle] [--ttl SECS] [--server PATH] [--io-threads N]

  --sessions N     concurrent sessions, each with its own connection (default 1000)
  --duration SECS  how long the sessions send (default 10)
  --db             the server keeps its store in SQLite (a temporary file) instead of memory
  --rate R         messages per second each session sends (default 0: back to back)
  --poll-ms MS     no CIR: poll every MS milliseconds
  --wbxml          the clients speak WBXML (default XML)
  --idle           no messages: keep the sessions alive for the duration, then check them
  --ttl SECS       TimeToLive asked at login (default 60; keep-alives follow it)
  --server PATH    the imps-server binary (default: next to this one, built if missing)
  --io-threads N   the server's connection threads (default 2)
";

#[derive(Debug, Clone)]
struct Args {
    sessions: usize,
    duration: f64,
    db: bool,
    rate: f64,
    poll_ms: Option<u64>,
    encoding: Encoding,
    idle: bool,
    ttl: u32,
    server: Option<PathBuf>,
    io_threads: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        sessions: 1000,
        duration: 10.0,
        db: false,
        rate: 0.0,
        poll_ms: None,
        encoding: Encoding::Xml,
        idle: false,
        ttl: 60,
        server: None,
        io_threads: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |n: &str| it.next().ok_or(format!("{n} needs a value"));
        match arg.as_str() {
            "--sessions" => a.sessions = val("--sessions")?.parse().map_err(|e| format!("--sessions: {e}"))?,
            "--duration" => a.duration = val("--duration")?.parse().map_err(|e| format!("--duration: {e}"))?,
            "--db" => a.db = true,
            "--rate" => a.rate = val("--rate")?.parse().map_err(|e| format!("--rate: {e}"))?,
            "--poll-ms" => a.poll_ms = Some(val("--poll-ms")?.parse().map_err(|e| format!("--poll-ms: {e}"))?),
            "--wbxml" => a.encoding = Encoding::Wbxml,
            "--idle" => a.idle = true,
            "--ttl" => a.ttl = val("--ttl")?.parse().map_err(|e| format!("--ttl: {e}"))?,
            "--server" => a.server = Some(PathBuf::from(val("--server")?)),
            "--io-threads" => a.io_threads = val("--io-threads")?.parse().map_err(|e| format!("--io-threads: {e}"))?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.sessions < 2 {
        return Err("--sessions must be at least 2".into());
    }
    Ok(a)
}

/// The server process, killed on drop.
struct ServerProcess {
    child: std::process::Child,
    addr: SocketAddr,
    cir: SocketAddr,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in bytes (Linux `/proc`).
    fn rss(&self) -> Option<u64> {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    /// CPU time used so far, in seconds (user + system).
    fn cpu_secs(&self) -> Option<f64> {
        let s = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).ok()?;
        let rest = &s[s.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }
}

fn server_binary(args: &Args) -> Result<PathBuf, String> {
    if let Some(p) = &args.server {
        return Ok(p.clone());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe.parent().ok_or("no directory")?;
    let bin = dir.join(format!("imps-server{}", std::env::consts::EXE_SUFFIX));
    if !bin.exists() {
        eprintln!("load: building the imps-server example first");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--example", "imps-server"]);
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        let st = cmd.status().map_err(|e| format!("cargo build: {e}"))?;
        if !st.success() || !bin.exists() {
            return Err(format!("could not build {}; run `cargo build --release --examples`", bin.display()));
        }
    }
    Ok(bin)
}

fn start_server(args: &Args, dir: &std::path::Path) -> Result<ServerProcess, String> {
    let accounts = dir.join("accounts");
    let text: String = (0..args.sessions).map(|i| format!("u{i} pw{i}\n")).collect();
    std::fs::write(&accounts, text).map_err(|e| e.to_string())?;
    let bin = server_binary(args)?;
    let mut cmd = Command::new(&bin);
    cmd.args(["--listen", "127.0.0.1:0", "--cir", "127.0.0.1:0", "--domain", DOMAIN, "--quiet"])
        .arg("--accounts")
        .arg(&accounts)
        .args(["--io-threads", &args.io_threads.to_string()]);
    if args.db {
        cmd.arg("--db").arg(dir.join("load.db"));
    }
    let mut child =
        cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| format!("{}: {e}", bin.display()))?;
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let addr = |marker: &str| {
                line.split(marker)
                    .nth(1)
                    .and_then(|r| r.split_whitespace().next())
                    .and_then(|a| a.parse::<SocketAddr>().ok())
            };
            if let Some(a) = addr("listening on http://") {
                let _ = tx.send(("http", a));
            } else if let Some(a) = addr(" on ").filter(|_| line.contains("CIR")) {
                let _ = tx.send(("cir", a));
            } else {
                eprintln!("server: {line}");
            }
        }
    });
    let (mut http, mut cir) = (None, None);
    while http.is_none() || cir.is_none() {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(("http", a)) => http = Some(a),
            Ok((_, a)) => cir = Some(a),
            Err(_) => {
                let _ = child.kill();
                return Err("the server did not start".into());
            }
        }
    }
    Ok(ServerProcess { child, addr: http.expect("http"), cir: cir.expect("cir") })
}

fn config(i: usize, args: &Args) -> ClientConfig {
    ClientConfig::new(format!("wv:u{i}@{DOMAIN}"), format!("pw{i}"), ClientId::url(format!("http://load/{i}")))
        .with_version(Version::V1_2)
        .with_encoding(args.encoding)
        .with_time_to_live(args.ttl)
        .with_session_cookie(format!("load-{i}"))
}

/// What one session saw.
#[derive(Default)]
struct Tally {
    /// Messages this session sent that the server accepted.
    accepted: u64,
    /// Refused sends.
    refused: u64,
    /// (sender, seq) received.
    received: Vec<(u32, u32)>,
    /// Delivery latencies, microseconds.
    latencies: Vec<u32>,
    /// Transport or protocol errors.
    errors: u64,
}

struct Shared {
    epoch: Instant,
    sending: AtomicBool,
    running: AtomicBool,
    delivered: AtomicU64,
    expected: AtomicU64,
}

impl Shared {
    fn micros(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }
}

fn record(shared: &Shared, tally: &mut Tally, messages: Vec<common::Received>) {
    let now = shared.micros();
    for m in messages {
        let mut parts = m.text.split(':');
        let (Some(from), Some(seq), Some(at)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let (Ok(from), Ok(seq), Ok(at)) = (from.parse::<u32>(), seq.parse::<u32>(), at.parse::<u64>()) else {
            continue;
        };
        tally.received.push((from, seq));
        tally.latencies.push(now.saturating_sub(at).min(u32::MAX as u64) as u32);
        shared.delivered.fetch_add(1, Ordering::Relaxed);
    }
}

/// Polls and records what came.
async fn fetch(c: &mut Client, shared: &Shared, tally: &mut Tally) -> Result<(), ClientError> {
    c.poll_all().await?;
    let m = c.take_messages().await?;
    record(shared, tally, m);
    let _ = c.take_events();
    Ok(())
}

async fn session_loop(
    i: usize,
    mut c: Client,
    wake: Option<Arc<tokio::sync::Notify>>,
    n: usize,
    args: Arc<Args>,
    shared: Arc<Shared>,
) -> (Client, Tally) {
    let mut tally = Tally::default();
    let me = format!("wv:u{i}@{DOMAIN}");
    let mut rng = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut seq: u32 = 0;
    let interval = (args.rate > 0.0).then(|| Duration::from_secs_f64(1.0 / args.rate));
    // Spread the first sends over one interval.
    let mut next_send =
        tokio::time::Instant::now() + interval.map(|d| d.mul_f64((i % 1000) as f64 / 1000.0)).unwrap_or_default();
    let poll_period = args.poll_ms.map(Duration::from_millis);
    let mut next_poll = tokio::time::Instant::now() + poll_period.unwrap_or(Duration::from_secs(3600));
    while shared.running.load(Ordering::Relaxed) {
        let sending = shared.sending.load(Ordering::Relaxed) && !args.idle;
        let keep_alive = c
            .session
            .poll_timeout()
            .map(|t| t.as_millis().saturating_sub(common::now().as_millis()))
            .map(|ms| tokio::time::Instant::now() + Duration::from_millis(ms))
            .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
        let send_at = if sending { next_send } else { tokio::time::Instant::now() + Duration::from_millis(200) };
        let wakeup = async {
            match &wake {
                Some(w) => w.notified().await,
                None => std::future::pending().await,
            }
        };
        enum What {
            Send,
            Poll,
            Tick,
            Idle,
        }
        let what = tokio::select! {
            biased;
            _ = wakeup => What::Poll,
            _ = tokio::time::sleep_until(next_poll), if poll_period.is_some() => What::Poll,
            _ = tokio::time::sleep_until(keep_alive) => What::Tick,
            _ = tokio::time::sleep_until(send_at) => if sending { What::Send } else { What::Idle },
        };
        let r = match what {
            What::Poll => {
                if let Some(p) = poll_period {
                    next_poll = tokio::time::Instant::now() + p;
                }
                fetch(&mut c, &shared, &mut tally).await
            }
            What::Tick => c.tick().await,
            What::Idle => Ok(()),
            What::Send => {
                next_send = match interval {
                    Some(d) => (next_send + d).max(tokio::time::Instant::now() - d),
                    None => tokio::time::Instant::now(),
                };
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let mut to = (rng % n as u64) as usize;
                if to == i {
                    to = (to + 1) % n;
                }
                let text = format!("{i}:{seq}:{}", shared.micros());
                let req = SendMessageRequest::text(me.as_str(), format!("wv:u{to}@{DOMAIN}"), text);
                match c.call(req).await {
                    Ok(Primitive::SendMessageResponse(r)) if r.result.code == ResultCode::SUCCESSFUL => {
                        tally.accepted += 1;
                        shared.expected.fetch_add(1, Ordering::Relaxed);
                        seq += 1;
                        // What the answer flagged (Poll=T) is fetched now, not one ServerPollMin later.
                        if c.session.poll_wanted() {
                            fetch(&mut c, &shared, &mut tally).await.map(|_| ())
                        } else {
                            Ok(())
                        }
                    }
                    Ok(_) | Err(ClientError::Failed(..)) => {
                        tally.refused += 1;
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
        };
        if let Err(e) = r {
            tally.errors += 1;
            if tally.errors <= 3 {
                eprintln!("load: session {i}: {e}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    (c, tally)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx] as f64 / 1000.0
}

fn mib(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

async fn run(args: Args) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("imps-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let server = start_server(&args, &dir)?;
    let n = args.sessions;
    let mode = match (args.idle, args.poll_ms) {
        (true, _) => "idle (keep-alive only)".to_owned(),
        (false, Some(ms)) => format!("polling every {ms} ms"),
        (false, None) => "CIR wake-ups".to_owned(),
    };
    let rate = if args.rate > 0.0 { format!("{} msg/s per session", args.rate) } else { "back to back".to_owned() };
    println!(
        "imps load: {n} sessions, {} s, CSP 1.2 {}, {mode}, sending {rate}, server store {}",
        args.duration,
        if args.encoding == Encoding::Xml { "XML" } else { "WBXML" },
        if args.db { "SQLite (WAL, synchronous=NORMAL, group commit)" } else { "memory" }
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss0 = server.rss().unwrap_or(0);

    // Logins.
    let gate = Arc::new(Semaphore::new(256));
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let (addr, cir, gate, args2) = (server.addr, server.cir, gate.clone(), args.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.expect("gate");
            let mut c = Client::new(addr, config(i, &args2));
            let mut tries = 0;
            let sid = loop {
                match c.login().await {
                    Ok(s) => break s,
                    Err(e) if tries < 5 => {
                        tries += 1;
                        eprintln!("load: login {i}: {e}; retrying");
                        c = Client::new(addr, config(i, &args2));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    Err(e) => return Err(format!("login {i}: {e}")),
                }
            };
            let wake = if args2.idle || args2.poll_ms.is_some() { None } else { Some(cir_connect(cir, &sid).await?) };
            Ok::<_, String>((c, wake))
        }));
    }
    let mut clients = Vec::with_capacity(n);
    for t in tasks {
        clients.push(t.await.map_err(|e| e.to_string())??);
    }
    let login_secs = t0.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss1 = server.rss().unwrap_or(0);
    println!(
        "logins: {n} in {login_secs:.2} s = {:.0} logins/s (each Login + ClientCapability + Service request)",
        n as f64 / login_secs
    );
    println!(
        "server memory: {:.1} MiB before, {:.1} MiB with {n} sessions = {:.1} KiB per session (connections included)",
        mib(rss0),
        mib(rss1),
        (rss1.saturating_sub(rss0)) as f64 / n as f64 / 1024.0
    );

    // The run.
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        sending: AtomicBool::new(true),
        running: AtomicBool::new(true),
        delivered: AtomicU64::new(0),
        expected: AtomicU64::new(0),
    });
    let args = Arc::new(args);
    let cpu0 = server.cpu_secs().unwrap_or(0.0);
    let t1 = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for (i, (c, wake)) in clients.into_iter().enumerate() {
        tasks.push(tokio::spawn(session_loop(i, c, wake, n, args.clone(), shared.clone())));
    }
    tokio::time::sleep(Duration::from_secs_f64(args.duration)).await;
    shared.sending.store(false, Ordering::Relaxed);
    let run_secs = t1.elapsed().as_secs_f64();
    let delivered_in_run = shared.delivered.load(Ordering::Relaxed);
    let cpu1 = server.cpu_secs().unwrap_or(0.0);
    // Drain: everything accepted should arrive.
    let drain_start = Instant::now();
    while drain_start.elapsed() < Duration::from_secs(30) {
        if shared.delivered.load(Ordering::Relaxed) >= shared.expected.load(Ordering::Relaxed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A last poll by everyone (covers a wake-up lost to a closed CIR).
    tokio::time::sleep(Duration::from_millis(200)).await;
    shared.running.store(false, Ordering::Relaxed);
    let mut sessions = Vec::with_capacity(n);
    let mut tally = Tally::default();
    for t in tasks {
        let (mut c, mut t) = t.await.map_err(|e| e.to_string())?;
        if !args.idle {
            let _ = fetch(&mut c, &shared, &mut t).await;
        }
        tally.accepted += t.accepted;
        tally.refused += t.refused;
        tally.errors += t.errors;
        tally.received.extend(t.received);
        tally.latencies.extend(t.latencies);
        sessions.push(c);
    }
    let rss2 = server.rss().unwrap_or(0);

    if args.idle {
        // Every session must still be live: a poll answered without 604.
        let mut live = 0;
        for c in sessions.iter_mut() {
            if c.poll().await.is_ok() && c.session.is_logged_in() {
                live += 1;
            }
        }
        println!(
            "kept alive: {live} of {n} sessions live after {run_secs:.0} s (TimeToLive {} s); server {:.1} MiB = {:.1} KiB per session; server CPU {:.1}%",
            args.ttl,
            mib(rss2),
            (rss2.saturating_sub(rss0)) as f64 / n as f64 / 1024.0,
            (cpu1 - cpu0) / run_secs * 100.0
        );
        if live != n {
            return Err(format!("{} sessions were lost", n - live));
        }
        let _ = std::fs::remove_dir_all(&dir);
        return Ok(());
    }

    let mut lat = tally.latencies.clone();
    lat.sort_unstable();
    let mut ids = tally.received.clone();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    let duplicated = before - ids.len();
    let lost = tally.accepted as i64 - ids.len() as i64;
    println!(
        "run: {} messages sent and accepted ({} refused), {delivered_in_run} delivered in {run_secs:.1} s = {:.0} delivered messages/s ({:.0} sent/s)",
        tally.accepted,
        tally.refused,
        delivered_in_run as f64 / run_secs,
        tally.accepted as f64 / run_secs
    );
    println!(
        "delivery latency (send → receipt): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        lat.last().map(|m| *m as f64 / 1000.0).unwrap_or(f64::NAN)
    );
    println!(
        "after draining: {} received, lost {lost}, duplicated {duplicated}, client errors {}; server CPU {:.0}% of one core during the run",
        ids.len(),
        tally.errors,
        (cpu1 - cpu0) / run_secs * 100.0
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    if lost != 0 || duplicated != 0 {
        return Err(format!("{lost} lost, {duplicated} duplicated"));
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("load: {e}\n");
            }
            eprint!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
