//! The HTML pages Xero's login site shows: the consent page (app name, signed-in
//! user, one checked box per organisation, Allow/Cancel) and the error page shown
//! instead of redirecting when a client id, redirect URI or scope is wrong (docs/xero-platform.md
//! §4). Markup is deliberately plain, with double-quoted attributes, so
//! the scripted browser's tiny parser can read it.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What every simulated page says in its heading as well as its title, so the practice pages
/// can never be taken for Xero's own (a person may only glance at the page, not the tab).
pub(crate) const PRACTICE: &str = "Practice \u{2014} not Xero";

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One organisation offered on the consent page.
pub(crate) struct OrgChoice {
    pub(crate) tenant_id: String,
    pub(crate) name: String,
    pub(crate) country: String,
}

/// What the consent page shows.
pub(crate) struct ConsentView<'a> {
    pub(crate) consent_id: &'a str,
    pub(crate) app_name: &'a str,
    pub(crate) email: &'a str,
    pub(crate) scopes: &'a [String],
    pub(crate) orgs: &'a [OrgChoice],
    pub(crate) error: Option<&'a str>,
}

/// The consent page (200).
pub(crate) fn consent(view: &ConsentView<'_>) -> Response {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(&format!("<title>{PRACTICE} | Authorise app</title>\n</head>\n<body>\n"));
    h.push_str(&format!(
        "<h1>{PRACTICE}: <span class=\"app-name\">{}</span> wants access to your practice organisations</h1>\n",
        esc(view.app_name)
    ));
    h.push_str(&format!(
        "<p class=\"signed-in\">Signed in as <strong class=\"user-email\">{}</strong></p>\n",
        esc(view.email)
    ));
    if let Some(e) = view.error {
        h.push_str(&format!("<p class=\"error\">{}</p>\n", esc(e)));
    }
    h.push_str("<p>The app is asking for:</p>\n<ul class=\"scopes\">\n");
    for s in view.scopes {
        h.push_str(&format!("<li>{}</li>\n", esc(s)));
    }
    h.push_str("</ul>\n");
    h.push_str("<form method=\"post\" action=\"/identity/connect/authorize/consent\">\n");
    h.push_str(&format!("<input type=\"hidden\" name=\"consent_id\" value=\"{}\">\n", esc(view.consent_id)));
    h.push_str("<fieldset>\n<legend>Choose organisations</legend>\n");
    for o in view.orgs {
        h.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"tenant\" value=\"{}\" checked> {}</label> <small class=\"country\">{}</small><br>\n",
            esc(&o.tenant_id),
            esc(&o.name),
            esc(&o.country)
        ));
    }
    h.push_str("</fieldset>\n");
    h.push_str("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow access</button>\n");
    h.push_str("<button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\n");
    h.push_str("</form>\n</body>\n</html>\n");
    Html(h).into_response()
}

/// Xero's error page: status 500 whatever went wrong, and no redirect back to the
/// app, so the app only ever sees silence.
pub(crate) fn error(detail: &str) -> Response {
    let h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{PRACTICE} | Error</title>\n</head>\n<body>\n\
         <h1>{PRACTICE}: sorry, something went wrong</h1>\n\
         <p class=\"error-code\">Error code: 500</p>\n\
         <p class=\"error-detail\">{}</p>\n\
         <p>Go back to the app and try again, or contact the app's developer.</p>\n\
         </body>\n</html>\n",
        esc(detail)
    );
    (StatusCode::INTERNAL_SERVER_ERROR, Html(h)).into_response()
}
