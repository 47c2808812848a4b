//! What the user must create in Xero's developer portal: the app type, a name Xero accepts,
//! the company URL, the exact redirect URI(s) and the scopes — one value the command line
//! prints and the window shows with Copy buttons.

use crate::domain::{AppType, RedirectUri};
use crate::endpoints::Endpoints;
use serde::Serialize;

/// Everything to type into the portal, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationGuide {
    /// Where to create the app ("My Apps").
    pub portal_url: String,
    /// The integration type to choose.
    pub app_type: AppType,
    /// The portal's name for it.
    pub app_type_label: String,
    /// One sentence on each choice, in the portal's order.
    pub app_type_choices: Vec<AppTypeChoice>,
    /// A suggested app name (Xero refuses names containing "Xero").
    pub app_name: String,
    /// What to put in "Company or application URL".
    pub company_url_hint: String,
    /// With a vendor profile: the exact company URL to paste (a Copy button), else `None`.
    pub company_url: Option<String>,
    /// With a vendor profile: the product's name ("Connect NAME to Xero").
    pub product: Option<String>,
    /// With a vendor profile: where its users get help (https URL or e-mail address).
    pub support: Option<String>,
    /// With a vendor profile: the vendor's own guide, if it has one.
    pub help_url: Option<String>,
    /// The redirect URI(s) to register, exactly.
    pub redirect_uris: Vec<String>,
    /// The scopes this connection will ask for.
    pub scopes: Vec<String>,
    /// The numbered steps.
    pub steps: Vec<String>,
    /// Whether the app has a client secret to generate and paste (web apps and custom
    /// connections; a mobile or desktop app has none).
    pub has_secret: bool,
    /// Tips shown beside the steps, each once.
    pub tips: Vec<String>,
    /// For apps with a secret: that Xero shows it only once. Apart from `tips` because the
    /// window shows it as a warning box, not a tip.
    pub secret_tip: Option<String>,
}

/// One integration type with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppTypeChoice {
    /// The type.
    pub app_type: AppType,
    /// The portal's label.
    pub label: String,
    /// When to choose it.
    pub explanation: String,
}

/// A name for the portal built from the connection's name, without the word "Xero", which the
/// portal refuses.
pub fn suggested_app_name(connection_name: Option<&str>) -> String {
    let base = connection_name.unwrap_or("").trim();
    let mut cleaned = String::new();
    let lower = base.to_ascii_lowercase();
    let mut i = 0;
    while i < base.len() {
        if lower[i..].starts_with("xero") {
            i += 4;
        } else {
            let c = base[i..].chars().next().expect("in bounds");
            cleaned.push(c);
            i += c.len_utf8();
        }
    }
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_matches(|c: char| !c.is_alphanumeric());
    if cleaned.is_empty() {
        "Business Software Connector".to_string()
    } else {
        format!("{cleaned} connector")
    }
}

impl RegistrationGuide {
    /// The guide for one app type, redirect URIs and scopes.
    pub fn new(
        endpoints: &Endpoints,
        connection_name: Option<&str>,
        app_type: AppType,
        redirect_uris: &[RedirectUri],
        scopes: &[String],
    ) -> RegistrationGuide {
        Self::build(endpoints, app_type, redirect_uris, scopes, None, suggested_app_name(connection_name))
    }

    /// The guide a vendor profile sets up: its app name and company URL to copy, its redirect
    /// URIs, only the app types it allows, and the scopes it uses. `app_type` must be one of
    /// the profile's (see [`crate::profile::Profile::app_type`]).
    pub fn for_profile(
        endpoints: &Endpoints,
        profile: &crate::profile::Profile,
        app_type: AppType,
        scopes: &[String],
    ) -> RegistrationGuide {
        let uris = profile.redirect_uris();
        let mut g = Self::build(endpoints, app_type, &uris, scopes, Some(profile), profile.app_name.clone());
        g.app_type_choices.retain(|c| profile.app_types.contains(&c.app_type));
        g
    }

