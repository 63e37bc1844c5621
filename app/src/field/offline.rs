//! The collector's phone keeps its work in the browser, so nothing typed is lost without a
//! network: drafts and the outbox in IndexedDB (JSON records, photos as Blobs), photos
//! compressed on the phone, persistent storage asked for, and the outbox's photos sent with
//! plain `fetch` (a server function cannot carry a Blob).
//!
//! Only the hydrated app touches the browser; on the server every call is a no-op.

use super::dto::SubmissionReceipt;
use crate::civil::domain::DossierKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A capture being filled in on the phone (saved on every change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: Uuid,
    pub kind: DossierKind,
    pub task: Option<Uuid>,
    /// Who the visit is for (from the task), to find the draft again.
    pub family: String,
    pub fields: BTreeMap<String, String>,
    pub consent: bool,
    /// Keys of the photos in the `blobs` store, in order.
    pub photos: Vec<String>,
    pub started_at: DateTime<Utc>,
}

/// What an outbox item sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Payload {
    Capture {
        kind: DossierKind,
        task: Option<Uuid>,
        fields: BTreeMap<String, String>,
        /// The family agreed (required to finish a capture; the server records it).
        #[serde(default)]
        consent: bool,
    },
    Handover {
        code: String,
        recipient: String,
        relation: String,
        place: String,
        place_note: String,
    },
}

/// Where an outbox item stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum OutState {
    /// Not sent yet, or the last try failed for a passing reason (no network, server busy).
    Waiting { reason: Option<String> },
    /// The server answered: accepted, conflict or refused.
    Answered(SubmissionReceipt),
    /// The server will not take it as it is (the reason is an i18n key).
    Failed { reason: String },
}

/// A finished capture or handover waiting to be (or already) sent. Sent in `seq` order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// Sort key: capture time then id, so the outbox keeps the order things were done in.
    pub seq: String,
    /// The idempotency key the server stores the answer under.
    pub key: Uuid,
    pub payload: Payload,
    /// What the list shows (family or dossier code).
    pub label: String,
    pub photos: Vec<String>,
    /// Photos the server has confirmed: a resumed sync starts after them.
    pub photos_sent: usize,
    pub captured_at: DateTime<Utc>,
    pub state: OutState,
    pub tries: u32,
    /// The account that captured it: only that account sends it.
    #[serde(default)]
    pub user: Option<Uuid>,
    /// The draft it came from, to edit again if the server refuses it.
    #[serde(default)]
    pub draft: Option<Draft>,
}

impl Outgoing {
    pub fn waiting(&self) -> bool {
        matches!(self.state, OutState::Waiting { .. })
    }
    pub fn purpose(&self) -> &'static str {
        match self.payload {
            Payload::Capture { .. } => "paper",
            Payload::Handover { .. } => "handover",
        }
    }
}

pub fn draft_key(id: Uuid) -> String {
    format!("draft/{id}")
}

pub fn out_key(seq: &str) -> String {
    format!("out/{seq}")
}

pub fn new_seq(at: DateTime<Utc>, id: Uuid) -> String {
    format!("{:015}-{id}", at.timestamp_millis())
}

/// Storage used and allowed (bytes), and whether the browser promised to keep it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub used: f64,
    pub quota: f64,
    pub persisted: bool,
}

/// How a photo upload ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    Stored,
    /// Signed out: log in again, then it goes on.
    Unauthorized,
    /// The server refused this photo (too large, not an image…).
    Refused,
    /// No answer (offline, cut) or a server error: try again later.
    Retry,
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(not(feature = "hydrate"))]
pub use server_side::*;

