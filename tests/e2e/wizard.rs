//! The wizard's runner driven by user events against the simulator, the scripted browser doing
//! the consent: first setup to a green Test Connection, then reconnect with a new secret
//! without the browser. Every view pushed or returned is kept as JSON — what would cross IPC to
//! the window — and must hold no secret or token.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xero_connect::wizard::{
    PastedSecret, Screen, SetupMemory, UnfinishedSetup, UserEvent, View, WizardOptions, WizardRunner,
};
use xero_connect::{Browser, Context, Endpoints, MemoryStore, RedirectUri, SettingsFile, Vault};
use xero_connect_e2e::{bins, TestEnv};

struct Harness {
    runner: Arc<WizardRunner>,
    views: Arc<Mutex<Vec<String>>>,
    /// Everything the runner asked its memory to keep, as JSON.
    kept: Arc<Kept>,
    rt: tokio::runtime::Runtime,
}

/// A memory that records what it is given, as the window's store would write it.
#[derive(Default)]
struct Kept(Mutex<Vec<Option<String>>>);

impl SetupMemory for Kept {
    fn remember(&self, unfinished: Option<&UnfinishedSetup>) {
        self.0.lock().unwrap().push(unfinished.map(|u| serde_json::to_string(u).unwrap()));
    }
}

impl Harness {
    fn send(&self, event: UserEvent) -> View {
        let v = self.runner.send(event);
        self.views.lock().unwrap().push(serde_json::to_string(&v).unwrap());
        v
    }

    /// First setup from Welcome to "Allow access" pressed: the scripted browser consents.
    fn set_up(&self, name: &str, client_id: &str, secret: &str) {
        self.send(UserEvent::StartSetup);
        self.send(UserEvent::Next);
        self.send(UserEvent::SubmitCredentials {
            name: name.into(),
            client_id: client_id.into(),
            client_secret: PastedSecret::new(secret),
        });
        self.send(UserEvent::Next);
        self.send(UserEvent::AllowAccess);
    }

