//! [`Call`]: what every generated operation method returns.
//!
//! A generated method is a plain `fn`: it checks the parameters and encodes the path, query,
//! headers and body right away, then hands the result to one of the constructors here, which
//! start the runtime's shared request future (`Client::execute` and its siblings in
//! [`response`](super::response)). So the only `async` state machines are those generic ones,
//! not one per operation: a crate with a thousand operations type-checks a thousand small
//! functions instead of a thousand generators.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::response::{
    execute_binary, execute_byte_stream, execute_event_stream, execute_text, Binary, ByteStream,
    EventStream,
};
use crate::client::{Client, OperationMeta, Request};
use crate::error::Error;

/// The request of one operation call: a future that sends it when awaited.
///
/// Every operation method on [`Client`] returns one; `client.some_operation(args).await`
/// sends the request (with the client's timeout, retries and drift detection) and gives the
/// decoded response, `Result<T, Error<C>>` where `C` is the operation's error code type. The
/// method has already checked and encoded the arguments when it returns: if that failed
/// (a value outside its documented limits, a body that does not serialize), awaiting the
/// `Call` gives that [`Error::InvalidRequest`] without sending anything.
///
/// Nothing is sent until the `Call` is awaited (or polled); dropping it sends nothing. It is
/// `Send` (it can be spawned on a multi-threaded runtime) and `Unpin`, and borrows the client
/// for `'a`.
#[must_use = "a Call sends nothing until it is awaited"]
pub struct Call<'a, T, C = String> {
    state: State<'a, T, C>,
}

type Sending<'a, T, C> = Pin<Box<dyn Future<Output = Result<T, Error<C>>> + Send + 'a>>;

enum State<'a, T, C> {
    /// The arguments did not encode; this error is the output.
    Failed(Error<C>),
    /// The runtime's request future.
    Sending(Sending<'a, T, C>),
    /// The output was returned.
    Done,
}

// Nothing is pinned in place: the request future is boxed, the error plain data.
impl<T, C> Unpin for Call<'_, T, C> {}

impl<T, C> Future for Call<'_, T, C> {
    type Output = Result<T, Error<C>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let output = match &mut this.state {
            State::Sending(future) => match future.as_mut().poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return Poll::Pending,
            },
            State::Failed(_) => match std::mem::replace(&mut this.state, State::Done) {
                State::Failed(error) => Err(error),
                _ => unreachable!("the state was `Failed` a moment ago"),
            },
            State::Done => panic!("`Call` polled after it completed"),
        };
        this.state = State::Done;
        Poll::Ready(output)
    }
}

impl<T, C> fmt::Debug for Call<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Failed(_) => "failed before sending",
            State::Sending(_) => "pending",
            State::Done => "done",
        };
        f.debug_struct("Call").field("state", &state).finish()
    }
}

impl<'a, T, C> Call<'a, T, C> {
    /// A call whose output is `future`'s, or `error` when the request could not be built.
    fn start<F>(
        request: Result<impl Into<Request>, Error<C>>,
        send: impl FnOnce(Request) -> F,
    ) -> Self
    where
        F: Future<Output = Result<T, Error<C>>> + Send + 'a,
    {
        let state = match request {
            Ok(request) => State::Sending(Box::pin(send(request.into()))),
            Err(error) => State::Failed(error),
        };
        Call { state }
    }

    /// A call that gives `error` when awaited, sending nothing.
    #[doc(hidden)]
    pub fn failed(error: Error<C>) -> Self {
        Call {
            state: State::Failed(error),
        }
    }
}

impl<'a, T, C> Call<'a, T, C>
where
    T: DeserializeOwned + Serialize + Send + 'a,
    C: From<String> + Send + 'a,
{
    /// Sends `request` (unless it is an error) and decodes the JSON response into `T`.
    #[doc(hidden)]
    pub fn json(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<impl Into<Request>, Error<C>>,
    ) -> Self {
        Call::start(request, |request| client.execute(op, request))
    }
}

impl<'a, C: From<String> + Send + 'a> Call<'a, (), C> {
    /// Sends `request` (unless it is an error) whose response has no documented body; see
    /// [`execute_empty`](super::execute_empty).
    #[doc(hidden)]
    pub fn empty(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<impl Into<Request>, Error<C>>,
    ) -> Self {
        Call::start(request, |request| super::execute_empty(client, op, request))
    }
}

impl<'a, C: From<String> + Send + 'a> Call<'a, String, C> {
    /// Sends `request` (unless it is an error) and gives the text response.
    #[doc(hidden)]
    pub fn text(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<impl Into<Request>, Error<C>>,
    ) -> Self {
        Call::start(request, |request| execute_text(client, op, request))
    }
}

impl<'a, C: From<String> + Send + 'a> Call<'a, Binary, C> {
    /// Sends `request` (unless it is an error) and reads the whole binary response.
    #[doc(hidden)]
    pub fn binary(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<impl Into<Request>, Error<C>>,
    ) -> Self {
        Call::start(request, |request| execute_binary(client, op, request))
    }
}

impl<'a, C: From<String> + Send + 'a> Call<'a, ByteStream, C> {
    /// Sends `request` (unless it is an error) and gives the response body as it arrives.
    #[doc(hidden)]
    pub fn byte_stream(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<impl Into<Request>, Error<C>>,
    ) -> Self {
        Call::start(request, |request| execute_byte_stream(client, op, request))
    }
}

impl<'a, T: Send + 'static, C: From<String> + Send + 'a> Call<'a, EventStream<T>, C> {
    /// Sends `request` (unless it is an error) and gives the server-sent events, each one's
    /// data decoded by `decode`.
    #[doc(hidden)]
    pub fn event_stream(
        client: &'a Client,
        op: &'static OperationMeta,
        request: Result<impl Into<Request>, Error<C>>,
        decode: fn(&str) -> Result<T, serde_json::Error>,
    ) -> Self {
        Call::start(request, |request| {
            execute_event_stream(client, op, request, decode)
        })
    }
}
