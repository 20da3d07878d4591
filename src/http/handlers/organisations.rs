//! `/api/v1/organisations`: national administrators create them; everyone sees their own.

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::access::Principal;
use crate::domain::organisations::{self, Organisation};
use crate::domain::types::{OrgCode, OrgKind};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get_one);
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct OrganisationDto {
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub kind: OrgKind,
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

impl From<Organisation> for OrganisationDto {
    fn from(o: Organisation) -> Self {
        Self { kind: o.kind(), code: o.code, name: o.name, created_at: o.created_at }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationDto {
    /// 2–32 characters among A-Z, 0-9, '-', '_' (stored upper-case), e.g. `CAF-78`.
    #[schema(pattern = "^ *[A-Za-z0-9_-]{2,32} *$")]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub kind: OrgKind,
}

/// Organisations the caller can see: all for national users, else their own.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    responses((status = 200, description = "Organisations", body = Vec<OrganisationDto>), AuthErrors)
)]
#[get("/organisations")]
pub async fn list(state: web::Data<AppState>, who: Principal) -> Result<HttpResponse, ApiError> {
    let scope = who.scope();
    let orgs = state.db.run(move |conn| organisations::list(conn, scope)).await?;
    Ok(HttpResponse::Ok().json(orgs.into_iter().map(OrganisationDto::from).collect::<Vec<_>>()))
}

/// One organisation by code; 404 when it is outside the caller's reach.
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Organisation code")),
    responses((status = 200, description = "The organisation", body = OrganisationDto), AuthErrors, NotFound)
)]
#[get("/organisations/{code}")]
pub async fn get_one(
    state: web::Data<AppState>,
    who: Principal,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    let org = state.db.run(move |conn| organisations::find_by_code(conn, &code)).await?;
    let org = org.ok_or_else(|| ApiError::not_found("organisation not found"))?;
    let org = who.visible(org.id, org, "organisation")?;
    Ok(HttpResponse::Ok().json(OrganisationDto::from(org)))
}

/// Creates an organisation (national administrators only).
#[utoipa::path(
    tag = "organisations",
    security(("bearer" = [])),
    request_body = NewOrganisationDto,
    responses((status = 201, description = "Created", body = OrganisationDto, headers(("Location" = String, description = "Where what was made is read"))), AuthErrors, BodyErrors, Conflict)
)]
#[post("/organisations")]
pub async fn create(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<NewOrganisationDto>,
) -> Result<HttpResponse, ApiError> {
    who.require_national_admin()?;
    let body = body.into_inner();
    let code = OrgCode::parse("code", &body.code)?;
    let org = state.db.run(move |conn| organisations::create(conn, &who, &code, &body.name, body.kind)).await?;
    Ok(super::created(format!("/api/v1/organisations/{}", super::escaped(&org.code)), OrganisationDto::from(org)))
}
