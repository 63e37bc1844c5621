//! The scoring rules, pure so each can be shown with a worked example.

use crate::reference::calendar::WorkCalendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A request for a supplement and, once the citizen brought it, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Supplement {
    pub requested: NaiveDate,
    pub completed: Option<NaiveDate>,
}

/// What the timing indicators need to know of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierTiming {
    /// First working day counted (after the 15:00 cut-off rule).
    pub counted_from: NaiveDate,
    /// Result ready (or refused / stopped); None while still open.
    pub finished: Option<NaiveDate>,
    /// Allowed processing time in working days.
    pub allowed_days: i64,
    pub supplements: Vec<Supplement>,
}

/// Working days spent by the administration: from `counted_from` to `finished` (or `as_of` while
/// open), less the working days spent waiting for the citizen's supplements.
pub fn working_days_used(cal: &WorkCalendar, d: &DossierTiming, as_of: NaiveDate) -> i64 {
    let end = d.finished.unwrap_or(as_of);
    let waiting: i64 =
        d.supplements.iter().map(|s| cal.working_days_between(s.requested, s.completed.unwrap_or(end).min(end))).sum();
    // The first counted day is a working day of processing, hence the +1.
    (cal.working_days_between(d.counted_from, end) + 1 - waiting).max(0)
}

/// Overdue under QĐ 766 (2.1): processing longer than allowed, or more than one supplement request.
pub fn is_overdue(cal: &WorkCalendar, d: &DossierTiming, as_of: NaiveDate) -> bool {
    d.supplements.len() > 1 || working_days_used(cal, d, as_of) > d.allowed_days
}

/// 2 / 1 / 0 points of one indicator.
pub type Points = u8;

/// Indicator 1 (total processing time vs allowed) and 2 (one agency's own step): shorter → 2,
/// equal → 1, longer → 0.
pub fn time_points(used: i64, allowed: i64) -> Points {
    match used.cmp(&allowed) {
        std::cmp::Ordering::Less => 2,
        std::cmp::Ordering::Equal => 1,
        std::cmp::Ordering::Greater => 0,
    }
}

/// Indicator 1 for a dossier; more than one supplement request counts as overdue.
pub fn total_time_points(cal: &WorkCalendar, d: &DossierTiming, as_of: NaiveDate) -> Points {
    if d.supplements.len() > 1 { 0 } else { time_points(working_days_used(cal, d, as_of), d.allowed_days) }
}

/// Indicator 2: every agency taking part within its own time; the worst step decides.
pub fn steps_points(steps: &[(i64, i64)]) -> Points {
    steps.iter().map(|(used, allowed)| time_points(*used, *allowed)).min().unwrap_or(2)
}

/// Indicator 3: contacts needed to complete the file (not counting the applicant's own errors).
pub fn contacts_points(contacts: u32) -> Points {
    match contacts {
        0 => 2,
        1 => 1,
        _ => 0,
    }
}

/// Indicator 4: which bodies the citizen had to contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgenciesContacted {
    None,
    /// Only the one-stop office (and a body the law requires for field checks or a council).
    OneStopOnly,
    Several,
}

pub fn agencies_points(a: AgenciesContacted) -> Points {
    match a {
        AgenciesContacted::None => 2,
        AgenciesContacted::OneStopOnly => 1,
        AgenciesContacted::Several => 0,
    }
}

/// Indicator 7, attitude: a verified complaint of harassment → 0; otherwise earlier than due → 2,
/// on the due day → 1, late → 0.
pub fn attitude_points(verified_complaint: bool, used: i64, allowed: i64) -> Points {
    if verified_complaint { 0 } else { time_points(used, allowed) }
}

/// The 5-point satisfaction scale of the rating form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Satisfaction {
    VeryDissatisfied = 1,
    Dissatisfied = 2,
    Neutral = 3,
    Satisfied = 4,
    VerySatisfied = 5,
}

impl Satisfaction {
    pub fn from_score(n: u8) -> Option<Self> {
        use Satisfaction::*;
        [VeryDissatisfied, Dissatisfied, Neutral, Satisfied, VerySatisfied].into_iter().find(|s| *s as u8 == n)
    }
    /// A rating of 1–2 opens a feedback case and counts as negative for the 766 ratio.
    pub fn is_negative(self) -> bool {
        self <= Satisfaction::Dissatisfied
    }
}

