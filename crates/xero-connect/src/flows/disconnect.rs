//! Disconnect (the command line's `remove`): disconnect the connection's organisations at Xero
//! (`DELETE /connections/{id}`), or revoke the refresh token when nothing else shares it, then
//! delete the keychain entry and the settings entry. One verb throughout: the window's button,
//! the flow, the effect and the outcome all say disconnect.
//!
//! Organisations or an app shared with another saved connection are left connected, since
//! revoking would cut that connection off too. If Xero cannot be reached, nothing is removed
//! locally, so the user can simply try again.
//!
//! Revocation, the keychain delete and the settings update happen under the connection's
//! refresh lock (`tokens`), so a refresh in flight in another thread or program cannot store
//! rotated tokens after the entry was deleted, re-creating it for a connection that is gone.

use crate::context::Context;
use crate::error::{ErrorCode, Result};
use crate::oauth;
use crate::progress::{Progress, Step};
use crate::tenants;
use crate::tokens;
use serde::Serialize;

/// What disconnecting did at Xero.
#[derive(Debug, Clone, Serialize)]
pub struct DisconnectOutcome {
    /// The connection removed.
    pub name: String,
    /// Organisations disconnected at Xero.
    pub disconnected: Vec<String>,
    /// Whether the refresh token was revoked.
    pub revoked: bool,
    /// True when Xero had already dropped the authorisation.
    pub already_disconnected: bool,
}

/// Disconnects and forgets a connection; see the module documentation.
///
/// # Errors
/// `unknown_connection`; `no_network`, `xero_unavailable` or `rate_limited` when Xero cannot
/// be reached, and then nothing is removed here; `keychain_unavailable`, `settings_unavailable`.
pub async fn disconnect(ctx: &Context, name: &str, progress: &dyn Progress) -> Result<DisconnectOutcome> {
    let settings = ctx.settings.load()?;
    let conn = settings.get(name)?.clone();
    // Before anything is disconnected: the revocation at the end must be allowed to happen.
    ctx.endpoints.check_identity(&conn)?;
    let others: Vec<_> =
        settings.connections.iter().filter(|c| c.id != conn.id && c.client_id == conn.client_id).collect();
    let mut outcome = DisconnectOutcome {
        name: conn.name.clone(),
        disconnected: vec![],
        revoked: false,
        already_disconnected: false,
    };

    for org in &conn.organisations {
        if others.iter().any(|c| c.tenant_id.as_deref() == Some(org.tenant_id.as_str())) {
            continue;
        }
        progress.step(Step::Disconnecting { organisation: org.name.clone() });
        let result = tokens::with_token(ctx, &conn, progress, |token| {
            let (http, endpoints, id) = (ctx.http.clone(), ctx.endpoints.clone(), org.connection_id.clone());
            async move { tenants::delete_connection(&http, &endpoints, &token, &id).await }
        })
        .await;
        match result {
            Ok(()) => outcome.disconnected.push(org.name.clone()),
            // The grant is dead or the organisation already left: nothing remains at Xero.
            Err(e) if matches!(e.code(), ErrorCode::InvalidGrant | ErrorCode::OrganisationDisconnected) => {
                outcome.already_disconnected = true;
                break;
            }
            Err(e) => return Err(e),
        }
    }

    // Taken after the organisations were disconnected: those calls may refresh, under this lock.
    let _lock = tokens::lock(ctx, &conn, progress).await?;
    if others.is_empty() && !outcome.already_disconnected && conn.app_type != crate::domain::AppType::Custom {
        // Read under the lock: the newest refresh token, if another program just rotated it.
        let secrets = ctx.vault.load(&conn.id).await?;
        if let Some(rt) = &secrets.refresh_token {
            progress.step(Step::Revoking);
            let creds = tokens::app_credentials(ctx, &conn, &secrets)?;
            match oauth::revoke(&ctx.http, &ctx.endpoints, &creds, rt).await {
                Ok(()) => outcome.revoked = true,
                Err(e) if e.code() == ErrorCode::InvalidClient => {}
                Err(e) => return Err(e),
            }
        }
    }

    ctx.vault.delete(&conn.id).await?;
    ctx.settings.update(|s| {
        s.connections.retain(|c| c.id != conn.id);
        Ok(())
    })?;
    Ok(outcome)
}
