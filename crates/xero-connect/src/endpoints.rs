//! Where Xero lives: production URLs by default, each host replaceable by an environment
//! variable holding an origin (the local simulator, a proxy), with Xero's own paths appended.
//!
//! Any override is announced by the callers (see [`Endpoints::override_notice`]) so nobody
//! mistakes a simulator for Xero.

use crate::error::{Error, Result};
use url::Url;

/// Environment variable replacing `https://login.xero.com` (authorize).
pub const LOGIN_VAR: &str = "XERO_LOGIN_URL";
/// Environment variable replacing `https://identity.xero.com` (token, revocation, discovery).
pub const IDENTITY_VAR: &str = "XERO_IDENTITY_URL";
/// Environment variable replacing `https://api.xero.com` (connections and every API).
pub const API_VAR: &str = "XERO_API_URL";
/// Environment variable replacing `https://developer.xero.com` (developer portal).
pub const PORTAL_VAR: &str = "XERO_PORTAL_URL";

const LOGIN: &str = "https://login.xero.com";
const IDENTITY: &str = "https://identity.xero.com";
const API: &str = "https://api.xero.com";
const PORTAL: &str = "https://developer.xero.com";

/// The four Xero origins in use, and which of them were overridden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    login: String,
    identity: String,
    api: String,
    portal: String,
    overrides: Vec<(&'static str, String)>,
    /// The user said, for this run, that a saved connection's secret may go to an identity
    /// host other than the one it was made with (see [`Endpoints::check_identity`]).
    other_identity_confirmed: bool,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints::production()
    }
}

impl Endpoints {
    /// Xero's production hosts.
    pub fn production() -> Self {
        Endpoints {
            login: LOGIN.into(),
            identity: IDENTITY.into(),
            api: API.into(),
            portal: PORTAL.into(),
            overrides: Vec::new(),
            other_identity_confirmed: false,
        }
    }

    /// Production, with each `XERO_*_URL` variable that is set replacing its host.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Every host set to one origin: how tests and practice mode point at the simulator.
    pub fn all_at(origin: &str) -> Result<Self> {
        Self::from_lookup(|_| Some(origin.to_string()))
    }

    /// As [`Endpoints::from_env`], reading variables through `lookup` (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut e = Endpoints::production();
        for (var, slot) in [
            (LOGIN_VAR, &mut e.login),
            (IDENTITY_VAR, &mut e.identity),
            (API_VAR, &mut e.api),
            (PORTAL_VAR, &mut e.portal),
        ] {
            if let Some(value) = lookup(var).filter(|v| !v.trim().is_empty()) {
                *slot = parse_origin(var, value.trim())?;
                e.overrides.push((var, slot.clone()));
            }
        }
        Ok(e)
    }

    /// True when every host is Xero's own.
    pub fn is_production(&self) -> bool {
        self.overrides.is_empty()
    }

    /// One line naming the overridden hosts, or `None` against real Xero.
    pub fn override_notice(&self) -> Option<String> {
        if self.overrides.is_empty() {
            return None;
        }
        let first = &self.overrides[0].1;
        if self.overrides.len() == 4 && self.overrides.iter().all(|(_, v)| v == first) {
            return Some(format!(
                "Not talking to Xero: every Xero host is replaced by {first} (a simulator or proxy)."
            ));
        }
        let list: Vec<String> = self.overrides.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Some(format!("Not talking to Xero: using {} (a simulator or proxy).", list.join(", ")))
    }

    /// The overridden hosts as `(variable, origin)`, for a front end to show (`--json` output
    /// marks them); empty against Xero.
    pub fn overrides(&self) -> &[(&'static str, String)] {
        &self.overrides
    }

    /// These endpoints, with the user's statement that a saved connection's client secret and
    /// refresh token may go to this identity host even though the connection was made with
    /// another one.
    pub fn confirm_other_identity(mut self) -> Self {
        self.other_identity_confirmed = true;
        self
    }

    /// Whether `conn`'s client secret and refresh token may be sent to this identity host: the
    /// one it was made with (Xero's own for a connection that predates the record), or another
    /// the user confirmed. Called before every refresh, revocation and consent of a saved
    /// connection, so an `XERO_IDENTITY_URL` left set in a shell, or set by someone else, does not
    /// receive them silently.
    ///
    /// # Errors
    /// `identity_host_changed`, naming both hosts; nothing was sent.
    pub fn check_identity(&self, conn: &crate::Connection) -> Result<()> {
        let made_with = conn.identity_origin.as_deref().unwrap_or(IDENTITY);
        if made_with == self.identity || self.other_identity_confirmed {
            return Ok(());
        }
        let now = if self.identity == IDENTITY {
            format!("Xero's own {IDENTITY}")
        } else {
            format!("{} (set by {IDENTITY_VAR})", self.identity)
        };
        Err(Error::new(
            crate::ErrorCode::IdentityHostChanged,
            format!(
                "\"{}\" was made with the identity host {made_with}, and its client secret and refresh token are \
                 sent only there, but the identity host is now {now}: nothing was sent. Restore the setting it was \
                 made with, or confirm that this host may receive them.",
                conn.name
            ),
        )
        .with_remedy(crate::Remedy::ConfirmIdentityHost))
    }

    /// The browser consent page.
    pub fn authorize(&self) -> String {
        format!("{}/identity/connect/authorize", self.login)
    }
    /// The token endpoint (code, refresh, client_credentials).
    pub fn token(&self) -> String {
        format!("{}/connect/token", self.identity)
    }
    /// Refresh-token revocation.
    pub fn revocation(&self) -> String {
        format!("{}/connect/revocation", self.identity)
    }
    /// The identity host's origin: the expected `iss` of tokens.
    pub fn identity_origin(&self) -> &str {
        &self.identity
    }
    /// `GET /connections` and `DELETE /connections/{id}`.
    pub fn connections(&self) -> String {
        format!("{}/connections", self.api)
    }
    /// A path on the API host: `/assets.xro/1.0/Settings` (each API's Test Connection reads
    /// are in [`crate::apis`]).
    pub fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.api)
    }
    /// The developer portal's "My Apps".
    pub fn portal_my_apps(&self) -> String {
        format!("{}/app/manage", self.portal)
    }
    /// The hosts URLs may be opened on (Xero's, or the overrides): for a UI's URL allow-list.
    pub fn origins(&self) -> [&str; 4] {
        [&self.login, &self.identity, &self.api, &self.portal]
    }
}

