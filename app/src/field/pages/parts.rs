//! Parts of the field app's forms: photos taken with the camera and compressed on the phone,
//! a field's error text.

use super::sync::use_field;
use crate::i18n::texts;
use crate::{
    field::{i18n::FMsgs, offline::Draft},
    i18n::use_locale,
    kernel::error::FieldErrors,
};
use leptos::prelude::*;
// The camera's photos are read and compressed in the browser only.
#[cfg(feature = "hydrate")]
use {crate::field::offline, leptos::task::spawn_local, uuid::Uuid};

/// The translated error of a field checked on the phone.
pub(super) fn error_text(
    errors: RwSignal<Option<FieldErrors>>,
    key: &'static str,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || errors.with(|e| e.as_ref().and_then(|e| e.get(key))).map(|e| locale.get().msgs().field_error(e))
}

/// Photos taken with the camera, compressed and kept on the phone.
#[component]
pub(super) fn Photos(
    draft: RwSignal<Draft>,
    /// Compressing: the form waits for the photo before it can be finished.
    busy: RwSignal<bool>,
    purpose_label: Signal<String>,
    /// A handover's photo: kept with the form, not as a draft of its own.
    #[prop(optional)]
    transient: bool,
) -> impl IntoView {
    let f = use_field();
    let fm = texts::<FMsgs>();
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
