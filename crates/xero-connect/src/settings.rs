//! The settings file: one versioned JSON file of non-secret settings under the platform config
//! directory (`$XDG_CONFIG_HOME/xero-connect/settings.json` on Linux), shared by the command
//! line and the window. It holds the saved connections (`connection`), never a secret.
//!
//! Every change is a read-modify-write under an exclusive lock on `settings.lock`, written to a
//! temporary file, fsynced and renamed over the old one, so two programs changing it at once
//! never lose each other's change and a crash never leaves half a file.
//!
//! It is read strictly and kept whole: a connection ID not of the form this program writes is
//! refused (IDs name keychain entries and lock files), and fields this build does not know — a
//! newer build's, in a file of the same version — are written back unchanged.

use crate::connection::{self, Connection};
use crate::error::{Error, ErrorCode, Remedy, Result};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file format version this build writes.
pub const VERSION: u32 = 1;

/// The longest wait for the settings file's lock, which is held only for a read-modify-write.
pub const SETTINGS_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// How often a held lock is tried again.
pub(crate) const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// The whole settings file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Format version.
    pub version: u32,
    /// Saved connections, oldest first.
    #[serde(default)]
    pub connections: Vec<Connection>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { version: VERSION, connections: Vec::new() }
    }
}

impl Settings {
    /// The connection with this name (names are compared case-insensitively).
    pub fn find(&self, name: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }
    /// As [`Settings::find`], mutable.
    pub fn find_mut(&mut self, name: &str) -> Option<&mut Connection> {
        self.connections.iter_mut().find(|c| c.name.eq_ignore_ascii_case(name))
    }
    /// The connection with this name, or `unknown_connection`.
    pub fn get(&self, name: &str) -> Result<&Connection> {
        self.find(name).ok_or_else(|| unknown_connection(name, self))
    }
    /// As [`Settings::get`], mutable.
    pub fn get_mut(&mut self, name: &str) -> Result<&mut Connection> {
        if self.find(name).is_none() {
            return Err(unknown_connection(name, self));
        }
        Ok(self.find_mut(name).expect("checked above"))
    }
}

fn unknown_connection(name: &str, settings: &Settings) -> Error {
    let names: Vec<&str> = settings.connections.iter().map(|c| c.name.as_str()).collect();
    if names.is_empty() {
        return Error::new(
            ErrorCode::UnknownConnection,
            format!("No connection is called \"{name}\": there are no saved connections yet, so set one up first."),
        )
        .with_remedy(Remedy::SetUp);
    }
    Error::new(
        ErrorCode::UnknownConnection,
        format!("No connection is called \"{name}\". Saved connections: {}.", names.join(", ")),
    )
}

/// The settings file's location and its lock.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    dir: PathBuf,
}

impl SettingsFile {
    /// The platform's config directory plus `xero-connect`.
    pub fn default_location() -> Result<SettingsFile> {
        let base = dirs::config_dir().ok_or_else(|| {
            Error::settings("No configuration directory could be found for this user (is HOME set?).")
        })?;
        Ok(SettingsFile { dir: base.join("xero-connect") })
    }

    /// A settings file in a given directory (tests, practice mode).
    pub fn at(dir: impl Into<PathBuf>) -> SettingsFile {
        SettingsFile { dir: dir.into() }
    }

    /// The directory holding the file.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings file.
    pub fn path(&self) -> PathBuf {
        self.dir.join("settings.json")
    }

    /// Reads the settings (empty when the file does not exist yet).
    pub fn load(&self) -> Result<Settings> {
        read(&self.path())
    }

    /// Changes the settings atomically under the lock; nothing is written when `change` fails.
    pub fn update<T>(&self, change: impl FnOnce(&mut Settings) -> Result<T>) -> Result<T> {
        self.ensure_dir()?;
        let _lock = self.lock_file("settings.lock")?;
        let (mut settings, as_read) = read_with_raw(&self.path())?;
        let out = change(&mut settings)?;
        settings.version = VERSION;
        let mut value = serde_json::to_value(&settings).expect("settings serialise");
        keep_unknown_fields(&mut value, &as_read);
        write_atomically(&self.path(), &value)?;
        Ok(out)
    }

