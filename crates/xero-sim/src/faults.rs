//! The front door every request passes: it classifies the request by endpoint,
//! applies any fault a test queued for that endpoint (delays, canned statuses,
//! dropped connections, garbage bodies, expired-token and rate-limit answers), and
//! records the request in the log without bodies or credentials.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::model::{Endpoint, FaultKind, LoggedRequest};
use crate::server::ConnMeta;
use crate::state::Shared;

/// Which endpoint a method and path address.
pub(crate) fn classify(method: &Method, path: &str) -> Endpoint {
    let p = path.to_ascii_lowercase();
    let p = p.trim_end_matches('/');
    match (method.as_str(), p) {
        ("GET", "/identity/connect/authorize") => Endpoint::Authorize,
        ("POST", "/connect/token") => Endpoint::Token,
        ("POST", "/connect/revocation") => Endpoint::Revocation,
        ("GET", "/connections") => Endpoint::Connections,
        ("DELETE", p) if p.starts_with("/connections/") => Endpoint::DeleteConnection,
        ("GET", "/api.xro/2.0/organisation") => Endpoint::Organisation,
        ("GET", "/assets.xro/1.0/settings") => Endpoint::AssetsSettings,
        ("GET", "/files.xro/1.0/folders") => Endpoint::FilesFolders,
        ("GET", "/projects.xro/2.0/projectsusers") => Endpoint::ProjectsUsers,
        ("GET", "/payroll.xro/1.0/settings") => Endpoint::PayrollAuSettings,
        ("GET", "/payroll.xro/2.0/settings") => Endpoint::PayrollSettings,
        ("GET", "/.well-known/openid-configuration") => Endpoint::Discovery,
        ("GET", "/.well-known/openid-configuration/jwks") => Endpoint::Jwks,
        _ => Endpoint::Other,
    }
}

/// Xero's problem body for an expired access token.
pub(crate) fn token_expired_response(exp_secs: u64) -> Response {
    let detail = format!("TokenExpired: token expired at {}", crate::dates::us_datetime(exp_secs));
    crate::api::problem(StatusCode::UNAUTHORIZED, &detail, Some("Bearer error=\"invalid_token\""))
}

/// 429 in Xero's shape.
pub(crate) fn rate_limited_response(retry_after_secs: u64, problem: &str) -> Response {
    let mut resp =
        (StatusCode::TOO_MANY_REQUESTS, [("content-type", "text/plain; charset=utf-8")], "Rate limit exceeded")
            .into_response();
    let h = resp.headers_mut();
    h.insert("retry-after", HeaderValue::from(retry_after_secs));
    if let Ok(v) = HeaderValue::from_str(problem) {
        h.insert("x-rate-limit-problem", v);
    }
    resp
}

/// The middleware wrapped around every route.
pub(crate) async fn front_door(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let endpoint = classify(&method, &path);
    let meta = req.extensions().get::<ConnectInfo<ConnMeta>>().map(|c| c.0.clone());

    // The grant type is logged (never the rest of the body), so tests can count
    // refreshes; that needs the form read here and handed on intact.
    let (req, grant_type) = if endpoint == Endpoint::Token {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
        let gt = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "grant_type").map(|(_, v)| v.into_owned());
        (Request::from_parts(parts, Body::from(bytes)), gt)
    } else {
        (req, None)
    };

    let fault = shared.lock().take_fault(endpoint);
    let resp = match fault {
        None => next.run(req).await,
        Some(FaultKind::Delay(d)) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Some(FaultKind::Status { status, body, headers }) => canned(status, body, headers),
        Some(FaultKind::GarbageBody) => (
            StatusCode::OK,
            [("content-type", "text/html; charset=utf-8")],
            "<html><body><h1>502 Bad Gateway</h1><p>upstream sent an invalid response",
        )
            .into_response(),
        Some(FaultKind::TokenExpired) => token_expired_response(shared.clock.now_secs().saturating_sub(1)),
        Some(FaultKind::RateLimited { retry_after_secs }) => rate_limited_response(retry_after_secs, "minute"),
        Some(FaultKind::AccessDeniedPage { reference }) => access_denied_page(&path, &reference),
        Some(FaultKind::AnswerLost) => {
            let resp = next.run(req).await;
            if let Some(m) = &meta {
                m.kill.store(true, Ordering::SeqCst);
            }
            record(&shared, method, path, query, grant_type, 0);
            // Handled (a refresh rotated its token), but the answer never reaches the wire.
            return resp;
        }
        Some(FaultKind::ConnectionReset) => {
            if let Some(m) = &meta {
                m.kill.store(true, Ordering::SeqCst);
            }
            record(&shared, method, path, query, grant_type, 0);
            // Whatever is returned never reaches the wire: the socket fails first.
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    record(&shared, method, path, query, grant_type, resp.status().as_u16());
    let mut resp = resp;
    // Xero's `Date` is Xero's clock: the simulated one, which `advance_clock` moves (so a test
    // can put this computer's clock behind Xero's).
    let date = httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_millis(shared.clock.now_ms()));
    if let Ok(v) = HeaderValue::from_str(&date) {
        resp.headers_mut().insert(axum::http::header::DATE, v);
    }
    resp
}

/// The edge's refusal page: Akamai's "Access Denied" layout with its reference (as shown in
/// public reports; docs/xero-platform.md §14).
fn access_denied_page(path: &str, reference: &str) -> Response {
    let esc = crate::consent_page::esc;
    let body = format!(
        "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \n\
         You don't have permission to access \"http&#58;&#47;&#47;api&#46;xero&#46;com{}\" on this server.<P>\n\
         Reference&#32;&#35;{}\n</BODY>\n</HTML>\n",
        esc(path),
        esc(reference)
    );
    (StatusCode::FORBIDDEN, [("content-type", "text/html")], body).into_response()
}

fn record(shared: &Shared, method: Method, path: String, query: String, grant_type: Option<String>, status: u16) {
    shared.lock().log.push(LoggedRequest { method: method.to_string(), path, query, grant_type, status });
}

/// A test-scripted answer.
fn canned(status: u16, body: String, headers: Vec<(String, String)>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let trimmed = body.trim_start();
    let ctype = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        "application/json; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut resp = (status, [("content-type", ctype)], body).into_response();
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(&v)) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}
