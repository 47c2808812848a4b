//! The wizard's runner: owns the state machine, performs its effects on the tokio runtime with
//! the core's flows, feeds their outcomes back, and pushes every new view to the window.
//!
//! One consent wait at a time can be cancelled; the window's Cancel ends it through a oneshot.
//!
//! A panic must not disable the window: a panic while the state is locked, or in background
//! work, starts the wizard again on its welcome screen with a sentence saying so (issue 17),
//! instead of leaving a poisoned lock that fails every later call or a spinner that never ends.

use super::events::{Outcome, UserEvent};
use super::state::{Wizard, WizardOptions};
use super::transitions::Effect;
use super::unfinished::{SetupMemory, UnfinishedSetup};
use super::view::View;
use crate::context::Context;
use crate::flows;
use crate::paste::{PasteSender, PastedAddresses};
use crate::progress::Step;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

type ViewSink = Box<dyn Fn(View) + Send + Sync>;

/// A running wizard. Create it with [`WizardRunner::new`]; send user events with `send`.
pub struct WizardRunner {
    state: Mutex<Wizard>,
    ctx: Context,
    runtime: tokio::runtime::Handle,
    on_view: ViewSink,
    cancel: Mutex<Option<oneshot::Sender<()>>>,
    /// Where a pasted address goes: the consent waiting now, if any.
    paste: Mutex<Option<PasteSender>>,
    /// Where an unfinished first setup is kept between runs (none: nothing is kept).
    memory: Option<Arc<dyn SetupMemory>>,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

impl WizardRunner {
    /// A wizard on the welcome screen with the saved connections already loaded (a read of the
    /// settings file), so its first view is complete: a window drawing it at once must not show
    /// "no saved connection" for a moment. `on_view` is called with every view that background
    /// work produces; `memory` receives every change of the unfinished setup (`unfinished`).
    pub fn new(
        ctx: Context,
        options: WizardOptions,
        memory: Option<Arc<dyn SetupMemory>>,
        runtime: tokio::runtime::Handle,
        on_view: impl Fn(View) + Send + Sync + 'static,
    ) -> Arc<WizardRunner> {
        let mut wizard = Wizard::new(ctx.endpoints.clone(), options);
        let follow_up = wizard.apply(Outcome::ConnectionsLoaded(flows::list(&ctx)), now_ms());
        let runner = Arc::new(WizardRunner {
            state: Mutex::new(wizard),
            ctx,
            runtime,
            on_view: Box::new(on_view),
            cancel: Mutex::new(None),
            paste: Mutex::new(None),
            memory,
        });
        for e in follow_up {
            runner.perform(e);
        }
        runner
    }

