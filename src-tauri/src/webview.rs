//! The web view the window is drawn in, checked before the window opens. On Windows that is
//! Microsoft Edge WebView2, a runtime Windows 10 and 11 normally carry but Windows Server, LTSC
//! editions and computers where someone removed it do not; without it Tauri cannot create the
//! window and the program would end with nothing on screen. So the wizard asks for the runtime's
//! version first and, when there is none, says in a message box what to install and that the
//! command line works without it. (On Linux, WebKitGTK is a dependency of the package; on macOS
//! WebKit is part of the system.)

/// What a missing WebView2 runtime is told, in the window's words: what to install, from
/// where, and that `xero-connect.exe` works without it. `title` is the window's title.
pub fn missing_runtime_message(title: &str) -> String {
    format!(
        "{title} needs the Microsoft Edge WebView2 Runtime, which is not installed on this computer. \
         Install the \"Evergreen Bootstrapper\" from https://developer.microsoft.com/microsoft-edge/webview2/ \
         (or ask whoever looks after this computer), then start {title} again. \
         The command line, xero-connect.exe, works without it."
    )
}

/// Whether this computer lacks the web view the window is drawn in (only ever on Windows).
pub fn runtime_missing() -> bool {
    #[cfg(windows)]
    return tauri::webview_version().is_err();
    #[cfg(not(windows))]
    return false;
}

/// Says `message` on stderr and, on Windows, in a message box (a desktop user never sees
/// stderr), and waits until it is dismissed.
pub fn report(title: &str, message: &str) {
    eprintln!("xero-connect-wizard: {message}");
    #[cfg(windows)]
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(title)
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    #[cfg(not(windows))]
    let _ = title;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_says_what_to_install_and_what_works_without_it() {
        let m = missing_runtime_message("Connect Ledgerleaf Assets to Xero");
        assert!(m.starts_with("Connect Ledgerleaf Assets to Xero needs the Microsoft Edge WebView2 Runtime"), "{m}");
        assert!(m.contains("Evergreen Bootstrapper") && m.contains("https://developer.microsoft.com/"), "{m}");
        assert!(m.contains("xero-connect.exe, works without it"), "{m}");
        assert!(!m.contains("--"), "no command-line flag: {m}");
    }
}
