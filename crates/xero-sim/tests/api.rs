//! End-to-end tests of the simulated API over real HTTP: `/connections` and its
//! authEventId filter, disconnecting, the Organisation call in JSON and XML, Xero's
//! 401/403/429 answers, injected faults, the request log and the portal pages.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use xero_sim::{decode_claims, seed_demo, AppSpec, Consent, Endpoint, Fault, FaultKind, Simulator};

async fn get_connections(http: &reqwest::Client, sim: &Simulator, access: &str, query: &str) -> reqwest::Response {
    http.get(format!("{}/connections{query}", sim.url())).bearer_auth(access).send().await.unwrap()
}

#[tokio::test]
async fn connections_listed_filtered_and_deleted() {
    let (sim, a, b) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    sim.set_consent(Consent::Allow(vec![a.clone()]));
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    let (_, first) = exchange(&http, &sim, &app, &code).await;
    sim.set_consent(Consent::Allow(vec![b.clone()]));
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    let (_, second) = exchange(&http, &sim, &app, &code).await;
    let access = s(&second["access_token"]).to_string();
    let event = decode_claims(&access).unwrap()["authentication_event_id"].as_str().unwrap().to_string();

    // The newest token reaches every organisation the user connected.
    let all: Value = get_connections(&http, &sim, &access, "").await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let c = &all[0];
    for field in ["id", "authEventId", "tenantId", "tenantName", "createdDateUtc", "updatedDateUtc"] {
        assert!(c[field].is_string(), "{field}");
    }
    assert_eq!(c["tenantType"], "ORGANISATION");
    let ts = s(&c["createdDateUtc"]);
    assert_eq!(ts.len(), "2019-12-07T18:46:19.5165400".len());
    assert!(!ts.ends_with('Z'));

    let just_now: Value =
        get_connections(&http, &sim, &access, &format!("?authEventId={event}")).await.json().await.unwrap();
    assert_eq!(just_now.as_array().unwrap().len(), 1);
    assert_eq!(just_now[0]["tenantId"], b.as_str());
    assert_eq!(just_now[0]["tenantName"], "Harbour Bakery");

    let id = s(&just_now[0]["id"]).to_string();
    let del = |id: String| {
        let http = http.clone();
        let url = format!("{}/connections/{id}", sim.url());
        let access = access.clone();
        async move { http.delete(url).bearer_auth(access).send().await.unwrap() }
    };
    let resp = del(id.clone()).await;
    assert_eq!(resp.status(), 204);
    let resp = del(id).await;
    assert_eq!(resp.status(), 404);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert!(!resp.text().await.unwrap().is_empty());
    let left = sim.connections_of(&app.client_id);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].tenant_id, a);
    // The first consent's token also sees only what is left.
    let rest: Value = get_connections(&http, &sim, s(&first["access_token"]), "").await.json().await.unwrap();
    assert_eq!(rest.as_array().unwrap().len(), 1);
    assert_eq!(sim.count(Endpoint::DeleteConnection), 2);
    assert_eq!(get_connections(&http, &sim, "garbage", "").await.status(), 401);
}

