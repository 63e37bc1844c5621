//! Evaluation of service quality: citizens rate each transaction with a single-use
//! link; the nine per-transaction indicators of NĐ 61/2018 Điều 33 / TT 01/2018 are scored with
//! the criteria set in force when it was received; units are scored, classified and ranked per
//! period; low ratings and complaints open feedback cases on the QĐ 766 clock.

#[cfg(feature = "ssr")]
pub mod api;
pub mod domain;
pub mod i18n;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Band, CaseDues, CaseStatus, Satisfaction, UnitFigures, UnitKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whether a rating link can still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    Open,
    AlreadyRated,
    Expired,
}

/// What the rating page shows about the transaction (nothing about the official's person).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingContext {
    pub office_name: String,
    pub procedure_name: String,
    pub procedure_name_en: String,
    pub label: String,
    pub service_day: NaiveDate,
    pub state: LinkState,
    pub expires_at: DateTime<Utc>,
}

/// The answer to a submitted rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingReceipt {
    /// The feedback case opened by a low rating or a complaint.
    pub case_code: Option<String>,
}

/// The latest finished transaction at a counter that can still be rated there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterRating {
    pub counter_number: i16,
    pub office_name: String,
    pub pending: Option<(String, String)>,
}

/// One unit's line in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankingRow {
    pub unit_id: String,
    pub name: String,
    /// Office of a counter or an official, commune of an office.
    pub context: String,
    pub evaluations: i64,
    pub ratings: i64,
    pub figures: UnitFigures,
    /// Mean of each SIPAS item, 1–5.
    pub items: [Option<f64>; domain::SIPAS_ITEMS],
    pub rank: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub kind: UnitKind,
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: RankBy,
    pub rows: Vec<RankingRow>,
    /// Kinds this viewer may look at.
    pub kinds: Vec<UnitKind>,
}

/// What a ranking orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RankBy {
    Score,
    Satisfaction,
    Ratio766,
}

impl RankBy {
    pub const ALL: [RankBy; 3] = [RankBy::Score, RankBy::Satisfaction, RankBy::Ratio766];
    pub fn as_str(self) -> &'static str {
        match self {
            RankBy::Score => "score",
            RankBy::Satisfaction => "satisfaction",
            RankBy::Ratio766 => "766",
        }
    }
    pub fn parse(s: &str) -> Self {
        Self::ALL.into_iter().find(|b| b.as_str() == s).unwrap_or(RankBy::Score)
    }
    pub fn value(self, f: &UnitFigures) -> Option<f64> {
        match self {
            RankBy::Score => f.score,
            RankBy::Satisfaction => f.satisfaction_rate,
            RankBy::Ratio766 => f.ratio_766,
        }
    }
}

/// One month of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub month: String,
    pub ratings: i64,
    pub figures: UnitFigures,
}

/// An evaluated transaction as a supervisor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRow {
    pub evaluation_id: Uuid,
    pub label: String,
    pub service_day: NaiveDate,
    pub procedure_name: String,
    pub counter_number: Option<i16>,
    pub official_name: Option<String>,
    pub points: [Option<u8>; 9],
    pub sources: [domain::PointsSource; 9],
    pub score: Option<f64>,
    pub overall: Option<Satisfaction>,
    pub comment: Option<String>,
    pub complaint: bool,
    pub staff_entered: bool,
    pub criteria_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfficeEvaluations {
    pub office_id: Uuid,
    pub office_name: String,
    pub period: String,
    pub rows: Vec<EvaluationRow>,
}

/// A rating an official sees about their own work: no name, phone or anything of the rater.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnRating {
    pub service_day: NaiveDate,
    pub label: String,
    pub overall: Satisfaction,
    pub items: [Option<u8>; domain::SIPAS_ITEMS],
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyResults {
    pub period: String,
    pub evaluations: i64,
    pub ratings: i64,
    pub figures: UnitFigures,
    pub items: [Option<f64>; domain::SIPAS_ITEMS],
    /// Rank among the officials of the same agency, and how many were ranked.
    pub rank: Option<(u32, usize)>,
    pub trend: Vec<TrendPoint>,
    pub recent: Vec<OwnRating>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub case_id: Uuid,
    pub code: String,
    pub office_name: String,
    pub category: String,
    pub status: CaseStatus,
    pub received_at: DateTime<Utc>,
    pub dues: CaseDues,
    pub late: Option<String>,
    pub excerpt: String,
    pub kind: domain::CaseKind,
    /// 1: its agency's head was told it is overdue; 2: the province.
    pub escalation: i16,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub note: String,
    pub on_time: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub content: String,
    pub source: String,
    /// The transaction it came from (ticket number, day, overall rating).
    pub transaction: Option<(String, NaiveDate, Option<Satisfaction>)>,
    pub answer: Option<String>,
    pub events: Vec<CaseEvent>,
    pub actions: Vec<domain::CaseAction>,
    /// Offices a case can be transferred to (the province's).
    pub offices: Vec<(Uuid, String)>,
    /// The caller's number, masked but for the last three digits (hotline cases).
    pub phone: Option<String>,
    pub procedure: Option<String>,
    pub publish_consent: bool,
}

/// A case as its caller follows it on the tracking page (code and phone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTracking {
    pub code: String,
    pub kind: domain::CaseKind,
    pub status: CaseStatus,
    pub received_at: DateTime<Utc>,
    pub resolve_due: NaiveDate,
    pub answer: Option<String>,
    pub office: String,
}

/// Band of a figure, for display.
pub fn band_key(b: Option<Band>) -> &'static str {
    match b {
        Some(Band::Excellent) => "excellent",
        Some(Band::Good) => "good",
        Some(Band::Fair) => "fair",
        Some(Band::Average) => "average",
        Some(Band::Weak) => "weak",
        None => "none",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSetView {
    pub criteria_set_id: Uuid,
    pub code: String,
    pub set: domain::CriteriaSet,
}

/// The province administrator's view of the evaluation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaAdmin {
    pub sets: Vec<CriteriaSetView>,
    pub rating_valid_days: i16,
    pub rating_requests_per_minute: i16,
}
