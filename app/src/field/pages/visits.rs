//! The visits tab: the commune's visits and the collector's own, certificates to hand over,
//! her figures.

use super::sync::{Tab, now, use_field};
use crate::i18n::texts;
use crate::{
    civil::{
        domain::DossierKind,
        i18n::{CMsgs, ct},
    },
    field::{
        dto::{Outcome, TaskView, ToDeliver},
        i18n::FMsgs,
        offline::{self, Draft, OutState, Payload},
        server::{TakeTask, field_figures, field_tasks, field_to_deliver},
    },
    i18n::{format_date, format_datetime},
    kernel::error::AppError,
    ui::problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Visits of the commune and the collector's own; certificates to hand over; her figures.
#[component]
pub(super) fn VisitsTab() -> impl IntoView {
    let f = use_field();
    let m = texts::<CMsgs>();
    let fm = texts::<FMsgs>();
    let take = ServerAction::<TakeTask>::new();
    let done = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(take.value().get(), Some(Ok(_))) {
            done.update(|v| *v += 1);
        }
    });
    // From the server, kept on the phone; the phone's copy when there is no network.
    let tasks = LocalResource::new(move || {
        let _ = done.get();
        async move {
            match field_tasks().await {
                Ok(list) => {
                    offline::cache_put("tasks", &list).await;
                    Ok(list)
                }
                // No network: the phone's copy. Signed out: the copy goes too.
                Err(e @ AppError::Transport(_)) => offline::cache_get::<Vec<TaskView>>("tasks").await.ok_or(e),
                Err(e) => {
                    if e == AppError::Unauthorized {
                        offline::cache_drop("tasks").await;
                    }
                    Err(e)
                }
            }
        }
    });
    let deliveries = LocalResource::new(move || {
        let _ = f.answers.get();
        async move {
            match field_to_deliver().await {
                Ok(list) => {
                    offline::cache_put("deliveries", &list).await;
                    Ok(list)
                }
                // No network: the phone's copy. Signed out: the copy goes too.
                Err(e @ AppError::Transport(_)) => offline::cache_get::<Vec<ToDeliver>>("deliveries").await.ok_or(e),
                Err(e) => {
                    if e == AppError::Unauthorized {
                        offline::cache_drop("deliveries").await;
                    }
                    Err(e)
                }
            }
        }
    });
    let err = Signal::derive(move || take.value().get().and_then(Result::err));
    let start = move |kind: DossierKind, task: Option<&TaskView>| {
        let d = Draft {
            id: Uuid::new_v4(),
            kind,
            task: task.map(|t| t.task_id),
            family: task.map(|t| t.family_name.clone()).unwrap_or_default(),
            fields: BTreeMap::new(),
            consent: false,
            photos: Vec::new(),
            started_at: now(),
        };
        // In the list first: the form opens on a draft it can find.
        let id = d.id;
        f.save_draft(d);
        f.editing.set(Some(id));
        f.tab.set(Tab::Capture);
    };
    view! {
        <FieldFigures />
        <h2>{move || fm().new_visit}</h2>
        <p class="row">
            {DossierKind::ALL.into_iter().map(|k| view! {
                <button type="button" class="button" data-testid=format!("start-{}", k.as_str())
                        on:click=move |_| start(k, None)>{move || m().kind(k)}</button>
            }).collect_view()}
        </p>
        <h2>{ct(|m| m.field_title)}</h2>
        <Show when=move || !f.online.get()><p class="muted small">{move || fm().list_offline}</p></Show>
        <Problem error=err />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match tasks.await {
                    Err(e) if f.online.get_untracked() => view! { <ErrorPanel error=e /> }.into_any(),
                    Err(_) => view! { <p class="notice">{fm().list_offline}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="notice">{ct(|m| m.no_tasks)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" data-testid="tasks">
                            {list.into_iter().map(|t| {
                                let id = t.task_id.to_string();
                                let data_id = id.clone();
                                let mine = t.mine;
                                let source = m().task_source(&t.source);
                                let kind = t.kind;
                                let task = t.clone();
                                view! {
                                    <li class="card" data-task=data_id class:mine=mine>
                                        <p><strong>{m().kind(t.kind)}</strong> " · " {source}
                                            {mine.then(|| view! { " · " <span class="badge ok">{ct(|m| m.task_mine)}</span> })}</p>
                                        <p class="family">{t.family_name.clone()}</p>
                                        <p class="muted">{t.address.clone()}</p>
                                        {t.legal_deadline.map(|d| view! { <p>{ct(|m| m.task_deadline)} ": " <strong>{format_date(d)}</strong></p> })}
                                        {t.phone.clone().map(|p| view! { <p><a href=format!("tel:{p}")>{p.clone()}</a></p> })}
                                        {(!t.note.is_empty()).then(|| view! { <p>{t.note.clone()}</p> })}
                                        <p class="row">
                                            {mine.then(|| view! {
                                                <button type="button" class="button primary" data-testid="capture-task"
                                                        on:click=move |_| start(kind, Some(&task))>{move || fm().capture}</button>
                                            })}
                                            <ActionForm action=take attr:class="inline">
                                                <input type="hidden" name="task" value=id />
                                                <input type="hidden" name="take" value=if mine { "0" } else { "1" } />
                                                <button type="submit" class=if mine { "button" } else { "button primary" }
                                                        disabled=move || take.pending().get() || !f.online.get()>
                                                    {move || if mine { m().task_hand_back } else { m().task_take }}
                                                </button>
                                            </ActionForm>
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
        <h2>{move || fm().to_deliver}</h2>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match deliveries.await {
                    Err(_) => view! { <p class="notice">{fm().list_offline}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="notice">{fm().nothing_to_deliver}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" data-testid="to-deliver">
                            {list.into_iter().map(|d| {
                                let code = d.code.clone();
                                let item = d.clone();
                                let recorded = move || f.outbox.with(|o| o.iter().any(|x| {
                                    matches!(&x.payload, Payload::Handover { code: c, .. } if *c == code)
                                        && (x.waiting() || matches!(&x.state, OutState::Answered(r) if r.outcome == Outcome::Accepted))
                                }));
                                view! {
                                    <li class="card" data-code=d.code.clone()>
                                        <p><strong>{m().kind(d.kind)}</strong> " · " {d.code.clone()}
                                            {d.flagged.then(|| view! { " " <span class="badge warn">{move || fm().undelivered_flag}</span> })}</p>
                                        <p class="family">{d.subject_name.clone()}</p>
                                        {d.registered_at.map(|t| view! { <p class="muted">{move || fm().registered_on} " " {format_datetime(t)}</p> })}
                                        <p class="muted small">{move || if d.letter_signed { fm().letter_ready } else { fm().letter_unsigned }}</p>
                                        <p>
                                            <Show when=recorded fallback=move || {
                                                let item = item.clone();
                                                view! {
                                                    <button type="button" class="button primary" data-testid="deliver"
                                                            on:click=move |_| { f.delivering.set(Some(item.clone())); f.tab.set(Tab::Capture); }>
                                                        {move || fm().record_handover}
                                                    </button>
                                                }
                                            }>
                                                <span class="badge ok">{move || fm().handover_recorded}</span>
                                            </Show>
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The collector's own counts, this month and this year.
#[component]
pub(super) fn FieldFigures() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| field_figures());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|f| view! {
                    <table class="data figures-table" data-testid="my-figures">
                        <thead><tr><th></th><th>{ct(|m| m.this_month)}</th><th>{ct(|m| m.this_year)}</th></tr></thead>
                        <tbody>
                            <tr><th>{ct(|m| m.fig_visits)}</th><td>{f.month.visits}</td><td>{f.year.visits}</td></tr>
                            <tr><th>{ct(|m| m.fig_submitted)}</th><td>{f.month.submitted}</td><td>{f.year.submitted}</td></tr>
                            <tr><th>{ct(|m| m.fig_registered)}</th><td>{f.month.registered}</td><td>{f.year.registered}</td></tr>
                            <tr><th>{ct(|m| m.fig_delivered)}</th><td>{f.month.delivered}</td><td>{f.year.delivered}</td></tr>
                        </tbody>
                    </table>
                })
            })}
        </Transition>
    }
}
