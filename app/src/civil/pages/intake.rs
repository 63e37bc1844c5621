//! `/civil/new`: intake at the counter, prefilled from the registry.

use super::base::form_fields;
use crate::civil::i18n::{CMsgs, ct};
use crate::civil::server::CivilReceive;
use crate::civil::{
    domain::DossierKind,
    form::{self},
};
use crate::i18n::texts;
use crate::ui::problem::Problem;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/civil/new?kind=…`: papers received at the counter.
#[component]
pub fn NewDossierPage() -> impl IntoView {
    let query = use_query_map();
    let kind =
        Memo::new(move |_| query.read().get("kind").and_then(|k| DossierKind::parse(&k)).unwrap_or(DossierKind::Birth));
    let receive = ServerAction::<CivilReceive>::new();
    let err = Signal::derive(move || receive.value().get().and_then(Result::err));
    let received = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(receive.value().get(), Some(Ok(_))) {
            received.update(|n| *n += 1);
        }
    });
    // Another form: the last one's errors and receipt do not belong to it.
    Effect::new(move |prev: Option<DossierKind>| {
        let k = kind.get();
        if prev.is_some_and(|p| p != k) {
            receive.value().set(None);
        }
        k
    });
    let m = texts::<CMsgs>();
    view! {
        <Title text=ct(|m| m.new_dossier) />
        <section class="panel civil-new">
            <h1>{ct(|m| m.new_dossier)}</h1>
            <nav class="tabs">
                {DossierKind::ALL.into_iter().map(|k| view! {
                    <a class="tab" href=format!("/civil/new?kind={}", k.as_str()) aria-current=move || (kind.get() == k).then_some("page")>
                        {move || m().kind(k)}
                    </a>
                }).collect_view()}
            </nav>
            {move || receive.value().get().and_then(Result::ok).map(|r| view! {
                <div class="notice success" role="status" data-testid="received">
                    <p>{(m().received_ok)(&r.code)}</p>
                    {r.late.then(|| view! { <p>{ct(|m| m.late_note)}</p> })}
                    <p class="row">
                        <a class="button" href=format!("/civil/d/{}/receipt", r.code)>{ct(|m| m.print_receipt)}</a>
                        <a class="button primary" href=format!("/civil/d/{}", r.code)>{ct(|m| m.open_dossier)}</a>
                    </p>
                </div>
            })}
            {move || {
                let k = kind.get();
                // An empty form again after each receipt, so a second tap cannot send it twice
                // (a refusal keeps what was typed).
                let _ = received.get();
                let data = form::Data::new();
                view! {
                    <ActionForm action=receive attr:class="stack dossier-form" attr:data-testid="dossier-form">
                        <input type="hidden" name="kind" value=k.as_str() />
                        {form_fields(k, &data, err)}
                        {(k != DossierKind::Marriage).then(|| view! {
                            <label class="check">
                                <input type="checkbox" name="f[bundle]" value="1" />
                                {move || if k == DossierKind::Birth { m().bundle_birth } else { m().bundle_death }}
                            </label>
                        })}
                        <Problem error=err />
                        <button type="submit" class="button primary" disabled=move || receive.pending().get()>{ct(|m| m.receive)}</button>
                    </ActionForm>
                }
            }}
        </section>
    }
}
