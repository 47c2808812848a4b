//! Everything the simulated Xero remembers: apps and their secrets, organisations,
//! users, pending consents, authorization codes, grants, refresh and access tokens,
//! connections, queued faults, rate-limit windows and the request log. One mutex
//! guards it all; handlers lock briefly and never across an `.await`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::clock::Clock;
use crate::model::{AppKind, AppSpec, Consent, Endpoint, FaultKind, LoggedRequest, OrgSpec, User};
use crate::tokens::Signer;

/// State shared by the server tasks and the `Simulator` handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) clock: Clock,
    pub(crate) signer: &'static Signer,
    /// Origin, e.g. `http://127.0.0.1:41234`.
    pub(crate) base_url: String,
    /// The tokens' issuer: the origin clients reach the identity service at (the base URL, or
    /// the https origin once `serve_https` runs), as Xero's tokens name its identity host.
    pub(crate) issuer: Mutex<String>,
}

impl Shared {
    /// The current issuer.
    pub(crate) fn issuer(&self) -> String {
        self.issuer.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Shared {
    /// Locks the state, recovering from a poisoned lock (a panicking test thread
    /// must not take the whole simulator down with it).
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A registered app.
#[derive(Debug, Clone)]
pub(crate) struct AppRec {
    /// Portal GUID (not the client id, as in Xero).
    pub(crate) guid: String,
    pub(crate) spec: AppSpec,
    /// At most two live secrets ("Client secret 1/2").
    pub(crate) secrets: Vec<String>,
    /// authEventId of a custom connection's standing authorisation.
    pub(crate) custom_auth_event: String,
    /// The user nominated for a custom connection.
    pub(crate) custom_user: String,
}

/// An organisation.
#[derive(Debug, Clone)]
pub(crate) struct OrgRec {
    pub(crate) tenant_id: String,
    pub(crate) spec: OrgSpec,
    pub(crate) created_ms: u64,
    pub(crate) short_code: String,
    pub(crate) api_key: String,
    /// A Xero Practice Manager tenant (`tenantType` `PRACTICE`, no `tenantName`), not an
    /// organisation's books.
    pub(crate) practice: bool,
}

/// A Xero user with a stable id.
#[derive(Debug, Clone)]
pub(crate) struct UserRec {
    pub(crate) id: String,
    pub(crate) user: User,
}

/// An authorize request waiting for the consent form.
#[derive(Debug, Clone)]
pub(crate) struct PendingConsent {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) state: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) user_id: String,
    pub(crate) created_ms: u64,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
pub(crate) struct CodeRec {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) user_id: String,
    pub(crate) auth_event_id: String,
    pub(crate) session_id: String,
    pub(crate) issued_ms: u64,
    pub(crate) used: bool,
}

/// One consent's grant: what a chain of rotated refresh tokens carries.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) auth_event_id: String,
    pub(crate) session_id: String,
    pub(crate) revoked: bool,
}

/// A refresh token.
#[derive(Debug, Clone)]
pub(crate) struct RefreshRec {
    /// Index into `State::grants`.
    pub(crate) grant: usize,
    pub(crate) issued_ms: u64,
    /// When it was first exchanged for a successor (start of the 30-minute grace).
    pub(crate) rotated_ms: Option<u64>,
    pub(crate) dead: bool,
}

/// An access token, looked up by its exact string.
#[derive(Debug, Clone)]
pub(crate) struct AccessRec {
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) exp_secs: u64,
    /// Issued by client_credentials: reaches the custom connection's organisation.
    pub(crate) custom: bool,
}

/// A connection between (user, app) and an organisation.
#[derive(Debug, Clone)]
pub(crate) struct Conn {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) user_id: String,
    pub(crate) tenant_id: String,
    pub(crate) auth_event_id: String,
    pub(crate) created_ms: u64,
    pub(crate) updated_ms: u64,
}

/// A queued fault and how many more requests it affects.
#[derive(Debug, Clone)]
pub(crate) struct QueuedFault {
    pub(crate) kind: FaultKind,
    pub(crate) remaining: usize,
}

/// The whole remembered world.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) apps: HashMap<String, AppRec>,
    /// Client ids in registration order (portal listing).
    pub(crate) app_order: Vec<String>,
    pub(crate) orgs: Vec<OrgRec>,
    pub(crate) users: HashMap<String, UserRec>,
    pub(crate) current_user: String,
    pub(crate) consent_override: Consent,
    pub(crate) pending: HashMap<String, PendingConsent>,
    pub(crate) codes: HashMap<String, CodeRec>,
    /// Every id_token issued, for tests that check none leaks.
    pub(crate) id_tokens: Vec<String>,
    pub(crate) grants: Vec<Grant>,
    pub(crate) refresh: HashMap<String, RefreshRec>,
    pub(crate) access: HashMap<String, AccessRec>,
    pub(crate) conns: Vec<Conn>,
    pub(crate) faults: HashMap<Endpoint, VecDeque<QueuedFault>>,
    pub(crate) access_ttl_secs: u64,
    /// Per-organisation request times (ms) in the last minute.
    pub(crate) org_minute: HashMap<String, VecDeque<u64>>,
    /// Per-organisation request counts per UTC day.
    pub(crate) org_day: HashMap<(String, u64), u32>,
    /// Per-app request times (ms) in the last minute.
    pub(crate) app_minute: HashMap<String, VecDeque<u64>>,
    pub(crate) log: Vec<LoggedRequest>,
}

