//! Liveness and readiness probes (no token needed).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::migrations;
use crate::error::{ApiError, ErrorBody};
use crate::http::AppState;

#[derive(Serialize, ToSchema)]
pub struct Status {
    /// `ok` or `ready`.
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "ops", responses((status = 200, description = "The process is alive", body = Status)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

/// Readiness: the database is reachable and every migration is applied.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, description = "Ready to serve", body = Status),
        (status = 503, description = "Database unreachable or migrations pending", body = ErrorBody, content_type = "application/problem+json"),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let pending = state.db.run(|conn| migrations::has_pending(conn).map_err(|_| ApiError::Unavailable)).await?;
    if pending {
        tracing::warn!("readiness: migrations pending");
        return Err(ApiError::Unavailable);
    }
    Ok(HttpResponse::Ok().json(Status { status: "ready" }))
}
