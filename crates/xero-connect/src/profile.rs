//! Vendor profiles: a TOML file that sets the wizard up for one piece of business software —
//! its name, the values to type into Xero's developer portal, the app types it supports, its
//! redirect URIs and exactly the scopes it uses — so its users grant only what it needs
//! (docs/xero-platform.md §12: certification asks apps to request only the scopes they use).
//!
//! A profile is a contract vendors rely on: unknown keys are refused, and every problem names
//! the file, the key and, where the parser knows it, the line. Nothing is sent anywhere before
//! the profile is read whole. Where it is found: [`locate`].
//!
//! ```toml
//! format = 1                                   # optional; this build reads format 1
//! [product]
//! name = "Ledgerleaf Assets"                   # "Connect Ledgerleaf Assets to Xero"
//! company_url = "https://assets.ledgerleaf.example"
//! app_name = "Ledgerleaf Assets"               # the portal's App name; may not contain "Xero"
//! support = "https://assets.ledgerleaf.example/help"   # an https URL or an e-mail address
//! help_url = "https://assets.ledgerleaf.example/xero"  # optional: the vendor's own guide
//! connection_name = "Ledgerleaf"               # optional: the default connection name
//! [xero]
//! app_types = ["web"]                          # allowed, the first is the default
//! redirect_uris = ["http://localhost:33333/callback"]
//! scopes = ["assets.read"]                     # exact; or apis = ["assets"] (presets)
//! ```

use crate::apis::Api;
use crate::domain::{AppType, RedirectUri};
use crate::error::{Error, ErrorCode, Result};
use crate::scopes;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The profile format this build reads.
pub const FORMAT: u32 = 1;
/// The file name looked for beside the program.
pub const FILE_NAME: &str = "profile.toml";
/// The environment variable naming a profile.
pub const ENV_VAR: &str = "XERO_CONNECT_PROFILE";
/// The largest profile file read: a profile is about ten lines.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;
/// The longest text value (a name, an address) a profile may give.
pub const MAX_TEXT_CHARS: usize = 200;

/// A profile, read and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The business software's name, used in titles ("Connect NAME to Xero").
    pub product: String,
    /// The vendor's https address, to paste as the portal's "Company or application URL".
    pub company_url: String,
    /// The portal's App name.
    pub app_name: String,
    /// Where users get help: an https URL or an e-mail address.
    pub support: String,
    /// The vendor's own guide, if any.
    pub help_url: Option<String>,
    /// The name a new connection is offered.
    pub connection_name: Option<String>,
    /// The app types a user may choose, the default first.
    pub app_types: Vec<AppType>,
    /// The redirect URIs to register, in order of preference.
    pub redirect_uris: Vec<String>,
    /// The scopes the software uses, exactly as listed (or expanded from `apis`), without
    /// `offline_access`, which every connection gets.
    pub scopes: Vec<String>,
    /// Where it was read from.
    pub path: PathBuf,
    /// The first 16 hex digits of the file's SHA-256: tells two versions of a profile apart.
    pub digest: String,
}

/// What a saved connection records of the profile it was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    /// The product's name.
    pub product: String,
    /// The profile file's digest (see [`Profile::digest`]).
    pub digest: String,
}

impl Profile {
    /// What a connection made with this profile records.
    pub fn reference(&self) -> ProfileRef {
        ProfileRef { product: self.product.clone(), digest: self.digest.clone() }
    }

    /// The redirect URIs, parsed (they were checked when the profile was read).
    pub fn redirect_uris(&self) -> Vec<RedirectUri> {
        self.redirect_uris.iter().filter_map(|u| RedirectUri::parse(u).ok()).collect()
    }

    /// The scopes a consent asks for with this profile: exactly the profile's, plus
    /// `offline_access` (a refresh token). Nothing else is added here; the consent itself adds
    /// `openid` for a web app, whose id_token carries the check that Xero's answer belongs to
    /// this sign-in (see `flows::consent`).
    pub fn consent_scopes(&self) -> Vec<String> {
        let mut out = self.scopes.clone();
        if !out.iter().any(|s| s == "offline_access") {
            out.push("offline_access".into());
        }
        out
    }

