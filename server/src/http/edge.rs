//! The edge: what every request and response passes before and after the routes.
//!
//! - Cross-site writes are refused (CSRF, login CSRF): `Sec-Fetch-Site`, else `Origin`.
//! - Bodies over the limit are refused with 413 before they are read.
//! - Text the database cannot hold or no field takes (NUL and other control characters, invalid
//!   UTF-8) is refused as a field error, for every server function and `/api` endpoint at once.
//! - A server function's error gets its HTTP status (422, 401, 403, 404, 409, 429, 413): leptos
//!   sends every error as 500, the typed body stays the same so the client still decodes it.
//! - A signed-in user's refused call (403) is written to the audit log (pages do it as they render).
//! - Security headers, and `Cache-Control: no-store` on everything that is not a public file.
//! - A page's nonce is made here and its Content-Security-Policy set here from it, not from the
//!   render's ResponseOptions: under load a blocking page's response lost the shell's header.

use app::{
    kernel::error::{AppError, FieldError, Reason},
    state::AppState,
};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Largest body of a server function or `/api` call (photos have their own route and limit).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// An error body of a server function is small; anything larger is passed on untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `/api/<endpoint>`: a Leptos server function.
    ServerFn,
    /// `/api/v1/…` and the other plain JSON routes under `/api`.
    Api,
    /// Photos of the field app and exchanges' call recordings: a binary body with its own limit.
    Upload,
    /// Pages and static files.
    Page,
}

impl Kind {
    fn of(path: &str) -> Self {
        match path.strip_prefix("/api/") {
            Some(rest) if rest.starts_with("field/photos/") => Kind::Upload,
            Some(rest) if rest.starts_with("v1/pbx/") && rest.ends_with("/recording") => Kind::Upload,
            Some(rest) if rest.starts_with("v1/") || rest == "openapi.json" || rest == "docs" => Kind::Api,
            Some(_) => Kind::ServerFn,
            None => Kind::Page,
        }
    }
}

pub async fn edge(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let kind = Kind::of(req.uri().path());
    let signed_out = !has_session_cookie(req.headers());
    if is_write(req.method()) && !same_origin(req.headers(), &st.settings.public_url) {
        tracing::warn!(path = %req.uri().path(), "cross-site write refused");
        return refuse(kind, AppError::Forbidden, Some("cross_site"));
    }
    let mut req = match kind {
        Kind::ServerFn | Kind::Api => match screen(req).await {
            Ok(req) => req,
            Err(e) => return refuse(kind, e, None),
        },
        Kind::Upload | Kind::Page => req,
    };
    // Made for every page request; static files are HTML only for the offline page (no script).
    let nonce = (kind == Kind::Page).then(leptos::nonce::Nonce::new);
    if let Some(n) = &nonce {
        req.extensions_mut().insert(n.clone());
    }
    let asked = (!signed_out && kind != Kind::Page).then(|| {
        let meta = app::kernel::request::RequestMeta::of(req.headers(), req.extensions(), st.settings.proxy_hops);
        (meta, req.method().clone(), req.uri().clone())
    });
    let mut resp = next.run(req).await;
    if kind == Kind::ServerFn {
        resp = with_error_status(resp).await;
    }
    // Pages record their own refusals while they render (`ErrorPanel`).
    if resp.status() == StatusCode::FORBIDDEN
        && kind != Kind::Page
        && let Some((meta, method, uri)) = asked
        && let Err(e) = app::audit::api::record_refusal(&st.db, &meta, method.as_str(), uri.path(), uri.query()).await
    {
        tracing::error!(error = %e, "refusal not audited");
    }
    if let Some(nonce) = nonce
        && is_html(resp.headers())
        && let Ok(v) = HeaderValue::from_str(&page_policy(&nonce))
    {
        resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    security_headers(resp.headers_mut(), kind, st.settings.cookie_secure);
    // Tells the service worker the browser holds no session (expired, cleared, logged out
    // elsewhere): it drops the pages it kept for one.
    if signed_out && kind == Kind::Page {
        resp.headers_mut().insert("x-phucvu-session", HeaderValue::from_static("none"));
    }
    resp
}

fn has_session_cookie(h: &HeaderMap) -> bool {
    h.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).any(|c| {
        c.trim().split_once('=').is_some_and(|(k, v)| k == app::identity::authz::SESSION_COOKIE && !v.is_empty())
    })
}

