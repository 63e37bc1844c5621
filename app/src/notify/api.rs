//! What other features may ask of the notifications: put a message in the outbox (in the
//! caller's transaction), and the adapter interface a channel's gateway implements.

pub use super::service::{Notifier, enqueue};
