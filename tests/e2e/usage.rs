//! The command line's own words: usage errors that must be errors, not panics, and remedies
//! from the core turned into this front end's options and commands.

use std::os::unix::ffi::OsStrExt;
use xero_connect_e2e::{bins, TestEnv};

#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error_not_a_panic() {
    let env = TestEnv::new();
    for args in [vec!["show"], vec!["show", "--json"], vec!["--json", "test"]] {
        let mut cmd = std::process::Command::new(&bins().cli);
        env.configure(&mut cmd);
        cmd.args(&args).arg(std::ffi::OsStr::from_bytes(b"sh\xffop"));
        let out = cmd.output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stdout} {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(format!("{stdout}{stderr}").contains("UTF-8"), "says what is wrong: {stdout} {stderr}");
    }
}

#[test]
fn an_unchosen_organisation_is_told_with_this_command_lines_option() {
    let env = TestEnv::new();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Harbour Bakery", "NZ", "NZD");
    env.org("Harbour Bakery", "GB", "GBP");
    let run = env
        .cli(&["setup", "bakery", "--client-id", &app.client_id, "--redirect-uri", &uri, "--json"])
        .stdin(&app.client_secret.clone().unwrap())
        .run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "organisation_choice_needed"));
    let t = env.cli(&["test", "bakery"]).run();
    assert_eq!(t.code, 2);
    assert!(t.stderr.contains("Choose which organisation \"bakery\" should use"), "{}", t.stderr);
    assert!(
        t.stderr.contains("xero-connect test bakery --tenant NAME_OR_ID"),
        "the hint names the option: {}",
        t.stderr
    );
}

#[test]
fn an_option_the_command_does_not_read_is_refused_not_ignored() {
    let env = TestEnv::new();
    let run = env.cli(&["list", "--tenant", "Maple Florists", "--json"]).run();
    assert_eq!((run.code, run.error_code().as_str()), (2, "invalid_input"));
    assert!(run.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("--tenant does not apply to `xero-connect list`"));
    let human = env.cli(&["test", "shop", "--client-id", "0123456789ABCDEF0123456789ABCDEF"]).run();
    assert_eq!(human.code, 2);
    assert!(human.stderr.contains("--client-id does not apply"), "{}", human.stderr);
}

#[test]
fn text_from_xero_reaches_the_terminal_without_its_control_characters() {
    let env = TestEnv::new();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    // An organisation and a user whose names would retitle the terminal and clear the screen.
    env.org("Evil\u{1b}]0;owned\u{7}\u{1b}[2J Ltd", "NZ", "NZD");
    env.sim.set_user(xero_sim::User {
        email: "staff@example.com".into(),
        given_name: "Sam\u{1b}[31m".into(),
        family_name: "Staff".into(),
    });
    let mut outputs = Vec::new();
    let setup = env
        .cli(&["setup", "shop", "--client-id", &app.client_id, "--redirect-uri", &uri])
        .stdin(&app.client_secret.clone().unwrap())
        .run()
        .ok();
    outputs.push(setup);
    for args in [&["test", "shop"][..], &["show", "shop"], &["list"]] {
        outputs.push(env.cli(args).run().ok());
    }
    outputs.push(env.cli(&["remove", "shop", "--yes"]).run().ok());
    let all: String = outputs.iter().map(|r| format!("{}{}", r.stdout, r.stderr)).collect();
    assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "a control character reached the terminal: {all:?}");
    assert!(all.contains("Evil?]0;owned??[2J Ltd"), "the name is shown, made harmless: {all}");
    assert!(all.contains("Sam?[31m Staff"), "{all}");
}

/// A reader that stops reading (`xero-connect list | head`, a script that has what it needs)
/// ends the program quietly, with exit code 0 — never a panic about a broken pipe.
#[test]
fn output_to_a_reader_that_has_gone_ends_quietly() {
    let env = TestEnv::without_keyring();
    for args in [&["guide"][..], &["guide", "--json"], &["list"], &["list", "--json"]] {
        let run = || {
            // The reading end is closed before the program starts: its first write finds no reader.
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            env.cli_command().args(args).stdout(writer).stderr(std::process::Stdio::piped()).output().unwrap()
        };
        let mut out = run();
        // Under Wine, on a loaded machine, Wine itself has once failed to talk to its wineserver
        // in this very test: its client printed "wine client error:…: sendmsg: Socket operation
        // on non-socket" (Wine's wording, never xero-connect's) and the run failed. Wine
        // failing, not xero-connect: that alone is tried once more.
        if env.is_windows() && String::from_utf8_lossy(&out.stderr).contains("wine client error") {
            eprintln!("{args:?}: Wine lost its channel to the wineserver: running it once more");
            out = run();
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("error"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
