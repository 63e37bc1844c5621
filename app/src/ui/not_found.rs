use crate::i18n::t;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// 404 page; sets the status when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(|m| m.not_found_title) />
        <section class="panel">
            <h1>{t(|m| m.not_found_title)}</h1>
            <p>{t(|m| m.not_found_body)}</p>
            <A href="/" attr:class="button">{t(|m| m.go_home)}</A>
        </section>
    }
}
