//! The wizard as a state machine: `handle(UserEvent)` and `apply(Outcome)` change the state and
//! return the work to do as `Effect`s; `view()` renders the state. No I/O and no clock here —
//! the runner performs the effects and passes the time in — so every path is unit-tested.

use super::events::{Outcome, UserEvent};
use super::view::*;
use crate::credentials::{self, Problem, Severity};
use crate::endpoints::Endpoints;
use crate::error::{Error, ErrorCode, Remedy};
use crate::progress::Step;
use crate::registration::{AppType, RedirectUri, RegistrationGuide, DEFAULT_REDIRECT_URI};
use crate::registry::{check_name, Connection};
use crate::scopes::{self, Api};
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
    /// The redirect URIs to register and listen on (default: the core's default).
    pub redirect_uris: Vec<RedirectUri>,
}

/// Work for the runner.
#[derive(Debug)]
pub enum Effect {
    /// Read the saved connections.
    LoadConnections,
    /// Open a URL in the user's browser (portal, or the consent page again).
    OpenUrl(String),
    /// First setup: consent (or client_credentials) and save.
    Setup(Box<crate::flows::SetupRequest>),
    /// Reconnect: prove the new secret, consent only if needed.
    Reconnect(Box<crate::flows::ReconnectRequest>),
    /// Consent again for the current connection, adding organisations.
    AddOrganisations {
        /// The connection.
        name: String,
    },
    /// Save the organisation choice.
    ChooseOrganisation {
        /// The connection.
        name: String,
        /// The tenant ID.
        tenant_id: String,
    },
    /// Test Connection.
    Test {
        /// The connection.
        name: String,
    },
    /// Rename a connection.
    Rename {
        /// The connection.
        name: String,
        /// Its new name.
        new_name: String,
    },
    /// Disconnect at Xero and remove.
    Remove {
        /// The connection.
        name: String,
    },
    /// Stop the running consent wait.
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Welcome,
    CreateApp,
    Credentials,
    Scopes,
    Consent,
    ChooseOrganisation,
    Test,
    Connections,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Path {
    Setup,
    Reconnect(String),
}

/// The wizard's state. See the module documentation.
#[derive(Debug)]
pub struct Wizard {
    endpoints: Endpoints,
    practice: Option<PracticeCredentials>,
    redirect_uris: Vec<RedirectUri>,
    stage: Stage,
    path: Path,
    app_type: AppType,
    name: String,
    client_id: String,
    secret_provided: bool,
    problems: Vec<Problem>,
    name_problem: Option<String>,
    apis: Vec<Api>,
    consent: ConsentState,
    consent_url: Option<String>,
    listening_on: Option<String>,
    hints: Vec<String>,
    current: Option<Connection>,
    test: Option<TestSuccess>,
    connections: Vec<Connection>,
    confirm_disconnect: Option<String>,
    /// The connection the last Test Connection was for (its error's action names it).
    tested: Option<String>,
    busy: Option<Busy>,
    error: Option<Error>,
    /// Checked credentials between the credentials step and Allow access (Rust side only).
    pending: Option<credentials::CredentialCheck>,
    /// Why the wizard went to Xero's page by itself, or asks for a choice of one organisation
    /// (the saved authorisation expired, or the saved organisation is no longer connected).
    notice: Option<String>,
}

const DEFAULT_NAME: &str = "My business";

impl Wizard {
    /// A wizard on the welcome screen; apply `Outcome::ConnectionsLoaded` first (the runner does).
    pub fn new(endpoints: Endpoints, options: WizardOptions) -> Wizard {
        let redirect_uris = if options.redirect_uris.is_empty() {
            vec![RedirectUri::parse(DEFAULT_REDIRECT_URI).expect("the default redirect URI is valid")]
        } else {
            options.redirect_uris
        };
        Wizard {
            endpoints,
            practice: options.practice,
            redirect_uris,
            stage: Stage::Welcome,
            path: Path::Setup,
            app_type: AppType::Web,
            name: DEFAULT_NAME.into(),
            client_id: String::new(),
            secret_provided: false,
            problems: Vec::new(),
            name_problem: None,
            apis: vec![Api::Accounting],
            consent: ConsentState::Ready,
            consent_url: None,
            listening_on: None,
            hints: Vec::new(),
            current: None,
            test: None,
            connections: Vec::new(),
            confirm_disconnect: None,
            tested: None,
            busy: None,
            error: None,
            pending: None,
            notice: None,
        }
    }

    fn scopes(&self) -> Vec<String> {
        scopes::for_apis(&self.apis)
    }

    fn start_busy(&mut self, label: &str, cancellable: bool, now_ms: u64) {
        self.busy = Some(Busy { label: label.into(), since_ms: now_ms, cancellable });
        self.error = None;
    }

    fn go(&mut self, stage: Stage) {
        self.stage = stage;
        self.error = None;
    }

