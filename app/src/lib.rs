//! phucvu: the Leptos app shared by the server (SSR) and the browser (hydration).

#![recursion_limit = "256"]

pub mod audit;
pub mod civil;
pub mod evaluation;
pub mod field;
pub mod home;
pub mod hospital;
pub mod hotline;
pub mod i18n;
pub mod identity;
pub mod kernel;
pub mod letters;
pub mod notify;
pub mod queue;
pub mod reference;
pub mod routes;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod files;
#[cfg(feature = "ssr")]
pub mod state;

use crate::i18n::{Locale, t};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::Router;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    let nonce = leptos::nonce::use_nonce();
    #[cfg(feature = "ssr")]
    provide_context(ui::problem::PageRefusal::default());
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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = RwSignal::new(request_locale());
    provide_context(locale);

    identity::session::provide_session();
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
                <routes::AppRoutes />
            </ui::layout::Layout>
        </Router>
    }
}
