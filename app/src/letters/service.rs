//! Letters: rendered when a registration is signed, listed and signed in a batch by the
//! chairman, printed with the certificate; templates edited per commune as new versions.

use super::{LetterView, TemplateView, domain};
use crate::{
    civil::domain::DossierKind,
    identity::{AuthUser, Role},
    kernel::{error::AppError, request::RequestMeta},
};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Renders the letter of a dossier just registered, from the template in force for its commune,
/// in the registering transaction. A template that no longer renders is logged and the dossier
/// registered without its letter (a letter must never block a registration).
pub async fn generate(
    conn: &mut PgConnection,
    dossier_id: Uuid,
    chairman: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let d = sqlx::query!(
        r#"select d.kind, d.commune_code, d.subject_id, v.data, a.name as agency_name
           from dossier d join dossier_version v on v.dossier_id = d.dossier_id and v.version = d.version
           join agency a using (agency_id)
           where d.dossier_id = $1"#,
        dossier_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let Some(kind) = DossierKind::parse(&d.kind) else { return Ok(()) };
    let Some(t) = in_force(&mut *conn, &d.commune_code, kind).await? else {
        tracing::error!(commune = d.commune_code, kind = d.kind, "no letter template in force");
        return Ok(());
    };
    let data: crate::civil::form::Data = serde_json::from_value(d.data).unwrap_or_default();
    let today = crate::kernel::time::vn_today(now).format("%d/%m/%Y").to_string();
    let ctx = domain::context(kind, &data, &d.agency_name, chairman, d.subject_id.as_deref(), &today);
    // Off the async workers: a template is bounded work, but still work.
    let (title, body, practical) = (t.title.clone(), t.body.clone(), t.practical.clone());
    let rendered = tokio::task::spawn_blocking(move || {
        (domain::render(&title, &ctx), domain::render(&body, &ctx), domain::render(&practical, &ctx))
    })
    .await
    .map_err(|e| AppError::internal("letter rendering task failed", &e))?;
    let (Ok(title), Ok(body), Ok(practical)) = rendered else {
        let id = Uuid::now_v7();
        tracing::error!(error.id = %id, template = %t.template_id, "letter template failed to render");
        return Ok(());
    };
    sqlx::query!(
        r#"insert into letter (dossier_id, template_id, commune_code, title, body, practical)
           values ($1, $2, $3, $4, $5, $6) on conflict (dossier_id) do nothing"#,
        dossier_id,
        t.template_id,
        d.commune_code,
        title,
        body,
        practical
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

struct Template {
    template_id: Uuid,
    version: i32,
    own: bool,
    title: String,
    body: String,
    practical: String,
    created_at: DateTime<Utc>,
}

/// The commune's latest version, else the province's default.
async fn in_force(conn: &mut PgConnection, commune: &str, kind: DossierKind) -> Result<Option<Template>, AppError> {
    Ok(sqlx::query!(
        r#"select template_id, version, commune_code is not null as "own!", title, body, practical, created_at
           from letter_template where kind = $2 and (commune_code = $1 or commune_code is null)
           order by commune_code is null, version desc limit 1"#,
        commune,
        kind.as_str()
    )
    .fetch_optional(conn)
    .await?
    .map(|r| Template {
        template_id: r.template_id,
        version: r.version,
        own: r.own,
        title: r.title,
        body: r.body,
        practical: r.practical,
        created_at: r.created_at,
    }))
}

fn commune_of(user: &AuthUser, roles: &[Role]) -> Result<String, AppError> {
    match (&user.commune_code, roles.contains(&user.role)) {
        (Some(c), true) => Ok(c.clone()),
        _ => Err(AppError::Forbidden),
    }
}

/// Letters of the user's commune: waiting for the chairman's signature (`signed` false) or the
/// latest signed ones.
pub async fn letters(db: &PgPool, user: &AuthUser, signed: bool) -> Result<Vec<LetterView>, AppError> {
    let commune = commune_of(user, &[Role::CommuneChairman, Role::CivilStatusOfficial])?;
    let rows = sqlx::query_as!(
        LetterRow,
        r#"select l.letter_id, d.code, d.kind, d.subject_name, a.name as agency_name, l.title, l.body, l.practical,
                  u.display_name as "signer?", l.signed_at, l.created_at
           from letter l join dossier d using (dossier_id) join agency a on a.agency_id = d.agency_id
           left join app_user u on u.user_id = l.signed_by
           where l.commune_code = $1 and (l.status = 'signed') = $2
           order by l.created_at desc limit 200"#,
        commune,
        signed
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().filter_map(LetterRow::view).collect())
}

/// A letter as read from the database.
struct LetterRow {
    letter_id: Uuid,
    code: String,
    kind: String,
    subject_name: String,
    agency_name: String,
    title: String,
    body: String,
    practical: String,
    signer: Option<String>,
    signed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl LetterRow {
    fn view(self) -> Option<LetterView> {
        Some(LetterView {
            letter_id: self.letter_id,
            dossier_code: self.code,
            kind: DossierKind::parse(&self.kind)?,
            subject_name: self.subject_name,
            agency_name: self.agency_name,
            title: self.title,
            body: self.body,
            practical: self.practical,
            signer: self.signer,
            signed_at: self.signed_at,
            created_at: self.created_at,
        })
    }
}

/// The chairman signs the chosen letters of their commune at once; returns how many. Letters of
/// another commune or already signed are left alone. Audited as one batch.
pub async fn sign(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let commune = commune_of(user, &[Role::CommuneChairman])?;
    let mut tx = db.begin().await?;
    let signed = sqlx::query_scalar!(
        r#"update letter set status = 'signed', signed_by = $3, signed_at = $4
           where letter_id = any($1) and commune_code = $2 and status = 'draft' returning letter_id"#,
        ids,
        commune,
        user.user_id,
        now
    )
    .fetch_all(&mut *tx)
    .await?;
    if !signed.is_empty() {
        let province = crate::kernel::office::commune_province(&mut tx, &commune).await?;
        crate::kernel::audit::record(
            &mut tx,
            Some(user),
            meta,
            crate::kernel::audit::Entry::new("letters.signed", "letter", None)
                .at(Some(&province), Some(&commune))
                .details(serde_json::json!({ "letters": signed })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(signed.len())
}

/// A dossier's letter, for printing with its certificate (anyone who may see the dossier).
pub async fn letter_of(db: &PgPool, user: &AuthUser, code: &str) -> Result<Option<LetterView>, AppError> {
    // Authorization and jurisdiction as for the dossier itself.
    crate::civil::api::may_read(db, user, code).await?;
    let r = sqlx::query_as!(
        LetterRow,
        r#"select l.letter_id, d.code, d.kind, d.subject_name, a.name as agency_name, l.title, l.body, l.practical,
                  u.display_name as "signer?", l.signed_at, l.created_at
           from letter l join dossier d using (dossier_id) join agency a on a.agency_id = d.agency_id
           left join app_user u on u.user_id = l.signed_by
           where d.code = $1"#,
        code
    )
    .fetch_optional(db)
    .await?;
    Ok(r.and_then(LetterRow::view))
}

/// The templates in force in the administrator's commune, one per kind.
pub async fn templates(db: &PgPool, user: &AuthUser) -> Result<Vec<TemplateView>, AppError> {
    let commune = commune_of(user, &[Role::AgencyAdmin, Role::CommuneChairman])?;
    let mut conn = db.acquire().await?;
    let mut out = Vec::new();
    for kind in DossierKind::ALL {
        if let Some(t) = in_force(&mut conn, &commune, kind).await? {
            out.push(TemplateView {
                kind,
                version: t.version,
                own: t.own,
                title: t.title,
                body: t.body,
                practical: t.practical,
                created_at: t.created_at,
            });
        }
    }
    Ok(out)
}

/// A commune administrator's edit: checked, stored as the commune's next version (earlier
/// letters keep the text they were rendered with), audited.
pub async fn save_template(
    db: &PgPool,
    user: &AuthUser,
    meta: &RequestMeta,
    kind: DossierKind,
    title: &str,
    body: &str,
    practical: &str,
) -> Result<i32, AppError> {
    let commune = commune_of(user, &[Role::AgencyAdmin])?;
    let nfc = |s: &str| -> String {
        unicode_normalization::UnicodeNormalization::nfc(s.trim()).collect::<String>().replace("\r\n", "\n")
    };
    let (title, body, practical) = (nfc(title), nfc(body), nfc(practical));
    let checked = {
        let (title, body, practical) = (title.clone(), body.clone(), practical.clone());
        tokio::task::spawn_blocking(move || domain::check(&title, &body, &practical))
            .await
            .map_err(|e| AppError::internal("letter template check failed", &e))?
    };
    checked.map_err(AppError::Validation)?;
    let mut tx = db.begin().await?;
    // Two administrators saving at once queue here; each gets the next number.
    sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", format!("letter:{commune}:{}", kind.as_str()))
        .execute(&mut *tx)
        .await?;
    let version = sqlx::query_scalar!(
        r#"insert into letter_template (commune_code, kind, version, title, body, practical, created_by)
           values ($1, $2, (select coalesce(max(version), 0) + 1 from letter_template where commune_code = $1 and kind = $2),
                   $3, $4, $5, $6)
           returning version"#,
        commune,
        kind.as_str(),
        title,
        body,
        practical,
        user.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let province = crate::kernel::office::commune_province(&mut tx, &commune).await?;
    crate::kernel::audit::commit(
        tx,
        Some(user),
        meta,
        crate::kernel::audit::Entry::new("letter_template.saved", "letter_template", None)
            .at(Some(&province), Some(&commune))
            .details(serde_json::json!({ "kind": kind.as_str(), "version": version })),
    )
    .await?;
    Ok(version)
}
