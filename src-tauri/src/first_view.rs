//! The window's first view, handed over with the page rather than asked for over IPC: an
//! initialization script defines `window.__XERO_CONNECT_FIRST__` before the page's own script
//! runs, so the Welcome screen is drawn in the page's first paint. Asking for it over IPC after
//! the modules load cost a round trip plus a frame drawn without it (BENCHMARKS.md, "Desktop
//! wizard"). Views produced later, even before the page started asking, come from
//! `wizard_next_view`.
//!
//! Views carry no secret (see the core's `wizard::view`), so the script holds nothing that the
//! `wizard_view` command would not return.

use crate::error::IpcError;
use crate::state::MAIN_WINDOW;
use serde::Serialize;
use tauri::{AppHandle, Runtime, WebviewWindow, WebviewWindowBuilder};
use xero_connect::wizard::View;

/// The global the page reads (ui/js/bridge.js).
pub const GLOBAL: &str = "__XERO_CONNECT_FIRST__";

/// What the page starts from: the view, or why there is none, as `wizard_view` would answer.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum First<'a> {
    View(&'a View),
    Error(&'a IpcError),
}

/// The initialization script for `first`. JSON is valid JavaScript, and the script is never
/// placed inside HTML, so organisation names need no escaping beyond serde_json's.
pub fn script(first: &Result<View, IpcError>) -> String {
    let first = match first {
        Ok(view) => First::View(view),
        Err(why) => First::Error(why),
    };
    let json = serde_json::to_string(&first).expect("a view always serialises");
    format!("window.{GLOBAL} = {json};")
}

/// Opens the main window as tauri.conf.json describes it (`"create": false` there, so Tauri does
/// not open it before the script exists), with the first view's script, confined to the app's
/// own pages (`navigation`).
pub fn open_main_window<R: Runtime>(
    app: &AppHandle<R>,
    first: &Result<View, IpcError>,
) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN_WINDOW)
        .expect("tauri.conf.json describes the main window")
        .clone();
    let builder = WebviewWindowBuilder::from_config(app, &config)?.initialization_script(script(first));
    crate::navigation::confine(builder).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xero_connect::wizard::{Screen, Wizard, WizardOptions};
    use xero_connect::Endpoints;

    fn assigned(script: &str) -> serde_json::Value {
        let json = script
            .strip_prefix(&format!("window.{GLOBAL} = "))
            .and_then(|s| s.strip_suffix(';'))
            .unwrap_or_else(|| panic!("not an assignment: {script}"));
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_script_assigns_the_view_as_the_command_would_return_it() {
        let view = Wizard::new(Endpoints::production(), WizardOptions::default()).view();
        assert!(matches!(view.screen, Screen::Welcome { .. }));
        let got = assigned(&script(&Ok(view.clone())));
        assert_eq!(got["view"], serde_json::to_value(&view).unwrap());
    }

    #[test]
    fn a_wizard_that_could_not_start_hands_over_its_code_and_sentence() {
        let why = IpcError::practice("The practice Xero could not start; restart the app.");
        let got = assigned(&script(&Err(why)));
        assert_eq!(got["error"]["code"], "practice_unavailable");
        assert_eq!(got["error"]["message"], "The practice Xero could not start; restart the app.");
    }
}
