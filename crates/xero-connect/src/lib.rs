//! The connection engine of xero-connect: everything the setup wizard does, with no user
//! interface. The `xero-connect` command line and the desktop window both drive it.
//!
//! Start at [`flows`] for the operations (setup, reconnect, Test Connection, token,
//! disconnect) and at [`Context`] for what they need (endpoints, HTTP client, keychain,
//! settings file, browser). The window's state machine is [`wizard`]. The values every layer
//! shares (app type, redirect URI, connection name) are in [`domain`], the ground floor: it
//! depends on [`error`] alone. Each Xero API a connection can be made for is one entry in
//! [`apis`]: its scopes, Test Connection's read and how its answer is read.
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
//! use xero_connect::progress::Silent;
//! use xero_connect::domain::{AppType, RedirectUri, DEFAULT_REDIRECT_URI};
//! use xero_connect::apis::Api;
//! use xero_connect::scopes;
//! use xero_connect::Context;
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

mod answers;
pub mod apis;
pub mod browser;
pub mod clock;
pub mod connection;
pub mod context;
pub mod credentials;
pub mod doctor;
pub mod domain;
pub mod endpoints;
pub mod error;
pub mod flows;
pub(crate) mod http;
pub(crate) mod jwt;
pub(crate) mod loopback;
pub(crate) mod oauth;
pub mod paste;
pub(crate) mod peer;
pub mod plan;
pub mod probe;
pub mod profile;
pub mod progress;
pub mod registration;
pub mod scopes;
pub mod secret;
pub mod session;
pub mod settings;
pub mod tenants;
#[cfg(test)]
mod testing;
pub mod tls;
pub mod tokens;
pub mod vault;
pub mod wizard;

pub use connection::{Connection, Organisation};
pub use context::Context;
pub use domain::{AppType, RedirectUri, DEFAULT_REDIRECT_URI};
pub use error::{Error, ErrorCode, Remedy, Result};
pub use http::client as http_client;
pub use jwt::XeroUser;
pub use loopback::https_forced;
pub use secret::Secret;
