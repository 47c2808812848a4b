//! The view of the wizard's state: which screen, "Step N of M", the banner, the work in flight,
//! and the failure with the one button that fixes it. Built fresh after every change; reading
//! the state only.

use super::events::UserEvent;
use super::state::{Journey, Stage, Wizard};
use super::view::*;
use super::words;
use crate::apis::Api;
use crate::connection::{removal_warning, Connection};
use crate::credentials::{Field, Problem, ProblemKind, Severity};
use crate::error::{Error, ErrorCode, Remedy};
use crate::registration::RegistrationGuide;
use std::sync::atomic::{AtomicU64, Ordering};

/// Numbers views in the order they are built. One count for the whole process: a window whose
/// wizard is replaced (practice mode) must still find the new wizard's views newer than the old
/// one's, and the runner builds views under the state's lock, so numbers follow the states.
static VIEWS_BUILT: AtomicU64 = AtomicU64::new(0);

impl Wizard {
    /// What the window shows now, numbered (see [`View::seq`]).
    pub fn view(&self) -> View {
        let banner = self.config.endpoints.override_notice().map(|n| match &self.config.practice {
            Some(_) => words::PRACTICE_BANNER.to_string(),
            None => n,
        });
        let error = self.error.as_ref().map(|e| self.error_view(e));
        View {
            seq: VIEWS_BUILT.fetch_add(1, Ordering::SeqCst) + 1,
            screen: self.screen(error.as_ref()),
            progress: self.progress(),
            banner,
            practice: self.config.practice.is_some(),
            busy: self.busy.clone(),
            error,
            product: self.config.profile.as_ref().map(|p| p.product.clone()),
            support: self.config.profile.as_ref().map(|p| p.support.clone()),
        }
    }

    fn progress(&self) -> Option<StepProgress> {
        self.journey.step_of(self.stage)
    }

    fn summaries(&self) -> Vec<ConnectionSummary> {
        self.saved.list.iter().map(|c| summary(c, self.saved.loaded_at_ms / 1000)).collect()
    }

    /// The screen; `error` is the failure as the view shows it (Test Connection's own button
    /// steps aside when the error's button already tests again).
    fn screen(&self, error: Option<&ErrorView>) -> Screen {
        match self.stage {
            Stage::Welcome => Screen::Welcome {
                connections: self.summaries(),
                reconnect_unavailable: self.saved.list.is_empty().then(|| words::NOTHING_TO_RECONNECT.to_string()),
                unfinished: self.unfinished().map(|u| UnfinishedView {
                    name: u.name.clone(),
                    text: words::unfinished_setup(u, self.step_of(u)),
                }),
            },
            Stage::CreateApp => self.create_app_screen(),
            Stage::Credentials => self.credentials_screen(),
            Stage::Scopes => Screen::Scopes {
                apis: match &self.config.profile {
                    Some(_) => Vec::new(),
                    None => Api::ALL
                        .iter()
                        .map(|a| ApiChoice { api: *a, label: a.label().into(), checked: self.draft.apis.contains(a) })
                        .collect(),
                },
                scopes: self.scopes(),
                fixed_by: self.config.profile.as_ref().map(|p| p.product.clone()),
            },
            Stage::Consent => Screen::Consent {
                state: self.consent.state,
                url: self.consent.url.clone(),
                redirect_uri: self
                    .consent
                    .listening_on
                    .clone()
                    .or_else(|| self.config.redirect_uris.first().map(|u| u.as_str().to_string())),
                hints: self.consent.hints.clone(),
                reason: self.consent.notice.clone(),
                paste_problem: self.consent.paste_problem.clone(),
                https_forced: self.consent.https_forced.clone(),
            },
            Stage::ChooseOrganisation => self.choose_organisation_screen(),
            Stage::Test => Screen::Test {
                connection: self.subject.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                organisation: self.subject.as_ref().and_then(|c| c.organisation()).map(|o| o.name.clone()),
                tenant_id: self.subject.as_ref().and_then(|c| c.tenant_id.clone()),
                result: self.testing.result.clone(),
                offer_test: !error
                    .and_then(|e| e.action.as_ref())
                    .is_some_and(|a| matches!(a.event, UserEvent::TestConnection { .. })),
            },
            Stage::Checkup => self.checkup_screen(),
            Stage::Connections => Screen::Connections {
                connections: self.summaries(),
                confirm_disconnect: self.saved.confirm_disconnect.as_ref().map(|name| DisconnectConfirmation {
                    name: name.clone(),
                    text: match self.saved.list.iter().find(|c| &c.name == name) {
                        Some(c) => c.removal_warning(),
                        None => removal_warning(&[]),
                    },
                }),
            },
        }
    }

