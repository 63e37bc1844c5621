//! Server functions of civil registration: parse, authorize through the service, answer.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{DossierView, PersonPreview, ReceivedDossier, Status, Tracked, Verification, WorkQueue};
use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
fn parse_kind(raw: &str) -> Result<super::domain::DossierKind, AppError> {
    super::domain::DossierKind::parse(raw.trim()).ok_or_else(|| AppError::invalid("kind"))
}

/// Empty = any.
#[cfg(feature = "ssr")]
fn optional<T>(raw: &str, field: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        v => parse(v).map(Some).ok_or_else(|| AppError::invalid(field)),
    }
}

/// The official's queue: `tab` one of the lists; kind, channel, age filters; page from 0.
#[server(endpoint = "civil_queue", input = GetUrl)]
pub async fn civil_queue(
    tab: String,
    kind: String,
    channel: String,
    age: String,
    page: String,
) -> Result<WorkQueue, AppError> {
    use super::{
        Age, Tab,
        domain::{Channel, DossierKind},
    };
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let filter = super::work::Filter {
        tab: optional(&tab, "tab", Tab::parse)?.unwrap_or(Tab::Notified),
        kind: optional(&kind, "kind", DossierKind::parse)?,
        channel: optional(&channel, "channel", Channel::parse)?,
        age: optional(&age, "age", Age::parse)?,
        page: optional(&page, "page", |p| p.parse::<u32>().ok().filter(|p| *p < 10_000))?.unwrap_or(0),
    };
    super::work::work_queue(&st.db, &user, filter, chrono::Utc::now()).await
}

#[server(endpoint = "civil_dossier", input = GetUrl)]
pub async fn civil_dossier(code: String) -> Result<DossierView, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::work::dossier_view(&st.db, &user, code.trim(), chrono::Utc::now()).await
}

/// A printable document of a dossier (receipt or certificate) with its QR: the tracking page for
/// a receipt, the public verification page for a certificate.
#[server(endpoint = "civil_document", input = GetUrl)]
pub async fn civil_document(code: String, document: String) -> Result<(DossierView, String, String), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let view = super::work::dossier_view(&st.db, &user, code.trim(), chrono::Utc::now()).await?;
    let origin = crate::state::public_url();
    let url = match document.as_str() {
        "receipt" => format!("{origin}/track?code={}", view.code),
        "supplement" | "refusal" if view.notices.iter().any(|n| n.form == document) => {
            format!("{origin}/track?code={}", view.code)
        }
        "certificate" => match (&view.verify_token, view.status) {
            (Some(t), Status::Registered | Status::Delivered) => format!("{origin}/verify/{t}"),
            _ => return Err(AppError::from(crate::kernel::conflict::CivilConflict::DossierWrongState)),
        },
        _ => return Err(AppError::invalid("document")),
    };
    Ok((view, crate::kernel::qr::qr_svg(&url), url))
}

/// Who a number or chip ID card QR is, while a form is filled (logged).
#[server(endpoint = "civil_person")]
pub async fn civil_person(query: String) -> Result<PersonPreview, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::work::preview_person(&st.db, st.registry.as_ref(), &user, &query, chrono::Utc::now()).await
}

/// Papers received at the counter. `f` holds the form's fields (`f[child_name]` …).
#[server(endpoint = "civil_receive")]
pub async fn civil_receive(kind: String, f: BTreeMap<String, String>) -> Result<ReceivedDossier, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let kind = parse_kind(&kind)?;
    super::work::receive_form(&st.db, st.registry.as_ref(), &user, &meta, kind, &f, chrono::Utc::now()).await
}

/// A correction or completion: a new version with its reason.
#[server(endpoint = "civil_save")]
pub async fn civil_save(code: String, reason: String, f: BTreeMap<String, String>) -> Result<i32, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    super::work::save_form(&st.db, st.registry.as_ref(), &user, &meta, code.trim(), &f, &reason, chrono::Utc::now())
        .await
}

/// A step on a dossier: review, supplement, resume, refuse, register, sign, deliver.
#[server(endpoint = "civil_act")]
pub async fn civil_act(
    code: String,
    action: String,
    reasons: Option<String>,
    recipient: Option<String>,
    confirm_distinct: Option<String>,
    step: Option<String>,
) -> Result<Status, AppError> {
    use super::work::Action;
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    if action == "partner_done" {
        let now = chrono::Utc::now();
        let step = super::Step::parse(step.unwrap_or_default().trim()).ok_or_else(|| AppError::invalid("step"))?;
        super::work::partner_done(&st.db, &user, &meta, code.trim(), step, now).await?;
        return super::work::dossier_view(&st.db, &user, code.trim(), now).await.map(|v| v.status);
    }
    let confirm = confirm_distinct.is_some_and(|c| !c.is_empty());
    let action = match action.as_str() {
        "review" => Action::Review { confirm_distinct: confirm },
        "supplement" => Action::Supplement { reasons: reasons.unwrap_or_default() },
        "resume" => Action::Resume,
        "refuse" => Action::Refuse { reasons: reasons.unwrap_or_default() },
        "register" => Action::Register,
        "sign" => Action::Sign,
        "deliver" => Action::Deliver { recipient: recipient.unwrap_or_default(), at: None },
        _ => return Err(AppError::invalid("action")),
    };
    super::work::act(&st.db, st.registry.as_ref(), &user, &meta, code.trim(), action, chrono::Utc::now()).await
}

/// Counts a public request from this client (verification and tracking pages).
#[cfg(feature = "ssr")]
async fn limit_public(
    st: &crate::state::AppState,
    what: &str,
) -> Result<crate::kernel::request::RequestMeta, AppError> {
    let meta = crate::state::request_meta(&st.settings);
    let limit = crate::evaluation::api::rating_rate_limit(&st.db).await?;
    crate::kernel::rate_limit::per_client(&st.db, &meta, what, limit).await?;
    Ok(meta)
}

/// The public page behind a certificate's QR (logs the scan).
#[server(endpoint = "civil_verify", input = GetUrl)]
pub async fn civil_verify(token: String) -> Result<Verification, AppError> {
    let st = crate::state::state()?;
    let meta = limit_public(&st, "verify").await?;
    super::work::verify(&st.db, &token, &meta).await
}

/// A citizen follows a dossier, or a case the hotline opened, with its code and the phone
/// number on it.
#[server(endpoint = "civil_track")]
pub async fn civil_track(code: String, phone: String) -> Result<Tracked, AppError> {
    let st = crate::state::state()?;
    limit_public(&st, "track").await?;
    super::work::track(&st.db, &code, &phone).await
}

/// The days after which an undelivered certificate is flagged (the commune administrator's setting).
#[server(endpoint = "undelivered_days", input = GetUrl)]
pub async fn undelivered_days() -> Result<i32, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let commune = user.commune_code.clone().ok_or(AppError::Forbidden)?;
    super::settings::undelivered_days(&st.db, &commune).await
}

#[server(endpoint = "set_undelivered_days")]
pub async fn set_undelivered_days(days: String) -> Result<(), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    let days = days.trim().parse().map_err(|_| AppError::invalid("days"))?;
    super::settings::set_undelivered_days(&st.db, &user, &meta, days).await
}
