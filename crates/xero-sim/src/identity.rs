//! Xero's identity service: the authorize request and consent form (login.xero.com),
//! the token endpoint with its three grants, revocation, and OpenID discovery/JWKS
//! (identity.xero.com). Each rule cites the section of docs/xero-platform.md it enforces.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::consent_page::{self, ConsentView, OrgChoice};
use crate::ids;
use crate::model::{AppKind, Consent};
use crate::scopes;
use crate::state::{self, CodeRec, Grant, PendingConsent, RefreshRec, Shared};

/// Authorization codes live 5 minutes (docs/xero-platform.md §6).
const CODE_TTL_MS: u64 = 5 * 60 * 1000;
/// A rotated refresh token keeps working this long, so a lost response is survivable.
const ROTATION_GRACE_MS: u64 = 30 * 60 * 1000;
/// Refresh tokens unused this long expire.
const REFRESH_IDLE_MS: u64 = 60 * 24 * 60 * 60 * 1000;
/// How long a consent page stays usable.
const CONSENT_TTL_MS: u64 = 60 * 60 * 1000;

/// Parses a query string or form body; the first value of a repeated key wins.
fn first_values(raw: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

/// `base` with query parameters appended, properly encoded.
fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", ser.finish())
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_string()), (header::CACHE_CONTROL, "no-store".to_string())])
        .into_response()
}

/// GET /identity/connect/authorize. Any problem shows Xero's error page and never
/// redirects back (docs/xero-platform.md §4); success shows the consent page.
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    let p = first_values(q.unwrap_or_default().as_bytes());
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let now = shared.clock.now_ms();
    let mut st = shared.lock();

    let client_id = get("client_id");
    let Some(app) = st.apps.get(client_id).cloned() else {
        return consent_page::error("unauthorized_client : Unknown client or client not enabled");
    };
    // A custom connection has no consent screen: it only uses client_credentials.
    if app.spec.kind == AppKind::Custom {
        return consent_page::error("unauthorized_client : Invalid grant type for client");
    }
    // Exact match, port and trailing slash included; no loopback-port leniency.
    let redirect_uri = get("redirect_uri");
    if !app.spec.redirect_uris.iter().any(|u| u == redirect_uri) {
        return consent_page::error("unauthorized_client : Invalid redirect_uri");
    }
    if get("response_type") != "code" {
        return consent_page::error("invalid_request : Invalid response_type, expected code");
    }
    let requested = scopes::split(get("scope"));
    if requested.is_empty() {
        return consent_page::error("invalid_request : Missing scope");
    }
    // One disallowed scope fails the whole request, without naming it.
    if requested.iter().any(|s| !scopes::allowed(s, app.spec.created)) {
        return consent_page::error("invalid_scope : Invalid scope for client");
    }
    // PKCE: required for desktop/mobile apps; S256 is the only method accepted.
    let challenge = p.get("code_challenge").filter(|c| !c.is_empty()).cloned();
    if app.spec.kind == AppKind::Pkce && challenge.is_none() {
        return consent_page::error("invalid_request : code_challenge is required");
    }
    if challenge.is_some() && get("code_challenge_method") != "S256" {
        return consent_page::error("invalid_request : Transform algorithm not supported, use S256");
    }

    let consent_id = ids::url_safe(32);
    let user = st.current().clone();
    st.pending.insert(
        consent_id.clone(),
        PendingConsent {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            scopes: requested.clone(),
            state: p.get("state").cloned(),
            code_challenge: challenge,
            nonce: p.get("nonce").cloned(),
            user_id: user.id.clone(),
            created_ms: now,
        },
    );
    let orgs = org_choices(&st);
    consent_page::consent(&ConsentView {
        consent_id: &consent_id,
        app_name: &app.spec.name,
        email: &user.user.email,
        scopes: &requested,
        orgs: &orgs,
        error: None,
    })
}

fn org_choices(st: &state::State) -> Vec<OrgChoice> {
    st.orgs
        .iter()
        .map(|o| OrgChoice {
            tenant_id: o.tenant_id.clone(),
            name: o.spec.name.clone(),
            country: o.spec.country_code.clone(),
        })
        .collect()
}

