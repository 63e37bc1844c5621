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
