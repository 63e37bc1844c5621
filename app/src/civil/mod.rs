//! Civil registration (issue 5, first part): personal identity numbers, the chip ID card's QR,
//! dossier codes with a gap-free daily sequence, and the population registry adapter with its
//! synthetic local implementation.

pub mod domain;
#[cfg(feature = "ssr")]
pub mod hospital;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A dossier as received: what the receipt (Mẫu 01) prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceivedDossier {
    pub dossier_id: uuid::Uuid,
    pub code: String,
    pub due_on: NaiveDate,
    pub late: bool,
    /// An earlier dossier of what looks like the same birth (same mother and day).
    pub possible_duplicate_of: Option<uuid::Uuid>,
}
