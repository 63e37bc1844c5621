//! Recording a certificate's handover: recipient, place, a signature drawn with a finger or a
//! photo.

use super::parts::{Photos, error_text};
use super::sync::{Tab, now, use_field};
use crate::i18n::texts;
use crate::{
    civil::i18n::CMsgs,
    field::{
        dto::ToDeliver,
        i18n::FMsgs,
        offline::{self, Draft, OutState, Outgoing, Payload},
    },
    kernel::error::FieldErrors,
    ui::field::FieldFrame,
};
use leptos::{prelude::*, task::spawn_local};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The handover of a certificate and its letter: who received it, where, a photo or a signature
/// drawn on the screen; the time is the phone's. Goes to the outbox like a capture.
#[component]
pub(super) fn HandoverForm(item: ToDeliver) -> impl IntoView {
    let f = use_field();
    let m = texts::<CMsgs>();
    let fm = texts::<FMsgs>();
    let recipient = RwSignal::new(String::new());
    let relation = RwSignal::new(String::new());
    let place = RwSignal::new("home".to_owned());
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(None::<FieldErrors>);
    // The photo, kept in a throwaway draft so the photo control works the same way.
    let holder = RwSignal::new(Draft {
        id: Uuid::new_v4(),
        kind: item.kind,
        task: None,
        family: item.subject_name.clone(),
        fields: BTreeMap::new(),
        consent: true,
        photos: Vec::new(),
        started_at: now(),
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let signed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let code = item.code.clone();
    let err = move |key: &'static str| error_text(errors, key);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errs = FieldErrors::default();
        if busy.get_untracked() {
            return;
        }
        let who = recipient.get_untracked().trim().to_owned();
        if who.chars().count() < 2 {
            errs.push("recipient", crate::kernel::error::FieldError::TooShort { min: 2 });
        }
        if !errs.is_empty() {
            errors.set(Some(errs));
            return;
        }
        errors.set(None);
        let code = code.clone();
        let at = now();
        spawn_local(async move {
            #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
            let mut photos = holder.get_untracked().photos;
            #[cfg(feature = "hydrate")]
            if signed.get_untracked()
                && let Some(c) = canvas.get_untracked()
                && let Ok(blob) = offline::canvas_blob(&c, "image/png", 1.0).await
            {
                let key = Uuid::new_v4().to_string();
                if f.stored(offline::save_blob(&key, &blob).await) {
                    photos.insert(0, key);
                }
            }
            let id = Uuid::new_v4();
            let out = Outgoing {
                seq: offline::new_seq(at, id),
                key: id,
                user: f.me.get_untracked(),
                payload: Payload::Handover {
                    code: code.clone(),
                    recipient: who,
                    relation: relation.get_untracked(),
                    place: place.get_untracked(),
                    place_note: note.get_untracked(),
                },
                label: code,
                photos,
                photos_sent: 0,
                captured_at: at,
                state: OutState::Waiting { reason: None },
                tries: 0,
                draft: None,
            };
            if f.stored(offline::save_out(&out).await) {
                f.outbox.update(|l| l.push(out));
                f.delivering.set(None);
                f.tab.set(Tab::Outbox);
                f.sync();
            }
        });
    };
    view! {
        <form class="stack handover" data-testid="handover-form" novalidate on:submit=save>
            <h2>{move || fm().record_handover} " · " {item.code.clone()}</h2>
            <p>{move || m().kind(item.kind)} " · " {item.subject_name.clone()}</p>
            <FieldFrame id="h-recipient".into() label=move || fm().recipient error=err("recipient")>
                <input id="h-recipient" type="text" required on:input=move |ev| recipient.set(event_target_value(&ev))
                       aria-describedby="h-recipient-err" />
            </FieldFrame>
            <FieldFrame id="h-relation".into() label=move || fm().relation error=err("relation")>
                <input id="h-relation" type="text" on:input=move |ev| relation.set(event_target_value(&ev))
                       aria-describedby="h-relation-err" />
            </FieldFrame>
            <FieldFrame id="h-place".into() label=move || fm().place error=err("place")>
                <select id="h-place" on:change=move |ev| place.set(event_target_value(&ev)) aria-describedby="h-place-err">
                    {crate::field::dto::PLACES.into_iter().map(|p| view! { <option value=p selected=p == "home">{move || fm().place_name(p)}</option> }).collect_view()}
                </select>
                <input type="text" aria-label=move || fm().place_note on:input=move |ev| note.set(event_target_value(&ev)) placeholder=move || fm().place_note />
            </FieldFrame>
            <fieldset class="signature">
                <legend>{move || fm().signature}</legend>
                <SignaturePad canvas signed />
            </fieldset>
            <Photos draft=holder busy purpose_label=Signal::derive(move || fm().photo_handover.to_owned()) transient=true />
            <p class="row">
                <button type="submit" class="button primary" data-testid="save-handover" disabled=move || busy.get()>{move || fm().save_handover}</button>
                <button type="button" class="button" on:click=move |_| f.delivering.set(None)>{move || fm().cancel}</button>
            </p>
        </form>
    }
}

/// A signature drawn with a finger.
#[component]
fn SignaturePad(canvas: NodeRef<leptos::html::Canvas>, signed: RwSignal<bool>) -> impl IntoView {
    let fm = texts::<FMsgs>();
    let drawing = RwSignal::new(false);
    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some((ctx, x, y)) = pad::point(canvas, &ev) {
            ctx.set_line_width(3.0);
            ctx.set_line_cap("round");
            ctx.begin_path();
            ctx.move_to(x, y);
            drawing.set(true);
        }
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        let _ = &ev;
        #[cfg(feature = "hydrate")]
        if let Some((ctx, x, y)) = pad::point(canvas, &ev) {
            ctx.line_to(x, y);
            ctx.stroke();
            signed.set(true);
        }
    };
    let up = move |_| drawing.set(false);
    let clear = move |_| {
        #[cfg(feature = "hydrate")]
        pad::clear(canvas);
        signed.set(false);
    };
    view! {
        <canvas node_ref=canvas width="600" height="200" class="signature-pad" data-testid="signature"
                aria-label=move || fm().signature on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointerleave=up></canvas>
        <button type="button" class="button small" on:click=clear>{move || fm().clear}</button>
    }
}

#[cfg(feature = "hydrate")]
mod pad {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::CanvasRenderingContext2d;

    fn ctx(c: &web_sys::HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
        c.get_context("2d").ok().flatten()?.dyn_into().ok()
    }

    /// The drawing context and the pointer's place in canvas pixels.
    pub(super) fn point(
        canvas: NodeRef<leptos::html::Canvas>,
        ev: &web_sys::PointerEvent,
    ) -> Option<(CanvasRenderingContext2d, f64, f64)> {
        let c = canvas.get_untracked()?;
        let rect = c.get_bounding_client_rect();
        let sx = f64::from(c.width()) / rect.width().max(1.0);
        let sy = f64::from(c.height()) / rect.height().max(1.0);
        Some((ctx(&c)?, (f64::from(ev.client_x()) - rect.left()) * sx, (f64::from(ev.client_y()) - rect.top()) * sy))
    }

    pub(super) fn clear(canvas: NodeRef<leptos::html::Canvas>) {
        if let Some(c) = canvas.get_untracked()
            && let Some(ctx) = ctx(&c)
        {
            ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
        }
    }
}
