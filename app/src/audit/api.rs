//! What other parts of the app may ask of the audit log: record a refused request.

use crate::kernel::request::RequestMeta;

/// A refused request (403) of a signed-in user: who tried what, from where. The edge calls this
/// for every route at once, so no refusal goes unrecorded; the query is kept (it names what was
/// asked for), a body never is (it may carry the personal data being written).
pub async fn record_refusal(
    db: &sqlx::PgPool,
    meta: &RequestMeta,
    method: &str,
    path: &str,
    query: Option<&str>,
) -> Result<(), crate::kernel::error::AppError> {
    let Some(user) = crate::identity::authz::user_from_cookies(db, meta.cookie_header.as_deref()).await? else {
        return Ok(());
    };
    let cut = |s: &str| s.chars().take(500).collect::<String>();
    let entry = crate::kernel::audit::Entry::new("access_refused", "request", Some(cut(path)))
        .at(user.province_code.as_deref(), user.commune_code.as_deref())
        .details(serde_json::json!({ "method": method, "query": query.map(cut) }));
    let mut conn = db.acquire().await?;
    crate::kernel::audit::record(&mut conn, Some(&user), meta, entry).await?;
    Ok(())
}