    /// The state, under its lock. A lock poisoned by a panic is recovered with the wizard
    /// started again (the state may have been left half-changed).
    fn state(&self) -> MutexGuard<'_, Wizard> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => {
                let mut state = poisoned.into_inner();
                *state = state.restarted();
                self.state.clear_poison();
                state
            }
        }
    }

    /// Runs background work; if it panics, the wizard starts again and says so.
    fn spawn(self: &Arc<Self>, work: impl Future<Output = ()> + Send + 'static) {
        let handle = self.runtime.spawn(work);
        let me = self.clone();
        self.runtime.spawn(async move {
            if handle.await.is_err_and(|e| e.is_panic()) {
                {
                    let mut state = me.state();
                    *state = state.restarted();
                }
                (me.on_view)(me.view());
            }
        });
    }

    /// The current view (built under the state's lock, so view numbers follow the states).
    pub fn view(&self) -> View {
        self.state().view()
    }

    /// Applies a user's event and returns the view right after it; work it starts reports
    /// later through `on_view`.
    pub fn send(self: &Arc<Self>, event: UserEvent) -> View {
        let (effects, kept) = {
            let mut state = self.state();
            (state.handle(event, now_ms()), state.take_unfinished_change())
        };
        self.keep(kept);
        for e in effects {
            self.perform(e);
        }
        self.view()
    }

    fn apply(self: &Arc<Self>, outcome: Outcome) {
        let (effects, kept) = {
            let mut state = self.state();
            (state.apply(outcome, now_ms()), state.take_unfinished_change())
        };
        self.keep(kept);
        for e in effects {
            self.perform(e);
        }
        (self.on_view)(self.view());
    }

    /// Hands a change of the unfinished setup to the memory, outside the state's lock.
    fn keep(&self, change: Option<Option<UnfinishedSetup>>) {
        if let (Some(memory), Some(kept)) = (&self.memory, change) {
            memory.remember(kept.as_ref());
        }
    }

    /// A cancel signal for the next wait; replacing an old one leaves its wait running alone.
    fn cancel_signal(&self) -> impl Future<Output = ()> {
        let (tx, rx) = oneshot::channel::<()>();
        *self.cancel.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
        async move {
            if rx.await.is_err() {
                // The sender was replaced or dropped without a cancel: never fire.
                std::future::pending::<()>().await;
            }
        }
    }

    /// The receiving end of pasted addresses for the next consent; replacing an old one ends
    /// its pastes.
    fn pastes(&self) -> PastedAddresses {
        let (tx, rx) = crate::paste::channel();
        *self.paste.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
        rx
    }

    fn progress(self: &Arc<Self>) -> impl Fn(Step) + Send + Sync + 'static {
        let me = self.clone();
        move |step| me.apply(Outcome::Progress(step))
    }

    fn perform(self: &Arc<Self>, effect: Effect) {
        let me = self.clone();
        match effect {
            Effect::Cancel => {
                if let Some(tx) = self.cancel.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    let _ = tx.send(());
                }
            }
            Effect::Paste(address) => {
                if let Some(tx) = self.paste.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
                    tx.send(address);
                }
            }
            Effect::OpenUrl(url) => {
                if let Err(reason) = self.ctx.browser.open(&url) {
                    self.apply(Outcome::BrowserFailed { url, reason });
                }
            }
            Effect::LoadConnections => {
                self.spawn(async move {
                    let list = flows::list(&me.ctx);
                    me.apply(Outcome::ConnectionsLoaded(list));
                });
            }
            Effect::Setup(mut request) => {
                let cancel = self.cancel_signal();
                request.consent.pasted = self.pastes();
                self.spawn(async move {
                    let progress = me.progress();
                    let result = flows::setup(&me.ctx, *request, &progress, cancel).await;
                    me.apply(Outcome::SetupDone(result));
                });
            }
            Effect::Reconnect(mut request) => {
                let cancel = self.cancel_signal();
                request.consent.pasted = self.pastes();
                self.spawn(async move {
                    let progress = me.progress();
                    let result = flows::reconnect(&me.ctx, *request, &progress, cancel).await;
                    me.apply(Outcome::ReconnectDone(result));
                });
            }
            Effect::AddOrganisations { name } => {
                let cancel = self.cancel_signal();
                let options = flows::ConsentOptions { pasted: self.pastes(), ..Default::default() };
                self.spawn(async move {
                    let progress = me.progress();
                    let result = flows::add_organisations(&me.ctx, &name, &options, &progress, cancel).await;
                    me.apply(Outcome::OrganisationsAdded(result));
                });
            }
            Effect::ChooseOrganisation { name, tenant_id } => {
                self.spawn(async move {
                    let result = flows::choose_organisation(&me.ctx, &name, &tenant_id);
                    me.apply(Outcome::OrganisationChosen(result));
                });
            }
            Effect::Test { name } => self.test(name),
            Effect::CheckComputer { redirect_uris } => {
                self.runtime.spawn(async move {
                    let report = crate::doctor::check_computer(&me.ctx, &redirect_uris).await;
                    me.apply(Outcome::Checked(report));
                });
            }
            Effect::Rename { name, new_name } => {
                self.spawn(async move {
                    let result = flows::rename(&me.ctx, &name, &new_name);
                    me.apply(Outcome::Renamed(result));
                });
            }
            Effect::Disconnect { name } => {
                self.spawn(async move {
                    let result = flows::disconnect(&me.ctx, &name, &crate::progress::Silent).await.map(|o| o.name);
                    me.apply(Outcome::Disconnected(result));
                });
            }
        }
    }

    /// Test Connection. Cancellable only while it waits for another program's refresh (the
    /// view's busy says so); dropping the test there leaves nothing half-done.
    fn test(self: &Arc<Self>, name: String) {
        let me = self.clone();
        let cancel = self.cancel_signal();
        self.spawn(async move {
            // Only that wait changes what the window shows, so only it (and the refresh that
            // ends it) becomes a view: a plain test pushes no view of its own before its
            // result, which keeps Test Connection as quick as it was.
            let waited = std::sync::atomic::AtomicBool::new(false);
            let relay = me.progress();
            let progress = move |step: Step| {
                let forward = match step {
                    Step::WaitingForOtherRefresh { .. } => {
                        waited.store(true, Ordering::SeqCst);
                        true
                    }
                    Step::Refreshing => waited.load(Ordering::SeqCst),
                    _ => false,
                };
                if forward {
                    relay(step);
                }
            };
            let result = tokio::select! {
                r = flows::test_connection(&me.ctx, &name, None, &progress) => r,
                _ = cancel => Err(crate::Error::new(crate::ErrorCode::Cancelled, "Test Connection was cancelled.")),
            };
            me.apply(Outcome::Tested(result));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::Browser;
    use crate::endpoints::Endpoints;
    use crate::settings::SettingsFile;
    use crate::vault::{MemoryStore, Vault};

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_panic_while_the_state_is_locked_restarts_the_wizard_instead_of_failing_every_call() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context {
            endpoints: Endpoints::all_at("http://127.0.0.1:5055").unwrap(),
            http: crate::http_client(),
            vault: Vault::new(Arc::new(MemoryStore::default())),
            settings: SettingsFile::at(dir.path()),
            browser: Browser::Manual,
        };
        let runner = WizardRunner::new(ctx, WizardOptions::default(), None, tokio::runtime::Handle::current(), |_| {});
        runner.send(UserEvent::StartSetup);
        let poisoned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _state = runner.state.lock().unwrap();
            panic!("a bug in a transition");
        }));
        assert!(poisoned.is_err() && runner.state.is_poisoned());
        let view = serde_json::to_value(runner.view()).unwrap();
        assert_eq!(view["screen"]["kind"], "welcome", "{view}");
        assert!(view["error"]["message"].as_str().unwrap().contains("started again"), "{view}");
        // Later calls work as before.
        let view = serde_json::to_value(runner.send(UserEvent::StartSetup)).unwrap();
        assert_eq!(view["screen"]["kind"], "create_app", "{view}");
    }
}
