//! Points of one service: processing time against the allowed working days, steps, contacts,
//! agencies visited, the citizen's satisfaction (QĐ 766's components), from each source.

use super::criteria::CriteriaSet;
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

/// Weighted score of a dossier as a percentage of the maximum, over the indicators that were
/// scored (None = not applicable).
pub fn dossier_percent(set: &CriteriaSet, points: &[Option<Points>; 9]) -> Option<f64> {
    let (got, max) = points.iter().zip(set.weights).fold((0.0, 0.0), |(g, m), (p, w)| match p {
        Some(p) => (g + *p as f64 * w, m + 2.0 * w),
        None => (g, m),
    });
    (max > 0.0).then(|| 100.0 * got / max)
}

/// Indicator 7 for a transaction at the counter, where there is no processing deadline: a
/// complaint → 0; otherwise called within the waiting-time target → 2, later → 1.
pub fn counter_attitude_points(complaint: bool, waited_minutes: Option<i64>, target_minutes: i64) -> Option<Points> {
    if complaint {
        return Some(0);
    }
    waited_minutes.map(|w| if w <= target_minutes { 2 } else { 1 })
}

/// The province's target for the average wait at counters (the plan: at most 15 minutes).
pub const WAIT_TARGET_MINUTES: i64 = 15;

/// What is known of a finished queue ticket when it is evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFacts {
    pub waited_minutes: Option<i64>,
    /// Earlier visits of the same person for the same procedure in the last 30 days (known for
    /// booked tickets only: a walk-in is anonymous).
    pub earlier_visits: Option<u32>,
    pub complaint: bool,
    pub rating: Option<(Points, Points)>,
}

/// The nine indicators of a counter transaction, as far as the data answers them: 1–2 need the
/// dossier's result, 5–6 are facts about the office that staff record.
pub fn ticket_points(f: &TicketFacts) -> [Option<Points>; 9] {
    [
        None,
        None,
        f.earlier_visits.map(contacts_points),
        Some(agencies_points(AgenciesContacted::OneStopOnly)),
        None,
        None,
        counter_attitude_points(f.complaint, f.waited_minutes, WAIT_TARGET_MINUTES),
        f.rating.map(|r| r.0),
        f.rating.map(|r| r.1),
    ]
}

/// The indicators of a dossier whose result was returned: 1 total time (supplement waits
/// excluded, two supplements = overdue), 2 the commune's own step (its only one here), 3 contacts
/// (each supplement request is one more), 4 none for a proactive dossier (the state came to the
/// family), else the one-stop office only, 7 on time; 5–6 by staff, 8–9 from the rating.
pub fn dossier_points(cal: &WorkCalendar, d: &DossierTiming, proactive: bool, as_of: NaiveDate) -> [Option<Points>; 9] {
    let used = working_days_used(cal, d, as_of);
    let agencies = if proactive { AgenciesContacted::None } else { AgenciesContacted::OneStopOnly };
    [
        Some(total_time_points(cal, d, as_of)),
        Some(steps_points(&[(used, d.allowed_days)])),
        Some(contacts_points(d.supplements.len() as u32)),
        Some(agencies_points(agencies)),
        None,
        None,
        Some(attitude_points(false, used, d.allowed_days)),
        None,
        None,
    ]
}

/// Who set an indicator; staff-recorded and re-assessed values win over recomputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PointsSource {
    Auto,
    Staff,
    Reassessed,
}

impl PointsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PointsSource::Auto => "auto",
            PointsSource::Staff => "staff",
            PointsSource::Reassessed => "reassessed",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "staff" => PointsSource::Staff,
            "reassessed" => PointsSource::Reassessed,
            _ => PointsSource::Auto,
        }
    }
}

/// New automatic values replace only automatic ones.
pub fn merge_points(
    current: &[Option<Points>; 9],
    sources: &[PointsSource; 9],
    auto: &[Option<Points>; 9],
) -> [Option<Points>; 9] {
    std::array::from_fn(|i| if sources[i] == PointsSource::Auto { auto[i] } else { current[i] })
}