fn is_write(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A browser says where a request comes from: `Sec-Fetch-Site` (every current browser), else
/// `Origin`. Neither header: not a browser (hospital systems, queue devices, curl), which carry
/// no session cookie the request could abuse.
fn same_origin(h: &HeaderMap, public_url: &str) -> bool {
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return matches!(site, "same-origin" | "none");
    }
    match get("origin") {
        None => true,
        Some(origin) => {
            let host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            Some(host) == get("host") || origin == public_url.trim_end_matches('/')
        }
    }
}

/// Reads the body (bounded) and refuses control characters and invalid UTF-8 in the query and
/// in form or JSON fields, naming the field.
async fn screen(req: Request) -> Result<Request, AppError> {
    let too_long = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES);
    if too_long {
        return Err(AppError::TooLarge);
    }
    // Path parameters (`/api/v1/former-communes/{code}`) reach queries too.
    let path = decode(req.uri().path().as_bytes());
    if !std::str::from_utf8(&path).is_ok_and(|p| p.chars().all(allowed)) {
        return Err(AppError::validation("path", FieldError::Because(Reason::BadCharacters)));
    }
    if let Some(q) = req.uri().query() {
        check_form(q.as_bytes())?;
    }
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let form = ct.starts_with("application/x-www-form-urlencoded");
    let json = ct.starts_with("application/json");
    if !form && !json {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| AppError::TooLarge)?;
    if form {
        check_form(&bytes)?;
    } else {
        check_json(&bytes)?;
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// `a=1&b[c]=2`: every key and value, percent-decoded.
fn check_form(raw: &[u8]) -> Result<(), AppError> {
    for pair in raw.split(|b| *b == b'&') {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = decode(k);
        let name = field_name(&String::from_utf8_lossy(&key)).to_owned();
        for text in [key, decode(v)] {
            match std::str::from_utf8(&text) {
                Ok(s) if s.chars().all(allowed) => {}
                _ => return Err(AppError::validation(&name, FieldError::Because(Reason::BadCharacters))),
            }
        }
    }
    Ok(())
}

/// Every string in a JSON body, with the key it belongs to. Invalid UTF-8 and malformed JSON are
/// left to the route's own decoding, which refuses them as a bad request.
fn check_json(raw: &[u8]) -> Result<(), AppError> {
    fn walk(v: &serde_json::Value, key: &str) -> Result<(), String> {
        match v {
            serde_json::Value::String(s) if !s.chars().all(allowed) => Err(key.to_owned()),
            serde_json::Value::Array(a) => a.iter().try_for_each(|x| walk(x, key)),
            serde_json::Value::Object(o) => o.iter().try_for_each(|(k, x)| {
                if k.chars().all(allowed) { walk(x, k) } else { Err(k.chars().filter(|c| allowed(*c)).collect()) }
            }),
            _ => Ok(()),
        }
    }
    match serde_json::from_slice::<serde_json::Value>(raw) {
        Ok(v) => walk(&v, "body").map_err(|k| AppError::validation(&k, FieldError::Because(Reason::BadCharacters))),
        Err(_) => Ok(()),
    }
}

/// Tab and line breaks are text; other control characters (NUL first: PostgreSQL cannot store
/// it) are not.
fn allowed(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// `fields[mother_name]` → `mother_name`: the name the form shows the error next to.
fn field_name(key: &str) -> &str {
    key.rsplit('[').next().map(|k| k.trim_end_matches(']')).filter(|k| !k.is_empty()).unwrap_or(key)
}

/// `+` is a space, `%XX` a byte; a broken escape stays as it is.
fn decode(raw: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_encoding::percent_decode(&spaced).collect()
}

/// The refusal in the shape the caller decodes: the typed `AppError` for server functions, the
/// documented error body for the API.
fn refuse(kind: Kind, e: AppError, reason: Option<&str>) -> Response {
    match kind {
        Kind::ServerFn => server_fn_error(&e),
        _ => {
            let mut resp = super::error::HttpError(e).into_response();
            if let Some(r) = reason {
                resp.headers_mut()
                    .insert("x-refusal", HeaderValue::from_str(r).unwrap_or(HeaderValue::from_static("")));
            }
            resp
        }
    }
}

fn server_fn_error(e: &AppError) -> Response {
    let body = serde_json::to_string(e).unwrap_or_default();
    let mut resp = (status_of(e), body).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let AppError::Throttled(secs) = e {
        resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*secs));
    }
    resp
}

