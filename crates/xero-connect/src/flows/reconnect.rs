//! Reconnect, typically after a client secret was regenerated: the new secret is proven first
//! with a token refresh (no browser while the refresh token still works), and only when Xero
//! says the grant is dead does it ask for consent again. When the secret is not what failed (an
//! organisation disconnected inside Xero, a lapsed authorisation), the saved one is proven the
//! same way ([`NewCredentials::Saved`]).
//!
//! The old secret is replaced only after the new one has worked, so a mistyped secret never
//! breaks a working connection. The chosen organisation is kept when it is still authorised.
//!
//! A refresh proves the grant, not the organisation: after one, `GET /connections` must still
//! list the saved organisation. When it does not (disconnected inside Xero, or a demo company
//! reset, which gives it a new tenant ID: docs/xero-platform.md §7), the consent runs as if the
//! grant were dead, and an organisation with the old one's name but a new ID is never taken
//! without the user choosing it.

use super::consent::{self, ConsentOptions};
use super::setup::checked_credentials;
use crate::connection::{timestamp_now, Connection, Organisation};
use crate::context::Context;
use crate::credentials::CredentialCheck;
use crate::domain::{AppType, RedirectUri};
use crate::error::{Error, ErrorCode, Remedy, Result};
use crate::jwt::XeroUser;
use crate::oauth::{self, AppCredentials, TokenSet};
use crate::progress::{Progress, Step};
use crate::tenants;
use serde::Serialize;
use std::future::Future;

/// What reconnect needs.
#[derive(Debug)]
pub struct ReconnectRequest {
    /// The saved connection's name (names are unique, compared without case).
    pub name: String,
    /// The credentials to use from now on: pasted and checked (Client ID: the saved one unless
    /// changed), or the saved ones.
    pub credentials: NewCredentials,
    /// New scopes (forces a consent, the only way a token gains scopes).
    pub scopes: Option<Vec<String>>,
    /// New redirect URIs.
    pub redirect_uris: Option<Vec<RedirectUri>>,
    /// The organisation to use if it has to be chosen again.
    pub tenant: Option<String>,
    /// Browser and timeout, for when consent is needed.
    pub consent: ConsentOptions,
    /// The vendor profile in force: recorded in the connection when it works again.
    pub profile: Option<crate::profile::ProfileRef>,
}

/// Which credentials a reconnect proves.
#[derive(Debug, Clone)]
pub enum NewCredentials {
    /// Pasted by the user (a regenerated secret, or a changed Client ID), checked.
    Pasted(CredentialCheck),
    /// The saved Client ID and the secret kept in the keychain: for a connection whose secret
    /// still works but whose authorisation does not (an organisation disconnected inside Xero,
    /// a lapsed or revoked refresh token), so the user is not asked to paste it again.
    Saved,
}

impl From<CredentialCheck> for NewCredentials {
    fn from(check: CredentialCheck) -> Self {
        NewCredentials::Pasted(check)
    }
}

/// How the new credentials were proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconnectMethod {
    /// A token refresh with the new secret: no browser was needed.
    Refresh,
    /// A new consent in the browser.
    Consent,
    /// A custom connection's new token (client_credentials).
    ClientCredentials,
}

/// The result of reconnecting.
#[derive(Debug, Clone)]
pub struct ReconnectOutcome {
    /// The connection as saved.
    pub connection: Connection,
    /// How it was proven.
    pub method: ReconnectMethod,
    /// The organisation the connection used before, when Xero no longer connects it (the new
    /// consent replaced it; the connection may wait for the user's choice).
    pub organisation_gone: Option<Organisation>,
}

