//! `xero-sim [--port N]`: runs the simulated Xero on 127.0.0.1 (default port 5055),
//! seeded with the demo organisations and apps, prints the environment a client needs
//! and the demo credentials (fake, valid only here), and runs until Ctrl-C or SIGTERM.

use std::process::ExitCode;

use xero_sim::{seed_demo, Simulator, DEMO_REDIRECT_URI};

const DEFAULT_PORT: u16 = 5055;

fn usage() -> &'static str {
    "usage: xero-sim [--port N]\n\
     Runs a local simulator of Xero's identity service and API on 127.0.0.1 (default port 5055)."
}

fn parse_port(args: &[String]) -> Result<u16, String> {
    let mut port = DEFAULT_PORT;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let value = if a == "--port" || a == "-p" {
            i += 1;
            args.get(i).cloned().ok_or("--port needs a value")?
        } else if let Some(v) = a.strip_prefix("--port=") {
            v.to_string()
        } else {
            return Err(format!("unknown argument: {a}"));
        };
        port = value.parse().map_err(|_| format!("not a port number: {value}"))?;
        i += 1;
    }
    Ok(port)
}

/// Blocks until Ctrl-C or (on Unix) SIGTERM.
fn wait_for_shutdown() -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r,
                _ = term.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage());
        return ExitCode::SUCCESS;
    }
    let port = match parse_port(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("xero-sim: {e}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let sim = match Simulator::start_on(port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xero-sim: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let demo = seed_demo(&sim);
    let url = sim.url();
    println!("Xero simulator listening on {url}");
    println!();
    println!("Point a client at it:");
    for var in ["XERO_LOGIN_URL", "XERO_IDENTITY_URL", "XERO_API_URL", "XERO_PORTAL_URL"] {
        println!("export {var}={url}");
    }
    println!();
    println!("Demo apps (fake credentials, valid only against this simulator):");
    println!("  Web app \"Acme Sync\"");
    println!("    client id:     {}", demo.web.client_id);
    println!("    client secret: {}", demo.web.client_secret.as_deref().unwrap_or(""));
    println!("    redirect URI:  {DEMO_REDIRECT_URI}");
    println!("  Mobile or desktop (PKCE) app \"Acme Desktop\"");
    println!("    client id:     {}", demo.pkce.client_id);
    println!("    redirect URI:  {DEMO_REDIRECT_URI}");
    println!("  Custom connection \"Acme Back Office\" (Demo Company (AU))");
    println!("    client id:     {}", demo.custom.client_id);
    println!("    client secret: {}", demo.custom.client_secret.as_deref().unwrap_or(""));
    println!();
    println!("Organisations:");
    println!("  Demo Company (AU)  AU  {}", demo.demo_company);
    println!("  Harbour Bakery     NZ  {}", demo.harbour_nz);
    println!("  Harbour Bakery     UK  {}", demo.harbour_uk);
    println!();
    println!("Signed-in user: staff@example.com. Developer portal: {url}/app/manage");
    println!("Press Ctrl-C to stop.");
    if let Err(e) = wait_for_shutdown() {
        eprintln!("xero-sim: cannot wait for a signal: {e}");
        return ExitCode::FAILURE;
    }
    drop(sim);
    ExitCode::SUCCESS
}
