//! `/field`: the Women's Union collector's phone app. Once opened online it works with no
//! network: visits and certificates to hand over come with the page (kept by the service
//! worker); captures and handovers are drafts, then outbox items, in IndexedDB; the outbox is
//! sent in order when the network returns, each item under its own idempotency key, photos
//! first, resumable, and every answer (dossier code, conflict, refusal) stays on the phone.

mod capture;
mod handover;
mod outbox;
mod parts;
mod sync;
mod visit_request;
mod visits;

pub use visit_request::VisitRequestPage;

use crate::field::{
    i18n::FMsgs,
    offline::{self},
};
use crate::i18n::texts;
use capture::CaptureTab;
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use outbox::OutboxTab;
use sync::{Field, Tab, use_field};
use visits::VisitsTab;

/// `/field`: visits, capture, outbox.
#[component]
pub fn FieldApp() -> impl IntoView {
    let f = Field::new();
    provide_context(f);
    let fm = texts::<FMsgs>();
    // Browser only: read the phone's store, follow the network, keep the app for offline use.
    let listeners = StoredValue::new(Vec::<WindowListenerHandle>::new());
    Effect::new(move |_| {
        f.online.set(offline::online());
        spawn_local(async move {
            f.reload().await;
            f.sync();
        });
        #[cfg(feature = "hydrate")]
        offline::keep_for_offline("/field");
        let on = window_event_listener(leptos::ev::online, move |_| {
            f.online.set(true);
            f.sync();
        });
        let off = window_event_listener(leptos::ev::offline, move |_| f.online.set(false));
        listeners.set_value(vec![on, off]);
    });
    on_cleanup(move || {
        for l in listeners.try_update_value(std::mem::take).unwrap_or_default() {
            l.remove();
        }
    });
    // Who is signed in (from the page, also when it comes from the offline cache).
    let session = crate::identity::session::use_session().user;
    Effect::new(move |_| {
        if let Some(Ok(Some(u))) = session.get() {
            f.me.set(Some(u.user_id));
        }
    });
    // A try every 30 s while something waits (a network that came back without an event); the
    // timer exists only in the browser.
    let timer = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(
            move || {
                if f.waiting() > 0 {
                    f.sync();
                }
            },
            std::time::Duration::from_secs(30),
        ) {
            timer.set_value(Some(h));
        }
    });
    on_cleanup(move || {
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
    });
    let tab = move |t: Tab, label: Signal<String>| {
        view! {
            <button type="button" class="tab" role="tab" aria-selected=move || (f.tab.get() == t).to_string()
                    on:click=move |_| f.tab.set(t)>{label}</button>
        }
    };
    // The app runs in the browser only: the page kept for offline use is just this shell, so
    // hydrating it never depends on the data it was saved with (lists come from the server, or
    // from the phone's copy when offline).
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Title text=move || fm().title />
        <section class="panel field-app">
            <h1>{move || fm().title}</h1>
            <Show when=move || mounted.get() fallback=move || view! { <p class="notice" data-testid="field-loading">{fm().opening}</p> }>
            <StatusBar />
            <nav class="tabs" role="tablist">
                {tab(Tab::Visits, Signal::derive(move || fm().tab_visits.to_owned()))}
                {tab(Tab::Capture, Signal::derive(move || {
                    let n = f.drafts.with(Vec::len);
                    if n > 0 { format!("{} ({n})", fm().tab_capture) } else { fm().tab_capture.to_owned() }
                }))}
                {tab(Tab::Outbox, Signal::derive(move || format!("{} ({})", fm().tab_outbox, f.waiting())))}
            </nav>
            <div hidden=move || f.tab.get() != Tab::Visits><VisitsTab /></div>
            <div hidden=move || f.tab.get() != Tab::Capture><CaptureTab /></div>
            <div hidden=move || f.tab.get() != Tab::Outbox><OutboxTab /></div>
            </Show>
        </section>
    }
}

/// Network, storage used and promised, what waits to be sent.
#[component]
fn StatusBar() -> impl IntoView {
    let f = use_field();
    let fm = texts::<FMsgs>();
    let mb = |b: f64| format!("{:.1}", b / 1_048_576.0);
    view! {
        <div class="field-status" data-testid="field-status">
            <p>
                <span class=move || if f.online.get() { "badge ok" } else { "badge warn" } data-testid="network">
                    {move || if f.online.get() { fm().online } else { fm().offline }}
                </span>
                " "
                <span data-testid="waiting">{move || (fm().waiting)(f.waiting())}</span>
                " "
                <button type="button" class="button small" disabled=move || f.syncing.get() || !f.online.get()
                        on:click=move |_| f.sync()>
                    {move || if f.syncing.get() { fm().sending } else { fm().send_now }}
                </button>
            </p>
            <p class="muted small" data-testid="storage">
                {move || f.usage.get().map(|u| format!(
                    "{} {} / {} MB · {}", fm().storage_used, mb(u.used), mb(u.quota),
                    if u.persisted { fm().persisted } else { fm().not_persisted }
                ))}
            </p>
            {move || f.storage_error.get().map(|e| view! { <p class="notice error" role="alert">{fm().storage_failed} " " {e}</p> })}
        </div>
    }
}
