//! Open data of the evaluation: rankings of offices, agencies and communes per period, the
//! same figures as the public transparency page (no personal data).

use super::error::{ErrorBody, HttpError};
use app::{
    evaluation::{
        RankBy,
        domain::{Period, UnitKind},
        service,
    },
    kernel::error::{AppError, FieldError},
    state::AppState,
};
use axum::{
    Json, Router,
    extract::{Query, State},
    routing::get,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/evaluation/rankings", get(rankings))
}

#[derive(Deserialize, IntoParams)]
pub struct RankingQuery {
    /// `office` (default), `agency` or `commune`.
    unit: Option<String>,
    /// `2026-11`, `2026-Q4` or `2026`; default this month.
    period: Option<String>,
    /// `score` (default), `satisfaction` or `766`.
    by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RankedUnit {
    rank: u32,
    unit_id: String,
    name: String,
    transactions: i64,
    ratings: i64,
    /// Mean overall rating, 1–5.
    average_rating: Option<f64>,
    /// Percent of ratings "satisfied" or "very satisfied".
    satisfaction_rate: Option<f64>,
    /// Mean indicator score, percent of the maximum.
    score: Option<f64>,
    /// excellent / good / fair / average / weak.
    band: String,
    /// QĐ 766 indicator 5.4, percent.
    ratio_766: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct Rankings {
    unit: String,
    period: String,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    units: Vec<RankedUnit>,
}

/// Rankings with ties sharing a rank (1, 2, 2, 4).
#[utoipa::path(get, path = "/api/v1/evaluation/rankings", tag = "evaluation", params(RankingQuery),
    responses((status = 200, body = Rankings), (status = 422, body = ErrorBody)))]
pub async fn rankings(State(st): State<AppState>, Query(q): Query<RankingQuery>) -> Result<Json<Rankings>, HttpError> {
    let unit = match q.unit.as_deref().map(str::trim) {
        None | Some("") => UnitKind::Office,
        Some(u) => {
            UnitKind::parse(u).filter(|k| k.is_public()).ok_or(AppError::validation("unit", FieldError::Invalid))?
        }
    };
    let period = match q.period.as_deref().map(str::trim) {
        None | Some("") => Period::containing(app::kernel::time::vn_today(chrono::Utc::now()), "month"),
        Some(p) => Period::parse(p).ok_or(AppError::validation("period", FieldError::Invalid))?,
    };
    let r = service::ranking(&st.db, None, unit, period, RankBy::parse(q.by.as_deref().unwrap_or(""))).await?;
    Ok(Json(Rankings {
        unit: unit.as_str().into(),
        period: r.period,
        from: r.from,
        to: r.to,
        units: r
            .rows
            .into_iter()
            .map(|row| RankedUnit {
                rank: row.rank,
                unit_id: row.unit_id,
                name: row.name,
                transactions: row.evaluations,
                ratings: row.ratings,
                average_rating: row.figures.average_rating,
                satisfaction_rate: row.figures.satisfaction_rate,
                score: row.figures.score,
                band: app::evaluation::band_key(row.figures.band).into(),
                ratio_766: row.figures.ratio_766,
            })
            .collect(),
    }))
}
