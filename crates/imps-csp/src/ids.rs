//! Identifiers (CSP section 2 generic elements): newtypes so that a user id is never mistaken for
//! a group id, each keeping the exact text it travelled with.

use std::fmt;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        #[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
        pub struct $name(pub String);

        impl $name {
            /// Wraps the exact text of the identifier.
            pub fn new(s: impl Into<String>) -> Self {
                $name(s.into())
            }
            /// The identifier as it travels on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// Normalises a `wv:` address for comparison: surrounding whitespace removed, the `wv:` scheme
/// added when missing, and the whole address lower-cased (WV addresses compare
/// case-insensitively).
fn normalize_address(s: &str) -> String {
    let s = s.trim();
    let rest = match s.get(..3) {
        Some(scheme) if scheme.eq_ignore_ascii_case("wv:") => &s[3..],
        _ => s,
    };
    let mut out = String::with_capacity(rest.len() + 3);
    out.push_str("wv:");
    out.extend(rest.chars().flat_map(char::to_lowercase));
    out
}

/// The domain of a `wv:` address: the text after the last `@`, if any.
fn address_domain(s: &str) -> Option<&str> {
    s.rsplit_once('@').map(|(_, d)| d).filter(|d| !d.is_empty())
}

macro_rules! address_id {
    ($name:ident) => {
        impl $name {
            /// The form servers compare and key storage by (the sharding key): `wv:` scheme
            /// added when missing, lower-cased, trimmed. Idempotent.
            pub fn normalized(&self) -> Self {
                $name(normalize_address(&self.0))
            }
            /// True when this id is already in [`normalized`](Self::normalized) form.
            pub fn is_normalized(&self) -> bool {
                normalize_address(&self.0) == self.0
            }
            /// The domain part (after the last `@`), if the address has one.
            pub fn domain(&self) -> Option<&str> {
                address_domain(&self.0)
            }
        }
    };
}

string_id! {
    /// `UserID`: a `wv:` user address, e.g. `wv:alice@example.com`.
    UserId
}
address_id!(UserId);

string_id! {
    /// `ContactList`: a contact list id, a `wv:` address such as `wv:alice/friends@example.com`.
    ContactListId
}
address_id!(ContactListId);

string_id! {
    /// `GroupID`: a group id, a `wv:` address such as `wv:alice/chat@example.com`.
    GroupId
}
address_id!(GroupId);

string_id! {
    /// `SName`: the screen name a user picked when joining a group.
    SName
}

string_id! {
    /// `MessageID`: a message id assigned by the server.
    MessageId
}

string_id! {
    /// `TransactionID`: identifies a request and its response (free text in XML and WBXML).
    TransactionId
}

string_id! {
    /// `SessionID`: identifies a logged-in session.
    SessionId
}

string_id! {
    /// `InviteID`: identifies an invitation.
    InviteId
}

string_id! {
    /// `ClientID` URL form, `Domain` and other plain addresses.
    Domain
}

/// `SearchID`: identifies a search for paging and stopping (an integer on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
#[cfg_attr(any(test, feature = "arbitrary"), derive(arbitrary::Arbitrary))]
pub struct SearchId(pub u32);

impl fmt::Display for SearchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_normalisation() {
        assert_eq!(UserId::from(" WV:Alice@Example.COM ").normalized().as_str(), "wv:alice@example.com");
        assert_eq!(UserId::from("bob@example.com").normalized().as_str(), "wv:bob@example.com");
        let n = UserId::from("wv:ÄBC@x").normalized();
        assert_eq!(n.as_str(), "wv:äbc@x");
        assert!(n.is_normalized());
        assert_eq!(n.normalized(), n);
        assert!(!UserId::from("wv:A@x").is_normalized());
    }

    #[test]
    fn domains() {
        assert_eq!(UserId::from("wv:alice@example.com").domain(), Some("example.com"));
        assert_eq!(GroupId::from("wv:alice/chat@im.example").domain(), Some("im.example"));
        assert_eq!(UserId::from("wv:alice").domain(), None);
        assert_eq!(UserId::from("wv:alice@").domain(), None);
    }
}
