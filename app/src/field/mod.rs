//! The Women's Union collectors' field work: the phone app that works offline for days
//! (visits, captures with photos, handovers with a signature, the outbox that sends each item
//! exactly once), the families' visit requests, and the server side that receives them and
//! turns them into civil-registration dossiers through `civil::api`.

pub mod dto;
pub mod i18n;
pub mod offline;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;
