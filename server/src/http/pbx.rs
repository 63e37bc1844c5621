//! Call events from the hotline's telephone exchanges. Each exchange posts to its own address
//! with a signed body (see `app::hotline::pbx`); an unknown exchange, a bad signature and a
//! stale timestamp are all 401, so the address tells a stranger nothing.

use super::error::{ErrorBody, HttpError};
use app::{
    hotline::{pbx, service as hotline},
    kernel::error::AppError,
    state::AppState,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderMap, StatusCode},
    routing::{post, put},
};
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/pbx/{exchange_id}/events", post(events)).route(
        "/api/v1/pbx/{exchange_id}/calls/{call_id}/recording",
        put(recording).layer(DefaultBodyLimit::max(hotline::recordings::MAX_RECORDING_BYTES)),
    )
}

/// The exchange of a signed request (unknown exchange, bad signature, stale timestamp: 401).
async fn signed(
    st: &AppState,
    exchange_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<hotline::Exchange, HttpError> {
    let id = uuid::Uuid::parse_str(exchange_id.trim()).map_err(|_| HttpError(AppError::Unauthorized))?;
    let ex = hotline::exchange(&st.db, id).await?.ok_or(HttpError(AppError::Unauthorized))?;
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    pbx::verify(&ex.secret, header("x-pbx-timestamp"), header("x-pbx-signature"), body, chrono::Utc::now())?;
    Ok(ex)
}

/// Uploads a call's recording (our generic format; exchanges that only give a URL have it
/// fetched instead). The body is the audio (`audio/wav`, `audio/mpeg` or `audio/ogg`), signed
/// like the events. Sending it again replaces it.
#[utoipa::path(put, path = "/api/v1/pbx/{exchange_id}/calls/{call_id}/recording", tag = "hotline",
    params(("exchange_id" = String, Path), ("call_id" = String, Path, description = "The exchange's own call id")),
    request_body(content = Vec<u8>, content_type = "audio/wav"),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn recording(
    State(st): State<AppState>,
    Path((exchange_id, call_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, HttpError> {
    let ex = signed(&st, &exchange_id, &headers, &body).await?;
    let content_type = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let kind = hotline::recordings::audio_kind(content_type, "").ok_or(HttpError(AppError::invalid("content_type")))?;
    hotline::recordings::upload(&st.db, st.files.as_ref(), &ex, &call_id, kind, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the webhook changed.
#[derive(Serialize, ToSchema)]
pub struct Accepted {
    /// Events recorded now.
    accepted: usize,
    /// Events reported before (a retry): nothing changed for them.
    duplicates: usize,
}

/// Reports call events. The body is one event or a batch (`{"events": [...]}`, at most 100)
/// in the exchange's own format, chosen when it was registered: `generic` (ours:
/// `{"call_id", "event", "at", "direction", "from", "to", "extension", "queue", "cause",
/// "recording_url", "digits"}`, `event` one of ringing, answered, transferred, ended, recording,
/// ivr, survey), `stringee` (its `event_url` call events) or `omicall` (its call-state and
/// end-of-call webhooks). Signed: `X-Pbx-Timestamp` (unix seconds, within 5 minutes of ours)
/// and `X-Pbx-Signature: sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>" with the key>`.
/// Sending an event again changes nothing; events may arrive in any order.
#[utoipa::path(post, path = "/api/v1/pbx/{exchange_id}/events", tag = "hotline",
    params(("exchange_id" = String, Path, description = "The exchange's id, given when it was registered")),
    request_body(content = serde_json::Value, content_type = "application/json"),
    responses((status = 200, body = Accepted), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn events(
    State(st): State<AppState>,
    Path(exchange_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Accepted>, HttpError> {
    let ex = signed(&st, &exchange_id, &headers, &body).await?;
    let events = ex.vendor.events(&body)?;
    let done = hotline::record(&st.db, &ex, &events).await?;
    Ok(Json(Accepted { accepted: done.accepted, duplicates: done.duplicates }))
}
