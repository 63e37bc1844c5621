//! HTTP tests: the real router on a random port, a fresh database per test.

mod evaluation;
mod hardening;
mod helpers;
mod hospital;
mod pbx;
mod queue;

use helpers::spawn_app;
use sqlx::PgPool;

const PW: &str = app::demo::DEMO_PASSWORD;

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_home_page_is_vietnamese_compressed_html(db: PgPool) {
    let app = spawn_app(db).await;
    // A client that does not decompress by itself, so the header stays visible.
    let raw = reqwest::Client::builder().no_brotli().no_gzip().build().unwrap();
    let compressed = raw.get(app.url("/")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(compressed.headers()["content-encoding"], "br");
    let resp = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(resp.headers().contains_key("x-request-id"));
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let html = resp.text().await.unwrap();
    assert!(html.contains(r#"<html lang="vi""#), "{}", &html[..200.min(html.len())]);
    assert!(html.contains("Dịch vụ công gần hơn với người dân"));
    assert!(html.contains(r#"rel="manifest""#));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_language_switch_sets_a_cookie_and_the_server_renders_english(db: PgPool) {
    let app = spawn_app(db).await;
    let resp = app.client.get(app.url("/lang/en?next=/procedures")).send().await.unwrap();
    assert!(resp.status().is_redirection());
    assert_eq!(resp.headers()["location"], "/procedures");
    let html = app.client.get(app.url("/procedures")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Administrative procedures"));
    // An off-site `next` is ignored.
    let resp = app.client.get(app.url("/lang/vi?next=//evil.example")).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn accept_language_english_is_honoured_without_a_cookie(db: PgPool) {
    let app = spawn_app(db).await;
    let html = app.text_with("/", &[("accept-language", "en-US,en;q=0.9")]).await;
    assert!(html.contains(r#"<html lang="en""#));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_staff_login_sets_an_httponly_samesite_session_cookie(db: PgPool) {
    let app = spawn_app(db).await;
    let resp = app.login("quynhon.hotich", PW).await;
    assert!(resp.status().is_success() || resp.status().is_redirection(), "{}", resp.status());
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("phucvu_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    let me = app.client.post(app.url("/api/me")).send().await.unwrap().text().await.unwrap();
    assert!(me.contains("CivilStatusOfficial"), "{me}");
    assert!(me.contains("21583"));
    // Logging out ends the session on the server.
    app.call("logout", &[]).await;
    let me = app.client.post(app.url("/api/me")).send().await.unwrap().text().await.unwrap();
    assert_eq!(me, "null");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn ten_wrong_passwords_in_a_row_are_throttled(db: PgPool) {
    let app = spawn_app(db).await;
    let mut bodies = Vec::new();
    for _ in 0..10 {
        bodies.push(app.login("quynhon.hotich", "sai-mat-khau").await.text().await.unwrap());
    }
    assert!(bodies[..5].iter().all(|b| b.contains("BadCredentials")), "{bodies:?}");
    assert!(bodies[5..].iter().all(|b| b.contains("Throttled")), "{bodies:?}");
    let right = app.login("quynhon.hotich", PW).await.text().await.unwrap();
    assert!(right.contains("Throttled"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn invalid_login_input_gets_field_errors_not_a_database_call(db: PgPool) {
    let app = spawn_app(db).await;
    let body = app.login("", "").await.text().await.unwrap();
    assert!(body.contains("Validation") && body.contains("username") && body.contains("password"), "{body}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_commune_official_gets_a_refusal_not_data_for_another_commune(db: PgPool) {
    let app = spawn_app(db).await;
    app.login("quynhon.hotich", PW).await;
    let own = app.client.get(app.url("/api/commune_overview?code=21583")).send().await.unwrap().text().await.unwrap();
    assert!(own.contains("Nguyễn Thị Lan"), "{own}");
    let other = app.client.get(app.url("/api/commune_overview?code=21853")).send().await.unwrap();
    let body = other.text().await.unwrap();
    assert!(body.contains("Forbidden"), "{body}");
    assert!(!body.contains("Đỗ Văn Hùng"), "no staff names of the other commune leak");
    // The SSR page shows the translated refusal.
    let page = app.client.get(app.url("/commune/21853")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Bạn không có quyền xem hoặc thay đổi dữ liệu này."));
    assert!(!page.contains("Đỗ Văn Hùng"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn anonymous_users_are_asked_to_log_in_for_private_data(db: PgPool) {
    let app = spawn_app(db).await;
    let body = app.client.get(app.url("/api/commune_overview?code=21583")).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("Unauthorized"), "{body}");
    let body = app.client.post(app.url("/api/audit_events")).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("Unauthorized"), "{body}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_openapi_document_describes_the_v1_api(db: PgPool) {
    let app = spawn_app(db).await;
    let doc: serde_json::Value =
        app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/provinces",
        "/api/v1/provinces/{code}/communes",
        "/api/v1/former-communes/{code}",
        "/api/v1/procedures",
        "/api/v1/queue/tickets",
        "/api/v1/queue/tickets/{ticket_id}/events",
        "/api/v1/queue/counters/{number}/call-next",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["device_key"]["scheme"], "bearer");
    let docs = app.client.get(app.url("/api/docs")).send().await.unwrap().text().await.unwrap();
    assert!(docs.contains("/api/v1/procedures"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_v1_api_maps_former_communes_and_lists_units(db: PgPool) {
    let app = spawn_app(db).await;
    let provinces: serde_json::Value =
        app.client.get(app.url("/api/v1/provinces")).send().await.unwrap().json().await.unwrap();
    assert_eq!(provinces.as_array().unwrap().len(), 34);
    let communes: serde_json::Value =
        app.client.get(app.url("/api/v1/provinces/52/communes")).send().await.unwrap().json().await.unwrap();
    assert_eq!(communes.as_array().unwrap().len(), 135);
    let old: String = sqlx::query_scalar("select old_code from commune_merge where new_code = '21583' limit 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let succ: serde_json::Value =
        app.client.get(app.url(&format!("/api/v1/former-communes/{old}"))).send().await.unwrap().json().await.unwrap();
    assert!(succ.as_array().unwrap().iter().any(|s| s["code"] == "21583"));
    let missing = app.client.get(app.url("/api/v1/former-communes/99999")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
    let found: serde_json::Value = app
        .client
        .get(app.url("/api/v1/procedures?q=dang%20ky%20khai%20tu"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(found.as_array().unwrap().iter().any(|p| p["code"] == "1.000656"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_manifest_is_valid_json_with_icons_and_the_service_worker_is_served(db: PgPool) {
    let app = spawn_app(db).await;
    let m: serde_json::Value =
        app.client.get(app.url("/manifest.webmanifest")).send().await.unwrap().json().await.unwrap();
    assert_eq!(m["lang"], "vi");
    let icons = m["icons"].as_array().unwrap();
    assert!(icons.iter().any(|i| i["sizes"] == "512x512" && i["purpose"] == "maskable"));
    assert!(icons.iter().any(|i| i["sizes"] == "192x192"));
    let sw = app.client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(sw.status(), 200);
    assert!(sw.text().await.unwrap().contains("offline.html"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn an_unknown_page_is_a_friendly_404(db: PgPool) {
    let app = spawn_app(db).await;
    let resp = app.client.get(app.url("/khong-co-trang-nay")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("Không tìm thấy trang"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_citizen_logs_in_with_a_code_from_the_developer_inbox(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let resp = app.call("request_code", &[("phone", "0935 111 222")]).await;
    assert!(!resp.text().await.unwrap().contains("Err"));
    app::notify::service::dispatch_due(&db, &app::notify::service::LocalNotifier { db: db.clone() }, 10).await.unwrap();
    let inbox = app.client.post(app.url("/api/dev_inbox")).send().await.unwrap().text().await.unwrap();
    let code: String =
        inbox.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("code in inbox").to_owned();
    let resp = app.call("verify_code", &[("phone", "0935111222"), ("code", &code)]).await;
    assert!(resp.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("phucvu_session=")));
    let me = app.client.post(app.url("/api/me")).send().await.unwrap().text().await.unwrap();
    assert!(me.contains("Citizen"), "{me}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_database_failure_gives_an_opaque_error_with_an_id(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    // Sabotage: the procedure catalogue query now fails inside the database.
    sqlx::query("alter table procedure_document rename column copies to copies_gone").execute(&db).await.unwrap();
    let resp = app.client.get(app.url("/api/v1/procedures")).send().await.unwrap();
    assert_eq!(resp.status(), 500);
    let body = resp.text().await.unwrap();
    assert!(body.contains("\"internal\"") && body.contains("\"id\""), "{body}");
    assert!(!body.contains("copies"), "no internals leak: {body}");
}
