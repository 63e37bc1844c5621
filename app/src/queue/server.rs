//! Server functions of booking and the queue: parse, authorize through the service, answer.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{
    Availability, BoardView, BookingView, ConsoleView, CurrentTicket, IssuedTicket, OfficeChoice, OfficeCounters,
    OfficeStats, ProcedureRef, TicketView,
};
use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
#[cfg(feature = "ssr")]
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::kernel::text::uuid as parse_uuid;

/// Adds the QR code of the ticket's page, with this site's origin, so a phone camera opens it.
#[cfg(feature = "ssr")]
fn with_ticket_qr(mut issued: IssuedTicket) -> IssuedTicket {
    let origin = crate::state::public_url();
    issued.ticket_qr = crate::kernel::qr::qr_svg(&format!("{origin}/ticket/{}", issued.ticket.token));
    issued
}

/// An RFC 3339 instant from a form (a slot's `starts_at`).
#[cfg(feature = "ssr")]
fn parse_instant(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, crate::kernel::error::FieldError> {
    use crate::kernel::error::FieldError;
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|_| if raw.trim().is_empty() { FieldError::Required } else { FieldError::Invalid })
}

#[cfg(feature = "ssr")]
fn parse_priority(raw: &str) -> Result<Option<super::Priority>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        s => super::Priority::parse(s).map(Some).ok_or(AppError::invalid("priority")),
    }
}

/// Procedures at least one office takes bookings for, matching an accent-insensitive query.
#[server(endpoint = "bookable_procedures", input = GetUrl)]
pub async fn bookable_procedures(query: String) -> Result<Vec<ProcedureRef>, AppError> {
    let st = crate::state::state()?;
    let query: String = query.chars().take(100).collect();
    let all = crate::reference::api::search_procedures(&st.db, &query).await?;
    let offered: Vec<String> =
        sqlx::query_scalar!("select distinct procedure_code from office_procedure where capacity_per_slot > 0")
            .fetch_all(&st.db)
            .await?;
    Ok(all
        .into_iter()
        .filter(|p| offered.contains(&p.code))
        .map(|p| ProcedureRef { code: p.code, name: p.name, name_en: p.name_en })
        .collect())
}

#[server(endpoint = "booking_offices", input = GetUrl)]
pub async fn booking_offices(procedure: String) -> Result<Vec<OfficeChoice>, AppError> {
    let st = crate::state::state()?;
    super::service::offices_for_procedure(&st.db, procedure.trim()).await
}

/// Seven days of slots from `from` (YYYY-MM-DD; empty = today).
#[server(endpoint = "booking_availability", input = GetUrl)]
pub async fn booking_availability(office: String, procedure: String, from: String) -> Result<Availability, AppError> {
    let st = crate::state::state()?;
    let office = parse_uuid("office", &office)?;
    let now = chrono::Utc::now();
    let from = crate::kernel::text::date(&from).unwrap_or(crate::kernel::time::vn_today(now));
    super::service::availability(&st.db, office, procedure.trim(), from, 7, now).await
}

/// Books a slot and opens the booking page. Citizens must be signed in (their phone is verified);
/// staff book on a citizen's behalf. `key` makes retries and double taps harmless.
#[server(endpoint = "book")]
pub async fn book(
    office: String,
    procedure: String,
    starts_at: String,
    name: String,
    phone: String,
    key: String,
) -> Result<BookingView, AppError> {
    use crate::{
        identity::{PhoneVn, authz},
        kernel::error::{FieldError, FieldErrors},
        state::{request_meta, state},
    };
    let st = state()?;
    let user = authz::require_user(&st).await?;
    let mut errs = FieldErrors::default();
    let office = errs.check("office", Uuid::parse_str(office.trim()).map_err(|_| FieldError::Invalid));
    let starts_at = errs.check("starts_at", parse_instant(&starts_at));
    let name = errs.check("name", crate::kernel::text::required_text(&name, 100));
    // A citizen books with the phone their login verified; staff type the citizen's.
    let citizen = user.role == crate::identity::Role::Citizen;
    let phone = if citizen {
        sqlx::query_scalar!("select phone from app_user where user_id = $1", user.user_id)
            .fetch_one(&st.db)
            .await?
            .and_then(|p| PhoneVn::parse(&p).ok())
    } else {
        errs.check("phone", PhoneVn::parse(&phone))
    };
    let key = errs.check("key", Uuid::parse_str(key.trim()).map_err(|_| FieldError::Invalid));
    let (Some(office_id), Some(starts_at), Some(citizen_name), Some(phone), Some(idempotency_key)) =
        (office, starts_at, name, phone, key)
    else {
        return Err(AppError::Validation(errs));
    };
    let booking = super::service::create_booking(
        &st.db,
        &user,
        &request_meta(&st.settings),
        super::service::NewBooking {
            office_id,
            procedure_code: procedure.trim().to_owned(),
            starts_at,
            citizen_name,
            phone,
            idempotency_key,
        },
        chrono::Utc::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/bookings/{}", booking.code));
    Ok(booking)
}

#[server(endpoint = "my_bookings", input = GetUrl)]
pub async fn my_bookings() -> Result<Vec<BookingView>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::my_bookings(&st.db, &user, chrono::Utc::now()).await
}

