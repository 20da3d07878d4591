//! `/api/v1/plans`: allocation plans solved as durable jobs. Asking for a plan fixes its
//! scenario from the stored data and answers 202 at once; a worker solves it; the finished plan
//! is saved, never changed again, and can be compared with another. Every role reads its
//! organisation's plans; `production` (and `admin`) ask for and cancel them.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use super::planning::OrgQuery;
use crate::db::DbConnection;
use crate::domain::access::Principal;
use crate::domain::planning::plans::{self, NewPlan, PlanSummary};
use crate::domain::planning::{organisation_id, scenario};
use crate::domain::types::{Period, Role};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Unprocessable};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_plan)
        .service(list_plans)
        .service(get_plan)
        .service(get_scenario)
        .service(cancel_plan)
        .service(compare_plans);
}

/// Longest search a plan may ask for, in seconds.
const MAX_TIME_LIMIT: f64 = 600.0;

/// What a plan covers and how long the solver may search.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Organisation code (national users); default: the caller's own.
    pub organisation: Option<String>,
    /// A name to find the plan by, e.g. "Pic rentrée, avec CDD".
    #[serde(default)]
    pub name: Option<String>,
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM` (36 months at most).
    pub to: String,
    /// Seconds before the search stops with the best plan found (default 60, at most 600).
    #[serde(default)]
    pub time_limit_seconds: Option<f64>,
}

/// A plan, with its result once done (the planning model's result).
#[derive(Serialize, ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: PlanSummary,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

fn visible_plan(conn: &mut DbConnection, who: &Principal, id: i32) -> Result<PlanSummary, ApiError> {
    let plan = plans::get(conn, id)?;
    who.visible(plan.organisation_id, plan, "plan")
}

fn json(text: &str) -> Result<serde_json::Value, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal("stored plan document", e))
}

/// Asks for a plan: its scenario is built now from the stored data (agents' ETP and current
/// levels, unavailability, loads, pools) and the plan is queued; 202 with its id.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    request_body = PlanRequest,
    responses(
        (status = 202, description = "Queued; poll GET /api/v1/plans/{id}", body = PlanSummary),
        AuthErrors, BodyErrors, NotFound, Unprocessable
    )
)]
#[post("/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    who: Principal,
    body: web::Json<PlanRequest>,
) -> Result<HttpResponse, ApiError> {
    who.require_any(&[Role::Production])?;
    let request = body.into_inner();
    let time_limit = request.time_limit_seconds.unwrap_or(60.0);
    if !(time_limit.is_finite() && time_limit > 0.0 && time_limit <= MAX_TIME_LIMIT) {
        return Err(ApiError::invalid("time_limit_seconds", "must be more than 0 and at most 600 seconds"));
    }
    let name = request.name.as_deref().map(str::trim).unwrap_or("").to_owned();
    if name.chars().count() > 200 {
        return Err(ApiError::invalid("name", "must be at most 200 characters"));
    }
    let plan = state
        .db
        .transaction(move |conn| {
            let (from, to) = (Period::parse("from", &request.from)?, Period::parse("to", &request.to)?);
            let org = organisation_id(conn, &who, request.organisation.as_deref())?;
            let built = scenario::build(conn, org, from, to, today())?;
            gpec_planning::validate(&built).map_err(scenario::refused)?;
            let text = serde_json::to_string(&built).map_err(|e| ApiError::internal("scenario", e))?;
            let name = if name.is_empty() { format!("{from} – {to}") } else { name };
            let id = plans::enqueue(
                conn,
                NewPlan {
                    organisation_id: org,
                    name: &name,
                    from: from.to_string(),
                    to: to.to_string(),
                    time_limit,
                    scenario: text,
                    author: &who.username,
                },
            )?;
            plans::get(conn, id)
        })
        .await?;
    tracing::info!(plan = plan.id, organisation = %plan.organisation, "plan queued");
    Ok(HttpResponse::Accepted().insert_header(("Location", format!("/api/v1/plans/{}", plan.id))).json(plan))
}

/// The plans of an organisation, newest first, without their documents.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, description = "Plans", body = Vec<PlanSummary>), AuthErrors, NotFound)
)]
#[get("/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    super::planning::org_read(&state, who, query.into_inner().organisation, plans::list).await
}

/// A plan's status and, once done, its result: per activity and month (backlog, alert, ETP,
/// what binds), per month, per agent and per pool.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "The plan", body = PlanView), AuthErrors, NotFound)
)]
#[get("/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let plan = visible_plan(conn, &who, id)?;
            let (_, result) = plans::documents(conn, id)?;
            Ok(PlanView { plan, result: result.as_deref().map(json).transpose()? })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The scenario a plan was solved on, in the planning model's JSON (`gpec plan solve` and
/// `gpec plan check` read it).
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "The scenario", body = Object), AuthErrors, NotFound)
)]
#[get("/plans/{id}/scenario")]
pub async fn get_scenario(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let scenario = state
        .db
        .run(move |conn| {
            visible_plan(conn, &who, id)?;
            json(&plans::documents(conn, id)?.0)
        })
        .await?;
    Ok(HttpResponse::Ok().json(scenario))
}

/// Cancels a queued or running plan (a running solve finishes in the background and its result
/// is dropped). A finished plan is immutable: 409.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "Cancelled", body = PlanSummary), AuthErrors, NotFound, Conflict)
)]
#[delete("/plans/{id}")]
pub async fn cancel_plan(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let plan = state
        .db
        .run(move |conn| {
            visible_plan(conn, &who, id)?;
            who.require_any(&[Role::Production])?;
            plans::cancel(conn, id)?;
            plans::get(conn, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// Per activity and month, the backlog, alert, allocated and needed ETP of plan `a` and plan `b`
/// with `b - a`; per month, the pools' costs; and the objectives. Both plans must be done.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("a" = i32, Path), ("b" = i32, Path)),
    responses((status = 200, description = "The comparison", body = Object), AuthErrors, NotFound, Conflict)
)]
#[get("/plans/{a}/compare/{b}")]
pub async fn compare_plans(
    state: web::Data<AppState>,
    who: Principal,
    ids: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (a, b) = ids.into_inner();
    let comparison = state
        .db
        .run(move |conn| {
            let mut done = |id: i32| -> Result<gpec_planning::Plan, ApiError> {
                let plan = visible_plan(conn, &who, id)?;
                match plans::documents(conn, id)?.1 {
                    Some(result) if plan.status == plans::DONE => {
                        serde_json::from_str(&result).map_err(|e| ApiError::internal("stored plan", e))
                    }
                    _ => Err(ApiError::conflict(format!("plan {id} is {}: only done plans compare", plan.status))),
                }
            };
            let (a, b) = (done(a)?, done(b)?);
            Ok(gpec_planning::compare::compare(&a, &b))
        })
        .await?;
    Ok(HttpResponse::Ok().json(comparison))
}
