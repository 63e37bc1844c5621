//! Feedback cases: a low rating or a complaint becomes a case with its legal deadlines, handled
//! by the unit's staff and answered to the citizen.

use super::base::vn_day;
use super::intake::resolve_days;
use crate::evaluation::domain::{self, CaseAction, CaseDues, CaseStatus, Satisfaction};
use crate::evaluation::{CaseDetail, CaseEvent, CaseSummary};
use crate::kernel::conflict::EvaluationConflict;
use crate::{
    identity::{AuthUser, Role},
    kernel::{
        audit::{self as audit, Entry},
        error::AppError,
        request::RequestMeta,
        time::vn_offset,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Whether the user handles an agency's cases: its administrators, or the province's.
pub(super) fn handles_cases(user: &AuthUser, agency: Uuid, province: &str) -> bool {
    match user.role {
        Role::AgencyAdmin => user.agency_id == Some(agency),
        Role::ProvinceAdmin => user.commune_code.is_none() && user.province_code.as_deref() == Some(province),
        _ => false,
    }
}

/// The agency's civil-status and one-stop officials work the hotline's cases sent to it (not
/// complaints about ratings, which may be about them); their answers wait for the head.
fn official_of(user: &AuthUser, agency: Uuid, source: &str) -> bool {
    matches!(user.role, Role::CivilStatusOfficial | Role::CounterOfficer)
        && user.agency_id == Some(agency)
        && source == "hotline"
}

/// A case's list line; which deadline it has missed depends on today.
pub(super) struct CaseLine<'a> {
    pub(super) id: Uuid,
    pub(super) code: String,
    pub(super) office_name: String,
    pub(super) category: String,
    pub(super) status: &'a str,
    pub(super) received_at: DateTime<Utc>,
    pub(super) dues: CaseDues,
    pub(super) content: &'a str,
    pub(super) kind: &'a str,
    pub(super) escalation: i16,
}

impl CaseLine<'_> {
    pub(super) fn summary(self, today: NaiveDate) -> CaseSummary {
        let status = CaseStatus::parse(self.status).unwrap_or(CaseStatus::Received);
        CaseSummary {
            case_id: self.id,
            code: self.code,
            office_name: self.office_name,
            category: self.category,
            status,
            received_at: self.received_at,
            late: domain::case_late(status, &self.dues, today).map(str::to_owned),
            dues: self.dues,
            excerpt: self.content.chars().take(120).collect(),
            kind: domain::CaseKind::parse(self.kind).unwrap_or(domain::CaseKind::Complaint),
            escalation: self.escalation,
        }
    }
}

/// The cases a user handles; open ones first, the most urgent first.
pub async fn cases(
    db: &PgPool,
    user: &AuthUser,
    open_only: bool,
    now: DateTime<Utc>,
) -> Result<Vec<CaseSummary>, AppError> {
    let official = matches!(user.role, Role::CivilStatusOfficial | Role::CounterOfficer);
    if !matches!(user.role, Role::AgencyAdmin | Role::ProvinceAdmin) && !official {
        return Err(AppError::Forbidden);
    }
    let province_wide = user.role == Role::ProvinceAdmin && user.commune_code.is_none();
    let rows = sqlx::query!(
        r#"select f.case_id, f.code, o.name as office_name, f.category, f.status, f.received_at, f.refuse_due,
                  f.info_due, f.resolve_due, f.publish_due, f.content, f.kind, f.escalation
           from feedback_case f join office o using (office_id) join agency a on a.agency_id = f.agency_id
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where (($1 and a.province_code = $2) or f.agency_id = $3)
             and (not $4 or f.status not in ('refused', 'published'))
             and e.official_id is distinct from $5
             and (not $6 or f.source = 'hotline')
           order by f.status in ('refused', 'published'), f.resolve_due, f.received_at limit 500"#,
        province_wide,
        user.province_code.clone().unwrap_or_default(),
        user.agency_id.unwrap_or(Uuid::nil()),
        open_only,
        user.user_id,
        official
    )
    .fetch_all(db)
    .await?;
    let today = vn_day(now);
    Ok(rows
        .into_iter()
        .map(|r| {
            let dues = CaseDues {
                refuse: r.refuse_due,
                request_info: r.info_due,
                resolve: r.resolve_due,
                publish: r.publish_due,
            };
            CaseLine {
                id: r.case_id,
                code: r.code,
                office_name: r.office_name,
                category: r.category,
                status: &r.status,
                received_at: r.received_at,
                dues,
                content: &r.content,
                kind: &r.kind,
                escalation: r.escalation,
            }
            .summary(today)
        })
        .collect())
}

