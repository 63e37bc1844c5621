//! The API of installed queue systems and the live event stream, over HTTP.

use crate::helpers::spawn_app;
use app::{
    demo,
    identity::{Password, Username, service::login_staff},
    kernel::request::RequestMeta,
    state::Settings,
};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

async fn office_and_key(db: &PgPool) -> (Uuid, String) {
    let admin = login_staff(
        db,
        &Settings::default(),
        &RequestMeta::default(),
        Username::parse("quynhon.quantri").unwrap(),
        Password::parse(demo::DEMO_PASSWORD).unwrap(),
    )
    .await
    .unwrap()
    .user;
    let office: Uuid = sqlx::query_scalar(
        "select office_id from office where name = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let key = app::queue::setup::create_device(db, &admin, &RequestMeta::default(), office, "Máy lấy số cửa chính")
        .await
        .unwrap();
    (office, key)
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_ticket_machine_issues_tickets_and_its_calls_reach_the_live_stream(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (office, key) = office_and_key(&db).await;
    let body = json!({ "procedure_code": "1.001193", "priority": "elderly" });

    let anonymous = app.client.post(app.url("/api/v1/queue/tickets")).json(&body).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong =
        app.client.post(app.url("/api/v1/queue/tickets")).bearer_auth("pvq_wrong").json(&body).send().await.unwrap();
    assert_eq!(wrong.status(), 401);

    let created = app.client.post(app.url("/api/v1/queue/tickets")).bearer_auth(&key).json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let ticket: Value = created.json().await.unwrap();
    assert_eq!(ticket["number"], "A-001");
    assert_eq!(ticket["status"], "waiting");
    let id = ticket["ticket_id"].as_str().unwrap().to_owned();

    let not_offered = app
        .client
        .post(app.url("/api/v1/queue/tickets"))
        .bearer_auth(&key)
        .json(&json!({ "procedure_code": "9.999999" }))
        .send()
        .await
        .unwrap();
    assert_eq!(not_offered.status(), 409);
    assert_eq!(not_offered.json::<Value>().await.unwrap()["reason"], "procedure_not_offered");

    // A display listening on the office's stream sees the call.
    let mut stream = app.client.get(app.url(&format!("/api/v1/offices/{office}/events"))).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let called = app
        .client
        .post(app.url(&format!("/api/v1/queue/tickets/{id}/events")))
        .bearer_auth(&key)
        .json(&json!({ "kind": "called", "counter": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(called.status(), 200);
    assert_eq!(called.json::<Value>().await.unwrap()["counter"], 1);
    let mut seen = String::new();
    while !seen.contains("\"called\"") {
        let chunk =
            tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("an event").unwrap().unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("\"ticket\":\"A-001\"") && seen.contains("\"counter\":1"), "{seen}");

    let finished = app
        .client
        .post(app.url(&format!("/api/v1/queue/tickets/{id}/events")))
        .bearer_auth(&key)
        .json(&json!({ "kind": "finished", "dossier_code": "H52.21583-261127-0001" }))
        .send()
        .await
        .unwrap();
    assert_eq!(finished.json::<Value>().await.unwrap()["status"], "done");
    let again = app
        .client
        .post(app.url(&format!("/api/v1/queue/tickets/{id}/events")))
        .bearer_auth(&key)
        .json(&json!({ "kind": "called", "counter": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "a finished ticket cannot be called again");
    let bad = app
        .client
        .post(app.url(&format!("/api/v1/queue/tickets/{id}/events")))
        .bearer_auth(&key)
        .json(&json!({ "kind": "exploded" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    // Every device action is in the audit log with the device.
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_event where entity_type = 'ticket' and details ? 'device_id'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(audited >= 3, "{audited}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn call_next_through_the_api_follows_the_office_rule_and_revoked_keys_stop_working(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (_, key) = office_and_key(&db).await;
    for _ in 0..2 {
        let r = app
            .client
            .post(app.url("/api/v1/queue/tickets"))
            .bearer_auth(&key)
            .json(&json!({ "procedure_code": "1.001193" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let next =
        |n: i16| app.client.post(app.url(&format!("/api/v1/queue/counters/{n}/call-next"))).bearer_auth(&key).send();
    let first: Value = next(1).await.unwrap().json().await.unwrap();
    assert_eq!(first["ticket"]["number"], "A-001");
    // Counter 1 still has A-001 called (not started): it must deal with it first.
    assert_eq!(next(1).await.unwrap().status(), 409);
    // Counter 3 (general) takes the other one; then nobody waits.
    let second: Value = next(3).await.unwrap().json().await.unwrap();
    assert_eq!(second["ticket"]["number"], "A-002");
    let none: Value = next(3).await.unwrap().json().await.unwrap();
    assert!(none["ticket"].is_null());
    assert_eq!(next(99).await.unwrap().status(), 404);

    sqlx::query("update queue_device set active = false").execute(&db).await.unwrap();
    assert_eq!(next(1).await.unwrap().status(), 401);
}
