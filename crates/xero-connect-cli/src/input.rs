//! Reading from the person at the terminal, or from a script: the client secret (standard
//! input when it is not a terminal, else a hidden prompt — never an argument), the Client ID,
//! confirmations, choosing an organisation, and the address pasted back while a consent waits.
//!
//! Standard input is read line by line by one thread, so a consent can wait for the listener
//! and a pasted address at once: while a consent waits, lines go to it; otherwise to the
//! questions. A blocking read that nobody can interrupt is thus never left holding stdin.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use xero_connect::paste::PasteSender;
use xero_connect::secret::Secret;
use xero_connect::{Error, ErrorCode, Result};

/// Lines of standard input for the questions, without their line ending.
static LINES: OnceLock<Mutex<mpsc::Receiver<String>>> = OnceLock::new();
/// While a consent waits: where a line goes first.
static PASTES: Mutex<Option<PasteSender>> = Mutex::new(None);

fn lines() -> &'static Mutex<mpsc::Receiver<String>> {
    LINES.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            loop {
                let mut line = String::new();
                match stdin.lock().read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                // One line ending is how a line is typed or piped, not part of what was pasted.
                let line = line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).unwrap_or(&line);
                let consent = PASTES.lock().expect("paste route").clone();
                if consent.is_some_and(|c| c.send(Secret::new(line))) {
                    continue;
                }
                if tx.send(line.to_string()).is_err() {
                    return;
                }
            }
        });
        Mutex::new(rx)
    })
}

/// The next line of standard input; `None` at its end.
fn next_line() -> Option<String> {
    lines().lock().expect("stdin lines").recv().ok()
}

/// While the returned guard lives, lines of standard input go to the waiting consent.
pub fn send_lines_to(consent: PasteSender) -> PasteRoute {
    let _ = lines();
    *PASTES.lock().expect("paste route") = Some(consent);
    PasteRoute
}

/// Sends lines back to the questions when dropped.
pub struct PasteRoute;

impl Drop for PasteRoute {
    fn drop(&mut self) {
        *PASTES.lock().expect("paste route") = None;
    }
}

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
    // Nothing piped reads as an empty secret, which the credential checks then name.
    Ok(next_line().unwrap_or_default())
}

/// A visible one-line answer.
pub fn ask(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    next_line().ok_or_else(|| Error::new(ErrorCode::InvalidInput, "Could not read the answer."))
}

/// Asks for a yes; anything else is a no.
pub fn confirm(question: &str) -> Result<bool> {
    let answer = ask(&format!("{question} Type yes to continue: "))?;
    Ok(answer.trim().eq_ignore_ascii_case("yes") || answer.trim().eq_ignore_ascii_case("y"))
}
