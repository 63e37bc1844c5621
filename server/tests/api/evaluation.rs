//! The evaluation's open data and the public rating endpoints, over HTTP.

use crate::helpers::spawn_app;
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn rankings_are_open_data_for_public_units_only(db: PgPool) {
    let app = spawn_app(db).await;
    let r = app.client.get(app.url("/api/v1/evaluation/rankings?unit=commune&period=2026")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["unit"], "commune");
    assert_eq!(body["from"], "2026-01-01");
    assert!(body["units"].is_array());
    // Officials and counters are people and desks: not open data.
    for bad in ["unit=official", "unit=counter", "period=2026-13"] {
        let r = app.client.get(app.url(&format!("/api/v1/evaluation/rankings?{bad}"))).send().await.unwrap();
        assert_eq!(r.status(), 422, "{bad}");
    }
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/evaluation/rankings"]["get"].is_object());
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn rating_links_are_rate_limited_per_client(db: PgPool) {
    let app = spawn_app(db).await;
    sqlx::query("update evaluation_config set rating_requests_per_minute = 5").execute(&app.db).await.unwrap();
    // Seven quick requests; if a minute boundary splits them the counting restarts, so try twice.
    let mut answers = Vec::new();
    for _attempt in 0..2 {
        sqlx::query("delete from rate_limit_window").execute(&app.db).await.unwrap();
        answers.clear();
        for _ in 0..7 {
            let r = app
                .client
                .get(app.url("/api/rating_form?token=guessing-is-hopeless"))
                .header("accept", "application/json")
                .send()
                .await
                .unwrap();
            let body = r.text().await.unwrap();
            answers.push(if body.contains("NotFound") {
                "not_found"
            } else if body.contains("Throttled") {
                "throttled"
            } else {
                "other"
            });
        }
        if answers[5..] == ["throttled"; 2] {
            break;
        }
    }
    // Unknown tokens answer "not found"; past the limit the client is told to wait.
    assert_eq!(answers, ["not_found", "not_found", "not_found", "not_found", "not_found", "throttled", "throttled"]);
}
