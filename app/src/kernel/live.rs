//! Live updates across server instances: a change NOTIFYs its channel inside its transaction
//! (delivered at commit); each instance LISTENs once, on every channel, and fans the notices out
//! to its open streams (TV boards, citizens' phones, the hotline console).

use sqlx::{PgConnection, PgPool};
use std::{sync::Arc, time::Duration};
use tokio::sync::broadcast;

/// The channels this process listens on; each feature owns one.
pub const CHANNELS: [&str; 2] = ["queue_event", "call_event"];

/// One notice as it came from PostgreSQL, or `Resync` when some may have been lost (the
/// listener reconnected, or a slow stream lagged): streams then tell their clients to reload.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    On { channel: Arc<str>, payload: Arc<str> },
    Resync,
}

pub async fn notify(conn: &mut PgConnection, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("select pg_notify($1, $2)", channel, payload).execute(conn).await?;
    Ok(())
}

/// This instance's fan-out of notices.
#[derive(Clone)]
pub struct LiveHub {
    tx: broadcast::Sender<Notice>,
}

impl Default for LiveHub {
    fn default() -> Self {
        Self { tx: broadcast::channel(1024).0 }
    }
}

impl LiveHub {
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.tx.subscribe()
    }

    /// The next notice on `channel` for which `keep` gives an item; `None` when the hub closed.
    /// A lagging receiver gets `Resync` as `Err(())`.
    pub async fn next<T>(
        rx: &mut broadcast::Receiver<Notice>,
        channel: &str,
        mut keep: impl FnMut(&str) -> Option<T>,
    ) -> Option<Result<T, ()>> {
        loop {
            match rx.recv().await {
                Ok(Notice::On { channel: c, payload }) if &*c == channel => {
                    if let Some(item) = keep(&payload) {
                        return Some(Ok(item));
                    }
                }
                Ok(Notice::On { .. }) => continue,
                Ok(Notice::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => return Some(Err(())),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Listens for the whole life of the process, reconnecting after errors.
    pub fn start(&self, db: PgPool) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let mut reconnected = false;
            loop {
                let listener = async {
                    let mut l = sqlx::postgres::PgListener::connect_with(&db).await?;
                    l.listen_all(CHANNELS).await?;
                    Ok::<_, sqlx::Error>(l)
                };
                let mut l = match listener.await {
                    Ok(l) => l,
                    // The server is shutting down.
                    Err(sqlx::Error::PoolClosed) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "live listener could not connect; retrying in 2 s");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        continue;
                    }
                };
                if reconnected {
                    let _ = tx.send(Notice::Resync);
                }
                reconnected = true;
                loop {
                    match l.try_recv().await {
                        // The connection dropped; the next call reconnects. Notices may be lost.
                        Ok(None) => {
                            tracing::warn!("live listener reconnecting");
                            let _ = tx.send(Notice::Resync);
                        }
                        // No receivers is fine: nobody is watching right now.
                        Ok(Some(n)) => {
                            drop(tx.send(Notice::On { channel: n.channel().into(), payload: n.payload().into() }))
                        }
                        Err(sqlx::Error::PoolClosed) => return,
                        Err(e) => {
                            tracing::warn!(error = %e, "live listener lost its connection; reconnecting");
                            break;
                        }
                    }
                }
            }
        });
    }
}
