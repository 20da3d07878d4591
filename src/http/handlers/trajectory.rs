//! The workforce trajectory of an organisation (`hr`, `admin`; national users name any with
//! `?organisation=`): assumptions, targets, the projection without action and the optimal plan.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::Versioned;
use super::agents::today;
use super::planning::OrgQuery;
use crate::domain::access::Principal;
use crate::domain::paging::Page;
use crate::domain::trajectory::assumptions::{self, Assumptions, StoredAssumptions};
use crate::domain::trajectory::csv::{self, Table};
use crate::domain::trajectory::plans::{self, PlanRequest, PlanSummary, PlanView};
use crate::domain::trajectory::reports::{self, Report};
use crate::domain::trajectory::targets::{self, Target, Targets};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale, TooManyRequests, Unprocessable};
use crate::http::versions::{self, IfMatch, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_assumptions)
        .service(put_assumptions)
        .service(get_targets)
        .service(put_targets)
        .service(projection)
        .service(request_plan)
        .service(list_plans)
        .service(get_plan)
        .service(get_case)
        .service(cancel_plan);
}

/// The assumptions (version 0: none saved, the documented defaults apply).
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, description = "The assumptions", body = StoredAssumptions), AuthErrors, NotFound)
)]
#[get("/trajectory/assumptions")]
pub async fn get_assumptions(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    let organisation = query.into_inner().organisation;
    let found = state
        .db
        .run(move |conn| {
            let org = crate::domain::trajectory::organisation(conn, &who, organisation.as_deref())?;
            assumptions::get(conn, org)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(found.version)).json(found))
}

/// Saves the assumptions made from `version` (409 if they changed since; 0 for the first save).
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = super::VersionedAssumptions,
    responses((status = 200, description = "The assumptions", body = StoredAssumptions), AuthErrors, BodyErrors, NotFound, Conflict, Stale)
)]
#[put("/trajectory/assumptions")]
pub async fn put_assumptions(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    if_match: IfMatch,
    body: Json<Versioned<Assumptions>>,
) -> Result<HttpResponse, ApiError> {
    let Versioned { version, content } = body.into_inner();
    let expected = if_match.expected(version)?;
    let organisation = query.into_inner().organisation;
    let stored = state
        .db
        .run(move |conn| {
            versions::edit(expected, |v| assumptions::put(conn, &who, organisation.as_deref(), v, &content))
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(etag(stored.version)).json(stored))
}

/// Target ETP per job sheet and year: one organisation's, or for national users naming none,
/// every organisation's with the branch's sum.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, description = "The targets", body = Targets), AuthErrors, NotFound)
)]
#[get("/trajectory/targets")]
pub async fn get_targets(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
) -> Result<HttpResponse, ApiError> {
    let organisation = query.into_inner().organisation;
    let found = state.db.run(move |conn| targets::list(conn, &who, organisation.as_deref())).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Replaces an organisation's targets, all or nothing.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(OrgQuery),
    request_body = Vec<Target>,
    responses((status = 200, description = "The targets", body = Targets), AuthErrors, BodyErrors, NotFound)
)]
#[put("/trajectory/targets")]
pub async fn put_targets(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<OrgQuery>,
    body: Json<Vec<Target>>,
) -> Result<HttpResponse, ApiError> {
    let (organisation, rows) = (query.into_inner().organisation, body.into_inner());
    let saved = state.db.run(move |conn| targets::put(conn, &who, organisation.as_deref(), rows)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrajectoryQuery {
    /// Organisation code (national users); default: the caller's own.
    pub organisation: Option<String>,
    /// The first year (default: next year).
    pub first_year: Option<i32>,
    /// 1 to 5 (default 3).
    pub years: Option<usize>,
    /// `json` (default) or `csv`: one table of the report, named by `table`.
    #[serde(default)]
    #[param(inline)]
    pub format: Format,
    /// With `format=csv`: `flows` (default, one line per sheet and year), `moves`, `departures`,
    /// `pyramid` or `succession` (one line per competency and year).
    #[serde(default)]
    #[param(inline)]
    pub table: Table,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Csv,
}

fn respond(format: Format, table: Table, report: &Report) -> Result<HttpResponse, ApiError> {
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(csv::table(report, table)?),
    })
}

