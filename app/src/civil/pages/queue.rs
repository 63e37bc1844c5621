//! `/civil`: the official's lists with counts, filters and one page of the chosen list.

use super::base::loading;
use crate::civil::i18n::{CMsgs, ct};
use crate::civil::server::civil_queue;
use crate::civil::{
    Age, Tab,
    domain::{Channel, DossierKind},
};
use crate::i18n::texts;
use crate::{
    i18n::{format_date, format_datetime},
    ui::problem::ErrorPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/civil`: the official's lists with counts, filters and one page of the chosen list.
#[component]
pub fn WorkQueuePage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).unwrap_or_default();
    let data = Resource::new_blocking(
        move || (q("tab"), q("kind"), q("channel"), q("age"), q("page")),
        |(tab, kind, channel, age, page)| civil_queue(tab, kind, channel, age, page),
    );
    let m = texts::<CMsgs>();
    let fm = texts::<crate::field::i18n::FMsgs>();
    let link = move |tab: &str, page: u32| {
        let mut s = format!("/civil?tab={tab}");
        for k in ["kind", "channel", "age"] {
            let v = q(k);
            if !v.is_empty() {
                s.push_str(&format!("&{k}={v}"));
            }
        }
        if page > 0 {
            s.push_str(&format!("&page={page}"));
        }
        s
    };
    view! {
        <Title text=ct(|m| m.queue_title) />
        <section class="panel wide civil-queue">
            <header class="row spread">
                <h1>{ct(|m| m.queue_title)}</h1>
                <a class="button primary" href="/civil/new">{ct(|m| m.new_dossier)}</a>
            </header>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(w) => {
                            let current = Tab::parse(&q("tab")).unwrap_or(Tab::Notified);
                            let pages = ((w.total as u32).div_ceil(w.page_size)).max(1);
                            let page = w.page;
                            view! {
                                <p class="muted">{w.commune_name.clone()}</p>
                                {(w.undelivered > 0).then(|| {
                                    let (n, days) = (w.undelivered, w.undelivered_days);
                                    view! {
                                        <p class="notice warn" data-testid="undelivered">
                                            {move || (fm().undelivered_note)(n, days)} " "
                                            <a href=link(Tab::ToDeliver.as_str(), 0)>{move || m().tab(Tab::ToDeliver)}</a>
                                        </p>
                                    }
                                })}
                                <nav class="tabs" aria-label=ct(|m| m.queue_title)>
                                    {w.counts.iter().map(|(tab, n)| {
                                        let (tab, n) = (*tab, *n);
                                        view! {
                                            <a href=link(tab.as_str(), 0) class="tab" data-tab=tab.as_str()
                                               aria-current=(tab == current).then_some("page")
                                               class:urgent=(tab == Tab::Overdue && n > 0)>
                                                {move || m().tab(tab)} " " <span class="count">{n}</span>
                                            </a>
                                        }
                                    }).collect_view()}
                                </nav>
                                <form method="get" action="/civil" class="filters row">
                                    <input type="hidden" name="tab" value=current.as_str() />
                                    <FilterSelect name="kind" label=ct(|m| m.filter_kind) current=q("kind")
                                        options=DossierKind::ALL.iter().map(|k| (k.as_str(), m().kind(*k))).collect() />
                                    <FilterSelect name="channel" label=ct(|m| m.filter_channel) current=q("channel")
                                        options=Channel::ALL.iter().map(|c| (c.as_str(), m().channel(*c))).collect() />
                                    <FilterSelect name="age" label=ct(|m| m.filter_age) current=q("age")
                                        options=vec![(Age::Today.as_str(), m().age_today), (Age::UpTo7Days.as_str(), m().age_7d), (Age::Older.as_str(), m().age_older)] />
                                    <button type="submit" class="button">{ct(|m| m.apply)}</button>
                                </form>
                                {if w.rows.is_empty() {
                                    view! { <p class="notice" data-testid="queue-empty">{ct(|m| m.empty_list)}</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="data queue-table" data-testid="work-queue">
                                            <thead><tr>
                                                <th>{ct(|m| m.col_code)}</th><th>{ct(|m| m.col_kind)}</th><th>{ct(|m| m.col_subject)}</th>
                                                <th>{ct(|m| m.col_channel)}</th><th>{ct(|m| m.col_received)}</th><th>{ct(|m| m.col_due)}</th><th></th>
                                            </tr></thead>
                                            <tbody>
                                                {w.rows.into_iter().map(|r| view! {
                                                    <tr data-code=r.code.clone() class:overdue=r.overdue>
                                                        <td><a href=format!("/civil/d/{}", r.code)>{r.code.clone()}</a></td>
                                                        <td>{move || m().kind(r.kind)}</td>
                                                        <td>{r.subject_name.clone()}</td>
                                                        <td>{move || m().channel(r.channel)}</td>
                                                        <td>{format_datetime(r.received_at)}</td>
                                                        <td>{format_date(r.due_on)}</td>
                                                        <td class="flags">
                                                            {r.overdue.then(|| view! { <span class="badge alert">{ct(|m| m.overdue_flag)}</span> })}
                                                            {r.late.then(|| view! { <span class="badge">{ct(|m| m.late_flag)}</span> })}
                                                            {r.duplicate.then(|| view! { <span class="badge warn">{ct(|m| m.duplicate_flag)}</span> })}
                                                            {r.undelivered.then(|| view! { <span class="badge alert" data-flag="undelivered">{move || fm().undelivered_flag}</span> })}
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        <nav class="row pager">
                                            {(page > 0).then(|| view! { <a href=link(current.as_str(), page - 1)>{ct(|m| m.prev_page)}</a> })}
                                            <span>{move || (m().page_of)(page + 1, pages)}</span>
                                            {(page + 1 < pages).then(|| view! { <a href=link(current.as_str(), page + 1)>{ct(|m| m.next_page)}</a> })}
                                        </nav>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub(super) fn FilterSelect(
    name: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    current: String,
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            <option value="">{ct(|m| m.any)}</option>
            {options.into_iter().map(|(v, text)| view! {
                <option value=v selected=current == v>{text}</option>
            }).collect_view()}
        </select>
    }
}
