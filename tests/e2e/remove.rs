//! Removing a connection: confirmation, disconnection at Xero, and nothing left behind in the
//! keychain or the settings file.

use xero_connect_e2e::TestEnv;
use xero_sim::{Endpoint, Fault, FaultKind};

#[test]
fn remove_needs_confirmation_then_disconnects_and_forgets() {
    let env = TestEnv::new();
    let c = env.connect_web("shop");
    let id = env.connection_id("shop");
    assert_eq!(env.sim.connections_of(&c.app.client_id).len(), 1);

    let run = env.cli(&["remove", "shop", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "invalid_input"), "no --yes without a terminal");
    assert_eq!(env.sim.connections_of(&c.app.client_id).len(), 1, "nothing done");

    let v = env.cli(&["remove", "shop", "--yes", "--json"]).run().ok().json();
    assert_eq!(v["removed"], "shop");
    assert_eq!(v["disconnected"], serde_json::json!(["Maple Florists"]));
    assert!(env.sim.connections_of(&c.app.client_id).is_empty(), "disconnected at Xero");
    assert_eq!(v["revoked"], true);
    assert_eq!(env.sim.count(xero_sim::Endpoint::Revocation), 1);
    assert!(env.keychain_entry(&id).is_none(), "secrets left in the keychain");
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
}

#[test]
fn remove_after_xero_dropped_the_grant_still_cleans_up() {
    let env = TestEnv::new();
    env.sim.set_access_token_ttl(60);
    env.connect_web("shop");
    env.sim.kill_refresh_tokens();
    let v = env.cli(&["remove", "shop", "--yes", "--json"]).run().ok().json();
    assert_eq!(v["already_disconnected"], true);
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
}

#[test]
fn remove_keeps_everything_when_xero_is_unreachable() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let port = xero_connect_e2e::free_port();
    let run =
        env.cli(&["remove", "shop", "--yes", "--json"]).env("XERO_API_URL", &format!("http://127.0.0.1:{port}")).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "no_network"));
    env.cli(&["test", "shop"]).run().ok();
}

/// `remove --all` (what the Windows uninstaller runs when asked to remove connections): each
/// connection on its own, so one Xero cannot disconnect now is kept and said, the others go.
#[test]
fn remove_all_removes_each_and_keeps_the_one_xero_could_not_disconnect() {
    let env = TestEnv::new();
    let shop = env.connect_web("shop");
    env.connect_web_to("cafe", &shop.tenant);
    let run = env.cli(&["remove", "--all", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "invalid_input"), "no --yes without a terminal");
    let run = env.cli(&["remove", "shop", "--all", "--yes", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "invalid_input"), "a name or --all, not both");

    env.sim.inject(Fault {
        endpoint: Endpoint::DeleteConnection,
        kind: FaultKind::Status { status: 503, body: "The service is unavailable.".into(), headers: vec![] },
        times: 1,
    });
    let run = env.cli(&["remove", "--all", "--yes", "--json"]).run();
    assert_eq!(run.code, 1, "{run:?}");
    let removed = run.json()["removed"].as_array().unwrap().clone();
    assert_eq!(removed.len(), 2);
    let kept: Vec<_> = removed.iter().filter(|r| r["ok"] == false).collect();
    assert_eq!(kept.len(), 1, "{removed:?}");
    assert_eq!(kept[0]["error"]["code"], "xero_unavailable");
    let left = env.cli(&["list", "--json"]).run().ok().json()["connections"].clone();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["name"], kept[0]["name"]);

    let text = env.cli(&["remove", "--all", "--yes"]).run().ok();
    assert!(text.stdout.contains("Removed \""), "{}", text.stdout);
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
    assert!(env.keychain_accounts().is_empty(), "{:?}", env.keychain_accounts());
    let none = env.cli(&["remove", "--all", "--yes"]).run().ok();
    assert!(none.stdout.contains("nothing to remove"), "{}", none.stdout);
}
