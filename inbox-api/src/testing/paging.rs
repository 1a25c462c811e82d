//! Cursor paging for ListMessages: the opaque cursor format and choosing one page of an
//! ordered message list.
//!
//! A cursor is base64url (no padding) of a small JSON object holding the query it belongs to
//! (conversation, visibility, order) and an anchor sequence: `after` for `next` cursors,
//! `before` for `prev` cursors. Clients must treat it as opaque.

use serde_json::{json, Value};
use uuid::Uuid;

use super::store::StoredMessage;
use super::wire;

/// `sorting.order`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    Asc,
    Desc,
}

impl Order {
    pub(crate) fn parse(text: &str) -> Option<Order> {
        match text {
            "ASC" => Some(Order::Asc),
            "DESC" => Some(Order::Desc),
            _ => None,
        }
    }

    fn wire(self) -> &'static str {
        match self {
            Order::Asc => "ASC",
            Order::Desc => "DESC",
        }
    }

    /// Whether `a` comes strictly before `b` in this order.
    fn precedes(self, a: i64, b: i64) -> bool {
        match self {
            Order::Asc => a < b,
            Order::Desc => a > b,
        }
    }
}

/// Where a page starts (`After`, from a `next` cursor) or ends (`Before`, from a `prev` cursor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    After(i64),
    Before(i64),
}

/// The decoded content of a `paging.cursor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub conversation_id: Uuid,
    pub visibility: String,
    pub order: Order,
    pub anchor: Anchor,
}

impl Cursor {
    pub(crate) fn encode(&self) -> String {
        let (key, sequence) = match self.anchor {
            Anchor::After(sequence) => ("after", sequence),
            Anchor::Before(sequence) => ("before", sequence),
        };
        let value = json!({
            "conversationId": self.conversation_id.to_string(),
            "visibility": self.visibility,
            "order": self.order.wire(),
            key: sequence.to_string(),
        });
        wire::base64url_encode(value.to_string().as_bytes())
    }

    /// `None` for anything this server did not produce.
    pub(crate) fn decode(text: &str) -> Option<Cursor> {
        let bytes = wire::base64url_decode(text)?;
        let value: Value = serde_json::from_slice(&bytes).ok()?;
        let sequence = |key: &str| value.get(key)?.as_str()?.parse::<i64>().ok();
        let anchor = match (sequence("after"), sequence("before")) {
            (Some(after), None) => Anchor::After(after),
            (None, Some(before)) => Anchor::Before(before),
            _ => return None,
        };
        Some(Cursor {
            conversation_id: wire::parse_guid(value.get("conversationId")?.as_str()?)?,
            visibility: value.get("visibility")?.as_str()?.to_owned(),
            order: Order::parse(value.get("order")?.as_str()?)?,
            anchor,
        })
    }
}

/// One page: the chosen messages and the anchors of the neighbouring pages, if any.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub items: Vec<&'a StoredMessage>,
    pub next: Option<Anchor>,
    pub prev: Option<Anchor>,
}

/// Picks up to `limit` messages of `ordered` (already filtered and sorted by `order`).
pub(crate) fn select<'a>(
    ordered: &[&'a StoredMessage],
    order: Order,
    limit: usize,
    anchor: Option<Anchor>,
) -> Page<'a> {
    let len = ordered.len();
    let (start, end) = match anchor {
        None => (0, limit.min(len)),
        Some(Anchor::After(after)) => {
            let start = ordered.partition_point(|m| !order.precedes(after, m.sequence));
            (start, (start + limit).min(len))
        }
        Some(Anchor::Before(before)) => {
            let end = ordered.partition_point(|m| order.precedes(m.sequence, before));
            (end.saturating_sub(limit), end)
        }
    };
    let next = (end > start && end < len).then(|| Anchor::After(ordered[end - 1].sequence));
    let prev = (start > 0 && start < end).then(|| Anchor::Before(ordered[start].sequence));
    Page {
        items: ordered[start..end].to_vec(),
        next,
        prev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(sequences: &[i64]) -> Vec<StoredMessage> {
        sequences
            .iter()
            .map(|&sequence| StoredMessage {
                sequence,
                json: Value::Null,
            })
            .collect()
    }

    fn sequences(page: &Page<'_>) -> Vec<i64> {
        page.items.iter().map(|m| m.sequence).collect()
    }

    #[test]
    fn walks_forward_and_back_in_both_orders() {
        let stored = messages(&[10, 20, 30, 40, 50]);
        let asc: Vec<&StoredMessage> = stored.iter().collect();
        let desc: Vec<&StoredMessage> = stored.iter().rev().collect();

        let first = select(&asc, Order::Asc, 2, None);
        assert_eq!((sequences(&first), first.prev), (vec![10, 20], None));
        let second = select(&asc, Order::Asc, 2, first.next);
        assert_eq!(sequences(&second), [30, 40]);
        let last = select(&asc, Order::Asc, 2, second.next);
        assert_eq!((sequences(&last), last.next), (vec![50], None));
        let back = select(&asc, Order::Asc, 2, last.prev);
        assert_eq!(sequences(&back), [30, 40]);
        let back = select(&asc, Order::Asc, 2, back.prev);
        assert_eq!((sequences(&back), back.prev), (vec![10, 20], None));

        let first = select(&desc, Order::Desc, 3, None);
        assert_eq!(sequences(&first), [50, 40, 30]);
        let second = select(&desc, Order::Desc, 3, first.next);
        assert_eq!((sequences(&second), second.next), (vec![20, 10], None));
        assert_eq!(second.prev, Some(Anchor::Before(20)));
        let back = select(&desc, Order::Desc, 3, second.prev);
        assert_eq!(sequences(&back), [50, 40, 30]);
    }

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let cursor = Cursor {
            conversation_id: Uuid::from_u128(9),
            visibility: "BUSINESS".to_owned(),
            order: Order::Desc,
            anchor: Anchor::Before(1_640_851_963_799_825),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(
            Cursor::decode("eyJ2YWx1ZSI6IjE2NDA4NDk5NTIzNTM2MjcifQ"),
            None
        );
        assert_eq!(Cursor::decode("%%%"), None);
    }
}
