//! `/admin/hotline`: the province administrator registers exchanges (the signing key is shown
//! once), edits the case routing rules and sets how long recordings are kept.

use crate::hotline::{
    i18n::ht,
    server::{HotlineRegisterExchange, HotlineSetClock, HotlineSetRecordingDays, HotlineSetRoute, hotline_admin},
};
use crate::i18n::{format_datetime, t};
use crate::ui::{
    field::Field,
    problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn HotlineAdminPage() -> impl IntoView {
    let register = ServerAction::<HotlineRegisterExchange>::new();
    let route = ServerAction::<HotlineSetRoute>::new();
    let days = ServerAction::<HotlineSetRecordingDays>::new();
    let clock = ServerAction::<HotlineSetClock>::new();
    let data = Resource::new_blocking(
        move || (register.version().get(), route.version().get(), days.version().get(), clock.version().get()),
        |_| hotline_admin(),
    );
    let reg_err = Signal::derive(move || register.value().get().and_then(Result::err));
    let route_err = Signal::derive(move || route.value().get().and_then(Result::err));
    let days_err = Signal::derive(move || days.value().get().and_then(Result::err));
    let clock_err = Signal::derive(move || clock.value().get().and_then(Result::err));
    view! {
        <Title text=ht(|m| m.admin_title) />
        <section class="panel wide">
            <h1>{ht(|m| m.admin_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(a) => view! {
                            <h2>{ht(|m| m.exchanges)}</h2>
                            <table class="data" data-testid="exchanges">
                                <thead><tr><th>{ht(|m| m.exchange_name)}</th><th>{ht(|m| m.vendor)}</th><th>"ID"</th><th>{ht(|m| m.calls)}</th><th>{ht(|m| m.last_event)}</th></tr></thead>
                                <tbody>{a.exchanges.iter().map(|x| view! {
                                    <tr><td>{x.name.clone()}</td><td>{x.vendor.clone()}</td><td><code>{x.exchange_id.to_string()}</code></td>
                                        <td>{x.calls}</td><td>{x.last_event.map(format_datetime).unwrap_or_default()}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                            <ActionForm action=register attr:class="stack" attr:data-testid="exchange-form">
                                <Field name="name" label=ht(|m| m.exchange_name) required=true error=reg_err />
                                <label>{ht(|m| m.vendor)}
                                    <select name="vendor">
                                        <option value="generic">"generic"</option>
                                        <option value="stringee">"Stringee"</option>
                                        <option value="omicall">"OMICall"</option>
                                    </select>
                                </label>
                                <Problem error=Signal::derive(move || reg_err.get().filter(|e| !matches!(e, crate::kernel::error::AppError::Validation(_)))) />
                                {move || register.value().get().and_then(Result::ok).map(|(id, secret)| view! {
                                    <div class="ok" role="status" data-testid="exchange-secret">
                                        <p>{ht(|m| m.secret_once)}</p>
                                        <p>"ID: " <code>{id.to_string()}</code></p>
                                        <p>{ht(|m| m.secret)} ": " <code>{secret}</code></p>
                                    </div>
                                })}
                                <button type="submit" class="button primary">{ht(|m| m.register)}</button>
                            </ActionForm>
                            <h2>{ht(|m| m.routes)}</h2>
                            <p class="muted">{ht(|m| m.routes_intro)}</p>
                            <table class="data" data-testid="routes">
                                <thead><tr><th>{ht(|m| m.procedure)}</th><th>{ht(|m| m.case_commune)}</th><th>{ht(|m| m.case_kind)}</th><th>{ht(|m| m.office)}</th></tr></thead>
                                <tbody>{a.routes.iter().map(|r| view! {
                                    <tr><td>{r.procedure.clone().unwrap_or_else(|| "*".into())}</td><td>{r.commune.clone().unwrap_or_else(|| "*".into())}</td>
                                        <td>{r.kind.clone().unwrap_or_else(|| "*".into())}</td><td>{r.office.clone()}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                            <ActionForm action=route attr:class="stack" attr:data-testid="route-form">
                                <Field name="procedure" label=ht(|m| m.route_procedure) error=route_err />
                                <Field name="commune" label=ht(|m| m.route_commune) error=route_err />
                                <label>{ht(|m| m.case_kind)}
                                    <select name="kind">
                                        <option value="">"*"</option>
                                        <option value="question">"question"</option>
                                        <option value="complaint">"complaint"</option>
                                        <option value="petition">"petition"</option>
                                    </select>
                                </label>
                                <label>{ht(|m| m.office)}
                                    <select name="office">
                                        {a.offices.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                    </select>
                                </label>
                                <Problem error=route_err />
                                <button type="submit" class="button primary">{ht(|m| m.save)}</button>
                            </ActionForm>
                            <h2>{ht(|m| m.clocks)}</h2>
                            <ul class="cards" data-testid="clocks">
                                {a.clocks.iter().map(|(kind, d)| {
                                    let (kind, d) = (kind.clone(), d.to_string());
                                    view! {
                                        <li class="card">
                                            <ActionForm action=clock attr:class="inline">
                                                <input type="hidden" name="kind" value=kind.clone() />
                                                <label>{kind.clone()} " · " {ht(|m| m.clock_days)}
                                                    <input name="resolve_days" inputmode="numeric" value=d />
                                                </label>
                                                <button type="submit" class="button">{ht(|m| m.save)}</button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <Problem error=clock_err />
                            <h2>{ht(|m| m.retention)}</h2>
                            <ActionForm action=days attr:class="inline" attr:data-testid="retention-form">
                                <Field name="recording_days" label=ht(|m| m.recording_days) inputmode="numeric" value=a.recording_days.to_string() error=days_err />
                                <button type="submit" class="button">{ht(|m| m.save)}</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
