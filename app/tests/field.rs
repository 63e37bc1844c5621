//! Field submissions against a real Postgres: exactly once under the phone's key (also when the
//! connection was cut after the server received it), conflicts shown not merged, the collector's
//! task list.
#![cfg(feature = "ssr")]

mod common;

use app::{
    civil::{
        Status,
        domain::DossierKind,
        registry::LocalRegistry,
        settings,
        work::{self, Action},
    },
    demo,
    field::{
        dto::{Counts, Handover, Outcome, VisitRequest},
        service as field,
    },
    hospital::service::{self as hospital, BirthNotice},
    kernel::error::{AppError, FieldError},
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

/// A capture as the phone sends it: the family agreed.
fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut f: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    f.insert("consent".into(), "1".into());
    f
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

    // A visit that does not exist is refused, not a database error.
    assert_eq!(
        field::submit(
            &db,
            &reg,
            &collector,
            &meta(),
            Uuid::new_v4(),
            DossierKind::Death,
            &f,
            Some(Uuid::new_v4()),
            None,
            now
        )
        .await
        .unwrap_err(),
        AppError::NotFound
    );

    // A form with errors is answered with them, stored, and nothing is made.
    let bad = form(&[("deceased_id", "123"), ("death_date", "2026-12-30")]);
    let r = field::submit(&db, &reg, &collector, &meta(), Uuid::new_v4(), DossierKind::Death, &bad, None, None, now)
        .await
        .unwrap();
    assert_eq!(r.outcome, Outcome::Refused);
    assert_eq!(
        r.errors.as_ref().unwrap().get("deceased_id"),
        Some(FieldError::Because(app::kernel::error::Reason::IdFormat)),
        "the reason is named"
    );
    assert_eq!(r.dossier_code, None);
    // Without the family's consent nothing is filed (and it is recorded on the ones that are).
    let mut no_consent = f.clone();
    no_consent.insert("consent".into(), "0".into());
    let r =
        field::submit(&db, &reg, &collector, &meta(), Uuid::new_v4(), DossierKind::Death, &no_consent, None, None, now)
            .await
            .unwrap();
    assert_eq!((r.outcome, r.errors.unwrap().get("consent")), (Outcome::Refused, Some(FieldError::Required)));
    let consented: bool = sqlx::query_scalar("select consent from field_submission where idempotency_key = $1")
        .bind(key)
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(consented);
    let dossiers: i64 = sqlx::query_scalar("select count(*) from dossier").fetch_one(&db).await.unwrap();
    assert_eq!(dossiers, 1);
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
        AppError::from(app::kernel::conflict::CivilConflict::TaskTaken)
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
    let one = Counts { visits: 1, submitted: 1, registered: 0, delivered: 0 };
    assert_eq!((f.month, f.year), (one, one));
    // Officials do not use the collectors' list.
    let official = login(&db, "quynhon.hotich").await;
    assert_eq!(field::tasks(&db, &official).await.unwrap_err(), AppError::Forbidden);
}

/// A tiny JPEG header is enough for the type check; the store keeps whatever bytes came.
fn jpeg(tag: u8) -> bytes::Bytes {
    bytes::Bytes::from(vec![0xFF, 0xD8, 0xFF, 0xE0, tag, 1, 2, 3])
}

