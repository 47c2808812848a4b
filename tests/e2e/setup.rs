//! First setup: web, PKCE and custom connection apps, several organisations with one name,
//! pasted-credential problems, the keychain being absent, and the loopback listener as the
//! browser sees it (Cancel, a tampered state, a wrong redirect URI, a busy port).

use xero_connect_e2e::{free_port, redirect_uri, TestEnv};
use xero_sim::{AppKind, AppSpec, Consent};

#[test]
fn web_app_first_setup_reaches_a_green_test_connection() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let tenant = env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();

    let run = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&format!("{secret}\n"))
        .run()
        .ok();
    let v = run.json();
    assert_eq!(v["organisation"]["id"], tenant.as_str());
    assert_eq!(v["organisation"]["name"], "Maple Florists");
    assert_eq!(v["authorised_by"]["email"], "staff@example.com");
    assert!(run.stderr.contains("Not talking to Xero"), "override notice: {}", run.stderr);
    // The callback is answered with a redirect to a page without the code, which shows.
    assert!(env.browser_steps().contains("GET callback 303\nGET connected 200"), "{}", env.browser_steps());

    // The secrets are in the real keyring, readable by another program, and the settings
    // file holds none of them.
    let record = env.keychain_record("shop").expect("secrets in the keyring");
    assert_eq!(record["client_secret"], secret.as_str());
    assert!(record["refresh_token"].is_string());
    assert!(record["access_token"].is_string());
    if env.is_windows() {
        // An access token listing the granular scopes does not fit one credential (2,560 bytes):
        // the record is kept in parts (keychain_record checked each against the limit).
        let access = record["access_token"].as_str().unwrap().len();
        assert!(access > 1280, "a realistic access token, {access} characters");
        let head = env.keychain_entry(&env.connection_id("shop")).unwrap();
        assert!(head.starts_with("\u{1}parts:"), "the record is split into parts");
    }

    let test = env.cli(&["test", "shop", "--json"]).run().ok().json();
    assert_eq!(test["ok"], true);
    assert_eq!(test["organisation"]["name"], "Maple Florists");
    assert_eq!(test["organisation"]["id"], tenant.as_str());
    assert_eq!(test["organisation"]["country_code"], "NZ");
    assert_eq!(test["organisation"]["base_currency"], "NZD");

    let human = env.cli(&["test", "shop"]).run().ok();
    assert!(human.stdout.starts_with("Connected to Maple Florists."), "{}", human.stdout);

    let token = env.cli(&["token", "shop"]).run().ok();
    assert_eq!(token.stdout.trim().split('.').count(), 3, "a JWT on stdout");
    let tj = env.cli(&["token", "shop", "--json"]).run().ok().json();
    assert_eq!(tj["tenant_id"], tenant.as_str());
    assert!(tj["expires_in"].as_u64().unwrap() > 1000);

    let list = env.cli(&["list", "--json"]).run().ok().json();
    assert_eq!(list["connections"][0]["last_test"]["ok"], true);
    assert_eq!(list["connections"][0]["last_test"]["organisation_name"], "Maple Florists");

    // Setting up the same name again is refused before anything is sent.
    let again = env.cli(&["setup", "shop", "--client-id", &app.client_id, "--json"]).stdin(&secret).run();
    assert_eq!((again.code, again.error_code().as_str()), (2, "connection_exists"));
}

