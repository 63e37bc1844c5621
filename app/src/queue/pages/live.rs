//! Live updates in the browser: an EventSource on the office's event stream. The server
//! sends one message per queue change (from any instance, via LISTEN/NOTIFY).

use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct LiveEvent {
    pub kind: String,
    pub ticket: Option<String>,
    pub counter: Option<i16>,
}

/// Calls `on_event` for every event of the office while the component lives, (re)connecting
/// when the office becomes known or changes. Browsers reconnect an EventSource by themselves;
/// each (re)open is reported as `resync`. Subscribed from an effect of the page, not inside its
/// Suspense (whose owner is disposed on every reload of the data).
pub fn use_office_events(office: Memo<Option<Uuid>>, on_event: impl Fn(LiveEvent) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{JsCast, closure::Closure};
        let on_event = std::rc::Rc::new(on_event);
        Effect::new(move |_| {
            let Some(office_id) = office.get() else { return };
            let Ok(source) = web_sys::EventSource::new(&format!("/api/v1/offices/{office_id}/events")) else {
                return;
            };
            let on_msg = {
                let on_event = on_event.clone();
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    if let Some(ev) = e.data().as_string().and_then(|s| serde_json::from_str::<LiveEvent>(&s).ok()) {
                        on_event(ev);
                    }
                })
            };
            let on_open = {
                let on_event = on_event.clone();
                Closure::<dyn Fn()>::new(move || {
                    // Lets end-to-end tests wait until the stream is connected.
                    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
                    {
                        let _ = root.set_attribute("data-live", "open");
                    }
                    on_event(LiveEvent { kind: "resync".into(), ticket: None, counter: None })
                })
            };
            source.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
            source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            // The closures must outlive the EventSource; all are dropped when the effect re-runs or ends.
            let keep = send_wrapper::SendWrapper::new((source, on_msg, on_open));
            on_cleanup(move || keep.0.close());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (office, on_event);
    }
}
