use crate::{identity::AuthUser, state::RequestMeta};
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

/// A refused request (403) of a signed-in user: who tried what, from where. The edge calls this
/// for every route at once, so no refusal goes unrecorded; the query is kept (it names what was
/// asked for), a body never is (it may carry the personal data being written).
pub async fn record_refusal(
    db: &sqlx::PgPool,
    meta: &RequestMeta,
    method: &str,
    path: &str,
    query: Option<&str>,
) -> Result<(), crate::error::AppError> {
    let Some(user) = crate::identity::authz::user_from_cookies(db, meta.cookie_header.as_deref()).await? else {
        return Ok(());
    };
    let cut = |s: &str| s.chars().take(500).collect::<String>();
    let entry = Entry {
        action: "access_refused",
        entity_type: "request",
        entity_id: Some(cut(path)),
        province_code: user.province_code.as_deref(),
        commune_code: user.commune_code.as_deref(),
        details: serde_json::json!({ "method": method, "query": query.map(cut) }),
    };
    let mut conn = db.acquire().await?;
    record(&mut conn, Some(&user), meta, entry).await?;
    Ok(())
}