#[test]
fn pkce_app_needs_no_secret() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.sim.add_app(AppSpec { kind: AppKind::Pkce, redirect_uris: vec![uri.clone()], ..AppSpec::default() });
    env.org("Desk Co", "AU", "AUD");
    let v = env
        .cli(&["setup", "desk", "--app-type", "pkce", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .run()
        .ok()
        .json();
    assert_eq!(v["app_type"], "pkce");
    let record = env.keychain_record("desk").expect("secrets in the keyring");
    assert!(record["client_secret"].is_null(), "a PKCE app has no secret");
    assert!(record["refresh_token"].is_string());
    // The sim refuses a PKCE exchange without the right verifier, so success proves S256.
    let q = env.sim.requests().into_iter().find(|r| r.path.ends_with("/authorize")).unwrap().query;
    assert!(q.contains("code_challenge_method=S256"), "{q}");
    assert_eq!(env.cli(&["test", "desk", "--json"]).run().ok().json()["organisation"]["name"], "Desk Co");
}

#[test]
fn custom_connection_uses_no_browser() {
    let env = TestEnv::new();
    let tenant = env.org("Back Office Ltd", "UK", "GBP");
    let app = env.sim.add_app(AppSpec {
        kind: AppKind::Custom,
        redirect_uris: vec![],
        custom_tenant: Some(tenant.clone()),
        ..AppSpec::default()
    });
    let secret = app.client_secret.clone().unwrap();
    let v = env
        .cli(&["setup", "office", "--app-type", "custom", "--client-id", &app.client_id, "--json"])
        .stdin(&secret)
        .run()
        .ok()
        .json();
    assert_eq!(v["organisation"]["id"], tenant.as_str());
    assert!(env.browser_steps().is_empty(), "no browser for a custom connection");
    assert_eq!(env.sim.count_grant("client_credentials"), 1);
    assert_eq!(env.cli(&["test", "office", "--json"]).run().ok().json()["organisation"]["name"], "Back Office Ltd");
}

#[test]
fn two_organisations_with_one_name_are_told_apart_by_id() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let nz = env.org("Harbour Bakery", "NZ", "NZD");
    let uk = env.org("Harbour Bakery", "GB", "GBP");
    env.sim.set_consent(Consent::Allow(vec![nz.clone(), uk.clone()]));
    let secret = app.client_secret.clone().unwrap();

    // Nothing is chosen silently: a script is told to choose, with both IDs.
    let run = env
        .cli(&["setup", "bakery", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&secret)
        .run();
    assert_eq!(run.code, 2);
    assert_eq!(run.error_code(), "organisation_choice_needed");
    let msg = run.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains(&nz) && msg.contains(&uk), "{msg}");

    // The name alone is ambiguous; the ID decides, and the choice is kept.
    let by_name = env.cli(&["test", "bakery", "--tenant", "Harbour Bakery", "--json"]).run();
    assert_eq!(by_name.error_code(), "organisation_choice_needed");
    let ok = env.cli(&["test", "bakery", "--tenant", &uk, "--json"]).run().ok().json();
    assert_eq!(ok["organisation"]["id"], uk.as_str());
    assert_eq!(ok["organisation"]["country_code"], "GB");
    let again = env.cli(&["test", "bakery", "--json"]).run().ok().json();
    assert_eq!(again["organisation"]["id"], uk.as_str());
}

#[test]
fn a_secret_pasted_with_a_trailing_space_is_trimmed_with_a_notice() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();
    let run = env
        .cli(&["setup", "shop", "--client-id", &format!("  {}", app.client_id), "--redirect-uri", &uri])
        .stdin(&format!("{secret} \n"))
        .run()
        .ok();
    assert!(run.stderr.contains("Client secret: 1 trailing space — removed."), "{}", run.stderr);
    assert!(run.stderr.contains("Client ID: 2 leading spaces — removed."), "{}", run.stderr);
    assert_eq!(env.keychain_record("shop").unwrap()["client_secret"], secret.as_str());
}

#[test]
fn blocking_credential_problems_stop_before_xero_is_called() {
    let env = TestEnv::new();
    let app = env.web_app(&[redirect_uri()]);
    let secret = app.client_secret.clone().unwrap();
    // Swapped fields. `--client-id=…` because a secret may begin with "-", which would otherwise
    // read as an option.
    let run = env.cli(&["setup", "shop", &format!("--client-id={secret}"), "--json"]).stdin(&app.client_id).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "credential_problem"));
    assert!(run.json()["error"]["message"].as_str().unwrap().contains("swapped"));
    // Empty secret.
    let run = env.cli(&["setup", "shop", "--client-id", &app.client_id, "--json"]).stdin("\n").run();
    assert_eq!(run.error_code(), "credential_problem");
    // Unknown scope.
    let run = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--scopes", "accounting.invoice", "--json"])
        .stdin(&secret)
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "unknown_scope"));
    assert!(env.sim.requests().is_empty(), "nothing was sent to Xero");
    assert!(env.browser_steps().is_empty());
}

