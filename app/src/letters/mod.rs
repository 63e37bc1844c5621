//! The commune chairman's letters that go with each certificate: congratulations on a
//! birth or a marriage, condolences on a death. Templates are versioned per commune (the
//! province's default otherwise); each registered dossier gets its letter rendered when the
//! chairman signs the registration, and the chairman signs the letters in a batch on the tablet.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod domain;
pub mod i18n;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;
pub mod sheet;

use crate::civil::domain::DossierKind;
use serde::{Deserialize, Serialize};

/// A letter as shown to the chairman and printed with the certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterView {
    pub letter_id: uuid::Uuid,
    pub dossier_code: String,
    pub kind: DossierKind,
    pub subject_name: String,
    pub agency_name: String,
    pub title: String,
    pub body: String,
    pub practical: String,
    pub signer: Option<String>,
    pub signed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The template in force for one kind of letter in the user's commune.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateView {
    pub kind: DossierKind,
    pub version: i32,
    /// The commune's own version (else the province's default).
    pub own: bool,
    pub title: String,
    pub body: String,
    pub practical: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The merge fields a template may use, for the editor's help.
pub const MERGE_FIELDS: [&str; 11] = [
    "child_name",
    "mother_name",
    "father_name",
    "wife_name",
    "husband_name",
    "deceased_name",
    "event_date",
    "personal_id",
    "commune",
    "chairman",
    "today",
];

/// Paragraphs of a rendered text: blank lines separate them.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}
