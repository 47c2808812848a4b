//! The saved connection as the domain knows it: its organisations (Xero's tenants), the one
//! chosen, who authorised it and its last Test Connection, plus the rules both front ends share
//! about it (a valid name, when an organisation must be chosen, what removing it does). Its
//! secrets live in the keychain (`vault`); this is what the settings file (`settings`) holds.

use crate::domain::AppType;
use crate::jwt::XeroUser;
use serde::{Deserialize, Serialize};

/// One saved connection: everything but its secrets, which live in the keychain under `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    /// Stable key of the keychain entries (a rename keeps it).
    pub id: String,
    /// The name people and scripts use.
    pub name: String,
    /// The app's Client ID.
    pub client_id: String,
    /// The kind of app.
    pub app_type: AppType,
    /// The scopes Xero granted (from the token answer), or those asked for when it named none.
    pub scopes: Vec<String>,
    /// Redirect URIs, in order of preference.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Organisations this connection reaches.
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    /// The chosen organisation's tenant ID.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The Xero user who authorised it.
    #[serde(default)]
    pub authorised_by: Option<XeroUser>,
    /// When it was set up (RFC 3339).
    pub created_at: String,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// The last Test Connection.
    #[serde(default)]
    pub last_test: Option<TestRecord>,
    /// When Xero last issued this connection's refresh token — at consent or at a refresh —
    /// RFC 3339. `None` for a custom connection (it has none) and until the first refresh of a
    /// connection saved before this was recorded.
    #[serde(default)]
    pub refreshed_at: Option<String>,
    /// The vendor profile it was made (or last reconnected) with, if any.
    #[serde(default)]
    pub profile: Option<crate::profile::ProfileRef>,
    /// The identity host (origin) that issued its tokens: its client secret and refresh token
    /// are sent there and nowhere else unless the user says so (`Endpoints::check_identity`).
    /// `None` for a connection saved before this was recorded, which counts as Xero's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_origin: Option<String>,
    /// The computer that last refreshed it ([`this_computer`]): a roaming profile shares the
    /// settings between computers, and one computer's refresh retires the other's token.
    /// (Always written, null when unknown: a field left out would be kept from the old file.)
    #[serde(default)]
    pub refreshed_on: Option<String>,
    /// When a refresh was sent but its answer never arrived (RFC 3339): Xero may have rotated
    /// the refresh token without this computer learning the new one. Cleared by the next
    /// refresh that is answered.
    #[serde(default)]
    pub refresh_unanswered_at: Option<String>,
}

/// This computer's name, as the settings record who refreshed a connection.
pub fn this_computer() -> String {
    let name = gethostname::gethostname().to_string_lossy().trim().to_string();
    if name.is_empty() {
        "this computer".into()
    } else {
        name
    }
}

/// Days an unused refresh token stays valid (docs/xero-platform.md §6).
pub const REFRESH_TOKEN_IDLE_DAYS: u64 = 60;
/// A connection whose authorisation lapses sooner than this is flagged.
pub const EXPIRY_WARNING_DAYS: u64 = 14;
const DAY_SECS: u64 = 24 * 60 * 60;

/// How long a connection's authorisation stays valid if nothing uses it: Xero expires a
/// refresh token unused for [`REFRESH_TOKEN_IDLE_DAYS`] days, after which only a new consent
/// (reconnect) brings the connection back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validity {
    /// `valid`, `expiring_soon` (under [`EXPIRY_WARNING_DAYS`] days left) or `expired`.
    pub state: ValidityState,
    /// The last refresh (RFC 3339).
    pub refreshed_at: String,
    /// When it lapses if unused (RFC 3339).
    pub valid_until: String,
    /// Days left, counted up (0 once lapsed).
    pub days_left: u64,
    /// The state in one sentence, without what to do (each front end adds its own action).
    pub sentence: String,
}

/// See [`Validity::state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityState {
    /// More than [`EXPIRY_WARNING_DAYS`] days left.
    Valid,
    /// Less than [`EXPIRY_WARNING_DAYS`] days left: use or refresh it.
    ExpiringSoon,
    /// Lapsed: a new consent is needed.
    Expired,
}

impl Connection {
    /// The authorisation's validity at `now_secs` (Unix seconds); `None` when unknown (never
    /// refreshed since this was recorded) or not applicable (a custom connection gets a new
    /// token from its secret whenever it needs one).
    pub fn validity(&self, now_secs: u64) -> Option<Validity> {
        if self.app_type == AppType::Custom {
            return None;
        }
        let refreshed_at = self.refreshed_at.as_deref()?;
        let until_secs = lapse_secs(refreshed_at)?;
        let until = std::time::UNIX_EPOCH + std::time::Duration::from_secs(until_secs);
        let valid_until = humantime::format_rfc3339_seconds(until).to_string();
        let day = &valid_until[..10];
        let left = until_secs.saturating_sub(now_secs);
        // Counted up, as people count "in N days": 9 days and 23 hours is 10 days.
        let days_left = left.div_ceil(DAY_SECS);
        let (state, sentence) = if left == 0 {
            (
                ValidityState::Expired,
                format!(
                    "Its authorisation expired on {day}: Xero ends an authorisation unused for {REFRESH_TOKEN_IDLE_DAYS} \
                     days, and only allowing access again brings it back."
                ),
            )
        } else if left < EXPIRY_WARNING_DAYS * DAY_SECS {
            let when = match days_left {
                1 => "within a day".to_string(),
                n => format!("in {n} days"),
            };
            (
                ValidityState::ExpiringSoon,
                format!("Its authorisation expires on {day} ({when}) unless the connection is used before then."),
            )
        } else {
            (
                ValidityState::Valid,
                format!("Valid until {day} if unused (each use renews it for {REFRESH_TOKEN_IDLE_DAYS} days)."),
            )
        };
        Some(Validity { state, refreshed_at: refreshed_at.to_string(), valid_until, days_left, sentence })
    }