    /// The app type to use: `requested` if the profile allows it, else its default.
    ///
    /// # Errors
    /// `invalid_profile` when `requested` is not among the profile's app types.
    pub fn app_type(&self, requested: Option<AppType>) -> Result<AppType> {
        match requested {
            None => Ok(self.app_types[0]),
            Some(t) if self.app_types.contains(&t) => Ok(t),
            Some(t) => Err(Error::new(
                ErrorCode::InvalidProfile,
                format!(
                    "{} is set up for {} only, not for a {}: create the app with that type in the portal.",
                    self.product,
                    self.app_types.iter().map(|t| t.portal_label()).collect::<Vec<_>>().join(" or "),
                    t.portal_label().to_ascii_lowercase()
                ),
            )),
        }
    }
}

/// Where the profile in force comes from, first match wins: `explicit` (the front end's own
/// option), the [`ENV_VAR`] variable, a [`FILE_NAME`] beside the program, or (a Linux
/// package's place for it) `../share/xero-connect/profile.toml` from the program's folder.
/// `Ok(None)`: no profile; the product behaves as without one.
///
/// # Errors
/// `invalid_profile` for a profile named but missing, unreadable or invalid.
pub fn locate(explicit: Option<&Path>) -> Result<Option<Profile>> {
    if let Some(p) = explicit {
        return load(p).map(Some);
    }
    if let Some(p) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
        return load(Path::new(&p)).map(Some);
    }
    let Some(dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) else {
        return Ok(None);
    };
    for candidate in [dir.join(FILE_NAME), dir.join("../share/xero-connect").join(FILE_NAME)] {
        if candidate.is_file() {
            // Found, not named by the user: it must be one that other users cannot change.
            owner_only(&candidate).map_err(|why| problem(&candidate, None, None, &why))?;
            return load(&candidate).map(Some);
        }
    }
    Ok(None)
}

/// Whether only its owner (this user or the administrator) can change a profile found beside
/// the program: neither the file nor its folder may be writable by others, or owned by another
/// user (who could put their own redirect URIs and scopes in it). A folder with the sticky bit
/// (like /tmp) protects files that others do not own.
#[cfg(unix)]
pub(crate) fn owner_only(path: &Path) -> std::result::Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let file = std::fs::metadata(path).map_err(|e| format!("it cannot be read ({})", e.kind()))?;
    if file.uid() != 0 && file.uid() != me {
        return Err(format!("it belongs to another user (user {}), who could change it", file.uid()));
    }
    if file.mode() & 0o022 != 0 {
        return Err(format!(
            "other users of this computer can change it (mode {:o}): make it writable by its owner only",
            file.mode() & 0o777
        ));
    }
    let folder = path.parent().unwrap_or(Path::new("."));
    let dir = std::fs::metadata(folder).map_err(|e| format!("its folder cannot be read ({})", e.kind()))?;
    if dir.mode() & 0o022 != 0 && dir.mode() & 0o1000 == 0 {
        return Err(format!(
            "other users of this computer can replace it: its folder {} is writable by them (mode {:o})",
            folder.display(),
            dir.mode() & 0o777
        ));
    }
    if dir.uid() != 0 && dir.uid() != me {
        return Err(format!("its folder {} belongs to another user (user {})", folder.display(), dir.uid()));
    }
    Ok(())
}

/// Elsewhere the file system's permissions are not read here (Windows: the installer's folder
/// under Program Files is writable by administrators only).
#[cfg(not(unix))]
pub(crate) fn owner_only(_path: &Path) -> std::result::Result<(), String> {
    Ok(())
}

/// Reads and checks a profile file.
///
/// # Errors
/// `invalid_profile`, naming the file, the key and the line where known.
pub fn load(path: &Path) -> Result<Profile> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "there is no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "it may not be read".to_string(),
            _ => format!("it cannot be read ({})", e.kind()),
        };
        problem(path, None, None, &why)
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(problem(
            path,
            None,
            None,
            &format!("it is larger than {} KiB, and a profile is about ten lines", MAX_FILE_BYTES / 1024),
        ));
    }
    let text = String::from_utf8(bytes.clone()).map_err(|_| problem(path, None, None, "it is not UTF-8 text"))?;
    let digest: String = Sha256::digest(&bytes).iter().take(8).map(|b| format!("{b:02x}")).collect();
    parse(&text, path, digest)
}

