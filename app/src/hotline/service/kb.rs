//! The knowledge base: answers per procedure and topic, written or approved by the agency that
//! owns them, versioned with the day each version takes effect, searched with or without
//! diacritics, and published (approved versions in effect, no personal data) as the public FAQ.

use crate::hotline::KbEntry;
use crate::kernel::{
    audit::{self, Entry},
    error::{AppError, FieldError, FieldErrors},
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
    let rows = sqlx::query!(
        r#"select distinct on (k.answer_key) k.kb_answer_id, k.answer_key, k.version, k.procedure_code,
                  p.name as "procedure?", k.topic, k.question, k.answer, a.name as agency, k.effective_from,
                  (select count(*) from kb_feedback f where f.kb_answer_id = k.kb_answer_id and f.helpful) as "helpful!",
                  (select count(*) from kb_feedback f where f.kb_answer_id = k.kb_answer_id and not f.helpful) as "not_helpful!"
           from kb_answer k join agency a using (agency_id) left join procedure p on p.procedure_code = k.procedure_code
           where k.status = 'approved' and k.effective_from <= $2
             and ($1::text is null or k.procedure_code = $1)
           order by k.answer_key, k.version desc"#,
        procedure,
        today
    )
    .fetch_all(db)
    .await?;
    // The newest version in effect decides whether the answer matches, not an older one.
    let keys: Vec<Uuid> = rows.iter().map(|r| r.kb_answer_id).collect();
    // How many of the words the question itself has: those answers first.
    let matching: Vec<(Uuid, i64)> = sqlx::query!(
        r#"select kb_answer_id,
                  (select count(*) from unnest($2::text[]) w where f_unaccent(question) like '%' || f_unaccent(w) || '%')
                      as "in_question!"
           from kb_answer
           where kb_answer_id = any($1)
             and (select bool_and(search_text like '%' || f_unaccent(w) || '%') from unnest($2::text[]) w) is not false"#,
        &keys,
        &words
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.kb_answer_id, r.in_question))
    .collect();
    let score = |id: Uuid| matching.iter().find(|(k, _)| *k == id).map(|(_, n)| *n);
    let mut list: Vec<(i64, KbEntry)> = rows
        .into_iter()
        .filter_map(|r| {
            let n = score(r.kb_answer_id)?;
            Some((
                n,
                KbEntry {
                    kb_answer_id: r.kb_answer_id,
                    answer_key: r.answer_key,
                    version: r.version,
                    procedure_code: r.procedure_code,
                    procedure: r.procedure,
                    topic: r.topic,
                    question: r.question,
                    answer: r.answer,
                    agency: r.agency,
                    effective_from: r.effective_from,
                    approved: true,
                    helpful: r.helpful,
                    not_helpful: r.not_helpful,
                },
            ))
        })
        .collect();
    list.sort_by(|(na, a), (nb, b)| nb.cmp(na).then_with(|| (&a.topic, &a.question).cmp(&(&b.topic, &b.question))));
    Ok(list.into_iter().map(|(_, k)| k).collect())
}

/// Every version the user may edit or approve: their agency's (agency administrators), all
/// (province administrators), the ones they wrote (agents). Newest first.
pub async fn versions(db: &PgPool, user: &AuthUser) -> Result<Vec<KbEntry>, AppError> {
    let scope = match user.role {
        Role::ProvinceAdmin | Role::AgencyAdmin | Role::HotlineAgent => user.role,
        _ => return Err(AppError::Forbidden),
    };
    let rows = sqlx::query!(
        r#"select k.kb_answer_id, k.answer_key, k.version, k.procedure_code, p.name as "procedure?", k.topic, k.question,
                  k.answer, a.name as agency, k.effective_from, k.status = 'approved' as "approved!"
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
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| KbEntry {
            kb_answer_id: r.kb_answer_id,
            answer_key: r.answer_key,
            version: r.version,
            procedure_code: r.procedure_code,
            procedure: r.procedure,
            topic: r.topic,
            question: r.question,
            answer: r.answer,
            agency: r.agency,
            effective_from: r.effective_from,
            approved: r.approved,
            helpful: 0,
            not_helpful: 0,
        })
        .collect())
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
    let procedure = match d.procedure_code.trim() {
        "" => None,
        code => Some(
            sqlx::query_scalar!("select procedure_code from procedure where procedure_code = $1", code)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::validation("procedure", FieldError::Invalid))?,
        ),
    };
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
