//! What the pages share: the dossier code of the path, the form's fields, status badges.

use crate::civil::i18n::{CMsgs, ct};
use crate::civil::server::CivilPerson;
use crate::civil::{
    Status,
    domain::DossierKind,
    form::{self, Input},
};
use crate::i18n::texts;
use crate::{
    i18n::{t, use_locale},
    kernel::error::AppError,
    ui::field::FieldFrame,
};
use leptos::prelude::*;

/// The dossier code of `/civil/d/:code/…`, from the route's own parameters.
pub(super) fn path_code() -> Memo<String> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get("code").unwrap_or_default())
}

pub(super) fn loading() -> impl IntoView {
    view! { <p>{t(|m| m.loading)}</p> }
}

/// One input of a dossier form: `f[key]`, its error under it.
#[component]
pub(super) fn FormField(
    key: &'static str,
    input: Input,
    required: bool,
    #[prop(optional)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let m = texts::<CMsgs>();
    let id = format!("f-{key}");
    let err_id = format!("{id}-err");
    let err = crate::ui::field::field_error(error, key);
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
    view! { <FieldFrame id label=move || m().label(key) error=err>{control}</FieldFrame> }
}

/// A personal ID field with a registry lookup: shows who it is (prefilled, never typed again) and
/// lets the person flag a value as wrong.
#[component]
pub(super) fn PartyField(
    key: &'static str,
    party: &'static str,
    required: bool,
    #[prop(optional)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let m = texts::<CMsgs>();
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
pub(super) fn form_fields(
    kind: DossierKind,
    data: &form::Data,
    error: Signal<Option<AppError>>,
) -> impl IntoView + use<> {
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

pub(super) fn status_badge(m: &'static CMsgs, s: Status) -> impl IntoView + use<> {
    view! { <span class=format!("badge status-{}", s.as_str()) data-status=s.as_str()>{m.status(s)}</span> }
}
