//! imps-server: a WV / OMA IMPS server over HTTP (spec notes section 7).
//!
//! ```text
//! cargo run --release --example imps-server -- --listen 127.0.0.1:PORT --accounts FILE --domain example.com [--db PATH]
//! ```
//!
//! The options are in `USAGE` below; the HTTP binding, the CIR channel, the store and the log are
//! described in `server/mod.rs` and in the README's examples section.

#[path = "server/mod.rs"]
mod server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: imps-server --listen ADDR:PORT --accounts FILE --domain DOMAIN [options]

  --listen ADDR:PORT   HTTP address (POST any path; port 0 picks a free one)
  --accounts FILE      one account per line: USERID PASSWORD (# comments, blank lines ignored)
  --domain DOMAIN      the server's domain (user ids without one belong to it)
  --db PATH            SQLite file for what outlives a session (default: in memory)
  --cir ADDR:PORT      standalone TCP CIR channel (HELO <SessionID> / OK / WVCI lines)
  --max-body BYTES     largest request body (default 1048576)
  --quiet              no per-request log (also IMPS_LOG=off)
  --io-threads N       threads serving connections (default 2)
  -h, --help           this text
";

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("imps-server: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

/// The command line.
struct Cli {
    listen: SocketAddr,
    accounts: PathBuf,
    domain: String,
    db: Option<PathBuf>,
    cir: Option<SocketAddr>,
    max_body: usize,
    quiet: bool,
    io_threads: usize,
}

/// Parses the arguments; `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Cli>, String> {
    let (mut listen, mut accounts, mut domain, mut db, mut cir) = (None, None, None, None, None);
    let mut max_body = server::DEFAULT_MAX_BODY;
    let mut quiet = std::env::var("IMPS_LOG").is_ok_and(|v| v.eq_ignore_ascii_case("off"));
    let mut io_threads = 2;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => {
                let v = value()?;
                listen = Some(v.parse::<SocketAddr>().map_err(|_| format!("--listen {v:?}: not ADDR:PORT"))?);
            }
            "--accounts" => accounts = Some(PathBuf::from(value()?)),
            "--domain" => domain = Some(value()?),
            "--db" => db = Some(PathBuf::from(value()?)),
            "--cir" => {
                let v = value()?;
                cir = Some(v.parse::<SocketAddr>().map_err(|_| format!("--cir {v:?}: not ADDR:PORT"))?);
            }
            "--max-body" => {
                let v = value()?;
                max_body =
                    v.parse().ok().filter(|n| *n > 0).ok_or(format!("--max-body {v:?}: not a positive number"))?;
            }
            "--io-threads" => {
                let v = value()?;
                io_threads =
                    v.parse().ok().filter(|n| *n > 0).ok_or(format!("--io-threads {v:?}: not a positive number"))?;
            }
            "--quiet" | "-q" => quiet = true,
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(Cli {
        listen: listen.ok_or("--listen is required")?,
        accounts: accounts.ok_or("--accounts is required")?,
        domain: domain.filter(|d: &String| !d.trim().is_empty()).ok_or("--domain is required")?,
        db,
        cir,
        max_body,
        quiet,
        io_threads,
    }))
}

fn main() -> ExitCode {
    let cli = match parse_args(std::env::args().skip(1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(&e),
    };
    let accounts = match server::accounts::read(&cli.accounts, &cli.domain) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("imps-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    let count = accounts.len();
    let mut opts = server::Options::new(cli.domain.clone());
    opts.listen = cli.listen;
    opts.cir = cli.cir;
    opts.accounts = accounts;
    opts.db = cli.db;
    opts.max_body = cli.max_body;
    opts.log = !cli.quiet;
    opts.io_threads = cli.io_threads;
    let srv = match server::start(opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("imps-server: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "imps-server: listening on http://{} (domain {}, {count} accounts, store {})",
        srv.addr, cli.domain, srv.store
    );
    if let Some(c) = srv.cir_addr {
        eprintln!("imps-server: CIR (standalone TCP) on {c}");
    }
    srv.wait();
    ExitCode::SUCCESS
}
