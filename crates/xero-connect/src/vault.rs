//! Secrets at rest: the client secret, refresh token and access token of each connection, in
//! the operating system's keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) through the `keyring` crate — never in a file, never a plaintext fallback.
//!
//! [`SecretStore`] is the raw keychain (with an in-memory double for unit tests); [`Vault`] adds
//! the domain: one entry per connection holding all its [`Secrets`], split into parts small
//! enough for Windows' 2.5 KB limit, one deadline per operation, and the operations on one
//! connection run one after another, so a late write can never land over a newer one.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The keychain "service" every entry is filed under.
pub const SERVICE: &str = "xero-connect";
/// Longest part stored in one entry, in UTF-16 code units: Windows Credential Manager allows
/// 2,560 bytes per blob and the keyring crate stores passwords there as UTF-16, so 1,280 units
/// at most; a margin is kept.
pub const WINDOWS_PART_UNITS: usize = 1200;
/// Elsewhere (Secret Service, macOS Keychain) there is no small limit; values are split only
/// beyond this, which a connection's secrets never reach.
pub const OTHER_PART_UNITS: usize = 64 * 1024;
/// How long one vault operation (every keychain call of a load, save, delete or availability
/// check, a split value's parts included) may take before it counts as unavailable: a locked
/// keyring can otherwise wait forever on an invisible unlock prompt.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// The entry the availability check writes and deletes; never a connection ID (those are hex,
/// see `connection::is_valid_id`).
const PROBE_ACCOUNT: &str = "availability-check";

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
    // Blocking: the vault runs every operation on its own thread under one deadline.
    fn call<T>(account: &str, op: impl FnOnce(keyring::Entry) -> keyring::Result<T>) -> Result<T> {
        keyring::Entry::new(SERVICE, account).and_then(op).map_err(keyring_error)
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
        Self::call(account, |e| e.set_password(value.expose()))
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
    if let keyring::Error::TooLong(..) = e {
        return Error::keychain("A value was too long for the keychain.");
    }
    // Windows' ERROR_NO_SUCH_LOGON_SESSION (1312, keyring's NoStorageAccess there) comes from a
    // session without Credential Manager; the session's kind says which, and what works.
    let session = crate::session::Session::detect();
    let error = Error::keychain(session.keychain_unavailable());
    if cfg!(target_os = "linux") {
        error.with_remedy(crate::error::Remedy::UnlockKeychain)
    } else {
        error
    }
}

/// An in-memory keychain for unit tests; it can be told to fail like a missing keyring daemon,
/// to refuse writes while answering reads, to be slow, or to hold writes until released (like a
/// locked keyring waiting on an unlock prompt).
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
    unavailable: AtomicBool,
    read_only: AtomicBool,
    writes: std::sync::atomic::AtomicUsize,
    fail_after_writes: Mutex<Option<usize>>,
    delay: Mutex<Duration>,
    held: (Mutex<Gate>, Condvar),
}

#[derive(Debug, Default)]
struct Gate {
    armed: bool,
    open: bool,
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
    /// Makes writes and deletes fail while reads still answer.
    pub fn set_read_only(&self, yes: bool) {
        self.read_only.store(yes, Ordering::SeqCst);
    }
    /// Makes every call take this long.
    pub fn set_delay(&self, delay: Duration) {
        *self.delay.lock().unwrap() = delay;
    }
    /// Holds the next write until [`MemoryStore::release_write`]; later writes go through.
    pub fn hold_next_write(&self) {
        *self.held.0.lock().unwrap() = Gate { armed: true, open: false };
    }
    /// Lets a held write go on.
    pub fn release_write(&self) {
        self.held.0.lock().unwrap().open = true;
        self.held.1.notify_all();
    }
    /// Names of the entries present.
    pub fn accounts(&self) -> Vec<String> {
        let mut v: Vec<String> = self.entries.lock().unwrap().keys().cloned().collect();
        v.sort();
        v
    }
    fn check(&self) -> Result<()> {
        std::thread::sleep(*self.delay.lock().unwrap());
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(Error::keychain("The operating system's keychain cannot be used (test double)."));
        }
        Ok(())
    }
    fn check_write(&self) -> Result<()> {
        self.check()?;
        let mut gate = self.held.0.lock().unwrap();
        if std::mem::take(&mut gate.armed) {
            drop(self.held.1.wait_while(gate, |g| !g.open).unwrap());
        }
        if self.read_only.load(Ordering::SeqCst) {
            return Err(Error::keychain("The keychain refused the write (test double)."));
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
        self.check_write()?;
        let limit = *self.fail_after_writes.lock().unwrap();
        if limit.is_some_and(|l| self.writes.load(Ordering::SeqCst) >= l) {
            return Err(Error::keychain("The keychain refused the write (test double)."));
        }
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.entries.lock().unwrap().insert(account.to_string(), value.expose().to_string());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.check_write()?;
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

// The record holds every secret of a connection as plain text while it is (de)serialised.
impl Drop for Record {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.client_secret.zeroize();
        self.refresh_token.zeroize();
        self.access_token.zeroize();
    }
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
        let mut r: Record = serde_json::from_str(raw.expose()).ok()?;
        Some(Secrets {
            client_secret: r.client_secret.take().map(Secret::new),
            refresh_token: r.refresh_token.take().map(Secret::new),
            access_token: r
                .access_token
                .take()
                .map(|t| StoredAccessToken { token: Secret::new(t), expires_at: r.expires_at }),
        })
    }
}

