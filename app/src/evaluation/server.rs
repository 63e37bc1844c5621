//! Server functions of ratings, rankings and feedback cases: parse, authorize through the
//! service, answer.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use super::{
    CaseDetail, CaseSummary, CounterRating, MyResults, OfficeEvaluations, Ranking, RatingContext, RatingReceipt,
    TrendPoint,
};
use crate::kernel::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::kernel::text::uuid as parse_uuid;

/// `2026-11` / `2026-Q4` / `2026`; empty = this month in Vietnam.
#[cfg(feature = "ssr")]
fn parse_period(raw: &str) -> Result<super::domain::Period, AppError> {
    if raw.trim().is_empty() {
        let today = crate::kernel::time::vn_today(chrono::Utc::now());
        return Ok(super::domain::Period::containing(today, "month"));
    }
    super::domain::Period::parse(raw).ok_or(AppError::invalid("period"))
}

/// Counts a public rating request from this client (links are unguessable; this stops floods).
#[cfg(feature = "ssr")]
async fn limit_rating_requests(st: &crate::state::AppState) -> Result<(), AppError> {
    let meta = crate::state::request_meta(&st.settings);
    let who = meta.ip.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into());
    let limit = super::service::rating_rate_limit(&st.db).await?;
    crate::kernel::rate_limit::rate_limit(&st.db, &format!("rate:{who}"), limit, chrono::Utc::now()).await
}

#[server(endpoint = "rating_form", input = GetUrl)]
pub async fn rating_form(token: String) -> Result<RatingContext, AppError> {
    let st = crate::state::state()?;
    limit_rating_requests(&st).await?;
    super::service::rating_context(&st.db, token.trim(), chrono::Utc::now()).await
}

/// `mode`: phone (the citizen's link), counter_kiosk (the citizen on the counter's tablet) or
/// staff (an official types it in for the citizen). The last two need a signed-in official.
#[server(endpoint = "submit_rating")]
pub async fn submit_rating(
    token: String,
    overall: Option<String>,
    item1: Option<String>,
    item2: Option<String>,
    item3: Option<String>,
    item4: Option<String>,
    item5: Option<String>,
    comment: String,
    complaint: Option<String>,
    mode: String,
) -> Result<RatingReceipt, AppError> {
    use super::service::RatingChannel;
    let st = crate::state::state()?;
    limit_rating_requests(&st).await?;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let answers = super::domain::RatingAnswers::parse(
        &s(&overall),
        [&s(&item1), &s(&item2), &s(&item3), &s(&item4), &s(&item5)],
        &comment,
        complaint.is_some_and(|c| !c.is_empty()),
    )
    .map_err(AppError::Validation)?;
    let user = match mode.as_str() {
        "phone" => None,
        "counter_kiosk" | "staff" => Some(crate::identity::authz::require_user(&st).await?),
        _ => return Err(AppError::invalid("mode")),
    };
    let channel = match (&user, mode.as_str()) {
        (Some(u), "staff") => RatingChannel::Staff(u),
        (Some(u), _) => RatingChannel::CounterKiosk(u),
        _ => RatingChannel::Phone,
    };
    let meta = crate::state::request_meta(&st.settings);
    super::service::submit_rating(&st.db, token.trim(), answers, channel, &meta, chrono::Utc::now()).await
}

#[server(endpoint = "counter_rating", input = GetUrl)]
pub async fn get_counter_rating(counter: String) -> Result<CounterRating, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::counter_rating(&st.db, &user, parse_uuid("counter", &counter)?, chrono::Utc::now()).await
}

/// Rankings: offices, agencies and communes for anyone; counters and officials for supervisors.
#[server(endpoint = "evaluation_ranking", input = GetUrl)]
pub async fn evaluation_ranking(kind: String, period: String, by: String) -> Result<Ranking, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::current_user(&st).await?;
    let kind = match kind.trim() {
        "" => super::domain::UnitKind::Office,
        k => super::domain::UnitKind::parse(k).ok_or(AppError::invalid("kind"))?,
    };
    super::service::ranking(&st.db, user.as_ref(), kind, parse_period(&period)?, super::RankBy::parse(by.trim())).await
}

/// The province's months (public figures, no person in them).
#[server(endpoint = "evaluation_trend", input = GetUrl)]
pub async fn evaluation_trend(period: String) -> Result<Vec<TrendPoint>, AppError> {
    let st = crate::state::state()?;
    super::service::trend(&st.db, parse_period(&period)?, None, None).await
}

#[server(endpoint = "my_results", input = GetUrl)]
pub async fn get_my_results(period: String) -> Result<MyResults, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::my_results(&st.db, &user, parse_period(&period)?).await
}

#[server(endpoint = "office_evaluations", input = GetUrl)]
pub async fn get_office_evaluations(office: String, period: String) -> Result<OfficeEvaluations, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::office_evaluations(&st.db, &user, parse_uuid("office", &office)?, parse_period(&period)?).await
}

