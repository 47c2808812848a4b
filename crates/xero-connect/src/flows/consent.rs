//! Obtaining tokens and the organisations they reach: Xero's consent in the user's browser
//! (web and desktop apps), or client_credentials (custom connections).
//!
//! Everything that can fail before the consent is tried before the browser opens: the port is
//! bound (so a fast browser cannot beat it, and a busy port is found first) and the credentials
//! are proven at the token endpoint, so a wrong secret is never discovered only after the user
//! allowed access. After the exchange, the id_token must carry back this request's nonce, or the
//! tokens are revoked and nothing is kept (RFC 9700 §4.5: code injection).

use crate::connection::Organisation;
use crate::context::Context;
use crate::domain::{AppType, RedirectUri};
use crate::error::{Error, ErrorCode, Result};
use crate::jwt::{self, XeroUser};
use crate::loopback;
use crate::oauth::{self, AppCredentials, TokenSet};
use crate::paste::PastedAddresses;
use crate::progress::{Progress, Step};
use crate::tenants;
use std::future::Future;
use std::time::{Duration, Instant};

/// How the browser part behaves.
#[derive(Debug, Clone)]
pub struct ConsentOptions {
    /// How long to wait for Xero to send the browser back (default 5 minutes).
    pub timeout: Duration,
    /// Addresses a person pastes while the consent waits, from a browser on another device
    /// (none by default).
    pub pasted: PastedAddresses,
}

impl Default for ConsentOptions {
    fn default() -> Self {
        ConsentOptions { timeout: Duration::from_secs(300), pasted: PastedAddresses::default() }
    }
}

/// Tokens, organisations and user of one consent.
#[derive(Debug)]
pub(crate) struct Consented {
    pub tokens: TokenSet,
    pub organisations: Vec<Organisation>,
    pub user: Option<XeroUser>,
    /// When the callback arrived (browser consent only).
    pub callback_at: Option<Instant>,
}

/// Runs the consent (or client_credentials) and lists the organisations it authorised; a
/// failure says so when Xero's clock was seen far from this computer's.
pub(crate) async fn obtain(
    ctx: &Context,
    creds: &AppCredentials,
    redirect_uris: &[RedirectUri],
    scopes: &[String],
    options: &ConsentOptions,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<Consented> {
    obtain_tokens(ctx, creds, redirect_uris, scopes, options, progress, cancel).await.map_err(crate::clock::annotate)
}

async fn obtain_tokens(
    ctx: &Context,
    creds: &AppCredentials,
    redirect_uris: &[RedirectUri],
    scopes: &[String],
    options: &ConsentOptions,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<Consented> {
    if creds.app_type == AppType::Custom {
        progress.step(Step::RequestingToken);
        let tokens = match oauth::client_credentials(&ctx.http, &ctx.endpoints, creds).await {
            // A mobile or desktop app's Client ID entered as a custom connection.
            Err(e)
                if e.code() == ErrorCode::InvalidClient
                    && oauth::is_public_client(&ctx.http, &ctx.endpoints, creds).await =>
            {
                return Err(Error::wrong_app_type())
            }
            other => other?,
        };
        progress.step(Step::ListingOrganisations);
        let organisations = list_organisations(ctx, &tokens, None).await?;
        return Ok(Consented { tokens, organisations, user: None, callback_at: None });
    }

    let listener = loopback::bind(redirect_uris).await?;
    progress.step(Step::Listening { redirect_uri: listener.redirect_uri().as_str().to_string() });
    progress.step(Step::CheckingCredentials { with_secret: creds.client_secret.is_some() });
    oauth::check_credentials(&ctx.http, &ctx.endpoints, creds, listener.redirect_uri()).await?;
    // The nonce comes back only in an id_token, which needs `openid`: a web app always asks
    // for it. A mobile or desktop app's code is bound to this process by PKCE, which stops an
    // injected code by itself (RFC 9700 §4.5.3.1), so it asks for `openid` only when the scopes
    // list it (a vendor profile asks for exactly its own scopes).
    let mut scopes = scopes.to_vec();
    let check_nonce = creds.app_type == AppType::Web || scopes.iter().any(|s| s == "openid");
    if check_nonce && !scopes.iter().any(|s| s == "openid") {
        scopes.push("openid".into());
    }
    let request = oauth::authorize_url(&ctx.endpoints, creds, listener.redirect_uri(), &scopes)?;
    match ctx.browser.open(&request.url) {
        Ok(()) => progress.step(Step::BrowserOpened { url: request.url.clone() }),
        Err(reason) => {
            let reason = (!matches!(ctx.browser, crate::browser::Browser::Manual)).then_some(reason);
            progress.step(Step::OpenThisUrl { url: request.url.clone(), reason })
        }
    }
    progress.step(Step::WaitingForConsent { timeout_secs: options.timeout.as_secs() });
    let callback = listener.wait(&request.state, options.timeout, cancel, options.pasted.clone(), progress).await?;

    progress.step(Step::ExchangingCode);
    let tokens = oauth::exchange_code(&ctx.http, &ctx.endpoints, creds, &request, &callback.code).await?;
    let id_token = tokens.id_token.as_ref().map(|t| t.expose());
    if check_nonce
        && jwt::check_id_token(id_token, &creds.client_id, ctx.endpoints.identity_origin(), &request.nonce).is_err()
    {
        // Someone else's sign-in: its grant must not outlive this refusal (it may reach
        // another person's organisations through this app).
        if let Some(rt) = &tokens.refresh_token {
            let _ = oauth::revoke(&ctx.http, &ctx.endpoints, creds, rt).await;
        }
        return Err(Error::new(
            ErrorCode::AuthorizationMismatch,
            "Xero's answer did not come from the sign-in started here (its one-time check value did not match), \
             so it was refused: nothing was saved and the access it granted was revoked. Start again; if this \
             happens again, another person or program on this computer may be interfering with the sign-in.",
        ));
    }
    progress.step(Step::ListingOrganisations);
    let event = jwt::authentication_event_id(tokens.access_token.expose());
    let organisations = list_organisations(ctx, &tokens, event.as_deref()).await?;
    if organisations.is_empty() {
        return Err(Error::new(
            ErrorCode::ConsentFailed,
            "Access was allowed but no organisation was chosen on Xero's page: start again and tick at least one organisation.",
        ));
    }
    let user = tokens.id_token.as_ref().and_then(|t| jwt::user_from_id_token(t.expose(), &creds.client_id));
    Ok(Consented { tokens, organisations, user, callback_at: Some(callback.received_at) })
}

async fn list_organisations(ctx: &Context, tokens: &TokenSet, event: Option<&str>) -> Result<Vec<Organisation>> {
    tenants::list(&ctx.http, &ctx.endpoints, &tokens.access_token, event).await.map_err(|f| match f {
        crate::http::ApiFailure::Final(e) => e,
        crate::http::ApiFailure::TokenRejected => Error::xero_unavailable("Xero refused the token it had just issued"),
    })
}
