use super::server::list_audit_events;
use crate::{
    i18n::{format_datetime, t},
    ui::problem::ErrorPanel,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Latest audit events of the administrator's jurisdiction.
#[component]
pub fn AuditPage() -> impl IntoView {
    let events = Resource::new_blocking(|| (), |_| list_audit_events());
    view! {
        <Title text=t(|m| m.audit_title) />
        <section class="panel">
            <h1>{t(|m| m.audit_title)}</h1>
            <Suspense fallback=move || view! { <p>{t(|m| m.loading)}</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                        Ok(rows) => {
                            view! {
                                <div class="table-scroll">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t(|m| m.when)}</th>
                                                <th scope="col">{t(|m| m.who)}</th>
                                                <th scope="col">{t(|m| m.action)}</th>
                                                <th scope="col">{t(|m| m.record)}</th>
                                                <th scope="col">{t(|m| m.from_where)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows
                                                .into_iter()
                                                .map(|r| {
                                                    view! {
                                                        <tr>
                                                            <td>{format_datetime(r.at)}</td>
                                                            <td>{r.actor.unwrap_or_default()}</td>
                                                            <td><code>{r.action}</code></td>
                                                            <td>{r.entity_type} " " {r.entity_id.unwrap_or_default()}</td>
                                                            <td>{r.ip.unwrap_or_default()}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
