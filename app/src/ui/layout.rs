use crate::kernel::text::urlencode;
use crate::{
    i18n::{t, use_locale},
    identity::session::use_session,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

/// Page frame: skip link, header with navigation and language switch, main landmark.
/// The language link is a real request (`/lang/en?next=…`) so it works without JavaScript
/// and the server renders the new language at once.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let location = use_location();
    let lang_href = move || {
        let next = format!("{}{}", location.pathname.get(), location.search.get());
        format!("/lang/{}?next={}", locale.get().other().code(), urlencode(&next))
    };
    let logged_in = move || session.user.get().and_then(|r| r.ok()).flatten().is_some();
    view! {
        <a class="skip-link" href="#main">{t(|m| m.skip_to_content)}</a>
        <header class="topbar">
            <A href="/" attr:class="brand">
                <img src="/icons/icon.svg" alt="" width="32" height="32" />
                <span>{t(|m| m.app_name)}</span>
            </A>
            <nav aria-label=t(|m| m.nav_home)>
                <A href="/procedures">{t(|m| m.nav_procedures)}</A>
                <Transition fallback=|| ()>
                    <Show
                        when=logged_in
                        fallback=|| view! { <A href="/login/citizen">{t(|m| m.nav_login)}</A> }
                    >
                        <crate::identity::session::LogoutButton />
                    </Show>
                </Transition>
                <a
                    href=lang_href
                    rel="external"
                    hreflang=move || locale.get().other().code()
                    lang=move || locale.get().other().code()
                >
                    {move || locale.get().msgs().switch_to}
                </a>
            </nav>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
    }
}
