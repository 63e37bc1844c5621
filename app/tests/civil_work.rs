//! The commune's work on dossiers against a real Postgres: counter intake with registry prefill
//! and refusals, review, supplement with the clock stopped, register book, the chairman's
//! signature, the registry updated, duplicates compared, jurisdiction, verification and tracking.
#![cfg(feature = "ssr")]

mod common;

use app::{
    civil::{
        Status, Step, Tab, Tracked,
        domain::{DossierKind, Refusal, Sex},
        registry::LocalRegistry,
        work::{self, Action, Filter},
    },
    demo,
    hospital::service::{self as hospital, BirthNotice},
    identity::AuthUser,
    kernel::error::{AppError, FieldError},
};
use chrono::{DateTime, NaiveDate, Utc};
use common::{login, meta};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// `day` at `hour` in Vietnam.
fn at(day: &str, hour: u32) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(hour, 0, 0).unwrap().and_utc()
        - chrono::Duration::hours(7)
}

fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn person(db: &PgPool, sql_where: &str) -> String {
    sqlx::query_scalar(&format!(
        "select personal_id from registry_person where commune_code = '21583' and died_on is null and {sql_where}
         order by personal_id limit 1"
    ))
    .fetch_one(db)
    .await
    .unwrap()
}

async fn act(db: &PgPool, user: &AuthUser, code: &str, a: Action, now: DateTime<Utc>) -> Result<Status, AppError> {
    let reg = LocalRegistry { db: db.clone() };
    work::act(db, &reg, user, &meta(), code, a, now).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_marriage_at_the_counter_is_prefilled_checked_registered_signed_and_verified(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let official = login(&db, "quynhon.hotich").await;
    let chairman = login(&db, "quynhon.chutich").await;
    let now = at("2026-11-27", 9);
    let wife = person(&db, "sex = 'female' and marital_status = 'single' and birth_date <= '2008-11-27'").await;
    let husband = person(&db, "sex = 'male' and marital_status = 'single' and birth_date <= '2006-11-27'").await;
    let young = person(&db, "sex = 'female' and marital_status = 'single' and birth_date > '2008-11-27'").await;
    let married = person(&db, "sex = 'male' and marital_status = 'married'").await;

    // Under age and already married: refused with the reason, next to the party's number.
    let bad = form(&[("wife_id", &young), ("husband_id", &married), ("marriage_date", "2026-11-27")]);
    let e = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &bad, now).await.unwrap_err();
    assert_eq!(e.field("wife_id"), Some(FieldError::Rule(Refusal::UnderAge(Sex::Female))));
    assert_eq!(e.field("husband_id"), Some(FieldError::Rule(Refusal::AlreadyMarried(Sex::Male))));
    // The wrong way round: each number refused for its place on the form.
    let swapped = form(&[("wife_id", &husband), ("husband_id", &wife), ("marriage_date", "2026-11-27")]);
    let e = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &swapped, now).await.unwrap_err();
    assert_eq!(e.field("wife_id"), Some(FieldError::Rule(Refusal::WrongSex)));
    assert_eq!(0i64, sqlx::query_scalar::<_, i64>("select count(*) from dossier").fetch_one(&db).await.unwrap());

    let ok = form(&[
        ("wife_id", &wife),
        ("husband_id", &husband),
        ("marriage_date", "2026-11-27"),
        ("phone", "0905 123 456"),
        // The woman says her registered ethnicity is wrong.
        ("flag_wife_ethnicity", "Ba Na"),
    ]);
    let r = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &ok, now).await.unwrap();
    assert_eq!(r.due_on, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), "registered the same working day");
    let v = work::dossier_view(&db, &official, &r.code, now).await.unwrap();
    assert_eq!(v.status, Status::Submitted);
    let wife_name: String = sqlx::query_scalar("select full_name from registry_person where personal_id = $1")
        .bind(&wife)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(v.data["wife_name"], wife_name, "prefilled from the registry, not typed");
    assert_eq!(v.flags.len(), 1);
    assert_eq!((v.flags[0].registry_value.as_str(), v.flags[0].claimed_value.as_str()), ("Kinh", "Ba Na"));
    let logged: i64 = sqlx::query_scalar("select count(*) from registry_lookup where dossier_ref = $1")
        .bind(&r.code)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(logged, 2, "both lookups tied to the dossier");

    // The chairman cannot review or register; the official cannot sign.
    assert_eq!(
        act(&db, &chairman, &r.code, Action::Review { confirm_distinct: false }, now).await.unwrap_err(),
        AppError::from(app::kernel::conflict::CivilConflict::DossierWrongState)
    );
    assert_eq!(act(&db, &official, &r.code, Action::Review { confirm_distinct: false }, now).await, Ok(Status::Ready));
    assert_eq!(act(&db, &official, &r.code, Action::Register, now).await, Ok(Status::AwaitingSignature));
    assert_eq!(
        act(&db, &official, &r.code, Action::Sign, now).await.unwrap_err(),
        AppError::from(app::kernel::conflict::CivilConflict::DossierWrongState)
    );
    assert_eq!(act(&db, &chairman, &r.code, Action::Sign, now).await, Ok(Status::Registered));
    let v = work::dossier_view(&db, &official, &r.code, now).await.unwrap();
    assert_eq!((v.register_no, v.register_year), (Some(1), Some(2026)));
    // The registry now has them married to each other: a second marriage is refused.
    let spouse: Option<String> = sqlx::query_scalar("select spouse_id from registry_person where personal_id = $1")
        .bind(&wife)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(spouse.as_deref(), Some(husband.as_str()));
    let again = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &ok, now).await.unwrap_err();
    assert_eq!(again.field("wife_id"), Some(FieldError::Rule(Refusal::AlreadyMarried(Sex::Female))));

    // The certificate's QR: minimal public data, every scan logged.
    let token = v.verify_token.clone().unwrap();
    let pv = work::verify(&db, &token, &meta()).await.unwrap();
    assert!(pv.valid);
    assert_eq!(pv.register_no, "1/2026");
    assert!(!pv.initials.contains(&wife_name), "no names on the public page");
    work::verify(&db, &token, &meta()).await.unwrap();
    let scans: i64 = sqlx::query_scalar("select count(*) from certificate_scan").fetch_one(&db).await.unwrap();
    assert_eq!(scans, 2);
    assert_eq!(work::verify(&db, "forged", &meta()).await.unwrap_err(), AppError::NotFound);

    // Tracking with the code and the phone; a wrong phone says nothing more than an unknown code.
    let Tracked::Dossier(t) = work::track(&db, &r.code.to_lowercase(), "+84905123456").await.unwrap() else {
        panic!("a dossier code finds the dossier")
    };
    assert_eq!(t.status, Status::Registered);
    assert_eq!(work::track(&db, &r.code, "0905000000").await.unwrap_err(), AppError::NotFound);

    assert_eq!(
        act(&db, &official, &r.code, Action::Deliver { recipient: " ".into(), at: None }, now)
            .await
            .unwrap_err()
            .field("recipient"),
        Some(FieldError::TooShort { min: 2 })
    );
    assert_eq!(
        act(&db, &official, &r.code, Action::Deliver { recipient: "Cả hai bên".into(), at: None }, now).await,
        Ok(Status::Delivered)
    );
    let steps: Vec<String> =
        sqlx::query_scalar("select step from dossier_step s join dossier d using (dossier_id) where d.code = $1 order by s.started_at, s.step")
            .bind(&r.code)
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(steps, ["delivered", "received", "reviewed", "sent_to_chairman", "signed"], "one log line a step");
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_event where entity_type = 'dossier'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(audited, 5, "each step audited");

    // The result returned: the dossier is scored for the commune's office and the family is
    // texted a rating link, after the receipt and the registration messages.
    let (points, overdue): (Vec<Option<i16>>, bool) =
        sqlx::query_as("select points, overdue from service_evaluation where subject_kind = 'dossier' and label = $1")
            .bind(&r.code)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(points[..4], [Some(1), Some(1), Some(2), Some(1)], "same day = on time, no supplement, one-stop only");
    assert!(!overdue);
    let texts: Vec<String> =
        sqlx::query_scalar("select body from notification where recipient = '0905123456' order by created_at, body")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(texts.iter().any(|t| t.contains(&format!("/track?code={}", r.code)) && t.contains("Hen tra")));
    assert!(texts.iter().any(|t| t.contains("/rate/")));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_death_closes_the_record_and_cannot_be_registered_twice(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let official = login(&db, "quynhon.hotich").await;
    let chairman = login(&db, "quynhon.chutich").await;
    let now = at("2026-11-27", 9);
    let deceased = person(&db, "sex = 'male' and marital_status = 'married'").await;
    let widow: String = sqlx::query_scalar("select spouse_id from registry_person where personal_id = $1")
        .bind(&deceased)
        .fetch_one(&db)
        .await
        .unwrap();
    let f = form(&[
        ("deceased_id", &deceased),
        ("death_date", "2026-11-25"),
        ("death_place", "Tại nhà, Tổ 3, phường Quy Nhơn"),
        ("death_notice_no", "GBT-2026-77"),
        ("requester_name", "Nguyễn Văn Bình"),
        ("requester_relation", "Con"),
        ("phone", "0905123456"),
        ("bundle", "1"),
    ]);
    let r = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Death, &f, now).await.unwrap();
    // A second dossier for the same death before it is registered: compared side by side.
    let r2 = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Death, &f, now).await.unwrap();
    let v2 = work::dossier_view(&db, &official, &r2.code, now).await.unwrap();
    assert_eq!(v2.duplicates.len(), 1);
    assert_eq!(v2.duplicates[0].code.as_deref(), Some(r.code.as_str()));

    // A bundle (death + residence + funeral allowance) is due in 9 working days: Thursday 10/12.
    // Supplement: Friday 27/11 asked, Tuesday 01/12 brought → 2 working days waited (Mon, Tue),
    // so the due day moves by two working days to Monday 14/12.
    let short = act(&db, &official, &r.code, Action::Supplement { reasons: "x".into() }, now).await.unwrap_err();
    assert_eq!(short.field("supplement_reasons"), Some(FieldError::TooShort { min: 5 }));
    assert_eq!(
        act(&db, &official, &r.code, Action::Supplement { reasons: "Bản chính Giấy báo tử".into() }, now).await,
        Ok(Status::NeedsSupplement)
    );
    let later = at("2026-12-01", 9);
    assert_eq!(act(&db, &official, &r.code, Action::Resume, later).await, Ok(Status::Submitted));
    let v = work::dossier_view(&db, &official, &r.code, later).await.unwrap();
    assert_eq!(v.due_on, NaiveDate::from_ymd_opt(2026, 12, 14).unwrap());
    assert!(v.notices[0].answered_at.is_some());

    // Review needs the duplicate compared first.
    assert_eq!(
        act(&db, &official, &r.code, Action::Review { confirm_distinct: false }, later).await.unwrap_err(),
        AppError::from(app::kernel::conflict::CivilConflict::DuplicateUnchecked)
    );
    act(&db, &official, &r.code, Action::Review { confirm_distinct: true }, later).await.unwrap();
    act(&db, &official, &r.code, Action::Register, later).await.unwrap();
    act(&db, &chairman, &r.code, Action::Sign, later).await.unwrap();
    let (died, widowed): (Option<NaiveDate>, String) = sqlx::query_as(
        "select (select died_on from registry_person where personal_id = $1),
                (select marital_status from registry_person where personal_id = $2)",
    )
    .bind(&deceased)
    .bind(&widow)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((died, widowed.as_str()), (NaiveDate::from_ymd_opt(2026, 11, 25), "widowed"));
    // The bundle's partner steps run on with their own limits: deregistration the same day, the
    // funeral allowance within 8 working days.
    let open: Vec<(String, NaiveDate)> = sqlx::query_as(
        "select step, s.due_on from dossier_step s join dossier d using (dossier_id)
         where d.code = $1 and s.done_at is null order by step",
    )
    .bind(&r.code)
    .fetch_all(&db)
    .await
    .unwrap();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        open,
        [("funeral_allowance".into(), day("2026-12-11")), ("residence_deregistration".into(), day("2026-12-01"))]
    );
    assert_eq!(
        work::partner_done(&db, &chairman, &meta(), &r.code, Step::FuneralAllowance, later).await.unwrap_err(),
        AppError::Forbidden
    );
    work::partner_done(&db, &official, &meta(), &r.code, Step::ResidenceDeregistration, at("2026-12-02", 9))
        .await
        .unwrap();
    let result: String = sqlx::query_scalar(
        "select result from dossier_step s join dossier d using (dossier_id) where d.code = $1 and step = 'residence_deregistration'",
    )
    .bind(&r.code)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(result, "late");
    assert_eq!(
        work::partner_done(&db, &official, &meta(), &r.code, Step::ResidenceDeregistration, later).await.unwrap_err(),
        AppError::from(app::kernel::conflict::CivilConflict::DossierWrongState),
        "closed once"
    );
    // The other dossier can no longer pass review; a new one is refused at intake.
    let e = act(&db, &official, &r2.code, Action::Review { confirm_distinct: true }, later).await.unwrap_err();
    assert_eq!(e.field("deceased_id"), Some(FieldError::Rule(Refusal::AlreadyDead)));
    let e = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Death, &f, later).await.unwrap_err();
    assert_eq!(e.field("deceased_id"), Some(FieldError::Rule(Refusal::AlreadyDead)));
    assert_eq!(
        act(&db, &official, &r2.code, Action::Refuse { reasons: "Đã đăng ký khai tử".into() }, later).await,
        Ok(Status::Refused)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_hospital_birth_is_completed_compared_registered_and_gets_a_number(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let admin = login(&db, "tinh.quantri").await;
    let official = login(&db, "quynhon.hotich").await;
    let chairman = login(&db, "quynhon.chutich").await;
    let facility_user = login(&db, "bv.quynhon").await;
    let hospital_id = facility_user.agency_id.unwrap();
    let key = hospital::create_key(&db, &admin, &meta(), hospital_id, "HIS").await.unwrap();
    let facility = hospital::facility_by_key(&db, &key).await.unwrap().unwrap();
    let mother = person(&db, "sex = 'female' and marital_status = 'married' and birth_date > '1985-01-01'").await;
    let now = at("2026-11-27", 9);
    let notice = |code: &str| BirthNotice {
        certificate_code: code.into(),
        mother_id: mother.clone(),
        child_sex: "female".into(),
        born_at: at("2026-11-25", 6),
        place_of_birth: "Bệnh viện Đa khoa tỉnh Gia Lai".into(),
        weight_grams: 3100,
        child_name: None,
    };
    let (a, _) = hospital::notify_birth(&db, &reg, &facility, &meta(), notice("GCS-1"), now).await.unwrap();
    let (b, _) = hospital::notify_birth(&db, &reg, &facility, &meta(), notice("GCS-2"), now).await.unwrap();

    // The queue lists both as notified, the second flagged.
    let q = work::work_queue(
        &db,
        &official,
        Filter { tab: Tab::Notified, kind: None, channel: None, age: None, page: 0 },
        now,
    )
    .await
    .unwrap();
    assert_eq!(q.rows.len(), 2);
    assert!(q.rows.iter().any(|r| r.duplicate));
    assert_eq!(q.counts.iter().find(|(t, _)| *t == Tab::Notified).unwrap().1, 2);
    // Another commune's official sees neither, and cannot open them.
    let other = login(&db, "phucat.hotich").await;
    let q = work::work_queue(
        &db,
        &other,
        Filter { tab: Tab::Notified, kind: None, channel: None, age: None, page: 0 },
        now,
    )
    .await
    .unwrap();
    assert!(q.rows.is_empty());
    // Answered as if it did not exist (codes are sequential), and audited.
    assert_eq!(work::dossier_view(&db, &other, &a.dossier_code, now).await.unwrap_err(), AppError::NotFound);
    assert_eq!(
        act(&db, &other, &a.dossier_code, Action::Review { confirm_distinct: true }, now).await.unwrap_err(),
        AppError::NotFound
    );
    let refused: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'access_refused' and entity_id = $1 and actor_user_id = $2",
    )
    .bind(&a.dossier_code)
    .bind(other.user_id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(refused, 2, "the view and the action");

    // Review refuses a birth without the child's name; completing it makes version 2.
    assert_eq!(
        act(&db, &official, &a.dossier_code, Action::Review { confirm_distinct: true }, now).await.unwrap_err(),
        AppError::from(app::kernel::conflict::CivilConflict::ChildNameMissing)
    );
    let v1 = work::dossier_view(&db, &official, &a.dossier_code, now).await.unwrap();
    let mut f: BTreeMap<String, String> = app::civil::form::fields(DossierKind::Birth)
        .iter()
        .filter_map(|s| Some((s.key.to_string(), v1.data.get(s.key)?.clone())))
        .collect();
    f.insert("child_name".into(), "Lê Thị Bảo Ngọc".into());
    f.insert("requester_name".into(), "Lê Văn Hùng".into());
    f.insert("requester_relation".into(), "Cha".into());
    let e = work::save_form(&db, &reg, &official, &meta(), &a.dossier_code, &f, "", now).await.unwrap_err();
    assert_eq!(e.field("reason"), Some(FieldError::TooShort { min: 3 }));
    assert_eq!(
        work::save_form(&db, &reg, &official, &meta(), &a.dossier_code, &f, "Bổ sung tên trẻ", now).await,
        Ok(2)
    );
    let v2 = work::dossier_view(&db, &official, &a.dossier_code, now).await.unwrap();
    assert_eq!(v2.data["certificate_code"], "GCS-1", "the certificate's data stays with the new version");
    assert_eq!(v2.data["mother_name"], v1.data["mother_name"]);
    assert_eq!(v2.duplicates.len(), 1, "the twin's dossier is shown side by side");
    assert_eq!(
        act(&db, &official, &a.dossier_code, Action::Review { confirm_distinct: false }, now).await.unwrap_err(),
        AppError::from(app::kernel::conflict::CivilConflict::DuplicateUnchecked)
    );
    act(&db, &official, &a.dossier_code, Action::Review { confirm_distinct: true }, now).await.unwrap();
    act(&db, &official, &a.dossier_code, Action::Register, now).await.unwrap();
    act(&db, &chairman, &a.dossier_code, Action::Sign, now).await.unwrap();
    let child: (String, String) = sqlx::query_as(
        "select personal_id, full_name from registry_person where mother_id = $1 and birth_date = '2026-11-25'",
    )
    .bind(&mother)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(child.1, "Lê Thị Bảo Ngọc");
    let id = app::civil::domain::PersonalId::parse(&child.0, 2026).unwrap();
    assert_eq!((id.birth_year(), id.sex()), (2026, Sex::Female), "a valid number for the child");
    // The other certificate's dossier now also shows the child already in the registry.
    let vb = work::dossier_view(&db, &official, &b.dossier_code, now).await.unwrap();
    assert!(vb.duplicates.iter().any(|d| d.code.is_none() && d.data["personal_id"] == child.0));
    // The facility sees the state of what it sent.
    let sent = hospital::sent_births(&db, &facility_user).await.unwrap();
    assert_eq!(sent.iter().find(|s| s.certificate_code == "GCS-1").unwrap().status, Status::Registered);
    assert_eq!(hospital::sent_births(&db, &official).await.unwrap_err(), AppError::Forbidden);
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_steps_and_a_second_marriage_cannot_slip_through(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let official = login(&db, "quynhon.hotich").await;
    let chairman = login(&db, "quynhon.chutich").await;
    let now = at("2026-11-27", 9);
    let wife = person(&db, "sex = 'female' and marital_status = 'single' and birth_date <= '2008-11-27'").await;
    let h1 = person(&db, "sex = 'male' and marital_status = 'single' and birth_date <= '2006-11-27'").await;
    let h2: String = sqlx::query_scalar(
        "select personal_id from registry_person where commune_code = '21583' and died_on is null and sex = 'male'
           and marital_status = 'single' and birth_date <= '2006-11-27' and personal_id <> $1 order by personal_id limit 1",
    )
    .bind(&h1)
    .fetch_one(&db)
    .await
    .unwrap();
    let marry = |h: &str| form(&[("wife_id", &wife), ("husband_id", h), ("marriage_date", "2026-11-27")]);
    // Refused intake: the lookups stay in the log although nothing else was written.
    let young = person(&db, "sex = 'female' and marital_status = 'single' and birth_date > '2008-11-27'").await;
    let bad = form(&[("wife_id", &young), ("husband_id", &h1), ("marriage_date", "2026-11-27")]);
    work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &bad, now).await.unwrap_err();
    let logged: i64 = sqlx::query_scalar("select count(*) from registry_lookup where personal_id = $1")
        .bind(&young)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(logged, 1, "a refused look-up is still logged");

    let a = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &marry(&h1), now).await.unwrap();
    let b = work::receive_form(&db, &reg, &official, &meta(), DossierKind::Marriage, &marry(&h2), now).await.unwrap();
    for code in [&a.code, &b.code] {
        act(&db, &official, code, Action::Review { confirm_distinct: false }, now).await.unwrap();
    }
    // Two taps on Register at once: one book number, the other refused.
    let (x, y) = tokio::join!(
        act(&db, &official, &a.code, Action::Register, now),
        act(&db, &official, &a.code, Action::Register, now)
    );
    assert_eq!([x.is_ok(), y.is_ok()].iter().filter(|o| **o).count(), 1, "{x:?} {y:?}");
    assert_eq!(x.err().or(y.err()), Some(AppError::from(app::kernel::conflict::CivilConflict::DossierWrongState)));
    act(&db, &official, &b.code, Action::Register, now).await.unwrap();
    let numbers: Vec<i32> =
        sqlx::query_scalar("select register_no from dossier where register_no is not null order by 1")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(numbers, [1, 2], "no number lost");
    // Both passed review; the first signature marries her, the second is refused.
    act(&db, &chairman, &a.code, Action::Sign, now).await.unwrap();
    assert_eq!(
        act(&db, &chairman, &b.code, Action::Sign, now).await.unwrap_err(),
        AppError::from(app::kernel::conflict::Refusal::AlreadyMarried(app::kernel::person::Sex::Female))
    );
    // Province-wide roles do not read people's dossiers.
    let admin = login(&db, "tinh.quantri").await;
    assert_eq!(work::dossier_view(&db, &admin, &a.code, now).await.unwrap_err(), AppError::Forbidden);
}

