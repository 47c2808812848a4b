//! A tiny stand-in for Xero's developer portal ("My Apps" at `/app/manage`, one app at
//! `/app/manage/app/{guid}`), so an "Open developer portal" button lands somewhere.
//! Secrets are never shown: Xero displays a secret once, at generation.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::consent_page::{esc, PRACTICE};
use crate::model::AppKind;
use crate::state::{AppRec, Shared};

fn kind_label(k: AppKind) -> &'static str {
    match k {
        AppKind::Web => "Web app",
        AppKind::Pkce => "Mobile or desktop app",
        AppKind::Custom => "Custom connection",
    }
}

fn page(title: &str, body: &str) -> Response {
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} | {PRACTICE} developer portal</title>\n</head>\n<body>\n{}</body>\n</html>\n",
        esc(title),
        body
    ))
    .into_response()
}

/// GET /app/manage: the list of apps.
pub(crate) async fn apps(State(shared): State<Arc<Shared>>) -> Response {
    let st = shared.lock();
    let mut body = format!("<h1>{PRACTICE}: My Apps</h1>\n<ul class=\"apps\">\n");
    for id in &st.app_order {
        let a = &st.apps[id];
        body.push_str(&format!(
            "<li><a href=\"/app/manage/app/{}\">{}</a> <small>{}</small></li>\n",
            esc(&a.guid),
            esc(&a.spec.name),
            kind_label(a.spec.kind)
        ));
    }
    body.push_str("</ul>\n");
    page("My Apps", &body)
}

fn detail(client_id: &str, a: &AppRec) -> String {
    let mut body = format!(
        "<h1>{PRACTICE}: {}</h1>\n<p>Type: {}</p>\n<p>Client id: <code class=\"client-id\">{}</code></p>\n",
        esc(&a.spec.name),
        kind_label(a.spec.kind),
        esc(client_id)
    );
    if a.spec.kind != AppKind::Pkce {
        body.push_str(&format!("<p>Client secrets: {} (shown only when generated)</p>\n", a.secrets.len()));
    }
    body.push_str("<h2>Redirect URIs</h2>\n<ul class=\"redirect-uris\">\n");
    for u in &a.spec.redirect_uris {
        body.push_str(&format!("<li>{}</li>\n", esc(u)));
    }
    body.push_str("</ul>\n<p><a href=\"/app/manage\">Back to My Apps</a></p>\n");
    body
}

/// GET /app/manage/app/{guid}: one app's configuration.
pub(crate) async fn app(State(shared): State<Arc<Shared>>, Path(guid): Path<String>) -> Response {
    let st = shared.lock();
    match st.apps.iter().find(|(_, a)| a.guid.eq_ignore_ascii_case(&guid)) {
        Some((id, a)) => page(&a.spec.name, &detail(id, a)),
        None => (StatusCode::NOT_FOUND, "The resource you're looking for cannot be found").into_response(),
    }
}
