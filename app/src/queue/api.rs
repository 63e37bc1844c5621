//! What other parts of the app may ask of the queue: the demo set-up of an office.

pub use super::setup::configure_demo_office;
