//! Civil registration (issue 5, first part): personal identity numbers, the chip ID card's QR,
//! dossier codes with a gap-free daily sequence, and the population registry adapter with its
//! synthetic local implementation.

pub mod domain;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod service;
