//! Vendor profiles, walked end to end: each example in `profiles/` from `guide` to a green
//! Test Connection with the built CLI, the simulator and a real keychain — the vendor's values
//! shown, exactly the profile's scopes asked for, the profile recorded in the connection — and
//! a bad profile stopping everything before anything is sent.

use std::path::PathBuf;
use std::sync::Mutex;
use xero_connect_e2e::TestEnv;
use xero_sim::{AppKind, AppSpec, Consent};

/// The examples all register port 33333, exactly as a vendor would: one at a time.
static PORT_33333: Mutex<()> = Mutex::new(());

fn example(file: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../profiles").join(file).display().to_string()
}

/// The scopes of the (last) authorize request the simulator received.
fn scopes_asked(env: &TestEnv) -> Vec<String> {
    let req =
        env.sim.requests().into_iter().rev().find(|r| r.path.ends_with("/authorize")).expect("an authorize request");
    let url = reqwest::Url::parse(&format!("http://x/?{}", req.query)).unwrap();
    let scope = url.query_pairs().find(|(k, _)| k == "scope").unwrap().1.to_string();
    let mut v: Vec<String> = scope.split(' ').map(str::to_string).collect();
    v.sort();
    v
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn app(env: &TestEnv, kind: AppKind, name: &str, uris: &[&str]) -> xero_sim::App {
    env.sim.add_app(AppSpec {
        name: name.into(),
        kind,
        redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
        ..AppSpec::default()
    })
}

#[test]
fn the_asset_register_asks_for_assets_read_only_and_shows_the_tenant_id() {
    let _port = PORT_33333.lock().unwrap_or_else(|e| e.into_inner());
    let env = TestEnv::new();
    let profile = example("ledgerleaf-assets.toml");
    let app = app(&env, AppKind::Web, "Ledgerleaf Assets", &["http://localhost:33333/callback"]);
    let tenant = env.org("Harbour Bakery", "AU", "AUD");

    let g = env.cli(&["guide", "--profile", &profile, "--json"]).run().ok().json();
    assert_eq!(g["product"], "Ledgerleaf Assets");
    assert_eq!(g["app_name"], "Ledgerleaf Assets");
    assert_eq!(g["company_url"], "https://assets.ledgerleaf.example");
    assert_eq!(g["redirect_uris"], serde_json::json!(["http://localhost:33333/callback"]));
    assert_eq!(g["app_type_choices"].as_array().unwrap().len(), 1, "only the web app is offered: {g}");
    assert_eq!(g["support"], "https://assets.ledgerleaf.example/help");

    // The connection takes the profile's name; the secret comes on standard input.
    let secret = app.client_secret.clone().unwrap();
    let saved = env
        .cli(&["setup", "--profile", &profile, "--client-id", &app.client_id, "--json"])
        .stdin(&format!("{secret}\n"))
        .run()
        .ok()
        .json();
    assert_eq!(saved["name"], "Ledgerleaf");
    // Least privilege: the profile's scope, a refresh token, and the id_token that proves the
    // answer belongs to this sign-in — nothing else.
    assert_eq!(scopes_asked(&env), sorted(&["assets.read", "offline_access", "openid"]));
    assert_eq!(saved["profile"]["product"], "Ledgerleaf Assets");
    assert_eq!(saved["profile"]["digest"].as_str().unwrap().len(), 16);

    let test = env.cli(&["test", "Ledgerleaf", "--profile", &profile, "--json"]).run().ok().json();
    assert_eq!(test["organisation"]["name"], "Harbour Bakery", "{test}");
    assert_eq!(test["profile"]["product"], "Ledgerleaf Assets");
    let text = env.cli(&["test", "Ledgerleaf", "--profile", &profile]).run().ok();
    assert!(text.stdout.contains(&tenant), "the tenant ID is shown to copy: {}", text.stdout);
    let shown = env.cli(&["show", "Ledgerleaf"]).run().ok();
    assert!(shown.stdout.contains("Profile:        Ledgerleaf Assets"), "{}", shown.stdout);
    env.assert_no_leak(&[secret], &[]);
}

#[test]
fn the_desktop_bookkeeper_uses_pkce_and_chooses_its_organisation_by_name_or_id() {
    let _port = PORT_33333.lock().unwrap_or_else(|e| e.into_inner());
    let env = TestEnv::new();
    let profile = example("tallybook-desktop.toml");
    let app = app(&env, AppKind::Pkce, "Tallybook Desktop", &["http://localhost:33333/callback"]);
    let bakery = env.org("Harbour Bakery", "NZ", "NZD");
    let florist = env.org("Maple Florists", "NZ", "NZD");
    env.sim.set_consent(Consent::Allow(vec![bakery.clone(), florist.clone()]));

    let run = env
        .cli(&["setup", "--profile", &profile, "--client-id", &app.client_id, "--tenant", "Maple Florists", "--json"])
        .run()
        .ok();
    assert_eq!(run.json()["organisation"]["id"], florist.as_str(), "chosen by name: {run:?}");
    // A mobile or desktop app is protected by PKCE: exactly the profile's scopes and a refresh token.
    let expected =
        ["accounting.invoices", "accounting.contacts", "accounting.banktransactions", "accounting.settings.read"];
    let mut with_refresh = expected.to_vec();
    with_refresh.push("offline_access");
    assert_eq!(scopes_asked(&env), sorted(&with_refresh));
    let test = env.cli(&["test", "Tallybook", "--json"]).run().ok().json();
    assert_eq!(test["organisation"]["name"], "Maple Florists");
    // Chosen again by ID.
    let test = env.cli(&["test", "Tallybook", "--tenant", &bakery, "--json"]).run().ok().json();
    assert_eq!(test["organisation"]["name"], "Harbour Bakery");
}

#[test]
fn the_field_service_app_is_a_web_app_only_with_its_own_values_to_copy() {
    let _port = PORT_33333.lock().unwrap_or_else(|e| e.into_inner());
    let env = TestEnv::new();
    let profile = example("fieldcrew.toml");
    let uris = ["http://localhost:33333/callback", "http://localhost:33334/callback"];
    let app = app(&env, AppKind::Web, "FieldCrew Jobs", &uris);
    env.org("Harbour Bakery", "AU", "AUD");

    let text = env.cli(&["guide", "--profile", &profile]).run().ok().stdout;
    for wanted in [
        "Connect FieldCrew Jobs to Xero",
        "App name (copy exactly):\n  FieldCrew Jobs",
        "Company or application URL (copy exactly):\n  https://fieldcrew.example",
        "http://localhost:33334/callback",
        "Help: https://fieldcrew.example/support",
    ] {
        assert!(text.contains(wanted), "{wanted:?} in:\n{text}");
    }
    assert!(!text.contains("Mobile or desktop app"), "only the web app is offered:\n{text}");

    // Another app type than the profile allows is refused before anything is sent.
    let before = env.sim.requests().len();
    let run =
        env.cli(&["setup", "--profile", &profile, "--client-id", &app.client_id, "--app-type", "pkce", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "invalid_profile"), "{run:?}");
    assert_eq!(run.json()["error"]["support"], "https://fieldcrew.example/support", "every failure offers support");
    assert_eq!(env.sim.requests().len(), before, "nothing was sent");

    let secret = app.client_secret.clone().unwrap();
    env.cli(&["setup", "--profile", &profile, "--client-id", &app.client_id]).stdin(&format!("{secret}\n")).run().ok();
    assert_eq!(
        scopes_asked(&env),
        sorted(&["accounting.contacts", "accounting.invoices", "accounting.settings.read", "offline_access", "openid"])
    );
    let test = env.cli(&["test", "FieldCrew"]).run().ok();
    assert!(test.stdout.contains("FieldCrew Jobs is connected.") && test.stdout.contains("Harbour Bakery"), "{test:?}");
}

#[test]
fn a_bad_profile_stops_everything_before_anything_is_sent() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    let bad_key = dir.join("bad.toml");
    let good = std::fs::read_to_string(example("fieldcrew.toml")).unwrap();
    std::fs::write(&bad_key, good.replace("[xero]", "colour = \"blue\"\n[xero]")).unwrap();
    let missing = dir.join("missing.toml");
    for (args, env_var, wanted) in [
        (vec!["list".to_string(), "--profile".into(), missing.display().to_string()], None, "no such file"),
        (
            vec!["guide".to_string(), "--profile".into(), bad_key.display().to_string()],
            None,
            "key product.colour (line 12)",
        ),
        (vec!["guide".to_string()], Some(bad_key.display().to_string()), "unknown field `colour`"),
    ] {
        let mut cmd = env.cli(&args);
        if let Some(v) = &env_var {
            cmd = cmd.env("XERO_CONNECT_PROFILE", v);
        }
        let run = cmd.run();
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains("error (invalid_profile)") && run.stderr.contains(wanted), "{wanted}: {run:?}");
        assert!(run.stderr.contains("Nothing was sent to Xero."), "{run:?}");
    }
    assert!(env.sim.requests().is_empty(), "nothing reached Xero");
    // A profile fixes the scopes: trying to change them is a usage error, not silently ignored.
    let run = env.cli(&["guide", "--profile", &example("fieldcrew.toml"), "--api", "payroll"]).run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fixes the scopes: remove --api"), "{run:?}");
}

