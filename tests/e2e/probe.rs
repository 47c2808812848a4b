//! Test Connection for every API — the call chosen from the granted scopes, green, and refused
//! once the organisation disconnects the app inside Xero — and its failures, each with its
//! stable code and a sentence that says what to do: an organisation disconnected from inside
//! Xero, a rate limit, Xero down or garbled, a missing scope, and consent needed again.

use xero_connect_e2e::TestEnv;
use xero_sim::{Endpoint, Fault, FaultKind};

/// A connection "shop" to one new organisation, set up with exactly these scopes (the CLI adds
/// only the identity essentials). Returns the tenant ID.
fn connect_with_scopes(env: &TestEnv, org: (&str, &str, &str), scopes: &str) -> String {
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let tenant = env.org(org.0, org.1, org.2);
    let secret = app.client_secret.clone().unwrap();
    env.cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--scopes", scopes, "--json"])
        .stdin(&format!("{secret}\n"))
        .run()
        .ok();
    tenant
}

/// One API's Test Connection: what is granted, and what must answer.
struct Case {
    org: (&'static str, &'static str, &'static str),
    scopes: &'static str,
    api: &'static str,
    answered_by: &'static str,
    /// The paths called at Xero, in order, for the green test.
    calls: &'static [&'static str],
}

/// Green: the organisation named (from the Organisation or the connection's tenantName), the
/// API that answered, country and currency only when the Organisation was read. Then the
/// organisation disconnects the app in Xero and the same test fails as disconnected.
fn green_then_disconnected(case: Case) {
    let env = TestEnv::new();
    let tenant = connect_with_scopes(&env, case.org, case.scopes);
    let before = env.sim.requests().len();
    let v = env.cli(&["test", "shop", "--json"]).run().ok().json();
    assert_eq!(v["api"], case.api, "{v}");
    assert_eq!(v["answered_by"], case.answered_by, "{v}");
    assert_eq!(v["organisation"]["name"], case.org.0, "{v}");
    assert_eq!(v["organisation"]["id"], tenant.as_str(), "{v}");
    let accounting = case.api == "accounting";
    assert_eq!(v["organisation"]["country_code"].as_str(), accounting.then_some(case.org.1), "{v}");
    assert_eq!(v["organisation"]["base_currency"].as_str(), accounting.then_some(case.org.2), "{v}");
    // Exactly the chosen calls reached Xero (a token refresh aside), each answered.
    let api_calls: Vec<(String, u16)> = env.sim.requests()[before..]
        .iter()
        .filter(|r| r.path != "/connect/token")
        .map(|r| (r.path.clone(), r.status))
        .collect();
    let paths: Vec<&str> = api_calls.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(paths, case.calls, "{api_calls:?}");
    assert_eq!(api_calls.last().map(|c| c.1), Some(200), "{api_calls:?}");
    let human = env.cli(&["test", "shop"]).run().ok();
    assert!(human.stdout.starts_with(&format!("Connected to {}.", case.org.0)), "{}", human.stdout);
    assert!(human.stdout.contains(&format!("Answered by:     {}", case.answered_by)), "{}", human.stdout);
    assert_eq!(human.stdout.contains("Country:"), accounting, "{}", human.stdout);

    env.sim.disconnect_in_xero(&tenant);
    let (code, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!((code, err.as_str()), (1, "organisation_disconnected"), "{msg}");
    assert!(msg.contains("reconnect"), "{msg}");
    let show = env.cli(&["show", "shop", "--json"]).run().ok().json();
    assert_eq!(show["last_test"]["error_code"], "organisation_disconnected");
}

#[test]
fn accounting_settings_reads_the_organisation() {
    green_then_disconnected(Case {
        org: ("Maple Florists", "NZ", "NZD"),
        scopes: "accounting.invoices accounting.settings.read assets.read",
        api: "accounting",
        answered_by: "Accounting API",
        calls: &["/api.xro/2.0/Organisation"],
    });
}

#[test]
fn assets_alone_reads_the_assets_settings() {
    green_then_disconnected(Case {
        org: ("Harbour Bakery", "AU", "AUD"),
        scopes: "assets.read files",
        api: "assets",
        answered_by: "Assets API",
        calls: &["/assets.xro/1.0/Settings"],
    });
}

#[test]
fn files_alone_reads_the_folders() {
    green_then_disconnected(Case {
        org: ("Paper Trail", "GB", "GBP"),
        scopes: "files.read projects",
        api: "files",
        answered_by: "Files API",
        calls: &["/files.xro/1.0/Folders"],
    });
}

#[test]
fn projects_alone_reads_the_project_users() {
    green_then_disconnected(Case {
        org: ("Build Right", "NZ", "NZD"),
        scopes: "projects accounting.contacts",
        api: "projects",
        answered_by: "Projects API",
        calls: &["/projects.xro/2.0/ProjectsUsers"],
    });
}

#[test]
fn payroll_in_australia_falls_back_to_payroll_au() {
    green_then_disconnected(Case {
        org: ("Outback Cafe", "AU", "AUD"),
        scopes: "payroll.settings.read payroll.employees",
        api: "payroll_au",
        answered_by: "Payroll AU API",
        calls: &["/payroll.xro/2.0/Settings", "/payroll.xro/1.0/Settings"],
    });
}

#[test]
fn payroll_in_the_uk_reads_payroll_2() {
    green_then_disconnected(Case {
        org: ("Thames Joinery", "GB", "GBP"),
        scopes: "payroll.settings payroll.timesheets",
        api: "payroll_nz_uk",
        answered_by: "Payroll NZ/UK API",
        calls: &["/payroll.xro/2.0/Settings"],
    });
}

#[test]
fn no_api_scope_proves_the_connection_with_connections() {
    // Payroll scopes other than payroll.settings do not reach any Settings read.
    green_then_disconnected(Case {
        org: ("Quiet Ledger", "NZ", "NZD"),
        scopes: "payroll.employees.read",
        api: "connections",
        answered_by: "Xero's list of connected organisations",
        calls: &["/connections"],
    });
}

fn error(run: &xero_connect_e2e::Run) -> (i32, String, String) {
    let v = run.json();
    (run.code, v["error"]["code"].as_str().unwrap().into(), v["error"]["message"].as_str().unwrap().into())
}

#[test]
fn an_organisation_disconnected_in_xero_asks_to_reconnect() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    env.sim.disconnect_in_xero(&c.tenant);
    let (code, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!((code, err.as_str()), (1, "organisation_disconnected"));
    assert!(msg.contains("reconnect"), "{msg}");
    let show = env.cli(&["show", "shop", "--json"]).run().ok().json();
    assert_eq!(show["last_test"]["ok"], false);
    assert_eq!(show["last_test"]["error_code"], "organisation_disconnected");
    let human = env.cli(&["test", "shop"]).run();
    assert!(
        human.stderr.contains("error (organisation_disconnected): The organisation has disconnected"),
        "{}",
        human.stderr
    );
}

#[test]
fn a_rate_limit_says_how_long_to_wait() {
    let env = TestEnv::new();
    env.connect_web("shop");
    env.sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::RateLimited { retry_after_secs: 17 },
        times: 1,
    });
    let run = env.cli(&["test", "shop", "--json"]).run();
    let (code, err, msg) = error(&run);
    assert_eq!((code, err.as_str()), (1, "rate_limited"));
    assert!(msg.contains("17 seconds"), "{msg}");
}

