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
        if self.settings.dev_inbox && cfg!(feature = "production") {
            anyhow::bail!("PHUCVU_DEV_INBOX is set, but this is a production build (feature `production`)");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config(settings: Settings) -> Config {
        Config {
            database_url: None,
            addr: "127.0.0.1:3000".parse().unwrap(),
            site_root: "target/site".into(),
            site_pkg_dir: "pkg".into(),
            demo_data: false,
            settings,
            embedded_dir: "target/pg".into(),
            embedded_port: 54329,
            db_max_connections: 20,
            files: "target/files".into(),
        }
    }

    #[test]
    fn the_developer_inbox_never_starts_behind_https() {
        assert!(config(Settings { dev_inbox: true, ..Settings::default() }).check().is_ok());
        assert!(config(Settings { dev_inbox: true, cookie_secure: true, ..Settings::default() }).check().is_err());
        let https = Settings { dev_inbox: true, public_url: "https://dvc.example.vn".into(), ..Settings::default() };
        assert!(config(https).check().is_err());
        let production =
            Settings { cookie_secure: true, public_url: "https://dvc.example.vn".into(), ..Settings::default() };
        assert!(config(production).check().is_ok());
    }
}