    /// An exclusive lock on a named file in this directory, held until the guard drops. Waits
    /// at most [`SETTINGS_LOCK_WAIT`]: a program stopped while holding it (Ctrl-Z) must not make
    /// every other one wait for ever.
    ///
    /// # Errors
    /// `settings_unavailable` when the file cannot be opened or the wait runs out.
    pub fn lock_file(&self, name: &str) -> Result<File> {
        if let Some(file) = self.try_lock_file(name)? {
            return Ok(file);
        }
        // Held: waiting may take seconds. On a worker thread of a multi-threaded tokio runtime
        // (the window's background work, the command line's flows) the runtime is told first,
        // so its other tasks move to another thread instead of stalling behind this wait.
        match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(|| self.wait_for_lock(name)),
            _ => self.wait_for_lock(name),
        }
    }

    fn wait_for_lock(&self, name: &str) -> Result<File> {
        let deadline = std::time::Instant::now() + SETTINGS_LOCK_WAIT;
        loop {
            if let Some(file) = self.try_lock_file(name)? {
                return Ok(file);
            }
            if std::time::Instant::now() >= deadline {
                return Err(Error::settings(format!(
                    "Another copy of this program has held the lock on {} for {} seconds (it may be stopped, for \
                     example with Ctrl-Z in a terminal): let it finish or end it, then try again.",
                    self.dir.join(name).display(),
                    SETTINGS_LOCK_WAIT.as_secs()
                )));
            }
            std::thread::sleep(LOCK_POLL);
        }
    }

    /// Takes an exclusive lock on a named file in this directory if nobody holds it: `None`
    /// while another thread or process does. Token refreshes use it to be single-flight across
    /// processes, waiting in their own way (see `tokens`).
    ///
    /// # Errors
    /// `settings_unavailable` when the folder or the file cannot be created or locked.
    pub fn try_lock_file(&self, name: &str) -> Result<Option<File>> {
        self.ensure_dir()?;
        let path = self.dir.join(name);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        // Readable by this user only, and never opened through a symbolic link planted in its
        // place (which could make this program create or lock a file elsewhere).
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let file = options.open(&path).map_err(|e| io_error("open the lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error("lock", &path, e)),
        }
    }

    /// Creates the folder, and makes sure only this user can enter it (0700 on Unix): the
    /// settings name the user's organisations and Client IDs. A folder that cannot be
    /// restricted is reported, not used as it is.
    fn ensure_dir(&self) -> Result<()> {
        fs::create_dir_all(&self.dir).map_err(|e| io_error("create the folder", &self.dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&self.dir).map_err(|e| io_error("read", &self.dir, e))?.permissions().mode();
            if mode & 0o077 != 0 {
                fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700)).map_err(|e| {
                    Error::settings(format!(
                        "Could not make the settings folder {} private to this user ({}): check who owns it.",
                        self.dir.display(),
                        e.kind()
                    ))
                })?;
            }
        }
        Ok(())
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::settings(format!(
        "Could not {what} {} ({}): check the folder's permissions and free space.",
        path.display(),
        e.kind()
    ))
}

fn read(path: &Path) -> Result<Settings> {
    read_with_raw(path).map(|(settings, _)| settings)
}

