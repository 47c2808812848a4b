//! Every Xero API a connection can be made for, described once: its name, the scopes its
//! preset asks for, the read Test Connection makes with it and how that answer is read, and
//! the OpenAPI file where Xero defines that read. Adding an API is one entry in `APIS`, below; the
//! scope presets ([`crate::scopes`]), Test Connection's choice and call ([`crate::probe`]), the
//! window's and the command line's lists of APIs and the contract tests all read it from there.
//!
//! The simulator (`crates/xero-sim`) models each API's answer from Xero's documentation, never
//! from this table.

use crate::answers::{self, Answer};
use crate::error::Result;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Who answered Test Connection: one read of an API's call (its [`crate::apis`] entry), or
/// Xero's list of connected organisations ([`ProbedApi::CONNECTIONS`]). In JSON it is its `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbedApi {
    /// Its name in JSON: `"payroll_au"`.
    pub id: &'static str,
    /// The name shown to people: "Payroll AU API".
    pub label: &'static str,
    /// The request's path on the API host, as Xero's documentation writes it:
    /// `/payroll.xro/1.0/Settings`.
    pub path: &'static str,
}

impl ProbedApi {
    /// `GET /connections`: no granted scope reaches any API's call (none at all, or only ones
    /// such as `accounting.invoices` or `payroll.employees`); the organisation is connected.
    pub const CONNECTIONS: ProbedApi =
        ProbedApi { id: "connections", label: "Xero's list of connected organisations", path: "/connections" };

    /// The request made, as Xero's documentation writes it: "GET /assets.xro/1.0/Settings".
    pub fn call(self) -> String {
        format!("GET {}", self.path)
    }
}

impl Serialize for ProbedApi {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id)
    }
}

/// Every API, in the order people see them (the window's list, the command line's help).
const APIS: &[Description] = &[
    Description {
        id: "accounting",
        label: "Accounting",
        // Invoices, payments, bank transactions, contacts, reports; settings too, so Test
        // Connection can read the Organisation.
        scopes: &[
            "accounting.invoices",
            "accounting.payments",
            "accounting.banktransactions",
            "accounting.manualjournals",
            "accounting.contacts",
            "accounting.attachments",
            "accounting.settings.read",
            "accounting.budgets.read",
            "accounting.journals.read",
            "accounting.reports.profitandloss.read",
            "accounting.reports.balancesheet.read",
            "accounting.reports.trialbalance.read",
            "accounting.reports.aged.read",
            "accounting.reports.banksummary.read",
            "accounting.reports.budgetsummary.read",
            "accounting.reports.executivesummary.read",
            "accounting.reports.taxreports.read",
        ],
        test_scope: "accounting.settings",
        test: TestCall::One(Read {
            answered_by: ProbedApi { id: "accounting", label: "Accounting API", path: "/api.xro/2.0/Organisation" },
            defined_in: &[OpenApi { file: "xero_accounting.yaml", country: None }],
            reader: |body| answers::parse_organisation(body).map(Answer::Organisation),
        }),
    },
    Description {
        id: "assets",
        label: "Assets",
        // Fixed assets.
        scopes: &["assets"],
        test_scope: "assets",
        test: TestCall::One(Read {
            answered_by: ProbedApi { id: "assets", label: "Assets API", path: "/assets.xro/1.0/Settings" },
            defined_in: &[OpenApi { file: "xero_assets.yaml", country: None }],
            reader: |body| answers::parse_asset_settings(body).map(Answer::AssetSettings),
        }),
    },
    Description {
        id: "payroll",
        label: "Payroll",
        // Employees, pay runs, payslips, settings, timesheets.
        scopes: &["payroll.employees", "payroll.payruns", "payroll.payslip", "payroll.settings", "payroll.timesheets"],
        // Each payroll Settings operation's `security` lists only payroll.settings(.read), so
        // payroll.employees and the rest do not reach it (xero-payroll-{au,nz,uk}.yaml).
        test_scope: "payroll.settings",
        test: TestCall::ByRegion {
            reads: &[
                Read {
                    answered_by: ProbedApi {
                        id: "payroll_nz_uk",
                        label: "Payroll NZ/UK API",
                        path: "/payroll.xro/2.0/Settings",
                    },
                    defined_in: &[
                        OpenApi { file: "xero-payroll-nz.yaml", country: Some("NZ") },
                        OpenApi { file: "xero-payroll-uk.yaml", country: Some("GB") },
                    ],
                    reader: |body| answers::parse_payroll_settings(body).map(Answer::PayrollSettings),
                },
                Read {
                    answered_by: ProbedApi {
                        id: "payroll_au",
                        label: "Payroll AU API",
                        path: "/payroll.xro/1.0/Settings",
                    },
                    defined_in: &[OpenApi { file: "xero-payroll-au.yaml", country: Some("AU") }],
                    reader: |body| answers::parse_payroll_au_settings(body).map(Answer::PayrollSettings),
                },
            ],
            called: "GET /payroll.xro/2.0/Settings (or 1.0 in Australia)",
            nowhere: "Xero has no payroll for this organisation: neither Payroll AU nor Payroll NZ/UK answers for it, \
                      so Test Connection cannot prove payroll access. Payroll is offered in Australia, New Zealand \
                      and the UK.",
        },
    },
    Description {
        id: "files",
        label: "Files",
        scopes: &["files"],
        test_scope: "files",
        test: TestCall::One(Read {
            answered_by: ProbedApi { id: "files", label: "Files API", path: "/files.xro/1.0/Folders" },
            defined_in: &[OpenApi { file: "xero_files.yaml", country: None }],
            reader: |body| answers::parse_folders(body).map(Answer::Folders),
        }),
    },
    Description {
        id: "projects",
        label: "Projects",
        scopes: &["projects"],
        test_scope: "projects",
        test: TestCall::One(Read {
            answered_by: ProbedApi { id: "projects", label: "Projects API", path: "/projects.xro/2.0/ProjectsUsers" },
            defined_in: &[OpenApi { file: "xero-projects.yaml", country: None }],
            reader: |body| answers::parse_project_users(body).map(Answer::ProjectUsers),
        }),
    },
];

