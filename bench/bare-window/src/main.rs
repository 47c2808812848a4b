//! A bare Tauri window: no plugins, no commands, one static page. The benchmark's baseline.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("the window could not start");
}
