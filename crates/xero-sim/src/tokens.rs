//! RS256 signing of access and id tokens, and the public key the JWKS endpoint
//! publishes. Xero's access token is an RS256 JWT whose claims clients read
//! (`authentication_event_id`, `xero_userid`, `scope` as an array: docs/xero-platform.md §6),
//! so simulated tokens are real, verifiable JWTs rather than opaque strings.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RsaPublicKeyComponents, RSA_PKCS1_SHA256};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A fixed 2048-bit RSA key in PKCS#8 DER, generated with openssl for this simulator
/// only. It protects nothing: anyone can read it here, and only simulated tokens are
/// signed with it.
const SIMULATOR_KEY_PKCS8: &[u8] = include_bytes!("../keys/simulator-rsa-2048.pk8");

/// The simulator's token signer.
pub(crate) struct Signer {
    key: RsaKeyPair,
    rng: SystemRandom,
    kid: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("kid", &self.kid).finish()
    }
}

impl Signer {
    /// The process-wide signer (parsing and checking the key once is enough).
    pub(crate) fn shared() -> &'static Signer {
        static SIGNER: std::sync::OnceLock<Signer> = std::sync::OnceLock::new();
        SIGNER.get_or_init(Signer::new)
    }

    /// Loads the embedded key; the key id is a thumbprint of the public key, in the
    /// 40-uppercase-hex shape Xero's `kid` has.
    pub(crate) fn new() -> Signer {
        let key = RsaKeyPair::from_pkcs8(SIMULATOR_KEY_PKCS8).expect("embedded simulator RSA key is valid PKCS#8");
        let digest = Sha256::digest(key.public().as_ref());
        let kid = crate::ids::hex(&digest[..20], true);
        Signer { key, rng: SystemRandom::new(), kid }
    }

    /// Signs claims as a compact JWS: `base64url(header).base64url(payload).base64url(sig)`.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut sig = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &self.rng, input.as_bytes(), &mut sig)
            .expect("RSA signing cannot fail with a valid key");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// The JWKS document: one RSA signing key.
    pub(crate) fn jwks(&self) -> Value {
        let parts: RsaPublicKeyComponents<Vec<u8>> = self.key.public().into();
        json!({"keys": [{
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&parts.n),
            "e": URL_SAFE_NO_PAD.encode(&parts.e),
        }]})
    }
}

/// Reads the payload of a JWT without verifying it (tests and diagnostics).
pub fn decode_claims(jwt: &str) -> Option<Value> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::RSA_PKCS1_2048_8192_SHA256;

    #[test]
    fn signs_verifiable_jwt() {
        let s = Signer::new();
        let jwt = s.sign(&json!({"sub": "x"}));
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let jwks = s.jwks();
        let n = URL_SAFE_NO_PAD.decode(jwks["keys"][0]["n"].as_str().unwrap()).unwrap();
        let e = URL_SAFE_NO_PAD.decode(jwks["keys"][0]["e"].as_str().unwrap()).unwrap();
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        let msg = format!("{}.{}", parts[0], parts[1]);
        RsaPublicKeyComponents { n: &n, e: &e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, msg.as_bytes(), &sig)
            .expect("signature verifies with the published key");
        assert_eq!(decode_claims(&jwt).unwrap()["sub"], "x");
    }
}
