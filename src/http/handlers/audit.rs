//! `/api/v1/audit`: the audit trail, read by administrators (national ones over every
//! organisation). Nothing here or anywhere else changes or deletes a record.

use actix_web::{HttpRequest, HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::access::Principal;
use crate::domain::audit::{self, AuditQuery, AuditRecord};
use crate::domain::paging::Page;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
}

/// A page of the audit trail, newest first, filtered by organisation, entity, user and time
/// range (role `admin`).
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of the trail", body = Page<AuditRecord>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Principal,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state.db.run(move |conn| audit::list(conn, &who, &q)).await?;
    Ok(super::paged(&req, &page))
}
