//! Cases a call opens (phiếu xử lý): a question passed on, a complaint or a petition, routed to
//! the office that must answer by procedure and place, and handled on the feedback-case engine
//! (its clock per kind, transfers, reminders and escalation, the answer by SMS).

use super::console::hotline_office;
use super::works_hotline;
use crate::evaluation::{api as evaluation, domain::CaseKind};
use crate::kernel::{
    audit::{self, Entry},
    conflict::HotlineConflict,
    error::{AppError, FieldError, FieldErrors},
    principal::{AuthUser, Role},
    request::RequestMeta,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// What the agent writes down.
pub struct NewCallCase<'a> {
    pub call_id: Uuid,
    pub kind: &'a str,
    pub procedure_code: &'a str,
    pub commune_code: &'a str,
    pub content: &'a str,
    pub publish_consent: bool,
}

/// The office that answers a case: the most specific routing rule (procedure and commune, then
/// commune, then procedure, each for the kind or any kind), else the one-stop office of the
/// caller's commune.
pub async fn route(
    conn: &mut PgConnection,
    kind: CaseKind,
    procedure: Option<&str>,
    commune: Option<&str>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let ruled = sqlx::query_scalar!(
        r#"select office_id from case_route
           where (procedure_code is null or procedure_code = $1)
             and (commune_code is null or commune_code = $2)
             and (kind is null or kind = $3)
           order by (commune_code is not null) desc, (procedure_code is not null) desc, (kind is not null) desc
           limit 1"#,
        procedure,
        commune,
        kind.as_str()
    )
    .fetch_optional(&mut *conn)
    .await?;
    if ruled.is_some() {
        return Ok(ruled);
    }
    sqlx::query_scalar!(
        r#"select o.office_id from office o join agency a using (agency_id)
           where o.commune_code = $1 and a.kind in ('commune_service_centre', 'commune_committee')
           order by o.created_at limit 1"#,
        commune
    )
    .fetch_optional(&mut *conn)
    .await
}

