//! Dossier numbers: the next number of an agency's day, inside the caller's transaction.

pub(crate) use crate::kernel::office::commune_province;
use crate::{civil::domain::DossierKind, kernel::error::AppError};
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// The next dossier code of `agency_id` for `day`. Call it inside the transaction that stores the
/// dossier: concurrent receipts queue on the day's row, and a receipt that rolls back gives its
/// number back, so the day's numbers have no gaps and no duplicates.
pub async fn next_dossier_code(conn: &mut PgConnection, agency_id: Uuid, day: NaiveDate) -> Result<String, AppError> {
    let r = sqlx::query!(
        r#"with n as (
               insert into dossier_code_sequence (agency_id, day, last_number) values ($1, $2, 1)
               on conflict (agency_id, day) do update set last_number = dossier_code_sequence.last_number + 1
               returning last_number)
           select n.last_number as "number!", a.code from n, agency a where a.agency_id = $1"#,
        agency_id,
        day
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(super::domain::dossier_code(&r.code, day, r.number.max(1) as u32))
}

/// What a receiving official, collector or the hospital API hands in.
pub struct NewDossier {
    pub kind: super::domain::DossierKind,
    pub commune_code: String,
    pub channel: super::domain::Channel,
    pub event_date: NaiveDate,
    /// Birth date of the person concerned, for a death (checked against the death day).
    pub subject_birth: Option<NaiveDate>,
    pub already_dead: bool,
    pub bundle: bool,
    pub verification: bool,
    /// The form's content (prefilled from the registry, completed by the official).
    pub data: serde_json::Value,
    /// Births: the mother's number (finds a second dossier of the same birth).
    pub mother_id: Option<String>,
}

