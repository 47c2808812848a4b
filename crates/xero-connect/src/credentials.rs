//! Pasted client ID and client secret → cleaned values plus a list of problems, as data that
//! the command line and the window both show.
//!
//! Whitespace comes first, because it is the commonest paste error and Xero answers a secret
//! with a trailing space only with `invalid_client`. Fixable problems (whitespace at the ends,
//! quotes, a pasted label) are repaired with a visible notice; the rest block or warn. Messages
//! about the secret never quote it.

use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use serde::Serialize;

/// Which input a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The connection name input (the window's first setup).
    Name,
    /// The Client ID input.
    ClientId,
    /// The Client secret input.
    ClientSecret,
}

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::Name => "Connection name",
            Field::ClientId => "Client ID",
            Field::ClientSecret => "Client secret",
        }
    }
}

/// How much a problem matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Repaired automatically; shown so the user knows what was changed.
    Notice,
    /// Unusual but possibly right; nothing is refused.
    Warning,
    /// Nothing is sent to Xero until it is fixed.
    Blocking,
}

/// What kind of problem, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Nothing was pasted.
    Empty,
    /// Whitespace or invisible characters at the start or end (removed).
    Whitespace,
    /// Whitespace in the middle of the value.
    InnerWhitespace,
    /// Surrounding quotes (removed).
    Quotes,
    /// A pasted label such as `Client ID:` (removed).
    Label,
    /// The Client ID is not 32 hexadecimal characters.
    ClientIdShape,
    /// The Client ID is in lower case, unlike Xero's.
    ClientIdCase,
    /// The secret's length or characters are unusual.
    SecretShape,
    /// The two values look swapped.
    Swapped,
    /// The secret equals the Client ID.
    SecretIsClientId,
    /// The connection name is not allowed, or another connection has it.
    ConnectionName,
}

/// One finding about one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The input it is about.
    pub field: Field,
    /// Whether it blocks, warns, or was repaired.
    pub severity: Severity,
    /// Its stable code.
    pub kind: ProblemKind,
    /// A sentence for people, e.g. "Client secret: 1 trailing space — removed."
    pub message: String,
}

/// The result of checking pasted credentials.
#[derive(Debug, Clone)]
pub struct CredentialCheck {
    /// The cleaned Client ID.
    pub client_id: String,
    /// The cleaned secret, when one was given.
    pub client_secret: Option<Secret>,
    /// Everything found, blocking problems first.
    pub problems: Vec<Problem>,
}

impl CredentialCheck {
    /// True while a blocking problem remains: nothing may be sent to Xero.
    pub fn is_blocked(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Blocking)
    }

    /// The cleaned values, or a `credential_problem` error listing the blocking problems.
    pub fn into_valid(self) -> Result<(String, Option<Secret>)> {
        if self.is_blocked() {
            let list: Vec<&str> =
                self.problems.iter().filter(|p| p.severity == Severity::Blocking).map(|p| p.message.as_str()).collect();
            return Err(Error::new(ErrorCode::CredentialProblem, list.join(" ")));
        }
        Ok((self.client_id, self.client_secret))
    }
}

/// Checks a pasted Client ID and, for apps that have one, a pasted client secret.
pub fn check(client_id: &str, client_secret: Option<&str>) -> CredentialCheck {
    let mut problems = Vec::new();
    let id = clean(Field::ClientId, client_id, &mut problems);
    let secret = client_secret.map(|s| clean(Field::ClientSecret, s, &mut problems));

    let id_is_hex = is_client_id_shape(&id);
    let secret_ref = secret.as_deref();
    let swapped = !id.is_empty() && !id_is_hex && secret_ref.is_some_and(is_client_id_shape) && looks_like_secret(&id);
    if swapped {
        problems.push(problem(
            Field::ClientId,
            Severity::Blocking,
            ProblemKind::Swapped,
            "The Client ID and Client secret look swapped: the Client ID is the 32-character \
             value shown first in the portal; the secret is the longer one.",
        ));
    } else {
        check_client_id_shape(&id, &mut problems);
        if let Some(s) = secret_ref {
            check_secret_shape(&id, s, &mut problems);
        }
    }
    problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
    CredentialCheck { client_id: id, client_secret: secret.map(Secret::new), problems }
}