/// Opens a case from a call the agent answered. Errors: Forbidden, NotFound (call),
/// Conflict(call_not_answered, case_no_route), Validation(kind, procedure, commune, content).
pub async fn open_from_call(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    c: NewCallCase<'_>,
    now: DateTime<Utc>,
) -> Result<(Uuid, String), AppError> {
    works_hotline(user)?;
    let mut errs = FieldErrors::default();
    let kind = CaseKind::parse(c.kind.trim());
    if kind.is_none() {
        errs.push("kind", FieldError::Invalid);
    }
    let content = errs.check("content", crate::kernel::text::required_text(c.content, 2000));
    let (Some(kind), Some(content), true) = (kind, content, errs.is_empty()) else {
        return Err(AppError::Validation(errs));
    };
    let mut tx = db.begin().await?;
    let procedure = super::optional_procedure(&mut tx, c.procedure_code).await?;
    let commune = super::optional_commune(&mut tx, c.commune_code).await?;
    let call = sqlx::query!(
        "select direction, caller, callee, answered_at from call where call_id = $1 for update",
        c.call_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if call.answered_at.is_none() {
        return Err(HotlineConflict::CallNotAnswered.into());
    }
    let phone = if call.direction == "in" { call.caller } else { call.callee };
    let office_id = match route(&mut tx, kind, procedure.as_deref(), commune.as_deref()).await? {
        Some(o) => o,
        // A question nobody else owns is the hotline's own to answer.
        None if kind == CaseKind::Question => hotline_office(&mut tx, user).await?.0,
        None => return Err(HotlineConflict::NoRoute.into()),
    };
    let new = evaluation::NewCase {
        source: "hotline",
        evaluation_id: None,
        office_id,
        category: if procedure.is_some() { "procedure" } else { "other" },
        content,
        kind,
        caller: Some(evaluation::Caller {
            phone,
            call_id: Some(c.call_id),
            procedure_code: procedure.clone(),
            commune_code: commune.clone(),
            publish_consent: c.publish_consent,
        }),
    };
    let (case_id, code) = evaluation::open_case(&mut tx, new, now).await?;
    let entry = Entry::new("feedback_case.opened", "feedback_case", Some(case_id.to_string()))
        .at(user.province_code.as_deref(), commune.as_deref())
        .details(json!({ "kind": kind.as_str(), "call": c.call_id, "office": office_id, "procedure": procedure }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok((case_id, code))
}

/// A routing rule as the administrator edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub route_id: Uuid,
    pub procedure: Option<String>,
    pub commune: Option<String>,
    pub kind: Option<String>,
    pub office: String,
}

pub async fn routes(db: &PgPool, user: &AuthUser) -> Result<Vec<Route>, AppError> {
    if user.role != Role::ProvinceAdmin {
        return Err(AppError::Forbidden);
    }
    Ok(sqlx::query_as!(
        Route,
        r#"select r.route_id, p.name as "procedure?", c.name as "commune?", r.kind, o.name as office
           from case_route r join office o using (office_id)
                left join procedure p on p.procedure_code = r.procedure_code
                left join commune c on c.commune_code = r.commune_code
           order by c.name nulls first, p.name nulls first"#
    )
    .fetch_all(db)
    .await?)
}

/// Adds (or replaces) the rule for a procedure, a commune and a kind, any of which may be "any".
pub async fn set_route(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    procedure: &str,
    commune: &str,
    kind: &str,
    office_id: Uuid,
) -> Result<(), AppError> {
    if user.role != Role::ProvinceAdmin || user.commune_code.is_some() {
        return Err(AppError::Forbidden);
    }
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let (procedure, commune, kind) = (opt(procedure), opt(commune), opt(kind));
    if kind.as_deref().is_some_and(|k| CaseKind::parse(k).is_none()) {
        return Err(AppError::invalid("kind"));
    }
    let mut tx = db.begin().await?;
    let known = sqlx::query!(
        r#"select ($1::text is null or exists (select 1 from procedure where procedure_code = $1)) as "procedure!",
                  ($2::text is null or exists (select 1 from commune where commune_code = $2)) as "commune!",
                  exists (select 1 from office o join agency a using (agency_id)
                          where o.office_id = $3 and a.province_code = $4) as "office!""#,
        procedure,
        commune,
        office_id,
        user.province_code
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut errs = FieldErrors::default();
    for (ok, field) in [(known.procedure, "procedure"), (known.commune, "commune"), (known.office, "office")] {
        if !ok {
            errs.push(field, FieldError::Invalid);
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let id = sqlx::query_scalar!(
        r#"insert into case_route (procedure_code, commune_code, kind, office_id) values ($1, $2, $3, $4)
           on conflict on constraint case_route_key do update set office_id = excluded.office_id
           returning route_id"#,
        procedure,
        commune,
        kind,
        office_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry::new("case_route.set", "case_route", Some(id.to_string()))
        .at(user.province_code.as_deref(), None)
        .details(json!({ "procedure": procedure, "commune": commune, "kind": kind, "office": office_id }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(())
}

/// The offices a case can be routed to: the province's, health facilities aside.
pub async fn offices(db: &PgPool, user: &AuthUser) -> Result<Vec<(Uuid, String)>, AppError> {
    if user.role != Role::ProvinceAdmin {
        return Err(AppError::Forbidden);
    }
    Ok(sqlx::query!(
        r#"select o.office_id, o.name from office o join agency a using (agency_id)
           where a.province_code = $1 and a.kind <> 'health_facility' order by o.name collate vi"#,
        user.province_code
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|o| (o.office_id, o.name))
    .collect())
}

/// Working days to answer each kind of case (`case_clock`).
pub async fn clocks(db: &PgPool) -> Result<Vec<(String, i16)>, AppError> {
    Ok(sqlx::query!("select kind, resolve_days from case_clock order by kind")
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| (r.kind, r.resolve_days))
        .collect())
}

/// The province administrator sets the working days a kind of case is answered in; cases
/// opened from then on run on it.
pub async fn set_clock(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    kind: &str,
    days: &str,
) -> Result<(), AppError> {
    if user.role != Role::ProvinceAdmin || user.commune_code.is_some() {
        return Err(AppError::Forbidden);
    }
    let kind = CaseKind::parse(kind.trim()).ok_or_else(|| AppError::invalid("kind"))?;
    let days: i16 = days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=60).contains(d))
        .ok_or_else(|| AppError::validation("resolve_days", FieldError::Invalid))?;
    let mut tx = db.begin().await?;
    sqlx::query!(
        "insert into case_clock (kind, resolve_days) values ($1, $2) on conflict (kind) do update set resolve_days = $2",
        kind.as_str(),
        days
    )
    .execute(&mut *tx)
    .await?;
    let entry = Entry::new("case_clock.set", "case_clock", Some(kind.as_str().to_owned()))
        .at(user.province_code.as_deref(), None)
        .details(json!({ "resolve_days": days }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(())
}
