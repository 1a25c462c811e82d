//! Sets the new optional field `Badge.tooltip`.
use drill_client::types::Badge;

fn main() {
    let mut badge = Badge::default();
    badge.tooltip = Some("Sent by e-mail".to_owned());
    println!("{badge:?}");
}
