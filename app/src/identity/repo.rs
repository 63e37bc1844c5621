//! SQL of the identity feature.

use super::{AuthUser, Jurisdiction, Role};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, types::ipnetwork::IpNetwork};
use uuid::Uuid;

struct UserRow {
    user_id: Uuid,
    role: String,
    display_name: String,
    agency_id: Option<Uuid>,
    agency_name: Option<String>,
    province_code: Option<String>,
    province_name: Option<String>,
    commune_code: Option<String>,
    commune_name: Option<String>,
}

impl UserRow {
    fn into_auth_user(self) -> AuthUser {
        let jurisdiction = match (&self.province_code, &self.commune_code) {
            (Some(p), Some(c)) => Some(Jurisdiction::Commune {
                code: c.clone(),
                name: self.commune_name.unwrap_or_default(),
                province_code: p.clone(),
            }),
            (Some(p), None) => {
                Some(Jurisdiction::Province { code: p.clone(), name: self.province_name.unwrap_or_default() })
            }
            _ => None,
        };
        AuthUser {
            user_id: self.user_id,
            // The column has a check constraint listing exactly the roles of `Role`.
            role: Role::parse(&self.role).unwrap_or(Role::Citizen),
            display_name: self.display_name,
            agency_id: self.agency_id,
            agency_name: self.agency_name,
            province_code: self.province_code,
            commune_code: self.commune_code,
            jurisdiction,
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn session_user(conn: &mut PgConnection, session_hash: &str) -> Result<Option<AuthUser>, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"select u.user_id, u.role, u.display_name, u.agency_id, a.name as "agency_name?",
                  u.jurisdiction_province_code as province_code, p.name as "province_name?",
                  u.jurisdiction_commune_code as commune_code, c.full_name as "commune_name?"
           from user_session s
           join app_user u on u.user_id = s.user_id
           left join agency a on a.agency_id = u.agency_id
           left join province p on p.province_code = u.jurisdiction_province_code
           left join commune c on c.commune_code = u.jurisdiction_commune_code
           where s.session_hash = $1 and s.expires_at > now() and u.active"#,
        session_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(UserRow::into_auth_user))
}

#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn auth_user(conn: &mut PgConnection, user_id: Uuid) -> Result<AuthUser, sqlx::Error> {
    let row = sqlx::query_as!(
        UserRow,
        r#"select u.user_id, u.role, u.display_name, u.agency_id, a.name as "agency_name?",
                  u.jurisdiction_province_code as province_code, p.name as "province_name?",
                  u.jurisdiction_commune_code as commune_code, c.full_name as "commune_name?"
           from app_user u
           left join agency a on a.agency_id = u.agency_id
           left join province p on p.province_code = u.jurisdiction_province_code
           left join commune c on c.commune_code = u.jurisdiction_commune_code
           where u.user_id = $1"#,
        user_id
    )
    .fetch_one(conn)
    .await?;
    Ok(row.into_auth_user())
}

pub struct Credentials {
    pub user_id: Uuid,
    pub password_hash: String,
}

pub async fn staff_credentials(conn: &mut PgConnection, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
    sqlx::query_as!(
        Credentials,
        r#"select user_id, password_hash as "password_hash!" from app_user
           where username = $1 and active and role <> 'citizen'"#,
        username
    )
    .fetch_optional(conn)
    .await
}

pub async fn insert_session(
    conn: &mut PgConnection,
    session_hash: &str,
    user_id: Uuid,
    hours: i64,
    ip: Option<IpNetwork>,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"insert into user_session (session_hash, user_id, expires_at, ip, user_agent)
           values ($1, $2, now() + make_interval(hours => $3::int), $4, $5)"#,
        session_hash,
        user_id,
        hours as i32,
        ip,
        user_agent
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut PgConnection, session_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from user_session where session_hash = $1", session_hash).execute(conn).await?;
    Ok(())
}

/// Serialises attempts on one key across requests and instances until the transaction ends.
pub async fn lock_attempts(conn: &mut PgConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('login_attempt:' || $1))", key).execute(conn).await?;
    Ok(())
}

/// A pending attempt (neither failed nor succeeded yet): it counts as a failure until resolved,
/// so simultaneous guesses cannot all pass the check.
pub async fn insert_pending_attempt(conn: &mut PgConnection, key: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!("insert into login_attempt (key) values ($1) returning attempt_id", key).fetch_one(conn).await
}

