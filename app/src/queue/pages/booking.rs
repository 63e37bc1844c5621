//! The citizen's booking flow on a phone: procedure → office → day and slot → confirm, then
//! the booking with its QR code, kept for offline use; cancel and reschedule.

use super::{day_label, keep_page_offline};
use crate::kernel::time::hhmm;
use crate::{
    i18n::{Locale, t, use_locale},
    identity::session::use_session,
    queue::{
        Availability, BookingStatus, BookingView,
        server::{
            Book, CancelBooking, RescheduleBooking, bookable_procedures, booking_availability, booking_offices,
            get_booking, my_bookings,
        },
    },
    ui::{
        field::{Field, SearchForm},
        problem::{ErrorPanel, Problem},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use crate::queue::i18n::{QMsgs, qt};

/// `/book`: one page, steps chosen by the query (`procedure`, `office`, `from`, `reschedule`),
/// so every step is a plain link or GET form and works without JavaScript.
#[component]
pub fn BookPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).unwrap_or_default();
    let procedure = Memo::new(move |_| get("procedure"));
    let office = Memo::new(move |_| get("office"));
    view! {
        <Title text=qt(|q| q.book_title) />
        <section class="panel booking">
            <h1>{qt(|q| q.book_title)}</h1>
            {move || {
                if procedure.get().is_empty() {
                    view! { <ChooseProcedure /> }.into_any()
                } else if office.get().is_empty() {
                    view! { <ChooseOffice procedure=procedure.get() /> }.into_any()
                } else {
                    view! { <ChooseSlot procedure=procedure.get() office=office.get() /> }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn ChooseProcedure() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let results = Resource::new(move || q.get(), bookable_procedures);
    view! {
        <p class="step">{qt(|q| q.step_procedure)}</p>
        <SearchForm value=q placeholder=qt(|q| q.search_procedure_placeholder) />
        <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>{t(|m| m.no_results)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="choices" data-testid="procedures">
                            {list.into_iter().map(|p| {
                                let href = format!("/book?procedure={}", p.code);
                                let (vi, en) = (p.name.clone(), p.name_en.clone());
                                view! {
                                    <li><a class="choice" href=href>{move || if locale.get() == Locale::En { en.clone() } else { vi.clone() }}</a></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ChooseOffice(procedure: String) -> impl IntoView {
    let offices = Resource::new(
        {
            let p = procedure.clone();
            move || p.clone()
        },
        booking_offices,
    );
    view! {
        <p class="step">{qt(|q| q.step_office)}</p>
        <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
            {move || {
                let procedure = procedure.clone();
                Suspend::new(async move {
                    match offices.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{qt(|q| q.no_office)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="choices" data-testid="offices">
                                {list.into_iter().map(|o| {
                                    let href = format!("/book?procedure={}&office={}", procedure, o.office_id);
                                    view! { <li><a class="choice" href=href><strong>{o.name}</strong><span class="muted">{o.address}</span></a></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
        <p><a href="/book">{qt(|q| q.change_procedure)}</a></p>
    }
}

#[component]
fn ChooseSlot(procedure: String, office: String) -> impl IntoView {
    let query = use_query_map();
    let from = Memo::new(move |_| query.read().get("from").unwrap_or_default());
    let reschedule = Memo::new(move |_| query.read().get("reschedule").unwrap_or_default());
    let avail = Resource::new(
        {
            let (o, p) = (office.clone(), procedure.clone());
            move || (o.clone(), p.clone(), from.get())
        },
        |(o, p, f)| booking_availability(o, p, f),
    );
    view! {
        <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
            {move || Suspend::new(async move {
                match avail.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(a) => {
                        let code = reschedule.get_untracked();
                        if code.is_empty() {
                            view! { <SlotForm a /> }.into_any()
                        } else {
                            view! { <RescheduleForm a code /> }.into_any()
                        }
                    }
                }
            })}
        </Transition>
    }
}

/// Week navigation and the days with their slots as radio buttons (named `starts_at`).
#[component]
fn SlotPicker(a: Availability, #[prop(optional)] reschedule: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let first = a.days.first().map(|d| d.day);
    let base = format!(
        "/book?procedure={}&office={}{}",
        a.procedure_code,
        a.office.office_id,
        reschedule.map(|c| format!("&reschedule={c}")).unwrap_or_default()
    );
    let prev = first.map(|d| format!("{base}&from={}", d - chrono::Duration::days(7)));
    let next = first.map(|d| format!("{base}&from={}", d + chrono::Duration::days(7)));
    let (vi, en) = (a.procedure_name.clone(), a.procedure_name_en.clone());
    view! {
        <p class="step">{qt(|q| q.step_slot)}</p>
        <p><strong>{move || if locale.get() == Locale::En { en.clone() } else { vi.clone() }}</strong></p>
        <p>{a.office.name.clone()} <span class="muted">" · " {a.office.address.clone()}</span></p>
        <nav class="week-nav">
            {prev.map(|h| view! { <a href=h>{qt(|q| q.previous_week)}</a> })}
            {next.map(|h| view! { <a href=h>{qt(|q| q.next_week)}</a> })}
        </nav>
        <fieldset class="days">
            <legend>{qt(|q| q.pick_slot)}</legend>
            {a.days.into_iter().map(|d| {
                let label = day_label(d.day);
                view! {
                    <div class="day" data-day=d.day.to_string()>
                        <h3>{label}</h3>
                        {if !d.open {
                            view! { <p class="muted">{qt(|q| q.closed_day)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="slots">
                                    {d.slots.into_iter().map(|s| {
                                        let value = s.starts_at.to_rfc3339();
                                        let time = hhmm(s.starts_at);
                                        let remaining = s.remaining;
                                        view! {
                                            <label class="slot" class:full=!s.bookable>
                                                <input type="radio" name="starts_at" value=value disabled=!s.bookable required=true />
                                                <span class="time">{time}</span>
                                                <span class="left">{move || (locale.get().texts::<QMsgs>().places_left)(remaining)}</span>
                                            </label>
                                        }
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }}
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn SlotForm(a: Availability) -> impl IntoView {
    let session = use_session();
    let book = ServerAction::<Book>::new();
    let error = Signal::derive(move || book.value().get().and_then(|r| r.err()));
    // One key per rendered form: a double tap or a retried request finds the same booking.
    let key = uuid::Uuid::new_v4().to_string();
    let (office, procedure) = (a.office.office_id.to_string(), a.procedure_code.clone());
    let login_next = format!(
        "/login/citizen?next={}",
        crate::kernel::text::urlencode(&format!("/book?procedure={}&office={}", a.procedure_code, a.office.office_id))
    );
    view! {
        <ActionForm action=book attr:class="stack" attr:data-testid="book-form">
            <input type="hidden" name="office" value=office />
            <input type="hidden" name="procedure" value=procedure />
            <input type="hidden" name="key" value=key />
            <SlotPicker a />
            <Problem error />
            <Transition fallback=|| ()>
                {move || {
                    let login_next = login_next.clone();
                    Suspend::new(async move {
                    match session.user.await {
                        Ok(Some(u)) => {
                            let citizen = u.role == crate::identity::Role::Citizen;
                            let name = if citizen { u.display_name.clone() } else { String::new() };
                            let phone = Signal::derive(String::new);
                            view! {
                                <Field name="name" label=qt(|q| q.citizen_name) autocomplete="name" value=Signal::derive(move || name.clone()) required=true error />
                                {(!citizen).then(|| view! { <Field name="phone" label=t(|m| m.phone) kind="tel" inputmode="tel" autocomplete="tel" value=phone required=true error /> })}
                                {citizen.then(|| view! { <input type="hidden" name="phone" value="own" /> <p class="muted">{qt(|q| q.phone_from_login)}</p> })}
                                <button type="submit" class="button primary" disabled=move || book.pending().get()>{qt(|q| q.confirm_booking)}</button>
                            }.into_any()
                        }
                        _ => view! {
                            <p>{qt(|q| q.login_to_book)}</p>
                            <a class="button primary" href=login_next>{t(|m| m.nav_login)}</a>
                        }.into_any(),
                    }
                })}}
            </Transition>
        </ActionForm>
    }
}

#[component]
fn RescheduleForm(a: Availability, code: String) -> impl IntoView {
    let act = ServerAction::<RescheduleBooking>::new();
    let error = Signal::derive(move || act.value().get().and_then(|r| r.err()));
    view! {
        <ActionForm action=act attr:class="stack">
            <input type="hidden" name="code" value=code.clone() />
            <SlotPicker a reschedule=code />
            <Problem error />
            <button type="submit" class="button primary" disabled=move || act.pending().get()>{qt(|q| q.confirm_reschedule)}</button>
        </ActionForm>
    }
}

/// `/bookings`: the citizen's bookings with their QR codes.
#[component]
pub fn BookingsPage() -> impl IntoView {
    let list = Resource::new_blocking(|| (), |_| my_bookings());
    keep_page_offline();
    view! {
        <Title text=qt(|q| q.my_bookings) />
        <section class="panel">
            <h1>{qt(|q| q.my_bookings)}</h1>
            <p><a class="button" href="/book">{qt(|q| q.new_booking)}</a></p>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(v) if v.is_empty() => view! { <p>{qt(|q| q.no_bookings)}</p> }.into_any(),
                        Ok(v) => view! {
                            <ul class="cards">
                                {v.into_iter().map(|b| view! { <li class="card"><BookingCard b compact=true /></li> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn BookingCard(b: BookingView, #[prop(optional)] compact: bool) -> impl IntoView {
    let locale = use_locale();
    let code = crate::queue::BookingCode::parse(&b.code).map(|c| c.display()).unwrap_or(b.code.clone());
    let day = day_label(b.starts_at.with_timezone(&crate::kernel::time::vn_offset()).date_naive());
    let time =
        format!("{} – {}", hhmm(b.starts_at), hhmm(b.starts_at + chrono::Duration::minutes(b.slot_minutes as i64)));
    let (vi, en) = (b.procedure_name.clone(), b.procedure_name_en.clone());
    let status = b.status;
    let href = format!("/bookings/{}", b.code);
    view! {
        <div class="booking-card" data-status=format!("{status:?}")>
            <h2>{move || if locale.get() == Locale::En { en.clone() } else { vi.clone() }}</h2>
            <p class="booking-code" data-testid="booking-code">{code}</p>
            {(status == BookingStatus::Booked).then(|| view! { <div class="qr" role="img" aria-label=qt(|q| q.qr_label) inner_html=b.qr_svg.clone()></div> })}
            <dl>
                <dt>{qt(|q| q.when)}</dt><dd>{day} " · " {time}</dd>
                <dt>{qt(|q| q.where_)}</dt><dd>{b.office.name.clone()} <br /><span class="muted">{b.office.address.clone()}</span></dd>
                <dt>{qt(|q| q.citizen_name)}</dt><dd>{b.citizen_name.clone()} " · " {b.phone.clone()}</dd>
                <dt>{qt(|q| q.status)}</dt>
                <dd>{move || {
                    let q = locale.get().texts::<QMsgs>();
                    match status { BookingStatus::Booked => q.status_booked, BookingStatus::CheckedIn => q.status_checked_in, BookingStatus::Cancelled => q.status_cancelled }
                }}</dd>
            </dl>
            {b.ticket_token.clone().map(|tk| view! { <p><a class="button primary" href=format!("/ticket/{tk}")>{qt(|q| q.follow_ticket)}</a></p> })}
            {compact.then(|| view! { <p><A href=href>{qt(|q| q.booking_details)}</A></p> })}
        </div>
    }
}

/// `/bookings/:code`: one booking, its QR code, cancel and reschedule.
#[component]
pub fn BookingPage() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let cancel = ServerAction::<CancelBooking>::new();
    let booking = Resource::new_blocking(move || (code.get(), cancel.version().get()), |(c, _)| get_booking(c));
    let cancel_error = Signal::derive(move || cancel.value().get().and_then(|r| r.err()));
    keep_page_offline();
    view! {
        <Title text=qt(|q| q.booking_title) />
        <section class="panel">
            <h1>{qt(|q| q.booking_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match booking.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(b) => {
                            let active = b.status == BookingStatus::Booked;
                            let code = b.code.clone();
                            let resched = format!("/book?procedure={}&office={}&reschedule={}", b.procedure_code, b.office.office_id, b.code);
                            view! {
                                <BookingCard b />
                                {active.then(|| view! {
                                    <p class="muted">{qt(|q| q.show_qr_hint)}</p>
                                    <div class="actions">
                                        <a class="button" href=resched>{qt(|q| q.reschedule)}</a>
                                        <ActionForm action=cancel attr:class="inline">
                                            <input type="hidden" name="code" value=code />
                                            <button type="submit" class="button danger">{qt(|q| q.cancel_booking)}</button>
                                        </ActionForm>
                                    </div>
                                    <Problem error=cancel_error />
                                })}
                                <p><a href="/bookings">{qt(|q| q.my_bookings)}</a></p>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
