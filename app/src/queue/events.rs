//! Live queue updates: every change NOTIFYs `queue_event` inside its transaction; the kernel's
//! live hub brings it to the office's TV boards and citizens' phones on every instance.

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

pub const CHANNEL: &str = "queue_event";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEvent {
    pub office_id: Uuid,
    /// issued, called, started, finished, no_show, transferred.
    pub kind: String,
    pub ticket: Option<String>,
    pub counter: Option<i16>,
}

pub async fn notify(conn: &mut PgConnection, ev: &QueueEvent) -> Result<(), sqlx::Error> {
    crate::kernel::live::notify(conn, CHANNEL, &serde_json::to_string(ev).unwrap_or_default()).await
}
