//! The audit log's entries: every state change and every refused attempt is recorded here.

use crate::kernel::{principal::AuthUser, request::RequestMeta};
use sqlx::{PgConnection, types::ipnetwork::IpNetwork};

/// One entry to record. `province_code` / `commune_code` say whose record it is, so that
/// administrators see their jurisdiction's events only.
pub struct Entry<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub province_code: Option<&'a str>,
    pub commune_code: Option<&'a str>,
    pub details: serde_json::Value,
}

impl<'a> Entry<'a> {
    /// An entry about one entity, filed under no jurisdiction and without details until
    /// [`Entry::at`] and [`Entry::details`] say otherwise.
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: Option<String>) -> Self {
        Self { action, entity_type, entity_id, province_code: None, commune_code: None, details: serde_json::json!({}) }
    }

    /// Whose record it is: the province's and the commune's administrators see it.
    pub fn at(self, province_code: Option<&'a str>, commune_code: Option<&'a str>) -> Self {
        Self { province_code, commune_code, ..self }
    }

    pub fn details(self, details: serde_json::Value) -> Self {
        Self { details, ..self }
    }
}

/// Records the entry in the change's own transaction and commits both: no change is kept
/// without its entry, and no entry without its change.
pub async fn commit(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    actor: Option<&AuthUser>,
    meta: &RequestMeta,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    record(&mut tx, actor, meta, entry).await?;
    tx.commit().await
}

#[tracing::instrument(skip_all, fields(action = entry.action))]
pub async fn record(
    conn: &mut PgConnection,
    actor: Option<&AuthUser>,
    meta: &RequestMeta,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"insert into audit_event (actor_user_id, actor_role, action, entity_type, entity_id,
                                    province_code, commune_code, ip, user_agent, details)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        actor.map(|a| a.user_id),
        actor.map(|a| a.role.as_str()),
        entry.action,
        entry.entity_type,
        entry.entity_id,
        entry.province_code,
        entry.commune_code,
        meta.ip.map(IpNetwork::from),
        meta.user_agent,
        entry.details,
    )
    .execute(conn)
    .await?;
    Ok(())
}
