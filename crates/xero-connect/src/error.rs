//! The one error type of the core: a stable snake_case code that scripts and the UI branch on,
//! and one plain sentence that says what to do next.
//!
//! Messages are written here, never copied from a server's response body, so no secret, token or
//! authorization code can reach an error through them. A message never names a command-line
//! option, a command or a button: what fixes the failure travels beside it as a [`Remedy`], which
//! each front end words for itself (the command line names its option, the window its button).

use serde::Serialize;
use std::fmt;

/// What went wrong, as a stable code. A code is added only when a caller branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A command-line value or option is malformed.
    InvalidInput,
    /// The vendor profile is missing, unreadable or invalid (nothing was sent).
    InvalidProfile,
    /// The pasted client ID or secret has a blocking problem.
    CredentialProblem,
    /// A scope name Xero does not know.
    UnknownScope,
    /// No saved connection has that name.
    UnknownConnection,
    /// A connection with that name already exists.
    ConnectionExists,
    /// Several organisations were authorised and none was chosen.
    OrganisationChoiceNeeded,
    /// The chosen organisation is not among the authorised ones.
    UnknownOrganisation,
    /// Every configured redirect URI's port is taken by another program.
    PortBusy,
    /// The user pressed Cancel on Xero's consent page.
    ConsentDenied,
    /// Xero never called back before the timeout.
    ConsentTimeout,
    /// Xero called back with an error other than a denial.
    ConsentFailed,
    /// Xero refused the client ID or secret.
    InvalidClient,
    /// The authorization code or refresh token is no longer valid: consent is needed again.
    InvalidGrant,
    /// The token lacks a scope the call needs.
    MissingScope,
    /// The organisation disconnected this app from inside Xero.
    OrganisationDisconnected,
    /// Xero's rate limit was hit.
    RateLimited,
    /// Xero answered with a server error, garbage, or not at all in time.
    XeroUnavailable,
    /// Xero could not be reached at all.
    NoNetwork,
    /// The operating system's keychain cannot be used.
    KeychainUnavailable,
    /// The settings file cannot be read or written.
    SettingsUnavailable,
    /// The user declined a confirmation.
    Cancelled,
    /// The tokens Xero returned do not belong to the sign-in this program started (the id_token's
    /// `nonce` differs): an authorization code from someone else's sign-in was delivered to the
    /// listener (RFC 9700 §4.5). The tokens were revoked and nothing was saved.
    AuthorizationMismatch,
    /// Another xero-connect process has held this connection's refresh lock for too long (it
    /// may be stopped, e.g. with Ctrl-Z).
    RefreshInProgress,
    /// Xero says the app is of another type than the one chosen (for example a web app's
    /// credentials entered as a custom connection): `unauthorized_client`.
    WrongAppType,
    /// A page could not be opened in the user's browser (the portal, or Xero's page again).
    BrowserUnavailable,
    /// Xero's host presented a certificate this computer does not trust (an office network that
    /// inspects HTTPS, whose root is not installed here).
    CertificateUntrusted,
    /// The proxy this computer uses answered 407: it needs a sign-in.
    ProxySignInNeeded,
    /// Xero's network (or one between) answered with a web page instead of Xero's answer: a
    /// VPN, a proxy or this address may be blocked. Nothing is wrong with the connection.
    BlockedByNetwork,
    /// A saved connection would send its client secret or refresh token to another identity
    /// host than the one it was made with (an `XERO_IDENTITY_URL` set now, or unset), and the
    /// user did not confirm it. Nothing was sent.
    IdentityHostChanged,
}

