//! Reading from the person at the terminal, or from a script: the client secret (standard
//! input when it is not a terminal, else a hidden prompt — never an argument), the Client ID,
//! confirmations, and choosing an organisation.

use std::io::{BufRead, IsTerminal, Write};
use xero_connect::{Error, ErrorCode, Result};

/// True when a person can answer questions.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The pasted secret, exactly as given apart from the line ending of a piped line, so the
/// credential checks can report stray whitespace.
pub fn read_secret(prompt: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map_err(|_| Error::new(ErrorCode::InvalidInput, "Could not read the client secret from the terminal."));
    }
    let mut text = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut text)
        .map_err(|_| Error::new(ErrorCode::InvalidInput, "Could not read the client secret from standard input."))?;
    // One line ending is how a line is piped (`echo`), not part of what was pasted.
    let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    Ok(text.to_string())
}

/// A visible one-line answer.
pub fn ask(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| Error::new(ErrorCode::InvalidInput, "Could not read the answer."))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Asks for a yes; anything else is a no.
pub fn confirm(question: &str) -> Result<bool> {
    let answer = ask(&format!("{question} Type yes to continue: "))?;
    Ok(answer.trim().eq_ignore_ascii_case("yes") || answer.trim().eq_ignore_ascii_case("y"))
}
