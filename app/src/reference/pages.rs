use super::{
    CalendarYear,
    calendar::DayKind,
    server::{AddCalendarDay, RemoveCalendarDay, get_calendar, get_commune_overview, list_procedures},
};
use crate::{
    i18n::{Locale, format_date, format_vnd, t, use_locale},
    ui::{
        field::{Field, FieldFrame, SearchForm, field_error},
        problem::{ErrorPanel, Problem},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};

/// Public catalogue with accent-insensitive search (`?q=`); a GET form, so results are linkable.
#[component]
pub fn ProceduresPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let results = Resource::new(move || q.get(), list_procedures);
    view! {
        <Title text=t(|m| m.procedures_title) />
        <section class="panel">
            <h1>{t(|m| m.procedures_title)}</h1>
            <SearchForm value=q placeholder=t(|m| m.search_placeholder) />
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{t(|m| m.no_results)}</p> }.into_any(),
                        Ok(list) => {
                            view! {
                                <ul class="cards">
                                    {list
                                        .into_iter()
                                        .map(|p| {
                                            let en = move || locale.get() == Locale::En;
                                            let (name, name_en) = (p.name.clone(), p.name_en.clone());
                                            let (field, field_en) = (p.field.clone(), p.field_en.clone());
                                            let (note, note_en) = (p.fee_note.clone(), p.fee_note_en.clone());
                                            let days = p.processing_days;
                                            let fee = p.fee_vnd;
                                            view! {
                                                <li class="card">
                                                    <h2>{move || if en() { name_en.clone() } else { name.clone() }}</h2>
                                                    <dl>
                                                        <dt>{t(|m| m.procedure_code)}</dt>
                                                        <dd>{p.code.clone()}</dd>
                                                        <dt>{t(|m| m.field_of_work)}</dt>
                                                        <dd>{move || if en() { field_en.clone() } else { field.clone() }}</dd>
                                                        <dt>{t(|m| m.processing_time)}</dt>
                                                        <dd>
                                                            {move || {
                                                                let m = locale.get().msgs();
                                                                if days == 0 { m.same_day.to_owned() } else { (m.working_days)(days) }
                                                            }}
                                                        </dd>
                                                        <dt>{t(|m| m.fee)}</dt>
                                                        <dd>
                                                            {move || if fee == 0 { locale.get().msgs().free.to_owned() } else { format_vnd(fee) }}
                                                            " · "
                                                            {move || if en() { note_en.clone() } else { note.clone() }}
                                                        </dd>
                                                    </dl>
                                                    <details>
                                                        <summary>{t(|m| m.required_documents)}</summary>
                                                        <ol>
                                                            {p
                                                                .documents
                                                                .into_iter()
                                                                .map(|d| {
                                                                    view! {
                                                                        <li>
                                                                            {move || if en() { d.name_en.clone() } else { d.name.clone() }}
                                                                            " ("
                                                                            {d.copies.clone()}
                                                                            ")"
                                                                        </li>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </ol>
                                                    </details>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// A commune's agencies, offices, staff and former communes (jurisdiction-checked on the server).
#[component]
pub fn CommunePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let overview = Resource::new_blocking(move || params.read().get("code").unwrap_or_default(), get_commune_overview);
    view! {
        <Title text=t(|m| m.commune_title) />
        <Suspense fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(c) => {
                        view! {
                            <section class="panel">
                                <h1>{c.full_name.clone()}</h1>
                                <p class="muted">{c.province_name.clone()} " · " {c.code.clone()}</p>
                                <h2>{t(|m| m.agencies)}</h2>
                                <ul>{c.agencies.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                                <h2>{t(|m| m.offices)}</h2>
                                {c
                                    .offices
                                    .into_iter()
                                    .map(|o| {
                                        view! {
                                            <article class="card">
                                                <h3>{o.name}</h3>
                                                <p>{o.address}</p>
                                                <p>
                                                    {t(|m| m.counters)} ": "
                                                    {o.counters.iter().map(|k| format!("{}. {}", k.number, k.name)).collect::<Vec<_>>().join(" · ")}
                                                </p>
                                            </article>
                                        }
                                    })
                                    .collect_view()}
                                <h2>{t(|m| m.staff)}</h2>
                                <ul>
                                    {c
                                        .staff
                                        .into_iter()
                                        .map(|s| {
                                            view! { <li>{s.display_name} " — " {move || s.role.label(locale.get().msgs())}</li> }
                                        })
                                        .collect_view()}
                                </ul>
                                <h2>{t(|m| m.former_communes)}</h2>
                                <p>{c.former_communes.join(", ")}</p>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Holidays and make-up working days of a year (`?year=`); province administrators edit.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let add = ServerAction::<AddCalendarDay>::new();
    let remove = ServerAction::<RemoveCalendarDay>::new();
    let year = Memo::new(move |_| query.read().get("year").and_then(|y| y.parse::<i32>().ok()).unwrap_or(0));
    let data = Resource::new_blocking(
        move || (year.get(), add.version().get(), remove.version().get()),
        |(y, _, _)| get_calendar(y),
    );
    let add_error = Signal::derive(move || add.value().get().and_then(|r| r.err()));
    let remove_error = Signal::derive(move || remove.value().get().and_then(|r| r.err()));
    view! {
        <Title text=t(|m| m.calendar_title) />
        <section class="panel">
            <h1>{t(|m| m.calendar_title)}</h1>
            <p>{t(|m| m.calendar_intro)}</p>
            <Problem error=remove_error />
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(CalendarYear { year, entries, working_days, can_edit }) => {
                            view! {
                                <Form method="GET" action="" attr:class="search">
                                    <label for="year">{t(|m| m.year)}</label>
                                    <input id="year" name="year" type="number" min="2000" max="2100" value=year.to_string() />
                                    <button type="submit" class="button">{t(|m| m.search)}</button>
                                </Form>
                                <p role="status">{move || (locale.get().msgs().working_days_in_year)(year, working_days)}</p>
                                <table>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t(|m| m.date)}</th>
                                            <th scope="col">{t(|m| m.kind)}</th>
                                            <th scope="col">{t(|m| m.name)}</th>
                                            <th scope="col">{t(|m| m.legal_basis)}</th>
                                            {can_edit.then(|| view! { <th scope="col"><span class="visually-hidden">{t(|m| m.remove)}</span></th> })}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {entries
                                            .into_iter()
                                            .map(|e| {
                                                let day = e.day;
                                                let (name, name_en) = (e.name.clone(), e.name_en.clone());
                                                view! {
                                                    <tr>
                                                        <td>{format_date(day)}</td>
                                                        <td>
                                                            {move || {
                                                                let m = locale.get().msgs();
                                                                match e.kind {
                                                                    DayKind::Holiday => m.kind_holiday,
                                                                    DayKind::Working => m.kind_working,
                                                                }
                                                            }}
                                                        </td>
                                                        <td>{move || if locale.get() == Locale::En { name_en.clone() } else { name.clone() }}</td>
                                                        <td>{e.legal_basis.clone()}</td>
                                                        {can_edit
                                                            .then(|| {
                                                                view! {
                                                                    <td>
                                                                        <ActionForm action=remove attr:class="inline">
                                                                            <input type="hidden" name="day" value=day.to_string() />
                                                                            <button type="submit" class="link-button" aria-label=move || format!("{} {}", locale.get().msgs().remove, format_date(day))>
                                                                                {t(|m| m.remove)}
                                                                            </button>
                                                                        </ActionForm>
                                                                    </td>
                                                                }
                                                            })}
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                {can_edit
                                    .then(|| {
                                        view! {
                                            <h2>{t(|m| m.add)}</h2>
                                            <ActionForm action=add attr:class="stack">
                                                <Problem error=add_error />
                                                <Field name="day" label=t(|m| m.date) kind="date" required=true error=add_error />
                                                <FieldFrame id="f-kind".into() label=t(|m| m.kind) error=field_error(add_error, "kind")>
                                                    <select id="f-kind" name="kind" aria-describedby="f-kind-err">
                                                        <option value="holiday">{t(|m| m.kind_holiday)}</option>
                                                        <option value="working">{t(|m| m.kind_working)}</option>
                                                    </select>
                                                </FieldFrame>
                                                <Field name="name" label=t(|m| m.name) required=true error=add_error />
                                                <Field name="name_en" label=t(|m| m.name_english) error=add_error />
                                                <Field name="legal_basis" label=t(|m| m.legal_basis) error=add_error />
                                                <button type="submit" class="button primary">{t(|m| m.add)}</button>
                                            </ActionForm>
                                        }
                                    })}
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
