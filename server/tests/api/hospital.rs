//! Births from hospitals' software over HTTP: key, idempotent resend, status, refusals.

use crate::helpers::spawn_app;
use app::{
    demo,
    identity::{Password, Username, service::login_staff},
    kernel::request::RequestMeta,
    state::Settings,
};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

pub(crate) async fn facility_key(db: &PgPool) -> String {
    let admin = login_staff(
        db,
        &Settings::default(),
        &RequestMeta::default(),
        Username::parse("tinh.quantri").unwrap(),
        Password::parse(demo::DEMO_PASSWORD).unwrap(),
    )
    .await
    .unwrap()
    .user;
    let hospital: Uuid =
        sqlx::query_scalar("select agency_id from agency where code = 'DEMO.H52.BVDK'").fetch_one(db).await.unwrap();
    app::hospital::service::create_key(db, &admin, &RequestMeta::default(), hospital, "Phần mềm HIS").await.unwrap()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_hospital_sends_a_birth_once_and_follows_its_dossier(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let key = facility_key(&db).await;
    let mother: String = sqlx::query_scalar(
        "select personal_id from registry_person
         where sex = 'female' and died_on is null and commune_code = '21583' order by personal_id limit 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let born = (chrono::Utc::now() - chrono::Duration::hours(30)).to_rfc3339();
    let birth = json!({
        "certificate_code": "GCS-52-000123", "mother_id": mother, "child_sex": "female", "born_at": born,
        "place_of_birth": "Bệnh viện Đa khoa tỉnh Gia Lai", "weight_grams": 3100
    });
    let url = app.url("/api/v1/births");
    assert_eq!(app.client.post(&url).json(&birth).send().await.unwrap().status(), 401);

    let first = app.client.post(&url).bearer_auth(&key).json(&birth).send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "notified");
    assert_eq!(first["commune_code"], "21583", "the mother's commune registers it");
    let code = first["dossier_code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("DEMO.H52.21583-"), "{code}");

    // Sent again (a retry after a timeout): the same dossier, nothing new.
    let again = app.client.post(&url).bearer_auth(&key).json(&birth).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["dossier_code"], code.as_str());
    let (dossiers, tasks): (i64, i64) = sqlx::query_as(
        "select (select count(*) from dossier), (select count(*) from home_visit_task where source = 'hospital')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((dossiers, tasks), (1, 1));
    let (data, proactive): (Value, bool) = sqlx::query_as(
        "select v.data, d.proactive from dossier d join dossier_version v using (dossier_id) where d.code = $1",
    )
    .bind(&code)
    .fetch_one(&db)
    .await
    .unwrap();
    assert!(proactive);
    assert_eq!(data["mother_id"], mother.as_str());
    assert!(data["mother_name"].as_str().is_some_and(|n| !n.is_empty()), "prefilled from the registry");

    let status = app.client.get(app.url("/api/v1/births/GCS-52-000123")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(status.status(), 200);
    assert_eq!(status.json::<Value>().await.unwrap()["dossier_code"], code.as_str());
    let unknown = app.client.get(app.url("/api/v1/births/GCS-NOPE")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    // Refusals: a malformed mother's number (422), a mother not in the registry (409).
    let bad = json!({ "certificate_code": "GCS-2", "mother_id": "123", "child_sex": "male", "born_at": born,
                      "place_of_birth": "x", "weight_grams": 3000 });
    assert_eq!(app.client.post(&url).bearer_auth(&key).json(&bad).send().await.unwrap().status(), 422);
    let stranger = json!({ "certificate_code": "GCS-3", "mother_id": "064199999999", "child_sex": "male",
                           "born_at": born, "place_of_birth": "x", "weight_grams": 3000 });
    let r = app.client.post(&url).bearer_auth(&key).json(&stranger).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["reason"], "mother_unknown");

    // A second certificate for the same mother and day (twins, or a re-issued certificate): a new
    // dossier, flagged as a possible duplicate for the official to compare.
    let twin = json!({ "certificate_code": "GCS-52-000124", "mother_id": mother, "child_sex": "male", "born_at": born,
                       "place_of_birth": "Bệnh viện Đa khoa tỉnh Gia Lai", "weight_grams": 2900 });
    let r = app.client.post(&url).bearer_auth(&key).json(&twin).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let r: Value = r.json().await.unwrap();
    assert_eq!(r["possible_duplicate"], true);
    assert_ne!(r["dossier_code"], code.as_str());
    assert_eq!(first["possible_duplicate"], false);

    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["paths"]["/api/v1/births"]["post"].is_object());
    assert!(doc["components"]["securitySchemes"]["facility_key"].is_object());
}
