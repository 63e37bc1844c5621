//! The hotline's demo data: the simulated exchange, the agents' extensions, a knowledge base for
//! the civil-status procedures, and some days of calls and cases, played through the same
//! services the webhook and the console use. Idempotent: the calls are made once.

use super::{
    service::{self, cases::NewCallCase, console::WrapUp},
    sim::{DEMO_EXCHANGE, DEMO_SECRET, Step},
};
use crate::kernel::{error::AppError, request::RequestMeta};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::{Uuid, uuid};

/// (answer key, procedure, topic, question, answer)
const ANSWERS: [(Uuid, &str, &str, &str, &str); 7] = [
    (
        uuid!("0190f3a1-0000-7000-8000-000000000001"),
        "1.001193",
        "Khai sinh",
        "Đăng ký khai sinh cho con cần những giấy tờ gì?",
        "Tờ khai đăng ký khai sinh theo mẫu và Giấy chứng sinh do cơ sở y tế cấp (nếu sinh ngoài cơ sở y tế: văn bản xác nhận của người làm chứng). Người đi đăng ký xuất trình CCCD. Không mất lệ phí khi đăng ký đúng hạn.",
    ),
    (
        uuid!("0190f3a1-0000-7000-8000-000000000002"),
        "1.001193",
        "Khai sinh",
        "Thời hạn đăng ký khai sinh là bao lâu?",
        "Trong 60 ngày kể từ ngày sinh, cha hoặc mẹ có trách nhiệm đăng ký khai sinh cho con. Quá hạn vẫn được đăng ký; hồ sơ được giải quyết ngay trong ngày nếu đủ giấy tờ.",
    ),
    (
        uuid!("0190f3a1-0000-7000-8000-000000000003"),
        "LT.KS-TT-BHYT",
        "Khai sinh",
        "Có thể làm khai sinh, thường trú và thẻ BHYT cho bé cùng một lần không?",
        "Có. Thủ tục liên thông đăng ký khai sinh – đăng ký thường trú – cấp thẻ BHYT cho trẻ dưới 6 tuổi nộp một lần tại Bộ phận Một cửa của xã, phường hoặc trực tuyến; Hội Phụ nữ có thể đến nhận hồ sơ tại nhà.",
    ),
    (
        uuid!("0190f3a1-0000-7000-8000-000000000004"),
        "1.000894",
        "Kết hôn",
        "Đăng ký kết hôn ở đâu và mất bao lâu?",
        "Tại UBND xã, phường nơi cư trú của một trong hai bên. Hai bên cùng có mặt, mang CCCD; nếu đủ điều kiện, Giấy chứng nhận kết hôn được cấp ngay trong ngày (cần xác minh thì không quá 5 ngày làm việc).",
    ),
    (
        uuid!("0190f3a1-0000-7000-8000-000000000005"),
        "1.000894",
        "Kết hôn",
        "Có cần giấy xác nhận tình trạng hôn nhân khi đăng ký kết hôn không?",
        "Không cần nếu đăng ký tại nơi cư trú và thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư; cán bộ hộ tịch tra cứu trực tiếp. Chỉ khi cư trú ở nơi khác mới phải xin xác nhận.",
    ),
    (
        uuid!("0190f3a1-0000-7000-8000-000000000006"),
        "1.000656",
        "Khai tử",
        "Gia đình cần làm gì để đăng ký khai tử?",
        "Trong 15 ngày kể từ ngày mất, người thân nộp Tờ khai đăng ký khai tử và Giấy báo tử (hoặc giấy tờ thay thế) tại UBND xã, phường nơi người mất cư trú cuối cùng. Hội Phụ nữ có thể nhận hồ sơ tại nhà và chuyển thư chia buồn của UBND.",
    ),
    (
        uuid!("0190f3a1-0000-7000-8000-000000000007"),
        "LT.KT-XTT-MT",
        "Khai tử",
        "Làm sao nhận mai táng phí sau khi đăng ký khai tử?",
        "Dùng thủ tục liên thông khai tử – xóa đăng ký thường trú – mai táng phí, tử tuất: nộp một bộ hồ sơ, kết quả được trả về cho gia đình; không phải đi nhiều nơi.",
    ),
];

