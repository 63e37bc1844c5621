//! Bookings, tickets and measurements in Postgres. Every change runs in one transaction with
//! its audit entry and its queue event (NOTIFY is delivered at commit).

use super::{
    Availability, BookingStatus, BookingView, CheckInTiming, DayView, IssuedTicket, OfficeChoice, Priority,
    QueueConfig, SlotView, TicketStatus, TicketView, domain,
    events::{self, QueueEvent},
};
use crate::{
    audit::service::{self as audit, Entry},
    error::AppError,
    i18n::vn_offset,
    identity::{AuthUser, PhoneVn, Role},
    notify::{Channel, service as notify},
    state::RequestMeta,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::RngCore;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Today's date in Vietnam.
pub fn vn_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vn_offset()).date_naive()
}

fn vn_instant(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    vn_offset().from_local_datetime(&day.and_time(time)).single().expect("BUG: fixed offsets are unambiguous").into()
}

pub(crate) fn random_token(bytes: usize) -> String {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The QR code of a booking as SVG (its content is the code, which the kiosk reads).
pub fn qr_svg(code: &str) -> String {
    use qrcode::{EcLevel, QrCode, render::svg};
    match QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M) {
        Ok(qr) => qr
            .render::<svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
        Err(e) => {
            tracing::error!(error = %e, "QR encoding failed");
            String::new()
        }
    }
}

/// Who acts on an office's queue: a signed-in staff member or an installed queue device.
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    Staff(&'a AuthUser),
    Device(Uuid),
}

impl Operator<'_> {
    fn officer(&self) -> Option<Uuid> {
        match self {
            Operator::Staff(u) => Some(u.user_id),
            Operator::Device(_) => None,
        }
    }
    fn device(&self) -> Option<Uuid> {
        match self {
            Operator::Staff(_) => None,
            Operator::Device(d) => Some(*d),
        }
    }
    fn user(&self) -> Option<&AuthUser> {
        match self {
            Operator::Staff(u) => Some(u),
            Operator::Device(_) => None,
        }
    }
}

pub struct OfficeRow {
    pub office_id: Uuid,
    pub agency_id: Uuid,
    pub name: String,
    pub address: String,
    pub commune_code: String,
    pub province_code: String,
}

impl OfficeRow {
    fn choice(&self) -> OfficeChoice {
        OfficeChoice { office_id: self.office_id, name: self.name.clone(), address: self.address.clone() }
    }
}

pub async fn office_row(conn: &mut PgConnection, office_id: Uuid) -> Result<OfficeRow, AppError> {
    sqlx::query_as!(
        OfficeRow,
        r#"select o.office_id, o.agency_id, o.name, o.address, o.commune_code, c.province_code
           from office o join commune c using (commune_code) where o.office_id = $1"#,
        office_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

fn office_access(user: &AuthUser, office: &OfficeRow) -> domain::OfficeAccess {
    domain::office_access(
        user.role,
        user.agency_id,
        user.jurisdiction.as_ref().map(|j| match j {
            crate::identity::Jurisdiction::Province { code, .. } => code.as_str(),
            crate::identity::Jurisdiction::Commune { province_code, .. } => province_code.as_str(),
        }),
        user.jurisdiction.as_ref().and_then(|j| j.commune_code()),
        office.agency_id,
        &office.province_code,
    )
}

/// Refuses unless `user` may do `need` at this office.
pub fn require_office(user: &AuthUser, office: &OfficeRow, need: domain::OfficeAccess) -> Result<(), AppError> {
    if office_access(user, office) >= need {
        Ok(())
    } else {
        tracing::info!(user_id = %user.user_id, office_id = %office.office_id, ?need, "refused office access");
        Err(AppError::Forbidden)
    }
}

/// An audit entry about something at an office, filed under its commune.
pub(crate) fn audit_entry<'a>(
    office: &'a OfficeRow,
    action: &'a str,
    entity_type: &'a str,
    id: String,
    details: serde_json::Value,
) -> Entry<'a> {
    Entry {
        action,
        entity_type,
        entity_id: Some(id),
        province_code: Some(&office.province_code),
        commune_code: Some(&office.commune_code),
        details,
    }
}

pub async fn queue_config(conn: &mut PgConnection, office_id: Uuid) -> Result<QueueConfig, sqlx::Error> {
    Ok(sqlx::query_as!(
        QueueConfig,
        r#"select slot_minutes, horizon_days, min_notice_minutes, checkin_before_minutes, checkin_after_minutes,
                  priority_every, booking_enabled
           from office_queue_config where office_id = $1"#,
        office_id
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or_default())
}

/// Opening sessions of a day; a make-up working day on a rest weekday uses Monday's hours.
async fn sessions_of(
    conn: &mut PgConnection,
    office_id: Uuid,
) -> Result<Vec<(i16, NaiveTime, NaiveTime)>, sqlx::Error> {
    Ok(sqlx::query!(
        "select weekday, opens, closes from office_hours where office_id = $1 order by weekday, opens",
        office_id
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.weekday, r.opens, r.closes))
    .collect())
}

fn day_sessions(hours: &[(i16, NaiveTime, NaiveTime)], day: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let wd = day.weekday().number_from_monday() as i16;
    let of = |w: i16| hours.iter().filter(|h| h.0 == w).map(|h| (h.1, h.2)).collect::<Vec<_>>();
    let s = of(wd);
    if s.is_empty() && wd >= 6 { of(1) } else { s }
}

