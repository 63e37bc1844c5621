//! The TV board of an office and the citizen's live ticket, both kept current by the
//! office's event stream.

use super::live::{LiveEvent, use_office_events};
use crate::{
    i18n::{Locale, t, use_locale},
    queue::{
        TicketStatus,
        server::{get_board, get_ticket},
    },
    ui::problem::ErrorPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::queue::i18n::{QMsgs, qt};

/// A short two-tone chime, then "Mời số A-023 đến quầy 3" in Vietnamese where the browser
/// has a speech voice. Browsers allow sound only after a tap on the page ("Bật âm thanh").
fn announce(ticket: &str, counter: i16) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(ctx) = web_sys::AudioContext::new() {
            for (i, freq) in [880.0f32, 660.0].into_iter().enumerate() {
                if let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) {
                    osc.frequency().set_value(freq);
                    gain.gain().set_value(0.2);
                    let start = ctx.current_time() + i as f64 * 0.35;
                    let _ = osc
                        .connect_with_audio_node(&gain)
                        .and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
                    let _ = osc.start_with_when(start);
                    let _ = osc.stop_with_when(start + 0.3);
                }
            }
        }
        let spoken = ticket.replace('-', " ");
        let text = format!("Mời số {spoken} đến quầy {counter}");
        if let (Some(w), Ok(u)) = (web_sys::window(), web_sys::SpeechSynthesisUtterance::new_with_text(&text)) {
            u.set_lang("vi-VN");
            if let Ok(s) = w.speech_synthesis() {
                s.speak(&u);
            }
        }
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-announced", &text);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ticket, counter);
}

/// `/board/:office`: public, for a TV; numbers only, no names.
#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let office = Memo::new(move |_| params.read().get("office").unwrap_or_default());
    let version = RwSignal::new(0u32);
    let board = Resource::new_blocking(move || (office.get(), version.get()), |(o, _)| get_board(o));
    let sound = RwSignal::new(false);
    let office_id = Memo::new(move |_| board.get().and_then(Result::ok).map(|b| b.office_id));
    let on_event = move |e: LiveEvent| {
        if e.kind == "called"
            && sound.get_untracked()
            && let (Some(tk), Some(c)) = (e.ticket.as_deref(), e.counter)
        {
            announce(tk, c);
        }
        version.update(|v| *v += 1);
    };
    use_office_events(office_id, on_event);
    view! {
        <Title text=qt(|q| q.board_title) />
        <section class="board" data-testid="board">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(b) => {
                            view! {
                                <header class="board-head">
                                    <h1>{b.office_name.clone()}</h1>
                                    {b.last_call.clone().map(|(tk, c, _)| view! {
                                        <p class="board-call" data-testid="last-call">{qt(|q| q.invite_number)} " " <strong>{tk}</strong> " " {qt(|q| q.to_counter_word)} " " <strong>{c}</strong></p>
                                    })}
                                </header>
                                <table class="board-table">
                                    <thead><tr><th>{qt(|q| q.counter_word)}</th><th>{qt(|q| q.now_serving)}</th></tr></thead>
                                    <tbody>
                                        {b.counters.into_iter().map(|c| view! {
                                            <tr data-counter=c.number>
                                                <td><strong>{c.number}</strong> " " <span class="muted">{c.name}</span></td>
                                                <td class="serving">{c.serving.unwrap_or_else(|| "—".into())}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                <div class="board-next">
                                    <h2>{qt(|q| q.next_numbers)} " (" {b.waiting} ")"</h2>
                                    <p data-testid="next">{b.next.join("  ·  ")}</p>
                                </div>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <button type="button" class="button sound" on:click=move |_| sound.update(|s| *s = !*s) aria-pressed=move || sound.get().to_string()>
                {move || if sound.get() { qt(|q| q.sound_on)() } else { qt(|q| q.sound_off)() }}
            </button>
        </section>
    }
}

/// `/ticket/:token`: the citizen's ticket on their phone, updating live.
#[component]
pub fn TicketPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let version = RwSignal::new(0u32);
    let ticket = Resource::new_blocking(move || (token.get(), version.get()), |(tk, _)| get_ticket(tk));
    let office_id = Memo::new(move |_| ticket.get().and_then(Result::ok).map(|t| t.office_id));
    use_office_events(office_id, move |_| version.update(|v| *v += 1));
    super::keep_page_offline();
    view! {
        <Title text=qt(|q| q.ticket_title) />
        <section class="panel ticket">
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match ticket.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(tk) => {
                            let (vi, en) = (tk.procedure_name.clone(), tk.procedure_name_en.clone());
                            let status = tk.status;
                            let counter = tk.counter_number;
                            view! {
                                <p class="muted">{tk.office_name.clone()}</p>
                                <p>{move || if locale.get() == Locale::En { en.clone() } else { vi.clone() }}</p>
                                <p class="ticket-number" data-testid="ticket-number">{tk.label.clone()}</p>
                                <p class="ticket-status" data-status=status.as_str() data-testid="ticket-status">
                                    {move || {
                                        let q = locale.get().texts::<QMsgs>();
                                        match (status, counter) {
                                            (TicketStatus::Waiting, _) => (q.people_ahead)(tk.ahead),
                                            (TicketStatus::Called, Some(c)) => (q.please_go_to)(c),
                                            (TicketStatus::Serving, Some(c)) => (q.being_served_at)(c),
                                            (TicketStatus::Done, _) => q.ticket_done.to_owned(),
                                            (TicketStatus::NoShow, _) => q.ticket_no_show.to_owned(),
                                            _ => String::new(),
                                        }
                                    }}
                                </p>
                                {tk.rating.clone().map(|(token, qr)| view! {
                                    <div class="rate-invite" data-testid="rate-invite">
                                        <a class="button primary big" href=format!("/rate/{token}") data-testid="rate-link">{move || locale.get().texts::<crate::evaluation::i18n::EMsgs>().rate_title}</a>
                                        <div class="qr small" inner_html=qr></div>
                                    </div>
                                })}
                                {(status == TicketStatus::Waiting).then(|| view! {
                                    <p data-testid="estimate">{move || (locale.get().texts::<QMsgs>().estimated_wait)(tk.estimated_wait_minutes)}</p>
                                })}
                                <p class="muted">{qt(|q| q.ticket_live_hint)}</p>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
