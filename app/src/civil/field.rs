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
    /// Photos received under this key and attached to the dossier.
    #[serde(default)]
    pub photos: i64,
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
    let commune = collector_commune(user)?;
    // A visit that is not the commune's (or no longer exists) is refused, not a database error.
    if let Some(t) = task {
        let known = sqlx::query_scalar!(
            r#"select exists(select 1 from home_visit_task where task_id = $1 and commune_code = $2) as "known!""#,
            t,
            commune
        )
        .fetch_one(db)
        .await?;
        if !known {
            return Err(AppError::NotFound);
        }
    }
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
    // The family's consent, given on the phone, comes with the form; without it nothing is filed.
    let consent = raw.get("consent").is_some_and(|v| v == "1");
    let made = if consent {
        super::work::receive_in(&mut tx, registry, user, meta, kind, raw, super::domain::Channel::Collector, now).await
    } else {
        Err(AppError::validation("consent", crate::error::FieldError::Required))
    };
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
                photos: 0,
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
                photos: 0,
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
                photos: 0,
            };
            (receipt, None)
        }
        Err(e) => return Err(e),
    };
    let mut receipt = receipt;
    if let Some(dossier) = dossier_id {
        // The photos sent before the form (the outbox sends them first) join the dossier.
        receipt.photos = sqlx::query!(
            "update field_photo set dossier_id = $1 where idempotency_key = $2 and collector_id = $3",
            dossier,
            key,
            user.user_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
    }
    if let (None, Some(dossier)) = (task, dossier_id) {
        // A visit the collector started herself: on her list of visits done.
        sqlx::query!(
            r#"insert into home_visit_task (dossier_id, commune_code, kind, source, status, assigned_to, family_name,
                                            taken_at, done_at, legal_deadline)
               select d.dossier_id, d.commune_code, d.kind, 'collector', 'done', $2, d.subject_name, $3, $3,
                      d.event_date + case d.kind when 'birth' then 60 when 'death' then 15 else 0 end
               from dossier d where d.dossier_id = $1"#,
            dossier,
            user.user_id,
            now
        )
        .execute(&mut *tx)
        .await?;
    }
    if let (Some(task), Some(dossier)) = (task, dossier_id) {
        sqlx::query!(
            r#"update home_visit_task set status = 'done', done_at = $3, dossier_id = coalesce(dossier_id, $4),
                      assigned_to = coalesce(assigned_to, $5)
               where task_id = $1 and commune_code = $2 and status in ('open', 'taken')
                 and (assigned_to is null or assigned_to = $5)"#,
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
                                         captured_at, received_at, consent)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"#,
        key,
        user.user_id,
        task,
        kind.as_str(),
        receipt.outcome.as_str(),
        dossier_id,
        serde_json::to_value(&receipt).unwrap_or_default(),
        captured_at,
        now,
        consent
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
    /// Certificates she handed over.
    pub delivered: i64,
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
             count(*) filter (where d.status in ('registered', 'delivered')) as "registered_y!",
             (select count(*) from delivery_record where delivered_by = $1 and delivered_at >= $2) as "delivered_m!",
             (select count(*) from delivery_record where delivered_by = $1 and delivered_at >= $3) as "delivered_y!"
           from field_submission s join dossier d using (dossier_id)
           where s.collector_id = $1 and s.received_at >= $3"#,
        user.user_id,
        month,
        year
    )
    .fetch_one(db)
    .await?;
    Ok(Figures {
        month: Counts {
            visits: r.visits_m,
            submitted: r.submitted_m,
            registered: r.registered_m,
            delivered: r.delivered_m,
        },
        year: Counts {
            visits: r.visits_y,
            submitted: r.submitted_y,
            registered: r.registered_y,
            delivered: r.delivered_y,
        },
    })
}

/// The largest photo a phone may send (it compresses to about 200 KB before storing).
pub const MAX_PHOTO_BYTES: usize = 3 * 1024 * 1024;

/// What a photo's first bytes say it is, if it is an image we keep.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