#[test]
fn xero_unavailable_covers_5xx_garbage_and_resets() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let faults = [
        FaultKind::Status { status: 503, body: "Organisation offline".into(), headers: vec![] },
        FaultKind::GarbageBody,
        FaultKind::ConnectionReset,
    ];
    for kind in faults {
        env.sim.inject(Fault { endpoint: Endpoint::Organisation, kind: kind.clone(), times: 1 });
        let (code, err, _) = error(&env.cli(&["test", "shop", "--json"]).run());
        assert_eq!((code, err.as_str()), (1, "xero_unavailable"), "{kind:?}");
    }
    env.cli(&["test", "shop"]).run().ok();
}

#[test]
fn no_network_when_xero_cannot_be_reached() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let port = xero_connect_e2e::free_port();
    let run = env.cli(&["test", "shop", "--json"]).env("XERO_API_URL", &format!("http://127.0.0.1:{port}")).run();
    assert_eq!(error(&run).1, "no_network");
}

#[test]
fn a_missing_scope_is_named() {
    let env = TestEnv::new();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    // Without accounting.settings(.read) Test Connection is refused with insufficient_scope.
    env.sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::Status {
            status: 401,
            body: r#"{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}"#.into(),
            headers: vec![("WWW-Authenticate".into(), "Bearer error=\"insufficient_scope\"".into())],
        },
        times: 1,
    });
    env.cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri])
        .stdin(&app.client_secret.clone().unwrap())
        .run()
        .ok();
    let (code, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!((code, err.as_str()), (1, "missing_scope"));
    assert!(msg.contains("accounting.settings.read"), "{msg}");
}

