//! The design system: layout, form fields, error views.

pub mod field;
pub mod layout;
pub mod not_found;
pub mod problem;
