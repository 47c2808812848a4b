//! Errors as the window receives them: a `{code, message}` object, never a bare string, so the UI
//! can branch on a stable code and show the sentence. Codes are the core's `ErrorCode`s plus the
//! one the shell adds (`practice_unavailable`); a code is added only when the UI branches on it.

use serde::Serialize;

/// The shell's own code: practice mode could not start (simulator or temporary folder).
pub const PRACTICE_UNAVAILABLE: &str = "practice_unavailable";

/// An error crossing IPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    /// Stable snake_case code.
    pub code: &'static str,
    /// One sentence saying what to do.
    pub message: String,
}

impl IpcError {
    /// Practice mode could not start.
    pub fn practice(message: impl Into<String>) -> IpcError {
        IpcError { code: PRACTICE_UNAVAILABLE, message: message.into() }
    }

    /// The window sent something that is not a user event: a bug in the UI, reported with the
    /// core's `invalid_input` code rather than a code of its own (the UI cannot recover from it).
    pub fn not_a_user_event(why: impl std::fmt::Display) -> IpcError {
        IpcError {
            code: xero_connect::ErrorCode::InvalidInput.as_str(),
            message: format!("The window sent an event the wizard does not accept ({why})."),
        }
    }
}

impl From<xero_connect::Error> for IpcError {
    fn from(e: xero_connect::Error) -> IpcError {
        IpcError { code: e.code().as_str(), message: e.message().to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xero_connect::{Error, ErrorCode};

    #[test]
    fn errors_serialise_as_code_and_message_only() {
        let e = IpcError::from(Error::new(ErrorCode::SettingsUnavailable, "Fix the settings file."));
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "settings_unavailable", "message": "Fix the settings file."})
        );
        assert_eq!(IpcError::practice("x").code, "practice_unavailable");
        assert_eq!(IpcError::not_a_user_event("y").code, "invalid_input");
    }
}