/// Marks an entry whose value was split: `\u{1}parts:S:N`, then entries `#S1` … `#SN`, where
/// the slot `S` is `a` or `b`. A new split value goes into the slot the old one does not use, so
/// the old parts stay whole until the head names the new ones. The control character cannot
/// begin a real record (JSON).
const PARTS_MARK: &str = "\u{1}parts:";

/// Where a split value's parts are: the slot and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    slot: char,
    count: usize,
}

impl Parts {
    /// Reads a head entry: `None` when the value is stored whole.
    fn of_head(head: &Secret) -> Option<Parts> {
        let (slot, count) = head.expose().strip_prefix(PARTS_MARK)?.split_once(':')?;
        let slot = match slot {
            "a" => 'a',
            "b" => 'b',
            _ => return None,
        };
        Some(Parts { slot, count: count.parse().ok()? })
    }

    fn head(&self) -> Secret {
        Secret::new(format!("{PARTS_MARK}{}:{}", self.slot, self.count))
    }

    /// The entry of part `i` (from 1).
    fn account(account: &str, slot: char, i: usize) -> String {
        format!("{account}#{slot}{i}")
    }
}

/// The connection-level view of the keychain: one entry per connection, named by its ID.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    part_units: usize,
    deadline: Duration,
    /// One lock per account: an operation holds it for all its keychain calls.
    turns: Arc<Mutex<HashMap<String, Arc<Mutex<()>>>>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault")
    }
}