#[tokio::test]
async fn organisation_answers_json_with_schema_fields_and_xml_by_default() {
    let (sim, a, _) = sim_with_orgs();
    let http = http();
    let (_, tokens) = connected_web_app(&http, &sim, SCOPES).await;
    let access = s(&tokens["access_token"]);
    let resp = organisation(&http, &sim, access, Some(&a)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-minlimit-remaining"], "59");
    assert_eq!(resp.headers()["x-daylimit-remaining"], "4999");
    assert!(resp.headers().contains_key("x-appminlimit-remaining"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["Status"], "OK");
    assert_eq!(body["ProviderName"], "Acme Sync");
    assert!(s(&body["DateTimeUTC"]).starts_with("/Date("));
    assert!(body["Id"].is_string());
    let o = &body["Organisations"][0];
    assert_eq!(o["OrganisationID"], a.as_str());
    assert_eq!(o["Name"], "Demo Company (AU)");
    assert_eq!(o["Version"], "AU");
    assert_eq!(o["CountryCode"], "AU");
    assert_eq!(o["BaseCurrency"], "AUD");
    assert_eq!(o["IsDemoCompany"], true);
    assert!(o["PaysTax"].is_boolean());
    assert!(o["FinancialYearEndDay"].is_u64() && o["FinancialYearEndMonth"].is_u64());
    assert!(s(&o["CreatedDateUTC"]).starts_with("/Date("));
    for f in [
        "OrganisationType",
        "OrganisationStatus",
        "Timezone",
        "ShortCode",
        "Edition",
        "Class",
        "LegalName",
        "SalesTaxBasis",
    ] {
        assert!(o[f].is_string(), "{f}");
    }
    assert!(o["Addresses"].is_array() && o["Phones"].is_array() && o["ExternalLinks"].is_array());
    assert!(o["PaymentTerms"].is_object());

    let resp = http
        .get(format!("{}/api.xro/2.0/Organisation", sim.url()))
        .bearer_auth(access)
        .header("xero-tenant-id", &a)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().contains("xml"));
    let xml = resp.text().await.unwrap();
    assert!(xml.starts_with("<Response"));
    assert!(xml.contains(&format!("<OrganisationID>{a}</OrganisationID>")));
    assert!(xml.contains("<Organisations><Organisation>"));
}

#[tokio::test]
async fn expired_token_bad_token_and_missing_scope_are_401() {
    let (sim, a, _) = sim_with_orgs();
    let http = http();
    let (_, tokens) = connected_web_app(&http, &sim, SCOPES).await;
    let access = s(&tokens["access_token"]).to_string();
    sim.advance_clock(Duration::from_secs(1801));
    let resp = organisation(&http, &sim, &access, Some(&a)).await;
    assert_eq!(resp.status(), 401);
    assert!(resp.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["Title"], "Unauthorized");
    assert_eq!(body["Status"], 401);
    assert!(body["Type"].is_null() && body["Extensions"].is_object() && body["Instance"].is_string());
    assert!(s(&body["Detail"]).starts_with("TokenExpired: token expired at "), "{body}");

    let resp = organisation(&http, &sim, "not-a-token", Some(&a)).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.json::<Value>().await.unwrap()["Detail"], "AuthenticationUnsuccessful");

    // A shorter TTL applies to tokens issued afterwards.
    sim.set_access_token_ttl(60);
    let (_, short) = connected_web_app(&http, &sim, "offline_access accounting.contacts").await;
    assert_eq!(short["expires_in"], 60);
    let resp = organisation(&http, &sim, s(&short["access_token"]), Some(&a)).await;
    assert_eq!(resp.status(), 401);
    assert!(resp.headers()["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));
    assert_eq!(resp.json::<Value>().await.unwrap()["Detail"], "AuthorizationUnsuccessful");
}

#[tokio::test]
async fn tenant_missing_or_disconnected_in_xero_is_403() {
    let (sim, a, b) = sim_with_orgs();
    let http = http();
    let (app, tokens) = connected_web_app(&http, &sim, SCOPES).await;
    let access = s(&tokens["access_token"]);
    let resp = organisation(&http, &sim, access, None).await;
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["Title"], "Forbidden");
    assert_eq!(body["Detail"], "AuthenticationUnsuccessful");
    assert_eq!(organisation(&http, &sim, access, Some("00000000-0000-0000-0000-000000000000")).await.status(), 403);
    sim.disconnect_in_xero(&a);
    assert_eq!(organisation(&http, &sim, access, Some(&a)).await.status(), 403);
    assert_eq!(organisation(&http, &sim, access, Some(&b)).await.status(), 200);
    assert_eq!(sim.connections_of(&app.client_id).len(), 1);
}

/// A reset demo company keeps its name but gets a new tenant ID, and no app stays connected
/// to it: the old ID answers 403 and is gone from `/connections` (docs/xero-platform.md §7).
#[tokio::test]
async fn a_reset_demo_company_comes_back_with_a_new_id_and_no_connections() {
    let (sim, demo, other) = sim_with_orgs();
    let http = http();
    let (app, tokens) = connected_web_app(&http, &sim, SCOPES).await;
    let access = s(&tokens["access_token"]);
    let fresh = sim.reset_demo_company(&demo);
    assert_ne!(fresh, demo);
    assert_eq!(organisation(&http, &sim, access, Some(&demo)).await.status(), 403);
    assert_eq!(organisation(&http, &sim, access, Some(&fresh)).await.status(), 403, "not connected to the new one");
    let listed: Value = get_connections(&http, &sim, access, "").await.json().await.unwrap();
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|c| s(&c["tenantId"])).collect();
    assert_eq!(ids, [other.as_str()]);
    assert_eq!(sim.connections_of(&app.client_id).len(), 1);
    // Connecting again reaches it under its new ID, with the same name.
    sim.set_consent(Consent::Allow(vec![fresh.clone()]));
    let code = code_for(&http, &sim, &app, SCOPES, &[]).await;
    let (_, again) = exchange(&http, &sim, &app, &code).await;
    let resp = organisation(&http, &sim, s(&again["access_token"]), Some(&fresh)).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["Organisations"][0]["Name"], "Demo Company (AU)");
    assert_eq!(body["Organisations"][0]["OrganisationID"], fresh.as_str());
}

