//! Reading a response body without ever holding more than a limit.

use bytes::{Bytes, BytesMut};

#[derive(Clone, Copy)]
pub(super) enum Overflow {
    /// Stop with [`BodyError::TooLarge`].
    Fail,
    /// Keep what fits and stop reading.
    Truncate,
}

pub(super) enum BodyError {
    TooLarge,
    /// The connection failed after part of the body arrived.
    Partial(Bytes, reqwest::Error),
}

/// Reads the body, never holding more than `limit` bytes.
pub(super) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    overflow: Overflow,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if let (Some(length), Overflow::Fail) = (announced, overflow) {
        if length > limit {
            return Err(BodyError::TooLarge);
        }
    }
    let capacity = announced.unwrap_or(0).min(limit).min(64 * 1024);
    let mut body = Collected::Empty;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(body.into_bytes()),
            Err(e) => return Err(BodyError::Partial(body.into_bytes(), e)),
        };
        let room = limit.saturating_sub(body.len() as u64);
        if chunk.len() as u64 > room {
            return match overflow {
                Overflow::Fail => Err(BodyError::TooLarge),
                Overflow::Truncate => {
                    body.push(chunk.slice(..usize::try_from(room).unwrap_or(0)), capacity);
                    Ok(body.into_bytes())
                }
            };
        }
        body.push(chunk, capacity);
    }
}

/// A body being read. A body that arrives in one chunk (the usual case for small responses)
/// is kept as it is; only a second chunk makes it copy into a buffer.
enum Collected {
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn len(&self) -> usize {
        match self {
            Collected::Empty => 0,
            Collected::One(bytes) => bytes.len(),
            Collected::Many(buffer) => buffer.len(),
        }
    }

    /// Appends `chunk`; `capacity` is the buffer size to start with once one is needed.
    fn push(&mut self, chunk: Bytes, capacity: u64) {
        *self = match std::mem::replace(self, Collected::Empty) {
            Collected::Empty => Collected::One(chunk),
            Collected::One(first) => {
                let capacity = usize::try_from(capacity)
                    .unwrap_or(0)
                    .max(first.len() + chunk.len());
                let mut buffer = BytesMut::with_capacity(capacity);
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                Collected::Many(buffer)
            }
            Collected::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                Collected::Many(buffer)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Collected::Empty => Bytes::new(),
            Collected::One(bytes) => bytes,
            Collected::Many(buffer) => buffer.freeze(),
        }
    }
}
