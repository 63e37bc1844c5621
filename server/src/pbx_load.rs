//! `server pbx-load`: sustained signed call events against running instances, as an exchange
//! sends them (one event a webhook), for `make bench`. A load generator in Rust: Node's fetch
//! spent more of the two cores than the servers it measured.
//!
//! Environment: `BENCH_A` and `BENCH_B` (base URLs, used in turn), `BENCH_EXCHANGE` (the
//! exchange's id), `BENCH_SECRET` (its key). Prints `name: value unit` lines.

use anyhow::{Context, bail};
use std::time::{Duration, Instant};

const CALLS: usize = 2500;
const WIDTH: usize = 32;

pub async fn run() -> anyhow::Result<()> {
    let env = |k: &str| std::env::var(k).with_context(|| format!("{k} is not set"));
    let bases = [env("BENCH_A")?, env("BENCH_B")?];
    let (exchange, secret) = (env("BENCH_EXCHANGE")?, env("BENCH_SECRET")?);
    let urls: Vec<String> = bases.iter().map(|b| format!("{b}/api/v1/pbx/{exchange}/events")).collect();
    let client = reqwest::Client::builder().pool_max_idle_per_host(WIDTH).build()?;
    let events = events(CALLS);

    let started = Instant::now();
    let (accepted, _, mut latencies) = send_all(&client, &urls, &secret, &events).await?;
    let seconds = started.elapsed().as_secs_f64();
    if accepted != events.len() {
        bail!("{accepted} of {} events accepted", events.len());
    }
    // A tenth again, to the other instance: all taken as duplicates.
    let again: Vec<String> = events.iter().step_by(10).cloned().collect();
    let (_, duplicates, _) =
        send_all(&client, &urls[1..].iter().chain(&urls[..1]).cloned().collect::<Vec<_>>(), &secret, &again).await?;
    if duplicates != again.len() {
        bail!("{duplicates} of {} resent events taken as duplicates", again.len());
    }
    eprintln!("bench: {} events of {CALLS} calls in {seconds:.1} s; resent {duplicates}, all duplicates", events.len());
    latencies.sort();
    let pct =
        |q: f64| latencies[((q * latencies.len() as f64).ceil() as usize).saturating_sub(1)].as_secs_f64() * 1000.0;
    println!("pbx_events_per_s: {:.1} /s", events.len() as f64 / seconds);
    println!("pbx_webhook_p50_ms: {:.1} ms", pct(0.5));
    println!("pbx_webhook_p99_ms: {:.1} ms", pct(0.99));
    let (mut pops, mut from_send) = call_pops(&client, &bases, &urls[0], &secret).await?;
    pops.sort();
    from_send.sort();
    let p = |v: &[Duration], q: f64| v[((q * v.len() as f64).ceil() as usize).saturating_sub(1)].as_secs_f64() * 1000.0;
    println!("call_pop_p50_ms: {:.1} ms", p(&pops, 0.5));
    println!("call_pop_p99_ms: {:.1} ms", p(&pops, 0.99));
    // The NOTIFY is sent before the webhook answers, so the pop often beats the response: from
    // the request's start too.
    println!("call_pop_from_request_p99_ms: {:.1} ms", p(&from_send, 0.99));
    Ok(())
}