/// Records or re-assesses indicator 1–9 with 0–2 points and a reason of at least 5 characters.
#[server(endpoint = "reassess")]
pub async fn reassess(evaluation: String, indicator: String, points: String, reason: String) -> Result<(), AppError> {
    use crate::kernel::error::{FieldError, FieldErrors};
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let id = parse_uuid("evaluation", &evaluation)?;
    let mut errs = FieldErrors::default();
    let indicator = indicator.trim().parse::<u8>().ok().filter(|i| (1..=9).contains(i));
    if indicator.is_none() {
        errs.push("indicator", FieldError::Invalid);
    }
    let points = points.trim().parse::<u8>().ok().filter(|p| *p <= 2);
    if points.is_none() {
        errs.push("points", FieldError::Invalid);
    }
    let reason = reason.trim();
    match reason.chars().count() {
        0 => errs.push("reason", FieldError::Required),
        1..5 => errs.push("reason", FieldError::TooShort { min: 5 }),
        1001.. => errs.push("reason", FieldError::TooLong { max: 1000 }),
        _ => {}
    }
    let (Some(indicator), Some(points), true) = (indicator, points, errs.is_empty()) else {
        return Err(AppError::Validation(errs));
    };
    let meta = crate::state::request_meta(&st.settings);
    super::service::reassess(&st.db, &user, &meta, id, indicator, points, reason).await
}

#[server(endpoint = "feedback_cases", input = GetUrl)]
pub async fn feedback_cases(all: String) -> Result<Vec<CaseSummary>, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::cases(&st.db, &user, all.trim() != "1", chrono::Utc::now()).await
}

#[server(endpoint = "feedback_case", input = GetUrl)]
pub async fn feedback_case(id: String) -> Result<CaseDetail, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::case_detail(&st.db, &user, parse_uuid("id", &id)?, chrono::Utc::now()).await
}

/// `to_office`: where a transferred case goes (ignored for other actions).
#[server(endpoint = "feedback_case_act")]
pub async fn feedback_case_act(
    id: String,
    action: String,
    note: String,
    #[server(default)] to_office: Option<String>,
) -> Result<(), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let action = super::domain::CaseAction::parse(action.trim()).ok_or(AppError::invalid("action"))?;
    let meta = crate::state::request_meta(&st.settings);
    let to_office = match to_office.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) if action == super::domain::CaseAction::Transfer => Some(parse_uuid("to_office", o)?),
        _ => None,
    };
    let id = parse_uuid("id", &id)?;
    let step = super::service::CaseStep { action, note: &note, to_office };
    super::service::case_act(&st.db, &user, &meta, id, step, chrono::Utc::now()).await
}

#[server(endpoint = "criteria_admin", input = GetUrl)]
pub async fn get_criteria_admin() -> Result<super::CriteriaAdmin, AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    super::service::criteria_admin(&st.db, &user).await
}

/// A new criteria set: code, name, first day (YYYY-MM-DD, after today), weights w1–w9 (0–10),
/// band lower bounds in percent.
#[server(endpoint = "add_criteria_set")]
pub async fn add_criteria_set(
    code: String,
    name: String,
    effective_from: String,
    w1: String,
    w2: String,
    w3: String,
    w4: String,
    w5: String,
    w6: String,
    w7: String,
    w8: String,
    w9: String,
    band_excellent: String,
    band_good: String,
    band_fair: String,
    band_average: String,
) -> Result<(), AppError> {
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let today = crate::kernel::time::vn_today(chrono::Utc::now());
    let new = super::domain::NewCriteriaSet::parse(
        &code,
        &name,
        &effective_from,
        [&w1, &w2, &w3, &w4, &w5, &w6, &w7, &w8, &w9],
        [&band_excellent, &band_good, &band_fair, &band_average],
        today,
    )
    .map_err(AppError::Validation)?;
    let meta = crate::state::request_meta(&st.settings);
    super::service::add_criteria_set(&st.db, &user, &meta, new).await
}

#[server(endpoint = "set_rating_config")]
pub async fn set_rating_config(rating_valid_days: String, rating_requests_per_minute: String) -> Result<(), AppError> {
    use crate::kernel::error::{FieldError, FieldErrors};
    let st = crate::state::state()?;
    let user = crate::identity::authz::require_user(&st).await?;
    let mut errs = FieldErrors::default();
    let days = rating_valid_days.trim().parse::<i16>().ok().filter(|d| (1..=90).contains(d));
    if days.is_none() {
        errs.push("rating_valid_days", FieldError::Invalid);
    }
    let per_minute = rating_requests_per_minute.trim().parse::<i16>().ok().filter(|d| (1..=1000).contains(d));
    if per_minute.is_none() {
        errs.push("rating_requests_per_minute", FieldError::Invalid);
    }
    let (Some(days), Some(per_minute)) = (days, per_minute) else {
        return Err(AppError::Validation(errs));
    };
    let meta = crate::state::request_meta(&st.settings);
    super::service::set_rating_config(&st.db, &user, &meta, days, per_minute).await
}
