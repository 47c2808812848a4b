//! Helpers shared by the simulator's integration tests: an HTTP client that does not
//! follow redirects, building authorize URLs, walking the consent page like a user,
//! and exchanging codes. Each test starts its own `Simulator`.
#![allow(dead_code)]

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use xero_sim::{App, AppKind, AppSpec, OrgSpec, Simulator};

pub const REDIRECT: &str = "http://localhost:8749/callback";
pub const SCOPES: &str = "openid profile email offline_access accounting.settings accounting.contacts";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K9ZSTATE-verifier_0123456789abcdef~.";

/// An HTTP client that, like the tests need, never follows redirects.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A simulator with two organisations; returns it and their tenant ids.
pub fn sim_with_orgs() -> (Simulator, String, String) {
    let sim = Simulator::start().unwrap();
    let a = sim.add_org(OrgSpec::default());
    let b = sim.add_org(OrgSpec::company("Harbour Bakery", "NZ", "NZD"));
    (sim, a, b)
}

pub fn pkce_spec() -> AppSpec {
    AppSpec { name: "Acme Desktop".into(), kind: AppKind::Pkce, ..AppSpec::default() }
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The authorize URL with the usual parameters plus `extra`.
pub fn authorize_url(sim: &Simulator, client_id: &str, redirect: &str, scope: &str, extra: &[(&str, &str)]) -> String {
    let mut u = url::Url::parse(&format!("{}/identity/connect/authorize", sim.url())).unwrap();
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect)
            .append_pair("scope", scope);
        for (k, v) in extra {
            q.append_pair(k, v);
        }
    }
    u.to_string()
}

/// Values of `name="<name>" value="…"` attributes in a page.
pub fn values_of(html: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Loads the consent page and posts a decision with the given tenants (all listed
/// ones when `None`); returns the redirect Location.
pub async fn consent(
    http: &reqwest::Client,
    sim: &Simulator,
    authorize: &str,
    decision: &str,
    tenants: Option<Vec<String>>,
) -> url::Url {
    let page = http.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let consent_id = values_of(&html, "consent_id").remove(0);
    let tenants = tenants.unwrap_or_else(|| values_of(&html, "tenant"));
    let mut form: Vec<(String, String)> = vec![("consent_id".into(), consent_id)];
    for t in tenants {
        form.push(("tenant".into(), t));
    }
    form.push(("decision".into(), decision.into()));
    let resp = http.post(format!("{}/identity/connect/authorize/consent", sim.url())).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 302, "consent should redirect");
    url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

pub fn param(u: &url::Url, name: &str) -> Option<String> {
    u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Runs authorize + consent (all orgs) for a web app and returns the code.
pub async fn code_for(
    http: &reqwest::Client,
    sim: &Simulator,
    app: &App,
    scope: &str,
    extra: &[(&str, &str)],
) -> String {
    let loc = consent(http, sim, &authorize_url(sim, &app.client_id, REDIRECT, scope, extra), "allow", None).await;
    param(&loc, "code").expect("code in callback")
}

/// POSTs a token request; returns (status, JSON body).
pub async fn token(
    http: &reqwest::Client,
    sim: &Simulator,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = http.post(format!("{}/connect/token", sim.url())).form(form);
    if let Some((id, secret)) = basic {
        req = req.header("authorization", format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Exchanges a code for a web app with HTTP Basic.
pub async fn exchange(http: &reqwest::Client, sim: &Simulator, app: &App, code: &str) -> (u16, Value) {
    token(
        http,
        sim,
        Some((&app.client_id, app.client_secret.as_deref().unwrap())),
        &[("grant_type", "authorization_code"), ("code", code), ("redirect_uri", REDIRECT)],
    )
    .await
}

/// Refreshes with HTTP Basic and a given secret.
pub async fn refresh(http: &reqwest::Client, sim: &Simulator, client_id: &str, secret: &str, rt: &str) -> (u16, Value) {
    token(http, sim, Some((client_id, secret)), &[("grant_type", "refresh_token"), ("refresh_token", rt)]).await
}

/// A web app that has consented to all organisations; returns the app and tokens.
pub async fn connected_web_app(http: &reqwest::Client, sim: &Simulator, scope: &str) -> (App, Value) {
    let app = sim.add_app(AppSpec::default());
    let code = code_for(http, sim, &app, scope, &[("state", "s1")]).await;
    let (status, body) = exchange(http, sim, &app, &code).await;
    assert_eq!(status, 200, "{body}");
    (app, body)
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// GET Organisation with a token and optional tenant header, asking for JSON.
pub async fn organisation(
    http: &reqwest::Client,
    sim: &Simulator,
    access: &str,
    tenant: Option<&str>,
) -> reqwest::Response {
    let mut req = http
        .get(format!("{}/api.xro/2.0/Organisation", sim.url()))
        .bearer_auth(access)
        .header("accept", "application/json");
    if let Some(t) = tenant {
        req = req.header("xero-tenant-id", t);
    }
    req.send().await.unwrap()
}
