//! Feedback cases: a low rating or a complaint becomes a case with its legal deadlines, handled
//! by the unit's staff and answered to the citizen.

use super::base::vn_day;
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

/// What opens a feedback case: a rating now, the hotline and the counter later.
pub struct NewCase {
    pub source: &'static str,
    pub evaluation_id: Option<Uuid>,
    pub office_id: Uuid,
    pub category: &'static str,
    pub content: String,
}

/// Opens a case on the 766 clock, assigned to an administrator of the office's agency.
pub async fn open_case(conn: &mut PgConnection, c: NewCase, now: DateTime<Utc>) -> Result<(Uuid, String), AppError> {
    let office = crate::kernel::office::office_row(conn, c.office_id).await?;
    let cal = crate::reference::api::load_calendar(conn).await?;
    let local = now.with_timezone(&vn_offset()).naive_local();
    let dues = domain::case_dues(&cal, local);
    let seq = sqlx::query_scalar!(r#"select nextval('feedback_case_seq') as "n!""#).fetch_one(&mut *conn).await?;
    let code = format!("PA-{}-{:05}", local.format("%y%m%d"), seq);
    // Never the official the case is about.
    let head = sqlx::query_scalar!(
        r#"select user_id from app_user
           where agency_id = $1 and role = 'agency_admin' and active
             and user_id is distinct from (select official_id from service_evaluation where evaluation_id = $2)
           order by created_at limit 1"#,
        office.agency_id,
        c.evaluation_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let id = sqlx::query_scalar!(
        r#"insert into feedback_case (code, source, evaluation_id, office_id, agency_id, assigned_to, category, content,
                                     received_at, refuse_due, info_due, resolve_due)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning case_id"#,
        code,
        c.source,
        c.evaluation_id,
        c.office_id,
        office.agency_id,
        head,
        c.category,
        c.content,
        now,
        dues.refuse,
        dues.request_info,
        dues.resolve
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!("insert into feedback_event (case_id, at, action) values ($1, $2, 'opened')", id, now)
        .execute(&mut *conn)
        .await?;
    if c.evaluation_id.is_some() {
        sqlx::query!("update service_evaluation set complaint = true where evaluation_id = $1", c.evaluation_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok((id, code))
}

/// Whether the user handles an agency's cases: its administrators, or the province's.
pub(super) fn handles_cases(user: &AuthUser, agency: Uuid, province: &str) -> bool {
    match user.role {
        Role::AgencyAdmin => user.agency_id == Some(agency),
        Role::ProvinceAdmin => user.commune_code.is_none() && user.province_code.as_deref() == Some(province),
        _ => false,
    }
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
    if !matches!(user.role, Role::AgencyAdmin | Role::ProvinceAdmin) {
        return Err(AppError::Forbidden);
    }
    let province_wide = user.role == Role::ProvinceAdmin && user.commune_code.is_none();
    let rows = sqlx::query!(
        r#"select f.case_id, f.code, o.name as office_name, f.category, f.status, f.received_at, f.refuse_due,
                  f.info_due, f.resolve_due, f.publish_due, f.content
           from feedback_case f join office o using (office_id) join agency a on a.agency_id = f.agency_id
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where (($1 and a.province_code = $2) or f.agency_id = $3)
             and (not $4 or f.status not in ('refused', 'published'))
             and e.official_id is distinct from $5
           order by f.status in ('refused', 'published'), f.resolve_due, f.received_at limit 500"#,
        province_wide,
        user.province_code.clone().unwrap_or_default(),
        user.agency_id.unwrap_or(Uuid::nil()),
        open_only,
        user.user_id
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
}

pub(super) async fn case_row(conn: &mut PgConnection, user: &AuthUser, case_id: Uuid) -> Result<CaseRow, AppError> {
    let r = sqlx::query!(
        r#"select f.agency_id, a.province_code, o.commune_code, f.status, f.refuse_due, f.info_due, f.resolve_due,
                  f.publish_due, e.official_id as "official_id?"
           from feedback_case f join agency a on a.agency_id = f.agency_id join office o using (office_id)
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
           where f.case_id = $1"#,
        case_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    // A case about one's own work goes to someone else.
    if !handles_cases(user, r.agency_id, &r.province_code) || r.official_id == Some(user.user_id) {
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
                  e.label as "label?", e.service_day as "service_day?", e.overall
           from feedback_case f join office o using (office_id)
           left join service_evaluation e on e.evaluation_id = f.evaluation_id
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
        actions: CaseAction::for_status(row.status),
    })
}

/// Moves a case on. Errors: Forbidden, NotFound, Conflict(case_state), Validation(note).
#[tracing::instrument(skip_all, fields(case_id = %case_id, action = action.as_str()))]
pub async fn case_act(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    case_id: Uuid,
    action: CaseAction,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use unicode_normalization::UnicodeNormalization;
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
    let next = action.apply(row.status).ok_or_else(|| AppError::from(EvaluationConflict::CaseState))?;
    let local = now.with_timezone(&vn_offset()).naive_local();
    let cal = crate::reference::api::load_calendar(&mut tx).await?;
    let today = local.date();
    let on_time = domain::action_on_time(action, &row.dues, today);
    // The resolve clock starts again from the day the citizen's information came in.
    let resolve_due = match action {
        CaseAction::InfoReceived => cal.due_date(local, domain::CASE_RESOLVE_DAYS),
        _ => row.dues.resolve,
    };
    let publish_due = match action {
        CaseAction::Resolve => Some(cal.due_date(local, domain::CASE_PUBLISH_DAYS)),
        _ => row.dues.publish,
    };
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