    /// The first of its dates that this program could not work with, by field name: a
    /// `refreshed_at` that is not an RFC 3339 time, or so late (near the year 9999) that the
    /// authorisation's lapse date cannot be written. The settings file refuses such a
    /// connection when it is read (`settings`).
    pub fn impossible_date(&self) -> Option<&'static str> {
        match &self.refreshed_at {
            Some(at) if lapse_secs(at).is_none() => Some("refreshed_at"),
            _ => None,
        }
    }

    /// The broad accounting scopes this connection holds, each with the granular scopes that
    /// replace it (docs/xero-platform.md §5); empty when it holds none.
    pub fn broad_scopes(&self) -> Vec<&'static str> {
        crate::scopes::broad_in(&self.scopes).into_iter().map(|(broad, _)| broad).collect()
    }

    /// The broad-scope flag in one sentence, without what to do; `None` when it holds none.
    pub fn broad_scope_warning(&self) -> Option<String> {
        let broad = self.broad_scopes();
        (!broad.is_empty()).then(|| {
            format!(
                "It holds the broad scope{} {}, which Xero stops accepting in September 2027; the granular scopes \
                 replace {}.",
                if broad.len() == 1 { "" } else { "s" },
                broad.join(", "),
                if broad.len() == 1 { "it" } else { "them" }
            )
        })
    }

    /// The chosen organisation, if any.
    pub fn organisation(&self) -> Option<&Organisation> {
        let id = self.tenant_id.as_deref()?;
        self.organisations.iter().find(|o| o.tenant_id == id)
    }

    /// True while no organisation is chosen for a connection that needs one (web and desktop
    /// apps reach every organisation the user ever connected; a custom connection has exactly
    /// one). Nothing is ever chosen for the user when several were authorised, or when the only
    /// one merely shares a vanished organisation's name: both front ends then ask.
    pub fn needs_organisation_choice(&self) -> bool {
        self.tenant_id.is_none() && self.app_type != AppType::Custom
    }

    /// What removing the connection does, for the confirmation both front ends ask for.
    pub fn removal_warning(&self) -> String {
        removal_warning(&self.organisations)
    }
}

/// The last second an RFC 3339 date can name (9999-12-31T23:59:59Z).
const LAST_WRITABLE_SECS: u64 = 253_402_300_799;

/// When an authorisation last refreshed at `refreshed_at` lapses, in Unix seconds; `None` when
/// the date is unreadable or the lapse date could not be written.
fn lapse_secs(refreshed_at: &str) -> Option<u64> {
    let refreshed = humantime::parse_rfc3339(refreshed_at).ok()?;
    let secs = refreshed.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    secs.checked_add(REFRESH_TOKEN_IDLE_DAYS * DAY_SECS).filter(|until| *until <= LAST_WRITABLE_SECS)
}

/// Bytes of randomness in a connection ID; the ID is their lowercase hex (24 digits).
pub const ID_BYTES: usize = 12;

/// Whether `id` has the form this program gives connection IDs: [`ID_BYTES`] bytes as lowercase
/// hex. The ID names keychain entries and lock files, so a settings file holding anything else
/// (`../x`, a path separator, an empty string) is refused rather than used.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == ID_BYTES * 2 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What removing a connection that reaches `organisations` does, in two sentences: it cannot be
/// undone, and what happens at Xero and on this computer.
pub fn removal_warning(organisations: &[Organisation]) -> String {
    let names: Vec<&str> = organisations.iter().map(|o| o.name.as_str()).collect();
    let orgs = if names.is_empty() { "its organisation".to_string() } else { names.join(", ") };
    format!(
        "This disconnects {orgs} from your app at Xero and deletes the saved secret and tokens from this computer. \
         It cannot be undone: to use Xero again you will need to set up the connection again."
    )
}

/// An organisation (tenant) the connection reaches, from `GET /connections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// The tenant ID (the `xero-tenant-id` header).
    pub tenant_id: String,
    /// Its name as Xero shows it; several organisations may share one, the tenant ID tells them apart.
    pub name: String,
    /// `ORGANISATION`, `PRACTICE`…
    pub tenant_type: String,
    /// The connection ID (to disconnect it).
    pub connection_id: String,
}

