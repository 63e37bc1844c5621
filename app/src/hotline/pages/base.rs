//! What the hotline's pages share: times, durations and outcome badges.

use crate::hotline::{Outcome, i18n::HMsgs};
use crate::i18n::texts;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// `14:05 02/12` in Vietnam.
pub(super) fn call_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&crate::kernel::time::vn_offset()).format("%H:%M %d/%m").to_string()
}

/// `1:05` (minutes and seconds), or a dash.
pub(super) fn seconds(s: Option<i64>) -> String {
    s.map(|s| format!("{}:{:02}", s / 60, s % 60)).unwrap_or_else(|| "–".into())
}

pub(super) fn outcome_badge(o: Outcome) -> impl IntoView {
    let m = texts::<HMsgs>();
    let class = match o {
        Outcome::Answered => "badge ok",
        Outcome::Live => "badge",
        _ => "badge late",
    };
    view! { <span class=class data-outcome=o.as_str()>{move || m().outcome(o)}</span> }
}
