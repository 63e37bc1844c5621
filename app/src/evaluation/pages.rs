//! Pages of ratings and evaluation: the citizen's rating form (phone and counter tablet), the
//! rankings (supervisors and the public), an official's own results, supervisors' re-assessment
//! and the feedback cases.

use super::domain::{CaseAction, CaseKind, CaseStatus, Satisfaction, UnitFigures, UnitKind};
use super::i18n::EMsgs;
use super::server::{
    FeedbackCaseAct, Reassess, SubmitRating, evaluation_ranking, evaluation_trend, feedback_case, feedback_cases,
    get_counter_rating, get_my_results, get_office_evaluations, rating_form,
};
use super::{LinkState, RankBy, Ranking, TrendPoint, band_key};
use crate::evaluation::i18n::et;
use crate::ui::field::{FieldFrame, field_error};
use crate::{
    i18n::{Locale, t, use_locale},
    kernel::error::AppError,
    ui::problem::{ErrorPanel, Problem, page_status},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Bumps when `ok` turns true: data reloads after a save, not after a refusal (a reload would
/// also clear what was typed next to the error).
fn saved(ok: impl Fn() -> bool + Send + Sync + 'static) -> RwSignal<u32> {
    let n = RwSignal::new(0u32);
    Effect::new(move |_| {
        if ok() {
            n.update(|v| *v += 1);
        }
    });
    n
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "–".into())
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into())
}

