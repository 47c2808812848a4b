//! Where the window keeps an unfinished first setup between runs: a store file of
//! tauri-plugin-store (`wizard.json` in the app's data folder) holding the core's
//! [`UnfinishedSetup`] under one key. The core decides what is kept — names and choices, never
//! the client secret or a token (`xero_connect::wizard::UnfinishedSetup`) — this module only
//! reads it at start and writes each change.
//!
//! A file that cannot be read (damaged, or written by a newer version) is nothing kept: the
//! wizard starts on Welcome as on a first run. Writes go through the plugin's auto-save, a
//! tenth of a second after the last change, and on exit.

use std::sync::Arc;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::{Store, StoreExt};
use xero_connect::wizard::{SetupMemory, UnfinishedSetup};

/// The store file, in the app's data folder (tauri's `app_data_dir`).
pub const STORE_FILE: &str = "wizard.json";
/// The key of the unfinished setup inside it.
const UNFINISHED_KEY: &str = "unfinished_setup";

/// The unfinished setup's memory over the app's store.
pub struct StoreMemory<R: Runtime> {
    store: Arc<Store<R>>,
}

impl<R: Runtime> StoreMemory<R> {
    /// The memory and what it holds now. `None` when the store cannot be opened (no data
    /// folder): the wizard then keeps nothing, and says nothing about it — it only loses the
    /// convenience, never a connection.
    pub fn open(app: &AppHandle<R>) -> Option<(StoreMemory<R>, Option<UnfinishedSetup>)> {
        let store = match app.store(STORE_FILE) {
            Ok(store) => store,
            Err(e) => {
                eprintln!("xero-connect-wizard: an unfinished setup cannot be kept ({e})");
                return None;
            }
        };
        let kept = store.get(UNFINISHED_KEY).and_then(|v| serde_json::from_value(v).ok());
        Some((StoreMemory { store }, kept))
    }
}

impl<R: Runtime> SetupMemory for StoreMemory<R> {
    fn remember(&self, unfinished: Option<&UnfinishedSetup>) {
        match unfinished {
            Some(u) => self.store.set(UNFINISHED_KEY, serde_json::to_value(u).expect("plain data serialises")),
            None => {
                self.store.delete(UNFINISHED_KEY);
            }
        }
    }
}
