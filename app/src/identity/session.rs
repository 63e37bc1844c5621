//! The browser's session: the login, code and logout actions and the signed-in user, shared
//! through context, and the logout button the layout shows.

use super::{
    SessionUser,
    server::{Login, Logout, VerifyCode, current_user},
};
use crate::{i18n::t, kernel::error::AppError};
use leptos::{form::ActionForm, prelude::*};

/// Session-wide actions and the signed-in user, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    pub login: ServerAction<Login>,
    pub verify: ServerAction<VerifyCode>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Creates the session's actions and the user resource (refetched whenever someone logs in or
/// out) and provides them to the app.
pub fn provide_session() {
    let login = ServerAction::<Login>::new();
    let verify = ServerAction::<VerifyCode>::new();
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(
        move || (login.version().get(), verify.version().get(), logout.version().get()),
        |_| current_user(),
    );
    provide_context(Session { login, verify, logout, user });
}

/// A POST form, so logging out works without JavaScript and cannot be triggered by a link.
#[component]
pub fn LogoutButton() -> impl IntoView {
    let logout = use_session().logout;
    // Pages kept for offline use hold this account's data: the service worker drops them.
    let forget = move |_: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(sw) = web_sys::window().and_then(|w| w.navigator().service_worker().controller()) {
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"type".into(), &"forget-pages".into());
            let _ = sw.post_message(&msg);
        }
    };
    view! {
        <ActionForm action=logout attr:class="inline" on:submit=forget>
            <button type="submit" class="link-button">{t(|m| m.nav_logout)}</button>
        </ActionForm>
    }
}
