//! Matches on `ChannelType` (with the wildcard arm `#[non_exhaustive]` requires).
use drill_client::types::ChannelType;

fn describe(channel: &ChannelType) -> &'static str {
    match channel {
        ChannelType::Chat => "chat",
        ChannelType::Email => "e-mail",
        ChannelType::Unrecognized(_) => "unknown",
        _ => "other",
    }
}

fn main() {
    println!("{}", describe(&ChannelType::from_wire("CHAT")));
    println!("{}", ChannelType::Sms.as_str());
}
