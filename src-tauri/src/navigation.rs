//! The window shows the app's own pages and nothing else: every navigation elsewhere and every
//! new window is refused. Xero's sign-in page in particular must never load inside the webview,
//! where the app could read what the user types (RFC 8252 §8.12: native apps use the system
//! browser for authorization); links to Xero go through the origin-checked opener instead.

use tauri::webview::NewWindowResponse;
use tauri::{Runtime, Url, WebviewWindowBuilder};

/// Whether `url` is one of the app's own pages, as Tauri serves them from the bundled `ui`
/// folder: `tauri://localhost` (Linux, macOS) or `http(s)://tauri.localhost` (Windows), with no
/// port and no user name.
pub fn is_app_page(url: &Url) -> bool {
    let own_host = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    };
    own_host && url.port().is_none() && url.username().is_empty() && url.password().is_none()
}

/// `builder` with navigation limited to the app's pages and new windows refused.
pub fn confine<'a, R: Runtime, M: tauri::Manager<R>>(
    builder: WebviewWindowBuilder<'a, R, M>,
) -> WebviewWindowBuilder<'a, R, M> {
    builder.on_navigation(is_app_page).on_new_window(|_, _| NewWindowResponse::Deny)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::test::{mock_builder, MockRuntime};

    #[test]
    fn only_the_apps_own_pages_may_load() {
        for ok in [
            "tauri://localhost",
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "https://tauri.localhost/js/app.js",
        ] {
            assert!(is_app_page(&ok.parse().unwrap()), "{ok}");
        }
        for refused in [
            "https://login.xero.com/identity/connect/authorize?client_id=A",
            "https://developer.xero.com/app/manage",
            "https://identity.xero.com/connect/token",
            "http://localhost:8749/callback",
            "http://127.0.0.1:5055/identity/connect/authorize",
            "tauri://evil.example/",
            "http://tauri.localhost.evil.example/",
            "http://tauri.localhost:8080/",
            "http://user@tauri.localhost/",
            "file:///etc/passwd",
            "data:text/html,<h1>hi</h1>",
            "javascript:alert(1)",
            "about:blank",
        ] {
            assert!(!is_app_page(&refused.parse().unwrap()), "{refused}");
        }
    }

    #[test]
    fn the_main_window_as_the_app_opens_it_shows_an_app_page() {
        // The real configuration on the mock runtime: the address Tauri gives the window on this
        // platform must pass the check, or the window could not show its own page.
        let app = mock_builder().build(tauri::generate_context!()).unwrap();
        crate::first_view::open_main_window(app.handle(), &Err(crate::error::IpcError::practice("x"))).unwrap();
        let window: tauri::WebviewWindow<MockRuntime> =
            tauri::Manager::get_webview_window(&app, crate::state::MAIN_WINDOW).unwrap();
        let url = window.url().unwrap();
        assert!(is_app_page(&url), "{url}");
    }
}
