//! The command line's grammar — a contract that scripts rely on: eight commands and a fixed
//! set of options, valid before or after the command.

use clap::{Parser, Subcommand};

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

    /// The app type chosen in the Xero developer portal.
    #[arg(long, global = true, value_name = "web|pkce|custom", default_value = "web")]
    pub app_type: String,

    /// Scopes to ask for, separated by spaces or commas (overrides --api).
    #[arg(long, global = true, value_name = "LIST")]
    pub scopes: Option<String>,

    /// API presets: accounting, assets, payroll, files, projects (repeatable; default accounting).
    #[arg(long = "api", global = true, value_name = "NAME")]
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

    /// Do not ask for confirmation.
    #[arg(long, global = true)]
    pub yes: bool,

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
    /// Connect for the first time: check credentials, allow access, save.
    Setup { name: String },
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
    /// Disconnect at Xero and delete the connection and its secrets.
    Remove { name: String },
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
    }

    #[test]
    fn there_is_no_secret_option() {
        assert!(Cli::try_parse_from(["xero-connect", "setup", "x", "--client-secret", "s"]).is_err());
    }
}
