//! Server functions of the chairman's letters.

use super::{LetterView, TemplateView};
use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

/// `signed`: "1" for the signed ones, else those waiting.
#[server(endpoint = "letters", input = GetUrl)]
pub async fn list_letters(signed: String) -> Result<Vec<LetterView>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::letters(&st.db, &user, signed == "1").await
}

/// The chairman signs the ticked letters (`ids[n]` = a letter's id).
#[server(endpoint = "sign_letters")]
pub async fn sign_letters(ids: Option<BTreeMap<String, String>>) -> Result<usize, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let ids: Vec<uuid::Uuid> =
        ids.unwrap_or_default().values().filter_map(|v| uuid::Uuid::parse_str(v.trim()).ok()).collect();
    if ids.is_empty() {
        return Err(AppError::validation("ids", crate::kernel::error::FieldError::Required));
    }
    super::service::sign(&st.db, &user, &meta, &ids, chrono::Utc::now()).await
}

#[server(endpoint = "dossier_letter", input = GetUrl)]
pub async fn dossier_letter(code: String) -> Result<Option<LetterView>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::letter_of(&st.db, &user, code.trim()).await
}

#[server(endpoint = "letter_templates", input = GetUrl)]
pub async fn letter_templates() -> Result<Vec<TemplateView>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::templates(&st.db, &user).await
}

#[server(endpoint = "save_letter_template")]
pub async fn save_letter_template(
    kind: String,
    title: String,
    body: String,
    practical: String,
) -> Result<i32, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let kind = crate::civil::domain::DossierKind::parse(kind.trim()).ok_or(AppError::invalid("kind"))?;
    super::service::save_template(&st.db, &user, &meta, kind, &title, &body, &practical).await
}
