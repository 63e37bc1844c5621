//! The hotline's figures over a period (province administrators: everything; an agency's
//! administrator: the cases sent to their agency), and the call log as CSV.

use crate::hotline::{AgentFigure, CaseFigure, Figures};
use crate::kernel::{
    error::AppError,
    principal::{AuthUser, Role},
};
use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

/// Whose figures a user sees: `None` the province's, `Some(agency)` one agency's cases.
fn scope(user: &AuthUser) -> Result<Option<Uuid>, AppError> {
    match user.role {
        Role::ProvinceAdmin if user.commune_code.is_none() => Ok(None),
        Role::AgencyAdmin => Ok(Some(user.agency_id.ok_or(AppError::Forbidden)?)),
        _ => Err(AppError::Forbidden),
    }
}

pub async fn figures(db: &PgPool, user: &AuthUser, from: NaiveDate, to: NaiveDate) -> Result<Figures, AppError> {
    let agency = scope(user)?;
    let province = agency.is_none();
    let t = sqlx::query!(
        r#"with c as (
             select * from call
             where direction = 'in' and callback_of is null
               and (coalesce(ringing_at, answered_at, ended_at) at time zone 'Asia/Ho_Chi_Minh')::date between $1 and $2)
           select count(*) as "calls!",
                  count(*) filter (where answered_at is not null) as "answered!",
                  count(*) filter (where answered_at is null and ended_at is not null and coalesce(end_cause, '') not ilike '%voicemail%' and extension is not null) as "missed!",
                  count(*) filter (where answered_at is null and ended_at is not null and coalesce(end_cause, '') not ilike '%voicemail%' and extension is null) as "abandoned!",
                  count(*) filter (where answered_at is null and ended_at is not null and end_cause ilike '%voicemail%') as "voicemail!",
                  count(*) filter (where answered_at is null and ended_at is not null and called_back_at is null) as "owed!",
                  count(*) filter (where called_back_at is not null) as "done!",
                  avg(extract(epoch from answered_at - ringing_at)) filter (where answered_at >= ringing_at)::float8 as wait,
                  avg(extract(epoch from ended_at - answered_at)) filter (where ended_at >= answered_at)::float8 as talk
           from c"#,
        from,
        to
    )
    .fetch_one(db)
    .await?;
    let per_day = sqlx::query!(
        r#"select (coalesce(ringing_at, answered_at, ended_at) at time zone 'Asia/Ho_Chi_Minh')::date as "day!",
                  count(*) as "calls!", count(*) filter (where answered_at is not null) as "answered!"
           from call where direction = 'in' and callback_of is null
             and (coalesce(ringing_at, answered_at, ended_at) at time zone 'Asia/Ho_Chi_Minh')::date between $1 and $2
           group by 1 order by 1"#,
        from,
        to
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.day, r.calls, r.answered))
    .collect();
    let per_hour = sqlx::query!(
        r#"select extract(hour from coalesce(ringing_at, answered_at, ended_at) at time zone 'Asia/Ho_Chi_Minh')::int as "hour!",
                  count(*) as "calls!"
           from call where direction = 'in' and callback_of is null
             and (coalesce(ringing_at, answered_at, ended_at) at time zone 'Asia/Ho_Chi_Minh')::date between $1 and $2
           group by 1 order by 1"#,
        from,
        to
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.hour, r.calls))
    .collect();
    let cases = sqlx::query_as!(
        CaseFigure,
        r#"select a.name as agency, f.kind, count(*) as "cases!",
                  count(*) filter (where f.status in ('resolved', 'published', 'refused')) as "closed!",
                  count(*) filter (where f.status in ('resolved', 'published') and (
                      select (max(v.at) at time zone 'Asia/Ho_Chi_Minh')::date from feedback_event v
                      where v.case_id = f.case_id and v.action in ('resolve', 'approve')) <= f.resolve_due) as "on_time!",
                  count(e.rated_at) as "ratings!", avg(e.overall)::float8 as avg_rating
           from feedback_case f join agency a on a.agency_id = f.agency_id
                left join service_evaluation e on e.subject_kind = 'case' and e.subject_id = f.case_id
           where f.source = 'hotline' and ($3::uuid is null or f.agency_id = $3)
             and (f.received_at at time zone 'Asia/Ho_Chi_Minh')::date between $1 and $2
           group by a.name, f.kind order by a.name collate vi, f.kind"#,
        from,
        to,
        agency
    )
    .fetch_all(db)
    .await?;
    let agents = if province {
        sqlx::query_as!(
            AgentFigure,
            r#"select u.display_name as agent, count(*) filter (where c.answered_at is not null) as "answered!",
                      avg(extract(epoch from c.ended_at - c.answered_at)) filter (where c.ended_at >= c.answered_at)::float8 as avg_talk_seconds,
                      count(e.rated_at) as "ratings!", avg(e.overall)::float8 as avg_rating
               from call c join app_user u on u.user_id = c.agent_id
                    left join service_evaluation e on e.subject_kind = 'call' and e.subject_id = c.call_id
               where (coalesce(c.ringing_at, c.answered_at, c.ended_at) at time zone 'Asia/Ho_Chi_Minh')::date between $1 and $2
               group by u.display_name order by u.display_name collate vi"#,
            from,
            to
        )
        .fetch_all(db)
        .await?
    } else {
        vec![]
    };
    let hide = |n: i64| if province { n } else { 0 };
    Ok(Figures {
        from,
        to,
        calls: hide(t.calls),
        answered: hide(t.answered),
        missed: hide(t.missed),
        abandoned: hide(t.abandoned),
        voicemail: hide(t.voicemail),
        callbacks_owed: hide(t.owed),
        callbacks_done: hide(t.done),
        avg_wait_seconds: t.wait.filter(|_| province),
        avg_talk_seconds: t.talk.filter(|_| province),
        per_day: if province { per_day } else { vec![] },
        per_hour: if province { per_hour } else { vec![] },
        cases,
        agents,
    })
}

