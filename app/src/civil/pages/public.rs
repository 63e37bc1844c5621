//! The public pages: the certificate's QR verification and following a dossier.

use super::base::loading;
use crate::civil::i18n::{CMsgs, ct};
use crate::civil::{
    Tracked,
    server::{CivilTrack, civil_verify},
};
use crate::evaluation::{
    domain::{CaseKind, CaseStatus},
    i18n::{EMsgs, et},
};
use crate::i18n::texts;
use crate::{
    i18n::{format_date, format_datetime},
    kernel::error::AppError,
    ui::{
        field::Field,
        problem::{ErrorPanel, Problem, page_status},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/verify/:token`: anyone scanning a certificate's QR; minimal data only.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new_blocking(move || params.read().get("token").unwrap_or_default(), civil_verify);
    let m = texts::<CMsgs>();
    view! {
        <Title text=ct(|m| m.verify_title) />
        <section class="panel verify">
            <h1>{ct(|m| m.verify_title)}</h1>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(AppError::NotFound) => {
                            page_status(404);
                            view! { <p class="problem" data-testid="verify-unknown">{ct(|m| m.verify_unknown)}</p> }.into_any()
                        }
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
    let m = texts::<CMsgs>();
    let code = query.read_untracked().get("code").unwrap_or_default();
    view! {
        <Title text=ct(|m| m.track_title) />
        <section class="panel track">
            <h1>{ct(|m| m.track_title)}</h1>
            <p>{ct(|m| m.track_intro)}</p>
            <ActionForm action=track attr:class="stack" attr:data-testid="track-form">
                <Field name="code" label=ct(|m| m.dossier_code) value=code error=err />
                <Field name="phone" label=ct(|m| m.phone) kind="tel" inputmode="tel" autocomplete="tel" error=err />
                {move || matches!(err.get(), Some(AppError::NotFound)).then(|| view! { <p class="problem" role="alert">{ct(|m| m.track_unknown)}</p> })}
                <Problem error=Signal::derive(move || err.get().filter(|e| !matches!(e, AppError::NotFound))) />
                <button type="submit" class="button primary">{ct(|m| m.track)}</button>
            </ActionForm>
            {move || track.value().get().and_then(Result::ok).map(|found| match found {
                Tracked::Dossier(r) => view! {
                    <dl class="facts" data-testid="tracking">
                        <dt>{ct(|m| m.dossier_code)}</dt><dd>{r.code.clone()}</dd>
                        <dt>{ct(|m| m.col_kind)}</dt><dd>{m().kind(r.kind)}</dd>
                        <dt>{ct(|m| m.status)}</dt><dd data-testid="tracking-status">{m().status(r.status)}</dd>
                        <dt>{ct(|m| m.received)}</dt><dd>{format_datetime(r.received_at)}</dd>
                        <dt>{ct(|m| m.due)}</dt><dd>{format_date(r.due_on)}</dd>
                        <dt>{ct(|m| m.commune)}</dt><dd>{r.agency_name.clone()}</dd>
                        {r.needs.clone().map(|n| view! { <dt>{ct(|m| m.needs)}</dt><dd>{n}</dd> })}
                    </dl>
                }.into_any(),
                Tracked::Case(c) => {
                    let e = texts::<EMsgs>();
                    let kind = CaseKind::ALL.iter().position(|k| *k == c.kind).unwrap_or(0);
                    let status = CaseStatus::ALL.iter().position(|k| *k == c.status).unwrap_or(0);
                    view! {
                        <dl class="facts" data-testid="tracking" data-status=c.status.as_str()>
                            <dt>{ct(|m| m.dossier_code)}</dt><dd>{c.code.clone()}</dd>
                            <dt>{ct(|m| m.col_kind)}</dt><dd>{move || e().case_kinds[kind]}</dd>
                            <dt>{ct(|m| m.status)}</dt><dd data-testid="tracking-status">{move || e().case_status[status]}</dd>
                            <dt>{ct(|m| m.received)}</dt><dd>{format_datetime(c.received_at)}</dd>
                            <dt>{ct(|m| m.due)}</dt><dd>{format_date(c.resolve_due)}</dd>
                            <dt>{ct(|m| m.commune)}</dt><dd>{c.office.clone()}</dd>
                            {c.answer.clone().map(|a| view! { <dt>{et(|m| m.answer)}</dt><dd data-testid="tracking-answer">{a}</dd> })}
                        </dl>
                    }.into_any()
                }
            })}
        </section>
    }
}