/// One API: an entry of `APIS`.
#[derive(Debug)]
pub struct Description {
    /// Its name in JSON (the window's events and views): `"payroll"`.
    pub id: &'static str,
    /// Its name for people, also what `--api` and a profile's `apis` accept, in any case:
    /// "Payroll".
    pub label: &'static str,
    /// The granular scopes its preset asks for (never a broad one: apps created on or after
    /// 2 March 2026 may not ask for those, docs/xero-platform.md §5).
    pub scopes: &'static [&'static str],
    /// The scope, in its read-write form, that allows Test Connection's call; its `.read` form
    /// does too. It is the one the call's operation lists under `security` in its OpenAPI file.
    pub test_scope: &'static str,
    /// Test Connection's call (docs/xero-platform.md §13).
    pub test: TestCall,
}

/// The call Test Connection makes to an API.
#[derive(Debug)]
pub enum TestCall {
    /// One read, the same for every organisation.
    One(Read),
    /// Xero serves the API under another path in each region and refuses an organisation of
    /// another region with 404 or 405 (docs/xero-platform.md §13): the reads are tried in turn
    /// until one is for the organisation's region.
    ByRegion {
        /// One read per region, in the order they are tried.
        reads: &'static [Read],
        /// How a message names the call: "GET /payroll.xro/2.0/Settings (or 1.0 in Australia)".
        called: &'static str,
        /// The sentence (`xero_unavailable`) when no read is for the organisation's region.
        nowhere: &'static str,
    },
}

impl TestCall {
    /// Every read this call may make, in order.
    pub fn reads(&self) -> &[Read] {
        match self {
            TestCall::One(read) => std::slice::from_ref(read),
            TestCall::ByRegion { reads, .. } => reads,
        }
    }

    /// How a message names the call: "GET /assets.xro/1.0/Settings".
    pub fn called(&self) -> String {
        match self {
            TestCall::One(read) => read.answered_by.call(),
            TestCall::ByRegion { called, .. } => called.to_string(),
        }
    }
}

/// One request Test Connection may make, and how its answer is read.
#[derive(Debug)]
pub struct Read {
    /// Who answers, as Test Connection's report names it; its `path` is the request's, on the
    /// API host: `/assets.xro/1.0/Settings`.
    pub answered_by: ProbedApi,
    /// Where Xero defines the request and its answer.
    pub defined_in: &'static [OpenApi],
    /// Reads a successful answer (`Accept: application/json`); one that is not the API's own is
    /// `xero_unavailable`.
    pub reader: fn(&[u8]) -> Result<Answer>,
}

/// A Xero OpenAPI file (vendored in `tests/contract/xero-openapi/`) that defines a read.
#[derive(Debug)]
pub struct OpenApi {
    /// Its name: `xero_assets.yaml`.
    pub file: &'static str,
    /// For an API split by region, the organisations this file's version serves, by
    /// `CountryCode` (`"GB"` for the UK); `None` when it serves every organisation.
    pub country: Option<&'static str>,
}