impl ErrorCode {
    /// The snake_case spelling used in JSON output and the README.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidProfile => "invalid_profile",
            ErrorCode::CredentialProblem => "credential_problem",
            ErrorCode::UnknownScope => "unknown_scope",
            ErrorCode::UnknownConnection => "unknown_connection",
            ErrorCode::ConnectionExists => "connection_exists",
            ErrorCode::OrganisationChoiceNeeded => "organisation_choice_needed",
            ErrorCode::UnknownOrganisation => "unknown_organisation",
            ErrorCode::PortBusy => "port_busy",
            ErrorCode::ConsentDenied => "consent_denied",
            ErrorCode::ConsentTimeout => "consent_timeout",
            ErrorCode::ConsentFailed => "consent_failed",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::MissingScope => "missing_scope",
            ErrorCode::OrganisationDisconnected => "organisation_disconnected",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::XeroUnavailable => "xero_unavailable",
            ErrorCode::NoNetwork => "no_network",
            ErrorCode::KeychainUnavailable => "keychain_unavailable",
            ErrorCode::SettingsUnavailable => "settings_unavailable",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::AuthorizationMismatch => "authorization_mismatch",
            ErrorCode::RefreshInProgress => "refresh_in_progress",
            ErrorCode::WrongAppType => "wrong_app_type",
            ErrorCode::BrowserUnavailable => "browser_unavailable",
            ErrorCode::CertificateUntrusted => "certificate_untrusted",
            ErrorCode::ProxySignInNeeded => "proxy_sign_in_needed",
            ErrorCode::BlockedByNetwork => "blocked_by_network",
            ErrorCode::IdentityHostChanged => "identity_host_changed",
        }
    }

    /// True when the input, not the world, is at fault: the command line exits with 2.
    pub fn is_usage(self) -> bool {
        matches!(
            self,
            ErrorCode::InvalidInput
                | ErrorCode::InvalidProfile
                | ErrorCode::CredentialProblem
                | ErrorCode::UnknownScope
                | ErrorCode::UnknownConnection
                | ErrorCode::ConnectionExists
                | ErrorCode::OrganisationChoiceNeeded
                | ErrorCode::UnknownOrganisation
                | ErrorCode::IdentityHostChanged
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What fixes a failure, as data. The core never words it as an option, a command or a button;
/// the command line and the window each turn it into their own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Remedy {
    /// Choose which of the connection's organisations it uses (several were authorised, or a
    /// name matched several).
    ChooseOrganisation {
        /// The saved connection.
        connection: String,
    },
    /// Free the port, or register another redirect URI (another port) in the developer portal
    /// and use it as well.
    RegisterRedirectUri,
    /// Renew the connection's authorisation (reconnect).
    Reconnect {
        /// The saved connection.
        connection: String,
    },
    /// Choose the integration type the app was created with in the developer portal.
    ChooseAppType,
    /// Set up a first connection.
    SetUp,
    /// Start and unlock a Secret Service keychain (Linux without a desktop session).
    UnlockKeychain,
    /// Install the root certificate of the network's HTTPS inspection in this computer's
    /// certificate store (or have whoever runs the network do it).
    TrustNetworkCertificate {
        /// The issuer the refused certificate named, when readable.
        issuer: Option<String>,
    },
    /// Give the proxy's user name and password (or have the network let this program through).
    ProxySignIn,
    /// Look at this computer's own checks ("Check this computer"): what the network, clock,
    /// keychain and browser look like from here.
    CheckComputer,
    /// Point the identity host back where the connection was made, or confirm that the
    /// current one may receive the connection's secret and refresh token.
    ConfirmIdentityHost,
}

/// Which of Xero's rate limits a 429 answer hit, from its `X-Rate-Limit-Problem` header
/// (docs/xero-platform.md §8: `minute`, `day`, `appminute`; `concurrent` for the 5 calls in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLimit {
    /// 60 calls a minute per organisation.
    Minute,
    /// 5,000 calls a day per organisation.
    Day,
    /// 10,000 calls a minute per app, across all its organisations.
    AppMinute,
    /// 5 calls in flight at once per organisation.
    Concurrent,
}

impl RateLimit {
    /// Reads the `X-Rate-Limit-Problem` header's value in any case and spelling seen (`minute`,
    /// `Minute`, `day`, `Daily`, `appminute`, `AppMinute`, `app minute`); `None` when unknown.
    pub fn from_header(value: &str) -> Option<RateLimit> {
        let v: String = value.trim().to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        match v.as_str() {
            "minute" | "minutely" | "perminute" => Some(RateLimit::Minute),
            "day" | "daily" | "perday" => Some(RateLimit::Day),
            "appminute" | "appminutely" => Some(RateLimit::AppMinute),
            "concurrent" | "concurrency" => Some(RateLimit::Concurrent),
            _ => None,
        }
    }
}

/// A wait in the units a person uses: "17 seconds" under a minute and a half, "about 5 minutes"
/// under an hour, else "about 24 hours".
pub fn human_wait(secs: u64) -> String {
    let plural = |n: u64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    match secs {
        0..90 => plural(secs.max(1), "second"),
        90..3600 => format!("about {}", plural((secs + 30) / 60, "minute")),
        _ => format!("about {}", plural((secs + 1800) / 3600, "hour")),
    }
}

