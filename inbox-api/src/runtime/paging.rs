//! Cursor pagination as a lazy `Stream` of items.
//!
//! Wix's cursor paging (`paging.cursor` in, `pagingMetadata.cursors.next` out) is the same for
//! every list operation, so the loop lives here once; generated list methods pass a closure that
//! fetches one page and a function that splits a page into items and the next cursor.
//! This module knows nothing about HTTP.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, OnceLock};

use futures::stream::{self, FusedStream, StreamExt};

use crate::error::{PagingError, PagingFault};

/// How many pages in a row may have no items but a next cursor before [`paginate`] gives up
/// with [`PagingFault::EmptyPages`].
pub const MAX_EMPTY_PAGES: u32 = 16;

/// The operation named in a [`PagingError`] when the fetch did not go through
/// [`Client`](crate::Client) (which reports its `operationId`).
pub const UNNAMED_OPERATION: &str = "an unnamed listing";

tokio::task_local! {
    /// Set while `paginate` fetches a page; `Client::execute` writes its `operationId` here, so
    /// that a paging error can name the operation without the generated code passing it.
    static FETCHING: Arc<OnceLock<&'static str>>;
}

/// Called by the client for every request: tells a surrounding [`paginate`] which operation
/// fetches its pages. Does nothing outside a fetch.
pub(crate) fn note_operation(operation_id: &'static str) {
    let _ = FETCHING.try_with(|slot| slot.set(operation_id));
}

