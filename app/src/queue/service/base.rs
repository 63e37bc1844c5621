//! What every part of the queue's service shares: who operates (staff or a queue device), the
//! office's queue settings and opening sessions, the event sent to live pages, and audit entries.

use crate::kernel::office::{OfficeRow, audit_entry};
use crate::queue::QueueConfig;
use crate::{
    identity::AuthUser,
    kernel::{
        audit::{self as audit},
        request::RequestMeta,
        time::vn_offset,
    },
};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

pub(super) fn vn_instant(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    vn_offset().from_local_datetime(&day.and_time(time)).single().expect("BUG: fixed offsets are unambiguous").into()
}

/// Who acts on an office's queue: a signed-in staff member or an installed queue device.
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    Staff(&'a AuthUser),
    Device(Uuid),
}

impl Operator<'_> {
    pub(super) fn officer(&self) -> Option<Uuid> {
        match self {
            Operator::Staff(u) => Some(u.user_id),
            Operator::Device(_) => None,
        }
    }
    pub(super) fn device(&self) -> Option<Uuid> {
        match self {
            Operator::Staff(_) => None,
            Operator::Device(d) => Some(*d),
        }
    }
    pub(super) fn user(&self) -> Option<&AuthUser> {
        match self {
            Operator::Staff(u) => Some(u),
            Operator::Device(_) => None,
        }
    }
}

pub async fn queue_config(conn: &mut PgConnection, office_id: Uuid) -> Result<QueueConfig, sqlx::Error> {
    Ok(sqlx::query_as!(
        QueueConfig,
        r#"select slot_minutes, horizon_days, min_notice_minutes, checkin_before_minutes, checkin_after_minutes,
                  priority_every, booking_enabled
           from office_queue_config where office_id = $1"#,
        office_id
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or_default())
}

/// Opening sessions of a day; a make-up working day on a rest weekday uses Monday's hours.
pub(super) async fn sessions_of(
    conn: &mut PgConnection,
    office_id: Uuid,
) -> Result<Vec<(i16, NaiveTime, NaiveTime)>, sqlx::Error> {
    Ok(sqlx::query!(
        "select weekday, opens, closes from office_hours where office_id = $1 order by weekday, opens",
        office_id
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.weekday, r.opens, r.closes))
    .collect())
}

pub(super) fn day_sessions(hours: &[(i16, NaiveTime, NaiveTime)], day: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let wd = day.weekday().number_from_monday() as i16;
    let of = |w: i16| hours.iter().filter(|h| h.0 == w).map(|h| (h.1, h.2)).collect::<Vec<_>>();
    let s = of(wd);
    if s.is_empty() && wd >= 6 { of(1) } else { s }
}

pub(super) async fn event(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    kind: &str,
    counter_id: Option<Uuid>,
    op: Operator<'_>,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"insert into ticket_event (ticket_id, kind, counter_id, officer_id, device_id, detail)
           values ($1, $2, $3, $4, $5, $6)"#,
        ticket_id,
        kind,
        counter_id,
        op.officer(),
        op.device(),
        detail
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn audit_op(
    conn: &mut PgConnection,
    op: Operator<'_>,
    meta: &RequestMeta,
    office: &OfficeRow,
    action: &str,
    ticket_id: Uuid,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut details = details;
    if let (Operator::Device(d), Some(obj)) = (op, details.as_object_mut()) {
        obj.insert("device_id".into(), json!(d));
    }
    audit::record(conn, op.user(), meta, audit_entry(office, action, "ticket", ticket_id.to_string(), details)).await
}