/// Issue 17, item 4: a profile problem — here a product name with a line break, which would
/// forge a line of a desktop entry — is refused by every command that reads the profile,
/// `guide` included, with exit 2 and the file, key and line; nothing is sent.
#[test]
fn every_command_refuses_a_bad_profile_with_the_file_key_and_line() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("vendor.toml");
    let good = std::fs::read_to_string(example("fieldcrew.toml")).unwrap();
    let line = good.lines().position(|l| l.trim_start().starts_with("name =")).unwrap() + 1;
    let text: String = good
        .lines()
        .map(|l| if l.trim_start().starts_with("name =") { "name = \"FieldCrew\\nExec=/bin/evil\"" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&bad, text).unwrap();
    let file = bad.display().to_string();
    for args in [
        &["guide"][..],
        &["setup", "shop", "--client-id", "0123456789ABCDEF0123456789ABCDEF"],
        &["reconnect", "shop"],
        &["test", "shop"],
        &["list"],
        &["show", "shop"],
        &["token", "shop"],
        &["refresh", "--all"],
        &["remove", "shop", "--yes"],
    ] {
        for json in [false, true] {
            let mut all: Vec<&str> = args.to_vec();
            all.extend(["--profile", &file]);
            if json {
                all.push("--json");
            }
            let run = env.cli(&all).stdin("secret\n").run();
            assert_eq!(run.code, 2, "{args:?}: {run:?}");
            let said = if json { run.json()["error"]["message"].as_str().unwrap().to_string() } else { run.stderr };
            assert!(
                said.contains(&file) && said.contains(&format!("key product.name (line {line})")),
                "{args:?}: {said}"
            );
            assert!(said.contains("line break"), "{said}");
        }
    }
    assert!(env.sim.requests().is_empty(), "nothing was sent: {:?}", env.sim.requests());
}
