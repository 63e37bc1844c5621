//! Pages of booking and the queue.

pub mod board;
pub mod booking;
pub mod desk;
pub mod manage;

mod live;

use crate::i18n::use_locale;
use chrono::{DateTime, Utc};
use leptos::prelude::AnyView;
use leptos::prelude::*;

/// Local time in Vietnam, `08:30`.
pub fn hhmm(at: DateTime<Utc>) -> String {
    at.with_timezone(&crate::i18n::vn_offset()).format("%H:%M").to_string()
}

/// `Thứ Hai, 07/12/2026` / `Monday, 07/12/2026`.
pub fn day_label(day: chrono::NaiveDate) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = use_locale();
    move || {
        use chrono::Datelike;
        let q = locale.get().msgs().queue;
        format!("{}, {}", q.weekdays[day.weekday().num_days_from_monday() as usize], day.format("%d/%m/%Y"))
    }
}

/// Asks the service worker to keep this page's HTML for offline use (a page opened by
/// client-side navigation was never fetched as a document).
pub fn keep_page_offline() {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(w) = web_sys::window() else { return };
        let (Ok(path), Ok(search)) = (w.location().pathname(), w.location().search()) else { return };
        let url = format!("{path}{search}");
        let Ok(ready) = w.navigator().service_worker().ready() else { return };
        // `ready` resolves once a worker is active, even on the very first visit.
        leptos::task::spawn_local(async move {
            let Ok(reg) = wasm_bindgen_futures::JsFuture::from(ready).await else { return };
            let reg: web_sys::ServiceWorkerRegistration = wasm_bindgen::JsCast::unchecked_into(reg);
            if let Some(sw) = reg.active() {
                let msg = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&msg, &"type".into(), &"keep-page".into());
                let _ = js_sys::Reflect::set(&msg, &"url".into(), &url.into());
                let _ = sw.post_message(&msg);
            }
        });
    });
}

/// The citizen's page for a path: booking, my bookings, one booking, the live ticket.
pub fn citizen_page(path: &str) -> AnyView {
    if path.starts_with("/rate/") {
        view! { <crate::evaluation::pages::RatePage /> }.into_any()
    } else if path.starts_with("/bookings/") {
        view! { <booking::BookingPage /> }.into_any()
    } else if path.starts_with("/bookings") {
        view! { <booking::BookingsPage /> }.into_any()
    } else if path.starts_with("/ticket/") {
        view! { <board::TicketPage /> }.into_any()
    } else {
        view! { <booking::BookPage /> }.into_any()
    }
}

/// The office's page for a path: kiosk, counter, board, figures, set-up, or the offices hub.
/// The evaluation pages (rankings, results, cases, counter rating) ride in the office's chunk.
pub fn staff_page(path: &str) -> AnyView {
    if let Some(page) = crate::evaluation::pages::page(path) {
        page
    } else if path.starts_with("/kiosk/") {
        view! { <desk::KioskPage /> }.into_any()
    } else if path.starts_with("/counter/") {
        view! { <desk::CounterPage /> }.into_any()
    } else if path.starts_with("/board/") {
        view! { <board::BoardPage /> }.into_any()
    } else if path.starts_with("/manage/") {
        view! { <manage::StatsPage /> }.into_any()
    } else if path.starts_with("/admin/office/") {
        view! { <manage::SetupPage /> }.into_any()
    } else {
        view! { <desk::OfficesPage /> }.into_any()
    }
}
