//! The hotline's own routes beside its server functions: the agent console's event stream, a
//! call's recording (audited), and the call log as CSV.

use super::error::HttpError;
use app::{
    hotline::{CALL_CHANNEL, CallPop, service},
    identity::AuthUser,
    kernel::{error::AppError, live::LiveHub},
    state::AppState,
};
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, header},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
    routing::get,
};
use serde::Deserialize;
use std::{convert::Infallible, time::Duration};
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/hotline/events", get(console_events))
        .route("/api/hotline/calls/{call_id}/recording", get(recording))
        .route("/api/hotline/calls.csv", get(calls_csv))
}

async fn user(st: &AppState, headers: &HeaderMap) -> Result<AuthUser, HttpError> {
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    app::identity::authz::user_from_cookies(&st.db, cookies).await?.ok_or(HttpError(AppError::Unauthorized))
}

/// The calls ringing, taken and ended on the signed-in agent's extension, from whichever
/// instance received the exchange's webhook: `{"call_id", "kind", "extension"}` per message,
/// `{"kind":"resync"}` when some may have been missed.
async fn console_events(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, HttpError> {
    let user = user(&st, &headers).await?;
    if user.role != app::identity::Role::HotlineAgent {
        return Err(HttpError(AppError::Forbidden));
    }
    let extension = service::console::extension_of(&st.db, user.user_id).await?.ok_or(HttpError(AppError::NotFound))?;
    let rx = st.live.subscribe();
    let stream = futures_util::stream::unfold(rx, move |mut rx| {
        let extension = extension.clone();
        async move {
            let next = LiveHub::next(&mut rx, CALL_CHANNEL, |payload| {
                let pop: CallPop = serde_json::from_str(payload).ok()?;
                (pop.extension.as_deref() == Some(extension.as_str())).then(|| payload.to_owned())
            })
            .await?;
            let data = next.unwrap_or_else(|()| r#"{"kind":"resync"}"#.to_owned());
            Some((Ok::<_, Infallible>(Event::default().data(data)), rx))
        }
    });
    let mut resp = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    resp.headers_mut().insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    Ok(resp)
}

/// A call's recording for the hotline's agents and supervisors; every playback is audited and
/// nothing is kept in the browser's cache.
async fn recording(
    State(st): State<AppState>,
    Path(call_id): Path<Uuid>,
    parts: axum::http::request::Parts,
) -> Result<Response, HttpError> {
    let user = user(&st, &parts.headers).await?;
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
    let user = user(&st, &headers).await?;
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
