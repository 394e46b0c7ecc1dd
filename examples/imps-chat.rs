//! imps-chat: a small line-oriented IMPS client over real HTTP, driving the sans-IO client
//! state machine (`imps_session::client::Session`).
//!
//! ```text
//! cargo run --release --example imps-chat -- --server 127.0.0.1:PORT --user wv:alice@example.com --password secret1
//!     [--wbxml] [--version 1.1|1.2|1.3] [--cir ADDR:PORT] [--poll SECS]
//! ```
//!
//! Type `/help` for the commands. Lines not starting with `/` go to the current correspondent
//! (the last user or group written to or joined). Incoming messages, presence notifications
//! and requests are printed as they arrive: the client polls every `--poll` seconds (default
//! 2), or at once when the server's CIR channel (`--cir`) says so. End of input logs out.

#[path = "common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{cir_connect, Client};
use imps_csp::elements::ClientId;
use imps_csp::ids::SName;
use imps_csp::presence::{PresenceSubList, TextAttr};
use imps_csp::primitive::group::{
    AccessType, CreateGroupRequest, GroupProperties, JoinGroupRequest, LeaveGroupRequest,
};
use imps_csp::primitive::presence::{
    GetPresenceRequest, PresenceSubject, SubscribePresenceRequest, UpdatePresenceRequest,
};
use imps_csp::{Encoding, Primitive, Version};
use imps_session::client::{ClientConfig, Event};

const HELP: &str = "\
commands:
  /msg USER TEXT        send TEXT to USER (plain lines then go to USER)
  /group GROUP TEXT     send TEXT to GROUP (plain lines then go to GROUP)
  /create GROUP NAME    create an open group, joined under your screen name
  /join GROUP [NAME]    join GROUP under screen name NAME
  /leave GROUP          leave GROUP
  /presence USER        show USER's presence (as far as authorised)
  /subscribe USER       subscribe to USER's presence
  /allow USER, /deny USER   answer USER's request to see your presence
  /status TEXT          publish your status text
  /poll                 poll now
  /quit                 log out and leave
  TEXT                  send TEXT to the current correspondent";

const USAGE: &str = "usage: imps-chat --server ADDR:PORT --user USERID --password PASSWORD [--wbxml] [--version 1.1|1.2|1.3] [--cir ADDR:PORT] [--poll SECS]";

struct Args {
    server: SocketAddr,
    user: String,
    password: String,
    encoding: Encoding,
    version: Version,
    cir: Option<SocketAddr>,
    poll: f64,
}

fn parse_args() -> Result<Args, String> {
    let (mut server, mut user, mut password, mut cir) = (None, None, None, None);
    let (mut encoding, mut version, mut poll) = (Encoding::Xml, Version::V1_2, 2.0);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--server" => {
                let v = val()?;
                let v = v.trim_start_matches("http://").trim_end_matches('/').to_owned();
                server = Some(v.parse::<SocketAddr>().map_err(|_| format!("--server {v:?}: not ADDR:PORT"))?);
            }
            "--user" => user = Some(val()?),
            "--password" => password = Some(val()?),
            "--wbxml" => encoding = Encoding::Wbxml,
            "--version" => {
                version = match val()?.as_str() {
                    "1.1" => Version::V1_1,
                    "1.2" => Version::V1_2,
                    "1.3" => Version::V1_3,
                    v => return Err(format!("--version {v:?}: 1.1, 1.2 or 1.3")),
                }
            }
            "--cir" => cir = Some(val()?.parse::<SocketAddr>().map_err(|_| "--cir: not ADDR:PORT".to_owned())?),
            "--poll" => poll = val()?.parse().map_err(|_| "--poll: not a number".to_owned())?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        server: server.ok_or("--server is required")?,
        user: user.ok_or("--user is required")?,
        password: password.ok_or("--password is required")?,
        encoding,
        version,
        cir,
        poll,
    })
}

