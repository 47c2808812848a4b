//! The window's wizard, as managed state: the runner the commands talk to, which practice mode
//! swaps for one against the simulator, and what practice mode must keep alive. Each runner
//! pushes its views to the window only while it is the current one, so a late result of a
//! replaced runner cannot overwrite what practice mode shows.

use crate::error::IpcError;
use crate::practice;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tauri::{AppHandle, Emitter, Runtime};
use xero_connect::wizard::{UserEvent, View, WizardOptions, WizardRunner};
use xero_connect::Context;

/// The event carrying every view that background work produces.
pub const VIEW_EVENT: &str = "wizard://view";
/// The one window's label (tauri.conf.json, capabilities/default.json).
pub const MAIN_WINDOW: &str = "main";

/// The wizard behind the window. See the module documentation.
pub struct ActiveWizard {
    runner: RwLock<Result<Arc<WizardRunner>, IpcError>>,
    /// Bumped on every new runner; a runner's views are emitted only while it matches.
    generation: Arc<AtomicU64>,
    practice: Mutex<Option<practice::Session>>,
}

impl ActiveWizard {
    /// A wizard over `ctx`.
    pub fn running<R: Runtime>(
        app: &AppHandle<R>,
        ctx: Context,
        options: WizardOptions,
        practice: Option<practice::Session>,
    ) -> ActiveWizard {
        let generation = Arc::new(AtomicU64::new(0));
        let runner = spawn_runner(app, &generation, ctx, options);
        ActiveWizard { runner: RwLock::new(Ok(runner)), generation, practice: Mutex::new(practice) }
    }

    /// No wizard could start (a bad `XERO_*_URL`, no config directory): every command reports
    /// why, so the window can say it. Practice mode can still start.
    pub fn failed(why: IpcError) -> ActiveWizard {
        ActiveWizard {
            runner: RwLock::new(Err(why)),
            generation: Arc::new(AtomicU64::new(0)),
            practice: Mutex::new(None),
        }
    }

    fn runner(&self) -> Result<Arc<WizardRunner>, IpcError> {
        self.runner.read().expect("wizard slot").clone()
    }

    /// The current view.
    pub fn view(&self) -> Result<View, IpcError> {
        Ok(self.runner()?.view())
    }

    /// Applies the window's event, given as the JSON it sent. Parsed here rather than by Tauri so
    /// that a malformed event is refused as `{code, message}` like every other error.
    pub fn send(&self, event: serde_json::Value) -> Result<View, IpcError> {
        let event: UserEvent = serde_json::from_value(event).map_err(IpcError::not_a_user_event)?;
        Ok(self.runner()?.send(event))
    }

    /// Whether practice mode is on.
    pub fn in_practice(&self) -> bool {
        self.practice.lock().expect("practice slot").is_some()
    }

    /// Switches to practice mode: a new runner over `ctx`, keeping `session` alive with it.
    pub fn start_practice<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        ctx: Context,
        options: WizardOptions,
        session: practice::Session,
    ) -> View {
        let runner = spawn_runner(app, &self.generation, ctx, options);
        let view = runner.view();
        *self.runner.write().expect("wizard slot") = Ok(runner);
        *self.practice.lock().expect("practice slot") = Some(session);
        view
    }
}

/// A runner on Tauri's tokio runtime whose views reach the main window while it is current.
fn spawn_runner<R: Runtime>(
    app: &AppHandle<R>,
    generation: &Arc<AtomicU64>,
    ctx: Context,
    options: WizardOptions,
) -> Arc<WizardRunner> {
    let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
    let current = generation.clone();
    let app = app.clone();
    let runtime = tauri::async_runtime::handle().inner().clone();
    WizardRunner::new(ctx, options, runtime, move |view| {
        if current.load(Ordering::SeqCst) != mine {
            return;
        }
        if let Err(e) = app.emit_to(MAIN_WINDOW, VIEW_EVENT, view) {
            // Nothing to show it in: the window is gone or closing.
            eprintln!("xero-connect-wizard: could not send a view to the window: {e}");
        }
    })
}
