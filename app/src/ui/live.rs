//! Live updates in the browser: an EventSource on a server-sent event stream (fed on the server
//! by LISTEN/NOTIFY, so every instance's changes arrive).

use leptos::prelude::*;

/// Calls `on_data` with every message's data while the component lives, and with `None` on each
/// (re)open, when the page should reload what it shows (browsers reconnect an EventSource by
/// themselves, and messages may have been missed meanwhile). Reconnects when `url` changes;
/// nothing while it is `None`. Subscribe from an effect of the page, not inside its Suspense
/// (whose owner is disposed on every reload of the data).
pub fn use_event_source(url: Memo<Option<String>>, on_data: impl Fn(Option<String>) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{JsCast, closure::Closure};
        let on_data = std::rc::Rc::new(on_data);
        Effect::new(move |_| {
            let Some(url) = url.get() else { return };
            let Ok(source) = web_sys::EventSource::new(&url) else { return };
            let on_msg = {
                let on_data = on_data.clone();
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    if let Some(s) = e.data().as_string() {
                        on_data(Some(s));
                    }
                })
            };
            let on_open = {
                let on_data = on_data.clone();
                Closure::<dyn Fn()>::new(move || {
                    // Lets end-to-end tests wait until the stream is connected.
                    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
                    {
                        let _ = root.set_attribute("data-live", "open");
                    }
                    on_data(None)
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
        let _ = (url, on_data);
    }
}
