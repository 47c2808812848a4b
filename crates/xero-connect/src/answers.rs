//! Reading each API's answer to Test Connection's call, in the shapes of Xero's OpenAPI
//! definitions (`tests/contract/xero-openapi/`). Only what proves the answer is the API's own is
//! read; an answer that is not is `xero_unavailable`.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The organisation's details from Xero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationDetails {
    /// `OrganisationID`, which is the tenant ID.
    pub id: String,
    /// `Name` (or the connection's `tenantName` when the Organisation was not read).
    pub name: String,
    /// `LegalName`.
    pub legal_name: Option<String>,
    /// `CountryCode`.
    pub country_code: Option<String>,
    /// `BaseCurrency`.
    pub base_currency: Option<String>,
    /// `IsDemoCompany`; `None` when the Organisation was not read.
    pub is_demo_company: Option<bool>,
    /// `Version` (AU, NZ, GLOBAL, UK, US…).
    pub version: Option<String>,
    /// `ShortCode`.
    pub short_code: Option<String>,
}

impl OrganisationDetails {
    /// What is known of an organisation from `GET /connections` alone: its ID and name.
    pub fn named(id: &str, name: &str) -> OrganisationDetails {
        OrganisationDetails {
            id: id.to_string(),
            name: name.to_string(),
            legal_name: None,
            country_code: None,
            base_currency: None,
            is_demo_company: None,
            version: None,
            short_code: None,
        }
    }
}

/// An API's answer to Test Connection's read, as its `read` in [`crate::apis`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The Accounting API's Organisation.
    Organisation(OrganisationDetails),
    /// The Assets API's settings.
    AssetSettings(AssetSettings),
    /// The Files API's folders.
    Folders(Vec<Folder>),
    /// The Projects API's users.
    ProjectUsers(ProjectUsers),
    /// A Payroll API's settings (AU, NZ or UK).
    PayrollSettings(PayrollSettings),
}

impl Answer {
    /// The organisation's details, when the answer gives them (the Organisation alone does).
    pub fn organisation(self) -> Option<OrganisationDetails> {
        match self {
            Answer::Organisation(o) => Some(o),
            _ => None,
        }
    }
}

fn unreadable(what: &str) -> Error {
    Error::xero_unavailable(&format!("an unreadable {what} answer"))
}

#[derive(Deserialize)]
struct OrganisationsBody {
    #[serde(rename = "Organisations")]
    organisations: Vec<OrganisationBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrganisationBody {
    #[serde(rename = "OrganisationID")]
    organisation_id: String,
    name: String,
    legal_name: Option<String>,
    country_code: Option<String>,
    base_currency: Option<String>,
    is_demo_company: Option<bool>,
    version: Option<String>,
    short_code: Option<String>,
}

/// Parses the Organisation endpoint's JSON (`xero_accounting.yaml`, `Organisations`).
pub fn parse_organisation(body: &[u8]) -> Result<OrganisationDetails> {
    let parsed: OrganisationsBody = serde_json::from_slice(body).map_err(|_| unreadable("Organisation"))?;
    let o = parsed
        .organisations
        .into_iter()
        .next()
        .ok_or_else(|| Error::xero_unavailable("an Organisation answer without an organisation"))?;
    Ok(OrganisationDetails {
        id: o.organisation_id,
        name: o.name,
        legal_name: o.legal_name,
        country_code: o.country_code,
        base_currency: o.base_currency,
        is_demo_company: Some(o.is_demo_company.unwrap_or(false)),
        version: o.version,
        short_code: o.short_code,
    })
}

/// The Assets API's settings (`xero_assets.yaml`, `Setting`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetSettings {
    /// `assetNumberPrefix`, "FA-" by default.
    pub asset_number_prefix: Option<String>,
    /// `assetNumberSequence`, the next number, e.g. "0022".
    pub asset_number_sequence: Option<String>,
}

/// Parses `GET /assets.xro/1.0/Settings`: one JSON object.
pub fn parse_asset_settings(body: &[u8]) -> Result<AssetSettings> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| unreadable("Assets Settings"))?;
    if !v.is_object() {
        return Err(unreadable("Assets Settings"));
    }
    serde_json::from_value(v).map_err(|_| unreadable("Assets Settings"))
}

/// One folder of the Files API (`xero_files.yaml`, `Folder`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Folder {
    /// `Id`.
    pub id: Option<String>,
    /// `Name`.
    pub name: String,
    /// `IsInbox`: the Inbox, which every organisation has.
    #[serde(default)]
    pub is_inbox: bool,
}

/// Parses `GET /files.xro/1.0/Folders`: a JSON array of folders.
pub fn parse_folders(body: &[u8]) -> Result<Vec<Folder>> {
    serde_json::from_slice(body).map_err(|_| unreadable("Files Folders"))
}

/// A page of the Projects API's users (`xero-projects.yaml`, `ProjectUsers`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProjectUsers {
    /// `items`: the users.
    pub items: Vec<ProjectUser>,
}

