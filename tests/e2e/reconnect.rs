//! Reconnect: a regenerated secret proven by a refresh without the browser, a dead refresh
//! token that needs consent again, and a mistyped new secret that must not break anything.

use xero_connect_e2e::TestEnv;
use xero_sim::Endpoint;

#[test]
fn a_new_secret_is_proven_by_refresh_without_a_browser() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    let old = c.secret();
    let new = env.sim.generate_secret(&c.app.client_id);
    env.sim.delete_secret(&c.app.client_id, &old);
    let authorize_before = env.sim.count(Endpoint::Authorize);

    let v = env.cli(&["reconnect", "shop", "--json"]).stdin(&format!("{new}\n")).run().ok().json();
    assert_eq!(v["method"], "refresh");
    assert_eq!(v["organisation"]["id"], c.tenant.as_str(), "the chosen organisation is kept");
    assert_eq!(env.sim.count(Endpoint::Authorize), authorize_before, "no browser consent");
    assert_eq!(env.keychain_record("shop").unwrap()["client_secret"], new.as_str());

    // The new secret keeps working for later refreshes.
    env.sim.advance_clock(std::time::Duration::from_secs(3600));
    let t = env.cli(&["test", "shop", "--json"]).run();
    // The stored access token is still fresh by the local clock, so Xero's 401 TokenExpired
    // drives the refresh-and-retry with the new secret.
    assert_eq!(t.code, 0, "{t:?}");
    assert!(env.sim.count_grant("refresh_token") >= 2);
}

#[test]
fn a_mistyped_new_secret_leaves_the_working_connection_alone() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    let typo = xero_connect_e2e::mistyped(&c.secret());
    let run = env.cli(&["reconnect", "shop", "--json"]).stdin(&typo).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "invalid_client"));
    assert_eq!(env.keychain_record("shop").unwrap()["client_secret"], c.secret().as_str(), "old secret kept");
    env.cli(&["test", "shop"]).run().ok();
    // And the refresh token was not consumed by the failed attempt.
    env.sim.advance_clock(std::time::Duration::from_secs(3600));
    env.cli(&["test", "shop"]).run().ok();
}

#[test]
fn a_dead_refresh_token_asks_for_consent_again() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    env.sim.kill_refresh_tokens();
    let new = env.sim.generate_secret(&c.app.client_id);
    let run = env.cli(&["reconnect", "shop", "--json"]).stdin(&new).run().ok();
    let v = run.json();
    assert_eq!(v["method"], "consent");
    assert!(run.stderr.contains("allow access again"), "{}", run.stderr);
    assert_eq!(env.sim.count(Endpoint::Authorize), 2, "the browser was used a second time");
    assert_eq!(v["organisation"]["id"], c.tenant.as_str());
    env.cli(&["test", "shop"]).run().ok();
}

#[test]
fn reconnect_of_an_unknown_name_lists_the_known_ones() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let run = env.cli(&["reconnect", "shoop", "--json"]).stdin("x").run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "unknown_connection"));
    assert!(run.stdout.contains("shop"));
}

/// A refresh proves the grant, not the organisation: after the organisation disconnected the
/// app inside Xero, reconnect with the same secret must not "succeed" by a refresh and leave
/// Test Connection failing for ever. It says why in one sentence, runs the consent, and then
/// Test Connection passes; the next reconnect is a plain refresh again (no loop).
#[test]
fn reconnect_heals_an_organisation_disconnected_inside_xero() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    env.sim.disconnect_in_xero(&c.tenant);
    let t = env.cli(&["test", "shop", "--json"]).run();
    assert_eq!((t.code, t.error_code().as_str()), (1, "organisation_disconnected"));

    let run = env.cli(&["reconnect", "shop", "--json"]).stdin(&format!("{}\n", c.secret())).run().ok();
    assert!(
        run.stderr.contains("Maple Florists") && run.stderr.contains("is no longer connected to this app"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("disconnected inside Xero"), "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["method"], "consent");
    assert_eq!(v["organisation"]["id"], c.tenant.as_str(), "the same organisation, chosen again at Xero");
    assert_eq!(env.sim.count(Endpoint::Authorize), 2, "the consent page was used again");
    env.cli(&["test", "shop"]).run().ok();

    let again = env.cli(&["reconnect", "shop", "--json"]).stdin(&c.secret()).run().ok().json();
    assert_eq!(again["method"], "refresh", "healthy again: no browser");
    assert_eq!(env.sim.count(Endpoint::Authorize), 2);
}

/// A reset demo company has the same name and a new tenant ID. Reconnect notices, consents
/// again, and does not take the same-named organisation silently: a script is told to choose
/// (with the new ID in the message); choosing it makes Test Connection pass.
#[test]
fn a_reset_demo_company_is_chosen_again_and_never_taken_silently() {
    let env = TestEnv::new();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let demo = env.sim.add_org(xero_sim::OrgSpec::default());
    let secret = app.client_secret.clone().unwrap();
    env.cli(&["setup", "demo", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&secret)
        .run()
        .ok();
    let fresh = env.sim.reset_demo_company(&demo);
    let t = env.cli(&["test", "demo", "--json"]).run();
    assert_eq!(t.error_code(), "organisation_disconnected");

    let run = env.cli(&["reconnect", "demo", "--json"]).stdin(&secret).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "organisation_choice_needed"), "{run:?}");
    let err = &run.json()["error"];
    let message = err["message"].as_str().unwrap();
    assert!(message.contains(&fresh) && message.contains("new ID"), "{message}");
    assert!(err["hint"].as_str().unwrap().contains("--tenant"), "{err}");
    assert!(run.stderr.contains("demo company that was reset"), "{}", run.stderr);
    let show = env.cli(&["show", "demo", "--json"]).run().ok().json();
    assert!(show["tenant_id"].is_null(), "nothing chosen silently: {show}");

    let ok = env.cli(&["test", "demo", "--tenant", &fresh, "--json"]).run().ok().json();
    assert_eq!(ok["organisation"]["id"], fresh.as_str());
    assert_eq!(ok["organisation"]["name"], "Demo Company (AU)");
}
