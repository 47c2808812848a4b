//! Every view the wizard can show, pinned: this test drives the state machine through every
//! screen and state — first setup for each app type, practice mode, reconnect (refresh works,
//! consent needed, organisation gone), Back from every step, the connections page with rename
//! and disconnect, busy states and each error — and compares each view with its snapshot in
//! `tests/ui-mock/views/NAME.json`. A change to a view fails here until the snapshots are
//! written again on purpose:
//!
//! ```sh
//! UPDATE_VIEWS=1 cargo test -p xero-connect --test views
//! ```
//!
//! `index.json` beside them lists the transitions between views (the event that leads from one
//! to the next, or none when Rust pushed it), which the UI mock (`tests/ui-mock/mock-tauri.js`)
//! replays in a plain browser, so the UI is tried against the views Rust really builds.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use xero_connect::apis::Api;
use xero_connect::credentials::secret_shape;
use xero_connect::flows::{ReconnectMethod, ReconnectOutcome, SetupOutcome};
use xero_connect::probe::{OrganisationDetails, ProbedApi, TestReport};
use xero_connect::wizard::{
    Outcome, PastedSecret, PracticeCredentials, SetupStep, UnfinishedSetup, UserEvent, Wizard, WizardOptions,
};
use xero_connect::{
    AppType, Connection, Endpoints, Error, ErrorCode, Organisation, Remedy, Secret, Step, TestRecord, XeroUser,
    DEFAULT_REDIRECT_URI,
};

/// The inputs the recorded journeys type (a fake app; the UI check types the same).
const CLIENT_ID: &str = "1A2B3C4D5E6F708192A3B4C5D6E7F809";
const SECRET: &str = "hK7_vQ2-pL9zXw3RmT8yNc4BfJ6dGs1AeU5kYq0oPi4WtZ2x";
const TENANT_A: &str = "e41fc531-225c-4f90-947a-b82640da4dd9";
const TENANT_B: &str = "7d0c1e8a-3b52-4c6f-9a41-5f2e8b9d0c13";
const TENANT_C: &str = "a3f9b2d4-1c7e-4e88-b0a5-2d6c9e1f4a70";
const TENANT_NEW: &str = "bb083613-64c7-4807-85ae-7326659c3284";
const CONSENT_URL: &str = "https://login.xero.com/identity/connect/authorize?response_type=code&client_id=1A2B3C4D5E6F708192A3B4C5D6E7F809&state=STATE";
/// A fixed clock (ms): busy states' `since_ms`; the mock shows them as just started.
const NOW: u64 = 1_764_000_000_000;

fn org(id: &str, name: &str) -> Organisation {
    Organisation {
        tenant_id: id.into(),
        name: name.into(),
        tenant_type: "ORGANISATION".into(),
        connection_id: format!("c-{id}"),
    }
}

fn connection(
    name: &str,
    app_type: AppType,
    orgs: &[(&str, &str)],
    tenant: Option<&str>,
    last: Option<TestRecord>,
) -> Connection {
    Connection {
        id: format!("id-{name}"),
        name: name.into(),
        client_id: CLIENT_ID.into(),
        app_type,
        scopes: vec!["offline_access".into(), "accounting.settings.read".into()],
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        organisations: orgs.iter().map(|(id, n)| org(id, n)).collect(),
        tenant_id: tenant.map(str::to_string),
        authorised_by: Some(XeroUser { email: "sam@example.com".into(), name: "Sam Staff".into() }),
        created_at: "2026-11-20T09:00:00Z".into(),
        updated_at: "2026-11-20T09:00:00Z".into(),
        last_test: last,
        refreshed_at: None,
        profile: None,
        identity_origin: None,
        refreshed_on: None,
        refresh_unanswered_at: None,
    }
}

fn record(ok: bool) -> TestRecord {
    TestRecord {
        at: "2026-11-22T14:25:00Z".into(),
        ok,
        organisation_name: ok.then(|| "Demo Company (AU)".into()),
        error_code: (!ok).then(|| "invalid_grant".into()),
        error_message: (!ok).then(|| "Xero no longer accepts this connection's authorisation: reconnect.".into()),
    }
}

/// `days` before the views' clock, as the settings record a last refresh.
fn days_before_now(days: u64) -> Option<String> {
    let at =
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(NOW) - std::time::Duration::from_secs(days * 86_400);
    Some(humantime::format_rfc3339_seconds(at).to_string())
}

