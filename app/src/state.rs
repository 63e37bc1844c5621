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
    RequestMeta::of(&parts.headers, &parts.extensions, settings)
}

impl RequestMeta {
    /// From a request's headers and the connection's peer address (in its extensions).
    pub fn of(headers: &http::HeaderMap, extensions: &http::Extensions, settings: &Settings) -> Self {
        let header =
            |name: http::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let peer = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        RequestMeta {
            ip: client_ip(headers, peer, settings.proxy_hops),
            user_agent: header(http::header::USER_AGENT).map(|ua| ua.chars().take(300).collect()),
            cookie_header: header(http::header::COOKIE),
        }
    }
}

/// The request behind the current server function, when there is one (service calls from tests
/// and jobs have none: an empty `RequestMeta`).
pub fn current_meta() -> RequestMeta {
    state().map(|st| request_meta(&st.settings)).unwrap_or_default()
}

/// The client's address: with `hops` trusted proxies, the `hops`-th `X-Forwarded-For` entry from
/// the right (the one the outermost trusted proxy appended); the peer when there are none or the
/// header is shorter than the proxies that must have written it.
pub fn client_ip(headers: &http::HeaderMap, peer: Option<IpAddr>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    // Several headers are one list, in order.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    match entries.len().checked_sub(hops) {
        Some(i) => entries[i].parse().ok().or(peer),
        None => peer,
    }
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

#[cfg(test)]
mod tests {
    use super::client_ip;

    #[test]
    fn the_client_address_is_the_one_the_trusted_proxy_appended() {
        let mut h = http::HeaderMap::new();
        // The client wrote 6.6.6.6 itself; our proxy appended the address it saw.
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let peer = Some("10.0.0.2".parse().unwrap());
        assert_eq!(client_ip(&h, peer, 1), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(client_ip(&h, peer, 0), peer, "no proxy: the header is ignored");
        // Two proxies (CDN, then the load balancer): the CDN's entry is the client's.
        h.insert("x-forwarded-for", "6.6.6.6, 198.51.100.9, 10.0.0.1".parse().unwrap());
        assert_eq!(client_ip(&h, peer, 2), Some("198.51.100.9".parse().unwrap()));
        // A header shorter than the proxy chain was not written by it.
        assert_eq!(client_ip(&h, peer, 5), peer);
        h.insert("x-forwarded-for", "not-an-ip".parse().unwrap());
        assert_eq!(client_ip(&h, peer, 1), peer);
    }
}
