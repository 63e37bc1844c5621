//! Background work every instance runs (each step claims its rows, so two instances never do
//! the same work twice): copying call recordings from the exchanges into the object store,
//! deleting recordings past their retention, and the hotline cases' reminders and escalations.

use app::state::AppState;
use std::time::Duration;

pub fn start(st: AppState) {
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .expect("BUG: HTTP client");
        let mut tick = tokio::time::interval(Duration::from_secs(20));
        for round in 0u64.. {
            tick.tick().await;
            if st.db.is_closed() {
                return;
            }
            copy_recordings(&st, &http).await;
            // Retention and drafts are days-long matters: every five minutes is plenty.
            if round % 15 != 0 {
                continue;
            }
            match app::hotline::service::recordings::expire(&st.db, st.files.as_ref(), chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(recordings = n, "recordings past retention deleted"),
                Err(e) => tracing::warn!(error = %e, "recording retention failed"),
            }
            if let Err(e) = app::evaluation::api::case_sweep(&st.db, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "case reminders failed");
            }
            if let Err(e) = app::hotline::service::kb::draft_consented_cases(&st.db).await {
                tracing::warn!(error = %e, "drafting answers from cases failed");
            }
        }
    });
}

/// Downloads recordings the exchanges reported by URL (Stringee, OMICall); a failed download
/// is tried again on the next rounds, five times in all.
pub async fn copy_recordings(st: &AppState, http: &reqwest::Client) {
    let claimed = match app::hotline::service::recordings::claim_downloads(&st.db, 5).await {
        Ok(c) => c,
        Err(e) => return tracing::warn!(error = %e, "claiming recordings failed"),
    };
    for (call_id, url) in claimed {
        let fetched = async {
            let resp = http.get(&url).send().await?.error_for_status()?;
            let content_type =
                resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let audio = resp.bytes().await?;
            Ok::<_, reqwest::Error>((content_type, audio))
        };
        match fetched.await {
            Ok((ct, audio)) if audio.len() <= app::hotline::service::recordings::MAX_RECORDING_BYTES => {
                let name = url.split('?').next().unwrap_or("");
                let kind = app::hotline::service::recordings::audio_kind(ct.as_deref(), name).unwrap_or("mp3");
                if let Err(e) =
                    app::hotline::service::recordings::store(&st.db, st.files.as_ref(), call_id, kind, audio).await
                {
                    tracing::warn!(%call_id, error = %e, "storing a recording failed");
                }
            }
            Ok(_) => tracing::warn!(%call_id, "recording over the size limit; not copied"),
            Err(e) => tracing::warn!(%call_id, error = %e, "downloading a recording failed"),
        }
    }
}
