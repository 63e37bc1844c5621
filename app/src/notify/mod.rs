//! Notifications (SMS, Zalo, email) through an outbox.
//!
//! A message is inserted into `notification` in the same transaction as the change that causes
//! it; a dispatcher in any server instance claims pending rows (`for update skip locked`) and
//! hands them to the [`service::Notifier`] adapter of the channel. The local adapter records what
//! it "sent" in `local_message`, readable at `/dev/inbox` when that page is enabled.

#[cfg(feature = "ssr")]
pub mod api;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Sms,
    Zalo,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Zalo => "zalo",
            Channel::Email => "email",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Channel::Sms, Channel::Zalo, Channel::Email].into_iter().find(|c| c.as_str() == s)
    }
}

/// One message the local adapter delivered (developer inbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub body: String,
    pub delivered_at: chrono::DateTime<chrono::Utc>,
}