    /// A user's action.
    pub fn handle(&mut self, event: UserEvent, now_ms: u64) -> Vec<Effect> {
        // While work runs only Cancel is accepted: a second click must not start it twice.
        if self.busy.is_some() && !matches!(event, UserEvent::Cancel | UserEvent::OpenAgain) {
            return Vec::new();
        }
        match event {
            UserEvent::Home => {
                self.go(Stage::Welcome);
                vec![Effect::LoadConnections]
            }
            UserEvent::OpenConnections => {
                self.go(Stage::Connections);
                vec![Effect::LoadConnections]
            }
            UserEvent::StartSetup => {
                let options =
                    WizardOptions { practice: self.practice.clone(), redirect_uris: self.redirect_uris.clone() };
                *self = Wizard {
                    connections: std::mem::take(&mut self.connections),
                    ..Wizard::new(self.endpoints.clone(), options)
                };
                self.path = Path::Setup;
                self.go(Stage::CreateApp);
                Vec::new()
            }
            UserEvent::StartReconnect { name } => match self.connections.iter().find(|c| c.name == name).cloned() {
                Some(conn) => {
                    self.notice = None;
                    self.pending = None;
                    self.path = Path::Reconnect(conn.name.clone());
                    self.app_type = conn.app_type;
                    self.name = conn.name.clone();
                    self.client_id = conn.client_id.clone();
                    self.secret_provided = false;
                    self.current = Some(conn);
                    self.test = None;
                    self.recheck("");
                    self.go(Stage::CreateApp);
                    Vec::new()
                }
                None => {
                    self.error =
                        Some(Error::new(ErrorCode::UnknownConnection, format!("No connection is called \"{name}\".")));
                    Vec::new()
                }
            },
            UserEvent::ChooseAppType { app_type } => {
                if self.path == Path::Setup {
                    self.app_type = app_type;
                    self.recheck("");
                }
                Vec::new()
            }
            UserEvent::ChangeAppType => {
                if self.path == Path::Setup {
                    self.go(Stage::CreateApp);
                }
                Vec::new()
            }
            UserEvent::ChooseOrganisationOf { name } => {
                if let Some(conn) = self.connections.iter().find(|c| c.name == name).cloned() {
                    self.current = Some(conn);
                    self.test = None;
                    self.go(Stage::ChooseOrganisation);
                }
                Vec::new()
            }
            UserEvent::OpenPortal => vec![Effect::OpenUrl(self.endpoints.portal_my_apps())],
            UserEvent::Next => self.next(now_ms),
            UserEvent::Back => {
                if self.stage == Stage::Scopes && self.pending.is_some() {
                    // The secret was accepted already: the field says so instead of asking again.
                    self.secret_provided = true;
                }
                let back = match self.stage {
                    Stage::CreateApp | Stage::Connections | Stage::Test => Stage::Welcome,
                    Stage::Credentials => Stage::CreateApp,
                    Stage::Scopes => Stage::Credentials,
                    Stage::Consent if self.path == Path::Setup => Stage::Scopes,
                    Stage::Consent => Stage::Credentials,
                    other => other,
                };
                self.go(back);
                if back == Stage::Welcome {
                    return vec![Effect::LoadConnections];
                }
                Vec::new()
            }
            UserEvent::CredentialsEdited { name, client_id, secret_shape } => {
                if self.path == Path::Setup {
                    self.name = name;
                }
                self.client_id = client_id;
                if !secret_shape.is_empty() {
                    self.secret_provided = false;
                }
                self.recheck(&secret_shape);
                Vec::new()
            }
            UserEvent::FillPracticeCredentials => {
                if let Some(p) = &self.practice {
                    self.client_id = p.client_id.clone();
                    self.secret_provided = true;
                    self.recheck("");
                }
                Vec::new()
            }
            UserEvent::SubmitCredentials { name, client_id, client_secret } => {
                if self.path == Path::Setup {
                    self.name = name;
                }
                self.client_id = client_id;
                self.submit(client_secret, now_ms)
            }
            UserEvent::ToggleApi { api } => {
                if self.apis.contains(&api) {
                    if self.apis.len() > 1 {
                        self.apis.retain(|a| *a != api);
                    }
                } else {
                    self.apis.push(api);
                    self.apis.sort_by_key(|a| Api::ALL.iter().position(|x| x == a));
                }
                Vec::new()
            }
            UserEvent::AllowAccess => self.allow_access(now_ms),
            UserEvent::OpenAgain => self.consent_url.clone().map(Effect::OpenUrl).into_iter().collect(),
            UserEvent::Cancel => {
                if self.busy.as_ref().is_some_and(|b| b.cancellable) {
                    vec![Effect::Cancel]
                } else {
                    Vec::new()
                }
            }
            UserEvent::ChooseOrganisation { tenant_id } => match &self.current {
                Some(c) => {
                    let name = c.name.clone();
                    self.start_busy("Saving your choice…", false, now_ms);
                    vec![Effect::ChooseOrganisation { name, tenant_id }]
                }
                None => Vec::new(),
            },
            UserEvent::AddOrganisation => match &self.current {
                Some(c) => {
                    let name = c.name.clone();
                    self.stage = Stage::Consent;
                    self.consent = ConsentState::Waiting;
                    self.start_busy("Waiting for you to allow access in Xero…", true, now_ms);
                    vec![Effect::AddOrganisations { name }]
                }
                None => Vec::new(),
            },
            UserEvent::TestConnection { name } => {
                let name = match name.or_else(|| self.current.as_ref().map(|c| c.name.clone())) {
                    Some(n) => n,
                    None => return Vec::new(),
                };
                if self.stage != Stage::Connections {
                    self.stage = Stage::Test;
                    self.test = None;
                }
                self.tested = Some(name.clone());
                self.start_busy("Calling Xero…", false, now_ms);
                vec![Effect::Test { name }]
            }
            UserEvent::Rename { name, new_name } => {
                self.start_busy("Renaming…", false, now_ms);
                vec![Effect::Rename { name, new_name: new_name.trim().to_string() }]
            }
            UserEvent::Disconnect { name } => {
                self.confirm_disconnect = Some(name);
                Vec::new()
            }
            UserEvent::CancelDisconnect => {
                self.confirm_disconnect = None;
                Vec::new()
            }
            UserEvent::ConfirmDisconnect => match self.confirm_disconnect.take() {
                Some(name) => {
                    self.start_busy("Disconnecting at Xero…", false, now_ms);
                    vec![Effect::Remove { name }]
                }
                None => Vec::new(),
            },
        }
    }

    fn next(&mut self, now_ms: u64) -> Vec<Effect> {
        match self.stage {
            Stage::CreateApp => {
                self.recheck("");
                self.go(Stage::Credentials);
                Vec::new()
            }
            Stage::Scopes => {
                self.consent = ConsentState::Ready;
                self.go(Stage::Consent);
                Vec::new()
            }
            Stage::ChooseOrganisation if self.current.as_ref().is_some_and(|c| c.tenant_id.is_some()) => {
                self.go(Stage::Test);
                Vec::new()
            }
            Stage::Consent if self.consent == ConsentState::Ready => self.allow_access(now_ms),
            _ => Vec::new(),
        }
    }

    /// Runs the checks on the Client ID and the secret's shape (or the practice secret).
    fn recheck(&mut self, secret_shape: &str) {
        let secret = if !self.app_type.has_secret() {
            None
        } else if self.secret_provided {
            self.provided_secret().map(|s| credentials::secret_shape(s.expose()))
        } else {
            Some(secret_shape.to_string())
        };
        self.problems = credentials::check(&self.client_id, secret.as_deref()).problems;
        self.name_problem = match self.path {
            Path::Setup => match check_name(self.name.trim()) {
                Err(e) => Some(e.message().to_string()),
                Ok(()) if self.connections.iter().any(|c| c.name.eq_ignore_ascii_case(self.name.trim())) => {
                    Some(format!("A connection called \"{}\" already exists: choose another name.", self.name.trim()))
                }
                Ok(()) => None,
            },
            Path::Reconnect(_) => None,
        };
    }

