//! `/visit`: a family member asks for a home visit (or the hotline does for them).

use crate::i18n::texts;
use crate::ui::field::field_error;
use crate::{
    civil::{domain::DossierKind, i18n::CMsgs},
    field::{
        i18n::FMsgs,
        server::{RequestVisit, visit_communes},
    },
    ui::{field::FieldFrame, problem::Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

/// `/visit`: a family asks the commune for a home visit (or the hotline does for them).
#[component]
pub fn VisitRequestPage() -> impl IntoView {
    let fm = texts::<FMsgs>();
    let m = texts::<CMsgs>();
    let act = ServerAction::<RequestVisit>::new();
    let communes = Resource::new(|| (), |_| visit_communes());
    let err = Signal::derive(move || act.value().get().and_then(Result::err));
    let field_err = move |key: &'static str| field_error(err, key);
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
                <FieldFrame id="v-kind".into() label=move || fm().visit_kind error=field_err("kind")>
                    <select id="v-kind" name="kind" aria-describedby="v-kind-err">
                        {DossierKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || m().kind(k)}</option> }).collect_view()}
                    </select>
                </FieldFrame>
                <FieldFrame id="v-commune".into() label=move || fm().visit_commune error=field_err("commune_code")>
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
                </FieldFrame>
                {[("family_name", "text"), ("address", "text"), ("phone", "tel"), ("event_date", "date"), ("requester_name", "text"), ("note", "text")]
                    .into_iter().map(|(key, t)| {
                        let id = format!("v-{key}");
                        let err_id = format!("{id}-err");
                        view! {
                            <FieldFrame id=id.clone() label=move || fm().visit_label(key) error=field_err(key)>
                                <input id=id name=key type=t aria-describedby=err_id
                                       required=matches!(key, "family_name" | "address" | "phone") />
                            </FieldFrame>
                        }
                    }).collect_view()}
                <Problem error=err />
                <button type="submit" class="button primary" disabled=move || act.pending().get()>{move || fm().visit_send}</button>
            </ActionForm>
        </section>
    }
}
