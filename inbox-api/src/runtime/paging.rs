//! Cursor pagination as a lazy `Stream` of items.
//!
//! Wix's cursor paging (`paging.cursor` in, `pagingMetadata.cursors.next` out) is the same for
//! every list operation, so the loop lives here once; generated list methods pass a closure that
//! fetches one page and a function that splits a page into items and the next cursor.
//! This module knows nothing about HTTP.

use std::collections::VecDeque;
use std::future::Future;

use futures::stream::{self, FusedStream, StreamExt};

/// Streams every item of a cursor-paginated listing, fetching pages lazily.
///
/// - `first_cursor`: where to start (`None` for the first page).
/// - `fetch`: fetches the page at a cursor (`None` on the first request).
/// - `split`: splits a page into its items and the next cursor.
///
/// The next page is requested only when the consumer has taken every item of the current one.
/// The stream ends when the next cursor is absent or empty, or when the server hands back the
/// cursor it was just given (which would otherwise loop forever). After an error the stream
/// yields that error and ends. The stream is fused: polling it after the end yields `None`.
///
/// ```
/// # use futures::{StreamExt, TryStreamExt};
/// # async fn demo() -> Result<(), String> {
/// struct Page { items: Vec<u32>, next: Option<String> }
/// let pages = inbox_api::paging::paginate(
///     None,
///     |cursor: Option<String>| async move {
///         Ok::<_, String>(match cursor.as_deref() {
///             None => Page { items: vec![1, 2], next: Some("b".into()) },
///             _ => Page { items: vec![3], next: None },
///         })
///     },
///     |page: Page| (page.items, page.next),
/// );
/// let all: Vec<u32> = pages.try_collect().await?;
/// assert_eq!(all, [1, 2, 3]);
/// # Ok(()) }
/// ```
pub fn paginate<P, I, E, F, Fut, S>(
    first_cursor: Option<String>,
    fetch: F,
    split: S,
) -> impl FusedStream<Item = Result<I, E>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, E>>,
    S: FnMut(P) -> (Vec<I>, Option<String>),
{
    let state = State {
        items: VecDeque::new(),
        next: Next::Fetch(first_cursor),
        fetch,
        split,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some((Ok(item), state));
            }
            let cursor = match std::mem::replace(&mut state.next, Next::Done) {
                Next::Done => return None,
                Next::Fetch(cursor) => cursor,
            };
            match (state.fetch)(cursor.clone()).await {
                Err(error) => return Some((Err(error), state)),
                Ok(page) => {
                    let (items, next) = (state.split)(page);
                    state.items = items.into();
                    state.next = match next {
                        Some(next) if next.is_empty() => Next::Done,
                        Some(next) if Some(&next) == cursor.as_ref() => {
                            tracing::warn!(
                                target: "inbox_api::paging",
                                "wix returned the same cursor again; stopping the pagination"
                            );
                            Next::Done
                        }
                        Some(next) => Next::Fetch(Some(next)),
                        None => Next::Done,
                    };
                }
            }
        }
    })
    .fuse()
}

struct State<I, F, S> {
    items: VecDeque<I>,
    next: Next,
    fetch: F,
    split: S,
}

enum Next {
    Fetch(Option<String>),
    Done,
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::StreamExt;

    use super::*;

    struct Page {
        items: Vec<u32>,
        next: Option<String>,
    }

    fn split(page: Page) -> (Vec<u32>, Option<String>) {
        (page.items, page.next)
    }

    type Log = Arc<Mutex<Vec<Option<String>>>>;
    type PageResult = Result<Page, &'static str>;

    /// Pages keyed by cursor; records every cursor fetched.
    fn server(
        pages: Vec<(Option<&'static str>, PageResult)>,
    ) -> (
        Log,
        impl FnMut(Option<String>) -> futures::future::Ready<PageResult>,
    ) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let pages = Arc::new(Mutex::new(pages));
        let seen = log.clone();
        let fetch = move |cursor: Option<String>| {
            seen.lock().unwrap().push(cursor.clone());
            let mut pages = pages.lock().unwrap();
            let at = pages
                .iter()
                .position(|(c, _)| c.map(str::to_owned) == cursor)
                .expect("unexpected cursor");
            futures::future::ready(pages.remove(at).1)
        };
        (log, fetch)
    }

    fn page(items: &[u32], next: Option<&str>) -> Result<Page, &'static str> {
        Ok(Page {
            items: items.to_vec(),
            next: next.map(str::to_owned),
        })
    }

    #[tokio::test]
    async fn walks_all_pages_lazily() {
        let (log, fetch) = server(vec![
            (None, page(&[1, 2], Some("b"))),
            (Some("b"), page(&[], Some("c"))),
            (Some("c"), page(&[3], Some(""))),
        ]);
        let stream = paginate(None, fetch, split);
        futures::pin_mut!(stream);
        assert_eq!(stream.next().await, Some(Ok(1)));
        assert_eq!(log.lock().unwrap().len(), 1);
        assert_eq!(stream.next().await, Some(Ok(2)));
        // The current page is drained, but the next one is not fetched until asked for.
        assert_eq!(log.lock().unwrap().len(), 1);
        assert_eq!(stream.next().await, Some(Ok(3)));
        assert_eq!(stream.next().await, None);
        assert_eq!(stream.next().await, None);
        assert_eq!(
            *log.lock().unwrap(),
            [None, Some("b".to_owned()), Some("c".to_owned())]
        );
    }

    #[tokio::test]
    async fn starts_at_the_given_cursor_and_stops_without_next() {
        let (log, fetch) = server(vec![(Some("x"), page(&[7], None))]);
        let all: Vec<_> = paginate(Some("x".into()), fetch, split).collect().await;
        assert_eq!(all, [Ok(7)]);
        assert_eq!(*log.lock().unwrap(), [Some("x".to_owned())]);
    }

    #[tokio::test]
    async fn stops_after_the_first_error() {
        let (log, fetch) = server(vec![
            (None, page(&[1], Some("b"))),
            (Some("b"), Err("boom")),
            (Some("c"), page(&[2], None)),
        ]);
        let all: Vec<_> = paginate(None, fetch, split).collect().await;
        assert_eq!(all, [Ok(1), Err("boom")]);
        assert_eq!(log.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn stops_when_the_cursor_repeats() {
        let (_, fetch) = server(vec![(Some("a"), page(&[1], Some("a")))]);
        let all: Vec<_> = paginate(Some("a".into()), fetch, split).collect().await;
        assert_eq!(all, [Ok(1)]);
    }
}
