//! Plain axum routes beside the Leptos ones: language switch, health, integration API.

pub mod api;
pub mod edge;
pub mod error;
pub mod evaluation;
pub mod field;
pub mod hospital;
pub mod hotline;
pub mod pbx;
pub mod queue;

/// The API key of an integration (queue device, facility system): `Authorization: Bearer <key>`.
pub(crate) fn bearer_key(headers: &axum::http::HeaderMap) -> Result<&str, error::HttpError> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .ok_or(error::HttpError(app::kernel::error::AppError::Unauthorized))
}

/// The signed-in user of a plain route, from the session cookie (401 without one).
pub(crate) async fn cookie_user(
    st: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<app::identity::AuthUser, error::HttpError> {
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    app::identity::authz::user_from_cookies(&st.db, cookies)
        .await?
        .ok_or(error::HttpError(app::kernel::error::AppError::Unauthorized))
}

/// A server-sent event stream of this instance's notices on `channel` that `keep` wants, each
/// sent as it came; `{"kind":"resync"}` when some may have been missed (a slow client, a
/// reconnected listener), so the client reloads. Kept alive, never buffered by proxies.
pub(crate) fn live_events(
    st: &AppState,
    channel: &'static str,
    keep: impl Fn(&str) -> bool + Send + Sync + 'static,
) -> Response {
    use app::kernel::live::LiveHub;
    use axum::response::sse::{Event, KeepAlive, Sse};
    let keep = std::sync::Arc::new(keep);
    let events = futures_util::stream::unfold(st.live.subscribe(), move |mut rx| {
        let keep = keep.clone();
        async move {
            let next = LiveHub::next(&mut rx, channel, |payload| keep(payload).then(|| payload.to_owned())).await?;
            let data = next.unwrap_or_else(|()| r#"{"kind":"resync"}"#.to_owned());
            Some((Ok::<_, std::convert::Infallible>(Event::default().data(data)), rx))
        }
    });
    let mut resp =
        Sse::new(events).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15))).into_response();
    // Proxies (nginx) must not buffer the stream.
    resp.headers_mut().insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}

use app::{i18n::Locale, state::AppState};
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lang/{code}", get(switch_language))
        .route("/healthz", get(healthz))
        .merge(api::routes())
        .merge(queue::routes())
        .merge(evaluation::routes())
        .merge(hospital::routes())
        .merge(field::routes())
        .merge(pbx::routes())
        .merge(hotline::routes())
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only same-site paths (the one rule of `app::ui::safe_next`), else home.
fn safe_next(next: Option<&str>) -> &str {
    app::ui::safe_next(next).unwrap_or("/")
}

/// Sets the `lang` cookie for a year and goes back to the page.
async fn switch_language(Path(code): Path<String>, Query(q): Query<Next>, State(st): State<AppState>) -> Response {
    let Some(locale) = Locale::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let secure = if st.settings.cookie_secure { "; Secure" } else { "" };
    let cookie =
        format!("{}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}", app::i18n::LOCALE_COOKIE, locale.code());
    let mut resp = Redirect::to(safe_next(q.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// Liveness and database reachability, for load balancers.
async fn healthz(State(st): State<AppState>) -> Response {
    match sqlx::query_scalar!("select 1 as \"one!\"").fetch_one(&st.db).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn language_switch_never_redirects_off_site() {
        assert_eq!(safe_next(Some("/procedures?q=a")), "/procedures?q=a");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