/// Accepts `scheme://host[:port]` with an optional trailing slash. Plain http is allowed only
/// for loopback hosts: anything else would send tokens in the clear.
fn parse_origin(var: &str, value: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::invalid_input(format!(
            "{var} must be an origin such as https://xero.example or http://127.0.0.1:5055 ({why}); fix or unset it."
        ))
    };
    let url = Url::parse(value).map_err(|_| bad("not a URL"))?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("no path, query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("no user name or password"));
    }
    let host = url.host_str().ok_or_else(|| bad("no host"))?;
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(bad("plain http only for localhost")),
        _ => return Err(bad("http or https")),
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_paths_follow_xero() {
        let e = Endpoints::production();
        assert!(e.is_production());
        assert_eq!(e.authorize(), "https://login.xero.com/identity/connect/authorize");
        assert_eq!(e.token(), "https://identity.xero.com/connect/token");
        assert_eq!(e.revocation(), "https://identity.xero.com/connect/revocation");
        assert_eq!(e.connections(), "https://api.xero.com/connections");
        assert_eq!(e.api_url("/assets.xro/1.0/Settings"), "https://api.xero.com/assets.xro/1.0/Settings");
        assert_eq!(e.portal_my_apps(), "https://developer.xero.com/app/manage");
        assert_eq!(e.override_notice(), None);
    }

    #[test]
    fn overrides_replace_hosts_and_are_announced() {
        let e = Endpoints::from_lookup(|v| (v == IDENTITY_VAR).then(|| "http://127.0.0.1:5055/".into())).unwrap();
        assert_eq!(e.token(), "http://127.0.0.1:5055/connect/token");
        assert_eq!(e.authorize(), "https://login.xero.com/identity/connect/authorize");
        let notice = e.override_notice().unwrap();
        assert!(notice.contains("XERO_IDENTITY_URL=http://127.0.0.1:5055"), "{notice}");
    }

    #[test]
    fn one_origin_for_every_host_is_announced_once() {
        let e = Endpoints::all_at("http://127.0.0.1:5055").unwrap();
        assert_eq!(
            e.override_notice().unwrap(),
            "Not talking to Xero: every Xero host is replaced by http://127.0.0.1:5055 (a simulator or proxy)."
        );
    }

    #[test]
    fn a_saved_connections_secret_goes_only_to_the_identity_host_it_was_made_with() {
        let mut conn: crate::Connection = serde_json::from_value(serde_json::json!({
            "id": "0123456789abcdef01234567", "name": "shop", "client_id": "C", "app_type": "web",
            "scopes": [], "created_at": "t", "updated_at": "t"
        }))
        .unwrap();
        let sim = Endpoints::from_lookup(|v| (v == IDENTITY_VAR).then(|| "http://127.0.0.1:5055".into())).unwrap();
        // Saved before the host was recorded: Xero's own.
        assert!(Endpoints::production().check_identity(&conn).is_ok());
        let err = sim.check_identity(&conn).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::IdentityHostChanged);
        assert!(err.message().contains("https://identity.xero.com") && err.message().contains("127.0.0.1:5055"));
        assert_eq!(err.remedy(), Some(&crate::Remedy::ConfirmIdentityHost));
        assert!(sim.clone().confirm_other_identity().check_identity(&conn).is_ok(), "said explicitly");
        conn.identity_origin = Some("http://127.0.0.1:5055".into());
        assert!(sim.check_identity(&conn).is_ok());
        assert!(Endpoints::production().check_identity(&conn).unwrap_err().message().contains("Xero's own"));
        assert_eq!(sim.overrides(), [(IDENTITY_VAR, "http://127.0.0.1:5055".to_string())]);
    }

    #[test]
    fn bad_overrides_are_refused_by_name() {
        for bad in ["not a url", "http://example.com", "ftp://localhost", "https://x.test/path", "http://u:p@localhost"]
        {
            let err = Endpoints::from_lookup(|v| (v == API_VAR).then(|| bad.into())).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
            assert!(err.message().contains("XERO_API_URL"), "{bad}: {err}");
        }
    }
}
