//! Serving connections under limits: HTTP/1.1 through hyper (over TLS when the lab serves
//! HTTPS), at most so many connections at once, and a connection that does not finish its TLS
//! handshake in time, sends nothing, sends its request head too slowly, or sits idle between
//! requests is closed. (`axum::serve` has none of these knobs: a few hundred silent connections
//! would hold the lab's file descriptors for ever.)

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::tls::{ClientCertificate, PeerCertificate};

/// A keep-alive connection with no request for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// A request head (request line and headers) must arrive within this long of the connection
/// opening or of its first byte.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request body must arrive within this long of its head.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A TLS handshake must complete within this long of the connection opening.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the listen queue until one closes.
pub const MAX_CONNECTIONS: usize = 256;
/// The largest request body read; a larger one is refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The longest request head (request line and headers), and hyper's read buffer: a longer head is
/// refused by hyper (431, the one answer that is not the lab's JSON).
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The lab's connection limits. [`Limits::default`] is what [`crate::spawn`] uses; tests and
/// benchmarks shorten the timeouts through [`crate::spawn_with_limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub idle_timeout: Duration,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    pub max_connections: usize,
    /// HTTPS only: the TLS handshake must be done within this long.
    pub tls_handshake_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle_timeout: IDLE_TIMEOUT,
            header_read_timeout: HEADER_READ_TIMEOUT,
            body_read_timeout: BODY_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            tls_handshake_timeout: TLS_HANDSHAKE_TIMEOUT,
        }
    }
}

impl Limits {
    /// How often a connection's watchdog looks at it: a quarter of the shortest timeout.
    fn tick(&self) -> Duration {
        (self.idle_timeout.min(self.header_read_timeout) / 4).max(Duration::from_millis(5))
    }
}

/// What the lab's control asks of its listener (a down fault, `Faults::down`).
pub(crate) enum ListenerCommand {
    /// Close the listening socket and every open connection; answer once closed.
    Close(oneshot::Sender<()>),
    /// Bind the same port again (if closed); answer with the outcome.
    Reopen(oneshot::Sender<io::Result<()>>),
}

