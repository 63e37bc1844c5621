//! Server functions of the facilities' pages: parse, authorize through the service, answer.

use super::dto::{FacilityKeys, SentBirth};
use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(endpoint = "facility_births", input = GetUrl)]
pub async fn facility_births() -> Result<Vec<SentBirth>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::sent_births(&st.db, &user).await
}

#[server(endpoint = "facility_keys", input = GetUrl)]
pub async fn list_facility_keys() -> Result<Vec<FacilityKeys>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::facility_keys(&st.db, &user).await
}

/// A new key for a facility's software; the answer is the only time it is shown.
#[server(endpoint = "create_facility_key")]
pub async fn create_facility_key(facility: String, name: String) -> Result<String, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let facility = crate::kernel::text::uuid("facility", &facility)?;
    let name: String = unicode_normalization::UnicodeNormalization::nfc(name.trim()).collect();
    match name.chars().count() {
        0 => return Err(AppError::validation("name", crate::kernel::error::FieldError::Required)),
        101.. => return Err(AppError::validation("name", crate::kernel::error::FieldError::TooLong { max: 100 })),
        _ => {}
    }
    super::service::create_key(&st.db, &user, &meta, facility, &name).await
}