    /// A secret the user need not type again: entered before going Back, or practice mode's.
    fn provided_secret(&self) -> Option<Secret> {
        self.pending
            .as_ref()
            .and_then(|c| c.client_secret.clone())
            .or_else(|| self.practice.as_ref().map(|p| p.client_secret.clone()))
    }

    fn can_continue(&self) -> bool {
        self.name_problem.is_none() && !self.problems.iter().any(|p| p.severity == Severity::Blocking)
    }

    fn submit(&mut self, client_secret: String, now_ms: u64) -> Vec<Effect> {
        let secret = if !self.app_type.has_secret() {
            None
        } else if self.secret_provided && client_secret.is_empty() {
            self.provided_secret().map(|s| s.expose().to_string())
        } else {
            Some(client_secret)
        };
        let check = credentials::check(&self.client_id, secret.as_deref());
        self.recheck(&secret.as_deref().map(credentials::secret_shape).unwrap_or_default());
        // The real check may find what the shape could not (a pasted label): show it.
        self.problems = check.problems.clone();
        if !self.can_continue() {
            return Vec::new();
        }
        self.client_id = check.client_id.clone();
        match &self.path {
            Path::Setup if self.app_type == AppType::Custom => {
                self.stage = Stage::Test;
                self.start_busy("Asking Xero for the custom connection's token…", false, now_ms);
                vec![Effect::Setup(Box::new(self.setup_request(check)))]
            }
            Path::Setup => {
                self.pending = Some(check);
                self.go(Stage::Scopes);
                Vec::new()
            }
            Path::Reconnect(name) => {
                let request = reconnect_request(name, check.clone());
                self.pending = Some(check);
                self.consent = ConsentState::Ready;
                self.start_busy("Checking the new secret with Xero…", true, now_ms);
                vec![Effect::Reconnect(Box::new(request))]
            }
        }
    }

    fn setup_request(&self, check: credentials::CredentialCheck) -> crate::flows::SetupRequest {
        crate::flows::SetupRequest {
            name: self.name.trim().to_string(),
            app_type: self.app_type,
            credentials: check,
            scopes: self.scopes(),
            redirect_uris: self.redirect_uris.clone(),
            tenant: None,
            consent: Default::default(),
        }
    }

    fn allow_access(&mut self, now_ms: u64) -> Vec<Effect> {
        self.stage = Stage::Consent;
        self.consent = ConsentState::Waiting;
        self.consent_url = None;
        self.hints.clear();
        self.start_busy("Waiting for you to allow access in Xero…", true, now_ms);
        match (&self.path, &self.pending) {
            (Path::Setup, Some(check)) => vec![Effect::Setup(Box::new(self.setup_request(check.clone())))],
            (Path::Setup, None) => {
                // The secret is only held between the credentials step and Allow access.
                self.busy = None;
                self.consent = ConsentState::Ready;
                self.go(Stage::Credentials);
                Vec::new()
            }
            (Path::Reconnect(name), Some(check)) => {
                vec![Effect::Reconnect(Box::new(reconnect_request(name, check.clone())))]
            }
            (Path::Reconnect(name), None) => vec![Effect::AddOrganisations { name: name.clone() }],
        }
    }

