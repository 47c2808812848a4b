//! What a setup or a reconnect asks Xero for — the app type, the scopes, the redirect URIs — from
//! what the user chose, with a vendor profile's rules applied. The rules live here once; the
//! command line fills [`Choices`] from its options, the window from its ticks and fields, and
//! each says a [`Conflict`] in its own words.
//!
//! A profile fixes the scopes (exactly its own, plus `offline_access`) and the redirect URIs, and
//! limits the app types to those it lists (its first is the default). Without a profile: a web
//! app, the Accounting preset, and [`crate::domain::DEFAULT_REDIRECT_URI`].

use crate::apis::Api;
use crate::domain::{AppType, RedirectUri};
use crate::error::Error;
use crate::profile::Profile;
use crate::scopes;

/// What the user chose, each `None` when left to the default (or to the profile).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    /// The app type picked.
    pub app_type: Option<AppType>,
    /// The scopes asked for, as a list or through presets.
    pub scopes: Option<Vec<String>>,
    /// The redirect URIs given, exactly as registered.
    pub redirect_uris: Option<Vec<RedirectUri>>,
}

/// What the profile forbids choosing, when it was chosen anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// The profile fixes this; the user chose it too (the command line: remove the option).
    FixedByProfile {
        /// What is fixed.
        what: Fixed,
        /// The profile's product name.
        product: String,
    },
    /// The profile does not allow the app type (`invalid_profile`, worded by the profile).
    Refused(Error),
}

/// A value a profile fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    /// The scopes.
    Scopes,
    /// The redirect URIs.
    RedirectUris,
}

/// What a first setup asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupPlan {
    /// The app type.
    pub app_type: AppType,
    /// The scopes of the consent.
    pub scopes: Vec<String>,
    /// The redirect URIs the listener serves (at least one).
    pub redirect_uris: Vec<RedirectUri>,
}

/// What a reconnect changes; `None` keeps what the connection saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPlan {
    /// New scopes: the profile's when they differ from the saved ones, else those chosen.
    pub scopes: Option<Vec<String>>,
    /// New redirect URIs: the profile's, else those given.
    pub redirect_uris: Option<Vec<RedirectUri>>,
}

/// The app type a setup starts with: the profile's first, else a web app.
pub fn default_app_type(profile: Option<&Profile>) -> AppType {
    profile.map_or(AppType::Web, |p| p.app_types[0])
}

/// The scopes a consent asks for: the profile's exactly, else `chosen`, else the Accounting
/// preset. A choice the profile overrides is not refused here ([`for_setup`] does that).
pub fn consent_scopes(profile: Option<&Profile>, chosen: Option<Vec<String>>) -> Vec<String> {
    match profile {
        Some(p) => p.consent_scopes(),
        None => chosen.unwrap_or_else(|| scopes::for_apis(&[Api::DEFAULT])),
    }
}

/// The redirect URIs a setup listens on: the profile's, else `given`, else
/// [`crate::domain::DEFAULT_REDIRECT_URI`]. A choice the profile overrides is not refused here ([`for_setup`]
/// does that).
pub fn redirect_uris(profile: Option<&Profile>, given: Option<Vec<RedirectUri>>) -> Vec<RedirectUri> {
    match profile {
        Some(p) => p.redirect_uris(),
        None => given.filter(|g| !g.is_empty()).unwrap_or_else(|| vec![RedirectUri::default_uri()]),
    }
}

/// A first setup's plan.
///
/// # Errors
/// [`Conflict::FixedByProfile`] when the profile fixes scopes or redirect URIs that were chosen;
/// [`Conflict::Refused`] when it does not allow the app type chosen.
pub fn for_setup(profile: Option<&Profile>, choices: Choices) -> Result<SetupPlan, Conflict> {
    let app_type = match (profile, choices.app_type) {
        (Some(p), asked) => p.app_type(asked).map_err(Conflict::Refused)?,
        (None, asked) => asked.unwrap_or(default_app_type(None)),
    };
    if let Some(p) = profile {
        refuse_fixed(p, &choices)?;
    }
    Ok(SetupPlan {
        app_type,
        scopes: consent_scopes(profile, choices.scopes),
        redirect_uris: redirect_uris(profile, choices.redirect_uris),
    })
}

/// A reconnect's plan for a connection saved with `saved_app_type` and `saved_scopes`.
///
/// # Errors
/// As [`for_setup`]; [`Conflict::Refused`] also when the profile was made for other app types
/// than the saved connection's (it has no redirect URI or scopes for it).
pub fn for_reconnect(
    profile: Option<&Profile>,
    saved_app_type: AppType,
    saved_scopes: &[String],
    choices: Choices,
) -> Result<ReconnectPlan, Conflict> {
    let Some(p) = profile else {
        return Ok(ReconnectPlan { scopes: choices.scopes, redirect_uris: choices.redirect_uris });
    };
    p.app_type(Some(saved_app_type)).map_err(Conflict::Refused)?;
    refuse_fixed(p, &choices)?;
    // The profile's scopes replace the saved ones: a new consent when they differ.
    let wanted = p.consent_scopes();
    Ok(ReconnectPlan { scopes: (wanted != saved_scopes).then_some(wanted), redirect_uris: Some(p.redirect_uris()) })
}