/// A secret's shape: every character replaced by its class, keeping exactly what the checks
/// look at (length, whitespace and invisible characters, quotes, `:` and `=`, hex digits versus
/// other letters, `-` and `_`). The window sends this while the user types, so the checks run
/// live without the secret crossing over until it is submitted; the window computes the same
/// mapping (ui/js/shape.js).
///
/// Text before a `:` or `=` among the first 24 characters is kept as it is: Xero's secrets never
/// contain those characters, so such a prefix is a pasted label ("Client secret: …"), not secret
/// material, and the label check needs its letters.
pub fn secret_shape(secret: &str) -> String {
    let label_end = secret.char_indices().take(24).find(|(_, c)| matches!(c, ':' | '=')).map_or(0, |(i, _)| i);
    let (label, rest) = secret.split_at(label_end);
    label.to_string()
        + &rest
            .chars()
            .map(|c| match c {
                '0'..='9' => '0',
                'a'..='f' => 'a',
                'A'..='F' => 'A',
                'g'..='z' => 'g',
                'G'..='Z' => 'G',
                '-' | '_' | ':' | '=' => c,
                c if is_invisible(c) => c,
                c if QUOTE_PAIRS.iter().any(|(a, b)| *a == c || *b == c) => c,
                _ => '*',
            })
            .collect::<String>()
}

fn problem(field: Field, severity: Severity, kind: ProblemKind, message: impl Into<String>) -> Problem {
    Problem { field, severity, kind, message: message.into() }
}

/// Strips what a paste commonly drags along, reporting each repair, and flags emptiness and
/// whitespace left inside.
fn clean(field: Field, raw: &str, problems: &mut Vec<Problem>) -> String {
    let name = field.label();
    let mut value = raw.to_string();
    for _ in 0..3 {
        let before = value.clone();
        value = strip_ends(field, &value, problems);
        value = strip_quotes(field, &value, problems);
        value = strip_label(field, &value, problems);
        if value == before {
            break;
        }
    }
    if value.is_empty() {
        problems.push(problem(
            field,
            Severity::Blocking,
            ProblemKind::Empty,
            format!("{name} is empty: paste it from your app's Configuration page in the Xero developer portal."),
        ));
    } else if value.chars().any(is_invisible) {
        problems.push(problem(
            field,
            Severity::Blocking,
            ProblemKind::InnerWhitespace,
            format!(
                "{name} has a space or invisible character in the middle: copy it again from the portal, in one piece."
            ),
        ));
    }
    value
}

/// Characters a paste can carry that nobody sees: all Unicode whitespace plus the zero-width
/// characters, which `char::is_whitespace` does not cover.
fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

fn invisible_name(c: char) -> &'static str {
    match c {
        ' ' => "space",
        '\t' => "tab",
        '\n' | '\r' => "line break",
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => "non-breaking space",
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => "zero-width character",
        _ => "unusual space",
    }
}

/// "2 trailing spaces and 1 trailing line break": runs of one kind, counted; `\r\n` is one break.
fn describe_run(side: &str, run: &str) -> String {
    let mut groups: Vec<(&'static str, usize)> = Vec::new();
    let mut chars = run.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        let name = invisible_name(c);
        match groups.last_mut() {
            Some((n, count)) if *n == name => *count += 1,
            _ => groups.push((name, 1)),
        }
    }
    let parts: Vec<String> =
        groups.into_iter().map(|(name, n)| format!("{n} {side} {name}{}", if n == 1 { "" } else { "s" })).collect();
    parts.join(" and ")
}

fn strip_ends(field: Field, value: &str, problems: &mut Vec<Problem>) -> String {
    let trimmed_start = value.trim_start_matches(is_invisible);
    let leading = &value[..value.len() - trimmed_start.len()];
    let inner = trimmed_start.trim_end_matches(is_invisible);
    let trailing = &trimmed_start[inner.len()..];
    let mut parts = Vec::new();
    if !leading.is_empty() {
        parts.push(describe_run("leading", leading));
    }
    if !trailing.is_empty() {
        parts.push(describe_run("trailing", trailing));
    }
    if !parts.is_empty() && !inner.is_empty() {
        problems.push(problem(
            field,
            Severity::Notice,
            ProblemKind::Whitespace,
            format!("{}: {} — removed.", field.label(), parts.join(" and ")),
        ));
    }
    inner.to_string()
}

