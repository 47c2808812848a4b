//! How the wizard moves: `handle` takes what the user did, `apply` what the work reported, and
//! both return the work to do next as `Effect`s. No I/O and no clock here: the runner performs
//! the effects and passes the time in, so every path is unit-tested (see `tests`).

use super::events::{Outcome, UserEvent};
use super::state::{Journey, Stage, Wizard};
use super::view::{Busy, ConsentState, TestSuccess};
use super::words;
use crate::apis::Api;
use crate::connection::Connection;
use crate::credentials::{self, CredentialCheck, Severity};
use crate::domain::{check_name, AppType};
use crate::error::{Error, ErrorCode};
use crate::flows::{NewCredentials, ReconnectRequest, SetupRequest};
use crate::plan::{self, Choices, Conflict, Fixed, ReconnectPlan};
use crate::progress::Step;
use crate::scopes;
use crate::secret::Secret;

/// Work for the runner.
#[derive(Debug)]
pub enum Effect {
    /// Read the saved connections.
    LoadConnections,
    /// Open a URL in the user's browser (portal, or the consent page again).
    OpenUrl(String),
    /// First setup: consent (or client_credentials) and save.
    Setup(Box<SetupRequest>),
    /// Reconnect: prove the new secret, consent only if needed.
    Reconnect(Box<ReconnectRequest>),
    /// Consent again for the subject connection, adding organisations.
    AddOrganisations {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
    },
    /// Save the organisation choice.
    ChooseOrganisation {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
        /// The tenant ID.
        tenant_id: String,
    },
    /// Test Connection.
    Test {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
    },
    /// Rename a connection.
    Rename {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
        /// The new name: 1 to 64 letters, digits, spaces, dots, dashes or underscores.
        new_name: String,
    },
    /// Disconnect at Xero and forget the connection.
    Disconnect {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
    },
    /// Stop the running wait (consent, or another program's refresh).
    Cancel,
    /// Hand a pasted address to the waiting consent (checked there, like the listener's requests).
    Paste(Secret),
    /// Check this computer, for these redirect URIs.
    CheckComputer {
        /// The redirect URIs the wizard listens on.
        redirect_uris: Vec<crate::domain::RedirectUri>,
    },
}

impl Wizard {
    /// The scopes a consent asks for (`plan`): the profile's exactly, else the ticked presets'.
    pub(super) fn scopes(&self) -> Vec<String> {
        plan::consent_scopes(self.config.profile.as_ref(), Some(scopes::for_apis(&self.draft.apis)))
    }

    /// What a reconnect of `conn` changes (`plan`): the profile's scopes and redirect URIs, else
    /// the saved broad scopes replaced when asked.
    fn reconnect_plan(&self, conn: &Connection) -> Result<ReconnectPlan, Error> {
        let profile = self.config.profile.as_ref();
        let granular = self.draft.granular_scopes && !plan::fixes(profile, Fixed::Scopes);
        let choices =
            Choices { scopes: granular.then(|| scopes::granular_replacement(&conn.scopes)), ..Choices::default() };
        plan::for_reconnect(profile, conn.app_type, &conn.scopes, choices).map_err(|c| match c {
            Conflict::Refused(e) => e,
            // The window offers nothing a profile fixes.
            Conflict::FixedByProfile { product, .. } => Error::new(
                ErrorCode::InvalidProfile,
                format!("The profile of {product} fixes this connection's scopes and redirect URIs."),
            ),
        })
    }

    fn start_busy(&mut self, label: &str, cancellable: bool, now_ms: u64) {
        self.busy = Some(Busy { label: label.into(), since_ms: now_ms, cancellable });
        self.error = None;
    }

    fn set_busy_label(&mut self, label: &str) {
        if let Some(b) = &mut self.busy {
            b.label = label.into();
        }
    }

    fn go(&mut self, stage: Stage) {
        self.stage = stage;
        self.error = None;
    }

