//! Pages of civil registration: the official's work queue and dossier page (tablet), intake at
//! the counter with registry prefill, the printable receipt and certificates, the public
//! verification and tracking pages, and the health facility's pages.

use super::i18n::{CMsgs, ct, use_cmsgs};
use super::server::{
    CivilAct, CivilPerson, CivilReceive, CivilSave, CivilTrack, CreateFacilityKey, civil_document, civil_dossier,
    civil_queue, civil_verify, facility_births, field_figures, list_facility_keys,
};
use super::{
    Age, DossierView, Status, Tab,
    domain::{Channel, DossierKind},
    form::{self, Input},
};
use crate::{
    error::AppError,
    i18n::{format_date, format_datetime, t, use_locale},
    ui::problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The page for a path of this feature (one lazy chunk).
pub fn page(path: &str) -> AnyView {
    if path.starts_with("/verify/") {
        view! { <VerifyPage /> }.into_any()
    } else if path.starts_with("/track") {
        view! { <TrackPage /> }.into_any()
    } else if path.starts_with("/facility") {
        view! { <FacilityPage /> }.into_any()
    } else if path.starts_with("/field") {
        view! { <super::field_app::FieldApp /> }.into_any()
    } else if path.starts_with("/visit") {
        view! { <super::field_app::VisitRequestPage /> }.into_any()
    } else if path.starts_with("/letters") {
        view! { <crate::letters::pages::LettersPage /> }.into_any()
    } else if path.starts_with("/admin/letters") {
        view! { <crate::letters::pages::TemplatesPage /> }.into_any()
    } else if path.starts_with("/admin/facilities") {
        view! { <FacilityKeysPage /> }.into_any()
    } else if path.starts_with("/civil/new") {
        view! { <NewDossierPage /> }.into_any()
    } else if path.starts_with("/civil/d/") && path.ends_with("/notice/supplement") {
        view! { <DocumentPage document="supplement" /> }.into_any()
    } else if path.starts_with("/civil/d/") && path.ends_with("/notice/refusal") {
        view! { <DocumentPage document="refusal" /> }.into_any()
    } else if path.starts_with("/civil/d/") && path.ends_with("/receipt") {
        view! { <DocumentPage document="receipt" /> }.into_any()
    } else if path.starts_with("/civil/d/") && path.ends_with("/certificate") {
        view! { <DocumentPage document="certificate" /> }.into_any()
    } else if path.starts_with("/civil/d/") {
        view! { <DossierPage /> }.into_any()
    } else {
        view! { <WorkQueuePage /> }.into_any()
    }
}

/// The dossier code of `/civil/d/<code>/…`.
fn path_code() -> Memo<String> {
    let location = leptos_router::hooks::use_location();
    Memo::new(move |_| location.pathname.read().split('/').nth(3).unwrap_or_default().to_owned())
}

fn loading() -> impl IntoView {
    view! { <p>{t(|m| m.loading)}</p> }
}

/// `/civil`: the official's lists with counts, filters and one page of the chosen list.
#[component]
pub fn WorkQueuePage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &'static str| query.read().get(k).unwrap_or_default();
    let data = Resource::new(
        move || (q("tab"), q("kind"), q("channel"), q("age"), q("page")),
        |(tab, kind, channel, age, page)| civil_queue(tab, kind, channel, age, page),
    );
    let m = use_cmsgs();
    let fm = super::field_app::use_fmsgs();
    let link = move |tab: &str, page: u32| {
        let mut s = format!("/civil?tab={tab}");
        for k in ["kind", "channel", "age"] {
            let v = q(k);
            if !v.is_empty() {
                s.push_str(&format!("&{k}={v}"));
            }
        }
        if page > 0 {
            s.push_str(&format!("&page={page}"));
        }
        s
    };
    view! {
        <Title text=ct(|m| m.queue_title) />
        <section class="panel wide civil-queue">
            <header class="row spread">
                <h1>{ct(|m| m.queue_title)}</h1>
                <a class="button primary" href="/civil/new">{ct(|m| m.new_dossier)}</a>
            </header>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(w) => {
                            let current = Tab::parse(&q("tab")).unwrap_or(Tab::Notified);
                            let pages = ((w.total as u32).div_ceil(w.page_size)).max(1);
                            let page = w.page;
                            view! {
                                <p class="muted">{w.commune_name.clone()}</p>
                                {(w.undelivered > 0).then(|| {
                                    let (n, days) = (w.undelivered, w.undelivered_days);
                                    view! {
                                        <p class="notice warn" data-testid="undelivered">
                                            {move || (fm().undelivered_note)(n, days)} " "
                                            <a href=link(Tab::ToDeliver.as_str(), 0)>{move || m().tab(Tab::ToDeliver)}</a>
                                        </p>
                                    }
                                })}
                                <nav class="tabs" aria-label=ct(|m| m.queue_title)>
                                    {w.counts.iter().map(|(tab, n)| {
                                        let (tab, n) = (*tab, *n);
                                        view! {
                                            <a href=link(tab.as_str(), 0) class="tab" data-tab=tab.as_str()
                                               aria-current=(tab == current).then_some("page")
                                               class:urgent=(tab == Tab::Overdue && n > 0)>
                                                {move || m().tab(tab)} " " <span class="count">{n}</span>
                                            </a>
                                        }
                                    }).collect_view()}
                                </nav>
                                <form method="get" action="/civil" class="filters row">
                                    <input type="hidden" name="tab" value=current.as_str() />
                                    <FilterSelect name="kind" label=ct(|m| m.filter_kind) current=q("kind")
                                        options=DossierKind::ALL.iter().map(|k| (k.as_str(), m().kind(*k))).collect() />
                                    <FilterSelect name="channel" label=ct(|m| m.filter_channel) current=q("channel")
                                        options=Channel::ALL.iter().map(|c| (c.as_str(), m().channel(*c))).collect() />
                                    <FilterSelect name="age" label=ct(|m| m.filter_age) current=q("age")
                                        options=vec![(Age::Today.as_str(), m().age_today), (Age::UpTo7Days.as_str(), m().age_7d), (Age::Older.as_str(), m().age_older)] />
                                    <button type="submit" class="button">{ct(|m| m.apply)}</button>
                                </form>
                                {if w.rows.is_empty() {
                                    view! { <p class="notice" data-testid="queue-empty">{ct(|m| m.empty_list)}</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="data queue-table" data-testid="work-queue">
                                            <thead><tr>
                                                <th>{ct(|m| m.col_code)}</th><th>{ct(|m| m.col_kind)}</th><th>{ct(|m| m.col_subject)}</th>
                                                <th>{ct(|m| m.col_channel)}</th><th>{ct(|m| m.col_received)}</th><th>{ct(|m| m.col_due)}</th><th></th>
                                            </tr></thead>
                                            <tbody>
                                                {w.rows.into_iter().map(|r| view! {
                                                    <tr data-code=r.code.clone() class:overdue=r.overdue>
                                                        <td><a href=format!("/civil/d/{}", r.code)>{r.code.clone()}</a></td>
                                                        <td>{move || m().kind(r.kind)}</td>
                                                        <td>{r.subject_name.clone()}</td>
                                                        <td>{move || m().channel(r.channel)}</td>
                                                        <td>{format_datetime(r.received_at)}</td>
                                                        <td>{format_date(r.due_on)}</td>
                                                        <td class="flags">
                                                            {r.overdue.then(|| view! { <span class="badge alert">{ct(|m| m.overdue_flag)}</span> })}
                                                            {r.late.then(|| view! { <span class="badge">{ct(|m| m.late_flag)}</span> })}
                                                            {r.duplicate.then(|| view! { <span class="badge warn">{ct(|m| m.duplicate_flag)}</span> })}
                                                            {r.undelivered.then(|| view! { <span class="badge alert" data-flag="undelivered">{move || fm().undelivered_flag}</span> })}
                                                        </td>
                                                    </tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        <nav class="row pager">
                                            {(page > 0).then(|| view! { <a href=link(current.as_str(), page - 1)>{ct(|m| m.prev_page)}</a> })}
                                            <span>{move || (m().page_of)(page + 1, pages)}</span>
                                            {(page + 1 < pages).then(|| view! { <a href=link(current.as_str(), page + 1)>{ct(|m| m.next_page)}</a> })}
                                        </nav>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn FilterSelect(
    name: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    current: String,
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            <option value="">{ct(|m| m.any)}</option>
            {options.into_iter().map(|(v, text)| view! {
                <option value=v selected=current == v>{text}</option>
            }).collect_view()}
        </select>
    }
}

/// One input of a dossier form: `f[key]`, its error under it.
#[component]
fn FormField(
    key: &'static str,
    input: Input,
    required: bool,
    #[prop(optional)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let m = use_cmsgs();
    let locale = use_locale();
    let id = format!("f-{key}");
    let err_id = format!("{id}-err");
    let err = move || error.get().and_then(|e| e.field(key)).map(|fe| locale.get().msgs().field_error(fe));
    let name = format!("f[{key}]");
    let control = match input {
        Input::Sex => view! {
            <select id=id.clone() name=name required=required aria-describedby=err_id.clone()
                    aria-invalid=move || err().is_some().then_some("true")>
                <option value=""></option>
                <option value="male" selected=value == "male">{move || m().sex_male}</option>
                <option value="female" selected=value == "female">{move || m().sex_female}</option>
            </select>
        }
        .into_any(),
        _ => {
            let (kind, mode) = match input {
                Input::Date => ("date", None),
                Input::Time => ("time", None),
                Input::Phone => ("tel", Some("tel")),
                Input::Id => ("text", Some("numeric")),
                _ => ("text", None),
            };
            view! {
                <input id=id.clone() name=name type=kind inputmode=mode value=value required=required
                       aria-describedby=err_id.clone() aria-invalid=move || err().is_some().then_some("true") />
            }
            .into_any()
        }
    };
    view! {
        <div class="field">
            <label for=id>{move || m().label(key)}</label>
            {control}
            <p class="field-error" id=err_id role="alert">{err}</p>
        </div>
    }
}

/// A personal ID field with a registry lookup: shows who it is (prefilled, never typed again) and
/// lets the person flag a value as wrong.
#[component]
fn PartyField(
    key: &'static str,
    party: &'static str,
    required: bool,
    #[prop(optional)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let m = use_cmsgs();
    let locale = use_locale();
    let lookup = ServerAction::<CivilPerson>::new();
    let typed = RwSignal::new(value.clone());
    let id = format!("f-{key}");
    let err_id = format!("{id}-err");
    let err = move || {
        error
            .get()
            .and_then(|e| e.field(key))
            .or_else(|| lookup.value().get().and_then(Result::err).and_then(|e| e.field("person")))
            .map(|fe| locale.get().msgs().field_error(fe))
    };
    view! {
        <div class="field party" data-party=party>
            <label for=id.clone()>{move || m().label(key)}</label>
            <div class="row">
                <input id=id name=format!("f[{key}]") type="text" inputmode="numeric" value=value required=required
                       placeholder=ct(|m| m.id_or_qr) aria-describedby=err_id.clone()
                       aria-invalid=move || err().is_some().then_some("true")
                       on:input=move |ev| {
                           typed.set(event_target_value(&ev));
                           // The shown person (and any flag about them) belongs to the old number.
                           lookup.value().set(None);
                       } />
                <button type="button" class="button" data-testid=format!("lookup-{party}")
                        on:click=move |_| { lookup.dispatch(CivilPerson { query: typed.get_untracked() }); }>
                    {ct(|m| m.look_up)}
                </button>
            </div>
            <p class="field-error" id=err_id role="alert">{err}</p>
            {move || lookup.value().get().and_then(Result::ok).map(|p| view! {
                <div class="prefill" data-testid=format!("prefill-{party}")>
                    <p class="muted small">{ct(|m| m.from_registry)}</p>
                    <dl>
                        {p.fields.into_iter().map(|(k, v)| {
                            let label = format!("p_{k}");
                            let shown = m().value(&k, &v);
                            view! {
                                <dt>{move || m().label(&label)}</dt>
                                <dd>{shown}
                                    <details class="flag">
                                        <summary>{ct(|m| m.flag_wrong)}</summary>
                                        <input type="text" name=format!("f[flag_{party}_{k}]") aria-label=ct(|m| m.flag_hint) />
                                        <p class="hint">{ct(|m| m.flag_hint)}</p>
                                    </details>
                                </dd>
                            }
                        }).collect_view()}
                    </dl>
                </div>
            })}
        </div>
    }
}

/// The fields of a dossier form of `kind`, prefilled with `data`.
fn form_fields(kind: DossierKind, data: &form::Data, error: Signal<Option<AppError>>) -> impl IntoView + use<> {
    form::fields(kind)
        .iter()
        .map(|spec| {
            let value = data.get(spec.key).cloned().unwrap_or_default();
            match (spec.input, spec.key.strip_suffix("_id")) {
                (Input::Id, Some(party)) => {
                    let party = form::parties(kind).iter().copied().find(|p| *p == party).unwrap_or("subject");
                    view! { <PartyField key=spec.key party required=spec.required value error /> }.into_any()
                }
                _ => {
                    view! { <FormField key=spec.key input=spec.input required=spec.required value error /> }.into_any()
                }
            }
        })
        .collect_view()
}

/// `/civil/new?kind=…`: papers received at the counter.
#[component]
pub fn NewDossierPage() -> impl IntoView {
    let query = use_query_map();
    let kind =
        Memo::new(move |_| query.read().get("kind").and_then(|k| DossierKind::parse(&k)).unwrap_or(DossierKind::Birth));
    let receive = ServerAction::<CivilReceive>::new();
    let err = Signal::derive(move || receive.value().get().and_then(Result::err));
    let received = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(receive.value().get(), Some(Ok(_))) {
            received.update(|n| *n += 1);
        }
    });
    // Another form: the last one's errors and receipt do not belong to it.
    Effect::new(move |prev: Option<DossierKind>| {
        let k = kind.get();
        if prev.is_some_and(|p| p != k) {
            receive.value().set(None);
        }
        k
    });
    let m = use_cmsgs();
    view! {
        <Title text=ct(|m| m.new_dossier) />
        <section class="panel civil-new">
            <h1>{ct(|m| m.new_dossier)}</h1>
            <nav class="tabs">
                {DossierKind::ALL.into_iter().map(|k| view! {
                    <a class="tab" href=format!("/civil/new?kind={}", k.as_str()) aria-current=move || (kind.get() == k).then_some("page")>
                        {move || m().kind(k)}
                    </a>
                }).collect_view()}
            </nav>
            {move || receive.value().get().and_then(Result::ok).map(|r| view! {
                <div class="notice success" role="status" data-testid="received">
                    <p>{(m().received_ok)(&r.code)}</p>
                    {r.late.then(|| view! { <p>{ct(|m| m.late_note)}</p> })}
                    <p class="row">
                        <a class="button" href=format!("/civil/d/{}/receipt", r.code)>{ct(|m| m.print_receipt)}</a>
                        <a class="button primary" href=format!("/civil/d/{}", r.code)>{ct(|m| m.open_dossier)}</a>
                    </p>
                </div>
            })}
            {move || {
                let k = kind.get();
                // An empty form again after each receipt, so a second tap cannot send it twice
                // (a refusal keeps what was typed).
                let _ = received.get();
                let data = form::Data::new();
                view! {
                    <ActionForm action=receive attr:class="stack dossier-form" attr:data-testid="dossier-form">
                        <input type="hidden" name="kind" value=k.as_str() />
                        {form_fields(k, &data, err)}
                        {(k != DossierKind::Marriage).then(|| view! {
                            <label class="check">
                                <input type="checkbox" name="f[bundle]" value="1" />
                                {move || if k == DossierKind::Birth { m().bundle_birth } else { m().bundle_death }}
                            </label>
                        })}
                        <Problem error=err />
                        <button type="submit" class="button primary" disabled=move || receive.pending().get()>{ct(|m| m.receive)}</button>
                    </ActionForm>
                }
            }}
        </section>
    }
}

fn status_badge(m: &'static CMsgs, s: Status) -> impl IntoView + use<> {
    view! { <span class=format!("badge status-{}", s.as_str()) data-status=s.as_str()>{m.status(s)}</span> }
}

/// `/civil/d/:code`: the dossier, its comparison with possible duplicates, the actions open to
/// the user and the process log.
#[component]
pub fn DossierPage() -> impl IntoView {
    let code = path_code();
    let act = ServerAction::<CivilAct>::new();
    let save = ServerAction::<CivilSave>::new();
    let version = RwSignal::new(0u32);
    // One effect per action: each reloads after its own success only.
    Effect::new(move |_| {
        if matches!(act.value().get(), Some(Ok(_))) {
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            version.update(|v| *v += 1);
        }
    });
    let data = Resource::new(move || (code.get(), version.get()), |(c, _)| civil_dossier(c));
    let m = use_cmsgs();
    view! {
        <Title text=move || (m().dossier_title)(&code.get()) />
        <section class="panel wide civil-dossier">
            <p><a href="/civil">{ct(|m| m.queue_title)}</a></p>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(d) => view! { <DossierBody d act save /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DossierBody(d: DossierView, act: ServerAction<CivilAct>, save: ServerAction<CivilSave>) -> impl IntoView {
    let m = use_cmsgs();
    let fm = super::field_app::use_fmsgs();
    let locale = use_locale();
    let act_err = Signal::derive(move || act.value().get().and_then(Result::err));
    let save_err = Signal::derive(move || save.value().get().and_then(Result::err));
    let code = d.code.clone();
    let kind = d.kind;
    // Registry refusals of a review, listed with their field.
    let refusals = move || match act_err.get() {
        // The review's findings; a short reason or recipient shows next to its own field.
        Some(AppError::Validation(errs))
            if errs.0.iter().any(|(f, _)| f != "recipient" && !f.ends_with("_reasons")) =>
        {
            Some(view! {
                <div class="problem" role="alert" data-testid="checks-failed">
                    <p>{ct(|m| m.checks_failed)}</p>
                    <ul>
                        {errs.0.into_iter().map(|(f, e)| view! {
                            <li>{m().label(&f)} ": " {locale.get().msgs().field_error(e)}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }
        _ => None,
    };
    let a = d.allowed;
    let form_entries: Vec<(String, String)> = d
        .data
        .iter()
        .filter(|(k, _)| !k.starts_with("flag_") && *k != "bundle")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let hidden_code = code.clone();
    let hidden = move || view! { <input type="hidden" name="code" value=hidden_code.clone() /> };
    let hidden = StoredValue::new(hidden);
    let field_data = d.data.clone();
    view! {
        <header class="row spread">
            <h1>{(m().dossier_title)(&d.code)}</h1>
            {status_badge(m(), d.status)}
        </header>
        <dl class="facts">
            <dt>{ct(|m| m.col_kind)}</dt><dd>{m().kind(d.kind)}</dd>
            <dt>{ct(|m| m.col_channel)}</dt>
            <dd>{m().channel(d.channel)} " · " {if d.proactive { m().proactive } else { m().on_request }}</dd>
            <dt>{ct(|m| m.received)}</dt><dd>{format_datetime(d.received_at)}</dd>
            <dt>{ct(|m| m.due)}</dt>
            <dd data-testid="due-on">{format_date(d.due_on)}
                {d.overdue.then(|| view! { " " <span class="badge alert">{ct(|m| m.overdue_flag)}</span> })}</dd>
            {d.register_no.map(|n| view! {
                <dt>{ct(|m| m.register_no)}</dt><dd data-testid="register-no">{format!("{n}/{}", d.register_year.unwrap_or(0))}</dd>
            })}
            {d.signer.clone().map(|s| view! { <dt>{ct(|m| m.signer)}</dt><dd>{s}</dd> })}
            {d.delivered_to.clone().map(|s| view! { <dt>{ct(|m| m.delivered_to)}</dt><dd>{s}</dd> })}
        </dl>
        {d.late.then(|| view! { <p class="notice">{ct(|m| m.late_note)}</p> })}
        {d.paused.then(|| view! { <p class="notice">{ct(|m| m.paused_note)}</p> })}
        <nav class="row">
            <a class="button" href=format!("/civil/d/{}/receipt", d.code)>{ct(|m| m.receipt)}</a>
            {matches!(d.status, Status::Registered | Status::Delivered).then(|| view! {
                <a class="button primary" href=format!("/civil/d/{}/certificate", d.code) data-testid="certificate-link">{ct(|m| m.certificate)}</a>
            })}
        </nav>
        {(!d.duplicates.is_empty()).then(|| {
            let this = d.data.clone();
            view! {
                <section class="compare" data-testid="compare">
                    <h2>{ct(|m| m.compare_title)}</h2>
                    {d.duplicate_cleared.then(|| view! { <p class="muted">{ct(|m| m.cleared_note)}</p> })}
                    <div class="side-by-side">
                        <DataTable title=m().compare_this.to_owned() data=this.clone() keys=compare_keys(kind) />
                        {d.duplicates.iter().map(|o| {
                            let title = match (&o.code, o.status) {
                                (Some(c), Some(s)) => format!("{c} · {}", m().status(s)),
                                _ => m().compare_registry.to_owned(),
                            };
                            view! { <DataTable title data=o.data.clone() keys=compare_keys(kind) /> }
                        }).collect_view()}
                    </div>
                </section>
            }
        })}
        <section>
            <h2>{ct(|m| m.content)} " (" {(m().version_n)(d.version)} ")"</h2>
            <dl class="content" data-testid="content">
                {form_entries.into_iter().map(|(k, v)| {
                    let shown = m().value(&k, &v);
                    view! { <dt>{m().label(&k)}</dt><dd data-field=k>{shown}</dd> }
                }).collect_view()}
            </dl>
        </section>
        {(!d.photos.is_empty()).then(|| view! {
            <section class="photos" data-testid="dossier-photos">
                <h2>{move || fm().photos_title}</h2>
                <ul class="thumbs">
                    {d.photos.iter().map(|p| view! {
                        <li data-purpose=p.purpose.clone()>
                            <a href=p.url() target="_blank"><img src=p.url() alt=move || fm().photos_title width="160" loading="lazy" /></a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {d.delivery.clone().map(|r| view! {
            <section class="delivery" data-testid="delivery-record">
                <h2>{move || fm().delivery_title}</h2>
                <dl class="facts">
                    <dt>{move || fm().recipient}</dt><dd>{r.recipient.clone()} {(!r.relation.is_empty()).then(|| format!(" ({})", r.relation))}</dd>
                    <dt>{move || fm().place}</dt><dd>{fm().place_name(&r.place)} {(!r.place_note.is_empty()).then(|| format!(" · {}", r.place_note))}</dd>
                    <dt>{move || fm().delivered_at}</dt><dd>{format_datetime(r.delivered_at)}</dd>
                    <dt>{move || fm().delivered_by}</dt><dd>{r.by.clone()}</dd>
                </dl>
            </section>
        })}
        {(!d.flags.is_empty()).then(|| view! {
            <section class="flags">
                <h2>{ct(|m| m.flags_title)}</h2>
                <table class="data">
                    <thead><tr><th></th><th>{ct(|m| m.registry_says)}</th><th>{ct(|m| m.person_says)}</th></tr></thead>
                    <tbody>{d.flags.iter().map(|f| view! {
                        <tr><td>{m().label(&f.field)}</td><td>{f.registry_value.clone()}</td><td>{f.claimed_value.clone()}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </section>
        })}
        <section class="actions" data-testid="actions">
            {move || act.value().get().and_then(Result::ok).map(|_| view! { <p class="notice success" role="status">{ct(|m| m.done)}</p> })}
            {refusals}
            <Problem error=act_err />
            {a.review.then(|| view! {
                <ActionForm action=act attr:class="stack" attr:data-testid="act-review">
                    {hidden.get_value()()}
                    <input type="hidden" name="action" value="review" />
                    {(!d.duplicates.is_empty() && !d.duplicate_cleared).then(|| view! {
                        <label class="check"><input type="checkbox" name="confirm_distinct" value="1" />{ct(|m| m.confirm_distinct)}</label>
                    })}
                    <button type="submit" class="button primary" disabled=move || act.pending().get()>{ct(|m| m.act_review)}</button>
                </ActionForm>
            })}
            {a.register.then(|| view! { <ActButton act action="register" label=ct(|m| m.act_register) code=code.clone() /> })}
            {a.sign.then(|| view! { <ActButton act action="sign" label=ct(|m| m.act_sign) code=code.clone() /> })}
            {a.resume.then(|| view! { <ActButton act action="resume" label=ct(|m| m.act_resume) code=code.clone() /> })}
            {a.deliver.then(|| view! {
                <ActionForm action=act attr:class="stack" attr:data-testid="act-deliver">
                    {hidden.get_value()()}
                    <input type="hidden" name="action" value="deliver" />
                    <div class="field">
                        <label for="f-recipient">{ct(|m| m.recipient)}</label>
                        <input id="f-recipient" name="recipient" type="text" />
                        <p class="field-error" role="alert">{move || act_err.get().and_then(|e| e.field("recipient")).map(|e| locale.get().msgs().field_error(e))}</p>
                    </div>
                    <button type="submit" class="button primary" disabled=move || act.pending().get()>{ct(|m| m.act_deliver)}</button>
                </ActionForm>
            })}
            {a.supplement.then(|| view! { <ReasonsForm act action="supplement" label=ct(|m| m.act_supplement) code=code.clone() /> })}
            {a.refuse.then(|| view! { <ReasonsForm act action="refuse" label=ct(|m| m.act_refuse) code=code.clone() /> })}
        </section>
        {a.edit.then(|| view! {
            <details class="edit" open=d.status == Status::Notified>
                <summary>{ct(|m| m.edit)}</summary>
                {move || save.value().get().and_then(Result::ok).map(|v| view! { <p class="notice success" role="status">{(m().saved_version)(v)}</p> })}
                <ActionForm action=save attr:class="stack dossier-form" attr:data-testid="edit-form">
                    {hidden.get_value()()}
                    {form_fields(kind, &field_data, save_err)}
                    <div class="field">
                        <label for="f-reason">{ct(|m| m.reason)}</label>
                        <input id="f-reason" name="reason" type="text" />
                        <p class="field-error" role="alert">{move || save_err.get().and_then(|e| e.field("reason")).map(|e| locale.get().msgs().field_error(e))}</p>
                    </div>
                    <Problem error=save_err />
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>{ct(|m| m.save_version)}</button>
                </ActionForm>
            </details>
        })}
        {(!d.notices.is_empty()).then(|| view! {
            <section>
                <h2>{ct(|m| m.notices)}</h2>
                <ul class="notices">
                    {d.notices.iter().map(|n| view! {
                        <li data-form=n.form.clone()>
                            <strong>{if n.form == "refusal" { m().notice_refusal } else { m().notice_supplement }}</strong>
                            " · " {format_datetime(n.at)} " · " {n.by.clone().unwrap_or_default()} " · "
                            <a href=format!("/civil/d/{}/notice/{}", code.clone(), n.form)>{ct(|m| m.print)}</a>
                            <p>{n.reasons.clone()}</p>
                            {n.answered_at.map(|at| view! { <p class="muted">{ct(|m| m.answered)} " " {format_datetime(at)}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section>
            <h2>{ct(|m| m.process_log)}</h2>
            <table class="data" data-testid="process-log">
                <thead><tr><th>{ct(|m| m.col_step)}</th><th>{ct(|m| m.col_handler)}</th><th>{ct(|m| m.received)}</th>
                    <th>{ct(|m| m.due)}</th><th>{ct(|m| m.col_result)}</th></tr></thead>
                <tbody>
                    {d.steps.iter().map(|s| {
                        let result = s.result.map(|r| m().results[r as usize]).unwrap_or("");
                        view! {
                            <tr data-step=s.step.clone()>
                                <td>{m().step(&s.step)} {(!s.note.is_empty()).then(|| view! { <br /><span class="muted small">{s.note.clone()}</span> })}</td>
                                <td>{s.handler.clone().unwrap_or_default()}</td>
                                <td>{format_datetime(s.done_at.unwrap_or(s.started_at))}</td>
                                <td>{format_date(s.due_on)}</td>
                                <td>{result}
                                    {(s.done_at.is_none()).then(|| {
                                        let step = s.step.clone();
                                        let code = code.clone();
                                        let testid = format!("partner-{step}");
                                        view! {
                                            <span class="muted">{ct(|m| m.partner_pending)}</span>
                                            {a.partner.then(|| view! {
                                                <ActionForm action=act attr:class="inline" attr:data-testid=testid>
                                                    <input type="hidden" name="code" value=code.clone() />
                                                    <input type="hidden" name="action" value="partner_done" />
                                                    <input type="hidden" name="step" value=step.clone() />
                                                    <button type="submit" class="button" disabled=move || act.pending().get()>{ct(|m| m.partner_done)}</button>
                                                </ActionForm>
                                            })}
                                        }
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn compare_keys(kind: DossierKind) -> Vec<&'static str> {
    match kind {
        DossierKind::Birth => vec![
            "personal_id",
            "child_name",
            "child_sex",
            "birth_date",
            "birth_time",
            "certificate_code",
            "mother_name",
        ],
        DossierKind::Death => vec!["deceased_id", "deceased_name", "death_date", "death_place", "death_notice_no"],
        DossierKind::Marriage => vec!["wife_id", "wife_name", "husband_id", "husband_name", "marriage_date"],
    }
}

#[component]
fn DataTable(title: String, data: form::Data, keys: Vec<&'static str>) -> impl IntoView {
    let m = use_cmsgs();
    view! {
        <div class="card">
            <h3>{title}</h3>
            <dl>
                {keys.into_iter().filter_map(|k| data.get(k).map(|v| (k, m().value(k, v)))).map(|(k, v)| view! {
                    <dt>{move || m().label(k)}</dt><dd>{v}</dd>
                }).collect_view()}
            </dl>
        </div>
    }
}

#[component]
fn ActButton(
    act: ServerAction<CivilAct>,
    action: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    code: String,
) -> impl IntoView {
    view! {
        <ActionForm action=act attr:class="inline" attr:data-testid=format!("act-{action}")>
            <input type="hidden" name="code" value=code />
            <input type="hidden" name="action" value=action />
            <button type="submit" class="button primary" disabled=move || act.pending().get()>{label}</button>
        </ActionForm>
    }
}

#[component]
fn ReasonsForm(
    act: ServerAction<CivilAct>,
    action: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    code: String,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("f-reasons-{action}");
    let field = format!("{action}_reasons");
    let err = move || {
        act.value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.field(&field))
            .map(|e| locale.get().msgs().field_error(e))
    };
    view! {
        <details class="reasons">
            <summary>{label}</summary>
            <ActionForm action=act attr:class="stack" attr:data-testid=format!("act-{action}")>
                <input type="hidden" name="code" value=code />
                <input type="hidden" name="action" value=action />
                <div class="field">
                    <label for=id.clone()>{ct(|m| m.reasons)}</label>
                    <textarea id=id name="reasons" rows="3" maxlength="2000"></textarea>
                    <p class="field-error" role="alert">{err}</p>
                </div>
                <button type="submit" class="button" disabled=move || act.pending().get()>{label}</button>
            </ActionForm>
        </details>
    }
}

/// `/civil/d/:code/receipt` (Mẫu 01) and `/civil/d/:code/certificate`: A4 print layouts; the
/// browser prints them or saves them as PDF.
#[component]
pub fn DocumentPage(document: &'static str) -> impl IntoView {
    let code = path_code();
    let data = Resource::new(move || code.get(), move |c| civil_document(c, document.to_owned()));
    let m = use_cmsgs();
    view! {
        <Title text=move || match document {
            "receipt" => m().receipt,
            "certificate" => m().certificate,
            "refusal" => m().notice_refusal,
            _ => m().notice_supplement,
        } />
        <section class="document-page">
            <nav class="row no-print">
                <a href=move || format!("/civil/d/{}", code.get())>{move || (m().dossier_title)(&code.get())}</a>
                <button type="button" class="button primary" on:click=move |_| {
                    let _ = window().print();
                }>{ct(|m| m.print)}</button>
            </nav>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok((d, qr, _)) if document == "receipt" => view! { <Receipt d qr /> }.into_any(),
                        Ok((d, qr, _)) if document != "certificate" => view! { <Notice d qr form=document /> }.into_any(),
                        Ok((d, qr, url)) => {
                            let code = d.code.clone();
                            view! {
                                <Certificate d qr url />
                                // The chairman's letter goes with the certificate, on its own page.
                                <crate::letters::pages::LetterSheet code />
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DocHeader(agency: String) -> impl IntoView {
    view! {
        <header class="doc-header">
            <div class="issuer"><p>{agency.to_uppercase()}</p></div>
            <div class="motto">
                <p class="country">{ct(|m| m.country)}</p>
                <p class="underlined">{ct(|m| m.motto)}</p>
            </div>
        </header>
    }
}

#[component]
fn Receipt(d: DossierView, qr: String) -> impl IntoView {
    let m = use_cmsgs();
    let g = |k: &str| d.data.get(k).cloned().unwrap_or_default();
    let who = match d.kind {
        DossierKind::Marriage => format!("{} – {}", g("husband_name"), g("wife_name")),
        _ => g("requester_name"),
    };
    view! {
        <article class="print-doc receipt" data-testid="receipt">
            <DocHeader agency=d.agency_name.clone() />
            <div class="doc-code">
                <p>{ct(|m| m.dossier_code)} ": " <strong data-testid="receipt-code">{d.code.clone()}</strong></p>
                <div class="qr" inner_html=qr></div>
            </div>
            <h1>{ct(|m| m.receipt_title)}</h1>
            <p>{(m().receipt_body)(&d.agency_name)} " " <strong>{who}</strong></p>
            {d.phone.clone().map(|p| view! { <p>{ct(|m| m.phone)} ": " {p}</p> })}
            <p>{ct(|m| m.col_kind)} ": " {m().kind(d.kind)} " (" {m().channel(d.channel)} ")"</p>
            <p>{ct(|m| m.received)} ": " {format_datetime(d.received_at)}</p>
            <p>{ct(|m| m.receipt_due)} ": " <strong>{format_date(d.due_on)}</strong></p>
            <p class="small">{ct(|m| m.receipt_track)}</p>
        </article>
    }
}

/// Mẫu 02 (supplement) or Mẫu 03 (refusal) of TT 03/2025/TT-VPCP: the latest of that form.
#[component]
fn Notice(d: DossierView, qr: String, form: &'static str) -> impl IntoView {
    let m = use_cmsgs();
    let g = |k: &str| d.data.get(k).cloned().unwrap_or_default();
    let who = match d.kind {
        DossierKind::Marriage => format!("{} – {}", g("husband_name"), g("wife_name")),
        _ => g("requester_name"),
    };
    let notice = d.notices.iter().rev().find(|n| n.form == form).cloned();
    let title = if form == "refusal" { m().notice_refusal_title } else { m().notice_supplement_title };
    view! {
        <article class="print-doc notice-doc" data-testid="notice">
            <DocHeader agency=d.agency_name.clone() />
            <div class="doc-code">
                <p>{ct(|m| m.dossier_code)} ": " <strong>{d.code.clone()}</strong></p>
                <div class="qr" inner_html=qr></div>
            </div>
            <h1>{title}</h1>
            <p>{(m().receipt_body)(&d.agency_name)} " " <strong>{who}</strong></p>
            <p>{ct(|m| m.col_kind)} ": " {m().kind(d.kind)}</p>
            <p>{ct(|m| m.received)} ": " {format_datetime(d.received_at)}</p>
            {notice.map(|n| view! {
                <p><strong>{if form == "refusal" { m().refusal_reasons } else { m().supplement_items }}</strong></p>
                <p class="reasons-text" data-testid="notice-reasons">{n.reasons.clone()}</p>
                <p>{if form == "refusal" { m().refusal_apology } else { m().supplement_apology }}</p>
                <footer class="sign">
                    <div></div>
                    <div class="signature">
                        <p>{format_datetime(n.at)}</p>
                        <p><strong>{ct(|m| m.notice_signer)}</strong></p>
                        <p class="signer">{n.by.clone().unwrap_or_default()}</p>
                    </div>
                </footer>
            })}
        </article>
    }
}

#[component]
fn Certificate(d: DossierView, qr: String, url: String) -> impl IntoView {
    let m = use_cmsgs();
    let title = m().certificate_titles[DossierKind::ALL.iter().position(|k| *k == d.kind).unwrap_or(0)];
    let keys: &[&str] = match d.kind {
        DossierKind::Birth => &[
            "child_name",
            "child_sex",
            "birth_date",
            "birth_place",
            "ethnicity",
            "home_town",
            "mother_name",
            "mother_birth",
            "mother_ethnicity",
            "mother_nationality",
            "mother_residence",
            "father_name",
            "father_birth",
            "father_ethnicity",
            "father_nationality",
            "father_residence",
        ],
        DossierKind::Marriage => &[
            "wife_name",
            "wife_birth",
            "wife_ethnicity",
            "wife_nationality",
            "wife_residence",
            "wife_id",
            "husband_name",
            "husband_birth",
            "husband_ethnicity",
            "husband_nationality",
            "husband_residence",
            "husband_id",
        ],
        DossierKind::Death => &[
            "deceased_name",
            "deceased_birth",
            "deceased_sex",
            "deceased_ethnicity",
            "deceased_nationality",
            "deceased_id",
            "deceased_residence",
            "death_date",
            "death_time",
            "death_place",
            "death_cause",
            "death_notice_no",
        ],
    };
    let mut rows: Vec<(String, String)> =
        keys.iter().filter_map(|k| d.data.get(*k).map(|v| (m().label(k), m().value(k, v)))).collect();
    // The child's personal number, given at registration, heads the birth certificate.
    if let (DossierKind::Birth, Some(id)) = (d.kind, &d.subject_id) {
        rows.insert(0, (m().label("personal_id"), id.clone()));
    }
    let on = d
        .registered_at
        .map(|t| format_date(t.with_timezone(&crate::i18n::vn_offset()).date_naive()))
        .unwrap_or_default();
    view! {
        <article class="print-doc certificate" data-testid="certificate">
            <DocHeader agency=d.agency_name.clone() />
            <p class="book-no" data-testid="certificate-no">{(m().book_no)(d.register_no.unwrap_or(0), d.register_year.unwrap_or(0))}</p>
            <h1>{title}</h1>
            <dl class="cert-fields">
                {rows.into_iter().map(|(l, v)| view! { <dt>{l}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <p>{ct(|m| m.commune)} ": " {d.agency_name.clone()}, {d.province_name.clone()}</p>
            <p>{ct(|m| m.registered_on)} ": " {on}</p>
            <footer class="sign">
                <div class="qr-block">
                    <div class="qr" inner_html=qr data-testid="certificate-qr"></div>
                    <p class="small">{ct(|m| m.scan_to_verify)}</p>
                    <p class="small verify-url" data-testid="verify-url">{url}</p>
                </div>
                <div class="signature">
                    <p>{ct(|m| m.signed_for)}</p>
                    <p><strong>{ct(|m| m.chairman)}</strong></p>
                    <p class="signer">{d.signer.clone().unwrap_or_default()}</p>
                </div>
            </footer>
        </article>
    }
}

/// `/verify/:token`: anyone scanning a certificate's QR; minimal data only.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("token").unwrap_or_default(), civil_verify);
    let m = use_cmsgs();
    view! {
        <Title text=ct(|m| m.verify_title) />
        <section class="panel verify">
            <h1>{ct(|m| m.verify_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotFound) => view! { <p class="problem" data-testid="verify-unknown">{ct(|m| m.verify_unknown)}</p> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(v) => view! {
                            <p class=if v.valid { "notice success" } else { "problem" } data-testid="verify-result">
                                {if v.valid { m().verify_valid } else { m().verify_invalid }}
                            </p>
                            <dl class="facts" data-testid="verify-facts">
                                <dt>{ct(|m| m.col_kind)}</dt><dd>{m().kind(v.kind)}</dd>
                                <dt>{ct(|m| m.register_no)}</dt><dd>{v.register_no.clone()}</dd>
                                <dt>{ct(|m| m.registered_on)}</dt><dd>{format_date(v.registered_on)}</dd>
                                <dt>{ct(|m| m.commune)}</dt><dd>{v.commune_name.clone()}</dd>
                                <dt>{ct(|m| m.initials)}</dt><dd data-testid="verify-initials">{v.initials.clone()}</dd>
                            </dl>
                            <p class="muted small">{ct(|m| m.verify_note)}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/track`: a citizen follows a dossier with its code and phone number.
#[component]
pub fn TrackPage() -> impl IntoView {
    let query = use_query_map();
    let track = ServerAction::<CivilTrack>::new();
    let err = Signal::derive(move || track.value().get().and_then(Result::err));
    let m = use_cmsgs();
    let code = query.read_untracked().get("code").unwrap_or_default();
    view! {
        <Title text=ct(|m| m.track_title) />
        <section class="panel track">
            <h1>{ct(|m| m.track_title)}</h1>
            <p>{ct(|m| m.track_intro)}</p>
            <ActionForm action=track attr:class="stack" attr:data-testid="track-form">
                <div class="field">
                    <label for="f-code">{ct(|m| m.dossier_code)}</label>
                    <input id="f-code" name="code" type="text" value=code autocapitalize="characters" />
                    <p class="field-error" role="alert">{move || err.get().and_then(|e| e.field("code")).map(|e| use_locale().get().msgs().field_error(e))}</p>
                </div>
                <div class="field">
                    <label for="f-phone">{ct(|m| m.phone)}</label>
                    <input id="f-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" />
                    <p class="field-error" role="alert">{move || err.get().and_then(|e| e.field("phone")).map(|e| use_locale().get().msgs().field_error(e))}</p>
                </div>
                {move || matches!(err.get(), Some(AppError::NotFound)).then(|| view! { <p class="problem" role="alert">{ct(|m| m.track_unknown)}</p> })}
                <Problem error=Signal::derive(move || err.get().filter(|e| !matches!(e, AppError::NotFound))) />
                <button type="submit" class="button primary">{ct(|m| m.track)}</button>
            </ActionForm>
            {move || track.value().get().and_then(Result::ok).map(|r| view! {
                <dl class="facts" data-testid="tracking">
                    <dt>{ct(|m| m.dossier_code)}</dt><dd>{r.code.clone()}</dd>
                    <dt>{ct(|m| m.col_kind)}</dt><dd>{m().kind(r.kind)}</dd>
                    <dt>{ct(|m| m.status)}</dt><dd data-testid="tracking-status">{m().status(r.status)}</dd>
                    <dt>{ct(|m| m.received)}</dt><dd>{format_datetime(r.received_at)}</dd>
                    <dt>{ct(|m| m.due)}</dt><dd>{format_date(r.due_on)}</dd>
                    <dt>{ct(|m| m.commune)}</dt><dd>{r.agency_name.clone()}</dd>
                    {r.needs.clone().map(|n| view! { <dt>{ct(|m| m.needs)}</dt><dd>{n}</dd> })}
                </dl>
            })}
        </section>
    }
}

/// `/facility`: a health facility sees where each birth it sent stands.
#[component]
pub fn FacilityPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| facility_births());
    let m = use_cmsgs();
    view! {
        <Title text=ct(|m| m.facility_title) />
        <section class="panel wide">
            <h1>{ct(|m| m.facility_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="notice">{ct(|m| m.empty_list)}</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="data" data-testid="sent-births">
                                <thead><tr><th>{ct(|m| m.certificate_code)}</th><th>{ct(|m| m.received)}</th>
                                    <th>{ct(|m| m.col_code)}</th><th>{ct(|m| m.commune)}</th><th>{ct(|m| m.status)}</th></tr></thead>
                                <tbody>{rows.into_iter().map(|r| view! {
                                    <tr data-certificate=r.certificate_code.clone()>
                                        <td>{r.certificate_code.clone()}</td><td>{format_datetime(r.received_at)}</td>
                                        <td>{r.dossier_code.clone()}</td><td>{r.commune_name.clone()}</td>
                                        <td>{move || m().status(r.status)}</td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/admin/facilities`: the province administrator gives each facility's software its key.
#[component]
pub fn FacilityKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateFacilityKey>::new();
    let data = Resource::new(move || create.version().get(), |_| list_facility_keys());
    let err = Signal::derive(move || create.value().get().and_then(Result::err));
    let locale = use_locale();
    view! {
        <Title text=ct(|m| m.keys_title) />
        <section class="panel wide">
            <h1>{ct(|m| m.keys_title)}</h1>
            {move || create.value().get().and_then(Result::ok).map(|key| view! {
                <div class="notice success" role="status">
                    <p>{ct(|m| m.key_once)}</p>
                    <code class="secret" data-testid="new-key">{key}</code>
                </div>
            })}
            <Problem error=err />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) => list.into_iter().map(|f| {
                            let id = f.agency_id.to_string();
                            view! {
                                <article class="card" data-facility=f.name.clone()>
                                    <h2>{f.name.clone()}</h2>
                                    {if f.keys.is_empty() {
                                        view! { <p class="muted">{ct(|m| m.no_keys)}</p> }.into_any()
                                    } else {
                                        view! { <ul>{f.keys.into_iter().map(|k| view! {
                                            <li>{k.name} " · " {format_datetime(k.created_at)} " · " {ct(|m| m.key_last_seen)} ": "
                                                {k.last_seen_at.map(format_datetime).unwrap_or_else(|| super::i18n::msgs(locale.get_untracked()).key_never.to_owned())}</li>
                                        }).collect_view()}</ul> }.into_any()
                                    }}
                                    <ActionForm action=create attr:class="row">
                                        <input type="hidden" name="facility" value=id />
                                        <label>{ct(|m| m.key_name)} <input type="text" name="name" /></label>
                                        <button type="submit" class="button">{ct(|m| m.create_key)}</button>
                                    </ActionForm>
                                </article>
                            }
                        }).collect_view().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The collector's own counts, this month and this year.
#[component]
pub(super) fn FieldFigures() -> impl IntoView {
    let data = Resource::new(|| (), |_| field_figures());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|f| view! {
                    <table class="data figures-table" data-testid="my-figures">
                        <thead><tr><th></th><th>{ct(|m| m.this_month)}</th><th>{ct(|m| m.this_year)}</th></tr></thead>
                        <tbody>
                            <tr><th>{ct(|m| m.fig_visits)}</th><td>{f.month.visits}</td><td>{f.year.visits}</td></tr>
                            <tr><th>{ct(|m| m.fig_submitted)}</th><td>{f.month.submitted}</td><td>{f.year.submitted}</td></tr>
                            <tr><th>{ct(|m| m.fig_registered)}</th><td>{f.month.registered}</td><td>{f.year.registered}</td></tr>
                            <tr><th>{ct(|m| m.fig_delivered)}</th><td>{f.month.delivered}</td><td>{f.year.delivered}</td></tr>
                        </tbody>
                    </table>
                })
            })}
        </Transition>
    }
}
