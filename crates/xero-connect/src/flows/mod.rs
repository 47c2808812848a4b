//! The operations of the wizard, each one function over a [`Context`]: the command line calls
//! them directly and the window's wizard will too.
//!
//! `setup` and `reconnect` (in their own modules) share the browser consent in `consent`;
//! the short ones — test, token, choosing an organisation, listing — live here.

mod consent;
mod organisations;
mod reconnect;
mod remove;
mod setup;

pub use consent::ConsentOptions;
pub use organisations::add_organisations;
pub use reconnect::{reconnect, ReconnectMethod, ReconnectOutcome, ReconnectRequest};
pub use remove::{remove, RemoveOutcome};
pub use setup::{setup, SetupOutcome, SetupRequest};

use crate::context::Context;
use crate::error::{Error, ErrorCode, Remedy, Result};
use crate::probe::{self, TestReport};
use crate::progress::Progress;
use crate::registration::{AppType, RedirectUri, RegistrationGuide};
use crate::registry::{timestamp_now, Connection, TestRecord};
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

/// Every saved connection.
pub fn list(ctx: &Context) -> Result<Vec<Connection>> {
    Ok(ctx.registry.load()?.connections)
}

/// One saved connection.
pub fn show(ctx: &Context, name: &str) -> Result<Connection> {
    Ok(ctx.registry.load()?.get(name)?.clone())
}

/// Chooses the organisation of a connection among those it reaches, and saves the choice.
pub fn choose_organisation(ctx: &Context, name: &str, wanted: &str) -> Result<Connection> {
    ctx.registry.update(|s| {
        let conn = s.get_mut(name)?;
        let tenant = tenants::select(&conn.organisations, wanted)?.tenant_id.clone();
        conn.tenant_id = Some(tenant);
        conn.updated_at = timestamp_now();
        Ok(conn.clone())
    })
}

/// Renames a connection; its secrets stay where they are (they are filed under its ID).
pub fn rename(ctx: &Context, name: &str, new_name: &str) -> Result<Connection> {
    crate::registry::check_name(new_name)?;
    ctx.registry.update(|s| {
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

/// Test Connection: a real API call; the result, good or bad, is saved as the last test.
pub async fn test(ctx: &Context, name: &str, tenant: Option<&str>, progress: &dyn Progress) -> Result<TestReport> {
    let conn = connection_with_tenant(ctx, name, tenant)?;
    let result = probe::run(ctx, &conn, progress).await;
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
    ctx.registry.update(|s| {
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

/// A valid access token for a connection, refreshing if needed.
pub async fn token(ctx: &Context, name: &str, tenant: Option<&str>, progress: &dyn Progress) -> Result<TokenOutput> {
    let conn = connection_with_tenant(ctx, name, tenant)?;
    let t = crate::tokens::access_token(ctx, &conn, progress).await?;
    Ok(TokenOutput { access_token: t.token, expires_at: t.expires_at, tenant_id: conn.tenant_id })
}
