//! Errors of the plain HTTP API: JSON bodies for 4xx, an opaque id for 5xx.

use app::error::AppError;
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

#[derive(Debug)]
pub struct HttpError(pub AppError);

/// The error body of every `/api/v1` endpoint.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code: `not_found`, `validation`, `unauthorized`, `forbidden`, `conflict`, `throttled`, `internal`.
    pub error: String,
    /// For `internal`: the id to quote to support; the details are only in the server log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For `conflict`: which rule refused, e.g. `procedure_not_offered`, `ticket_state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<sqlx::Error> for HttpError {
    fn from(e: sqlx::Error) -> Self {
        Self(AppError::from(e))
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code, id) = match &self.0 {
            AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation", None),
            AppError::BadCredentials | AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", None),
            AppError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, "throttled", None),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", None),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict", None),
            AppError::Internal(id) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", Some(id.to_string())),
            AppError::Transport(_) => (StatusCode::BAD_REQUEST, "bad_request", None),
        };
        let reason = match &self.0 {
            AppError::Conflict(key) => Some(key.clone()),
            _ => None,
        };
        (status, Json(ErrorBody { error: code.into(), id, reason })).into_response()
    }
}
