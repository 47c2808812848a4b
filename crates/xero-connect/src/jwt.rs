//! Reading claims from Xero's JWTs: the id_token's binding to the sign-in this program started,
//! and otherwise only what is displayed or looked up.
//!
//! Xero's access token is treated as opaque except for `authentication_event_id` (to list the
//! organisations of this consent) and `exp`. The id_token arrives straight from the token
//! endpoint over TLS, so its signature need not be checked (OpenID Connect Core §3.1.3.7, item 6);
//! its issuer, audience and `nonce` are (items 2, 3 and 11): the nonce is what ties the tokens
//! to this program's authorize request (RFC 9700 §4.5). Its user is shown, never trusted.

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

/// Why an id_token does not belong to the sign-in this program started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenMismatch {
    /// No id_token came back, though `openid` was asked for.
    Missing,
    /// It is not a readable JWT.
    Unreadable,
    /// `iss` is not the identity host this program talks to.
    Issuer,
    /// `aud` does not name this Client ID.
    Audience,
    /// `nonce` is absent or differs from the one sent.
    Nonce,
}

/// Checks an id_token from the code exchange against what this program sent: `iss` equals
/// `issuer`, `aud` names `client_id`, and `nonce` equals `nonce` exactly.
///
/// # Errors
/// The first check that fails, as an [`IdTokenMismatch`].
pub fn check_id_token(
    id_token: Option<&str>,
    client_id: &str,
    issuer: &str,
    nonce: &str,
) -> Result<(), IdTokenMismatch> {
    let claims = payload(id_token.ok_or(IdTokenMismatch::Missing)?).ok_or(IdTokenMismatch::Unreadable)?;
    let text = |k: &str| claims.get(k).and_then(|v| v.as_str());
    if text("iss").map(|i| i.trim_end_matches('/')) != Some(issuer.trim_end_matches('/')) {
        return Err(IdTokenMismatch::Issuer);
    }
    if !audience_is(&claims, client_id) {
        return Err(IdTokenMismatch::Audience);
    }
    if text("nonce") != Some(nonce) {
        return Err(IdTokenMismatch::Nonce);
    }
    Ok(())
}

fn audience_is(claims: &serde_json::Value, client_id: &str) -> bool {
    match claims.get("aud") {
        Some(serde_json::Value::String(a)) => a == client_id,
        Some(serde_json::Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(client_id)),
        _ => false,
    }
}

/// The user from an id_token, provided it was issued for this client.
pub fn user_from_id_token(id_token: &str, client_id: &str) -> Option<XeroUser> {
    let claims = payload(id_token)?;
    if !audience_is(&claims, client_id) {
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
    fn the_id_token_must_carry_back_this_sign_ins_nonce() {
        let good = serde_json::json!({"iss": "https://identity.xero.com", "aud": "CID", "nonce": "n-1"});
        let token = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut c = good.clone();
            f(&mut c);
            jwt(c)
        };
        let check = |t: &str| check_id_token(Some(t), "CID", "https://identity.xero.com", "n-1");
        assert_eq!(check(&token(&|_| {})), Ok(()));
        assert_eq!(check(&token(&|c| c["nonce"] = "n-2".into())), Err(IdTokenMismatch::Nonce));
        assert_eq!(
            check(&token(&|c| c.as_object_mut().unwrap().remove("nonce").map(drop).unwrap())),
            Err(IdTokenMismatch::Nonce)
        );
        assert_eq!(check(&token(&|c| c["aud"] = "OTHER".into())), Err(IdTokenMismatch::Audience));
        assert_eq!(check(&token(&|c| c["iss"] = "https://evil.example".into())), Err(IdTokenMismatch::Issuer));
        assert_eq!(check("not-a-jwt"), Err(IdTokenMismatch::Unreadable));
        assert_eq!(check_id_token(None, "CID", "https://identity.xero.com", "n-1"), Err(IdTokenMismatch::Missing));
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(payload("not-a-jwt"), None);
        assert_eq!(payload("a.b.c.d"), None);
        assert_eq!(payload("a.!!!.c"), None);
    }
}