#[test]
fn a_wrong_secret_is_refused_and_nothing_is_saved() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let wrong = "x".repeat(48);
    let run = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&wrong)
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "invalid_client"));
    let message = run.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("Client ID and client secret") && message.contains("generate another"), "{message}");
    // Found before the user was sent to Xero: no consent page, no browser.
    assert!(run.stderr.contains("Checking the Client ID and secret with Xero"), "{}", run.stderr);
    assert_eq!(env.sim.count(xero_sim::Endpoint::Authorize), 0);
    assert!(env.browser_steps().is_empty(), "no browser opened: {}", env.browser_steps());
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
}

#[test]
fn no_keychain_is_a_clear_error_before_the_browser_opens() {
    let env = TestEnv::without_keyring();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let run = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&app.client_secret.clone().unwrap())
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "keychain_unavailable"));
    let msg = run.json()["error"]["message"].as_str().unwrap().to_string();
    if env.is_windows() {
        // Credential Manager answered ERROR_NO_SUCH_LOGON_SESSION, as in an SSH session or a
        // task run while the user is signed out; under Wine the session is the console's, so
        // the message is a desktop's (offices.rs names the other sessions).
        assert!(msg.contains("Windows Credential Manager cannot be used"), "{msg}");
    } else {
        assert!(msg.contains("GNOME Keyring"), "{msg}");
        let hint = run.json()["error"]["hint"].as_str().unwrap().to_string();
        assert!(hint.contains("gnome-keyring-daemon --unlock"), "the command line says how to fix it: {hint}");
    }
    assert!(env.browser_steps().is_empty(), "no browser opened");
    assert!(env.sim.requests().is_empty());
    assert!(!env.config_dir().join("settings.json").exists(), "nothing half-written");
}

#[test]
fn a_redirect_uri_mismatch_times_out_with_the_hint() {
    let env = TestEnv::new();
    let registered = redirect_uri();
    let app = env.web_app(&[registered]);
    env.org("Maple Florists", "NZ", "NZD");
    let used = redirect_uri();
    let run = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &used, "--timeout", "2s", "--json"])
        .stdin(&app.client_secret.clone().unwrap())
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "consent_timeout"));
    let msg = run.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains(&used) && msg.contains("redirect URI"), "{msg}");
    assert!(msg.contains("limit of connected organisations"), "names the connection limit too: {msg}");
    assert!(env.browser_steps().contains("GET authorize 500"), "Xero showed its error page: {}", env.browser_steps());
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
}

#[test]
fn cancel_on_the_consent_page_is_consent_denied_and_a_retry_works() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();
    let args = ["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"];
    let run = env.cli(&args).stdin(&secret).env("XERO_SIM_BROWSER_DECISION", "cancel").run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "consent_denied"));
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
    env.cli(&args).stdin(&secret).run().ok();
}

#[test]
fn a_tampered_state_gets_an_error_page_and_the_wait_goes_on() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    env.cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri])
        .stdin(&app.client_secret.clone().unwrap())
        .env("XERO_SIM_BROWSER_TAMPER_STATE", "1")
        .run()
        .ok();
    let steps = env.browser_steps();
    assert!(steps.contains("GET callback-tampered 400"), "{steps}");
    assert!(steps.contains("GET callback 303"), "{steps}");
}

#[test]
fn a_busy_port_moves_to_the_next_registered_uri_or_is_named() {
    let env = TestEnv::new();
    let (busy, free) = (free_port(), free_port());
    let _blocker = std::net::TcpListener::bind(("127.0.0.1", busy)).unwrap();
    let busy_uri = format!("http://localhost:{busy}/callback");
    let free_uri = format!("http://localhost:{free}/callback");
    let app = env.web_app(&[busy_uri.clone(), free_uri.clone()]);
    env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();

    let only_busy = env
        .cli(&["setup", "a", "--client-id", &app.client_id, "--redirect-uri", &busy_uri, "--json"])
        .stdin(&secret)
        .run();
    assert_eq!((only_busy.code, only_busy.error_code().as_str()), (1, "port_busy"));
    assert!(only_busy.stdout.contains(&busy.to_string()), "names the port: {}", only_busy.stdout);
    // The sentence is the window's too; the command line adds its own option as the fix.
    let err = &only_busy.json()["error"];
    assert!(!err["message"].as_str().unwrap().contains("--"), "{err}");
    assert!(err["hint"].as_str().unwrap().contains("--redirect-uri"), "{err}");

    let run = env
        .cli(&["setup", "b", "--client-id", &app.client_id, "--redirect-uri", &busy_uri, "--redirect-uri", &free_uri])
        .stdin(&secret)
        .run()
        .ok();
    assert!(run.stderr.contains(&free_uri), "listened on the second URI: {}", run.stderr);
}