/// The demo agent's console stream on instance B; calls ring on their extension through
/// instance A one at a time: from each ringing webhook's response to its message on the stream.
async fn call_pops(
    client: &reqwest::Client,
    bases: &[String; 2],
    url_a: &str,
    secret: &str,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let login = client
        .post(format!("{}/api/login", bases[1]))
        .form(&[("username", "tinh.tongdai"), ("password", app::demo::DEMO_PASSWORD)])
        .send()
        .await?;
    let cookie: Vec<String> = login
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    if cookie.is_empty() {
        bail!("the demo agent could not sign in on {}: {}", bases[1], login.status());
    }
    let mut stream = client
        .get(format!("{}/api/hotline/events", bases[1]))
        .header(reqwest::header::COOKIE, cookie.join("; "))
        .send()
        .await?
        .error_for_status()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    tokio::spawn(async move {
        let mut buf = String::new();
        while let Ok(Some(chunk)) = stream.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let message: String = buf.drain(..end + 2).collect();
                if message.contains("\"kind\":\"ringing\"") && tx.send(Instant::now()).is_err() {
                    return;
                }
            }
        }
    });
    // The stream is open once its first keep-alive or message could arrive; give it a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let run = uuid::Uuid::now_v7();
    let (mut pops, mut from_send) = (Vec::with_capacity(POPS), Vec::with_capacity(POPS));
    for i in 0..POPS {
        let body = serde_json::json!({"call_id": format!("pop-{run}-{i}"), "event": "ringing", "at": chrono::Utc::now().to_rfc3339(),
                                      "from": "0905123456", "to": "1022", "extension": "101"})
        .to_string();
        let ts = chrono::Utc::now().timestamp();
        let sent = Instant::now();
        let r = client
            .post(url_a)
            .header("content-type", "application/json")
            .header("x-pbx-timestamp", ts.to_string())
            .header("x-pbx-signature", app::hotline::pbx::sign(secret, ts, body.as_bytes()))
            .body(body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("ringing webhook {}", r.status());
        }
        let answered = Instant::now();
        let popped = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .context("no pop within 5 s")?
            .context("stream ended")?;
        // The message may beat the webhook's response to this client: that is no wait at all.
        pops.push(popped.saturating_duration_since(answered));
        from_send.push(popped.saturating_duration_since(sent));
    }
    Ok((pops, from_send))
}

const POPS: usize = 200;

/// Ringing, answered, ended and a survey score for each call, an hour ago, as JSON bodies.
fn events(calls: usize) -> Vec<String> {
    let t0 = chrono::Utc::now() - chrono::Duration::hours(1);
    let mut out = Vec::with_capacity(calls * 4);
    for c in 0..calls {
        let at = |s: i64| (t0 + chrono::Duration::seconds(c as i64 + s)).to_rfc3339();
        let (id, ext) = (format!("load-{c}"), (101 + c % 20).to_string());
        let from = format!("09{:08}", 10_000_000 + c);
        out.push(serde_json::json!({"call_id": id, "event": "ringing", "at": at(0), "from": from, "to": "1022", "extension": ext, "queue": "civil"}).to_string());
        out.push(serde_json::json!({"call_id": id, "event": "answered", "at": at(8), "extension": ext}).to_string());
        out.push(serde_json::json!({"call_id": id, "event": "ended", "at": at(190), "cause": "normal"}).to_string());
        out.push(
            serde_json::json!({"call_id": id, "event": "survey", "at": at(200), "digits": (1 + c % 5).to_string()})
                .to_string(),
        );
    }
    out
}

/// Sends every body, `WIDTH` at a time, round-robin over `urls`: (accepted, duplicates, latencies).
async fn send_all(
    client: &reqwest::Client,
    urls: &[String],
    secret: &str,
    bodies: &[String],
) -> anyhow::Result<(usize, usize, Vec<Duration>)> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = (0..WIDTH).map(|_| async {
        let (mut accepted, mut duplicates, mut lat) = (0, 0, Vec::new());
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(body) = bodies.get(i) else { break };
            let ts = chrono::Utc::now().timestamp();
            let start = Instant::now();
            let r = client
                .post(&urls[i % urls.len()])
                .header("content-type", "application/json")
                .header("x-pbx-timestamp", ts.to_string())
                .header("x-pbx-signature", app::hotline::pbx::sign(secret, ts, body.as_bytes()))
                .body(body.clone())
                .send()
                .await?;
            let status = r.status();
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            if !status.is_success() {
                bail!("pbx {status}: {v}");
            }
            lat.push(start.elapsed());
            accepted += v["accepted"].as_u64().unwrap_or(0) as usize;
            duplicates += v["duplicates"].as_u64().unwrap_or(0) as usize;
        }
        Ok::<_, anyhow::Error>((accepted, duplicates, lat))
    });
    let mut total = (0, 0, Vec::with_capacity(bodies.len()));
    for r in futures_util::future::join_all(workers).await {
        let (a, d, l) = r?;
        total.0 += a;
        total.1 += d;
        total.2.extend(l);
    }
    Ok(total)
}
