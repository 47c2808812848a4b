//! `xero-connect`: the command-line face of the connection engine, for headless servers and
//! scripts. Argument parsing and terminal rendering only; every behaviour is in the core.

mod args;
mod input;
mod render;

use args::{Cli, Command};
use clap::Parser;
use serde_json::json;
use std::time::Duration;
use xero_connect::credentials::{self, CredentialCheck, Severity};
use xero_connect::error::Remedy;
use xero_connect::flows::{self, ConsentOptions, ReconnectMethod, ReconnectRequest, SetupRequest};
use xero_connect::registration::{AppType, RedirectUri, DEFAULT_REDIRECT_URI};
use xero_connect::scopes::{self, Api};
use xero_connect::{Context, Error, ErrorCode, Result};

fn main() {
    // Arguments are read as the OS gives them: one that is not valid UTF-8 is a usage error
    // (clap reports it, exit 2), never a panic.
    let json_requested = std::env::args_os().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if json_requested && e.use_stderr() => {
            let msg = e.kind().to_string();
            std::process::exit(render::error(
                &Error::new(ErrorCode::InvalidInput, format!("{msg}: see xero-connect --help.")),
                true,
            ));
        }
        Err(e) => e.exit(),
    };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    let code = match runtime.block_on(run(&cli)) {
        Ok(()) => 0,
        Err(e) => render::error(&e, cli.json),
    };
    // Leave without waiting for abandoned keychain threads (a hung keychain must not hang us).
    runtime.shutdown_timeout(Duration::from_millis(100));
    std::process::exit(code);
}

async fn run(cli: &Cli) -> Result<()> {
    let ctx = Context::from_env(cli.no_browser)?;
    if let Some(notice) = ctx.endpoints.override_notice() {
        eprintln!("{notice}");
    }
    let progress = render::StderrProgress { timings: std::env::var_os("XERO_CONNECT_TIMINGS").is_some() };
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match &cli.command {
        Command::Guide { name } => guide(cli, &ctx, name.as_deref()),
        Command::Setup { name } => setup(cli, &ctx, name, &progress, cancel).await,
        Command::Reconnect { name } => reconnect(cli, &ctx, name, &progress, cancel).await,
        Command::Test { name } => {
            let r = flows::test(&ctx, name, cli.tenant.as_deref(), &progress).await?;
            let o = &r.organisation;
            if cli.json {
                print_json(json!({"ok": true, "connection": r.connection, "organisation": o,
                    "authorised_by": r.authorised_by, "tested_at": r.tested_at}));
            } else {
                println!("Connected to {}.", o.name);
                println!("  Organisation ID: {}", o.id);
                println!("  Country:         {}", o.country_code.as_deref().unwrap_or("?"));
                println!("  Currency:        {}", o.base_currency.as_deref().unwrap_or("?"));
                println!("  Demo company:    {}", if o.is_demo_company { "yes" } else { "no" });
                if let Some(u) = &r.authorised_by {
                    println!("  Authorised by:   {}", render::user_text(u));
                }
                println!("  Tested at:       {}", r.tested_at);
            }
            Ok(())
        }
        Command::List => {
            let list = flows::list(&ctx)?;
            if cli.json {
                print_json(json!({"connections": list.iter().map(render::connection_json).collect::<Vec<_>>()}));
            } else if list.is_empty() {
                println!("No saved connections. Start with: xero-connect guide, then xero-connect setup NAME");
            } else {
                for c in &list {
                    let org = c.organisation().map(|o| o.name.as_str()).unwrap_or("(organisation not chosen)");
                    println!("{}\t{}\t{}\tlast test: {}", c.name, org, c.app_type.as_str(), render::last_test_text(c));
                }
            }
            Ok(())
        }
        Command::Show { name } => {
            let c = flows::show(&ctx, name)?;
            if cli.json {
                print_json(render::connection_json(&c));
            } else {
                print!("{}", render::connection_text(&c));
            }
            Ok(())
        }
        Command::Token { name } => {
            let t = flows::token(&ctx, name, cli.tenant.as_deref(), &progress).await?;
            if cli.json {
                let now = xero_connect::oauth::now_secs();
                print_json(json!({"access_token": t.access_token.expose(), "expires_at": t.expires_at,
                    "expires_in": t.expires_at.saturating_sub(now), "tenant_id": t.tenant_id}));
            } else {
                println!("{}", t.access_token.expose());
            }
            Ok(())
        }
        Command::Remove { name } => {
            let conn = flows::show(&ctx, name)?;
            if !cli.yes {
                if !input::interactive() {
                    return Err(Error::new(
                        ErrorCode::InvalidInput,
                        "Removing needs confirmation: add --yes when not running in a terminal.",
                    ));
                }
                let q = format!("Remove \"{}\"? {}", conn.name, conn.removal_warning());
                if !input::confirm(&q)? {
                    return Err(Error::new(ErrorCode::Cancelled, "Nothing was removed."));
                }
            }
            let out = flows::remove(&ctx, name, &progress).await?;
            if cli.json {
                print_json(json!({"removed": out.name, "disconnected": out.disconnected, "revoked": out.revoked,
                    "already_disconnected": out.already_disconnected}));
            } else {
                println!("Removed \"{}\".", out.name);
                if !out.disconnected.is_empty() {
                    println!("  Disconnected at Xero: {}", out.disconnected.join(", "));
                }
                if out.already_disconnected {
                    println!("  Xero had already dropped this authorisation.");
                }
            }
            Ok(())
        }
    }
}

