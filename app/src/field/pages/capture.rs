//! The capture tab: the open form (with the chip card's QR and the registry lookup), photos of
//! the papers, and the drafts on the phone.

use super::handover::HandoverForm;
use super::parts::{Photos, error_text};
use super::sync::{Tab, capture_label, now, today, use_field};
use crate::i18n::texts;
use crate::{
    civil::server::CivilPerson,
    civil::{
        form,
        i18n::{CMsgs, ct},
    },
    field::{
        i18n::FMsgs,
        offline::{self, Draft, OutState, Outgoing, Payload},
    },
    i18n::{format_date, format_datetime, use_locale},
    kernel::error::FieldErrors,
    ui::field::FieldFrame,
};
use leptos::{prelude::*, task::spawn_local};

/// The drafts on the phone and the open form (a capture or a handover).
#[component]
pub(super) fn CaptureTab() -> impl IntoView {
    let f = use_field();
    let m = texts::<CMsgs>();
    let fm = texts::<FMsgs>();
    view! {
        {move || f.delivering.get().map(|d| view! { <HandoverForm item=d /> })}
        {move || {
            let id = f.editing.get()?;
            let d = f.drafts.with_untracked(|l| l.iter().find(|x| x.id == id).cloned())?;
            Some(view! { <CaptureForm draft=d /> })
        }}
        <h2>{move || fm().drafts}</h2>
        <Show when=move || f.loaded.get() && f.drafts.with(Vec::is_empty)>
            <p class="notice">{move || fm().no_drafts}</p>
        </Show>
        <ul class="cards" data-testid="drafts">
            <For each=move || f.drafts.get() key=|d| (d.id, d.fields.len(), d.photos.len()) let:d>
                {
                    let id = d.id;
                    let kind = d.kind;
                    let who = capture_label(&d);
                    view! {
                        <li class="card" data-draft=id.to_string()>
                            <p><strong>{move || m().kind(kind)}</strong> " · " {who}</p>
                            <p class="muted small">{format_datetime(d.started_at)} " · " {(fm().photos_n)(d.photos.len())}</p>
                            <p class="row">
                                <button type="button" class="button" on:click=move |_| f.editing.set(Some(id))>{move || fm().continue_draft}</button>
                            </p>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

/// A capture form: the dossier's own fields and checks, chip-card QR or registry lookup for
/// numbers, photos of the papers, the family's consent. Saved on the phone at every change.
#[component]
pub(super) fn CaptureForm(draft: Draft) -> impl IntoView {
    let f = use_field();
    let m = texts::<CMsgs>();
    let fm = texts::<FMsgs>();
    let d = RwSignal::new(draft);
    let errors = RwSignal::new(None::<FieldErrors>);
    let consent_missing = RwSignal::new(false);
    let kind = d.get_untracked().kind;
    let save = move || f.save_draft(d.get_untracked());
    let set_field = move |key: &'static str, value: String| {
        d.update(|x| {
            x.fields.insert(key.to_owned(), value);
        });
        save();
    };
    let field_err = move |key: &'static str| error_text(errors, key);
    let finishing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let finish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if finishing.get_untracked() || busy.get_untracked() {
            return;
        }
        let draft = d.get_untracked();
        // The same checks as the office's form; the registry's checks follow on the server.
        let parsed = form::parse(draft.kind, &draft.fields, today());
        consent_missing.set(!draft.consent);
        match parsed {
            Err(e) => {
                errors.set(Some(e));
                return;
            }
            Ok(_) => errors.set(None),
        }
        if !draft.consent {
            return;
        }
        let at = now();
        let out = Outgoing {
            seq: offline::new_seq(at, draft.id),
            // The draft's own id: a second tap can never make a second dossier.
            key: draft.id,
            user: f.me.get_untracked(),
            payload: Payload::Capture {
                kind: draft.kind,
                task: draft.task,
                fields: draft.fields.clone(),
                consent: draft.consent,
            },
            label: capture_label(&draft),
            photos: draft.photos.clone(),
            photos_sent: 0,
            captured_at: at,
            state: OutState::Waiting { reason: None },
            tries: 0,
            draft: Some(draft.clone()),
        };
        finishing.set(true);
        spawn_local(async move {
            let _ = finishing.try_set(false);
            if f.stored(offline::finish_draft(&draft, &out).await) {
                f.drafts.update(|l| l.retain(|x| x.id != draft.id));
                f.outbox.update(|l| l.push(out));
                f.editing.set(None);
                f.tab.set(Tab::Outbox);
                f.sync();
            }
        });
    };
    let discard = move |_| {
        let draft = d.get_untracked();
        #[cfg(feature = "hydrate")]
        if !web_sys::window().and_then(|w| w.confirm_with_message(fm().discard_confirm).ok()).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if f.stored(offline::delete_draft(&draft).await) {
                f.drafts.update(|l| l.retain(|x| x.id != draft.id));
                f.editing.set(None);
            }
        });
    };
    view! {
        <form class="stack dossier-form capture" data-testid="capture-form" novalidate on:submit=finish>
            <h2>{move || m().kind(kind)} {move || { let fam = d.with(|x| x.family.clone()); (!fam.is_empty()).then(|| format!(" · {fam}")) }}</h2>
            {form::fields(kind).iter().map(|spec| {
                let key = spec.key;
                let value = d.with_untracked(|x| x.fields.get(key).cloned().unwrap_or_default());
                let id = format!("c-{key}");
                let err_id = format!("{id}-err");
                let err = field_err(key);
                let control = match spec.input {
                    form::Input::Sex => view! {
                        <select id=id.clone() required=spec.required aria-describedby=err_id.clone()
                                on:change=move |ev| set_field(key, event_target_value(&ev))>
                            <option value=""></option>
                            <option value="male" selected=value == "male">{move || m().sex_male}</option>
                            <option value="female" selected=value == "female">{move || m().sex_female}</option>
                        </select>
                    }.into_any(),
                    form::Input::Id => view! { <IdInput key id=id.clone() value=value.clone() set=Callback::new(move |v: String| set_field(key, v)) draft=d /> }.into_any(),
                    input => {
                        let (t, mode) = match input {
                            form::Input::Date => ("date", None),
                            form::Input::Time => ("time", None),
                            form::Input::Phone => ("tel", Some("tel")),
                            _ => ("text", None),
                        };
                        view! {
                            <input id=id.clone() type=t inputmode=mode value=value required=spec.required
                                   aria-describedby=err_id.clone() aria-invalid=move || err().is_some().then_some("true")
                                   on:input=move |ev| set_field(key, event_target_value(&ev)) />
                        }.into_any()
                    }
                };
                view! { <FieldFrame id label=move || m().label(key) error=err>{control}</FieldFrame> }
            }).collect_view()}
            <Photos draft=d busy purpose_label=Signal::derive(move || fm().photos_papers.to_owned()) />
            <label class="check">
                <input type="checkbox" data-testid="consent" prop:checked=move || d.with(|x| x.consent)
                       on:change=move |ev| { d.update(|x| x.consent = event_target_checked(&ev)); save(); } />
                {move || fm().consent}
            </label>
            <p class="field-error" role="alert">{move || consent_missing.get().then(|| fm().consent_required)}</p>
            <p class="muted small">{move || fm().saved_on_phone} " "
                <span data-testid="save-state" role="status">{move || if f.saving.get() > 0 { fm().saving } else { fm().saved_here }}</span></p>
            <p class="row">
                <button type="submit" class="button primary" data-testid="finish"
                        disabled=move || busy.get() || finishing.get()>{move || fm().finish}</button>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| f.editing.set(None)>{move || fm().later}</button>
                <button type="button" class="button danger" disabled=move || busy.get() on:click=discard>{move || fm().discard}</button>
            </p>
        </form>
    }
}