// ---------------------------------------------------------------- booking

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
    let calendar = crate::reference::service::load_calendar_between(&mut conn, from, until).await?;
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
async fn check_slot(
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
    .ok_or_else(|| AppError::Conflict("procedure_not_offered".into()))?;
    let cfg = queue_config(conn, office_id).await?;
    let local = starts_at.with_timezone(&vn_offset());
    let day = local.date_naive();
    if !cfg.booking_enabled
        || !crate::reference::service::load_calendar_between(conn, day, day).await?.is_working_day(day)
    {
        return Err(AppError::Conflict("slot_closed_day".into()));
    }
    let hours = sessions_of(conn, office_id).await?;
    if !domain::day_slots(&day_sessions(&hours, day), cfg.slot_minutes as u32).contains(&local.time()) {
        return Err(AppError::Conflict("slot_not_offered".into()));
    }
    domain::booking_window(now, starts_at, cfg.min_notice_minutes as i64, cfg.horizon_days as i64, vn_today(now), day)
        .map_err(|r| AppError::Conflict(r.key().into()))?;
    Ok(capacity)
}

/// Takes one place in a slot, or refuses with `slot_full`. The conditional update serialises
/// concurrent bookings of the slot on its row lock, so `booked` never passes the capacity.
async fn take_place(
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
    taken.map(|_| ()).ok_or_else(|| AppError::Conflict("slot_full".into()))
}

async fn release_place(
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
async fn queue_reminder(
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

async fn withdraw_reminders(conn: &mut PgConnection, booking_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update notification set status = 'withdrawn' where subject_ref = $1 and status = 'pending'",
        format!("booking:{booking_id}")
    )
    .execute(conn)
    .await?;
    Ok(())
}

fn booking_channel(actor: &AuthUser) -> &'static str {
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
            return Err(AppError::Conflict("booking_duplicate_day".into()));
        }
        Err(e) => return Err(e.into()),
    };
    queue_reminder(&mut tx, booking_id, code.as_str(), nb.phone.as_str(), &office.name, nb.starts_at, now).await?;
    audit::record(
        &mut tx,
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
    tx.commit().await?;
    booking_view(db, actor, code.as_str()).await
}

async fn booking_by_key(db: &PgPool, key: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select code from booking where idempotency_key = $1", key).fetch_optional(db).await
}

struct BookingRow {
    booking_id: Uuid,
    code: String,
    office_id: Uuid,
    procedure_code: String,
    starts_at: DateTime<Utc>,
    citizen_name: String,
    phone: String,
    user_id: Option<Uuid>,
    status: String,
}