/// Runs reconnect; see the module documentation. `cancel` ends the wait for Xero's answer.
///
/// # Errors
/// `unknown_connection`, `credential_problem`, `invalid_client` (the old secret stays in
/// place), `wrong_app_type`, `refresh_in_progress`, `keychain_unavailable`; when a consent is
/// needed, those of [`super::setup`]'s consent; `organisation_choice_needed` when the new
/// authorisation is saved but its organisation must still be chosen.
pub async fn reconnect(
    ctx: &Context,
    req: ReconnectRequest,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<ReconnectOutcome> {
    let old = ctx.settings.load()?.get(&req.name)?.clone();
    ctx.endpoints.check_identity(&old)?;
    ctx.vault.check_available().await?;
    let check = match req.credentials {
        NewCredentials::Pasted(check) => check,
        NewCredentials::Saved => saved_credentials(ctx, &old).await?,
    };
    let creds = checked_credentials(old.app_type, check, progress)?;
    let scopes = req.scopes.clone().unwrap_or_else(|| old.scopes.clone());
    let redirect_uris = match &req.redirect_uris {
        Some(u) => u.clone(),
        None => old.redirect_uris.iter().map(|u| RedirectUri::parse(u)).collect::<Result<Vec<_>>>()?,
    };

    let asked = Asked { scopes: &scopes, redirect_uris: &redirect_uris, profile: req.profile.as_ref() };
    if old.app_type == AppType::Custom {
        let got = consent::obtain(ctx, &creds, &[], &scopes, &req.consent, progress, cancel).await?;
        let tenant = got.organisations.first().map(|o| o.tenant_id.clone());
        let renewal = Renewal { organisations: got.organisations, tenant, user: None };
        store_proven(ctx, &old, &creds, &got.tokens, progress).await?;
        let conn = commit(ctx, &old, &creds, &got.tokens, Some(renewal), &asked)?;
        return Ok(ReconnectOutcome {
            connection: conn,
            method: ReconnectMethod::ClientCredentials,
            organisation_gone: None,
        });
    }

    let same_client = creds.client_id == old.client_id;
    let same_scopes = req.scopes.as_ref().is_none_or(|s| *s == old.scopes);
    let mut gone = None;
    if same_client && same_scopes {
        progress.step(Step::ProvingSecret);
        match prove_with_refresh(ctx, &old, &creds, progress).await {
            Ok(tokens) => match organisation_gone(ctx, &old, &tokens).await? {
                None => {
                    let conn = commit(ctx, &old, &creds, &tokens, None, &asked)?;
                    return Ok(ReconnectOutcome {
                        connection: conn,
                        method: ReconnectMethod::Refresh,
                        organisation_gone: None,
                    });
                }
                Some(org) => {
                    progress.step(Step::OrganisationGone { message: gone_sentence(&org) });
                    gone = Some(org);
                }
            },
            Err(e) if e.code() == ErrorCode::InvalidGrant => progress.step(Step::ConsentNeeded),
            Err(e) => return Err(e),
        }
    }

    let got = consent::obtain(ctx, &creds, &redirect_uris, &scopes, &req.consent, progress, cancel).await?;
    let (tenant, choice_error) = keep_or_choose(&old, &got.organisations, req.tenant.as_deref());
    let renewal = Renewal { organisations: got.organisations, tenant, user: got.user };
    store_proven(ctx, &old, &creds, &got.tokens, progress).await?;
    let conn = commit(ctx, &old, &creds, &got.tokens, Some(renewal), &asked)?;
    if let Some(e) = choice_error {
        return Err(Error::new(
            e.code(),
            format!("{} The new authorisation was saved; choose the organisation.", e.message()),
        )
        .with_remedy(Remedy::ChooseOrganisation { connection: old.name.clone() }));
    }
    Ok(ReconnectOutcome { connection: conn, method: ReconnectMethod::Consent, organisation_gone: gone })
}

/// The connection's saved Client ID and secret, as a check with nothing found (they worked
/// before). A connection whose app has a secret but none is kept (removed from the keychain by
/// hand) is a `credential_problem`: the secret must be pasted.
async fn saved_credentials(ctx: &Context, conn: &Connection) -> Result<CredentialCheck> {
    let client_secret = ctx.vault.load(&conn.id).await?.client_secret;
    if conn.app_type.has_secret() && client_secret.is_none() {
        return Err(Error::new(
            ErrorCode::CredentialProblem,
            format!("No client secret is kept on this computer for \"{}\": paste it to reconnect.", conn.name),
        ));
    }
    Ok(CredentialCheck { client_id: conn.client_id.clone(), client_secret, problems: Vec::new() })
}

/// The saved organisation, when the connection's tokens no longer reach it (`GET /connections`).
async fn organisation_gone(ctx: &Context, conn: &Connection, tokens: &TokenSet) -> Result<Option<Organisation>> {
    let Some(tenant_id) = conn.tenant_id.as_deref() else { return Ok(None) };
    let reachable =
        tenants::list(&ctx.http, &ctx.endpoints, &tokens.access_token, None).await.map_err(|f| match f {
            crate::http::ApiFailure::Final(e) => e,
            crate::http::ApiFailure::TokenRejected => {
                Error::xero_unavailable("Xero refused the token it had just issued")
            }
        })?;
    if reachable.iter().any(|o| o.tenant_id.eq_ignore_ascii_case(tenant_id)) {
        return Ok(None);
    }
    Ok(Some(conn.organisation().cloned().unwrap_or_else(|| Organisation {
        tenant_id: tenant_id.to_string(),
        name: "The saved organisation".into(),
        tenant_type: "ORGANISATION".into(),
        connection_id: String::new(),
    })))
}

/// One sentence on a vanished organisation and what happens next.
fn gone_sentence(org: &Organisation) -> String {
    format!(
        "{} (ID {}) is no longer connected to this app: it was disconnected inside Xero (Settings, Connected apps), \
         or it is a demo company that was reset, which gives it a new ID; allow access again and choose the \
         organisation.",
        org.name, org.tenant_id
    )
}

/// A refresh with the new credentials, under the connection's refresh lock so it cannot race a
/// `token` command; the new secret and the rotated tokens are stored at once, in one write.
async fn prove_with_refresh(
    ctx: &Context,
    conn: &Connection,
    creds: &AppCredentials,
    progress: &dyn Progress,
) -> Result<TokenSet> {
    let _lock = crate::tokens::lock(ctx, conn, progress).await?;
    let mut secrets = ctx.vault.load(&conn.id).await?;
    let rt = secrets.refresh_token.clone().ok_or_else(Error::invalid_grant)?;
    let tokens = oauth::refresh(&ctx.http, &ctx.endpoints, creds, &rt).await?;
    secrets.client_secret = creds.client_secret.clone();
    crate::tokens::apply(&mut secrets, &tokens);
    ctx.vault.save(&conn.id, &secrets).await?;
    Ok(tokens)
}

/// Stores the new secret with tokens from a consent (or client_credentials), replacing the old
/// record in one write, under the refresh lock.
async fn store_proven(
    ctx: &Context,
    conn: &Connection,
    creds: &AppCredentials,
    tokens: &TokenSet,
    progress: &dyn Progress,
) -> Result<()> {
    let _lock = crate::tokens::lock(ctx, conn, progress).await?;
    let mut secrets = ctx.vault.load(&conn.id).await?;
    secrets.client_secret = creds.client_secret.clone();
    crate::tokens::apply(&mut secrets, tokens);
    ctx.vault.save(&conn.id, &secrets).await
}

/// Keeps the chosen organisation if the new consent still covers it. Otherwise nothing is
/// chosen for the user — not even the only organisation authorised — unless they named one:
/// a reconnect that ends on another organisation (a reset demo company's new ID, or an answer
/// from someone else's sign-in, RFC 9700 §4.5) must never switch where the data goes silently.
/// A connection that had no organisation chosen takes the only one authorised.
fn keep_or_choose(old: &Connection, orgs: &[Organisation], wanted: Option<&str>) -> (Option<String>, Option<Error>) {
    if let Some(w) = wanted {
        return match tenants::select(orgs, w) {
            Ok(o) => (Some(o.tenant_id.clone()), None),
            Err(e) => (None, Some(e)),
        };
    }
    match (&old.tenant_id, orgs) {
        (Some(t), _) if orgs.iter().any(|o| &o.tenant_id == t) => (Some(t.clone()), None),
        (None, [only]) => (Some(only.tenant_id.clone()), None),
        _ => (None, None),
    }
}

/// What a new consent (or client_credentials) renews beyond the tokens.
struct Renewal {
    organisations: Vec<Organisation>,
    tenant: Option<String>,
    user: Option<XeroUser>,
}

/// The scopes a reconnect saves: those Xero named in its token answer (or, when it named none,
/// those asked for). When the scopes were changed on purpose, only those asked for that Xero
/// granted: consent adds up (docs/xero-platform.md §5), so a grant still lists the scopes it
/// replaced, which this connection no longer asks for.
fn saved_scopes(asked: &[String], granted: &[String], asked_anew: bool) -> Vec<String> {
    match (granted.is_empty(), asked_anew) {
        (true, _) => asked.to_vec(),
        (false, false) => granted.to_vec(),
        (false, true) => asked.iter().filter(|s| granted.contains(s)).cloned().collect(),
    }
}

/// What a reconnect asked for, saved with it.
#[derive(Clone, Copy)]
struct Asked<'a> {
    scopes: &'a [String],
    redirect_uris: &'a [RedirectUri],
    profile: Option<&'a crate::profile::ProfileRef>,
}

