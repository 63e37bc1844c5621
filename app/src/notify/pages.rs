use super::server::list_local_messages;
use crate::{
    i18n::{format_datetime, t},
    ui::problem::ErrorPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// What the local notification adapter delivered (only when the developer inbox is enabled).
#[component]
pub fn DevInboxPage() -> impl IntoView {
    let messages = Resource::new_blocking(|| (), |_| list_local_messages());
    view! {
        <Title text=t(|m| m.dev_inbox_title) />
        <section class="panel">
            <h1>{t(|m| m.dev_inbox_title)}</h1>
            <p>{t(|m| m.dev_inbox_intro)}</p>
            <Suspense fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        // Off (production): the page does not exist.
                        Err(crate::kernel::error::AppError::NotFound) => view! { <crate::ui::not_found::NotFound /> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(list) => {
                            view! {
                                <ul class="cards">
                                    {list
                                        .into_iter()
                                        .map(|m| {
                                            let recipient = m.recipient.clone();
                                            view! {
                                                <li class="card message" data-recipient=recipient>
                                                    <p class="muted">
                                                        {m.channel} " · " {m.recipient} " · " {format_datetime(m.delivered_at)}
                                                    </p>
                                                    <p class="body">{m.body}</p>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
