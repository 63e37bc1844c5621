//! The knowledge base: answers per procedure and topic, written or approved by the agency that
//! owns them, versioned with the day each version takes effect, searched with or without
//! diacritics, and published (approved versions in effect, no personal data) as the public FAQ.

use crate::hotline::KbEntry;
use crate::kernel::{
    audit::{self, Entry},
    error::{AppError, FieldErrors},
    principal::{AuthUser, Role},
    request::RequestMeta,
};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Approved answers in effect on `today` (the newest such version of each), whose text contains
/// every word of `query` ignoring accents and case; optionally of one procedure.
pub async fn search(
    db: &PgPool,
    query: &str,
    procedure: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<KbEntry>, AppError> {
    let words: Vec<String> = query.split_whitespace().take(8).map(str::to_owned).collect();
    // The newest version in effect decides whether an answer matches, not an older one; answers
    // whose question itself has the words come first.
    Ok(sqlx::query_as!(
        KbEntry,
        r#"with current as (
             select distinct on (answer_key) * from kb_answer
             where status = 'approved' and effective_from <= $2 and ($1::text is null or procedure_code = $1)
             order by answer_key, version desc)
           select c.kb_answer_id as "kb_answer_id!", c.answer_key as "answer_key!", c.version as "version!",
                  c.procedure_code, p.name as "procedure?", c.topic as "topic!", c.question as "question!",
                  c.answer as "answer!", a.name as agency, c.effective_from as "effective_from!", true as "approved!",
                  (select count(*) from kb_feedback f where f.kb_answer_id = c.kb_answer_id and f.helpful) as "helpful!",
                  (select count(*) from kb_feedback f where f.kb_answer_id = c.kb_answer_id and not f.helpful) as "not_helpful!"
           from current c join agency a using (agency_id) left join procedure p on p.procedure_code = c.procedure_code
           where (select bool_and(c.search_text like '%' || f_unaccent(w) || '%') from unnest($3::text[]) w) is not false
           order by (select count(*) from unnest($3::text[]) w where f_unaccent(c.question) like '%' || f_unaccent(w) || '%') desc,
                    c.topic collate "C", c.question collate "C""#,
        procedure,
        today,
        &words
    )
    .fetch_all(db)
    .await?)
}

/// Every version the user may edit or approve: their agency's (agency administrators), all
/// (province administrators), the ones they wrote (agents). Newest first.
pub async fn versions(db: &PgPool, user: &AuthUser) -> Result<Vec<KbEntry>, AppError> {
    let scope = match user.role {
        Role::ProvinceAdmin | Role::AgencyAdmin | Role::HotlineAgent => user.role,
        _ => return Err(AppError::Forbidden),
    };
    Ok(sqlx::query_as!(
        KbEntry,
        r#"select k.kb_answer_id, k.answer_key, k.version, k.procedure_code, p.name as "procedure?", k.topic, k.question,
                  k.answer, a.name as agency, k.effective_from, k.status = 'approved' as "approved!",
                  0::bigint as "helpful!", 0::bigint as "not_helpful!"
           from kb_answer k join agency a using (agency_id) left join procedure p on p.procedure_code = k.procedure_code
           where $1 or ($2 and k.agency_id = $3) or ($4 and k.written_by = $5)
           order by k.created_at desc limit 300"#,
        scope == Role::ProvinceAdmin,
        scope == Role::AgencyAdmin,
        user.agency_id,
        scope == Role::HotlineAgent,
        user.user_id
    )
    .fetch_all(db)
    .await?)
}

/// A new answer or a new version of one.
#[derive(Clone, Copy)]
pub struct Draft<'a> {
    pub answer_key: Option<Uuid>,
    pub procedure_code: &'a str,
    pub topic: &'a str,
    pub question: &'a str,
    pub answer: &'a str,
    pub effective_from: &'a str,
}