/// Three saved connections: one whose authorisation lapses in 10 days and that still holds a
/// broad accounting scope, one lapsed (its last test failed for it), and a custom connection
/// (no authorisation to lapse).
fn saved() -> Vec<Connection> {
    let mut shop =
        connection("shop", AppType::Web, &[(TENANT_A, "Demo Company (AU)")], Some(TENANT_A), Some(record(true)));
    shop.refreshed_at = days_before_now(50);
    shop.scopes.push("accounting.transactions".into());
    let mut payroll = connection(
        "payroll-export",
        AppType::Pkce,
        &[(TENANT_B, "Harbour Bakery")],
        Some(TENANT_B),
        Some(record(false)),
    );
    payroll.refreshed_at = days_before_now(70);
    vec![shop, payroll, connection("pos-sync", AppType::Custom, &[(TENANT_C, "Harbour Bakery")], Some(TENANT_C), None)]
}

/// Who answers an API's Test Connection call (its first read).
fn answered_by(api: Api) -> ProbedApi {
    api.description().test.reads()[0].answered_by
}

fn payroll() -> Api {
    Api::parse("payroll").unwrap()
}

fn report(name: &str, id: &str) -> TestReport {
    TestReport {
        connection: name.into(),
        organisation: OrganisationDetails {
            id: id.into(),
            name: "Demo Company (AU)".into(),
            legal_name: Some("Demo Company (AU) Pty Ltd".into()),
            country_code: Some("AU".into()),
            base_currency: Some("AUD".into()),
            is_demo_company: Some(true),
            version: Some("AU".into()),
            short_code: Some("!Hdp3W".into()),
        },
        api: answered_by(Api::ACCOUNTING),
        answered_by: answered_by(Api::ACCOUNTING).label.into(),
        call: answered_by(Api::ACCOUNTING).call(),
        authorised_by: Some(XeroUser { email: "sam@example.com".into(), name: "Sam Staff".into() }),
        tested_at: "2026-11-29T10:00:00Z".into(),
        clock: None,
    }
}

/// A test answered by the Assets API: the name from the connection, no country or currency.
fn assets_report(name: &str, id: &str) -> TestReport {
    let assets = Api::parse("assets").unwrap();
    TestReport {
        organisation: OrganisationDetails::named(id, "Harbour Bakery"),
        api: answered_by(assets),
        answered_by: answered_by(assets).label.into(),
        call: answered_by(assets).call(),
        ..report(name, id)
    }
}

/// Records views by name and the transitions between them.
struct Recorder {
    wizard: Wizard,
    views: BTreeMap<String, Value>,
    transitions: Vec<Value>,
    at: String,
}

impl Recorder {
    fn new(journey: &str, wizard: Wizard, first: &str) -> Recorder {
        let mut r = Recorder { wizard, views: BTreeMap::new(), transitions: Vec::new(), at: String::new() };
        r.keep(first, None, journey);
        r
    }

    /// A new journey, starting from a wizard in its first state.
    fn restart(&mut self, journey: &str, wizard: Wizard, first: &str) {
        self.wizard = wizard;
        self.keep(first, None, journey);
    }

    /// The view as a snapshot: its number is the one thing that differs from run to run.
    fn snapshot(&self) -> Value {
        let mut v = serde_json::to_value(self.wizard.view()).unwrap();
        v["seq"] = json!(0);
        v
    }

    fn keep(&mut self, name: &str, via: Option<Value>, journey: &str) {
        let view = self.snapshot();
        match self.views.get(name) {
            Some(old) => {
                assert!(old == &view, "view {name} was recorded twice, differently: give the second its own name")
            }
            None => {
                self.views.insert(name.to_string(), view);
            }
        }
        if !journey.is_empty() {
            self.transitions.push(json!({"journey": journey, "to": name}));
        } else {
            let from = self.at.clone();
            match via {
                Some(event) => self.transitions.push(json!({"from": from, "event": event, "to": name})),
                None => self.transitions.push(json!({"from": from, "pushed": true, "to": name})),
            }
        }
        self.at = name.to_string();
    }

    /// The user does something; the view that answers is `name`.
    fn user(&mut self, event: UserEvent, name: &str) -> &mut Self {
        let mut wire = serde_json::to_value(&event).unwrap();
        // The secret is never serialised by Rust; the window sends it, so the record shows it.
        if let UserEvent::SubmitCredentials { client_secret, .. } = &event {
            wire["client_secret"] = client_secret.0.expose().into();
        }
        self.wizard.handle(event, NOW);
        self.keep(name, Some(wire), "");
        self
    }

    /// Work reports something; Rust pushes the view `name`.
    fn pushed(&mut self, outcome: Outcome, name: &str) -> &mut Self {
        self.wizard.apply(outcome, NOW);
        self.keep(name, None, "");
        self
    }