/// Receives a dossier from a commune's official or collector: within their commune only.
/// Errors: Forbidden (another commune or role), Conflict(refusal key), NotFound (no commune
/// committee for the commune).
pub async fn receive(
    db: &sqlx::PgPool,
    user: &crate::identity::AuthUser,
    meta: &crate::kernel::request::RequestMeta,
    d: NewDossier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::ReceivedDossier, AppError> {
    use crate::identity::Role;
    if !matches!(user.role, Role::CivilStatusOfficial | Role::CounterOfficer | Role::Collector) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let province = commune_province(&mut tx, &d.commune_code).await?;
    user.require_commune(&d.commune_code, &province)?;
    // The channel follows who receives it: a collector's receipt is at home, an official's at
    // the counter (hospitals come through their API).
    let channel =
        if user.role == Role::Collector { super::domain::Channel::Collector } else { super::domain::Channel::Counter };
    let r = insert_dossier(&mut tx, Some(user), meta, NewDossier { channel, ..d }, now).await?;
    tx.commit().await?;
    Ok(r)
}

/// Stores a dossier in the caller's transaction: checks dates, gives it the next code of the
/// commune's day, its due date in working days (15:00 cut-off), a late flag, version 1 of its
/// content and the first step of its process log; audited (actor None = an integration).
pub async fn insert_dossier(
    tx: &mut PgConnection,
    user: Option<&crate::identity::AuthUser>,
    meta: &crate::kernel::request::RequestMeta,
    d: NewDossier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::ReceivedDossier, AppError> {
    use super::domain::{self, DossierKind};
    let commune = sqlx::query!(
        r#"select c.province_code, a.agency_id as "agency_id?"
           from commune c left join agency a on a.commune_code = c.commune_code and a.kind = 'commune_committee'
           where c.commune_code = $1 order by a.created_at limit 1"#,
        d.commune_code
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let agency_id = commune.agency_id.ok_or(AppError::NotFound)?;
    let local = now.with_timezone(&crate::kernel::time::vn_offset()).naive_local();
    let today = local.date();
    let refusals = match d.kind {
        DossierKind::Birth => domain::check_birth(d.event_date, today),
        DossierKind::Death => domain::check_death(d.subject_birth, d.event_date, d.already_dead, today),
        DossierKind::Marriage => vec![],
    };
    if let Some(r) = refusals.first() {
        return Err(AppError::from(*r));
    }
    let cal = crate::reference::api::load_calendar(&mut *tx).await?;
    let mobile = d.channel == domain::Channel::Collector;
    let due_on = cal.due_date(local, domain::processing_days(d.kind, d.bundle, d.verification, mobile));
    let late = domain::is_late_registration(&cal, d.kind, d.event_date, today);
    let code = next_dossier_code(&mut *tx, agency_id, today).await?;
    let status = if d.channel == domain::Channel::Hospital { "notified" } else { "submitted" };
    let user_id = user.map(|u| u.user_id);
    // The same mother and birth day already on file: flagged for the official, never merged.
    let duplicate = match (&d.kind, &d.mother_id) {
        (DossierKind::Birth, Some(mother)) => {
            // Two certificates of twins arriving at once must see each other.
            sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("birth:{mother}:{}", d.event_date))
                .execute(&mut *tx)
                .await?;
            sqlx::query_scalar!(
                r#"select dossier_id from dossier
                   where kind = 'birth' and mother_id = $1 and event_date = $2 and status <> 'refused'
                   order by received_at limit 1"#,
                mother,
                d.event_date
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        _ => None,
    };
    let content: super::form::Data = serde_json::from_value(d.data.clone()).unwrap_or_default();
    let id = sqlx::query_scalar!(
        r#"insert into dossier (code, kind, agency_id, commune_code, channel, proactive, status, event_date, late, bundle,
                                received_at, due_on, created_by, mother_id, possible_duplicate_of, subject_name, phone, subject_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning dossier_id"#,
        code,
        d.kind.as_str(),
        agency_id,
        d.commune_code,
        d.channel.as_str(),
        d.channel.proactive(),
        status,
        d.event_date,
        late,
        d.bundle,
        now,
        due_on,
        user_id,
        d.mother_id,
        duplicate,
        super::form::subject_name(d.kind, &content),
        content.get("phone"),
        content.get("deceased_id")
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into dossier_version (dossier_id, version, data, author_id) values ($1, 1, $2, $3)",
        id,
        d.data,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into dossier_step (dossier_id, step, handler_id, started_at, due_on, done_at, result)
           values ($1, 'received', $2, $3, $4, $3, 'on_time')"#,
        id,
        user_id,
        now,
        today
    )
    .execute(&mut *tx)
    .await?;
    crate::kernel::audit::record(
        &mut *tx,
        user,
        meta,
        crate::kernel::audit::Entry::new("dossier.received", "dossier", Some(id.to_string()))
            .at(Some(&commune.province_code), Some(&d.commune_code))
            .details(serde_json::json!({ "code": code, "kind": d.kind.as_str(), "channel": d.channel.as_str(),
                                         "late": late, "due_on": due_on, "possible_duplicate_of": duplicate })),
    )
    .await?;
    if let Some(phone) = content.get("phone") {
        let agency =
            sqlx::query_scalar!("select name from agency where agency_id = $1", agency_id).fetch_one(&mut *tx).await?;
        let body = receipt_sms(&agency, d.kind, &code, due_on);
        sms(&mut *tx, id, Some(phone), &body).await?;
    }
    Ok(super::ReceivedDossier { dossier_id: id, code, due_on, late, possible_duplicate_of: duplicate })
}

/// Texts the requester about their dossier (after the transaction commits), when a phone is on it.
pub(crate) async fn sms(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    phone: Option<&str>,
    body: &str,
) -> Result<(), AppError> {
    let Some(phone) = phone else { return Ok(()) };
    let id = crate::notify::api::enqueue(conn, crate::notify::Channel::Sms, phone, "", body).await?;
    sqlx::query!(
        "update notification set subject_ref = $2 where notification_id = $1",
        id,
        format!("dossier:{dossier_id}")
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The receipt's text message: code, due day and the tracking link.
pub(crate) fn receipt_sms(agency: &str, kind: DossierKind, code: &str, due: NaiveDate) -> String {
    format!(
        "{} da tiep nhan ho so {} {}. Hen tra ket qua: {}. Theo doi: {}/track?code={}",
        crate::reference::unaccent(agency),
        kind_sms(kind),
        code,
        due.format("%d/%m/%Y"),
        crate::state::public_url(),
        code
    )
}

/// Unaccented Vietnamese name of a dossier's kind, for SMS (gateways bill diacritics as UCS-2).
pub(crate) fn kind_sms(kind: DossierKind) -> &'static str {
    match kind {
        DossierKind::Birth => "khai sinh",
        DossierKind::Marriage => "ket hon",
        DossierKind::Death => "khai tu",
    }
}
