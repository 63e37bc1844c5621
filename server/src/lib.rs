//! The axum server: Leptos routes and server functions, the integration API under `/api/v1`,
//! static files (precompressed), compression, request ids and tracing.

pub mod config;
pub mod embedded_db;
pub mod http;
pub mod jobs;
pub mod pbx_load;
pub mod pbx_sim;
pub mod telemetry;

use app::{
    notify::{api::Notifier, service::LocalNotifier},
    shell,
    state::{AppState, Settings},
};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sqlx::{PgPool, postgres::PgPoolOptions};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(url)
        .await?)
}

pub fn leptos_options(site_root: &str, pkg_dir: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder().output_name("phucvu").site_root(site_root).site_pkg_dir(pkg_dir).site_addr(addr).build()
}

pub fn app_state(db: PgPool, leptos_options: LeptosOptions, settings: Settings, files: app::files::Files) -> AppState {
    let notifier: Arc<dyn Notifier> = Arc::new(LocalNotifier { db: db.clone() });
    // The population registry is another system: its own few connections, so a request holding
    // an app connection in a transaction never waits on the app's pool to ask it.
    let registry_pool =
        sqlx::postgres::PgPoolOptions::new().max_connections(4).connect_lazy_with((*db.connect_options()).clone());
    let registry = Arc::new(app::civil::registry::LocalRegistry { db: registry_pool });
    AppState { leptos_options, db, settings: Arc::new(settings), notifier, live: Default::default(), registry, files }
}

/// The app's routes, listed once a process. Listing renders the app with every resource's
/// first poll suppressed by a process-wide flag (leptos#4773): a page rendering on another
/// thread meanwhile (tests build a router per test, in parallel) had its data wait forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(
            axum::http::HeaderName::from_static(name),
            axum::http::HeaderValue::from_static(value),
        )
    };
    Router::new()
        .merge(http::routes())
        .leptos_routes_with_context(&state, routes, edge_nonce, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(edge_nonce, shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), http::edge::edge))
        .with_state(state)
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "strict-origin-when-cross-origin"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("x-permitted-cross-domain-policies", "none"))
        .layer(header("permissions-policy", "camera=(self), geolocation=(self), microphone=()"))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

/// The page renders with the nonce the edge made (and wrote into the response's policy), in
/// place of the one leptos_axum generates.
fn edge_nonce() {
    if let Some(nonce) =
        use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

/// Serves until `shutdown` resolves. TCP_NODELAY: streamed SSR otherwise waits ~40 ms per
/// response on Nagle + delayed ACK.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
