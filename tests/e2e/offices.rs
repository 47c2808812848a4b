//! Office networks and "Check this computer" (issue 16): the machines and networks small
//! businesses have, each against the simulator with the switch that plays it — an HTTPS
//! inspection CA, a CONNECT proxy (one that wants a sign-in too), Xero's edge answering with an
//! "Access Denied" page, a clock behind Xero's, a browser forcing https on localhost, a refresh
//! whose answer was lost, a roaming profile, a Practice Manager tenant, sessions without a
//! keychain — and `doctor` seeing them.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::time::Duration;
use xero_connect_e2e::proxy::ConnectProxy;
use xero_connect_e2e::{redirect_uri, TestEnv};
use xero_sim::{CertificateAuthority, Endpoint, Fault, FaultKind};

const INSPECTION_CA: &str = "Example Corp Inspection CA";

/// The simulator behind an office's HTTPS inspection: served over https with a certificate
/// from a private CA. Returns the https origin and the CA's root certificate (a PEM file), for
/// [`TestEnv::trust_root`].
fn behind_inspection(env: &TestEnv) -> (String, PathBuf) {
    let ca = CertificateAuthority::new(INSPECTION_CA);
    let https = env.sim.serve_https(&ca.issue_localhost()).expect("https starts");
    let root = env.dir.path().join("office-root.pem");
    std::fs::write(&root, ca.root_pem()).unwrap();
    (https, root)
}

