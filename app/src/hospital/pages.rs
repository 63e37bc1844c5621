//! `/facility`: a health facility sees where each birth it sent stands; `/admin/facilities`: the
//! province administrator gives each facility's software its key.

use super::server::{CreateFacilityKey, facility_births, list_facility_keys};
use crate::i18n::texts;
use crate::{
    civil::i18n::{CMsgs, ct},
    i18n::{format_datetime, t, use_locale},
    ui::problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

fn loading() -> impl IntoView {
    view! { <p>{t(|m| m.loading)}</p> }
}

/// `/facility`: a health facility sees where each birth it sent stands.
#[component]
pub fn FacilityPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| facility_births());
    let m = texts::<CMsgs>();
    view! {
        <Title text=ct(|m| m.facility_title) />
        <section class="panel wide">
            <h1>{ct(|m| m.facility_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="notice">{ct(|m| m.empty_list)}</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="data" data-testid="sent-births">
                                <thead><tr><th>{ct(|m| m.certificate_code)}</th><th>{ct(|m| m.received)}</th>
                                    <th>{ct(|m| m.col_code)}</th><th>{ct(|m| m.commune)}</th><th>{ct(|m| m.status)}</th></tr></thead>
                                <tbody>{rows.into_iter().map(|r| view! {
                                    <tr data-certificate=r.certificate_code.clone()>
                                        <td>{r.certificate_code.clone()}</td><td>{format_datetime(r.received_at)}</td>
                                        <td>{r.dossier_code.clone()}</td><td>{r.commune_name.clone()}</td>
                                        <td>{move || m().status(r.status)}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/admin/facilities`: the province administrator gives each facility's software its key.
#[component]
pub fn FacilityKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateFacilityKey>::new();
    let data = Resource::new_blocking(move || create.version().get(), |_| list_facility_keys());
    let err = Signal::derive(move || create.value().get().and_then(Result::err));
    let locale = use_locale();
    view! {
        <Title text=ct(|m| m.keys_title) />
        <section class="panel wide">
            <h1>{ct(|m| m.keys_title)}</h1>
            {move || create.value().get().and_then(Result::ok).map(|key| view! {
                <div class="notice success" role="status">
                    <p>{ct(|m| m.key_once)}</p>
                    <code class="secret" data-testid="new-key">{key}</code>
                </div>
            })}
            <Problem error=err />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) => list.into_iter().map(|f| {
                            let id = f.agency_id.to_string();
                            view! {
                                <article class="card" data-facility=f.name.clone()>
                                    <h2>{f.name.clone()}</h2>
                                    {if f.keys.is_empty() {
                                        view! { <p class="muted">{ct(|m| m.no_keys)}</p> }.into_any()
                                    } else {
                                        view! { <ul>{f.keys.into_iter().map(|k| view! {
                                            <li>{k.name} " · " {format_datetime(k.created_at)} " · " {ct(|m| m.key_last_seen)} ": "
                                                {k.last_seen_at.map(format_datetime).unwrap_or_else(|| <crate::civil::i18n::CMsgs as crate::i18n::Texts>::of(locale.get_untracked()).key_never.to_owned())}</li>
                                        }).collect_view()}</ul> }.into_any()
                                    }}
                                    <ActionForm action=create attr:class="row">
                                        <input type="hidden" name="facility" value=id />
                                        <label>{ct(|m| m.key_name)} <input type="text" name="name" /></label>
                                        <button type="submit" class="button">{ct(|m| m.create_key)}</button>
                                    </ActionForm>
                                </article>
                            }
                        }).collect_view().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