    /// Work reports something the user never sees on its own (it changes no view).
    fn quietly(&mut self, outcome: Outcome) -> &mut Self {
        self.wizard.apply(outcome, NOW);
        self
    }
}

fn wizard(practice: bool) -> Wizard {
    let options = WizardOptions {
        practice: practice
            .then(|| PracticeCredentials { client_id: CLIENT_ID.into(), client_secret: Secret::new(SECRET) }),
        ..WizardOptions::default()
    };
    Wizard::new(Endpoints::all_at("http://127.0.0.1:39227").unwrap(), options)
}

fn with_saved(practice: bool) -> Wizard {
    let mut w = wizard(practice);
    w.apply(Outcome::ConnectionsLoaded(Ok(saved())), NOW);
    w
}

fn edited(name: &str, client_id: &str, secret: &str) -> UserEvent {
    UserEvent::CredentialsEdited { name: name.into(), client_id: client_id.into(), secret_shape: secret_shape(secret) }
}

fn submitted(name: &str, secret: &str) -> UserEvent {
    UserEvent::SubmitCredentials {
        name: name.into(),
        client_id: CLIENT_ID.into(),
        client_secret: PastedSecret::new(secret),
    }
}

fn opened() -> Outcome {
    Outcome::Progress(Step::BrowserOpened { url: CONSENT_URL.into() })
}

