//! The citizen's answers to the rating form (SIPAS items, guidance, a comment), parsed.

use super::scoring::{Points, Satisfaction, rating_points};
use serde::{Deserialize, Serialize};

/// The five SIPAS items about the official (questions 23–27 of the SIPAS form).
pub const SIPAS_ITEMS: usize = 5;

/// Index of "guidance clear enough to finish after one explanation": it stands for convenience.
pub(super) const GUIDANCE_ITEM: usize = 2;

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
    ) -> Result<Self, crate::kernel::error::FieldErrors> {
        use crate::kernel::error::{FieldError, FieldErrors};
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
