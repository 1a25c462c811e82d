//! A struct literal that lists every field of `Badge`: the one case an optional field breaks.
use drill_client::types::{Badge, BadgeVisibility};

fn main() {
    let badge = Badge {
        text: Some("Email".to_owned()),
        icon_url: None,
        badge_visibility: Some(BadgeVisibility::Business),
        extra: Default::default(),
    };
    println!("{badge:?}");
}
