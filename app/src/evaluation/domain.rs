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

/// The five SIPAS items about the official (questions 23–27 of the SIPAS form).
pub const SIPAS_ITEMS: usize = 5;
/// Index of "guidance clear enough to finish after one explanation": it stands for convenience.
const GUIDANCE_ITEM: usize = 2;
pub const COMMENT_MAX: usize = 1000;

/// What a citizen answered on the rating form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingAnswers {
    pub overall: Satisfaction,
    pub items: [Option<Satisfaction>; SIPAS_ITEMS],
    pub comment: Option<String>,
    /// The citizen marks the comment as a complaint (phản ánh).
    pub complaint: bool,
}

impl RatingAnswers {
    /// Reads the form: overall is required, each item optional (empty), the comment at most
    /// 1,000 characters, and a complaint needs a comment to act on.
    pub fn parse(
        overall: &str,
        items: [&str; SIPAS_ITEMS],
        comment: &str,
        complaint: bool,
    ) -> Result<Self, crate::error::FieldErrors> {
        use crate::error::{FieldError, FieldErrors};
        use unicode_normalization::UnicodeNormalization;
        let mut errs = FieldErrors::default();
        let score = |raw: &str| raw.trim().parse::<u8>().ok().and_then(Satisfaction::from_score);
        let overall = match overall.trim() {
            "" => {
                errs.push("overall", FieldError::Required);
                None
            }
            raw => score(raw).or_else(|| {
                errs.push("overall", FieldError::Invalid);
                None
            }),
        };
        let mut parsed = [None; SIPAS_ITEMS];
        for (i, raw) in items.iter().enumerate() {
            if !raw.trim().is_empty() {
                parsed[i] = score(raw);
                if parsed[i].is_none() {
                    errs.push(&format!("item{}", i + 1), FieldError::Invalid);
                }
            }
        }
        let comment: String = comment.trim().nfc().collect();
        if comment.chars().count() > COMMENT_MAX {
            errs.push("comment", FieldError::TooLong { max: COMMENT_MAX as u16 });
        } else if complaint && comment.is_empty() {
            errs.push("comment", FieldError::Required);
        }
        match overall {
            Some(overall) if errs.is_empty() => {
                Ok(Self { overall, items: parsed, comment: (!comment.is_empty()).then_some(comment), complaint })
            }
            _ => Err(errs),
        }
    }

    /// A rating of 1–2 or a complaint opens a feedback case.
    pub fn opens_case(&self) -> bool {
        self.overall.is_negative() || self.complaint
    }

    /// Indicator 8 (convenience): the guidance item when answered, else the overall rating.
    pub fn convenience_points(&self) -> Points {
        rating_points(self.items[GUIDANCE_ITEM].unwrap_or(self.overall))
    }

    /// The items as stored, 1–5 or null.
    pub fn item_scores(&self) -> Vec<Option<i16>> {
        self.items.iter().map(|i| i.map(|s| s as i16)).collect()
    }
}

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

/// States of a feedback case (phản ánh, kiến nghị).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseStatus {
    Received,
    NeedsInfo,
    Accepted,
    Refused,
    Resolved,
    Published,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::Received,
        CaseStatus::NeedsInfo,
        CaseStatus::Accepted,
        CaseStatus::Refused,
        CaseStatus::Resolved,
        CaseStatus::Published,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::NeedsInfo => "needs_info",
            CaseStatus::Accepted => "accepted",
            CaseStatus::Refused => "refused",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Refused | CaseStatus::Published)
    }
}

/// What the office head does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseAction {
    Refuse,
    RequestInfo,
    InfoReceived,
    Accept,
    Resolve,
    Publish,
}

impl CaseAction {
    pub const ALL: [CaseAction; 6] = [
        CaseAction::Accept,
        CaseAction::RequestInfo,
        CaseAction::InfoReceived,
        CaseAction::Resolve,
        CaseAction::Publish,
        CaseAction::Refuse,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Refuse => "refuse",
            CaseAction::RequestInfo => "request_info",
            CaseAction::InfoReceived => "info_received",
            CaseAction::Accept => "accept",
            CaseAction::Resolve => "resolve",
            CaseAction::Publish => "publish",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// Refusing, asking for more and answering must say something to the citizen.
    pub fn needs_note(self) -> bool {
        matches!(self, CaseAction::Refuse | CaseAction::RequestInfo | CaseAction::Resolve)
    }
    /// The state after this action, or None when it does not apply.
    pub fn apply(self, from: CaseStatus) -> Option<CaseStatus> {
        use CaseStatus::*;
        match (self, from) {
            (CaseAction::Refuse, Received) => Some(Refused),
            (CaseAction::RequestInfo, Received | Accepted) => Some(NeedsInfo),
            (CaseAction::InfoReceived, NeedsInfo) => Some(Accepted),
            (CaseAction::Accept, Received) => Some(Accepted),
            (CaseAction::Resolve, Received | Accepted) => Some(Resolved),
            (CaseAction::Publish, Resolved) => Some(Published),
            _ => None,
        }
    }
    pub fn for_status(status: CaseStatus) -> Vec<CaseAction> {
        Self::ALL.into_iter().filter(|a| a.apply(status).is_some()).collect()
    }
}

/// The 766 clock of a case (5.2), in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDues {
    pub refuse: NaiveDate,
    pub request_info: NaiveDate,
    pub resolve: NaiveDate,
    pub publish: Option<NaiveDate>,
}

