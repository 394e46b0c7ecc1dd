//! Multi-byte unsigned integers, `mb_u_int32` (WAP-192-WBXML section 5.1).
//!
//! Big-endian groups of 7 bits; every byte but the last has its high bit set. A 32-bit value
//! needs at most 5 bytes.

use bytes::BufMut;

use crate::ErrorKind;

/// The longest encoding of a 32-bit value.
pub(crate) const MAX_LEN: usize = 5;

/// Decodes one `mb_u_int32` from the start of `input`: the value and the bytes it took.
///
/// Errors: `UnexpectedEof` when the input ends inside the integer, `MbUintTooLong` when the
/// fifth byte still has its continuation bit, `MbUintOverflow` when the value exceeds 32 bits.
pub(crate) fn decode(input: &[u8]) -> Result<(u32, usize), ErrorKind> {
    let mut value: u64 = 0;
    for i in 0..MAX_LEN {
        let byte = *input.get(i).ok_or(ErrorKind::UnexpectedEof)?;
        value = (value << 7) | u64::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            return u32::try_from(value).map(|v| (v, i + 1)).map_err(|_| ErrorKind::MbUintOverflow);
        }
    }
    Err(ErrorKind::MbUintTooLong)
}

/// Encodes `value` in its shortest form: the bytes and how many of them are used.
pub(crate) fn encode_array(value: u32) -> ([u8; MAX_LEN], usize) {
    let mut tmp = [0u8; MAX_LEN];
    let mut v = value;
    let mut n = 0;
    // Collect 7-bit groups, least significant first.
    loop {
        if let Some(slot) = tmp.get_mut(n) {
            *slot = (v & 0x7F) as u8;
        }
        n += 1;
        v >>= 7;
        if v == 0 || n == MAX_LEN {
            break;
        }
    }
    let mut out = [0u8; MAX_LEN];
    for (i, slot) in out.iter_mut().take(n).enumerate() {
        let group = tmp.get(n - 1 - i).copied().unwrap_or(0);
        *slot = if i + 1 < n { group | 0x80 } else { group };
    }
    (out, n)
}

/// Appends the shortest encoding of `value`.
pub(crate) fn encode(value: u32, out: &mut impl BufMut) {
    let (bytes, n) = encode_array(value);
    out.put_slice(bytes.get(..n).unwrap_or(&bytes));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: u32) -> Vec<u8> {
        let mut out = Vec::new();
        encode(v, &mut out);
        out
    }

    #[test]
    fn encode_exact_bytes() {
        assert_eq!(enc(0), [0x00]);
        assert_eq!(enc(1), [0x01]);
        assert_eq!(enc(0x7F), [0x7F]);
        assert_eq!(enc(0x80), [0x81, 0x00]);
        assert_eq!(enc(0xA0), [0x81, 0x20]);
        assert_eq!(enc(0x3FFF), [0xFF, 0x7F]);
        assert_eq!(enc(0x4000), [0x81, 0x80, 0x00]);
        assert_eq!(enc(0x0FFF_FFFF), [0xFF, 0xFF, 0xFF, 0x7F]);
        assert_eq!(enc(0x1000_0000), [0x81, 0x80, 0x80, 0x80, 0x00]);
        assert_eq!(enc(u32::MAX), [0x8F, 0xFF, 0xFF, 0xFF, 0x7F]);
    }

    #[test]
    fn decode_exact_bytes() {
        assert_eq!(decode(&[0x00]), Ok((0, 1)));
        assert_eq!(decode(&[0x7F, 0xAA]), Ok((0x7F, 1)));
        assert_eq!(decode(&[0x81, 0x00]), Ok((0x80, 2)));
        assert_eq!(decode(&[0x8F, 0xFF, 0xFF, 0xFF, 0x7F]), Ok((u32::MAX, 5)));
        // Non-minimal encodings (leading 0x80 groups) are accepted.
        assert_eq!(decode(&[0x80, 0x80, 0x80, 0x80, 0x05]), Ok((5, 5)));
    }

    #[test]
    fn decode_errors() {
        assert_eq!(decode(&[]), Err(ErrorKind::UnexpectedEof));
        assert_eq!(decode(&[0x81]), Err(ErrorKind::UnexpectedEof));
        assert_eq!(decode(&[0x80, 0x80, 0x80, 0x80]), Err(ErrorKind::UnexpectedEof));
        // Six bytes: the fifth still continues.
        assert_eq!(decode(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), Err(ErrorKind::MbUintTooLong));
        // 2^32 in five bytes.
        assert_eq!(decode(&[0x90, 0x80, 0x80, 0x80, 0x00]), Err(ErrorKind::MbUintOverflow));
        assert_eq!(decode(&[0xFF, 0xFF, 0xFF, 0xFF, 0x7F]), Err(ErrorKind::MbUintOverflow));
    }

    #[test]
    fn round_trip_boundaries() {
        for v in [0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 0x1F_FFFF, 0x20_0000, 0x0FFF_FFFF, 0x1000_0000, u32::MAX] {
            let bytes = enc(v);
            assert_eq!(decode(&bytes), Ok((v, bytes.len())), "value {v:#x}");
        }
    }
}