    /// The portal's steps: creating the app (first setup) or generating another secret.
    fn create_app_screen(&self) -> Screen {
        let reconnect = self.journey == Journey::Reconnect;
        Screen::CreateApp {
            guide: match &self.config.profile {
                Some(p) => {
                    RegistrationGuide::for_profile(&self.config.endpoints, p, self.draft.app_type, &self.scopes())
                }
                None => RegistrationGuide::new(
                    &self.config.endpoints,
                    Some(&self.connection_name()),
                    self.draft.app_type,
                    &self.config.redirect_uris,
                    &self.scopes(),
                ),
            },
            reconnect,
            reconnect_steps: if reconnect {
                words::reconnect_steps(&self.config.endpoints, &self.draft.client_id)
            } else {
                Vec::new()
            },
        }
    }

    /// The inputs with their findings; a name problem is shown first, under its field.
    fn credentials_screen(&self) -> Screen {
        let mut problems = self.draft.problems.clone();
        if let Some(p) = &self.draft.name_problem {
            problems.insert(
                0,
                Problem {
                    field: Field::Name,
                    severity: Severity::Blocking,
                    kind: ProblemKind::ConnectionName,
                    message: p.clone(),
                },
            );
        }
        let setup = self.journey == Journey::Setup;
        Screen::Credentials {
            name: if setup { self.draft.name.clone() } else { self.connection_name() },
            name_editable: setup,
            app_type: self.draft.app_type,
            client_id: self.draft.client_id.clone(),
            secret_needed: self.draft.app_type.has_secret(),
            secret_provided: self.draft.secret_provided,
            can_continue: self.can_continue(),
            problems,
            practice_fill_available: self.config.practice.is_some() && setup,
            prefill: self.draft.prefilled,
        }
    }

    /// The connection's organisations, the chosen one marked.
    fn choose_organisation_screen(&self) -> Screen {
        let (orgs, chosen) = match &self.subject {
            Some(c) => (c.organisations.clone(), c.tenant_id.clone()),
            None => (Vec::new(), None),
        };
        Screen::ChooseOrganisation {
            organisations: orgs
                .into_iter()
                .map(|o| OrganisationChoice {
                    selected: chosen.as_deref() == Some(o.tenant_id.as_str()),
                    tenant_id: o.tenant_id,
                    name: o.name,
                    tenant_type: o.tenant_type,
                })
                .collect(),
            reason: self.consent.notice.clone(),
        }
    }