/// An API the user can connect: a handle on its [`Description`]. In JSON it is the
/// description's `id` (`"payroll"`).
#[derive(Clone, Copy)]
pub struct Api(&'static Description);

impl Api {
    /// Every API, in display order.
    pub const ALL: [Api; APIS.len()] = {
        let mut all = [Api(&APIS[0]); APIS.len()];
        let mut i = 1;
        while i < APIS.len() {
            all[i] = Api(&APIS[i]);
            i += 1;
        }
        all
    };

    /// The Accounting API, the one whose Organisation tells the country and currency.
    pub const ACCOUNTING: Api = Api::named("accounting");

    /// The preset chosen when none is: Accounting, what most business software connects to.
    pub const DEFAULT: Api = Api::ACCOUNTING;

    /// Every `id`, for serde's "expected one of" when a name is unknown.
    const IDS: [&'static str; APIS.len()] = {
        let mut ids = [""; APIS.len()];
        let mut i = 0;
        while i < APIS.len() {
            ids[i] = APIS[i].id;
            i += 1;
        }
        ids
    };

    /// The API with this `id`; a name not in [`APIS`] fails the build.
    const fn named(id: &str) -> Api {
        let mut i = 0;
        while i < APIS.len() {
            if same(APIS[i].id.as_bytes(), id.as_bytes()) {
                return Api(&APIS[i]);
            }
            i += 1;
        }
        panic!("no API has this id in APIS");
    }

    /// Everything known about it.
    pub fn description(self) -> &'static Description {
        self.0
    }

    /// Its name in JSON: "payroll".
    pub fn id(self) -> &'static str {
        self.0.id
    }

    /// The name shown to people: "Payroll".
    pub fn label(self) -> &'static str {
        self.0.label
    }

    /// The granular scopes of its preset.
    pub fn scopes(self) -> &'static [&'static str] {
        self.0.scopes
    }

    /// Parses a preset name as typed on the command line or in a profile, in any case.
    pub fn parse(name: &str) -> Option<Api> {
        Api::ALL.into_iter().find(|a| a.label().eq_ignore_ascii_case(name.trim()))
    }

    /// The names [`Api::parse`] accepts, as a message lists them: "accounting, assets, payroll,
    /// files or projects".
    pub fn names_listed() -> String {
        let names = Api::names();
        match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// The names [`Api::parse`] accepts, lower case, in display order.
    pub fn names() -> Vec<String> {
        Api::ALL.iter().map(|a| a.label().to_ascii_lowercase()).collect()
    }
}

/// Byte-wise equality, usable in a constant.
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl PartialEq for Api {
    fn eq(&self, other: &Api) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Api {}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Api {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Api {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Api, D::Error> {
        let id = String::deserialize(deserializer)?;
        Api::ALL.into_iter().find(|a| a.id() == id).ok_or_else(|| serde::de::Error::unknown_variant(&id, &Api::IDS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names_parse_case_insensitively() {
        assert_eq!(Api::parse("payroll").map(Api::id), Some("payroll"));
        assert_eq!(Api::parse(" PROJECTS ").map(Api::id), Some("projects"));
        assert_eq!(Api::parse("nope"), None);
        assert_eq!(Api::names_listed(), "accounting, assets, payroll, files or projects");
    }

    #[test]
    fn ids_labels_and_paths_are_unique() {
        let reads: Vec<&Read> = Api::ALL.iter().flat_map(|a| a.description().test.reads()).collect();
        for (i, a) in Api::ALL.iter().enumerate() {
            assert_eq!(Api::ALL.iter().position(|b| b.id() == a.id() || b.label() == a.label()), Some(i), "{a:?}");
        }
        for (i, r) in reads.iter().enumerate() {
            let p = r.answered_by;
            assert_eq!(reads.iter().position(|q| q.answered_by.id == p.id || q.answered_by.path == p.path), Some(i));
            assert!(p.path.starts_with('/') && !p.path.contains(['?', '#']), "{p:?}");
        }
    }

    #[test]
    fn json_names_round_trip_and_unknown_ones_are_refused() {
        for api in Api::ALL {
            let json = serde_json::to_string(&api).unwrap();
            assert_eq!(json, format!("\"{}\"", api.id()));
            assert_eq!(serde_json::from_str::<Api>(&json).unwrap(), api);
        }
        let err = serde_json::from_str::<Api>("\"payrol\"").unwrap_err().to_string();
        assert!(err.contains("unknown variant `payrol`, expected one of `accounting`, `assets`"), "{err}");
    }
}
