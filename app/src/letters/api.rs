//! What other features may ask of the letters: make the letter of a dossier just registered.

pub use super::service::generate;