fn message(run: &xero_connect_e2e::Run) -> String {
    run.json()["error"]["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn an_inspection_ca_in_the_system_store_is_trusted_and_one_that_is_not_is_named() {
    let env = TestEnv::new();
    // Tokens issued now expire within the refresh margin: the next test refreshes, so the token
    // endpoint is reached over https as well as the API.
    env.sim.set_access_token_ttl(60);
    env.connect_web("shop");
    env.sim.set_access_token_ttl(1800);
    let (https, root) = behind_inspection(&env);
    let over_https = || {
        // The same simulator, now over https: another origin for the connection's secret, so
        // it is allowed on purpose (issue 17's identity_host_changed).
        env.cli(&["test", "shop", "--json", "--allow-override"])
            .env("XERO_IDENTITY_URL", &https)
            .env("XERO_API_URL", &https)
            .run()
    };
    let untrusted = over_https();
    assert_eq!((untrusted.code, untrusted.error_code().as_str()), (1, "certificate_untrusted"), "{untrusted:?}");
    let msg = message(&untrusted);
    assert!(msg.contains(INSPECTION_CA) && msg.contains("inspect HTTPS"), "names the issuer and the cause: {msg}");
    let hint = untrusted.json()["error"]["hint"].as_str().unwrap().to_string();
    // The step this platform's store takes, and no other platform's.
    if env.is_windows() {
        assert!(hint.contains("Trusted Root Certification Authorities") && !hint.contains("update-ca-certificates"));
    } else {
        assert!(hint.contains("update-ca-certificates") && hint.contains("SSL_CERT_FILE"), "{hint}");
        assert!(!hint.contains("Windows"), "{hint}");
    }
    assert_eq!(env.sim.count_grant("refresh_token"), 0, "nothing reached Xero through an untrusted certificate");

    if env.is_windows() {
        // Wine cannot be made to trust a new root (TestEnv::trust_root): only the refusal,
        // named with its issuer, is Windows' to check here.
        return;
    }
    env.trust_root(&root);
    let green = over_https().ok().json();
    assert_eq!(green["organisation"]["name"], "Maple Florists", "{green}");
    assert_eq!(env.sim.count_grant("refresh_token"), 1, "the token endpoint answered over https");
}

#[test]
fn every_call_goes_through_the_proxy_and_the_listener_never_does() {
    let env = TestEnv::new();
    let (https, root) = behind_inspection(&env);
    let proxy = ConnectProxy::start(false);
    env.set_env("XERO_IDENTITY_URL", &https);
    env.set_env("XERO_API_URL", &https);
    env.trust_root(&root);
    env.set_env("HTTPS_PROXY", &proxy.url);
    // The consent page stays plain http on 127.0.0.1: the browser's, not this program's.
    env.set_env("NO_PROXY", "127.0.0.1");
    env.sim.set_access_token_ttl(60);
    let c = env.connect_web("shop");
    env.sim.set_access_token_ttl(1800);
    env.cli(&["test", "shop"]).run().ok();
    env.cli(&["refresh", "shop"]).run().ok();
    env.cli(&["remove", "shop", "--yes"]).run().ok();

    let tls_host = https.trim_start_matches("https://").to_string();
    let hosts = proxy.hosts();
    assert!(hosts.len() >= 4, "a tunnel for each program run that talked to Xero: {hosts:?}");
    assert!(hosts.iter().all(|h| *h == tls_host), "only Xero's host went through the proxy: {hosts:?}");
    // Pre-flight, code exchange, connections, the API, refresh and revocation all arrived.
    let paths: Vec<String> = env.sim.requests().iter().map(|r| r.path.clone()).collect();
    for path in ["/connect/token", "/connections", "/api.xro/2.0/Organisation", "/connect/revocation"] {
        assert!(paths.iter().any(|p| p == path), "{path} never reached Xero: {paths:?}");
    }
    assert!(env.sim.count_grant("authorization_code") >= 2, "pre-flight and the exchange");
    assert_eq!(env.sim.count_grant("refresh_token"), 2, "test and refresh");
    // The browser reached the loopback listener directly.
    assert!(env.browser_steps().contains("GET callback 303"), "{}", env.browser_steps());
    assert!(env.sim.connections_of(&c.app.client_id).is_empty(), "disconnected at Xero through the proxy");
}

#[test]
fn a_proxy_that_wants_a_sign_in_is_named_as_such() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let (https, root) = behind_inspection(&env);
    let proxy = ConnectProxy::start(true);
    env.trust_root(&root);
    let run = env
        .cli(&["test", "shop", "--json"])
        .env("XERO_IDENTITY_URL", &https)
        .env("XERO_API_URL", &https)
        .env("HTTPS_PROXY", &proxy.url)
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "proxy_sign_in_needed"), "{run:?}");
    assert!(message(&run).contains("asks for a sign-in"), "{}", message(&run));
    assert!(run.json()["error"]["hint"].as_str().unwrap().contains("HTTPS_PROXY=http://USER:PASSWORD@"));
    assert!(!proxy.hosts().is_empty(), "the proxy was asked");
}

#[test]
fn an_access_denied_page_is_the_network_refusing_not_a_disconnect() {
    let env = TestEnv::new();
    env.sim.set_access_token_ttl(60);
    env.connect_web("shop");
    env.sim.set_access_token_ttl(1800);
    let reference = "18.6f2c1b17.1764000000.2a3b4c5d";
    // From the token endpoint…
    env.sim.inject(Fault {
        endpoint: Endpoint::Token,
        kind: FaultKind::AccessDeniedPage { reference: reference.into() },
        times: 1,
    });
    let run = env.cli(&["token", "shop", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "blocked_by_network"), "{run:?}");
    let msg = message(&run);
    assert!(msg.contains(&format!("#{reference}")) && msg.contains("VPN"), "{msg}");
    assert!(msg.contains("nothing to reconnect"), "{msg}");
    assert!(run.json()["error"]["hint"].as_str().unwrap().contains("xero-connect doctor"), "no reconnect offered");
    // …and from the API: never "organisation_disconnected".
    env.sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::AccessDeniedPage { reference: reference.into() },
        times: 1,
    });
    let run = env.cli(&["test", "shop", "--json"]).run();
    assert_eq!(run.error_code(), "blocked_by_network", "{run:?}");
    // The connection was fine all along.
    env.cli(&["test", "shop"]).run().ok();
}