/// A failure with its code, a sentence for people, what fixes it, and, for rate limits, the wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    code: ErrorCode,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    remedy: Option<Remedy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
    /// The request may have reached Xero but its answer never arrived (timeout, dropped
    /// connection): a refresh may have rotated the token (issue 16).
    #[serde(skip)]
    unanswered: bool,
}

impl Error {
    /// A new error; `message` must be a sentence that says what to do next, in words that suit
    /// every front end (no option, command or button names: see [`Remedy`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), remedy: None, retry_after_secs: None, unanswered: false }
    }

    /// The same error with what fixes it.
    pub fn with_remedy(mut self, remedy: Remedy) -> Self {
        self.remedy = Some(remedy);
        self
    }

    /// Xero's rate limit, naming which limit was hit and the wait it asked for in human units.
    pub fn rate_limited(retry_after_secs: u64, limit: Option<RateLimit>) -> Self {
        let wait = human_wait(retry_after_secs);
        let what = match limit {
            Some(RateLimit::Minute) => "Xero's limit of 60 calls a minute for this organisation was reached",
            // The daily limit depends on the app's tier (docs/xero-platform.md §8): not named.
            Some(RateLimit::Day) => {
                "Xero's daily limit of calls for this organisation (it depends on the app's tier) was reached"
            }
            Some(RateLimit::AppMinute) => {
                "This app's limit of 10,000 calls a minute, across all its organisations, was reached"
            }
            Some(RateLimit::Concurrent) => "Too many calls to this organisation were in progress at once",
            None => "Xero's rate limit was reached",
        };
        Error {
            code: ErrorCode::RateLimited,
            message: format!("{what}: try again in {wait}."),
            remedy: None,
            retry_after_secs: Some(retry_after_secs),
            unanswered: false,
        }
    }

    /// Marks that the request was sent but its answer never arrived.
    pub(crate) fn answer_lost(mut self) -> Self {
        self.unanswered = true;
        self
    }

    /// True when the request may have reached Xero but no answer arrived (a timeout or a
    /// dropped connection), as opposed to one that never left or was refused.
    pub fn unanswered(&self) -> bool {
        self.unanswered
    }

    /// The same error with one more sentence (a clock far from Xero's, say).
    pub fn with_note(mut self, note: &str) -> Self {
        self.message = format!("{} {note}", self.message);
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The sentence for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What fixes it, when there is one thing to do.
    pub fn remedy(&self) -> Option<&Remedy> {
        self.remedy.as_ref()
    }

    /// For `rate_limited`: how long Xero asked us to wait, in seconds.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }

    pub(crate) fn settings(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::SettingsUnavailable, message)
    }

    pub(crate) fn keychain(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::KeychainUnavailable, message)
    }

    pub(crate) fn invalid_client() -> Self {
        Error::new(
            ErrorCode::InvalidClient,
            "Xero did not accept the client ID or client secret: check both were copied exactly \
             (a secret copied with a space is refused), or generate another secret in the Xero \
             developer portal and reconnect.",
        )
    }

    /// Xero's `unauthorized_client`: the credentials belong to an app of another integration type.
    pub(crate) fn wrong_app_type() -> Self {
        Error::new(
            ErrorCode::WrongAppType,
            "Xero says these credentials belong to an app of another integration type: choose the type your app \
             was created with in the developer portal (Web app, Mobile or desktop app, or Custom connection).",
        )
        .with_remedy(Remedy::ChooseAppType)
    }

    pub(crate) fn invalid_grant() -> Self {
        Error::new(
            ErrorCode::InvalidGrant,
            "Xero no longer accepts this connection's authorisation (it expired, was revoked, or \
             was used elsewhere): reconnect and allow access again.",
        )
    }

    pub(crate) fn xero_unavailable(what: &str) -> Self {
        Error::new(
            ErrorCode::XeroUnavailable,
            format!("Xero is not answering properly right now ({what}): try again in a few minutes."),
        )
    }

    pub(crate) fn no_network() -> Self {
        Error::new(
            ErrorCode::NoNetwork,
            "Xero could not be reached: check this computer's internet connection (and any proxy \
             or firewall), then try again.",
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes are a contract with scripts and the README: pin their spelling.
    #[test]
    fn codes_are_stable_snake_case() {
        let all = [
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::InvalidProfile, "invalid_profile"),
            (ErrorCode::CredentialProblem, "credential_problem"),
            (ErrorCode::UnknownScope, "unknown_scope"),
            (ErrorCode::UnknownConnection, "unknown_connection"),
            (ErrorCode::ConnectionExists, "connection_exists"),
            (ErrorCode::OrganisationChoiceNeeded, "organisation_choice_needed"),
            (ErrorCode::UnknownOrganisation, "unknown_organisation"),
            (ErrorCode::PortBusy, "port_busy"),
            (ErrorCode::ConsentDenied, "consent_denied"),
            (ErrorCode::ConsentTimeout, "consent_timeout"),
            (ErrorCode::ConsentFailed, "consent_failed"),
            (ErrorCode::InvalidClient, "invalid_client"),
            (ErrorCode::InvalidGrant, "invalid_grant"),
            (ErrorCode::MissingScope, "missing_scope"),
            (ErrorCode::OrganisationDisconnected, "organisation_disconnected"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::XeroUnavailable, "xero_unavailable"),
            (ErrorCode::NoNetwork, "no_network"),
            (ErrorCode::KeychainUnavailable, "keychain_unavailable"),
            (ErrorCode::SettingsUnavailable, "settings_unavailable"),
            (ErrorCode::Cancelled, "cancelled"),
            (ErrorCode::AuthorizationMismatch, "authorization_mismatch"),
            (ErrorCode::RefreshInProgress, "refresh_in_progress"),
            (ErrorCode::WrongAppType, "wrong_app_type"),
            (ErrorCode::BrowserUnavailable, "browser_unavailable"),
            (ErrorCode::CertificateUntrusted, "certificate_untrusted"),
            (ErrorCode::ProxySignInNeeded, "proxy_sign_in_needed"),
            (ErrorCode::BlockedByNetwork, "blocked_by_network"),
            (ErrorCode::IdentityHostChanged, "identity_host_changed"),
        ];
        for (code, text) in all {
            assert_eq!(code.as_str(), text);
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(text));
        }
    }

    #[test]
    fn rate_limit_names_the_limit_and_the_wait_in_human_units() {
        let e = Error::rate_limited(42, Some(RateLimit::Minute));
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert_eq!(e.retry_after_secs(), Some(42));
        assert_eq!(
            e.message(),
            "Xero's limit of 60 calls a minute for this organisation was reached: try again in 42 seconds."
        );
        let day = Error::rate_limited(86_400, RateLimit::from_header("day"));
        assert_eq!(
            day.message(),
            "Xero's daily limit of calls for this organisation (it depends on the app's tier) was reached: try again \
             in about 24 hours."
        );
        assert!(!day.message().contains("5,000"), "tiers differ: {}", day.message());
        for (spelling, limit) in [
            ("Daily", RateLimit::Day),
            ("Minute", RateLimit::Minute),
            ("DAY", RateLimit::Day),
            ("App Minute", RateLimit::AppMinute),
        ] {
            assert_eq!(RateLimit::from_header(spelling), Some(limit), "{spelling}");
        }
        assert!(!day.message().contains("86400"));
        let app = Error::rate_limited(60, RateLimit::from_header("AppMinute"));
        assert!(app.message().starts_with("This app's limit of 10,000 calls a minute"), "{}", app.message());
        assert!(Error::rate_limited(5, RateLimit::from_header("other")).message().contains("Xero's rate limit"));
    }

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(human_wait(0), "1 second");
        assert_eq!(human_wait(1), "1 second");
        assert_eq!(human_wait(17), "17 seconds");
        assert_eq!(human_wait(89), "89 seconds");
        assert_eq!(human_wait(90), "about 2 minutes");
        assert_eq!(human_wait(600), "about 10 minutes");
        assert_eq!(human_wait(3599), "about 60 minutes");
        assert_eq!(human_wait(3600), "about 1 hour");
        assert_eq!(human_wait(5400), "about 2 hours");
        assert_eq!(human_wait(86_400), "about 24 hours");
    }

    #[test]
    fn the_remedy_travels_with_the_error() {
        let e = Error::new(ErrorCode::PortBusy, "busy").with_remedy(Remedy::RegisterRedirectUri);
        assert_eq!(e.remedy(), Some(&Remedy::RegisterRedirectUri));
        assert_eq!(serde_json::to_value(&e).unwrap()["remedy"], serde_json::json!({"kind": "register_redirect_uri"}));
    }
}
