//! End-to-end tests: the built `xero-connect` binary against the local Xero simulator, with
//! the scripted browser doing the consent and a real gnome-keyring in a private D-Bus session.
//! One test binary, themed modules (see `support` for the environment each test gets).

#[path = "e2e/contract.rs"]
mod contract;
#[path = "e2e/expiry.rs"]
mod expiry;
#[path = "e2e/injection.rs"]
mod injection;
#[path = "e2e/offices.rs"]
mod offices;
#[path = "e2e/overrides.rs"]
mod overrides;
#[path = "e2e/paste.rs"]
mod paste;
#[path = "e2e/probe.rs"]
mod probe;
#[path = "e2e/profiles.rs"]
mod profiles;
#[path = "e2e/reconnect.rs"]
mod reconnect;
#[path = "e2e/remove.rs"]
mod remove;
#[path = "e2e/secrets.rs"]
mod secrets;
#[path = "e2e/setup.rs"]
mod setup;
#[path = "e2e/supply_chain.rs"]
mod supply_chain;
#[path = "e2e/terminal.rs"]
mod terminal;
#[path = "e2e/tokens.rs"]
mod tokens;
#[path = "e2e/usage.rs"]
mod usage;
#[path = "e2e/wizard.rs"]
mod wizard;
