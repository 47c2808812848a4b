//! The wizard's paths as unit tests on the pure state machine: each test drives `handle` and
//! `apply` by hand and reads the view, so every branch runs without a window, a network or a
//! keychain.

use super::events::{Outcome, PastedSecret, UserEvent};
use super::state::{PracticeCredentials, Wizard, WizardOptions};
use super::transitions::Effect;
use super::view::*;
use crate::apis::Api;
use crate::connection::Connection;
use crate::connection::Organisation;
use crate::credentials::{self, Severity};
use crate::domain::{AppType, DEFAULT_REDIRECT_URI};
use crate::endpoints::Endpoints;
use crate::error::{Error, ErrorCode, Remedy};
use crate::flows::SetupOutcome;
use crate::progress::Step;
use crate::secret::Secret;

const ID: &str = "0123456789ABCDEF0123456789ABCDEF";
const SECRET: &str = "abcdEFGH_ijk-lmnopqrstuvwxyz0123456789ABCDEFGHIJ";

fn wizard() -> Wizard {
    Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), WizardOptions::default())
}

/// An event as the window receives it and sends it back.
fn wire(event: &UserEvent) -> serde_json::Value {
    serde_json::to_value(event).unwrap()
}

fn json(w: &Wizard) -> String {
    serde_json::to_string(&w.view()).unwrap()
}

fn conn(orgs: &[(&str, &str)], tenant: Option<&str>) -> Connection {
    Connection {
        id: "id1".into(),
        name: "My business".into(),
        client_id: ID.into(),
        app_type: AppType::Web,
        scopes: vec![],
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        organisations: orgs
            .iter()
            .map(|(id, name)| Organisation {
                tenant_id: (*id).into(),
                name: (*name).into(),
                tenant_type: "ORGANISATION".into(),
                connection_id: format!("c-{id}"),
            })
            .collect(),
        tenant_id: tenant.map(str::to_string),
        authorised_by: None,
        created_at: "t".into(),
        updated_at: "t".into(),
        last_test: None,
        refreshed_at: None,
        profile: None,
        identity_origin: None,
        refreshed_on: None,
        refresh_unanswered_at: None,
    }
}

fn to_consent(w: &mut Wizard) {
    w.handle(UserEvent::StartSetup, 0);
    w.handle(UserEvent::Next, 0);
    w.handle(
        UserEvent::SubmitCredentials {
            name: "My business".into(),
            client_id: ID.into(),
            client_secret: PastedSecret::new(SECRET),
        },
        0,
    );
    w.handle(UserEvent::Next, 0);
}

#[test]
fn welcome_explains_why_reconnect_is_unavailable() {
    let mut w = wizard();
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![])), 0);
    match w.view().screen {
        Screen::Welcome { reconnect_unavailable: Some(why), .. } => assert!(why.contains("First setup")),
        other => panic!("{other:?}"),
    }
    assert!(w.view().banner.unwrap().contains("Not talking to Xero"));
}

