//! The real window, driven over WebDriver: a private Xvfb display, tauri-driver (which starts
//! WebKitWebDriver and the app with its own environment: the test's keyring, settings folder,
//! simulator and scripted browser), and a fantoccini client with helpers that save a
//! screenshot of every step into `target/gui-screenshots/<test>/`.
//!
//! The wizard listens on the fixed redirect URI `http://localhost:8749/callback`, so window
//! tests run one at a time (`serial()`).

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xero_connect_e2e::{bins, Display, ProcessGroup, TestEnv};

/// The longest one WebDriver call may take.
const STEP: Duration = Duration::from_secs(10);

/// One window test at a time: they share the wizard's fixed loopback port. An async mutex,
/// because the guard is held across the test's awaits.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// The built desktop app.
pub fn app_path() -> PathBuf {
    let cli = &bins().cli;
    let app = cli.with_file_name("xero-connect-wizard");
    assert!(app.exists(), "{} missing: scripts/test builds it", app.display());
    app
}

/// A window under test.
pub struct Gui {
    /// The WebDriver client.
    pub client: Client,
    /// The world behind it (simulator, keyring, settings).
    pub env: TestEnv,
    shots: PathBuf,
    shot_no: Mutex<u32>,
    _driver: ProcessGroup,
    _display: Display,
}

impl Gui {
    /// Starts Xvfb, tauri-driver and the app against `env`'s simulator.
    pub async fn start(env: TestEnv, test: &str, extra_env: &[(&str, &str)]) -> Gui {
        let display = Display::start();
        let port = xero_connect_e2e::free_port();
        let native = xero_connect_e2e::free_port();
        let mut cmd = Command::new(xero_connect_e2e::tauri_driver());
        cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()]);
        // The app inherits tauri-driver's environment: the test's world, on the private display.
        env.configure(&mut cmd);
        cmd.env("DISPLAY", display.name()).stdout(Stdio::null()).stderr(Stdio::null());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let driver = ProcessGroup::spawn(&mut cmd).expect("tauri-driver is installed: run scripts/install-deps");
        wait_for_driver(port).await;
        // Two rustls crypto providers are linked (ring and aws-lc-rs): pick one for the client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({"application": app_path()}));
        caps.insert("browserName".into(), serde_json::json!("wry"));
        let client = ClientBuilder::rustls()
            .expect("rustls")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with the app");
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/gui-screenshots").join(test);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        let gui = Gui { client, env, shots, shot_no: Mutex::new(0), _driver: driver, _display: display };
        gui.wait_css("#step-heading").await;
        gui
    }

    /// Saves a screenshot named after the step.
    pub async fn shot(&self, step: &str) {
        // Let the page paint the latest change first (two animation frames), or WebKit may hand
        // back the previous frame.
        let paint = "const done = arguments[arguments.length - 1]; \
                     requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));";
        let _ = tokio::time::timeout(STEP, self.client.execute_async(paint, vec![])).await;
        let png = tokio::time::timeout(STEP, self.client.screenshot())
            .await
            .expect("screenshot in time")
            .expect("screenshot");
        let n = {
            let mut n = self.shot_no.lock().unwrap();
            *n += 1;
            *n
        };
        std::fs::write(self.shots.join(format!("{n:02}-{step}.png")), png).unwrap();
    }

    /// Waits until an element matching `css` exists and is displayed.
    pub async fn wait_css(&self, css: &str) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // Every WebDriver call is bounded, so a stuck window fails the test instead of hanging it.
            let found = tokio::time::timeout(STEP, self.client.find(Locator::Css(css))).await;
            if let Ok(Ok(e)) = found {
                if let Ok(Ok(true)) = tokio::time::timeout(STEP, e.is_displayed()).await {
                    return e;
                }
            }
            if Instant::now() > deadline {
                let src = self.client.source().await.unwrap_or_default();
                panic!("no visible {css} within 20 s; page:\n{src}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until an element's text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await {
                let t = e.text().await.unwrap_or_default();
                if t.contains(needle) {
                    return t;
                }
                if Instant::now() > deadline {
                    panic!("{css} says {t:?}, not {needle:?}");
                }
            } else if Instant::now() > deadline {
                panic!("no {css}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks an element.
    pub async fn click(&self, css: &str) {
        self.wait_css(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces an input's text, as typing or pasting would: emptied (with the input event a
    /// person's deleting would fire), then typed.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.wait_css(css).await;
        let arg = serde_json::to_value(&e).unwrap();
        let js = "arguments[0].scrollIntoView({block: 'center'}); arguments[0].value = ''; \
                  arguments[0].dispatchEvent(new Event('input', {bubbles: true}));";
        self.client.execute(js, vec![arg]).await.unwrap_or_else(|e| panic!("empty {css}: {e}"));
        e.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// True when the element is enabled.
    pub async fn enabled(&self, css: &str) -> bool {
        self.wait_css(css).await.is_enabled().await.unwrap()
    }

    /// The text on the display's CLIPBOARD, as another program pasting it would get it (an
    /// X11 selection request from a window of our own; empty when nobody owns it).
    pub fn clipboard_text(&self) -> String {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, CreateWindowAux, WindowClass};
        use x11rb::protocol::Event;
        let (conn, screen) = x11rb::connect(Some(self._display.name())).expect("the test's X display");
        let root = conn.setup().roots[screen].root;
        let win = conn.generate_id().unwrap();
        conn.create_window(0, win, root, 0, 0, 1, 1, 0, WindowClass::INPUT_OUTPUT, 0, &CreateWindowAux::new()).unwrap();
        let atom = |name: &str| conn.intern_atom(false, name.as_bytes()).unwrap().reply().unwrap().atom;
        let (clipboard, utf8, target) = (atom("CLIPBOARD"), atom("UTF8_STRING"), atom("XC_TEST_PASTE"));
        conn.convert_selection(win, clipboard, utf8, target, x11rb::CURRENT_TIME).unwrap();
        conn.flush().unwrap();
        loop {
            // The server answers for an owner that is gone, so this always ends.
            if let Event::SelectionNotify(e) = conn.wait_for_event().unwrap() {
                if e.property == x11rb::NONE {
                    return String::new();
                }
                break;
            }
        }
        let reply = conn.get_property(true, win, target, AtomEnum::ANY, 0, 1 << 20).unwrap().reply().unwrap();
        String::from_utf8_lossy(&reply.value).into_owned()
    }

    /// The whole DOM as HTML, for leak checks.
    pub async fn dom(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

async fn wait_for_driver(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tauri-driver did not listen on {port}");
}
