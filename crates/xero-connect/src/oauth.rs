//! Xero's OAuth 2.0 protocol on the `oauth2` crate: the authorize URL (with state, an OpenID
//! Connect nonce, and PKCE S256 for desktop apps), the credential check before the browser
//! opens, code exchange, refresh, client_credentials and revocation.
//!
//! Web apps authenticate with HTTP Basic; PKCE apps send only `client_id` in the body. Token
//! endpoint failures become the core's error codes here; the server's body is never copied into
//! a message.

use crate::domain::{AppType, RedirectUri};
use crate::endpoints::Endpoints;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{blocked_by_network, is_web_page, rate_limit_error, transport_error, without_controls};
use crate::secret::Secret;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, RevocationUrl,
    Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The app's credentials as the token endpoint needs them.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    /// The kind of app.
    pub app_type: AppType,
    /// The Client ID.
    pub client_id: String,
    /// The client secret (web apps and custom connections).
    pub client_secret: Option<Secret>,
}

/// Tokens from one token-endpoint answer.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The access token (30 minutes at Xero).
    pub access_token: Secret,
    /// When it expires, in seconds since the Unix epoch.
    pub expires_at: u64,
    /// The rotated refresh token (absent for custom connections).
    pub refresh_token: Option<Secret>,
    /// The id_token, when `openid` was granted: read once for the user's email.
    pub id_token: Option<Secret>,
    /// The scopes granted.
    pub scopes: Vec<String>,
}

/// An authorize request in flight: the URL to open and what must be kept to finish it.
#[derive(Debug)]
pub struct AuthorizeRequest {
    /// The URL of Xero's consent page.
    pub url: String,
    /// The `state` the callback must carry back.
    pub state: String,
    /// The OpenID Connect `nonce` the id_token must carry back: the one binding between this
    /// request and the tokens that web apps have (Xero documents PKCE for desktop apps only).
    pub nonce: String,
    /// The PKCE verifier (desktop apps).
    pub pkce_verifier: Option<Secret>,
    /// The redirect URI sent, which the code exchange must repeat.
    pub redirect_uri: RedirectUri,
}

/// The token answer's OpenID Connect field. A plain string because the oauth2 crate needs the
/// field (de)serialisable; it becomes a [`Secret`] at once, and its `Debug` never shows it.
#[derive(Clone, Serialize, Deserialize)]
struct XeroTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}
impl ExtraTokenFields for XeroTokenFields {}

impl std::fmt::Debug for XeroTokenFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XeroTokenFields").field("id_token", &self.id_token.as_ref().map(|_| "[redacted]")).finish()
    }
}

type XeroTokenResponse = StandardTokenResponse<XeroTokenFields, BasicTokenType>;
type XeroClient = oauth2::Client<
    BasicErrorResponse,
    XeroTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointSet,
>;

fn client(endpoints: &Endpoints, creds: &AppCredentials) -> Result<XeroClient> {
    let bad = |what: &str| Error::invalid_input(format!("The {what} URL is not valid: check the XERO_*_URL settings."));
    let mut c = oauth2::Client::new(ClientId::new(creds.client_id.clone()))
        .set_auth_uri(AuthUrl::new(endpoints.authorize()).map_err(|_| bad("authorize"))?)
        .set_token_uri(TokenUrl::new(endpoints.token()).map_err(|_| bad("token"))?)
        .set_revocation_url(RevocationUrl::new(endpoints.revocation()).map_err(|_| bad("revocation"))?);
    match (&creds.client_secret, creds.app_type) {
        (Some(secret), AppType::Web | AppType::Custom) => {
            c = c.set_client_secret(ClientSecret::new(secret.expose().to_string())).set_auth_type(AuthType::BasicAuth);
        }
        _ => c = c.set_auth_type(AuthType::RequestBody),
    }
    Ok(c)
}

