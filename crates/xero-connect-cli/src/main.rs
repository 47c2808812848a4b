//! `xero-connect`: the command-line face of the connection engine, for headless servers and
//! scripts. This file dispatches: it checks that the options given apply to the command, turns
//! them into the core's requests, calls the core's flow and hands the result to `render`.
//! Every behaviour is in the core; every word printed is in `render`.

mod args;
mod input;
mod render;

use args::{Cli, Command};
use std::time::Duration;
use xero_connect::apis::Api;
use xero_connect::credentials::{self, CredentialCheck, Severity};
use xero_connect::flows::{self, ConsentOptions, ReconnectRequest, SetupRequest};
use xero_connect::plan::{self, Choices, Conflict, Fixed};
use xero_connect::profile::{self, Profile};
use xero_connect::{scopes, AppType, Connection, Context, Error, ErrorCode, RedirectUri, Remedy, Result};

fn main() {
    // Arguments are read as the OS gives them: one that is not valid UTF-8 is a usage error
    // (clap reports it, exit 2), never a panic.
    let json_requested = std::env::args_os().any(|a| a == "--json");
    let cli = match args::parse() {
        Ok(cli) => cli,
        Err(args::Refused::Clap(e)) if json_requested && e.use_stderr() => {
            let msg = e.kind().to_string();
            std::process::exit(render::error(
                &Error::new(ErrorCode::InvalidInput, format!("{msg}: see xero-connect --help.")),
                true,
            ));
        }
        Err(args::Refused::Clap(e)) => e.exit(),
        Err(args::Refused::Usage(e)) => std::process::exit(render::error(&e, json_requested)),
    };
    // A bad profile stops everything before anything is sent (exit 2).
    let profile = match profile::locate(cli.profile.as_deref()) {
        Ok(p) => p,
        Err(e) => std::process::exit(render::error(&e, cli.json)),
    };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    let code = match runtime.block_on(run(&cli, profile.as_ref())) {
        Ok(code) => code,
        Err(e) => render::error_for(&e, cli.json, profile.as_ref()),
    };
    // Leave without waiting for abandoned keychain threads (a hung keychain must not hang us).
    runtime.shutdown_timeout(Duration::from_millis(100));
    std::process::exit(code);
}

/// Runs the command; the exit code when it did not fail as a whole (`refresh --all` reports
/// each connection itself and exits 1 when one of them failed).
async fn run(cli: &Cli, profile: Option<&Profile>) -> Result<i32> {
    let mut ctx = Context::from_env(cli.no_browser)?;
    if cli.allow_override {
        ctx.endpoints = ctx.endpoints.confirm_other_identity();
    }
    if let Some(notice) = ctx.endpoints.override_notice() {
        render::notice(&notice);
    }
    render::mark_overrides(ctx.endpoints.overrides());
    let progress = render::StderrProgress { timings: std::env::var_os("XERO_CONNECT_TIMINGS").is_some() };
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let out = render::Out { json: cli.json };
    match &cli.command {
        Command::Guide { name } => {
            let plan = setup_plan(cli, profile)?;
            let guide = match profile {
                Some(p) => xero_connect::RegistrationGuide::for_profile(&ctx.endpoints, p, plan.app_type, &plan.scopes),
                None => flows::guide(&ctx, name.as_deref(), plan.app_type, &plan.redirect_uris, &plan.scopes),
            };
            out.guide(&guide);
        }
        Command::Setup { name } => {
            let name = match (name, profile.and_then(|p| p.connection_name.as_ref())) {
                (Some(n), _) | (None, Some(n)) => n.clone(),
                (None, None) => {
                    return Err(Error::new(
                        ErrorCode::InvalidInput,
                        "Name the connection: xero-connect setup NAME (any name you like, e.g. shop).",
                    ))
                }
            };
            setup(cli, &ctx, &name, profile, &progress, cancel).await?
        }
        Command::Reconnect { name } => reconnect(cli, &ctx, name, profile, &progress, cancel).await?,
        Command::Test { name } => {
            let report = flows::test_connection(&ctx, name, cli.tenant.as_deref(), &progress).await?;
            out.test_report(&report, flows::show(&ctx, name)?.profile.as_ref());
        }
        Command::List => out.connections(&flows::list(&ctx)?),
        Command::Show { name } => out.connection(&flows::show(&ctx, name)?),
        Command::Token { name } => out.token(&flows::token(&ctx, name, cli.tenant.as_deref(), &progress).await?),
        Command::Refresh { name } => return refresh(cli, &ctx, name.as_deref(), &progress).await,
        Command::Doctor => {
            let report = xero_connect::doctor::check_computer(&ctx, &setup_plan(cli, profile)?.redirect_uris).await;
            out.doctor(&report);
            // A problem fails the command, so a script can act on it; warnings do not.
            return Ok(if report.worst() == xero_connect::doctor::Status::Problem { 1 } else { 0 });
        }
        Command::Remove { name } => return remove(cli, &ctx, name.as_deref(), &progress).await,
    }
    Ok(0)
}

