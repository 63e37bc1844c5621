//! Births sent by hospitals' software: per-facility API keys, an idempotent notification that
//! creates a notified dossier in the mother's commune and a home visit for its collectors.

use crate::civil::{
    api::{NewDossier, insert_dossier},
    domain::{Channel, DossierKind, PersonalId, Sex},
    registry::PopulationRegistry,
};
use crate::kernel::conflict::CivilConflict;
use crate::{
    civil::Status,
    identity::{AuthUser, Role},
    kernel::{error::AppError, request::RequestMeta},
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

/// The facility behind an API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facility {
    pub key_id: Uuid,
    pub agency_id: Uuid,
}

/// Creates a facility's API key (province administrators only); returns it, shown once.
pub async fn create_key(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    facility: Uuid,
    name: &str,
) -> Result<String, AppError> {
    if user.role != crate::identity::Role::ProvinceAdmin || user.commune_code.is_some() {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let kind = sqlx::query_scalar!(
        "select kind from agency where agency_id = $1 and province_code = $2",
        facility,
        user.province_code
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if kind != "health_facility" {
        return Err(AppError::from(CivilConflict::NotAHealthFacility));
    }
    let (key, hash) = crate::identity::authz::new_api_key("pvh_");
    let id = sqlx::query_scalar!(
        "insert into facility_api_key (agency_id, name, key_hash, created_by) values ($1, $2, $3, $4) returning key_id",
        facility,
        name,
        hash,
        user.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    crate::kernel::audit::commit(
        tx,
        Some(user),
        meta,
        crate::kernel::audit::Entry::new("facility_key.created", "facility_api_key", Some(id.to_string()))
            .at(user.province_code.as_deref(), None)
            .details(serde_json::json!({ "facility": facility, "name": name })),
    )
    .await?;
    Ok(key)
}

pub async fn facility_by_key(db: &PgPool, key: &str) -> Result<Option<Facility>, sqlx::Error> {
    Ok(sqlx::query!(
        "update facility_api_key set last_seen_at = now() where key_hash = $1 and active returning key_id, agency_id",
        crate::identity::authz::token_hash(key)
    )
    .fetch_optional(db)
    .await?
    .map(|r| Facility { key_id: r.key_id, agency_id: r.agency_id }))
}

/// The electronic birth certificate's data (Giấy chứng sinh).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BirthNotice {
    pub certificate_code: String,
    pub mother_id: String,
    pub child_sex: String,
    pub born_at: DateTime<Utc>,
    pub place_of_birth: String,
    pub weight_grams: i32,
    pub child_name: Option<String>,
}

/// What the facility learns about a birth it sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BirthStatus {
    /// Same mother and birth day as an earlier dossier (twins, or a second send under a new code).
    pub possible_duplicate: bool,
    pub certificate_code: String,
    pub dossier_code: String,
    pub status: String,
    pub commune_code: String,
    pub due_on: chrono::NaiveDate,
}

async fn status_of(db: &PgPool, facility: Uuid, code: &str) -> Result<Option<BirthStatus>, AppError> {
    Ok(sqlx::query!(
        r#"select n.certificate_code, d.code, d.status, d.commune_code, d.due_on,
                  d.possible_duplicate_of is not null as "possible_duplicate!"
           from birth_notification n join dossier d using (dossier_id)
           where n.certificate_code = $1 and n.facility_id = $2"#,
        code,
        facility
    )
    .fetch_optional(db)
    .await?
    .map(|r| BirthStatus {
        possible_duplicate: r.possible_duplicate,
        certificate_code: r.certificate_code,
        dossier_code: r.code,
        status: r.status,
        commune_code: r.commune_code,
        due_on: r.due_on,
    }))
}

/// The status of a birth this facility sent (NotFound for other facilities' certificates).
pub async fn birth_status(db: &PgPool, facility: &Facility, code: &str) -> Result<BirthStatus, AppError> {
    status_of(db, facility.agency_id, code.trim()).await?.ok_or(AppError::NotFound)
}

/// Receives a birth: a notified dossier in the mother's commune (from the registry) and a home
/// visit for its collectors. Sending the same certificate again changes nothing and answers the
/// same dossier (`false` = not new). Errors: Validation (field), Conflict(mother_unknown |
/// certificate_other_facility | birth_in_future).
pub async fn notify_birth(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    facility: &Facility,
    meta: &RequestMeta,
    n: BirthNotice,
    now: DateTime<Utc>,
) -> Result<(BirthStatus, bool), AppError> {
    use crate::kernel::error::{FieldError, FieldErrors};
    let mut errs = FieldErrors::default();
    // Every text through the shared parsing: NFC, length, no control characters or markup.
    let code = errs.check("certificate_code", crate::kernel::text::line(&n.certificate_code, 60)).unwrap_or_default();
    let this_year = chrono::Datelike::year(&now.with_timezone(&crate::kernel::time::vn_offset()).date_naive());
    let mother = PersonalId::parse(&n.mother_id, this_year);
    if let Err(e) = &mother {
        errs.push("mother_id", (*e).into());
    }
    let sex = Sex::parse(&n.child_sex);
    if sex.is_none() {
        errs.push("child_sex", FieldError::Invalid);
    }
    if !(300..=7000).contains(&n.weight_grams) {
        errs.push("weight_grams", FieldError::Invalid);
    }
    let place = errs.check("place_of_birth", crate::kernel::text::line(&n.place_of_birth, 200));
    let child_name = match n.child_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => errs.check("child_name", crate::kernel::text::person_name(raw)),
        None => Some(String::new()),
    };
    let today = now.with_timezone(&crate::kernel::time::vn_offset()).date_naive();
    let born_day = n.born_at.with_timezone(&crate::kernel::time::vn_offset()).date_naive();
    // A certificate is sent within days of the birth; a year back covers late sends.
    if crate::kernel::text::plausible(born_day).is_err() || born_day < today - chrono::Duration::days(366) {
        errs.push("born_at", FieldError::Because(crate::kernel::error::Reason::DateOutOfRange));
    }
    if let Ok(m) = &mother
        && let Err(e) = crate::kernel::text::mother_fits(born_day, m.birth_year())
        && errs.get("born_at").is_none()
    {
        errs.push("born_at", e);
    }
    let (Ok(mother), Some(sex), Some(place), Some(child_name), true) =
        (mother, sex, place, child_name, errs.is_empty())
    else {
        return Err(AppError::Validation(errs));
    };
    let mut tx = db.begin().await?;
    // Two sends of one certificate at once: the second waits and then finds the first.
    sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("birth:{code}")).execute(&mut *tx).await?;
    let existing = sqlx::query_scalar!("select facility_id from birth_notification where certificate_code = $1", code)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(owner) = existing {
        tx.commit().await?;
        if owner != facility.agency_id {
            return Err(AppError::from(CivilConflict::CertificateOtherFacility));
        }
        return Ok((status_of(db, facility.agency_id, &code).await?.ok_or(AppError::NotFound)?, false));
    }
    let found = registry.find(&mother).await?;
    sqlx::query!(
        "insert into registry_lookup (actor_id, dossier_ref, method, personal_id, found) values (null, $1, 'id', $2, $3)",
        format!("giay-chung-sinh:{code}"),
        mother.as_str(),
        found.is_some()
    )
    .execute(&mut *tx)
    .await?;
    let Some(m) = found else {
        tx.commit().await?;
        return Err(AppError::from(CivilConflict::MotherUnknown));
    };
    let born = n.born_at.with_timezone(&crate::kernel::time::vn_offset()).date_naive();
    let local_birth = n.born_at.with_timezone(&crate::kernel::time::vn_offset());
    let mut data = crate::civil::form::Data::new();
    let facility_name = sqlx::query_scalar!("select name from agency where agency_id = $1", facility.agency_id)
        .fetch_one(&mut *tx)
        .await?;
    for (k, v) in [
        ("certificate_code", code.clone()),
        ("facility_name", facility_name),
        ("weight_grams", n.weight_grams.to_string()),
        ("child_name", child_name),
        ("child_sex", sex.as_str().to_owned()),
        ("birth_date", born.to_string()),
        ("birth_time", local_birth.format("%H:%M").to_string()),
        ("birth_place", place),
        ("ethnicity", m.ethnicity.clone()),
        ("mother_id", m.personal_id.clone()),
    ] {
        if !v.is_empty() {
            data.insert(k.into(), v);
        }
    }
    crate::civil::api::fill_party(&mut data, "mother", &m);
    if let Some(s) = &m.spouse
        && let Ok(father) = PersonalId::parse(&s.personal_id, this_year)
        && let Some(f) = registry.find(&father).await?
    {
        data.insert("father_id".into(), f.personal_id.clone());
        crate::civil::api::fill_party(&mut data, "father", &f);
    }
    let data = serde_json::to_value(&data).unwrap_or_default();
    let d = NewDossier {
        kind: DossierKind::Birth,
        commune_code: m.commune_code.clone(),
        channel: Channel::Hospital,
        event_date: born,
        subject_birth: None,
        already_dead: false,
        bundle: true,
        verification: false,
        data,
        mother_id: Some(m.personal_id.clone()),
    };
    let received = insert_dossier(&mut tx, None, meta, d, now).await?;
    sqlx::query!(
        r#"insert into birth_notification (certificate_code, facility_id, dossier_id, payload, received_at)
           values ($1, $2, $3, $4, $5)"#,
        code,
        facility.agency_id,
        received.dossier_id,
        serde_json::to_value(&n).unwrap_or_default(),
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into home_visit_task (dossier_id, commune_code, kind, source, legal_deadline)
           values ($1, $2, 'birth', 'hospital', $3)"#,
        received.dossier_id,
        m.commune_code,
        born + Duration::days(60)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((status_of(db, facility.agency_id, &code).await?.ok_or(AppError::NotFound)?, true))
}

