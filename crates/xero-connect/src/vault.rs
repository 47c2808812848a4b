//! Secrets at rest: the client secret, refresh token and access token of each connection, in
//! the operating system's keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through the `keyring` crate — never in a file, never a plaintext fallback.
//!
//! [`SecretStore`] is the raw keychain (with an in-memory double for unit tests); [`Vault`] adds
//! the domain: one entry per connection holding all its [`Secrets`], split into parts small
//! enough for Windows' 2.5 KB limit, and a timeout on every keychain call.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The keychain "service" every entry is filed under.
pub const SERVICE: &str = "xero-connect";
/// Longest part stored in one entry, in UTF-16 code units: Windows Credential Manager allows
/// 2,560 bytes per blob and the keyring crate stores passwords there as UTF-16, so 1,280 units
/// at most; a margin is kept.
pub const WINDOWS_PART_UNITS: usize = 1200;
/// Elsewhere (Secret Service, macOS Keychain) there is no small limit; values are split only
/// beyond this, which a connection's secrets never reach.
pub const OTHER_PART_UNITS: usize = 64 * 1024;
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
         GNOME Keyring or KWallet, or on a server start GNOME Keyring unlocked inside a D-Bus session (the \
         README's troubleshooting section shows how)."
    } else if cfg!(target_os = "macos") {
        "Unlock the login keychain (Keychain Access) and try again."
    } else {
        "Check that Windows Credential Manager is available for this user and try again."
    };
    let error = match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            Error::keychain(format!("The operating system's keychain cannot be used. {how}"))
        }
        keyring::Error::TooLong(..) => return Error::keychain("A value was too long for the keychain."),
        _ => Error::keychain(format!("The keychain refused the request. {how}")),
    };
    if cfg!(target_os = "linux") {
        error.with_remedy(crate::error::Remedy::UnlockKeychain)
    } else {
        error
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

/// An access token with its expiry.
#[derive(Debug, Clone)]
pub struct StoredAccessToken {
    /// The token.
    pub token: Secret,
    /// Expiry, seconds since the Unix epoch.
    pub expires_at: u64,
}

/// Every secret of one connection, kept together in one keychain entry: one round trip to
/// read or write them all (each keychain call opens a D-Bus session on Linux), and a refresh
/// replaces the rotated refresh token and its access token in a single write.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// The app's client secret (web apps and custom connections).
    pub client_secret: Option<Secret>,
    /// The rotating refresh token (absent for custom connections).
    pub refresh_token: Option<Secret>,
    /// The current access token.
    pub access_token: Option<StoredAccessToken>,
}

#[derive(Serialize, Deserialize)]
struct Record {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access_token: Option<String>,
    #[serde(default)]
    expires_at: u64,
}

impl Secrets {
    fn to_record(&self) -> Secret {
        let record = Record {
            client_secret: self.client_secret.as_ref().map(|s| s.expose().to_string()),
            refresh_token: self.refresh_token.as_ref().map(|s| s.expose().to_string()),
            access_token: self.access_token.as_ref().map(|t| t.token.expose().to_string()),
            expires_at: self.access_token.as_ref().map_or(0, |t| t.expires_at),
        };
        Secret::new(serde_json::to_string(&record).expect("plain struct serialises"))
    }

    fn from_record(raw: &Secret) -> Option<Secrets> {
        let r: Record = serde_json::from_str(raw.expose()).ok()?;
        Some(Secrets {
            client_secret: r.client_secret.map(Secret::new),
            refresh_token: r.refresh_token.map(Secret::new),
            access_token: r.access_token.map(|t| StoredAccessToken { token: Secret::new(t), expires_at: r.expires_at }),
        })
    }
}

/// Marks an entry whose value was split: `\u{1}parts:N`, then entries `#1` … `#N`. The control
/// character cannot begin a real record.
const PARTS_MARK: &str = "\u{1}parts:";

/// The connection-level view of the keychain: one entry per connection, named by its ID.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    part_units: usize,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault")
    }
}