#[server(endpoint = "booking", input = GetUrl)]
pub async fn get_booking(code: String) -> Result<BookingView, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let code = super::BookingCode::parse(&code).map_err(|_| AppError::NotFound)?;
    super::service::booking_view(&st.db, &user, code.as_str()).await
}

#[server(endpoint = "booking_cancel")]
pub async fn cancel_booking(code: String) -> Result<(), AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let code = super::BookingCode::parse(&code).map_err(|_| AppError::NotFound)?;
    super::service::cancel_booking(&st.db, &user, &request_meta(&st.settings), code.as_str()).await?;
    leptos_axum::redirect(&format!("/bookings/{}", code.as_str()));
    Ok(())
}

#[server(endpoint = "booking_reschedule")]
pub async fn reschedule_booking(code: String, starts_at: String) -> Result<BookingView, AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let code = super::BookingCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let starts_at = parse_instant(&starts_at).map_err(|e| AppError::validation("starts_at", e))?;
    let b = super::service::reschedule_booking(
        &st.db,
        &user,
        &request_meta(&st.settings),
        code.as_str(),
        starts_at,
        chrono::Utc::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/bookings/{}", b.code));
    Ok(b)
}

/// The citizen's live ticket; the token in the link is the only key (no account needed).
#[server(endpoint = "ticket", input = GetUrl)]
pub async fn get_ticket(token: String) -> Result<TicketView, AppError> {
    let st = crate::state::state()?;
    if token.len() > 64 {
        return Err(AppError::NotFound);
    }
    super::service::ticket_view(&st.db, token.trim(), chrono::Utc::now()).await
}

/// The TV board of an office (public: ticket numbers only).
#[server(endpoint = "board", input = GetUrl)]
pub async fn get_board(office: String) -> Result<BoardView, AppError> {
    let st = crate::state::state()?;
    let office = Uuid::parse_str(office.trim()).map_err(|_| AppError::NotFound)?;
    super::service::board(&st.db, office, chrono::Utc::now()).await
}

/// Offices and counters the signed-in staff member may work at.
#[server(endpoint = "my_counters", input = GetUrl)]
pub async fn my_counters() -> Result<Vec<OfficeCounters>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::my_counters(&st.db, &user).await
}

/// What the kiosk offers for walk-ins: the office and its procedures.
#[server(endpoint = "kiosk", input = GetUrl)]
pub async fn kiosk_info(office: String) -> Result<(OfficeChoice, Vec<ProcedureRef>), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = Uuid::parse_str(office.trim()).map_err(|_| AppError::NotFound)?;
    super::setup::kiosk_info(&st.db, &user, office).await
}

/// Checks a booking in (scanned or typed code) and issues its ticket.
#[server(endpoint = "kiosk_check_in")]
pub async fn kiosk_check_in(office: String, code: String, priority: String) -> Result<IssuedTicket, AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = parse_uuid("office", &office)?;
    let code = super::BookingCode::parse(&code).map_err(|e| AppError::validation("code", e))?;
    let priority = parse_priority(&priority)?;
    super::service::check_in(
        &st.db,
        super::service::Operator::Staff(&user),
        &request_meta(&st.settings),
        office,
        &code,
        priority,
        chrono::Utc::now(),
    )
    .await
    .map(with_ticket_qr)
}

/// A walk-in ticket for a procedure, optionally in a priority group.
#[server(endpoint = "kiosk_walk_in")]
pub async fn kiosk_walk_in(office: String, procedure: String, priority: String) -> Result<IssuedTicket, AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = parse_uuid("office", &office)?;
    if procedure.trim().is_empty() {
        return Err(AppError::validation("procedure", crate::kernel::error::FieldError::Required));
    }
    let priority = parse_priority(&priority)?;
    super::service::walk_in(
        &st.db,
        super::service::Operator::Staff(&user),
        &request_meta(&st.settings),
        office,
        procedure.trim(),
        priority,
        chrono::Utc::now(),
    )
    .await
    .map(with_ticket_qr)
}

