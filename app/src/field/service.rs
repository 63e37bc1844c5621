//! The collectors' field work on the server: their visit list (hospital notices, families'
//! requests, their own), taking and handing back a visit, submissions and handovers from the
//! phone received exactly once under the phone's idempotency key, photos, and their figures.

use super::dto::{
    Counts, Figures, Handover, MAX_PHOTO_BYTES, Outcome, PLACES, SubmissionReceipt, TaskView, ToDeliver, VisitRequest,
    image_type,
};
use crate::civil::{Status, domain::DossierKind};
use crate::kernel::conflict::CivilConflict;
use crate::kernel::error::FieldErrors;
use crate::{
    civil,
    identity::{AuthUser, Role},
    kernel::{error::AppError, request::RequestMeta},
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Conflict => "conflict",
            Outcome::Refused => "refused",
        }
    }
}

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
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    db: &PgPool,
    registry: &dyn civil::registry::PopulationRegistry,
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
        civil::api::receive_in(&mut tx, registry, user, meta, kind, raw, civil::domain::Channel::Collector, now).await
    } else {
        Err(AppError::validation("consent", crate::kernel::error::FieldError::Required))
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
                    crate::kernel::error::FieldError::Rule(
                        civil::domain::Refusal::AlreadyDead | civil::domain::Refusal::AlreadyMarried(_)
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
                reason: Some(reason.key().into()),
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

/// The commune's open visits and the collector's own, most urgent first (legal deadline).
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
    if changed.rows_affected() == 1 { Ok(()) } else { Err(AppError::from(CivilConflict::TaskTaken)) }
}

/// The collector's figures this month and this year (Vietnam's calendar).
pub async fn figures(db: &PgPool, user: &AuthUser, now: DateTime<Utc>) -> Result<Figures, AppError> {
    collector_commune(user)?;
    let today = crate::kernel::time::vn_today(now);
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(crate::kernel::time::vn_offset()).single())
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

/// Keeps photo `n` of the submission or handover under `key`, once: a resent photo (after a cut
/// connection) changes nothing. The bytes go to the object store, the row says whose they are.
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
        return Err(AppError::invalid("photo"));
    }
    if body.len() > MAX_PHOTO_BYTES {
        // Sizes in the message are in kilobytes.
        return Err(AppError::validation(
            "photo",
            crate::kernel::error::FieldError::TooLong { max: (MAX_PHOTO_BYTES / 1024) as u16 },
        ));
    }
    let content_type = image_type(&body).ok_or(AppError::invalid("photo"))?;
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
            Some(code) => civil::api::may_read(db, user, code).await?,
            None => return Err(AppError::NotFound),
        }
    }
    Ok((r.content_type, crate::files::get(files, &r.object_key).await?))
}

/// Records a handover exactly once under the phone's key: the dossier becomes delivered (the
/// family is asked to rate it), the record keeps recipient, place and time, and the photo or
/// signature sent before it joins the dossier. A certificate someone else already handed over
/// is answered as a conflict.
pub async fn deliver(
    db: &PgPool,
    registry: &dyn civil::registry::PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    key: Uuid,
    h: &Handover,
    now: DateTime<Utc>,
) -> Result<SubmissionReceipt, AppError> {
    use crate::kernel::error::FieldError;
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
    let action = civil::api::Action::Deliver { recipient: recipient.clone(), at: Some(at) };
    match civil::api::act_in(&mut tx, registry, user, meta, h.code.trim(), action, now).await {
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
            r.reason = Some(if delivered { "already_delivered" } else { reason.key() }.into());
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

/// The commune's registered certificates not yet handed over, oldest first.
pub async fn to_deliver(db: &PgPool, user: &AuthUser, now: DateTime<Utc>) -> Result<Vec<ToDeliver>, AppError> {
    let commune = collector_commune(user)?;
    let days = civil::api::undelivered_days(db, commune).await?;
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

/// Puts a requested visit on the commune's list; the legal deadline follows from the event's day.
pub async fn request_visit(
    db: &PgPool,
    user: Option<&AuthUser>,
    meta: &RequestMeta,
    r: &VisitRequest,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    use crate::kernel::error::FieldError;
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
    let today = crate::kernel::time::vn_today(now);
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
    let source = if hotline.is_some() { "hotline" } else { "family" };
    let entry = crate::kernel::audit::Entry::new("field.visit_requested", "home_visit_task", Some(id.to_string()))
        .at(Some(&commune.province_code), Some(&commune.commune_code))
        .details(serde_json::json!({ "kind": r.kind.as_str(), "source": source }));
    crate::kernel::audit::commit(tx, hotline, meta, entry).await?;
    Ok(id)
}

/// Communes a family can ask a visit of: those with a civil-status office.
pub async fn visit_communes(db: &PgPool) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query!(
        r#"select distinct c.commune_code, c.name from agency a join commune c on c.commune_code = a.commune_code
           order by c.name"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.commune_code, r.name))
    .collect())
}
