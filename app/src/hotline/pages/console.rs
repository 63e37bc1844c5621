//! `/hotline`: the agent's console. A call ringing on the agent's extension pops at once (the
//! console's event stream, fed by LISTEN/NOTIFY from whichever instance took the webhook) with
//! what the system knows about the number; the agent answers from the knowledge base, wraps
//! the call up, opens a case, or works the callback list.

use super::base::{call_time, outcome_badge, seconds};
use crate::hotline::{
    CallLine, CallPop, CallerView, Console, KbEntry,
    i18n::{HMsgs, ht},
    server::{
        HotlineCallback, HotlineOpenCase, HotlineSetExtension, HotlineWrapUp, hotline_caller, hotline_console,
        kb_search,
    },
};
use crate::i18n::{format_date, t, texts};
use crate::reference::server::list_procedures;
use crate::ui::{
    field::{Field, FieldFrame, field_error},
    live::use_event_source,
    problem::{ErrorPanel, Problem},
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use uuid::Uuid;

/// What the agent has picked and typed for the open call. Kept above the caller's card, which
/// is drawn again whenever the call changes (answered, ended): nothing typed is lost.
#[derive(Clone, Copy)]
struct Draft {
    call: RwSignal<Option<Uuid>>,
    proc_q: RwSignal<String>,
    procedure: RwSignal<String>,
    kb_q: RwSignal<String>,
    kb_pick: RwSignal<Option<KbEntry>>,
    note: RwSignal<String>,
}

impl Draft {
    fn new() -> Self {
        Self {
            call: RwSignal::new(None),
            proc_q: RwSignal::new(String::new()),
            procedure: RwSignal::new(String::new()),
            kb_q: RwSignal::new(String::new()),
            kb_pick: RwSignal::new(None),
            note: RwSignal::new(String::new()),
        }
    }

    /// A new call starts from an empty draft; the same call keeps it.
    fn open(self, call: Uuid) {
        if self.call.get_untracked() != Some(call) {
            self.call.set(Some(call));
            for s in [self.proc_q, self.procedure, self.kb_q, self.note] {
                s.set(String::new());
            }
            self.kb_pick.set(None);
        }
    }
}

#[component]
pub fn ConsolePage() -> impl IntoView {
    let set_ext = ServerAction::<HotlineSetExtension>::new();
    let callback = ServerAction::<HotlineCallback>::new();
    let wrap = ServerAction::<HotlineWrapUp>::new();
    let open_case = ServerAction::<HotlineOpenCase>::new();
    // Bumped by every message of the stream: the lists reload.
    let live = RwSignal::new(0u32);
    let selected = RwSignal::new(None::<Uuid>);
    let draft = Draft::new();
    Effect::new(move |_| {
        if let Some(id) = selected.get() {
            draft.open(id);
        }
    });
    let console = Resource::new_blocking(
        move || {
            (
                live.get(),
                set_ext.version().get(),
                callback.version().get(),
                wrap.version().get(),
                open_case.version().get(),
            )
        },
        |_| hotline_console(),
    );
    let caller = Resource::new(
        move || (selected.get(), live.get(), wrap.version().get(), open_case.version().get()),
        |(id, _, _, _)| async move {
            match id {
                Some(id) => hotline_caller(id.to_string()).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // Communes a case can be about: the ones with an agency, as the home-visit form lists them.
    let communes = Resource::new(|| (), |_| crate::field::server::visit_communes());
    let has_extension = Memo::new(move |_| console.get().and_then(Result::ok).and_then(|c| c.extension).is_some());
    let stream = Memo::new(move |_| has_extension.get().then(|| "/api/hotline/events".to_owned()));
    use_event_source(stream, move |data| {
        if let Some(pop) = data.and_then(|d| serde_json::from_str::<CallPop>(&d).ok())
            && matches!(pop.kind.as_str(), "ringing" | "answered" | "transferred")
        {
            selected.set(Some(pop.call_id));
        }
        live.update(|n| *n += 1);
    });
    let ext_err = Signal::derive(move || set_ext.value().get().and_then(Result::err));
    view! {
        <Title text=ht(|m| m.console_title) />
        <section class="panel wide hotline" data-testid="console">
            <h1>{ht(|m| m.console_title)}</h1>
            <Transition fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match console.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(c) => view! { <ConsoleBody c=c set_ext=set_ext ext_err=ext_err callback=callback selected=selected /> }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match caller.await {
                        Ok(None) => view! { <p class="muted" data-testid="no-call">{ht(|m| m.no_call)}</p> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(Some(v)) => {
                            let communes = communes.await.unwrap_or_default();
                            view! { <CallerCard v=v wrap=wrap open_case=open_case communes=communes draft=draft /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ConsoleBody(
    c: Console,
    set_ext: ServerAction<HotlineSetExtension>,
    ext_err: Signal<Option<crate::kernel::error::AppError>>,
    callback: ServerAction<HotlineCallback>,
    selected: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let ext = c.extension.clone().unwrap_or_default();
    let cb_err = Signal::derive(move || callback.value().get().and_then(Result::err));
    view! {
        <ActionForm action=set_ext attr:class="inline" attr:data-testid="extension-form">
            <Field name="extension" label=ht(|m| m.my_extension) inputmode="numeric" value=ext error=ext_err />
            <button type="submit" class="button">{ht(|m| m.take_calls)}</button>
        </ActionForm>
        {c.extension.is_none().then(|| view! { <p class="problem" role="status">{ht(|m| m.no_extension)}</p> })}
        {(!c.live.is_empty()).then(|| view! {
            <h2>{ht(|m| m.on_my_extension)}</h2>
            <ul class="cards" data-testid="live-calls">
                {c.live.into_iter().map(|l| call_button(l, selected)).collect_view()}
            </ul>
        })}
        <h2>{ht(|m| m.callbacks)}</h2>
        <Problem error=cb_err />
        {if c.callbacks.is_empty() {
            view! { <p class="muted">{ht(|m| m.no_callbacks)}</p> }.into_any()
        } else {
            view! {
                <ul class="cards" data-testid="callbacks">
                    {c.callbacks.into_iter().map(|l| {
                        let id = l.call_id.to_string();
                        let id2 = id.clone();
                        view! {
                            <li class="card" data-caller=l.caller.clone()>
                                <p><strong>{l.caller.clone()}</strong> " · " {call_time(l.started_at)} " · " {outcome_badge(l.outcome)}</p>
                                <div class="row">
                                    <ActionForm action=callback attr:class="inline">
                                        <input type="hidden" name="call" value=id />
                                        <input type="hidden" name="reached" value="1" />
                                        <button type="submit" class="button primary" data-testid="callback-reached">{ht(|m| m.called_back_reached)}</button>
                                    </ActionForm>
                                    <ActionForm action=callback attr:class="inline">
                                        <input type="hidden" name="call" value=id2 />
                                        <input type="hidden" name="reached" value="0" />
                                        <button type="submit" class="button">{ht(|m| m.called_back_no_answer)}</button>
                                    </ActionForm>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>{ht(|m| m.call_log)}</h2>
        <CallTable lines=c.recent selected=Some(selected) />
    }
}

fn call_button(l: CallLine, selected: RwSignal<Option<Uuid>>) -> impl IntoView {
    let id = l.call_id;
    view! {
        <li class="card">
            <button type="button" class="button" on:click=move |_| selected.set(Some(id))>
                {l.caller.clone()} " · " {call_time(l.started_at)} " · " {outcome_badge(l.outcome)}
            </button>
        </li>
    }
}

/// The calls of a list: time, number, outcome, agent, procedure, recording, case.
#[component]
pub fn CallTable(lines: Vec<CallLine>, selected: Option<RwSignal<Option<Uuid>>>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">{ht(|m| m.no_calls)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="data" data-testid="call-log">
                <thead><tr>
                    <th>{ht(|m| m.col_time)}</th><th>{ht(|m| m.col_number)}</th><th>{ht(|m| m.col_outcome)}</th>
                    <th>{ht(|m| m.col_wait_talk)}</th><th>{ht(|m| m.col_agent)}</th><th>{ht(|m| m.col_procedure)}</th>
                    <th>{ht(|m| m.col_recording)}</th><th>{ht(|m| m.col_case)}</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|l| {
                        let id = l.call_id;
                        let number = if l.inbound { l.caller.clone() } else { format!("→ {}", l.callee) };
                        view! {
                            <tr data-call=id.to_string() data-outcome=l.outcome.as_str()>
                                <td>{call_time(l.started_at)}</td>
                                <td>{match selected {
                                    Some(sel) => view! { <button type="button" class="link" on:click=move |_| sel.set(Some(id))>{number.clone()}</button> }.into_any(),
                                    None => view! { <span>{number.clone()}</span> }.into_any(),
                                }}</td>
                                <td>{outcome_badge(l.outcome)}</td>
                                <td>{seconds(l.wait_seconds)} " / " {seconds(l.talk_seconds)}</td>
                                <td>{l.agent.clone().unwrap_or_default()}</td>
                                <td>{l.procedure.clone().unwrap_or_default()}</td>
                                <td>{l.has_recording.then(|| view! {
                                    <audio controls preload="none" data-testid="recording" src=format!("/api/hotline/calls/{id}/recording")></audio>
                                })}</td>
                                <td>{l.case_code.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn CallerCard(
    v: CallerView,
    wrap: ServerAction<HotlineWrapUp>,
    open_case: ServerAction<HotlineOpenCase>,
    communes: Vec<(String, String)>,
    draft: Draft,
) -> impl IntoView {
    let call = v.call.clone();
    let id = call.call_id.to_string();
    let number = if call.inbound { call.caller.clone() } else { call.callee.clone() };
    let known = v.known();
    let answered = call.outcome == crate::hotline::Outcome::Answered;
    let h = texts::<HMsgs>();
    let Draft { proc_q, procedure, kb_q, kb_pick, note, .. } = draft;
    // A call wrapped up before shows what was recorded.
    if note.get_untracked().is_empty()
        && let Some(n) = call.note.clone()
    {
        note.set(n);
    }
    let procedures = Resource::new(
        move || proc_q.get(),
        |q| async move { if q.trim().chars().count() < 2 { Ok(vec![]) } else { list_procedures(q).await } },
    );
    let answers = Resource::new(
        move || (kb_q.get(), procedure.get()),
        |(q, p)| async move { if q.trim().is_empty() && p.is_empty() { Ok(vec![]) } else { kb_search(q, p).await } },
    );
    let wrap_err = Signal::derive(move || wrap.value().get().and_then(Result::err));
    let case_err = Signal::derive(move || open_case.value().get().and_then(Result::err));
    let booking_link = format!("/book?phone={number}");
    let (id_wrap, id_case) = (id.clone(), id.clone());
    view! {
        <article class="card caller" data-testid="caller" data-call=id data-known=known.to_string()>
            <h2>{ht(|m| m.caller)} " " <span data-testid="caller-number">{number.clone()}</span> " " {outcome_badge(call.outcome)}</h2>
            {(!known).then(|| view! { <p class="badge" data-testid="unknown-number">{ht(|m| m.unknown_number)}</p> })}
            {(!v.bookings.is_empty()).then(|| view! {
                <h3>{ht(|m| m.bookings)}</h3>
                <ul data-testid="caller-bookings">
                    {v.bookings.iter().map(|b| view! {
                        <li>{b.code.clone()} " · " {b.procedure.clone()} " · " {b.office.clone()} " · " {call_time(b.starts_at)} " · " {b.status.clone()}
                            {b.ticket.clone().map(|(n, s)| format!(" · {n} ({s})"))}</li>
                    }).collect_view()}
                </ul>
            })}
            {(!v.dossiers.is_empty()).then(|| view! {
                <h3>{ht(|m| m.dossiers)}</h3>
                <ul data-testid="caller-dossiers">
                    {v.dossiers.iter().map(|d| {
                        let overdue = d.overdue;
                        view! {
                            <li>{d.code.clone()} " · " {d.kind.clone()} " · " {d.status.clone()} " · " {ht(|m| m.due)} " " {format_date(d.due_on)}
                                {overdue.then(|| view! { " " <span class="badge late">{ht(|m| m.overdue)}</span> })}</li>
                        }
                    }).collect_view()}
                </ul>
            })}
            {(!v.cases.is_empty()).then(|| view! {
                <h3>{ht(|m| m.cases)}</h3>
                <ul data-testid="caller-cases">
                    {v.cases.iter().map(|c| view! { <li>{c.code.clone()} " · " {c.kind.clone()} " · " {c.status.clone()} " · " {format_date(c.resolve_due)}</li> }).collect_view()}
                </ul>
            })}
            {(!v.calls.is_empty()).then(|| view! {
                <h3>{ht(|m| m.earlier_calls)}</h3>
                <CallTable lines=v.calls.clone() selected=None />
            })}
            <p class="row">
                <a class="button" href=booking_link>{ht(|m| m.book_for_caller)}</a>
                <a class="button" href="/visit">{ht(|m| m.visit_for_caller)}</a>
            </p>
            {answered.then(|| view! {
                <h3>{ht(|m| m.procedure)}</h3>
                <label>{ht(|m| m.find_procedure)}
                    <input type="search" data-testid="procedure-q" prop:value=move || proc_q.get()
                        on:input=move |e| proc_q.set(event_target_value(&e)) />
                </label>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = procedures.await.unwrap_or_default();
                        view! {
                            <ul class="choices" data-testid="procedure-results">
                                {list.into_iter().take(8).map(|p| {
                                    let code = p.code.clone();
                                    let label = format!("{} ({})", p.name, p.code);
                                    view! { <li><button type="button" class="link" on:click=move |_| procedure.set(code.clone())>{label}</button></li> }
                                }).collect_view()}
                            </ul>
                        }
                    })}
                </Transition>
                <p data-testid="picked-procedure">{move || procedure.get()}</p>
                <h3>{ht(|m| m.knowledge)}</h3>
                <label>{ht(|m| m.search_answers)}
                    <input type="search" data-testid="kb-q" prop:value=move || kb_q.get()
                        on:input=move |e| kb_q.set(event_target_value(&e)) />
                </label>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = answers.await.unwrap_or_default();
                        view! {
                            <ul class="cards" data-testid="kb-results">
                                {list.into_iter().take(6).map(|k| {
                                    let pick = k.clone();
                                    view! {
                                        <li class="card">
                                            <p><strong>{k.question.clone()}</strong></p>
                                            <p>{k.answer.clone()}</p>
                                            <button type="button" class="button" data-testid="kb-use" on:click=move |_| {
                                                if let Some(p) = pick.procedure_code.clone() { procedure.set(p); }
                                                note.set(pick.answer.clone());
                                                kb_pick.set(Some(pick.clone()));
                                            }>{ht(|m| m.use_answer)}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                    })}
                </Transition>
                <ActionForm action=wrap attr:class="stack" attr:data-testid="wrap-up">
                    <input type="hidden" name="call" value=id_wrap />
                    <input type="hidden" name="procedure" prop:value=move || procedure.get() />
                    <input type="hidden" name="kb_answer" prop:value=move || kb_pick.get().map(|k| k.kb_answer_id.to_string()).unwrap_or_default() />
                    <FieldFrame id="f-answer".into() label=ht(|m| m.answer_given) error=field_error(wrap_err, "note")>
                        <textarea id="f-answer" name="note" rows="4" maxlength="2000" prop:value=move || note.get()
                            on:input=move |e| note.set(event_target_value(&e))></textarea>
                    </FieldFrame>
                    {move || field_error(wrap_err, "procedure")().map(|e| view! { <p class="problem" role="alert">{ht(|m| m.pick_procedure)} " " {e}</p> })}
                    <Problem error=Signal::derive(move || wrap_err.get().filter(|e| !matches!(e, crate::kernel::error::AppError::Validation(_)))) />
                    {move || matches!(wrap.value().get(), Some(Ok(()))).then(|| view! { <p class="ok" role="status" data-testid="wrapped">{ht(|m| m.wrapped)}</p> })}
                    <button type="submit" class="button primary">{ht(|m| m.save_call)}</button>
                </ActionForm>
                <details data-testid="case-form-box">
                    <summary>{ht(|m| m.open_case)}</summary>
                    <ActionForm action=open_case attr:class="stack" attr:data-testid="case-form">
                        <input type="hidden" name="call" value=id_case />
                        <input type="hidden" name="procedure" prop:value=move || procedure.get() />
                        <label>{ht(|m| m.case_kind)}
                            <select name="kind">
                                {crate::evaluation::domain::CaseKind::ALL.into_iter().enumerate().map(|(i, k)| view! {
                                    <option value=k.as_str()>{move || texts::<crate::evaluation::i18n::EMsgs>()().case_kinds[i]}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label>{ht(|m| m.case_commune)}
                            <select name="commune" data-testid="case-commune">
                                <option value="">{ht(|m| m.any_commune)}</option>
                                {communes.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <FieldFrame id="f-case".into() label=ht(|m| m.case_content) error=field_error(case_err, "content")>
                            <textarea id="f-case" name="content" rows="4" maxlength="2000"></textarea>
                        </FieldFrame>
                        <label class="check"><input type="checkbox" name="consent" value="1" /> {ht(|m| m.publish_consent)}</label>
                        <Problem error=Signal::derive(move || case_err.get().filter(|e| !matches!(e, crate::kernel::error::AppError::Validation(_)))) />
                        {move || open_case.value().get().and_then(Result::ok).map(|code| view! {
                            <p class="ok" role="status" data-testid="case-opened">{move || (h().case_opened)(&code)}</p>
                        })}
                        <button type="submit" class="button primary">{ht(|m| m.open_case)}</button>
                    </ActionForm>
                </details>
            })}
        </article>
    }
}
