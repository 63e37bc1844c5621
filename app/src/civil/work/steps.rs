//! The steps from review to delivery, each authorized by role and commune, logged in the
//! process log and audited; registering writes the event into the registry and makes the letter.

use super::base::{Row, allowed, audit, known, lookup, step, today};
use super::dossier::{duplicates, keep_log_on_refusal, load, load_as};
use crate::civil::{
    Allowed, Status, Step,
    domain::{DossierKind, PersonalId, Sex},
    form::{self, Data},
    registry::PopulationRegistry,
    service::{kind_sms, sms},
};
use crate::kernel::conflict::CivilConflict;
use crate::kernel::conflict::Refusal;
use crate::{
    identity::AuthUser,
    kernel::{
        error::{AppError, FieldError, FieldErrors},
        request::RequestMeta,
    },
};
use chrono::{DateTime, Datelike, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// An official's or chairman's step on a dossier.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Checks against the registry; `confirm_distinct` after comparing a possible duplicate.
    Review {
        confirm_distinct: bool,
    },
    /// Mẫu 02: the clock stops until the citizen brings what is missing.
    Supplement {
        reasons: String,
    },
    /// What was asked has arrived: the clock runs again.
    Resume,
    /// Mẫu 03.
    Refuse {
        reasons: String,
    },
    /// The next number of the year's register book; then to the chairman.
    Register,
    Sign,
    Deliver {
        recipient: String,
        /// When the family received it, if recorded on a phone (never later than now).
        at: Option<DateTime<Utc>>,
    },
}

impl Action {
    pub(super) fn step(&self) -> Step {
        match self {
            Action::Review { .. } => Step::Reviewed,
            Action::Supplement { .. } => Step::SupplementRequested,
            Action::Resume => Step::SupplementReceived,
            Action::Refuse { .. } => Step::Refused,
            Action::Register => Step::SentToChairman,
            Action::Sign => Step::Signed,
            Action::Deliver { .. } => Step::Delivered,
        }
    }
}

/// The reasons of a notice; `field` tells the two notice forms' errors apart.
pub(super) fn reasons_of(field: &str, raw: &str) -> Result<String, AppError> {
    let r: String = unicode_normalization::UnicodeNormalization::nfc(raw.trim()).collect();
    match r.chars().count() {
        0..5 => Err(AppError::validation(field, FieldError::TooShort { min: 5 })),
        2001.. => Err(AppError::validation(field, FieldError::TooLong { max: 2000 })),
        _ => Ok(r),
    }
}

