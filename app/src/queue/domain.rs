//! The rules of booking and queueing, pure so they can be tested with worked examples:
//! booking codes, slots, the booking and check-in windows, who is called next, and the
//! waiting-time measurements.

use crate::kernel::error::FieldError;
pub use crate::kernel::org::{OfficeAccess, office_access};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// Letters and digits that cannot be mistaken for each other when read aloud or typed
/// (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 8;

/// A booking code: 8 characters, shown as `K7M2-Q9XP`. It is also the QR code's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingCode(String);

impl BookingCode {
    /// Accepts lower case, spaces and dashes, and a scanned URL ending in the code.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let tail = raw.trim().rsplit('/').next().unwrap_or_default();
        let compact: String =
            tail.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).map(|c| c.to_ascii_uppercase()).collect();
        if compact.is_empty() {
            return Err(FieldError::Required);
        }
        if compact.len() == CODE_LEN && compact.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            Ok(Self(compact))
        } else {
            Err(FieldError::Invalid)
        }
    }

    /// A new code from random bytes (the caller supplies a CSPRNG).
    pub fn from_random(bytes: [u8; CODE_LEN]) -> Self {
        Self(bytes.iter().map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// `A-023`.
pub fn ticket_label(prefix: &str, number: i32) -> String {
    format!("{prefix}-{number:03}")
}

/// Groups of people served first (Luật Người cao tuổi, Luật Người khuyết tật, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Priority {
    Elderly,
    Disabled,
    Pregnant,
    SmallChild,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Elderly, Priority::Disabled, Priority::Pregnant, Priority::SmallChild];
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Elderly => "elderly",
            Priority::Disabled => "disabled",
            Priority::Pregnant => "pregnant",
            Priority::SmallChild => "small_child",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
    pub fn label(self, m: &super::i18n::QMsgs) -> &'static str {
        match self {
            Priority::Elderly => m.priority_elderly,
            Priority::Disabled => m.priority_disabled,
            Priority::Pregnant => m.priority_pregnant,
            Priority::SmallChild => m.priority_small_child,
        }
    }
}

/// Slot start times of one day: each opening session cut into slots that fit entirely.
pub fn day_slots(sessions: &[(NaiveTime, NaiveTime)], slot_minutes: u32) -> Vec<NaiveTime> {
    let step = Duration::minutes(slot_minutes.max(1) as i64);
    let mut out = Vec::new();
    for (opens, closes) in sessions {
        let mut t = *opens;
        // `overflowing_add_signed` wraps at midnight; a session never spans it.
        while t < *closes && t.overflowing_add_signed(step).0 <= *closes && t.overflowing_add_signed(step).1 == 0 {
            out.push(t);
            t = t.overflowing_add_signed(step).0;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Why a slot cannot be booked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotRefusal {
    Past,
    TooSoon,
    TooFar,
}

impl From<SlotRefusal> for crate::kernel::conflict::QueueConflict {
    fn from(r: SlotRefusal) -> Self {
        match r {
            SlotRefusal::Past => Self::SlotPast,
            SlotRefusal::TooSoon => Self::SlotTooSoon,
            SlotRefusal::TooFar => Self::SlotTooFar,
        }
    }
}

/// Is `slot` bookable at `now` given the minimum notice and the horizon (in days from today)?
pub fn booking_window(
    now: DateTime<Utc>,
    slot: DateTime<Utc>,
    min_notice_minutes: i64,
    horizon_days: i64,
    today_local: chrono::NaiveDate,
    slot_day_local: chrono::NaiveDate,
) -> Result<(), SlotRefusal> {
    if slot <= now {
        Err(SlotRefusal::Past)
    } else if slot < now + Duration::minutes(min_notice_minutes) {
        Err(SlotRefusal::TooSoon)
    } else if (slot_day_local - today_local).num_days() > horizon_days {
        Err(SlotRefusal::TooFar)
    } else {
        Ok(())
    }
}

/// Where a booking's check-in falls relative to its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckInTiming {
    /// Inside the window: the ticket keeps the slot and is called from the slot start.
    OnTime,
    /// Same day but outside the window: served as a walk-in.
    TooEarly,
    TooLate,
}

pub fn checkin_timing(
    now: DateTime<Utc>,
    slot: DateTime<Utc>,
    before_minutes: i64,
    after_minutes: i64,
) -> CheckInTiming {
    if now < slot - Duration::minutes(before_minutes) {
        CheckInTiming::TooEarly
    } else if now > slot + Duration::minutes(after_minutes) {
        CheckInTiming::TooLate
    } else {
        CheckInTiming::OnTime
    }
}

/// The order classes of waiting tickets, called in this order (before the priority rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum QueueClass {
    /// Sent back to the queue by a counter (transfer): they already waited once.
    Transferred,
    /// Booked, checked in on time, and the slot has started.
    BookedDue,
    WalkIn,
    /// Booked and checked in, but the slot has not started: served early only if no one else waits.
    BookedEarly,
}

/// A waiting ticket as the call-next rule sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub class: QueueClass,
    pub priority: bool,
    /// Order within the class: requeue time, slot start or issue time.
    pub since: DateTime<Utc>,
}