/// Prints what arrived: messages (fetching notified ones), presence, requests.
async fn show_incoming(c: &mut Client) {
    match c.take_messages().await {
        Ok(ms) => {
            for m in ms {
                println!("[{}] {}", m.from(), m.text);
            }
        }
        Err(e) => println!("! fetching messages: {e}"),
    }
    for e in c.take_events() {
        match e {
            Event::PresenceNotification { notification, .. } => {
                for p in &notification.presences {
                    if let PresenceSubject::UserId(u) = &p.subject {
                        println!("* {}: {}", u.as_str(), describe_presence(p.sub_lists.first()));
                    }
                }
            }
            Event::PresenceAuthRequest { request, .. } => {
                let who = request.user_id.as_str();
                println!("* {who} asks to see your presence: /allow {who} or /deny {who}");
            }
            Event::Invitation { invitation, .. } => println!("* invitation: {invitation:?}"),
            Event::GroupChange { notice, .. } => println!("* group change: {notice:?}"),
            Event::DeliveryReport { report, .. } => println!("* delivery report: {report:?}"),
            Event::Disconnected { reason, code, .. } => println!("* disconnected ({reason:?}, {})", code.0),
            Event::TransactionFailed { request, code, description, .. } => {
                println!("! {} failed: {} {}", request.canonical_name(), code.0, description.unwrap_or_default())
            }
            _ => {}
        }
    }
}

fn describe_presence(p: Option<&PresenceSubList>) -> String {
    let Some(p) = p else { return "nothing authorised".to_owned() };
    let mut parts = Vec::new();
    if let Some(o) = p.online_status.as_ref().and_then(|o| o.value) {
        parts.push(if o { "online".to_owned() } else { "offline".to_owned() });
    }
    if let Some(t) = p.status_text.as_ref().and_then(|t| t.value.as_deref()) {
        parts.push(format!("«{t}»"));
    }
    if let Some(t) = p.alias.as_ref().and_then(|t| t.value.as_deref()) {
        parts.push(format!("alias {t}"));
    }
    if parts.is_empty() {
        "nothing authorised".to_owned()
    } else {
        parts.join(", ")
    }
}

enum Target {
    User(String),
    Group(String),
}

/// Completes a bare name to `wv:name@domain`.
fn full_id(id: &str, domain: &str) -> String {
    let id = if id.starts_with("wv:") { id.to_owned() } else { format!("wv:{id}") };
    if id.contains('@') {
        id
    } else {
        format!("{id}@{domain}")
    }
}