fn print_json(v: serde_json::Value) {
    println!("{v}");
}

fn app_type(cli: &Cli) -> Result<AppType> {
    AppType::parse(&cli.app_type)
}

fn chosen_scopes(cli: &Cli) -> Result<Vec<String>> {
    if let Some(list) = &cli.scopes {
        return scopes::parse(list);
    }
    let mut apis = Vec::new();
    for name in &cli.apis {
        apis.push(Api::parse(name).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidInput,
                format!("Unknown API \"{name}\": use accounting, assets, payroll, files or projects."),
            )
        })?);
    }
    if apis.is_empty() {
        apis.push(Api::DEFAULT);
    }
    Ok(scopes::for_apis(&apis))
}

fn redirect_uris(cli: &Cli) -> Result<Vec<RedirectUri>> {
    if cli.redirect_uris.is_empty() {
        return Ok(vec![RedirectUri::parse(DEFAULT_REDIRECT_URI)?]);
    }
    cli.redirect_uris.iter().map(|u| RedirectUri::parse(u)).collect()
}

fn consent_options(cli: &Cli) -> Result<ConsentOptions> {
    let timeout = args::parse_timeout(&cli.timeout).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidInput,
            format!("--timeout \"{}\" is not a duration: use e.g. 300, 90s or 5m.", cli.timeout),
        )
    })?;
    Ok(ConsentOptions { timeout })
}

fn guide(cli: &Cli, ctx: &Context, name: Option<&str>) -> Result<()> {
    let g = flows::guide(ctx, name, app_type(cli)?, &redirect_uris(cli)?, &chosen_scopes(cli)?);
    if cli.json {
        print_json(serde_json::to_value(&g).expect("guide serialises"));
        return Ok(());
    }
    println!("Create your app in the Xero developer portal: {}\n", g.portal_url);
    for (i, step) in g.steps.iter().enumerate() {
        println!("{:>2}. {step}", i + 1);
    }
    println!("\nIntegration types:");
    for c in &g.app_type_choices {
        let mark = if c.app_type == g.app_type { "*" } else { " " };
        println!(" {mark} {}: {}", c.label, c.explanation);
    }
    if !g.redirect_uris.is_empty() {
        println!("\nRedirect URI (copy exactly):");
        for u in &g.redirect_uris {
            println!("  {u}");
        }
    }
    println!("\nScopes this connection asks for:\n  {}", g.scopes.join(" "));
    println!("\nTips:");
    for t in &g.tips {
        println!("  - {t}");
    }
    println!("\nThen run: xero-connect setup NAME --client-id YOUR_CLIENT_ID --app-type {}", g.app_type.as_str());
    Ok(())
}

/// Reads and checks the credentials, showing every finding; a blocking one stops here.
fn read_credentials(cli: &Cli, app: AppType, saved_client_id: Option<&str>) -> Result<CredentialCheck> {
    let client_id = match (&cli.client_id, saved_client_id) {
        (Some(id), _) => id.clone(),
        (None, Some(saved)) => saved.to_string(),
        (None, None) if input::interactive() => input::ask("Client ID: ")?,
        (None, None) => {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "The Client ID is needed: add --client-id (from the app's Configuration page).",
            ))
        }
    };
    let secret = if app.has_secret() { Some(input::read_secret("Client secret (hidden): ")?) } else { None };
    let check = credentials::check(&client_id, secret.as_deref());
    for p in check.problems.iter().filter(|p| p.severity == Severity::Warning) {
        eprintln!("warning: {}", p.message);
    }
    Ok(check)
}

async fn setup(
    cli: &Cli,
    ctx: &Context,
    name: &str,
    progress: &render::StderrProgress,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let app = app_type(cli)?;
    let request = SetupRequest {
        name: name.to_string(),
        app_type: app,
        scopes: chosen_scopes(cli)?,
        redirect_uris: redirect_uris(cli)?,
        tenant: cli.tenant.clone(),
        consent: consent_options(cli)?,
        credentials: read_credentials(cli, app, None)?,
    };
    let out = flows::setup(ctx, request, progress, cancel).await?;
    let conn = choose_if_needed(cli, ctx, out.connection)?;
    report_connected(cli, &conn, "Connected", None);
    Ok(())
}

