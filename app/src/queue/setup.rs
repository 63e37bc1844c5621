//! Office set-up by its administrator: booking rules, opening hours, procedures with their
//! ticket prefix and slot capacity, the procedures each counter serves, and queue devices.

use super::{
    CounterRef, CounterSetup, DeviceView, OfficeChoice, OfficeProcedureView, OfficeSetup, ProcedureRef, QueueConfig,
    ServiceGroupView, domain::OfficeAccess, service::queue_config,
};
use crate::kernel::office::{office_row, require_office};
use crate::{
    identity::{AuthUser, authz::token_hash},
    kernel::{
        audit::{self as audit, Entry},
        error::{AppError, FieldError},
        request::RequestMeta,
    },
};
use chrono::NaiveTime;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

async fn audited(
    conn: &mut PgConnection,
    user: &AuthUser,
    meta: &RequestMeta,
    office: &crate::kernel::office::OfficeRow,
    action: &str,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        Some(user),
        meta,
        Entry::new(action, "office", Some(office.office_id.to_string()))
            .at(Some(&office.province_code), Some(&office.commune_code))
            .details(details),
    )
    .await
}

pub async fn kiosk_info(
    db: &PgPool,
    user: &AuthUser,
    office_id: Uuid,
) -> Result<(OfficeChoice, Vec<ProcedureRef>), AppError> {
    let mut conn = db.acquire().await?;
    let office = office_row(&mut conn, office_id).await?;
    require_office(user, &office, OfficeAccess::Operate)?;
    let procs = offered(&mut conn, office_id).await?;
    Ok((OfficeChoice { office_id, name: office.name, address: office.address }, procs))
}

/// The procedures an office receives, by name.
pub(super) async fn offered(conn: &mut PgConnection, office_id: Uuid) -> Result<Vec<ProcedureRef>, sqlx::Error> {
    sqlx::query_as!(
        ProcedureRef,
        r#"select p.procedure_code as code, p.name, p.name_en from office_procedure op join procedure p using (procedure_code)
           where op.office_id = $1 order by p.name collate vi"#,
        office_id
    )
    .fetch_all(conn)
    .await
}