/// Drives every journey and returns the recorder.
fn journeys() -> Recorder {
    let mut empty = wizard(false);
    empty.apply(Outcome::ConnectionsLoaded(Ok(vec![])), NOW);
    let mut r = Recorder::new("an empty computer", empty, "welcome-empty");

    // First setup of a web app, with every detour.
    r.restart("first setup", with_saved(false), "welcome");
    r.user(UserEvent::StartSetup, "create-app")
        .user(UserEvent::ChooseAppType { app_type: AppType::Pkce }, "create-app-pkce")
        .user(UserEvent::ChooseAppType { app_type: AppType::Custom }, "create-app-custom")
        .user(UserEvent::ChooseAppType { app_type: AppType::Web }, "create-app")
        .user(UserEvent::Next, "credentials")
        .user(UserEvent::Back, "create-app")
        .user(UserEvent::OpenPortal, "create-app")
        .pushed(
            Outcome::BrowserFailed { url: "http://127.0.0.1:39227/app/manage".into(), reason: "no browser found".into() },
            "create-app-browser-unavailable",
        )
        .user(UserEvent::Next, "credentials")
        .user(edited("My business", CLIENT_ID, &format!("{SECRET} ")), "credentials-trailing-space")
        .user(edited("My business", "ABC", &format!("{SECRET} ")), "credentials-blocking")
        .user(edited("My business", CLIENT_ID, &format!("{SECRET} ")), "credentials-trailing-space")
        .user(edited("shop", CLIENT_ID, SECRET), "credentials-name-taken")
        .user(edited("My business", CLIENT_ID, SECRET), "credentials-ready")
        .user(edited("My business", CLIENT_ID, &format!("{SECRET} ")), "credentials-trailing-space")
        .user(submitted("My business", &format!("{SECRET} ")), "scopes")
        .user(UserEvent::ToggleApi { api: payroll() }, "scopes-payroll")
        .user(UserEvent::Back, "credentials-secret-kept")
        .user(UserEvent::Back, "create-app-payroll")
        .user(UserEvent::Next, "credentials-secret-kept-rechecked")
        .user(submitted("My business", ""), "scopes-payroll")
        .user(UserEvent::Next, "consent-ready")
        .user(UserEvent::Back, "scopes-payroll")
        .user(UserEvent::Next, "consent-ready")
        .user(UserEvent::AllowAccess, "consent-starting")
        .quietly(Outcome::Progress(Step::Listening { redirect_uri: DEFAULT_REDIRECT_URI.into() }))
        .pushed(Outcome::Progress(Step::CheckingCredentials { with_secret: true }), "consent-checking")
        .pushed(opened(), "consent-waiting")
        .pushed(
            Outcome::Progress(Step::PasteRefused {
                message: "That address belongs to another sign-in or is cut short: paste the whole address from the \
                          browser where you allowed access for this sign-in."
                    .into(),
            }),
            "consent-paste-refused",
        )
        .pushed(Outcome::SetupDone(Err(Error::new(ErrorCode::ConsentDenied, "Access was not allowed on Xero's page (Cancel was pressed): nothing was connected. Start again when you are ready."))), "consent-denied")
        .user(UserEvent::AllowAccess, "consent-starting")
        .pushed(opened(), "consent-waiting")
        .user(UserEvent::Cancel, "consent-waiting")
        .pushed(Outcome::SetupDone(Err(Error::new(ErrorCode::Cancelled, "Waiting for Xero was cancelled."))), "consent-cancelled")
        .user(UserEvent::AllowAccess, "consent-starting")
        .pushed(opened(), "consent-waiting")
        .pushed(Outcome::SetupDone(Err(Error::new(ErrorCode::ConsentTimeout, "Xero did not send the browser back within 5m."))), "consent-timed-out")
        .user(UserEvent::AllowAccess, "consent-starting")
        .pushed(
            Outcome::SetupDone(Err(Error::new(ErrorCode::PortBusy, "Port 8749 is in use by another program, so Xero's answer cannot be received: close that program (perhaps another copy of this one still waiting for Xero), or register one more redirect URI with another port for your app in the Xero developer portal and use it as well.").with_remedy(Remedy::RegisterRedirectUri))),
            "consent-port-busy",
        )
        .user(UserEvent::AllowAccess, "consent-starting")
        .pushed(Outcome::SetupDone(Err(Error::new(ErrorCode::InvalidClient, "Xero did not accept this Client ID and client secret together: check the Client ID is the one on your app's Configuration page, and paste the secret again (a secret deleted in the portal no longer works; generate another if in doubt)."))), "credentials-refused-by-xero")
        .user(submitted("My business", SECRET), "scopes-payroll")
        .user(UserEvent::Next, "consent-ready")
        .user(UserEvent::AllowAccess, "consent-starting")
        .pushed(opened(), "consent-waiting");
    let two = connection(
        "My business",
        AppType::Web,
        &[(TENANT_B, "Harbour Bakery"), (TENANT_C, "Harbour Bakery")],
        None,
        None,
    );
    r.pushed(Outcome::SetupDone(Ok(SetupOutcome { connection: two })), "choose-organisation")
        .user(UserEvent::ChooseOrganisation { tenant_id: TENANT_C.into() }, "choose-organisation-saving");
    let chosen = connection(
        "My business",
        AppType::Web,
        &[(TENANT_B, "Harbour Bakery"), (TENANT_C, "Harbour Bakery")],
        Some(TENANT_C),
        None,
    );
    r.pushed(Outcome::OrganisationChosen(Ok(chosen)), "choose-organisation-chosen")
        .user(UserEvent::Next, "test-ready")
        .user(UserEvent::TestConnection { name: None }, "test-busy")
        .pushed(Outcome::Tested(Ok(report("My business", TENANT_C))), "test-green")
        .user(UserEvent::TestConnection { name: None }, "test-busy")
        .pushed(Outcome::Tested(Err(Error::rate_limited(30, xero_connect::RateLimit::from_header("minute")))), "test-rate-limited")
        .user(UserEvent::TestConnection { name: Some("My business".into()) }, "test-busy")
        .pushed(Outcome::Tested(Err(Error::new(ErrorCode::OrganisationDisconnected, "The organisation has disconnected this app from inside Xero (or can no longer be reached with this connection): reconnect to connect it again."))), "test-disconnected")
        .user(UserEvent::TestConnection { name: Some("My business".into()) }, "test-busy")
        .pushed(Outcome::Tested(Ok(assets_report("My business", TENANT_C))), "test-green-assets")
        .user(UserEvent::Home, "welcome");

    // A custom connection: no browser; the wrong app type sends the user back to choose it.
    r.restart("custom connection", with_saved(false), "welcome");
    r.user(UserEvent::StartSetup, "create-app")
        .user(UserEvent::ChooseAppType { app_type: AppType::Custom }, "create-app-custom")
        .user(UserEvent::Next, "credentials-custom")
        .user(submitted("Back office", SECRET), "test-custom-busy")
        .pushed(Outcome::SetupDone(Err(Error::new(ErrorCode::WrongAppType, "Xero says these credentials belong to an app of another integration type: choose the type your app was created with in the developer portal (Web app, Mobile or desktop app, or Custom connection).").with_remedy(Remedy::ChooseAppType))), "credentials-wrong-app-type")
        .user(UserEvent::ChangeAppType, "create-app-custom-again");

    // A mobile or desktop app: no secret to paste.
    r.restart("desktop app", with_saved(false), "welcome");
    r.user(UserEvent::StartSetup, "create-app")
        .user(UserEvent::ChooseAppType { app_type: AppType::Pkce }, "create-app-pkce")
        .user(UserEvent::Next, "credentials-pkce")
        .user(
            UserEvent::SubmitCredentials {
                name: "Desk".into(),
                client_id: CLIENT_ID.into(),
                client_secret: PastedSecret::new(""),
            },
            "scopes-pkce",
        )
        .user(UserEvent::Next, "consent-ready-pkce")
        .user(UserEvent::AllowAccess, "consent-starting-pkce")
        .pushed(Outcome::Progress(Step::CheckingCredentials { with_secret: false }), "consent-checking-pkce");

    // Practice mode: the demo credentials one click away.
    let mut practice = wizard(true);
    practice.apply(Outcome::ConnectionsLoaded(Ok(vec![])), NOW);
    r.restart("practice", practice, "practice-welcome");
    r.user(UserEvent::StartSetup, "practice-create-app")
        .user(UserEvent::Next, "practice-credentials")
        .user(UserEvent::FillPracticeCredentials, "practice-credentials-filled");

    // Reconnect: refresh works; the new secret is refused; consent needed; organisation gone.
    // A vendor's profile: its name in the titles, its values to copy, its one app type, its
    // fixed scopes, and its support address beside a failure.
    let profile = xero_connect::profile::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles/fieldcrew.toml"),
    )
    .expect("the example profile reads");
    let options = WizardOptions { profile: Some(profile), ..WizardOptions::default() };
    let mut vendor = Wizard::new(Endpoints::all_at("http://127.0.0.1:39227").unwrap(), options);
    vendor.apply(Outcome::ConnectionsLoaded(Ok(vec![])), NOW);
    r.restart("vendor profile", vendor, "profile-welcome");
    r.user(UserEvent::StartSetup, "profile-create-app")
        .user(UserEvent::ChooseAppType { app_type: AppType::Pkce }, "profile-create-app")
        .user(UserEvent::Next, "profile-credentials")
        .user(submitted("FieldCrew", SECRET), "profile-scopes")
        .user(UserEvent::ToggleApi { api: payroll() }, "profile-scopes")
        .user(UserEvent::Next, "profile-consent-ready")
        .user(UserEvent::AllowAccess, "profile-consent-starting")
        .pushed(
            Outcome::SetupDone(Err(Error::new(ErrorCode::InvalidClient, "Xero refused the Client ID or secret."))),
            "profile-error",
        );

    r.restart("reconnect", with_saved(false), "welcome");
    r.user(UserEvent::StartReconnect { name: "shop".into(), granular_scopes: false }, "reconnect-create-app")
        .user(UserEvent::Next, "reconnect-credentials")
        .user(submitted("shop", SECRET), "reconnect-proving")
        .pushed(Outcome::ReconnectDone(Err(Error::new(ErrorCode::InvalidClient, "Xero did not accept the client ID or client secret: check both were copied exactly (a secret copied with a space is refused), or generate another secret in the Xero developer portal and reconnect."))), "reconnect-invalid-client")
        .user(UserEvent::Back, "reconnect-create-app")
        .user(UserEvent::Next, "reconnect-credentials")
        .user(submitted("shop", SECRET), "reconnect-proving")
        .pushed(Outcome::Progress(Step::ConsentNeeded), "reconnect-consent-needed")
        .pushed(opened(), "reconnect-consent-waiting")
        .user(UserEvent::Back, "reconnect-credentials-after-consent");
    let shop = connection("shop", AppType::Web, &[(TENANT_A, "Demo Company (AU)")], Some(TENANT_A), Some(record(true)));
    r.restart("reconnect by refresh", with_saved(false), "welcome");
    r.user(UserEvent::StartReconnect { name: "shop".into(), granular_scopes: false }, "reconnect-create-app")
        .user(UserEvent::Next, "reconnect-credentials")
        .user(submitted("shop", SECRET), "reconnect-proving")
        .pushed(
            Outcome::ReconnectDone(Ok(ReconnectOutcome {
                connection: shop,
                method: ReconnectMethod::Refresh,
                organisation_gone: None,
            })),
            "reconnect-test-ready",
        );
    r.restart("reconnect after a demo company reset", with_saved(false), "welcome");
    let gone = format!("Demo Company (AU) (ID {TENANT_A}) is no longer connected to this app: it was disconnected inside Xero (Settings, Connected apps), or it is a demo company that was reset, which gives it a new ID; allow access again and choose the organisation.");
    let reset = connection("shop", AppType::Web, &[(TENANT_NEW, "Demo Company (AU)")], None, Some(record(false)));
    r.user(UserEvent::StartReconnect { name: "shop".into(), granular_scopes: false }, "reconnect-create-app")
        .user(UserEvent::Next, "reconnect-credentials")
        .user(submitted("shop", SECRET), "reconnect-proving")
        .pushed(Outcome::Progress(Step::OrganisationGone { message: gone }), "reconnect-organisation-gone")
        .pushed(opened(), "reconnect-organisation-gone-waiting")
        .pushed(
            Outcome::ReconnectDone(Ok(ReconnectOutcome {
                connection: reset,
                method: ReconnectMethod::Consent,
                organisation_gone: Some(org(TENANT_A, "Demo Company (AU)")),
            })),
            "reconnect-choose-new-id",
        );

    // The connections page: test, a wait for another program's refresh, a choice needed,
    // rename, disconnect with its confirmation.
    r.restart("connections", with_saved(false), "welcome");
    r.user(UserEvent::OpenConnections, "connections")
        .user(UserEvent::TestConnection { name: Some("pos-sync".into()) }, "connections-testing")
        .pushed(Outcome::Progress(Step::WaitingForOtherRefresh { timeout_secs: 30 }), "connections-waiting-for-refresh")
        .user(UserEvent::Cancel, "connections-waiting-for-refresh")
        .pushed(Outcome::Tested(Err(Error::new(ErrorCode::Cancelled, "Test Connection was cancelled."))), "connections")
        .user(UserEvent::TestConnection { name: Some("pos-sync".into()) }, "connections-testing")
        .pushed(
            Outcome::Tested(Err(Error::new(ErrorCode::OrganisationChoiceNeeded, "Choose which organisation \"pos-sync\" should use: Harbour Bakery (a3f9b2d4-1c7e-4e88-b0a5-2d6c9e1f4a70).").with_remedy(Remedy::ChooseOrganisation { connection: "pos-sync".into() }))),
            "connections-choice-needed",
        )
        .user(UserEvent::ChooseOrganisationOf { name: "pos-sync".into() }, "choose-organisation-of-saved")
        .user(UserEvent::Home, "welcome")
        .user(UserEvent::OpenConnections, "connections")
        .user(UserEvent::Rename { name: "pos-sync".into(), new_name: "till".into() }, "connections-renaming");
    let mut renamed = saved();
    renamed[2].name = "till".into();
    r.quietly(Outcome::Renamed(Ok(renamed[2].clone())))
        .pushed(Outcome::ConnectionsLoaded(Ok(renamed.clone())), "connections-renamed")
        .user(UserEvent::Disconnect { name: "shop".into() }, "connections-confirm")
        .user(UserEvent::CancelDisconnect, "connections-renamed")
        .user(UserEvent::Disconnect { name: "shop".into() }, "connections-confirm")
        .user(UserEvent::ConfirmDisconnect, "connections-disconnecting");
    r.quietly(Outcome::Disconnected(Ok("shop".into())))
        .pushed(Outcome::ConnectionsLoaded(Ok(renamed[1..].to_vec())), "connections-after-disconnect");

    // "Check this computer" from Welcome, and from a failure the office network caused
    // (issue 16); a browser that forces https on the consent's listener.
    r.restart("check this computer", with_saved(false), "welcome");
    r.user(UserEvent::CheckComputer, "checkup-running")
        .pushed(Outcome::Checked(checkup_report()), "checkup-done")
        .user(UserEvent::Back, "welcome");
    r.restart("a network that refuses", with_saved(false), "welcome");
    r.user(UserEvent::OpenConnections, "connections")
        .user(UserEvent::TestConnection { name: Some("shop".into()) }, "connections-testing-shop")
        .pushed(
            Outcome::Tested(Err(Error::new(ErrorCode::BlockedByNetwork, "Xero's network refused this request with a web page (HTTP 403) instead of Xero's answer: a VPN, a proxy or this internet address may be blocked. Try without the VPN or from another network; the connection itself is fine, so there is nothing to reconnect. The page gave the reference #18.6f2c1b17.1764000000.2a3b4c5d; quote it if you contact Xero.").with_remedy(Remedy::CheckComputer))),
            "connections-blocked-by-network",
        )
        .user(UserEvent::CheckComputer, "checkup-running-from-connections")
        .pushed(Outcome::Checked(checkup_report()), "checkup-done-from-connections")
        .user(UserEvent::Back, "connections-after-checkup");
    r.restart("a clock behind Xero's", with_saved(false), "welcome");
    let shop = connection("shop", AppType::Web, &[(TENANT_A, "Demo Company (AU)")], Some(TENANT_A), Some(record(true)));
    // Fixed words: `clock::describe` names the settings of the OS the test runs on.
    let behind = xero_connect::ClockSkew {
        seconds: 720,
        sentence: "This computer's clock is 12 minutes behind Xero's: open Settings, Time & language, Date & time, \
                   turn on \"Set time automatically\" and press \"Sync now\". Times shown here may be off until it is."
            .into(),
    };
    r.user(UserEvent::StartReconnect { name: "shop".into(), granular_scopes: false }, "reconnect-create-app")
        .user(UserEvent::Next, "reconnect-credentials")
        .user(submitted("shop", SECRET), "reconnect-proving")
        .pushed(
            Outcome::ReconnectDone(Ok(ReconnectOutcome {
                connection: shop,
                method: ReconnectMethod::Refresh,
                organisation_gone: None,
            })),
            "reconnect-test-ready",
        )
        .user(UserEvent::TestConnection { name: None }, "reconnect-test-busy")
        .pushed(
            Outcome::Tested(Ok(TestReport { clock: Some(behind), ..report("shop", TENANT_A) })),
            "test-green-clock-behind",
        );
    // A setup left unfinished in an earlier run (the window closed on step 3): Welcome offers to
    // continue it; the secret is pasted again, the choices come back.
    let kept = UnfinishedSetup {
        name: "Harbour Bakery".into(),
        client_id: CLIENT_ID.into(),
        app_type: AppType::Web,
        apis: vec![Api::ACCOUNTING, Api::parse("projects").unwrap()],
        step: SetupStep::Scopes,
    };
    let mut unfinished = Wizard::new(
        Endpoints::all_at("http://127.0.0.1:39227").unwrap(),
        WizardOptions { unfinished: Some(kept), ..WizardOptions::default() },
    );
    unfinished.apply(Outcome::ConnectionsLoaded(Ok(saved())), NOW);
    r.restart("a setup left unfinished", unfinished, "welcome-unfinished");
    r.user(UserEvent::ContinueSetup, "credentials-continued")
        .user(submitted("Harbour Bakery", SECRET), "scopes-continued");

    // An organisation disconnected inside Xero: its secret still works, so the repair does not
    // ask for it; Xero's page is needed again to connect the organisation.
    let shop = connection("shop", AppType::Web, &[(TENANT_A, "Demo Company (AU)")], Some(TENANT_A), None);
    r.restart("an organisation disconnected inside Xero", with_saved(false), "welcome");
    r.user(UserEvent::OpenConnections, "connections")
        .user(UserEvent::TestConnection { name: Some("shop".into()) }, "connections-testing-shop")
        .pushed(
            Outcome::Tested(Err(Error::new(ErrorCode::OrganisationDisconnected, "The organisation has disconnected this app from inside Xero (or can no longer be reached with this connection): reconnect to connect it again.").with_remedy(Remedy::Reconnect { connection: "shop".into() }))),
            "connections-shop-disconnected",
        )
        .user(UserEvent::ReconnectWithSavedSecret { name: "shop".into() }, "reconnect-saved-secret-proving")
        .pushed(
            Outcome::Progress(Step::OrganisationGone {
                message: "Demo Company (AU) (ID e41fc531-225c-4f90-947a-b82640da4dd9) is no longer connected to this app: it was disconnected inside Xero (Settings, Connected apps), or it is a demo company that was reset, which gives it a new ID; allow access again and choose the organisation.".into(),
            }),
            "reconnect-saved-secret-consent",
        )
        .pushed(opened(), "reconnect-saved-secret-waiting")
        .pushed(
            Outcome::ReconnectDone(Ok(ReconnectOutcome {
                connection: shop,
                method: ReconnectMethod::Consent,
                organisation_gone: None,
            })),
            "reconnect-saved-secret-test-ready",
        );
    r.restart("a browser forcing https", with_saved(false), "welcome");
    r.user(UserEvent::StartSetup, "create-app")
        .user(UserEvent::Next, "credentials")
        .user(submitted("My business", SECRET), "scopes")
        .user(UserEvent::Next, "consent-ready")
        .user(UserEvent::AllowAccess, "consent-starting")
        .pushed(opened(), "consent-waiting")
        .pushed(
            Outcome::Progress(Step::BrowserForcedHttps {
                message: xero_connect::https_forced(&xero_connect::RedirectUri::parse(DEFAULT_REDIRECT_URI).unwrap()),
            }),
            "consent-https-forced",
        );
    r
}

