//! `/api/v1/csv/{entity}`: export (GET) and all-or-nothing import (POST, a `text/csv` body), in
//! the same formats as `gpec export` and `gpec import`. The referential is branch-wide; agents
//! and assessments are read and written within the caller's organisation.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::access::Principal;
use crate::domain::csv_io::Dialect;
use crate::domain::referential_csv::{self, Entity, ImportReport};
use crate::domain::xlsx::FileFormat;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export).service(import);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `standard` (`,`, dates `2026-12-03`, decimal points) or `excel-fr` (`;`, a UTF-8 BOM,
    /// dates `03/12/2026`, decimal commas), what a French Excel opens in columns.
    #[serde(default)]
    #[param(inline)]
    pub dialect: Dialect,
    /// `csv` or `xlsx`: an Excel workbook, its header frozen, numbers as numbers and dates as
    /// dates.
    #[serde(default)]
    #[param(inline)]
    pub format: FileFormat,
}

/// Exports a table as CSV. A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, CR) starts with `'`, which an import takes away again.
#[utoipa::path(
    tag = "csv",
    security(("bearer" = [])),
    params(("entity" = inline(Entity), Path, description = "competencies, job-profiles, requirements, activity-roles, agents, assessments, activities, loads, unavailability, modules, trainers, engagements or sessions"), ExportQuery),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors
    )
)]
#[get("/csv/{entity}")]
pub async fn export(
    state: web::Data<AppState>,
    who: Principal,
    entity: web::Path<Entity>,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (entity, ExportQuery { dialect, format }) = (entity.into_inner(), q.into_inner());
    let scope = if entity.is_referential() { None } else { who.scope() };
    // Birth dates go only to hr and admin of the one organisation exported.
    let birth_dates = scope.is_some_and(|org| crate::domain::agent_projection::may_read_birth_date(&who, org));
    let (bytes, media) = state
        .db
        .run(move |conn| referential_csv::export_file(conn, entity, scope, birth_dates, format, dialect))
        .await?;
    Ok(HttpResponse::Ok().content_type(media).body(bytes))
}

/// Imports a CSV file or an Excel workbook (its first sheet): every bad line or cell is reported
/// (400, with line and column, or the cell as `Agents!C14`) and nothing is written unless the
/// whole file is valid. The file may be gpec's own or saved by a French Excel:
/// `,` or `;`, UTF-8 (with or without a BOM) or Windows-1252, dates `2026-12-03` or `03/12/2026`,
/// decimal points or commas. Entries equal to what is stored are left as they are.
#[utoipa::path(
    tag = "csv",
    security(("bearer" = [])),
    params(("entity" = inline(Entity), Path)),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 200, description = "What the import did", body = ImportReport), AuthErrors, BodyErrors)
)]
#[post("/csv/{entity}")]
pub async fn import(
    state: web::Data<AppState>,
    who: Principal,
    entity: web::Path<Entity>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let entity = entity.into_inner();
    let username = who.username.clone();
    let report = state.db.run(move |conn| referential_csv::import(conn, &who, entity, &body, who.scope())).await?;
    tracing::info!(user = %username, entity = entity.name(), ?report, "csv import");
    Ok(HttpResponse::Ok().json(report))
}
