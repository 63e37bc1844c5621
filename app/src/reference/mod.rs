//! Reference data as data: administrative units (with the 2025 merge mapping), agencies,
//! offices and counters, the procedure catalogue and the working-day calendar.
//! Tables: province, commune, commune_merge, agency, office, counter, procedure,
//! procedure_document, calendar_week_rule, calendar_day.

#[cfg(feature = "ssr")]
pub mod api;
pub mod calendar;
pub mod pages;
pub mod server;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureDocument {
    pub name: String,
    pub name_en: String,
    pub copies: String,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub field: String,
    pub field_en: String,
    pub processing_days: i16,
    pub fee_vnd: i64,
    pub fee_note: String,
    pub fee_note_en: String,
    pub legal_basis: String,
    pub documents: Vec<ProcedureDocument>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterView {
    pub number: i16,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeView {
    pub name: String,
    pub address: String,
    pub counters: Vec<CounterView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub display_name: String,
    pub role: crate::identity::Role,
}

/// A commune as its officials see it. Contains staff names, so it is jurisdiction-checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneOverview {
    pub code: String,
    pub full_name: String,
    pub province_name: String,
    pub agencies: Vec<String>,
    pub offices: Vec<OfficeView>,
    pub staff: Vec<StaffView>,
    pub former_communes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub day: chrono::NaiveDate,
    pub kind: calendar::DayKind,
    pub name: String,
    pub name_en: String,
    pub legal_basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    pub entries: Vec<CalendarEntry>,
    pub working_days: i64,
    pub can_edit: bool,
}

/// Vietnamese text without diacritics ("Quy Nhơn" → "Quy Nhon"), for SMS bodies.
pub fn unaccent(s: &str) -> String {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unaccent_strips_vietnamese_diacritics() {
        assert_eq!(unaccent("Đăng ký khai sinh tại Quy Nhơn"), "Dang ky khai sinh tai Quy Nhon");
    }
}
