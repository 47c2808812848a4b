//! Organisations (tenants) a token reaches: `GET /connections` (filtered to one consent by its
//! `authEventId`), disconnecting one with `DELETE /connections/{id}`, and choosing one by name
//! or ID — never silently when several match.

use crate::connection::Organisation;
use crate::endpoints::Endpoints;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{classify_api_failure, transport_error, without_controls, ApiFailure};
use crate::secret::Secret;
use serde::Deserialize;

/// One entry of `GET /connections` (Xero's `Connection` schema).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XeroConnection {
    /// The connection ID.
    pub id: String,
    /// The consent that created it.
    #[serde(default)]
    pub auth_event_id: Option<String>,
    /// The tenant ID.
    pub tenant_id: String,
    /// `ORGANISATION`, `PRACTICE`…
    #[serde(default)]
    pub tenant_type: Option<String>,
    /// The organisation's name.
    #[serde(default)]
    pub tenant_name: Option<String>,
    /// Created (UTC, no zone).
    #[serde(default)]
    pub created_date_utc: Option<String>,
    /// Updated (UTC, no zone).
    #[serde(default)]
    pub updated_date_utc: Option<String>,
}

/// Identifiers lose their control characters here (`http::without_controls`): they are shown
/// and saved as they are. Names keep theirs; each front end shows names safely.
impl From<XeroConnection> for Organisation {
    fn from(c: XeroConnection) -> Organisation {
        let tenant_type =
            without_controls(&c.tenant_type.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| ORGANISATION.into()));
        // A Xero Practice Manager tenant comes with a null name (docs/xero-platform.md §7): it is
        // shown by its type.
        let name = c.tenant_name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| unnamed(&tenant_type));
        Organisation {
            name,
            tenant_type,
            tenant_id: without_controls(&c.tenant_id),
            connection_id: without_controls(&c.id),
        }
    }
}

/// `tenantType` of an organisation's books, the only kind the Accounting API serves.
pub const ORGANISATION: &str = "ORGANISATION";

/// What a tenant without a name is called: by its type.
fn unnamed(tenant_type: &str) -> String {
    match tenant_type.to_ascii_uppercase().as_str() {
        "PRACTICE" => "Xero Practice Manager (practice)".into(),
        ORGANISATION => "(unnamed organisation)".into(),
        other => format!("({} tenant)", other.to_ascii_lowercase()),
    }
}

/// Parses a `/connections` body.
pub fn parse_connections(body: &[u8]) -> Result<Vec<XeroConnection>> {
    serde_json::from_slice(body).map_err(|_| Error::xero_unavailable("an unreadable list of organisations"))
}

/// Outcome of a call made with an access token.
pub(crate) type Authed<T> = std::result::Result<T, ApiFailure>;

/// `GET /connections`, optionally only those of one consent.
pub(crate) async fn list(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    access_token: &Secret,
    auth_event_id: Option<&str>,
) -> Authed<Vec<Organisation>> {
    let mut req =
        http.get(endpoints.connections()).bearer_auth(access_token.expose()).header("Accept", "application/json");
    if let Some(id) = auth_event_id {
        req = req.query(&[("authEventId", id)]);
    }
    let resp = req.send().await.map_err(|e| ApiFailure::Final(transport_error(&e)))?;
    let (status, headers) = (resp.status(), resp.headers().clone());
    crate::clock::observe(&headers);
    let body = resp.bytes().await.map_err(|e| ApiFailure::Final(transport_error(&e)))?;
    if !status.is_success() || crate::http::is_web_page(&headers, &body) {
        return Err(classify_api_failure(status, &headers, &body));
    }
    let list = parse_connections(&body).map_err(ApiFailure::Final)?;
    Ok(list.into_iter().map(Organisation::from).collect())
}

/// `DELETE /connections/{id}`; an unknown connection (404) counts as already disconnected.
pub(crate) async fn delete_connection(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    access_token: &Secret,
    connection_id: &str,
) -> Authed<()> {
    let url = format!("{}/{}", endpoints.connections(), url_segment(connection_id));
    let resp = http
        .delete(url)
        .bearer_auth(access_token.expose())
        .send()
        .await
        .map_err(|e| ApiFailure::Final(transport_error(&e)))?;
    let status = resp.status();
    if status.is_success() || status.as_u16() == 404 {
        return Ok(());
    }
    let headers = resp.headers().clone();
    let body = resp.bytes().await.unwrap_or_default();
    Err(classify_api_failure(status, &headers, &body))
}

