//! The append-only audit log: who did what to which record, when and from where.
//! The table refuses updates and deletes (trigger), so history cannot be rewritten.

#[cfg(feature = "ssr")]
pub mod api;
pub mod pages;
pub mod server;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub audit_id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub ip: Option<String>,
}
