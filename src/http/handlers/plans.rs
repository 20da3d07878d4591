//! `/api/v1/plans`: allocation plans solved as durable jobs. Asking for a plan fixes its
//! scenario from the stored data and answers 202 at once; a worker solves it; the finished plan
//! is saved, never changed again, and can be compared with another. Every role reads its
//! organisation's plans; `production` (and `admin`) ask for and cancel them.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::today;
use crate::domain::access::Principal;
use crate::domain::paging::Page;
use crate::domain::planning::plans::{self, PlanSummary};
use crate::domain::planning::request::{self, IdempotencyKey, PlanRequest, Requested};
use crate::domain::planning::writes::{self, visible_plan};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, TooManyRequests, Unprocessable};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_plan)
        .service(list_plans)
        .service(get_plan)
        .service(get_scenario)
        .service(cancel_plan)
        .service(compare_plans)
        .service(plan_agents);
}

/// A plan, with its result once done (the planning model's result).
#[derive(Serialize, ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: PlanSummary,
    #[schema(value_type = Option<gpec_planning::result::Plan>)]
    pub result: Option<serde_json::Value>,
}

fn json(text: &str) -> Result<serde_json::Value, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal("stored plan document", e))
}

/// Asks for a plan: its scenario is built now from the stored data (agents' ETP and current
/// levels, unavailability, loads, pools) and the plan is queued; 202 with its id. With an
/// `Idempotency-Key` header, a request sent again answers with the plan the first one queued
/// (header `Idempotent-Replayed: true`); the same key with another request is refused (422).
/// An organisation with its quota of plans queued or solving gets 429 with `Retry-After`.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    request_body = PlanRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1 to 255 visible ASCII characters, e.g. a UUID", pattern = "^[!-~]{1,255}$")),
    responses(
        (status = 202, description = "Queued; poll GET /api/v1/plans/{id}", body = PlanSummary),
        AuthErrors, BodyErrors, NotFound, Unprocessable, TooManyRequests
    )
)]
#[post("/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    who: Principal,
    req: HttpRequest,
    body: Json<PlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = req.headers().get("Idempotency-Key").map(|v| IdempotencyKey::parse("Idempotency-Key", v.as_bytes()));
    let key = key.transpose()?;
    let (input, quota) = (body.into_inner(), state.plan_quota);
    let requested = state.db.transaction(move |conn| request::request(conn, &who, input, key, quota, today())).await?;
    let (plan, replayed) = match requested {
        Requested::Queued(plan) => {
            tracing::info!(plan = plan.id, organisation = %plan.organisation, "plan queued");
            (plan, false)
        }
        Requested::Replayed(plan) => (plan, true),
    };
    let mut response = HttpResponse::Accepted();
    response.insert_header(("Location", format!("/api/v1/plans/{}", plan.id)));
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(plan))
}

crate::paged_query! {
    pub struct PlansQuery {
        /// Organisation code (national users); default: the caller's own.
        pub organisation: Option<String>,
    }
}

/// The plans of an organisation, newest first, without their documents.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(PlansQuery),
    responses((status = 200, description = "A page of plans", body = Page<PlanSummary>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/plans")]
pub async fn list_plans(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<PlansQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let ask = q.ask()?;
    let found = super::planning::in_org(&state, who, q.organisation, move |conn, org| plans::page(conn, org, ask));
    Ok(super::paged(&req, &found.await?))
}

/// A plan's status and, once done, its result: per activity and month (backlog, alert, ETP,
/// what binds), per month, per agent and per pool.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = i32, Path), super::AsReport),
    responses(
        (status = 200, description = "The plan; with format=xlsx, its result as a workbook (backlogs on their alert colours, reinforcements and costs, hours per agent)", content(
            (PlanView = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, NotFound, Conflict
    )
)]
#[get("/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    query: web::Query<super::AsReport>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if query.format == super::ReportFormat::Xlsx {
        let result = state.db.run(move |conn| writes::done_plan(conn, &who, id)).await?;
        return super::report(
            super::ReportFormat::Xlsx,
            &result,
            &format!("plan-{id}"),
            crate::domain::report_workbooks::plan,
        );
    }
    let view = state
        .db
        .run(move |conn| {
            let plan = visible_plan(conn, &who, id)?;
            let result = plans::result(conn, id)?;
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
    responses((status = 200, description = "The scenario", body = gpec_planning::Scenario), AuthErrors, NotFound)
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
            json(&plans::scenario(conn, id)?)
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
    let plan = state.db.run(move |conn| writes::cancel_plan(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(plan))
}

crate::paged_query! {
pub struct AgentRowsQuery {
    /// Only the agents whose identifier contains this text (any case).
    pub q: Option<String>,
}
}

/// The per-agent rows of a done plan (hours per activity, overtime, unavailability, campus
/// hours), agent by agent and month by month, paged and searchable: a large fund's plan has
/// hundreds of thousands of them.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("id" = i32, Path), AgentRowsQuery),
    responses(
        (status = 200, description = "A page of rows, with a Link header", body = crate::domain::paging::Page<gpec_planning::result::AgentPeriod>),
        AuthErrors, NotFound, Conflict
    )
)]
#[get("/plans/{id}/agents")]
pub async fn plan_agents(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    query: web::Query<AgentRowsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, q) = (id.into_inner(), query.into_inner());
    let page = state.db.run(move |conn| writes::plan_agents(conn, &who, id, q.q.as_deref(), q.ask()?)).await?;
    Ok(super::paged(&req, &page))
}

/// Per activity and month, the backlog, alert, allocated and needed ETP of plan `a` and plan `b`
/// with `b - a`; per month, the pools' costs; the objectives and their parts; and each plan's
/// overrides when it is a what-if variant. Both plans must be done.
#[utoipa::path(
    tag = "plans",
    security(("bearer" = [])),
    params(("a" = i32, Path), ("b" = i32, Path)),
    responses((status = 200, description = "The comparison", body = crate::domain::planning::PlanComparison), AuthErrors, NotFound, Conflict)
)]
#[get("/plans/{a}/compare/{b}")]
pub async fn compare_plans(
    state: web::Data<AppState>,
    who: Principal,
    ids: web::Path<(i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (a, b) = ids.into_inner();
    let comparison = state.db.run(move |conn| crate::domain::planning::compare_plans(conn, &who, a, b)).await?;
    Ok(HttpResponse::Ok().json(comparison))
}
