//! Photos from collectors' phones: papers photographed at the home and the handover's photo or
//! drawn signature. The phone's outbox sends each one before its form, under the form's
//! idempotency key; sending one again (after a cut connection) changes nothing.

use super::error::HttpError;
use app::state::AppState;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::put,
};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/field/photos/{key}/{n}", put(put_photo).get(get_photo))
        .layer(DefaultBodyLimit::max(app::field::dto::MAX_PHOTO_BYTES + 1024))
}

#[derive(Deserialize)]
struct Purpose {
    purpose: Option<String>,
}

/// `PUT /api/field/photos/{key}/{n}?purpose=paper|handover` with the image as the body.
async fn put_photo(
    State(st): State<AppState>,
    Path((key, n)): Path<(Uuid, i16)>,
    Query(q): Query<Purpose>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, HttpError> {
    let user = super::cookie_user(&st, &headers).await?;
    let purpose = q.purpose.as_deref().unwrap_or("paper");
    app::field::service::store_photo(&st.db, st.files.as_ref(), &user, key, n, purpose, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The photo, for its collector or whoever may read its dossier. Papers and ID cards: never kept
/// in a browser's cache (office computers are shared).
async fn get_photo(
    State(st): State<AppState>,
    Path((key, n)): Path<(Uuid, i16)>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let user = super::cookie_user(&st, &headers).await?;
    let (content_type, bytes) = app::field::service::photo(&st.db, st.files.as_ref(), &user, key, n).await?;
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store".into())], bytes).into_response())
}
