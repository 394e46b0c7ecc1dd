//! Randomness comes from the caller, so that engines are deterministic under test: session ids
//! and nonces are drawn from a [`Random`] source the application supplies (an OS generator in
//! production, [`SplitMix64`] in tests and simulations).

/// A source of random 64-bit values. Production callers must use a cryptographically secure
/// generator: session ids and nonces come from it.
pub trait Random {
    /// The next random value.
    fn next_u64(&mut self) -> u64;

    /// A random token of `bytes` bytes, hex-encoded (session ids, nonces).
    fn token(&mut self, bytes: usize) -> String {
        let mut s = String::with_capacity(bytes * 2);
        let mut left = bytes;
        while left > 0 {
            let v = self.next_u64().to_be_bytes();
            for b in v.iter().take(left.min(8)) {
                s.push_str(&format!("{b:02x}"));
            }
            left = left.saturating_sub(8);
        }
        s
    }
}

/// A small deterministic generator (SplitMix64) for tests and simulations. Not secure.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SplitMix64(pub u64);

impl Random for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl<R: Random + ?Sized> Random for &mut R {
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_of_the_asked_length_and_deterministic() {
        let mut a = SplitMix64(7);
        let mut b = SplitMix64(7);
        let t = a.token(16);
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(t, b.token(16));
        assert_ne!(a.token(16), t);
        assert_eq!(a.token(3).len(), 6);
    }
}
