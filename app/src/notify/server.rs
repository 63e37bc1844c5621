use super::LocalMessage;
use crate::kernel::error::AppError;
use leptos::prelude::*;

/// The local adapter's recent messages. Only when the developer inbox is enabled
/// (`PHUCVU_DEV_INBOX=1`, set by `make run`); otherwise `NotFound`.
#[server(endpoint = "dev_inbox")]
pub async fn list_local_messages() -> Result<Vec<LocalMessage>, AppError> {
    let st = crate::state::state()?;
    if !st.settings.dev_inbox {
        return Err(AppError::NotFound);
    }
    let rows = sqlx::query_as!(
        LocalMessage,
        r#"select local_message_id as id, channel, recipient, body, delivered_at
           from local_message order by local_message_id desc limit 50"#
    )
    .fetch_all(&st.db)
    .await?;
    Ok(rows)
}