/// A report as "Check this computer" builds it: the checks of a computer behind an office
/// proxy, its clock behind Xero's, one connection.
fn checkup_report() -> xero_connect::doctor::Report {
    use xero_connect::doctor::{Check, Finding, Report, Status};
    let f = |check, status, title: &str, detail: &str, remedy: Option<Remedy>, code: Option<ErrorCode>| Finding {
        check,
        status,
        title: title.into(),
        detail: detail.into(),
        remedy,
        code,
    };
    Report {
        program: "xero-connect/0.1.0 (linux x86_64)".into(),
        checked_at: "2026-11-29T10:00:00Z".into(),
        findings: vec![
            f(Check::Keychain, Status::Ok, "Keychain", "A test value was written, read back and deleted.", None, None),
            f(Check::LoopbackPort, Status::Ok, "Port 8749", "http://localhost:8749/callback can receive Xero's answer: the port is free on 127.0.0.1 and ::1.", None, None),
            f(Check::Browser, Status::Ok, "Browser", "Pages open in the default browser.", None, None),
            f(Check::Certificate, Status::Problem, "Certificates", "This computer does not trust the certificate identity.xero.com presented, issued by \"Example Corp Inspection CA\": this network may inspect HTTPS (Zscaler, Netskope, a firewall). Ask whoever runs it to install that issuer's root certificate in this computer's certificate store, then try again.", Some(Remedy::TrustNetworkCertificate { issuer: Some("Example Corp Inspection CA".into()) }), Some(ErrorCode::CertificateUntrusted)),
            f(Check::IdentityHost, Status::Problem, "identity.xero.com", "This computer does not trust the certificate identity.xero.com presented, issued by \"Example Corp Inspection CA\".", Some(Remedy::TrustNetworkCertificate { issuer: Some("Example Corp Inspection CA".into()) }), Some(ErrorCode::CertificateUntrusted)),
            f(Check::Clock, Status::Warning, "Clock", "This computer's clock is 12 minutes behind Xero's: open Settings, Time & language, Date & time, turn on \"Set time automatically\" and press \"Sync now\". Times shown here may be off until it is.", None, None),
            f(Check::Overrides, Status::Ok, "Settings from the environment", "In force: HTTPS_PROXY=http://***@proxy.example:3128/.", None, None),
            f(Check::Connection, Status::Warning, "Connection \"shop\"", "Web app 1A2B…F809, Demo Company (AU): Its authorisation expires on 2026-12-05 (in 10 days) unless the connection is used before then.", None, None),
        ],
    }
}