/// The trajectory without action, with departures per year and reason, the age pyramid and the
/// succession risks.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(TrajectoryQuery),
    responses(
        (status = 200, description = "The projection", content((Report = "application/json"), (String = "text/csv"))),
        AuthErrors, BodyErrors, NotFound, Unprocessable
    )
)]
#[get("/trajectory/projection")]
pub async fn projection(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<TrajectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let horizon = reports::horizon(q.first_year, q.years, today())?;
    let organisation = q.organisation;
    let report =
        state.db.run(move |conn| reports::projection(conn, &who, organisation.as_deref(), horizon, today())).await?;
    respond(q.format, q.table, &report)
}

/// Asks for the least-cost plan of hires, moves and training against the targets. The case is
/// fixed from today's data and queued; a plan worker solves it exactly (HiGHS) and stores the
/// report. Floors no plan can keep make it `failed`, each named with what the limits allow.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    request_body = PlanRequest,
    responses(
        (status = 202, description = "Queued; poll GET /api/v1/trajectory/plans/{id}", body = PlanSummary),
        AuthErrors, BodyErrors, NotFound, Unprocessable, TooManyRequests
    )
)]
#[post("/trajectory/plans")]
pub async fn request_plan(
    state: web::Data<AppState>,
    who: Principal,
    body: Json<PlanRequest>,
) -> Result<HttpResponse, ApiError> {
    let (input, quota) = (body.into_inner(), state.plan_quota);
    let plan = state.db.transaction(move |conn| plans::request(conn, &who, input, quota, today())).await?;
    tracing::info!(plan = plan.id, organisation = %plan.organisation, "trajectory plan queued");
    Ok(HttpResponse::Accepted().insert_header(("Location", format!("/api/v1/trajectory/plans/{}", plan.id))).json(plan))
}

crate::paged_query! {
    pub struct PlansQuery {
        /// Organisation code (national users); default: the caller's own.
        pub organisation: Option<String>,
    }
}

/// An organisation's trajectory plans, newest first, without their reports.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(PlansQuery),
    responses((status = 200, description = "A page of trajectory plans", body = Page<PlanSummary>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/trajectory/plans")]
pub async fn list_plans(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<PlansQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let ask = q.ask()?;
    let found = state.db.run(move |conn| plans::page(conn, &who, q.organisation.as_deref(), ask)).await?;
    Ok(super::paged(&req, &found))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PlanFormat {
    /// `json` (default): the plan and its report once done; `csv`: one table of the report
    /// (409 until done), named by `table`.
    #[serde(default)]
    #[param(inline)]
    pub format: Format,
    /// With `format=csv`: `flows` (default), `moves`, `candidates` (the agents proposed for each
    /// move, then the alternates), `departures`, `pyramid` or `succession`.
    #[serde(default)]
    #[param(inline)]
    pub table: Table,
}

/// A trajectory plan's status and, once done, its report: flows per sheet and year against the
/// targets, moves with the agents best placed, costs, departures, age pyramid, succession.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(("id" = i32, Path), PlanFormat),
    responses(
        (status = 200, description = "The plan", content((PlanView = "application/json"), (String = "text/csv"))),
        AuthErrors, BodyErrors, NotFound, Conflict
    )
)]
#[get("/trajectory/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
    query: web::Query<PlanFormat>,
) -> Result<HttpResponse, ApiError> {
    let (id, q) = (id.into_inner(), query.into_inner());
    if q.format == Format::Csv {
        let report = state.db.run(move |conn| plans::report(conn, &who, id)).await?;
        return respond(q.format, q.table, &report);
    }
    let view = state.db.run(move |conn| plans::view(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The case a trajectory plan was solved on, in the trajectory model's JSON (`gpec trajectory
/// solve` and `gpec trajectory project` read it): the stock, departures, assumptions and targets
/// as they were when the plan was asked.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "The case", body = gpec_trajectory::Case), AuthErrors, NotFound)
)]
#[get("/trajectory/plans/{id}/case")]
pub async fn get_case(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = state.db.run(move |conn| plans::case(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(case))
}

/// Cancels a queued or solving trajectory plan (409 once it ended).
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, description = "Cancelled", body = PlanSummary), AuthErrors, NotFound, Conflict)
)]
#[delete("/trajectory/plans/{id}")]
pub async fn cancel_plan(
    state: web::Data<AppState>,
    who: Principal,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let plan = state.db.run(move |conn| plans::cancel(conn, &who, id)).await?;
    Ok(HttpResponse::Ok().json(plan))
}

impl utoipa::PartialSchema for StoredAssumptions {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::openapi::stored::<Assumptions>(
            "The stored assumptions; version 0 means none were saved yet (the defaults apply).",
        )
    }
}

impl utoipa::ToSchema for StoredAssumptions {}
