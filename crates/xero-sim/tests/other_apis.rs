//! The other APIs' test calls over real HTTP: Assets Settings, Files Folders, Projects
//! ProjectsUsers and Payroll Settings (AU 1.0, NZ/UK 2.0) — each with its scope or `.read`
//! form, refused with 401 insufficient_scope without it, 403 for an organisation that is not
//! (or no longer) connected, and Payroll refusing an organisation of the other region.

mod common;

use common::*;
use serde_json::Value;
use xero_sim::{Endpoint, Simulator};

const PATHS: [&str; 5] = [
    "/assets.xro/1.0/Settings",
    "/files.xro/1.0/Folders",
    "/projects.xro/2.0/ProjectsUsers",
    "/payroll.xro/1.0/Settings",
    "/payroll.xro/2.0/Settings",
];

async fn get(
    sim: &Simulator,
    path: &str,
    access: &str,
    tenant: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut req = http().get(format!("{}{path}", sim.url())).bearer_auth(access).header("accept", "application/json");
    if let Some(t) = tenant {
        req = req.header("xero-tenant-id", t);
    }
    let resp = req.send().await.unwrap();
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    (status, headers, resp.text().await.unwrap())
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn each_api_answers_its_read_with_the_scope_or_its_read_form() {
    let (sim, au, nz) = sim_with_orgs();
    let scopes = "openid offline_access assets.read files projects.read payroll.settings.read";
    let (_, tokens) = connected_web_app(&http(), &sim, scopes).await;
    let access = s(&tokens["access_token"]).to_string();

    let (status, headers, body) = get(&sim, "/assets.xro/1.0/Settings", &access, Some(&au)).await;
    assert_eq!(status, 200, "{body}");
    assert!(headers.contains_key("x-minlimit-remaining"));
    assert_eq!(json(&body)["assetNumberPrefix"], "FA-");

    let (status, _, body) = get(&sim, "/files.xro/1.0/Folders", &access, Some(&au)).await;
    assert_eq!(status, 200, "{body}");
    let folders = json(&body);
    assert_eq!(folders[0]["IsInbox"], true);
    // Folder IDs are stable from call to call, as Xero's are.
    let (_, _, again) = get(&sim, "/files.xro/1.0/Folders", &access, Some(&au)).await;
    assert_eq!(json(&again)[0]["Id"], folders[0]["Id"]);

    let (status, _, body) = get(&sim, "/projects.xro/2.0/ProjectsUsers", &access, Some(&au)).await;
    assert_eq!(status, 200, "{body}");
    let users = json(&body);
    assert_eq!(users["items"][0]["email"], "staff@example.com");
    assert_eq!(users["pagination"]["itemCount"], 1);

    // Payroll: 1.0 for the Australian organisation, 2.0 for the New Zealand one; the other
    // version refuses each with 405.
    let (status, _, body) = get(&sim, "/payroll.xro/1.0/Settings", &access, Some(&au)).await;
    assert_eq!(status, 200, "{body}");
    assert!(json(&body)["Settings"]["Accounts"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(get(&sim, "/payroll.xro/2.0/Settings", &access, Some(&au)).await.0, 405);
    let (status, _, body) = get(&sim, "/payroll.xro/2.0/Settings", &access, Some(&nz)).await;
    assert_eq!(status, 200, "{body}");
    let v = json(&body);
    let types: Vec<&str> =
        v["settings"]["accounts"].as_array().unwrap().iter().filter_map(|a| a["type"].as_str()).collect();
    // New Zealand has no National Insurance: its accounts are NZ's types only.
    assert!(types.contains(&"PAYELIABILITY") && !types.contains(&"NICLIABILITY"), "{types:?}");
    assert_eq!(get(&sim, "/payroll.xro/1.0/Settings", &access, Some(&nz)).await.0, 405);

    assert_eq!(sim.count(Endpoint::AssetsSettings), 1);
    assert_eq!(sim.count(Endpoint::FilesFolders), 2);
    assert_eq!(sim.count(Endpoint::ProjectsUsers), 1);
    assert_eq!(sim.count(Endpoint::PayrollAuSettings), 2);
    assert_eq!(sim.count(Endpoint::PayrollSettings), 2);
}

#[tokio::test]
async fn without_the_operations_scope_each_read_is_401_insufficient_scope() {
    let (sim, au, _) = sim_with_orgs();
    // Accounting and other payroll scopes do not reach these operations (their `security`).
    let scopes = "openid offline_access accounting.settings payroll.employees payroll.timesheets.read";
    let (_, tokens) = connected_web_app(&http(), &sim, scopes).await;
    let access = s(&tokens["access_token"]).to_string();
    for path in PATHS {
        let (status, headers, body) = get(&sim, path, &access, Some(&au)).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert!(headers["www-authenticate"].to_str().unwrap().contains("insufficient_scope"), "{path}");
        assert_eq!(json(&body)["Detail"], "AuthorizationUnsuccessful", "{path}");
    }
}

#[tokio::test]
async fn a_disconnected_or_missing_organisation_is_403() {
    let (sim, au, _) = sim_with_orgs();
    let scopes = "openid offline_access assets files projects payroll.settings";
    let (_, tokens) = connected_web_app(&http(), &sim, scopes).await;
    let access = s(&tokens["access_token"]).to_string();
    for path in PATHS {
        assert_eq!(get(&sim, path, &access, None).await.0, 403, "{path} without xero-tenant-id");
    }
    sim.disconnect_in_xero(&au);
    for path in PATHS {
        let (status, _, body) = get(&sim, path, &access, Some(&au)).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(json(&body)["Title"], "Forbidden");
    }
    assert_eq!(get(&sim, PATHS[0], "not-a-token", Some(&au)).await.0, 401);
}