const QUOTE_PAIRS: [(char, char); 6] = [
    ('"', '"'),
    ('\'', '\''),
    ('\u{201C}', '\u{201D}'),
    ('\u{2018}', '\u{2019}'),
    ('`', '`'),
    ('\u{00AB}', '\u{00BB}'),
];

fn strip_quotes(field: Field, value: &str, problems: &mut Vec<Problem>) -> String {
    let mut chars = value.chars();
    let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else {
        return value.to_string();
    };
    if QUOTE_PAIRS.contains(&(first, last)) {
        problems.push(problem(
            field,
            Severity::Notice,
            ProblemKind::Quotes,
            format!("{}: surrounding quotes — removed.", field.label()),
        ));
        return chars.as_str().to_string();
    }
    value.to_string()
}

/// Labels people copy along with the value, e.g. "Client ID: 1A2B…" or "client_secret=…".
fn strip_label(field: Field, value: &str, problems: &mut Vec<Problem>) -> String {
    let Some(sep) = value.find([':', '=']) else {
        return value.to_string();
    };
    let label: String = value[..sep].chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    let known = ["clientid", "id", "clientsecret", "clientsecret1", "clientsecret2", "secret"];
    if !known.contains(&label.as_str()) {
        return value.to_string();
    }
    let shown = value[..sep].trim();
    problems.push(problem(
        field,
        Severity::Notice,
        ProblemKind::Label,
        format!("{}: the label \"{shown}{}\" was pasted too — removed.", field.label(), &value[sep..sep + 1]),
    ));
    value[sep + 1..].to_string()
}

