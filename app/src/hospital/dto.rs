//! What a facility's pages and the province administrator's key page read.

use crate::civil::Status;
use serde::{Deserialize, Serialize};

/// A facility's view of the births it sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentBirth {
    pub certificate_code: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub dossier_code: String,
    pub status: Status,
    pub commune_name: String,
}

/// A health facility and its API keys (never the key itself, shown once when created).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityKeys {
    pub agency_id: uuid::Uuid,
    pub name: String,
    pub keys: Vec<KeyInfo>,
}

/// One key: its name, when it was made, when last used, whether active.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: Option<chrono::DateTime<chrono::Utc>>,
    pub active: bool,
}
