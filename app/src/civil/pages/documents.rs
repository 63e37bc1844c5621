//! The printable documents: receipt (Mẫu 01), supplement and refusal notices, the certificate.

use super::base::{loading, path_code};
use crate::civil::i18n::{CMsgs, ct};
use crate::civil::server::civil_document;
use crate::civil::{DossierView, domain::DossierKind};
use crate::i18n::texts;
use crate::{
    i18n::{format_date, format_datetime},
    ui::problem::ErrorPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/civil/d/:code/receipt` (Mẫu 01) and `/civil/d/:code/certificate`: A4 print layouts; the
/// browser prints them or saves them as PDF.
#[component]
pub fn DocumentPage(document: &'static str) -> impl IntoView {
    let code = path_code();
    let data = Resource::new_blocking(move || code.get(), move |c| civil_document(c, document.to_owned()));
    let m = texts::<CMsgs>();
    view! {
        <Title text=move || match document {
            "receipt" => m().receipt,
            "certificate" => m().certificate,
            "refusal" => m().notice_refusal,
            _ => m().notice_supplement,
        } />
        <section class="document-page">
            <nav class="row no-print">
                <a href=move || format!("/civil/d/{}", code.get())>{move || (m().dossier_title)(&code.get())}</a>
                <button type="button" class="button primary" on:click=move |_| {
                    let _ = window().print();
                }>{ct(|m| m.print)}</button>
            </nav>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok((d, qr, _)) if document == "receipt" => view! { <Receipt d qr /> }.into_any(),
                        Ok((d, qr, _)) if document != "certificate" => view! { <Notice d qr form=document /> }.into_any(),
                        Ok((d, qr, url)) => {
                            let code = d.code.clone();
                            view! {
                                <Certificate d qr url />
                                // The chairman's letter goes with the certificate, on its own page.
                                <crate::letters::sheet::LetterSheet code />
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub(super) fn DocHeader(agency: String) -> impl IntoView {
    view! {
        <header class="doc-header">
            <div class="issuer"><p>{agency.to_uppercase()}</p></div>
            <div class="motto">
                <p class="country">{ct(|m| m.country)}</p>
                <p class="underlined">{ct(|m| m.motto)}</p>
            </div>
        </header>
    }
}

#[component]
pub(super) fn Receipt(d: DossierView, qr: String) -> impl IntoView {
    let m = texts::<CMsgs>();
    let g = |k: &str| d.data.get(k).cloned().unwrap_or_default();
    let who = match d.kind {
        DossierKind::Marriage => format!("{} – {}", g("husband_name"), g("wife_name")),
        _ => g("requester_name"),
    };
    view! {
        <article class="print-doc receipt" data-testid="receipt">
            <DocHeader agency=d.agency_name.clone() />
            <div class="doc-code">
                <p>{ct(|m| m.dossier_code)} ": " <strong data-testid="receipt-code">{d.code.clone()}</strong></p>
                <div class="qr" inner_html=qr></div>
            </div>
            <h1>{ct(|m| m.receipt_title)}</h1>
            <p>{(m().receipt_body)(&d.agency_name)} " " <strong>{who}</strong></p>
            {d.phone.clone().map(|p| view! { <p>{ct(|m| m.phone)} ": " {p}</p> })}
            <p>{ct(|m| m.col_kind)} ": " {m().kind(d.kind)} " (" {m().channel(d.channel)} ")"</p>
            <p>{ct(|m| m.received)} ": " {format_datetime(d.received_at)}</p>
            <p>{ct(|m| m.receipt_due)} ": " <strong>{format_date(d.due_on)}</strong></p>
            <p class="small">{ct(|m| m.receipt_track)}</p>
        </article>
    }
}

/// Mẫu 02 (supplement) or Mẫu 03 (refusal) of TT 03/2025/TT-VPCP: the latest of that form.
#[component]
pub(super) fn Notice(d: DossierView, qr: String, form: &'static str) -> impl IntoView {
    let m = texts::<CMsgs>();
    let g = |k: &str| d.data.get(k).cloned().unwrap_or_default();
    let who = match d.kind {
        DossierKind::Marriage => format!("{} – {}", g("husband_name"), g("wife_name")),
        _ => g("requester_name"),
    };
    let notice = d.notices.iter().rev().find(|n| n.form == form).cloned();
    let title = if form == "refusal" { m().notice_refusal_title } else { m().notice_supplement_title };
    view! {
        <article class="print-doc notice-doc" data-testid="notice">
            <DocHeader agency=d.agency_name.clone() />
            <div class="doc-code">
                <p>{ct(|m| m.dossier_code)} ": " <strong>{d.code.clone()}</strong></p>
                <div class="qr" inner_html=qr></div>
            </div>
            <h1>{title}</h1>
            <p>{(m().receipt_body)(&d.agency_name)} " " <strong>{who}</strong></p>
            <p>{ct(|m| m.col_kind)} ": " {m().kind(d.kind)}</p>
            <p>{ct(|m| m.received)} ": " {format_datetime(d.received_at)}</p>
            {notice.map(|n| view! {
                <p><strong>{if form == "refusal" { m().refusal_reasons } else { m().supplement_items }}</strong></p>
                <p class="reasons-text" data-testid="notice-reasons">{n.reasons.clone()}</p>
                <p>{if form == "refusal" { m().refusal_apology } else { m().supplement_apology }}</p>
                <footer class="sign">
                    <div></div>
                    <div class="signature">
                        <p>{format_datetime(n.at)}</p>
                        <p><strong>{ct(|m| m.notice_signer)}</strong></p>
                        <p class="signer">{n.by.clone().unwrap_or_default()}</p>
                    </div>
                </footer>
            })}
        </article>
    }
}

#[component]
pub(super) fn Certificate(d: DossierView, qr: String, url: String) -> impl IntoView {
    let m = texts::<CMsgs>();
    let title = m().certificate_titles[DossierKind::ALL.iter().position(|k| *k == d.kind).unwrap_or(0)];
    let keys: &[&str] = match d.kind {
        DossierKind::Birth => &[
            "child_name",
            "child_sex",
            "birth_date",
            "birth_place",
            "ethnicity",
            "home_town",
            "mother_name",
            "mother_birth",
            "mother_ethnicity",
            "mother_nationality",
            "mother_residence",
            "father_name",
            "father_birth",
            "father_ethnicity",
            "father_nationality",
            "father_residence",
        ],
        DossierKind::Marriage => &[
            "wife_name",
            "wife_birth",
            "wife_ethnicity",
            "wife_nationality",
            "wife_residence",
            "wife_id",
            "husband_name",
            "husband_birth",
            "husband_ethnicity",
            "husband_nationality",
            "husband_residence",
            "husband_id",
        ],
        DossierKind::Death => &[
            "deceased_name",
            "deceased_birth",
            "deceased_sex",
            "deceased_ethnicity",
            "deceased_nationality",
            "deceased_id",
            "deceased_residence",
            "death_date",
            "death_time",
            "death_place",
            "death_cause",
            "death_notice_no",
        ],
    };
    let mut rows: Vec<(String, String)> =
        keys.iter().filter_map(|k| d.data.get(*k).map(|v| (m().label(k), m().value(k, v)))).collect();
    // The child's personal number, given at registration, heads the birth certificate.
    if let (DossierKind::Birth, Some(id)) = (d.kind, &d.subject_id) {
        rows.insert(0, (m().label("personal_id"), id.clone()));
    }
    let on = d
        .registered_at
        .map(|t| format_date(t.with_timezone(&crate::kernel::time::vn_offset()).date_naive()))
        .unwrap_or_default();
    view! {
        <article class="print-doc certificate" data-testid="certificate">
            <DocHeader agency=d.agency_name.clone() />
            <p class="book-no" data-testid="certificate-no">{(m().book_no)(d.register_no.unwrap_or(0), d.register_year.unwrap_or(0))}</p>
            <h1>{title}</h1>
            <dl class="cert-fields">
                {rows.into_iter().map(|(l, v)| view! { <dt>{l}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <p>{ct(|m| m.commune)} ": " {d.agency_name.clone()}, {d.province_name.clone()}</p>
            <p>{ct(|m| m.registered_on)} ": " {on}</p>
            <footer class="sign">
                <div class="qr-block">
                    <div class="qr" inner_html=qr data-testid="certificate-qr"></div>
                    <p class="small">{ct(|m| m.scan_to_verify)}</p>
                    <p class="small verify-url" data-testid="verify-url">{url}</p>
                </div>
                <div class="signature">
                    <p>{ct(|m| m.signed_for)}</p>
                    <p><strong>{ct(|m| m.chairman)}</strong></p>
                    <p class="signer">{d.signer.clone().unwrap_or_default()}</p>
                </div>
            </footer>
        </article>
    }
}
