//! Secrets at rest: the client secret, refresh token and access token of each connection, in
//! the operating system's keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through the `keyring` crate — never in a file, never a plaintext fallback.
//!
//! [`SecretStore`] is the raw keychain (with an in-memory double for unit tests); [`Vault`] adds
//! the domain: entry names per connection, values split into parts small enough for Windows'
//! 2.5 KB limit, a timeout on every keychain call, and clean-up when a write fails half-way.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The keychain "service" every entry is filed under.
pub const SERVICE: &str = "xero-connect";
/// Longest value stored in one entry; Windows Credential Manager allows 2,560 bytes per blob.
pub const MAX_ENTRY_BYTES: usize = 2000;
/// How long one keychain call may take before it counts as unavailable (a locked keyring can
/// otherwise wait forever on an invisible unlock prompt).
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// A keychain: named string entries.
pub trait SecretStore: Send + Sync {
    /// Reads an entry; `Ok(None)` when it does not exist.
    fn get(&self, account: &str) -> Result<Option<Secret>>;
    /// Creates or replaces an entry.
    fn set(&self, account: &str, value: &Secret) -> Result<()>;
    /// Deletes an entry; deleting a missing entry is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}

/// The operating system's keychain.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl KeyringStore {
    fn call<T: Send + 'static>(
        account: &str,
        op: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let account = account.to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        // A thread per call, because the platform call itself cannot be cancelled; on timeout
        // it is abandoned and the error says what to check.
        std::thread::spawn(move || {
            let r = keyring::Entry::new(SERVICE, &account).and_then(op);
            let _ = tx.send(r);
        });
        match rx.recv_timeout(KEYCHAIN_TIMEOUT) {
            Ok(r) => r.map_err(keyring_error),
            Err(_) => Err(Error::keychain(format!(
                "The keychain did not answer within {} seconds; it may be locked and waiting for a password: \
                 unlock it (or start it) and try again.",
                KEYCHAIN_TIMEOUT.as_secs()
            ))),
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        Self::call(account, |e| match e.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, account: &str, value: &Secret) -> Result<()> {
        let value = value.clone();
        Self::call(account, move |e| e.set_password(value.expose()))
    }

    fn delete(&self, account: &str) -> Result<()> {
        Self::call(account, |e| match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn keyring_error(e: keyring::Error) -> Error {
    // The platform's own text is not shown: it could in principle echo attribute values.
    let how = if cfg!(target_os = "linux") {
        "On Linux a Secret Service keychain must be running and unlocked: log in to a desktop session with \
         GNOME Keyring or KWallet, or on a server run the command inside `dbus-run-session` after \
         `gnome-keyring-daemon --unlock`."
    } else if cfg!(target_os = "macos") {
        "Unlock the login keychain (Keychain Access) and try again."
    } else {
        "Check that Windows Credential Manager is available for this user and try again."
    };
    match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            Error::keychain(format!("The operating system's keychain cannot be used. {how}"))
        }
        keyring::Error::TooLong(..) => Error::keychain("A value was too long for the keychain."),
        _ => Error::keychain(format!("The keychain refused the request. {how}")),
    }
}

/// An in-memory keychain for unit tests; it can be told to fail like a missing keyring daemon.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
    unavailable: AtomicBool,
    writes: std::sync::atomic::AtomicUsize,
    fail_after_writes: Mutex<Option<usize>>,
}

impl MemoryStore {
    /// Makes every call fail as if no keychain were running.
    pub fn set_unavailable(&self, yes: bool) {
        self.unavailable.store(yes, Ordering::SeqCst);
    }
    /// Makes writes fail once `n` more writes have succeeded (to test half-written states).
    pub fn fail_after_writes(&self, n: usize) {
        *self.fail_after_writes.lock().unwrap() = Some(self.writes.load(Ordering::SeqCst) + n);
    }
    /// Names of the entries present.
    pub fn accounts(&self) -> Vec<String> {
        let mut v: Vec<String> = self.entries.lock().unwrap().keys().cloned().collect();
        v.sort();
        v
    }
    fn check(&self) -> Result<()> {
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(Error::keychain("The operating system's keychain cannot be used (test double)."));
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(account).cloned().map(Secret::new))
    }
    fn set(&self, account: &str, value: &Secret) -> Result<()> {
        self.check()?;
        let limit = *self.fail_after_writes.lock().unwrap();
        if limit.is_some_and(|l| self.writes.load(Ordering::SeqCst) >= l) {
            return Err(Error::keychain("The keychain refused the write (test double)."));
        }
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.entries.lock().unwrap().insert(account.to_string(), value.expose().to_string());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.check()?;
        self.entries.lock().unwrap().remove(account);
        Ok(())
    }
}

