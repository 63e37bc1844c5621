//! The chairman's letters against a real Postgres: rendered when a registration is signed, signed
//! in a batch by the chairman only, templates edited per commune as versions.
#![cfg(feature = "ssr")]

mod common;

use app::{
    civil::{
        domain::DossierKind,
        registry::LocalRegistry,
        work::{self, Action},
    },
    demo,
    kernel::error::{AppError, FieldError},
    letters::service as letters,
};
use chrono::{DateTime, NaiveDate, Utc};
use common::{login, meta};
use sqlx::PgPool;
use std::collections::BTreeMap;

fn at(day: &str, hour: u32) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(hour, 0, 0).unwrap().and_utc()
        - chrono::Duration::hours(7)
}

/// Receives, reviews, registers and signs a death at Quy Nhơn; returns its code.
async fn registered_death(db: &PgPool, nth: i64) -> String {
    let reg = LocalRegistry { db: db.clone() };
    let official = login(db, "quynhon.hotich").await;
    let chairman = login(db, "quynhon.chutich").await;
    let now = at("2026-11-27", 9);
    let deceased: String = sqlx::query_scalar(
        "select personal_id from registry_person where commune_code = '21583' and died_on is null
           and birth_date < '1990-01-01' order by personal_id offset $1 limit 1",
    )
    .bind(nth)
    .fetch_one(db)
    .await
    .unwrap();
    let f: BTreeMap<String, String> = [
        ("deceased_id", deceased.as_str()),
        ("death_date", "2026-11-25"),
        ("death_place", "Tại nhà"),
        ("death_notice_no", "GBT-1"),
        ("requester_name", "Nguyễn Văn Bình"),
        ("requester_relation", "Con"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let r = work::receive_form(db, &reg, &official, &meta(), DossierKind::Death, &f, now).await.unwrap();
    for (who, a) in [
        (&official, Action::Review { confirm_distinct: false }),
        (&official, Action::Register),
        (&chairman, Action::Sign),
    ] {
        work::act(db, &reg, who, &meta(), &r.code, a, now).await.unwrap();
    }
    r.code
}

#[sqlx::test(migrations = "../migrations")]
async fn each_registration_gets_its_letter_which_the_chairman_signs_in_a_batch(db: PgPool) {
    demo::load(&db).await.unwrap();
    let chairman = login(&db, "quynhon.chutich").await;
    let official = login(&db, "quynhon.hotich").await;
    let now = at("2026-11-27", 10);
    let a = registered_death(&db, 0).await;
    let b = registered_death(&db, 1).await;
    let waiting = letters::letters(&db, &chairman, false).await.unwrap();
    assert_eq!(waiting.len(), 2);
    let la = waiting.iter().find(|l| l.dossier_code == a).unwrap();
    assert_eq!(la.title, "THƯ CHIA BUỒN");
    assert!(la.body.contains(&la.subject_name) && la.body.contains("25/11/2026"), "{}", la.body);
    assert!(la.body.contains("phường Quy Nhơn") || la.body.contains("Quy Nhơn"), "{}", la.body);
    assert!(la.practical.contains("mai táng"));
    // Only the chairman signs; a made-up id changes nothing.
    let ids: Vec<uuid::Uuid> = waiting.iter().map(|l| l.letter_id).collect();
    assert_eq!(letters::sign(&db, &official, &meta(), &ids, now).await.unwrap_err(), AppError::Forbidden);
    let mut with_stranger = ids.clone();
    with_stranger.push(uuid::Uuid::new_v4());
    assert_eq!(letters::sign(&db, &chairman, &meta(), &with_stranger, now).await, Ok(2));
    assert_eq!(letters::sign(&db, &chairman, &meta(), &ids, now).await, Ok(0), "signed once");
    let signed = letters::letters(&db, &chairman, true).await.unwrap();
    assert_eq!(signed.len(), 2);
    assert_eq!(signed[0].signer.as_deref(), Some(chairman.display_name.as_str()));
    let printed = letters::letter_of(&db, &official, &b).await.unwrap().unwrap();
    assert!(printed.signed_at.is_some());
    // Another commune's official cannot print it (nor learn that the dossier exists).
    let other = login(&db, "phucat.hotich").await;
    assert_eq!(letters::letter_of(&db, &other, &b).await.unwrap_err(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_commune_edits_its_template_as_a_new_version_used_from_then_on(db: PgPool) {
    demo::load(&db).await.unwrap();
    let admin = login(&db, "quynhon.quantri").await;
    let chairman = login(&db, "quynhon.chutich").await;
    let first = registered_death(&db, 0).await;
    let t = letters::templates(&db, &admin).await.unwrap();
    assert_eq!(t.len(), 3);
    assert!(t.iter().all(|t| !t.own && t.version == 1), "the province's defaults");
    let e = letters::save_template(
        &db,
        &admin,
        &meta(),
        DossierKind::Death,
        "THƯ CHIA BUỒN",
        "Kính viếng {{ deceased }}",
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(e.field("body"), Some(FieldError::Invalid), "unknown merge field");
    let v = letters::save_template(
        &db,
        &admin,
        &meta(),
        DossierKind::Death,
        "THƯ CHIA BUỒN",
        "Kính gửi gia đình {{ deceased_name }},\r\n\r\nỦy ban nhân dân {{ commune }} vô cùng thương tiếc.",
        "",
    )
    .await
    .unwrap();
    assert_eq!(v, 1, "the commune's own first version");
    // The chairman cannot edit templates.
    assert_eq!(
        letters::save_template(&db, &chairman, &meta(), DossierKind::Death, "T", "x", "").await.unwrap_err(),
        AppError::Forbidden
    );
    let second = registered_death(&db, 1).await;
    let waiting = letters::letters(&db, &chairman, false).await.unwrap();
    let old = waiting.iter().find(|l| l.dossier_code == first).unwrap();
    let new = waiting.iter().find(|l| l.dossier_code == second).unwrap();
    assert!(new.body.contains("vô cùng thương tiếc") && new.body.contains("\n\n"), "{}", new.body);
    assert!(!old.body.contains("vô cùng thương tiếc"), "an earlier letter keeps its text");
    let t = letters::templates(&db, &admin).await.unwrap();
    assert!(t.iter().any(|t| t.kind == DossierKind::Death && t.own && t.version == 1));
}
