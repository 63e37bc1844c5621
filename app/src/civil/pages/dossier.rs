//! `/civil/d/<code>`: the dossier as its commune works on it (tablet): content and versions,
//! registry flags, duplicates, photos, handover, and the steps the official may take.

use super::base::{form_fields, loading, path_code, status_badge};
use crate::civil::i18n::{CMsgs, ct};
use crate::civil::server::{CivilAct, CivilSave, civil_dossier};
use crate::civil::{
    DossierView, Status,
    domain::DossierKind,
    form::{self},
};
use crate::i18n::texts;
use crate::ui::field::{Field, FieldFrame};
use crate::{
    i18n::{format_date, format_datetime, use_locale},
    kernel::error::AppError,
    ui::problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

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
    let data = Resource::new_blocking(move || (code.get(), version.get()), |(c, _)| civil_dossier(c));
    let m = texts::<CMsgs>();
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
pub(super) fn DossierBody(d: DossierView, act: ServerAction<CivilAct>, save: ServerAction<CivilSave>) -> impl IntoView {
    let m = texts::<CMsgs>();
    let fm = texts::<crate::field::i18n::FMsgs>();
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
                    <Field name="recipient" label=ct(|m| m.recipient) error=act_err />
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
                    <Field name="reason" label=ct(|m| m.reason) error=save_err />
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
                            <tr data-step=s.step.as_str()>
                                <td>{(m().step)(s.step)} {(!s.note.is_empty()).then(|| view! { <br /><span class="muted small">{s.note.clone()}</span> })}</td>
                                <td>{s.handler.clone().unwrap_or_default()}</td>
                                <td>{format_datetime(s.done_at.unwrap_or(s.started_at))}</td>
                                <td>{format_date(s.due_on)}</td>
                                <td>{result}
                                    {(s.done_at.is_none()).then(|| {
                                        let step = s.step.as_str();
                                        let code = code.clone();
                                        let testid = format!("partner-{step}");
                                        view! {
                                            <span class="muted">{ct(|m| m.partner_pending)}</span>
                                            {a.partner.then(|| view! {
                                                <ActionForm action=act attr:class="inline" attr:data-testid=testid>
                                                    <input type="hidden" name="code" value=code.clone() />
                                                    <input type="hidden" name="action" value="partner_done" />
                                                    <input type="hidden" name="step" value=step />
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

pub(super) fn compare_keys(kind: DossierKind) -> Vec<&'static str> {
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
pub(super) fn DataTable(title: String, data: form::Data, keys: Vec<&'static str>) -> impl IntoView {
    let m = texts::<CMsgs>();
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
pub(super) fn ActButton(
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
pub(super) fn ReasonsForm(
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
                <FieldFrame id=id.clone() label=ct(|m| m.reasons) error=err>
                    <textarea id=id.clone() name="reasons" rows="3" maxlength="2000" aria-describedby=format!("{id}-err")></textarea>
                </FieldFrame>
                <button type="submit" class="button" disabled=move || act.pending().get()>{label}</button>
            </ActionForm>
        </details>
    }
}
