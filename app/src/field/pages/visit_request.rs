//! `/visit`: a family member asks for a home visit (or the hotline does for them).

use crate::{
    civil::{domain::DossierKind, i18n::use_cmsgs},
    field::{
        i18n::use_fmsgs,
        server::{RequestVisit, visit_communes},
    },
    i18n::use_locale,
    ui::problem::Problem,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// `/visit`: a family asks the commune for a home visit (or the hotline does for them).
#[component]
pub fn VisitRequestPage() -> impl IntoView {
    let fm = use_fmsgs();
    let m = use_cmsgs();
    let locale = use_locale();
    let act = ServerAction::<RequestVisit>::new();
    let communes = Resource::new(|| (), |_| visit_communes());
    let err = Signal::derive(move || act.value().get().and_then(Result::err));
    let field_err = move |key: &'static str| {
        move || err.get().and_then(|e| e.field(key)).map(|e| locale.get().msgs().field_error(e))
    };
    view! {
        <Title text=move || fm().visit_title />
        <section class="panel visit-request">
            <h1>{move || fm().visit_title}</h1>
            <p>{move || fm().visit_intro}</p>
            {move || matches!(act.value().get(), Some(Ok(()))).then(|| view! {
                <p class="notice success" role="status" data-testid="visit-requested">{fm().visit_done}</p>
            })}
            // The server's checks, each next to its field (also without JavaScript).
            <ActionForm action=act attr:class="stack" attr:novalidate=true>
                <div class="field">
                    <label for="v-kind">{move || fm().visit_kind}</label>
                    <select id="v-kind" name="kind">
                        {DossierKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || m().kind(k)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="v-commune">{move || fm().visit_commune}</label>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = communes.await.unwrap_or_default();
                            view! {
                                <select id="v-commune" name="commune" required aria-describedby="v-commune-err">
                                    <option value=""></option>
                                    {list.into_iter().map(|(c, n)| view! { <option value=c>{n}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <p class="field-error" id="v-commune-err" role="alert">{field_err("commune_code")}</p>
                </div>
                {[("family_name", "text"), ("address", "text"), ("phone", "tel"), ("event_date", "date"), ("requester_name", "text"), ("note", "text")]
                    .into_iter().map(|(key, t)| {
                        let id = format!("v-{key}");
                        let err_id = format!("{id}-err");
                        view! {
                            <div class="field">
                                <label for=id.clone()>{move || fm().visit_label(key)}</label>
                                <input id=id name=key type=t aria-describedby=err_id.clone()
                                       required=matches!(key, "family_name" | "address" | "phone") />
                                <p class="field-error" id=err_id role="alert">{field_err(key)}</p>
                            </div>
                        }
                    }).collect_view()}
                <Problem error=err />
                <button type="submit" class="button primary" disabled=move || act.pending().get()>{move || fm().visit_send}</button>
            </ActionForm>
        </section>
    }
}
