//! The window's own sentences: busy labels, notices and the steps of reconnecting. What the
//! command line says too lives beside the types it describes (progress steps in `progress`,
//! the last test in `connection`, the consent-timeout causes in `loopback`), not here.

use crate::connection::{Organisation, ValidityState};
use crate::endpoints::Endpoints;

/// Busy label while a consent waits for the user in the browser.
pub(super) const WAITING_FOR_CONSENT: &str = "Waiting for you to allow access in Xero…";
/// Busy label while reconnect proves the new secret with a refresh.
pub(super) const PROVING_SECRET: &str = "Checking the new secret with Xero…";
/// Busy label while reconnect proves the secret kept in the keychain.
pub(super) const PROVING_SAVED_SECRET: &str = "Checking the saved secret with Xero…";
/// The button that reconnects without asking for the secret again.
pub(super) const RECONNECT_WITH_SAVED_SECRET: &str = "Reconnect with the saved secret";
/// Busy label while a custom connection asks for its token.
pub(super) const REQUESTING_TOKEN: &str = "Asking Xero for the custom connection's token…";
/// Busy label while the organisation choice is saved.
pub(super) const SAVING_CHOICE: &str = "Saving your choice…";
/// Busy label while Test Connection calls Xero.
pub(super) const CALLING_XERO: &str = "Calling Xero…";
/// Busy label while a connection is renamed.
pub(super) const RENAMING: &str = "Renaming…";
/// After the browser forced https: the window's way through.
pub(super) const PASTE_HTTPS_ADDRESS: &str =
    "Paste it under \"Finished on another device?\" below and press Continue: the setup goes on.";

/// Busy label while "Check this computer" runs.
pub(super) const CHECKING_COMPUTER: &str = "Checking this computer and the way to Xero…";
/// The button that opens "Check this computer".
pub(super) const CHECK_COMPUTER: &str = "Check this computer";

/// What the window says to do about a finding, by its remedy (the command line names its
/// options instead).
pub(super) fn remedy_action(remedy: &crate::error::Remedy) -> Option<String> {
    use crate::error::Remedy;
    Some(match remedy {
        Remedy::Reconnect { connection } => {
            format!("Press Reconnect for \"{connection}\" on the Saved connections page.")
        }
        Remedy::RegisterRedirectUri => {
            "Close the program using the port, or register another redirect URI (another port) for your app.".into()
        }
        Remedy::UnlockKeychain => "Log in to your desktop session again so its keychain is unlocked.".into(),
        Remedy::TrustNetworkCertificate { issuer } => format!(
            "Ask whoever runs this network to install {} root certificate on this computer.",
            issuer.as_deref().map(|i| format!("the \"{i}\"")).unwrap_or_else(|| "its".into())
        ),
        Remedy::ProxySignIn => {
            "Ask whoever runs this network for the proxy's sign-in, or to let this program through.".into()
        }
        Remedy::CheckComputer => "Try without the VPN, or from another network.".into(),
        // The window has no way to send a connection's secret to another host on purpose.
        Remedy::ConfirmIdentityHost => {
            "Start this program the way the connection was made (the XERO_IDENTITY_URL setting it names), or \
             without that setting to talk to Xero itself."
                .into()
        }
        Remedy::ChooseOrganisation { .. } | Remedy::ChooseAppType | Remedy::SetUp => return None,
    })
}

/// Busy label while a connection is disconnected at Xero.
pub(super) const DISCONNECTING: &str = "Disconnecting at Xero…";

/// The banner in practice mode.
pub(super) const PRACTICE_BANNER: &str =
    "Practice mode: everything runs against a local Xero simulator on this computer; nothing is sent to Xero.";

/// What to do about an authorisation that is about to lapse (a test uses the connection, which
/// renews it: its access token is long expired by then, so the test refreshes) or has lapsed.
pub(super) fn authorisation_action(state: ValidityState) -> Option<String> {
    match state {
        ValidityState::Valid => None,
        ValidityState::ExpiringSoon => {
            Some("Press Test Connection now: using the connection keeps it valid for another 60 days.".into())
        }
        ValidityState::Expired => Some("Press Reconnect to allow access again.".into()),
    }
}

/// The offer beside the broad-scope flag.
pub(super) const SWITCH_TO_GRANULAR: &str =
    "\"Switch to granular scopes\" reconnects it asking for those instead (Xero's page asks you to allow access again).";

/// Why Reconnect cannot be chosen on the welcome screen.
pub(super) const NOTHING_TO_RECONNECT: &str =
    "There is no saved connection to reconnect yet: choose First setup to connect for the first time.";

/// Why the wizard went to Xero's page by itself: the refresh token is dead.
pub(super) const CONSENT_NEEDED: &str =
    "Xero no longer accepts the saved authorisation (it expired or was revoked), so access must be allowed again.";

/// Why one organisation must still be chosen after a reconnect replaced a vanished one.
pub(super) fn choose_after_gone(gone: &Organisation) -> String {
    format!(
        "{} (ID {}) is no longer connected to this app. Choose the organisation this connection should use from \
         those you just allowed: a demo company that was reset keeps its name but has a new ID.",
        gone.name, gone.tenant_id
    )
}

/// The busy label while another program refreshes the connection's tokens.
pub(super) fn waiting_for_other_refresh(timeout_secs: u64) -> String {
    format!(
        "Another copy of this program is refreshing this connection's tokens; waiting up to {timeout_secs} seconds…"
    )
}

/// The name of a connection that already exists, as a problem of the name field.
pub(super) fn name_taken(name: &str) -> String {
    format!("A connection called \"{name}\" already exists: choose another name.")
}

/// What to do in the portal to get another secret for an existing app.
pub(super) fn reconnect_steps(endpoints: &Endpoints, client_id: &str) -> Vec<String> {
    vec![
        format!("Open {} and sign in to Xero.", endpoints.portal_my_apps()),
        format!("Open the app whose Client ID is {client_id}."),
        "Choose \"Configuration\".".to_string(),
        "Press \"Generate another secret\" and copy it at once: Xero shows it only once.".to_string(),
        "Come back here and paste it. The old secret keeps working until you delete it in the portal.".to_string(),
    ]
}

/// Welcome's sentence on an unfinished first setup: where it stood (`at`, its "Step N of M")
/// and that the secret is asked for again.
pub(super) fn unfinished_setup(u: &super::UnfinishedSetup, at: super::StepProgress) -> String {
    use super::SetupStep;
    let what = match u.step {
        SetupStep::CreateApp => "creating the app in Xero",
        SetupStep::Credentials => "the Client ID and secret",
        SetupStep::Scopes => "choosing what to connect",
        SetupStep::AllowAccess => "allowing access in Xero",
    };
    let secret = if u.app_type.has_secret() && u.step > SetupStep::CreateApp {
        " Paste the client secret again when asked: it is not kept until the connection works."
    } else {
        ""
    };
    format!("Setting up \"{}\" stopped at step {} of {}, {what}.{secret}", u.name, at.step, at.of)
}