#[cfg(not(feature = "hydrate"))]
mod server_side {
    //! No browser storage while rendering on the server.
    use super::*;
    pub async fn load_all() -> (Vec<Draft>, Vec<Outgoing>) {
        (Vec::new(), Vec::new())
    }
    pub async fn save_draft(_: &Draft) -> Result<(), String> {
        Ok(())
    }
    pub async fn delete_draft(_: &Draft) -> Result<(), String> {
        Ok(())
    }
    pub async fn finish_draft(_: &Draft, _: &Outgoing) -> Result<(), String> {
        Ok(())
    }
    pub async fn save_out(_: &Outgoing) -> Result<(), String> {
        Ok(())
    }
    pub async fn delete_out(_: &Outgoing) -> Result<(), String> {
        Ok(())
    }
    pub async fn usage() -> Option<Usage> {
        None
    }
    pub async fn cache_put<T: Serialize>(_: &str, _: &T) {}
    pub async fn cache_get<T: serde::de::DeserializeOwned>(_: &str) -> Option<T> {
        None
    }
    pub async fn cache_drop(_: &str) {}
    pub fn online() -> bool {
        true
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use js_sys::{Array, Promise};
    use std::cell::RefCell;
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Blob, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

    const DB: &str = "phucvu-field";
    const VERSION: u32 = 1;
    /// Drafts and outbox items (JSON text, keyed `draft/…` and `out/…`).
    const RECORDS: &str = "records";
    /// Photos, as Blobs.
    const BLOBS: &str = "blobs";

    thread_local! {
        static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
    }

    fn js_err(e: JsValue) -> String {
        e.as_string()
            .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
            .or_else(|| e.dyn_ref::<web_sys::DomException>().map(|e| e.message()))
            .unwrap_or_else(|| "browser storage error".into())
    }

    /// Resolves with the request's result once it succeeds.
    async fn done(req: &IdbRequest) -> Result<JsValue, JsValue> {
        let promise = Promise::new(&mut |resolve, reject| {
            let r = req.clone();
            let ok = Closure::once_into_js(move |_: web_sys::Event| {
                let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
            });
            let r = req.clone();
            let fail = Closure::once_into_js(move |_: web_sys::Event| {
                let e = r.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::NULL);
                let _ = reject.call1(&JsValue::NULL, &e);
            });
            req.set_onsuccess(Some(ok.unchecked_ref()));
            req.set_onerror(Some(fail.unchecked_ref()));
        });
        JsFuture::from(promise).await
    }

