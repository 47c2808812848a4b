//! `Secret`: a string that must never be shown — client secret, tokens, authorization codes.
//!
//! Its `Debug` prints `[redacted]`; it has no `Display`, `Serialize` or `PartialEq`, so it
//! cannot slip into a log line, an error, a settings file or a view by accident. The value is
//! read only through [`Secret::expose`], which makes every use visible in review. Its memory
//! is overwritten with zeros when it is dropped (the `zeroize` crate), so a secret does not
//! linger in freed memory for a core dump or a swap file to keep.

use std::fmt;
use zeroize::Zeroizing;

/// A secret string. See the module documentation.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

// Dropping the inner `Zeroizing` zeroes the value.
impl zeroize::ZeroizeOnDrop for Secret {}

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The value itself: only for sending it to Xero or the keychain.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time-ish comparison for the few places that must tell two secrets apart
    /// (a refresh token rotated by another process).
    pub fn same_as(&self, other: &Secret) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([redacted])");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn the_value_is_zeroed_on_drop() {
        fn zeroed_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        zeroed_on_drop::<Secret>();
    }

    #[test]
    fn same_as_compares_values() {
        assert!(Secret::new("a").same_as(&Secret::new("a")));
        assert!(!Secret::new("a").same_as(&Secret::new("b")));
        assert!(!Secret::new("a").same_as(&Secret::new("ab")));
    }
}