impl Vault {
    /// A vault over a keychain, splitting values as Windows needs (so doubles exercise it).
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Vault { store, part_units: WINDOWS_PART_UNITS, deadline: KEYCHAIN_TIMEOUT, turns: Arc::default() }
    }

    /// The operating system's keychain.
    pub fn os() -> Self {
        let part_units = if cfg!(windows) { WINDOWS_PART_UNITS } else { OTHER_PART_UNITS };
        Vault { part_units, ..Vault::new(Arc::new(KeyringStore)) }
    }

    /// The same vault with another per-operation deadline (tests use a short one).
    pub fn with_deadline(self, deadline: Duration) -> Self {
        Vault { deadline, ..self }
    }

    /// Fails early, before anything is sent to Xero or the browser opens, when the keychain
    /// cannot be used: it writes a fresh random probe entry, reads it back and deletes it,
    /// because a keychain that answers reads but prompts on (or refuses) writes, or one that
    /// accepts writes and keeps nothing (a session without a real keychain behind it), would
    /// otherwise only fail after consent, when the fresh tokens can no longer be kept.
    /// Errors: `keychain_unavailable`.
    pub async fn check_available(&self) -> Result<()> {
        let written = Secret::new(format!("probe-{:016x}", rand::random::<u64>()));
        self.run(PROBE_ACCOUNT, move |store, deadline| {
            store.get(PROBE_ACCOUNT)?;
            deadline.check()?;
            store.set(PROBE_ACCOUNT, &written)?;
            deadline.check()?;
            let read = store.get(PROBE_ACCOUNT)?;
            deadline.check()?;
            store.delete(PROBE_ACCOUNT)?;
            match read {
                Some(r) if r.same_as(&written) => Ok(()),
                _ => Err(Error::keychain(
                    "The keychain accepted a value but did not give it back, so it would lose the connection's \
                     secrets: it is not a usable keychain in this session. Run this program in your desktop \
                     session instead.",
                )),
            }
        })
        .await
    }

    /// The secrets of a connection (empty when there are none, or the entry is unreadable).
    pub async fn load(&self, connection_id: &str) -> Result<Secrets> {
        let account = connection_id.to_string();
        let raw = self.run(connection_id, move |store, deadline| read_value(store, &account, deadline)).await?;
        Ok(raw.as_ref().and_then(Secrets::from_record).unwrap_or_default())
    }

    /// Replaces the secrets of a connection in one write (split into parts when long).
    pub async fn save(&self, connection_id: &str, secrets: &Secrets) -> Result<()> {
        let (account, value, units) = (connection_id.to_string(), secrets.to_record(), self.part_units);
        self.run(connection_id, move |store, deadline| write_value(store, &account, &value, units, deadline)).await
    }

    /// Deletes the secrets of a connection.
    pub async fn delete(&self, connection_id: &str) -> Result<()> {
        let account = connection_id.to_string();
        self.run(connection_id, move |store, _| delete_value(store, &account)).await
    }

    /// Runs one operation on `account` on its own thread, after the account's earlier
    /// operations, within one deadline. The platform call itself cannot be cancelled, so on
    /// timeout the thread is abandoned; an operation still waiting for its turn then never
    /// starts, and a split write stops before its next part, so a write the caller gave up on
    /// can only land before any newer one on the same account (they wait for the turn).
    async fn run<T: Send + 'static>(
        &self,
        account: &str,
        op: impl FnOnce(&dyn SecretStore, &Deadline) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let deadline = Deadline(Instant::now() + self.deadline, self.deadline);
        let turn =
            self.turns.lock().unwrap_or_else(PoisonError::into_inner).entry(account.to_string()).or_default().clone();
        let store = self.store.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        // A thread, not `spawn_blocking`: an abandoned call must not hold up the runtime's shutdown.
        std::thread::spawn(move || {
            let _turn = turn.lock().unwrap_or_else(PoisonError::into_inner);
            if tx.is_closed() || deadline.check().is_err() {
                return;
            }
            let _ = tx.send(op(&*store, &deadline));
        });
        match tokio::time::timeout_at(deadline.0.into(), rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(Error::keychain("The keychain call failed.")),
            Err(_) => Err(deadline.error()),
        }
    }
}

/// When an operation must have finished, and how long it had.
#[derive(Clone, Copy)]
struct Deadline(Instant, Duration);

impl Deadline {
    fn check(&self) -> Result<()> {
        if Instant::now() >= self.0 {
            return Err(self.error());
        }
        Ok(())
    }
    fn error(&self) -> Error {
        Error::keychain(format!(
            "The keychain did not answer within {} seconds; it may be locked and waiting for a password: \
             unlock it (or start it) and try again.",
            self.1.as_secs().max(1)
        ))
    }
}

fn read_value(store: &dyn SecretStore, account: &str, deadline: &Deadline) -> Result<Option<Secret>> {
    let mut head = store.get(account)?;
    loop {
        let Some(current) = &head else { return Ok(None) };
        let Some(parts) = Parts::of_head(current) else { return Ok(head) };
        let read = read_parts(store, account, parts, deadline);
        if matches!(read, Ok(Some(_))) {
            return read;
        }
        // Another process may have switched the head to the other slot and deleted these parts
        // while they were read (a refresh in another `token`): the head then says so, and its
        // new parts were all written before it. The same head means they really are gone.
        deadline.check()?;
        let now = store.get(account)?;
        if now.as_ref().map(Secret::expose) == Some(current.expose()) {
            return read;
        }
        head = now;
    }
}

/// The parts a head names, joined; `None` when one is missing (deleted by hand, or by a
/// concurrent write).
fn read_parts(store: &dyn SecretStore, account: &str, parts: Parts, deadline: &Deadline) -> Result<Option<Secret>> {
    let mut value = String::new();
    for i in 1..=parts.count {
        deadline.check()?;
        match store.get(&Parts::account(account, parts.slot, i))? {
            Some(part) => value.push_str(part.expose()),
            None => return Ok(None),
        }
    }
    Ok(Some(Secret::new(value)))
}

