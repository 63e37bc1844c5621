//! What other parts of the app may ask of identity: create a staff account if it is missing
//! (demo data and first set-up).

pub use super::repo::auth_user;
pub use super::service::{NewStaff, ensure_staff};