#[sqlx::test(migrations = "../migrations")]
async fn review_wants_a_complete_form_and_a_correction_sends_a_ready_dossier_back(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let admin = login(&db, "tinh.quantri").await;
    let official = login(&db, "quynhon.hotich").await;
    let facility_user = login(&db, "bv.quynhon").await;
    let key = hospital::create_key(&db, &admin, &meta(), facility_user.agency_id.unwrap(), "HIS").await.unwrap();
    let facility = hospital::facility_by_key(&db, &key).await.unwrap().unwrap();
    let mother = person(&db, "sex = 'female' and marital_status = 'married' and birth_date > '1985-01-01'").await;
    let now = at("2026-11-27", 9);
    let notice = BirthNotice {
        certificate_code: "GCS-9".into(),
        mother_id: mother.clone(),
        child_sex: "male".into(),
        born_at: at("2026-11-26", 6),
        place_of_birth: "Bệnh viện".into(),
        weight_grams: 3000,
        child_name: Some("Trần Minh Khôi".into()),
    };
    let (b, _) = hospital::notify_birth(&db, &reg, &facility, &meta(), notice, now).await.unwrap();
    // Named by the hospital, but nobody has asked for the registration yet.
    let e = act(&db, &official, &b.dossier_code, Action::Review { confirm_distinct: false }, now).await.unwrap_err();
    assert_eq!(e.field("requester_name"), Some(FieldError::Required));
    let v = work::dossier_view(&db, &official, &b.dossier_code, now).await.unwrap();
    let mut f: BTreeMap<String, String> = v.data.clone();
    f.insert("requester_name".into(), "Trần Văn Long".into());
    f.insert("requester_relation".into(), "Cha".into());
    work::save_form(&db, &reg, &official, &meta(), &b.dossier_code, &f, "Người yêu cầu", now).await.unwrap();
    assert_eq!(
        act(&db, &official, &b.dossier_code, Action::Review { confirm_distinct: false }, now).await,
        Ok(Status::Ready)
    );
    f.insert("child_name".into(), "Trần Minh Khang".into());
    work::save_form(&db, &reg, &official, &meta(), &b.dossier_code, &f, "Sửa tên theo cha mẹ", now).await.unwrap();
    let v = work::dossier_view(&db, &official, &b.dossier_code, now).await.unwrap();
    assert_eq!((v.status, v.version), (Status::Submitted, 3), "changed content is reviewed again");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_registry_preview_is_only_for_the_communes_residents_and_is_logged(db: PgPool) {
    demo::load(&db).await.unwrap();
    let reg = LocalRegistry { db: db.clone() };
    let official = login(&db, "quynhon.hotich").await;
    let now = Utc::now();
    let resident = person(&db, "true").await;
    let stranger: String = sqlx::query_scalar(
        "select personal_id from registry_person where commune_code <> '21583' and died_on is null
         order by personal_id limit 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(work::preview_person(&db, &reg, &official, &resident, now).await.is_ok());
    let refused = work::preview_person(&db, &reg, &official, &stranger, now).await.unwrap_err();
    assert_eq!(refused.field("person"), Some(FieldError::Because(app::kernel::error::Reason::OutsideCommune)));
    let logged: i64 =
        sqlx::query_scalar("select count(*) from registry_lookup where actor_id = $1 and personal_id = $2")
            .bind(official.user_id)
            .bind(&stranger)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(logged, 1, "the refused lookup is in the lookup log");
}
