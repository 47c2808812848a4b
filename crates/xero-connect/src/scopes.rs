//! Xero's OAuth scopes: the names Xero knows, the scope sets of the API presets (each API's
//! granular scopes are in its [`crate::apis`] entry; granular only, as apps created on or after
//! 2 March 2026 require), and checking a user's own list.
//!
//! Every set always carries `offline_access` (a refresh token) and `openid profile email` (the
//! id_token that names the Xero user who authorised the connection). Nothing is added for Test
//! Connection: it reads whatever the granted scopes allow (`probe::choice`), so a connection asks
//! only for what its software uses. The Accounting preset includes `accounting.settings.read`.

use crate::error::{Error, ErrorCode, Result};

use crate::apis::Api;

/// Scopes added to every set: refresh token and id_token.
pub const ESSENTIAL: [&str; 4] = ["offline_access", "openid", "profile", "email"];

/// Broad scopes refused for apps created on or after 2 March 2026 (allowed for older apps
/// until September 2027), with the granular scopes that replace them.
pub const BROAD: [(&str, &str); 3] = [
    (
        "accounting.transactions",
        "accounting.invoices accounting.payments accounting.banktransactions accounting.manualjournals",
    ),
    (
        "accounting.transactions.read",
        "accounting.invoices.read accounting.payments.read accounting.banktransactions.read accounting.manualjournals.read",
    ),
    ("accounting.reports.read", "accounting.reports.profitandloss.read accounting.reports.balancesheet.read …"),
];

/// Every scope name Xero knows (granular, still-valid, broad, other APIs, restricted).
const KNOWN_BASES: [&str; 36] = [
    "offline_access",
    "openid",
    "profile",
    "email",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.manualjournals",
    "accounting.settings",
    "accounting.contacts",
    "accounting.attachments",
    "accounting.transactions",
    "accounting.budgets.read",
    "accounting.journals.read",
    "accounting.reports.read",
    "accounting.reports.profitandloss.read",
    "accounting.reports.balancesheet.read",
    "accounting.reports.aged.read",
    "accounting.reports.trialbalance.read",
    "accounting.reports.banksummary.read",
    "accounting.reports.budgetsummary.read",
    "accounting.reports.executivesummary.read",
    "accounting.reports.taxreports.read",
    "assets",
    "files",
    "projects",
    "payroll.employees",
    "payroll.payruns",
    "payroll.payslip",
    "payroll.settings",
    "payroll.timesheets",
    "bankfeeds",
    "paymentservices",
    "finance.accountingactivity.read",
    "finance.cashvalidation.read",
    "finance.statements.read",
];

/// True for a scope Xero knows: a listed name, or a listed writable name with `.read`.
pub fn is_known(scope: &str) -> bool {
    KNOWN_BASES.contains(&scope)
        || scope.strip_suffix(".read").is_some_and(|base| {
            KNOWN_BASES.contains(&base)
                && !base.ends_with(".read")
                && !matches!(base, "offline_access" | "openid" | "profile" | "email")
        })
}

/// The scope set of some presets, with the essentials, without duplicates, in a stable order.
pub fn for_apis(apis: &[Api]) -> Vec<String> {
    let mut out = Vec::new();
    for api in apis {
        out.extend(api.scopes().iter().map(|s| s.to_string()));
    }
    with_essentials(out)
}

