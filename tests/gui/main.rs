//! End-to-end tests of the desktop window: the built app driven through tauri-driver and
//! WebKitWebDriver under a private Xvfb, against the simulator with the scripted browser doing
//! the consent and a real gnome-keyring. Each step's screenshot is saved under
//! `target/gui-screenshots/`.

mod flows;
mod harness;
mod instance;
