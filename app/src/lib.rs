//! phucvu: the Leptos app shared by the server (SSR) and the browser (hydration).

#![recursion_limit = "256"]

pub mod audit;
pub mod civil;
pub mod error;
pub mod evaluation;
pub mod home;
pub mod i18n;
pub mod identity;
pub mod letters;
pub mod notify;
pub mod queue;
pub mod reference;
pub mod text;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod state;

use crate::{
    i18n::{Locale, t},
    identity::{
        SessionUser,
        server::{Login, Logout, VerifyCode, current_user},
    },
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
    lazy_route, path,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    let nonce = leptos::nonce::use_nonce();
    #[cfg(feature = "ssr")]
    {
        content_security_policy(nonce.as_ref());
        provide_context(ui::problem::PageRefusal::default());
    }
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#b3261e" />
                <meta name="description" content=locale.msgs().tagline />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" id="leptos" href="/pkg/phucvu.css" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
                <script src="/register-sw.js" defer nonce=nonce.map(|n| n.to_string())></script>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only with this response's nonce (the hydration
/// scripts carry it) or loaded by them (`'strict-dynamic'`: the lazy wasm chunks), the wasm
/// compiled (`'wasm-unsafe-eval'`), everything else from this origin, never framed.
#[cfg(feature = "ssr")]
fn content_security_policy(nonce: Option<&leptos::nonce::Nonce>) {
    let (Some(nonce), Some(resp)) = (nonce, use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = http::HeaderValue::from_str(&policy) {
        resp.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}

/// The locale the server renders with; the browser reads it back from `<html lang>`.
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| {
                let h = |n: http::header::HeaderName| p.headers.get(n).and_then(|v| v.to_str().ok());
                Locale::resolve(h(http::header::COOKIE), h(http::header::ACCEPT_LANGUAGE))
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document_locale()
    }
}

#[cfg(not(feature = "ssr"))]
fn document_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Locale::parse(&l))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Locale::default()
    }
}

/// Session-wide actions and the signed-in user, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    pub login: ServerAction<Login>,
    pub verify: ServerAction<VerifyCode>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<SessionUser>, error::AppError>>,
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = RwSignal::new(request_locale());
    provide_context(locale);

    let login = ServerAction::<Login>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let logout = ServerAction::<Logout>::new();
    // Refetched whenever someone logs in or out.
    let user = Resource::new(
        move || (login.version().get(), verify.version().get(), logout.version().get()),
        |_| current_user(),
    );
    provide_context(Session { login, verify, logout, user });
    // Effects run only in the browser, after hydration: lets tests and monitoring tell a
    // hydrated page from a server-rendered one.
    // A lazy route's page hydrates later, once its chunk has loaded: it sets the flag itself.
    Effect::new(move |_| {
        if let Some(root) = document().document_element()
            && !root.has_attribute("data-lazy-pending")
        {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title text=t(|m| m.app_name) />
        <Router>
            <ui::layout::Layout>
                // In-order streaming: every page is complete HTML without JavaScript (slow phones,
                // wasm not yet loaded); Suspense boundaries are awaited in place.
                <Routes fallback=ui::not_found::NotFound>
                    <Route path=StaticSegment("") view=home::HomePage ssr=SsrMode::InOrder />
                    <Route path=path!("/login") view=identity::pages::StaffLoginPage ssr=SsrMode::InOrder />
                    <Route path=path!("/login/citizen") view=identity::pages::CitizenLoginPage ssr=SsrMode::InOrder />
                    <Route path=path!("/procedures") view={Lazy::<ProceduresRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/commune/:code") view={Lazy::<CommuneRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/admin/calendar") view={Lazy::<CalendarRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/admin/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/dev/inbox") view={Lazy::<DevInboxRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/book") view={Lazy::<CitizenQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/bookings") view={Lazy::<CitizenQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/bookings/:code") view={Lazy::<CitizenQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/ticket/:token") view={Lazy::<CitizenQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/rate/:token") view={Lazy::<CitizenQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/offices") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/kiosk/:office") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/counter/:counter") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/counter/:counter/rate") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/evaluation") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/evaluation/office/:office") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/transparency") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/my/results") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/admin/evaluation") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/cases") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/cases/:id") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/board/:office") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/manage/:office") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/admin/office/:office") view={Lazy::<StaffQueueRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/civil") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/letters") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/field") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/admin/letters") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    // One route per page: the router rebuilds the view only when the route changes.
                    <Route path=path!("/civil/new") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/civil/d/:code") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/civil/d/:code/receipt") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/civil/d/:code/certificate") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/civil/d/:code/notice/:form") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/verify/:token") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/track") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/visit") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/facility") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=path!("/admin/facilities") view={Lazy::<CivilRoute>::new()} ssr=SsrMode::InOrder />
                </Routes>
            </ui::layout::Layout>
        </Router>
    }
}

/// Pages a citizen's first visit does not need are split into their own wasm chunks
/// (`cargo leptos build --split`) and fetched when first opened, keeping the first page small.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        #[derive(Clone, Copy)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                lazy_pending();
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                lazy_hydrated();
                view! { <$page /> }.into_any()
            }
        }
    };
}

/// Called when a lazy route matches, before its chunk loads: the page is not interactive yet.
fn lazy_pending() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = document().document_element()
        && root.get_attribute("data-hydrated").is_none()
    {
        let _ = root.set_attribute("data-lazy-pending", "true");
    }
}

/// Effects run once the lazy page has hydrated: now its forms and buttons are live.
fn lazy_hydrated() {
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.remove_attribute("data-lazy-pending");
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}

lazy_page!(ProceduresRoute, reference::pages::ProceduresPage);
lazy_page!(CommuneRoute, reference::pages::CommunePage);
lazy_page!(CalendarRoute, reference::pages::CalendarPage);
lazy_page!(AuditRoute, audit::pages::AuditPage);
lazy_page!(DevInboxRoute, notify::pages::DevInboxPage);
/// The queue's pages come in two chunks, the citizen's and the office's: one lazy route per page
/// costs the first page several kilobytes of routing code each.
macro_rules! lazy_group {
    ($route:ident, $pick:path) => {
        #[derive(Clone, Copy)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                lazy_pending();
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                lazy_hydrated();
                $pick(&leptos_router::hooks::use_location().pathname.get_untracked())
            }
        }
    };
}

lazy_group!(CitizenQueueRoute, queue::pages::citizen_page);
lazy_group!(StaffQueueRoute, queue::pages::staff_page);
lazy_group!(CivilRoute, civil::pages::page);
