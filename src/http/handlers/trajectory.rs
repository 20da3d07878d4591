//! The workforce trajectory of an organisation (`hr`, `admin`; national users name any with
//! `?organisation=`): assumptions, targets, the projection without action and the optimal plan.

use actix_web::{HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::Versioned;
use super::agents::today;
use super::planning::OrgQuery;
use crate::domain::access::Principal;
use crate::domain::trajectory::assumptions::{self, Assumptions, StoredAssumptions};
use crate::domain::trajectory::csv::{self, Table};
use crate::domain::trajectory::reports::{self, Kind, Report};
use crate::domain::trajectory::targets::{self, Target, Targets};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::extract::Json;
use crate::http::openapi::{AuthErrors, BodyErrors, Conflict, NotFound, Stale, Unprocessable};
use crate::http::versions::{self, IfMatch, etag};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_assumptions)
        .service(put_assumptions)
        .service(get_targets)
        .service(put_targets)
        .service(projection)
        .service(plan);
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

async fn answer(
    state: web::Data<AppState>,
    who: Principal,
    q: TrajectoryQuery,
    kind: Kind,
) -> Result<HttpResponse, ApiError> {
    let horizon = reports::horizon(q.first_year, q.years, today())?;
    let organisation = q.organisation;
    let report = state
        .db
        .run(move |conn| reports::trajectory(conn, &who, organisation.as_deref(), kind, horizon, today()))
        .await?;
    Ok(match q.format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(csv::table(&report, q.table)?),
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
    answer(state, who, query.into_inner(), Kind::Projection).await
}

/// The least-cost plan of hires, moves and training against the targets, solved exactly, with
/// the same reports.
#[utoipa::path(
    tag = "trajectory",
    security(("bearer" = [])),
    params(TrajectoryQuery),
    responses(
        (status = 200, description = "The plan", content((Report = "application/json"), (String = "text/csv"))),
        AuthErrors, BodyErrors, NotFound, Unprocessable
    )
)]
#[post("/trajectory/plan")]
pub async fn plan(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<TrajectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    answer(state, who, query.into_inner(), Kind::Plan).await
}

impl utoipa::PartialSchema for StoredAssumptions {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::openapi::stored::<Assumptions>(
            "The stored assumptions; version 0 means none were saved yet (the defaults apply).",
        )
    }
}

impl utoipa::ToSchema for StoredAssumptions {}