/// Builds Xero's consent URL with a fresh `state`, a fresh `nonce` (256 random bits: OpenID
/// Connect Core §3.1.2.1; RFC 9700 §4.5.3.2 names it a defence against code injection) and, for
/// desktop apps, a PKCE challenge.
pub fn authorize_url(
    endpoints: &Endpoints,
    creds: &AppCredentials,
    redirect_uri: &RedirectUri,
    scopes: &[String],
) -> Result<AuthorizeRequest> {
    let redirect = RedirectUrl::new(redirect_uri.as_str().to_string())
        .map_err(|_| Error::invalid_input("The redirect URI is not a valid URL."))?;
    let c = client(endpoints, creds)?.set_redirect_uri(redirect);
    let nonce = CsrfToken::new_random_len(32).secret().clone();
    let mut req = c
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())))
        .add_extra_param("nonce", nonce.clone());
    let mut verifier = None;
    if creds.app_type == AppType::Pkce {
        let (challenge, v) = PkceCodeChallenge::new_random_sha256();
        req = req.set_pkce_challenge(challenge);
        verifier = Some(Secret::new(v.secret().clone()));
    }
    let (url, state) = req.url();
    Ok(AuthorizeRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce,
        pkce_verifier: verifier,
        redirect_uri: redirect_uri.clone(),
    })
}

/// Proves the Client ID (and, for web apps, the secret) before the user is sent to Xero: one
/// token request carrying an authorization code that cannot exist. Xero's identity server
/// authenticates the client before it looks at the grant (docs/xero-platform.md §9), so
/// `invalid_grant` means the credentials were accepted and `invalid_client` means they were not;
/// `unauthorized_client` means the app is of another type. A mobile or desktop app sends its
/// Client ID alone (and a well-formed verifier), which tells an unknown Client ID apart.
///
/// # Errors
/// `invalid_client` (saying what to check for this app type), `wrong_app_type`, `no_network`,
/// `rate_limited`, `xero_unavailable`. Any other answer is not held against the credentials:
/// the real exchange will tell.
pub async fn check_credentials(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    creds: &AppCredentials,
    redirect_uri: &RedirectUri,
) -> Result<()> {
    match token_endpoint_verdict(http, endpoints, creds, redirect_uri).await? {
        Verdict::Accepted => Ok(()),
        Verdict::WrongAppType => Err(Error::wrong_app_type()),
        // A Client ID with a secret refused may be a mobile or desktop app's, which has none:
        // then the fix is the app type, not the secret.
        Verdict::Refused if creds.client_secret.is_some() && is_public_client(http, endpoints, creds).await => {
            Err(Error::wrong_app_type())
        }
        Verdict::Refused => Err(creds.app_type.credentials_refused()),
    }
}

/// True when Xero accepts the Client ID alone, as it does a mobile or desktop app's (PKCE).
pub(crate) async fn is_public_client(http: &reqwest::Client, endpoints: &Endpoints, creds: &AppCredentials) -> bool {
    let public = AppCredentials { app_type: AppType::Pkce, client_id: creds.client_id.clone(), client_secret: None };
    let any_loopback = RedirectUri::default_uri();
    matches!(token_endpoint_verdict(http, endpoints, &public, &any_loopback).await, Ok(Verdict::Accepted))
}

/// What the token endpoint says of a client, asked with an authorization code that cannot exist.
enum Verdict {
    /// The client was authenticated (the grant was then refused, as it must be).
    Accepted,
    /// `invalid_client`.
    Refused,
    /// `unauthorized_client`: the client may not use the authorization code grant.
    WrongAppType,
}

async fn token_endpoint_verdict(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    creds: &AppCredentials,
    redirect_uri: &RedirectUri,
) -> Result<Verdict> {
    let bogus_code = format!("credential-check-{}", CsrfToken::new_random().secret());
    let verifier = PkceCodeChallenge::new_random_sha256().1;
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", bogus_code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
    ];
    if creds.client_secret.is_none() {
        form.push(("code_verifier", verifier.secret()));
    }
    let (status, body) = post_as_client(http, &endpoints.token(), creds, form).await?;
    if status.is_server_error() {
        return Err(Error::xero_unavailable(&format!("HTTP {}", status.as_u16())));
    }
    Ok(match body.get("error").and_then(|e| e.as_str()) {
        Some("invalid_client") => Verdict::Refused,
        Some("unauthorized_client") => Verdict::WrongAppType,
        _ => Verdict::Accepted,
    })
}

