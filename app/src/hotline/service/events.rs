//! The exchanges the province registers and the calls they report: every event once, a call
//! correct whatever order its events arrive in.

use crate::hotline::{
    CALL_CHANNEL,
    pbx::{CallEvent, EventKind, Vendor},
};
use crate::kernel::{
    audit::{self, Entry},
    error::AppError,
    principal::{AuthUser, Role},
    request::RequestMeta,
};
use sqlx::PgPool;
use uuid::Uuid;

/// A registered telephone exchange and the key it signs its webhooks with.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub exchange_id: Uuid,
    pub name: String,
    pub vendor: Vendor,
    pub secret: String,
}

/// A live (not revoked) exchange.
pub async fn exchange(db: &PgPool, exchange_id: Uuid) -> Result<Option<Exchange>, AppError> {
    let row = sqlx::query!(
        "select exchange_id, name, vendor, secret from pbx_exchange where exchange_id = $1 and revoked_at is null",
        exchange_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| {
        Some(Exchange { exchange_id: r.exchange_id, name: r.name, vendor: Vendor::parse(&r.vendor)?, secret: r.secret })
    }))
}

/// Registers an exchange (province administrators): its id and the signing key, shown once.
pub async fn register_exchange(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    name: &str,
    vendor: &str,
) -> Result<(Uuid, String), AppError> {
    if user.role != Role::ProvinceAdmin {
        return Err(AppError::Forbidden);
    }
    let name = crate::kernel::text::required_text(name, 120).map_err(|e| AppError::validation("name", e))?;
    let vendor = Vendor::parse(vendor.trim()).ok_or_else(|| AppError::invalid("vendor"))?;
    let secret = crate::kernel::token::random_token(32);
    let mut tx = db.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into pbx_exchange (name, vendor, secret) values ($1, $2, $3) returning exchange_id",
        name,
        vendor.as_str(),
        secret
    )
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry::new("pbx_exchange.register", "pbx_exchange", Some(id.to_string()))
        .details(serde_json::json!({ "name": name, "vendor": vendor.as_str() }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok((id, secret))
}

/// The registered exchanges and how much they reported (province administrators).
pub async fn exchanges(db: &PgPool, user: &AuthUser) -> Result<Vec<crate::hotline::ExchangeLine>, AppError> {
    if user.role != Role::ProvinceAdmin {
        return Err(AppError::Forbidden);
    }
    Ok(sqlx::query_as!(
        crate::hotline::ExchangeLine,
        r#"select x.exchange_id, x.name, x.vendor, count(c.call_id) as "calls!",
                  max(coalesce(c.ended_at, c.answered_at, c.ringing_at)) as last_event
           from pbx_exchange x left join call c using (exchange_id)
           where x.revoked_at is null group by x.exchange_id order by x.created_at"#
    )
    .fetch_all(db)
    .await?)
}

/// What a webhook changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub accepted: usize,
    /// Events reported before (an exchange retrying): nothing changed for them.
    pub duplicates: usize,
}

impl Recorded {
    fn count(&mut self, new: bool) {
        if new { self.accepted += 1 } else { self.duplicates += 1 }
    }
}

/// Records a webhook's events: a batch in one transaction, all of them or none. A single event
/// needs none: each of its two statements stands alone, and a retry after a failure between
/// them finds the call and records the event.
pub async fn record(db: &PgPool, ex: &Exchange, events: &[CallEvent]) -> Result<Recorded, AppError> {
    let mut done = Recorded::default();
    if let [e] = events {
        let mut conn = db.acquire().await?;
        done.count(record_one(&mut conn, ex, e).await?);
        return Ok(done);
    }
    let mut tx = db.begin().await?;
    for e in events {
        done.count(record_one(&mut tx, ex, e).await?);
    }
    tx.commit().await?;
    Ok(done)
}

/// Whether the event was new. Two round trips: the call (two events of a new call may arrive at
/// once: the unique key makes them one call), then the event and its fold into the call in one
/// statement, which changes nothing when the event was reported before.
async fn record_one(conn: &mut sqlx::PgConnection, ex: &Exchange, e: &CallEvent) -> Result<bool, AppError> {
    let call_id = sqlx::query_scalar!(
        r#"insert into call (exchange_id, external_id, direction) values ($1, $2, $3)
           on conflict (exchange_id, external_id) do update set external_id = excluded.external_id
           returning call_id"#,
        ex.exchange_id,
        e.call,
        e.direction.as_str()
    )
    .fetch_one(&mut *conn)
    .await?;
    // Each time keeps the earliest report of a once-only moment (ringing, answer) and the latest
    // end, so the order events arrive in does not matter; the call belongs to the extension that
    // took it last.
    let takes = matches!(e.kind, EventKind::Answered | EventKind::Transferred);
    // The agent consoles on every instance: a call ringing, taken or ended on an extension. The
    // NOTIFY goes in the same statement (`CallPop` as JSON), so an event is still two round trips.
    let pops = matches!(e.kind, EventKind::Ringing | EventKind::Answered | EventKind::Transferred | EventKind::Ended);
    let folded = sqlx::query_scalar!(
        r#"with new as (
             insert into call_event (call_id, kind, dedupe, occurred_at, payload) values ($1, $5, $12, $6, $13)
             on conflict do nothing returning call_id
           ), folded as (
           update call set
             caller = case when caller = '' then coalesce($2, '') else caller end,
             callee = case when callee = '' then coalesce($3, '') else callee end,
             queue = coalesce(queue, $4),
             ringing_at = case when $5 = 'ringing' then least(ringing_at, $6) else ringing_at end,
             answered_at = case when $5 = 'answered' then least(answered_at, $6) else answered_at end,
             extension = case
                 when $7 and $8::text is not null and (extension_at is null or $6 >= extension_at) then $8
                 when $5 = 'ringing' and extension is null then $8
                 else extension end,
             extension_at = case
                 when $7 and $8::text is not null and (extension_at is null or $6 >= extension_at) then $6
                 else extension_at end,
             ended_at = case when $5 = 'ended' then greatest(ended_at, $6) else ended_at end,
             end_cause = case when $5 = 'ended' and (ended_at is null or $6 >= ended_at) then $9 else end_cause end,
             recording_url = case when $5 = 'recording' then $10 else recording_url end,
             ivr_choice = case when $5 = 'ivr' then $11 else ivr_choice end,
             survey_digits = case when $5 = 'survey' then $11 else survey_digits end
           from new where call.call_id = new.call_id
           returning call.call_id, call.extension
           ), pop as (
             -- Compact, byte for byte what serde writes for a `CallPop`.
             select pg_notify($14, format('{"call_id":"%s","kind":"%s","extension":%s}', call_id, $5::text,
                                          coalesce(to_json(extension)::text, 'null')))
             from folded where $15
           )
           select (select count(*) from pop) as "notified!" from folded"#,
        call_id,
        e.from,
        e.to,
        e.queue,
        e.kind.as_str(),
        e.at,
        takes,
        e.extension,
        e.cause,
        e.recording_url,
        e.digits,
        e.dedupe(),
        e.raw,
        CALL_CHANNEL,
        pops
    )
    .fetch_optional(&mut *conn)
    .await?;
    if folded.is_none() {
        return Ok(false);
    }
    if let (EventKind::Survey, Some(d)) = (e.kind, e.digits.as_deref()) {
        crate::evaluation::api::rate_by_keypad(conn, "call", call_id, d, e.at).await?;
    }
    Ok(true)
}
