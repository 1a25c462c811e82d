//! A TCP listener whose connections die when the server shuts down.
//!
//! axum's graceful shutdown waits for every open connection to finish. A test client may keep
//! a connection busy indefinitely (an unread oversized body, a request it never completes), so
//! each accepted stream also watches the shutdown signal and fails all further I/O once it is
//! set. Shutdown therefore completes promptly and deterministically, without timers.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub(crate) struct ClosingListener {
    inner: TcpListener,
    shutdown: watch::Receiver<bool>,
}

impl ClosingListener {
    pub(crate) fn new(inner: TcpListener, shutdown: watch::Receiver<bool>) -> Self {
        ClosingListener { inner, shutdown }
    }
}

impl axum::serve::Listener for ClosingListener {
    type Io = ClosingStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (ClosingStream::new(stream, self.shutdown.clone()), addr);
                }
                // E.g. the peer reset before accept, or out of file descriptors: back off
                // briefly (not synchronization, just no busy loop) and accept the next one.
                Err(error) => {
                    tracing::debug!(%error, "inbox test server: accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

type Signal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A `TcpStream` that fails every operation once the shutdown signal is set.
pub(crate) struct ClosingStream {
    inner: TcpStream,
    shutdown: Signal,
    closed: bool,
}

impl ClosingStream {
    fn new(inner: TcpStream, mut shutdown: watch::Receiver<bool>) -> Self {
        let signal = Box::pin(async move {
            // An error means the server (the sender) is gone: treat that as shutdown too.
            let _ = shutdown.wait_for(|&down| down).await;
        });
        ClosingStream {
            inner,
            shutdown: signal,
            closed: false,
        }
    }

    /// Registers for the shutdown wake-up; `Some(error)` once shut down.
    fn check(&mut self, cx: &mut Context<'_>) -> Option<io::Error> {
        if !self.closed && self.shutdown.as_mut().poll(cx).is_ready() {
            self.closed = true;
        }
        self.closed.then(|| {
            io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "inbox test server shut down",
            )
        })
    }
}

impl AsyncRead for ClosingStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(error) = self.check(cx) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ClosingStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(error) = self.check(cx) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(error) = self.check(cx) {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
