//! Identity numbers, the chip ID card's QR text and dossier codes: pure, with worked examples.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The 63 provinces' codes before 07/2025 (Thông tư 07/2016/TT-BCA), still in every number issued
/// before the merger: the province where the birth was registered, never where someone lives now.
const OLD_PROVINCES: [(&str, &str); 63] = [
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa – Vũng Tàu"),
    ("079", "TP Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// The 34 provinces since 07/2025 (QĐ 19/2025/QĐ-TTg), as three digits.
const NEW_PROVINCES: [(&str, &str); 34] = [
    ("001", "Hà Nội"),
    ("004", "Cao Bằng"),
    ("008", "Tuyên Quang"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Lào Cai"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Ninh"),
    ("025", "Phú Thọ"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Trị"),
    ("046", "Huế"),
    ("048", "Đà Nẵng"),
    ("051", "Quảng Ngãi"),
    ("052", "Gia Lai"),
    ("056", "Khánh Hòa"),
    ("066", "Đắk Lắk"),
    ("068", "Lâm Đồng"),
    ("075", "Đồng Nai"),
    ("079", "TP Hồ Chí Minh"),
    ("080", "Tây Ninh"),
    ("082", "Đồng Tháp"),
    ("086", "Vĩnh Long"),
    ("091", "An Giang"),
    ("092", "Cần Thơ"),
    ("096", "Cà Mau"),
];

pub use crate::kernel::person::Sex;

/// Why an identity number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdError {
    /// Not exactly 12 digits.
    Format,
    /// The first three digits are no province's code, old or new.
    Province,
    /// The birth year it encodes is in the future.
    FutureBirthYear,
}

impl From<IdError> for crate::kernel::error::FieldError {
    fn from(e: IdError) -> Self {
        use crate::kernel::error::Reason;
        crate::kernel::error::FieldError::Because(match e {
            IdError::Format => Reason::IdFormat,
            IdError::Province => Reason::IdProvince,
            IdError::FutureBirthYear => Reason::IdFutureYear,
        })
    }
}

/// Số định danh cá nhân: `PPP G YY NNNNNN` — province of birth registration, century and sex,
/// year of birth, six random digits (no checksum).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId(String);

/// Decoding checks the format too (the birth-year bound needs today's date, which the caller of
/// `parse` supplies).
impl TryFrom<String> for PersonalId {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PersonalId::parse(&s, 2399).map_err(|_| "not a 12-digit personal identity number")
    }
}

impl From<PersonalId> for String {
    fn from(id: PersonalId) -> String {
        id.0
    }
}

impl PersonalId {
    /// Reads a number as typed or scanned (spaces and dots ignored). `this_year` bounds the
    /// birth year it encodes.
    pub fn parse(raw: &str, this_year: i32) -> Result<Self, IdError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(IdError::Format);
        }
        let id = Self(digits);
        if id.province_name().is_none() {
            return Err(IdError::Province);
        }
        if id.birth_year() > this_year {
            return Err(IdError::FutureBirthYear);
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> u32 {
        self.0.as_bytes()[i] as u32 - b'0' as u32
    }

    /// Name of the province of birth registration: the old code's province where the code was one
    /// of the 63, else the new one's (the same code may mean both, e.g. 052 Bình Định / Gia Lai).
    pub fn province_name(&self) -> Option<&'static str> {
        let p = &self.0[..3];
        OLD_PROVINCES.iter().chain(NEW_PROVINCES.iter()).find(|(c, _)| *c == p).map(|(_, n)| *n)
    }

    /// Male for even century digits, female for odd.
    pub fn sex(&self) -> Sex {
        if self.digit(3).is_multiple_of(2) { Sex::Male } else { Sex::Female }
    }

    /// 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s …
    pub fn birth_year(&self) -> i32 {
        1900 + 100 * (self.digit(3) / 2) as i32 + (self.digit(4) * 10 + self.digit(5)) as i32
    }

    /// Does the number agree with a birth date and sex from another source?
    pub fn agrees_with(&self, birth_date: NaiveDate, sex: Sex) -> bool {
        self.birth_year() == birth_date.year() && self.sex() == sex
    }

    /// Builds a number (for the synthetic registry): province code, sex, birth year, six digits.
    pub fn compose(province: &str, sex: Sex, birth_year: i32, serial: u32) -> Self {
        let century = ((birth_year - 1900) / 100) as u32 * 2 + u32::from(sex == Sex::Female);
        Self(format!("{province}{century}{:02}{:06}", birth_year % 100, serial % 1_000_000))
    }
}

/// What the QR code on a chip ID card says: `number|old 9-digit number|full name|ddMMyyyy|sex|
/// permanent address|issued ddMMyyyy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipQr {
    pub personal_id: PersonalId,
    pub old_id: Option<String>,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub address: String,
    pub issued_on: NaiveDate,
}

