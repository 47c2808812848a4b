//! Keeping a connection's access token valid: refresh shortly before expiry, and once after an
//! API 401, single-flight across threads and processes.
//!
//! A refresh holds an exclusive file lock per connection and re-reads the keychain after taking
//! it, so twenty processes with an expired token cause one refresh at Xero. The rotated refresh
//! token is stored before the new access token is used (Xero rotates on every use); on
//! `invalid_grant` the keychain is read again, because another program may have rotated it.

use crate::context::Context;
use crate::error::{Error, ErrorCode, Result};
use crate::http::ApiFailure;
use crate::oauth::{self, now_secs, AppCredentials, TokenSet};
use crate::progress::{Progress, Step};
use crate::registration::AppType;
use crate::registry::Connection;
use crate::secret::Secret;
use crate::vault::{Slot, StoredAccessToken};
use std::future::Future;

/// Refresh when less than this many seconds are left, so a token never expires mid-call.
pub const REFRESH_MARGIN_SECS: u64 = 120;

fn is_fresh(t: &StoredAccessToken, now: u64) -> bool {
    t.expires_at > now + REFRESH_MARGIN_SECS
}

/// The app credentials of a saved connection, with its secret from the keychain.
pub async fn app_credentials(ctx: &Context, conn: &Connection) -> Result<AppCredentials> {
    let client_secret = if conn.app_type.has_secret() {
        let secret = ctx.vault.get(&conn.id, Slot::ClientSecret).await?.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidClient,
                "This connection's client secret is missing from the keychain: reconnect with the app's secret.",
            )
        })?;
        Some(secret)
    } else {
        None
    };
    Ok(AppCredentials { app_type: conn.app_type, client_id: conn.client_id.clone(), client_secret })
}

/// A valid access token, refreshed if it expires within [`REFRESH_MARGIN_SECS`].
pub async fn access_token(ctx: &Context, conn: &Connection, progress: &dyn Progress) -> Result<StoredAccessToken> {
    if let Some(t) = ctx.vault.access_token(&conn.id).await? {
        if is_fresh(&t, now_secs()) {
            return Ok(t);
        }
    }
    refresh(ctx, conn, None, progress).await
}

/// Refreshes under the connection's lock. `rejected` is a token Xero refused: if the stored
/// token is still that one, it is replaced even if not yet expired.
pub async fn refresh(
    ctx: &Context,
    conn: &Connection,
    rejected: Option<&Secret>,
    progress: &dyn Progress,
) -> Result<StoredAccessToken> {
    let _lock = lock(ctx, conn).await?;
    // Another thread or process may have refreshed while we waited for the lock.
    if let Some(t) = ctx.vault.access_token(&conn.id).await? {
        let was_rejected = rejected.is_some_and(|r| r.same_as(&t.token));
        if is_fresh(&t, now_secs()) && !was_rejected {
            return Ok(t);
        }
    }
    progress.step(Step::Refreshing);
    let creds = app_credentials(ctx, conn).await?;
    let tokens = if conn.app_type == AppType::Custom {
        oauth::client_credentials(&ctx.http, &ctx.endpoints, &creds).await?
    } else {
        refresh_with_stored_token(ctx, conn, &creds).await?
    };
    store_tokens(ctx, &conn.id, &tokens).await?;
    Ok(StoredAccessToken { token: tokens.access_token, expires_at: tokens.expires_at })
}

async fn refresh_with_stored_token(ctx: &Context, conn: &Connection, creds: &AppCredentials) -> Result<TokenSet> {
    let used = ctx.vault.get(&conn.id, Slot::RefreshToken).await?.ok_or_else(Error::invalid_grant)?;
    match oauth::refresh(&ctx.http, &ctx.endpoints, creds, &used).await {
        Err(e) if e.code() == ErrorCode::InvalidGrant => {
            // Rotated by a program that did not take our lock (or a lost race): try the
            // newest stored token once before declaring that consent is needed.
            match ctx.vault.get(&conn.id, Slot::RefreshToken).await? {
                Some(newer) if !newer.same_as(&used) => oauth::refresh(&ctx.http, &ctx.endpoints, creds, &newer).await,
                _ => Err(e),
            }
        }
        other => other,
    }
}

/// Stores a token answer: the rotated refresh token first, then the access token.
pub(crate) async fn store_tokens(ctx: &Context, connection_id: &str, tokens: &TokenSet) -> Result<()> {
    if let Some(rt) = &tokens.refresh_token {
        ctx.vault.set(connection_id, Slot::RefreshToken, rt).await?;
    }
    ctx.vault.set_access_token(connection_id, &tokens.access_token, tokens.expires_at).await
}

/// The per-connection refresh lock (a file lock: it spans threads and processes alike).
pub(crate) async fn lock(ctx: &Context, conn: &Connection) -> Result<std::fs::File> {
    let registry = ctx.registry.clone();
    let name = format!("refresh-{}.lock", conn.id);
    tokio::task::spawn_blocking(move || registry.lock_file(&name))
        .await
        .unwrap_or_else(|_| Err(Error::settings("Could not take the refresh lock.")))
}

/// Runs an API call with a valid token; after a 401 for the token it refreshes once and
/// retries once (Xero's `TokenExpired`).
pub(crate) async fn with_token<T, F, Fut>(
    ctx: &Context,
    conn: &Connection,
    progress: &dyn Progress,
    call: F,
) -> Result<T>
where
    F: Fn(Secret) -> Fut,
    Fut: Future<Output = std::result::Result<T, ApiFailure>>,
{
    let token = access_token(ctx, conn, progress).await?.token;
    match call(token.clone()).await {
        Ok(v) => Ok(v),
        Err(ApiFailure::Final(e)) => Err(e),
        Err(ApiFailure::TokenRejected) => {
            let fresh = refresh(ctx, conn, Some(&token), progress).await?.token;
            match call(fresh).await {
                Ok(v) => Ok(v),
                Err(ApiFailure::Final(e)) => Err(e),
                Err(ApiFailure::TokenRejected) => Err(Error::new(
                    ErrorCode::InvalidGrant,
                    "Xero refused this connection's access even after a refresh: reconnect and allow access again.",
                )),
            }
        }
    }
}
