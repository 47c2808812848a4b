//! "Check this computer": what the keychain, the loopback port, the browser, the network to
//! Xero (proxy, certificates), the clock, the override variables and each saved connection look
//! like from here, each as ok / warning / problem with what fixes it (issue 16).
//!
//! The report can be copied for a vendor's support: it holds no secret, token or code, and
//! Client IDs and proxy credentials are shortened or hidden ([`Report::text`]).

use crate::browser::Browser;
use crate::connection::{Connection, ValidityState};
use crate::context::Context;
use crate::domain::RedirectUri;
use crate::error::{Error, ErrorCode, Remedy};
use serde::Serialize;
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing to do.
    Ok,
    /// Works, but something may get in the way.
    Warning,
    /// Stops setup or the connections from working.
    Problem,
}

impl Status {
    /// "ok", "warning", "problem".
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Problem => "problem",
        }
    }
}

/// What was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// The keychain takes a value and gives it back.
    Keychain,
    /// A redirect URI's port is free on 127.0.0.1 and ::1.
    LoopbackPort,
    /// A browser can be started.
    Browser,
    /// Xero's identity host (token, revocation) answers.
    IdentityHost,
    /// Xero's API host answers.
    ApiHost,
    /// Xero's certificates are trusted here.
    Certificate,
    /// This computer's clock against Xero's `Date`.
    Clock,
    /// Environment variables that change where this program connects or how.
    Overrides,
    /// One saved connection.
    Connection,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was checked.
    pub check: Check,
    /// How it came out.
    pub status: Status,
    /// A few words naming it: "Keychain", "Port 8749", "Connection \"shop\"".
    pub title: String,
    /// One or two sentences: what was found, and what to do when it is not ok.
    pub detail: String,
    /// What fixes it, as data (each front end words it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
    /// The error code behind a failed check, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
}

impl Finding {
    fn ok(check: Check, title: impl Into<String>, detail: impl Into<String>) -> Finding {
        Finding { check, status: Status::Ok, title: title.into(), detail: detail.into(), remedy: None, code: None }
    }
    fn warning(check: Check, title: impl Into<String>, detail: impl Into<String>) -> Finding {
        Finding { status: Status::Warning, ..Finding::ok(check, title, detail) }
    }
    fn problem(check: Check, title: impl Into<String>, detail: impl Into<String>) -> Finding {
        Finding { status: Status::Problem, ..Finding::ok(check, title, detail) }
    }
    fn from_error(check: Check, title: impl Into<String>, e: &Error) -> Finding {
        Finding {
            remedy: e.remedy().cloned(),
            code: Some(e.code()),
            ..Finding::problem(check, title, e.message().to_string())
        }
    }
}

/// Everything "Check this computer" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// This program and the operating system: "xero-connect/0.1.0 (linux x86_64)".
    pub program: String,
    /// When it ran (RFC 3339).
    pub checked_at: String,
    /// One line per check, in the order run.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The worst status found.
    pub fn worst(&self) -> Status {
        self.findings.iter().map(|f| f.status).max().unwrap_or(Status::Ok)
    }

    /// The report as plain text for a vendor's support: one line per finding. It holds no
    /// secret, token or authorization code (no check reads one into its words), Client IDs are
    /// shortened and proxy passwords hidden where they are gathered.
    pub fn text(&self) -> String {
        let mut out = format!("Check this computer: {} at {}\n", self.program, self.checked_at);
        for f in &self.findings {
            let code = f.code.map(|c| format!(" ({c})")).unwrap_or_default();
            out += &format!("[{}] {}{code}: {}\n", f.status.as_str(), f.title, f.detail);
        }
        out
    }
}

/// Runs every check. `redirect_uris`: the ones setup would listen on (empty: the default).
pub async fn check_computer(ctx: &Context, redirect_uris: &[RedirectUri]) -> Report {
    let mut findings = vec![keychain(ctx).await];
    let uris = match redirect_uris {
        [] => vec![RedirectUri::default_uri()],
        given => given.to_vec(),
    };
    findings.extend(uris.iter().map(port));
    findings.push(browser(&ctx.browser));
    let identity = reach(
        ctx,
        Check::IdentityHost,
        &format!("{}/.well-known/openid-configuration", ctx.endpoints.identity_origin()),
    )
    .await;
    let api = reach(ctx, Check::ApiHost, &ctx.endpoints.connections()).await;
    findings.push(certificate(ctx, &[&identity, &api]));
    findings.push(identity);
    findings.push(api);
    findings.push(clock());
    findings.push(overrides(|k| std::env::var(k).ok()));
    findings.extend(connections(ctx).await);
    Report {
        program: format!(
            "{}/{} ({} {})",
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        ),
        checked_at: crate::connection::timestamp_now(),
        findings,
    }
}