/// Keeps photo `n` of the submission or handover under `key`, once: a resent photo (after a cut
/// connection) changes nothing. The bytes go to the object store, the row says whose they are.
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
pub async fn store_photo(
    db: &PgPool,
    files: &dyn object_store::ObjectStore,
    user: &AuthUser,
    key: Uuid,
    n: i16,
    purpose: &str,
    body: bytes::Bytes,
) -> Result<(), AppError> {
    let commune = collector_commune(user)?.to_owned();
    if !(0..20).contains(&n) || !matches!(purpose, "paper" | "handover") {
        return Err(AppError::validation("photo", crate::error::FieldError::Invalid));
    }
    if body.len() > MAX_PHOTO_BYTES {
        // Sizes in the message are in kilobytes.
        return Err(AppError::validation(
            "photo",
            crate::error::FieldError::TooLong { max: (MAX_PHOTO_BYTES / 1024) as u16 },
        ));
    }
    let content_type = image_type(&body).ok_or(AppError::validation("photo", crate::error::FieldError::Invalid))?;
    if let Some(owner) =
        sqlx::query_scalar!("select collector_id from field_photo where idempotency_key = $1 and n = $2", key, n)
            .fetch_optional(db)
            .await?
    {
        return if owner == user.user_id { Ok(()) } else { Err(AppError::Forbidden) };
    }
    // A key another collector already used for a submission is not hers to add to.
    let used_by = sqlx::query_scalar!("select collector_id from field_submission where idempotency_key = $1", key)
        .fetch_optional(db)
        .await?;
    if used_by.is_some_and(|u| u != user.user_id) {
        return Err(AppError::Forbidden);
    }
    let ext = content_type.trim_start_matches("image/");
    let object_key = format!("field/{commune}/{key}/{n}.{ext}");
    let len = body.len() as i32;
    // The bytes first: a row never points at a file that is not there. Two arrivals write the
    // same bytes to the same key; the row is made once.
    crate::files::put(files, &object_key, body).await?;
    sqlx::query!(
        r#"insert into field_photo (idempotency_key, n, collector_id, object_key, content_type, bytes, purpose)
           values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing"#,
        key,
        n,
        user.user_id,
        object_key,
        content_type,
        len,
        purpose
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A stored photo for someone allowed to see it: the collector who took it, or whoever may read
/// the dossier it belongs to.
#[cfg(feature = "ssr")]
pub async fn photo(
    db: &PgPool,
    files: &dyn object_store::ObjectStore,
    user: &AuthUser,
    key: Uuid,
    n: i16,
) -> Result<(String, bytes::Bytes), AppError> {
    let r = sqlx::query!(
        r#"select p.collector_id, p.object_key, p.content_type, d.code as "code?"
           from field_photo p left join dossier d using (dossier_id)
           where p.idempotency_key = $1 and p.n = $2"#,
        key,
        n
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    if r.collector_id != user.user_id {
        match r.code.as_deref() {
            Some(code) => super::work::may_read(db, user, code).await?,
            None => return Err(AppError::NotFound),
        }
    }
    Ok((r.content_type, crate::files::get(files, &r.object_key).await?))
}

/// Where a certificate was handed over.
pub const PLACES: [&str; 4] = ["home", "hospital", "office", "other"];

/// A handover recorded on the phone, as sent from its outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub code: String,
    pub recipient: String,
    pub relation: String,
    pub place: String,
    pub place_note: String,
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Records a handover exactly once under the phone's key: the dossier becomes delivered (the
/// family is asked to rate it), the record keeps recipient, place and time, and the photo or
/// signature sent before it joins the dossier. A certificate someone else already handed over
/// is answered as a conflict.
#[cfg(feature = "ssr")]
pub async fn deliver(
    db: &PgPool,
    registry: &dyn super::registry::PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    key: Uuid,
    h: &Handover,
    now: DateTime<Utc>,
) -> Result<SubmissionReceipt, AppError> {
    use crate::error::FieldError;
    collector_commune(user)?;
    let recipient: String = unicode_normalization::UnicodeNormalization::nfc(h.recipient.trim()).collect();
    let mut errs = FieldErrors::default();
    if !(2..=100).contains(&recipient.chars().count()) {
        errs.push("recipient", FieldError::TooShort { min: 2 });
    }
    if !PLACES.contains(&h.place.as_str()) {
        errs.push("place", FieldError::Required);
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let mut tx = db.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("field:{key}")).execute(&mut *tx).await?;
    if let Some(r) = sqlx::query!(
        r#"select r.delivered_by, d.code from delivery_record r join dossier d using (dossier_id)
           where r.idempotency_key = $1"#,
        key
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        tx.commit().await?;
        if r.delivered_by != user.user_id {
            return Err(AppError::Forbidden);
        }
        return Ok(handover_receipt(key, Outcome::Accepted, r.code, 0));
    }
    let at = h.delivered_at.map_or(now, |a| a.min(now));
    let action = super::work::Action::Deliver { recipient: recipient.clone(), at: Some(at) };
    match super::work::act_in(&mut tx, registry, user, meta, h.code.trim(), action, now).await {
        Ok(_) => {}
        Err(AppError::Conflict(reason)) => {
            // Already handed over (by the office, or another collector), or not at that step:
            // tell her, change nothing.
            tx.rollback().await?;
            let delivered = sqlx::query_scalar!(
                "select status = 'delivered' as \"d!\" from dossier where code = $1",
                h.code.trim()
            )
            .fetch_optional(db)
            .await?
            .unwrap_or(false);
            let mut r = handover_receipt(key, Outcome::Conflict, h.code.trim().to_owned(), 0);
            r.reason = Some(if delivered { "already_delivered".into() } else { reason });
            return Ok(r);
        }
        Err(e) => return Err(e),
    }
    let photos = sqlx::query!(
        r#"update field_photo set dossier_id = (select dossier_id from dossier where code = $1)
           where idempotency_key = $2 and collector_id = $3"#,
        h.code.trim(),
        key,
        user.user_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected() as i64;
    let relation: String = h.relation.trim().chars().take(50).collect();
    let note: String = h.place_note.trim().chars().take(200).collect();
    sqlx::query!(
        r#"insert into delivery_record (dossier_id, idempotency_key, delivered_by, recipient, relation, place, place_note,
                                        delivered_at, recorded_at, signed)
           select dossier_id, $2, $3, $4, $5, $6, $7, delivered_at, $8, $9 from dossier where code = $1"#,
        h.code.trim(),
        key,
        user.user_id,
        recipient,
        relation,
        h.place,
        note,
        now,
        photos > 0
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(handover_receipt(key, Outcome::Accepted, h.code.trim().to_owned(), photos))
}

#[cfg(feature = "ssr")]
fn handover_receipt(key: Uuid, outcome: Outcome, code: String, photos: i64) -> SubmissionReceipt {
    SubmissionReceipt {
        idempotency_key: key,
        outcome,
        dossier_code: Some(code),
        conflict_with: None,
        errors: None,
        reason: None,
        photos,
    }
}

/// A registered certificate waiting to be handed over, on the collector's phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToDeliver {
    pub code: String,
    pub kind: DossierKind,
    pub subject_name: String,
    pub phone: Option<String>,
    pub registered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Older than the commune's days: flagged to the commune.
    pub flagged: bool,
    pub letter_signed: bool,
}

/// The commune's registered certificates not yet handed over, oldest first.
#[cfg(feature = "ssr")]
pub async fn to_deliver(db: &PgPool, user: &AuthUser, now: DateTime<Utc>) -> Result<Vec<ToDeliver>, AppError> {
    let commune = collector_commune(user)?;
    let days = undelivered_days(db, commune).await?;
    let rows = sqlx::query!(
        r#"select d.code, d.kind, d.subject_name, d.phone, d.registered_at,
                  coalesce(d.registered_at < $2::timestamptz - make_interval(days => $3), false) as "flagged!",
                  exists (select 1 from letter l where l.dossier_id = d.dossier_id and l.signed_at is not null) as "letter!"
           from dossier d where d.commune_code = $1 and d.status = 'registered'
           order by d.registered_at limit 200"#,
        commune,
        now,
        days
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(ToDeliver {
                code: r.code,
                kind: DossierKind::parse(&r.kind)?,
                subject_name: r.subject_name,
                phone: r.phone,
                registered_at: r.registered_at,
                flagged: r.flagged,
                letter_signed: r.letter,
            })
        })
        .collect())
}

/// After how many days a registered, undelivered certificate is flagged (commune setting, 7 by default).
#[cfg(feature = "ssr")]
pub async fn undelivered_days(db: &PgPool, commune: &str) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar!("select undelivered_flag_days from commune_field_setting where commune_code = $1", commune)
        .fetch_optional(db)
        .await?
        .unwrap_or(7))
}

