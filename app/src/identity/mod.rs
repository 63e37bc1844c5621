//! Identity and access: staff log in with username + password (argon2id), citizens with a phone
//! number + one-time code sent through the notification outbox. Sessions live in Postgres
//! (`user_session`, only a hash of the cookie token is stored); failed logins and code requests
//! are throttled from `login_attempt` / `otp_challenge`. Every server function authorizes by
//! role *and* jurisdiction through `authz`.

pub mod domain;
pub mod pages;
pub mod server;
pub mod session;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod authz;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

pub use domain::*;

#[cfg(feature = "ssr")]
pub use crate::kernel::principal::AuthUser;