/// POST /identity/connect/authorize/consent: the user's decision (or the one a test
/// scripted with `set_consent`). Allow connects the chosen organisations under one new
/// authEventId and redirects with a code; Cancel redirects with `access_denied`.
pub(crate) async fn consent(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let mut posted_tenants = Vec::new();
    let mut posted_decision = String::new();
    let mut consent_id = String::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "tenant" => posted_tenants.push(v.into_owned()),
            "decision" => posted_decision = v.into_owned(),
            "consent_id" => consent_id = v.into_owned(),
            _ => {}
        }
    }
    let now = shared.clock.now_ms();
    let mut st = shared.lock();
    let Some(pending) = st.pending.get(&consent_id).cloned() else {
        return consent_page::error("invalid_request : This sign-in request has expired or was already used");
    };
    if now.saturating_sub(pending.created_ms) > CONSENT_TTL_MS {
        st.pending.remove(&consent_id);
        return consent_page::error("invalid_request : This sign-in request has expired");
    }
    let choice = match st.consent_override.clone() {
        Consent::Allow(t) => Some(t),
        Consent::Deny => None,
        Consent::AllowAsPosted => (posted_decision == "allow").then_some(posted_tenants),
    };
    let state_param = pending.state.clone();
    let Some(chosen) = choice else {
        st.pending.remove(&consent_id);
        let mut pairs = vec![("error", "access_denied")];
        if let Some(s) = state_param.as_deref() {
            pairs.push(("state", s));
        }
        return redirect(&with_query(&pending.redirect_uri, &pairs));
    };
    let mut tenants: Vec<String> = Vec::new();
    for t in chosen {
        if st.org(&t).is_some() && !tenants.contains(&t) {
            tenants.push(t);
        }
    }
    let Some(app) = st.apps.get(&pending.client_id).cloned() else {
        return consent_page::error("unauthorized_client : Unknown client or client not enabled");
    };
    if tenants.is_empty() {
        let orgs = org_choices(&st);
        let email = st.user_by_id(&pending.user_id).map(|u| u.user.email.clone()).unwrap_or_default();
        return consent_page::consent(&ConsentView {
            consent_id: &consent_id,
            app_name: &app.spec.name,
            email: &email,
            scopes: &pending.scopes,
            orgs: &orgs,
            error: Some("Choose at least one organisation to connect."),
        });
    }
    // Connection caps: Starter tier (5) for apps created since 2026-03-02, else the
    // uncertified limit (25). Over the cap, consent fails on Xero's page.
    let cap = if scopes::granular_only(app.spec.created) { 5 } else { 25 };
    let mut after = st.connected_tenants(&pending.client_id);
    for t in &tenants {
        if !after.contains(t) {
            after.push(t.clone());
        }
    }
    if after.len() > cap {
        st.pending.remove(&consent_id);
        return consent_page::error(&format!(
            "unauthorized_client : This app has reached its limit of {cap} connected organisations"
        ));
    }

    let auth_event_id = ids::uuid();
    for t in &tenants {
        st.connect(&pending.client_id, &pending.user_id, t, &auth_event_id, now);
    }
    let code = ids::url_safe(43);
    let session_id = ids::session_id();
    st.codes.insert(
        code.clone(),
        CodeRec {
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            scopes: pending.scopes.clone(),
            code_challenge: pending.code_challenge.clone(),
            nonce: pending.nonce.clone(),
            user_id: pending.user_id.clone(),
            auth_event_id,
            session_id,
            issued_ms: now,
            used: false,
        },
    );
    st.pending.remove(&consent_id);
    let scope = pending.scopes.join(" ");
    let session_state = format!("{}.{}", ids::url_safe(43), ids::session_id());
    let mut pairs = vec![("code", code.as_str()), ("scope", scope.as_str())];
    if let Some(s) = state_param.as_deref() {
        pairs.push(("state", s));
    }
    pairs.push(("session_state", session_state.as_str()));
    redirect(&with_query(&pending.redirect_uri, &pairs))
}

