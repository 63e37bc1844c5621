//! Database tests: each test gets a fresh, migrated database (sqlx::test) on the cluster named
//! by DATABASE_URL. Run with `cargo test -p app --features ssr` (make test does).
#![cfg(feature = "ssr")]

use app::{
    demo,
    identity::{
        AuthUser, OtpCode, Password, PhoneVn, Role, Username,
        service::{self, NewSession},
    },
    kernel::{
        audit::{Entry, record},
        error::AppError,
        request::RequestMeta,
    },
    notify::service::{LocalNotifier, dispatch_due},
    reference::{self, CalendarEntry, calendar::DayKind},
    state::Settings,
};
use sqlx::PgPool;

fn meta() -> RequestMeta {
    RequestMeta { ip: Some("203.0.113.7".parse().unwrap()), user_agent: Some("test".into()), cookie_header: None }
}

async fn attempt(db: &PgPool, meta: &RequestMeta, username: &str, password: &str) -> Result<NewSession, AppError> {
    service::login_staff(
        db,
        &Settings::default(),
        meta,
        Username::parse(username).unwrap(),
        Password::parse(password).unwrap(),
    )
    .await
}

async fn login(db: &PgPool, username: &str) -> AuthUser {
    attempt(db, &meta(), username, demo::DEMO_PASSWORD).await.expect("demo login").user
}

async fn wrong_login(db: &PgPool, username: &str) -> AppError {
    attempt(db, &meta(), username, "wrong password").await.err().expect("a wrong password must fail")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_staff_login_opens_a_session_whose_token_is_stored_only_as_a_hash(db: PgPool) {
    demo::load(&db).await.unwrap();
    let s = attempt(&db, &meta(), "QuyNhon.HoTich", demo::DEMO_PASSWORD).await.unwrap();
    assert_eq!(s.user.role, Role::CivilStatusOfficial);
    assert_eq!(s.user.commune_code.as_deref(), Some("21583"));
    let stored: Vec<String> = sqlx::query_scalar("select session_hash from user_session").fetch_all(&db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], s.token);
    assert_eq!(stored[0], app::identity::authz::token_hash(&s.token));
}