    /// Resolves when the transaction is on disk (or rejects when it aborts).
    async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
        let promise = Promise::new(&mut |resolve, reject| {
            let ok = Closure::once_into_js(move |_: web_sys::Event| {
                let _ = resolve.call0(&JsValue::NULL);
            });
            let reject2 = reject.clone();
            let fail = Closure::once_into_js(move |_: web_sys::Event| {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("transaction failed"));
            });
            let abort = Closure::once_into_js(move |_: web_sys::Event| {
                let _ = reject2.call1(&JsValue::NULL, &JsValue::from_str("transaction aborted"));
            });
            tx.set_oncomplete(Some(ok.unchecked_ref()));
            tx.set_onerror(Some(fail.unchecked_ref()));
            tx.set_onabort(Some(abort.unchecked_ref()));
        });
        JsFuture::from(promise).await.map(|_| ())
    }

    async fn db() -> Result<IdbDatabase, JsValue> {
        if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
            return Ok(db);
        }
        let factory = web_sys::window()
            .ok_or("no window")?
            .indexed_db()?
            .ok_or_else(|| JsValue::from_str("IndexedDB is not available"))?;
        let req: IdbOpenDbRequest = factory.open_with_u32(DB, VERSION)?;
        let upgrade = Closure::once_into_js(move |ev: web_sys::Event| {
            let Some(db) = ev
                .target()
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            else {
                return;
            };
            for store in [RECORDS, BLOBS] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        });
        req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db: IdbDatabase = done(&req).await?.dyn_into()?;
        OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
        Ok(db)
    }

    /// Writes and deletes in one transaction of `store`: all or nothing.
    async fn write(store: &str, puts: &[(String, JsValue)], deletes: &[String]) -> Result<(), String> {
        let run = async {
            let db = db().await?;
            let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
            let s = tx.object_store(store)?;
            for (k, v) in puts {
                s.put_with_key(v, &JsValue::from_str(k))?;
            }
            for k in deletes {
                s.delete(&JsValue::from_str(k))?;
            }
            committed(&tx).await
        };
        run.await.map_err(js_err)
    }

    async fn get(store: &str, key: &str) -> Result<JsValue, String> {
        let run = async {
            let db = db().await?;
            let tx = db.transaction_with_str(store)?;
            done(&tx.object_store(store)?.get(&JsValue::from_str(key))?).await
        };
        run.await.map_err(js_err)
    }

    async fn all_records() -> Result<Vec<String>, String> {
        let run = async {
            let db = db().await?;
            let tx = db.transaction_with_str(RECORDS)?;
            let values: Array = done(&tx.object_store(RECORDS)?.get_all()?).await?.dyn_into()?;
            Ok::<_, JsValue>(values.iter().filter_map(|v| v.as_string()).collect())
        };
        run.await.map_err(js_err)
    }

    fn json<T: Serialize>(v: &T) -> JsValue {
        JsValue::from_str(&serde_json::to_string(v).unwrap_or_default())
    }

    /// Drafts (newest first) and the outbox (in sending order).
    pub async fn load_all() -> (Vec<Draft>, Vec<Outgoing>) {
        let records = all_records().await.unwrap_or_default();
        let mut drafts: Vec<Draft> = records.iter().filter_map(|r| serde_json::from_str(r).ok()).collect();
        let mut out: Vec<Outgoing> = records.iter().filter_map(|r| serde_json::from_str(r).ok()).collect();
        drafts.sort_by_key(|d| std::cmp::Reverse(d.started_at));
        out.sort_by(|a, b| a.seq.cmp(&b.seq));
        (drafts, out)
    }

    pub async fn save_draft(d: &Draft) -> Result<(), String> {
        write(RECORDS, &[(draft_key(d.id), json(d))], &[]).await
    }

    /// Deletes a draft and its photos.
    pub async fn delete_draft(d: &Draft) -> Result<(), String> {
        write(RECORDS, &[], &[draft_key(d.id)]).await?;
        write(BLOBS, &[], &d.photos).await
    }

    /// A finished draft becomes an outbox item in one transaction: never both, never neither.
    pub async fn finish_draft(d: &Draft, o: &Outgoing) -> Result<(), String> {
        write(RECORDS, &[(out_key(&o.seq), json(o))], &[draft_key(d.id)]).await
    }

    pub async fn save_out(o: &Outgoing) -> Result<(), String> {
        write(RECORDS, &[(out_key(&o.seq), json(o))], &[]).await
    }

    /// Removes a sent item and its photos from the phone.
    pub async fn delete_out(o: &Outgoing) -> Result<(), String> {
        write(RECORDS, &[], &[out_key(&o.seq)]).await?;
        write(BLOBS, &[], &o.photos).await
    }

    pub async fn save_blob(key: &str, blob: &Blob) -> Result<(), String> {
        write(BLOBS, &[(key.to_owned(), blob.into())], &[]).await
    }

    pub async fn blob(key: &str) -> Option<Blob> {
        get(BLOBS, key).await.ok()?.dyn_into().ok()
    }

    pub fn online() -> bool {
        web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
    }

    /// Keeps the last list the server gave (visits, certificates to hand over) for offline use,
    /// with the time it was kept.
    pub async fn cache_put<T: Serialize>(name: &str, v: &T) {
        let kept = serde_json::json!({ "at": js_sys::Date::now(), "v": v });
        let _ = write(RECORDS, &[(format!("cache/{name}"), json(&kept))], &[]).await;
    }

    /// The kept list while a session could still be open (families' names and addresses must
    /// not outlive it on the phone); an older copy is deleted.
    pub async fn cache_get<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
        let kept: serde_json::Value =
            serde_json::from_str(&get(RECORDS, &format!("cache/{name}")).await.ok()?.as_string()?).ok()?;
        let age_ms = js_sys::Date::now() - kept.get("at")?.as_f64()?;
        if !(0.0..=crate::field::dto::KEEP_LISTS_HOURS * 3_600_000.0).contains(&age_ms) {
            cache_drop(name).await;
            return None;
        }
        serde_json::from_value(kept.get("v")?.clone()).ok()
    }

    /// Forgets a kept list (the session ended).
    pub async fn cache_drop(name: &str) {
        let _ = write(RECORDS, &[], &[format!("cache/{name}")]).await;
    }

    /// Asks the browser not to evict the app's data under storage pressure, and reports usage.
    pub async fn usage() -> Option<Usage> {
        let storage = web_sys::window()?.navigator().storage();
        let persisted = match storage.persisted() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()).unwrap_or(false),
            Err(_) => false,
        };
        let persisted = if persisted {
            true
        } else {
            match storage.persist() {
                Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()).unwrap_or(false),
                Err(_) => false,
            }
        };
        let estimate = JsFuture::from(storage.estimate().ok()?).await.ok()?;
        let num = |k: &str| js_sys::Reflect::get(&estimate, &JsValue::from_str(k)).ok().and_then(|v| v.as_f64());
        Some(Usage { used: num("usage").unwrap_or(0.0), quota: num("quota").unwrap_or(0.0), persisted })
    }

    /// A photo from the camera, made smaller on the phone: at most 1600 px on its long side, JPEG
    /// at quality 0.7 (a 12-megapixel photo of a paper becomes ~200 KB and stays readable).
    pub async fn compress(file: &Blob) -> Result<Blob, String> {
        let run = async {
            let window = web_sys::window().ok_or("no window")?;
            let bitmap: web_sys::ImageBitmap =
                JsFuture::from(window.create_image_bitmap_with_blob(file)?).await?.dyn_into()?;
            let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
            let scale = (1600.0 / w.max(h)).min(1.0);
            let (tw, th) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
            let canvas: web_sys::HtmlCanvasElement =
                window.document().ok_or("no document")?.create_element("canvas")?.dyn_into()?;
            canvas.set_width(tw as u32);
            canvas.set_height(th as u32);
            let ctx: web_sys::CanvasRenderingContext2d =
                canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
            ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th)?;
            bitmap.close();
            canvas_blob(&canvas, "image/jpeg", 0.7).await
        };
        run.await.map_err(js_err)
    }

    /// The canvas's picture as a Blob.
    pub async fn canvas_blob(canvas: &web_sys::HtmlCanvasElement, kind: &str, quality: f64) -> Result<Blob, JsValue> {
        let promise = Promise::new(&mut |resolve, _reject| {
            let cb = Closure::once_into_js(move |b: JsValue| {
                let _ = resolve.call1(&JsValue::NULL, &b);
            });
            let _ = canvas.to_blob_with_type_and_encoder_options(cb.unchecked_ref(), kind, &JsValue::from_f64(quality));
        });
        JsFuture::from(promise).await?.dyn_into().map_err(|_| JsValue::from_str("the picture could not be encoded"))
    }

    /// Sends photo `n` of an outbox item.
    pub async fn upload(key: Uuid, n: usize, purpose: &str, blob: &Blob) -> Upload {
        let Some(window) = web_sys::window() else { return Upload::Retry };
        let init = web_sys::RequestInit::new();
        init.set_method("PUT");
        init.set_body(blob);
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        let url = format!("/api/field/photos/{key}/{n}?purpose={purpose}");
        let Ok(req) = web_sys::Request::new_with_str_and_init(&url, &init) else { return Upload::Retry };
        match JsFuture::from(window.fetch_with_request(&req)).await {
            Ok(resp) => match resp.dyn_into::<web_sys::Response>().map(|r| r.status()) {
                Ok(200..=299) => Upload::Stored,
                Ok(401) => Upload::Unauthorized,
                // Timeout and throttling pass; other 4xx answers will not change by retrying.
                Ok(408 | 429) => Upload::Retry,
                Ok(400..=499) => Upload::Refused,
                _ => Upload::Retry,
            },
            Err(_) => Upload::Retry,
        }
    }

    /// A local address for showing a stored photo.
    pub fn object_url(blob: &Blob) -> Option<String> {
        web_sys::Url::create_object_url_with_blob(blob).ok()
    }

    /// Asks the service worker to keep this page and every file it loaded (the app, its lazy
    /// parts, styles) for use without a network.
    pub fn keep_for_offline(path: &str) {
        let Some(window) = web_sys::window() else { return };
        let urls: Array = window
            .performance()
            .map(|p| p.get_entries_by_type("resource"))
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.dyn_into::<web_sys::PerformanceEntry>().ok())
            .filter_map(|e| {
                let name = e.name();
                let origin = window.location().origin().ok()?;
                let path = name.strip_prefix(&origin)?;
                (path.starts_with("/pkg/") || path.starts_with("/icons/")).then(|| JsValue::from_str(path))
            })
            .collect();
        let sw = window.navigator().service_worker();
        let path = path.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(ready) = sw.ready() else { return };
            let Ok(reg) = JsFuture::from(ready).await else { return };
            let Some(active) = reg.dyn_into::<web_sys::ServiceWorkerRegistration>().ok().and_then(|r| r.active())
            else {
                return;
            };
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"type".into(), &"keep-page".into());
            let _ = js_sys::Reflect::set(&msg, &"url".into(), &JsValue::from_str(&path));
            let _ = js_sys::Reflect::set(&msg, &"assets".into(), &urls);
            let _ = active.post_message(&msg);
        });
    }
}
