//! Field submissions against a real Postgres: exactly once under the phone's key (also when the
//! connection was cut after the server received it), conflicts shown not merged, the collector's
//! task list.
#![cfg(feature = "ssr")]

mod common;

use app::{
    civil::{
        domain::DossierKind,
        field::{self, Outcome},
        hospital::{self, BirthNotice},
        registry::LocalRegistry,
    },
    demo,
    error::{AppError, FieldError},
};
use chrono::{DateTime, NaiveDate, Utc};
use common::{login, meta};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

fn at(day: &str, hour: u32) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(hour, 0, 0).unwrap().and_utc()
        - chrono::Duration::hours(7)
}

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_submission_is_received_once_whatever_the_retries(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let collector = login(&db, "quynhon.ctv").await;
    let now = at("2026-11-27", 9);
    let deceased: String = sqlx::query_scalar(
        "select personal_id from registry_person where commune_code = '21583' and died_on is null and sex = 'male'
           and marital_status = 'married' order by personal_id limit 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let f = form(&[
        ("deceased_id", &deceased),
        ("death_date", "2026-11-25"),
        ("death_place", "Tại nhà"),
        ("death_notice_no", "GBT-9"),
        ("requester_name", "Nguyễn Văn Bình"),
        ("requester_relation", "Con"),
    ]);
    let key = Uuid::new_v4();
    // The registry is another system with its own connections (as in the server).
    let registry = std::sync::Arc::new(LocalRegistry {
        db: sqlx::postgres::PgPoolOptions::new().max_connections(2).connect_lazy_with((*db.connect_options()).clone()),
    });
    // Five arrivals of the same submission at once (a retry racing the first): one dossier.
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let (db, reg, collector, f) = (db.clone(), registry.clone(), collector.clone(), f.clone());
            tokio::spawn(async move {
                field::submit(&db, reg.as_ref(), &collector, &meta(), key, DossierKind::Death, &f, None, None, now)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for t in tasks {
        receipts.push(t.await.unwrap());
    }
    assert!(receipts.iter().all(|r| r == &receipts[0]), "every arrival gets the same answer");
    assert_eq!(receipts[0].outcome, Outcome::Accepted);
    let code = receipts[0].dossier_code.clone().unwrap();
    let (dossiers, channel): (i64, String) =
        sqlx::query_as("select count(*), min(channel) from dossier").fetch_one(&db).await.unwrap();
    assert_eq!((dossiers, channel.as_str()), (1, "collector"));
    // The phone never saw that answer (the connection was cut after the server committed): the
    // retry an hour later gets the same code and makes nothing.
    let again =
        field::submit(&db, &reg, &collector, &meta(), key, DossierKind::Death, &f, None, None, at("2026-11-27", 10))
            .await
            .unwrap();
    assert_eq!(again.dossier_code.as_deref(), Some(code.as_str()));
    let dossiers: i64 = sqlx::query_scalar("select count(*) from dossier").fetch_one(&db).await.unwrap();
    assert_eq!(dossiers, 1);
    // Another collector cannot replay someone else's key.
    let official = login(&db, "quynhon.hotich").await;
    assert_eq!(
        field::submit(&db, &reg, &official, &meta(), key, DossierKind::Death, &f, None, None, now).await.unwrap_err(),
        AppError::Forbidden
    );

    // A form with errors is answered with them, stored, and nothing is made.
    let bad = form(&[("deceased_id", "123"), ("death_date", "2026-12-30")]);
    let r = field::submit(&db, &reg, &collector, &meta(), Uuid::new_v4(), DossierKind::Death, &bad, None, None, now)
        .await
        .unwrap();
    assert_eq!(r.outcome, Outcome::Refused);
    assert_eq!(r.errors.as_ref().unwrap().get("deceased_id"), Some(FieldError::Invalid));
    assert_eq!(r.dossier_code, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_family_already_on_file_is_shown_as_a_conflict_and_the_visit_closes(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let admin = login(&db, "tinh.quantri").await;
    let collector = login(&db, "quynhon.ctv").await;
    let facility_user = login(&db, "bv.quynhon").await;
    let key = hospital::create_key(&db, &admin, &meta(), facility_user.agency_id.unwrap(), "HIS").await.unwrap();
    let facility = hospital::facility_by_key(&db, &key).await.unwrap().unwrap();
    let mother: String = sqlx::query_scalar(
        "select personal_id from registry_person where commune_code = '21583' and sex = 'female'
           and marital_status = 'married' and birth_date > '1988-01-01' order by personal_id limit 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let now = at("2026-11-27", 9);
    let notice = BirthNotice {
        certificate_code: "GCS-77".into(),
        mother_id: mother.clone(),
        child_sex: "female".into(),
        born_at: at("2026-11-25", 6),
        place_of_birth: "Bệnh viện".into(),
        weight_grams: 3000,
        child_name: None,
    };
    let (sent, _) = hospital::notify_birth(&db, &reg, &facility, &meta(), notice, now).await.unwrap();
    // The hospital's notice is on the collector's list, most urgent first, and can be taken.
    let list = field::tasks(&db, &collector).await.unwrap();
    assert_eq!(list.len(), 1);
    let task = list[0].clone();
    assert_eq!((task.kind, task.legal_deadline), (DossierKind::Birth, NaiveDate::from_ymd_opt(2027, 1, 24)));
    assert!(!task.family_name.is_empty(), "the mother's name from the notice");
    field::take(&db, &collector, task.task_id, true, now).await.unwrap();
    assert_eq!(
        field::take(&db, &collector, task.task_id, true, now).await.unwrap_err(),
        AppError::Conflict("task_taken".into())
    );
    assert!(field::tasks(&db, &collector).await.unwrap()[0].mine);
    // The collector captured the same birth at home without knowing: made, flagged, shown.
    let f = form(&[
        ("child_name", "Lê Thị An"),
        ("child_sex", "female"),
        ("birth_date", "2026-11-25"),
        ("birth_place", "Bệnh viện Đa khoa tỉnh Gia Lai"),
        ("mother_id", &mother),
        ("requester_name", "Lê Văn Hùng"),
        ("requester_relation", "Cha"),
    ]);
    let r = field::submit(
        &db,
        &reg,
        &collector,
        &meta(),
        Uuid::new_v4(),
        DossierKind::Birth,
        &f,
        Some(task.task_id),
        None,
        now,
    )
    .await
    .unwrap();
    assert_eq!(r.outcome, Outcome::Conflict);
    assert_eq!(r.conflict_with.as_deref(), Some(sent.dossier_code.as_str()));
    assert!(r.dossier_code.is_some(), "kept for the official to compare, never merged");
    let status: String = sqlx::query_scalar("select status from home_visit_task where task_id = $1")
        .bind(task.task_id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(status, "done");
    // Her figures count the visit and the dossier, this month and this year.
    let f = field::figures(&db, &collector, now).await.unwrap();
    let one = field::Counts { visits: 1, submitted: 1, registered: 0 };
    assert_eq!((f.month, f.year), (one, one));
    // Officials do not use the collectors' list.
    let official = login(&db, "quynhon.hotich").await;
    assert_eq!(field::tasks(&db, &official).await.unwrap_err(), AppError::Forbidden);
}
