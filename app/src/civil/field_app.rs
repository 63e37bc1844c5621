//! `/field`: the Women's Union collector's phone app. Once opened online it works with no
//! network: visits and certificates to hand over come with the page (kept by the service
//! worker); captures and handovers are drafts, then outbox items, in IndexedDB; the outbox is
//! sent in order when the network returns, each item under its own idempotency key, photos
//! first, resumable, and every answer (dossier code, conflict, refusal) stays on the phone.
//!
//! `/visit`: a family member asks for a visit (or the hotline does for them).

use super::field::{Outcome, TaskView, ToDeliver};
use super::i18n::{ct, use_cmsgs};
use super::offline::{self, Draft, OutState, Outgoing, Payload};
use super::server::{
    CivilPerson, RequestVisit, TakeTask, field_deliver, field_submit, field_tasks, field_to_deliver, visit_communes,
};
use super::{domain::DossierKind, form};
use crate::{
    error::{AppError, FieldErrors},
    i18n::{Locale, format_date, format_datetime, use_locale},
    ui::problem::{ErrorPanel, Problem},
};
use chrono::{DateTime, Utc};
use leptos::{form::ActionForm, prelude::*, task::spawn_local};
use leptos_meta::Title;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The phone's clock (chrono's clock is not available in the browser build).
fn now() -> DateTime<Utc> {
    #[cfg(feature = "hydrate")]
    {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Utc::now()
    }
}

fn today() -> chrono::NaiveDate {
    now().with_timezone(&crate::i18n::vn_offset()).date_naive()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Visits,
    Capture,
    Outbox,
}

/// The app's state on the phone.
#[derive(Clone, Copy)]
struct Field {
    drafts: RwSignal<Vec<Draft>>,
    outbox: RwSignal<Vec<Outgoing>>,
    online: RwSignal<bool>,
    usage: RwSignal<Option<offline::Usage>>,
    syncing: RwSignal<bool>,
    /// IndexedDB has been read (the lists are not "empty" before that).
    loaded: RwSignal<bool>,
    tab: RwSignal<Tab>,
    /// The draft open in the form.
    editing: RwSignal<Option<Uuid>>,
    /// The certificate whose handover is being recorded.
    delivering: RwSignal<Option<ToDeliver>>,
    /// A storage failure to show (the browser refused to write).
    storage_error: RwSignal<Option<String>>,
    /// Server answers arrived: reload the lists and figures.
    answers: RwSignal<u32>,
    /// The signed-in collector (items captured under another account wait for it).
    me: RwSignal<Option<Uuid>>,
    /// Draft writes not yet on disk.
    saving: RwSignal<u32>,
}

impl Field {
    fn new() -> Self {
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

    async fn reload(self) {
        let (drafts, out) = offline::load_all().await;
        self.drafts.set(drafts);
        self.outbox.set(out);
        self.loaded.set(true);
        self.usage.set(offline::usage().await);
    }

    fn stored(self, r: Result<(), String>) -> bool {
        match r {
            Ok(()) => true,
            Err(e) => {
                self.storage_error.set(Some(e));
                false
            }
        }
    }

    /// Saves a draft on the phone and in the list.
    fn save_draft(self, d: Draft) {
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
    fn show_out(self, item: &Outgoing) {
        let _ = self.outbox.try_update(|list| {
            if let Some(x) = list.iter_mut().find(|x| x.seq == item.seq) {
                *x = item.clone();
            }
        });
    }

    fn waiting(self) -> usize {
        self.outbox.with(|o| o.iter().filter(|x| x.waiting()).count())
    }

    /// Sends the outbox in order; stops at the first item that cannot go now (no network,
    /// signed out) so nothing overtakes it. Safe to call at any time: one run at a time.
    fn sync(self) {
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
async fn send(f: Field, item: &mut Outgoing) -> bool {
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
            item.state = OutState::Answered(super::field::SubmissionReceipt {
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
                    AppError::Conflict(k) => k,
                    AppError::NotFound => "not_found".into(),
                    _ => "refused".into(),
                },
            };
            true
        }
    }
}

/// Who a capture is about, for the lists: the visit's family, else the names or numbers typed.
fn capture_label(d: &Draft) -> String {
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

/// `/field`: visits, capture, outbox.
#[component]
pub fn FieldApp() -> impl IntoView {
    let f = Field::new();
    provide_context(f);
    let fm = use_fmsgs();
    // Browser only: read the phone's store, follow the network, keep the app for offline use.
    let listeners = StoredValue::new(Vec::<WindowListenerHandle>::new());
    Effect::new(move |_| {
        f.online.set(offline::online());
        spawn_local(async move {
            f.reload().await;
            f.sync();
        });
        #[cfg(feature = "hydrate")]
        offline::keep_for_offline("/field");
        let on = window_event_listener(leptos::ev::online, move |_| {
            f.online.set(true);
            f.sync();
        });
        let off = window_event_listener(leptos::ev::offline, move |_| f.online.set(false));
        listeners.set_value(vec![on, off]);
    });
    on_cleanup(move || {
        for l in listeners.try_update_value(std::mem::take).unwrap_or_default() {
            l.remove();
        }
    });
    // Who is signed in (from the page, also when it comes from the offline cache).
    let session = crate::use_session().user;
    Effect::new(move |_| {
        if let Some(Ok(Some(u))) = session.get() {
            f.me.set(Some(u.user_id));
        }
    });
    // A try every 30 s while something waits (a network that came back without an event); the
    // timer exists only in the browser.
    let timer = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Ok(h) = set_interval_with_handle(
            move || {
                if f.waiting() > 0 {
                    f.sync();
                }
            },
            std::time::Duration::from_secs(30),
        ) {
            timer.set_value(Some(h));
        }
    });
    on_cleanup(move || {
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
    });
    let tab = move |t: Tab, label: Signal<String>| {
        view! {
            <button type="button" class="tab" role="tab" aria-selected=move || (f.tab.get() == t).to_string()
                    on:click=move |_| f.tab.set(t)>{label}</button>
        }
    };
    // The app runs in the browser only: the page kept for offline use is just this shell, so
    // hydrating it never depends on the data it was saved with (lists come from the server, or
    // from the phone's copy when offline).
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <Title text=move || fm().title />
        <section class="panel field-app">
            <h1>{move || fm().title}</h1>
            <Show when=move || mounted.get() fallback=move || view! { <p class="notice" data-testid="field-loading">{fm().opening}</p> }>
            <StatusBar />
            <nav class="tabs" role="tablist">
                {tab(Tab::Visits, Signal::derive(move || fm().tab_visits.to_owned()))}
                {tab(Tab::Capture, Signal::derive(move || {
                    let n = f.drafts.with(Vec::len);
                    if n > 0 { format!("{} ({n})", fm().tab_capture) } else { fm().tab_capture.to_owned() }
                }))}
                {tab(Tab::Outbox, Signal::derive(move || format!("{} ({})", fm().tab_outbox, f.waiting())))}
            </nav>
            <div hidden=move || f.tab.get() != Tab::Visits><VisitsTab /></div>
            <div hidden=move || f.tab.get() != Tab::Capture><CaptureTab /></div>
            <div hidden=move || f.tab.get() != Tab::Outbox><OutboxTab /></div>
            </Show>
        </section>
    }
}

fn use_field() -> Field {
    expect_context::<Field>()
}