#[test]
fn an_expired_authorisation_needs_consent_again() {
    let env = TestEnv::new();
    env.sim.set_access_token_ttl(60);
    env.connect_web("shop");
    env.sim.kill_refresh_tokens();
    let (code, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!((code, err.as_str()), (1, "invalid_grant"));
    assert!(msg.contains("reconnect"), "{msg}");
}

#[test]
fn a_daily_rate_limit_names_the_limit_and_the_wait_in_hours() {
    let env = TestEnv::new();
    env.connect_web("shop");
    env.sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::Status {
            status: 429,
            body: "Rate limit exceeded".into(),
            headers: vec![("Retry-After".into(), "86400".into()), ("X-Rate-Limit-Problem".into(), "day".into())],
        },
        times: 1,
    });
    let (code, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!((code, err.as_str()), (1, "rate_limited"));
    // The daily limit depends on the app's tier (issue 16): no number is named.
    assert!(msg.contains("daily limit of calls") && msg.contains("about 24 hours"), "{msg}");
    assert!(!msg.contains("5,000"), "{msg}");
    assert!(!msg.contains("86400"), "{msg}");
}

#[test]
fn other_apis_failures_are_classified_as_the_organisations_are() {
    let env = TestEnv::new();
    connect_with_scopes(&env, ("Thames Joinery", "GB", "GBP"), "payroll.settings.read");
    let fault = |kind: FaultKind| env.sim.inject(Fault { endpoint: Endpoint::PayrollSettings, kind, times: 1 });
    let au_calls = || env.sim.count(Endpoint::PayrollAuSettings);

    // A 5xx from Payroll 2.0 is Xero being down, not "another region": no 1.0 call follows.
    fault(FaultKind::Status { status: 503, body: "Service Unavailable".into(), headers: vec![] });
    let (code, err, _) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!((code, err.as_str()), (1, "xero_unavailable"));
    assert_eq!(au_calls(), 0);

    fault(FaultKind::RateLimited { retry_after_secs: 17 });
    let (_, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!(err, "rate_limited");
    assert!(msg.contains("17 seconds"), "{msg}");

    // An expired token: refreshed once, and the same call answers.
    fault(FaultKind::TokenExpired);
    let v = env.cli(&["test", "shop", "--json"]).run().ok().json();
    assert_eq!(v["api"], "payroll_nz_uk", "{v}");
    assert_eq!(env.sim.count_grant("refresh_token"), 1);
    assert_eq!(au_calls(), 0);

    // A scope Xero no longer grants is named with the call that needed it.
    fault(FaultKind::Status {
        status: 401,
        body: r#"{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}"#.into(),
        headers: vec![("WWW-Authenticate".into(), "Bearer error=\"insufficient_scope\"".into())],
    });
    let (_, err, msg) = error(&env.cli(&["test", "shop", "--json"]).run());
    assert_eq!(err, "missing_scope");
    assert!(msg.contains("payroll.settings.read") && msg.contains("/payroll.xro/2.0/Settings"), "{msg}");
}