/// Indicators 8 (convenience) and 9 (overall) from the citizen's rating: very satisfied → 2,
/// satisfied → 1, anything less → 0.
pub fn rating_points(s: Satisfaction) -> Points {
    match s {
        Satisfaction::VerySatisfied => 2,
        Satisfaction::Satisfied => 1,
        _ => 0,
    }
}

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

/// A version of the criteria (weights, bands…) with the day it takes effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSet {
    pub effective_from: NaiveDate,
    pub bands: Bands,
    /// Weight of each of the nine indicators (1.0 = as the law counts it).
    pub weights: [f64; 9],
}

/// The set in force when a dossier was received: later changes never rescore earlier dossiers.
pub fn set_in_force(sets: &[CriteriaSet], received: NaiveDate) -> Option<&CriteriaSet> {
    sets.iter().filter(|s| s.effective_from <= received).max_by_key(|s| s.effective_from)
}

/// Weighted score of a dossier as a percentage of the maximum, over the indicators that were
/// scored (None = not applicable).
pub fn dossier_percent(set: &CriteriaSet, points: &[Option<Points>; 9]) -> Option<f64> {
    let (got, max) = points.iter().zip(set.weights).fold((0.0, 0.0), |(g, m), (p, w)| match p {
        Some(p) => (g + *p as f64 * w, m + 2.0 * w),
        None => (g, m),
    });
    (max > 0.0).then(|| 100.0 * got / max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::calendar::DayKind;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// Saturdays and Sundays off; 2 September (National Day) a holiday.
    fn cal() -> WorkCalendar {
        WorkCalendar::new(vec![(d(1, 1), vec![6, 7])], [(d(9, 2), DayKind::Holiday)])
    }

    #[test]
    fn time_spent_waiting_for_the_citizen_is_not_processing_time() {
        // Received Mon 7 Sep, 5 working days allowed. Supplement asked Wed 9 Sep, brought Mon 14 Sep
        // (3 working days waiting: 10, 11, 14). Finished Tue 15 Sep.
        // Working days 7..15 Sep = 7 (7,8,9,10,11,14,15); less 3 waiting = 4 < 5 → early, 2 points.
        let dossier = DossierTiming {
            counted_from: d(9, 7),
            finished: Some(d(9, 15)),
            allowed_days: 5,
            supplements: vec![Supplement { requested: d(9, 9), completed: Some(d(9, 14)) }],
        };
        assert_eq!(working_days_used(&cal(), &dossier, d(9, 30)), 4);
        assert!(!is_overdue(&cal(), &dossier, d(9, 30)));
        assert_eq!(total_time_points(&cal(), &dossier, d(9, 30)), 2);
    }

    #[test]
    fn a_second_supplement_request_counts_as_overdue() {
        // Fast (3 working days used of 5) but asked the citizen twice.
        let dossier = DossierTiming {
            counted_from: d(9, 7),
            finished: Some(d(9, 11)),
            allowed_days: 5,
            supplements: vec![
                Supplement { requested: d(9, 8), completed: Some(d(9, 8)) },
                Supplement { requested: d(9, 9), completed: Some(d(9, 9)) },
            ],
        };
        assert!(is_overdue(&cal(), &dossier, d(9, 30)));
        assert_eq!(total_time_points(&cal(), &dossier, d(9, 30)), 0);
    }

    #[test]
    fn holidays_do_not_count_and_open_dossiers_count_to_today() {
        // Received Tue 1 Sep, 2 days allowed; 2 Sep is a holiday. Finished Thu 3 Sep: days 1 and 3 → 2 → on time.
        let dossier =
            DossierTiming { counted_from: d(9, 1), finished: Some(d(9, 3)), allowed_days: 2, supplements: vec![] };
        assert_eq!(working_days_used(&cal(), &dossier, d(9, 30)), 2);
        assert_eq!(total_time_points(&cal(), &dossier, d(9, 30)), 1);
        // Still open on Mon 7 Sep: 1, 3, 4, 7 → 4 > 2 → overdue.
        let open = DossierTiming { finished: None, ..dossier };
        assert!(is_overdue(&cal(), &open, d(9, 7)));
    }

    #[test]
    fn the_other_automatic_indicators_follow_the_table() {
        assert_eq!(steps_points(&[(1, 2), (3, 3)]), 1, "the slower step decides");
        assert_eq!(steps_points(&[(1, 2), (4, 3)]), 0);
        assert_eq!(steps_points(&[(1, 2)]), 2);
        assert_eq!((contacts_points(0), contacts_points(1), contacts_points(2)), (2, 1, 0));
        assert_eq!(agencies_points(AgenciesContacted::OneStopOnly), 1);
        assert_eq!(attitude_points(false, 2, 3), 2);
        assert_eq!(attitude_points(false, 3, 3), 1);
        assert_eq!(attitude_points(true, 1, 3), 0, "a verified complaint outweighs speed");
        assert_eq!(rating_points(Satisfaction::VerySatisfied), 2);
        assert_eq!(rating_points(Satisfaction::Satisfied), 1);
        assert_eq!(rating_points(Satisfaction::Neutral), 0);
        assert!(Satisfaction::from_score(2).unwrap().is_negative());
        assert_eq!(Satisfaction::from_score(6), None);
    }

    #[test]
    fn bands_classify_by_share_of_the_maximum() {
        let b = Bands::default();
        assert_eq!(b.classify(95.0), Band::Excellent);
        assert_eq!(b.classify(90.0), Band::Excellent);
        assert_eq!(b.classify(89.9), Band::Good);
        assert_eq!(b.classify(70.0), Band::Fair);
        assert_eq!(b.classify(50.0), Band::Average);
        assert_eq!(b.classify(49.9), Band::Weak);
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_is_skipped() {
        assert_eq!(competition_ranks(&[9.0, 8.0, 8.0, 7.0]), vec![1, 2, 2, 4]);
        assert_eq!(competition_ranks(&[7.0, 9.0, 8.0, 9.0]), vec![4, 1, 3, 1]);
        assert!(competition_ranks(&[]).is_empty());
    }

    #[test]
    fn the_766_ratio_subtracts_overdue_and_complained_shares() {
        // 200 dossiers, 6 overdue (3%), 4 with a complaint or a dislike (2%) → 95%.
        assert_eq!(satisfaction_766(200, 6, 4), Some(95.0));
        assert_eq!(satisfaction_766(0, 0, 0), None);
        assert_eq!(satisfaction_766(2, 2, 2), Some(0.0), "never below zero");
    }

    #[test]
    fn a_later_criteria_set_does_not_rescore_earlier_dossiers() {
        let old = CriteriaSet { effective_from: d(1, 1), bands: Bands::default(), weights: [1.0; 9] };
        let mut weights = [1.0; 9];
        weights[8] = 3.0; // from July the overall rating weighs three times
        let new =
            CriteriaSet { effective_from: d(7, 1), bands: Bands { excellent: 95.0, ..Bands::default() }, weights };
        let sets = [new.clone(), old.clone()];
        // Indicators 1–4, 7 full marks; 5, 6 not scored; 8 and 9 rated "satisfied" (1 point).
        let points = [Some(2), Some(2), Some(2), Some(2), None, None, Some(2), Some(1), Some(1)];
        let june = set_in_force(&sets, d(6, 30)).unwrap();
        assert_eq!(june, &old);
        let before = dossier_percent(june, &points).unwrap();
        // (10 + 1 + 1) / 14 = 85.7 %
        assert!((before - 1200.0 / 14.0).abs() < 1e-9, "{before}");
        let july = set_in_force(&sets, d(7, 1)).unwrap();
        assert_eq!(july, &new);
        // (10 + 1 + 3) / (14 + 4) = 77.8 %: only dossiers received from July.
        assert!((dossier_percent(july, &points).unwrap() - 1400.0 / 18.0).abs() < 1e-9);
        assert_eq!(set_in_force(&sets, d(6, 30)).unwrap().bands.classify(before), Band::Good);
        assert_eq!(set_in_force(&sets, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()), None);
    }
}
