//! Pages of booking and the queue.

pub mod board;
pub mod booking;
pub mod desk;
pub mod manage;

mod live;

use crate::i18n::use_locale;
use crate::queue::i18n::QMsgs;
use leptos::prelude::*;

/// `Thứ Hai, 07/12/2026` / `Monday, 07/12/2026`.
pub fn day_label(day: chrono::NaiveDate) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = use_locale();
    move || {
        use chrono::Datelike;
        let q = locale.get().texts::<QMsgs>();
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
