//! Server-side state shared by every request: the pool, settings and adapters.
//! leptos_axum provides `AppState` as context to server functions and SSR.

use crate::{error::AppError, notify::service::Notifier};
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::{net::IpAddr, sync::Arc};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: PgPool,
    pub settings: Arc<Settings>,
    pub notifier: Arc<dyn Notifier>,
    pub queue: crate::queue::events::QueueHub,
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
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
    pub session_hours: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self { cookie_secure: false, dev_inbox: false, trust_proxy: false, session_hours: 12 }
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        let id = uuid::Uuid::now_v7();
        tracing::error!(error.id = %id, "BUG: AppState missing from context");
        AppError::Internal(id)
    })
}

/// Who is asking and from where: recorded with every login and audit event.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub cookie_header: Option<String>,
}

/// Reads the request behind the current server function or SSR render.
pub fn request_meta(settings: &Settings) -> RequestMeta {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return RequestMeta::default();
    };
    let header =
        |name: http::header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let forwarded = settings
        .trust_proxy
        .then(|| header(http::header::HeaderName::from_static("x-forwarded-for")))
        .flatten()
        .and_then(|v| v.split(',').next().and_then(|ip| ip.trim().parse().ok()));
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    RequestMeta {
        ip: forwarded.or(peer),
        user_agent: header(http::header::USER_AGENT).map(|ua| ua.chars().take(300).collect()),
        cookie_header: header(http::header::COOKIE),
    }
}

/// This site's origin as the request reached it (`https://host` behind TLS): for QR codes that a
/// phone camera opens.
pub fn request_origin() -> String {
    use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_owned))
        .map(|host| {
            let https = state().map(|s| s.settings.cookie_secure).unwrap_or(false);
            format!("{}://{host}", if https { "https" } else { "http" })
        })
        .unwrap_or_default()
}
