//! The saved connection as the domain knows it: its organisations (Xero's tenants), the one
//! chosen, who authorised it and its last Test Connection, plus the rules both front ends share
//! about it (a valid name, when an organisation must be chosen, what removing it does). Its
//! secrets live in the keychain (`vault`); this is what the settings file (`settings`) holds.

use crate::error::{Error, Result};
use crate::jwt::XeroUser;
use crate::registration::AppType;
use serde::{Deserialize, Serialize};

/// One saved connection: everything but its secrets, which live in the keychain under `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    /// Stable key of the keychain entries (a rename keeps it).
    pub id: String,
    /// The name people and scripts use.
    pub name: String,
    /// The app's Client ID.
    pub client_id: String,
    /// The kind of app.
    pub app_type: AppType,
    /// The scopes Xero granted (from the token answer), or those asked for when it named none.
    pub scopes: Vec<String>,
    /// Redirect URIs, in order of preference.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Organisations this connection reaches.
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    /// The chosen organisation's tenant ID.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The Xero user who authorised it.
    #[serde(default)]
    pub authorised_by: Option<XeroUser>,
    /// When it was set up (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// The last Test Connection.
    #[serde(default)]
    pub last_test: Option<TestRecord>,
}

impl Connection {
    /// The chosen organisation, if any.
    pub fn organisation(&self) -> Option<&Organisation> {
        let id = self.tenant_id.as_deref()?;
        self.organisations.iter().find(|o| o.tenant_id == id)
    }

    /// True while no organisation is chosen for a connection that needs one (web and desktop
    /// apps reach every organisation the user ever connected; a custom connection has exactly
    /// one). Nothing is ever chosen for the user when several were authorised, or when the only
    /// one merely shares a vanished organisation's name: both front ends then ask.
    pub fn needs_organisation_choice(&self) -> bool {
        self.tenant_id.is_none() && self.app_type != AppType::Custom
    }

    /// What removing the connection does, for the confirmation both front ends ask for.
    pub fn removal_warning(&self) -> String {
        removal_warning(&self.organisations)
    }
}

/// Bytes of randomness in a connection ID; the ID is their lowercase hex (24 digits).
pub const ID_BYTES: usize = 12;

/// Whether `id` has the form this program gives connection IDs: [`ID_BYTES`] bytes as lowercase
/// hex. The ID names keychain entries and lock files, so a settings file holding anything else
/// (`../x`, a path separator, an empty string) is refused rather than used.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == ID_BYTES * 2 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What removing a connection that reaches `organisations` does, in two sentences: it cannot be
/// undone, and what happens at Xero and on this computer.
pub fn removal_warning(organisations: &[Organisation]) -> String {
    let names: Vec<&str> = organisations.iter().map(|o| o.name.as_str()).collect();
    let orgs = if names.is_empty() { "its organisation".to_string() } else { names.join(", ") };
    format!(
        "This disconnects {orgs} from your app at Xero and deletes the saved secret and tokens from this computer. \
         It cannot be undone: to use Xero again you will need to set up the connection again."
    )
}

/// An organisation (tenant) the connection reaches, from `GET /connections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// The tenant ID (the `xero-tenant-id` header).
    pub tenant_id: String,
    /// Its name as Xero shows it; several organisations may share one, the tenant ID tells them apart.
    pub name: String,
    /// `ORGANISATION`, `PRACTICE`…
    pub tenant_type: String,
    /// The connection ID (to disconnect it).
    pub connection_id: String,
}

/// A Test Connection result, kept for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRecord {
    /// When it ran (RFC 3339).
    pub at: String,
    /// True when Xero answered with the organisation.
    pub ok: bool,
    /// The organisation's name on success.
    #[serde(default)]
    pub organisation_name: Option<String>,
    /// The error code on failure.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The error sentence on failure.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl TestRecord {
    /// The result in words, as lists show it: "OK at 2026-11-22T14:25:00Z", or "Failed at …:"
    /// and the sentence of the failure.
    pub fn summary(&self) -> String {
        if self.ok {
            return format!("OK at {}", self.at);
        }
        let why = self.error_message.as_deref().or(self.error_code.as_deref()).unwrap_or("unknown error");
        format!("Failed at {}: {why}", self.at)
    }
}

/// Now, as RFC 3339 in UTC with seconds.
pub fn timestamp_now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
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
    fn names_are_checked() {
        assert!(check_name("Main shop-2").is_ok());
        for bad in ["", " x", "a/b", "-x", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_last_test_and_the_removal_read_the_same_everywhere() {
        let ok =
            TestRecord { at: "T".into(), ok: true, organisation_name: None, error_code: None, error_message: None };
        assert_eq!(ok.summary(), "OK at T");
        let failed = TestRecord { ok: false, error_code: Some("rate_limited".into()), ..ok.clone() };
        assert_eq!(failed.summary(), "Failed at T: rate_limited");
        let said = TestRecord { error_message: Some("Wait.".into()), ..failed };
        assert_eq!(said.summary(), "Failed at T: Wait.");
        assert!(removal_warning(&[]).contains("its organisation") && removal_warning(&[]).contains("cannot be undone"));
    }
}
