//! Test tool: prints one raw entry of the `xero-connect` service from the operating system's
//! keychain, as `secret-tool lookup service xero-connect username ACCOUNT` does on Linux. The
//! Windows end-to-end tests (tests/support/windows.rs) use it to look into Wine's Credential
//! Manager from a separate process. It prints secrets: it is for test keychains only.
//!
//! Usage: `keychain_entry ACCOUNT` — exit 0 with the value on stdout, 1 when there is none, 2
//! when the keychain cannot be read.

use xero_connect::{KeyringStore, SecretStore};

fn main() {
    let Some(account) = std::env::args().nth(1) else {
        eprintln!("usage: keychain_entry ACCOUNT");
        std::process::exit(2);
    };
    match KeyringStore.get(&account) {
        Ok(Some(value)) => print!("{}", value.expose()),
        Ok(None) => std::process::exit(1),
        Err(e) => {
            eprintln!("keychain_entry: {e}");
            std::process::exit(2);
        }
    }
}