/// Extensions of the demo agents, by username.
const EXTENSIONS: [(&str, &str); 3] = [("tinh.tongdai", "101"), ("tinh.tongdai2", "102"), ("tinh.tongdai3", "103")];

/// A deterministic sequence, so every `make run` shows the same days.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

pub async fn load(db: &PgPool, centre_agency: Uuid) -> Result<(), AppError> {
    sqlx::query!(
        r#"insert into pbx_exchange (exchange_id, name, vendor, secret) values ($1, 'Tổng đài 1022 (mô phỏng)', 'generic', $2)
           on conflict (exchange_id) do nothing"#,
        DEMO_EXCHANGE,
        DEMO_SECRET
    )
    .execute(db)
    .await?;
    for (username, extension) in EXTENSIONS {
        sqlx::query!(
            r#"insert into hotline_extension (extension, user_id) select $1, user_id from app_user where username = $2
               on conflict do nothing"#,
            extension,
            username
        )
        .execute(db)
        .await?;
    }
    let today = crate::kernel::time::vn_today(Utc::now());
    for (key, procedure, topic, question, answer) in ANSWERS {
        sqlx::query!(
            r#"insert into kb_answer (answer_key, version, procedure_code, topic, question, answer, agency_id, effective_from,
                                      status, approved_at)
               values ($1, 1, $2, $3, $4, $5, $6, $7, 'approved', now()) on conflict (answer_key, version) do nothing"#,
            key,
            procedure,
            topic,
            question,
            answer,
            centre_agency,
            today - Duration::days(30)
        )
        .execute(db)
        .await?;
    }
    Ok(())
}

