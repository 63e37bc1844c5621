//! Staff pages at the office: the offices hub, the kiosk (check-in and walk-in tickets) and
//! the counter console.

use super::live::use_office_events;
use crate::{
    i18n::{Locale, t, use_locale},
    kernel::error::AppError,
    queue::{
        IssuedTicket, OfficeAccess, Priority, TicketStatus,
        server::{CounterAct, CounterCallNext, KioskCheckIn, KioskWalkIn, counter_console, kiosk_info, my_counters},
    },
    ui::{
        field::{Field, FieldFrame, field_error},
        problem::{ErrorPanel, Problem},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::queue::i18n::{QMsgs, qt};

/// `/offices`: the offices a staff member works with and what they may open there.
#[component]
pub fn OfficesPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| my_counters());
    view! {
        <Title text=qt(|q| q.offices_title) />
        <section class="panel">
            <h1>{qt(|q| q.offices_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(v) if v.is_empty() => view! { <p>{qt(|q| q.no_offices)}</p> }.into_any(),
                        Ok(v) => view! {
                            <ul class="cards">
                                {v.into_iter().map(|oc| {
                                    let id = oc.office.office_id;
                                    let operate = oc.access >= OfficeAccess::Operate;
                                    let manage = oc.access >= OfficeAccess::Manage;
                                    view! {
                                        <li class="card" data-office=id.to_string()>
                                            <h2>{oc.office.name.clone()}</h2>
                                            <p class="muted">{oc.office.address.clone()}</p>
                                            <ul class="tiles">
                                                <li><a href="/book">{qt(|q| q.book_for_citizen)}</a></li>
                                                {operate.then(|| view! {
                                                    <li><a href=format!("/kiosk/{id}")>{qt(|q| q.kiosk_title)}</a></li>
                                                    {oc.counters.clone().into_iter().map(|c| view! {
                                                        <li><a href=format!("/counter/{}", c.counter_id)>{qt(|q| q.counter_word)} " " {c.number} " · " {c.name}</a></li>
                                                    }).collect_view()}
                                                })}
                                                <li><a href=format!("/board/{id}")>{qt(|q| q.board_title)}</a></li>
                                                {manage.then(|| view! {
                                                    <li><a href=format!("/manage/{id}")>{qt(|q| q.stats_title)}</a></li>
                                                    <li><a href=format!("/admin/office/{id}")>{qt(|q| q.setup_title)}</a></li>
                                                    <li><a href=format!("/evaluation/office/{id}")>{move || use_locale().get().texts::<crate::evaluation::i18n::EMsgs>().office_evaluations_title}</a></li>
                                                })}
                                            </ul>
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

#[component]
fn PrioritySelect(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <FieldFrame id="f-priority".into() label=qt(|q| q.priority_group) error=field_error(error, "priority")>
            <select id="f-priority" name="priority" aria-describedby="f-priority-err">
                <option value="">{qt(|q| q.priority_none)}</option>
                {Priority::ALL.into_iter().map(|p| view! {
                    <option value=p.as_str()>{move || p.label(locale.get().texts())}</option>
                }).collect_view()}
            </select>
        </FieldFrame>
    }
}

/// The ticket just issued, big enough to read from a step away, with a QR to follow it on a phone.
#[component]
fn IssuedPanel(issued: IssuedTicket) -> impl IntoView {
    let locale = use_locale();
    let link = format!("/ticket/{}", issued.ticket.token);
    let qr = issued.ticket_qr.clone();
    let walk_in = issued.as_walk_in;
    view! {
        <div class="issued" role="status" data-testid="issued">
            <p>{qt(|q| q.your_number)}</p>
            <p class="ticket-number" data-testid="ticket-number">{issued.ticket.label.clone()}</p>
            {walk_in.map(|_| view! { <p class="notice">{qt(|q| q.checkin_outside_window)}</p> })}
            <p>{move || (locale.get().texts::<QMsgs>().people_ahead)(issued.ticket.ahead)}</p>
            <div class="qr small" inner_html=qr></div>
            <p class="muted">{qt(|q| q.scan_to_follow)} " " <a href=link>{qt(|q| q.follow_ticket)}</a></p>
        </div>
    }
}

/// `/kiosk/:office`: a tablet at the entrance. Scan the booking's QR (camera) or type its code;
/// or take a walk-in ticket.
#[component]
pub fn KioskPage() -> impl IntoView {
    let params = use_params_map();
    let office = Memo::new(move |_| params.read().get("office").unwrap_or_default());
    let info = Resource::new_blocking(move || office.get(), kiosk_info);
    let check_in = ServerAction::<KioskCheckIn>::new();
    let walk_in = ServerAction::<KioskWalkIn>::new();
    let ci_error = Signal::derive(move || check_in.value().get().and_then(|r| r.err()));
    let wi_error = Signal::derive(move || walk_in.value().get().and_then(|r| r.err()));
    // The latest of the two results is shown.
    let issued = Memo::new(move |_| {
        let a = check_in.value().get().and_then(Result::ok);
        let b = walk_in.value().get().and_then(Result::ok);
        match (a, b) {
            (Some(a), Some(b)) => Some(if a.ticket.issued_at >= b.ticket.issued_at { a } else { b }),
            (a, b) => a.or(b),
        }
    });
    let scanned = move |code: String| {
        check_in.dispatch(KioskCheckIn { office: office.get_untracked(), code, priority: String::new() });
    };
    view! {
        <Title text=qt(|q| q.kiosk_title) />
        <section class="panel kiosk">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok((o, procs)) => {
                            let locale = use_locale();
                            let id = o.office_id;
                            view! {
                                <h1>{qt(|q| q.kiosk_title)} " · " {o.name.clone()}</h1>
                                {move || issued.get().map(|i| view! { <IssuedPanel issued=i /> })}
                                <div class="kiosk-grid">
                                    <div class="kiosk-box">
                                        <h2>{qt(|q| q.have_booking)}</h2>
                                        <crate::queue::scanner::QrScanner on_code=Callback::new(scanned) />
                                        <ActionForm action=check_in attr:class="stack" attr:data-testid="checkin-form">
                                            <input type="hidden" name="office" value=id.to_string() />
                                            <Field name="code" label=qt(|q| q.booking_code) autocomplete="off" error=ci_error />
                                            <PrioritySelect error=ci_error />
                                            <Problem error=ci_error />
                                            <button type="submit" class="button primary">{qt(|q| q.check_in)}</button>
                                        </ActionForm>
                                    </div>
                                    <div class="kiosk-box">
                                        <h2>{qt(|q| q.no_booking)}</h2>
                                        <ActionForm action=walk_in attr:class="stack" attr:data-testid="walkin-form">
                                            <input type="hidden" name="office" value=id.to_string() />
                                            <FieldFrame id="f-procedure".into() label=qt(|q| q.procedure) error=field_error(wi_error, "procedure")>
                                                <select id="f-procedure" name="procedure" required=true aria-describedby="f-procedure-err">
                                                    {procs.into_iter().map(|p| {
                                                        let (vi, en) = (p.name.clone(), p.name_en.clone());
                                                        view! { <option value=p.code>{move || if locale.get() == Locale::En { en.clone() } else { vi.clone() }}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </FieldFrame>
                                            <PrioritySelect error=wi_error />
                                            <Problem error=wi_error />
                                            <button type="submit" class="button primary">{qt(|q| q.take_number)}</button>
                                        </ActionForm>
                                    </div>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/counter/:counter`: the officer's console.
#[component]
pub fn CounterPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let counter = Memo::new(move |_| params.read().get("counter").unwrap_or_default());
    let call = ServerAction::<CounterCallNext>::new();
    let act = ServerAction::<CounterAct>::new();
    let live = RwSignal::new(0u32);
    let console = Resource::new_blocking(
        move || (counter.get(), call.version().get(), act.version().get(), live.get()),
        |(c, _, _, _)| counter_console(c),
    );
    let call_error = Signal::derive(move || call.value().get().and_then(|r| r.err()));
    let act_error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    let nobody = Signal::derive(move || matches!(call.value().get(), Some(Ok(None))));
    let office_id = Memo::new(move |_| console.get().and_then(Result::ok).map(|c| c.office_id));
    use_office_events(office_id, move |_| live.update(|v| *v += 1));
    view! {
        <Title text=qt(|q| q.counter_console) />
        <section class="panel console">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match console.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(c) => {
                            let cid = c.counter.counter_id;
                            let f = c.my_figures.clone();
                            view! {
                                <h1>{qt(|q| q.counter_word)} " " {c.counter.number} " · " {c.counter.name.clone()}</h1>
                                <p class="muted">{c.office_name.clone()}
                                    " · " <a href=format!("/counter/{cid}/rate") data-testid="rate-us">{move || locale.get().texts::<crate::evaluation::i18n::EMsgs>().rate_us}</a></p>
                                <p data-testid="waiting-here">{move || (locale.get().texts::<QMsgs>().waiting_for_counter)(c.waiting_here)}</p>
                                <ActionForm action=call attr:class="inline">
                                    <input type="hidden" name="counter" value=cid.to_string() />
                                    <button type="submit" class="button primary big" data-testid="call-next">{qt(|q| q.call_next)}</button>
                                </ActionForm>
                                <Problem error=call_error />
                                {move || nobody.get().then(|| view! { <p class="notice">{qt(|q| q.nobody_waiting)}</p> })}
                                {c.current.clone().map(|cur| {
                                    let tid = cur.ticket_id;
                                    let serving = cur.status == TicketStatus::Serving;
                                    let button = |action: &'static str, label: fn(&'static crate::queue::i18n::QMsgs) -> &'static str, cls: &'static str| {
                                        view! {
                                            <ActionForm action=act attr:class="inline">
                                                <input type="hidden" name="counter" value=cid.to_string() />
                                                <input type="hidden" name="ticket" value=tid.to_string() />
                                                <input type="hidden" name="action" value=action />
                                                <input type="hidden" name="arg" value="" />
                                                <button type="submit" class=format!("button {cls}") data-action=action>{qt(label)}</button>
                                            </ActionForm>
                                        }
                                    };
                                    view! {
                                        <div class="current" data-status=cur.status.as_str()>
                                            <p class="ticket-number" data-testid="current-ticket">{cur.label.clone()}</p>
                                            <p>{cur.procedure_name.clone()}
                                               {cur.priority.map(|p| view! { " · " <strong>{move || p.label(locale.get().texts())}</strong> })}
                                               {cur.booked.then(|| view! { " · " {qt(|q| q.booked_badge)} })}
                                            </p>
                                            <div class="actions">
                                                {(!serving).then(|| button("recall", |q| q.recall, ""))}
                                                {(!serving).then(|| button("start", |q| q.start_service, "primary"))}
                                                {(!serving).then(|| button("no_show", |q| q.no_show, "danger"))}
                                            </div>
                                            <ActionForm action=act attr:class="stack">
                                                <input type="hidden" name="counter" value=cid.to_string() />
                                                <input type="hidden" name="ticket" value=tid.to_string() />
                                                <input type="hidden" name="action" value="finish" />
                                                <Field name="arg" label=qt(|q| q.dossier_code) hint=qt(|q| q.dossier_code_hint) error=act_error />
                                                <button type="submit" class="button primary" data-action="finish">{qt(|q| q.finish_service)}</button>
                                            </ActionForm>
                                            <details>
                                                <summary>{qt(|q| q.transfer)}</summary>
                                                <ActionForm action=act attr:class="stack">
                                                    <input type="hidden" name="counter" value=cid.to_string() />
                                                    <input type="hidden" name="ticket" value=tid.to_string() />
                                                    <input type="hidden" name="action" value="to_counter" />
                                                    <label for="f-to-counter">{qt(|q| q.to_counter)}</label>
                                                    <select id="f-to-counter" name="arg">
                                                        {c.other_counters.clone().into_iter().map(|k| view! {
                                                            <option value=k.counter_id.to_string()>{k.number} " · " {k.name}</option>
                                                        }).collect_view()}
                                                    </select>
                                                    <button type="submit" class="button">{qt(|q| q.transfer)}</button>
                                                </ActionForm>
                                                <ActionForm action=act attr:class="stack">
                                                    <input type="hidden" name="counter" value=cid.to_string() />
                                                    <input type="hidden" name="ticket" value=tid.to_string() />
                                                    <input type="hidden" name="action" value="to_procedure" />
                                                    <label for="f-to-procedure">{qt(|q| q.to_procedure)}</label>
                                                    <select id="f-to-procedure" name="arg">
                                                        {c.procedures.clone().into_iter().map(|p| view! { <option value=p.code>{p.name}</option> }).collect_view()}
                                                    </select>
                                                    <button type="submit" class="button">{qt(|q| q.transfer)}</button>
                                                </ActionForm>
                                            </details>
                                        </div>
                                    }
                                })}
                                <Problem error=act_error />
                                <h2>{qt(|q| q.my_figures_today)}</h2>
                                <dl class="figures" data-testid="my-figures">
                                    <dt>{qt(|q| q.served)}</dt><dd>{f.served}</dd>
                                    <dt>{qt(|q| q.no_shows)}</dt><dd>{f.no_show}</dd>
                                    <dt>{qt(|q| q.avg_wait)}</dt><dd>{format!("{:.1}", f.average_wait_minutes)} " " {qt(|q| q.minutes)}</dd>
                                    <dt>{qt(|q| q.avg_service)}</dt><dd>{format!("{:.1}", f.average_service_minutes)} " " {qt(|q| q.minutes)}</dd>
                                </dl>
                                <p><a href="/offices">{qt(|q| q.offices_title)}</a></p>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
