//! Births from hospitals' software (electronic Giấy chứng sinh), authenticated with a
//! per-facility API key. Resending a certificate changes nothing.

use super::error::{ErrorBody, HttpError};
use app::{
    hospital::service::{self as hospital, BirthNotice, Facility},
    kernel::error::AppError,
    state::AppState,
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::{get, post},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/births", post(notify_birth))
        .route("/api/v1/births/{certificate_code}", get(birth_status))
}

async fn facility(st: &AppState, headers: &HeaderMap) -> Result<Facility, HttpError> {
    let key = super::bearer_key(headers)?;
    hospital::facility_by_key(&st.db, key).await?.ok_or(HttpError(AppError::Unauthorized))
}

/// The birth as the facility's software sends it.
#[derive(Deserialize, ToSchema)]
pub struct Birth {
    /// Giấy chứng sinh code (one per child, also for twins).
    certificate_code: String,
    /// The mother's 12-digit personal identity number.
    mother_id: String,
    /// `male` or `female`.
    child_sex: String,
    /// Date and time of birth (RFC 3339).
    born_at: DateTime<Utc>,
    /// Facility and ward, or the address if born outside a facility.
    place_of_birth: String,
    weight_grams: i32,
    /// The name, if the parents have chosen it.
    child_name: Option<String>,
}

/// Where the birth's dossier stands.
#[derive(Serialize, ToSchema)]
pub struct BirthDossier {
    certificate_code: String,
    /// The commune's dossier code, `<agency>-YYMMDD-NNNN`.
    dossier_code: String,
    /// notified, submitted, needs_supplement, ready, awaiting_signature, registered, delivered, refused.
    status: String,
    /// The mother's commune, which registers the birth.
    commune_code: String,
    due_on: NaiveDate,
    /// Same mother and birth day as an earlier dossier: the commune checks (twins are possible).
    possible_duplicate: bool,
}

impl From<hospital::BirthStatus> for BirthDossier {
    fn from(s: hospital::BirthStatus) -> Self {
        Self {
            possible_duplicate: s.possible_duplicate,
            certificate_code: s.certificate_code,
            dossier_code: s.dossier_code,
            status: s.status,
            commune_code: s.commune_code,
            due_on: s.due_on,
        }
    }
}

/// Sends a birth: creates a notified dossier in the mother's commune (from the population
/// registry) and a home visit for its collectors. 201 when new; 200 with the same dossier when
/// the certificate was already sent.
#[utoipa::path(post, path = "/api/v1/births", tag = "births", request_body = Birth,
    security(("facility_key" = [])),
    responses((status = 201, body = BirthDossier), (status = 200, body = BirthDossier),
              (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn notify_birth(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(b): Json<Birth>,
) -> Result<(StatusCode, Json<BirthDossier>), HttpError> {
    let f = facility(&st, &headers).await?;
    let notice = BirthNotice {
        certificate_code: b.certificate_code,
        mother_id: b.mother_id,
        child_sex: b.child_sex,
        born_at: b.born_at,
        place_of_birth: b.place_of_birth,
        weight_grams: b.weight_grams,
        child_name: b.child_name,
    };
    let meta = app::kernel::request::RequestMeta::default();
    let (status, new) = hospital::notify_birth(&st.db, st.registry.as_ref(), &f, &meta, notice, Utc::now()).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(status.into())))
}

/// The status of a birth this facility sent.
#[utoipa::path(get, path = "/api/v1/births/{certificate_code}", tag = "births",
    security(("facility_key" = [])),
    responses((status = 200, body = BirthDossier), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn birth_status(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<BirthDossier>, HttpError> {
    let f = facility(&st, &headers).await?;
    Ok(Json(hospital::birth_status(&st.db, &f, &code).await?.into()))
}
