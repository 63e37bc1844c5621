//! The Women's Union collectors' field work on the server side: their task list (home visits
//! from hospital notices, families' requests or their own), taking and handing back a task, and
//! submissions from the phone received exactly once under the phone's idempotency key.

use super::{Status, domain::DossierKind};
use crate::error::FieldErrors;
#[cfg(feature = "ssr")]
use crate::{
    error::AppError,
    identity::{AuthUser, Role},
    state::RequestMeta,
};
use chrono::NaiveDate;
#[cfg(feature = "ssr")]
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use sqlx::PgPool;
#[cfg(feature = "ssr")]
use std::collections::BTreeMap;
use uuid::Uuid;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Accepted,
    Conflict,
    Refused,
}

impl Outcome {
    #[cfg(feature = "ssr")]
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Conflict => "conflict",
            Outcome::Refused => "refused",
        }
    }
}

#[cfg(feature = "ssr")]
fn collector_commune(user: &AuthUser) -> Result<&str, AppError> {
    match (user.role, user.commune_code.as_deref()) {
        (Role::Collector, Some(c)) => Ok(c),
        _ => Err(AppError::Forbidden),
    }
}

/// Receives a submission from a collector's phone exactly once. The first arrival under a key
/// makes the dossier (channel: collector at home) and stores the answer in the same
/// transaction; any later arrival — a retry after a cut connection, or two at once — gets the
/// stored answer. A form the rules refuse is answered `Refused` with the reasons (nothing made);
/// an event already on file is made and flagged (`Conflict`) for the official to compare, or,
/// when the registry already records it (a death), refused as a conflict.
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    db: &PgPool,
    registry: &dyn super::registry::PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    key: Uuid,
    kind: DossierKind,
    raw: &BTreeMap<String, String>,
    task: Option<Uuid>,
    captured_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<SubmissionReceipt, AppError> {
    collector_commune(user)?;
    let mut tx = db.begin().await?;
    // Two arrivals of one key: the second waits here and then finds the first's answer.
    sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("field:{key}")).execute(&mut *tx).await?;
    if let Some(r) = sqlx::query!("select collector_id, response from field_submission where idempotency_key = $1", key)
        .fetch_optional(&mut *tx)
        .await?
    {
        tx.commit().await?;
        if r.collector_id != user.user_id {
            return Err(AppError::Forbidden);
        }
        return serde_json::from_value(r.response)
            .map_err(|e| AppError::internal("stored field receipt unreadable", &e));
    }
    let made =
        super::work::receive_in(&mut tx, registry, user, meta, kind, raw, super::domain::Channel::Collector, now).await;
    let (receipt, dossier_id) = match made {
        Ok(r) => {
            let conflict_with = match r.possible_duplicate_of {
                Some(other) => {
                    sqlx::query_scalar!("select code from dossier where dossier_id = $1", other)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                None => None,
            };
            let receipt = SubmissionReceipt {
                idempotency_key: key,
                outcome: if conflict_with.is_some() { Outcome::Conflict } else { Outcome::Accepted },
                dossier_code: Some(r.code.clone()),
                conflict_with,
                errors: None,
                reason: None,
            };
            (receipt, Some(r.dossier_id))
        }
        Err(AppError::Validation(errs)) => {
            // The registry already records the death or the marriage: the family's event is on file.
            let on_file = errs.0.iter().any(|(_, e)| {
                matches!(
                    e,
                    crate::error::FieldError::Rule(
                        super::domain::Refusal::AlreadyDead | super::domain::Refusal::AlreadyMarried(_)
                    )
                )
            });
            let receipt = SubmissionReceipt {
                idempotency_key: key,
                outcome: if on_file { Outcome::Conflict } else { Outcome::Refused },
                dossier_code: None,
                conflict_with: None,
                errors: Some(errs),
                reason: None,
            };
            (receipt, None)
        }
        Err(AppError::Conflict(reason)) => {
            let receipt = SubmissionReceipt {
                idempotency_key: key,
                outcome: Outcome::Refused,
                dossier_code: None,
                conflict_with: None,
                errors: None,
                reason: Some(reason),
            };
            (receipt, None)
        }
        Err(e) => return Err(e),
    };
    if let (Some(task), Some(dossier)) = (task, dossier_id) {
        sqlx::query!(
            r#"update home_visit_task set status = 'done', done_at = $3, dossier_id = coalesce(dossier_id, $4),
                      assigned_to = coalesce(assigned_to, $5)
               where task_id = $1 and commune_code = $2 and status <> 'cancelled'"#,
            task,
            user.commune_code,
            now,
            dossier,
            user.user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        r#"insert into field_submission (idempotency_key, collector_id, task_id, kind, outcome, dossier_id, response,
                                         captured_at, received_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        key,
        user.user_id,
        task,
        kind.as_str(),
        receipt.outcome.as_str(),
        dossier_id,
        serde_json::to_value(&receipt).unwrap_or_default(),
        captured_at,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(receipt)
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

/// The commune's open visits and the collector's own, most urgent first (legal deadline).
#[cfg(feature = "ssr")]
pub async fn tasks(db: &PgPool, user: &AuthUser) -> Result<Vec<TaskView>, AppError> {
    let commune = collector_commune(user)?;
    let rows = sqlx::query!(
        r#"select t.task_id, t.kind, t.source, t.status, t.family_name, t.address, t.phone, t.note, t.legal_deadline,
                  t.assigned_to = $2 as "mine?", d.code as "code?", d.status as "dossier_status?",
                  coalesce(nullif(t.family_name, ''), v.data ->> 'mother_name', '') as "family!",
                  coalesce(nullif(t.address, ''), v.data ->> 'mother_residence', '') as "where!"
           from home_visit_task t
           left join dossier d on d.dossier_id = t.dossier_id
           left join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
           where t.commune_code = $1 and (t.status = 'open' or (t.status = 'taken' and t.assigned_to = $2))
           order by t.legal_deadline nulls last, t.created_at
           limit 300"#,
        commune,
        user.user_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(TaskView {
                task_id: r.task_id,
                kind: DossierKind::parse(&r.kind)?,
                source: r.source,
                status: r.status,
                family_name: r.family,
                address: r.r#where,
                phone: r.phone,
                note: r.note,
                legal_deadline: r.legal_deadline,
                mine: r.mine.unwrap_or(false),
                dossier_code: r.code,
                dossier_status: r.dossier_status.as_deref().and_then(Status::parse),
            })
        })
        .collect())
}

/// Takes an open visit of the commune, or hands one's own back to the list.
#[cfg(feature = "ssr")]
pub async fn take(db: &PgPool, user: &AuthUser, task: Uuid, take: bool, now: DateTime<Utc>) -> Result<(), AppError> {
    let commune = collector_commune(user)?;
    let changed = if take {
        sqlx::query!(
            r#"update home_visit_task set status = 'taken', assigned_to = $3, taken_at = $4
               where task_id = $1 and commune_code = $2 and status = 'open'"#,
            task,
            commune,
            user.user_id,
            now
        )
        .execute(db)
        .await?
    } else {
        sqlx::query!(
            r#"update home_visit_task set status = 'open', assigned_to = null, taken_at = null
               where task_id = $1 and commune_code = $2 and status = 'taken' and assigned_to = $3"#,
            task,
            commune,
            user.user_id
        )
        .execute(db)
        .await?
    };
    if changed.rows_affected() == 1 { Ok(()) } else { Err(AppError::Conflict("task_taken".into())) }
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub month: Counts,
    pub year: Counts,
}

/// The collector's figures this month and this year (Vietnam's calendar).
#[cfg(feature = "ssr")]
pub async fn figures(db: &PgPool, user: &AuthUser, now: DateTime<Utc>) -> Result<Figures, AppError> {
    collector_commune(user)?;
    let today = crate::queue::service::vn_today(now);
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(crate::i18n::vn_offset()).single())
            .map(|t| t.to_utc())
            .unwrap_or(now)
    };
    let month = start(today.with_day(1).unwrap_or(today));
    let year = start(today.with_day(1).and_then(|d| d.with_month(1)).unwrap_or(today));
    let r = sqlx::query!(
        r#"select
             (select count(*) from home_visit_task where assigned_to = $1 and status = 'done' and done_at >= $2) as "visits_m!",
             (select count(*) from home_visit_task where assigned_to = $1 and status = 'done' and done_at >= $3) as "visits_y!",
             count(*) filter (where s.received_at >= $2) as "submitted_m!",
             count(*) as "submitted_y!",
             count(*) filter (where s.received_at >= $2 and d.status in ('registered', 'delivered')) as "registered_m!",
             count(*) filter (where d.status in ('registered', 'delivered')) as "registered_y!"
           from field_submission s join dossier d using (dossier_id)
           where s.collector_id = $1 and s.received_at >= $3"#,
        user.user_id,
        month,
        year
    )
    .fetch_one(db)
    .await?;
    Ok(Figures {
        month: Counts { visits: r.visits_m, submitted: r.submitted_m, registered: r.registered_m },
        year: Counts { visits: r.visits_y, submitted: r.submitted_y, registered: r.registered_y },
    })
}