    /// A fresh wizard with the same settings, keeping the saved connections and what is kept of
    /// an unfinished setup.
    fn start_afresh(&mut self) {
        let saved = std::mem::take(&mut self.saved);
        let memory = std::mem::take(&mut self.memory);
        *self = Wizard { saved, memory, ..Wizard::new(self.config.endpoints.clone(), self.options()) };
    }

    /// A user's action; the work it starts, as effects.
    pub fn handle(&mut self, event: UserEvent, now_ms: u64) -> Vec<Effect> {
        let effects = self.handle_event(event, now_ms);
        self.note_unfinished();
        effects
    }

    /// One line per event: what it does is the method it names.
    fn handle_event(&mut self, event: UserEvent, now_ms: u64) -> Vec<Effect> {
        // While work runs only Cancel (and, during a consent, Open again and a pasted address)
        // is accepted: a second click must not start it twice.
        if self.busy.is_some()
            && !matches!(event, UserEvent::Cancel | UserEvent::OpenAgain | UserEvent::PasteAddress { .. })
        {
            return Vec::new();
        }
        match event {
            // Between screens.
            UserEvent::Home => self.open_screen(Stage::Welcome),
            UserEvent::OpenConnections => self.open_screen(Stage::Connections),
            UserEvent::Next => self.next(now_ms),
            UserEvent::Back => self.back(),
            UserEvent::CheckComputer => self.check_computer(now_ms),
            // Starting a journey.
            UserEvent::StartSetup => self.start_setup(),
            UserEvent::ContinueSetup => self.continue_unfinished(),
            UserEvent::StartReconnect { name, granular_scopes } => self.start_reconnect(&name, granular_scopes),
            UserEvent::ReconnectWithSavedSecret { name } => self.reconnect_with_saved_secret(&name, now_ms),
            // The create-app, credentials and scopes steps.
            UserEvent::ChooseAppType { app_type } => self.choose_app_type(app_type),
            UserEvent::ChangeAppType => self.change_app_type(),
            UserEvent::OpenPortal => vec![Effect::OpenUrl(self.config.endpoints.portal_my_apps())],
            UserEvent::CredentialsEdited { name, client_id, secret_shape } => {
                self.credentials_edited(name, client_id, &secret_shape)
            }
            UserEvent::FillPracticeCredentials => self.fill_practice_credentials(),
            UserEvent::SubmitCredentials { name, client_id, client_secret } => {
                if self.journey == Journey::Setup {
                    self.draft.name = name;
                }
                self.draft.client_id = client_id;
                self.submit(client_secret.0, now_ms)
            }
            UserEvent::ToggleApi { api } => self.toggle_api(api),
            // Allowing access.
            UserEvent::AllowAccess => self.allow_access(now_ms),
            UserEvent::OpenAgain => self.consent.url.clone().map(Effect::OpenUrl).into_iter().collect(),
            UserEvent::PasteAddress { address } => self.paste_address(address.0),
            UserEvent::Cancel => self.cancel(),
            // The organisation, the test and the saved connections.
            UserEvent::ChooseOrganisation { tenant_id } => self.choose_organisation(tenant_id, now_ms),
            UserEvent::AddOrganisation => self.add_organisation(now_ms),
            UserEvent::ChooseOrganisationOf { name } => self.choose_organisation_of(&name),
            UserEvent::TestConnection { name } => self.test_connection(name, now_ms),
            UserEvent::Rename { name, new_name } => {
                self.start_busy(words::RENAMING, false, now_ms);
                vec![Effect::Rename { name, new_name: new_name.trim().to_string() }]
            }
            UserEvent::Disconnect { name } => {
                self.saved.confirm_disconnect = Some(name);
                Vec::new()
            }
            UserEvent::CancelDisconnect => {
                self.saved.confirm_disconnect = None;
                Vec::new()
            }
            UserEvent::ConfirmDisconnect => self.confirm_disconnect(now_ms),
        }
    }

    /// Welcome or the connections page, with the saved connections read again.
    fn open_screen(&mut self, stage: Stage) -> Vec<Effect> {
        self.go(stage);
        vec![Effect::LoadConnections]
    }