/// The settings and the JSON they were read from (`null` when there is no file yet).
fn read_with_raw(path: &Path) -> Result<(Settings, serde_json::Value)> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Settings::default(), serde_json::Value::Null))
        }
        Err(e) => return Err(io_error("read", path, e)),
    };
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
        Error::settings(format!(
            "The settings file {} is damaged (not valid JSON): restore it from a backup or move it aside and set up again.",
            path.display()
        ))
    })?;
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(VERSION) {
        return Err(Error::settings(format!(
            "The settings file {} was written by a newer version of this program (format {version}): update it.",
            path.display()
        )));
    }
    let unexpected = || {
        Error::settings(format!(
            "The settings file {} has unexpected contents: restore it from a backup or move it aside and set up again.",
            path.display()
        ))
    };
    let settings: Settings = serde_json::from_value(value.clone()).map_err(|_| unexpected())?;
    if !settings.connections.iter().all(|c| connection::is_valid_id(&c.id)) {
        return Err(unexpected());
    }
    if let Some((c, field)) = settings.connections.iter().find_map(|c| c.impossible_date().map(|f| (c, f))) {
        return Err(Error::settings(format!(
            "The settings file {} gives the connection \"{}\" an impossible date ({field}): correct it, or move the \
             file aside and set up again.",
            path.display(),
            c.name
        )));
    }
    Ok((settings, value))
}