fn views_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/ui-mock/views")
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

#[test]
fn every_view_matches_its_snapshot() {
    let r = journeys();
    let index = json!({
        "about": "Written by crates/xero-connect/tests/views.rs (UPDATE_VIEWS=1 to rewrite); replayed by mock-tauri.js.",
        "inputs": {"client_id": CLIENT_ID, "secret": SECRET, "consent_url": CONSENT_URL},
        "views": r.views.keys().collect::<Vec<_>>(),
        "transitions": r.transitions,
    });
    let mut files: BTreeMap<String, String> =
        r.views.iter().map(|(name, v)| (format!("{name}.json"), pretty(v))).collect();
    files.insert("index.json".into(), pretty(&index));

    let dir = views_dir();
    if std::env::var_os("UPDATE_VIEWS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if !files.contains_key(entry.file_name().to_string_lossy().as_ref()) {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut differ = Vec::new();
    for (name, text) in &files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(old) if &old == text => {}
            Ok(_) => differ.push(format!("{name} changed")),
            Err(_) => differ.push(format!("{name} is new")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !files.contains_key(&name) {
            differ.push(format!("{name} is no longer produced"));
        }
    }
    assert!(
        differ.is_empty(),
        "views differ from their snapshots in tests/ui-mock/views ({}). If the change is meant, rewrite them with \
         UPDATE_VIEWS=1 cargo test -p xero-connect --test views, and look at the diff.",
        differ.join(", ")
    );
}

#[test]
fn the_snapshots_cover_every_screen_and_consent_state() {
    let r = journeys();
    let kinds: std::collections::BTreeSet<String> = r
        .views
        .values()
        .map(|v| match v["screen"]["kind"].as_str().unwrap() {
            "consent" => format!("consent:{}", v["screen"]["state"].as_str().unwrap()),
            k => k.to_string(),
        })
        .collect();
    for want in [
        "welcome",
        "create_app",
        "credentials",
        "scopes",
        "consent:ready",
        "consent:waiting",
        "consent:denied",
        "consent:timed_out",
        "choose_organisation",
        "test",
        "connections",
    ] {
        assert!(kinds.contains(want), "no snapshot shows {want}");
    }
    // And no recorded view carries the secret the journeys typed.
    for (name, v) in &r.views {
        assert!(!v.to_string().contains(&SECRET[..12]), "{name} carries the secret");
    }
}
