//! Terminal output: progress lines on stderr, results as text or one JSON object on stdout,
//! errors as a sentence (or `{"error": {"code", "message"}}`) with exit code 1 or 2.

use serde_json::{json, Value};
use xero_connect::error::Remedy;
use xero_connect::progress::{Progress, Step};
use xero_connect::registry::Connection;
use xero_connect::Error;

/// Prints progress to stderr.
pub struct StderrProgress {
    /// Print the benchmark timing line (`XERO_CONNECT_TIMINGS` set).
    pub timings: bool,
}

impl Progress for StderrProgress {
    fn step(&self, step: Step) {
        // The command line's own words where the front ends differ (where to look, what to
        // press); otherwise the sentence both front ends share.
        let line = match step {
            Step::Notice { message } | Step::OrganisationGone { message } => format!("note: {message}"),
            Step::Listening { redirect_uri } => format!("Listening for Xero's answer on {redirect_uri}"),
            Step::BrowserOpened { url } => {
                format!("Opened Xero's consent page in your browser. If nothing opened, visit this address:\n  {url}")
            }
            Step::OpenThisUrl { url, reason } => {
                let why = reason.map(|r| format!(" (the browser could not be opened: {r})")).unwrap_or_default();
                format!("Open this address in a browser and allow access{why}:\n  {url}")
            }
            Step::WaitingForConsent { timeout_secs } => format!(
                "Waiting for you to allow access on Xero's page (up to {}). Press Ctrl-C to stop.",
                if timeout_secs % 60 == 0 { format!("{} min", timeout_secs / 60) } else { format!("{timeout_secs} s") }
            ),
            Step::WaitingForOtherRefresh { timeout_secs } => format!(
                "Another xero-connect is refreshing this connection's tokens; waiting for it (up to {timeout_secs} s)…"
            ),
            Step::CallbackToStoredMicros { micros } => {
                if !self.timings {
                    return;
                }
                format!("timing: callback_to_stored_us={micros}")
            }
            other => match other.sentence() {
                Some(s) => s,
                None => return,
            },
        };
        eprintln!("{line}");
    }
}

/// Prints an error, with what fixes it in this command line's words, and gives the exit code.
pub fn error(e: &Error, as_json: bool) -> i32 {
    let hint = e.remedy().map(remedy_hint);
    if as_json {
        let mut err = json!({"code": e.code().as_str(), "message": e.message()});
        if let Some(h) = &hint {
            err["hint"] = json!(h);
        }
        println!("{}", json!({ "error": err }));
    } else {
        eprintln!("error ({}): {}", e.code(), e.message());
        if let Some(h) = &hint {
            eprintln!("  {h}");
        }
    }
    if e.code().is_usage() {
        2
    } else {
        1
    }
}

/// The core's remedy as this command line says it: the option or command that applies it.
pub fn remedy_hint(remedy: &Remedy) -> String {
    match remedy {
        Remedy::ChooseOrganisation { connection } => format!(
            "Choose with: xero-connect test {} --tenant NAME_OR_ID (a name or an ID listed above).",
            shell_quote(connection)
        ),
        Remedy::RegisterRedirectUri => {
            "Register another redirect URI for your app in the portal, then add it with --redirect-uri URI.".into()
        }
        Remedy::Reconnect { connection } => {
            format!("Renew it with: xero-connect reconnect {}", shell_quote(connection))
        }
        Remedy::ChooseAppType => {
            "Pass --app-type web, pkce (mobile or desktop app) or custom (custom connection), as created in the portal."
                .into()
        }
        Remedy::SetUp => "Start with: xero-connect guide, then xero-connect setup NAME".into(),
        Remedy::UnlockKeychain => {
            "On a server without a desktop: dbus-run-session -- sh -c 'printf %s \"$KEYRING_PASSWORD\" \
             | gnome-keyring-daemon --unlock --components=secrets; xero-connect …' (see the README)."
                .into()
        }
    }
}

/// Text from Xero (an organisation's name) as it may be printed: control characters, which a
/// terminal would obey, are shown as `?`.
pub fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// A name as it must be typed in a shell.
pub fn shell_quote(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        s.to_string()
    } else {
        format!("'{s}'")
    }
}

/// A connection as JSON (never secrets: the settings hold none).
pub fn connection_json(c: &Connection) -> Value {
    let org = c.organisation();
    json!({
        "name": c.name,
        "client_id": c.client_id,
        "app_type": c.app_type,
        "scopes": c.scopes,
        "redirect_uris": c.redirect_uris,
        "tenant_id": c.tenant_id,
        "organisation": org.map(|o| json!({"name": o.name, "id": o.tenant_id})),
        "organisations": c.organisations.iter().map(|o| json!({"name": o.name, "id": o.tenant_id, "type": o.tenant_type})).collect::<Vec<_>>(),
        "authorised_by": c.authorised_by,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "last_test": c.last_test,
    })
}

/// A connection as text.
pub fn connection_text(c: &Connection) -> String {
    let mut out = format!("{}\n", c.name);
    let org = c.organisation().map(|o| format!("{} ({})", o.name, o.tenant_id));
    out += &format!("  Organisation:   {}\n", org.unwrap_or_else(|| "not chosen yet (use --tenant)".into()));
    if c.organisations.len() > 1 {
        for o in &c.organisations {
            out += &format!("                  authorised: {} ({})\n", o.name, o.tenant_id);
        }
    }
    out += &format!("  App type:       {}\n", c.app_type.portal_label());
    out += &format!("  Client ID:      {}\n", c.client_id);
    if !c.redirect_uris.is_empty() {
        out += &format!("  Redirect URI:   {}\n", c.redirect_uris.join(", "));
    }
    out += &format!("  Scopes:         {}\n", c.scopes.join(" "));
    if let Some(u) = &c.authorised_by {
        out += &format!("  Authorised by:  {}\n", user_text(u));
    }
    out += &format!("  Last test:      {}\n", last_test_text(c));
    out
}

pub fn user_text(u: &xero_connect::jwt::XeroUser) -> String {
    if u.name.is_empty() {
        u.email.clone()
    } else {
        format!("{} <{}>", u.name, u.email)
    }
}

pub fn last_test_text(c: &Connection) -> String {
    c.last_test.as_ref().map(|t| t.summary()).unwrap_or_else(|| "never".into())
}
