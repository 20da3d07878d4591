//! A campus's settings and its trainers' facilitation training (seed 000, principle 3).

use actix_web::{HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use super::campus::CampusQuery;
use crate::domain::access::Principal;
use crate::domain::campus::facilitation::{self, CampusSettings, FacilitationInput};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(record_training).service(get_settings).service(put_settings);
}

/// Records a facilitation training a trainer attended (role `campus`). A trainer without one
/// within the campus's period (`facilitation_months`, 24 by default) is flagged.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(("id" = i32, Path)), request_body = FacilitationInput,
    responses((status = 201, description = "Recorded", headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, NotFound))]
#[post("/trainers/{id}/facilitation-trainings")]
pub async fn record_training(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    body: Json<FacilitationInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state.db.run(move |conn| facilitation::record(conn, &who, id, &body, today())).await?;
    // A training is read with its trainer.
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, format!("/api/v1/trainers/{id}")))
        .finish())
}

/// A campus's settings.
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery),
    responses((status = 200, description = "The settings", body = CampusSettings), AuthErrors, BodyErrors, NotFound))]
#[get("/campus-settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
) -> Result<HttpResponse, ApiError> {
    let code = q.into_inner().campus;
    Ok(HttpResponse::Ok().json(state.db.run(move |conn| facilitation::settings(conn, &who, code.as_deref())).await?))
}

/// Sets a campus's settings (role `campus`).
#[utoipa::path(tag = "campus", security(("bearer" = [])), params(CampusQuery), request_body = CampusSettings,
    responses((status = 200, description = "The settings", body = CampusSettings), AuthErrors, BodyErrors, NotFound))]
#[put("/campus-settings")]
pub async fn put_settings(
    state: web::Data<AppState>,
    who: Principal,
    q: web::Query<CampusQuery>,
    body: Json<CampusSettings>,
) -> Result<HttpResponse, ApiError> {
    let code = q.into_inner().campus;
    let saved = state.db.run(move |conn| facilitation::set_settings(conn, &who, code.as_deref(), &body)).await?;
    Ok(HttpResponse::Ok().json(saved))
}
