//! Which call Test Connection makes, chosen from the scopes Xero granted: the Organisation when
//! it may be read, else the cheapest read of one granted API, else `GET /connections`
//! (docs/xero-platform.md §13).

/// The read Test Connection makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// `GET /api.xro/2.0/Organisation`: needs `accounting.settings(.read)`.
    Organisation,
    /// `GET /assets.xro/1.0/Settings`: needs `assets(.read)`.
    AssetsSettings,
    /// `GET /files.xro/1.0/Folders`: needs `files(.read)`.
    FilesFolders,
    /// `GET /projects.xro/2.0/ProjectsUsers`: needs `projects(.read)`.
    ProjectsUsers,
    /// `GET /payroll.xro/2.0/Settings` (NZ, UK), then `/payroll.xro/1.0/Settings` (AU) when the
    /// first is not for this organisation's region: needs `payroll.settings(.read)`.
    PayrollSettings,
    /// `GET /connections`: any valid token may call it.
    Connections,
}

/// The preference, first match wins. The Organisation comes first because it alone tells the
/// country and currency. The other APIs follow the order the presets are listed in
/// ([`crate::scopes::Api::ALL`]) except that Payroll goes last: its region is unknown without
/// the Organisation, so it may cost two calls where the others cost one.
const ORDER: [(Probe, &str); 5] = [
    (Probe::Organisation, "accounting.settings"),
    (Probe::AssetsSettings, "assets"),
    (Probe::FilesFolders, "files"),
    (Probe::ProjectsUsers, "projects"),
    // Each payroll Settings operation's `security` lists only payroll.settings(.read), so
    // payroll.employees and the rest do not reach it (xero-payroll-{au,nz,uk}.yaml).
    (Probe::PayrollSettings, "payroll.settings"),
];

impl Probe {
    /// The scope (read-write form) that unlocks this call; its `.read` form does too. `None`
    /// for `GET /connections`, which needs none.
    pub fn scope(self) -> Option<&'static str> {
        ORDER.iter().find(|(p, _)| *p == self).map(|(_, s)| *s)
    }
}

/// True when `granted` holds `scope` or its read-only form `scope.read`.
fn grants_read(granted: &[String], scope: &str) -> bool {
    granted.iter().any(|s| s == scope || s.strip_suffix(".read") == Some(scope))
}

/// The call for a connection that was granted `granted` (scope names as Xero returned them).
pub fn choose(granted: &[String]) -> Probe {
    ORDER.iter().find(|(_, scope)| grants_read(granted, scope)).map_or(Probe::Connections, |(p, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(scopes: &str) -> Probe {
        choose(&scopes.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn the_organisation_wins_when_settings_may_be_read() {
        assert_eq!(pick("offline_access accounting.settings.read assets"), Probe::Organisation);
        assert_eq!(pick("accounting.settings payroll.settings"), Probe::Organisation);
    }

    #[test]
    fn otherwise_the_first_granted_api_in_the_documented_order() {
        assert_eq!(pick("openid accounting.invoices assets.read files"), Probe::AssetsSettings);
        assert_eq!(pick("projects files.read"), Probe::FilesFolders);
        assert_eq!(pick("projects payroll.settings"), Probe::ProjectsUsers);
        assert_eq!(pick("payroll.settings.read"), Probe::PayrollSettings);
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
        assert_eq!(Probe::PayrollSettings.scope(), Some("payroll.settings"));
        assert_eq!(Probe::Connections.scope(), None);
    }
}
