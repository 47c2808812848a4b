//! `xero-sim-browser <URL>`: a scripted stand-in for the user's browser, used as
//! `BROWSER=…/xero-sim-browser`. It loads the authorize URL, submits the simulator's
//! consent form (Allow, or Cancel with `XERO_SIM_BROWSER_DECISION=cancel`) and follows
//! the redirect to the app's loopback callback, and the app's redirect after it. Like a real browser it never prints
//! codes, tokens or state, and an error page is shown, not reported to the app.
//!
//! Environment: `XERO_SIM_BROWSER_DECISION` (`allow`|`cancel`), `XERO_SIM_BROWSER_TAMPER_STATE=1`
//! (first hit the callback with an altered `state`, expecting a 4xx), `XERO_SIM_BROWSER_LOG=<file>`
//! (one line per step, no secrets), `XERO_SIM_BROWSER_DETACH=1` (return at once and carry
//! on in a background copy, for launchers that wait for the browser to exit),
//! `XERO_SIM_BROWSER_ELSEWHERE=<file>` (a browser on another device: the loopback callback
//! cannot be reached from there, so the address it ended on is written to the file, as a
//! person would copy it from the address bar, and the callback is not requested),
//! `XERO_SIM_BROWSER_FORCE_HTTPS=<file>` (a browser that forces HTTPS on localhost, through a
//! remembered HSTS rule or an HTTPS-only mode: the callback is requested over https, so the app's
//! listener receives a TLS ClientHello, and the https address the browser then shows is written
//! to the file, as a person would copy it).

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use url::Url;

const CHILD_MARKER: &str = "XERO_SIM_BROWSER_CHILD";

/// Appends step lines to the log file named by `XERO_SIM_BROWSER_LOG`, if any.
struct StepLog {
    path: Option<String>,
}

impl StepLog {
    fn step(&self, line: &str) {
        if let Some(p) = &self.path {
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(p) {
                let _ = writeln!(f, "{line}");
            }
        }
    }
}

/// One parsed start tag: lowercase name and attributes (value `None` when bare).
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: HashMap<String, Option<String>>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(|v| v.as_deref())
    }
    fn has(&self, name: &str) -> bool {
        self.attrs.contains_key(name)
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Scans start tags out of simple, well-formed HTML.
fn start_tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = HashMap::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' || b[i] == b'/' {
                break;
            }
            let ns = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let aname = html[ns..i].to_ascii_lowercase();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    i += 1;
                    let vs = i;
                    let end = html[i..].find(q).map(|e| i + e).unwrap_or(b.len());
                    i = (end + 1).min(b.len());
                    &html[vs..end]
                } else {
                    let vs = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &html[vs..i]
                };
                attrs.insert(aname, Some(decode_entities(value)));
            } else if !aname.is_empty() {
                attrs.insert(aname, None);
            } else {
                i += 1;
            }
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// Text of the first element carrying `class="<class>"`.
fn text_of_class(html: &str, class: &str) -> Option<String> {
    let marker = format!("class=\"{class}\"");
    let at = html.find(&marker)?;
    let rest = &html[at..];
    let open_end = rest.find('>')? + 1;
    let text = &rest[open_end..];
    let close = text.find('<').unwrap_or(text.len());
    let t = decode_entities(text[..close].trim());
    (!t.is_empty()).then_some(t)
}

/// A short, secret-free reason for an error page.
fn error_reason(status: u16, html: &str) -> String {
    text_of_class(html, "error-detail")
        .or_else(|| text_of_class(html, "error"))
        .unwrap_or_else(|| format!("HTTP {status}"))
}

/// The consent form: its action and the fields to post.
struct ConsentForm {
    action: String,
    fields: Vec<(String, String)>,
}

