//! Everything the command line prints: progress lines and prompts on stderr, results as text or
//! one JSON object on stdout, errors as a sentence and this front end's hint (or
//! `{"error": {"code", "message", "hint"}}`) with exit code 1 or 2. Text that came from Xero
//! (organisation names) passes through `plain` first.

use serde_json::{json, Value};
use xero_connect::flows::{DisconnectOutcome, ReconnectMethod, TokenOutput};
use xero_connect::probe::TestReport;
use xero_connect::profile::{Profile, ProfileRef};
use xero_connect::{Connection, Error, Organisation, Progress, RegistrationGuide, Remedy, Step, ValidityState};

/// A line on stdout. When the reader has gone (`xero-connect list | head`, a script that read
/// what it needed), the program ends quietly with exit code 0, as a program whose output is cut
/// short by `head` does: nothing it could still print reaches anyone, and `println!` would
/// panic there.
macro_rules! out {
    ($($arg:tt)*) => {
        out_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `text` to stdout as it is (see [`out!`]).
fn out_text(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => {}
        Err(e) if reader_gone(&e) => std::process::exit(0),
        // Another failure (a full disk behind a redirect): said once, on stderr.
        Err(e) => {
            eprintln!("error: the output could not be written ({e})");
            std::process::exit(1);
        }
    }
}

/// Whether a write failed because nobody reads stdout any more: a broken pipe — on Windows
/// also ERROR_PIPE_NOT_CONNECTED (233, "no process is on the other end of the pipe"), which
/// std does not count as one (seen under Wine for a pipe whose reader had closed).
fn reader_gone(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe || (cfg!(windows) && e.raw_os_error() == Some(233))
}

/// The `XERO_*_URL` overrides in force, set once at start: every JSON object printed carries
/// them as `"overrides": {"XERO_IDENTITY_URL": "http://…", …}`, so a script reading stdout
/// alone still learns that it did not talk to Xero (the notice goes to stderr).
static OVERRIDES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();

/// Records the overrides for the JSON output (see [`OVERRIDES`]); nothing against Xero.
pub fn mark_overrides(overrides: &[(&'static str, String)]) {
    if !overrides.is_empty() {
        let map: serde_json::Map<String, Value> =
            overrides.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect();
        let _ = OVERRIDES.set(Value::Object(map));
    }
}

/// One JSON object on stdout, marked with the overrides in force.
fn print_json(mut v: Value) {
    if let (Some(obj), Some(o)) = (v.as_object_mut(), OVERRIDES.get()) {
        obj.insert("overrides".into(), o.clone());
    }
    out!("{v}");
}

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
            Step::PasteRefused { message } => format!("{message} Still waiting."),
            Step::BrowserForcedHttps { message } => {
                format!("{message} Paste that address here and press Enter; the wait goes on.")
            }
            Step::Listening { redirect_uri } => format!("Listening for Xero's answer on {redirect_uri}"),
            Step::BrowserOpened { url } => {
                format!("Opened Xero's consent page in your browser. If nothing opened, visit this address:\n  {url}")
            }
            Step::OpenThisUrl { url, reason } => {
                let why = reason.map(|r| format!(" (the browser could not be opened: {r})")).unwrap_or_default();
                format!(
                    "Open this address in a browser and allow access{why}:\n  {url}\n\
                     Finished in a browser on another device? It ends on an address that cannot be reached: copy that \
                     whole address from its address bar, paste it here and press Enter."
                )
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
        // Steps name organisations, which come from Xero.
        eprintln!("{}", plain_lines(&line));
    }
}

/// Prints an error, with what fixes it in this command line's words, and gives the exit code.
pub fn error(e: &Error, as_json: bool) -> i32 {
    error_for(e, as_json, None)
}

/// As [`error`], and with a vendor profile, where its users get help (`support` in JSON).
pub fn error_for(e: &Error, as_json: bool, profile: Option<&Profile>) -> i32 {
    let hint = e.remedy().map(remedy_hint);
    if as_json {
        let mut err = json!({"code": e.code().as_str(), "message": e.message()});
        if let Some(h) = &hint {
            err["hint"] = json!(h);
        }
        if let Some(p) = profile {
            err["support"] = json!(p.support);
        }
        print_json(json!({ "error": err }));
    } else {
        // Messages can quote Xero (organisation names, its error descriptions).
        eprintln!("error ({}): {}", e.code(), plain_lines(e.message()));
        if let Some(h) = &hint {
            eprintln!("  {}", plain_lines(h));
        }
        if let Some(p) = profile {
            eprintln!("  Help with {}: {}", plain(&p.product), plain(&p.support));
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
        Remedy::TrustNetworkCertificate { issuer } => {
            let which = issuer.as_deref().map(|i| format!(" (\"{}\")", plain(i))).unwrap_or_default();
            // Where this computer's verifier looks (docs/xero-platform.md, "HTTPS inspection"):
            // Windows' and macOS's own stores; on Linux the system bundle or SSL_CERT_FILE.
            let how = if cfg!(windows) {
                "in Windows' Trusted Root Certification Authorities (IT usually deploys it; by hand: certmgr.msc, \
                 or certutil -user -addstore Root FILE)"
            } else if cfg!(target_os = "macos") {
                "in the macOS keychain, marked trusted (IT usually deploys it; by hand: Keychain Access)"
            } else {
                "in this computer's store — on Debian or Ubuntu copy it to /usr/local/share/ca-certificates/ and run \
                 update-ca-certificates, or point SSL_CERT_FILE at a bundle that holds it"
            };
            format!("Install the network's root certificate{which} {how}. Then check with: xero-connect doctor")
        }
        Remedy::ProxySignIn => {
            "Give the proxy's sign-in in HTTPS_PROXY=http://USER:PASSWORD@HOST:PORT, or ask IT to let \
                                xero-connect through without one; then check with: xero-connect doctor"
                .into()
        }
        Remedy::CheckComputer => "See what this computer's network looks like with: xero-connect doctor".into(),
        Remedy::ConfirmIdentityHost => "Unset XERO_IDENTITY_URL (or set it back to the host named), or add \
                                        --allow-override to send them to the host in use now."
            .into(),
        Remedy::UnlockKeychain => {
            "On a server without a desktop: dbus-run-session -- sh -c 'printf %s \"$KEYRING_PASSWORD\" \
             | gnome-keyring-daemon --unlock --components=secrets; xero-connect …' (see the README)."
                .into()
        }
    }
}

/// Text from Xero (an organisation's or user's name, an error description) as it may be printed
/// on a terminal: control characters, which a terminal would obey (ESC starts colour, cursor and
/// OSC title or clipboard sequences), are shown as `?`. Every non-JSON line that can carry such
/// text goes through it; JSON output escapes control characters by itself.
pub fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// As [`plain`], for this program's own text that may quote Xero's: its line breaks are kept.
pub fn plain_lines(text: &str) -> String {
    text.split('\n').map(plain).collect::<Vec<_>>().join("\n")
}

/// A name as it must be typed in a shell.
pub fn shell_quote(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        s.to_string()
    } else {
        format!("'{s}'")
    }
}

/// What needs attention about a connection — an authorisation lapsing within 14 days or lapsed,
/// broad scopes — in this command line's words (what to run), one line each; empty when
/// nothing does.
fn health_lines(c: &Connection) -> Vec<String> {
    let mut lines = Vec::new();
    // A valid authorisation is no warning: `show` gives its date on its own line.
    if let Some(v) = c.validity(now_secs()).filter(|v| v.state != ValidityState::Valid) {
        let action = match v.state {
            ValidityState::Valid => String::new(),
            ValidityState::ExpiringSoon => {
                format!(" Keep it alive with: xero-connect refresh {}", shell_quote(&c.name))
            }
            ValidityState::Expired => format!(" Renew it with: xero-connect reconnect {}", shell_quote(&c.name)),
        };
        lines.push(format!("{}{action}", v.sentence));
    }
    if let Some(w) = c.broad_scope_warning() {
        lines.push(format!(
            "{w} Switch with: xero-connect reconnect {} --granular-scopes (a new consent).",
            shell_quote(&c.name)
        ));
    }
    lines
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A connection as JSON (never secrets: the settings hold none).
pub fn connection_json(c: &Connection) -> Value {
    let org = c.organisation();
    let broad = c.broad_scopes();
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
        "authorisation": c.validity(now_secs()),
        "profile": c.profile,
        "broad_scopes": (!broad.is_empty()).then(|| json!({"scopes": broad, "accepted_until": "2027-09",
            "message": c.broad_scope_warning()})),
    })
}

/// A connection as text.
pub fn connection_text(c: &Connection) -> String {
    let mut out = format!("{}\n", c.name);
    let org = c.organisation().map(|o| format!("{} ({})", plain(&o.name), o.tenant_id));
    out += &format!("  Organisation:   {}\n", org.unwrap_or_else(|| "not chosen yet (use --tenant)".into()));
    if c.organisations.len() > 1 {
        for o in &c.organisations {
            out += &format!("                  authorised: {} ({})\n", plain(&o.name), o.tenant_id);
        }
    }
    if let Some(p) = &c.profile {
        out += &format!("  Profile:        {} (digest {})\n", plain(&p.product), p.digest);
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
    if c.app_type != xero_connect::AppType::Custom {
        let valid = c.validity(now_secs()).map(|v| v.valid_until[..10].to_string());
        out += &format!(
            "  Authorisation:  {}\n",
            valid.map(|d| format!("valid until {d} if unused")).unwrap_or_else(|| "not refreshed yet".into())
        );
    }
    for line in health_lines(c) {
        out += &format!("  ! {line}\n");
    }
    out
}

pub fn user_text(u: &xero_connect::XeroUser) -> String {
    if u.name.is_empty() {
        plain(&u.email)
    } else {
        plain(&format!("{} <{}>", u.name, u.email))
    }
}

pub fn last_test_text(c: &Connection) -> String {
    c.last_test.as_ref().map(|t| plain_lines(&t.summary())).unwrap_or_else(|| "never".into())
}

/// A line for the person at the terminal, apart from the result (stderr).
pub fn notice(text: &str) {
    eprintln!("{}", plain_lines(text));
}

/// A finding that does not stop anything (stderr).
pub fn warning(text: &str) {
    eprintln!("warning: {}", plain_lines(text));
}

/// The confirmation `remove` asks for.
/// The confirmation asked before `remove` (one connection, or every one with `--all`).
pub fn removal_question(connections: &[Connection]) -> String {
    match connections {
        [conn] => format!("Remove \"{}\"? {}", conn.name, plain_lines(&conn.removal_warning())),
        _ => {
            let names: Vec<String> = connections.iter().map(|c| format!("\"{}\"", c.name)).collect();
            format!(
                "Remove all {} connections ({})? Each is disconnected at Xero and its secrets are deleted from \
                 this computer; this cannot be undone.",
                connections.len(),
                names.join(", ")
            )
        }
    }
}

/// Reconnect replaced an organisation Xero no longer connects (stderr).
pub fn organisation_replaced(gone: &Organisation) {
    eprintln!(
        "note: {} (ID {}) was no longer connected, so access was allowed again.",
        plain(&gone.name),
        gone.tenant_id
    );
}

/// The question when the only organisation authorised has a vanished one's name and a new ID.
pub fn new_id_question(connection: &str, only: &Organisation) -> String {
    format!(
        "Xero authorised {} with the ID {}, which is not the organisation saved before (a reset demo company gets \
         a new ID; otherwise check that this is the organisation you chose). Use it for \"{connection}\"?",
        plain(&only.name),
        only.tenant_id
    )
}

/// The numbered organisations to choose from (stderr); the answer is read by `input`.
pub fn organisation_menu(conn: &Connection) {
    eprintln!("Several organisations were authorised. Which one should \"{}\" use?", conn.name);
    for (i, o) in conn.organisations.iter().enumerate() {
        eprintln!("  {}. {}  (ID {})", i + 1, plain(&o.name), o.tenant_id);
    }
}

/// Results on stdout: text for people, or one JSON object with `--json`.
pub struct Out {
    /// `--json` was given.
    pub json: bool,
}

impl Out {
    fn print_json(&self, v: Value) {
        print_json(v);
    }

    /// `guide`: what to create in the developer portal.
    pub fn guide(&self, g: &RegistrationGuide) {
        if self.json {
            return self.print_json(serde_json::to_value(g).expect("guide serialises"));
        }
        if let Some(product) = &g.product {
            out!("Connect {} to Xero\n", plain(product));
        }
        out!("Create your app in the Xero developer portal: {}\n", g.portal_url);
        for (i, step) in g.steps.iter().enumerate() {
            out!("{:>2}. {step}", i + 1);
        }
        if let Some(url) = &g.company_url {
            out!("\nApp name (copy exactly):\n  {}", g.app_name);
            out!("\nCompany or application URL (copy exactly):\n  {url}");
        }
        out!("\nIntegration types{}:", if g.product.is_some() { " this software supports" } else { "" });
        for c in &g.app_type_choices {
            let mark = if c.app_type == g.app_type { "*" } else { " " };
            out!(" {mark} {}: {}", c.label, c.explanation);
        }
        if !g.redirect_uris.is_empty() {
            out!("\nRedirect URI (copy exactly):");
            for u in &g.redirect_uris {
                out!("  {u}");
            }
        }
        out!("\nScopes this connection asks for:\n  {}", g.scopes.join(" "));
        out!("\nTips:");
        for t in g.tips.iter().chain(&g.secret_tip) {
            out!("  - {t}");
        }
        if let Some(s) = &g.support {
            out!("\nHelp: {s}");
        }
        out!("\nThen run: xero-connect setup NAME --client-id YOUR_CLIENT_ID --app-type {}", g.app_type.as_str());
    }

    /// `test`: Test Connection's success, and the profile the connection was made with.
    pub fn test_report(&self, r: &TestReport, profile: Option<&ProfileRef>) {
        let o = &r.organisation;
        if self.json {
            return self.print_json(json!({"ok": true, "connection": r.connection, "organisation": o,
                "api": r.api, "answered_by": r.answered_by, "call": r.call,
                "authorised_by": r.authorised_by, "tested_at": r.tested_at, "profile": profile,
                "clock": r.clock}));
        }
        if let Some(p) = profile {
            out!("{} is connected.", plain(&p.product));
        }
        out!("Connected to {}.", plain(&o.name));
        out!("  Answered by:     {} ({})", r.answered_by, r.call);
        out!("  Organisation ID: {}", plain(&o.id));
        // Only the Accounting API's Organisation tells these; unknown ones are left out.
        if let Some(c) = &o.country_code {
            out!("  Country:         {}", plain(c));
        }
        if let Some(c) = &o.base_currency {
            out!("  Currency:        {}", plain(c));
        }
        if let Some(demo) = o.is_demo_company {
            out!("  Demo company:    {}", if demo { "yes" } else { "no" });
        }
        if let Some(u) = &r.authorised_by {
            out!("  Authorised by:   {}", user_text(u));
        }
        out!("  Tested at:       {}", r.tested_at);
        if let Some(c) = &r.clock {
            out!("  ! {}", c.sentence);
        }
    }

    /// `doctor`: one line per check with what to do, and the redacted report (`--json`: both).
    pub fn doctor(&self, r: &xero_connect::doctor::Report) {
        let hint = |f: &xero_connect::doctor::Finding| f.remedy.as_ref().map(remedy_hint);
        if self.json {
            let findings: Vec<Value> = r
                .findings
                .iter()
                .map(|f| {
                    let mut v = serde_json::to_value(f).expect("a finding serialises");
                    if let Some(h) = hint(f) {
                        v["hint"] = json!(h);
                    }
                    v
                })
                .collect();
            return self.print_json(json!({"ok": r.worst() != xero_connect::doctor::Status::Problem,
                "worst": r.worst(), "program": r.program, "checked_at": r.checked_at, "findings": findings,
                "report": r.text()}));
        }
        out!("Checking this computer ({}):", r.program);
        for f in &r.findings {
            out!("{:<8} {}: {}", f.status.as_str(), plain(&f.title), plain_lines(&f.detail));
            if let Some(h) = hint(f) {
                out!("         {}", plain_lines(&h));
            }
        }
    }

    /// `list`: every saved connection, one line each.
    pub fn connections(&self, list: &[Connection]) {
        if self.json {
            return self.print_json(json!({"connections": list.iter().map(connection_json).collect::<Vec<_>>()}));
        }
        if list.is_empty() {
            out!("No saved connections. Start with: xero-connect guide, then xero-connect setup NAME");
        }
        for c in list {
            let org = c.organisation().map(|o| plain(&o.name)).unwrap_or_else(|| "(organisation not chosen)".into());
            out!("{}\t{}\t{}\tlast test: {}", c.name, org, c.app_type.as_str(), last_test_text(c));
            for line in health_lines(c) {
                out!("  ! {line}");
            }
        }
    }

    /// `show`: one saved connection.
    pub fn connection(&self, c: &Connection) {
        if self.json {
            return self.print_json(connection_json(c));
        }
        out_text(&connection_text(c));
    }

    /// `token`: the access token alone (for `$(…)`), or with its expiry and tenant.
    pub fn token(&self, t: &TokenOutput) {
        if self.json {
            return self.print_json(json!({"access_token": t.access_token.expose(), "expires_at": t.expires_at,
                "expires_in": t.expires_in(), "tenant_id": t.tenant_id}));
        }
        out!("{}", t.access_token.expose());
    }

    /// `refresh`: each connection's new validity, or why it could not be refreshed (with what
    /// fixes it).
    pub fn refreshed(&self, results: &[(String, xero_connect::Result<Connection>)]) {
        if self.json {
            let items: Vec<Value> = results
                .iter()
                .map(|(name, r)| match r {
                    Ok(c) => json!({"name": name, "ok": true, "authorisation": c.validity(now_secs())}),
                    Err(e) => json!({"name": name, "ok": false, "error": {"code": e.code().as_str(),
                        "message": e.message(), "hint": e.remedy().map(remedy_hint)}}),
                })
                .collect();
            return self.print_json(json!({ "refreshed": items }));
        }
        for (name, r) in results {
            match r {
                Ok(c) => match c.validity(now_secs()) {
                    Some(v) => out!("Refreshed \"{name}\": valid until {} if unused.", &v.valid_until[..10]),
                    None => out!("Refreshed \"{name}\": a new access token was issued."),
                },
                Err(e) => {
                    out!("Could not refresh \"{name}\" ({}): {}", e.code(), plain_lines(e.message()));
                    if let Some(h) = e.remedy().map(remedy_hint) {
                        out!("  {h}");
                    }
                }
            }
        }
    }

    /// `remove`: what was done at Xero and here.
    pub fn disconnected(&self, out: &DisconnectOutcome) {
        if self.json {
            return self.print_json(json!({"removed": out.name, "disconnected": out.disconnected,
                "revoked": out.revoked, "already_disconnected": out.already_disconnected}));
        }
        out!("Removed \"{}\".", out.name);
        if !out.disconnected.is_empty() {
            out!("  Disconnected at Xero: {}", plain(&out.disconnected.join(", ")));
        }
        if out.already_disconnected {
            out!("  Xero had already dropped this authorisation.");
        }
    }

    /// `remove --all`: each connection removed, or why it was kept.
    pub fn all_disconnected(&self, results: &[(String, xero_connect::Result<DisconnectOutcome>)]) {
        if self.json {
            let items: Vec<Value> = results
                .iter()
                .map(|(name, r)| match r {
                    Ok(o) => json!({"name": name, "ok": true, "disconnected": o.disconnected,
                        "revoked": o.revoked, "already_disconnected": o.already_disconnected}),
                    Err(e) => json!({"name": name, "ok": false, "error": {"code": e.code().as_str(),
                        "message": e.message(), "hint": e.remedy().map(remedy_hint)}}),
                })
                .collect();
            return self.print_json(json!({ "removed": items }));
        }
        if results.is_empty() {
            out!("No saved connections: nothing to remove.");
        }
        for (name, r) in results {
            match r {
                Ok(o) => self.disconnected(o),
                Err(e) => {
                    out!("Kept \"{name}\" ({}): {}", e.code(), plain_lines(e.message()));
                    if let Some(h) = e.remedy().map(remedy_hint) {
                        out!("  {h}");
                    }
                }
            }
        }
    }

    /// `setup` and `reconnect`: the connection as saved (and, on reconnect, how it was proven).
    pub fn connected(&self, conn: &Connection, method: Option<ReconnectMethod>) {
        if self.json {
            let mut v = connection_json(conn);
            if let Some(m) = method {
                v["method"] = json!(m);
            }
            return self.print_json(v);
        }
        let org = conn
            .organisation()
            .map(|o| format!("{} ({})", plain(&o.name), o.tenant_id))
            .unwrap_or_else(|| "Xero".into());
        match method {
            None => out!("Connected \"{}\" to {org}.", conn.name),
            Some(m) => {
                let how = match m {
                    ReconnectMethod::Refresh => "the new secret works; no browser was needed",
                    ReconnectMethod::Consent => "access was allowed again",
                    ReconnectMethod::ClientCredentials => "the new secret works",
                };
                out!("Reconnected \"{}\" to {org}: {how}.", conn.name)
            }
        }
        if let Some(u) = &conn.authorised_by {
            out!("  Authorised by: {}", user_text(u));
        }
        out!("  Next: xero-connect test {}", shell_quote(&conn.name));
    }
}
