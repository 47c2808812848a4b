//! Test Connection: one real read at Xero for the chosen organisation, chosen from the scopes
//! the connection was granted ([`choice`]), parsed into what the user needs to see
//! ([`answers`]) — or one of the core's error codes with what to do next.
//!
//! `Accept: application/json` is sent on every call: the Accounting API answers XML otherwise.

pub mod answers;
pub mod choice;

use crate::connection::Connection;
use crate::context::Context;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{classify_api_failure, organisation_disconnected, transport_error, ApiFailure};
use crate::jwt::XeroUser;
use crate::progress::{Progress, Step};
use crate::secret::Secret;
use crate::tenants::{self, Authed};
use crate::tokens;
use reqwest::StatusCode;
use serde::Serialize;

pub use answers::{parse_organisation, OrganisationDetails};
pub use choice::{choose, Probe};

/// The API that answered Test Connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbedApi {
    /// `GET /api.xro/2.0/Organisation`.
    Accounting,
    /// `GET /assets.xro/1.0/Settings`.
    Assets,
    /// `GET /files.xro/1.0/Folders`.
    Files,
    /// `GET /projects.xro/2.0/ProjectsUsers`.
    Projects,
    /// `GET /payroll.xro/1.0/Settings`: the organisation is Australian.
    PayrollAu,
    /// `GET /payroll.xro/2.0/Settings`: the organisation is in New Zealand or the UK.
    PayrollNzUk,
    /// `GET /connections`: no granted scope reaches any of the reads above (none at all, or only
    /// ones such as `accounting.invoices` or `payroll.employees`); the organisation is connected.
    Connections,
}

impl ProbedApi {
    /// The name shown to people: "Assets API".
    pub fn label(self) -> &'static str {
        match self {
            ProbedApi::Accounting => "Accounting API",
            ProbedApi::Assets => "Assets API",
            ProbedApi::Files => "Files API",
            ProbedApi::Projects => "Projects API",
            ProbedApi::PayrollAu => "Payroll AU API",
            ProbedApi::PayrollNzUk => "Payroll NZ/UK API",
            ProbedApi::Connections => "Xero's list of connected organisations",
        }
    }

    /// The request made, as Xero's documentation writes it: "GET /assets.xro/1.0/Settings".
    pub fn call(self) -> &'static str {
        match self {
            ProbedApi::Accounting => "GET /api.xro/2.0/Organisation",
            ProbedApi::Assets => "GET /assets.xro/1.0/Settings",
            ProbedApi::Files => "GET /files.xro/1.0/Folders",
            ProbedApi::Projects => "GET /projects.xro/2.0/ProjectsUsers",
            ProbedApi::PayrollAu => "GET /payroll.xro/1.0/Settings",
            ProbedApi::PayrollNzUk => "GET /payroll.xro/2.0/Settings",
            ProbedApi::Connections => "GET /connections",
        }
    }
}

/// What Test Connection shows on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// The connection tested.
    pub connection: String,
    /// The organisation Xero answered for: all its details from the Organisation; otherwise its
    /// ID and name (the connection's `tenantName`), country and currency unknown (`None`).
    pub organisation: OrganisationDetails,
    /// The API that answered.
    pub api: ProbedApi,
    /// [`ProbedApi::label`] of `api`.
    pub answered_by: String,
    /// [`ProbedApi::call`] of `api`.
    pub call: String,
    /// The Xero user who authorised the connection.
    pub authorised_by: Option<XeroUser>,
    /// When (RFC 3339).
    pub tested_at: String,
    /// This computer's clock, when Xero's answer showed it more than five minutes off.
    pub clock: Option<crate::clock::ClockSkew>,
}

