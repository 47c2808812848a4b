//! The demo world the `xero-sim` binary (and a GUI practice mode) starts with: three
//! organisations, two of them sharing a name on purpose (docs/xero-platform.md §7: identify
//! organisations by tenantId), and a Web, a PKCE and a Custom app. Credentials and ids
//! are fixed constants so documentation can quote them; they are fake and only ever
//! valid against this simulator.

use crate::model::{App, AppKind, AppSpec, OrgSpec};
use crate::Simulator;

/// Redirect URI registered for the demo Web and PKCE apps.
pub const DEMO_REDIRECT_URI: &str = "http://localhost:8749/callback";
/// Client id of the demo Web app ("Acme Sync").
pub const DEMO_WEB_CLIENT_ID: &str = "1BFE0C99DCA626811A0638B45D5B9491";
/// Client secret of the demo Web app.
pub const DEMO_WEB_CLIENT_SECRET: &str = "cAoBOaBM2IFev32LnRG9kjf1KsW82DNdYTXHPMuFDP-Vydsz";
/// Client id of the demo PKCE app ("Acme Desktop"); it has no secret.
pub const DEMO_PKCE_CLIENT_ID: &str = "7ED9F1C03BD2579741ADDB53678C9EBD";
/// Client id of the demo Custom connection ("Acme Back Office").
pub const DEMO_CUSTOM_CLIENT_ID: &str = "6CD63BA82D7A6A2DD73B8C78046854D9";
/// Client secret of the demo Custom connection.
pub const DEMO_CUSTOM_CLIENT_SECRET: &str = "_N74Wvmkm_spV6_cOqTl9v6B88qQajcSh_3Bz_K2J1labYpy";
/// Tenant id of "Demo Company (AU)".
pub const DEMO_TENANT_AU: &str = "e41fc531-225c-4f90-947a-b82640da4dd9";
/// Tenant id of "Harbour Bakery" (NZ).
pub const DEMO_TENANT_NZ: &str = "ef853990-2430-4afc-8f4d-7228b076f459";
/// Tenant id of the other "Harbour Bakery" (UK).
pub const DEMO_TENANT_UK: &str = "ec8f1b47-995e-446c-8e16-a0a84cc200dd";

/// What `seed_demo` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demo {
    /// The Web app (authorization code + secret).
    pub web: App,
    /// The PKCE app (no secret).
    pub pkce: App,
    /// The Custom connection, bound to Demo Company (AU).
    pub custom: App,
    /// "Demo Company (AU)".
    pub demo_company: String,
    /// "Harbour Bakery" in New Zealand.
    pub harbour_nz: String,
    /// "Harbour Bakery" in the United Kingdom.
    pub harbour_uk: String,
}

/// Adds the demo organisations and apps to a simulator.
pub fn seed_demo(sim: &Simulator) -> Demo {
    let demo_company = sim.add_org_with_id(OrgSpec::default(), DEMO_TENANT_AU);
    let harbour_nz = sim.add_org_with_id(OrgSpec::company("Harbour Bakery", "NZ", "NZD"), DEMO_TENANT_NZ);
    let harbour_uk = sim.add_org_with_id(OrgSpec::company("Harbour Bakery", "GB", "GBP"), DEMO_TENANT_UK);
    let web = sim.add_app_with_credentials(
        AppSpec {
            name: "Acme Sync".to_string(),
            kind: AppKind::Web,
            redirect_uris: vec![DEMO_REDIRECT_URI.to_string()],
            ..AppSpec::default()
        },
        DEMO_WEB_CLIENT_ID,
        Some(DEMO_WEB_CLIENT_SECRET),
        "f3ab78d1-acaa-4a61-a265-71703864538e",
    );
    let pkce = sim.add_app_with_credentials(
        AppSpec {
            name: "Acme Desktop".to_string(),
            kind: AppKind::Pkce,
            redirect_uris: vec![DEMO_REDIRECT_URI.to_string()],
            ..AppSpec::default()
        },
        DEMO_PKCE_CLIENT_ID,
        None,
        "17d4193d-ef03-4595-8882-646aed56fb01",
    );
    let custom = sim.add_app_with_credentials(
        AppSpec {
            name: "Acme Back Office".to_string(),
            kind: AppKind::Custom,
            redirect_uris: Vec::new(),
            custom_tenant: Some(demo_company.clone()),
            ..AppSpec::default()
        },
        DEMO_CUSTOM_CLIENT_ID,
        Some(DEMO_CUSTOM_CLIENT_SECRET),
        "7b2f23e1-bd74-4dc4-ba57-c06ad3b8cf34",
    );
    Demo { web, pkce, custom, demo_company, harbour_nz, harbour_uk }
}
