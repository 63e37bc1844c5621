//! Integration API for other systems (hospitals, queue devices, telephone exchange), versioned
//! under `/api/v1`. The OpenAPI 3 document is generated from these handlers' annotations.

use super::error::{ErrorBody, HttpError};
use app::state::AppState;
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    response::Html,
    routing::get,
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "phucvu integration API", description = "Reference data and, in later versions, births from hospitals, queue devices and the hotline exchange. All times are UTC (RFC 3339)."),
    paths(list_provinces, list_communes, former_commune, list_procedures,
          super::queue::create_ticket, super::queue::ticket_status, super::queue::ticket_event, super::queue::call_next,
          super::evaluation::rankings, super::hospital::notify_birth, super::hospital::birth_status,
          super::pbx::events, super::pbx::recording),
    components(schemas(Province, Commune, Successor, Procedure, ErrorBody, super::error::FieldProblem,
                       super::queue::NewTicket, super::queue::Ticket, super::queue::TicketEvent, super::queue::Called,
                       super::evaluation::Rankings, super::evaluation::RankedUnit,
                       super::hospital::Birth, super::hospital::BirthDossier, super::pbx::Accepted)),
    modifiers(&DeviceKey),
    tags((name = "reference", description = "Administrative units and the procedure catalogue"),
         (name = "births", description = "Hospitals and clinics send each birth's electronic Giấy chứng sinh; the mother's commune gets a notified dossier and a home visit. Each facility system has its own API key, sent as `Authorization: Bearer <key>`."),
         (name = "hotline", description = "The hotline's telephone exchanges report call events: ringing, answered, transferred, ended with a cause, recording ready, IVR choice and survey digits. Each exchange is registered by the province administrator and signs every request with its key."),
         (name = "evaluation", description = "Open data: satisfaction and evaluation results per office, agency and commune (no personal data)."),
         (name = "queue", description = "Installed queue systems (ticket machines, counter keypads): issue tickets and report calls. Each device has its own API key, created in the office set-up, sent as `Authorization: Bearer <key>`. Live updates for displays: `GET /api/v1/offices/{office_id}/events` (server-sent events)."))
)]
pub struct ApiDoc;

/// The per-device API key of queue systems.
struct DeviceKey;

impl utoipa::Modify for DeviceKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("pvq_…").build()),
        );
        components.add_security_scheme(
            "facility_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("pvh_…").build()),
        );
    }
}

/// Built once: the document only changes with the code.
static OPENAPI: std::sync::LazyLock<utoipa::openapi::OpenApi> = std::sync::LazyLock::new(ApiDoc::openapi);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(|| async { Json(&*OPENAPI) }))
        .route("/api/docs", get(docs))
        .route("/api/v1/provinces", get(list_provinces))
        .route("/api/v1/provinces/{code}/communes", get(list_communes))
        .route("/api/v1/former-communes/{code}", get(former_commune))
        .route("/api/v1/procedures", get(list_procedures))
}

#[derive(Serialize, ToSchema)]
pub struct Province {
    /// Two-digit code (QĐ 19/2025/QĐ-TTg), e.g. `52` for Gia Lai.
    code: String,
    full_name: String,
    name_en: String,
}

/// The 34 current provinces and centrally-run cities.
#[utoipa::path(get, path = "/api/v1/provinces", tag = "reference", responses((status = 200, body = [Province])))]
async fn list_provinces(State(st): State<AppState>) -> Result<Json<Vec<Province>>, HttpError> {
    let rows = sqlx::query_as!(
        Province,
        "select province_code as code, full_name, name_en from province order by province_code"
    )
    .fetch_all(&st.db)
    .await?;
    Ok(Json(rows))
}

#[derive(Serialize, ToSchema)]
pub struct Commune {
    /// Five-digit code.
    code: String,
    full_name: String,
    name_en: String,
    /// `Ward`, `Commune` or `Special administrative region`.
    unit_type: String,
}

