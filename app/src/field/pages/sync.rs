//! The app's state on the phone and its sync engine: drafts and the outbox in IndexedDB, sent
//! strictly in capture order, photos first, each under its idempotency key, resumable.

use crate::{
    civil::domain::DossierKind,
    field::{
        dto::{Outcome, ToDeliver},
        offline::{self, Draft, OutState, Outgoing, Payload},
        server::{field_deliver, field_submit},
    },
    kernel::error::AppError,
};
use chrono::{DateTime, Utc};
use leptos::{prelude::*, task::spawn_local};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The phone's clock (chrono's clock is not available in the browser build).
pub(super) fn now() -> DateTime<Utc> {
    #[cfg(feature = "hydrate")]
    {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Utc::now()
    }
}

pub(super) fn today() -> chrono::NaiveDate {
    now().with_timezone(&crate::kernel::time::vn_offset()).date_naive()
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tab {
    Visits,
    Capture,
    Outbox,
}

/// The app's state on the phone.
#[derive(Clone, Copy)]
pub(super) struct Field {
    pub(super) drafts: RwSignal<Vec<Draft>>,
    pub(super) outbox: RwSignal<Vec<Outgoing>>,
    pub(super) online: RwSignal<bool>,
    pub(super) usage: RwSignal<Option<offline::Usage>>,
    pub(super) syncing: RwSignal<bool>,
    /// IndexedDB has been read (the lists are not "empty" before that).
    pub(super) loaded: RwSignal<bool>,
    pub(super) tab: RwSignal<Tab>,
    /// The draft open in the form.
    pub(super) editing: RwSignal<Option<Uuid>>,
    /// The certificate whose handover is being recorded.
    pub(super) delivering: RwSignal<Option<ToDeliver>>,
    /// A storage failure to show (the browser refused to write).
    pub(super) storage_error: RwSignal<Option<String>>,
    /// Server answers arrived: reload the lists and figures.
    pub(super) answers: RwSignal<u32>,
    /// The signed-in collector (items captured under another account wait for it).
    pub(super) me: RwSignal<Option<Uuid>>,
    /// Draft writes not yet on disk.
    pub(super) saving: RwSignal<u32>,
}

impl Field {
    pub(super) fn new() -> Self {
        Self {
            drafts: RwSignal::new(Vec::new()),
            outbox: RwSignal::new(Vec::new()),
            online: RwSignal::new(true),
            usage: RwSignal::new(None),
            syncing: RwSignal::new(false),
            loaded: RwSignal::new(false),
            tab: RwSignal::new(Tab::Visits),
            editing: RwSignal::new(None),
            delivering: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            answers: RwSignal::new(0),
            me: RwSignal::new(None),
            saving: RwSignal::new(0),
        }
    }

    pub(super) async fn reload(self) {
        let (drafts, out) = offline::load_all().await;
        self.drafts.set(drafts);
        self.outbox.set(out);
        self.loaded.set(true);
        self.usage.set(offline::usage().await);
    }

    pub(super) fn stored(self, r: Result<(), String>) -> bool {
        match r {
            Ok(()) => true,
            Err(e) => {
                self.storage_error.set(Some(e));
                false
            }
        }
    }

    /// Saves a draft on the phone and in the list.
    pub(super) fn save_draft(self, d: Draft) {
        self.drafts.update(|list| match list.iter_mut().find(|x| x.id == d.id) {
            Some(x) => *x = d.clone(),
            None => list.insert(0, d.clone()),
        });
        self.saving.update(|n| *n += 1);
        spawn_local(async move {
            let r = offline::save_draft(&d).await;
            let _ = self.saving.try_update(|n| *n = n.saturating_sub(1));
            self.stored(r);
        });
    }

    /// Shows an outbox item's new state (the page may be gone by the time a send ends).
    pub(super) fn show_out(self, item: &Outgoing) {
        let _ = self.outbox.try_update(|list| {
            if let Some(x) = list.iter_mut().find(|x| x.seq == item.seq) {
                *x = item.clone();
            }
        });
    }

    pub(super) fn waiting(self) -> usize {
        self.outbox.with(|o| o.iter().filter(|x| x.waiting()).count())
    }

    /// Sends the outbox in order; stops at the first item that cannot go now (no network,
    /// signed out) so nothing overtakes it. Safe to call at any time: one run at a time.
    pub(super) fn sync(self) {
        if self.syncing.try_get_untracked().is_none_or(|s| s) || !offline::online() {
            return;
        }
        self.syncing.set(true);
        spawn_local(async move {
            let (_, items) = offline::load_all().await;
            let me = self.me.get_untracked();
            let mut answered = false;
            for mut item in items.into_iter().filter(Outgoing::waiting) {
                // Captured under another account on this phone: sent only by that account.
                if item.user.is_some() && item.user != me {
                    let other = OutState::Waiting { reason: Some("other_account".into()) };
                    if item.state != other {
                        item.state = other;
                        let _ = offline::save_out(&item).await;
                        self.show_out(&item);
                    }
                    continue;
                }
                let go_on = send(self, &mut item).await;
                answered |= matches!(item.state, OutState::Answered(_));
                let _ = offline::save_out(&item).await;
                self.show_out(&item);
                if !go_on {
                    break;
                }
            }
            // The page may have been left while sending: its signals may be gone.
            let _ = self.syncing.try_set(false);
            if answered {
                let _ = self.answers.try_update(|n| *n += 1);
            }
            let usage = offline::usage().await;
            let _ = self.usage.try_set(usage);
        });
    }
}

/// Sends one item: its photos not yet confirmed, then the form. `false`: stop the run.
pub(super) async fn send(f: Field, item: &mut Outgoing) -> bool {
    let _ = f;
    item.tries += 1;
    #[cfg(feature = "hydrate")]
    {
        while item.photos_sent < item.photos.len() {
            let Some(blob) = offline::blob(&item.photos[item.photos_sent]).await else {
                item.state = OutState::Failed { reason: "photo_missing".into() };
                return true;
            };
            match offline::upload(item.key, item.photos_sent, item.purpose(), &blob).await {
                offline::Upload::Stored => {
                    item.photos_sent += 1;
                    // Saved at once: a cut after this photo resumes with the next one.
                    let _ = offline::save_out(item).await;
                }
                offline::Upload::Unauthorized => {
                    item.state = OutState::Waiting { reason: Some("signed_out".into()) };
                    return false;
                }
                offline::Upload::Refused => {
                    item.state = OutState::Failed { reason: "photo_refused".into() };
                    return true;
                }
                offline::Upload::Retry => {
                    item.state = OutState::Waiting { reason: Some("no_network".into()) };
                    return false;
                }
            }
        }
    }
    let captured = Some(item.captured_at.to_rfc3339());
    let answer = match &item.payload {
        Payload::Capture { kind, task, fields, consent } => {
            let mut fields: BTreeMap<String, String> =
                fields.iter().filter(|(k, _)| !k.starts_with("qr:")).map(|(k, v)| (k.clone(), v.clone())).collect();
            fields.insert("consent".into(), if *consent { "1" } else { "0" }.into());
            field_submit(item.key.to_string(), kind.as_str().to_owned(), fields, task.map(|t| t.to_string()), captured)
                .await
        }
        Payload::Handover { code, recipient, relation, place, place_note } => {
            field_deliver(
                item.key.to_string(),
                code.clone(),
                recipient.clone(),
                relation.clone(),
                place.clone(),
                place_note.clone(),
                captured,
            )
            .await
        }
    };
    match answer {
        Ok(receipt) => {
            item.state = OutState::Answered(receipt);
            true
        }
        Err(AppError::Transport(_)) => {
            item.state = OutState::Waiting { reason: Some("no_network".into()) };
            false
        }
        Err(AppError::Unauthorized) => {
            item.state = OutState::Waiting { reason: Some("signed_out".into()) };
            false
        }
        Err(AppError::Internal(_) | AppError::Throttled(_)) => {
            item.state = OutState::Waiting { reason: Some("server_busy".into()) };
            false
        }
        Err(AppError::Forbidden) => {
            item.state = OutState::Failed { reason: "forbidden".into() };
            true
        }
        Err(AppError::TooLarge) => {
            item.state = OutState::Failed { reason: "too_large".into() };
            true
        }
        Err(AppError::Validation(errs)) => {
            item.state = OutState::Answered(crate::field::dto::SubmissionReceipt {
                idempotency_key: item.key,
                outcome: Outcome::Refused,
                dossier_code: None,
                conflict_with: None,
                errors: Some(errs),
                reason: None,
                photos: 0,
            });
            true
        }
        Err(e) => {
            item.state = OutState::Failed {
                reason: match e {
                    AppError::Conflict(k) => k.key().into(),
                    AppError::NotFound => "not_found".into(),
                    _ => "refused".into(),
                },
            };
            true
        }
    }
}

/// Who a capture is about, for the lists: the visit's family, else the names or numbers typed.
pub(super) fn capture_label(d: &Draft) -> String {
    if !d.family.is_empty() {
        return d.family.clone();
    }
    let g = |k: &str| d.fields.get(k).map(String::as_str).unwrap_or("").trim().to_owned();
    match d.kind {
        DossierKind::Birth if !g("child_name").is_empty() => g("child_name"),
        DossierKind::Birth => g("mother_id"),
        DossierKind::Marriage => format!("{} – {}", g("husband_id"), g("wife_id")),
        DossierKind::Death => g("deceased_id"),
    }
}

pub(super) fn use_field() -> Field {
    expect_context::<Field>()
}