/// Calls Xero for a connection's chosen organisation (refreshing the token as needed), with
/// the call [`choose`] picks from the connection's granted scopes.
///
/// # Errors
/// `organisation_disconnected` (403, or absent from `GET /connections`), `missing_scope`
/// (naming the scope the call needs), `invalid_grant`, `rate_limited`, `xero_unavailable`
/// (5xx, an unreadable answer, or no payroll for the organisation's region), `no_network`.
pub async fn run(ctx: &Context, conn: &Connection, progress: &dyn Progress) -> Result<TestReport> {
    progress.step(Step::Testing);
    // A Xero Practice Manager tenant has no Accounting API: asking it would answer 403 and read
    // as a disconnect. `/connections` proves it is still connected (issue 16).
    let probe = match conn.organisation() {
        Some(o) if !o.is_organisation() => Probe::Connections,
        _ => choose(&conn.scopes),
    };
    let tenant = conn.tenant_id.as_deref();
    let (api, organisation) = tokens::with_token(ctx, conn, progress, |token| call(ctx, probe, tenant, token))
        .await
        .map_err(|e| name_the_scope(e, probe))?;
    let organisation = organisation.unwrap_or_else(|| saved_organisation(conn));
    Ok(TestReport {
        connection: conn.name.clone(),
        organisation,
        api,
        answered_by: api.label().to_string(),
        call: api.call().to_string(),
        authorised_by: conn.authorised_by.clone(),
        tested_at: crate::connection::timestamp_now(),
        clock: crate::clock::skew(),
    })
}

/// The chosen organisation as the connection saved it from `GET /connections`.
fn saved_organisation(conn: &Connection) -> OrganisationDetails {
    // A custom connection reaches exactly one organisation, chosen or not.
    match conn.organisation().or(conn.organisations.first()) {
        Some(o) => OrganisationDetails::named(&o.tenant_id, &o.name),
        None => OrganisationDetails::named(conn.tenant_id.as_deref().unwrap_or_default(), "(unnamed organisation)"),
    }
}

/// A missing scope, worded with the call made and the scope that call needs.
fn name_the_scope(e: Error, probe: Probe) -> Error {
    match (e.code(), probe.scope()) {
        (ErrorCode::MissingScope, Some(scope)) => Error::new(
            ErrorCode::MissingScope,
            format!(
                "Xero says this connection lacks the permission (scope) Test Connection's call needs — {} \
                 needs {scope} or {scope}.read: reconnect and allow access again so the scope is granted.",
                describe(probe)
            ),
        ),
        _ => e,
    }
}

fn describe(probe: Probe) -> &'static str {
    match probe {
        Probe::Organisation => ProbedApi::Accounting.call(),
        Probe::AssetsSettings => ProbedApi::Assets.call(),
        Probe::FilesFolders => ProbedApi::Files.call(),
        Probe::ProjectsUsers => ProbedApi::Projects.call(),
        Probe::PayrollSettings => "GET /payroll.xro/2.0/Settings (or 1.0 in Australia)",
        Probe::Connections => ProbedApi::Connections.call(),
    }
}

/// One answer: status and body, whatever the status.
async fn send(
    ctx: &Context,
    url: String,
    tenant: Option<&str>,
    token: &Secret,
) -> Authed<(StatusCode, Vec<u8>, reqwest::header::HeaderMap)> {
    let mut req = ctx.http.get(url).bearer_auth(token.expose()).header("Accept", "application/json");
    if let Some(t) = tenant {
        req = req.header("xero-tenant-id", t);
    }
    let resp = req.send().await.map_err(|e| ApiFailure::Final(transport_error(&e)))?;
    let (status, headers) = (resp.status(), resp.headers().clone());
    crate::clock::observe(&headers);
    let body = resp.bytes().await.map_err(|e| ApiFailure::Final(transport_error(&e)))?;
    Ok((status, body.to_vec(), headers))
}

/// The body of a successful call, or the classified failure.
async fn get(ctx: &Context, url: String, tenant: Option<&str>, token: &Secret) -> Authed<Vec<u8>> {
    let (status, body, headers) = send(ctx, url, tenant, token).await?;
    if !status.is_success() {
        return Err(classify_api_failure(status, &headers, &body));
    }
    Ok(body)
}