impl ChipQr {
    pub fn parse(text: &str, this_year: i32) -> Option<Self> {
        use unicode_normalization::UnicodeNormalization;
        let f: Vec<&str> = text.trim().split('|').collect();
        if f.len() != 7 {
            return None;
        }
        let date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%d%m%Y").ok();
        let personal_id = PersonalId::parse(f[0], this_year).ok()?;
        let birth_date = date(f[3])?;
        let sex = Sex::parse(f[4])?;
        if !personal_id.agrees_with(birth_date, sex) {
            return None;
        }
        Some(Self {
            personal_id,
            old_id: Some(f[1].trim().to_owned()).filter(|s| !s.is_empty()),
            full_name: f[2].trim().nfc().collect(),
            birth_date,
            sex,
            address: f[5].trim().nfc().collect(),
            issued_on: date(f[6])?,
        })
    }
}

/// Mã hồ sơ: `<agency code>-YYMMDD-NNNN`, the number counted per agency and day (≥ 4 digits).
pub fn dossier_code(agency_code: &str, received_on: NaiveDate, number: u32) -> String {
    format!("{agency_code}-{}-{number:04}", received_on.format("%y%m%d"))
}

/// The three civil-status events this system registers proactively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DossierKind {
    Birth,
    Marriage,
    Death,
}

/// Days the law gives to register an event (Luật Hộ tịch 2014 Đ.15, Đ.33): a birth within 60
/// days, a death within 15; a marriage has none.
pub fn registration_window_days(kind: DossierKind) -> Option<i64> {
    match kind {
        DossierKind::Birth => Some(60),
        DossierKind::Death => Some(15),
        DossierKind::Marriage => None,
    }
}

/// Late registrations are flagged, never refused: the state registers them all the same. A
/// window ending on a rest day or holiday ends on the next working day (Bộ luật Dân sự 2015
/// Đ.148 k.5).
pub fn is_late_registration(
    cal: &crate::reference::calendar::WorkCalendar,
    kind: DossierKind,
    event: NaiveDate,
    received: NaiveDate,
) -> bool {
    registration_window_days(kind).is_some_and(|d| {
        let last = event + chrono::Duration::days(d);
        let last = if cal.is_working_day(last) { last } else { cal.next_working_day(last) };
        received > last
    })
}

/// Full years of age on a day (a birthday on 29 February counts from 1 March in other years).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

pub use crate::kernel::conflict::Refusal;

/// One party to a marriage as the registry and the form know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub married: bool,
    pub dead: bool,
    pub commune_code: String,
}

/// The checks before a marriage is registered in `commune` on `day`.
pub fn check_marriage(a: &Party, b: &Party, commune: &str, day: NaiveDate) -> Vec<Refusal> {
    let mut out = Vec::new();
    if a.sex == b.sex {
        out.push(Refusal::SameSex);
    }
    for p in [a, b] {
        let min = match p.sex {
            Sex::Male => 20,
            Sex::Female => 18,
        };
        if age_on(p.birth_date, day) < min {
            out.push(Refusal::UnderAge(p.sex));
        }
        if p.married {
            out.push(Refusal::AlreadyMarried(p.sex));
        }
        if p.dead {
            out.push(Refusal::AlreadyDead);
        }
    }
    if a.commune_code != commune && b.commune_code != commune {
        out.push(Refusal::NotResident);
    }
    out
}

pub fn check_birth(birth: NaiveDate, today: NaiveDate) -> Vec<Refusal> {
    if birth > today { vec![Refusal::BirthInFuture] } else { vec![] }
}

pub fn check_death(birth: Option<NaiveDate>, death: NaiveDate, already_dead: bool, today: NaiveDate) -> Vec<Refusal> {
    let mut out = Vec::new();
    if death > today {
        out.push(Refusal::DeathInFuture);
    }
    if birth.is_some_and(|b| death < b) {
        out.push(Refusal::DeathBeforeBirth);
    }
    if already_dead {
        out.push(Refusal::AlreadyDead);
    }
    out
}

/// Working days allowed to process a dossier. The law registers at once (0 = the same working
/// day, after 15:00 the next); a mobile ("lưu động") receipt at home returns within 5 (TT 04/2020
/// Đ.26); a liên thông bundle within 3 for births, 9 for deaths (NĐ 63/2024 Đ.7, the BHXH part);
/// verification stretches births to 5, marriages to 5, deaths to 3.
pub fn processing_days(kind: DossierKind, bundle: bool, verification: bool, mobile: bool) -> u16 {
    let base = match (kind, bundle, verification) {
        (DossierKind::Birth, true, false) => 3,
        (DossierKind::Birth, true, true) | (DossierKind::Birth, false, true) => 5,
        (DossierKind::Death, true, _) => 9,
        (DossierKind::Death, false, true) => 3,
        (DossierKind::Marriage, _, true) => 5,
        _ => 0,
    };
    if mobile { base.max(5) } else { base }
}

