//! The one wizard: a second launch hands over to the first (tauri-plugin-single-instance), and
//! a launch that meets a first one *while it closes* starts afresh instead of failing.
//!
//! On Linux the plugin finds the first wizard by its name on the session bus and asks it to
//! come forward. A wizard that is closing still holds the name for a moment (it writes what it
//! remembers on the way out), then leaves without answering; the plugin then fails the new
//! launch, which would end before its window opened — "nothing happens" for someone who closed
//! the window and opened it again at once. That launch is started again in place, once the name
//! is free: the same program, arguments and environment (so under a test's WebDriver it is
//! still the process the driver started).

/// Set on the launch started again, so a second failure is reported instead of looping.
const STARTED_AGAIN: &str = "XERO_CONNECT_WIZARD_STARTED_AGAIN";

/// Whether `e` is the plugin's failure to hand over to a first wizard that went away while
/// being asked (D-Bus `NoReply` or `ServiceUnknown`). The plugin words it as text only
/// (tauri-plugin-single-instance 2.5, `platform_impl/linux.rs`), so this reads the text; should
/// a new version word it otherwise, the launch fails as before, with that message.
pub fn met_a_closing_wizard(e: &tauri::Error) -> bool {
    match e {
        tauri::Error::PluginInitialization(plugin, why) => {
            plugin == "single-instance"
                && why.starts_with("failed to forward arguments to the running instance")
                && (why.contains("NoReply") || why.contains("ServiceUnknown"))
        }
        _ => false,
    }
}

/// Starts this launch again in place, once: after a pause for the closing wizard to leave the
/// bus, the program replaces itself with a fresh copy (`exec`: same process, arguments and
/// environment). Returns only when that is not possible (already started again, or not Unix),
/// for the caller to report `e`.
pub fn start_again_once() {
    if std::env::var_os(STARTED_AGAIN).is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        std::thread::sleep(std::time::Duration::from_millis(500));
        let Ok(program) = std::env::current_exe() else { return };
        let failed =
            std::process::Command::new(program).args(std::env::args_os().skip(1)).env(STARTED_AGAIN, "1").exec();
        eprintln!("xero-connect-wizard: could not start again ({failed})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hand_over_to_a_wizard_that_left_is_started_again() {
        let left = |why: &str| tauri::Error::PluginInitialization("single-instance".into(), why.into());
        assert!(met_a_closing_wizard(&left(
            "failed to forward arguments to the running instance: org.freedesktop.DBus.Error.NoReply: Message \
             recipient disconnected from message bus without replying"
        )));
        assert!(met_a_closing_wizard(&left(
            "failed to forward arguments to the running instance: org.freedesktop.DBus.Error.ServiceUnknown: The \
             name is not activatable"
        )));
        // Another failure of the plugin, or of another plugin, is reported as it is.
        assert!(!met_a_closing_wizard(&left("failed to forward arguments to the running instance: AccessDenied")));
        assert!(!met_a_closing_wizard(&tauri::Error::PluginInitialization(
            "store".into(),
            "failed to forward arguments to the running instance: NoReply".into()
        )));
    }
}