/// A token-endpoint error: HTTP 400 with `{"error": …}` (docs/xero-platform.md §8).
fn oauth_error(code: &str) -> Response {
    (StatusCode::BAD_REQUEST, [(header::CACHE_CONTROL, "no-store")], Json(json!({ "error": code }))).into_response()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
        .unwrap_or(false)
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// Authenticates the client: HTTP Basic or `client_id`/`client_secret` in the body
/// for apps with secrets; `client_id` alone for PKCE apps. Any mismatch is
/// `invalid_client`. The secret must match exactly (a trailing space fails).
fn client_auth(st: &state::State, headers: &HeaderMap, form: &HashMap<String, String>) -> Result<String, &'static str> {
    let basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(v) => {
            let v = v.to_str().map_err(|_| "invalid_client")?;
            let (scheme, rest) = v.split_once(' ').ok_or("invalid_client")?;
            if !scheme.eq_ignore_ascii_case("basic") {
                return Err("invalid_client");
            }
            let raw = STANDARD.decode(rest.trim()).map_err(|_| "invalid_client")?;
            let text = String::from_utf8(raw).map_err(|_| "invalid_client")?;
            let (id, secret) = text.split_once(':').ok_or("invalid_client")?;
            Some((id.to_string(), secret.to_string()))
        }
    };
    let (id, secret) = match basic {
        Some((id, secret)) => {
            if form.get("client_id").is_some_and(|b| *b != id && *b != percent_decode(&id)) {
                return Err("invalid_client");
            }
            (id, Some(secret))
        }
        None => (form.get("client_id").cloned().ok_or("invalid_client")?, form.get("client_secret").cloned()),
    };
    // RFC 6749 §2.3.1 form-encodes Basic credentials; Xero's ids and secrets are
    // unchanged by that, but accept either spelling.
    let id = if st.apps.contains_key(&id) { id } else { percent_decode(&id) };
    let app = st.apps.get(&id).ok_or("invalid_client")?;
    match app.spec.kind {
        AppKind::Pkce => {
            if secret.as_deref().is_some_and(|s| !s.is_empty()) {
                return Err("invalid_client");
            }
        }
        AppKind::Web | AppKind::Custom => {
            let secret = secret.ok_or("invalid_client")?;
            if !st.secret_ok(&id, &secret) && !st.secret_ok(&id, &percent_decode(&secret)) {
                return Err("invalid_client");
            }
        }
    }
    Ok(id)
}

/// What one issued token set carries.
struct Issue<'a> {
    client_id: &'a str,
    user_id: &'a str,
    scopes: &'a [String],
    auth_event_id: &'a str,
    session_id: &'a str,
    nonce: Option<&'a str>,
    grant: Option<usize>,
    custom: bool,
}

