//! The one error type that crosses the wire (`AppError`) and the field errors of forms.
//!
//! The server never sends prose or internal details: variants carry i18n keys and, for
//! unexpected failures, only an id that is also in the server log.

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
    Rule(crate::civil::domain::Refusal),
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
    /// A business rule refused the change; the string is an i18n key.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Something unexpected; the id is logged on the server with the full cause.
    #[error("internal error {0}")]
    Internal(uuid::Uuid),
    /// Transport or decoding failure between browser and server.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
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
    fn app_error_round_trips_through_json() {
        let e = AppError::Throttled(42);
        let s = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&s).unwrap(), e);
    }
}