/// What the options chose, before a profile's rules (the core's `plan` applies them).
fn choices(cli: &Cli) -> Result<Choices> {
    let scopes = match &cli.scopes {
        Some(list) => Some(scopes::parse(list)?),
        None if cli.apis.is_empty() => None,
        None => {
            let mut apis = Vec::new();
            for name in &cli.apis {
                apis.push(Api::parse(name).ok_or_else(|| {
                    Error::new(ErrorCode::InvalidInput, format!("Unknown API \"{name}\": use {}.", Api::names_listed()))
                })?);
            }
            Some(scopes::for_apis(&apis))
        }
    };
    let redirect_uris = if cli.redirect_uris.is_empty() {
        None
    } else {
        Some(cli.redirect_uris.iter().map(|u| RedirectUri::parse(u)).collect::<Result<Vec<_>>>()?)
    };
    Ok(Choices { app_type: cli.app_type.as_deref().map(AppType::parse).transpose()?, scopes, redirect_uris })
}

/// A conflict with the profile, in this command line's words: the option to remove.
fn conflict(cli: &Cli, profile: Option<&Profile>, c: Conflict) -> Error {
    let (what, product) = match c {
        Conflict::Refused(e) => return e,
        Conflict::FixedByProfile { what, product } => (what, product),
    };
    let (option, what) = match what {
        Fixed::Scopes if cli.scopes.is_some() => ("--scopes", "scopes"),
        Fixed::Scopes if !cli.apis.is_empty() => ("--api", "scopes"),
        Fixed::Scopes => ("--granular-scopes", "scopes"),
        Fixed::RedirectUris => ("--redirect-uri", "redirect URIs"),
    };
    let path = profile.map(|p| p.path.display().to_string()).unwrap_or_default();
    Error::new(ErrorCode::InvalidInput, format!("The profile of {product} ({path}) fixes the {what}: remove {option}."))
}

/// The app type, scopes and redirect URIs of a setup (and of `guide` and `doctor`).
fn setup_plan(cli: &Cli, profile: Option<&Profile>) -> Result<plan::SetupPlan> {
    plan::for_setup(profile, choices(cli)?).map_err(|c| conflict(cli, profile, c))
}

fn consent_options(cli: &Cli) -> Result<ConsentOptions> {
    let timeout = args::parse_timeout(&cli.timeout).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidInput,
            format!("--timeout \"{}\" is not a duration: use e.g. 300, 90s or 5m.", cli.timeout),
        )
    })?;
    Ok(ConsentOptions { timeout, ..Default::default() })
}

/// The consent options, with the lines typed or piped while the consent waits read as pasted
/// addresses (a browser on another device) until the returned route is dropped.
fn consent_with_pastes(cli: &Cli) -> Result<(ConsentOptions, input::PasteRoute)> {
    let (paste, pasted) = xero_connect::paste::channel();
    Ok((ConsentOptions { pasted, ..consent_options(cli)? }, input::send_lines_to(paste)))
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
    let check = credentials::check(&client_id, secret.as_ref().map(|s| s.as_str()));
    for p in check.problems.iter().filter(|p| p.severity == Severity::Warning) {
        render::warning(&p.message);
    }
    Ok(check)
}

async fn setup(
    cli: &Cli,
    ctx: &Context,
    name: &str,
    profile: Option<&Profile>,
    progress: &render::StderrProgress,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let plan = setup_plan(cli, profile)?;
    let credentials = read_credentials(cli, plan.app_type, None)?;
    let (consent, pastes) = consent_with_pastes(cli)?;
    let request = SetupRequest {
        name: name.to_string(),
        app_type: plan.app_type,
        scopes: plan.scopes,
        redirect_uris: plan.redirect_uris,
        tenant: cli.tenant.clone(),
        consent,
        credentials,
        profile: profile.map(Profile::reference),
    };
    let out = flows::setup(ctx, request, progress, cancel).await;
    drop(pastes);
    let out = out?;
    let conn = choose_if_needed(cli, ctx, out.connection)?;
    render::Out { json: cli.json }.connected(&conn, None);
    Ok(())
}

async fn reconnect(
    cli: &Cli,
    ctx: &Context,
    name: &str,
    profile: Option<&Profile>,
    progress: &render::StderrProgress,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let saved = flows::show(ctx, name)?;
    let plan = plan::for_reconnect(profile, saved.app_type, &saved.scopes, reconnect_choices(cli, &saved)?)
        .map_err(|c| conflict(cli, profile, c))?;
    let credentials = read_credentials(cli, saved.app_type, Some(&saved.client_id))?;
    let (consent, pastes) = consent_with_pastes(cli)?;
    let request = ReconnectRequest {
        name: name.to_string(),
        credentials: credentials.into(),
        scopes: plan.scopes,
        redirect_uris: plan.redirect_uris,
        tenant: cli.tenant.clone(),
        consent,
        profile: profile.map(Profile::reference),
    };
    let out = flows::reconnect(ctx, request, progress, cancel).await;
    drop(pastes);
    let out = out?;
    if let Some(gone) = &out.organisation_gone {
        render::organisation_replaced(gone);
    }
    let conn = choose_if_needed(cli, ctx, out.connection)?;
    render::Out { json: cli.json }.connected(&conn, Some(out.method));
    Ok(())
}

