//! The commune administrator's settings of civil registration.

use crate::i18n::texts;
use crate::ui::field::FieldFrame;
use crate::ui::field::field_error;
use leptos::{form::ActionForm, prelude::*};

/// On the commune administrator's letters page: after how many days an undelivered
/// certificate is flagged.
#[component]
pub fn UndeliveredDaysForm() -> impl IntoView {
    let fm = texts::<crate::field::i18n::FMsgs>();
    let act = ServerAction::<crate::civil::server::SetUndeliveredDays>::new();
    let days = Resource::new_blocking(|| (), |_| crate::civil::server::undelivered_days());
    let err = Signal::derive(move || act.value().get().and_then(Result::err));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                days.await.ok().map(|d| view! {
                    <ActionForm action=act attr:class="stack undelivered-days" attr:data-testid="undelivered-days">
                        <FieldFrame
                            id="undelivered-days".to_owned()
                            label=move || fm().undelivered_days
                            error=field_error(err, "days")
                        >
                            <input id="undelivered-days" name="days" type="number" min="1" max="90" value=d.to_string()
                                   aria-describedby="undelivered-days-err" />
                        </FieldFrame>
                        {move || matches!(act.value().get(), Some(Ok(()))).then(|| view! { <p class="notice success" role="status">{fm().saved}</p> })}
                        <button type="submit" class="button" disabled=move || act.pending().get()>{move || fm().save}</button>
                    </ActionForm>
                })
            })}
        </Transition>
    }
}
