//! Opening a feedback case: from a low rating or a complaint, or from a call to the hotline,
//! on its kind's clock and assigned to an administrator of the office's agency.

use crate::evaluation::domain;
use crate::kernel::{error::AppError, time::vn_offset};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// What opens a feedback case: a rating, or a call to the hotline.
pub struct NewCase {
    pub source: &'static str,
    pub evaluation_id: Option<Uuid>,
    pub office_id: Uuid,
    pub category: &'static str,
    pub content: String,
    pub kind: domain::CaseKind,
    pub caller: Option<Caller>,
}

/// Who called the hotline about a case, and about what.
pub struct Caller {
    pub phone: String,
    pub call_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    pub commune_code: Option<String>,
    /// The caller agrees to the answer's publication in the FAQ (without their details).
    pub publish_consent: bool,
}

/// Working days to answer a case of this kind (`case_clock`, editable per kind).
pub(super) async fn resolve_days(conn: &mut PgConnection, kind: &str) -> Result<u16, sqlx::Error> {
    let days = sqlx::query_scalar!("select resolve_days from case_clock where kind = $1", kind)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(days.map_or(domain::CASE_RESOLVE_DAYS, |d| d.max(1) as u16))
}

/// Opens a case on its kind's clock (the 766 clock for complaints), assigned to an
/// administrator of the office's agency.
pub async fn open_case(conn: &mut PgConnection, c: NewCase, now: DateTime<Utc>) -> Result<(Uuid, String), AppError> {
    let office = crate::kernel::office::office_row(conn, c.office_id).await?;
    let cal = crate::reference::api::load_calendar(conn).await?;
    let local = now.with_timezone(&vn_offset()).naive_local();
    let days = resolve_days(conn, c.kind.as_str()).await?;
    let dues = domain::case_dues(&cal, local, days);
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
                                     received_at, refuse_due, info_due, resolve_due, kind, phone, call_id,
                                     procedure_code, commune_code, publish_consent)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning case_id"#,
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
        dues.resolve,
        c.kind.as_str(),
        c.caller.as_ref().map(|k| k.phone.clone()),
        c.caller.as_ref().and_then(|k| k.call_id),
        c.caller.as_ref().and_then(|k| k.procedure_code.clone()),
        c.caller.as_ref().and_then(|k| k.commune_code.clone()),
        c.caller.as_ref().is_some_and(|k| k.publish_consent)
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