/// Saves the settings of a proven reconnect (its secrets are already stored).
fn commit(
    ctx: &Context,
    old: &Connection,
    creds: &AppCredentials,
    tokens: &TokenSet,
    renewal: Option<Renewal>,
    asked: &Asked<'_>,
) -> Result<Connection> {
    let Asked { scopes, redirect_uris, profile } = *asked;
    let asked_anew = scopes != old.scopes.as_slice();
    ctx.settings.update(|s| {
        let c = s.get_mut(&old.name)?;
        c.client_id = creds.client_id.clone();
        c.scopes = saved_scopes(scopes, &tokens.scopes, asked_anew);
        c.redirect_uris = redirect_uris.iter().map(|u| u.as_str().to_string()).collect();
        if let Some(r) = renewal {
            c.organisations = r.organisations;
            c.tenant_id = r.tenant;
            if r.user.is_some() {
                c.authorised_by = r.user;
            }
        }
        if let Some(p) = profile {
            c.profile = Some(p.clone());
        }
        // Its tokens now come from this identity host.
        c.identity_origin = Some(ctx.endpoints.identity_origin().to_string());
        c.updated_at = timestamp_now();
        if tokens.refresh_token.is_some() {
            c.refreshed_at = Some(c.updated_at.clone());
        }
        Ok(c.clone())
    })
}