pub async fn load_setup(db: &PgPool, user: &AuthUser, office_id: Uuid) -> Result<OfficeSetup, AppError> {
    let mut conn = db.acquire().await?;
    let office = office_row(&mut conn, office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    let config = queue_config(&mut conn, office_id).await?;
    let hours = sqlx::query!(
        "select weekday, opens, closes from office_hours where office_id = $1 order by weekday, opens",
        office_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.weekday, r.opens, r.closes))
    .collect();
    let groups = sqlx::query_as!(
        ServiceGroupView,
        "select prefix, name from service_group where office_id = $1 order by prefix",
        office_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let procedures = sqlx::query!(
        r#"select p.procedure_code, p.name, p.name_en, g.prefix, op.capacity_per_slot
           from office_procedure op join procedure p using (procedure_code) join service_group g using (service_group_id)
           where op.office_id = $1 order by g.prefix, p.name collate vi"#,
        office_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| OfficeProcedureView {
        procedure: ProcedureRef { code: r.procedure_code, name: r.name, name_en: r.name_en },
        prefix: r.prefix,
        capacity_per_slot: r.capacity_per_slot,
    })
    .collect();
    let counters = sqlx::query!(
        r#"select k.counter_id, k.number, k.name,
                  coalesce(array_agg(cp.procedure_code order by cp.procedure_code) filter (where cp.procedure_code is not null), '{}') as "codes!"
           from counter k left join counter_procedure cp using (counter_id)
           where k.office_id = $1 group by k.counter_id order by k.number"#,
        office_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| CounterSetup {
        counter: CounterRef { counter_id: r.counter_id, number: r.number, name: r.name },
        procedure_codes: r.codes,
    })
    .collect();
    let devices = sqlx::query_as!(
        DeviceView,
        "select device_id, name, active, last_seen_at from queue_device where office_id = $1 order by created_at",
        office_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let catalogue = sqlx::query_as!(
        ProcedureRef,
        r#"select procedure_code as code, name, name_en from procedure p
           where active and not exists (select 1 from office_procedure op where op.office_id = $1 and op.procedure_code = p.procedure_code)
           order by name collate vi"#,
        office_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(OfficeSetup {
        office: OfficeChoice { office_id, name: office.name, address: office.address },
        config,
        hours,
        groups,
        procedures,
        counters,
        devices,
        catalogue,
    })
}

pub async fn save_config(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    office_id: Uuid,
    c: QueueConfig,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    sqlx::query!(
        r#"insert into office_queue_config (office_id, slot_minutes, horizon_days, min_notice_minutes,
                  checkin_before_minutes, checkin_after_minutes, priority_every, booking_enabled)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (office_id) do update set slot_minutes = excluded.slot_minutes, horizon_days = excluded.horizon_days,
              min_notice_minutes = excluded.min_notice_minutes, checkin_before_minutes = excluded.checkin_before_minutes,
              checkin_after_minutes = excluded.checkin_after_minutes, priority_every = excluded.priority_every,
              booking_enabled = excluded.booking_enabled"#,
        office_id,
        c.slot_minutes,
        c.horizon_days,
        c.min_notice_minutes,
        c.checkin_before_minutes,
        c.checkin_after_minutes,
        c.priority_every,
        c.booking_enabled
    )
    .execute(&mut *tx)
    .await?;
    audited(&mut tx, user, meta, &office, "office_queue_config_saved", json!(c)).await?;
    tx.commit().await?;
    Ok(())
}

/// Parses "07:30-11:30, 13:30-17:00" (empty = closed).
pub fn parse_sessions(raw: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, FieldError> {
    let mut out: Vec<(NaiveTime, NaiveTime)> = Vec::new();
    for part in raw.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once(['-', '–']).ok_or(FieldError::Invalid)?;
        let t = |s: &str| {
            NaiveTime::parse_from_str(s.trim().replace('h', ":").as_str(), "%H:%M").map_err(|_| FieldError::Invalid)
        };
        let (a, b) = (t(a)?, t(b)?);
        if a >= b || out.iter().any(|(x, y)| a < *y && *x < b) {
            return Err(FieldError::Invalid);
        }
        out.push((a, b));
    }
    out.sort();
    Ok(out)
}

pub async fn save_hours(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    office_id: Uuid,
    weekday: i16,
    sessions: Vec<(NaiveTime, NaiveTime)>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    sqlx::query!("delete from office_hours where office_id = $1 and weekday = $2", office_id, weekday)
        .execute(&mut *tx)
        .await?;
    for (a, b) in &sessions {
        sqlx::query!(
            "insert into office_hours (office_id, weekday, opens, closes) values ($1, $2, $3, $4)",
            office_id,
            weekday,
            a,
            b
        )
        .execute(&mut *tx)
        .await?;
    }
    audited(&mut tx, user, meta, &office, "office_hours_saved", json!({ "weekday": weekday, "sessions": sessions }))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Offers a procedure (or changes its group and capacity). The group is created with the
/// prefix if new.
#[allow(clippy::too_many_arguments)]
pub async fn save_office_procedure(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    office_id: Uuid,
    procedure_code: &str,
    prefix: &str,
    group_name: &str,
    capacity: i16,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    let known = sqlx::query_scalar!("select exists(select 1 from procedure where procedure_code = $1)", procedure_code)
        .fetch_one(&mut *tx)
        .await?;
    if known != Some(true) {
        return Err(AppError::validation("procedure", FieldError::Invalid));
    }
    let group = sqlx::query_scalar!(
        r#"insert into service_group (office_id, prefix, name) values ($1, $2, $3)
           on conflict (office_id, prefix) do update set name = case when $3 = '' then service_group.name else $3 end
           returning service_group_id"#,
        office_id,
        prefix,
        group_name
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into office_procedure (office_id, procedure_code, service_group_id, capacity_per_slot) values ($1, $2, $3, $4)
           on conflict (office_id, procedure_code) do update set service_group_id = excluded.service_group_id,
              capacity_per_slot = excluded.capacity_per_slot"#,
        office_id,
        procedure_code,
        group,
        capacity
    )
    .execute(&mut *tx)
    .await?;
    audited(
        &mut tx,
        user,
        meta,
        &office,
        "office_procedure_saved",
        json!({ "procedure": procedure_code, "prefix": prefix, "capacity": capacity }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_counter_procedures(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    counter_id: Uuid,
    codes: &[String],
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let counter = super::service::counter_row(&mut tx, counter_id).await?;
    let office = office_row(&mut tx, counter.office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    sqlx::query!("delete from counter_procedure where counter_id = $1", counter_id).execute(&mut *tx).await?;
    sqlx::query!(
        r#"insert into counter_procedure (counter_id, procedure_code)
           select $1, op.procedure_code from office_procedure op where op.office_id = $2 and op.procedure_code = any($3)"#,
        counter_id,
        office.office_id,
        codes
    )
    .execute(&mut *tx)
    .await?;
    audited(
        &mut tx,
        user,
        meta,
        &office,
        "counter_procedures_saved",
        json!({ "counter": counter.number, "procedures": codes }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Registers a device of an installed queue system; returns its API key, shown once.
pub async fn create_device(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    office_id: Uuid,
    name: &str,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let office = office_row(&mut tx, office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    let (key, hash) = crate::identity::authz::new_api_key("pvq_");
    let id = sqlx::query_scalar!(
        "insert into queue_device (office_id, name, key_hash, created_by) values ($1, $2, $3, $4) returning device_id",
        office_id,
        name,
        hash,
        user.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    audited(&mut tx, user, meta, &office, "queue_device_created", json!({ "device_id": id, "name": name })).await?;
    tx.commit().await?;
    Ok(key)
}

pub async fn revoke_device(db: &PgPool, user: &AuthUser, meta: &RequestMeta, device_id: Uuid) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let office_id = sqlx::query_scalar!("select office_id from queue_device where device_id = $1", device_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let office = office_row(&mut tx, office_id).await?;
    require_office(user, &office, OfficeAccess::Manage)?;
    sqlx::query!("update queue_device set active = false where device_id = $1", device_id).execute(&mut *tx).await?;
    audited(&mut tx, user, meta, &office, "queue_device_revoked", json!({ "device_id": device_id })).await?;
    tx.commit().await?;
    Ok(())
}

/// The device and office of an API key, if active.
pub async fn device_by_key(db: &PgPool, key: &str) -> Result<Option<(Uuid, Uuid)>, sqlx::Error> {
    Ok(sqlx::query!(
        "update queue_device set last_seen_at = now() where key_hash = $1 and active returning device_id, office_id",
        token_hash(key)
    )
    .fetch_optional(db)
    .await?
    .map(|r| (r.device_id, r.office_id)))
}

/// Demo set-up of an office: Monday–Friday 07:30–11:30 and 13:30–17:00, 30-minute slots,
/// groups A (civil status), B (residence), C (certification) and every counter serving the
/// procedures of the groups in its name. Idempotent.
pub async fn configure_demo_office(db: &PgPool, office_id: Uuid) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    sqlx::query!("insert into office_queue_config (office_id) values ($1) on conflict do nothing", office_id)
        .execute(&mut *tx)
        .await?;
    for wd in 1..=5i16 {
        for (a, b) in [((7, 30), (11, 30)), ((13, 30), (17, 0))] {
            let t = |(h, m): (u32, u32)| NaiveTime::from_hms_opt(h, m, 0).expect("BUG: valid time");
            sqlx::query!(
                "insert into office_hours (office_id, weekday, opens, closes) values ($1, $2, $3, $4) on conflict do nothing",
                office_id,
                wd,
                t(a),
                t(b)
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    let groups = [
        ("A", "Hộ tịch", &["1.001193", "1.000894", "1.000656", "LT.KS-TT-BHYT", "LT.KT-XTT-MT", "1.004873"][..]),
        ("B", "Cư trú", &["1.004222"][..]),
        ("C", "Chứng thực", &["2.000815"][..]),
    ];
    for (prefix, name, codes) in groups {
        let group = sqlx::query_scalar!(
            r#"insert into service_group (office_id, prefix, name) values ($1, $2, $3)
               on conflict (office_id, prefix) do update set name = excluded.name returning service_group_id"#,
            office_id,
            prefix,
            name
        )
        .fetch_one(&mut *tx)
        .await?;
        for code in codes {
            sqlx::query!(
                r#"insert into office_procedure (office_id, procedure_code, service_group_id, capacity_per_slot)
                   select $1, procedure_code, $3, 3 from procedure where procedure_code = $2 on conflict do nothing"#,
                office_id,
                code,
                group
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    // Counter 1 takes civil status; the others take what their name says, and the last one
    // (priority / general) everything.
    let counters =
        sqlx::query!("select counter_id, number, name from counter where office_id = $1 order by number", office_id)
            .fetch_all(&mut *tx)
            .await?;
    let last = counters.last().map(|c| c.number);
    for c in &counters {
        let lower = c.name.to_lowercase();
        let prefixes: Vec<&str> = if Some(c.number) == last || lower.contains("ưu tiên") {
            vec!["A", "B", "C"]
        } else if lower.contains("tư pháp") || lower.contains("hộ tịch") || c.number == 1 {
            vec!["A"]
        } else if lower.contains("chứng thực") {
            vec!["C"]
        } else {
            vec!["B"]
        };
        sqlx::query!(
            r#"insert into counter_procedure (counter_id, procedure_code)
               select $1, op.procedure_code from office_procedure op join service_group g using (service_group_id)
               where op.office_id = $2 and g.prefix = any($3) on conflict do nothing"#,
            c.counter_id,
            office_id,
            &prefixes.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_sessions_parse_from_what_an_administrator_types() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(
            parse_sessions("13:30-17:00, 07:30 - 11:30").unwrap(),
            vec![(t(7, 30), t(11, 30)), (t(13, 30), t(17, 0))]
        );
        assert_eq!(parse_sessions("7h30–11h30").unwrap(), vec![(t(7, 30), t(11, 30))]);
        assert_eq!(parse_sessions("").unwrap(), vec![]);
        assert_eq!(parse_sessions("11:00-08:00"), Err(FieldError::Invalid));
        assert_eq!(parse_sessions("07:00-11:00, 10:00-12:00"), Err(FieldError::Invalid));
        assert_eq!(parse_sessions("sáng"), Err(FieldError::Invalid));
    }
}
