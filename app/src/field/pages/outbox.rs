//! The outbox tab: every item waiting, sent, answered or refused, with what can be done next.

use super::sync::{Tab, use_field};
use crate::i18n::texts;
use crate::{
    civil::i18n::CMsgs,
    field::{
        dto::Outcome,
        i18n::FMsgs,
        offline::{self, OutState, Outgoing, Payload},
    },
    i18n::{format_datetime, use_locale},
};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

/// What waits to be sent, and what the server answered.
#[component]
pub(super) fn OutboxTab() -> impl IntoView {
    let f = use_field();
    let m = texts::<CMsgs>();
    let fm = texts::<FMsgs>();
    let locale = use_locale();
    let edit = move |item: Outgoing| {
        // Refused: back to a draft to correct; sent again later under a new key.
        let Some(mut d) = item.draft.clone() else { return };
        d.id = Uuid::new_v4();
        spawn_local(async move {
            if f.stored(offline::save_draft(&d).await) {
                let _ = offline::delete_out(&Outgoing { photos: Vec::new(), ..item.clone() }).await;
                f.outbox.update(|l| l.retain(|x| x.seq != item.seq));
                f.drafts.update(|l| l.insert(0, d.clone()));
                f.editing.set(Some(d.id));
                f.tab.set(Tab::Capture);
            }
        });
    };
    // Failed for a reason that may have passed (a photo refused, a forbidden state fixed at the
    // office): sent again under the same key.
    let retry = move |mut item: Outgoing| {
        item.state = OutState::Waiting { reason: None };
        spawn_local(async move {
            if f.stored(offline::save_out(&item).await) {
                f.show_out(&item);
                f.sync();
            }
        });
    };
    let remove = move |item: Outgoing| {
        #[cfg(feature = "hydrate")]
        if !web_sys::window().and_then(|w| w.confirm_with_message(fm().discard_confirm).ok()).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if f.stored(offline::delete_out(&item).await) {
                f.outbox.update(|l| l.retain(|x| x.seq != item.seq));
            }
        });
    };
    let clear_sent = move |_| {
        let sent: Vec<Outgoing> = f.outbox.with(|l| {
            l.iter()
                .filter(|x| matches!(&x.state, OutState::Answered(r) if r.outcome == Outcome::Accepted))
                .cloned()
                .collect()
        });
        spawn_local(async move {
            for o in &sent {
                let _ = offline::delete_out(o).await;
            }
            f.outbox.update(|l| l.retain(|x| !sent.iter().any(|s| s.seq == x.seq)));
            f.usage.set(offline::usage().await);
        });
    };
    view! {
        <Show when=move || f.loaded.get() && f.outbox.with(Vec::is_empty)>
            <p class="notice">{move || fm().outbox_empty}</p>
        </Show>
        <ol class="cards outbox" data-testid="outbox">
            <For each=move || f.outbox.get() key=|o| (o.seq.clone(), format!("{:?}{}", o.state, o.photos_sent)) let:o>
                {
                    let what = match &o.payload {
                        Payload::Capture { kind, .. } => m().kind(*kind).to_owned(),
                        Payload::Handover { .. } => fm().handover.to_owned(),
                    };
                    let photos = format!("{}/{}", o.photos_sent, o.photos.len());
                    let state = match &o.state {
                        OutState::Waiting { reason } => view! {
                            <p class="badge warn" data-state="waiting">{fm().state_waiting}
                                {reason.clone().map(|r| format!(" · {}", fm().reason(&r)))}</p>
                        }.into_any(),
                        OutState::Failed { reason } => {
                            let (again, gone) = (o.clone(), o.clone());
                            view! {
                                <p class="badge danger" data-state="failed">{fm().state_failed} " · " {fm().reason(reason)}</p>
                                <p class="row">
                                    <button type="button" class="button small" on:click=move |_| retry(again.clone())>{fm().retry}</button>
                                    <button type="button" class="button small danger" on:click=move |_| remove(gone.clone())>{fm().remove}</button>
                                </p>
                            }.into_any()
                        }
                        OutState::Answered(r) => match r.outcome {
                            Outcome::Accepted => view! {
                                <p class="badge ok" data-state="accepted">{fm().state_accepted} " "
                                    <strong data-testid="dossier-code">{r.dossier_code.clone()}</strong></p>
                            }.into_any(),
                            Outcome::Conflict => view! {
                                <div class="notice warn" data-state="conflict">
                                    <p><strong>{fm().state_conflict}</strong> " " {r.dossier_code.clone()}</p>
                                    <p>{match (&r.conflict_with, &r.reason) {
                                        (Some(other), _) => (fm().conflict_with)(other),
                                        (None, Some(reason)) => fm().reason(reason).to_owned(),
                                        (None, None) => r.errors.as_ref().and_then(|e| e.0.first().map(|(_, e)| locale.get_untracked().msgs().field_error(*e))).unwrap_or_default(),
                                    }}</p>
                                </div>
                            }.into_any(),
                            Outcome::Refused => {
                                let item = o.clone();
                                let errs: Vec<String> = r.errors.as_ref().map(|e| e.0.iter().map(|(k, e)| format!("{}: {}", m().label(k), locale.get_untracked().msgs().field_error(*e))).collect()).unwrap_or_default();
                                let reason = r.reason.clone().map(|x| fm().reason(&x).to_owned());
                                view! {
                                    <div class="notice error" data-state="refused">
                                        <p><strong>{fm().state_refused}</strong></p>
                                        <ul>{errs.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                                        {reason.map(|r| view! { <p>{r}</p> })}
                                        {item.draft.is_some().then(|| view! {
                                            <button type="button" class="button" on:click=move |_| edit(item.clone())>{fm().edit_again}</button>
                                        })}
                                    </div>
                                }.into_any()
                            }
                        },
                    };
                    let data_kind = if matches!(o.payload, Payload::Handover { .. }) { "handover" } else { "capture" };
                    view! {
                        <li class="card" data-key=o.key.to_string() data-kind=data_kind>
                            <p><strong>{what}</strong> " · " {o.label.clone()}</p>
                            <p class="muted small">{format_datetime(o.captured_at)} " · " {fm().photos} " " {photos}</p>
                            {state}
                        </li>
                    }
                }
            </For>
        </ol>
        <p><button type="button" class="button small" on:click=clear_sent>{move || fm().clear_sent}</button></p>
    }
}