pub(super) struct CaseRow {
    pub(super) province_code: String,
    pub(super) commune_code: String,
    pub(super) status: CaseStatus,
    pub(super) dues: CaseDues,
    pub(super) kind: String,
    /// The user is one of the answering agency's officials, not its head.
    pub(super) official: bool,
}

pub(super) async fn case_row(conn: &mut PgConnection, user: &AuthUser, case_id: Uuid) -> Result<CaseRow, AppError> {
    let r = sqlx::query!(
        r#"select f.agency_id, a.province_code, o.commune_code, f.status, f.refuse_due, f.info_due, f.resolve_due,
                  f.publish_due, e.official_id as "official_id?", f.kind, f.source
           from feedback_case f join agency a on a.agency_id = f.agency_id join office o using (office_id)
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where f.case_id = $1"#,
        case_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    // A case about one's own work goes to someone else.
    let official = official_of(user, r.agency_id, &r.source);
    if !(handles_cases(user, r.agency_id, &r.province_code) || official) || r.official_id == Some(user.user_id) {
        return Err(AppError::Forbidden);
    }
    Ok(CaseRow {
        province_code: r.province_code,
        commune_code: r.commune_code,
        status: CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Received),
        dues: CaseDues {
            refuse: r.refuse_due,
            request_info: r.info_due,
            resolve: r.resolve_due,
            publish: r.publish_due,
        },
        kind: r.kind,
        official,
    })
}

pub async fn case_detail(
    db: &PgPool,
    user: &AuthUser,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<CaseDetail, AppError> {
    let mut conn = db.acquire().await?;
    let row = case_row(&mut conn, user, case_id).await?;
    let r = sqlx::query!(
        r#"select f.code, o.name as office_name, f.category, f.status, f.received_at, f.content, f.source, f.answer,
                  e.label as "label?", e.service_day as "service_day?", e.overall, f.kind, f.escalation, f.phone,
                  p.name as "procedure?", f.publish_consent
           from feedback_case f join office o using (office_id)
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           left join procedure p on p.procedure_code = f.procedure_code
           where f.case_id = $1"#,
        case_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let events = sqlx::query!(
        r#"select v.at, u.display_name as "actor?", v.action, v.note
           from feedback_event v left join app_user u on u.user_id = v.actor_id
           where v.case_id = $1 order by v.at, v.event_id"#,
        case_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|v| CaseEvent {
        on_time: CaseAction::parse(&v.action).map(|a| domain::action_on_time(a, &row.dues, vn_day(v.at))),
        at: v.at,
        actor: v.actor,
        action: v.action,
        note: v.note,
    })
    .collect();
    let today = vn_day(now);
    Ok(CaseDetail {
        summary: CaseLine {
            id: case_id,
            code: r.code,
            office_name: r.office_name,
            category: r.category,
            status: &r.status,
            received_at: r.received_at,
            dues: row.dues,
            content: &r.content,
            kind: &r.kind,
            escalation: r.escalation,
        }
        .summary(today),
        content: r.content,
        source: r.source,
        transaction: r
            .label
            .zip(r.service_day)
            .map(|(l, d)| (l, d, r.overall.and_then(|o| Satisfaction::from_score(o as u8)))),
        answer: r.answer,
        events,
        actions: CaseAction::for_status(row.status).into_iter().filter(|a| !row.official || a.for_official()).collect(),
        offices: sqlx::query!(
            r#"select o.office_id, o.name from office o join agency a using (agency_id)
               where a.province_code = $1 and a.kind <> 'health_facility' order by o.name collate vi"#,
            row.province_code
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|o| (o.office_id, o.name))
        .collect(),
        phone: r.phone.map(|p| crate::kernel::text::mask_phone(&p, '•')),
        procedure: r.procedure,
        publish_consent: r.publish_consent,
    })
}

/// What the handler does with a case: the action, its note (the answer, the reason) and, for a
/// transfer, the office that takes it.
#[derive(Debug, Clone, Copy)]
pub struct CaseStep<'a> {
    pub action: CaseAction,
    pub note: &'a str,
    pub to_office: Option<Uuid>,
}

impl<'a> CaseStep<'a> {
    pub fn new(action: CaseAction, note: &'a str) -> Self {
        Self { action, note, to_office: None }
    }
}

/// Moves a case on. Errors: Forbidden, NotFound, Conflict(case_state), Validation(note).
#[tracing::instrument(skip_all, fields(case_id = %case_id, action = step.action.as_str()))]
pub async fn case_act(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    case_id: Uuid,
    step: CaseStep<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use unicode_normalization::UnicodeNormalization;
    let CaseStep { action, note, to_office } = step;
    if action == CaseAction::Transfer && to_office.is_none() {
        return Err(AppError::validation("to_office", crate::kernel::error::FieldError::Required));
    }
    let note: String = note.trim().nfc().collect();
    if action.needs_note() && note.is_empty() {
        return Err(AppError::validation("note", crate::kernel::error::FieldError::Required));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::validation("note", crate::kernel::error::FieldError::TooLong { max: 2000 }));
    }
    let mut tx = db.begin().await?;
    // Two handlers acting at once: the second sees the first one's state.
    sqlx::query!("select case_id from feedback_case where case_id = $1 for update", case_id)
        .fetch_optional(&mut *tx)
        .await?;
    let row = case_row(&mut tx, user, case_id).await?;
    if row.official && !action.for_official() {
        return Err(AppError::Forbidden);
    }
    let next = action.apply(row.status).ok_or_else(|| AppError::from(EvaluationConflict::CaseState))?;
    // An official's answer waits for the head; the head's goes out at once.
    let next = if row.official && action == CaseAction::Resolve { CaseStatus::Answered } else { next };
    let local = now.with_timezone(&vn_offset()).naive_local();
    let cal = crate::reference::api::load_calendar(&mut tx).await?;
    let today = local.date();
    let on_time = domain::action_on_time(action, &row.dues, today);
    // The resolve clock starts again from the day the citizen's information came in.
    let resolve_due = match action {
        CaseAction::InfoReceived => cal.due_date(local, resolve_days(&mut tx, &row.kind).await?),
        _ => row.dues.resolve,
    };
    let sent = next == CaseStatus::Resolved;
    let publish_due = if sent { Some(cal.due_date(local, domain::CASE_PUBLISH_DAYS)) } else { row.dues.publish };
    sqlx::query!(
        r#"update feedback_case set status = $2, resolve_due = $3, publish_due = $4,
                  answer = case when $5 then $6 else answer end,
                  closed_at = case when $2 in ('refused', 'published') then $7 else closed_at end
           where case_id = $1"#,
        case_id,
        next.as_str(),
        resolve_due,
        publish_due,
        action == CaseAction::Resolve,
        note,
        now
    )
    .execute(&mut *tx)
    .await?;
    if let (CaseAction::Transfer, Some(office_id)) = (action, to_office) {
        transfer(&mut tx, case_id, office_id, &row.province_code).await?;
    }
    if sent {
        answer_caller(&mut tx, case_id, user, on_time, now).await?;
    }
    sqlx::query!(
        "insert into feedback_event (case_id, at, actor_id, action, note) values ($1, $2, $3, $4, $5)",
        case_id,
        now,
        user.user_id,
        action.as_str(),
        note
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        Some(user),
        meta,
        Entry::new("feedback_case.acted", "feedback_case", Some(case_id.to_string()))
            .at(Some(&row.province_code), Some(&row.commune_code))
            .details(json!({ "action": action.as_str(), "status": next.as_str(), "on_time": on_time })),
    )
    .await?;
    Ok(())
}