    /// "Check this computer": each finding with what to do, and the report to copy.
    fn checkup_screen(&self) -> Screen {
        let report = self.checkup.report.as_ref();
        Screen::Checkup {
            findings: report
                .map(|r| {
                    r.findings
                        .iter()
                        .map(|f| FindingView {
                            check: f.check,
                            status: f.status,
                            title: f.title.clone(),
                            detail: f.detail.clone(),
                            action: f.remedy.as_ref().and_then(words::remedy_action),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            worst: report.map(|r| r.worst()),
            report: report.map(|r| r.text()),
        }
    }

    /// The failure in words, with the one button that fixes it: from the core's remedy when it
    /// names one, else from the code.
    fn error_view(&self, e: &Error) -> ErrorView {
        let name = self.testing.name.clone().or_else(|| self.subject.as_ref().map(|c| c.name.clone()));
        let action = |label: &str, event: UserEvent| Some(Action { label: label.into(), event });
        // Every remedy is named here, so a new one does not compile until it has its button
        // (or its reason for none).
        let by_remedy = e.remedy().and_then(|remedy| match remedy {
            Remedy::ChooseOrganisation { connection } => {
                action("Choose the organisation", UserEvent::ChooseOrganisationOf { name: connection.clone() })
            }
            Remedy::ChooseAppType if self.journey == Journey::Setup => {
                action("Choose the app type", UserEvent::ChangeAppType)
            }
            Remedy::Reconnect { connection } => Some(self.reconnect_action(e.code(), connection)),
            Remedy::RegisterRedirectUri if self.stage == Stage::Consent => action("Try again", UserEvent::AllowAccess),
            Remedy::SetUp => action("First setup", UserEvent::StartSetup),
            // The network between this computer and Xero: its own checks say what they see.
            Remedy::CheckComputer | Remedy::TrustNetworkCertificate { .. } | Remedy::ProxySignIn => {
                action(words::CHECK_COMPUTER, UserEvent::CheckComputer)
            }
            // Outside a setup the app type is not asked; the redirect URI is registered in Xero's
            // portal, and the keychain and identity host are changed outside the window: the
            // words say what to do, and the code's own button (below) may still apply.
            Remedy::ChooseAppType
            | Remedy::RegisterRedirectUri
            | Remedy::UnlockKeychain
            | Remedy::ConfirmIdentityHost => None,
        });
        let reconnect = name.clone().map(|name| UserEvent::StartReconnect { name, granular_scopes: false });
        let action = by_remedy.or_else(|| match e.code() {
            ErrorCode::InvalidClient => reconnect.and_then(|ev| action("Edit credentials", ev)),
            ErrorCode::InvalidGrant | ErrorCode::OrganisationDisconnected => {
                name.as_ref().map(|name| self.reconnect_action(e.code(), name))
            }
            ErrorCode::MissingScope => reconnect.and_then(|ev| action("Reconnect", ev)),
            ErrorCode::RateLimited
            | ErrorCode::XeroUnavailable
            | ErrorCode::NoNetwork
            | ErrorCode::RefreshInProgress
                if self.testing.name.is_some() =>
            {
                action("Try again", UserEvent::TestConnection { name })
            }
            _ => None,
        });
        // The consent step tells a denial or a timeout itself, with "Try again" as its button.
        let told_by_screen = self.stage == Stage::Consent
            && matches!(self.consent.state, ConsentState::Denied | ConsentState::TimedOut)
            && action.as_ref().is_none_or(|a| a.event == UserEvent::AllowAccess);
        ErrorView {
            code: e.code(),
            message: e.message().to_string(),
            told_by_screen,
            action,
            retry_after_secs: e.retry_after_secs(),
        }
    }
}

impl Wizard {
    /// The button that repairs `connection` after a failure with `code`: when the authorisation
    /// failed but the secret did not (an organisation disconnected inside Xero, a lapsed or
    /// revoked refresh token) and the app has a secret, it reconnects with the saved one instead
    /// of asking to paste it again; otherwise it opens Reconnect.
    fn reconnect_action(&self, code: ErrorCode, connection: &str) -> Action {
        let saved = self.saved.list.iter().chain(&self.subject).find(|c| c.name == connection);
        let has_secret = saved.is_some_and(|c| c.app_type.has_secret());
        let secret_still_good = matches!(code, ErrorCode::OrganisationDisconnected | ErrorCode::InvalidGrant);
        let name = connection.to_string();
        if has_secret && secret_still_good {
            Action {
                label: words::RECONNECT_WITH_SAVED_SECRET.into(),
                event: UserEvent::ReconnectWithSavedSecret { name },
            }
        } else {
            Action { label: "Reconnect".into(), event: UserEvent::StartReconnect { name, granular_scopes: false } }
        }
    }
}

/// A saved connection as its row shows it, its validity as of `now_secs`.
fn summary(c: &Connection, now_secs: u64) -> ConnectionSummary {
    let (status, ok) = match &c.last_test {
        None => ("Not tested yet", None),
        Some(t) if t.ok => ("Connected", Some(true)),
        Some(_) => ("Test failed", Some(false)),
    };
    let authorisation = c.validity(now_secs);
    ConnectionSummary {
        name: c.name.clone(),
        organisation: c.organisation().map(|o| o.name.clone()),
        tenant_id: c.tenant_id.clone(),
        app_type: c.app_type,
        status: status.to_string(),
        last_test: c.last_test.as_ref().map(|t| t.summary()),
        last_test_ok: ok,
        authorisation_action: authorisation.as_ref().and_then(|v| words::authorisation_action(v.state)),
        authorisation,
        broad_scopes: c.broad_scope_warning().map(|w| format!("{w} {}", words::SWITCH_TO_GRANULAR)),
    }
}
