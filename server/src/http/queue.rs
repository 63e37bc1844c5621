//! The office event stream (server-sent events, fed by LISTEN/NOTIFY so every instance sees
//! every change) and the API of installed queue systems ("Hệ thống lấy số thứ tự"),
//! authenticated with per-device API keys.

use super::error::{ErrorBody, HttpError};
use app::{
    kernel::error::AppError,
    queue::{Priority, service, setup},
    state::AppState,
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/offices/{office_id}/events", get(office_events))
        .route("/api/v1/queue/tickets", post(create_ticket))
        .route("/api/v1/queue/tickets/{ticket_id}", get(ticket_status))
        .route("/api/v1/queue/tickets/{ticket_id}/events", post(ticket_event))
        .route("/api/v1/queue/counters/{number}/call-next", post(call_next))
}

/// One message per change at the office: `{"office_id", "kind", "ticket", "counter"}`.
/// Public: carries ticket numbers only. Clients reload what they show on each message.
async fn office_events(State(st): State<AppState>, Path(office_id): Path<Uuid>) -> Response {
    super::live_events(&st, app::queue::events::CHANNEL, move |payload| {
        serde_json::from_str::<app::queue::events::QueueEvent>(payload).is_ok_and(|ev| ev.office_id == office_id)
    })
}

/// The device behind the `Authorization: Bearer <key>` header.
async fn device(st: &AppState, headers: &HeaderMap) -> Result<(Uuid, Uuid), HttpError> {
    let key = super::bearer_key(headers)?;
    setup::device_by_key(&st.db, key).await?.ok_or(HttpError(AppError::Unauthorized))
}

