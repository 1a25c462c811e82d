//! [`Call`]: the future a generated operation method returns.
//!
//! Operation methods are plain functions, not `async fn`s: each builds its request (path,
//! query, headers, body; a parameter that breaks its limits fails here) and returns a `Call`.
//! Sending is one boxed future shared by every operation, compiled once; decoding the response
//! into `T` happens in [`Call::poll`], so it is compiled only for the operations a program
//! awaits. An `async fn` per operation would give the compiler an opaque future type and a
//! state machine to check for each of them (about a tenth of `cargo check` of a crate with
//! 500 operations), and boxing the whole call would compile every response's decoding into
//! the library.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::{request_span, Client, OperationMeta, RawResponse, Request};
use crate::error::Error;

/// The response of one operation call, to `.await`: the decoded `T`, or an [`Error`] whose
/// application error code is `C`.
///
/// Returned by the generated operation methods; the request is sent when the `Call` is first
/// polled, and dropping it cancels the call. A `Call` is `Send`, so it can be spawned.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, T, C> {
    inner: Inner<'a>,
    output: PhantomData<fn() -> (T, C)>,
}

/// The part of a [`Call`] that does not depend on the response type.
struct Inner<'a> {
    client: &'a Client,
    op: &'static OperationMeta,
    span: tracing::Span,
    state: State<'a>,
}

enum State<'a> {
    Sending(Pin<Box<dyn Future<Output = Result<RawResponse, Error<String>>> + Send + 'a>>),
    /// The request could not be built (a parameter broke its limits, a body did not encode).
    Failed(Option<Error<String>>),
}

impl Client {
    /// Starts one operation's call with `request`, as built by a generated method.
    #[doc(hidden)]
    pub fn call<T, C>(
        &self,
        op: &'static OperationMeta,
        request: Result<Request, Error<String>>,
    ) -> Call<'_, T, C> {
        Call {
            inner: Inner::new(self, op, request),
            output: PhantomData,
        }
    }
}

impl<'a> Inner<'a> {
    fn new(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<Request, Error<String>>,
    ) -> Inner<'a> {
        let span = request_span(op);
        let state = match request {
            Ok(request) => {
                State::Sending(Box::pin(client.send(op, request).instrument(span.clone())))
            }
            Err(error) => State::Failed(Some(error)),
        };
        Inner {
            client,
            op,
            span,
            state,
        }
    }

    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Result<RawResponse, Error<String>>> {
        match &mut self.state {
            State::Sending(sending) => sending.as_mut().poll(cx),
            State::Failed(error) => Poll::Ready(Err(error
                .take()
                .expect("a failed call is not polled after it completed"))),
        }
    }
}

impl<T: DeserializeOwned, C: From<String>> Future for Call<'_, T, C> {
    type Output = Result<T, Error<C>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.inner;
        let raw = match inner.poll_raw(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(raw) => raw,
        };
        let decoded = raw.and_then(|raw| {
            let _in_span = inner.span.enter();
            inner.client.decode::<T>(inner.op, &raw)
        });
        Poll::Ready(decoded.map_err(Error::map_code))
    }
}

impl<T, C> fmt::Debug for Call<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("operation_id", &self.inner.op.operation_id)
            .finish_non_exhaustive()
    }
}
