//! Bookings, tickets and measurements in Postgres. Every change runs in one transaction with
//! its audit entry and its queue event (NOTIFY is delivered at commit).

mod base;
pub mod booking;
pub mod counter;
pub mod stats;
pub mod ticket;

pub use base::*;
pub use booking::*;
pub use counter::*;
pub use stats::*;
pub use ticket::*;
