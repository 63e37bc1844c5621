//! Rendering letters: a template is Jinja text (minijinja) with merge fields; it is checked when
//! saved, by rendering it strictly with sample values, so a misspelt field is refused at once
//! rather than in a family's letter.

use crate::civil::{domain::DossierKind, form::Data};
use crate::kernel::error::{FieldError, FieldErrors};
use minijinja::{Environment, UndefinedBehavior};
use std::collections::BTreeMap;

pub type Context = BTreeMap<&'static str, String>;

const MAX_TITLE: usize = 100;
const MAX_TEXT: usize = 4_000;
/// Instructions one text may run: the province's letters take a few hundred; a commune
/// administrator's nested loops of millions stop here instead of holding a registration.
const FUEL: u64 = 50_000;
/// A rendered text longer than this is not a letter (`{{ "x" * 10000000 }}`).
const MAX_RENDERED: usize = 20_000;

fn env(strict: bool) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    // Letters are plain text shown through the page's own escaping.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(if strict { UndefinedBehavior::Strict } else { UndefinedBehavior::Lenient });
    env
}

/// Renders one text; a missing optional field (no father) renders empty. Bounded by `FUEL`;
/// call it off the async workers (`spawn_blocking`).
pub fn render(src: &str, ctx: &Context) -> Result<String, minijinja::Error> {
    let out = env(false).render_str(src, ctx)?;
    if out.len() > MAX_RENDERED {
        return Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "letter too long"));
    }
    Ok(out.trim().to_owned())
}

/// What a family's letter is merged with: the dossier's people, day, commune and chairman.
pub fn context(
    kind: DossierKind,
    data: &Data,
    commune: &str,
    chairman: &str,
    personal_id: Option<&str>,
    today: &str,
) -> Context {
    let g = |k: &str| data.get(k).cloned().unwrap_or_default();
    let day =
        |k: &str| crate::civil::form::parse_date(&g(k)).map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default();
    let mut c = Context::new();
    for k in ["child_name", "mother_name", "father_name", "wife_name", "husband_name", "deceased_name"] {
        let v = g(k);
        if !v.is_empty() {
            c.insert(k, v);
        }
    }
    c.insert("event_date", day(crate::civil::form::event_key(kind)));
    if let Some(id) = personal_id.filter(|_| kind == DossierKind::Birth) {
        c.insert("personal_id", id.to_owned());
    }
    c.insert("commune", commune.to_owned());
    c.insert("chairman", chairman.to_owned());
    c.insert("today", today.to_owned());
    c
}

/// Checks an edited template: lengths, syntax, and every field it names exists (rendered
/// strictly with a sample of every merge field).
pub fn check(title: &str, body: &str, practical: &str) -> Result<(), FieldErrors> {
    let sample: Context = super::MERGE_FIELDS.iter().map(|k| (*k, format!("[{k}]"))).collect();
    let mut errs = FieldErrors::default();
    for (field, text, max) in
        [("title", title, MAX_TITLE), ("body", body, MAX_TEXT), ("practical", practical, MAX_TEXT)]
    {
        let n = text.trim().chars().count();
        if n == 0 && field != "practical" {
            errs.push(field, FieldError::Required);
        } else if n > max {
            errs.push(field, FieldError::TooLong { max: max as u16 });
        } else {
            match env(true).render_str(text, &sample) {
                Ok(out) if out.len() <= MAX_RENDERED => {}
                Ok(_) => errs.push(field, FieldError::Because(crate::kernel::error::Reason::TooComplex)),
                Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => {
                    errs.push(field, FieldError::Because(crate::kernel::error::Reason::TooComplex))
                }
                Err(_) => errs.push(field, FieldError::Invalid),
            }
        }
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_birth_letter_merges_names_and_skips_a_missing_father() {
        let mut data = Data::new();
        data.insert("child_name".into(), "Lê Thị Bảo Ngọc".into());
        data.insert("mother_name".into(), "Phạm Thị Hoa".into());
        data.insert("birth_date".into(), "2026-11-25".into());
        let c =
            context(DossierKind::Birth, &data, "phường Quy Nhơn", "Võ Đức Thắng", Some("052326000001"), "27/11/2026");
        let src = "Kính gửi gia đình chị {{ mother_name }}{% if father_name %} và anh {{ father_name }}{% endif %}, cháu {{ child_name }} sinh ngày {{ event_date }} ({{ personal_id }}).";
        assert_eq!(
            render(src, &c).unwrap(),
            "Kính gửi gia đình chị Phạm Thị Hoa, cháu Lê Thị Bảo Ngọc sinh ngày 25/11/2026 (052326000001)."
        );
    }

    #[test]
    fn templates_with_unknown_fields_or_broken_syntax_are_refused_at_the_field() {
        assert!(check("THƯ CHÚC MỪNG", "Chào {{ child_name }} ở {{ commune }}", "").is_ok());
        let e = check("", "Chào {{ chid_name }}", "{% if %}").unwrap_err();
        assert_eq!(e.get("title"), Some(FieldError::Required));
        assert_eq!(e.get("body"), Some(FieldError::Invalid), "misspelt field");
        assert_eq!(e.get("practical"), Some(FieldError::Invalid), "broken syntax");
        let long = "x".repeat(4_001);
        assert_eq!(check("T", &long, "").unwrap_err().get("body"), Some(FieldError::TooLong { max: 4_000 }));
        // 43 million iterations took 2.7 s of a runtime worker; now refused at once.
        let burn = "{% for a in range(6546) %}{% for b in range(6546) %}{% endfor %}{% endfor %}";
        let started = std::time::Instant::now();
        let too_complex = Some(FieldError::Because(crate::kernel::error::Reason::TooComplex));
        assert_eq!(check("T", burn, "").unwrap_err().get("body"), too_complex);
        assert_eq!(check("T", "{{ 'x' * 10000000 }}", "").unwrap_err().get("body"), too_complex);
        assert!(render(burn, &Context::new()).is_err(), "rendering is bounded too");
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    }

    #[test]
    fn the_province_defaults_render_for_every_kind() {
        let sql = include_str!("../../../migrations/20261127000013_letters.sql");
        // Each default is checked like an edited template would be (the quoted values of the insert).
        let values = &sql[sql.find("insert into letter_template").unwrap()..];
        let texts: Vec<&str> = values.split('\'').skip(1).step_by(2).collect();
        assert!(texts.len() >= 12, "{}", texts.len());
        for t in texts {
            assert!(check("T", t, "").is_ok(), "{t}");
        }
    }
}
