//! The flows against the real simulator over HTTP, with the in-memory keychain double where a
//! keychain failure must be staged: a keychain write failing after Xero answered, or the settings
//! file failing after the secrets were stored, leaves nothing behind.

use std::sync::Arc;
use xero_connect::flows::{self, ConsentOptions, SetupRequest};
use xero_connect::{
    credentials, AppType, Browser, Context, Endpoints, ErrorCode, MemoryStore, SettingsFile, Silent, Vault,
};
use xero_sim::{AppKind, AppSpec, OrgSpec, Simulator};

struct World {
    sim: Simulator,
    store: Arc<MemoryStore>,
    ctx: Context,
    _dir: tempfile::TempDir,
    client_id: String,
    secret: String,
}

fn world() -> World {
    let sim = Simulator::start().unwrap();
    let tenant = sim.add_org(OrgSpec { name: "Back Office Ltd".into(), ..OrgSpec::default() });
    let app = sim.add_app(AppSpec {
        kind: AppKind::Custom,
        redirect_uris: vec![],
        custom_tenant: Some(tenant),
        ..AppSpec::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let ctx = Context {
        endpoints: Endpoints::all_at(&sim.url()).unwrap(),
        http: xero_connect::http_client(),
        vault: Vault::new(store.clone()),
        settings: SettingsFile::at(dir.path().join("xero-connect")),
        browser: Browser::Manual,
    };
    World { sim, store, ctx, _dir: dir, client_id: app.client_id, secret: app.client_secret.unwrap() }
}

fn request(w: &World) -> SetupRequest {
    SetupRequest {
        name: "office".into(),
        app_type: AppType::Custom,
        credentials: credentials::check(&w.client_id, Some(&w.secret)),
        scopes: vec!["accounting.settings.read".into()],
        redirect_uris: vec![],
        tenant: None,
        consent: ConsentOptions::default(),
        profile: None,
    }
}

#[tokio::test]
async fn custom_setup_then_test_with_the_memory_keychain() {
    let w = world();
    let out = flows::setup(&w.ctx, request(&w), &Silent, std::future::pending()).await.unwrap();
    assert_eq!(out.connection.organisation().unwrap().name, "Back Office Ltd");
    let report = flows::test_connection(&w.ctx, "office", None, &Silent).await.unwrap();
    assert_eq!(report.organisation.name, "Back Office Ltd");
    let accounts = w.store.accounts();
    assert!(!accounts.is_empty() && accounts.iter().all(|a| a.starts_with(&out.connection.id)), "{accounts:?}");
    assert_eq!(w.sim.count_grant("client_credentials"), 1);
}

#[tokio::test]
async fn a_failed_keychain_write_after_xero_answered_leaves_nothing() {
    let w = world();
    w.store.fail_after_writes(0);
    let err = flows::setup(&w.ctx, request(&w), &Silent, std::future::pending()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(w.store.accounts().is_empty(), "left behind: {:?}", w.store.accounts());
    assert!(w.ctx.settings.load().unwrap().connections.is_empty());
}

#[tokio::test]
async fn a_settings_failure_after_storing_secrets_removes_them() {
    let w = world();
    // A folder where the settings lock file should be: reading works, the locked write fails.
    std::fs::create_dir_all(w.ctx.settings.dir().join("settings.lock")).unwrap();
    let err = flows::setup(&w.ctx, request(&w), &Silent, std::future::pending()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::SettingsUnavailable);
    assert!(w.store.accounts().is_empty(), "left behind: {:?}", w.store.accounts());
    assert_eq!(w.sim.count_grant("client_credentials"), 1, "it failed after Xero answered");
}

#[tokio::test]
async fn an_unavailable_keychain_stops_setup_before_xero_is_called() {
    let w = world();
    w.store.set_unavailable(true);
    let err = flows::setup(&w.ctx, request(&w), &Silent, std::future::pending()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(w.sim.requests().is_empty());
}

#[tokio::test]
async fn a_keychain_that_answers_reads_but_refuses_writes_stops_setup_before_the_browser_opens() {
    let mut w = world();
    let web = w.sim.add_app(AppSpec { kind: AppKind::Web, ..AppSpec::default() });
    let opened = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = opened.clone();
    w.ctx.browser = Browser::Custom(Arc::new(move |url: &str| {
        seen.lock().unwrap().push(url.to_string());
        Ok(())
    }));
    w.store.set_read_only(true);
    let req = SetupRequest {
        app_type: AppType::Web,
        credentials: credentials::check(&web.client_id, web.client_secret.as_deref()),
        redirect_uris: vec![xero_connect::RedirectUri::parse("http://localhost:8749/callback").unwrap()],
        consent: ConsentOptions { timeout: std::time::Duration::from_secs(2), ..Default::default() },
        ..request(&w)
    };
    let err = flows::setup(&w.ctx, req, &Silent, std::future::pending()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    assert!(opened.lock().unwrap().is_empty(), "the browser was opened: {:?}", opened.lock().unwrap());
    assert!(w.sim.requests().is_empty());
}

#[tokio::test]
async fn remove_waits_for_a_refresh_in_flight_before_deleting_anything() {
    let w = world();
    let out = flows::setup(&w.ctx, request(&w), &Silent, std::future::pending()).await.unwrap();
    // Another program is refreshing this connection: it holds the refresh lock.
    let held = w.ctx.settings.try_lock_file(&format!("refresh-{}.lock", out.connection.id)).unwrap().unwrap();
    let removing = tokio::spawn({
        let ctx = w.ctx.clone();
        async move { flows::disconnect(&ctx, "office", &Silent).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!removing.is_finished(), "remove went ahead while a refresh held the lock");
    assert!(!w.store.accounts().is_empty(), "the keychain entry was deleted under a refresh");
    assert!(w.ctx.settings.load().unwrap().find("office").is_some());
    drop(held);
    removing.await.unwrap().unwrap();
    assert!(w.store.accounts().is_empty(), "{:?}", w.store.accounts());
    assert!(w.ctx.settings.load().unwrap().find("office").is_none());
}
