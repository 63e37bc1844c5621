//! Who is calling, and may they do this? Checked on the server for every state change and read.

use super::repo;
pub use crate::kernel::principal::AuthUser;
use crate::{
    kernel::error::AppError,
    state::{AppState, request_meta},
};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "phucvu_session";

/// A new API key for an integration (`prefix` tells its kind, e.g. `pvq_`) and the hash to store:
/// 256 random bits, shown once.
pub fn new_api_key(prefix: &str) -> (String, String) {
    use base64::Engine;
    use rand::RngCore;
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    let key = format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw));
    let hash = token_hash(&key);
    (key, hash)
}

/// Session tokens are random; the database only keeps their SHA-256.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn session_token_from_cookies(cookie_header: Option<&str>) -> Option<String> {
    cookie::Cookie::split_parse(cookie_header?)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

/// The user of the current request, if the session cookie is valid.
pub async fn current_user(st: &AppState) -> Result<Option<AuthUser>, AppError> {
    let meta = request_meta(&st.settings);
    user_from_cookies(&st.db, meta.cookie_header.as_deref()).await
}

/// The user of a `Cookie` header, for plain HTTP routes outside the Leptos context.
pub async fn user_from_cookies(db: &sqlx::PgPool, cookie_header: Option<&str>) -> Result<Option<AuthUser>, AppError> {
    let Some(token) = session_token_from_cookies(cookie_header) else {
        return Ok(None);
    };
    let mut conn = db.acquire().await?;
    Ok(repo::session_user(&mut conn, &token_hash(&token)).await?)
}

/// The current user, or `Unauthorized`.
pub async fn require_user(st: &AppState) -> Result<AuthUser, AppError> {
    current_user(st).await?.ok_or(AppError::Unauthorized)
}
