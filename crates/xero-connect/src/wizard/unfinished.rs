//! An unfinished first setup, kept between runs of the window (issue 18): closing the window to
//! go to Xero's developer portal, a restart or a crash must not lose what was typed. Only what
//! the user could read off the screen is kept — connection name, Client ID, app type, the
//! chosen APIs and the step reached — never the client secret, never a token: the secret is
//! asked for again, and lives only in the keychain once the connection works. A name or Client
//! ID holding something shaped like a secret (pasted into the wrong field) is kept empty.
//!
//! The wizard decides what is kept (`Wizard::unfinished`, updated after every event and
//! outcome); the runner hands each change to a [`SetupMemory`] that the desktop shell provides
//! (a store file in the app's data folder). Practice mode keeps nothing: its values belong to
//! the simulator.

use super::state::{Draft, Journey, Stage, Wizard};
use super::view::StepProgress;
use crate::apis::Api;
use crate::credentials;
use crate::domain::AppType;
use crate::plan::{self, Fixed};
use serde::{Deserialize, Serialize};

/// The steps of a first setup that can be continued later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    /// Create the app in Xero's developer portal.
    CreateApp,
    /// Paste the Client ID and secret.
    Credentials,
    /// Choose the APIs.
    Scopes,
    /// Allow access in Xero's page.
    AllowAccess,
}

impl SetupStep {
    /// Each step and the screen it is: the one mapping between the two.
    const SCREENS: [(SetupStep, Stage); 4] = [
        (SetupStep::CreateApp, Stage::CreateApp),
        (SetupStep::Credentials, Stage::Credentials),
        (SetupStep::Scopes, Stage::Scopes),
        (SetupStep::AllowAccess, Stage::Consent),
    ];

    /// The step a screen is, if it is one that can be continued.
    fn of(stage: Stage) -> Option<SetupStep> {
        SetupStep::SCREENS.iter().find(|(_, s)| *s == stage).map(|(step, _)| *step)
    }

    /// The screen of this step.
    fn screen(self) -> Stage {
        SetupStep::SCREENS.iter().find(|(step, _)| *step == self).map(|(_, s)| *s).expect("every step has its screen")
    }
}

/// What is kept of an unfinished first setup: non-secret values only (see the module
/// documentation). Serialised as JSON in the desktop shell's store; a value this version cannot
/// read (say from a newer one) is treated as nothing kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnfinishedSetup {
    /// The connection's name as typed.
    pub name: String,
    /// The Client ID as typed (an identifier Xero shows in the portal and puts in addresses;
    /// not a secret).
    pub client_id: String,
    /// The integration type chosen.
    pub app_type: AppType,
    /// The API presets ticked.
    pub apis: Vec<Api>,
    /// The step the user was on.
    pub step: SetupStep,
}

/// Where the runner keeps an unfinished setup. `remember(None)` forgets it (the setup finished,
/// or a new one replaced it). Called on the runner's threads after the state changed; a failure
/// to write is the implementation's to report or ignore: the wizard goes on either way.
pub trait SetupMemory: Send + Sync {
    /// Keeps `unfinished`, replacing what was kept.
    fn remember(&self, unfinished: Option<&UnfinishedSetup>);
}

impl Wizard {
    /// The setup to offer on Welcome as "Continue where you left off", if one is unfinished.
    pub fn unfinished(&self) -> Option<&UnfinishedSetup> {
        self.memory.current.as_ref()
    }

    /// Notes the draft after a change (the end of `handle` and `apply`): on a first setup's
    /// steps it becomes the unfinished setup; elsewhere what was kept stays.
    pub(super) fn note_unfinished(&mut self) {
        if self.config.practice.is_some() || self.journey != Journey::Setup {
            return;
        }
        let Some(step) = SetupStep::of(self.stage) else { return };
        let d = &self.draft;
        // A secret pasted into the name or Client ID field is not written down: that field is
        // kept empty instead.
        let unless_secret =
            |text: &str| if credentials::may_hold_secret(text) { String::new() } else { text.to_string() };
        self.memory.current = Some(UnfinishedSetup {
            name: unless_secret(&d.name),
            client_id: unless_secret(&d.client_id),
            app_type: d.app_type,
            apis: d.apis.clone(),
            step,
        });
    }

    /// "Step N of M" of the step `u` reached, as the setup numbers it.
    pub(super) fn step_of(&self, u: &UnfinishedSetup) -> StepProgress {
        Journey::Setup.step_of(u.step.screen()).expect("every setup step is numbered")
    }

    /// The first setup finished: nothing is unfinished any more.
    pub(super) fn forget_unfinished(&mut self) {
        self.memory.current = None;
    }

    /// The kept setup when it changed since the last call (`Some(None)`: forget it), for the
    /// runner to hand to its [`SetupMemory`].
    pub(super) fn take_unfinished_change(&mut self) -> Option<Option<UnfinishedSetup>> {
        if self.memory.current == self.memory.written {
            return None;
        }
        self.memory.written = self.memory.current.clone();
        Some(self.memory.current.clone())
    }

    /// "Continue where you left off": a first setup with the kept values, on the step reached.
    /// What the vendor profile in force does not allow (another app type, chosen APIs when it
    /// fixes the scopes) is left as the profile has it. The secret was not kept, so a step past
    /// the credentials is reached again through them — except for an app type without a
    /// secret, whose Client ID is all that step needs.
    pub(super) fn continue_setup(&mut self, kept: UnfinishedSetup) {
        let profile = self.config.profile.as_ref();
        let allowed = profile.is_none_or(|p| p.app_types.contains(&kept.app_type));
        let draft = &mut self.draft;
        *draft = Draft { prefilled: draft.prefilled + 1, ..Draft::default() };
        draft.app_type = if allowed { kept.app_type } else { plan::default_app_type(profile) };
        draft.name = kept.name;
        draft.client_id = kept.client_id;
        if !plan::fixes(profile, Fixed::Scopes) {
            let apis: Vec<Api> = Api::ALL.iter().copied().filter(|a| kept.apis.contains(a)).collect();
            if !apis.is_empty() {
                draft.apis = apis;
            }
        }
        self.journey = Journey::Setup;
        self.subject = None;
        self.recheck("");
        let mut stage = match kept.step {
            SetupStep::CreateApp => Stage::CreateApp,
            _ => Stage::Credentials,
        };
        if kept.step >= SetupStep::Scopes && !self.draft.app_type.has_secret() && self.can_continue() {
            let check = credentials::check(&self.draft.client_id, None);
            if !check.is_blocked() {
                self.draft.accepted = Some(check);
                stage = Stage::Scopes;
            }
        }
        self.stage = stage;
        self.error = None;
    }
}

/// What the wizard kept and what its memory last received.
#[derive(Debug, Clone, Default)]
pub(super) struct Kept {
    /// The unfinished setup now (offered on Welcome).
    pub(super) current: Option<UnfinishedSetup>,
    /// What the runner last handed to its memory: a change is written once.
    pub(super) written: Option<UnfinishedSetup>,
}

impl Kept {
    /// What the window was started with: kept, and already written.
    pub(super) fn started_with(kept: Option<UnfinishedSetup>) -> Kept {
        Kept { current: kept.clone(), written: kept }
    }
}
