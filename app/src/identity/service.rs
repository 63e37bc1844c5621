//! Login, one-time codes, sessions and password hashing.

use super::{AuthUser, OtpCode, Password, PhoneVn, Role, Username, authz, repo};
use crate::{
    kernel::{
        audit::{self as audit, Entry},
        error::AppError,
        request::RequestMeta,
    },
    notify::{Channel, api as notify},
    state::Settings,
};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::Engine;
use chrono::Utc;
use rand::{Rng, RngCore};
use serde_json::json;
use sqlx::{PgPool, types::ipnetwork::IpNetwork};
use std::sync::OnceLock;

/// At most this many failed logins per username within the window, then wait.
pub const MAX_FAILURES_PER_USER: i64 = 5;
/// Per client address, across usernames (password spraying).
pub const MAX_FAILURES_PER_IP: i64 = 50;
pub const FAILURE_WINDOW_SECS: f64 = 15.0 * 60.0;
/// One-time codes: lifetime, wrong guesses allowed per code, requests per phone and per address.
pub const OTP_TTL_SECS: f64 = 5.0 * 60.0;
pub const OTP_MAX_GUESSES: i16 = 5;
pub const OTP_MAX_PER_PHONE: usize = 3;
pub const OTP_MAX_PER_IP: usize = 20;
pub const OTP_WINDOW_SECS: f64 = 15.0 * 60.0;

/// A new session: the cookie token (only ever sent to the browser) and the user.
pub struct NewSession {
    pub token: String,
    pub user: AuthUser,
}

pub async fn hash_password(password: Password) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.expose().as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::internal("password hashing task failed", &e))?
    .map_err(|e| {
        let id = uuid::Uuid::now_v7();
        tracing::error!(error.id = %id, error = %e, "password hashing failed");
        AppError::Internal(id)
    })
}

/// Verifies off the async threads. Unknown users are checked against a dummy hash, so the
/// response time does not tell whether a username exists.
async fn verify_password(password: Password, hash: Option<String>) -> Result<bool, AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| {
                    let salt = SaltString::generate(&mut OsRng);
                    Argon2::default().hash_password(b"not-a-password", &salt).map(|h| h.to_string()).unwrap_or_default()
                })
                .clone()
        });
        let ok = PasswordHash::new(&hash)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.expose().as_bytes(), &parsed).is_ok());
        known && ok
    })
    .await
    .map_err(|e| AppError::internal("password verification task failed", &e))
}

fn ip(meta: &RequestMeta) -> Option<IpNetwork> {
    meta.ip.map(IpNetwork::from)
}

/// Seconds until the oldest of `failures` leaves the window, if there are `max` of them.
fn throttle_wait(failures: &[chrono::DateTime<Utc>], max: i64, window_secs: f64) -> Option<u32> {
    if (failures.len() as i64) < max {
        return None;
    }
    let oldest = failures.iter().min()?;
    let elapsed = (Utc::now() - *oldest).num_seconds() as f64;
    Some((window_secs - elapsed).max(1.0).ceil() as u32)
}

/// Opens a session and records the login in the audit log, in one transaction.
async fn new_session(
    db: &PgPool,
    user_id: uuid::Uuid,
    settings: &Settings,
    meta: &RequestMeta,
    method: &str,
) -> Result<NewSession, AppError> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut tx = db.begin().await?;
    repo::insert_session(
        &mut tx,
        &authz::token_hash(&token),
        user_id,
        settings.session_hours,
        ip(meta),
        meta.user_agent.as_deref(),
    )
    .await?;
    let user = repo::auth_user(&mut tx, user_id).await?;
    let entry = Entry::new("login", "app_user", Some(user.user_id.to_string()))
        .at(user.province_code.as_deref(), user.commune_code.as_deref())
        .details(json!({ "method": method }));
    audit::commit(tx, Some(&user), meta, entry).await?;
    Ok(NewSession { token, user })
}

#[tracing::instrument(skip_all, fields(username = %username.as_str()))]
pub async fn login_staff(
    db: &PgPool,
    settings: &Settings,
    meta: &RequestMeta,
    username: Username,
    password: Password,
) -> Result<NewSession, AppError> {
    let user_key = format!("user:{}", username.as_str());
    let ip_key = meta.ip.map(|ip| format!("ip:{ip}"));
    // Check and take a place in one short transaction, under a lock per key (user first, then
    // address: one order, no deadlock): simultaneous guesses are counted one after the other.
    let mut tx = db.begin().await?;
    repo::lock_attempts(&mut tx, &user_key).await?;
    let mut wait = throttle_wait(
        &repo::recent_failures(&mut tx, &user_key, FAILURE_WINDOW_SECS, MAX_FAILURES_PER_USER, true).await?,
        MAX_FAILURES_PER_USER,
        FAILURE_WINDOW_SECS,
    );
    if let Some(k) = &ip_key {
        repo::lock_attempts(&mut tx, k).await?;
        let w = throttle_wait(
            &repo::recent_failures(&mut tx, k, FAILURE_WINDOW_SECS, MAX_FAILURES_PER_IP, false).await?,
            MAX_FAILURES_PER_IP,
            FAILURE_WINDOW_SECS,
        );
        wait = wait.max(w);
    }
    if let Some(secs) = wait {
        tx.rollback().await?;
        tracing::warn!("login throttled");
        return Err(AppError::Throttled(secs));
    }
    let mut attempts = vec![repo::insert_pending_attempt(&mut tx, &user_key).await?];
    if let Some(k) = &ip_key {
        attempts.push(repo::insert_pending_attempt(&mut tx, k).await?);
    }
    tx.commit().await?;
    let mut conn = db.acquire().await?;
    let creds = repo::staff_credentials(&mut conn, username.as_str()).await?;
    let user_id = creds.as_ref().map(|c| c.user_id);
    let ok = verify_password(password, creds.map(|c| c.password_hash)).await?;
    repo::resolve_attempts(&mut conn, &attempts, ok).await?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        audit::record(
            &mut conn,
            None,
            meta,
            Entry::new("login_failed", "app_user", user_id.map(|u| u.to_string()))
                .details(json!({ "username": username.as_str() })),
        )
        .await?;
        return Err(AppError::BadCredentials);
    };
    drop(conn);
    new_session(db, user_id, settings, meta, "password").await
}