impl Candidate {
    pub fn classify(
        now: DateTime<Utc>,
        requeued_at: Option<DateTime<Utc>>,
        slot_starts_at: Option<DateTime<Utc>>,
        issued_at: DateTime<Utc>,
        priority: bool,
    ) -> Self {
        let (class, since) = match (requeued_at, slot_starts_at) {
            (Some(r), _) => (QueueClass::Transferred, r),
            (None, Some(s)) if s <= now => (QueueClass::BookedDue, s.max(issued_at)),
            (None, Some(s)) => (QueueClass::BookedEarly, s),
            (None, None) => (QueueClass::WalkIn, issued_at),
        };
        Candidate { class, priority, since }
    }
}

/// The pick and whether it was a priority call (which resets the rule's counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub index: usize,
    pub as_priority: bool,
}

/// Who is called next.
///
/// Transferred tickets first. Then, when a priority ticket waits and `ordinary_since_priority`
/// ordinary calls have been made since the last priority call (`every`; 0 = priority always
/// first), the longest-waiting priority ticket. Otherwise the first ordinary ticket by class
/// (booked with slot started, walk-ins, booked early) and time; priority tickets are called
/// when no one else waits.
pub fn pick_next(cands: &[Candidate], ordinary_since_priority: u32, every: u32) -> Option<Pick> {
    let order = |i: &usize| (cands[*i].class, cands[*i].since, *i);
    let first = |filter: &dyn Fn(&Candidate) -> bool| (0..cands.len()).filter(|i| filter(&cands[*i])).min_by_key(order);
    if let Some(i) = first(&|c| c.class == QueueClass::Transferred) {
        return Some(Pick { index: i, as_priority: false });
    }
    let priority_due = every == 0 || ordinary_since_priority >= every;
    let prio = first(&|c| c.priority);
    if let (true, Some(i)) = (priority_due, prio) {
        return Some(Pick { index: i, as_priority: true });
    }
    match first(&|c| !c.priority) {
        Some(i) => Some(Pick { index: i, as_priority: false }),
        None => prio.map(|i| Pick { index: i, as_priority: true }),
    }
}

/// Waiting time = called − max(check-in, slot start), in minutes (never negative).
pub fn waiting_minutes(checked_in: DateTime<Utc>, slot_start: Option<DateTime<Utc>>, called: DateTime<Utc>) -> f64 {
    let from = slot_start.map_or(checked_in, |s| s.max(checked_in));
    ((called - from).num_milliseconds() as f64 / 60_000.0).max(0.0)
}

/// Service time = finished − started, in minutes.
pub fn service_minutes(started: DateTime<Utc>, finished: DateTime<Utc>) -> f64 {
    ((finished - started).num_milliseconds() as f64 / 60_000.0).max(0.0)
}

/// The province's target: average wait at most 15 minutes.
pub const WAIT_TARGET_MINUTES: f64 = 15.0;

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct WaitSummary {
    pub count: u32,
    pub average: f64,
    /// 90th percentile, nearest-rank method.
    pub p90: f64,
    /// Share of tickets (0–1) that waited more than the 15-minute target.
    pub share_over_target: f64,
}

pub fn summarize(waits: &[f64]) -> WaitSummary {
    if waits.is_empty() {
        return WaitSummary::default();
    }
    let mut sorted = waits.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    WaitSummary {
        count: n as u32,
        average: sorted.iter().sum::<f64>() / n as f64,
        p90: sorted[rank - 1],
        share_over_target: sorted.iter().filter(|w| **w > WAIT_TARGET_MINUTES).count() as f64 / n as f64,
    }
}

/// Expected further wait of the person with `ahead` people before them: the people ahead
/// shared among the `counters` serving, each taking an average service.
pub fn estimated_wait_minutes(ahead: u32, counters: u32, service_minutes: f64) -> f64 {
    ahead as f64 / counters.max(1) as f64 * service_minutes
}

