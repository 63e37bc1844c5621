//! Offices and communes as the server reads them, and who may act at an office.

use super::org::{OfficeAccess, office_access};
use crate::kernel::{
    audit::Entry,
    error::AppError,
    principal::{AuthUser, Jurisdiction},
};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct OfficeRow {
    pub office_id: Uuid,
    pub agency_id: Uuid,
    pub name: String,
    pub address: String,
    pub commune_code: String,
    pub province_code: String,
}

pub async fn office_row(conn: &mut PgConnection, office_id: Uuid) -> Result<OfficeRow, AppError> {
    sqlx::query_as!(
        OfficeRow,
        r#"select o.office_id, o.agency_id, o.name, o.address, o.commune_code, c.province_code
           from office o join commune c using (commune_code) where o.office_id = $1"#,
        office_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)
}

/// What `user` may do at `office`.
pub fn access_at(user: &AuthUser, office: &OfficeRow) -> OfficeAccess {
    office_access(
        user.role,
        user.agency_id,
        user.jurisdiction.as_ref().map(|j| match j {
            Jurisdiction::Province { code, .. } => code.as_str(),
            Jurisdiction::Commune { province_code, .. } => province_code.as_str(),
        }),
        user.jurisdiction.as_ref().and_then(|j| j.commune_code()),
        office.agency_id,
        &office.province_code,
    )
}

/// Refuses unless `user` may do `need` at this office.
pub fn require_office(user: &AuthUser, office: &OfficeRow, need: OfficeAccess) -> Result<(), AppError> {
    if access_at(user, office) >= need {
        Ok(())
    } else {
        tracing::info!(user_id = %user.user_id, office_id = %office.office_id, ?need, "refused office access");
        Err(AppError::Forbidden)
    }
}

/// An audit entry about something at an office, filed under its commune.
pub fn audit_entry<'a>(
    office: &'a OfficeRow,
    action: &'a str,
    entity_type: &'a str,
    id: String,
    details: serde_json::Value,
) -> Entry<'a> {
    Entry::new(action, entity_type, Some(id))
        .at(Some(&office.province_code), Some(&office.commune_code))
        .details(details)
}

pub async fn commune_province(conn: &mut PgConnection, commune: &str) -> Result<String, AppError> {
    sqlx::query_scalar!("select province_code from commune where commune_code = $1", commune)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}