fn url_segment(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

/// Finds the organisation meant by a tenant ID or a name; a name shared by several is refused
/// with their IDs, so nothing is chosen silently.
pub fn select<'a>(organisations: &'a [Organisation], wanted: &str) -> Result<&'a Organisation> {
    let wanted = wanted.trim();
    if let Some(o) = organisations.iter().find(|o| o.tenant_id.eq_ignore_ascii_case(wanted)) {
        return Ok(o);
    }
    let by_name: Vec<&Organisation> = organisations.iter().filter(|o| o.name.eq_ignore_ascii_case(wanted)).collect();
    match by_name.as_slice() {
        [one] => Ok(one),
        [] => Err(Error::new(
            ErrorCode::UnknownOrganisation,
            format!(
                "No authorised organisation is called or has the ID \"{wanted}\". Authorised: {}.",
                describe(organisations)
            ),
        )),
        several => Err(Error::new(
            ErrorCode::OrganisationChoiceNeeded,
            format!(
                "{} organisations are called \"{wanted}\": choose one by its ID: {}.",
                several.len(),
                several.iter().map(|o| o.tenant_id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// "Name (ID), Name (ID)" for messages.
pub fn describe(organisations: &[Organisation]) -> String {
    if organisations.is_empty() {
        return "none".into();
    }
    organisations.iter().map(|o| format!("{} ({})", o.name, o.tenant_id)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_from_xero_lose_their_control_characters() {
        let body = br#"[{"id":"c\u001b[2J1","tenantId":"t\u001b]0;evil\u0007-1\nforged line","tenantType":"ORG\u001bANISATION","tenantName":"Shop"}]"#;
        let org = Organisation::from(parse_connections(body).unwrap().remove(0));
        assert_eq!(org.tenant_id, "t]0;evil-1forged line");
        assert_eq!(org.connection_id, "c[2J1");
        assert_eq!(org.tenant_type, "ORGANISATION");
    }

    fn org(id: &str, name: &str) -> Organisation {
        Organisation {
            tenant_id: id.into(),
            name: name.into(),
            tenant_type: "ORGANISATION".into(),
            connection_id: format!("c-{id}"),
        }
    }

    #[test]
    fn select_by_id_or_unique_name() {
        let orgs = [org("t1", "Bakery"), org("t2", "Bakery"), org("t3", "Shop")];
        assert_eq!(select(&orgs, "shop").unwrap().tenant_id, "t3");
        assert_eq!(select(&orgs, "T2").unwrap().tenant_id, "t2");
        let err = select(&orgs, "Bakery").unwrap_err();
        assert_eq!(err.code(), ErrorCode::OrganisationChoiceNeeded);
        assert!(err.message().contains("t1") && err.message().contains("t2"), "{err}");
        assert_eq!(select(&orgs, "Nope").unwrap_err().code(), ErrorCode::UnknownOrganisation);
    }

    #[test]
    fn parses_xeros_connection_list() {
        let body =
            br#"[{"id":"e1eede29-f875-4a5d-8470-17f6a29a88b1","authEventId":"d99ecdfe-391d-43d2-b834-17636ba90e8d",
            "tenantId":"70784a63-d24b-46a9-a4db-0e70a274b056","tenantType":"ORGANISATION","tenantName":"Maple Florists",
            "createdDateUtc":"2019-07-09T23:40:30.1833130","updatedDateUtc":"2020-05-15T01:35:13.8491980"}]"#;
        let list = parse_connections(body).unwrap();
        let o: Organisation = list[0].clone().into();
        assert_eq!(o.name, "Maple Florists");
        let practice = br#"[{"id":"c2","tenantId":"t2","tenantType":"PRACTICE","tenantName":null}]"#;
        let p: Organisation = parse_connections(practice).unwrap()[0].clone().into();
        assert_eq!((p.name.as_str(), p.tenant_type.as_str()), ("Xero Practice Manager (practice)", "PRACTICE"));
        assert!(!p.is_organisation());
        assert_eq!(o.connection_id, "e1eede29-f875-4a5d-8470-17f6a29a88b1");
        assert_eq!(parse_connections(b"<html>").unwrap_err().code(), ErrorCode::XeroUnavailable);
    }
}
