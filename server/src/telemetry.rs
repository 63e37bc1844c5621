//! Logging to stderr (stdout is for command output such as `db-start`'s URL): `RUST_LOG` filter
//! (default `info,sqlx=warn`), JSON lines when `PHUCVU_LOG_JSON=1`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = matches!(std::env::var("PHUCVU_LOG_JSON").as_deref(), Ok("1" | "true"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if json {
        registry.with(fmt::layer().json().with_writer(std::io::stderr)).try_init()
    } else {
        registry.with(fmt::layer().compact().with_writer(std::io::stderr)).try_init()
    };
}
