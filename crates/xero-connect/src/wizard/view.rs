//! What the window shows: a serialisable `View` rebuilt from the wizard's state after every
//! change. It is built only from non-secret data — no field can hold a client secret, token or
//! authorization code (there is no `Secret` in any of these types), and a test serialises every
//! view of whole runs to prove none appears.

use super::events::UserEvent;
use crate::apis::Api;
use crate::connection::Validity;
use crate::credentials::Problem;
use crate::domain::AppType;
use crate::error::ErrorCode;
use crate::jwt::XeroUser;
use crate::probe::{OrganisationDetails, ProbedApi};
use crate::registration::RegistrationGuide;
use serde::Serialize;

/// Everything the window renders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct View {
    /// Increases with every view built in this process: the window draws a view only if it is
    /// newer than the last one drawn, because a click's answer can arrive after a later pushed
    /// view.
    pub seq: u64,
    /// The screen and its data.
    pub screen: Screen,
    /// "Step N of M" on the numbered steps of a path.
    pub progress: Option<StepProgress>,
    /// Shown on every screen when the endpoints are not Xero's (practice mode, overrides).
    pub banner: Option<String>,
    /// True in practice mode (the window then offers no "Practice" choice).
    pub practice: bool,
    /// An operation in progress (spinner, elapsed time, Cancel).
    pub busy: Option<Busy>,
    /// The last failure, in words, with the one action that fixes it.
    pub error: Option<ErrorView>,
    /// With a vendor profile: the business software's name, for titles.
    pub product: Option<String>,
    /// With a vendor profile: where its users get help (https URL or e-mail address), offered
    /// beside every failure.
    pub support: Option<String>,
}

/// The unfinished first setup, as Welcome offers to continue it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnfinishedView {
    /// The connection's name as typed.
    pub name: String,
    /// Where it stood and what continuing asks for, in a sentence or two.
    pub text: String,
}

/// "Step N of M".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StepProgress {
    /// This step, from 1.
    pub step: u8,
    /// Steps on this path.
    pub of: u8,
}

/// A wait the user sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Busy {
    /// What is happening, as a sentence.
    pub label: String,
    /// When it started, milliseconds since the Unix epoch (the UI shows the elapsed time).
    pub since_ms: u64,
    /// Whether `cancel` stops it.
    pub cancellable: bool,
}

/// A failure as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    /// The core's stable code (shown small, never alone).
    pub code: ErrorCode,
    /// The sentence that says what to do.
    pub message: String,
    /// True when the screen tells this failure in its own words, with its own button (the
    /// consent step after a denial or a timeout): the UI then draws no error box.
    pub told_by_screen: bool,
    /// The one button that fixes it, if any.
    pub action: Option<Action>,
    /// For rate limits: seconds until "Try again" works.
    pub retry_after_secs: Option<u64>,
}

/// A button the UI shows for an error: its label and the event it sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// The button text.
    pub label: String,
    /// The event the button sends, exactly as the UI sends it back.
    pub event: UserEvent,
}

/// One saved connection on the welcome and connections screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionSummary {
    /// Its name.
    pub name: String,
    /// The chosen organisation's name.
    pub organisation: Option<String>,
    /// The chosen organisation's tenant ID.
    pub tenant_id: Option<String>,
    /// Web, desktop (PKCE) or custom connection.
    pub app_type: AppType,
    /// "Connected", "Test failed", "Not tested yet".
    pub status: String,
    /// The last test in words ("OK at …", "Failed at …: why"); `None` when never tested.
    pub last_test: Option<String>,
    /// Whether the last test succeeded (`None`: never tested).
    pub last_test_ok: Option<bool>,
    /// Until when its authorisation stays valid if unused (`None`: unknown, or a custom
    /// connection, which has none to lapse).
    pub authorisation: Option<Validity>,
    /// What to do about it when it is about to lapse or has (which button).
    pub authorisation_action: Option<String>,
    /// The broad-scope flag with its date, when it holds broad accounting scopes.
    pub broad_scopes: Option<String>,
}

/// An organisation to choose, shown by name with country and ID small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationChoice {
    /// The tenant ID.
    pub tenant_id: String,
    /// Its name.
    pub name: String,
    /// `ORGANISATION`, `PRACTICE`…
    pub tenant_type: String,
    /// Whether it is the chosen one.
    pub selected: bool,
}

/// An API preset checkbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiChoice {
    /// The preset.
    pub api: Api,
    /// Its label.
    pub label: String,
    /// Whether it is ticked.
    pub checked: bool,
}

/// Where the consent step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// Before "Allow access" is pressed.
    Ready,
    /// The browser is open on Xero's page; waiting for the answer.
    Waiting,
    /// The user pressed Cancel on Xero's page.
    Denied,
    /// No answer before the timeout.
    TimedOut,
}

/// Test Connection's success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestSuccess {
    /// The organisation Xero answered for (country and currency only when the Accounting API
    /// answered).
    pub organisation: OrganisationDetails,
    /// The API that answered.
    pub api: ProbedApi,
    /// Its name for people: "Assets API".
    pub answered_by: String,
    /// Who authorised the connection.
    pub authorised_by: Option<XeroUser>,
    /// When (RFC 3339).
    pub tested_at: String,
    /// This computer's clock against Xero's, when more than five minutes apart: how far and
    /// how to fix it.
    pub clock: Option<String>,
}

