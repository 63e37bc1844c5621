//! Booking and queue against a real Postgres: capacity and idempotency under concurrency,
//! check-in rules, and two counters calling at once. Each test gets a fresh database.
#![cfg(feature = "ssr")]

mod common;

use common::{login, meta};

use app::{
    demo,
    identity::PhoneVn,
    kernel::error::AppError,
    queue::{
        BookingCode, CheckInTiming, TicketStatus,
        service::{self, NewBooking, Operator, TicketAction},
    },
};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

/// The Quy Nhơn ward's one-stop office (counters 1 and 3 serve civil status).
async fn quy_nhon(db: &PgPool) -> Uuid {
    sqlx::query_scalar("select office_id from office where name = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn'")
        .fetch_one(db)
        .await
        .unwrap()
}

async fn counter(db: &PgPool, office: Uuid, number: i16) -> Uuid {
    sqlx::query_scalar("select counter_id from counter where office_id = $1 and number = $2")
        .bind(office)
        .bind(number)
        .fetch_one(db)
        .await
        .unwrap()
}

/// The first two bookable slots of a day for birth registration.
async fn slots(db: &PgPool, office: Uuid) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    let a = service::availability(db, office, "1.001193", app::kernel::time::vn_today(now), 14, now).await.unwrap();
    let day = a.days.iter().find(|d| d.slots.iter().filter(|s| s.bookable).count() >= 2).expect("a bookable day");
    let mut s = day.slots.iter().filter(|s| s.bookable);
    (s.next().unwrap().starts_at, s.next().unwrap().starts_at)
}

