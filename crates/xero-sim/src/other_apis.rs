//! The cheapest read of each API besides Accounting, as Test Connection calls them
//! (docs/xero-platform.md §13): Assets `GET Settings`, Files `GET Folders`, Projects
//! `GET ProjectsUsers`, and Payroll `GET Settings` in its AU (`/payroll.xro/1.0`) and NZ/UK
//! (`/payroll.xro/2.0`) versions. Each checks what `api::admit` checks, with the scope its
//! OpenAPI operation's `security` lists, and answers in the shape of that definition
//! (`tests/contract/xero-openapi/`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::api::{admit, Admitted};
use crate::dates;
use crate::ids;
use crate::state::{OrgRec, Shared};

/// A uuid that stays the same for one organisation's thing (a folder, an account), as Xero's
/// IDs do from call to call.
fn stable_id(tenant: &str, what: &str) -> String {
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        (salt, tenant, what).hash(&mut h);
        h.finish().to_be_bytes()
    };
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&half(1));
    b[8..].copy_from_slice(&half(2));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = ids::hex(&b, false);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Runs `answer` for an admitted request, or returns the refusal.
fn serve(shared: &Shared, headers: &HeaderMap, scope: &str, answer: impl FnOnce(&Admitted) -> Response) -> Response {
    match admit(shared, headers, scope) {
        Ok(a) => a.with_limits(answer(&a)),
        Err(refusal) => *refusal,
    }
}

/// GET /assets.xro/1.0/Settings (`xero_assets.yaml`, schema `Setting`): `assets(.read)`.
pub(crate) async fn assets_settings(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    serve(&shared, &headers, "assets", |a| {
        // Dates as in Xero's example: "2016-01-01 00:00:00".
        let start = dates::iso(a.org.created_ms);
        Json(json!({
            "assetNumberPrefix": "FA-",
            "assetNumberSequence": "0001",
            "assetStartDate": format!("{} 00:00:00", &start[..10]),
            "optInForTax": false,
        }))
        .into_response()
    })
}

/// GET /files.xro/1.0/Folders (`xero_files.yaml`, an array of `Folder`): `files(.read)`.
/// Every organisation has its Inbox, with the address files can be emailed to.
pub(crate) async fn files_folders(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    serve(&shared, &headers, "files", |a| {
        let o = &a.org;
        Json(json!([{
            "Name": "Inbox",
            "FileCount": 0,
            "Email": format!("xero.inbox.{}@xerofiles.com", o.short_code.trim_start_matches('!').to_ascii_lowercase()),
            "IsInbox": true,
            "Id": stable_id(&o.tenant_id, "inbox"),
        }]))
        .into_response()
    })
}

/// GET /projects.xro/2.0/ProjectsUsers (`xero-projects.yaml`, `ProjectUsers`):
/// `projects(.read)`. The users are the organisation's; here, the user who authorised the token.
pub(crate) async fn projects_users(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    serve(&shared, &headers, "projects", |a| {
        let users: Vec<Value> = shared
            .lock()
            .user_by_id(&a.token.user_id)
            .map(|u| {
                json!({
                    "userId": u.id,
                    "name": format!("{} {}", u.user.given_name, u.user.family_name),
                    "email": u.user.email,
                })
            })
            .into_iter()
            .collect();
        Json(json!({
            "pagination": {"page": 1, "pageSize": 50, "pageCount": 1, "itemCount": users.len()},
            "items": users,
        }))
        .into_response()
    })
}

/// Which payroll version serves an organisation: 1.0 in Australia, 2.0 in New Zealand and the
/// UK, none elsewhere (the `info.description` of xero-payroll-{au,nz,uk}.yaml).
fn payroll_version(o: &OrgRec) -> Option<&'static str> {
    match o.spec.country_code.as_str() {
        "AU" => Some("1.0"),
        "NZ" | "GB" | "UK" => Some("2.0"),
        _ => None,
    }
}

/// An organisation of another region: 405 without a body (observed for 2.0 on an Australian
/// organisation; the converse and the empty body are inferred, docs/xero-platform.md §13).
fn other_region() -> Response {
    StatusCode::METHOD_NOT_ALLOWED.into_response()
}

/// GET /payroll.xro/1.0/Settings (`xero-payroll-au.yaml`, `SettingsObject` with the
/// Accounting-style envelope of its example): `payroll.settings(.read)`.
pub(crate) async fn payroll_au_settings(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    serve(&shared, &headers, "payroll.settings", |a| {
        if payroll_version(&a.org) != Some("1.0") {
            return other_region();
        }
        let t = &a.org.tenant_id;
        let account = |ty: &str, code: &str, name: &str| json!({"AccountID": stable_id(t, ty), "Type": ty, "Code": code, "Name": name});
        Json(json!({
            "Id": ids::uuid(),
            "Status": "OK",
            "ProviderName": a.provider,
            "DateTimeUTC": dates::ms_date(a.now_ms),
            "Settings": {
                "Accounts": [
                    account("BANK", "090", "Business Bank Account"),
                    account("WAGESPAYABLELIABILITY", "804", "Wages Payable - Payroll"),
                    account("PAYGLIABILITY", "825", "PAYG Withholdings Payable"),
                    account("SUPERANNUATIONEXPENSE", "478", "Superannuation"),
                    account("SUPERANNUATIONLIABILITY", "826", "Superannuation Payable"),
                    account("WAGESEXPENSE", "477", "Wages and Salaries"),
                ],
                "DaysInPayrollYear": 365,
            },
        }))
        .into_response()
    })
}

/// GET /payroll.xro/2.0/Settings (`xero-payroll-nz.yaml` and `xero-payroll-uk.yaml`,
/// `Settings` with the envelope of their examples): `payroll.settings(.read)`. The accounts
/// are each country's own types.
pub(crate) async fn payroll_settings(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    serve(&shared, &headers, "payroll.settings", |a| {
        if payroll_version(&a.org) != Some("2.0") {
            return other_region();
        }
        let t = &a.org.tenant_id;
        let account = |ty: &str, code: &str, name: &str| json!({"accountID": stable_id(t, ty), "type": ty, "code": code, "name": name});
        let mut accounts = vec![
            account("BANK", "090", "Business Bank Account"),
            account("PAYELIABILITY", "825", "PAYE Payable"),
            account("WAGESPAYABLE", "814", "Wages Payable - Payroll"),
            account("WAGESEXPENSE", "477", "Salaries"),
        ];
        if a.org.spec.country_code != "NZ" {
            accounts.push(account("NICLIABILITY", "826", "NIC Payable"));
            accounts.push(account("EMPLOYERSNIC", "479", "Employers National Insurance"));
        }
        // As in Xero's examples: a `/connections`-style timestamp, status as a word.
        Json(json!({
            "id": ids::uuid(),
            "providerName": a.provider,
            "dateTimeUTC": dates::connection_ts(a.now_ms),
            "httpStatusCode": "OK",
            "pagination": null,
            "problem": null,
            "settings": {"accounts": accounts},
        }))
        .into_response()
    })
}
