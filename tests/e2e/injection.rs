//! Authorization code injection (RFC 9700 §4.5): while `setup` waits, someone who can read the
//! consent address (it sits in the browser's command line, readable by other local users) runs
//! their own sign-in with the same Client ID, redirect URI and `state`, and delivers the code to
//! the listener. The nonce check refuses it: nothing is saved and the grant is revoked.

use std::io::{BufRead, BufReader};
use xero_connect_e2e::{bins, redirect_uri, TestEnv};
use xero_sim::{Consent, Endpoint, User};

/// Reads stderr lines until the consent address appears (the `--no-browser` output).
fn consent_address(stderr: &mut impl BufRead) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no consent address printed: {seen}");
        seen.push_str(&line);
        if let Some(rest) = line.trim().strip_prefix("http") {
            return format!("http{rest}");
        }
    }
}

#[test]
fn a_code_from_someone_elses_sign_in_is_refused_and_nothing_is_saved() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let users_org = env.org("Maple Florists", "NZ", "NZD");
    let attackers_org = env.org("Mallory Trading", "AU", "AUD");
    let secret = app.client_secret.clone().unwrap();
    let mut setup = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--no-browser", "--json"])
        .stdin(&format!("{secret}\n"))
        .spawn();
    let mut stderr = BufReader::new(setup.stderr.take().unwrap());
    let victims = reqwest::Url::parse(&consent_address(&mut stderr)).unwrap();
    let state = victims.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    assert!(victims.query_pairs().any(|(k, v)| k == "nonce" && v.len() >= 43), "a nonce of 256 bits is sent");

    // The attacker's own sign-in: everything public copied, including the state; the nonce is
    // the attacker's own.
    let mut attackers = victims.clone();
    let pairs: Vec<(String, String)> = victims
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "nonce" { "mallorys-own-nonce".to_string() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    attackers.query_pairs_mut().clear().extend_pairs(&pairs);
    assert!(attackers.query_pairs().any(|(k, v)| k == "state" && v == state), "the same state");
    env.sim.set_user(User {
        email: "mallory@example.com".into(),
        given_name: "Mal".into(),
        family_name: "Lory".into(),
    });
    env.sim.set_consent(Consent::Allow(vec![attackers_org.clone()]));
    // The scripted browser signs in at the simulator and delivers the code to the listener.
    let delivered = std::process::Command::new(&bins().browser).arg(attackers.as_str()).status().unwrap();
    assert!(delivered.success());

    let run = env.finish(setup);
    assert_eq!((run.code, run.error_code().as_str()), (1, "authorization_mismatch"), "{run:?}");
    assert!(run.json()["error"]["message"].as_str().unwrap().contains("nothing was saved"));
    // Nothing saved: no connection, no keychain entry, no settings file.
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
    let naming: Vec<_> = env.settings_files().into_iter().filter(|(_, t)| t.contains("shop")).collect();
    assert!(naming.is_empty(), "no settings name it: {naming:?}");
    assert_eq!(env.keychain_accounts(), Vec::<String>::new(), "no keychain entry was written");
    // The injected grant was revoked at Xero: the attacker's organisation is no longer connected.
    assert_eq!(env.sim.count(Endpoint::Revocation), 1);
    assert!(env.sim.connections_of(&app.client_id).is_empty(), "{:?}", env.sim.connections_of(&app.client_id));

    // The real user starts again and connects their own organisation.
    env.sim.set_user(User::default());
    env.sim.set_consent(Consent::Allow(vec![users_org.clone()]));
    let v = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&format!("{secret}\n"))
        .run()
        .ok()
        .json();
    assert_eq!(v["authorised_by"]["email"], "staff@example.com");
    assert_eq!(v["organisation"]["id"], users_org.as_str());
}

/// Whether this test process may run a program as another user (root, as in CI).
fn can_switch_user() -> bool {
    std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A copy of the scripted browser that another user may run (the build folder may be private).
fn browser_for_others() -> (tempfile::TempDir, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = dir.path().join("xero-sim-browser");
    std::fs::copy(&bins().browser, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, copy)
}

/// Issue 17, item 1: another user of the computer reads the whole consent address from the
/// process list (state, nonce and all), runs that very sign-in into their own organisation and
/// delivers their code to the listener. The nonce cannot tell (it is the victim's own); the
/// listener refuses the connection because another user's program owns it, and the wait goes
/// on until the real user's browser answers.
///
/// The other user is `nobody` (65534), switched to with `setpriv` for the attacker's process
/// only: nothing on the machine is changed. It needs root, which CI has.
#[test]
fn another_user_replaying_the_whole_consent_address_is_refused_and_nothing_of_theirs_is_saved() {
    if !can_switch_user() {
        assert!(std::env::var_os("CI").is_none(), "CI runs as root: this test must run there");
        eprintln!("skipped: running a program as another user needs root");
        return;
    }
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let users_org = env.org("Maple Florists", "NZ", "NZD");
    let attackers_org = env.org("Mallory Trading", "AU", "AUD");
    let secret = app.client_secret.clone().unwrap();
    let mut setup = env
        .cli(&[
            "setup",
            "shop",
            "--client-id",
            &app.client_id,
            "--redirect-uri",
            &uri,
            "--no-browser",
            "--timeout",
            "60s",
            "--json",
        ])
        .stdin(&format!("{secret}\n"))
        .spawn();
    let mut stderr = BufReader::new(setup.stderr.take().unwrap());
    let victims = consent_address(&mut stderr);

    // The attacker copies the address exactly and signs in to their own organisation.
    env.sim.set_user(User {
        email: "mallory@example.com".into(),
        given_name: "Mal".into(),
        family_name: "Lory".into(),
    });
    env.sim.set_consent(Consent::Allow(vec![attackers_org.clone()]));
    let (_keep, browser) = browser_for_others();
    let attacker = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&browser)
        .arg(&victims)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("setpriv (util-linux) runs");
    let said = String::from_utf8_lossy(&attacker.stderr);
    assert!(attacker.status.success(), "{said}");

    // The victim's terminal says a program of another user was refused; the wait goes on.
    let mut seen = String::new();
    while !seen.contains("another user of this computer") {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no refusal reported: {seen}");
        seen.push_str(&line);
    }
    assert!(seen.contains("user 65534"), "{seen}");
    assert!(env.settings_files().iter().all(|(_, t)| !t.contains("shop")), "nothing saved while it waits");

    // The real user's browser answers the same address and their organisation is saved.
    env.sim.set_user(User::default());
    env.sim.set_consent(Consent::Allow(vec![users_org.clone()]));
    let delivered = std::process::Command::new(&bins().browser).arg(&victims).status().unwrap();
    assert!(delivered.success());
    let run = env.finish(setup);
    assert_eq!(run.code, 0, "{run:?}");
    let v = run.json();
    assert_eq!(v["organisation"]["id"], users_org.as_str(), "{v}");
    assert_eq!(v["authorised_by"]["email"], "staff@example.com");
    assert!(!run.stdout.contains(&attackers_org) && !run.stdout.contains("Mallory"), "{v}");
}
