//! The main job: a server on a free loopback port and two clients, alice (CSP 1.2 in XML) and
//! bob (CSP 1.2 in WBXML), over real HTTP, through
//!
//! 1. login, and a message to bob while he is offline;
//! 2. bob's login, and the stored message delivered to him;
//! 3. proactive presence authorisation (alice's contact list and attribute list);
//! 4. reactive presence authorisation (alice asks, bob accepts);
//! 5. a one-to-one chat with non-ASCII text;
//! 6. a group chat;
//! 7. logout.
//!
//! It prints a transcript: the story, and under each step the CSP primitives each client sent
//! (→) and received (←). Every outcome is checked; the demo exits non-zero on the first one that
//! is not as expected.
//!
//! ```text
//! cargo run --release --example demo            # in-memory store
//! cargo run --release --example demo -- --db /tmp/demo.db
//! ```

#[path = "common/mod.rs"]
mod common;
#[path = "imps-server/server/mod.rs"]
mod server;

use std::path::PathBuf;

use common::Client;
use imps_csp::elements::ClientId;
use imps_csp::ids::SName;
use imps_csp::presence::{AttrSet, PresenceAttr, PresenceSubList, TextAttr};
use imps_csp::primitive::group::{
    AccessType, CreateGroupRequest, GroupProperties, JoinGroupRequest, LeaveGroupRequest,
};
use imps_csp::primitive::lists::{CreateAttributeListRequest, CreateListRequest, NickEntry, NickList};
use imps_csp::primitive::presence::{
    GetPresenceRequest, PresenceSubject, SubscribePresenceRequest, UpdatePresenceRequest,
};
use imps_csp::{Encoding, Primitive, Version};
use imps_session::client::{ClientConfig, Event};

const DOMAIN: &str = "example.com";
const ALICE: &str = "wv:alice@example.com";
const BOB: &str = "wv:bob@example.com";
const FRIENDS: &str = "wv:alice/friends@example.com";
const LOUNGE: &str = "wv:alice/lounge@example.com";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn check(ok: bool, what: &str) -> Result<()> {
    if ok {
        println!("   ✔ {what}");
        Ok(())
    } else {
        Err(format!("✘ {what}").into())
    }
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn text(v: &str) -> Option<TextAttr> {
    let mut t = TextAttr::default();
    t.value = Some(v.to_owned());
    Some(t)
}

fn attrs(a: &[PresenceAttr]) -> AttrSet {
    a.iter().copied().collect()
}

/// A client for `user`, tracing its HTTP exchanges under `name`.
fn client(addr: std::net::SocketAddr, name: &str, user: &str, password: &str, encoding: Encoding) -> Client {
    let config = ClientConfig::new(user, password, ClientId::url(format!("http://demo.example/{name}")))
        .with_version(Version::V1_2)
        .with_encoding(encoding)
        .with_session_cookie(format!("demo-{name}"));
    let mut c = Client::new(addr, config);
    c.trace = Some(name.to_owned());
    c
}

/// Takes and prints what `who` received: (sender as shown, text).
async fn received(who: &str, c: &mut Client) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for m in c.take_messages().await? {
        let how = if m.pushed { "pushed" } else { "notified, fetched" };
        println!("   {who} reads from {} ({how}): «{}»", m.from(), m.text);
        out.push((m.from(), m.text));
    }
    Ok(out)
}

/// The status texts of presence notifications among `events`: (publisher, status text).
fn presence_notes(events: &[Event]) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for e in events {
        if let Event::PresenceNotification { notification, .. } = e {
            for p in &notification.presences {
                if let PresenceSubject::UserId(u) = &p.subject {
                    let st = p.sub_lists.first().and_then(|l| l.status_text.as_ref()).and_then(|t| t.value.clone());
                    out.push((u.normalized().as_str().to_owned(), st));
                }
            }
        }
    }
    out
}