/// Copies into `new` the fields of `old` it lacks, at the top and in each connection (matched
/// by ID), so data written by a newer build survives this one's change. Every known field is
/// always written, so only unknown ones are copied; deeper objects are this build's to replace
/// whole (an old test record's extra fields must not stick to a new one).
fn keep_unknown_fields(new: &mut serde_json::Value, old: &serde_json::Value) {
    use serde_json::{Map, Value};
    fn add_missing(new: &mut Map<String, Value>, old: &Map<String, Value>) {
        for (key, value) in old {
            new.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    let (Some(new), Some(old)) = (new.as_object_mut(), old.as_object()) else { return };
    add_missing(new, old);
    let (Some(Value::Array(conns)), Some(Value::Array(before))) = (new.get_mut("connections"), old.get("connections"))
    else {
        return;
    };
    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_string);
    for conn in conns {
        let earlier = id(conn).and_then(|i| before.iter().find(|o| id(o).as_deref() == Some(i.as_str())));
        if let (Some(conn), Some(Value::Object(earlier))) = (conn.as_object_mut(), earlier) {
            add_missing(conn, earlier);
        }
    }
}

fn write_atomically(path: &Path, settings: &serde_json::Value) -> Result<()> {
    let dir = path.parent().expect("settings path has a folder");
    let text = serde_json::to_string_pretty(settings).expect("settings serialise");
    let (tmp, mut f) = create_temporary(dir).map_err(|e| io_error("create a temporary file in", dir, e))?;
    let result = (|| -> std::io::Result<()> {
        f.write_all(text.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // Persist the rename itself (POSIX: the directory entry lives in the directory).
        #[cfg(unix)]
        File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_error("write", path, e));
    }
    Ok(())
}

/// A new temporary file beside the settings: created exclusively under a random name (so an
/// existing file or a symbolic link planted there is never opened or followed), never through
/// a symbolic link, and readable by this user only (0600) from the moment it exists.
fn create_temporary(dir: &Path) -> std::io::Result<(PathBuf, File)> {
    use rand::Rng;
    let mut attempts = 0;
    loop {
        let tmp = dir.join(format!("settings.json.tmp-{:016x}", rand::thread_rng().gen::<u64>()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempts < 8 => attempts += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::timestamp_now;
    use crate::domain::AppType;

    fn conn(name: &str) -> Connection {
        Connection {
            id: format!("{:0>24x}", name.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))),
            name: name.into(),
            client_id: "C".into(),
            app_type: AppType::Web,
            scopes: vec![],
            redirect_uris: vec![],
            organisations: vec![],
            tenant_id: None,
            authorised_by: None,
            created_at: timestamp_now(),
            updated_at: timestamp_now(),
            last_test: None,
            refreshed_at: None,
            profile: None,
            identity_origin: None,
            refreshed_on: None,
            refresh_unanswered_at: None,
        }
    }

    #[test]
    fn missing_file_is_empty_and_updates_persist() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path().join("xc"));
        assert!(r.load().unwrap().connections.is_empty());
        r.update(|s| {
            s.connections.push(conn("Shop"));
            Ok(())
        })
        .unwrap();
        let s = r.load().unwrap();
        assert_eq!(s.get("shop").unwrap().name, "Shop");
        assert_eq!(s.version, VERSION);
        assert!(!fs::read_dir(r.dir()).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains(".tmp")));
    }

    #[test]
    fn failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        let err = r
            .update(|s| {
                s.connections.push(conn("A"));
                Err::<(), _>(Error::invalid_input("no"))
            })
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(!r.path().exists());
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let r = r.clone();
                std::thread::spawn(move || {
                    r.update(|s| {
                        s.connections.push(conn(&format!("c{i}")));
                        Ok(())
                    })
                    .unwrap()
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(r.load().unwrap().connections.len(), 8);
    }

    #[test]
    fn damaged_or_newer_files_are_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        fs::write(r.path(), "{not json").unwrap();
        assert_eq!(r.load().unwrap_err().code(), ErrorCode::SettingsUnavailable);
        assert!(r.update(|_| Ok(())).is_err());
        assert_eq!(fs::read_to_string(r.path()).unwrap(), "{not json");
        fs::write(r.path(), r#"{"version": 99, "connections": []}"#).unwrap();
        assert!(r.load().unwrap_err().message().contains("newer"));
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let mut s = Settings::default();
        s.connections.push(conn("Shop"));
        let err = s.get("Shoop").unwrap_err();
        assert_eq!(err.code(), ErrorCode::UnknownConnection);
        assert!(err.message().contains("Shop"));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_and_folder_are_private_and_the_temporary_file_is_never_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("xc");
        fs::create_dir(&folder).unwrap();
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
        let r = SettingsFile::at(&folder);
        r.update(|s| {
            s.connections.push(conn("Shop"));
            Ok(())
        })
        .unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700, "the folder was made private");
        assert_eq!(mode(&r.path()), 0o600, "the file was created private, not chmod-ed after");

        // A temporary file is created exclusively: a planted file or link is never opened.
        let (tmp, _) = create_temporary(&folder).unwrap();
        assert!(tmp.file_name().unwrap().to_string_lossy().starts_with("settings.json.tmp-"));
        assert_eq!(mode(&tmp), 0o600);
        let (other, _) = create_temporary(&folder).unwrap();
        assert_ne!(tmp, other, "random names");
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, folder.join("planted")).unwrap();
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        assert!(options.open(folder.join("planted")).is_err(), "create_new refuses an existing link");
        assert!(!target.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_that_cannot_be_made_private_is_reported() {
        // procfs refuses chmod even to root, and /proc/self is readable by others.
        let r = SettingsFile::at("/proc/self");
        let err = r.update(|_| Ok(())).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SettingsUnavailable);
        assert!(err.message().contains("private"), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn waiting_for_the_settings_lock_does_not_stall_the_async_worker() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        let held = r.try_lock_file("settings.lock").unwrap().unwrap();
        // Another program holds the lock for 1.5 s; meanwhile a task on the only worker ticks.
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            drop(held);
        });
        let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = ticks.clone();
        let ticker = tokio::spawn(async move {
            loop {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let before = ticks.load(std::sync::atomic::Ordering::SeqCst);
        // On the worker, as a flow runs: the settings are changed from async code.
        let update = tokio::spawn(async move {
            r.update(|s| {
                s.connections.push(conn("Shop"));
                Ok(())
            })
        });
        update.await.unwrap().unwrap();
        let during = ticks.load(std::sync::atomic::Ordering::SeqCst) - before;
        ticker.abort();
        release.join().unwrap();
        assert!(during >= 5, "the other task ran only {during} times while the update waited for the lock");
    }

    #[test]
    fn a_held_lock_is_reported_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        let held = r.try_lock_file("refresh-x.lock").unwrap().expect("free at first");
        assert!(r.try_lock_file("refresh-x.lock").unwrap().is_none(), "held by another handle");
        drop(held);
        assert!(r.try_lock_file("refresh-x.lock").unwrap().is_some(), "free again");
    }

    #[cfg(unix)]
    #[test]
    fn lock_files_are_private_and_never_followed_through_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path().join("xc"));
        drop(r.try_lock_file("settings.lock").unwrap());
        let mode = fs::metadata(r.dir().join("settings.lock")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // A link planted where a lock file goes is refused, and what it points at is untouched.
        let elsewhere = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&elsewhere, r.dir().join("refresh-abc.lock")).unwrap();
        let err = r.try_lock_file("refresh-abc.lock").unwrap_err();
        assert_eq!(err.code(), ErrorCode::SettingsUnavailable);
        assert!(!elsewhere.exists(), "the link was followed");
        assert!(r.update(|_| Ok(())).is_ok(), "the settings lock itself is unaffected");
    }

    #[test]
    fn a_connection_id_not_of_the_written_form_is_refused_on_reading() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        r.update(|s| {
            s.connections.push(conn("Shop"));
            Ok(())
        })
        .unwrap();
        let good = fs::read_to_string(r.path()).unwrap();
        let id = r.load().unwrap().connections[0].id.clone();
        for bad in ["../x", "", "ABCDEF0123456789ABCDEF01", "0123456789abcdef0123456/"] {
            fs::write(r.path(), good.replace(&id, bad)).unwrap();
            let err = r.load().unwrap_err();
            assert_eq!(err.code(), ErrorCode::SettingsUnavailable, "{bad}");
            assert!(r.update(|_| Ok(())).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_date_near_the_year_9999_is_refused_on_reading() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        let mut shop = conn("Shop");
        shop.refreshed_at = Some("9999-12-30T00:00:00Z".into());
        fs::write(r.path(), serde_json::to_string(&Settings { version: 1, connections: vec![shop] }).unwrap()).unwrap();
        let err = r.load().unwrap_err();
        assert_eq!(err.code(), ErrorCode::SettingsUnavailable);
        assert!(err.message().contains("\"Shop\"") && err.message().contains("refreshed_at"), "{err}");
    }

    #[test]
    fn unknown_fields_of_a_same_version_file_survive_a_rename() {
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        r.update(|s| {
            s.connections.push(conn("Shop"));
            s.connections.push(conn("Till"));
            Ok(())
        })
        .unwrap();
        // A newer build of the same format added fields at each level.
        let mut v: serde_json::Value = serde_json::from_str(&fs::read_to_string(r.path()).unwrap()).unwrap();
        v["window"] = serde_json::json!({"width": 800});
        v["connections"][1]["colour"] = "teal".into();
        fs::write(r.path(), v.to_string()).unwrap();
        r.update(|s| {
            s.get_mut("Till")?.name = "Register".into();
            s.connections.remove(0);
            Ok(())
        })
        .unwrap();
        let after: serde_json::Value = serde_json::from_str(&fs::read_to_string(r.path()).unwrap()).unwrap();
        assert_eq!(after["window"]["width"], 800);
        assert_eq!(after["connections"][0]["name"], "Register");
        assert_eq!(after["connections"][0]["colour"], "teal");
        assert_eq!(after["connections"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_known_field_this_build_clears_stays_cleared() {
        // Only unknown fields are copied back: a known one is always written, even when empty.
        let dir = tempfile::tempdir().unwrap();
        let r = SettingsFile::at(dir.path());
        let mut shop = conn("Shop");
        shop.tenant_id = Some("t".into());
        shop.refreshed_at = Some(timestamp_now());
        r.update(|s| {
            s.connections.push(shop);
            Ok(())
        })
        .unwrap();
        r.update(|s| {
            let c = s.get_mut("Shop")?;
            (c.tenant_id, c.refreshed_at) = (None, None);
            Ok(())
        })
        .unwrap();
        let c = &r.load().unwrap().connections[0];
        assert_eq!((&c.tenant_id, &c.refreshed_at), (&None, &None));
    }
}
