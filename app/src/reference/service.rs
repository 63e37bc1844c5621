//! Queries and changes of reference data.

use super::{
    CalendarEntry, CalendarYear, CommuneOverview, CounterView, OfficeView, Procedure, ProcedureDocument, StaffView,
    calendar::{DayKind, WorkCalendar},
};
use crate::{
    identity::{AuthUser, Role, can_manage_calendar},
    kernel::{
        audit::{self as audit, Entry},
        error::AppError,
        request::RequestMeta,
    },
};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// Active procedures whose code, name or field contains every word of `query`, ignoring
/// accents and case ("dang ky khai sinh" finds "Đăng ký khai sinh").
#[tracing::instrument(skip(db))]
pub async fn search_procedures(db: &PgPool, query: &str) -> Result<Vec<Procedure>, AppError> {
    let words: Vec<String> = query.split_whitespace().take(8).map(str::to_owned).collect();
    let rows = sqlx::query!(
        r#"select p.procedure_code, p.name, p.name_en, p.field, p.field_en, p.processing_days,
                  p.fee_vnd, p.fee_note, p.fee_note_en, p.legal_basis,
                  coalesce(jsonb_agg(jsonb_build_object('name', d.name, 'name_en', d.name_en,
                           'copies', d.copies, 'optional', d.optional) order by d.position)
                           filter (where d.position is not null), '[]') as "documents!"
           from procedure p left join procedure_document d on d.procedure_code = p.procedure_code
           where p.active and (select bool_and(p.search_text like '%' || f_unaccent(w) || '%') from unnest($1::text[]) w) is not false
           group by p.procedure_code
           order by p.field collate vi, p.name collate vi"#,
        &words
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Procedure {
            code: r.procedure_code,
            name: r.name,
            name_en: r.name_en,
            field: r.field,
            field_en: r.field_en,
            processing_days: r.processing_days,
            fee_vnd: r.fee_vnd,
            fee_note: r.fee_note,
            fee_note_en: r.fee_note_en,
            legal_basis: r.legal_basis,
            documents: serde_json::from_value::<Vec<ProcedureDocument>>(r.documents).unwrap_or_default(),
        })
        .collect())
}

