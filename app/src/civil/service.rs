//! Dossier numbers: the next number of an agency's day, inside the caller's transaction.

use crate::error::AppError;
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// The next dossier code of `agency_id` for `day`. Call it inside the transaction that stores the
/// dossier: concurrent receipts queue on the day's row, and a receipt that rolls back gives its
/// number back, so the day's numbers have no gaps and no duplicates.
pub async fn next_dossier_code(conn: &mut PgConnection, agency_id: Uuid, day: NaiveDate) -> Result<String, AppError> {
    let r = sqlx::query!(
        r#"with n as (
               insert into dossier_code_sequence (agency_id, day, last_number) values ($1, $2, 1)
               on conflict (agency_id, day) do update set last_number = dossier_code_sequence.last_number + 1
               returning last_number)
           select n.last_number as "number!", a.code from n, agency a where a.agency_id = $1"#,
        agency_id,
        day
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(super::domain::dossier_code(&r.code, day, r.number.max(1) as u32))
}
