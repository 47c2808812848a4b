//! Opening a URL in the user's browser: the `BROWSER` environment variable when set (as git,
//! gh and Python do: a command, with `%s` replaced by the URL or the URL appended), else the
//! platform's opener. The command is run directly, never through a shell.

use std::process::{Command, Stdio};

/// A function that opens a URL, supplied by a front end (the desktop shell's opener plugin).
pub type OpenFn = std::sync::Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// How URLs are opened.
#[derive(Clone)]
pub enum Browser {
    /// The platform's default (xdg-open, open, the Windows URL handler).
    System,
    /// A command from `BROWSER`, already split into words.
    Command(Vec<String>),
    /// Never open anything: the URL is shown for the user to open (`--no-browser`).
    Manual,
    /// A front end's own way of opening URLs.
    Custom(OpenFn),
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Browser::System => f.write_str("System"),
            Browser::Command(w) => f.debug_tuple("Command").field(w).finish(),
            Browser::Manual => f.write_str("Manual"),
            Browser::Custom(_) => f.write_str("Custom"),
        }
    }
}

impl Browser {
    /// `Manual` when asked, else `BROWSER` when set, else the system's.
    pub fn from_env(no_browser: bool) -> Browser {
        if no_browser {
            return Browser::Manual;
        }
        match std::env::var("BROWSER").ok().filter(|b| !b.trim().is_empty()) {
            Some(b) => match split_words(&b) {
                Some(words) if !words.is_empty() => Browser::Command(words),
                _ => Browser::Command(vec![b]),
            },
            None => Browser::System,
        }
    }

    /// The command line that opens `url`, or `None` for `Manual` and `Custom`.
    pub fn command_for(&self, url: &str) -> Option<Vec<String>> {
        match self {
            Browser::Manual | Browser::Custom(_) => None,
            Browser::Command(words) => {
                let mut argv: Vec<String> = words.iter().map(|w| w.replace("%s", url)).collect();
                if !words.iter().any(|w| w.contains("%s")) {
                    argv.push(url.to_string());
                }
                Some(argv)
            }
            Browser::System => Some(if cfg!(target_os = "macos") {
                vec!["open".into(), url.into()]
            } else if cfg!(windows) {
                vec!["rundll32".into(), "url.dll,FileProtocolHandler".into(), url.into()]
            } else {
                vec!["xdg-open".into(), url.into()]
            }),
        }
    }

    /// Starts the browser without waiting for it. `Err` says why it could not be started.
    pub fn open(&self, url: &str) -> Result<(), String> {
        if let Browser::Custom(open) = self {
            return open(url);
        }
        let Some(argv) = self.command_for(url) else {
            return Err("opening a browser was turned off".into());
        };
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {}", argv[0], e.kind()))?;
        // Reap it in the background so no zombie is left; its exit status does not matter.
        std::thread::spawn(move || {
            let _ = child.wait();
        });
        Ok(())
    }
}

/// Splits `BROWSER` into words as this platform's own shell would: POSIX quoting, or on
/// Windows the rules of CommandLineToArgvW, where a backslash is a path separator, not an escape
/// (`C:\Tools\browser.exe` stays whole).
fn split_words(command: &str) -> Option<Vec<String>> {
    #[cfg(windows)]
    return Some(winsplit::split(command));
    #[cfg(not(windows))]
    return shell_words::split(command).ok();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_command_appends_or_substitutes_the_url() {
        let b = Browser::Command(vec!["firefox".into(), "--new-tab".into()]);
        assert_eq!(b.command_for("http://x/?a=1&b=2").unwrap(), ["firefox", "--new-tab", "http://x/?a=1&b=2"]);
        let b = Browser::Command(vec!["open-it".into(), "--url=%s".into()]);
        assert_eq!(b.command_for("u").unwrap(), ["open-it", "--url=u"]);
        assert_eq!(Browser::Manual.command_for("u"), None);
    }

    #[test]
    fn a_missing_browser_is_reported_not_fatal() {
        let b = Browser::Command(vec!["/nonexistent/browser-xyz".into()]);
        let err = b.open("http://localhost/").unwrap_err();
        assert!(err.contains("could not start"), "{err}");
    }

    #[test]
    fn browser_is_split_as_this_platforms_shell_splits() {
        if cfg!(windows) {
            let words = split_words(r#""C:\Program Files\Browser\browser.exe" --new-tab"#).unwrap();
            assert_eq!(words, [r"C:\Program Files\Browser\browser.exe", "--new-tab"]);
            assert_eq!(split_words(r"Z:\tools\open.exe").unwrap(), [r"Z:\tools\open.exe"]);
        } else {
            assert_eq!(split_words("firefox --new-tab 'a b'").unwrap(), ["firefox", "--new-tab", "a b"]);
        }
    }
}