/// A form POST to an identity endpoint, authenticated as the app: HTTP Basic with the secret
/// when it has one, else its `client_id` in the body (docs/xero-platform.md §2). Answers the
/// status and the JSON body (`null` when there is none); a 429 is the rate-limit error.
async fn post_as_client(
    http: &reqwest::Client,
    url: &str,
    creds: &AppCredentials,
    mut form: Vec<(&str, &str)>,
) -> Result<(reqwest::StatusCode, serde_json::Value)> {
    let mut req = http.post(url);
    match &creds.client_secret {
        Some(secret) => req = req.basic_auth(&creds.client_id, Some(secret.expose())),
        None => form.push(("client_id", &creds.client_id)),
    }
    let resp = req.form(&form).send().await.map_err(|e| transport_error(&e))?;
    let (status, headers) = (resp.status(), resp.headers().clone());
    crate::clock::observe(&headers);
    if status.as_u16() == 429 {
        return Err(rate_limit_error(&headers));
    }
    let body = resp.bytes().await.map_err(|e| transport_error(&e))?;
    // A web page is an edge or proxy answering, never a verdict on the credentials.
    if is_web_page(&headers, &body)
        || (status.as_u16() == 403 && serde_json::from_slice::<serde_json::Value>(&body).is_err())
    {
        return Err(blocked_by_network(status, &body));
    }
    Ok((status, serde_json::from_slice(&body).unwrap_or_default()))
}

/// Exchanges the authorization code from the callback for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    creds: &AppCredentials,
    request: &AuthorizeRequest,
    code: &Secret,
) -> Result<TokenSet> {
    let redirect = RedirectUrl::new(request.redirect_uri.as_str().to_string())
        .map_err(|_| Error::invalid_input("The redirect URI is not a valid URL."))?;
    let c = client(endpoints, creds)?.set_redirect_uri(redirect);
    let mut req = c.exchange_code(AuthorizationCode::new(code.expose().to_string()));
    if let Some(v) = &request.pkce_verifier {
        req = req.set_pkce_verifier(PkceCodeVerifier::new(v.expose().to_string()));
    }
    let transport = transport(http);
    token_set(req.request_async(&transport).await)
}

/// Uses a refresh token; Xero rotates it, so the answer's refresh token replaces it.
pub async fn refresh(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    creds: &AppCredentials,
    refresh_token: &Secret,
) -> Result<TokenSet> {
    let c = client(endpoints, creds)?;
    let rt = RefreshToken::new(refresh_token.expose().to_string());
    let transport = transport(http);
    token_set(c.exchange_refresh_token(&rt).request_async(&transport).await)
}

/// A custom connection's token (client_credentials: no browser, no refresh token).
pub async fn client_credentials(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    creds: &AppCredentials,
) -> Result<TokenSet> {
    let c = client(endpoints, creds)?;
    let transport = transport(http);
    token_set(c.exchange_client_credentials().request_async(&transport).await)
}

/// Revokes a refresh token, which drops that user's connections to the app (RFC 7009).
///
/// Sent by hand rather than through `oauth2`, which refuses a plain-http revocation URL even
/// for the loopback simulator.
pub async fn revoke(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    creds: &AppCredentials,
    refresh_token: &Secret,
) -> Result<()> {
    let form = vec![("token", refresh_token.expose()), ("token_type_hint", "refresh_token")];
    let (status, body) = post_as_client(http, &endpoints.revocation(), creds, form).await?;
    if status.is_success() {
        return Ok(());
    }
    match body.get("error").and_then(|e| e.as_str()) {
        Some("invalid_client") => Err(Error::invalid_client()),
        _ => Err(Error::xero_unavailable(&format!("the revocation was refused with HTTP {}", status.as_u16()))),
    }
}

/// Why a token-endpoint request produced no usable HTTP answer.
#[derive(Debug)]
pub(crate) enum TransportError {
    /// No answer (connect failure, timeout, reset).
    Failed(Error),
    /// 429 at the token endpoint.
    RateLimited(Error),
    /// A 5xx answer.
    ServerError(u16),
}

impl TransportError {
    fn into_error(self) -> Error {
        match self {
            TransportError::Failed(e) => e,
            TransportError::RateLimited(e) => e,
            TransportError::ServerError(s) => Error::xero_unavailable(&format!("HTTP {s}")),
        }
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::Failed(e) => write!(f, "{e}"),
            TransportError::RateLimited(e) => write!(f, "{e}"),
            TransportError::ServerError(s) => write!(f, "HTTP {s}"),
        }
    }
}
impl std::error::Error for TransportError {}

