//! Ranking units: satisfaction bands, competition ranks, periods, unit kinds and their sums.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Classification of a unit by its score as a share of the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Band {
    Excellent,
    Good,
    Fair,
    Average,
    Weak,
}

/// Lower bounds (percent) of Xuất sắc / Tốt / Khá / Trung bình; below the last is Yếu.
/// The law gives none: provinces decide, so these are data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bands {
    pub excellent: f64,
    pub good: f64,
    pub fair: f64,
    pub average: f64,
}

impl Default for Bands {
    fn default() -> Self {
        Self { excellent: 90.0, good: 80.0, fair: 65.0, average: 50.0 }
    }
}

impl Bands {
    pub fn classify(&self, percent: f64) -> Band {
        if percent >= self.excellent {
            Band::Excellent
        } else if percent >= self.good {
            Band::Good
        } else if percent >= self.fair {
            Band::Fair
        } else if percent >= self.average {
            Band::Average
        } else {
            Band::Weak
        }
    }
}

/// Competition ranking, higher scores first, ties sharing a rank: 9, 8, 8, 7 → 1, 2, 2, 4.
/// Ranks come back in the order of `scores`.
pub fn competition_ranks(scores: &[f64]) -> Vec<u32> {
    scores.iter().map(|s| 1 + scores.iter().filter(|o| o.total_cmp(s).is_gt()).count() as u32).collect()
}

/// QĐ 766 indicator 5.4: 100% − (share of overdue dossiers + share with a complaint or a
/// negative rating), in percent. None without dossiers.
pub fn satisfaction_766(total: u32, overdue: u32, complained_or_negative: u32) -> Option<f64> {
    (total > 0).then(|| (100.0 - 100.0 * (overdue + complained_or_negative) as f64 / total as f64).max(0.0))
}

/// A reporting period in the Vietnamese calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Year(i32),
}

impl Period {
    /// `2026-11`, `2026-Q4` or `2026`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let year_ok = |y: i32| (2000..=2100).contains(&y).then_some(y);
        if let Some((y, rest)) = s.split_once('-') {
            let year = year_ok(y.parse().ok()?)?;
            if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
                let quarter: u32 = q.parse().ok()?;
                return (1..=4).contains(&quarter).then_some(Period::Quarter { year, quarter });
            }
            let month: u32 = rest.parse().ok()?;
            return (1..=12).contains(&month).then_some(Period::Month { year, month });
        }
        Some(Period::Year(year_ok(s.parse().ok()?)?))
    }

    pub fn key(&self) -> String {
        match self {
            Period::Month { year, month } => format!("{year}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Year(y) => y.to_string(),
        }
    }

    /// First and last day, inclusive.
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let ymd = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("valid month");
        let (start, months) = match *self {
            Period::Month { year, month } => (ymd(year, month), 1),
            Period::Quarter { year, quarter } => (ymd(year, 3 * quarter - 2), 3),
            Period::Year(year) => (ymd(year, 1), 12),
        };
        let end =
            start.checked_add_months(chrono::Months::new(months)).expect("in range").pred_opt().expect("in range");
        (start, end)
    }

    pub fn containing(day: NaiveDate, kind: &str) -> Self {
        use chrono::Datelike;
        match kind {
            "year" => Period::Year(day.year()),
            "quarter" => Period::Quarter { year: day.year(), quarter: day.month0() / 3 + 1 },
            _ => Period::Month { year: day.year(), month: day.month() },
        }
    }

    /// The months of the period, for a trend chart.
    pub fn months(&self) -> Vec<Period> {
        use chrono::Datelike;
        let (start, end) = self.bounds();
        let mut out = Vec::new();
        let mut d = start;
        while d <= end {
            out.push(Period::Month { year: d.year(), month: d.month() });
            d = d.checked_add_months(chrono::Months::new(1)).expect("in range");
        }
        out
    }
}

/// The units results are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitKind {
    Official,
    Counter,
    Office,
    Agency,
    Commune,
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] =
        [UnitKind::Office, UnitKind::Agency, UnitKind::Commune, UnitKind::Counter, UnitKind::Official];
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Official => "official",
            UnitKind::Counter => "counter",
            UnitKind::Office => "office",
            UnitKind::Agency => "agency",
            UnitKind::Commune => "commune",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Officials and counters are named after people or desks: never on the public page.
    pub fn is_public(self) -> bool {
        matches!(self, UnitKind::Office | UnitKind::Agency | UnitKind::Commune)
    }
}

/// Sums of one unit over a period, as stored per day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitSums {
    pub evaluations: i64,
    pub scored: i64,
    pub score_sum: f64,
    pub overdue: i64,
    pub complained_or_negative: i64,
    pub ratings: i64,
    pub overall_sum: i64,
    pub satisfied: i64,
    pub negative: i64,
}

/// The figures a ranking shows for one unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UnitFigures {
    /// Average of the transactions' weighted scores, percent.
    pub score: Option<f64>,
    /// Mean overall rating, 1–5.
    pub average_rating: Option<f64>,
    /// Share of ratings "satisfied" or "very satisfied", percent.
    pub satisfaction_rate: Option<f64>,
    pub ratio_766: Option<f64>,
    pub band: Option<Band>,
}

impl UnitSums {
    pub fn figures(&self, bands: &Bands) -> UnitFigures {
        let pct = |n: i64, d: i64| (d > 0).then(|| 100.0 * n as f64 / d as f64);
        let score = (self.scored > 0).then(|| self.score_sum / self.scored as f64);
        UnitFigures {
            score,
            average_rating: (self.ratings > 0).then(|| self.overall_sum as f64 / self.ratings as f64),
            satisfaction_rate: pct(self.satisfied, self.ratings),
            ratio_766: satisfaction_766(
                self.evaluations.clamp(0, u32::MAX as i64) as u32,
                self.overdue.clamp(0, u32::MAX as i64) as u32,
                self.complained_or_negative.clamp(0, u32::MAX as i64) as u32,
            ),
            band: score.map(|s| bands.classify(s)),
        }
    }
}
