//! Uses the new enum value `ChannelType::Telegram`.
use drill_client::types::ChannelType;

fn main() {
    let channel = ChannelType::Telegram;
    println!("{}", channel.as_str());
}