fn csv_field(s: &str) -> String {
    // Quoted, and a leading formula character neutralised (spreadsheets run `=…`).
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The period's calls, one line each (the caller's number masked), for the province.
pub async fn calls_csv(db: &PgPool, user: &AuthUser, from: NaiveDate, to: NaiveDate) -> Result<String, AppError> {
    if scope(user)?.is_some() {
        return Err(AppError::Forbidden);
    }
    let rows = sqlx::query!(
        r#"select coalesce(c.ringing_at, c.answered_at, c.ended_at) as "at!", c.direction, c.caller, c.callee,
                  c.extension, c.answered_at, c.ended_at, c.end_cause,
                  extract(epoch from c.answered_at - c.ringing_at)::bigint as wait_s,
                  extract(epoch from c.ended_at - c.answered_at)::bigint as talk_s,
                  u.display_name as "agent?", c.procedure_code, c.survey_digits, e.overall as "rating?",
                  (select code from feedback_case f where f.call_id = c.call_id limit 1) as case_code
           from call c left join app_user u on u.user_id = c.agent_id
                left join service_evaluation e on e.subject_kind = 'call' and e.subject_id = c.call_id
           where (coalesce(c.ringing_at, c.answered_at, c.ended_at) at time zone 'Asia/Ho_Chi_Minh')::date between $1 and $2
           order by 1 limit 100000"#,
        from,
        to
    )
    .fetch_all(db)
    .await?;
    let mut out = String::from(
        "time,direction,number,extension,outcome,wait_s,talk_s,agent,procedure,case,survey_digits,rating\n",
    );
    for r in rows {
        let number = if r.direction == "in" { &r.caller } else { &r.callee };
        let masked = crate::kernel::text::mask_phone(number, '*');
        let outcome = crate::hotline::Outcome::of(
            r.answered_at.is_some(),
            r.ended_at.is_some(),
            r.extension.is_some(),
            r.end_cause.as_deref(),
        );
        let line = [
            r.at.with_timezone(&crate::kernel::time::vn_offset()).format("%Y-%m-%d %H:%M:%S").to_string(),
            r.direction,
            masked,
            r.extension.unwrap_or_default(),
            outcome.as_str().to_owned(),
            r.wait_s.map(|s| s.to_string()).unwrap_or_default(),
            r.talk_s.map(|s| s.to_string()).unwrap_or_default(),
            r.agent.unwrap_or_default(),
            r.procedure_code.unwrap_or_default(),
            r.case_code.unwrap_or_default(),
            r.survey_digits.unwrap_or_default(),
            r.rating.map(|o| o.to_string()).unwrap_or_default(),
        ];
        out.push_str(&line.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    Ok(out)
}
