//! Password digests of the 4-way login (spec notes 2.1): the server's first `Login-Response`
//! carries a `Nonce` and a `DigestSchema`; the client answers with
//! `DigestBytes = BASE64(hash(nonce ‖ password))`, the hash being MD5 (`MD5`) or SHA-1 (`SHA`).

use base64::Engine as _;
use md5::Digest as _;

/// A digest schema this crate can compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DigestAlgorithm {
    /// `MD5`.
    Md5,
    /// `SHA` (SHA-1).
    Sha1,
}

impl DigestAlgorithm {
    /// The `DigestSchema` value on the wire.
    pub fn schema_name(self) -> &'static str {
        match self {
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Sha1 => "SHA",
        }
    }

    /// The algorithm a `DigestSchema` value names, if supported.
    pub fn from_schema_name(name: &str) -> Option<Self> {
        match name {
            "MD5" => Some(DigestAlgorithm::Md5),
            "SHA" => Some(DigestAlgorithm::Sha1),
            _ => None,
        }
    }
}

/// `BASE64(hash(nonce ‖ password))`.
pub fn password_digest(alg: DigestAlgorithm, nonce: &str, password: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    match alg {
        DigestAlgorithm::Md5 => {
            let mut h = md5::Md5::new();
            h.update(nonce.as_bytes());
            h.update(password.as_bytes());
            b64.encode(h.finalize())
        }
        DigestAlgorithm::Sha1 => {
            let mut h = sha1::Sha1::new();
            h.update(nonce.as_bytes());
            h.update(password.as_bytes());
            b64.encode(h.finalize())
        }
    }
}

/// Compares a received digest with the expected one in time independent of where they differ.
pub fn digest_matches(alg: DigestAlgorithm, nonce: &str, password: &str, received: &str) -> bool {
    let expected = password_digest(alg, nonce, password);
    let (a, b) = (expected.as_bytes(), received.trim().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // md5("abc" + "def") = md5("abcdef") = e80b5017098950fc58aad83c8c14978e
        assert_eq!(password_digest(DigestAlgorithm::Md5, "abc", "def"), "6AtQFwmJUPxYqtg8jBSXjg==");
        // sha1("abcdef") = 1f8ac10f23c5b5bc1167bda84b833e5c057a77d2
        assert_eq!(password_digest(DigestAlgorithm::Sha1, "abc", "def"), "H4rBDyPFtbwRZ72oS4M+XAV6d9I=");
        assert!(digest_matches(DigestAlgorithm::Sha1, "abc", "def", "H4rBDyPFtbwRZ72oS4M+XAV6d9I="));
        assert!(!digest_matches(DigestAlgorithm::Sha1, "abc", "deg", "H4rBDyPFtbwRZ72oS4M+XAV6d9I="));
        assert_eq!(DigestAlgorithm::from_schema_name("SHA"), Some(DigestAlgorithm::Sha1));
        assert_eq!(DigestAlgorithm::from_schema_name("PWD"), None);
    }
}
