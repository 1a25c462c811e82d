//! Sets `ImageMessage.width` as the integer it was.
use drill_client::types::ImageMessage;

fn main() {
    let mut image = ImageMessage::default();
    let width: Option<i32> = Some(1200);
    image.width = width;
    println!("{image:?}");
}
