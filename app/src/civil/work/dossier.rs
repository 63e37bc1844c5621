//! One dossier as its commune reads it: loaded under a row lock when it will change, refused
//! (and audited) for another commune, with its versions, steps, flags, photos and duplicates.

use super::base::{Row, allowed, may_view, today};
use crate::civil::{
    DossierView, DuplicateView, FlagView, NoticeView, Status, Step, StepView,
    domain::{Channel, DossierKind, StepResult},
    form::Data,
};
use crate::{
    identity::{AuthUser, Role},
    kernel::error::AppError,
};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// Ends an action's transaction: committed on success, and also on a refusal of the form or the
/// registry's checks, which come before anything else is written — then it holds only the
/// lookups' log. Other errors roll back.
pub(super) async fn keep_log_on_refusal<T>(
    tx: sqlx::Transaction<'_, sqlx::Postgres>,
    r: Result<T, AppError>,
) -> Result<T, AppError> {
    match r {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        // A refusal keeps its lookup log; a dossier of another commune keeps the audit of the
        // attempt (NotFound only ever comes from loading, before anything is written).
        Err(e @ (AppError::Validation(_) | AppError::NotFound)) => {
            tx.commit().await?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Loads a dossier the user may see (their commune), locking it for an action when `lock`.
pub(super) async fn load(
    conn: &mut PgConnection,
    user: &AuthUser,
    code: &str,
    lock: bool,
) -> Result<(Row, Data), AppError> {
    load_as(conn, user, code, lock, false).await
}

/// `load`, also for the commune's collectors when `collector` (a handover; they never read dossiers).
pub(super) async fn load_as(
    conn: &mut PgConnection,
    user: &AuthUser,
    code: &str,
    lock: bool,
    collector: bool,
) -> Result<(Row, Data), AppError> {
    if !(may_view(user) || (collector && user.role == Role::Collector && user.commune_code.is_some())) {
        return Err(AppError::Forbidden);
    }
    // Lock before reading: a second action waiting on the lock then reads the first one's result
    // (two Register clicks would otherwise take two book numbers).
    if lock {
        sqlx::query!("select dossier_id from dossier where code = $1 for update", code)
            .fetch_optional(&mut *conn)
            .await?;
    }
    let r = sqlx::query!(
        r#"select d.dossier_id, d.code, d.kind, d.status, d.agency_id, d.commune_code, c.province_code, d.event_date,
                  d.due_on, d.version, d.mother_id, d.subject_id, d.possible_duplicate_of,
                  d.duplicate_cleared_by is not null as "cleared!", d.paused_since, d.bundle, d.received_at, v.data
           from dossier d join commune c using (commune_code)
           join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
           where d.code = $1"#,
        code
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if user.require_commune(&r.commune_code, &r.province_code).is_err() {
        // Another commune's dossier: audited (personal data was asked for), and answered as if
        // it did not exist, so sequential codes do not tell another commune how many it files.
        let entry = crate::kernel::audit::Entry::new("access_refused", "dossier", Some(r.code.clone()))
            .at(Some(&r.province_code), Some(&r.commune_code))
            .details(serde_json::json!({ "reason": "other_commune", "lock": lock }));
        crate::kernel::audit::record(&mut *conn, Some(user), &crate::state::current_meta(), entry).await?;
        return Err(AppError::NotFound);
    }
    let row = Row {
        dossier_id: r.dossier_id,
        code: r.code,
        kind: DossierKind::parse(&r.kind).ok_or(AppError::NotFound)?,
        status: Status::parse(&r.status).ok_or(AppError::NotFound)?,
        agency_id: r.agency_id,
        commune_code: r.commune_code,
        province_code: r.province_code,
        event_date: r.event_date,
        due_on: r.due_on,
        version: r.version,
        mother_id: r.mother_id,
        subject_id: r.subject_id,
        possible_duplicate_of: r.possible_duplicate_of,
        duplicate_cleared: r.cleared,
        paused_since: r.paused_since,
        bundle: r.bundle,
        received_at: r.received_at,
    };
    Ok((row, serde_json::from_value(r.data).unwrap_or_default()))
}

/// Whether the user may read a dossier (their commune's, by role): one query, for pages that
/// show something of it without the whole dossier.
pub async fn may_read(db: &PgPool, user: &AuthUser, code: &str) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    load(&mut conn, user, code, false).await.map(|_| ())
}

/// Other dossiers or registry people that may be the same event, for the side-by-side view.
pub(super) async fn duplicates(
    conn: &mut PgConnection,
    row: &Row,
    data: &Data,
) -> Result<Vec<DuplicateView>, AppError> {
    let mut out = Vec::new();
    let others = sqlx::query!(
        r#"select d.code, d.status, d.commune_code, v.data from dossier d
           join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
           where d.dossier_id <> $1 and d.status <> 'refused'
             and (d.dossier_id = $2 or d.possible_duplicate_of = $1
                  or ($3::text is not null and d.kind = 'death' and d.subject_id = $3))
           order by d.received_at limit 5"#,
        row.dossier_id,
        row.possible_duplicate_of,
        row.subject_id.as_deref().filter(|_| row.kind == DossierKind::Death)
    )
    .fetch_all(&mut *conn)
    .await?;
    for o in others {
        // Another commune's dossier: that it exists and where it stands, not the family's data.
        let data = if o.commune_code == row.commune_code {
            serde_json::from_value(o.data).unwrap_or_default()
        } else {
            Data::new()
        };
        out.push(DuplicateView { code: Some(o.code), status: Status::parse(&o.status), data });
    }
    // A child of this mother born that day already in the registry: registered before.
    if row.kind == DossierKind::Birth
        && !matches!(row.status, Status::Registered | Status::Delivered)
        && let Some(mother) = &row.mother_id
    {
        let people = sqlx::query!(
            r#"select personal_id, full_name, birth_date, sex from registry_person
               where mother_id = $1 and birth_date = $2 and personal_id is distinct from $3"#,
            mother,
            row.event_date,
            row.subject_id
        )
        .fetch_all(&mut *conn)
        .await?;
        for p in people {
            let mut d = Data::new();
            d.insert("child_name".into(), p.full_name);
            d.insert("birth_date".into(), p.birth_date.to_string());
            d.insert("child_sex".into(), p.sex);
            d.insert("personal_id".into(), p.personal_id);
            d.insert("mother_name".into(), data.get("mother_name").cloned().unwrap_or_default());
            out.push(DuplicateView { code: None, status: None, data: d });
        }
    }
    Ok(out)
}

/// A dossier's page: content, comparison with possible duplicates, process log, notices, flags
/// and what the user may do now.
pub async fn dossier_view(
    db: &PgPool,
    user: &AuthUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<DossierView, AppError> {
    let mut conn = db.acquire().await?;
    let (row, data) = load(&mut conn, user, code, false).await?;
    let d = sqlx::query!(
        r#"select d.channel, d.proactive, d.late, d.received_at, d.phone, d.register_year, d.register_no,
                  d.registered_at, d.delivered_at, d.delivered_to, d.verify_token, s.display_name as "signer?",
                  a.name as agency_name, c.name as commune_name, p.name as province_name
           from dossier d join agency a using (agency_id) join commune c on c.commune_code = d.commune_code
           join province p on p.province_code = c.province_code
           left join app_user s on s.user_id = d.signed_by
           where d.dossier_id = $1"#,
        row.dossier_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let steps = sqlx::query!(
        r#"select s.step, u.display_name as "handler?", s.started_at, s.due_on, s.done_at, s.result, s.note
           from dossier_step s left join app_user u on u.user_id = s.handler_id
           where s.dossier_id = $1 order by s.started_at, s.step_id"#,
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    // The table's check constraint keeps to the steps the app names.
    .filter_map(|s| {
        Some(StepView {
            step: Step::parse(&s.step)?,
            handler: s.handler,
            started_at: s.started_at,
            due_on: s.due_on,
            done_at: s.done_at,
            result: match s.result.as_deref() {
                Some("early") => Some(StepResult::Early),
                Some("on_time") => Some(StepResult::OnTime),
                Some("late") => Some(StepResult::Late),
                _ => None,
            },
            note: s.note,
        })
    })
    .collect();
    let notices = sqlx::query!(
        r#"select n.form, n.reasons, u.display_name as "by?", n.created_at, n.answered_at
           from dossier_notice n left join app_user u on u.user_id = n.created_by
           where n.dossier_id = $1 order by n.created_at"#,
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|n| NoticeView { form: n.form, reasons: n.reasons, by: n.by, at: n.created_at, answered_at: n.answered_at })
    .collect();
    let flags = sqlx::query!(
        "select field, registry_value, claimed_value from registry_flag where dossier_id = $1 order by at",
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|f| FlagView { field: f.field, registry_value: f.registry_value, claimed_value: f.claimed_value })
    .collect();
    let duplicates = duplicates(&mut conn, &row, &data).await?;
    let photos = sqlx::query_as!(
        crate::civil::PhotoRef,
        "select idempotency_key as key, n, purpose, bytes from field_photo where dossier_id = $1 order by received_at, n",
        row.dossier_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let delivery = sqlx::query_as!(
        crate::civil::DeliveryView,
        r#"select u.display_name as by, r.recipient, r.relation, r.place, r.place_note, r.delivered_at
           from delivery_record r join app_user u on u.user_id = r.delivered_by where r.dossier_id = $1"#,
        row.dossier_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(DossierView {
        code: row.code,
        kind: row.kind,
        status: row.status,
        channel: Channel::parse(&d.channel).unwrap_or(Channel::Counter),
        proactive: d.proactive,
        agency_name: d.agency_name,
        commune_name: d.commune_name,
        province_name: d.province_name,
        event_date: row.event_date,
        late: d.late,
        received_at: d.received_at,
        due_on: row.due_on,
        overdue: row.status.open() && row.due_on < today(now),
        paused: row.paused_since.is_some(),
        version: row.version,
        data,
        subject_id: row.subject_id.clone(),
        phone: d.phone,
        register_year: d.register_year,
        register_no: d.register_no,
        registered_at: d.registered_at,
        signer: d.signer,
        delivered_at: d.delivered_at,
        delivered_to: d.delivered_to,
        verify_token: d.verify_token,
        duplicates,
        duplicate_cleared: row.duplicate_cleared,
        steps,
        notices,
        flags,
        photos,
        delivery,
        allowed: allowed(user.role, row.status),
    })
}
