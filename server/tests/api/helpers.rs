//! Starts the whole app on a random port over a fresh test database.

use app::state::Settings;
use sqlx::PgPool;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    #[allow(dead_code)]
    pub db: PgPool,
}

pub async fn spawn_app(db: PgPool) -> TestApp {
    spawn_app_with(db, Settings { dev_inbox: true, ..Settings::default() }).await
}

pub async fn spawn_app_with(db: PgPool, settings: Settings) -> TestApp {
    app::demo::load(&db).await.expect("demo data");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Static files straight from public/ (tests do not need the wasm bundle).
    let options = server::leptos_options("../public", "pkg", addr);
    let dir = std::env::temp_dir().join(format!("phucvu-files-{}", uuid::Uuid::new_v4()));
    let files = app::files::open(dir.to_str().unwrap()).unwrap();
    let state = server::app_state(db.clone(), options, settings, files);
    state.live.start(db.clone());
    tokio::spawn(server::serve(listener, server::router(state), std::future::pending()));
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { base: format!("http://{addr}"), client, db }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function the way the browser's hydrated app does (form body, JSON reply).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A staff login with extra request headers (proxy, origin, fetch metadata).
    pub async fn login_with(&self, headers: &[(&str, &str)], username: &str, password: &str) -> reqwest::Response {
        let mut req = self.client.post(self.url("/api/login")).form(&[("username", username), ("password", password)]);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }

    /// The body of a GET with extra request headers (language, a forged host).
    pub async fn text_with(&self, path: &str, headers: &[(&str, &str)]) -> String {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap().text().await.unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.call("login", &[("username", username), ("password", password)]).await
    }
}
