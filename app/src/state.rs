//! Server-side state shared by every request: the pool, settings and adapters.
//! leptos_axum provides `AppState` as context to server functions and SSR.

pub use crate::kernel::request::{RequestMeta, client_ip};
use crate::{kernel::error::AppError, notify::api::Notifier};
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: PgPool,
    pub settings: Arc<Settings>,
    pub notifier: Arc<dyn Notifier>,
    /// LISTEN/NOTIFY fan-out to this instance's event streams.
    pub live: crate::kernel::live::LiveHub,
    /// The national population database (the synthetic local one here).
    pub registry: Arc<dyn crate::civil::registry::PopulationRegistry>,
    /// Uploaded files (local folder or S3-compatible store).
    pub files: crate::files::Files,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Send cookies with `Secure` (behind HTTPS in production).
    pub cookie_secure: bool,
    /// Show the local adapter's messages at /dev/inbox (development and demo only).
    pub dev_inbox: bool,
    /// Reverse proxies in front of the server that append to `X-Forwarded-For` (0: none, the
    /// peer address is the client). The client is the entry the outermost trusted proxy appended;
    /// anything to its left was written by the client and is ignored.
    pub proxy_hops: usize,
    pub session_hours: i64,
    /// This site's public origin (`https://dichvucong.example.vn`): receipt and QR links are built
    /// from it, never from the request's `Host` header.
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            dev_inbox: false,
            proxy_hops: 0,
            session_hours: 12,
            public_url: "http://127.0.0.1:3000".into(),
        }
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        let id = uuid::Uuid::now_v7();
        tracing::error!(error.id = %id, "BUG: AppState missing from context");
        AppError::Internal(id)
    })
}

/// Reads the request behind the current server function or SSR render.
pub fn request_meta(settings: &Settings) -> RequestMeta {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return RequestMeta::default();
    };
    RequestMeta::of(&parts.headers, &parts.extensions, settings.proxy_hops)
}

/// The request behind the current server function, when there is one (service calls from tests
/// and jobs have none: an empty `RequestMeta`).
pub fn current_meta() -> RequestMeta {
    state().map(|st| request_meta(&st.settings)).unwrap_or_default()
}

/// This site's public origin (`PHUCVU_PUBLIC_URL`): for QR codes that a phone camera opens and
/// links in receipts and SMS. Never the request's `Host` header, which the client chooses. Outside
/// a request (jobs, service tests) the variable itself, else the local default.
pub fn public_url() -> String {
    use_context::<AppState>()
        .map(|s| s.settings.public_url.clone())
        .or_else(|| std::env::var("PHUCVU_PUBLIC_URL").ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| Settings::default().public_url)
        .trim_end_matches('/')
        .to_owned()
}
