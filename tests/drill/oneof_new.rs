//! Builds the new oneof alternative `basic_message_data::Data::Audio`.
use drill_client::types::{BasicMessageData, basic_message_data, FileMessage};

fn main() {
    let mut item = BasicMessageData::default();
    item.data = Some(basic_message_data::Data::Audio(FileMessage::default()));
    println!("{item:?}");
}