#[test]
fn a_clock_behind_xeros_is_told_and_expiry_stays_local() {
    let env = TestEnv::new();
    env.connect_web("shop");
    env.sim.advance_clock(Duration::from_secs(12 * 60));
    let v = env.cli(&["test", "shop", "--json"]).run().ok().json();
    let skew = v["clock"]["seconds"].as_i64().expect("the clock is told");
    assert!((700..=740).contains(&skew), "{v}");
    assert!(v["clock"]["sentence"].as_str().unwrap().contains("12 minutes behind Xero's"), "{v}");
    let human = env.cli(&["test", "shop"]).run().ok();
    assert!(human.stdout.contains("This computer's clock is 12 minutes behind"), "{}", human.stdout);
    // A failure says so too.
    env.sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::Status { status: 503, body: "Organisation offline".into(), headers: vec![] },
        times: 1,
    });
    let run = env.cli(&["test", "shop", "--json"]).run();
    assert_eq!(run.error_code(), "xero_unavailable");
    assert!(message(&run).contains("12 minutes behind Xero's"), "{}", message(&run));
    // A refreshed token lasts its 30 minutes from when it arrived here, whatever Xero's clock says.
    env.cli(&["refresh", "shop"]).run().ok();
    let t = env.cli(&["token", "shop", "--json"]).run().ok().json();
    assert!(t["expires_in"].as_u64().unwrap() > 1700, "{t}");
}

#[test]
fn a_browser_forcing_https_on_localhost_is_told_at_once_and_the_paste_finishes() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let bar = env.dir.path().join("address-bar.txt");
    let mut setup = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--timeout", "60s", "--json"])
        .env("XERO_SIM_BROWSER_FORCE_HTTPS", &bar.display().to_string())
        .spawn_with_open_stdin(&format!("{}\n", app.client_secret.clone().unwrap()));
    let mut stderr = BufReader::new(setup.stderr.take().unwrap());
    let mut said = String::new();
    while !said.contains("net-internals") {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "ended before the https notice: {said}");
        said.push_str(&line);
    }
    assert!(said.contains("https://localhost") && said.contains("Firefox"), "{said}");
    assert!(said.contains("Paste that address here"), "{said}");
    // The browser writes what its address bar shows once its https request has failed.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !bar.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(50));
    let address = std::fs::read_to_string(&bar).expect("the browser shows an https address");
    assert!(address.starts_with("https://localhost:"), "{address}");
    setup.stdin.as_mut().unwrap().write_all(format!("{address}\n").as_bytes()).unwrap();
    let run = env.finish(setup).ok();
    assert_eq!(run.json()["organisation"]["name"], "Maple Florists", "{run:?}");
    assert!(env.browser_steps().contains("GET callback over https failed"), "{}", env.browser_steps());
}

