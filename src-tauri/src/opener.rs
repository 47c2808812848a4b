//! Which URLs the wizard may open, and how. Every URL goes through an origin check first: only
//! the origins of the two pages the wizard opens — Xero's sign-in (authorize) page and the
//! developer portal, or their `XERO_*_URL` overrides / the practice simulator — so nothing the
//! window or a server says can make the app launch an arbitrary link, nor one to Xero's API or
//! token hosts. The webview itself has no opener permission; opening happens here, in Rust.

use std::sync::Arc;
use tauri::{AppHandle, Runtime, Url};
use tauri_plugin_opener::OpenerExt;
use xero_connect::{Browser, Endpoints};

/// The origins URLs may be opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPolicy {
    allowed: Vec<String>,
}

/// `scheme://host[:port]` of an http(s) URL, normalised by the URL parser (lowercase host,
/// default port dropped), or `None` for anything else.
fn origin_of(url: &Url) -> Option<String> {
    matches!(url.scheme(), "https" | "http").then(|| url.origin().ascii_serialization())
}

impl OriginPolicy {
    /// The origins of the authorize page and the developer portal as configured: production,
    /// or the overrides.
    pub fn for_endpoints(endpoints: &Endpoints) -> OriginPolicy {
        let pages = [endpoints.authorize(), endpoints.portal_my_apps()];
        let allowed = pages.iter().filter_map(|p| Url::parse(p).ok()).filter_map(|u| origin_of(&u));
        OriginPolicy { allowed: allowed.collect() }
    }

    /// `Ok` when `url` may be opened; otherwise why not. The reason names the origin only:
    /// the full URL may carry a consent request's state.
    pub fn check(&self, url: &str) -> Result<(), String> {
        let parsed = Url::parse(url).map_err(|_| "refused to open a malformed address".to_string())?;
        let Some(origin) = origin_of(&parsed) else {
            return Err(format!("refused to open a {}: address; only web pages are opened", parsed.scheme()));
        };
        // A user name in the address is how look-alike links are built (https://xero.com@evil).
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("refused to open an address with a user name in it".into());
        }
        if self.allowed.contains(&origin) {
            Ok(())
        } else {
            Err(format!("refused to open {origin}: it is not Xero's sign-in page or developer portal"))
        }
    }
}

/// How URLs are opened outside practice mode: `BROWSER` when set (as the CLI does), else the
/// system's default browser through the opener plugin.
pub fn system_browser<R: Runtime>(app: &AppHandle<R>) -> Browser {
    if std::env::var_os("BROWSER").is_some_and(|b| !b.is_empty()) {
        return Browser::from_env(false);
    }
    let app = app.clone();
    Browser::Custom(Arc::new(move |url: &str| {
        app.opener().open_url(url, None::<&str>).map_err(|e| format!("the system could not open it: {e}"))
    }))
}

/// `browser`, opening only what `endpoints`' origins allow.
pub fn guarded(browser: Browser, endpoints: &Endpoints) -> Browser {
    let policy = OriginPolicy::for_endpoints(endpoints);
    Browser::Custom(Arc::new(move |url: &str| {
        policy.check(url)?;
        browser.open(url)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn xero_hosts_are_allowed_and_others_refused() {
        let policy = OriginPolicy::for_endpoints(&Endpoints::production());
        policy.check("https://login.xero.com/identity/connect/authorize?client_id=A&state=s").unwrap();
        policy.check("https://developer.xero.com/app/manage").unwrap();
        policy.check("https://LOGIN.xero.com:443/x").unwrap();
        for (url, says) in [
            ("https://evil.example/identity/connect/authorize", "https://evil.example"),
            ("https://login.xero.com.evil.example/", "login.xero.com.evil.example"),
            ("http://login.xero.com/", "http://login.xero.com"),
            ("https://login.xero.com:8443/", ":8443"),
            ("https://login.xero.com@evil.example/", "user name"),
            ("https://user@login.xero.com/", "user name"),
            ("https://api.xero.com/connections", "https://api.xero.com"),
            ("https://identity.xero.com/connect/token", "https://identity.xero.com"),
            ("file:///etc/passwd", "file:"),
            ("javascript:alert(1)", "javascript:"),
            ("not a url", "malformed"),
        ] {
            let err = policy.check(url).unwrap_err();
            assert!(err.contains(says), "{url}: {err}");
            assert!(!err.contains("connect/"), "the reason names the origin, not the URL: {err}");
        }
    }

    #[test]
    fn overrides_replace_xero_hosts_in_the_policy() {
        let endpoints = Endpoints::all_at("http://127.0.0.1:5055").unwrap();
        let policy = OriginPolicy::for_endpoints(&endpoints);
        policy.check("http://127.0.0.1:5055/identity/connect/authorize").unwrap();
        assert!(policy.check("http://127.0.0.1:5056/").is_err());
        assert!(policy.check("https://login.xero.com/").is_err(), "only the configured hosts");
    }

    #[test]
    fn a_guarded_browser_never_sees_a_refused_url() {
        let opened = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = opened.clone();
        let inner = Browser::Custom(Arc::new(move |url: &str| {
            log.lock().unwrap().push(url.to_string());
            Ok(())
        }));
        let browser = guarded(inner, &Endpoints::production());
        browser.open("https://developer.xero.com/app/manage").unwrap();
        assert!(browser.open("https://evil.example/").is_err());
        assert_eq!(*opened.lock().unwrap(), ["https://developer.xero.com/app/manage"]);
    }
}