fn parse_form(html: &str) -> Option<ConsentForm> {
    let tags = start_tags(html);
    let form = tags.iter().find(|t| t.name == "form")?;
    let action = form.attr("action")?.to_string();
    let mut fields = Vec::new();
    for t in tags.iter().filter(|t| t.name == "input") {
        let (Some(name), Some(kind)) = (t.attr("name"), t.attr("type")) else {
            continue;
        };
        let value = t.attr("value").unwrap_or("").to_string();
        match kind.to_ascii_lowercase().as_str() {
            "hidden" => fields.push((name.to_string(), value)),
            "checkbox" if t.has("checked") => fields.push((name.to_string(), value)),
            _ => {}
        }
    }
    Some(ConsentForm { action, fields })
}

/// The callback URL with its `state` altered (or added, if the app sent none).
fn tampered(url: &Url) -> Url {
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    match pairs.iter_mut().find(|(k, _)| k == "state") {
        Some((_, v)) => v.push_str("-tampered"),
        None => pairs.push(("state".to_string(), "tampered".to_string())),
    }
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

/// GETs the app's callback, retrying connection failures for about two seconds in
/// case its listener is still starting; returns the status and, for a redirect, its Location.
async fn get_callback(client: &reqwest::Client, url: &Url) -> Result<(u16, Option<String>), String> {
    let mut last = String::new();
    for _ in 0..20 {
        match client.get(url.clone()).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let location =
                    resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
                let _ = resp.bytes().await;
                return Ok((status, location.filter(|_| (300..400).contains(&status))));
            }
            Err(e) if e.is_connect() => {
                last = e.without_url().to_string();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(e.without_url().to_string()),
        }
    }
    Err(last)
}

