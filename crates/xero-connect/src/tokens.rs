//! Keeping a connection's access token valid: refresh shortly before expiry, and once after an
//! API 401, single-flight across threads and processes.
//!
//! A refresh holds an exclusive file lock per connection and re-reads the keychain after taking
//! it, so twenty processes with an expired token cause one refresh at Xero. The rotated refresh
//! token is stored before the new access token is used (Xero rotates on every use); on
//! `invalid_grant` the keychain is read again, because another program may have rotated it.

use crate::connection::Connection;
use crate::context::Context;
use crate::domain::AppType;
use crate::error::{Error, ErrorCode, Result};
use crate::http::ApiFailure;
use crate::oauth::{self, now_secs, AppCredentials, TokenSet};
use crate::progress::{Progress, Step};
use crate::secret::Secret;
use crate::vault::{Secrets, StoredAccessToken};
use std::future::Future;
use std::time::{Duration, Instant};

/// Refresh when less than this many seconds are left, so a token never expires mid-call.
pub const REFRESH_MARGIN_SECS: u64 = 120;

fn is_fresh(t: &StoredAccessToken, now: u64) -> bool {
    t.expires_at > now + REFRESH_MARGIN_SECS
}

/// The app credentials of a saved connection, with its secret from the keychain record: what
/// every refresh, revocation and renewed consent sends, so the identity host is checked here
/// ([`crate::endpoints::Endpoints::check_identity`]).
pub(crate) fn app_credentials(ctx: &Context, conn: &Connection, secrets: &Secrets) -> Result<AppCredentials> {
    ctx.endpoints.check_identity(conn)?;
    let client_secret = if conn.app_type.has_secret() {
        let secret = secrets.client_secret.clone().ok_or_else(|| {
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
    if let Some(t) = ctx.vault.load(&conn.id).await?.access_token {
        if is_fresh(&t, now_secs()) {
            return Ok(t);
        }
    }
    refresh(ctx, conn, Why::Expiring, progress).await
}

/// Why a refresh is asked for.
#[derive(Debug, Clone, Copy)]
pub enum Why<'a> {
    /// The access token expires soon: a token another process refreshed meanwhile will do.
    Expiring,
    /// Xero refused this token: replaced even if not yet expired, unless another process
    /// already replaced it.
    Rejected(&'a Secret),
    /// Renew the authorisation now, whatever the access token's state (a scheduler keeping an
    /// idle connection alive: its refresh token's 60 idle days start again).
    Renew,
}

/// Refreshes under the connection's lock (see [`Why`]).
///
/// # Errors
/// `invalid_grant` (consent needed again), `invalid_client`, `refresh_in_progress`,
/// `rate_limited`, `xero_unavailable`, `no_network`, `keychain_unavailable`.
pub async fn refresh(
    ctx: &Context,
    conn: &Connection,
    why: Why<'_>,
    progress: &dyn Progress,
) -> Result<StoredAccessToken> {
    let _lock = lock(ctx, conn, progress).await?;
    // Another thread or process may have refreshed while we waited for the lock.
    let mut secrets = ctx.vault.load(&conn.id).await?;
    if let Some(t) = &secrets.access_token {
        let still_good = match why {
            Why::Expiring => is_fresh(t, now_secs()),
            Why::Rejected(r) => is_fresh(t, now_secs()) && !r.same_as(&t.token),
            Why::Renew => false,
        };
        if still_good {
            return Ok(t.clone());
        }
    }
    progress.step(Step::Refreshing);
    let creds = app_credentials(ctx, conn, &secrets)?;
    let tokens = if conn.app_type == AppType::Custom {
        oauth::client_credentials(&ctx.http, &ctx.endpoints, &creds).await?
    } else {
        match refresh_with_stored_token(ctx, conn, &creds, &mut secrets).await {
            Ok(t) => t,
            Err(e) if e.unanswered() => {
                // Xero may have rotated the refresh token and its answer been lost: the old one
                // is kept (never deleted), and Xero accepts it again for 30 minutes
                // (docs/xero-platform.md §6). Noted, so a later refusal can say why.
                note_unanswered(ctx, &conn.id);
                return Err(e.with_note(
                    "The refresh may have reached Xero without its answer arriving here; the previous authorisation \
                     is kept, and Xero accepts it again for 30 minutes, so try again now.",
                ));
            }
            Err(e) => return Err(e),
        }
    };
    // The rotated refresh token and the new access token are written together, before the
    // access token is handed out.
    apply(&mut secrets, &tokens);
    ctx.vault.save(&conn.id, &secrets).await?;
    if tokens.refresh_token.is_some() {
        record_refresh(ctx, &conn.id);
    }
    Ok(StoredAccessToken { token: tokens.access_token, expires_at: tokens.expires_at })
}

/// Notes in the settings that Xero issued a new refresh token now, on this computer: its 60
/// idle days start again (`Connection::validity`), and an earlier lost answer no longer matters.
/// The tokens are already stored, so a settings file that cannot be written costs only this
/// record, which the next refresh writes again; it does not fail the refresh.
fn record_refresh(ctx: &Context, id: &str) {
    let _ = ctx.settings.update(|s| {
        if let Some(c) = s.connections.iter_mut().find(|c| c.id == id) {
            c.refreshed_at = Some(crate::connection::timestamp_now());
            c.refreshed_on = Some(crate::connection::this_computer());
            c.refresh_unanswered_at = None;
        }
        Ok(())
    });
}

/// Notes that a refresh was sent and its answer lost (kept until one is answered).
fn note_unanswered(ctx: &Context, id: &str) {
    let _ = ctx.settings.update(|s| {
        if let Some(c) = s.connections.iter_mut().find(|c| c.id == id) {
            c.refresh_unanswered_at.get_or_insert_with(crate::connection::timestamp_now);
        }
        Ok(())
    });
}

/// Xero refused the refresh token: why, when the settings know more than Xero says — an
/// earlier refresh whose answer was lost (its 30-minute grace ran out), or another computer
/// sharing this connection through a roaming profile that refreshed it since.
fn explain_invalid_grant(ctx: &Context, conn: &Connection, e: Error) -> Error {
    let Some(now) = ctx.settings.load().ok().and_then(|s| s.connections.into_iter().find(|c| c.id == conn.id)) else {
        return e;
    };
    if let Some(at) = &now.refresh_unanswered_at {
        return Error::new(
            ErrorCode::InvalidGrant,
            format!(
                "Xero no longer accepts this connection's authorisation: an earlier refresh (at {at}) did not get \
                 Xero's answer, so the renewed authorisation never arrived here, and Xero stops accepting the \
                 previous one 30 minutes after such a refresh. Reconnect and allow access again."
            ),
        );
    }
    let here = crate::connection::this_computer();
    match (&now.refreshed_on, &now.refreshed_at) {
        (Some(other), Some(at)) if !other.eq_ignore_ascii_case(&here) => Error::new(
            ErrorCode::InvalidGrant,
            format!(
                "Xero no longer accepts the authorisation this computer holds: another computer ({other}) refreshed \
                 this connection at {at} (a roaming profile shares it), which retired this computer's copy. \
                 Reconnect here, and use each connection from one computer at a time."
            ),
        ),
        _ => e,
    }
}

async fn refresh_with_stored_token(
    ctx: &Context,
    conn: &Connection,
    creds: &AppCredentials,
    secrets: &mut Secrets,
) -> Result<TokenSet> {
    let used = secrets.refresh_token.clone().ok_or_else(Error::invalid_grant)?;
    match oauth::refresh(&ctx.http, &ctx.endpoints, creds, &used).await {
        Err(e) if e.code() == ErrorCode::InvalidGrant => {
            // Rotated by a program that did not take our lock (or a lost race): try the
            // newest stored token once before declaring that consent is needed.
            let newer = ctx.vault.load(&conn.id).await?;
            match newer.refresh_token.clone() {
                Some(rt) if !rt.same_as(&used) => {
                    *secrets = newer;
                    match oauth::refresh(&ctx.http, &ctx.endpoints, creds, &rt).await {
                        Err(e) if e.code() == ErrorCode::InvalidGrant => Err(explain_invalid_grant(ctx, conn, e)),
                        other => other,
                    }
                }
                _ => Err(explain_invalid_grant(ctx, conn, e)),
            }
        }
        other => other,
    }
}

/// Puts a token answer into a connection's secrets (a custom connection has no refresh token,
/// so the old value, if any, stays).
pub(crate) fn apply(secrets: &mut Secrets, tokens: &TokenSet) {
    if let Some(rt) = &tokens.refresh_token {
        secrets.refresh_token = Some(rt.clone());
    }
    secrets.access_token =
        Some(StoredAccessToken { token: tokens.access_token.clone(), expires_at: tokens.expires_at });
}

/// The longest wait for another process's refresh of the same connection: the holder's own
/// worst case under the lock — three keychain operations (read, read again after a rotated
/// token was refused, write), two requests to Xero (the refresh and its one retry), the
/// settings lock for the refresh date — and a margin. A holder that takes longer is hung;
/// a holder that is stopped (Ctrl-Z) is noticed sooner where the system tells (Linux).
pub const REFRESH_LOCK_WAIT: Duration = Duration::from_secs(
    3 * crate::vault::KEYCHAIN_TIMEOUT.as_secs()
        + 2 * crate::http::REQUEST_TIMEOUT.as_secs()
        + crate::settings::SETTINGS_LOCK_WAIT.as_secs()
        + 5,
);

/// The per-connection refresh lock (a file lock: it spans threads and processes alike), with
/// the holder's process ID written in it so a waiter can tell a stopped holder. When another
/// process holds it, says so through `progress` and waits at most [`REFRESH_LOCK_WAIT`], less
/// when the holder is stopped; dropping the future stops the wait (the window's Cancel).
///
/// # Errors
/// `refresh_in_progress` when the wait runs out or the holder is stopped;
/// `settings_unavailable` when the lock file cannot be used.
pub(crate) async fn lock(ctx: &Context, conn: &Connection, progress: &dyn Progress) -> Result<std::fs::File> {
    let name = format!("refresh-{}.lock", conn.id);
    let deadline = Instant::now() + REFRESH_LOCK_WAIT;
    let mut said = false;
    loop {
        if let Some(file) = ctx.settings.try_lock_file(&name)? {
            write_holder(&file);
            return Ok(file);
        }
        if !said {
            progress.step(Step::WaitingForOtherRefresh { timeout_secs: REFRESH_LOCK_WAIT.as_secs() });
            said = true;
        }
        if let Some(pid) = stopped_holder(&ctx.settings.dir().join(&name)) {
            return Err(Error::new(
                ErrorCode::RefreshInProgress,
                format!(
                    "Another copy of this program (process {pid}) holds the refresh lock of \"{}\" and is stopped \
                     (for example with Ctrl-Z in a terminal): resume it (fg) or end it, then try again.",
                    conn.name
                ),
            ));
        }
        if Instant::now() >= deadline {
            return Err(Error::new(
                ErrorCode::RefreshInProgress,
                format!(
                    "Another copy of this program has been refreshing the tokens of \"{}\" for over {} seconds and \
                     still holds its lock (it may be hung or stopped, for example with Ctrl-Z in a terminal): let it \
                     finish or end it, then try again.",
                    conn.name,
                    REFRESH_LOCK_WAIT.as_secs()
                ),
            ));
        }
        tokio::time::sleep(crate::settings::LOCK_POLL * 2).await;
    }
}

/// Writes this process's ID into the lock it now holds (best effort: only a waiter's early
/// notice of a stopped holder depends on it).
fn write_holder(file: &std::fs::File) {
    use std::io::Write;
    let _ = file.set_len(0);
    let _ = (&*file).write_all(std::process::id().to_string().as_bytes());
}

/// The holder's process ID when the system says that process is stopped (Linux: state `T` in
/// `/proc/PID/stat`); `None` when it runs, or when this cannot be told.
fn stopped_holder(lock: &std::path::Path) -> Option<u32> {
    let pid: u32 = std::fs::read_to_string(lock).ok()?.trim().parse().ok()?;
    if cfg!(target_os = "linux") {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // `PID (COMMAND) STATE …`: the command may contain spaces and parentheses.
        let state = stat.rsplit_once(')')?.1.split_whitespace().next()?;
        return matches!(state, "T" | "t").then_some(pid);
    }
    None
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
            let fresh = refresh(ctx, conn, Why::Rejected(&token), progress).await?.token;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_for_another_refresh_outlasts_the_holders_own_deadlines() {
        let holder_worst_case =
            3 * crate::vault::KEYCHAIN_TIMEOUT + 2 * crate::http::REQUEST_TIMEOUT + crate::settings::SETTINGS_LOCK_WAIT;
        assert!(REFRESH_LOCK_WAIT > holder_worst_case, "{REFRESH_LOCK_WAIT:?} <= {holder_worst_case:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_stopped_holder_is_told_from_a_running_one() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("refresh-x.lock");
        let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
        std::fs::write(&lock, child.id().to_string()).unwrap();
        assert_eq!(stopped_holder(&lock), None, "running");
        let kill = |sig: &str| std::process::Command::new("kill").args([sig, &child.id().to_string()]).status();
        assert!(kill("-STOP").unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(5);
        while stopped_holder(&lock).is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(stopped_holder(&lock), Some(child.id()));
        child.kill().unwrap();
        child.wait().unwrap();
        std::fs::write(&lock, "not a pid").unwrap();
        assert_eq!(stopped_holder(&lock), None);
    }
}
