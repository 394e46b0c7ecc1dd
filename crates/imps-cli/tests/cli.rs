//! The `imps` command line: exit codes, stdin/file input, conversions.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const POLL_12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<WV-CSP-Message xmlns="http://www.openmobilealliance.org/DTD/WV-CSP1.2"><Session><SessionDescriptor><SessionType>Inband</SessionType><SessionID>sess-9</SessionID></SessionDescriptor><Transaction><TransactionDescriptor><TransactionMode>Request</TransactionMode><TransactionID>tx-1</TransactionID></TransactionDescriptor><TransactionContent xmlns="http://www.openmobilealliance.org/DTD/WV-TRC1.2"><Polling-Request/></TransactionContent></Transaction></Session></WV-CSP-Message>"#;

fn imps(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imps"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn imps");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_reads_stdin_and_names_everything() {
    let o = imps(&["check"], POLL_12.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "encoding: XML\nversion: 1.2\nsession: Inband sess-9\ntransaction 1: Request tx-1 Polling-Request\n"
    );
}

#[test]
fn xml_to_wbxml_and_back() {
    let w = imps(&["xml2wbxml"], POLL_12.as_bytes());
    assert_eq!(w.status.code(), Some(0), "{}", stderr(&w));
    assert_eq!(&w.stdout[..4], b"\x03\x11\x6a\x00", "WBXML 1.3 header, public id 0x11, UTF-8");
    let c = imps(&["check", "-"], &w.stdout);
    assert_eq!(c.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&c.stdout).starts_with("encoding: WBXML\nversion: 1.2\n"));
    let x = imps(&["wbxml2xml"], &w.stdout);
    assert_eq!(x.status.code(), Some(0), "{}", stderr(&x));
    let back = imps(&["xml2wbxml"], &x.stdout);
    assert_eq!(back.stdout, w.stdout, "XML -> WBXML -> XML -> WBXML is stable");
}

#[test]
fn version_option_converts_between_versions() {
    let o = imps(&["xml2wbxml", "--version", "1.1"], POLL_12.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(&o.stdout[..4], b"\x03\x10\x6a\x00");
    let x = imps(&["wbxml2xml", "--version=1.3"], &o.stdout);
    assert!(String::from_utf8_lossy(&x.stdout).contains("http://www.openmobilealliance.org/DTD/IMPS-CSP1.3"));
}

#[test]
fn file_argument() {
    let dir = std::env::temp_dir().join(format!("imps-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("poll.xml");
    std::fs::write(&f, POLL_12).unwrap();
    let o = imps(&["check", f.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(0));
    let missing = imps(&["check", dir.join("nope.xml").to_str().unwrap()], b"");
    assert_eq!(missing.status.code(), Some(1));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn invalid_input_exits_1_with_one_line() {
    for (args, input) in [
        (&["check"][..], &b"not xml at all"[..]),
        (&["check"][..], &b"<foo/>"[..]),
        (&["xml2wbxml"][..], &b"\x03\x11\x6a\x00\x49\x01"[..]),
        (&["wbxml2xml"][..], POLL_12.as_bytes()),
        (&["check"][..], &b"\x03\x11\x6a\x00\x49"[..]),
    ] {
        let o = imps(args, input);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert_eq!(e.lines().count(), 1, "one line: {e:?}");
        assert!(e.starts_with("imps: "), "{e:?}");
    }
    let o = imps(&["check"], b"\x03\x11\x6a\x00\x49");
    assert!(stderr(&o).contains("at byte"), "WBXML errors name the offset: {}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["--no-such-flag"][..],
        &["frobnicate"][..],
        &["check", "--version", "1.2"][..],
        &["xml2wbxml", "--version", "9.9"][..],
        &["xml2wbxml", "a", "b"][..],
    ] {
        let o = imps(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(imps(&["--help"], b"").status.code(), Some(0));
}
