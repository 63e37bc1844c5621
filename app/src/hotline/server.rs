//! Server functions of the hotline: parse, authorize through the service, answer.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{AdminView, CallerView, Console, Figures, KbEntry};
use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::kernel::text::uuid as parse_uuid;

#[cfg(feature = "ssr")]
async fn user_and_meta()
-> Result<(crate::state::AppState, crate::identity::AuthUser, crate::state::RequestMeta), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let meta = crate::state::request_meta(&st.settings);
    Ok((st, user, meta))
}

#[server(endpoint = "hotline_console", input = GetUrl)]
pub async fn hotline_console() -> Result<Console, AppError> {
    let (st, user, _) = user_and_meta().await?;
    super::service::console::console(&st.db, &user).await
}

#[server(endpoint = "hotline_extension")]
pub async fn hotline_set_extension(extension: String) -> Result<String, AppError> {
    let (st, user, meta) = user_and_meta().await?;
    super::service::console::set_extension(&st.db, &user, &meta, &extension).await
}

#[server(endpoint = "hotline_caller", input = GetUrl)]
pub async fn hotline_caller(call: String) -> Result<CallerView, AppError> {
    let (st, user, _) = user_and_meta().await?;
    super::service::console::caller_view(&st.db, &user, parse_uuid("call", &call)?).await
}

/// The agent's wrap-up: the procedure, the knowledge-base answer used (if any) and the answer given.
#[server(endpoint = "hotline_wrap_up")]
pub async fn hotline_wrap_up(
    call: String,
    procedure: String,
    #[server(default)] kb_answer: Option<String>,
    note: String,
) -> Result<(), AppError> {
    let (st, user, meta) = user_and_meta().await?;
    let kb_answer_id = match kb_answer.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(parse_uuid("kb_answer", k)?),
        None => None,
    };
    let w = super::service::console::WrapUp {
        call_id: parse_uuid("call", &call)?,
        procedure_code: &procedure,
        kb_answer_id,
        note: &note,
    };
    super::service::console::wrap_up(&st.db, &user, &meta, w, chrono::Utc::now()).await
}

/// A missed caller was called back: `reached` is `1` when they answered.
#[server(endpoint = "hotline_callback")]
pub async fn hotline_callback(
    call: String,
    reached: String,
    #[server(default)] note: String,
) -> Result<Uuid, AppError> {
    let (st, user, meta) = user_and_meta().await?;
    let call_id = parse_uuid("call", &call)?;
    super::service::console::log_callback(
        &st.db,
        &user,
        &meta,
        call_id,
        reached.trim() == "1",
        &note,
        chrono::Utc::now(),
    )
    .await
}

/// Opens a case from the call; answers its code.
#[server(endpoint = "hotline_open_case")]
pub async fn hotline_open_case(
    call: String,
    kind: String,
    #[server(default)] procedure: String,
    #[server(default)] commune: String,
    content: String,
    #[server(default)] consent: Option<String>,
) -> Result<String, AppError> {
    let (st, user, meta) = user_and_meta().await?;
    let c = super::service::cases::NewCallCase {
        call_id: parse_uuid("call", &call)?,
        kind: &kind,
        procedure_code: &procedure,
        commune_code: &commune,
        content: &content,
        publish_consent: consent.is_some_and(|c| !c.is_empty()),
    };
    super::service::cases::open_from_call(&st.db, &user, &meta, c, chrono::Utc::now()).await.map(|(_, code)| code)
}

/// Knowledge-base search (public: the FAQ shows only approved answers in effect).
#[server(endpoint = "kb_search", input = GetUrl)]
pub async fn kb_search(q: String, #[server(default)] procedure: String) -> Result<Vec<KbEntry>, AppError> {
    let st = crate::state::state()?;
    let meta = crate::state::request_meta(&st.settings);
    crate::kernel::rate_limit::per_client(&st.db, &meta, "faq", 120).await?;
    if q.chars().count() > 200 {
        return Err(AppError::validation("q", crate::kernel::error::FieldError::TooLong { max: 200 }));
    }
    let procedure = Some(procedure.trim()).filter(|p| !p.is_empty());
    super::service::kb::search(&st.db, &q, procedure, crate::kernel::time::vn_today(chrono::Utc::now())).await
}

/// "Did this help?" (`helpful` is `1` or `0`).
#[server(endpoint = "faq_feedback")]
pub async fn faq_feedback(id: String, helpful: String) -> Result<bool, AppError> {
    let st = crate::state::state()?;
    let meta = crate::state::request_meta(&st.settings);
    crate::kernel::rate_limit::per_client(&st.db, &meta, "faq-feedback", 30).await?;
    let yes = helpful.trim() == "1";
    super::service::kb::feedback(&st.db, parse_uuid("id", &id)?, yes).await?;
    Ok(yes)
}

