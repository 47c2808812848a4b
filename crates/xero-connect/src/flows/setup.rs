//! First setup: checked credentials → consent (or client_credentials) → secrets in the
//! keychain → the connection in the settings file.
//!
//! Everything that can be checked locally is checked before anything is sent to Xero: the
//! name, the credentials, the keychain. If saving fails half-way, what was written is removed.

use super::consent::{self, ConsentOptions};
use crate::connection::{timestamp_now, Connection};
use crate::context::Context;
use crate::credentials::CredentialCheck;
use crate::domain::check_name;
use crate::domain::{AppType, RedirectUri};
use crate::error::{Error, ErrorCode, Remedy, Result};
use crate::oauth::AppCredentials;
use crate::progress::{Progress, Step};
use crate::scopes;
use crate::tenants;
use crate::vault::Secrets;
use std::future::Future;

/// What first setup needs.
#[derive(Debug)]
pub struct SetupRequest {
    /// The connection's name.
    pub name: String,
    /// The kind of app created in the portal.
    pub app_type: AppType,
    /// The pasted credentials, already checked.
    pub credentials: CredentialCheck,
    /// Scopes to ask for.
    pub scopes: Vec<String>,
    /// Registered redirect URIs, in order of preference.
    pub redirect_uris: Vec<RedirectUri>,
    /// Which organisation to use when several are authorised (name or tenant ID).
    pub tenant: Option<String>,
    /// Browser and timeout.
    pub consent: ConsentOptions,
    /// The vendor profile in force, recorded in the connection.
    pub profile: Option<crate::profile::ProfileRef>,
}

/// The saved connection.
#[derive(Debug, Clone)]
pub struct SetupOutcome {
    /// As saved.
    pub connection: Connection,
}

/// Runs first setup; see the module documentation. `cancel` ends the wait for Xero's answer.
///
/// # Errors
/// Before anything is sent: `invalid_input` (name), `connection_exists`, `credential_problem`,
/// `keychain_unavailable`, `port_busy`. Before the browser opens: `invalid_client`,
/// `wrong_app_type`, `no_network`. At consent: `consent_denied`, `consent_timeout`,
/// `consent_failed`, `cancelled`, `authorization_mismatch`. After it:
/// `organisation_choice_needed` or `unknown_organisation` (the connection is saved, the
/// organisation not chosen), `settings_unavailable` (nothing is kept).
pub async fn setup(
    ctx: &Context,
    req: SetupRequest,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<SetupOutcome> {
    check_name(&req.name)?;
    if ctx.settings.load()?.find(&req.name).is_some() {
        return Err(exists(&req.name));
    }
    let creds = checked_credentials(req.app_type, req.credentials, progress)?;
    for (broad, granular) in scopes::broad_in(&req.scopes) {
        progress.step(Step::Notice {
            message: format!(
                "The scope {broad} is refused for Xero apps created since 2 March 2026; such apps use {granular}."
            ),
        });
    }
    ctx.vault.check_available().await?;

    let got = consent::obtain(ctx, &creds, &req.redirect_uris, &req.scopes, &req.consent, progress, cancel).await?;

    progress.step(Step::Saving);
    let id = new_id();
    let mut choice_error = None;
    let tenant_id = match (got.organisations.as_slice(), &req.tenant) {
        ([only], None) => Some(only.tenant_id.clone()),
        (orgs, Some(wanted)) => match tenants::select(orgs, wanted) {
            Ok(o) => Some(o.tenant_id.clone()),
            Err(e) => {
                choice_error = Some(e);
                None
            }
        },
        (_, None) => None,
    };
    let now = timestamp_now();
    let scopes = if got.tokens.scopes.is_empty() { req.scopes.clone() } else { got.tokens.scopes.clone() };
    let connection = Connection {
        id: id.clone(),
        name: req.name.clone(),
        client_id: creds.client_id.clone(),
        app_type: req.app_type,
        scopes,
        redirect_uris: req.redirect_uris.iter().map(|u| u.as_str().to_string()).collect(),
        organisations: got.organisations,
        tenant_id,
        authorised_by: got.user,
        refreshed_at: got.tokens.refresh_token.is_some().then(|| now.clone()),
        refreshed_on: got.tokens.refresh_token.is_some().then(crate::connection::this_computer),
        refresh_unanswered_at: None,
        profile: req.profile.clone(),
        identity_origin: Some(ctx.endpoints.identity_origin().to_string()),
        created_at: now.clone(),
        updated_at: now,
        last_test: None,
    };
    let saved = save(ctx, &connection, &creds, &got.tokens).await;
    if let Err(e) = saved {
        let _ = ctx.vault.delete(&id).await;
        return Err(e);
    }
    if let Some(at) = got.callback_at {
        progress.step(Step::CallbackToStoredMicros { micros: at.elapsed().as_micros() as u64 });
    }
    if let Some(e) = choice_error {
        return Err(Error::new(
            e.code(),
            format!("{} The connection was saved; choose its organisation.", e.message()),
        )
        .with_remedy(Remedy::ChooseOrganisation { connection: req.name.clone() }));
    }
    Ok(SetupOutcome { connection })
}

fn exists(name: &str) -> Error {
    Error::new(
        ErrorCode::ConnectionExists,
        format!("A connection called \"{name}\" already exists: reconnect it to renew it, or choose another name."),
    )
    .with_remedy(Remedy::Reconnect { connection: name.to_string() })
}

/// Turns checked credentials into app credentials, insisting on a secret where the app has one.
pub(super) fn checked_credentials(
    app_type: AppType,
    check: CredentialCheck,
    progress: &dyn Progress,
) -> Result<AppCredentials> {
    for p in check.problems.iter().filter(|p| p.severity != crate::credentials::Severity::Blocking) {
        progress.step(Step::Notice { message: p.message.clone() });
    }
    let (client_id, secret) = check.into_valid()?;
    let client_secret = match (app_type.has_secret(), secret) {
        (true, Some(s)) => Some(s),
        (true, None) => {
            return Err(Error::new(
                ErrorCode::CredentialProblem,
                format!("A {} needs its client secret: paste it when asked.", app_type.portal_label()),
            ))
        }
        (false, _) => None,
    };
    Ok(AppCredentials { app_type, client_id, client_secret })
}

async fn save(ctx: &Context, conn: &Connection, creds: &AppCredentials, tokens: &crate::oauth::TokenSet) -> Result<()> {
    let mut secrets = Secrets { client_secret: creds.client_secret.clone(), ..Secrets::default() };
    crate::tokens::apply(&mut secrets, tokens);
    ctx.vault.save(&conn.id, &secrets).await?;
    ctx.settings.update(|s| {
        if s.find(&conn.name).is_some() {
            return Err(exists(&conn.name));
        }
        s.connections.push(conn.clone());
        Ok(())
    })
}

/// A random identifier for keychain entries.
pub(super) fn new_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; crate::connection::ID_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
