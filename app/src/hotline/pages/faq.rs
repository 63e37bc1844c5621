//! `/faq`: the public answers (approved knowledge-base versions in effect, no personal data),
//! searchable with or without diacritics, with "did this help?"; and `/hotline/kb`, where
//! agents draft answers and agencies write and approve them.

use crate::hotline::{
    KbEntry,
    i18n::ht,
    server::{FaqFeedback, KbApprove, KbSave, kb_search, kb_versions},
};
use crate::i18n::{format_date, t};
use crate::ui::{
    field::{Field, FieldFrame, field_error},
    problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

#[component]
pub fn FaqPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let data = Resource::new_blocking(move || q.get(), |q| kb_search(q, String::new()));
    view! {
        <Title text=ht(|m| m.faq_title) />
        <section class="panel faq">
            <h1>{ht(|m| m.faq_title)}</h1>
            <p>{ht(|m| m.faq_intro)}</p>
            <Form method="GET" action="" attr:class="search">
                <input type="search" name="q" value=move || q.get() aria-label=ht(|m| m.faq_search) placeholder=ht(|m| m.faq_search) />
                <button type="submit" class="button">{t(|m| m.search)}</button>
            </Form>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">{ht(|m| m.faq_none)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="cards" data-testid="faq">
                                {list.into_iter().map(|k| view! { <FaqItem k=k /> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <p class="muted">{ht(|m| m.faq_call)}</p>
        </section>
    }
}

#[component]
fn FaqItem(k: KbEntry) -> impl IntoView {
    let vote = ServerAction::<FaqFeedback>::new();
    let id = k.kb_answer_id.to_string();
    let id2 = id.clone();
    view! {
        <li class="card" data-testid="faq-item">
            <p class="muted">{k.topic.clone()} {k.procedure.clone().map(|p| format!(" · {p}"))}</p>
            <h2>{k.question.clone()}</h2>
            <p>{k.answer.clone()}</p>
            <p class="muted">{k.agency.clone()} " · " {ht(|m| m.effective_from)} " " {format_date(k.effective_from)}</p>
            {move || match vote.value().get() {
                Some(Ok(_)) => view! { <p class="ok" role="status">{ht(|m| m.thanks_feedback)}</p> }.into_any(),
                _ => {
                    let (id, id2) = (id.clone(), id2.clone());
                    view! {
                    <div class="row">
                        <span>{ht(|m| m.did_it_help)}</span>
                        <ActionForm action=vote attr:class="inline">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="helpful" value="1" />
                            <button type="submit" class="button">{ht(|m| m.yes)}</button>
                        </ActionForm>
                        <ActionForm action=vote attr:class="inline">
                            <input type="hidden" name="id" value=id2 />
                            <input type="hidden" name="helpful" value="0" />
                            <button type="submit" class="button">{ht(|m| m.no)}</button>
                        </ActionForm>
                    </div>
                }.into_any() }
            }}
        </li>
    }
}

/// `/hotline/kb`: every version the user may see; a form for a new answer or a new version.
#[component]
pub fn KnowledgePage() -> impl IntoView {
    let save = ServerAction::<KbSave>::new();
    let approve = ServerAction::<KbApprove>::new();
    let data = Resource::new_blocking(move || (save.version().get(), approve.version().get()), |_| kb_versions());
    let err = Signal::derive(move || save.value().get().and_then(Result::err));
    let approve_err = Signal::derive(move || approve.value().get().and_then(Result::err));
    let today = crate::kernel::time::vn_today(chrono::Utc::now()).format("%Y-%m-%d").to_string();
    view! {
        <Title text=ht(|m| m.kb_title) />
        <section class="panel wide">
            <h1>{ht(|m| m.kb_title)}</h1>
            <ActionForm action=save attr:class="stack" attr:data-testid="kb-form">
                <Field name="answer_key" label=ht(|m| m.kb_key) error=err />
                <Field name="procedure" label=ht(|m| m.kb_procedure) error=err />
                <Field name="topic" label=ht(|m| m.kb_topic) required=true error=err />
                <Field name="question" label=ht(|m| m.kb_question) required=true error=err />
                <FieldFrame id="f-kb-answer".into() label=ht(|m| m.kb_answer) error=field_error(err, "answer")>
                    <textarea id="f-kb-answer" name="answer" rows="5" maxlength="4000"></textarea>
                </FieldFrame>
                <Field name="effective_from" kind="date" label=ht(|m| m.effective_from) value=today error=err />
                <Problem error=Signal::derive(move || err.get().filter(|e| !matches!(e, crate::kernel::error::AppError::Validation(_)))) />
                <button type="submit" class="button primary">{ht(|m| m.kb_save)}</button>
            </ActionForm>
            <Problem error=approve_err />
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) => view! {
                            <ul class="cards" data-testid="kb-versions">
                                {list.into_iter().map(|k| {
                                    let id = k.kb_answer_id.to_string();
                                    view! {
                                        <li class="card" data-approved=k.approved.to_string()>
                                            <p class="muted">{k.topic.clone()} " · v" {k.version} " · " {k.agency.clone()} " · " {format_date(k.effective_from)}
                                                " · " <code>{k.answer_key.to_string()}</code></p>
                                            <h2>{k.question.clone()}</h2>
                                            <p>{k.answer.clone()}</p>
                                            {(!k.approved).then(|| view! {
                                                <ActionForm action=approve attr:class="inline">
                                                    <input type="hidden" name="id" value=id.clone() />
                                                    <button type="submit" class="button">{ht(|m| m.kb_approve)}</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
