use crate::{i18n::use_locale, kernel::error::AppError};
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
    #[cfg(feature = "ssr")]
    if error == AppError::Forbidden {
        audit_page_refusal();
    }
    let locale = use_locale();
    let forbidden = matches!(error, AppError::Forbidden);
    view! {
        <section class="panel error-panel" role="alert" data-forbidden=forbidden.then_some("true")>
            <h2>{move || locale.get().msgs().error_title}</h2>
            <p>{move || locale.get().msgs().app_error(&error)}</p>
        </section>
    }
}

/// A page refused while rendering on the server goes to the audit log like a refused call does
/// (the edge records those): its data was read in-process, so no 403 crossed the edge.
#[cfg(feature = "ssr")]
fn audit_page_refusal() {
    let (Ok(st), Some(parts), Some(once)) =
        (crate::state::state(), use_context::<http::request::Parts>(), use_context::<PageRefusal>())
    else {
        return;
    };
    // A panel may render more than once while its page resolves: one entry a request.
    if once.0.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let meta = crate::state::request_meta(&st.settings);
    tokio::spawn(async move {
        let (path, query) = (parts.uri.path(), parts.uri.query());
        if let Err(e) = crate::audit::api::record_refusal(&st.db, &meta, parts.method.as_str(), path, query).await {
            tracing::error!(error = %e, "page refusal not audited");
        }
    });
}

/// Whether this request's page refusal is recorded already (the shell provides one per request).
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct PageRefusal(std::sync::Arc<std::sync::atomic::AtomicBool>);

/// Sets the status of the page being rendered on the server (a refused or unknown page answers
/// 4xx, not 200). It takes effect where the page's data loads with a blocking resource (this
/// then runs before the head is sent); in streamed pages the head has gone already.
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