/// The file as written: unknown keys refused, spans kept for the checks' messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    format: Option<Spanned<u32>>,
    product: RawProduct,
    xero: RawXero,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    name: Spanned<String>,
    company_url: Spanned<String>,
    app_name: Spanned<String>,
    support: Spanned<String>,
    help_url: Option<Spanned<String>>,
    connection_name: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawXero {
    app_types: Spanned<Vec<Spanned<String>>>,
    redirect_uris: Option<Spanned<Vec<Spanned<String>>>>,
    scopes: Option<Spanned<Vec<Spanned<String>>>>,
    apis: Option<Spanned<Vec<Spanned<String>>>>,
}

/// The profile's text as it was read, for placing a problem at its key and line.
struct Source<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Source<'_> {
    /// The line (from 1) holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    /// A problem with `key`, on the line where `span` starts.
    fn at(&self, key: &str, span: std::ops::Range<usize>, why: &str) -> Error {
        problem(self.path, Some(key), Some(self.line_of(span.start)), why)
    }
}

/// Reads the TOML, then checks each part in turn; the first problem found is the error.
fn parse(text: &str, path: &Path, digest: String) -> Result<Profile> {
    let src = Source { text, path };
    let raw: RawProfile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| src.line_of(s.start));
        let key = e.span().and_then(|s| key_at(text, s.start));
        let message = e.message().lines().next().unwrap_or("").trim().trim_end_matches('.').to_string();
        problem(path, key.as_deref(), line, &message)
    })?;
    if let Some(f) = &raw.format {
        if *f.get_ref() != FORMAT {
            return Err(src.at("format", f.span(), &format!("this program reads format {FORMAT}; update the program")));
        }
    }
    let p = &raw.product;
    check_product(&src, p)?;
    let app_types = app_types(&src, &raw.xero)?;
    let redirect_uris = redirect_uris(&src, &raw.xero, &app_types)?;
    let scopes = profile_scopes(&src, &raw.xero)?;
    Ok(Profile {
        product: p.name.get_ref().trim().to_string(),
        company_url: p.company_url.get_ref().trim().to_string(),
        app_name: p.app_name.get_ref().trim().to_string(),
        support: p.support.get_ref().trim().to_string(),
        help_url: p.help_url.as_ref().map(|h| h.get_ref().trim().to_string()),
        connection_name: p.connection_name.as_ref().map(|c| c.get_ref().clone()),
        app_types,
        redirect_uris,
        scopes,
        path: path.to_path_buf(),
        digest,
    })
}

/// `[product]`: names and addresses, which go into titles, a desktop entry and an installer —
/// one line of plain text each, of a sensible length — and what the portal accepts.
fn check_product(src: &Source, p: &RawProduct) -> Result<()> {
    let texts = [
        ("product.name", Some(&p.name)),
        ("product.company_url", Some(&p.company_url)),
        ("product.app_name", Some(&p.app_name)),
        ("product.support", Some(&p.support)),
        ("product.help_url", p.help_url.as_ref()),
        ("product.connection_name", p.connection_name.as_ref()),
    ];
    for (key, value) in texts {
        if let Some(v) = value {
            check_text(v.get_ref()).map_err(|why| src.at(key, v.span(), &why))?;
        }
    }
    if p.name.get_ref().trim().is_empty() {
        return Err(src.at("product.name", p.name.span(), "it is empty"));
    }
    check_https(p.company_url.get_ref()).map_err(|why| src.at("product.company_url", p.company_url.span(), &why))?;
    let app_name = p.app_name.get_ref().trim();
    if app_name.is_empty() {
        return Err(src.at("product.app_name", p.app_name.span(), "it is empty"));
    }
    if app_name.to_ascii_lowercase().contains("xero") {
        return Err(src.at("product.app_name", p.app_name.span(), "Xero refuses app names containing \"Xero\""));
    }
    check_support(p.support.get_ref()).map_err(|why| src.at("product.support", p.support.span(), &why))?;
    if let Some(h) = &p.help_url {
        check_https(h.get_ref()).map_err(|why| src.at("product.help_url", h.span(), &why))?;
    }
    if let Some(c) = &p.connection_name {
        crate::domain::check_name(c.get_ref()).map_err(|e| src.at("product.connection_name", c.span(), e.message()))?;
    }
    Ok(())
}