fn booking(office: Uuid, starts_at: DateTime<Utc>, phone: &str, key: Uuid) -> NewBooking {
    NewBooking {
        office_id: office,
        procedure_code: "1.001193".into(),
        starts_at,
        citizen_name: "Nguyễn Văn An".into(),
        phone: PhoneVn::parse(phone).unwrap(),
        idempotency_key: key,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn two_hundred_concurrent_bookings_for_the_last_three_places_book_exactly_three(db: PgPool) {
    demo::load(&db).await.unwrap();
    let hotline = Arc::new(login(&db, "tinh.tongdai").await);
    let office = quy_nhon(&db).await;
    let (slot, _) = slots(&db, office).await;
    // Capacity 10 with 7 taken: 3 places left.
    sqlx::query(
        "update office_procedure set capacity_per_slot = 10 where office_id = $1 and procedure_code = '1.001193'",
    )
    .bind(office)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into booking_slot (office_id, procedure_code, starts_at, booked) values ($1, '1.001193', $2, 7)",
    )
    .bind(office)
    .bind(slot)
    .execute(&db)
    .await
    .unwrap();
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let (db, hotline) = (db.clone(), hotline.clone());
            tokio::spawn(async move {
                let b = booking(office, slot, &format!("0905{i:06}"), Uuid::new_v4());
                service::create_booking(&db, &hotline, &meta(), b, Utc::now()).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e, AppError::from(app::kernel::conflict::QueueConflict::SlotFull)),
        }
    }
    assert_eq!(ok, 3);
    let booked: i32 = sqlx::query_scalar("select booked from booking_slot where office_id = $1 and starts_at = $2")
        .bind(office)
        .bind(slot)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(booked, 10);
    let rows: i64 = sqlx::query_scalar("select count(*) from booking").fetch_one(&db).await.unwrap();
    assert_eq!(rows, 3, "nothing half-written by the refused requests");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repeated_booking_request_with_the_same_key_creates_one_booking(db: PgPool) {
    demo::load(&db).await.unwrap();
    let hotline = Arc::new(login(&db, "tinh.tongdai").await);
    let office = quy_nhon(&db).await;
    let (slot, _) = slots(&db, office).await;
    let key = Uuid::new_v4();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (db, hotline) = (db.clone(), hotline.clone());
            tokio::spawn(async move {
                service::create_booking(&db, &hotline, &meta(), booking(office, slot, "0905123456", key), Utc::now())
                    .await
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap().expect("a retry gets the booking").code);
    }
    codes.dedup();
    assert_eq!(codes.len(), 1);
    let rows: i64 = sqlx::query_scalar("select count(*) from booking").fetch_one(&db).await.unwrap();
    assert_eq!(rows, 1);
    let booked: i32 = sqlx::query_scalar("select booked from booking_slot").fetch_one(&db).await.unwrap();
    assert_eq!(booked, 1, "retries take no extra place");
}

#[sqlx::test(migrations = "../migrations")]
async fn one_phone_holds_one_booking_per_procedure_and_day_and_cancelling_frees_the_place(db: PgPool) {
    demo::load(&db).await.unwrap();
    let hotline = login(&db, "tinh.tongdai").await;
    let office = quy_nhon(&db).await;
    let (a, b) = slots(&db, office).await;
    let first =
        service::create_booking(&db, &hotline, &meta(), booking(office, a, "0912345678", Uuid::new_v4()), Utc::now())
            .await
            .unwrap();
    let second =
        service::create_booking(&db, &hotline, &meta(), booking(office, b, "0912345678", Uuid::new_v4()), Utc::now())
            .await;
    assert_eq!(second.unwrap_err(), AppError::from(app::kernel::conflict::QueueConflict::BookingDuplicateDay));
    let taken: Vec<i32> =
        sqlx::query_scalar("select booked from booking_slot order by starts_at").fetch_all(&db).await.unwrap();
    assert_eq!(taken.iter().sum::<i32>(), 1, "the refused booking's place was given back");

    // The reminder waits for 09:00 the day before (when that is still ahead), tied to the booking.
    let reminders: Vec<(String, DateTime<Utc>)> =
        sqlx::query_as("select status, next_attempt_at from notification where subject_ref like 'booking:%'")
            .fetch_all(&db)
            .await
            .unwrap();
    let reminder_at = a.with_timezone(&app::kernel::time::vn_offset()).date_naive() - Duration::days(1);
    if reminders.is_empty() {
        assert!(
            reminder_at.and_hms_opt(2, 0, 0).unwrap().and_utc() <= Utc::now(),
            "a reminder is queued when due later"
        );
    } else {
        assert_eq!(reminders[0].1, reminder_at.and_hms_opt(2, 0, 0).unwrap().and_utc());
    }

    // Rescheduling keeps the code; cancelling frees the place and withdraws the reminder.
    let moved = service::reschedule_booking(&db, &hotline, &meta(), &first.code, b, Utc::now()).await.unwrap();
    assert_eq!((moved.code.as_str(), moved.starts_at), (first.code.as_str(), b));
    service::cancel_booking(&db, &hotline, &meta(), &first.code).await.unwrap();
    let taken: i64 = sqlx::query_scalar("select sum(booked) from booking_slot").fetch_one(&db).await.unwrap();
    assert_eq!(taken, 0);
    let pending: i64 = sqlx::query_scalar(
        "select count(*) from notification where subject_ref like 'booking:%' and status = 'pending'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(pending, 0);
    assert_eq!(
        service::cancel_booking(&db, &hotline, &meta(), &first.code).await.unwrap_err(),
        AppError::from(app::kernel::conflict::QueueConflict::BookingNotActive)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn check_in_keeps_the_slot_inside_the_window_and_refuses_wrong_codes(db: PgPool) {
    demo::load(&db).await.unwrap();
    let hotline = login(&db, "tinh.tongdai").await;
    let officer = login(&db, "quynhon.motcua").await;
    let office = quy_nhon(&db).await;
    let (a, b) = slots(&db, office).await;
    let on_time =
        service::create_booking(&db, &hotline, &meta(), booking(office, a, "0987000001", Uuid::new_v4()), Utc::now())
            .await
            .unwrap();
    let early =
        service::create_booking(&db, &hotline, &meta(), booking(office, b, "0987000002", Uuid::new_v4()), Utc::now())
            .await
            .unwrap();
    let op = Operator::Staff(&officer);
    let code = |c: &str| BookingCode::parse(c).unwrap();

    // Wrong office: the province centre's kiosk.
    let centre: Uuid = sqlx::query_scalar(
        "select office_id from office where name = 'Trung tâm Phục vụ hành chính công tỉnh Gia Lai'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let admin = login(&db, "tinh.quantri").await;
    let wrong = service::check_in(&db, Operator::Staff(&admin), &meta(), centre, &code(&on_time.code), None, a).await;
    assert_eq!(wrong.unwrap_err(), AppError::from(app::kernel::conflict::QueueConflict::CheckinWrongOffice));
    // Another office's officer may not use this kiosk at all.
    let other = service::check_in(&db, op, &meta(), centre, &code(&on_time.code), None, a).await;
    assert_eq!(other.unwrap_err(), AppError::Forbidden);
    // A different day.
    let other_day =
        service::check_in(&db, op, &meta(), office, &code(&on_time.code), None, a - Duration::days(1)).await;
    assert_eq!(other_day.unwrap_err(), AppError::from(app::kernel::conflict::QueueConflict::CheckinOtherDay));
    // Unknown code.
    let unknown = service::check_in(&db, op, &meta(), office, &code("23456789"), None, a).await;
    assert_eq!(unknown.unwrap_err(), AppError::from(app::kernel::conflict::QueueConflict::BookingUnknown));

    // Ten minutes before the slot: on time, the ticket keeps the slot.
    let t = service::check_in(&db, op, &meta(), office, &code(&on_time.code), None, a - Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(t.as_walk_in, None);
    assert!(t.ticket.label.starts_with("A-"), "{}", t.ticket.label);
    assert_eq!(t.ticket.status, TicketStatus::Waiting);
    let again = service::check_in(&db, op, &meta(), office, &code(&on_time.code), None, a).await;
    assert_eq!(again.unwrap_err(), AppError::from(app::kernel::conflict::QueueConflict::BookingUsed));

    // Ninety minutes early (same day): served as a walk-in.
    let w = service::check_in(&db, op, &meta(), office, &code(&early.code), None, b - Duration::minutes(90)).await;
    if b - Duration::minutes(90) >= a - Duration::hours(24)
        && app::kernel::time::vn_today(b - Duration::minutes(90)) == app::kernel::time::vn_today(b)
    {
        let w = w.unwrap();
        assert_eq!(w.as_walk_in, Some(CheckInTiming::TooEarly));
        let slot: Option<DateTime<Utc>> =
            sqlx::query_scalar("select slot_starts_at from ticket where public_token = $1")
                .bind(&w.ticket.token)
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(slot, None);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn two_counters_calling_concurrently_never_call_the_same_ticket(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = Arc::new(login(&db, "quynhon.motcua").await);
    let office = quy_nhon(&db).await;
    let (c1, c3) = (counter(&db, office, 1).await, counter(&db, office, 3).await);
    let now = Utc::now();
    for i in 0..200 {
        let priority = (i % 7 == 0).then_some(app::queue::Priority::Elderly);
        service::walk_in(&db, Operator::Staff(&officer), &meta(), office, "1.001193", priority, now).await.unwrap();
    }
    // 100 concurrent callers per counter; a caller that gets a ticket finishes it.
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let (db, officer) = (db.clone(), officer.clone());
            let counter_id = if i % 2 == 0 { c1 } else { c3 };
            tokio::spawn(async move {
                let mut served = 0;
                loop {
                    match service::call_next(&db, Operator::Staff(&officer), &meta(), counter_id, Utc::now()).await {
                        Ok(Some(t)) => {
                            let finish = TicketAction::Finish { dossier_code: None };
                            service::act(
                                &db,
                                Operator::Staff(&officer),
                                &meta(),
                                counter_id,
                                t.ticket_id,
                                finish,
                                Utc::now(),
                            )
                            .await
                            .unwrap();
                            served += 1;
                        }
                        Ok(None) => return served,
                        Err(AppError::Conflict(k)) if k.key() == "counter_busy" => tokio::task::yield_now().await,
                        Err(e) => panic!("{e:?}"),
                    }
                }
            })
        })
        .collect();
    let mut served = 0;
    for t in tasks {
        served += t.await.unwrap();
    }
    assert_eq!(served, 200);
    let twice: i64 = sqlx::query_scalar(
        "select count(*) from (select ticket_id from ticket_event where kind = 'called' group by ticket_id having count(*) > 1) x",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(twice, 0, "no ticket was called twice");
    let done: i64 = sqlx::query_scalar("select count(*) from ticket where status = 'done' and call_count = 1")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(done, 200);
    let both: i64 = sqlx::query_scalar("select count(distinct counter_id) from ticket").fetch_one(&db).await.unwrap();
    assert_eq!(both, 2, "both counters served");
}

#[sqlx::test(migrations = "../migrations")]
async fn waiting_and_service_times_are_measured_per_counter_and_officer(db: PgPool) {
    demo::load(&db).await.unwrap();
    let officer = login(&db, "quynhon.motcua").await;
    let admin = login(&db, "quynhon.quantri").await;
    let office = quy_nhon(&db).await;
    let c1 = counter(&db, office, 1).await;
    let op = Operator::Staff(&officer);
    // 01:00 in Vietnam today, so the whole story stays on one service day whenever the test runs.
    let t0 = app::kernel::time::vn_today(Utc::now()).and_hms_opt(1, 0, 0).unwrap().and_utc() - Duration::hours(7);
    service::walk_in(&db, op, &meta(), office, "1.001193", None, t0).await.unwrap();
    service::walk_in(&db, op, &meta(), office, "1.001193", None, t0 + Duration::minutes(2)).await.unwrap();
    // First ticket: called after 20 minutes, served for 8.
    let a = service::call_next(&db, op, &meta(), c1, t0 + Duration::minutes(20)).await.unwrap().unwrap();
    service::act(&db, op, &meta(), c1, a.ticket_id, TicketAction::Start, t0 + Duration::minutes(21)).await.unwrap();
    service::act(
        &db,
        op,
        &meta(),
        c1,
        a.ticket_id,
        TicketAction::Finish { dossier_code: Some("H52-1".into()) },
        t0 + Duration::minutes(29),
    )
    .await
    .unwrap();
    // Second: called at 30 (waited 28), no-show.
    let b = service::call_next(&db, op, &meta(), c1, t0 + Duration::minutes(30)).await.unwrap().unwrap();
    assert_eq!(b.label, "A-002");
    service::act(&db, op, &meta(), c1, b.ticket_id, TicketAction::NoShow, t0 + Duration::minutes(31)).await.unwrap();

    let s = service::office_stats(&db, &admin, office, false, t0 + Duration::minutes(40)).await.unwrap();
    assert_eq!(s.today.count, 2);
    assert_eq!(s.today.average, 24.0);
    assert_eq!(s.today.share_over_target, 1.0);
    assert_eq!(s.per_counter.len(), 1);
    assert_eq!(s.per_counter[0].average_service_minutes, 8.0);
    assert_eq!(s.no_show_today, 1);
    assert_eq!(s.queue_length, 0);
    // Counter officers do not see the manager's figures.
    assert_eq!(
        service::office_stats(&db, &officer, office, false, t0 + Duration::minutes(40)).await.unwrap_err(),
        AppError::Forbidden
    );
}
