//! Worked examples of the evaluation's rules.

use super::*;
use crate::reference::calendar::{DayKind, WorkCalendar};
use chrono::NaiveDate;

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
    let early = DossierTiming { counted_from: d(9, 1), finished: Some(d(9, 3)), allowed_days: 3, supplements: vec![] };
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
    let new = CriteriaSet { effective_from: d(7, 1), bands: Bands { excellent: 95.0, ..Bands::default() }, weights };
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
    let f = TicketFacts { waited_minutes: Some(12), earlier_visits: Some(1), complaint: false, rating: Some((1, 2)) };
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
    assert_eq!(e.get("overall"), Some(crate::kernel::error::FieldError::Required));
    assert_eq!(e.get("item1"), Some(crate::kernel::error::FieldError::Invalid));
    assert_eq!(e.get("comment"), Some(crate::kernel::error::FieldError::Required), "a complaint needs words");
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
    let dues = case_dues(&cal(), at, CASE_RESOLVE_DAYS);
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
    assert_eq!(CaseAction::Transfer.apply(CaseStatus::Accepted), Some(CaseStatus::Received));
    assert_eq!(CaseAction::Approve.apply(CaseStatus::Answered), Some(CaseStatus::Resolved));
    assert_eq!(CaseAction::Approve.apply(CaseStatus::Accepted), None, "nothing to approve");
    assert!(!CaseAction::Approve.for_official() && CaseAction::Resolve.for_official());
    assert_eq!(
        case_late(CaseStatus::Answered, &dues, dues.resolve.succ_opt().unwrap()),
        Some("resolve"),
        "not out yet"
    );
    assert_eq!(escalation(CaseStatus::Accepted, &dues, dues.resolve), 0);
    assert_eq!(escalation(CaseStatus::Accepted, &dues, dues.resolve.succ_opt().unwrap()), 1);
    assert_eq!(escalation(CaseStatus::Accepted, &dues, dues.resolve + chrono::Days::new(4)), 2);
    assert_eq!(escalation(CaseStatus::NeedsInfo, &dues, dues.resolve + chrono::Days::new(9)), 0);
}

#[test]
fn a_question_is_answered_within_two_working_days() {
    use chrono::NaiveTime;
    let at = d(8, 28).and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap());
    let dues = case_dues(&cal(), at, 2);
    assert_eq!(dues.resolve, cal().due_date(at, 2));
    assert!(dues.request_info <= dues.resolve && dues.refuse <= dues.resolve);
}

#[test]
fn a_new_criteria_set_is_checked_and_never_retroactive() {
    let today = d(11, 27);
    let w = ["1", "1", "1", "1", "1", "1", "1", "1", "2,5"];
    let ok = NewCriteriaSet::parse(" qd-2027 ", "Bộ 2027", "2027-01-01", w, ["92", "82", "70", "50"], today).unwrap();
    assert_eq!(ok.code, "QD-2027");
    assert_eq!(ok.set.weights[8], 2.5);
    assert_eq!(ok.set.bands.good, 82.0);
    let e = NewCriteriaSet::parse("", "", "2026-11-27", ["x"; 9], ["80", "90", "70", "50"], today).unwrap_err();
    assert_eq!(e.get("code"), Some(crate::kernel::error::FieldError::Required));
    assert_eq!(e.get("effective_from"), Some(crate::kernel::error::FieldError::Invalid), "today is not in the future");
    assert_eq!(e.get("w1"), Some(crate::kernel::error::FieldError::Invalid));
    assert_eq!(e.get("band_good"), Some(crate::kernel::error::FieldError::Invalid), "bands must step down");
    assert!(NewCriteriaSet::parse("A", "B", "2027-01-01", ["0"; 9], ["90", "80", "65", "50"], today).is_err());
}
