//! The window's commands: one line each over the managed wizard. Views carry no secret; the
//! client secret only ever arrives inside `wizard_send`'s `submit_credentials` event, and no
//! command returns or accepts a token.

use crate::error::IpcError;
use crate::state::ActiveWizard;
use tauri::{AppHandle, Runtime, State};
use xero_connect::wizard::View;

/// The view to render now.
#[tauri::command]
pub fn wizard_view(wizard: State<'_, ActiveWizard>) -> Result<View, IpcError> {
    wizard.view()
}

/// A user's event (`{"event": "start_setup", …}`); returns the view that follows.
#[tauri::command]
pub fn wizard_send(wizard: State<'_, ActiveWizard>, event: serde_json::Value) -> Result<View, IpcError> {
    wizard.send(event)
}

/// The next view that background work produces after view number `after` (the newest the
/// window drew): the window keeps one of these pending to hear progress and results.
#[tauri::command]
pub async fn wizard_next_view(wizard: State<'_, ActiveWizard>, after: u64) -> Result<View, IpcError> {
    wizard.next_view(after).await
}

/// The Welcome screen's "Practice": the wizard against a local simulated Xero.
#[tauri::command]
pub fn practice_start<R: Runtime>(app: AppHandle<R>, wizard: State<'_, ActiveWizard>) -> Result<View, IpcError> {
    crate::practice::start(&app, &wizard)
}

#[cfg(test)]
mod tests {
    //! The commands through Tauri's real IPC on the mock runtime (no window system), over an
    //! in-memory keychain and a temporary settings folder.

