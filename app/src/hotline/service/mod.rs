//! The hotline's services: exchanges and their events, the agents' console, recordings, the
//! knowledge base, hotline cases and the figures.

pub mod cases;
pub mod console;
pub mod events;
pub mod figures;
pub mod kb;
pub mod recordings;

pub use events::*;

use crate::kernel::{
    error::{AppError, FieldError},
    principal::{AuthUser, Role},
};
use sqlx::PgConnection;

/// Agents work the hotline; the province's administrators supervise it.
pub(crate) fn works_hotline(user: &AuthUser) -> Result<(), AppError> {
    match user.role {
        Role::HotlineAgent => Ok(()),
        Role::ProvinceAdmin if user.commune_code.is_none() => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// A procedure code picked on a form: empty is none, an unknown one is the field's error.
pub(crate) async fn optional_procedure(conn: &mut PgConnection, raw: &str) -> Result<Option<String>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        code => sqlx::query_scalar!("select procedure_code from procedure where procedure_code = $1", code)
            .fetch_optional(conn)
            .await?
            .map(Some)
            .ok_or_else(|| AppError::validation("procedure", FieldError::Invalid)),
    }
}

/// A commune code picked on a form: empty is none, an unknown one is the field's error.
pub(crate) async fn optional_commune(conn: &mut PgConnection, raw: &str) -> Result<Option<String>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        code => sqlx::query_scalar!("select commune_code from commune where commune_code = $1", code)
            .fetch_optional(conn)
            .await?
            .map(Some)
            .ok_or_else(|| AppError::validation("commune", FieldError::Invalid)),
    }
}