impl Vault {
    /// A vault over a keychain, splitting values as Windows needs (so doubles exercise it).
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Vault { store, part_units: WINDOWS_PART_UNITS }
    }

    /// The operating system's keychain.
    pub fn os() -> Self {
        let part_units = if cfg!(windows) { WINDOWS_PART_UNITS } else { OTHER_PART_UNITS };
        Vault { store: Arc::new(KeyringStore), part_units }
    }

    /// Fails early, before anything is sent to Xero, when the keychain cannot be used.
    pub async fn check_available(&self) -> Result<()> {
        let store = self.store.clone();
        blocking(move || store.get("availability-check").map(|_| ())).await
    }

    /// The secrets of a connection (empty when there are none, or the entry is unreadable).
    pub async fn load(&self, connection_id: &str) -> Result<Secrets> {
        let (store, account) = (self.store.clone(), connection_id.to_string());
        let raw = blocking(move || read_value(&*store, &account)).await?;
        Ok(raw.as_ref().and_then(Secrets::from_record).unwrap_or_default())
    }

    /// Replaces the secrets of a connection in one write (split into parts when long).
    pub async fn save(&self, connection_id: &str, secrets: &Secrets) -> Result<()> {
        let (store, account, value) = (self.store.clone(), connection_id.to_string(), secrets.to_record());
        let units = self.part_units;
        blocking(move || write_value(&*store, &account, &value, units)).await
    }

    /// Deletes the secrets of a connection.
    pub async fn delete(&self, connection_id: &str) -> Result<()> {
        let (store, account) = (self.store.clone(), connection_id.to_string());
        blocking(move || delete_value(&*store, &account)).await
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

fn write_value(store: &dyn SecretStore, account: &str, value: &Secret, part_units: usize) -> Result<()> {
    let text = value.expose();
    if text.encode_utf16().count() <= part_units {
        store.set(account, value)?;
        return cleanup_parts(store, account, 1);
    }
    let parts = split_units(text, part_units);
    let written = (|| {
        for (i, part) in parts.iter().enumerate() {
            store.set(&format!("{account}#{}", i + 1), &Secret::new(*part))?;
        }
        // The head is written last, so a reader never sees a count whose parts are not all there.
        store.set(account, &Secret::new(format!("{PARTS_MARK}{}", parts.len())))
    })();
    if let Err(e) = written {
        // Best effort: leave no orphaned parts behind a failed write.
        let _ = delete_value(store, account);
        return Err(e);
    }
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

/// Splits at character boundaries into parts of at most `max` UTF-16 code units.
fn split_units(s: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (i, c) in s.char_indices() {
        if units + c.len_utf16() > max {
            parts.push(&s[start..i]);
            (start, units) = (i, 0);
        }
        units += c.len_utf16();
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> (Arc<MemoryStore>, Vault) {
        let store = Arc::new(MemoryStore::default());
        (store.clone(), Vault::new(store))
    }

    fn secrets(access: &str) -> Secrets {
        Secrets {
            client_secret: Some(Secret::new("sec")),
            refresh_token: Some(Secret::new("rt")),
            access_token: Some(StoredAccessToken { token: Secret::new(access), expires_at: 99 }),
        }
    }

    #[tokio::test]
    async fn round_trips_in_one_entry() {
        let (store, v) = vault();
        v.save("c1", &secrets("at")).await.unwrap();
        assert_eq!(store.accounts(), vec!["c1".to_string()]);
        let s = v.load("c1").await.unwrap();
        assert_eq!(s.client_secret.unwrap().expose(), "sec");
        assert_eq!(s.refresh_token.unwrap().expose(), "rt");
        let at = s.access_token.unwrap();
        assert_eq!((at.token.expose(), at.expires_at), ("at", 99));
        assert!(v.load("c2").await.unwrap().client_secret.is_none());
    }

    #[tokio::test]
    async fn long_values_are_split_below_the_windows_limit_and_shrink_cleanly() {
        let (store, v) = vault();
        // Multi-byte and astral characters across part borders.
        let long = "é😀".repeat(1500);
        v.save("c1", &secrets(&long)).await.unwrap();
        assert!(store.accounts().len() > 2);
        for account in store.accounts() {
            let value = store.get(&account).unwrap().unwrap();
            assert!(value.expose().encode_utf16().count() * 2 <= 2560, "{account} over Windows' limit");
        }
        assert_eq!(v.load("c1").await.unwrap().access_token.unwrap().token.expose(), long);
        v.save("c1", &secrets("short")).await.unwrap();
        assert_eq!(store.accounts(), vec!["c1".to_string()]);
        assert_eq!(v.load("c1").await.unwrap().access_token.unwrap().token.expose(), "short");
    }

    #[tokio::test]
    async fn a_split_write_failing_half_way_leaves_nothing() {
        let (store, v) = vault();
        store.fail_after_writes(1);
        assert!(v.save("c1", &secrets(&"x".repeat(5000))).await.is_err());
        assert!(store.accounts().is_empty(), "{:?}", store.accounts());
    }

    #[tokio::test]
    async fn delete_removes_the_entry_and_its_parts_only() {
        let (store, v) = vault();
        v.save("c1", &secrets(&"x".repeat(5000))).await.unwrap();
        v.save("c2", &secrets("other")).await.unwrap();
        v.delete("c1").await.unwrap();
        assert_eq!(store.accounts(), vec!["c2".to_string()]);
    }

    #[tokio::test]
    async fn unavailable_keychain_is_a_clear_error() {
        let (store, v) = vault();
        store.set_unavailable(true);
        let err = v.check_available().await.unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::KeychainUnavailable);
    }
}
