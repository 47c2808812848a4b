//! The command line's grammar — a contract that scripts rely on: ten commands and a fixed
//! set of options, valid before or after the command. An option that does nothing for the
//! command given is refused (exit 2), so a script's mistake is never silently ignored.

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use xero_connect::apis::Api;
use xero_connect::{Error, ErrorCode};

/// Connect business software to Xero: create the app, check the credentials, allow access,
/// keep the tokens in the OS keychain, and Test Connection.
#[derive(Debug, Parser)]
#[command(name = "xero-connect", version, about, long_about = None, disable_help_subcommand = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// The app's Client ID (asked for when missing and a terminal is attached).
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,

    /// The app type chosen in the Xero developer portal (default web, or the profile's first).
    #[arg(long, global = true, value_name = "web|pkce|custom")]
    pub app_type: Option<String>,

    /// A vendor profile (TOML) setting the product, portal values, app types, redirect URIs and
    /// scopes; else $XERO_CONNECT_PROFILE, else a profile.toml installed beside the program.
    #[arg(long, global = true, value_name = "FILE")]
    pub profile: Option<std::path::PathBuf>,

    /// Scopes to ask for, separated by spaces or commas (overrides --api).
    #[arg(long, global = true, value_name = "LIST")]
    pub scopes: Option<String>,

    // Help: "API presets: accounting, assets, payroll, files, projects (repeatable; default
    // accounting)", from the APIs' table.
    #[arg(long = "api", global = true, value_name = "NAME", help = api_help())]
    pub apis: Vec<String>,

    /// A redirect URI registered for the app, exactly as registered (repeatable, in order of
    /// preference; the next is used when a port is busy).
    #[arg(long = "redirect-uri", global = true, value_name = "URI")]
    pub redirect_uris: Vec<String>,

    /// The organisation to use, by name or tenant ID.
    #[arg(long, global = true, value_name = "NAME_OR_ID")]
    pub tenant: Option<String>,

    /// Print the consent URL instead of opening a browser.
    #[arg(long, global = true)]
    pub no_browser: bool,

    /// How long to wait for consent in the browser, e.g. 300, 90s, 5m.
    #[arg(long, global = true, value_name = "DURATION", default_value = "5m")]
    pub timeout: String,

    /// Reconnect: replace the broad accounting scopes by their granular equivalents (a new consent).
    #[arg(long, global = true)]
    pub granular_scopes: bool,

    /// Refresh: every saved connection.
    #[arg(long, global = true)]
    pub all: bool,

    /// Do not ask for confirmation.
    #[arg(long, global = true)]
    pub yes: bool,

    /// Send a saved connection's secret and refresh token to the identity host named by
    /// XERO_IDENTITY_URL (or to Xero's own) although the connection was made with another.
    #[arg(long, global = true)]
    pub allow_override: bool,

    /// Print the result as one JSON object on stdout.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what to enter in the Xero developer portal.
    Guide {
        /// A name for the connection (used to suggest the app's name).
        name: Option<String>,
    },
    /// Connect for the first time: check credentials, allow access, save (NAME: the profile's
    /// default connection name when it has one).
    Setup { name: Option<String> },
    /// Renew a connection, e.g. after generating a new client secret.
    Reconnect { name: String },
    /// Test Connection: a real call to Xero for the chosen organisation.
    Test { name: String },
    /// List saved connections.
    List,
    /// Show one connection's settings (never its secrets).
    Show { name: String },
    /// Print a valid access token for scripts (refreshed if needed).
    Token { name: String },
    /// Refresh a connection's authorisation now (or every one with --all), so an unused
    /// connection does not expire after 60 days; for schedulers.
    Refresh { name: Option<String> },
    /// Disconnect at Xero and delete the connection and its secrets (or every one with --all,
    /// as the Windows uninstaller does when asked to).
    #[command(visible_alias = "disconnect")]
    Remove { name: Option<String> },
    /// Check this computer: keychain, loopback port, browser, the way to Xero (proxy,
    /// certificates), the clock, override variables and each saved connection.
    Doctor,
}

/// Why the arguments were not accepted.
pub enum Refused {
    /// clap's own report (unknown option, missing value, `--help`, `--version`…).
    Clap(clap::Error),
    /// A well-formed option that does not apply to the command.
    Usage(Error),
}

/// `--api`'s help: the presets the engine knows, and its default.
fn api_help() -> String {
    let default = Api::DEFAULT.label().to_ascii_lowercase();
    format!("API presets: {} (repeatable; default {default})", Api::names().join(", "))
}

