//! The desktop wizard under WebDriver, as the window tests (tests/gui) and the GUI benchmark
//! (tests/bench/gui.rs) both drive it: tauri-driver on free ports — it starts WebKitWebDriver,
//! which starts the app with the driver's environment — and a fantoccini session with the app;
//! then waiting for an element and clicking it, each WebDriver call bounded so a stuck window
//! fails instead of hanging.

use crate::{free_port, ProcessGroup};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one WebDriver call may take.
pub const STEP: Duration = Duration::from_secs(10);
/// The longest an element may take to appear.
const APPEAR: Duration = Duration::from_secs(20);
/// The longest the app may take to start and open its session (a loaded machine's cold start
/// of WebKit's processes takes several seconds).
const SESSION: Duration = Duration::from_secs(60);

/// Starts tauri-driver with the environment `configure` gives it (the app inherits it) and
/// opens a session with `app`. The driver stops when the returned group drops.
///
/// # Panics
/// When tauri-driver is not installed (scripts/install-deps installs it), does not listen
/// within 20 s, or the session cannot start within 60 s.
pub async fn start(app: &Path, configure: impl FnOnce(&mut Command)) -> (Client, ProcessGroup) {
    let port = free_port();
    let native = free_port();
    let mut cmd = Command::new(crate::tauri_driver());
    cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()]);
    configure(&mut cmd);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let driver = ProcessGroup::spawn(&mut cmd).expect("tauri-driver is installed: run scripts/install-deps");
    let deadline = Instant::now() + APPEAR;
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Two rustls crypto providers are linked (ring and aws-lc-rs): pick one for the client.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), serde_json::json!({"application": app}));
    caps.insert("browserName".into(), serde_json::json!("wry"));
    // Bounded too: an app that fails at start leaves WebKitWebDriver waiting for it for good.
    let mut builder = ClientBuilder::rustls().expect("rustls");
    builder.capabilities(caps);
    let url = format!("http://127.0.0.1:{port}");
    let client = tokio::time::timeout(SESSION, builder.connect(&url))
        .await
        .unwrap_or_else(|_| panic!("the app did not open a WebDriver session within {} s", SESSION.as_secs()))
        .expect("a WebDriver session with the app");
    (client, driver)
}

/// Waits until an element matching `css` exists and is displayed.
///
/// # Panics
/// After 20 s without one, with the page's HTML.
pub async fn wait_css(client: &Client, css: &str) -> fantoccini::elements::Element {
    let deadline = Instant::now() + APPEAR;
    loop {
        let found = tokio::time::timeout(STEP, client.find(Locator::Css(css))).await;
        if let Ok(Ok(e)) = found {
            if let Ok(Ok(true)) = tokio::time::timeout(STEP, e.is_displayed()).await {
                return e;
            }
        }
        if Instant::now() > deadline {
            let src = client.source().await.unwrap_or_default();
            panic!("no visible {css} within {} s; page:\n{src}", APPEAR.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element matching `css` once it is displayed.
pub async fn click(client: &Client, css: &str) {
    wait_css(client, css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
}
