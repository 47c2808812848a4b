//! Access tokens for scripts: single-flight refresh across twenty processes, and the refresh
//! and retry after Xero's 401 TokenExpired.

use xero_connect_e2e::TestEnv;
use xero_sim::{Endpoint, Fault, FaultKind};

#[test]
fn twenty_processes_with_an_expired_token_cause_one_refresh() {
    let env = TestEnv::new();
    // Tokens issued during setup expire within the refresh margin, so the next use refreshes.
    env.sim.set_access_token_ttl(60);
    let c = env.connect_web("shop");
    env.sim.set_access_token_ttl(1800);
    assert_eq!(env.sim.count_grant("refresh_token"), 0);

    let children: Vec<_> = (0..20).map(|_| env.cli(&["token", "shop", "--json"]).spawn()).collect();
    let runs: Vec<_> = children.into_iter().map(|c| env.finish(c)).collect();
    let mut tokens = Vec::new();
    for r in &runs {
        assert_eq!(r.code, 0, "{r:?}");
        let v = r.json();
        assert!(v["expires_in"].as_u64().unwrap() > 1000, "a fresh token: {v}");
        assert_eq!(v["tenant_id"], c.tenant.as_str());
        tokens.push(v["access_token"].as_str().unwrap().to_string());
    }
    assert_eq!(env.sim.count_grant("refresh_token"), 1, "exactly one refresh at Xero");
    tokens.dedup();
    assert_eq!(tokens.len(), 1, "all twenty print the one refreshed token");
    // And that token is valid at Xero.
    env.cli(&["test", "shop"]).run().ok();
}

#[test]
fn token_expired_is_refreshed_and_retried_once() {
    let env = TestEnv::new();
    env.connect_web("shop");
    env.sim.inject(Fault { endpoint: Endpoint::Organisation, kind: FaultKind::TokenExpired, times: 1 });
    let before = env.sim.count(Endpoint::Organisation);
    env.cli(&["test", "shop", "--json"]).run().ok();
    assert_eq!(env.sim.count_grant("refresh_token"), 1);
    assert_eq!(env.sim.count(Endpoint::Organisation) - before, 2, "one failed call, one retry");
}

#[test]
fn a_second_401_after_refresh_is_not_retried_forever() {
    let env = TestEnv::new();
    env.connect_web("shop");
    env.sim.inject(Fault { endpoint: Endpoint::Organisation, kind: FaultKind::TokenExpired, times: 5 });
    let run = env.cli(&["test", "shop", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "invalid_grant"));
    assert_eq!(env.sim.count_grant("refresh_token"), 1);
}
