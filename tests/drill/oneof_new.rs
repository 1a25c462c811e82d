//! Builds the new oneof alternative `BasicMessageDataData::Audio`.
use drill_client::types::{BasicMessageData, BasicMessageDataData, FileMessage};

fn main() {
    let mut item = BasicMessageData::default();
    item.data = Some(BasicMessageDataData::Audio(FileMessage::default()));
    println!("{item:?}");
}