/// Some days of calls and cases with their recordings, for `make run` (tests start without
/// them, so their counts are their own). Made once.
pub async fn activity(db: &PgPool, files: &dyn object_store::ObjectStore) -> Result<(), AppError> {
    let made = sqlx::query_scalar!(r#"select count(*) as "n!" from call where exchange_id = $1"#, DEMO_EXCHANGE)
        .fetch_one(db)
        .await?;
    let mut agents = Vec::new();
    for (username, extension) in EXTENSIONS {
        if let Some(id) =
            sqlx::query_scalar!("select user_id from app_user where username = $1", username).fetch_optional(db).await?
        {
            agents.push((id, extension));
        }
    }
    if made == 0 && !agents.is_empty() {
        calls(db, &agents, Utc::now()).await?;
    }
    recordings(db, files).await
}

/// Five days of calls in office hours: most answered and wrapped up, some missed, abandoned or
/// left as voicemail (a few called back), three of them cases.
async fn calls(db: &PgPool, agents: &[(Uuid, &str)], now: DateTime<Utc>) -> Result<(), AppError> {
    let ex = service::exchange(db, DEMO_EXCHANGE).await?.ok_or(AppError::NotFound)?;
    let mut rng = Lcg(20261204);
    let mut answered = Vec::new();
    let mut missed = Vec::new();
    let procedures = ["1.001193", "1.000894", "1.000656", "LT.KS-TT-BHYT", "1.001193"];
    let mut events = Vec::new();
    for day in (1..=5).rev() {
        let per_day = 6 + rng.next(5);
        for n in 0..per_day {
            // 07:30 to 16:30 Vietnam time (00:30 to 09:30 UTC).
            let start = (now - Duration::days(day)).date_naive().and_hms_opt(0, 30, 0).expect("BUG: time").and_utc()
                + Duration::minutes((n * 540 / per_day + rng.next(40)) as i64);
            let call = format!("demo-{day}-{n}");
            let from = format!("09{:08}", 12_000_000 + rng.next(900_000) * 7);
            let (agent, extension) = agents[rng.next(agents.len() as u64) as usize];
            let roll = rng.next(100);
            let mut steps =
                vec![(0, Step::Ring { from: from.clone(), extension: (roll >= 10).then(|| extension.to_owned()) })];
            if roll >= 30 {
                let wait = 5 + rng.next(50) as i64;
                let talk = 60 + rng.next(340) as i64;
                steps.push((wait, Step::Answer { extension: extension.to_owned() }));
                steps.push((wait + talk, Step::Hangup { cause: "normal".into() }));
                answered.push((call.clone(), agent, procedures[rng.next(procedures.len() as u64) as usize], start));
            } else if roll >= 22 {
                steps.push((25, Step::Hangup { cause: "no_answer".into() }));
                missed.push(call.clone());
            } else if roll >= 10 {
                steps.push((40, Step::Hangup { cause: "voicemail".into() }));
                missed.push(call.clone());
            } else {
                steps.push((12, Step::Hangup { cause: "caller_hangup".into() }));
            }
            for (s, step) in steps {
                events.push(step.body(&call, start + Duration::seconds(s)));
            }
        }
    }
    for body in &events {
        let parsed = ex.vendor.events(body.as_bytes())?;
        service::record(db, &ex, &parsed).await?;
    }
    let meta = RequestMeta::default();
    let mut conn = db.acquire().await?;
    for (i, (call, agent, procedure, start)) in answered.iter().enumerate() {
        let call_id = demo_call(&mut conn, call).await?;
        let user = crate::identity::api::auth_user(&mut conn, *agent).await?;
        let note = ANSWERS.iter().find(|a| a.1 == *procedure).map(|a| a.4).unwrap_or("Đã hướng dẫn người gọi.");
        let w = WrapUp { call_id, procedure_code: procedure, kb_answer_id: None, note };
        service::console::wrap_up(db, &user, &meta, w, *start + Duration::minutes(8)).await?;
        // Some callers rate at once on the exchange's survey menu.
        if i % 3 == 0 {
            let digits = ["5", "4", "5", "3", "5"][i % 5];
            let body = Step::Survey { digits: digits.into() }.body(call, *start + Duration::minutes(7));
            service::record(db, &ex, &ex.vendor.events(body.as_bytes())?).await?;
        }
        // Three calls became cases: a question the hotline answered, a complaint and a petition
        // to the commune of Quy Nhơn.
        let case = match i {
            1 => Some(("question", "", "Người gọi hỏi có được đăng ký khai sinh tại phường nơi tạm trú không.")),
            4 => Some((
                "complaint",
                "21583",
                "Người gọi phản ánh đã nộp hồ sơ khai tử 10 ngày nhưng chưa nhận được kết quả.",
            )),
            7 => Some((
                "petition",
                "21583",
                "Người gọi kiến nghị Bộ phận Một cửa phường mở thêm giờ làm việc sáng thứ Bảy.",
            )),
            _ => None,
        };
        if let Some((kind, commune, content)) = case {
            let c = NewCallCase {
                call_id,
                kind,
                procedure_code: procedure,
                commune_code: commune,
                content,
                publish_consent: kind == "question",
            };
            service::cases::open_from_call(db, &user, &meta, c, *start + Duration::minutes(9)).await?;
        }
    }
    // Half of the missed callers were called back.
    for call in missed.iter().step_by(2) {
        let call_id = demo_call(&mut conn, call).await?;
        let user = crate::identity::api::auth_user(&mut conn, agents[0].0).await?;
        service::console::log_callback(
            db,
            &user,
            &meta,
            call_id,
            true,
            "Đã gọi lại, hướng dẫn thủ tục.",
            now - Duration::hours(20),
        )
        .await?;
    }
    Ok(())
}

/// The id of the demo exchange's call `external`.
async fn demo_call(conn: &mut sqlx::PgConnection, external: &str) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!("select call_id from call where exchange_id = $1 and external_id = $2", DEMO_EXCHANGE, external)
        .fetch_one(conn)
        .await
}

/// Recordings of the demo's answered calls (a few seconds of line hum each), copied into the
/// object store like an exchange's.
async fn recordings(db: &PgPool, files: &dyn object_store::ObjectStore) -> Result<(), AppError> {
    let calls = sqlx::query_scalar!(
        r#"select call_id from call where exchange_id = $1 and answered_at is not null and direction = 'in'
             and recording_key is null and recording_deleted_at is null"#,
        DEMO_EXCHANGE
    )
    .fetch_all(db)
    .await?;
    for (i, call_id) in calls.into_iter().enumerate() {
        let audio = super::sim::wav(2 + (i % 4) as u32);
        service::recordings::store(db, files, call_id, "wav", audio.into()).await?;
    }
    Ok(())
}
