use crate::{i18n::use_locale, kernel::error::AppError};
use leptos::prelude::*;

/// A labelled input whose error (from the last server answer) is shown under it and linked
/// with `aria-describedby`. Touch target ≥ 44 px through the stylesheet.
#[component]
pub fn Field(
    /// Form field name, also the key of the server's field error.
    name: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    #[prop(default = "text")] kind: &'static str,
    /// Any text: a feature's own, a reactive one.
    #[prop(optional, into)]
    hint: Option<Signal<&'static str>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional)] required: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let field_error = field_error(error, name);
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if field_error().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <FieldFrame id=id.clone() label=label hint=hint error=field_error>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                // The attribute for the server-rendered page (and no JavaScript), the property for updates.
                value=value
                prop:value=value
                aria-invalid=move || field_error().is_some().then_some("true")
                aria-describedby=described
            />
        </FieldFrame>
    }
}

/// The text of the server's refusal of field `name`, in the current language, if it refused it.
pub fn field_error(
    error: Signal<Option<AppError>>,
    name: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || error.get().and_then(|e| e.field(name)).map(|fe| locale.get().msgs().field_error(fe))
}

/// The frame of any form control (a select, a textarea, a custom input): its label, an optional
/// hint (`{id}-hint`), the control, and the field's error under it (`{id}-err`, announced). The
/// control links them with `aria-describedby`.
#[component]
pub fn FieldFrame(
    /// The control's id.
    id: String,
    #[prop(into)] label: ViewFn,
    #[prop(default = None)] hint: Option<Signal<&'static str>>,
    /// The field's error text, if the last answer refused it.
    #[prop(into)]
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let (err_id, hint_id) = (format!("{id}-err"), format!("{id}-hint"));
    view! {
        <div class="field">
            <label for=id>{label.run()}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{move || h.get()}</p> })}
            {children()}
            <p class="field-error" id=err_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A search box that asks the current page again with `?q=` (works without JavaScript).
#[component]
pub fn SearchForm(
    /// The current query, shown in the box.
    value: Memo<String>,
    placeholder: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
) -> impl IntoView {
    view! {
        <leptos_router::components::Form method="GET" action="" attr:class="search" attr:role="search">
            <label for="q">{crate::i18n::t(|m| m.search)}</label>
            <input id="q" type="search" name="q" prop:value=value placeholder=placeholder />
            <button type="submit" class="button">{crate::i18n::t(|m| m.search)}</button>
        </leptos_router::components::Form>
    }
}
