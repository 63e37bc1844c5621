//! The scoring rules, pure so each can be shown with a worked example.

pub mod answers;
pub mod case;
pub mod criteria;
pub mod ranking;
pub mod scoring;

pub use answers::*;
pub use case::*;
pub use criteria::*;
pub use ranking::*;
pub use scoring::*;

#[cfg(test)]
mod tests;