async fn keychain(ctx: &Context) -> Finding {
    match ctx.vault.check_available().await {
        Ok(()) => Finding::ok(Check::Keychain, "Keychain", "A test value was written, read back and deleted."),
        Err(e) => Finding::from_error(Check::Keychain, "Keychain", &e),
    }
}

/// Whether Xero's answer could reach this redirect URI's port on both loopback addresses.
fn port(uri: &RedirectUri) -> Finding {
    let title = format!("Port {}", uri.port());
    let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, uri.port()));
    let v6 = TcpListener::bind((Ipv6Addr::LOCALHOST, uri.port()));
    let busy = |r: &std::io::Result<TcpListener>| r.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
    // `localhost` is bound on both addresses, a literal address on itself only (as `loopback`).
    let (on4, on6) = match uri.host() {
        "127.0.0.1" => (true, false),
        "[::1]" => (false, true),
        _ => (true, true),
    };
    let taken: Vec<&str> = [(on4 && busy(&v4), "127.0.0.1"), (on6 && busy(&v6), "::1")]
        .into_iter()
        .filter(|(b, _)| *b)
        .map(|(_, a)| a)
        .collect();
    if taken.is_empty() {
        let where_ = if v6.is_ok() { "127.0.0.1 and ::1" } else { "127.0.0.1 (this computer has no IPv6 loopback)" };
        return Finding::ok(
            Check::LoopbackPort,
            title,
            format!("{} can receive Xero's answer: the port is free on {where_}.", uri.as_str()),
        );
    }
    Finding {
        remedy: Some(Remedy::RegisterRedirectUri),
        code: Some(ErrorCode::PortBusy),
        ..Finding::problem(
            Check::LoopbackPort,
            title,
            format!(
                "Another program uses port {} on {}, so Xero's answer to {} cannot be received: close that program, \
                 or register another redirect URI with another port.",
                uri.port(),
                taken.join(" and "),
                uri.as_str()
            ),
        )
    }
}

fn browser(b: &Browser) -> Finding {
    let title = "Browser";
    let found = |program: &str| {
        let path = std::path::Path::new(program);
        path.is_absolute() && path.exists()
            || std::env::var_os("PATH").is_some_and(|p| {
                std::env::split_paths(&p)
                    .any(|d| d.join(program).is_file() || d.join(format!("{program}.exe")).is_file())
            })
    };
    match b {
        Browser::Manual => Finding::warning(
            Check::Browser,
            title,
            "No browser is opened: Xero's page is shown as an address to open on any device, and the address it \
             ends on is pasted back.",
        ),
        Browser::Custom(_) => Finding::ok(Check::Browser, title, "Pages open in the default browser."),
        Browser::Command(words) if found(&words[0]) => {
            Finding::ok(Check::Browser, title, format!("Pages open with {} (from BROWSER).", words[0]))
        }
        Browser::Command(words) => Finding::problem(
            Check::Browser,
            title,
            format!(
                "BROWSER names {}, which is not found: fix or unset BROWSER, or open Xero's page yourself from the \
                 address shown.",
                words[0]
            ),
        ),
        Browser::System if cfg!(any(windows, target_os = "macos")) || found("xdg-open") => {
            Finding::ok(Check::Browser, title, "Pages open in the default browser.")
        }
        Browser::System => Finding::warning(
            Check::Browser,
            title,
            "No way to open a browser was found (xdg-open is missing): open Xero's page yourself from the address \
             shown, on this computer or another device.",
        ),
    }
}

/// One GET to a Xero host: any answer from Xero itself (even 401) proves it is reachable.
async fn reach(ctx: &Context, check: Check, url: &str) -> Finding {
    let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let via = proxy_in_use(url).map(|p| format!(" through the proxy {p}")).unwrap_or_default();
    let title = host.clone();
    match ctx.http.get(url).header("Accept", "application/json").send().await {
        Err(e) => Finding::from_error(check, title, &crate::http::transport_error(&e)),
        Ok(resp) => {
            let (status, headers) = (resp.status(), resp.headers().clone());
            crate::clock::observe(&headers);
            let body = resp.bytes().await.unwrap_or_default();
            if crate::http::is_web_page(&headers, &body) {
                return Finding::from_error(check, title, &crate::http::blocked_by_network(status, &body));
            }
            Finding::ok(check, title, format!("Xero answered{via} (HTTP {}).", status.as_u16()))
        }
    }
}

