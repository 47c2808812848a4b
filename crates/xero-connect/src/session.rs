//! What kind of session this program runs in — a desktop, an SSH login, a background job
//! (cron, a service, a scheduled task) — as far as the environment tells. Sessions without a
//! desktop often have no usable keychain (issue 16), and the failure names the session and
//! what works instead rather than blaming the keychain.

use std::io::IsTerminal;

/// The kind of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Session {
    /// A person at a desktop (or a terminal in one).
    Desktop,
    /// An SSH login (`SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` is set, as OpenSSH does on every
    /// platform).
    Ssh,
    /// No person and no desktop: cron, a service, a scheduled task — no terminal, and no display
    /// (Linux) or no interactive logon session (Windows' `SESSIONNAME`).
    Background,
}

impl Session {
    /// The session this process runs in.
    pub fn detect() -> Session {
        Session::from_env(|k| std::env::var_os(k).is_some(), std::io::stdin().is_terminal())
    }

    /// As [`Session::detect`], from whether each variable is set and whether stdin is a terminal.
    pub fn from_env(set: impl Fn(&str) -> bool, stdin_terminal: bool) -> Session {
        if ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"].iter().any(|k| set(k)) {
            return Session::Ssh;
        }
        let desktop = if cfg!(windows) {
            // Interactive logons (console, Remote Desktop) have SESSIONNAME; services and tasks
            // run "whether the user is logged on or not" do not.
            set("SESSIONNAME")
        } else if cfg!(target_os = "macos") {
            // launchd agents of a logged-in user have no terminal either; a terminal or the
            // window (which runs in the Aqua session) means a person.
            set("TERM_PROGRAM") || set("__CFBundleIdentifier")
        } else {
            set("DISPLAY") || set("WAYLAND_DISPLAY")
        };
        if desktop || stdin_terminal {
            Session::Desktop
        } else {
            Session::Background
        }
    }

    /// What it is called in a sentence.
    pub fn name(self) -> &'static str {
        match self {
            Session::Desktop => "a desktop session",
            Session::Ssh => "an SSH session",
            Session::Background => "a background job (cron, a service or a scheduled task)",
        }
    }

    /// The keychain could not be used: one sentence naming this session and what works instead.
    pub fn keychain_unavailable(self) -> String {
        let instead = match (self, platform()) {
            (Session::Desktop, Platform::Linux) => {
                return "The operating system's keychain cannot be used: a Secret Service keychain (GNOME Keyring \
                        or KWallet) must be running and unlocked in this desktop session; log in to it again, or \
                        start GNOME Keyring unlocked inside a D-Bus session (the README's troubleshooting section \
                        shows how)."
                    .into()
            }
            (Session::Desktop, Platform::Mac) => {
                return "The login keychain cannot be used: unlock it (Keychain Access) and try again.".into()
            }
            (Session::Desktop, Platform::Windows) => {
                return "Windows Credential Manager cannot be used by this user: sign out and in again, then try \
                        again."
                    .into()
            }
            (_, Platform::Linux) => {
                "no Secret Service keychain runs there: run this program in your desktop session, or start GNOME \
                 Keyring unlocked inside a D-Bus session for it (the README's troubleshooting section shows how)"
            }
            (Session::Ssh, Platform::Mac) => {
                "the login keychain stays locked there and macOS cannot ask for its password: unlock it in this \
                 session first (security unlock-keychain), or run this program in your desktop session"
            }
            (_, Platform::Mac) => {
                "macOS cannot ask there to unlock the login keychain: run it while you are logged in with the \
                 keychain unlocked, or from your desktop session"
            }
            (Session::Ssh, Platform::Windows) => {
                "Windows gives SSH logins no Credential Manager: run this program in your desktop session (at the \
                 computer or over Remote Desktop), or as a scheduled task set to run only when you are logged on"
            }
            (_, Platform::Windows) => {
                "Windows gives it no Credential Manager: set the task to run only when the user is logged on, or \
                 run this program in your desktop session"
            }
        };
        format!("This is {}, which has no usable keychain: {instead}.", self.name())
    }
}

#[derive(Clone, Copy)]
enum Platform {
    Linux,
    Mac,
    Windows,
}

fn platform() -> Platform {
    if cfg!(windows) {
        Platform::Windows
    } else if cfg!(target_os = "macos") {
        Platform::Mac
    } else {
        Platform::Linux
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_then_desktop_then_background() {
        let with = |vars: &'static [&'static str]| move |k: &str| vars.contains(&k);
        assert_eq!(Session::from_env(with(&["SSH_CONNECTION", "DISPLAY"]), true), Session::Ssh);
        assert_eq!(Session::from_env(with(&[]), true), Session::Desktop, "a person at a terminal");
        assert_eq!(Session::from_env(with(&[]), false), Session::Background, "cron: no terminal, no desktop");
        let ssh = Session::Ssh.keychain_unavailable();
        assert!(ssh.starts_with("This is an SSH session, which has no usable keychain:"), "{ssh}");
        assert!(Session::Background.keychain_unavailable().contains("background job"));
        assert!(!Session::Desktop.keychain_unavailable().contains("This is"));
    }
}