/// Whether `profile` fixes `what`, so a front end does not offer it as a choice.
pub fn fixes(profile: Option<&Profile>, what: Fixed) -> bool {
    match what {
        Fixed::Scopes | Fixed::RedirectUris => profile.is_some(),
    }
}

/// The first choice `p` fixes, as a conflict.
fn refuse_fixed(p: &Profile, choices: &Choices) -> Result<(), Conflict> {
    let chosen = [(Fixed::Scopes, choices.scopes.is_some()), (Fixed::RedirectUris, choices.redirect_uris.is_some())];
    match chosen.into_iter().find(|&(what, chosen)| chosen && fixes(Some(p), what)) {
        Some((what, _)) => Err(Conflict::FixedByProfile { what, product: p.product.clone() }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DEFAULT_REDIRECT_URI;

    /// The example profile the repository ships (a web-only field-service app), read from a
    /// file as a vendor's would be (the text is built in, so this runs under Wine too).
    fn fieldcrew() -> Profile {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile.toml");
        std::fs::write(&path, include_str!("../../../profiles/fieldcrew.toml")).unwrap();
        crate::profile::load(&path).unwrap()
    }

    fn uri(text: &str) -> RedirectUri {
        RedirectUri::parse(text).unwrap()
    }

    #[test]
    fn without_a_profile_the_choices_else_the_defaults() {
        let plan = for_setup(None, Choices::default()).unwrap();
        assert_eq!(plan.app_type, AppType::Web);
        assert_eq!(plan.scopes, scopes::for_apis(&[Api::ACCOUNTING]));
        assert_eq!(plan.redirect_uris, [uri(DEFAULT_REDIRECT_URI)]);
        let chosen = Choices {
            app_type: Some(AppType::Pkce),
            scopes: Some(vec!["files".into()]),
            redirect_uris: Some(vec![uri("http://127.0.0.1:9000/cb")]),
        };
        let plan = for_setup(None, chosen.clone()).unwrap();
        assert_eq!(
            (plan.app_type, plan.scopes, plan.redirect_uris),
            (AppType::Pkce, vec!["files".into()], vec![uri("http://127.0.0.1:9000/cb")])
        );
        let reconnect = for_reconnect(None, AppType::Web, &["assets".into()], chosen).unwrap();
        assert_eq!(reconnect.scopes, Some(vec!["files".into()]));
        assert_eq!(
            for_reconnect(None, AppType::Web, &[], Choices::default()).unwrap(),
            ReconnectPlan { scopes: None, redirect_uris: None }
        );
    }

    #[test]
    fn a_profile_fixes_scopes_and_redirect_uris_and_limits_the_app_type() {
        let p = fieldcrew();
        let plan = for_setup(Some(&p), Choices::default()).unwrap();
        assert_eq!(plan.app_type, AppType::Web);
        assert_eq!(plan.scopes, p.consent_scopes());
        assert_eq!(plan.redirect_uris, p.redirect_uris());
        assert!(fixes(Some(&p), Fixed::Scopes) && !fixes(None, Fixed::RedirectUris));
        let scopes = Choices { scopes: Some(vec!["files".into()]), ..Choices::default() };
        assert_eq!(
            for_setup(Some(&p), scopes).unwrap_err(),
            Conflict::FixedByProfile { what: Fixed::Scopes, product: "FieldCrew Jobs".into() }
        );
        let uris = Choices { redirect_uris: Some(vec![uri(DEFAULT_REDIRECT_URI)]), ..Choices::default() };
        assert!(matches!(for_setup(Some(&p), uris), Err(Conflict::FixedByProfile { what: Fixed::RedirectUris, .. })));
        // The app type is checked first: a custom connection is not FieldCrew's.
        let custom = Choices { app_type: Some(AppType::Custom), scopes: Some(vec![]), ..Choices::default() };
        assert!(
            matches!(for_setup(Some(&p), custom), Err(Conflict::Refused(e)) if e.code() == crate::ErrorCode::InvalidProfile)
        );
    }

    #[test]
    fn a_reconnect_takes_the_profiles_scopes_only_when_they_differ() {
        let p = fieldcrew();
        let same = for_reconnect(Some(&p), AppType::Web, &p.consent_scopes(), Choices::default()).unwrap();
        assert_eq!(same, ReconnectPlan { scopes: None, redirect_uris: Some(p.redirect_uris()) });
        let other =
            for_reconnect(Some(&p), AppType::Web, &["accounting.transactions".into()], Choices::default()).unwrap();
        assert_eq!(other.scopes, Some(p.consent_scopes()));
        // A connection of an app type the profile was not made for: it has nothing for it.
        assert!(matches!(for_reconnect(Some(&p), AppType::Pkce, &[], Choices::default()), Err(Conflict::Refused(_))));
    }
}
