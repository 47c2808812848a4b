//! What the wizard remembers, grouped by the part of the journey that owns it: the settings it
//! was started with, where the user is, what they typed (the draft), the consent in progress,
//! the connection being worked on, the saved connections page, and the work in flight.
//!
//! Only `transitions` changes these, and only `render` reads them to build the view.

use super::unfinished::{Kept, UnfinishedSetup};
use super::view::{Busy, ConsentState, StepProgress, TestSuccess};
use crate::apis::Api;
use crate::connection::Connection;
use crate::credentials::{CredentialCheck, Problem};
use crate::domain::{AppType, RedirectUri};
use crate::endpoints::Endpoints;
use crate::error::Error;
use crate::plan;
use crate::secret::Secret;

/// The simulator's demo app, offered in practice mode.
#[derive(Debug, Clone)]
pub struct PracticeCredentials {
    /// The demo Client ID.
    pub client_id: String,
    /// The demo secret (never shown: the input says it was filled in).
    pub client_secret: Secret,
}

/// How a wizard is set up.
#[derive(Debug, Clone, Default)]
pub struct WizardOptions {
    /// Practice mode's demo credentials.
    pub practice: Option<PracticeCredentials>,
    /// The redirect URIs to register and listen on (empty: [`crate::domain::DEFAULT_REDIRECT_URI`]).
    pub redirect_uris: Vec<RedirectUri>,
    /// The vendor profile in force: its product name, portal values, app types, redirect URIs
    /// and exact scopes replace the generic ones.
    pub profile: Option<crate::profile::Profile>,
    /// The unfinished first setup kept from an earlier run, offered on Welcome as "Continue
    /// where you left off" (ignored in practice mode).
    pub unfinished: Option<UnfinishedSetup>,
}

/// The screen the user is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Welcome,
    CreateApp,
    Credentials,
    Scopes,
    Consent,
    ChooseOrganisation,
    Test,
    Connections,
    /// "Check this computer", reached from Welcome and from every failure.
    Checkup,
}

/// Which numbered path the steps belong to. On reconnect the connection is `Wizard::subject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Journey {
    Setup,
    Reconnect,
}

impl Journey {
    /// The numbered steps of this journey in order, each with the screens it covers: "Step N of
    /// M" on every view, and the unfinished setup's sentence, are counted from here, so a new
    /// step is numbered in this one place. Screens outside every step (Welcome, the connections
    /// page, "Check this computer") show no step.
    pub(super) fn steps(self) -> &'static [&'static [Stage]] {
        match self {
            Journey::Setup => &[
                &[Stage::CreateApp],
                &[Stage::Credentials],
                &[Stage::Scopes],
                &[Stage::Consent],
                &[Stage::ChooseOrganisation],
                &[Stage::Test],
            ],
            // A reconnect keeps its scopes: its consent and organisation choice are one step.
            Journey::Reconnect => &[
                &[Stage::CreateApp],
                &[Stage::Credentials],
                &[Stage::Consent, Stage::ChooseOrganisation, Stage::Scopes],
                &[Stage::Test],
            ],
        }
    }

    /// "Step N of M" for `stage` on this journey, if it is one of its steps.
    pub(super) fn step_of(self, stage: Stage) -> Option<StepProgress> {
        let steps = self.steps();
        let at = steps.iter().position(|covers| covers.contains(&stage))?;
        Some(StepProgress { step: at as u8 + 1, of: steps.len() as u8 })
    }
}

/// What the wizard was started with; it never changes.
#[derive(Debug, Clone)]
pub(super) struct Config {
    pub(super) endpoints: Endpoints,
    pub(super) practice: Option<PracticeCredentials>,
    pub(super) redirect_uris: Vec<RedirectUri>,
    pub(super) profile: Option<crate::profile::Profile>,
}

/// What the user entered on the create-app, credentials and scopes steps.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) app_type: AppType,
    /// The new connection's name (first setup; on reconnect the subject's name is shown).
    pub(super) name: String,
    pub(super) client_id: String,
    /// A secret is in place without being typed again (accepted before going Back, or practice).
    pub(super) secret_provided: bool,
    pub(super) problems: Vec<Problem>,
    pub(super) name_problem: Option<String>,
    pub(super) apis: Vec<Api>,
    /// The checked credentials between the credentials step and Allow access (Rust side only).
    pub(super) accepted: Option<CredentialCheck>,
    /// How many times the inputs were filled in by Rust (practice credentials).
    pub(super) prefilled: u32,
    /// Reconnect replaces the connection's broad accounting scopes by granular ones.
    pub(super) granular_scopes: bool,
    /// Reconnect proves the secret kept in the keychain instead of a pasted one.
    pub(super) saved_secret: bool,
}

/// The name a first connection is offered.
pub(super) const DEFAULT_NAME: &str = "My business";

impl Default for Draft {
    fn default() -> Self {
        Draft {
            app_type: AppType::Web,
            name: DEFAULT_NAME.into(),
            client_id: String::new(),
            secret_provided: false,
            problems: Vec::new(),
            name_problem: None,
            apis: vec![Api::DEFAULT],
            accepted: None,
            prefilled: 0,
            granular_scopes: false,
            saved_secret: false,
        }
    }
}

