//! Identity newtypes: roles, usernames, passwords, Vietnamese phone numbers, one-time codes.
//! Pure: compiles for the browser too, so forms can check input before sending it.

use crate::kernel::error::FieldError;
pub use crate::kernel::principal::{Jurisdiction, Role, SessionUser, can_manage_calendar, can_view_commune_records};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A staff login name: 3–40 characters of `a-z 0-9 . _ -`, stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::Required);
        }
        if s.len() < 3 {
            return Err(FieldError::TooShort { min: 3 });
        }
        if s.len() > 40 {
            return Err(FieldError::TooLong { max: 40 });
        }
        if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)) {
            return Err(FieldError::Invalid);
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed. Never serialised, never logged (its `Debug` is masked).
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Login accepts any non-empty password up to 200 graphemes; strength is checked when one is set.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::Required);
        }
        if raw.graphemes(true).count() > 200 {
            return Err(FieldError::TooLong { max: 200 });
        }
        Ok(Self(raw.nfc().collect()))
    }
    /// A new password must have at least 10 characters.
    pub fn parse_new(raw: &str) -> Result<Self, FieldError> {
        let p = Self::parse(raw)?;
        if p.0.graphemes(true).count() < 10 {
            return Err(FieldError::TooShort { min: 10 });
        }
        Ok(p)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A Vietnamese mobile number, stored in national form `0xxxxxxxxx` (10 digits).
/// Accepts spaces, dots, dashes and the `+84` / `84` prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneVn(String);

impl PhoneVn {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        if compact.is_empty() {
            return Err(FieldError::Required);
        }
        let national = if let Some(rest) = compact.strip_prefix("+84") {
            format!("0{rest}")
        } else if compact.starts_with("84") && compact.len() == 11 {
            format!("0{}", &compact[2..])
        } else {
            compact
        };
        let digits_ok = national.len() == 10 && national.chars().all(|c| c.is_ascii_digit());
        // Mobile prefixes since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
        let prefix_ok = matches!(national.as_bytes().get(..2), Some(b"03" | b"05" | b"07" | b"08" | b"09"));
        if digits_ok && prefix_ok { Ok(Self(national)) } else { Err(FieldError::Invalid) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `0905 123 456`.
    pub fn display(&self) -> String {
        format!("{} {} {}", &self.0[..4], &self.0[4..7], &self.0[7..])
    }
    /// `0905 *** 456`: for logs and for screens seen by others.
    pub fn masked(&self) -> String {
        format!("{} *** {}", &self.0[..4], &self.0[7..])
    }
}

/// A 6-digit one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err(FieldError::Required);
        }
        if s.len() == 6 && s.chars().all(|c| c.is_ascii_digit()) { Ok(Self(s)) } else { Err(FieldError::Invalid) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_database_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn usernames_are_lowercased_and_restricted() {
        assert_eq!(Username::parse("  CanBo.XaA ").unwrap().as_str(), "canbo.xaa");
        assert_eq!(Username::parse(""), Err(FieldError::Required));
        assert_eq!(Username::parse("ab"), Err(FieldError::TooShort { min: 3 }));
        assert_eq!(Username::parse("nguyễn"), Err(FieldError::Invalid));
        assert_eq!(Username::parse(&"a".repeat(41)), Err(FieldError::TooLong { max: 40 }));
    }

    #[test]
    fn a_new_password_needs_ten_characters_and_is_never_printed() {
        assert_eq!(Password::parse_new("ngắn").unwrap_err(), FieldError::TooShort { min: 10 });
        let p = Password::parse_new("mật khẩu đủ dài").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
        assert_eq!(Password::parse("").unwrap_err(), FieldError::Required);
    }

    #[test]
    fn passwords_are_nfc_normalised_so_both_keyboards_match() {
        // "ệ" typed as e + combining marks (NFD) must equal the precomposed form.
        let nfd = "mat khau e\u{0323}\u{0302}";
        let nfc = "mat khau \u{1EC7}";
        assert_eq!(Password::parse(nfd).unwrap().expose(), Password::parse(nfc).unwrap().expose());
    }

    #[test]
    fn phone_numbers_accept_common_spellings() {
        for raw in ["0905123456", "0905 123 456", "+84 905 123 456", "84905123456", "0905.123.456"] {
            assert_eq!(PhoneVn::parse(raw).unwrap().as_str(), "0905123456", "{raw}");
        }
        let p = PhoneVn::parse("0905123456").unwrap();
        assert_eq!(p.display(), "0905 123 456");
        assert_eq!(p.masked(), "0905 *** 456");
    }

    #[test]
    fn landlines_and_wrong_lengths_are_not_mobile_numbers() {
        assert_eq!(PhoneVn::parse(""), Err(FieldError::Required));
        assert_eq!(PhoneVn::parse("02563123456"), Err(FieldError::Invalid));
        assert_eq!(PhoneVn::parse("090512345"), Err(FieldError::Invalid));
        assert_eq!(PhoneVn::parse("01234567890"), Err(FieldError::Invalid));
    }

    #[test]
    fn one_time_codes_have_six_digits() {
        assert_eq!(OtpCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(OtpCode::parse("12345"), Err(FieldError::Invalid));
        assert_eq!(OtpCode::parse("abcdef"), Err(FieldError::Invalid));
    }

    #[test]
    fn officials_see_only_their_own_communes_records() {
        let quy_nhon =
            Jurisdiction::Commune {
                code: "21583".into(), name: "Phường Quy Nhơn".into(), province_code: "52".into()
            };
        let province = Jurisdiction::Province { code: "52".into(), name: "Gia Lai".into() };
        assert!(can_view_commune_records(Role::CivilStatusOfficial, Some(&quy_nhon), "21583", "52"));
        assert!(!can_view_commune_records(Role::CivilStatusOfficial, Some(&quy_nhon), "21853", "52"));
        assert!(can_view_commune_records(Role::ProvinceAdmin, Some(&province), "21853", "52"));
        assert!(!can_view_commune_records(Role::ProvinceAdmin, Some(&province), "00004", "01"));
        assert!(!can_view_commune_records(Role::Citizen, None, "21583", "52"));
        assert!(!can_view_commune_records(Role::HealthFacility, Some(&province), "21583", "52"));
        assert!(!can_view_commune_records(Role::CounterOfficer, None, "21583", "52"));
    }

    #[test]
    fn only_a_province_administrator_edits_the_calendar() {
        let province = Jurisdiction::Province { code: "52".into(), name: "Gia Lai".into() };
        let commune =
            Jurisdiction::Commune { code: "21583".into(), name: "Quy Nhơn".into(), province_code: "52".into() };
        assert!(can_manage_calendar(Role::ProvinceAdmin, Some(&province)));
        assert!(!can_manage_calendar(Role::AgencyAdmin, Some(&commune)));
        assert!(!can_manage_calendar(Role::AgencyAdmin, Some(&province)));
    }

    #[test]
    fn a_province_jurisdiction_covers_its_communes_only() {
        let p = Jurisdiction::Province { code: "52".into(), name: "Gia Lai".into() };
        assert!(p.covers_commune("21583", "52"));
        assert!(!p.covers_commune("00004", "01"));
        let c = Jurisdiction::Commune { code: "21583".into(), name: "Quy Nhơn".into(), province_code: "52".into() };
        assert!(c.covers_commune("21583", "52"));
        assert!(!c.covers_commune("21553", "52"));
    }
}
