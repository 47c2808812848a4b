//! What every operation needs, gathered once: Xero's endpoints, the HTTP client, the keychain,
//! the settings file and the way to open a browser. Tests and practice mode build their own.

use crate::browser::Browser;
use crate::endpoints::Endpoints;
use crate::error::Result;
use crate::settings::SettingsFile;
use crate::vault::Vault;

/// The environment of the operations in [`crate::flows`].
#[derive(Debug, Clone)]
pub struct Context {
    /// Where Xero is.
    pub endpoints: Endpoints,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The keychain holding each connection's secrets (the OS keychain, or a test double).
    pub vault: Vault,
    /// The settings file holding the saved connections (never a secret).
    pub settings: SettingsFile,
    /// How to open URLs.
    pub browser: Browser,
}

impl Context {
    /// The real thing: `XERO_*_URL` overrides, the OS keychain, the user's config directory,
    /// `BROWSER` (or no browser at all).
    pub fn from_env(no_browser: bool) -> Result<Context> {
        Ok(Context {
            endpoints: Endpoints::from_env()?,
            http: crate::http::client(),
            vault: Vault::os(),
            settings: SettingsFile::default_location()?,
            browser: Browser::from_env(no_browser),
        })
    }
}
