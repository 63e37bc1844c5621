//! Public-internet hardening (issue 13): each test reproduces one finding.

use crate::{
    PW,
    helpers::{spawn_app, spawn_app_with},
    hospital::facility_key,
};
use app::state::Settings;
use serde_json::{Value, json};
use sqlx::PgPool;

async fn mother_in_21583(db: &PgPool) -> String {
    sqlx::query_scalar(
        "select personal_id from registry_person
         where sex = 'female' and died_on is null and commune_code = '21583' order by personal_id limit 1",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

/// A dossier in commune 21583, sent by the demo hospital.
async fn a_dossier(app: &crate::helpers::TestApp, db: &PgPool) -> String {
    let key = facility_key(db).await;
    let birth = json!({ "certificate_code": "GCS-52-H1", "mother_id": mother_in_21583(db).await, "child_sex": "female",
                        "born_at": chrono::Utc::now().to_rfc3339(), "place_of_birth": "Bệnh viện Đa khoa tỉnh Gia Lai",
                        "weight_grams": 3100 });
    let r = app.client.post(app.url("/api/v1/births")).bearer_auth(&key).json(&birth).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["dossier_code"].as_str().unwrap().to_owned()
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn next_paths_with_hidden_characters_never_leave_the_site(db: PgPool) {
    let app = spawn_app(db).await;
    for next in ["/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example", "/%0a", "/%00", "/%5C/evil.example"] {
        let resp = app.client.get(app.url(&format!("/lang/en?next={next}"))).send().await.unwrap();
        assert_eq!(resp.status(), 303, "{next}");
        assert_eq!(resp.headers()["location"], "/", "{next}");
    }
    // The citizen code login carries `next` through the code form: the same rule.
    let resp = app.call("request_code", &[("phone", "0935 111 333"), ("next", "/\t/evil.example")]).await;
    let location = resp.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(!location.contains("evil"), "{location}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn simultaneous_wrong_passwords_are_throttled_like_sequential_ones(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let tries = (0..12).map(|_| app.login("quynhon.hotich", "sai-mat-khau"));
    let statuses: Vec<u16> = futures_util::future::join_all(tries).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7, "{statuses:?}");
    let checked: i64 = sqlx::query_scalar("select count(*) from login_attempt where key = 'user:quynhon.hotich'")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(checked, 5, "only five passwords were checked");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn one_valid_login_does_not_reset_an_addresss_failures(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    // 49 wrong passwords for 49 different accounts from one address (a spray under the per-user limit)…
    for i in 0..49 {
        assert_eq!(app.login(&format!("khong.ton.tai.{i}"), "sai-mat-khau").await.status(), 401);
    }
    // …one valid login in between…
    let ok = app.login("quynhon.hotich", PW).await;
    assert!(ok.status().is_success() || ok.status().is_redirection(), "{}", ok.status());
    // …and the fiftieth failure still counts: the address is throttled.
    assert_eq!(app.login("khong.ton.tai.49", "sai-mat-khau").await.status(), 401);
    let resp = app.login("khong.ton.tai.50", "sai-mat-khau").await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().contains_key("retry-after"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn a_template_that_would_burn_the_cpu_is_refused_next_to_its_field(db: PgPool) {
    let app = spawn_app(db).await;
    app.login("quynhon.quantri", PW).await;
    let burn = "{% for a in range(6546) %}{% for b in range(6546) %}{% endfor %}{% endfor %}";
    let started = std::time::Instant::now();
    let resp = app
        .call("save_letter_template", &[("kind", "birth"), ("title", "Thư"), ("body", burn), ("practical", "")])
        .await;
    assert_eq!(resp.status(), 422);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    let body = resp.text().await.unwrap();
    assert!(body.contains("body") && body.contains("TooComplex"), "{body}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn personal_pages_are_no_store_and_say_when_there_is_no_session(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let code = a_dossier(&app, &db).await;
    app.login("quynhon.hotich", PW).await;
    let page = app.client.get(app.url(&format!("/civil/d/{code}"))).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(!page.headers().contains_key("x-phucvu-session"), "signed in");
    let me = app.client.post(app.url("/api/me")).send().await.unwrap();
    assert_eq!(me.headers()["cache-control"], "no-store");
    // Without the cookie the service worker is told to drop what it kept for a session.
    let anon = reqwest::Client::new().get(app.url("/")).send().await.unwrap();
    assert_eq!(anon.headers()["x-phucvu-session"], "none");
    let sw = app.client.get(app.url("/sw.js")).send().await.unwrap().text().await.unwrap();
    assert!(sw.contains("no-store") && sw.contains("x-phucvu-session"), "the worker honours both");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn each_refusal_of_a_server_function_has_its_own_status(db: PgPool) {
    let app = spawn_app(db).await;
    assert_eq!(app.login("", "").await.status(), 422);
    assert_eq!(app.login("quynhon.hotich", "sai-mat-khau").await.status(), 401);
    let anon = app.client.get(app.url("/api/commune_overview?code=21583")).send().await.unwrap();
    assert_eq!(anon.status(), 401);
    app.login("quynhon.hotich", PW).await;
    let other = app.client.get(app.url("/api/commune_overview?code=21853")).send().await.unwrap();
    assert_eq!(other.status(), 403);
    assert!(other.text().await.unwrap().contains("Forbidden"), "the typed error is still the body");
    let missing = app.client.get(app.url("/api/civil_document?code=KHONG-CO&document=receipt")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let wrong_args = app.client.get(app.url("/api/civil_document?nothing=x")).send().await.unwrap();
    assert_eq!(wrong_args.status(), 400);
    let big = "a".repeat(2 * 1024 * 1024);
    let too_large = app.call("request_code", &[("phone", &big)]).await;
    assert_eq!(too_large.status(), 413);
    assert!(too_large.text().await.unwrap().contains("TooLarge"));
    // A refused page answers with the refusal's status too.
    let page = app.client.get(app.url("/commune/21853")).send().await.unwrap();
    assert_eq!(page.status(), 403);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn nul_bytes_invalid_utf8_and_impossible_dates_are_field_errors(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let resp = app.call("request_code", &[("phone", "0935\u{0}111222")]).await;
    assert_eq!(resp.status(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("phone") && body.contains("BadCharacters"), "{body}");
    let raw = app
        .client
        .post(app.url("/api/civil_track"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("code=%FF%FE&phone=1")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 422);
    let api = app.client.get(app.url("/api/v1/procedures?q=a%00b")).send().await.unwrap();
    assert_eq!(api.status(), 422);
    let body: Value = api.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "q");
    assert_eq!(body["fields"][0]["code"], "bad_characters");
    let path = app.client.get(app.url("/api/v1/former-communes/a%00b")).send().await.unwrap();
    assert_eq!(path.status(), 422, "path parameters too");
    let key = facility_key(&db).await;
    let nul = json!({ "certificate_code": "GCS\u{0}1", "mother_id": "052085000001", "child_sex": "male",
                      "born_at": chrono::Utc::now().to_rfc3339(), "place_of_birth": "x", "weight_grams": 3000 });
    let r = app.client.post(app.url("/api/v1/births")).bearer_auth(&key).json(&nul).send().await.unwrap();
    assert_eq!(r.status(), 422);
    app.login("tinh.quantri", PW).await;
    let far = app.call("calendar_remove", &[("day", "-200000-01-01")]).await;
    assert_eq!(far.status(), 422);
    assert!(far.text().await.unwrap().contains("DateOutOfRange"));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_client_address_is_the_one_the_proxy_appended(db: PgPool) {
    let app = spawn_app_with(db.clone(), Settings { proxy_hops: 1, ..Settings::default() }).await;
    let resp = app
        .login_with(
            &[("accept", "application/json"), ("x-forwarded-for", "6.6.6.6, 203.0.113.7")],
            "quynhon.hotich",
            PW,
        )
        .await;
    assert!(resp.status().is_success() || resp.status().is_redirection());
    let ip: String =
        sqlx::query_scalar("select host(ip) from audit_event where action = 'login' order by at desc limit 1")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(ip, "203.0.113.7", "not the address the client wrote");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn cross_site_writes_are_refused_and_links_use_the_public_url(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    // Login CSRF: another site's form posting our login.
    let resp = app
        .login_with(&[("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")], "quynhon.hotich", PW)
        .await;
    assert_eq!(resp.status(), 403);
    assert!(!resp.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("phucvu_session=")));
    let no_fetch_meta = app.login_with(&[("origin", "https://evil.example")], "quynhon.hotich", PW).await;
    assert_eq!(no_fetch_meta.status(), 403);
    // The same post from our own pages works.
    let own = app
        .login_with(&[("sec-fetch-site", "same-origin"), ("accept", "application/json")], "quynhon.hotich", PW)
        .await;
    assert!(own.status().is_success() || own.status().is_redirection(), "{}", own.status());
    // A forged Host header does not reach the receipt's link.
    let code = a_dossier(&app, &db).await;
    let doc =
        app.text_with(&format!("/api/civil_document?code={code}&document=receipt"), &[("host", "evil.example")]).await;
    assert!(!doc.contains("evil.example"), "{doc}");
    assert!(doc.contains("http://127.0.0.1:3000/track?code="), "the configured public URL");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn pages_carry_a_nonce_csp_and_are_never_framed(db: PgPool) {
    let app = spawn_app(db).await;
    let resp = app.client.get(app.url("/")).send().await.unwrap();
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce").to_owned();
    assert!(nonce.len() >= 16);
    assert_eq!(resp.headers()["cross-origin-opener-policy"], "same-origin");
    let html = resp.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the scripts carry this response's nonce");
    let again = app.client.get(app.url("/")).send().await.unwrap();
    assert!(!again.headers()["content-security-policy"].to_str().unwrap().contains(&nonce), "a new nonce each time");
    let json = app.client.get(app.url("/api/v1/provinces")).send().await.unwrap();
    assert!(json.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
}

/// Every rendered page's one policy carries the nonce its scripts carry: the home page, an
/// unknown address (the fallback renders it), and pages that wait for their data, also when
/// many render at once (a render's ResponseOptions once lost the header under load).
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn every_page_carries_its_own_nonce_under_load(db: PgPool) {
    let app = spawn_app(db).await;
    let mut renders = tokio::task::JoinSet::new();
    for i in 0..48 {
        let path = ["/", "/khong-co-trang-nay", "/ticket/khong-co", "/commune/21583", "/login"][i % 5];
        let (client, url) = (app.client.clone(), app.url(path));
        renders.spawn(async move {
            let resp = client.get(url).send().await.unwrap();
            let policies: Vec<String> = resp
                .headers()
                .get_all("content-security-policy")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect();
            let html = resp.text().await.unwrap();
            let nonce = policies
                .first()
                .and_then(|p| p.split("'nonce-").nth(1))
                .and_then(|r| r.split('\'').next())
                .map(str::to_owned);
            (path, policies.len(), nonce.is_some_and(|n| html.contains(&format!("nonce=\"{n}\""))))
        });
    }
    while let Some(r) = renders.join_next().await {
        let (path, policies, matches) = r.unwrap();
        assert_eq!((path, policies, matches), (path, 1, true), "one policy, with the page's nonce");
    }
}

/// Listing the app's routes suppresses every resource's first poll, process-wide (leptos#4773):
/// a page that began loading its data meanwhile waited forever. Routers are built here while
/// pages whose data blocks their status render.
#[sqlx::test(migrator = "server::MIGRATOR")]
async fn pages_render_while_routers_are_built(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let files = app::files::open(std::env::temp_dir().join("phucvu-files-routers").to_str().unwrap()).unwrap();
    let options = server::leptos_options("../public", "pkg", "127.0.0.1:0".parse().unwrap());
    let state = server::app_state(db, options, Settings::default(), files);
    let builds = tokio::task::spawn_blocking(move || {
        for _ in 0..40 {
            drop(server::router(state.clone()));
        }
    });
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(20)).build().unwrap();
    let mut renders = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, url) = (client.clone(), app.url("/commune/21583"));
        renders.spawn(async move {
            let mut stalled = 0;
            for _ in 0..25 {
                let finished = match client.get(&url).send().await {
                    Ok(r) => r.text().await.is_ok(),
                    Err(_) => false,
                };
                stalled += usize::from(!finished);
            }
            stalled
        });
    }
    let mut stalled = 0;
    while let Some(n) = renders.join_next().await {
        stalled += n.unwrap();
    }
    builds.await.unwrap();
    assert_eq!(stalled, 0, "pages that never finished");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_hospital_api_refuses_implausible_people_and_names_each_field(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let key = facility_key(&db).await;
    let mother = mother_in_21583(&db).await;
    let now = chrono::Utc::now().to_rfc3339();
    let send = |body: Value| {
        let req = app.client.post(app.url("/api/v1/births")).bearer_auth(&key).json(&body);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let birth = |code: &str, name: &str, born: &str| {
        json!({ "certificate_code": code, "mother_id": mother, "child_sex": "male", "born_at": born,
                "place_of_birth": "Bệnh viện Đa khoa tỉnh Gia Lai", "weight_grams": 3000, "child_name": name })
    };
    let code_of = |v: &Value, field: &str| {
        v["fields"].as_array().unwrap().iter().find(|f| f["field"] == field).map(|f| f["code"].clone())
    };
    let (s, v) = send(birth("GCS-L1", &"Lan ".repeat(50_000), &now)).await;
    assert_eq!(s, 422);
    assert_eq!(code_of(&v, "child_name"), Some(json!("too_long:100")));
    let (s, v) = send(birth("GCS-L2", "<b>Lan</b>", &now)).await;
    assert_eq!((s, code_of(&v, "child_name")), (422, Some(json!("markup"))));
    let (s, v) = send(birth("GCS-L3", "Lan", "0001-01-01T00:00:00Z")).await;
    assert_eq!((s, code_of(&v, "born_at")), (422, Some(json!("date_out_of_range"))));
    let (s, v) = send(json!({ "certificate_code": "GCS-L4", "mother_id": "053203001234", "child_sex": "male",
                              "born_at": now, "place_of_birth": "x", "weight_grams": 3000 }))
    .await;
    assert_eq!((s, code_of(&v, "mother_id")), (422, Some(json!("id_province"))));
    let (s, v) = send(json!({ "certificate_code": "GCS-L5", "mother_id": "052227001234", "child_sex": "male",
                              "born_at": now, "place_of_birth": "x", "weight_grams": 3000 }))
    .await;
    assert_eq!((s, code_of(&v, "mother_id")), (422, Some(json!("id_future_year"))));
    // NFD from the hospital's software is stored as NFC.
    let (s, _) = send(birth("GCS-L6", "Nguye\u{0302}\u{0303}n Va\u{0306}n An", &now)).await;
    assert_eq!(s, 201);
    let name: String = sqlx::query_scalar(
        "select v.data->>'child_name' from birth_notification n join dossier d using (dossier_id)
         join dossier_version v on v.dossier_id = d.dossier_id where n.certificate_code = 'GCS-L6'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(name, "Nguyễn Văn An");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn counter_intake_refuses_a_child_born_before_its_mother(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let mother = mother_in_21583(&db).await;
    app.login("quynhon.hotich", PW).await;
    let resp = app
        .call(
            "civil_receive",
            &[
                ("kind", "birth"),
                ("f[child_name]", "Trần Minh An"),
                ("f[child_sex]", "male"),
                ("f[birth_date]", "1950-01-01"),
                ("f[birth_place]", "Quy Nhơn"),
                ("f[mother_id]", &mother),
                ("f[requester_name]", "Trần Văn Bình"),
                ("f[requester_relation]", "Cha"),
            ],
        )
        .await;
    assert_eq!(resp.status(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("birth_date") && body.contains("ParentAge"), "{body}");
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn the_developer_inbox_does_not_exist_unless_switched_on(db: PgPool) {
    let app = spawn_app_with(db, Settings::default()).await;
    let api = app.client.post(app.url("/api/dev_inbox")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    let page = app.client.get(app.url("/dev/inbox")).send().await.unwrap();
    assert_eq!(page.status(), 404);
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn refused_pages_and_calls_are_audited_and_dossiers_of_another_commune_look_unknown(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let code = a_dossier(&app, &db).await;
    let get = async |path: &str| app.client.get(app.url(&path.replace("{code}", &code))).send().await.unwrap();
    assert_eq!(get("/khong-co-trang-nay").await.status(), 404);
    app.login("quynhon.hotich", PW).await;
    assert_eq!(get("/civil/d/{code}").await.status(), 200);
    app.call("logout", &[]).await;
    // Another commune's official: the dossier reads as unknown (the same as a code that does not
    // exist), the settings, audit log, commune and cases pages are refused.
    app.login("phucat.hotich", PW).await;
    for path in ["/civil/d/{code}", "/civil/d/{code}/certificate", "/civil/d/KHONG-CO"] {
        let body = get(path).await.text().await.unwrap();
        assert!(body.contains("error-panel") && !body.contains("data-forbidden"), "{path} reads as not found");
    }
    for path in ["/admin/letters", "/admin/audit", "/hotline", "/admin/hotline"] {
        assert!(get(path).await.text().await.unwrap().contains(r#"data-forbidden="true""#), "{path}");
    }
    // Officials list the hotline's cases sent to their own office only: none here.
    assert!(get("/cases").await.text().await.unwrap().contains("Không có phản ánh nào."));
    // Its data loads before the head is sent, so the commune page also says 403.
    assert_eq!(get("/commune/21583").await.status(), 403);
    let call = app.client.get(app.url("/api/commune_overview?code=21583")).send().await.unwrap();
    assert_eq!(call.status(), 403);
    // Every refusal of a signed-in user is in the audit log: who, what, from where. The other
    // commune's dossier is recorded by the dossier itself; a page records its own refusal as it
    // renders (no 403 crossed the edge for the data it read), a call is recorded by the edge.
    let mut refused: Vec<(String, String, Option<String>, bool)> = Vec::new();
    for _ in 0..50 {
        refused = sqlx::query_as(
            "select entity_type, entity_id, details->>'query', ip is not null from audit_event a
             join app_user u on u.user_id = a.actor_user_id
             where u.username = 'phucat.hotich' and action = 'access_refused'",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        if refused.len() >= 8 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut what: Vec<String> = refused.iter().map(|r| format!("{} {}", r.0, r.1)).collect();
    what.sort();
    let mut want = vec![
        format!("dossier {code}"),
        format!("dossier {code}"),
        "request /admin/audit".to_owned(),
        "request /admin/letters".to_owned(),
        "request /admin/hotline".to_owned(),
        "request /api/commune_overview".to_owned(),
        "request /commune/21583".to_owned(),
        "request /hotline".to_owned(),
    ];
    want.sort();
    assert_eq!(what, want);
    assert!(refused.iter().all(|r| r.3), "with the address");
    assert!(refused.iter().any(|r| r.1 == "/api/commune_overview" && r.2.as_deref() == Some("code=21583")));
}

#[sqlx::test(migrator = "server::MIGRATOR")]
async fn refused_pages_answer_with_the_refusals_status(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let code = a_dossier(&app, &db).await;
    let (office,): (uuid::Uuid,) =
        sqlx::query_as("select office_id from office where name = 'Trung tâm Phục vụ hành chính công phường Quy Nhơn'")
            .fetch_one(&db)
            .await
            .unwrap();
    let (counter,): (uuid::Uuid,) = sqlx::query_as("select counter_id from counter where office_id = $1 limit 1")
        .bind(office)
        .fetch_one(&db)
        .await
        .unwrap();
    let path = |p: &str| {
        p.replace("{code}", &code).replace("{office}", &office.to_string()).replace("{counter}", &counter.to_string())
    };
    let status = async |p: &str| app.client.get(app.url(&path(p))).send().await.unwrap().status().as_u16();
    let signed_in_only = [
        "/civil",
        "/civil/d/{code}",
        "/civil/d/{code}/receipt",
        "/letters",
        "/admin/letters",
        "/admin/audit",
        "/admin/facilities",
        "/facility",
        "/offices",
        "/counter/{counter}",
        "/manage/{office}",
        "/admin/office/{office}",
        "/evaluation/office/{office}",
        "/my/results",
        "/admin/evaluation",
        "/cases",
        "/hotline",
        "/hotline/kb",
        "/hotline/figures",
        "/admin/hotline",
        "/bookings",
        // Signed-in pages say nothing of what exists before the sign-in.
        "/bookings/KHONGCO",
        "/cases/khong-co",
    ];
    let mut wrong = Vec::new();
    for p in signed_in_only {
        let s = status(p).await;
        if s != 401 {
            wrong.push(format!("anonymous {p}: {s}"));
        }
    }
    // Links that name nothing are not found, malformed or unknown alike.
    for p in ["/ticket/khong-co", "/rate/khong-co", "/verify/khong-co"] {
        let s = status(p).await;
        if s != 404 {
            wrong.push(format!("anonymous {p}: {s}"));
        }
    }
    app.login("phucat.hotich", PW).await;
    for p in [
        "/admin/letters",
        "/admin/audit",
        "/hotline",
        "/hotline/figures",
        "/admin/hotline",
        "/manage/{office}",
        "/admin/office/{office}",
        "/counter/{counter}",
    ] {
        let s = status(p).await;
        if s != 403 {
            wrong.push(format!("phucat.hotich {p}: {s}"));
        }
    }
    for p in ["/civil/d/{code}", "/civil/d/{code}/certificate"] {
        let s = status(p).await;
        if s != 404 {
            wrong.push(format!("phucat.hotich {p}: {s}"));
        }
    }
    app.call("logout", &[]).await;
    app.login("quynhon.hotich", PW).await;
    for p in ["/civil", "/civil/d/{code}", "/letters"] {
        let s = status(p).await;
        if s != 200 {
            wrong.push(format!("quynhon.hotich {p}: {s}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
