//! Intake: a dossier received at the counter or from the field, prefilled from the registry
//! (every lookup logged), the claims that differ from the registry flagged, corrections saved
//! as new versions.

use super::base::{allowed, audit, known, lookup, may_prepare, step, today};
use super::dossier::{keep_log_on_refusal, load};
use crate::civil::{
    ReceivedDossier,
    domain::{Channel, DossierKind, PersonalId},
    form::{self, Data, Known},
    registry::{PopulationRegistry, RegistryPerson},
    service::{NewDossier, insert_dossier},
};
use crate::kernel::conflict::CivilConflict;
use crate::kernel::office::commune_province;
use crate::{
    identity::{AuthUser, Role},
    kernel::{
        error::{AppError, FieldError, FieldErrors},
        request::RequestMeta,
    },
};
use chrono::{DateTime, Datelike, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Registry look-ups one official may make a minute while filling forms.
pub(super) const LOOKUPS_PER_MINUTE: i32 = 30;

/// Writes what the registry says about a party into the form's data (`<party>_<field>`).
pub fn fill_party(data: &mut Data, party: &str, p: &RegistryPerson) {
    for (k, v) in [
        ("name", p.full_name.clone()),
        ("birth", p.birth_date.to_string()),
        ("sex", p.sex.as_str().to_owned()),
        ("ethnicity", p.ethnicity.clone()),
        ("nationality", p.nationality.clone()),
        ("residence", p.permanent_address.clone()),
    ] {
        data.insert(format!("{party}_{k}"), v);
    }
}

/// Shows who a number or chip-card QR is while a form is filled (logged, no dossier yet).
pub async fn preview_person(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<crate::civil::PersonPreview, AppError> {
    if !(may_prepare(user.role) || user.role == Role::Collector) || user.commune_code.is_none() {
        return Err(AppError::Forbidden);
    }
    // A person at a time, by hand or by scanner: a flood is somebody walking through numbers.
    crate::kernel::rate_limit::rate_limit(db, &format!("lookup:{}", user.user_id), LOOKUPS_PER_MINUTE, now).await?;
    let year = today(now).year();
    let (id, method) = match crate::civil::domain::ChipQr::parse(raw.trim(), year) {
        Some(qr) => (qr.personal_id, "chip_qr"),
        None => (PersonalId::parse(raw, year).map_err(|e| AppError::validation("person", e.into()))?, "id"),
    };
    let mut conn = db.acquire().await?;
    let p = lookup(&mut conn, registry, Some(user.user_id), "form", method, &id)
        .await?
        .ok_or(AppError::validation("person", FieldError::Rule(crate::civil::domain::Refusal::PersonUnknown)))?;
    // A preview is for the commune's own residents (Nghị định 69/2024: data used for the task at
    // hand). Others are looked up when a dossier naming them is received, logged under it.
    if user.commune_code.as_deref() != Some(p.commune_code.as_str()) {
        return Err(AppError::validation("person", FieldError::Because(crate::kernel::error::Reason::OutsideCommune)));
    }
    let mut fields = Data::new();
    fill_party(&mut fields, "p", &p);
    let fields = fields.into_iter().map(|(k, v)| (k.trim_start_matches("p_").to_owned(), v)).collect();
    Ok(crate::civil::PersonPreview { personal_id: p.personal_id, fields })
}

/// Looks up every party of a parsed form (logged under `dossier_ref`), refuses what the registry
/// contradicts, and writes the registry's values into the data.
pub(super) async fn prefill(
    conn: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    kind: DossierKind,
    parsed: &mut form::Parsed,
    commune: &str,
    dossier_ref: &str,
) -> Result<BTreeMap<&'static str, RegistryPerson>, AppError> {
    let mut found = BTreeMap::new();
    for (party, id) in &parsed.ids {
        if let Some(p) = lookup(&mut *conn, registry, Some(user.user_id), dossier_ref, "id", id).await? {
            found.insert(*party, p);
        }
    }
    let people: BTreeMap<&'static str, Known> = found.iter().map(|(k, p)| (*k, known(p))).collect();
    let refusals = form::registry_refusals(kind, &parsed.ids, &people, parsed.event_date, commune);
    if !refusals.is_empty() {
        let mut errs = FieldErrors::default();
        for (f, e) in refusals {
            errs.push(&f, e);
        }
        return Err(AppError::Validation(errs));
    }
    for (party, p) in &found {
        fill_party(&mut parsed.data, party, p);
    }
    Ok(found)
}

/// Values the person says the registry has wrong: `flag_<party>_<field>` = what they claim.
pub(super) fn claimed_flags(raw: &BTreeMap<String, String>, data: &Data) -> Vec<(String, String, String)> {
    raw.iter()
        .filter_map(|(k, v)| {
            let field = k.strip_prefix("flag_")?;
            let v: String = unicode_normalization::UnicodeNormalization::nfc(v.trim()).collect();
            let registry_value = data.get(field)?;
            (!v.is_empty() && &v != registry_value && v.chars().count() <= 200)
                .then(|| (field.to_owned(), registry_value.clone(), v))
        })
        .collect()
}

pub(super) async fn store_flags(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    user: &AuthUser,
    data: &Data,
    flags: &[(String, String, String)],
) -> Result<(), AppError> {
    for (field, registry_value, claimed) in flags {
        let party = field.split('_').next().unwrap_or_default();
        let personal_id = data.get(&format!("{party}_id")).cloned().unwrap_or_default();
        sqlx::query!(
            r#"insert into registry_flag (dossier_id, personal_id, field, registry_value, claimed_value, flagged_by)
               values ($1, $2, $3, $4, $5, $6)"#,
            dossier_id,
            personal_id,
            field,
            registry_value,
            claimed,
            user.user_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A family's papers received at the commune's counter: parsed, people prefilled from the
/// registry (never typed again), checked, stored with the next code and audited.
pub async fn receive_form(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    kind: DossierKind,
    raw: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<ReceivedDossier, AppError> {
    if !may_prepare(user.role) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let r = receive_in(&mut tx, registry, user, meta, kind, raw, Channel::Counter, now).await;
    keep_log_on_refusal(tx, r).await
}

/// Receives a form in the caller's transaction, in the user's commune (the caller checks the
/// role): parsed, people prefilled from the registry and checked, stored with the next code.
#[allow(clippy::too_many_arguments)]
pub async fn receive_in(
    tx: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    kind: DossierKind,
    raw: &BTreeMap<String, String>,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<ReceivedDossier, AppError> {
    let commune = user.commune_code.clone().ok_or(AppError::Forbidden)?;
    let mut parsed = form::parse(kind, raw, today(now)).map_err(AppError::Validation)?;
    let province = commune_province(&mut *tx, &commune).await?;
    user.require_commune(&commune, &province)?;
    let lookup_ref = format!("intake:{}", Uuid::now_v7());
    let people = prefill(&mut *tx, registry, user, kind, &mut parsed, &commune, &lookup_ref).await?;
    let flags = claimed_flags(raw, &parsed.data);
    let d = NewDossier {
        kind,
        commune_code: commune,
        channel,
        event_date: parsed.event_date,
        subject_birth: people.get("deceased").map(|p| p.birth_date),
        already_dead: false,
        bundle: raw.get("bundle").is_some_and(|v| !v.is_empty()),
        verification: false,
        data: serde_json::to_value(&parsed.data).unwrap_or_default(),
        mother_id: people.get("mother").map(|p| p.personal_id.clone()),
    };
    let r = insert_dossier(&mut *tx, Some(user), meta, d, now).await?;
    sqlx::query!("update registry_lookup set dossier_ref = $1 where dossier_ref = $2", r.code, lookup_ref)
        .execute(&mut *tx)
        .await?;
    store_flags(&mut *tx, r.dossier_id, user, &parsed.data, &flags).await?;
    Ok(r)
}

/// A correction or completion: a new version of the content (the earlier ones stay), with the
/// reason, audited. People whose number did not change keep the registry's earlier values.
#[allow(clippy::too_many_arguments)]
pub async fn save_form(
    db: &PgPool,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    raw: &BTreeMap<String, String>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let mut tx = db.begin().await?;
    let r = save_in(&mut tx, registry, user, meta, code, raw, reason, now).await;
    keep_log_on_refusal(tx, r).await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn save_in(
    tx: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    user: &AuthUser,
    meta: &RequestMeta,
    code: &str,
    raw: &BTreeMap<String, String>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let (row, old) = load(&mut *tx, user, code, true).await?;
    if !allowed(user.role, row.status).edit {
        return Err(AppError::from(CivilConflict::DossierWrongState));
    }
    let reason: String = unicode_normalization::UnicodeNormalization::nfc(reason.trim()).collect();
    // A marriage keeps the day it was received on: correcting it later is not "in the past".
    let as_of = if row.kind == DossierKind::Marriage { today(row.received_at) } else { today(now) };
    let mut parsed = match form::parse(row.kind, raw, as_of) {
        Ok(p) if reason.chars().count() >= 3 && reason.chars().count() <= 500 => p,
        Ok(_) => return Err(AppError::validation("reason", FieldError::TooShort { min: 3 })),
        Err(mut e) => {
            if reason.chars().count() < 3 {
                e.push("reason", FieldError::TooShort { min: 3 });
            }
            return Err(AppError::Validation(e));
        }
    };
    let people = prefill(&mut *tx, registry, user, row.kind, &mut parsed, &row.commune_code, &row.code).await?;
    // What the hospital's certificate brought stays with every version.
    for k in form::CERTIFICATE_FIELDS {
        if let Some(v) = old.get(k) {
            parsed.data.insert(k.to_owned(), v.clone());
        }
    }
    let flags = claimed_flags(raw, &parsed.data);
    let version = row.version + 1;
    let cal = crate::reference::api::load_calendar(&mut *tx).await?;
    let late = crate::civil::domain::is_late_registration(&cal, row.kind, parsed.event_date, today(row.received_at));
    let data = serde_json::to_value(&parsed.data).unwrap_or_default();
    sqlx::query!(
        "insert into dossier_version (dossier_id, version, data, reason, author_id) values ($1, $2, $3, $4, $5)",
        row.dossier_id,
        version,
        data,
        reason,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"update dossier set version = $2, event_date = $3, subject_name = $4, phone = $5, mother_id = $6,
                  subject_id = coalesce($7, subject_id), late = $8
           where dossier_id = $1"#,
        row.dossier_id,
        version,
        parsed.event_date,
        form::subject_name(row.kind, &parsed.data),
        parsed.data.get("phone"),
        people.get("mother").map(|p| p.personal_id.clone()),
        people.get("deceased").map(|p| p.personal_id.clone()),
        late
    )
    .execute(&mut *tx)
    .await?;
    // Changed content must be checked again: a ready dossier goes back for review, and the
    // comparison with duplicates is redone against the new mother and day.
    sqlx::query!(
        r#"update dossier set status = case when status = 'ready' then 'submitted' else status end,
                  duplicate_cleared_by = null,
                  possible_duplicate_of = case when kind = 'birth' then (
                      select o.dossier_id from dossier o
                      where o.kind = 'birth' and o.mother_id = $2 and o.event_date = $3 and o.dossier_id <> $1
                        and o.status <> 'refused' and o.received_at < dossier.received_at
                      order by o.received_at limit 1) end
           where dossier_id = $1"#,
        row.dossier_id,
        people.get("mother").map(|p| p.personal_id.clone()),
        parsed.event_date
    )
    .execute(&mut *tx)
    .await?;
    store_flags(&mut *tx, row.dossier_id, user, &parsed.data, &flags).await?;
    step(&mut *tx, &row, user, crate::civil::Step::Corrected, &reason, now).await?;
    audit(&mut *tx, user, meta, &row, "dossier.corrected", serde_json::json!({ "version": version, "reason": reason }))
        .await?;
    Ok(version)
}
