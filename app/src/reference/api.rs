//! What other features may ask of the reference data: the working-day calendar and the
//! procedure search.

pub use super::service::{load_calendar, load_calendar_between, search_procedures};