#[server(endpoint = "counter_console", input = GetUrl)]
pub async fn counter_console(counter: String) -> Result<ConsoleView, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let counter = Uuid::parse_str(counter.trim()).map_err(|_| AppError::NotFound)?;
    super::service::console(&st.db, &user, counter, chrono::Utc::now()).await
}

#[server(endpoint = "counter_call_next")]
pub async fn counter_call_next(counter: String) -> Result<Option<CurrentTicket>, AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let counter = parse_uuid("counter", &counter)?;
    let r = super::service::call_next(
        &st.db,
        super::service::Operator::Staff(&user),
        &request_meta(&st.settings),
        counter,
        chrono::Utc::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/counter/{counter}"));
    Ok(r)
}

/// recall | start | finish (with `arg` = dossier code, optional) | no_show |
/// to_counter (`arg` = counter id) | to_procedure (`arg` = procedure code).
#[server(endpoint = "counter_act")]
pub async fn counter_act(
    counter: String,
    ticket: String,
    action: String,
    arg: String,
) -> Result<Option<CurrentTicket>, AppError> {
    use super::service::TicketAction;
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let counter = parse_uuid("counter", &counter)?;
    let ticket = parse_uuid("ticket", &ticket)?;
    let arg = arg.trim();
    let action = match action.as_str() {
        "recall" => TicketAction::Recall,
        "start" => TicketAction::Start,
        "finish" => TicketAction::Finish {
            dossier_code: match crate::kernel::text::optional_text(arg, 40) {
                Ok(s) if s.is_empty() => None,
                Ok(s) => Some(s),
                Err(e) => return Err(AppError::validation("arg", e)),
            },
        },
        "no_show" => TicketAction::NoShow,
        "to_counter" => TicketAction::TransferToCounter(parse_uuid("arg", arg)?),
        "to_procedure" if !arg.is_empty() => TicketAction::TransferToProcedure(arg.to_owned()),
        _ => return Err(AppError::invalid("action")),
    };
    let r = super::service::act(
        &st.db,
        super::service::Operator::Staff(&user),
        &request_meta(&st.settings),
        counter,
        ticket,
        action,
        chrono::Utc::now(),
    )
    .await?;
    leptos_axum::redirect(&format!("/counter/{counter}"));
    Ok(r)
}

#[server(endpoint = "office_stats", input = GetUrl)]
pub async fn get_office_stats(office: String, week: bool) -> Result<OfficeStats, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = Uuid::parse_str(office.trim()).map_err(|_| AppError::NotFound)?;
    super::service::office_stats(&st.db, &user, office, week, chrono::Utc::now()).await
}

// ---------------------------------------------------------------- office set-up

#[server(endpoint = "office_setup", input = GetUrl)]
pub async fn get_office_setup(office: String) -> Result<super::OfficeSetup, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = Uuid::parse_str(office.trim()).map_err(|_| AppError::NotFound)?;
    super::setup::load_setup(&st.db, &user, office).await
}

/// Booking and queue rules of an office. Numbers out of range are refused next to the field.
#[server(endpoint = "setup_config")]
pub async fn setup_config(
    office: String,
    slot_minutes: String,
    horizon_days: String,
    min_notice_minutes: String,
    checkin_before_minutes: String,
    checkin_after_minutes: String,
    priority_every: String,
    booking_enabled: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        kernel::error::{FieldError, FieldErrors},
        state::{request_meta, state},
    };
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = parse_uuid("office", &office)?;
    let mut errs = FieldErrors::default();
    let mut num = |field: &str, raw: &str, lo: i32, hi: i32| {
        errs.check(
            field,
            raw.trim()
                .parse::<i32>()
                .map_err(|_| FieldError::Invalid)
                .and_then(|n| if (lo..=hi).contains(&n) { Ok(n) } else { Err(FieldError::Invalid) }),
        )
    };
    let slot = num("slot_minutes", &slot_minutes, 5, 240);
    let horizon = num("horizon_days", &horizon_days, 1, 90);
    let notice = num("min_notice_minutes", &min_notice_minutes, 0, 10080);
    let before = num("checkin_before_minutes", &checkin_before_minutes, 0, 240);
    let after = num("checkin_after_minutes", &checkin_after_minutes, 0, 240);
    let every = num("priority_every", &priority_every, 0, 20);
    let (Some(slot), Some(horizon), Some(notice), Some(before), Some(after), Some(every)) =
        (slot, horizon, notice, before, after, every)
    else {
        return Err(AppError::Validation(errs));
    };
    let c = super::QueueConfig {
        slot_minutes: slot as i16,
        horizon_days: horizon as i16,
        min_notice_minutes: notice,
        checkin_before_minutes: before as i16,
        checkin_after_minutes: after as i16,
        priority_every: every as i16,
        booking_enabled: booking_enabled.is_some(),
    };
    super::setup::save_config(&st.db, &user, &request_meta(&st.settings), office, c).await?;
    leptos_axum::redirect(&format!("/admin/office/{office}"));
    Ok(())
}