    fn start_setup(&mut self) -> Vec<Effect> {
        self.start_afresh();
        self.go(Stage::CreateApp);
        Vec::new()
    }

    fn continue_unfinished(&mut self) -> Vec<Effect> {
        if let Some(kept) = self.unfinished().cloned() {
            self.start_afresh();
            self.continue_setup(kept);
        }
        Vec::new()
    }

    /// A type the profile allows, on a first setup (a reconnect keeps the connection's).
    fn choose_app_type(&mut self, app_type: AppType) -> Vec<Effect> {
        let allowed = self.config.profile.as_ref().is_none_or(|p| p.app_types.contains(&app_type));
        if self.journey == Journey::Setup && allowed {
            self.draft.app_type = app_type;
            self.recheck("");
        }
        Vec::new()
    }

    fn change_app_type(&mut self) -> Vec<Effect> {
        if self.journey == Journey::Setup {
            self.go(Stage::CreateApp);
        }
        Vec::new()
    }

    fn credentials_edited(&mut self, name: String, client_id: String, secret_shape: &str) -> Vec<Effect> {
        if self.journey == Journey::Setup {
            self.draft.name = name;
        }
        self.draft.client_id = client_id;
        if !secret_shape.is_empty() {
            self.draft.secret_provided = false;
        }
        self.recheck(secret_shape);
        Vec::new()
    }

    fn fill_practice_credentials(&mut self) -> Vec<Effect> {
        if let Some(p) = &self.config.practice {
            self.draft.client_id = p.client_id.clone();
            self.draft.secret_provided = true;
            self.draft.prefilled += 1;
            self.recheck("");
        }
        Vec::new()
    }

    /// Ticks or unticks a preset; the last one stays ticked, and a profile's scopes are fixed.
    fn toggle_api(&mut self, api: Api) -> Vec<Effect> {
        if self.config.profile.is_some() {
            return Vec::new();
        }
        let apis = &mut self.draft.apis;
        if apis.contains(&api) {
            if apis.len() > 1 {
                apis.retain(|a| *a != api);
            }
        } else {
            apis.push(api);
            apis.sort_by_key(|a| Api::ALL.iter().position(|x| x == a));
        }
        Vec::new()
    }

    fn paste_address(&mut self, address: Secret) -> Vec<Effect> {
        if self.stage == Stage::Consent && self.consent.state == ConsentState::Waiting {
            self.consent.paste_problem = None;
            vec![Effect::Paste(address)]
        } else {
            Vec::new()
        }
    }

    fn cancel(&mut self) -> Vec<Effect> {
        if self.busy.as_ref().is_some_and(|b| b.cancellable) {
            vec![Effect::Cancel]
        } else {
            Vec::new()
        }
    }

    fn choose_organisation(&mut self, tenant_id: String, now_ms: u64) -> Vec<Effect> {
        let Some(name) = self.subject.as_ref().map(|c| c.name.clone()) else { return Vec::new() };
        self.start_busy(words::SAVING_CHOICE, false, now_ms);
        vec![Effect::ChooseOrganisation { name, tenant_id }]
    }

    fn add_organisation(&mut self, now_ms: u64) -> Vec<Effect> {
        let Some(name) = self.subject.as_ref().map(|c| c.name.clone()) else { return Vec::new() };
        self.stage = Stage::Consent;
        self.consent.state = ConsentState::Waiting;
        self.start_busy(words::WAITING_FOR_CONSENT, true, now_ms);
        vec![Effect::AddOrganisations { name }]
    }

    fn choose_organisation_of(&mut self, name: &str) -> Vec<Effect> {
        if let Some(conn) = self.saved.list.iter().find(|c| c.name == name).cloned() {
            self.subject = Some(conn);
            self.testing.result = None;
            self.go(Stage::ChooseOrganisation);
        }
        Vec::new()
    }

