//! Which call Test Connection makes, chosen from the scopes Xero granted: the Organisation when
//! it may be read, else one granted API's call from its [`crate::apis`] entry, else
//! `GET /connections` (docs/xero-platform.md §13).

use crate::apis::{Api, TestCall};

/// The read Test Connection makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// The API's call ([`crate::apis::Description::test`]): needs its `test_scope(.read)`.
    Api(Api),
    /// `GET /connections`: any valid token may call it.
    Connections,
}

impl Probe {
    /// The scope (read-write form) that unlocks this call; its `.read` form does too. `None`
    /// for `GET /connections`, which needs none.
    pub fn scope(self) -> Option<&'static str> {
        match self {
            Probe::Api(api) => Some(api.description().test_scope),
            Probe::Connections => None,
        }
    }
}

/// The APIs in the order Test Connection prefers them, first match wins. Accounting comes first
/// because its Organisation alone tells the country and currency. The others follow the order
/// the presets are listed in ([`Api::ALL`]), except that an API split by region (Payroll) goes
/// last: its region is unknown without the Organisation, so it may cost two calls where the
/// others cost one.
fn preference() -> Vec<Api> {
    let mut apis = Api::ALL.to_vec();
    apis.sort_by_key(|a| (*a != Api::ACCOUNTING, matches!(a.description().test, TestCall::ByRegion { .. })));
    apis
}

/// True when `granted` holds `scope` or its read-only form `scope.read`.
fn grants_read(granted: &[String], scope: &str) -> bool {
    granted.iter().any(|s| s == scope || s.strip_suffix(".read") == Some(scope))
}

/// The call for a connection that was granted `granted` (scope names as Xero returned them).
pub fn choose(granted: &[String]) -> Probe {
    preference()
        .into_iter()
        .find(|api| grants_read(granted, api.description().test_scope))
        .map_or(Probe::Connections, Probe::Api)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(scopes: &str) -> Probe {
        choose(&scopes.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    fn api(name: &str) -> Probe {
        Probe::Api(Api::parse(name).unwrap())
    }

    #[test]
    fn the_organisation_wins_when_settings_may_be_read() {
        assert_eq!(pick("offline_access accounting.settings.read assets"), api("accounting"));
        assert_eq!(pick("accounting.settings payroll.settings"), api("accounting"));
    }

    #[test]
    fn otherwise_the_first_granted_api_in_the_documented_order() {
        assert_eq!(pick("openid accounting.invoices assets.read files"), api("assets"));
        assert_eq!(pick("projects files.read"), api("files"));
        assert_eq!(pick("projects payroll.settings"), api("projects"));
        assert_eq!(pick("payroll.settings.read"), api("payroll"));
        let order: Vec<&str> = preference().into_iter().map(Api::id).collect();
        assert_eq!(order, ["accounting", "assets", "files", "projects", "payroll"]);
    }

    #[test]
    fn payroll_without_its_settings_scope_and_no_api_scope_fall_back_to_connections() {
        assert_eq!(pick("payroll.employees payroll.payruns.read"), Probe::Connections);
        assert_eq!(pick("offline_access openid profile email accounting.contacts"), Probe::Connections);
        assert_eq!(pick(""), Probe::Connections);
        // Only the exact name or its `.read` form counts.
        assert_eq!(pick("assetsx files.reads"), Probe::Connections);
    }

    #[test]
    fn each_call_names_its_scope() {
        assert_eq!(api("payroll").scope(), Some("payroll.settings"));
        assert_eq!(Probe::Connections.scope(), None);
    }
}
