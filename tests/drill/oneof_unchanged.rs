//! Builds and matches `basic_message_data::Data` (wildcard arm as `#[non_exhaustive]` requires).
use drill_client::types::{BasicMessageData, basic_message_data, ImageMessage};

fn kind(item: &BasicMessageData) -> &'static str {
    match &item.data {
        Some(basic_message_data::Data::Text(_)) => "text",
        Some(basic_message_data::Data::Image(_)) => "image",
        Some(_) => "other",
        None => "empty",
    }
}

fn main() {
    let mut item = BasicMessageData::default();
    item.data = Some(basic_message_data::Data::Image(ImageMessage::default()));
    println!("{}", kind(&item));
}