/// Which secret of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The app's client secret.
    ClientSecret,
    /// The (rotating) refresh token.
    RefreshToken,
    /// The access token with its expiry.
    AccessToken,
}

impl Slot {
    const ALL: [Slot; 3] = [Slot::ClientSecret, Slot::RefreshToken, Slot::AccessToken];
    fn name(self) -> &'static str {
        match self {
            Slot::ClientSecret => "client_secret",
            Slot::RefreshToken => "refresh_token",
            Slot::AccessToken => "access_token",
        }
    }
}

/// An access token as kept in the keychain.
#[derive(Debug, Clone)]
pub struct StoredAccessToken {
    /// The token.
    pub token: Secret,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at: u64,
}

#[derive(Serialize, Deserialize)]
struct AccessRecord {
    token: String,
    expires_at: u64,
}

/// Marks an entry whose value was split: `\u{1}parts:N`, then entries `#1` … `#N`. The control
/// character cannot begin a real secret or token.
const PARTS_MARK: &str = "\u{1}parts:";

/// The connection-level view of the keychain.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault")
    }
}

impl Vault {
    /// A vault over a keychain.
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Vault { store }
    }

    /// The operating system's keychain.
    pub fn os() -> Self {
        Vault::new(Arc::new(KeyringStore))
    }

    fn account(connection_id: &str, slot: Slot) -> String {
        format!("{connection_id}/{}", slot.name())
    }

    /// Fails early, before anything is sent to Xero, when the keychain cannot be used.
    pub async fn check_available(&self) -> Result<()> {
        let store = self.store.clone();
        blocking(move || store.get("availability-check").map(|_| ())).await
    }

    /// Reads one secret.
    pub async fn get(&self, connection_id: &str, slot: Slot) -> Result<Option<Secret>> {
        let (store, account) = (self.store.clone(), Self::account(connection_id, slot));
        blocking(move || read_value(&*store, &account)).await
    }

    /// Writes one secret (split into parts when long).
    pub async fn set(&self, connection_id: &str, slot: Slot, value: &Secret) -> Result<()> {
        let (store, account, value) = (self.store.clone(), Self::account(connection_id, slot), value.clone());
        blocking(move || write_value(&*store, &account, &value)).await
    }

    /// The stored access token, if any.
    pub async fn access_token(&self, connection_id: &str) -> Result<Option<StoredAccessToken>> {
        let Some(raw) = self.get(connection_id, Slot::AccessToken).await? else { return Ok(None) };
        // An unreadable record is treated as absent: it will simply be refreshed.
        Ok(serde_json::from_str::<AccessRecord>(raw.expose())
            .ok()
            .map(|r| StoredAccessToken { token: Secret::new(r.token), expires_at: r.expires_at }))
    }

    /// Stores an access token with its expiry.
    pub async fn set_access_token(&self, connection_id: &str, token: &Secret, expires_at: u64) -> Result<()> {
        let record = AccessRecord { token: token.expose().to_string(), expires_at };
        let json = Secret::new(serde_json::to_string(&record).expect("plain struct serialises"));
        self.set(connection_id, Slot::AccessToken, &json).await
    }

    /// Deletes every secret of a connection.
    pub async fn delete_all(&self, connection_id: &str) -> Result<()> {
        for slot in Slot::ALL {
            let (store, account) = (self.store.clone(), Self::account(connection_id, slot));
            blocking(move || delete_value(&*store, &account)).await?;
        }
        Ok(())
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| Err(Error::keychain("The keychain call failed.")))
}

