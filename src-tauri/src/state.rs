//! The window's wizard, as managed state: the runner the commands talk to, which practice mode
//! swaps for one against the simulator, and what practice mode must keep alive. Views that
//! background work produces are published here for the window's `wizard_next_view` to collect;
//! each runner publishes only while it is the current one, so a late result of a replaced
//! runner cannot overwrite what practice mode shows.
//!
//! Why the window asks rather than being sent events: Tauri delivers events (and registers
//! listeners) by evaluating JavaScript from the app process, which starts a JavaScript engine
//! there for the window's whole life (about 3 MiB, BENCHMARKS.md). A pending command is answered
//! like any other, and the window cannot miss a view published before it started asking.

use crate::error::IpcError;
use crate::practice;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::watch;
use xero_connect::wizard::{SetupMemory, UserEvent, View, WizardOptions, WizardRunner};
use xero_connect::Context;

/// The one window's label (tauri.conf.json, capabilities/default.json).
pub const MAIN_WINDOW: &str = "main";

/// The wizard behind the window. See the module documentation.
pub struct ActiveWizard {
    runner: RwLock<Result<Arc<WizardRunner>, IpcError>>,
    /// Bumped on every new runner; a runner's views are published only while it matches.
    generation: Arc<AtomicU64>,
    /// The newest view background work produced.
    published: Arc<watch::Sender<Option<View>>>,
    practice: Mutex<Option<practice::Session>>,
}

impl ActiveWizard {
    /// A wizard over `ctx`, keeping an unfinished setup in `memory`.
    pub fn running(
        ctx: Context,
        options: WizardOptions,
        memory: Option<Arc<dyn SetupMemory>>,
        practice: Option<practice::Session>,
    ) -> ActiveWizard {
        let generation = Arc::new(AtomicU64::new(0));
        let published = Arc::new(watch::Sender::new(None));
        let runner = spawn_runner(&generation, &published, ctx, options, memory);
        ActiveWizard { runner: RwLock::new(Ok(runner)), generation, published, practice: Mutex::new(practice) }
    }

    /// No wizard could start (a bad `XERO_*_URL`, no config directory): every command reports
    /// why, so the window can say it. Practice mode can still start.
    pub fn failed(why: IpcError) -> ActiveWizard {
        ActiveWizard {
            runner: RwLock::new(Err(why)),
            generation: Arc::new(AtomicU64::new(0)),
            published: Arc::new(watch::Sender::new(None)),
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

    /// The first view published by background work that is newer than view number `after` (the
    /// newest the window has drawn); waits for one.
    pub async fn next_view(&self, after: u64) -> Result<View, IpcError> {
        self.runner()?;
        let mut views = self.published.subscribe();
        let newer = views.wait_for(|v| v.as_ref().is_some_and(|v| v.seq > after)).await;
        let view = newer.expect("the sender lives as long as the wizard").clone();
        Ok(view.expect("wait_for saw a view"))
    }

    /// Makes `view` the newest published one (what the current runner's background work calls).
    fn publish(published: &watch::Sender<Option<View>>, view: View) {
        published.send_replace(Some(view));
    }

    #[cfg(test)]
    pub(crate) fn publish_for_tests(&self, view: View) {
        ActiveWizard::publish(&self.published, view);
    }

    /// Whether practice mode is on.
    pub fn in_practice(&self) -> bool {
        self.practice.lock().expect("practice slot").is_some()
    }

    /// Switches to practice mode: a new runner over `ctx`, keeping `session` alive with it.
    pub fn start_practice(&self, ctx: Context, options: WizardOptions, session: practice::Session) -> View {
        let runner = spawn_runner(&self.generation, &self.published, ctx, options, None);
        let view = runner.view();
        *self.runner.write().expect("wizard slot") = Ok(runner);
        *self.practice.lock().expect("practice slot") = Some(session);
        view
    }
}

/// A runner on Tauri's tokio runtime whose views are published while it is current.
fn spawn_runner(
    generation: &Arc<AtomicU64>,
    published: &Arc<watch::Sender<Option<View>>>,
    ctx: Context,
    options: WizardOptions,
    memory: Option<Arc<dyn SetupMemory>>,
) -> Arc<WizardRunner> {
    let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
    let current = generation.clone();
    let published = published.clone();
    let runtime = tauri::async_runtime::handle().inner().clone();
    WizardRunner::new(ctx, options, memory, runtime, move |view| {
        if current.load(Ordering::SeqCst) == mine {
            ActiveWizard::publish(&published, view);
        }
    })
}