fn meta(headers: &HeaderMap) -> app::kernel::request::RequestMeta {
    app::kernel::request::RequestMeta {
        ip: None,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
        cookie_header: None,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewTicket {
    /// Procedure code of the catalogue, e.g. `1.001193`; the office's service group gives the prefix.
    procedure_code: String,
    /// `elderly`, `disabled`, `pregnant` or `small_child`.
    #[serde(default)]
    priority: Option<String>,
    /// A booking code scanned by the machine: checks the booking in instead of a walk-in ticket.
    #[serde(default)]
    booking_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Ticket {
    ticket_id: Uuid,
    /// As printed and announced, e.g. `A-023`.
    number: String,
    /// `waiting`, `called`, `serving`, `done`, `no_show`.
    status: String,
    counter: Option<i16>,
    people_ahead: i64,
    estimated_wait_minutes: i64,
    issued_at: DateTime<Utc>,
    /// Path of the citizen's live page for this ticket (print it as a QR code).
    follow_path: String,
}

async fn ticket_json(st: &AppState, token: &str) -> Result<Ticket, HttpError> {
    let t = service::ticket_view(&st.db, token, Utc::now()).await?;
    let ticket_id =
        sqlx::query_scalar!("select ticket_id from ticket where public_token = $1", token).fetch_one(&st.db).await?;
    Ok(Ticket {
        ticket_id,
        number: t.label,
        status: t.status.as_str().into(),
        counter: t.counter_number,
        people_ahead: t.ahead,
        estimated_wait_minutes: t.estimated_wait_minutes,
        issued_at: t.issued_at,
        follow_path: format!("/ticket/{}", t.token),
    })
}

/// Issues a ticket at the device's office (walk-in, or check-in of a booking).
#[utoipa::path(post, path = "/api/v1/queue/tickets", tag = "queue", request_body = NewTicket,
    security(("device_key" = [])),
    responses((status = 201, body = Ticket), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create_ticket(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<NewTicket>,
) -> Result<(StatusCode, Json<Ticket>), HttpError> {
    let (device_id, office_id) = device(&st, &headers).await?;
    let priority = match body.priority.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => {
            Some(Priority::parse(p).ok_or(AppError::validation("priority", app::kernel::error::FieldError::Invalid))?)
        }
    };
    let op = service::Operator::Device(device_id);
    let issued = match body.booking_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            let code = app::queue::BookingCode::parse(code).map_err(|e| AppError::validation("booking_code", e))?;
            service::check_in(&st.db, op, &meta(&headers), office_id, &code, priority, Utc::now()).await?
        }
        None => {
            service::walk_in(&st.db, op, &meta(&headers), office_id, body.procedure_code.trim(), priority, Utc::now())
                .await?
        }
    };
    Ok((StatusCode::CREATED, Json(ticket_json(&st, &issued.ticket.token).await?)))
}

/// A ticket of the device's office.
#[utoipa::path(get, path = "/api/v1/queue/tickets/{ticket_id}", tag = "queue", security(("device_key" = [])),
    params(("ticket_id" = Uuid, Path)),
    responses((status = 200, body = Ticket), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn ticket_status(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(ticket_id): Path<Uuid>,
) -> Result<Json<Ticket>, HttpError> {
    let (_, office_id) = device(&st, &headers).await?;
    let token = sqlx::query_scalar!(
        "select public_token from ticket where ticket_id = $1 and office_id = $2",
        ticket_id,
        office_id
    )
    .fetch_optional(&st.db)
    .await?
    .ok_or(HttpError(AppError::NotFound))?;
    Ok(Json(ticket_json(&st, &token).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TicketEvent {
    /// `called`, `started`, `finished` or `no_show`.
    kind: String,
    /// The counter number at the office (required for `called`; the ticket's counter otherwise).
    #[serde(default)]
    counter: Option<i16>,
    /// For `finished`: the dossier code of the case received, if any.
    #[serde(default)]
    dossier_code: Option<String>,
}

/// Reports what the installed system did with a ticket: it called it to a counter, service
/// started, finished, or the citizen did not come. The TV boards and phones update at once.
#[utoipa::path(post, path = "/api/v1/queue/tickets/{ticket_id}/events", tag = "queue", request_body = TicketEvent,
    security(("device_key" = [])), params(("ticket_id" = Uuid, Path)),
    responses((status = 200, body = Ticket), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn ticket_event(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(ticket_id): Path<Uuid>,
    Json(body): Json<TicketEvent>,
) -> Result<Json<Ticket>, HttpError> {
    let (device_id, office_id) = device(&st, &headers).await?;
    let now = Utc::now();
    let counter = match body.counter {
        Some(n) => Some(service::counter_by_number(&st.db, office_id, n).await?),
        None => None,
    };
    let meta = meta(&headers);
    if body.kind == "called" {
        let counter = counter.ok_or(AppError::validation("counter", app::kernel::error::FieldError::Required))?;
        service::device_called(&st.db, device_id, &meta, ticket_id, counter, now).await?;
    } else {
        let action = match body.kind.as_str() {
            "started" => service::TicketAction::Start,
            "finished" => service::TicketAction::Finish {
                dossier_code: body
                    .dossier_code
                    .map(|c| c.trim().chars().take(40).collect())
                    .filter(|c: &String| !c.is_empty()),
            },
            "no_show" => service::TicketAction::NoShow,
            _ => return Err(AppError::validation("kind", app::kernel::error::FieldError::Invalid).into()),
        };
        let counter = match counter {
            Some(c) => c,
            None => service::ticket_counter(&st.db, ticket_id)
                .await?
                .ok_or(AppError::from(app::kernel::conflict::QueueConflict::TicketState))?,
        };
        service::act(&st.db, service::Operator::Device(device_id), &meta, counter, ticket_id, action, now).await?;
    }
    let token = sqlx::query_scalar!("select public_token from ticket where ticket_id = $1", ticket_id)
        .fetch_one(&st.db)
        .await?;
    Ok(Json(ticket_json(&st, &token).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Called {
    /// Null when nobody waits for this counter.
    ticket: Option<Ticket>,
}

/// Calls the next ticket to a counter by the office's rule (bookings due first, priority rule),
/// for systems that let phucvu decide the order.
#[utoipa::path(post, path = "/api/v1/queue/counters/{number}/call-next", tag = "queue", security(("device_key" = [])),
    params(("number" = i16, Path, description = "Counter number at the device's office")),
    responses((status = 200, body = Called), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn call_next(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<i16>,
) -> Result<Json<Called>, HttpError> {
    let (device_id, office_id) = device(&st, &headers).await?;
    let counter = service::counter_by_number(&st.db, office_id, number).await?;
    let called =
        service::call_next(&st.db, service::Operator::Device(device_id), &meta(&headers), counter, Utc::now()).await?;
    let ticket = match called {
        Some(c) => {
            let token = sqlx::query_scalar!("select public_token from ticket where ticket_id = $1", c.ticket_id)
                .fetch_one(&st.db)
                .await?;
            Some(ticket_json(&st, &token).await?)
        }
        None => None,
    };
    Ok(Json(Called { ticket }))
}
