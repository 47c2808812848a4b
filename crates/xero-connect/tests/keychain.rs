//! The keychain's availability check reads back what it wrote (issue 16): a keychain that
//! accepts writes and keeps nothing — a session with a stand-in store, no real keychain behind
//! it — is refused before anything is sent to Xero, and a working one is left as it was.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use xero_connect::{ErrorCode, Result, Secret, SecretStore, Vault};

/// A store that says yes to every write and, when `forgetful`, keeps nothing.
#[derive(Default)]
struct Store {
    forgetful: bool,
    entries: Mutex<HashMap<String, String>>,
}

impl SecretStore for Store {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self.entries.lock().unwrap().get(account).cloned().map(Secret::new))
    }
    fn set(&self, account: &str, value: &Secret) -> Result<()> {
        if !self.forgetful {
            self.entries.lock().unwrap().insert(account.into(), value.expose().into());
        }
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.entries.lock().unwrap().remove(account);
        Ok(())
    }
}

#[tokio::test]
async fn a_keychain_that_keeps_nothing_is_unavailable_and_a_real_one_is_left_clean() {
    let forgetful = Vault::new(Arc::new(Store { forgetful: true, ..Store::default() }));
    let err = forgetful.check_available().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(err.message().contains("did not give it back"), "{err}");

    let store = Arc::new(Store::default());
    Vault::new(store.clone()).check_available().await.unwrap();
    assert!(store.entries.lock().unwrap().is_empty(), "the probe is deleted");
}
