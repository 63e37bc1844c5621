//! The office's live events in the browser: one message per queue change.

use crate::ui::live::use_event_source;
use leptos::prelude::*;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Clone, Deserialize)]
pub struct LiveEvent {
    pub kind: String,
    pub ticket: Option<String>,
    pub counter: Option<i16>,
}

/// Calls `on_event` for every event of the office while the component lives; `resync` on each
/// (re)connection.
pub fn use_office_events(office: Memo<Option<Uuid>>, on_event: impl Fn(LiveEvent) + 'static) {
    let url = Memo::new(move |_| office.get().map(|o| format!("/api/v1/offices/{o}/events")));
    use_event_source(url, move |data| match data {
        None => on_event(LiveEvent { kind: "resync".into(), ticket: None, counter: None }),
        Some(s) => {
            if let Ok(ev) = serde_json::from_str::<LiveEvent>(&s) {
                on_event(ev);
            }
        }
    });
}
