//! Server functions of identity: thin adapters (authorize → parse → one service call).

use super::SessionUser;
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod cookies {
    use crate::{identity::authz::SESSION_COOKIE, state::Settings};
    use leptos::prelude::*;

    fn set(value: String) {
        if let (Some(opts), Ok(v)) =
            (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value))
        {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }

    fn session_cookie(value: &str, max_age: cookie::time::Duration, settings: &Settings) -> String {
        cookie::Cookie::build((SESSION_COOKIE, value.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .secure(settings.cookie_secure)
            .max_age(max_age)
            .to_string()
    }

    pub fn set_session(token: &str, settings: &Settings) {
        set(session_cookie(token, cookie::time::Duration::hours(settings.session_hours), settings));
    }

    pub fn clear_session(settings: &Settings) {
        set(session_cookie("", cookie::time::Duration::ZERO, settings));
    }
}

/// The signed-in user, or `None`. Never fails for a missing or expired session.
#[server(endpoint = "me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use crate::{identity::authz, state::state};
    let st = state()?;
    Ok(authz::current_user(&st).await?.map(|u| u.session_user()))
}

/// Staff login. Sets the session cookie and redirects home.
/// Errors: Validation, BadCredentials, Throttled.
#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    use crate::{
        identity::{Password, Username, service},
        kernel::error::FieldErrors,
        state::{request_meta, state},
    };
    let st = state()?;
    let mut errs = FieldErrors::default();
    let username = errs.check("username", Username::parse(&username));
    let password = errs.check("password", Password::parse(&password));
    let (Some(username), Some(password)) = (username, password) else {
        return Err(AppError::Validation(errs));
    };
    let meta = request_meta(&st.settings);
    let session = service::login_staff(&st.db, &st.settings, &meta, username, password).await?;
    cookies::set_session(&session.token, &st.settings);
    leptos_axum::redirect("/");
    Ok(())
}

/// Sends a one-time code to a citizen's phone, then shows the code form.
/// Errors: Validation, Throttled.
#[server(endpoint = "request_code")]
pub async fn request_code(phone: String, next: Option<String>) -> Result<(), AppError> {
    use crate::{
        identity::{PhoneVn, service},
        state::{request_meta, state},
    };
    let st = state()?;
    let phone = PhoneVn::parse(&phone).map_err(|e| AppError::validation("phone", e))?;
    service::request_code(&st.db, &request_meta(&st.settings), &phone).await?;
    let next = crate::ui::safe_next(next.as_deref()).map(|n| format!("&next={}", crate::kernel::text::urlencode(n)));
    leptos_axum::redirect(&format!("/login/citizen?phone={}{}", phone.as_str(), next.unwrap_or_default()));
    Ok(())
}

/// Checks the code and opens a citizen session. Errors: Validation, Conflict("bad_code").
#[server(endpoint = "verify_code")]
pub async fn verify_code(phone: String, code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::{
        identity::{OtpCode, PhoneVn, service},
        kernel::error::FieldErrors,
        state::{request_meta, state},
    };
    let st = state()?;
    let mut errs = FieldErrors::default();
    let phone = errs.check("phone", PhoneVn::parse(&phone));
    let code = errs.check("code", OtpCode::parse(&code));
    let (Some(phone), Some(code)) = (phone, code) else {
        return Err(AppError::Validation(errs));
    };
    let session = service::verify_code(&st.db, &st.settings, &request_meta(&st.settings), &phone, &code).await?;
    cookies::set_session(&session.token, &st.settings);
    // Back to where the citizen was going (e.g. the booking step), else home.
    leptos_axum::redirect(crate::ui::safe_next(next.as_deref()).unwrap_or("/"));
    Ok(())
}

/// Ends the session (server side and cookie).
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::{
        identity::{authz, service},
        state::{request_meta, state},
    };
    let st = state()?;
    let meta = request_meta(&st.settings);
    if let Some(token) = authz::session_token_from_cookies(meta.cookie_header.as_deref()) {
        let user = authz::current_user(&st).await?;
        service::logout(&st.db, &meta, &token, user.as_ref()).await?;
    }
    cookies::clear_session(&st.settings);
    leptos_axum::redirect("/");
    Ok(())
}
