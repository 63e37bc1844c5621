//! The tờ khai of the three dossiers (TT 04/2024), flat: which fields the family or official
//! fills, which the population registry fills (never asked again), parsing with field errors,
//! and the registry-based checks that refuse a value with its reason.

use super::domain::{DossierKind, Party, PersonalId, Refusal, Sex, check_marriage};
use crate::kernel::error::{FieldError, FieldErrors};
use chrono::{NaiveDate, NaiveTime};
use std::collections::BTreeMap;

/// A dossier's content: field key → value (NFC, trimmed). Registry fields are `<party>_<field>`.
pub type Data = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Name,
    Date,
    Time,
    Sex,
    /// A 12-digit personal ID number: the registry fills the person in.
    Id,
    Phone,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn f(key: &'static str, input: Input, required: bool) -> FieldSpec {
    FieldSpec { key, input, required }
}

const BIRTH: &[FieldSpec] = &[
    f("child_name", Input::Name, true),
    f("child_sex", Input::Sex, true),
    f("birth_date", Input::Date, true),
    f("birth_time", Input::Time, false),
    f("birth_place", Input::Text, true),
    f("ethnicity", Input::Text, false),
    f("home_town", Input::Text, false),
    f("mother_id", Input::Id, true),
    f("father_id", Input::Id, false),
    f("requester_name", Input::Name, true),
    f("requester_relation", Input::Text, true),
    f("phone", Input::Phone, false),
];

const MARRIAGE: &[FieldSpec] = &[
    f("wife_id", Input::Id, true),
    f("husband_id", Input::Id, true),
    f("marriage_date", Input::Date, true),
    f("phone", Input::Phone, false),
];

const DEATH: &[FieldSpec] = &[
    f("deceased_id", Input::Id, true),
    f("death_date", Input::Date, true),
    f("death_time", Input::Time, false),
    f("death_place", Input::Text, true),
    f("death_cause", Input::Text, false),
    f("death_notice_no", Input::Text, true),
    f("death_notice_issuer", Input::Text, false),
    f("requester_name", Input::Name, true),
    f("requester_relation", Input::Text, true),
    f("phone", Input::Phone, false),
];

/// What the form asks, in order.
pub fn fields(kind: DossierKind) -> &'static [FieldSpec] {
    match kind {
        DossierKind::Birth => BIRTH,
        DossierKind::Marriage => MARRIAGE,
        DossierKind::Death => DEATH,
    }
}

/// The people the registry fills in, by the prefix of their fields.
pub fn parties(kind: DossierKind) -> &'static [&'static str] {
    match kind {
        DossierKind::Birth => &["mother", "father"],
        DossierKind::Marriage => &["wife", "husband"],
        DossierKind::Death => &["deceased"],
    }
}

/// What the registry fills per person (`<party>_<field>`).
pub const PARTY_FIELDS: [&str; 6] = ["name", "birth", "sex", "ethnicity", "nationality", "residence"];

/// Fields a hospital's electronic birth certificate brings (shown, not typed).
pub const CERTIFICATE_FIELDS: [&str; 3] = ["certificate_code", "weight_grams", "facility_name"];

/// The field holding the event's day.
pub fn event_key(kind: DossierKind) -> &'static str {
    match kind {
        DossierKind::Birth => "birth_date",
        DossierKind::Marriage => "marriage_date",
        DossierKind::Death => "death_date",
    }
}

/// A list's one-line name of who the dossier is about.
pub fn subject_name(kind: DossierKind, d: &Data) -> String {
    let g = |k: &str| d.get(k).map(String::as_str).unwrap_or("");
    match kind {
        DossierKind::Birth if !g("child_name").is_empty() => g("child_name").to_owned(),
        DossierKind::Birth => format!("Con bà {}", g("mother_name")),
        DossierKind::Marriage => format!("{} – {}", g("husband_name"), g("wife_name")),
        DossierKind::Death => g("deceased_name").to_owned(),
    }
}

/// A form as submitted, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub data: Data,
    pub event_date: NaiveDate,
    /// Party prefix → number to look up in the registry.
    pub ids: Vec<(&'static str, PersonalId)>,
}

