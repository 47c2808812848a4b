//! The real window, driven over WebDriver: a private Xvfb display, tauri-driver (which starts
//! WebKitWebDriver and the app with its own environment: the test's keyring, settings folder,
//! simulator and scripted browser), and a fantoccini client with helpers that save a
//! screenshot of every step into `target/gui-screenshots/<test>/`.
//!
//! The wizard listens on the fixed redirect URI `http://localhost:8749/callback`, so window
//! tests run one at a time (`serial()`).

use fantoccini::{Client, Locator};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xero_connect_e2e::webdriver::{self, STEP};
use xero_connect_e2e::{bins, Display, ProcessGroup, TestEnv};

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
        let (client, driver) = webdriver::start(&app_path(), |cmd| {
            // The app inherits tauri-driver's environment: the test's world, on the private display.
            env.configure(cmd);
            cmd.env("DISPLAY", display.name());
            for (k, v) in extra_env {
                cmd.env(k, v);
            }
        })
        .await;
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
        webdriver::wait_css(&self.client, css).await
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
        webdriver::click(&self.client, css).await
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

    /// The app's window on the display as the X server has it: `(x, y, width, height)` in
    /// pixels, or `None` while it is not mapped.
    pub fn x_window(&self) -> Option<(i32, i32, u32, u32)> {
        use x11rb::protocol::xproto::ConnectionExt as _;
        let (conn, root, w) = self.app_x_window()?;
        let g = conn.get_geometry(w).ok()?.reply().ok()?;
        let at = conn.translate_coordinates(w, root, 0, 0).ok()?.reply().ok()?;
        Some((at.dst_x.into(), at.dst_y.into(), g.width.into(), g.height.into()))
    }

    /// Moves and resizes the app's window as a person dragging it would (no window manager runs
    /// on the test's display, so the X server applies it at once and the app is told), and
    /// returns once the display shows it there. GTK may put its own size back while a resize of
    /// its own is still pending (seen on a loaded machine), as a window can jump back under a
    /// person's hand: the move is then made again, as they would.
    pub async fn x_place_window(&self, x: i32, y: i32, width: u32, height: u32) {
        use x11rb::protocol::xproto::{ConfigureWindowAux, ConnectionExt as _};
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (conn, _, w) = self.app_x_window().expect("the app's window is on the display");
            let aux = ConfigureWindowAux::new().x(x).y(y).width(width).height(height);
            conn.configure_window(w, &aux).unwrap();
            // A round trip: the server has applied the request when it answers the next one.
            conn.get_input_focus().unwrap().reply().unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
            let now = self.x_window();
            if now == Some((x, y, width, height)) {
                return;
            }
            assert!(Instant::now() < deadline, "the window stays at {now:?}, not ({x}, {y}, {width}, {height})");
        }
    }

    /// A connection to the display, its root, and the app's mapped window, found by its title
    /// as a window manager would.
    fn app_x_window(&self) -> Option<(x11rb::rust_connection::RustConnection, u32, u32)> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, MapState};
        let (conn, screen) = x11rb::connect(Some(self._display.name())).expect("the test's X display");
        let root = conn.setup().roots[screen].root;
        let mut todo = vec![root];
        while let Some(w) = todo.pop() {
            todo.extend(conn.query_tree(w).ok()?.reply().ok()?.children);
            let title = conn.get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256).ok()?.reply().ok()?;
            let mapped = conn.get_window_attributes(w).ok()?.reply().ok()?.map_state == MapState::VIEWABLE;
            if mapped && String::from_utf8_lossy(&title.value).contains("Xero") {
                return Some((conn, root, w));
            }
        }
        None
    }

    /// The whole DOM as HTML, for leak checks.
    pub async fn dom(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    /// Closes the window as a person would (the app exits), and returns the world behind it for
    /// a second start: what the app keeps between runs is in its folders.
    pub async fn quit(self) -> TestEnv {
        let Gui { client, env, _driver, _display, .. } = self;
        let _ = tokio::time::timeout(STEP, client.close_window()).await;
        let _ = tokio::time::timeout(STEP, client.close()).await;
        // The app writes what it keeps as it exits; the driver and display go after it. A next
        // start before it has gone would meet it on the session bus, still the one instance.
        let deadline = Instant::now() + Duration::from_secs(30);
        while app_running(&env) {
            assert!(Instant::now() < deadline, "the wizard did not exit within 30 s of its window closing");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(_driver);
        drop(_display);
        env
    }
}

/// Whether a wizard started for `env` still runs (its HOME is the test's own).
fn app_running(env: &TestEnv) -> bool {
    let home = env.dir.path().join("home");
    let needle = format!("HOME={}", home.display());
    std::fs::read_dir("/proc").into_iter().flatten().flatten().any(|p| {
        let cmd = std::fs::read(p.path().join("cmdline")).unwrap_or_default();
        let env = std::fs::read(p.path().join("environ")).unwrap_or_default();
        String::from_utf8_lossy(&cmd).contains("xero-connect-wizard")
            && env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes())
    })
}