/// A list under a code: an unknown code names nothing, so it is not found (not an empty 200).
fn listed<T>(rows: Vec<T>) -> Result<Json<Vec<T>>, HttpError> {
    if rows.is_empty() {
        return Err(app::kernel::error::AppError::NotFound.into());
    }
    Ok(Json(rows))
}

/// Current communes, wards and special zones of a province.
#[utoipa::path(get, path = "/api/v1/provinces/{code}/communes", tag = "reference",
    params(("code" = String, Path, description = "Two-digit province code")),
    responses((status = 200, body = [Commune]), (status = 404, body = ErrorBody)))]
async fn list_communes(State(st): State<AppState>, Path(code): Path<String>) -> Result<Json<Vec<Commune>>, HttpError> {
    let rows = sqlx::query_as!(
        Commune,
        "select commune_code as code, full_name, name_en, unit_type from commune where province_code = $1 order by commune_code",
        code
    )
    .fetch_all(&st.db)
    .await?;
    listed(rows)
}

#[derive(Serialize, ToSchema)]
pub struct Successor {
    /// The current commune's code.
    code: String,
    name: String,
    province_code: String,
    /// `full`: the whole former commune went there; `partial`: part of it.
    merge_type: String,
}

/// Which current commune(s) a pre-July-2025 commune became. Papers, ID cards and the population
/// database still carry former communes.
#[utoipa::path(get, path = "/api/v1/former-communes/{code}", tag = "reference",
    params(("code" = String, Path, description = "Five-digit code of the former commune")),
    responses((status = 200, body = [Successor]), (status = 404, body = ErrorBody)))]
async fn former_commune(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<Successor>>, HttpError> {
    let rows = sqlx::query_as!(
        Successor,
        "select new_code as code, new_name as name, new_province_code as province_code, merge_type from commune_merge where old_code = $1 order by new_code",
        code
    )
    .fetch_all(&st.db)
    .await?;
    listed(rows)
}

#[derive(Serialize, ToSchema)]
pub struct Procedure {
    code: String,
    name: String,
    name_en: String,
    field: String,
    /// Working days; 0 = the same day.
    processing_days: i16,
    fee_vnd: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ProcedureQuery {
    /// Words to look for, accents and case ignored.
    q: Option<String>,
}

/// The procedure catalogue, optionally searched.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "reference", params(ProcedureQuery), responses((status = 200, body = [Procedure])))]
async fn list_procedures(
    State(st): State<AppState>,
    Query(q): Query<ProcedureQuery>,
) -> Result<Json<Vec<Procedure>>, HttpError> {
    let query: String = q.q.unwrap_or_default().chars().take(100).collect();
    let list = app::reference::api::search_procedures(&st.db, &query).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| Procedure {
                code: p.code,
                name: p.name,
                name_en: p.name_en,
                field: p.field,
                processing_days: p.processing_days,
                fee_vnd: p.fee_vnd,
            })
            .collect(),
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Browsable documentation: a server-rendered list of operations (works without JavaScript),
/// enhanced by Swagger UI served from our own origin when its files were installed (npm
/// `swagger-ui-dist`, copied by `make`).
async fn docs() -> Html<String> {
    let doc = &*OPENAPI;
    let mut items = String::new();
    for (path, item) in &doc.paths.paths {
        let ops = [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)];
        for (method, op) in ops {
            if let Some(op) = op {
                let summary = op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default();
                items.push_str(&format!("<li><code>{method} {}</code> — {}</li>", escape(path), escape(&summary)));
            }
        }
    }
    Html(format!(
        r##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>phucvu API</title><link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css"></head>
<body><main id="swagger-ui"><h1>{title} {version}</h1><p><a href="/api/openapi.json">OpenAPI 3 document (JSON)</a></p><ul>{items}</ul></main>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/swagger-init.js"></script>
</body></html>"##,
        title = escape(&doc.info.title),
        version = escape(&doc.info.version),
    ))
}