fn nfc(raw: &str) -> String {
    crate::kernel::text::normalize(raw)
}

/// `2026-11-27` (date inputs) or `27/11/2026`, in the years people live.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    crate::kernel::text::date(raw).ok()
}

fn parse_value(input: Input, raw: &str, this_year: i32) -> Result<String, FieldError> {
    match input {
        Input::Text => crate::kernel::text::line(raw, 200),
        Input::Name => crate::kernel::text::person_name(raw),
        Input::Date => crate::kernel::text::date(raw).map(|d| d.to_string()),
        Input::Time => NaiveTime::parse_from_str(raw, "%H:%M")
            .map(|t| t.format("%H:%M").to_string())
            .map_err(|_| FieldError::Invalid),
        Input::Sex => Sex::parse(raw).map(|s| s.as_str().to_owned()).ok_or(FieldError::Invalid),
        // The chip ID card's QR text, read by a scanner into the field, gives the number too.
        Input::Id if raw.contains('|') => super::domain::ChipQr::parse(raw, this_year)
            .map(|q| q.personal_id.as_str().to_owned())
            .ok_or(FieldError::Invalid),
        Input::Id => PersonalId::parse(raw, this_year).map(|p| p.as_str().to_owned()).map_err(FieldError::from),
        Input::Phone => crate::identity::domain::PhoneVn::parse(raw).map(|p| p.as_str().to_owned()),
    }
}

/// Parses a submitted form of `kind`: every field trimmed and in NFC, each refusal next to its
/// field. Dates: a birth or death cannot be after today, a marriage is registered today or later.
pub fn parse(kind: DossierKind, raw: &BTreeMap<String, String>, today: NaiveDate) -> Result<Parsed, FieldErrors> {
    use chrono::Datelike;
    let mut errs = FieldErrors::default();
    let mut data = Data::new();
    let mut ids = Vec::new();
    for spec in fields(kind) {
        let v = nfc(raw.get(spec.key).map(String::as_str).unwrap_or(""));
        if v.is_empty() {
            if spec.required {
                errs.push(spec.key, FieldError::Required);
            }
            continue;
        }
        if let Some(v) = errs.check(spec.key, parse_value(spec.input, &v, today.year())) {
            if spec.input == Input::Id
                && let Some(party) = spec.key.strip_suffix("_id")
                && let Ok(id) = PersonalId::parse(&v, today.year())
            {
                let party = parties(kind).iter().copied().find(|p| *p == party).unwrap_or("subject");
                ids.push((party, id));
            }
            data.insert(spec.key.to_owned(), v);
        }
    }
    let event = data.get(event_key(kind)).and_then(|d| parse_date(d));
    if let Some(day) = event {
        let refusal = match kind {
            DossierKind::Birth if day > today => Some(FieldError::Rule(Refusal::BirthInFuture)),
            DossierKind::Death if day > today => Some(FieldError::Rule(Refusal::DeathInFuture)),
            DossierKind::Marriage if day < today => Some(FieldError::Invalid),
            _ => None,
        };
        if let Some(e) = refusal {
            errs.push(event_key(kind), e);
        }
        // A child is not born before its mother, nor to a mother of 5 or 90.
        if kind == DossierKind::Birth
            && let Some((_, mother)) = ids.iter().find(|(p, _)| *p == "mother")
            && let Err(e) = crate::kernel::text::mother_fits(day, mother.birth_year())
            && errs.get(event_key(kind)).is_none()
        {
            errs.push(event_key(kind), e);
        }
    }
    match event {
        Some(event_date) if errs.is_empty() => Ok(Parsed { data, event_date, ids }),
        _ => Err(errs),
    }
}

/// A person as the registry knows them, for the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub married: bool,
    pub dead: bool,
    pub commune_code: String,
}