/// The transport handed to `oauth2`. It owns a clone of the client (an `Arc` inside), so its
/// futures borrow nothing and stay `Send` for every lifetime, as spawned tasks require.
fn transport(
    http: &reqwest::Client,
) -> impl Fn(
    oauth2::HttpRequest,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, TransportError>> + Send>> {
    let http = http.clone();
    move |request| Box::pin(send(http.clone(), request))
}

/// reqwest without redirects; 429 and 5xx are turned into errors here, because `oauth2` would
/// otherwise report them only as unparseable bodies.
async fn send(http: reqwest::Client, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, TransportError> {
    let (parts, body) = request.into_parts();
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes()).expect("oauth2 uses standard methods");
    let mut rb = http.request(method, parts.uri.to_string()).body(body);
    for (name, value) in &parts.headers {
        rb = rb.header(name.as_str(), value.as_bytes());
    }
    let response = rb.send().await.map_err(|e| TransportError::Failed(transport_error(&e)))?;
    let status = response.status();
    let headers = response.headers().clone();
    crate::clock::observe(&headers);
    if status.as_u16() == 429 {
        return Err(TransportError::RateLimited(rate_limit_error(&headers)));
    }
    let bytes = response.bytes().await.map_err(|e| TransportError::Failed(transport_error(&e)))?;
    // Xero's edge answering a token request with an "Access Denied" page (issue 16).
    if is_web_page(&headers, &bytes)
        || (status.as_u16() == 403 && serde_json::from_slice::<serde_json::Value>(&bytes).is_err())
    {
        return Err(TransportError::Failed(blocked_by_network(status, &bytes)));
    }
    if status.is_server_error() {
        return Err(TransportError::ServerError(status.as_u16()));
    }
    let mut builder = oauth2::http::Response::builder().status(status.as_u16());
    for (name, value) in &headers {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    builder.body(bytes.to_vec()).map_err(|_| TransportError::Failed(Error::xero_unavailable("a malformed answer")))
}

type TokenResult = std::result::Result<XeroTokenResponse, RequestTokenError<TransportError, BasicErrorResponse>>;

/// The longest access-token lifetime believed: Xero issues 30 minutes (docs/xero-platform.md
/// §6). A longer one is not Xero's; one that overflows the clock would otherwise panic later.
pub(crate) const MAX_EXPIRES_IN_SECS: u64 = 24 * 60 * 60;

fn token_set(result: TokenResult) -> Result<TokenSet> {
    let response = result.map_err(token_error)?;
    let expires_in = response.expires_in().unwrap_or(Duration::from_secs(1800)).as_secs();
    if expires_in > MAX_EXPIRES_IN_SECS {
        return Err(Error::xero_unavailable("an access token said to last longer than a day"));
    }
    Ok(TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        expires_at: now_secs().saturating_add(expires_in),
        refresh_token: response.refresh_token().map(|r| Secret::new(r.secret().clone())),
        id_token: response.extra_fields().id_token.clone().map(Secret::new),
        // Scopes are shown and saved: no control characters (see `http::without_controls`).
        scopes: response
            .scopes()
            .map(|s| s.iter().map(|x| without_controls(x)).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default(),
    })
}

fn token_error(e: RequestTokenError<TransportError, BasicErrorResponse>) -> Error {
    match e {
        RequestTokenError::Request(t) => t.into_error(),
        RequestTokenError::ServerResponse(r) => match r.error() {
            BasicErrorResponseType::InvalidClient => Error::invalid_client(),
            BasicErrorResponseType::InvalidGrant => Error::invalid_grant(),
            BasicErrorResponseType::InvalidScope => Error::new(
                ErrorCode::ConsentFailed,
                "Xero refused the requested scopes for this app: check the scopes allowed in the developer portal.",
            ),
            BasicErrorResponseType::UnauthorizedClient => Error::wrong_app_type(),
            // An error code Xero does not document: only a short plain name is quoted, since
            // the rest is the server's text.
            other => {
                let code: String = other
                    .as_ref()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                    .take(40)
                    .collect();
                Error::xero_unavailable(&format!("token endpoint error {code}"))
            }
        },
        RequestTokenError::Parse(..) => Error::xero_unavailable("an unreadable answer from the token endpoint"),
        RequestTokenError::Other(_) => Error::xero_unavailable("an unexpected answer from the token endpoint"),
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(app_type: AppType) -> AppCredentials {
        AppCredentials {
            app_type,
            client_id: "0123456789ABCDEF0123456789ABCDEF".into(),
            client_secret: app_type.has_secret().then(|| Secret::new("s3cret")),
        }
    }

    #[test]
    fn authorize_url_carries_exact_redirect_scopes_state_and_pkce() {
        let uri = RedirectUri::parse("http://localhost:8749/callback").unwrap();
        let scopes = vec!["offline_access".to_string(), "accounting.settings.read".to_string()];
        let r = authorize_url(&Endpoints::production(), &creds(AppType::Pkce), &uri, &scopes).unwrap();
        let url = url::Url::parse(&r.url).unwrap();
        assert_eq!(url.as_str().split('?').next(), Some("https://login.xero.com/identity/connect/authorize"));
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "0123456789ABCDEF0123456789ABCDEF");
        assert_eq!(q["redirect_uri"], "http://localhost:8749/callback");
        assert_eq!(q["scope"], "offline_access accounting.settings.read");
        assert_eq!(q["state"], r.state);
        assert!(r.state.len() >= 16);
        assert_eq!(q["code_challenge_method"], "S256");
        assert!(r.pkce_verifier.is_some());
        assert!(!r.url.contains("s3cret"));

        let web = authorize_url(&Endpoints::production(), &creds(AppType::Web), &uri, &scopes).unwrap();
        assert!(web.pkce_verifier.is_none());
        assert!(!web.url.contains("code_challenge"));
        assert_ne!(web.state, r.state, "state is fresh every time");
        let wq: std::collections::HashMap<_, _> =
            url::Url::parse(&web.url).unwrap().query_pairs().into_owned().collect();
        assert_eq!(wq["nonce"], web.nonce, "web apps send a nonce too");
        assert_eq!(q["nonce"], r.nonce);
        assert!(web.nonce.len() >= 43, "at least 256 bits, base64url: {}", web.nonce);
        assert_ne!(web.nonce, r.nonce, "the nonce is fresh every time");
    }

    #[test]
    fn token_errors_map_to_codes() {
        let server = |t: BasicErrorResponseType| {
            token_error(RequestTokenError::ServerResponse(BasicErrorResponse::new(t, None, None))).code()
        };
        assert_eq!(server(BasicErrorResponseType::InvalidClient), ErrorCode::InvalidClient);
        assert_eq!(server(BasicErrorResponseType::InvalidGrant), ErrorCode::InvalidGrant);
        assert_eq!(server(BasicErrorResponseType::UnauthorizedClient), ErrorCode::WrongAppType);
        let limited = TransportError::RateLimited(Error::rate_limited(5, None));
        assert_eq!(token_error(RequestTokenError::Request(limited)).retry_after_secs(), Some(5));
        assert_eq!(
            token_error(RequestTokenError::Request(TransportError::ServerError(503))).code(),
            ErrorCode::XeroUnavailable
        );
    }

    fn answer(fields: serde_json::Value) -> TokenResult {
        let mut v = serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 1800});
        v.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        Ok(serde_json::from_value(v).unwrap())
    }

    #[test]
    fn an_expiry_that_overflows_is_an_error_not_a_panic() {
        let e = token_set(answer(serde_json::json!({"expires_in": u64::MAX}))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::XeroUnavailable);
        let e = token_set(answer(serde_json::json!({"expires_in": 400_000_000_000u64}))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::XeroUnavailable, "a date past the year 9999 is refused too");
        let t = token_set(answer(serde_json::json!({"expires_in": 1800}))).unwrap();
        assert!(t.expires_at > now_secs() + 1700);
    }

    #[test]
    fn scopes_and_error_codes_from_xero_lose_their_control_characters() {
        let t = token_set(answer(serde_json::json!({"scope": "openid accounting.settings\u{1b}[31m \u{7}"}))).unwrap();
        assert_eq!(t.scopes, ["openid", "accounting.settings[31m"]);
        let odd = BasicErrorResponseType::Extension("slow_down\u{1b}]0;pwned\u{7}\nforged".into());
        let e = token_error(RequestTokenError::ServerResponse(BasicErrorResponse::new(odd, None, None)));
        assert!(!e.message().chars().any(char::is_control), "{:?}", e.message());
        assert!(e.message().contains("slow_down]0pwnedforged") || e.message().contains("slow_down"), "{e}");
    }

    #[test]
    fn the_id_token_never_shows_in_debug_output() {
        let id_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";
        let fields: XeroTokenFields = serde_json::from_str(&format!("{{\"id_token\":\"{id_token}\"}}")).unwrap();
        let shown = format!("{fields:?}");
        assert!(!shown.contains(id_token) && shown.contains("[redacted]"), "{shown}");
        let answer: XeroTokenResponse = serde_json::from_value(serde_json::json!({
            "access_token": "at-value", "token_type": "Bearer", "expires_in": 1800,
            "refresh_token": "rt-value", "id_token": id_token
        }))
        .unwrap();
        let shown = format!("{answer:?}");
        for secret in [id_token, "at-value", "rt-value"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
