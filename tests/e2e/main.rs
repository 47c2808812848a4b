//! End-to-end tests: the built `xero-connect` binary against the local Xero simulator, with
//! the scripted browser doing the consent and a real gnome-keyring in a private D-Bus session.
//! One test binary, themed modules (see `support` for the environment each test gets).

mod contract;
mod expiry;
mod injection;
mod offices;
mod overrides;
mod paste;
mod probe;
mod profiles;
mod reconnect;
mod remove;
mod secrets;
mod setup;
mod supply_chain;
mod terminal;
mod tokens;
mod usage;
mod wizard;
