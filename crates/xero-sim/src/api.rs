//! The slice of api.xero.com the project touches: `GET /connections`,
//! `DELETE /connections/{id}` and the Accounting API's `GET Organisation` test call, and the
//! checks every organisation API shares (`admit`, used by `other_apis` too), with Xero's answers for expired tokens (401), missing scope (401
//! insufficient_scope), missing or disconnected tenants (403) and rate limits (429).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::dates;
use crate::faults::{rate_limited_response, token_expired_response};
use crate::ids;
use crate::scopes;
use crate::state::{AccessRec, OrgRec, Shared, State as SimState};

/// Per-organisation limits (docs/xero-platform.md §8).
const ORG_PER_MINUTE: usize = 60;
const ORG_PER_DAY: u32 = 5000;
const APP_PER_MINUTE: usize = 10_000;

/// Xero's problem body: `{"Type":null,"Title":…,"Status":…,"Detail":…,"Instance":uuid,"Extensions":{}}`.
pub(crate) fn problem(status: StatusCode, detail: &str, www_authenticate: Option<&str>) -> Response {
    let title = match status {
        StatusCode::UNAUTHORIZED => "Unauthorized",
        StatusCode::FORBIDDEN => "Forbidden",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let body = json!({
        "Type": null,
        "Title": title,
        "Status": status.as_u16(),
        "Detail": detail,
        "Instance": ids::uuid(),
        "Extensions": {},
    });
    let mut resp = (status, Json(body)).into_response();
    if let Some(w) = www_authenticate.and_then(|w| HeaderValue::from_str(w).ok()) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, w);
    }
    resp
}

fn unauthenticated() -> Response {
    problem(StatusCode::UNAUTHORIZED, "AuthenticationUnsuccessful", Some("Bearer error=\"invalid_token\""))
}

fn forbidden() -> Response {
    problem(StatusCode::FORBIDDEN, "AuthenticationUnsuccessful", None)
}

/// Why a bearer token was refused.
enum Refused {
    /// Missing, malformed or unknown token.
    Unknown,
    /// Expired on the simulated clock at this instant (seconds).
    Expired(u64),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Unknown => unauthenticated(),
            Refused::Expired(exp) => token_expired_response(exp),
        }
    }
}

/// Finds the access token a request carries and checks it has not expired on the
/// simulated clock.
fn bearer(shared: &Shared, st: &SimState, headers: &HeaderMap) -> Result<AccessRec, Refused> {
    let raw = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let token = match raw.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => return Err(Refused::Unknown),
    };
    let rec = st.access.get(token).cloned().ok_or(Refused::Unknown)?;
    if shared.clock.now_secs() >= rec.exp_secs {
        return Err(Refused::Expired(rec.exp_secs));
    }
    Ok(rec)
}

/// GET /connections (optionally `?authEventId=`): every organisation this token
/// reaches, i.e. all the user connected to the app, minus ones disconnected.
pub(crate) async fn connections(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let filter = url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("authEventId"))
        .map(|(_, v)| v.to_ascii_lowercase());
    let st = shared.lock();
    let tok = match bearer(&shared, &st, &headers) {
        Ok(t) => t,
        Err(r) => return r.into_response(),
    };
    let list: Vec<Value> = st
        .reachable(&tok)
        .into_iter()
        .filter(|c| filter.as_ref().is_none_or(|f| c.auth_event_id == *f))
        .map(|c| {
            let org = st.org(&c.tenant_id);
            // A Practice Manager tenant is listed by type with no name (docs/xero-platform.md §7).
            let practice = org.is_some_and(|o| o.practice);
            json!({
                "id": c.id,
                "authEventId": c.auth_event_id,
                "tenantId": c.tenant_id,
                "tenantType": if practice { "PRACTICE" } else { "ORGANISATION" },
                "tenantName": if practice { Value::Null } else { Value::from(org.map(|o| o.spec.name.clone()).unwrap_or_default()) },
                "createdDateUtc": dates::connection_ts(c.created_ms),
                "updatedDateUtc": dates::connection_ts(c.updated_ms),
            })
        })
        .collect();
    Json(Value::Array(list)).into_response()
}

