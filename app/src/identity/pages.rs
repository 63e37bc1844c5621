use super::server::RequestCode;
use crate::{
    i18n::t,
    identity::session::use_session,
    ui::{field::Field, problem::Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

/// Username + password login for staff.
#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let login = use_session().login;
    let error = Signal::derive(move || login.value().get().and_then(|r| r.err()));
    view! {
        <Title text=t(|m| m.login_staff_title) />
        <section class="panel narrow">
            <h1>{t(|m| m.login_staff_title)}</h1>
            <p>{t(|m| m.login_staff_intro)}</p>
            <ActionForm action=login>
                <Problem error />
                <Field name="username" label=t(|m| m.username) autocomplete="username" required=true error />
                <Field name="password" label=t(|m| m.password) kind="password" autocomplete="current-password" required=true error />
                <button type="submit" class="button primary" disabled=move || login.pending().get()>
                    {t(|m| m.login_submit)}
                </button>
            </ActionForm>
            <p>
                <A href="/login/citizen">{t(|m| m.login_as_citizen)}</A>
            </p>
        </section>
    }
}

/// Phone number → one-time code → session. The step is in the URL (`?phone=`), so it works
/// without JavaScript and survives a reload.
#[component]
pub fn CitizenLoginPage() -> impl IntoView {
    let request = ServerAction::<RequestCode>::new();
    let verify = use_session().verify;
    let query = use_query_map();
    let phone = Memo::new(move |_| query.read().get("phone").filter(|p| !p.is_empty()));
    let next = Memo::new(move |_| query.read().get("next").unwrap_or_default());
    let request_error = Signal::derive(move || request.value().get().and_then(|r| r.err()));
    let verify_error = Signal::derive(move || verify.value().get().and_then(|r| r.err()));
    view! {
        <Title text=t(|m| m.login_citizen_title) />
        <section class="panel narrow">
            <h1>{t(|m| m.login_citizen_title)}</h1>
            <Show
                when=move || phone.get().is_some()
                fallback=move || {
                    view! {
                        <p>{t(|m| m.login_citizen_intro)}</p>
                        <ActionForm action=request>
                            <input type="hidden" name="next" value=next />
                            <Problem error=request_error />
                            <Field
                                name="phone"
                                label=t(|m| m.phone)
                                kind="tel"
                                hint=t(|m| m.phone_hint)
                                autocomplete="tel"
                                inputmode="tel"
                                required=true
                                error=request_error
                            />
                            <button type="submit" class="button primary" disabled=move || request.pending().get()>
                                {t(|m| m.request_code)}
                            </button>
                        </ActionForm>
                    }
                }
            >
                <p role="status">{t(|m| m.code_sent)}</p>
                <ActionForm action=verify>
                    <Problem error=verify_error />
                    <input type="hidden" name="phone" value=move || phone.get().unwrap_or_default() />
                    <input type="hidden" name="next" value=next />
                    <Field
                        name="code"
                        label=t(|m| m.code)
                        hint=t(|m| m.code_hint)
                        autocomplete="one-time-code"
                        inputmode="numeric"
                        required=true
                        error=verify_error
                    />
                    <button type="submit" class="button primary" disabled=move || verify.pending().get()>
                        {t(|m| m.verify_code)}
                    </button>
                </ActionForm>
                <p>
                    <A href="/login/citizen">{t(|m| m.use_other_phone)}</A>
                </p>
            </Show>
            <p>
                <A href="/login">{t(|m| m.login_as_staff)}</A>
            </p>
        </section>
    }
}
