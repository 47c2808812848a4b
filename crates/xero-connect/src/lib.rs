//! The connection engine of xero-connect: everything the setup wizard does, with no user
//! interface. The `xero-connect` command line and the desktop window both drive it.
//!
//! Start at [`flows`] for the operations (setup, reconnect, test, token, remove) and at
//! [`Context`] for what they need (endpoints, HTTP client, keychain, settings file, browser).
#![deny(missing_docs)]

pub mod browser;
pub mod context;
pub mod credentials;
pub mod endpoints;
pub mod error;
pub mod flows;
pub mod http;
pub mod jwt;
pub mod loopback;
pub mod oauth;
pub mod probe;
pub mod progress;
pub mod registration;
pub mod registry;
pub mod scopes;
pub mod secret;
pub mod tenants;
pub mod tokens;
pub mod vault;
pub mod wizard;

pub use context::Context;
pub use error::{Error, ErrorCode, Result};
pub use secret::Secret;