/// `xero.app_types`: at least one of Xero's three, each once, in the order given.
fn app_types(src: &Source, x: &RawXero) -> Result<Vec<AppType>> {
    if x.app_types.get_ref().is_empty() {
        return Err(src.at("xero.app_types", x.app_types.span(), "name at least one of \"web\", \"pkce\", \"custom\""));
    }
    let mut app_types = Vec::new();
    for t in x.app_types.get_ref() {
        let ty = match t.get_ref().as_str() {
            "web" => AppType::Web,
            "pkce" => AppType::Pkce,
            "custom" => AppType::Custom,
            other => {
                return Err(src.at(
                    "xero.app_types",
                    t.span(),
                    &format!(
                        "Xero has no app type \"{other}\": use \"web\", \"pkce\" (mobile or desktop app) or \"custom\""
                    ),
                ))
            }
        };
        if !app_types.contains(&ty) {
            app_types.push(ty);
        }
    }
    Ok(app_types)
}

/// `xero.redirect_uris`: loopback http addresses, at least one when an app type uses the
/// browser.
fn redirect_uris(src: &Source, x: &RawXero, app_types: &[AppType]) -> Result<Vec<String>> {
    let mut redirect_uris = Vec::new();
    if let Some(list) = &x.redirect_uris {
        for u in list.get_ref() {
            let parsed = RedirectUri::parse(u.get_ref()).map_err(|_| {
                src.at(
                    "xero.redirect_uris",
                    u.span(),
                    &format!(
                        "\"{}\" is not a loopback http address such as http://localhost:33333/callback",
                        u.get_ref()
                    ),
                )
            })?;
            redirect_uris.push(parsed.as_str().to_string());
        }
    }
    if redirect_uris.is_empty() && app_types.iter().any(|t| t.uses_browser()) {
        return Err(problem(
            src.path,
            Some("xero.redirect_uris"),
            Some(src.line_of(x.app_types.span().start)),
            "a web or mobile/desktop app needs at least one, exactly as registered in the portal",
        ));
    }
    Ok(redirect_uris)
}

/// `xero.scopes` (Xero's own names, each known) or `xero.apis` (the presets), not both.
fn profile_scopes(src: &Source, x: &RawXero) -> Result<Vec<String>> {
    match (&x.scopes, &x.apis) {
        (Some(_), Some(a)) => Err(src.at("xero.apis", a.span(), "give either scopes or apis, not both")),
        (None, None) => {
            Err(problem(src.path, Some("xero.scopes"), None, "list the scopes the software uses (or apis = [...])"))
        }
        (Some(list), None) => {
            let mut out = Vec::new();
            for s in list.get_ref() {
                let scope = s.get_ref().trim();
                if !scopes::is_known(scope) {
                    return Err(src.at("xero.scopes", s.span(), &format!("Xero has no scope named \"{scope}\"")));
                }
                if !out.iter().any(|o: &String| o == scope) {
                    out.push(scope.to_string());
                }
            }
            if out.iter().all(|s| matches!(s.as_str(), "offline_access" | "openid" | "profile" | "email")) {
                return Err(src.at("xero.scopes", list.span(), "name at least one scope of a Xero API"));
            }
            Ok(out)
        }
        (None, Some(list)) => {
            let mut apis = Vec::new();
            for a in list.get_ref() {
                let api = Api::parse(a.get_ref()).ok_or_else(|| {
                    src.at(
                        "xero.apis",
                        a.span(),
                        &format!("there is no API preset \"{}\": use {}", a.get_ref(), Api::names_listed()),
                    )
                })?;
                apis.push(api);
            }
            if apis.is_empty() {
                return Err(src.at("xero.apis", list.span(), "name at least one API"));
            }
            Ok(apis.iter().flat_map(|a| a.scopes().iter().map(|s| s.to_string())).collect())
        }
    }
}