/// A reconnect's choices: the options', with `--granular-scopes` as the saved scopes with broad
/// ones replaced.
fn reconnect_choices(cli: &Cli, saved: &Connection) -> Result<Choices> {
    let mut choices = choices(cli)?;
    if cli.granular_scopes {
        if choices.scopes.is_some() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "--granular-scopes replaces the saved broad scopes; it does not combine with --scopes or --api.",
            ));
        }
        if saved.broad_scopes().is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                format!("\"{}\" holds no broad scope: there is nothing to replace.", saved.name),
            ));
        }
        choices.scopes = Some(scopes::granular_replacement(&saved.scopes));
    }
    Ok(choices)
}

/// `refresh NAME` or `refresh --all`: each connection's authorisation renewed now. With
/// `--all`, one failure does not stop the others; the exit code is 1 if any failed.
async fn refresh(cli: &Cli, ctx: &Context, name: Option<&str>, progress: &render::StderrProgress) -> Result<i32> {
    let out = render::Out { json: cli.json };
    let names: Vec<String> = match (name, cli.all) {
        (Some(n), false) => {
            let conn = flows::refresh(ctx, n, progress).await?;
            out.refreshed(&[(conn.name.clone(), Ok(conn))]);
            return Ok(0);
        }
        (None, true) => flows::list(ctx)?.into_iter().map(|c| c.name).collect(),
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "Name one connection to refresh, or pass --all for every one (not both).",
            ))
        }
    };
    let mut results = Vec::new();
    for n in names {
        let r = flows::refresh(ctx, &n, progress).await;
        results.push((n, r));
    }
    out.refreshed(&results);
    Ok(if results.iter().any(|(_, r)| r.is_err()) { 1 } else { 0 })
}

/// `remove NAME`, or `remove --all`: each connection is disconnected on its own, so one that
/// Xero cannot be reached for is kept (and said) while the others go; exit 1 if any was kept.
async fn remove(cli: &Cli, ctx: &Context, name: Option<&str>, progress: &render::StderrProgress) -> Result<i32> {
    let out = render::Out { json: cli.json };
    let connections = match (name, cli.all) {
        (Some(n), false) => vec![flows::show(ctx, n)?],
        (None, true) => flows::list(ctx)?,
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "Name one connection to remove, or pass --all for every one (not both).",
            ))
        }
    };
    if !cli.yes && !connections.is_empty() {
        if !input::interactive() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "Removing needs confirmation: add --yes when not running in a terminal.",
            ));
        }
        if !input::confirm(&render::removal_question(&connections))? {
            return Err(Error::new(ErrorCode::Cancelled, "Nothing was removed."));
        }
    }
    if name.is_some() {
        out.disconnected(&flows::disconnect(ctx, &connections[0].name, progress).await?);
        return Ok(0);
    }
    let mut results = Vec::new();
    for conn in connections {
        let r = flows::disconnect(ctx, &conn.name, progress).await;
        results.push((conn.name, r));
    }
    out.all_disconnected(&results);
    Ok(if results.iter().any(|(_, r)| r.is_err()) { 1 } else { 0 })
}

/// No organisation chosen although Xero authorised some (several, or one that merely shares a
/// vanished organisation's name and has a new ID): ask a person, or tell a script what to pass.
/// Nothing is chosen silently.
fn choose_if_needed(cli: &Cli, ctx: &Context, conn: Connection) -> Result<Connection> {
    if !conn.needs_organisation_choice() || conn.organisations.is_empty() {
        return Ok(conn);
    }
    let orgs = &conn.organisations;
    if !input::interactive() || cli.json {
        let what = if orgs.len() == 1 {
            format!(
                "Xero authorised only {}, which is not the organisation saved before (a reset demo company \
                 comes back with a new ID), so it is not taken without your choice",
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
        if !input::confirm(&render::new_id_question(&conn.name, only))? {
            return Err(Error::new(
                ErrorCode::Cancelled,
                "No organisation was chosen; the new authorisation is saved.",
            )
            .with_remedy(Remedy::ChooseOrganisation { connection: conn.name.clone() }));
        }
        return flows::choose_organisation(ctx, &conn.name, &only.tenant_id);
    }
    render::organisation_menu(&conn);
    loop {
        let answer = input::ask(&format!("Number (1-{}): ", orgs.len()))?;
        if let Some(o) = answer.trim().parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| orgs.get(i)) {
            return flows::choose_organisation(ctx, &conn.name, &o.tenant_id);
        }
    }
}
