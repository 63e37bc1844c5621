//! What the evaluation's parts share: the criteria sets in force, bands and points, the Vietnam day.

use crate::evaluation::domain::{self, Bands, CriteriaSet, PointsSource};
use crate::kernel::{error::AppError, time::vn_offset};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Requests per minute allowed per client on the rating endpoints.
pub async fn rating_rate_limit(db: &PgPool) -> Result<i32, AppError> {
    Ok(sqlx::query_scalar!("select rating_requests_per_minute from evaluation_config").fetch_one(db).await? as i32)
}

pub(super) async fn criteria_sets(conn: &mut PgConnection) -> Result<Vec<(Uuid, String, CriteriaSet)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"select criteria_set_id, code, effective_from, weights as "weights!: Vec<f32>",
                  band_excellent, band_good, band_fair, band_average
           from criteria_set order by effective_from"#
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        let weights = std::array::from_fn(|i| r.weights.get(i).copied().unwrap_or(1.0) as f64);
        let bands = Bands {
            excellent: r.band_excellent as f64,
            good: r.band_good as f64,
            fair: r.band_fair as f64,
            average: r.band_average as f64,
        };
        (r.criteria_set_id, r.code, CriteriaSet { effective_from: r.effective_from, bands, weights })
    })
    .collect())
}

pub(super) async fn criteria_set(conn: &mut PgConnection, id: Uuid) -> Result<CriteriaSet, AppError> {
    criteria_sets(conn).await?.into_iter().find(|(i, ..)| *i == id).map(|(.., s)| s).ok_or(AppError::NotFound)
}

/// The bands in force on `day` (for classifying a period, the set in force at its end).
pub(super) async fn bands_on(conn: &mut PgConnection, day: NaiveDate) -> Result<Bands, sqlx::Error> {
    let sets: Vec<CriteriaSet> = criteria_sets(conn).await?.into_iter().map(|(.., s)| s).collect();
    Ok(domain::set_in_force(&sets, day).map(|s| s.bands).unwrap_or_default())
}

pub(super) fn to_points(v: &[Option<i16>]) -> [Option<u8>; 9] {
    std::array::from_fn(|i| v.get(i).copied().flatten().map(|p| p.clamp(0, 2) as u8))
}

pub(super) fn to_sources(v: &[String]) -> [PointsSource; 9] {
    std::array::from_fn(|i| v.get(i).map(|s| PointsSource::parse(s)).unwrap_or(PointsSource::Auto))
}

pub(super) fn from_points(p: &[Option<u8>; 9]) -> Vec<Option<i16>> {
    p.iter().map(|x| x.map(i16::from)).collect()
}

pub(super) fn vn_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vn_offset()).date_naive()
}
