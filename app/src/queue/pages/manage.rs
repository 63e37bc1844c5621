//! The manager's waiting-time figures and the office set-up.

use super::live::use_office_events;
use crate::{
    i18n::{Locale, t, use_locale},
    queue::{
        StatRow, WaitSummary,
        server::{
            SetupConfig, SetupCounter, SetupDevice, SetupDeviceRevoke, SetupHours, SetupProcedure, get_office_setup,
            get_office_stats,
        },
    },
    ui::{
        field::{Field, FieldFrame, field_error},
        problem::{ErrorPanel, Problem},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::queue::i18n::{QMsgs, qt};

fn mins(x: f64) -> String {
    format!("{x:.1}")
}

#[component]
fn SummaryRow(label: String, s: WaitSummary, #[prop(optional)] service: Option<f64>) -> impl IntoView {
    let over = s.average > crate::queue::WAIT_TARGET_MINUTES;
    view! {
        <tr class:over=over>
            <th scope="row">{label}</th>
            <td>{s.count}</td>
            <td>{mins(s.average)}</td>
            <td>{mins(s.p90)}</td>
            <td>{format!("{:.0}%", s.share_over_target * 100.0)}</td>
            <td>{service.map(mins).unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}

#[component]
fn StatTable(rows: Vec<StatRow>, #[prop(into)] caption: String) -> impl IntoView {
    view! {
        <table class="stats">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th></th>
                    <th>{qt(|q| q.col_tickets)}</th>
                    <th>{qt(|q| q.col_avg_wait)}</th>
                    <th>{qt(|q| q.col_p90)}</th>
                    <th>{qt(|q| q.col_over_15)}</th>
                    <th>{qt(|q| q.col_avg_service)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! { <SummaryRow label=r.label s=r.wait service=r.average_service_minutes /> }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/manage/:office`: waiting and service times against the 15-minute target.
#[component]
pub fn StatsPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let office = Memo::new(move |_| params.read().get("office").unwrap_or_default());
    let week = Memo::new(move |_| query.read().get("period").as_deref() == Some("week"));
    let live = RwSignal::new(0u32);
    let stats =
        Resource::new_blocking(move || (office.get(), week.get(), live.get()), |(o, w, _)| get_office_stats(o, w));
    let office_id = Memo::new(move |_| stats.get().and_then(Result::ok).map(|s| s.office.office_id));
    use_office_events(office_id, move |_| live.update(|v| *v += 1));
    view! {
        <Title text=qt(|q| q.stats_title) />
        <section class="panel">
            <h1>{qt(|q| q.stats_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(s) => {
                            let id = s.office.office_id;
                            let m = locale.get_untracked().texts::<QMsgs>();
                            let period = if week.get_untracked() { m.this_week } else { m.today };
                            view! {
                                <p class="muted">{s.office.name.clone()}</p>
                                {s.alert.then(|| view! {
                                    <p class="alert" role="alert" data-testid="wait-alert">{move || (locale.get().texts::<QMsgs>().alert_projected)(s.projected_average_wait)}</p>
                                })}
                                <dl class="figures" data-testid="stats">
                                    <dt>{qt(|q| q.queue_length)}</dt><dd data-testid="queue-length">{s.queue_length}</dd>
                                    <dt>{qt(|q| q.projected_wait)}</dt><dd>{mins(s.projected_average_wait)} " " {qt(|q| q.minutes)}</dd>
                                    <dt>{qt(|q| q.booked_today)}</dt><dd>{s.booked_today}</dd>
                                    <dt>{qt(|q| q.no_shows)}</dt><dd>{s.no_show_today}</dd>
                                </dl>
                                <table class="stats">
                                    <caption>{qt(|q| q.office_wait)}</caption>
                                    <thead><tr><th></th><th>{qt(|q| q.col_tickets)}</th><th>{qt(|q| q.col_avg_wait)}</th><th>{qt(|q| q.col_p90)}</th><th>{qt(|q| q.col_over_15)}</th><th>{qt(|q| q.col_avg_service)}</th></tr></thead>
                                    <tbody>
                                        <SummaryRow label=m.today.to_owned() s=s.today />
                                        <SummaryRow label=m.this_week.to_owned() s=s.week />
                                    </tbody>
                                </table>
                                <nav class="week-nav">
                                    <a href=format!("/manage/{id}")>{qt(|q| q.today)}</a>
                                    <a href=format!("/manage/{id}?period=week")>{qt(|q| q.this_week)}</a>
                                </nav>
                                <StatTable rows=s.per_counter caption=format!("{} · {}", m.per_counter, period) />
                                <StatTable rows=s.per_officer caption=format!("{} · {}", m.per_officer, period) />
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/admin/office/:office`: booking rules, hours, procedures, counters and devices.
#[component]
pub fn SetupPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let office = Memo::new(move |_| params.read().get("office").unwrap_or_default());
    let config = ServerAction::<SetupConfig>::new();
    let hours = ServerAction::<SetupHours>::new();
    let procedure = ServerAction::<SetupProcedure>::new();
    let counter = ServerAction::<SetupCounter>::new();
    let device = ServerAction::<SetupDevice>::new();
    let revoke = ServerAction::<SetupDeviceRevoke>::new();
    let setup = Resource::new_blocking(
        move || {
            (
                office.get(),
                config.version().get(),
                hours.version().get(),
                procedure.version().get(),
                counter.version().get(),
                device.version().get(),
                revoke.version().get(),
            )
        },
        |(o, ..)| get_office_setup(o),
    );
    let config_err = Signal::derive(move || config.value().get().and_then(|r| r.err()));
    let hours_err = Signal::derive(move || hours.value().get().and_then(|r| r.err()));
    let proc_err = Signal::derive(move || procedure.value().get().and_then(|r| r.err()));
    let counter_err = Signal::derive(move || counter.value().get().and_then(|r| r.err()));
    let device_err = Signal::derive(move || device.value().get().and_then(|r| r.err()));
    let new_key = Signal::derive(move || device.value().get().and_then(|r| r.ok()));
    view! {
        <Title text=qt(|q| q.setup_title) />
        <section class="panel setup">
            <h1>{qt(|q| q.setup_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(s) => {
                            let id = s.office.office_id;
                            let c = s.config.clone();
                            let en = move || locale.get() == Locale::En;
                            let v = |n: i32| Signal::derive(move || n.to_string());
                            let hours_view = (1..=7i16).map(|wd| {
                                let text = s.hours.iter().filter(|h| h.0 == wd)
                                    .map(|h| format!("{}-{}", h.1.format("%H:%M"), h.2.format("%H:%M")))
                                    .collect::<Vec<_>>().join(", ");
                                let field: &'static str = ["sessions1", "sessions2", "sessions3", "sessions4", "sessions5", "sessions6", "sessions7"][wd as usize - 1];
                                view! {
                                    <ActionForm action=hours attr:class="inline hours">
                                        <input type="hidden" name="office" value=id.to_string() />
                                        <input type="hidden" name="weekday" value=wd.to_string() />
                                        <label for=format!("f-{field}")>{move || locale.get().texts::<QMsgs>().weekdays[wd as usize - 1]}</label>
                                        <input id=format!("f-{field}") name="sessions" value=text.clone() prop:value=text aria-invalid=move || hours_err.get().and_then(|e| e.field(field)).map(|_| "true") />
                                        <button type="submit" class="button">{qt(|q| q.save)}</button>
                                        <span class="field-error" role="alert">{field_error(hours_err, field)}</span>
                                    </ActionForm>
                                }
                            }).collect_view();
                            let proc_rows = s.procedures.iter().map(|p| {
                                let (vi, en_) = (p.procedure.name.clone(), p.procedure.name_en.clone());
                                view! { <tr><td>{move || if en() { en_.clone() } else { vi.clone() }}</td><td>{p.prefix.clone()}</td><td>{p.capacity_per_slot}</td></tr> }
                            }).collect_view();
                            let proc_options = s.procedures.iter().map(|p| p.procedure.clone()).chain(s.catalogue.clone())
                                .map(|p| view! { <option value=p.code>{p.name}</option> }).collect_view();
                            let procs = s.procedures.clone();
                            let counters_view = s.counters.clone().into_iter().map(|k| {
                                let cid = k.counter.counter_id.to_string();
                                let boxes = procs.clone().into_iter().enumerate().map(|(i, p)| {
                                    let checked = k.procedure_codes.contains(&p.procedure.code);
                                    view! {
                                        <label class="check">
                                            <input type="checkbox" name=format!("procedures[{i}]") value=p.procedure.code checked=checked prop:checked=checked />
                                            {p.prefix} " · " {p.procedure.name}
                                        </label>
                                    }
                                }).collect_view();
                                view! {
                                    <ActionForm action=counter attr:class="stack counter-setup">
                                        <input type="hidden" name="counter" value=cid />
                                        <fieldset>
                                            <legend>{qt(|q| q.counter_word)} " " {k.counter.number} " · " {k.counter.name}</legend>
                                            {boxes}
                                        </fieldset>
                                        <button type="submit" class="button">{qt(|q| q.save)}</button>
                                    </ActionForm>
                                }
                            }).collect_view();
                            let devices_view = s.devices.iter().map(|d| {
                                let did = d.device_id.to_string();
                                view! {
                                    <li>
                                        {d.name.clone()} " "
                                        {if d.active {
                                            view! {
                                                <ActionForm action=revoke attr:class="inline">
                                                    <input type="hidden" name="device" value=did />
                                                    <button type="submit" class="button danger">{qt(|q| q.revoke)}</button>
                                                </ActionForm>
                                            }.into_any()
                                        } else {
                                            view! { <span class="muted">{qt(|q| q.revoked)}</span> }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view();
                            view! {
                                <p class="muted">{s.office.name.clone()}</p>
                                <h2>{qt(|q| q.booking_rules)}</h2>
                                <ActionForm action=config attr:class="stack" attr:data-testid="config-form">
                                    <input type="hidden" name="office" value=id.to_string() />
                                    <Field name="slot_minutes" label=qt(|q| q.slot_minutes) kind="number" inputmode="numeric" value=v(c.slot_minutes as i32) error=config_err />
                                    <Field name="horizon_days" label=qt(|q| q.horizon_days) kind="number" inputmode="numeric" value=v(c.horizon_days as i32) error=config_err />
                                    <Field name="min_notice_minutes" label=qt(|q| q.min_notice) kind="number" inputmode="numeric" value=v(c.min_notice_minutes) error=config_err />
                                    <Field name="checkin_before_minutes" label=qt(|q| q.checkin_before) kind="number" inputmode="numeric" value=v(c.checkin_before_minutes as i32) error=config_err />
                                    <Field name="checkin_after_minutes" label=qt(|q| q.checkin_after) kind="number" inputmode="numeric" value=v(c.checkin_after_minutes as i32) error=config_err />
                                    <Field name="priority_every" label=qt(|q| q.priority_every) hint=qt(|q| q.priority_every_hint) kind="number" inputmode="numeric" value=v(c.priority_every as i32) error=config_err />
                                    <label class="check"><input type="checkbox" name="booking_enabled" value="on" checked=c.booking_enabled prop:checked=c.booking_enabled /> {qt(|q| q.booking_enabled)}</label>
                                    <Problem error=config_err />
                                    <button type="submit" class="button primary">{qt(|q| q.save)}</button>
                                </ActionForm>

                                <h2>{qt(|q| q.opening_hours)}</h2>
                                <p class="muted">{qt(|q| q.opening_hours_hint)}</p>
                                {hours_view}

                                <h2>{qt(|q| q.procedures_offered)}</h2>
                                <table class="stats">
                                    <thead><tr><th>{qt(|q| q.procedure)}</th><th>{qt(|q| q.prefix)}</th><th>{qt(|q| q.capacity)}</th></tr></thead>
                                    <tbody>{proc_rows}</tbody>
                                </table>
                                <ActionForm action=procedure attr:class="stack">
                                    <input type="hidden" name="office" value=id.to_string() />
                                    <FieldFrame id="f-procedure".into() label=qt(|q| q.procedure) error=field_error(proc_err, "procedure")>
                                        <select id="f-procedure" name="procedure" aria-describedby="f-procedure-err">{proc_options}</select>
                                    </FieldFrame>
                                    <Field name="prefix" label=qt(|q| q.prefix) hint=qt(|q| q.prefix_hint) error=proc_err />
                                    <Field name="group_name" label=qt(|q| q.group_name) error=proc_err />
                                    <Field name="capacity" label=qt(|q| q.capacity) kind="number" inputmode="numeric" error=proc_err />
                                    <Problem error=proc_err />
                                    <button type="submit" class="button">{qt(|q| q.save)}</button>
                                </ActionForm>

                                <h2>{qt(|q| q.counters_serve)}</h2>
                                {counters_view}
                                <Problem error=counter_err />

                                <h2>{qt(|q| q.devices)}</h2>
                                <p class="muted">{qt(|q| q.devices_hint)} " " <a href="/api/docs">"/api/docs"</a></p>
                                <ul>{devices_view}</ul>
                                <ActionForm action=device attr:class="inline">
                                    <input type="hidden" name="office" value=id.to_string() />
                                    <Field name="device_name" label=qt(|q| q.device_name) error=device_err />
                                    <button type="submit" class="button">{qt(|q| q.add_device)}</button>
                                </ActionForm>
                                {move || new_key.get().map(|k| view! { <p class="notice" data-testid="device-key">{qt(|q| q.device_key_once)} " " <code>{k}</code></p> })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
