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
