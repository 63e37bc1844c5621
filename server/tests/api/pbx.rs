//! The hotline's exchanges report calls through signed webhooks: the signature and its
//! timestamp are checked, every event is kept once, out-of-order events still make one correct
//! call, each exchange's payloads are read, and a malformed body writes nothing.

use crate::helpers::spawn_app;
use app::hotline::pbx::sign;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn exchange(db: &PgPool, vendor: &str) -> (uuid::Uuid, String) {
    let secret = format!("secret-{vendor}");
    let id =
        sqlx::query_scalar("insert into pbx_exchange (name, vendor, secret) values ($1, $2, $3) returning exchange_id")
            .bind(format!("Tổng đài {vendor}"))
            .bind(vendor)
            .bind(&secret)
            .fetch_one(db)
            .await
            .unwrap();
    (id, secret)
}

/// Posts `body` as the exchange would, signed `skew` seconds from now with `secret`.
async fn post(app: &crate::helpers::TestApp, id: uuid::Uuid, secret: &str, body: &str, skew: i64) -> (u16, Value) {
    let ts = chrono::Utc::now().timestamp() + skew;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/pbx/{id}/events")))
        .header("content-type", "application/json")
        .header("x-pbx-timestamp", ts.to_string())
        .header("x-pbx-signature", sign(secret, ts, body.as_bytes()))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

type CallRow = (String, String, Option<String>, bool, bool, bool, Option<String>, Option<String>);

async fn call(db: &PgPool, external: &str) -> CallRow {
    sqlx::query_as(
        "select direction, caller, extension, ringing_at is not null, answered_at is not null, ended_at is not null,
                end_cause, recording_url
         from call where external_id = $1",
    )
    .bind(external)
    .fetch_one(db)
    .await
    .unwrap()
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

fn generic(call: &str, event: &str, at: &str, extra: Value) -> Value {
    let mut v = json!({ "call_id": call, "event": event, "at": at });
    v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    v
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn webhooks_are_signed_recent_and_from_a_known_exchange(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (id, secret) = exchange(&db, "generic").await;
    let body = generic("c-1", "ringing", "2026-12-04T01:00:00Z", json!({"from": "0905123456"})).to_string();
    assert_eq!(post(&app, id, "wrong-key", &body, 0).await.0, 401, "bad signature");
    assert_eq!(post(&app, id, &secret, &body, -600).await.0, 401, "stale timestamp: a replay");
    assert_eq!(post(&app, id, &secret, &body, 600).await.0, 401, "from the future");
    assert_eq!(post(&app, uuid::Uuid::new_v4(), &secret, &body, 0).await.0, 401, "unknown exchange");
    let unsigned =
        app.client.post(app.url(&format!("/api/v1/pbx/{id}/events"))).body(body.clone()).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    assert_eq!(count(&db, "select count(*) from call").await, 0, "nothing written");
    let (s, v) = post(&app, id, &secret, &body, 0).await;
    assert_eq!((s, &v["accepted"]), (200, &json!(1)));
    sqlx::query("update pbx_exchange set revoked_at = now()").execute(&db).await.unwrap();
    assert_eq!(post(&app, id, &secret, &body, 0).await.0, 401, "a revoked exchange");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn each_event_counts_once_and_order_does_not_matter(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (id, secret) = exchange(&db, "generic").await;
    let ringing = generic(
        "c-2",
        "ringing",
        "2026-12-04T01:00:00Z",
        json!({"from": "+84905123456", "to": "1022", "extension": "101"}),
    );
    let answered = generic("c-2", "answered", "2026-12-04T01:00:07Z", json!({"extension": "101"}));
    let transferred = generic("c-2", "transferred", "2026-12-04T01:02:00Z", json!({"extension": "102"}));
    let ended = generic("c-2", "ended", "2026-12-04T01:05:00Z", json!({"cause": "normal"}));
    // The hangup first, then the transfer, the answer and the ringing, each sent twice.
    for e in [&ended, &transferred, &answered, &ringing] {
        assert_eq!(post(&app, id, &secret, &e.to_string(), 0).await.1["accepted"], json!(1));
        assert_eq!(post(&app, id, &secret, &e.to_string(), 0).await.1["duplicates"], json!(1));
    }
    assert_eq!(count(&db, "select count(*) from call").await, 1);
    assert_eq!(count(&db, "select count(*) from call_event").await, 4);
    let c = call(&db, "c-2").await;
    assert_eq!(
        c,
        ("in".into(), "0905123456".into(), Some("102".into()), true, true, true, Some("normal".into()), None)
    );
    let talk: i64 = sqlx::query_scalar("select extract(epoch from ended_at - answered_at)::bigint from call")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(talk, 293);
    // A batch is all or nothing: one bad event and none is kept.
    let batch = json!({"events": [generic("c-3", "ringing", "2026-12-04T02:00:00Z", json!({})), {"call_id": "c-3", "event": "boom"}]});
    let (s, v) = post(&app, id, &secret, &batch.to_string(), 0).await;
    assert_eq!((s, v["fields"][0]["field"].as_str()), (422, Some("event")));
    assert_eq!(count(&db, "select count(*) from call where external_id = 'c-3'").await, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn malformed_bodies_are_refused_with_the_field_and_write_nothing(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (id, secret) = exchange(&db, "generic").await;
    for (body, field) in [
        ("not json".to_owned(), "body"),
        (json!({"event": "ringing", "at": "2026-12-04T01:00:00Z"}).to_string(), "call_id"),
        (json!({"call_id": "x", "event": "ringing", "at": "yesterday"}).to_string(), "at"),
        (
            json!({"call_id": "x", "event": "ringing", "at": "2026-12-04T01:00:00Z", "direction": "sideways"})
                .to_string(),
            "direction",
        ),
        (json!({"call_id": "x", "event": "recording", "at": "2026-12-04T01:00:00Z"}).to_string(), "recording_url"),
    ] {
        let (s, v) = post(&app, id, &secret, &body, 0).await;
        assert_eq!((s, v["fields"][0]["field"].as_str()), (422, Some(field)), "{body}");
    }
    assert_eq!(count(&db, "select count(*) from call").await, 0);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn stringee_and_omicall_payloads_make_the_same_calls(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (stringee, s_key) = exchange(&db, "stringee").await;
    let (omicall, o_key) = exchange(&db, "omicall").await;
    let party = |n: &str, t: &str| json!({"number": n, "type": t, "alias": n});
    for e in [
        json!({"call_id": "call-vn-1-AB12", "call_status": "ringing", "timestamp_ms": 1764810000000_i64,
               "from": party("84905123456", "external"), "to": party("agent101", "internal")}),
        json!({"call_id": "call-vn-1-AB12", "call_status": "ended", "timestamp_ms": 1764810095000_i64,
               "from": party("84905123456", "external"), "to": party("agent101", "internal"),
               "endCallCause": "NORMAL_CLEARING", "duration": 95, "answerDuration": 80,
               "recordUrl": "https://api.stringee.com/v1/call/recording/call-vn-1-AB12"}),
    ] {
        assert_eq!(post(&app, stringee, &s_key, &e.to_string(), 0).await.0, 200);
    }
    assert_eq!(
        call(&db, "call-vn-1-AB12").await,
        (
            "in".into(),
            "0905123456".into(),
            Some("agent101".into()),
            true,
            true,
            true,
            Some("normal".into()),
            Some("https://api.stringee.com/v1/call/recording/call-vn-1-AB12".into())
        )
    );
    let cdr = json!({"transaction_id": "omi-55aa", "direction": "inbound", "source_number": "0912345678",
        "destination_number": "02563822022", "sip_user": "102", "time_start_call": 1764810000, "duration": 40,
        "bill_sec": 0, "disposition": "NO ANSWER"});
    assert_eq!(post(&app, omicall, &o_key, &cdr.to_string(), 0).await.0, 200);
    let missed = call(&db, "omi-55aa").await;
    assert_eq!(
        (missed.1.as_str(), missed.4, missed.5, missed.6.as_deref()),
        ("0912345678", false, true, Some("no_answer"))
    );
    // One exchange's payload sent to another's address is not its format.
    assert_eq!(
        post(&app, omicall, &o_key, &json!({"call_id": "x", "call_status": "ringing"}).to_string(), 0).await.0,
        422
    );
    // The same call id at two exchanges is two calls.
    let same = json!({"transaction_id": "call-vn-1-AB12", "state": "ringing", "time": 1764810000});
    assert_eq!(post(&app, omicall, &o_key, &same.to_string(), 0).await.0, 200);
    assert_eq!(count(&db, "select count(*) from call where external_id = 'call-vn-1-AB12'").await, 2);
}

/// The recording of a call: uploaded by the exchange (signed), played to the hotline only.
#[sqlx::test(migrations = "../migrations")]
async fn a_recording_is_uploaded_signed_and_played_to_the_hotline_only(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let (id, secret) = exchange(&db, "generic").await;
    let at = chrono::Utc::now().to_rfc3339();
    let body = generic("rec-1", "answered", &at, json!({"extension": "101", "from": "0905123456"})).to_string();
    assert_eq!(post(&app, id, &secret, &body, 0).await.0, 200);
    let audio = app::hotline::sim::wav(1);
    let put = |secret: &str, content_type: &str| {
        let ts = chrono::Utc::now().timestamp();
        app.client
            .put(app.url(&format!("/api/v1/pbx/{id}/calls/rec-1/recording")))
            .header("content-type", content_type.to_owned())
            .header("x-pbx-timestamp", ts.to_string())
            .header("x-pbx-signature", sign(secret, ts, &audio))
            .body(audio.clone())
            .send()
    };
    assert_eq!(put("wrong", "audio/wav").await.unwrap().status(), 401);
    let r = put(&secret, "text/plain").await.unwrap();
    assert_eq!(r.status(), 422, "not audio");
    assert_eq!(put(&secret, "audio/wav").await.unwrap().status(), 204);
    let call: uuid::Uuid =
        sqlx::query_scalar("select call_id from call where external_id = 'rec-1'").fetch_one(&db).await.unwrap();
    let url = app.url(&format!("/api/hotline/calls/{call}/recording"));
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
    let commune = crate::helpers::spawn_app(db.clone()).await;
    commune.login("quynhon.quantri", app::demo::DEMO_PASSWORD).await;
    assert_eq!(commune.client.get(&url).send().await.unwrap().status(), 403);
    app.login("tinh.tongdai", app::demo::DEMO_PASSWORD).await;
    let r = app.client.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "audio/wav");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.bytes().await.unwrap().len(), audio.len());
    assert_eq!(count(&db, "select count(*) from audit_event where action = 'call.recording_played'").await, 1);
}

/// A call ringing through one instance pops the agent's console on the other.
#[sqlx::test(migrations = "../migrations")]
async fn a_ringing_call_pops_the_agents_console_on_the_other_instance(db: PgPool) {
    let a = spawn_app(db.clone()).await;
    let b = crate::helpers::spawn_app(db.clone()).await;
    let (id, secret) = exchange(&db, "generic").await;
    assert_eq!(b.client.get(b.url("/api/hotline/events")).send().await.unwrap().status(), 401);
    b.login("tinh.tongdai", app::demo::DEMO_PASSWORD).await;
    let mut stream = b.client.get(b.url("/api/hotline/events")).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let at = chrono::Utc::now().to_rfc3339();
    // Another extension's call is not this agent's.
    let other = generic("pop-x", "ringing", &at, json!({"from": "0905000001", "extension": "102"})).to_string();
    assert_eq!(post(&a, id, &secret, &other, 0).await.0, 200);
    let mine = generic("pop-1", "ringing", &at, json!({"from": "0905123456", "extension": "101"})).to_string();
    let sent = std::time::Instant::now();
    assert_eq!(post(&a, id, &secret, &mine, 0).await.0, 200);
    let call: uuid::Uuid =
        sqlx::query_scalar("select call_id from call where external_id = 'pop-1'").fetch_one(&db).await.unwrap();
    let mut seen = String::new();
    while !seen.contains(&call.to_string()) {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), stream.chunk())
            .await
            .expect("the pop")
            .unwrap()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(sent.elapsed() < std::time::Duration::from_secs(1), "within a second: {:?}", sent.elapsed());
    assert!(seen.contains("\"kind\":\"ringing\"") && !seen.contains("\"extension\":\"102\""), "{seen}");
}

/// An exchange that gives a recording's URL (Stringee, OMICall): the copier downloads it into
/// the file store; a URL that fails is tried five times in all, then left.
#[sqlx::test(migrations = "../migrations")]
async fn recordings_given_by_url_are_copied_into_the_file_store(db: PgPool) {
    use axum::{Router, http::header, routing::get};
    let app = spawn_app(db.clone()).await;
    let (id, secret) = exchange(&db, "generic").await;
    // The exchange's own file server.
    let audio = app::hotline::sim::wav(1);
    let served = audio.clone();
    let files_app = Router::new().route(
        "/rec/{name}",
        get(move |axum::extract::Path(name): axum::extract::Path<String>| {
            let served = served.clone();
            async move {
                if name == "ok.wav" {
                    Ok(([(header::CONTENT_TYPE, "audio/wav")], served))
                } else {
                    Err(axum::http::StatusCode::NOT_FOUND)
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, files_app).await.unwrap() });
    let at = chrono::Utc::now().to_rfc3339();
    for (call, name) in [("url-1", "ok.wav"), ("url-2", "gone.wav")] {
        let ring = generic(call, "answered", &at, json!({"extension": "101", "from": "0905123456"})).to_string();
        assert_eq!(post(&app, id, &secret, &ring, 0).await.0, 200);
        let rec = generic(call, "recording", &at, json!({"recording_url": format!("{base}/rec/{name}")})).to_string();
        assert_eq!(post(&app, id, &secret, &rec, 0).await.0, 200);
    }
    let dir = std::env::temp_dir().join(format!("phucvu-files-{}", uuid::Uuid::new_v4()));
    let files = app::files::open(dir.to_str().unwrap()).unwrap();
    let state = server::app_state(
        db.clone(),
        server::leptos_options("../public", "pkg", "127.0.0.1:0".parse().unwrap()),
        Default::default(),
        files.clone(),
    );
    let http = reqwest::Client::new();
    for _ in 0..6 {
        server::jobs::copy_recordings(&state, &http).await;
    }
    let rows: Vec<(String, Option<String>, i16)> = sqlx::query_as(
        "select external_id, recording_key, recording_tries from call where external_id like 'url-%' order by 1",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(rows[0].0, "url-1");
    let key = rows[0].1.clone().expect("copied");
    assert_eq!(app::files::get(files.as_ref(), &key).await.unwrap().len(), audio.len());
    assert_eq!(rows[0].2, 1, "one download");
    assert_eq!((rows[1].1.as_deref(), rows[1].2), (None, 5), "five tries, then left");
}
