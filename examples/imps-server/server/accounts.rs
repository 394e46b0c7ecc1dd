//! The accounts file: one account per line, `USERID PASSWORD`.
//!
//! Blank lines and lines starting with `#` are ignored. Everything else must be exactly two
//! fields separated by white space: a user id (`wv:alice@example.com`; `alice` and
//! `alice@example.com` mean the same, the scheme and the server's domain are added when
//! missing) and a password (no white space). A user id of another domain, a user id naming a
//! contact list or group (`/`), a third field or a repeated user id is an error naming the line.

use std::fmt;
use std::path::Path;

use imps_csp::ids::UserId;

/// One account line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    /// Normalised user id (`wv:alice@example.com`).
    pub user_id: UserId,
    /// The password.
    pub password: String,
    /// Where it was read (1-based).
    pub line: usize,
}

/// Why the accounts file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountsError {
    /// The file could not be read.
    Read {
        /// The path.
        path: String,
        /// The reason.
        reason: String,
    },
    /// A line is not a valid account.
    Line {
        /// 1-based line number.
        line: usize,
        /// The line as written.
        content: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for AccountsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountsError::Read { path, reason } => write!(f, "cannot read accounts file {path}: {reason}"),
            AccountsError::Line { line, content, reason } => {
                write!(f, "accounts file line {line}: {reason}: {content:?} (expected `USERID PASSWORD`)")
            }
        }
    }
}

impl std::error::Error for AccountsError {}

/// Reads and parses an accounts file for `domain`.
pub fn read(path: &Path, domain: &str) -> Result<Vec<AccountLine>, AccountsError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AccountsError::Read { path: path.display().to_string(), reason: e.to_string() })?;
    parse(&text, domain)
}

/// Parses the text of an accounts file for `domain`.
pub fn parse(text: &str, domain: &str) -> Result<Vec<AccountLine>, AccountsError> {
    let domain = domain.to_ascii_lowercase();
    let mut out: Vec<AccountLine> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bad = |reason: String| AccountsError::Line { line, content: raw.to_owned(), reason };
        let fields: Vec<&str> = trimmed.split_whitespace().collect();
        let [id, password] = fields[..] else {
            return Err(bad(format!("{} fields", fields.len())));
        };
        let user_id = user_id(id, &domain).map_err(bad)?;
        if let Some(first) = seen.insert(user_id.clone(), line) {
            return Err(bad(format!("{user_id} already defined on line {first}")));
        }
        out.push(AccountLine { user_id, password: password.to_owned(), line });
    }
    Ok(out)
}

/// Normalises a user id of the accounts file and checks it belongs to `domain`.
fn user_id(id: &str, domain: &str) -> Result<UserId, String> {
    let bare = id.strip_prefix("wv:").or_else(|| id.strip_prefix("WV:")).unwrap_or(id);
    let (local, dom) = match bare.rsplit_once('@') {
        Some((l, d)) => (l, d.to_ascii_lowercase()),
        None => (bare, domain.to_owned()),
    };
    if local.is_empty() {
        return Err(format!("user id {id:?} has an empty user name"));
    }
    if local.contains('/') || local.contains('@') || dom.contains('/') {
        return Err(format!("user id {id:?} is not a user address"));
    }
    if dom != domain {
        return Err(format!("user id {id:?} belongs to domain {dom:?}, not {domain:?}"));
    }
    Ok(UserId::new(format!("wv:{local}@{dom}")).normalized())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments_blanks_and_bare_names() {
        let a = parse("# users\n\nwv:Alice@Example.com secret1\n  bob pw2  \n", "example.com").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].user_id.as_str(), "wv:alice@example.com");
        assert_eq!(a[1].user_id.as_str(), "wv:bob@example.com");
        assert_eq!(a[1].line, 4);
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse("alice pw\nbob\n", "example.com").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("\"bob\""), "{e}");
        let e = parse("alice pw extra\n", "example.com").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("3 fields"), "{e}");
        let e = parse("wv:eve@other.org pw\n", "example.com").unwrap_err().to_string();
        assert!(e.contains("other.org"), "{e}");
        let e = parse("alice a\nwv:ALICE@example.com b\n", "example.com").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("line 1"), "{e}");
    }
}
