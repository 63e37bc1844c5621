//! Working days: weekly rest days with effective dates, plus holidays and make-up working days.
//! Pure, so due dates can be computed and tested anywhere.

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DayKind {
    /// A public holiday on what would be a working day.
    Holiday,
    /// A make-up working day on what would be a rest day (usually a Saturday).
    Working,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Working => "working",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(DayKind::Holiday),
            "working" => Some(DayKind::Working),
            _ => None,
        }
    }
}

/// Dossiers received after 15:00 count from the next working day (Nghị định 63/2024, Điều 7).
pub fn cutoff() -> NaiveTime {
    NaiveTime::from_hms_opt(15, 0, 0).expect("BUG: 15:00 is a valid time")
}

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// (effective from, ISO weekday numbers that are rest days), sorted by date.
    week_rules: Vec<(NaiveDate, Vec<u32>)>,
    exceptions: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    pub fn new(
        mut week_rules: Vec<(NaiveDate, Vec<u32>)>,
        exceptions: impl IntoIterator<Item = (NaiveDate, DayKind)>,
    ) -> Self {
        week_rules.sort_by_key(|(d, _)| *d);
        Self { week_rules, exceptions: exceptions.into_iter().collect() }
    }

    fn is_rest_weekday(&self, d: NaiveDate) -> bool {
        let rule = self.week_rules.iter().rev().find(|(from, _)| *from <= d);
        // Before any rule: Sunday only.
        let rest = rule.map(|(_, r)| r.as_slice()).unwrap_or(&[7]);
        rest.contains(&d.weekday().number_from_monday())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.exceptions.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Working) => true,
            None => !self.is_rest_weekday(d),
        }
    }

    pub fn next_working_day(&self, mut d: NaiveDate) -> NaiveDate {
        loop {
            d = d.succ_opt().expect("BUG: date overflow");
            if self.is_working_day(d) {
                return d;
            }
        }
    }

    /// The first working day on which a dossier received at local time `received` is counted:
    /// that day if it is a working day and before the cut-off, else the next working day.
    pub fn counting_start(&self, received: chrono::NaiveDateTime) -> NaiveDate {
        let day = received.date();
        if self.is_working_day(day) && received.time() < cutoff() { day } else { self.next_working_day(day) }
    }

    /// Due date of a procedure of `days` working days (0 = the same day) received at local time `received`.
    pub fn due_date(&self, received: chrono::NaiveDateTime, days: u16) -> NaiveDate {
        let mut d = self.counting_start(received);
        for _ in 0..days {
            d = self.next_working_day(d);
        }
        d
    }

    /// Working days `d` with `from < d <= to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).count() as i64
    }

    pub fn working_days_in_year(&self, year: i32) -> i64 {
        let (Some(start), Some(end)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            return 0;
        };
        start.iter_days().take_while(|d| *d <= end).filter(|d| self.is_working_day(*d)).count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn at(s: &str) -> chrono::NaiveDateTime {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn cal() -> WorkCalendar {
        WorkCalendar::new(
            vec![(d("1999-10-02"), vec![6, 7])],
            [
                (d("2026-02-16"), DayKind::Holiday),
                (d("2026-02-17"), DayKind::Holiday),
                (d("2026-02-18"), DayKind::Holiday),
                (d("2026-02-19"), DayKind::Holiday),
                (d("2026-02-20"), DayKind::Holiday),
                (d("2026-01-10"), DayKind::Working),
            ],
        )
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days_but_make_up_saturdays_are() {
        let c = cal();
        assert!(c.is_working_day(d("2026-11-27"))); // Friday
        assert!(!c.is_working_day(d("2026-11-28"))); // Saturday
        assert!(!c.is_working_day(d("2026-02-17"))); // Tết
        assert!(c.is_working_day(d("2026-01-10"))); // make-up Saturday
    }

    #[test]
    fn before_the_first_rule_only_sunday_is_a_rest_day() {
        assert!(cal().is_working_day(d("1998-01-03"))); // a Saturday in 1998
    }

    #[test]
    fn a_dossier_received_after_three_pm_counts_from_the_next_working_day() {
        let c = cal();
        assert_eq!(c.due_date(at("2026-11-25 14:59"), 0), d("2026-11-25"));
        assert_eq!(c.due_date(at("2026-11-25 15:00"), 0), d("2026-11-26"));
        // Friday afternoon with 3 working days: counting starts Monday, due Thursday.
        assert_eq!(c.due_date(at("2026-11-27 16:00"), 3), d("2026-12-03"));
    }

    #[test]
    fn tet_pushes_due_dates_past_the_holiday() {
        // Friday 13/2/2026 morning, 3 working days: 16–20 are Tết, so 23, 24, 25.
        assert_eq!(cal().due_date(at("2026-02-13 09:00"), 3), d("2026-02-25"));
    }

    #[test]
    fn a_dossier_received_on_a_saturday_counts_from_monday() {
        assert_eq!(cal().due_date(at("2026-11-28 09:00"), 0), d("2026-11-30"));
    }

    #[test]
    fn the_year_count_includes_make_up_days_and_excludes_holidays() {
        let plain = WorkCalendar::new(vec![(d("1999-10-02"), vec![6, 7])], []);
        assert_eq!(plain.working_days_in_year(2026), 261);
        assert_eq!(cal().working_days_in_year(2026), 261 - 5 + 1);
    }
}