/// One project user (`ProjectUser`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectUser {
    /// `userId`.
    pub user_id: Option<String>,
    /// `name`.
    pub name: Option<String>,
}

/// Parses `GET /projects.xro/2.0/ProjectsUsers`.
pub fn parse_project_users(body: &[u8]) -> Result<ProjectUsers> {
    serde_json::from_slice(body).map_err(|_| unreadable("Projects Users"))
}

/// The payroll accounts a Payroll Settings answer names (AU, NZ and UK alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollSettings {
    /// Each account's `Type`/`type`, e.g. `WAGESEXPENSE`.
    pub account_types: Vec<String>,
}

#[derive(Deserialize)]
struct AuSettingsBody {
    #[serde(rename = "Settings")]
    settings: AuSettings,
}

#[derive(Deserialize)]
struct AuSettings {
    #[serde(rename = "Accounts", default)]
    accounts: Vec<AuAccount>,
}

#[derive(Deserialize)]
struct AuAccount {
    #[serde(rename = "Type")]
    account_type: Option<String>,
}

/// Parses `GET /payroll.xro/1.0/Settings` (`xero-payroll-au.yaml`, `SettingsObject`).
pub fn parse_payroll_au_settings(body: &[u8]) -> Result<PayrollSettings> {
    let b: AuSettingsBody = serde_json::from_slice(body).map_err(|_| unreadable("Payroll AU Settings"))?;
    Ok(PayrollSettings { account_types: b.settings.accounts.into_iter().filter_map(|a| a.account_type).collect() })
}

#[derive(Deserialize)]
struct V2SettingsBody {
    settings: V2Settings,
}

#[derive(Deserialize)]
struct V2Settings {
    #[serde(default)]
    accounts: Vec<V2Account>,
}

#[derive(Deserialize)]
struct V2Account {
    #[serde(rename = "type")]
    account_type: Option<String>,
}

/// Parses `GET /payroll.xro/2.0/Settings` (`xero-payroll-nz.yaml` and `xero-payroll-uk.yaml`,
/// both `Settings`).
pub fn parse_payroll_settings(body: &[u8]) -> Result<PayrollSettings> {
    let b: V2SettingsBody = serde_json::from_slice(body).map_err(|_| unreadable("Payroll Settings"))?;
    Ok(PayrollSettings { account_types: b.settings.accounts.into_iter().filter_map(|a| a.account_type).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn parses_the_organisation_body() {
        let body = br#"{"Id":"x","Status":"OK","ProviderName":"p","DateTimeUTC":"/Date(1574275974000)/",
          "Organisations":[{"OrganisationID":"b2c885a9-4bb9-4a00-9b6e-6c2bf60b1a2b","Name":"Dev Evangelist Company",
          "LegalName":"Dev Evangelist Company","PaysTax":true,"Version":"AU","OrganisationType":"COMPANY",
          "BaseCurrency":"AUD","CountryCode":"AU","IsDemoCompany":false,"ShortCode":"!Hdp3W"}]}"#;
        let o = parse_organisation(body).unwrap();
        assert_eq!(o.name, "Dev Evangelist Company");
        assert_eq!(o.country_code.as_deref(), Some("AU"));
        assert_eq!(o.is_demo_company, Some(false));
        assert_eq!(parse_organisation(b"<Response/>").unwrap_err().code(), ErrorCode::XeroUnavailable);
        assert_eq!(parse_organisation(br#"{"Organisations":[]}"#).unwrap_err().code(), ErrorCode::XeroUnavailable);
    }

    #[test]
    fn other_apis_answers_are_read_and_anything_else_refused() {
        let s = parse_asset_settings(br#"{"assetNumberPrefix":"FA-","assetNumberSequence":"0007"}"#).unwrap();
        assert_eq!(s.asset_number_prefix.as_deref(), Some("FA-"));
        assert!(parse_asset_settings(b"[]").is_err());
        let f = parse_folders(br#"[{"Name":"Inbox","IsInbox":true,"Id":"x"}]"#).unwrap();
        assert!(f[0].is_inbox);
        assert!(parse_folders(br#"{"Folders":[]}"#).is_err());
        let u = parse_project_users(br#"{"pagination":{"page":1},"items":[{"userId":"u","name":"N"}]}"#).unwrap();
        assert_eq!(u.items.len(), 1);
        let au = parse_payroll_au_settings(br#"{"Settings":{"Accounts":[{"Type":"BANK"}]}}"#).unwrap();
        assert_eq!(au.account_types, ["BANK"]);
        let v2 = parse_payroll_settings(br#"{"settings":{"accounts":[{"type":"WAGESEXPENSE"}]}}"#).unwrap();
        assert_eq!(v2.account_types, ["WAGESEXPENSE"]);
        // The two payroll shapes are not each other's.
        assert!(parse_payroll_settings(br#"{"Settings":{"Accounts":[]}}"#).is_err());
        assert!(parse_payroll_au_settings(br#"{"settings":{"accounts":[]}}"#).is_err());
    }
}
