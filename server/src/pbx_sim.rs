//! `server pbx-sim`: the local telephone exchange. Places, answers, transfers and hangs up
//! calls against a running server's webhook, signed like a real exchange, and uploads a
//! recording, so the demo and the end-to-end tests run the real path.
//!
//! ```text
//! server pbx-sim ring     --call ID --from 0905123456 [--extension 101]
//! server pbx-sim answer   --call ID --extension 101
//! server pbx-sim transfer --call ID --extension 102
//! server pbx-sim hangup   --call ID [--cause normal|no_answer|voicemail|caller_hangup]
//! server pbx-sim survey   --call ID --digits 5
//! server pbx-sim record   --call ID [--seconds 4]
//! server pbx-sim call     --from 0905123456 --extension 101 [--talk 5]   (ring, answer, hang up, record)
//! ```
//! `PBX_URL` (default `http://127.0.0.1:3000`), `PBX_EXCHANGE` and `PBX_SECRET` (default: the
//! demo exchange) say where and as whom.

use anyhow::{Context, bail};
use app::hotline::sim::{DEMO_EXCHANGE, DEMO_SECRET, Step};
use std::time::Duration;

struct Exchange {
    base: String,
    id: String,
    secret: String,
    http: reqwest::Client,
}

impl Exchange {
    async fn post(&self, call: &str, step: Step) -> anyhow::Result<()> {
        let body = step.body(call, chrono::Utc::now());
        let ts = chrono::Utc::now().timestamp();
        let r = self
            .http
            .post(format!("{}/api/v1/pbx/{}/events", self.base, self.id))
            .header("content-type", "application/json")
            .header("x-pbx-timestamp", ts.to_string())
            .header("x-pbx-signature", app::hotline::pbx::sign(&self.secret, ts, body.as_bytes()))
            .body(body)
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        if !status.is_success() {
            bail!("webhook answered {status}: {text}");
        }
        println!("{call}: {step:?} → {text}");
        Ok(())
    }

    async fn record(&self, call: &str, seconds: u32) -> anyhow::Result<()> {
        let audio = app::hotline::sim::wav(seconds);
        let ts = chrono::Utc::now().timestamp();
        let r = self
            .http
            .put(format!("{}/api/v1/pbx/{}/calls/{call}/recording", self.base, self.id))
            .header("content-type", "audio/wav")
            .header("x-pbx-timestamp", ts.to_string())
            .header("x-pbx-signature", app::hotline::pbx::sign(&self.secret, ts, &audio))
            .body(audio)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("recording upload answered {}: {}", r.status(), r.text().await.unwrap_or_default());
        }
        println!("{call}: recording of {seconds} s uploaded");
        Ok(())
    }
}

pub async fn run(args: &[String]) -> anyhow::Result<()> {
    let env = |k: &str, d: &str| std::env::var(k).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| d.to_owned());
    let ex = Exchange {
        base: env("PBX_URL", "http://127.0.0.1:3000").trim_end_matches('/').to_owned(),
        id: env("PBX_EXCHANGE", &DEMO_EXCHANGE.to_string()),
        secret: env("PBX_SECRET", DEMO_SECRET),
        http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
    };
    let command = args
        .first()
        .map(String::as_str)
        .context("pbx-sim: which step? ring, answer, transfer, hangup, survey, record or call")?;
    let opt = |name: &str| {
        args.iter().position(|a| a == &format!("--{name}")).and_then(|i| args.get(i + 1)).map(String::as_str)
    };
    let need = |name: &str| opt(name).with_context(|| format!("pbx-sim {command}: --{name} is required"));
    let owned = |s: &str| s.to_owned();
    match command {
        "ring" => {
            let step = Step::Ring { from: owned(need("from")?), extension: opt("extension").map(owned) };
            ex.post(need("call")?, step).await
        }
        "answer" => ex.post(need("call")?, Step::Answer { extension: owned(need("extension")?) }).await,
        "transfer" => ex.post(need("call")?, Step::Transfer { extension: owned(need("extension")?) }).await,
        "hangup" => ex.post(need("call")?, Step::Hangup { cause: owned(opt("cause").unwrap_or("normal")) }).await,
        "survey" => ex.post(need("call")?, Step::Survey { digits: owned(need("digits")?) }).await,
        "record" => ex.record(need("call")?, opt("seconds").and_then(|s| s.parse().ok()).unwrap_or(4)).await,
        "call" => {
            let call = opt("call").map(owned).unwrap_or_else(|| format!("sim-{}", uuid::Uuid::now_v7()));
            let extension = owned(need("extension")?);
            let talk = opt("talk").and_then(|s| s.parse().ok()).unwrap_or(5u64);
            ex.post(&call, Step::Ring { from: owned(need("from")?), extension: Some(extension.clone()) }).await?;
            tokio::time::sleep(Duration::from_secs(1)).await;
            ex.post(&call, Step::Answer { extension }).await?;
            tokio::time::sleep(Duration::from_secs(talk)).await;
            ex.post(&call, Step::Hangup { cause: "normal".into() }).await?;
            ex.record(&call, talk.clamp(1, 600) as u32).await
        }
        other => bail!("pbx-sim: unknown step {other}"),
    }
}
