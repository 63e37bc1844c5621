//! Call recordings: copied from the exchange into the object store (the same one as field
//! photos), heard only by the hotline's agents and supervisors, every playback audited, and
//! deleted after the configured number of days.

use super::{events::Exchange, works_hotline};
use crate::kernel::{
    audit::{self, Entry},
    error::AppError,
    principal::AuthUser,
    request::RequestMeta,
};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use object_store::ObjectStore;
use sqlx::PgPool;
use uuid::Uuid;

/// Recordings larger than this are refused (an hour of 8 kHz mono WAV is 58 MB; MP3 far less).
pub const MAX_RECORDING_BYTES: usize = 64 * 1024 * 1024;

/// The audio formats exchanges deliver, by content type or file name.
pub fn audio_kind(content_type: Option<&str>, name: &str) -> Option<&'static str> {
    let ct = content_type.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match (ct.as_str(), ext.as_str()) {
        ("audio/wav" | "audio/x-wav" | "audio/wave", _) | (_, "wav") => Some("wav"),
        ("audio/mpeg" | "audio/mp3", _) | (_, "mp3") => Some("mp3"),
        ("audio/ogg", _) | (_, "ogg" | "oga") => Some("ogg"),
        _ => None,
    }
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next() {
        Some("mp3") => "audio/mpeg",
        Some("ogg") => "audio/ogg",
        _ => "audio/wav",
    }
}

/// Keeps a call's recording. Idempotent: the same call's recording again replaces it.
pub async fn store(
    db: &PgPool,
    files: &dyn ObjectStore,
    call_id: Uuid,
    kind: &str,
    audio: Bytes,
) -> Result<(), AppError> {
    if audio.is_empty() {
        return Err(AppError::validation("recording", crate::kernel::error::FieldError::Required));
    }
    let key = format!("recordings/{call_id}.{kind}");
    crate::files::put(files, &key, audio).await?;
    sqlx::query!("update call set recording_key = $2, recording_deleted_at = null where call_id = $1", call_id, key)
        .execute(db)
        .await?;
    Ok(())
}

/// An exchange uploads a recording itself (our generic format): the call is found, or created
/// when the upload comes before the call's events.
pub async fn upload(
    db: &PgPool,
    files: &dyn ObjectStore,
    ex: &Exchange,
    external_id: &str,
    kind: &str,
    audio: Bytes,
) -> Result<Uuid, AppError> {
    let external_id = external_id.trim();
    if external_id.is_empty() || external_id.len() > 200 {
        return Err(AppError::invalid("call_id"));
    }
    let call_id = sqlx::query_scalar!(
        r#"insert into call (exchange_id, external_id, direction) values ($1, $2, 'in')
           on conflict (exchange_id, external_id) do update set external_id = excluded.external_id
           returning call_id"#,
        ex.exchange_id,
        external_id
    )
    .fetch_one(db)
    .await?;
    store(db, files, call_id, kind, audio).await?;
    Ok(call_id)
}

/// Recordings reported by URL and not copied yet, claimed for one download attempt each (any
/// instance may run the copier; a claimed call is skipped by the others).
pub async fn claim_downloads(db: &PgPool, limit: i64) -> Result<Vec<(Uuid, String)>, AppError> {
    let rows = sqlx::query!(
        r#"update call set recording_tries = recording_tries + 1
           where call_id in (select call_id from call
                             where recording_url is not null and recording_key is null and recording_deleted_at is null
                               and recording_tries < 5
                             order by ended_at nulls last limit $1 for update skip locked)
           returning call_id, recording_url as "url!""#,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.call_id, r.url)).collect())
}

/// The recording, for the hotline's agents and supervisors; each playback is in the audit log.
pub async fn play(
    db: &PgPool,
    files: &dyn ObjectStore,
    user: &AuthUser,
    meta: &RequestMeta,
    call_id: Uuid,
) -> Result<(&'static str, Bytes), AppError> {
    works_hotline(user)?;
    let key = sqlx::query_scalar!("select recording_key from call where call_id = $1", call_id)
        .fetch_optional(db)
        .await?
        .flatten()
        .ok_or(AppError::NotFound)?;
    let audio = crate::files::get(files, &key).await?;
    let tx = db.begin().await?;
    audit::commit(tx, Some(user), meta, Entry::new("call.recording_played", "call", Some(call_id.to_string()))).await?;
    Ok((content_type(&key), audio))
}

/// Deletes recordings older than the retention period; returns how many.
pub async fn expire(db: &PgPool, files: &dyn ObjectStore, now: DateTime<Utc>) -> Result<usize, AppError> {
    let old = sqlx::query!(
        r#"select call_id, recording_key as "key!" from call
           where recording_key is not null
             and coalesce(ended_at, answered_at, ringing_at)
                 < $1::timestamptz - make_interval(days => (select recording_days from hotline_setting))
           limit 500"#,
        now
    )
    .fetch_all(db)
    .await?;
    for r in &old {
        crate::files::delete(files, &r.key).await?;
        sqlx::query!(
            "update call set recording_key = null, recording_deleted_at = $2 where call_id = $1",
            r.call_id,
            now
        )
        .execute(db)
        .await?;
    }
    Ok(old.len())
}

pub async fn recording_days(db: &PgPool) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar!("select recording_days from hotline_setting").fetch_one(db).await?)
}

/// Province administrators set how long recordings are kept.
pub async fn set_recording_days(db: &PgPool, user: &AuthUser, meta: &RequestMeta, raw: &str) -> Result<(), AppError> {
    if user.role != crate::kernel::principal::Role::ProvinceAdmin || user.commune_code.is_some() {
        return Err(AppError::Forbidden);
    }
    let days: i32 = raw
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=3650).contains(d))
        .ok_or_else(|| AppError::validation("recording_days", crate::kernel::error::FieldError::Invalid))?;
    let mut tx = db.begin().await?;
    sqlx::query!("update hotline_setting set recording_days = $1", days).execute(&mut *tx).await?;
    let entry =
        Entry::new("hotline.recording_days_set", "hotline_setting", None).details(serde_json::json!({ "days": days }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(())
}
