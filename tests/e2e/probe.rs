//! Test Connection failures, each with its stable code and a sentence that says what to do:
//! an organisation disconnected from inside Xero, a rate limit, Xero down or garbled, a
//! missing scope, and consent needed again.

use xero_connect_e2e::TestEnv;
use xero_sim::{Endpoint, Fault, FaultKind};

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
    assert!(msg.contains("daily limit of 5,000 calls") && msg.contains("about 24 hours"), "{msg}");
    assert!(!msg.contains("86400"), "{msg}");
}