/// Streams every item of a cursor-paginated listing, fetching pages lazily.
///
/// - `first_cursor`: where to start (`None` for the first page).
/// - `fetch`: fetches the page at a cursor (`None` on the first request).
/// - `split`: splits a page into its items and the next cursor.
///
/// The next page is requested only when the consumer has taken every item of the current one.
/// The stream ends when the next cursor is absent or empty. It ends with a [`PagingError`]
/// (converted into `E`), after the items of the page that revealed it, when the server's
/// cursors would otherwise never lead to an end:
///
/// - a next cursor this stream has already fetched ([`PagingFault::CursorRepeated`]: the
///   cursor it was just sent, or a cycle such as A → B → A); cursors are remembered as 64-bit
///   keyed hashes, 8 bytes per page;
/// - [`MAX_EMPTY_PAGES`] pages in a row without items but with a next cursor
///   ([`PagingFault::EmptyPages`]).
///
/// The error names the operation when the pages are fetched through
/// [`Client`](crate::Client), else [`UNNAMED_OPERATION`]. After an error the stream yields
/// that error and ends. The stream is fused: polling it after the end yields `None`.
///
/// ```
/// # use futures::{StreamExt, TryStreamExt};
/// # async fn demo() -> Result<(), inbox_api::Error> {
/// struct Page { items: Vec<u32>, next: Option<String> }
/// let pages = inbox_api::paging::paginate(
///     None,
///     |cursor: Option<String>| async move {
///         Ok::<_, inbox_api::Error>(match cursor.as_deref() {
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
    E: From<PagingError>,
{
    let hasher = RandomState::new();
    let seen = first_cursor
        .iter()
        .map(|cursor| hasher.hash_one(cursor))
        .collect();
    let state = State {
        items: VecDeque::new(),
        next: Next::Fetch(first_cursor),
        fetch,
        split,
        hasher,
        seen,
        empty_run: 0,
        pages: 0,
        operation: None,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some((Ok(item), state));
            }
            let cursor = match std::mem::replace(&mut state.next, Next::Done) {
                Next::Done => return None,
                Next::Fail(fault) => {
                    let operation = state.operation.unwrap_or(UNNAMED_OPERATION);
                    tracing::warn!(
                        target: "inbox_api::paging",
                        operation,
                        pages = state.pages,
                        %fault,
                        "stopping a pagination that would not end"
                    );
                    let error = PagingError::new(operation, fault, state.pages);
                    return Some((Err(E::from(error)), state));
                }
                Next::Fetch(cursor) => cursor,
            };
            let slot = Arc::new(OnceLock::new());
            let page = FETCHING.scope(slot.clone(), (state.fetch)(cursor)).await;
            if let Some(operation) = slot.get() {
                state.operation = Some(operation);
            }
            state.pages += 1;
            match page {
                Err(error) => return Some((Err(error), state)),
                Ok(page) => {
                    let (items, next) = (state.split)(page);
                    let empty = items.is_empty();
                    state.items = items.into();
                    state.next = state.after_page(empty, next);
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
    hasher: RandomState,
    /// Hashes of every cursor fetched (or about to be).
    seen: HashSet<u64>,
    /// Pages in a row without items but with a next cursor.
    empty_run: u32,
    pages: u64,
    operation: Option<&'static str>,
}

impl<I, F, S> State<I, F, S> {
    /// What follows a page with (`empty == false`) or without items and this next cursor.
    fn after_page(&mut self, empty: bool, next: Option<String>) -> Next {
        let Some(next) = next.filter(|next| !next.is_empty()) else {
            return Next::Done;
        };
        if !self.seen.insert(self.hasher.hash_one(&next)) {
            return Next::Fail(PagingFault::CursorRepeated);
        }
        self.empty_run = if empty { self.empty_run + 1 } else { 0 };
        if self.empty_run >= MAX_EMPTY_PAGES {
            return Next::Fail(PagingFault::EmptyPages(self.empty_run));
        }
        Next::Fetch(Some(next))
    }
}

enum Next {
    Fetch(Option<String>),
    Fail(PagingFault),
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

    /// A fetch failure, or the paging error.
    #[derive(Debug, PartialEq)]
    enum TestError {
        Fetch(&'static str),
        Paging(PagingError),
    }

    impl From<PagingError> for TestError {
        fn from(error: PagingError) -> Self {
            TestError::Paging(error)
        }
    }

    type Log = Arc<Mutex<Vec<Option<String>>>>;
    type PageResult = Result<Page, TestError>;

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

    fn page(items: &[u32], next: Option<&str>) -> PageResult {
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
            (Some("b"), Err(TestError::Fetch("boom"))),
            (Some("c"), page(&[2], None)),
        ]);
        let all: Vec<_> = paginate(None, fetch, split).collect().await;
        assert_eq!(all, [Ok(1), Err(TestError::Fetch("boom"))]);
        assert_eq!(log.lock().unwrap().len(), 2);
    }

    fn paging_error(fault: PagingFault, pages: u64) -> TestError {
        TestError::Paging(PagingError::new(UNNAMED_OPERATION, fault, pages))
    }

    #[tokio::test]
    async fn a_repeated_cursor_ends_with_an_error_after_the_page_items() {
        let (_, fetch) = server(vec![(Some("a"), page(&[1], Some("a")))]);
        let all: Vec<_> = paginate(Some("a".into()), fetch, split).collect().await;
        assert_eq!(
            all,
            [Ok(1), Err(paging_error(PagingFault::CursorRepeated, 1))]
        );
    }

    #[tokio::test]
    async fn a_cursor_cycle_ends_with_an_error() {
        let (log, fetch) = server(vec![
            (None, page(&[1], Some("a"))),
            (Some("a"), page(&[2], Some("b"))),
            (Some("b"), page(&[3], Some("a"))),
        ]);
        let all: Vec<_> = paginate(None, fetch, split).collect().await;
        assert_eq!(
            all,
            [
                Ok(1),
                Ok(2),
                Ok(3),
                Err(paging_error(PagingFault::CursorRepeated, 3))
            ]
        );
        assert_eq!(log.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_run_of_empty_pages_is_bounded() {
        // Pages "0", "1", ... are empty, each pointing at the next one, for ever.
        let fetches = Arc::new(Mutex::new(0u32));
        let counter = fetches.clone();
        let fetch = move |cursor: Option<String>| {
            *counter.lock().unwrap() += 1;
            let n: u32 = cursor.map_or(0, |c| c.parse::<u32>().unwrap() + 1);
            futures::future::ready(page(&[], Some(&n.to_string())))
        };
        let all: Vec<_> = paginate(None, fetch, split).collect().await;
        let max = u64::from(MAX_EMPTY_PAGES);
        assert_eq!(
            all,
            [Err(paging_error(
                PagingFault::EmptyPages(MAX_EMPTY_PAGES),
                max
            ))]
        );
        assert_eq!(*fetches.lock().unwrap(), MAX_EMPTY_PAGES);

        // Empty pages between full ones restart the count.
        let fetch = |cursor: Option<String>| {
            let n: u32 = cursor.map_or(0, |c| c.parse::<u32>().unwrap() + 1);
            let items: &[u32] = if n % 10 == 9 { &[7] } else { &[] };
            let next = (n < 100).then(|| n.to_string());
            futures::future::ready(page(items, next.as_deref()))
        };
        let all: Vec<_> = paginate(None, fetch, split).collect().await;
        assert_eq!(all.len(), 10);
        assert!(all.iter().all(|item| item == &Ok(7)));
    }
}