/// Makes the chosen call; the organisation's details when the call gives them.
async fn call(
    ctx: &Context,
    probe: Probe,
    tenant: Option<&str>,
    token: Secret,
) -> Authed<(ProbedApi, Option<OrganisationDetails>)> {
    let e = &ctx.endpoints;
    let read = |r: Result<()>| r.map_err(ApiFailure::Final);
    match probe {
        Probe::Organisation => {
            let body = get(ctx, e.organisation(), tenant, &token).await?;
            let o = parse_organisation(&body).map_err(ApiFailure::Final)?;
            Ok((ProbedApi::Accounting, Some(o)))
        }
        Probe::AssetsSettings => {
            let body = get(ctx, e.assets_settings(), tenant, &token).await?;
            read(answers::parse_asset_settings(&body).map(drop))?;
            Ok((ProbedApi::Assets, None))
        }
        Probe::FilesFolders => {
            let body = get(ctx, e.files_folders(), tenant, &token).await?;
            read(answers::parse_folders(&body).map(drop))?;
            Ok((ProbedApi::Files, None))
        }
        Probe::ProjectsUsers => {
            let body = get(ctx, e.projects_users(), tenant, &token).await?;
            read(answers::parse_project_users(&body).map(drop))?;
            Ok((ProbedApi::Projects, None))
        }
        Probe::PayrollSettings => payroll(ctx, tenant, &token).await,
        Probe::Connections => {
            let list = tenants::list(&ctx.http, e, &token, None).await?;
            // An organisation that disconnected the app is simply absent from the list
            // (docs/xero-platform.md §7): the same failure as the 403 of any API call.
            let found = match tenant {
                Some(t) => list.into_iter().find(|o| o.tenant_id.eq_ignore_ascii_case(t)),
                None => list.into_iter().next(),
            };
            let o = found.ok_or_else(|| ApiFailure::Final(organisation_disconnected()))?;
            Ok((ProbedApi::Connections, Some(OrganisationDetails::named(&o.tenant_id, &o.name))))
        }
    }
}

/// Payroll Settings without knowing the region: NZ and UK share `/payroll.xro/2.0`, Australia
/// has `/payroll.xro/1.0`; an organisation of another region is refused with 405 or 404
/// (docs/xero-platform.md §13), and then the other version is asked.
async fn payroll(
    ctx: &Context,
    tenant: Option<&str>,
    token: &Secret,
) -> Authed<(ProbedApi, Option<OrganisationDetails>)> {
    let not_here = |s: StatusCode| matches!(s.as_u16(), 404 | 405);
    let (status, body, headers) = send(ctx, ctx.endpoints.payroll_v2_settings(), tenant, token).await?;
    if status.is_success() {
        answers::parse_payroll_settings(&body).map_err(ApiFailure::Final)?;
        return Ok((ProbedApi::PayrollNzUk, None));
    }
    if !not_here(status) {
        return Err(classify_api_failure(status, &headers, &body));
    }
    let (status, body, headers) = send(ctx, ctx.endpoints.payroll_au_settings(), tenant, token).await?;
    if status.is_success() {
        answers::parse_payroll_au_settings(&body).map_err(ApiFailure::Final)?;
        return Ok((ProbedApi::PayrollAu, None));
    }
    if not_here(status) {
        return Err(ApiFailure::Final(Error::new(
            ErrorCode::XeroUnavailable,
            "Xero has no payroll for this organisation: neither Payroll AU nor Payroll NZ/UK answers for it, so \
             Test Connection cannot prove payroll access. Payroll is offered in Australia, New Zealand and the UK.",
        )));
    }
    Err(classify_api_failure(status, &headers, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_scope_names_the_call_and_its_scope_and_other_errors_pass_unchanged() {
        let missing = Error::new(ErrorCode::MissingScope, "generic");
        let e = name_the_scope(missing.clone(), Probe::FilesFolders);
        assert_eq!(e.code(), ErrorCode::MissingScope);
        assert!(e.message().contains("GET /files.xro/1.0/Folders needs files or files.read"), "{e}");
        let other = Error::new(ErrorCode::RateLimited, "wait");
        assert_eq!(name_the_scope(other, Probe::FilesFolders).message(), "wait");
        // `/connections` needs no scope: its failure is left as Xero's classification words it.
        assert_eq!(name_the_scope(missing, Probe::Connections).message(), "generic");
    }
}
