//! The command line at a real terminal (a pseudo-terminal it has as its controlling terminal),
//! as a person types: the Client ID at its question, then the client secret at the hidden
//! prompt, a key at a time (issue 17, item 2: a reader of standard input left waiting in the
//! background competed with the hidden prompt for those keystrokes).

use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};
use xero_connect_e2e::{bins, redirect_uri, TestEnv};

/// Collects what the terminal shows until `text` appears; panics with the screen after 30 s.
fn wait_for(screen: &mut String, shown: &Receiver<String>, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !screen.contains(text) {
        match shown.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(more) => screen.push_str(&more),
            Err(_) => panic!("{text:?} never appeared on the terminal:\n{screen}"),
        }
    }
}

#[test]
fn a_secret_typed_a_key_at_a_time_at_the_hidden_prompt_arrives_whole() {
    let env = TestEnv::new();
    let uri = redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let org = env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();

    let pty = native_pty_system().openpty(PtySize { rows: 50, cols: 200, pixel_width: 0, pixel_height: 0 }).unwrap();
    // This world's environment, exactly as every other command of the tests gets it.
    let mut configured = std::process::Command::new(&bins().cli);
    env.configure(&mut configured);
    let mut cmd = CommandBuilder::new(&bins().cli);
    cmd.args(["setup", "shop", "--redirect-uri", &uri]);
    cmd.env_clear();
    for (k, v) in configured.get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    cmd.cwd(env.dir.path());
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut terminal = pty.master.try_clone_reader().unwrap();
    let mut keyboard = pty.master.take_writer().unwrap();
    let (tx, shown) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = terminal.read(&mut buf) {
            if tx.send(String::from_utf8_lossy(&buf[..n]).into_owned()).is_err() {
                return;
            }
        }
    });
    let mut screen = String::new();

    wait_for(&mut screen, &shown, "Client ID: ");
    keyboard.write_all(format!("{}\r", app.client_id).as_bytes()).unwrap();
    wait_for(&mut screen, &shown, "Client secret (hidden): ");
    for key in secret.bytes() {
        keyboard.write_all(&[key]).unwrap();
        keyboard.flush().unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    keyboard.write_all(b"\r").unwrap();
    keyboard.flush().unwrap();

    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("setup never finished (the hidden prompt hung?):\n{screen}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(more) = shown.recv_timeout(Duration::from_millis(200)) {
        screen.push_str(&more);
    }
    assert!(status.success(), "setup failed:\n{screen}");
    assert!(!screen.contains(&secret), "the hidden prompt showed the secret:\n{screen}");
    // Xero's pre-flight (and everything after) had exactly the secret typed.
    let record = env.keychain_record("shop").expect("saved");
    assert_eq!(record["client_secret"].as_str(), Some(secret.as_str()));
    assert!(screen.contains("Connected \"shop\" to Maple Florists"), "{screen}");
    assert!(screen.contains(&org), "{screen}");
}
