use crate::{error::AppError, i18n::use_locale};
use leptos::prelude::*;

/// A non-field error (bad credentials, throttled, forbidden, internal with its id), announced
/// to screen readers. Field errors are shown by `Field` instead.
#[component]
pub fn Problem(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    let text = move || {
        error.get().filter(|e| !matches!(e, AppError::Validation(_))).map(|e| locale.get().msgs().app_error(&e))
    };
    view! {
        <div class="problem" role="alert" hidden=move || text().is_none()>
            {text}
        </div>
    }
}

/// A whole-page error from a failed read.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    // A page whose path names something malformed names nothing: not found, like an unknown one.
    page_status(if matches!(error, AppError::Validation(_)) { 404 } else { error.status() });
    let locale = use_locale();
    let forbidden = matches!(error, AppError::Forbidden);
    view! {
        <section class="panel error-panel" role="alert" data-forbidden=forbidden.then_some("true")>
            <h2>{move || locale.get().msgs().error_title}</h2>
            <p>{move || locale.get().msgs().app_error(&error)}</p>
        </section>
    }
}

/// Sets the status of the page being rendered on the server (a refused or unknown page answers
/// 4xx, not 200). Data pages render with `SsrMode::Async`, so this runs before the head is sent.
pub fn page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(status)
    {
        resp.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
