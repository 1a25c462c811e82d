//! Uses `Message.badges`, which the edit deprecates: still compiles, now with a warning.
use drill_client::types::{Badge, Message};

fn add_badge(message: &mut Message) -> usize {
    message.badges = Some(vec![Badge::default()]);
    message.badges.as_ref().map_or(0, Vec::len)
}

fn main() {
    let _ = add_badge;
}