fn satisfaction_label(m: &'static EMsgs, s: Satisfaction) -> &'static str {
    m.scale[s as usize - 1]
}

/// `/rate/:token`: the citizen's phone, under 30 seconds: one tap for the overall rating, the
/// five items and a comment optional.
#[component]
pub fn RatePage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let ctx = Resource::new_blocking(move || token.get(), rating_form);
    let locale = use_locale();
    view! {
        <Title text=et(|m| m.rate_title) />
        <section class="panel rate">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match ctx.await {
                        Err(AppError::NotFound) => {
                            page_status(404);
                            view! {
                            <h1>{et(|m| m.rate_title)}</h1>
                            <p class="notice" data-testid="rating-refused">{et(|m| m.link_unknown)}</p>
                        }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(c) => {
                            let (vi, en) = (c.procedure_name.clone(), c.procedure_name_en.clone());
                            view! {
                                <h1>{et(|m| m.rate_title)}</h1>
                                <p class="muted">{c.office_name.clone()} " · " {c.label.clone()} " · " {c.service_day.format("%d/%m/%Y").to_string()}</p>
                                <p>{move || if locale.get() == Locale::En { en.clone() } else { vi.clone() }}</p>
                                {match c.state {
                                    LinkState::Open => view! { <RatingForm token=token.get_untracked() mode="phone" /> }.into_any(),
                                    LinkState::AlreadyRated => view! {
                                        <p class="notice" data-testid="rating-refused">{et(|m| m.already_rated)}</p>
                                    }.into_any(),
                                    LinkState::Expired => view! {
                                        <p class="notice" data-testid="rating-refused">{et(|m| m.link_expired)}</p>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The rating form, on the citizen's phone (`phone`) or the counter's tablet (`counter_kiosk`,
/// where the official may switch to typing it in for the citizen).
#[component]
pub fn RatingForm(token: String, mode: &'static str) -> impl IntoView {
    let locale = use_locale();
    let submit = ServerAction::<SubmitRating>::new();
    let err = Signal::derive(move || submit.value().get().and_then(Result::err));
    let done = move || submit.value().get().and_then(Result::ok);
    let staff = RwSignal::new(false);
    let token = StoredValue::new(token);
    let field_err = move |f: &'static str| field_error(err, f);
    view! {
        <Show
            when=move || done().is_none()
            fallback=move || view! {
                <div class="thanks" role="status" data-testid="rating-thanks">
                    <p class="big">{et(|m| m.thanks)}</p>
                    {done().and_then(|r| r.case_code).map(|code| view! {
                        <p data-testid="case-opened">{move || (locale.get().texts::<EMsgs>().case_opened)(&code)}</p>
                    })}
                </div>
            }
        >
            <ActionForm action=submit attr:class="stack rating-form" attr:data-testid="rating-form">
                <input type="hidden" name="token" value=token.get_value() />
                <input type="hidden" name="mode" value=mode prop:value=move || if staff.get() { "staff" } else { mode } />
                <fieldset class="scale overall" aria-describedby="overall-err">
                    <legend>{et(|m| m.overall_question)}</legend>
                    {(1..=5u8).rev().map(|n| view! {
                        <label class=format!("face face-{n}")>
                            <input type="radio" name="overall" value=n.to_string() required />
                            <span class="face-icon" aria-hidden="true">{["😞", "🙁", "😐", "🙂", "😄"][n as usize - 1]}</span>
                            <span>{move || locale.get().texts::<EMsgs>().scale[n as usize - 1]}</span>
                        </label>
                    }).collect_view()}
                    <p class="field-error" id="overall-err" role="alert">{field_err("overall")}</p>
                </fieldset>
                <details class="items">
                    <summary>{et(|m| m.items_more)}</summary>
                    {(0..5usize).map(|i| {
                        let name = ["item1", "item2", "item3", "item4", "item5"][i];
                        view! {
                            <fieldset class="scale item">
                                <legend>{move || locale.get().texts::<EMsgs>().items[i]}</legend>
                                {(1..=5u8).map(|n| view! {
                                    <label class="dot">
                                        <input type="radio" name=name value=n.to_string() />
                                        <span title={move || locale.get().texts::<EMsgs>().scale[n as usize - 1]}>{n}</span>
                                    </label>
                                }).collect_view()}
                                <p class="field-error" role="alert">{field_err(name)}</p>
                            </fieldset>
                        }
                    }).collect_view()}
                </details>
                <FieldFrame id="f-comment".into() label=et(|m| m.comment) error=field_err("comment")>
                    <textarea id="f-comment" name="comment" rows="3" maxlength="1000" aria-describedby="f-comment-err"></textarea>
                </FieldFrame>
                <label class="check">
                    <input type="checkbox" name="complaint" value="1" />
                    {et(|m| m.is_complaint)}
                </label>
                {(mode == "counter_kiosk").then(|| view! {
                    <label class="check staff-entry">
                        <input type="checkbox" on:change=move |ev| staff.set(event_target_checked(&ev)) />
                        {et(|m| m.staff_entered)}
                    </label>
                })}
                <p class="muted small">{et(|m| m.privacy_note)}</p>
                <Problem error=err />
                <button type="submit" class="primary" disabled=move || submit.pending().get()>{et(|m| m.send_rating)}</button>
            </ActionForm>
        </Show>
    }
}

/// `/counter/:counter/rate`: the counter's tablet turned to the citizen after a transaction.
#[component]
pub fn CounterRatePage() -> impl IntoView {
    let params = use_params_map();
    let counter = Memo::new(move |_| params.read().get("counter").unwrap_or_default());
    let version = RwSignal::new(0u32);
    let data = Resource::new_blocking(move || (counter.get(), version.get()), |(c, _)| get_counter_rating(c));
    view! {
        <Title text=et(|m| m.kiosk_title) />
        <section class="panel rate kiosk-rate">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(c) => {
                            let back = format!("/counter/{}", counter.get_untracked());
                            view! {
                                <p class="muted">{c.office_name.clone()} " · " {move || (use_locale().get().texts::<EMsgs>().counter_n)(c.counter_number)}</p>
                                {match c.pending {
                                    Some((token, label)) => view! {
                                        <h1>{et(|m| m.kiosk_title)}</h1>
                                        <p class="ticket-number small">{label}</p>
                                        <RatingForm token=token mode="counter_kiosk" />
                                    }.into_any(),
                                    None => view! {
                                        <p class="notice" data-testid="nothing-to-rate">{et(|m| m.nothing_to_rate)}</p>
                                    }.into_any(),
                                }}
                                <nav class="row">
                                    <button type="button" on:click=move |_| version.update(|v| *v += 1)>{et(|m| m.next_rating)}</button>
                                    <a href=back>{et(|m| m.back_to_counter)}</a>
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// A month list for the period picker, around the period shown.
fn period_options(to: chrono::NaiveDate) -> Vec<(String, String)> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let mut d = to.with_day(1).expect("BUG: day 1 exists");
    for _ in 0..12 {
        out.push((format!("{}-{:02}", d.year(), d.month()), format!("{:02}/{}", d.month(), d.year())));
        d = d.checked_sub_months(chrono::Months::new(1)).expect("BUG: date in range");
    }
    for y in [to.year(), to.year() - 1] {
        for q in (1..=4).rev() {
            out.push((format!("{y}-Q{q}"), format!("Q{q}/{y}")));
        }
        out.push((y.to_string(), y.to_string()));
    }
    out
}

fn band_text(m: &'static EMsgs, key: &str) -> &'static str {
    match key {
        "excellent" => m.band_excellent,
        "good" => m.band_good,
        "fair" => m.band_fair,
        "average" => m.band_average,
        "weak" => m.band_weak,
        _ => "–",
    }
}

fn kind_text(m: &'static EMsgs, k: UnitKind) -> &'static str {
    match k {
        UnitKind::Official => m.kind_official,
        UnitKind::Counter => m.kind_counter,
        UnitKind::Office => m.kind_office,
        UnitKind::Agency => m.kind_agency,
        UnitKind::Commune => m.kind_commune,
    }
}

/// Rankings with a period picker and a month-by-month chart. `public` is the transparency page:
/// offices, agencies and communes only, the same figures for everyone.
#[component]
pub fn RankingPage(public: bool) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).unwrap_or_default();
    let ranking =
        Resource::new_blocking(move || (q("kind"), q("period"), q("by")), |(k, p, b)| evaluation_ranking(k, p, b));
    let trend = Resource::new_blocking(move || q("period"), evaluation_trend);
    let title = if public { et(|m| m.transparency_title) } else { et(|m| m.ranking_title) };
    view! {
        <Title text=title />
        <section class="panel wide">
            <h1>{title}</h1>
            {public.then(|| view! { <p class="muted">{et(|m| m.transparency_intro)}</p> })}
            {(!public).then(|| view! {
                <nav class="row links">
                    <a href="/cases">{et(|m| m.cases_title)}</a>
                    <a href="/my/results">{et(|m| m.my_results_title)}</a>
                    <a href="/transparency">{et(|m| m.transparency_title)}</a>
                    <a href="/admin/evaluation">{et(|m| m.criteria_title)}</a>
                </nav>
            })}
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match ranking.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(r) => view! { <RankingView r=r public=public /> }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    trend.await.ok().map(|points| view! {
                        <h2>{et(|m| m.trend_title)}</h2>
                        <TrendChart points=points />
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RankingView(r: Ranking, public: bool) -> impl IntoView {
    let locale = use_locale();
    let m = locale.get_untracked().texts::<EMsgs>();
    let kinds: Vec<UnitKind> = r.kinds.iter().copied().filter(|k| !public || k.is_public()).collect();
    let action = if public { "/transparency" } else { "/evaluation" };
    let show_items = !public;
    view! {
        <form method="get" action=action class="inline filters" data-testid="ranking-filters">
            <label>{et(|m| m.unit)}
                <select name="kind">
                    {kinds.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=k == r.kind>{move || kind_text(locale.get().texts::<EMsgs>(), k)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{et(|m| m.period)}
                <select name="period">
                    {period_options(r.to).into_iter().map(|(v, l)| {
                        let sel = v == r.period;
                        view! { <option value=v selected=sel>{l}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{et(|m| m.rank_by)}
                <select name="by">
                    {RankBy::ALL.into_iter().map(|b| view! {
                        <option value=b.as_str() selected=b == r.by>{move || {
                            let m = locale.get().texts::<EMsgs>();
                            match b { RankBy::Score => m.col_score, RankBy::Satisfaction => m.col_satisfaction, RankBy::Ratio766 => m.col_766 }
                        }}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">{et(|m| m.show)}</button>
        </form>
        <p class="muted">{format!("{} – {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y"))}</p>
        {if r.rows.is_empty() {
            view! { <p class="notice" data-testid="ranking-empty">{et(|m| m.no_ratings)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                <table class="stats ranking" data-testid="ranking">
                    <thead><tr>
                        <th>{et(|m| m.col_rank)}</th><th>{move || kind_text(locale.get().texts::<EMsgs>(), r.kind)}</th>
                        <th>{et(|m| m.col_transactions)}</th><th>{et(|m| m.col_ratings)}</th><th>{et(|m| m.col_average)}</th>
                        <th>{et(|m| m.col_satisfaction)}</th><th>{et(|m| m.col_score)}</th><th>{et(|m| m.col_band)}</th>
                        <th>{et(|m| m.col_766)}</th>
                        {show_items.then(|| (0..5).map(|i| view! { <th title=m.items[i]>{m.items_short[i]}</th> }).collect_view())}
                    </tr></thead>
                    <tbody>
                        {r.rows.into_iter().map(|row| {
                            let band = band_key(row.figures.band);
                            view! {
                                <tr data-unit=row.unit_id.clone()>
                                    <td data-testid="rank">{row.rank}</td>
                                    <th scope="row">{row.name.clone()} {(!row.context.is_empty()).then(|| view! { <span class="muted small">" · " {row.context.clone()}</span> })}</th>
                                    <td>{row.evaluations}</td>
                                    <td data-testid="ratings">{row.ratings}</td>
                                    <td>{num(row.figures.average_rating)}</td>
                                    <td data-testid="satisfaction">{pct(row.figures.satisfaction_rate)}</td>
                                    <td>{pct(row.figures.score)}</td>
                                    <td class=format!("band band-{band}")>{move || band_text(locale.get().texts::<EMsgs>(), band)}</td>
                                    <td>{pct(row.figures.ratio_766)}</td>
                                    {show_items.then(|| row.items.iter().map(|v| view! { <td>{num(*v)}</td> }).collect_view())}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }.into_any()
        }}
    }
}

/// Satisfaction rate per month as bars, with the 90% line of Nghị quyết 76/NQ-CP.
#[component]
fn TrendChart(points: Vec<TrendPoint>) -> impl IntoView {
    if points.is_empty() {
        return view! { <p class="muted">{et(|m| m.no_ratings)}</p> }.into_any();
    }
    let (w, h, pad) = (40.0 * points.len() as f64 + 40.0, 160.0, 20.0);
    let y = move |v: f64| pad + (h - 2.0 * pad) * (1.0 - v / 100.0);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=et(|m| m.trend_title) data-testid="trend-chart">
                <line x1="30" x2=w y1=y(90.0) y2=y(90.0) class="target" />
                <text x="0" y=y(90.0) class="axis">"90%"</text>
                {points.iter().enumerate().map(|(i, p)| {
                    let v = p.figures.satisfaction_rate.unwrap_or(0.0);
                    let x = 36.0 + 40.0 * i as f64;
                    view! {
                        <g>
                            <rect x=x y=y(v) width="28" height=(y(0.0) - y(v)).max(0.0) class="bar">
                                <title>{format!("{}: {} ({} )", p.month, pct(p.figures.satisfaction_rate), p.ratings)}</title>
                            </rect>
                            <text x=x y=h - 4.0 class="axis">{p.month[5..].to_string()}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="muted small">{et(|m| m.trend_caption)}</figcaption>
        </figure>
    }
    .into_any()
}

fn figures_list(f: UnitFigures, evaluations: i64, ratings: i64) -> impl IntoView {
    let locale = use_locale();
    let band = band_key(f.band);
    view! {
        <dl class="figures" data-testid="my-figures">
            <dt>{et(|m| m.col_transactions)}</dt><dd>{evaluations}</dd>
            <dt>{et(|m| m.col_ratings)}</dt><dd data-testid="my-ratings">{ratings}</dd>
            <dt>{et(|m| m.col_average)}</dt><dd>{num(f.average_rating)}</dd>
            <dt>{et(|m| m.col_satisfaction)}</dt><dd>{pct(f.satisfaction_rate)}</dd>
            <dt>{et(|m| m.col_score)}</dt><dd>{pct(f.score)}</dd>
            <dt>{et(|m| m.col_band)}</dt><dd>{move || band_text(locale.get().texts::<EMsgs>(), band)}</dd>
            <dt>{et(|m| m.col_766)}</dt><dd>{pct(f.ratio_766)}</dd>
        </dl>
    }
}

/// `/my/results`: an official's own figures and what citizens said, without who said it.
#[component]
pub fn MyResultsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new_blocking(move || query.read().get("period").unwrap_or_default(), get_my_results);
    let locale = use_locale();
    view! {
        <Title text=et(|m| m.my_results_title) />
        <section class="panel wide">
            <h1>{et(|m| m.my_results_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(r) => {
                            let m = locale.get_untracked().texts::<EMsgs>();
                            view! {
                                <p class="muted">{et(|m| m.period)} ": " {r.period.clone()}</p>
                                {r.rank.map(|(k, n)| view! { <p data-testid="my-rank">{move || (locale.get().texts::<EMsgs>().rank_of)(k, n)}</p> })}
                                {figures_list(r.figures, r.evaluations, r.ratings)}
                                <table class="stats">
                                    <caption>{et(|m| m.items_title)}</caption>
                                    <tbody>
                                        {(0..5).map(|i| view! { <tr><th scope="row">{m.items[i]}</th><td>{num(r.items[i])}</td></tr> }).collect_view()}
                                    </tbody>
                                </table>
                                <h2>{et(|m| m.trend_title)}</h2>
                                <TrendChart points=r.trend.clone() />
                                <h2>{et(|m| m.recent_ratings)}</h2>
                                <ul class="ratings" data-testid="my-recent">
                                    {r.recent.into_iter().map(|o| view! {
                                        <li>
                                            <strong>{move || satisfaction_label(locale.get().texts::<EMsgs>(), o.overall)}</strong>
                                            " · " {o.label.clone()} " · " {o.service_day.format("%d/%m/%Y").to_string()}
                                            {o.comment.clone().map(|c| view! { <blockquote>{c}</blockquote> })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/evaluation/office/:office`: a supervisor's list of evaluated transactions, where a missing
/// indicator is recorded or a scored one re-assessed with a reason.
#[component]
pub fn OfficeEvaluationsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let reassess = ServerAction::<Reassess>::new();
    let done = saved(move || matches!(reassess.value().get(), Some(Ok(_))));
    let data = Resource::new_blocking(
        move || {
            (
                params.read().get("office").unwrap_or_default(),
                query.read().get("period").unwrap_or_default(),
                done.get(),
            )
        },
        |(o, p, _)| get_office_evaluations(o, p),
    );
    let err = Signal::derive(move || reassess.value().get().and_then(Result::err));
    let locale = use_locale();
    view! {
        <Title text=et(|m| m.office_evaluations_title) />
        <section class="panel wide">
            <h1>{et(|m| m.office_evaluations_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(o) => view! {
                            <p class="muted">{o.office_name.clone()} " · " {o.period.clone()}</p>
                            <Problem error=err />
                            <div class="table-scroll">
                            <table class="stats evaluations" data-testid="evaluations">
                                <thead><tr>
                                    <th>{et(|m| m.col_transaction)}</th><th>{et(|m| m.kind_counter)}</th><th>{et(|m| m.kind_official)}</th>
                                    {(1..=9).map(|i| view! { <th>{format!("CS{i}")}</th> }).collect_view()}
                                    <th>{et(|m| m.col_score)}</th><th>{et(|m| m.col_rating)}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {o.rows.into_iter().map(|e| {
                                        let id = e.evaluation_id.to_string();
                                        let id_form = id.clone();
                                        view! {
                                            <tr data-evaluation=id.clone()>
                                                <th scope="row">{e.label.clone()} <span class="muted small">" " {e.service_day.format("%d/%m").to_string()} " · " {e.criteria_code.clone()}</span></th>
                                                <td>{e.counter_number}</td>
                                                <td>{e.official_name.clone()}</td>
                                                {e.points.iter().zip(e.sources.iter()).map(|(p, s)| view! {
                                                    <td class=format!("pts src-{}", s.as_str())>{p.map(|p| p.to_string()).unwrap_or_else(|| "–".into())}</td>
                                                }).collect_view()}
                                                <td data-testid="eval-score">{pct(e.score)}</td>
                                                <td>{e.overall.map(|s| (s as u8).to_string())}{e.staff_entered.then_some(" ✎")}{e.complaint.then_some(" ⚑")}</td>
                                                <td>
                                                    <details>
                                                        <summary>{et(|m| m.reassess)}</summary>
                                                        <ActionForm action=reassess attr:class="stack reassess-form">
                                                            <input type="hidden" name="evaluation" value=id_form.clone() />
                                                            <label>{et(|m| m.indicator)}
                                                                <select name="indicator">
                                                                    {(1..=9).map(|i| view! { <option value=i.to_string()>{move || format!("{i}. {}", locale.get().texts::<EMsgs>().indicators[i - 1])}</option> }).collect_view()}
                                                                </select>
                                                            </label>
                                                            <label>{et(|m| m.points)}
                                                                <select name="points">
                                                                    <option value="2">"2"</option><option value="1">"1"</option><option value="0">"0"</option>
                                                                </select>
                                                            </label>
                                                            <label>{et(|m| m.reason)}
                                                                <textarea name="reason" rows="2" maxlength="1000"></textarea>
                                                            </label>
                                                            <p class="field-error" role="alert">{field_error(err, "reason")}</p>
                                                            <button type="submit">{et(|m| m.save)}</button>
                                                        </ActionForm>
                                                    </details>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn status_text(m: &'static EMsgs, s: CaseStatus) -> &'static str {
    m.case_status[CaseStatus::ALL.iter().position(|x| *x == s).unwrap_or(0)]
}

fn kind_index(k: CaseKind) -> usize {
    CaseKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

fn action_text(m: &'static EMsgs, a: CaseAction) -> &'static str {
    m.case_actions[CaseAction::ALL.iter().position(|x| *x == a).unwrap_or(0)]
}

/// `/cases`: the office head's feedback cases with their 766 deadlines.
#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let all = Memo::new(move |_| query.read().get("all").unwrap_or_default());
    let data = Resource::new_blocking(move || all.get(), feedback_cases);
    let locale = use_locale();
    view! {
        <Title text=et(|m| m.cases_title) />
        <section class="panel wide">
            <h1>{et(|m| m.cases_title)}</h1>
            <nav class="row links">
                <a href="/cases">{et(|m| m.open_cases)}</a>
                <a href="/cases?all=1">{et(|m| m.all_cases)}</a>
            </nav>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="notice">{et(|m| m.no_cases)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="cases" data-testid="cases">
                                {list.into_iter().map(|c| {
                                    let late = c.late.is_some();
                                    let kind = kind_index(c.kind);
                                    let escalated = (c.escalation > 0).then_some(c.escalation.clamp(1, 2) as usize - 1);
                                    view! {
                                        <li class:late=late data-code=c.code.clone()>
                                            <a href=format!("/cases/{}", c.case_id)><strong>{c.code.clone()}</strong></a>
                                            " · " {move || locale.get().texts::<EMsgs>().case_kinds[kind]}
                                            " · " {move || status_text(locale.get().texts::<EMsgs>(), c.status)}
                                            " · " {c.office_name.clone()}
                                            <br />
                                            <span class="muted small">{move || (locale.get().texts::<EMsgs>().resolve_by)(&c.dues.resolve.format("%d/%m/%Y").to_string())}</span>
                                            {late.then(|| view! { <span class="badge late">{et(|m| m.late)}</span> })}
                                            {escalated.map(|i| view! { " " <span class="badge late">{move || locale.get().texts::<EMsgs>().escalated[i]}</span> })}
                                            <p>{c.excerpt.clone()}</p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/cases/:id`: one case, its log with on-time marks, and the next steps.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<FeedbackCaseAct>::new();
    let done = saved(move || matches!(act.value().get(), Some(Ok(_))));
    let data = Resource::new_blocking(
        move || (params.read().get("id").unwrap_or_default(), done.get()),
        |(id, _)| feedback_case(id),
    );
    let err = Signal::derive(move || act.value().get().and_then(Result::err));
    let locale = use_locale();
    view! {
        <Title text=et(|m| m.case_title) />
        <section class="panel">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(c) => {
                            let s = c.summary.clone();
                            let id = s.case_id.to_string();
                            let dues = s.dues;
                            view! {
                                <h1>{et(|m| m.case_title)} " " {s.code.clone()}</h1>
                                <p data-testid="case-status" data-status=s.status.as_str()>{move || status_text(locale.get().texts::<EMsgs>(), s.status)}
                                    {s.late.is_some().then(|| view! { " " <span class="badge late">{et(|m| m.late)}</span> })}</p>
                                <p class="muted">{move || locale.get().texts::<EMsgs>().case_kinds[kind_index(s.kind)]} " · " {s.office_name.clone()}
                                    {c.procedure.clone().map(|p| format!(" · {p}"))} {c.phone.clone().map(|p| format!(" · ☎ {p}"))}</p>
                                {c.transaction.clone().map(|(label, day, overall)| view! {
                                    <p class="muted">{label} " · " {day.format("%d/%m/%Y").to_string()}
                                        {overall.map(|o| view! { " · " {move || satisfaction_label(locale.get().texts::<EMsgs>(), o)} })}</p>
                                })}
                                <blockquote data-testid="case-content">{c.content.clone()}</blockquote>
                                <dl class="figures">
                                    <dt>{et(|m| m.due_refuse)}</dt><dd>{dues.refuse.format("%d/%m/%Y").to_string()}</dd>
                                    <dt>{et(|m| m.due_info)}</dt><dd>{dues.request_info.format("%d/%m/%Y").to_string()}</dd>
                                    <dt>{et(|m| m.due_resolve)}</dt><dd data-testid="due-resolve">{dues.resolve.format("%d/%m/%Y").to_string()}</dd>
                                    {dues.publish.map(|p| view! { <dt>{et(|m| m.due_publish)}</dt><dd>{p.format("%d/%m/%Y").to_string()}</dd> })}
                                </dl>
                                {c.answer.clone().map(|a| view! { <h2>{et(|m| m.answer)}</h2><p data-testid="case-answer">{a}</p> })}
                                <h2>{et(|m| m.case_log)}</h2>
                                <ol class="log">
                                    {c.events.into_iter().map(|e| view! {
                                        <li>
                                            {crate::kernel::time::hhmm(e.at)} " " {e.at.with_timezone(&crate::kernel::time::vn_offset()).format("%d/%m/%Y").to_string()}
                                            " · " {e.action.clone()} {e.actor.clone().map(|a| format!(" · {a}"))}
                                            {e.on_time.map(|ok| view! { " " <span class=if ok { "badge ok" } else { "badge late" }>{move || { let m = locale.get().texts::<EMsgs>(); if ok { m.on_time } else { m.late } }}</span> })}
                                            {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
                                        </li>
                                    }).collect_view()}
                                </ol>
                                {(!c.actions.is_empty()).then(|| view! {
                                    <ActionForm action=act attr:class="stack" attr:data-testid="case-act">
                                        <input type="hidden" name="id" value=id.clone() />
                                        <label>{et(|m| m.next_step)}
                                            <select name="action">
                                                {c.actions.iter().map(|a| {
                                                    let a = *a;
                                                    view! { <option value=a.as_str()>{move || action_text(locale.get().texts::<EMsgs>(), a)}</option> }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                        {c.actions.contains(&CaseAction::Transfer).then(|| view! {
                                            <FieldFrame id="f-to-office".into() label=et(|m| m.transfer_to) error=field_error(err, "to_office")>
                                                <select id="f-to-office" name="to_office" data-testid="to-office">
                                                    <option value="">"–"</option>
                                                    {c.offices.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                                </select>
                                            </FieldFrame>
                                        })}
                                        <FieldFrame id="f-note".into() label=et(|m| m.note)
                                                    error=field_error(err, "note")>
                                            <textarea id="f-note" name="note" rows="3" maxlength="2000" aria-describedby="f-note-err"></textarea>
                                        </FieldFrame>
                                        <Problem error=err />
                                        <button type="submit" class="primary">{et(|m| m.save)}</button>
                                    </ActionForm>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/admin/evaluation`: the province administrator adds criteria versions (from a future day)
/// and sets the rating links' validity and rate limit.
#[component]
pub fn CriteriaAdminPage() -> impl IntoView {
    use super::server::{AddCriteriaSet, SetRatingConfig, get_criteria_admin};
    use crate::ui::field::Field;
    let add = ServerAction::<AddCriteriaSet>::new();
    let config = ServerAction::<SetRatingConfig>::new();
    let added = saved(move || matches!(add.value().get(), Some(Ok(_))));
    let configured = saved(move || matches!(config.value().get(), Some(Ok(_))));
    let data = Resource::new_blocking(move || (added.get(), configured.get()), |_| get_criteria_admin());
    let add_err = Signal::derive(move || add.value().get().and_then(Result::err));
    let config_err = Signal::derive(move || config.value().get().and_then(Result::err));
    let locale = use_locale();
    const W: [&str; 9] = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9"];
    view! {
        <Title text=et(|m| m.criteria_title) />
        <section class="panel wide">
            <h1>{et(|m| m.criteria_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(c) => view! {
                            <div class="table-scroll">
                            <table class="stats" data-testid="criteria-sets">
                                <thead><tr>
                                    <th>{et(|m| m.criteria_code)}</th><th>{et(|m| m.effective_from)}</th>
                                    {(1..=9).map(|i| view! { <th>{format!("CS{i}")}</th> }).collect_view()}
                                    <th>{et(|m| m.band_excellent)}</th><th>{et(|m| m.band_good)}</th><th>{et(|m| m.band_fair)}</th><th>{et(|m| m.band_average)}</th>
                                </tr></thead>
                                <tbody>
                                    {c.sets.iter().map(|s| view! {
                                        <tr>
                                            <th scope="row">{s.code.clone()}</th>
                                            <td>{s.set.effective_from.format("%d/%m/%Y").to_string()}</td>
                                            {s.set.weights.iter().map(|w| view! { <td>{format!("{w}")}</td> }).collect_view()}
                                            <td>{format!("≥ {}%", s.set.bands.excellent)}</td><td>{format!("≥ {}%", s.set.bands.good)}</td>
                                            <td>{format!("≥ {}%", s.set.bands.fair)}</td><td>{format!("≥ {}%", s.set.bands.average)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            <h2>{et(|m| m.rating_settings)}</h2>
                            <ActionForm action=config attr:class="stack" attr:data-testid="rating-config">
                                <Field name="rating_valid_days" label=et(|m| m.rating_valid_days) kind="number" inputmode="numeric" value=c.rating_valid_days.to_string() error=config_err />
                                <Field name="rating_requests_per_minute" label=et(|m| m.rating_rate) kind="number" inputmode="numeric" value=c.rating_requests_per_minute.to_string() error=config_err />
                                <Problem error=config_err />
                                <button type="submit">{et(|m| m.save)}</button>
                            </ActionForm>
                            <h2>{et(|m| m.new_criteria)}</h2>
                            <p class="muted">{et(|m| m.new_criteria_hint)}</p>
                            <ActionForm action=add attr:class="stack" attr:data-testid="criteria-form">
                                <Field name="code" label=et(|m| m.criteria_code) error=add_err />
                                <Field name="name" label=et(|m| m.criteria_name) error=add_err />
                                <Field name="effective_from" label=et(|m| m.effective_from) kind="date" error=add_err />
                                <fieldset class="grid-weights">
                                    <legend>{et(|m| m.weights)}</legend>
                                    {(0..9usize).map(|i| view! {
                                        <Field name=W[i] label={move || locale.get().texts::<EMsgs>().indicators[i]} kind="text" inputmode="decimal" value="1".to_string() error=add_err />
                                    }).collect_view()}
                                </fieldset>
                                <Field name="band_excellent" label=et(|m| m.band_excellent) inputmode="decimal" value=c.sets.last().map(|s| s.set.bands.excellent.to_string()).unwrap_or_default() error=add_err />
                                <Field name="band_good" label=et(|m| m.band_good) inputmode="decimal" value=c.sets.last().map(|s| s.set.bands.good.to_string()).unwrap_or_default() error=add_err />
                                <Field name="band_fair" label=et(|m| m.band_fair) inputmode="decimal" value=c.sets.last().map(|s| s.set.bands.fair.to_string()).unwrap_or_default() error=add_err />
                                <Field name="band_average" label=et(|m| m.band_average) inputmode="decimal" value=c.sets.last().map(|s| s.set.bands.average.to_string()).unwrap_or_default() error=add_err />
                                <Problem error=add_err />
                                <button type="submit" class="primary">{et(|m| m.save)}</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
