//! Overridden Xero hosts (issue 17, item 3): a saved connection records the identity host it was
//! made with, and its client secret and refresh token are not sent to another one — an
//! `XERO_IDENTITY_URL` set now, or unset — unless the user says so; `--json` output marks every
//! override.

use xero_connect_e2e::TestEnv;
use xero_sim::Simulator;

#[test]
fn a_refresh_or_revoke_towards_another_identity_host_is_refused_unless_confirmed() {
    let env = TestEnv::new();
    env.connect_web("shop");
    let settings = std::fs::read_to_string(env.config_dir().join("settings.json")).unwrap();
    assert!(settings.contains(&format!("\"identity_origin\": \"{}\"", env.sim.url())), "{settings}");

    // Another host, which must receive nothing.
    let other = Simulator::start().unwrap();
    for args in [&["refresh", "shop", "--json"][..], &["remove", "shop", "--yes", "--json"]] {
        let run = env.cli(args).env("XERO_IDENTITY_URL", &other.url()).run();
        assert_eq!((run.code, run.error_code().as_str()), (2, "identity_host_changed"), "{run:?}");
        let v = run.json();
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains(&env.sim.url()) && message.contains(&other.url()), "{message}");
        assert!(v["error"]["hint"].as_str().unwrap().contains("--allow-override"), "{v}");
        assert_eq!(v["overrides"]["XERO_IDENTITY_URL"], other.url().as_str(), "--json marks the override: {v}");
    }
    assert!(other.requests().is_empty(), "nothing was sent: {:?}", other.requests());
    // Unset, the identity host is Xero's own: refused the same way, before anything is sent.
    let run = env.cli(&["refresh", "shop", "--json"]).env("XERO_IDENTITY_URL", "").run();
    assert_eq!(run.error_code(), "identity_host_changed", "{run:?}");
    assert!(run.json()["error"]["message"].as_str().unwrap().contains("Xero's own"), "{run:?}");
    // The connection still works where it was made.
    env.cli(&["refresh", "shop"]).run().ok();

    // Said explicitly, the refresh goes to the other host.
    let run = env.cli(&["refresh", "shop", "--allow-override", "--json"]).env("XERO_IDENTITY_URL", &other.url()).run();
    // It went there: that host knows neither the app nor the token.
    assert!(["invalid_client", "invalid_grant"].contains(&run.error_code().as_str()), "{run:?}");
    assert!(!other.requests().is_empty(), "sent when confirmed");
    // An option only the commands that send a secret read.
    assert_eq!(env.cli(&["list", "--allow-override"]).run().code, 2);
}
