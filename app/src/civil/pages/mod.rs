//! Pages of civil registration: the official's work queue and dossier page (tablet), intake at
//! the counter with registry prefill, the printable receipt and certificates, the public
//! verification and tracking pages, the commune's settings.

mod base;
pub mod documents;
pub mod dossier;
pub mod intake;
pub mod public;
pub mod queue;
pub mod settings;

pub use base::*;
pub use documents::*;
pub use dossier::*;
pub use intake::*;
pub use public::*;
pub use queue::*;
pub use settings::*;