#[test]
fn a_lost_refresh_answer_keeps_the_old_token_for_xeros_grace_and_is_named_after_it() {
    let env = TestEnv::new();
    env.sim.set_access_token_ttl(60);
    env.connect_web("shop");
    let before = env.keychain_record("shop").unwrap()["refresh_token"].clone();
    env.sim.inject(Fault { endpoint: Endpoint::Token, kind: FaultKind::AnswerLost, times: 1 });
    let run = env.cli(&["token", "shop", "--json"]).run();
    assert_eq!(run.error_code(), "xero_unavailable", "{run:?}");
    assert!(message(&run).contains("30 minutes"), "{}", message(&run));
    assert_eq!(env.sim.count_grant("refresh_token"), 1, "Xero did rotate");
    assert_eq!(env.keychain_record("shop").unwrap()["refresh_token"], before, "the old refresh token is kept");
    let unanswered = || {
        let text = std::fs::read_to_string(env.config_dir().join("settings.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["connections"][0]["refresh_unanswered_at"].clone()
    };
    assert!(unanswered().is_string(), "the lost answer is noted");
    // Within Xero's 30 minutes the old one still works, and the note goes.
    env.sim.advance_clock(Duration::from_secs(10 * 60));
    env.cli(&["token", "shop", "--json"]).run().ok();
    assert!(unanswered().is_null(), "an answered refresh clears the note");

    // Lost again, and this time the grace runs out before the next try.
    env.cli(&["refresh", "shop"]).run().ok();
    env.sim.inject(Fault { endpoint: Endpoint::Token, kind: FaultKind::AnswerLost, times: 1 });
    assert_eq!(env.cli(&["refresh", "shop", "--json"]).run().code, 1);
    env.sim.advance_clock(Duration::from_secs(31 * 60));
    let run = env.cli(&["token", "shop", "--json"]).run();
    assert_eq!(run.error_code(), "invalid_grant", "{run:?}");
    assert!(
        message(&run).contains("an earlier refresh") && message(&run).contains("did not get Xero's answer"),
        "{}",
        message(&run)
    );
}

#[test]
fn a_refresh_refused_because_another_computer_refreshed_says_so() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    // The other computer of a roaming profile: it uses the same refresh token (Credential
    // Manager roams) and writes, in the roaming settings, that it refreshed.
    let rt = env.keychain_record("shop").unwrap()["refresh_token"].as_str().unwrap().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/connect/token", env.sim.url()))
            .basic_auth(&c.app.client_id, Some(c.secret()))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", rt.as_str())])
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(status.is_success());
    let path = env.config_dir().join("settings.json");
    let mut settings: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    settings["connections"][0]["refreshed_on"] = "OFFICE-PC-2".into();
    settings["connections"][0]["refreshed_at"] =
        humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string().into();
    std::fs::write(&path, serde_json::to_string_pretty(&settings).unwrap()).unwrap();
    env.sim.advance_clock(Duration::from_secs(31 * 60));
    let run = env.cli(&["refresh", "shop", "--json"]).run();
    assert_eq!(run.error_code(), "invalid_grant", "{run:?}");
    let msg = message(&run);
    assert!(msg.contains("another computer (OFFICE-PC-2)") && msg.contains("roaming profile"), "{msg}");
}

#[test]
fn a_practice_manager_tenant_is_shown_by_type_and_never_sent_to_the_accounting_api() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let books = env.org("Maple Florists", "NZ", "NZD");
    let practice = env.sim.add_practice("Harbour Accountants");
    let run = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&app.client_secret.clone().unwrap())
        .run();
    assert_eq!(run.error_code(), "organisation_choice_needed", "{run:?}");
    let shown = env.cli(&["show", "shop", "--json"]).run().ok().json();
    let listed: Vec<(String, String)> = shown["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["name"].as_str().unwrap().to_string(), o["type"].as_str().unwrap().to_string()))
        .collect();
    assert!(listed.contains(&("Xero Practice Manager (practice)".into(), "PRACTICE".into())), "{listed:?}");
    let before = env.sim.count(Endpoint::Organisation);
    let v = env.cli(&["test", "shop", "--tenant", &practice, "--json"]).run().ok().json();
    assert_eq!(
        (v["api"].as_str(), v["organisation"]["name"].as_str()),
        (Some("connections"), Some("Xero Practice Manager (practice)")),
        "{v}"
    );
    assert_eq!(env.sim.count(Endpoint::Organisation), before, "the Accounting API was never asked for a practice");
    // The organisation's books still test with the Accounting API; a daily limit, however
    // spelled, names no fixed number.
    env.sim.inject(Fault {
        endpoint: Endpoint::Organisation,
        kind: FaultKind::Status {
            status: 429,
            body: String::new(),
            headers: vec![("X-Rate-Limit-Problem".into(), "Daily".into()), ("Retry-After".into(), "3600".into())],
        },
        times: 1,
    });
    let run = env.cli(&["test", "shop", "--tenant", &books, "--json"]).run();
    assert_eq!(run.error_code(), "rate_limited");
    assert!(message(&run).contains("daily limit") && !message(&run).contains("5,000"), "{}", message(&run));
    env.cli(&["test", "shop", "--tenant", &books]).run().ok();
}

