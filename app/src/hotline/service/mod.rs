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
    error::AppError,
    principal::{AuthUser, Role},
};

/// Agents work the hotline; the province's administrators supervise it.
pub(crate) fn works_hotline(user: &AuthUser) -> Result<(), AppError> {
    match user.role {
        Role::HotlineAgent => Ok(()),
        Role::ProvinceAdmin if user.commune_code.is_none() => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}
