//! Finishing the consent from another device: `setup --no-browser` on a machine whose
//! loopback the browser cannot reach. The browser ends on an address that does not load; the
//! person pastes it on the terminal and the setup goes on, checked as the listener checks.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStderr, Command};
use xero_connect_e2e::{bins, redirect_uri, TestEnv};

/// Reads stderr until a line containing `marker`; returns what was read.
fn read_until(stderr: &mut BufReader<ChildStderr>, marker: &str) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "ended before \"{marker}\": {seen}");
        seen.push_str(&line);
        if line.contains(marker) {
            return seen;
        }
    }
}

/// Starts `setup --no-browser` with the secret piped and stdin left open; returns the process,
/// its stderr and the consent address it printed.
fn start_setup(env: &TestEnv, uri: &str) -> (Child, BufReader<ChildStderr>, String) {
    let app = env.web_app(&[uri.to_string()]);
    let secret = app.client_secret.clone().unwrap();
    let mut setup = env
        .cli(&[
            "setup",
            "shop",
            "--client-id",
            &app.client_id,
            "--redirect-uri",
            uri,
            "--no-browser",
            "--timeout",
            "60s",
            "--json",
        ])
        .spawn_with_open_stdin(&format!("{secret}\n"));
    let mut stderr = BufReader::new(setup.stderr.take().unwrap());
    let printed = read_until(&mut stderr, "paste it here");
    let address = printed.lines().map(str::trim).find(|l| l.starts_with("http")).expect("consent address").to_string();
    (setup, stderr, address)
}

/// The scripted browser on "another device": it allows (or cancels) and writes the address it
/// ended on, without reaching this machine's listener.
fn consent_elsewhere(env: &TestEnv, address: &str, decision: &str) -> String {
    let bar = env.dir.path().join("address-bar.txt");
    let ok = Command::new(&bins().browser)
        .arg(address)
        .env("XERO_SIM_BROWSER_ELSEWHERE", &bar)
        .env("XERO_SIM_BROWSER_DECISION", decision)
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::read_to_string(&bar).expect("the browser ended on an address")
}

fn paste(child: &mut Child, line: &str) {
    let stdin = child.stdin.as_mut().unwrap();
    stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
    stdin.flush().unwrap();
}

#[test]
fn a_pasted_final_address_completes_setup_and_wrong_ones_are_refused_while_the_wait_goes_on() {
    let env = TestEnv::new();
    env.org("Maple Florists", "NZ", "NZD");
    let uri = redirect_uri();
    let (mut setup, mut stderr, address) = start_setup(&env, &uri);
    let ended_on = consent_elsewhere(&env, &address, "allow");
    assert!(ended_on.starts_with(&format!("{uri}?")) && ended_on.contains("code="), "{ended_on}");

    // Another port, another sign-in's state, and something that is not an address: each gets
    // one sentence, never the pasted text, and the listener keeps waiting.
    let url = reqwest::Url::parse(&ended_on).unwrap();
    let port = url.port().unwrap();
    let mut other_port = url.clone();
    other_port.set_port(Some(if port == 65535 { port - 1 } else { port + 1 })).unwrap();
    paste(&mut setup, other_port.as_str());
    let said = read_until(&mut stderr, "Still waiting.");
    assert!(said.contains("not the redirect URI this sign-in waits on"), "{said}");
    let mut other_state = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.to_string(), if k == "state" { "someone-elses".to_string() } else { v.to_string() }))
        .collect();
    other_state.query_pairs_mut().clear().extend_pairs(&pairs);
    paste(&mut setup, other_state.as_str());
    let said = read_until(&mut stderr, "Still waiting.");
    assert!(said.contains("belongs to another sign-in"), "{said}");
    paste(&mut setup, "I clicked Allow access");
    let said = read_until(&mut stderr, "Still waiting.");
    assert!(said.contains("copy the whole address"), "{said}");
    let code = url.query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
    assert!(!said.contains(&code), "a refusal never repeats the code");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(setup.try_wait().unwrap().is_none(), "still waiting after the refusals");

    // The real one, as copied from an address bar, with quotes and spaces around it.
    paste(&mut setup, &format!("  \"{ended_on}\"  "));
    let run = env.finish(setup);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["organisation"]["name"], "Maple Florists", "{run:?}");
    let test = env.cli(&["test", "shop", "--json"]).run().ok();
    assert_eq!(test.json()["organisation"]["name"], "Maple Florists");
    // The listener was closed: the port is free again.
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
}

#[test]
fn a_pasted_access_denied_ends_as_denied_and_nothing_is_saved() {
    let env = TestEnv::new();
    env.org("Maple Florists", "NZ", "NZD");
    let (mut setup, _stderr, address) = start_setup(&env, &redirect_uri());
    let ended_on = consent_elsewhere(&env, &address, "cancel");
    assert!(ended_on.contains("error=access_denied"), "{ended_on}");
    paste(&mut setup, &ended_on);
    let run = env.finish(setup);
    assert_eq!((run.code, run.error_code().as_str()), (1, "consent_denied"), "{run:?}");
    assert_eq!(env.cli(&["list", "--json"]).run().ok().json()["connections"], serde_json::json!([]));
}