pub fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Leptos answers every server-function error with 500 and the encoded error: give it the
/// status of what it is. The body is left as it is.
async fn with_error_status(resp: Response) -> Response {
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR || !resp.headers().contains_key("serverfnerror") {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(AppError::Transport(msg)) if msg.contains("length limit exceeded") => {
            return server_fn_error(&AppError::TooLarge);
        }
        Ok(e) => {
            parts.status = status_of(&e);
            if let AppError::Throttled(secs) = e {
                parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
        }
        Err(_) => {}
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn is_html(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

/// A rendered page's Content-Security-Policy: scripts only with this response's nonce (the
/// hydration scripts carry it) or loaded by them (`'strict-dynamic'`: the lazy wasm chunks), the
/// wasm compiled (`'wasm-unsafe-eval'`), everything else from this origin, never framed.
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Headers every response carries; a rendered page has its nonce policy already, so only the
/// other responses get the strict default here.
fn security_headers(h: &mut HeaderMap, kind: Kind, https: bool) {
    let html = is_html(h);
    let mut set = |name: &'static str, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    // Documents other than the app's pages (offline page, API docs, JSON) and the service
    // worker, whose own fetches this policy governs: same-origin only, no inline script.
    set(
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set("cross-origin-opener-policy", "same-origin");
    set("cross-origin-resource-policy", "same-origin");
    if https {
        set("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    // Personal data must not stay in shared caches or the browser's disk cache: everything but
    // static files is `no-store` unless the route says otherwise (public reference pages do).
    if kind != Kind::Page || html {
        set("cache-control", "no-store");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_sorted_by_what_they_reach() {
        assert_eq!(Kind::of("/api/login"), Kind::ServerFn);
        assert_eq!(Kind::of("/api/v1/births"), Kind::Api);
        assert_eq!(Kind::of("/api/openapi.json"), Kind::Api);
        assert_eq!(Kind::of("/api/field/photos/k/1"), Kind::Upload);
        assert_eq!(Kind::of("/api/v1/pbx/x/calls/c/recording"), Kind::Upload);
        assert_eq!(Kind::of("/api/v1/pbx/x/events"), Kind::Api);
        assert_eq!(Kind::of("/book"), Kind::Page);
    }

    #[test]
    fn nul_control_characters_and_invalid_utf8_are_refused_by_field() {
        assert!(check_form(b"name=Nguy%E1%BB%85n+Lan&note=a%0Ab%09c").is_ok());
        let e = check_form(b"phone=1&fields%5Bmother_name%5D=a%00b").unwrap_err();
        assert_eq!(e.field("mother_name"), Some(FieldError::Because(Reason::BadCharacters)));
        assert!(check_form(b"code=%FF%FE").unwrap_err().field("code").is_some());
        assert!(check_form(b"code=%1B").is_err());
        assert!(check_form(b"x=%").is_ok(), "a broken escape is the route's business");
        let e = check_json(br#"{"mother":{"name":"a\u0000b"}}"#).unwrap_err();
        assert_eq!(e.field("name"), Some(FieldError::Because(Reason::BadCharacters)));
        assert!(check_json(br#"{"name":"Lan\nHoa"}"#).is_ok());
    }

    #[test]
    fn cross_site_writes_are_told_apart_from_same_site_and_non_browsers() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, HeaderValue::from_static(v));
            }
            m
        };
        let url = "https://dvc.example.vn";
        assert!(same_origin(&h(&[("sec-fetch-site", "same-origin")]), url));
        assert!(!same_origin(&h(&[("sec-fetch-site", "cross-site")]), url));
        assert!(!same_origin(&h(&[("sec-fetch-site", "same-site")]), url));
        assert!(same_origin(&h(&[]), url), "no browser, no cookie to ride on");
        assert!(same_origin(&h(&[("origin", "https://dvc.example.vn")]), url));
        assert!(same_origin(&h(&[("origin", "http://10.0.0.5:3000"), ("host", "10.0.0.5:3000")]), url));
        assert!(!same_origin(&h(&[("origin", "https://evil.example"), ("host", "dvc.example.vn")]), url));
        assert!(!same_origin(&h(&[("origin", "null"), ("host", "dvc.example.vn")]), url));
    }
}
