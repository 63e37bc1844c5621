//! Civil registration foundations against a real Postgres: the population registry adapter with
//! its lookup log, and gap-free dossier numbers under concurrency.
#![cfg(feature = "ssr")]

mod common;

use common::{login, meta};

use app::{
    civil::{
        domain::{ChipQr, PersonalId},
        registry::{self, LocalRegistry, PopulationRegistry, Query},
        service,
    },
    demo,
    kernel::error::AppError,
};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

#[sqlx::test(migrations = "../migrations")]
async fn the_registry_finds_people_with_their_family_and_logs_every_lookup(db: PgPool) {
    demo::load(&db).await.unwrap();
    let people: i64 = sqlx::query_scalar("select count(*) from registry_person").fetch_one(&db).await.unwrap();
    assert!(people > 1_000, "{people}");
    // Loading again adds nobody; every number is a valid 12-digit number agreeing with the person.
    demo::load(&db).await.unwrap();
    let again: i64 = sqlx::query_scalar("select count(*) from registry_person").fetch_one(&db).await.unwrap();
    assert_eq!(people, again);
    let rows: Vec<(String, NaiveDate, String)> =
        sqlx::query_as("select personal_id, birth_date, sex from registry_person").fetch_all(&db).await.unwrap();
    for (id, born, sex) in &rows {
        let id = PersonalId::parse(id, 2026).unwrap();
        assert!(id.agrees_with(*born, app::civil::domain::Sex::parse(sex).unwrap()), "{id:?}");
    }

    // A child with both parents; the mother's card read by QR gives her spouse.
    let (child, mother): (String, String) = sqlx::query_as(
        "select personal_id, mother_id from registry_person where mother_id is not null order by personal_id limit 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let official = login(&db, "quynhon.hotich").await;
    let reg = LocalRegistry { db: db.clone() };
    let q = Query::Id(PersonalId::parse(&child, 2026).unwrap());
    let p = registry::lookup_logged(&db, &reg, &official, Some("H52-261127-0001"), &q).await.unwrap().unwrap();
    assert_eq!(p.mother.as_ref().unwrap().personal_id, mother);
    assert!(p.father.is_some());
    let m = reg.find(&PersonalId::parse(&mother, 2026).unwrap()).await.unwrap().unwrap();
    let qr = format!(
        "{}||{}|{}|Nữ|{}|01072021",
        m.personal_id,
        m.full_name,
        m.birth_date.format("%d%m%Y"),
        m.permanent_address
    );
    let by_qr = Query::ChipQr(ChipQr::parse(&qr, 2026).unwrap());
    let found = registry::lookup_logged(&db, &reg, &official, None, &by_qr).await.unwrap().unwrap();
    assert_eq!(found.spouse.as_ref().map(|s| s.personal_id.clone()), p.father.map(|f| f.personal_id));
    // Nobody under this number: logged as not found.
    let unknown = Query::Id(PersonalId::parse("064199999999", 2026).unwrap());
    assert_eq!(registry::lookup_logged(&db, &reg, &official, None, &unknown).await.unwrap(), None);
    let log: Vec<(String, Option<String>, String, bool)> = sqlx::query_as(
        "select method, dossier_ref, personal_id, found from registry_lookup where actor_id = $1 order by at, lookup_id",
    )
    .bind(official.user_id)
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log.iter().filter(|l| l.3).count(), 2);
    assert!(log.iter().any(|l| l.0 == "chip_qr" && l.2 == mother));
    assert!(log.iter().any(|l| l.1.as_deref() == Some("H52-261127-0001") && l.2 == child));
    // A hotline agent has no business in the registry.
    let hotline = login(&db, "tinh.tongdai").await;
    assert_eq!(registry::lookup_logged(&db, &reg, &hotline, None, &q).await.unwrap_err(), AppError::Forbidden);
}