    use crate::state::ActiveWizard;
    use serde_json::{json, Value};
    use std::sync::Arc;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
    use tauri::webview::InvokeRequest;
    use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};
    use xero_connect::wizard::WizardOptions;
    use xero_connect::{Browser, Context, Endpoints, MemoryStore, SettingsFile, Vault};

    struct Fixture {
        _app: tauri::App<MockRuntime>,
        window: WebviewWindow<MockRuntime>,
        _settings: tempfile::TempDir,
    }

    fn app(context: tauri::Context<MockRuntime>) -> Fixture {
        let app = crate::with_plugins_and_commands(mock_builder()).build(context).unwrap();
        let settings = tempfile::tempdir().unwrap();
        let keychain = Vault::new(Arc::new(MemoryStore::default()));
        let endpoints = Endpoints::production();
        let ctx = Context {
            browser: crate::opener::guarded(Browser::Manual, &endpoints),
            endpoints,
            http: xero_connect::http_client(),
            vault: keychain,
            settings: SettingsFile::at(settings.path()),
        };
        app.manage(ActiveWizard::running(ctx, WizardOptions::default(), None, None));
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        Fixture { _app: app, window, _settings: settings }
    }

    fn fixture() -> Fixture {
        app(mock_context(noop_assets()))
    }

    fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
    }

    #[test]
    fn wizard_view_starts_on_welcome_against_xero() {
        let f = fixture();
        let view = invoke(&f.window, "wizard_view", json!({})).unwrap();
        assert_eq!(view["screen"]["kind"], "welcome", "{view}");
        assert_eq!(view["banner"], Value::Null, "production endpoints: no banner");
    }

    /// A view without its number, which differs for every view built.
    fn without_seq(mut view: Value) -> Value {
        view.as_object_mut().expect("a view is an object").remove("seq");
        view
    }

    #[test]
    fn wizard_send_applies_a_user_event() {
        let f = fixture();
        let view = invoke(&f.window, "wizard_send", json!({"event": {"event": "start_setup"}})).unwrap();
        assert_eq!(view["screen"]["kind"], "create_app", "{view}");
        assert_eq!(without_seq(invoke(&f.window, "wizard_view", json!({})).unwrap()), without_seq(view));
    }

    #[test]
    fn wizard_next_view_waits_for_a_view_newer_than_the_window_drew() {
        let f = fixture();
        let wizard = f.window.state::<ActiveWizard>();
        let drawn = wizard.view().unwrap();
        let older = wizard.view().unwrap();
        let newer = invoke(&f.window, "wizard_send", json!({"event": {"event": "start_setup"}})).unwrap();
        let window = f.window.clone();
        let after = older.seq;
        let asked = std::thread::spawn(move || invoke(&window, "wizard_next_view", json!({ "after": after })));
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!asked.is_finished(), "nothing newer was published yet: it waits");
        // Published out of order: the one the window already has is skipped, the newer one answers.
        ActiveWizard::publish_for_tests(&wizard, drawn);
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!asked.is_finished(), "a view the window drew does not answer");
        let pushed = wizard.view().unwrap();
        ActiveWizard::publish_for_tests(&wizard, pushed.clone());
        let got = asked.join().unwrap().unwrap();
        assert_eq!(got["seq"], pushed.seq);
        assert_eq!(got["screen"]["kind"], newer["screen"]["kind"]);
        // Asked again for anything newer than that, it answers at once with nothing older.
        let again = invoke(&f.window, "wizard_next_view", json!({ "after": older.seq })).unwrap();
        assert_eq!(again["seq"], pushed.seq);
    }

    #[test]
    fn outcomes_and_unknown_fields_are_refused_as_code_and_message() {
        let f = fixture();
        for event in [
            json!({"event": "setup_done"}),
            json!({"event": "start_reconnect", "name": "shop", "access_token": "x"}),
            json!({"event": "start_setup_now"}),
            json!("start_setup"),
        ] {
            let Err(err) = invoke(&f.window, "wizard_send", json!({ "event": event })) else {
                panic!("accepted {event}");
            };
            assert_eq!(err["code"], "invalid_input", "{event}: {err}");
            assert!(err["message"].as_str().unwrap().contains("does not accept"), "{err}");
            assert_eq!(err.as_object().unwrap().len(), 2, "only code and message: {err}");
        }
        let view = invoke(&f.window, "wizard_view", json!({})).unwrap();
        assert_eq!(view["screen"]["kind"], "welcome", "nothing changed: {view}");
    }

    #[test]
    fn practice_start_switches_to_the_simulator_without_showing_the_secret() {
        let f = fixture();
        let view = invoke(&f.window, "practice_start", json!({})).unwrap();
        assert!(view["banner"].as_str().unwrap().starts_with("Practice mode"), "{view}");
        assert_eq!(view["screen"]["kind"], "welcome");
        // A second "Practice" keeps the running session.
        assert_eq!(without_seq(invoke(&f.window, "practice_start", json!({})).unwrap()), without_seq(view));

        invoke(&f.window, "wizard_send", json!({"event": {"event": "start_setup"}})).unwrap();
        invoke(&f.window, "wizard_send", json!({"event": {"event": "next"}})).unwrap();
        let view = invoke(&f.window, "wizard_send", json!({"event": {"event": "fill_practice_credentials"}})).unwrap();
        assert_eq!(view["screen"]["kind"], "credentials", "{view}");
        assert_eq!(view["screen"]["client_id"], xero_sim::DEMO_WEB_CLIENT_ID);
        assert_eq!(view["screen"]["secret_provided"], true);
        assert!(!view.to_string().contains(xero_sim::DEMO_WEB_CLIENT_SECRET), "the view never holds the secret");
    }

    #[test]
    fn the_capability_grants_the_commands_and_no_opener_or_store_to_the_page() {
        // The real tauri.conf.json and capabilities/default.json, as compiled into the app.
        let f = app(tauri::generate_context!());
        invoke(&f.window, "wizard_view", json!({})).unwrap();
        invoke(&f.window, "wizard_send", json!({"event": {"event": "home"}})).unwrap();
        for (cmd, args) in [
            ("plugin:event|listen", json!({"event": "wizard://view", "target": {"kind": "Any"}, "handler": 7})),
            ("plugin:opener|open_url", json!({"url": "https://evil.example/"})),
            ("plugin:opener|open_path", json!({"path": "/etc/passwd"})),
            ("plugin:clipboard-manager|read_text", json!({})),
            // The store is Rust's (memory.rs): the page may neither read nor change it.
            ("plugin:store|load", json!({"path": "wizard.json"})),
            ("plugin:store|get", json!({"rid": 1, "key": "unfinished_setup"})),
            ("plugin:store|set", json!({"rid": 1, "key": "unfinished_setup", "value": {}})),
        ] {
            let err = invoke(&f.window, cmd, args).unwrap_err();
            assert!(err.to_string().contains("not allowed"), "{cmd}: {err}");
        }
    }
}
