//! A local simulator of Xero's OAuth 2.0 identity service (login, consent, token,
//! revocation, discovery) and the slice of its API a connector touches
//! (`/connections`, `Organisation`), enforcing the rules in docs/xero-platform.md. It runs its own
//! tokio runtime on background threads so synchronous tests, CLI harnesses and a GUI
//! practice mode can all drive it through the [`Simulator`] handle.
#![deny(missing_docs)]

mod api;
mod clock;
mod consent_page;
mod dates;
mod demo;
mod faults;
mod https;
mod identity;
mod ids;
mod model;
mod other_apis;
mod portal;
mod scopes;
mod server;
mod state;
mod tokens;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use demo::{
    seed_demo, Demo, DEMO_CUSTOM_CLIENT_ID, DEMO_CUSTOM_CLIENT_SECRET, DEMO_PKCE_CLIENT_ID, DEMO_REDIRECT_URI,
    DEMO_TENANT_AU, DEMO_TENANT_NZ, DEMO_TENANT_UK, DEMO_WEB_CLIENT_ID, DEMO_WEB_CLIENT_SECRET,
};
pub use https::{CertificateAuthority, ServerIdentity};
pub use model::{
    App, AppKind, AppSpec, ConnectionInfo, Consent, Endpoint, Fault, FaultKind, LoggedRequest, OrgSpec, User,
};
pub use tokens::decode_claims;

use state::{OrgRec, Shared, State};

/// A running simulated Xero on `127.0.0.1`. Dropping it shuts the server down.
#[derive(Debug)]
pub struct Simulator {
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // shutdown_background never blocks, so dropping inside an async test is fine.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Simulator {
    /// Starts on an ephemeral port of 127.0.0.1.
    pub fn start() -> std::io::Result<Simulator> {
        Simulator::start_on(0)
    }

