//! The HTTP plumbing: a TCP listener whose connections can be killed mid-request
//! (so the `ConnectionReset` fault really drops the socket without an HTTP answer),
//! and the axum router that puts Xero's login, identity, API and portal paths on
//! one origin.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::routing::{delete, get, post};
use axum::serve::{IncomingStream, Listener};
use axum::Router;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::state::Shared;

/// Per-connection information handed to handlers; `kill` makes the connection's
/// socket fail its next read or write, so hyper drops it without answering.
#[derive(Debug, Clone)]
pub(crate) struct ConnMeta {
    #[allow(dead_code)]
    pub(crate) peer: SocketAddr,
    pub(crate) kill: Arc<AtomicBool>,
}

impl Connected<IncomingStream<'_, SimListener>> for ConnMeta {
    fn connect_info(stream: IncomingStream<'_, SimListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener yielding killable streams.
pub(crate) struct SimListener {
    pub(crate) inner: TcpListener,
}

impl Listener for SimListener {
    type Io = KillableStream;
    type Addr = ConnMeta;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let kill = Arc::new(AtomicBool::new(false));
                    return (KillableStream { inner: stream, kill: kill.clone() }, ConnMeta { peer, kill });
                }
                // Too many open files and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnMeta { peer: self.inner.local_addr()?, kill: Arc::new(AtomicBool::new(false)) })
    }
}

/// A TCP stream that errors once killed. Setting zero linger first makes the
/// close an RST, like a crashed proxy, rather than a polite FIN.
pub(crate) struct KillableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl KillableStream {
    fn killed(&self) -> bool {
        if self.kill.load(Ordering::SeqCst) {
            let _ = self.inner.set_zero_linger();
            true
        } else {
            false
        }
    }
}

fn reset() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionReset, "simulated connection reset")
}

impl AsyncRead for KillableStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset()));
        }
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(reset()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(reset()));
        }
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(reset()));
        }
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Xero's paths, all on one origin. The API is case-insensitive at Xero and its
/// OpenAPI spells `/Connections`, so both spellings are routed.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    use crate::{api, identity, other_apis, portal};
    Router::new()
        .route("/identity/connect/authorize", get(identity::authorize))
        .route("/identity/connect/authorize/consent", post(identity::consent))
        .route("/connect/token", post(identity::token))
        .route("/connect/revocation", post(identity::revocation))
        .route("/.well-known/openid-configuration", get(identity::discovery))
        .route("/.well-known/openid-configuration/jwks", get(identity::jwks))
        .route("/connections", get(api::connections))
        .route("/Connections", get(api::connections))
        .route("/connections/{id}", delete(api::delete_connection))
        .route("/Connections/{id}", delete(api::delete_connection))
        .route("/api.xro/2.0/Organisation", get(api::organisation))
        .route("/api.xro/2.0/organisation", get(api::organisation))
        .route("/assets.xro/1.0/Settings", get(other_apis::assets_settings))
        .route("/assets.xro/1.0/settings", get(other_apis::assets_settings))
        .route("/files.xro/1.0/Folders", get(other_apis::files_folders))
        .route("/files.xro/1.0/folders", get(other_apis::files_folders))
        .route("/projects.xro/2.0/ProjectsUsers", get(other_apis::projects_users))
        .route("/projects.xro/2.0/projectsusers", get(other_apis::projects_users))
        .route("/payroll.xro/1.0/Settings", get(other_apis::payroll_au_settings))
        .route("/payroll.xro/1.0/settings", get(other_apis::payroll_au_settings))
        .route("/payroll.xro/2.0/Settings", get(other_apis::payroll_settings))
        .route("/payroll.xro/2.0/settings", get(other_apis::payroll_settings))
        .route("/app/manage", get(portal::apps))
        .route("/app/manage/app/{guid}", get(portal::app))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), crate::faults::front_door))
        .with_state(shared)
}

/// Plain-text 404 for anything Xero would not know.
async fn not_found() -> (axum::http::StatusCode, &'static str) {
    (axum::http::StatusCode::NOT_FOUND, "The resource you're looking for cannot be found")
}

/// Serves until the runtime is shut down.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let app = router(shared).into_make_service_with_connect_info::<ConnMeta>();
    let _ = axum::serve(SimListener { inner: listener }, app).await;
}
