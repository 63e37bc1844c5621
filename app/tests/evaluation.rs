//! Ratings, indicators, rankings and feedback cases against a real Postgres, each test in a
//! fresh database.
#![cfg(feature = "ssr")]

mod common;

use common::{login, meta};

use app::{
    demo,
    evaluation::{
        LinkState, RankBy,
        domain::{CaseAction, CaseStatus, Period, RatingAnswers, UnitKind},
        service::{self as eval, CaseStep, RatingChannel},
    },
    identity::{AuthUser, Role},
    kernel::error::AppError,
    queue::service::{self, Operator, TicketAction},
};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

async fn quy_nhon(db: &PgPool) -> (Uuid, Uuid) {
    let office: Uuid = sqlx::query_scalar(
        "select office_id from office where name = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let counter = sqlx::query_scalar("select counter_id from counter where office_id = $1 and number = 1")
        .bind(office)
        .fetch_one(db)
        .await
        .unwrap();
    (office, counter)
}

/// 01:00 in Vietnam today: the whole story stays on one service day whenever the test runs.
fn t0() -> DateTime<Utc> {
    app::kernel::time::vn_today(Utc::now()).and_hms_opt(1, 0, 0).unwrap().and_utc() - Duration::hours(7)
}

/// A walk-in served at counter 1: issued at `at`, called `wait` minutes later, finished 5 after.
async fn served(db: &PgPool, officer: &AuthUser, at: DateTime<Utc>, wait: i64) -> Uuid {
    let (office, counter) = quy_nhon(db).await;
    let op = Operator::Staff(officer);
    service::walk_in(db, op, &meta(), office, "1.001193", None, at).await.unwrap();
    let t = service::call_next(db, op, &meta(), counter, at + Duration::minutes(wait)).await.unwrap().unwrap();
    service::act(
        db,
        op,
        &meta(),
        counter,
        t.ticket_id,
        TicketAction::Finish { dossier_code: None },
        at + Duration::minutes(wait + 5),
    )
    .await
    .unwrap();
    t.ticket_id
}

async fn token_of(db: &PgPool, ticket: Uuid) -> String {
    sqlx::query_scalar("select rating_token from service_evaluation where subject_kind = 'ticket' and subject_id = $1")
        .bind(ticket)
        .fetch_one(db)
        .await
        .unwrap()
}

fn answers(overall: &str, comment: &str, complaint: bool) -> RatingAnswers {
    RatingAnswers::parse(overall, ["5", "4", "4", "", ""], comment, complaint).unwrap()
}

fn this_month() -> Period {
    Period::containing(app::kernel::time::vn_today(t0()), "month")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_finished_ticket_is_rated_once_and_counts_in_the_office_scores(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let admin = login(&db, "quynhon.quantri").await;
    let ticket = served(&db, &officer, t0(), 10).await;
    let token = token_of(&db, ticket).await;
    assert!(token.len() >= 27, "160 random bits");
    let ctx = eval::rating_context(&db, &token, t0() + Duration::hours(1)).await.unwrap();
    assert_eq!(ctx.state, LinkState::Open);
    assert_eq!(ctx.label, "A-001");

    let receipt = eval::submit_rating(
        &db,
        &token,
        answers("5", "Rất nhanh", false),
        RatingChannel::Phone,
        &meta(),
        t0() + Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(receipt.case_code, None);
    // The same link again, even at once from two phones: refused, nothing changes.
    let again = eval::submit_rating(
        &db,
        &token,
        answers("1", "", false),
        RatingChannel::Phone,
        &meta(),
        t0() + Duration::hours(2),
    )
    .await;
    assert_eq!(again.unwrap_err(), AppError::from(app::kernel::conflict::EvaluationConflict::RatingUsed));
    assert_eq!(eval::rating_context(&db, &token, t0()).await.unwrap().state, LinkState::AlreadyRated);
    assert_eq!(eval::rating_context(&db, "not-a-token", t0()).await.unwrap_err(), AppError::NotFound);

    // Indicators: 3 unknown (walk-in), 4 = 1 (one-stop), 7 = 2 (waited 10 ≤ 15), 8 = 1 (guidance 4),
    // 9 = 2 (very satisfied) → 6 of 8 = 75 %.
    let list = eval::office_evaluations(&db, &admin, quy_nhon(&db).await.0, this_month()).await.unwrap();
    assert_eq!(list.rows.len(), 1);
    assert_eq!(list.rows[0].points, [None, None, None, Some(1), None, None, Some(2), Some(1), Some(2)]);
    assert_eq!(list.rows[0].score, Some(75.0));

    let r = eval::ranking(&db, None, UnitKind::Office, this_month(), RankBy::Score).await.unwrap();
    let row = r.rows.iter().find(|r| r.name.contains("Quy Nhơn")).expect("the office is ranked");
    assert_eq!((row.evaluations, row.ratings), (1, 1));
    assert_eq!(row.figures.satisfaction_rate, Some(100.0));
    assert_eq!(row.figures.average_rating, Some(5.0));
    assert_eq!(row.rank, 1);
    // The public may not rank officials.
    assert_eq!(
        eval::ranking(&db, None, UnitKind::Official, this_month(), RankBy::Score).await.unwrap_err(),
        AppError::Unauthorized
    );
    let people = eval::ranking(&db, Some(&admin), UnitKind::Official, this_month(), RankBy::Score).await.unwrap();
    assert_eq!(people.rows.len(), 1);
    assert_eq!(people.rows[0].name, "Huỳnh Ngọc Ánh");

    // The trigger's monthly sums equal a rebuild from scratch.
    let before: Vec<(i32, i32, f64)> =
        sqlx::query_as("select evaluations, ratings, score_sum from evaluation_month order by 1")
            .fetch_all(&db)
            .await
            .unwrap();
    sqlx::query("select evaluation_month_rebuild()").execute(&db).await.unwrap();
    let after: Vec<(i32, i32, f64)> =
        sqlx::query_as("select evaluations, ratings, score_sum from evaluation_month order by 1")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(before, after);
    let audited: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'evaluation.rated'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_submissions_of_one_link_record_one_rating(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let token = token_of(&db, served(&db, &officer, t0(), 3).await).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (db, token) = (db.clone(), token.clone());
            tokio::spawn(async move {
                let a = RatingAnswers::parse(&(i % 5 + 1).to_string(), [""; 5], "", false).unwrap();
                eval::submit_rating(&db, &token, a, RatingChannel::Phone, &meta(), t0() + Duration::hours(1)).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e, AppError::from(app::kernel::conflict::EvaluationConflict::RatingUsed)),
        }
    }
    assert_eq!(ok, 1);
    let ratings: i64 = sqlx::query_scalar("select sum(ratings) from evaluation_month").fetch_one(&db).await.unwrap();
    assert_eq!(ratings, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn links_expire_and_another_offices_tablet_cannot_use_them(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let other = login(&db, "tinh.motcua").await;
    let token = token_of(&db, served(&db, &officer, t0(), 3).await).await;
    let late = t0() + Duration::days(8);
    assert_eq!(eval::rating_context(&db, &token, late).await.unwrap().state, LinkState::Expired);
    assert_eq!(
        eval::submit_rating(&db, &token, answers("4", "", false), RatingChannel::Phone, &meta(), late)
            .await
            .unwrap_err(),
        AppError::from(app::kernel::conflict::EvaluationConflict::RatingExpired)
    );
    assert_eq!(
        eval::submit_rating(&db, &token, answers("4", "", false), RatingChannel::CounterKiosk(&other), &meta(), t0())
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
    // Nobody types in a rating of their own work…
    assert_eq!(
        eval::submit_rating(&db, &token, answers("5", "", false), RatingChannel::Staff(&officer), &meta(), t0())
            .await
            .unwrap_err(),
        AppError::from(app::kernel::conflict::EvaluationConflict::RatingOwnWork)
    );
    // …another official of the office may, for a citizen who answered on paper: marked as staff-entered.
    let head = login(&db, "quynhon.quantri").await;
    eval::submit_rating(&db, &token, answers("4", "", false), RatingChannel::Staff(&head), &meta(), t0())
        .await
        .unwrap();
    let (channel, entered): (String, Option<Uuid>) =
        sqlx::query_as("select rating_channel, entered_by from service_evaluation").fetch_one(&db).await.unwrap();
    assert_eq!((channel.as_str(), entered), ("staff", Some(head.user_id)));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_low_rating_opens_a_case_for_the_office_head_on_the_766_clock(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let head = login(&db, "quynhon.quantri").await;
    let token = token_of(&db, served(&db, &officer, t0(), 40).await).await;
    let now = t0() + Duration::hours(2);
    let r =
        eval::submit_rating(&db, &token, answers("2", "Phải chờ quá lâu", true), RatingChannel::Phone, &meta(), now)
            .await
            .unwrap();
    let code = r.case_code.expect("a case");
    assert!(code.starts_with("PA-"));

    // The rated official sees the rating but not the case: officials see only the hotline's.
    assert!(eval::cases(&db, &officer, true, now).await.unwrap().is_empty());
    let mine = eval::my_results(&db, &officer, this_month()).await.unwrap();
    assert_eq!(mine.ratings, 1);
    assert_eq!(mine.recent[0].overall as u8, 2);
    assert_eq!(mine.recent[0].comment, None, "a complaint's words are for its handler only");
    assert_eq!(mine.rank, Some((1, 1)));

    let list = eval::cases(&db, &head, true, now).await.unwrap();
    assert_eq!(list.len(), 1);
    let case = &list[0];
    assert_eq!(case.status, CaseStatus::Received);
    assert!(case.dues.refuse < case.dues.request_info && case.dues.request_info < case.dues.resolve);
    assert_eq!(case.late, None);
    // A complaint takes attitude (7) to 0 and counts against the 766 ratio.
    let r = eval::ranking(&db, Some(&head), UnitKind::Office, this_month(), RankBy::Ratio766).await.unwrap();
    let row = r.rows.iter().find(|r| r.name.contains("Quy Nhơn")).unwrap();
    assert_eq!(row.figures.ratio_766, Some(0.0));

    // The steps: resolving needs an answer; refusing is no longer possible once accepted.
    let id = case.case_id;
    assert_eq!(eval::case_detail(&db, &officer, id, now).await.unwrap_err(), AppError::Forbidden, "a case about them");
    eval::case_act(&db, &head, &meta(), id, CaseStep::new(CaseAction::Accept, ""), now).await.unwrap();
    assert_eq!(
        eval::case_act(&db, &head, &meta(), id, CaseStep::new(CaseAction::Refuse, "Không thuộc thẩm quyền"), now)
            .await
            .unwrap_err(),
        AppError::from(app::kernel::conflict::EvaluationConflict::CaseState)
    );
    assert!(matches!(
        eval::case_act(&db, &head, &meta(), id, CaseStep::new(CaseAction::Resolve, "  "), now).await.unwrap_err(),
        AppError::Validation(_)
    ));
    eval::case_act(
        &db,
        &head,
        &meta(),
        id,
        CaseStep::new(CaseAction::Resolve, "Đã bố trí thêm một quầy buổi sáng."),
        now,
    )
    .await
    .unwrap();
    eval::case_act(&db, &head, &meta(), id, CaseStep::new(CaseAction::Publish, ""), now).await.unwrap();
    let detail = eval::case_detail(&db, &head, id, now).await.unwrap();
    assert_eq!(detail.summary.status, CaseStatus::Published);
    assert_eq!(detail.answer.as_deref(), Some("Đã bố trí thêm một quầy buổi sáng."));
    assert!(detail.summary.dues.publish.is_some());
    assert_eq!(detail.events.len(), 4, "opened + three steps");
    assert!(detail.events.iter().filter_map(|e| e.on_time).all(|ok| ok));
    assert!(detail.actions.is_empty());
    // Another commune's administrator cannot see or act on it.
    let stranger = AuthUser {
        user_id: Uuid::new_v4(),
        role: Role::AgencyAdmin,
        display_name: "x".into(),
        agency_id: Some(Uuid::new_v4()),
        agency_name: None,
        province_code: Some("52".into()),
        commune_code: Some("21853".into()),
        jurisdiction: None,
    };
    assert_eq!(eval::case_detail(&db, &stranger, id, now).await.unwrap_err(), AppError::Forbidden);
    let acted: i64 = sqlx::query_scalar("select count(*) from audit_event where action = 'feedback_case.acted'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(acted, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_later_criteria_set_leaves_earlier_scores_alone(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let admin = login(&db, "quynhon.quantri").await;
    let office = quy_nhon(&db).await.0;
    let token = token_of(&db, served(&db, &officer, t0(), 10).await).await;
    eval::submit_rating(&db, &token, answers("5", "", false), RatingChannel::Phone, &meta(), t0()).await.unwrap();
    let rows = eval::office_evaluations(&db, &admin, office, this_month()).await.unwrap().rows;
    assert_eq!(rows[0].score, Some(75.0));

    // From tomorrow the overall rating weighs 3 and attitude 0.
    let tomorrow = app::kernel::time::vn_today(t0()) + Duration::days(1);
    sqlx::query(
        "insert into criteria_set (code, name, effective_from, weights, band_excellent, band_good, band_fair, band_average)
         values ('TEST-2', 'Bộ mới', $1, '{1,1,1,1,1,1,0,1,3}', 95, 85, 70, 50)",
    )
    .bind(tomorrow)
    .execute(&db)
    .await
    .unwrap();
    // A re-assessment recomputes with the transaction's own (earlier) set: 3 = 2 → (1+2+1+2+2)/10.
    let id = eval::office_evaluations(&db, &admin, office, this_month()).await.unwrap().rows[0].evaluation_id;
    eval::reassess(&db, &admin, &meta(), id, 3, 2, "Lần đầu liên hệ, hồ sơ đủ").await.unwrap();
    let rows = eval::office_evaluations(&db, &admin, office, this_month()).await.unwrap().rows;
    assert_eq!(rows[0].score, Some(80.0));
    assert_eq!(rows[0].criteria_code, "ND61-2018");
    assert_eq!(rows[0].sources[2].as_str(), "staff");

    // Ranking figures follow the stored score.
    let r = eval::ranking(&db, Some(&admin), UnitKind::Office, this_month(), RankBy::Score).await.unwrap();
    assert_eq!(r.rows.iter().find(|r| r.name.contains("Quy Nhơn")).unwrap().figures.score, Some(80.0));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_criteria_set_applies_to_transactions_received_from_its_date(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let today = app::kernel::time::vn_today(t0());
    // In force from today: attitude weighs 0, overall 3.
    sqlx::query(
        "insert into criteria_set (code, name, effective_from, weights, band_excellent, band_good, band_fair, band_average)
         values ('TEST-3', 'Bộ mới', $1, '{1,1,1,1,1,1,0,1,3}', 95, 85, 70, 50)",
    )
    .bind(today)
    .execute(&db)
    .await
    .unwrap();
    let token = token_of(&db, served(&db, &officer, t0(), 10).await).await;
    eval::submit_rating(&db, &token, answers("5", "", false), RatingChannel::Phone, &meta(), t0()).await.unwrap();
    let (code, score): (String, f32) = sqlx::query_as(
        "select s.code, e.score_percent from service_evaluation e join criteria_set s using (criteria_set_id)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(code, "TEST-3");
    // 4 = 1 (w 1), 7 (w 0), 8 = 1 (w 1), 9 = 2 (w 3): (1 + 1 + 6) / (2 + 2 + 6) = 80 %.
    assert_eq!(score, 80.0);
}

#[sqlx::test(migrations = "../migrations")]
async fn rating_requests_are_limited_per_client_and_minute(db: PgPool) {
    // Requests spread over one clock minute share its window.
    let minute = DateTime::from_timestamp(Utc::now().timestamp() / 60 * 60, 0).unwrap();
    for i in 0..30 {
        app::kernel::rate_limit::rate_limit(
            &db,
            "rate:198.51.100.7",
            30,
            minute + Duration::milliseconds(1_900 * i + 7),
        )
        .await
        .unwrap();
    }
    assert!(matches!(
        app::kernel::rate_limit::rate_limit(&db, "rate:198.51.100.7", 30, minute + Duration::seconds(59)).await,
        Err(AppError::Throttled(1))
    ));
    // Another client is not affected; the next minute starts afresh.
    app::kernel::rate_limit::rate_limit(&db, "rate:198.51.100.8", 30, minute + Duration::seconds(59)).await.unwrap();
    app::kernel::rate_limit::rate_limit(&db, "rate:198.51.100.7", 30, minute + Duration::seconds(60)).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn an_office_head_neither_handles_nor_reassesses_a_rating_of_their_own_work(db: PgPool) {
    demo::load(&db).await.unwrap();
    // The administrator served at the counter himself.
    let head = login(&db, "quynhon.quantri").await;
    let province = login(&db, "tinh.quantri").await;
    let token = token_of(&db, served(&db, &head, t0(), 3).await).await;
    let now = t0() + Duration::hours(1);
    eval::submit_rating(&db, &token, answers("1", "Thái độ không tốt", true), RatingChannel::Phone, &meta(), now)
        .await
        .unwrap();
    assert!(eval::cases(&db, &head, false, now).await.unwrap().is_empty());
    let case = eval::cases(&db, &province, false, now).await.unwrap().remove(0);
    assert_eq!(eval::case_detail(&db, &head, case.case_id, now).await.unwrap_err(), AppError::Forbidden);
    let assigned: Option<Uuid> =
        sqlx::query_scalar("select assigned_to from feedback_case").fetch_one(&db).await.unwrap();
    assert_ne!(assigned, Some(head.user_id));
    let id =
        eval::office_evaluations(&db, &head, quy_nhon(&db).await.0, this_month()).await.unwrap().rows[0].evaluation_id;
    assert_eq!(
        eval::reassess(&db, &head, &meta(), id, 7, 2, "Khiếu nại không đúng").await.unwrap_err(),
        AppError::from(app::kernel::conflict::EvaluationConflict::RatingOwnWork)
    );
    eval::case_act(&db, &province, &meta(), case.case_id, CaseStep::new(CaseAction::Accept, ""), now).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_booked_ticket_gets_its_rating_link_by_sms(db: PgPool) {
    use app::identity::PhoneVn;
    use app::queue::{BookingCode, service::NewBooking};
    demo::load(&db).await.unwrap();
    let hotline = login(&db, "tinh.tongdai").await;
    let officer = login(&db, "quynhon.motcua").await;
    let (office, counter) = quy_nhon(&db).await;
    let now = Utc::now();
    let a = service::availability(&db, office, "1.001193", app::kernel::time::vn_today(now), 14, now).await.unwrap();
    let slot = a.days.iter().flat_map(|d| d.slots.iter()).find(|s| s.bookable).expect("a free slot").starts_at;
    let booking = NewBooking {
        office_id: office,
        procedure_code: "1.001193".into(),
        starts_at: slot,
        citizen_name: "Nguyễn Văn An".into(),
        phone: PhoneVn::parse("0987000001").unwrap(),
        idempotency_key: Uuid::new_v4(),
    };
    let b = service::create_booking(&db, &hotline, &meta(), booking, now).await.unwrap();
    let op = Operator::Staff(&officer);
    service::check_in(&db, op, &meta(), office, &BookingCode::parse(&b.code).unwrap(), None, slot).await.unwrap();
    let t = service::call_next(&db, op, &meta(), counter, slot + Duration::minutes(5)).await.unwrap().unwrap();
    service::act(
        &db,
        op,
        &meta(),
        counter,
        t.ticket_id,
        TicketAction::Finish { dossier_code: None },
        slot + Duration::minutes(12),
    )
    .await
    .unwrap();
    let token = token_of(&db, t.ticket_id).await;
    let bodies: Vec<String> = sqlx::query_scalar("select body from notification where subject_ref like 'evaluation:%'")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].contains(&format!("/rate/{token}")), "{}", bodies[0]);
    assert!(bodies[0].is_ascii(), "SMS without diacritics");
    // First visit for this procedure: indicator 3 (contacts) gets 2 points; waited 5 minutes: 7 gets 2.
    let admin = login(&db, "quynhon.quantri").await;
    let day = app::kernel::time::vn_today(slot);
    let rows = eval::office_evaluations(&db, &admin, office, Period::containing(day, "month")).await.unwrap().rows;
    assert_eq!(rows[0].points[2], Some(2));
    assert_eq!(rows[0].points[6], Some(2));
    // Finishing again after a transfer does not open a second evaluation.
    let n: i64 = sqlx::query_scalar("select count(*) from service_evaluation").fetch_one(&db).await.unwrap();
    assert_eq!(n, 1);
}
