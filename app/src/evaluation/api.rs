//! What other features may ask of the evaluation: open one when a service is finished, and the
//! rating endpoints' request limit.

pub use super::service::{
    Caller, CaseStep, Contact, NewCase, case_act, case_sweep, open_case, open_for_contact, rate_by_keypad, track_case,
};
pub use super::service::{open_for_dossier, open_for_ticket, rating_rate_limit};
