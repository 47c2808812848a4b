//! Test Connection: one real read at Xero for the chosen organisation, chosen from the scopes
//! the connection was granted ([`choice`]), made and read as the API's [`crate::apis`] entry
//! says (the `answers` module holds the readers) — or one of the core's error codes with what to do
//! next.
//!
//! `Accept: application/json` is sent on every call: the Accounting API answers XML otherwise.

pub mod choice;

use crate::apis::{Read, TestCall};
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

pub use crate::answers::{parse_organisation, Answer, OrganisationDetails};
pub use crate::apis::ProbedApi;
pub use choice::{choose, Probe};

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
    /// The `label` of `api`.
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
        answered_by: api.label.to_string(),
        call: api.call(),
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
    match (e.code(), probe) {
        (ErrorCode::MissingScope, Probe::Api(api)) => {
            let api = api.description();
            let scope = api.test_scope;
            Error::new(
                ErrorCode::MissingScope,
                format!(
                    "Xero says this connection lacks the permission (scope) Test Connection's call needs — {} \
                     needs {scope} or {scope}.read: reconnect and allow access again so the scope is granted.",
                    api.test.called()
                ),
            )
        }
        _ => e,
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
    match probe {
        Probe::Api(api) => call_api(ctx, &api.description().test, tenant, &token).await,
        Probe::Connections => {
            let list = tenants::list(&ctx.http, &ctx.endpoints, &token, None).await?;
            // An organisation that disconnected the app is simply absent from the list
            // (docs/xero-platform.md §7): the same failure as the 403 of any API call.
            let found = match tenant {
                Some(t) => list.into_iter().find(|o| o.tenant_id.eq_ignore_ascii_case(t)),
                None => list.into_iter().next(),
            };
            let o = found.ok_or_else(|| ApiFailure::Final(organisation_disconnected()))?;
            Ok((ProbedApi::CONNECTIONS, Some(OrganisationDetails::named(&o.tenant_id, &o.name))))
        }
    }
}

/// An API's call as its [`crate::apis`] entry describes it.
async fn call_api(
    ctx: &Context,
    test: &TestCall,
    tenant: Option<&str>,
    token: &Secret,
) -> Authed<(ProbedApi, Option<OrganisationDetails>)> {
    let url = |read: &Read| ctx.endpoints.api_url(read.answered_by.path);
    match test {
        TestCall::One(read) => {
            let body = get(ctx, url(read), tenant, token).await?;
            answer(read, &body)
        }
        // Without knowing the region: an organisation of another region is refused with 405 or
        // 404 (docs/xero-platform.md §13), and then the next region's read is asked.
        TestCall::ByRegion { reads, nowhere, .. } => {
            for read in *reads {
                let (status, body, headers) = send(ctx, url(read), tenant, token).await?;
                if status.is_success() {
                    return answer(read, &body);
                }
                if !matches!(status.as_u16(), 404 | 405) {
                    return Err(classify_api_failure(status, &headers, &body));
                }
            }
            Err(ApiFailure::Final(Error::new(ErrorCode::XeroUnavailable, *nowhere)))
        }
    }
}

/// A successful answer read as its API's: who answered, and the organisation when it tells.
fn answer(read: &Read, body: &[u8]) -> Authed<(ProbedApi, Option<OrganisationDetails>)> {
    let answer = (read.reader)(body).map_err(ApiFailure::Final)?;
    Ok((read.answered_by, answer.organisation()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_scope_names_the_call_and_its_scope_and_other_errors_pass_unchanged() {
        let missing = Error::new(ErrorCode::MissingScope, "generic");
        let files = Probe::Api(crate::apis::Api::parse("files").unwrap());
        let e = name_the_scope(missing.clone(), files);
        assert_eq!(e.code(), ErrorCode::MissingScope);
        assert!(e.message().contains("GET /files.xro/1.0/Folders needs files or files.read"), "{e}");
        let other = Error::new(ErrorCode::RateLimited, "wait");
        assert_eq!(name_the_scope(other, files).message(), "wait");
        let payroll = Probe::Api(crate::apis::Api::parse("payroll").unwrap());
        let e = name_the_scope(missing.clone(), payroll);
        assert!(e
            .message()
            .contains("— GET /payroll.xro/2.0/Settings (or 1.0 in Australia) needs payroll.settings or"));
        // `/connections` needs no scope: its failure is left as Xero's classification words it.
        assert_eq!(name_the_scope(missing, Probe::Connections).message(), "generic");
    }
}