/// The consent step: where it stands and what it shows.
#[derive(Debug, Clone)]
pub(super) struct ConsentStep {
    pub(super) state: ConsentState,
    /// The consent address, once the browser was asked to open it.
    pub(super) url: Option<String>,
    /// The redirect URI the listener bound.
    pub(super) listening_on: Option<String>,
    /// Likely causes after a timeout.
    pub(super) hints: Vec<String>,
    /// Why the wizard went to Xero's page by itself, or asks for a choice of one organisation.
    pub(super) notice: Option<String>,
    /// Why the last pasted address was refused (the wait goes on).
    pub(super) paste_problem: Option<String>,
    /// The browser forced https on the listener: what happened and how to clear it.
    pub(super) https_forced: Option<String>,
}

impl Default for ConsentStep {
    fn default() -> Self {
        ConsentStep {
            state: ConsentState::Ready,
            url: None,
            listening_on: None,
            hints: Vec::new(),
            notice: None,
            paste_problem: None,
            https_forced: None,
        }
    }
}

/// The saved connections, as the welcome screen and the connections page show them.
#[derive(Debug, Clone, Default)]
pub(super) struct Saved {
    pub(super) list: Vec<Connection>,
    /// The connection whose Disconnect waits for confirmation.
    pub(super) confirm_disconnect: Option<String>,
    /// When the list was read (Unix milliseconds): each authorisation's validity is as of then.
    pub(super) loaded_at_ms: u64,
}

/// The last Test Connection: for which connection, and its success.
#[derive(Debug, Clone, Default)]
pub(super) struct Testing {
    /// The connection tested last (its error's buttons name it).
    pub(super) name: Option<String>,
    pub(super) result: Option<TestSuccess>,
}

/// "Check this computer": the last report, and the screen to go back to.
#[derive(Debug, Clone)]
pub(super) struct Checkup {
    pub(super) report: Option<crate::doctor::Report>,
    pub(super) back_to: Stage,
}

impl Default for Checkup {
    fn default() -> Self {
        Checkup { report: None, back_to: Stage::Welcome }
    }
}

/// The wizard's state. See the module documentation of `wizard`.
#[derive(Debug)]
pub struct Wizard {
    pub(super) config: Config,
    pub(super) stage: Stage,
    pub(super) journey: Journey,
    pub(super) draft: Draft,
    pub(super) consent: ConsentStep,
    /// The connection this journey set up, reconnects, or chooses an organisation for.
    pub(super) subject: Option<Connection>,
    pub(super) testing: Testing,
    pub(super) saved: Saved,
    pub(super) checkup: Checkup,
    /// Work in flight (spinner, Cancel).
    pub(super) busy: Option<Busy>,
    /// The last failure, until the user moves on.
    pub(super) error: Option<Error>,
    /// The unfinished first setup, and what of it the runner's memory has (`unfinished`).
    pub(super) memory: Kept,
}

impl Wizard {
    /// A wizard on the welcome screen; apply `Outcome::ConnectionsLoaded` first (the runner does).
    pub fn new(endpoints: Endpoints, options: WizardOptions) -> Wizard {
        // The starting app type and redirect URIs (`plan`): the profile's, else the defaults and
        // the redirect URIs the window was started with.
        let profile = options.profile.as_ref();
        let redirect_uris = plan::redirect_uris(profile, Some(options.redirect_uris));
        let mut draft = Draft { app_type: plan::default_app_type(profile), ..Draft::default() };
        if let Some(name) = options.profile.as_ref().and_then(|p| p.connection_name.as_ref()) {
            draft.name = name.clone();
        }
        let kept = if options.practice.is_some() { None } else { options.unfinished };
        Wizard {
            config: Config { endpoints, practice: options.practice, redirect_uris, profile: options.profile },
            stage: Stage::Welcome,
            journey: Journey::Setup,
            draft,
            consent: ConsentStep::default(),
            subject: None,
            testing: Testing::default(),
            saved: Saved::default(),
            checkup: Checkup::default(),
            busy: None,
            error: None,
            memory: Kept::started_with(kept),
        }
    }

    /// The options this wizard was made with, for a fresh one with the same settings (nothing
    /// unfinished: the caller carries its own `memory` over).
    pub(super) fn options(&self) -> WizardOptions {
        WizardOptions {
            practice: self.config.practice.clone(),
            redirect_uris: self.config.redirect_uris.clone(),
            profile: self.config.profile.clone(),
            unfinished: None,
        }
    }

    /// A fresh wizard on the welcome screen with the same settings and saved connections, and
    /// a sentence saying why: what the runner puts in place after a panic (`runner`).
    pub(super) fn restarted(&self) -> Wizard {
        let mut fresh = Wizard::new(self.config.endpoints.clone(), self.options());
        fresh.saved = self.saved.clone();
        fresh.memory = self.memory.clone();
        fresh.error = Some(Error::new(
            crate::error::ErrorCode::Cancelled,
            "Something went wrong inside the wizard, so it stopped what it was doing and started again here. \
             Saved connections are as they were; start the step again.",
        ));
        fresh
    }

    /// The name of the connection on the current path: the draft's on first setup, the
    /// subject's on reconnect.
    pub(super) fn connection_name(&self) -> String {
        match (self.journey, &self.subject) {
            (Journey::Reconnect, Some(c)) => c.name.clone(),
            _ => self.draft.name.trim().to_string(),
        }
    }
}