/// Opening sessions of one weekday, typed as "07:30-11:30, 13:30-17:00" (empty = closed).
#[server(endpoint = "setup_hours")]
pub async fn setup_hours(office: String, weekday: String, sessions: String) -> Result<(), AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = parse_uuid("office", &office)?;
    let weekday: i16 =
        weekday.trim().parse().ok().filter(|d| (1..=7).contains(d)).ok_or(AppError::invalid("weekday"))?;
    let parsed =
        super::setup::parse_sessions(&sessions).map_err(|e| AppError::validation(&format!("sessions{weekday}"), e))?;
    super::setup::save_hours(&st.db, &user, &request_meta(&st.settings), office, weekday, parsed).await?;
    leptos_axum::redirect(&format!("/admin/office/{office}"));
    Ok(())
}

/// Offers a procedure with its ticket prefix (one letter) and places per slot.
#[server(endpoint = "setup_procedure")]
pub async fn setup_procedure(
    office: String,
    procedure: String,
    prefix: String,
    group_name: String,
    capacity: String,
) -> Result<(), AppError> {
    use crate::{
        kernel::error::{FieldError, FieldErrors},
        state::{request_meta, state},
    };
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = parse_uuid("office", &office)?;
    let mut errs = FieldErrors::default();
    let prefix = prefix.trim().to_uppercase();
    let prefix = errs.check(
        "prefix",
        if prefix.len() == 1 && prefix.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(prefix)
        } else if prefix.is_empty() {
            Err(FieldError::Required)
        } else {
            Err(FieldError::Invalid)
        },
    );
    let group_name = errs.check("group_name", crate::kernel::text::optional_text(&group_name, 80));
    let capacity = errs.check(
        "capacity",
        capacity.trim().parse::<i16>().ok().filter(|c| (0..=100).contains(c)).ok_or(FieldError::Invalid),
    );
    let (Some(prefix), Some(group_name), Some(capacity)) = (prefix, group_name, capacity) else {
        return Err(AppError::Validation(errs));
    };
    super::setup::save_office_procedure(
        &st.db,
        &user,
        &request_meta(&st.settings),
        office,
        procedure.trim(),
        &prefix,
        &group_name,
        capacity,
    )
    .await?;
    leptos_axum::redirect(&format!("/admin/office/{office}"));
    Ok(())
}

/// The procedures a counter serves (checkboxes `procedures[i]`).
#[server(endpoint = "setup_counter")]
pub async fn setup_counter(counter: String, procedures: Option<Vec<String>>) -> Result<(), AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let counter = parse_uuid("counter", &counter)?;
    let codes = procedures.unwrap_or_default();
    super::setup::save_counter_procedures(&st.db, &user, &request_meta(&st.settings), counter, &codes).await?;
    let office =
        sqlx::query_scalar!("select office_id from counter where counter_id = $1", counter).fetch_one(&st.db).await?;
    leptos_axum::redirect(&format!("/admin/office/{office}"));
    Ok(())
}

/// Registers a queue device and returns its API key (shown once).
#[server(endpoint = "setup_device")]
pub async fn setup_device(office: String, device_name: String) -> Result<String, AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let office = parse_uuid("office", &office)?;
    let name =
        crate::kernel::text::required_text(&device_name, 80).map_err(|e| AppError::validation("device_name", e))?;
    super::setup::create_device(&st.db, &user, &request_meta(&st.settings), office, &name).await
}

#[server(endpoint = "setup_device_revoke")]
pub async fn setup_device_revoke(device: String) -> Result<(), AppError> {
    use crate::state::{request_meta, state};
    let st = state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let device = parse_uuid("device", &device)?;
    super::setup::revoke_device(&st.db, &user, &request_meta(&st.settings), device).await
}
