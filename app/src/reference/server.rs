use super::{CalendarYear, CommuneOverview, Procedure};
use crate::kernel::error::AppError;
use leptos::prelude::*;

/// Public: the procedure catalogue, filtered by an accent-insensitive query.
#[server(endpoint = "procedures", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_procedures(query: String) -> Result<Vec<Procedure>, AppError> {
    let st = crate::state::state()?;
    let query: String = query.chars().take(100).collect();
    super::service::search_procedures(&st.db, &query).await
}

/// A commune's agencies, offices, staff and former communes.
/// Errors: Unauthorized, Forbidden (another jurisdiction), NotFound.
#[server(endpoint = "commune_overview", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_commune_overview(code: String) -> Result<CommuneOverview, AppError> {
    use crate::{identity::authz, state::state};
    let st = state()?;
    let user = authz::require_user(&st).await?;
    super::service::commune_overview(&st.db, &user, code.trim()).await
}

/// The calendar exceptions of a year (0 = the current year in Vietnam) and its number of
/// working days. Staff only.
#[server(endpoint = "calendar", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_calendar(year: i32) -> Result<CalendarYear, AppError> {
    use crate::{identity::authz, state::state};
    let st = state()?;
    let user = authz::require_user(&st).await?;
    if !user.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let year = if year == 0 {
        chrono::Datelike::year(&chrono::Utc::now().with_timezone(&crate::kernel::time::vn_offset()))
    } else {
        year
    };
    super::service::calendar_year(&st.db, &user, year.clamp(2000, 2100)).await
}

/// Adds a holiday or a make-up working day. Province administrators only; audited.
/// Errors: Validation, Forbidden, Conflict("calendar_duplicate").
#[server(endpoint = "calendar_add")]
pub async fn add_calendar_day(
    day: String,
    kind: String,
    name: String,
    name_en: String,
    legal_basis: String,
) -> Result<(), AppError> {
    use super::{CalendarEntry, calendar::DayKind};
    use crate::{
        identity::authz,
        kernel::error::{FieldError, FieldErrors},
        state::{request_meta, state},
    };
    let st = state()?;
    let user = authz::require_user(&st).await?;
    let mut errs = FieldErrors::default();
    let day = errs.check("day", crate::kernel::text::date(&day));
    let kind = errs.check("kind", DayKind::parse(&kind).ok_or(FieldError::Invalid));
    let name = errs.check("name", crate::kernel::text::required_text(&name, 200));
    let name_en = crate::kernel::text::required_text(&name_en, 200).ok();
    let legal_basis = errs.check("legal_basis", crate::kernel::text::optional_text(&legal_basis, 300));
    let (Some(day), Some(kind), Some(name), Some(legal_basis)) = (day, kind, name, legal_basis) else {
        return Err(AppError::Validation(errs));
    };
    let name_en = name_en.unwrap_or_else(|| name.clone());
    super::service::add_calendar_day(
        &st.db,
        &user,
        &request_meta(&st.settings),
        CalendarEntry { day, kind, name, name_en, legal_basis },
    )
    .await?;
    leptos_axum::redirect(&format!("/admin/calendar?year={}", chrono::Datelike::year(&day)));
    Ok(())
}

/// Removes a calendar exception. Province administrators only; audited. Errors: Forbidden, NotFound.
#[server(endpoint = "calendar_remove")]
pub async fn remove_calendar_day(day: String) -> Result<(), AppError> {
    use crate::{
        identity::authz,
        state::{request_meta, state},
    };
    let st = state()?;
    let user = authz::require_user(&st).await?;
    let day = crate::kernel::text::date(&day).map_err(|e| AppError::validation("day", e))?;
    super::service::remove_calendar_day(&st.db, &user, &request_meta(&st.settings), day).await?;
    leptos_axum::redirect(&format!("/admin/calendar?year={}", chrono::Datelike::year(&day)));
    Ok(())
}
