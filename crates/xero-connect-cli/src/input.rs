//! Reading from the person at the terminal, or from a script: the client secret (standard
//! input when it is not a terminal, else a hidden prompt — never an argument), the Client ID,
//! confirmations, choosing an organisation, and the address pasted back while a consent waits.
//!
//! Standard input is read line by line by one thread, so a consent can wait for the listener
//! and a pasted address at once: while a consent waits, lines go to it; otherwise to the
//! questions. That thread reads only while a question or a consent wants a line (issue 17):
//! a read left pending would compete with the hidden secret prompt, which reads the terminal
//! itself, and keystrokes of the secret would go to either reader.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use xero_connect::paste::PasteSender;
use xero_connect::{Error, ErrorCode, Result, Secret};
use zeroize::Zeroizing;

/// Lines of standard input for the questions, without their line ending.
static LINES: OnceLock<Mutex<mpsc::Receiver<Zeroizing<String>>>> = OnceLock::new();
/// While a consent waits: where a line goes first.
static PASTES: Mutex<Option<PasteSender>> = Mutex::new(None);
/// Lines the questions asked for and did not get yet; the reader waits while it is 0 and no
/// consent waits.
static WANTED: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

fn pastes() -> std::sync::MutexGuard<'static, Option<PasteSender>> {
    PASTES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Wakes the reader after `WANTED` or `PASTES` changed (under `WANTED`'s lock, so the reader
/// cannot miss it between its check and its wait).
fn wake_reader(change: impl FnOnce(&mut usize)) {
    let mut wanted = WANTED.0.lock().unwrap_or_else(PoisonError::into_inner);
    change(&mut wanted);
    WANTED.1.notify_all();
}

fn lines() -> &'static Mutex<mpsc::Receiver<Zeroizing<String>>> {
    LINES.get_or_init(|| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            loop {
                {
                    let wanted = WANTED.0.lock().unwrap_or_else(PoisonError::into_inner);
                    drop(WANTED.1.wait_while(wanted, |w| *w == 0 && pastes().is_none()));
                }
                let mut line = Zeroizing::new(String::new());
                match stdin.lock().read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                // One line ending is how a line is typed or piped, not part of what was pasted.
                let text = line.strip_suffix('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).unwrap_or(&line);
                let consent = pastes().clone();
                if consent.is_some_and(|c| c.send(Secret::new(text))) {
                    continue;
                }
                wake_reader(|w| *w = w.saturating_sub(1));
                if tx.send(Zeroizing::new(text.to_string())).is_err() {
                    return;
                }
            }
        });
        Mutex::new(rx)
    })
}

/// The next line of standard input; `None` at its end.
fn next_line() -> Option<Zeroizing<String>> {
    let rx = lines().lock().unwrap_or_else(PoisonError::into_inner);
    // A line read while a consent waited, which it no longer took, answers first.
    if let Ok(line) = rx.try_recv() {
        return Some(line);
    }
    wake_reader(|w| *w += 1);
    rx.recv().ok()
}

/// While the returned guard lives, lines of standard input go to the waiting consent.
pub fn send_lines_to(consent: PasteSender) -> PasteRoute {
    let _ = lines();
    *pastes() = Some(consent);
    wake_reader(|_| {});
    PasteRoute
}

/// Sends lines back to the questions when dropped.
pub struct PasteRoute;

impl Drop for PasteRoute {
    fn drop(&mut self) {
        *pastes() = None;
    }
}

/// True when a person can answer questions.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The pasted secret, exactly as given apart from the line ending of a piped line, so the
/// credential checks can report stray whitespace. Zeroed when dropped.
pub fn read_secret(prompt: &str) -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        // No line of standard input is being read now (see the module documentation), so the
        // prompt has the terminal to itself.
        return rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|_| Error::new(ErrorCode::InvalidInput, "Could not read the client secret from the terminal."));
    }
    // Nothing piped reads as an empty secret, which the credential checks then name.
    Ok(next_line().unwrap_or_default())
}

/// A visible one-line answer.
pub fn ask(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    next_line()
        .map(|line| line.to_string())
        .ok_or_else(|| Error::new(ErrorCode::InvalidInput, "Could not read the answer."))
}

/// Asks for a yes; anything else is a no.
pub fn confirm(question: &str) -> Result<bool> {
    let answer = ask(&format!("{question} Type yes to continue: "))?;
    Ok(answer.trim().eq_ignore_ascii_case("yes") || answer.trim().eq_ignore_ascii_case("y"))
}
