//! The hotline's own routes beside its server functions: the agent console's event stream, a
//! call's recording (audited), and the call log as CSV.

use super::{cookie_user, error::HttpError, live_events};
use app::{
    hotline::{CALL_CHANNEL, CallPop, service},
    kernel::error::AppError,
    state::AppState,
};
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/hotline/events", get(console_events))
        .route("/api/hotline/calls/{call_id}/recording", get(recording))
        .route("/api/hotline/calls.csv", get(calls_csv))
}

/// The calls ringing, taken and ended on the signed-in agent's extension, from whichever
/// instance received the exchange's webhook: `{"call_id", "kind", "extension"}` per message,
/// `{"kind":"resync"}` when some may have been missed.
async fn console_events(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, HttpError> {
    let user = cookie_user(&st, &headers).await?;
    if user.role != app::identity::Role::HotlineAgent {
        return Err(HttpError(AppError::Forbidden));
    }
    let extension = service::console::extension_of(&st.db, user.user_id).await?.ok_or(HttpError(AppError::NotFound))?;
    Ok(live_events(&st, CALL_CHANNEL, move |payload| {
        serde_json::from_str::<CallPop>(payload).is_ok_and(|pop| pop.extension.as_deref() == Some(extension.as_str()))
    }))
}

/// A call's recording for the hotline's agents and supervisors; every playback is audited and
/// nothing is kept in the browser's cache.
async fn recording(
    State(st): State<AppState>,
    Path(call_id): Path<Uuid>,
    parts: axum::http::request::Parts,
) -> Result<Response, HttpError> {
    let user = cookie_user(&st, &parts.headers).await?;
    let meta = app::kernel::request::RequestMeta::of(&parts.headers, &parts.extensions, st.settings.proxy_hops);
    let (content_type, audio) = service::recordings::play(&st.db, st.files.as_ref(), &user, &meta, call_id).await?;
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], audio).into_response())
}

#[derive(Deserialize)]
struct Period {
    from: Option<String>,
    to: Option<String>,
}

async fn calls_csv(
    State(st): State<AppState>,
    Query(p): Query<Period>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let user = cookie_user(&st, &headers).await?;
    let (from, to) =
        app::hotline::server::parse_period(p.from.as_deref().unwrap_or(""), p.to.as_deref().unwrap_or(""))?;
    let csv = service::figures::calls_csv(&st.db, &user, from, to).await?;
    let name = format!("attachment; filename=\"tong-dai-{from}-{to}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        // A BOM, so spreadsheet programs read the Vietnamese names as UTF-8.
        format!("\u{feff}{csv}"),
    )
        .into_response())
}