fn is_client_id_shape(v: &str) -> bool {
    v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_secret_alphabet(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn looks_like_secret(v: &str) -> bool {
    v.len() >= 40 && v.chars().all(is_secret_alphabet)
}

/// Whether `text` holds something shaped like a client secret anywhere in it: a run of 40 or
/// more letters, digits, `-` and `_`, as Xero's 48-character secrets are — a secret pasted into
/// the wrong field, with or without a label or quotes around it. A Client ID (32 characters)
/// and a connection's name are not; what the window writes down between runs is checked with
/// this, so a secret typed in the wrong place is never written (`wizard/unfinished.rs`).
pub fn may_hold_secret(text: &str) -> bool {
    text.split(|c: char| !is_secret_alphabet(c)).any(looks_like_secret)
}

fn check_client_id_shape(id: &str, problems: &mut Vec<Problem>) {
    if id.is_empty() || id.chars().any(is_invisible) {
        return;
    }
    if !is_client_id_shape(id) {
        let n = id.chars().count();
        problems.push(problem(
            Field::ClientId,
            Severity::Blocking,
            ProblemKind::ClientIdShape,
            format!(
                "Client ID should be 32 characters of 0–9 and A–F; this one has {n} character{}{}. Copy it again from the portal.",
                if n == 1 { "" } else { "s" },
                if id.chars().all(|c| c.is_ascii_hexdigit()) { "" } else { ", some of them not 0–9 or A–F" }
            ),
        ));
    } else if id.chars().any(|c| c.is_ascii_lowercase()) {
        problems.push(problem(
            Field::ClientId,
            Severity::Warning,
            ProblemKind::ClientIdCase,
            "Client ID is in lower case, but Xero shows it in capitals: check it was copied, not retyped.",
        ));
    }
}

fn check_secret_shape(id: &str, secret: &str, problems: &mut Vec<Problem>) {
    if secret.is_empty() || secret.chars().any(is_invisible) {
        return;
    }
    if secret.eq_ignore_ascii_case(id) {
        problems.push(problem(
            Field::ClientSecret,
            Severity::Blocking,
            ProblemKind::SecretIsClientId,
            "Client secret is the same as the Client ID: generate a secret in the portal (Configuration → Generate a secret) and paste that.",
        ));
        return;
    }
    if is_client_id_shape(secret) {
        problems.push(problem(
            Field::ClientSecret,
            Severity::Warning,
            ProblemKind::SecretShape,
            "Client secret looks like a Client ID (32 characters of 0–9 and A–F): check you pasted the secret.",
        ));
        return;
    }
    let n = secret.chars().count();
    let odd_chars = !secret.chars().all(is_secret_alphabet);
    if n != 48 || odd_chars {
        let mut msg = format!("Client secret has {n} character{}", if n == 1 { "" } else { "s" });
        if odd_chars {
            msg.push_str(", some of them not letters, digits, - or _");
        }
        msg.push_str("; Xero's secrets are usually 48. Check it was copied whole.");
        problems.push(problem(Field::ClientSecret, Severity::Warning, ProblemKind::SecretShape, msg));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_noticed_anywhere_in_a_text_and_ids_and_names_are_not_secrets() {
        let secret = "hK7_vQ2-pL9zXw3RmT8yNc4BfJ6dGs1AeU5kYq0oPi4WtZ2x";
        for text in
            [secret.to_string(), format!("Client secret: {secret}"), format!("\"{secret}\" "), format!("Shop {secret}")]
        {
            assert!(may_hold_secret(&text), "{text}");
        }
        for text in ["1A2B3C4D5E6F708192A3B4C5D6E7F809", "Harbour Bakery", "My business (AU) – 2026", ""] {
            assert!(!may_hold_secret(text), "{text}");
        }
    }

    const ID: &str = "0123456789ABCDEF0123456789ABCDEF";
    const SECRET: &str = "abcdEFGH_ijk-lmnopqrstuvwxyz0123456789ABCDEFGHIJ";

    fn kinds(c: &CredentialCheck) -> Vec<(Field, Severity, ProblemKind)> {
        c.problems.iter().map(|p| (p.field, p.severity, p.kind)).collect()
    }

    #[test]
    fn clean_values_pass_without_problems() {
        assert_eq!(SECRET.len(), 48);
        let c = check(ID, Some(SECRET));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let (id, secret) = c.into_valid().unwrap();
        assert_eq!(id, ID);
        assert_eq!(secret.unwrap().expose(), SECRET);
    }

    #[test]
    fn whitespace_is_named_with_count_and_side_and_removed() {
        let cases = [
            (format!("{SECRET}  "), "2 trailing spaces"),
            (format!(" {SECRET}"), "1 leading space"),
            (format!("\t{SECRET}\n"), "1 leading tab and 1 trailing line break"),
            (format!("{SECRET}\r\n"), "1 trailing line break"),
            (format!("{SECRET}\u{00A0}"), "1 trailing non-breaking space"),
            (format!("\u{200B}{SECRET}"), "1 leading zero-width character"),
            (format!("{SECRET} \u{FEFF}"), "1 trailing space and 1 trailing zero-width character"),
        ];
        for (raw, expected) in cases {
            let c = check(ID, Some(&raw));
            assert_eq!(kinds(&c), vec![(Field::ClientSecret, Severity::Notice, ProblemKind::Whitespace)], "{raw:?}");
            assert_eq!(c.problems[0].message, format!("Client secret: {expected} — removed."));
            assert!(!c.problems[0].message.contains(SECRET));
            assert_eq!(c.client_secret.as_ref().unwrap().expose(), SECRET);
            assert!(!c.is_blocked());
        }
    }

    #[test]
    fn client_id_whitespace_is_reported_on_its_field() {
        let c = check(&format!("{ID} "), Some(SECRET));
        assert_eq!(c.problems[0].message, "Client ID: 1 trailing space — removed.");
        assert_eq!(c.client_id, ID);
    }

    #[test]
    fn quotes_and_labels_are_removed_with_notice() {
        let c = check(&format!("Client ID: {ID}"), Some(&format!("\"{SECRET}\"")));
        let k = kinds(&c);
        assert!(k.contains(&(Field::ClientId, Severity::Notice, ProblemKind::Label)), "{k:?}");
        assert!(k.contains(&(Field::ClientSecret, Severity::Notice, ProblemKind::Quotes)), "{k:?}");
        assert!(!c.is_blocked());
        assert_eq!(c.client_id, ID);
        assert_eq!(c.client_secret.unwrap().expose(), SECRET);

        let c = check(&format!("client_id={ID}"), Some(&format!("“{SECRET}”")));
        assert!(!c.is_blocked(), "{:?}", c.problems);
        assert_eq!(c.client_id, ID);
    }

    #[test]
    fn empty_values_block() {
        let c = check("  ", Some(""));
        assert!(c.is_blocked());
        let k = kinds(&c);
        assert!(k.contains(&(Field::ClientId, Severity::Blocking, ProblemKind::Empty)));
        assert!(k.contains(&(Field::ClientSecret, Severity::Blocking, ProblemKind::Empty)));
        let err = c.into_valid().unwrap_err();
        assert_eq!(err.code(), ErrorCode::CredentialProblem);
    }

    #[test]
    fn inner_whitespace_blocks() {
        let c = check(ID, Some("abcd efgh"));
        assert!(kinds(&c).contains(&(Field::ClientSecret, Severity::Blocking, ProblemKind::InnerWhitespace)));
    }

    #[test]
    fn client_id_shape_blocks_and_lower_case_warns() {
        let c = check("1234", Some(SECRET));
        assert_eq!(kinds(&c), vec![(Field::ClientId, Severity::Blocking, ProblemKind::ClientIdShape)]);
        assert!(c.problems[0].message.contains("4 characters"));
        let c = check(&ID.to_lowercase(), Some(SECRET));
        assert_eq!(kinds(&c), vec![(Field::ClientId, Severity::Warning, ProblemKind::ClientIdCase)]);
        assert!(!c.is_blocked());
    }

    #[test]
    fn unusual_secret_warns_without_quoting_it() {
        let odd = "short+secret";
        let c = check(ID, Some(odd));
        assert_eq!(kinds(&c), vec![(Field::ClientSecret, Severity::Warning, ProblemKind::SecretShape)]);
        assert!(!c.is_blocked());
        assert!(!c.problems[0].message.contains(odd));
        assert!(c.problems[0].message.contains("12 characters"));
    }

    #[test]
    fn swapped_values_block() {
        let c = check(SECRET, Some(ID));
        assert_eq!(kinds(&c), vec![(Field::ClientId, Severity::Blocking, ProblemKind::Swapped)]);
        let c = check(ID, Some(ID));
        assert_eq!(kinds(&c), vec![(Field::ClientSecret, Severity::Blocking, ProblemKind::SecretIsClientId)]);
    }

    #[test]
    fn no_secret_for_pkce_apps() {
        let c = check(ID, None);
        assert!(c.problems.is_empty());
        assert!(c.client_secret.is_none());
    }

    #[test]
    fn a_secret_shape_gets_the_same_findings_as_the_secret_but_hides_it() {
        let cases = [
            format!("{SECRET} "),
            format!("\u{200B}{SECRET}\n"),
            format!("\"{SECRET}\""),
            "short+secret".to_string(),
            "abc def".to_string(),
            format!("Client secret: {SECRET}"),
            format!("client_secret={SECRET}"),
            String::new(),
            "0123456789abcdef0123456789ABCDEG".to_string(),
        ];
        for secret in cases {
            let shape = secret_shape(&secret);
            assert_eq!(shape.chars().count(), secret.chars().count());
            let real: Vec<_> =
                check(ID, Some(&secret)).problems.into_iter().map(|p| (p.kind, p.severity, p.message)).collect();
            let shaped: Vec<_> =
                check(ID, Some(&shape)).problems.into_iter().map(|p| (p.kind, p.severity, p.message)).collect();
            assert_eq!(real, shaped, "{secret:?}");
        }
        assert_eq!(secret_shape("aZ9-x_ Q+"), "aG0-g_ G*");
        assert_eq!(secret_shape("Secret: aZ9"), "Secret: aG0");
        assert!(!secret_shape(SECRET).contains("EFGH"));
        // The one finding a shape cannot make: a secret equal to the Client ID is only a
        // warning while typing; the check on submit blocks it.
        assert_eq!(check(ID, Some(&secret_shape(ID))).problems[0].severity, Severity::Warning);
        assert!(check(ID, Some(ID)).is_blocked());
    }

    #[test]
    fn blocking_problems_come_first() {
        let c = check(&format!(" {ID}"), Some(""));
        assert_eq!(c.problems[0].severity, Severity::Blocking);
    }
}
