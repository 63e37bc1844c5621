//! Server functions of the field app: parse, authorize through the service, answer.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
fn parse_kind(raw: &str) -> Result<crate::civil::domain::DossierKind, AppError> {
    crate::civil::domain::DossierKind::parse(raw.trim()).ok_or_else(|| AppError::invalid("kind"))
}

/// Counts a family's request from this client (the public visit form).
#[cfg(feature = "ssr")]
async fn limit_public(st: &crate::state::AppState) -> Result<crate::kernel::request::RequestMeta, AppError> {
    let meta = crate::state::request_meta(&st.settings);
    let limit = crate::evaluation::api::rating_rate_limit(&st.db).await?;
    crate::kernel::rate_limit::per_client(&st.db, &meta, "visit", limit).await?;
    Ok(meta)
}

/// The collector's visits: the commune's open ones and their own.
#[server(endpoint = "field_tasks", input = GetUrl)]
pub async fn field_tasks() -> Result<Vec<super::dto::TaskView>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::tasks(&st.db, &user).await
}

/// Takes a visit (`take` = "1") or hands it back.
#[server(endpoint = "take_task")]
pub async fn take_task(task: String, take: String) -> Result<(), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let task = crate::kernel::text::uuid("task", &task)?;
    super::service::take(&st.db, &user, task, take == "1", chrono::Utc::now()).await
}

/// A submission from the collector's phone, sent from its outbox under the key it was given
/// when captured: received once, whatever the retries.
#[server(endpoint = "field_submit")]
pub async fn field_submit(
    key: String,
    kind: String,
    f: BTreeMap<String, String>,
    task: Option<String>,
    captured_at: Option<String>,
) -> Result<super::dto::SubmissionReceipt, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let key = crate::kernel::text::uuid("key", &key)?;
    let task = match task.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(crate::kernel::text::uuid("task", t)?),
    };
    let captured = captured_at
        .as_deref()
        .and_then(|c| chrono::DateTime::parse_from_rfc3339(c.trim()).ok())
        .map(|c| c.with_timezone(&chrono::Utc));
    super::service::submit(
        &st.db,
        st.registry.as_ref(),
        &user,
        &meta,
        key,
        parse_kind(&kind)?,
        &f,
        task,
        captured,
        chrono::Utc::now(),
    )
    .await
}

/// The collector's own figures, this month and this year.
#[server(endpoint = "field_figures", input = GetUrl)]
pub async fn field_figures() -> Result<super::dto::Figures, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::figures(&st.db, &user, chrono::Utc::now()).await
}

/// A handover recorded on the collector's phone, sent from its outbox under its key.
#[server(endpoint = "field_deliver")]
pub async fn field_deliver(
    key: String,
    code: String,
    recipient: String,
    relation: String,
    place: String,
    place_note: String,
    delivered_at: Option<String>,
) -> Result<super::dto::SubmissionReceipt, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let key = crate::kernel::text::uuid("key", &key)?;
    let delivered_at = delivered_at
        .as_deref()
        .and_then(|c| chrono::DateTime::parse_from_rfc3339(c.trim()).ok())
        .map(|c| c.with_timezone(&chrono::Utc));
    let h = super::dto::Handover { code, recipient, relation, place, place_note, delivered_at };
    super::service::deliver(&st.db, st.registry.as_ref(), &user, &meta, key, &h, chrono::Utc::now()).await
}

/// The commune's certificates waiting to be handed over (for the collector's phone).
#[server(endpoint = "field_to_deliver", input = GetUrl)]
pub async fn field_to_deliver() -> Result<Vec<super::dto::ToDeliver>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::to_deliver(&st.db, &user, chrono::Utc::now()).await
}

/// A family member or the hotline asks for a home visit.
#[server(endpoint = "request_visit")]
#[allow(clippy::too_many_arguments)]
pub async fn request_visit(
    commune: String,
    kind: String,
    family_name: String,
    phone: String,
    address: String,
    event_date: String,
    note: String,
    requester_name: String,
) -> Result<(), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::current_user(&st).await?;
    // Families (signed in or not) are rate-limited; the hotline and commune staff are not.
    use crate::identity::Role;
    let staff = user.as_ref().is_some_and(|u| {
        matches!(u.role, Role::HotlineAgent | Role::CivilStatusOfficial | Role::CounterOfficer | Role::AgencyAdmin)
    });
    let meta = if staff { crate::state::request_meta(&st.settings) } else { limit_public(&st).await? };
    let event_date = match event_date.trim() {
        "" => None,
        v => Some(crate::civil::form::parse_date(v).ok_or_else(|| AppError::invalid("event_date"))?),
    };
    let r = super::dto::VisitRequest {
        commune_code: commune,
        kind: parse_kind(&kind)?,
        family_name,
        phone,
        address,
        event_date,
        note,
        requester_name,
    };
    super::service::request_visit(&st.db, user.as_ref(), &meta, &r, chrono::Utc::now()).await.map(|_| ())
}

/// Communes a family can ask a visit of: those with a civil-status office.
#[server(endpoint = "visit_communes", input = GetUrl)]
pub async fn visit_communes() -> Result<Vec<(String, String)>, AppError> {
    let st = crate::state::state()?;
    super::service::visit_communes(&st.db).await
}
