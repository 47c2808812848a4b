//! The window's size and position between runs: tauri-plugin-window-state restores them when
//! the window opens and writes them when the app exits normally. An app that is killed (a crash,
//! a logout that does not wait, a test driver ending its session) never exits normally, so the
//! state is also written half a second after the window last moved or changed size.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tauri::{Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What is kept: size, position and whether it was maximised (not whether it was hidden: the
/// window always opens visible).
pub const KEPT: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);

/// How long the window must stay still before its place is written: one write per drag.
const SETTLE: Duration = Duration::from_millis(500);

/// Writes the window's place once it settles after each move or resize.
pub fn keep<R: Runtime>(window: &WebviewWindow<R>) {
    let changes = Arc::new(AtomicU64::new(0));
    let app = window.app_handle().clone();
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let mine = changes.fetch_add(1, Ordering::SeqCst) + 1;
        let (changes, app) = (changes.clone(), app.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if changes.load(Ordering::SeqCst) == mine {
                // Best effort: a window that cannot be placed as before still opens.
                let _ = app.save_window_state(KEPT);
            }
        });
    });
}