/// The checks that need the registry, each against the field it refuses. `people` holds the
/// parties found; a number the registry does not know is refused at its field.
pub fn registry_refusals(
    kind: DossierKind,
    ids: &[(&'static str, PersonalId)],
    people: &BTreeMap<&'static str, Known>,
    event: NaiveDate,
    commune: &str,
) -> Vec<(String, FieldError)> {
    let mut out: Vec<(String, FieldError)> = Vec::new();
    let field = |p: &str| format!("{p}_id");
    for (p, _) in ids {
        if !people.contains_key(p) {
            out.push((field(p), FieldError::Rule(Refusal::PersonUnknown)));
        }
    }
    let expect_sex = |p: &str, sex: Sex, out: &mut Vec<(String, FieldError)>| {
        if people.get(p).is_some_and(|k| k.sex != sex) {
            out.push((field(p), FieldError::Rule(Refusal::WrongSex)));
        }
    };
    match kind {
        DossierKind::Birth => {
            expect_sex("mother", Sex::Female, &mut out);
            expect_sex("father", Sex::Male, &mut out);
        }
        DossierKind::Death => {
            if let Some(k) = people.get("deceased") {
                if k.dead {
                    out.push((field("deceased"), FieldError::Rule(Refusal::AlreadyDead)));
                }
                if event < k.birth_date {
                    out.push(("death_date".into(), FieldError::Rule(Refusal::DeathBeforeBirth)));
                }
            }
        }
        DossierKind::Marriage => {
            expect_sex("wife", Sex::Female, &mut out);
            expect_sex("husband", Sex::Male, &mut out);
            if let (Some(w), Some(h)) = (people.get("wife"), people.get("husband")) {
                let party = |k: &Known| Party {
                    sex: k.sex,
                    birth_date: k.birth_date,
                    married: k.married,
                    dead: k.dead,
                    commune_code: k.commune_code.clone(),
                };
                for r in check_marriage(&party(w), &party(h), commune, event) {
                    let at = match r {
                        Refusal::UnderAge(Sex::Female) | Refusal::AlreadyMarried(Sex::Female) => "wife_id",
                        Refusal::AlreadyDead if w.dead => "wife_id",
                        Refusal::SameSex => continue, // already told as WrongSex at the field
                        Refusal::NotResident => "wife_id",
                        _ => "husband_id",
                    };
                    out.push((at.into(), FieldError::Rule(r)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_death_form_is_parsed_in_nfc_with_the_number_to_look_up() {
        let p = parse(
            DossierKind::Death,
            &form(&[
                ("deceased_id", "052 0 45 000123"),
                ("death_date", "20/11/2026"),
                ("death_place", "  Tổ 3,  phường Quy Nhơn "),
                ("death_notice_no", "GBT-77"),
                ("requester_name", "Nguye\u{302}\u{303}n Văn Bình"),
                ("requester_relation", "Con"),
            ]),
            day("2026-11-27"),
        )
        .unwrap();
        assert_eq!(p.event_date, day("2026-11-20"));
        assert_eq!(p.data["death_place"], "Tổ 3, phường Quy Nhơn");
        assert_eq!(p.data["requester_name"], "Nguyễn Văn Bình");
        assert_eq!(p.ids[0].0, "deceased");
        assert_eq!(p.ids[0].1.as_str(), "052045000123");
        // The ID card's QR text in the number field gives the number.
        let qr = "052045000123||Nguyễn Văn An|02031945|Nam|Tổ 3, phường Quy Nhơn|01072021";
        let mut raw = form(&[("deceased_id", qr), ("death_date", "2026-11-20"), ("death_place", "Nhà")]);
        raw.insert("death_notice_no".into(), "1".into());
        raw.insert("requester_name".into(), "Lê Thị Hoa".into());
        raw.insert("requester_relation".into(), "Vợ".into());
        let p = parse(DossierKind::Death, &raw, day("2026-11-27")).unwrap();
        assert_eq!(p.data["deceased_id"], "052045000123");
    }

    #[test]
    fn bad_values_are_refused_next_to_their_fields_with_the_reason() {
        let e = parse(
            DossierKind::Birth,
            &form(&[
                ("child_name", "B3"),
                ("child_sex", "x"),
                ("birth_date", "2026-12-01"),
                ("birth_place", "Bệnh viện"),
                ("mother_id", "123"),
                ("requester_name", "Lê Thị Hoa"),
                ("phone", "12345"),
            ]),
            day("2026-11-27"),
        )
        .unwrap_err();
        assert_eq!(e.get("child_name"), Some(FieldError::Invalid));
        assert_eq!(e.get("child_sex"), Some(FieldError::Invalid));
        assert_eq!(e.get("birth_date"), Some(FieldError::Rule(Refusal::BirthInFuture)));
        // The reason is named: 12 digits.
        assert_eq!(e.get("mother_id"), Some(FieldError::Because(crate::kernel::error::Reason::IdFormat)));
        assert_eq!(e.get("requester_relation"), Some(FieldError::Required));
        assert_eq!(e.get("phone"), Some(FieldError::Invalid));
        let e = parse(
            DossierKind::Marriage,
            &form(&[("wife_id", "052199000001"), ("husband_id", "052098000002"), ("marriage_date", "2026-11-26")]),
            day("2026-11-27"),
        )
        .unwrap_err();
        assert_eq!(e.get("marriage_date"), Some(FieldError::Invalid), "a marriage is not registered in the past");
    }

    fn known(sex: Sex, born: &str, married: bool, commune: &str) -> Known {
        Known { sex, birth_date: day(born), married, dead: false, commune_code: commune.into() }
    }

    #[test]
    fn marriage_refusals_land_on_the_party_concerned() {
        let ids = vec![
            ("wife", PersonalId::parse("052309000001", 2026).unwrap()),
            ("husband", PersonalId::parse("052207000002", 2026).unwrap()),
        ];
        let mut people = BTreeMap::new();
        // She turns 18 tomorrow; he is 19 and already married; both live elsewhere.
        people.insert("wife", known(Sex::Female, "2008-11-28", false, "99999"));
        people.insert("husband", known(Sex::Male, "2007-01-01", true, "99999"));
        let r = registry_refusals(DossierKind::Marriage, &ids, &people, day("2026-11-27"), "21583");
        assert!(r.contains(&("wife_id".into(), FieldError::Rule(Refusal::UnderAge(Sex::Female)))));
        assert!(r.contains(&("husband_id".into(), FieldError::Rule(Refusal::UnderAge(Sex::Male)))));
        assert!(r.contains(&("husband_id".into(), FieldError::Rule(Refusal::AlreadyMarried(Sex::Male)))));
        assert!(r.contains(&("wife_id".into(), FieldError::Rule(Refusal::NotResident))));
        // The day she turns 18 and he is 20, single, living here: nothing refused.
        people.insert("wife", known(Sex::Female, "2008-11-28", false, "21583"));
        people.insert("husband", known(Sex::Male, "2006-11-28", false, "99999"));
        assert!(registry_refusals(DossierKind::Marriage, &ids, &people, day("2026-11-28"), "21583").is_empty());
    }

    #[test]
    fn unknown_people_wrong_sex_and_the_dead_are_refused() {
        let ids = vec![("deceased", PersonalId::parse("052045000123", 2026).unwrap())];
        let none = BTreeMap::new();
        assert_eq!(
            registry_refusals(DossierKind::Death, &ids, &none, day("2026-11-20"), "21583"),
            vec![("deceased_id".into(), FieldError::Rule(Refusal::PersonUnknown))]
        );
        let mut people = BTreeMap::new();
        people.insert("deceased", Known { dead: true, ..known(Sex::Male, "1945-03-02", false, "21583") });
        let r = registry_refusals(DossierKind::Death, &ids, &people, day("1940-01-01"), "21583");
        assert!(r.contains(&("deceased_id".into(), FieldError::Rule(Refusal::AlreadyDead))));
        assert!(r.contains(&("death_date".into(), FieldError::Rule(Refusal::DeathBeforeBirth))));
        let ids = vec![("mother", PersonalId::parse("052085000001", 2026).unwrap())];
        let mut people = BTreeMap::new();
        people.insert("mother", known(Sex::Male, "1985-01-01", true, "21583"));
        assert_eq!(
            registry_refusals(DossierKind::Birth, &ids, &people, day("2026-11-20"), "21583"),
            vec![("mother_id".into(), FieldError::Rule(Refusal::WrongSex))]
        );
    }
}