/// Network, storage used and promised, what waits to be sent.
#[component]
fn StatusBar() -> impl IntoView {
    let f = use_field();
    let fm = use_fmsgs();
    let mb = |b: f64| format!("{:.1}", b / 1_048_576.0);
    view! {
        <div class="field-status" data-testid="field-status">
            <p>
                <span class=move || if f.online.get() { "badge ok" } else { "badge warn" } data-testid="network">
                    {move || if f.online.get() { fm().online } else { fm().offline }}
                </span>
                " "
                <span data-testid="waiting">{move || (fm().waiting)(f.waiting())}</span>
                " "
                <button type="button" class="button small" disabled=move || f.syncing.get() || !f.online.get()
                        on:click=move |_| f.sync()>
                    {move || if f.syncing.get() { fm().sending } else { fm().send_now }}
                </button>
            </p>
            <p class="muted small" data-testid="storage">
                {move || f.usage.get().map(|u| format!(
                    "{} {} / {} MB · {}", fm().storage_used, mb(u.used), mb(u.quota),
                    if u.persisted { fm().persisted } else { fm().not_persisted }
                ))}
            </p>
            {move || f.storage_error.get().map(|e| view! { <p class="notice error" role="alert">{fm().storage_failed} " " {e}</p> })}
        </div>
    }
}