#[sqlx::test(migrations = "../migrations")]
async fn photos_a_collector_started_visit_and_a_handover_arrive_once(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let dir = std::env::temp_dir().join(format!("phucvu-files-{}", Uuid::new_v4()));
    let files = app::files::open(dir.to_str().unwrap()).unwrap();
    let collector = login(&db, "quynhon.ctv").await;
    let official = login(&db, "quynhon.hotich").await;
    let chairman = login(&db, "quynhon.chutich").await;
    let admin = login(&db, "quynhon.quantri").await;
    let now = at("2026-11-27", 9);
    let deceased: String = sqlx::query_scalar(
        "select personal_id from registry_person where commune_code = '21583' and died_on is null
           order by birth_date limit 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let f = form(&[
        ("deceased_id", &deceased),
        ("death_date", "2026-11-26"),
        ("death_place", "Tại nhà"),
        ("death_notice_no", "GBT-12"),
        ("requester_name", "Phạm Văn Tư"),
        ("requester_relation", "Con"),
    ]);
    let key = Uuid::new_v4();
    // Two photos of the papers first (the outbox's order); the second is resent after a cut.
    field::store_photo(&db, files.as_ref(), &collector, key, 0, "paper", jpeg(0)).await.unwrap();
    field::store_photo(&db, files.as_ref(), &collector, key, 1, "paper", jpeg(1)).await.unwrap();
    field::store_photo(&db, files.as_ref(), &collector, key, 1, "paper", jpeg(1)).await.unwrap();
    // Not an image; a photo under someone else's key; an official uploading: refused.
    assert!(matches!(
        field::store_photo(&db, files.as_ref(), &collector, key, 2, "paper", bytes::Bytes::from_static(b"<svg/>"))
            .await
            .unwrap_err(),
        AppError::Validation(_)
    ));
    assert_eq!(
        field::store_photo(&db, files.as_ref(), &official, key, 3, "paper", jpeg(3)).await.unwrap_err(),
        AppError::Forbidden
    );
    // No task: a visit she started herself.
    let r = field::submit(&db, &reg, &collector, &meta(), key, DossierKind::Death, &f, None, None, now).await.unwrap();
    assert_eq!((r.outcome, r.photos), (Outcome::Accepted, 2));
    let code = r.dossier_code.clone().unwrap();
    let again =
        field::submit(&db, &reg, &collector, &meta(), key, DossierKind::Death, &f, None, None, now).await.unwrap();
    assert_eq!(again, r, "a retry gets the same answer, photos included");
    let v = work::dossier_view(&db, &official, &code, now).await.unwrap();
    assert_eq!(v.photos.len(), 2, "the official sees both photos");
    let (ct, bytes) = field::photo(&db, files.as_ref(), &official, key, 1).await.unwrap();
    assert_eq!((ct.as_str(), bytes, v.photos[1].url()), ("image/jpeg", jpeg(1), format!("/api/field/photos/{key}/1")));
    // Another commune's official may not see them (answered as if the dossier did not exist).
    let other = login(&db, "phucat.hotich").await;
    assert_eq!(field::photo(&db, files.as_ref(), &other, key, 0).await.unwrap_err(), AppError::NotFound);
    let started: (String, String, Option<Uuid>) =
        sqlx::query_as("select source, status, assigned_to from home_visit_task where dossier_id = (select dossier_id from dossier where code = $1)")
            .bind(&code)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(started, ("collector".into(), "done".into(), Some(collector.user_id)));

    // Registered and signed; nobody hands it over for 8 days: flagged to the commune (7 days).
    work::act(&db, &reg, &official, &meta(), &code, Action::Review { confirm_distinct: false }, now).await.unwrap();
    work::act(&db, &reg, &official, &meta(), &code, Action::Register, now).await.unwrap();
    work::act(&db, &reg, &chairman, &meta(), &code, Action::Sign, now).await.unwrap();
    let later = now + chrono::Duration::days(8);
    let list = field::to_deliver(&db, &collector, later).await.unwrap();
    assert_eq!((list.len(), list[0].flagged), (1, true));
    let filter = work::Filter { tab: app::civil::Tab::ToDeliver, kind: None, channel: None, age: None, page: 0 };
    let q = work::work_queue(&db, &official, filter, later).await.unwrap();
    assert!(q.rows[0].undelivered);
    assert_eq!((q.undelivered, q.undelivered_days), (1, 7));
    // The commune gives more days: no longer flagged.
    settings::set_undelivered_days(&db, &admin, &meta(), 10).await.unwrap();
    assert!(!field::to_deliver(&db, &collector, later).await.unwrap()[0].flagged);
    assert_eq!(settings::set_undelivered_days(&db, &collector, &meta(), 10).await.unwrap_err(), AppError::Forbidden);
    assert!(matches!(
        settings::set_undelivered_days(&db, &admin, &meta(), 0).await.unwrap_err(),
        AppError::Validation(_)
    ));

    // The handover at the home, with a signature, recorded offline the day before it is sent.
    let hkey = Uuid::new_v4();
    field::store_photo(&db, files.as_ref(), &collector, hkey, 0, "handover", jpeg(9)).await.unwrap();
    let h = Handover {
        code: code.clone(),
        recipient: "Phạm Văn Tư".into(),
        relation: "Con".into(),
        place: "home".into(),
        place_note: String::new(),
        delivered_at: Some(later - chrono::Duration::days(1)),
    };
    let bad = Handover { recipient: " ".into(), place: "moon".into(), ..h.clone() };
    let e = field::deliver(&db, &reg, &collector, &meta(), hkey, &bad, later).await.unwrap_err();
    assert_eq!(e.field("recipient"), Some(FieldError::TooShort { min: 2 }));
    assert_eq!(e.field("place"), Some(FieldError::Required));
    let d = field::deliver(&db, &reg, &collector, &meta(), hkey, &h, later).await.unwrap();
    assert_eq!((d.outcome, d.photos), (Outcome::Accepted, 1));
    assert_eq!(
        field::deliver(&db, &reg, &collector, &meta(), hkey, &h, later).await.unwrap().outcome,
        Outcome::Accepted
    );
    // The same certificate recorded again from another phone entry: a conflict, nothing changes.
    let twice = field::deliver(&db, &reg, &collector, &meta(), Uuid::new_v4(), &h, later).await.unwrap();
    assert_eq!((twice.outcome, twice.reason.as_deref()), (Outcome::Conflict, Some("already_delivered")));
    let v = work::dossier_view(&db, &official, &code, later).await.unwrap();
    assert_eq!(v.status, Status::Delivered);
    assert_eq!(v.delivered_at, h.delivered_at, "the family's time, not the sync's");
    let rec = v.delivery.unwrap();
    assert_eq!((rec.recipient.as_str(), rec.place.as_str()), ("Phạm Văn Tư", "home"));
    assert_eq!(v.photos.len(), 3);
    assert!(v.steps.iter().any(|s| s.step == app::civil::Step::Delivered));
    assert!(field::to_deliver(&db, &collector, later).await.unwrap().is_empty());
    let records: i64 = sqlx::query_scalar("select count(*) from delivery_record").fetch_one(&db).await.unwrap();
    assert_eq!(records, 1);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'dossier.delivered'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    // A collector can hand over but still cannot read the dossier or act on it otherwise.
    assert_eq!(work::dossier_view(&db, &collector, &code, later).await.unwrap_err(), AppError::Forbidden);
    let fig = field::figures(&db, &collector, later).await.unwrap();
    // Captured in November, handed over on 4 December: December counts only the handover.
    assert_eq!((fig.month.visits, fig.month.submitted, fig.month.delivered), (0, 0, 1));
    assert_eq!((fig.year.visits, fig.year.submitted, fig.year.delivered), (1, 1, 1));
}

#[sqlx::test(migrations = "../migrations")]
async fn families_and_the_hotline_ask_for_visits(db: PgPool) {
    demo::load(&db).await.unwrap();
    let collector = login(&db, "quynhon.ctv").await;
    let now = at("2026-11-27", 9);
    let req = VisitRequest {
        commune_code: "21583".into(),
        kind: DossierKind::Birth,
        family_name: "Đặng Thị Hạnh".into(),
        phone: "0905 111 222".into(),
        address: "Tổ 4, khu vực 2".into(),
        event_date: NaiveDate::from_ymd_opt(2026, 11, 20),
        note: "Mẹ mới sinh, chưa đi lại được".into(),
        requester_name: "Đặng Văn Hoà".into(),
    };
    field::request_visit(&db, None, &meta(), &req, now).await.unwrap();
    let hotline = VisitRequest { kind: DossierKind::Death, event_date: None, ..req.clone() };
    let agent = login(&db, "tinh.tongdai").await;
    field::request_visit(&db, Some(&agent), &meta(), &hotline, now).await.unwrap();
    let by: Option<Uuid> = sqlx::query_scalar("select requested_by from home_visit_task where source = 'hotline'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(by, Some(agent.user_id));
    let list = field::tasks(&db, &collector).await.unwrap();
    let sources: Vec<(&str, Option<NaiveDate>)> = list.iter().map(|t| (t.source.as_str(), t.legal_deadline)).collect();
    assert_eq!(sources, vec![("family", NaiveDate::from_ymd_opt(2027, 1, 19)), ("hotline", None)]);
    assert_eq!(list[0].phone.as_deref(), Some("0905111222"));
    // Bad input: each error next to its field, nothing stored.
    let bad = VisitRequest {
        commune_code: "99999".into(),
        family_name: "A".into(),
        phone: "12".into(),
        address: "x".into(),
        ..req.clone()
    };
    let e = field::request_visit(&db, None, &meta(), &bad, now).await.unwrap_err();
    for k in ["commune_code", "family_name", "phone", "address"] {
        assert!(e.field(k).is_some(), "{k}");
    }
    assert_eq!(field::tasks(&db, &collector).await.unwrap().len(), 2);
}
