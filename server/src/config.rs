//! Configuration from the environment (12-factor). See the README for every variable.

use app::state::Settings;
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    /// `None`: start the embedded PostgreSQL cluster under `target/`.
    pub database_url: Option<String>,
    pub addr: SocketAddr,
    pub site_root: String,
    pub site_pkg_dir: String,
    pub demo_data: bool,
    pub settings: Settings,
    pub embedded_dir: PathBuf,
    pub embedded_port: u16,
    pub db_max_connections: u32,
    /// Uploaded files: a folder, or `s3` (built with the `s3` feature).
    pub files: String,
}

fn flag(name: &str) -> bool {
    matches!(std::env::var(name).as_deref(), Ok("1" | "true" | "yes"))
}

impl Config {
    /// Refuses settings that must never reach the open internet together.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.settings.dev_inbox && !cfg!(feature = "dev-tools") {
            anyhow::bail!("PHUCVU_DEV_INBOX is set, but this is a production build (without the dev-tools feature)");
        }
        if self.settings.dev_inbox && (self.settings.cookie_secure || self.settings.public_url.starts_with("https://"))
        {
            anyhow::bail!(
                "PHUCVU_DEV_INBOX shows every one-time code to anyone: it is for development only and refused \
                 with PHUCVU_COOKIE_SECURE or an https PHUCVU_PUBLIC_URL"
            );
        }
        Ok(())
    }

    pub fn from_env() -> anyhow::Result<Self> {
        let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into()).parse()?;
        Ok(Self {
            database_url: std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()),
            addr,
            site_root: std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
            site_pkg_dir: std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()),
            demo_data: flag("PHUCVU_DEMO_DATA"),
            settings: Settings {
                cookie_secure: flag("PHUCVU_COOKIE_SECURE"),
                dev_inbox: flag("PHUCVU_DEV_INBOX"),
                // PHUCVU_TRUST_PROXY=1 is the older spelling of one trusted proxy.
                proxy_hops: std::env::var("PHUCVU_PROXY_HOPS")
                    .ok()
                    .and_then(|h| h.parse().ok())
                    .unwrap_or(usize::from(flag("PHUCVU_TRUST_PROXY"))),
                session_hours: std::env::var("PHUCVU_SESSION_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(12),
                public_url: std::env::var("PHUCVU_PUBLIC_URL")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("http://{addr}")),
            },
            embedded_dir: std::env::var("PHUCVU_PG_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|_| PathBuf::from("target/pg")),
            embedded_port: std::env::var("PHUCVU_PG_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(54329),
            db_max_connections: std::env::var("PHUCVU_DB_MAX_CONNECTIONS")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(20),
            files: std::env::var("PHUCVU_FILES")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "target/files".into()),
        })
    }
}
