//! Progress of a long operation, as data: the command line prints each step to stderr, the
//! window shows it beside a spinner. No step carries a secret.

use serde::Serialize;

/// One thing that just happened or is about to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Something repaired or unusual the user should know (trimmed whitespace, broad scopes).
    Notice {
        /// The sentence.
        message: String,
    },
    /// The loopback listener is ready.
    Listening {
        /// The redirect URI bound.
        redirect_uri: String,
    },
    /// The browser was asked to open Xero's consent page.
    BrowserOpened {
        /// The consent URL (no secrets: client ID, scopes, state, PKCE challenge).
        url: String,
    },
    /// The browser could not be opened; the user must open the URL.
    OpenThisUrl {
        /// The consent URL.
        url: String,
        /// Why, when a browser was tried.
        reason: Option<String>,
    },
    /// Waiting for the user on Xero's page.
    WaitingForConsent {
        /// How long before giving up.
        timeout_secs: u64,
    },
    /// A pasted address was not this sign-in's answer; the wait goes on.
    PasteRefused {
        /// Why, in one sentence (never the pasted text).
        message: String,
    },
    /// The browser spoke HTTPS to the loopback listener (it forces HTTPS on localhost): the
    /// wait goes on, for a pasted address or a browser set right.
    BrowserForcedHttps {
        /// What happened and how to clear it in Chrome, Edge and Firefox (without what to press
        /// here: each front end says how to paste).
        message: String,
    },
    /// Xero sent the browser back; exchanging the code.
    ExchangingCode,
    /// Asking Xero for a custom connection's token.
    RequestingToken,
    /// Listing the organisations authorised.
    ListingOrganisations,
    /// Proving a new secret with a token refresh (no browser needed if it works).
    ProvingSecret,
    /// The refresh token no longer works: a new consent is needed.
    ConsentNeeded,
    /// Refreshing the access token.
    Refreshing,
    /// Another process is refreshing this connection's tokens; waiting for it to finish.
    WaitingForOtherRefresh {
        /// How long before giving up.
        timeout_secs: u64,
    },
    /// Proving the Client ID (and secret) at Xero's token endpoint before the browser opens.
    CheckingCredentials {
        /// Whether a client secret is being checked too (web apps).
        with_secret: bool,
    },
    /// The saved organisation is no longer among those the connection reaches: a new consent
    /// follows, where the user chooses the organisation again.
    OrganisationGone {
        /// What happened, in one sentence.
        message: String,
    },
    /// Calling Xero's Organisation endpoint.
    Testing,
    /// Disconnecting an organisation at Xero.
    Disconnecting {
        /// Its name.
        organisation: String,
    },
    /// Revoking the refresh token at Xero.
    Revoking,
    /// Saving to the keychain and settings file.
    Saving,
    /// Timing of the consent's last leg, for the benchmark: callback → tokens stored and
    /// organisations listed.
    CallbackToStoredMicros {
        /// Microseconds.
        micros: u64,
    },
}

impl Step {
    /// The step in one sentence both front ends show, for the steps whose words do not depend
    /// on the front end; `None` for the others (where to click or what to press differs, or a
    /// step is for benchmarks only), which each front end words itself.
    pub fn sentence(&self) -> Option<String> {
        let text = match self {
            Step::Notice { message } | Step::OrganisationGone { message } | Step::PasteRefused { message } => {
                return Some(message.clone())
            }
            Step::CheckingCredentials { with_secret: true } => "Checking the Client ID and secret with Xero…",
            Step::CheckingCredentials { with_secret: false } => "Checking the Client ID with Xero…",
            Step::ExchangingCode => "Xero answered; fetching the tokens…",
            Step::RequestingToken => "Asking Xero for the custom connection's token…",
            Step::ListingOrganisations => "Listing the organisations you allowed…",
            Step::ProvingSecret => "Checking the new secret with Xero (no browser needed if it works)…",
            Step::ConsentNeeded => "The saved authorisation has expired: you need to allow access again.",
            Step::Refreshing => "Refreshing the access token…",
            Step::Testing => "Calling Xero…",
            Step::Disconnecting { organisation } => return Some(format!("Disconnecting {organisation} at Xero…")),
            Step::Revoking => "Revoking the authorisation at Xero…",
            Step::Saving => "Saving to the keychain and settings…",
            Step::Listening { .. }
            | Step::BrowserForcedHttps { .. }
            | Step::BrowserOpened { .. }
            | Step::OpenThisUrl { .. }
            | Step::WaitingForConsent { .. }
            | Step::WaitingForOtherRefresh { .. }
            | Step::CallbackToStoredMicros { .. } => return None,
        };
        Some(text.to_string())
    }
}

/// Receives progress.
pub trait Progress: Send + Sync {
    /// Called for each step.
    fn step(&self, step: Step);
}

/// Ignores progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn step(&self, _: Step) {}
}

impl<F: Fn(Step) + Send + Sync> Progress for F {
    fn step(&self, step: Step) {
        self(step)
    }
}