#[tokio::test]
async fn sixty_calls_a_minute_per_organisation_then_429() {
    let (sim, a, b) = sim_with_orgs();
    let http = http();
    let (_, tokens) = connected_web_app(&http, &sim, SCOPES).await;
    let access = s(&tokens["access_token"]);
    for i in 0..60 {
        assert_eq!(organisation(&http, &sim, access, Some(&a)).await.status(), 200, "call {i}");
    }
    let resp = organisation(&http, &sim, access, Some(&a)).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["x-rate-limit-problem"], "minute");
    let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    // Another organisation has its own window.
    assert_eq!(organisation(&http, &sim, access, Some(&b)).await.status(), 200);
    sim.advance_clock(Duration::from_secs(61));
    assert_eq!(organisation(&http, &sim, access, Some(&a)).await.status(), 200);
}

#[tokio::test]
async fn injected_faults_apply_in_order_then_normal_service_resumes() {
    let sim = Simulator::start().unwrap();
    let demo = seed_demo(&sim);
    let http = http();
    let cc = [("grant_type", "client_credentials")];
    let creds = (demo.custom.client_id.as_str(), demo.custom.client_secret.as_deref().unwrap());
    sim.inject(Fault {
        endpoint: Endpoint::Token,
        kind: FaultKind::Status {
            status: 503,
            body: "Service Unavailable".into(),
            headers: vec![("x-sim".into(), "1".into())],
        },
        times: 1,
    });
    sim.inject(Fault { endpoint: Endpoint::Token, kind: FaultKind::ConnectionReset, times: 1 });
    sim.inject(Fault { endpoint: Endpoint::Token, kind: FaultKind::GarbageBody, times: 1 });
    sim.inject(Fault { endpoint: Endpoint::Token, kind: FaultKind::Delay(Duration::from_millis(300)), times: 1 });
    let send = || http.post(format!("{}/connect/token", sim.url())).basic_auth(creds.0, Some(creds.1)).form(&cc).send();
    let r = send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["x-sim"], "1");
    assert_eq!(r.text().await.unwrap(), "Service Unavailable");

    let err = send().await.expect_err("connection reset gives no HTTP answer");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert!(err.status().is_none());

    let r = send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err());

    let started = Instant::now();
    let r = send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status(), 200);
    let access = s(&r.json::<Value>().await.unwrap()["access_token"]).to_string();
    assert_eq!(send().await.unwrap().status(), 200);

    sim.inject(Fault { endpoint: Endpoint::Organisation, kind: FaultKind::TokenExpired, times: 2 });
    sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::RateLimited { retry_after_secs: 7 },
        times: 1,
    });
    for _ in 0..2 {
        let r = organisation(&http, &sim, &access, None).await;
        assert_eq!(r.status(), 401);
        assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
        assert!(s(&r.json::<Value>().await.unwrap()["Detail"]).starts_with("TokenExpired"));
    }
    let r = organisation(&http, &sim, &access, None).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert_eq!(r.headers()["x-rate-limit-problem"], "minute");
    assert_eq!(organisation(&http, &sim, &access, None).await.status(), 200);

    let statuses: Vec<u16> = sim.requests().iter().filter(|r| r.path == "/connect/token").map(|r| r.status).collect();
    assert_eq!(statuses, vec![503, 0, 200, 200, 200]);
    assert_eq!(sim.count(Endpoint::Token), 5);
    assert_eq!(sim.count_grant("client_credentials"), 5);
    assert_eq!(sim.count(Endpoint::Organisation), 4);
}

#[tokio::test]
async fn request_log_holds_no_secrets_codes_or_tokens() {
    let sim = Simulator::start().unwrap();
    let demo = seed_demo(&sim);
    let http = http();
    let code = code_for(&http, &sim, &demo.web, SCOPES, &[("state", "abc")]).await;
    let (_, tokens) = exchange(&http, &sim, &demo.web, &code).await;
    let rt = s(&tokens["refresh_token"]).to_string();
    refresh(&http, &sim, &demo.web.client_id, demo.web.client_secret.as_deref().unwrap(), &rt).await;
    let log = format!("{:?}", sim.requests());
    for secret in [code.as_str(), demo.web.client_secret.as_deref().unwrap(), &rt, s(&tokens["access_token"])] {
        assert!(!log.contains(secret));
    }
    let token_reqs: Vec<_> = sim.requests().into_iter().filter(|r| r.path == "/connect/token").collect();
    assert_eq!(token_reqs[0].grant_type.as_deref(), Some("authorization_code"));
    assert_eq!(token_reqs[1].grant_type.as_deref(), Some("refresh_token"));
    assert!(token_reqs.iter().all(|r| r.query.is_empty() && r.method == "POST"));
    let auth = sim.requests().into_iter().find(|r| r.path == "/identity/connect/authorize").unwrap();
    assert!(auth.query.contains("client_id="));
}

