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

/// A refresh stopped half-way (Ctrl-Z while it waits for Xero) holds the connection's refresh
/// lock; everyone else notices that its holder is stopped and fails with a stable code and a
/// sentence naming the process, and the stopped one still finishes when it is resumed.
#[test]
fn a_refresh_stopped_with_ctrl_z_does_not_block_everyone_else() {
    use std::fs::{File, TryLockError};
    let env = TestEnv::new();
    env.sim.set_access_token_ttl(60);
    env.connect_web("shop");
    env.sim.set_access_token_ttl(1800);
    let lock = env.config_dir().join(format!("refresh-{}.lock", env.connection_id("shop")));
    // Xero is slow to answer the refresh, so the first process is caught holding the lock.
    env.sim.inject(Fault {
        endpoint: Endpoint::Token,
        kind: FaultKind::Delay(std::time::Duration::from_secs(5)),
        times: 1,
    });
    let stopped = env.cli(&["token", "shop", "--json"]).spawn();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        // The refresh request reached Xero, which the lock is held around. (On Linux the lock
        // is also seen directly; Wine keeps Windows' file locks to itself.)
        let asked = env.sim.faults_pending(Endpoint::Token) == 0;
        let held = env.is_windows()
            || File::open(&lock).ok().is_some_and(|f| matches!(f.try_lock(), Err(TryLockError::WouldBlock)));
        if asked && held {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the first refresh never took its lock");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let signal = |sig: &str| {
        assert!(std::process::Command::new("kill").args([sig, &stopped.id().to_string()]).status().unwrap().success())
    };
    signal("-STOP");

    let run = env.cli(&["token", "shop", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (1, "refresh_in_progress"), "{run:?}");
    let message = run.json()["error"]["message"].as_str().unwrap().to_string();
    if env.is_windows() {
        // Windows has no stopped processes to see (a hung one looks the same): the wait ends
        // after the holder's own worst case, and says so.
        assert!(message.contains("for over 90 seconds") && message.contains("hung or stopped"), "{message}");
    } else {
        // Noticed as stopped, rather than waited on for the holder's whole worst case.
        let pid = stopped.id().to_string();
        assert!(message.contains(&format!("process {pid}")) && message.contains("is stopped"), "{message}");
    }
    assert!(run.stderr.contains("Another xero-connect is refreshing"), "progress said why it waits: {}", run.stderr);

    // Resumed, the first one ends (its own 30-second HTTP timeout may have run out while it
    // was stopped), and the connection still works: Xero keeps a rotated refresh token valid
    // for 30 minutes, so nothing was lost either way.
    signal("-CONT");
    env.finish(stopped);
    env.cli(&["token", "shop"]).run().ok();
    env.cli(&["test", "shop"]).run().ok();
}
