//! The one error type of the core: a stable snake_case code that scripts and the UI branch on,
//! and one plain sentence that says what to do next.
//!
//! Messages are written here, never copied from a server's response body, so no secret, token or
//! authorization code can reach an error through them.

use serde::Serialize;
use std::fmt;

/// What went wrong, as a stable code. A code is added only when a caller branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A command-line value or option is malformed.
    InvalidInput,
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
}

impl ErrorCode {
    /// The snake_case spelling used in JSON output and the README.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
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
        }
    }

    /// True when the input, not the world, is at fault: the command line exits with 2.
    pub fn is_usage(self) -> bool {
        matches!(
            self,
            ErrorCode::InvalidInput
                | ErrorCode::CredentialProblem
                | ErrorCode::UnknownScope
                | ErrorCode::UnknownConnection
                | ErrorCode::ConnectionExists
                | ErrorCode::OrganisationChoiceNeeded
                | ErrorCode::UnknownOrganisation
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure with its code, a sentence for people, and, for rate limits, the wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    code: ErrorCode,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
}

impl Error {
    /// A new error; `message` must be a sentence that says what to do next.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), retry_after_secs: None }
    }

    /// Xero's rate limit, with the wait it asked for.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Error {
            code: ErrorCode::RateLimited,
            message: format!(
                "Xero's rate limit for this organisation was reached: try again in {retry_after_secs} seconds."
            ),
            retry_after_secs: Some(retry_after_secs),
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The sentence for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For `rate_limited`: how long Xero asked us to wait.
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
        ];
        for (code, text) in all {
            assert_eq!(code.as_str(), text);
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(text));
        }
    }

    #[test]
    fn rate_limit_carries_the_wait() {
        let e = Error::rate_limited(42);
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert_eq!(e.retry_after_secs(), Some(42));
        assert!(e.message().contains("42 seconds"));
    }
}
