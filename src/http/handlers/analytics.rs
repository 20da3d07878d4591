//! `/api/v1/analytics/…`: mobility ranking, team matrix, arcs, training needs and cover, over
//! the agents of the caller's organisation (national users: any organisation, or all).

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::agents::{Page, today};
use super::{ReportFormat, report};
use crate::domain::access::Principal;
use crate::domain::analytics::{self, ArcProfile, Cover, Matrix, Ranked, Scope, TrainingNeed};
use crate::domain::report_workbooks;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::openapi::{AuthErrors, BodyErrors, NotFound};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(mobility).service(matrix).service(arcs).service(training_needs).service(cover);
}

crate::paged_query! {
pub struct MobilityQuery {
    /// The target job profile, e.g. ACCOMPAGNEMENT.
    pub profile: String,
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Only agents currently in this job profile, e.g. CSU.
    pub job_profile: Option<String>,
}
}

/// Agents ranked by fit to a target job profile, each with their gaps. Fit is
/// `1 - (sum of gaps) / (sum of required levels)`, a missing or expired level counting 0; ties
/// go to the agent meeting more requirements, then by matricule.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(MobilityQuery),
    responses((status = 200, description = "A page of the ranking", body = Page<Ranked>, headers(("Link" = String, description = "The first, previous, next and last pages"))), AuthErrors, BodyErrors, NotFound)
)]
#[get("/analytics/mobility")]
pub async fn mobility(
    state: web::Data<AppState>,
    req: HttpRequest,
    who: Principal,
    query: web::Query<MobilityQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let ask = q.ask()?;
    let scope = Scope { organisation: q.organisation, unit: q.unit, job_profile: q.job_profile };
    let page = state.db.run(move |conn| analytics::mobility(conn, &who, &scope, &q.profile, ask, today())).await?;
    Ok(super::paged(&req, &page))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatrixQuery {
    pub organisation: Option<String>,
    pub unit: Option<String>,
    pub job_profile: Option<String>,
    /// `json` (default), `csv`, or `xlsx`: an Excel workbook, each level on its colour.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// Agents × competencies of current levels for a unit or a job profile, as JSON or CSV.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(MatrixQuery),
    responses(
        (status = 200, description = "The matrix: JSON, CSV with format=csv, a workbook with format=xlsx", content(
            (Matrix = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound
    )
)]
#[get("/analytics/matrix")]
pub async fn matrix(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<MatrixQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let format = q.format.clone();
    let (csv, as_report) = match format.as_deref() {
        None | Some("json") => (false, ReportFormat::Json),
        Some("csv") => (true, ReportFormat::Json),
        Some("xlsx") => (false, ReportFormat::Xlsx),
        Some(other) => return Err(ApiError::invalid("format", format!("{other:?}: expected json, csv or xlsx"))),
    };
    let scope = Scope { organisation: q.organisation, unit: q.unit, job_profile: q.job_profile };
    let m = state.db.run(move |conn| analytics::team_matrix(conn, &who, &scope, today())).await?;
    if !csv {
        return report(as_report, &m, "matrice", report_workbooks::matrix);
    }
    Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").body(analytics::matrix_csv(&m)?))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArcQuery {
    /// One agent (by id); otherwise the team given by the scope.
    pub agent: Option<i32>,
    pub organisation: Option<String>,
    pub unit: Option<String>,
    pub job_profile: Option<String>,
    /// The job to compare with; default: the agent's own, or the team's most common.
    pub profile: Option<String>,
}

/// The analytique / relationnel / environnement profile of an agent or a team, beside the job's.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(ArcQuery),
    responses((status = 200, description = "Held and required mean levels per arc", body = ArcProfile), AuthErrors, BodyErrors, NotFound)
)]
#[get("/analytics/arcs")]
pub async fn arcs(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<ArcQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let scope = Scope { organisation: q.organisation, unit: q.unit, job_profile: q.job_profile };
    let result = state
        .db
        .run(move |conn| analytics::arc_profile(conn, &who, q.agent, &scope, q.profile.as_deref(), today()))
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Per competency: how many agents fall below the level their own job profile requires, and
/// the total gap. Largest total gap first: the input of a training plan.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(NeedsQuery),
    responses(
        (status = 200, description = "Training needs, as JSON or a workbook (format=xlsx)", content(
            (Vec<TrainingNeed> = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound
    )
)]
#[get("/analytics/training-needs")]
pub async fn training_needs(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<NeedsQuery>,
) -> Result<HttpResponse, ApiError> {
    let NeedsQuery { organisation, unit, job_profile, format } = query.into_inner();
    let s = Scope { organisation, unit, job_profile };
    let needs = state.db.run(move |conn| analytics::training_needs_in(conn, &who, &s, today())).await?;
    report(format, &needs, "besoins-de-formation", |n| report_workbooks::training_needs(n))
}

/// Which agents the training needs cover, and how they are answered.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NeedsQuery {
    /// Organisation code (national users; others always get their own).
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Only agents currently in this job profile.
    pub job_profile: Option<String>,
    /// `json` (default) or `xlsx`: an Excel workbook.
    #[serde(default)]
    #[param(inline)]
    pub format: ReportFormat,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CoverQuery {
    /// The job profile whose requirements are checked.
    pub profile: String,
    pub organisation: Option<String>,
    pub unit: Option<String>,
    /// Competencies held by fewer agents are flagged; default 2.
    #[param(minimum = 0, maximum = 2147483647)]
    pub min_holders: Option<usize>,
    /// `json` (default) or `xlsx`: an Excel workbook, the competencies at risk in red.
    #[serde(default)]
    #[param(inline)]
    pub format: ReportFormat,
}

/// Per competency the profile requires: how many agents in scope hold at least that level.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(CoverQuery),
    responses(
        (status = 200, description = "Cover per competency, as JSON or a workbook (format=xlsx)", content(
            (Vec<Cover> = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        AuthErrors, BodyErrors, NotFound
    )
)]
#[get("/analytics/cover")]
pub async fn cover(
    state: web::Data<AppState>,
    who: Principal,
    query: web::Query<CoverQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let format = q.format;
    let scope = Scope { organisation: q.organisation, unit: q.unit, job_profile: None };
    let min_holders = q.min_holders.unwrap_or(2);
    let rows =
        state.db.run(move |conn| analytics::cover_in(conn, &who, &scope, &q.profile, min_holders, today())).await?;
    report(format, &rows, "couverture", |r| report_workbooks::cover(r))
}
