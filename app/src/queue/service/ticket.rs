//! Tickets: issuing one at check-in (QR of a booking, walk-ins at the kiosk), the waiting line
//! in its order (priorities, bookings first at their time), the live ticket and the office's board.

use super::base::{Operator, audit_op, event, queue_config};
use super::booking::{booking_row, withdraw_reminders};
use crate::kernel::conflict::QueueConflict;
use crate::kernel::office::{OfficeRow, office_row, require_office};
use crate::kernel::{error::AppError, request::RequestMeta};
use crate::kernel::{qr::qr_svg, time::vn_today, token::random_token};
use crate::queue::{
    CheckInTiming, IssuedTicket, Priority, TicketStatus, TicketView, domain,
    events::{self, QueueEvent},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub(super) struct Issued {
    pub(super) ticket_id: Uuid,
    pub(super) token: String,
}

/// Gives the next number of the procedure's service group today and queues the ticket.
#[allow(clippy::too_many_arguments)]
pub(super) async fn issue_ticket(
    conn: &mut PgConnection,
    office: &OfficeRow,
    procedure_code: &str,
    priority: Option<Priority>,
    source: &str,
    booking_id: Option<Uuid>,
    slot_starts_at: Option<DateTime<Utc>>,
    op: Operator<'_>,
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    let prefix = sqlx::query_scalar!(
        r#"select g.prefix from office_procedure op join service_group g using (service_group_id)
           where op.office_id = $1 and op.procedure_code = $2"#,
        office.office_id,
        procedure_code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::from(QueueConflict::ProcedureNotOffered))?;
    let day = vn_today(now);
    let number = sqlx::query_scalar!(
        r#"insert into ticket_sequence (office_id, service_day, prefix, last_number) values ($1, $2, $3, 1)
           on conflict (office_id, service_day, prefix)
           do update set last_number = ticket_sequence.last_number + 1 returning last_number"#,
        office.office_id,
        day,
        prefix
    )
    .fetch_one(&mut *conn)
    .await?;
    let token = random_token(16);
    let ticket_id = sqlx::query_scalar!(
        r#"insert into ticket (office_id, service_day, prefix, number, procedure_code, booking_id, slot_starts_at,
                               priority, source, device_id, public_token, issued_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning ticket_id"#,
        office.office_id,
        day,
        prefix,
        number,
        procedure_code,
        booking_id,
        slot_starts_at,
        priority.map(Priority::as_str),
        source,
        op.device(),
        token,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    event(conn, ticket_id, "issued", None, op, json!({})).await?;
    events::notify(
        conn,
        &QueueEvent {
            office_id: office.office_id,
            kind: "issued".into(),
            ticket: Some(domain::ticket_label(&prefix, number)),
            counter: None,
        },
    )
    .await?;
    Ok(Issued { ticket_id, token })
}

/// Checks a booking in at the kiosk or counter and issues its ticket. Inside the window the
/// ticket keeps the slot; on the same day outside it the citizen is served as a walk-in.
/// Errors: Conflict(booking_unknown | checkin_wrong_office | booking_cancelled | booking_used |
/// checkin_other_day), Forbidden.
#[tracing::instrument(skip_all, fields(office_id = %office_id))]
pub async fn check_in(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    office_id: Uuid,
    code: &domain::BookingCode,
    priority: Option<Priority>,
    now: DateTime<Utc>,
) -> Result<IssuedTicket, AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    if let Operator::Staff(u) = op {
        require_office(u, &office, domain::OfficeAccess::Operate)?;
    }
    let b = booking_row(&mut tx, code.as_str(), true)
        .await?
        .ok_or_else(|| AppError::from(QueueConflict::BookingUnknown))?;
    if b.office_id != office_id {
        return Err(AppError::from(QueueConflict::CheckinWrongOffice));
    }
    match b.status.as_str() {
        "cancelled" => return Err(AppError::from(QueueConflict::BookingCancelled)),
        "checked_in" => return Err(AppError::from(QueueConflict::BookingUsed)),
        _ => {}
    }
    if vn_today(b.starts_at) != vn_today(now) {
        return Err(AppError::from(QueueConflict::CheckinOtherDay));
    }
    let cfg = queue_config(&mut tx, office_id).await?;
    let timing =
        domain::checkin_timing(now, b.starts_at, cfg.checkin_before_minutes as i64, cfg.checkin_after_minutes as i64);
    let slot = (timing == CheckInTiming::OnTime).then_some(b.starts_at);
    let issued =
        issue_ticket(&mut tx, &office, &b.procedure_code, priority, "booking", Some(b.booking_id), slot, op, now)
            .await?;
    sqlx::query!(
        "update booking set status = 'checked_in', checked_in_at = $2 where booking_id = $1",
        b.booking_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    withdraw_reminders(&mut tx, b.booking_id).await?;
    audit_op(
        &mut tx,
        op,
        meta,
        &office,
        "booking_checked_in",
        issued.ticket_id,
        json!({ "code": b.code, "timing": format!("{timing:?}") }),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedTicket {
        ticket: ticket_view(db, &issued.token, now).await?,
        as_walk_in: (timing != CheckInTiming::OnTime).then_some(timing),
        booked_slot: Some(b.starts_at),
        ticket_qr: String::new(),
    })
}

/// A walk-in ticket from the kiosk, a counter or an installed ticket machine.
/// Errors: Forbidden, Conflict(procedure_not_offered).
pub async fn walk_in(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    office_id: Uuid,
    procedure_code: &str,
    priority: Option<Priority>,
    now: DateTime<Utc>,
) -> Result<IssuedTicket, AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    let source = match op {
        Operator::Staff(u) => {
            require_office(u, &office, domain::OfficeAccess::Operate)?;
            "kiosk"
        }
        Operator::Device(_) => "device",
    };
    let issued = issue_ticket(&mut tx, &office, procedure_code, priority, source, None, None, op, now).await?;
    audit_op(
        &mut tx,
        op,
        meta,
        &office,
        "ticket_issued",
        issued.ticket_id,
        json!({ "procedure": procedure_code, "priority": priority.map(Priority::as_str) }),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedTicket {
        ticket: ticket_view(db, &issued.token, now).await?,
        as_walk_in: None,
        booked_slot: None,
        ticket_qr: String::new(),
    })
}

pub(super) struct WaitingRow {
    pub(super) ticket_id: Uuid,
    pub(super) procedure_code: String,
    pub(super) assigned_counter_id: Option<Uuid>,
    pub(super) requeued_at: Option<DateTime<Utc>>,
    pub(super) slot_starts_at: Option<DateTime<Utc>>,
    pub(super) issued_at: DateTime<Utc>,
    pub(super) priority: Option<String>,
    pub(super) prefix: String,
    pub(super) number: i32,
}

impl WaitingRow {
    pub(super) fn candidate(&self, now: DateTime<Utc>) -> domain::Candidate {
        domain::Candidate::classify(now, self.requeued_at, self.slot_starts_at, self.issued_at, self.priority.is_some())
    }
}

pub(super) async fn waiting_tickets(
    conn: &mut PgConnection,
    office_id: Uuid,
    day: NaiveDate,
) -> Result<Vec<WaitingRow>, sqlx::Error> {
    sqlx::query_as!(
        WaitingRow,
        r#"select ticket_id, procedure_code, assigned_counter_id, requeued_at, slot_starts_at, issued_at, priority,
                  prefix, number
           from ticket where office_id = $1 and service_day = $2 and status = 'waiting'"#,
        office_id,
        day
    )
    .fetch_all(conn)
    .await
}

/// The waiting tickets in calling order, ignoring the priority interleave.
pub(super) fn queue_order(rows: &mut [WaitingRow], now: DateTime<Utc>) {
    rows.sort_by_key(|r| {
        let c = r.candidate(now);
        (c.class, std::cmp::Reverse(c.priority), c.since)
    });
}

/// The citizen's view of a ticket: status, counter, people ahead and an estimated wait.
pub async fn ticket_view(db: &PgPool, token: &str, now: DateTime<Utc>) -> Result<TicketView, AppError> {
    let mut conn = db.acquire().await?;
    let t = sqlx::query!(
        r#"select t.ticket_id, t.office_id, t.service_day, t.prefix, t.number, t.status, t.priority, t.issued_at,
                  t.procedure_code, o.name as office_name, p.name, p.name_en, k.number as "counter_number?"
           from ticket t join office o using (office_id) join procedure p using (procedure_code)
           left join counter k on k.counter_id = t.counter_id
           where t.public_token = $1"#,
        token
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let status = TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Waiting);
    let rating = if status == TicketStatus::Done {
        sqlx::query_scalar!(
            r#"select rating_token from service_evaluation
               where subject_kind = 'ticket' and subject_id = $1 and rated_at is null and token_expires_at > $2"#,
            t.ticket_id,
            now
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|tk| {
            let qr = qr_svg(&format!("{}/rate/{tk}", crate::state::public_url()));
            (tk, qr)
        })
    } else {
        None
    };
    let (mut ahead, mut estimate) = (0i64, 0i64);
    if status == TicketStatus::Waiting {
        let mut rows = waiting_tickets(&mut conn, t.office_id, t.service_day).await?;
        // Tickets that compete for the same counters: those of procedures served by a counter that serves this one.
        let shared: Vec<String> = sqlx::query_scalar!(
            r#"select distinct cp2.procedure_code from counter_procedure cp1
               join counter_procedure cp2 on cp2.counter_id = cp1.counter_id where cp1.procedure_code = $1"#,
            t.procedure_code
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.retain(|r| shared.contains(&r.procedure_code) || r.procedure_code == t.procedure_code);
        queue_order(&mut rows, now);
        ahead = rows.iter().position(|r| r.ticket_id == t.ticket_id).unwrap_or(0) as i64;
        let pace = sqlx::query!(
            r#"select count(distinct t.counter_id) filter (where t.last_called_at > $3::timestamptz - interval '1 hour') as "active!",
                      (avg(t.service_seconds) filter (where t.status = 'done' and t.service_seconds > 0))::float8 as avg_secs,
                      (select count(*) from counter_procedure where procedure_code = $4) as "configured!"
               from ticket t where t.office_id = $1 and t.service_day = $2"#,
            t.office_id,
            t.service_day,
            now,
            t.procedure_code
        )
        .fetch_one(&mut *conn)
        .await?;
        let counters = if pace.active > 0 { pace.active.min(pace.configured.max(1)) } else { pace.configured };
        let service = pace.avg_secs.map(|s| s / 60.0).unwrap_or(10.0);
        estimate = domain::estimated_wait_minutes(ahead as u32, counters.max(1) as u32, service).ceil() as i64;
    }
    Ok(TicketView {
        token: token.to_owned(),
        label: domain::ticket_label(&t.prefix, t.number),
        office_id: t.office_id,
        office_name: t.office_name,
        procedure_name: t.name,
        procedure_name_en: t.name_en,
        status,
        priority: t.priority.as_deref().and_then(Priority::parse),
        issued_at: t.issued_at,
        counter_number: t.counter_number,
        ahead,
        estimated_wait_minutes: estimate,
        rating,
    })
}

/// The TV board: public, no personal data (ticket numbers only).
pub async fn board(db: &PgPool, office_id: Uuid, now: DateTime<Utc>) -> Result<crate::queue::BoardView, AppError> {
    let mut conn = db.acquire().await?;
    let office = office_row(&mut conn, office_id).await?;
    let day = vn_today(now);
    let counters = sqlx::query!(
        r#"select k.number, k.name,
                  (select t.prefix || '-' || lpad(t.number::text, 3, '0') from ticket t
                   where t.counter_id = k.counter_id and t.service_day = $2 and t.status in ('called', 'serving')
                   order by t.last_called_at desc limit 1) as serving
           from counter k where k.office_id = $1 order by k.number"#,
        office_id,
        day
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| crate::queue::BoardCounter { number: r.number, name: r.name, serving: r.serving })
    .collect();
    let mut rows = waiting_tickets(&mut conn, office_id, day).await?;
    queue_order(&mut rows, now);
    let last_call = sqlx::query!(
        r#"select t.prefix, t.number, k.number as counter_number, t.last_called_at as "at!"
           from ticket t join counter k on k.counter_id = t.counter_id
           where t.office_id = $1 and t.service_day = $2 and t.last_called_at is not null and t.status in ('called', 'serving')
           order by t.last_called_at desc limit 1"#,
        office_id,
        day
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| (domain::ticket_label(&r.prefix, r.number), r.counter_number, r.at));
    Ok(crate::queue::BoardView {
        office_id,
        office_name: office.name,
        counters,
        waiting: rows.len() as i64,
        next: rows.iter().take(8).map(|r| domain::ticket_label(&r.prefix, r.number)).collect(),
        last_call,
    })
}