    /// Test Connection for `name`, else the current connection; on the connections page the
    /// page stays, elsewhere the test step shows the result.
    fn test_connection(&mut self, name: Option<String>, now_ms: u64) -> Vec<Effect> {
        let Some(name) = name.or_else(|| self.subject.as_ref().map(|c| c.name.clone())) else {
            return Vec::new();
        };
        if self.stage != Stage::Connections {
            self.stage = Stage::Test;
            self.testing.result = None;
        }
        self.testing.name = Some(name.clone());
        self.start_busy(words::CALLING_XERO, false, now_ms);
        vec![Effect::Test { name }]
    }

    /// "Check this computer", remembering the screen to go back to.
    fn check_computer(&mut self, now_ms: u64) -> Vec<Effect> {
        if self.stage != Stage::Checkup {
            self.checkup.back_to = self.stage;
        }
        self.stage = Stage::Checkup;
        self.checkup.report = None;
        // The failure that led here stays in the report's words; the box goes.
        self.start_busy(words::CHECKING_COMPUTER, false, now_ms);
        vec![Effect::CheckComputer { redirect_uris: self.config.redirect_uris.clone() }]
    }

    fn confirm_disconnect(&mut self, now_ms: u64) -> Vec<Effect> {
        let Some(name) = self.saved.confirm_disconnect.take() else { return Vec::new() };
        self.start_busy(words::DISCONNECTING, false, now_ms);
        vec![Effect::Disconnect { name }]
    }

    fn start_reconnect(&mut self, name: &str, granular_scopes: bool) -> Vec<Effect> {
        let Some(conn) = self.saved.list.iter().find(|c| c.name == name).cloned() else {
            self.error = Some(Error::new(ErrorCode::UnknownConnection, format!("No connection is called \"{name}\".")));
            return Vec::new();
        };
        // A profile that does not allow this connection's app type (say a custom-only one for a
        // web app) has no redirect URI or scopes for it: refused here, before anything starts.
        if let Err(e) = self.reconnect_plan(&conn) {
            self.error = Some(e);
            return Vec::new();
        }
        self.journey = Journey::Reconnect;
        self.consent.notice = None;
        self.draft.accepted = None;
        self.draft.app_type = conn.app_type;
        self.draft.client_id = conn.client_id.clone();
        self.draft.secret_provided = false;
        self.draft.saved_secret = false;
        self.draft.granular_scopes = granular_scopes && !conn.broad_scopes().is_empty();
        self.subject = Some(conn);
        self.testing.result = None;
        self.recheck("");
        self.go(Stage::CreateApp);
        Vec::new()
    }

    /// A reconnect that skips the credentials step: the saved secret is proven at once (a
    /// refresh, then a consent when Xero asks for one). Should Xero refuse it after all, the
    /// credentials step asks for a pasted one (`ReconnectDone`'s `invalid_client`).
    fn reconnect_with_saved_secret(&mut self, name: &str, now_ms: u64) -> Vec<Effect> {
        self.start_reconnect(name, false);
        if self.journey != Journey::Reconnect || self.stage != Stage::CreateApp {
            return Vec::new();
        }
        // The credentials step shows the secret as in place; it is where a refusal lands.
        self.draft.saved_secret = true;
        self.draft.secret_provided = true;
        self.recheck("");
        self.stage = Stage::Credentials;
        self.prove_saved_secret(now_ms)
    }

    fn prove_saved_secret(&mut self, now_ms: u64) -> Vec<Effect> {
        self.consent.state = ConsentState::Ready;
        self.start_busy(words::PROVING_SAVED_SECRET, true, now_ms);
        vec![Effect::Reconnect(Box::new(self.reconnect_request(NewCredentials::Saved)))]
    }

    fn back(&mut self) -> Vec<Effect> {
        if self.stage == Stage::Scopes && self.draft.accepted.is_some() {
            // The secret was accepted already: the field says so instead of asking again.
            self.draft.secret_provided = true;
        }
        let back = match self.stage {
            Stage::Checkup => self.checkup.back_to,
            Stage::CreateApp | Stage::Connections | Stage::Test => Stage::Welcome,
            Stage::Credentials => Stage::CreateApp,
            Stage::Scopes => Stage::Credentials,
            Stage::Consent if self.journey == Journey::Setup => Stage::Scopes,
            Stage::Consent => Stage::Credentials,
            other => other,
        };
        self.go(back);
        if back == Stage::Welcome {
            return vec![Effect::LoadConnections];
        }
        Vec::new()
    }