/// The dotted key whose line holds byte `offset` ("product.name"), read from the text itself:
/// the parser's message names the problem but not always the key.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let key = line.split_once('=')?.0.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) {
        return None;
    }
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

/// One line of plain text: no control characters (line breaks, tabs, escape sequences), at
/// most [`MAX_TEXT_CHARS`] characters.
fn check_text(text: &str) -> std::result::Result<(), String> {
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        let what = match c {
            '\n' | '\r' => "a line break".to_string(),
            '\t' => "a tab".to_string(),
            c => format!("the control character U+{:04X}", u32::from(c)),
        };
        return Err(format!("it contains {what}; give one line of plain text"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!("it is longer than {MAX_TEXT_CHARS} characters"));
    }
    Ok(())
}

fn check_https(text: &str) -> std::result::Result<(), String> {
    match url::Url::parse(text.trim()) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(()),
        Ok(_) => Err(format!("\"{text}\" must start with https:// (the portal accepts only https addresses)")),
        Err(_) => Err(format!("\"{text}\" is not an address such as https://example.com")),
    }
}

fn check_support(text: &str) -> std::result::Result<(), String> {
    let t = text.trim();
    let looks_like_email = t.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !t.contains(char::is_whitespace) && !t.contains("://")
    });
    if looks_like_email || check_https(t).is_ok() {
        Ok(())
    } else {
        Err(format!("\"{text}\" is neither an https address nor an e-mail address"))
    }
}

