//! Builds and reads a `Badge` through the fields that exist before and after `Badge.tooltip`.
use drill_client::types::{Badge, BadgeVisibility};

fn main() {
    let mut badge = Badge::default();
    badge.text = Some("Email".to_owned());
    badge.badge_visibility = Some(BadgeVisibility::Business);
    let updated = Badge { icon_url: Some("https://example.com/i.png".to_owned()), ..badge };
    println!("{:?}", updated.text);
}