    fn next(&mut self, now_ms: u64) -> Vec<Effect> {
        match self.stage {
            Stage::CreateApp => {
                self.recheck("");
                self.go(Stage::Credentials);
                Vec::new()
            }
            Stage::Scopes => {
                self.consent.state = ConsentState::Ready;
                self.go(Stage::Consent);
                Vec::new()
            }
            Stage::ChooseOrganisation if self.subject.as_ref().is_some_and(|c| c.tenant_id.is_some()) => {
                self.go(Stage::Test);
                Vec::new()
            }
            Stage::Consent if self.consent.state == ConsentState::Ready => self.allow_access(now_ms),
            _ => Vec::new(),
        }
    }

    /// Runs the checks on the Client ID and the secret's shape (or the practice secret).
    pub(super) fn recheck(&mut self, secret_shape: &str) {
        let secret = if !self.draft.app_type.has_secret() {
            None
        } else if self.draft.secret_provided {
            self.provided_secret().map(|s| credentials::secret_shape(s.expose()))
        } else {
            Some(secret_shape.to_string())
        };
        self.draft.problems = credentials::check(&self.draft.client_id, secret.as_deref()).problems;
        let name = self.draft.name.trim();
        self.draft.name_problem = match self.journey {
            Journey::Setup => match check_name(name) {
                Err(e) => Some(e.message().to_string()),
                Ok(()) if self.saved.list.iter().any(|c| c.name.eq_ignore_ascii_case(name)) => {
                    Some(words::name_taken(name))
                }
                Ok(()) => None,
            },
            Journey::Reconnect => None,
        };
    }

    /// A secret the user need not type again: entered before going Back, or practice mode's.
    pub(super) fn provided_secret(&self) -> Option<Secret> {
        self.draft
            .accepted
            .as_ref()
            .and_then(|c| c.client_secret.clone())
            .or_else(|| self.config.practice.as_ref().map(|p| p.client_secret.clone()))
    }

    pub(super) fn can_continue(&self) -> bool {
        self.draft.name_problem.is_none() && !self.draft.problems.iter().any(|p| p.severity == Severity::Blocking)
    }

    fn submit(&mut self, client_secret: Secret, now_ms: u64) -> Vec<Effect> {
        // Next again after the saved secret's reconnect stopped short (no network, Cancel):
        // the saved secret again, unless one was pasted instead.
        if self.journey == Journey::Reconnect && self.draft.saved_secret && client_secret.expose().is_empty() {
            return self.prove_saved_secret(now_ms);
        }
        let secret = if !self.draft.app_type.has_secret() {
            None
        } else if self.draft.secret_provided && client_secret.expose().is_empty() {
            self.provided_secret()
        } else {
            Some(client_secret)
        };
        let secret = secret.as_ref().map(Secret::expose);
        let check = credentials::check(&self.draft.client_id, secret);
        self.recheck(&secret.map(credentials::secret_shape).unwrap_or_default());
        // The real check may find what the shape could not (a pasted label): show it.
        self.draft.problems = check.problems.clone();
        if !self.can_continue() {
            return Vec::new();
        }
        self.draft.client_id = check.client_id.clone();
        match self.journey {
            Journey::Setup if self.draft.app_type == AppType::Custom => {
                self.stage = Stage::Test;
                self.start_busy(words::REQUESTING_TOKEN, false, now_ms);
                vec![Effect::Setup(Box::new(self.setup_request(check)))]
            }
            Journey::Setup => {
                self.draft.accepted = Some(check);
                self.go(Stage::Scopes);
                Vec::new()
            }
            Journey::Reconnect => {
                let request = self.reconnect_request(check.clone().into());
                self.draft.saved_secret = false;
                self.draft.accepted = Some(check);
                self.consent.state = ConsentState::Ready;
                self.start_busy(words::PROVING_SECRET, true, now_ms);
                vec![Effect::Reconnect(Box::new(request))]
            }
        }
    }

