//! The connection engine of xero-connect: everything the setup wizard does, with no user
//! interface. The `xero-connect` command line and the desktop window both drive it.
//!
//! Start at [`flows`] for the operations (setup, reconnect, Test Connection, token,
//! disconnect) and at [`Context`] for what they need (endpoints, HTTP client, keychain,
//! settings file, browser). The window's state machine is [`wizard`]. Each Xero API a
//! connection can be made for is one entry in [`apis`]: its scopes, Test Connection's read and
//! how its answer is read.
//!
//! The public modules are the operations' namespaces; every type a front end names is here at
//! the root ([`AppType`], [`Endpoints`], [`Vault`], …). Inside, the values every layer shares
//! (app type, redirect URI, connection name) sit in the private `domain` module, the ground
//! floor, which depends on `error` alone.
//!
//! # Glossary
//!
//! - **Saved connection** ([`Connection`]): what this program keeps under a name the user chose
//!   — Client ID, app type, scopes, redirect URIs, organisations, the chosen one — in the
//!   settings file, with its secrets in the keychain. Not to be confused with:
//! - **Xero connection**: Xero's record that an app may reach one organisation for one user
//!   (`GET /connections`, `DELETE /connections/{id}`); one saved connection may hold several.
//! - **Organisation** and **tenant**: the same thing, a Xero organisation (a business's books).
//!   Xero's API says tenant (`tenantId`, the `xero-tenant-id` header); people and this
//!   program's messages say organisation.
//! - **authEventId**: the ID of one consent; filtering `GET /connections` by it lists only the
//!   organisations the user ticked that time (the access token carries it as
//!   `authentication_event_id`).
//! - **Rotation**: every refresh returns a new refresh token and retires the old one (after a
//!   30-minute grace), so the new one is stored before the new access token is used.
//! - **Consent**: Xero's "Allow access" page in the user's browser; its answer reaches the
//!   loopback listener on the redirect URI.
//!
//! # Example
//!
//! First setup of a web app, then Test Connection, against whatever the `XERO_*_URL`
//! variables name (Xero itself when none is set):
//!
//! ```no_run
//! use xero_connect::credentials;
//! use xero_connect::flows::{self, SetupRequest};
//! use xero_connect::apis::Api;
//! use xero_connect::scopes;
//! use xero_connect::{AppType, Context, RedirectUri, Silent, DEFAULT_REDIRECT_URI};
//!
//! # async fn run(pasted_client_id: &str, pasted_secret: &str) -> xero_connect::Result<()> {
//! let ctx = Context::from_env(false)?;
//! let request = SetupRequest {
//!     name: "shop".into(),
//!     app_type: AppType::Web,
//!     credentials: credentials::check(pasted_client_id, Some(pasted_secret)),
//!     scopes: scopes::for_apis(&[Api::DEFAULT]),
//!     redirect_uris: vec![RedirectUri::parse(DEFAULT_REDIRECT_URI)?],
//!     tenant: None,
//!     consent: Default::default(),
//!     profile: None,
//! };
//! let saved = flows::setup(&ctx, request, &Silent, std::future::pending()).await?;
//! let report = flows::test_connection(&ctx, &saved.connection.name, None, &Silent).await?;
//! println!("Connected to {}", report.organisation.name);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

// The operations, each a namespace its functions are called through (`flows::setup`,
// `scopes::for_apis`, `probe::choose`): a reader sees where a call goes.
pub mod apis;
pub mod credentials;
pub mod doctor;
pub mod flows;
pub mod paste;
pub mod plan;
pub mod probe;
pub mod profile;
pub mod scopes;
pub mod tenants;
pub mod wizard;

// Everything else is private; the names the front ends use are re-exported below, flat.
mod answers;
mod browser;
mod clock;
mod connection;
mod context;
mod domain;
mod endpoints;
mod error;
mod http;
mod jwt;
mod loopback;
mod oauth;
mod peer;
mod progress;
mod registration;
mod secret;
mod session;
mod settings;
#[cfg(test)]
mod testing;
mod tls;
mod tokens;
mod vault;

pub use browser::Browser;
pub use clock::ClockSkew;
pub use connection::{Connection, Organisation, TestRecord, Validity, ValidityState};
pub use context::Context;
pub use domain::{check_name, AppType, RedirectUri, DEFAULT_REDIRECT_URI};
pub use endpoints::Endpoints;
pub use error::{Error, ErrorCode, RateLimit, Remedy, Result};
pub use http::client as http_client;
pub use jwt::XeroUser;
pub use loopback::https_forced;
pub use progress::{Progress, Silent, Step};
pub use registration::{AppTypeChoice, RegistrationGuide};
pub use secret::Secret;
pub use session::Session;
pub use settings::{Settings, SettingsFile};
pub use tls::{Untrusted, UntrustedReason};
pub use vault::{KeyringStore, MemoryStore, SecretStore, Secrets, StoredAccessToken, Vault};