/// A step of the process log (phiếu kiểm soát) against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepResult {
    Early,
    OnTime,
    Late,
}

pub fn step_result(due: NaiveDate, done: NaiveDate) -> StepResult {
    match done.cmp(&due) {
        std::cmp::Ordering::Less => StepResult::Early,
        std::cmp::Ordering::Equal => StepResult::OnTime,
        std::cmp::Ordering::Greater => StepResult::Late,
    }
}

impl StepResult {
    pub fn as_str(self) -> &'static str {
        match self {
            StepResult::Early => "early",
            StepResult::OnTime => "on_time",
            StepResult::Late => "late",
        }
    }
}

impl DossierKind {
    pub const ALL: [DossierKind; 3] = [DossierKind::Birth, DossierKind::Marriage, DossierKind::Death];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DossierKind::Birth => "birth",
            DossierKind::Marriage => "marriage",
            DossierKind::Death => "death",
        }
    }
}

/// How a dossier reached the commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Hospital,
    Collector,
    Counter,
    Online,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Hospital, Channel::Collector, Channel::Counter, Channel::Online];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Hospital => "hospital",
            Channel::Collector => "collector",
            Channel::Counter => "counter",
            Channel::Online => "online",
        }
    }
    /// Hospitals and home visits are the state going to people.
    pub fn proactive(self) -> bool {
        matches!(self, Channel::Hospital | Channel::Collector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digit_numbers_decode_province_century_sex_and_year() {
        // Born 1985 in Bình Định (old code 052), male.
        let a = PersonalId::parse("052 0 85 012345", 2026).unwrap();
        assert_eq!(a.as_str(), "052085012345");
        assert_eq!((a.birth_year(), a.sex()), (1985, Sex::Male));
        assert_eq!(a.province_name(), Some("Bình Định"));
        // Born 2003 in Gia Lai (old 064), female: century digit 3.
        let b = PersonalId::parse("064303000001", 2026).unwrap();
        assert_eq!((b.birth_year(), b.sex()), (2003, Sex::Female));
        assert_eq!(b.province_name(), Some("Gia Lai"));
        // A baby born this year (046: Thừa Thiên Huế before the merger, Huế after).
        assert_eq!(PersonalId::parse("046226999999", 2026).unwrap().birth_year(), 2026);
        // Errors.
        assert_eq!(PersonalId::parse("05208501234", 2026), Err(IdError::Format));
        assert_eq!(PersonalId::parse("05208501234a", 2026), Err(IdError::Format));
        assert_eq!(PersonalId::parse("003085012345", 2026), Err(IdError::Province), "003 was never used");
        assert_eq!(PersonalId::parse("052230000001", 2026), Err(IdError::FutureBirthYear));
        assert!(a.agrees_with(NaiveDate::from_ymd_opt(1985, 3, 2).unwrap(), Sex::Male));
        assert!(!a.agrees_with(NaiveDate::from_ymd_opt(1985, 3, 2).unwrap(), Sex::Female));
        assert_eq!(PersonalId::compose("064", Sex::Female, 2003, 1), b);
        assert_eq!(PersonalId::compose("052", Sex::Male, 1985, 12345), a);
        // Decoding from JSON checks the format: a short number is an error, not a panic later.
        assert!(serde_json::from_str::<PersonalId>("\"0520\"").is_err());
        assert_eq!(serde_json::from_str::<PersonalId>("\"052085012345\"").unwrap(), a);
        assert_eq!(Sex::parse("Nu\u{031B}\u{0303}"), Some(Sex::Female), "decomposed Nữ");
    }

    #[test]
    fn the_chip_cards_qr_fills_a_form() {
        let qr = ChipQr::parse(
            "064303000001|230456789|Nguyễn Thị Hoa|15042003|Nữ|Tổ 3, phường Pleiku, Gia Lai|01072021",
            2026,
        )
        .unwrap();
        assert_eq!(qr.personal_id.as_str(), "064303000001");
        assert_eq!(qr.full_name, "Nguyễn Thị Hoa");
        assert_eq!(qr.birth_date, NaiveDate::from_ymd_opt(2003, 4, 15).unwrap());
        assert_eq!(qr.sex, Sex::Female);
        assert_eq!(qr.old_id.as_deref(), Some("230456789"));
        // Six fields, or a number that contradicts the birth date, are not a card.
        assert_eq!(ChipQr::parse("064303000001|x|A|15042003|Nữ|B", 2026), None);
        assert_eq!(ChipQr::parse("064303000001||A|15041999|Nữ|B|01072021", 2026), None);
    }

    #[test]
    fn dossier_codes_carry_agency_day_and_number() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(dossier_code("000.00.21.H52", day, 7), "000.00.21.H52-261127-0007");
        assert_eq!(dossier_code("000.00.21.H52", day, 12345), "000.00.21.H52-261127-12345");
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn late_registrations_are_flagged_after_60_days_for_births_and_15_for_deaths() {
        use crate::reference::calendar::WorkCalendar;
        let cal = WorkCalendar::new(vec![(ymd(2000, 1, 1), vec![6, 7])], []);
        // Born Tue 1 Sep 2026: day 60 is Sat 31 Oct, a rest day, so the window runs to Mon 2 Nov.
        let born = ymd(2026, 9, 1);
        assert!(!is_late_registration(&cal, DossierKind::Birth, born, ymd(2026, 11, 2)), "rest day moves the end");
        assert!(is_late_registration(&cal, DossierKind::Birth, born, ymd(2026, 11, 3)));
        // Died Sun 1 Nov: day 15 is Mon 16 Nov.
        let died = ymd(2026, 11, 1);
        assert!(!is_late_registration(&cal, DossierKind::Death, died, ymd(2026, 11, 16)));
        assert!(is_late_registration(&cal, DossierKind::Death, died, ymd(2026, 11, 17)));
        assert!(!is_late_registration(&cal, DossierKind::Marriage, ymd(2000, 1, 1), ymd(2026, 1, 1)));
    }

    #[test]
    fn marriage_needs_age_freedom_and_residence() {
        let day = ymd(2026, 11, 27);
        let groom = Party {
            sex: Sex::Male,
            birth_date: ymd(2006, 11, 27),
            married: false,
            dead: false,
            commune_code: "21583".into(),
        };
        let bride =
            Party { sex: Sex::Female, birth_date: ymd(2008, 11, 27), commune_code: "21853".into(), ..groom.clone() };
        assert_eq!(check_marriage(&groom, &bride, "21583", day), vec![], "20 and 18 on the very day");
        let young = Party { birth_date: ymd(2006, 11, 28), ..groom.clone() };
        assert_eq!(check_marriage(&young, &bride, "21583", day), vec![Refusal::UnderAge(Sex::Male)]);
        let girl = Party { birth_date: ymd(2008, 11, 28), ..bride.clone() };
        assert_eq!(check_marriage(&groom, &girl, "21583", day), vec![Refusal::UnderAge(Sex::Female)]);
        let wed = Party { married: true, ..bride.clone() };
        assert_eq!(check_marriage(&groom, &wed, "21583", day), vec![Refusal::AlreadyMarried(Sex::Female)]);
        assert_eq!(check_marriage(&groom, &bride, "21910", day), vec![Refusal::NotResident]);
        assert!(check_marriage(&groom, &groom, "21583", day).contains(&Refusal::SameSex));
        assert_eq!(age_on(ymd(2008, 2, 29), ymd(2026, 2, 28)), 17);
        assert_eq!(age_on(ymd(2008, 2, 29), ymd(2026, 3, 1)), 18);
    }

    #[test]
    fn births_and_deaths_are_checked_against_the_calendar_and_the_registry() {
        let today = ymd(2026, 11, 27);
        assert_eq!(check_birth(ymd(2026, 11, 28), today), vec![Refusal::BirthInFuture]);
        assert!(check_birth(today, today).is_empty());
        assert_eq!(
            check_death(Some(ymd(1950, 1, 1)), ymd(1949, 12, 31), false, today),
            vec![Refusal::DeathBeforeBirth]
        );
        assert_eq!(check_death(None, ymd(2026, 12, 1), false, today), vec![Refusal::DeathInFuture]);
        assert_eq!(check_death(Some(ymd(1950, 1, 1)), ymd(2026, 11, 20), true, today), vec![Refusal::AlreadyDead]);
    }

    #[test]
    fn processing_limits_follow_the_law_and_steps_are_marked_against_them() {
        assert_eq!(processing_days(DossierKind::Birth, false, false, false), 0);
        assert_eq!(processing_days(DossierKind::Birth, true, false, false), 3);
        assert_eq!(processing_days(DossierKind::Birth, true, true, false), 5);
        assert_eq!(processing_days(DossierKind::Death, true, false, false), 9);
        assert_eq!(processing_days(DossierKind::Death, false, true, false), 3);
        assert_eq!(processing_days(DossierKind::Marriage, false, true, false), 5);
        assert_eq!(processing_days(DossierKind::Marriage, false, false, true), 5, "at home: 5 working days");
        let due = ymd(2026, 11, 27);
        assert_eq!(step_result(due, ymd(2026, 11, 26)), StepResult::Early);
        assert_eq!(step_result(due, due), StepResult::OnTime);
        assert_eq!(step_result(due, ymd(2026, 11, 30)), StepResult::Late);
    }
}