#[test]
fn first_setup_walks_the_numbered_steps() {
    let mut w = wizard();
    w.handle(UserEvent::StartSetup, 0);
    assert_eq!(w.view().progress, Some(StepProgress { step: 1, of: 6 }));
    assert!(matches!(w.view().screen, Screen::CreateApp { reconnect: false, .. }));
    assert!(matches!(&w.handle(UserEvent::OpenPortal, 0)[..], [Effect::OpenUrl(u)] if u.ends_with("/app/manage")));
    w.handle(UserEvent::Next, 0);
    assert_eq!(w.view().progress.unwrap().step, 2);
    // As typed: a trailing space in the secret is a notice, and Next stays enabled.
    w.handle(
        UserEvent::CredentialsEdited {
            name: "My business".into(),
            client_id: ID.into(),
            secret_shape: credentials::secret_shape(&format!("{SECRET} ")),
        },
        0,
    );
    match w.view().screen {
        Screen::Credentials { problems, can_continue, .. } => {
            assert!(can_continue);
            assert_eq!(problems[0].message, "Client secret: 1 trailing space — removed.");
        }
        other => panic!("{other:?}"),
    }
    // Swapped fields block.
    w.handle(
        UserEvent::CredentialsEdited {
            name: "My business".into(),
            client_id: SECRET.into(),
            secret_shape: credentials::secret_shape(ID),
        },
        0,
    );
    assert!(matches!(w.view().screen, Screen::Credentials { can_continue: false, .. }));
    let effects = w.handle(
        UserEvent::SubmitCredentials {
            name: "My business".into(),
            client_id: SECRET.into(),
            client_secret: PastedSecret::new(ID),
        },
        0,
    );
    assert!(effects.is_empty());
    assert_eq!(w.view().progress.unwrap().step, 2, "a blocking problem keeps the user on the step");

    w.handle(
        UserEvent::SubmitCredentials {
            name: "My business".into(),
            client_id: ID.into(),
            client_secret: PastedSecret::new(format!("{SECRET} ")),
        },
        0,
    );
    assert!(matches!(w.view().screen, Screen::Scopes { .. }));
    w.handle(UserEvent::ToggleApi { api: Api::parse("payroll").unwrap() }, 0);
    match w.view().screen {
        Screen::Scopes { scopes, .. } => assert!(scopes.contains(&"payroll.employees".to_string())),
        other => panic!("{other:?}"),
    }
    w.handle(UserEvent::Next, 0);
    assert!(matches!(w.view().screen, Screen::Consent { state: ConsentState::Ready, .. }));
    let effects = w.handle(UserEvent::AllowAccess, 10);
    match &effects[..] {
        [Effect::Setup(req)] => {
            assert_eq!(req.credentials.client_secret.as_ref().unwrap().expose(), SECRET, "trimmed");
            assert!(req.scopes.contains(&"payroll.payruns".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(w.view().busy.unwrap().cancellable);
    // A second click while waiting starts nothing.
    assert!(w.handle(UserEvent::AllowAccess, 11).is_empty());
}

#[test]
fn denial_timeout_and_cancel_come_back_to_the_consent_step() {
    let mut w = wizard();
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    w.apply(
        Outcome::Progress(Step::BrowserOpened { url: "http://127.0.0.1:5055/identity/connect/authorize?x".into() }),
        0,
    );
    assert!(matches!(w.view().screen, Screen::Consent { state: ConsentState::Waiting, url: Some(_), .. }));
    assert!(matches!(&w.handle(UserEvent::OpenAgain, 0)[..], [Effect::OpenUrl(_)]));
    assert!(matches!(&w.handle(UserEvent::Cancel, 0)[..], [Effect::Cancel]));
    w.apply(Outcome::SetupDone(Err(Error::new(ErrorCode::ConsentDenied, "no"))), 0);
    assert!(matches!(w.view().screen, Screen::Consent { state: ConsentState::Denied, .. }));
    assert!(w.view().busy.is_none());
    assert!(matches!(&w.handle(UserEvent::AllowAccess, 0)[..], [Effect::Setup(_)]), "Try again");
    w.apply(Outcome::SetupDone(Err(Error::new(ErrorCode::ConsentTimeout, "late"))), 0);
    match w.view().screen {
        Screen::Consent { state: ConsentState::TimedOut, hints, .. } => {
            assert!(hints[0].contains(DEFAULT_REDIRECT_URI))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn several_organisations_are_chosen_then_tested() {
    let mut w = wizard();
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    let c = conn(&[("t1", "Harbour Bakery"), ("t2", "Harbour Bakery")], None);
    w.apply(Outcome::SetupDone(Ok(SetupOutcome { connection: c.clone() })), 0);
    match w.view().screen {
        Screen::ChooseOrganisation { organisations, .. } => {
            assert_eq!(organisations.len(), 2);
            assert_ne!(organisations[0].tenant_id, organisations[1].tenant_id);
        }
        other => panic!("{other:?}"),
    }
    assert!(w.handle(UserEvent::Next, 0).is_empty());
    assert!(matches!(w.view().screen, Screen::ChooseOrganisation { .. }), "nothing chosen silently");
    let e = w.handle(UserEvent::ChooseOrganisation { tenant_id: "t2".into() }, 0);
    assert!(matches!(&e[..], [Effect::ChooseOrganisation { tenant_id, .. }] if tenant_id == "t2"));
    w.apply(Outcome::OrganisationChosen(Ok(conn(&[("t1", "A"), ("t2", "B")], Some("t2")))), 0);
    w.handle(UserEvent::Next, 0);
    assert!(matches!(w.view().screen, Screen::Test { tenant_id: Some(ref t), .. } if t == "t2"));
}

#[test]
fn test_failures_offer_the_button_that_fixes_them() {
    let mut w = wizard();
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    w.apply(Outcome::SetupDone(Ok(SetupOutcome { connection: conn(&[("t1", "Shop")], Some("t1")) })), 0);
    w.handle(UserEvent::TestConnection { name: None }, 0);
    w.apply(Outcome::Tested(Err(Error::new(ErrorCode::OrganisationDisconnected, "gone"))), 0);
    let err = w.view().error.unwrap();
    let action = err.action.unwrap();
    // The secret was not what failed: it is not asked for again.
    assert_eq!(action.label, "Reconnect with the saved secret");
    assert_eq!(wire(&action.event), serde_json::json!({"event": "reconnect_with_saved_secret", "name": "My business"}));
    w.handle(UserEvent::TestConnection { name: None }, 0);
    w.apply(Outcome::Tested(Err(Error::rate_limited(30, None))), 0);
    let err = w.view().error.unwrap();
    assert_eq!(err.retry_after_secs, Some(30));
    assert_eq!(
        wire(&err.action.unwrap().event),
        serde_json::json!({"event": "test_connection", "name": "My business"})
    );
    // Every action is an event the window may send.
    let back: UserEvent = serde_json::from_value(wire(&action.event)).unwrap();
    assert_eq!(back, action.event);
}

#[test]
fn going_back_keeps_the_accepted_secret_without_showing_it() {
    let mut w = wizard();
    to_consent(&mut w);
    w.handle(UserEvent::Back, 0);
    w.handle(UserEvent::Back, 0);
    match w.view().screen {
        Screen::Credentials { secret_provided, can_continue, .. } => assert!(secret_provided && can_continue),
        other => panic!("{other:?}"),
    }
    w.handle(
        UserEvent::CredentialsEdited { name: "My business".into(), client_id: ID.into(), secret_shape: String::new() },
        0,
    );
    assert!(matches!(w.view().screen, Screen::Credentials { can_continue: true, .. }));
    w.handle(
        UserEvent::SubmitCredentials {
            name: "My business".into(),
            client_id: ID.into(),
            client_secret: PastedSecret::new(""),
        },
        0,
    );
    w.handle(UserEvent::Next, 0);
    match &w.handle(UserEvent::AllowAccess, 0)[..] {
        [Effect::Setup(req)] => assert_eq!(req.credentials.client_secret.as_ref().unwrap().expose(), SECRET),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_view_never_carries_the_secret() {
    let mut w = wizard();
    let mut seen = Vec::new();
    to_consent(&mut w);
    seen.push(json(&w));
    w.handle(UserEvent::AllowAccess, 0);
    seen.push(json(&w));
    w.handle(UserEvent::Back, 0);
    seen.push(json(&w));
    for v in seen {
        assert!(!v.contains(SECRET) && !v.contains(&SECRET[..20]), "{v}");
    }
}

#[test]
fn practice_credentials_fill_in_without_showing_the_secret() {
    let practice = PracticeCredentials { client_id: ID.into(), client_secret: Secret::new(SECRET) };
    let options = WizardOptions { practice: Some(practice), ..WizardOptions::default() };
    let mut w = Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), options);
    w.handle(UserEvent::StartSetup, 0);
    w.handle(UserEvent::Next, 0);
    w.handle(UserEvent::FillPracticeCredentials, 0);
    match w.view().screen {
        Screen::Credentials { client_id, secret_provided, can_continue, .. } => {
            assert_eq!(client_id, ID);
            assert!(secret_provided && can_continue);
        }
        other => panic!("{other:?}"),
    }
    assert!(!json(&w).contains(SECRET));
    assert!(w.view().banner.unwrap().starts_with("Practice mode"));
    w.handle(
        UserEvent::SubmitCredentials { name: "p".into(), client_id: ID.into(), client_secret: PastedSecret::new("") },
        0,
    );
    w.handle(UserEvent::Next, 0);
    match &w.handle(UserEvent::AllowAccess, 0)[..] {
        [Effect::Setup(req)] => assert_eq!(req.credentials.client_secret.as_ref().unwrap().expose(), SECRET),
        other => panic!("{other:?}"),
    }
}

fn error_of(w: &Wizard) -> ErrorView {
    w.view().error.expect("an error is shown")
}

#[test]
fn a_taken_or_invalid_name_is_a_problem_of_the_name_field() {
    let mut w = wizard();
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("t1", "Shop")], Some("t1"))])), 0);
    w.handle(UserEvent::StartSetup, 0);
    w.handle(UserEvent::Next, 0);
    for (name, words) in [("my BUSINESS", "already exists"), ("-x", "cannot be a connection name")] {
        w.handle(
            UserEvent::CredentialsEdited { name: name.into(), client_id: ID.into(), secret_shape: String::new() },
            0,
        );
        match w.view().screen {
            Screen::Credentials { problems, can_continue, .. } => {
                assert!(!can_continue);
                let p = problems.iter().find(|p| p.message.contains(words)).expect("the name problem");
                assert_eq!(p.field, credentials::Field::Name, "shown under the name field, not the Client ID");
                assert!(problems
                    .iter()
                    .filter(|p| p.field == credentials::Field::ClientId)
                    .all(|p| p.severity != Severity::Blocking));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn credentials_xero_refuses_before_consent_bring_the_user_back_to_them() {
    let mut w = wizard();
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    w.apply(Outcome::Progress(Step::CheckingCredentials { with_secret: true }), 0);
    assert_eq!(w.view().busy.unwrap().label, "Checking the Client ID and secret with Xero…");
    w.apply(Outcome::SetupDone(Err(AppType::Web.credentials_refused())), 0);
    assert!(matches!(w.view().screen, Screen::Credentials { secret_provided: false, .. }));
    assert_eq!(error_of(&w).code.as_str(), "invalid_client");

    // Another app type's credentials: the one button goes to the choice of app type.
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    w.apply(Outcome::SetupDone(Err(Error::wrong_app_type())), 0);
    let action = error_of(&w).action.expect("an action");
    assert_eq!(wire(&action.event), serde_json::json!({"event": "change_app_type"}));
    let event: UserEvent = serde_json::from_value(wire(&action.event)).unwrap();
    w.handle(event, 0);
    assert!(matches!(w.view().screen, Screen::CreateApp { reconnect: false, .. }));
    assert_eq!(w.view().progress.unwrap().step, 1);
}

#[test]
fn remedies_become_buttons_never_options() {
    let mut w = wizard();
    let unchosen = conn(&[("t1", "Harbour Bakery"), ("t2", "Harbour Bakery")], None);
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![unchosen])), 0);
    w.handle(UserEvent::OpenConnections, 0);
    w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
    let e = Error::new(ErrorCode::OrganisationChoiceNeeded, "Choose which organisation \"My business\" should use.")
        .with_remedy(Remedy::ChooseOrganisation { connection: "My business".into() });
    w.apply(Outcome::Tested(Err(e)), 0);
    let action = error_of(&w).action.unwrap();
    assert_eq!(action.label, "Choose the organisation");
    w.handle(action.event, 0);
    match w.view().screen {
        Screen::ChooseOrganisation { organisations, .. } => assert_eq!(organisations.len(), 2),
        other => panic!("{other:?}"),
    }

    // A busy port at the consent step: try again once the port is free.
    let mut w = wizard();
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    let busy = Error::new(ErrorCode::PortBusy, "Port 8749 is in use by another program.")
        .with_remedy(Remedy::RegisterRedirectUri);
    w.apply(Outcome::SetupDone(Err(busy)), 0);
    let err = error_of(&w);
    assert_eq!(wire(&err.action.unwrap().event), serde_json::json!({"event": "allow_access"}));
    let json = serde_json::to_string(&w.view()).unwrap();
    assert!(!json.contains("--redirect-uri") && !json.contains("xero-connect "), "{json}");
}

#[test]
fn a_test_waiting_for_another_programs_refresh_can_be_cancelled() {
    let mut w = wizard();
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("t1", "Shop")], Some("t1"))])), 0);
    w.handle(UserEvent::OpenConnections, 0);
    w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
    assert!(!w.view().busy.unwrap().cancellable);
    assert!(w.handle(UserEvent::Cancel, 0).is_empty(), "a plain call is not cancelled half-way");
    w.apply(Outcome::Progress(Step::WaitingForOtherRefresh { timeout_secs: 30 }), 0);
    let busy = w.view().busy.unwrap();
    assert!(busy.cancellable && busy.label.contains("30 seconds"), "{busy:?}");
    assert!(matches!(&w.handle(UserEvent::Cancel, 0)[..], [Effect::Cancel]));
    w.apply(Outcome::Tested(Err(Error::new(ErrorCode::Cancelled, "cancelled"))), 0);
    assert!(w.view().busy.is_none() && w.view().error.is_none());
    // Once the lock is taken the refresh must finish: no Cancel then.
    w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
    w.apply(Outcome::Progress(Step::WaitingForOtherRefresh { timeout_secs: 30 }), 0);
    w.apply(Outcome::Progress(Step::Refreshing), 0);
    assert!(!w.view().busy.unwrap().cancellable);
}