    /// The result of an effect.
    pub fn apply(&mut self, outcome: Outcome, now_ms: u64) -> Vec<Effect> {
        match outcome {
            Outcome::Progress(step) => {
                match step {
                    Step::CheckingCredentials { with_secret } => self.set_busy_label(if with_secret {
                        "Checking the Client ID and secret with Xero…"
                    } else {
                        "Checking the Client ID with Xero…"
                    }),
                    Step::WaitingForOtherRefresh { timeout_secs } => {
                        if let Some(b) = &mut self.busy {
                            b.label = format!(
                                "Another copy of this program is refreshing this connection's tokens; waiting up to {timeout_secs} seconds…"
                            );
                            b.cancellable = true;
                        }
                    }
                    // The lock was taken: from here the refresh must finish (a rotated refresh
                    // token is stored before use), so Cancel goes away.
                    Step::Refreshing => {
                        if let Some(b) = &mut self.busy {
                            b.cancellable = false;
                        }
                    }
                    Step::OrganisationGone { message } => {
                        self.notice = Some(message);
                        self.stage = Stage::Consent;
                        self.consent = ConsentState::Waiting;
                    }
                    Step::Listening { redirect_uri } => self.listening_on = Some(redirect_uri),
                    Step::BrowserOpened { url } | Step::OpenThisUrl { url, .. } => {
                        self.stage = Stage::Consent;
                        self.consent = ConsentState::Waiting;
                        self.consent_url = Some(url);
                        self.start_busy("Waiting for you to allow access in Xero…", true, now_ms);
                    }
                    Step::ExchangingCode => self.set_busy_label("Xero answered; fetching the tokens…"),
                    Step::ListingOrganisations => self.set_busy_label("Listing the organisations you allowed…"),
                    Step::ConsentNeeded => {
                        self.notice = Some(
                            "Xero no longer accepts the saved authorisation (it expired or was revoked), so access must be allowed again."
                                .to_string(),
                        );
                        self.stage = Stage::Consent;
                        self.consent = ConsentState::Waiting;
                    }
                    _ => {}
                }
                Vec::new()
            }
            Outcome::BrowserFailed { url, reason } => {
                self.error = Some(Error::new(
                    ErrorCode::InvalidInput,
                    format!("The browser could not be opened ({reason}): open {url} in a browser yourself."),
                ));
                Vec::new()
            }
            Outcome::SetupDone(result) => {
                self.busy = None;
                match result {
                    Ok(out) => {
                        self.pending = None;
                        self.after_consent(out.connection)
                    }
                    Err(e) => {
                        self.setup_failed(e);
                        Vec::new()
                    }
                }
            }
            Outcome::ReconnectDone(result) => {
                self.busy = None;
                match result {
                    Ok(out) => {
                        self.pending = None;
                        if let Some(gone) = &out.organisation_gone {
                            self.notice = Some(format!(
                                "{} (ID {}) is no longer connected to this app. Choose the organisation this connection \
                                 should use from those you just allowed: a demo company that was reset keeps its name \
                                 but has a new ID.",
                                gone.name, gone.tenant_id
                            ));
                        }
                        self.after_consent(out.connection)
                    }
                    Err(e) if matches!(e.code(), ErrorCode::InvalidClient | ErrorCode::WrongAppType) => {
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
            Outcome::OrganisationsAdded(result) => {
                self.busy = None;
                match result {
                    Ok(conn) => self.after_consent(conn),
                    Err(e) => {
                        self.consent_failed(e);
                        Vec::new()
                    }
                }
            }
            Outcome::OrganisationChosen(result) => {
                self.busy = None;
                match result {
                    Ok(conn) => {
                        self.current = Some(conn);
                        self.notice = None;
                    }
                    Err(e) => self.error = Some(e),
                }
                vec![Effect::LoadConnections]
            }
            Outcome::Tested(result) => {
                self.busy = None;
                match result {
                    Ok(report) => {
                        self.test = Some(TestSuccess {
                            organisation: report.organisation,
                            authorised_by: report.authorised_by,
                            tested_at: report.tested_at,
                        });
                        self.error = None;
                    }
                    // Cancelled while waiting for another program's refresh: nothing to report.
                    Err(e) if e.code() == ErrorCode::Cancelled => self.error = None,
                    Err(e) => {
                        self.test = None;
                        self.error = Some(e);
                    }
                }
                vec![Effect::LoadConnections]
            }
            Outcome::Renamed(result) => {
                self.busy = None;
                if let Err(e) = result {
                    self.error = Some(e);
                }
                vec![Effect::LoadConnections]
            }
            Outcome::Disconnected(result) => {
                self.busy = None;
                if let Err(e) = result {
                    self.error = Some(e);
                }
                vec![Effect::LoadConnections]
            }
            Outcome::ConnectionsLoaded(result) => {
                match result {
                    Ok(list) => {
                        if let Some(cur) = &self.current {
                            self.current = list.iter().find(|c| c.id == cur.id).cloned().or(self.current.take());
                        }
                        self.connections = list;
                    }
                    Err(e) => self.error = Some(e),
                }
                Vec::new()
            }
        }
    }

    fn set_busy_label(&mut self, label: &str) {
        if let Some(b) = &mut self.busy {
            b.label = label.into();
        }
    }

    /// After tokens are stored: choose the organisation when none is chosen (several were
    /// authorised, or one that merely shares a vanished organisation's name), else go and test.
    fn after_consent(&mut self, conn: Connection) -> Vec<Effect> {
        self.consent = ConsentState::Ready;
        let choose = conn.tenant_id.is_none() && !conn.organisations.is_empty() && conn.app_type != AppType::Custom;
        if !choose {
            self.notice = None;
        }
        self.current = Some(conn);
        self.test = None;
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
                self.secret_provided = self.pending.is_some();
                self.name_problem = Some(e.message().to_string());
            }
            ErrorCode::InvalidClient | ErrorCode::CredentialProblem | ErrorCode::WrongAppType => {
                // The secret itself may be what Xero refused: it is asked for again.
                self.pending = None;
                self.secret_provided = false;
                self.consent = ConsentState::Ready;
                self.stage = Stage::Credentials;
                self.error = Some(e);
            }
            // A custom connection has no consent step to come back to.
            _ if self.app_type == AppType::Custom => {
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
            ErrorCode::ConsentDenied => self.consent = ConsentState::Denied,
            ErrorCode::ConsentTimeout => {
                self.consent = ConsentState::TimedOut;
                let uri = self.listening_on.clone().unwrap_or_else(|| self.redirect_uris[0].as_str().to_string());
                self.hints = crate::loopback::timeout_causes(&uri);
            }
            ErrorCode::Cancelled => self.consent = ConsentState::Ready,
            _ => {
                self.consent = ConsentState::Ready;
                self.error = Some(e);
            }
        }
    }

    /// What the window shows now.
    pub fn view(&self) -> View {
        let banner = self.endpoints.override_notice().map(|n| match &self.practice {
            Some(_) => "Practice mode: everything runs against a local Xero simulator on this computer; nothing is sent to Xero.".to_string(),
            None => n,
        });
        View {
            seq: 0,
            screen: self.screen(),
            progress: self.progress(),
            banner,
            practice: self.practice.is_some(),
            busy: self.busy.clone(),
            error: self.error.as_ref().map(|e| self.error_view(e)),
        }
    }

    fn progress(&self) -> Option<StepProgress> {
        let (step, of) = match (&self.path, self.stage) {
            (_, Stage::Welcome | Stage::Connections) => return None,
            (Path::Setup, s) => (
                match s {
                    Stage::CreateApp => 1,
                    Stage::Credentials => 2,
                    Stage::Scopes => 3,
                    Stage::Consent => 4,
                    Stage::ChooseOrganisation => 5,
                    _ => 6,
                },
                6,
            ),
            (Path::Reconnect(_), s) => (
                match s {
                    Stage::CreateApp => 1,
                    Stage::Credentials => 2,
                    Stage::Consent | Stage::ChooseOrganisation | Stage::Scopes => 3,
                    _ => 4,
                },
                4,
            ),
        };
        Some(StepProgress { step, of })
    }

    fn summaries(&self) -> Vec<ConnectionSummary> {
        self.connections.iter().map(summary).collect()
    }

    fn screen(&self) -> Screen {
        match self.stage {
            Stage::Welcome => Screen::Welcome {
                connections: self.summaries(),
                reconnect_unavailable: self.connections.is_empty().then(|| {
                    "There is no saved connection to reconnect yet: choose First setup to connect for the first time.".to_string()
                }),
            },
            Stage::CreateApp => {
                let guide = RegistrationGuide::new(
                    &self.endpoints,
                    Some(&self.name),
                    self.app_type,
                    &self.redirect_uris.clone(),
                    &self.scopes(),
                );
                let reconnect = matches!(self.path, Path::Reconnect(_));
                Screen::CreateApp {
                    guide,
                    reconnect,
                    reconnect_steps: if reconnect { reconnect_steps(&self.endpoints, &self.client_id) } else { Vec::new() },
                }
            }
            Stage::Credentials => {
                let mut problems = self.problems.clone();
                if let Some(p) = &self.name_problem {
                    problems.insert(
                        0,
                        Problem {
                            field: credentials::Field::Name,
                            severity: Severity::Blocking,
                            kind: credentials::ProblemKind::ConnectionName,
                            message: p.clone(),
                        },
                    );
                }
                Screen::Credentials {
                    name: self.name.clone(),
                    name_editable: self.path == Path::Setup,
                    app_type: self.app_type,
                    client_id: self.client_id.clone(),
                    secret_needed: self.app_type.has_secret(),
                    secret_provided: self.secret_provided,
                    can_continue: self.can_continue(),
                    problems,
                    practice_fill_available: self.practice.is_some() && self.path == Path::Setup,
                }
            }
            Stage::Scopes => Screen::Scopes {
                apis: Api::ALL
                    .iter()
                    .map(|a| ApiChoice { api: *a, label: a.label().into(), checked: self.apis.contains(a) })
                    .collect(),
                scopes: self.scopes(),
            },
            Stage::Consent => Screen::Consent {
                state: self.consent,
                url: self.consent_url.clone(),
                redirect_uri: self.listening_on.clone().or_else(|| Some(self.redirect_uris[0].as_str().to_string())),
                hints: self.hints.clone(),
                reason: self.notice.clone(),
            },
            Stage::ChooseOrganisation => {
                let (orgs, chosen) = match &self.current {
                    Some(c) => (c.organisations.clone(), c.tenant_id.clone()),
                    None => (Vec::new(), None),
                };
                Screen::ChooseOrganisation {
                    organisations: orgs
                        .into_iter()
                        .map(|o| OrganisationChoice {
                            selected: chosen.as_deref() == Some(o.tenant_id.as_str()),
                            tenant_id: o.tenant_id,
                            name: o.name,
                            tenant_type: o.tenant_type,
                        })
                        .collect(),
                    reason: self.notice.clone(),
                }
            }
            Stage::Test => Screen::Test {
                connection: self.current.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                organisation: self.current.as_ref().and_then(|c| c.organisation()).map(|o| o.name.clone()),
                tenant_id: self.current.as_ref().and_then(|c| c.tenant_id.clone()),
                result: self.test.clone(),
            },
            Stage::Connections => Screen::Connections {
                connections: self.summaries(),
                confirm_disconnect: self.confirm_disconnect.as_ref().map(|name| DisconnectConfirmation {
                    name: name.clone(),
                    text: disconnect_text(self.connections.iter().find(|c| &c.name == name)),
                }),
            },
        }
    }

    fn error_view(&self, e: &Error) -> ErrorView {
        let name = self.tested.clone().or_else(|| self.current.as_ref().map(|c| c.name.clone()));
        let action = |label: &str, event: serde_json::Value| Some(Action { label: label.into(), event });
        let reconnect = name.as_ref().map(|n| serde_json::json!({"event": "start_reconnect", "name": n}));
        // What fixes it, as the core says, in this window's buttons.
        let by_remedy = match e.remedy() {
            Some(Remedy::ChooseOrganisation { connection }) => action(
                "Choose the organisation",
                serde_json::json!({"event": "choose_organisation_of", "name": connection}),
            ),
            Some(Remedy::ChooseAppType) if self.path == Path::Setup => {
                action("Choose the app type", serde_json::json!({"event": "change_app_type"}))
            }
            Some(Remedy::Reconnect { connection }) => {
                action("Reconnect", serde_json::json!({"event": "start_reconnect", "name": connection}))
            }
            Some(Remedy::RegisterRedirectUri) if self.stage == Stage::Consent => {
                action("Try again", serde_json::json!({"event": "allow_access"}))
            }
            Some(Remedy::SetUp) => action("First setup", serde_json::json!({"event": "start_setup"})),
            _ => None,
        };
        let action = by_remedy.or_else(|| match e.code() {
            ErrorCode::InvalidClient => reconnect.and_then(|ev| action("Edit credentials", ev)),
            ErrorCode::InvalidGrant | ErrorCode::OrganisationDisconnected | ErrorCode::MissingScope => {
                reconnect.and_then(|ev| action("Reconnect", ev))
            }
            ErrorCode::RateLimited
            | ErrorCode::XeroUnavailable
            | ErrorCode::NoNetwork
            | ErrorCode::RefreshInProgress
                if self.tested.is_some() =>
            {
                action("Try again", serde_json::json!({"event": "test_connection", "name": name}))
            }
            _ => None,
        });
        ErrorView {
            code: e.code().as_str().to_string(),
            message: e.message().to_string(),
            action,
            retry_after_secs: e.retry_after_secs(),
        }
    }
}

fn reconnect_request(name: &str, check: credentials::CredentialCheck) -> crate::flows::ReconnectRequest {
    crate::flows::ReconnectRequest {
        name: name.to_string(),
        credentials: check,
        scopes: None,
        redirect_uris: None,
        tenant: None,
        consent: Default::default(),
    }
}

fn summary(c: &Connection) -> ConnectionSummary {
    let (status, last_test, ok) = match &c.last_test {
        None => ("Not tested yet".to_string(), "Never tested".to_string(), None),
        Some(t) if t.ok => ("Connected".to_string(), format!("OK at {}", t.at), Some(true)),
        Some(t) => (
            "Test failed".to_string(),
            format!("Failed at {}: {}", t.at, t.error_message.as_deref().unwrap_or("unknown error")),
            Some(false),
        ),
    };
    ConnectionSummary {
        name: c.name.clone(),
        organisation: c.organisation().map(|o| o.name.clone()),
        tenant_id: c.tenant_id.clone(),
        app_type: c.app_type,
        status,
        last_test,
        last_test_ok: ok,
    }
}

fn reconnect_steps(endpoints: &Endpoints, client_id: &str) -> Vec<String> {
    vec![
        format!("Open {} and sign in to Xero.", endpoints.portal_my_apps()),
        format!("Open the app whose Client ID is {client_id}."),
        "Choose \"Configuration\".".to_string(),
        "Press \"Generate another secret\" and copy it at once: Xero shows it only once.".to_string(),
        "Come back here and paste it. The old secret keeps working until you delete it in the portal.".to_string(),
    ]
}

fn disconnect_text(conn: Option<&Connection>) -> String {
    let orgs = conn
        .map(|c| c.organisations.iter().map(|o| o.name.clone()).collect::<Vec<_>>().join(", "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "its organisation".into());
    format!(
        "This disconnects {orgs} from your app at Xero and deletes the saved secret and tokens from this computer. It cannot be undone: to use Xero again you will need to set up the connection again."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::SetupOutcome;
    use crate::registry::Organisation;

    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";
    const SECRET: &str = "abcdEFGH_ijk-lmnopqrstuvwxyz0123456789ABCDEFGHIJ";

    fn wizard() -> Wizard {
        Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), WizardOptions::default())
    }

    fn json(w: &Wizard) -> String {
        serde_json::to_string(&w.view()).unwrap()
    }

    fn conn(orgs: &[(&str, &str)], tenant: Option<&str>) -> Connection {
        Connection {
            id: "id1".into(),
            name: "My business".into(),
            client_id: ID.into(),
            app_type: AppType::Web,
            scopes: vec![],
            redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
            organisations: orgs
                .iter()
                .map(|(id, name)| Organisation {
                    tenant_id: (*id).into(),
                    name: (*name).into(),
                    tenant_type: "ORGANISATION".into(),
                    connection_id: format!("c-{id}"),
                })
                .collect(),
            tenant_id: tenant.map(str::to_string),
            authorised_by: None,
            created_at: "t".into(),
            updated_at: "t".into(),
            last_test: None,
        }
    }

    fn to_consent(w: &mut Wizard) {
        w.handle(UserEvent::StartSetup, 0);
        w.handle(UserEvent::Next, 0);
        w.handle(
            UserEvent::SubmitCredentials {
                name: "My business".into(),
                client_id: ID.into(),
                client_secret: SECRET.into(),
            },
            0,
        );
        w.handle(UserEvent::Next, 0);
    }

    #[test]
    fn welcome_explains_why_reconnect_is_unavailable() {
        let mut w = wizard();
        w.apply(Outcome::ConnectionsLoaded(Ok(vec![])), 0);
        match w.view().screen {
            Screen::Welcome { reconnect_unavailable: Some(why), .. } => assert!(why.contains("First setup")),
            other => panic!("{other:?}"),
        }
        assert!(w.view().banner.unwrap().contains("Not talking to Xero"));
    }

    #[test]
    fn first_setup_walks_the_numbered_steps() {
        let mut w = wizard();
        w.handle(UserEvent::StartSetup, 0);
        assert_eq!(w.view().progress, Some(StepProgress { step: 1, of: 6 }));
        assert!(matches!(w.view().screen, Screen::CreateApp { reconnect: false, .. }));
        assert!(matches!(&w.handle(UserEvent::OpenPortal, 0)[..], [Effect::OpenUrl(u)] if u.ends_with("/app/manage")));
        w.handle(UserEvent::Next, 0);
        assert_eq!(w.view().progress.unwrap().step, 2);
        // As typed: a trailing space in the secret is a notice, and Next stays enabled.
        w.handle(
            UserEvent::CredentialsEdited {
                name: "My business".into(),
                client_id: ID.into(),
                secret_shape: credentials::secret_shape(&format!("{SECRET} ")),
            },
            0,
        );
        match w.view().screen {
            Screen::Credentials { problems, can_continue, .. } => {
                assert!(can_continue);
                assert_eq!(problems[0].message, "Client secret: 1 trailing space — removed.");
            }
            other => panic!("{other:?}"),
        }
        // Swapped fields block.
        w.handle(
            UserEvent::CredentialsEdited {
                name: "My business".into(),
                client_id: SECRET.into(),
                secret_shape: credentials::secret_shape(ID),
            },
            0,
        );
        assert!(matches!(w.view().screen, Screen::Credentials { can_continue: false, .. }));
        let effects = w.handle(
            UserEvent::SubmitCredentials {
                name: "My business".into(),
                client_id: SECRET.into(),
                client_secret: ID.into(),
            },
            0,
        );
        assert!(effects.is_empty());
        assert_eq!(w.view().progress.unwrap().step, 2, "a blocking problem keeps the user on the step");

        w.handle(
            UserEvent::SubmitCredentials {
                name: "My business".into(),
                client_id: ID.into(),
                client_secret: format!("{SECRET} "),
            },
            0,
        );
        assert!(matches!(w.view().screen, Screen::Scopes { .. }));
        w.handle(UserEvent::ToggleApi { api: Api::Payroll }, 0);
        match w.view().screen {
            Screen::Scopes { scopes, .. } => assert!(scopes.contains(&"payroll.employees".to_string())),
            other => panic!("{other:?}"),
        }
        w.handle(UserEvent::Next, 0);
        assert!(matches!(w.view().screen, Screen::Consent { state: ConsentState::Ready, .. }));
        let effects = w.handle(UserEvent::AllowAccess, 10);
        match &effects[..] {
            [Effect::Setup(req)] => {
                assert_eq!(req.credentials.client_secret.as_ref().unwrap().expose(), SECRET, "trimmed");
                assert!(req.scopes.contains(&"payroll.payruns".to_string()));
            }
            other => panic!("{other:?}"),
        }
        assert!(w.view().busy.unwrap().cancellable);
        // A second click while waiting starts nothing.
        assert!(w.handle(UserEvent::AllowAccess, 11).is_empty());
    }

    #[test]
    fn denial_timeout_and_cancel_come_back_to_the_consent_step() {
        let mut w = wizard();
        to_consent(&mut w);
        w.handle(UserEvent::AllowAccess, 0);
        w.apply(
            Outcome::Progress(Step::BrowserOpened { url: "http://127.0.0.1:5055/identity/connect/authorize?x".into() }),
            0,
        );
        assert!(matches!(w.view().screen, Screen::Consent { state: ConsentState::Waiting, url: Some(_), .. }));
        assert!(matches!(&w.handle(UserEvent::OpenAgain, 0)[..], [Effect::OpenUrl(_)]));
        assert!(matches!(&w.handle(UserEvent::Cancel, 0)[..], [Effect::Cancel]));
        w.apply(Outcome::SetupDone(Err(Error::new(ErrorCode::ConsentDenied, "no"))), 0);
        assert!(matches!(w.view().screen, Screen::Consent { state: ConsentState::Denied, .. }));
        assert!(w.view().busy.is_none());
        assert!(matches!(&w.handle(UserEvent::AllowAccess, 0)[..], [Effect::Setup(_)]), "Try again");
        w.apply(Outcome::SetupDone(Err(Error::new(ErrorCode::ConsentTimeout, "late"))), 0);
        match w.view().screen {
            Screen::Consent { state: ConsentState::TimedOut, hints, .. } => {
                assert!(hints[0].contains(DEFAULT_REDIRECT_URI))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn several_organisations_are_chosen_then_tested() {
        let mut w = wizard();
        to_consent(&mut w);
        w.handle(UserEvent::AllowAccess, 0);
        let c = conn(&[("t1", "Harbour Bakery"), ("t2", "Harbour Bakery")], None);
        w.apply(Outcome::SetupDone(Ok(SetupOutcome { connection: c.clone() })), 0);
        match w.view().screen {
            Screen::ChooseOrganisation { organisations, .. } => {
                assert_eq!(organisations.len(), 2);
                assert_ne!(organisations[0].tenant_id, organisations[1].tenant_id);
            }
            other => panic!("{other:?}"),
        }
        assert!(w.handle(UserEvent::Next, 0).is_empty());
        assert!(matches!(w.view().screen, Screen::ChooseOrganisation { .. }), "nothing chosen silently");
        let e = w.handle(UserEvent::ChooseOrganisation { tenant_id: "t2".into() }, 0);
        assert!(matches!(&e[..], [Effect::ChooseOrganisation { tenant_id, .. }] if tenant_id == "t2"));
        w.apply(Outcome::OrganisationChosen(Ok(conn(&[("t1", "A"), ("t2", "B")], Some("t2")))), 0);
        w.handle(UserEvent::Next, 0);
        assert!(matches!(w.view().screen, Screen::Test { tenant_id: Some(ref t), .. } if t == "t2"));
    }

    #[test]
    fn test_failures_offer_the_button_that_fixes_them() {
        let mut w = wizard();
        to_consent(&mut w);
        w.handle(UserEvent::AllowAccess, 0);
        w.apply(Outcome::SetupDone(Ok(SetupOutcome { connection: conn(&[("t1", "Shop")], Some("t1")) })), 0);
        w.handle(UserEvent::TestConnection { name: None }, 0);
        w.apply(Outcome::Tested(Err(Error::new(ErrorCode::OrganisationDisconnected, "gone"))), 0);
        let err = w.view().error.unwrap();
        let action = err.action.unwrap();
        assert_eq!(action.label, "Reconnect");
        assert_eq!(action.event, serde_json::json!({"event": "start_reconnect", "name": "My business"}));
        w.handle(UserEvent::TestConnection { name: None }, 0);
        w.apply(Outcome::Tested(Err(Error::rate_limited(30, None))), 0);
        let err = w.view().error.unwrap();
        assert_eq!(err.retry_after_secs, Some(30));
        assert_eq!(err.action.unwrap().event, serde_json::json!({"event": "test_connection", "name": "My business"}));
        // Every action is an event the window may send.
        let _: UserEvent = serde_json::from_value(action.event).unwrap();
    }

    #[test]
    fn going_back_keeps_the_accepted_secret_without_showing_it() {
        let mut w = wizard();
        to_consent(&mut w);
        w.handle(UserEvent::Back, 0);
        w.handle(UserEvent::Back, 0);
        match w.view().screen {
            Screen::Credentials { secret_provided, can_continue, .. } => assert!(secret_provided && can_continue),
            other => panic!("{other:?}"),
        }
        w.handle(
            UserEvent::CredentialsEdited {
                name: "My business".into(),
                client_id: ID.into(),
                secret_shape: String::new(),
            },
            0,
        );
        assert!(matches!(w.view().screen, Screen::Credentials { can_continue: true, .. }));
        w.handle(
            UserEvent::SubmitCredentials {
                name: "My business".into(),
                client_id: ID.into(),
                client_secret: String::new(),
            },
            0,
        );
        w.handle(UserEvent::Next, 0);
        match &w.handle(UserEvent::AllowAccess, 0)[..] {
            [Effect::Setup(req)] => assert_eq!(req.credentials.client_secret.as_ref().unwrap().expose(), SECRET),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_view_never_carries_the_secret() {
        let mut w = wizard();
        let mut seen = Vec::new();
        to_consent(&mut w);
        seen.push(json(&w));
        w.handle(UserEvent::AllowAccess, 0);
        seen.push(json(&w));
        w.handle(UserEvent::Back, 0);
        seen.push(json(&w));
        for v in seen {
            assert!(!v.contains(SECRET) && !v.contains(&SECRET[..20]), "{v}");
        }
    }

    #[test]
    fn practice_credentials_fill_in_without_showing_the_secret() {
        let practice = PracticeCredentials { client_id: ID.into(), client_secret: Secret::new(SECRET) };
        let options = WizardOptions { practice: Some(practice), ..WizardOptions::default() };
        let mut w = Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), options);
        w.handle(UserEvent::StartSetup, 0);
        w.handle(UserEvent::Next, 0);
        w.handle(UserEvent::FillPracticeCredentials, 0);
        match w.view().screen {
            Screen::Credentials { client_id, secret_provided, can_continue, .. } => {
                assert_eq!(client_id, ID);
                assert!(secret_provided && can_continue);
            }
            other => panic!("{other:?}"),
        }
        assert!(!json(&w).contains(SECRET));
        assert!(w.view().banner.unwrap().starts_with("Practice mode"));
        w.handle(
            UserEvent::SubmitCredentials { name: "p".into(), client_id: ID.into(), client_secret: String::new() },
            0,
        );
        w.handle(UserEvent::Next, 0);
        match &w.handle(UserEvent::AllowAccess, 0)[..] {
            [Effect::Setup(req)] => assert_eq!(req.credentials.client_secret.as_ref().unwrap().expose(), SECRET),
            other => panic!("{other:?}"),
        }
    }

    fn error_of(w: &Wizard) -> ErrorView {
        w.view().error.expect("an error is shown")
    }

    #[test]
    fn a_taken_or_invalid_name_is_a_problem_of_the_name_field() {
        let mut w = wizard();
        w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("t1", "Shop")], Some("t1"))])), 0);
        w.handle(UserEvent::StartSetup, 0);
        w.handle(UserEvent::Next, 0);
        for (name, words) in [("my BUSINESS", "already exists"), ("-x", "cannot be a connection name")] {
            w.handle(
                UserEvent::CredentialsEdited { name: name.into(), client_id: ID.into(), secret_shape: String::new() },
                0,
            );
            match w.view().screen {
                Screen::Credentials { problems, can_continue, .. } => {
                    assert!(!can_continue);
                    let p = problems.iter().find(|p| p.message.contains(words)).expect("the name problem");
                    assert_eq!(p.field, credentials::Field::Name, "shown under the name field, not the Client ID");
                    assert!(problems
                        .iter()
                        .filter(|p| p.field == credentials::Field::ClientId)
                        .all(|p| p.severity != Severity::Blocking));
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn credentials_xero_refuses_before_consent_bring_the_user_back_to_them() {
        let mut w = wizard();
        to_consent(&mut w);
        w.handle(UserEvent::AllowAccess, 0);
        w.apply(Outcome::Progress(Step::CheckingCredentials { with_secret: true }), 0);
        assert_eq!(w.view().busy.unwrap().label, "Checking the Client ID and secret with Xero…");
        w.apply(Outcome::SetupDone(Err(Error::credentials_refused(AppType::Web))), 0);
        assert!(matches!(w.view().screen, Screen::Credentials { secret_provided: false, .. }));
        assert_eq!(error_of(&w).code, "invalid_client");

        // Another app type's credentials: the one button goes to the choice of app type.
        to_consent(&mut w);
        w.handle(UserEvent::AllowAccess, 0);
        w.apply(Outcome::SetupDone(Err(Error::wrong_app_type())), 0);
        let action = error_of(&w).action.expect("an action");
        assert_eq!(action.event, serde_json::json!({"event": "change_app_type"}));
        let event: UserEvent = serde_json::from_value(action.event).unwrap();
        w.handle(event, 0);
        assert!(matches!(w.view().screen, Screen::CreateApp { reconnect: false, .. }));
        assert_eq!(w.view().progress.unwrap().step, 1);
    }

    #[test]
    fn remedies_become_buttons_never_options() {
        let mut w = wizard();
        let unchosen = conn(&[("t1", "Harbour Bakery"), ("t2", "Harbour Bakery")], None);
        w.apply(Outcome::ConnectionsLoaded(Ok(vec![unchosen])), 0);
        w.handle(UserEvent::OpenConnections, 0);
        w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
        let e =
            Error::new(ErrorCode::OrganisationChoiceNeeded, "Choose which organisation \"My business\" should use.")
                .with_remedy(Remedy::ChooseOrganisation { connection: "My business".into() });
        w.apply(Outcome::Tested(Err(e)), 0);
        let action = error_of(&w).action.unwrap();
        assert_eq!(action.label, "Choose the organisation");
        w.handle(serde_json::from_value(action.event).unwrap(), 0);
        match w.view().screen {
            Screen::ChooseOrganisation { organisations, .. } => assert_eq!(organisations.len(), 2),
            other => panic!("{other:?}"),
        }

        // A busy port at the consent step: try again once the port is free.
        let mut w = wizard();
        to_consent(&mut w);
        w.handle(UserEvent::AllowAccess, 0);
        let busy = Error::new(ErrorCode::PortBusy, "Port 8749 is in use by another program.")
            .with_remedy(Remedy::RegisterRedirectUri);
        w.apply(Outcome::SetupDone(Err(busy)), 0);
        let err = error_of(&w);
        assert_eq!(err.action.unwrap().event, serde_json::json!({"event": "allow_access"}));
        let json = serde_json::to_string(&w.view()).unwrap();
        assert!(!json.contains("--redirect-uri") && !json.contains("xero-connect "), "{json}");
    }

    #[test]
    fn a_test_waiting_for_another_programs_refresh_can_be_cancelled() {
        let mut w = wizard();
        w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("t1", "Shop")], Some("t1"))])), 0);
        w.handle(UserEvent::OpenConnections, 0);
        w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
        assert!(!w.view().busy.unwrap().cancellable);
        assert!(w.handle(UserEvent::Cancel, 0).is_empty(), "a plain call is not cancelled half-way");
        w.apply(Outcome::Progress(Step::WaitingForOtherRefresh { timeout_secs: 30 }), 0);
        let busy = w.view().busy.unwrap();
        assert!(busy.cancellable && busy.label.contains("30 seconds"), "{busy:?}");
        assert!(matches!(&w.handle(UserEvent::Cancel, 0)[..], [Effect::Cancel]));
        w.apply(Outcome::Tested(Err(Error::new(ErrorCode::Cancelled, "cancelled"))), 0);
        assert!(w.view().busy.is_none() && w.view().error.is_none());
        // Once the lock is taken the refresh must finish: no Cancel then.
        w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
        w.apply(Outcome::Progress(Step::WaitingForOtherRefresh { timeout_secs: 30 }), 0);
        w.apply(Outcome::Progress(Step::Refreshing), 0);
        assert!(!w.view().busy.unwrap().cancellable);
    }

    #[test]
    fn an_organisation_gone_is_explained_and_its_namesake_must_be_chosen() {
        let mut w = wizard();
        w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("old-id", "Demo Company (AU)")], Some("old-id"))])), 0);
        w.handle(UserEvent::StartReconnect { name: "My business".into() }, 0);
        w.handle(UserEvent::Next, 0);
        w.handle(
            UserEvent::SubmitCredentials {
                name: "My business".into(),
                client_id: ID.into(),
                client_secret: SECRET.into(),
            },
            0,
        );
        let why = "Demo Company (AU) (ID old-id) is no longer connected to this app.";
        w.apply(Outcome::Progress(Step::OrganisationGone { message: why.into() }), 0);
        match w.view().screen {
            Screen::Consent { state: ConsentState::Waiting, reason: Some(r), .. } => assert_eq!(r, why),
            other => panic!("{other:?}"),
        }
        let reset = conn(&[("new-id", "Demo Company (AU)")], None);
        let gone = conn(&[("old-id", "Demo Company (AU)")], Some("old-id")).organisations.remove(0);
        w.apply(
            Outcome::ReconnectDone(Ok(crate::flows::ReconnectOutcome {
                connection: reset,
                method: crate::flows::ReconnectMethod::Consent,
                organisation_gone: Some(gone),
            })),
            0,
        );
        match w.view().screen {
            Screen::ChooseOrganisation { organisations, reason } => {
                assert_eq!(organisations.len(), 1, "one organisation, still chosen by the user");
                assert_eq!(organisations[0].tenant_id, "new-id", "with its new ID shown");
                let reason = reason.unwrap();
                assert!(
                    reason.contains("old-id") && reason.contains("Choose") && reason.contains("new ID"),
                    "{reason}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(w.handle(UserEvent::Next, 0).is_empty(), "not taken silently");
    }

    #[test]
    fn user_events_parse_from_the_windows_json_and_refuse_unknown_fields() {
        let e: UserEvent = serde_json::from_str(r#"{"event":"start_reconnect","name":"shop"}"#).unwrap();
        assert_eq!(e, UserEvent::StartReconnect { name: "shop".into() });
        assert!(serde_json::from_str::<UserEvent>(r#"{"event":"setup_done"}"#).is_err(), "outcomes cannot be sent");
        assert!(serde_json::from_str::<UserEvent>(r#"{"event":"start_reconnect","name":"x","extra":1}"#).is_err());
    }
}
