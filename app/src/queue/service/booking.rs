//! Bookings: the offices and free places for a procedure, booking a place under the slot's
//! capacity (never overbooked, whatever the concurrency), reminders, cancelling and moving.

use super::base::{day_sessions, queue_config, sessions_of, vn_instant};
use crate::kernel::conflict::QueueConflict;
use crate::kernel::office::{OfficeRow, audit_entry, office_row, require_office};
use crate::kernel::{qr::qr_svg, time::vn_today};
use crate::queue::{Availability, BookingStatus, BookingView, DayView, OfficeChoice, QueueConfig, SlotView, domain};
use crate::{
    identity::{AuthUser, PhoneVn, Role},
    kernel::{
        audit::{self as audit},
        error::AppError,
        request::RequestMeta,
        time::vn_offset,
    },
    notify::{Channel, api as notify},
};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::RngCore;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The office as the booking pages show it.
pub(super) fn choice(o: &OfficeRow) -> OfficeChoice {
    OfficeChoice { office_id: o.office_id, name: o.name.clone(), address: o.address.clone() }
}

/// Offices that take bookings for a procedure.
pub async fn offices_for_procedure(db: &PgPool, procedure_code: &str) -> Result<Vec<OfficeChoice>, AppError> {
    Ok(sqlx::query_as!(
        OfficeChoice,
        r#"select o.office_id, o.name, o.address from office o
           join office_procedure op on op.office_id = o.office_id and op.procedure_code = $1
           left join office_queue_config c on c.office_id = o.office_id
           where coalesce(c.booking_enabled, true) and op.capacity_per_slot > 0
           order by o.name collate vi"#,
        procedure_code
    )
    .fetch_all(db)
    .await?)
}

