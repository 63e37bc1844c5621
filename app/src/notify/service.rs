//! Outbox writes, the dispatcher and the channel adapters.

use super::Channel;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

/// A message ready to hand to a provider.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub notification_id: Uuid,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// Worth retrying later (network, provider busy).
    #[error("temporary: {0}")]
    Temporary(String),
    /// The provider refused the message for good (bad number, blocked).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// One provider (SMS gateway, Zalo OA, SMTP). Returns the provider's message id.
#[async_trait::async_trait]
pub trait Notifier: Send + Sync {
    async fn send(&self, msg: &Outgoing) -> Result<String, NotifyError>;
}

/// The development and test adapter: records messages in `local_message`, where a developer
/// (or an end-to-end test) reads them, instead of contacting a provider.
pub struct LocalNotifier {
    pub db: PgPool,
}

#[async_trait::async_trait]
impl Notifier for LocalNotifier {
    async fn send(&self, msg: &Outgoing) -> Result<String, NotifyError> {
        let id = sqlx::query_scalar!(
            r#"insert into local_message (notification_id, channel, recipient, subject, body)
               values ($1, $2, $3, $4, $5) returning local_message_id"#,
            msg.notification_id,
            msg.channel.as_str(),
            msg.recipient,
            msg.subject,
            msg.body
        )
        .fetch_one(&self.db)
        .await
        .map_err(|e| NotifyError::Temporary(e.to_string()))?;
        tracing::info!(
            channel = msg.channel.as_str(),
            local_message_id = id,
            "local adapter delivered a message (see /dev/inbox)"
        );
        Ok(format!("local-{id}"))
    }
}

/// Queues a message; it is sent after the surrounding transaction commits.
#[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
pub async fn enqueue(
    conn: &mut PgConnection,
    channel: Channel,
    recipient: &str,
    subject: &str,
    body: &str,
) -> Result<Uuid, sqlx::Error> {
    let id = sqlx::query_scalar!(
        r#"insert into notification (channel, recipient, subject, body) values ($1, $2, $3, $4)
           returning notification_id"#,
        channel.as_str(),
        recipient,
        subject,
        body
    )
    .fetch_one(&mut *conn)
    .await?;
    // Wakes the dispatchers of every instance once the transaction commits.
    sqlx::query!("select pg_notify('notification', '')").execute(&mut *conn).await?;
    Ok(id)
}

const MAX_ATTEMPTS: i16 = 6;

/// Sends up to `limit` due messages. Safe to run in several instances at once.
pub async fn dispatch_due(db: &PgPool, notifier: &dyn Notifier, limit: i64) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    for _ in 0..limit {
        let mut tx = db.begin().await?;
        // NO KEY UPDATE, not UPDATE: an adapter writing rows that reference this one (the local
        // adapter does) needs a KEY SHARE lock on it and must not wait for us.
        let row = sqlx::query!(
            r#"select notification_id, channel, recipient, subject, body, attempts from notification
               where status = 'pending' and next_attempt_at <= now()
               order by next_attempt_at limit 1 for no key update skip locked"#
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { break };
        let msg = Outgoing {
            notification_id: row.notification_id,
            channel: Channel::parse(&row.channel).unwrap_or(Channel::Sms),
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
        };
        match notifier.send(&msg).await {
            Ok(provider_id) => {
                sqlx::query!(
                    "update notification set status = 'sent', sent_at = now(), attempts = attempts + 1, provider_message_id = $2 where notification_id = $1",
                    msg.notification_id,
                    provider_id
                )
                .execute(&mut *tx)
                .await?;
                sent += 1;
            }
            Err(e) => {
                let attempts = row.attempts + 1;
                let permanent = matches!(e, NotifyError::Permanent(_)) || attempts >= MAX_ATTEMPTS;
                // Back off 30 s, 1 min, 2 min, … between retries.
                let backoff = 30.0 * 2f64.powi(i32::from(attempts) - 1);
                tracing::warn!(notification_id = %msg.notification_id, attempts, error = %e, "notification not delivered");
                sqlx::query!(
                    r#"update notification set attempts = $2, last_error = $3,
                         status = case when $4 then 'failed' else 'pending' end,
                         next_attempt_at = now() + make_interval(secs => $5)
                       where notification_id = $1"#,
                    msg.notification_id,
                    attempts,
                    e.to_string(),
                    permanent,
                    backoff
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// Runs forever: wakes on `NOTIFY notification` or every few seconds, and sends what is due.
pub async fn run_dispatcher(db: PgPool, notifier: std::sync::Arc<dyn Notifier>) {
    let mut listener = match sqlx::postgres::PgListener::connect_with(&db).await {
        Ok(mut l) => match l.listen("notification").await {
            Ok(()) => Some(l),
            Err(e) => {
                tracing::warn!(error = %e, "LISTEN failed; polling only");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "listener connection failed; polling only");
            None
        }
    };
    loop {
        if let Err(e) = dispatch_due(&db, notifier.as_ref(), 50).await {
            // Back off: a database outage must not turn into a tight loop of errors.
            tracing::error!(error = %e, "notification dispatch failed; retrying in 5 s");
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        match listener.as_mut() {
            Some(l) => match tokio::time::timeout(Duration::from_secs(5), l.recv()).await {
                Ok(Ok(_)) | Err(_) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "notification listener failed; retrying in 5 s");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            },
            None => tokio::time::sleep(Duration::from_secs(2)).await,
        }
    }
}