impl State {
    /// A fresh world with the default user signed in.
    pub(crate) fn new() -> State {
        let mut st = State { access_ttl_secs: 1800, ..State::default() };
        st.sign_in(User::default());
        st
    }

    /// Makes `user` the one signed in at the consent page, keeping a stable
    /// `xero_userid` per email address.
    pub(crate) fn sign_in(&mut self, user: User) -> String {
        let key = user.email.to_ascii_lowercase();
        let rec =
            self.users.entry(key.clone()).or_insert_with(|| UserRec { id: crate::ids::uuid(), user: user.clone() });
        rec.user = user;
        self.current_user = key;
        rec.id.clone()
    }

    /// The user signed in right now.
    pub(crate) fn current(&self) -> &UserRec {
        &self.users[&self.current_user]
    }

    /// A user by id.
    pub(crate) fn user_by_id(&self, id: &str) -> Option<&UserRec> {
        self.users.values().find(|u| u.id == id)
    }

    /// An organisation by tenant id.
    pub(crate) fn org(&self, tenant_id: &str) -> Option<&OrgRec> {
        self.orgs.iter().find(|o| o.tenant_id == tenant_id)
    }

    /// Takes the next fault queued for an endpoint, if any.
    pub(crate) fn take_fault(&mut self, endpoint: Endpoint) -> Option<FaultKind> {
        let queue = self.faults.get_mut(&endpoint)?;
        while let Some(front) = queue.front_mut() {
            if front.remaining == 0 {
                queue.pop_front();
                continue;
            }
            front.remaining -= 1;
            let kind = front.kind.clone();
            if front.remaining == 0 {
                queue.pop_front();
            }
            return Some(kind);
        }
        None
    }

    /// Connections an access token reaches: every organisation the token's user
    /// connected to the app ("the newest token reaches every organisation ever
    /// connected", docs/xero-platform.md §7), or the one organisation of a custom connection.
    pub(crate) fn reachable(&self, tok: &AccessRec) -> Vec<&Conn> {
        self.conns.iter().filter(|c| c.client_id == tok.client_id && (tok.custom || c.user_id == tok.user_id)).collect()
    }

    /// Connects (user, app) to an organisation for a consent event, renewing an
    /// existing connection rather than duplicating it.
    pub(crate) fn connect(
        &mut self,
        client_id: &str,
        user_id: &str,
        tenant_id: &str,
        auth_event_id: &str,
        now_ms: u64,
    ) {
        if let Some(c) =
            self.conns.iter_mut().find(|c| c.client_id == client_id && c.user_id == user_id && c.tenant_id == tenant_id)
        {
            c.auth_event_id = auth_event_id.to_string();
            c.updated_ms = now_ms;
            return;
        }
        self.conns.push(Conn {
            id: crate::ids::uuid(),
            client_id: client_id.to_string(),
            user_id: user_id.to_string(),
            tenant_id: tenant_id.to_string(),
            auth_event_id: auth_event_id.to_string(),
            created_ms: now_ms,
            updated_ms: now_ms,
        });
    }

    /// Distinct organisations connected to an app across all users.
    pub(crate) fn connected_tenants(&self, client_id: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.conns.iter().filter(|c| c.client_id == client_id) {
            if !out.contains(&c.tenant_id) {
                out.push(c.tenant_id.clone());
            }
        }
        out
    }

    /// Whether a secret authenticates an app (exact match: a pasted secret with a
    /// trailing space is `invalid_client` at Xero).
    pub(crate) fn secret_ok(&self, client_id: &str, secret: &str) -> bool {
        self.apps.get(client_id).is_some_and(|a| a.secrets.iter().any(|s| s == secret))
    }

    /// Registers an app with given credentials.
    pub(crate) fn insert_app(
        &mut self,
        spec: AppSpec,
        client_id: String,
        secret: Option<String>,
        guid: String,
        now_ms: u64,
    ) {
        let custom_auth_event = crate::ids::uuid();
        let custom_user = self.current().id.clone();
        if spec.kind == AppKind::Custom {
            if let Some(t) = spec.custom_tenant.clone() {
                self.connect(&client_id, &custom_user, &t, &custom_auth_event, now_ms);
            }
        }
        self.app_order.push(client_id.clone());
        self.apps.insert(
            client_id,
            AppRec { guid, spec, secrets: secret.into_iter().collect(), custom_auth_event, custom_user },
        );
    }
}
