//! Every page's address, declared once. Each line of the table below is both a `<Route>` and,
//! for pages in a lazy group, the dispatch inside the group's chunk: the group tests the same
//! `path!` against the location (the router's own matcher, no hand-parsed URLs).
//!
//! Pages a citizen's first visit does not need are split into wasm chunks (`cargo leptos build
//! --split`) and fetched when first opened, keeping the first page small. One lazy route type
//! costs the first page several kilobytes of routing code, so related pages share a group.
//!
//! Every page streams in order: complete HTML without JavaScript (slow phones, wasm not yet
//! loaded), Suspense boundaries awaited in place.

use crate::{
    audit, civil, evaluation, field, home, hospital, hotline, identity, letters, notify, queue, reference, ui,
};
use leptos::prelude::*;
use leptos_router::{
    Lazy, LazyRoute, PossibleRouteMatch, SsrMode,
    components::{Route, Routes},
    lazy_route, path,
};

/// Whether `pattern` (a `path!`) matches all of `location`.
fn matches(pattern: impl PossibleRouteMatch, location: &str) -> bool {
    pattern.test(location).is_some_and(|m| matches!(m.remaining(), "" | "/"))
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

macro_rules! app_routes {
    (
        eager { $( $epath:tt => $epage:expr ),* $(,)? }
        $( group $group:ident { $( $gpath:tt => $gview:expr ),* $(,)? } )*
    ) => {
        $(
            #[derive(Clone, Copy)]
            pub struct $group;

            #[lazy_route]
            impl LazyRoute for $group {
                fn data() -> Self {
                    lazy_pending();
                    $group
                }

                fn view(this: Self) -> AnyView {
                    let _ = this;
                    lazy_hydrated();
                    let location = leptos_router::hooks::use_location().pathname.get_untracked();
                    $( if matches(path!($gpath), &location) { return $gview.into_any(); } )*
                    view! { <ui::not_found::NotFound /> }.into_any()
                }
            }
        )*

        /// The app's routes.
        #[component]
        pub fn AppRoutes() -> impl IntoView {
            view! {
                <Routes fallback=ui::not_found::NotFound>
                    $( <Route path=path!($epath) view=$epage ssr=SsrMode::InOrder /> )*
                    $( $( <Route path=path!($gpath) view={Lazy::<$group>::new()} ssr=SsrMode::InOrder /> )* )*
                </Routes>
            }
        }
    };
}

app_routes! {
    eager {
        "" => home::HomePage,
        "/login" => identity::pages::StaffLoginPage,
        "/login/citizen" => identity::pages::CitizenLoginPage,
    }
    group ProceduresRoute { "/procedures" => view! { <reference::pages::ProceduresPage /> } }
    group CommuneRoute { "/commune/:code" => view! { <reference::pages::CommunePage /> } }
    group CalendarRoute { "/admin/calendar" => view! { <reference::pages::CalendarPage /> } }
    group AuditRoute { "/admin/audit" => view! { <audit::pages::AuditPage /> } }
    group DevInboxRoute { "/dev/inbox" => view! { <notify::pages::DevInboxPage /> } }
    group FaqRoute { "/faq" => view! { <hotline::pages::FaqPage /> } }
    // The hotline: the agent's console, the knowledge base, figures and administration.
    group HotlineRoute {
        "/hotline" => view! { <hotline::pages::ConsolePage /> },
        "/hotline/kb" => view! { <hotline::pages::KnowledgePage /> },
        "/hotline/figures" => view! { <hotline::pages::FiguresPage /> },
        "/admin/hotline" => view! { <hotline::pages::HotlineAdminPage /> },
    }
    // The citizen's queue pages, and rating a service.
    group CitizenQueueRoute {
        "/book" => view! { <queue::pages::booking::BookPage /> },
        "/bookings" => view! { <queue::pages::booking::BookingsPage /> },
        "/bookings/:code" => view! { <queue::pages::booking::BookingPage /> },
        "/ticket/:token" => view! { <queue::pages::board::TicketPage /> },
        "/rate/:token" => view! { <evaluation::pages::RatePage /> },
    }
    // The office's pages: kiosk, counter, board, figures, set-up; and the evaluation's.
    group StaffQueueRoute {
        "/offices" => view! { <queue::pages::desk::OfficesPage /> },
        "/kiosk/:office" => view! { <queue::pages::desk::KioskPage /> },
        "/counter/:counter" => view! { <queue::pages::desk::CounterPage /> },
        "/counter/:counter/rate" => view! { <evaluation::pages::CounterRatePage /> },
        "/board/:office" => view! { <queue::pages::board::BoardPage /> },
        "/manage/:office" => view! { <queue::pages::manage::StatsPage /> },
        "/admin/office/:office" => view! { <queue::pages::manage::SetupPage /> },
        "/evaluation" => view! { <evaluation::pages::RankingPage public=false /> },
        "/evaluation/office/:office" => view! { <evaluation::pages::OfficeEvaluationsPage /> },
        "/transparency" => view! { <evaluation::pages::RankingPage public=true /> },
        "/my/results" => view! { <evaluation::pages::MyResultsPage /> },
        "/admin/evaluation" => view! { <evaluation::pages::CriteriaAdminPage /> },
        "/cases" => view! { <evaluation::pages::CasesPage /> },
        "/cases/:id" => view! { <evaluation::pages::CasePage /> },
    }
    // Civil registration, letters, the field app and the facilities' pages.
    group CivilRoute {
        "/civil" => view! { <civil::pages::WorkQueuePage /> },
        "/civil/new" => view! { <civil::pages::NewDossierPage /> },
        "/civil/d/:code" => view! { <civil::pages::DossierPage /> },
        "/civil/d/:code/receipt" => view! { <civil::pages::DocumentPage document="receipt" /> },
        "/civil/d/:code/certificate" => view! { <civil::pages::DocumentPage document="certificate" /> },
        "/civil/d/:code/notice/supplement" => view! { <civil::pages::DocumentPage document="supplement" /> },
        "/civil/d/:code/notice/refusal" => view! { <civil::pages::DocumentPage document="refusal" /> },
        "/verify/:token" => view! { <civil::pages::VerifyPage /> },
        "/track" => view! { <civil::pages::TrackPage /> },
        "/letters" => view! { <letters::pages::LettersPage /> },
        "/admin/letters" => view! {
            <letters::pages::TemplatesPage><civil::pages::UndeliveredDaysForm /></letters::pages::TemplatesPage>
        },
        "/field" => view! { <field::pages::FieldApp /> },
        "/visit" => view! { <field::pages::VisitRequestPage /> },
        "/facility" => view! { <hospital::pages::FacilityPage /> },
        "/admin/facilities" => view! { <hospital::pages::FacilityKeysPage /> },
    }
}
