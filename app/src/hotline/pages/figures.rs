//! `/hotline/figures`: calls per day and hour, answered / missed / abandoned, waiting and
//! talking time, callbacks, cases per agency and kind with their on-time rate, satisfaction
//! per agency and agent; the calls as CSV.

use super::base::seconds;
use crate::hotline::{i18n::ht, server::hotline_figures};
use crate::i18n::{format_date, t};
use crate::ui::problem::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

fn avg(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
}

fn rate(part: i64, whole: i64) -> String {
    if whole == 0 { "–".into() } else { format!("{:.0}%", 100.0 * part as f64 / whole as f64) }
}

#[component]
pub fn FiguresPage() -> impl IntoView {
    let query = use_query_map();
    let period = Memo::new(move |_| {
        let q = query.read();
        (q.get("from").unwrap_or_default(), q.get("to").unwrap_or_default())
    });
    let data = Resource::new_blocking(move || period.get(), |(from, to)| hotline_figures(from, to));
    view! {
        <Title text=ht(|m| m.figures_title) />
        <section class="panel wide">
            <h1>{ht(|m| m.figures_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(f) => {
                            let csv = format!("/api/hotline/calls.csv?from={}&to={}", f.from, f.to);
                            let max_hour = f.per_hour.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
                            view! {
                                <Form method="GET" action="" attr:class="inline">
                                    <label>{ht(|m| m.from)} <input type="date" name="from" value=f.from.to_string() /></label>
                                    <label>{ht(|m| m.to)} <input type="date" name="to" value=f.to.to_string() /></label>
                                    <button type="submit" class="button">{ht(|m| m.show)}</button>
                                    <a class="button" href=csv rel="external" data-testid="csv">{ht(|m| m.csv)}</a>
                                </Form>
                                <dl class="figures" data-testid="call-figures">
                                    <dt>{ht(|m| m.calls)}</dt><dd data-testid="calls">{f.calls}</dd>
                                    <dt>{ht(|m| m.answered)}</dt><dd data-testid="answered">{f.answered} " (" {rate(f.answered, f.calls)} ")"</dd>
                                    <dt>{ht(|m| m.missed)}</dt><dd data-testid="missed">{f.missed}</dd>
                                    <dt>{ht(|m| m.abandoned)}</dt><dd>{f.abandoned}</dd>
                                    <dt>{ht(|m| m.voicemail)}</dt><dd>{f.voicemail}</dd>
                                    <dt>{ht(|m| m.callbacks_done)}</dt><dd data-testid="callbacks-done">{f.callbacks_done} " / " {f.callbacks_done + f.callbacks_owed}</dd>
                                    <dt>{ht(|m| m.avg_wait)}</dt><dd>{seconds(f.avg_wait_seconds.map(|s| s.round() as i64))}</dd>
                                    <dt>{ht(|m| m.avg_talk)}</dt><dd>{seconds(f.avg_talk_seconds.map(|s| s.round() as i64))}</dd>
                                </dl>
                                <h2>{ht(|m| m.per_day)}</h2>
                                <table class="data"><thead><tr><th>{ht(|m| m.day)}</th><th>{ht(|m| m.calls)}</th><th>{ht(|m| m.answered)}</th></tr></thead>
                                    <tbody>{f.per_day.iter().map(|(d, n, a)| view! { <tr><td>{format_date(*d)}</td><td>{*n}</td><td>{*a}</td></tr> }).collect_view()}</tbody>
                                </table>
                                <h2>{ht(|m| m.per_hour)}</h2>
                                <ul class="bars" data-testid="per-hour">
                                    {f.per_hour.iter().map(|(h, n)| {
                                        let w = format!("width:{}%", 100 * n / max_hour);
                                        view! { <li><span class="label">{format!("{h:02}h")}</span><span class="bar" style=w></span><span>{*n}</span></li> }
                                    }).collect_view()}
                                </ul>
                                <h2>{ht(|m| m.cases_by_agency)}</h2>
                                <table class="data" data-testid="case-figures">
                                    <thead><tr><th>{ht(|m| m.agency)}</th><th>{ht(|m| m.case_kind)}</th><th>{ht(|m| m.cases)}</th>
                                        <th>{ht(|m| m.closed)}</th><th>{ht(|m| m.on_time)}</th><th>{ht(|m| m.ratings)}</th><th>{ht(|m| m.avg_rating)}</th></tr></thead>
                                    <tbody>{f.cases.iter().map(|c| view! {
                                        <tr><td>{c.agency.clone()}</td><td>{c.kind.clone()}</td><td>{c.cases}</td><td>{c.closed}</td>
                                            <td>{rate(c.on_time, c.closed)}</td><td>{c.ratings}</td><td>{avg(c.avg_rating)}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                                {(!f.agents.is_empty()).then(|| view! {
                                    <h2>{ht(|m| m.by_agent)}</h2>
                                    <table class="data" data-testid="agent-figures">
                                        <thead><tr><th>{ht(|m| m.col_agent)}</th><th>{ht(|m| m.answered)}</th><th>{ht(|m| m.avg_talk)}</th>
                                            <th>{ht(|m| m.ratings)}</th><th>{ht(|m| m.avg_rating)}</th></tr></thead>
                                        <tbody>{f.agents.iter().map(|a| view! {
                                            <tr><td>{a.agent.clone()}</td><td>{a.answered}</td><td>{seconds(a.avg_talk_seconds.map(|s| s.round() as i64))}</td>
                                                <td data-testid="agent-ratings">{a.ratings}</td><td>{avg(a.avg_rating)}</td></tr>
                                        }).collect_view()}</tbody>
                                    </table>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