    /// Starts on a fixed port of 127.0.0.1 (0 picks a free one).
    pub fn start_on(port: u16) -> std::io::Result<Simulator> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("xero-sim")
            .enable_all()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new()),
            clock: clock::Clock::default(),
            signer: tokens::Signer::shared(),
            base_url: format!("http://127.0.0.1:{}", addr.port()),
            issuer: Mutex::new(format!("http://127.0.0.1:{}", addr.port())),
        });
        runtime.spawn(server::serve(listener, shared.clone()));
        Ok(Simulator { shared, runtime: Some(runtime) })
    }

    /// The origin, e.g. `http://127.0.0.1:41234` (no trailing slash). Login, identity,
    /// API and portal all live here under Xero's real paths.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Registers an app and returns its credentials (no secret for PKCE apps).
    pub fn add_app(&self, spec: AppSpec) -> App {
        let secret = (spec.kind != AppKind::Pkce).then(|| ids::url_safe(48));
        self.add_app_with_credentials(spec, &ids::client_id(), secret.as_deref(), &ids::uuid())
    }

    /// Registers an app with fixed credentials (the demo seed).
    pub(crate) fn add_app_with_credentials(
        &self,
        spec: AppSpec,
        client_id: &str,
        secret: Option<&str>,
        guid: &str,
    ) -> App {
        let now = self.shared.clock.now_ms();
        let mut st = self.shared.lock();
        let secret = secret.filter(|_| spec.kind != AppKind::Pkce).map(str::to_string);
        st.insert_app(spec, client_id.to_string(), secret.clone(), guid.to_string(), now);
        App { client_id: client_id.to_string(), client_secret: secret }
    }

    /// "Generate another secret": adds a secret while the existing one stays valid.
    /// Xero holds at most two, so generating a third retires the oldest.
    ///
    /// # Panics
    /// If the client id is unknown or belongs to a PKCE app (which has no secrets).
    pub fn generate_secret(&self, client_id: &str) -> String {
        let mut st = self.shared.lock();
        let app =
            st.apps.get_mut(client_id).unwrap_or_else(|| panic!("generate_secret: unknown client id {client_id}"));
        assert!(app.spec.kind != AppKind::Pkce, "generate_secret: PKCE apps have no client secret");
        let secret = ids::url_safe(48);
        if app.secrets.len() >= 2 {
            app.secrets.remove(0);
        }
        app.secrets.push(secret.clone());
        secret
    }

    /// Deletes one of an app's secrets; it stops authenticating at once.
    pub fn delete_secret(&self, client_id: &str, secret: &str) {
        if let Some(app) = self.shared.lock().apps.get_mut(client_id) {
            app.secrets.retain(|s| s != secret);
        }
    }

    /// Adds an organisation and returns its tenant id (a uuid).
    pub fn add_org(&self, spec: OrgSpec) -> String {
        self.add_org_with_id(spec, &ids::uuid())
    }

    /// Adds an organisation with a fixed tenant id (the demo seed).
    pub(crate) fn add_org_with_id(&self, spec: OrgSpec, tenant_id: &str) -> String {
        let now = self.shared.clock.now_ms();
        let mut st = self.shared.lock();
        st.orgs.push(OrgRec {
            tenant_id: tenant_id.to_string(),
            spec,
            // Organisations are older than the connections made to them.
            created_ms: now.saturating_sub(400 * 86_400_000),
            short_code: format!("!{}", ids::url_safe(5).replace(['-', '_'], "x")),
            api_key: ids::alnum_upper(30),
            practice: false,
        });
        tenant_id.to_string()
    }

    /// Adds a Xero Practice Manager tenant and returns its tenant id: `GET /connections` lists it
    /// with `tenantType` `PRACTICE` and a null `tenantName`, and the organisation APIs refuse it
    /// with 403 (docs/xero-platform.md §7). `name` shows on the consent page only.
    pub fn add_practice(&self, name: &str) -> String {
        let tenant_id = self.add_org(OrgSpec { name: name.to_string(), is_demo: false, ..OrgSpec::default() });
        if let Some(o) = self.shared.lock().orgs.iter_mut().find(|o| o.tenant_id == tenant_id) {
            o.practice = true;
        }
        tenant_id
    }

    /// Serves the simulator over HTTPS too, with `identity` (issued by a private
    /// [`CertificateAuthority`], as an office's HTTPS inspection does), and returns that origin,
    /// `https://localhost:PORT`. From then on tokens name it as their issuer.
    pub fn serve_https(&self, identity: &ServerIdentity) -> std::io::Result<String> {
        let runtime = self.runtime.as_ref().expect("the simulator is running");
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        std_listener.set_nonblocking(true)?;
        let port = std_listener.local_addr()?.port();
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)?
        };
        let plain: std::net::SocketAddr =
            self.shared.base_url.trim_start_matches("http://").parse().expect("the base URL is an address");
        runtime.spawn(https::forward(listener, https::server_config(identity), plain));
        let origin = format!("https://localhost:{port}");
        *self.shared.issuer.lock().unwrap_or_else(|p| p.into_inner()) = origin.clone();
        Ok(origin)
    }

    /// Sets who is signed in at the consent page from now on.
    pub fn set_user(&self, user: User) {
        self.shared.lock().sign_in(user);
    }

    /// Scripts the consent decision; it overrides what the form posts until changed.
    pub fn set_consent(&self, consent: Consent) {
        self.shared.lock().consent_override = consent;
    }

    /// Moves the simulated clock forward (codes, tokens, rotation grace, rate windows).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Lifetime of access tokens issued from now on (default 1800 s).
    pub fn set_access_token_ttl(&self, secs: u64) {
        self.shared.lock().access_ttl_secs = secs;
    }

    /// Queues a fault; faults for one endpoint are consumed in the order injected.
    pub fn inject(&self, fault: Fault) {
        if fault.times == 0 {
            return;
        }
        self.shared
            .lock()
            .faults
            .entry(fault.endpoint)
            .or_default()
            .push_back(state::QueuedFault { kind: fault.kind, remaining: fault.times });
    }

    /// How many injected faults for an endpoint are still waiting for a request: a test sees
    /// that a request arrived (and is held by a `Delay`) when this drops.
    pub fn faults_pending(&self, endpoint: Endpoint) -> usize {
        self.shared.lock().faults.get(&endpoint).map_or(0, |q| q.iter().map(|f| f.remaining).sum())
    }

    /// The organisation disconnects the app(s) from inside Xero: every connection to
    /// it disappears and API calls for it answer 403.
    pub fn disconnect_in_xero(&self, tenant_id: &str) {
        self.shared.lock().conns.retain(|c| !c.tenant_id.eq_ignore_ascii_case(tenant_id));
    }

    /// Resets a demo company, as Xero does on request or on its own schedule: the organisation
    /// comes back with the same name but a new tenant ID, and no app is connected to it any
    /// more (docs/xero-platform.md §7). Returns the new tenant ID.
    ///
    /// # Panics
    /// If no organisation has that tenant ID, or it is not a demo company.
    pub fn reset_demo_company(&self, tenant_id: &str) -> String {
        let new_id = ids::uuid();
        let mut st = self.shared.lock();
        let org = st
            .orgs
            .iter_mut()
            .find(|o| o.tenant_id.eq_ignore_ascii_case(tenant_id))
            .unwrap_or_else(|| panic!("reset_demo_company: unknown tenant {tenant_id}"));
        assert!(org.spec.is_demo, "reset_demo_company: {} is not a demo company", org.spec.name);
        org.tenant_id = new_id.clone();
        org.short_code = format!("!{}", ids::url_safe(5).replace(['-', '_'], "x"));
        st.conns.retain(|c| !c.tenant_id.eq_ignore_ascii_case(tenant_id));
        new_id
    }

    /// Every refresh token issued so far becomes `invalid_grant` (a dead grant).
    pub fn kill_refresh_tokens(&self) {
        for r in self.shared.lock().refresh.values_mut() {
            r.dead = true;
        }
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.clone()
    }

    /// Every authorization code issued so far (used or not), for leak checks.
    pub fn issued_codes(&self) -> Vec<String> {
        self.shared.lock().codes.keys().cloned().collect()
    }

    /// Every id_token issued so far, for leak checks.
    pub fn issued_id_tokens(&self) -> Vec<String> {
        self.shared.lock().id_tokens.clone()
    }

    /// How many requests hit an endpoint (faulted ones included).
    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| {
                let m = axum::http::Method::from_bytes(r.method.as_bytes()).unwrap_or(axum::http::Method::GET);
                faults::classify(&m, &r.path) == endpoint
            })
            .count()
    }

    /// How many token requests carried this `grant_type`.
    pub fn count_grant(&self, grant_type: &str) -> usize {
        self.shared.lock().log.iter().filter(|r| r.grant_type.as_deref() == Some(grant_type)).count()
    }

    /// The connections Xero holds for an app right now, across users.
    pub fn connections_of(&self, client_id: &str) -> Vec<ConnectionInfo> {
        let st = self.shared.lock();
        st.conns
            .iter()
            .filter(|c| c.client_id == client_id)
            .map(|c| ConnectionInfo {
                id: c.id.clone(),
                tenant_id: c.tenant_id.clone(),
                tenant_name: st.org(&c.tenant_id).map(|o| o.spec.name.clone()).unwrap_or_default(),
                auth_event_id: c.auth_event_id.clone(),
            })
            .collect()
    }
}