/// Moves a case to another office of the province (and an administrator of its agency); the
/// clock keeps running.
async fn transfer(conn: &mut PgConnection, case_id: Uuid, office_id: Uuid, province: &str) -> Result<(), AppError> {
    let office = sqlx::query!(
        r#"select o.agency_id from office o join agency a using (agency_id) where o.office_id = $1 and a.province_code = $2"#,
        office_id,
        province
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::invalid("to_office"))?;
    sqlx::query!(
        r#"update feedback_case set office_id = $2, agency_id = $3, escalation = 0,
                  assigned_to = (select user_id from app_user where agency_id = $3 and role = 'agency_admin' and active
                                 order by created_at limit 1)
           where case_id = $1"#,
        case_id,
        office_id,
        office.agency_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A hotline case's answer goes to the caller by SMS (through the outbox, after commit), with
/// the way to follow the case and the link to rate the answer.
async fn answer_caller(
    conn: &mut PgConnection,
    case_id: Uuid,
    user: &AuthUser,
    on_time: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(c) = sqlx::query!(
        r#"select f.code, f.phone as "phone!", f.office_id, f.received_at, o.name as office, f.answer as "answer!",
                  coalesce(f.procedure_code, (select procedure_code from procedure where active order by procedure_code limit 1)) as "procedure!"
           from feedback_case f join office o using (office_id)
           where f.case_id = $1 and f.phone is not null and f.answer is not null"#,
        case_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let mut text: String = crate::reference::unaccent(&c.answer);
    if text.chars().count() > 300 {
        text = text.chars().take(297).collect::<String>() + "...";
    }
    let body = format!(
        "Phieu {} da duoc tra loi: {} Tra cuu: {}/track?code={}",
        c.code,
        text,
        crate::state::public_url(),
        c.code
    );
    crate::notify::api::enqueue(conn, crate::notify::Channel::Sms, &c.phone, "", &body).await?;
    if crate::identity::domain::PhoneVn::parse(&c.phone).is_ok() {
        let contact = super::rating::Contact {
            kind: "case",
            subject_id: case_id,
            office_id: c.office_id,
            official_id: Some(user.user_id),
            procedure_code: c.procedure,
            label: c.code,
            received: c.received_at,
            phone: c.phone,
            place: c.office,
            overdue: !on_time,
        };
        super::rating::open_for_contact(conn, contact, now).await?;
    }
    Ok(())
}

/// Follows a case by its code and the caller's phone (the public tracking page).
pub async fn track_case(
    db: &PgPool,
    code: &str,
    phone: &str,
) -> Result<Option<crate::evaluation::CaseTracking>, AppError> {
    let r = sqlx::query!(
        r#"select f.code, f.kind, f.status, f.received_at, f.resolve_due, f.answer, o.name as office
           from feedback_case f join office o using (office_id) where f.code = $1 and f.phone = $2"#,
        code,
        phone
    )
    .fetch_optional(db)
    .await?;
    Ok(r.map(|r| crate::evaluation::CaseTracking {
        code: r.code,
        kind: domain::CaseKind::parse(&r.kind).unwrap_or(domain::CaseKind::Complaint),
        status: CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Received),
        received_at: r.received_at,
        resolve_due: r.resolve_due,
        // An answer waiting for approval is not the agency's answer yet.
        answer: r.answer.filter(|_| matches!(r.status.as_str(), "resolved" | "published")),
        office: r.office,
    }))
}

/// Reminds the handler the day before a case's deadline and escalates overdue ones: to the
/// agency's head, then to the province (each step once, in the case's log and the audit).
/// Any instance may run it; the row locks keep two from acting on one case.
pub async fn case_sweep(db: &PgPool, now: DateTime<Utc>) -> Result<usize, AppError> {
    let today = vn_day(now);
    let mut tx = db.begin().await?;
    let rows = sqlx::query!(
        r#"select f.case_id, f.code, f.status, f.refuse_due, f.info_due, f.resolve_due, f.publish_due, f.escalation,
                  f.reminded_at, f.agency_id, a.province_code, u.phone as "head_phone?"
           from feedback_case f join agency a on a.agency_id = f.agency_id
                left join app_user u on u.user_id = f.assigned_to
           -- Only cases due tomorrow or late and not yet at the last step can need anything.
           where f.status in ('received', 'accepted') and f.escalation < 2 and f.resolve_due <= $1
           for update of f skip locked"#,
        today + chrono::Days::new(1)
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut acted = 0;
    for r in rows {
        let status = CaseStatus::parse(&r.status).unwrap_or(CaseStatus::Received);
        let dues =
            CaseDues { refuse: r.refuse_due, request_info: r.info_due, resolve: r.resolve_due, publish: r.publish_due };
        let step = domain::escalation(status, &dues, today) as i16;
        let remind = r.reminded_at.is_none() && step == 0 && today.succ_opt() == Some(dues.resolve);
        if step <= r.escalation && !remind {
            continue;
        }
        let action = match (remind, step) {
            (true, _) => "reminded",
            (_, 1) => "escalated_agency",
            _ => "escalated_province",
        };
        sqlx::query!(
            r#"update feedback_case set escalation = greatest(escalation, $2),
                      reminded_at = case when $3 then $4 else reminded_at end where case_id = $1"#,
            r.case_id,
            step,
            remind,
            now
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("insert into feedback_event (case_id, at, action) values ($1, $2, $3)", r.case_id, now, action)
            .execute(&mut *tx)
            .await?;
        if let Some(phone) = r.head_phone.as_deref() {
            let body = format!(
                "Phieu {} {}: han tra loi {}.",
                r.code,
                if remind { "sap den han" } else { "da qua han" },
                dues.resolve.format("%d/%m/%Y")
            );
            crate::notify::api::enqueue(&mut tx, crate::notify::Channel::Sms, phone, "", &body).await?;
        }
        audit::record(
            &mut tx,
            None,
            &RequestMeta::default(),
            Entry::new(&format!("feedback_case.{action}"), "feedback_case", Some(r.case_id.to_string()))
                .at(Some(&r.province_code), None),
        )
        .await?;
        acted += 1;
    }
    tx.commit().await?;
    Ok(acted)
}