#[test]
fn an_organisation_gone_is_explained_and_its_namesake_must_be_chosen() {
    let mut w = wizard();
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("old-id", "Demo Company (AU)")], Some("old-id"))])), 0);
    w.handle(UserEvent::StartReconnect { name: "My business".into(), granular_scopes: false }, 0);
    w.handle(UserEvent::Next, 0);
    w.handle(
        UserEvent::SubmitCredentials {
            name: "My business".into(),
            client_id: ID.into(),
            client_secret: PastedSecret::new(SECRET),
        },
        0,
    );
    let why = "Demo Company (AU) (ID old-id) is no longer connected to this app.";
    w.apply(Outcome::Progress(Step::OrganisationGone { message: why.into() }), 0);
    match w.view().screen {
        Screen::Consent { state: ConsentState::Waiting, reason: Some(r), .. } => assert_eq!(r, why),
        other => panic!("{other:?}"),
    }
    let reset = conn(&[("new-id", "Demo Company (AU)")], None);
    let gone = conn(&[("old-id", "Demo Company (AU)")], Some("old-id")).organisations.remove(0);
    w.apply(
        Outcome::ReconnectDone(Ok(crate::flows::ReconnectOutcome {
            connection: reset,
            method: crate::flows::ReconnectMethod::Consent,
            organisation_gone: Some(gone),
        })),
        0,
    );
    match w.view().screen {
        Screen::ChooseOrganisation { organisations, reason } => {
            assert_eq!(organisations.len(), 1, "one organisation, still chosen by the user");
            assert_eq!(organisations[0].tenant_id, "new-id", "with its new ID shown");
            let reason = reason.unwrap();
            assert!(reason.contains("old-id") && reason.contains("Choose") && reason.contains("new ID"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(w.handle(UserEvent::Next, 0).is_empty(), "not taken silently");
}

#[test]
fn user_events_parse_from_the_windows_json_and_refuse_unknown_fields() {
    let e: UserEvent = serde_json::from_str(r#"{"event":"start_reconnect","name":"shop"}"#).unwrap();
    assert_eq!(e, UserEvent::StartReconnect { name: "shop".into(), granular_scopes: false });
    assert!(serde_json::from_str::<UserEvent>(r#"{"event":"setup_done"}"#).is_err(), "outcomes cannot be sent");
    assert!(serde_json::from_str::<UserEvent>(r#"{"event":"start_reconnect","name":"x","extra":1}"#).is_err());
}

#[test]
fn switching_to_granular_scopes_reconnects_asking_for_them_and_only_when_broad_ones_are_held() {
    let reconnect_scopes = |scopes: &[&str], granular_scopes: bool| {
        let mut w = wizard();
        let mut c = conn(&[("t1", "Demo Company (AU)")], Some("t1"));
        c.scopes = scopes.iter().map(|s| s.to_string()).collect();
        w.apply(Outcome::ConnectionsLoaded(Ok(vec![c])), 0);
        w.handle(UserEvent::StartReconnect { name: "My business".into(), granular_scopes }, 0);
        w.handle(UserEvent::Next, 0);
        let effects = w.handle(
            UserEvent::SubmitCredentials {
                name: "My business".into(),
                client_id: ID.into(),
                client_secret: PastedSecret::new(SECRET),
            },
            0,
        );
        match effects.into_iter().next() {
            Some(Effect::Reconnect(r)) => r.scopes,
            other => panic!("{other:?}"),
        }
    };
    let broad = ["offline_access", "accounting.transactions", "accounting.contacts"];
    let asked = reconnect_scopes(&broad, true).expect("new scopes, so a new consent");
    assert!(
        asked.contains(&"accounting.invoices".to_string()) && !asked.contains(&"accounting.transactions".to_string())
    );
    assert!(asked.contains(&"accounting.contacts".to_string()), "the rest is kept: {asked:?}");
    assert_eq!(reconnect_scopes(&broad, false), None, "a plain reconnect keeps the saved scopes");
    assert_eq!(reconnect_scopes(&["accounting.invoices"], true), None, "nothing broad: nothing to switch");
}

#[test]
fn each_connection_says_until_when_it_stays_valid_as_of_when_the_list_was_read() {
    let mut w = wizard();
    let mut c = conn(&[("t1", "Demo Company (AU)")], Some("t1"));
    c.refreshed_at = Some("2026-10-01T00:00:00Z".into());
    let read_at_ms = humantime::parse_rfc3339("2026-11-25T00:00:00Z")
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![c])), read_at_ms);
    w.handle(UserEvent::OpenConnections, read_at_ms);
    match w.view().screen {
        Screen::Connections { connections, .. } => {
            let a = connections[0].authorisation.as_ref().unwrap();
            assert_eq!((a.state, a.days_left), (crate::connection::ValidityState::ExpiringSoon, 5));
            assert!(connections[0].authorisation_action.as_deref().unwrap().contains("Test Connection"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_submitted_secret_never_shows_in_debug_output() {
    let event: UserEvent = serde_json::from_value(serde_json::json!({
        "event": "submit_credentials", "name": "My business", "client_id": ID, "client_secret": SECRET
    }))
    .unwrap();
    let shown = format!("{event:?}");
    assert!(!shown.contains(SECRET) && shown.contains("[redacted]"), "{shown}");
    let UserEvent::SubmitCredentials { client_secret, .. } = &event else { panic!("{shown}") };
    assert_eq!(client_secret.0.expose(), SECRET);
    assert!(!serde_json::to_string(&event).unwrap().contains(SECRET), "never serialised back");
}

#[test]
fn a_pasted_address_reaches_the_waiting_consent_only_and_a_refusal_sits_under_its_field() {
    let mut w = wizard();
    let paste = |w: &mut Wizard| {
        w.handle(
            UserEvent::PasteAddress { address: PastedSecret::new("http://localhost:8749/callback?code=c&state=s") },
            0,
        )
    };
    assert!(paste(&mut w).is_empty(), "nothing waits on the welcome screen");
    to_consent(&mut w);
    w.handle(UserEvent::AllowAccess, 0);
    w.apply(Outcome::Progress(Step::BrowserOpened { url: "https://login.xero.com/x".into() }), 0);
    let effects = paste(&mut w);
    assert!(matches!(effects.as_slice(), [Effect::Paste(a)] if a.expose().contains("code=c")), "{effects:?}");
    assert!(!format!("{effects:?}").contains("code=c"), "the effect's Debug hides the address");
    w.apply(Outcome::Progress(Step::PasteRefused { message: "That address is not this one.".into() }), 0);
    match w.view().screen {
        Screen::Consent { state: ConsentState::Waiting, paste_problem: Some(p), .. } => {
            assert_eq!(p, "That address is not this one.")
        }
        other => panic!("{other:?}"),
    }
    assert!(w.view().busy.is_some(), "the wait goes on");
}

#[test]
fn reconnecting_a_web_connection_under_a_custom_only_profile_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.toml");
    std::fs::write(
        &path,
        "[product]\nname = \"Tally\"\ncompany_url = \"https://t.example\"\napp_name = \"Tally\"\n\
         support = \"help@t.example\"\n[xero]\napp_types = [\"custom\"]\nscopes = [\"accounting.settings.read\"]\n",
    )
    .unwrap();
    let profile = crate::profile::load(&path).unwrap();
    let options = WizardOptions { profile: Some(profile), ..Default::default() };
    let mut w = Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), options);
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![conn(&[("t1", "Shop")], Some("t1"))])), 0);
    let effects = w.handle(UserEvent::StartReconnect { name: "My business".into(), granular_scopes: false }, 0);
    assert!(effects.is_empty());
    let view = serde_json::to_value(w.view()).unwrap();
    assert_eq!(view["error"]["code"], "invalid_profile", "{view}");
    // Even forced onto the consent step, the view renders without a redirect URI.
    w.stage = super::state::Stage::Consent;
    assert_eq!(serde_json::to_value(w.view()).unwrap()["screen"]["redirect_uri"], serde_json::Value::Null);
}

/// What the runner's memory would receive next, as JSON (`None`: nothing changed).
fn kept_change(w: &mut Wizard) -> Option<Option<serde_json::Value>> {
    w.take_unfinished_change().map(|k| k.map(|u| serde_json::to_value(u).unwrap()))
}

#[test]
fn an_unfinished_setup_is_kept_without_its_secret_and_continued_from_welcome() {
    let mut w = wizard();
    assert_eq!(kept_change(&mut w), None, "nothing to keep on Welcome");
    w.handle(UserEvent::StartSetup, 0);
    assert_eq!(kept_change(&mut w).unwrap().unwrap()["step"], "create_app");
    w.handle(UserEvent::Next, 0);
    let edited = UserEvent::CredentialsEdited {
        name: "Shop".into(),
        client_id: ID.into(),
        secret_shape: credentials::secret_shape(SECRET),
    };
    w.handle(edited.clone(), 0);
    let kept = kept_change(&mut w).unwrap().unwrap();
    assert_eq!(kept["name"], "Shop");
    assert_eq!(kept["client_id"], ID);
    assert_eq!(kept["step"], "credentials");
    w.handle(edited, 0);
    assert_eq!(kept_change(&mut w), None, "an unchanged setup is not written again");
    let submit = UserEvent::SubmitCredentials {
        name: "Shop".into(),
        client_id: ID.into(),
        client_secret: PastedSecret::new(SECRET),
    };
    w.handle(submit, 0);
    w.handle(UserEvent::ToggleApi { api: Api::parse("projects").unwrap() }, 0);
    let kept = kept_change(&mut w).unwrap().unwrap();
    assert_eq!(kept["step"], "scopes");
    assert_eq!(kept["apis"], serde_json::json!(["accounting", "projects"]));
    assert!(!kept.to_string().contains(SECRET), "never the secret: {kept}");
    let kept: super::UnfinishedSetup = serde_json::from_value(kept).unwrap();

    // The window is closed and opened again: Welcome offers to continue.
    let options = WizardOptions { unfinished: Some(kept.clone()), ..WizardOptions::default() };
    let mut w = Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), options);
    assert_eq!(kept_change(&mut w), None, "what the window started with is not written back");
    match w.view().screen {
        Screen::Welcome { unfinished: Some(u), .. } => {
            assert_eq!(u.name, "Shop");
            assert!(u.text.contains("step 3 of 6") && u.text.contains("Paste the client secret again"), "{}", u.text);
        }
        other => panic!("{other:?}"),
    }
    w.handle(UserEvent::ContinueSetup, 0);
    match w.view().screen {
        Screen::Credentials { name, client_id, secret_provided, prefill, .. } => {
            assert_eq!((name.as_str(), client_id.as_str(), secret_provided), ("Shop", ID, false));
            assert!(prefill > 0, "the window fills the inputs in");
        }
        other => panic!("the secret is asked for again first: {other:?}"),
    }
    w.handle(
        UserEvent::SubmitCredentials {
            name: "Shop".into(),
            client_id: ID.into(),
            client_secret: PastedSecret::new(SECRET),
        },
        0,
    );
    match w.view().screen {
        Screen::Scopes { apis, .. } => {
            let ticked: Vec<Api> = apis.iter().filter(|a| a.checked).map(|a| a.api).collect();
            assert_eq!(ticked, vec![Api::ACCOUNTING, Api::parse("projects").unwrap()], "the chosen APIs came back");
        }
        other => panic!("{other:?}"),
    }
    w.handle(UserEvent::Next, 0);
    w.handle(UserEvent::AllowAccess, 0);
    let _ = kept_change(&mut w);
    w.apply(Outcome::SetupDone(Ok(SetupOutcome { connection: conn(&[("t1", "Shop")], Some("t1")) })), 0);
    assert_eq!(kept_change(&mut w), Some(None), "a finished setup is forgotten");
    w.handle(UserEvent::Home, 0);
    assert!(matches!(w.view().screen, Screen::Welcome { unfinished: None, .. }));
}

#[test]
fn a_secret_pasted_into_the_name_or_client_id_field_is_not_kept() {
    let mut w = wizard();
    w.handle(UserEvent::StartSetup, 0);
    w.handle(UserEvent::Next, 0);
    for (name, client_id) in [("Shop", format!("Client secret: {SECRET}")), (SECRET, ID.to_string())] {
        let edited = UserEvent::CredentialsEdited { name: name.into(), client_id, secret_shape: String::new() };
        w.handle(edited, 0);
        let kept = kept_change(&mut w).unwrap().unwrap();
        assert!(!kept.to_string().contains(SECRET), "the secret was kept: {kept}");
        assert!(kept["name"] == "" || kept["client_id"] == "", "the field holding it is kept empty: {kept}");
        assert!(kept["name"] == "Shop" || kept["client_id"] == ID, "the other field is kept: {kept}");
    }
}

#[test]
fn an_app_without_a_secret_continues_on_the_step_it_reached() {
    let kept = super::UnfinishedSetup {
        name: "Till".into(),
        client_id: ID.into(),
        app_type: AppType::Pkce,
        apis: vec![Api::ACCOUNTING],
        step: super::SetupStep::AllowAccess,
    };
    let options = WizardOptions { unfinished: Some(kept), ..WizardOptions::default() };
    let mut w = Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), options);
    w.handle(UserEvent::ContinueSetup, 0);
    assert!(matches!(w.view().screen, Screen::Scopes { .. }), "{:?}", w.view().screen);
    w.handle(UserEvent::Next, 0);
    let effects = w.handle(UserEvent::AllowAccess, 0);
    assert!(matches!(&effects[..], [Effect::Setup(r)] if r.name == "Till" && r.app_type == AppType::Pkce));
}