/// Visits of the commune and the collector's own; certificates to hand over; her figures.
#[component]
fn VisitsTab() -> impl IntoView {
    let f = use_field();
    let m = use_cmsgs();
    let fm = use_fmsgs();
    let take = ServerAction::<TakeTask>::new();
    let done = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(take.value().get(), Some(Ok(_))) {
            done.update(|v| *v += 1);
        }
    });
    // From the server, kept on the phone; the phone's copy when there is no network.
    let tasks = LocalResource::new(move || {
        let _ = done.get();
        async move {
            match field_tasks().await {
                Ok(list) => {
                    offline::cache_put("tasks", &list).await;
                    Ok(list)
                }
                // No network: the phone's copy. Signed out: the copy goes too.
                Err(e @ AppError::Transport(_)) => offline::cache_get::<Vec<TaskView>>("tasks").await.ok_or(e),
                Err(e) => {
                    if e == AppError::Unauthorized {
                        offline::cache_drop("tasks").await;
                    }
                    Err(e)
                }
            }
        }
    });
    let deliveries = LocalResource::new(move || {
        let _ = f.answers.get();
        async move {
            match field_to_deliver().await {
                Ok(list) => {
                    offline::cache_put("deliveries", &list).await;
                    Ok(list)
                }
                // No network: the phone's copy. Signed out: the copy goes too.
                Err(e @ AppError::Transport(_)) => offline::cache_get::<Vec<ToDeliver>>("deliveries").await.ok_or(e),
                Err(e) => {
                    if e == AppError::Unauthorized {
                        offline::cache_drop("deliveries").await;
                    }
                    Err(e)
                }
            }
        }
    });
    let err = Signal::derive(move || take.value().get().and_then(Result::err));
    let start = move |kind: DossierKind, task: Option<&TaskView>| {
        let d = Draft {
            id: Uuid::new_v4(),
            kind,
            task: task.map(|t| t.task_id),
            family: task.map(|t| t.family_name.clone()).unwrap_or_default(),
            fields: BTreeMap::new(),
            consent: false,
            photos: Vec::new(),
            started_at: now(),
        };
        // In the list first: the form opens on a draft it can find.
        let id = d.id;
        f.save_draft(d);
        f.editing.set(Some(id));
        f.tab.set(Tab::Capture);
    };
    view! {
        <super::pages::FieldFigures />
        <h2>{move || fm().new_visit}</h2>
        <p class="row">
            {DossierKind::ALL.into_iter().map(|k| view! {
                <button type="button" class="button" data-testid=format!("start-{}", k.as_str())
                        on:click=move |_| start(k, None)>{move || m().kind(k)}</button>
            }).collect_view()}
        </p>
        <h2>{ct(|m| m.field_title)}</h2>
        <Show when=move || !f.online.get()><p class="muted small">{move || fm().list_offline}</p></Show>
        <Problem error=err />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match tasks.await {
                    Err(e) if f.online.get_untracked() => view! { <ErrorPanel error=e /> }.into_any(),
                    Err(_) => view! { <p class="notice">{fm().list_offline}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="notice">{ct(|m| m.no_tasks)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" data-testid="tasks">
                            {list.into_iter().map(|t| {
                                let id = t.task_id.to_string();
                                let data_id = id.clone();
                                let mine = t.mine;
                                let source = m().task_source(&t.source);
                                let kind = t.kind;
                                let task = t.clone();
                                view! {
                                    <li class="card" data-task=data_id class:mine=mine>
                                        <p><strong>{m().kind(t.kind)}</strong> " · " {source}
                                            {mine.then(|| view! { " · " <span class="badge ok">{ct(|m| m.task_mine)}</span> })}</p>
                                        <p class="family">{t.family_name.clone()}</p>
                                        <p class="muted">{t.address.clone()}</p>
                                        {t.legal_deadline.map(|d| view! { <p>{ct(|m| m.task_deadline)} ": " <strong>{format_date(d)}</strong></p> })}
                                        {t.phone.clone().map(|p| view! { <p><a href=format!("tel:{p}")>{p.clone()}</a></p> })}
                                        {(!t.note.is_empty()).then(|| view! { <p>{t.note.clone()}</p> })}
                                        <p class="row">
                                            {mine.then(|| view! {
                                                <button type="button" class="button primary" data-testid="capture-task"
                                                        on:click=move |_| start(kind, Some(&task))>{move || fm().capture}</button>
                                            })}
                                            <ActionForm action=take attr:class="inline">
                                                <input type="hidden" name="task" value=id />
                                                <input type="hidden" name="take" value=if mine { "0" } else { "1" } />
                                                <button type="submit" class=if mine { "button" } else { "button primary" }
                                                        disabled=move || take.pending().get() || !f.online.get()>
                                                    {move || if mine { m().task_hand_back } else { m().task_take }}
                                                </button>
                                            </ActionForm>
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
        <h2>{move || fm().to_deliver}</h2>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match deliveries.await {
                    Err(_) => view! { <p class="notice">{fm().list_offline}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="notice">{fm().nothing_to_deliver}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards" data-testid="to-deliver">
                            {list.into_iter().map(|d| {
                                let code = d.code.clone();
                                let item = d.clone();
                                let recorded = move || f.outbox.with(|o| o.iter().any(|x| {
                                    matches!(&x.payload, Payload::Handover { code: c, .. } if *c == code)
                                        && (x.waiting() || matches!(&x.state, OutState::Answered(r) if r.outcome == Outcome::Accepted))
                                }));
                                view! {
                                    <li class="card" data-code=d.code.clone()>
                                        <p><strong>{m().kind(d.kind)}</strong> " · " {d.code.clone()}
                                            {d.flagged.then(|| view! { " " <span class="badge warn">{move || fm().undelivered_flag}</span> })}</p>
                                        <p class="family">{d.subject_name.clone()}</p>
                                        {d.registered_at.map(|t| view! { <p class="muted">{move || fm().registered_on} " " {format_datetime(t)}</p> })}
                                        <p class="muted small">{move || if d.letter_signed { fm().letter_ready } else { fm().letter_unsigned }}</p>
                                        <p>
                                            <Show when=recorded fallback=move || {
                                                let item = item.clone();
                                                view! {
                                                    <button type="button" class="button primary" data-testid="deliver"
                                                            on:click=move |_| { f.delivering.set(Some(item.clone())); f.tab.set(Tab::Capture); }>
                                                        {move || fm().record_handover}
                                                    </button>
                                                }
                                            }>
                                                <span class="badge ok">{move || fm().handover_recorded}</span>
                                            </Show>
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The drafts on the phone and the open form (a capture or a handover).
#[component]
fn CaptureTab() -> impl IntoView {
    let f = use_field();
    let m = use_cmsgs();
    let fm = use_fmsgs();
    view! {
        {move || f.delivering.get().map(|d| view! { <HandoverForm item=d /> })}
        {move || {
            let id = f.editing.get()?;
            let d = f.drafts.with_untracked(|l| l.iter().find(|x| x.id == id).cloned())?;
            Some(view! { <CaptureForm draft=d /> })
        }}
        <h2>{move || fm().drafts}</h2>
        <Show when=move || f.loaded.get() && f.drafts.with(Vec::is_empty)>
            <p class="notice">{move || fm().no_drafts}</p>
        </Show>
        <ul class="cards" data-testid="drafts">
            <For each=move || f.drafts.get() key=|d| (d.id, d.fields.len(), d.photos.len()) let:d>
                {
                    let id = d.id;
                    let kind = d.kind;
                    let who = capture_label(&d);
                    view! {
                        <li class="card" data-draft=id.to_string()>
                            <p><strong>{move || m().kind(kind)}</strong> " · " {who}</p>
                            <p class="muted small">{format_datetime(d.started_at)} " · " {(fm().photos_n)(d.photos.len())}</p>
                            <p class="row">
                                <button type="button" class="button" on:click=move |_| f.editing.set(Some(id))>{move || fm().continue_draft}</button>
                            </p>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

/// The translated error of a field checked on the phone.
fn error_text(errors: RwSignal<Option<FieldErrors>>, key: &'static str) -> impl Fn() -> Option<String> + Copy {
    let locale = use_locale();
    move || errors.with(|e| e.as_ref().and_then(|e| e.get(key))).map(|e| locale.get().msgs().field_error(e))
}

/// A capture form: the dossier's own fields and checks, chip-card QR or registry lookup for
/// numbers, photos of the papers, the family's consent. Saved on the phone at every change.
#[component]
fn CaptureForm(draft: Draft) -> impl IntoView {
    let f = use_field();
    let m = use_cmsgs();
    let fm = use_fmsgs();
    let d = RwSignal::new(draft);
    let errors = RwSignal::new(None::<FieldErrors>);
    let consent_missing = RwSignal::new(false);
    let kind = d.get_untracked().kind;
    let save = move || f.save_draft(d.get_untracked());
    let set_field = move |key: &'static str, value: String| {
        d.update(|x| {
            x.fields.insert(key.to_owned(), value);
        });
        save();
    };
    let field_err = move |key: &'static str| error_text(errors, key);
    let finishing = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let finish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if finishing.get_untracked() || busy.get_untracked() {
            return;
        }
        let draft = d.get_untracked();
        // The same checks as the office's form; the registry's checks follow on the server.
        let parsed = form::parse(draft.kind, &draft.fields, today());
        consent_missing.set(!draft.consent);
        match parsed {
            Err(e) => {
                errors.set(Some(e));
                return;
            }
            Ok(_) => errors.set(None),
        }
        if !draft.consent {
            return;
        }
        let at = now();
        let out = Outgoing {
            seq: offline::new_seq(at, draft.id),
            // The draft's own id: a second tap can never make a second dossier.
            key: draft.id,
            user: f.me.get_untracked(),
            payload: Payload::Capture {
                kind: draft.kind,
                task: draft.task,
                fields: draft.fields.clone(),
                consent: draft.consent,
            },
            label: capture_label(&draft),
            photos: draft.photos.clone(),
            photos_sent: 0,
            captured_at: at,
            state: OutState::Waiting { reason: None },
            tries: 0,
            draft: Some(draft.clone()),
        };
        finishing.set(true);
        spawn_local(async move {
            let _ = finishing.try_set(false);
            if f.stored(offline::finish_draft(&draft, &out).await) {
                f.drafts.update(|l| l.retain(|x| x.id != draft.id));
                f.outbox.update(|l| l.push(out));
                f.editing.set(None);
                f.tab.set(Tab::Outbox);
                f.sync();
            }
        });
    };
    let discard = move |_| {
        let draft = d.get_untracked();
        #[cfg(feature = "hydrate")]
        if !web_sys::window().and_then(|w| w.confirm_with_message(fm().discard_confirm).ok()).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if f.stored(offline::delete_draft(&draft).await) {
                f.drafts.update(|l| l.retain(|x| x.id != draft.id));
                f.editing.set(None);
            }
        });
    };
    view! {
        <form class="stack dossier-form capture" data-testid="capture-form" novalidate on:submit=finish>
            <h2>{move || m().kind(kind)} {move || { let fam = d.with(|x| x.family.clone()); (!fam.is_empty()).then(|| format!(" · {fam}")) }}</h2>
            {form::fields(kind).iter().map(|spec| {
                let key = spec.key;
                let value = d.with_untracked(|x| x.fields.get(key).cloned().unwrap_or_default());
                let id = format!("c-{key}");
                let err_id = format!("{id}-err");
                let err = field_err(key);
                let control = match spec.input {
                    form::Input::Sex => view! {
                        <select id=id.clone() required=spec.required aria-describedby=err_id.clone()
                                on:change=move |ev| set_field(key, event_target_value(&ev))>
                            <option value=""></option>
                            <option value="male" selected=value == "male">{move || m().sex_male}</option>
                            <option value="female" selected=value == "female">{move || m().sex_female}</option>
                        </select>
                    }.into_any(),
                    form::Input::Id => view! { <IdInput key id=id.clone() value=value.clone() set=Callback::new(move |v: String| set_field(key, v)) draft=d /> }.into_any(),
                    input => {
                        let (t, mode) = match input {
                            form::Input::Date => ("date", None),
                            form::Input::Time => ("time", None),
                            form::Input::Phone => ("tel", Some("tel")),
                            _ => ("text", None),
                        };
                        view! {
                            <input id=id.clone() type=t inputmode=mode value=value required=spec.required
                                   aria-describedby=err_id.clone() aria-invalid=move || err().is_some().then_some("true")
                                   on:input=move |ev| set_field(key, event_target_value(&ev)) />
                        }.into_any()
                    }
                };
                view! {
                    <div class="field">
                        <label for=id>{move || m().label(key)}</label>
                        {control}
                        <p class="field-error" id=err_id role="alert">{err}</p>
                    </div>
                }
            }).collect_view()}
            <Photos draft=d busy purpose_label=Signal::derive(move || fm().photos_papers.to_owned()) />
            <label class="check">
                <input type="checkbox" data-testid="consent" prop:checked=move || d.with(|x| x.consent)
                       on:change=move |ev| { d.update(|x| x.consent = event_target_checked(&ev)); save(); } />
                {move || fm().consent}
            </label>
            <p class="field-error" role="alert">{move || consent_missing.get().then(|| fm().consent_required)}</p>
            <p class="muted small">{move || fm().saved_on_phone} " "
                <span data-testid="save-state" role="status">{move || if f.saving.get() > 0 { fm().saving } else { fm().saved_here }}</span></p>
            <p class="row">
                <button type="submit" class="button primary" data-testid="finish"
                        disabled=move || busy.get() || finishing.get()>{move || fm().finish}</button>
                <button type="button" class="button" disabled=move || busy.get() on:click=move |_| f.editing.set(None)>{move || fm().later}</button>
                <button type="button" class="button danger" disabled=move || busy.get() on:click=discard>{move || fm().discard}</button>
            </p>
        </form>
    }
}

/// A personal number: typed, read from the chip card's QR with the camera, or looked up in the
/// registry while online (who it is, shown to check).
#[component]
fn IdInput(
    key: &'static str,
    id: String,
    value: String,
    set: Callback<String>,
    draft: RwSignal<Draft>,
) -> impl IntoView {
    let f = use_field();
    let m = use_cmsgs();
    let fm = use_fmsgs();
    let locale = use_locale();
    let scanning = RwSignal::new(false);
    let typed = RwSignal::new(value.clone());
    let lookup = ServerAction::<CivilPerson>::new();
    let hint_key = format!("qr:{key}");
    let hint = {
        let hint_key = hint_key.clone();
        move || draft.with(|d| d.fields.get(&hint_key).cloned())
    };
    let scanned = move |text: String| {
        scanning.set(false);
        let year = chrono::Datelike::year(&today());
        match super::domain::ChipQr::parse(&text, year) {
            Some(card) => {
                let number = card.personal_id.as_str().to_owned();
                typed.set(number.clone());
                draft.update(|d| {
                    d.fields
                        .insert(format!("qr:{key}"), format!("{} · {}", card.full_name, format_date(card.birth_date)));
                });
                set.run(number);
            }
            None => {
                draft.update(|d| {
                    d.fields.insert(format!("qr:{key}"), fm().not_a_card.to_owned());
                });
            }
        }
    };
    view! {
        <div class="row">
            <input id=id type="text" inputmode="numeric" prop:value=move || typed.get() placeholder=ct(|m| m.id_or_qr)
                   on:input=move |ev| { let v = event_target_value(&ev); typed.set(v.clone()); lookup.value().set(None); set.run(v); } />
            <button type="button" class="button" on:click=move |_| scanning.update(|s| *s = !*s)>{move || fm().scan_card}</button>
            <button type="button" class="button" disabled=move || !f.online.get()
                    on:click=move |_| { lookup.dispatch(CivilPerson { query: typed.get_untracked() }); }>{ct(|m| m.look_up)}</button>
        </div>
        <Show when=move || scanning.get()>
            <crate::queue::scanner::QrScanner on_code=Callback::new(scanned) />
        </Show>
        {move || hint().map(|h| view! { <p class="muted small" data-testid=format!("card-{key}")>{h}</p> })}
        {move || lookup.value().get().map(|r| match r {
            Ok(p) => {
                let name = p.fields.iter().find(|(k, _)| k.as_str() == "name").map(|(_, v)| v.clone()).unwrap_or_default();
                let birth = p.fields.iter().find(|(k, _)| k.as_str() == "birth").map(|(_, v)| v.clone()).unwrap_or_default();
                view! { <p class="prefill small" data-testid=format!("registry-{key}")>{ct(|m| m.from_registry)} ": " {name} " · " {birth}</p> }.into_any()
            }
            Err(e) => {
                let text = e.field("person").map(|fe| locale.get().msgs().field_error(fe)).unwrap_or_else(|| m().label("person"));
                view! { <p class="field-error">{text}</p> }.into_any()
            }
        })}
    }
}

/// Photos taken with the camera, compressed and kept on the phone.
#[component]
fn Photos(
    draft: RwSignal<Draft>,
    /// Compressing: the form waits for the photo before it can be finished.
    busy: RwSignal<bool>,
    purpose_label: Signal<String>,
    /// A handover's photo: kept with the form, not as a draft of its own.
    #[prop(optional)]
    transient: bool,
) -> impl IntoView {
    let f = use_field();
    let fm = use_fmsgs();
    let urls = RwSignal::new(Vec::<(String, String)>::new());
    // Show the stored photos (object URLs made in the browser), when the list of photos changes.
    let photos = Memo::new(move |_| draft.with(|d| d.photos.clone()));
    Effect::new(move |_| {
        let keys = photos.get();
        let _ = &keys;
        #[cfg(feature = "hydrate")]
        spawn_local(async move {
            let mut out = Vec::new();
            for k in keys {
                if let Some(url) = offline::blob(&k).await.as_ref().and_then(offline::object_url) {
                    out.push((k, url));
                }
            }
            let _ = urls.try_set(out);
        });
    });
    let add = move |ev: leptos::ev::Event| {
        let _ = &ev;
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(files) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.item(i)).collect();
            input.set_value("");
            busy.set(true);
            spawn_local(async move {
                for file in files {
                    match offline::compress(&file).await {
                        Ok(small) => {
                            let key = Uuid::new_v4().to_string();
                            if f.stored(offline::save_blob(&key, &small).await) {
                                draft.update(|d| d.photos.push(key));
                                if !transient && let Some(d) = draft.try_get_untracked() {
                                    f.save_draft(d);
                                }
                            }
                        }
                        Err(e) => f.storage_error.set(Some(e)),
                    }
                }
                let _ = busy.try_set(false);
            });
        }
    };
    let remove = move |key: String| {
        draft.update(|d| d.photos.retain(|k| *k != key));
        if !transient {
            f.save_draft(draft.get_untracked());
        }
    };
    view! {
        <fieldset class="photos">
            <legend>{purpose_label}</legend>
            <ul class="thumbs" data-testid="photos">
                <For each=move || urls.get() key=|(k, _)| k.clone() let:p>
                    {
                        let key = p.0.clone();
                        view! {
                            <li><img src=p.1 alt="" width="96" />
                                <button type="button" class="button small" on:click=move |_| remove(key.clone())>{move || fm().remove}</button></li>
                        }
                    }
                </For>
            </ul>
            <label class="button">
                {move || if busy.get() { fm().compressing } else { fm().take_photo }}
                <input type="file" accept="image/*" capture="environment" multiple class="visually-hidden"
                       data-testid="photo-input" on:change=add />
            </label>
        </fieldset>
    }
}

/// The handover of a certificate and its letter: who received it, where, a photo or a signature
/// drawn on the screen; the time is the phone's. Goes to the outbox like a capture.
#[component]
fn HandoverForm(item: ToDeliver) -> impl IntoView {
    let f = use_field();
    let m = use_cmsgs();
    let fm = use_fmsgs();
    let recipient = RwSignal::new(String::new());
    let relation = RwSignal::new(String::new());
    let place = RwSignal::new("home".to_owned());
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(None::<FieldErrors>);
    // The photo, kept in a throwaway draft so the photo control works the same way.
    let holder = RwSignal::new(Draft {
        id: Uuid::new_v4(),
        kind: item.kind,
        task: None,
        family: item.subject_name.clone(),
        fields: BTreeMap::new(),
        consent: true,
        photos: Vec::new(),
        started_at: now(),
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let signed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let code = item.code.clone();
    let err = move |key: &'static str| error_text(errors, key);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errs = FieldErrors::default();
        if busy.get_untracked() {
            return;
        }
        let who = recipient.get_untracked().trim().to_owned();
        if who.chars().count() < 2 {
            errs.push("recipient", crate::error::FieldError::TooShort { min: 2 });
        }
        if !errs.is_empty() {
            errors.set(Some(errs));
            return;
        }
        errors.set(None);
        let code = code.clone();
        let at = now();
        spawn_local(async move {
            #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
            let mut photos = holder.get_untracked().photos;
            #[cfg(feature = "hydrate")]
            if signed.get_untracked()
                && let Some(c) = canvas.get_untracked()
                && let Ok(blob) = offline::canvas_blob(&c, "image/png", 1.0).await
            {
                let key = Uuid::new_v4().to_string();
                if f.stored(offline::save_blob(&key, &blob).await) {
                    photos.insert(0, key);
                }
            }
            let id = Uuid::new_v4();
            let out = Outgoing {
                seq: offline::new_seq(at, id),
                key: id,
                user: f.me.get_untracked(),
                payload: Payload::Handover {
                    code: code.clone(),
                    recipient: who,
                    relation: relation.get_untracked(),
                    place: place.get_untracked(),
                    place_note: note.get_untracked(),
                },
                label: code,
                photos,
                photos_sent: 0,
                captured_at: at,
                state: OutState::Waiting { reason: None },
                tries: 0,
                draft: None,
            };
            if f.stored(offline::save_out(&out).await) {
                f.outbox.update(|l| l.push(out));
                f.delivering.set(None);
                f.tab.set(Tab::Outbox);
                f.sync();
            }
        });
    };
    view! {
        <form class="stack handover" data-testid="handover-form" novalidate on:submit=save>
            <h2>{move || fm().record_handover} " · " {item.code.clone()}</h2>
            <p>{move || m().kind(item.kind)} " · " {item.subject_name.clone()}</p>
            <div class="field">
                <label for="h-recipient">{move || fm().recipient}</label>
                <input id="h-recipient" type="text" required on:input=move |ev| recipient.set(event_target_value(&ev))
                       aria-describedby="h-recipient-err" />
                <p class="field-error" id="h-recipient-err" role="alert">{err("recipient")}</p>
            </div>
            <div class="field">
                <label for="h-relation">{move || fm().relation}</label>
                <input id="h-relation" type="text" on:input=move |ev| relation.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="h-place">{move || fm().place}</label>
                <select id="h-place" on:change=move |ev| place.set(event_target_value(&ev))>
                    {super::field::PLACES.into_iter().map(|p| view! { <option value=p selected=p == "home">{move || fm().place_name(p)}</option> }).collect_view()}
                </select>
                <input type="text" aria-label=move || fm().place_note on:input=move |ev| note.set(event_target_value(&ev)) placeholder=move || fm().place_note />
            </div>
            <fieldset class="signature">
                <legend>{move || fm().signature}</legend>
                <SignaturePad canvas signed />
            </fieldset>
            <Photos draft=holder busy purpose_label=Signal::derive(move || fm().photo_handover.to_owned()) transient=true />
            <p class="row">
                <button type="submit" class="button primary" data-testid="save-handover" disabled=move || busy.get()>{move || fm().save_handover}</button>
                <button type="button" class="button" on:click=move |_| f.delivering.set(None)>{move || fm().cancel}</button>
            </p>
        </form>
    }
}

/// A signature drawn with a finger.
#[component]
fn SignaturePad(canvas: NodeRef<leptos::html::Canvas>, signed: RwSignal<bool>) -> impl IntoView {
    let fm = use_fmsgs();
    let drawing = RwSignal::new(false);
    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some((ctx, x, y)) = pad::point(canvas, &ev) {
            ctx.set_line_width(3.0);
            ctx.set_line_cap("round");
            ctx.begin_path();
            ctx.move_to(x, y);
            drawing.set(true);
        }
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        let _ = &ev;
        #[cfg(feature = "hydrate")]
        if let Some((ctx, x, y)) = pad::point(canvas, &ev) {
            ctx.line_to(x, y);
            ctx.stroke();
            signed.set(true);
        }
    };
    let up = move |_| drawing.set(false);
    let clear = move |_| {
        #[cfg(feature = "hydrate")]
        pad::clear(canvas);
        signed.set(false);
    };
    view! {
        <canvas node_ref=canvas width="600" height="200" class="signature-pad" data-testid="signature"
                aria-label=move || fm().signature on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointerleave=up></canvas>
        <button type="button" class="button small" on:click=clear>{move || fm().clear}</button>
    }
}

#[cfg(feature = "hydrate")]
mod pad {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::CanvasRenderingContext2d;

    fn ctx(c: &web_sys::HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
        c.get_context("2d").ok().flatten()?.dyn_into().ok()
    }

    /// The drawing context and the pointer's place in canvas pixels.
    pub(super) fn point(
        canvas: NodeRef<leptos::html::Canvas>,
        ev: &web_sys::PointerEvent,
    ) -> Option<(CanvasRenderingContext2d, f64, f64)> {
        let c = canvas.get_untracked()?;
        let rect = c.get_bounding_client_rect();
        let sx = f64::from(c.width()) / rect.width().max(1.0);
        let sy = f64::from(c.height()) / rect.height().max(1.0);
        Some((ctx(&c)?, (f64::from(ev.client_x()) - rect.left()) * sx, (f64::from(ev.client_y()) - rect.top()) * sy))
    }

    pub(super) fn clear(canvas: NodeRef<leptos::html::Canvas>) {
        if let Some(c) = canvas.get_untracked()
            && let Some(ctx) = ctx(&c)
        {
            ctx.clear_rect(0.0, 0.0, f64::from(c.width()), f64::from(c.height()));
        }
    }
}

/// What waits to be sent, and what the server answered.
#[component]
fn OutboxTab() -> impl IntoView {
    let f = use_field();
    let m = use_cmsgs();
    let fm = use_fmsgs();
    let locale = use_locale();
    let edit = move |item: Outgoing| {
        // Refused: back to a draft to correct; sent again later under a new key.
        let Some(mut d) = item.draft.clone() else { return };
        d.id = Uuid::new_v4();
        spawn_local(async move {
            if f.stored(offline::save_draft(&d).await) {
                let _ = offline::delete_out(&Outgoing { photos: Vec::new(), ..item.clone() }).await;
                f.outbox.update(|l| l.retain(|x| x.seq != item.seq));
                f.drafts.update(|l| l.insert(0, d.clone()));
                f.editing.set(Some(d.id));
                f.tab.set(Tab::Capture);
            }
        });
    };
    // Failed for a reason that may have passed (a photo refused, a forbidden state fixed at the
    // office): sent again under the same key.
    let retry = move |mut item: Outgoing| {
        item.state = OutState::Waiting { reason: None };
        spawn_local(async move {
            if f.stored(offline::save_out(&item).await) {
                f.show_out(&item);
                f.sync();
            }
        });
    };
    let remove = move |item: Outgoing| {
        #[cfg(feature = "hydrate")]
        if !web_sys::window().and_then(|w| w.confirm_with_message(fm().discard_confirm).ok()).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if f.stored(offline::delete_out(&item).await) {
                f.outbox.update(|l| l.retain(|x| x.seq != item.seq));
            }
        });
    };
    let clear_sent = move |_| {
        let sent: Vec<Outgoing> = f.outbox.with(|l| {
            l.iter()
                .filter(|x| matches!(&x.state, OutState::Answered(r) if r.outcome == Outcome::Accepted))
                .cloned()
                .collect()
        });
        spawn_local(async move {
            for o in &sent {
                let _ = offline::delete_out(o).await;
            }
            f.outbox.update(|l| l.retain(|x| !sent.iter().any(|s| s.seq == x.seq)));
            f.usage.set(offline::usage().await);
        });
    };
    view! {
        <Show when=move || f.loaded.get() && f.outbox.with(Vec::is_empty)>
            <p class="notice">{move || fm().outbox_empty}</p>
        </Show>
        <ol class="cards outbox" data-testid="outbox">
            <For each=move || f.outbox.get() key=|o| (o.seq.clone(), format!("{:?}{}", o.state, o.photos_sent)) let:o>
                {
                    let what = match &o.payload {
                        Payload::Capture { kind, .. } => m().kind(*kind).to_owned(),
                        Payload::Handover { .. } => fm().handover.to_owned(),
                    };
                    let photos = format!("{}/{}", o.photos_sent, o.photos.len());
                    let state = match &o.state {
                        OutState::Waiting { reason } => view! {
                            <p class="badge warn" data-state="waiting">{fm().state_waiting}
                                {reason.clone().map(|r| format!(" · {}", fm().reason(&r)))}</p>
                        }.into_any(),
                        OutState::Failed { reason } => {
                            let (again, gone) = (o.clone(), o.clone());
                            view! {
                                <p class="badge danger" data-state="failed">{fm().state_failed} " · " {fm().reason(reason)}</p>
                                <p class="row">
                                    <button type="button" class="button small" on:click=move |_| retry(again.clone())>{fm().retry}</button>
                                    <button type="button" class="button small danger" on:click=move |_| remove(gone.clone())>{fm().remove}</button>
                                </p>
                            }.into_any()
                        }
                        OutState::Answered(r) => match r.outcome {
                            Outcome::Accepted => view! {
                                <p class="badge ok" data-state="accepted">{fm().state_accepted} " "
                                    <strong data-testid="dossier-code">{r.dossier_code.clone()}</strong></p>
                            }.into_any(),
                            Outcome::Conflict => view! {
                                <div class="notice warn" data-state="conflict">
                                    <p><strong>{fm().state_conflict}</strong> " " {r.dossier_code.clone()}</p>
                                    <p>{match (&r.conflict_with, &r.reason) {
                                        (Some(other), _) => (fm().conflict_with)(other),
                                        (None, Some(reason)) => fm().reason(reason).to_owned(),
                                        (None, None) => r.errors.as_ref().and_then(|e| e.0.first().map(|(_, e)| locale.get_untracked().msgs().field_error(*e))).unwrap_or_default(),
                                    }}</p>
                                </div>
                            }.into_any(),
                            Outcome::Refused => {
                                let item = o.clone();
                                let errs: Vec<String> = r.errors.as_ref().map(|e| e.0.iter().map(|(k, e)| format!("{}: {}", m().label(k), locale.get_untracked().msgs().field_error(*e))).collect()).unwrap_or_default();
                                let reason = r.reason.clone().map(|x| fm().reason(&x).to_owned());
                                view! {
                                    <div class="notice error" data-state="refused">
                                        <p><strong>{fm().state_refused}</strong></p>
                                        <ul>{errs.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                                        {reason.map(|r| view! { <p>{r}</p> })}
                                        {item.draft.is_some().then(|| view! {
                                            <button type="button" class="button" on:click=move |_| edit(item.clone())>{fm().edit_again}</button>
                                        })}
                                    </div>
                                }.into_any()
                            }
                        },
                    };
                    let data_kind = if matches!(o.payload, Payload::Handover { .. }) { "handover" } else { "capture" };
                    view! {
                        <li class="card" data-key=o.key.to_string() data-kind=data_kind>
                            <p><strong>{what}</strong> " · " {o.label.clone()}</p>
                            <p class="muted small">{format_datetime(o.captured_at)} " · " {fm().photos} " " {photos}</p>
                            {state}
                        </li>
                    }
                }
            </For>
        </ol>
        <p><button type="button" class="button small" on:click=clear_sent>{move || fm().clear_sent}</button></p>
    }
}

/// `/visit`: a family asks the commune for a home visit (or the hotline does for them).
#[component]
pub fn VisitRequestPage() -> impl IntoView {
    let fm = use_fmsgs();
    let m = use_cmsgs();
    let locale = use_locale();
    let act = ServerAction::<RequestVisit>::new();
    let communes = Resource::new(|| (), |_| visit_communes());
    let err = Signal::derive(move || act.value().get().and_then(Result::err));
    let field_err = move |key: &'static str| {
        move || err.get().and_then(|e| e.field(key)).map(|e| locale.get().msgs().field_error(e))
    };
    view! {
        <Title text=move || fm().visit_title />
        <section class="panel visit-request">
            <h1>{move || fm().visit_title}</h1>
            <p>{move || fm().visit_intro}</p>
            {move || matches!(act.value().get(), Some(Ok(()))).then(|| view! {
                <p class="notice success" role="status" data-testid="visit-requested">{fm().visit_done}</p>
            })}
            // The server's checks, each next to its field (also without JavaScript).
            <ActionForm action=act attr:class="stack" attr:novalidate=true>
                <div class="field">
                    <label for="v-kind">{move || fm().visit_kind}</label>
                    <select id="v-kind" name="kind">
                        {DossierKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{move || m().kind(k)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="v-commune">{move || fm().visit_commune}</label>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = communes.await.unwrap_or_default();
                            view! {
                                <select id="v-commune" name="commune" required aria-describedby="v-commune-err">
                                    <option value=""></option>
                                    {list.into_iter().map(|(c, n)| view! { <option value=c>{n}</option> }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <p class="field-error" id="v-commune-err" role="alert">{field_err("commune_code")}</p>
                </div>
                {[("family_name", "text"), ("address", "text"), ("phone", "tel"), ("event_date", "date"), ("requester_name", "text"), ("note", "text")]
                    .into_iter().map(|(key, t)| {
                        let id = format!("v-{key}");
                        let err_id = format!("{id}-err");
                        view! {
                            <div class="field">
                                <label for=id.clone()>{move || fm().visit_label(key)}</label>
                                <input id=id name=key type=t aria-describedby=err_id.clone()
                                       required=matches!(key, "family_name" | "address" | "phone") />
                                <p class="field-error" id=err_id role="alert">{field_err(key)}</p>
                            </div>
                        }
                    }).collect_view()}
                <Problem error=err />
                <button type="submit" class="button primary" disabled=move || act.pending().get()>{move || fm().visit_send}</button>
            </ActionForm>
        </section>
    }
}

/// On the commune administrator's letters page: after how many days an undelivered
/// certificate is flagged.
#[component]
pub fn UndeliveredDaysForm() -> impl IntoView {
    let fm = use_fmsgs();
    let locale = use_locale();
    let act = ServerAction::<super::server::SetUndeliveredDays>::new();
    let days = Resource::new(|| (), |_| super::server::undelivered_days());
    let err = Signal::derive(move || act.value().get().and_then(Result::err));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                days.await.ok().map(|d| view! {
                    <ActionForm action=act attr:class="stack undelivered-days" attr:data-testid="undelivered-days">
                        <div class="field">
                            <label for="undelivered-days">{move || fm().undelivered_days}</label>
                            <input id="undelivered-days" name="days" type="number" min="1" max="90" value=d.to_string()
                                   aria-describedby="undelivered-days-err" />
                            <p class="field-error" id="undelivered-days-err" role="alert">
                                {move || err.get().and_then(|e| e.field("days")).map(|e| locale.get().msgs().field_error(e))}
                            </p>
                        </div>
                        {move || matches!(act.value().get(), Some(Ok(()))).then(|| view! { <p class="notice success" role="status">{fm().saved}</p> })}
                        <button type="submit" class="button" disabled=move || act.pending().get()>{move || fm().save}</button>
                    </ActionForm>
                })
            })}
        </Transition>
    }
}

/// Texts of the field app (Vietnamese first).
#[derive(Debug)]
pub struct FMsgs {
    pub title: &'static str,
    pub opening: &'static str,
    pub tab_visits: &'static str,
    pub tab_capture: &'static str,
    pub tab_outbox: &'static str,
    pub online: &'static str,
    pub offline: &'static str,
    pub waiting: fn(usize) -> String,
    pub send_now: &'static str,
    pub sending: &'static str,
    pub storage_used: &'static str,
    pub persisted: &'static str,
    pub not_persisted: &'static str,
    pub storage_failed: &'static str,
    pub new_visit: &'static str,
    pub capture: &'static str,
    pub list_offline: &'static str,
    pub to_deliver: &'static str,
    pub nothing_to_deliver: &'static str,
    pub undelivered_flag: &'static str,
    pub registered_on: &'static str,
    pub letter_ready: &'static str,
    pub letter_unsigned: &'static str,
    pub record_handover: &'static str,
    pub handover_recorded: &'static str,
    pub drafts: &'static str,
    pub no_drafts: &'static str,
    pub photos_n: fn(usize) -> String,
    pub continue_draft: &'static str,
    pub photos_papers: &'static str,
    pub consent: &'static str,
    pub consent_required: &'static str,
    pub saved_on_phone: &'static str,
    pub saving: &'static str,
    pub saved_here: &'static str,
    pub finish: &'static str,
    pub later: &'static str,
    pub discard: &'static str,
    pub discard_confirm: &'static str,
    pub scan_card: &'static str,
    pub not_a_card: &'static str,
    pub remove: &'static str,
    pub compressing: &'static str,
    pub take_photo: &'static str,
    pub recipient: &'static str,
    pub relation: &'static str,
    pub place: &'static str,
    pub places: [&'static str; 4],
    pub place_note: &'static str,
    pub signature: &'static str,
    pub clear: &'static str,
    pub photo_handover: &'static str,
    pub save_handover: &'static str,
    pub cancel: &'static str,
    pub handover: &'static str,
    pub photos: &'static str,
    pub outbox_empty: &'static str,
    pub state_waiting: &'static str,
    pub state_failed: &'static str,
    pub state_accepted: &'static str,
    pub state_conflict: &'static str,
    pub conflict_with: fn(&str) -> String,
    pub state_refused: &'static str,
    pub edit_again: &'static str,
    pub retry: &'static str,
    pub clear_sent: &'static str,
    /// Reason key → text.
    pub reasons: &'static [(&'static str, &'static str)],
    pub visit_title: &'static str,
    pub visit_intro: &'static str,
    pub visit_done: &'static str,
    pub visit_kind: &'static str,
    pub visit_commune: &'static str,
    pub visit_labels: &'static [(&'static str, &'static str)],
    pub visit_send: &'static str,
    pub photos_title: &'static str,
    pub delivery_title: &'static str,
    pub delivered_at: &'static str,
    pub delivered_by: &'static str,
    pub undelivered_note: fn(i64, i32) -> String,
    pub undelivered_days: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
}

impl FMsgs {
    pub fn reason(&self, key: &str) -> &'static str {
        self.reasons.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).unwrap_or(self.reasons[0].1)
    }
    pub fn place_name(&self, p: &str) -> &'static str {
        super::field::PLACES.iter().position(|x| *x == p).map(|i| self.places[i]).unwrap_or(self.places[3])
    }
    pub fn visit_label(&self, key: &str) -> &'static str {
        self.visit_labels.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).unwrap_or("")
    }
}

static VI: FMsgs = FMsgs {
    title: "Việc đến nhà",
    opening: "Đang mở ứng dụng…",
    tab_visits: "Việc",
    tab_capture: "Ghi nhận",
    tab_outbox: "Chờ gửi",
    online: "Có mạng",
    offline: "Ngoại tuyến – vẫn làm việc được",
    waiting: |n| format!("{n} mục chờ gửi"),
    send_now: "Gửi ngay",
    sending: "Đang gửi…",
    storage_used: "Bộ nhớ máy:",
    persisted: "được giữ lâu dài",
    not_persisted: "trình duyệt có thể xoá khi máy đầy",
    storage_failed: "Không lưu được vào máy:",
    new_visit: "Ghi nhận mới (không có trong danh sách)",
    capture: "Ghi nhận",
    list_offline: "Danh sách lấy lần trước; cần mạng để cập nhật.",
    to_deliver: "Giấy tờ chờ trao",
    nothing_to_deliver: "Không có giấy tờ chờ trao.",
    undelivered_flag: "Quá hạn trao",
    registered_on: "Đăng ký lúc",
    letter_ready: "Thư của Chủ tịch đã ký, in kèm giấy tờ.",
    letter_unsigned: "Thư của Chủ tịch chưa ký.",
    record_handover: "Ghi nhận trao",
    handover_recorded: "Đã ghi nhận trao",
    drafts: "Bản nháp trên máy",
    no_drafts: "Chưa có bản nháp.",
    photos_n: |n| format!("{n} ảnh"),
    continue_draft: "Tiếp tục",
    photos_papers: "Ảnh giấy tờ (giấy chứng sinh, báo tử, CCCD…)",
    consent: "Gia đình đồng ý để cộng tác viên Hội LHPN thu thập thông tin này và nộp hồ sơ đăng ký thay gia đình.",
    consent_required: "Cần có sự đồng ý của gia đình.",
    saved_on_phone: "Mọi thay đổi được lưu ngay trên máy, kể cả khi không có mạng.",
    saving: "Đang lưu…",
    saved_here: "Đã lưu trên máy.",
    finish: "Hoàn tất, đưa vào hàng chờ gửi",
    later: "Để sau",
    discard: "Xoá bản nháp",
    discard_confirm: "Xoá bản nháp này? Không thể khôi phục.",
    scan_card: "Quét QR CCCD",
    not_a_card: "Mã QR này không phải của thẻ căn cước.",
    remove: "Bỏ",
    compressing: "Đang nén ảnh…",
    take_photo: "Chụp ảnh",
    recipient: "Người nhận",
    relation: "Quan hệ với người được cấp",
    place: "Nơi trao",
    places: ["Tại nhà", "Tại bệnh viện", "Tại UBND xã", "Nơi khác"],
    place_note: "Ghi chú nơi trao",
    signature: "Chữ ký người nhận",
    clear: "Ký lại",
    photo_handover: "Ảnh khi trao (không bắt buộc)",
    save_handover: "Lưu, đưa vào hàng chờ gửi",
    cancel: "Huỷ",
    handover: "Trao giấy tờ",
    photos: "Ảnh:",
    outbox_empty: "Không có gì chờ gửi.",
    state_waiting: "Chờ gửi",
    state_failed: "Không gửi được",
    state_accepted: "Đã nhận, mã hồ sơ",
    state_conflict: "Có thể trùng hồ sơ:",
    conflict_with: |c| {
        format!(
            "Sự kiện này đã có hồ sơ {c} (bệnh viện hoặc Một cửa gửi). Cán bộ hộ tịch sẽ đối chiếu; không gộp tự động."
        )
    },
    state_refused: "Bị từ chối – cần sửa:",
    edit_again: "Sửa và gửi lại",
    retry: "Gửi lại",
    clear_sent: "Xoá các mục đã nhận khỏi máy",
    reasons: &[
        ("refused", "Máy chủ từ chối."),
        ("no_network", "chưa có mạng, sẽ tự gửi lại"),
        ("signed_out", "phiên đăng nhập đã hết, hãy đăng nhập lại"),
        ("server_busy", "máy chủ bận, sẽ thử lại"),
        ("forbidden", "Tài khoản không có quyền gửi mục này."),
        ("too_large", "Mục này quá lớn để gửi."),
        ("photo_missing", "Ảnh không còn trên máy."),
        ("photo_refused", "Ảnh bị từ chối (quá lớn hoặc không phải ảnh)."),
        ("not_found", "Không tìm thấy hồ sơ."),
        ("already_delivered", "Giấy tờ này đã được trao (ghi nhận ở nơi khác)."),
        ("dossier_wrong_state", "Hồ sơ không ở bước trao."),
        ("other_account", "ghi nhận bằng tài khoản khác trên máy này; chờ tài khoản đó đăng nhập"),
    ],
    visit_title: "Đề nghị đến nhà hỗ trợ đăng ký hộ tịch",
    visit_intro: "Gia đình có em bé mới sinh, người mới mất hoặc cặp đôi muốn đăng ký kết hôn: cộng tác viên Hội LHPN xã sẽ đến nhà giúp làm thủ tục.",
    visit_done: "Đã gửi đề nghị. Cộng tác viên sẽ liên hệ theo số điện thoại đã cho.",
    visit_kind: "Việc cần hỗ trợ",
    visit_commune: "Xã, phường nơi cư trú",
    visit_labels: &[
        ("family_name", "Họ tên người cần đăng ký (hoặc chủ hộ)"),
        ("address", "Địa chỉ"),
        ("phone", "Số điện thoại liên hệ"),
        ("event_date", "Ngày sinh / ngày mất (nếu có)"),
        ("requester_name", "Người đề nghị"),
        ("note", "Ghi chú"),
    ],
    visit_send: "Gửi đề nghị",
    photos_title: "Ảnh từ điện thoại cộng tác viên",
    delivery_title: "Biên nhận trao giấy tờ",
    delivered_at: "Thời gian trao",
    delivered_by: "Người trao",
    undelivered_note: |n, d| format!("{n} giấy tờ đã đăng ký quá {d} ngày chưa trao cho gia đình."),
    undelivered_days: "Số ngày sau đăng ký mà giấy tờ chưa trao bị đánh dấu",
    save: "Lưu",
    saved: "Đã lưu.",
};

static EN: FMsgs = FMsgs {
    title: "Home visits",
    opening: "Opening the app…",
    tab_visits: "Visits",
    tab_capture: "Capture",
    tab_outbox: "To send",
    online: "Online",
    offline: "Offline – you can keep working",
    waiting: |n| format!("{n} waiting to be sent"),
    send_now: "Send now",
    sending: "Sending…",
    storage_used: "Phone storage:",
    persisted: "kept",
    not_persisted: "the browser may clear it when the phone is full",
    storage_failed: "Could not save on the phone:",
    new_visit: "New capture (not on the list)",
    capture: "Capture",
    list_offline: "List from the last connection; needs the network to update.",
    to_deliver: "Certificates to hand over",
    nothing_to_deliver: "Nothing to hand over.",
    undelivered_flag: "Handover overdue",
    registered_on: "Registered",
    letter_ready: "The chairman's letter is signed and prints with it.",
    letter_unsigned: "The chairman's letter is not signed yet.",
    record_handover: "Record handover",
    handover_recorded: "Handover recorded",
    drafts: "Drafts on this phone",
    no_drafts: "No drafts.",
    photos_n: |n| format!("{n} photos"),
    continue_draft: "Continue",
    photos_papers: "Photos of papers (birth notice, death notice, ID card…)",
    consent: "The family agrees that the Women's Union collector collects this information and files the registration for them.",
    consent_required: "The family's consent is needed.",
    saved_on_phone: "Every change is saved on the phone at once, also without a network.",
    saving: "Saving…",
    saved_here: "Saved on the phone.",
    finish: "Finish and queue for sending",
    later: "Later",
    discard: "Delete draft",
    discard_confirm: "Delete this draft? It cannot be restored.",
    scan_card: "Scan ID card QR",
    not_a_card: "This QR code is not an ID card's.",
    remove: "Remove",
    compressing: "Compressing…",
    take_photo: "Take photo",
    recipient: "Received by",
    relation: "Relation to the person",
    place: "Where",
    places: ["At home", "At the hospital", "At the commune office", "Elsewhere"],
    place_note: "Note on the place",
    signature: "Recipient's signature",
    clear: "Sign again",
    photo_handover: "Photo of the handover (optional)",
    save_handover: "Save and queue for sending",
    cancel: "Cancel",
    handover: "Handover",
    photos: "Photos:",
    outbox_empty: "Nothing waiting.",
    state_waiting: "Waiting",
    state_failed: "Could not be sent",
    state_accepted: "Received, dossier",
    state_conflict: "Possible duplicate:",
    conflict_with: |c| {
        format!(
            "This event already has dossier {c} (from the hospital or the counter). The official compares them; nothing is merged automatically."
        )
    },
    state_refused: "Refused – needs correcting:",
    edit_again: "Correct and send again",
    retry: "Send again",
    clear_sent: "Remove received items from the phone",
    reasons: &[
        ("refused", "The server refused it."),
        ("no_network", "no network yet, will send by itself"),
        ("signed_out", "signed out, please log in again"),
        ("server_busy", "server busy, will retry"),
        ("forbidden", "This account may not send it."),
        ("too_large", "This item is too large to send."),
        ("photo_missing", "A photo is no longer on the phone."),
        ("photo_refused", "A photo was refused (too large or not an image)."),
        ("not_found", "Dossier not found."),
        ("already_delivered", "Already handed over (recorded elsewhere)."),
        ("dossier_wrong_state", "The dossier is not at the handover step."),
        ("other_account", "captured under another account on this phone; waits for that account"),
    ],
    visit_title: "Ask for a home visit for a civil registration",
    visit_intro: "A new baby, a death in the family or a couple who wants to marry: the commune's Women's Union collector comes to your home to help with the papers.",
    visit_done: "Request sent. A collector will call the phone number you gave.",
    visit_kind: "What for",
    visit_commune: "Commune or ward of residence",
    visit_labels: &[
        ("family_name", "Name of the person (or head of household)"),
        ("address", "Address"),
        ("phone", "Contact phone"),
        ("event_date", "Date of birth or death (if any)"),
        ("requester_name", "Your name"),
        ("note", "Note"),
    ],
    visit_send: "Send request",
    photos_title: "Photos from the collector's phone",
    delivery_title: "Handover record",
    delivered_at: "Handed over at",
    delivered_by: "Handed over by",
    undelivered_note: |n, d| format!("{n} registered certificates not handed over after {d} days."),
    undelivered_days: "Days after registration before an undelivered certificate is flagged",
    save: "Save",
    saved: "Saved.",
};

pub fn fmsgs(l: Locale) -> &'static FMsgs {
    match l {
        Locale::Vi => &VI,
        Locale::En => &EN,
    }
}

pub fn use_fmsgs() -> impl Fn() -> &'static FMsgs + Copy + Send + Sync {
    let locale = use_locale();
    move || fmsgs(locale.get())
}
