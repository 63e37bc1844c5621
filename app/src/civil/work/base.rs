//! What the work's parts share: the Vietnam day, and who may see, prepare or act on a dossier.

use crate::civil::{
    Allowed, Status,
    domain::{DossierKind, PersonalId, step_result},
    form::Known,
    registry::{PopulationRegistry, RegistryPerson},
};
use crate::{
    identity::{AuthUser, Role},
    kernel::{error::AppError, request::RequestMeta},
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub(super) fn today(now: DateTime<Utc>) -> NaiveDate {
    crate::kernel::time::vn_today(now)
}

/// Civil-status records are read by the commune that keeps them: its officials, chairman, one-stop
/// staff and administrator (each limited to the commune by `require_commune`); province-wide
/// roles see figures, not people's dossiers.
pub(super) fn may_view(user: &AuthUser) -> bool {
    matches!(user.role, Role::CivilStatusOfficial | Role::CounterOfficer | Role::CommuneChairman | Role::AgencyAdmin)
        && user.commune_code.is_some()
}

pub(super) fn may_prepare(role: Role) -> bool {
    matches!(role, Role::CivilStatusOfficial | Role::CounterOfficer)
}

pub(super) fn allowed(role: Role, status: Status) -> Allowed {
    use Status::*;
    let official = role == Role::CivilStatusOfficial;
    let prepare = may_prepare(role);
    Allowed {
        edit: prepare && matches!(status, Notified | Submitted | NeedsSupplement | Ready),
        review: official && matches!(status, Notified | Submitted),
        supplement: official && matches!(status, Notified | Submitted | Ready),
        resume: prepare && status == NeedsSupplement,
        refuse: official && matches!(status, Notified | Submitted | NeedsSupplement | Ready),
        register: official && status == Ready,
        sign: role == Role::CommuneChairman && status == AwaitingSignature,
        // A collector hands certificates over at the home or the hospital; nothing else.
        deliver: (prepare || role == Role::Collector) && status == Registered,
        partner: official && matches!(status, Registered | Delivered),
    }
}

/// The commune whose queue the user works: their own.
pub(super) fn own_commune(user: &AuthUser) -> Result<&str, AppError> {
    if !may_view(user) {
        return Err(AppError::Forbidden);
    }
    user.commune_code.as_deref().ok_or(AppError::Forbidden)
}

pub(super) async fn audit(
    conn: &mut PgConnection,
    user: &AuthUser,
    meta: &RequestMeta,
    row: &Row,
    action: &str,
    details: serde_json::Value,
) -> Result<(), AppError> {
    crate::kernel::audit::record(
        conn,
        Some(user),
        meta,
        crate::kernel::audit::Entry::new(action, "dossier", Some(row.dossier_id.to_string()))
            .at(Some(&row.province_code), Some(&row.commune_code))
            .details(serde_json::json!({ "code": row.code, "details": details })),
    )
    .await?;
    Ok(())
}

/// One line of the process log: who did what, against the dossier's due day.
pub(super) async fn step(
    conn: &mut PgConnection,
    row: &Row,
    user: &AuthUser,
    name: crate::civil::Step,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let result = step_result(row.due_on, today(now));
    sqlx::query!(
        r#"insert into dossier_step (dossier_id, step, handler_id, started_at, due_on, done_at, result, note)
           values ($1, $2, $3, $4, $5, $4, $6, $7)"#,
        row.dossier_id,
        name.as_str(),
        user.user_id,
        now,
        row.due_on,
        result.as_str(),
        note
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A registry lookup made for a dossier (or a form being filled), logged in the caller's
/// transaction: who, for what, found. A refusal commits that transaction with only the log in it
/// (see [`keep_log_on_refusal`]), so nobody learns about a person unrecorded.
pub async fn lookup(
    conn: &mut PgConnection,
    registry: &dyn PopulationRegistry,
    actor: Option<Uuid>,
    dossier_ref: &str,
    method: &str,
    id: &PersonalId,
) -> Result<Option<RegistryPerson>, AppError> {
    let found = registry.find(id).await?;
    sqlx::query!(
        "insert into registry_lookup (actor_id, dossier_ref, method, personal_id, found) values ($1, $2, $3, $4, $5)",
        actor,
        dossier_ref,
        method,
        id.as_str(),
        found.is_some()
    )
    .execute(conn)
    .await?;
    Ok(found)
}

pub(super) fn known(p: &RegistryPerson) -> Known {
    Known {
        sex: p.sex,
        birth_date: p.birth_date,
        married: p.marital_status == "married" && p.died_on.is_none(),
        dead: p.died_on.is_some(),
        commune_code: p.commune_code.clone(),
    }
}

/// A dossier row as the actions need it.
pub(super) struct Row {
    pub(super) dossier_id: Uuid,
    pub(super) code: String,
    pub(super) kind: DossierKind,
    pub(super) status: Status,
    pub(super) agency_id: Uuid,
    pub(super) commune_code: String,
    pub(super) province_code: String,
    pub(super) event_date: NaiveDate,
    pub(super) due_on: NaiveDate,
    pub(super) version: i32,
    pub(super) mother_id: Option<String>,
    pub(super) subject_id: Option<String>,
    pub(super) possible_duplicate_of: Option<Uuid>,
    pub(super) duplicate_cleared: bool,
    pub(super) paused_since: Option<DateTime<Utc>>,
    pub(super) bundle: bool,
    pub(super) received_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_gets_only_its_steps() {
        let o = allowed(Role::CivilStatusOfficial, Status::Ready);
        assert!(o.register && o.refuse && o.edit && !o.sign && !o.review);
        let c = allowed(Role::CommuneChairman, Status::AwaitingSignature);
        assert_eq!(c, Allowed { sign: true, ..Allowed::default() });
        assert_eq!(allowed(Role::CommuneChairman, Status::Ready), Allowed::default());
        let counter = allowed(Role::CounterOfficer, Status::Registered);
        assert!(counter.deliver && !counter.register);
        assert_eq!(
            allowed(Role::CivilStatusOfficial, Status::Delivered),
            Allowed { partner: true, ..Allowed::default() }
        );
    }
}
