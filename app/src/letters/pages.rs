//! The chairman's batch signing of letters (tablet), the commune's template editor, and the
//! letter sheet printed after the certificate.

use super::i18n::LMsgs;
use super::i18n::lt;
use super::server::{SaveLetterTemplate, SignLetters, letter_templates, list_letters};
use super::sheet::LetterText;
use super::{LetterView, paragraphs};
use crate::{
    i18n::{t, texts, use_locale},
    kernel::error::{AppError, FieldError},
    ui::{
        field::FieldFrame,
        problem::{ErrorPanel, Problem},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn loading() -> impl IntoView {
    view! { <p>{t(|m| m.loading)}</p> }
}

/// `/letters`: the chairman reads and signs the commune's letters in a batch.
#[component]
pub fn LettersPage() -> impl IntoView {
    let query = use_query_map();
    let signed_tab = Memo::new(move |_| query.read().get("signed").is_some_and(|s| s == "1"));
    let sign = ServerAction::<SignLetters>::new();
    // Reload after a signature, not after a refusal.
    let done = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(sign.value().get(), Some(Ok(_))) {
            done.update(|v| *v += 1);
        }
    });
    let data = Resource::new_blocking(
        move || (signed_tab.get(), done.get()),
        |(s, _)| list_letters(if s { "1".into() } else { String::new() }),
    );
    let err = Signal::derive(move || sign.value().get().and_then(Result::err));
    let all = RwSignal::new(false);
    let m = texts::<LMsgs>();
    view! {
        <Title text=lt(|m| m.letters_title) />
        <section class="panel wide letters">
            <h1>{lt(|m| m.letters_title)}</h1>
            <nav class="tabs">
                <a class="tab" href="/letters" aria-current=move || (!signed_tab.get()).then_some("page")>{lt(|m| m.waiting)}</a>
                <a class="tab" href="/letters?signed=1" aria-current=move || signed_tab.get().then_some("page")>{lt(|m| m.signed)}</a>
            </nav>
            {move || sign.value().get().and_then(Result::ok).map(|n| view! {
                <p class="notice success" role="status" data-testid="letters-signed">{(m().signed_n)(n)}</p>
            })}
            {move || matches!(err.get(), Some(AppError::Validation(_))).then(|| view! {
                <p class="problem" role="alert">{lt(|m| m.pick_one)}</p>
            })}
            <Problem error=err />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="notice" data-testid="letters-empty">{move || if signed_tab.get() { m().none_signed } else { m().none_waiting }}</p>
                        }.into_any(),
                        Ok(list) if signed_tab.get_untracked() => view! {
                            <ul class="cards">{list.into_iter().map(|l| view! { <li class="card"><LetterSummary l /></li> }).collect_view()}</ul>
                        }.into_any(),
                        Ok(list) => view! {
                            <ActionForm action=sign attr:class="stack" attr:data-testid="sign-letters">
                                <label class="check">
                                    <input type="checkbox" on:change=move |ev| all.set(event_target_checked(&ev)) />
                                    {lt(|m| m.select_all)}
                                </label>
                                <ul class="cards">
                                    {list.into_iter().enumerate().map(|(i, l)| {
                                        let code = l.dossier_code.clone();
                                        let id = l.letter_id.to_string();
                                        view! {
                                        <li class="card" data-letter=code>
                                            <label class="check">
                                                <input type="checkbox" name=format!("ids[{i}]") value=id
                                                       prop:checked=move || all.get() />
                                                <strong>{l.subject_name.clone()}</strong>
                                            </label>
                                            <LetterSummary l />
                                        </li>
                                    }}).collect_view()}
                                </ul>
                                <button type="submit" class="button primary" disabled=move || sign.pending().get()>{lt(|m| m.sign_selected)}</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LetterSummary(l: LetterView) -> impl IntoView {
    let m = texts::<LMsgs>();
    let kind = m().kinds[crate::civil::domain::DossierKind::ALL.iter().position(|k| *k == l.kind).unwrap_or(0)];
    let first = paragraphs(&l.body).into_iter().nth(1).unwrap_or_default();
    view! {
        <p class="muted small">{kind} " · " <a href=format!("/civil/d/{}/certificate", l.dossier_code)>{l.dossier_code.clone()}</a>
            {l.signed_at.map(|at| view! { " · " {l.signer.clone().unwrap_or_default()} " " {crate::i18n::format_datetime(at)} })}</p>
        <p>{first}</p>
        <details>
            <summary>{lt(|m| m.read)}</summary>
            <LetterText l=l.clone() />
        </details>
    }
}

/// `/admin/letters`: the commune administrator edits the three letters; each save is a version.
/// `children`: the commune's other settings shown above the templates (the route adds them).
#[component]
pub fn TemplatesPage(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    let save = ServerAction::<SaveLetterTemplate>::new();
    let done = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            done.update(|v| *v += 1);
        }
    });
    let data = Resource::new_blocking(move || done.get(), |_| letter_templates());
    let err = Signal::derive(move || save.value().get().and_then(Result::err));
    let m = texts::<LMsgs>();
    let locale = use_locale();
    view! {
        <Title text=lt(|m| m.templates_title) />
        <section class="panel wide letter-templates">
            <h1>{lt(|m| m.templates_title)}</h1>
            {children.map(|c| c())}
            <p class="hint">{lt(|m| m.fields_help)}</p>
            {move || save.value().get().and_then(Result::ok).map(|v| view! { <p class="notice success" role="status">{(m().saved)(v)}</p> })}
            <Problem error=err />
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) => list.into_iter().map(|tpl| {
                            let kind = tpl.kind;
                            let heading = m().kinds[crate::civil::domain::DossierKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)];
                            let version = if tpl.own { (m().version_own)(tpl.version) } else { (m().version_default)(tpl.version) };
                            // Errors belong to the form of the kind that was saved last.
                            let field_err = move |f: &'static str| move || {
                                let mine = save.input().get().is_none_or(|i| i.kind == kind.as_str());
                                err.get().filter(|_| mine).and_then(|e| e.field(f)).map(|e| match e {
                                    FieldError::Invalid => m().invalid_template.to_owned(),
                                    other => locale.get().msgs().field_error(other),
                                })
                            };
                            let id = move |f: &str| format!("tpl-{}-{f}", kind.as_str());
                            view! {
                                <article class="card" data-kind=kind.as_str()>
                                    <h2>{heading}</h2>
                                    <p class="muted small" data-testid=format!("version-{}", kind.as_str())>{version}</p>
                                    <ActionForm action=save attr:class="stack">
                                        <input type="hidden" name="kind" value=kind.as_str() />
                                        <FieldFrame id=id("title") label=lt(|m| m.title) error=field_err("title")>
                                            <input id=id("title") aria-describedby=format!("{}-err", id("title")) name="title" type="text" value=tpl.title.clone() />
                                        </FieldFrame>
                                        <FieldFrame id=id("body") label=lt(|m| m.body) error=field_err("body")>
                                            <textarea id=id("body") aria-describedby=format!("{}-err", id("body")) name="body" rows="10">{tpl.body.clone()}</textarea>
                                        </FieldFrame>
                                        <FieldFrame id=id("practical") label=lt(|m| m.practical) error=field_err("practical")>
                                            <textarea id=id("practical") aria-describedby=format!("{}-err", id("practical")) name="practical" rows="8">{tpl.practical.clone()}</textarea>
                                        </FieldFrame>
                                        <button type="submit" class="button primary" disabled=move || save.pending().get()>{lt(|m| m.save)}</button>
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