/// Runs an action: authorized by role, commune and the dossier's state, logged and audited in
/// one transaction. Returns the new status.
pub async fn act(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Status, AppError> {
    let mut tx = db.begin().await?;
    let r = act_in(&mut tx, registry, user, meta, code, action, now).await;
    keep_log_on_refusal(tx, r).await
}

pub async fn act_in(
    tx: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Status, AppError> {
    let (row, data) = load_as(&mut *tx, user, code, true, matches!(action, Action::Deliver { .. })).await?;
    let may = allowed(user.role, row.status);
    let ok = match &action {
        Action::Review { .. } => may.review,
        Action::Supplement { .. } => may.supplement,
        Action::Resume => may.resume,
        Action::Refuse { .. } => may.refuse,
        Action::Register => may.register,
        Action::Sign => may.sign,
        Action::Deliver { .. } => may.deliver,
    };
    if !ok {
        // Not this role at all, or not at this step.
        let any_state = [Status::Notified, Status::Submitted, Status::NeedsSupplement, Status::Ready]
            .into_iter()
            .chain([Status::AwaitingSignature, Status::Registered])
            .any(|s| allowed(user.role, s) != Allowed::default());
        return Err(if any_state { AppError::from(CivilConflict::DossierWrongState) } else { AppError::Forbidden });
    }
    let local_today = today(now);
    let (status, note, details) = match &action {
        Action::Review { confirm_distinct } => {
            review(&mut *tx, registry, user, &row, &data, *confirm_distinct).await?;
            (Status::Ready, String::new(), serde_json::json!({ "confirm_distinct": confirm_distinct }))
        }
        Action::Supplement { reasons } => {
            let reasons = reasons_of("supplement_reasons", reasons)?;
            sqlx::query!(
                "insert into dossier_notice (dossier_id, form, reasons, created_by) values ($1, 'supplement', $2, $3)",
                row.dossier_id,
                reasons,
                user.user_id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("update dossier set paused_since = $2 where dossier_id = $1", row.dossier_id, now)
                .execute(&mut *tx)
                .await?;
            let short: String = crate::reference::unaccent(&reasons).chars().take(90).collect();
            let body = format!(
                "Ho so {} {} can bo sung: {}. Chi tiet: {}/track?code={}",
                kind_sms(row.kind),
                row.code,
                short,
                crate::state::public_url(),
                row.code
            );
            sms(&mut *tx, row.dossier_id, data.get("phone").map(String::as_str), &body).await?;
            (Status::NeedsSupplement, reasons.clone(), serde_json::json!({ "reasons": reasons }))
        }
        Action::Resume => {
            // The due day moves by the working days the dossier waited for the citizen.
            let cal = crate::reference::api::load_calendar(&mut *tx).await?;
            let paused = row.paused_since.map(today).unwrap_or(local_today);
            let mut due = row.due_on;
            for _ in 0..cal.working_days_between(paused, local_today) {
                due = cal.next_working_day(due);
            }
            sqlx::query!(
                "update dossier set paused_since = null, due_on = $2 where dossier_id = $1",
                row.dossier_id,
                due
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "update dossier_notice set answered_at = $2 where dossier_id = $1 and form = 'supplement' and answered_at is null",
                row.dossier_id,
                now
            )
            .execute(&mut *tx)
            .await?;
            (Status::Submitted, String::new(), serde_json::json!({ "due_on": due }))
        }
        Action::Refuse { reasons } => {
            let reasons = reasons_of("refuse_reasons", reasons)?;
            sqlx::query!(
                "insert into dossier_notice (dossier_id, form, reasons, created_by) values ($1, 'refusal', $2, $3)",
                row.dossier_id,
                reasons,
                user.user_id
            )
            .execute(&mut *tx)
            .await?;
            (Status::Refused, reasons.clone(), serde_json::json!({ "reasons": reasons }))
        }
        Action::Register => {
            let year = local_today.year();
            let no = sqlx::query_scalar!(
                r#"insert into register_book_sequence (agency_id, kind, year, last_number) values ($1, $2, $3, 1)
                   on conflict (agency_id, kind, year) do update set last_number = register_book_sequence.last_number + 1
                   returning last_number"#,
                row.agency_id,
                row.kind.as_str(),
                year
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query!(
                "update dossier set register_year = $2, register_no = $3, sent_to_sign_at = $4 where dossier_id = $1",
                row.dossier_id,
                year,
                no,
                now
            )
            .execute(&mut *tx)
            .await?;
            (Status::AwaitingSignature, format!("{no}/{year}"), serde_json::json!({ "register_no": no, "year": year }))
        }
        Action::Sign => {
            let subject = record_in_registry(&mut *tx, &row, &data).await?;
            if row.bundle {
                partner_steps(&mut *tx, &row, now).await?;
            }
            let token = crate::kernel::token::random_token(20);
            sqlx::query!(
                r#"update dossier set registered_at = $2, signed_by = $3, verify_token = $4,
                          subject_id = coalesce($5, subject_id)
                   where dossier_id = $1"#,
                row.dossier_id,
                now,
                user.user_id,
                token,
                subject
            )
            .execute(&mut *tx)
            .await?;
            let body = format!(
                "Ho so {} {} da duoc dang ky. Giay to se duoc trao tai nha hoac tai UBND; theo doi: {}/track?code={}",
                kind_sms(row.kind),
                row.code,
                crate::state::public_url(),
                row.code
            );
            sms(&mut *tx, row.dossier_id, data.get("phone").map(String::as_str), &body).await?;
            // The chairman's letter of congratulation or condolence, to sign with the others.
            crate::letters::api::generate(&mut *tx, row.dossier_id, &user.display_name, now).await?;
            (Status::Registered, String::new(), serde_json::json!({ "personal_id": subject }))
        }
        Action::Deliver { recipient, at } => {
            let at = at.map_or(now, |a| a.min(now));
            let recipient: String = unicode_normalization::UnicodeNormalization::nfc(recipient.trim()).collect();
            if recipient.chars().count() < 2 {
                return Err(AppError::validation("recipient", FieldError::TooShort { min: 2 }));
            }
            sqlx::query!(
                // A phone's clock may be wrong: never before the registration.
                "update dossier set delivered_at = greatest($2, registered_at), delivered_to = $3 where dossier_id = $1",
                row.dossier_id,
                at,
                recipient
            )
            .execute(&mut *tx)
            .await?;
            // The result is returned: the transaction is scored and the family asked to rate it.
            crate::evaluation::api::open_for_dossier(&mut *tx, row.dossier_id, now).await?;
            (Status::Delivered, recipient.clone(), serde_json::json!({ "recipient": recipient }))
        }
    };
    sqlx::query!("update dossier set status = $2 where dossier_id = $1", row.dossier_id, status.as_str())
        .execute(&mut *tx)
        .await?;
    step(&mut *tx, &row, user, action.step(), &note, now).await?;
    audit(&mut *tx, user, meta, &row, &format!("dossier.{}", action.step().as_str()), details).await?;
    Ok(status)
}

/// The other agencies' parts of a liên thông bundle (NĐ 63/2024 Đ.7), each a step with its own
/// time limit from the registration: for a birth, permanent residence (police) and the child's
/// health insurance card (social insurance), 2 working days each; for a death, residence
/// deregistration the same day and the funeral allowance within 8. They are closed when the
/// partner's result comes back ([`partner_done`]).
pub const PARTNER_STEPS: [(Step, DossierKind, u16); 4] = [
    (Step::ResidenceRegistration, DossierKind::Birth, 2),
    (Step::HealthInsuranceCard, DossierKind::Birth, 2),
    (Step::ResidenceDeregistration, DossierKind::Death, 0),
    (Step::FuneralAllowance, DossierKind::Death, 8),
];

pub(super) async fn partner_steps(conn: &mut PgConnection, row: &Row, now: DateTime<Utc>) -> Result<(), AppError> {
    let cal = crate::reference::api::load_calendar(&mut *conn).await?;
    let local = now.with_timezone(&crate::kernel::time::vn_offset()).naive_local();
    for (step, kind, days) in PARTNER_STEPS {
        if kind == row.kind {
            sqlx::query!(
                "insert into dossier_step (dossier_id, step, started_at, due_on) values ($1, $2, $3, $4)",
                row.dossier_id,
                step.as_str(),
                now,
                cal.due_date(local, days)
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// A partner agency's result of a bundle step has come back: the step closes with its result.
pub async fn partner_done(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    step: Step,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let (row, _) = load(&mut tx, user, code, true).await?;
    if !allowed(user.role, row.status).partner {
        return Err(AppError::Forbidden);
    }
    let today = today(now);
    let done = sqlx::query_scalar!(
        r#"update dossier_step set done_at = $3, handler_id = $4,
                  result = case when $5::date < due_on then 'early' when $5::date = due_on then 'on_time' else 'late' end
           where dossier_id = $1 and step = $2 and done_at is null returning step_id"#,
        row.dossier_id,
        step.as_str(),
        now,
        user.user_id,
        today
    )
    .fetch_optional(&mut *tx)
    .await?;
    if done.is_none() {
        return Err(AppError::from(CivilConflict::DossierWrongState));
    }
    audit(&mut tx, user, meta, &row, "dossier.partner_done", serde_json::json!({ "step": step.as_str() })).await?;
    tx.commit().await?;
    Ok(())
}

/// The review: complete content, the registry's checks again (it may have changed since the
/// receipt), and any possible duplicate compared side by side and cleared by the official.
pub(super) async fn review(
    conn: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    row: &Row,
    data: &Data,
    confirm_distinct: bool,
) -> Result<(), AppError> {
    if row.kind == DossierKind::Birth && data.get("child_name").is_none_or(|n| n.is_empty()) {
        return Err(AppError::from(CivilConflict::ChildNameMissing));
    }
    // Everything the form requires, e.g. the requester of a birth the hospital notified.
    form::parse(row.kind, data, today(row.received_at)).map_err(AppError::Validation)?;
    let year = row.event_date.year().max(2000) + 100;
    let mut ids = Vec::new();
    for party in form::parties(row.kind) {
        if let Some(id) = data.get(&format!("{party}_id")).and_then(|v| PersonalId::parse(v, year).ok()) {
            ids.push((*party, id));
        }
    }
    let mut people = BTreeMap::new();
    for (party, id) in &ids {
        if let Some(p) = lookup(&mut *conn, registry, Some(user.user_id), &row.code, "id", id).await? {
            people.insert(*party, known(&p));
        }
    }
    let refusals = form::registry_refusals(row.kind, &ids, &people, row.event_date, &row.commune_code);
    if !refusals.is_empty() {
        let mut errs = FieldErrors::default();
        for (f, e) in refusals {
            errs.push(&f, e);
        }
        return Err(AppError::Validation(errs));
    }
    let dups = duplicates(conn, row, data).await?;
    if !dups.is_empty() && !row.duplicate_cleared {
        if !confirm_distinct {
            return Err(AppError::from(CivilConflict::DuplicateUnchecked));
        }
        sqlx::query!(
            "update dossier set duplicate_cleared_by = $2 where dossier_id = $1",
            row.dossier_id,
            user.user_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// What the registration changes in the registry (here the local one; the national database is
/// updated by the civil-status software in production): a death closes the person's record, a
/// marriage links the spouses, a birth gives the child a personal number. Returns the number.
pub(super) async fn record_in_registry(
    conn: &mut PgConnection,
    row: &Row,
    data: &Data,
) -> Result<Option<String>, AppError> {
    let g = |k: &str| data.get(k).cloned().unwrap_or_default();
    match row.kind {
        DossierKind::Death => {
            let id = g("deceased_id");
            // Another dossier of the same death signed first: this one cannot be registered.
            let closed = sqlx::query!(
                "update registry_person set died_on = $2 where personal_id = $1 and died_on is null",
                id,
                row.event_date
            )
            .execute(&mut *conn)
            .await?;
            if closed.rows_affected() != 1 {
                return Err(AppError::from(Refusal::AlreadyDead));
            }
            // The surviving spouse is widowed.
            sqlx::query!(
                "update registry_person set marital_status = 'widowed' where spouse_id = $1 and marital_status = 'married'",
                id
            )
            .execute(&mut *conn)
            .await?;
            Ok(Some(id))
        }
        DossierKind::Marriage => {
            let (w, h) = (g("wife_id"), g("husband_id"));
            // Checked again under lock: two marriages of one person may both have passed review.
            let parties = sqlx::query!(
                "select sex, marital_status, died_on from registry_person where personal_id in ($1, $2) for update",
                w,
                h
            )
            .fetch_all(&mut *conn)
            .await?;
            for p in &parties {
                if p.died_on.is_some() {
                    return Err(AppError::from(Refusal::AlreadyDead));
                }
                if p.marital_status == "married" {
                    let sex = if p.sex == "male" { Sex::Male } else { Sex::Female };
                    return Err(AppError::from(Refusal::AlreadyMarried(sex)));
                }
            }
            sqlx::query!(
                r#"update registry_person set marital_status = 'married',
                          spouse_id = case personal_id when $1 then $2 else $1 end
                   where personal_id in ($1, $2)"#,
                w,
                h
            )
            .execute(&mut *conn)
            .await?;
            Ok(None)
        }
        DossierKind::Birth => {
            let sex = Sex::parse(&g("child_sex")).unwrap_or(Sex::Male);
            let year = row.event_date.year();
            // The registering province's code (new units: "0" + the two-digit unit code, e.g. 052
            // Gia Lai); the serial is the next free one for the century, sex and year.
            let province = format!("{:0>3}", row.province_code);
            let prefix = PersonalId::compose(&province, sex, year, 0).as_str()[..6].to_owned();
            sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("pid:{prefix}"))
                .execute(&mut *conn)
                .await?;
            // A range on the key uses its index whatever the collation (LIKE would not).
            let last = sqlx::query_scalar!(
                r#"select max(substr(personal_id, 7)::int) from registry_person
                   where personal_id between $1 || '000000' and $1 || '999999'"#,
                prefix
            )
            .fetch_one(&mut *conn)
            .await?
            .unwrap_or(0);
            if last >= 999_999 {
                let id = Uuid::now_v7();
                tracing::error!(error.id = %id, prefix, "personal number block exhausted");
                return Err(AppError::Internal(id));
            }
            let id = PersonalId::compose(&province, sex, year, (last + 1) as u32);
            let mother = sqlx::query!(
                "select permanent_address, commune_code, household_id from registry_person where personal_id = $1",
                g("mother_id")
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::from(CivilConflict::MotherUnknown))?;
            sqlx::query!(
                r#"insert into registry_person (personal_id, full_name, birth_date, sex, ethnicity, birth_place, home_town,
                       permanent_address, commune_code, household_id, relation_to_head, father_id, mother_id, marital_status)
                   values ($1, $2, $3, $4, coalesce(nullif($5, ''), 'Kinh'), $6, coalesce(nullif($7, ''), $6), $8, $9, $10,
                           'Con', nullif($11, ''), $12, 'single')"#,
                id.as_str(),
                g("child_name"),
                row.event_date,
                sex.as_str(),
                g("ethnicity"),
                g("birth_place"),
                g("home_town"),
                mother.permanent_address,
                mother.commune_code,
                mother.household_id,
                g("father_id"),
                g("mother_id")
            )
            .execute(&mut *conn)
            .await?;
            Ok(Some(id.as_str().to_owned()))
        }
    }
}
