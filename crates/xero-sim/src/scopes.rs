//! Xero's scope rules (docs/xero-platform.md §5): which scopes exist, which broad accounting
//! scopes apps created on or after 2 March 2026 may no longer ask for, and which
//! scope unlocks each API's reads. A request with any unknown or disallowed
//! scope fails as a whole without naming the scope, as Xero does.

use crate::dates::days_from_civil;

/// Scopes any app may ask for.
const ALWAYS_VALID: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "accounting.settings",
    "accounting.settings.read",
    "accounting.contacts",
    "accounting.contacts.read",
    "accounting.attachments",
    "accounting.attachments.read",
    "accounting.budgets.read",
    "accounting.journals.read",
    "accounting.invoices",
    "accounting.invoices.read",
    "accounting.payments",
    "accounting.payments.read",
    "accounting.banktransactions",
    "accounting.banktransactions.read",
    "accounting.manualjournals",
    "accounting.manualjournals.read",
    "accounting.reports.profitandloss.read",
    "accounting.reports.balancesheet.read",
    "accounting.reports.aged.read",
    "accounting.reports.trialbalance.read",
    "accounting.reports.banksummary.read",
    "accounting.reports.budgetsummary.read",
    "accounting.reports.executivesummary.read",
    "accounting.reports.taxreports.read",
    "assets",
    "assets.read",
    "files",
    "files.read",
    "projects",
    "projects.read",
    "payroll.employees",
    "payroll.employees.read",
    "payroll.payruns",
    "payroll.payruns.read",
    "payroll.payslip",
    "payroll.payslip.read",
    "payroll.settings",
    "payroll.settings.read",
    "payroll.timesheets",
    "payroll.timesheets.read",
];

/// Broad scopes replaced by granular ones for apps created on/after 2026-03-02.
const BROAD: &[&str] = &["accounting.transactions", "accounting.transactions.read", "accounting.reports.read"];

/// Scopes a custom connection gets when its token request names none.
pub(crate) const CUSTOM_DEFAULT: &[&str] = &[
    "accounting.settings",
    "accounting.contacts",
    "accounting.invoices",
    "accounting.payments",
    "accounting.banktransactions",
    "accounting.manualjournals",
    "accounting.attachments",
];

/// Identity-only scopes that never reach an organisation.
pub(crate) const IDENTITY: &[&str] = &["openid", "profile", "email", "offline_access"];

/// True when an app created on this date may only use granular scopes.
pub(crate) fn granular_only(created: (i32, u8, u8)) -> bool {
    days_from_civil(created.0, created.1, created.2) >= days_from_civil(2026, 3, 2)
}

/// Whether one scope is acceptable for an app created on `created`.
/// Restricted scopes (`bankfeeds`, `finance.*`, `paymentservices`) need Xero's approval,
/// which simulated apps never have, so they are refused like unknown ones.
pub(crate) fn allowed(scope: &str, created: (i32, u8, u8)) -> bool {
    ALWAYS_VALID.contains(&scope) || (BROAD.contains(&scope) && !granular_only(created))
}

/// Splits a space-separated scope parameter, dropping empty pieces and duplicates.
pub(crate) fn split(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split([' ', '+']).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// True when `scopes` hold `scope` or its read-only form: what an API operation whose OpenAPI
/// `security` lists both (e.g. `assets, assets.read`) accepts for a read.
pub(crate) fn grants_read(scopes: &[String], scope: &str) -> bool {
    scopes.iter().any(|s| s == scope || s.strip_suffix(".read") == Some(scope))
}

/// All scopes a discovery document advertises.
pub(crate) fn supported() -> Vec<&'static str> {
    ALWAYS_VALID.iter().chain(BROAD.iter()).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_scopes_depend_on_creation_date() {
        assert!(!allowed("accounting.transactions", (2026, 3, 2)));
        assert!(allowed("accounting.transactions", (2026, 3, 1)));
        assert!(allowed("accounting.invoices", (2026, 6, 1)));
        assert!(!allowed("bankfeeds", (2020, 1, 1)));
        assert!(!allowed("accounting.made.up", (2020, 1, 1)));
        assert_eq!(split("openid  email openid"), vec!["openid", "email"]);
    }
}
