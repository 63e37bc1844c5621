//! What crosses the wire between the collector's phone and the server.

use crate::{
    civil::{Status, domain::DossierKind},
    kernel::error::FieldErrors,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long the field app keeps the visit and hand-over lists offline: a session's default
/// length. Past it the phone's copy is deleted, not shown.
pub const KEEP_LISTS_HOURS: f64 = 12.0;

/// What the phone is told about a submission (stored, and repeated on every retry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionReceipt {
    pub idempotency_key: Uuid,
    pub outcome: Outcome,
    /// The dossier made (accepted, or accepted with a conflict to look at).
    pub dossier_code: Option<String>,
    /// The dossier already on file for the same event.
    pub conflict_with: Option<String>,
    /// Why it was refused: a field's error, or a rule (already dead, already married…).
    pub errors: Option<FieldErrors>,
    pub reason: Option<String>,
    /// Photos received under this key and attached to the dossier.
    #[serde(default)]
    pub photos: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Accepted,
    Conflict,
    Refused,
}

/// A home visit on the collector's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub task_id: Uuid,
    pub kind: DossierKind,
    pub source: String,
    pub status: String,
    pub family_name: String,
    pub address: String,
    pub phone: Option<String>,
    pub note: String,
    pub legal_deadline: Option<NaiveDate>,
    pub mine: bool,
    pub dossier_code: Option<String>,
    pub dossier_status: Option<Status>,
}

/// A collector's own figures for one period (the province counts proactive registrations per
/// collector and commune).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Home visits she closed.
    pub visits: i64,
    /// Dossiers made from her submissions.
    pub submitted: i64,
    /// Of those, registered (or already handed over).
    pub registered: i64,
    /// Certificates she handed over.
    pub delivered: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub month: Counts,
    pub year: Counts,
}

/// The largest photo a phone may send (it compresses to about 200 KB before storing).
pub const MAX_PHOTO_BYTES: usize = 3 * 1024 * 1024;

/// What a photo's first bytes say it is, if it is an image we keep.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Where a certificate was handed over.
pub const PLACES: [&str; 4] = ["home", "hospital", "office", "other"];

/// A handover recorded on the phone, as sent from its outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub code: String,
    pub recipient: String,
    pub relation: String,
    pub place: String,
    pub place_note: String,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A registered certificate waiting to be handed over, on the collector's phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToDeliver {
    pub code: String,
    pub kind: DossierKind,
    pub subject_name: String,
    pub phone: Option<String>,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Older than the commune's days: flagged to the commune.
    pub flagged: bool,
    pub letter_signed: bool,
}

/// A family member (on the public page) or the hotline (an official of the commune, on the
/// phone with the family) asks for a home visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRequest {
    pub commune_code: String,
    pub kind: DossierKind,
    pub family_name: String,
    pub phone: String,
    pub address: String,
    pub event_date: Option<NaiveDate>,
    pub note: String,
    pub requester_name: String,
}
