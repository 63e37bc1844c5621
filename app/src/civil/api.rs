//! What other features may ask of civil registration: store a dossier (hospitals), receive one
//! from the field, act on one (hand it over), whether a user may read it, a party from the
//! registry written into a form, and the commune's days
//! before an undelivered certificate is flagged.

pub use super::service::{NewDossier, insert_dossier};
pub use super::settings::undelivered_days;
pub use super::work::{Action, act_in, fill_party, may_read, receive_in};
