//! Live queue updates across server instances: every change NOTIFYs `queue_event` inside its
//! transaction (delivered at commit); each instance LISTENs once and fans the events out to
//! its TV boards and citizens' phones (server-sent events).

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

pub const CHANNEL: &str = "queue_event";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEvent {
    pub office_id: Uuid,
    /// issued, called, started, finished, no_show, transferred; `resync` after a lost connection.
    pub kind: String,
    pub ticket: Option<String>,
    pub counter: Option<i16>,
}

pub async fn notify(conn: &mut PgConnection, ev: &QueueEvent) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_string(ev).unwrap_or_default();
    sqlx::query!("select pg_notify($1, $2)", CHANNEL, payload).execute(conn).await?;
    Ok(())
}

/// This instance's fan-out of queue events.
#[derive(Clone)]
pub struct QueueHub {
    tx: broadcast::Sender<QueueEvent>,
}

impl Default for QueueHub {
    fn default() -> Self {
        Self { tx: broadcast::channel(1024).0 }
    }
}

impl QueueHub {
    pub fn subscribe(&self) -> broadcast::Receiver<QueueEvent> {
        self.tx.subscribe()
    }

    /// Listens for the whole life of the process, reconnecting after errors. After a
    /// reconnection it sends `resync` (events may have been missed) so clients reload.
    pub fn start(&self, db: PgPool) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let mut reconnected = false;
            loop {
                let listener = async {
                    let mut l = sqlx::postgres::PgListener::connect_with(&db).await?;
                    l.listen(CHANNEL).await?;
                    Ok::<_, sqlx::Error>(l)
                };
                let mut l = match listener.await {
                    Ok(l) => l,
                    // The server is shutting down.
                    Err(sqlx::Error::PoolClosed) => return,
                    Err(e) => {
                        tracing::warn!(error = %e, "queue listener could not connect; retrying in 2 s");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        continue;
                    }
                };
                if reconnected {
                    let _ = tx.send(QueueEvent {
                        office_id: Uuid::nil(),
                        kind: "resync".into(),
                        ticket: None,
                        counter: None,
                    });
                }
                reconnected = true;
                loop {
                    match l.try_recv().await {
                        // The connection dropped; the next call reconnects. Events may be lost.
                        Ok(None) => {
                            tracing::warn!("queue listener reconnecting");
                            let _ = tx.send(QueueEvent {
                                office_id: Uuid::nil(),
                                kind: "resync".into(),
                                ticket: None,
                                counter: None,
                            });
                        }
                        Ok(Some(n)) => match serde_json::from_str::<QueueEvent>(n.payload()) {
                            // No receivers is fine: nobody is watching a board right now.
                            Ok(ev) => drop(tx.send(ev)),
                            Err(e) => tracing::error!(error = %e, "BUG: unreadable queue event"),
                        },
                        Err(sqlx::Error::PoolClosed) => return,
                        Err(e) => {
                            tracing::warn!(error = %e, "queue listener lost its connection; reconnecting");
                            break;
                        }
                    }
                }
            }
        });
    }
}
