//! The core speaks neither front end's words: no text it can put in an error, a progress step
//! or a view names a command-line option (`--tenant`) or a command (`xero-connect test …`),
//! because the window shows the same sentences. What fixes a failure travels as a `Remedy`,
//! which the command line words as an option and the window as a button.
//!
//! Checked on the source: every string literal outside the unit-test modules of
//! `crates/xero-connect/src`, so a message added anywhere later is covered too.

use std::path::{Path, PathBuf};

/// The string literals of a Rust source text, skipping comments, char literals and lifetimes.
fn string_literals(src: &str) -> Vec<String> {
    let chars: Vec<char> = src.chars().collect();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' => {
                // A char literal ('x', '\n', '"') is skipped whole; a lifetime is one quote.
                if chars.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 2;
                }
                i += 1;
            }
            'r' if matches!(chars.get(i + 1), Some('"') | Some('#')) && !is_ident(chars.get(i.wrapping_sub(1))) => {
                let mut hashes = 0;
                let mut j = i + 1;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
                let rest: String = chars[j + 1..].iter().collect();
                let end = rest.find(&close).expect("raw string ends");
                out.push(rest[..end].to_string());
                i = j + 1 + rest[..end].chars().count() + close.chars().count();
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        // A line continuation joins lines; other escapes stand for one character.
                        if chars.get(i + 1) == Some(&'\n') {
                            i += 2;
                            while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                                i += 1;
                            }
                            continue;
                        }
                        text.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                out.push(text);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// The source files of the core, each without its unit tests.
fn core_sources() -> Vec<(PathBuf, String)> {
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
                // A module of unit tests in its own file (`#[cfg(test)] mod tests;`) is skipped
                // like an inline one.
                let text = std::fs::read_to_string(&path).unwrap();
                let code = match text.find("#[cfg(test)]\nmod tests") {
                    Some(at) => text[..at].to_string(),
                    None => text,
                };
                out.push((path, code));
            }
        }
    }
    assert!(out.len() > 20, "the core's sources were found");
    out
}

/// A command-line option (`--tenant`, `--redirect-uri`) or a command of the CLI.
fn names_a_front_end(text: &str) -> bool {
    let option = text.as_bytes().windows(3).any(|w| w[0] == b'-' && w[1] == b'-' && w[2].is_ascii_alphabetic());
    option || text.contains("xero-connect ")
}

#[test]
fn no_core_text_names_an_option_or_a_command() {
    let mut found = Vec::new();
    for (path, code) in core_sources() {
        for literal in string_literals(&code) {
            if names_a_front_end(&literal) {
                found.push(format!("{}: {literal:?}", path.display()));
            }
        }
    }
    assert!(found.is_empty(), "core texts that only one front end can act on:\n{}", found.join("\n"));
}

/// The scanner itself: it must see what it is meant to catch, and not what it is not.
#[test]
fn the_scanner_finds_literals_and_skips_comments_chars_and_lifetimes() {
    let src = r####"
        // "in a comment --tenant"
        fn f<'a>(x: &'a str) -> char { let q = '"'; let e = '\''; q }
        let a = "pass --tenant NAME";
        let b = format!("run `xero-connect \
                         test {name}`");
        let c = r#"raw --redirect-uri"#;
        let d = "a - b -- 3 and xero-connect/1.0";
    "####;
    let lits = string_literals(src);
    assert_eq!(lits.len(), 4, "{lits:?}");
    let flagged: Vec<bool> = lits.iter().map(|l| names_a_front_end(l)).collect();
    assert_eq!(flagged, [true, true, true, false], "{lits:?}");
}
