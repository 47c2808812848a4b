//! "Add another organisation": Xero's consent again with the saved credentials; the
//! organisations chosen this time join the ones the connection already reaches, and the
//! chosen organisation stays as it was.

use super::consent::{self, ConsentOptions};
use crate::connection::{timestamp_now, Connection};
use crate::context::Context;
use crate::domain::RedirectUri;
use crate::error::Result;
use crate::progress::Progress;
use crate::tokens;
use std::future::Future;

/// Runs the consent again for a saved connection and merges the organisations.
///
/// # Errors
/// `unknown_connection`, `keychain_unavailable`, and those of the consent (see
/// [`super::setup`]).
pub async fn add_organisations(
    ctx: &Context,
    name: &str,
    options: &ConsentOptions,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<Connection> {
    let conn = ctx.settings.load()?.get(name)?.clone();
    let creds = tokens::app_credentials(ctx, &conn, &ctx.vault.load(&conn.id).await?)?;
    let uris = conn.redirect_uris.iter().map(|u| RedirectUri::parse(u)).collect::<Result<Vec<_>>>()?;
    let got = consent::obtain(ctx, &creds, &uris, &conn.scopes, options, progress, cancel).await?;
    {
        let _lock = tokens::lock(ctx, &conn, progress).await?;
        let mut secrets = ctx.vault.load(&conn.id).await?;
        tokens::apply(&mut secrets, &got.tokens);
        ctx.vault.save(&conn.id, &secrets).await?;
    }
    ctx.settings.update(|s| {
        let c = s.get_mut(name)?;
        for org in got.organisations {
            match c.organisations.iter_mut().find(|o| o.tenant_id == org.tenant_id) {
                Some(known) => *known = org,
                None => c.organisations.push(org),
            }
        }
        if c.tenant_id.is_none() && c.organisations.len() == 1 {
            c.tenant_id = Some(c.organisations[0].tenant_id.clone());
        }
        if got.user.is_some() {
            c.authorised_by = got.user;
        }
        c.updated_at = timestamp_now();
        Ok(c.clone())
    })
}