#[test]
fn sessions_without_a_keychain_are_named_with_what_works_instead() {
    let env = TestEnv::without_keyring();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let setup = |ssh: bool| {
        let mut cmd = env.cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"]);
        if ssh {
            cmd = cmd.env("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22");
        }
        cmd.stdin(&app.client_secret.clone().unwrap()).run()
    };
    let over_ssh = setup(true);
    assert_eq!(over_ssh.error_code(), "keychain_unavailable");
    assert!(
        message(&over_ssh).starts_with("This is an SSH session, which has no usable keychain"),
        "{}",
        message(&over_ssh)
    );
    assert!(message(&over_ssh).contains("desktop session"), "what works instead: {}", message(&over_ssh));
    // Standard input is no terminal and there is no display: a job, as cron runs it. (Wine
    // starts every program in the console's logon session, SESSIONNAME=Console, so there the
    // job is a desktop; the engine's unit tests check Windows' words for a job.)
    if !env.is_windows() {
        let job = setup(false);
        assert!(message(&job).starts_with("This is a background job"), "{}", message(&job));
    }
    assert!(env.sim.requests().is_empty(), "nothing was sent to Xero");
}

#[test]
fn doctor_checks_this_computer_and_its_report_hides_what_must_stay_secret() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    let free = redirect_uri();
    let v = env.cli(&["doctor", "--json", "--redirect-uri", &free]).run().ok().json();
    let status = |check: &str| {
        v["findings"].as_array().unwrap().iter().find(|f| f["check"] == check).map(|f| f["status"].clone()).unwrap()
    };
    for check in
        ["keychain", "loopback_port", "browser", "identity_host", "api_host", "certificate", "clock", "connection"]
    {
        assert_eq!(status(check), "ok", "{check}: {v}");
    }
    assert_eq!(status("overrides"), "warning", "the simulator's XERO_*_URL are named: {v}");
    let report = v["report"].as_str().unwrap();
    let record = env.keychain_record("shop").unwrap();
    for secret in [
        c.secret(),
        c.app.client_id.clone(),
        record["refresh_token"].as_str().unwrap().to_string(),
        record["access_token"].as_str().unwrap().to_string(),
    ] {
        assert!(!env.cli(&["doctor", "--redirect-uri", &free]).run().stdout.contains(&secret));
        assert!(!report.contains(&secret), "the report holds no secret, token or full Client ID: {report}");
    }
    assert!(report.contains(&format!("{}…{}", &c.app.client_id[..4], &c.app.client_id[28..])), "{report}");

    // A busy port and an untrusted certificate are problems, with what to do; exit 1.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let (https, _) = behind_inspection(&env);
    let run = env
        .cli(&["doctor", "--json", "--redirect-uri", &format!("http://localhost:{port}/callback")])
        .env("XERO_IDENTITY_URL", &https)
        .env("XERO_API_URL", &https)
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    let v = run.json();
    let finding = |check: &str| v["findings"].as_array().unwrap().iter().find(|f| f["check"] == check).unwrap().clone();
    assert_eq!(finding("loopback_port")["status"], "problem", "{v}");
    assert!(finding("loopback_port")["hint"].as_str().unwrap().contains("--redirect-uri"), "{v}");
    assert_eq!(finding("certificate")["code"], "certificate_untrusted", "{v}");
    assert!(finding("certificate")["detail"].as_str().unwrap().contains(INSPECTION_CA), "{v}");
    let text = env
        .cli(&["doctor", "--redirect-uri", &format!("http://localhost:{port}/callback")])
        .env("XERO_API_URL", &https)
        .run();
    assert!(text.stdout.contains("problem  Port"), "{}", text.stdout);
}