pub const CASE_REFUSE_DAYS: u16 = 2;
pub const CASE_INFO_DAYS: u16 = 5;
pub const CASE_RESOLVE_DAYS: u16 = 15;
pub const CASE_PUBLISH_DAYS: u16 = 2;

/// Deadlines of a case received at local time `received`.
pub fn case_dues(cal: &WorkCalendar, received: chrono::NaiveDateTime) -> CaseDues {
    CaseDues {
        refuse: cal.due_date(received, CASE_REFUSE_DAYS),
        request_info: cal.due_date(received, CASE_INFO_DAYS),
        resolve: cal.due_date(received, CASE_RESOLVE_DAYS),
        publish: None,
    }
}

/// The deadline a case has missed on `today`, if any: while waiting for the citizen nothing runs.
pub fn case_late(status: CaseStatus, dues: &CaseDues, today: NaiveDate) -> Option<&'static str> {
    match status {
        CaseStatus::Received | CaseStatus::Accepted if today > dues.resolve => Some("resolve"),
        CaseStatus::Resolved if dues.publish.is_some_and(|p| today > p) => Some("publish"),
        _ => None,
    }
}

/// Whether an action taken on `day` kept its deadline (for the case's log and the 5.2 figure).
pub fn action_on_time(action: CaseAction, dues: &CaseDues, day: NaiveDate) -> bool {
    match action {
        CaseAction::Refuse => day <= dues.refuse,
        CaseAction::RequestInfo => day <= dues.request_info,
        CaseAction::Resolve => day <= dues.resolve,
        CaseAction::Publish => dues.publish.is_none_or(|p| day <= p),
        CaseAction::Accept | CaseAction::InfoReceived => true,
    }
}

/// A new version of the criteria, as an administrator enters it. It takes effect from a future
/// day only: transactions already received keep the set they were scored with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCriteriaSet {
    pub code: String,
    pub name: String,
    pub set: CriteriaSet,
}