/// The options each command reads (by clap id); any other option given is refused.
fn options_of(command: &Command) -> &'static [&'static str] {
    const CONSENT: [&str; 11] = [
        "client_id",
        "scopes",
        "apis",
        "redirect_uris",
        "tenant",
        "no_browser",
        "timeout",
        "granular_scopes",
        "allow_override",
        "profile",
        "json",
    ];
    match command {
        Command::Guide { .. } => &["app_type", "scopes", "apis", "redirect_uris", "profile", "json"],
        Command::Setup { .. } => &[
            "client_id",
            "app_type",
            "scopes",
            "apis",
            "redirect_uris",
            "tenant",
            "no_browser",
            "timeout",
            "profile",
            "json",
        ],
        // The app type is the saved connection's; reconnect cannot change it.
        Command::Reconnect { .. } => &CONSENT,
        // A profile is read (and a bad one refused) by every command.
        // Those that may refresh or revoke: a saved secret goes to the identity host.
        Command::Test { .. } | Command::Token { .. } => &["tenant", "allow_override", "profile", "json"],
        Command::List | Command::Show { .. } => &["profile", "json"],
        Command::Remove { .. } => &["all", "yes", "allow_override", "profile", "json"],
        Command::Refresh { .. } => &["all", "allow_override", "profile", "json"],
        Command::Doctor => &["redirect_uris", "profile", "json"],
    }
}

/// Parses the process's arguments, then refuses options that do not apply to the command.
pub fn parse() -> Result<Cli, Refused> {
    parse_from(std::env::args_os())
}

/// As [`parse`], from given arguments (tests).
pub fn parse_from<I, T>(args: I) -> Result<Cli, Refused>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = Cli::command().try_get_matches_from(args).map_err(Refused::Clap)?;
    let cli = Cli::from_arg_matches(&matches).map_err(Refused::Clap)?;
    let allowed = options_of(&cli.command);
    let command = Cli::command();
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        let given = matches.value_source(id) == Some(ValueSource::CommandLine);
        if given && !allowed.contains(&id) {
            let flag = arg.get_long().map(|l| format!("--{l}")).unwrap_or_else(|| id.to_string());
            let name = matches.subcommand_name().unwrap_or("this command");
            return Err(Refused::Usage(Error::new(
                ErrorCode::InvalidInput,
                format!("{flag} does not apply to `xero-connect {name}`: remove it (see xero-connect {name} --help)."),
            )));
        }
    }
    Ok(cli)
}

/// Parses "300", "90s", "5m" or "1h".
pub fn parse_timeout(text: &str) -> Option<std::time::Duration> {
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (secs > 0).then(|| std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("300").unwrap().as_secs(), 300);
        assert_eq!(parse_timeout("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_timeout("5m").unwrap().as_secs(), 300);
        for bad in ["", "0", "5x", "m", "-1"] {
            assert!(parse_timeout(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn options_work_after_the_command() {
        let cli = Cli::try_parse_from(["xero-connect", "test", "shop", "--json", "--tenant", "T"]).unwrap();
        assert!(cli.json);
        assert_eq!(cli.tenant.as_deref(), Some("T"));
        assert!(matches!(cli.command, Command::Test { ref name } if name == "shop"));
        let cli = Cli::try_parse_from(["xero-connect", "setup", "--profile", "p.toml"]).unwrap();
        assert!(matches!(cli.command, Command::Setup { name: None }), "the profile may name it");
    }

    #[test]
    fn an_option_the_command_does_not_read_is_refused() {
        let refused = |args: &[&str]| match parse_from(std::iter::once("xero-connect").chain(args.iter().copied())) {
            Err(Refused::Usage(e)) => Some(e.message().to_string()),
            _ => None,
        };
        let msg = refused(&["list", "--tenant", "X"]).expect("refused");
        assert!(msg.starts_with("--tenant does not apply to `xero-connect list`"), "{msg}");
        assert!(refused(&["test", "shop", "--client-id", "ABC"]).is_some());
        assert!(refused(&["reconnect", "shop", "--app-type", "pkce"]).is_some(), "the saved type is kept");
        assert!(refused(&["--yes", "token", "shop"]).is_some(), "before the command too");
        assert!(
            refused(&["setup", "shop", "--granular-scopes"]).is_some(),
            "a new setup asks for granular scopes anyway"
        );
        assert!(refused(&["list", "--all"]).is_some());
        // What each command reads is accepted, defaults included.
        for ok in [
            vec!["setup", "shop", "--client-id", "A", "--app-type", "pkce", "--api", "payroll", "--timeout", "90s"],
            vec!["reconnect", "shop", "--tenant", "T", "--no-browser", "--json"],
            vec!["test", "shop", "--tenant", "T", "--json"],
            vec!["remove", "shop", "--yes"],
            vec!["disconnect", "shop", "--yes"],
            vec!["guide", "--api", "assets", "--redirect-uri", "http://localhost:1/cb"],
            vec!["list"],
            vec!["refresh", "--all", "--json"],
            vec!["reconnect", "shop", "--granular-scopes"],
            vec!["doctor", "--json", "--redirect-uri", "http://localhost:1/cb"],
        ] {
            assert!(parse_from(std::iter::once("xero-connect").chain(ok.iter().copied())).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn there_is_no_secret_option() {
        assert!(Cli::try_parse_from(["xero-connect", "setup", "x", "--client-secret", "s"]).is_err());
    }
}