/// A health facility's view of the births it sent and where each dossier stands.
pub async fn sent_births(db: &PgPool, user: &AuthUser) -> Result<Vec<super::dto::SentBirth>, AppError> {
    let facility = match (user.role, user.agency_id) {
        (Role::HealthFacility, Some(a)) => a,
        _ => return Err(AppError::Forbidden),
    };
    Ok(sqlx::query!(
        r#"select b.certificate_code, b.received_at, d.code, d.status, c.name as commune_name
           from birth_notification b join dossier d using (dossier_id) join commune c on c.commune_code = d.commune_code
           where b.facility_id = $1 order by b.received_at desc limit 200"#,
        facility
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .filter_map(|r| {
        Some(super::dto::SentBirth {
            certificate_code: r.certificate_code,
            received_at: r.received_at,
            dossier_code: r.code,
            status: Status::parse(&r.status)?,
            commune_name: r.commune_name,
        })
    })
    .collect())
}

/// Health facilities and their keys, for the province administrator.
pub async fn facility_keys(db: &PgPool, user: &AuthUser) -> Result<Vec<super::dto::FacilityKeys>, AppError> {
    if user.role != Role::ProvinceAdmin {
        return Err(AppError::Forbidden);
    }
    let rows = sqlx::query!(
        r#"select a.agency_id, a.name, k.name as "key_name?", k.created_at as "created_at?", k.last_seen_at, k.active as "active?"
           from agency a left join facility_api_key k using (agency_id)
           where a.kind = 'health_facility' and a.province_code = $1
           order by a.name, k.created_at"#,
        user.province_code
    )
    .fetch_all(db)
    .await?;
    let mut out: Vec<super::dto::FacilityKeys> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|f| f.agency_id != r.agency_id) {
            out.push(super::dto::FacilityKeys { agency_id: r.agency_id, name: r.name.clone(), keys: vec![] });
        }
        if let (Some(name), Some(at), Some(active), Some(f)) = (r.key_name, r.created_at, r.active, out.last_mut()) {
            f.keys.push(super::dto::KeyInfo { name, created_at: at, last_seen_at: r.last_seen_at, active });
        }
    }
    Ok(out)
}
