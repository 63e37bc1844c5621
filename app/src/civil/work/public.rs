//! What the public may see: the certificate's QR verification (initials only) and following a
//! dossier with its code and phone.

use super::base::today;
use crate::civil::{Status, Tracked, Tracking, Verification, domain::DossierKind};
use crate::kernel::{
    error::{AppError, FieldError, FieldErrors},
    request::RequestMeta,
};
use sqlx::PgPool;

/// The public verification page behind a certificate's QR: minimal data, every scan logged.
pub async fn verify(db: &PgPool, token: &str, meta: &RequestMeta) -> Result<Verification, AppError> {
    let r = sqlx::query!(
        r#"select d.dossier_id, d.kind, d.status, d.register_no, d.register_year, d.registered_at, d.subject_name,
                  c.name as commune_name
           from dossier d join commune c using (commune_code)
           where d.verify_token = $1"#,
        token.trim()
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "insert into certificate_scan (dossier_id, ip, user_agent) values ($1, $2, $3)",
        r.dossier_id,
        meta.ip.map(|ip| ip.to_string()),
        meta.user_agent.as_deref().map(|u| u.chars().take(300).collect::<String>())
    )
    .execute(db)
    .await?;
    let registered_on = r.registered_at.map(today).unwrap_or_default();
    Ok(Verification {
        kind: DossierKind::parse(&r.kind).ok_or(AppError::NotFound)?,
        valid: matches!(Status::parse(&r.status), Some(Status::Registered | Status::Delivered)),
        register_no: format!("{}/{}", r.register_no.unwrap_or(0), r.register_year.unwrap_or(0)),
        registered_on,
        commune_name: r.commune_name,
        initials: initials(&r.subject_name),
    })
}

/// `Nguyễn Văn An` → `N. V. A.`; a marriage's two names keep their dash.
pub fn initials(name: &str) -> String {
    name.split(" – ")
        .map(|n| {
            n.split_whitespace().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect::<Vec<_>>().join(" ")
        })
        .collect::<Vec<_>>()
        .join(" – ")
}

/// Anyone with the code and the phone on the dossier sees its status and due day. A wrong pair
/// answers NotFound either way (no hint which half was wrong).
pub async fn track(db: &PgPool, code: &str, phone: &str) -> Result<Tracked, AppError> {
    let mut errs = FieldErrors::default();
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        errs.push("code", FieldError::Required);
    }
    let phone = errs.check("phone", crate::identity::domain::PhoneVn::parse(phone));
    let (Some(phone), true) = (phone, errs.is_empty()) else {
        return Err(AppError::Validation(errs));
    };
    // Hotline cases (phiếu xử lý) are followed on the same page.
    if code.starts_with("PA-") {
        let case = crate::evaluation::api::track_case(db, &code, phone.as_str()).await?;
        return case.map(Tracked::Case).ok_or(AppError::NotFound);
    }
    let r = sqlx::query!(
        r#"select d.code, d.kind, d.status, d.received_at, d.due_on, a.name as agency_name,
                  (select n.reasons from dossier_notice n
                   where n.dossier_id = d.dossier_id and n.form = 'supplement' and n.answered_at is null
                     and d.status = 'needs_supplement'
                   order by n.created_at desc limit 1) as needs
           from dossier d join agency a using (agency_id)
           where d.code = $1 and d.phone = $2"#,
        code,
        phone.as_str()
    )
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Tracked::Dossier(Tracking {
        code: r.code,
        kind: DossierKind::parse(&r.kind).ok_or(AppError::NotFound)?,
        status: Status::parse(&r.status).ok_or(AppError::NotFound)?,
        received_at: r.received_at,
        due_on: r.due_on,
        agency_name: r.agency_name,
        needs: r.needs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_keep_only_first_letters() {
        assert_eq!(initials("Nguyễn Văn An"), "N. V. A.");
        assert_eq!(initials("Trần Minh Quân – Lê Thị Hoa"), "T. M. Q. – L. T. H.");
    }
}