async fn command(c: &mut Client, line: &str, target: &mut Option<Target>, domain: &str) -> Result<bool, String> {
    let (cmd, rest) = match line.strip_prefix('/') {
        Some(l) => l.split_once(' ').map(|(a, b)| (a, b.trim())).unwrap_or((l, "")),
        None => ("", line),
    };
    let arg2 = || rest.split_once(' ').map(|(a, b)| (a.to_owned(), b.trim().to_owned()));
    let r = match cmd {
        "" => match target {
            Some(Target::User(u)) => c.send_text(u, rest).await.map(|_| ()),
            Some(Target::Group(g)) => c.send_group(g, rest).await.map(|_| ()),
            None => return Err("no correspondent yet: /msg USER TEXT or /join GROUP".into()),
        },
        "msg" => {
            let (u, t) = arg2().ok_or("/msg USER TEXT")?;
            let u = full_id(&u, domain);
            *target = Some(Target::User(u.clone()));
            c.send_text(&u, &t).await.map(|_| ())
        }
        "group" => {
            let (g, t) = arg2().ok_or("/group GROUP TEXT")?;
            let g = full_id(&g, domain);
            *target = Some(Target::Group(g.clone()));
            c.send_group(&g, &t).await.map(|_| ())
        }
        "create" => {
            let (g, name) = arg2().ok_or("/create GROUP NAME")?;
            let g = full_id(&g, domain);
            let props = GroupProperties::default().with_name(name).with_access_type(AccessType::Open);
            let me = c
                .session
                .config()
                .user_id
                .as_str()
                .trim_start_matches("wv:")
                .split('@')
                .next()
                .unwrap_or("me")
                .to_owned();
            *target = Some(Target::Group(g.clone()));
            c.call(CreateGroupRequest::new(g, props).with_screen_name(me)).await.map(|_| ())
        }
        "join" => {
            let (g, name) = arg2().unwrap_or((rest.to_owned(), String::new()));
            let g = full_id(&g, domain);
            let mut req = JoinGroupRequest::new(g.clone());
            if !name.is_empty() {
                req = req.with_screen_name(SName::new(name));
            }
            *target = Some(Target::Group(g));
            c.call(req).await.map(|_| ())
        }
        "leave" => c.call(LeaveGroupRequest::new(full_id(rest, domain))).await.map(|_| ()),
        "presence" => match c.call(GetPresenceRequest::users([full_id(rest, domain)])).await {
            Ok(Primitive::GetPresenceResponse(g)) => {
                for p in &g.presences {
                    println!("* {}", describe_presence(p.sub_lists.first()));
                }
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        },
        "subscribe" => c
            .call(SubscribePresenceRequest::users([full_id(rest, domain)]).with_auto_subscribe(false))
            .await
            .map(|_| ()),
        "allow" => c.authorize(&full_id(rest, domain), true).await.map(|_| ()),
        "deny" => c.authorize(&full_id(rest, domain), false).await.map(|_| ()),
        "status" => {
            let mut p = PresenceSubList::default();
            let mut t = TextAttr::default();
            t.value = Some(rest.to_owned());
            p.status_text = Some(t);
            c.call(UpdatePresenceRequest::new(p)).await.map(|_| ())
        }
        "poll" => c.poll_all().await,
        "quit" => return Ok(false),
        "help" => {
            println!("{HELP}");
            Ok(())
        }
        other => return Err(format!("unknown command /{other}; /help lists them")),
    };
    r.map_err(|e| e.to_string())?;
    Ok(true)
}

async fn run(args: Args) -> Result<(), String> {
    let domain = args.user.rsplit_once('@').map(|(_, d)| d.to_owned()).unwrap_or_default();
    let config = ClientConfig::new(
        args.user.clone(),
        args.password.clone(),
        ClientId::url(format!("http://imps-chat/{}", std::process::id())),
    )
    .with_version(args.version)
    .with_encoding(args.encoding)
    .with_session_cookie(format!("imps-chat-{}", std::process::id()));
    let mut c = Client::new(args.server, config);
    let sid = c.login().await.map_err(|e| e.to_string())?;
    println!("logged in as {} (session {}); /help lists the commands", args.user, sid.as_str());
    let wake = match args.cir {
        Some(a) => Some(cir_connect(a, &sid).await?),
        None => None,
    };
    c.poll_all().await.map_err(|e| e.to_string())?;
    show_incoming(&mut c).await;

    // Standard input on a thread of its own.
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for l in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let mut target = None;
    let period = Duration::from_secs_f64(args.poll.max(0.1));
    loop {
        let wakeup = async {
            match &wake {
                Some(w) => w.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            line = lines.recv() => {
                let Some(line) = line else { break };
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match command(&mut c, line, &mut target, &domain).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(e) => println!("! {e}"),
                }
            }
            _ = wakeup => { let _ = c.poll_all().await; }
            _ = tokio::time::sleep(period) => {
                let _ = c.tick().await;
                let _ = c.poll_all().await;
            }
        }
        show_incoming(&mut c).await;
        if !c.session.is_logged_in() {
            return Err("the session ended".into());
        }
    }
    let _ = c.poll_all().await;
    show_incoming(&mut c).await;
    c.logout().await.map_err(|e| e.to_string())?;
    println!("logged out");
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("imps-chat: {e}");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("imps-chat: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