/// The proxy the environment names for `url` (credentials hidden), or `None`. The Windows and
/// macOS proxy settings are used too when no variable is set, but are not read here.
pub fn proxy_in_use(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let var = |k: &str| std::env::var(k).ok().or_else(|| std::env::var(k.to_ascii_lowercase()).ok());
    let host = u.host_str()?.to_ascii_lowercase();
    if let Some(no) = var("NO_PROXY") {
        let bypass = no
            .split(',')
            .map(|s| s.trim().trim_start_matches('.').to_ascii_lowercase())
            .any(|n| !n.is_empty() && (n == "*" || host == n || host.ends_with(&format!(".{n}"))));
        if bypass {
            return None;
        }
    }
    let proxy =
        if u.scheme() == "https" { var("HTTPS_PROXY") } else { var("HTTP_PROXY") }.or_else(|| var("ALL_PROXY"))?;
    Some(hide_password(&proxy))
}

/// A URL with any user name and password replaced by `***`.
fn hide_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("***");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(unreadable)".into(),
    }
}

fn certificate(ctx: &Context, reached: &[&Finding]) -> Finding {
    let title = "Certificates";
    if let Some(f) = reached.iter().find(|f| f.code == Some(ErrorCode::CertificateUntrusted)) {
        return Finding { check: Check::Certificate, title: title.into(), ..(*f).clone() };
    }
    if !ctx.endpoints.identity_origin().starts_with("https:") {
        return Finding::ok(Check::Certificate, title, "Plain http to a local simulator: no certificate is involved.");
    }
    if reached.iter().all(|f| f.status == Status::Ok) {
        Finding::ok(Check::Certificate, title, "Xero's certificates are trusted by this computer's certificate store.")
    } else {
        Finding::warning(Check::Certificate, title, "Not checked: Xero could not be reached.")
    }
}

fn clock() -> Finding {
    let title = "Clock";
    match crate::clock::last_skew_secs() {
        None => Finding::warning(Check::Clock, title, "Not compared: Xero did not answer."),
        Some(s) => match crate::clock::describe(s) {
            Some(skew) => Finding::warning(Check::Clock, title, skew.sentence),
            None => {
                Finding::ok(Check::Clock, title, format!("Within {} seconds of Xero's clock.", s.unsigned_abs().max(1)))
            }
        },
    }
}

/// The variables in force that change where this program connects or how, each named.
fn overrides(var: impl Fn(&str) -> Option<String>) -> Finding {
    let title = "Settings from the environment";
    let mut shown = Vec::new();
    let mut not_xero = false;
    for k in [
        crate::endpoints::LOGIN_VAR,
        crate::endpoints::IDENTITY_VAR,
        crate::endpoints::API_VAR,
        crate::endpoints::PORTAL_VAR,
    ] {
        if let Some(v) = var(k).filter(|v| !v.trim().is_empty()) {
            not_xero = true;
            shown.push(format!("{k}={v}"));
        }
    }
    for k in ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        if let Some(v) = var(k).filter(|v| !v.trim().is_empty()) {
            shown.push(format!("{k}={}", hide_password(v.trim())));
        }
    }
    for k in ["NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "BROWSER", "XERO_CONNECT_PROFILE"] {
        if let Some(v) = var(k).filter(|v| !v.trim().is_empty()) {
            shown.push(format!("{k}={v}"));
        }
    }
    if shown.is_empty() {
        return Finding::ok(
            Check::Overrides,
            title,
            "None: Xero's own hosts, no proxy variable, the system's certificates.",
        );
    }
    let list = shown.join(", ");
    if not_xero {
        Finding::warning(Check::Overrides, title, format!("Not talking to Xero itself: {list}."))
    } else {
        Finding::ok(Check::Overrides, title, format!("In force: {list}."))
    }
}

