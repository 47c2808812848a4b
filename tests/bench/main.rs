//! `xero-connect-bench`: the rerunnable benchmark behind BENCHMARKS.md. In a private keyring and
//! against the local simulator it measures (1) one `xero-connect token` process with a valid
//! stored token, beside a bare `xero-connect --version` process for scale, and (2) the time from
//! the consent callback reaching the listener to tokens stored and organisations listed, as
//! reported by the CLI itself. Medians of many runs; run it with `scripts/bench`. Under
//! `scripts/bench --windows` the same runs measure the Windows build under Wine (see
//! tests/support/windows.rs), and the bare process start is the Windows one under Wine too.

use std::process::Command;
use std::time::{Duration, Instant};
use xero_connect_e2e::{bins, redirect_uri, TestEnv};

fn stats(mut xs: Vec<Duration>) -> (Duration, Duration, Duration) {
    xs.sort();
    let pick = |q: f64| xs[((xs.len() - 1) as f64 * q).round() as usize];
    (xs[0], pick(0.5), pick(0.9))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let env = TestEnv::new();
    env.connect_web("bench");

    // (1) token with a valid stored token, one process each, spawn to exit.
    for _ in 0..3 {
        env.cli(&["token", "bench"]).run().ok();
    }
    let mut token = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        env.cli(&["token", "bench"]).run().ok();
        token.push(t.elapsed());
    }
    let mut bare = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut version = if env.is_windows() { env.cli_command() } else { Command::new(&bins().cli) };
        let out = version.arg("--version").output().unwrap();
        assert!(out.status.success());
        bare.push(t.elapsed());
    }
    let refreshes = env.sim.count_grant("refresh_token");
    assert_eq!(refreshes, 0, "a valid token must not be refreshed");

    // (2) callback → tokens stored and organisations listed, measured inside the CLI.
    let mut callback = Vec::new();
    for i in 0..runs.min(25) {
        let uri = redirect_uri();
        let app = env.web_app(std::slice::from_ref(&uri));
        let name = format!("cb-{i}");
        let run = env
            .cli(&["setup", &name, "--client-id", &app.client_id, "--redirect-uri", &uri])
            .stdin(&app.client_secret.clone().unwrap())
            .env("XERO_CONNECT_TIMINGS", "1")
            .run()
            .ok();
        let micros: u64 = run
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("timing: callback_to_stored_us="))
            .and_then(|v| v.trim().parse().ok())
            .expect("the CLI reports its timing");
        callback.push(Duration::from_micros(micros));
    }

    let (tmin, tmed, tp90) = stats(token);
    let (bmin, bmed, bp90) = stats(bare);
    let (cmin, cmed, cp90) = stats(callback.clone());
    if env.is_windows() {
        println!("The Windows build (x86_64-pc-windows-gnu, release) under Wine 8.0:\n");
    }
    println!("| measurement | runs | min | median | p90 |");
    println!("|---|---|---|---|---|");
    println!("| `xero-connect token` (valid stored token) | {runs} | {} | {} | {} |", ms(tmin), ms(tmed), ms(tp90));
    println!(
        "| `xero-connect --version` (process start, for scale) | {runs} | {} | {} | {} |",
        ms(bmin),
        ms(bmed),
        ms(bp90)
    );
    println!(
        "| callback → tokens stored + organisations listed | {} | {} | {} | {} |",
        callback.len(),
        ms(cmin),
        ms(cmed),
        ms(cp90)
    );
    println!();
    println!("token / bare process start (medians): {:.2}×", tmed.as_secs_f64() / bmed.as_secs_f64());
}
