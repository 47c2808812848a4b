//! The operations of the wizard, each one function over a [`Context`]: the command line calls
//! them directly and the window's wizard will too.
//!
//! `setup` and `reconnect` (in their own modules) share the browser consent in `consent`;
//! the short ones — test, token, choosing an organisation, listing — live here.

mod consent;
mod disconnect;
mod organisations;
mod reconnect;
mod setup;

pub use consent::ConsentOptions;
pub use disconnect::{disconnect, DisconnectOutcome};
pub use organisations::add_organisations;
pub use reconnect::{reconnect, NewCredentials, ReconnectMethod, ReconnectOutcome, ReconnectRequest};
pub use setup::{setup, SetupOutcome, SetupRequest};

use crate::connection::{timestamp_now, Connection, TestRecord};
use crate::context::Context;
use crate::domain::{AppType, RedirectUri};
use crate::error::{Error, ErrorCode, Remedy, Result};
use crate::probe::{self, TestReport};
use crate::progress::Progress;
use crate::registration::RegistrationGuide;
use crate::secret::Secret;
use crate::tenants;

/// What to type into the developer portal.
pub fn guide(
    ctx: &Context,
    name: Option<&str>,
    app_type: AppType,
    redirect_uris: &[RedirectUri],
    scopes: &[String],
) -> RegistrationGuide {
    RegistrationGuide::new(&ctx.endpoints, name, app_type, redirect_uris, scopes)
}

/// Every saved connection, oldest first.
///
/// # Errors
/// `settings_unavailable` when the settings file cannot be read.
pub fn list(ctx: &Context) -> Result<Vec<Connection>> {
    Ok(ctx.settings.load()?.connections)
}

/// One saved connection.
///
/// # Errors
/// `unknown_connection` (the message lists the saved names); `settings_unavailable`.
pub fn show(ctx: &Context, name: &str) -> Result<Connection> {
    Ok(ctx.settings.load()?.get(name)?.clone())
}

/// Chooses the organisation of a connection among those it reaches (by tenant ID, or by a
/// name only one of them has), and saves the choice.
///
/// # Errors
/// `unknown_organisation`, `organisation_choice_needed` (a name several share: the IDs are
/// listed), `unknown_connection`, `settings_unavailable`.
pub fn choose_organisation(ctx: &Context, name: &str, wanted: &str) -> Result<Connection> {
    ctx.settings.update(|s| {
        let conn = s.get_mut(name)?;
        let tenant = tenants::select(&conn.organisations, wanted)?.tenant_id.clone();
        conn.tenant_id = Some(tenant);
        conn.updated_at = timestamp_now();
        Ok(conn.clone())
    })
}

/// Renames a connection; its secrets stay where they are (they are filed under its ID).
///
/// # Errors
/// `invalid_input` for a name [`crate::domain::check_name`] refuses, `connection_exists`,
/// `unknown_connection`, `settings_unavailable`.
pub fn rename(ctx: &Context, name: &str, new_name: &str) -> Result<Connection> {
    crate::domain::check_name(new_name)?;
    ctx.settings.update(|s| {
        if !new_name.eq_ignore_ascii_case(name) && s.find(new_name).is_some() {
            return Err(Error::new(
                ErrorCode::ConnectionExists,
                format!("A connection called \"{new_name}\" already exists: choose another name."),
            ));
        }
        let conn = s.get_mut(name)?;
        conn.name = new_name.to_string();
        conn.updated_at = timestamp_now();
        Ok(conn.clone())
    })
}

/// Loads a connection, applying `--tenant` when given, and insists an organisation is chosen.
fn connection_with_tenant(ctx: &Context, name: &str, tenant: Option<&str>) -> Result<Connection> {
    let conn = match tenant {
        Some(t) => choose_organisation(ctx, name, t)?,
        None => show(ctx, name)?,
    };
    if conn.needs_organisation_choice() {
        return Err(Error::new(
            ErrorCode::OrganisationChoiceNeeded,
            format!(
                "Choose which organisation \"{}\" should use: {}.",
                conn.name,
                tenants::describe(&conn.organisations)
            ),
        )
        .with_remedy(Remedy::ChooseOrganisation { connection: conn.name.clone() }));
    }
    Ok(conn)
}

