//! Uses `ImageMessage` fields other than `width`.
use drill_client::types::ImageMessage;

fn main() {
    let mut image = ImageMessage::default();
    image.url = Some("https://example.com/a.png".to_owned());
    image.height = Some(600);
    println!("{image:?}");
}