/// A commune's agencies, offices, counters, staff and former communes, for users whose
/// jurisdiction covers it. Errors: NotFound, Forbidden.
#[tracing::instrument(skip(db, user), fields(user_id = %user.user_id))]
pub async fn commune_overview(db: &PgPool, user: &AuthUser, code: &str) -> Result<CommuneOverview, AppError> {
    let mut conn = db.acquire().await?;
    let commune = sqlx::query!(
        r#"select c.commune_code, c.full_name, c.province_code, p.full_name as province_name
           from commune c join province p using (province_code) where c.commune_code = $1"#,
        code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    // Authorize before reading anything private.
    user.require_commune(&commune.commune_code, &commune.province_code)?;

    let agencies =
        sqlx::query_scalar!("select name from agency where commune_code = $1 order by name collate vi", code)
            .fetch_all(&mut *conn)
            .await?;
    let offices = sqlx::query!(
        r#"select o.name, o.address,
                  coalesce(jsonb_agg(jsonb_build_object('number', k.number, 'name', k.name) order by k.number)
                           filter (where k.counter_id is not null), '[]') as "counters!"
           from office o left join counter k on k.office_id = o.office_id
           where o.commune_code = $1 group by o.office_id order by o.name collate vi"#,
        code
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|o| OfficeView {
        name: o.name,
        address: o.address,
        counters: serde_json::from_value::<Vec<CounterView>>(o.counters).unwrap_or_default(),
    })
    .collect();
    let staff = sqlx::query!(
        r#"select display_name, role from app_user
           where jurisdiction_commune_code = $1 and active order by display_name collate vi"#,
        code
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .filter_map(|s| Some(StaffView { display_name: s.display_name, role: Role::parse(&s.role)? }))
    .collect();
    let former_communes = sqlx::query_scalar!(
        "select old_name from commune_merge where new_code = $1 order by old_name collate vi",
        code
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(CommuneOverview {
        code: commune.commune_code,
        full_name: commune.full_name,
        province_name: commune.province_name,
        agencies,
        offices,
        staff,
        former_communes,
    })
}

/// The whole calendar (rules and exceptions), to compute working days.
pub async fn load_calendar(conn: &mut PgConnection) -> Result<WorkCalendar, sqlx::Error> {
    let (first, last) = (NaiveDate::from_ymd_opt(1900, 1, 1), NaiveDate::from_ymd_opt(2999, 12, 31));
    load_calendar_between(conn, first.expect("BUG: valid date"), last.expect("BUG: valid date")).await
}

/// The calendar for working-day questions about days in `[from, until]` only.
pub async fn load_calendar_between(
    conn: &mut PgConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<WorkCalendar, sqlx::Error> {
    let rules =
        sqlx::query!("select effective_from, rest_weekdays from calendar_week_rule").fetch_all(&mut *conn).await?;
    let days = sqlx::query!("select day, kind from calendar_day where day between $1 and $2", from, until)
        .fetch_all(&mut *conn)
        .await?;
    Ok(WorkCalendar::new(
        rules
            .into_iter()
            .map(|r| (r.effective_from, r.rest_weekdays.into_iter().map(|d| d as u32).collect()))
            .collect(),
        days.into_iter().filter_map(|d| Some((d.day, DayKind::parse(&d.kind)?))),
    ))
}

pub async fn calendar_year(db: &PgPool, user: &AuthUser, year: i32) -> Result<CalendarYear, AppError> {
    let mut conn = db.acquire().await?;
    let entries = sqlx::query!(
        r#"select day, kind, name, name_en, legal_basis from calendar_day
           where day >= make_date($1, 1, 1) and day <= make_date($1, 12, 31) order by day"#,
        year
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(CalendarEntry {
            day: r.day,
            kind: DayKind::parse(&r.kind)?,
            name: r.name,
            name_en: r.name_en,
            legal_basis: r.legal_basis,
        })
    })
    .collect();
    let cal = load_calendar(&mut conn).await?;
    Ok(CalendarYear {
        year,
        entries,
        working_days: cal.working_days_in_year(year),
        can_edit: can_manage_calendar(user.role, user.jurisdiction.as_ref()),
    })
}

fn require_calendar_admin(user: &AuthUser) -> Result<(), AppError> {
    if can_manage_calendar(user.role, user.jurisdiction.as_ref()) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Adds a holiday or make-up working day. Errors: Forbidden, Conflict("calendar_duplicate").
pub async fn add_calendar_day(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    e: CalendarEntry,
) -> Result<(), AppError> {
    require_calendar_admin(user)?;
    let mut tx = db.begin().await?;
    let inserted = sqlx::query!(
        r#"insert into calendar_day (day, kind, name, name_en, legal_basis, created_by)
           values ($1, $2, $3, $4, $5, $6) on conflict (day) do nothing"#,
        e.day,
        e.kind.as_str(),
        e.name,
        e.name_en,
        e.legal_basis,
        user.user_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(AppError::Conflict(crate::kernel::conflict::Conflict::CalendarDuplicate));
    }
    audit::commit(
        tx,
        Some(user),
        meta,
        Entry::new("calendar_day_added", "calendar_day", Some(e.day.to_string()))
            .at(user.province_code.as_deref(), None)
            .details(json!({ "kind": e.kind.as_str(), "name": e.name, "legal_basis": e.legal_basis })),
    )
    .await?;
    Ok(())
}

/// Removes a calendar exception. Errors: Forbidden, NotFound.
pub async fn remove_calendar_day(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    day: NaiveDate,
) -> Result<(), AppError> {
    require_calendar_admin(user)?;
    let mut tx = db.begin().await?;
    let old = sqlx::query!("delete from calendar_day where day = $1 returning kind, name", day)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::commit(
        tx,
        Some(user),
        meta,
        Entry::new("calendar_day_removed", "calendar_day", Some(day.to_string()))
            .at(user.province_code.as_deref(), None)
            .details(json!({ "kind": old.kind, "name": old.name })),
    )
    .await?;
    Ok(())
}