/// DELETE /connections/{id}: 204, or 404 with a plain-text body if this token does
/// not reach such a connection.
pub(crate) async fn delete_connection(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut st = shared.lock();
    let tok = match bearer(&shared, &st, &headers) {
        Ok(t) => t,
        Err(r) => return r.into_response(),
    };
    let found = st.reachable(&tok).iter().any(|c| c.id.eq_ignore_ascii_case(&id));
    if !found {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "The resource you're looking for cannot be found",
        )
            .into_response();
    }
    st.conns.retain(|c| !c.id.eq_ignore_ascii_case(&id));
    StatusCode::NO_CONTENT.into_response()
}

/// Records a call against the organisation's and app's rate windows. Returns the
/// remaining counts, or the `Retry-After` seconds and `X-Rate-Limit-Problem` of a 429.
fn rate_check(
    st: &mut SimState,
    tenant: &str,
    client_id: &str,
    now_ms: u64,
) -> Result<(usize, u32, usize), (u64, &'static str)> {
    let minute = st.org_minute.entry(tenant.to_string()).or_default();
    while minute.front().is_some_and(|t| now_ms.saturating_sub(*t) >= 60_000) {
        minute.pop_front();
    }
    if minute.len() >= ORG_PER_MINUTE {
        let oldest = *minute.front().unwrap_or(&now_ms);
        let wait = (60_000 - now_ms.saturating_sub(oldest)).div_ceil(1000).max(1);
        return Err((wait, "minute"));
    }
    let day_key = (tenant.to_string(), now_ms / 86_400_000);
    let day = *st.org_day.get(&day_key).unwrap_or(&0);
    if day >= ORG_PER_DAY {
        let wait = (86_400_000 - now_ms % 86_400_000).div_ceil(1000);
        return Err((wait, "day"));
    }
    let app = st.app_minute.entry(client_id.to_string()).or_default();
    while app.front().is_some_and(|t| now_ms.saturating_sub(*t) >= 60_000) {
        app.pop_front();
    }
    if app.len() >= APP_PER_MINUTE {
        return Err((60, "appminute"));
    }
    app.push_back(now_ms);
    let app_left = APP_PER_MINUTE - app.len();
    let minute = st.org_minute.entry(tenant.to_string()).or_default();
    minute.push_back(now_ms);
    let min_left = ORG_PER_MINUTE - minute.len();
    st.org_day.insert(day_key, day + 1);
    Ok((min_left, ORG_PER_DAY - day - 1, app_left))
}

/// Xero's timezone names for the seeded countries.
fn timezone(country: &str) -> &'static str {
    match country {
        "AU" => "AUSEASTERNSTANDARDTIME",
        "NZ" => "NEWZEALANDSTANDARDTIME",
        "GB" | "UK" => "GMTSTANDARDTIME",
        "US" => "EASTERNSTANDARDTIME",
        _ => "UTC",
    }
}

/// One organisation in the Accounting API's JSON shape (schema `Organisation`).
fn organisation_json(o: &OrgRec) -> Value {
    let c = o.spec.country_code.as_str();
    let (fy_day, fy_month, basis, period) = match c {
        "AU" => (30, 6, "ACCRUALS", "QUARTERLY1"),
        "NZ" => (31, 3, "PAYMENTS", "TWOMONTHS"),
        "GB" | "UK" => (31, 3, "ACCRUAL", "QUARTERLY1"),
        _ => (31, 12, "ACCRUAL", "QUARTERLY1"),
    };
    json!({
        "APIKey": o.api_key,
        "Name": o.spec.name,
        "LegalName": o.spec.name,
        "PaysTax": true,
        "Version": o.spec.version,
        "OrganisationType": "COMPANY",
        "BaseCurrency": o.spec.base_currency,
        "CountryCode": o.spec.country_code,
        "IsDemoCompany": o.spec.is_demo,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": fy_day,
        "FinancialYearEndMonth": fy_month,
        "SalesTaxBasis": basis,
        "SalesTaxPeriod": period,
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": dates::ms_date(o.created_ms),
        "OrganisationEntityType": "COMPANY",
        "Timezone": timezone(c),
        "ShortCode": o.short_code,
        "OrganisationID": o.tenant_id,
        "Edition": "BUSINESS",
        "Class": "PREMIUM",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    })
}

fn xml_escape(s: &str) -> String {
    crate::consent_page::esc(s)
}