/// A personal number: typed, read from the chip card's QR with the camera, or looked up in the
/// registry while online (who it is, shown to check).
#[component]
fn IdInput(
    key: &'static str,
    id: String,
    value: String,
    set: Callback<String>,
    draft: RwSignal<Draft>,
) -> impl IntoView {
    let f = use_field();
    let fm = texts::<FMsgs>();
    let locale = use_locale();
    let scanning = RwSignal::new(false);
    let typed = RwSignal::new(value.clone());
    let lookup = ServerAction::<CivilPerson>::new();
    let hint_key = format!("qr:{key}");
    let hint = {
        let hint_key = hint_key.clone();
        move || draft.with(|d| d.fields.get(&hint_key).cloned())
    };
    let scanned = move |text: String| {
        scanning.set(false);
        let year = chrono::Datelike::year(&today());
        match crate::civil::domain::ChipQr::parse(&text, year) {
            Some(card) => {
                let number = card.personal_id.as_str().to_owned();
                typed.set(number.clone());
                draft.update(|d| {
                    d.fields
                        .insert(format!("qr:{key}"), format!("{} · {}", card.full_name, format_date(card.birth_date)));
                });
                set.run(number);
            }
            None => {
                draft.update(|d| {
                    d.fields.insert(format!("qr:{key}"), fm().not_a_card.to_owned());
                });
            }
        }
    };
    view! {
        <div class="row">
            <input id=id type="text" inputmode="numeric" prop:value=move || typed.get() placeholder=ct(|m| m.id_or_qr)
                   on:input=move |ev| { let v = event_target_value(&ev); typed.set(v.clone()); lookup.value().set(None); set.run(v); } />
            <button type="button" class="button" on:click=move |_| scanning.update(|s| *s = !*s)>{move || fm().scan_card}</button>
            <button type="button" class="button" disabled=move || !f.online.get()
                    on:click=move |_| { lookup.dispatch(CivilPerson { query: typed.get_untracked() }); }>{ct(|m| m.look_up)}</button>
        </div>
        <Show when=move || scanning.get()>
            <crate::queue::scanner::QrScanner on_code=Callback::new(scanned) />
        </Show>
        {move || hint().map(|h| view! { <p class="muted small" data-testid=format!("card-{key}")>{h}</p> })}
        {move || lookup.value().get().map(|r| match r {
            Ok(p) => {
                let name = p.fields.iter().find(|(k, _)| k.as_str() == "name").map(|(_, v)| v.clone()).unwrap_or_default();
                let birth = p.fields.iter().find(|(k, _)| k.as_str() == "birth").map(|(_, v)| v.clone()).unwrap_or_default();
                view! { <p class="prefill small" data-testid=format!("registry-{key}")>{ct(|m| m.from_registry)} ": " {name} " · " {birth}</p> }.into_any()
            }
            Err(e) => {
                let text = e.field("person").map(|fe| locale.get().msgs().field_error(fe)).unwrap_or_else(|| locale.get().msgs().app_error(&e));
                view! { <p class="field-error">{text}</p> }.into_any()
            }
        })}
    }
}