/// Re-runs this program in the background and returns at once.
fn detach(url: &str) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("sim-browser: cannot find myself to detach: {e}");
            return ExitCode::FAILURE;
        }
    };
    match Command::new(exe)
        .arg(url)
        .env(CHILD_MARKER, "1")
        .env_remove("XERO_SIM_BROWSER_DETACH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
    {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sim-browser: cannot detach: {e}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [raw_url] = args.as_slice() else {
        eprintln!("usage: xero-sim-browser <URL>");
        return ExitCode::from(2);
    };
    if std::env::var("XERO_SIM_BROWSER_DETACH").is_ok_and(|v| v == "1") && std::env::var_os(CHILD_MARKER).is_none() {
        return detach(raw_url);
    }
    let Ok(start) = Url::parse(raw_url) else {
        eprintln!("sim-browser: not a URL");
        return ExitCode::from(2);
    };
    let cancel = std::env::var("XERO_SIM_BROWSER_DECISION").is_ok_and(|v| v.eq_ignore_ascii_case("cancel"));
    let tamper = std::env::var("XERO_SIM_BROWSER_TAMPER_STATE").is_ok_and(|v| v == "1");
    let log = StepLog { path: std::env::var("XERO_SIM_BROWSER_LOG").ok().filter(|p| !p.is_empty()) };
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sim-browser: {}", e.without_url());
            return ExitCode::FAILURE;
        }
    };

    // 1. The authorize page.
    let (status, page) = match client.get(start.clone()).send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap_or_default())
        }
        Err(e) => {
            log.step("GET authorize failed");
            eprintln!("sim-browser: could not load the page: {}", e.without_url());
            return ExitCode::SUCCESS;
        }
    };
    log.step(&format!("GET authorize {status}"));
    let form = if status == 200 { parse_form(&page) } else { None };
    let Some(form) = form else {
        log.step("error-page");
        eprintln!("sim-browser: Xero showed an error page: {}", error_reason(status, &page));
        return ExitCode::SUCCESS;
    };

    // 2. The consent decision.
    let Ok(action) = start.join(&form.action) else {
        eprintln!("sim-browser: Xero showed an error page: unusable form action");
        return ExitCode::SUCCESS;
    };
    let mut fields = form.fields;
    fields.push(("decision".to_string(), if cancel { "cancel" } else { "allow" }.to_string()));
    let resp = match client.post(action.clone()).form(&fields).send().await {
        Ok(r) => r,
        Err(e) => {
            log.step("POST consent failed");
            eprintln!("sim-browser: could not submit the consent form: {}", e.without_url());
            return ExitCode::SUCCESS;
        }
    };
    let status = resp.status().as_u16();
    log.step(&format!("POST consent {status}"));
    let location = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = resp.text().await.unwrap_or_default();
    let callback = match location.filter(|_| (300..400).contains(&status)) {
        Some(l) => match action.join(&l) {
            Ok(u) => u,
            Err(_) => {
                eprintln!("sim-browser: Xero redirected to an unusable address");
                return ExitCode::SUCCESS;
            }
        },
        None => {
            log.step("error-page");
            eprintln!("sim-browser: Xero showed an error page: {}", error_reason(status, &body));
            return ExitCode::SUCCESS;
        }
    };

    // 3. Optionally a forged callback first: the app must refuse a wrong state.
    let mut tamper_failed = false;
    if tamper {
        match get_callback(&client, &tampered(&callback)).await {
            Ok((s, _)) => {
                log.step(&format!("GET callback-tampered {s}"));
                if !(400..500).contains(&s) {
                    tamper_failed = true;
                    eprintln!("sim-browser: the app accepted a callback with a tampered state (HTTP {s})");
                }
            }
            Err(e) => {
                log.step("GET callback-tampered failed");
                tamper_failed = true;
                eprintln!("sim-browser: tampered callback got no answer: {e}");
            }
        }
    }

    // 4. A browser that upgrades http://localhost to https: the app hears TLS, not a request.
    if let Some(file) = std::env::var_os("XERO_SIM_BROWSER_FORCE_HTTPS").filter(|f| !f.is_empty()) {
        let mut upgraded = callback.clone();
        let _ = upgraded.set_scheme("https");
        match client.get(upgraded.clone()).send().await {
            Ok(resp) => log.step(&format!("GET callback over https {}", resp.status().as_u16())),
            Err(_) => log.step("GET callback over https failed"),
        }
        if std::fs::write(&file, upgraded.as_str()).is_err() {
            eprintln!("sim-browser: could not write the address bar's text");
        }
        return ExitCode::SUCCESS;
    }

    // 5. The real callback, unless this browser is on another device.
    if let Some(file) = std::env::var_os("XERO_SIM_BROWSER_ELSEWHERE").filter(|f| !f.is_empty()) {
        log.step("ended on the callback address, unreachable from this device");
        if std::fs::write(&file, callback.as_str()).is_err() {
            eprintln!("sim-browser: could not write the address bar's text");
        }
        return ExitCode::SUCCESS;
    }
    match get_callback(&client, &callback).await {
        Ok((s, location)) => {
            log.step(&format!("GET callback {s}"));
            // Like a browser, follow the app's redirect (to its "connected" page).
            if let Some(next) = location.and_then(|l| callback.join(&l).ok()) {
                match client.get(next).send().await {
                    Ok(resp) => log.step(&format!("GET connected {}", resp.status().as_u16())),
                    Err(_) => log.step("GET connected failed"),
                }
            }
        }
        Err(e) => {
            log.step("GET callback failed");
            eprintln!("sim-browser: could not reach the app's callback: {e}");
        }
    }
    if tamper_failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_consent_form() {
        let html = r#"<form method="post" action="/x/consent"><input type="hidden" name="consent_id" value="a&amp;b">
<label><input type="checkbox" name="tenant" value="T1" checked> One</label>
<input type="checkbox" name="tenant" value="T2"> <button name="decision" value="allow">Allow</button></form>"#;
        let f = parse_form(html).unwrap();
        assert_eq!(f.action, "/x/consent");
        assert_eq!(
            f.fields,
            vec![("consent_id".to_string(), "a&b".to_string()), ("tenant".to_string(), "T1".to_string())]
        );
        assert_eq!(
            error_reason(500, r#"<p class="error-detail">unauthorized_client : Invalid redirect_uri</p>"#),
            "unauthorized_client : Invalid redirect_uri"
        );
        let t = tampered(&Url::parse("http://localhost:1/cb?code=c&state=s").unwrap());
        assert_eq!(t.query(), Some("code=c&state=s-tampered"));
    }
}
