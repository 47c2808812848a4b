//! The values every layer shares about what the user made in Xero's developer portal: the app's
//! integration type ([`AppType`]), its redirect URIs ([`RedirectUri`]), and the name a
//! connection is saved under ([`check_name`]). The ground floor: it depends on `error` alone, so
//! registration, profile, connection and the flows all import from here and never from each
//! other for these.

use crate::error::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use url::Url;

/// The redirect URI used when none is configured. A fixed port, because Xero matches the port
/// exactly (RFC 8252's "any loopback port" is not honoured).
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:8749/callback";

/// The kind of app created in the portal; it decides how tokens are obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppType {
    /// "Web app": authorization code with a client secret (HTTP Basic at the token endpoint).
    Web,
    /// "Mobile or desktop app": authorization code with PKCE (S256), no secret.
    Pkce,
    /// "Custom connection": client_credentials, no browser, exactly one organisation.
    Custom,
}

impl AppType {
    /// Every type, in display order.
    pub const ALL: [AppType; 3] = [AppType::Web, AppType::Pkce, AppType::Custom];

    /// Parses the command-line spelling `web`, `pkce` or `custom`.
    pub fn parse(s: &str) -> Result<AppType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "web" => Ok(AppType::Web),
            "pkce" | "desktop" | "mobile" => Ok(AppType::Pkce),
            "custom" => Ok(AppType::Custom),
            other => Err(Error::invalid_input(format!(
                "Unknown app type \"{other}\": use web, pkce (mobile or desktop app) or custom (custom connection)."
            ))),
        }
    }

    /// The command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AppType::Web => "web",
            AppType::Pkce => "pkce",
            AppType::Custom => "custom",
        }
    }

    /// The integration type as the portal names it.
    pub fn portal_label(self) -> &'static str {
        match self {
            AppType::Web => "Web app",
            AppType::Pkce => "Mobile or desktop app",
            AppType::Custom => "Custom connection",
        }
    }

    /// One sentence on when to choose it.
    pub fn explanation(self) -> &'static str {
        match self {
            AppType::Web => "Choose this for software that keeps a client secret safely on this computer or a server; it is the usual choice.",
            AppType::Pkce => "Choose this when the software cannot keep a secret: it signs in with a one-time proof instead and has no client secret.",
            AppType::Custom => "Choose this for one organisation connected server to server without a browser; it is a paid Xero option (free with the Demo Company).",
        }
    }

    /// True when the app has a client secret to paste.
    pub fn has_secret(self) -> bool {
        !matches!(self, AppType::Pkce)
    }

    /// True when consent happens in the browser.
    pub fn uses_browser(self) -> bool {
        !matches!(self, AppType::Custom)
    }

    /// The credential check before the browser opens found the Client ID (or, for apps with a
    /// secret, the Client ID and secret together) unknown to Xero.
    pub(crate) fn credentials_refused(self) -> Error {
        let message = if self.has_secret() {
            "Xero did not accept this Client ID and client secret together: check the Client ID is the one on \
             your app's Configuration page, and paste the secret again (a secret deleted in the portal no longer \
             works; generate another if in doubt)."
        } else {
            "Xero does not know this Client ID as a mobile or desktop app: copy the Client ID again from your \
             app's Configuration page, and check the app's integration type in the developer portal."
        };
        Error::new(ErrorCode::InvalidClient, message)
    }
}

/// A loopback redirect URI exactly as registered in the portal, with what the listener needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri {
    text: String,
    host: String,
    port: u16,
    path: String,
}

impl RedirectUri {
    /// Parses and checks a URI: `http`, a loopback host, and no query or fragment. The text is
    /// kept as given, because Xero compares it character for character.
    pub fn parse(text: &str) -> Result<RedirectUri> {
        let bad = |why: &str| {
            Error::invalid_input(format!(
                "Redirect URI \"{text}\" cannot be used: {why}. Use one like {DEFAULT_REDIRECT_URI}, exactly as registered for your app."
            ))
        };
        if text != text.trim() {
            return Err(bad("it has spaces at the start or end"));
        }
        let url = Url::parse(text).map_err(|_| bad("it is not a URL"))?;
        if url.scheme() != "http" {
            return Err(bad("a desktop listener needs http:// (Xero allows plain http only for localhost)"));
        }
        let host = match url.host_str() {
            Some(h @ ("localhost" | "127.0.0.1" | "[::1]")) => h.to_string(),
            _ => return Err(bad("the host must be localhost (or 127.0.0.1)")),
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it must not have a query or fragment"));
        }
        let port = url.port_or_known_default().ok_or_else(|| bad("it has no port"))?;
        Ok(RedirectUri { text: text.to_string(), host, port, path: url.path().to_string() })
    }

    /// [`DEFAULT_REDIRECT_URI`], parsed.
    pub fn default_uri() -> RedirectUri {
        RedirectUri::parse(DEFAULT_REDIRECT_URI).expect("the default redirect URI is valid")
    }

    /// The URI, character for character.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// `localhost`, `127.0.0.1` or `[::1]`.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The port to listen on.
    pub fn port(&self) -> u16 {
        self.port
    }
    /// The one path served.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// Checks a connection name: letters, digits, space, `.`, `_`, `-`; 1–64 characters.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_alphanumeric())
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "\"{name}\" cannot be a connection name: use 1 to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uri_keeps_its_exact_text() {
        let u = RedirectUri::parse("http://localhost:8749/callback").unwrap();
        assert_eq!((u.host(), u.port(), u.path()), ("localhost", 8749, "/callback"));
        let u = RedirectUri::parse("http://127.0.0.1:9000/cb/").unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:9000/cb/");
        assert_eq!(u.path(), "/cb/");
    }

    #[test]
    fn redirect_uri_refuses_what_a_listener_cannot_serve() {
        for bad in [
            "https://localhost:8749/callback",
            "http://example.com:8749/callback",
            "http://0.0.0.0:8749/callback",
            "http://localhost:8749/callback?x=1",
            "myapp://callback",
            " http://localhost:8749/callback",
        ] {
            let err = RedirectUri::parse(bad).unwrap_err();
            assert!(err.message().contains(bad.trim()), "{bad}: {err}");
        }
    }

    #[test]
    fn app_type_parses_cli_spelling() {
        assert_eq!(AppType::parse("PKCE").unwrap(), AppType::Pkce);
        assert_eq!(AppType::parse("custom").unwrap(), AppType::Custom);
        assert!(AppType::parse("native").is_err());
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("Main shop-2").is_ok());
        for bad in ["", " x", "a/b", "-x", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