async fn reconnect(
    cli: &Cli,
    ctx: &Context,
    name: &str,
    progress: &render::StderrProgress,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let saved = flows::show(ctx, name)?;
    let request = ReconnectRequest {
        name: name.to_string(),
        credentials: read_credentials(cli, saved.app_type, Some(&saved.client_id))?,
        scopes: if cli.scopes.is_some() || !cli.apis.is_empty() { Some(chosen_scopes(cli)?) } else { None },
        redirect_uris: if cli.redirect_uris.is_empty() { None } else { Some(redirect_uris(cli)?) },
        tenant: cli.tenant.clone(),
        consent: consent_options(cli)?,
    };
    let out = flows::reconnect(ctx, request, progress, cancel).await?;
    if let Some(gone) = &out.organisation_gone {
        eprintln!(
            "note: {} (ID {}) was no longer connected, so access was allowed again.",
            render::plain(&gone.name),
            gone.tenant_id
        );
    }
    let conn = choose_if_needed(cli, ctx, out.connection)?;
    let how = match out.method {
        ReconnectMethod::Refresh => "the new secret works; no browser was needed",
        ReconnectMethod::Consent => "access was allowed again",
        ReconnectMethod::ClientCredentials => "the new secret works",
    };
    report_connected(cli, &conn, "Reconnected", Some((out.method, how)));
    Ok(())
}

/// No organisation chosen although Xero authorised some (several, or one that merely shares a
/// vanished organisation's name and has a new ID): ask a person, or tell a script what to pass.
/// Nothing is chosen silently.
fn choose_if_needed(
    cli: &Cli,
    ctx: &Context,
    conn: xero_connect::registry::Connection,
) -> Result<xero_connect::registry::Connection> {
    if !conn.needs_organisation_choice() || conn.organisations.is_empty() {
        return Ok(conn);
    }
    let orgs = &conn.organisations;
    if !input::interactive() || cli.json {
        let what = if orgs.len() == 1 {
            format!(
                "Xero authorised {} with a new ID, so it is not taken without your choice",
                render::plain(&orgs[0].name)
            )
        } else {
            format!("{} organisations were authorised", orgs.len())
        };
        return Err(Error::new(
            ErrorCode::OrganisationChoiceNeeded,
            format!(
                "{what}: {}. The connection was saved; choose its organisation.",
                render::plain(&xero_connect::tenants::describe(orgs))
            ),
        )
        .with_remedy(Remedy::ChooseOrganisation { connection: conn.name.clone() }));
    }
    if let [only] = orgs.as_slice() {
        let q = format!(
            "Xero authorised {} with the ID {}, which is not the one saved before (a reset demo company gets a new ID). Use it for \"{}\"?",
            render::plain(&only.name),
            only.tenant_id,
            conn.name
        );
        if !input::confirm(&q)? {
            return Err(Error::new(
                ErrorCode::Cancelled,
                "No organisation was chosen; the new authorisation is saved.",
            )
            .with_remedy(Remedy::ChooseOrganisation { connection: conn.name.clone() }));
        }
        return flows::choose_organisation(ctx, &conn.name, &only.tenant_id);
    }
    eprintln!("Several organisations were authorised. Which one should \"{}\" use?", conn.name);
    for (i, o) in orgs.iter().enumerate() {
        eprintln!("  {}. {}  (ID {})", i + 1, render::plain(&o.name), o.tenant_id);
    }
    loop {
        let answer = input::ask(&format!("Number (1-{}): ", orgs.len()))?;
        if let Some(o) = answer.trim().parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| orgs.get(i)) {
            return flows::choose_organisation(ctx, &conn.name, &o.tenant_id);
        }
    }
}

fn report_connected(
    cli: &Cli,
    conn: &xero_connect::registry::Connection,
    verb: &str,
    method: Option<(ReconnectMethod, &str)>,
) {
    if cli.json {
        let mut v = render::connection_json(conn);
        if let Some((m, _)) = method {
            v["method"] = json!(m);
        }
        print_json(v);
        return;
    }
    let org = conn.organisation().map(|o| format!("{} ({})", o.name, o.tenant_id)).unwrap_or_else(|| "Xero".into());
    match method {
        Some((_, how)) => println!("{verb} \"{}\" to {org}: {how}.", conn.name),
        None => println!("{verb} \"{}\" to {org}.", conn.name),
    }
    if let Some(u) = &conn.authorised_by {
        println!("  Authorised by: {}", render::user_text(u));
    }
    println!("  Next: xero-connect test {}", render::shell_quote(&conn.name));
}
