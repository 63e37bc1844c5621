//! `server` serves the app. `server db-start` / `server db-stop` manage the embedded cluster
//! for scripts (tests, benchmarks); `server pbx-load` sends a telephone exchange's load for
//! `make bench`; `server pbx-sim` is the local telephone exchange.

use anyhow::Context;
use server::{
    config::Config,
    embedded_db::{self, EmbeddedPg},
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let config = Config::from_env()?;
    match std::env::args().nth(1).as_deref() {
        Some("db-start") => {
            let pg = EmbeddedPg::start(&config.embedded_dir, config.embedded_port)?;
            embedded_db::ensure_database(&pg.admin_url(), "phucvu").await?;
            println!("{}", pg.url("phucvu"));
            Ok(())
        }
        Some("db-stop") => {
            EmbeddedPg::start(&config.embedded_dir, config.embedded_port)?.stop(true);
            Ok(())
        }
        Some("pbx-load") => server::pbx_load::run().await,
        Some("pbx-sim") => server::pbx_sim::run(&std::env::args().skip(2).collect::<Vec<_>>()).await,
        Some(other) => {
            anyhow::bail!("unknown command {other}; use no argument, db-start, db-stop, pbx-load or pbx-sim")
        }
        None => run(config).await,
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    config.check()?;
    let embedded = match &config.database_url {
        Some(_) => None,
        None => Some(EmbeddedPg::start(&config.embedded_dir, config.embedded_port)?),
    };
    let url = match (&config.database_url, &embedded) {
        (Some(url), _) => url.clone(),
        (None, Some(pg)) => {
            embedded_db::ensure_database(&pg.admin_url(), "phucvu").await?;
            pg.url("phucvu")
        }
        (None, None) => unreachable!("BUG: no database"),
    };
    let result = serve(config, &url).await;
    if let Some(pg) = embedded {
        pg.stop(false);
    }
    result
}

async fn serve(config: Config, url: &str) -> anyhow::Result<()> {
    if config.settings.dev_inbox {
        let warning = "DEVELOPER INBOX ON: every SMS and one-time code is readable by anyone at /dev/inbox. \
                       Never use PHUCVU_DEV_INBOX on a server people reach.";
        tracing::warn!("{warning}");
        eprintln!("\n\x1b[1;31m!!! {warning}\x1b[0m\n");
    }
    let db = server::connect(url, config.db_max_connections).await.context("connecting to PostgreSQL")?;
    server::MIGRATOR.run(&db).await.context("applying migrations")?;
    if config.demo_data {
        let accounts = app::demo::load(&db).await.map_err(|e| anyhow::anyhow!("loading demo data: {e}"))?;
        println!("\nDemo accounts (password for staff: {}):", app::demo::DEMO_PASSWORD);
        for a in accounts {
            println!("  {:<44} {:<24} {}", a.login, a.role.as_str(), a.where_);
        }
        println!();
    }
    let options = server::leptos_options(&config.site_root, &config.site_pkg_dir, config.addr);
    let files = app::files::open(&config.files).map_err(|e| anyhow::anyhow!("opening the file store: {e}"))?;
    if config.demo_data {
        app::hotline::demo::activity(&db, files.as_ref()).await.map_err(|e| anyhow::anyhow!("demo calls: {e}"))?;
    }
    let state = server::app_state(db.clone(), options, config.settings.clone(), files);
    tokio::spawn(app::notify::service::run_dispatcher(db.clone(), state.notifier.clone()));
    state.live.start(db.clone());
    server::jobs::start(state.clone());
    let listener =
        tokio::net::TcpListener::bind(config.addr).await.with_context(|| format!("binding {}", config.addr))?;
    tracing::info!("listening on http://{}", config.addr);
    println!("phucvu is serving on http://{}", config.addr);
    println!(
        "  book an appointment: http://{}/book   offices, kiosks, counters, TV boards: http://{}/offices",
        config.addr, config.addr
    );
    server::serve(listener, server::router(state), shutdown_signal()).await?;
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