/// Writes a JSON value as XML elements, the way the Accounting API's XML mirrors its
/// JSON (plural arrays hold singular elements).
fn to_xml(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Null => {}
        Value::Object(m) if m.is_empty() => out.push_str(&format!("<{name} />")),
        Value::Array(a) if a.is_empty() => out.push_str(&format!("<{name} />")),
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                to_xml(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(a) => {
            let item = name.strip_suffix('s').unwrap_or(name);
            out.push_str(&format!("<{name}>"));
            for v in a {
                to_xml(item, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", xml_escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// A request every API call accepts: its token, organisation and rate-limit counts.
pub(crate) struct Admitted {
    pub(crate) token: AccessRec,
    pub(crate) org: OrgRec,
    /// The calling app's name (`ProviderName`).
    pub(crate) provider: String,
    /// The simulated time of the call (ms).
    pub(crate) now_ms: u64,
    limits: (usize, u32, usize),
}

impl Admitted {
    /// Adds Xero's remaining-calls headers (docs/xero-platform.md §8) to an answer.
    pub(crate) fn with_limits(&self, mut resp: Response) -> Response {
        let (min_left, day_left, app_left) = self.limits;
        let h = resp.headers_mut();
        h.insert("x-minlimit-remaining", HeaderValue::from(min_left));
        h.insert("x-daylimit-remaining", HeaderValue::from(day_left));
        h.insert("x-appminlimit-remaining", HeaderValue::from(app_left));
        resp
    }
}

/// What every organisation API checks, in Xero's order: a live token (401), a tenant the
/// token reaches (403), the scope the operation's `security` lists, read-write or `.read`
/// (401 insufficient_scope), then the rate limits (429). The refusal is boxed: it is the rare
/// path, and a bare `Response` would make every `Result` large.
pub(crate) fn admit(shared: &Shared, headers: &HeaderMap, scope: &str) -> Result<Admitted, Box<Response>> {
    let now_ms = shared.clock.now_ms();
    let mut st = shared.lock();
    let tok = bearer(shared, &st, headers).map_err(|r| Box::new(r.into_response()))?;
    let header_tenant = headers
        .get("xero-tenant-id")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty());
    let reachable = st.reachable(&tok);
    // Custom connections need no tenant header: the token reaches one organisation.
    let tenant = match (header_tenant, tok.custom) {
        (Some(t), _) => reachable.iter().find(|c| c.tenant_id == t).map(|c| c.tenant_id.clone()),
        (None, true) => reachable.first().map(|c| c.tenant_id.clone()),
        (None, false) => None,
    };
    let tenant = tenant.ok_or_else(|| Box::new(forbidden()))?;
    if !scopes::grants_read(&tok.scopes, scope) {
        return Err(Box::new(problem(
            StatusCode::UNAUTHORIZED,
            "AuthorizationUnsuccessful",
            Some("Bearer error=\"insufficient_scope\""),
        )));
    }
    let limits = rate_check(&mut st, &tenant, &tok.client_id, now_ms)
        .map_err(|(wait, problem)| Box::new(rate_limited_response(wait, problem)))?;
    // The organisation APIs serve organisations' books only: a Practice Manager tenant is
    // refused as an unknown tenant is (inferred: docs/xero-platform.md §7).
    let org = st.org(&tenant).filter(|o| !o.practice).cloned().ok_or_else(|| Box::new(forbidden()))?;
    let provider = st.apps.get(&tok.client_id).map(|a| a.spec.name.clone()).unwrap_or_default();
    Ok(Admitted { token: tok, org, provider, now_ms, limits })
}

/// GET /api.xro/2.0/Organisation: needs `accounting.settings(.read)`.
pub(crate) async fn organisation(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let a = match admit(&shared, &headers, "accounting.settings") {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let now = a.now_ms;
    let body = json!({
        "Id": ids::uuid(),
        "Status": "OK",
        "ProviderName": a.provider,
        "DateTimeUTC": dates::ms_date(now),
        "Organisations": [organisation_json(&a.org)],
    });
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.to_ascii_lowercase().contains("application/json"));
    let resp = if wants_json {
        Json(body).into_response()
    } else {
        // The Accounting API answers XML unless asked for JSON.
        let mut xml = String::from(
            "<Response xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">",
        );
        if let Value::Object(m) = &body {
            for (k, v) in m {
                let v = if k == "DateTimeUTC" { Value::from(dates::iso(now)) } else { v.clone() };
                to_xml(k, &v, &mut xml);
            }
        }
        xml.push_str("</Response>");
        (StatusCode::OK, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml).into_response()
    };
    a.with_limits(resp)
}
