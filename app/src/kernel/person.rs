//! What every feature says about a person.

use serde::{Deserialize, Serialize};

/// Sex as the registry and the forms record it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        use unicode_normalization::UnicodeNormalization;
        let s: String = s.trim().nfc().collect::<String>().to_lowercase();
        match s.as_str() {
            "male" | "nam" => Some(Sex::Male),
            "female" | "nữ" | "nu" => Some(Sex::Female),
            _ => None,
        }
    }
}
