//! The province's criteria sets and rating settings, and re-scoring evaluations when a set changes.

use super::base::{criteria_set, criteria_sets, from_points, to_points, to_sources};
use crate::evaluation::domain::{self, PointsSource};
use crate::kernel::conflict::EvaluationConflict;
use crate::{
    identity::{AuthUser, Role},
    kernel::{
        audit::{self as audit, Entry},
        error::AppError,
        org::OfficeAccess,
        request::RequestMeta,
    },
};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// A supervisor records a missing indicator or re-assesses a scored one, with the reason; the
/// score is recomputed with the transaction's own criteria set.
#[tracing::instrument(skip_all, fields(evaluation_id = %evaluation_id, indicator))]
pub async fn reassess(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    evaluation_id: Uuid,
    indicator: u8,
    points: u8,
    reason: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let e = sqlx::query!(
        r#"select office_id, official_id, criteria_set_id, points as "points!: Vec<Option<i16>>", points_source
           from service_evaluation where evaluation_id = $1 for update"#,
        evaluation_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let office = crate::kernel::office::office_row(&mut tx, e.office_id).await?;
    crate::kernel::office::require_office(user, &office, OfficeAccess::Manage)?;
    if e.official_id == Some(user.user_id) {
        return Err(AppError::from(EvaluationConflict::RatingOwnWork));
    }
    let i = usize::from(indicator) - 1;
    let mut current = to_points(&e.points);
    let mut sources = to_sources(&e.points_source);
    let old = current[i];
    current[i] = Some(points);
    sources[i] = if old.is_none() { PointsSource::Staff } else { PointsSource::Reassessed };
    let set = criteria_set(&mut tx, e.criteria_set_id).await?;
    let score = domain::dossier_percent(&set, &current);
    let source_strs: Vec<String> = sources.iter().map(|s| s.as_str().to_owned()).collect();
    sqlx::query!(
        "update service_evaluation set points = $2, points_source = $3, score_percent = $4 where evaluation_id = $1",
        evaluation_id,
        &from_points(&current) as &[Option<i16>],
        &source_strs,
        score.map(|s| s as f32)
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into evaluation_reassessment (evaluation_id, indicator, old_points, new_points, reason, actor_id)
           values ($1, $2, $3, $4, $5, $6)"#,
        evaluation_id,
        indicator as i16,
        old.map(i16::from),
        points as i16,
        reason,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        Some(user),
        meta,
        crate::kernel::office::audit_entry(
            &office,
            "evaluation.reassessed",
            "service_evaluation",
            evaluation_id.to_string(),
            json!({ "indicator": indicator, "old": old, "new": points, "reason": reason }),
        ),
    )
    .await?;
    Ok(())
}

/// An audit entry about a province-wide setting, filed under the administrator's province.
pub(super) fn province_entry<'a>(
    user: &'a AuthUser,
    action: &'a str,
    entity_type: &'a str,
    id: Option<String>,
    details: serde_json::Value,
) -> Entry<'a> {
    Entry::new(action, entity_type, id).at(user.province_code.as_deref(), None).details(details)
}

pub(super) fn require_province_admin(user: &AuthUser) -> Result<(), AppError> {
    if user.role == Role::ProvinceAdmin && user.commune_code.is_none() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The criteria sets and rating settings, for the province administrator.
pub async fn criteria_admin(db: &PgPool, user: &AuthUser) -> Result<crate::evaluation::CriteriaAdmin, AppError> {
    require_province_admin(user)?;
    let mut conn = db.acquire().await?;
    let sets = criteria_sets(&mut conn)
        .await?
        .into_iter()
        .map(|(id, code, set)| crate::evaluation::CriteriaSetView { criteria_set_id: id, code, set })
        .collect();
    let c = sqlx::query!("select rating_valid_days, rating_requests_per_minute from evaluation_config")
        .fetch_one(&mut *conn)
        .await?;
    Ok(crate::evaluation::CriteriaAdmin {
        sets,
        rating_valid_days: c.rating_valid_days,
        rating_requests_per_minute: c.rating_requests_per_minute,
    })
}

/// Adds a criteria set that takes effect on a future day. Errors: Forbidden, Conflict(criteria_duplicate).
pub async fn add_criteria_set(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    new: domain::NewCriteriaSet,
) -> Result<(), AppError> {
    require_province_admin(user)?;
    let mut tx = db.begin().await?;
    let weights: Vec<f32> = new.set.weights.iter().map(|w| *w as f32).collect();
    let inserted = sqlx::query_scalar!(
        r#"insert into criteria_set (code, name, effective_from, weights, band_excellent, band_good, band_fair, band_average)
           values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning criteria_set_id"#,
        new.code,
        new.name,
        new.set.effective_from,
        &weights,
        new.set.bands.excellent as f32,
        new.set.bands.good as f32,
        new.set.bands.fair as f32,
        new.set.bands.average as f32
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::from(EvaluationConflict::CriteriaDuplicate))?;
    audit::commit(
        tx,
        Some(user),
        meta,
        province_entry(
            user,
            "criteria_set.added",
            "criteria_set",
            Some(inserted.to_string()),
            json!({ "code": new.code, "effective_from": new.set.effective_from, "weights": new.set.weights,
                    "bands": new.set.bands }),
        ),
    )
    .await?;
    Ok(())
}

/// Sets how long rating links live and how many rating requests a client may make per minute.
pub async fn set_rating_config(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    valid_days: i16,
    per_minute: i16,
) -> Result<(), AppError> {
    require_province_admin(user)?;
    let mut tx = db.begin().await?;
    sqlx::query!(
        "update evaluation_config set rating_valid_days = $1, rating_requests_per_minute = $2",
        valid_days,
        per_minute
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        Some(user),
        meta,
        province_entry(
            user,
            "evaluation_config.updated",
            "evaluation_config",
            None,
            json!({ "rating_valid_days": valid_days, "rating_requests_per_minute": per_minute }),
        ),
    )
    .await?;
    Ok(())
}
