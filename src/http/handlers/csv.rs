//! `/api/v1/csv/{entity}`: export (GET) and all-or-nothing import (POST, a `text/csv` body) of
//! the referential's tables, in the same formats as `gpec export` and `gpec import`.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::access::Principal;
use crate::domain::referential_csv::{self, Entity, ImportReport};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export).service(import);
}

/// Exports a table as CSV.
#[utoipa::path(
    tag = "csv",
    security(("bearer" = [])),
    params(("entity" = Entity, Path, description = "competencies, job-profiles, requirements or activity-roles")),
    responses((status = 200, description = "The CSV file", body = String, content_type = "text/csv"), AuthErrors, BodyErrors)
)]
#[get("/csv/{entity}")]
pub async fn export(
    state: web::Data<AppState>,
    _who: Principal,
    entity: web::Path<Entity>,
) -> Result<HttpResponse, ApiError> {
    let entity = entity.into_inner();
    let bytes = state.db.run(move |conn| referential_csv::export(conn, entity)).await?;
    Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(bytes))
}

/// Imports a CSV file: every bad line is reported (400, with line and column) and nothing is
/// written unless the whole file is valid. Entries equal to what is stored are left as they are.
#[utoipa::path(
    tag = "csv",
    security(("bearer" = [])),
    params(("entity" = Entity, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "What the import did", body = ImportReport), AuthErrors, BodyErrors)
)]
#[post("/csv/{entity}")]
pub async fn import(
    state: web::Data<AppState>,
    who: Principal,
    entity: web::Path<Entity>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    who.require_referential_editor()?;
    let entity = entity.into_inner();
    let author = who.username.clone();
    let report = state.db.transaction(move |conn| referential_csv::import(conn, entity, &body, &author)).await?;
    tracing::info!(user = %who.username, entity = entity.name(), ?report, "csv import");
    Ok(HttpResponse::Ok().json(report))
}