/// Replaces the value of `account` so that a failure at any step leaves the previous value
/// readable (above all the client secret, which cannot be fetched from Xero again): a split
/// value's parts are written into the slot the old value does not use, then the head is
/// switched to them in one write, and only then are the old parts deleted. A failure before the
/// switch removes the new parts again (best effort) and leaves the old value as it was.
fn write_value(
    store: &dyn SecretStore,
    account: &str,
    value: &Secret,
    part_units: usize,
    deadline: &Deadline,
) -> Result<()> {
    let old = store.get(account)?.as_ref().and_then(Parts::of_head);
    let text = value.expose();
    if text.encode_utf16().count() <= part_units {
        deadline.check()?;
        store.set(account, value)?;
    } else {
        let slot = if old.is_some_and(|o| o.slot == 'a') { 'b' } else { 'a' };
        let pieces = split_units(text, part_units);
        let new = Parts { slot, count: pieces.len() };
        let mut written = 0;
        let switched = (|| {
            for (i, piece) in pieces.iter().enumerate() {
                deadline.check()?;
                store.set(&Parts::account(account, slot, i + 1), &Secret::new(*piece))?;
                written = i + 1;
            }
            // Parts an interrupted earlier write left in this slot beyond the new count.
            delete_leftover_parts(store, account, slot, new.count + 1)?;
            deadline.check()?;
            store.set(account, &new.head())
        })();
        if let Err(e) = switched {
            let _ = delete_parts(store, account, slot, 1, written);
            return Err(e);
        }
    }
    // The new value is in place: old parts left behind by a failure here are overwritten or
    // removed by the next split write, which uses their slot.
    if let Some(o) = old {
        let _ = delete_parts(store, account, o.slot, 1, o.count);
    }
    Ok(())
}

/// Deletes parts `first..=last` of a slot.
fn delete_parts(store: &dyn SecretStore, account: &str, slot: char, first: usize, last: usize) -> Result<()> {
    (first..=last).try_for_each(|i| store.delete(&Parts::account(account, slot, i)))
}

/// Deletes the parts of a slot from `from` upwards for as long as they exist.
fn delete_leftover_parts(store: &dyn SecretStore, account: &str, slot: char, from: usize) -> Result<()> {
    let mut i = from;
    while store.get(&Parts::account(account, slot, i))?.is_some() {
        store.delete(&Parts::account(account, slot, i))?;
        i += 1;
    }
    Ok(())
}

