//! `imps`: convert and check WV / OMA IMPS CSP messages.
//!
//! ```text
//! imps xml2wbxml [--version 1.1|1.2|1.3] [FILE]
//! imps wbxml2xml [--version 1.1|1.2|1.3] [FILE]
//! imps check [FILE]
//! ```
//! Input is FILE, or standard input when FILE is absent; the result goes to standard output.
//! Exit status: 0 success, 1 invalid input (one line on stderr naming the offset or element
//! path), 2 usage error.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::process::ExitCode;

use imps_csp::{Decoded, Encoding, Message, Version};

const USAGE: &str = "usage: imps <command> [options] [FILE]

commands:
  xml2wbxml [--version 1.1|1.2|1.3] [FILE]   XML message to WBXML (stdout)
  wbxml2xml [--version 1.1|1.2|1.3] [FILE]   WBXML message to XML (stdout)
  check [FILE]                               decode XML or WBXML, print a summary

FILE defaults to standard input. --version chooses the output version (default: the input's).
Exit status: 0 success, 1 invalid input, 2 usage error.";

/// Largest input read (the codec's own default limit is applied when decoding).
const MAX_INPUT: u64 = 64 * 1024 * 1024;

enum Command {
    Convert { to: Encoding },
    Check,
}

struct Args {
    command: Command,
    version: Option<Version>,
    file: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut it = args.iter();
    let command = match it.next().map(String::as_str) {
        None => return Err("missing command".into()),
        Some("-h" | "--help" | "help") => return Ok(None),
        Some("xml2wbxml") => Command::Convert { to: Encoding::Wbxml },
        Some("wbxml2xml") => Command::Convert { to: Encoding::Xml },
        Some("check") => Command::Check,
        Some(other) => return Err(format!("unknown command {other:?}")),
    };
    let mut version = None;
    let mut file = None;
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Ok(None),
            "--version" | "-v" => {
                let v = it.next().ok_or("--version needs a value (1.1, 1.2 or 1.3)")?;
                version = Some(Version::parse(v).ok_or_else(|| format!("unknown version {v:?} (1.1, 1.2 or 1.3)"))?);
            }
            s if s.starts_with("--version=") => {
                let v = &s["--version=".len()..];
                version = Some(Version::parse(v).ok_or_else(|| format!("unknown version {v:?} (1.1, 1.2 or 1.3)"))?);
            }
            "-" if file.is_none() => file = Some("-".to_owned()),
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}")),
            s if file.is_none() => file = Some(s.to_owned()),
            s => return Err(format!("unexpected argument {s:?}")),
        }
    }
    if matches!(command, Command::Check) && version.is_some() {
        return Err("check takes no --version".into());
    }
    Ok(Some(Args { command, version, file }))
}

fn read_input(file: Option<&str>) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    let res = match file {
        None | Some("-") => std::io::stdin().lock().take(MAX_INPUT + 1).read_to_end(&mut buf),
        Some(path) => std::fs::File::open(path).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut buf)),
    };
    res.map_err(|e| format!("{}: {e}", file.unwrap_or("stdin")))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(format!("input larger than {MAX_INPUT} bytes"));
    }
    Ok(buf)
}

fn describe(d: &Decoded) -> String {
    let mut out = String::new();
    let enc = match d.encoding {
        Encoding::Xml => "XML",
        Encoding::Wbxml => "WBXML",
    };
    out.push_str(&format!("encoding: {enc}\nversion: {}\n", d.version));
    let m = &d.message;
    out.push_str(&format!("session: {}", m.session.session_type));
    if let Some(id) = &m.session.session_id {
        out.push_str(&format!(" {id}"));
    }
    out.push('\n');
    if let Some(p) = m.poll {
        out.push_str(&format!("poll: {}\n", if p { "T" } else { "F" }));
    }
    for (i, t) in m.transactions.iter().enumerate() {
        out.push_str(&format!(
            "transaction {}: {} {} {}\n",
            i + 1,
            t.mode,
            t.id.as_ref().map(|i| i.as_str()).unwrap_or("-"),
            t.primitive.name(d.version)
        ));
    }
    out
}

/// Runs a command; `Err((status, message))` on failure.
fn run(args: &Args) -> Result<Vec<u8>, (u8, String)> {
    let input = read_input(args.file.as_deref()).map_err(|e| (1, e))?;
    let invalid = |e: imps_csp::Error| (1u8, format!("invalid input: {e}"));
    match args.command {
        Command::Check => {
            let d = Message::decode(&input).map_err(invalid)?;
            Ok(describe(&d).into_bytes())
        }
        Command::Convert { to } => {
            let d = match to {
                Encoding::Wbxml => Message::decode_xml(&input),
                Encoding::Xml => Message::decode_wbxml(&input),
            }
            .map_err(invalid)?;
            let version = args.version.unwrap_or(d.version);
            d.message.encode(version, to).map_err(|e| (1, format!("cannot encode for CSP {version}: {e}")))
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("imps: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&out).and_then(|_| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("imps: writing output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err((status, msg)) => {
            eprintln!("imps: {}", msg.replace('\n', " "));
            ExitCode::from(status)
        }
    }
}
