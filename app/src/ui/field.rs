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
    #[prop(optional)] hint: Option<fn(&'static crate::i18n::Msgs) -> &'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional)] required: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    let hint_id = format!("{id}-hint");
    let field_error = move || error.get().and_then(|e| e.field(name)).map(|fe| locale.get().msgs().field_error(fe));
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
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || h(locale.get().msgs())}</p> })}
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
            <p class="field-error" id=err_id role="alert">
                {field_error}
            </p>
        </div>
    }
}
