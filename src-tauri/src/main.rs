//! The `xero-connect-wizard` binary: the desktop setup wizard. Everything lives in the library
//! (`lib.rs`) so the tests can build the same app on Tauri's mock runtime.

// Release builds on Windows must not open a console window next to the wizard.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    xero_connect_wizard::run();
}
