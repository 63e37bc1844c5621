//! The hotline's console, cases, knowledge base, recordings and figures against a real
//! Postgres, through the services the server functions call: a caller's number is matched to
//! their bookings and dossiers, a call is wrapped up once and rated, missed calls are called
//! back, cases are routed, answered by SMS and escalated, and the FAQ shows approved answers.
#![cfg(feature = "ssr")]

mod common;

use app::{
    demo,
    evaluation::{
        api::{self as evaluation, CaseStep},
        domain::{CaseAction, CaseStatus},
    },
    hotline::{
        Outcome,
        pbx::Vendor,
        service::{self as hotline, cases, console, figures, kb, recordings},
        sim::{DEMO_EXCHANGE, Step},
    },
    kernel::{
        conflict::{Conflict, HotlineConflict},
        error::{AppError, FieldError},
        time::vn_offset,
    },
};
use chrono::{DateTime, Duration, Utc};
use common::{login, meta};
use sqlx::PgPool;
use uuid::Uuid;

/// Plays `steps` of call `call` through the demo exchange, `at` onwards (a second apart).
async fn play(db: &PgPool, call: &str, at: DateTime<Utc>, steps: &[Step]) -> Uuid {
    let ex = hotline::exchange(db, DEMO_EXCHANGE).await.unwrap().unwrap();
    for (i, s) in steps.iter().enumerate() {
        let events = Vendor::Generic.events(s.body(call, at + Duration::seconds(i as i64 * 20)).as_bytes()).unwrap();
        hotline::record(db, &ex, &events).await.unwrap();
    }
    sqlx::query_scalar("select call_id from call where external_id = $1").bind(call).fetch_one(db).await.unwrap()
}

fn ring(from: &str) -> Step {
    Step::Ring { from: from.into(), extension: Some("101".into()) }
}

fn answered(from: &str) -> Vec<Step> {
    vec![ring(from), Step::Answer { extension: "101".into() }, Step::Hangup { cause: "normal".into() }]
}