/// The commune administrator sets the days (audited).
#[cfg(feature = "ssr")]
pub async fn set_undelivered_days(db: &PgPool, user: &AuthUser, meta: &RequestMeta, days: i32) -> Result<(), AppError> {
    let commune = match (user.role, user.commune_code.as_deref()) {
        (Role::AgencyAdmin, Some(c)) => c.to_owned(),
        _ => return Err(AppError::Forbidden),
    };
    if !(1..=90).contains(&days) {
        return Err(AppError::validation("days", crate::error::FieldError::Invalid));
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
    crate::audit::service::record(
        &mut tx,
        Some(user),
        meta,
        crate::audit::service::Entry {
            action: "field.undelivered_days",
            entity_type: "commune",
            entity_id: Some(commune.clone()),
            province_code: user.province_code.as_deref(),
            commune_code: Some(&commune),
            details: serde_json::json!({ "days": days }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A family member (on the public page) or the hotline (an official of the commune, on the
/// phone with the family) asks for a home visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRequest {
    pub commune_code: String,
    pub kind: DossierKind,
    pub family_name: String,
    pub phone: String,
    pub address: String,
    pub event_date: Option<NaiveDate>,
    pub note: String,
    pub requester_name: String,
}

/// Puts a requested visit on the commune's list; the legal deadline follows from the event's day.
#[cfg(feature = "ssr")]
pub async fn request_visit(
    db: &PgPool,
    user: Option<&AuthUser>,
    meta: &RequestMeta,
    r: &VisitRequest,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    use crate::error::FieldError;
    use unicode_normalization::UnicodeNormalization;
    let clean = |s: &str, max: usize| -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ").nfc().take(max).collect()
    };
    let family = clean(&r.family_name, 100);
    let address = clean(&r.address, 200);
    let requester = clean(&r.requester_name, 100);
    let note = clean(&r.note, 500);
    let mut errs = FieldErrors::default();
    if family.chars().count() < 2 {
        errs.push("family_name", FieldError::TooShort { min: 2 });
    }
    if address.chars().count() < 5 {
        errs.push("address", FieldError::TooShort { min: 5 });
    }
    let phone = errs.check("phone", crate::identity::domain::PhoneVn::parse(&r.phone));
    let today = crate::queue::service::vn_today(now);
    if r.event_date.is_some_and(|d| d > today && r.kind != DossierKind::Marriage) {
        errs.push("event_date", FieldError::Invalid);
    }
    let commune =
        sqlx::query!("select commune_code, province_code from commune where commune_code = $1", r.commune_code.trim())
            .fetch_optional(db)
            .await?;
    if commune.is_none() {
        errs.push("commune_code", FieldError::Required);
    }
    let (Some(phone), Some(commune)) = (phone, commune) else {
        return Err(AppError::Validation(errs));
    };
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    // The province's hotline or an official of that commune takes the call; anyone else asking is
    // the family.
    let hotline = user.filter(|u| {
        matches!(u.role, Role::HotlineAgent | Role::CivilStatusOfficial | Role::CounterOfficer | Role::AgencyAdmin)
            && crate::identity::domain::can_view_commune_records(
                u.role,
                u.jurisdiction.as_ref(),
                &commune.commune_code,
                &commune.province_code,
            )
    });
    let deadline = r.event_date.and_then(|d| match r.kind {
        DossierKind::Birth => Some(d + chrono::Days::new(60)),
        DossierKind::Death => Some(d + chrono::Days::new(15)),
        DossierKind::Marriage => None,
    });
    let mut tx = db.begin().await?;
    let id = sqlx::query_scalar!(
        r#"insert into home_visit_task (commune_code, kind, source, family_name, address, phone, note, requested_by,
                                        requester_name, legal_deadline, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning task_id"#,
        commune.commune_code,
        r.kind.as_str(),
        if hotline.is_some() { "hotline" } else { "family" },
        family,
        address,
        phone.as_str(),
        note,
        hotline.map(|u| u.user_id),
        requester,
        deadline,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::service::record(
        &mut tx,
        hotline,
        meta,
        crate::audit::service::Entry {
            action: "field.visit_requested",
            entity_type: "home_visit_task",
            entity_id: Some(id.to_string()),
            province_code: Some(&commune.province_code),
            commune_code: Some(&commune.commune_code),
            details: serde_json::json!({ "kind": r.kind.as_str(), "source": if hotline.is_some() { "hotline" } else { "family" } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