    fn setup_request(&self, check: CredentialCheck) -> SetupRequest {
        SetupRequest {
            name: self.connection_name(),
            app_type: self.draft.app_type,
            credentials: check,
            scopes: self.scopes(),
            redirect_uris: self.config.redirect_uris.clone(),
            tenant: None,
            consent: Default::default(),
            profile: self.config.profile.as_ref().map(|p| p.reference()),
        }
    }

    fn reconnect_request(&self, credentials: NewCredentials) -> ReconnectRequest {
        // Checked when the reconnect started (`start_reconnect`); nothing changes otherwise.
        let plan = self.subject.as_ref().and_then(|c| self.reconnect_plan(c).ok());
        let plan = plan.unwrap_or(ReconnectPlan { scopes: None, redirect_uris: None });
        ReconnectRequest {
            name: self.connection_name(),
            credentials,
            scopes: plan.scopes,
            redirect_uris: plan.redirect_uris,
            tenant: None,
            consent: Default::default(),
            profile: self.config.profile.as_ref().map(|p| p.reference()),
        }
    }

    fn allow_access(&mut self, now_ms: u64) -> Vec<Effect> {
        self.stage = Stage::Consent;
        self.consent.state = ConsentState::Waiting;
        self.consent.url = None;
        self.consent.hints.clear();
        self.consent.paste_problem = None;
        self.consent.https_forced = None;
        self.start_busy(words::WAITING_FOR_CONSENT, true, now_ms);
        match (self.journey, &self.draft.accepted) {
            (Journey::Setup, Some(check)) => vec![Effect::Setup(Box::new(self.setup_request(check.clone())))],
            (Journey::Setup, None) => {
                // The secret is only held between the credentials step and Allow access.
                self.busy = None;
                self.consent.state = ConsentState::Ready;
                self.go(Stage::Credentials);
                Vec::new()
            }
            (Journey::Reconnect, Some(check)) => {
                vec![Effect::Reconnect(Box::new(self.reconnect_request(check.clone().into())))]
            }
            (Journey::Reconnect, None) if self.draft.saved_secret => {
                vec![Effect::Reconnect(Box::new(self.reconnect_request(NewCredentials::Saved)))]
            }
            (Journey::Reconnect, None) => vec![Effect::AddOrganisations { name: self.connection_name() }],
        }
    }

    /// The result of an effect; the work that follows, as effects.
    pub fn apply(&mut self, outcome: Outcome, now_ms: u64) -> Vec<Effect> {
        let effects = self.apply_outcome(outcome, now_ms);
        self.note_unfinished();
        effects
    }

