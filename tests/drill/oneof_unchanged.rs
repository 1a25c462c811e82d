//! Builds and matches `BasicMessageDataData` (wildcard arm as `#[non_exhaustive]` requires).
use drill_client::types::{BasicMessageData, BasicMessageDataData, ImageMessage};

fn kind(item: &BasicMessageData) -> &'static str {
    match &item.data {
        Some(BasicMessageDataData::Text(_)) => "text",
        Some(BasicMessageDataData::Image(_)) => "image",
        Some(_) => "other",
        None => "empty",
    }
}

fn main() {
    let mut item = BasicMessageData::default();
    item.data = Some(BasicMessageDataData::Image(ImageMessage::default()));
    println!("{}", kind(&item));
}
