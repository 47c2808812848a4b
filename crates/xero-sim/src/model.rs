//! The public vocabulary of the simulator: how a test describes apps, organisations,
//! users, scripted consent decisions and injected faults, and what it reads back
//! (the request log and the connections Xero currently holds).
//! Everything here is plain data; behaviour lives in the server modules.

use std::time::Duration;

/// The three kinds of app a developer can create in Xero's portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppKind {
    /// "Web app": authorization code flow with a client secret.
    Web,
    /// "Mobile or desktop app": authorization code with PKCE, no secret.
    Pkce,
    /// "Custom connection": client_credentials against exactly one organisation.
    Custom,
}

/// What to register in the simulated developer portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSpec {
    /// Display name shown on the consent page and as `ProviderName`.
    pub name: String,
    /// App type.
    pub kind: AppKind,
    /// Registered redirect URIs, matched exactly at authorize.
    pub redirect_uris: Vec<String>,
    /// Creation date (year, month, day): apps created on or after 2026-03-02 may only
    /// ask for granular scopes.
    pub created: (i32, u8, u8),
    /// The one organisation (tenant id) a custom connection is bound to.
    pub custom_tenant: Option<String>,
}

impl Default for AppSpec {
    fn default() -> Self {
        AppSpec {
            name: "Acme Sync".to_string(),
            kind: AppKind::Web,
            redirect_uris: vec!["http://localhost:8749/callback".to_string()],
            created: (2026, 6, 1),
            custom_tenant: None,
        }
    }
}

/// Credentials of a registered app, as the portal shows them once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// 32 uppercase hex characters, like Xero's.
    pub client_id: String,
    /// 48 characters of `[A-Za-z0-9_-]`; `None` for PKCE apps, which have no secret.
    pub client_secret: Option<String>,
}

/// An organisation (tenant) known to the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSpec {
    /// Organisation name; several organisations may share one.
    pub name: String,
    /// ISO country code as Xero reports it (`AU`, `NZ`, `GB`, `US`…).
    pub country_code: String,
    /// ISO currency code (`AUD`, `NZD`, `GBP`…).
    pub base_currency: String,
    /// Whether this is a demo company.
    pub is_demo: bool,
    /// Xero's `Version` (`AU`, `NZ`, `UK`, `US`, `GLOBAL`…).
    pub version: String,
}

impl OrgSpec {
    /// A company (not a demo) in `country_code` with `base_currency`: the one organisation
    /// fixture tests and demos share. Its `Version` is the country's, except Great Britain's,
    /// which Xero calls `UK` (the Accounting API's Organisation `Version` enum).
    pub fn company(name: &str, country_code: &str, base_currency: &str) -> OrgSpec {
        OrgSpec {
            name: name.to_string(),
            country_code: country_code.to_string(),
            base_currency: base_currency.to_string(),
            is_demo: false,
            version: if country_code == "GB" { "UK".to_string() } else { country_code.to_string() },
        }
    }
}

impl Default for OrgSpec {
    fn default() -> Self {
        OrgSpec {
            name: "Demo Company (AU)".to_string(),
            country_code: "AU".to_string(),
            base_currency: "AUD".to_string(),
            is_demo: true,
            version: "AU".to_string(),
        }
    }
}

/// The Xero user who is signed in at the consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Email address (also `preferred_username`).
    pub email: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
}

impl Default for User {
    fn default() -> Self {
        User { email: "staff@example.com".to_string(), given_name: "Sam".to_string(), family_name: "Staff".to_string() }
    }
}

/// A scripted consent decision, overriding whatever the consent form posts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Consent {
    /// Allow access to exactly these tenant ids.
    Allow(Vec<String>),
    /// Do what the form posted (the default).
    #[default]
    AllowAsPosted,
    /// The user clicks Cancel.
    Deny,
}

/// Which part of the simulated service a request hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// GET `/identity/connect/authorize` (the consent form POST counts as `Other`).
    Authorize,
    /// POST `/connect/token`.
    Token,
    /// POST `/connect/revocation`.
    Revocation,
    /// GET `/connections`.
    Connections,
    /// DELETE `/connections/{id}`.
    DeleteConnection,
    /// GET `/api.xro/2.0/Organisation`.
    Organisation,
    /// GET `/assets.xro/1.0/Settings`.
    AssetsSettings,
    /// GET `/files.xro/1.0/Folders`.
    FilesFolders,
    /// GET `/projects.xro/2.0/ProjectsUsers`.
    ProjectsUsers,
    /// GET `/payroll.xro/1.0/Settings` (Payroll AU).
    PayrollAuSettings,
    /// GET `/payroll.xro/2.0/Settings` (Payroll NZ and UK).
    PayrollSettings,
    /// GET `/.well-known/openid-configuration`.
    Discovery,
    /// GET `/.well-known/openid-configuration/jwks`.
    Jwks,
    /// Anything else (consent POST, developer portal, unknown paths).
    Other,
}

/// A fault to inject before normal handling of an endpoint.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Endpoint the fault applies to.
    pub endpoint: Endpoint,
    /// What goes wrong.
    pub kind: FaultKind,
    /// How many consecutive requests to that endpoint it affects (0 = none).
    pub times: usize,
}

/// The ways a simulated request can go wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait this long (real time), then answer normally.
    Delay(Duration),
    /// Answer with this status, body and extra headers instead of handling the request.
    Status {
        /// HTTP status code.
        status: u16,
        /// Response body (content type guessed: JSON if it looks like JSON, else text).
        body: String,
        /// Extra response headers.
        headers: Vec<(String, String)>,
    },
    /// Close the TCP connection without any HTTP answer.
    ConnectionReset,
    /// 200 with a body that is not JSON.
    GarbageBody,
    /// 401 with Xero's `TokenExpired` problem body and `WWW-Authenticate`.
    TokenExpired,
    /// 429 with `Retry-After` and `X-Rate-Limit-Problem: minute`.
    RateLimited {
        /// Value of the `Retry-After` header.
        retry_after_secs: u64,
    },
    /// The request is handled as usual (a refresh rotates the token), then the connection is
    /// dropped before the answer is written: a network that cut the answer off.
    AnswerLost,
    /// 403 with the HTML "Access Denied" page of Xero's edge network (Akamai's page, with its
    /// "Reference #…"), as a blocked VPN or address gets instead of Xero's answer.
    AccessDeniedPage {
        /// The reference the page shows, e.g. `18.6f2c1b17.1764000000.2a3b4c5d`.
        reference: String,
    },
}

/// One request as the simulator saw it. Bodies and `Authorization` headers are never
/// recorded, so the log holds no secrets, codes or tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Raw query string without `?` (empty if none).
    pub query: String,
    /// For token requests, the posted `grant_type`.
    pub grant_type: Option<String>,
    /// Status answered; 0 when the connection was dropped without an answer.
    pub status: u16,
}

/// A connection between an app and an organisation, as Xero holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Connection id (what `DELETE /connections/{id}` takes).
    pub id: String,
    /// Organisation id.
    pub tenant_id: String,
    /// Organisation name.
    pub tenant_name: String,
    /// The consent event that created or last renewed this connection.
    pub auth_event_id: String,
}