/// A Client ID as the report shows it: its first and last four characters.
pub fn short_client_id(id: &str) -> String {
    if id.len() <= 10 || !id.is_ascii() {
        return "…".into();
    }
    format!("{}…{}", &id[..4], &id[id.len() - 4..])
}

async fn connections(ctx: &Context) -> Vec<Finding> {
    let list = match ctx.settings.load() {
        Ok(s) => s.connections,
        Err(e) => return vec![Finding::from_error(Check::Connection, "Saved connections", &e)],
    };
    if list.is_empty() {
        return vec![Finding::ok(Check::Connection, "Saved connections", "None saved on this computer yet.")];
    }
    let now = crate::oauth::now_secs();
    let mut out = Vec::new();
    for c in &list {
        out.push(connection(ctx, c, now).await);
    }
    out
}

async fn connection(ctx: &Context, c: &Connection, now: u64) -> Finding {
    let title = format!("Connection \"{}\"", c.name);
    let who = format!("{} app {}", c.app_type.portal_label(), short_client_id(&c.client_id));
    let reconnect = Some(Remedy::Reconnect { connection: c.name.clone() });
    let secrets = match ctx.vault.load(&c.id).await {
        Ok(s) => s,
        Err(e) => return Finding::from_error(Check::Connection, title, &e),
    };
    // A secret where the app type has one, and a refresh token unless it is a custom connection.
    let secret_there = !c.app_type.has_secret() || secrets.client_secret.is_some();
    let grant_there = c.app_type == crate::domain::AppType::Custom || secrets.refresh_token.is_some();
    if !(secret_there && grant_there) {
        return Finding {
            remedy: reconnect,
            ..Finding::problem(
                Check::Connection,
                title,
                format!("{who}: its secrets are missing from this computer's keychain; reconnect it."),
            )
        };
    }
    let org = c.organisation().map(|o| format!(", {}", o.name)).unwrap_or_default();
    let validity = c.validity(now);
    let last = c.last_test.as_ref().filter(|t| !t.ok).and_then(|t| t.error_code.clone());
    match (validity.as_ref().map(|v| v.state), last) {
        (Some(ValidityState::Expired), _) => Finding {
            remedy: reconnect,
            ..Finding::problem(Check::Connection, title, format!("{who}{org}: {}", validity.expect("some").sentence))
        },
        (Some(ValidityState::ExpiringSoon), _) => {
            Finding::warning(Check::Connection, title, format!("{who}{org}: {}", validity.expect("some").sentence))
        }
        (_, Some(code)) => Finding::warning(
            Check::Connection,
            title,
            format!("{who}{org}: its last Test Connection failed ({code}); test it again."),
        ),
        (v, None) => Finding::ok(
            Check::Connection,
            title,
            format!(
                "{who}{org}: {}",
                v.map(|_| validity.expect("some").sentence)
                    .unwrap_or_else(|| "its secrets are in the keychain.".into())
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_shortened_and_proxy_passwords_hidden() {
        assert_eq!(short_client_id("1A2B3C4D5E6F708192A3B4C5D6E7F809"), "1A2B…F809");
        assert_eq!(short_client_id("short"), "…");
        assert_eq!(hide_password("http://alice:s3cret@proxy.example:3128"), "http://***@proxy.example:3128/");
        let f = overrides(|k| (k == "HTTPS_PROXY").then(|| "http://bob:hunter2@10.0.0.1:8080".to_string()));
        assert!(!f.detail.contains("hunter2") && !f.detail.contains("bob"), "{}", f.detail);
        assert_eq!(f.status, Status::Ok);
        let sim = overrides(|k| (k == "XERO_API_URL").then(|| "http://127.0.0.1:5055".to_string()));
        assert_eq!(sim.status, Status::Warning);
        assert!(sim.detail.contains("XERO_API_URL=http://127.0.0.1:5055"), "{}", sim.detail);
    }

    #[test]
    fn the_report_text_has_one_line_per_finding_and_the_worst_status() {
        let r = Report {
            program: "xero-connect 0 on linux".into(),
            checked_at: "T".into(),
            findings: vec![
                Finding::ok(Check::Keychain, "Keychain", "fine"),
                Finding::warning(Check::Clock, "Clock", "12 minutes behind"),
            ],
        };
        assert_eq!(r.worst(), Status::Warning);
        assert_eq!(r.text().lines().count(), 3);
        assert!(r.text().contains("[warning] Clock: 12 minutes behind"), "{}", r.text());
    }
}
