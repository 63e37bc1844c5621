//! Errors of the plain HTTP API: JSON bodies for 4xx, an opaque id for 5xx.

use app::kernel::error::AppError;
use axum::{
    Json,
    response::{IntoResponse, Response},
};
use serde::Serialize;

#[derive(Debug)]
pub struct HttpError(pub AppError);

/// The error body of every `/api/v1` endpoint.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code: `not_found`, `validation`, `unauthorized`, `forbidden`, `conflict`, `throttled`, `too_large`, `bad_request`, `internal`.
    pub error: String,
    /// For `internal`: the id to quote to support; the details are only in the server log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For `conflict`: which rule refused, e.g. `procedure_not_offered`, `ticket_state`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `validation`: each refused field with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
    /// For `throttled`: seconds to wait (also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
}

/// One refused field of a request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field as the request named it, e.g. `mother_id`, `born_at`.
    pub field: String,
    /// Why: `required`, `too_long:<max>`, `too_short:<min>`, `invalid`, `bad_characters` (control
    /// characters, invalid UTF-8), `markup`, `id_format`, `id_province`, `id_future_year`,
    /// `date_out_of_range` (not a date or outside 1900–2100), `date_in_future`, `parent_age`
    /// (the child's birth does not fit the mother's age), or a civil-registration rule such as
    /// `birth_in_future`, `person_unknown`.
    pub code: String,
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
        let status = super::edge::status_of(&self.0);
        let (code, id) = match &self.0 {
            AppError::Validation(_) => ("validation", None),
            AppError::BadCredentials | AppError::Unauthorized => ("unauthorized", None),
            AppError::Throttled(_) => ("throttled", None),
            AppError::NotFound => ("not_found", None),
            AppError::Forbidden => ("forbidden", None),
            AppError::Conflict(_) => ("conflict", None),
            AppError::TooLarge => ("too_large", None),
            AppError::Internal(id) => ("internal", Some(id.to_string())),
            AppError::Transport(_) => ("bad_request", None),
        };
        let reason = match &self.0 {
            AppError::Conflict(c) => Some(c.key().to_owned()),
            _ => None,
        };
        let fields = match &self.0 {
            AppError::Validation(errs) => {
                errs.0.iter().map(|(f, e)| FieldProblem { field: f.clone(), code: e.code() }).collect()
            }
            _ => Vec::new(),
        };
        let retry_after = match &self.0 {
            AppError::Throttled(s) => Some(*s),
            _ => None,
        };
        let mut resp =
            (status, Json(ErrorBody { error: code.into(), id, reason, fields, retry_after })).into_response();
        if let Some(s) = retry_after {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        resp
    }
}
