//! The commune's settings of civil registration: after how many days a registered certificate
//! nobody has handed over is flagged.

use crate::{
    identity::{AuthUser, Role},
    kernel::{error::AppError, request::RequestMeta},
};
use sqlx::PgPool;

/// After how many days a registered, undelivered certificate is flagged (commune setting, 7 by default).
pub async fn undelivered_days(db: &PgPool, commune: &str) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar!("select undelivered_flag_days from commune_field_setting where commune_code = $1", commune)
        .fetch_optional(db)
        .await?
        .unwrap_or(7))
}

/// The commune administrator sets the days (audited).
pub async fn set_undelivered_days(db: &PgPool, user: &AuthUser, meta: &RequestMeta, days: i32) -> Result<(), AppError> {
    let commune = match (user.role, user.commune_code.as_deref()) {
        (Role::AgencyAdmin, Some(c)) => c.to_owned(),
        _ => return Err(AppError::Forbidden),
    };
    if !(1..=90).contains(&days) {
        return Err(AppError::invalid("days"));
    }
    let mut tx = db.begin().await?;
    sqlx::query!(
        r#"insert into commune_field_setting (commune_code, undelivered_flag_days, updated_by) values ($1, $2, $3)
           on conflict (commune_code) do update set undelivered_flag_days = $2, updated_by = $3, updated_at = now()"#,
        commune,
        days,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    crate::kernel::audit::commit(
        tx,
        Some(user),
        meta,
        crate::kernel::audit::Entry::new("field.undelivered_days", "commune", Some(commune.clone()))
            .at(user.province_code.as_deref(), Some(&commune))
            .details(serde_json::json!({ "days": days })),
    )
    .await?;
    Ok(())
}
