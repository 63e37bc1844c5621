//! The letter as printed, for the pages that show it (the certificate's page prints it after
//! the certificate).

use super::i18n::{LMsgs, lt};
use super::server::dossier_letter;
use super::{LetterView, paragraphs};
use crate::i18n::{format_date, texts};
use leptos::prelude::*;

#[component]
pub(super) fn LetterText(l: LetterView) -> impl IntoView {
    view! {
        <div class="letter-text">
            {paragraphs(&l.body).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            <div class="practical">
                {paragraphs(&l.practical).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </div>
        </div>
    }
}

/// The letter on its own printed page after the certificate.
#[component]
pub fn LetterSheet(code: String) -> impl IntoView {
    let data = Resource::new_blocking(move || code.clone(), dossier_letter);
    let m = texts::<LMsgs>();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(l)) => {
                        let signer = l.signer.clone();
                        let day = format_date(l.signed_at.unwrap_or(l.created_at).with_timezone(&crate::kernel::time::vn_offset()).date_naive());
                        view! {
                            <article class="print-doc letter" data-testid="letter">
                                <header class="doc-header">
                                    <div class="issuer"><p>{l.agency_name.to_uppercase()}</p></div>
                                    <div class="motto">
                                        <p class="country">{crate::civil::i18n::ct(|m| m.country)}</p>
                                        <p class="underlined">{crate::civil::i18n::ct(|m| m.motto)}</p>
                                    </div>
                                </header>
                                <p class="place-date">{day}</p>
                                <h1>{l.title.clone()}</h1>
                                <LetterText l=l.clone() />
                                <footer class="sign">
                                    <div></div>
                                    <div class="signature">
                                        {m().signed_by.lines().map(|line| view! { <p><strong>{line}</strong></p> }).collect_view()}
                                        {match signer {
                                            Some(s) => view! { <p class="signer">{s}</p> }.into_any(),
                                            None => view! { <p class="signer muted no-print-note">{lt(|m| m.unsigned_note)}</p> }.into_any(),
                                        }}
                                    </div>
                                </footer>
                            </article>
                        }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}