/// Test Connection: a real API call for the chosen organisation, chosen from the granted scopes
/// (`probe::choose`: the Organisation, another API's cheapest read, or `GET /connections`); the
/// result, good or bad, is saved as the connection's last test.
///
/// # Errors
/// `organisation_choice_needed` before any call when no organisation is chosen; then the
/// call's own: `organisation_disconnected`, `missing_scope`, `invalid_grant`, `rate_limited`,
/// `refresh_in_progress`, `xero_unavailable`, `no_network`, `keychain_unavailable`.
pub async fn test_connection(
    ctx: &Context,
    name: &str,
    tenant: Option<&str>,
    progress: &dyn Progress,
) -> Result<TestReport> {
    let conn = connection_with_tenant(ctx, name, tenant)?;
    let result = probe::run(ctx, &conn, progress).await.map_err(crate::clock::annotate);
    let record = match &result {
        Ok(r) => TestRecord {
            at: r.tested_at.clone(),
            ok: true,
            organisation_name: Some(r.organisation.name.clone()),
            error_code: None,
            error_message: None,
        },
        Err(e) => TestRecord {
            at: timestamp_now(),
            ok: false,
            organisation_name: None,
            error_code: Some(e.code().as_str().to_string()),
            error_message: Some(e.message().to_string()),
        },
    };
    ctx.settings.update(|s| {
        if let Some(c) = s.find_mut(name) {
            c.last_test = Some(record);
        }
        Ok(())
    })?;
    result
}

/// A valid access token for scripts.
#[derive(Debug)]
pub struct TokenOutput {
    /// The token (refreshed if it was about to expire).
    pub access_token: Secret,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at: u64,
    /// The tenant ID to send as `xero-tenant-id`.
    pub tenant_id: Option<String>,
}

impl TokenOutput {
    /// Seconds until the access token expires, from now (0 once it has).
    pub fn expires_in(&self) -> u64 {
        self.expires_at.saturating_sub(crate::oauth::now_secs())
    }
}

/// Refreshes a connection's authorisation now, so an unused connection does not lapse after
/// Xero's 60 idle days (docs/xero-platform.md §6); same lock and rotation rules as [`token`].
/// Returns the connection as saved, with its new `refreshed_at`.
///
/// # Errors
/// `invalid_grant` (it lapsed or was revoked: consent needed again, remedy Reconnect),
/// `invalid_client`, `refresh_in_progress`, `rate_limited`, `xero_unavailable`, `no_network`,
/// `keychain_unavailable`, `unknown_connection`, `settings_unavailable`.
pub async fn refresh(ctx: &Context, name: &str, progress: &dyn Progress) -> Result<Connection> {
    let conn = show(ctx, name)?;
    let result =
        crate::tokens::refresh(ctx, &conn, crate::tokens::Why::Renew, progress).await.map_err(|e| match e.code() {
            ErrorCode::InvalidGrant if e.remedy().is_none() => {
                e.with_remedy(Remedy::Reconnect { connection: conn.name.clone() })
            }
            _ => e,
        });
    result.map_err(crate::clock::annotate)?;
    show(ctx, name)
}

/// A valid access token for a connection, refreshed when less than two minutes are left.
///
/// # Errors
/// `organisation_choice_needed`, `invalid_grant` (consent needed again), `invalid_client`,
/// `refresh_in_progress`, `rate_limited`, `xero_unavailable`, `no_network`,
/// `keychain_unavailable`, `settings_unavailable`.
pub async fn token(ctx: &Context, name: &str, tenant: Option<&str>, progress: &dyn Progress) -> Result<TokenOutput> {
    let conn = connection_with_tenant(ctx, name, tenant)?;
    let t = crate::tokens::access_token(ctx, &conn, progress).await.map_err(crate::clock::annotate)?;
    Ok(TokenOutput { access_token: t.token, expires_at: t.expires_at, tenant_id: conn.tenant_id })
}
