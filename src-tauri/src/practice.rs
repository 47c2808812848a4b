//! Practice mode: the wizard against a simulated Xero inside this process, with the demo app's
//! credentials, settings in a temporary folder and the simulator's (fake) tokens in memory, so a
//! user can rehearse every step offline without touching their saved connections or leaving
//! keychain entries that no settings file names; the wizard's banner says nothing is sent to Xero.

use crate::error::IpcError;
use crate::opener;
use crate::state::ActiveWizard;
use std::sync::Arc;
use tauri::{AppHandle, Runtime};
use xero_connect::wizard::{PracticeCredentials, View, WizardOptions};
use xero_connect::{Browser, Context, Endpoints, MemoryStore, Secret, SettingsFile, Vault};
use xero_sim::{seed_demo, Simulator, DEMO_WEB_CLIENT_ID, DEMO_WEB_CLIENT_SECRET};

/// Set to a program (the scripted `xero-sim-browser`) to open practice URLs with it instead of
/// the user's browser: how tests and the README's offline run click "Allow access".
pub const BROWSER_VAR: &str = "XERO_WIZARD_PRACTICE_BROWSER";

/// What practice mode keeps alive: dropping it stops the simulator and deletes the settings.
pub struct Session {
    _simulator: Simulator,
    _settings: tempfile::TempDir,
}

/// The simulator, seeded with the demo world, and a wizard context pointing at it.
pub fn prepare<R: Runtime>(app: &AppHandle<R>) -> Result<(Context, WizardOptions, Session), IpcError> {
    let simulator = Simulator::start()
        .map_err(|e| IpcError::practice(format!("The practice Xero could not start ({e}); restart the app.")))?;
    seed_demo(&simulator);
    let settings = tempfile::Builder::new().prefix("xero-connect-practice-").tempdir().map_err(|e| {
        IpcError::practice(format!("No temporary folder for practice settings ({e}); check the disk and TMPDIR."))
    })?;
    let endpoints = Endpoints::all_at(&simulator.url())?;
    let browser = match std::env::var(BROWSER_VAR).ok().filter(|p| !p.trim().is_empty()) {
        Some(program) => Browser::Command(vec![program]),
        None => opener::system_browser(app),
    };
    let ctx = Context {
        browser: opener::guarded(browser, &endpoints),
        endpoints,
        http: xero_connect::http_client(),
        // The simulator's tokens are fake and die with it: keep them with the practice session.
        vault: Vault::new(Arc::new(MemoryStore::default())),
        settings: SettingsFile::at(settings.path()),
    };
    let practice = PracticeCredentials {
        client_id: DEMO_WEB_CLIENT_ID.into(),
        client_secret: Secret::new(DEMO_WEB_CLIENT_SECRET),
    };
    // No redirect URIs: the core's default is the one the demo app registers.
    let options = WizardOptions { practice: Some(practice), ..WizardOptions::default() };
    Ok((ctx, options, Session { _simulator: simulator, _settings: settings }))
}

/// The Welcome screen's "Practice": switches the window to practice mode and returns its view.
/// Already practising, it keeps the running session (a new one would strand its wait).
pub fn start<R: Runtime>(app: &AppHandle<R>, wizard: &ActiveWizard) -> Result<View, IpcError> {
    if wizard.in_practice() {
        return wizard.view();
    }
    let (ctx, options, session) = prepare(app)?;
    Ok(wizard.start_practice(ctx, options, session))
}
