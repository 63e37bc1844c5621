//! The counter: calling the next ticket, recall, serve, transfer, finish (which opens the
//! evaluation), the queue devices, and the officer's console.

use super::base::{Operator, audit_op, event, queue_config};
use super::booking::choice;
use super::stats::officer_figures;
use super::ticket::{WaitingRow, waiting_tickets};
use crate::kernel::conflict::QueueConflict;
use crate::kernel::office::{OfficeRow, office_row, require_office};
use crate::kernel::time::vn_today;
use crate::queue::{
    Priority, TicketStatus, domain,
    events::{self, QueueEvent},
};
use crate::{
    identity::AuthUser,
    kernel::{error::AppError, request::RequestMeta},
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct CounterRow {
    pub counter_id: Uuid,
    pub office_id: Uuid,
    pub number: i16,
    pub name: String,
}

pub async fn counter_row(conn: &mut PgConnection, counter_id: Uuid) -> Result<CounterRow, AppError> {
    sqlx::query_as!(
        CounterRow,
        "select counter_id, office_id, number, name from counter where counter_id = $1",
        counter_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// Loads the counter and its office and checks the operator may work there.
pub(super) async fn counter_for(
    conn: &mut PgConnection,
    op: Operator<'_>,
    counter_id: Uuid,
) -> Result<(CounterRow, OfficeRow), AppError> {
    let counter = counter_row(conn, counter_id).await?;
    let office = office_row(conn, counter.office_id).await?;
    match op {
        Operator::Staff(u) => require_office(u, &office, domain::OfficeAccess::Operate)?,
        Operator::Device(d) => {
            let ok = sqlx::query_scalar!(
                "select exists(select 1 from queue_device where device_id = $1 and office_id = $2 and active)",
                d,
                office.office_id
            )
            .fetch_one(&mut *conn)
            .await?;
            if ok != Some(true) {
                return Err(AppError::Forbidden);
            }
        }
    }
    Ok((counter, office))
}

pub(super) fn notify_call(
    office: &OfficeRow,
    kind: &str,
    prefix: &str,
    number: i32,
    counter: &CounterRow,
) -> QueueEvent {
    QueueEvent {
        office_id: office.office_id,
        kind: kind.into(),
        ticket: Some(domain::ticket_label(prefix, number)),
        counter: Some(counter.number),
    }
}

/// Calls the next ticket to a counter by the calling rule. Serialised per office on the
/// `queue_state` row, so two counters never call the same ticket. Returns None when nobody waits.
/// Errors: Forbidden, Conflict(counter_busy) while the counter's current ticket is called but not started.
#[tracing::instrument(skip_all, fields(counter_id = %counter_id))]
pub async fn call_next(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<crate::queue::CurrentTicket>, AppError> {
    let mut tx = db.begin().await?;
    let (counter, office) = counter_for(&mut tx, op, counter_id).await?;
    let day = vn_today(now);
    // Creates the day's row or locks the existing one, in one statement: the lock serialises
    // call-next within the office.
    let since = sqlx::query_scalar!(
        r#"insert into queue_state (office_id, service_day) values ($1, $2)
           on conflict (office_id, service_day) do update set ordinary_since_priority = queue_state.ordinary_since_priority
           returning ordinary_since_priority"#,
        office.office_id,
        day
    )
    .fetch_one(&mut *tx)
    .await?;
    // The counter's current ticket: one being served is finished by calling the next; one
    // called but not started must be started, marked no-show or transferred first.
    let current = sqlx::query!(
        "select ticket_id, status from ticket where counter_id = $1 and status in ('called', 'serving') for update",
        counter_id
    )
    .fetch_all(&mut *tx)
    .await?;
    for c in &current {
        if c.status == "called" {
            return Err(AppError::from(QueueConflict::CounterBusy));
        }
        finish_leg(&mut tx, c.ticket_id, now, "done").await?;
        event(&mut tx, c.ticket_id, "finished", Some(counter_id), op, json!({})).await?;
    }
    let served: Vec<String> =
        sqlx::query_scalar!("select procedure_code from counter_procedure where counter_id = $1", counter_id)
            .fetch_all(&mut *tx)
            .await?;
    let rows: Vec<WaitingRow> = waiting_tickets(&mut tx, office.office_id, day)
        .await?
        .into_iter()
        .filter(|r| match r.assigned_counter_id {
            Some(c) => c == counter_id,
            None => served.contains(&r.procedure_code),
        })
        .collect();
    let cands: Vec<domain::Candidate> = rows.iter().map(|r| r.candidate(now)).collect();
    let cfg = queue_config(&mut tx, office.office_id).await?;
    let Some(pick) = domain::pick_next(&cands, since.max(0) as u32, cfg.priority_every.max(0) as u32) else {
        tx.commit().await?;
        return Ok(None);
    };
    let t = &rows[pick.index];
    mark_called(&mut tx, t.ticket_id, counter_id, op, now).await?;
    // Only ordinary calls count towards the priority rule; transfers do not move it.
    if cands[pick.index].class != domain::QueueClass::Transferred {
        sqlx::query!(
            r#"update queue_state set ordinary_since_priority = case when $3 then 0 else ordinary_since_priority + 1 end
               where office_id = $1 and service_day = $2"#,
            office.office_id,
            day,
            pick.as_priority
        )
        .execute(&mut *tx)
        .await?;
    }
    event(&mut tx, t.ticket_id, "called", Some(counter_id), op, json!({})).await?;
    events::notify(&mut tx, &notify_call(&office, "called", &t.prefix, t.number, &counter)).await?;
    audit_op(&mut tx, op, meta, &office, "ticket_called", t.ticket_id, json!({ "counter": counter.number })).await?;
    tx.commit().await?;
    let mut conn = db.acquire().await?;
    current_ticket(&mut conn, counter_id).await
}

pub(super) async fn mark_called(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    counter_id: Uuid,
    op: Operator<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update ticket set status = 'called', called_at = coalesce(called_at, $2), last_called_at = $2,
                  call_count = call_count + 1, counter_id = $3, officer_id = $4,
                  called_counter_id = coalesce(called_counter_id, $3), called_officer_id = coalesce(called_officer_id, $4),
                  assigned_counter_id = null, requeued_at = null
           where ticket_id = $1"#,
        ticket_id,
        now,
        counter_id,
        op.officer()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An installed queue system reports that it called a given ticket to one of its counters.
/// Errors: NotFound, Forbidden, Conflict(ticket_state).
pub async fn device_called(
    db: &PgPool,
    device: Uuid,
    meta: &RequestMeta,
    ticket_id: Uuid,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let op = Operator::Device(device);
    let mut tx = db.begin().await?;
    let (counter, office) = counter_for(&mut tx, op, counter_id).await?;
    let t =
        sqlx::query!("select status, prefix, number, office_id from ticket where ticket_id = $1 for update", ticket_id)
            .fetch_optional(&mut *tx)
            .await?
            .filter(|t| t.office_id == office.office_id)
            .ok_or(AppError::NotFound)?;
    if t.status != "waiting" {
        return Err(AppError::from(QueueConflict::TicketState));
    }
    mark_called(&mut tx, ticket_id, counter_id, op, now).await?;
    event(&mut tx, ticket_id, "called", Some(counter_id), op, json!({})).await?;
    events::notify(&mut tx, &notify_call(&office, "called", &t.prefix, t.number, &counter)).await?;
    audit_op(&mut tx, op, meta, &office, "ticket_called", ticket_id, json!({ "counter": counter.number })).await?;
    tx.commit().await?;
    Ok(())
}

/// The counter of an office by its number.
pub async fn counter_by_number(db: &PgPool, office_id: Uuid, number: i16) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("select counter_id from counter where office_id = $1 and number = $2", office_id, number)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The ticket's current counter (for device events on it).
pub async fn ticket_counter(db: &PgPool, ticket_id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!("select counter_id from ticket where ticket_id = $1", ticket_id)
        .fetch_optional(db)
        .await?
        .flatten())
}

/// Closes the current service leg, adding its time to the ticket.
pub(super) async fn finish_leg(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    now: DateTime<Utc>,
    status: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update ticket set status = $3, finished_at = $2,
                  service_started_at = coalesce(service_started_at, case when $3 = 'done' then coalesce(last_called_at, $2) end),
                  service_seconds = service_seconds
                      + coalesce(extract(epoch from ($2 - coalesce(leg_started_at, case when $3 = 'done' then last_called_at end)))::int, 0),
                  leg_started_at = null
           where ticket_id = $1"#,
        ticket_id,
        now,
        status
    )
    .execute(&mut *conn)
    .await?;
    if status == "done" {
        crate::evaluation::api::open_for_ticket(conn, ticket_id, now).await?;
    }
    Ok(())
}

pub async fn current_ticket(
    conn: &mut PgConnection,
    counter_id: Uuid,
) -> Result<Option<crate::queue::CurrentTicket>, AppError> {
    Ok(sqlx::query!(
        r#"select t.ticket_id, t.prefix, t.number, t.status, t.procedure_code, p.name, t.priority,
                  t.booking_id is not null as "booked!", t.call_count, t.dossier_code
           from ticket t join procedure p using (procedure_code)
           where t.counter_id = $1 and t.status in ('called', 'serving')
           order by t.last_called_at desc limit 1"#,
        counter_id
    )
    .fetch_optional(conn)
    .await?
    .map(|r| crate::queue::CurrentTicket {
        ticket_id: r.ticket_id,
        label: domain::ticket_label(&r.prefix, r.number),
        status: TicketStatus::parse(&r.status).unwrap_or(TicketStatus::Called),
        procedure_code: r.procedure_code,
        procedure_name: r.name,
        priority: r.priority.as_deref().and_then(Priority::parse),
        booked: r.booked,
        call_count: r.call_count,
        dossier_code: r.dossier_code,
    }))
}

/// What an officer does with the ticket at their counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketAction {
    Recall,
    Start,
    /// Finish, optionally attaching the dossier code of the case received.
    Finish {
        dossier_code: Option<String>,
    },
    NoShow,
    TransferToCounter(Uuid),
    TransferToProcedure(String),
}

impl TicketAction {
    pub(super) fn name(&self) -> &'static str {
        match self {
            TicketAction::Recall => "recalled",
            TicketAction::Start => "started",
            TicketAction::Finish { .. } => "finished",
            TicketAction::NoShow => "no_show",
            TicketAction::TransferToCounter(_) | TicketAction::TransferToProcedure(_) => "transferred",
        }
    }
}

/// Applies an action to the ticket currently at `counter_id`.
/// Errors: Forbidden, NotFound (no such ticket at this counter), Conflict(ticket_state |
/// procedure_not_offered | counter_other_office).
#[tracing::instrument(skip_all, fields(counter_id = %counter_id, action = action.name()))]
pub async fn act(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    counter_id: Uuid,
    ticket_id: Uuid,
    action: TicketAction,
    now: DateTime<Utc>,
) -> Result<Option<crate::queue::CurrentTicket>, AppError> {
    let mut tx = db.begin().await?;
    let (counter, office) = counter_for(&mut tx, op, counter_id).await?;
    let t = sqlx::query!(
        "select status, prefix, number from ticket where ticket_id = $1 and counter_id = $2 for update",
        ticket_id,
        counter_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let state_err = || AppError::from(QueueConflict::TicketState);
    let mut detail = json!({ "counter": counter.number });
    match &action {
        TicketAction::Recall => {
            if t.status != "called" {
                return Err(state_err());
            }
            sqlx::query!(
                "update ticket set last_called_at = $2, call_count = call_count + 1 where ticket_id = $1",
                ticket_id,
                now
            )
            .execute(&mut *tx)
            .await?;
            events::notify(&mut tx, &notify_call(&office, "called", &t.prefix, t.number, &counter)).await?;
        }
        TicketAction::Start => {
            if t.status != "called" {
                return Err(state_err());
            }
            sqlx::query!(
                r#"update ticket set status = 'serving', service_started_at = coalesce(service_started_at, $2),
                          leg_started_at = $2, officer_id = coalesce($3, officer_id) where ticket_id = $1"#,
                ticket_id,
                now,
                op.officer()
            )
            .execute(&mut *tx)
            .await?;
        }
        TicketAction::Finish { dossier_code } => {
            if !matches!(t.status.as_str(), "called" | "serving") {
                return Err(state_err());
            }
            finish_leg(&mut tx, ticket_id, now, "done").await?;
            if let Some(code) = dossier_code {
                sqlx::query!("update ticket set dossier_code = $2 where ticket_id = $1", ticket_id, code)
                    .execute(&mut *tx)
                    .await?;
                detail["dossier_code"] = json!(code);
            }
        }
        TicketAction::NoShow => {
            if t.status != "called" {
                return Err(state_err());
            }
            finish_leg(&mut tx, ticket_id, now, "no_show").await?;
        }
        TicketAction::TransferToCounter(to) => {
            let target = counter_row(&mut tx, *to).await?;
            if target.office_id != office.office_id || target.counter_id == counter_id {
                return Err(AppError::from(QueueConflict::CounterOtherOffice));
            }
            transfer(&mut tx, ticket_id, now, Some(target.counter_id), None).await?;
            detail["to_counter"] = json!(target.number);
        }
        TicketAction::TransferToProcedure(code) => {
            let offered = sqlx::query_scalar!(
                "select exists(select 1 from office_procedure where office_id = $1 and procedure_code = $2)",
                office.office_id,
                code
            )
            .fetch_one(&mut *tx)
            .await?;
            if offered != Some(true) {
                return Err(AppError::from(QueueConflict::ProcedureNotOffered));
            }
            transfer(&mut tx, ticket_id, now, None, Some(code)).await?;
            detail["to_procedure"] = json!(code);
        }
    }
    event(&mut tx, ticket_id, action.name(), Some(counter_id), op, detail.clone()).await?;
    if !matches!(action, TicketAction::Recall) {
        events::notify(
            &mut tx,
            &QueueEvent {
                office_id: office.office_id,
                kind: action.name().into(),
                ticket: Some(domain::ticket_label(&t.prefix, t.number)),
                counter: Some(counter.number),
            },
        )
        .await?;
    }
    audit_op(&mut tx, op, meta, &office, &format!("ticket_{}", action.name()), ticket_id, detail).await?;
    tx.commit().await?;
    let mut conn = db.acquire().await?;
    current_ticket(&mut conn, counter_id).await
}

pub(super) async fn transfer(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    now: DateTime<Utc>,
    to_counter: Option<Uuid>,
    to_procedure: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update ticket set status = 'waiting', requeued_at = $2, assigned_counter_id = $3,
                  procedure_code = coalesce($4, procedure_code),
                  service_seconds = service_seconds + coalesce(extract(epoch from ($2 - leg_started_at))::int, 0),
                  leg_started_at = null
           where ticket_id = $1"#,
        ticket_id,
        now,
        to_counter,
        to_procedure
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Offices and counters the user may work at.
pub async fn my_counters(db: &PgPool, user: &AuthUser) -> Result<Vec<crate::queue::OfficeCounters>, AppError> {
    let mut conn = db.acquire().await?;
    let offices =
        sqlx::query_scalar!("select office_id from office order by name collate vi").fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for id in offices {
        let office = office_row(&mut conn, id).await?;
        let access = crate::kernel::office::access_at(user, &office);
        if access == domain::OfficeAccess::None {
            continue;
        }
        let counters = sqlx::query_as!(
            crate::queue::CounterRef,
            "select counter_id, number, name from counter where office_id = $1 order by number",
            id
        )
        .fetch_all(&mut *conn)
        .await?;
        out.push(crate::queue::OfficeCounters { office: choice(&office), access, counters });
    }
    Ok(out)
}

pub async fn console(
    db: &PgPool,
    user: &AuthUser,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<crate::queue::ConsoleView, AppError> {
    let mut conn = db.acquire().await?;
    let (counter, office) = counter_for(&mut conn, Operator::Staff(user), counter_id).await?;
    let current = current_ticket(&mut conn, counter_id).await?;
    let waiting_here = sqlx::query_scalar!(
        r#"select count(*) as "n!" from ticket t where t.office_id = $1 and t.service_day = $2 and t.status = 'waiting'
             and (t.assigned_counter_id = $3 or (t.assigned_counter_id is null and t.procedure_code in
                  (select procedure_code from counter_procedure where counter_id = $3)))"#,
        office.office_id,
        vn_today(now),
        counter_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let other_counters = sqlx::query_as!(
        crate::queue::CounterRef,
        "select counter_id, number, name from counter where office_id = $1 and counter_id <> $2 order by number",
        office.office_id,
        counter_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let procedures = crate::queue::setup::offered(&mut conn, office.office_id).await?;
    Ok(crate::queue::ConsoleView {
        office_id: office.office_id,
        office_name: office.name,
        counter: crate::queue::CounterRef { counter_id, number: counter.number, name: counter.name },
        current,
        waiting_here,
        my_figures: officer_figures(&mut conn, user.user_id, now).await?,
        other_counters,
        procedures,
    })
}