/// Signs an access token (and id token with `openid`), mints a refresh token with
/// `offline_access`, and builds the token response.
fn issue(shared: &Shared, st: &mut state::State, i: Issue<'_>) -> Response {
    let now = shared.clock.now_secs();
    let now_ms = shared.clock.now_ms();
    let ttl = st.access_ttl_secs;
    let base = &shared.base_url;
    let iss = shared.issuer();
    let sub = ids::hex(&Sha256::digest(i.user_id.as_bytes())[..16], false);
    let access_claims = json!({
        "nbf": now,
        "exp": now + ttl,
        "iat": now,
        "iss": iss,
        "aud": format!("{base}/resources"),
        "client_id": i.client_id,
        "sub": sub,
        "auth_time": now,
        "xero_userid": i.user_id,
        "global_session_id": i.session_id,
        "sid": i.session_id,
        "jti": ids::session_id(),
        "authentication_event_id": i.auth_event_id,
        "scope": i.scopes,
    });
    let access_token = shared.signer.sign(&access_claims);
    st.access.insert(
        access_token.clone(),
        state::AccessRec {
            client_id: i.client_id.to_string(),
            user_id: i.user_id.to_string(),
            scopes: i.scopes.to_vec(),
            exp_secs: now + ttl,
            custom: i.custom,
        },
    );
    let mut body = serde_json::Map::new();
    if !i.custom && i.scopes.iter().any(|s| s == "openid") {
        let user = st.user_by_id(i.user_id).map(|u| u.user.clone()).unwrap_or_default();
        let mut id_claims = json!({
            "nbf": now,
            "exp": now + 300,
            "iat": now,
            "iss": iss,
            "aud": i.client_id,
            "sub": sub,
            "auth_time": now,
            "idp": "xero",
            "xero_userid": i.user_id,
            "global_session_id": i.session_id,
            "sid": i.session_id,
            "preferred_username": user.email,
            "email": user.email,
            "given_name": user.given_name,
            "family_name": user.family_name,
        });
        if let Some(n) = i.nonce {
            id_claims["nonce"] = Value::from(n);
        }
        let id_token = shared.signer.sign(&id_claims);
        st.id_tokens.push(id_token.clone());
        body.insert("id_token".into(), Value::from(id_token));
    }
    body.insert("access_token".into(), Value::from(access_token));
    body.insert("expires_in".into(), Value::from(ttl));
    body.insert("token_type".into(), Value::from("Bearer"));
    if let Some(g) = i.grant.filter(|_| i.scopes.iter().any(|s| s == "offline_access")) {
        let rt = ids::url_safe(64);
        st.refresh.insert(rt.clone(), RefreshRec { grant: g, issued_ms: now_ms, rotated_ms: None, dead: false });
        body.insert("refresh_token".into(), Value::from(rt));
    }
    body.insert("scope".into(), Value::from(i.scopes.join(" ")));
    (StatusCode::OK, [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")], Json(Value::Object(body)))
        .into_response()
}

/// A PKCE verifier is 43–128 characters of `A-Z a-z 0-9 - . _ ~` (RFC 7636).
fn verifier_ok(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// POST /connect/token.
pub(crate) async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    if !is_form(&headers) {
        return oauth_error("invalid_request");
    }
    let form = first_values(&body);
    let now = shared.clock.now_ms();
    let mut st = shared.lock();
    let client_id = match client_auth(&st, &headers, &form) {
        Ok(c) => c,
        Err(e) => return oauth_error(e),
    };
    let Some(app) = st.apps.get(&client_id).cloned() else {
        return oauth_error("invalid_client");
    };
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    match get("grant_type") {
        "authorization_code" => {
            if app.spec.kind == AppKind::Custom {
                return oauth_error("unauthorized_client");
            }
            let Some(rec) = st.codes.get(get("code")).cloned() else {
                return oauth_error("invalid_grant");
            };
            // Single use, 5 minutes, same client and redirect URI as at authorize.
            if rec.used
                || rec.client_id != client_id
                || now.saturating_sub(rec.issued_ms) > CODE_TTL_MS
                || get("redirect_uri") != rec.redirect_uri
            {
                return oauth_error("invalid_grant");
            }
            if let Some(challenge) = &rec.code_challenge {
                let verifier = get("code_verifier");
                if !verifier_ok(verifier) || URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
                    return oauth_error("invalid_grant");
                }
            }
            if let Some(c) = st.codes.get_mut(get("code")) {
                c.used = true;
            }
            st.grants.push(Grant {
                client_id: client_id.clone(),
                user_id: rec.user_id.clone(),
                scopes: rec.scopes.clone(),
                auth_event_id: rec.auth_event_id.clone(),
                session_id: rec.session_id.clone(),
                revoked: false,
            });
            let g = st.grants.len() - 1;
            issue(
                &shared,
                &mut st,
                Issue {
                    client_id: &client_id,
                    user_id: &rec.user_id,
                    scopes: &rec.scopes,
                    auth_event_id: &rec.auth_event_id,
                    session_id: &rec.session_id,
                    nonce: rec.nonce.as_deref(),
                    grant: Some(g),
                    custom: false,
                },
            )
        }
        "refresh_token" => {
            let rt = get("refresh_token").to_string();
            let Some(rec) = st.refresh.get(&rt).cloned() else {
                return oauth_error("invalid_grant");
            };
            let grant = st.grants[rec.grant].clone();
            // Refresh tokens belong to the client, not to a secret; but they die when
            // revoked, killed, idle 60 days, or 30 minutes after being rotated.
            if rec.dead
                || grant.revoked
                || grant.client_id != client_id
                || now.saturating_sub(rec.issued_ms) > REFRESH_IDLE_MS
                || rec.rotated_ms.is_some_and(|r| now.saturating_sub(r) > ROTATION_GRACE_MS)
            {
                return oauth_error("invalid_grant");
            }
            if let Some(r) = st.refresh.get_mut(&rt) {
                r.rotated_ms.get_or_insert(now);
            }
            issue(
                &shared,
                &mut st,
                Issue {
                    client_id: &client_id,
                    user_id: &grant.user_id,
                    scopes: &grant.scopes,
                    auth_event_id: &grant.auth_event_id,
                    session_id: &grant.session_id,
                    // The nonce belongs to the authentication, not to refreshes.
                    nonce: None,
                    grant: Some(rec.grant),
                    custom: false,
                },
            )
        }
        "client_credentials" => {
            // Only custom connections may use client_credentials.
            if app.spec.kind != AppKind::Custom {
                return oauth_error("unauthorized_client");
            }
            let requested = scopes::split(get("scope"));
            let granted: Vec<String> = if requested.is_empty() {
                scopes::CUSTOM_DEFAULT.iter().map(|s| s.to_string()).collect()
            } else if requested
                .iter()
                .any(|s| scopes::IDENTITY.contains(&s.as_str()) || !scopes::allowed(s, app.spec.created))
            {
                return oauth_error("invalid_scope");
            } else {
                requested
            };
            let session = ids::session_id();
            issue(
                &shared,
                &mut st,
                Issue {
                    client_id: &client_id,
                    user_id: &app.custom_user,
                    scopes: &granted,
                    auth_event_id: &app.custom_auth_event,
                    session_id: &session,
                    nonce: None,
                    grant: None,
                    custom: true,
                },
            )
        }
        "" => oauth_error("invalid_request"),
        _ => oauth_error("unsupported_grant_type"),
    }
}

/// POST /connect/revocation: revoking a refresh token ends its grant and drops all of
/// that user's connections to the app (docs/xero-platform.md §1). Unknown tokens get 200
/// too, as RFC 7009 asks.
pub(crate) async fn revocation(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    if !is_form(&headers) {
        return oauth_error("invalid_request");
    }
    let form = first_values(&body);
    let mut st = shared.lock();
    let client_id = match client_auth(&st, &headers, &form) {
        Ok(c) => c,
        Err(e) => return oauth_error(e),
    };
    let token = form.get("token").cloned().unwrap_or_default();
    if let Some(g) = st.refresh.get(&token).map(|r| r.grant) {
        if st.grants[g].client_id == client_id {
            st.grants[g].revoked = true;
            for r in st.refresh.values_mut().filter(|r| r.grant == g) {
                r.dead = true;
            }
            let user = st.grants[g].user_id.clone();
            st.conns.retain(|c| !(c.client_id == client_id && c.user_id == user));
        }
    }
    StatusCode::OK.into_response()
}

/// GET /.well-known/openid-configuration.
pub(crate) async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let b = &shared.base_url;
    Json(json!({
        "issuer": shared.issuer(),
        "jwks_uri": format!("{b}/.well-known/openid-configuration/jwks"),
        "authorization_endpoint": format!("{b}/identity/connect/authorize"),
        "token_endpoint": format!("{b}/connect/token"),
        "revocation_endpoint": format!("{b}/connect/revocation"),
        "scopes_supported": scopes::supported(),
        "claims_supported": ["sub", "xero_userid", "global_session_id", "sid", "email",
            "given_name", "family_name", "preferred_username", "authentication_event_id"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "request_parameter_supported": false,
    }))
    .into_response()
}

/// GET /.well-known/openid-configuration/jwks.
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.signer.jwks()).into_response()
}
