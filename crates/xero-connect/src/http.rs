//! The HTTP client every Xero call goes through, and the classification of what came back.
//!
//! Redirects are never followed (a redirect from a token or API endpoint is an attack or a
//! misconfiguration, not something to chase), and every call has a timeout, so a silent Xero
//! becomes `xero_unavailable` instead of a hang.

use crate::error::{Error, ErrorCode, RateLimit};
use reqwest::header::{HeaderMap, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::StatusCode;
use std::time::Duration;

/// The longest one request to Xero may take, connecting included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The client: rustls, no redirects, bounded connect and request times.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("xero-connect/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a client with static settings always builds")
}

/// Text from an answer (a tenant ID, a scope, an error code) with its control characters
/// removed, before it reaches a terminal, a message or the settings: ESC, OSC and the like would
/// be obeyed by a terminal, and a line break could forge a line of output.
pub(crate) fn without_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// A request that did not produce a usable HTTP answer.
pub(crate) fn transport_error(e: &reqwest::Error) -> Error {
    if e.is_connect() {
        Error::no_network()
    } else if e.is_timeout() {
        Error::xero_unavailable("no answer in time")
    } else {
        Error::xero_unavailable("the connection was dropped")
    }
}

/// Xero's answer to an API call, as far as the caller needs to branch on it.
#[derive(Debug)]
pub(crate) enum ApiFailure {
    /// 401 with an expired or unusable access token: refresh once and retry once.
    TokenRejected,
    /// Anything else: final.
    Final(Error),
}

/// Classifies a non-success API response (docs/xero-platform.md §8).
pub(crate) fn classify_api_failure(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiFailure {
    let detail = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("Detail").and_then(|d| d.as_str()).map(str::to_string))
        .unwrap_or_default();
    let www = headers.get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).unwrap_or("");
    match status.as_u16() {
        401 if detail.starts_with("AuthorizationUnsuccessful") || www.contains("insufficient_scope") => {
            ApiFailure::Final(Error::new(
                ErrorCode::MissingScope,
                "Xero says this connection lacks a permission (scope) the call needs: reconnect and allow access \
                 again so the scope is granted.",
            ))
        }
        401 => ApiFailure::TokenRejected,
        403 => ApiFailure::Final(organisation_disconnected()),
        429 => ApiFailure::Final(rate_limit_error(headers)),
        s @ 500..=599 => ApiFailure::Final(Error::xero_unavailable(&format!("HTTP {s}"))),
        s => ApiFailure::Final(Error::xero_unavailable(&format!("unexpected HTTP {s}"))),
    }
}

/// The organisation no longer reaches this app: Xero's 403 to an API call, or its absence from
/// `GET /connections` (docs/xero-platform.md §7).
pub(crate) fn organisation_disconnected() -> Error {
    Error::new(
        ErrorCode::OrganisationDisconnected,
        "The organisation has disconnected this app from inside Xero (or can no longer be reached with \
         this connection): reconnect to connect it again.",
    )
}

/// Seconds from a `Retry-After` header; a minute when absent or unreadable (Xero's minute limit).
pub(crate) fn retry_after(headers: &HeaderMap) -> u64 {
    headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok()).unwrap_or(60)
}

/// A 429 answer as an error naming the limit hit (`X-Rate-Limit-Problem`) and the wait.
pub(crate) fn rate_limit_error(headers: &HeaderMap) -> Error {
    let limit = headers.get("x-rate-limit-problem").and_then(|v| v.to_str().ok()).and_then(RateLimit::from_header);
    Error::rate_limited(retry_after(headers), limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn classify(status: u16, headers: &[(&'static str, &str)], body: &str) -> ApiFailure {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        classify_api_failure(StatusCode::from_u16(status).unwrap(), &h, body.as_bytes())
    }

    fn code(f: ApiFailure) -> ErrorCode {
        match f {
            ApiFailure::Final(e) => e.code(),
            ApiFailure::TokenRejected => panic!("expected a final error"),
        }
    }

    #[test]
    fn xero_error_bodies_map_to_codes() {
        let expired =
            r#"{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at 01/01/2026"}"#;
        assert!(matches!(classify(401, &[], expired), ApiFailure::TokenRejected));
        let scope = r#"{"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}"#;
        assert_eq!(
            code(classify(401, &[("www-authenticate", "Bearer error=\"insufficient_scope\"")], scope)),
            ErrorCode::MissingScope
        );
        assert_eq!(code(classify(401, &[], scope)), ErrorCode::MissingScope);
        let forbidden = r#"{"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful"}"#;
        assert_eq!(code(classify(403, &[], forbidden)), ErrorCode::OrganisationDisconnected);
        assert_eq!(code(classify(503, &[], "Organisation offline")), ErrorCode::XeroUnavailable);
        assert_eq!(code(classify(404, &[], "not found")), ErrorCode::XeroUnavailable);
    }

    #[test]
    fn rate_limit_uses_retry_after() {
        match classify(429, &[("retry-after", "17"), ("x-rate-limit-problem", "minute")], "") {
            ApiFailure::Final(e) => {
                assert_eq!(e.code(), ErrorCode::RateLimited);
                assert_eq!(e.retry_after_secs(), Some(17));
                assert!(e.message().contains("60 calls a minute") && e.message().ends_with("in 17 seconds."), "{e}");
            }
            other => panic!("{other:?}"),
        }
        match classify(429, &[("retry-after", "86400"), ("x-rate-limit-problem", "day")], "") {
            ApiFailure::Final(e) => {
                assert!(e.message().contains("daily limit") && e.message().contains("about 24 hours"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(retry_after(&HeaderMap::new()), 60);
    }
}