#[tokio::test]
async fn demo_seed_portal_pages_and_unknown_paths() {
    let sim = Simulator::start().unwrap();
    let demo = seed_demo(&sim);
    assert_eq!(demo.web.client_id, xero_sim::DEMO_WEB_CLIENT_ID);
    assert_eq!(demo.web.client_secret.as_deref(), Some(xero_sim::DEMO_WEB_CLIENT_SECRET));
    assert_eq!(demo.pkce.client_secret, None);
    assert_eq!(demo.demo_company, xero_sim::DEMO_TENANT_AU);
    for id in [&demo.web.client_id, &demo.pkce.client_id, &demo.custom.client_id] {
        assert!(id.len() == 32 && id.chars().all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)));
    }
    for secret in [&demo.web.client_secret, &demo.custom.client_secret] {
        let secret = secret.as_deref().unwrap();
        assert!(secret.len() == 48 && secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
    // The custom connection is already connected to Demo Company.
    let conns = sim.connections_of(&demo.custom.client_id);
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].tenant_name, "Demo Company (AU)");

    let http = http();
    let list = http.get(format!("{}/app/manage", sim.url())).send().await.unwrap();
    assert_eq!(list.status(), 200);
    let html = list.text().await.unwrap();
    for name in ["Acme Sync", "Acme Desktop", "Acme Back Office"] {
        assert!(html.contains(name));
    }
    assert!(!html.contains(demo.web.client_secret.as_deref().unwrap()));
    let href = html.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
    let one = http.get(format!("{}{href}", sim.url())).send().await.unwrap();
    assert_eq!(one.status(), 200);
    let page = one.text().await.unwrap();
    assert!(page.contains(&demo.web.client_id) && !page.contains(demo.web.client_secret.as_deref().unwrap()));

    let nf = http.get(format!("{}/nowhere", sim.url())).send().await.unwrap();
    assert_eq!(nf.status(), 404);
    assert!(nf.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(sim.count(Endpoint::Other), 3);

    // The seeded UK and NZ organisations share a name.
    let consent_html = http
        .get(authorize_url(&sim, &demo.web.client_id, REDIRECT, SCOPES, &[]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(consent_html.matches("> Harbour Bakery</label>").count(), 2);
    assert_eq!(values_of(&consent_html, "tenant").len(), 3);
}

#[test]
fn simulator_is_usable_from_plain_synchronous_code() {
    let sim = Simulator::start().unwrap();
    let url = sim.url();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with('/'));
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    stream
        .write_all(b"GET /.well-known/openid-configuration HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"));
    assert_eq!(sim.count(Endpoint::Discovery), 1);
    drop(sim);
    // Dropping the handle shuts the server down.
    let deadline = Instant::now() + Duration::from_secs(2);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(Instant::now() < deadline, "server still listening after drop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn simulator_handle_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Simulator>();
}

/// The text of every `<h1>` of a page, tags removed.
fn headings(html: &str) -> Vec<String> {
    html.split("<h1>")
        .skip(1)
        .map(|rest| {
            let inner = &rest[..rest.find("</h1>").unwrap()];
            let mut text = String::new();
            let mut in_tag = false;
            for c in inner.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

#[tokio::test]
async fn every_simulated_page_says_practice_not_xero_in_its_heading() {
    let (sim, _, _) = sim_with_orgs();
    let app = sim.add_app(AppSpec::default());
    let http = http();
    let get = |url: String| {
        let http = http.clone();
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let consent = get(authorize_url(&sim, &app.client_id, REDIRECT, SCOPES, &[("state", "s")])).await;
    let list = get(format!("{}/app/manage", sim.url())).await;
    let href = list.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let detail = get(format!("{}{href}", sim.url())).await;
    let error = get(authorize_url(&sim, &app.client_id, "http://localhost:1/other", SCOPES, &[])).await;
    for (name, page) in [("consent", &consent), ("portal list", &list), ("portal app", &detail), ("error", &error)] {
        let h = headings(page);
        assert!(!h.is_empty() && h.iter().all(|h| h.starts_with("Practice \u{2014} not Xero")), "{name}: {h:?}");
    }
}
