//! Per-client request limits shared by every server instance.

use crate::kernel::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

/// Counts a request in this minute's window for `bucket`; refuses above `limit`.
/// Postgres keeps the counters so that every server instance shares them.
pub async fn rate_limit(db: &PgPool, bucket: &str, limit: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    // Whole minutes: every request of the same minute shares the row.
    let window = DateTime::from_timestamp(now.timestamp() - now.timestamp().rem_euclid(60), 0).unwrap_or(now);
    let hits = sqlx::query_scalar!(
        r#"insert into rate_limit_window (bucket, window_start, hits) values ($1, $2, 1)
           on conflict (bucket, window_start) do update set hits = rate_limit_window.hits + 1
           returning hits"#,
        bucket,
        window
    )
    .fetch_one(db)
    .await?;
    if hits == 1 && rand::random::<u8>() < 8 {
        // Now and then, drop windows nobody will read again.
        sqlx::query!("delete from rate_limit_window where window_start < $1", now - Duration::hours(1))
            .execute(db)
            .await?;
    }
    if hits > limit {
        tracing::warn!(bucket, hits, "rate limited");
        return Err(AppError::Throttled((60 - now.timestamp().rem_euclid(60)) as u32));
    }
    Ok(())
}

/// Counts a request of `what` from this client (its address) against `limit` a minute.
pub async fn per_client(
    db: &PgPool,
    meta: &crate::kernel::request::RequestMeta,
    what: &str,
    limit: i32,
) -> Result<(), AppError> {
    let who = meta.ip.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into());
    rate_limit(db, &format!("{what}:{who}"), limit, chrono::Utc::now()).await
}
