//! Reading claims from Xero's JWTs without trusting them for anything but display and lookup.
//!
//! Xero's access token is treated as opaque except for `authentication_event_id` (to list the
//! organisations of this consent) and `exp`; the id_token, received straight from the token
//! endpoint over TLS, names the Xero user (OpenID Connect Core §3.1.3.7 allows skipping the
//! signature check in that case). Nothing read here is ever used as proof of identity.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The payload of a JWT as JSON, or `None` when it is not a readable JWT.
pub fn payload(token: &str) -> Option<serde_json::Value> {
    let mut parts = token.split('.');
    let (_header, body, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(body.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The consent that produced an access token: matches `authEventId` on `/connections`.
pub fn authentication_event_id(access_token: &str) -> Option<String> {
    payload(access_token)?.get("authentication_event_id")?.as_str().map(str::to_string)
}

/// The Xero user who authorised a connection, as shown to staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XeroUser {
    /// Sign-in email.
    pub email: String,
    /// Given and family name, when Xero sent them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// The user from an id_token, provided it was issued for this client.
pub fn user_from_id_token(id_token: &str, client_id: &str) -> Option<XeroUser> {
    let claims = payload(id_token)?;
    let aud_ok = match claims.get("aud") {
        Some(serde_json::Value::String(a)) => a == client_id,
        Some(serde_json::Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(client_id)),
        _ => false,
    };
    if !aud_ok {
        return None;
    }
    let text = |k: &str| claims.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let email = text("email");
    if email.is_empty() {
        return None;
    }
    let name = format!("{} {}", text("given_name"), text("family_name")).trim().to_string();
    Some(XeroUser { email, name })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let enc = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
        format!("{}.{}.c2ln", enc(&serde_json::json!({"alg":"RS256"})), enc(&claims))
    }

    #[test]
    fn reads_the_auth_event_and_user() {
        let at = jwt(serde_json::json!({"authentication_event_id": "e-1", "scope": ["openid"]}));
        assert_eq!(authentication_event_id(&at).as_deref(), Some("e-1"));
        let id = jwt(serde_json::json!({"aud": "CID", "email": "a@b.test", "given_name": "Ann", "family_name": "Lee"}));
        assert_eq!(user_from_id_token(&id, "CID"), Some(XeroUser { email: "a@b.test".into(), name: "Ann Lee".into() }));
        assert_eq!(user_from_id_token(&id, "OTHER"), None, "an id_token for another client is ignored");
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(payload("not-a-jwt"), None);
        assert_eq!(payload("a.b.c.d"), None);
        assert_eq!(payload("a.!!!.c"), None);
    }
}
