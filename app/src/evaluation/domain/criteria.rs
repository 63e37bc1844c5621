//! Criteria sets: weights by component, the set in force on a day, a new set parsed.

use super::ranking::Bands;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    ) -> Result<Self, crate::kernel::error::FieldErrors> {
        use crate::kernel::error::{FieldError, FieldErrors};
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
        let effective_from = match crate::kernel::text::date(effective_from.trim()) {
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