/// The day's average wait if everyone now waiting is served at the current pace: realised
/// waits plus, for each waiting ticket (in queue order), what it waited so far and its estimate.
pub fn projected_average_wait(served: &[f64], waiting_so_far: &[f64], counters: u32, service_minutes: f64) -> f64 {
    let n = served.len() + waiting_so_far.len();
    if n == 0 {
        return 0.0;
    }
    let projected: f64 = waiting_so_far
        .iter()
        .enumerate()
        .map(|(i, so_far)| so_far + estimated_wait_minutes(i as u32, counters, service_minutes))
        .sum();
    (served.iter().sum::<f64>() + projected) / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        // 2026-12-01 in UTC; the rules do not care about the zone.
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }
    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn booking_codes_read_back_from_what_people_type_or_scan() {
        let c = BookingCode::parse("k7m2-q9xp").unwrap();
        assert_eq!(c.as_str(), "K7M2Q9XP");
        assert_eq!(c.display(), "K7M2-Q9XP");
        assert_eq!(BookingCode::parse(" K7M2 Q9XP ").unwrap(), c);
        assert_eq!(BookingCode::parse("https://phucvu.gialai.gov.vn/b/K7M2Q9XP").unwrap(), c);
        assert_eq!(BookingCode::parse(""), Err(FieldError::Required));
        // 0, O, 1, I are not in the alphabet.
        assert_eq!(BookingCode::parse("K7M2Q9X0"), Err(FieldError::Invalid));
        assert_eq!(BookingCode::parse("K7M2Q9X"), Err(FieldError::Invalid));
        let r = BookingCode::from_random([0, 255, 7, 31, 30, 62, 100, 200]);
        assert_eq!(BookingCode::parse(r.as_str()).unwrap(), r);
    }

    #[test]
    fn ticket_numbers_have_a_prefix_and_three_digits() {
        assert_eq!(ticket_label("A", 23), "A-023");
        assert_eq!(ticket_label("B", 1234), "B-1234");
    }

    #[test]
    fn slots_fill_each_session_without_overrunning_it() {
        let sessions = [(hm(7, 30), hm(11, 30)), (hm(13, 30), hm(17, 0))];
        let s = day_slots(&sessions, 45);
        // Morning 07:30..11:30 = 240 min → 5 slots (the 6th would end at 12:00).
        assert_eq!(&s[..5], &[hm(7, 30), hm(8, 15), hm(9, 0), hm(9, 45), hm(10, 30)]);
        // Afternoon 13:30..17:00 = 210 min → 4 slots, the last 15:45–16:30.
        assert_eq!(&s[5..], &[hm(13, 30), hm(14, 15), hm(15, 0), hm(15, 45)]);
        assert!(day_slots(&[(hm(23, 0), hm(23, 59))], 30).len() == 1);
        assert!(day_slots(&[], 30).is_empty());
    }

    #[test]
    fn a_slot_must_be_ahead_by_the_notice_and_within_the_horizon() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let now = t(2, 0);
        assert_eq!(booking_window(now, t(1, 0), 60, 14, today, today), Err(SlotRefusal::Past));
        assert_eq!(booking_window(now, t(2, 30), 60, 14, today, today), Err(SlotRefusal::TooSoon));
        assert_eq!(booking_window(now, t(3, 0), 60, 14, today, today), Ok(()));
        let far = today + Duration::days(15);
        assert_eq!(booking_window(now, t(3, 0) + Duration::days(15), 60, 14, today, far), Err(SlotRefusal::TooFar));
        assert_eq!(booking_window(now, t(3, 0) + Duration::days(14), 60, 14, today, far - Duration::days(1)), Ok(()));
    }

    #[test]
    fn check_in_is_on_time_from_30_minutes_before_to_15_after() {
        let slot = t(2, 0);
        assert_eq!(checkin_timing(t(1, 29), slot, 30, 15), CheckInTiming::TooEarly);
        assert_eq!(checkin_timing(t(1, 30), slot, 30, 15), CheckInTiming::OnTime);
        assert_eq!(checkin_timing(t(2, 15), slot, 30, 15), CheckInTiming::OnTime);
        assert_eq!(checkin_timing(t(2, 16), slot, 30, 15), CheckInTiming::TooLate);
    }

    fn walk_in(m: u32, priority: bool) -> Candidate {
        Candidate::classify(t(3, 0), None, None, t(2, m), priority)
    }

    #[test]
    fn booked_tickets_whose_slot_started_go_before_walk_ins() {
        let now = t(3, 0);
        let cands = vec![
            walk_in(0, false),                                               // waiting since 02:00
            Candidate::classify(now, None, Some(t(2, 30)), t(2, 20), false), // slot 02:30, started
            Candidate::classify(now, None, Some(t(3, 30)), t(2, 10), false), // slot 03:30, not yet
        ];
        assert_eq!(pick_next(&cands, 0, 2), Some(Pick { index: 1, as_priority: false }));
        // Without the due booking the walk-in comes next, and the early booking waits.
        assert_eq!(pick_next(&[cands[0].clone(), cands[2].clone()], 0, 2).unwrap().index, 0);
        // An early booking is still served when no one else waits.
        assert_eq!(pick_next(&[cands[2].clone()], 0, 2).unwrap().index, 0);
    }

    #[test]
    fn one_priority_ticket_after_every_two_ordinary_calls() {
        // Walk-ins: ordinary at 02:00, 02:01, 02:02; an elderly person at 02:05.
        let mut queue = vec![walk_in(0, false), walk_in(1, false), walk_in(2, false), walk_in(5, true)];
        let mut since = 1; // one ordinary call already made today
        let mut called = Vec::new();
        while let Some(p) = pick_next(&queue, since, 2) {
            since = if p.as_priority { 0 } else { since + 1 };
            called.push((queue[p.index].since, queue[p.index].priority));
            queue.remove(p.index);
        }
        // 02:00 (2nd ordinary call) → the priority ticket → 02:01 → 02:02.
        assert_eq!(called, vec![(t(2, 0), false), (t(2, 5), true), (t(2, 1), false), (t(2, 2), false)]);
    }

    #[test]
    fn rule_zero_serves_priority_first_and_transfers_come_before_all() {
        let queue = vec![walk_in(0, false), walk_in(9, true)];
        assert_eq!(pick_next(&queue, 0, 0), Some(Pick { index: 1, as_priority: true }));
        let mut with_transfer = queue.clone();
        with_transfer.push(Candidate::classify(t(3, 0), Some(t(2, 59)), None, t(1, 0), false));
        assert_eq!(pick_next(&with_transfer, 0, 0).unwrap().index, 2);
        // Only priority tickets left: one is called even though no ordinary calls were made.
        assert_eq!(pick_next(&[walk_in(9, true)], 0, 5), Some(Pick { index: 0, as_priority: true }));
        assert_eq!(pick_next(&[], 0, 5), None);
    }

    #[test]
    fn waiting_counts_from_the_later_of_check_in_and_slot_start() {
        // Checked in 08:40 for an 09:00 slot, called 09:12 → 12 minutes.
        assert_eq!(waiting_minutes(t(8, 40), Some(t(9, 0)), t(9, 12)), 12.0);
        // Checked in late at 09:10 for 09:00, called 09:12 → 2 minutes.
        assert_eq!(waiting_minutes(t(9, 10), Some(t(9, 0)), t(9, 12)), 2.0);
        // Walk-in at 08:00 called 08:25 → 25.
        assert_eq!(waiting_minutes(t(8, 0), None, t(8, 25)), 25.0);
        // Booked early and called before the slot (no one else waiting) → 0, not negative.
        assert_eq!(waiting_minutes(t(8, 40), Some(t(9, 0)), t(8, 45)), 0.0);
        assert_eq!(service_minutes(t(9, 12), t(9, 20)), 8.0);
    }

    #[test]
    fn summary_gives_average_p90_and_share_over_fifteen_minutes() {
        let waits = [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 30.0];
        let s = summarize(&waits);
        assert_eq!(s.count, 10);
        assert_eq!(s.average, 12.0);
        // Nearest rank: ceil(0.9 × 10) = 9th value.
        assert_eq!(s.p90, 18.0);
        assert_eq!(s.share_over_target, 0.3);
        assert_eq!(summarize(&[]), WaitSummary::default());
        assert_eq!(summarize(&[7.0]).p90, 7.0);
    }

    #[test]
    fn estimates_share_the_queue_among_counters() {
        assert_eq!(estimated_wait_minutes(0, 2, 10.0), 0.0);
        assert_eq!(estimated_wait_minutes(1, 2, 10.0), 5.0);
        // 6 ahead, 2 counters, 10-minute services: 30 minutes.
        assert_eq!(estimated_wait_minutes(6, 2, 10.0), 30.0);
        // Zero counters open counts as one.
        assert_eq!(estimated_wait_minutes(3, 0, 10.0), 30.0);
    }

    #[test]
    fn projected_average_counts_served_and_waiting_people() {
        // Served waits 10 and 14; three waiting for 5, 3 and 1 minutes; one counter, 8-minute services.
        // Projections: 5+0, 3+8, 1+16 → 5, 11, 17; average (10+14+5+11+17)/5 = 11.4.
        let p = projected_average_wait(&[10.0, 14.0], &[5.0, 3.0, 1.0], 1, 8.0);
        assert!((p - 11.4).abs() < 1e-9, "{p}");
        assert!(projected_average_wait(&[], &[20.0, 18.0, 16.0, 14.0], 1, 10.0) > WAIT_TARGET_MINUTES);
        assert_eq!(projected_average_wait(&[], &[], 1, 10.0), 0.0);
    }
}