async fn run(db: Option<PathBuf>) -> Result<()> {
    let mut opts = server::Options::new(DOMAIN);
    opts.accounts = server::accounts::parse("wv:alice@example.com alice-pw\nwv:bob@example.com bob-pw\n", DOMAIN)?;
    opts.db = db;
    let srv = server::start(opts)?;
    println!(
        "imps demo: server on http://{} (domain {DOMAIN}, store {}); alice speaks CSP 1.2 XML, bob CSP 1.2 WBXML",
        srv.addr, srv.store
    );
    let mut alice = client(srv.addr, "alice", ALICE, "alice-pw", Encoding::Xml);
    let mut bob = client(srv.addr, "bob", BOB, "bob-pw", Encoding::Wbxml);

    step(1, "Alice logs in and writes to Bob, who is offline");
    let sid = alice.login().await?;
    check(true, &format!("alice has session {}", sid.as_str()))?;
    let offline_text = "Bob, ruf mich an, wenn du zurück bist ☎";
    alice.send_text(BOB, offline_text).await?;
    check(true, "the server accepted the message for offline bob (stored)")?;

    step(2, "Bob logs in: the message that waited is delivered");
    bob.login().await?;
    bob.poll_all().await?;
    let got = received("bob", &mut bob).await?;
    check(
        got == vec![(ALICE.to_owned(), offline_text.to_owned())],
        "bob got alice's offline message once, byte for byte",
    )?;

    step(3, "Proactive authorisation: Alice puts Bob on her friends list with an attribute list");
    let nicks = NickList::new(vec![NickEntry::nick("Bobby", BOB)]);
    alice.call(CreateListRequest::new(FRIENDS).with_members(nicks)).await?;
    let mut cal = CreateAttributeListRequest::default();
    cal.presence_sub_list = attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::StatusText, PresenceAttr::Alias]);
    cal.contact_lists = vec![FRIENDS.into()];
    alice.call(cal).await?;
    let mut mine = PresenceSubList::default();
    mine.status_text = text("Im Café ☕");
    mine.alias = text("Ally");
    alice.call(UpdatePresenceRequest::new(mine)).await?;
    let r = bob.call(GetPresenceRequest::users([ALICE])).await?;
    let seen = match &r {
        Primitive::GetPresenceResponse(g) => g.presences.first().and_then(|p| p.sub_lists.first()).cloned(),
        _ => None,
    };
    let status = seen.as_ref().and_then(|s| s.status_text.as_ref()).and_then(|t| t.value.clone());
    let online = seen.as_ref().and_then(|s| s.online_status.as_ref()).and_then(|o| o.value);
    println!("   bob sees alice: online={online:?}, status «{}»", status.as_deref().unwrap_or("-"));
    check(
        status.as_deref() == Some("Im Café ☕") && online == Some(true),
        "bob sees what alice's list grants, without asking her",
    )?;

    step(4, "Reactive authorisation: Alice subscribes to Bob's presence; Bob is asked and accepts");
    let mut mine = PresenceSubList::default();
    mine.status_text = text("Arbeite heute in Kyōto 京都");
    bob.call(UpdatePresenceRequest::new(mine)).await?;
    let sub = SubscribePresenceRequest::users([BOB])
        .with_attributes(attrs(&[PresenceAttr::OnlineStatus, PresenceAttr::StatusText]))
        .with_auto_subscribe(false);
    alice.call(sub).await?;
    bob.poll_all().await?;
    let asked: Vec<String> = bob
        .take_events()
        .iter()
        .filter_map(|e| match e {
            Event::PresenceAuthRequest { request, .. } => Some(request.user_id.normalized().as_str().to_owned()),
            _ => None,
        })
        .collect();
    println!("   bob is asked by: {asked:?}");
    check(asked == vec![ALICE.to_owned()], "bob received alice's PresenceAuth-Request")?;
    bob.authorize(ALICE, true).await?;
    alice.poll_all().await?;
    let notes = presence_notes(&alice.take_events());
    for (who, st) in &notes {
        println!("   alice is told: {who} «{}»", st.as_deref().unwrap_or("-"));
    }
    check(
        notes.iter().any(|(w, s)| w == BOB && s.as_deref() == Some("Arbeite heute in Kyōto 京都")),
        "alice gets bob's presence once he accepted",
    )?;

    step(5, "A one-to-one chat (non-ASCII text both ways)");
    let hello = "Grüß dich, Bob! Schöne Grüße aus Zürich 🇨🇭 — ça va?";
    alice.send_text(BOB, hello).await?;
    bob.poll_all().await?;
    let got = received("bob", &mut bob).await?;
    check(got == vec![(ALICE.to_owned(), hello.to_owned())], "bob got alice's text exactly")?;
    let reply = "Привет, Алиса! こんにちは 👋 Ελληνικά τε";
    bob.send_text(ALICE, reply).await?;
    alice.poll_all().await?;
    let got = received("alice", &mut alice).await?;
    check(got == vec![(BOB.to_owned(), reply.to_owned())], "alice got bob's text exactly")?;

    step(6, "A group chat in Alice's lounge");
    let props =
        GroupProperties::default().with_name("Lounge").with_topic("Tea & talk").with_access_type(AccessType::Open);
    alice.call(CreateGroupRequest::new(LOUNGE, props).with_screen_name("Ally")).await?;
    bob.call(JoinGroupRequest::new(LOUNGE).with_screen_name(SName::new("Bobby"))).await?;
    alice.poll_all().await?;
    alice.take_events();
    let g1 = "Willkommen in der Lounge, Bobby! 🍵";
    alice.send_group(LOUNGE, g1).await?;
    bob.poll_all().await?;
    let got = received("bob", &mut bob).await?;
    check(got.len() == 1 && got[0].1 == g1, "bob got alice's group message")?;
    let g2 = "Danke! Der Tee ist großartig.";
    bob.send_group(LOUNGE, g2).await?;
    alice.poll_all().await?;
    let got = received("alice", &mut alice).await?;
    check(got.len() == 1 && got[0].1 == g2, "alice got bob's group message")?;
    bob.call(LeaveGroupRequest::new(LOUNGE)).await?;
    check(true, "bob left the lounge")?;

    step(7, "Both log out");
    alice.logout().await?;
    bob.logout().await?;
    check(!alice.session.is_logged_in() && !bob.session.is_logged_in(), "both sessions ended")?;
    srv.stop();
    println!("\nimps demo: every step went as expected.");
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut db = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--db" => db = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("usage: demo [--db PATH]");
                return std::process::ExitCode::SUCCESS;
            }
            other => {
                eprintln!("demo: unknown argument {other:?}\nusage: demo [--db PATH]");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    match rt.block_on(run(db)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nimps demo failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