impl NewCriteriaSet {
    pub fn parse(
        code: &str,
        name: &str,
        effective_from: &str,
        weights: [&str; 9],
        bands: [&str; 4],
        today: NaiveDate,
    ) -> Result<Self, crate::error::FieldErrors> {
        use crate::error::{FieldError, FieldErrors};
        use unicode_normalization::UnicodeNormalization;
        let mut errs = FieldErrors::default();
        let code = code.trim().to_uppercase();
        if code.is_empty() {
            errs.push("code", FieldError::Required);
        } else if code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
            errs.push("code", FieldError::Invalid);
        }
        let name: String = name.trim().nfc().collect();
        match name.chars().count() {
            0 => errs.push("name", FieldError::Required),
            201.. => errs.push("name", FieldError::TooLong { max: 200 }),
            _ => {}
        }
        let effective_from = match crate::text::date(effective_from.trim()) {
            Ok(d) if d > today => Some(d),
            Ok(_) => {
                errs.push("effective_from", FieldError::Invalid);
                None
            }
            Err(e) => {
                errs.push("effective_from", e);
                None
            }
        };
        let number = |raw: &str| raw.trim().replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite());
        let mut w = [0.0; 9];
        for (i, raw) in weights.iter().enumerate() {
            match number(raw).filter(|v| (0.0..=10.0).contains(v)) {
                Some(v) => w[i] = v,
                None => errs.push(&format!("w{}", i + 1), FieldError::Invalid),
            }
        }
        if errs.get("w1").is_none() && w.iter().all(|v| *v == 0.0) {
            errs.push("w1", FieldError::Invalid);
        }
        let b: Vec<Option<f64>> = bands.iter().map(|raw| number(raw).filter(|v| (0.0..=100.0).contains(v))).collect();
        for (i, v) in b.iter().enumerate() {
            if v.is_none() {
                errs.push(["band_excellent", "band_good", "band_fair", "band_average"][i], FieldError::Invalid);
            }
        }
        let bands = match b[..] {
            [Some(e), Some(g), Some(f), Some(a)] if e > g && g > f && f > a => {
                Some(Bands { excellent: e, good: g, fair: f, average: a })
            }
            [Some(_), Some(_), Some(_), Some(_)] => {
                // Bands must step down: Xuất sắc above Tốt above Khá above Trung bình.
                errs.push("band_good", FieldError::Invalid);
                None
            }
            _ => None,
        };
        match (effective_from, bands) {
            (Some(effective_from), Some(bands)) if errs.is_empty() => {
                Ok(Self { code, name, set: CriteriaSet { effective_from, bands, weights: w } })
            }
            _ => Err(errs),
        }
    }
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
    fn a_returned_dossier_scores_time_contacts_and_proactivity() {
        // A proactive dossier done a day early, no supplement: 2 everywhere the data answers.
        let early =
            DossierTiming { counted_from: d(9, 1), finished: Some(d(9, 3)), allowed_days: 3, supplements: vec![] };
        let p = dossier_points(&cal(), &early, true, d(9, 30));
        assert_eq!(p, [Some(2), Some(2), Some(2), Some(2), None, None, Some(2), None, None]);
        // At the counter, two supplement requests: overdue whatever the days, two contacts.
        let s = |r, c| Supplement { requested: d(9, r), completed: Some(d(9, c)) };
        let twice = DossierTiming { supplements: vec![s(3, 4), s(7, 8)], ..early };
        let p = dossier_points(&cal(), &twice, false, d(9, 30));
        assert_eq!((p[0], p[2], p[3]), (Some(0), Some(0), Some(1)));
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

    #[test]
    fn counter_transactions_score_what_the_queue_knows() {
        // Booked, second visit this month, waited 12 minutes, rated "very satisfied" with guidance "satisfied".
        let f =
            TicketFacts { waited_minutes: Some(12), earlier_visits: Some(1), complaint: false, rating: Some((1, 2)) };
        assert_eq!(ticket_points(&f), [None, None, Some(1), Some(1), None, None, Some(2), Some(1), Some(2)]);
        // Waited 40 minutes, walk-in (visits unknown), not rated yet.
        let f = TicketFacts { waited_minutes: Some(40), ..TicketFacts::default() };
        assert_eq!(ticket_points(&f), [None, None, None, Some(1), None, None, Some(1), None, None]);
        // A complaint takes attitude to 0 however short the wait.
        assert_eq!(counter_attitude_points(true, Some(1), 15), Some(0));
        assert_eq!(counter_attitude_points(false, Some(15), 15), Some(2));
        // Staff and re-assessed values survive recomputation.
        let cur = [Some(2), None, Some(0), Some(1), Some(2), None, Some(2), None, None];
        let mut src = [PointsSource::Auto; 9];
        src[0] = PointsSource::Staff;
        src[6] = PointsSource::Reassessed;
        let auto = [None, None, Some(1), Some(1), None, None, Some(0), Some(2), Some(2)];
        assert_eq!(
            merge_points(&cur, &src, &auto),
            [Some(2), None, Some(1), Some(1), None, None, Some(2), Some(2), Some(2)]
        );
    }

    #[test]
    fn the_rating_form_checks_its_fields() {
        let ok = RatingAnswers::parse("5", ["4", "", "3", "", "5"], "  Cán bộ nhiệt tình ", false).unwrap();
        assert_eq!(ok.overall, Satisfaction::VerySatisfied);
        assert_eq!(ok.item_scores(), vec![Some(4), None, Some(3), None, Some(5)]);
        assert_eq!(ok.comment.as_deref(), Some("Cán bộ nhiệt tình"));
        assert_eq!(ok.convenience_points(), 0, "guidance answered 3 = neutral");
        assert!(!ok.opens_case());
        let e = RatingAnswers::parse("", ["9", "", "", "", ""], "", true).unwrap_err();
        assert_eq!(e.get("overall"), Some(crate::error::FieldError::Required));
        assert_eq!(e.get("item1"), Some(crate::error::FieldError::Invalid));
        assert_eq!(e.get("comment"), Some(crate::error::FieldError::Required), "a complaint needs words");
        let long = "a".repeat(COMMENT_MAX + 1);
        assert!(RatingAnswers::parse("4", [""; 5], &long, false).is_err());
        assert!(RatingAnswers::parse("2", [""; 5], "", false).unwrap().opens_case());
        assert!(RatingAnswers::parse("4", [""; 5], "Phải chờ lâu", true).unwrap().opens_case());
        // Decomposed input is stored composed (NFC).
        let nfd = "Ho\u{0302}\u{0300}";
        assert_eq!(RatingAnswers::parse("4", [""; 5], nfd, false).unwrap().comment.as_deref(), Some("Hồ"));
    }

    #[test]
    fn periods_parse_and_bound() {
        assert_eq!(Period::parse("2026-11").unwrap().bounds(), (d(11, 1), d(11, 30)));
        assert_eq!(Period::parse("2026-Q1").unwrap().bounds(), (d(1, 1), d(3, 31)));
        assert_eq!(Period::parse("2026").unwrap().bounds(), (d(1, 1), d(12, 31)));
        assert_eq!(Period::parse("2026-Q4").unwrap().months().len(), 3);
        assert_eq!(Period::parse("2026-13"), None);
        assert_eq!(Period::parse("x"), None);
        assert_eq!(Period::containing(d(8, 15), "quarter"), Period::Quarter { year: 2026, quarter: 3 });
        assert_eq!(Period::Month { year: 2026, month: 2 }.key(), "2026-02");
    }

    #[test]
    fn unit_figures_combine_scores_ratings_and_the_766_ratio() {
        let s = UnitSums {
            evaluations: 10,
            scored: 8,
            score_sum: 8.0 * 85.0,
            overdue: 0,
            complained_or_negative: 1,
            ratings: 4,
            overall_sum: 17,
            satisfied: 3,
            negative: 1,
        };
        let f = s.figures(&Bands::default());
        assert_eq!(f.score, Some(85.0));
        assert_eq!(f.band, Some(Band::Good));
        assert_eq!(f.average_rating, Some(4.25));
        assert_eq!(f.satisfaction_rate, Some(75.0));
        assert_eq!(f.ratio_766, Some(90.0));
        assert_eq!(UnitSums::default().figures(&Bands::default()).band, None);
    }

    #[test]
    fn feedback_cases_run_on_the_766_clock() {
        use chrono::NaiveTime;
        // Received Fri 28 Aug 2026 at 10:00; 2 Sep is a holiday.
        let at = d(8, 28).and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap());
        let dues = case_dues(&cal(), at);
        assert_eq!(dues.refuse, cal().due_date(at, 2));
        assert!(dues.refuse < dues.request_info && dues.request_info < dues.resolve);
        // 15 working days skip weekends and the holiday.
        assert_eq!(cal().working_days_between(cal().counting_start(at), dues.resolve), 15);
        assert_eq!(case_late(CaseStatus::Received, &dues, dues.resolve), None);
        assert_eq!(case_late(CaseStatus::Received, &dues, dues.resolve.succ_opt().unwrap()), Some("resolve"));
        assert_eq!(case_late(CaseStatus::NeedsInfo, &dues, d(12, 31)), None, "the clock stops for the citizen");
        assert!(action_on_time(CaseAction::Refuse, &dues, dues.refuse));
        assert!(!action_on_time(CaseAction::Refuse, &dues, dues.refuse.succ_opt().unwrap()));
        assert_eq!(CaseAction::Refuse.apply(CaseStatus::Accepted), None, "refuse only at intake");
        assert_eq!(CaseAction::Resolve.apply(CaseStatus::Accepted), Some(CaseStatus::Resolved));
        assert_eq!(CaseAction::for_status(CaseStatus::Resolved), vec![CaseAction::Publish]);
        assert!(!CaseStatus::Published.is_open());
    }

    #[test]
    fn a_new_criteria_set_is_checked_and_never_retroactive() {
        let today = d(11, 27);
        let w = ["1", "1", "1", "1", "1", "1", "1", "1", "2,5"];
        let ok =
            NewCriteriaSet::parse(" qd-2027 ", "Bộ 2027", "2027-01-01", w, ["92", "82", "70", "50"], today).unwrap();
        assert_eq!(ok.code, "QD-2027");
        assert_eq!(ok.set.weights[8], 2.5);
        assert_eq!(ok.set.bands.good, 82.0);
        let e = NewCriteriaSet::parse("", "", "2026-11-27", ["x"; 9], ["80", "90", "70", "50"], today).unwrap_err();
        assert_eq!(e.get("code"), Some(crate::error::FieldError::Required));
        assert_eq!(e.get("effective_from"), Some(crate::error::FieldError::Invalid), "today is not in the future");
        assert_eq!(e.get("w1"), Some(crate::error::FieldError::Invalid));
        assert_eq!(e.get("band_good"), Some(crate::error::FieldError::Invalid), "bands must step down");
        assert!(NewCriteriaSet::parse("A", "B", "2027-01-01", ["0"; 9], ["90", "80", "65", "50"], today).is_err());
    }
}
