//! Test Connection: a real `GET /api.xro/2.0/Organisation` with the chosen tenant, parsed into
//! what the user needs to see — or one of the core's error codes with what to do next.
//!
//! `Accept: application/json` is required: the Accounting API answers XML otherwise.

use crate::connection::Connection;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::http::{classify_api_failure, transport_error, ApiFailure};
use crate::jwt::XeroUser;
use crate::progress::{Progress, Step};
use crate::tokens;
use serde::{Deserialize, Serialize};

/// What Test Connection shows on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// The connection tested.
    pub connection: String,
    /// The organisation Xero answered for.
    pub organisation: OrganisationDetails,
    /// The Xero user who authorised the connection.
    pub authorised_by: Option<XeroUser>,
    /// When (RFC 3339).
    pub tested_at: String,
}

/// The organisation's details from Xero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationDetails {
    /// `OrganisationID`, which is the tenant ID.
    pub id: String,
    /// `Name`.
    pub name: String,
    /// `LegalName`.
    pub legal_name: Option<String>,
    /// `CountryCode`.
    pub country_code: Option<String>,
    /// `BaseCurrency`.
    pub base_currency: Option<String>,
    /// `IsDemoCompany`.
    pub is_demo_company: bool,
    /// `Version` (AU, NZ, GLOBAL, UK, US…).
    pub version: Option<String>,
    /// `ShortCode`.
    pub short_code: Option<String>,
}

#[derive(Deserialize)]
struct OrganisationsBody {
    #[serde(rename = "Organisations")]
    organisations: Vec<OrganisationBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrganisationBody {
    #[serde(rename = "OrganisationID")]
    organisation_id: String,
    name: String,
    legal_name: Option<String>,
    country_code: Option<String>,
    base_currency: Option<String>,
    is_demo_company: Option<bool>,
    version: Option<String>,
    short_code: Option<String>,
}

/// Parses the Organisation endpoint's JSON.
pub fn parse_organisation(body: &[u8]) -> Result<OrganisationDetails> {
    let parsed: OrganisationsBody =
        serde_json::from_slice(body).map_err(|_| Error::xero_unavailable("an unreadable Organisation answer"))?;
    let o = parsed
        .organisations
        .into_iter()
        .next()
        .ok_or_else(|| Error::xero_unavailable("an Organisation answer without an organisation"))?;
    Ok(OrganisationDetails {
        id: o.organisation_id,
        name: o.name,
        legal_name: o.legal_name,
        country_code: o.country_code,
        base_currency: o.base_currency,
        is_demo_company: o.is_demo_company.unwrap_or(false),
        version: o.version,
        short_code: o.short_code,
    })
}

/// Calls Xero for a connection's chosen organisation (refreshing the token as needed).
pub async fn run(ctx: &Context, conn: &Connection, progress: &dyn Progress) -> Result<TestReport> {
    progress.step(Step::Testing);
    let tenant = conn.tenant_id.clone();
    let organisation = tokens::with_token(ctx, conn, progress, |token| {
        let mut req =
            ctx.http.get(ctx.endpoints.organisation()).bearer_auth(token.expose()).header("Accept", "application/json");
        if let Some(t) = &tenant {
            req = req.header("xero-tenant-id", t);
        }
        async move {
            let resp = req.send().await.map_err(|e| ApiFailure::Final(transport_error(&e)))?;
            let (status, headers) = (resp.status(), resp.headers().clone());
            let body = resp.bytes().await.map_err(|e| ApiFailure::Final(transport_error(&e)))?;
            if !status.is_success() {
                return Err(classify_api_failure(status, &headers, &body));
            }
            parse_organisation(&body).map_err(ApiFailure::Final)
        }
    })
    .await?;
    Ok(TestReport {
        connection: conn.name.clone(),
        organisation,
        authorised_by: conn.authorised_by.clone(),
        tested_at: crate::connection::timestamp_now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_organisation_body() {
        let body = br#"{"Id":"x","Status":"OK","ProviderName":"p","DateTimeUTC":"/Date(1574275974000)/",
          "Organisations":[{"OrganisationID":"b2c885a9-4bb9-4a00-9b6e-6c2bf60b1a2b","Name":"Dev Evangelist Company",
          "LegalName":"Dev Evangelist Company","PaysTax":true,"Version":"AU","OrganisationType":"COMPANY",
          "BaseCurrency":"AUD","CountryCode":"AU","IsDemoCompany":false,"ShortCode":"!Hdp3W"}]}"#;
        let o = parse_organisation(body).unwrap();
        assert_eq!(o.name, "Dev Evangelist Company");
        assert_eq!(o.country_code.as_deref(), Some("AU"));
        assert!(!o.is_demo_company);
        assert_eq!(parse_organisation(b"<Response/>").unwrap_err().code(), crate::ErrorCode::XeroUnavailable);
        assert_eq!(
            parse_organisation(br#"{"Organisations":[]}"#).unwrap_err().code(),
            crate::ErrorCode::XeroUnavailable
        );
    }
}
