//! The agent's console: the extension an agent answers on, what the system knows about a
//! caller's number, the wrap-up of a call, the callback list and the callbacks made.

use super::works_hotline;
use crate::hotline::{CallLine, CallerBooking, CallerCase, CallerDossier, CallerView, Console, Outcome};
use crate::kernel::{
    audit::{self, Entry},
    conflict::HotlineConflict,
    error::{AppError, FieldError},
    principal::{AuthUser, Role},
    request::RequestMeta,
    time::vn_offset,
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// An agent's extension: 2 to 8 digits.
pub fn parse_extension(raw: &str) -> Result<String, FieldError> {
    let e = raw.trim();
    if e.is_empty() {
        return Err(FieldError::Required);
    }
    if (2..=8).contains(&e.len()) && e.bytes().all(|b| b.is_ascii_digit()) {
        Ok(e.to_owned())
    } else {
        Err(FieldError::Invalid)
    }
}

pub async fn extension_of(db: &PgPool, user_id: Uuid) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar!("select extension from hotline_extension where user_id = $1", user_id)
        .fetch_optional(db)
        .await?)
}

/// The agent takes calls on `extension` from now on (another agent's extension is refused).
pub async fn set_extension(db: &PgPool, user: &AuthUser, meta: &RequestMeta, raw: &str) -> Result<String, AppError> {
    if user.role != Role::HotlineAgent {
        return Err(AppError::Forbidden);
    }
    let extension = parse_extension(raw).map_err(|e| AppError::validation("extension", e))?;
    let mut tx = db.begin().await?;
    let holder =
        sqlx::query_scalar!("select user_id from hotline_extension where extension = $1 for update", extension)
            .fetch_optional(&mut *tx)
            .await?;
    if holder.is_some_and(|h| h != user.user_id) {
        return Err(HotlineConflict::ExtensionTaken.into());
    }
    sqlx::query!("delete from hotline_extension where user_id = $1", user.user_id).execute(&mut *tx).await?;
    sqlx::query!("insert into hotline_extension (extension, user_id) values ($1, $2)", extension, user.user_id)
        .execute(&mut *tx)
        .await?;
    let entry = Entry::new("hotline.extension_set", "app_user", Some(user.user_id.to_string()))
        .details(json!({ "extension": extension }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(extension)
}

/// Which calls a list shows.
#[derive(Debug, Default, Clone)]
pub(super) struct CallFilter {
    pub(super) call_id: Option<Uuid>,
    pub(super) caller: Option<String>,
    /// Calls not ended, on this extension.
    pub(super) live_on: Option<String>,
    /// Inbound calls nobody answered and nobody called back yet.
    pub(super) callbacks: bool,
    pub(super) limit: i64,
}

pub(super) async fn call_lines(conn: &mut PgConnection, f: CallFilter) -> Result<Vec<CallLine>, AppError> {
    let rows = sqlx::query!(
        r#"select c.call_id, c.direction = 'in' as "inbound!", c.caller, c.callee, c.extension,
                  u.display_name as "agent?", coalesce(c.ringing_at, c.answered_at, c.ended_at) as "started_at!",
                  c.answered_at, c.ended_at, c.end_cause,
                  extract(epoch from coalesce(c.answered_at, c.ended_at) - c.ringing_at)::bigint as wait_s,
                  extract(epoch from c.ended_at - c.answered_at)::bigint as talk_s,
                  p.name as "procedure?", c.note, c.recording_key is not null as "has_recording!",
                  (select code from feedback_case f where f.call_id = c.call_id order by f.received_at limit 1) as case_code,
                  c.called_back_at, c.survey_digits
           from call c left join app_user u on u.user_id = c.agent_id
                left join procedure p on p.procedure_code = c.procedure_code
           where coalesce(c.ringing_at, c.answered_at, c.ended_at) is not null
             and ($1::uuid is null or c.call_id = $1)
             and ($2::text is null or c.caller = $2 or c.callee = $2)
             and ($3::text is null or (c.extension = $3 and c.ended_at is null
                                        and coalesce(c.ringing_at, c.answered_at) > now() - interval '4 hours'))
             and (not $4 or (c.direction = 'in' and c.answered_at is null and c.ended_at is not null
                             and c.called_back_at is null and c.caller <> ''
                             and c.ended_at > now() - interval '14 days'))
           order by coalesce(c.ringing_at, c.answered_at, c.ended_at) desc limit $5"#,
        f.call_id,
        f.caller,
        f.live_on,
        f.callbacks,
        f.limit.max(1)
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CallLine {
            call_id: r.call_id,
            inbound: r.inbound,
            outcome: Outcome::of(
                r.answered_at.is_some(),
                r.ended_at.is_some(),
                r.extension.is_some(),
                r.end_cause.as_deref(),
            ),
            caller: r.caller,
            callee: r.callee,
            extension: r.extension,
            agent: r.agent,
            started_at: r.started_at,
            wait_seconds: r.wait_s.filter(|s| *s >= 0),
            talk_seconds: r.talk_s.filter(|s| *s >= 0),
            procedure: r.procedure,
            note: r.note,
            has_recording: r.has_recording,
            case_code: r.case_code,
            called_back_at: r.called_back_at,
            survey: r.survey_digits,
        })
        .collect())
}

pub async fn console(db: &PgPool, user: &AuthUser) -> Result<Console, AppError> {
    works_hotline(user)?;
    let extension = extension_of(db, user.user_id).await?;
    let mut conn = db.acquire().await?;
    let live = match &extension {
        Some(x) => {
            call_lines(&mut conn, CallFilter { live_on: Some(x.clone()), limit: 10, ..Default::default() }).await?
        }
        None => vec![],
    };
    let callbacks = call_lines(&mut conn, CallFilter { callbacks: true, limit: 50, ..Default::default() }).await?;
    let recent = call_lines(&mut conn, CallFilter { limit: 30, ..Default::default() }).await?;
    Ok(Console { extension, live, callbacks, recent })
}

/// One call and everything the system knows about its caller's number.
pub async fn caller_view(db: &PgPool, user: &AuthUser, call_id: Uuid) -> Result<CallerView, AppError> {
    works_hotline(user)?;
    let mut conn = db.acquire().await?;
    let call = call_lines(&mut conn, CallFilter { call_id: Some(call_id), limit: 1, ..Default::default() })
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    // The citizen's number: the caller of an inbound call, the one called back otherwise.
    let phone = if call.inbound { call.caller.clone() } else { call.callee.clone() };
    if phone.is_empty() {
        return Ok(CallerView { call, bookings: vec![], dossiers: vec![], calls: vec![], cases: vec![] });
    }
    let bookings = sqlx::query!(
        r#"select b.code, o.name as office, p.name as procedure, b.starts_at, b.status,
                  t.prefix as "prefix?", t.number as "number?", t.status as "ticket_status?"
           from booking b join office o using (office_id) join procedure p using (procedure_code)
                left join ticket t on t.booking_id = b.booking_id
           where b.phone = $1 order by b.starts_at desc limit 10"#,
        phone
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| CallerBooking {
        ticket: r.prefix.zip(r.number).map(|(p, n)| crate::queue::domain::ticket_label(&p, n)).zip(r.ticket_status),
        code: r.code,
        office: r.office,
        procedure: r.procedure,
        starts_at: r.starts_at,
        status: r.status,
    })
    .collect();
    let today = crate::kernel::time::vn_today(Utc::now());
    let dossiers = sqlx::query!(
        r#"select d.code, d.kind, d.status, d.due_on, a.name as agency
           from dossier d join agency a using (agency_id) where d.phone = $1 order by d.received_at desc limit 10"#,
        phone
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| CallerDossier {
        overdue: r.due_on < today && !matches!(r.status.as_str(), "registered" | "delivered" | "refused"),
        code: r.code,
        kind: r.kind,
        status: r.status,
        due_on: r.due_on,
        agency: r.agency,
    })
    .collect();
    let calls = call_lines(&mut conn, CallFilter { caller: Some(phone.clone()), limit: 11, ..Default::default() })
        .await?
        .into_iter()
        .filter(|c| c.call_id != call_id)
        .take(10)
        .collect();
    let cases = sqlx::query_as!(
        CallerCase,
        r#"select case_id, code, kind, status, resolve_due from feedback_case
           where phone = $1 order by received_at desc limit 10"#,
        phone
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(CallerView { call, bookings, dossiers, calls, cases })
}

/// Where the hotline answers from: the agent's office (the province's service centre).
pub(super) async fn hotline_office(conn: &mut PgConnection, user: &AuthUser) -> Result<(Uuid, String), AppError> {
    let r = sqlx::query!(
        r#"select o.office_id, o.name from office o where o.agency_id = $1 order by o.created_at limit 1"#,
        user.agency_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::Forbidden)?;
    Ok((r.office_id, r.name))
}

/// What the agent records when a call is over: the procedure it was about, the answer given
/// (from the knowledge base or in their words). The caller is then asked to rate the answer.
pub struct WrapUp<'a> {
    pub call_id: Uuid,
    pub procedure_code: &'a str,
    pub kb_answer_id: Option<Uuid>,
    pub note: &'a str,
}

pub async fn wrap_up(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    w: WrapUp<'_>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    works_hotline(user)?;
    let mut errs = crate::kernel::error::FieldErrors::default();
    let note = errs.check("note", crate::kernel::text::required_text(w.note, 2000));
    if w.procedure_code.trim().is_empty() {
        errs.push("procedure", FieldError::Required);
    }
    let Some(note) = note.filter(|_| errs.is_empty()) else { return Err(AppError::Validation(errs)) };
    let mut tx = db.begin().await?;
    let procedure = sqlx::query!(
        "select procedure_code, name from procedure where procedure_code = $1 and active",
        w.procedure_code.trim()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::invalid("procedure"))?;
    if let Some(kb) = w.kb_answer_id
        && sqlx::query_scalar!("select 1 from kb_answer where kb_answer_id = $1", kb)
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
    {
        return Err(AppError::invalid("kb_answer"));
    }
    let c = sqlx::query!(
        r#"select direction, caller, callee, answered_at, ringing_at, agent_id, wrapped_at, external_id, survey_digits
           from call where call_id = $1 for update"#,
        w.call_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if c.answered_at.is_none() {
        return Err(HotlineConflict::CallNotAnswered.into());
    }
    if c.wrapped_at.is_some() && c.agent_id.is_some_and(|a| a != user.user_id) {
        return Err(HotlineConflict::CallTaken.into());
    }
    let first = c.wrapped_at.is_none();
    sqlx::query!(
        r#"update call set procedure_code = $2, kb_answer_id = $3, note = $4, agent_id = $5, wrapped_at = $6
           where call_id = $1"#,
        w.call_id,
        procedure.procedure_code,
        w.kb_answer_id,
        note,
        user.user_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    let phone = if c.direction == "in" { c.caller } else { c.callee };
    // The survey, once per call: by SMS to a mobile number (an agent never rates their own call).
    if first && let Ok(mobile) = crate::identity::domain::PhoneVn::parse(&phone) {
        let (office_id, office) = hotline_office(&mut tx, user).await?;
        let label = format!("TĐ-{}", c.answered_at.unwrap_or(now).with_timezone(&vn_offset()).format("%d%m-%H%M"));
        let contact = crate::evaluation::api::Contact {
            kind: "call",
            subject_id: w.call_id,
            office_id,
            official_id: Some(user.user_id),
            procedure_code: procedure.procedure_code.clone(),
            label,
            received: c.ringing_at.or(c.answered_at).unwrap_or(now),
            phone: mobile.as_str().to_owned(),
            place: format!("Tong dai {office}"),
            overdue: false,
        };
        crate::evaluation::api::open_for_contact(&mut tx, contact, now).await?;
        sqlx::query!(
            "update call set evaluation_id = (select evaluation_id from service_evaluation where subject_kind = 'call' and subject_id = $1) where call_id = $1",
            w.call_id
        )
        .execute(&mut *tx)
        .await?;
        // The exchange's survey menu may have been answered before the wrap-up.
        if let Some(d) = c.survey_digits.as_deref() {
            crate::evaluation::api::rate_by_keypad(&mut tx, "call", w.call_id, d, now).await?;
        }
    }
    let entry = Entry::new("call.wrapped_up", "call", Some(w.call_id.to_string())).details(
        json!({ "procedure": procedure.procedure_code, "kb_answer": w.kb_answer_id, "external_id": c.external_id }),
    );
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(())
}

/// The agent called a missed caller back: logged as an outgoing call of the missed one, with
/// what came of it. Reached calls are then wrapped up like any answered call.
pub async fn log_callback(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    call_id: Uuid,
    reached: bool,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    if user.role != Role::HotlineAgent {
        return Err(AppError::Forbidden);
    }
    let note = crate::kernel::text::optional_text(note, 2000).map_err(|e| AppError::validation("note", e))?;
    let mut tx = db.begin().await?;
    let c = sqlx::query!(
        "select exchange_id, direction, caller, answered_at, ended_at, called_back_at from call where call_id = $1 for update",
        call_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if c.direction != "in"
        || c.answered_at.is_some()
        || c.ended_at.is_none()
        || c.called_back_at.is_some()
        || c.caller.is_empty()
    {
        return Err(HotlineConflict::CallNotMissed.into());
    }
    let extension = sqlx::query_scalar!("select extension from hotline_extension where user_id = $1", user.user_id)
        .fetch_optional(&mut *tx)
        .await?;
    let back = sqlx::query_scalar!(
        r#"insert into call (exchange_id, external_id, direction, caller, callee, extension, extension_at, ringing_at,
                             answered_at, ended_at, end_cause, agent_id, note, callback_of)
           values ($1, $2, 'out', $3, $4, $3, $5, $5, case when $6 then $5::timestamptz end, $5,
                   case when $6 then 'callback' else 'no_answer' end, $7, nullif($8, ''), $9)
           returning call_id"#,
        c.exchange_id,
        format!("callback-{}", Uuid::now_v7()),
        extension.unwrap_or_default(),
        c.caller,
        now,
        reached,
        user.user_id,
        note,
        call_id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!("update call set called_back_at = $2 where call_id = $1", call_id, now).execute(&mut *tx).await?;
    let entry = Entry::new("call.called_back", "call", Some(call_id.to_string()))
        .details(json!({ "callback": back, "reached": reached }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(back)
}