/// Saves a version. An agency's administrator publishes their agency's answers at once; a
/// hotline agent's version waits for the owning agency's approval. Errors: Forbidden,
/// Validation (topic, question, answer, effective_from, procedure).
pub async fn save(db: &PgPool, user: &AuthUser, meta: &RequestMeta, d: Draft<'_>) -> Result<Uuid, AppError> {
    if !matches!(user.role, Role::ProvinceAdmin | Role::AgencyAdmin | Role::HotlineAgent) {
        return Err(AppError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let topic = errs.check("topic", crate::kernel::text::required_text(d.topic, 120));
    let question = errs.check("question", crate::kernel::text::required_text(d.question, 500));
    let answer = errs.check("answer", crate::kernel::text::required_text(d.answer, 4000));
    let effective = errs.check("effective_from", crate::kernel::text::date(d.effective_from));
    let (Some(topic), Some(question), Some(answer), Some(effective)) = (topic, question, answer, effective) else {
        return Err(AppError::Validation(errs));
    };
    let mut tx = db.begin().await?;
    let procedure = super::optional_procedure(&mut tx, d.procedure_code).await?;
    let (key, version, owner) = match d.answer_key {
        Some(key) => {
            let r = sqlx::query!(
                r#"select max(version) as "v!", (array_agg(agency_id order by version desc))[1] as "agency!"
                   from kb_answer where answer_key = $1 group by answer_key"#,
                key
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
            (key, r.v + 1, r.agency)
        }
        None => (Uuid::new_v4(), 1, user.agency_id.ok_or(AppError::Forbidden)?),
    };
    let approves = may_approve(user, owner);
    if user.role == Role::AgencyAdmin && !approves {
        return Err(AppError::Forbidden);
    }
    let id = sqlx::query_scalar!(
        r#"insert into kb_answer (answer_key, version, procedure_code, topic, question, answer, agency_id, effective_from,
                                  status, written_by, approved_by, approved_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, case when $9 then 'approved' else 'draft' end, $10,
                   case when $9 then $10::uuid end, case when $9 then now() end)
           returning kb_answer_id"#,
        key,
        version,
        procedure,
        topic,
        question,
        answer,
        owner,
        effective,
        approves,
        user.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let entry = Entry::new("kb_answer.saved", "kb_answer", Some(id.to_string()))
        .details(json!({ "answer_key": key, "version": version, "approved": approves }));
    audit::commit(tx, Some(user), meta, entry).await?;
    Ok(id)
}

fn may_approve(user: &AuthUser, owner: Uuid) -> bool {
    match user.role {
        Role::AgencyAdmin => user.agency_id == Some(owner),
        Role::ProvinceAdmin => user.commune_code.is_none(),
        _ => false,
    }
}

/// The owning agency (or the province) approves a draft.
pub async fn approve(db: &PgPool, user: &AuthUser, meta: &RequestMeta, id: Uuid) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let r = sqlx::query!("select agency_id, status from kb_answer where kb_answer_id = $1 for update", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_approve(user, r.agency_id) {
        return Err(AppError::Forbidden);
    }
    if r.status == "approved" {
        return Ok(());
    }
    sqlx::query!(
        "update kb_answer set status = 'approved', approved_by = $2, approved_at = now() where kb_answer_id = $1",
        id,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(tx, Some(user), meta, Entry::new("kb_answer.approved", "kb_answer", Some(id.to_string()))).await?;
    Ok(())
}

/// "Did this help?" on the FAQ (only answers it shows).
pub async fn feedback(db: &PgPool, id: Uuid, helpful: bool) -> Result<(), AppError> {
    let n = sqlx::query!(
        r#"insert into kb_feedback (kb_answer_id, helpful)
           select kb_answer_id, $2 from kb_answer where kb_answer_id = $1 and status = 'approved'"#,
        id,
        helpful
    )
    .execute(db)
    .await?
    .rows_affected();
    if n == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

/// Resolved cases whose caller agreed to publication become drafts for their agency to edit
/// (removing anything personal) and approve, each once. Returns how many were drafted.
pub async fn draft_consented_cases(db: &PgPool) -> Result<u64, AppError> {
    Ok(sqlx::query!(
        r#"insert into kb_answer (answer_key, version, procedure_code, topic, question, answer, agency_id, effective_from,
                                  source_case_id)
           select gen_random_uuid(), 1, f.procedure_code, coalesce(p.field, 'Khác'), left(f.content, 500),
                  left(f.answer, 4000), f.agency_id, (now() at time zone 'Asia/Ho_Chi_Minh')::date, f.case_id
           from feedback_case f left join procedure p on p.procedure_code = f.procedure_code
           where f.publish_consent and f.answer is not null and f.status in ('resolved', 'published')
           on conflict (source_case_id) do nothing"#
    )
    .execute(db)
    .await?
    .rows_affected())
}
