//! What the office's figures are made of: waiting and service times per day, counter and officer.

use super::booking::choice;
use super::ticket::{queue_order, waiting_tickets};
use crate::kernel::office::{office_row, require_office};
use crate::kernel::time::vn_today;
use crate::queue::domain;
use crate::{identity::AuthUser, kernel::error::AppError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub(super) struct MeasuredRow {
    pub(super) issued_at: DateTime<Utc>,
    pub(super) slot_starts_at: Option<DateTime<Utc>>,
    pub(super) called_at: Option<DateTime<Utc>>,
    pub(super) service_seconds: i32,
    pub(super) status: String,
    pub(super) called_counter: Option<String>,
    pub(super) called_officer: Option<String>,
    pub(super) called_officer_id: Option<Uuid>,
    pub(super) service_day: NaiveDate,
}

pub(super) async fn measured(
    conn: &mut PgConnection,
    office_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MeasuredRow>, sqlx::Error> {
    sqlx::query_as!(
        MeasuredRow,
        r#"select t.issued_at, t.slot_starts_at, t.called_at, t.service_seconds, t.status,
                  k.number::text || ' · ' || k.name as called_counter, u.display_name as "called_officer?",
                  t.called_officer_id, t.service_day
           from ticket t left join counter k on k.counter_id = t.called_counter_id
           left join app_user u on u.user_id = t.called_officer_id
           where t.office_id = $1 and t.service_day between $2 and $3"#,
        office_id,
        from,
        to
    )
    .fetch_all(conn)
    .await
}

pub(super) fn wait_of(r: &MeasuredRow) -> Option<f64> {
    r.called_at.map(|c| domain::waiting_minutes(r.issued_at, r.slot_starts_at, c))
}

pub(super) fn avg(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0u32), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { s / n as f64 }
}

pub(super) fn grouped(
    rows: &[&MeasuredRow],
    key: impl Fn(&MeasuredRow) -> Option<String>,
) -> Vec<crate::queue::StatRow> {
    let mut groups: std::collections::BTreeMap<String, Vec<&MeasuredRow>> = Default::default();
    for r in rows {
        if let Some(k) = key(r) {
            groups.entry(k).or_default().push(r);
        }
    }
    groups
        .into_iter()
        .map(|(label, rs)| crate::queue::StatRow {
            wait: domain::summarize(&rs.iter().filter_map(|r| wait_of(r)).collect::<Vec<_>>()),
            average_service_minutes: avg(rs
                .iter()
                .filter(|r| r.status == "done" && r.service_seconds > 0)
                .map(|r| r.service_seconds as f64 / 60.0)),
            label,
        })
        .collect()
}

/// The manager's figures for an office. `week` selects the per-counter and per-officer period.
pub async fn office_stats(
    db: &PgPool,
    user: &AuthUser,
    office_id: Uuid,
    week: bool,
    now: DateTime<Utc>,
) -> Result<crate::queue::OfficeStats, AppError> {
    let mut conn = db.acquire().await?;
    let office = office_row(&mut conn, office_id).await?;
    require_office(user, &office, domain::OfficeAccess::Manage)?;
    let today = vn_today(now);
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let rows = measured(&mut conn, office_id, monday, today).await?;
    let today_rows: Vec<&MeasuredRow> = rows.iter().filter(|r| r.service_day == today).collect();
    let all_rows: Vec<&MeasuredRow> = rows.iter().collect();
    let period = if week { &all_rows } else { &today_rows };
    let waits = |rs: &[&MeasuredRow]| rs.iter().filter_map(|r| wait_of(r)).collect::<Vec<_>>();

    let mut waiting = waiting_tickets(&mut conn, office_id, today).await?;
    queue_order(&mut waiting, now);
    let waiting_so_far: Vec<f64> =
        waiting.iter().map(|r| domain::waiting_minutes(r.issued_at, r.slot_starts_at, now)).collect();
    let active = sqlx::query_scalar!(
        r#"select count(distinct counter_id) as "n!" from ticket
           where office_id = $1 and service_day = $2 and last_called_at > $3::timestamptz - interval '30 minutes'"#,
        office_id,
        today,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    let service = avg(today_rows
        .iter()
        .filter(|r| r.status == "done" && r.service_seconds > 0)
        .map(|r| r.service_seconds as f64 / 60.0));
    let service = if service > 0.0 { service } else { 10.0 };
    let projected = domain::projected_average_wait(&waits(&today_rows), &waiting_so_far, active.max(1) as u32, service);
    let booked_today = sqlx::query_scalar!(
        r#"select count(*) as "n!" from booking where office_id = $1 and local_day = $2 and status <> 'cancelled'"#,
        office_id,
        today
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(crate::queue::OfficeStats {
        office: choice(&office),
        today: domain::summarize(&waits(&today_rows)),
        week: domain::summarize(&waits(&all_rows)),
        per_counter: grouped(period, |r| r.called_counter.clone()),
        per_officer: grouped(period, |r| {
            r.called_officer.clone().or_else(|| r.called_counter.as_ref().map(|_| "—".into()))
        }),
        queue_length: waiting.len() as i64,
        projected_average_wait: projected,
        alert: projected > domain::WAIT_TARGET_MINUTES,
        booked_today,
        no_show_today: today_rows.iter().filter(|r| r.status == "no_show").count() as i64,
    })
}

/// The officer's own figures today.
pub async fn officer_figures(
    conn: &mut PgConnection,
    officer: Uuid,
    now: DateTime<Utc>,
) -> Result<crate::queue::OfficerFigures, sqlx::Error> {
    let today = vn_today(now);
    let rows = sqlx::query_as!(
        MeasuredRow,
        r#"select t.issued_at, t.slot_starts_at, t.called_at, t.service_seconds, t.status,
                  null::text as called_counter, null::text as "called_officer?", t.called_officer_id, t.service_day
           from ticket t where t.service_day = $2 and (t.called_officer_id = $1 or t.officer_id = $1)"#,
        officer,
        today
    )
    .fetch_all(conn)
    .await?;
    let mine: Vec<&MeasuredRow> = rows.iter().filter(|r| r.called_officer_id == Some(officer)).collect();
    Ok(crate::queue::OfficerFigures {
        served: rows.iter().filter(|r| r.status == "done").count() as i64,
        no_show: rows.iter().filter(|r| r.status == "no_show").count() as i64,
        average_wait_minutes: avg(mine.iter().filter_map(|r| wait_of(r))),
        average_service_minutes: avg(rows
            .iter()
            .filter(|r| r.status == "done" && r.service_seconds > 0)
            .map(|r| r.service_seconds as f64 / 60.0)),
    })
}
