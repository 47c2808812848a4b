//! What can happen to the wizard: `UserEvent`s, the only thing the window can send (by name,
//! from JSON), and `Outcome`s of the work the runner does, which only Rust code can construct —
//! so the webview can never claim "Xero answered" or "tokens stored".

use crate::apis::Api;
use crate::connection::Connection;
use crate::domain::AppType;
use crate::error::Error;
use crate::flows::{ReconnectOutcome, SetupOutcome};
use crate::probe::TestReport;
use crate::progress::Step;
use crate::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize};

/// The client secret as the window sends it: a [`Secret`] from the moment it is read, so the
/// event's `Debug` shows `[redacted]`. Equal when the values are (for tests of events).
#[derive(Debug, Clone)]
pub struct PastedSecret(pub Secret);

impl PastedSecret {
    /// Wraps a typed value.
    pub fn new(value: impl Into<String>) -> Self {
        PastedSecret(Secret::new(value))
    }
}

impl PartialEq for PastedSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.same_as(&other.0)
    }
}
impl Eq for PastedSecret {}

impl<'de> Deserialize<'de> for PastedSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(PastedSecret::new)
    }
}

/// A user's action in the window. Serialisable too, because a view's error offers the event its
/// button sends (`Action::event`); the UI sends it back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum UserEvent {
    /// Back to the welcome screen.
    Home,
    /// "First setup".
    StartSetup,
    /// "Continue where you left off": the unfinished first setup kept from an earlier run.
    ContinueSetup,
    /// "Reconnect" for a saved connection ("Switch to granular scopes" too).
    StartReconnect {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
        /// Ask for granular scopes instead of the connection's broad accounting ones (a new
        /// consent). Left out of the JSON when false.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        granular_scopes: bool,
    },
    /// "Reconnect with the saved secret": a reconnect that proves the secret kept in the
    /// keychain instead of asking for it (the connection's authorisation failed, not its
    /// secret: an organisation disconnected inside Xero, a lapsed refresh token).
    ReconnectWithSavedSecret {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
    },
    /// The connections page.
    OpenConnections,
    /// Choose the integration type on the create-app step.
    ChooseAppType {
        /// The type.
        app_type: AppType,
    },
    /// Back to the create-app step to choose another integration type, keeping what was typed
    /// (Xero said the credentials belong to an app of another type).
    ChangeAppType,
    /// "Open Xero developer portal".
    OpenPortal,
    /// Next on a step that has nothing else to submit.
    Next,
    /// Back one step.
    Back,
    /// The inputs changed (as typed). The secret is not sent: only its shape (see
    /// [`crate::credentials::secret_shape`]), enough for every check but a pasted label.
    CredentialsEdited {
        /// The connection's name.
        name: String,
        /// The Client ID as typed.
        client_id: String,
        /// The secret's shape, as computed by the window.
        secret_shape: String,
    },
    /// Next on the credentials step: the one time the secret crosses over.
    SubmitCredentials {
        /// The connection's name.
        name: String,
        /// The Client ID as typed.
        client_id: String,
        /// The secret as pasted (empty for PKCE apps, or when practice mode provided it). Never
        /// serialised: no view offers this event, so it never travels back to the window.
        #[serde(skip_serializing)]
        client_secret: PastedSecret,
    },
    /// Practice mode: use the simulator's demo credentials.
    FillPracticeCredentials,
    /// Tick or untick an API preset.
    ToggleApi {
        /// The preset.
        api: Api,
    },
    /// "Allow access" (also "Try again" after a denial or timeout).
    AllowAccess,
    /// "Open again": reopen Xero's page in the browser.
    OpenAgain,
    /// Cancel the wait.
    Cancel,
    /// "Finished on another device?": the address the browser ended on, pasted while the
    /// consent waits (it holds the authorization code, so it is typed as a secret and never
    /// serialised back).
    PasteAddress {
        /// The address as pasted.
        #[serde(skip_serializing)]
        address: PastedSecret,
    },
    /// Choose an organisation.
    ChooseOrganisation {
        /// Its tenant ID.
        tenant_id: String,
    },
    /// "Add another organisation": consent again.
    AddOrganisation,
    /// Choose the organisation of a saved connection that has none chosen.
    ChooseOrganisationOf {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
    },
    /// "Test Connection" (for the current connection, or a named one on the connections page).
    TestConnection {
        /// The connection, when not the current one.
        #[serde(default)]
        name: Option<String>,
    },
    /// Rename a saved connection.
    Rename {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
        /// The new name: 1 to 64 letters, digits, spaces, dots, dashes or underscores.
        new_name: String,
    },
    /// "Disconnect": ask for confirmation.
    Disconnect {
        /// The saved connection's name (names are unique, compared without case).
        name: String,
    },
    /// Confirm the disconnect.
    ConfirmDisconnect,
    /// Do not disconnect.
    CancelDisconnect,
    /// "Check this computer" (from Welcome, from a failure, or "Check again").
    CheckComputer,
}

/// The result of work the runner did; only Rust code creates these.
#[derive(Debug)]
pub enum Outcome {
    /// First setup finished its consent and saved the connection.
    SetupDone(Result<SetupOutcome, Error>),
    /// Reconnect finished.
    ReconnectDone(Result<ReconnectOutcome, Error>),
    /// More organisations were authorised for the current connection.
    OrganisationsAdded(Result<Connection, Error>),
    /// The organisation choice was saved.
    OrganisationChosen(Result<Connection, Error>),
    /// Test Connection finished.
    Tested(Result<TestReport, Error>),
    /// A connection was renamed.
    Renamed(Result<Connection, Error>),
    /// A connection was disconnected and removed.
    Disconnected(Result<String, Error>),
    /// The saved connections were (re)read.
    ConnectionsLoaded(Result<Vec<Connection>, Error>),
    /// Progress reported by a running flow (listening, browser opened, waiting…).
    Progress(Step),
    /// "Check this computer" finished.
    Checked(crate::doctor::Report),
    /// A URL (the portal, or the consent page again) could not be opened.
    BrowserFailed {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}