#[sqlx::test(migrations = "../migrations")]
async fn fifty_concurrent_receipts_get_consecutive_dossier_codes(db: PgPool) {
    demo::load(&db).await.unwrap();
    let (agency, code): (Uuid, String) =
        sqlx::query_as("select agency_id, code from agency where code = 'DEMO.H52.21583'")
            .fetch_one(&db)
            .await
            .unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                let c = service::next_dossier_code(&mut tx, agency, day).await.unwrap();
                // Every fifth receipt fails after taking its number: the number goes back.
                if i % 5 == 4 {
                    tx.rollback().await.unwrap();
                    None
                } else {
                    tx.commit().await.unwrap();
                    Some(c)
                }
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.extend(t.await.unwrap());
    }
    codes.sort();
    let expected: Vec<String> = (1..=40).map(|n| format!("{code}-261127-{n:04}")).collect();
    assert_eq!(codes, expected, "40 receipts kept: 0001 to 0040, none twice, none missing");
    // Another day starts at 1.
    let mut conn = db.acquire().await.unwrap();
    let next_day = service::next_dossier_code(&mut conn, agency, day.succ_opt().unwrap()).await.unwrap();
    assert_eq!(next_day, format!("{code}-261128-0001"));
}

fn birth(born: NaiveDate) -> service::NewDossier {
    use app::civil::domain::{Channel, DossierKind};
    service::NewDossier {
        kind: DossierKind::Birth,
        commune_code: "21583".into(),
        channel: Channel::Counter,
        event_date: born,
        subject_birth: None,
        already_dead: false,
        bundle: false,
        verification: false,
        data: serde_json::json!({ "child_name": "Nguyễn Minh An" }),
        mother_id: None,
    }
}

/// 2026-11-25 (a Wednesday) at `hour` in Vietnam.
fn wednesday(hour: u32) -> chrono::DateTime<chrono::Utc> {
    ymd(2026, 11, 25).and_hms_opt(hour, 0, 0).unwrap().and_utc() - chrono::Duration::hours(7)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_received_dossier_gets_its_code_due_date_late_flag_and_log(db: PgPool) {
    demo::load(&db).await.unwrap();
    let official = login(&db, "quynhon.hotich").await;
    // 10:00: registered the same working day.
    let a = service::receive(&db, &official, &meta(), birth(ymd(2026, 11, 20)), wednesday(10)).await.unwrap();
    assert_eq!(a.code, "DEMO.H52.21583-261125-0001");
    assert_eq!(a.due_on, ymd(2026, 11, 25));
    assert!(!a.late);
    // 16:00, after the 15:00 cut-off: the next working day. Born 61 days before: late, flagged.
    let b = service::receive(&db, &official, &meta(), birth(ymd(2026, 9, 25)), wednesday(16)).await.unwrap();
    assert_eq!(b.code, "DEMO.H52.21583-261125-0002");
    assert_eq!(b.due_on, ymd(2026, 11, 26));
    assert!(b.late);
    let steps: i64 =
        sqlx::query_scalar("select count(*) from dossier_step where result = 'on_time'").fetch_one(&db).await.unwrap();
    assert_eq!(steps, 2);
    let (version, data): (i32, serde_json::Value) =
        sqlx::query_as("select version, data from dossier_version where dossier_id = $1")
            .bind(a.dossier_id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((version, data["child_name"].as_str()), (1, Some("Nguyễn Minh An")));

    // Refusals: a birth after today, a death before birth; nothing is written, no number is used.
    assert_eq!(
        service::receive(&db, &official, &meta(), birth(ymd(2026, 11, 26)), wednesday(10)).await.unwrap_err(),
        AppError::from(app::kernel::conflict::Refusal::BirthInFuture)
    );
    let death = service::NewDossier {
        kind: app::civil::domain::DossierKind::Death,
        subject_birth: Some(ymd(1950, 5, 1)),
        ..birth(ymd(1949, 1, 1))
    };
    assert_eq!(
        service::receive(&db, &official, &meta(), death, wednesday(10)).await.unwrap_err(),
        AppError::from(app::kernel::conflict::Refusal::DeathBeforeBirth)
    );
    // Another commune's official is refused this commune's dossier.
    let other = login(&db, "phucat.hotich").await;
    assert_eq!(
        service::receive(&db, &other, &meta(), birth(ymd(2026, 11, 20)), wednesday(10)).await.unwrap_err(),
        AppError::Forbidden
    );
    let c = service::receive(&db, &official, &meta(), birth(ymd(2026, 11, 24)), wednesday(11)).await.unwrap();
    assert_eq!(c.code, "DEMO.H52.21583-261125-0003", "refused receipts used no number");
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'dossier.received'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(audited, 3);
}