#[test]
fn practice_mode_keeps_nothing() {
    let practice = PracticeCredentials { client_id: ID.into(), client_secret: Secret::new(SECRET) };
    let options = WizardOptions { practice: Some(practice), ..WizardOptions::default() };
    let mut w = Wizard::new(Endpoints::all_at("http://127.0.0.1:5055").unwrap(), options);
    w.handle(UserEvent::StartSetup, 0);
    w.handle(UserEvent::Next, 0);
    assert_eq!(kept_change(&mut w), None);
    assert!(w.unfinished().is_none());
}

#[test]
fn reconnect_with_the_saved_secret_skips_the_paste_and_asks_for_one_only_if_xero_refuses_it() {
    let mut w = wizard();
    let c = conn(&[("t1", "Shop")], Some("t1"));
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![c.clone()])), 0);
    let effects = w.handle(UserEvent::ReconnectWithSavedSecret { name: "My business".into() }, 0);
    match &effects[..] {
        [Effect::Reconnect(r)] => assert!(matches!(r.credentials, crate::flows::NewCredentials::Saved)),
        other => panic!("{other:?}"),
    }
    let v = w.view();
    assert_eq!(v.busy.as_ref().unwrap().label, "Checking the saved secret with Xero…");
    // Xero refused it after all (regenerated meanwhile): the credentials step asks for one.
    w.apply(Outcome::ReconnectDone(Err(Error::new(ErrorCode::InvalidClient, "refused"))), 0);
    let v = w.view();
    assert!(matches!(v.screen, Screen::Credentials { secret_provided: false, .. }), "{:?}", v.screen);
    assert_eq!(v.error.unwrap().code, ErrorCode::InvalidClient);
    let effects = w.handle(
        UserEvent::SubmitCredentials {
            name: "My business".into(),
            client_id: ID.into(),
            client_secret: PastedSecret::new(SECRET),
        },
        0,
    );
    assert!(
        matches!(&effects[..], [Effect::Reconnect(r)] if matches!(r.credentials, crate::flows::NewCredentials::Pasted(_)))
    );
    // No secret kept (removed from the keychain by hand): it is asked for, not tried again.
    let mut w = wizard();
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![c.clone()])), 0);
    w.handle(UserEvent::ReconnectWithSavedSecret { name: "My business".into() }, 0);
    w.apply(Outcome::ReconnectDone(Err(Error::new(ErrorCode::CredentialProblem, "none kept"))), 0);
    assert!(matches!(w.view().screen, Screen::Credentials { secret_provided: false, can_continue: false, .. }));
    let empty = UserEvent::SubmitCredentials {
        name: "My business".into(),
        client_id: ID.into(),
        client_secret: PastedSecret::new(""),
    };
    assert!(w.handle(empty, 0).is_empty(), "an empty field is not the saved secret again");
    // An app without a secret keeps plain Reconnect.
    let mut w = wizard();
    w.apply(Outcome::ConnectionsLoaded(Ok(vec![Connection { app_type: AppType::Pkce, ..c }])), 0);
    w.handle(UserEvent::TestConnection { name: Some("My business".into()) }, 0);
    w.apply(Outcome::Tested(Err(Error::new(ErrorCode::InvalidGrant, "lapsed"))), 0);
    assert_eq!(w.view().error.unwrap().action.unwrap().label, "Reconnect");
}
