//! The one parsing path for text and dates from outside (forms, server functions, the API):
//! NFC, single spaces, no control characters or markup, bounded length, plausible dates.
//! Features build their domain types on these; the edge (server) refuses control characters
//! before any of this runs, these checks hold for callers that bypass it (tests, jobs).

use crate::kernel::error::{FieldError, Reason};
use chrono::{Datelike, NaiveDate};

/// Years a civil-status or booking date may fall in. PostgreSQL takes far more (4713 BC to
/// 5874897 AD), people do not.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Trimmed, inner whitespace collapsed to one space, NFC (the same name typed on two keyboards
/// compares equal).
pub fn normalize(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

/// One line of free text (an address, a place, a relation) of at most `max` characters; empty
/// is `Required`. Refuses control characters and markup.
pub fn line(raw: &str, max: u16) -> Result<String, FieldError> {
    let v = normalize(raw);
    if v.is_empty() {
        return Err(FieldError::Required);
    }
    plain(&v)?;
    if v.chars().count() > usize::from(max) {
        return Err(FieldError::TooLong { max });
    }
    Ok(v)
}

/// No control characters (they were whitespace-collapsed or are refused) and no markup.
pub fn plain(v: &str) -> Result<(), FieldError> {
    if v.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(FieldError::Because(Reason::BadCharacters));
    }
    if v.chars().any(|c| matches!(c, '<' | '>' | '{' | '}' | '\\')) {
        return Err(FieldError::Because(Reason::Markup));
    }
    Ok(())
}

/// A person's full name: 2–100 letters, spaces, hyphens and apostrophes, in NFC.
pub fn person_name(raw: &str) -> Result<String, FieldError> {
    let v = line(raw, 100)?;
    if v.chars().count() < 2 {
        return Err(FieldError::TooShort { min: 2 });
    }
    if !v.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'') {
        return Err(FieldError::Invalid);
    }
    Ok(v)
}

/// `2026-11-27` (date inputs) or `27/11/2026`, in 1900–2100.
pub fn date(raw: &str) -> Result<NaiveDate, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::Required);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .map_err(|_| FieldError::Because(Reason::DateOutOfRange))
        .and_then(plausible)
}

/// A date that arrived already typed (JSON, serde) checked like a typed one.
pub fn plausible(d: NaiveDate) -> Result<NaiveDate, FieldError> {
    if YEARS.contains(&d.year()) { Ok(d) } else { Err(FieldError::Because(Reason::DateOutOfRange)) }
}

/// A birth or death: plausible and not after today.
pub fn past_date(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let d = plausible(d)?;
    if d > today { Err(FieldError::Because(Reason::DateInFuture)) } else { Ok(d) }
}

/// A mother is between 10 and 70 years older than her child (by birth year; her number gives
/// only the year).
pub fn mother_fits(child_born: NaiveDate, mother_birth_year: i32) -> Result<(), FieldError> {
    let age = child_born.year() - mother_birth_year;
    if (10..=70).contains(&age) { Ok(()) } else { Err(FieldError::Because(Reason::ParentAge)) }
}

/// Trimmed, NFC-normalised, non-empty text of at most `max` characters.
pub fn required_text(raw: &str, max: u16) -> Result<String, crate::kernel::error::FieldError> {
    let s = optional_text(raw, max)?;
    if s.is_empty() { Err(crate::kernel::error::FieldError::Required) } else { Ok(s) }
}

/// Trimmed, NFC-normalised text of at most `max` characters (may be empty).
pub fn optional_text(raw: &str, max: u16) -> Result<String, crate::kernel::error::FieldError> {
    use unicode_normalization::UnicodeNormalization;
    let s: String = raw.trim().nfc().collect();
    if s.chars().count() > usize::from(max) { Err(crate::kernel::error::FieldError::TooLong { max }) } else { Ok(s) }
}

/// A phone number shown to someone who need not know it: all but the last three characters
/// replaced by `with`.
pub fn mask_phone(phone: &str, with: char) -> String {
    let n = phone.chars().count();
    phone.chars().enumerate().map(|(i, c)| if i + 3 < n { with } else { c }).collect()
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An id sent as text (path, form or query), refused as `field`'s error when malformed.
pub fn uuid(field: &str, raw: &str) -> Result<uuid::Uuid, crate::kernel::error::AppError> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| crate::kernel::error::AppError::invalid(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_composed() {
        use crate::kernel::error::FieldError;
        assert_eq!(required_text("  Tết Nguye\u{0302}n đán ", 50).unwrap(), "Tết Nguyên đán");
        assert_eq!(required_text("   ", 50), Err(FieldError::Required));
        assert_eq!(optional_text("abc", 2), Err(FieldError::TooLong { max: 2 }));
        assert_eq!(optional_text("", 2).unwrap(), "");
    }

    #[test]
    fn paths_with_queries_are_encoded_for_the_next_parameter() {
        assert_eq!(urlencode("/procedures?q=khai sinh"), "/procedures%3Fq%3Dkhai%20sinh");
    }

    #[test]
    fn text_is_nfc_single_spaced_bounded_and_plain() {
        let nfd = "Nguye\u{0302}\u{0303}n  Thi\u{0323}   Lan";
        assert_eq!(person_name(nfd).unwrap(), "Nguyễn Thị Lan");
        assert_eq!(line("  ", 10), Err(FieldError::Required));
        assert_eq!(line(&"a".repeat(201), 200), Err(FieldError::TooLong { max: 200 }));
        assert_eq!(line("<script>x</script>", 200), Err(FieldError::Because(Reason::Markup)));
        assert_eq!(line("a\u{0}b", 200), Err(FieldError::Because(Reason::BadCharacters)));
        assert_eq!(person_name(&"Lan ".repeat(60_000)), Err(FieldError::TooLong { max: 100 }));
        assert_eq!(person_name("Lan2"), Err(FieldError::Invalid));
    }

    #[test]
    fn dates_are_real_and_within_the_years_people_live() {
        assert_eq!(date("2026-11-27"), Ok(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()));
        assert_eq!(date("27/11/2026"), date("2026-11-27"));
        for bad in ["-200000-01-01", "0001-01-01", "99999-12-31", "2025-02-30", "hôm qua"] {
            assert_eq!(date(bad), Err(FieldError::Because(Reason::DateOutOfRange)), "{bad}");
        }
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(past_date(today.succ_opt().unwrap(), today), Err(FieldError::Because(Reason::DateInFuture)));
        assert!(mother_fits(today, 1990).is_ok());
        assert_eq!(mother_fits(today, 2027), Err(FieldError::Because(Reason::ParentAge)), "born before the mother");
        assert_eq!(mother_fits(today, 1940), Err(FieldError::Because(Reason::ParentAge)));
    }
}