fn conflict(e: AppError) -> Option<HotlineConflict> {
    match e {
        AppError::Conflict(Conflict::Hotline(c)) => Some(c),
        _ => None,
    }
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_console_shows_what_the_system_knows_about_the_number(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let second = login(&db, "tinh.tongdai2").await;
    let citizen_like = login(&db, "quynhon.hotich").await;
    assert_eq!(console::extension_of(&db, agent.user_id).await.unwrap().as_deref(), Some("101"));
    let e = console::set_extension(&db, &second, &meta(), "101").await.unwrap_err();
    assert_eq!(conflict(e), Some(HotlineConflict::ExtensionTaken));
    let e = console::set_extension(&db, &second, &meta(), "1a").await.unwrap_err();
    assert_eq!(e.field("extension"), Some(FieldError::Invalid));
    assert_eq!(console::set_extension(&db, &citizen_like, &meta(), "109").await, Err(AppError::Forbidden));
    assert_eq!(console::set_extension(&db, &second, &meta(), " 112 ").await.unwrap(), "112");

    // A booking and a dossier on the caller's number.
    let office: Uuid = sqlx::query_scalar("select office_id from office where name like '%phường Quy Nhơn' limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    sqlx::query(
        "insert into booking (code, office_id, procedure_code, starts_at, local_day, citizen_name, phone, channel, idempotency_key)
         values ('HB-TEST1', $1, '1.001193', now() + interval '1 day', current_date + 1, 'Nguyễn Văn An', '0905123456', 'online', gen_random_uuid())",
    )
    .bind(office)
    .execute(&db)
    .await
    .unwrap();
    let agency: Uuid = sqlx::query_scalar("select agency_id from office where office_id = $1")
        .bind(office)
        .fetch_one(&db)
        .await
        .unwrap();
    sqlx::query(
        "insert into dossier (code, kind, agency_id, commune_code, channel, proactive, status, event_date, late, received_at, due_on, phone)
         values ('QN-261201-0001', 'birth', $1, '21583', 'counter', false, 'submitted', current_date - 3, false, now() - interval '3 days',
                 current_date - 1, '0905123456')",
    )
    .bind(agency)
    .execute(&db)
    .await
    .unwrap();

    // The exchange sends the number as +84…: it is matched all the same.
    let now = Utc::now() - Duration::minutes(1);
    let call = play(&db, "pop-1", now, &[ring("+84905123456")]).await;
    let con = console::console(&db, &agent).await.unwrap();
    assert_eq!(con.live.iter().map(|l| l.call_id).collect::<Vec<_>>(), vec![call], "ringing on my extension");
    let v = console::caller_view(&db, &agent, call).await.unwrap();
    assert!(v.known());
    assert_eq!(v.call.caller, "0905123456");
    assert_eq!(v.call.outcome, Outcome::Live);
    assert_eq!(v.bookings.iter().map(|b| b.code.as_str()).collect::<Vec<_>>(), ["HB-TEST1"]);
    assert_eq!(v.dossiers.len(), 1);
    assert_eq!((v.dossiers[0].status.as_str(), v.dossiers[0].overdue), ("submitted", true), "past its due day");

    let stranger = play(&db, "pop-2", now, &[ring("0912000111")]).await;
    let v = console::caller_view(&db, &agent, stranger).await.unwrap();
    assert!(!v.known(), "an unknown number says so");
    assert_eq!(console::caller_view(&db, &citizen_like, stranger).await.unwrap_err(), AppError::Forbidden);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_call_is_wrapped_up_once_and_its_caller_asked_to_rate_it(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let other = login(&db, "tinh.tongdai2").await;
    let at = Utc::now() - Duration::minutes(5);
    let ringing = play(&db, "w-1", at, &[ring("0905123456")]).await;
    let w = |call_id, note| console::WrapUp { call_id, procedure_code: "1.001193", kb_answer_id: None, note };
    let e = console::wrap_up(&db, &agent, &meta(), w(ringing, "Đã hướng dẫn."), Utc::now()).await.unwrap_err();
    assert_eq!(conflict(e), Some(HotlineConflict::CallNotAnswered));

    let call = play(&db, "w-2", at, &answered("0905123456")).await;
    let e = console::wrap_up(&db, &agent, &meta(), w(call, "  "), Utc::now()).await.unwrap_err();
    assert_eq!(e.field("note"), Some(FieldError::Required));
    let none = console::WrapUp { call_id: call, procedure_code: "", kb_answer_id: None, note: "x" };
    let e = console::wrap_up(&db, &agent, &meta(), none, Utc::now()).await.unwrap_err();
    assert_eq!(e.field("procedure"), Some(FieldError::Required));
    console::wrap_up(&db, &agent, &meta(), w(call, "Hướng dẫn hồ sơ khai sinh."), Utc::now()).await.unwrap();
    let e = console::wrap_up(&db, &other, &meta(), w(call, "Khác."), Utc::now()).await.unwrap_err();
    assert_eq!(conflict(e), Some(HotlineConflict::CallTaken));

    let (official, kind): (Uuid, String) =
        sqlx::query_as("select official_id, subject_kind from service_evaluation where subject_id = $1")
            .bind(call)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((official, kind.as_str()), (agent.user_id, "call"), "counted for the agent, who never rates it");
    let sms: String =
        sqlx::query_scalar("select body from notification where recipient = '0905123456' and body like '%/rate/%'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(sms.contains("goi"), "{sms}");
    // The caller answers the exchange's survey menu: that is the rating.
    play(&db, "w-2", at + Duration::minutes(2), &[Step::Survey { digits: "4".into() }]).await;
    let overall: Option<i16> = sqlx::query_scalar("select overall from service_evaluation where subject_id = $1")
        .bind(call)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(overall, Some(4));
    assert_eq!(count(&db, "select count(*) from audit_event where action = 'call.wrapped_up'").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn missed_calls_form_the_callback_list_and_each_callback_is_logged(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let at = Utc::now() - Duration::minutes(30);
    let missed = play(&db, "m-1", at, &[ring("0905111222"), Step::Hangup { cause: "no_answer".into() }]).await;
    let voicemail = play(&db, "m-2", at, &[ring("0905111333"), Step::Hangup { cause: "voicemail".into() }]).await;
    let taken = play(&db, "m-3", at, &answered("0905111444")).await;
    let list = console::console(&db, &agent).await.unwrap().callbacks;
    let outcomes: Vec<_> = list.iter().map(|c| (c.call_id, c.outcome)).collect();
    assert!(outcomes.contains(&(missed, Outcome::Missed)) && outcomes.contains(&(voicemail, Outcome::Voicemail)));
    assert!(!list.iter().any(|c| c.call_id == taken));

    let back = console::log_callback(&db, &agent, &meta(), missed, true, "Đã gọi lại.", Utc::now()).await.unwrap();
    let (direction, callee, of): (String, String, Option<Uuid>) =
        sqlx::query_as("select direction, callee, callback_of from call where call_id = $1")
            .bind(back)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((direction.as_str(), callee.as_str(), of), ("out", "0905111222", Some(missed)));
    let e = console::log_callback(&db, &agent, &meta(), missed, true, "", Utc::now()).await.unwrap_err();
    assert_eq!(conflict(e), Some(HotlineConflict::CallNotMissed), "called back once");
    let e = console::log_callback(&db, &agent, &meta(), taken, true, "", Utc::now()).await.unwrap_err();
    assert_eq!(conflict(e), Some(HotlineConflict::CallNotMissed));
    let list = console::console(&db, &agent).await.unwrap().callbacks;
    assert!(!list.iter().any(|c| c.call_id == missed));
    // A reached callback is wrapped up like any answered call.
    let w =
        console::WrapUp {
            call_id: back, procedure_code: "1.000656", kb_answer_id: None, note: "Hướng dẫn khai tử."
        };
    console::wrap_up(&db, &agent, &meta(), w, Utc::now()).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn cases_are_routed_answered_by_sms_and_followed_by_code_and_phone(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let admin = login(&db, "tinh.quantri").await;
    let quy_nhon_admin = login(&db, "quynhon.quantri").await;
    let now = Utc::now();
    let call = play(&db, "c-1", now - Duration::minutes(10), &answered("0905123456")).await;
    let new = |kind, procedure, commune, content| cases::NewCallCase {
        call_id: call,
        kind,
        procedure_code: procedure,
        commune_code: commune,
        content,
        publish_consent: false,
    };
    let e = cases::open_from_call(&db, &agent, &meta(), new("complaint", "1.001193", "", " "), now).await.unwrap_err();
    assert_eq!(e.field("content"), Some(FieldError::Required));
    let e = cases::open_from_call(&db, &agent, &meta(), new("gossip", "", "", "x"), now).await.unwrap_err();
    assert_eq!(e.field("kind"), Some(FieldError::Invalid));
    let e = cases::open_from_call(&db, &agent, &meta(), new("complaint", "1.001193", "", "Chậm trả kết quả."), now)
        .await
        .unwrap_err();
    assert_eq!(conflict(e), Some(HotlineConflict::NoRoute), "a complaint needs someone to answer it");

    let (id, code) = cases::open_from_call(
        &db,
        &agent,
        &meta(),
        new("complaint", "1.001193", "21583", "Chậm trả kết quả khai sinh."),
        now,
    )
    .await
    .unwrap();
    let (office, resolve_due): (String, chrono::NaiveDate) = sqlx::query_as(
        "select o.name, f.resolve_due from feedback_case f join office o using (office_id) where case_id = $1",
    )
    .bind(id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(office.contains("Quy Nhơn"), "{office}");
    let mut conn = db.acquire().await.unwrap();
    let cal = app::reference::api::load_calendar(&mut conn).await.unwrap();
    let local = now.with_timezone(&vn_offset()).naive_local();
    assert_eq!(resolve_due, cal.due_date(local, 15), "a complaint runs on the 766 clock");
    let (q, _) =
        cases::open_from_call(&db, &agent, &meta(), new("question", "", "", "Hỏi giờ làm việc."), now).await.unwrap();
    let (q_due, q_office): (chrono::NaiveDate, String) = sqlx::query_as(
        "select f.resolve_due, o.name from feedback_case f join office o using (office_id) where case_id = $1",
    )
    .bind(q)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(q_due, cal.due_date(local, 2), "a question is answered within 2 working days");
    // The province gives questions three days from now on.
    assert_eq!(cases::set_clock(&db, &agent, &meta(), "question", "3").await, Err(AppError::Forbidden));
    let e = cases::set_clock(&db, &admin, &meta(), "question", "0").await.unwrap_err();
    assert_eq!(e.field("resolve_days"), Some(FieldError::Invalid));
    cases::set_clock(&db, &admin, &meta(), "question", "3").await.unwrap();
    let (q3, _) =
        cases::open_from_call(&db, &agent, &meta(), new("question", "", "", "Hỏi lệ phí."), now).await.unwrap();
    let q3_due: chrono::NaiveDate = sqlx::query_scalar("select resolve_due from feedback_case where case_id = $1")
        .bind(q3)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(q3_due, cal.due_date(local, 3));
    assert!(q_office.contains("tỉnh"), "nobody else owns it: the hotline's own office ({q_office})");

    // A rule sends death registrations anywhere to Phù Cát.
    let phu_cat: Uuid =
        sqlx::query_scalar("select office_id from office where name like '%Phù Cát'").fetch_one(&db).await.unwrap();
    assert_eq!(cases::set_route(&db, &agent, &meta(), "1.000656", "", "", phu_cat).await, Err(AppError::Forbidden));
    cases::set_route(&db, &admin, &meta(), "1.000656", "", "", phu_cat).await.unwrap();
    let (d, _) = cases::open_from_call(&db, &agent, &meta(), new("petition", "1.000656", "21583", "Kiến nghị."), now)
        .await
        .unwrap();
    let d_office: Uuid = sqlx::query_scalar("select office_id from feedback_case where case_id = $1")
        .bind(d)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(d_office, phu_cat, "the rule wins over the commune's office");

    // The commune answers; the caller gets the answer and a rating link by SMS.
    let listed = evaluation::case_act(&db, &agent, &meta(), id, CaseStep::new(CaseAction::Accept, ""), now).await;
    assert_eq!(listed, Err(AppError::Forbidden), "agents do not answer for the commune");
    let e = evaluation::case_act(&db, &quy_nhon_admin, &meta(), id, CaseStep::new(CaseAction::Resolve, " "), now)
        .await
        .unwrap_err();
    assert_eq!(e.field("note"), Some(FieldError::Required), "the answer's text is required");
    // The ward's civil-status official writes the answer; it waits for the head.
    let official = login(&db, "quynhon.hotich").await;
    let step = CaseStep::new(CaseAction::Resolve, "Kết quả đã trả ngày 03/12.");
    evaluation::case_act(&db, &official, &meta(), id, step, now).await.unwrap();
    let t = evaluation::track_case(&db, &code, "0905123456").await.unwrap().unwrap();
    assert_eq!((t.status, t.answer), (CaseStatus::Answered, None), "not out before the head approves");
    let early = count(&db, &format!("select count(*) from notification where body like '%{code}%'")).await;
    assert_eq!(early, 0);
    let approve = CaseStep::new(CaseAction::Approve, "");
    assert_eq!(evaluation::case_act(&db, &official, &meta(), id, approve, now).await, Err(AppError::Forbidden));
    evaluation::case_act(&db, &quy_nhon_admin, &meta(), id, approve, now).await.unwrap();
    let sms: Vec<String> =
        sqlx::query_scalar("select body from notification where recipient = '0905123456' order by created_at")
            .fetch_all(&db)
            .await
            .unwrap();
    assert!(sms.iter().any(|b| b.contains(&code) && b.contains("Ket qua da tra")), "{sms:?}");
    assert!(sms.iter().any(|b| b.contains("/rate/")), "{sms:?}");
    let t = evaluation::track_case(&db, &code, "0905123456").await.unwrap().unwrap();
    assert_eq!((t.status, t.answer.as_deref()), (CaseStatus::Resolved, Some("Kết quả đã trả ngày 03/12.")));
    assert_eq!(evaluation::track_case(&db, &code, "0905999999").await.unwrap(), None, "the code alone is not enough");

    // The province passes the question on to Quy Nhơn with a reason.
    let qn: Uuid = sqlx::query_scalar("select office_id from office where name like '%phường Quy Nhơn' limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    let e = evaluation::case_act(
        &db,
        &admin,
        &meta(),
        q,
        CaseStep::new(CaseAction::Transfer, "Thuộc thẩm quyền phường."),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(e.field("to_office"), Some(FieldError::Required));
    evaluation::case_act(
        &db,
        &admin,
        &meta(),
        q,
        CaseStep { action: CaseAction::Transfer, note: "Thuộc thẩm quyền phường.", to_office: Some(qn) },
        now,
    )
    .await
    .unwrap();
    let mine = evaluation::case_act(&db, &quy_nhon_admin, &meta(), q, CaseStep::new(CaseAction::Accept, ""), now).await;
    assert_eq!(mine, Ok(()), "now the commune's");
}

#[sqlx::test(migrations = "../migrations")]
async fn overdue_cases_are_escalated_to_the_agency_then_the_province_once_each(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let now = Utc::now();
    let call = play(&db, "e-1", now - Duration::minutes(10), &answered("0905123456")).await;
    let c = cases::NewCallCase {
        call_id: call,
        kind: "question",
        procedure_code: "1.001193",
        commune_code: "21583",
        content: "Hỏi về hồ sơ.",
        publish_consent: true,
    };
    let (id, _) = cases::open_from_call(&db, &agent, &meta(), c, now).await.unwrap();
    let due: chrono::NaiveDate = sqlx::query_scalar("select resolve_due from feedback_case where case_id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
    let noon = |d: chrono::NaiveDate| d.and_hms_opt(5, 0, 0).unwrap().and_utc();
    let step = |s: &'static str| format!("select count(*) from feedback_event where action = '{s}'");
    evaluation::case_sweep(&db, noon(due - Duration::days(1))).await.unwrap();
    assert_eq!(count(&db, &step("reminded")).await, 1, "reminded the day before");
    evaluation::case_sweep(&db, noon(due + Duration::days(1))).await.unwrap();
    evaluation::case_sweep(&db, noon(due + Duration::days(2))).await.unwrap();
    assert_eq!(count(&db, &step("escalated_agency")).await, 1, "once");
    evaluation::case_sweep(&db, noon(due + Duration::days(5))).await.unwrap();
    evaluation::case_sweep(&db, noon(due + Duration::days(6))).await.unwrap();
    assert_eq!(count(&db, &step("escalated_province")).await, 1);
    let level: i16 = sqlx::query_scalar("select escalation from feedback_case where case_id = $1")
        .bind(id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(level, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_faq_shows_approved_answers_in_effect_found_with_or_without_diacritics(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let admin = login(&db, "tinh.quantri").await;
    let commune = login(&db, "quynhon.quantri").await;
    let today = app::kernel::time::vn_today(Utc::now());
    let found = kb::search(&db, "dang ky khai sinh", None, today).await.unwrap();
    assert!(found.iter().any(|k| k.question.contains("Đăng ký khai sinh")), "without diacritics");
    let ranked = kb::search(&db, "giay to khai sinh", None, today).await.unwrap();
    assert!(ranked.len() >= 2, "every answer with all the words");
    assert!(ranked[0].question.contains("giấy tờ"), "the one whose question has them first: {}", ranked[0].question);
    let found = kb::search(&db, "kết hôn", Some("1.000894"), today).await.unwrap();
    assert_eq!(found.len(), 2);

    let draft = kb::Draft {
        answer_key: None,
        procedure_code: "1.001193",
        topic: "Khai sinh",
        question: "Cha mẹ chưa đăng ký kết hôn có làm khai sinh cho con được không?",
        answer: "Được. Khai sinh ghi theo thông tin người mẹ; người cha có thể làm thủ tục nhận cha con cùng lúc.",
        effective_from: &today.to_string(),
    };
    let id = kb::save(&db, &agent, &meta(), draft).await.unwrap();
    assert!(!kb::search(&db, "chua dang ky ket hon", None, today).await.unwrap().iter().any(|k| k.kb_answer_id == id));
    assert_eq!(kb::approve(&db, &commune, &meta(), id).await, Err(AppError::Forbidden), "another agency's answer");
    kb::approve(&db, &admin, &meta(), id).await.unwrap();
    let hit = kb::search(&db, "chua dang ky ket hon", None, today).await.unwrap();
    assert_eq!(hit.iter().map(|k| k.kb_answer_id).collect::<Vec<_>>(), vec![id]);

    // A new version from next week: today's readers still get the first.
    let key = hit[0].answer_key;
    let next_week = (today + Duration::days(7)).to_string();
    let v2 = kb::Draft {
        answer_key: Some(key), answer: "Được (phiên bản mới).", effective_from: &next_week, ..draft
    };
    kb::save(&db, &admin, &meta(), v2).await.unwrap();
    let now_shown = kb::search(&db, "", Some("1.001193"), today).await.unwrap();
    assert_eq!(now_shown.iter().find(|k| k.answer_key == key).map(|k| k.version), Some(1));
    let later = kb::search(&db, "", Some("1.001193"), today + Duration::days(7)).await.unwrap();
    assert_eq!(later.iter().find(|k| k.answer_key == key).map(|k| k.version), Some(2));

    kb::feedback(&db, id, true).await.unwrap();
    kb::feedback(&db, id, false).await.unwrap();
    kb::feedback(&db, id, true).await.unwrap();
    let k = kb::search(&db, "chua dang ky ket hon", None, today).await.unwrap().remove(0);
    assert_eq!((k.helpful, k.not_helpful), (2, 1));
    assert_eq!(kb::feedback(&db, Uuid::new_v4(), true).await, Err(AppError::NotFound));
    let e = kb::save(&db, &agent, &meta(), kb::Draft { topic: "", ..draft }).await.unwrap_err();
    assert_eq!(e.field("topic"), Some(FieldError::Required));
}

#[sqlx::test(migrations = "../migrations")]
async fn recordings_are_heard_by_the_hotline_only_audited_and_expire(db: PgPool) {
    demo::load(&db).await.unwrap();
    let agent = login(&db, "tinh.tongdai").await;
    let commune = login(&db, "quynhon.quantri").await;
    let dir = std::env::temp_dir().join(format!("phucvu-rec-{}", Uuid::new_v4()));
    let files = app::files::open(dir.to_str().unwrap()).unwrap();
    let at = Utc::now() - Duration::minutes(10);
    let call = play(&db, "r-1", at, &answered("0905123456")).await;
    let ex = hotline::exchange(&db, DEMO_EXCHANGE).await.unwrap().unwrap();
    let audio = app::hotline::sim::wav(1);
    let stored = recordings::upload(&db, files.as_ref(), &ex, "r-1", "wav", audio.clone().into()).await.unwrap();
    assert_eq!(stored, call);
    let (ct, bytes) = recordings::play(&db, files.as_ref(), &agent, &meta(), call).await.unwrap();
    assert_eq!((ct, bytes.len()), ("audio/wav", audio.len()));
    assert_eq!(recordings::play(&db, files.as_ref(), &commune, &meta(), call).await.unwrap_err(), AppError::Forbidden);
    assert_eq!(count(&db, "select count(*) from audit_event where action = 'call.recording_played'").await, 1);
    assert_eq!(recordings::expire(&db, files.as_ref(), Utc::now()).await.unwrap(), 0);
    assert_eq!(recordings::expire(&db, files.as_ref(), Utc::now() + Duration::days(91)).await.unwrap(), 1);
    assert_eq!(recordings::play(&db, files.as_ref(), &agent, &meta(), call).await.unwrap_err(), AppError::NotFound);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_figures_count_each_outcome_and_the_csv_masks_numbers(db: PgPool) {
    demo::load(&db).await.unwrap();
    let admin = login(&db, "tinh.quantri").await;
    let agent = login(&db, "tinh.tongdai").await;
    let commune = login(&db, "quynhon.quantri").await;
    let at = Utc::now() - Duration::minutes(30);
    let a = play(&db, "f-1", at, &answered("0905123456")).await;
    play(&db, "f-2", at, &[ring("0905000002"), Step::Hangup { cause: "no_answer".into() }]).await;
    play(
        &db,
        "f-3",
        at,
        &[Step::Ring { from: "0905000003".into(), extension: None }, Step::Hangup { cause: "caller_hangup".into() }],
    )
    .await;
    let w =
        console::WrapUp { call_id: a, procedure_code: "1.001193", kb_answer_id: None, note: "Đã hướng dẫn." };
    console::wrap_up(&db, &agent, &meta(), w, Utc::now()).await.unwrap();
    let today = app::kernel::time::vn_today(Utc::now());
    let f = figures::figures(&db, &admin, today - Duration::days(1), today).await.unwrap();
    assert_eq!((f.calls, f.answered, f.missed, f.abandoned), (3, 1, 1, 1));
    assert_eq!(f.avg_wait_seconds, Some(20.0));
    assert_eq!(
        f.agents.iter().map(|x| (x.agent.as_str(), x.answered)).collect::<Vec<_>>(),
        [(agent.display_name.as_str(), 1)]
    );
    let mine = figures::figures(&db, &commune, today, today).await.unwrap();
    assert_eq!((mine.calls, mine.agents.len()), (0, 0), "an agency sees its cases, not the call centre");
    assert_eq!(figures::figures(&db, &agent, today, today).await.unwrap_err(), AppError::Forbidden);
    let csv = figures::calls_csv(&db, &admin, today - Duration::days(1), today).await.unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.contains("\"*******456\"") && !csv.contains("0905123456"), "{csv}");
    assert_eq!(figures::calls_csv(&db, &commune, today, today).await.unwrap_err(), AppError::Forbidden);
}
