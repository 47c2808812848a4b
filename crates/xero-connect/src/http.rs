//! The HTTP client every Xero call goes through, and the classification of what came back.
//!
//! Redirects are never followed (a redirect from a token or API endpoint is an attack or a
//! misconfiguration, not something to chase), and every call has a timeout, so a silent Xero
//! becomes `xero_unavailable` instead of a hang. Certificates are checked by the operating
//! system's verifier (`tls`), proxies come from `HTTPS_PROXY`/`NO_PROXY` or the Windows and macOS
//! settings, and every answer's `Date` is compared with this computer's clock (`clock`).
//! An answer that is a web page rather than Xero's JSON is Xero's edge (or a network between)
//! refusing the request, never a verdict on the connection.

use crate::error::{Error, ErrorCode, RateLimit, Remedy};
use reqwest::header::{HeaderMap, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::StatusCode;
use std::time::Duration;

/// The longest one request to Xero may take, connecting included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The client: the operating system's certificate verification, the system's proxy, no
/// redirects, bounded connect and request times.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(crate::tls::client_config())
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

/// A request that did not produce a usable HTTP answer: a certificate this computer does not
/// trust, a proxy that wants a sign-in, no connection at all, or an answer that never came
/// (the request may have reached Xero: see [`Error::unanswered`]).
pub(crate) fn transport_error(e: &reqwest::Error) -> Error {
    if let Some(untrusted) = crate::tls::untrusted_in(e) {
        return untrusted_certificate(e.url().and_then(|u| u.host_str()).unwrap_or("Xero"), &untrusted);
    }
    if proxy_wants_sign_in(e) {
        return Error::new(
            ErrorCode::ProxySignInNeeded,
            "The proxy server this computer uses asks for a sign-in (HTTP 407) before it lets anything through to \
             Xero: give its user name and password in the proxy setting, or ask whoever runs the network to let \
             this program through.",
        )
        .with_remedy(Remedy::ProxySignIn);
    }
    if e.is_connect() {
        Error::no_network()
    } else if e.is_timeout() {
        Error::xero_unavailable("no answer in time").answer_lost()
    } else {
        Error::xero_unavailable("the connection was dropped").answer_lost()
    }
}

/// hyper-util's CONNECT tunnel reports a 407 from the proxy as this text
/// (`TunnelError::ProxyAuthRequired` in `client/legacy/connect/proxy/tunnel.rs`); the type is
/// not public, so its words are matched.
fn proxy_wants_sign_in(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(err) = next {
        if err.to_string().contains("proxy authorization required") {
            return true;
        }
        next = err.source();
    }
    false
}

/// A certificate the operating system does not trust, named by its issuer.
pub(crate) fn untrusted_certificate(host: &str, u: &crate::tls::Untrusted) -> Error {
    use crate::tls::UntrustedReason;
    let issuer = u.issuer.as_deref().map(|i| format!("\"{i}\"")).unwrap_or_else(|| "an unknown issuer".into());
    let message = match u.reason {
        UntrustedReason::OutsideValidity => format!(
            "The certificate {host} presented (issued by {issuer}) is expired or not valid yet by this computer's \
             clock: check that the date and time are right, then try again."
        ),
        UntrustedReason::WrongHost => format!(
            "{host} presented a certificate issued by {issuer} for another name: this network may inspect HTTPS \
             or redirect Xero's addresses; ask whoever runs it to let Xero through unchanged."
        ),
        UntrustedReason::UnknownIssuer | UntrustedReason::Other => format!(
            "This computer does not trust the certificate {host} presented, issued by {issuer}: this network may \
             inspect HTTPS (Zscaler, Netskope, a firewall). Ask whoever runs it to install that issuer's root \
             certificate in this computer's certificate store, then try again."
        ),
    };
    Error::new(ErrorCode::CertificateUntrusted, message)
        .with_remedy(Remedy::TrustNetworkCertificate { issuer: u.issuer.clone() })
}

/// Whether an answer is a web page (or other text) rather than Xero's JSON: Xero's edge, a
/// proxy or a firewall answered instead of the API (docs/xero-platform.md §14).
pub(crate) fn is_web_page(headers: &HeaderMap, body: &[u8]) -> bool {
    let ctype = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).trim_start().to_ascii_lowercase();
    ctype.starts_with("text/html") || start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// Xero's network (or one between) refused the request with a web page: never a reason to
/// reconnect. The reference the page shows (Akamai's "Reference #…", Cloudflare's "Ray ID") is
/// quoted so Xero's support can find the refusal.
pub(crate) fn blocked_by_network(status: StatusCode, body: &[u8]) -> Error {
    let reference = page_reference(&String::from_utf8_lossy(body));
    let said = match &reference {
        Some(r) => format!(" The page gave the reference {r}; quote it if you contact Xero."),
        None => String::new(),
    };
    Error::new(
        ErrorCode::BlockedByNetwork,
        format!(
            "Xero's network refused this request with a web page (HTTP {}) instead of Xero's answer: a VPN, a proxy \
             or this internet address may be blocked. Try without the VPN or from another network; the connection \
             itself is fine, so there is nothing to reconnect.{said}",
            status.as_u16()
        ),
    )
    .with_remedy(Remedy::CheckComputer)
}

/// The reference an edge's refusal page shows, if any: only `[A-Za-z0-9.#-]`, at most 60.
fn page_reference(page: &str) -> Option<String> {
    for marker in ["Reference #", "Reference&#32;&#35;", "Ray ID:", "Request ID:", "Incident ID:"] {
        if let Some(at) = page.find(marker) {
            let rest = page[at + marker.len()..].trim_start().trim_start_matches("<strong>").trim_start();
            let r: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')).take(60).collect();
            if !r.is_empty() {
                let prefix = if marker.starts_with("Reference") { "#" } else { "" };
                return Some(format!("{prefix}{r}"));
            }
        }
    }
    None
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
    // A web page is not Xero's API answering (its errors are JSON or short plain text): a 403
    // page is an edge's refusal, not a disconnected organisation (issue 16).
    if is_web_page(headers, body)
        || (status.as_u16() == 403 && serde_json::from_slice::<serde_json::Value>(body).is_err())
    {
        return ApiFailure::Final(blocked_by_network(status, body));
    }
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

/// A 429 answer as an error naming the limit hit (`X-Rate-Limit-Problem`, its name matched in
/// any case by `HeaderMap`, its value by [`RateLimit::from_header`]) and the wait.
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
    fn a_web_page_is_the_network_refusing_never_a_disconnect() {
        let akamai = "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \
                      You don't have permission to access \"http&#58;&#47;&#47;api&#46;xero&#46;com&#47;\" on this \
                      server.<P>\nReference&#32;&#35;18&#46;6f2c1b17&#46;1764000000&#46;2a3b4c5d\n</BODY>\n</HTML>";
        let html = [("content-type", "text/html")];
        match classify(403, &html, akamai) {
            ApiFailure::Final(e) => {
                assert_eq!(e.code(), ErrorCode::BlockedByNetwork);
                assert!(e.message().contains("nothing to reconnect"), "{e}");
                assert_eq!(e.remedy(), Some(&crate::error::Remedy::CheckComputer));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            page_reference("Reference #18.6f2c1b17.1764000000.2a3b4c5d\n").as_deref(),
            Some("#18.6f2c1b17.1764000000.2a3b4c5d")
        );
        assert_eq!(
            page_reference("<p>Cloudflare Ray ID: <strong>8c1f2e3d4a5b6c7d</strong></p>").as_deref(),
            Some("8c1f2e3d4a5b6c7d")
        );
        assert_eq!(page_reference("no reference here"), None);
        // Any other web page, whatever its status, and a 403 in plain text.
        assert_eq!(
            code(classify(200, &[], "<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi")),
            ErrorCode::BlockedByNetwork
        );
        assert_eq!(code(classify(403, &[], "Forbidden")), ErrorCode::BlockedByNetwork);
        // Xero's own plain-text answers stay what they were.
        assert_eq!(code(classify(503, &[], "Organisation offline")), ErrorCode::XeroUnavailable);
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
