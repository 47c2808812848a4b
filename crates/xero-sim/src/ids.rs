//! Random identifiers in the shapes Xero uses: uuids, 32-hex client ids, 48-character
//! secrets, opaque codes and refresh tokens. Shapes matter because clients validate
//! them (docs/xero-platform.md §3: client id `^[0-9A-F]{32}$`, secret `[A-Za-z0-9_-]{48}`).

use rand::Rng;

const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM_UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A random version-4 uuid in lowercase hyphenated form.
pub(crate) fn uuid() -> String {
    let mut b: [u8; 16] = rand::thread_rng().gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b, false);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Lower- or uppercase hex of some bytes.
pub(crate) fn hex(bytes: &[u8], upper: bool) -> String {
    bytes.iter().map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") }).collect()
}

/// A client id: 32 uppercase hex characters.
pub(crate) fn client_id() -> String {
    let b: [u8; 16] = rand::thread_rng().gen();
    hex(&b, true)
}

/// `len` random characters of `[A-Za-z0-9_-]` (secrets, codes, refresh tokens).
pub(crate) fn url_safe(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| URL_SAFE[rng.gen_range(0..URL_SAFE.len())] as char).collect()
}

/// `len` random characters of `[A-Z0-9]` (organisation API keys and short codes).
pub(crate) fn alnum_upper(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALNUM_UPPER[rng.gen_range(0..ALNUM_UPPER.len())] as char).collect()
}

/// 32 random lowercase hex characters (session ids).
pub(crate) fn session_id() -> String {
    let b: [u8; 16] = rand::thread_rng().gen();
    hex(&b, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let u = uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let c = client_id();
        assert!(c.len() == 32 && c.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        let s = url_safe(48);
        assert!(s.len() == 48 && s.bytes().all(|b| URL_SAFE.contains(&b)));
    }
}
