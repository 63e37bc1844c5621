//! The one error type that crosses the wire (`AppError`) and the field errors of forms.
//!
//! The server never sends prose or internal details: variants carry i18n keys and, for
//! unexpected failures, only an id that is also in the server log.

use super::conflict::Refusal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why one form field was refused. The UI turns it into translated text next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldError {
    Required,
    TooLong {
        max: u16,
    },
    TooShort {
        min: u16,
    },
    Invalid,
    /// A rule of civil registration refuses the value (under age, already married, …).
    Rule(Refusal),
    /// A general rule of input refuses it, with the reason shown.
    Because(Reason),
}

/// Why a value was refused, where "invalid" alone would leave the user guessing. Shared by every
/// feature's parsing; the UI translates `key()`, the API sends it as the field's `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// NUL or another control character, or bytes that are not UTF-8.
    BadCharacters,
    /// `<`, `>`, `{`, `}` and the like: markup, not a name.
    Markup,
    /// A personal identity number is 12 digits.
    IdFormat,
    /// Its first three digits are no province's code.
    IdProvince,
    /// The birth year it encodes is in the future.
    IdFutureYear,
    /// Not a calendar date (`2025-02-30`) or outside 1900–2100.
    DateOutOfRange,
    /// A date that cannot be in the future (a birth, a death).
    DateInFuture,
    /// A child born before its mother, or to a mother under 10 or over 70 at the birth.
    ParentAge,
    /// Too much work to render (a letter template's loops).
    TooComplex,
    /// A registry lookup outside the user's commune without a dossier to justify it.
    OutsideCommune,
}

impl Reason {
    pub fn key(self) -> &'static str {
        match self {
            Reason::BadCharacters => "bad_characters",
            Reason::Markup => "markup",
            Reason::IdFormat => "id_format",
            Reason::IdProvince => "id_province",
            Reason::IdFutureYear => "id_future_year",
            Reason::DateOutOfRange => "date_out_of_range",
            Reason::DateInFuture => "date_in_future",
            Reason::ParentAge => "parent_age",
            Reason::TooComplex => "too_complex",
            Reason::OutsideCommune => "outside_commune",
        }
    }
}

impl FieldError {
    /// The machine-readable code of the API's field errors (documented in OpenAPI).
    pub fn code(self) -> String {
        match self {
            FieldError::Required => "required".into(),
            FieldError::TooLong { max } => format!("too_long:{max}"),
            FieldError::TooShort { min } => format!("too_short:{min}"),
            FieldError::Invalid => "invalid".into(),
            FieldError::Rule(r) => r.key().into(),
            FieldError::Because(r) => r.key().into(),
        }
    }
}

/// Field name → error, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, FieldError)>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, e: FieldError) {
        self.0.push((field.to_owned(), e));
    }
    pub fn get(&self, field: &str) -> Option<FieldError> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, e)| *e)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Collects the error of one parse, keeping the value when it succeeded.
    pub fn check<T>(&mut self, field: &str, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.push(field, e)).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("validation failed")]
    Validation(FieldErrors),
    /// Wrong username/password or code; deliberately does not say which.
    #[error("bad credentials")]
    BadCredentials,
    /// Too many attempts; try again after this many seconds.
    #[error("throttled for {0} s")]
    Throttled(u32),
    #[error("not found")]
    NotFound,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A business rule refused the change; each feature's rules are a closed set.
    #[error("conflict: {}", .0.key())]
    Conflict(crate::kernel::conflict::Conflict),
    /// Something unexpected; the id is logged on the server with the full cause.
    #[error("internal error {0}")]
    Internal(uuid::Uuid),
    /// The request body is over the size limit (HTTP 413).
    #[error("request too large")]
    TooLarge,
    /// Transport or decoding failure between browser and server.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    /// `field` is not a value it can take (a malformed id, an unknown choice).
    pub fn invalid(field: &str) -> Self {
        Self::validation(field, FieldError::Invalid)
    }

    pub fn validation(field: &str, e: FieldError) -> Self {
        let mut errs = FieldErrors::default();
        errs.push(field, e);
        Self::Validation(errs)
    }

    pub fn field(&self, name: &str) -> Option<FieldError> {
        match self {
            Self::Validation(errs) => errs.get(name),
            _ => None,
        }
    }

    /// The HTTP status of this error, for server functions and the `/api/v1` API alike: a refusal
    /// is never a 500.
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation(_) => 422,
            Self::BadCredentials | Self::Unauthorized => 401,
            Self::Throttled(_) => 429,
            Self::NotFound => 404,
            Self::Forbidden => 403,
            Self::Conflict(_) => 409,
            Self::TooLarge => 413,
            Self::Internal(_) => 500,
            // Arguments that do not decode (wrong type, missing field, invalid UTF-8).
            Self::Transport(_) => 400,
        }
    }

    /// Logs an unexpected error once, with its cause chain, and returns an opaque id.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, e: &(dyn std::error::Error + 'static)) -> Self {
        let id = uuid::Uuid::now_v7();
        let mut chain = e.to_string();
        let mut src = e.source();
        while let Some(s) = src {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            src = s.source();
        }
        tracing::error!(error.id = %id, error.cause_chain = %chain, "{context}");
        Self::Internal(id)
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        Self::internal("database error", &e)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

// A feature's conflict is an AppError without naming the Conflict wrapper at each refusal.
macro_rules! conflict_error {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(c: $t) -> Self {
                Self::Conflict(c.into())
            }
        }
    )*};
}
conflict_error!(
    super::conflict::QueueConflict,
    super::conflict::EvaluationConflict,
    super::conflict::CivilConflict,
    super::conflict::HotlineConflict,
    Refusal
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_found_by_field_name() {
        let mut errs = FieldErrors::default();
        let v: Option<u8> = errs.check("phone", Err(FieldError::Invalid));
        assert_eq!(v, None);
        assert_eq!(errs.check("name", Ok(3u8)), Some(3));
        assert_eq!(errs.get("phone"), Some(FieldError::Invalid));
        assert_eq!(errs.get("name"), None);
        let e = AppError::Validation(errs);
        assert_eq!(e.field("phone"), Some(FieldError::Invalid));
    }

    #[test]
    fn every_refusal_has_a_4xx_status_and_only_internal_errors_are_500() {
        let refusals = [
            AppError::validation("x", FieldError::Required),
            AppError::BadCredentials,
            AppError::Throttled(3),
            AppError::NotFound,
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::Conflict(crate::kernel::conflict::QueueConflict::TicketState.into()),
            AppError::TooLarge,
            AppError::Transport("bad args".into()),
        ];
        let statuses: Vec<u16> = refusals.iter().map(AppError::status).collect();
        assert_eq!(statuses, [422, 401, 429, 404, 401, 403, 409, 413, 400]);
        assert_eq!(AppError::Internal(uuid::Uuid::nil()).status(), 500);
    }

    #[test]
    fn app_error_round_trips_through_json() {
        let e = AppError::Throttled(42);
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&s).unwrap(), e);
    }
}