async fn booking_row(conn: &mut PgConnection, code: &str, lock: bool) -> Result<Option<BookingRow>, sqlx::Error> {
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
async fn may_manage_booking(conn: &mut PgConnection, user: &AuthUser, b: &BookingRow) -> Result<bool, AppError> {
    if user.role == Role::Citizen {
        let phone = sqlx::query_scalar!("select phone from app_user where user_id = $1", user.user_id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(b.user_id == Some(user.user_id) || phone.as_deref() == Some(b.phone.as_str()));
    }
    let office = office_row(conn, b.office_id).await?;
    Ok(office_access(user, &office) >= domain::OfficeAccess::BookOnBehalf)
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
async fn render_booking(conn: &mut PgConnection, b: BookingRow) -> Result<BookingView, AppError> {
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

/// Cancels a booking and frees its place. Errors: NotFound, Conflict(booking_not_active).
pub async fn cancel_booking(db: &PgPool, user: &AuthUser, meta: &RequestMeta, code: &str) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let b = booking_row(&mut tx, code, true).await?.ok_or(AppError::NotFound)?;
    if !may_manage_booking(&mut tx, user, &b).await? {
        return Err(AppError::NotFound);
    }
    if b.status != "booked" {
        return Err(AppError::Conflict("booking_not_active".into()));
    }
    sqlx::query!("update booking set status = 'cancelled', cancelled_at = now() where booking_id = $1", b.booking_id)
        .execute(&mut *tx)
        .await?;
    release_place(&mut tx, b.office_id, &b.procedure_code, b.starts_at).await?;
    withdraw_reminders(&mut tx, b.booking_id).await?;
    let office = office_row(&mut tx, b.office_id).await?;
    audit::record(
        &mut tx,
        Some(user),
        meta,
        audit_entry(&office, "booking_cancelled", "booking", b.booking_id.to_string(), json!({ "code": b.code })),
    )
    .await?;
    tx.commit().await?;
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
    let b = booking_row(&mut tx, code, true).await?.ok_or(AppError::NotFound)?;
    if !may_manage_booking(&mut tx, user, &b).await? {
        return Err(AppError::NotFound);
    }
    if b.status != "booked" {
        return Err(AppError::Conflict("booking_not_active".into()));
    }
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
            return Err(AppError::Conflict("booking_duplicate_day".into()));
        }
        other => {
            other?;
        }
    }
    withdraw_reminders(&mut tx, b.booking_id).await?;
    let office = office_row(&mut tx, b.office_id).await?;
    queue_reminder(&mut tx, b.booking_id, &b.code, &b.phone, &office.name, starts_at, now).await?;
    audit::record(
        &mut tx,
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
    tx.commit().await?;
    booking_view(db, user, code).await
}

// ---------------------------------------------------------------- tickets

struct Issued {
    ticket_id: Uuid,
    token: String,
}

/// Gives the next number of the procedure's service group today and queues the ticket.
#[allow(clippy::too_many_arguments)]
async fn issue_ticket(
    conn: &mut PgConnection,
    office: &OfficeRow,
    procedure_code: &str,
    priority: Option<Priority>,
    source: &str,
    booking_id: Option<Uuid>,
    slot_starts_at: Option<DateTime<Utc>>,
    op: Operator<'_>,
    now: DateTime<Utc>,
) -> Result<Issued, AppError> {
    let prefix = sqlx::query_scalar!(
        r#"select g.prefix from office_procedure op join service_group g using (service_group_id)
           where op.office_id = $1 and op.procedure_code = $2"#,
        office.office_id,
        procedure_code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::Conflict("procedure_not_offered".into()))?;
    let day = vn_today(now);
    let number = sqlx::query_scalar!(
        r#"insert into ticket_sequence (office_id, service_day, prefix, last_number) values ($1, $2, $3, 1)
           on conflict (office_id, service_day, prefix)
           do update set last_number = ticket_sequence.last_number + 1 returning last_number"#,
        office.office_id,
        day,
        prefix
    )
    .fetch_one(&mut *conn)
    .await?;
    let token = random_token(16);
    let ticket_id = sqlx::query_scalar!(
        r#"insert into ticket (office_id, service_day, prefix, number, procedure_code, booking_id, slot_starts_at,
                               priority, source, device_id, public_token, issued_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning ticket_id"#,
        office.office_id,
        day,
        prefix,
        number,
        procedure_code,
        booking_id,
        slot_starts_at,
        priority.map(Priority::as_str),
        source,
        op.device(),
        token,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    event(conn, ticket_id, "issued", None, op, json!({})).await?;
    events::notify(
        conn,
        &QueueEvent {
            office_id: office.office_id,
            kind: "issued".into(),
            ticket: Some(domain::ticket_label(&prefix, number)),
            counter: None,
        },
    )
    .await?;
    Ok(Issued { ticket_id, token })
}

async fn event(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    kind: &str,
    counter_id: Option<Uuid>,
    op: Operator<'_>,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"insert into ticket_event (ticket_id, kind, counter_id, officer_id, device_id, detail)
           values ($1, $2, $3, $4, $5, $6)"#,
        ticket_id,
        kind,
        counter_id,
        op.officer(),
        op.device(),
        detail
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn audit_op(
    conn: &mut PgConnection,
    op: Operator<'_>,
    meta: &RequestMeta,
    office: &OfficeRow,
    action: &str,
    ticket_id: Uuid,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let mut details = details;
    if let (Operator::Device(d), Some(obj)) = (op, details.as_object_mut()) {
        obj.insert("device_id".into(), json!(d));
    }
    audit::record(conn, op.user(), meta, audit_entry(office, action, "ticket", ticket_id.to_string(), details)).await
}

/// Checks a booking in at the kiosk or counter and issues its ticket. Inside the window the
/// ticket keeps the slot; on the same day outside it the citizen is served as a walk-in.
/// Errors: Conflict(booking_unknown | checkin_wrong_office | booking_cancelled | booking_used |
/// checkin_other_day), Forbidden.
#[tracing::instrument(skip_all, fields(office_id = %office_id))]
pub async fn check_in(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    office_id: Uuid,
    code: &domain::BookingCode,
    priority: Option<Priority>,
    now: DateTime<Utc>,
) -> Result<IssuedTicket, AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    if let Operator::Staff(u) = op {
        require_office(u, &office, domain::OfficeAccess::Operate)?;
    }
    let b =
        booking_row(&mut tx, code.as_str(), true).await?.ok_or_else(|| AppError::Conflict("booking_unknown".into()))?;
    if b.office_id != office_id {
        return Err(AppError::Conflict("checkin_wrong_office".into()));
    }
    match b.status.as_str() {
        "cancelled" => return Err(AppError::Conflict("booking_cancelled".into())),
        "checked_in" => return Err(AppError::Conflict("booking_used".into())),
        _ => {}
    }
    if vn_today(b.starts_at) != vn_today(now) {
        return Err(AppError::Conflict("checkin_other_day".into()));
    }
    let cfg = queue_config(&mut tx, office_id).await?;
    let timing =
        domain::checkin_timing(now, b.starts_at, cfg.checkin_before_minutes as i64, cfg.checkin_after_minutes as i64);
    let slot = (timing == CheckInTiming::OnTime).then_some(b.starts_at);
    let issued =
        issue_ticket(&mut tx, &office, &b.procedure_code, priority, "booking", Some(b.booking_id), slot, op, now)
            .await?;
    sqlx::query!(
        "update booking set status = 'checked_in', checked_in_at = $2 where booking_id = $1",
        b.booking_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    withdraw_reminders(&mut tx, b.booking_id).await?;
    audit_op(
        &mut tx,
        op,
        meta,
        &office,
        "booking_checked_in",
        issued.ticket_id,
        json!({ "code": b.code, "timing": format!("{timing:?}") }),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedTicket {
        ticket: ticket_view(db, &issued.token, now).await?,
        as_walk_in: (timing != CheckInTiming::OnTime).then_some(timing),
        booked_slot: Some(b.starts_at),
        ticket_qr: String::new(),
    })
}

/// A walk-in ticket from the kiosk, a counter or an installed ticket machine.
/// Errors: Forbidden, Conflict(procedure_not_offered).
pub async fn walk_in(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    office_id: Uuid,
    procedure_code: &str,
    priority: Option<Priority>,
    now: DateTime<Utc>,
) -> Result<IssuedTicket, AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    let source = match op {
        Operator::Staff(u) => {
            require_office(u, &office, domain::OfficeAccess::Operate)?;
            "kiosk"
        }
        Operator::Device(_) => "device",
    };
    let issued = issue_ticket(&mut tx, &office, procedure_code, priority, source, None, None, op, now).await?;
    audit_op(
        &mut tx,
        op,
        meta,
        &office,
        "ticket_issued",
        issued.ticket_id,
        json!({ "procedure": procedure_code, "priority": priority.map(Priority::as_str) }),
    )
    .await?;
    tx.commit().await?;
    Ok(IssuedTicket {
        ticket: ticket_view(db, &issued.token, now).await?,
        as_walk_in: None,
        booked_slot: None,
        ticket_qr: String::new(),
    })
}

struct WaitingRow {
    ticket_id: Uuid,
    procedure_code: String,
    assigned_counter_id: Option<Uuid>,
    requeued_at: Option<DateTime<Utc>>,
    slot_starts_at: Option<DateTime<Utc>>,
    issued_at: DateTime<Utc>,
    priority: Option<String>,
    prefix: String,
    number: i32,
}

impl WaitingRow {
    fn candidate(&self, now: DateTime<Utc>) -> domain::Candidate {
        domain::Candidate::classify(now, self.requeued_at, self.slot_starts_at, self.issued_at, self.priority.is_some())
    }
}

async fn waiting_tickets(
    conn: &mut PgConnection,
    office_id: Uuid,
    day: NaiveDate,
) -> Result<Vec<WaitingRow>, sqlx::Error> {
    sqlx::query_as!(
        WaitingRow,
        r#"select ticket_id, procedure_code, assigned_counter_id, requeued_at, slot_starts_at, issued_at, priority,
                  prefix, number
           from ticket where office_id = $1 and service_day = $2 and status = 'waiting'"#,
        office_id,
        day
    )
    .fetch_all(conn)
    .await
}

/// The waiting tickets in calling order, ignoring the priority interleave.
fn queue_order(rows: &mut [WaitingRow], now: DateTime<Utc>) {
    rows.sort_by_key(|r| {
        let c = r.candidate(now);
        (c.class, std::cmp::Reverse(c.priority), c.since)
    });
}

/// The citizen's view of a ticket: status, counter, people ahead and an estimated wait.
pub async fn ticket_view(db: &PgPool, token: &str, now: DateTime<Utc>) -> Result<TicketView, AppError> {
    let mut conn = db.acquire().await?;
    let t = sqlx::query!(
        r#"select t.ticket_id, t.office_id, t.service_day, t.prefix, t.number, t.status, t.priority, t.issued_at,
                  t.procedure_code, o.name as office_name, p.name, p.name_en, k.number as "counter_number?"
           from ticket t join office o using (office_id) join procedure p using (procedure_code)
           left join counter k on k.counter_id = t.counter_id
           where t.public_token = $1"#,
        token
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let status = TicketStatus::parse(&t.status).unwrap_or(TicketStatus::Waiting);
    let rating = if status == TicketStatus::Done {
        sqlx::query_scalar!(
            r#"select rating_token from service_evaluation
               where subject_kind = 'ticket' and subject_id = $1 and rated_at is null and token_expires_at > $2"#,
            t.ticket_id,
            now
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|tk| {
            let qr = qr_svg(&format!("{}/rate/{tk}", crate::state::public_url()));
            (tk, qr)
        })
    } else {
        None
    };
    let (mut ahead, mut estimate) = (0i64, 0i64);
    if status == TicketStatus::Waiting {
        let mut rows = waiting_tickets(&mut conn, t.office_id, t.service_day).await?;
        // Tickets that compete for the same counters: those of procedures served by a counter that serves this one.
        let shared: Vec<String> = sqlx::query_scalar!(
            r#"select distinct cp2.procedure_code from counter_procedure cp1
               join counter_procedure cp2 on cp2.counter_id = cp1.counter_id where cp1.procedure_code = $1"#,
            t.procedure_code
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.retain(|r| shared.contains(&r.procedure_code) || r.procedure_code == t.procedure_code);
        queue_order(&mut rows, now);
        ahead = rows.iter().position(|r| r.ticket_id == t.ticket_id).unwrap_or(0) as i64;
        let pace = sqlx::query!(
            r#"select count(distinct t.counter_id) filter (where t.last_called_at > $3::timestamptz - interval '1 hour') as "active!",
                      (avg(t.service_seconds) filter (where t.status = 'done' and t.service_seconds > 0))::float8 as avg_secs,
                      (select count(*) from counter_procedure where procedure_code = $4) as "configured!"
               from ticket t where t.office_id = $1 and t.service_day = $2"#,
            t.office_id,
            t.service_day,
            now,
            t.procedure_code
        )
        .fetch_one(&mut *conn)
        .await?;
        let counters = if pace.active > 0 { pace.active.min(pace.configured.max(1)) } else { pace.configured };
        let service = pace.avg_secs.map(|s| s / 60.0).unwrap_or(10.0);
        estimate = domain::estimated_wait_minutes(ahead as u32, counters.max(1) as u32, service).ceil() as i64;
    }
    Ok(TicketView {
        token: token.to_owned(),
        label: domain::ticket_label(&t.prefix, t.number),
        office_id: t.office_id,
        office_name: t.office_name,
        procedure_name: t.name,
        procedure_name_en: t.name_en,
        status,
        priority: t.priority.as_deref().and_then(Priority::parse),
        issued_at: t.issued_at,
        counter_number: t.counter_number,
        ahead,
        estimated_wait_minutes: estimate,
        rating,
    })
}

// ---------------------------------------------------------------- counter

pub struct CounterRow {
    pub counter_id: Uuid,
    pub office_id: Uuid,
    pub number: i16,
    pub name: String,
}

pub async fn counter_row(conn: &mut PgConnection, counter_id: Uuid) -> Result<CounterRow, AppError> {
    sqlx::query_as!(
        CounterRow,
        "select counter_id, office_id, number, name from counter where counter_id = $1",
        counter_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// Loads the counter and its office and checks the operator may work there.
async fn counter_for(
    conn: &mut PgConnection,
    op: Operator<'_>,
    counter_id: Uuid,
) -> Result<(CounterRow, OfficeRow), AppError> {
    let counter = counter_row(conn, counter_id).await?;
    let office = office_row(conn, counter.office_id).await?;
    match op {
        Operator::Staff(u) => require_office(u, &office, domain::OfficeAccess::Operate)?,
        Operator::Device(d) => {
            let ok = sqlx::query_scalar!(
                "select exists(select 1 from queue_device where device_id = $1 and office_id = $2 and active)",
                d,
                office.office_id
            )
            .fetch_one(&mut *conn)
            .await?;
            if ok != Some(true) {
                return Err(AppError::Forbidden);
            }
        }
    }
    Ok((counter, office))
}

fn notify_call(office: &OfficeRow, kind: &str, prefix: &str, number: i32, counter: &CounterRow) -> QueueEvent {
    QueueEvent {
        office_id: office.office_id,
        kind: kind.into(),
        ticket: Some(domain::ticket_label(prefix, number)),
        counter: Some(counter.number),
    }
}

/// Calls the next ticket to a counter by the calling rule. Serialised per office on the
/// `queue_state` row, so two counters never call the same ticket. Returns None when nobody waits.
/// Errors: Forbidden, Conflict(counter_busy) while the counter's current ticket is called but not started.
#[tracing::instrument(skip_all, fields(counter_id = %counter_id))]
pub async fn call_next(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<super::CurrentTicket>, AppError> {
    let mut tx = db.begin().await?;
    let (counter, office) = counter_for(&mut tx, op, counter_id).await?;
    let day = vn_today(now);
    // Creates the day's row or locks the existing one, in one statement: the lock serialises
    // call-next within the office.
    let since = sqlx::query_scalar!(
        r#"insert into queue_state (office_id, service_day) values ($1, $2)
           on conflict (office_id, service_day) do update set ordinary_since_priority = queue_state.ordinary_since_priority
           returning ordinary_since_priority"#,
        office.office_id,
        day
    )
    .fetch_one(&mut *tx)
    .await?;
    // The counter's current ticket: one being served is finished by calling the next; one
    // called but not started must be started, marked no-show or transferred first.
    let current = sqlx::query!(
        "select ticket_id, status from ticket where counter_id = $1 and status in ('called', 'serving') for update",
        counter_id
    )
    .fetch_all(&mut *tx)
    .await?;
    for c in &current {
        if c.status == "called" {
            return Err(AppError::Conflict("counter_busy".into()));
        }
        finish_leg(&mut tx, c.ticket_id, now, "done").await?;
        event(&mut tx, c.ticket_id, "finished", Some(counter_id), op, json!({})).await?;
    }
    let served: Vec<String> =
        sqlx::query_scalar!("select procedure_code from counter_procedure where counter_id = $1", counter_id)
            .fetch_all(&mut *tx)
            .await?;
    let rows: Vec<WaitingRow> = waiting_tickets(&mut tx, office.office_id, day)
        .await?
        .into_iter()
        .filter(|r| match r.assigned_counter_id {
            Some(c) => c == counter_id,
            None => served.contains(&r.procedure_code),
        })
        .collect();
    let cands: Vec<domain::Candidate> = rows.iter().map(|r| r.candidate(now)).collect();
    let cfg = queue_config(&mut tx, office.office_id).await?;
    let Some(pick) = domain::pick_next(&cands, since.max(0) as u32, cfg.priority_every.max(0) as u32) else {
        tx.commit().await?;
        return Ok(None);
    };
    let t = &rows[pick.index];
    mark_called(&mut tx, t.ticket_id, counter_id, op, now).await?;
    // Only ordinary calls count towards the priority rule; transfers do not move it.
    if cands[pick.index].class != domain::QueueClass::Transferred {
        sqlx::query!(
            r#"update queue_state set ordinary_since_priority = case when $3 then 0 else ordinary_since_priority + 1 end
               where office_id = $1 and service_day = $2"#,
            office.office_id,
            day,
            pick.as_priority
        )
        .execute(&mut *tx)
        .await?;
    }
    event(&mut tx, t.ticket_id, "called", Some(counter_id), op, json!({})).await?;
    events::notify(&mut tx, &notify_call(&office, "called", &t.prefix, t.number, &counter)).await?;
    audit_op(&mut tx, op, meta, &office, "ticket_called", t.ticket_id, json!({ "counter": counter.number })).await?;
    tx.commit().await?;
    let mut conn = db.acquire().await?;
    current_ticket(&mut conn, counter_id).await
}

async fn mark_called(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    counter_id: Uuid,
    op: Operator<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update ticket set status = 'called', called_at = coalesce(called_at, $2), last_called_at = $2,
                  call_count = call_count + 1, counter_id = $3, officer_id = $4,
                  called_counter_id = coalesce(called_counter_id, $3), called_officer_id = coalesce(called_officer_id, $4),
                  assigned_counter_id = null, requeued_at = null
           where ticket_id = $1"#,
        ticket_id,
        now,
        counter_id,
        op.officer()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An installed queue system reports that it called a given ticket to one of its counters.
/// Errors: NotFound, Forbidden, Conflict(ticket_state).
pub async fn device_called(
    db: &PgPool,
    device: Uuid,
    meta: &RequestMeta,
    ticket_id: Uuid,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let op = Operator::Device(device);
    let mut tx = db.begin().await?;
    let (counter, office) = counter_for(&mut tx, op, counter_id).await?;
    let t =
        sqlx::query!("select status, prefix, number, office_id from ticket where ticket_id = $1 for update", ticket_id)
            .fetch_optional(&mut *tx)
            .await?
            .filter(|t| t.office_id == office.office_id)
            .ok_or(AppError::NotFound)?;
    if t.status != "waiting" {
        return Err(AppError::Conflict("ticket_state".into()));
    }
    mark_called(&mut tx, ticket_id, counter_id, op, now).await?;
    event(&mut tx, ticket_id, "called", Some(counter_id), op, json!({})).await?;
    events::notify(&mut tx, &notify_call(&office, "called", &t.prefix, t.number, &counter)).await?;
    audit_op(&mut tx, op, meta, &office, "ticket_called", ticket_id, json!({ "counter": counter.number })).await?;
    tx.commit().await?;
    Ok(())
}

/// The counter of an office by its number.
pub async fn counter_by_number(db: &PgPool, office_id: Uuid, number: i16) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("select counter_id from counter where office_id = $1 and number = $2", office_id, number)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The ticket's current counter (for device events on it).
pub async fn ticket_counter(db: &PgPool, ticket_id: Uuid) -> Result<Option<Uuid>, AppError> {
    Ok(sqlx::query_scalar!("select counter_id from ticket where ticket_id = $1", ticket_id)
        .fetch_optional(db)
        .await?
        .flatten())
}

/// Closes the current service leg, adding its time to the ticket.
async fn finish_leg(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    now: DateTime<Utc>,
    status: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update ticket set status = $3, finished_at = $2,
                  service_started_at = coalesce(service_started_at, case when $3 = 'done' then coalesce(last_called_at, $2) end),
                  service_seconds = service_seconds
                      + coalesce(extract(epoch from ($2 - coalesce(leg_started_at, case when $3 = 'done' then last_called_at end)))::int, 0),
                  leg_started_at = null
           where ticket_id = $1"#,
        ticket_id,
        now,
        status
    )
    .execute(&mut *conn)
    .await?;
    if status == "done" {
        crate::evaluation::service::open_for_ticket(conn, ticket_id, now).await?;
    }
    Ok(())
}

pub async fn current_ticket(
    conn: &mut PgConnection,
    counter_id: Uuid,
) -> Result<Option<super::CurrentTicket>, AppError> {
    Ok(sqlx::query!(
        r#"select t.ticket_id, t.prefix, t.number, t.status, t.procedure_code, p.name, t.priority,
                  t.booking_id is not null as "booked!", t.call_count, t.dossier_code
           from ticket t join procedure p using (procedure_code)
           where t.counter_id = $1 and t.status in ('called', 'serving')
           order by t.last_called_at desc limit 1"#,
        counter_id
    )
    .fetch_optional(conn)
    .await?
    .map(|r| super::CurrentTicket {
        ticket_id: r.ticket_id,
        label: domain::ticket_label(&r.prefix, r.number),
        status: TicketStatus::parse(&r.status).unwrap_or(TicketStatus::Called),
        procedure_code: r.procedure_code,
        procedure_name: r.name,
        priority: r.priority.as_deref().and_then(Priority::parse),
        booked: r.booked,
        call_count: r.call_count,
        dossier_code: r.dossier_code,
    }))
}

/// What an officer does with the ticket at their counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketAction {
    Recall,
    Start,
    /// Finish, optionally attaching the dossier code of the case received.
    Finish {
        dossier_code: Option<String>,
    },
    NoShow,
    TransferToCounter(Uuid),
    TransferToProcedure(String),
}

impl TicketAction {
    fn name(&self) -> &'static str {
        match self {
            TicketAction::Recall => "recalled",
            TicketAction::Start => "started",
            TicketAction::Finish { .. } => "finished",
            TicketAction::NoShow => "no_show",
            TicketAction::TransferToCounter(_) | TicketAction::TransferToProcedure(_) => "transferred",
        }
    }
}

/// Applies an action to the ticket currently at `counter_id`.
/// Errors: Forbidden, NotFound (no such ticket at this counter), Conflict(ticket_state |
/// procedure_not_offered | counter_other_office).
#[tracing::instrument(skip_all, fields(counter_id = %counter_id, action = action.name()))]
pub async fn act(
    db: &PgPool,
    op: Operator<'_>,
    meta: &RequestMeta,
    counter_id: Uuid,
    ticket_id: Uuid,
    action: TicketAction,
    now: DateTime<Utc>,
) -> Result<Option<super::CurrentTicket>, AppError> {
    let mut tx = db.begin().await?;
    let (counter, office) = counter_for(&mut tx, op, counter_id).await?;
    let t = sqlx::query!(
        "select status, prefix, number from ticket where ticket_id = $1 and counter_id = $2 for update",
        ticket_id,
        counter_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let state_err = || AppError::Conflict("ticket_state".into());
    let mut detail = json!({ "counter": counter.number });
    match &action {
        TicketAction::Recall => {
            if t.status != "called" {
                return Err(state_err());
            }
            sqlx::query!(
                "update ticket set last_called_at = $2, call_count = call_count + 1 where ticket_id = $1",
                ticket_id,
                now
            )
            .execute(&mut *tx)
            .await?;
            events::notify(&mut tx, &notify_call(&office, "called", &t.prefix, t.number, &counter)).await?;
        }
        TicketAction::Start => {
            if t.status != "called" {
                return Err(state_err());
            }
            sqlx::query!(
                r#"update ticket set status = 'serving', service_started_at = coalesce(service_started_at, $2),
                          leg_started_at = $2, officer_id = coalesce($3, officer_id) where ticket_id = $1"#,
                ticket_id,
                now,
                op.officer()
            )
            .execute(&mut *tx)
            .await?;
        }
        TicketAction::Finish { dossier_code } => {
            if !matches!(t.status.as_str(), "called" | "serving") {
                return Err(state_err());
            }
            finish_leg(&mut tx, ticket_id, now, "done").await?;
            if let Some(code) = dossier_code {
                sqlx::query!("update ticket set dossier_code = $2 where ticket_id = $1", ticket_id, code)
                    .execute(&mut *tx)
                    .await?;
                detail["dossier_code"] = json!(code);
            }
        }
        TicketAction::NoShow => {
            if t.status != "called" {
                return Err(state_err());
            }
            finish_leg(&mut tx, ticket_id, now, "no_show").await?;
        }
        TicketAction::TransferToCounter(to) => {
            let target = counter_row(&mut tx, *to).await?;
            if target.office_id != office.office_id || target.counter_id == counter_id {
                return Err(AppError::Conflict("counter_other_office".into()));
            }
            transfer(&mut tx, ticket_id, now, Some(target.counter_id), None).await?;
            detail["to_counter"] = json!(target.number);
        }
        TicketAction::TransferToProcedure(code) => {
            let offered = sqlx::query_scalar!(
                "select exists(select 1 from office_procedure where office_id = $1 and procedure_code = $2)",
                office.office_id,
                code
            )
            .fetch_one(&mut *tx)
            .await?;
            if offered != Some(true) {
                return Err(AppError::Conflict("procedure_not_offered".into()));
            }
            transfer(&mut tx, ticket_id, now, None, Some(code)).await?;
            detail["to_procedure"] = json!(code);
        }
    }
    event(&mut tx, ticket_id, action.name(), Some(counter_id), op, detail.clone()).await?;
    if !matches!(action, TicketAction::Recall) {
        events::notify(
            &mut tx,
            &QueueEvent {
                office_id: office.office_id,
                kind: action.name().into(),
                ticket: Some(domain::ticket_label(&t.prefix, t.number)),
                counter: Some(counter.number),
            },
        )
        .await?;
    }
    audit_op(&mut tx, op, meta, &office, &format!("ticket_{}", action.name()), ticket_id, detail).await?;
    tx.commit().await?;
    let mut conn = db.acquire().await?;
    current_ticket(&mut conn, counter_id).await
}

async fn transfer(
    conn: &mut PgConnection,
    ticket_id: Uuid,
    now: DateTime<Utc>,
    to_counter: Option<Uuid>,
    to_procedure: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"update ticket set status = 'waiting', requeued_at = $2, assigned_counter_id = $3,
                  procedure_code = coalesce($4, procedure_code),
                  service_seconds = service_seconds + coalesce(extract(epoch from ($2 - leg_started_at))::int, 0),
                  leg_started_at = null
           where ticket_id = $1"#,
        ticket_id,
        now,
        to_counter,
        to_procedure
    )
    .execute(conn)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- board, console, stats

/// The TV board: public, no personal data (ticket numbers only).
pub async fn board(db: &PgPool, office_id: Uuid, now: DateTime<Utc>) -> Result<super::BoardView, AppError> {
    let mut conn = db.acquire().await?;
    let office = office_row(&mut conn, office_id).await?;
    let day = vn_today(now);
    let counters = sqlx::query!(
        r#"select k.number, k.name,
                  (select t.prefix || '-' || lpad(t.number::text, 3, '0') from ticket t
                   where t.counter_id = k.counter_id and t.service_day = $2 and t.status in ('called', 'serving')
                   order by t.last_called_at desc limit 1) as serving
           from counter k where k.office_id = $1 order by k.number"#,
        office_id,
        day
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| super::BoardCounter { number: r.number, name: r.name, serving: r.serving })
    .collect();
    let mut rows = waiting_tickets(&mut conn, office_id, day).await?;
    queue_order(&mut rows, now);
    let last_call = sqlx::query!(
        r#"select t.prefix, t.number, k.number as counter_number, t.last_called_at as "at!"
           from ticket t join counter k on k.counter_id = t.counter_id
           where t.office_id = $1 and t.service_day = $2 and t.last_called_at is not null and t.status in ('called', 'serving')
           order by t.last_called_at desc limit 1"#,
        office_id,
        day
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| (domain::ticket_label(&r.prefix, r.number), r.counter_number, r.at));
    Ok(super::BoardView {
        office_id,
        office_name: office.name,
        counters,
        waiting: rows.len() as i64,
        next: rows.iter().take(8).map(|r| domain::ticket_label(&r.prefix, r.number)).collect(),
        last_call,
    })
}

/// Offices and counters the user may work at.
pub async fn my_counters(db: &PgPool, user: &AuthUser) -> Result<Vec<super::OfficeCounters>, AppError> {
    let mut conn = db.acquire().await?;
    let offices =
        sqlx::query_scalar!("select office_id from office order by name collate vi").fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for id in offices {
        let office = office_row(&mut conn, id).await?;
        let access = office_access(user, &office);
        if access == domain::OfficeAccess::None {
            continue;
        }
        let counters = sqlx::query_as!(
            super::CounterRef,
            "select counter_id, number, name from counter where office_id = $1 order by number",
            id
        )
        .fetch_all(&mut *conn)
        .await?;
        out.push(super::OfficeCounters { office: office.choice(), access, counters });
    }
    Ok(out)
}

struct MeasuredRow {
    issued_at: DateTime<Utc>,
    slot_starts_at: Option<DateTime<Utc>>,
    called_at: Option<DateTime<Utc>>,
    service_seconds: i32,
    status: String,
    called_counter: Option<String>,
    called_officer: Option<String>,
    called_officer_id: Option<Uuid>,
    service_day: NaiveDate,
}

async fn measured(
    conn: &mut PgConnection,
    office_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MeasuredRow>, sqlx::Error> {
    sqlx::query_as!(
        MeasuredRow,
        r#"select t.issued_at, t.slot_starts_at, t.called_at, t.service_seconds, t.status,
                  k.number::text || ' · ' || k.name as called_counter, u.display_name as "called_officer?",
                  t.called_officer_id, t.service_day
           from ticket t left join counter k on k.counter_id = t.called_counter_id
           left join app_user u on u.user_id = t.called_officer_id
           where t.office_id = $1 and t.service_day between $2 and $3"#,
        office_id,
        from,
        to
    )
    .fetch_all(conn)
    .await
}

fn wait_of(r: &MeasuredRow) -> Option<f64> {
    r.called_at.map(|c| domain::waiting_minutes(r.issued_at, r.slot_starts_at, c))
}

fn avg(xs: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = xs.fold((0.0, 0u32), |(s, n), x| (s + x, n + 1));
    if n == 0 { 0.0 } else { s / n as f64 }
}

fn grouped(rows: &[&MeasuredRow], key: impl Fn(&MeasuredRow) -> Option<String>) -> Vec<super::StatRow> {
    let mut groups: std::collections::BTreeMap<String, Vec<&MeasuredRow>> = Default::default();
    for r in rows {
        if let Some(k) = key(r) {
            groups.entry(k).or_default().push(r);
        }
    }
    groups
        .into_iter()
        .map(|(label, rs)| super::StatRow {
            wait: domain::summarize(&rs.iter().filter_map(|r| wait_of(r)).collect::<Vec<_>>()),
            average_service_minutes: avg(rs
                .iter()
                .filter(|r| r.status == "done" && r.service_seconds > 0)
                .map(|r| r.service_seconds as f64 / 60.0)),
            label,
        })
        .collect()
}

/// The manager's figures for an office. `week` selects the per-counter and per-officer period.
pub async fn office_stats(
    db: &PgPool,
    user: &AuthUser,
    office_id: Uuid,
    week: bool,
    now: DateTime<Utc>,
) -> Result<super::OfficeStats, AppError> {
    let mut conn = db.acquire().await?;
    let office = office_row(&mut conn, office_id).await?;
    require_office(user, &office, domain::OfficeAccess::Manage)?;
    let today = vn_today(now);
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let rows = measured(&mut conn, office_id, monday, today).await?;
    let today_rows: Vec<&MeasuredRow> = rows.iter().filter(|r| r.service_day == today).collect();
    let all_rows: Vec<&MeasuredRow> = rows.iter().collect();
    let period = if week { &all_rows } else { &today_rows };
    let waits = |rs: &[&MeasuredRow]| rs.iter().filter_map(|r| wait_of(r)).collect::<Vec<_>>();

    let mut waiting = waiting_tickets(&mut conn, office_id, today).await?;
    queue_order(&mut waiting, now);
    let waiting_so_far: Vec<f64> =
        waiting.iter().map(|r| domain::waiting_minutes(r.issued_at, r.slot_starts_at, now)).collect();
    let active = sqlx::query_scalar!(
        r#"select count(distinct counter_id) as "n!" from ticket
           where office_id = $1 and service_day = $2 and last_called_at > $3::timestamptz - interval '30 minutes'"#,
        office_id,
        today,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    let service = avg(today_rows
        .iter()
        .filter(|r| r.status == "done" && r.service_seconds > 0)
        .map(|r| r.service_seconds as f64 / 60.0));
    let service = if service > 0.0 { service } else { 10.0 };
    let projected = domain::projected_average_wait(&waits(&today_rows), &waiting_so_far, active.max(1) as u32, service);
    let booked_today = sqlx::query_scalar!(
        r#"select count(*) as "n!" from booking where office_id = $1 and local_day = $2 and status <> 'cancelled'"#,
        office_id,
        today
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(super::OfficeStats {
        office: office.choice(),
        today: domain::summarize(&waits(&today_rows)),
        week: domain::summarize(&waits(&all_rows)),
        per_counter: grouped(period, |r| r.called_counter.clone()),
        per_officer: grouped(period, |r| {
            r.called_officer.clone().or_else(|| r.called_counter.as_ref().map(|_| "—".into()))
        }),
        queue_length: waiting.len() as i64,
        projected_average_wait: projected,
        alert: projected > domain::WAIT_TARGET_MINUTES,
        booked_today,
        no_show_today: today_rows.iter().filter(|r| r.status == "no_show").count() as i64,
    })
}

/// The officer's own figures today.
pub async fn officer_figures(
    conn: &mut PgConnection,
    officer: Uuid,
    now: DateTime<Utc>,
) -> Result<super::OfficerFigures, sqlx::Error> {
    let today = vn_today(now);
    let rows = sqlx::query_as!(
        MeasuredRow,
        r#"select t.issued_at, t.slot_starts_at, t.called_at, t.service_seconds, t.status,
                  null::text as called_counter, null::text as "called_officer?", t.called_officer_id, t.service_day
           from ticket t where t.service_day = $2 and (t.called_officer_id = $1 or t.officer_id = $1)"#,
        officer,
        today
    )
    .fetch_all(conn)
    .await?;
    let mine: Vec<&MeasuredRow> = rows.iter().filter(|r| r.called_officer_id == Some(officer)).collect();
    Ok(super::OfficerFigures {
        served: rows.iter().filter(|r| r.status == "done").count() as i64,
        no_show: rows.iter().filter(|r| r.status == "no_show").count() as i64,
        average_wait_minutes: avg(mine.iter().filter_map(|r| wait_of(r))),
        average_service_minutes: avg(rows
            .iter()
            .filter(|r| r.status == "done" && r.service_seconds > 0)
            .map(|r| r.service_seconds as f64 / 60.0)),
    })
}

pub async fn console(
    db: &PgPool,
    user: &AuthUser,
    counter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<super::ConsoleView, AppError> {
    let mut conn = db.acquire().await?;
    let (counter, office) = counter_for(&mut conn, Operator::Staff(user), counter_id).await?;
    let current = current_ticket(&mut conn, counter_id).await?;
    let waiting_here = sqlx::query_scalar!(
        r#"select count(*) as "n!" from ticket t where t.office_id = $1 and t.service_day = $2 and t.status = 'waiting'
             and (t.assigned_counter_id = $3 or (t.assigned_counter_id is null and t.procedure_code in
                  (select procedure_code from counter_procedure where counter_id = $3)))"#,
        office.office_id,
        vn_today(now),
        counter_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let other_counters = sqlx::query_as!(
        super::CounterRef,
        "select counter_id, number, name from counter where office_id = $1 and counter_id <> $2 order by number",
        office.office_id,
        counter_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let procedures = super::setup::offered(&mut conn, office.office_id).await?;
    Ok(super::ConsoleView {
        office_id: office.office_id,
        office_name: office.name,
        counter: super::CounterRef { counter_id, number: counter.number, name: counter.name },
        current,
        waiting_here,
        my_figures: officer_figures(&mut conn, user.user_id, now).await?,
        other_counters,
        procedures,
    })
}
