//! Ratings, indicators, rankings and feedback cases over Postgres. Every change runs in one
//! transaction with its audit entry; the monthly sums follow through a trigger.

mod base;
pub mod cases;
pub mod criteria;
pub mod intake;
pub mod ranking;
pub mod rating;

pub use base::*;
pub use cases::*;
pub use criteria::*;
pub use intake::*;
pub use ranking::*;
pub use rating::*;