impl Organisation {
    /// True for an organisation's books (`tenantType` `ORGANISATION`): the only tenants the
    /// Accounting and other organisation APIs serve. A Xero Practice Manager tenant
    /// (`PRACTICE`) is reached through `/connections` only.
    pub fn is_organisation(&self) -> bool {
        self.tenant_type.eq_ignore_ascii_case(crate::tenants::ORGANISATION)
    }
}

/// A Test Connection result, kept for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRecord {
    /// When it ran (RFC 3339).
    pub at: String,
    /// True when Xero answered with the organisation.
    pub ok: bool,
    /// The organisation's name on success.
    #[serde(default)]
    pub organisation_name: Option<String>,
    /// The error code on failure.
    #[serde(default)]
    pub error_code: Option<String>,
    /// The error sentence on failure.
    #[serde(default)]
    pub error_message: Option<String>,
}

impl TestRecord {
    /// The result in words, as lists show it: "OK at 2026-11-22T14:25:00Z", or "Failed at …:"
    /// and the sentence of the failure.
    pub fn summary(&self) -> String {
        if self.ok {
            return format!("OK at {}", self.at);
        }
        let why = self.error_message.as_deref().or(self.error_code.as_deref()).unwrap_or("unknown error");
        format!("Failed at {}: {why}", self.at)
    }
}

/// Now, as RFC 3339 in UTC with seconds.
pub fn timestamp_now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(refreshed_at: Option<&str>, scopes: &[&str]) -> Connection {
        Connection {
            id: "c1".into(),
            name: "shop".into(),
            client_id: "ID".into(),
            app_type: AppType::Web,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            redirect_uris: vec![],
            organisations: vec![],
            tenant_id: None,
            authorised_by: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            last_test: None,
            refreshed_at: refreshed_at.map(str::to_string),
            profile: None,
            identity_origin: None,
            refreshed_on: None,
            refresh_unanswered_at: None,
        }
    }

    fn at(text: &str) -> u64 {
        humantime::parse_rfc3339(text).unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn an_authorisation_lasts_60_idle_days_and_is_flagged_in_its_last_14() {
        let c = web(Some("2026-10-01T12:00:00Z"), &[]);
        let v = c.validity(at("2026-10-02T12:00:00Z")).unwrap();
        assert_eq!((v.state, v.valid_until.as_str(), v.days_left), (ValidityState::Valid, "2026-11-30T12:00:00Z", 59));
        let v = c.validity(at("2026-11-16T12:00:01Z")).unwrap();
        assert_eq!((v.state, v.days_left), (ValidityState::ExpiringSoon, 14), "13 days 23:59:59 left");
        assert!(v.sentence.contains("2026-11-30 (in 14 days)"), "{}", v.sentence);
        let v = c.validity(at("2026-11-30T11:00:00Z")).unwrap();
        assert!(v.sentence.contains("within a day"), "{}", v.sentence);
        let v = c.validity(at("2026-11-30T12:00:00Z")).unwrap();
        assert_eq!((v.state, v.days_left), (ValidityState::Expired, 0));
        assert!(v.sentence.contains("expired on 2026-11-30"), "{}", v.sentence);
        // Unknown (saved before this was recorded) and not applicable (custom connection).
        assert!(web(None, &[]).validity(0).is_none());
        let custom = Connection { app_type: AppType::Custom, ..c };
        assert!(custom.validity(0).is_none());
    }

    #[test]
    fn a_date_near_the_year_9999_is_impossible_not_a_panic() {
        let c = web(Some("9999-12-01T00:00:00Z"), &[]);
        assert_eq!(c.validity(0), None);
        assert_eq!(c.impossible_date(), Some("refreshed_at"));
        assert_eq!(web(Some("not a date"), &[]).impossible_date(), Some("refreshed_at"));
        assert_eq!(web(Some("9999-10-01T00:00:00Z"), &[]).impossible_date(), None);
        assert_eq!(web(None, &[]).impossible_date(), None);
    }

    #[test]
    fn broad_scopes_are_flagged_with_the_date() {
        assert!(web(None, &["accounting.invoices"]).broad_scope_warning().is_none());
        let c = web(None, &["accounting.transactions", "accounting.reports.read", "accounting.contacts"]);
        assert_eq!(c.broad_scopes(), ["accounting.transactions", "accounting.reports.read"]);
        let w = c.broad_scope_warning().unwrap();
        assert!(w.contains("accounting.transactions, accounting.reports.read") && w.contains("September 2027"), "{w}");
    }

    #[test]
    fn the_last_test_and_the_removal_read_the_same_everywhere() {
        let ok =
            TestRecord { at: "T".into(), ok: true, organisation_name: None, error_code: None, error_message: None };
        assert_eq!(ok.summary(), "OK at T");
        let failed = TestRecord { ok: false, error_code: Some("rate_limited".into()), ..ok.clone() };
        assert_eq!(failed.summary(), "Failed at T: rate_limited");
        let said = TestRecord { error_message: Some("Wait.".into()), ..failed };
        assert_eq!(said.summary(), "Failed at T: Wait.");
        assert!(removal_warning(&[]).contains("its organisation") && removal_warning(&[]).contains("cannot be undone"));
    }
}