#[server(endpoint = "kb_versions", input = GetUrl)]
pub async fn kb_versions() -> Result<Vec<KbEntry>, AppError> {
    let (st, user, _) = user_and_meta().await?;
    super::service::kb::versions(&st.db, &user).await
}

/// Saves an answer (`answer_key` empty: a new one; else a new version of it).
#[server(endpoint = "kb_save")]
pub async fn kb_save(
    #[server(default)] answer_key: String,
    #[server(default)] procedure: String,
    topic: String,
    question: String,
    answer: String,
    effective_from: String,
) -> Result<Uuid, AppError> {
    let (st, user, meta) = user_and_meta().await?;
    let answer_key = match answer_key.trim() {
        "" => None,
        k => Some(parse_uuid("answer_key", k)?),
    };
    let d = super::service::kb::Draft {
        answer_key,
        procedure_code: &procedure,
        topic: &topic,
        question: &question,
        answer: &answer,
        effective_from: &effective_from,
    };
    super::service::kb::save(&st.db, &user, &meta, d).await
}

#[server(endpoint = "kb_approve")]
pub async fn kb_approve(id: String) -> Result<(), AppError> {
    let (st, user, meta) = user_and_meta().await?;
    super::service::kb::approve(&st.db, &user, &meta, parse_uuid("id", &id)?).await
}

/// `from`/`to`: `YYYY-MM-DD` (Vietnamese days); empty = the last 7 days.
#[server(endpoint = "hotline_figures", input = GetUrl)]
pub async fn hotline_figures(
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Figures, AppError> {
    let (st, user, _) = user_and_meta().await?;
    let (from, to) = parse_period(&from, &to)?;
    super::service::figures::figures(&st.db, &user, from, to).await
}

#[cfg(feature = "ssr")]
pub fn parse_period(from: &str, to: &str) -> Result<(chrono::NaiveDate, chrono::NaiveDate), AppError> {
    let today = crate::kernel::time::vn_today(chrono::Utc::now());
    let day = |field: &str, raw: &str, default| match raw.trim() {
        "" => Ok(default),
        s => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::invalid(field)),
    };
    let to = day("to", to, today)?;
    let from = day("from", from, to - chrono::Days::new(6))?;
    if from > to || (to - from).num_days() > 366 {
        return Err(AppError::invalid("from"));
    }
    Ok((from, to))
}

#[server(endpoint = "hotline_admin", input = GetUrl)]
pub async fn hotline_admin() -> Result<AdminView, AppError> {
    let (st, user, _) = user_and_meta().await?;
    let exchanges = super::service::exchanges(&st.db, &user).await?;
    let routes = super::service::cases::routes(&st.db, &user)
        .await?
        .into_iter()
        .map(|r| super::RouteLine { procedure: r.procedure, commune: r.commune, kind: r.kind, office: r.office })
        .collect();
    let offices = super::service::cases::offices(&st.db, &user).await?;
    let recording_days = super::service::recordings::recording_days(&st.db).await?;
    let clocks = super::service::cases::clocks(&st.db).await?;
    Ok(AdminView { exchanges, routes, offices, recording_days, clocks })
}

/// Registers an exchange; answers its id and signing key (shown once).
#[server(endpoint = "hotline_register_exchange")]
pub async fn hotline_register_exchange(name: String, vendor: String) -> Result<(Uuid, String), AppError> {
    let (st, user, meta) = user_and_meta().await?;
    super::service::register_exchange(&st.db, &user, &meta, &name, &vendor).await
}

#[server(endpoint = "hotline_set_route")]
pub async fn hotline_set_route(
    #[server(default)] procedure: String,
    #[server(default)] commune: String,
    #[server(default)] kind: String,
    office: String,
) -> Result<(), AppError> {
    let (st, user, meta) = user_and_meta().await?;
    let office = parse_uuid("office", &office)?;
    super::service::cases::set_route(&st.db, &user, &meta, &procedure, &commune, &kind, office).await
}

#[server(endpoint = "hotline_recording_days")]
pub async fn hotline_set_recording_days(recording_days: String) -> Result<(), AppError> {
    let (st, user, meta) = user_and_meta().await?;
    super::service::recordings::set_recording_days(&st.db, &user, &meta, &recording_days).await
}

#[server(endpoint = "hotline_case_clock")]
pub async fn hotline_set_clock(kind: String, resolve_days: String) -> Result<(), AppError> {
    let (st, user, meta) = user_and_meta().await?;
    super::service::cases::set_clock(&st.db, &user, &meta, &kind, &resolve_days).await
}