/// Free places per slot for `days` days from `from` (in Vietnam), as a citizen sees them.
#[tracing::instrument(skip(db))]
pub async fn availability(
    db: &PgPool,
    office_id: Uuid,
    procedure_code: &str,
    from: NaiveDate,
    days: u32,
    now: DateTime<Utc>,
) -> Result<Availability, AppError> {
    let mut conn = db.acquire().await?;
    // One round trip for the office, the procedure's capacity, the rules and the hours: this is
    // the page citizens reload most.
    let r = sqlx::query!(
        r#"select o.name as office_name, o.address, p.name, p.name_en, op.capacity_per_slot,
                  coalesce(c.slot_minutes, 30::smallint) as "slot_minutes!", coalesce(c.horizon_days, 14::smallint) as "horizon_days!",
                  coalesce(c.min_notice_minutes, 60) as "min_notice_minutes!", coalesce(c.booking_enabled, true) as "booking_enabled!",
                  coalesce((select jsonb_agg(jsonb_build_array(h.weekday, h.opens, h.closes)) from office_hours h
                            where h.office_id = o.office_id), '[]') as "hours!"
           from office o join office_procedure op on op.office_id = o.office_id and op.procedure_code = $2
           join procedure p on p.procedure_code = op.procedure_code
           left join office_queue_config c on c.office_id = o.office_id
           where o.office_id = $1"#,
        office_id,
        procedure_code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let cfg = QueueConfig {
        slot_minutes: r.slot_minutes,
        horizon_days: r.horizon_days,
        min_notice_minutes: r.min_notice_minutes,
        booking_enabled: r.booking_enabled,
        ..QueueConfig::default()
    };
    let hours: Vec<(i16, NaiveTime, NaiveTime)> =
        serde_json::from_value(r.hours).map_err(|e| AppError::internal("office hours", &e))?;
    let office = OfficeChoice { office_id, name: r.office_name, address: r.address };
    let proc_ = (r.name, r.name_en, r.capacity_per_slot);
    let today = vn_today(now);
    let from = from.max(today);
    let until = from + Duration::days(days.min(31) as i64);
    let calendar = crate::reference::api::load_calendar_between(&mut conn, from, until).await?;
    let taken: std::collections::HashMap<DateTime<Utc>, i32> = sqlx::query!(
        r#"select starts_at, booked from booking_slot
           where office_id = $1 and procedure_code = $2 and starts_at >= $3 and starts_at < $4"#,
        office_id,
        procedure_code,
        vn_instant(from, NaiveTime::MIN),
        vn_instant(until, NaiveTime::MIN)
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.starts_at, r.booked))
    .collect();
    let days = from
        .iter_days()
        .take_while(|d| *d < until)
        .filter(|d| (*d - today).num_days() <= cfg.horizon_days as i64)
        .map(|day| {
            let open = cfg.booking_enabled && calendar.is_working_day(day);
            let slots = if open {
                domain::day_slots(&day_sessions(&hours, day), cfg.slot_minutes as u32)
                    .into_iter()
                    .map(|t| {
                        let starts_at = vn_instant(day, t);
                        let remaining = (proc_.2 as i32 - taken.get(&starts_at).copied().unwrap_or(0)).max(0);
                        let window = domain::booking_window(
                            now,
                            starts_at,
                            cfg.min_notice_minutes as i64,
                            cfg.horizon_days as i64,
                            today,
                            day,
                        );
                        SlotView { starts_at, remaining, bookable: remaining > 0 && window.is_ok() }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            DayView { day, open: open && !slots.is_empty(), slots }
        })
        .collect();
    Ok(Availability {
        office,
        procedure_code: procedure_code.to_owned(),
        procedure_name: proc_.0,
        procedure_name_en: proc_.1,
        slot_minutes: cfg.slot_minutes,
        days,
    })
}

/// A booking request, already parsed.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub office_id: Uuid,
    pub procedure_code: String,
    pub starts_at: DateTime<Utc>,
    pub citizen_name: String,
    pub phone: PhoneVn,
    pub idempotency_key: Uuid,
}

/// Checks that `starts_at` is a slot of this office, on an open day, bookable now.
/// Returns the slot's capacity.
pub(super) async fn check_slot(
    conn: &mut PgConnection,
    office_id: Uuid,
    procedure_code: &str,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i16, AppError> {
    let capacity = sqlx::query_scalar!(
        "select capacity_per_slot from office_procedure where office_id = $1 and procedure_code = $2",
        office_id,
        procedure_code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::from(QueueConflict::ProcedureNotOffered))?;
    let cfg = queue_config(conn, office_id).await?;
    let local = starts_at.with_timezone(&vn_offset());
    let day = local.date_naive();
    if !cfg.booking_enabled || !crate::reference::api::load_calendar_between(conn, day, day).await?.is_working_day(day)
    {
        return Err(AppError::from(QueueConflict::SlotClosedDay));
    }
    let hours = sessions_of(conn, office_id).await?;
    if !domain::day_slots(&day_sessions(&hours, day), cfg.slot_minutes as u32).contains(&local.time()) {
        return Err(AppError::from(QueueConflict::SlotNotOffered));
    }
    domain::booking_window(now, starts_at, cfg.min_notice_minutes as i64, cfg.horizon_days as i64, vn_today(now), day)
        .map_err(|r| AppError::from(QueueConflict::from(r)))?;
    Ok(capacity)
}

/// Takes one place in a slot, or refuses with `slot_full`. The conditional update serialises
/// concurrent bookings of the slot on its row lock, so `booked` never passes the capacity.
pub(super) async fn take_place(
    conn: &mut PgConnection,
    office_id: Uuid,
    procedure_code: &str,
    starts_at: DateTime<Utc>,
    capacity: i16,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into booking_slot (office_id, procedure_code, starts_at) values ($1, $2, $3)
           on conflict do nothing"#,
        office_id,
        procedure_code,
        starts_at
    )
    .execute(&mut *conn)
    .await?;
    let taken = sqlx::query_scalar!(
        r#"update booking_slot set booked = booked + 1
           where office_id = $1 and procedure_code = $2 and starts_at = $3 and booked < $4 returning booked"#,
        office_id,
        procedure_code,
        starts_at,
        capacity as i32
    )
    .fetch_optional(&mut *conn)
    .await?;
    taken.map(|_| ()).ok_or_else(|| AppError::from(QueueConflict::SlotFull))
}

pub(super) async fn release_place(
    conn: &mut PgConnection,
    office_id: Uuid,
    procedure_code: &str,
    starts_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update booking_slot set booked = greatest(booked - 1, 0)
           where office_id = $1 and procedure_code = $2 and starts_at = $3"#,
        office_id,
        procedure_code,
        starts_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues the reminder for 09:00 the day before, unless that time has passed.
pub(super) async fn queue_reminder(
    conn: &mut PgConnection,
    booking_id: Uuid,
    code: &str,
    phone: &str,
    office_name: &str,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let local = starts_at.with_timezone(&vn_offset());
    let at =
        vn_instant(local.date_naive() - Duration::days(1), NaiveTime::from_hms_opt(9, 0, 0).expect("BUG: valid time"));
    if at <= now {
        return Ok(());
    }
    // Unaccented: SMS gateways bill diacritics as UCS-2.
    let body = format!(
        "Nhac lich hen {} luc {} ngay {} tai {}. Vui long den truoc 10 phut va mang giay to.",
        domain::BookingCode::parse(code).map(|c| c.display()).unwrap_or_else(|_| code.to_owned()),
        local.format("%H:%M"),
        local.format("%d/%m/%Y"),
        crate::reference::unaccent(office_name)
    );
    let id = notify::enqueue(conn, Channel::Sms, phone, "", &body).await?;
    sqlx::query!(
        "update notification set next_attempt_at = $2, subject_ref = $3 where notification_id = $1",
        id,
        at,
        format!("booking:{booking_id}")
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn withdraw_reminders(conn: &mut PgConnection, booking_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update notification set status = 'withdrawn' where subject_ref = $1 and status = 'pending'",
        format!("booking:{booking_id}")
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) fn booking_channel(actor: &AuthUser) -> &'static str {
    match actor.role {
        Role::Citizen => "online",
        Role::HotlineAgent => "hotline",
        _ => "counter",
    }
}

/// Books a slot. A citizen books for themself (their verified phone); hotline and counter
/// staff book on a citizen's behalf. The same idempotency key returns the first booking.
/// Errors: Forbidden, Conflict(slot_full | slot_closed_day | slot_not_offered | slot_past |
/// slot_too_soon | slot_too_far | booking_duplicate_day | procedure_not_offered).
#[tracing::instrument(skip_all, fields(office_id = %nb.office_id, user_id = %actor.user_id))]
pub async fn create_booking(
    db: &PgPool,
    actor: &AuthUser,
    meta: &RequestMeta,
    nb: NewBooking,
    now: DateTime<Utc>,
) -> Result<BookingView, AppError> {
    if let Some(code) = booking_by_key(db, nb.idempotency_key).await? {
        return booking_view(db, actor, &code).await;
    }
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, nb.office_id).await?;
    let for_self = actor.role == Role::Citizen;
    if !for_self {
        require_office(actor, &office, domain::OfficeAccess::BookOnBehalf)?;
    }
    let capacity = check_slot(&mut tx, nb.office_id, &nb.procedure_code, nb.starts_at, now).await?;
    take_place(&mut tx, nb.office_id, &nb.procedure_code, nb.starts_at, capacity).await?;
    let code = domain::BookingCode::from_random({
        let mut b = [0u8; domain::CODE_LEN];
        rand::thread_rng().fill_bytes(&mut b);
        b
    });
    let inserted = sqlx::query_scalar!(
        r#"insert into booking (code, office_id, procedure_code, starts_at, local_day, citizen_name, phone,
                                user_id, booked_by, channel, idempotency_key)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning booking_id"#,
        code.as_str(),
        nb.office_id,
        nb.procedure_code,
        nb.starts_at,
        nb.starts_at.with_timezone(&vn_offset()).date_naive(),
        nb.citizen_name,
        nb.phone.as_str(),
        for_self.then_some(actor.user_id),
        (!for_self).then_some(actor.user_id),
        booking_channel(actor),
        nb.idempotency_key
    )
    .fetch_one(&mut *tx)
    .await;
    let booking_id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("booking_idempotency_key") => {
            // A concurrent retry of the same request won: answer with its booking.
            drop(tx);
            let code = booking_by_key(db, nb.idempotency_key).await?.ok_or(AppError::NotFound)?;
            return booking_view(db, actor, &code).await;
        }
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("booking_one_per_day") => {
            return Err(AppError::from(QueueConflict::BookingDuplicateDay));
        }
        Err(e) => return Err(e.into()),
    };
    queue_reminder(&mut tx, booking_id, code.as_str(), nb.phone.as_str(), &office.name, nb.starts_at, now).await?;
    audit::commit(
        tx,
        Some(actor),
        meta,
        audit_entry(
            &office,
            "booking_created",
            "booking",
            booking_id.to_string(),
            json!({ "code": code.as_str(), "procedure": nb.procedure_code, "starts_at": nb.starts_at,
                    "phone": nb.phone.masked(), "channel": booking_channel(actor) }),
        ),
    )
    .await?;
    booking_view(db, actor, code.as_str()).await
}

pub(super) async fn booking_by_key(db: &PgPool, key: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select code from booking where idempotency_key = $1", key).fetch_optional(db).await
}

pub(super) struct BookingRow {
    pub(super) booking_id: Uuid,
    pub(super) code: String,
    pub(super) office_id: Uuid,
    pub(super) procedure_code: String,
    pub(super) starts_at: DateTime<Utc>,
    pub(super) citizen_name: String,
    pub(super) phone: String,
    pub(super) user_id: Option<Uuid>,
    pub(super) status: String,
}

pub(super) async fn booking_row(
    conn: &mut PgConnection,
    code: &str,
    lock: bool,
) -> Result<Option<BookingRow>, sqlx::Error> {
    if lock {
        sqlx::query_as!(
            BookingRow,
            r#"select booking_id, code, office_id, procedure_code, starts_at, citizen_name, phone, user_id, status
               from booking where code = $1 for update"#,
            code
        )
        .fetch_optional(conn)
        .await
    } else {
        sqlx::query_as!(
            BookingRow,
            r#"select booking_id, code, office_id, procedure_code, starts_at, citizen_name, phone, user_id, status
               from booking where code = $1"#,
            code
        )
        .fetch_optional(conn)
        .await
    }
}

/// May `user` see and change this booking? Its citizen (by account or verified phone), or
/// staff who may book at its office.
pub(super) async fn may_manage_booking(
    conn: &mut PgConnection,
    user: &AuthUser,
    b: &BookingRow,
) -> Result<bool, AppError> {
    if user.role == Role::Citizen {
        let phone = sqlx::query_scalar!("select phone from app_user where user_id = $1", user.user_id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(b.user_id == Some(user.user_id) || phone.as_deref() == Some(b.phone.as_str()));
    }
    let office = office_row(conn, b.office_id).await?;
    Ok(crate::kernel::office::access_at(user, &office) >= domain::OfficeAccess::BookOnBehalf)
}

pub async fn booking_view(db: &PgPool, user: &AuthUser, code: &str) -> Result<BookingView, AppError> {
    let mut conn = db.acquire().await?;
    let b = booking_row(&mut conn, code, false).await?.ok_or(AppError::NotFound)?;
    if !may_manage_booking(&mut conn, user, &b).await? {
        return Err(AppError::NotFound);
    }
    render_booking(&mut conn, b).await
}

/// A booking the caller may see, with its office, procedure, QR code and ticket.
pub(super) async fn render_booking(conn: &mut PgConnection, b: BookingRow) -> Result<BookingView, AppError> {
    let r = sqlx::query!(
        r#"select o.name as office_name, o.address, p.name, p.name_en,
                  coalesce(c.slot_minutes, 30::smallint) as "slot_minutes!",
                  (select public_token from ticket t where t.booking_id = b.booking_id) as ticket_token
           from booking b join office o using (office_id) join procedure p using (procedure_code)
           left join office_queue_config c on c.office_id = b.office_id
           where b.booking_id = $1"#,
        b.booking_id
    )
    .fetch_one(conn)
    .await?;
    let phone = PhoneVn::parse(&b.phone).map(|p| p.display()).unwrap_or(b.phone.clone());
    Ok(BookingView {
        qr_svg: qr_svg(&b.code),
        code: b.code,
        office: OfficeChoice { office_id: b.office_id, name: r.office_name, address: r.address },
        procedure_code: b.procedure_code,
        procedure_name: r.name,
        procedure_name_en: r.name_en,
        starts_at: b.starts_at,
        slot_minutes: r.slot_minutes,
        citizen_name: b.citizen_name,
        phone,
        status: BookingStatus::parse(&b.status).unwrap_or(BookingStatus::Booked),
        ticket_token: r.ticket_token,
    })
}

/// The citizen's bookings (by account or verified phone), upcoming first. The query itself
/// selects only the caller's own bookings.
pub async fn my_bookings(db: &PgPool, user: &AuthUser, now: DateTime<Utc>) -> Result<Vec<BookingView>, AppError> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query_as!(
        BookingRow,
        r#"select b.booking_id, b.code, b.office_id, b.procedure_code, b.starts_at, b.citizen_name, b.phone, b.user_id, b.status
           from booking b
           where (b.user_id = $1 or b.phone = (select phone from app_user where user_id = $1))
             and b.starts_at > $2::timestamptz - interval '30 days'
           order by (b.status = 'booked' and b.starts_at > $2::timestamptz - interval '1 hour') desc, b.starts_at
           limit 50"#,
        user.user_id,
        now
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for b in rows {
        out.push(render_booking(&mut conn, b).await?);
    }
    Ok(out)
}

/// The booking `user` may change, locked, while it is still booked. Someone else's booking is
/// not found (codes are not to be probed).
async fn active_booking(conn: &mut PgConnection, user: &AuthUser, code: &str) -> Result<BookingRow, AppError> {
    let b = booking_row(conn, code, true).await?.ok_or(AppError::NotFound)?;
    if !may_manage_booking(conn, user, &b).await? {
        return Err(AppError::NotFound);
    }
    if b.status != "booked" {
        return Err(AppError::from(QueueConflict::BookingNotActive));
    }
    Ok(b)
}

/// Cancels a booking and frees its place. Errors: NotFound, Conflict(booking_not_active).
pub async fn cancel_booking(db: &PgPool, user: &AuthUser, meta: &RequestMeta, code: &str) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let b = active_booking(&mut tx, user, code).await?;
    sqlx::query!("update booking set status = 'cancelled', cancelled_at = now() where booking_id = $1", b.booking_id)
        .execute(&mut *tx)
        .await?;
    release_place(&mut tx, b.office_id, &b.procedure_code, b.starts_at).await?;
    withdraw_reminders(&mut tx, b.booking_id).await?;
    let office = office_row(&mut tx, b.office_id).await?;
    audit::commit(
        tx,
        Some(user),
        meta,
        audit_entry(&office, "booking_cancelled", "booking", b.booking_id.to_string(), json!({ "code": b.code })),
    )
    .await?;
    Ok(())
}

/// Moves a booking to another slot of the same office and procedure, keeping its code.
/// Errors: as `create_booking`, plus NotFound and Conflict(booking_not_active).
pub async fn reschedule_booking(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<BookingView, AppError> {
    let mut tx = db.begin().await?;
    let b = active_booking(&mut tx, user, code).await?;
    if b.starts_at == starts_at {
        drop(tx);
        return booking_view(db, user, code).await;
    }
    let capacity = check_slot(&mut tx, b.office_id, &b.procedure_code, starts_at, now).await?;
    take_place(&mut tx, b.office_id, &b.procedure_code, starts_at, capacity).await?;
    release_place(&mut tx, b.office_id, &b.procedure_code, b.starts_at).await?;
    let moved = sqlx::query!(
        "update booking set starts_at = $2, local_day = $3 where booking_id = $1",
        b.booking_id,
        starts_at,
        starts_at.with_timezone(&vn_offset()).date_naive()
    )
    .execute(&mut *tx)
    .await;
    match moved {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("booking_one_per_day") => {
            return Err(AppError::from(QueueConflict::BookingDuplicateDay));
        }
        other => {
            other?;
        }
    }
    withdraw_reminders(&mut tx, b.booking_id).await?;
    let office = office_row(&mut tx, b.office_id).await?;
    queue_reminder(&mut tx, b.booking_id, &b.code, &b.phone, &office.name, starts_at, now).await?;
    audit::commit(
        tx,
        Some(user),
        meta,
        audit_entry(
            &office,
            "booking_rescheduled",
            "booking",
            b.booking_id.to_string(),
            json!({ "code": b.code, "from": b.starts_at, "to": starts_at }),
        ),
    )
    .await?;
    booking_view(db, user, code).await
}