/// The screen to draw, with the data only it needs; `kind` names it in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Screen {
    /// Two choices, and the saved connections.
    Welcome {
        /// Saved connections.
        connections: Vec<ConnectionSummary>,
        /// Why Reconnect is not possible, when there is nothing to reconnect.
        reconnect_unavailable: Option<String>,
        /// A first setup left unfinished (in an earlier run too): "Continue where you left off".
        #[serde(skip_serializing_if = "Option::is_none")]
        unfinished: Option<UnfinishedView>,
    },
    /// Create the app in the portal (first setup) or generate another secret (reconnect).
    CreateApp {
        /// What to type, with Copy buttons.
        guide: RegistrationGuide,
        /// True on the reconnect path: the steps are about generating another secret.
        reconnect: bool,
        /// The reconnect steps (open the app, Configuration, Generate another secret).
        reconnect_steps: Vec<String>,
    },
    /// Paste the Client ID and secret; checked as typed.
    Credentials {
        /// The connection's name (editable on first setup).
        name: String,
        /// Whether the name can be changed.
        name_editable: bool,
        /// The app type chosen.
        app_type: AppType,
        /// The Client ID to prefill (reconnect, practice mode).
        client_id: String,
        /// Whether this app type has a secret to paste.
        secret_needed: bool,
        /// A secret is already in place — entered before going Back, or practice mode's demo
        /// secret — so the input shows a placeholder and may stay empty.
        secret_provided: bool,
        /// Findings of the checks, blocking first.
        problems: Vec<Problem>,
        /// False while a blocking problem remains: Next is disabled.
        can_continue: bool,
        /// Practice mode can fill in the demo credentials.
        practice_fill_available: bool,
        /// How many times Rust filled in the inputs (practice credentials): when it changes, the
        /// UI sets the name and Client ID inputs to the values above; otherwise it keeps what
        /// the user is typing.
        prefill: u32,
    },
    /// Choose the APIs; the exact scopes under "Advanced".
    Scopes {
        /// Preset checkboxes (none when a vendor profile fixes the scopes).
        apis: Vec<ApiChoice>,
        /// The resulting scopes.
        scopes: Vec<String>,
        /// The product whose profile fixes the scopes, if one does.
        fixed_by: Option<String>,
    },
    /// Allow access in Xero's page in the browser.
    Consent {
        /// Ready, waiting, denied or timed out: each reads as its own page.
        state: ConsentState,
        /// The consent URL (no secrets), for "Copy link" when no browser opened.
        url: Option<String>,
        /// The redirect URI listened on.
        redirect_uri: Option<String>,
        /// Likely causes after a timeout, most likely first.
        hints: Vec<String>,
        /// Why Xero's page is needed (again), when the wizard went there by itself: the saved
        /// authorisation expired, or the saved organisation is no longer connected.
        reason: Option<String>,
        /// Why the address pasted last ("Finished on another device?") was refused; the wait
        /// goes on.
        paste_problem: Option<String>,
        /// The browser forces https on this computer's own address, so the listener heard TLS
        /// instead of Xero's answer: what happened, how to clear it, and that pasting the
        /// address finishes it. The wait goes on.
        https_forced: Option<String>,
    },
    /// Choose the organisation among those authorised just now.
    ChooseOrganisation {
        /// The organisations.
        organisations: Vec<OrganisationChoice>,
        /// Why a choice is asked for when only one organisation is listed: the saved one is no
        /// longer connected, and this one shares its name but has a new ID.
        reason: Option<String>,
    },
    /// Test Connection.
    Test {
        /// The connection.
        connection: String,
        /// Its organisation, before testing.
        organisation: Option<String>,
        /// The tenant ID, with a Copy button.
        tenant_id: Option<String>,
        /// The result, once tested.
        result: Option<TestSuccess>,
        /// Whether to offer the Test Connection button: not while the error's own button tests
        /// again (after a rate-limit wait), so there is one way, with its countdown.
        offer_test: bool,
    },
    /// "Check this computer": each check with ok / warning / problem and what to do, and the
    /// report to copy for a vendor's support (no secret, token, code or full Client ID).
    Checkup {
        /// The findings, once the checks ran (empty while they run).
        findings: Vec<FindingView>,
        /// The worst status found, once they ran.
        worst: Option<crate::doctor::Status>,
        /// The redacted report for "Copy report", once they ran.
        report: Option<String>,
    },
    /// Saved connections with their actions.
    Connections {
        /// The connections.
        connections: Vec<ConnectionSummary>,
        /// A disconnect waiting for confirmation.
        confirm_disconnect: Option<DisconnectConfirmation>,
    },
}

/// One line of "Check this computer".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingView {
    /// What was checked.
    pub check: crate::doctor::Check,
    /// ok, warning or problem.
    pub status: crate::doctor::Status,
    /// A few words naming it.
    pub title: String,
    /// What was found.
    pub detail: String,
    /// What to do, in the window's words, when there is something.
    pub action: Option<String>,
}

/// What the confirmation of Disconnect says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisconnectConfirmation {
    /// The saved connection's name (names are unique, compared without case).
    pub name: String,
    /// The sentence: it cannot be undone, and what happens at Xero.
    pub text: String,
}
