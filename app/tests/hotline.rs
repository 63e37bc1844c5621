//! The hotline against a real Postgres: only the province administrator registers an exchange,
//! its key is shown once and the registration is audited; a call's events fold into one call
//! whatever order they come in, through the same service the webhook uses.
#![cfg(feature = "ssr")]

mod common;

use app::{
    demo,
    hotline::{
        pbx::Vendor,
        service::{self as hotline, Recorded},
    },
    kernel::error::{AppError, FieldError},
};
use common::{login, meta};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn the_province_registers_its_exchanges_and_each_signs_with_its_own_key(db: PgPool) {
    demo::load(&db).await.unwrap();
    let admin = login(&db, "tinh.quantri").await;
    let agent = login(&db, "tinh.tongdai").await;
    let commune_admin = login(&db, "quynhon.quantri").await;
    for u in [&agent, &commune_admin] {
        assert_eq!(
            hotline::register_exchange(&db, u, &meta(), "Tổng đài 1022", "stringee").await,
            Err(AppError::Forbidden)
        );
    }
    let e = hotline::register_exchange(&db, &admin, &meta(), "  ", "stringee").await.unwrap_err();
    assert_eq!(e.field("name"), Some(FieldError::Required));
    let e = hotline::register_exchange(&db, &admin, &meta(), "Tổng đài 1022", "asterisk").await.unwrap_err();
    assert_eq!(e.field("vendor"), Some(FieldError::Invalid));
    let (a, key_a) = hotline::register_exchange(&db, &admin, &meta(), "Tổng đài 1022", "stringee").await.unwrap();
    let (b, key_b) = hotline::register_exchange(&db, &admin, &meta(), "OMICall dự phòng", "omicall").await.unwrap();
    assert_ne!(key_a, key_b);
    assert!(key_a.len() >= 40, "256 random bits");
    let ex = hotline::exchange(&db, a).await.unwrap().unwrap();
    assert_eq!((ex.vendor, ex.secret.as_str()), (Vendor::Stringee, key_a.as_str()));
    assert_eq!(hotline::exchange(&db, b).await.unwrap().unwrap().vendor, Vendor::Omicall);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'pbx_exchange.register' and actor_user_id = $1 and details->>'vendor' is not null",
    )
    .bind(admin.user_id)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(audited, 2);
    let secret_in_audit: i64 =
        sqlx::query_scalar("select count(*) from audit_event where details::text like '%' || $1 || '%'")
            .bind(&key_a)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(secret_in_audit, 0, "the key is not written to the audit log");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_calls_events_fold_into_one_call_in_any_order(db: PgPool) {
    demo::load(&db).await.unwrap();
    let admin = login(&db, "tinh.quantri").await;
    let (id, _) = hotline::register_exchange(&db, &admin, &meta(), "Tổng đài 1022", "generic").await.unwrap();
    let ex = hotline::exchange(&db, id).await.unwrap().unwrap();
    let ev = |body: &str| Vendor::Generic.events(body.as_bytes()).unwrap();
    let ring =
        ev(r#"{"call_id":"k1","event":"ringing","at":"2026-12-04T01:00:00Z","from":"0905123456","extension":"101"}"#);
    let answer = ev(r#"{"call_id":"k1","event":"answered","at":"2026-12-04T01:00:09Z","extension":"103"}"#);
    let end = ev(r#"{"call_id":"k1","event":"ended","at":"2026-12-04T01:04:09Z","cause":"normal"}"#);
    let survey = ev(r#"{"call_id":"k1","event":"survey","at":"2026-12-04T01:04:30Z","digits":"5"}"#);
    let all: Vec<_> = [&survey, &end, &answer, &ring].into_iter().flatten().cloned().collect();
    assert_eq!(hotline::record(&db, &ex, &all).await.unwrap(), Recorded { accepted: 4, duplicates: 0 });
    assert_eq!(hotline::record(&db, &ex, &all).await.unwrap(), Recorded { accepted: 0, duplicates: 4 });
    let (ext, wait, talk, survey): (Option<String>, i64, i64, Option<String>) = sqlx::query_as(
        "select extension, extract(epoch from answered_at - ringing_at)::bigint,
                extract(epoch from ended_at - answered_at)::bigint, survey_digits from call where external_id = 'k1'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((ext.as_deref(), wait, talk, survey.as_deref()), (Some("103"), 9, 240, Some("5")));
}