fn code_hash(challenge_salt: &str, code: &str) -> String {
    authz::token_hash(&format!("{challenge_salt}:{code}"))
}

/// Sends a one-time code by SMS through the outbox.
#[tracing::instrument(skip_all, fields(phone = %phone.masked()))]
pub async fn request_code(db: &PgPool, meta: &RequestMeta, phone: &PhoneVn) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let by_phone = repo::recent_challenges(&mut tx, Some(phone.as_str()), None, OTP_WINDOW_SECS).await?;
    let by_ip = match ip(meta) {
        Some(ip) => repo::recent_challenges(&mut tx, None, Some(ip), OTP_WINDOW_SECS).await?,
        None => Vec::new(),
    };
    let wait = throttle_wait(&by_phone, OTP_MAX_PER_PHONE as i64, OTP_WINDOW_SECS).max(throttle_wait(
        &by_ip,
        OTP_MAX_PER_IP as i64,
        OTP_WINDOW_SECS,
    ));
    if let Some(secs) = wait {
        tracing::warn!("code requests throttled");
        return Err(AppError::Throttled(secs));
    }
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    // The phone number salts the hash; the code itself is never stored.
    let id = repo::insert_challenge(&mut tx, phone.as_str(), &code_hash(phone.as_str(), &code), OTP_TTL_SECS, ip(meta))
        .await?;
    // Unaccented on purpose: SMS gateways bill Vietnamese diacritics as UCS-2 (70 chars a part).
    let body =
        format!("Ma xac thuc Phuc vu cua ban la {code}. Co hieu luc 5 phut. Khong chia se ma nay cho bat ky ai.");
    notify::enqueue(&mut tx, Channel::Sms, phone.as_str(), "", &body).await?;
    audit::commit(
        tx,
        None,
        meta,
        Entry::new("otp_requested", "otp_challenge", Some(id.to_string())).details(json!({ "phone": phone.masked() })),
    )
    .await?;
    Ok(())
}

/// Checks a one-time code and opens a citizen session, creating the account on first login.
#[tracing::instrument(skip_all, fields(phone = %phone.masked()))]
pub async fn verify_code(
    db: &PgPool,
    settings: &Settings,
    meta: &RequestMeta,
    phone: &PhoneVn,
    code: &OtpCode,
) -> Result<NewSession, AppError> {
    let mut tx = db.begin().await?;
    let Some(ch) = repo::open_challenge(&mut tx, phone.as_str()).await? else {
        return Err(AppError::Conflict(crate::kernel::conflict::Conflict::BadCode));
    };
    if ch.attempts >= OTP_MAX_GUESSES {
        return Err(AppError::Conflict(crate::kernel::conflict::Conflict::BadCode));
    }
    let expected = code_hash(phone.as_str(), code.as_str());
    // Constant-time comparison of the two hex digests.
    let same = expected.len() == ch.code_hash.len()
        && expected.bytes().zip(ch.code_hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        repo::fail_challenge(&mut tx, ch.challenge_id).await?;
        tx.commit().await?;
        return Err(AppError::Conflict(crate::kernel::conflict::Conflict::BadCode));
    }
    repo::consume_challenge(&mut tx, ch.challenge_id).await?;
    let (user_id, created) = repo::citizen_for_phone(&mut tx, phone.as_str(), &phone.display()).await?;
    tx.commit().await?;
    new_session(db, user_id, settings, meta, if created { "otp_first_login" } else { "otp" }).await
}

pub async fn logout(db: &PgPool, meta: &RequestMeta, token: &str, user: Option<&AuthUser>) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    repo::delete_session(&mut tx, &authz::token_hash(token)).await?;
    if let Some(u) = user {
        audit::record(
            &mut tx,
            Some(u),
            meta,
            Entry::new("logout", "app_user", Some(u.user_id.to_string()))
                .at(u.province_code.as_deref(), u.commune_code.as_deref()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A staff account to create (demo data, administration).
pub struct NewStaff<'a> {
    pub username: Username,
    pub password: Password,
    pub display_name: &'a str,
    pub role: Role,
    pub agency_id: uuid::Uuid,
    pub province_code: &'a str,
    pub commune_code: Option<&'a str>,
}

/// Creates the account unless the username exists; hashing is skipped then. Returns whether it was created.
pub async fn ensure_staff(db: &PgPool, s: NewStaff<'_>) -> Result<bool, AppError> {
    let mut conn = db.acquire().await?;
    if repo::username_exists(&mut conn, s.username.as_str()).await? {
        return Ok(false);
    }
    let hash = hash_password(s.password).await?;
    Ok(repo::insert_staff(
        &mut conn,
        s.username.as_str(),
        &hash,
        s.display_name,
        s.role,
        s.agency_id,
        s.province_code,
        s.commune_code,
    )
    .await?)
}