pub async fn resolve_attempts(conn: &mut PgConnection, ids: &[i64], succeeded: bool) -> Result<(), sqlx::Error> {
    sqlx::query!("update login_attempt set succeeded = $2 where attempt_id = any($1)", ids, succeeded)
        .execute(conn)
        .await?;
    Ok(())
}

/// Failed or pending attempts for `key` within the window, newest first, with their times.
/// With `since_success`, only those after the key's last success (a user who proved the
/// password starts afresh; an address never does, or one valid login would reset a spray).
pub async fn recent_failures(
    conn: &mut PgConnection,
    key: &str,
    window_secs: f64,
    limit: i64,
    since_success: bool,
) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"select at from login_attempt
           where key = $1 and succeeded is not true and at > now() - make_interval(secs => $2)
             and (not $4 or at > coalesce((select max(at) from login_attempt where key = $1 and succeeded),
                                          '-infinity'))
           order by at desc limit $3"#,
        key,
        window_secs,
        limit,
        since_success
    )
    .fetch_all(conn)
    .await?;
    Ok(rows)
}

/// Code requests for a phone number or from an address within the window.
pub async fn recent_challenges(
    conn: &mut PgConnection,
    phone: Option<&str>,
    ip: Option<IpNetwork>,
    window_secs: f64,
) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select created_at from otp_challenge
           where (phone = $1 or ip = $2) and created_at > now() - make_interval(secs => $3)
           order by created_at desc"#,
        phone,
        ip,
        window_secs
    )
    .fetch_all(conn)
    .await
}

pub async fn insert_challenge(
    conn: &mut PgConnection,
    phone: &str,
    code_hash: &str,
    ttl_secs: f64,
    ip: Option<IpNetwork>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into otp_challenge (phone, code_hash, expires_at, ip)
           values ($1, $2, now() + make_interval(secs => $3), $4) returning challenge_id"#,
        phone,
        code_hash,
        ttl_secs,
        ip
    )
    .fetch_one(conn)
    .await
}

pub struct Challenge {
    pub challenge_id: Uuid,
    pub code_hash: String,
    pub attempts: i16,
}

/// The newest unexpired, unused code of a phone number, locked for the check.
pub async fn open_challenge(conn: &mut PgConnection, phone: &str) -> Result<Option<Challenge>, sqlx::Error> {
    sqlx::query_as!(
        Challenge,
        r#"select challenge_id, code_hash, attempts from otp_challenge
           where phone = $1 and consumed_at is null and expires_at > now()
           order by created_at desc limit 1 for update"#,
        phone
    )
    .fetch_optional(conn)
    .await
}

pub async fn fail_challenge(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("update otp_challenge set attempts = attempts + 1 where challenge_id = $1", id).execute(conn).await?;
    Ok(())
}

pub async fn consume_challenge(conn: &mut PgConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("update otp_challenge set consumed_at = now() where challenge_id = $1", id).execute(conn).await?;
    Ok(())
}

/// The citizen account of a phone number, created on first login.
pub async fn citizen_for_phone(
    conn: &mut PgConnection,
    phone: &str,
    display_name: &str,
) -> Result<(Uuid, bool), sqlx::Error> {
    if let Some(id) = sqlx::query_scalar!("select user_id from app_user where phone = $1 and role = 'citizen'", phone)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok((id, false));
    }
    let id = sqlx::query_scalar!(
        r#"insert into app_user (role, display_name, phone) values ('citizen', $2, $1)
           on conflict (phone) do update set phone = excluded.phone returning user_id"#,
        phone,
        display_name
    )
    .fetch_one(conn)
    .await?;
    Ok((id, true))
}

/// Creates a staff account if the username is free. Returns whether it was created.
#[allow(clippy::too_many_arguments)]
pub async fn insert_staff(
    conn: &mut PgConnection,
    username: &str,
    password_hash: &str,
    display_name: &str,
    role: Role,
    agency_id: Uuid,
    province_code: &str,
    commune_code: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query!(
        r#"insert into app_user (role, display_name, username, password_hash, agency_id,
                                 jurisdiction_province_code, jurisdiction_commune_code)
           values ($1, $2, $3, $4, $5, $6, $7) on conflict (username) do nothing"#,
        role.as_str(),
        display_name,
        username,
        password_hash,
        agency_id,
        province_code,
        commune_code
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn username_exists(conn: &mut PgConnection, username: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select exists(select 1 from app_user where username = $1) as "e!""#, username)
        .fetch_one(conn)
        .await
}