#[test]
fn no_browser_prints_the_link_and_the_wait_goes_on_until_it_is_opened() {
    use std::io::{BufRead, BufReader, Read};
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let mut child = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--no-browser", "--json"])
        .stdin(&app.client_secret.clone().unwrap())
        .spawn();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no link printed: {seen}");
        seen.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("http") {
            break format!("http{url}");
        }
    };
    assert!(seen.contains("Open this address in a browser"), "{seen}");
    assert!(env.browser_steps().is_empty(), "no browser was started");
    // The person opens the link themselves.
    let status = std::process::Command::new(&xero_connect_e2e::bins().browser).arg(&url).status().unwrap();
    assert!(status.success());
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success(), "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["organisation"]["name"], "Maple Florists");
}

/// Every wrong credential is found before the user is sent to Xero's consent page: one token
/// request with an authorization code that cannot exist tells `invalid_client` (wrong) from
/// `invalid_grant` (accepted), for each app type; the wrong app type and no network too.
#[test]
fn wrong_credentials_are_found_before_the_browser_opens() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let web = env.web_app(std::slice::from_ref(&uri));
    let pkce = env.sim.add_app(AppSpec { kind: AppKind::Pkce, redirect_uris: vec![uri.clone()], ..AppSpec::default() });
    let tenant = env.org("Maple Florists", "NZ", "NZD");
    let custom = env.sim.add_app(AppSpec {
        kind: AppKind::Custom,
        redirect_uris: vec![],
        custom_tenant: Some(tenant),
        ..AppSpec::default()
    });
    let setup = |app_type: &str, client_id: &str| {
        vec!["setup", "x", "--app-type", app_type, "--client-id", client_id, "--redirect-uri", &uri, "--json"]
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let unknown = "FEDCBA9876543210FEDCBA9876543210";

    // A mobile or desktop app's Client ID that Xero does not know (only its shape is right).
    let run = env.cli(&setup("pkce", unknown)).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "invalid_client"), "{run:?}");
    assert!(run.json()["error"]["message"].as_str().unwrap().contains("does not know this Client ID"));
    assert!(run.stderr.contains("Checking the Client ID with Xero"), "{}", run.stderr);

    // A web app's right Client ID with another app's secret.
    let run = env.cli(&setup("web", &web.client_id)).stdin(&custom.client_secret.clone().unwrap()).run();
    assert_eq!(run.error_code(), "invalid_client");

    // A custom connection's credentials entered as a web app, and a web app's as a custom
    // connection: Xero's unauthorized_client, with the fix in this front end's words.
    // A mobile or desktop app has no secret: whatever is pasted with its Client ID, the fix is
    // the app type too.
    let any_secret = web.client_secret.clone().unwrap();
    for (app_type, client_id, secret) in [
        ("web", &custom.client_id, custom.client_secret.clone().unwrap()),
        ("custom", &web.client_id, web.client_secret.clone().unwrap()),
        ("web", &pkce.client_id, any_secret.clone()),
        ("custom", &pkce.client_id, any_secret.clone()),
    ] {
        let run = env.cli(&setup(app_type, client_id)).stdin(&secret).run();
        assert_eq!((run.code, run.error_code().as_str()), (1, "wrong_app_type"), "{app_type}: {run:?}");
        assert!(run.json()["error"]["hint"].as_str().unwrap().contains("--app-type"), "{run:?}");
    }

    // Xero cannot be reached at all.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let run = env
        .cli(&setup("web", &web.client_id))
        .stdin(&web.client_secret.clone().unwrap())
        .env("XERO_IDENTITY_URL", &closed)
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "no_network"), "{run:?}");

    // None of them reached the consent page or a browser, and nothing was saved.
    assert_eq!(env.sim.count(xero_sim::Endpoint::Authorize), 0);
    assert!(env.browser_steps().is_empty(), "{}", env.browser_steps());
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));

    // The right ones pass the same check and go on to the consent.
    env.cli(&setup("pkce", &pkce.client_id)).run().ok();
}