#[sqlx::test(migrations = "../migrations")]
async fn passwords_are_stored_as_argon2id_hashes(db: PgPool) {
    demo::load(&db).await.unwrap();
    let hashes: Vec<String> =
        sqlx::query_scalar("select password_hash from app_user where role <> 'citizen'").fetch_all(&db).await.unwrap();
    assert_eq!(hashes.len(), 12, "one per demo staff account");
    for h in hashes {
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains(demo::DEMO_PASSWORD));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn ten_wrong_passwords_in_a_row_are_throttled_even_for_the_right_one_after(db: PgPool) {
    demo::load(&db).await.unwrap();
    let mut results = Vec::new();
    for _ in 0..10 {
        results.push(wrong_login(&db, "quynhon.hotich").await);
    }
    assert!(results[..5].iter().all(|e| *e == AppError::BadCredentials), "{results:?}");
    assert!(results[5..].iter().all(|e| matches!(e, AppError::Throttled(s) if *s > 0 && *s <= 900)), "{results:?}");
    let right = attempt(&db, &meta(), "quynhon.hotich", demo::DEMO_PASSWORD).await;
    assert!(matches!(right, Err(AppError::Throttled(_))));
    // Another account from elsewhere is not affected.
    let other = RequestMeta { ip: Some("198.51.100.9".parse().unwrap()), ..meta() };
    assert!(attempt(&db, &other, "phucat.hotich", demo::DEMO_PASSWORD).await.is_ok());
    let failures: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'login_failed'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(failures, 5, "refused attempts are not even checked");
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_usernames_get_the_same_answer_as_wrong_passwords(db: PgPool) {
    demo::load(&db).await.unwrap();
    assert_eq!(wrong_login(&db, "khong.ton.tai").await, AppError::BadCredentials);
    assert_eq!(wrong_login(&db, "quynhon.hotich").await, AppError::BadCredentials);
}

async fn delivered_code(db: &PgPool, phone: &str) -> String {
    dispatch_due(db, &LocalNotifier { db: db.clone() }, 10).await.unwrap();
    let body: String = sqlx::query_scalar(
        "select body from local_message where recipient = $1 order by local_message_id desc limit 1",
    )
    .bind(phone)
    .fetch_one(db)
    .await
    .unwrap();
    body.split_whitespace()
        .map(|w| w.trim_end_matches('.'))
        .find(|w| w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
        .expect("a code in the SMS")
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_citizen_logs_in_with_the_code_sent_through_the_outbox(db: PgPool) {
    let phone = PhoneVn::parse("0912 345 678").unwrap();
    service::request_code(&db, &meta(), &phone).await.unwrap();
    let pending: i64 =
        sqlx::query_scalar("select count(*) from notification where status = 'pending' and channel = 'sms'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(pending, 1, "the SMS waits in the outbox until the dispatcher runs");
    let code = delivered_code(&db, phone.as_str()).await;
    let sent: String = sqlx::query_scalar("select status from notification").fetch_one(&db).await.unwrap();
    assert_eq!(sent, "sent");
    let stored: String = sqlx::query_scalar("select code_hash from otp_challenge").fetch_one(&db).await.unwrap();
    assert!(!stored.contains(&code));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = service::verify_code(&db, &Settings::default(), &meta(), &phone, &OtpCode::parse(wrong).unwrap())
        .await
        .err()
        .unwrap();
    assert_eq!(e, AppError::Conflict(app::kernel::conflict::Conflict::BadCode));
    let s = service::verify_code(&db, &Settings::default(), &meta(), &phone, &OtpCode::parse(&code).unwrap())
        .await
        .unwrap();
    assert_eq!(s.user.role, Role::Citizen);
    // A code works once.
    let again = service::verify_code(&db, &Settings::default(), &meta(), &phone, &OtpCode::parse(&code).unwrap()).await;
    assert_eq!(again.err(), Some(AppError::Conflict(app::kernel::conflict::Conflict::BadCode)));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_code_is_dead_after_five_wrong_guesses(db: PgPool) {
    let phone = PhoneVn::parse("0912000111").unwrap();
    service::request_code(&db, &meta(), &phone).await.unwrap();
    let code = delivered_code(&db, phone.as_str()).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert!(
            service::verify_code(&db, &Settings::default(), &meta(), &phone, &OtpCode::parse(wrong).unwrap())
                .await
                .is_err()
        );
    }
    let right = service::verify_code(&db, &Settings::default(), &meta(), &phone, &OtpCode::parse(&code).unwrap()).await;
    assert_eq!(right.err(), Some(AppError::Conflict(app::kernel::conflict::Conflict::BadCode)));
}

#[sqlx::test(migrations = "../migrations")]
async fn code_requests_are_throttled_per_phone(db: PgPool) {
    let phone = PhoneVn::parse("0987654321").unwrap();
    for _ in 0..3 {
        service::request_code(&db, &meta(), &phone).await.unwrap();
    }
    assert!(matches!(service::request_code(&db, &meta(), &phone).await, Err(AppError::Throttled(_))));
    let sms: i64 = sqlx::query_scalar("select count(*) from notification").fetch_one(&db).await.unwrap();
    assert_eq!(sms, 3, "no SMS for a refused request");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_official_of_one_commune_is_refused_another_communes_records(db: PgPool) {
    demo::load(&db).await.unwrap();
    let official = login(&db, "quynhon.hotich").await;
    let own = reference::service::commune_overview(&db, &official, "21583").await.unwrap();
    assert!(own.staff.iter().any(|s| s.display_name == "Nguyễn Thị Lan"));
    assert!(!own.former_communes.is_empty());
    let other = reference::service::commune_overview(&db, &official, "21853").await;
    assert_eq!(other.err(), Some(AppError::Forbidden));
    // The province administrator sees both.
    let admin = login(&db, "tinh.quantri").await;
    assert!(reference::service::commune_overview(&db, &admin, "21853").await.is_ok());
    // A commune of another province is refused to the province administrator too.
    assert_eq!(reference::service::commune_overview(&db, &admin, "00004").await.err(), Some(AppError::Forbidden));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_audit_log_refuses_updates_and_deletes(db: PgPool) {
    let mut conn = db.acquire().await.unwrap();
    record(
        &mut conn,
        None,
        &meta(),
        Entry {
            action: "test",
            entity_type: "thing",
            entity_id: Some("1".into()),
            province_code: Some("52"),
            commune_code: None,
            details: serde_json::json!({}),
        },
    )
    .await
    .unwrap();
    assert!(sqlx::query("update audit_event set action = 'x'").execute(&db).await.is_err());
    assert!(sqlx::query("delete from audit_event").execute(&db).await.is_err());
    assert!(sqlx::query("truncate audit_event").execute(&db).await.is_err());
    let ip: String = sqlx::query_scalar("select host(ip) from audit_event").fetch_one(&db).await.unwrap();
    assert_eq!(ip, "203.0.113.7");
}

#[sqlx::test(migrations = "../migrations")]
async fn demo_data_loads_twice_without_duplicates(db: PgPool) {
    demo::load(&db).await.unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>(
            "select (select count(*) from app_user) + (select count(*) from agency) + (select count(*) from counter)",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    let first = count().await;
    demo::load(&db).await.unwrap();
    assert_eq!(count().await, first);
}

#[sqlx::test(migrations = "../migrations")]
async fn procedures_are_found_with_or_without_accents(db: PgPool) {
    for q in ["đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH", "khai sinh"] {
        let found = reference::service::search_procedures(&db, q).await.unwrap();
        assert!(found.iter().any(|p| p.code == "1.001193"), "{q}");
    }
    let all = reference::service::search_procedures(&db, "").await.unwrap();
    assert!(all.len() >= 8);
    let birth = all.iter().find(|p| p.code == "1.001193").unwrap();
    assert_eq!(birth.documents.len(), 3);
    assert!(reference::service::search_procedures(&db, "xyzxyz").await.unwrap().is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn reference_data_holds_gia_lai_and_the_2025_merges(db: PgPool) {
    let communes: i64 =
        sqlx::query_scalar("select count(*) from commune where province_code = '52'").fetch_one(&db).await.unwrap();
    assert_eq!(communes, 135);
    let provinces: i64 = sqlx::query_scalar("select count(*) from province").fetch_one(&db).await.unwrap();
    assert_eq!(provinces, 34);
    let merged: i64 =
        sqlx::query_scalar("select count(*) from commune_merge where new_code = '21583'").fetch_one(&db).await.unwrap();
    assert!(merged > 1, "Phường Quy Nhơn was formed from several former wards");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_province_administrator_edits_the_calendar_and_it_is_audited(db: PgPool) {
    demo::load(&db).await.unwrap();
    let admin = login(&db, "tinh.quantri").await;
    let commune_admin = login(&db, "quynhon.quantri").await;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let entry = CalendarEntry {
        day,
        kind: DayKind::Holiday,
        name: "Nghỉ thử".into(),
        name_en: "Test".into(),
        legal_basis: "QĐ thử".into(),
    };
    let before = reference::service::calendar_year(&db, &admin, 2026).await.unwrap();
    assert!(before.can_edit);
    assert_eq!(
        reference::service::add_calendar_day(&db, &commune_admin, &meta(), entry.clone()).await.err(),
        Some(AppError::Forbidden)
    );
    reference::service::add_calendar_day(&db, &admin, &meta(), entry.clone()).await.unwrap();
    assert_eq!(
        reference::service::add_calendar_day(&db, &admin, &meta(), entry).await.err(),
        Some(AppError::Conflict(app::kernel::conflict::Conflict::CalendarDuplicate))
    );
    let after = reference::service::calendar_year(&db, &admin, 2026).await.unwrap();
    assert_eq!(after.working_days, before.working_days - 1);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'calendar_day_added' and entity_id = '2026-12-31'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    reference::service::remove_calendar_day(&db, &admin, &meta(), day).await.unwrap();
    assert_eq!(reference::service::calendar_year(&db, &admin, 2026).await.unwrap().working_days, before.working_days);
}

#[sqlx::test(migrations = "../migrations")]
async fn due_dates_from_the_stored_calendar_skip_tet(db: PgPool) {
    let mut conn = db.acquire().await.unwrap();
    let cal = reference::service::load_calendar(&mut conn).await.unwrap();
    let received = chrono::NaiveDate::from_ymd_opt(2026, 2, 13).unwrap().and_hms_opt(9, 0, 0).unwrap();
    assert_eq!(cal.due_date(received, 3), chrono::NaiveDate::from_ymd_opt(2026, 2, 25).unwrap());
    // A make-up Saturday counts as a working day.
    assert!(cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()));
}