    fn wait_for(&self, what: &str, done: impl Fn(&View) -> bool) -> View {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.runner.view();
            if done(&v) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}: {v:#?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn harness(env: &TestEnv, store: Arc<MemoryStore>, redirect_uri: &str) -> Harness {
    harness_with_browser(env, store, redirect_uri, vec![bins().browser.display().to_string()])
}

fn harness_with_browser(env: &TestEnv, store: Arc<MemoryStore>, redirect_uri: &str, browser: Vec<String>) -> Harness {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let ctx = Context {
        endpoints: Endpoints::all_at(&env.sim.url()).unwrap(),
        http: xero_connect::http_client(),
        vault: Vault::new(store),
        settings: SettingsFile::at(env.dir.path().join("wizard-config")),
        browser: Browser::Command(browser),
    };
    let views = Arc::new(Mutex::new(Vec::new()));
    let sink = views.clone();
    let options =
        WizardOptions { redirect_uris: vec![RedirectUri::parse(redirect_uri).unwrap()], ..WizardOptions::default() };
    let kept = Arc::new(Kept::default());
    let memory: Arc<dyn SetupMemory> = kept.clone();
    let runner = WizardRunner::new(ctx, options, Some(memory), rt.handle().clone(), move |v| {
        sink.lock().unwrap().push(serde_json::to_string(&v).unwrap());
    });
    Harness { runner, views, kept, rt }
}

#[test]
fn wizard_first_setup_and_reconnect_never_show_a_secret() {
    let env = TestEnv::without_keyring();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();
    let store = Arc::new(MemoryStore::default());
    let h = harness(&env, store.clone(), &uri);

    h.wait_for("connections loaded", |v| matches!(v.screen, Screen::Welcome { reconnect_unavailable: Some(_), .. }));
    h.send(UserEvent::StartSetup);
    h.send(UserEvent::Next);
    h.send(UserEvent::CredentialsEdited {
        name: "Shop".into(),
        client_id: app.client_id.clone(),
        secret_shape: xero_connect::credentials::secret_shape(&format!("{secret} ")),
    });
    h.send(UserEvent::SubmitCredentials {
        name: "Shop".into(),
        client_id: app.client_id.clone(),
        client_secret: PastedSecret::new(format!("{secret} ")),
    });
    h.send(UserEvent::Next);
    h.send(UserEvent::AllowAccess);
    let v = h.wait_for("the test step", |v| matches!(v.screen, Screen::Test { .. }) && v.busy.is_none());
    assert!(v.error.is_none(), "{v:#?}");
    h.send(UserEvent::TestConnection { name: None });
    let v = h.wait_for("a test result", |v| matches!(&v.screen, Screen::Test { result: Some(_), .. }));
    match &v.screen {
        Screen::Test { result: Some(r), .. } => assert_eq!(r.organisation.name, "Maple Florists"),
        other => panic!("{other:?}"),
    }

    // Reconnect with a new secret: proven by refresh, no second consent.
    let new = env.sim.generate_secret(&app.client_id);
    h.send(UserEvent::Home);
    h.wait_for(
        "saved connection listed",
        |v| matches!(&v.screen, Screen::Welcome { connections, .. } if connections.len() == 1),
    );
    h.send(UserEvent::StartReconnect { name: "Shop".into(), granular_scopes: false });
    h.send(UserEvent::Next);
    h.send(UserEvent::SubmitCredentials {
        name: "Shop".into(),
        client_id: app.client_id.clone(),
        client_secret: PastedSecret::new(new.clone()),
    });
    h.wait_for("the test step after reconnect", |v| matches!(v.screen, Screen::Test { .. }) && v.busy.is_none());
    assert_eq!(env.sim.count(xero_sim::Endpoint::Authorize), 1, "no browser the second time");
    h.send(UserEvent::TestConnection { name: None });
    h.wait_for("a test result after reconnect", |v| matches!(&v.screen, Screen::Test { result: Some(_), .. }));

    // A wizard started now (as the window starts, or practice mode replaces one) has the saved
    // connection in its very first view, numbered after every view of the one before it.
    let last = h.runner.view().seq;
    let second = harness(&env, Arc::new(MemoryStore::default()), &uri);
    let first = second.runner.view();
    assert!(first.seq > last, "views of a new wizard are newer: {} after {last}", first.seq);
    match &first.screen {
        Screen::Welcome { connections, reconnect_unavailable: None, .. } => assert_eq!(connections[0].name, "Shop"),
        other => panic!("the first view lacks the saved connection: {other:?}"),
    }

    // Nothing secret ever crossed to the window.
    let id = SettingsFile::at(env.dir.path().join("wizard-config")).load().unwrap().connections[0].id.clone();
    let saved = h.rt.block_on(Vault::new(store).load(&id)).unwrap();
    let tokens = [saved.refresh_token.unwrap(), saved.access_token.unwrap().token];
    let tokens: Vec<String> = tokens.iter().map(|t| t.expose().to_string()).collect();
    // What the window's store was given: the setup's steps without its secret, then nothing
    // once the connection was saved.
    let kept = h.kept.0.lock().unwrap();
    assert!(
        kept.iter().flatten().any(|k| k.contains("\"step\":\"credentials\"") && k.contains(&app.client_id)),
        "{kept:?}"
    );
    assert_eq!(kept.last(), Some(&None), "a finished setup is forgotten: {kept:?}");
    assert!(kept.iter().flatten().all(|k| !k.contains(secret.trim())), "the secret was kept: {kept:?}");
    let views = h.views.lock().unwrap();
    assert!(views.len() > 10);
    // Every view is numbered, so the window can drop one that arrives after a newer one.
    let mut seqs: Vec<u64> =
        views.iter().map(|v| serde_json::from_str::<serde_json::Value>(v).unwrap()["seq"].as_u64().unwrap()).collect();
    let n = seqs.len();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), n, "view numbers are unique");
    for v in views.iter() {
        for s in [&secret, &new] {
            assert!(!v.contains(s.as_str()), "a client secret reached the view");
        }
        for token in &tokens {
            assert!(!v.contains(token.as_str()), "a token reached the view");
        }
    }
}

