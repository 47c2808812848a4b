//! Connections that expire unseen: Xero ends a refresh token unused for 60 days. The settings
//! record each connection's last refresh; `list` and `show` say until when it stays valid and
//! warn under 14 days or once it lapsed; `refresh` renews it for a scheduler. Time passes on
//! both sides: the simulator's clock moves forward, and the saved last refresh is moved back
//! by as much (this computer's clock is not ours to move).

use std::time::{Duration, SystemTime};
use xero_connect_e2e::{redirect_uri, TestEnv};
use xero_sim::{AppKind, AppSpec};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Lets `days` pass for connection `name`: Xero's clock moves on, and the saved last refresh
/// is as old as it would then be.
fn let_days_pass(env: &TestEnv, names: &[&str], days: u64) {
    env.sim.advance_clock(DAY * days as u32);
    let path = env.config_dir().join("settings.json");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for c in v["connections"].as_array_mut().unwrap() {
        if names.iter().any(|n| c["name"] == *n) {
            let at = humantime::parse_rfc3339(c["refreshed_at"].as_str().expect("last refresh recorded")).unwrap();
            c["refreshed_at"] = humantime::format_rfc3339_seconds(at - DAY * days as u32).to_string().into();
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn authorisation(env: &TestEnv, name: &str) -> serde_json::Value {
    env.cli(&["show", name, "--json"]).run().ok().json()["authorisation"].clone()
}

fn day_in(days: u64) -> String {
    humantime::format_rfc3339_seconds(SystemTime::now() + DAY * days as u32).to_string()[..10].to_string()
}

#[test]
fn validity_is_shown_warned_under_14_days_and_renewed_by_refresh() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let a = authorisation(&env, "shop");
    assert_eq!(a["state"], "valid", "{a}");
    assert_eq!(&a["valid_until"].as_str().unwrap()[..10], day_in(60));
    let shown = env.cli(&["show", "shop"]).run().ok();
    assert!(shown.stdout.contains(&format!("valid until {} if unused", day_in(60))), "{}", shown.stdout);
    let listed = env.cli(&["list"]).run().ok();
    assert!(!listed.stdout.contains('!'), "nothing to flag yet: {}", listed.stdout);

    let_days_pass(&env, &["shop"], 50);
    let a = authorisation(&env, "shop");
    assert_eq!((a["state"].as_str(), a["days_left"].as_u64()), (Some("expiring_soon"), Some(10)), "{a}");
    let listed = env.cli(&["list"]).run().ok();
    assert!(listed.stdout.contains("expires on"), "{}", listed.stdout);
    assert!(listed.stdout.contains("xero-connect refresh shop"), "the action: {}", listed.stdout);

    // A scheduler's refresh renews it for 60 days from now, and says until when.
    let refreshed = env.cli(&["refresh", "shop"]).run().ok();
    assert!(refreshed.stdout.contains(&format!("valid until {} if unused", day_in(60))), "{refreshed:?}");
    assert_eq!(authorisation(&env, "shop")["state"], "valid");
    env.cli(&["test", "shop", "--json"]).run().ok();
}

#[test]
fn an_expired_authorisation_is_shown_as_expired_with_reconnect() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    let_days_pass(&env, &["shop"], 61);
    let a = authorisation(&env, "shop");
    assert_eq!((a["state"].as_str(), a["days_left"].as_u64()), (Some("expired"), Some(0)), "{a}");
    let listed = env.cli(&["list"]).run().ok();
    assert!(listed.stdout.contains("expired on"), "{}", listed.stdout);
    assert!(listed.stdout.contains("xero-connect reconnect shop"), "{}", listed.stdout);
    // Xero agrees: the refresh token is gone, and reconnect is the way back.
    let run = env.cli(&["refresh", "shop", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "invalid_grant"), "{run:?}");
    assert!(run.json()["error"]["hint"].as_str().unwrap().contains("xero-connect reconnect shop"), "{run:?}");
    env.cli(&["reconnect", "shop", "--json"]).stdin(&format!("{}\n", c.secret())).run().ok();
    assert_eq!(authorisation(&env, "shop")["state"], "valid");
}

#[test]
fn refresh_all_renews_the_live_ones_and_names_the_dead_one() {
    let env = TestEnv::new();
    let shop = env.connect_web("shop");
    env.connect_web_to("warehouse", &shop.tenant);
    // The warehouse is used after 40 days; the shop never: 65 days later only it has lapsed.
    env.sim.advance_clock(DAY * 40);
    env.cli(&["refresh", "warehouse"]).run().ok();
    env.sim.advance_clock(DAY * 25);
    let run = env.cli(&["refresh", "--all", "--json"]).run();
    assert_eq!(run.code, 1, "one failed: {run:?}");
    let items = run.json()["refreshed"].as_array().unwrap().clone();
    let by_name = |n: &str| items.iter().find(|i| i["name"] == n).unwrap().clone();
    assert_eq!(by_name("warehouse")["ok"], true, "{items:?}");
    assert_eq!(by_name("warehouse")["authorisation"]["state"], "valid");
    assert_eq!(by_name("shop")["ok"], false);
    assert_eq!(by_name("shop")["error"]["code"], "invalid_grant");
    assert!(by_name("shop")["error"]["hint"].as_str().unwrap().contains("reconnect shop"), "{items:?}");
    // In words: one line each.
    let text = env.cli(&["refresh", "--all"]).run();
    assert!(text.stdout.contains("Refreshed \"warehouse\": valid until"), "{text:?}");
    assert!(text.stdout.contains("Could not refresh \"shop\""), "{text:?}");
    // Naming one and --all together, or neither, is a usage error.
    assert_eq!(env.cli(&["refresh"]).run().code, 2);
    assert_eq!(env.cli(&["refresh", "shop", "--all"]).run().code, 2);
}

#[test]
fn a_broad_scope_connection_is_flagged_and_reconnect_switches_it_to_granular_scopes() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    // An app created before 2 March 2026 may still ask for broad scopes (docs/xero-platform.md §5).
    let app = env.sim.add_app(AppSpec {
        kind: AppKind::Web,
        redirect_uris: vec![uri.clone()],
        created: (2025, 6, 1),
        ..AppSpec::default()
    });
    env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();
    let scopes = "accounting.transactions accounting.reports.read accounting.contacts";
    env.cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--scopes", scopes, "--json"])
        .stdin(&format!("{secret}\n"))
        .run()
        .ok();
    let shown = env.cli(&["show", "shop", "--json"]).run().ok().json();
    assert_eq!(
        shown["broad_scopes"]["scopes"],
        serde_json::json!(["accounting.transactions", "accounting.reports.read"])
    );
    assert!(shown["broad_scopes"]["message"].as_str().unwrap().contains("September 2027"), "{shown}");
    let listed = env.cli(&["list"]).run().ok();
    assert!(listed.stdout.contains("September 2027"), "{}", listed.stdout);
    assert!(listed.stdout.contains("xero-connect reconnect shop --granular-scopes"), "{}", listed.stdout);

    let run = env.cli(&["reconnect", "shop", "--granular-scopes", "--json"]).stdin(&format!("{secret}\n")).run().ok();
    assert_eq!(run.json()["method"], "consent", "new scopes need a new consent: {run:?}");
    let shown = env.cli(&["show", "shop", "--json"]).run().ok().json();
    assert!(shown["broad_scopes"].is_null(), "{shown}");
    let saved: Vec<&str> = shown["scopes"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    for s in ["accounting.invoices", "accounting.reports.profitandloss.read", "accounting.contacts"] {
        assert!(saved.contains(&s), "{s} in {saved:?}");
    }
    env.cli(&["test", "shop"]).run().ok();
    // Nothing to switch any more.
    assert_eq!(env.cli(&["reconnect", "shop", "--granular-scopes"]).stdin(&format!("{secret}\n")).run().code, 2);
}
