//! The official's work queue: the lists (to review, to sign, to hand over…) with counts,
//! filters by kind, channel and age, and one page of the chosen list.

use super::base::{own_commune, today};
use crate::civil::{
    QueueRow, Status, Tab, WorkQueue,
    domain::{Channel, DossierKind},
};
use crate::{identity::AuthUser, kernel::error::AppError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

pub const PAGE_SIZE: u32 = 50;

/// The queue's filters, parsed by the server function.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub tab: Tab,
    pub kind: Option<DossierKind>,
    pub channel: Option<Channel>,
    pub age: Option<crate::civil::Age>,
    pub page: u32,
}

/// The official's work queue: counts per list and one page of the chosen list, most urgent first.
pub async fn work_queue(db: &PgPool, user: &AuthUser, f: Filter, now: DateTime<Utc>) -> Result<WorkQueue, AppError> {
    let commune = own_commune(user)?;
    let today = today(now);
    let counts = sqlx::query!(
        r#"select status as "status!", count(*) as "n!",
                  count(*) filter (where due_on < $2 and status in ('notified', 'submitted', 'ready', 'awaiting_signature')) as "overdue!"
           from dossier where commune_code = $1 group by status"#,
        commune,
        today
    )
    .fetch_all(db)
    .await?;
    let overdue: i64 = counts.iter().map(|c| c.overdue).sum();
    let counts = Tab::ALL
        .into_iter()
        .map(|t| {
            let n = match t.status() {
                Some(s) => counts.iter().find(|c| c.status == s.as_str()).map(|c| c.n).unwrap_or(0),
                None => overdue,
            };
            (t, n)
        })
        .collect();
    // Received-at bounds of the age filter, in Vietnam's days.
    let start_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(crate::kernel::time::vn_offset()).single())
            .map(|t| t.to_utc())
    };
    let (from, to) = match f.age {
        None => (None, None),
        Some(crate::civil::Age::Today) => (start_of(today), None),
        Some(crate::civil::Age::UpTo7Days) => (start_of(today - chrono::Duration::days(7)), None),
        Some(crate::civil::Age::Older) => (None, start_of(today - chrono::Duration::days(7))),
    };
    let rows = sqlx::query!(
        r#"select code, kind, channel, status, subject_name, received_at, due_on, late, registered_at,
                  possible_duplicate_of is not null as "duplicate!", count(*) over () as "total!"
           from dossier
           where commune_code = $1
             and ($2::text is null or status = $2)
             and (not $3 or (status in ('notified', 'submitted', 'ready', 'awaiting_signature') and due_on < $4))
             and ($5::text is null or kind = $5)
             and ($6::text is null or channel = $6)
             and ($7::timestamptz is null or received_at >= $7)
             and ($8::timestamptz is null or received_at < $8)
           order by due_on, received_at
           limit $9 offset $10"#,
        commune,
        f.tab.status().map(Status::as_str),
        f.tab == Tab::Overdue,
        today,
        f.kind.map(DossierKind::as_str),
        f.channel.map(Channel::as_str),
        from,
        to,
        PAGE_SIZE as i64,
        (f.page * PAGE_SIZE) as i64
    )
    .fetch_all(db)
    .await?;
    let commune_name = sqlx::query_scalar!("select name from commune where commune_code = $1", commune)
        .fetch_optional(db)
        .await?
        .unwrap_or_default();
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    // Certificates registered but not handed over within the commune's days are flagged.
    let undelivered_days = crate::civil::settings::undelivered_days(db, commune).await?;
    let flag_before = now - chrono::Duration::days(undelivered_days.into());
    let undelivered = sqlx::query_scalar!(
        r#"select count(*) as "n!" from dossier where commune_code = $1 and status = 'registered' and registered_at < $2"#,
        commune,
        flag_before
    )
    .fetch_one(db)
    .await?;
    let rows = rows
        .into_iter()
        .filter_map(|r| {
            let status = Status::parse(&r.status)?;
            Some(QueueRow {
                code: r.code,
                kind: DossierKind::parse(&r.kind)?,
                channel: Channel::parse(&r.channel)?,
                status,
                subject_name: r.subject_name,
                received_at: r.received_at,
                due_on: r.due_on,
                late: r.late,
                overdue: status.open() && r.due_on < today,
                duplicate: r.duplicate,
                undelivered: status == Status::Registered && r.registered_at.is_some_and(|t| t < flag_before),
            })
        })
        .collect();
    Ok(WorkQueue {
        commune_name,
        counts,
        rows,
        total,
        page: f.page,
        page_size: PAGE_SIZE,
        undelivered,
        undelivered_days,
    })
}
