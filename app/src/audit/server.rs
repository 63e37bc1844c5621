use super::AuditRow;
use crate::kernel::error::AppError;
use leptos::prelude::*;

/// The latest 200 audit events within the administrator's jurisdiction.
/// Errors: Unauthorized, Forbidden (not an administrator).
#[server(endpoint = "audit_events")]
pub async fn list_audit_events() -> Result<Vec<AuditRow>, AppError> {
    use crate::{identity::authz, state::state};
    let st = state()?;
    let user = authz::require_user(&st).await?;
    if !user.role.is_admin() {
        return Err(AppError::Forbidden);
    }
    let rows = sqlx::query_as!(
        AuditRow,
        r#"select e.audit_id, e.at, coalesce(u.display_name, u.username) as actor, e.action,
                  e.entity_type, e.entity_id, host(e.ip) as ip
           from audit_event e left join app_user u on u.user_id = e.actor_user_id
           where e.province_code = $1 and ($2::text is null or e.commune_code = $2)
           order by e.audit_id desc limit 200"#,
        user.province_code,
        user.commune_code
    )
    .fetch_all(&st.db)
    .await?;
    Ok(rows)
}
