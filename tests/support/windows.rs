//! The Windows build under test: when scripts/test-windows runs the end-to-end tests, every
//! command is the Windows `xero-connect.exe` run under Wine, and its keychain is Wine's
//! Credential Manager. Each test gets a Wine prefix of its own (a hard-linked copy of the
//! template prefix the script made, whose user is "Zoë Smith": a profile path with a space and a
//! non-ASCII letter), so its settings under %APPDATA% and its credentials are private to it, as
//! the private gnome-keyring is on Linux. The simulator still runs natively inside the test; the
//! Windows programs reach it over the shared loopback.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Wine's 64-bit loader, from Debian's wine64 package (scripts/windows.sh installs it).
const WINE: &str = "/usr/lib/wine/wine64";
const WINESERVER: &str = "/usr/lib/wine/wineserver64";

/// Where scripts/test-windows put the Windows programs and the template prefix.
#[derive(Debug)]
pub struct WindowsBuild {
    /// Folder of `xero-connect.exe`, `xero-sim-browser.exe` and `keychain_entry.exe`.
    pub exes: PathBuf,
    /// The test-only helpers built from tests/windows/*.c.
    pub helpers: PathBuf,
    /// The prefix every test's prefix is copied from.
    pub template: PathBuf,
    /// The Windows user of the template prefix (its profile folder's name).
    pub user: String,
    /// Where per-test folders go: on the template's file system, so hard links work.
    pub scratch: PathBuf,
}

/// The Windows build when `XC_TEST_TARGET=windows` (set by scripts/test-windows and
/// scripts/bench --windows, with `XC_WINDOWS_DIR` and `XC_WINE_USER`), else `None`.
pub fn build() -> Option<&'static WindowsBuild> {
    static BUILD: OnceLock<Option<WindowsBuild>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            if std::env::var("XC_TEST_TARGET").ok()? != "windows" {
                return None;
            }
            let dir = PathBuf::from(std::env::var_os("XC_WINDOWS_DIR").expect("XC_WINDOWS_DIR is set"));
            // The benchmark measures the release build (scripts/bench --windows).
            let profile = std::env::var("XC_WINDOWS_PROFILE").unwrap_or_else(|_| "debug".into());
            let build = WindowsBuild {
                exes: dir.join("target/x86_64-pc-windows-gnu").join(profile),
                helpers: dir.join("helpers"),
                template: dir.join("wine-prefix"),
                user: std::env::var("XC_WINE_USER").expect("XC_WINE_USER is set"),
                scratch: dir.join("tests"),
            };
            for exe in ["xero-connect.exe", "xero-sim-browser.exe", "examples/keychain_entry.exe"] {
                assert!(build.exes.join(exe).exists(), "{exe} missing: run scripts/test-windows");
            }
            assert!(Path::new(WINE).exists(), "{WINE} missing: run scripts/test-windows");
            std::fs::create_dir_all(&build.scratch).unwrap();
            Some(build)
        })
        .as_ref()
}

/// A path as a Windows program under Wine names it (Wine maps `/` to drive `Z:`).
pub fn windows_path(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

/// One test's Wine prefix with its own wineserver, stopped (with every program in the prefix)
/// when dropped.
#[derive(Debug)]
pub struct Prefix {
    /// `WINEPREFIX`.
    pub path: PathBuf,
    user: String,
}

impl Prefix {
    /// Copies the template into `dir/prefix` (hard links for the read-only system files, real
    /// copies of the registry and the user's folders, which Wine writes) and starts its server.
    pub fn new(build: &WindowsBuild, dir: &Path) -> Prefix {
        let path = dir.join("prefix");
        std::fs::create_dir_all(path.join("drive_c")).unwrap();
        let copy = |from: &Path, to: &Path, link: bool| {
            let status =
                Command::new("cp").arg(if link { "-al" } else { "-a" }).arg(from).arg(to).status().expect("cp runs");
            assert!(status.success(), "copying {} failed", from.display());
        };
        for entry in std::fs::read_dir(&build.template).unwrap().flatten() {
            let name = entry.file_name();
            // The template server's socket folder and lock belong to that server only.
            if name == "drive_c" || name == "wineserver" {
                continue;
            }
            copy(&entry.path(), &path, false);
        }
        for entry in std::fs::read_dir(build.template.join("drive_c")).unwrap().flatten() {
            copy(&entry.path(), &path.join("drive_c"), entry.file_name() == "windows");
        }
        let prefix = Prefix { path, user: build.user.clone() };
        // A persistent server: every command in this test reuses it instead of starting one.
        let status = prefix.wine_command(WINESERVER).arg("-p").status().expect("wineserver starts");
        assert!(status.success(), "wineserver -p failed");
        // Wine's own services (services.exe, rpcss, plugplay…) start with the first program and
        // inherit its standard streams: started here with none, so they never hold a test's
        // pipes open after the program under test has ended.
        let status = prefix
            .exe(Path::new("wineboot"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("wineboot runs");
        assert!(status.success(), "wineboot failed");
        prefix
    }

    /// A command for a Windows program in this prefix, with nothing else of the caller's
    /// environment: no display (console programs), Wine's messages off.
    pub fn wine_command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.path.parent().unwrap().join("home"))
            .env("WINEPREFIX", &self.path)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml,winemenubuilder.exe=")
            .env("USER", &self.user);
        cmd
    }

    /// `wine PROGRAM.exe` in this prefix.
    pub fn exe(&self, exe: &Path) -> Command {
        let mut cmd = self.wine_command(WINE);
        cmd.arg(exe);
        cmd
    }

    /// %APPDATA% of the prefix's user, as a Linux path.
    pub fn appdata(&self) -> PathBuf {
        self.path.join("drive_c/users").join(&self.user).join("AppData/Roaming")
    }

    /// Makes Credential Manager answer ERROR_NO_SUCH_LOGON_SESSION, as in an SSH session
    /// (tests/windows/no-credential-manager.c says how). Lasts as long as this prefix's server.
    pub fn refuse_credentials(&self, build: &WindowsBuild) {
        let out = self.exe(&build.helpers.join("no-credential-manager.exe")).output().expect("the helper runs");
        assert!(out.status.success(), "no-credential-manager failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// A raw Credential Manager entry of the service `xero-connect`, read by a separate Windows
    /// program through the keyring crate (what `secret-tool lookup` is on Linux).
    pub fn keychain_entry(&self, build: &WindowsBuild, account: &str) -> Option<String> {
        let out = self
            .exe(&build.exes.join("examples/keychain_entry.exe"))
            .arg(account)
            .stderr(Stdio::inherit())
            .output()
            .expect("keychain_entry runs");
        let v = String::from_utf8(out.stdout).expect("UTF-8");
        (out.status.success() && !v.is_empty()).then_some(v)
    }
}

impl Prefix {
    /// The accounts of the `xero-connect` entries in Credential Manager, listed by Wine's own
    /// `reg query` from the key where Wine keeps them ("Generic: ACCOUNT.xero-connect").
    pub fn credential_accounts(&self) -> Vec<String> {
        let out = self
            .exe(Path::new("reg"))
            .args(["query", r"HKCU\Software\Wine\Credential Manager"])
            .stdin(Stdio::null())
            .output()
            .expect("reg runs");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().rsplit_once(r"\Generic: ")?.1.strip_suffix(".xero-connect").map(str::to_string))
            .collect()
    }
}

impl Drop for Prefix {
    fn drop(&mut self) {
        let _ = self.wine_command(WINESERVER).arg("-k").status();
    }
}
