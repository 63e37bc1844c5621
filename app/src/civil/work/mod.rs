//! The commune's work on dossiers: the official's queue, a dossier's page, intake at the counter
//! with registry prefill, corrections as new versions, and the steps from review to delivery,
//! each authorized by role and commune, logged in the process log and audited.

mod base;
pub mod dossier;
pub mod intake;
pub mod list;
pub mod public;
pub mod steps;

pub use base::*;
pub use dossier::*;
pub use intake::*;
pub use list::*;
pub use public::*;
pub use steps::*;
