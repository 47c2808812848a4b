//! Runs the real `xero-sim-browser` binary against a simulator and a tiny loopback
//! "app" that checks the callback's `state`: Allow delivers a code, Cancel delivers
//! `access_denied`, the tamper mode sends a forged state first, and an error page is
//! reported on stderr while the app hears nothing. No code or state is ever printed.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;

use xero_sim::{AppSpec, OrgSpec, Simulator};

const STATE: &str = "st-4f9a2c81e7";

/// A loopback listener answering 200 to a callback with the expected state and 400
/// otherwise; it records each request target.
fn app_listener() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap_or(0);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let url = url::Url::parse(&format!("http://x{target}")).unwrap();
            let state_ok = url.query_pairs().any(|(k, v)| k == "state" && v == STATE);
            let status = if state_ok { "200 OK" } else { "400 Bad Request" };
            record.lock().unwrap().push(target);
            let body = if state_ok { "connected" } else { "state mismatch" };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, seen)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    log: Vec<String>,
    seen: Vec<String>,
}

fn run_browser(env: &[(&str, &str)], bad_redirect: bool) -> Run {
    let sim = Simulator::start().unwrap();
    sim.add_org(OrgSpec::default());
    let (port, seen) = app_listener();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let app = sim.add_app(AppSpec { redirect_uris: vec![redirect.clone()], ..AppSpec::default() });
    let asked = if bad_redirect { format!("http://127.0.0.1:{port}/other") } else { redirect };
    let mut url = url::Url::parse(&format!("{}/identity/connect/authorize", sim.url())).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", &asked)
        .append_pair("scope", "openid offline_access accounting.settings")
        .append_pair("state", STATE);
    let dir = std::env::temp_dir().join(format!("xero-sim-browser-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("steps.log");
    let out = Command::new(env!("CARGO_BIN_EXE_xero-sim-browser"))
        .arg(url.as_str())
        .env("XERO_SIM_BROWSER_LOG", &log_path)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default().lines().map(str::to_string).collect();
    let _ = std::fs::remove_dir_all(&dir);
    let seen = seen.lock().unwrap().clone();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        log,
        seen,
    }
}

fn assert_quiet(run: &Run) {
    for text in [&run.stdout, &run.stderr, &run.log.join("\n")] {
        assert!(!text.contains(STATE), "state leaked: {text}");
        assert!(!text.contains("code="), "code leaked: {text}");
    }
}

#[test]
fn allow_delivers_a_code_to_the_callback() {
    let run = run_browser(&[], false);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.log, vec!["GET authorize 200", "POST consent 302", "GET callback 200"]);
    assert_eq!(run.seen.len(), 1);
    assert!(run.seen[0].starts_with("/callback?code="));
    assert_quiet(&run);
}

#[test]
fn cancel_delivers_access_denied() {
    let run = run_browser(&[("XERO_SIM_BROWSER_DECISION", "cancel")], false);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.seen.len(), 1);
    assert!(run.seen[0].contains("error=access_denied"));
    assert!(!run.seen[0].contains("code="));
    assert_quiet(&run);
}

#[test]
fn tamper_mode_sends_a_forged_state_first() {
    let run = run_browser(&[("XERO_SIM_BROWSER_TAMPER_STATE", "1")], false);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.log, vec!["GET authorize 200", "POST consent 302", "GET callback-tampered 400", "GET callback 200"]);
    assert_eq!(run.seen.len(), 2);
    assert_quiet(&run);
}

#[test]
fn error_page_is_reported_and_the_app_hears_nothing() {
    let run = run_browser(&[], true);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("sim-browser: Xero showed an error page: unauthorized_client : Invalid redirect_uri"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
    assert!(run.seen.is_empty());
    assert_quiet(&run);
}