fn read_value(store: &dyn SecretStore, account: &str) -> Result<Option<Secret>> {
    let Some(head) = store.get(account)? else { return Ok(None) };
    let Some(n) = head.expose().strip_prefix(PARTS_MARK).and_then(|n| n.parse::<usize>().ok()) else {
        return Ok(Some(head));
    };
    let mut value = String::new();
    for i in 1..=n {
        match store.get(&format!("{account}#{i}"))? {
            Some(part) => value.push_str(part.expose()),
            // A part went missing (interrupted write): as good as absent.
            None => return Ok(None),
        }
    }
    Ok(Some(Secret::new(value)))
}

fn write_value(store: &dyn SecretStore, account: &str, value: &Secret) -> Result<()> {
    let text = value.expose();
    if text.len() <= MAX_ENTRY_BYTES {
        store.set(account, value)?;
        return cleanup_parts(store, account, 1);
    }
    let parts = split_utf8(text, MAX_ENTRY_BYTES);
    for (i, part) in parts.iter().enumerate() {
        store.set(&format!("{account}#{}", i + 1), &Secret::new(*part))?;
    }
    // The head is written last, so a reader never sees a count whose parts are not all there.
    store.set(account, &Secret::new(format!("{PARTS_MARK}{}", parts.len())))?;
    cleanup_parts(store, account, parts.len() + 1)
}

/// Removes parts left over from a longer earlier value, from `from` upwards.
fn cleanup_parts(store: &dyn SecretStore, account: &str, from: usize) -> Result<()> {
    let mut i = from;
    while store.get(&format!("{account}#{i}"))?.is_some() {
        store.delete(&format!("{account}#{i}"))?;
        i += 1;
    }
    Ok(())
}

fn delete_value(store: &dyn SecretStore, account: &str) -> Result<()> {
    store.delete(account)?;
    cleanup_parts(store, account, 1)
}

fn split_utf8(s: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut cut = rest.len().min(max);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        parts.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> (Arc<MemoryStore>, Vault) {
        let store = Arc::new(MemoryStore::default());
        (store.clone(), Vault::new(store))
    }

    #[tokio::test]
    async fn round_trips_each_slot() {
        let (_, v) = vault();
        v.set("c1", Slot::ClientSecret, &Secret::new("sec")).await.unwrap();
        v.set_access_token("c1", &Secret::new("at"), 99).await.unwrap();
        assert_eq!(v.get("c1", Slot::ClientSecret).await.unwrap().unwrap().expose(), "sec");
        let at = v.access_token("c1").await.unwrap().unwrap();
        assert_eq!((at.token.expose(), at.expires_at), ("at", 99));
        assert!(v.get("c2", Slot::ClientSecret).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn long_values_are_split_below_the_windows_limit_and_shrink_cleanly() {
        let (store, v) = vault();
        let long = "é".repeat(3000); // 6,000 bytes, multi-byte characters across part borders
        v.set("c1", Slot::AccessToken, &Secret::new(long.clone())).await.unwrap();
        for account in store.accounts() {
            let value = store.get(&account).unwrap().unwrap();
            assert!(value.expose().len() <= MAX_ENTRY_BYTES, "{account}");
        }
        assert_eq!(v.get("c1", Slot::AccessToken).await.unwrap().unwrap().expose(), long);
        v.set("c1", Slot::AccessToken, &Secret::new("short")).await.unwrap();
        assert_eq!(store.accounts(), vec!["c1/access_token".to_string()]);
        assert_eq!(v.get("c1", Slot::AccessToken).await.unwrap().unwrap().expose(), "short");
    }

    #[tokio::test]
    async fn delete_all_removes_every_entry_and_part() {
        let (store, v) = vault();
        v.set("c1", Slot::RefreshToken, &Secret::new("x".repeat(5000))).await.unwrap();
        v.set("c1", Slot::ClientSecret, &Secret::new("s")).await.unwrap();
        v.set("c2", Slot::ClientSecret, &Secret::new("other")).await.unwrap();
        v.delete_all("c1").await.unwrap();
        assert_eq!(store.accounts(), vec!["c2/client_secret".to_string()]);
    }

    #[tokio::test]
    async fn unavailable_keychain_is_a_clear_error() {
        let (store, v) = vault();
        store.set_unavailable(true);
        let err = v.check_available().await.unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::KeychainUnavailable);
    }
}