#[test]
fn a_consent_finished_on_another_device_is_pasted_into_the_wizard() {
    let env = TestEnv::without_keyring();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();
    // The browser on "another device": it cannot reach this listener and writes where it ended.
    let bar = env.dir.path().join("address-bar.txt");
    let elsewhere = format!("XERO_SIM_BROWSER_ELSEWHERE={}", bar.display());
    let browser = vec!["env".to_string(), elsewhere, bins().browser.display().to_string()];
    let h = harness_with_browser(&env, Arc::new(MemoryStore::default()), &uri, browser);
    h.wait_for("connections loaded", |v| matches!(v.screen, Screen::Welcome { .. }));
    h.set_up("Shop", &app.client_id, &secret);
    let deadline = Instant::now() + Duration::from_secs(20);
    let address = loop {
        if let Ok(a) = std::fs::read_to_string(&bar) {
            break a;
        }
        assert!(Instant::now() < deadline, "the browser never ended on an address");
        std::thread::sleep(Duration::from_millis(50));
    };
    h.send(UserEvent::PasteAddress { address: PastedSecret::new(address.replace("state=", "state=x")) });
    let v = h.wait_for("the refusal", |v| matches!(&v.screen, Screen::Consent { paste_problem: Some(_), .. }));
    assert!(v.busy.is_some(), "still waiting: {v:#?}");
    h.send(UserEvent::PasteAddress { address: PastedSecret::new(format!("'{address}'")) });
    let v = h.wait_for("the test step", |v| matches!(v.screen, Screen::Test { .. }) && v.busy.is_none());
    assert!(v.error.is_none(), "{v:#?}");
    let code = address.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    assert!(h.views.lock().unwrap().iter().all(|v| !v.contains(&code)), "no view carries the code");
    drop(h.rt);
}

/// An organisation disconnected inside Xero: Test Connection fails, and its button reconnects
/// with the secret kept in the keychain — a refresh proves it, Xero's page is used again for
/// the organisation — without the secret being asked for; then Test Connection passes.
#[test]
fn an_organisation_disconnected_inside_xero_is_reconnected_with_the_saved_secret() {
    let env = TestEnv::without_keyring();
    let uri = xero_connect_e2e::redirect_uri();
    let app = env.web_app(std::slice::from_ref(&uri));
    let tenant = env.org("Maple Florists", "NZ", "NZD");
    let secret = app.client_secret.clone().unwrap();
    let h = harness(&env, Arc::new(MemoryStore::default()), &uri);
    h.wait_for("connections loaded", |v| matches!(v.screen, Screen::Welcome { .. }));
    h.set_up("Shop", &app.client_id, &secret);
    h.wait_for("the test step", |v| matches!(v.screen, Screen::Test { .. }) && v.busy.is_none());

    env.sim.disconnect_in_xero(&tenant);
    h.send(UserEvent::TestConnection { name: None });
    let v = h.wait_for("the failure", |v| v.error.is_some());
    let error = v.error.unwrap();
    assert_eq!(error.code, xero_connect::ErrorCode::OrganisationDisconnected);
    let action = error.action.expect("a button that repairs it");
    assert_eq!(action.label, "Reconnect with the saved secret");
    // The window sends the button's event back as it got it.
    let event: UserEvent = serde_json::from_value(serde_json::to_value(&action.event).unwrap()).unwrap();
    h.send(event);
    let v =
        h.wait_for("the test step after reconnect", |v| matches!(v.screen, Screen::Test { .. }) && v.busy.is_none());
    assert!(v.error.is_none(), "{v:#?}");
    assert_eq!(env.sim.count(xero_sim::Endpoint::Authorize), 2, "Xero's page again, for the organisation");
    h.send(UserEvent::TestConnection { name: None });
    let v =
        h.wait_for("a test result", |v| matches!(&v.screen, Screen::Test { result: Some(_), .. }) || v.error.is_some());
    assert!(v.error.is_none(), "{v:#?}");
    assert!(h.views.lock().unwrap().iter().all(|v| !v.contains(&secret)), "the secret never reached a view");
}
