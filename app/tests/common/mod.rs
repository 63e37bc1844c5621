//! What the database test files share: a request's metadata and a demo staff login.

use app::{
    demo,
    identity::{AuthUser, Password, Username, service as identity},
    kernel::request::RequestMeta,
    state::Settings,
};
use sqlx::PgPool;

pub fn meta() -> RequestMeta {
    RequestMeta { ip: Some("203.0.113.9".parse().unwrap()), user_agent: Some("test".into()), cookie_header: None }
}

pub async fn login(db: &PgPool, username: &str) -> AuthUser {
    identity::login_staff(
        db,
        &Settings::default(),
        &meta(),
        Username::parse(username).unwrap(),
        Password::parse(demo::DEMO_PASSWORD).unwrap(),
    )
    .await
    .expect("demo login")
    .user
}
