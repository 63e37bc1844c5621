//! Time in Vietnam: stored UTC, shown and counted in Asia/Ho_Chi_Minh.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset avoids
/// shipping a time-zone database to the browser.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("BUG: +07:00 is a valid offset")
}

/// Today's date in Vietnam.
pub fn vn_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&vn_offset()).date_naive()
}

/// Local time in Vietnam, `08:30`.
pub fn hhmm(at: DateTime<Utc>) -> String {
    at.with_timezone(&vn_offset()).format("%H:%M").to_string()
}
