//! The embedded default database: a private PostgreSQL cluster under `target/`, started from
//! the machine's PostgreSQL binaries when `DATABASE_URL` is unset. As root, the binaries run as
//! the `postgres` user (they refuse root). A running cluster is reused and left running.

use anyhow::{Context, bail};
use std::{
    path::{Path, PathBuf},
    process::Command,
};

pub struct EmbeddedPg {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    as_postgres: bool,
    port: u16,
    started_by_us: bool,
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// The newest `/usr/lib/postgresql/<v>/bin` that has `initdb`, or `pg_config --bindir`.
fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p): &(u32, PathBuf)| p.join("initdb").exists())
        .collect();
    versions.sort();
    if let Some((_, p)) = versions.pop() {
        return Ok(p);
    }
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .context("PostgreSQL binaries not found: install the `postgresql` package (make run does)")?;
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

impl EmbeddedPg {
    fn cmd(&self, program: &str) -> Command {
        let path = self.bin_dir.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, mut c: Command, what: &str) -> anyhow::Result<()> {
        let out = c.output().with_context(|| format!("could not run {what}"))?;
        if !out.status.success() {
            bail!("{what} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    }

    /// Starts (or reuses) the cluster in `dir` on `port`.
    pub fn start(dir: &Path, port: u16) -> anyhow::Result<Self> {
        let as_postgres = is_root();
        let mut dir = std::path::absolute(dir)?;
        std::fs::create_dir_all(&dir)?;
        if as_postgres {
            // The postgres user must reach the folder; a checkout under /root is not reachable.
            let reachable = Command::new("runuser")
                .args(["-u", "postgres", "--", "test", "-x"])
                .arg(dir.parent().unwrap_or(&dir))
                .status()
                .is_ok_and(|s| s.success());
            if !reachable {
                let tag: u32 = dir.to_string_lossy().bytes().fold(5381u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
                dir = PathBuf::from(format!("/var/tmp/phucvu-pg-{tag:08x}"));
                std::fs::create_dir_all(&dir)?;
                tracing::warn!(dir = %dir.display(), "checkout not reachable by the postgres user; cluster placed elsewhere");
            }
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status()?.success();
            if !ok {
                bail!("could not give {} to the postgres user", dir.display());
            }
        }
        let mut pg =
            Self { data_dir: dir.join("data"), bin_dir: find_bin_dir()?, as_postgres, port, started_by_us: false };
        if !pg.data_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %pg.data_dir.display(), "creating the embedded PostgreSQL cluster");
            let mut c = pg.cmd("initdb");
            c.arg("-D").arg(&pg.data_dir).args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]);
            pg.run(c, "initdb")?;
        }
        let mut status = pg.cmd("pg_ctl");
        status.arg("status").arg("-D").arg(&pg.data_dir);
        let running = status.output().is_ok_and(|o| o.status.success());
        if running {
            tracing::info!(port, "reusing the running embedded PostgreSQL cluster");
        } else {
            let socket_dir = dir.clone();
            // Test clusters trade durability for speed; never set this for real data.
            let fast = if matches!(std::env::var("PHUCVU_PG_FAST").as_deref(), Ok("1")) {
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            } else {
                ""
            };
            let mut c = pg.cmd("pg_ctl");
            c.arg("start").arg("-w").arg("-D").arg(&pg.data_dir).arg("-l").arg(dir.join("postgres.log")).arg("-o").arg(
                format!(
                    "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200{fast}",
                    socket_dir.display()
                ),
            );
            pg.run(c, "pg_ctl start")?;
            pg.started_by_us = true;
            tracing::info!(port, "embedded PostgreSQL started");
        }
        Ok(pg)
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the cluster if this process started it.
    pub fn stop(&self, always: bool) {
        if !(self.started_by_us || always) {
            return;
        }
        let mut c = self.cmd("pg_ctl");
        c.arg("stop").arg("-m").arg("fast").arg("-D").arg(&self.data_dir);
        match self.run(c, "pg_ctl stop") {
            Ok(()) => tracing::info!("embedded PostgreSQL stopped"),
            Err(e) => tracing::warn!(error = %e, "could not stop the embedded PostgreSQL"),
        }
    }
}

/// Creates `database` on the cluster if it does not exist.
pub async fn ensure_database(admin_url: &str, database: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    let exists: bool = sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
        .bind(database)
        .fetch_one(&mut conn)
        .await?;
    if !exists {
        // Identifiers cannot be bound; the name is ours and checked here.
        anyhow::ensure!(database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "bad database name");
        sqlx::query(&format!("create database {database}")).execute(&mut conn).await?;
    }
    Ok(())
}