/// Parses a user's list (spaces or commas), refuses unknown names, adds the essentials.
pub fn parse(list: &str) -> Result<Vec<String>> {
    let names: Vec<String> =
        list.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_string).collect();
    if names.is_empty() {
        return Err(Error::new(
            ErrorCode::UnknownScope,
            "No scopes given: name at least one, e.g. accounting.invoices.",
        ));
    }
    let unknown: Vec<&str> = names.iter().map(String::as_str).filter(|s| !is_known(s)).collect();
    if !unknown.is_empty() {
        return Err(Error::new(
            ErrorCode::UnknownScope,
            format!(
                "Xero has no scope named {}: check the spelling (scopes look like accounting.invoices or accounting.contacts.read).",
                unknown.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(with_essentials(names))
}

/// The broad scopes in a set, each with its granular replacement (for a warning).
pub fn broad_in(scopes: &[String]) -> Vec<(&'static str, &'static str)> {
    BROAD.iter().copied().filter(|(b, _)| scopes.iter().any(|s| s == b)).collect()
}

/// A scope set with each broad accounting scope replaced by the granular scopes that do the
/// same (docs/xero-platform.md §5), for moving an older app's connection off them before
/// Xero stops accepting them in September 2027.
pub fn granular_replacement(scopes: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for s in scopes {
        match BROAD.iter().find(|(broad, _)| broad == s) {
            // The reports scope's entry in BROAD is shortened for display; the Accounting
            // preset holds every report scope.
            Some(("accounting.reports.read", _)) => out.extend(
                Api::ACCOUNTING.scopes().iter().filter(|s| s.starts_with("accounting.reports.")).map(|s| s.to_string()),
            ),
            Some((_, granular)) => out.extend(granular.split(' ').map(str::to_string)),
            None => out.push(s.clone()),
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

fn with_essentials(mut scopes: Vec<String>) -> Vec<String> {
    scopes.extend(ESSENTIAL.map(String::from));
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|s| seen.insert(s.clone()));
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_scopes_are_replaced_by_their_granular_ones_and_nothing_else_changes() {
        let old: Vec<String> =
            ["offline_access", "accounting.transactions", "accounting.reports.read", "accounting.contacts"]
                .map(String::from)
                .to_vec();
        let new = granular_replacement(&old);
        assert!(broad_in(&new).is_empty(), "{new:?}");
        for kept in ["offline_access", "accounting.contacts", "accounting.invoices", "accounting.manualjournals"] {
            assert!(new.iter().any(|s| s == kept), "{kept} in {new:?}");
        }
        assert_eq!(new.iter().filter(|s| s.starts_with("accounting.reports.")).count(), 8);
        assert!(new.iter().all(|s| is_known(s)));
    }

    #[test]
    fn presets_are_granular_known_and_complete() {
        for api in Api::ALL {
            let set = for_apis(&[api]);
            for s in &set {
                assert!(is_known(s), "{s}");
            }
            assert!(broad_in(&set).is_empty(), "{api:?}");
            for e in ESSENTIAL {
                assert!(set.iter().any(|s| s == e), "{api:?} lacks {e}");
            }
        }
    }

    #[test]
    fn parse_adds_essentials_once_and_refuses_unknown() {
        let s = parse("accounting.invoices, accounting.contacts.read offline_access").unwrap();
        assert_eq!(s.iter().filter(|x| *x == "offline_access").count(), 1);
        // Test Connection needs no scope of its own: nothing beyond the identity essentials.
        assert_eq!(s.len(), 2 + ESSENTIAL.len(), "{s:?}");
        assert!(!s.contains(&"accounting.settings.read".to_string()));
        let err = parse("accounting.invoices accounting.invoice").unwrap_err();
        assert_eq!(err.code(), ErrorCode::UnknownScope);
        assert!(err.message().contains("\"accounting.invoice\""), "{err}");
        assert!(!is_known("openid.read"));
        assert!(!is_known("accounting.reports.profitandloss.read.read"));
        assert!(is_known("accounting.contacts.read"));
    }

    #[test]
    fn only_the_accounting_preset_reads_settings() {
        assert!(for_apis(&[Api::ACCOUNTING]).contains(&"accounting.settings.read".to_string()));
        for api in Api::ALL.into_iter().filter(|a| *a != Api::ACCOUNTING) {
            assert!(!for_apis(&[api]).iter().any(|s| s.starts_with("accounting.")), "{api:?}");
        }
    }

    #[test]
    fn broad_scopes_are_known_but_flagged() {
        let s = parse("accounting.transactions").unwrap();
        assert_eq!(broad_in(&s).len(), 1);
    }
}