    /// One line per outcome: what it does is the method it names. Every finished piece of work
    /// ends the busy state first.
    fn apply_outcome(&mut self, outcome: Outcome, now_ms: u64) -> Vec<Effect> {
        let finished =
            !matches!(outcome, Outcome::Progress(_) | Outcome::BrowserFailed { .. } | Outcome::ConnectionsLoaded(_));
        if finished {
            self.busy = None;
        }
        match outcome {
            Outcome::Progress(step) => {
                self.progressed(step, now_ms);
                Vec::new()
            }
            Outcome::Checked(report) => {
                self.checkup.report = Some(report);
                Vec::new()
            }
            Outcome::BrowserFailed { url, reason } => {
                self.error = Some(Error::new(
                    ErrorCode::BrowserUnavailable,
                    format!("The browser could not be opened ({reason}): open {url} in a browser yourself."),
                ));
                Vec::new()
            }
            Outcome::SetupDone(result) => self.setup_done(result),
            Outcome::ReconnectDone(result) => self.reconnect_done(result),
            Outcome::OrganisationsAdded(Ok(conn)) => self.after_consent(conn),
            Outcome::OrganisationsAdded(Err(e)) => {
                self.consent_failed(e);
                Vec::new()
            }
            Outcome::OrganisationChosen(result) => {
                match result {
                    Ok(conn) => {
                        self.subject = Some(conn);
                        self.consent.notice = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                vec![Effect::LoadConnections]
            }
            Outcome::Tested(result) => self.tested(result),
            Outcome::Renamed(result) => self.changed(result.map(|_| ())),
            Outcome::Disconnected(result) => self.changed(result.map(|_| ())),
            Outcome::ConnectionsLoaded(result) => {
                self.connections_loaded(result, now_ms);
                Vec::new()
            }
        }
    }

    fn setup_done(&mut self, result: Result<crate::flows::SetupOutcome, Error>) -> Vec<Effect> {
        match result {
            Ok(out) => {
                self.draft.accepted = None;
                self.forget_unfinished();
                self.after_consent(out.connection)
            }
            Err(e) => {
                self.setup_failed(e);
                Vec::new()
            }
        }
    }

    fn reconnect_done(&mut self, result: Result<crate::flows::ReconnectOutcome, Error>) -> Vec<Effect> {
        match result {
            Ok(out) => {
                self.draft.accepted = None;
                if let Some(gone) = &out.organisation_gone {
                    self.consent.notice = Some(words::choose_after_gone(gone));
                }
                self.after_consent(out.connection)
            }
            // What was typed, or the saved secret, is at fault (Xero refused it, or none is
            // kept): the credentials step asks for one.
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::InvalidClient | ErrorCode::WrongAppType | ErrorCode::CredentialProblem
                ) =>
            {
                if self.draft.saved_secret {
                    // Xero refused the saved secret, or none is kept: one must be pasted.
                    self.draft.saved_secret = false;
                    self.draft.secret_provided = false;
                    self.recheck("");
                }
                self.stage = Stage::Credentials;
                self.error = Some(e);
                Vec::new()
            }
            // Still on the credentials step: the refresh itself failed, no consent began.
            Err(e) if self.stage != Stage::Consent => {
                if e.code() != ErrorCode::Cancelled {
                    self.error = Some(e);
                }
                Vec::new()
            }
            Err(e) => {
                self.consent_failed(e);
                Vec::new()
            }
        }
    }

    fn tested(&mut self, result: Result<crate::probe::TestReport, Error>) -> Vec<Effect> {
        match result {
            Ok(report) => {
                self.testing.result = Some(TestSuccess {
                    organisation: report.organisation,
                    api: report.api,
                    answered_by: report.answered_by,
                    authorised_by: report.authorised_by,
                    tested_at: report.tested_at,
                    clock: report.clock.map(|c| c.sentence),
                });
                self.error = None;
            }
            // Cancelled while waiting for another program's refresh: nothing to report.
            Err(e) if e.code() == ErrorCode::Cancelled => self.error = None,
            Err(e) => {
                self.testing.result = None;
                self.error = Some(e);
            }
        }
        vec![Effect::LoadConnections]
    }

    /// A rename or disconnect finished: its failure is shown, and the list read again.
    fn changed(&mut self, result: Result<(), Error>) -> Vec<Effect> {
        if let Err(e) = result {
            self.error = Some(e);
        }
        vec![Effect::LoadConnections]
    }

    /// The saved connections, read as of `now_ms`; the connection being worked on follows its
    /// saved state.
    fn connections_loaded(&mut self, result: Result<Vec<Connection>, Error>, now_ms: u64) {
        match result {
            Ok(list) => {
                self.saved.loaded_at_ms = now_ms;
                if let Some(cur) = &self.subject {
                    self.subject = list.iter().find(|c| c.id == cur.id).cloned().or(self.subject.take());
                }
                self.saved.list = list;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// A running flow reported progress: the busy label and the consent step follow it.
    fn progressed(&mut self, step: Step, now_ms: u64) {
        match step {
            Step::Listening { redirect_uri } => self.consent.listening_on = Some(redirect_uri),
            Step::BrowserOpened { url } | Step::OpenThisUrl { url, .. } => {
                self.stage = Stage::Consent;
                self.consent.state = ConsentState::Waiting;
                self.consent.url = Some(url);
                self.start_busy(words::WAITING_FOR_CONSENT, true, now_ms);
            }
            Step::WaitingForOtherRefresh { timeout_secs } => {
                if let Some(b) = &mut self.busy {
                    b.label = words::waiting_for_other_refresh(timeout_secs);
                    b.cancellable = true;
                }
            }
            // The lock was taken: from here the refresh must finish (a rotated refresh token is
            // stored before use), so Cancel goes away.
            Step::Refreshing => {
                if let Some(b) = &mut self.busy {
                    b.cancellable = false;
                }
            }
            Step::PasteRefused { message } => self.consent.paste_problem = Some(message),
            Step::BrowserForcedHttps { message } => {
                self.consent.https_forced = Some(format!("{message} {}", words::PASTE_HTTPS_ADDRESS))
            }
            Step::OrganisationGone { message } => {
                self.consent.notice = Some(message);
                self.stage = Stage::Consent;
                self.consent.state = ConsentState::Waiting;
            }
            Step::ConsentNeeded => {
                self.consent.notice = Some(words::CONSENT_NEEDED.to_string());
                self.stage = Stage::Consent;
                self.consent.state = ConsentState::Waiting;
            }
            Step::CheckingCredentials { .. } | Step::ExchangingCode | Step::ListingOrganisations => {
                if let Some(label) = step.sentence() {
                    self.set_busy_label(&label);
                }
            }
            _ => {}
        }
    }

    /// After tokens are stored: the organisation is chosen when the connection needs it (see
    /// [`Connection::needs_organisation_choice`]), else Test Connection comes next.
    fn after_consent(&mut self, conn: Connection) -> Vec<Effect> {
        self.consent.state = ConsentState::Ready;
        let choose = conn.needs_organisation_choice();
        if !choose {
            self.consent.notice = None;
        }
        self.subject = Some(conn);
        self.testing.result = None;
        self.go(if choose { Stage::ChooseOrganisation } else { Stage::Test });
        vec![Effect::LoadConnections]
    }

    /// First setup failed: what the user typed is at fault → back to the credentials step with
    /// the finding where it belongs; otherwise the consent step says what happened.
    fn setup_failed(&mut self, e: Error) {
        match e.code() {
            ErrorCode::ConnectionExists => {
                // Shown under the name field, where it is fixed; the accepted secret is kept.
                self.go(Stage::Credentials);
                self.draft.secret_provided = self.draft.accepted.is_some();
                self.draft.name_problem = Some(e.message().to_string());
            }
            ErrorCode::InvalidClient | ErrorCode::CredentialProblem | ErrorCode::WrongAppType => {
                // The secret itself may be what Xero refused: it is asked for again.
                self.draft.accepted = None;
                self.draft.secret_provided = false;
                self.consent.state = ConsentState::Ready;
                self.stage = Stage::Credentials;
                self.error = Some(e);
            }
            // A custom connection has no consent step to come back to.
            _ if self.draft.app_type == AppType::Custom => {
                self.stage = Stage::Credentials;
                if e.code() != ErrorCode::Cancelled {
                    self.error = Some(e);
                }
            }
            _ => self.consent_failed(e),
        }
    }

    fn consent_failed(&mut self, e: Error) {
        self.stage = Stage::Consent;
        match e.code() {
            ErrorCode::ConsentDenied => self.consent.state = ConsentState::Denied,
            ErrorCode::ConsentTimeout => {
                self.consent.state = ConsentState::TimedOut;
                let uri = self
                    .consent
                    .listening_on
                    .clone()
                    .or_else(|| self.config.redirect_uris.first().map(|u| u.as_str().to_string()))
                    .unwrap_or_default();
                self.consent.hints = crate::loopback::timeout_causes(&uri);
            }
            ErrorCode::Cancelled => self.consent.state = ConsentState::Ready,
            _ => {
                self.consent.state = ConsentState::Ready;
                self.error = Some(e);
            }
        }
    }
}