/// Accepts and serves connections until `shutdown` fires (or its sender is dropped); then lets
/// open requests finish and returns once every connection is closed. Dropping the returned
/// future (aborting its task) drops every connection with it. `commands` close and reopen the
/// listening socket on `port` (a down fault).
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    mut shutdown: oneshot::Receiver<()>,
    mut commands: mpsc::Receiver<ListenerCommand>,
) {
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let mut listener = Some(listener);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    // True while the lab is down: open connections close.
    let (down_tx, down_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        let accept = async {
            let Some(listener) = &listener else {
                // Down: nothing to accept until reopened.
                return std::future::pending().await;
            };
            // A permit first: past the cap, connections wait in the kernel's listen queue.
            let permit = permits.clone().acquire_owned().await;
            (permit, listener.accept().await)
        };
        tokio::select! {
            _ = &mut shutdown => break,
            Some(command) = commands.recv() => match command {
                ListenerCommand::Close(done) => {
                    listener = None;
                    let _ = down_tx.send(true);
                    // Wait for the open connections to go, so "down" is true when answered.
                    while connections.join_next().await.is_some() {}
                    let _ = done.send(());
                }
                ListenerCommand::Reopen(done) => {
                    let mut outcome = Ok(());
                    if listener.is_none() {
                        match TcpListener::bind(("127.0.0.1", port)).await {
                            Ok(bound) => listener = Some(bound),
                            Err(e) => outcome = Err(e),
                        }
                    }
                    if outcome.is_ok() {
                        let _ = down_tx.send(false);
                    }
                    let _ = done.send(outcome);
                }
            },
            // Reap finished connection tasks so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            (permit, accepted) = accept => {
                let Ok(permit) = permit else { break };
                match accepted {
                    Ok((stream, _)) => {
                        let router = router.clone();
                        let stop = stop_rx.clone();
                        let down = down_rx.clone();
                        let tls = tls.clone();
                        connections.spawn(async move {
                            tokio::select! {
                                _ = serve_connection(stream, router, limits, tls, stop) => {}
                                // Down: the connection is dropped, its socket closed.
                                _ = wait_down(down) => {}
                            }
                            drop(permit);
                        });
                    }
                    // Out of file descriptors, or a connection reset before accept: wait a
                    // moment (a closing connection frees one) rather than spin or stop serving.
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
}

/// Resolves once the lab goes down (never if the sender is gone).
async fn wait_down(mut down: watch::Receiver<bool>) {
    if down.wait_for(|d| *d).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// What a connection is doing, for its watchdog.
const AWAITING_HEAD: u8 = 0;
const IN_REQUEST: u8 = 1;
const IDLE: u8 = 2;

struct ConnState {
    opened: Instant,
    phase: AtomicU8,
    /// When the phase began, in milliseconds since `opened`.
    since_ms: AtomicU64,
}

impl ConnState {
    fn new() -> Self {
        ConnState {
            opened: Instant::now(),
            phase: AtomicU8::new(AWAITING_HEAD),
            since_ms: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn enter(&self, phase: u8) {
        self.since_ms.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(phase, Ordering::Relaxed);
    }

    /// Bytes arrived: an idle connection is now reading a request head.
    fn bytes_arrived(&self) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            self.enter(AWAITING_HEAD);
        }
    }

    /// Whether the connection has waited longer than its phase allows.
    fn overdue(&self, limits: &Limits) -> bool {
        let limit = match self.phase.load(Ordering::Relaxed) {
            AWAITING_HEAD => limits.header_read_timeout,
            IDLE => limits.idle_timeout,
            // The handler bounds its own body read; the rest is the lab's own work.
            _ => return false,
        };
        let waited = self
            .now_ms()
            .saturating_sub(self.since_ms.load(Ordering::Relaxed));
        u128::from(waited) >= limit.as_millis()
    }
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    mut stop: watch::Receiver<bool>,
) {
    let state = Arc::new(ConnState::new());
    let watched = WatchedStream {
        inner: stream,
        state: state.clone(),
    };
    let Some(acceptor) = tls else {
        serve_http(watched, None, router, limits, state, stop).await;
        return;
    };
    // The handshake holds a connection slot: bounded by its own timeout, and abandoned when the
    // lab stops. A peer that sends garbage instead of a ClientHello fails it at once.
    let handshake = tokio::time::timeout(limits.tls_handshake_timeout, acceptor.accept(watched));
    let stream = tokio::select! {
        done = handshake => match done {
            Ok(Ok(stream)) => stream,
            Ok(Err(_)) | Err(_) => return,
        },
        _ = stop.wait_for(|stopping| *stopping) => return,
    };
    let peer = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
        .map(|cert| PeerCertificate(Arc::new(ClientCertificate::new(cert.clone().into_owned()))));
    // The request head's time starts now, not when the handshake began.
    state.enter(AWAITING_HEAD);
    serve_http(stream, peer, router, limits, state, stop).await;
}

/// Serves HTTP/1.1 on an open connection (plain or TLS) until it ends, the watchdog finds it
/// overdue, or the lab stops. Every request carries the connection's client certificate, if any.
async fn serve_http<S>(
    io: S,
    peer: Option<PeerCertificate>,
    router: Router,
    limits: Limits,
    state: Arc<ConnState>,
    mut stop: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = TokioIo::new(io);
    let service = {
        let state = state.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            state.enter(IN_REQUEST);
            if let Some(peer) = &peer {
                request.extensions_mut().insert(peer.clone());
            }
            let router = router.clone();
            let state = state.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await;
                state.enter(IDLE);
                response
            }
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_header_size(MAX_HEAD_BYTES)
        // hyper's own head timer starts when the connection waits for a request; the watchdog
        // below closes it sooner, this is a backstop.
        .header_read_timeout(limits.idle_timeout + limits.header_read_timeout);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);

    let mut stopping = *stop.borrow();
    if stopping {
        connection.as_mut().graceful_shutdown();
    }
    let mut watchdog = tokio::time::interval(limits.tick());
    watchdog.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            // The client closed, or hyper ended the connection (error or graceful end).
            _ = connection.as_mut() => return,
            _ = watchdog.tick() => {
                if state.overdue(&limits) {
                    // Dropping the connection closes the socket.
                    return;
                }
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    // Ends the connection once the request in progress (if any) is answered.
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// A TCP stream that tells the connection's state when bytes arrive.
struct WatchedStream {
    inner: TcpStream,
    state: Arc<ConnState>,
}

impl AsyncRead for WatchedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.state.bytes_arrived();
        }
        result
    }
}

impl AsyncWrite for WatchedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_is_overdue_only_past_its_phase_limit() {
        let limits = Limits {
            idle_timeout: Duration::from_secs(3600),
            header_read_timeout: Duration::ZERO,
            ..Limits::default()
        };
        let state = ConnState::new();
        assert!(state.overdue(&limits), "a head that never came");
        state.enter(IN_REQUEST);
        assert!(!state.overdue(&limits), "the handler bounds its own work");
        state.enter(IDLE);
        assert!(!state.overdue(&limits), "idle, well within an hour");
        state.bytes_arrived();
        assert!(state.overdue(&limits), "a new head, overdue at once");
    }
}