    fn build(
        endpoints: &Endpoints,
        app_type: AppType,
        redirect_uris: &[RedirectUri],
        scopes: &[String],
        profile: Option<&crate::profile::Profile>,
        app_name: String,
    ) -> RegistrationGuide {
        let company_step = match profile {
            Some(p) => format!("Company or application URL: {} (exactly).", p.company_url),
            None => "Company or application URL: your business's website, starting with https://.".to_string(),
        };
        let uris: Vec<String> = if app_type.uses_browser() {
            redirect_uris.iter().map(|u| u.as_str().to_string()).collect()
        } else {
            Vec::new()
        };
        let mut steps = vec![
            format!("Open {} and sign in to Xero.", endpoints.portal_my_apps()),
            "Press \"New app\".".to_string(),
            format!("App name: {app_name} (the name may not contain the word \"Xero\")."),
            format!("Integration type: {}.", app_type.portal_label()),
            company_step,
        ];
        match uris.len() {
            0 => {}
            1 => steps.push(format!("Redirect URI: {} (exactly, with nothing added).", uris[0])),
            _ => steps.push(format!(
                "Redirect URI: {}; then, under Configuration, add the others too: {}.",
                uris[0],
                uris[1..].join(", ")
            )),
        }
        steps.push("Tick the terms and press \"Create app\".".to_string());
        match app_type {
            AppType::Web => steps.push(
                "Open \"Configuration\", copy the Client ID, then press \"Generate a secret\" and copy the secret at once: Xero shows it only once."
                    .to_string(),
            ),
            AppType::Pkce => steps.push("Open \"Configuration\" and copy the Client ID (this kind of app has no secret).".to_string()),
            AppType::Custom => {
                steps.push(
                    "Choose the scopes listed below and the user who will authorise the connection, then wait for that user to connect the organisation."
                        .to_string(),
                );
                steps.push(
                    "Open \"Configuration\", copy the Client ID, then press \"Generate a secret\" and copy the secret at once: Xero shows it only once."
                        .to_string(),
                );
            }
        }
        RegistrationGuide {
            portal_url: endpoints.portal_my_apps(),
            app_type,
            app_type_label: app_type.portal_label().to_string(),
            app_type_choices: AppType::ALL
                .iter()
                .map(|t| AppTypeChoice {
                    app_type: *t,
                    label: t.portal_label().to_string(),
                    explanation: t.explanation().to_string(),
                })
                .collect(),
            app_name,
            company_url_hint: match profile {
                Some(p) => p.company_url.clone(),
                None => "https://your-business.example (any https address of your business)".to_string(),
            },
            company_url: profile.map(|p| p.company_url.clone()),
            product: profile.map(|p| p.product.clone()),
            support: profile.map(|p| p.support.clone()),
            help_url: profile.and_then(|p| p.help_url.clone()),
            redirect_uris: uris,
            scopes: scopes.to_vec(),
            steps,
            has_secret: app_type.has_secret(),
            tips: vec![
                "Sign in to Xero as a dedicated user kept for integrations, so the connection does not depend on one person's account.".to_string(),
                "Have Xero's two-step verification (your authenticator app) at hand before you start.".to_string(),
            ],
            secret_tip: app_type.has_secret().then(|| {
                "The client secret is shown only once: copy it before leaving the page. If it is lost, generate another one."
                    .to_string()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DEFAULT_REDIRECT_URI;

    #[test]
    fn app_names_never_contain_xero() {
        assert_eq!(suggested_app_name(Some("Xero sync")), "sync connector");
        assert_eq!(suggested_app_name(Some("myXEROapp")), "myapp connector");
        assert_eq!(suggested_app_name(Some("xero")), "Business Software Connector");
        assert_eq!(suggested_app_name(None), "Business Software Connector");
        assert_eq!(suggested_app_name(Some("Acme Books")), "Acme Books connector");
    }

    #[test]
    fn guide_names_type_uri_and_scopes() {
        let uri = RedirectUri::parse(DEFAULT_REDIRECT_URI).unwrap();
        let scopes = crate::scopes::for_apis(&[crate::apis::Api::ACCOUNTING]);
        let g = RegistrationGuide::new(&Endpoints::production(), Some("acme"), AppType::Web, &[uri], &scopes);
        assert_eq!(g.app_type_label, "Web app");
        assert_eq!(g.redirect_uris, vec![DEFAULT_REDIRECT_URI.to_string()]);
        assert!(g.steps.iter().any(|s| s.contains("Generate a secret") && s.contains("only once")));
        assert!(g.steps.iter().any(|s| s.contains(DEFAULT_REDIRECT_URI)));
        assert_eq!(g.portal_url, "https://developer.xero.com/app/manage");
        assert_eq!(g.app_type_choices.len(), 3);
        let custom = RegistrationGuide::new(&Endpoints::production(), None, AppType::Custom, &[], &scopes);
        assert!(custom.redirect_uris.is_empty());
    }
}