/// A profile problem: the file, the key, the line, why — and that nothing was sent.
fn problem(path: &Path, key: Option<&str>, line: Option<usize>, why: &str) -> Error {
    let mut place = format!("The profile {}", path.display());
    if let Some(k) = key {
        place += &format!(", key {k}");
    }
    if let Some(l) = line {
        place += &format!(" (line {l})");
    }
    Error::new(ErrorCode::InvalidProfile, format!("{place} cannot be used: {why}. Nothing was sent to Xero."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[product]
name = "Ledgerleaf Assets"
company_url = "https://assets.ledgerleaf.example"
app_name = "Ledgerleaf Assets"
support = "https://assets.ledgerleaf.example/help"
[xero]
app_types = ["web"]
redirect_uris = ["http://localhost:33333/callback"]
scopes = ["assets.read"]
"#;

    fn read(text: &str) -> Result<Profile> {
        parse(text, Path::new("/etc/vendor/profile.toml"), "d".into())
    }

    fn refused(text: &str) -> String {
        let e = read(text).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidProfile);
        assert!(e.message().contains("/etc/vendor/profile.toml"), "names the file: {e}");
        e.message().to_string()
    }

    #[test]
    fn a_ten_line_profile_reads_and_asks_for_exactly_its_scopes() {
        let p = read(GOOD).unwrap();
        assert_eq!((p.product.as_str(), p.app_types.as_slice()), ("Ledgerleaf Assets", &[AppType::Web][..]));
        assert_eq!(p.consent_scopes(), ["assets.read", "offline_access"]);
        assert_eq!(p.redirect_uris, ["http://localhost:33333/callback"]);
        assert_eq!(p.app_type(None).unwrap(), AppType::Web);
        assert_eq!(p.app_type(Some(AppType::Pkce)).unwrap_err().code(), ErrorCode::InvalidProfile);
        let presets = read(&GOOD.replace(r#"scopes = ["assets.read"]"#, r#"apis = ["assets", "files"]"#)).unwrap();
        assert_eq!(presets.scopes, ["assets", "files"]);
    }

    #[test]
    fn every_bad_case_names_the_key_and_line() {
        let cases = [
            (GOOD.replacen("name = \"Ledgerleaf Assets\"", "name = 3", 1), "key product.name (line 3)", "invalid type"),
            (
                GOOD.replace("[xero]", "colour = \"red\"\n[xero]"),
                "key product.colour (line 7)",
                "unknown field `colour`",
            ),
            (
                GOOD.replace("https://assets.ledgerleaf.example\"\napp", "http://assets.ledgerleaf.example\"\napp"),
                "key product.company_url (line 4)",
                "https://",
            ),
            (
                GOOD.replace("app_name = \"Ledgerleaf Assets\"", "app_name = \"Ledgerleaf for Xero\""),
                "key product.app_name (line 5)",
                "\"Xero\"",
            ),
            (
                GOOD.replace("http://localhost:33333/callback", "https://example.com/callback"),
                "key xero.redirect_uris (line 9)",
                "loopback",
            ),
            (GOOD.replace("[\"web\"]", "[\"server\"]"), "key xero.app_types (line 8)", "no app type \"server\""),
            (
                GOOD.replace("assets.read", "assets.readonly"),
                "key xero.scopes (line 10)",
                "no scope named \"assets.readonly\"",
            ),
            (
                GOOD.replace("support = \"https://assets.ledgerleaf.example/help\"", "support = \"call us\""),
                "key product.support (line 6)",
                "e-mail",
            ),
            (
                GOOD.replace("scopes = [\"assets.read\"]", "scopes = [\"assets.read\"]\napis = [\"assets\"]"),
                "key xero.apis",
                "not both",
            ),
            (GOOD.replace("[product]", "format = 2\n[product]"), "key format (line 2)", "format 1"),
            ("[product".to_string(), "line 1", ""),
            (GOOD.replace("scopes = [\"assets.read\"]", ""), "key xero.scopes", "list the scopes"),
        ];
        for (text, where_, why) in cases {
            let msg = refused(&text);
            assert!(msg.contains(where_) && msg.contains(why), "expected {where_:?} and {why:?} in: {msg}");
            assert!(msg.ends_with("Nothing was sent to Xero."), "{msg}");
        }
    }

    #[test]
    fn text_with_control_characters_or_line_breaks_or_too_long_is_refused() {
        for (from, to, key, why) in [
            (
                "name = \"Ledgerleaf Assets\"",
                "name = \"Ledger\\nExec=evil\"",
                "key product.name (line 3)",
                "line break",
            ),
            (
                "app_name = \"Ledgerleaf Assets\"",
                "app_name = \"Ledger\\u001b]0;x\\u0007\"",
                "key product.app_name (line 5)",
                "U+001B",
            ),
            ("name = \"Ledgerleaf Assets\"", "name = \"Ledger\\tleaf\"", "key product.name (line 3)", "a tab"),
        ] {
            let msg = refused(&GOOD.replacen(from, to, 1));
            assert!(msg.contains(key) && msg.contains(why), "expected {key:?} and {why:?} in: {msg}");
        }
        let long = format!("name = \"{}\"", "L".repeat(MAX_TEXT_CHARS + 1));
        assert!(refused(&GOOD.replacen("name = \"Ledgerleaf Assets\"", &long, 1)).contains("longer than 200"));
    }

    #[test]
    fn a_file_larger_than_the_limit_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, format!("{GOOD}\n# {}\n", "x".repeat(MAX_FILE_BYTES as usize))).unwrap();
        let e = load(&path).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidProfile);
        assert!(e.message().contains("larger than 64 KiB"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_profile_others_can_change_is_refused_where_it_is_found() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, GOOD).unwrap();
        let set = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        set(dir.path(), 0o755);
        set(&path, 0o644);
        assert_eq!(owner_only(&path), Ok(()));
        set(&path, 0o666);
        assert!(owner_only(&path).unwrap_err().contains("other users of this computer can change it"));
        set(&path, 0o644);
        set(dir.path(), 0o777);
        assert!(owner_only(&path).unwrap_err().contains("can replace it"));
        set(dir.path(), 0o1777);
        assert_eq!(owner_only(&path), Ok(()), "a sticky folder protects the file");
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = load(Path::new("/nonexistent/profile.toml")).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidProfile);
        assert!(e.message().contains("/nonexistent/profile.toml") && e.message().contains("no such file"), "{e}");
    }

    #[test]
    fn the_digest_tells_versions_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, GOOD).unwrap();
        let a = load(&path).unwrap();
        std::fs::write(&path, GOOD.replace("assets.read", "assets")).unwrap();
        let b = load(&path).unwrap();
        assert_eq!(a.digest.len(), 16);
        assert_ne!(a.digest, b.digest);
    }
}