fn delete_value(store: &dyn SecretStore, account: &str) -> Result<()> {
    let old = store.get(account)?.as_ref().and_then(Parts::of_head);
    store.delete(account)?;
    match old {
        Some(o) => delete_parts(store, account, o.slot, 1, o.count),
        None => Ok(()),
    }
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

    fn access_token(v: &Secrets) -> String {
        v.access_token.as_ref().unwrap().token.expose().to_string()
    }

    #[tokio::test]
    async fn a_split_write_failing_at_any_step_keeps_the_previous_value_whole() {
        let old_long = "o".repeat(5000);
        // The record of a 5,000-character token takes five parts and a head: six writes.
        for fail_after in 0..6 {
            for previous in [old_long.as_str(), "short"] {
                let (store, v) = vault();
                v.save("c1", &secrets(previous)).await.unwrap();
                let before = store.accounts();
                store.fail_after_writes(fail_after);
                assert!(v.save("c1", &secrets(&"n".repeat(5000))).await.is_err(), "failing after {fail_after}");
                let kept = v.load("c1").await.unwrap();
                assert_eq!(access_token(&kept), previous, "failing after {fail_after} writes");
                assert_eq!(kept.client_secret.unwrap().expose(), "sec");
                assert_eq!(store.accounts(), before, "the new parts are removed again");
            }
        }
    }

    #[tokio::test]
    async fn split_values_alternate_slots_and_leave_no_parts_behind() {
        let (store, v) = vault();
        v.save("c1", &secrets(&"a".repeat(5000))).await.unwrap();
        assert!(store.accounts().iter().all(|a| a == "c1" || a.starts_with("c1#a")), "{:?}", store.accounts());
        v.save("c1", &secrets(&"b".repeat(3000))).await.unwrap();
        assert!(store.accounts().iter().all(|a| a == "c1" || a.starts_with("c1#b")), "{:?}", store.accounts());
        v.save("c1", &secrets(&"c".repeat(4000))).await.unwrap();
        assert!(store.accounts().iter().all(|a| a == "c1" || a.starts_with("c1#a")), "{:?}", store.accounts());
        assert_eq!(access_token(&v.load("c1").await.unwrap()), "c".repeat(4000));
    }

    /// A keychain where another process replaces the value (a refresh in another `token`)
    /// between a reader's read of the head and of its first part.
    struct WriterBetweenReads {
        inner: MemoryStore,
        pending: Mutex<Option<Secret>>,
    }
    impl SecretStore for WriterBetweenReads {
        fn get(&self, account: &str) -> Result<Option<Secret>> {
            if account.contains('#') {
                if let Some(newer) = self.pending.lock().unwrap().take() {
                    let deadline = Deadline(Instant::now() + KEYCHAIN_TIMEOUT, KEYCHAIN_TIMEOUT);
                    write_value(&self.inner, "c1", &newer, WINDOWS_PART_UNITS, &deadline)?;
                }
            }
            self.inner.get(account)
        }
        fn set(&self, account: &str, value: &Secret) -> Result<()> {
            self.inner.set(account, value)
        }
        fn delete(&self, account: &str) -> Result<()> {
            self.inner.delete(account)
        }
    }

    #[tokio::test]
    async fn a_read_racing_a_split_write_gets_the_new_value_whole() {
        let store = Arc::new(WriterBetweenReads { inner: MemoryStore::default(), pending: Mutex::new(None) });
        let v = Vault::new(store.clone());
        v.save("c1", &secrets(&"o".repeat(5000))).await.unwrap();
        *store.pending.lock().unwrap() = Some(secrets(&"n".repeat(5000)).to_record());
        assert_eq!(access_token(&v.load("c1").await.unwrap()), "n".repeat(5000));
        assert!(store.pending.lock().unwrap().is_none(), "the write happened during the read");
    }

    #[tokio::test]
    async fn parts_an_interrupted_write_left_in_a_slot_are_removed_by_the_next_write_there() {
        let (store, v) = vault();
        v.save("c1", &secrets("short")).await.unwrap();
        // Left by a write that died (power cut) after its parts, before its head.
        for i in 1..=9 {
            store.set(&format!("c1#a{i}"), &Secret::new("stale")).unwrap();
        }
        v.save("c1", &secrets(&"x".repeat(3000))).await.unwrap();
        assert_eq!(access_token(&v.load("c1").await.unwrap()), "x".repeat(3000));
        let parts = store.accounts().iter().filter(|a| a.starts_with("c1#")).count();
        assert!(parts < 9, "stale parts beyond the new count remain: {:?}", store.accounts());
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

    #[tokio::test]
    async fn a_write_that_timed_out_never_lands_over_a_newer_one() {
        let (store, v) = vault();
        let v = v.with_deadline(Duration::from_millis(300));
        v.save("c1", &secrets("oldest")).await.unwrap();
        // The first write blocks (a locked keyring) and its caller gives up.
        store.hold_next_write();
        let first = v.save("c1", &secrets("stale")).await;
        assert_eq!(first.unwrap_err().code(), crate::ErrorCode::KeychainUnavailable);
        // A newer write starts while the abandoned one is still blocked; then the keyring opens.
        let newer = tokio::spawn({
            let v = v.clone();
            async move { v.save("c1", &secrets("newest")).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        store.release_write();
        newer.await.unwrap().unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(v.load("c1").await.unwrap().access_token.unwrap().token.expose(), "newest");
    }

    #[tokio::test]
    async fn a_slow_keychain_gets_one_deadline_per_operation_not_per_call() {
        let (store, v) = vault();
        v.save("c1", &secrets(&"x".repeat(5000))).await.unwrap();
        // Every call answers well within the deadline, but a split read makes five of them.
        store.set_delay(Duration::from_millis(200));
        let v = v.with_deadline(Duration::from_millis(400));
        let started = Instant::now();
        let err = v.load("c1").await.unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::KeychainUnavailable);
        assert!(started.elapsed() < Duration::from_millis(800), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_keychain_that_reads_but_refuses_writes_is_unavailable_and_the_probe_leaves_nothing() {
        let (store, v) = vault();
        v.check_available().await.unwrap();
        assert!(store.accounts().is_empty(), "{:?}", store.accounts());
        store.set_read_only(true);
        let err = v.check_available().await.unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::KeychainUnavailable);
    }

    /// Against the real Windows Credential Manager (Wine's, under scripts/test-windows).
    #[cfg(windows)]
    mod credential_manager {
        use super::*;
        use std::sync::atomic::AtomicUsize;

        fn unique_account() -> String {
            format!("{:024x}", rand::random::<u128>() >> 32)
        }

        /// Sizes seen from Xero: a 48-character client secret, a 64-character refresh token, an
        /// access token of about 2,100 characters when it lists many granular scopes.
        fn realistic() -> Secrets {
            Secrets {
                client_secret: Some(Secret::new("s".repeat(48))),
                refresh_token: Some(Secret::new("r".repeat(64))),
                access_token: Some(StoredAccessToken { token: Secret::new("e".repeat(2100)), expires_at: 1_800 }),
            }
        }

        fn raw_entries(account: &str) -> Vec<String> {
            let head = KeyringStore.get(account).unwrap().expect("the head entry");
            let parts = Parts::of_head(&head).expect("a record this long is split");
            let mut entries = vec![head.expose().to_string()];
            for i in 1..=parts.count {
                entries
                    .push(KeyringStore.get(&Parts::account(account, parts.slot, i)).unwrap().unwrap().expose().into());
            }
            entries
        }

        #[test]
        fn credential_manager_refuses_a_value_over_its_blob_limit() {
            // What the split is for: 1,300 UTF-16 units are 2,600 bytes.
            let account = unique_account();
            assert!(KeyringStore.set(&account, &Secret::new("x".repeat(1300))).is_err());
            assert!(KeyringStore.get(&account).unwrap().is_none());
        }

        #[tokio::test]
        async fn realistic_xero_secrets_are_kept_in_entries_below_the_limit_and_read_back_whole() {
            let account = unique_account();
            Vault::os().save(&account, &realistic()).await.unwrap();
            let entries = raw_entries(&account);
            assert!(entries.len() >= 3, "a head and at least two parts: {}", entries.len());
            for e in &entries {
                assert!(e.encode_utf16().count() * 2 <= 2560, "an entry of {} bytes", e.encode_utf16().count() * 2);
            }
            let back = Vault::os().load(&account).await.unwrap();
            assert_eq!(back.access_token.unwrap().token.expose(), "e".repeat(2100));
            assert_eq!(back.client_secret.unwrap().expose(), "s".repeat(48));
            Vault::os().delete(&account).await.unwrap();
            assert!(KeyringStore.get(&account).unwrap().is_none());
            assert!(KeyringStore.get(&format!("{account}#a1")).unwrap().is_none(), "no part left");
        }

        /// Credential Manager, with writes that fail once `left` more have succeeded.
        struct FailingWrites(AtomicUsize);
        impl SecretStore for FailingWrites {
            fn get(&self, account: &str) -> Result<Option<Secret>> {
                KeyringStore.get(account)
            }
            fn set(&self, account: &str, value: &Secret) -> Result<()> {
                if self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err() {
                    return Err(Error::keychain("refused (test)"));
                }
                KeyringStore.set(account, value)
            }
            fn delete(&self, account: &str) -> Result<()> {
                KeyringStore.delete(account)
            }
        }

        #[tokio::test]
        async fn a_save_failing_half_way_keeps_the_previous_client_secret() {
            let account = unique_account();
            Vault::os().save(&account, &realistic()).await.unwrap();
            let before = raw_entries(&account);
            for fail_after in 0..3 {
                let failing = Vault::new(Arc::new(FailingWrites(AtomicUsize::new(fail_after))));
                let mut renewed = realistic();
                renewed.access_token.as_mut().unwrap().token = Secret::new("n".repeat(2100));
                assert!(failing.save(&account, &renewed).await.is_err());
                assert_eq!(raw_entries(&account), before, "failing after {fail_after} writes");
                let kept = Vault::os().load(&account).await.unwrap();
                assert_eq!(kept.client_secret.unwrap().expose(), "s".repeat(48));
            }
            Vault::os().delete(&account).await.unwrap();
        }

        #[test]
        fn no_logon_session_names_credential_manager_and_what_works() {
            let e = keyring_error(keyring::Error::NoStorageAccess(Box::new(keyring::windows::Error(1312))));
            assert_eq!(e.code(), crate::ErrorCode::KeychainUnavailable);
            assert!(e.message().contains("Credential Manager"), "{}", e.message());
            assert!(e.message().contains("logged on") || e.message().contains("sign out"), "{}", e.message());
        }
    }
}
