//! Hospitals and health facilities: their software sends births through `/api/v1/births` with a
//! key per facility (idempotent, a notified dossier in the mother's commune and a home visit for
//! its collectors); the facility follows what it sent; the province administrator issues keys.

pub mod dto;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;
